//! 监督's findings kept, not recomputed (第(十四)条, R-GOV-1). One derived tree,
//! `supervise_index`, holds what the rules over the records find, rewritten in the same
//! transaction as any write that changes what they read (a follow-up, a case step, a
//! registration, a ledger's entry or payment: [`TxTable::refresh_supervise`]), so a month's
//! findings are a prefix scan of that month and a scan of the values held by two
//! households or more, whatever the county's size.
//!
//! Keys:
//! - `c` ‖ case → [`CaseWatch`]: what the case gives the rules — its phone; for the
//!   person's first case (the one the payment rules read, as the walk does) the ledger's
//!   payment targets; the runs of copied follow-ups, and the employer its follow-ups name,
//!   kept so that a write that does not touch the follow-ups need not read them; and every
//!   finding it makes, in any month;
//! - `p` ‖ person → [`WatchedPerson`]: the person's cases, so that a ledger written for
//!   the person finds the case whose findings move with it;
//! - `m` ‖ year ‖ month ‖ case ‖ n → the case's finding n, dated in that month;
//! - `v` ‖ kind ‖ length ‖ value → [`ValueUses`]: the cases holding a phone, 社保卡 or unit
//!   account, by case;
//! - `s` ‖ kind ‖ length ‖ value → [`SharedMark`], kept while two households or more hold
//!   the value: a shared finding is dated by the month asked for, so the month's read looks
//!   at these values only;
//! - `basis`: what the findings were computed with. A tree without it (a store of the
//!   previous version, a county just loaded, a restored backup) or with other settings is
//!   built again whole, vouched for by an audit entry with each record's hash.
//!
//! A change of recorded categories (`put_categories`) writes nothing these rules read, so
//! it leaves the tree alone; a bulk load marks it unbuilt.
//!
//! Not here: the audit trail's rules, which read the month's audit entries, and how
//! findings are shown (`service::supervise`). `check` compares the whole tree with
//! [`Store::expected_supervise_index`], the full computation kept as the oracle.

use super::audit::Change;
use super::codec::{Versioned, encode};
use super::derived::{DerivedCheck, Wording};
use super::table::{CASES, FOLLOWUPS, Holds, LEDGERS, SUMMARIES, Table, TxTable};
use super::{Result, Stamp, Store, TxResult};
use crate::domain::followup::FollowUpAnswers;
use crate::domain::ledger::{Ledger, PaidTo, employer_of_followups};
use crate::domain::supervise::{
    ContactKind, CopiedRun, Finding, benefit_months, copied_runs, paid_months,
    paid_while_ineligible,
};
use crate::domain::{
    AssistanceCase, CaseId, CaseSummary, PersonId, RecognitionStatus, TownshipCode, YearMonth,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The records of `supervise_index` (see the module's documentation).
pub(crate) enum SuperviseIndex {}
impl Holds<CaseWatch> for SuperviseIndex {}
impl Holds<WatchedPerson> for SuperviseIndex {}
impl Holds<Finding> for SuperviseIndex {}
impl Holds<ValueUses> for SuperviseIndex {}
impl Holds<SharedMark> for SuperviseIndex {}
impl Holds<SuperviseBasis> for SuperviseIndex {}

pub(crate) const SUPERVISE_INDEX: Table<SuperviseIndex> = Table::new("supervise_index");

const CASE: u8 = b'c';
const PERSON: u8 = b'p';
const MONTH: u8 = b'm';
const VALUE: u8 = b'v';
const SHARED: u8 = b's';
const BASIS_KEY: &[u8] = b"basis";

/// The revision of how the findings are kept: a tree of another revision is built again.
pub const SUPERVISE_REVISION: u32 = 1;

/// What the findings were computed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperviseBasis {
    pub revision: u32,
    /// How many months of copied follow-ups in a row make a finding.
    pub copied_months: u32,
}

impl SuperviseBasis {
    pub fn new(copied_months: u32) -> Self {
        Self {
            revision: SUPERVISE_REVISION,
            copied_months,
        }
    }
}

/// A phone, 社保卡 or unit account one case holds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Held {
    pub kind: ContactKind,
    /// Trimmed; a blank value is not held.
    pub value: String,
}

