//! 统计 (第(十三)条, R-STAT-1; 第(五)条, R-KPI-1) on a small demo store: the county total is
//! the sum of its townships and agrees with a count made by hand over the store's cases;
//! follow-ups due and done match a count over the follow-ups themselves; a township
//! caseworker sees only their township; `yuanzhu stats` prints the table.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::stats::{Contribution, MonthTable};
use yuanzhu::domain::{CaseEventKind, Role, Settings, YearMonth};
use yuanzhu::service::{Actor, Request, Response, Service, ServiceError, Today};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn stats(service: &Service, actor: &Actor, month: YearMonth) -> Result<MonthTable, ServiceError> {
    let request = Request::Stats {
        month,
        township: None,
    };
    match service.handle(actor, request)?.body {
        Response::Stats(table) => Ok(*table),
        other => panic!("unexpected reply {other:?}"),
    }
}

#[test]
fn the_county_total_is_the_sum_of_townships_and_agrees_with_a_hand_count() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let county = Actor {
        user: "shenhe".into(),
        role: Role::CountyReviewer,
        township: None,
    };
    let month = YearMonth::new(2026, 11).unwrap();
    let table = stats(&service, &county, month).unwrap();
    let mut sum = Contribution::default();
    for r in &table.rows {
        sum.add(&r.counts);
    }
    assert_eq!(sum, table.total);

    // By hand, from the cases as stored.
    let store = service.store_for_tests().unwrap();
    let (first, last) = (month.first_day(), month.last_day());
    let (mut at_start, mut new, mut exited, mut at_end) = (0, 0, 0, 0);
    for s in store.summaries().unwrap() {
        let case = store.case(s.case).unwrap().unwrap();
        let exit = case.events.iter().find_map(|e| match e.kind {
            CaseEventKind::Exited { .. } => Some(e.date),
            _ => None,
        });
        let Some(on) = case.recognised_on else {
            continue;
        };
        if on < first && exit.is_none_or(|d| d >= first) {
            at_start += 1;
        }
        if on >= first && on <= last {
            new += 1;
        }
        if exit.is_some_and(|d| d >= first && d <= last) {
            exited += 1;
        }
        if on <= last && exit.is_none_or(|d| d > last) {
            at_end += 1;
        }
    }
    let t = &table.total;
    assert!(at_end > 0, "the demo has recognised persons");
    assert_eq!(
        (t.at_start, t.new, t.exited_total(), t.at_end),
        (at_start, new, exited, at_end)
    );
    assert_eq!(t.at_start + t.new - t.exited_total(), t.at_end);
    assert_eq!(t.by_status.iter().sum::<u32>(), t.at_end);
    assert!(t.rate_numerator <= t.rate_denominator);
    assert!(t.followups_done + t.followups_overdue <= t.followups_due);

    // Follow-ups by hand, decoding every follow-up (the table reads the summaries' months
    // instead): November is running (as of the 16th), October is over.
    for (m, over) in [(month, false), (YearMonth::new(2026, 10).unwrap(), true)] {
        let as_of = today().min(m.last_day());
        let (mut due, mut done) = (0, 0);
        for s in store.summaries().unwrap() {
            let case = store.case(s.case).unwrap().unwrap();
            let exit = case.events.iter().find_map(|e| match e.kind {
                CaseEventKind::Exited { .. } => Some(e.date),
                _ => None,
            });
            if !case
                .recognised_on
                .is_some_and(|on| on <= as_of && exit.is_none_or(|d| d > as_of))
            {
                continue;
            }
            due += 1;
            let visited = store.followups(s.case).unwrap().iter().any(|f| {
                let day = f.answers.date;
                day >= m.first_day() && day <= as_of
            });
            done += u32::from(visited);
        }
        let t = stats(&service, &county, m).unwrap().total;
        assert!(
            done > 0 && done < due,
            "{m:?}: the demo has visited and unvisited cases"
        );
        assert_eq!((t.followups_due, t.followups_done), (due, done), "{m:?}");
        if over {
            assert_eq!(
                t.followups_overdue,
                due - done,
                "{m:?}: a month over owes every visit"
            );
        }
    }
    let zero_now = store
        .households()
        .unwrap()
        .iter()
        .filter(|h| h.zero_employment_on_file())
        .count();
    assert_eq!(t.zero_at_end as usize, zero_now);

    // A township caseworker: their own township only, and no other named.
    let own = table.rows[0].township.clone();
    let caseworker = Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(own.clone()),
    };
    let mine = stats(&service, &caseworker, month).unwrap();
    assert_eq!(mine.rows.len(), 1);
    assert_eq!(mine.rows[0], table.rows[0]);
    assert_eq!(mine.total, table.rows[0].counts);
    let other = table.rows[1].name.clone();
    let refused = service.handle(
        &caseworker,
        Request::Stats {
            month,
            township: Some(other),
        },
    );
    assert!(
        matches!(refused, Err(ServiceError::Denied(_))),
        "{refused:?}"
    );
}

#[test]
fn the_cli_prints_the_table_and_the_formula() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
            .args(["--data-dir", d, "--today", "2026-11-16"])
            .args(args)
            .env_remove("YUANZHU_TODAY")
            .env_remove("YUANZHU_DATA_DIR")
            .env_remove("YUANZHU_SOCKET")
            .env_remove("YUANZHU_CONFIG")
            .output()
            .unwrap()
    };
    run(&["demo", "--households", "10"]);
    let o = run(&["--as", "guanli", "stats", "--month", "2026-11"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("2026年11月 就业援助月度统计"), "{out}");
    assert!(
        out.contains("月末在册") && out.contains("全县合计"),
        "{out}"
    );
    assert!(out.contains(yuanzhu::domain::stats::RATE_FORMULA), "{out}");
    let o = run(&[
        "--as", "guanli", "stats", "--month", "2026-11", "--format", "csv",
    ]);
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(csv.starts_with("月份,乡镇,月初在册"), "{csv}");
    assert!(
        csv.lines().any(|l| l.starts_with("2026年11月,全县合计,")),
        "{csv}"
    );
    let bad = run(&["--as", "guanli", "stats", "--month", "2026-13"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("月份"));
}
