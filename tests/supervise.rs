//! 监督 (第(十四)条, R-GOV-1) on a small demo store: a reviewer's findings page by stable
//! key and the pages add up to the total; a township caseworker is refused; a reviewer's
//! disposition (已核实 / 误报) is audited, stays with its finding, changes only over the
//! version seen, and is refused for a key the rules do not find.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::supervise::disposition::{FindingDisposition, Verdict};
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

fn dispose(
    service: &Service,
    actor: &Actor,
    key: &str,
    rev: u64,
    verdict: Verdict,
    note: &str,
) -> Result<FindingDisposition, ServiceError> {
    let request = Request::DisposeFinding {
        key: key.into(),
        rev,
        verdict,
        note: note.into(),
    };
    match service.handle(actor, request)?.body {
        Response::Disposed(d) => Ok(d),
        other => panic!("unexpected reply {other:?}"),
    }
}

#[test]
fn a_disposition_is_audited_stays_with_its_finding_and_changes_only_over_what_was_seen() {
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
    assert!(!whole.findings.is_empty(), "the demo has findings");
    assert!(whole.findings.iter().all(|f| f.disposition.is_none()));
    let key = whole.findings[0].key.clone();

    // 误报 must say why; the refusal names the field and writes nothing.
    match dispose(&service, &county, &key, 0, Verdict::FalseAlarm, "  ") {
        Err(ServiceError::Refused(why)) => assert!(why.starts_with("说明"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let first = dispose(&service, &county, &key, 0, Verdict::Verified, "已入户核实").unwrap();
    assert_eq!(
        (first.rev, first.verdict, first.by.as_str()),
        (1, Verdict::Verified, "shenhe")
    );
    assert_eq!(first.on, today());

    // The page shows it on its finding, and only there.
    let after = page(&service, &county, None, 200).unwrap();
    for f in &after.findings {
        assert_eq!(f.disposition.is_some(), f.key == key, "{}", f.key);
    }
    assert_eq!(after.findings[0].disposition.as_ref(), Some(&first));

    // A second reviewer who saw no disposition (rev 0) conflicts; over rev 1 it changes.
    let other = Actor {
        user: "guanli".into(),
        role: Role::Admin,
        township: None,
    };
    let stale = dispose(
        &service,
        &other,
        &key,
        0,
        Verdict::FalseAlarm,
        "家属代答，情况属实未变",
    );
    assert!(matches!(stale, Err(ServiceError::Conflict(_))), "{stale:?}");
    let second = dispose(
        &service,
        &other,
        &key,
        1,
        Verdict::FalseAlarm,
        "家属代答，情况属实未变",
    )
    .unwrap();
    assert_eq!((second.rev, second.verdict), (2, Verdict::FalseAlarm));

    // A key the rules do not find, or with no month, is refused and not stored.
    // A copied key is checked against its case alone: a wrong case number, or the right
    // case under another name, or the right key in another month, is not a finding.
    let renamed = match key.split_once('（') {
        Some((head, tail)) if head.starts_with("copied:") => format!("copied:某某（{tail}"),
        _ => "copied:某某（案1）:2026-11".to_string(),
    };
    let other_month = key.replace(":2026-11", ":2026-10");
    for bad in [
        "copied_followups:无此人:2026-11",
        "no month here",
        "copied:谢某（案999999）:2026-11",
        renamed.as_str(),
        other_month.as_str(),
    ] {
        let e = dispose(&service, &county, bad, 0, Verdict::Verified, "").unwrap_err();
        assert!(
            matches!(e, ServiceError::NotFound(_) | ServiceError::Refused(_)),
            "{bad}: {e:?}"
        );
    }
    let store = service.store_for_tests().unwrap();
    assert!(
        store
            .disposition("copied_followups:无此人:2026-11")
            .unwrap()
            .is_none()
    );

    // Both writes are audit entries naming the finding and the verdict, and `check` finds
    // the new records consistent with the chain.
    let log = match service
        .handle(&other, Request::AuditShow { id_number: None })
        .unwrap()
        .body
    {
        Response::AuditLog(lines) => lines,
        o => panic!("unexpected reply {o:?}"),
    };
    let entries: Vec<_> = log.iter().filter(|l| l.action == "处置监督发现").collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(
        entries
            .iter()
            .any(|l| l.target.contains(&key) && l.target.contains("误报"))
    );
    let check = match service.handle(&other, Request::Check).unwrap().body {
        Response::Checked(view) => view,
        o => panic!("unexpected reply {o:?}"),
    };
    assert!(check.problems.is_empty(), "{:?}", check.problems);
}

#[test]
fn a_township_caseworker_cannot_dispose() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 10, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let township = service.store_for_tests().unwrap().summaries().unwrap()[0]
        .township
        .clone();
    let caseworker = Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(township),
    };
    let e = dispose(
        &service,
        &caseworker,
        "copied_followups:某人:2026-11",
        0,
        Verdict::Verified,
        "",
    );
    assert!(matches!(e, Err(ServiceError::Denied(_))), "{e:?}");
}
