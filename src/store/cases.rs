//! Writes on the way in (第(二)条): a person registered at the counter, with or without an
//! application, into a new or an existing household; and a case's step through review.
//! Each is one transaction with its audit entry, flushed before it returns.

use super::audit::Change;
use super::exit_index::{EXIT_INDEX, ExitIndex};
use super::queue_index::QUEUE_INDEX;
use super::stats_index::STATS_INDEX;
use super::supervise_index::SUPERVISE_INDEX;
use super::table::{
    AUDIT, CASES, DRAFTS, Drafts, HOUSEHOLD_CASES, HOUSEHOLDS, HouseholdCases, ID_NUMBERS, LEADS,
    LEDGERS, META, PERSONS, SUMMARIES, TxTable,
};
use super::{
    Result, Stamp, Store, StoreError, TxResult, abort, append_audit, intake_draft_key, pair_key,
    unwrap_tx,
};
use crate::domain::household::{HouseholdEventKind, zero_employment};
use crate::domain::lead::{Lead, LeadSource};
use crate::domain::{
    AssistanceCase, CaseId, CaseSummary, Household, HouseholdId, Person, PersonId,
};
use chrono::NaiveDate;
use sled::Transactional;

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
    persons: &TxTable<Person>,
    household: &Household,
    person: &Person,
) -> TxResult<Vec<Person>> {
    let mut members = Vec::new();
    for m in household.members.iter().filter(|m| **m != person.id) {
        if let Some((p, _)) = persons.get::<Person>(&m.to_key())? {
            members.push(p);
        }
    }
    members.push(person.clone());
    Ok(members)
}

/// The household's other cases told its zero-employment state, and their exit findings
/// with them.
fn tell_summaries(
    (summaries, persons, exits): (&TxTable<CaseSummary>, &TxTable<Person>, &TxTable<ExitIndex>),
    others: &[CaseId],
    zero_now: bool,
    changes: &mut Vec<Change>,
) -> TxResult<()> {
    for other in others {
        let ok = other.to_key();
        if let Some((mut s, s_old)) = summaries.get::<CaseSummary>(&ok)? {
            s.zero_employment_household = zero_now;
            changes.push(summaries.put(&ok, &s, Some(s_old))?);
        }
    }
    exits.refresh_members(summaries, persons, others)
}

/// A new case: its record, its place in the household's index, its summary and its exit
/// findings.
fn insert_case(
    (cases, summaries, index, exits): (
        &TxTable<AssistanceCase>,
        &TxTable<CaseSummary>,
        &TxTable<HouseholdCases>,
        &TxTable<ExitIndex>,
    ),
    case: &AssistanceCase,
    person: &Person,
    zero_now: bool,
    changes: &mut Vec<Change>,
) -> TxResult<()> {
    let ck = case.id.to_key();
    changes.push(cases.put(&ck, case, None)?);
    index.file(&pair_key(case.household.to_key(), ck))?;
    changes.push(summaries.put(&ck, &CaseSummary::new(case, person, zero_now), None)?);
    exits.refresh_case(case, person, zero_now, &[], None)
}

