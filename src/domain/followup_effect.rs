//! What a saved follow-up changes beyond itself (第(三)条 keep the record current; 第(四)条
//! 预警监测 and 动态清零): the person's current work status and willingness, their
//! unemployment registration, the case's dated events, and the household's zero-employment
//! state, recomputed from its members.

use super::case::AssistanceCase;
use super::followup::{ContactOutcome, FollowUpAnswers};
use super::household::{Household, HouseholdEventKind, zero_employment};
use super::person::Person;
use chrono::NaiveDate;

/// Applies a follow-up to the records it touches. Only the latest contact that reached the
/// person speaks for the present: a follow-up entered late for an earlier date, or one that
/// did not reach them (联系不上), changes nothing here. `others` are the household's other
/// members. Returns the zero-employment event, if the household's state changed.
pub fn apply_followup(
    answers: &FollowUpAnswers,
    is_latest: bool,
    case: &mut AssistanceCase,
    person: &mut Person,
    household: &mut Household,
    others: &[Person],
    today: NaiveDate,
) -> Option<HouseholdEventKind> {
    if !is_latest || answers.outcome == ContactOutcome::Unreachable {
        return None;
    }
    let before = person.work_status;
    let after = answers.work_status;
    case.track_work_status(before, after, answers.date);
    person.work_status = after;
    person.willing_to_work = answers.willing_to_work;
    if after.is_in_work() {
        person.unemployed_since = None;
    } else if before.is_in_work() {
        person.unemployed_since = Some(answers.date);
    }
    let mut members: Vec<&Person> = others.iter().collect();
    members.push(person);
    let now = zero_employment(&members, household.has_business_income, today);
    household.track_zero_employment(now, today)
}
