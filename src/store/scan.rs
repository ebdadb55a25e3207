//! Trees read from a key on, one record at a time: what a paged export walks, so a page
//! costs the records it passes, never the whole county. Not here: which records a page
//! keeps (the service decides) or any index of them.

use super::audit::AuditEntry;
use super::codec::Versioned;
use super::table::{Handle, Holds};
use super::{Result, Store};
use crate::domain::FollowUp;
use crate::domain::lead::Lead;
use crate::domain::ledger::Ledger;

/// Records in key order from a key on (inclusive), each with its key.
pub type Scan<'a, V> = Box<dyn Iterator<Item = Result<(Vec<u8>, V)>> + 'a>;

impl<T> Handle<T> {
    fn scan_from<'a, V: Versioned + 'a>(&'a self, from: &[u8]) -> Scan<'a, V>
    where
        T: Holds<V>,
    {
        Box::new(self.tree.range(from.to_vec()..).map(move |kv| {
            let (k, v) = kv?;
            let record = self.table.decode(&k, &v)?;
            Ok((k.to_vec(), record))
        }))
    }
}

impl Store {
    /// Ledgers (keyed by person) from `from` on.
    pub fn ledgers_from(&self, from: &[u8]) -> Scan<'_, Ledger> {
        self.ledgers.scan_from(from)
    }

    /// Follow-ups (keyed by case, then follow-up) from `from` on.
    pub fn followups_from(&self, from: &[u8]) -> Scan<'_, FollowUp> {
        self.followups.scan_from(from)
    }

    /// Leads (keyed by source and ID number) from `from` on.
    pub fn leads_from(&self, from: &[u8]) -> Scan<'_, Lead> {
        self.leads.scan_from(from)
    }

    /// Audit entries (keyed by their number, big-endian) from `from` on.
    pub fn audit_from(&self, from: &[u8]) -> Scan<'_, AuditEntry> {
        self.audit.scan_from(from)
    }

    /// Records in the tree a scan walks (`ledgers`, `followups`, `leads`, `audit`): what a
    /// progress bar counts against. Walks the keys once, decodes nothing.
    pub fn records_in(&self, tree: ScanTree) -> u64 {
        let tree = match tree {
            ScanTree::Ledgers => &self.ledgers.tree,
            ScanTree::FollowUps => &self.followups.tree,
            ScanTree::Leads => &self.leads.tree,
            ScanTree::Audit => &self.audit.tree,
        };
        tree.len() as u64
    }
}

/// The trees [`Store::records_in`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanTree {
    Ledgers,
    FollowUps,
    Leads,
    Audit,
}
