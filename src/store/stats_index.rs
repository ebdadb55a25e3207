//! 统计 kept at save time (issue 15, item 2; 第(十三)条). One derived tree, `stats_index`,
//! holds each case's and household's dated entries (`domain::stats_entries`) and the sums
//! of those entries per township and month, rewritten in the same transaction as any write
//! that changes a case, a summary, a person or a household ([`TxTable::refresh_stats`]).
//! A month's table is then a few hundred counters added up, whatever the county's size.
//!
//! Keys:
//! - `e` ‖ case → [`CaseStats`]: the case's township, person and entries;
//! - `h` ‖ household → [`HouseholdStats`];
//! - `p` ‖ person → [`PersonCases`]: the cases of a person, so that a write that changes
//!   only the person (its work status, its ability or will to work) finds every case whose
//!   figures move with it;
//! - `g` ‖ person → [`LedgerStats`]: the entries of the person's ledger (posts, dated
//!   payments), counted in the township of the person's household;
//! - `l` ‖ lead key → [`LeadStats`]: a lead's entries (found, disposition by month), in its
//!   township, or 未分配 ([`UNASSIGNED`]);
//! - `t` ‖ township ‖ 0 ‖ year ‖ month → [`MonthCounter`]: the township's sums for the month;
//! - `basis`: the settings the entries were made with. A tree without it (a store of the
//!   previous version, a county just loaded, a restored backup) or with other numbers is
//!   built again whole, vouched for by an audit entry with each record's hash.
//!
//! A write's change dated in a month already closed on the day of the write (its late-entry
//! window over) is carried into the first open month ([`clamp`]): a closed month's counters
//! are never written again, so its figures stay as they were when it closed. A rebuild
//! starts from the records again.
//!
//! `check` compares the entries record by record with [`Store::expected_stats_index`], and
//! the open months' figures read from the counters with those read from the expected ones.