/// What one case gives the 监督 rules over the records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseWatch {
    pub person: PersonId,
    /// The holder as the shared values list it: `N户`, the case's household, of this
    /// township.
    pub household: String,
    pub township: TownshipCode,
    /// The employer the person works for, as the unit-account rule reads it.
    pub unit: Option<String>,
    pub held: Vec<Held>,
    /// Kept from the follow-ups: their runs of copies, and the employer they name.
    pub runs: Vec<CopiedRun>,
    pub followup_employer: Option<String>,
    /// Every finding of the case (copied follow-ups; paid while ineligible, for the
    /// person's first case), in any month.
    pub findings: Vec<Finding>,
}

/// The cases of one person, in id order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchedPerson {
    pub cases: Vec<CaseId>,
}

/// One case holding a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueUse {
    pub case: CaseId,
    pub household: String,
    pub township: TownshipCode,
    pub unit: Option<String>,
}

/// The cases holding one value, in case order (the walk's order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueUses {
    pub uses: Vec<ValueUse>,
}

impl ValueUses {
    /// The mark the value's `s` key holds: while two households or more hold it.
    fn shared(&self) -> Option<SharedMark> {
        let n = self
            .uses
            .iter()
            .map(|u| u.household.as_str())
            .collect::<BTreeSet<_>>()
            .len();
        (n > 1).then(|| SharedMark {
            households: u32::try_from(n).unwrap_or(u32::MAX),
        })
    }
}

/// A value held by this many households (two or more).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedMark {
    pub households: u32,
}

impl Versioned for CaseWatch {
    const KIND: &'static str = "supervise_case";
    const VERSION: u16 = 1;
}
impl Versioned for WatchedPerson {
    const KIND: &'static str = "supervise_person";
    const VERSION: u16 = 1;
}
impl Versioned for Finding {
    const KIND: &'static str = "supervise_finding";
    const VERSION: u16 = 1;
}
impl Versioned for ValueUses {
    const KIND: &'static str = "supervise_value";
    const VERSION: u16 = 1;
}
impl Versioned for SharedMark {
    const KIND: &'static str = "supervise_shared";
    const VERSION: u16 = 1;
}
impl Versioned for SuperviseBasis {
    const KIND: &'static str = "supervise_basis";
    const VERSION: u16 = 1;
}

fn tagged(tag: u8, id: [u8; 8]) -> Vec<u8> {
    let mut k = vec![tag];
    k.extend_from_slice(&id);
    k
}

fn kind_byte(kind: ContactKind) -> u8 {
    match kind {
        ContactKind::Phone => b't',
        ContactKind::SiCard => b's',
        ContactKind::UnitAccount => b'u',
    }
}

fn kind_of(byte: u8) -> Option<ContactKind> {
    ContactKind::ALL.into_iter().find(|k| kind_byte(*k) == byte)
}

/// `tag` ‖ kind ‖ the value's length ‖ the value: the length keeps one value's key from
/// being the prefix of another's.
fn value_key(tag: u8, held: &Held) -> Vec<u8> {
    let bytes = held.value.as_bytes();
    let mut k = vec![tag, kind_byte(held.kind)];
    k.extend_from_slice(&u16::try_from(bytes.len()).unwrap_or(u16::MAX).to_be_bytes());
    k.extend_from_slice(bytes);
    k
}

fn parse_value_key(key: &[u8]) -> Option<Held> {
    let kind = kind_of(*key.get(1)?)?;
    let value = std::str::from_utf8(key.get(4..)?).ok()?;
    Some(Held {
        kind,
        value: value.to_string(),
    })
}

fn month_prefix(month: YearMonth) -> Vec<u8> {
    let mut k = vec![MONTH];
    k.extend_from_slice(&u16::try_from(month.year).unwrap_or(0).to_be_bytes());
    k.push(u8::try_from(month.month).unwrap_or(0));
    k
}

fn month_key(month: YearMonth, case: CaseId, n: usize) -> Vec<u8> {
    let mut k = month_prefix(month);
    k.extend_from_slice(&case.to_key());
    k.extend_from_slice(&u16::try_from(n).unwrap_or(u16::MAX).to_be_bytes());
    k
}

/// The findings' month keys a case's watch stands behind.
fn month_keys(case: CaseId, w: &CaseWatch) -> Vec<(Vec<u8>, &Finding)> {
    w.findings
        .iter()
        .enumerate()
        .map(|(n, f)| (month_key(YearMonth::of(f.date), case, n), f))
        .collect()
}

