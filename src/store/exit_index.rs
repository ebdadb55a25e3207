//! 退出审核's findings kept, not recomputed (issue 12, item 3). One derived tree,
//! `exit_findings`, holds for every recognised case what the exit rules find with the days
//! each finding holds on, rewritten in the same transaction as any write that changes what
//! they read (a follow-up, a case step, a registration into the household). Beside each
//! case's entry the tree holds the keys that make F5 a range scan:
//!
//! - `d` ‖ day ‖ case ‖ n: finding n of the case holds from `day` (a retirement date is a
//!   future day: the finding comes due with no write), value the township and the day it
//!   stops holding;
//! - `p` ‖ day ‖ case: an exit proposed on `day` and waiting for the county;
//! - `t` ‖ year ‖ month ‖ reason ‖ township: exits approved, counted as they are decided;
//! - `basis`: the settings the findings were computed with. A tree without it (a store of
//!   the previous version, a restored backup) or with other numbers is built again, in one
//!   bulk write vouched for by an audit entry with each record's hash.
//!
//! Not here: what the rules say (`domain::exit`) or how rows are shown (`service::exits`).
//! `check` compares the whole tree against [`Store::expected_exit_index`], the full
//! computation kept as the oracle.

use super::codec::{CodecError, Versioned, encode, payload_of};
use super::derived::{DerivedCheck, Wording};
use super::table::{Holds, Table, TxTable};
use super::{Result, Stamp, Store, TxResult};
use crate::domain::exit::{
    EXIT_RULES_REVISION, ExitBasis, ExitBasisV1, ExitReason, Finding, Proposal, StandingFinding,
    standing_findings, streak_findings,
};
use crate::domain::followup::FollowUpAnswers;
use crate::domain::{
    AssistanceCase, CaseEventKind, CaseId, CaseSummary, FollowUp, Person, RecognitionStatus,
    TownshipCode,
};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The records of `exit_findings` (see the module's documentation).
pub(crate) enum ExitIndex {}
impl Holds<ExitEntry> for ExitIndex {}
impl Holds<ExitMark> for ExitIndex {}
impl Holds<ExitTally> for ExitIndex {}
impl Holds<ExitBasis> for ExitIndex {}

pub(crate) const EXIT_INDEX: Table<ExitIndex> = Table::new("exit_findings");

const ENTRY: u8 = b'c';
const DUE: u8 = b'd';
const PROPOSED: u8 = b'p';
const TALLY: u8 = b't';
pub(crate) const BASIS_KEY: &[u8] = b"basis";

/// A recognised case's exit findings: the proposal waiting for the county, if any (then no
/// finding is listed, as 退出审核 lists the proposal alone), else every finding it can have
/// with its days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitEntry {
    pub case: CaseId,
    pub township: TownshipCode,
    pub proposal: Option<Proposal>,
    /// [`streak_findings`] of the follow-ups: kept so that a write that
    /// does not touch the follow-ups (the household's zero employment moving) need not
    /// read them.
    pub streaks: Vec<Finding>,
    pub findings: Vec<StandingFinding>,
}

/// What a range-scan key carries: whose township, and the day the finding stops holding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitMark {
    pub township: TownshipCode,
    pub until: Option<NaiveDate>,
}

/// Exits approved for one reason, in one township and month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitTally {
    pub count: u64,
}

impl Versioned for ExitEntry {
    const KIND: &'static str = "exit_entry";
    const VERSION: u16 = 1;
}

impl Versioned for ExitMark {
    const KIND: &'static str = "exit_mark";
    const VERSION: u16 = 1;
}

impl Versioned for ExitTally {
    const KIND: &'static str = "exit_tally";
    const VERSION: u16 = 1;
}

impl Versioned for ExitBasis {
    const KIND: &'static str = "exit_basis";
    const VERSION: u16 = 2;

    /// Version 1 had no rules revision: its findings are of the first rules, and so stale
    /// under any later ones — the tree is built again.
    fn upgrade(version: u16, payload: &[u8]) -> std::result::Result<Self, CodecError> {
        match version {
            1 => payload_of::<ExitBasisV1>(payload).map(ExitBasis::from),
            found => Err(CodecError::UnknownVersion {
                kind: Self::KIND,
                found,
                supported: Self::VERSION,
            }),
        }
    }
}

