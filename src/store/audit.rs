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
}

/// Walks the chain in order. `entries` are (key, stored bytes) in key order; `head` is the
/// store's own record of the newest entry; `anchor` is the one kept outside the store, which
/// alone can reveal a tail cut off together with a rewritten head.
pub fn verify_chain(
    entries: impl IntoIterator<Item = (u64, Vec<u8>)>,
    head: &AuditHead,
    anchor: Option<&AuditHead>,
) -> Verification {
    let mut expected = 1u64;
    let mut prev = [0u8; 32];
    let mut hashes: Vec<[u8; 32]> = Vec::new();
    let fail = |n: u64, h: &[u8; 32], problem: String| Verification {
        entries: n,
        head: AuditHead { seq: n, hash: *h },
        problem: Some(problem),
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
        prev = hash_entry(&bytes);
        hashes.push(prev);
        expected += 1;
    }
    let count = expected - 1;
    let ok = |problem: Option<String>| Verification {
        entries: count,
        head: AuditHead {
            seq: count,
            hash: prev,
        },
        problem,
    };
    if head.seq != count || head.hash != prev {
        return ok(Some(if head.seq > count {
            format!("审计记录被截断：库内记有 {} 条，实有 {count} 条", head.seq)
        } else {
            format!("第 {count} 条（最后一条）审计记录被改动或替换")
        }));
    }
    if let Some(anchor) = anchor {
        if anchor.seq > count {
            return ok(Some(format!(
                "审计记录被截断：库外锚点记有 {} 条，库内只有 {count} 条",
                anchor.seq
            )));
        }
        let at = usize::try_from(anchor.seq)
            .ok()
            .and_then(|i| i.checked_sub(1));
        if at
            .and_then(|i| hashes.get(i))
            .is_some_and(|h| *h != anchor.hash)
        {
            return ok(Some(format!("第 {} 条审计记录与库外锚点不符", anchor.seq)));
        }
    }
    ok(None)
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
