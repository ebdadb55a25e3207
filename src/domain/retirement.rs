//! The statutory retirement date (R-RETIRE-1), which ends working age and so bounds who
//! can be recognised, when a case exits, and how long a public-welfare post or a social
//! insurance subsidy may run (R-POST-2, R-POL-SI-2). It follows the State Council's
//! measures on gradually raising the statutory retirement age (《国务院关于渐进式延迟法定
//! 退休年龄的办法》, approved by the NPC Standing Committee on 2024-09-13, in force from
//! 2025-01-01). Only the statutory date is computed here: flexible early or late
//! retirement by choice (弹性退休) and early retirement for special work types are not.

use super::id_number::{Sex, age_on};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A woman's former statutory retirement age: 50 for workers (女职工), 55 for cadres
/// (女干部). It cannot be read from the ID number, so it is recorded for each woman;
/// men ignore it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FormerRetirementClass {
    #[default]
    Fifty,
    FiftyFive,
}

impl FormerRetirementClass {
    pub fn label(self) -> &'static str {
        match self {
            FormerRetirementClass::Fifty => "原50周岁",
            FormerRetirementClass::FiftyFive => "原55周岁",
        }
    }
}

/// The gradual raise that applies to a group of people (《办法》第二条).
struct Schedule {
    /// The retirement age before the reform, in years.
    original_years: u32,
    /// Birth-cohort months per month of delay.
    cohort_months_per_step: u32,
    /// The delay once the target age is reached.
    max_delay_months: u32,
}

/// 《办法》第二条: "从2025年1月1日起，男职工和原法定退休年龄为五十五周岁的女职工，法定退休
/// 年龄每四个月延迟一个月，分别逐步延迟至六十三周岁和五十八周岁；原法定退休年龄为五十周岁
/// 的女职工，法定退休年龄每二个月延迟一个月，逐步延迟至五十五周岁。"
fn schedule(sex: Sex, class: FormerRetirementClass) -> Schedule {
    match (sex, class) {
        (Sex::Male, _) => Schedule {
            original_years: 60,
            cohort_months_per_step: 4,
            max_delay_months: 36,
        },
        (Sex::Female, FormerRetirementClass::FiftyFive) => Schedule {
            original_years: 55,
            cohort_months_per_step: 4,
            max_delay_months: 36,
        },
        (Sex::Female, FormerRetirementClass::Fifty) => Schedule {
            original_years: 50,
            cohort_months_per_step: 2,
            max_delay_months: 60,
        },
    }
}

/// The year from whose January the raise applies (从2025年1月1日起).
const REFORM_YEAR: i32 = 2025;

/// Months of delay: none for someone who would have retired under the old age before
/// January 2025; one month for the first cohort (the first 4 or 2 birth months whose old
/// retirement month falls in January 2025 or later), one more for each later cohort, up
/// to the cap.
fn delay_months(birth: NaiveDate, schedule: &Schedule) -> u32 {
    // The first birth month whose old retirement month is January 2025 (e.g. 1965-01 for
    // men), counted as months since year 0 so cohorts can be compared by subtraction.
    let first_delayed = (i64::from(REFORM_YEAR) - i64::from(schedule.original_years)) * 12;
    let born = i64::from(birth.year()) * 12 + i64::from(birth.month0());
    match u32::try_from(born - first_delayed) {
        Ok(months_after_first) => (months_after_first / schedule.cohort_months_per_step + 1)
            .min(schedule.max_delay_months),
        Err(_) => 0,
    }
}

fn retirement_months(birth: NaiveDate, sex: Sex, class: FormerRetirementClass) -> u32 {
    let schedule = schedule(sex, class);
    schedule.original_years * 12 + delay_months(birth, &schedule)
}

