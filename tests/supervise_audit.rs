//! 监督 (第(十四)条, R-GOV-1) rules over the audit trail, through the service: follow-ups
//! entered faster than the setting allows or outside working hours, ID numbers revealed too
//! often in a day, and recognitions and exits decided by their proposer — each found when
//! the trail shows it and not found when it does not, with keys that name the account and
//! the minute or day (or the case), so a disposition stays with its finding.
//!
//! Entries are written through store calls that take a `Stamp`, at chosen times of the
//! month after next: the demo county and the service's indexes are written at the real
//! time, and the trail is read by time on the understanding that entries come in time
//! order (a clock that stepped back weeks would hide the later ones).

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use yuanzhu::domain::exit::ExitReason;
use yuanzhu::domain::followup::{ContactMethod, ContactOutcome, FollowUpAnswers, WorkStatus};
use yuanzhu::domain::supervise::Rule;
use yuanzhu::domain::supervise::disposition::Verdict;
use yuanzhu::domain::{CaseEvent, CaseEventKind, CaseId, RecognitionStatus, Role, Settings};
use yuanzhu::domain::{CaseSummary, YearMonth};
use yuanzhu::service::protocol::SupervisedFinding;
use yuanzhu::service::{Actor, Request, Response, Service, Today};
use yuanzhu::store::{Stamp, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

/// The month the tests write their entries in: the month after next, so every entry comes
/// after the demo's and the indexes' own, written at the real time.
fn month() -> YearMonth {
    YearMonth::of(yuanzhu::service::now_cst().date_naive())
        .next()
        .next()
}

/// A moment of [`month`], China Standard Time.
fn at(day: u32, hour: u32, minute: u32, second: u32) -> DateTime<FixedOffset> {
    let m = month();
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(m.year, m.month, day, hour, minute, second)
        .unwrap()
}

/// `YYYY-MM-DD` of a day of [`month`].
fn date(day: u32) -> String {
    at(day, 12, 0, 0).format("%Y-%m-%d").to_string()
}

/// `YYYY-MM` of [`month`], as keys end.
fn ym() -> String {
    format!("{:04}-{:02}", month().year, month().month)
}

/// A working day of [`month`] on the shipped calendar, from the 8th on (clear of the
/// National Day and New Year holidays' edges).
fn working_day() -> u32 {
    let calendar = Settings::default().calendar;
    (8..28)
        .find(|d| calendar.is_working_day(at(*d, 12, 0, 0).date_naive()))
        .unwrap()
}

/// A day off of [`month`] other than `working_day`.
fn day_off() -> u32 {
    let calendar = Settings::default().calendar;
    (1..28)
        .find(|d| !calendar.is_working_day(at(*d, 12, 0, 0).date_naive()))
        .unwrap()
}

fn stamp(actor: &str, when: DateTime<FixedOffset>) -> Stamp {
    Stamp {
        actor: actor.into(),
        at: when,
    }
}

fn reviewer() -> Actor {
    Actor {
        user: "shenhe".into(),
        role: Role::CountyReviewer,
        township: None,
    }
}

fn service(dir: &std::path::Path) -> Service {
    Service::new(
        common::demo_store(dir, 30, today()),
        Today::Fixed(today()),
        Settings::default(),
    )
}

fn findings(service: &Service, actor: &Actor, month: YearMonth) -> Vec<SupervisedFinding> {
    let request = Request::Supervise {
        month,
        after: None,
        limit: 200,
    };
    match service.handle(actor, request).unwrap().body {
        Response::Supervise(p) => p.findings,
        other => panic!("unexpected reply {other:?}"),
    }
}

fn of_rule(found: &[SupervisedFinding], rule: Rule) -> Vec<&SupervisedFinding> {
    found.iter().filter(|f| f.finding.rule == rule).collect()
}

/// `n` recognised people with no exit pending.
fn recognised(store: &Store, n: usize) -> Vec<CaseSummary> {
    store
        .summaries()
        .unwrap()
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised)
        .filter(|s| {
            let c = store.case(s.case).unwrap().unwrap();
            c.pending_exit().is_none()
        })
        .take(n)
        .collect()
}

fn visit(date: NaiveDate) -> FollowUpAnswers {
    FollowUpAnswers {
        date,
        method: ContactMethod::Phone,
        work_status: WorkStatus::Unemployed,
        employment: None,
        willing_to_work: true,
        needs: vec![],
        services: String::new(),
        plan: String::new(),
        next_contact: date,
        outcome: ContactOutcome::Reached,
    }
}

/// Saves a follow-up of `case` by `account` at `when`.
fn save(store: &Store, account: &str, case: CaseId, when: DateTime<FixedOffset>) {
    let rev = store.summary(case).unwrap().unwrap().rev;
    store
        .save_followup(
            &stamp(account, when),
            account,
            case,
            rev,
            visit(when.date_naive()),
            today(),
        )
        .unwrap();
}

