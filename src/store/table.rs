//! The store's trees, each named once with the type of record it holds: a [`Table`]
//! constant is the tree's name on disk and its record type, and everything that reads,
//! writes or audits a record goes through one, so a record is decoded as what its tree
//! holds and an audit change always names the tree it was written to. The names are the
//! on-disk format: changing one loses the tree.
//!
//! Not here: what the records mean (domain) or which writes go together ([`super::Store`]).

use super::audit::{AuditEntry, AuditHead, BulkTree, Change, hash_record};
use super::codec::{CodecError, Versioned, decode, encode};
use super::leads::ImportMarker;
use super::records::{County, DataSeq};
use super::{Result, StoreError, TxResult, abort};
use crate::domain::followup_form::FollowUpDraft;
use crate::domain::intake::IntakeDraft;
use crate::domain::lead::Lead;
use crate::domain::ledger::Ledger;
use crate::domain::{Account, AssistanceCase, CaseSummary, FollowUp, Household, Person};
use sled::transaction::TransactionalTree;
use std::marker::PhantomData;

/// A tree by name, holding records of type `T` (or, for a tree of mixed records, a marker
/// type that says which records it [`Holds`]).
pub(crate) struct Table<T> {
    name: &'static str,
    record: PhantomData<fn() -> T>,
}

impl<T> Clone for Table<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Table<T> {}

impl<T> Table<T> {
    pub(crate) const fn new(name: &'static str) -> Self {
        Table {
            name,
            record: PhantomData,
        }
    }

    /// The tree's name on disk, as audit entries and messages name it.
    pub(crate) const fn name(self) -> &'static str {
        self.name
    }

    /// Opens this table's tree in `db`.
    pub(crate) fn open(self, db: &sled::Db) -> sled::Result<Handle<T>> {
        Ok(Handle {
            table: self,
            tree: db.open_tree(self.name)?,
        })
    }

    /// This table's tree inside a transaction.
    pub(crate) fn on(self, tree: &TransactionalTree) -> TxTable<'_, T> {
        TxTable { table: self, tree }
    }

    /// One record's bytes before and after, under this table's name.
    pub(crate) fn change(self, key: &[u8], old: Option<Vec<u8>>, new: Option<Vec<u8>>) -> Change {
        Change {
            tree: self.name.to_string(),
            key: key.to_vec(),
            old,
            new,
        }
    }

    /// The error of a record of this table that does not decode.
    pub(crate) fn corrupt(self, key: &[u8], source: CodecError) -> StoreError {
        StoreError::Corrupt {
            tree: self.name,
            key: hex(key),
            source,
        }
    }

    /// Decodes a record read from this table.
    pub(crate) fn decode<V: Versioned>(self, key: &[u8], bytes: &[u8]) -> Result<V>
    where
        T: Holds<V>,
    {
        decode(bytes).map_err(|e| self.corrupt(key, e))
    }
}

/// The record types a table's tree holds: its own record type, or, for a tree of mixed
/// records (the store's own records, the drafts), each of them.
pub(crate) trait Holds<V> {}

impl<V: Versioned> Holds<V> for V {}

/// The store's own records: the county, the audit head, the data sequence.
pub(crate) enum Meta {}
impl Holds<County> for Meta {}
impl Holds<AuditHead> for Meta {}
impl Holds<DataSeq> for Meta {}
impl Holds<super::QueueLogEntry> for Meta {}

/// Unsaved forms, per account: follow-up drafts and the counter's intake draft.
pub(crate) enum Drafts {}
impl Holds<FollowUpDraft> for Drafts {}
impl Holds<IntakeDraft> for Drafts {}

/// ID number → the person's key (bare bytes, no envelope).
pub(crate) enum IdNumbers {}

/// Household key and case key, with no value: a household's cases.
pub(crate) enum HouseholdCases {}

