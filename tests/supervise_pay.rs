//! 监督 over the ledger's payments (第(十四)条, R-GOV-1), through the service on a small
//! demo store: a subsidy paid after the person's exit or for a month of unemployment
//! benefit, a post still held after the exit, and a 社保卡 or unit account across
//! households — each with the case that must not be a finding beside it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::exit::ExitReason;
use yuanzhu::domain::ledger::{EntryKind, LedgerDraft};
use yuanzhu::domain::post::{Placement, PostExitReason, PostType};
use yuanzhu::domain::{CaseSummary, RecognitionStatus, Role, Settings, YearMonth};
use yuanzhu::service::protocol::SupervisedFinding;
use yuanzhu::service::{Actor, LedgerView, Request, Response, Service, ServiceError, Today};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn service(dir: &std::path::Path) -> Service {
    Service::new(
        common::demo_store(dir, 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    )
}

fn county() -> Actor {
    Actor {
        user: "shenhe".into(),
        role: Role::CountyReviewer,
        township: None,
    }
}

fn entry(service: &Service, s: &CaseSummary, kind: EntryKind, values: &[&str]) -> LedgerView {
    let rev = ledger(service, s).ledger.rev;
    let request = Request::AddLedgerEntry {
        person: s.person,
        rev,
        entry: LedgerDraft::typed(kind, values),
    };
    match service.handle(&county(), request).unwrap().body {
        Response::Ledger(v) => v,
        other => panic!("unexpected reply {other:?}"),
    }
}

fn ledger(service: &Service, s: &CaseSummary) -> LedgerView {
    match service
        .handle(&county(), Request::Ledger { person: s.person })
        .unwrap()
        .body
    {
        Response::Ledger(v) => v,
        other => panic!("unexpected reply {other:?}"),
    }
}

/// A policy of `kind` (its code) over `from..=to`, to `card`, approved in `from`, checked
/// against `benefits`.
fn policy(
    service: &Service,
    s: &CaseSummary,
    kind: &str,
    (from, to): (&str, &str),
    card: &str,
    account: &str,
    benefits: &str,
) -> LedgerView {
    entry(
        service,
        s,
        EntryKind::Policy,
        &[kind, from, to, "1000", card, account, from, benefits, ""],
    )
}

/// A payment of the ledger's policy `index`: `[date, amount, from, to, card, account]`.
fn pay(
    service: &Service,
    s: &CaseSummary,
    index: u32,
    values: &[&str],
) -> Result<LedgerView, ServiceError> {
    let rev = ledger(service, s).ledger.rev;
    let request = Request::AddPayment {
        person: s.person,
        rev,
        policy: index,
        entry: LedgerDraft::typed(EntryKind::Payment, values),
    };
    match service.handle(&county(), request)?.body {
        Response::Ledger(v) => Ok(v),
        other => panic!("unexpected reply {other:?}"),
    }
}

fn findings(service: &Service, month: YearMonth) -> Vec<SupervisedFinding> {
    let request = Request::Supervise {
        month,
        after: None,
        limit: 200,
    };
    match service.handle(&county(), request).unwrap().body {
        Response::Supervise(p) => {
            assert!(p.next.is_none(), "the demo's findings fit one page");
            p.findings
        }
        other => panic!("unexpected reply {other:?}"),
    }
}

fn november() -> YearMonth {
    YearMonth::new(2026, 11).unwrap()
}

fn subject(s: &CaseSummary) -> String {
    format!("{}（案{}）", s.name, s.case.0)
}

/// Recognised persons, one per household.
fn recognised(service: &Service) -> Vec<CaseSummary> {
    let mut households = std::collections::BTreeSet::new();
    service
        .store_for_tests()
        .unwrap()
        .summaries()
        .unwrap()
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised)
        .filter(|s| households.insert(s.household))
        .collect()
}

fn december() -> YearMonth {
    YearMonth::new(2026, 12).unwrap()
}

/// The day the later service runs on, after the exits of [`exit_two`].
fn later() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
}

/// A demo store in `dir` where two recognised persons of different households exited
/// today (proposed by the township, approved by the county), and a service over it a few
/// weeks later: the persons, their exit day, and that service.
fn exit_two(dir: &std::path::Path) -> (Vec<CaseSummary>, NaiveDate, Service) {
    let first = service(dir);
    let mut people: Vec<CaseSummary> = Vec::new();
    // The demo has proposals waiting already: take two cases without one.
    for s in recognised(&first) {
        if people.len() == 2 {
            break;
        }
        let worker = Actor {
            user: "jingban".into(),
            role: Role::TownshipCaseworker,
            township: Some(s.township.clone()),
        };
        let store = first.store_for_tests().unwrap();
        let rev = store.case(s.case).unwrap().unwrap().rev;
        let proposed = first.handle(
            &worker,
            Request::ProposeExit {
                case: s.case,
                rev,
                reason: ExitReason::StablyEmployed,
                evidence: "已在外省稳定就业，本人确认".into(),
            },
        );
        if proposed.is_err() {
            continue;
        }
        let rev = store.case(s.case).unwrap().unwrap().rev;
        first
            .handle(
                &county(),
                Request::DecideExit {
                    case: s.case,
                    rev,
                    approve: true,
                    note: String::new(),
                },
            )
            .unwrap();
        people.push(s);
    }
    assert_eq!(people.len(), 2, "two exits");
    drop(first);
    let store = yuanzhu::store::Store::open(dir, yuanzhu::store::StoreConfig::default()).unwrap();
    let service = Service::new(store, Today::Fixed(later()), Settings::default());
    (people, today(), service)
}

