//! 第(四)条 一户一档: one household, one file, and the zero-employment household
//! (零就业家庭) computed from its members, never typed in (R-ZERO-1).

use super::ids::{HouseholdId, PersonId, TownshipCode};
use super::person::{Person, Relation};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub id: HouseholdId,
    pub rev: u64,
    pub township: TownshipCode,
    pub village: String,
    pub address: String,
    pub members: Vec<PersonId>,
    /// Business or investment income (经营性、投资性收入) rules a household out of R-ZERO-1.
    pub has_business_income: bool,
    pub events: Vec<HouseholdEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdEvent {
    pub date: NaiveDate,
    pub kind: HouseholdEventKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HouseholdEventKind {
    /// 预警监测: the household became a zero-employment household.
    ZeroEmploymentStarted,
    /// 动态清零: at least one member placed in work.
    ZeroEmploymentCleared,
}

impl Household {
    /// Whether the household's latest zero-employment event is a start.
    pub fn zero_employment_on_file(&self) -> bool {
        self.events
            .iter()
            .rev()
            .map(|e| e.kind == HouseholdEventKind::ZeroEmploymentStarted)
            .next()
            .unwrap_or(false)
    }

    /// Records a start or clearance when the computed state differs from the file; returns
    /// the event added, if any.
    pub fn track_zero_employment(
        &mut self,
        now_zero: bool,
        today: NaiveDate,
    ) -> Option<HouseholdEventKind> {
        if now_zero == self.zero_employment_on_file() {
            return None;
        }
        let kind = if now_zero {
            HouseholdEventKind::ZeroEmploymentStarted
        } else {
            HouseholdEventKind::ZeroEmploymentCleared
        };
        self.events.push(HouseholdEvent {
            date: today,
            kind: kind.clone(),
        });
        Some(kind)
    }
}

/// 一户一档 (第(四)条): a household has one head (户主). The member who already heads it
/// when a person joining as `relation` would make a second one.
pub fn second_head(members: &[Person], relation: Relation) -> Option<&Person> {
    if relation != Relation::Head {
        return None;
    }
    members.iter().find(|m| m.relation == Relation::Head)
}

/// R-ZERO-1: at least one member of working age who is able and willing to work, none of
/// the working-age members in work, and no business or investment income.
pub fn is_zero_employment(
    members: &[&Person],
    has_business_income: bool,
    today: NaiveDate,
) -> bool {
    if has_business_income {
        return false;
    }
    let working_age: Vec<&&Person> = members.iter().filter(|p| p.is_working_age(today)).collect();
    let someone_able_and_willing = working_age
        .iter()
        .any(|p| p.labour.can_work() && p.willing_to_work);
    let nobody_in_work = working_age.iter().all(|p| !p.work_status.is_in_work());
    someone_able_and_willing && nobody_in_work
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::followup::WorkStatus;
    use crate::domain::id_number::IdNumber;
    use crate::domain::person::{LabourCapacity, Relation};
    use crate::domain::retirement::FormerRetirementClass;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn person(
        birth: (i32, u32, u32),
        seq: u16,
        labour: LabourCapacity,
        work: WorkStatus,
    ) -> Person {
        let birth = NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).unwrap();
        Person {
            id: PersonId(u64::from(seq)),
            rev: 1,
            id_number: IdNumber::compose("360731", birth, seq).unwrap(),
            name: "测试".into(),
            phone: String::new(),
            household: HouseholdId(1),
            relation: Relation::Head,
            former_class: FormerRetirementClass::Fifty,
            labour,
            willing_to_work: true,
            work_status: work,
            unemployed_since: None,
            categories: vec![],
        }
    }

    #[test]
    fn household_with_able_unemployed_member_and_nobody_in_work_is_zero_employment() {
        let a = person(
            (1980, 5, 1),
            11,
            LabourCapacity::Full,
            WorkStatus::Unemployed,
        );
        let b = person(
            (1982, 6, 1),
            12,
            LabourCapacity::Partial,
            WorkStatus::Unemployed,
        );
        assert!(is_zero_employment(&[&a, &b], false, today()));
    }

    #[test]
    fn one_member_in_work_clears_the_household() {
        let a = person(
            (1980, 5, 1),
            11,
            LabourCapacity::Full,
            WorkStatus::Unemployed,
        );
        let b = person(
            (1982, 6, 1),
            12,
            LabourCapacity::Full,
            WorkStatus::MigrantWork,
        );
        assert!(!is_zero_employment(&[&a, &b], false, today()));
    }

    #[test]
    fn household_with_nobody_able_to_work_is_not_zero_employment() {
        let a = person(
            (1980, 5, 1),
            11,
            LabourCapacity::None,
            WorkStatus::Unemployed,
        );
        let child = person(
            (2015, 1, 1),
            12,
            LabourCapacity::Full,
            WorkStatus::Unemployed,
        );
        assert!(!is_zero_employment(&[&a, &child], false, today()));
    }

    #[test]
    fn a_retired_parent_in_work_does_not_count() {
        let a = person(
            (1980, 5, 1),
            11,
            LabourCapacity::Full,
            WorkStatus::Unemployed,
        );
        let grandpa = person((1950, 1, 1), 13, LabourCapacity::Full, WorkStatus::Flexible);
        assert!(is_zero_employment(&[&a, &grandpa], false, today()));
    }

    #[test]
    fn business_income_rules_the_household_out() {
        let a = person(
            (1980, 5, 1),
            11,
            LabourCapacity::Full,
            WorkStatus::Unemployed,
        );
        assert!(!is_zero_employment(&[&a], true, today()));
    }

    #[test]
    fn start_and_clearance_are_kept_as_dated_events() {
        let mut h = Household {
            id: HouseholdId(1),
            rev: 1,
            township: TownshipCode("360731101".into()),
            village: String::new(),
            address: String::new(),
            members: vec![],
            has_business_income: false,
            events: vec![],
        };
        assert_eq!(h.track_zero_employment(false, today()), None);
        assert_eq!(
            h.track_zero_employment(true, today()),
            Some(HouseholdEventKind::ZeroEmploymentStarted)
        );
        assert!(h.zero_employment_on_file());
        assert_eq!(h.track_zero_employment(true, today()), None);
        assert_eq!(
            h.track_zero_employment(false, today()),
            Some(HouseholdEventKind::ZeroEmploymentCleared)
        );
        assert_eq!(h.events.len(), 2);
    }
}
