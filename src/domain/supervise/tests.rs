use super::*;
use crate::domain::followup::{ContactMethod, ContactOutcome, WorkStatus};
use chrono::TimeZone;

fn town() -> TownshipCode {
    TownshipCode("360781100".into())
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn answers(date: NaiveDate, plan: &str) -> FollowUpAnswers {
    FollowUpAnswers {
        date,
        method: ContactMethod::Phone,
        work_status: WorkStatus::Unemployed,
        employment: None,
        willing_to_work: true,
        needs: Vec::new(),
        services: "推荐岗位".into(),
        plan: plan.into(),
        next_contact: date + chrono::Days::new(30),
        outcome: ContactOutcome::Reached,
    }
}

/// A CST wall-clock time as UTC.
fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    let cst = FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix());
    cst.with_ymd_and_hms(y, m, d, h, min, s)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

use chrono::Offset;

fn entry(account: &str, saved_at: DateTime<Utc>) -> Entry {
    Entry {
        account: account.into(),
        township: town(),
        person: "张三".into(),
        saved_at,
    }
}

#[test]
fn copied_followups_at_threshold_is_a_finding() {
    let f = [
        answers(day(2026, 8, 10), "继续推荐"),
        answers(day(2026, 9, 11), "继续推荐"),
        answers(day(2026, 10, 9), "继续推荐"),
    ];
    let found = copied_followups(&town(), "张三", &f, 3);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].date, day(2026, 10, 9));
    assert_eq!(found[0].key(), "copied:张三:2026-10");
    assert!(found[0].evidence.contains("连续 3 个月"));
}

#[test]
fn copied_followups_below_threshold_or_changed_is_none() {
    let two = [
        answers(day(2026, 9, 11), "继续推荐"),
        answers(day(2026, 10, 9), "继续推荐"),
    ];
    assert!(copied_followups(&town(), "张三", &two, 3).is_empty());
    let changed = [
        answers(day(2026, 8, 10), "继续推荐"),
        answers(day(2026, 9, 11), "参加培训"),
        answers(day(2026, 10, 9), "参加培训"),
    ];
    assert!(copied_followups(&town(), "张三", &changed, 3).is_empty());
    // A month missing breaks the streak.
    let gap = [
        answers(day(2026, 7, 10), "继续推荐"),
        answers(day(2026, 9, 11), "继续推荐"),
        answers(day(2026, 10, 9), "继续推荐"),
    ];
    assert!(copied_followups(&town(), "张三", &gap, 3).is_empty());
}

#[test]
fn a_longer_copied_streak_keeps_one_key() {
    let f: Vec<_> = (6..=11)
        .map(|m| answers(day(2026, m, 10), "继续推荐"))
        .collect();
    let found = copied_followups(&town(), "张三", &f, 3);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key(), "copied:张三:2026-08");
}

#[test]
fn entry_pace_above_threshold_only() {
    let at_limit: Vec<_> = (0..3)
        .map(|s| entry("jingban", at(2026, 11, 4, 9, 30, s * 10)))
        .collect();
    assert!(entry_pace(&at_limit, 3).is_empty());
    let mut over = at_limit.clone();
    over.push(entry("jingban", at(2026, 11, 4, 9, 30, 59)));
    let found = entry_pace(&over, 3);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subject, "jingban（2026-11-04 09时30分）");
    assert!(found[0].evidence.contains("4 条"));
    // Four in two different minutes, or by two accounts, are not.
    let mut split = at_limit.clone();
    split.push(entry("jingban", at(2026, 11, 4, 9, 31, 0)));
    assert!(entry_pace(&split, 3).is_empty());
    let mut two = at_limit;
    two.push(entry("other", at(2026, 11, 4, 9, 30, 59)));
    assert!(entry_pace(&two, 3).is_empty());
}

#[test]
fn entry_hours_outside_the_day_or_on_a_day_off() {
    let hours = DayHours::parse("08:00-18:00").unwrap_or(DayHours { start: 0, end: 1 });
    let cal = Calendar::weekends_only();
    // 2026-11-04 is a Wednesday.
    let inside = [
        entry("jingban", at(2026, 11, 4, 8, 0, 0)),
        entry("jingban", at(2026, 11, 4, 17, 59, 59)),
    ];
    assert!(entry_hours(&inside, hours, &cal).is_empty());
    let at_end = [entry("jingban", at(2026, 11, 4, 18, 0, 0))];
    assert_eq!(entry_hours(&at_end, hours, &cal).len(), 1);
    let early = [entry("jingban", at(2026, 11, 4, 7, 59, 0))];
    assert_eq!(entry_hours(&early, hours, &cal).len(), 1);
    // 2026-11-07 is a Saturday: any hour is a finding.
    let saturday = [entry("jingban", at(2026, 11, 7, 10, 0, 0))];
    let found = entry_hours(&saturday, hours, &cal);
    assert_eq!(found.len(), 1);
    assert!(found[0].evidence.contains("非工作日"));
    // 00:30 CST on the 5th is 16:30 UTC on the 4th: the CST day counts.
    let night = [entry("jingban", at(2026, 11, 5, 0, 30, 0))];
    assert_eq!(entry_hours(&night, hours, &cal)[0].date, day(2026, 11, 5));
}

