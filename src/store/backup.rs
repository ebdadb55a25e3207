//! Backups that restore. A backup is a whole copy of the store written under a `.partial`
//! name and renamed into place only when complete, with a manifest inside
//! (`backup-manifest.toml`: the audit chain's entry count and head hash, the record count of
//! every tree, the time). The manifest is the backup's audit anchor: `audit verify` pointed
//! at a backup reads it instead of an anchor file, and a folder without a complete manifest
//! never verifies, so a backup killed midway cannot pass for one.
//!
//! A restore verifies the backup, copies it into place (an existing store is moved aside to
//! a dated name, never deleted), and appends "从备份恢复（备份时间, 条数）" to the chain, so a
//! legitimate restore is told apart from tampering; the anchor is then written beside the
//! restored store. Who may restore is decided by the binary, not here.

use super::audit::{Anchor, AuditHead};
use super::open_guard::{self, copy_tree, record_closed, sibling, store_files, sync_dir};
use super::{Result, Stamp, Store, StoreConfig, StoreError};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The manifest's file name inside a backup.
pub const MANIFEST: &str = "backup-manifest.toml";
/// A backup being written (or cut short) carries this after its name.
pub const PARTIAL: &str = ".partial";

const MANIFEST_FORMAT: u32 = 1;

/// What a backup holds, written inside it last. A small TOML file, so an administrator can
/// read it; `format` is its schema version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: u32,
    /// False while the copy is being written: such a folder is never a backup.
    pub complete: bool,
    /// When the copy was taken (China Standard Time).
    pub written_at: DateTime<FixedOffset>,
    /// The audit chain's entry count and newest hash at that moment: the backup's anchor.
    pub audit_entries: u64,
    pub audit_head: String,
    /// Every tree's record count.
    pub records: BTreeMap<String, u64>,
}

impl BackupManifest {
    pub fn to_toml(&self) -> String {
        // Serialising plain numbers, strings and a map of numbers cannot fail.
        toml::to_string(self).unwrap_or_default()
    }

    pub fn parse(text: &str) -> std::result::Result<BackupManifest, String> {
        let manifest: BackupManifest = toml::from_str(text).map_err(|e| e.to_string())?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(format!(
                "清单格式 {} 不被本程序支持（支持 {MANIFEST_FORMAT}），请升级程序",
                manifest.format
            ));
        }
        Ok(manifest)
    }

    /// The anchor the manifest stands for.
    pub fn head(&self) -> Option<AuditHead> {
        AuditHead::from_line(&format!("{} {}", self.audit_entries, self.audit_head))
    }
}

/// Where the anchor of a store directory comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnchorSource {
    /// A live store: the anchor file beside it, as found.
    File(Anchor),
    /// A complete backup: its manifest.
    Backup { manifest: BackupManifest },
    /// A folder that is (or was meant to be) a backup but is not complete: never verifies.
    IncompleteBackup { manifest: PathBuf, reason: String },
}

impl AnchorSource {
    /// The anchor the chain is checked against; an incomplete backup's is unreadable, so
    /// it fails every check that reads an anchor.
    pub fn into_anchor(self) -> Anchor {
        match self {
            AnchorSource::File(anchor) => anchor,
            AnchorSource::Backup { manifest } => match manifest.head() {
                Some(head) => Anchor::Found(head),
                None => Anchor::Unreadable {
                    where_: MANIFEST.into(),
                    detail: "备份清单中的审计哈希无法读取".into(),
                },
            },
            AnchorSource::IncompleteBackup { manifest, reason } => Anchor::Unreadable {
                where_: manifest.display().to_string(),
                detail: format!("{reason}，不能作为备份使用"),
            },
        }
    }
}

/// What a restore did.
#[derive(Clone, Debug)]
pub struct Restored {
    pub manifest: BackupManifest,
    /// Where the store that was in the way now is.
    pub moved_aside: Option<PathBuf>,
    /// The restored chain's length, the restore entry included.
    pub entries: u64,
}

fn backup_error(detail: String) -> StoreError {
    StoreError::Backup(detail)
}

fn io_failure(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    backup_error(format!("{what} {}：{e}", path.display()))
}

