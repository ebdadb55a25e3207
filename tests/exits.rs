//! 退出审核 through the service (第(五)条, R-EXIT-1, R-GOV-1): the rules' findings with their
//! evidence, a proposal, the second-person rule, a return and an approval that takes the
//! person out of the follow-up queue and onto the household's timeline.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::{RecognitionStatus, Role, Settings};
use yuanzhu::service::{Actor, ExitRow, Request, Response, Service, ServiceError, Today};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn actor(user: &str, role: Role, service: &Service) -> Actor {
    let township = (role == Role::TownshipCaseworker).then(|| {
        service
            .store_for_tests()
            .unwrap()
            .county()
            .unwrap()
            .unwrap()
            .townships[0]
            .code
            .clone()
    });
    Actor {
        user: user.into(),
        role,
        township,
    }
}

/// The whole list, a window at a time as the screen reads it.
fn exits(service: &Service, actor: &Actor) -> Vec<ExitRow> {
    let mut rows = Vec::new();
    loop {
        let from = rows.len() as u32;
        let request = Request::Exits { from, count: 7 };
        match service.handle(actor, request).unwrap().body {
            Response::Exits(page) => {
                assert_eq!(page.from, from);
                let done = page.rows.is_empty() || from + page.rows.len() as u32 >= page.total;
                rows.extend(page.rows);
                if done {
                    return rows;
                }
            }
            other => panic!("{other:?}"),
        }
    }
}

/// The case's current rev, as the screen would have read it.
fn case_rev(service: &Service, case: yuanzhu::domain::CaseId) -> u64 {
    service
        .store_for_tests()
        .unwrap()
        .case(case)
        .unwrap()
        .unwrap()
        .rev
}

fn decide(
    service: &Service,
    actor: &Actor,
    row: &ExitRow,
    approve: bool,
    note: &str,
) -> Result<(), ServiceError> {
    let rev = case_rev(service, row.case);
    service
        .handle(
            actor,
            Request::DecideExit {
                case: row.case,
                rev,
                approve,
                note: note.into(),
            },
        )
        .map(|_| ())
}

#[test]
fn a_finding_proposed_by_one_person_is_decided_by_another_at_the_county() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 200, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let township = actor("jingban", Role::TownshipCaseworker, &service);
    let county = actor("shenhe", Role::CountyReviewer, &service);
    let other = actor("liu", Role::CountyReviewer, &service);

    let found = exits(&service, &township);
    let row = found
        .iter()
        .find(|r| r.proposed.is_none())
        .expect("the demo has findings")
        .clone();
    assert!(row.proposed.is_none());
    assert!(!row.evidence.is_empty(), "a finding carries its evidence");
    assert!(found.iter().all(|r| r.township_name == row.township_name));

    service
        .handle(
            &township,
            Request::ProposeExit {
                case: row.case,
                rev: row.rev,
                reason: row.reason,
                evidence: format!("{}：{}", row.rule, row.evidence.join("；")),
            },
        )
        .unwrap();
    let waiting = exits(&service, &county);
    let mine = waiting.iter().find(|r| r.case == row.case).unwrap();
    assert_eq!(
        mine.proposed.as_ref().map(|p| p.1.as_str()),
        Some("jingban")
    );
    let first_finding = waiting.iter().position(|r| r.proposed.is_none()).unwrap();
    assert!(
        waiting[..first_finding].iter().any(|r| r.case == row.case),
        "proposals come first"
    );

    // The township cannot decide; a return needs a reason and keeps the recognition.
    let refused = decide(&service, &township, mine, true, "").unwrap_err();
    assert!(
        matches!(&refused, ServiceError::Refused(m) if m.contains("县级")),
        "{refused:?}"
    );
    assert!(decide(&service, &county, mine, false, " ").is_err());
    decide(&service, &county, mine, false, "请补充劳动合同复印件").unwrap();
    assert_eq!(
        service
            .store_for_tests()
            .unwrap()
            .case(row.case)
            .unwrap()
            .unwrap()
            .status,
        RecognitionStatus::Recognised
    );

    // Proposed again by the county reviewer: that same person may not approve it.
    let rev = case_rev(&service, row.case);
    service
        .handle(
            &county,
            Request::ProposeExit {
                case: row.case,
                rev,
                reason: row.reason,
                evidence: "已补劳动合同复印件".into(),
            },
        )
        .unwrap();
    let refused = decide(&service, &county, &row, true, "").unwrap_err();
    assert!(
        matches!(&refused, ServiceError::Refused(m) if m.contains("另一名")),
        "{refused:?}"
    );
    decide(&service, &other, &row, true, "").unwrap();

    let case = service
        .store_for_tests()
        .unwrap()
        .case(row.case)
        .unwrap()
        .unwrap();
    assert_eq!(case.status, RecognitionStatus::Exited);
    let queue = match service
        .handle(
            &county,
            Request::QueuePage(yuanzhu::service::QueueQuery::follow_ups()),
        )
        .unwrap()
        .body
    {
        Response::QueuePage(page) => page.rows,
        other => panic!("{other:?}"),
    };
    assert!(
        queue.iter().all(|r| r.case != row.case),
        "out of the due queue"
    );
    let timeline = match service
        .handle(
            &county,
            Request::Household {
                household: row.household,
            },
        )
        .unwrap()
        .body
    {
        Response::Household(h) => h.timeline,
        other => panic!("{other:?}"),
    };
    assert!(
        timeline
            .iter()
            .any(|e| e.what.contains("退出援助，取消认定")),
        "{timeline:?}"
    );
    assert!(
        timeline.iter().any(|e| e.what.contains("退出申请被退回")),
        "{timeline:?}"
    );
    let stats = match service.handle(&county, Request::ExitStats).unwrap().body {
        Response::ExitStats(rows) => rows,
        other => panic!("{other:?}"),
    };
    let counted = stats.iter().find(|c| c.reason == row.reason).unwrap();
    assert_eq!((counted.this_month, counted.this_year), (1, 1));
    assert_eq!(stats.iter().map(|c| c.this_year).sum::<u32>(), 1);
    let refusals = service
        .store_for_tests()
        .unwrap()
        .audit_entries(1)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "拒绝")
        .count();
    assert_eq!(refusals, 3, "each refusal is on the record");
}

