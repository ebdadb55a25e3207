//! Leads (R-DISCOVER-1) and how an import of a list becomes visible all at once. A list of
//! 50,000 rows is too many records for one sled transaction, so an import is written in
//! three steps: its leads are staged under the import's id (`lead_staging`, invisible to
//! every reader); one transaction then writes the import's marker (`imports`) together with
//! its one bulk audit entry (a hash per lead) — from that write on the import has happened;
//! and the staged leads are moved into `leads` and the marker removed. A crash before the
//! marker leaves staged records that the next open discards; a crash after it leaves a
//! marker that the next open finishes. Either way no reader ever sees part of an import.
//!
//! Not here: which rows become leads and what they say (domain), who may import (service).

use super::audit::{BulkTree, hash_record};
use super::stats_index::STATS_INDEX;
use super::table::{AUDIT, IMPORTS, LEADS, META};
use super::{
    BULK_PART, QueueLogEntry, Result, Stamp, Store, StoreError, abort, append_audit, append_entry,
    bump_data_seq, unwrap_tx,
};
use crate::domain::IdNumber;
use crate::domain::lead::{Lead, LeadSource};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sled::{Batch, Transactional};

/// An import that has happened but whose staged leads may not all have been moved into
/// `leads` yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportMarker {
    pub id: u64,
    pub source: LeadSource,
    pub list_date: NaiveDate,
    pub leads: u64,
}

fn staging_key(import: u64, lead_key: &[u8]) -> Vec<u8> {
    let mut k = import.to_be_bytes().to_vec();
    k.extend_from_slice(lead_key);
    k
}

impl Store {
    /// The lead from `source`'s lists for this ID number.
    pub fn lead(&self, source: LeadSource, id_number: &IdNumber) -> Result<Option<Lead>> {
        self.leads.get(&Lead::key_of(source, id_number))
    }

    /// The lead numbered `id`.
    pub fn lead_by_id(&self, id: u64) -> Result<Option<Lead>> {
        match self.lead_ids.get_raw(&id.to_be_bytes())? {
            Some(key) => self.leads.get(&key),
            None => Ok(None),
        }
    }

    /// Saves a lead worked on (its disposition), read at `expected_rev`: one transaction
    /// with its audit entry, flushed. Returns the lead as saved.
    pub fn save_lead(
        &self,
        stamp: &Stamp,
        lead: &Lead,
        expected_rev: u64,
        today: NaiveDate,
    ) -> Result<Lead> {
        let key = lead.key();
        let trees = (
            &self.meta.tree,
            &self.audit.tree,
            &self.leads.tree,
            &self.stats_index.tree,
        );
        let saved = unwrap_tx(trees.transaction(|(meta, audit, leads, stats)| {
            let (meta, audit, leads) = (META.on(meta), AUDIT.on(audit), LEADS.on(leads));
            let stats = STATS_INDEX.on(stats);
            let (stored, old): (Lead, _) = leads.need(&key)?;
            if stored.rev != expected_rev {
                return abort(StoreError::Conflict {
                    expected: expected_rev,
                    found: stored.rev,
                });
            }
            let mut new = lead.clone();
            new.rev = stored.rev + 1;
            let change = leads.put(&key, &new, Some(old))?;
            stats.refresh_lead_stats(&new, today)?;
            let target = format!(
                "{} {} {}",
                new.name,
                new.id_number.masked(),
                new.disposition.label()
            );
            append_audit(&meta, &audit, stamp, "处理线索", target, vec![change])?;
            Ok(new)
        }))?;
        self.commit()?;
        Ok(saved)
    }

    /// Every lead, by source then ID number.
    pub fn all_leads(&self) -> Result<Vec<Lead>> {
        self.leads.all()
    }

    /// The number of an import to stage leads under (a fresh id).
    pub fn new_import(&self) -> Result<u64> {
        self.new_id()
    }

    /// Writes `leads` (new ones, or new versions of ones on file) aside under `import`,
    /// where no reader sees them, in parts that keep memory bounded.
    pub fn stage_leads(&self, import: u64, leads: &[Lead]) -> Result<()> {
        for part in leads.chunks(BULK_PART) {
            let mut batch = Batch::default();
            for lead in part {
                batch.insert(staging_key(import, &lead.key()), super::codec::encode(lead));
            }
            self.lead_staging.apply_batch(batch)?;
        }
        Ok(())
    }

    /// Makes the leads staged under `import` visible, in one write: the import's marker and
    /// its audit entry (one entry, the hash of every lead written) in one transaction,
    /// flushed; then the staged leads move into `leads`. Returns the audit entry's number.
    pub fn publish_import(
        &self,
        import: u64,
        source: LeadSource,
        list_date: NaiveDate,
        stamp: &Stamp,
        target: String,
    ) -> Result<u64> {
        // The statistics follow leads written one by one; an import's are counted when
        // the index is next built whole (dropped first, so a crash at any point after
        // leaves it to be built).
        self.drop_stats_basis()?;
        let prefix = import.to_be_bytes();
        let mut records = Vec::new();
        for kv in self.lead_staging.scan_prefix(prefix) {
            let (k, v) = kv?;
            records.push((k[8..].to_vec(), hash_record(&v)));
        }
        let marker = ImportMarker {
            id: import,
            source,
            list_date,
            leads: records.len() as u64,
        };
        let bulk = vec![BulkTree {
            tree: LEADS.name().to_string(),
            records,
        }];
        let trees = (&self.meta.tree, &self.audit.tree, &self.imports.tree);
        let seq = unwrap_tx(trees.transaction(|(meta, audit, imports)| {
            let (meta, audit, imports) = (META.on(meta), AUDIT.on(audit), IMPORTS.on(imports));
            imports.put_unaudited(&prefix, &marker)?;
            let seq = append_entry(
                &meta,
                &audit,
                stamp,
                "导入名单",
                target.clone(),
                Vec::new(),
                bulk.clone(),
            )?;
            bump_data_seq(&meta, &QueueLogEntry::default())?;
            Ok(seq)
        }))?;
        self.commit()?;
        self.move_staged(import)?;
        Ok(seq)
    }

