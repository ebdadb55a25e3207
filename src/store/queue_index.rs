//! 案件队列 by index (issue 12, items 1 and 4; R-FOLLOW-1). One derived tree,
//! `queue_index`, files every row of the queue under keys that sort in the queue's order
//! and carry nothing that changes with the date, rewritten in the same transaction as any
//! write that changes a summary or a case ([`TxTable::refresh_queue`]). What the date
//! decides (逾期/即将到期/待访/已访, a notice that has ended) is worked out at read time
//! from the keys' days and the counters (`service::queue_index` reads them).
//!
//! Why the day of the last contact is enough: `domain::due::followup_due` for today's
//! month M gives 已访 when M is covered, else 逾期 when M−1 is not covered and the case was
//! recognised by M−1's end, else 待访/即将到期. The latest covered month is always the
//! month of `last_contact`. So for a case recognised no later than the month after its last
//! contact (a *regular* case), with L the last contact: L before M−1 → 逾期; L in M−1 →
//! 待访/即将到期; L in M → 已访, or 待访 once a tier's interval has passed, i.e.
//! L ≤ today − interval (a prefix of the month's days); L after M (a visit dated in a
//! later month than today's, only when today is before it) depends on the months in
//! between: those rows are judged one by one from their summary. Cases never contacted and
//! cases recognised later than the month after their last contact (a re-recognition) have
//! lanes of their own, judged one by one too: both are few (a new recognition waits for
//! its first visit), and judging them exactly keeps the queue equal to the full scan.
//!
//! Keys (township codes are digits and end with a zero byte; names are escaped so that a
//! shorter name sorts first, as `str` does):
//!
//! - `r` ‖ township ‖ 0 ‖ lane ‖ attrs ‖ sort: one row, value a [`QueueMark`] (what the
//!   search matches and what judging a row needs). Lanes `c` regular, `o` re-recognised,
//!   `n` never contacted, with attrs = zero-employment household (0/1) ‖ tier, and sort =
//!   last contact's day ‖ name ‖ case; lane `a` applications, no attrs, sort =
//!   (3 − stage) ‖ applied_on ‖ name ‖ case (the furthest along and oldest first);
//! - `e` ‖ case: the case's [`QueueEntry`], which names its row and counters;
//! - `m` ‖ lane prefix ‖ year ‖ month and `d` ‖ lane prefix ‖ day: regular rows per month
//!   and per day of their last contact ([`QueueTally`]), so the header's counts and each
//!   slice's length are sums of a few counters;
//! - `l` ‖ lane prefix (‖ stage for applications): rows per lane, which also name the
//!   townships and lanes there are;
//! - `s` ‖ kind ‖ term ‖ 0 ‖ case → the row's key ([`QueueHit`]): the search keys ([`SearchKind`]), so a
//!   search is prefix scans over the terms typed, not a scan of the queue;
//! - `basis`: the layout the tree was built with. A tree without it (a store of the
//!   previous version, a demo county just loaded, a restored backup) is built whole on the
//!   first queue request, in one bulk write vouched for by an audit entry with each
//!   record's hash.
//!
//! The change log (item 4) lives in `meta`, beside the data sequence it follows: `qlog` ‖
//! seq → the cases and households that transaction changed ([`QueueLogEntry`]), written by
//! `append_audit` and trimmed to the last [`QUEUE_LOG_KEEP`] sequences in the same write.
//!
//! `check` compares the whole tree against [`Store::expected_queue_index`], the full
//! computation kept as the oracle.

use super::audit::{BulkTree, Change, hash_record};
use super::codec::{Versioned, encode};
use super::derived::{DerivedCheck, Wording};
use super::table::{CASES, Holds, SUMMARIES, Table, TxTable};
use super::{Entry, Result, Stamp, Store, TxResult};
use crate::domain::year_month::YearMonth;
use crate::domain::{
    AssistanceCase, CaseId, CaseSummary, HouseholdId, RecognitionStatus, Tier, TownshipCode,
};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The records of `queue_index` (see the module's documentation).
pub(crate) enum QueueIndex {}
impl Holds<QueueEntry> for QueueIndex {}
impl Holds<QueueMark> for QueueIndex {}
impl Holds<QueueTally> for QueueIndex {}
impl Holds<QueueBasis> for QueueIndex {}
impl Holds<QueueHit> for QueueIndex {}

pub(crate) const QUEUE_INDEX: Table<QueueIndex> = Table::new("queue_index");

const ROW: u8 = b'r';
const ENTRY: u8 = b'e';
const MONTHS: u8 = b'm';
const DAYS: u8 = b'd';
const LANES: u8 = b'l';
const TERMS: u8 = b's';
pub(crate) const BASIS_KEY: &[u8] = b"basis";

/// The change log's keys in `meta`: this prefix and the data sequence.
pub(crate) const QUEUE_LOG_PREFIX: &[u8] = b"qlog";
/// How many data sequences the change log keeps.
pub const QUEUE_LOG_KEEP: u64 = 10_000;

/// Which rows a lane holds (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lane {
    /// Contacted, recognised by the month after the last contact.
    Regular,
    /// Contacted, recognised later than the month after the last contact.
    Rerecognised,
    NeverContacted,
    Applications,
}