/// The person's statutory retirement date (R-RETIRE-1): the day they reach the retirement
/// age, i.e. the birthday plus the retirement age in years and months. A birthday missing
/// from the target month moves to that month's last day (born 1965-07-31, retiring at
/// 60y2m: 2025-09-30).
pub fn retirement_date(birth: NaiveDate, sex: Sex, class: FormerRetirementClass) -> NaiveDate {
    birth
        .checked_add_months(Months::new(retirement_months(birth, sex, class)))
        // Only for dates near chrono's upper limit, which no ID number can hold.
        .unwrap_or(NaiveDate::MAX)
}

/// The statutory retirement age as (years, months), e.g. (60, 1) for 60周岁1个月
/// (R-RETIRE-1).
pub fn retirement_age(birth: NaiveDate, sex: Sex, class: FormerRetirementClass) -> (u32, u32) {
    let months = retirement_months(birth, sex, class);
    (months / 12, months % 12)
}

/// Working age: from the 16th birthday (the minimum working age of the Labour Law, 第十五条)
/// up to the day before the statutory retirement date (R-RETIRE-1).
pub fn is_working_age(
    birth: NaiveDate,
    sex: Sex,
    class: FormerRetirementClass,
    day: NaiveDate,
) -> bool {
    age_on(birth, day) >= 16 && day < retirement_date(birth, sex, class)
}

/// 不足5年: how near retirement counts as near, for the tier Ⅰ rule, the post term and the
/// SI subsidy's term (R-POST-2, R-POL-SI-2); a national rule, not a county's number.
pub const NEAR_RETIREMENT_YEARS: u32 = 5;

/// Less than `years` years before the statutory retirement date on `day` (距法定退休年龄
/// 不足N年), and not yet retired: someone with exactly `years` years left is not within.
/// Used for the tier Ⅰ rule and for how long a public-welfare post or a social insurance
/// subsidy may run (R-POST-2, R-POL-SI-2: 不足5年的，可延长至退休).
pub fn within_years_of_retirement(
    birth: NaiveDate,
    sex: Sex,
    class: FormerRetirementClass,
    day: NaiveDate,
    years: u32,
) -> bool {
    let retirement = retirement_date(birth, sex, class);
    let window_start = retirement
        .checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN);
    window_start < day && day < retirement
}

#[cfg(test)]
mod tests {
    use super::*;
    use FormerRetirementClass::{Fifty, FiftyFive};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn man(y: i32, m: u32) -> (u32, u32) {
        retirement_age(d(y, m, 15), Sex::Male, Fifty)
    }

    fn woman(y: i32, m: u32, class: FormerRetirementClass) -> (u32, u32) {
        retirement_age(d(y, m, 15), Sex::Female, class)
    }

    #[test]
    fn man_born_before_1965_retires_at_60() {
        assert_eq!(man(1964, 12), (60, 0));
        assert_eq!(
            retirement_date(d(1964, 12, 15), Sex::Male, Fifty),
            d(2024, 12, 15)
        );
    }

    #[test]
    fn man_born_1965_01_to_04_retires_at_60_and_1_month() {
        for m in 1..=4 {
            assert_eq!(man(1965, m), (60, 1), "born 1965-{m:02}");
        }
        assert_eq!(
            retirement_date(d(1965, 1, 15), Sex::Male, Fifty),
            d(2025, 2, 15)
        );
    }

    #[test]
    fn man_born_1965_05_to_08_retires_at_60_and_2_months() {
        for m in 5..=8 {
            assert_eq!(man(1965, m), (60, 2), "born 1965-{m:02}");
        }
        assert_eq!(man(1965, 9), (60, 3));
    }

    #[test]
    fn man_born_1976_09_or_later_retires_at_63() {
        assert_eq!(man(1976, 8), (62, 11));
        assert_eq!(man(1976, 9), (63, 0));
        assert_eq!(man(1990, 1), (63, 0));
    }

