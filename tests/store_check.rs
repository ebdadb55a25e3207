//! The store checked as an administrator would after a careless hand or an attacker had
//! been at the sled files: `yuanzhu check` reads every record and finds one edited behind
//! the program's back, a derived tree out of step, a length field that claims gigabytes;
//! the audit anchor is guarded (deleted or mismatched fails, re-anchoring is audited); and
//! `zero` and `serve` stop with a clear message instead of aborting.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use std::path::Path;
use std::process::{Command, Output};
use yuanzhu::domain::{Account, CaseSummary, Person};
use yuanzhu::store::codec::{decode, encode};
use yuanzhu::store::{County, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn yuanzhu(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--today", "2026-11-16"])
        .args(args)
        .env_remove("YUANZHU_SOCKET")
        .env_remove("YUANZHU_CONFIG")
        .output()
        .expect("run yuanzhu")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn small_county(dir: &Path) {
    drop(common::demo_store(dir, 40, today()));
}

/// The sled database underneath, opened by hand once the store has let go of it.
fn raw(dir: &Path) -> sled::Db {
    (0..60)
        .find_map(|_| {
            sled::open(dir)
                .map_err(|_| std::thread::sleep(std::time::Duration::from_millis(50)))
                .ok()
        })
        .expect("open the store's sled database by hand")
}

/// The first record of `tree`, as (key, bytes).
fn first(db: &sled::Db, tree: &str) -> (sled::IVec, sled::IVec) {
    db.open_tree(tree).unwrap().iter().next().unwrap().unwrap()
}

/// `record` with the length field of its string `text` set to claim 2^62 bytes: the
/// envelope, the version and every other byte as they were.
fn huge_length_record(record: &[u8], text: &str) -> Vec<u8> {
    let at = record
        .windows(text.len() + 1)
        .position(|w| w[0] as usize == text.len() && &w[1..] == text.as_bytes())
        .expect("the string, after its one-byte length, in the record");
    let mut bytes = record[..at].to_vec();
    bytes.push(0xfd);
    bytes.extend_from_slice(&(1u64 << 62).to_le_bytes());
    bytes.extend_from_slice(&record[at + 1..]);
    bytes
}

#[test]
fn an_untouched_store_checks_sound() {
    let dir = tempfile::tempdir().unwrap();
    small_county(dir.path());
    let o = yuanzhu(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("数据库完好"), "{}", text(&o));
    assert!(text(&o).contains("persons"), "{}", text(&o));
}

#[test]
fn the_data_sequence_in_meta_is_read_and_not_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    small_county(dir.path());
    let db = raw(dir.path());
    assert!(
        db.open_tree("meta")
            .unwrap()
            .get(b"data_seq")
            .unwrap()
            .is_some()
    );
    drop(db);
    let o = yuanzhu(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("不是本程序写入的键"), "{}", text(&o));
}

#[test]
fn records_edited_behind_the_programs_back_are_reported_by_key() {
    let dir = tempfile::tempdir().unwrap();
    small_county(dir.path());
    let (person_key, followup_key) = {
        let db = raw(dir.path());
        let persons = db.open_tree("persons").unwrap();
        let (k, v) = first(&db, "persons");
        let mut p: Person = decode(&v).unwrap();
        p.name = "改名".into();
        persons.insert(&k, encode(&p)).unwrap();
        let followups = db.open_tree("followups").unwrap();
        let (fk, fv) = first(&db, "followups");
        let mut f: yuanzhu::domain::FollowUp = decode(&fv).unwrap();
        f.answers.plan = "手工改过的计划".into();
        followups.insert(&fk, encode(&f)).unwrap();
        // A derived tree out of step: one ID number no longer indexed.
        db.open_tree("id_numbers")
            .unwrap()
            .remove(p.id_number.as_str().as_bytes())
            .unwrap();
        db.flush().unwrap();
        (
            u64::from_be_bytes(k.as_ref().try_into().unwrap()),
            (
                u64::from_be_bytes(fk[..8].try_into().unwrap()),
                u64::from_be_bytes(fk[8..].try_into().unwrap()),
            ),
        )
    };
    let o = yuanzhu(dir.path(), &["check"]);
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains(&format!("persons/{person_key} 在审计之外被改动")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "followups/{}-{} 在审计之外被改动",
            followup_key.0, followup_key.1
        )),
        "{out}"
    );
    assert!(out.contains("不在 id_numbers 中"), "{out}");
    // The summary still carries the old name: the derived tree disagrees with its record.
    assert!(out.contains("姓名"), "{out}");
}

