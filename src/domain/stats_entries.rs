//! 第(十三)条 统计监测 kept at save time (issue 15, item 2): a case's or a household's
//! [`Contribution`] to every month, written once as dated *entries*, so that the counters of
//! a township and month are sums a write adjusts and a read adds up, with no case decoded.
//!
//! An entry is (month, slot, delta). How a month's figure is read from the entries depends
//! on the slot's [`Kind`]:
//! - a *flow* (new, exited, found, cleared, follow-ups done) is the entries of that month;
//! - a *stock* (recognised at the end, by work status, zero-employment households) is the
//!   sum of the entries of that month and every month before;
//! - a *year flow* (helped into work this year, the rate's numerator and its new
//!   recognitions) is the sum from January of the month's year;
//! - [`slot::ELIGIBLE`], the rate's persons carried into a year (第(五)条: still recognised at
//!   the year's start, able and willing, not in work then), is a stock read at the end of
//!   the previous December.
//!
//! The entries are made by differencing [`case_contribution`] and [`household_contribution`]
//! month by month, so they say exactly what the full computation says (a test compares
//! them over every month). Beyond its last event a case's stocks stand still, which keeps
//! the entries finite.
//!
//! A month *closes* when its late-entry window ends ([`first_open_month`]); [`clamp`] moves
//! a change dated in a closed month to the first open one, so a closed month's figures are
//! what they were when it closed, whatever is entered later.

use super::case::AssistanceCase;
use super::household::Household;
use super::lead::Lead;
use super::ledger::Ledger;
use super::stats::{
    Contribution, FollowupHistory, PersonFacts, case_contribution, household_contribution,
};
use super::stats_ledger::{lead_contribution, lead_months, ledger_contribution, ledger_months};
use super::year_month::YearMonth;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where each figure sits in a [`Tally`].
pub mod slot {
    pub const NEW: usize = 0;
    /// Twelve slots, one per [`crate::domain::exit::ExitReason::ALL`].
    pub const EXITED: usize = 1;
    pub const AT_END: usize = 13;
    /// Six slots, one per [`crate::domain::followup::WorkStatus::ALL`].
    pub const BY_STATUS: usize = 14;
    pub const HELPED: usize = 20;
    /// The rate's denominator among persons recognised in the year.
    pub const NEW_DENOMINATOR: usize = 21;
    /// The rate's denominator carried into the next year, read at December's end.
    pub const ELIGIBLE: usize = 22;
    pub const NUMERATOR: usize = 23;
    pub const ZERO_AT_END: usize = 24;
    pub const ZERO_FOUND: usize = 25;
    pub const ZERO_CLEARED: usize = 26;
    pub const ZERO_PAST_DEADLINE: usize = 27;
    pub const FOLLOWUPS_DONE: usize = 28;
    /// Two slots, one per [`crate::domain::post::PostType::ALL`].
    pub const ON_POST: usize = 29;
    /// Five slots each, one per [`crate::domain::ledger::PolicyKind::ALL`].
    pub const PAID_PERSONS: usize = 31;
    pub const PAID_YUAN: usize = 36;
    pub const TO_CARD_PERSONS: usize = 41;
    pub const TO_CARD_YUAN: usize = 42;
    pub const TO_UNIT_PERSONS: usize = 43;
    pub const TO_UNIT_YUAN: usize = 44;
    /// Six slots, one per [`crate::domain::lead::LeadSource::ALL`].
    pub const LEADS_FOUND: usize = 45;
    /// Five slots, one per [`crate::domain::lead::Disposition::ALL`].
    pub const LEADS_AT_END: usize = 51;
    pub const COUNT: usize = 56;
}

/// One township's counters for one month: the sum of its cases' and households' entries.
pub type Tally = [i64; slot::COUNT];

/// How a slot's entries make a month's figure (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Flow,
    Stock,
    YearFlow,
}

pub fn kind(s: usize) -> Kind {
    use slot::*;
    match s {
        AT_END | ELIGIBLE | ZERO_AT_END | ZERO_PAST_DEADLINE => Kind::Stock,
        x if (BY_STATUS..BY_STATUS + 6).contains(&x) => Kind::Stock,
        x if (ON_POST..ON_POST + 2).contains(&x) => Kind::Stock,
        x if (LEADS_AT_END..LEADS_AT_END + 5).contains(&x) => Kind::Stock,
        HELPED | NEW_DENOMINATOR | NUMERATOR => Kind::YearFlow,
        _ => Kind::Flow,
    }
}