impl Lane {
    fn byte(self) -> u8 {
        match self {
            Lane::Regular => b'c',
            Lane::Rerecognised => b'o',
            Lane::NeverContacted => b'n',
            Lane::Applications => b'a',
        }
    }

    fn of_byte(b: u8) -> Option<Lane> {
        Some(match b {
            b'c' => Lane::Regular,
            b'o' => Lane::Rerecognised,
            b'n' => Lane::NeverContacted,
            b'a' => Lane::Applications,
            _ => return None,
        })
    }
}

/// The layout a tree was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueBasis {
    pub layout: u16,
}

/// 2: with the search keys; 3: never-contacted rows with months covered judged apart; 4: search keys name their
/// row.
const BASIS: QueueBasis = QueueBasis { layout: 4 };

/// A row's value: what a search matches, and what judging it without its summary needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueMark {
    pub name: String,
    pub id_tail: String,
    pub phone: String,
    pub recognised_on: Option<NaiveDate>,
    /// Applications: the notice's last day, when one was published.
    pub notice_ends: Option<NaiveDate>,
}

/// A case's place in the tree: its row's key and the counters it counts in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub row: Vec<u8>,
    /// The length of the row key's lane prefix (the rest is the sort).
    pub lane_len: u32,
    pub tallies: Vec<Vec<u8>>,
    /// Its search keys (see [`SearchKind`]).
    pub terms: Vec<Vec<u8>>,
}

/// A search key's value: the row it finds, so a search places its cases without reading
/// their entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueHit {
    pub row: Vec<u8>,
    pub lane_len: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueTally {
    pub count: u64,
}

/// What one data-changing transaction changed, for `QueueChanges`: the cases whose
/// summary or record moved, the households written (a member's row shows the household's
/// zero-employment date), or everything (a bulk load, the county's township names).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueLogEntry {
    pub cases: Vec<CaseId>,
    pub households: Vec<HouseholdId>,
    pub all: bool,
}

impl Versioned for QueueEntry {
    const KIND: &'static str = "queue_entry";
    const VERSION: u16 = 1;
}

impl Versioned for QueueMark {
    const KIND: &'static str = "queue_mark";
    const VERSION: u16 = 1;
}

impl Versioned for QueueHit {
    const KIND: &'static str = "queue_hit";
    const VERSION: u16 = 1;
}

impl Versioned for QueueTally {
    const KIND: &'static str = "queue_tally";
    const VERSION: u16 = 1;
}

impl Versioned for QueueBasis {
    const KIND: &'static str = "queue_basis";
    const VERSION: u16 = 1;
}

impl Versioned for QueueLogEntry {
    const KIND: &'static str = "queue_log";
    const VERSION: u16 = 1;
}

/// A day as four bytes that sort as the days do; 0 is "never", before every date.
pub fn day_key(day: Option<NaiveDate>) -> [u8; 4] {
    let n = day.map_or(0, |d| (i64::from(d.num_days_from_ce()) + (1 << 31)) as u32);
    n.to_be_bytes()
}

fn month_key(m: YearMonth) -> [u8; 3] {
    let y = u16::try_from(m.year).unwrap_or(0).to_be_bytes();
    [y[0], y[1], u8::try_from(m.month).unwrap_or(0)]
}

fn month_of_key(k: &[u8]) -> Option<YearMonth> {
    let y = u16::from_be_bytes([*k.first()?, *k.get(1)?]);
    YearMonth::new(i32::from(y), u32::from(*k.get(2)?))
}

/// A name's bytes, zero bytes escaped, then a terminator: sorts as the names do.
fn name_key(name: &str, out: &mut Vec<u8>) {
    for b in name.bytes() {
        out.push(b);
        if b == 0 {
            out.push(1);
        }
    }
    out.extend_from_slice(&[0, 0]);
}

fn tier_byte(t: Tier) -> u8 {
    t as u8
}

/// How far along the way an application is (the queue lists the furthest first).
pub fn stage(status: RecognitionStatus) -> Option<u8> {
    match status {
        RecognitionStatus::Applied => Some(0),
        RecognitionStatus::InitialReview => Some(1),
        RecognitionStatus::InNotice => Some(2),
        RecognitionStatus::AwaitingRecognition => Some(3),
        _ => None,
    }
}

/// The prefix of a lane's rows: `r` ‖ township ‖ 0 ‖ lane ‖ attrs.
pub fn lane_prefix(township: &TownshipCode, lane: Lane, attrs: Option<(bool, Tier)>) -> Vec<u8> {
    let mut k = vec![ROW];
    k.extend_from_slice(township.0.as_bytes());
    k.push(0);
    k.push(lane.byte());
    if let Some((zero, tier)) = attrs {
        k.push(u8::from(zero));
        k.push(tier_byte(tier));
    }
    k
}

