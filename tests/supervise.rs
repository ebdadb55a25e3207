//! 监督 (第(十四)条, R-GOV-1) on a small demo store: a reviewer's findings page by stable
//! key and the pages add up to the total; a township caseworker is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::{Role, Settings, YearMonth};
use yuanzhu::service::protocol::SupervisePage;
use yuanzhu::service::{Actor, Request, Response, Service, ServiceError, Today};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn page(
    service: &Service,
    actor: &Actor,
    after: Option<String>,
    limit: u32,
) -> Result<SupervisePage, ServiceError> {
    let request = Request::Supervise {
        month: YearMonth::new(2026, 11).unwrap(),
        after,
        limit,
    };
    match service.handle(actor, request)?.body {
        Response::Supervise(p) => Ok(p),
        other => panic!("unexpected reply {other:?}"),
    }
}

#[test]
fn pages_add_up_to_the_total_and_keys_are_stable() {
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
    let whole = page(&service, &county, None, 200).unwrap();
    let mut keys = Vec::new();
    let mut after = None;
    loop {
        let p = page(&service, &county, after, 2).unwrap();
        assert!(p.findings.len() <= 2);
        assert_eq!(p.total, whole.total);
        keys.extend(p.findings.iter().map(|f| f.key.clone()));
        match p.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let whole_keys: Vec<_> = whole.findings.iter().map(|f| f.key.clone()).collect();
    assert_eq!(keys, whole_keys);
    assert!(keys.iter().all(|k| k.ends_with(":2026-11")));
    // A second run gives the same keys.
    let again = page(&service, &county, None, 200).unwrap();
    assert_eq!(again, whole);
}

#[test]
fn a_township_caseworker_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 10, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let township = store.summaries().unwrap()[0].township.clone();
    let caseworker = Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(township),
    };
    match page(&service, &caseworker, None, 10) {
        Err(ServiceError::Denied(why)) => assert!(why.contains("审核")),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