/// What a case's watch is made from.
struct Sources<'a> {
    summary: &'a CaseSummary,
    /// The case's exit, when its summary says it exited.
    exit: Option<chrono::NaiveDate>,
    /// The person's ledger, for the person's first case only.
    ledger: Option<&'a Ledger>,
    runs: Vec<CopiedRun>,
    followup_employer: Option<String>,
}

/// The exit the payment rules compare with: the case's exit event, when the summary says
/// it exited.
fn exit_of(s: &CaseSummary, case: Option<&AssistanceCase>) -> Option<chrono::NaiveDate> {
    match s.status {
        RecognitionStatus::Exited => case.and_then(|c| c.exit()).map(|(d, _)| d),
        _ => None,
    }
}

fn held(kind: ContactKind, value: &str) -> Option<Held> {
    let value = value.trim();
    (!value.is_empty()).then(|| Held {
        kind,
        value: value.to_string(),
    })
}

/// A case's watch: its phone; its copied runs that end a run of months its summary shows
/// covered (as the walk reads them); and for the person's first case, with a ledger of
/// posts or policies, the payments' findings in every month and the payment targets.
fn watch(src: Sources<'_>, basis: &SuperviseBasis) -> CaseWatch {
    let s = src.summary;
    let subject = format!("{}（案{}）", s.name, s.case.0);
    let covered_run = |end: YearMonth| {
        let mut m = end;
        (0..basis.copied_months).all(|_| {
            let yes = s.covered.binary_search(&m).is_ok();
            m = m.prev();
            yes
        })
    };
    let mut findings: Vec<Finding> = src
        .runs
        .iter()
        .filter(|r| r.date().is_some_and(|d| covered_run(YearMonth::of(d))))
        .filter_map(|r| r.finding(&s.township, &subject))
        .collect();
    let mut targets: Vec<Held> = held(ContactKind::Phone, &s.phone).into_iter().collect();
    let mut unit = None;
    if let Some(ledger) = src
        .ledger
        .filter(|l| !l.policies.is_empty() || !l.posts.is_empty())
    {
        findings.extend(paid_while_ineligible(
            &s.township,
            &subject,
            &paid_months(ledger, None),
            src.exit,
            &benefit_months(ledger),
        ));
        for target in ledger.payment_targets() {
            let h = match target {
                PaidTo::Card(card) => held(ContactKind::SiCard, card),
                PaidTo::UnitAccount(account) => held(ContactKind::UnitAccount, account),
            };
            targets.extend(h.filter(|h| !targets.contains(h)));
        }
        if targets.iter().any(|h| h.kind == ContactKind::UnitAccount) {
            unit = ledger.unit_worked_for(src.followup_employer.clone());
        }
    }
    CaseWatch {
        person: s.person,
        household: format!("{}户", s.household.0),
        township: s.township.clone(),
        unit,
        held: targets,
        runs: src.runs,
        followup_employer: src.followup_employer,
        findings,
    }
}

fn use_of(case: CaseId, w: &CaseWatch, h: &Held) -> ValueUse {
    ValueUse {
        case,
        household: w.household.clone(),
        township: w.township.clone(),
        unit: (h.kind == ContactKind::UnitAccount)
            .then(|| w.unit.clone())
            .flatten(),
    }
}

/// What the follow-ups give a watch, from a case's follow-ups oldest contact first.
fn from_followups(answers: &[FollowUpAnswers], basis: &SuperviseBasis) -> FollowupFacts {
    (
        copied_runs(answers, basis.copied_months),
        employer_of_followups(answers),
    )
}

type FollowupFacts = (Vec<CopiedRun>, Option<String>);