/// The counter key of a lane prefix under `kind` (its first byte replaced).
fn tally_key(kind: u8, prefix: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut k = vec![kind];
    k.extend_from_slice(prefix.get(1..).unwrap_or_default());
    k.extend_from_slice(tail);
    k
}

fn entry_key(case: CaseId) -> Vec<u8> {
    let mut k = vec![ENTRY];
    k.extend_from_slice(&case.to_key());
    k
}

/// The change log's key of data sequence `seq` (in `meta`).
pub(crate) fn log_key(seq: u64) -> Vec<u8> {
    let mut k = QUEUE_LOG_PREFIX.to_vec();
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// Where a case is filed: its row's key, the length of the key's lane prefix, the row's
/// value and the counters it counts in.
struct Filed {
    row: Vec<u8>,
    lane_len: usize,
    mark: QueueMark,
    tallies: Vec<Vec<u8>>,
    terms: Vec<Vec<u8>>,
}

/// A case's row: its key, lane prefix length, value and counters; none for a case the
/// queue does not list. `case_facts` is the case's `applied_on` and notice end, read only
/// for applications.
fn derive(
    s: &CaseSummary,
    case_facts: impl FnOnce() -> Option<(NaiveDate, Option<NaiveDate>)>,
) -> Option<Filed> {
    let mut mark = QueueMark {
        name: s.name.clone(),
        id_tail: s.id_number.tail4().to_string(),
        phone: s.phone.clone(),
        recognised_on: s.recognised_on,
        notice_ends: None,
    };
    let attrs = Some((s.zero_employment_household, s.tier));
    let (prefix, sort, tallies) = if s.status == RecognitionStatus::Recognised {
        let on = s.recognised_on?;
        let lane = match s.last_contact {
            // Judged from the row's value alone: nothing covered, nothing contacted.
            None if s.covered.is_empty() => Lane::NeverContacted,
            None => Lane::Rerecognised,
            Some(l) if YearMonth::of(on) <= YearMonth::of(l).next() => Lane::Regular,
            Some(_) => Lane::Rerecognised,
        };
        let prefix = lane_prefix(&s.township, lane, attrs);
        let day = day_key(s.last_contact);
        let mut sort = day.to_vec();
        name_key(&s.name, &mut sort);
        sort.extend_from_slice(&s.case.to_key());
        let mut tallies = vec![tally_key(LANES, &prefix, &[])];
        if let (Lane::Regular, Some(l)) = (lane, s.last_contact) {
            tallies.push(tally_key(MONTHS, &prefix, &month_key(YearMonth::of(l))));
            tallies.push(tally_key(DAYS, &prefix, &day));
        }
        (prefix, sort, tallies)
    } else {
        let stage = stage(s.status)?;
        let (applied_on, notice_ends) = case_facts()?;
        mark.notice_ends = notice_ends;
        let prefix = lane_prefix(&s.township, Lane::Applications, None);
        let mut sort = vec![3 - stage];
        sort.extend_from_slice(&day_key(Some(applied_on)));
        name_key(&s.name, &mut sort);
        sort.extend_from_slice(&s.case.to_key());
        let tallies = vec![tally_key(LANES, &prefix, &[3 - stage])];
        (prefix, sort, tallies)
    };
    let lane_len = prefix.len();
    let mut row = prefix;
    row.extend_from_slice(&sort);
    let terms = search_terms(&mark, s.case);
    Some(Filed {
        row,
        lane_len,
        mark,
        tallies,
        terms,
    })
}

/// What a search key indexes: each holds terms whose prefixes a query is looked up by
/// (`domain::name_search::matches` says what matches; the service checks every row found
/// with it, so the keys need only find every row that matches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// Every suffix of the name: a name contains a text iff one of its suffixes starts
    /// with it.
    Name,
    /// From each character of the name, the letters of up to [`INITIALS_INDEXED`]
    /// characters' initials, every reading combined (a character has a few initials at
    /// most, so a start has at most a few hundred keys, mostly one).
    Initials,
    /// Every suffix of the phone number.
    Phone,
    /// Each ending of the ID number's last four (lowercase), looked up whole.
    IdTail,
}

/// How many characters' initials a search key holds: a longer query is looked up by its
/// first letters, and its rows checked.
pub const INITIALS_INDEXED: usize = 4;

impl SearchKind {
    fn byte(self) -> u8 {
        match self {
            SearchKind::Name => b'n',
            SearchKind::Initials => b'i',
            SearchKind::Phone => b'p',
            SearchKind::IdTail => b't',
        }
    }
}

fn term_key(kind: SearchKind, term: &[u8], case: CaseId) -> Vec<u8> {
    let mut k = vec![TERMS, kind.byte()];
    k.extend_from_slice(term);
    k.push(0);
    k.extend_from_slice(&case.to_key());
    k
}