#[test]
fn more_followups_in_a_minute_than_allowed_is_a_finding_keyed_by_that_minute() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let people = recognised(&store, 4);
    // Four in one minute by one account (the setting allows three)…
    let day = working_day();
    for (i, s) in people.iter().enumerate() {
        save(&store, "kuai", s.case, at(day, 10, 5, 5 + 10 * i as u32));
    }
    // …three in a minute, and four spread over two minutes, by others.
    for (i, s) in people.iter().take(3).enumerate() {
        save(&store, "wending", s.case, at(day, 10, 6, 10 * i as u32));
    }
    for (i, s) in people.iter().enumerate() {
        let when = at(day, 10, 7, 30) + chrono::Duration::seconds(15 * i as i64);
        save(&store, "kuaguo", s.case, when);
    }
    let found = findings(&service, &reviewer(), month());
    let pace = of_rule(&found, Rule::EntryPace);
    assert_eq!(pace.len(), 1, "{pace:#?}");
    assert_eq!(
        pace[0].key,
        format!("pace:kuai（{} 10时05分）:{}", date(day), ym())
    );
    assert!(pace[0].finding.evidence.contains("4 条回访"));
    assert!(pace[0].finding.evidence.contains(&people[0].name));
}

#[test]
fn followups_after_hours_or_on_a_day_off_are_findings_and_working_hours_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let people = recognised(&store, 3);
    let (work, off) = (working_day(), day_off());
    save(&store, "yewan", people[0].case, at(work, 19, 30, 0));
    save(&store, "zhoumo", people[1].case, at(off, 10, 0, 0));
    save(&store, "zhengchang", people[2].case, at(work, 8, 0, 0));
    save(&store, "zhengchang", people[2].case, at(work, 17, 59, 0));
    let found = findings(&service, &reviewer(), month());
    let keys: Vec<&str> = of_rule(&found, Rule::EntryHours)
        .iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            format!("hours:yewan（{}）:{}", date(work), ym()),
            format!("hours:zhoumo（{}）:{}", date(off), ym()),
        ]
    );
    let zhoumo = found
        .iter()
        .find(|f| f.key.starts_with("hours:zhoumo"))
        .unwrap();
    assert!(zhoumo.finding.evidence.contains("非工作日"));
}

#[test]
fn more_id_reveals_in_a_day_than_allowed_is_a_finding_and_unmasked_exports_count() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let person = recognised(&store, 1)[0].person;
    let reveal = |account: &str, when| {
        store
            .record_access(
                &stamp(account, when),
                "查看完整身份证号",
                "某人".into(),
                person.to_key(),
            )
            .unwrap();
    };
    // 21 on one day by one account (the setting allows 20); 20 on one day and 19 on the
    // next by another; 20 reveals and one unmasked export on one day by a third.
    for i in 0..21 {
        reveal("duo", at(14, 9, i, 0));
    }
    for i in 0..20 {
        reveal("shao", at(14, 10, i, 0));
        reveal("daochu", at(15, 9, i, 0));
    }
    for i in 0..19 {
        reveal("shao", at(15, 10, i, 0));
    }
    store
        .record_access(
            &stamp("daochu", at(15, 11, 30, 0)),
            "导出完整信息",
            "名单未打码导出".into(),
            [0; 8],
        )
        .unwrap();
    let found = findings(&service, &reviewer(), month());
    let keys: Vec<&str> = of_rule(&found, Rule::RevealsPerDay)
        .iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            format!("reveals:daochu（{}）:{}", date(15), ym()),
            format!("reveals:duo（{}）:{}", date(14), ym()),
        ]
    );
}

#[test]
fn the_services_reveal_is_the_audit_action_the_rule_reads() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let person = recognised(&store, 1)[0].person;
    let before = store.seq().unwrap();
    service
        .handle(&reviewer(), Request::RevealId { person })
        .unwrap();
    let entries = store.audit_entries(before + 1).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "查看完整身份证号");
}

/// Proposes the exit of `case` as `proposer`, then decides it as `decider` at `when`,
/// writing the decision as stored even when the domain would refuse it (a record that got
/// past the service).
fn exit_decided(store: &Store, case: CaseId, proposer: &str, decider: &str, day: u32) {
    let mut c = store.case(case).unwrap().unwrap();
    let rev = c.rev;
    c.propose_exit(
        ExitReason::NoLongerWantsWork,
        "本人书面申请",
        proposer,
        Role::CountyReviewer,
        today(),
    )
    .unwrap();
    let c = store
        .put_case_step(
            &stamp(proposer, at(day, 9, 0, 0)),
            &c,
            rev,
            "提出退出",
            today(),
        )
        .unwrap();
    let mut decided = c.clone();
    decided.status = RecognitionStatus::Exited;
    decided.events.push(CaseEvent {
        date: today(),
        kind: CaseEventKind::Exited {
            reason: ExitReason::NoLongerWantsWork,
        },
    });
    store
        .put_case_step(
            &stamp(decider, at(day, 15, 0, 0)),
            &decided,
            c.rev,
            "批准退出",
            today(),
        )
        .unwrap();
}

