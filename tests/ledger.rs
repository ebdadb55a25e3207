//! 援助台账 through the service (R-LEDGER-1, R-POST-1, R-POL-SI, R-DIBAO-1): a post only
//! after recognition, the insurance subsidy split at approval and refused over benefit
//! months, dibao linkage, a township's scope and every entry on the audit trail.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::ledger::{DibaoKind, EntryKind, LedgerDraft, LedgerField};
use yuanzhu::domain::{RecognitionStatus, Role, Settings};
use yuanzhu::service::{Actor, LedgerView, Request, Response, Service, ServiceError, Today};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn add(
    service: &Service,
    actor: &Actor,
    view: &LedgerView,
    kind: EntryKind,
    values: &[&str],
) -> Result<LedgerView, ServiceError> {
    let request = Request::AddLedgerEntry {
        person: view.person,
        rev: view.ledger.rev,
        entry: LedgerDraft::typed(kind, values),
    };
    service.handle(actor, request).map(|r| match r.body {
        Response::Ledger(v) => v,
        other => panic!("{other:?}"),
    })
}

fn ledger(service: &Service, actor: &Actor, person: yuanzhu::domain::PersonId) -> LedgerView {
    match service
        .handle(actor, Request::Ledger { person })
        .unwrap()
        .body
    {
        Response::Ledger(v) => v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn posts_policies_and_dibao_go_into_the_ledger_by_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let county = service
        .store_for_tests()
        .unwrap()
        .county()
        .unwrap()
        .unwrap();
    let worker = Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(county.townships[0].code.clone()),
    };
    let summaries = service.store_for_tests().unwrap().summaries().unwrap();
    let mine = |status: RecognitionStatus| {
        summaries
            .iter()
            .find(|s| s.status == status && Some(&s.township) == worker.township.as_ref())
            .unwrap()
            .person
    };

    // An applicant still in the notice: no post yet.
    let waiting = ledger(&service, &worker, mine(RecognitionStatus::InNotice));
    let post = ["2", "长征村委会", "2026-12-01", "2027-11-30", "1200", "380"];
    let refused = add(&service, &worker, &waiting, EntryKind::Post, &post).unwrap_err();
    assert!(
        matches!(&refused, ServiceError::InvalidEntry(e) if e[0].1.contains("先完成认定")),
        "{refused:?}"
    );

    // A recognised person: placed, the subsidy split, the dibao linkage recorded.
    let person = mine(RecognitionStatus::Recognised);
    let view = ledger(&service, &worker, person);
    let view = add(&service, &worker, &view, EntryKind::Post, &post).unwrap();
    assert!(view.ledger.open_post().is_some());
    let over_benefits = [
        "3",
        "2026-01",
        "2026-12",
        "4800",
        "362100000000000001",
        "",
        "2026-06",
        "2026-02",
        "7200",
    ];
    let refused = add(&service, &worker, &view, EntryKind::Policy, &over_benefits).unwrap_err();
    assert!(
        matches!(&refused, ServiceError::InvalidEntry(e)
            if e[0].0 == LedgerField::BenefitMonths && e[0].1.contains("2026年2月")),
        "{refused:?}"
    );
    let subsidy = [
        "3",
        "2026-03",
        "2026-12",
        "4000",
        "362100000000000001",
        "",
        "2026-06",
        "2026-02",
        "7200",
    ];
    let view = add(&service, &worker, &view, EntryKind::Policy, &subsidy).unwrap();
    let months = view.ledger.policies[0].months.clone().unwrap();
    assert_eq!((months.lump_sum.len(), months.monthly.len()), (4, 6));
    // The months of benefit it was checked against, and its approval, stay on the record.
    let feb = yuanzhu::domain::YearMonth::new(2026, 2).unwrap();
    assert_eq!(view.ledger.policies[0].benefit_months, [feb]);
    assert_eq!(
        view.ledger.policies[0].approved,
        yuanzhu::domain::YearMonth::new(2026, 6)
    );

    // 登记补贴发放: the lump sum up to approval, over the ledger's rev, on the policy named.
    let lump = [
        "2026-11-16",
        "1600",
        "2026-03",
        "2026-06",
        "362100000000000001",
        "",
    ];
    let payment = |rev: u64, policy: u32| Request::AddPayment {
        person,
        rev,
        policy,
        entry: LedgerDraft::typed(EntryKind::Payment, &lump),
    };
    assert!(matches!(
        service.handle(&worker, payment(view.ledger.rev - 1, 0)),
        Err(ServiceError::Conflict(_))
    ));
    assert!(matches!(
        service.handle(&worker, payment(view.ledger.rev, 7)),
        Err(ServiceError::NotFound(_))
    ));
    let as_entry = Request::AddLedgerEntry {
        person,
        rev: view.ledger.rev,
        entry: LedgerDraft::typed(EntryKind::Payment, &lump),
    };
    assert!(matches!(
        service.handle(&worker, as_entry),
        Err(ServiceError::Refused(_))
    ));
    let view = match service
        .handle(&worker, payment(view.ledger.rev, 0))
        .unwrap()
        .body
    {
        Response::Ledger(v) => v,
        other => panic!("unexpected reply {other:?}"),
    };
    let paid = &view.ledger.policies[0].payments;
    assert_eq!(paid.len(), 1);
    assert_eq!((paid[0].amount, paid[0].months().len()), (1600, 4));
    let view = add(
        &service,
        &worker,
        &view,
        EntryKind::Dibao,
        &["1", "2026-11-16", "250", "", "通勤费用按标准扣减"],
    )
    .unwrap();
    assert!(matches!(
        view.ledger.dibao[0].kind,
        DibaoKind::CostDeduction { monthly: 250 }
    ));

    // A stale form is refused; another township's person is out of reach.
    let stale = Request::AddLedgerEntry {
        person,
        rev: 0,
        entry: LedgerDraft::typed(EntryKind::EndPost, &["2026-12-31", "5"]),
    };
    assert!(matches!(
        service.handle(&worker, stale),
        Err(ServiceError::Conflict(_))
    ));
    let elsewhere = summaries
        .iter()
        .find(|s| Some(&s.township) != worker.township.as_ref())
        .unwrap();
    let refused = service.handle(
        &worker,
        Request::Ledger {
            person: elsewhere.person,
        },
    );
    assert!(
        matches!(refused, Err(ServiceError::Denied(_))),
        "{refused:?}"
    );

    // Every entry is on the person's audit trail.
    let id = summaries
        .iter()
        .find(|s| s.person == person)
        .unwrap()
        .id_number
        .clone();
    let log = match service
        .handle(
            &Actor {
                user: "shenhe".into(),
                role: Role::CountyReviewer,
                township: None,
            },
            Request::AuditShow {
                id_number: Some(id.as_str().into()),
            },
        )
        .unwrap()
        .body
    {
        Response::AuditLog(lines) => lines,
        other => panic!("{other:?}"),
    };
    let actions: Vec<&str> = log.iter().map(|l| l.action.as_str()).collect();
    for a in ["安置公益性岗位", "享受政策", "登记补贴发放", "低保联动"] {
        assert!(actions.contains(&a), "{a} missing: {actions:?}");
    }
}

