//! Reviewers' dispositions of 监督 findings (第(十四)条), by the finding's key: each write
//! one transaction with its audit entry, flushed, read at the version the reviewer saw.

use super::table::{AUDIT, DISPOSITIONS, META};
use super::{Result, Stamp, Store, StoreError, abort, append_audit, unwrap_tx};
use crate::domain::supervise::disposition::FindingDisposition;
use sled::Transactional;

impl Store {
    /// The disposition of the finding with this key, if any.
    pub fn disposition(&self, key: &str) -> Result<Option<FindingDisposition>> {
        self.dispositions.get(key.as_bytes())
    }

    /// Saves a disposition: the first when `expected_rev` is 0, else over the version
    /// `expected_rev` (a conflict otherwise). Returns it as saved, with its new version.
    pub fn save_disposition(
        &self,
        stamp: &Stamp,
        disposition: &FindingDisposition,
        expected_rev: u64,
    ) -> Result<FindingDisposition> {
        let key = disposition.key.as_bytes();
        let trees = (&self.meta.tree, &self.audit.tree, &self.dispositions.tree);
        let saved = unwrap_tx(trees.transaction(|(meta, audit, dispositions)| {
            let (meta, audit, table) = (
                META.on(meta),
                AUDIT.on(audit),
                DISPOSITIONS.on(dispositions),
            );
            let stored: Option<(FindingDisposition, Vec<u8>)> = table.get(key)?;
            let found = stored.as_ref().map_or(0, |(d, _)| d.rev);
            if found != expected_rev {
                return abort(StoreError::Conflict {
                    expected: expected_rev,
                    found,
                });
            }
            let mut new = disposition.clone();
            new.rev = found + 1;
            let change = table.put(key, &new, stored.map(|(_, bytes)| bytes))?;
            let target = format!("{} {}", new.key, new.verdict.label());
            append_audit(&meta, &audit, stamp, "处置监督发现", target, vec![change])?;
            Ok(new)
        }))?;
        self.commit()?;
        Ok(saved)
    }
}
