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
    /// 动态清零: at least one member placed in work (R-ZERO-2).
    ZeroEmploymentCleared,
    /// No longer a zero-employment household for another reason than work: not cleared
    /// (R-ZERO-2).
    ZeroEmploymentEnded(ZeroEndReason),
}

impl HouseholdEventKind {
    /// The event as the household's timeline says it.
    pub fn describe(&self) -> String {
        match self {
            HouseholdEventKind::ZeroEmploymentStarted => "成为零就业家庭（预警）".into(),
            HouseholdEventKind::ZeroEmploymentCleared => {
                "零就业家庭动态清零（成员实现就业）".into()
            }
            HouseholdEventKind::ZeroEmploymentEnded(why) => {
                format!("不再是零就业家庭（{}）", why.label())
            }
        }
    }
}

/// R-ZERO-2: why a household stopped being a zero-employment household without a member
/// being placed in work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ZeroEndReason {
    /// 经营性、财产性收入 recorded for the household.
    BusinessIncome,
    /// No member of working age is left (a member retired, or left the household).
    NoWorkingAgeMember,
    /// Working-age members remain, none both able and willing to work.
    NotAbleOrWilling,
}

impl ZeroEndReason {
    pub fn label(self) -> &'static str {
        match self {
            ZeroEndReason::BusinessIncome => "有经营性或财产性收入",
            ZeroEndReason::NoWorkingAgeMember => "已无劳动年龄内成员",
            ZeroEndReason::NotAbleOrWilling => "劳动年龄内成员无劳动能力或就业意愿",
        }
    }
}

/// What R-ZERO-1 says of a household now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZeroEmployment {
    Zero,
    /// A working-age member is in work: what 动态清零 asks.
    MemberInWork,
    /// Not zero-employment, and nobody in work.
    NotZero(ZeroEndReason),
}

impl ZeroEmployment {
    pub fn is_zero(self) -> bool {
        self == ZeroEmployment::Zero
    }
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

    /// The day the household became a zero-employment household, while it is one.
    pub fn zero_since(&self) -> Option<NaiveDate> {
        self.events
            .last()
            .filter(|e| e.kind == HouseholdEventKind::ZeroEmploymentStarted)
            .map(|e| e.date)
    }

    /// Records a start, a clearance (a member in work) or an end for another reason when
    /// the computed state differs from the file; returns the event added, if any.
    pub fn track_zero_employment(
        &mut self,
        now: ZeroEmployment,
        today: NaiveDate,
    ) -> Option<HouseholdEventKind> {
        if now.is_zero() == self.zero_employment_on_file() {
            return None;
        }
        let kind = match now {
            ZeroEmployment::Zero => HouseholdEventKind::ZeroEmploymentStarted,
            ZeroEmployment::MemberInWork => HouseholdEventKind::ZeroEmploymentCleared,
            ZeroEmployment::NotZero(why) => HouseholdEventKind::ZeroEmploymentEnded(why),
        };
        self.events.push(HouseholdEvent {
            date: today,
            kind: kind.clone(),
        });
        Some(kind)
    }
}

/// R-ZERO-2: the day by which a zero-employment household found on `since` is to be
/// cleared (`zero_clearance_days`, 30 by default).
pub fn clearance_deadline(since: NaiveDate, zero_clearance_days: u32) -> NaiveDate {
    since
        .checked_add_days(chrono::Days::new(u64::from(zero_clearance_days)))
        .unwrap_or(NaiveDate::MAX)
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
/// the working-age members in work, and no business or investment income; and when not,
/// why (R-ZERO-2 tells a member placed in work from every other reason).
pub fn zero_employment(
    members: &[&Person],
    has_business_income: bool,
    today: NaiveDate,
) -> ZeroEmployment {
    let working_age: Vec<&&Person> = members.iter().filter(|p| p.is_working_age(today)).collect();
    if working_age.iter().any(|p| p.work_status.is_in_work()) {
        return ZeroEmployment::MemberInWork;
    }
    if has_business_income {
        return ZeroEmployment::NotZero(ZeroEndReason::BusinessIncome);
    }
    if working_age.is_empty() {
        return ZeroEmployment::NotZero(ZeroEndReason::NoWorkingAgeMember);
    }
    if !working_age
        .iter()
        .any(|p| p.labour.can_work() && p.willing_to_work)
    {
        return ZeroEmployment::NotZero(ZeroEndReason::NotAbleOrWilling);
    }
    ZeroEmployment::Zero
}

/// R-ZERO-1, as a yes or no.
pub fn is_zero_employment(
    members: &[&Person],
    has_business_income: bool,
    today: NaiveDate,
) -> bool {
    zero_employment(members, has_business_income, today).is_zero()
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
        let working = ZeroEmployment::MemberInWork;
        assert_eq!(h.track_zero_employment(working, today()), None);
        assert_eq!(
            h.track_zero_employment(ZeroEmployment::Zero, today()),
            Some(HouseholdEventKind::ZeroEmploymentStarted)
        );
        assert!(h.zero_employment_on_file());
        assert_eq!(h.zero_since(), Some(today()));
        assert_eq!(h.track_zero_employment(ZeroEmployment::Zero, today()), None);
        assert_eq!(
            h.track_zero_employment(working, today()),
            Some(HouseholdEventKind::ZeroEmploymentCleared)
        );
        assert_eq!(h.events.len(), 2);
        assert_eq!(h.zero_since(), None);
    }

    /// Finding 8 (issue 13): only a member placed in work is 动态清零; a member retiring,
    /// losing willingness, or business income ends it with that reason.
    #[test]
    fn only_a_member_in_work_clears_other_reasons_end_it() {
        let a = person(
            (1980, 5, 1),
            11,
            LabourCapacity::Full,
            WorkStatus::Unemployed,
        );
        assert_eq!(zero_employment(&[&a], false, today()), ZeroEmployment::Zero);
        let mut unwilling = a.clone();
        unwilling.willing_to_work = false;
        assert_eq!(
            zero_employment(&[&unwilling], false, today()),
            ZeroEmployment::NotZero(ZeroEndReason::NotAbleOrWilling)
        );
        // The only working-age member reaches retirement age.
        let retired = person(
            (1960, 5, 1),
            13,
            LabourCapacity::Full,
            WorkStatus::Unemployed,
        );
        assert_eq!(
            zero_employment(&[&retired], false, today()),
            ZeroEmployment::NotZero(ZeroEndReason::NoWorkingAgeMember)
        );
        assert_eq!(
            zero_employment(&[&a], true, today()),
            ZeroEmployment::NotZero(ZeroEndReason::BusinessIncome)
        );
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
        h.track_zero_employment(ZeroEmployment::Zero, today());
        let ended = h.track_zero_employment(zero_employment(&[&retired], false, today()), today());
        assert_eq!(
            ended,
            Some(HouseholdEventKind::ZeroEmploymentEnded(
                ZeroEndReason::NoWorkingAgeMember
            ))
        );
        assert_eq!(
            ended.map(|k| k.describe()).as_deref(),
            Some("不再是零就业家庭（已无劳动年龄内成员）")
        );
        assert!(!h.zero_employment_on_file());
    }

    #[test]
    fn the_clearance_deadline_is_the_setting_s_days_from_the_start() {
        let since = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        assert_eq!(
            clearance_deadline(since, 30),
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        );
        assert_eq!(
            clearance_deadline(since, 10),
            NaiveDate::from_ymd_opt(2026, 11, 12).unwrap()
        );
    }
}
