//! 退出审核's kept findings against the full computation they replaced (issue 12, item 3):
//! random follow-ups, proposals and decisions on a small county, and random days (a
//! retirement date or a "4050" birthday passes with no write), after each of which the
//! rows read from `exit_findings` are exactly those the full scan gives, in its order, and
//! the approved-exit counters equal a count over every exited case.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::exit::ExitReason;
use yuanzhu::domain::followup::{
    ContactMethod, ContactOutcome, Employment, FollowUpAnswers, WorkStatus,
};
use yuanzhu::domain::{CaseId, RecognitionStatus, Role, Settings};
use yuanzhu::service::{Actor, Request, Service, Today};
use yuanzhu::store::{Stamp, Store, StoreConfig};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 16)
}

use common::seeded::Rng;

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
        plan: if rng.below(2) == 0 {
            String::new()
        } else {
            "暂不求职".into()
        },
        next_contact: date,
        // Reasons 4 and 10 read the outcome: refusals and unreachable runs both occur.
        outcome: match rng.below(4) {
            0 => ContactOutcome::Unreachable,
            1 => ContactOutcome::RefusedServices,
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

/// The kept findings and counters against the full scan, for each actor, on `day`.
fn agree(service: &Service, actors: &[Actor], day: NaiveDate, step: usize) {
    for a in actors {
        let kept = service.exits_on(a, day).unwrap();
        let scanned = service.exits_by_full_scan(a, day).unwrap();
        assert_eq!(kept.len(), scanned.len(), "step {step}, {day}, {}", a.user);
        assert_eq!(kept, scanned, "step {step}, {day}, {}", a.user);
        assert_eq!(
            service.exit_stats_on(a, day).unwrap(),
            service.exit_stats_by_full_scan(a, day).unwrap(),
            "step {step}, {day}, {}",
            a.user
        );
    }
}

#[test]
fn kept_exit_findings_equal_the_full_scan_through_random_saves_steps_and_days() {
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
    let mut rng = Rng(0x5EED_0012);
    agree(&service, &actors, today(), 0);
    let mut seen = std::collections::BTreeSet::new();
    let mut decided = 0;
    for step in 1..=100 {
        let cases = recognised(&store);
        let Some(&(case, rev)) = cases.get(rng.below(cases.len())) else {
            break;
        };
        match rng.below(6) {
            0..=2 => {
                let date = rng.day(d(2026, 6, 1), 168);
                let a = answers(&mut rng, date);
                store
                    .save_followup(&stamp(), "jingban", case, rev, a, today())
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
                let approve = rng.below(2) == 0;
                let decision = Request::DecideExit {
                    case,
                    rev,
                    approve,
                    note: "材料不全".into(),
                };
                // A proposal of the demo's may be the second reviewer's own: refused.
                if service.handle(&second, decision).is_ok() {
                    decided += 1;
                }
            }
        }
        agree(&service, &actors, today(), step);
        let day = rng.day(d(2020, 1, 1), 365 * 20);
        agree(&service, &actors, day, step);
        for on in [today(), day] {
            for r in service.exits_on(&county, on).unwrap() {
                seen.insert((r.reason, r.proposed.is_some()));
            }
        }
        if step % 20 == 0 {
            let report = store.check(&mut ()).unwrap();
            assert!(report.is_sound(), "step {step}: {:?}", report.problems);
        }
    }
    // The walk reached what it is meant to test: every kind of finding, and decisions.
    for kind in [
        (ExitReason::Retired, false),
        (ExitReason::StablyEmployed, false),
        (ExitReason::NoLongerWantsWork, false),
        (ExitReason::Other, false),
    ] {
        assert!(seen.contains(&kind), "{kind:?} never listed: {seen:?}");
    }
    assert!(seen.iter().any(|(_, proposed)| *proposed));
    assert!(decided >= 3, "{decided} decisions");
}

#[test]
fn a_store_without_kept_findings_builds_them_on_first_open_and_check_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path(), 30, today()));
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    assert_eq!(
        store.exit_basis().unwrap(),
        None,
        "the demo writes records only"
    );
    let before = store.seq().unwrap();
    let service = Service::new(store, Today::Fixed(today()), Settings::default());
    let store = service.store_for_tests().unwrap();
    assert!(store.exit_basis().unwrap().is_some());
    // Opening builds the kept findings and the statistics' counters, one entry each.
    let built: Vec<_> = store
        .audit_entries(before + 1)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "建立退出审核索引")
        .collect();
    assert_eq!(built.len(), 1);
    assert!(!built[0].bulk[0].records.is_empty(), "each record's hash");
    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert!(
        report
            .counts
            .iter()
            .any(|(t, n)| t == "exit_findings" && *n > 0)
    );
    let county = actor("shenhe", Role::CountyReviewer, None);
    assert_eq!(
        service.exits_on(&county, today()).unwrap(),
        service.exits_by_full_scan(&county, today()).unwrap()
    );
}

/// Finding 9 (issue 13): the exit rules changed (a 公益性岗位 is not stable work), so findings
/// kept by the previous program are stale even under the same settings: check says so
/// rather than calling them wrong, and the next open builds them again.
#[test]
fn findings_kept_under_older_rules_are_built_again_on_open() {
    use yuanzhu::domain::exit::ExitBasis;
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path(), 30, today()));
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let current = ExitBasis::of(&Settings::default());
    let older = ExitBasis {
        revision: 1,
        ..current
    };
    store.ensure_exit_index(&older, &stamp()).unwrap();
    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert!(
        report.warnings.iter().any(|w| w.contains("旧版规则")),
        "{:?}",
        report.warnings
    );
    let service = Service::new(store, Today::Fixed(today()), Settings::default());
    let store = service.store_for_tests().unwrap();
    assert_eq!(store.exit_basis().unwrap(), Some(current));
    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert!(!report.warnings.iter().any(|w| w.contains("旧版规则")));
}