#[test]
fn a_record_claiming_a_huge_length_is_a_clear_error_from_check_zero_and_serve() {
    let dir = tempfile::tempdir().unwrap();
    small_county(dir.path());
    {
        let db = raw(dir.path());
        let summaries = db.open_tree("summaries").unwrap();
        let (k, v) = first(&db, "summaries");
        let summary: CaseSummary = decode(&v).unwrap();
        summaries
            .insert(&k, huge_length_record(&v, &summary.township.0))
            .unwrap();
        // `zero` reads the households.
        let households = db.open_tree("households").unwrap();
        let (k, v) = first(&db, "households");
        let household: yuanzhu::domain::Household = decode(&v).unwrap();
        households
            .insert(&k, huge_length_record(&v, &household.village))
            .unwrap();
        db.flush().unwrap();
    }
    for args in [&["check"][..], &["zero"][..]] {
        let o = yuanzhu(dir.path(), args);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {out}");
        assert!(out.contains("households"), "{args:?}: {out}");
        assert!(out.contains("长度字段超出"), "{args:?}: {out}");
    }

    // In the county record, which `serve` reads before it answers anyone.
    {
        let db = raw(dir.path());
        let meta = db.open_tree("meta").unwrap();
        let v = meta.get(b"county").unwrap().unwrap();
        let county: County = decode(&v).unwrap();
        meta.insert(b"county", huge_length_record(&v, &county.name))
            .unwrap();
        db.flush().unwrap();
    }
    let sock = dir.path().join("s.sock");
    let o = yuanzhu(dir.path(), &["--socket", sock.to_str().unwrap(), "serve"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("启动检查") && out.contains("meta"), "{out}");
    assert!(!sock.exists(), "no socket for a server that did not start");
}

#[test]
fn an_account_of_a_future_version_stops_serve_and_fails_check() {
    let dir = tempfile::tempdir().unwrap();
    small_county(dir.path());
    {
        let db = raw(dir.path());
        let accounts = db.open_tree("accounts").unwrap();
        let (k, v) = first(&db, "accounts");
        assert!(decode::<Account>(&v).is_ok());
        let mut future = v.to_vec();
        future[1..3].copy_from_slice(&9u16.to_be_bytes());
        accounts.insert(&k, future).unwrap();
        db.flush().unwrap();
    }
    let o = yuanzhu(dir.path(), &["check"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("版本 9 不被本程序支持"), "{}", text(&o));
    let sock = dir.path().join("s.sock");
    let o = yuanzhu(dir.path(), &["--socket", sock.to_str().unwrap(), "serve"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("版本 9"), "{}", text(&o));
}

#[test]
fn a_deleted_anchor_fails_verify_holds_writes_and_re_anchoring_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    small_county(dir.path());
    let anchor = Store::anchor_path(dir.path());
    std::fs::remove_file(&anchor).unwrap();

    let o = yuanzhu(dir.path(), &["audit", "verify"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("审计锚点缺失"), "{}", text(&o));
    let o = yuanzhu(dir.path(), &["check"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("审计锚点缺失"), "{}", text(&o));

    // A write is refused, and the anchor is not silently made again.
    let o = yuanzhu(dir.path(), &["user", "add", "wang", "--role", "县级审核"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("只读"), "{}", text(&o));
    assert!(!anchor.exists());

    let o = yuanzhu(dir.path(), &["audit", "re-anchor", "--reason", ""]);
    assert!(!o.status.success(), "a reason is required: {}", text(&o));
    let o = yuanzhu(
        dir.path(),
        &[
            "audit",
            "re-anchor",
            "--reason",
            "锚点文件误删，已与月报所记条数核对",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = yuanzhu(dir.path(), &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = yuanzhu(dir.path(), &["audit", "show"]);
    let out = text(&o);
    assert!(
        out.contains("重新确立审计锚点") && out.contains("月报") && out.contains("原锚点缺失"),
        "{out}"
    );
    assert!(out.contains("（数据目录所有者）"), "{out}");
    // Writes resume, and move the anchor on.
    let store = Store::open(dir.path(), Default::default()).unwrap();
    assert_eq!(store.check_anchor().unwrap(), None);
    let account = Account {
        name: "wang".into(),
        rev: 0,
        role: yuanzhu::domain::Role::CountyReviewer,
        township: None,
        disabled: false,
    };
    let stamp = yuanzhu::store::Stamp {
        actor: "test".into(),
        at: yuanzhu::service::now_cst(),
    };
    store
        .put_accounts(&[(account, None)], &stamp, "添加账户")
        .unwrap();
    assert_eq!(store.verify_audit().unwrap().problem, None);
    assert!(
        std::fs::read_to_string(&anchor)
            .unwrap()
            .starts_with(&store.seq().unwrap().to_string())
    );
}

#[test]
fn a_mismatched_or_ahead_anchor_fails_and_a_lagging_one_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    small_county(dir.path());
    let anchor = Store::anchor_path(dir.path());
    let line = std::fs::read_to_string(&anchor).unwrap();
    let (seq, hash) = line.trim().split_once(' ').unwrap();
    let seq: u64 = seq.parse().unwrap();

    let flipped = format!(
        "{seq} {}{}\n",
        if &hash[..1] == "0" { "1" } else { "0" },
        &hash[1..]
    );
    std::fs::write(&anchor, flipped).unwrap();
    let o = yuanzhu(dir.path(), &["audit", "verify"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("审计锚点不符"), "{}", text(&o));

    std::fs::write(&anchor, format!("{} {hash}\n", seq + 5)).unwrap();
    let o = yuanzhu(dir.path(), &["audit", "verify"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("审计锚点不符"), "{}", text(&o));

    // An anchor some entries behind: the chain is still sound, with a warning.
    let store = Store::open(dir.path(), Default::default()).unwrap();
    let entries = store.audit_entries(1).unwrap();
    let earlier = &entries[entries.len() - 4];
    let bytes = encode(earlier);
    let head = yuanzhu::store::audit::AuditHead {
        seq: earlier.seq,
        hash: yuanzhu::store::audit::hash_entry(&bytes),
    };
    drop(store);
    std::fs::write(&anchor, head.to_line()).unwrap();
    let o = yuanzhu(dir.path(), &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("审计锚点落后"), "{}", text(&o));
}

/// A store whose demo chunks were written before bulk entries carried hashes (audit record
/// version 1): made from a new one by rewriting its chain the old way.
fn as_legacy_store(dir: &Path) {
    use yuanzhu::store::audit::{AuditEntry, AuditEntryV1, AuditHead, hash_entry};
    let db = raw(dir);
    let audit = db.open_tree("audit").unwrap();
    let mut prev = [0u8; 32];
    let entries: Vec<(sled::IVec, sled::IVec)> = audit.iter().map(Result::unwrap).collect();
    for (k, v) in entries {
        let mut entry: AuditEntry = decode(&v).unwrap();
        entry.prev_hash = prev;
        let bytes = if entry.bulk.is_empty() {
            encode(&entry)
        } else {
            let v1 = AuditEntryV1 {
                seq: entry.seq,
                prev_hash: entry.prev_hash,
                at: entry.at,
                actor: entry.actor,
                action: entry.action,
                target: entry.target,
                changes: entry.changes,
            };
            let mut b = vec![yuanzhu::store::codec::MAGIC, 0, 1];
            b.extend(bincode::serde::encode_to_vec(&v1, bincode::config::standard()).unwrap());
            b
        };
        prev = hash_entry(&bytes);
        audit.insert(&k, bytes).unwrap();
        let head = AuditHead {
            seq: u64::from_be_bytes(k.as_ref().try_into().unwrap()),
            hash: prev,
        };
        db.open_tree("meta")
            .unwrap()
            .insert(b"audit_head", encode(&head))
            .unwrap();
        std::fs::write(Store::anchor_path(dir), head.to_line()).unwrap();
    }
    db.flush().unwrap();
}

#[test]
fn a_store_whose_bulk_writes_predate_their_hashes_checks_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    small_county(dir.path());
    as_legacy_store(dir.path());
    let o = yuanzhu(dir.path(), &["check"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("旧版本的批量写入"), "{out}");
    assert!(out.contains("数据库完好"), "{out}");
}