/// Writes `case`'s initial review passed by `proposer` and its recognition by `decider`
/// (the case's record as it is: the rule reads who took which step).
fn recognition_decided(store: &Store, case: CaseId, proposer: &str, decider: &str, day: u32) {
    let c = store.case(case).unwrap().unwrap();
    let c = store
        .put_case_step(
            &stamp(proposer, at(day, 9, 0, 0)),
            &c,
            c.rev,
            "初审通过并公示",
            today(),
        )
        .unwrap();
    store
        .put_case_step(
            &stamp(decider, at(day + 8, 10, 0, 0)),
            &c,
            c.rev,
            "认定",
            today(),
        )
        .unwrap();
}

#[test]
fn an_exit_or_recognition_decided_by_its_proposer_is_a_finding_and_by_another_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let people = recognised(&store, 4);
    exit_decided(&store, people[0].case, "tongren", "tongren", 20);
    exit_decided(&store, people[1].case, "tiyi", "shenhe", 20);
    recognition_decided(&store, people[2].case, "jingban", "jingban", 12);
    recognition_decided(&store, people[3].case, "jingban", "shenhe", 12);
    let found = findings(&service, &reviewer(), month());
    let mine: Vec<&SupervisedFinding> = of_rule(&found, Rule::SelfDecided);
    let keys: Vec<&str> = mine.iter().map(|f| f.key.as_str()).collect();
    let exit = format!(
        "self:退出：{}（案{}）:{}",
        people[0].name,
        people[0].case.0,
        ym()
    );
    let recognition = format!(
        "self:认定：{}（案{}）:{}",
        people[2].name,
        people[2].case.0,
        ym()
    );
    let mut want = vec![exit.as_str(), recognition.as_str()];
    want.sort();
    assert_eq!(keys, want);
    assert!(mine.iter().any(|f| f.finding.evidence.contains("tongren")));
}

#[test]
fn a_recognition_proposed_in_the_month_before_is_still_judged() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let person = &recognised(&store, 1)[0];
    // Initial review on the 28th of the month before, recognition on the 6th.
    let c = store.case(person.case).unwrap().unwrap();
    let before = month().prev();
    let late = FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(before.year, before.month, 28, 9, 0, 0)
        .unwrap();
    let c = store
        .put_case_step(
            &stamp("jingban", late),
            &c,
            c.rev,
            "初审通过并公示",
            today(),
        )
        .unwrap();
    store
        .put_case_step(
            &stamp("jingban", at(6, 10, 0, 0)),
            &c,
            c.rev,
            "认定",
            today(),
        )
        .unwrap();
    let found = findings(&service, &reviewer(), month());
    assert_eq!(of_rule(&found, Rule::SelfDecided).len(), 1);
    assert!(
        of_rule(
            &findings(&service, &reviewer(), month().next()),
            Rule::SelfDecided
        )
        .is_empty()
    );
}

#[test]
fn a_finding_of_the_trail_is_disposed_and_keeps_its_disposition() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let people = recognised(&store, 1);
    save(&store, "yewan", people[0].case, at(working_day(), 22, 0, 0));
    let key = format!("hours:yewan（{}）:{}", date(working_day()), ym());
    let reply = service
        .handle(
            &reviewer(),
            Request::DisposeFinding {
                key: key.clone(),
                rev: 0,
                verdict: Verdict::Verified,
                note: "已约谈".into(),
            },
        )
        .unwrap();
    assert!(matches!(reply.body, Response::Disposed(_)));
    let found = findings(&service, &reviewer(), month());
    let f = found.iter().find(|f| f.key == key).unwrap_or_else(|| {
        panic!(
            "{key} not in {:?}",
            found.iter().map(|f| &f.key).collect::<Vec<_>>()
        )
    });
    assert_eq!(
        f.disposition.as_ref().map(|d| d.verdict),
        Some(Verdict::Verified)
    );
}

#[test]
fn a_township_caseworker_sees_no_trail_findings() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let s = &recognised(&store, 1)[0];
    save(&store, "yewan", s.case, at(working_day(), 22, 0, 0));
    let caseworker = Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(s.township.clone()),
    };
    let request = Request::Supervise {
        month: month(),
        after: None,
        limit: 200,
    };
    assert!(service.handle(&caseworker, request).is_err());
}
