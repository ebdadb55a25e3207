//! The only module that touches sled. Values are enveloped and versioned ([`codec`]); every
//! record carries `rev`, and a write states the `rev` it read, so a stale write is refused,
//! never applied over someone else's. A change that spans records goes through one sled
//! transaction together with its audit entry, and is flushed before the caller is told it
//! is saved. A record that fails to decode stops the program with a clear message; the store
//! is never re-created or wiped.

mod anchor;
pub mod audit;
mod audit_time;
pub mod backup;
mod cases;
pub mod check;
pub mod codec;
mod derived;
mod dispositions;
mod exit_index;
mod group_commit;
mod io_error;
pub mod lead_v1;
mod leads;
pub mod ledger_v1;
pub mod open_guard;
mod queue_index;
pub mod records;
pub mod scan;
mod stats_index;
mod supervise_index;
mod table;

use crate::domain::followup::FollowUpAnswers;
use crate::domain::followup_effect::apply_followup;
use crate::domain::followup_form::FollowUpDraft;
use crate::domain::intake::IntakeDraft;
use crate::domain::lead::Lead;
use crate::domain::ledger::Ledger;
use crate::domain::{
    Account, AssistanceCase, CaseId, CaseSummary, FollowUp, FollowUpId, Household,
    HouseholdEventKind, HouseholdId, Person, PersonId,
};
use audit::{AuditEntry, AuditHead, BulkTree, Change, hash_entry};
pub use cases::{HouseholdPlan, Registered, Registration};
use chrono::{DateTime, FixedOffset, NaiveDate};
use codec::{CodecError, encode};
pub use exit_index::{ApprovedCount, ExitEntry, ExitListing};
use exit_index::{EXIT_INDEX, ExitIndex};
pub use io_error::{DISK_FULL, io_message, sled_message};
pub use leads::ImportMarker;
pub use queue_index::{
    INITIALS_INDEXED, IndexedRow, Lane, LaneInfo, QUEUE_LOG_KEEP, QueueEntry, QueueLogEntry,
    QueueMark, QueueTally, SearchKind, day_key, lane_prefix, stage,
};
use queue_index::{QUEUE_INDEX, QueueIndex};
pub use records::{County, DataSeq, Township};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{Batch, Db, Transactional};
pub use stats_index::{
    CaseStats, HouseholdStats, LeadStats, LedgerStats, STATS_REVISION, StatsBasis,
    TownshipCounters, UNASSIGNED,
};
use stats_index::{STATS_INDEX, StatsIndex};
use std::path::{Path, PathBuf};
pub use supervise_index::{
    CaseWatch, Held, SUPERVISE_REVISION, SharedValue, SuperviseBasis, ValueUse,
};
use supervise_index::{SUPERVISE_INDEX, SuperviseIndex};
use table::{
    ACCOUNTS, AUDIT, CASES, DISPOSITIONS, DRAFTS, Drafts, FOLLOWUPS, HOUSEHOLD_CASES, HOUSEHOLDS,
    Handle, HouseholdCases, ID_NUMBERS, IMPORTS, IdNumbers, LEAD_IDS, LEAD_STAGING, LEADS, LEDGERS,
    LeadIds, META, Meta, PERSONS, SUMMARIES, TxTable,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "数据库正被另一个程序使用（{0}）。若已运行 yuanzhu serve，请通过服务连接；否则请先关闭另一个 yuanzhu。"
    )]
    Locked(PathBuf),
    #[error("无法打开数据库 {path}：{detail}")]
    Open { path: PathBuf, detail: String },
    /// Said in Chinese by kind (disk full, read-only, no permission…), never sled's Debug.
    #[error("{}", sled_message(.0))]
    Sled(#[from] sled::Error),
    /// A file of the store's own beside sled (the anchor, a copy), said like sled's.
    #[error("{}", io_message(.0))]
    Io(#[from] std::io::Error),
    #[error(
        "数据库中 {tree} 的记录 {key} 无法读取：{source}。程序已停止以保护数据，请联系管理员，切勿删除数据目录。"
    )]
    Corrupt {
        tree: &'static str,
        key: String,
        source: CodecError,
    },
    /// The audit anchor is missing or disagrees with the chain: no writes until an
    /// administrator re-anchors.
    #[error("{0}")]
    Anchor(String),
    #[error("记录不存在：{0}")]
    NotFound(String),
    #[error(
        "该记录已被他人修改（您读取的是第 {expected} 版，现为第 {found} 版），请重新打开后再保存"
    )]
    Conflict { expected: u64, found: u64 },
    /// A backup that cannot be made, trusted or restored, with what to do about it.
    #[error("{0}")]
    Backup(String),
    /// One person, one record: this ID number is already on file, as this person.
    #[error("身份证号已登记")]
    Duplicate(crate::domain::PersonId),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Tuning that suits a service-hall PC rather than sled's big-server defaults.
