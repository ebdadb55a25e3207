//! The audit anchor: the newest entry's number and hash, kept in a file beside (not inside)
//! the store, so a tail of the chain cut off together with a rewritten head is still found.
//!
//! The anchor is guarded, never re-created silently: it moves on only from a position that
//! agrees with the chain. A missing anchor (once the chain has entries), one ahead of the
//! chain, or one whose hash differs from the chain's entry at its number fails `audit
//! verify` and `check`, and holds the store read-only until an administrator runs `yuanzhu
//! audit re-anchor --reason "…"`, which is itself an audit entry.

use super::audit::{self, Anchor, AuditEntry, AuditHead, Verification, hash_entry};
use super::{AUDIT_HEAD_KEY, Result, Stamp, Store, StoreError};
use std::path::{Path, PathBuf};

/// What this process knows of the anchor.
#[derive(Debug, Default)]
pub(super) struct AnchorState {
    /// The head number this process last wrote to the anchor file.
    written: u64,
    /// Why the anchor may not be moved on, once found.
    fault: Option<String>,
}

/// How many of the newest entries `serve` reads at start.
const NEWEST: u64 = 64;

/// What `serve` learned at start: the store opens, but may have to stay read-only.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Startup {
    pub entries: u64,
    /// Set when the anchor is missing or disagrees: the store takes no writes until an
    /// administrator re-anchors.
    pub anchor_fault: Option<String>,
}

impl Store {
    /// The audit anchor kept beside (not inside) the store directory: `<dir>.audit-anchor`.
    pub fn anchor_path(dir: &Path) -> PathBuf {
        let mut name = dir.file_name().unwrap_or_default().to_os_string();
        name.push(".audit-anchor");
        dir.with_file_name(name)
    }

    /// The anchor of this store: a backup's manifest when it is a backup
    /// ([`Store::anchor_for`]), else the file beside it.
    pub fn read_anchor(&self) -> Anchor {
        Self::anchor_for(&self.dir).into_anchor()
    }