/// A change to one slot of one month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub month: YearMonth,
    pub slot: u8,
    pub delta: i32,
}

/// The slots of a contribution, read as the month's own values.
fn values(c: &Contribution) -> Tally {
    let mut t = [0i64; slot::COUNT];
    t[slot::NEW] = i64::from(c.new);
    for (i, n) in c.exited.iter().enumerate() {
        t[slot::EXITED + i] = i64::from(*n);
    }
    t[slot::AT_END] = i64::from(c.at_end);
    for (i, n) in c.by_status.iter().enumerate() {
        t[slot::BY_STATUS + i] = i64::from(*n);
    }
    t[slot::HELPED] = i64::from(c.helped_this_year);
    t[slot::NUMERATOR] = i64::from(c.rate_numerator);
    t[slot::ZERO_AT_END] = i64::from(c.zero_at_end);
    t[slot::ZERO_FOUND] = i64::from(c.zero_found);
    t[slot::ZERO_CLEARED] = i64::from(c.zero_cleared);
    t[slot::ZERO_PAST_DEADLINE] = i64::from(c.zero_past_deadline);
    t[slot::FOLLOWUPS_DONE] = i64::from(c.followups_done);
    put(&mut t, slot::ON_POST, &c.on_post);
    put(&mut t, slot::PAID_PERSONS, &c.paid_persons);
    put(&mut t, slot::PAID_YUAN, &c.paid_yuan);
    t[slot::TO_CARD_PERSONS] = i64::from(c.to_card_persons);
    t[slot::TO_CARD_YUAN] = yuan(c.to_card_yuan);
    t[slot::TO_UNIT_PERSONS] = i64::from(c.to_unit_persons);
    t[slot::TO_UNIT_YUAN] = yuan(c.to_unit_yuan);
    put(&mut t, slot::LEADS_FOUND, &c.leads_found);
    put(&mut t, slot::LEADS_AT_END, &c.leads_at_end);
    t
}

