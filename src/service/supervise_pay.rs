//! 监督 over the ledger's payments (第(十四)条, R-GOV-1, R-SUPERVISE-1): the two rules that
//! read policy records and posts, run by the walk ([`Service::supervise_by_walk`]) for the
//! reviewed month.
//!
//! - 退出后或领取失业金期间发放补贴 (PaidWhileIneligible): a policy's payment dated after
//!   the person's exit (the case's exit event), a payment covering a month some policy
//!   record of the person was checked against as a month of unemployment benefit, and a
//!   public-welfare post still held (so its subsidy still paid, month by month) after the
//!   exit's month or in such a month. A post's months count up to its end, its exit from
//!   the post, or the reviewed month, whichever is first.
//! - 不同家庭共用账户 (SharedContact): the payment targets of policy records and of their
//!   payments. A 社保卡 is personal: any two households on one card is a finding. A unit
//!   account is the employer's and shared by its employees by right: it is a finding only
//!   as [`crate::domain::payment::shared_unit_accounts`] says (different units, or a
//!   household with no one working for a unit). The unit a person works for is the
//!   employer of their newest post, else of their newest follow-up in work.
//!
//! This is the walk over the case summaries of the actor's townships, each one's ledger
//! read, that `store::supervise_index` replaced: kept as the oracle of
//! [`Service::supervise_by_walk`]. Both take a person's first case as the one their ledger
//! is read for, and a person with a ledger but no case is not looked at. Kinship across
//! household records is not stored, so any two households are taken as unrelated.

use super::{Actor, Result, Service};
use crate::domain::ledger::{Ledger, PaidTo, employer_of_followups};
use crate::domain::payment::{UnitAccountUse, shared_unit_accounts};
use crate::domain::supervise::{
    Contact, ContactKind, Finding, benefit_months, paid_months, paid_while_ineligible,
    shared_contacts,
};
use crate::domain::{CaseSummary, RecognitionStatus, YearMonth};
use crate::store::Store;
use std::collections::BTreeSet;

impl Service {
    /// The payment rules' findings over the actor's townships, by the walk;
    /// [`Service::supervise_by_walk`] keeps those dated in `month`.
    pub(super) fn payment_findings(&self, actor: &Actor, month: YearMonth) -> Result<Vec<Finding>> {
        let db = self.db()?;
        let mut findings = Vec::new();
        let mut cards = Vec::new();
        let mut accounts = Vec::new();
        let mut seen = BTreeSet::new();
        for s in db.summaries()? {
            if !actor.covers(&s.township) || !seen.insert(s.person) {
                continue;
            }
            let ledger = db.ledger(s.person)?;
            if ledger.policies.is_empty() && ledger.posts.is_empty() {
                continue;
            }
            findings.extend(paid_after_exit_or_on_benefit(&db, &s, &ledger, month)?);
            let household = format!("{}户", s.household.0);
            let mut unit: Option<Option<String>> = None;
            for target in ledger.payment_targets() {
                match target {
                    PaidTo::Card(card) => cards.push(Contact {
                        household: household.clone(),
                        township: s.township.clone(),
                        kind: ContactKind::SiCard,
                        value: card.clone(),
                    }),
                    PaidTo::UnitAccount(account) => {
                        if unit.is_none() {
                            unit = Some(unit_of(&db, &s, &ledger)?);
                        }
                        accounts.push(UnitAccountUse {
                            household: household.clone(),
                            township: s.township.clone(),
                            account: account.clone(),
                            unit: unit.clone().flatten(),
                        });
                    }
                }
            }
        }
        findings.extend(shared_contacts(&cards, month.last_day()));
        findings.extend(shared_unit_accounts(&accounts, month.last_day()));
        Ok(findings)
    }
}

/// One person's payments and post months, up to `month`, against their exit and benefit
/// months.
fn paid_after_exit_or_on_benefit(
    db: &Store,
    s: &CaseSummary,
    ledger: &Ledger,
    month: YearMonth,
) -> Result<Vec<Finding>> {
    let exit = match s.status {
        RecognitionStatus::Exited => db.case(s.case)?.and_then(|c| c.exit()).map(|(d, _)| d),
        _ => None,
    };
    let subject = format!("{}（案{}）", s.name, s.case.0);
    Ok(paid_while_ineligible(
        &s.township,
        &subject,
        &paid_months(ledger, Some(month)),
        exit,
        &benefit_months(ledger),
    ))
}

/// The unit the person works for: their newest post's employer, else the employer of
/// their newest follow-up that names one.
fn unit_of(db: &Store, s: &CaseSummary, ledger: &Ledger) -> Result<Option<String>> {
    let answers: Vec<_> = db
        .followups(s.case)?
        .into_iter()
        .map(|f| f.answers)
        .collect();
    Ok(ledger.unit_worked_for(employer_of_followups(&answers)))
}
