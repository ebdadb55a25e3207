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