impl TxTable<'_, SuperviseIndex> {
    fn basis(&self) -> TxResult<Option<SuperviseBasis>> {
        Ok(self.get::<SuperviseBasis>(BASIS_KEY)?.map(|(b, _)| b))
    }

    /// Every case `changes` wrote (its case, summary or follow-ups; a ledger: the person's
    /// cases) watched again, and the month keys and values moved by the difference, in
    /// the write's transaction. `followups` are the follow-ups of the case whose follow-up
    /// is being saved, oldest contact first, the new one among them.
    pub(crate) fn refresh_supervise(
        &self,
        (summaries, cases, ledgers): (
            &TxTable<CaseSummary>,
            &TxTable<AssistanceCase>,
            &TxTable<Ledger>,
        ),
        changes: &[Change],
        followups: Option<(CaseId, &[FollowUpAnswers])>,
    ) -> TxResult<()> {
        // Not built, or by another revision: it is built whole before it is next read.
        let Some(basis) = self.basis()?.filter(|b| b.revision == SUPERVISE_REVISION) else {
            return Ok(());
        };
        let mut touched: BTreeSet<CaseId> = BTreeSet::new();
        for c in changes {
            if c.tree == CASES.name() || c.tree == SUMMARIES.name() || c.tree == FOLLOWUPS.name() {
                touched.extend(c.key.get(..8).and_then(CaseId::from_key));
            } else if c.tree == LEDGERS.name()
                && let Some(p) = PersonId::from_key(&c.key)
            {
                touched.extend(self.person_cases(p)?.cases);
            }
        }
        // A person's first case reads the ledger: each touched person's cases are
        // watched again together, so the first one is known.
        let mut people: BTreeMap<PersonId, WatchedPerson> = BTreeMap::new();
        let mut all = touched.clone();
        for case in &touched {
            if let Some((s, _)) = summaries.get::<CaseSummary>(&case.to_key())? {
                let p = match people.entry(s.person) {
                    std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(self.person_cases(s.person)?)
                    }
                };
                if let Err(at) = p.cases.binary_search(case) {
                    p.cases.insert(at, *case);
                    self.put_unaudited(&tagged(PERSON, s.person.to_key()), &*p)?;
                }
            }
        }
        for p in people.values() {
            all.extend(p.cases.iter().copied());
        }
        let fresh = followups.map(|(case, answers)| (case, from_followups(answers, &basis)));
        for case in all {
            let key = tagged(CASE, case.to_key());
            let old: Option<CaseWatch> = self.get(&key)?.map(|(w, _)| w);
            let new = match summaries.get::<CaseSummary>(&case.to_key())? {
                None => None,
                Some((s, _)) => {
                    let first = people
                        .get(&s.person)
                        .and_then(|p| p.cases.first())
                        .is_some_and(|c| *c == case);
                    let ledger = if first {
                        ledgers.get::<Ledger>(&s.person.to_key())?.map(|(l, _)| l)
                    } else {
                        None
                    };
                    let stored = cases.get::<AssistanceCase>(&case.to_key())?.map(|(c, _)| c);
                    let (runs, followup_employer) = match &fresh {
                        Some((c, facts)) if *c == case => facts.clone(),
                        _ => old
                            .as_ref()
                            .map(|w| (w.runs.clone(), w.followup_employer.clone()))
                            .unwrap_or_default(),
                    };
                    let src = Sources {
                        summary: &s,
                        exit: exit_of(&s, stored.as_ref()),
                        ledger: ledger.as_ref(),
                        runs,
                        followup_employer,
                    };
                    Some(watch(src, &basis))
                }
            };
            if old == new {
                continue;
            }
            self.replace_watch(case, old.as_ref(), new.as_ref())?;
            match &new {
                Some(w) => self.put_unaudited(&key, w)?,
                None => self.remove(&key)?,
            }
        }
        Ok(())
    }

    fn person_cases(&self, person: PersonId) -> TxResult<WatchedPerson> {
        Ok(self
            .get::<WatchedPerson>(&tagged(PERSON, person.to_key()))?
            .map(|(p, _)| p)
            .unwrap_or_default())
    }

    /// The month keys and value uses of `old` replaced by those of `new`.
    fn replace_watch(
        &self,
        case: CaseId,
        old: Option<&CaseWatch>,
        new: Option<&CaseWatch>,
    ) -> TxResult<()> {
        if let Some(w) = old {
            for (k, _) in month_keys(case, w) {
                self.remove(&k)?;
            }
        }
        if let Some(w) = new {
            for (k, f) in month_keys(case, w) {
                self.put_unaudited(&k, f)?;
            }
        }
        let uses = |w: Option<&CaseWatch>| -> BTreeMap<Held, ValueUse> {
            w.map(|w| {
                w.held
                    .iter()
                    .map(|h| (h.clone(), use_of(case, w, h)))
                    .collect()
            })
            .unwrap_or_default()
        };
        let (before, after) = (uses(old), uses(new));
        let values: BTreeSet<&Held> = before.keys().chain(after.keys()).collect();
        for h in values {
            let now = after.get(h);
            if before.get(h) == now {
                continue;
            }
            let key = value_key(VALUE, h);
            let mut record: ValueUses = self.get(&key)?.map(|(v, _)| v).unwrap_or_default();
            record.uses.retain(|u| u.case != case);
            if let Some(u) = now {
                let at = record.uses.partition_point(|x| x.case < case);
                record.uses.insert(at, u.clone());
            }
            if record.uses.is_empty() {
                self.remove(&key)?;
            } else {
                self.put_unaudited(&key, &record)?;
            }
            let mark = value_key(SHARED, h);
            match record.shared() {
                Some(m) => self.put_unaudited(&mark, &m)?,
                None => self.remove(&mark)?,
            }
        }
        Ok(())
    }
}