/// The counter's intake draft, gone with the registration it became. Drafts are working
/// state and never audited, so their removal is no audit change.
fn remove_intake_draft(drafts: &TxTable<Drafts>, draft_of: Option<&str>) -> TxResult<()> {
    if let Some(account) = draft_of {
        drafts.remove(&intake_draft_key(account))?;
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
        // More trees than sled's tuples of trees take: a slice, taken apart again below.
        let trees = [
            &self.meta.tree,
            &self.audit.tree,
            &self.persons.tree,
            &self.households.tree,
            &self.cases.tree,
            &self.summaries.tree,
            &self.id_numbers.tree,
            &self.household_cases.tree,
            &self.drafts.tree,
            &self.exit_index.tree,
            &self.leads.tree,
            &self.queue_index.tree,
            &self.stats_index.tree,
            &self.ledgers.tree,
            &self.supervise_index.tree,
        ];
        let (hid, household_cases) = match &registration.household {
            HouseholdPlan::New(h) => (h.id, Vec::new()),
            HouseholdPlan::Join(id) => (*id, self.household_cases(*id)?),
        };
        let result = trees[..].transaction(|tx| {
            let [
                meta,
                audit,
                persons,
                households,
                cases,
                summaries,
                id_numbers,
                hc,
                drafts,
                exits,
                leads,
                queue,
                stats,
                ledgers,
                watch,
            ] = tx.as_slice()
            else {
                return abort(StoreError::NotFound("事务中的数据表".into()));
            };
            let (meta, audit) = (META.on(meta), AUDIT.on(audit));
            let (persons, households) = (PERSONS.on(persons), HOUSEHOLDS.on(households));
            let (cases, summaries) = (CASES.on(cases), SUMMARIES.on(summaries));
            let (id_numbers, hc) = (ID_NUMBERS.on(id_numbers), HOUSEHOLD_CASES.on(hc));
            let (drafts, exits) = (DRAFTS.on(drafts), EXIT_INDEX.on(exits));
            let leads = LEADS.on(leads);
            let (queue, stats) = (QUEUE_INDEX.on(queue), STATS_INDEX.on(stats));
            let (ledgers, watch) = (LEDGERS.on(ledgers), SUPERVISE_INDEX.on(watch));
            let person = &registration.person;
            let id_key = person.id_number.as_str().as_bytes();
            if let Some(existing) = id_numbers.person_key(id_key)?
                && let Some(pid) = PersonId::from_key(&existing)
            {
                return abort(StoreError::Duplicate(pid));
            }
            let mut changes = Vec::new();
            let hk = hid.to_key();
            let (mut household, household_old) = match &registration.household {
                HouseholdPlan::New(h) => (h.clone(), None),
                HouseholdPlan::Join(_) => {
                    let (h, old): (Household, _) = households.need(&hk)?;
                    (h, Some(old))
                }
            };
            let members = members_with(&persons, &household, person)?;
            household.members.push(person.id);
            let refs: Vec<&Person> = members.iter().collect();
            let state = zero_employment(&refs, household.has_business_income, today);
            let zero_now = state.is_zero();
            let zero = household.track_zero_employment(state, today);
            household.rev += 1;

            let pk = person.id.to_key();
            changes.push(persons.put(&pk, person, None)?);
            id_numbers.file(id_key, &pk)?;
            changes.push(households.put(&hk, &household, household_old)?);

            if let Some(case) = &registration.case {
                let tables = (&cases, &summaries, &hc, &exits);
                insert_case(tables, case, person, zero_now, &mut changes)?;
                // R-DISCOVER-1: a person found on a list who applies is a lead applied.
                for source in LeadSource::ALL {
                    let key = Lead::key_of(source, &person.id_number);
                    if let Some((mut lead, old)) = leads.get::<Lead>(&key)?
                        && lead.applied(today)
                    {
                        lead.rev += 1;
                        changes.push(leads.put(&key, &lead, Some(old))?);
                        stats.refresh_lead_stats(&lead, today)?;
                    }
                }
            }
            if zero.is_some() {
                let tables = (&summaries, &persons, &exits);
                tell_summaries(tables, &household_cases, zero_now, &mut changes)?;
            }
            remove_intake_draft(&drafts, draft_of)?;
            let action = if registration.case.is_some() {
                "登记申请"
            } else {
                "登记家庭成员"
            };
            let target = format!("{} {}", person.name, person.id_number.masked());
            queue.refresh_queue(&summaries, &cases, &changes)?;
            let tables = (&cases, &summaries, &persons, &households);
            stats.refresh_stats(tables, &changes, today)?;
            watch.refresh_supervise((&summaries, &cases, &ledgers), &changes, None)?;
            let seq = append_audit(&meta, &audit, stamp, action, target, changes)?;
            Ok(Registered {
                person: person.id,
                household: hid,
                case: registration.case.as_ref().map(|c| c.id),
                zero_employment: zero,
                seq,
            })
        });
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
            &self.meta.tree,
            &self.audit.tree,
            &self.persons.tree,
            &self.households.tree,
            &self.cases.tree,
            &self.summaries.tree,
            &self.household_cases.tree,
            &self.drafts.tree,
            &self.exit_index.tree,
            &self.queue_index.tree,
            &self.stats_index.tree,
            &self.ledgers.tree,
            &self.supervise_index.tree,
        );
        let household_cases = self.household_cases(person.household)?;
        let result = trees.transaction(
            |(
                meta,
                audit,
                persons,
                households,
                cases,
                summaries,
                hc,
                drafts,
                exits,
                queue,
                stats,
                ledgers,
                watch,
            )| {
                let (meta, audit) = (META.on(meta), AUDIT.on(audit));
                let (persons, households) = (PERSONS.on(persons), HOUSEHOLDS.on(households));
                let (cases, summaries) = (CASES.on(cases), SUMMARIES.on(summaries));
                let (hc, drafts) = (HOUSEHOLD_CASES.on(hc), DRAFTS.on(drafts));
                let (exits, queue) = (EXIT_INDEX.on(exits), QUEUE_INDEX.on(queue));
                let stats = STATS_INDEX.on(stats);
                let (ledgers, watch) = (LEDGERS.on(ledgers), SUPERVISE_INDEX.on(watch));
                let pk = person.id.to_key();
                let (_, person_old): (Person, _) = persons.need(&pk)?;
                let hk = person.household.to_key();
                let (mut household, household_old): (Household, _) = households.need(&hk)?;
                let members = members_with(&persons, &household, person)?;
                let refs: Vec<&Person> = members.iter().collect();
                let state = zero_employment(&refs, household.has_business_income, today);
                let zero_now = state.is_zero();
                let zero = household.track_zero_employment(state, today);
                let mut changes = Vec::new();
                changes.push(persons.put(&pk, person, Some(person_old))?);
                if zero.is_some() {
                    household.rev += 1;
                    changes.push(households.put(&hk, &household, Some(household_old))?);
                    let tables = (&summaries, &persons, &exits);
                    tell_summaries(tables, &household_cases, zero_now, &mut changes)?;
                }
                insert_case(
                    (&cases, &summaries, &hc, &exits),
                    case,
                    person,
                    zero_now,
                    &mut changes,
                )?;
                remove_intake_draft(&drafts, draft_of)?;
                let target = format!("{} {}", person.name, person.id_number.masked());
                queue.refresh_queue(&summaries, &cases, &changes)?;
                let tables = (&cases, &summaries, &persons, &households);
                stats.refresh_stats(tables, &changes, today)?;
                watch.refresh_supervise((&summaries, &cases, &ledgers), &changes, None)?;
                let seq = append_audit(&meta, &audit, stamp, "再次申请", target, changes)?;
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
    /// summary, as one audited action. `today` is the service's day, which decides the
    /// months already closed to the statistics.
    pub fn put_case_step(
        &self,
        stamp: &Stamp,
        case: &AssistanceCase,
        expected_rev: u64,
        action: &str,
        today: NaiveDate,
    ) -> Result<AssistanceCase> {
        let trees = (
            &self.meta.tree,
            &self.audit.tree,
            &self.cases.tree,
            &self.summaries.tree,
            &self.persons.tree,
            &self.exit_index.tree,
            &self.queue_index.tree,
            &self.stats_index.tree,
            &self.households.tree,
            &self.ledgers.tree,
            &self.supervise_index.tree,
        );
        let earlier = self.followups(case.id)?;
        let result = trees.transaction(|tx| {
            let (meta, audit, cases, summaries, persons, exits, queue, stats, households) = (
                &tx.0, &tx.1, &tx.2, &tx.3, &tx.4, &tx.5, &tx.6, &tx.7, &tx.8,
            );
            let (ledgers, watch) = (LEDGERS.on(&tx.9), SUPERVISE_INDEX.on(&tx.10));
            let (meta, audit) = (META.on(meta), AUDIT.on(audit));
            let (cases, summaries) = (CASES.on(cases), SUMMARIES.on(summaries));
            let (persons, exits) = (PERSONS.on(persons), EXIT_INDEX.on(exits));
            let (queue, stats) = (QUEUE_INDEX.on(queue), STATS_INDEX.on(stats));
            let households = HOUSEHOLDS.on(households);
            let ck = case.id.to_key();
            let (stored, old): (AssistanceCase, _) = cases.need(&ck)?;
            if stored.rev != expected_rev {
                return abort(StoreError::Conflict {
                    expected: expected_rev,
                    found: stored.rev,
                });
            }
            let mut new = case.clone();
            new.rev = stored.rev + 1;
            let (mut summary, s_old): (CaseSummary, _) = summaries.need(&ck)?;
            summary.rev = new.rev;
            summary.status = new.status;
            summary.tier = new.tier;
            summary.recognised_on = new.recognised_on;
            let changes = vec![
                cases.put(&ck, &new, Some(old))?,
                summaries.put(&ck, &summary, Some(s_old))?,
            ];
            let person: Option<(Person, _)> = persons.get(&new.person.to_key())?;
            if let Some((p, _)) = &person {
                let zero = summary.zero_employment_household;
                exits.refresh_case(&new, p, zero, &earlier, None)?;
            }
            exits.count_approved(&stored, &new)?;
            let target = match person {
                Some((p, _)) => format!("{} {}", p.name, p.id_number.masked()),
                None => case.id.to_string(),
            };
            queue.refresh_queue(&summaries, &cases, &changes)?;
            let tables = (&cases, &summaries, &persons, &households);
            stats.refresh_stats(tables, &changes, today)?;
            watch.refresh_supervise((&summaries, &cases, &ledgers), &changes, None)?;
            append_audit(&meta, &audit, stamp, action, target, changes)?;
            TxResult::Ok(new)
        });
        let saved = unwrap_tx(result)?;
        self.commit()?;
        Ok(saved)
    }

    /// Writes a person's recorded categories, changed with `case` (its dated event) from
    /// the case's version `expected_rev`, with the case's summary and exit findings, as one
    /// audited action (第(一)条).
    pub fn put_categories(
        &self,
        stamp: &Stamp,
        case: &AssistanceCase,
        expected_rev: u64,
        categories: &[crate::domain::RecordedCategory],
        action: &str,
    ) -> Result<AssistanceCase> {
        let trees = (
            &self.meta.tree,
            &self.audit.tree,
            &self.cases.tree,
            &self.summaries.tree,
            &self.persons.tree,
            &self.exit_index.tree,
        );
        let earlier = self.followups(case.id)?;
        let result = trees.transaction(|(meta, audit, cases, summaries, persons, exits)| {
            let (meta, audit) = (META.on(meta), AUDIT.on(audit));
            let (cases, summaries) = (CASES.on(cases), SUMMARIES.on(summaries));
            let (persons, exits) = (PERSONS.on(persons), EXIT_INDEX.on(exits));
            let ck = case.id.to_key();
            let (stored, old): (AssistanceCase, _) = cases.need(&ck)?;
            if stored.rev != expected_rev {
                return abort(StoreError::Conflict {
                    expected: expected_rev,
                    found: stored.rev,
                });
            }
            let mut new = case.clone();
            new.rev = stored.rev + 1;
            let pk = new.person.to_key();
            let (mut person, p_old): (Person, _) = persons.need(&pk)?;
            person.categories = categories.to_vec();
            person.rev += 1;
            let (mut summary, s_old): (CaseSummary, _) = summaries.need(&ck)?;
            summary.rev = new.rev;
            summary.recorded = person.recorded_categories();
            let changes = vec![
                cases.put(&ck, &new, Some(old))?,
                persons.put(&pk, &person, Some(p_old))?,
                summaries.put(&ck, &summary, Some(s_old))?,
            ];
            let zero = summary.zero_employment_household;
            exits.refresh_case(&new, &person, zero, &earlier, None)?;
            let target = format!("{} {}", person.name, person.id_number.masked());
            append_audit(&meta, &audit, stamp, action, target, changes)?;
            TxResult::Ok(new)
        });
        let saved = unwrap_tx(result)?;
        self.commit()?;
        Ok(saved)
    }
}
