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

/// What `check` found in a derived tree: how many records it holds, what disagrees with
/// the records it is derived from, and what is only worth saying (not built yet, built by
/// an older program and rebuilt on the next open).
pub(crate) struct DerivedCheck {
    pub count: u64,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

/// How a derived tree's disagreements are said: a key in words, and what a record that
/// should not be there and one that differs are told.
pub(crate) struct Wording {
    pub label: fn(&[u8]) -> String,
    pub stray: &'static str,
    pub differs: &'static str,
}

impl DerivedCheck {
    pub(crate) fn of(tree: &sled::Tree) -> Self {
        Self {
            count: tree.len() as u64,
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The tree's records (those `compared` accepts the key of) against `expected`,
    /// record by record: one there that should not be, one that differs, one missing.
    pub(crate) fn compare(
        &mut self,
        tree: &sled::Tree,
        compared: impl Fn(&[u8]) -> bool,
        mut expected: BTreeMap<Vec<u8>, Vec<u8>>,
        words: &Wording,
    ) -> Result<()> {
        let label = words.label;
        for kv in tree.iter() {
            let (k, v) = kv?;
            if !compared(&k) {
                continue;
            }
            match expected.remove(k.as_ref()) {
                None => self.problems.push(format!("{} {}", label(&k), words.stray)),
                Some(want) if want != v.as_ref() => {
                    self.problems
                        .push(format!("{} {}", label(&k), words.differs))
                }
                Some(_) => {}
            }
        }
        for k in expected.keys() {
            self.problems.push(format!("{} 缺失", label(k)));
        }
        Ok(())
    }
}