#[test]
fn a_payment_dated_after_the_exit_is_a_finding_and_one_on_the_exit_day_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let (people, exit, service) = exit_two(dir.path());
    let s = &people[0];
    let card = "362100000000007001";
    policy(&service, s, "4", ("2026-11", "2026-12"), card, "", "");
    let exit_day = exit.format("%Y-%m-%d").to_string();
    let on_exit = [exit_day.as_str(), "300", "2026-11", "2026-11", card, ""];
    let view = pay(&service, s, 0, &on_exit).unwrap();
    assert_eq!(view.ledger.policies[0].payments.len(), 1);
    let key = |m: YearMonth| format!("paid:{}:{m}", subject(s));
    assert!(
        !findings(&service, november())
            .iter()
            .any(|f| f.key == key(november())),
        "paid on the day of the exit: not a finding"
    );
    let late = ["2026-12-10", "300", "2026-12", "2026-12", card, ""];
    pay(&service, s, 0, &late).unwrap();
    let found = findings(&service, december());
    let f = found
        .iter()
        .find(|f| f.key == key(december()))
        .unwrap_or_else(|| panic!("no finding {} in {found:#?}", key(december())));
    assert!(f.finding.evidence.contains("退出"), "{f:?}");
    assert!(f.finding.evidence.contains("2026-12-10"), "{f:?}");
    assert!(!f.finding.evidence.contains("2026年11月"), "{f:?}");
}

#[test]
fn a_payment_for_a_month_of_unemployment_benefit_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let s = recognised(&service).remove(0);
    let card = "362100000000007002";
    // Training from August to October, checked against benefit drawn in August.
    policy(
        &service,
        &s,
        "4",
        ("2026-08", "2026-10"),
        card,
        "",
        "2026-08",
    );
    // A loan's interest subsidy for August, entered without those months.
    policy(&service, &s, "2", ("2026-08", "2026-08"), card, "", "");
    let view = ledger(&service, &s);
    let n = view.ledger.policies.len();
    let (training, loan) = (u32::try_from(n - 2).unwrap(), u32::try_from(n - 1).unwrap());
    // Paying the training for August is refused at entry: its own record says benefit.
    let refused = pay(
        &service,
        &s,
        training,
        &["2026-11-10", "100", "2026-08", "2026-08", card, ""],
    )
    .unwrap_err();
    assert!(
        matches!(&refused, ServiceError::InvalidEntry(e) if e.iter().any(|(_, m)| m.contains("失业保险金"))),
        "{refused:?}"
    );
    pay(
        &service,
        &s,
        training,
        &["2026-11-10", "100", "2026-09", "2026-09", card, ""],
    )
    .unwrap();
    let key = format!("paid:{}:2026-11", subject(&s));
    assert!(
        !findings(&service, november()).iter().any(|f| f.key == key),
        "September drew no benefit: not a finding"
    );
    pay(
        &service,
        &s,
        loan,
        &["2026-11-10", "100", "2026-08", "2026-08", card, ""],
    )
    .unwrap();
    let found = findings(&service, november());
    let f = found.iter().find(|f| f.key == key).expect("a finding");
    assert!(f.finding.evidence.contains("失业保险金"), "{f:?}");
    assert!(f.finding.evidence.contains("2026年8月"), "{f:?}");
    assert!(!f.finding.evidence.contains("2026年9月"), "{f:?}");
}

#[test]
fn a_post_held_after_the_exit_is_a_finding_and_one_ended_with_it_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let (people, exit, service) = exit_two(dir.path());
    let store = service.store_for_tests().unwrap();
    let stamp = yuanzhu::store::Stamp {
        actor: "shenhe".into(),
        at: yuanzhu::service::now_cst(),
    };
    // Written to the store as an older entry could have left it: the service refuses a
    // post for a person no longer recognised.
    for (i, s) in people.iter().enumerate() {
        let mut l = store.ledger(s.person).unwrap();
        l.posts.push(yuanzhu::domain::ledger::PostRecord {
            placement: Placement {
                post_type: PostType::RuralPartTime,
                employer: "长征村委会".into(),
                start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                end: NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
                post_subsidy: 1200,
                insurance_subsidy: 380,
            },
            ended: (i == 1).then_some((exit, PostExitReason::NoLongerEligible)),
        });
        let rev = l.rev;
        store
            .put_ledger(
                &stamp,
                &l,
                rev,
                "测试",
                s.name.clone(),
                stamp.at.date_naive(),
            )
            .unwrap();
    }
    let found = findings(&service, december());
    let held = &people[0];
    let f = found
        .iter()
        .find(|f| f.key == format!("paid:{}:2026-12", subject(held)))
        .unwrap_or_else(|| panic!("no finding for {} in {found:#?}", subject(held)));
    assert!(f.finding.evidence.contains("公益性岗位补贴"), "{f:?}");
    let ended = &people[1];
    assert!(
        !found
            .iter()
            .any(|f| f.key == format!("paid:{}:2026-12", subject(ended))),
        "a post ended on the day of the exit: not a finding"
    );
    // Nor is the month of the exit itself.
    assert!(
        !findings(&service, november())
            .iter()
            .any(|f| f.key == format!("paid:{}:2026-11", subject(held)))
    );
}