use super::audit::Change;
use super::codec::{Versioned, encode};
use super::derived::{DerivedCheck, Wording};
use super::table::{CASES, HOUSEHOLDS, Holds, LEADS, LEDGERS, PERSONS, SUMMARIES, Table, TxTable};
use super::{Result, Stamp, Store, TxResult};
use crate::domain::lead::Lead;
use crate::domain::ledger::Ledger;
use crate::domain::stats::PersonFacts;
use crate::domain::stats_entries::{
    Entry, Tally, case_entries, clamp, difference, figures, first_open_month, household_entries,
    lead_entries, ledger_entries, slot,
};
use crate::domain::year_month::YearMonth;
use crate::domain::{
    AssistanceCase, CaseId, CaseSummary, Household, HouseholdId, Person, PersonId, TownshipCode,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The records of `stats_index` (see the module's documentation).
pub(crate) enum StatsIndex {}
impl Holds<CaseStats> for StatsIndex {}
impl Holds<HouseholdStats> for StatsIndex {}
impl Holds<PersonCases> for StatsIndex {}
impl Holds<MonthCounter> for StatsIndex {}
impl Holds<StatsBasis> for StatsIndex {}
impl Holds<LedgerStats> for StatsIndex {}
impl Holds<LeadStats> for StatsIndex {}

pub(crate) const STATS_INDEX: Table<StatsIndex> = Table::new("stats_index");

const CASE: u8 = b'e';
const HOUSEHOLD: u8 = b'h';
const PERSON: u8 = b'p';
const COUNTER: u8 = b't';
const LEDGER: u8 = b'g';
const LEAD: u8 = b'l';

/// The township code the counters of leads with no township are kept under (未分配): no
/// county's township has an empty code.
pub const UNASSIGNED: &str = "";
const BASIS_KEY: &[u8] = b"basis";

/// The revision of how entries are made: a tree of another revision is built again.
/// 2: each kept case and household holds the name the drill-down's list sorts by.
/// 3: ledgers (posts, payments) and leads are counted too.
pub const STATS_REVISION: u32 = 3;

/// What the entries were made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsBasis {
    pub revision: u32,
    /// R-ZERO-2's clearance window, which dates "past the deadline".
    pub zero_clearance_days: u32,
    /// How long a month stays open after it ends (第(五)条 每月回访).
    pub late_entry_days: u32,
}

impl StatsBasis {
    pub fn new(zero_clearance_days: u32, late_entry_days: u32) -> Self {
        Self {
            revision: STATS_REVISION,
            zero_clearance_days,
            late_entry_days,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStats {
    pub township: TownshipCode,
    pub person: PersonId,
    /// The person's name, as the summary holds it: the drill-down's list sorts by it.
    pub name: String,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdStats {
    pub township: TownshipCode,
    /// The first member, who names the household in the drill-down's list, and their name.
    pub first: Option<PersonId>,
    pub name: String,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerStats {
    /// The township of the person's household.
    pub township: TownshipCode,
    pub household: HouseholdId,
    pub name: String,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadStats {
    /// The lead's township, or [`UNASSIGNED`].
    pub township: TownshipCode,
    /// The lead's number, by which the list names it.
    pub lead: u64,
    pub name: String,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonCases {
    pub cases: Vec<CaseId>,
}

/// A township's sums for one month, one number per [`slot`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCounter {
    pub tally: Vec<i64>,
}

impl MonthCounter {
    fn tally(&self) -> Tally {
        let mut t = [0i64; slot::COUNT];
        for (a, b) in t.iter_mut().zip(&self.tally) {
            *a = *b;
        }
        t
    }
}

impl Versioned for CaseStats {
    const KIND: &'static str = "stats_case";
    const VERSION: u16 = 2;
}
impl Versioned for HouseholdStats {
    const KIND: &'static str = "stats_household";
    const VERSION: u16 = 2;
}
impl Versioned for LedgerStats {
    const KIND: &'static str = "stats_ledger";
    const VERSION: u16 = 1;
}
impl Versioned for LeadStats {
    const KIND: &'static str = "stats_lead";
    const VERSION: u16 = 1;
}
impl Versioned for PersonCases {
    const KIND: &'static str = "stats_person";
    const VERSION: u16 = 1;
}
impl Versioned for MonthCounter {
    const KIND: &'static str = "stats_counter";
    const VERSION: u16 = 1;
}
impl Versioned for StatsBasis {
    const KIND: &'static str = "stats_basis";
    const VERSION: u16 = 1;
}

fn tagged(tag: u8, id: [u8; 8]) -> Vec<u8> {
    let mut k = vec![tag];
    k.extend_from_slice(&id);
    k
}

fn counter_prefix(township: &TownshipCode) -> Vec<u8> {
    let mut k = vec![COUNTER];
    k.extend_from_slice(township.0.as_bytes());
    k.push(0);
    k
}

fn counter_key(township: &TownshipCode, month: YearMonth) -> Vec<u8> {
    let mut k = counter_prefix(township);
    k.extend_from_slice(&u16::try_from(month.year).unwrap_or(0).to_be_bytes());
    k.push(u8::try_from(month.month).unwrap_or(0));
    k
}

/// The township and month of a counter's key.
fn parse_counter_key(key: &[u8]) -> Option<(TownshipCode, YearMonth)> {
    let rest = key.strip_prefix(&[COUNTER])?;
    let zero = rest.iter().position(|b| *b == 0)?;
    let township = std::str::from_utf8(&rest[..zero]).ok()?;
    let tail = rest.get(zero + 1..zero + 4)?;
    let year = i32::from(u16::from_be_bytes([tail[0], tail[1]]));
    let month = YearMonth::new(year, u32::from(tail[2]))?;
    Some((TownshipCode(township.to_string()), month))
}

fn facts_of(person: &Person) -> PersonFacts {
    PersonFacts {
        able_to_work: person.labour.can_work(),
        willing_to_work: person.willing_to_work,
        work_status: person.work_status,
    }
}

/// A person's ledger's kept record with `entries`, counted where the person lives: their
/// household's township, the household and the person's name. None for a person or
/// household not on file.
fn ledger_stats(
    (persons, households): (&TxTable<Person>, &TxTable<Household>),
    person: PersonId,
    entries: Vec<Entry>,
) -> TxResult<Option<LedgerStats>> {
    let Some((p, _)) = persons.get::<Person>(&person.to_key())? else {
        return Ok(None);
    };
    Ok(households
        .get::<Household>(&p.household.to_key())?
        .map(|(h, _)| LedgerStats {
            township: h.township,
            household: h.id,
            name: p.name,
            entries,
        }))
}

/// Changes to counters, by township and month, before they are written.
#[derive(Default)]
struct Moves(BTreeMap<(TownshipCode, YearMonth), Tally>);

impl Moves {
    fn add(&mut self, township: &TownshipCode, month: YearMonth, s: usize, delta: i64) {
        if let Some(v) = self
            .0
            .entry((township.clone(), month))
            .or_insert([0; slot::COUNT])
            .get_mut(s)
        {
            *v += delta;
        }
    }

    /// `old` leaves its township and `new` comes to its own, each change dated in a closed
    /// month carried to `first_open`.
    fn replace(
        &mut self,
        old: Option<(&TownshipCode, &[Entry])>,
        new: Option<(&TownshipCode, &[Entry])>,
        first_open: YearMonth,
    ) {
        let mut apply = |township: &TownshipCode, diff: BTreeMap<(YearMonth, usize), i64>| {
            for ((m, s), d) in diff {
                for (m, s, d) in clamp(m, s, d, first_open) {
                    self.add(township, m, s, d);
                }
            }
        };
        match (old, new) {
            (Some((a, old)), Some((b, new))) if a == b => apply(a, difference(old, new)),
            (old, new) => {
                if let Some((a, old)) = old {
                    apply(a, difference(old, &[]));
                }
                if let Some((b, new)) = new {
                    apply(b, difference(&[], new));
                }
            }
        }
    }
}

/// A kept record's township and entries: what the counters add up.
trait Kept {
    fn township(&self) -> &TownshipCode;
    fn entries(&self) -> &[Entry];
}

macro_rules! kept {
    ($($t:ty),*) => {
        $(impl Kept for $t {
            fn township(&self) -> &TownshipCode {
                &self.township
            }
            fn entries(&self) -> &[Entry] {
                &self.entries
            }
        })*
    };
}
kept!(CaseStats, HouseholdStats, LedgerStats, LeadStats);

fn placed<T: Kept>(s: Option<&T>) -> Option<(&TownshipCode, &[Entry])> {
    s.map(|s| (s.township(), s.entries()))
}

fn unassigned() -> TownshipCode {
    TownshipCode(UNASSIGNED.to_string())
}

/// A lead's kept record: none for a data-comparison note (a person already in the ledger).
fn lead_stats_of(lead: &Lead) -> Option<LeadStats> {
    let entries = lead_entries(lead);
    (!entries.is_empty()).then(|| LeadStats {
        township: lead.township.clone().unwrap_or_else(unassigned),
        lead: lead.id,
        name: lead.name.clone(),
        entries,
    })
}

fn lead_stats_key(lead: &Lead) -> Vec<u8> {
    let mut k = vec![LEAD];
    k.extend_from_slice(&lead.key());
    k
}

impl TxTable<'_, StatsIndex> {
    fn basis(&self) -> TxResult<Option<StatsBasis>> {
        Ok(self.get::<StatsBasis>(BASIS_KEY)?.map(|(b, _)| b))
    }

    /// The basis, when the tree is built by this revision: otherwise it is built whole
    /// before it is next read, and a write leaves it alone.
    fn current(&self) -> TxResult<Option<StatsBasis>> {
        Ok(self.basis()?.filter(|b| b.revision == STATS_REVISION))
    }

    /// Replaces the kept record at `key` with `new`, its entries' difference into `moves`;
    /// whether it changed.
    fn swap<T>(
        &self,
        key: &[u8],
        new: Option<&T>,
        moves: &mut Moves,
        first_open: YearMonth,
    ) -> TxResult<bool>
    where
        StatsIndex: Holds<T>,
        T: Kept + Versioned + PartialEq + serde::Serialize + serde::de::DeserializeOwned,
    {
        let old: Option<(T, _)> = self.get(key)?;
        let old = old.map(|(s, _)| s);
        if old.as_ref() == new {
            return Ok(false);
        }
        moves.replace(placed(old.as_ref()), placed(new), first_open);
        match new {
            Some(s) => self.put_unaudited(key, s)?,
            None => self.remove(key)?,
        }
        Ok(true)
    }

    /// The counters moved by `moves`; a counter at zero everywhere is removed.
    fn write_moves(&self, moves: Moves) -> TxResult<()> {
        for ((township, month), delta) in moves.0 {
            let key = counter_key(&township, month);
            let mut tally = self
                .get::<MonthCounter>(&key)?
                .map_or([0; slot::COUNT], |(c, _)| c.tally());
            for (a, d) in tally.iter_mut().zip(delta) {
                *a += d;
            }
            if tally.iter().all(|n| *n == 0) {
                self.remove(&key)?;
            } else {
                let counter = MonthCounter {
                    tally: tally.to_vec(),
                };
                self.put_unaudited(&key, &counter)?;
            }
        }
        Ok(())
    }

    /// A lead written (a disposition given, an application saved): its entries made again
    /// and the counters moved, in the write's transaction.
    pub(crate) fn refresh_lead_stats(&self, lead: &Lead, today: NaiveDate) -> TxResult<()> {
        let Some(basis) = self.current()? else {
            return Ok(());
        };
        let first_open = first_open_month(today, basis.late_entry_days);
        let mut moves = Moves::default();
        let new = lead_stats_of(lead);
        self.swap(&lead_stats_key(lead), new.as_ref(), &mut moves, first_open)?;
        self.write_moves(moves)
    }

    /// A ledger written (a post, a policy, a payment): its entries made again and the
    /// counters moved, in the write's transaction.
    pub(crate) fn refresh_ledger_stats(
        &self,
        (persons, households): (&TxTable<Person>, &TxTable<Household>),
        ledger: &Ledger,
        today: NaiveDate,
    ) -> TxResult<()> {
        let Some(basis) = self.current()? else {
            return Ok(());
        };
        let first_open = first_open_month(today, basis.late_entry_days);
        let mut moves = Moves::default();
        let entries = ledger_entries(ledger);
        let new = match entries.is_empty() {
            true => None,
            false => ledger_stats((persons, households), ledger.person, entries)?,
        };
        let key = tagged(LEDGER, ledger.person.to_key());
        self.swap(&key, new.as_ref(), &mut moves, first_open)?;
        self.write_moves(moves)
    }

    /// A person's ledger's figures follow the person to another household or township, and
    /// their name: its entries stay, its place is read again.
    fn rehome_ledger(
        &self,
        (persons, households): (&TxTable<Person>, &TxTable<Household>),
        person: PersonId,
        moves: &mut Moves,
        first_open: YearMonth,
    ) -> TxResult<()> {
        let key = tagged(LEDGER, person.to_key());
        let Some((old, _)) = self.get::<LedgerStats>(&key)? else {
            return Ok(());
        };
        let new = ledger_stats((persons, households), person, old.entries.clone())?;
        self.swap(&key, new.as_ref(), moves, first_open)?;
        Ok(())
    }

    /// Every case, household and person `changes` wrote, their entries made again and the
    /// counters moved by the difference, in the write's transaction. `today` is the day of
    /// the write, which decides the months already closed.
    pub(crate) fn refresh_stats(
        &self,
        (cases, summaries, persons, households): (
            &TxTable<AssistanceCase>,
            &TxTable<CaseSummary>,
            &TxTable<Person>,
            &TxTable<Household>,
        ),
        changes: &[Change],
        today: NaiveDate,
    ) -> TxResult<()> {
        // Not built, or built by another revision (its records may be of another shape):
        // it is built whole before it is next read.
        let Some(basis) = self.current()? else {
            return Ok(());
        };
        let first_open = first_open_month(today, basis.late_entry_days);
        let mut touched: BTreeSet<CaseId> = BTreeSet::new();
        let mut homes: BTreeSet<HouseholdId> = BTreeSet::new();
        let mut people: BTreeSet<PersonId> = BTreeSet::new();
        for c in changes {
            if c.tree == CASES.name() || c.tree == SUMMARIES.name() {
                touched.extend(CaseId::from_key(&c.key));
            } else if c.tree == HOUSEHOLDS.name() {
                homes.extend(HouseholdId::from_key(&c.key));
            } else if c.tree == PERSONS.name()
                && let Some(p) = PersonId::from_key(&c.key)
            {
                if let Some((pc, _)) = self.get::<PersonCases>(&tagged(PERSON, p.to_key()))? {
                    touched.extend(pc.cases);
                }
                // The household's name in the list is its first member's.
                if let Some((person, _)) = persons.get::<Person>(&p.to_key())? {
                    homes.insert(person.household);
                }
                people.insert(p);
            }
        }
        let mut moves = Moves::default();
        for case in touched {
            let key = tagged(CASE, case.to_key());
            let new = match cases.get::<AssistanceCase>(&case.to_key())? {
                None => None,
                Some((c, _)) => {
                    let (covered, name) = summaries
                        .get::<CaseSummary>(&case.to_key())?
                        .map(|(s, _)| (s.covered, s.name))
                        .unwrap_or_default();
                    match persons.get::<Person>(&c.person.to_key())? {
                        Some((p, _)) => Some(CaseStats {
                            township: c.township.clone(),
                            person: c.person,
                            name,
                            entries: case_entries(&c, facts_of(&p), &covered),
                        }),
                        None => None,
                    }
                }
            };
            if self.swap(&key, new.as_ref(), &mut moves, first_open)?
                && let Some(s) = &new
            {
                self.file_person(s.person, case)?;
            }
        }
        for home in homes {
            let key = tagged(HOUSEHOLD, home.to_key());
            let new = match households.get::<Household>(&home.to_key())? {
                None => None,
                Some((h, _)) => {
                    // The members' ledgers are counted where the household is.
                    people.extend(h.members.iter().copied());
                    let first = h.members.first().copied();
                    let name = match first {
                        Some(p) => persons.get::<Person>(&p.to_key())?.map(|(p, _)| p.name),
                        None => None,
                    };
                    Some(HouseholdStats {
                        township: h.township.clone(),
                        first,
                        name: name.unwrap_or_default(),
                        entries: household_entries(&h, basis.zero_clearance_days),
                    })
                }
            };
            self.swap(&key, new.as_ref(), &mut moves, first_open)?;
        }
        for person in people {
            self.rehome_ledger((persons, households), person, &mut moves, first_open)?;
        }
        self.write_moves(moves)?;
        Ok(())
    }

    fn file_person(&self, person: PersonId, case: CaseId) -> TxResult<()> {
        let key = tagged(PERSON, person.to_key());
        let mut pc = self
            .get::<PersonCases>(&key)?
            .map_or(PersonCases { cases: Vec::new() }, |(p, _)| p);
        if !pc.cases.contains(&case) {
            pc.cases.push(case);
            pc.cases.sort_unstable();
            self.put_unaudited(&key, &pc)?;
        }
        Ok(())
    }
}

/// A township's counters, in month order.
pub type TownshipCounters = Vec<(YearMonth, Tally)>;

impl Store {
    /// The settings the entries were made with, if the tree is built.
    pub fn stats_basis(&self) -> Result<Option<StatsBasis>> {
        self.stats_index.get(BASIS_KEY)
    }

    /// Marks the tree as not built (a bulk load wrote records it does not follow): it is
    /// built whole before it is next read.
    pub(crate) fn drop_stats_basis(&self) -> Result<()> {
        self.stats_index.remove(BASIS_KEY)?;
        Ok(())
    }

    /// The counters of every township `covers` accepts, by township: a prefix scan over a
    /// few hundred keys, with no case read.
    pub fn stats_counters(
        &self,
        covers: &dyn Fn(&TownshipCode) -> bool,
    ) -> Result<BTreeMap<TownshipCode, TownshipCounters>> {
        let mut out: BTreeMap<TownshipCode, TownshipCounters> = BTreeMap::new();
        for kv in self.stats_index.scan_prefix([COUNTER]) {
            let (k, v) = kv?;
            let Some((township, month)) = parse_counter_key(&k) else {
                continue;
            };
            if !covers(&township) {
                continue;
            }
            let counter: MonthCounter = STATS_INDEX.decode(&k, &v)?;
            out.entry(township)
                .or_default()
                .push((month, counter.tally()));
        }
        for list in out.values_mut() {
            list.sort_by_key(|(m, _)| *m);
        }
        Ok(out)
    }

    /// Every kept case's figures record (`e` ‖ case), in case order, handed to `visit`: the
    /// drill-down's list reads these small records rather than each case, its summary and
    /// its person.
    pub fn stats_cases(&self, visit: impl FnMut(CaseId, CaseStats) -> Result<()>) -> Result<()> {
        self.stats_records(CASE, CaseId::from_key, visit)
    }

    /// Every kept ledger's figures record (`g` ‖ person), as [`Store::stats_cases`].
    pub fn stats_ledgers(
        &self,
        visit: impl FnMut(PersonId, LedgerStats) -> Result<()>,
    ) -> Result<()> {
        self.stats_records(LEDGER, PersonId::from_key, visit)
    }

    /// Every kept lead's figures record (`l` ‖ lead key), as [`Store::stats_cases`].
    pub fn stats_leads(&self, visit: impl FnMut(Vec<u8>, LeadStats) -> Result<()>) -> Result<()> {
        self.stats_records(LEAD, |k| Some(k.to_vec()), visit)
    }

    /// Every kept household's figures record (`h` ‖ household), as [`Store::stats_cases`].
    pub fn stats_households(
        &self,
        visit: impl FnMut(HouseholdId, HouseholdStats) -> Result<()>,
    ) -> Result<()> {
        self.stats_records(HOUSEHOLD, HouseholdId::from_key, visit)
    }

    fn stats_records<I, T>(
        &self,
        tag: u8,
        id_of: fn(&[u8]) -> Option<I>,
        mut visit: impl FnMut(I, T) -> Result<()>,
    ) -> Result<()>
    where
        StatsIndex: Holds<T>,
        T: Versioned + serde::de::DeserializeOwned,
    {
        for kv in self.stats_index.scan_prefix([tag]) {
            let (k, v) = kv?;
            let Some(id) = k.get(1..).and_then(id_of) else {
                continue;
            };
            visit(id, STATS_INDEX.decode(&k, &v)?)?;
        }
        Ok(())
    }

    /// Every record `stats_index` should hold under `basis` when built from the records
    /// (no month closed): what a build writes and what `check` compares the tree against.
    pub fn expected_stats_index(
        &self,
        basis: &StatsBasis,
        progress: &mut dyn FnMut(u64),
    ) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
        let mut out = BTreeMap::new();
        let mut moves = Moves::default();
        let mut persons: BTreeMap<PersonId, Vec<CaseId>> = BTreeMap::new();
        let mut read = 0u64;
        // No month is closed to a build: every entry stays where it is dated.
        let none_closed = YearMonth {
            year: i32::MIN,
            month: 1,
        };
        for s in self.summaries()? {
            read += 1;
            if read.is_multiple_of(4096) {
                progress(read);
            }
            let (Some(case), Some(person)) = (self.case(s.case)?, self.person(s.person)?) else {
                continue;
            };
            let stats = CaseStats {
                township: case.township.clone(),
                person: case.person,
                name: s.name.clone(),
                entries: case_entries(&case, facts_of(&person), &s.covered),
            };
            moves.replace(None, Some((&stats.township, &stats.entries)), none_closed);
            persons.entry(case.person).or_default().push(case.id);
            out.insert(tagged(CASE, case.id.to_key()), encode(&stats));
        }
        for h in self.households()? {
            let first = h.members.first().copied();
            let name = match first {
                Some(p) => self.person(p)?.map(|p| p.name),
                None => None,
            };
            let stats = HouseholdStats {
                township: h.township.clone(),
                first,
                name: name.unwrap_or_default(),
                entries: household_entries(&h, basis.zero_clearance_days),
            };
            moves.replace(None, Some((&stats.township, &stats.entries)), none_closed);
            out.insert(tagged(HOUSEHOLD, h.id.to_key()), encode(&stats));
        }
        for kv in self.ledgers.iter() {
            let (k, v) = kv?;
            let ledger: Ledger = LEDGERS.decode(&k, &v)?;
            let entries = ledger_entries(&ledger);
            if entries.is_empty() {
                continue;
            }
            let Some(person) = self.person(ledger.person)? else {
                continue;
            };
            let Some(household) = self.household(person.household)? else {
                continue;
            };
            let stats = LedgerStats {
                township: household.township,
                household: household.id,
                name: person.name,
                entries,
            };
            moves.replace(None, placed(Some(&stats)), none_closed);
            out.insert(tagged(LEDGER, ledger.person.to_key()), encode(&stats));
        }
        for kv in self.leads.iter() {
            let (k, v) = kv?;
            let lead: Lead = LEADS.decode(&k, &v)?;
            if let Some(stats) = lead_stats_of(&lead) {
                moves.replace(None, placed(Some(&stats)), none_closed);
                out.insert(lead_stats_key(&lead), encode(&stats));
            }
        }
        for (person, mut cases) in persons {
            cases.sort_unstable();
            out.insert(
                tagged(PERSON, person.to_key()),
                encode(&PersonCases { cases }),
            );
        }
        for ((township, month), tally) in moves.0 {
            if tally.iter().any(|n| *n != 0) {
                let counter = MonthCounter {
                    tally: tally.to_vec(),
                };
                out.insert(counter_key(&township, month), encode(&counter));
            }
        }
        out.insert(BASIS_KEY.to_vec(), encode(basis));
        Ok(out)
    }

    /// Builds `stats_index` whole under `basis` unless it is already built under it, in
    /// one batch with an audit entry holding each record's hash (as the exit index is).
    /// Says so on stderr.
    pub fn ensure_stats_index(&self, basis: &StatsBasis, stamp: &Stamp) -> Result<bool> {
        if self.stats_basis()?.as_ref() == Some(basis) {
            return Ok(false);
        }
        let total = self.summaries.len();
        eprintln!("正在建立统计索引（{total} 件案件）……");
        let started = std::time::Instant::now();
        let records = self.expected_stats_index(basis, &mut |n| {
            eprint!("\r统计索引：已读 {n}/{total} 件");
        })?;
        self.replace_derived(
            (&self.stats_index, STATS_INDEX.name()),
            &records,
            stamp,
            ("建立统计索引", format!("{total} 件案件")),
        )?;
        eprintln!(
            "\r统计索引已建立：{total} 件案件，用时 {:.1} 秒",
            started.elapsed().as_secs_f64()
        );
        Ok(true)
    }
}

fn label(key: &[u8]) -> String {
    let id = || {
        key.get(1..9)
            .and_then(|k| <[u8; 8]>::try_from(k).ok())
            .map_or(0, u64::from_be_bytes)
    };
    let what = match key.first() {
        Some(&CASE) => format!("案件 {} 的统计", id()),
        Some(&HOUSEHOLD) => format!("家庭 {} 的统计", id()),
        Some(&PERSON) => format!("人员 {} 的案件表", id()),
        Some(&LEDGER) => format!("人员 {} 的台账统计", id()),
        Some(&LEAD) => format!(
            "线索 {} 的统计",
            String::from_utf8_lossy(key.get(2..).unwrap_or_default())
        ),
        Some(&COUNTER) => match parse_counter_key(key) {
            Some((t, m)) => format!("乡镇 {} {} 的统计合计", t.0, m.label()),
            None => "统计合计".to_string(),
        },
        _ => String::from_utf8_lossy(key).into_owned(),
    };
    format!("{}/{what}", STATS_INDEX.name())
}

impl Store {
    /// `stats_index` against [`Store::expected_stats_index`]: entries record by record,
    /// and every open month's figures (from the first open month on `today` to today's)
    /// read from the counters and from the expected ones. A closed month is not compared:
    /// a change dated in it after it closed went to the first open month, whose figure of
    /// persons recognised at its start is therefore not compared either.
    pub(crate) fn check_stats_index(&self, today: NaiveDate) -> Result<DerivedCheck> {
        let mut check = DerivedCheck::of(&self.stats_index);
        let basis = match self.stats_basis() {
            Ok(Some(b)) => b,
            Ok(None) => {
                check
                    .warnings
                    .push("统计索引尚未建立（下次查看统计时建立）".to_string());
                return Ok(check);
            }
            Err(e) => {
                check.problems.push(e.to_string());
                return Ok(check);
            }
        };
        if basis.revision != STATS_REVISION {
            check.warnings.push(format!(
                "统计索引由旧版程序（第 {} 版）建立，下次查看统计时按第 {} 版重建",
                basis.revision, STATS_REVISION
            ));
            return Ok(check);
        }
        let expected = self.expected_stats_index(&basis, &mut |_| {})?;
        let mut want_counters: BTreeMap<TownshipCode, TownshipCounters> = BTreeMap::new();
        let mut entries = expected.clone();
        entries.retain(|k, v| {
            if k.first() == Some(&COUNTER) {
                if let (Some((t, m)), Ok(c)) = (
                    parse_counter_key(k),
                    STATS_INDEX.decode::<MonthCounter>(k, v),
                ) {
                    want_counters.entry(t).or_default().push((m, c.tally()));
                }
                false
            } else {
                true
            }
        });
        let words = Wording {
            label,
            stray: "不应存在（没有对应的记录）",
            differs: "与案件、人员或家庭记录不符",
        };
        let not_counter = |k: &[u8]| k.first() != Some(&COUNTER);
        check.compare(&self.stats_index, not_counter, entries, &words)?;
        let have = self.stats_counters(&|_| true)?;
        let townships: BTreeSet<&TownshipCode> = have.keys().chain(want_counters.keys()).collect();
        let first_open = first_open_month(today, basis.late_entry_days);
        let now = YearMonth::of(today);
        let empty = TownshipCounters::new();
        for t in townships {
            let h = have.get(t).unwrap_or(&empty);
            let w = want_counters.get(t).unwrap_or(&empty);
            let mut m = first_open;
            while m <= now {
                let mut a = figures(h.iter().map(|(m, t)| (*m, t)), m, today);
                let mut b = figures(w.iter().map(|(m, t)| (*m, t)), m, today);
                if m == first_open {
                    a.at_start = 0;
                    b.at_start = 0;
                }
                if a != b {
                    check.problems.push(format!(
                        "{}/乡镇 {} {} 的统计合计与案件、家庭记录不符",
                        STATS_INDEX.name(),
                        t.0,
                        m.label()
                    ));
                }
                m = m.next();
            }
        }
        Ok(check)
    }
}
