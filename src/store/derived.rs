//! A derived tree (an index or counters made from the records) written again whole: what
//! the records say it should hold replaces what it holds, in one batch, vouched for by an
//! audit entry holding each record's hash. While the audit anchor is at fault the store
//! takes no entries, and the tree is only flushed: it is derived, so `check` judges it
//! against the records either way.

use super::audit::{BulkTree, hash_record};
use super::{Entry, Result, Stamp, Store};
use std::collections::BTreeMap;

impl Store {
    pub(crate) fn replace_derived(
        &self,
        (tree, name): (&sled::Tree, &str),
        records: &BTreeMap<Vec<u8>, Vec<u8>>,
        stamp: &Stamp,
        (action, target): (&str, String),
    ) -> Result<()> {
        let mut batch = sled::Batch::default();
        for kv in tree.iter() {
            let (k, _) = kv?;
            if !records.contains_key(k.as_ref()) {
                batch.remove(k);
            }
        }
        let mut hashes = Vec::with_capacity(records.len());
        for (k, v) in records {
            hashes.push((k.clone(), hash_record(v)));
            batch.insert(k.as_slice(), v.as_slice());
        }
        tree.apply_batch(batch)?;
        if self.anchor_fault().is_none() {
            let bulk = BulkTree {
                tree: name.to_string(),
                records: hashes,
            };
            self.audit_bulk(
                Entry::AuditOnly,
                stamp,
                action,
                target,
                Vec::new(),
                vec![bulk],
            )?;
        } else {
            self.flush()?;
        }
        Ok(())
    }
}
