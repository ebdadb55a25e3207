//! 统计's counters kept at save time (issue 15, item 2) against the walk over every case
//! and household they replaced: on a fresh build every month's table equals the walk; after
//! random follow-ups, exit proposals and decisions every open month still equals it, and a
//! month already closed (its late-entry window over) keeps the table it closed with, even
//! when a later change is dated in it; `check` accepts the counters throughout.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::months::{agree, months};

use chrono::NaiveDate;
use common::seeded::Rng;
use std::collections::BTreeMap;
use yuanzhu::domain::exit::ExitReason;
use yuanzhu::domain::followup::{
    ContactMethod, ContactOutcome, Employment, FollowUpAnswers, WorkStatus,
};
use yuanzhu::domain::{CaseId, RecognitionStatus, Role, Settings, YearMonth};
use yuanzhu::service::{Actor, Request, Service, Today};
use yuanzhu::store::{Stamp, Store, StoreConfig};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 16)
}

fn actor(user: &str, role: Role, township: Option<yuanzhu::domain::TownshipCode>) -> Actor {
    Actor {
        user: user.into(),
        role,
        township,
    }
}

fn stamp() -> Stamp {
    Stamp {
        actor: "jingban".into(),
        at: yuanzhu::service::now_cst(),
    }
}

/// A follow-up of any kind: in stable work, in work without a contract, out of work and
/// willing, or not willing; reached or not.
fn answers(rng: &mut Rng, date: NaiveDate) -> FollowUpAnswers {
    let kind = rng.below(4);
    let employment = (kind <= 1).then(|| Employment {
        employer: "赣州某电子厂".into(),
        contract_signed: kind == 0 || rng.below(2) == 0,
        social_insurance_paid: kind == 0 || rng.below(2) == 0,
        monthly_wage: 3000,
    });
    FollowUpAnswers {
        date,
        method: ContactMethod::Phone,
        work_status: if kind <= 1 {
            WorkStatus::Employed
        } else {
            WorkStatus::Unemployed
        },
        employment,
        willing_to_work: kind == 3,
        needs: vec![],
        services: String::new(),
        plan: String::new(),
        next_contact: date,
        outcome: match rng.below(4) {
            0 => ContactOutcome::Unreachable,
            _ => ContactOutcome::Reached,
        },
    }
}

fn recognised(store: &Store) -> Vec<(CaseId, u64)> {
    store
        .summaries()
        .unwrap()
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised)
        .map(|s| (s.case, s.rev))
        .collect()
}

/// The months the tests read: January 2025 to January 2027.
fn span() -> Vec<YearMonth> {
    months(
        YearMonth::new(2025, 1).unwrap(),
        YearMonth::new(2027, 1).unwrap(),
    )
}

#[test]
fn a_fresh_build_reads_every_month_as_the_walk_does() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_county(dir.path(), 60, today(), true),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let township = store.county().unwrap().unwrap().townships[1].code.clone();
    for a in [
        actor("shenhe", Role::CountyReviewer, None),
        actor("jingban", Role::TownshipCaseworker, Some(township)),
    ] {
        for m in months(
            YearMonth::new(2024, 6).unwrap(),
            YearMonth::new(2027, 2).unwrap(),
        ) {
            let kept = service.stats_on(&a, m, None, today()).unwrap();
            assert_eq!(
                kept,
                service.stats_by_walk(&a, m, None, today()).unwrap(),
                "{m}, {}",
                a.user
            );
        }
    }
    let nov = service
        .stats_on(
            &actor("shenhe", Role::CountyReviewer, None),
            YearMonth::new(2026, 11).unwrap(),
            None,
            today(),
        )
        .unwrap();
    assert!(
        nov.total.at_end > 20,
        "the demo's county has cases: {nov:?}"
    );
    assert!(nov.total.followups_due > 0 && nov.total.rate_denominator > 0);
}

