//! 第(十四)条 全过程监管: an append-only trail, one numbered entry per change — who, when,
//! what (each record's bytes before and after) — each holding the hash of the entry before
//! it, so an altered, inserted or removed entry breaks the chain.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub prev_hash: [u8; 32],
    /// Real time (China Standard Time), never the `--today` of a demo.
    pub at: DateTime<FixedOffset>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub changes: Vec<Change>,
    /// A bulk write (a demo chunk, an upgrade, an import): the hash of every record it
    /// wrote, instead of each record's bytes, so `check` can still tell a record written
    /// by the program from one changed behind its back.
    pub bulk: Vec<BulkTree>,
}

/// The records one bulk write put into one tree: each key with the SHA-256 of the bytes
/// stored under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkTree {
    pub tree: String,
    pub records: Vec<(Vec<u8>, [u8; 32])>,
}

/// Version 1 of [`AuditEntry`], before bulk writes carried their records' hashes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryV1 {
    pub seq: u64,
    pub prev_hash: [u8; 32],
    pub at: DateTime<FixedOffset>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub changes: Vec<Change>,
}

impl From<AuditEntryV1> for AuditEntry {
    fn from(v1: AuditEntryV1) -> Self {
        AuditEntry {
            seq: v1.seq,
            prev_hash: v1.prev_hash,
            at: v1.at,
            actor: v1.actor,
            action: v1.action,
            target: v1.target,
            changes: v1.changes,
            bulk: Vec::new(),
        }
    }
}

/// The SHA-256 of a stored value, as a bulk entry records it.
pub fn hash_record(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// One record's bytes (as stored, enveloped) before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub tree: String,
    pub key: Vec<u8>,
    pub old: Option<Vec<u8>>,
    pub new: Option<Vec<u8>>,
}

/// The newest entry's number and hash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: [u8; 32],
}

pub fn hash_entry(encoded: &[u8]) -> [u8; 32] {
    Sha256::digest(encoded).into()
}

/// What `audit verify` found: the entries that check out, and the first problem, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub entries: u64,
    pub head: AuditHead,
    pub problem: Option<String>,
    /// Not damage, but worth saying (an anchor that lags behind the chain).
    pub warnings: Vec<String>,
}

/// The anchor kept outside the store, as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// No anchor where it should be (`where_` says where that is).
    Missing {
        where_: String,
    },
    /// A file that is not an anchor line.
    Unreadable {
        where_: String,
        detail: String,
    },
    Found(AuditHead),
}

/// How many entries an anchor may lag before `verify` says so: each commit writes the
/// anchor after its flush, so a crash between the two leaves it one write behind.
pub const ANCHOR_SLACK: u64 = 1;

/// Walks the chain in order. `entries` are (key, stored bytes) in key order; `head` is the
/// store's own record of the newest entry; `anchor` is the one kept outside the store, which
/// alone can reveal a tail cut off together with a rewritten head. Each entry that decodes
/// is shown to `each`, so a caller can learn from the chain in the same pass.
pub fn verify_chain(
    entries: impl IntoIterator<Item = (u64, Vec<u8>)>,
    head: &AuditHead,
    anchor: &Anchor,
    mut each: impl FnMut(&AuditEntry),
) -> Verification {
    let mut expected = 1u64;
    let mut prev = [0u8; 32];
    let mut anchor_hash: Option<[u8; 32]> = None;
    let anchor_seq = match anchor {
        Anchor::Found(a) => Some(a.seq),
        _ => None,
    };
    let fail = |n: u64, h: &[u8; 32], problem: String| Verification {
        entries: n,
        head: AuditHead { seq: n, hash: *h },
        problem: Some(problem),
        warnings: Vec::new(),
    };
    for (key, bytes) in entries {
        if key != expected {
            let what = if key > expected {
                format!("第 {expected} 条审计记录缺失（被删除）")
            } else {
                format!("第 {key} 条审计记录重复（被插入）")
            };
            return fail(expected - 1, &prev, what);
        }
        let entry: AuditEntry = match super::codec::decode(&bytes) {
            Ok(e) => e,
            Err(e) => {
                return fail(
                    expected - 1,
                    &prev,
                    format!("第 {key} 条审计记录无法读取：{e}"),
                );
            }
        };
        if entry.seq != key {
            return fail(
                expected - 1,
                &prev,
                format!("第 {key} 条审计记录的编号被改为 {}", entry.seq),
            );
        }
        if entry.prev_hash != prev {
            let altered = key.saturating_sub(1);
            return fail(
                altered.saturating_sub(1),
                &prev,
                format!("第 {altered} 条审计记录被改动（与第 {key} 条所记哈希不符）"),
            );
        }
        each(&entry);
        prev = hash_entry(&bytes);
        if anchor_seq == Some(key) {
            anchor_hash = Some(prev);
        }
        expected += 1;
    }
    let count = expected - 1;
    let ok = |problem: Option<String>, warnings: Vec<String>| Verification {
        entries: count,
        head: AuditHead {
            seq: count,
            hash: prev,
        },
        problem,
        warnings,
    };
    if head.seq != count || head.hash != prev {
        return ok(
            Some(if head.seq > count {
                format!("审计记录被截断：库内记有 {} 条，实有 {count} 条", head.seq)
            } else {
                format!("第 {count} 条（最后一条）审计记录被改动或替换")
            }),
            Vec::new(),
        );
    }
    match anchor {
        // An empty chain has nothing to anchor: a store just made, before its first write.
        _ if count == 0 && !matches!(anchor, Anchor::Found(a) if a.seq > 0) => ok(None, Vec::new()),
        Anchor::Missing { where_ } => ok(
            Some(format!(
                "审计锚点缺失（{where_}）：无法确认审计记录未被截断。若锚点确已丢失，请管理员核实后运行 yuanzhu audit re-anchor --reason \"…\""
            )),
            Vec::new(),
        ),
        Anchor::Unreadable { where_, detail } => ok(
            Some(format!("审计锚点无法读取（{where_}：{detail}）")),
            Vec::new(),
        ),
        Anchor::Found(a) if a.seq > count => ok(
            Some(format!(
                "审计锚点不符，审计记录被截断：库外锚点记有 {} 条，库内只有 {count} 条",
                a.seq
            )),
            Vec::new(),
        ),
        Anchor::Found(a) if a.seq == 0 || anchor_hash != Some(a.hash) => ok(
            Some(format!(
                "审计锚点不符：第 {} 条审计记录与库外锚点所记哈希不同",
                a.seq
            )),
            Vec::new(),
        ),
        Anchor::Found(a) if count - a.seq > ANCHOR_SLACK => ok(
            None,
            vec![format!(
                "审计锚点落后：锚点记到第 {} 条，审计链已有 {count} 条（锚点写入曾失败，或数据库在锚点之外被使用过）",
                a.seq
            )],
        ),
        Anchor::Found(_) => ok(None, Vec::new()),
    }
}

impl AuditHead {
    /// The anchor file's one line: `seq hash-in-hex`.
    pub fn to_line(&self) -> String {
        let hex: String = self.hash.iter().map(|b| format!("{b:02x}")).collect();
        format!("{} {hex}\n", self.seq)
    }

    pub fn from_line(line: &str) -> Option<AuditHead> {
        let (seq, hex) = line.trim().split_once(' ')?;
        let seq = seq.parse().ok()?;
        if hex.len() != 64 {
            return None;
        }
        let mut hash = [0u8; 32];
        for (i, b) in hash.iter_mut().enumerate() {
            *b = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(AuditHead { seq, hash })
    }
}