/// A value held by two households or more, with the cases holding it.
pub type SharedValue = (ContactKind, String, Vec<ValueUse>);

impl Store {
    /// What the findings were computed with, if the tree is built.
    pub fn supervise_basis(&self) -> Result<Option<SuperviseBasis>> {
        self.supervise_index.get(BASIS_KEY)
    }

    /// Marks the tree as not built (a bulk load wrote records it does not follow): it is
    /// built whole before it is next read.
    pub(crate) fn drop_supervise_basis(&self) -> Result<()> {
        self.supervise_index.remove(BASIS_KEY)?;
        Ok(())
    }

    /// The kept findings dated in `month` (copied follow-ups, payments), in case order: a
    /// prefix scan of that month.
    pub fn supervise_month(&self, month: YearMonth) -> Result<Vec<Finding>> {
        self.supervise_index.with_prefix(&month_prefix(month))
    }

    /// Every value two households or more hold, with its holders in case order.
    pub fn supervise_shared(&self) -> Result<Vec<SharedValue>> {
        let mut out = Vec::new();
        for kv in self.supervise_index.scan_prefix([SHARED]) {
            let (k, _) = kv?;
            let Some(h) = parse_value_key(&k) else {
                continue;
            };
            let uses = self.supervise_value(h.kind, &h.value)?;
            out.push((h.kind, h.value, uses));
        }
        Ok(out)
    }

    /// The cases holding one value (trimmed), in case order.
    pub fn supervise_value(&self, kind: ContactKind, value: &str) -> Result<Vec<ValueUse>> {
        let Some(h) = held(kind, value) else {
            return Ok(Vec::new());
        };
        Ok(self
            .supervise_index
            .get::<ValueUses>(&value_key(VALUE, &h))?
            .map(|v| v.uses)
            .unwrap_or_default())
    }

    /// What one case gives the rules, as kept.
    pub fn supervise_case(&self, case: CaseId) -> Result<Option<CaseWatch>> {
        self.supervise_index.get(&tagged(CASE, case.to_key()))
    }