    #[test]
    fn men_ignore_the_former_class() {
        let birth = d(1970, 6, 1);
        assert_eq!(
            retirement_date(birth, Sex::Male, Fifty),
            retirement_date(birth, Sex::Male, FiftyFive)
        );
    }

    #[test]
    fn woman_former_50_born_before_1975_retires_at_50() {
        assert_eq!(woman(1974, 12, Fifty), (50, 0));
    }

    #[test]
    fn woman_former_50_born_1975_01_to_02_retires_at_50_and_1_month() {
        assert_eq!(woman(1975, 1, Fifty), (50, 1));
        assert_eq!(woman(1975, 2, Fifty), (50, 1));
        assert_eq!(woman(1975, 3, Fifty), (50, 2));
    }

    #[test]
    fn woman_former_50_born_1984_11_or_later_retires_at_55() {
        assert_eq!(woman(1984, 10, Fifty), (54, 11));
        assert_eq!(woman(1984, 11, Fifty), (55, 0));
        assert_eq!(woman(1995, 6, Fifty), (55, 0));
    }

    #[test]
    fn woman_former_55_born_1970_01_to_04_retires_at_55_and_1_month() {
        assert_eq!(woman(1969, 12, FiftyFive), (55, 0));
        for m in 1..=4 {
            assert_eq!(woman(1970, m, FiftyFive), (55, 1), "born 1970-{m:02}");
        }
        assert_eq!(woman(1970, 5, FiftyFive), (55, 2));
    }

    #[test]
    fn woman_former_55_born_1981_09_or_later_retires_at_58() {
        assert_eq!(woman(1981, 8, FiftyFive), (57, 11));
        assert_eq!(woman(1981, 9, FiftyFive), (58, 0));
        assert_eq!(woman(1990, 1, FiftyFive), (58, 0));
    }

    #[test]
    fn retirement_date_keeps_the_birthday_when_the_month_has_it() {
        assert_eq!(
            retirement_date(d(1965, 8, 31), Sex::Male, Fifty),
            d(2025, 10, 31)
        );
    }

    #[test]
    fn retirement_date_moves_to_month_end_when_the_birthday_is_missing() {
        assert_eq!(
            retirement_date(d(1965, 7, 31), Sex::Male, Fifty),
            d(2025, 9, 30)
        );
        assert_eq!(
            retirement_date(d(1972, 2, 29), Sex::Female, Fifty),
            d(2022, 2, 28)
        );
    }

    #[test]
    fn working_age_ends_the_day_before_the_retirement_date() {
        let birth = d(1965, 1, 15);
        let retires = retirement_date(birth, Sex::Male, Fifty);
        assert_eq!(retires, d(2025, 2, 15));
        assert!(is_working_age(birth, Sex::Male, Fifty, d(2025, 2, 14)));
        assert!(!is_working_age(birth, Sex::Male, Fifty, d(2025, 2, 15)));
    }

    #[test]
    fn working_age_starts_on_the_16th_birthday() {
        let birth = d(2010, 3, 10);
        assert!(!is_working_age(birth, Sex::Female, Fifty, d(2026, 3, 9)));
        assert!(is_working_age(birth, Sex::Female, Fifty, d(2026, 3, 10)));
    }

    #[test]
    fn within_years_of_retirement_means_less_than_that_many_years_left() {
        let birth = d(1965, 1, 15);
        // Retires 2025-02-15.
        let within_5 = |day| within_years_of_retirement(birth, Sex::Male, Fifty, day, 5);
        assert!(!within_5(d(2020, 2, 15)));
        assert!(within_5(d(2020, 2, 16)));
        assert!(within_5(d(2025, 2, 14)));
        assert!(!within_5(d(2025, 2, 15)));
    }

    #[test]
    fn former_class_defaults_to_50_and_has_labels() {
        assert_eq!(FormerRetirementClass::default(), Fifty);
        assert_eq!(Fifty.label(), "原50周岁");
        assert_eq!(FiftyFive.label(), "原55周岁");
    }
}