pub(crate) const META: Table<Meta> = Table::new("meta");
pub(crate) const PERSONS: Table<Person> = Table::new("persons");
pub(crate) const HOUSEHOLDS: Table<Household> = Table::new("households");
pub(crate) const CASES: Table<AssistanceCase> = Table::new("cases");
pub(crate) const SUMMARIES: Table<CaseSummary> = Table::new("summaries");
pub(crate) const FOLLOWUPS: Table<FollowUp> = Table::new("followups");
pub(crate) const HOUSEHOLD_CASES: Table<HouseholdCases> = Table::new("household_cases");
pub(crate) const ID_NUMBERS: Table<IdNumbers> = Table::new("id_numbers");
pub(crate) const DRAFTS: Table<Drafts> = Table::new("drafts");
pub(crate) const ACCOUNTS: Table<Account> = Table::new("accounts");
pub(crate) const AUDIT: Table<AuditEntry> = Table::new("audit");
pub(crate) const LEDGERS: Table<Ledger> = Table::new("ledgers");
pub(crate) const LEADS: Table<Lead> = Table::new("leads");
/// 监督 findings' dispositions, by the finding's key.
pub(crate) const DISPOSITIONS: Table<crate::domain::supervise::disposition::FindingDisposition> =
    Table::new("supervise_dispositions");
/// Leads of an import not yet made visible, keyed by the import's id and the lead's key.
pub(crate) const LEAD_STAGING: Table<Lead> = Table::new("lead_staging");
pub(crate) const IMPORTS: Table<ImportMarker> = Table::new("imports");
/// A lead's number → its key in `leads` (bare bytes, no envelope).
pub(crate) const LEAD_IDS: Table<LeadIds> = Table::new("lead_ids");

/// Lead number → lead key.
pub(crate) enum LeadIds {}

/// A table's open tree: reads decode as what the table holds, and name it when they fail.
pub(crate) struct Handle<T> {
    pub(crate) table: Table<T>,
    pub(crate) tree: sled::Tree,
}

impl<T> std::ops::Deref for Handle<T> {
    type Target = sled::Tree;

    fn deref(&self) -> &sled::Tree {
        &self.tree
    }
}

impl<T> Handle<T> {
    pub(crate) fn get<V: Versioned>(&self, key: &[u8]) -> Result<Option<V>>
    where
        T: Holds<V>,
    {
        match self.tree.get(key)? {
            None => Ok(None),
            Some(bytes) => self.table.decode(key, &bytes).map(Some),
        }
    }

    /// Writes a record that is working state, never audited (a draft).
    pub(crate) fn put_unaudited<V: Versioned>(&self, key: &[u8], value: &V) -> Result<()>
    where
        T: Holds<V>,
    {
        self.tree.insert(key, encode(value))?;
        Ok(())
    }

    /// Every record, in key order, decoded.
    pub(crate) fn all<V: Versioned>(&self) -> Result<Vec<V>>
    where
        T: Holds<V>,
    {
        self.decode_each(self.tree.iter())
    }

    /// The records whose keys start with `prefix`, in key order, decoded.
    pub(crate) fn with_prefix<V: Versioned>(&self, prefix: &[u8]) -> Result<Vec<V>>
    where
        T: Holds<V>,
    {
        self.decode_each(self.tree.scan_prefix(prefix))
    }

    /// The records from key `from` on, in key order, decoded.
    pub(crate) fn starting_at<V: Versioned>(&self, from: &[u8]) -> Result<Vec<V>>
    where
        T: Holds<V>,
    {
        self.decode_each(self.tree.range(from..))
    }

    fn decode_each<V: Versioned>(
        &self,
        entries: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>,
    ) -> Result<Vec<V>>
    where
        T: Holds<V>,
    {
        let mut out = Vec::new();
        for kv in entries {
            let (k, v) = kv?;
            out.push(self.table.decode(&k, &v)?);
        }
        Ok(out)
    }
}

/// A table's tree inside a transaction: reads that decode as the table's records, and
/// writes that return their audit change under the table's own name.
pub(crate) struct TxTable<'t, T> {
    table: Table<T>,
    tree: &'t TransactionalTree,
}

