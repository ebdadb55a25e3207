//! Writes on the way in (第(二)条): a person registered at the counter, with or without an
//! application, into a new or an existing household; and a case's step through review.
//! Each is one transaction with its audit entry, flushed before it returns.

use super::audit::Change;
use super::{
    Result, Stamp, Store, StoreError, TxResult, abort, append_audit, change, encode,
    intake_draft_key, pair_key, tx_get, tx_need, unwrap_tx,
};
use crate::domain::household::{HouseholdEventKind, is_zero_employment};
use crate::domain::{
    AssistanceCase, CaseId, CaseSummary, Household, HouseholdId, Person, PersonId,
};
use chrono::NaiveDate;
use sled::Transactional;
use sled::transaction::TransactionalTree;

/// Where a registered person lives: a household opened now, or one already on file.
#[derive(Clone, Debug)]
pub enum HouseholdPlan {
    New(Household),
    Join(HouseholdId),
}

/// One person at the counter: their record, their household, and their application if
/// they apply (unemployment registration and application in one sitting, R-RECOG-2).
#[derive(Clone, Debug)]
pub struct Registration {
    pub person: Person,
    pub household: HouseholdPlan,
    pub case: Option<AssistanceCase>,
}

#[derive(Clone, Debug)]
pub struct Registered {
    pub person: PersonId,
    pub household: HouseholdId,
    pub case: Option<CaseId>,
    /// Set when adding this person started or cleared the household's zero employment.
    pub zero_employment: Option<HouseholdEventKind>,
    pub seq: u64,
}

/// The household's members as stored, with `person` as they are now (just added, or
/// changed at the counter).
fn members_with(
    persons: &TransactionalTree,
    household: &Household,
    person: &Person,
) -> TxResult<Vec<Person>> {
    let mut members = Vec::new();
    for m in household.members.iter().filter(|m| **m != person.id) {
        if let Some((p, _)) = tx_get::<Person>(persons, "persons", &m.to_key())? {
            members.push(p);
        }
    }
    members.push(person.clone());
    Ok(members)
}

/// The household's other cases told its zero-employment state.
fn tell_summaries(
    summaries: &TransactionalTree,
    others: &[CaseId],
    zero_now: bool,
    changes: &mut Vec<Change>,
) -> TxResult<()> {
    for other in others {
        let ok = other.to_key();
        if let Some((mut s, s_old)) = tx_get::<CaseSummary>(summaries, "summaries", &ok)? {
            s.zero_employment_household = zero_now;
            let s_new = encode(&s);
            summaries.insert(&ok, s_new.clone())?;
            changes.push(change("summaries", &ok, Some(s_old), Some(s_new)));
        }
    }
    Ok(())
}

/// A new case: its record, its place in the household's index, and its summary.
fn insert_case(
    (cases, summaries, index): (&TransactionalTree, &TransactionalTree, &TransactionalTree),
    case: &AssistanceCase,
    person: &Person,
    zero_now: bool,
    changes: &mut Vec<Change>,
) -> TxResult<()> {
    let ck = case.id.to_key();
    let c_new = encode(case);
    cases.insert(&ck, c_new.clone())?;
    changes.push(change("cases", &ck, None, Some(c_new)));
    index.insert(&pair_key(case.household.to_key(), ck), &[])?;
    let s_new = encode(&CaseSummary::new(case, person, zero_now));
    summaries.insert(&ck, s_new.clone())?;
    changes.push(change("summaries", &ck, None, Some(s_new)));
    Ok(())
}

/// The counter's intake draft, gone with the registration it became. Drafts are working
/// state and never audited, so their removal is no audit change.
fn remove_intake_draft(drafts: &TransactionalTree, draft_of: Option<&str>) -> TxResult<()> {
    if let Some(account) = draft_of {
        drafts.remove(intake_draft_key(account))?;
    }
    Ok(())
}

impl Store {
    /// Registers a person. An ID number already on file is refused with
    /// [`StoreError::Duplicate`] naming that person (one person, one record). The intake
    /// draft of `draft_of`, when given, goes in the same transaction, so no crash can bring
    /// it back over the registered person.
    pub fn register(
        &self,
        stamp: &Stamp,
        draft_of: Option<&str>,
        registration: &Registration,
        today: NaiveDate,
    ) -> Result<Registered> {
        let trees = (
            &self.meta,
            &self.audit,
            &self.persons,
            &self.households,
            &self.cases,
            &self.summaries,
            &self.id_numbers,
            &self.household_cases,
            &self.drafts,
        );
        let (hid, household_cases) = match &registration.household {
            HouseholdPlan::New(h) => (h.id, Vec::new()),
            HouseholdPlan::Join(id) => (*id, self.household_cases(*id)?),
        };
        let result = trees.transaction(
            |(meta, audit, persons, households, cases, summaries, id_numbers, hc, drafts)| {
                let person = &registration.person;
                let id_key = person.id_number.as_str().as_bytes();
                if let Some(existing) = id_numbers.get(id_key)?
                    && let Some(pid) = PersonId::from_key(&existing)
                {
                    return abort(StoreError::Duplicate(pid));
                }
                let mut changes = Vec::new();
                let hk = hid.to_key();
                let (mut household, household_old) = match &registration.household {
                    HouseholdPlan::New(h) => (h.clone(), None),
                    HouseholdPlan::Join(_) => {
                        let (h, old): (Household, _) = tx_need(households, "households", &hk)?;
                        (h, Some(old))
                    }
                };
                let members = members_with(persons, &household, person)?;
                household.members.push(person.id);
                let refs: Vec<&Person> = members.iter().collect();
                let zero_now = is_zero_employment(&refs, household.has_business_income, today);
                let zero = household.track_zero_employment(zero_now, today);
                household.rev += 1;

                let pk = person.id.to_key();
                let p_new = encode(person);
                persons.insert(&pk, p_new.clone())?;
                changes.push(change("persons", &pk, None, Some(p_new)));
                id_numbers.insert(id_key, &pk)?;
                let h_new = encode(&household);
                households.insert(&hk, h_new.clone())?;
                changes.push(change("households", &hk, household_old, Some(h_new)));

                if let Some(case) = &registration.case {
                    insert_case((cases, summaries, hc), case, person, zero_now, &mut changes)?;
                }
                if zero.is_some() {
                    tell_summaries(summaries, &household_cases, zero_now, &mut changes)?;
                }
                remove_intake_draft(drafts, draft_of)?;
                let action = if registration.case.is_some() {
                    "登记申请"
                } else {
                    "登记家庭成员"
                };
                let target = format!("{} {}", person.name, person.id_number.masked());
                let seq = append_audit(meta, audit, stamp, action, target, changes)?;
                Ok(Registered {
                    person: person.id,
                    household: hid,
                    case: registration.case.as_ref().map(|c| c.id),
                    zero_employment: zero,
                    seq,
                })
            },
        );
        let registered = unwrap_tx(result)?;
        self.commit()?;
        Ok(registered)
    }