impl Store {
    /// The anchor for the store at `dir`: a backup's manifest when `dir` is a backup, else
    /// the anchor file beside it.
    pub fn anchor_for(dir: &Path) -> AnchorSource {
        let partial = dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(PARTIAL));
        let path = dir.join(MANIFEST);
        let incomplete = |reason: String| AnchorSource::IncompleteBackup {
            manifest: path.clone(),
            reason,
        };
        match fs::read_to_string(&path) {
            Ok(text) => match BackupManifest::parse(&text) {
                Ok(_) if partial => {
                    incomplete("这是写到一半的备份（目录名以 .partial 结尾）".into())
                }
                Ok(m) if !m.complete => incomplete("备份没有写完（清单未标记完成）".into()),
                Ok(m) if m.head().is_none() => incomplete("备份清单中的审计哈希无法读取".into()),
                Ok(manifest) => AnchorSource::Backup { manifest },
                Err(e) => incomplete(format!("备份清单无法读取：{e}")),
            },
            Err(_) if partial => incomplete("这是写到一半的备份（没有清单）".into()),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                incomplete(format!("备份清单无法读取：{e}"))
            }
            Err(_) => AnchorSource::File(Self::anchor_file(dir)),
        }
    }

    /// The verification of the chain against `source`, with what only a backup can show: an
    /// incomplete backup, and records that differ from what its manifest counted.
    pub(super) fn check_against(
        &self,
        source: &AnchorSource,
        mut found: super::audit::Verification,
    ) -> Result<super::audit::Verification> {
        if found.problem.is_some() {
            return Ok(found);
        }
        match source {
            AnchorSource::File(_) => {}
            AnchorSource::IncompleteBackup { reason, .. } => {
                found.problem = Some(format!("{reason}，不能作为备份使用"));
            }
            AnchorSource::Backup { manifest } => {
                if found.entries != manifest.audit_entries {
                    found.problem = Some(format!(
                        "备份清单记有 {} 条审计记录，备份中有 {} 条（备份写成后被改动）",
                        manifest.audit_entries, found.entries
                    ));
                    return Ok(found);
                }
                let counts = self.record_counts()?;
                for (tree, n) in &counts {
                    let listed = manifest.records.get(tree).copied().unwrap_or(0);
                    if listed != *n {
                        found.problem = Some(format!(
                            "备份中 {tree} 有 {n} 条记录，清单记有 {listed} 条（备份不完整或被改动）"
                        ));
                        return Ok(found);
                    }
                }
                if let Some((tree, _)) = manifest
                    .records
                    .iter()
                    .find(|(t, n)| **n > 0 && !counts.contains_key(t.as_str()))
                {
                    found.problem = Some(format!("备份中缺少 {tree}（清单中有）"));
                }
            }
        }
        Ok(found)
    }

    /// Every tree's record count, by name (sled's own default tree left out).
    fn record_counts(&self) -> Result<BTreeMap<String, u64>> {
        let mut out = BTreeMap::new();
        for name in self.db.tree_names() {
            if name.as_ref() == b"__sled__default" {
                continue;
            }
            let tree = self.db.open_tree(&name)?;
            out.insert(
                String::from_utf8_lossy(&name).into_owned(),
                tree.len() as u64,
            );
        }
        Ok(out)
    }

    /// Copies every tree into a new backup at `dest` (which must not exist yet): written
    /// under `<dest>.partial`, its manifest written last, then renamed to `dest`. The caller
    /// keeps writes out while it runs. Returns the copy's audit entry count.
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        if dest.exists() {
            return Err(backup_error(format!("备份目标 {} 已存在", dest.display())));
        }
        let tmp = sibling(dest, PARTIAL);
        // A partial of the same name is a backup of this same second that was cut short.
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| io_failure("无法清理未完成的备份", &tmp, e))?;
        }
        fs::create_dir_all(&tmp).map_err(|e| io_failure("无法建立备份目录", &tmp, e))?;
        self.flush()?;
        let head = self
            .meta
            .get::<AuditHead>(super::AUDIT_HEAD_KEY)?
            .unwrap_or_default();
        let mut manifest = BackupManifest {
            format: MANIFEST_FORMAT,
            complete: false,
            written_at: chrono::Utc::now().with_timezone(&cst()),
            audit_entries: head.seq,
            audit_head: head.hash.iter().map(|b| format!("{b:02x}")).collect(),
            records: self.record_counts()?,
        };
        // Written first too, so a folder cut short says so even if it loses its name.
        write_manifest(&tmp, &manifest)?;
        let copy = sled::Config::new()
            .path(&tmp)
            .create_new(true)
            .open()
            .map_err(|e| backup_error(format!("无法建立备份 {}：{e}", tmp.display())))?;
        copy.import(self.db.export());
        copy.flush()?;
        drop(copy);
        manifest.complete = true;
        write_manifest(&tmp, &manifest)?;
        // Written whole and closed: opening it later (to verify) needs no copy aside.
        record_closed(&tmp)?;
        fs::rename(&tmp, dest).map_err(|e| io_failure("无法完成备份", dest, e))?;
        if let Some(parent) = dest.parent() {
            sync_dir(parent).map_err(|e| io_failure("无法完成备份", dest, e))?;
        }
        Ok(head.seq)
    }

    /// Restores the backup at `backup` into `dir`: verifies it, moves a store already at
    /// `dir` aside when `replace` (refusing otherwise), puts the copy in place, appends the
    /// restore to the chain as `stamp`, and writes the anchor beside the restored store.
    /// The caller makes sure no server is using `dir`.
    pub fn restore(
        backup: &Path,
        dir: &Path,
        replace: bool,
        stamp: &Stamp,
        config: StoreConfig,
    ) -> Result<Restored> {
        let manifest = match Self::anchor_for(backup) {
            AnchorSource::Backup { manifest } => manifest,
            AnchorSource::IncompleteBackup { reason, .. } => {
                return Err(backup_error(format!(
                    "{}：{reason}，不能用于恢复",
                    backup.display()
                )));
            }
            AnchorSource::File { .. } => {
                return Err(backup_error(format!(
                    "{} 不是备份目录（其中没有 {MANIFEST}）",
                    backup.display()
                )));
            }
        };
        let occupied = fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
        if occupied && !replace {
            let what = if Self::exists(dir) {
                "已有数据库"
            } else {
                "不是空目录"
            };
            return Err(backup_error(format!(
                "{} {what}，没有恢复。要以备份替换它，请先停止服务，再加 --replace（原有内容会移到一旁，不会删除）",
                dir.display()
            )));
        }
        if occupied && Self::exists(dir) {
            open_guard::wait_unlocked(dir)?;
        }

        // The copy is made and checked beside `dir` first; `dir` is touched only after.
        let tmp = sibling(dir, ".restoring");
        if let Some(parent) = tmp.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| io_failure("无法建立数据目录", parent, e))?;
        }
        if tmp.exists() {
            fs::remove_dir_all(&tmp)
                .map_err(|e| io_failure("无法清理上次未完成的恢复", &tmp, e))?;
        }
        let files = store_files(backup).map_err(|e| io_failure("无法读取备份", backup, e))?;
        copy_tree(backup, &tmp, &files).map_err(|e| io_failure("无法复制备份", &tmp, e))?;
        record_closed(&tmp)?;
        {
            let copy = Store::open(&tmp, config)?;
            let check = copy.verify_audit()?;
            if let Some(problem) = check.problem {
                drop(copy);
                let _ = fs::remove_dir_all(&tmp);
                return Err(backup_error(format!(
                    "备份 {} 校验未通过：{problem}。没有恢复，原数据未动。",
                    backup.display()
                )));
            }
        }
        // From here on it is a store, not a backup: its anchor is the file beside it.
        fs::remove_file(tmp.join(MANIFEST))
            .map_err(|e| io_failure("无法整理恢复的副本", &tmp, e))?;
        record_closed(&tmp)?;

        let moved_aside = if occupied {
            let stamp_name = stamp.at.format("%Y%m%d-%H%M%S");
            let aside = sibling(dir, &format!(".replaced-{stamp_name}"));
            fs::rename(dir, &aside).map_err(|e| io_failure("无法把原数据库移到一旁", dir, e))?;
            let anchor = Self::anchor_path(dir);
            if anchor.exists() {
                fs::rename(&anchor, Self::anchor_path(&aside))
                    .map_err(|e| io_failure("无法把原审计锚点移到一旁", &anchor, e))?;
            }
            Some(aside)
        } else {
            if dir.exists() {
                fs::remove_dir(dir).map_err(|e| io_failure("无法使用数据目录", dir, e))?;
            }
            None
        };
        fs::rename(&tmp, dir).map_err(|e| io_failure("无法把恢复的数据库放到位", dir, e))?;
        if let Some(parent) = dir.parent() {
            sync_dir(parent).map_err(|e| io_failure("无法把恢复的数据库放到位", dir, e))?;
        }

        let store = Store::open(dir, config)?;
        let action = format!(
            "从备份恢复（{}, {} 条）",
            manifest.written_at.format("%Y-%m-%d %H:%M:%S"),
            manifest.audit_entries
        );
        // The anchor of the store moved aside is not this chain's: the restore entry is
        // written first, and the anchor made at it. A restore replaces every record, so
        // it moves the data sequence.
        let entries = store.audit_only_unanchored(
            super::Entry::ChangesData,
            stamp,
            &action,
            backup.display().to_string(),
        )?;
        store.anchor_at_head()?;
        Ok(Restored {
            manifest,
            moved_aside,
            entries,
        })
    }
}

/// China Standard Time, as the manifest's time is read in a service hall.
fn cst() -> FixedOffset {
    use chrono::Offset;
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| chrono::Utc.fix())
}

fn write_manifest(dir: &Path, manifest: &BackupManifest) -> Result<()> {
    open_guard::write_synced(dir, MANIFEST, manifest.to_toml().as_bytes())
        .map_err(|e| io_failure("无法写入备份清单", &dir.join(MANIFEST), e))
}