/// A day as four bytes that sort as the days do; 0 is "any day", before every date.
fn day_key(day: Option<NaiveDate>) -> [u8; 4] {
    let n = day.map_or(0, |d| (i64::from(d.num_days_from_ce()) + (1 << 31)) as u32);
    n.to_be_bytes()
}

fn entry_key(case: CaseId) -> Vec<u8> {
    let mut k = vec![ENTRY];
    k.extend_from_slice(&case.to_key());
    k
}

fn due_key(from: Option<NaiveDate>, case: CaseId, n: usize) -> Vec<u8> {
    let mut k = vec![DUE];
    k.extend_from_slice(&day_key(from));
    k.extend_from_slice(&case.to_key());
    k.push(u8::try_from(n).unwrap_or(u8::MAX));
    k
}

fn proposed_key(on: NaiveDate, case: CaseId) -> Vec<u8> {
    let mut k = vec![PROPOSED];
    k.extend_from_slice(&day_key(Some(on)));
    k.extend_from_slice(&case.to_key());
    k
}

fn reason_index(reason: ExitReason) -> u8 {
    ExitReason::ALL
        .iter()
        .position(|r| *r == reason)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(u8::MAX)
}

fn tally_key(day: NaiveDate, reason: ExitReason, township: &TownshipCode) -> Vec<u8> {
    let mut k = tally_year(day.year());
    k.push(u8::try_from(day.month()).unwrap_or(0));
    k.push(reason_index(reason));
    k.extend_from_slice(township.0.as_bytes());
    k
}

fn tally_year(year: i32) -> Vec<u8> {
    let mut k = vec![TALLY];
    k.extend_from_slice(&u16::try_from(year).unwrap_or(0).to_be_bytes());
    k
}

/// A case's entry from what it is derived from, or none for a case not recognised.
fn derive(
    case: &AssistanceCase,
    person: &Person,
    zero_household: bool,
    streaks: Vec<Finding>,
    basis: &ExitBasis,
) -> Option<ExitEntry> {
    if case.status != RecognitionStatus::Recognised {
        return None;
    }
    let proposal = case.pending_exit();
    let findings = if proposal.is_some() {
        Vec::new()
    } else {
        standing_findings(person, zero_household, &streaks, basis)
    };
    Some(ExitEntry {
        case: case.id,
        township: case.township.clone(),
        proposal,
        streaks,
        findings,
    })
}

/// The streaks of a case's follow-ups, oldest contact first, for a recognised case. Every
/// recognised case's follow-ups are read: since reasons 4 and 10 (refusals, unreachable)
/// no record of the person tells which can have none.
fn streaks_of(
    case: &AssistanceCase,
    followups: &[FollowUpAnswers],
    basis: &ExitBasis,
) -> Vec<Finding> {
    if case.status == RecognitionStatus::Recognised {
        streak_findings(followups, &basis.rules)
    } else {
        Vec::new()
    }
}

/// The range-scan keys an entry stands behind.
fn marks_of(e: &ExitEntry) -> Vec<(Vec<u8>, ExitMark)> {
    let mut out = Vec::new();
    if let Some(p) = &e.proposal {
        let mark = ExitMark {
            township: e.township.clone(),
            until: None,
        };
        out.push((proposed_key(p.on, e.case), mark));
    }
    for (n, f) in e.findings.iter().enumerate() {
        let mark = ExitMark {
            township: e.township.clone(),
            until: f.until,
        };
        out.push((due_key(f.from, e.case, n), mark));
    }
    out
}

/// The exits a step on a case approved (events it has that the stored case had not).
fn approved(old: &AssistanceCase, new: &AssistanceCase) -> Vec<(NaiveDate, ExitReason)> {
    let exited = |c: &AssistanceCase| -> Vec<(NaiveDate, ExitReason)> {
        c.events
            .iter()
            .filter_map(|e| match e.kind {
                CaseEventKind::Exited { reason } => Some((e.date, reason)),
                _ => None,
            })
            .collect()
    };
    let before = exited(old);
    exited(new)
        .into_iter()
        .filter(|e| !before.contains(e))
        .collect()
}