#[test]
fn a_person_who_exited_applies_again_and_keeps_their_history() {
    use yuanzhu::domain::intake::{IntakeDraft, IntakeField};
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let township = actor("jingban", Role::TownshipCaseworker, &service);
    let county = actor("shenhe", Role::CountyReviewer, &service);
    // The demo's proposal that this person moved away, approved.
    let row = exits(&service, &county)
        .into_iter()
        .find(|r| r.proposed.is_some())
        .unwrap();
    decide(&service, &county, &row, true, "").unwrap();
    let summary = service
        .store_for_tests()
        .unwrap()
        .summary(row.case)
        .unwrap()
        .unwrap();

    // Back at the counter: the same ID number, applying again.
    let county_name = service
        .store_for_tests()
        .unwrap()
        .county()
        .unwrap()
        .unwrap()
        .townships[0]
        .name
        .clone();
    let mut d = IntakeDraft::blank(today(), Some(&county_name));
    d.set(IntakeField::IdNumber, summary.id_number.as_str().into());
    d.set(IntakeField::Name, summary.name.clone());
    d.set(IntakeField::Phone, "13907970009".into());
    d.set(IntakeField::Village, "长征村".into());
    d.press_code(IntakeField::Category1, '2');
    d.set(IntakeField::Document1, "于民〔2026〕99号".into());
    d.set(IntakeField::Issuer1, "于都县民政局".into());
    let done = match service
        .handle(&township, Request::Register { draft: d.clone() })
        .unwrap()
        .body
    {
        Response::Registered(r) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(done.person, summary.person, "one person, one record");
    assert_eq!(done.household, summary.household);
    let new_case = done.case.unwrap();
    assert_ne!(new_case, row.case);
    assert_eq!(
        service
            .store_for_tests()
            .unwrap()
            .case(row.case)
            .unwrap()
            .unwrap()
            .status,
        RecognitionStatus::Exited,
        "the old case and its history stay"
    );
    // While that application is open, a third one is refused with where it is.
    let refused = service.handle(&township, Request::Register { draft: d });
    assert!(
        matches!(&refused, Err(ServiceError::InvalidIntake(e)) if e[0].1.contains("申请")),
        "{refused:?}"
    );
    // The findings kept through the exit and the new application are the full scan's.
    for who in [&county, &township] {
        assert_eq!(
            exits(&service, who),
            service.exits_by_full_scan(who, today()).unwrap()
        );
    }
    let report = service.store_for_tests().unwrap().check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
}

#[test]
fn a_case_is_one_row_under_its_strongest_finding_with_the_others_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 400, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let county = actor("shenhe", Role::CountyReviewer, &service);
    let rows = exits(&service, &county);
    let mut cases: Vec<_> = rows.iter().map(|r| r.case).collect();
    cases.sort_unstable();
    cases.dedup();
    assert_eq!(cases.len(), rows.len(), "one row a case");
    // The title's counts are of cases: the page's total is the rows there are.
    match service
        .handle(&county, Request::Exits { from: 0, count: 1 })
        .unwrap()
        .body
    {
        Response::Exits(page) => assert_eq!(page.total as usize, rows.len()),
        other => panic!("{other:?}"),
    }
    let several: Vec<&ExitRow> = rows.iter().filter(|r| !r.others.is_empty()).collect();
    assert!(
        !several.is_empty(),
        "the demo has a case with several findings"
    );
    for r in &rows {
        assert!(r.proposed.is_none() || r.others.is_empty());
        // 第(五)条's order: the reason the notice names first is the row's.
        assert!(r.others.iter().all(|f| f.reason >= r.reason), "{r:?}");
    }
}