/// A row's search keys.
fn search_terms(mark: &QueueMark, case: CaseId) -> Vec<Vec<u8>> {
    let mut out = BTreeSet::new();
    for (i, _) in mark.name.char_indices() {
        out.insert(term_key(SearchKind::Name, &mark.name.as_bytes()[i..], case));
    }
    let sets = crate::domain::name_search::initials(&mark.name);
    for i in 0..sets.len() {
        let end = (i + INITIALS_INDEXED).min(sets.len());
        let mut combos: Vec<String> = vec![String::new()];
        for set in &sets[i..end] {
            let mut next = Vec::new();
            for c in &combos {
                for l in set.chars() {
                    let mut s = c.clone();
                    s.push(l);
                    next.push(s);
                }
            }
            combos = next;
        }
        for c in combos {
            out.insert(term_key(SearchKind::Initials, c.as_bytes(), case));
        }
    }
    for (i, _) in mark.phone.char_indices() {
        out.insert(term_key(
            SearchKind::Phone,
            &mark.phone.as_bytes()[i..],
            case,
        ));
    }
    let tail = mark.id_tail.to_lowercase();
    for (i, _) in tail.char_indices() {
        out.insert(term_key(SearchKind::IdTail, &tail.as_bytes()[i..], case));
    }
    out.into_iter().collect()
}

fn facts_of(c: &AssistanceCase) -> (NaiveDate, Option<NaiveDate>) {
    (c.applied_on, c.notice().map(|n| n.ends))
}

impl TxTable<'_, QueueIndex> {
    fn bump(&self, key: &[u8], by: i64) -> TxResult<()> {
        let now = self.get::<QueueTally>(key)?.map_or(0, |(t, _)| t.count);
        let next = now.saturating_add_signed(by);
        if next == 0 {
            self.remove(key)
        } else {
            self.put_unaudited(key, &QueueTally { count: next })
        }
    }

    /// Files again every case `changes` wrote a summary or a case record of, from the
    /// summaries and cases as this transaction leaves them. Nothing while the tree is not
    /// built (it is built whole before it is read).
    pub(crate) fn refresh_queue(
        &self,
        summaries: &TxTable<CaseSummary>,
        cases: &TxTable<AssistanceCase>,
        changes: &[Change],
    ) -> TxResult<()> {
        if self.get::<QueueBasis>(BASIS_KEY)?.map(|(b, _)| b) != Some(BASIS) {
            return Ok(());
        }
        let touched: BTreeSet<CaseId> = changes
            .iter()
            .filter(|c| c.tree == SUMMARIES.name() || c.tree == CASES.name())
            .filter_map(|c| CaseId::from_key(&c.key))
            .collect();
        for case in touched {
            let ck = case.to_key();
            let summary: Option<(CaseSummary, _)> = summaries.get(&ck)?;
            let mut facts_err = None;
            let new = match &summary {
                Some((s, _)) => derive(s, || match cases.get::<AssistanceCase>(&ck) {
                    Ok(c) => c.map(|(c, _)| facts_of(&c)),
                    Err(e) => {
                        facts_err = Some(e);
                        None
                    }
                }),
                None => None,
            };
            if let Some(e) = facts_err {
                return Err(e);
            }
            self.replace(case, new)?;
        }
        Ok(())
    }

    fn replace(&self, case: CaseId, new: Option<Filed>) -> TxResult<()> {
        let ek = entry_key(case);
        let old: Option<(QueueEntry, _)> = self.get(&ek)?;
        if let Some((old, _)) = &old {
            if let Some(f) = &new
                && f.row == old.row
                && f.tallies == old.tallies
                && f.terms == old.terms
            {
                // Same place: only what the row shows may have moved.
                self.put_unaudited(&f.row, &f.mark)?;
                return Ok(());
            }
            self.remove(&old.row)?;
            for t in &old.tallies {
                self.bump(t, -1)?;
            }
            for t in &old.terms {
                self.remove(t)?;
            }
        }
        match new {
            Some(Filed {
                row,
                lane_len,
                mark,
                tallies,
                terms,
            }) => {
                self.put_unaudited(&row, &mark)?;
                for t in &tallies {
                    self.bump(t, 1)?;
                }
                let lane_len = u32::try_from(lane_len).unwrap_or(u32::MAX);
                let hit = QueueHit {
                    row: row.clone(),
                    lane_len,
                };
                for t in &terms {
                    self.put_unaudited(t, &hit)?;
                }
                let entry = QueueEntry {
                    row,
                    lane_len,
                    tallies,
                    terms,
                };
                self.put_unaudited(&ek, &entry)
            }
            None => {
                if old.is_some() {
                    self.remove(&ek)?;
                }
                Ok(())
            }
        }
    }
}

/// What a transaction's audit changes name for the change log.
pub(crate) fn log_entry_of(changes: &[Change]) -> QueueLogEntry {
    let mut cases = BTreeSet::new();
    let mut households = BTreeSet::new();
    let mut all = false;
    for c in changes {
        if c.tree == SUMMARIES.name() || c.tree == CASES.name() {
            cases.extend(CaseId::from_key(&c.key));
        } else if c.tree == super::table::HOUSEHOLDS.name() {
            households.extend(HouseholdId::from_key(&c.key));
        } else if c.tree == super::table::META.name() && c.key == super::COUNTY_KEY {
            all = true;
        }
    }
    QueueLogEntry {
        cases: cases.into_iter().collect(),
        households: households.into_iter().collect(),
        all,
    }
}