    /// The anchor file beside the store at `dir`, as found.
    pub(super) fn anchor_file(dir: &Path) -> Anchor {
        let path = Self::anchor_path(dir);
        let where_ = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Anchor::Missing { where_ },
            Err(e) => Anchor::Unreadable {
                where_,
                detail: super::io_error::io_message(&e),
            },
            Ok(line) => match AuditHead::from_line(&line) {
                Some(head) => Anchor::Found(head),
                None => Anchor::Unreadable {
                    where_,
                    detail: "不是“条数 哈希”格式".into(),
                },
            },
        }
    }

    pub(super) fn head(&self) -> Result<AuditHead> {
        Ok(self
            .meta
            .get::<AuditHead>(AUDIT_HEAD_KEY)?
            .unwrap_or_default())
    }

    /// The hash of the entry numbered `seq`, as stored.
    fn entry_hash(&self, seq: u64) -> Result<Option<[u8; 32]>> {
        Ok(self
            .audit
            .tree
            .get(seq.to_be_bytes())?
            .map(|b| hash_entry(&b)))
    }

    /// Why the anchor disagrees with the chain's head `head`, if it does.
    fn anchor_problem(&self, anchor: &Anchor, head: &AuditHead) -> Result<Option<String>> {
        Ok(match anchor {
            Anchor::Missing { where_ } if head.seq > 0 => Some(format!("审计锚点缺失（{where_}）")),
            Anchor::Missing { .. } => None,
            Anchor::Unreadable { where_, detail } => {
                Some(format!("审计锚点无法读取（{where_}：{detail}）"))
            }
            Anchor::Found(a) if a.seq > head.seq => Some(format!(
                "审计锚点不符：锚点记有 {} 条，审计链只有 {} 条",
                a.seq, head.seq
            )),
            Anchor::Found(a) if a.seq == 0 && head.seq == 0 => None,
            Anchor::Found(a) if self.entry_hash(a.seq)? != Some(a.hash) => Some(format!(
                "审计锚点不符：第 {} 条审计记录与锚点所记哈希不同",
                a.seq
            )),
            Anchor::Found(_) => None,
        })
    }

    /// Checks the anchor against the chain's head (a few reads, not a walk); a fault holds
    /// the store read-only. Returns the fault, if any.
    pub fn check_anchor(&self) -> Result<Option<String>> {
        let mut state = self.anchor.lock().unwrap_or_else(|p| p.into_inner());
        let head = self.head()?;
        let problem = self.anchor_problem(&self.read_anchor(), &head)?;
        if problem.is_some() {
            state.fault = problem.clone();
        }
        Ok(problem)
    }

    /// Why the store takes no writes now, if it does not.
    pub fn anchor_fault(&self) -> Option<String> {
        let state = self.anchor.lock().unwrap_or_else(|p| p.into_inner());
        state.fault.clone()
    }

    /// Moves the anchor on to the newest entry, synced to disk — only from a position that
    /// agrees with the chain. A missing or disagreeing anchor is left as found, and the
    /// store is held read-only.
    pub fn write_anchor(&self) -> Result<()> {
        let head = self.head()?;
        self.write_anchor_at(head)
    }

    /// [`Store::write_anchor`] to `head`, a head known to be on disk (read before the
    /// flush that made it durable): never to one read after, which may not be.
    pub(super) fn write_anchor_at(&self, head: AuditHead) -> Result<()> {
        // Batches' leaders anchor side by side: one writer at a time, and never backwards.
        let mut state = self.anchor.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(fault) = &state.fault {
            return Err(StoreError::Anchor(fault.clone()));
        }
        if state.written >= head.seq && state.written != 0 {
            return Ok(());
        }
        let anchor = self.read_anchor();
        let problem = match anchor {
            // The first entry of a new store has no anchor before it.
            Anchor::Missing { .. } if head.seq <= 1 && state.written == 0 => None,
            Anchor::Missing { where_ } => Some(format!("审计锚点缺失（{where_}）")),
            found => self.anchor_problem(&found, &head)?,
        };
        if let Some(problem) = problem {
            state.fault = Some(problem.clone());
            return Err(StoreError::Anchor(problem));
        }
        self.put_anchor_file(&head)?;
        state.written = head.seq;
        Ok(())
    }

    /// Writes the anchor at the chain's head whatever the file held: only for a store this
    /// process has just made whole (a backup's copy, a restore), never for a live store.
    pub(super) fn anchor_at_head(&self) -> Result<()> {
        let mut state = self.anchor.lock().unwrap_or_else(|p| p.into_inner());
        let head = self.head()?;
        self.put_anchor_file(&head)?;
        state.written = head.seq;
        state.fault = None;
        Ok(())
    }

    fn put_anchor_file(&self, head: &AuditHead) -> Result<()> {
        let path = Self::anchor_path(&self.dir);
        let tmp = path.with_extension("tmp");
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            std::io::Write::write_all(&mut f, head.to_line().as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| StoreError::Open {
            path: path.clone(),
            detail: format!("审计锚点写入失败：{e}"),
        })
    }

    /// `audit re-anchor`: an administrator's decision, with a reason, that the chain as it
    /// stands is the record. Refused when the chain itself is broken (that is damage to
    /// find, not an anchor to move). The decision is an audit entry, and the anchor is
    /// written at it.
    pub fn re_anchor(&self, stamp: &Stamp, reason: &str) -> Result<u64> {
        let head = self.head()?;
        let chain = self.walk_audit_against(&Anchor::Found(head.clone()), &mut |_| {})?;
        if let Some(problem) = chain.problem {
            return Err(StoreError::Anchor(format!(
                "审计链本身有误（{problem}），不能重新确立锚点；请先查明原因并从备份恢复"
            )));
        }
        let before = match self.read_anchor() {
            Anchor::Missing { .. } => "原锚点缺失".to_string(),
            Anchor::Unreadable { detail, .. } => format!("原锚点无法读取：{detail}"),
            Anchor::Found(a) => format!("原锚点记到第 {} 条", a.seq),
        };
        let mut state = self.anchor.lock().unwrap_or_else(|p| p.into_inner());
        let target = format!("{reason}（{before}，审计链 {} 条）", head.seq);
        let seq =
            self.audit_only_unanchored(super::Entry::AuditOnly, stamp, "重新确立审计锚点", target)?;
        let head = self.head()?;
        self.put_anchor_file(&head)?;
        state.written = head.seq;
        state.fault = None;
        Ok(seq)
    }

    /// Checks the whole audit chain against the store's head and the anchor; on a backup,
    /// also its records against the counts of its manifest.
    pub fn verify_audit(&self) -> Result<Verification> {
        let found = self.walk_audit(&mut |_| {})?;
        self.check_against(&Self::anchor_for(&self.dir), found)
    }

    /// [`Store::verify_audit`], showing each sound entry to `each` on the way.
    pub(super) fn walk_audit(&self, each: &mut dyn FnMut(&AuditEntry)) -> Result<Verification> {
        self.walk_audit_against(&self.read_anchor(), each)
    }

    fn walk_audit_against(
        &self,
        anchor: &Anchor,
        each: &mut dyn FnMut(&AuditEntry),
    ) -> Result<Verification> {
        let head = self.head()?;
        let mut failed: Option<sled::Error> = None;
        let entries = self.audit.iter().map_while(|kv| match kv {
            Ok((k, v)) => {
                let key = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
                Some((key, v.to_vec()))
            }
            Err(e) => {
                failed = Some(e);
                None
            }
        });
        let verification = audit::verify_chain(entries, &head, anchor, each);
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(verification),
        }
    }

    /// What `serve` reads before it answers anyone (well under a second at any size): the
    /// county record, every account, the chain's head and its newest entries, and the
    /// anchor. A record among those that does not decode, or a break in the newest
    /// entries, is an error to stop on; an anchor that disagrees makes the store read-only.
    pub fn startup_check(&self) -> Result<Startup> {
        self.county()?;
        self.accounts()?;
        let head = self.head()?;
        let from = head.seq.saturating_sub(NEWEST - 1).max(1);
        let mut prev: Option<[u8; 32]> = None;
        let mut last = 0;
        for kv in self.audit.range(from.to_be_bytes()..) {
            let (k, v) = kv?;
            let entry: AuditEntry = self.audit.table.decode(&k, &v)?;
            let broken = |what: String| {
                StoreError::Anchor(format!(
                    "审计链末尾有误：{what}。请运行 yuanzhu check 查明，并从备份恢复（yuanzhu restore）"
                ))
            };
            if entry.seq != last + 1 && last != 0 || entry.seq < from {
                return Err(broken(format!("第 {} 条之后是第 {} 条", last, entry.seq)));
            }
            if let Some(p) = prev
                && p != entry.prev_hash
            {
                return Err(broken(format!("第 {} 条与其前一条的哈希不符", entry.seq)));
            }
            prev = Some(hash_entry(&v));
            last = entry.seq;
        }
        if last != head.seq || (head.seq > 0 && prev != Some(head.hash)) {
            return Err(StoreError::Anchor(format!(
                "审计链的末条（第 {last} 条）与库内记录的末条（第 {} 条）不符。请运行 yuanzhu check 查明，并从备份恢复（yuanzhu restore）",
                head.seq
            )));
        }
        Ok(Startup {
            entries: head.seq,
            anchor_fault: self.check_anchor()?,
        })
    }
}
