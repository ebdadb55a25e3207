//! Backups that restore: a backup cut short never verifies; backup → restore → verify
//! passes and shows the restore in the chain; a restore never overwrites a store unasked
//! and never deletes one.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use yuanzhu::store::backup::{AnchorSource, BackupManifest, MANIFEST, PARTIAL};
use yuanzhu::store::{Store, StoreConfig};

const CHILD_ENV: &str = "YUANZHU_BACKUP_CHILD";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn yuanzhu(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("YUANZHU_SOCKET")
        .env_remove("YUANZHU_CONFIG")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Whether the folder at `dir` passes `audit verify` (opened in process).
fn verifies(dir: &Path) -> bool {
    match Store::open(dir, StoreConfig::default()) {
        Ok(store) => store.verify_audit().is_ok_and(|v| v.problem.is_none()),
        Err(_) => false,
    }
}

/// A tiny pseudo-random sequence (xorshift), seeded from the clock.
fn delays(n: usize, max_us: u64) -> Vec<u64> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % max_us
        })
        .collect()
}

#[test]
fn a_backup_killed_at_random_moments_never_leaves_a_folder_that_verifies() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        // In the child: one backup of the store, as `yuanzhu backup` makes it.
        let (store, dest) = spec.split_once('\n').unwrap();
        let store = Store::open(Path::new(store), StoreConfig::default()).unwrap();
        println!("READY");
        let started = std::time::Instant::now();
        store.backup_to(Path::new(dest)).unwrap();
        println!("DONE {}", started.elapsed().as_micros());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let store_dir = tmp.path().join("store");
    drop(common::demo_store(&store_dir, 30, today()));
    let backups = tmp.path().join("store-backups");
    std::fs::create_dir_all(&backups).unwrap();

    let (mut complete, mut partial) = (0, 0);
    for (i, delay) in delays(30, 40_000).into_iter().enumerate() {
        let dest = backups.join(format!("{i:03}"));
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_backup_killed_at_random_moments_never_leaves_a_folder_that_verifies",
                "--nocapture",
            ])
            .env(
                CHILD_ENV,
                format!("{}\n{}", store_dir.display(), dest.display()),
            )
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // Killed at a random moment of the backup itself, not of the child's start.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(lines.any(|l| l.is_ok_and(|l| l == "READY")));
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        let _ = child.wait();

        let partial_dir = PathBuf::from(format!("{}{PARTIAL}", dest.display()));
        if dest.exists() {
            complete += 1;
            assert!(
                matches!(Store::anchor_for(&dest), AnchorSource::Backup { .. }),
                "a folder under its final name is complete"
            );
            assert!(verifies(&dest), "a complete backup verifies");
        }
        if partial_dir.exists() {
            partial += 1;
            assert!(
                matches!(
                    Store::anchor_for(&partial_dir),
                    AnchorSource::IncompleteBackup { .. }
                ),
                "{}",
                partial_dir.display()
            );
            assert!(
                !verifies(&partial_dir),
                "a partial verified: {}",
                partial_dir.display()
            );
        }
    }
    eprintln!("{complete} complete, {partial} cut short");
    // The store the backups were taken from survives every kill and still verifies.
    assert!(verifies(&store_dir));
}

/// A demo store at `dir/store` (the test user is its administrator) and a backup of it made
/// with `yuanzhu backup`.
fn store_and_backup(dir: &Path) -> (PathBuf, PathBuf) {
    let store_dir = dir.join("store");
    drop(common::demo_store(&store_dir, 20, today()));
    let o = yuanzhu(&store_dir, &["--as", "guanli", "backup"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    let path = out
        .split_once("已备份到 ")
        .and_then(|(_, rest)| rest.split_once('（'))
        .map(|(p, _)| PathBuf::from(p))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(out.contains("yuanzhu restore"), "{out}");
    (store_dir, path)
}

#[test]
fn backup_then_restore_then_verify_passes_and_shows_the_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, backup) = store_and_backup(tmp.path());
    let o = yuanzhu(&backup, &["audit", "verify"]);
    assert!(o.status.success(), "the backup verifies: {}", text(&o));

    let target = tmp.path().join("new-place").join("restored");
    let o = yuanzhu(&target, &["restore", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已从备份恢复"), "{}", text(&o));
    assert!(
        Store::anchor_path(&target).exists(),
        "the anchor is beside it"
    );
    assert!(
        !target.join(MANIFEST).exists(),
        "a restored store is no backup"
    );

    let o = yuanzhu(&target, &["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = yuanzhu(&target, &["--as", "guanli", "audit", "show"]);
    let log = text(&o);
    let last = log.lines().last().unwrap_or_default();
    assert!(last.contains("从备份恢复（"), "{log}");
    assert!(last.contains("（数据目录所有者）"), "{log}");
    // The backup itself is left as it was, and still verifies.
    assert!(yuanzhu(&backup, &["audit", "verify"]).status.success());
}

#[test]
fn restore_refuses_an_existing_store_without_replace_and_moves_it_aside_with() {
    let tmp = tempfile::tempdir().unwrap();
    let (store_dir, backup) = store_and_backup(tmp.path());
    let o = yuanzhu(&store_dir, &["restore", backup.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("--replace"), "{}", text(&o));

    let o = yuanzhu(
        &store_dir,
        &["restore", backup.to_str().unwrap(), "--replace"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let aside: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("store.replaced-") && p.is_dir())
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(
        Store::exists(&aside[0]),
        "the old store is kept, not deleted"
    );
    assert!(Store::anchor_path(&aside[0]).exists(), "with its anchor");
    assert!(yuanzhu(&store_dir, &["audit", "verify"]).status.success());
}

#[test]
fn a_backup_whose_manifest_is_not_complete_never_verifies_or_restores() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, backup) = store_and_backup(tmp.path());
    let path = backup.join(MANIFEST);
    let mut manifest = BackupManifest::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    manifest.complete = false;
    std::fs::write(&path, manifest.to_toml()).unwrap();
    let o = yuanzhu(&backup, &["audit", "verify"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("备份没有写完"), "{}", text(&o));
    let target = tmp.path().join("restored");
    let o = yuanzhu(&target, &["restore", backup.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(!Store::exists(&target));

    // A manifest that lists more records than the copy holds is a backup cut or edited.
    manifest.complete = true;
    *manifest.records.entry("persons".into()).or_default() += 1;
    std::fs::write(&path, manifest.to_toml()).unwrap();
    let o = yuanzhu(&backup, &["audit", "verify"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("persons"), "{}", text(&o));
}

#[test]
fn the_v1_manifest_fixture_still_decodes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backup_manifest_v1.toml");
    let manifest = BackupManifest::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(manifest.complete);
    assert_eq!(manifest.format, 1);
    assert_eq!(manifest.audit_entries, 42);
    assert_eq!(manifest.records.get("persons"), Some(&2417));
    assert_eq!(manifest.head().map(|h| h.seq), Some(42));
    assert_eq!(
        manifest.written_at.to_rfc3339(),
        "2026-11-16T09:30:00+08:00"
    );
}