#[derive(Clone, Copy, Debug)]
pub struct StoreConfig {
    pub cache_bytes: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Who made a change, and when (real time, China Standard Time).
#[derive(Clone, Debug)]
pub struct Stamp {
    pub actor: String,
    pub at: DateTime<FixedOffset>,
}

/// What a saved follow-up did.
#[derive(Clone, Debug)]
pub struct FollowUpSaved {
    pub followup: FollowUp,
    pub summary: CaseSummary,
    pub zero_employment: Option<HouseholdEventKind>,
    pub seq: u64,
}

/// Records written in bulk (the demo county).
#[derive(Default)]
pub struct Load {
    pub persons: Vec<Person>,
    pub households: Vec<Household>,
    pub cases: Vec<AssistanceCase>,
    pub summaries: Vec<CaseSummary>,
    pub followups: Vec<FollowUp>,
}

pub struct Store {
    dir: PathBuf,
    config: StoreConfig,
    db: Db,
    meta: Handle<Meta>,
    persons: Handle<Person>,
    households: Handle<Household>,
    cases: Handle<AssistanceCase>,
    summaries: Handle<CaseSummary>,
    followups: Handle<FollowUp>,
    household_cases: Handle<HouseholdCases>,
    id_numbers: Handle<IdNumbers>,
    drafts: Handle<Drafts>,
    accounts: Handle<Account>,
    audit: Handle<AuditEntry>,
    ledgers: Handle<Ledger>,
    exit_index: Handle<ExitIndex>,
    leads: Handle<Lead>,
    dispositions: Handle<crate::domain::supervise::disposition::FindingDisposition>,
    lead_staging: Handle<Lead>,
    imports: Handle<ImportMarker>,
    lead_ids: Handle<LeadIds>,
    queue_index: Handle<QueueIndex>,
    stats_index: Handle<StatsIndex>,
    supervise_index: Handle<SuperviseIndex>,
    /// The audit head number last written to the anchor file, and why the anchor may not
    /// be moved on (it is missing, or disagrees with the chain) until an administrator
    /// re-anchors: while that is set, the store takes no writes.
    anchor: std::sync::Mutex<anchor::AnchorState>,
    /// Concurrent commits share one flush (and one anchor write) per batch.
    group: group_commit::GroupCommit,
    /// Set while a bulk job that tells nobody 已保存 runs ([`Store::deferring_flushes`]).
    deferred: std::sync::atomic::AtomicBool,
    /// Declared last, so it drops after every sled handle and records the close then.
    guard: open_guard::OpenGuard,
}

pub(crate) const COUNTY_KEY: &[u8] = b"county";
pub(crate) const AUDIT_HEAD_KEY: &[u8] = b"audit_head";
pub(crate) const DATA_SEQ_KEY: &[u8] = b"data_seq";

type TxResult<T> = std::result::Result<T, ConflictableTransactionError<StoreError>>;

fn abort<T>(e: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(e))
}

pub(crate) fn followup_key(case: CaseId, id: FollowUpId) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&case.to_key());
    k[8..].copy_from_slice(&id.to_key());
    k
}

pub(crate) fn pair_key(a: [u8; 8], b: [u8; 8]) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&a);
    k[8..].copy_from_slice(&b);
    k
}

fn draft_key(account: &str, case: CaseId) -> Vec<u8> {
    let mut k = account.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(&case.to_key());
    k
}

/// An account's intake draft, beside its follow-up drafts: the account, a zero byte, and
/// eight bytes that are no case's key (case ids are numbers, this is text).
fn intake_draft_key(account: &str) -> Vec<u8> {
    let mut k = account.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(b"intake\0\0");
    k
}

/// Whether an audit entry stands for a change of data, which moves the data sequence, or
/// records an act alone (a reveal, a refusal, a re-anchor), which leaves it where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    ChangesData,
    AuditOnly,
}

/// Appends the audit entry of a data change inside its transaction, and moves the data
/// sequence with it; returns the entry's number.
fn append_audit(
    meta: &TxTable<Meta>,
    audit: &TxTable<AuditEntry>,
    stamp: &Stamp,
    action: &str,
    target: String,
    changes: Vec<Change>,
) -> TxResult<u64> {
    let log = queue_index::log_entry_of(&changes);
    let seq = append_entry(meta, audit, stamp, action, target, changes, Vec::new())?;
    bump_data_seq(meta, &log)?;
    Ok(seq)
}

/// One more data-changing transaction, in that transaction, with what it changed in the
/// queue's change log (the oldest entry beyond the log's window trimmed in the same write).
fn bump_data_seq(meta: &TxTable<Meta>, log: &QueueLogEntry) -> TxResult<()> {
    let (mut data, _) = meta.get::<DataSeq>(DATA_SEQ_KEY)?.unwrap_or_default();
    data.seq += 1;
    meta.put_unaudited(DATA_SEQ_KEY, &data)?;
    meta.put_unaudited(&queue_index::log_key(data.seq), log)?;
    if let Some(old) = data.seq.checked_sub(QUEUE_LOG_KEEP) {
        meta.remove(&queue_index::log_key(old))?;
    }
    Ok(())
}