fn yuan(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Copies a figure's columns into the slots from `at`.
fn put<T: Copy + Into<u64>>(t: &mut Tally, at: usize, values: &[T]) {
    for (i, v) in values.iter().enumerate() {
        if let Some(x) = t.get_mut(at + i) {
            *x = yuan((*v).into());
        }
    }
}

/// The slots from `at` read back into a figure's columns.
fn take<const N: usize>(t: &Tally, at: usize) -> [i64; N] {
    std::array::from_fn(|i| t.get(at + i).copied().unwrap_or(0))
}

/// Turns month-by-month values into entries: flows as they are, stocks and year flows as
/// the difference from the month before (from nothing in January for a year flow).
struct Differ {
    out: BTreeMap<(YearMonth, u8), i64>,
    prev: Option<(YearMonth, Tally)>,
}

impl Differ {
    fn new() -> Self {
        Self {
            out: BTreeMap::new(),
            prev: None,
        }
    }

    fn put(&mut self, month: YearMonth, s: usize, delta: i64) {
        if delta != 0
            && let Ok(s) = u8::try_from(s)
        {
            *self.out.entry((month, s)).or_default() += delta;
        }
    }

    /// `now` is the month's values; ELIGIBLE is handled by the caller.
    fn month(&mut self, month: YearMonth, now: Tally) {
        for s in 0..slot::COUNT {
            if s == slot::ELIGIBLE {
                continue;
            }
            let before = match (kind(s), &self.prev) {
                (Kind::Flow, _) | (_, None) => 0,
                (Kind::YearFlow, Some((m, _))) if m.year != month.year => 0,
                (_, Some((_, t))) => t[s],
            };
            self.put(month, s, now[s] - before);
        }
        self.prev = Some((month, now));
    }

    fn entries(self) -> Vec<Entry> {
        self.out
            .into_iter()
            .filter_map(|((month, slot), d)| {
                let delta = i32::try_from(d).ok()?;
                Some(Entry { month, slot, delta })
            })
            .collect()
    }
}

/// One case's entries. `covered` are the months with a follow-up, as its summary keeps them.
pub fn case_entries(
    case: &AssistanceCase,
    person: PersonFacts,
    covered: &[YearMonth],
) -> Vec<Entry> {
    let Some(on) = case.recognised_on else {
        return Vec::new();
    };
    let first = YearMonth::of(on);
    let last = case
        .events
        .iter()
        .map(|e| YearMonth::of(e.date))
        .chain(covered.iter().copied())
        .fold(first, YearMonth::max);
    let history = FollowupHistory {
        covered: covered.to_vec(),
        last_contact: None,
    };
    // Every month judged as over: the running month's done is the same as of today (no
    // follow-up or event is dated after today), and its overdue is the queue's, not ours.
    let of = |m: YearMonth| case_contribution(case, person, &history, None, 1, m, NaiveDate::MAX);
    let mut d = Differ::new();
    let mut eligible = 0i64;
    let end = YearMonth {
        year: last.year,
        month: 12,
    };
    let mut m = first;
    loop {
        let c = of(m);
        let mut now = values(&c);
        // In the year of the recognition the denominator is the year's own; after it, the
        // person is carried in by the December before (ELIGIBLE), whatever the month.
        now[slot::NEW_DENOMINATOR] = if m.year == first.year {
            i64::from(c.rate_denominator)
        } else {
            0
        };
        d.month(m, now);
        if m.month == 12 {
            let carried = i64::from(of(m.next()).rate_denominator);
            d.put(m, slot::ELIGIBLE, carried - eligible);
            eligible = carried;
        }
        if m >= end {
            break;
        }
        m = m.next();
    }
    d.entries()
}

/// One household's entries (R-ZERO-1/2). Its stocks stand still once the last event's
/// clearance deadline (at most 92 days) has passed.
pub fn household_entries(household: &Household, zero_clearance_days: u32) -> Vec<Entry> {
    let Some(first) = household.events.iter().map(|e| e.date).min() else {
        return Vec::new();
    };
    let last = household
        .events
        .iter()
        .map(|e| e.date)
        .max()
        .unwrap_or(first)
        .checked_add_days(Days::new(u64::from(zero_clearance_days) + 31))
        .unwrap_or(NaiveDate::MAX);
    entries_over(YearMonth::of(first), YearMonth::of(last), |m| {
        household_contribution(household, zero_clearance_days, m)
    })
}

/// Entries over `first..=last` from a month's contribution, for the records with no
/// denominator carried across years (households, ledgers and leads): beyond `last` they stand still.
fn entries_over(
    first: YearMonth,
    last: YearMonth,
    of: impl Fn(YearMonth) -> Contribution,
) -> Vec<Entry> {
    let mut d = Differ::new();
    let mut m = first;
    loop {
        d.month(m, values(&of(m)));
        if m >= last {
            break;
        }
        m = m.next();
    }
    d.entries()
}

/// One person's ledger's entries: its posts and dated payments (R-POST-1, R-GOV-1).
pub fn ledger_entries(ledger: &Ledger) -> Vec<Entry> {
    match ledger_months(ledger) {
        None => Vec::new(),
        Some((first, last)) => entries_over(first, last, |m| ledger_contribution(ledger, m)),
    }
}

/// One lead's entries (R-DISCOVER-1).
pub fn lead_entries(lead: &Lead) -> Vec<Entry> {
    if lead.person.is_some() {
        return Vec::new();
    }
    let (first, last) = lead_months(lead);
    entries_over(first, last, |m| lead_contribution(lead, m))
}

/// The first month whose late-entry window has not ended on `today` (第(五)条 每月回访;
/// `late_entry_days`): every month before it is closed.
pub fn first_open_month(today: NaiveDate, late_entry_days: u32) -> YearMonth {
    YearMonth::of(
        today
            .checked_sub_days(Days::new(u64::from(late_entry_days)))
            .unwrap_or(today),
    )
}

/// Where a change dated in `month` goes when `first_open` is the first open month: where it
/// is, for an open month; for a closed one, a stock's change is carried into the first open
/// month (so every open month reads it), and a flow's is dropped (it was the closed
/// month's alone), as is a year flow's of a year already closed. A change to the persons
/// carried into a year also counts among the first open year's new denominator, since that
/// year's December-before is closed.
pub fn clamp(
    month: YearMonth,
    s: usize,
    delta: i64,
    first_open: YearMonth,
) -> Vec<(YearMonth, usize, i64)> {
    if month >= first_open {
        return vec![(month, s, delta)];
    }
    match kind(s) {
        Kind::Flow => Vec::new(),
        Kind::YearFlow if month.year == first_open.year => vec![(first_open, s, delta)],
        Kind::YearFlow => Vec::new(),
        Kind::Stock if s == slot::ELIGIBLE => vec![
            (first_open, s, delta),
            (first_open, slot::NEW_DENOMINATOR, delta),
        ],
        Kind::Stock => vec![(first_open, s, delta)],
    }
}

/// The difference `new − old` of two lists of entries, by month and slot.
pub fn difference(old: &[Entry], new: &[Entry]) -> BTreeMap<(YearMonth, usize), i64> {
    let mut out: BTreeMap<(YearMonth, usize), i64> = BTreeMap::new();
    for (sign, list) in [(-1i64, old), (1, new)] {
        for e in list {
            *out.entry((e.month, usize::from(e.slot))).or_default() += sign * i64::from(e.delta);
        }
    }
    out.retain(|_, d| *d != 0);
    out
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn amount(n: i64) -> u64 {
    u64::try_from(n.max(0)).unwrap_or(0)
}

/// A month's figures from a township's counters, in month order (months after `month` are
/// ignored). The follow-up figures are those of a month as of `today`: none for a month
/// not begun; for a month over, the overdue are the due without a follow-up; for the
/// running month, the overdue are left at 0 for the caller (the queue's 逾期 count, which
/// the date moves with no write).
pub fn figures<'a>(
    counters: impl IntoIterator<Item = (YearMonth, &'a Tally)>,
    month: YearMonth,
    today: NaiveDate,
) -> Contribution {
    let mut stock = [0i64; slot::COUNT];
    let mut year = [0i64; slot::COUNT];
    let mut own = [0i64; slot::COUNT];
    let mut before_start = 0i64;
    let mut carried = 0i64;
    for (m, t) in counters {
        if m > month {
            break;
        }
        for s in 0..slot::COUNT {
            stock[s] += t[s];
        }
        if m < month {
            before_start += t[slot::AT_END];
        }
        if m.year < month.year {
            carried += t[slot::ELIGIBLE];
        } else {
            for s in 0..slot::COUNT {
                year[s] += t[s];
            }
        }
        if m == month {
            own = *t;
        }
    }
    let mut c = Contribution {
        at_start: count(before_start),
        new: count(own[slot::NEW]),
        at_end: count(stock[slot::AT_END]),
        helped_this_year: count(year[slot::HELPED]),
        rate_denominator: count(carried + year[slot::NEW_DENOMINATOR]),
        rate_numerator: count(year[slot::NUMERATOR]),
        zero_at_end: count(stock[slot::ZERO_AT_END]),
        zero_found: count(own[slot::ZERO_FOUND]),
        zero_cleared: count(own[slot::ZERO_CLEARED]),
        zero_past_deadline: count(stock[slot::ZERO_PAST_DEADLINE]),
        ..Contribution::default()
    };
    for (i, n) in c.exited.iter_mut().enumerate() {
        *n = count(own[slot::EXITED + i]);
    }
    for (i, n) in c.by_status.iter_mut().enumerate() {
        *n = count(stock[slot::BY_STATUS + i]);
    }
    c.on_post = take(&stock, slot::ON_POST).map(count);
    c.paid_persons = take(&own, slot::PAID_PERSONS).map(count);
    c.paid_yuan = take(&own, slot::PAID_YUAN).map(amount);
    c.to_card_persons = count(own[slot::TO_CARD_PERSONS]);
    c.to_card_yuan = amount(own[slot::TO_CARD_YUAN]);
    c.to_unit_persons = count(own[slot::TO_UNIT_PERSONS]);
    c.to_unit_yuan = amount(own[slot::TO_UNIT_YUAN]);
    c.leads_found = take(&own, slot::LEADS_FOUND).map(count);
    c.leads_at_end = take(&stock, slot::LEADS_AT_END).map(count);
    if today >= month.first_day() {
        c.followups_due = c.at_end;
        c.followups_done = count(own[slot::FOLLOWUPS_DONE]);
        if today > month.last_day() {
            c.followups_overdue = c.followups_due.saturating_sub(c.followups_done);
        }
    }
    c
}

/// One case's or household's figures for `month` from its own entries (as [`figures`] reads
/// a township's counters): what the full computation gives it, the running month's overdue
/// left at 0 as there.
pub fn record_figures(entries: &[Entry], month: YearMonth, today: NaiveDate) -> Contribution {
    let mut months: BTreeMap<YearMonth, Tally> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.month <= month) {
        if let Some(v) = months
            .entry(e.month)
            .or_insert([0; slot::COUNT])
            .get_mut(usize::from(e.slot))
        {
            *v += i64::from(e.delta);
        }
    }
    figures(months.iter().map(|(m, t)| (*m, t)), month, today)
}

#[cfg(test)]
mod tests;