/// How many cases a build or a load files per batch written.
const BUILD_BATCH: usize = 4096;

/// Rows being filed in batches: the batch not yet written, the counters so far and, for a
/// build's audit entry, the hashes of the records written.
#[derive(Default)]
struct Filing {
    batch: sled::Batch,
    pending: usize,
    rows: u64,
    tallies: BTreeMap<Vec<u8>, u64>,
    hashes: Vec<(Vec<u8>, [u8; 32])>,
    hashed: bool,
}

impl Filing {
    /// Adds one case's row, entry and search keys to the batch (`hash`: keep the row's
    /// and the entry's hashes; search keys repeat their row's key, so they are left out).
    fn file(&mut self, case: CaseId, f: Filed, hash: bool) {
        let Filed {
            row,
            lane_len,
            mark,
            tallies,
            terms,
        } = f;
        self.hashed = hash;
        for t in &tallies {
            *self.tallies.entry(t.clone()).or_default() += 1;
        }
        let lane_len = u32::try_from(lane_len).unwrap_or(u32::MAX);
        let hit = encode(&QueueHit {
            row: row.clone(),
            lane_len,
        });
        for t in &terms {
            self.batch.insert(t.as_slice(), hit.as_slice());
        }
        let mark = encode(&mark);
        let ek = entry_key(case);
        let entry = encode(&QueueEntry {
            row: row.clone(),
            lane_len,
            tallies,
            terms,
        });
        if hash {
            self.hashes.push((row.clone(), hash_record(&mark)));
            self.hashes.push((ek.clone(), hash_record(&entry)));
        }
        self.batch.insert(row, mark);
        self.batch.insert(ek, entry);
        self.pending += 1;
        self.rows += 1;
    }

    /// Writes the batch.
    fn apply(&mut self, tree: &sled::Tree) -> Result<()> {
        if self.pending > 0 {
            tree.apply_batch(std::mem::take(&mut self.batch))?;
            self.pending = 0;
        }
        Ok(())
    }

    /// Writes the counters (`add`: onto those the tree holds) and then the basis, and gives
    /// back the hashes, with the counters' and the basis's.
    fn finish(&mut self, tree: &sled::Tree, add: bool) -> Result<Vec<(Vec<u8>, [u8; 32])>> {
        let mut batch = sled::Batch::default();
        for (k, count) in std::mem::take(&mut self.tallies) {
            let before = if add {
                match tree.get(&k)? {
                    Some(v) => QUEUE_INDEX.decode::<QueueTally>(&k, &v)?.count,
                    None => 0,
                }
            } else {
                0
            };
            let v = encode(&QueueTally {
                count: before + count,
            });
            if self.hashed {
                self.hashes.push((k.clone(), hash_record(&v)));
            }
            batch.insert(k, v);
        }
        tree.apply_batch(batch)?;
        let basis = encode(&BASIS);
        if self.hashed || !add {
            self.hashes.push((BASIS_KEY.to_vec(), hash_record(&basis)));
        }
        tree.insert(BASIS_KEY, basis)?;
        Ok(std::mem::take(&mut self.hashes))
    }
}

/// One lane of one township, as its counters name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneInfo {
    pub township: TownshipCode,
    pub lane: Lane,
    /// Zero-employment household and tier, for the lanes of recognised cases.
    pub attrs: Option<(bool, Tier)>,
    /// Rows per stage for applications (index = 3 − stage), else `[rows, 0, 0, 0]`.
    pub rows: [u64; 4],
    pub prefix: Vec<u8>,
}

/// A row as a range scan finds it: its sort bytes (the key after the lane prefix), case
/// and value.
#[derive(Clone)]
pub struct IndexedRow {
    pub sort: Vec<u8>,
    pub case: CaseId,
    pub mark: sled::IVec,
    pub key: sled::IVec,
}

fn tier_of_byte(b: u8) -> Option<Tier> {
    Tier::ALL.get(usize::from(b)).copied()
}

impl Store {
    /// Whether the tree is built, in this program's layout.
    pub fn queue_index_built(&self) -> Result<bool> {
        Ok(self.queue_index.get::<QueueBasis>(BASIS_KEY)? == Some(BASIS))
    }

    /// Every lane of the townships `covers` accepts, with its rows counted.
    pub fn queue_lanes(&self, covers: &dyn Fn(&TownshipCode) -> bool) -> Result<Vec<LaneInfo>> {
        let mut out: Vec<LaneInfo> = Vec::new();
        for kv in self.queue_index.scan_prefix([LANES]) {
            let (k, v) = kv?;
            let tally: QueueTally = QUEUE_INDEX.decode(&k, &v)?;
            let Some(zero_at) = k.iter().skip(1).position(|b| *b == 0).map(|p| p + 1) else {
                continue;
            };
            let township = TownshipCode(String::from_utf8_lossy(&k[1..zero_at]).into_owned());
            if !covers(&township) {
                continue;
            }
            let rest = &k[zero_at + 1..];
            let Some(lane) = rest.first().copied().and_then(Lane::of_byte) else {
                continue;
            };
            let (attrs, slot) = if lane == Lane::Applications {
                (None, rest.get(1).map_or(0, |s| usize::from(*s).min(3)))
            } else {
                let zero = rest.get(1).is_some_and(|z| *z == 1);
                let Some(tier) = rest.get(2).copied().and_then(tier_of_byte) else {
                    continue;
                };
                (Some((zero, tier)), 0)
            };
            let prefix = lane_prefix(&township, lane, attrs);
            match out.last_mut() {
                Some(last) if last.prefix == prefix => last.rows[slot] += tally.count,
                _ => {
                    let mut rows = [0; 4];
                    rows[slot] = tally.count;
                    out.push(LaneInfo {
                        township,
                        lane,
                        attrs,
                        rows,
                        prefix,
                    });
                }
            }
        }
        Ok(out)
    }