    /// A new application by a person already on file (one whose earlier case ended):
    /// their record as the counter found it now, the new case, and the removal of
    /// `draft_of`'s intake draft, in one transaction.
    pub fn reapply(
        &self,
        stamp: &Stamp,
        draft_of: Option<&str>,
        person: &Person,
        case: &AssistanceCase,
        today: NaiveDate,
    ) -> Result<Registered> {
        let trees = (
            &self.meta,
            &self.audit,
            &self.persons,
            &self.households,
            &self.cases,
            &self.summaries,
            &self.household_cases,
            &self.drafts,
        );
        let household_cases = self.household_cases(person.household)?;
        let result = trees.transaction(
            |(meta, audit, persons, households, cases, summaries, hc, drafts)| {
                let pk = person.id.to_key();
                let (_, person_old): (Person, _) = tx_need(persons, "persons", &pk)?;
                let hk = person.household.to_key();
                let (mut household, household_old): (Household, _) =
                    tx_need(households, "households", &hk)?;
                let members = members_with(persons, &household, person)?;
                let refs: Vec<&Person> = members.iter().collect();
                let zero_now = is_zero_employment(&refs, household.has_business_income, today);
                let zero = household.track_zero_employment(zero_now, today);
                let mut changes = Vec::new();
                let p_new = encode(person);
                persons.insert(&pk, p_new.clone())?;
                changes.push(change("persons", &pk, Some(person_old), Some(p_new)));
                if zero.is_some() {
                    household.rev += 1;
                    let h_new = encode(&household);
                    households.insert(&hk, h_new.clone())?;
                    changes.push(change("households", &hk, Some(household_old), Some(h_new)));
                    tell_summaries(summaries, &household_cases, zero_now, &mut changes)?;
                }
                insert_case((cases, summaries, hc), case, person, zero_now, &mut changes)?;
                remove_intake_draft(drafts, draft_of)?;
                let target = format!("{} {}", person.name, person.id_number.masked());
                let seq = append_audit(meta, audit, stamp, "再次申请", target, changes)?;
                Ok(Registered {
                    person: person.id,
                    household: person.household,
                    case: Some(case.id),
                    zero_employment: zero,
                    seq,
                })
            },
        );
        let registered = unwrap_tx(result)?;
        self.commit()?;
        Ok(registered)
    }

    /// Writes `case`, changed by a review step from the version `expected_rev`, with its
    /// summary, as one audited action.
    pub fn put_case_step(
        &self,
        stamp: &Stamp,
        case: &AssistanceCase,
        expected_rev: u64,
        action: &str,
    ) -> Result<AssistanceCase> {
        let trees = (
            &self.meta,
            &self.audit,
            &self.cases,
            &self.summaries,
            &self.persons,
        );
        let result = trees.transaction(|(meta, audit, cases, summaries, persons)| {
            let ck = case.id.to_key();
            let (stored, old): (AssistanceCase, _) = tx_need(cases, "cases", &ck)?;
            if stored.rev != expected_rev {
                return abort(StoreError::Conflict {
                    expected: expected_rev,
                    found: stored.rev,
                });
            }
            let mut new = case.clone();
            new.rev = stored.rev + 1;
            let (mut summary, s_old): (CaseSummary, _) = tx_need(summaries, "summaries", &ck)?;
            summary.rev = new.rev;
            summary.status = new.status;
            summary.tier = new.tier;
            summary.recognised_on = new.recognised_on;
            let c_new = encode(&new);
            cases.insert(&ck, c_new.clone())?;
            let s_new = encode(&summary);
            summaries.insert(&ck, s_new.clone())?;
            let person: Option<(Person, _)> = tx_get(persons, "persons", &new.person.to_key())?;
            let target = match person {
                Some((p, _)) => format!("{} {}", p.name, p.id_number.masked()),
                None => case.id.to_string(),
            };
            let changes = vec![
                change("cases", &ck, Some(old), Some(c_new)),
                change("summaries", &ck, Some(s_old), Some(s_new)),
            ];
            append_audit(meta, audit, stamp, action, target, changes)?;
            TxResult::Ok(new)
        });
        let saved = unwrap_tx(result)?;
        self.commit()?;
        Ok(saved)
    }
}
