//! 第(十四)条: the audit trail cannot be silently altered. `yuanzhu audit verify` finds a
//! hand-edited entry, a removed middle entry, and a tail cut off together with the store's
//! own head record (the anchor file kept beside the store catches that one).

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use std::path::Path;
use std::process::Command;
use yuanzhu::domain::{DueStatus, Settings};
use yuanzhu::service::{Actor, Request, Response, Role, Service, Today};
use yuanzhu::store::audit::{AuditEntry, AuditHead, hash_entry};
use yuanzhu::store::codec::{decode, encode};
use yuanzhu::store::{Store, StoreConfig};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

/// A demo store with three follow-ups saved last. Returns the number of the last audit
/// entry (the demo writes the county, its households, its applications' steps and its
/// accounts before them).
fn store_with_history(dir: &Path) -> u64 {
    let service = Service::new(
        common::demo_store(dir, 20, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let actor = Actor {
        user: "audit-test".into(),
        role: Role::CountyReviewer,
        township: None,
    };
    let Response::QueuePage(yuanzhu::service::QueuePage { rows, .. }) = service
        .handle(
            &actor,
            Request::QueuePage(yuanzhu::service::QueueQuery::follow_ups()),
        )
        .unwrap()
        .body
    else {
        panic!("queue")
    };
    for row in rows
        .iter()
        .filter(|r| matches!(r.due, Some(d) if d != DueStatus::Done))
        .take(3)
    {
        let draft = common::unemployed_visit(today(), row.tier);
        let request = Request::SaveFollowUp {
            case: row.case,
            rev: row.rev,
            draft,
        };
        service.handle(&actor, request).unwrap();
    }
    service.store_for_tests().unwrap().seq().unwrap()
}

fn verify(dir: &Path) -> (bool, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .args(["--data-dir", dir.to_str().unwrap(), "audit", "verify"])
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

/// Opens the sled database underneath the store, as someone editing it by hand would.
fn raw(dir: &Path) -> (sled::Db, sled::Tree, sled::Tree) {
    // sled lets go of its lock a moment after the store above is dropped.
    let db = (0..60)
        .find_map(|_| {
            sled::open(dir)
                .map_err(|_| std::thread::sleep(std::time::Duration::from_millis(50)))
                .ok()
        })
        .expect("open the store's sled database by hand");
    let audit = db.open_tree("audit").unwrap();
    let meta = db.open_tree("meta").unwrap();
    (db, audit, meta)
}

#[test]
fn an_untouched_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let last = store_with_history(dir.path());
    let (ok, out) = verify(dir.path());
    assert!(ok, "{out}");
    assert!(out.contains(&format!("审计链完整：共 {last} 条")), "{out}");
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    assert_eq!(store.verify_audit().unwrap().problem, None);
}

#[test]
fn a_hand_edited_entry_is_found() {
    let dir = tempfile::tempdir().unwrap();
    store_with_history(dir.path());
    {
        let (db, audit, _) = raw(dir.path());
        let bytes = audit.get(3u64.to_be_bytes()).unwrap().unwrap();
        let mut entry: AuditEntry = decode(&bytes).unwrap();
        entry.actor = "someone-else".into();
        audit.insert(3u64.to_be_bytes(), encode(&entry)).unwrap();
        db.flush().unwrap();
    }
    let (ok, out) = verify(dir.path());
    assert!(!ok);
    assert!(out.contains("第 3 条审计记录被改动"), "{out}");
}

#[test]
fn a_removed_middle_entry_is_found() {
    let dir = tempfile::tempdir().unwrap();
    store_with_history(dir.path());
    {
        let (db, audit, _) = raw(dir.path());
        audit.remove(2u64.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let (ok, out) = verify(dir.path());
    assert!(!ok);
    assert!(out.contains("第 2 条审计记录缺失"), "{out}");
}

#[test]
fn a_tail_cut_off_with_the_head_rewritten_is_caught_by_the_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let last = store_with_history(dir.path());
    {
        let (db, audit, meta) = raw(dir.path());
        audit.remove(last.to_be_bytes()).unwrap();
        let before = audit.get((last - 1).to_be_bytes()).unwrap().unwrap();
        let head = AuditHead {
            seq: last - 1,
            hash: hash_entry(&before),
        };
        meta.insert(b"audit_head", encode(&head)).unwrap();
        db.flush().unwrap();
    }
    let (ok, out) = verify(dir.path());
    assert!(!ok);
    assert!(
        out.contains(&format!(
            "被截断：库外锚点记有 {last} 条，库内只有 {} 条",
            last - 1
        )),
        "{out}"
    );
}

#[test]
fn audit_show_lists_who_did_what_to_one_person() {
    let dir = tempfile::tempdir().unwrap();
    let last = store_with_history(dir.path());
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let saved = store.audit_entries(last - 2).unwrap();
    let summary = store
        .summaries()
        .unwrap()
        .into_iter()
        .find(|s| saved[0].target.contains(&s.id_number.masked()) && s.name.len() > 1)
        .unwrap();
    drop(store);
    let o = Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "audit",
            "show",
            "--person",
            summary.id_number.as_str(),
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].contains("audit-test") && lines[0].contains("保存回访"),
        "{out}"
    );
}