/// A case's follow-ups, oldest contact first, with one just being saved.
pub(crate) fn answers_with(earlier: &[FollowUp], saved: Option<&FollowUp>) -> Vec<FollowUpAnswers> {
    let mut all: Vec<&FollowUp> = earlier.iter().chain(saved).collect();
    all.sort_by_key(|f| (f.answers.date, f.id));
    all.into_iter().map(|f| f.answers.clone()).collect()
}

impl TxTable<'_, ExitIndex> {
    /// The numbers the kept findings were computed with; none while the tree is not built
    /// (then nothing is maintained, and the tree is built whole before it is read).
    fn basis(&self) -> TxResult<Option<ExitBasis>> {
        Ok(self.get::<ExitBasis>(BASIS_KEY)?.map(|(b, _)| b))
    }

    fn replace(&self, case: CaseId, new: Option<ExitEntry>) -> TxResult<()> {
        let key = entry_key(case);
        let old: Option<(ExitEntry, _)> = self.get(&key)?;
        if old.as_ref().map(|(e, _)| e) == new.as_ref() {
            return Ok(());
        }
        if let Some((old, _)) = &old {
            for (k, _) in marks_of(old) {
                self.remove(&k)?;
            }
        }
        match new {
            Some(e) => {
                for (k, mark) in marks_of(&e) {
                    self.put_unaudited(&k, &mark)?;
                }
                self.put_unaudited(&key, &e)
            }
            None => self.remove(&key),
        }
    }

    /// A case written in this transaction, with its follow-ups as they are now: those read
    /// before the transaction (the case's `rev`, checked in it, vouches that they have not
    /// moved since) and the one it saves, if it saves one.
    pub(crate) fn refresh_case(
        &self,
        case: &AssistanceCase,
        person: &Person,
        zero_household: bool,
        earlier: &[FollowUp],
        saved: Option<&FollowUp>,
    ) -> TxResult<()> {
        let Some(basis) = self.basis()? else {
            return Ok(());
        };
        let streaks = streaks_of(case, &answers_with(earlier, saved), &basis);
        let entry = derive(case, person, zero_household, streaks, &basis);
        self.replace(case.id, entry)
    }

    /// Other cases of a household whose zero employment this transaction moved: their case
    /// and follow-ups are untouched, so the proposal and streaks kept stand, and only what
    /// the person and the household give is computed again.
    pub(crate) fn refresh_members(
        &self,
        summaries: &TxTable<CaseSummary>,
        persons: &TxTable<Person>,
        cases: &[CaseId],
    ) -> TxResult<()> {
        let Some(basis) = self.basis()? else {
            return Ok(());
        };
        for case in cases {
            let Some((old, _)) = self.get::<ExitEntry>(&entry_key(*case))? else {
                continue;
            };
            let Some((s, _)) = summaries.get::<CaseSummary>(&case.to_key())? else {
                continue;
            };
            let Some((person, _)) = persons.get::<Person>(&s.person.to_key())? else {
                continue;
            };
            let findings = if old.proposal.is_some() {
                Vec::new()
            } else {
                standing_findings(&person, s.zero_employment_household, &old.streaks, &basis)
            };
            let entry = ExitEntry { findings, ..old };
            self.replace(*case, Some(entry))?;
        }
        Ok(())
    }

    /// Counts the exits a case step approved, in the step's transaction.
    pub(crate) fn count_approved(
        &self,
        old: &AssistanceCase,
        new: &AssistanceCase,
    ) -> TxResult<()> {
        if self.basis()?.is_none() {
            return Ok(());
        }
        for (day, reason) in approved(old, new) {
            let key = tally_key(day, reason, &new.township);
            let mut tally = self
                .get::<ExitTally>(&key)?
                .map_or(ExitTally { count: 0 }, |(t, _)| t);
            tally.count += 1;
            self.put_unaudited(&key, &tally)?;
        }
        Ok(())
    }
}

/// What F5 lists on a day for an actor, before any row is decoded: the proposals oldest
/// first, then the cases with findings in case order, one entry a case (issue 13: one row
/// per case).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExitListing {
    pub proposals: Vec<CaseId>,
    /// Each case with findings due, and the places of those findings among the case's
    /// findings, in order.
    pub findings: Vec<(CaseId, Vec<usize>)>,
}