impl<T> TxTable<'_, T> {
    /// The record under `key` and the bytes it was read from.
    pub(crate) fn get<V: Versioned>(&self, key: &[u8]) -> TxResult<Option<(V, Vec<u8>)>>
    where
        T: Holds<V>,
    {
        match self.tree.get(key)? {
            None => Ok(None),
            Some(bytes) => match decode(&bytes) {
                Ok(v) => Ok(Some((v, bytes.to_vec()))),
                Err(e) => abort(self.table.corrupt(key, e)),
            },
        }
    }

    /// The bytes stored under `key`, undecoded (an old value to audit).
    pub(crate) fn bytes(&self, key: &[u8]) -> TxResult<Option<Vec<u8>>> {
        Ok(self.tree.get(key)?.map(|v| v.to_vec()))
    }

    /// [`TxTable::get`] of a record that must be there.
    pub(crate) fn need<V: Versioned>(&self, key: &[u8]) -> TxResult<(V, Vec<u8>)>
    where
        T: Holds<V>,
    {
        match self.get(key)? {
            Some(found) => Ok(found),
            None => abort(StoreError::NotFound(format!(
                "{}/{}",
                self.table.name,
                hex(key)
            ))),
        }
    }

    /// Writes `value` over `old` (the bytes read, if any) and returns the audit change.
    pub(crate) fn put<V: Versioned>(
        &self,
        key: &[u8],
        value: &V,
        old: Option<Vec<u8>>,
    ) -> TxResult<Change>
    where
        T: Holds<V>,
    {
        let new = encode(value);
        self.tree.insert(key, new.clone())?;
        Ok(self.table.change(key, old, Some(new)))
    }

    /// [`TxTable::put`], unless `value` encodes to the bytes already stored: then nothing
    /// is written and there is no change to audit.
    pub(crate) fn put_if_changed<V: Versioned>(
        &self,
        key: &[u8],
        value: &V,
        old: Vec<u8>,
    ) -> TxResult<Option<Change>>
    where
        T: Holds<V>,
    {
        let new = encode(value);
        if new == old {
            return Ok(None);
        }
        self.tree.insert(key, new.clone())?;
        Ok(Some(self.table.change(key, Some(old), Some(new))))
    }

    /// Writes a record that is working state or derived, never audited on its own.
    pub(crate) fn put_unaudited<V: Versioned>(&self, key: &[u8], value: &V) -> TxResult<()>
    where
        T: Holds<V>,
    {
        self.tree.insert(key, encode(value))?;
        Ok(())
    }

    /// Removes what is under `key`, unaudited (a draft saved, an index entry).
    pub(crate) fn remove(&self, key: &[u8]) -> TxResult<()> {
        self.tree.remove(key)?;
        Ok(())
    }
}

impl TxTable<'_, IdNumbers> {
    /// The person an ID number is filed under.
    pub(crate) fn person_key(&self, id_number: &[u8]) -> TxResult<Option<sled::IVec>> {
        Ok(self.tree.get(id_number)?)
    }

    pub(crate) fn file(&self, id_number: &[u8], person_key: &[u8]) -> TxResult<()> {
        self.tree.insert(id_number, person_key)?;
        Ok(())
    }
}

impl TxTable<'_, HouseholdCases> {
    pub(crate) fn file(&self, key: &[u8]) -> TxResult<()> {
        self.tree.insert(key, &[])?;
        Ok(())
    }
}

pub(crate) fn hex(key: &[u8]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

impl TxTable<'_, AuditEntry> {
    /// Appends an entry already encoded (its bytes are hashed into the chain's head).
    pub(crate) fn put_encoded(&self, key: &[u8], bytes: Vec<u8>) -> TxResult<()> {
        self.tree.insert(key, bytes)?;
        Ok(())
    }
}

impl<T: Versioned> Handle<T> {
    /// Writes many new records in one batch, outside any transaction, and returns the hash
    /// of each for the bulk audit entry that vouches for them.
    pub(crate) fn put_bulk<'r>(
        &self,
        records: impl Iterator<Item = (Vec<u8>, &'r T)>,
    ) -> Result<BulkTree>
    where
        T: 'r,
    {
        let mut batch = sled::Batch::default();
        let mut hashes = Vec::new();
        for (key, record) in records {
            let bytes = encode(record);
            hashes.push((key.clone(), hash_record(&bytes)));
            batch.insert(key, bytes);
        }
        self.tree.apply_batch(batch)?;
        Ok(BulkTree {
            tree: self.table.name.to_string(),
            records: hashes,
        })
    }
}

impl Handle<LeadIds> {
    /// The key in `leads` of the lead with this number.
    pub(crate) fn get_raw(&self, id: &[u8]) -> Result<Option<sled::IVec>> {
        Ok(self.tree.get(id)?)
    }
}

impl Handle<IdNumbers> {
    /// The key of the person an ID number is filed under.
    pub(crate) fn person_key(&self, id_number: &[u8]) -> Result<Option<sled::IVec>> {
        Ok(self.tree.get(id_number)?)
    }
}