    /// A regular lane's rows per month of their last contact.
    pub fn queue_months(&self, prefix: &[u8]) -> Result<Vec<(YearMonth, u64)>> {
        let mut out = Vec::new();
        let p = tally_key(MONTHS, prefix, &[]);
        for kv in self.queue_index.scan_prefix(&p) {
            let (k, v) = kv?;
            let tally: QueueTally = QUEUE_INDEX.decode(&k, &v)?;
            if let Some(m) = k.get(p.len()..).and_then(month_of_key) {
                out.push((m, tally.count));
            }
        }
        Ok(out)
    }

    /// A regular lane's rows last contacted on a day in `from..to`.
    pub fn queue_days(&self, prefix: &[u8], from: NaiveDate, to: NaiveDate) -> Result<u64> {
        let lo = tally_key(DAYS, prefix, &day_key(Some(from)));
        let hi = tally_key(DAYS, prefix, &day_key(Some(to)));
        let mut n = 0;
        for kv in self.queue_index.range(lo..hi) {
            let (k, v) = kv?;
            let tally: QueueTally = QUEUE_INDEX.decode(&k, &v)?;
            n += tally.count;
        }
        Ok(n)
    }

    /// A regular lane's rows whose last contact's day key is in `lo..hi` (four-byte day
    /// keys; `lo` empty: from the first).
    pub fn queue_day_count(&self, prefix: &[u8], lo: &[u8], hi: &[u8]) -> Result<u64> {
        let from = tally_key(DAYS, prefix, lo);
        let to = tally_key(DAYS, prefix, hi);
        let mut n = 0;
        for kv in self.queue_index.range(from..to) {
            let (k, v) = kv?;
            let tally: QueueTally = QUEUE_INDEX.decode(&k, &v)?;
            n += tally.count;
        }
        Ok(n)
    }

    /// A regular lane's rows per day of the last contact, for day keys in `lo..hi` (`hi`
    /// none: to the last).
    pub fn queue_day_counts(
        &self,
        prefix: &[u8],
        lo: &[u8],
        hi: Option<&[u8]>,
    ) -> Result<Vec<([u8; 4], u64)>> {
        let from = tally_key(DAYS, prefix, lo);
        let to = tally_key(DAYS, prefix, hi.unwrap_or(&[0xFF; 5]));
        let skip = from.len() - lo.len();
        let mut out = Vec::new();
        for kv in self.queue_index.range(from..to) {
            let (k, v) = kv?;
            let tally: QueueTally = QUEUE_INDEX.decode(&k, &v)?;
            if let Some(day) = k.get(skip..).and_then(|d| <[u8; 4]>::try_from(d).ok()) {
                out.push((day, tally.count));
            }
        }
        Ok(out)
    }

    /// The rows of a lane whose sort bytes are in `lo..hi` (`hi` none: to the lane's end),
    /// in order, undecoded.
    pub fn queue_rows(
        &self,
        prefix: &[u8],
        lo: &[u8],
        hi: Option<&[u8]>,
    ) -> impl DoubleEndedIterator<Item = Result<IndexedRow>> + use<> {
        let mut from = prefix.to_vec();
        from.extend_from_slice(lo);
        let to = match hi {
            Some(hi) => {
                let mut to = prefix.to_vec();
                to.extend_from_slice(hi);
                to
            }
            None => {
                let mut to = prefix.to_vec();
                to.push(0xFF);
                to
            }
        };
        let skip = prefix.len();
        self.queue_index.range(from..to).map(move |kv| {
            let (k, v) = kv?;
            let case = k
                .len()
                .checked_sub(8)
                .and_then(|at| CaseId::from_key(&k[at..]))
                .unwrap_or(CaseId(0));
            Ok(IndexedRow {
                sort: k.get(skip..).unwrap_or_default().to_vec(),
                case,
                mark: v,
                key: k,
            })
        })
    }