/// Finding 10 (issue 13): a rural part-time post holder found on the post (公益性岗位) with
/// a wage above the poverty-monitoring line a year is a candidate to end the post.
#[test]
fn a_rural_post_holders_income_above_the_line_ends_the_post() {
    use yuanzhu::domain::followup_form::Field;
    use yuanzhu::domain::post::PostExitReason;
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let reviewer = Actor {
        user: "county".into(),
        role: Role::CountyReviewer,
        township: None,
    };
    let s = service
        .store_for_tests()
        .unwrap()
        .summaries()
        .unwrap()
        .into_iter()
        .find(|s| s.status == RecognitionStatus::Recognised && s.recognised_on < Some(today()))
        .unwrap();
    let view = ledger(&service, &reviewer, s.person);
    let post = ["2", "长征村委会", "2026-10-01", "2027-09-30", "1200", "380"];
    add(&service, &reviewer, &view, EntryKind::Post, &post).unwrap();
    let mut visit = common::unemployed_visit(today(), s.tier);
    visit.press_code(Field::WorkStatus, '5');
    visit.set(Field::Employer, "长征村委会".into());
    visit.press_code(Field::Contract, '2');
    visit.press_code(Field::SocialInsurance, '1');
    visit.set(Field::Wage, "700".into());
    let save = |wage: &str| {
        let mut visit = visit.clone();
        visit.set(Field::Wage, wage.into());
        let rev = service
            .store_for_tests()
            .unwrap()
            .summary(s.case)
            .unwrap()
            .unwrap()
            .rev;
        service
            .handle(
                &reviewer,
                Request::SaveFollowUp {
                    case: s.case,
                    rev,
                    draft: visit,
                },
            )
            .unwrap();
    };
    save("600");
    // 7,200 a year is under the default line of 7,600.
    assert!(
        ledger(&service, &reviewer, s.person)
            .post_triggers
            .is_empty()
    );
    save("700");
    assert_eq!(
        ledger(&service, &reviewer, s.person).post_triggers,
        [PostExitReason::IncomeAboveLine]
    );
}
