//! 第(一)条: the nine categories of persons with employment difficulty. Seven are recorded
//! with evidence (a document number and who issued it); two are derived and never typed in:
//! 零就业家庭成员 from the household's members (第(四)条) and "4050" from the ID number and
//! the unemployment registration date (R-AGE-4050).

use super::id_number::Sex;
use super::id_number::age_on;
use super::settings::Settings;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    ZeroEmploymentMember,
    Disabled,
    Dibao,
    LandLost,
    PovertyAlleviated,
    RelapseMonitored,
    RetiredFisher,
    Age4050,
    Other,
}

impl Category {
    pub const RECORDED: [Category; 7] = [
        Category::Disabled,
        Category::Dibao,
        Category::LandLost,
        Category::PovertyAlleviated,
        Category::RelapseMonitored,
        Category::RetiredFisher,
        Category::Other,
    ];

    /// Two-character label for list columns.
    pub fn short_label(self) -> &'static str {
        match self {
            Category::ZeroEmploymentMember => "零就",
            Category::Disabled => "残疾",
            Category::Dibao => "低保",
            Category::LandLost => "失地",
            Category::PovertyAlleviated => "脱贫",
            Category::RelapseMonitored => "监测",
            Category::RetiredFisher => "退捕",
            Category::Age4050 => "4050",
            Category::Other => "其他",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::ZeroEmploymentMember => "零就业家庭成员",
            Category::Disabled => "残疾人员",
            Category::Dibao => "低保人员",
            Category::LandLost => "失地人员",
            Category::PovertyAlleviated => "脱贫劳动力",
            Category::RelapseMonitored => "防止返贫监测对象",
            Category::RetiredFisher => "专业退捕渔民",
            Category::Age4050 => "“4050”人员",
            Category::Other => "其他人员",
        }
    }
}

/// What proves a recorded category: a certificate or decision number and its issuer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub document_no: String,
    pub issued_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedCategory {
    pub category: Category,
    pub evidence: Evidence,
}

/// R-AGE-4050: women aged 40+ and men aged 50+ (whole years, exact birthday), unemployed
/// `months_4050` months or more in a row since the unemployment registration.
pub fn is_4050(
    birth: NaiveDate,
    sex: Sex,
    unemployed_since: Option<NaiveDate>,
    today: NaiveDate,
    settings: &Settings,
) -> bool {
    let min_age = match sex {
        Sex::Female => settings.age_4050_women,
        Sex::Male => settings.age_4050_men,
    };
    let Some(since) = unemployed_since else {
        return false;
    };
    let long_enough = since
        .checked_add_months(Months::new(settings.months_4050))
        .is_some_and(|enough| today >= enough);
    age_on(birth, today) >= min_age && long_enough
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn woman_becomes_4050_on_her_40th_birthday_not_the_day_before() {
        let s = Settings::default();
        let birth = d(1986, 11, 28);
        let since = Some(d(2025, 1, 1));
        assert!(!is_4050(birth, Sex::Female, since, d(2026, 11, 27), &s));
        assert!(is_4050(birth, Sex::Female, since, d(2026, 11, 28), &s));
    }

    #[test]
    fn man_becomes_4050_on_his_50th_birthday_not_the_day_before() {
        let s = Settings::default();
        let birth = d(1976, 3, 10);
        let since = Some(d(2025, 1, 1));
        assert!(!is_4050(birth, Sex::Male, since, d(2026, 3, 9), &s));
        assert!(is_4050(birth, Sex::Male, since, d(2026, 3, 10), &s));
        assert!(!is_4050(birth, Sex::Female, since, d(2015, 3, 10), &s));
    }

    #[test]
    fn six_months_less_one_day_of_unemployment_is_not_enough() {
        let s = Settings::default();
        let birth = d(1970, 1, 1);
        let since = Some(d(2026, 5, 15));
        assert!(!is_4050(birth, Sex::Male, since, d(2026, 11, 14), &s));
        assert!(is_4050(birth, Sex::Male, since, d(2026, 11, 15), &s));
        assert!(!is_4050(birth, Sex::Male, None, d(2026, 11, 15), &s));
    }
}