#[test]
fn counters_equal_the_walk_through_random_saves_and_exits_and_closed_months_stay() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let township = store.county().unwrap().unwrap().townships[0].code.clone();
    let county = actor("shenhe", Role::CountyReviewer, None);
    let second = actor("liu", Role::CountyReviewer, None);
    let actors = [
        county.clone(),
        actor("jingban", Role::TownshipCaseworker, Some(township)),
    ];
    let mut closed = BTreeMap::new();
    let mut rng = Rng(0x5EED_0015);
    agree(&service, &actors, (today(), &span()), &mut closed, 0);
    let (mut backdated, mut decided) = (0, 0);
    for step in 1..=60 {
        let cases = recognised(&store);
        let Some(&(case, rev)) = cases.get(rng.below(cases.len())) else {
            break;
        };
        match rng.below(5) {
            // Follow-ups dated from July to today: some in closed months, some open.
            0..=2 => {
                let date = rng.day(d(2026, 7, 1), 139);
                backdated += usize::from(date < d(2026, 11, 1));
                store
                    .save_followup(
                        &stamp(),
                        "jingban",
                        case,
                        rev,
                        answers(&mut rng, date),
                        today(),
                    )
                    .unwrap();
            }
            3 => {
                let reason = ExitReason::ALL[rng.below(ExitReason::ALL.len())];
                let _ = service.handle(
                    &county,
                    Request::ProposeExit {
                        case,
                        rev,
                        reason,
                        evidence: "核实情况".into(),
                    },
                );
            }
            _ => {
                let waiting: Vec<CaseId> = service
                    .exits_on(&county, today())
                    .unwrap()
                    .into_iter()
                    .filter(|r| r.proposed.is_some())
                    .map(|r| r.case)
                    .collect();
                let Some(&case) = waiting.get(rng.below(waiting.len())) else {
                    continue;
                };
                let rev = store.case(case).unwrap().unwrap().rev;
                let decision = Request::DecideExit {
                    case,
                    rev,
                    approve: rng.below(3) > 0,
                    note: "核实无误".into(),
                };
                if service.handle(&second, decision).is_ok() {
                    decided += 1;
                }
            }
        }
        agree(&service, &actors, (today(), &span()), &mut closed, step);
        if step % 20 == 0 {
            let report = store.check(&mut ()).unwrap();
            assert!(report.is_sound(), "step {step}: {:?}", report.problems);
        }
    }
    assert!(
        backdated >= 5,
        "{backdated} follow-ups dated in closed months"
    );
    assert!(decided >= 2, "{decided} decisions");
}

/// The days go on with no write between them: November stays open until its late-entry
/// window ends, then keeps what it had while December's saves go on.
#[test]
fn a_month_closes_with_what_it_had_when_its_late_entry_window_ends() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 40, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let actors = [actor("shenhe", Role::CountyReviewer, None)];
    let mut closed = BTreeMap::new();
    let mut rng = Rng(0x5EED_1215);
    let nov = YearMonth::new(2026, 11).unwrap();
    let mut day = today();
    let mut steps = 0;
    while day <= d(2026, 12, 20) {
        for _ in 0..3 {
            let cases = recognised(&store);
            let Some(&(case, rev)) = cases.get(rng.below(cases.len())) else {
                break;
            };
            // Dated up to ten days back: into November while it is open and after.
            let date = day - chrono::Days::new(rng.below(10) as u64);
            store
                .save_followup(&stamp(), "jingban", case, rev, answers(&mut rng, date), day)
                .unwrap();
            steps += 1;
            agree(&service, &actors, (day, &span()), &mut closed, steps);
        }
        day = day + chrono::Days::new(2);
    }
    assert!(
        closed.contains_key(&(0, nov)),
        "November closed during the walk"
    );
    // Checked as on the walk's last day: on an earlier one November would be open again.
    let report = store.check_on(&mut (), day).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
}

#[test]
fn a_store_without_counters_builds_them_when_opened_and_check_accepts_them() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path(), 30, today()));
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    assert_eq!(
        store.stats_basis().unwrap(),
        None,
        "the demo writes records only"
    );
    let before = store.seq().unwrap();
    // Built before any write can reach the store, so that a month closing from now on
    // keeps what it had.
    let service = Service::new(store, Today::Fixed(today()), Settings::default());
    let store = service.store_for_tests().unwrap();
    assert!(store.stats_basis().unwrap().is_some());
    let built: Vec<_> = store
        .audit_entries(before + 1)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "建立统计索引")
        .collect();
    assert_eq!(built.len(), 1);
    assert!(!built[0].bulk[0].records.is_empty(), "each record's hash");
    let county = actor("shenhe", Role::CountyReviewer, None);
    let nov = YearMonth::new(2026, 11).unwrap();
    let seq = store.seq().unwrap();
    let kept = service.stats_on(&county, nov, None, today()).unwrap();
    assert_eq!(
        kept,
        service.stats_by_walk(&county, nov, None, today()).unwrap()
    );
    assert_eq!(
        store.seq().unwrap(),
        seq,
        "a table builds nothing and writes nothing"
    );
    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert!(
        report
            .counts
            .iter()
            .any(|(t, n)| t == "stats_index" && *n > 0)
    );
}

/// Other settings (a longer late-entry window) make the counters again under the new
/// numbers when the store is next opened.
#[test]
fn counters_made_under_other_settings_are_made_again_on_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path(), 30, today()));
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let first = Service::new(store, Today::Fixed(today()), Settings::default());
    let basis = first
        .store_for_tests()
        .unwrap()
        .stats_basis()
        .unwrap()
        .unwrap();
    drop(first);
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let settings = Settings {
        late_entry_days: 9,
        ..Settings::default()
    };
    let service = Service::new(store, Today::Fixed(today()), settings);
    let store = service.store_for_tests().unwrap();
    let now = store.stats_basis().unwrap().unwrap();
    assert_ne!(now, basis);
    assert_eq!(now.late_entry_days, 9);
    let county = actor("shenhe", Role::CountyReviewer, None);
    let nov = YearMonth::new(2026, 11).unwrap();
    assert_eq!(
        service.stats_on(&county, nov, None, today()).unwrap(),
        service.stats_by_walk(&county, nov, None, today()).unwrap()
    );
}