#[test]
fn day_hours_parse() {
    assert_eq!(
        DayHours::parse("08:00-18:00"),
        Some(DayHours {
            start: 480,
            end: 1080
        })
    );
    assert_eq!(DayHours::parse("18:00-08:00"), None);
    assert_eq!(DayHours::parse("8-18"), None);
    assert_eq!(DayHours::parse("08:00-25:00"), None);
}

fn contact(household: &str, kind: ContactKind, value: &str) -> Contact {
    Contact {
        household: household.into(),
        township: town(),
        kind,
        value: value.into(),
    }
}

#[test]
fn shared_contacts_across_households() {
    let as_of = day(2026, 11, 30);
    let one_household = [
        contact("H1", ContactKind::Phone, "13800000001"),
        contact("H1", ContactKind::Phone, "13800000001"),
    ];
    assert!(shared_contacts(&one_household, as_of).is_empty());
    let two = [
        contact("H1", ContactKind::Phone, "13800000001"),
        contact("H2", ContactKind::Phone, "13800000001"),
        contact("H3", ContactKind::SiCard, "13800000001"),
        contact("H4", ContactKind::UnitAccount, ""),
        contact("H5", ContactKind::UnitAccount, " "),
    ];
    let found = shared_contacts(&two, as_of);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key(), "shared:tel13800000001:2026-11");
    assert!(found[0].evidence.contains("H1、H2"));
}

#[test]
fn paid_after_exit_or_with_benefit() {
    let ym = |m| {
        YearMonth::new(2026, m).unwrap_or(YearMonth {
            year: 2026,
            month: 1,
        })
    };
    let pay = |m| Payment {
        what: "社会保险补贴".into(),
        month: ym(m),
        paid_on: None,
    };
    // Paid in the exit's own month: not a finding; the month after is.
    let exit = Some(day(2026, 6, 15));
    assert!(paid_while_ineligible(&town(), "张三", &[pay(6)], exit, &[]).is_empty());
    let found = paid_while_ineligible(&town(), "张三", &[pay(6), pay(7)], exit, &[]);
    assert_eq!(found.len(), 1);
    assert!(found[0].evidence.contains("退出"));
    // A benefit month.
    let found = paid_while_ineligible(&town(), "张三", &[pay(3), pay(4)], None, &[ym(4)]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].date, day(2026, 4, 1));
    assert!(paid_while_ineligible(&town(), "张三", &[pay(3)], None, &[ym(4)]).is_empty());
    // A dated payment: its day against the exit's, whatever months it covers.
    let dated = |m, on| Payment {
        paid_on: Some(on),
        ..pay(m)
    };
    let on_exit = [dated(5, day(2026, 6, 15))];
    assert!(paid_while_ineligible(&town(), "张三", &on_exit, exit, &[]).is_empty());
    let late = [dated(5, day(2026, 6, 16)), dated(6, day(2026, 6, 16))];
    let found = paid_while_ineligible(&town(), "张三", &late, exit, &[]);
    assert_eq!(found.len(), 1, "one payment, one finding: {found:?}");
    assert_eq!(found[0].date, day(2026, 6, 16));
    assert!(found[0].evidence.contains("2026年5月") && found[0].evidence.contains("2026年6月"));
}

#[test]
fn self_decided_only_when_the_same_account() {
    let d = |p: &str, by: &str| Decision {
        what: "认定".into(),
        township: town(),
        person: "张三".into(),
        proposed_by: p.into(),
        decided_by: by.into(),
        decided_on: day(2026, 11, 2),
    };
    assert!(self_decided(&[d("jingban", "shenhe")]).is_empty());
    let found = self_decided(&[d("shenhe", "shenhe"), d("jingban", "shenhe")]);
    assert_eq!(found.len(), 1);
    assert!(found[0].evidence.contains("同一账号"));
}

#[test]
fn reveals_above_the_day_limit() {
    let r = |h: u32, m: u32| Reveal {
        account: "shenhe".into(),
        township: town(),
        at: at(2026, 11, 4, h, m, 0),
    };
    let twenty: Vec<_> = (0..20).map(|i| r(9, i)).collect();
    assert!(reveals_per_day(&twenty, 20).is_empty());
    let mut over = twenty.clone();
    over.push(r(23, 59));
    let found = reveals_per_day(&over, 20);
    assert_eq!(found.len(), 1);
    assert!(found[0].evidence.contains("21 次"));
    // The 21st on the next CST day is not.
    let mut next = twenty;
    next.push(Reveal {
        at: at(2026, 11, 5, 0, 0, 0),
        ..r(0, 0)
    });
    assert!(reveals_per_day(&next, 20).is_empty());
}