/// [`append_audit`] with the hashes of a bulk write's records.
fn append_entry(
    meta: &TxTable<Meta>,
    audit: &TxTable<AuditEntry>,
    stamp: &Stamp,
    action: &str,
    target: String,
    changes: Vec<Change>,
    bulk: Vec<BulkTree>,
) -> TxResult<u64> {
    let head: AuditHead = meta
        .get(AUDIT_HEAD_KEY)?
        .map(|(h, _)| h)
        .unwrap_or_default();
    let entry = AuditEntry {
        seq: head.seq + 1,
        prev_hash: head.hash,
        at: stamp.at,
        actor: stamp.actor.clone(),
        action: action.to_string(),
        target,
        changes,
        bulk,
    };
    let bytes = encode(&entry);
    let new_head = AuditHead {
        seq: entry.seq,
        hash: hash_entry(&bytes),
    };
    audit.put_encoded(&entry.seq.to_be_bytes(), bytes)?;
    meta.put_unaudited(AUDIT_HEAD_KEY, &new_head)?;
    Ok(entry.seq)
}

/// What a refusal concerned: a person's key, marked as refused rather than as a record of
/// a tree (nothing was read or written).
fn refusal_mark(person: &[u8]) -> Change {
    Change {
        tree: "refused".to_string(),
        key: person.to_vec(),
        old: None,
        new: None,
    }
}

impl Store {
    pub fn exists(dir: &Path) -> bool {
        dir.join("db").exists() || dir.join("conf").exists()
    }

