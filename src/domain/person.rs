//! A person on file: identity, household membership, labour capacity, willingness and
//! current work status (第(三)条 援助台账: one record, kept current by follow-ups).

use super::category::{Category, RecordedCategory};
use super::followup::WorkStatus;
use super::id_number::IdNumber;
use super::ids::{HouseholdId, PersonId};
use super::retirement::{FormerRetirementClass, is_working_age};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Other,
}

impl Relation {
    pub fn label(self) -> &'static str {
        match self {
            Relation::Head => "户主",
            Relation::Spouse => "配偶",
            Relation::Child => "子女",
            Relation::Parent => "父母",
            Relation::Other => "其他",
        }
    }
}

/// 劳动能力: whether the person can work at all (R-ZERO-1, R-RECOG-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LabourCapacity {
    Full,
    Partial,
    None,
}

impl LabourCapacity {
    pub fn label(self) -> &'static str {
        match self {
            LabourCapacity::Full => "完全劳动能力",
            LabourCapacity::Partial => "部分劳动能力",
            LabourCapacity::None => "无劳动能力",
        }
    }

    pub fn can_work(self) -> bool {
        !matches!(self, LabourCapacity::None)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub rev: u64,
    pub id_number: IdNumber,
    pub name: String,
    pub phone: String,
    pub household: HouseholdId,
    pub relation: Relation,
    /// A woman's former statutory retirement class (R-RETIRE-1); ignored for men.
    pub former_class: FormerRetirementClass,
    pub labour: LabourCapacity,
    pub willing_to_work: bool,
    pub work_status: WorkStatus,
    /// Unemployment registration date (登记失业日期), while registered unemployed.
    pub unemployed_since: Option<NaiveDate>,
    pub categories: Vec<RecordedCategory>,
}

impl Person {
    pub fn birth_date(&self) -> NaiveDate {
        self.id_number.birth_date()
    }

    pub fn is_working_age(&self, today: NaiveDate) -> bool {
        is_working_age(
            self.birth_date(),
            self.id_number.sex(),
            self.former_class,
            today,
        )
    }

    pub fn recorded_categories(&self) -> Vec<Category> {
        self.categories.iter().map(|c| c.category).collect()
    }
}
