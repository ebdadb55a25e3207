//! 第(十三)条 统计监测 of what the ledger records (R-LEDGER-1) and what the lists found
//! (R-DISCOVER-1): a person's public-welfare posts and dated payments, and one lead, each
//! mapped to its [`Contribution`] for a month, as a case and a household are in
//! [`super::stats`]. Every subsidy is paid through the system (第(十四)条, R-GOV-1), so a
//! month's persons and yuan by policy, to a card or to a unit's account, are the payments
//! dated in it.
//!
//! Not here: the month's other figures, how the figures are kept (`stats_entries`).

use super::lead::{Disposition, Lead, LeadSource};
use super::ledger::{Ledger, PaidTo, PolicyKind};
use super::post::PostType;
use super::stats::Contribution;
use super::year_month::YearMonth;

/// What one person's ledger adds to `month`: the posts held on its last day, and the
/// payments dated in it — each person once per kind and per target, the yuan summed.
pub fn ledger_contribution(ledger: &Ledger, month: YearMonth) -> Contribution {
    let mut c = Contribution::default();
    let (first, last) = (month.first_day(), month.last_day());
    for (i, kind) in PostType::ALL.iter().enumerate() {
        let held = ledger.posts.iter().any(|p| {
            p.placement.post_type == *kind && p.placement.start <= last && p.held_until() >= last
        });
        c.on_post[i] = u32::from(held);
    }
    let mut to_card = false;
    let mut to_unit = false;
    for (i, kind) in PolicyKind::ALL.iter().enumerate() {
        let paid = ledger
            .policies
            .iter()
            .filter(|p| p.kind == *kind)
            .flat_map(|p| &p.payments)
            .filter(|x| x.on >= first && x.on <= last);
        for x in paid {
            c.paid_persons[i] = 1;
            c.paid_yuan[i] += u64::from(x.amount);
            match x.paid_to {
                PaidTo::Card(_) => {
                    to_card = true;
                    c.to_card_yuan += u64::from(x.amount);
                }
                PaidTo::UnitAccount(_) => {
                    to_unit = true;
                    c.to_unit_yuan += u64::from(x.amount);
                }
            }
        }
    }
    c.to_card_persons = u32::from(to_card);
    c.to_unit_persons = u32::from(to_unit);
    c
}

/// The months a ledger's figures can move in: from its first post or payment to the
/// month after its last post ends and its last payment. `None` for a ledger with neither.
pub fn ledger_months(ledger: &Ledger) -> Option<(YearMonth, YearMonth)> {
    let posts = ledger
        .posts
        .iter()
        .map(|p| (p.placement.start, p.held_until()));
    let payments = ledger
        .policies
        .iter()
        .flat_map(|p| &p.payments)
        .map(|x| (x.on, x.on));
    let (from, to) = posts
        .chain(payments)
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))?;
    Some((YearMonth::of(from), YearMonth::of(to).next()))
}

/// A lead's disposition at the end of `day`: its latest step dated by then (the later one
/// given, of two on one day), else 待联系. `None` before its list date.
pub fn lead_disposition_on(lead: &Lead, day: chrono::NaiveDate) -> Option<Disposition> {
    if lead.list_date > day {
        return None;
    }
    let step = lead
        .history
        .iter()
        .enumerate()
        .filter(|(_, s)| s.on <= day)
        .max_by_key(|(i, s)| (s.on, *i));
    Some(step.map_or(Disposition::ToContact, |(_, s)| s.disposition))
}

/// What one lead adds to `month`: found, if its list is dated in the month; its disposition
/// at the month's end, once found. A person already in the ledger when found is a
/// data-comparison note, not a lead, and adds nothing.
pub fn lead_contribution(lead: &Lead, month: YearMonth) -> Contribution {
    let mut c = Contribution::default();
    if lead.person.is_some() {
        return c;
    }
    if YearMonth::of(lead.list_date) == month
        && let Some(i) = LeadSource::ALL.iter().position(|s| *s == lead.source)
    {
        c.leads_found[i] = 1;
    }
    if let Some(d) = lead_disposition_on(lead, month.last_day())
        && let Some(i) = Disposition::ALL.iter().position(|x| *x == d)
    {
        c.leads_at_end[i] = 1;
    }
    c
}

/// The months a lead's figures can move in: its list's month to its last step's.
pub fn lead_months(lead: &Lead) -> (YearMonth, YearMonth) {
    let first = YearMonth::of(lead.list_date);
    let last = lead
        .history
        .iter()
        .map(|s| YearMonth::of(s.on))
        .fold(first, YearMonth::max);
    (first, last)
}

#[cfg(test)]
mod tests;