#[test]
fn one_card_in_two_households_is_a_finding_and_in_one_household_it_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let people = recognised(&service);
    let (a, b) = (&people[0], &people[1]);
    let shared = "362100000000007003";
    let own = "362100000000007004";
    policy(&service, a, "4", ("2026-09", "2026-10"), own, "", "");
    policy(&service, a, "4", ("2026-11", "2026-11"), own, "", "");
    let found = findings(&service, november());
    assert!(
        !found.iter().any(|f| f.key.contains(own)),
        "one household's own card twice: not a finding"
    );
    policy(&service, a, "4", ("2026-09", "2026-10"), shared, "", "");
    // A payment, not the record, names the card the second time.
    policy(&service, b, "4", ("2026-09", "2026-10"), own, "", "");
    let index = u32::try_from(ledger(&service, b).ledger.policies.len() - 1).unwrap();
    pay(
        &service,
        b,
        index,
        &["2026-11-02", "500", "2026-09", "2026-10", shared, ""],
    )
    .unwrap();
    let found = findings(&service, november());
    let key = format!("shared:si{shared}:2026-11");
    let f = found.iter().find(|f| f.key == key).expect("a shared card");
    assert!(f.finding.evidence.contains("2 个不同家庭"), "{f:?}");
    // b's record names a's own card too.
    assert!(
        found
            .iter()
            .any(|f| f.key == format!("shared:si{own}:2026-11"))
    );
}

#[test]
fn a_unit_account_is_a_finding_only_across_units_or_for_a_household_with_no_unit() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let store = service.store_for_tests().unwrap();
    let post = |employer: &str| {
        ["2", employer, "2026-12-01", "2027-11-30", "1200", "380"].map(String::from)
    };
    // Recognised persons who can take a post, and one with no unit on record at all.
    let mut placed = Vec::new();
    let mut no_unit = None;
    for s in recognised(&service) {
        let l = store.ledger(s.person).unwrap();
        let worked = store
            .followups(s.case)
            .unwrap()
            .iter()
            .any(|f| f.answers.employment.is_some());
        if no_unit.is_none() && l.posts.is_empty() && !worked {
            no_unit = Some(s);
            continue;
        }
        if placed.len() < 3 && l.open_post().is_none() {
            let employer = if placed.len() < 2 {
                "长征村委会"
            } else {
                "某鞋厂"
            };
            let texts = post(employer);
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let request = Request::AddLedgerEntry {
                person: s.person,
                rev: l.rev,
                entry: LedgerDraft::typed(EntryKind::Post, &texts),
            };
            if service.handle(&county(), request).is_ok() {
                placed.push(s);
            }
        }
    }
    assert_eq!(placed.len(), 3, "three recognised persons placed");
    let no_unit = no_unit.expect("a recognised person with no unit on record");
    let village = "6222000011112222";
    for s in &placed[..2] {
        policy(&service, s, "5", ("2026-11", "2026-11"), "", village, "");
    }
    let key = format!("shared:unit{village}:2026-11");
    assert!(
        !findings(&service, november()).iter().any(|f| f.key == key),
        "two employees of one unit on its account: not a finding"
    );
    policy(
        &service,
        &placed[2],
        "5",
        ("2026-11", "2026-11"),
        "",
        village,
        "",
    );
    let found = findings(&service, november());
    let f = found.iter().find(|f| f.key == key).expect("two units");
    assert!(
        f.finding.evidence.contains("不同单位")
            && f.finding.evidence.contains("长征村委会")
            && f.finding.evidence.contains("某鞋厂"),
        "{f:?}"
    );
    let factory = "6222000033334444";
    policy(
        &service,
        &placed[0],
        "4",
        ("2026-11", "2026-11"),
        "",
        factory,
        "",
    );
    policy(
        &service,
        &no_unit,
        "4",
        ("2026-11", "2026-11"),
        "",
        factory,
        "",
    );
    let found = findings(&service, november());
    let f = found
        .iter()
        .find(|f| f.key == format!("shared:unit{factory}:2026-11"))
        .expect("a household with no unit");
    assert!(
        f.finding.evidence.contains(&format!(
            "家庭 {}户 无人在用人单位就业",
            no_unit.household.0
        )),
        "{f:?}"
    );
}
