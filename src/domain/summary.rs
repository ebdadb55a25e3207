//! A case's summary: what the caseload queue needs of a case, its person and its household,
//! kept beside them and rewritten in the same transaction as any change to them, so the
//! queue of a whole county is read from one tree.

use super::case::{AssistanceCase, RecognitionStatus};
use super::category::{Category, is_4050};
use super::due::{DueStatus, followup_due};
use super::followup::WorkStatus;
use super::id_number::IdNumber;
use super::ids::{CaseId, HouseholdId, PersonId, TownshipCode};
use super::person::Person;
use super::settings::Settings;
use super::tier::Tier;
use super::year_month::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub case: CaseId,
    /// The case record's `rev` this summary was written with.
    pub rev: u64,
    pub person: PersonId,
    pub household: HouseholdId,
    pub township: TownshipCode,
    pub name: String,
    pub id_number: IdNumber,
    pub phone: String,
    pub status: RecognitionStatus,
    pub tier: Tier,
    pub recognised_on: Option<NaiveDate>,
    pub recorded: Vec<Category>,
    pub unemployed_since: Option<NaiveDate>,
    pub zero_employment_household: bool,
    pub work_status: WorkStatus,
    /// Months with at least one follow-up, ascending.
    pub covered: Vec<YearMonth>,
    pub last_contact: Option<NaiveDate>,
}

impl CaseSummary {
    pub fn new(case: &AssistanceCase, person: &Person, zero_employment_household: bool) -> Self {
        Self {
            case: case.id,
            rev: case.rev,
            person: person.id,
            household: case.household,
            township: case.township.clone(),
            name: person.name.clone(),
            id_number: person.id_number.clone(),
            phone: person.phone.clone(),
            status: case.status,
            tier: case.tier,
            recognised_on: case.recognised_on,
            recorded: person.recorded_categories(),
            unemployed_since: person.unemployed_since,
            zero_employment_household,
            work_status: person.work_status,
            covered: Vec::new(),
            last_contact: None,
        }
    }

    /// Notes a follow-up on `day`.
    pub fn record_contact(&mut self, day: NaiveDate) {
        let month = YearMonth::of(day);
        if let Err(at) = self.covered.binary_search(&month) {
            self.covered.insert(at, month);
        }
        if self.last_contact.is_none_or(|last| day > last) {
            self.last_contact = Some(day);
        }
    }

    /// R-FOLLOW-1 at the tier's interval (R-TIER-1), for recognised cases only.
    pub fn due(&self, today: NaiveDate, settings: &Settings) -> Option<DueStatus> {
        match (self.status, self.recognised_on) {
            (RecognitionStatus::Recognised, Some(on)) => Some(followup_due(
                on,
                &self.covered,
                self.last_contact,
                settings.tier(self.tier).interval_days,
                settings.due_soon_day,
                today,
            )),
            _ => None,
        }
    }

    /// Recorded categories plus the two derived ones (第(一)条, R-ZERO-1, R-AGE-4050).
    pub fn categories(&self, today: NaiveDate, settings: &Settings) -> Vec<Category> {
        let mut all = self.recorded.clone();
        if self.zero_employment_household {
            all.push(Category::ZeroEmploymentMember);
        }
        let unemployed = (!self.work_status.is_in_work())
            .then_some(self.unemployed_since)
            .flatten();
        if is_4050(
            self.id_number.birth_date(),
            self.id_number.sex(),
            unemployed,
            today,
            settings,
        ) {
            all.push(Category::Age4050);
        }
        all.sort();
        all.dedup();
        all
    }
}