impl ExitListing {
    pub fn len(&self) -> usize {
        self.proposals.len() + self.findings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Approved exits for one reason: this month's and this year's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApprovedCount {
    pub this_month: u64,
    pub this_year: u64,
}

impl Store {
    /// The numbers the kept findings were computed with, if the tree is built.
    pub fn exit_basis(&self) -> Result<Option<ExitBasis>> {
        self.exit_index.get(BASIS_KEY)
    }

    /// The findings due on `today`, by case, and the proposals waiting, in the townships
    /// `covers` accepts: range scans over keys, with no case decoded.
    pub fn exit_listing(
        &self,
        today: NaiveDate,
        covers: &dyn Fn(&TownshipCode) -> bool,
    ) -> Result<ExitListing> {
        let mut listing = ExitListing::default();
        for kv in self.exit_index.scan_prefix([PROPOSED]) {
            let (k, v) = kv?;
            let mark: ExitMark = EXIT_INDEX.decode(&k, &v)?;
            if covers(&mark.township)
                && let Some(case) = k.get(5..13).and_then(CaseId::from_key)
            {
                listing.proposals.push(case);
            }
        }
        let mut end = vec![DUE];
        let next_day = today.succ_opt().unwrap_or(today);
        end.extend_from_slice(&day_key(Some(next_day)));
        let mut due: Vec<(CaseId, usize)> = Vec::new();
        for kv in self.exit_index.range(vec![DUE]..end) {
            let (k, v) = kv?;
            let mark: ExitMark = EXIT_INDEX.decode(&k, &v)?;
            if mark.until.is_some_and(|u| u <= today) || !covers(&mark.township) {
                continue;
            }
            if let (Some(case), Some(n)) = (k.get(5..13).and_then(CaseId::from_key), k.get(13)) {
                due.push((case, usize::from(*n)));
            }
        }
        due.sort_unstable();
        for (case, n) in due {
            match listing.findings.last_mut() {
                Some((last, ns)) if *last == case => ns.push(n),
                _ => listing.findings.push((case, vec![n])),
            }
        }
        Ok(listing)
    }

    /// A case's kept findings.
    pub fn exit_entry(&self, case: CaseId) -> Result<Option<ExitEntry>> {
        self.exit_index.get(&entry_key(case))
    }

    /// Exits approved in the year of `today`, by reason (in [`ExitReason::ALL`]'s order), in
    /// the townships `covers` accepts: from the counters kept as exits are decided.
    pub fn approved_exits(
        &self,
        today: NaiveDate,
        covers: &dyn Fn(&TownshipCode) -> bool,
    ) -> Result<Vec<ApprovedCount>> {
        let mut out = vec![ApprovedCount::default(); ExitReason::ALL.len()];
        for kv in self.exit_index.scan_prefix(tally_year(today.year())) {
            let (k, v) = kv?;
            let tally: ExitTally = EXIT_INDEX.decode(&k, &v)?;
            let (Some(month), Some(reason)) = (k.get(3), k.get(4)) else {
                continue;
            };
            let township = TownshipCode(String::from_utf8_lossy(&k[5..]).into_owned());
            if !covers(&township) {
                continue;
            }
            if let Some(row) = out.get_mut(usize::from(*reason)) {
                row.this_year += tally.count;
                if u32::from(*month) == today.month() {
                    row.this_month += tally.count;
                }
            }
        }
        Ok(out)
    }

    /// Every record `exit_findings` should hold under `basis`, computed from the cases,
    /// persons, summaries and follow-ups: what a build writes and what `check` compares
    /// the tree against.
    pub fn expected_exit_index(
        &self,
        basis: &ExitBasis,
        progress: &mut dyn FnMut(u64),
    ) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
        let mut out = BTreeMap::new();
        let mut tallies: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let mut read = 0u64;
        for s in self.summaries()? {
            read += 1;
            if read.is_multiple_of(4096) {
                progress(read);
            }
            if s.status == RecognitionStatus::Exited {
                if let Some(case) = self.case(s.case)? {
                    let none = AssistanceCase {
                        events: Vec::new(),
                        ..case.clone()
                    };
                    for (day, reason) in approved(&none, &case) {
                        *tallies
                            .entry(tally_key(day, reason, &s.township))
                            .or_default() += 1;
                    }
                }
                continue;
            }
            if s.status != RecognitionStatus::Recognised {
                continue;
            }
            let (Some(case), Some(person)) = (self.case(s.case)?, self.person(s.person)?) else {
                continue;
            };
            let answers: Vec<FollowUpAnswers> = self
                .followups(s.case)?
                .into_iter()
                .map(|f| f.answers)
                .collect();
            let streaks = streaks_of(&case, &answers, basis);
            if let Some(entry) = derive(&case, &person, s.zero_employment_household, streaks, basis)
            {
                for (k, mark) in marks_of(&entry) {
                    out.insert(k, encode(&mark));
                }
                out.insert(entry_key(entry.case), encode(&entry));
            }
        }
        for (k, count) in tallies {
            out.insert(k, encode(&ExitTally { count }));
        }
        out.insert(BASIS_KEY.to_vec(), encode(basis));
        Ok(out)
    }

    /// Builds `exit_findings` whole under `basis` unless it is already built under it: the
    /// first open of a store of the previous version, a restored backup, or settings whose
    /// numbers changed. One batch, with an audit entry holding each record's hash (left out
    /// while the audit anchor is at fault: the store takes no entries then, and the tree is
    /// derived, so `check` judges it against the records either way). Says so on stderr.
    pub fn ensure_exit_index(&self, basis: &ExitBasis, stamp: &Stamp) -> Result<bool> {
        if self.exit_basis()?.as_ref() == Some(basis) {
            return Ok(false);
        }
        let total = self.summaries.len();
        eprintln!("正在建立退出审核索引（{total} 件案件）……");
        let started = std::time::Instant::now();
        let records = self.expected_exit_index(basis, &mut |n| {
            eprint!("\r退出审核索引：已读 {n}/{total} 件");
        })?;
        let entries = records.keys().filter(|k| k.first() == Some(&ENTRY)).count();
        self.replace_derived(
            (&self.exit_index, EXIT_INDEX.name()),
            &records,
            stamp,
            ("建立退出审核索引", format!("{entries} 件认定中案件")),
        )?;
        eprintln!(
            "\r退出审核索引已建立：{entries} 件认定中案件，用时 {:.1} 秒",
            started.elapsed().as_secs_f64()
        );
        Ok(true)
    }
}

/// A key of `exit_findings` in words.
fn label(key: &[u8]) -> String {
    let case = |r: std::ops::Range<usize>| {
        key.get(r)
            .and_then(CaseId::from_key)
            .map_or_else(String::new, |c| c.to_string())
    };
    let what = match key.first() {
        Some(&ENTRY) => format!("案件 {}", case(1..9)),
        Some(&DUE) => format!(
            "案件 {} 的第 {} 条发现",
            case(5..13),
            key.get(13).map_or(0, |n| n + 1)
        ),
        Some(&PROPOSED) => format!("案件 {} 的退出申请", case(5..13)),
        Some(&TALLY) => "退出统计".to_string(),
        _ => String::from_utf8_lossy(key).into_owned(),
    };
    format!("{}/{what}", EXIT_INDEX.name())
}

impl Store {
    /// `exit_findings` against [`Store::expected_exit_index`] under the basis it says it
    /// was built with, record by record.
    pub(crate) fn check_exit_index(&self) -> Result<DerivedCheck> {
        let mut check = DerivedCheck::of(&self.exit_index);
        let basis = match self.exit_basis() {
            Ok(Some(b)) => b,
            Ok(None) => {
                check
                    .warnings
                    .push("退出审核索引尚未建立（下次由本程序打开数据库时建立）".to_string());
                return Ok(check);
            }
            Err(e) => {
                check.problems.push(e.to_string());
                return Ok(check);
            }
        };
        if basis.revision != EXIT_RULES_REVISION {
            // Findings of older rules are not wrong for what they were: they are rebuilt
            // under the rules of this program the next time it opens the store.
            check.warnings.push(format!(
                "退出审核索引由旧版规则（第 {} 版）建立，下次由本程序打开数据库时按第 {} 版重建",
                basis.revision, EXIT_RULES_REVISION
            ));
            return Ok(check);
        }
        let expected = self.expected_exit_index(&basis, &mut |_| {})?;
        let words = Wording {
            label,
            stray: "不应存在（案件记录中没有这条发现）",
            differs: "与案件、人员或回访记录不符",
        };
        check.compare(&self.exit_index, |_| true, expected, &words)?;
        Ok(check)
    }
}