    /// Moves an import's staged leads into `leads` and removes its marker; safe to repeat
    /// (a crash part-way is finished by the next open).
    fn move_staged(&self, import: u64) -> Result<()> {
        let prefix = import.to_be_bytes();
        loop {
            let mut publish = Batch::default();
            let mut index = Batch::default();
            let mut unstage = Batch::default();
            let mut n = 0;
            for kv in self.lead_staging.scan_prefix(prefix).take(BULK_PART) {
                let (k, v) = kv?;
                let lead: Lead = LEADS.decode(&k[8..], &v)?;
                index.insert(&lead.id.to_be_bytes(), &k[8..]);
                publish.insert(&k[8..], v);
                unstage.remove(k);
                n += 1;
            }
            if n == 0 {
                break;
            }
            // Published before unstaged: a crash between the two repeats the publish.
            self.lead_ids.apply_batch(index)?;
            self.leads.apply_batch(publish)?;
            self.lead_staging.apply_batch(unstage)?;
        }
        self.imports.remove(prefix)?;
        self.flush()
    }

    /// On open: finishes every import whose marker was written, and discards what was
    /// staged for imports that never were (their records were never visible).
    pub(super) fn recover_imports(&self) -> Result<()> {
        let mut published = Vec::new();
        for kv in self.imports.iter() {
            let (k, _) = kv?;
            published.push(k.to_vec());
        }
        for key in &published {
            if let Ok(bytes) = <[u8; 8]>::try_from(key.as_slice()) {
                self.move_staged(u64::from_be_bytes(bytes))?;
            }
        }
        if self.lead_staging.is_empty() {
            return Ok(());
        }
        loop {
            let mut discard = Batch::default();
            let mut n = 0;
            for kv in self.lead_staging.iter().take(BULK_PART) {
                let (k, _) = kv?;
                discard.remove(k);
                n += 1;
            }
            if n == 0 {
                break;
            }
            self.lead_staging.apply_batch(discard)?;
        }
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::IdNumber;
    use crate::domain::lead::{Disposition, RowFacts};
    use crate::store::StoreConfig;

    fn lead(seq: u16) -> Lead {
        let list_date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let id =
            IdNumber::compose("360731", NaiveDate::from_ymd_opt(1980, 3, 1).unwrap(), seq).unwrap();
        Lead {
            id: u64::from(seq),
            source: LeadSource::Dibao,
            sex: id.sex(),
            id_number: id,
            converted_from_15: false,
            name: "李国华".into(),
            phone: None,
            address: String::new(),
            village: None,
            township: None,
            facts: RowFacts::default(),
            list_date,
            row: 2,
            last_seen: list_date,
            contact_deadline: None,
            disposition: Disposition::ToContact,
            disposition_on: None,
            history: Vec::new(),
            note: String::new(),
            person: None,
            rev: 1,
        }
    }

    fn stamp() -> Stamp {
        Stamp {
            actor: "admin".into(),
            at: chrono::DateTime::parse_from_rfc3339("2026-11-20T09:00:00+08:00").unwrap(),
        }
    }

    #[test]
    fn staged_leads_of_an_import_that_never_published_vanish_on_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
            let import = store.new_import().unwrap();
            store.stage_leads(import, &[lead(1), lead(3)]).unwrap();
            assert!(store.all_leads().unwrap().is_empty());
        }
        let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
        assert!(store.all_leads().unwrap().is_empty());
        assert!(store.lead_staging.is_empty());
    }

    #[test]
    fn a_published_import_is_finished_by_the_next_open_if_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        {
            let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
            let import = store.new_import().unwrap();
            store.stage_leads(import, &[lead(1), lead(3)]).unwrap();
            // The marker and the audit entry, as publish writes them, then a "crash"
            // before the staged leads moved: write the marker by hand.
            let marker = ImportMarker {
                id: import,
                source: LeadSource::Dibao,
                list_date: d,
                leads: 2,
            };
            store
                .imports
                .insert(import.to_be_bytes(), super::super::codec::encode(&marker))
                .unwrap();
            assert!(store.all_leads().unwrap().is_empty());
        }
        let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
        assert_eq!(store.all_leads().unwrap().len(), 2);
        assert!(store.lead_staging.is_empty());
        assert!(store.imports.is_empty());
    }

    #[test]
    fn publishing_makes_every_staged_lead_visible_with_one_audit_entry() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let import = store.new_import().unwrap();
        store.stage_leads(import, &[lead(1), lead(3)]).unwrap();
        let before = store.seq().unwrap();
        store
            .publish_import(import, LeadSource::Dibao, d, &stamp(), "2 条".into())
            .unwrap();
        assert_eq!(store.seq().unwrap(), before + 1);
        let entries = store.audit_entries(before + 1).unwrap();
        assert_eq!(entries[0].bulk[0].records.len(), 2);
        assert_eq!(store.all_leads().unwrap().len(), 2);
        assert_eq!(
            store.lead(LeadSource::Dibao, &lead(3).id_number).unwrap(),
            Some(lead(3))
        );
        assert!(
            store
                .lead(LeadSource::Disabled, &lead(3).id_number)
                .unwrap()
                .is_none()
        );
        let report = store.check(&mut ()).unwrap();
        assert!(report.is_sound(), "{:?}", report.problems);
    }
}