    /// Every record `supervise_index` should hold under `basis`, from the records: what a
    /// build writes and what `check` compares the tree against.
    pub fn expected_supervise_index(
        &self,
        basis: &SuperviseBasis,
        progress: &mut dyn FnMut(u64),
    ) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
        let mut out = BTreeMap::new();
        let mut people: BTreeMap<PersonId, WatchedPerson> = BTreeMap::new();
        let mut values: BTreeMap<Held, ValueUses> = BTreeMap::new();
        let mut read = 0u64;
        for s in self.summaries()? {
            read += 1;
            if read.is_multiple_of(4096) {
                progress(read);
            }
            let cases = &mut people.entry(s.person).or_default().cases;
            let first = cases.is_empty();
            cases.push(s.case);
            let ledger = if first {
                Some(self.ledger(s.person)?)
            } else {
                None
            };
            let answers: Vec<FollowUpAnswers> = self
                .followups(s.case)?
                .into_iter()
                .map(|f| f.answers)
                .collect();
            let (runs, followup_employer) = from_followups(&answers, basis);
            let case = match s.status {
                RecognitionStatus::Exited => self.case(s.case)?,
                _ => None,
            };
            let src = Sources {
                summary: &s,
                exit: exit_of(&s, case.as_ref()),
                ledger: ledger.as_ref(),
                runs,
                followup_employer,
            };
            let w = watch(src, basis);
            for (k, f) in month_keys(s.case, &w) {
                out.insert(k, encode(f));
            }
            for h in &w.held {
                let u = use_of(s.case, &w, h);
                values.entry(h.clone()).or_default().uses.push(u);
            }
            out.insert(tagged(CASE, s.case.to_key()), encode(&w));
        }
        for (person, p) in people {
            out.insert(tagged(PERSON, person.to_key()), encode(&p));
        }
        for (h, uses) in values {
            if let Some(m) = uses.shared() {
                out.insert(value_key(SHARED, &h), encode(&m));
            }
            out.insert(value_key(VALUE, &h), encode(&uses));
        }
        out.insert(BASIS_KEY.to_vec(), encode(basis));
        Ok(out)
    }

    /// Builds `supervise_index` whole under `basis` unless it is already built under it,
    /// in one batch with an audit entry holding each record's hash (as the statistics
    /// are). Says so on stderr.
    pub fn ensure_supervise_index(&self, basis: &SuperviseBasis, stamp: &Stamp) -> Result<bool> {
        if self.supervise_basis()?.as_ref() == Some(basis) {
            return Ok(false);
        }
        let total = self.summaries.len();
        eprintln!("正在建立监督索引（{total} 件案件）……");
        let started = std::time::Instant::now();
        let records = self.expected_supervise_index(basis, &mut |n| {
            eprint!("\r监督索引：已读 {n}/{total} 件");
        })?;
        self.replace_derived(
            (&self.supervise_index, SUPERVISE_INDEX.name()),
            &records,
            stamp,
            (BUILD_ACTION, format!("{total} 件案件")),
        )?;
        eprintln!(
            "\r监督索引已建立：{total} 件案件，用时 {:.1} 秒",
            started.elapsed().as_secs_f64()
        );
        Ok(true)
    }
}

/// The audit action of a whole build of the tree.
pub const BUILD_ACTION: &str = "建立监督索引";

fn label(key: &[u8]) -> String {
    let id = |at: usize| {
        key.get(at..at + 8)
            .and_then(|k| <[u8; 8]>::try_from(k).ok())
            .map_or(0, u64::from_be_bytes)
    };
    let what = match key.first() {
        Some(&CASE) => format!("案件 {} 的监督记录", id(1)),
        Some(&PERSON) => format!("人员 {} 的案件表", id(1)),
        Some(&MONTH) => format!("案件 {} 的月度监督发现", id(4)),
        Some(&VALUE) => match parse_value_key(key) {
            Some(h) => format!("{} {} 的使用记录", h.kind.label(), h.value),
            None => "使用记录".to_string(),
        },
        Some(&SHARED) => match parse_value_key(key) {
            Some(h) => format!("{} {} 的共用标记", h.kind.label(), h.value),
            None => "共用标记".to_string(),
        },
        _ => String::from_utf8_lossy(key).into_owned(),
    };
    format!("{}/{what}", SUPERVISE_INDEX.name())
}

impl Store {
    /// `supervise_index` against [`Store::expected_supervise_index`], record by record.
    pub(crate) fn check_supervise_index(&self) -> Result<DerivedCheck> {
        let mut check = DerivedCheck::of(&self.supervise_index);
        let basis = match self.supervise_basis() {
            Ok(Some(b)) => b,
            Ok(None) => {
                check
                    .warnings
                    .push("监督索引尚未建立（下次查看监督发现时建立）".to_string());
                return Ok(check);
            }
            Err(e) => {
                check.problems.push(e.to_string());
                return Ok(check);
            }
        };
        if basis.revision != SUPERVISE_REVISION {
            check.warnings.push(format!(
                "监督索引由旧版程序（第 {} 版）建立，下次查看监督发现时按第 {} 版重建",
                basis.revision, SUPERVISE_REVISION
            ));
            return Ok(check);
        }
        let expected = self.expected_supervise_index(&basis, &mut |_| {})?;
        let words = Wording {
            label,
            stray: "不应存在（没有对应的记录）",
            differs: "与案件、回访或台账记录不符",
        };
        check.compare(&self.supervise_index, |_| true, expected, &words)?;
        Ok(check)
    }
}
