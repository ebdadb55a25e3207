//! A failed or recovering open never destroys the only copy: a store that was not closed
//! cleanly is copied aside before sled sees it, and a damaged one is refused in Chinese
//! with the untouched copy named — never wiped, never re-created.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use yuanzhu::domain::{Account, Role};
use yuanzhu::store::open_guard::{CLOSED, MARKER, copy_path};
use yuanzhu::store::{Stamp, Store, StoreConfig};

fn stamp() -> Stamp {
    Stamp {
        actor: "guard-test".into(),
        at: yuanzhu::service::now_cst(),
    }
}

/// A small store with a few audited writes, closed cleanly.
fn small_store(dir: &Path) {
    let store = Store::open(dir, StoreConfig::default()).unwrap();
    for i in 0..20 {
        let account = Account {
            name: format!("user{i}"),
            rev: 0,
            role: Role::CountyReviewer,
            township: None,
            disabled: false,
        };
        store
            .put_accounts(&[(account, None)], &stamp(), "建立账户")
            .unwrap();
    }
}

/// Every file's bytes under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (rel, meta) in yuanzhu::store::open_guard::store_files(dir).unwrap() {
        if meta.is_file() {
            out.insert(rel.clone(), std::fs::read(dir.join(rel)).unwrap());
        }
    }
    out
}

#[test]
fn a_cleanly_closed_store_opens_without_a_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    small_store(&dir);
    assert!(
        !dir.join(MARKER).exists(),
        "a clean close clears the marker"
    );
    assert!(dir.join(CLOSED).exists());
    for _ in 0..3 {
        let store = Store::open(&dir, StoreConfig::default()).unwrap();
        assert!(dir.join(MARKER).exists(), "the marker is there while open");
        assert_eq!(store.accounts().unwrap().len(), 20);
    }
    assert!(!copy_path(&dir).exists(), "no copy after clean closes");
}

#[test]
fn a_store_whose_marker_is_present_is_copied_aside_before_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    small_store(&dir);
    // What a process killed with the store open leaves behind.
    std::fs::write(dir.join(MARKER), "open\npid 1\n").unwrap();
    std::os::unix::net::UnixListener::bind(dir.join("yuanzhu.sock")).unwrap();
    let before = files(&dir);

    let store = Store::open(&dir, StoreConfig::default()).unwrap();
    let copy = copy_path(&dir);
    assert_eq!(
        files(&copy),
        before,
        "the copy holds the bytes from before the open"
    );
    assert!(
        !copy.join("yuanzhu.sock").exists(),
        "the socket is not copied"
    );
    assert_eq!(store.accounts().unwrap().len(), 20);
    drop(store);

    // Once an open has succeeded, the next unclean open replaces the copy: only the newest
    // is kept.
    let store = Store::open(&dir, StoreConfig::default()).unwrap();
    store
        .put_accounts(
            &[(
                Account {
                    name: "later".into(),
                    rev: 0,
                    role: Role::Admin,
                    township: None,
                    disabled: false,
                },
                None,
            )],
            &stamp(),
            "建立账户",
        )
        .unwrap();
    drop(store);
    std::fs::write(dir.join(MARKER), "open\n").unwrap();
    let before = files(&dir);
    drop(Store::open(&dir, StoreConfig::default()).unwrap());
    assert_eq!(files(&copy), before);
    let siblings: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("open-copy"))
        .collect();
    assert_eq!(siblings, vec!["store.open-copy".to_string()]);
}

#[test]
fn a_corrupted_log_is_refused_in_chinese_and_the_copy_keeps_the_original_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    small_store(&dir);
    let db = dir.join("db");
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 1024, "{}", bytes.len());
    for b in bytes.iter_mut().skip(64).step_by(7) {
        *b ^= 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let before = files(&dir);

    let message = match Store::open(&dir, StoreConfig::default()) {
        Ok(_) => panic!("a damaged log opened"),
        Err(e) => e.to_string(),
    };
    let copy = copy_path(&dir);
    assert!(message.contains("数据库文件已损坏"), "{message}");
    assert!(message.contains(&copy.display().to_string()), "{message}");
    assert!(message.contains("从备份恢复"), "{message}");
    assert!(!message.starts_with("Read corrupted"), "{message}");
    assert_eq!(files(&copy), before, "the copy is untouched");
    assert!(db.exists() && dir.join("conf").exists(), "nothing wiped");

    // A second try keeps the first copy, whatever sled did to the original meanwhile.
    assert!(Store::open(&dir, StoreConfig::default()).is_err());
    assert_eq!(files(&copy), before);
    assert!(db.exists(), "nothing wiped or re-created");
}

#[test]
fn no_room_for_the_copy_refuses_the_open_and_leaves_the_store_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    small_store(&dir);
    // A small filesystem of its own, as root in a private mount namespace: 6 MiB is less
    // than the copy plus the room kept spare after it.
    let mnt = tmp.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let script = format!(
        "mount -t tmpfs -o size=6m tmpfs {mnt} || exit 77
         cp -a {dir} {mnt}/store && echo 'open' > {mnt}/store/{MARKER}
         {bin} --data-dir {mnt}/store audit verify; echo \"rc=$?\"
         test -e {mnt}/store.open-copy && echo COPY-MADE
         test -e {mnt}/store/{MARKER} && echo MARKER-KEPT
         cmp {dir}/db {mnt}/store/db && echo DB-UNCHANGED",
        mnt = mnt.display(),
        dir = dir.display(),
        bin = env!("CARGO_BIN_EXE_yuanzhu"),
    );
    let out = std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .output();
    // `unshare` or `mount` refused (not root, no namespaces): said, not silently passed.
    let out = match out {
        Ok(o) if o.status.code() != Some(77) && !o.stdout.is_empty() => o,
        other => {
            eprintln!("SKIPPED: cannot mount a small tmpfs here (unshare -m as root): {other:?}");
            return;
        }
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("rc=1"), "{text}");
    assert!(text.contains("磁盘只剩"), "{text}");
    assert!(text.contains("没有被改动"), "{text}");
    assert!(!text.contains("COPY-MADE"), "{text}");
    assert!(text.contains("MARKER-KEPT"), "{text}");
    assert!(text.contains("DB-UNCHANGED"), "{text}");
}