    /// The cases whose `kind` search keys start with `prefix` (`whole`: are exactly it),
    /// each with the row it is filed under.
    pub fn queue_search(
        &self,
        kind: SearchKind,
        prefix: &[u8],
        whole: bool,
    ) -> Result<BTreeMap<CaseId, QueueHit>> {
        let mut p = vec![TERMS, kind.byte()];
        p.extend_from_slice(prefix);
        if whole {
            p.push(0);
        }
        let mut out = BTreeMap::new();
        for kv in self.queue_index.scan_prefix(&p) {
            let (k, v) = kv?;
            let Some(case) = k
                .len()
                .checked_sub(8)
                .and_then(|at| CaseId::from_key(&k[at..]))
            else {
                continue;
            };
            if let std::collections::btree_map::Entry::Vacant(slot) = out.entry(case) {
                slot.insert(QUEUE_INDEX.decode(&k, &v)?);
            }
        }
        Ok(out)
    }

    /// A row's value by its key.
    pub fn queue_mark_at(&self, row: &[u8]) -> Result<Option<QueueMark>> {
        self.queue_index.get(row)
    }

    /// Decodes a row's value.
    pub fn queue_mark(&self, row: &IndexedRow) -> Result<QueueMark> {
        QUEUE_INDEX.decode(&row.key, &row.mark)
    }

    /// A case's entry: its row key and the length of its lane prefix.
    pub fn queue_entry(&self, case: CaseId) -> Result<Option<QueueEntry>> {
        self.queue_index.get(&entry_key(case))
    }