    pub fn open(dir: &Path, config: StoreConfig) -> Result<Store> {
        // sled releases its file lock a moment after the last handle is dropped (its
        // flusher thread winds down), so a store closed just now by this or another
        // process is waited for briefly before it counts as held.
        let guard = open_guard::OpenGuard::before_open(dir)?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(1500);
        let db = loop {
            let opened = sled::Config::new()
                .path(dir)
                .cache_capacity(config.cache_bytes)
                .open();
            match opened {
                Ok(db) => break db,
                Err(sled::Error::Io(io)) if io.to_string().contains("lock") => {
                    if std::time::Instant::now() >= deadline {
                        return Err(StoreError::Locked(dir.to_path_buf()));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(guard.refusal(&e)),
            }
        };
        let store = Store {
            dir: dir.to_path_buf(),
            config,
            meta: META.open(&db)?,
            persons: PERSONS.open(&db)?,
            households: HOUSEHOLDS.open(&db)?,
            cases: CASES.open(&db)?,
            summaries: SUMMARIES.open(&db)?,
            followups: FOLLOWUPS.open(&db)?,
            household_cases: HOUSEHOLD_CASES.open(&db)?,
            id_numbers: ID_NUMBERS.open(&db)?,
            drafts: DRAFTS.open(&db)?,
            accounts: ACCOUNTS.open(&db)?,
            audit: AUDIT.open(&db)?,
            ledgers: LEDGERS.open(&db)?,
            exit_index: EXIT_INDEX.open(&db)?,
            leads: LEADS.open(&db)?,
            dispositions: DISPOSITIONS.open(&db)?,
            lead_staging: LEAD_STAGING.open(&db)?,
            imports: IMPORTS.open(&db)?,
            lead_ids: LEAD_IDS.open(&db)?,
            queue_index: QUEUE_INDEX.open(&db)?,
            stats_index: STATS_INDEX.open(&db)?,
            supervise_index: SUPERVISE_INDEX.open(&db)?,
            anchor: std::sync::Mutex::new(anchor::AnchorState::default()),
            group: group_commit::GroupCommit::default(),
            deferred: std::sync::atomic::AtomicBool::new(false),
            guard,
            db,
        };
        let anchor = match store.read_anchor() {
            audit::Anchor::Found(head) => Some(head.seq),
            _ => None,
        };
        let checked = store.seq().and_then(|head| {
            store.guard.check_recovered(head, anchor)?;
            store.recover_imports()?;
            store.guard.opened()
        });
        match checked {
            Ok(()) => Ok(store),
            Err(e) => {
                store.guard.keep_marker();
                Err(e)
            }
        }
    }

    /// Flushes and records a clean close, for a process that ends without dropping the
    /// store (`process::exit` on a signal).
    pub fn close_for_exit(&self) -> Result<()> {
        self.flush()?;
        self.guard.record_clean_close()
    }

    /// The directory the store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the store was opened with (to open it again the same way).
    pub fn config(&self) -> StoreConfig {
        self.config
    }

    pub fn new_id(&self) -> Result<u64> {
        // sled's ids start at 0; 0 is kept free so a zeroed key never names a record.
        Ok(self.db.generate_id()? + 1)
    }

    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    /// After a write (audited, or a draft): flush (the caller may now say 已保存), then
    /// bring the anchor up to date. Concurrent callers share the flush
    /// ([`group_commit`]); the leader of each batch moves the anchor on once for all of
    /// it, after its members have been told, so they do not wait for the anchor's fsync.
    /// The write is on disk either way, so a failed anchor update must not make the caller
    /// report failure: a failed file write leaves the anchor lagging, which `audit verify`
    /// accepts and the next batch catches up; an anchor found missing or disagreeing holds
    /// the store read-only from the next write on.
    fn commit(&self) -> Result<()> {
        if self.deferred.load(std::sync::atomic::Ordering::Acquire) {
            return Ok(());
        }
        let role = self.group.commit(|| {
            // The head is read before the flush: every member's transaction is in it and
            // the flush makes it durable. One read after could name a transaction of the
            // next batch, not yet on disk — an anchor ahead of the chain after a crash.
            let head = self.head();
            (self.db.flush().map(|_| ()), head)
        })?;
        if let group_commit::Role::Led(Ok(head)) = role {
            let _ = self.write_anchor_at(head);
        }
        Ok(())
    }

    /// Runs `job` — a bulk job on a store nobody else uses yet, such as generating the demo
    /// county — with its writes' flushes left to one commit at its end: each write is
    /// still its own transaction with its audit entry, but nobody is told 已保存 until the
    /// job has returned, so nothing acknowledged waits on a flush. A crash part-way leaves
    /// a prefix of the job's transactions, as one without this would. The anchor must
    /// already be written (the store's first entry commits before), since it then moves
    /// from there to the job's last entry in one step.
    pub fn deferring_flushes<T>(&self, job: impl FnOnce() -> Result<T>) -> Result<T> {
        use std::sync::atomic::Ordering;
        self.deferred.store(true, Ordering::Release);
        let done = job();
        self.deferred.store(false, Ordering::Release);
        let done = done?;
        self.commit()?;
        Ok(done)
    }

    /// One audit entry on its own (a sensitive read, a refusal), flushed.
    fn audit_only(
        &self,
        stamp: &Stamp,
        action: &str,
        target: String,
        changes: Vec<Change>,
    ) -> Result<u64> {
        self.audit_bulk(Entry::AuditOnly, stamp, action, target, changes, Vec::new())
    }

    /// One audit entry on its own, flushed, leaving the anchor alone (re-anchoring and
    /// restoring write the anchor themselves).
    fn audit_only_unanchored(
        &self,
        kind: Entry,
        stamp: &Stamp,
        action: &str,
        target: String,
    ) -> Result<u64> {
        let seq = self.append_alone(kind, stamp, action, target, Vec::new(), Vec::new())?;
        self.flush()?;
        Ok(seq)
    }

    /// One audit entry on its own, with the hashes of a bulk write's records, flushed.
    fn audit_bulk(
        &self,
        kind: Entry,
        stamp: &Stamp,
        action: &str,
        target: String,
        changes: Vec<Change>,
        bulk: Vec<BulkTree>,
    ) -> Result<u64> {
        let seq = self.append_alone(kind, stamp, action, target, changes, bulk)?;
        self.commit()?;
        Ok(seq)
    }

    /// Appends one entry in a transaction of its own (not yet flushed).
    fn append_alone(
        &self,
        kind: Entry,
        stamp: &Stamp,
        action: &str,
        target: String,
        changes: Vec<Change>,
        bulk: Vec<BulkTree>,
    ) -> Result<u64> {
        let trees = (&self.meta.tree, &self.audit.tree);
        unwrap_tx(trees.transaction(|(meta, audit)| {
            let (meta, audit) = (META.on(meta), AUDIT.on(audit));
            let seq = append_entry(
                &meta,
                &audit,
                stamp,
                action,
                target.clone(),
                changes.clone(),
                bulk.clone(),
            )?;
            if kind == Entry::ChangesData {
                let everything = QueueLogEntry {
                    all: true,
                    ..QueueLogEntry::default()
                };
                bump_data_seq(&meta, &everything)?;
            }
            Ok(seq)
        }))
    }

    /// How many transactions have changed data (see [`DataSeq`]): what every reply
    /// carries, so a session refetches only when data moved. A store written before the
    /// sequence existed starts at 0.
    pub fn data_seq(&self) -> Result<u64> {
        Ok(self
            .meta
            .get::<DataSeq>(DATA_SEQ_KEY)?
            .unwrap_or_default()
            .seq)
    }

    /// The number of the newest audit entry.
    pub fn seq(&self) -> Result<u64> {
        Ok(self
            .meta
            .get::<AuditHead>(AUDIT_HEAD_KEY)?
            .unwrap_or_default()
            .seq)
    }

    pub fn county(&self) -> Result<Option<County>> {
        self.meta.get(COUNTY_KEY)
    }

    pub fn person(&self, id: PersonId) -> Result<Option<Person>> {
        self.persons.get(&id.to_key())
    }

    pub fn household(&self, id: HouseholdId) -> Result<Option<Household>> {
        self.households.get(&id.to_key())
    }

    pub fn case(&self, id: CaseId) -> Result<Option<AssistanceCase>> {
        self.cases.get(&id.to_key())
    }

    pub fn summary(&self, id: CaseId) -> Result<Option<CaseSummary>> {
        self.summaries.get(&id.to_key())
    }

    pub fn person_by_id_number(&self, id_number: &str) -> Result<Option<PersonId>> {
        Ok(self
            .id_numbers
            .person_key(id_number.as_bytes())?
            .and_then(|v| PersonId::from_key(&v)))
    }

    /// Every household, in id order.
    pub fn households(&self) -> Result<Vec<Household>> {
        self.households.all()
    }

    /// Every case's summary, in case-id order.
    pub fn summaries(&self) -> Result<Vec<CaseSummary>> {
        self.summaries.all()
    }

    /// The cases of one household.
    pub fn household_cases(&self, id: HouseholdId) -> Result<Vec<CaseId>> {
        self.household_cases
            .scan_prefix(id.to_key())
            .map(|kv| {
                let (k, _) = kv?;
                Ok(k.get(8..).and_then(CaseId::from_key).unwrap_or(CaseId(0)))
            })
            .collect()
    }

    /// A case's follow-ups, oldest contact first.
    pub fn followups(&self, case: CaseId) -> Result<Vec<FollowUp>> {
        let mut out: Vec<FollowUp> = self.followups.with_prefix(&case.to_key())?;
        out.sort_by_key(|f| (f.answers.date, f.id));
        Ok(out)
    }

    pub fn draft(&self, account: &str, case: CaseId) -> Result<Option<FollowUpDraft>> {
        self.drafts.get(&draft_key(account, case))
    }

    /// How many unsaved forms `account` has waiting (follow-ups and the intake form): what
    /// the next login mentions, so a kept draft is not forgotten.
    pub fn drafts_waiting(&self, account: &str) -> Result<u32> {
        let mut prefix = account.as_bytes().to_vec();
        prefix.push(0);
        let mut n = 0u32;
        for kv in self.drafts.scan_prefix(&prefix) {
            kv?;
            n = n.saturating_add(1);
        }
        Ok(n)
    }

    /// Keeps an unsaved form. Flushed: the caseworker may be about to lose the link.
    pub fn put_draft(&self, account: &str, case: CaseId, draft: &FollowUpDraft) -> Result<()> {
        self.drafts
            .put_unaudited(&draft_key(account, case), draft)?;
        self.commit()
    }

    /// A person's ledger: posts, policies, dibao linkage (empty when none kept yet).
    pub fn ledger(&self, person: PersonId) -> Result<Ledger> {
        Ok(self
            .ledgers
            .get(&person.to_key())?
            .unwrap_or_else(|| Ledger::new(person)))
    }

    /// Every ledger kept, by person: a full scan, for the statistics' oracle.
    pub fn all_ledgers(&self) -> Result<Vec<Ledger>> {
        self.ledgers.all()
    }

    /// Writes a ledger read at `expected_rev`, as one audited action on the person, its
    /// statistics moved in the same transaction (`today` decides the months closed).
    pub fn put_ledger(
        &self,
        stamp: &Stamp,
        ledger: &Ledger,
        expected_rev: u64,
        action: &str,
        target: String,
        today: NaiveDate,
    ) -> Result<Ledger> {
        let trees = (
            &self.meta.tree,
            &self.audit.tree,
            &self.ledgers.tree,
            &self.persons.tree,
            &self.households.tree,
            &self.stats_index.tree,
            &self.summaries.tree,
            &self.cases.tree,
            &self.supervise_index.tree,
        );
        let result = trees.transaction(
            |(meta, audit, ledgers, persons, households, stats, summaries, cases, watch)| {
                let (meta, audit, ledgers) = (META.on(meta), AUDIT.on(audit), LEDGERS.on(ledgers));
                let (persons, households) = (PERSONS.on(persons), HOUSEHOLDS.on(households));
                let stats = STATS_INDEX.on(stats);
                let (summaries, cases) = (SUMMARIES.on(summaries), CASES.on(cases));
                let watch = SUPERVISE_INDEX.on(watch);
                let key = ledger.person.to_key();
                let old: Option<(Ledger, Vec<u8>)> = ledgers.get(&key)?;
                let found = old.as_ref().map(|(l, _)| l.rev).unwrap_or(0);
                if found != expected_rev {
                    return abort(StoreError::Conflict {
                        expected: expected_rev,
                        found,
                    });
                }
                let mut new = ledger.clone();
                new.rev = found + 1;
                let changes = vec![ledgers.put(&key, &new, old.map(|(_, b)| b))?];
                stats.refresh_ledger_stats((&persons, &households), &new, today)?;
                watch.refresh_supervise((&summaries, &cases, &ledgers), &changes, None)?;
                append_audit(&meta, &audit, stamp, action, target.clone(), changes)?;
                TxResult::Ok(new)
            },
        );
        let saved = unwrap_tx(result)?;
        self.commit()?;
        Ok(saved)
    }

    /// The counter's unsaved intake form of `account`.
    pub fn intake_draft(&self, account: &str) -> Result<Option<IntakeDraft>> {
        self.drafts.get(&intake_draft_key(account))
    }

    /// Keeps the counter's unsaved form; flushed, like a follow-up draft.
    pub fn put_intake_draft(&self, account: &str, draft: &IntakeDraft) -> Result<()> {
        self.drafts
            .put_unaudited(&intake_draft_key(account), draft)?;
        self.commit()
    }

    pub fn delete_intake_draft(&self, account: &str) -> Result<()> {
        self.drafts.remove(intake_draft_key(account))?;
        self.commit()
    }

    pub fn delete_draft(&self, account: &str, case: CaseId) -> Result<()> {
        self.drafts.remove(draft_key(account, case))?;
        self.commit()
    }

    pub fn put_county(&self, county: &County, stamp: &Stamp) -> Result<()> {
        let trees = (&self.meta.tree, &self.audit.tree);
        let result = trees.transaction(|(meta, audit)| {
            let (meta, audit) = (META.on(meta), AUDIT.on(audit));
            let old = meta.bytes(COUNTY_KEY)?;
            let change = meta.put(COUNTY_KEY, county, old)?;
            append_audit(
                &meta,
                &audit,
                stamp,
                "设置县区信息",
                county.name.clone(),
                vec![change],
            )?;
            Ok(())
        });
        unwrap_tx(result)?;
        self.commit()
    }

    pub fn account(&self, name: &str) -> Result<Option<Account>> {
        self.accounts.get(name.as_bytes())
    }

    /// Every account, by name.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        self.accounts.all()
    }

    /// Creates accounts (when `expected_rev` is `None` and the name is free) or changes one
    /// read at `expected_rev`; audited, flushed.
    pub fn put_accounts(
        &self,
        accounts: &[(Account, Option<u64>)],
        stamp: &Stamp,
        action: &str,
    ) -> Result<()> {
        let trees = (&self.meta.tree, &self.audit.tree, &self.accounts.tree);
        let result = trees.transaction(|(meta, audit, tree)| {
            let (meta, audit, tree) = (META.on(meta), AUDIT.on(audit), ACCOUNTS.on(tree));
            let mut changes = Vec::new();
            let mut names = Vec::new();
            for (account, expected_rev) in accounts {
                let key = account.name.as_bytes();
                let old = tree.get::<Account>(key)?;
                match (&old, expected_rev) {
                    (Some((found, _)), None) => {
                        return abort(StoreError::Conflict {
                            expected: 0,
                            found: found.rev,
                        });
                    }
                    (Some((found, _)), Some(rev)) if found.rev != *rev => {
                        return abort(StoreError::Conflict {
                            expected: *rev,
                            found: found.rev,
                        });
                    }
                    (None, Some(_)) => {
                        return abort(StoreError::NotFound(format!("账户 {}", account.name)));
                    }
                    _ => {}
                }
                let mut next = account.clone();
                next.rev = old.as_ref().map(|(a, _)| a.rev + 1).unwrap_or(1);
                changes.push(tree.put(key, &next, old.map(|(_, b)| b))?);
                names.push(account.name.clone());
            }
            append_audit(&meta, &audit, stamp, action, names.join(" "), changes)?;
            Ok(())
        });
        unwrap_tx(result)?;
        self.commit()
    }

    /// An audit entry for reading something sensitive: no record changes, but who looked at
    /// which record (`key`) and when is kept in the chain like any change.
    pub fn record_access(
        &self,
        stamp: &Stamp,
        action: &str,
        target: String,
        key: [u8; 8],
    ) -> Result<u64> {
        self.audit_only(
            stamp,
            action,
            target,
            vec![PERSONS.change(&key, None, None)],
        )
    }

    /// A refused request, as an audit entry of its own; `person` when it concerned one.
    pub fn record_refusal(
        &self,
        stamp: &Stamp,
        target: String,
        person: Option<[u8; 8]>,
    ) -> Result<u64> {
        let changes = person.map(|k| vec![refusal_mark(&k)]).unwrap_or_default();
        self.audit_only(stamp, "拒绝", target, changes)
    }

    /// Writes many new records at once (the demo county), with one audit entry that holds
    /// the hash of every primary record written (the derived trees, `id_numbers`,
    /// `household_cases` and `summaries`, are checked against those records instead).
    pub fn load(&self, load: &Load, stamp: &Stamp, what: &str) -> Result<u64> {
        let file_queue = self.queue_index_takes_load()?;
        // The statistics follow records written one by one; these are built again whole.
        self.drop_stats_basis()?;
        self.drop_supervise_basis()?;
        let bulk = vec![
            put_bulk_in_parts(
                &self.persons,
                load.persons.iter().map(|p| (p.id.to_key().to_vec(), p)),
            )?,
            put_bulk_in_parts(
                &self.households,
                load.households.iter().map(|h| (h.id.to_key().to_vec(), h)),
            )?,
            put_bulk_in_parts(
                &self.cases,
                load.cases.iter().map(|c| (c.id.to_key().to_vec(), c)),
            )?,
            put_bulk_in_parts(
                &self.followups,
                load.followups
                    .iter()
                    .map(|f| (followup_key(f.case, f.id).to_vec(), f)),
            )?,
        ];
        for part in load.persons.chunks(BULK_PART) {
            let mut batch = Batch::default();
            for p in part {
                batch.insert(p.id_number.as_str().as_bytes(), &p.id.to_key());
            }
            self.id_numbers.apply_batch(batch)?;
        }
        for part in load.cases.chunks(BULK_PART) {
            let mut index = Batch::default();
            for c in part {
                index.insert(&pair_key(c.household.to_key(), c.id.to_key()), &[]);
            }
            self.household_cases.apply_batch(index)?;
        }
        for part in load.summaries.chunks(BULK_PART) {
            let mut batch = Batch::default();
            for s in part {
                batch.insert(&s.case.to_key(), encode(s));
            }
            self.summaries.apply_batch(batch)?;
        }
        // The summaries went in around the transactions that keep the queue's index: file
        // their rows here, or have the index built whole when it holds rows of its own.
        if file_queue {
            self.file_loaded(&load.summaries, &load.cases)?;
        } else {
            self.drop_queue_basis()?;
        }
        let target = format!(
            "{} 户 {} 人 {} 件 {} 次回访",
            load.households.len(),
            load.persons.len(),
            load.cases.len(),
            load.followups.len()
        );
        self.audit_bulk(Entry::ChangesData, stamp, what, target, Vec::new(), bulk)
    }

    /// Saves a follow-up for `case`, read at `expected_rev`: the follow-up, the case, its
    /// summary, the person, the household and the other members' summaries when the
    /// household's zero-employment state changes, the audit entry, and the removal of
    /// `draft_of`'s draft for this case — all in one transaction, flushed before it
    /// returns, so no crash can bring the draft back over the saved follow-up.
    pub fn save_followup(
        &self,
        stamp: &Stamp,
        draft_of: &str,
        case_id: CaseId,
        expected_rev: u64,
        answers: FollowUpAnswers,
        today: NaiveDate,
    ) -> Result<FollowUpSaved> {
        let followup_id = FollowUpId(self.new_id()?);
        let earlier = self.followups(case_id)?;
        let latest_before = earlier.last().map(|f| f.answers.date);
        let is_latest = latest_before.is_none_or(|d| answers.date >= d);
        let trees = (
            &self.meta.tree,
            &self.audit.tree,
            &self.cases.tree,
            &self.summaries.tree,
            &self.persons.tree,
            &self.households.tree,
            &self.followups.tree,
            &self.drafts.tree,
            &self.exit_index.tree,
            &self.queue_index.tree,
            &self.stats_index.tree,
            &self.ledgers.tree,
            &self.supervise_index.tree,
        );
        let household_cases: Vec<CaseId> = match self.case(case_id)? {
            Some(c) => self.household_cases(c.household)?,
            None => return Err(StoreError::NotFound(format!("案件 {case_id}"))),
        };
        let saved = trees.transaction(
            |(
                meta,
                audit,
                cases,
                summaries,
                persons,
                households,
                followups,
                drafts,
                exits,
                queue,
                stats,
                ledgers,
                watch,
            )| {
                let (meta, audit) = (META.on(meta), AUDIT.on(audit));
                let (cases, summaries) = (CASES.on(cases), SUMMARIES.on(summaries));
                let (persons, households) = (PERSONS.on(persons), HOUSEHOLDS.on(households));
                let (followups, drafts) = (FOLLOWUPS.on(followups), DRAFTS.on(drafts));
                let (exits, queue) = (EXIT_INDEX.on(exits), QUEUE_INDEX.on(queue));
                let stats = STATS_INDEX.on(stats);
                let (ledgers, watch) = (LEDGERS.on(ledgers), SUPERVISE_INDEX.on(watch));
                let ck = case_id.to_key();
                let (mut case, case_old): (AssistanceCase, _) = cases.need(&ck)?;
                if case.rev != expected_rev {
                    return abort(StoreError::Conflict {
                        expected: expected_rev,
                        found: case.rev,
                    });
                }
                let (mut summary, summary_old): (CaseSummary, _) = summaries.need(&ck)?;
                let pk = case.person.to_key();
                let (mut person, person_old): (Person, _) = persons.need(&pk)?;
                let hk = case.household.to_key();
                let (mut household, household_old): (Household, _) = households.need(&hk)?;
                let mut others = Vec::new();
                for member in household.members.iter().filter(|m| **m != person.id) {
                    if let Some((p, _)) = persons.get::<Person>(&member.to_key())? {
                        others.push(p);
                    }
                }
                let zero = apply_followup(
                    &answers,
                    is_latest,
                    &mut case,
                    &mut person,
                    &mut household,
                    &others,
                    today,
                );
                case.rev += 1;
                let followup = FollowUp {
                    id: followup_id,
                    case: case_id,
                    answers: answers.clone(),
                    recorded_by: stamp.actor.clone(),
                };
                summary.rev = case.rev;
                summary.record_contact(answers.date);
                summary.work_status = person.work_status;
                summary.unemployed_since = person.unemployed_since;
                let zero_now = household.zero_employment_on_file();
                summary.zero_employment_household = zero_now;

                let mut changes = Vec::new();
                let fk = followup_key(case_id, followup_id);
                changes.push(followups.put(&fk, &followup, None)?);
                changes.push(cases.put(&ck, &case, Some(case_old))?);
                changes.push(summaries.put(&ck, &summary, Some(summary_old))?);
                changes.extend(persons.put_if_changed(&pk, &person, person_old)?);
                if zero.is_some() {
                    household.rev += 1;
                    changes.push(households.put(&hk, &household, Some(household_old))?);
                    for other in household_cases.iter().filter(|c| **c != case_id) {
                        let ok = other.to_key();
                        if let Some((mut s, s_old)) = summaries.get::<CaseSummary>(&ok)? {
                            s.zero_employment_household = zero_now;
                            changes.push(summaries.put(&ok, &s, Some(s_old))?);
                        }
                    }
                    exits.refresh_members(&summaries, &persons, &household_cases)?;
                }
                exits.refresh_case(&case, &person, zero_now, &earlier, Some(&followup))?;
                // Drafts are working state, never audited, so their removal is no change.
                drafts.remove(&draft_key(draft_of, case_id))?;
                let target = format!("{} {}", person.name, person.id_number.masked());
                queue.refresh_queue(&summaries, &cases, &changes)?;
                let tables = (&cases, &summaries, &persons, &households);
                stats.refresh_stats(tables, &changes, today)?;
                let answers = exit_index::answers_with(&earlier, Some(&followup));
                let saved = Some((case_id, answers.as_slice()));
                watch.refresh_supervise((&summaries, &cases, &ledgers), &changes, saved)?;
                let action = crate::domain::audit_action::SAVE_FOLLOWUP;
                let seq = append_audit(&meta, &audit, stamp, action, target, changes)?;
                Ok(FollowUpSaved {
                    followup,
                    summary,
                    zero_employment: zero,
                    seq,
                })
            },
        );
        let saved = unwrap_tx(saved)?;
        self.commit()?;
        Ok(saved)
    }

    /// Audit entries from `from` (inclusive), in order.
    pub fn audit_entries(&self, from: u64) -> Result<Vec<AuditEntry>> {
        self.audit.starting_at(&from.to_be_bytes())
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Runs before the fields drop: a close is clean only if this last flush worked.
        if self.db.flush().is_ok() {
            self.guard.flushed_on_close();
        }
    }
}

/// Records a bulk write puts into one sled batch. sled keeps every node version a batch
/// replaces until the batch ends, so one batch of a 5,000-household chunk's 80,000
/// follow-ups peaked near 1.5 GB; parts of 2,000 stay near 100 MB, whatever the county.
const BULK_PART: usize = 2_000;

/// [`Handle::put_bulk`] in parts of [`BULK_PART`], the hashes of all parts in one
/// [`BulkTree`] for the one audit entry.
fn put_bulk_in_parts<'r, T: codec::Versioned + 'r>(
    handle: &Handle<T>,
    records: impl Iterator<Item = (Vec<u8>, &'r T)>,
) -> Result<BulkTree> {
    let mut records = records.peekable();
    let mut all = handle.put_bulk(records.by_ref().take(BULK_PART))?;
    while records.peek().is_some() {
        let part = handle.put_bulk(records.by_ref().take(BULK_PART))?;
        all.records.extend(part.records);
    }
    Ok(all)
}

fn unwrap_tx<T>(r: std::result::Result<T, TransactionError<StoreError>>) -> Result<T> {
    match r {
        Ok(v) => Ok(v),
        Err(TransactionError::Abort(e)) => Err(e),
        Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
    }
}