    /// The change log's entries for data sequences `from..=to`; `None` when one is missing
    /// (trimmed, or written before the log existed).
    pub fn queue_log(&self, from: u64, to: u64) -> Result<Option<Vec<QueueLogEntry>>> {
        let mut out = Vec::new();
        if from > to {
            return Ok(Some(out));
        }
        let mut want = from;
        for kv in self.meta.range(log_key(from)..=log_key(to)) {
            let (k, v) = kv?;
            let entry: QueueLogEntry = super::table::META.decode(&k, &v)?;
            let seq = k
                .get(QUEUE_LOG_PREFIX.len()..)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes);
            if seq != Some(want) {
                return Ok(None);
            }
            want += 1;
            out.push(entry);
        }
        Ok((want == to + 1).then_some(out))
    }

    /// Every record `queue_index` should hold, computed from the summaries and cases: what
    /// a build writes and what `check` compares the tree against.
    pub fn expected_queue_index(
        &self,
        progress: &mut dyn FnMut(u64),
    ) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
        let mut out = BTreeMap::new();
        let mut tallies: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let mut read = 0u64;
        for kv in self.summaries.iter() {
            let (k, v) = kv?;
            let s: CaseSummary = SUMMARIES.decode(&k, &v)?;
            read += 1;
            if read.is_multiple_of(4096) {
                progress(read);
            }
            let mut failed = None;
            let derived = derive(&s, || match self.case(s.case) {
                Ok(c) => c.map(|c| facts_of(&c)),
                Err(e) => {
                    failed = Some(e);
                    None
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            let Some(Filed {
                row,
                lane_len,
                mark,
                tallies: ts,
                terms,
            }) = derived
            else {
                continue;
            };
            for t in &ts {
                *tallies.entry(t.clone()).or_default() += 1;
            }
            let lane_len = u32::try_from(lane_len).unwrap_or(u32::MAX);
            let hit = encode(&QueueHit {
                row: row.clone(),
                lane_len,
            });
            for t in &terms {
                out.insert(t.clone(), hit.clone());
            }
            out.insert(row.clone(), encode(&mark));
            let entry = QueueEntry {
                row,
                lane_len,
                tallies: ts,
                terms,
            };
            out.insert(entry_key(s.case), encode(&entry));
        }
        for (k, count) in tallies {
            out.insert(k, encode(&QueueTally { count }));
        }
        out.insert(BASIS_KEY.to_vec(), encode(&BASIS));
        Ok(out)
    }

    /// Builds `queue_index` whole unless it is built: the first queue request on a store
    /// of the previous version, or after a restore. The tree is cleared, then filled in
    /// batches of [`BUILD_BATCH`] cases as the summaries are read (no county-wide map in
    /// memory: only the counters and the records' hashes are kept), the counters and the
    /// basis last, so a build cut short is built again. One audit entry holds each
    /// record's hash (left out while the audit anchor is at fault; the tree is derived, so
    /// `check` judges it against the records either way). A progress line on stderr for a
    /// big store.
    pub fn ensure_queue_index(&self, stamp: &Stamp) -> Result<bool> {
        if self.queue_index_built()? {
            return Ok(false);
        }
        let total = self.summaries.len();
        let loud = total >= 20_000;
        let bar = loud.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_message("正在建立回访队列索引");
            bar
        });
        self.queue_index.clear()?;
        let mut filing = Filing::default();
        let mut read = 0u64;
        for kv in self.summaries.iter() {
            let (k, v) = kv?;
            let s: CaseSummary = SUMMARIES.decode(&k, &v)?;
            read += 1;
            let mut failed = None;
            let derived = derive(&s, || match self.case(s.case) {
                Ok(c) => c.map(|c| facts_of(&c)),
                Err(e) => {
                    failed = Some(e);
                    None
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            if let Some(f) = derived {
                filing.file(s.case, f, true);
            }
            if filing.pending >= BUILD_BATCH {
                filing.apply(&self.queue_index)?;
                if let Some(bar) = &bar {
                    bar.set_position(read);
                }
            }
        }
        filing.apply(&self.queue_index)?;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let mut hashes = filing.finish(&self.queue_index, false)?;
        hashes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let rows = filing.rows;
        if self.anchor_fault().is_none() {
            let bulk = BulkTree {
                tree: QUEUE_INDEX.name().to_string(),
                records: hashes,
            };
            self.audit_bulk(
                Entry::AuditOnly,
                stamp,
                "建立回访队列索引",
                format!("{rows} 行"),
                Vec::new(),
                vec![bulk],
            )?;
        } else {
            self.flush()?;
        }
        if loud {
            eprintln!("回访队列索引已建立：{rows} 行");
        }
        Ok(true)
    }

    /// Whether a bulk load may file its own rows in `queue_index` (asked before it writes):
    /// the tree is built, or it is empty and so are the summaries (a new store), so that
    /// the load's rows are all the tree lacks.
    pub(crate) fn queue_index_takes_load(&self) -> Result<bool> {
        Ok(self.queue_index_built()? || (self.queue_index.is_empty() && self.summaries.is_empty()))
    }

    /// Files a bulk load's rows (`summaries`, with `cases` for the applications' dates) in
    /// batches, adding to the counters there are, and marks the tree built: a county just
    /// generated needs no build. The caller asked [`Store::queue_index_takes_load`] first;
    /// a case already filed (a load over records there are) makes the tree be built whole
    /// on the next request instead.
    pub(crate) fn file_loaded(
        &self,
        summaries: &[CaseSummary],
        cases: &[AssistanceCase],
    ) -> Result<()> {
        let facts: std::collections::HashMap<CaseId, (NaiveDate, Option<NaiveDate>)> =
            cases.iter().map(|c| (c.id, facts_of(c))).collect();
        for s in summaries {
            if self.queue_index.contains_key(entry_key(s.case))? {
                return self.drop_queue_basis();
            }
        }
        let mut filing = Filing::default();
        for s in summaries {
            let mut failed = None;
            let derived = derive(s, || match facts.get(&s.case) {
                Some(f) => Some(*f),
                None => match self.case(s.case) {
                    Ok(c) => c.map(|c| facts_of(&c)),
                    Err(e) => {
                        failed = Some(e);
                        None
                    }
                },
            });
            if let Some(e) = failed {
                return Err(e);
            }
            if let Some(f) = derived {
                filing.file(s.case, f, false);
            }
            if filing.pending >= BUILD_BATCH {
                filing.apply(&self.queue_index)?;
            }
        }
        filing.apply(&self.queue_index)?;
        filing.finish(&self.queue_index, true)?;
        Ok(())
    }

    /// Forgets that the tree is built, so the next queue request builds it whole (after a
    /// bulk load over records the tree holds; and what a store of the previous version
    /// looks like, for tests).
    pub fn drop_queue_basis(&self) -> Result<()> {
        self.queue_index.remove(BASIS_KEY)?;
        Ok(())
    }
}

/// A key of `queue_index` in words.
fn label(key: &[u8]) -> String {
    let case_at_end = || {
        key.len()
            .checked_sub(8)
            .and_then(|at| CaseId::from_key(&key[at..]))
            .map_or_else(String::new, |c| c.to_string())
    };
    let what = match key.first() {
        Some(&ENTRY) => format!(
            "案件 {}",
            key.get(1..)
                .and_then(CaseId::from_key)
                .map_or_else(String::new, |c| c.to_string())
        ),
        Some(&ROW) => format!("案件 {} 的队列行", case_at_end()),
        Some(&MONTHS) | Some(&DAYS) | Some(&LANES) => "队列计数".to_string(),
        Some(&TERMS) => format!("案件 {} 的搜索键", case_at_end()),
        _ => String::from_utf8_lossy(key).into_owned(),
    };
    format!("{}/{what}", QUEUE_INDEX.name())
}

impl Store {
    /// `queue_index` against [`Store::expected_queue_index`], record by record.
    pub(crate) fn check_queue_index(&self) -> Result<DerivedCheck> {
        let mut check = DerivedCheck::of(&self.queue_index);
        match self.queue_index_built() {
            Ok(true) => {}
            Ok(false) => {
                check
                    .warnings
                    .push("回访队列索引尚未建立（下次查看队列时建立）".to_string());
                return Ok(check);
            }
            Err(e) => {
                check.problems.push(e.to_string());
                return Ok(check);
            }
        }
        // A record that cannot be read is a problem of this tree's too, not the end of the
        // check: the trees after it are still checked (and name the record themselves).
        let expected = match self.expected_queue_index(&mut |_| {}) {
            Ok(expected) => expected,
            Err(e) => {
                check.problems.push(format!("回访队列索引无法核对：{e}"));
                return Ok(check);
            }
        };
        let words = Wording {
            label,
            stray: "不应存在（案件记录中没有这一行）",
            differs: "与案件或摘要记录不符",
        };
        check.compare(&self.queue_index, |_| true, expected, &words)?;
        Ok(check)
    }
}
