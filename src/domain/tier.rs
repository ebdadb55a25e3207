//! 第(四)条 分级帮扶: tiered assistance, levels Ⅰ, Ⅱ, Ⅲ. Written 一级/二级/三级 on screen,
//! because Ⅰ Ⅱ Ⅲ are of ambiguous width in Chinese-locale consoles.

use super::settings::Settings;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    /// Most intensive: zero-employment household members, dibao, disabled, or near retirement
    /// and out of work.
    One,
    /// Other persons out of work.
    Two,
    /// In work, being kept stable.
    Three,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::One, Tier::Two, Tier::Three];

    pub fn label(self) -> &'static str {
        match self {
            Tier::One => "一级",
            Tier::Two => "二级",
            Tier::Three => "三级",
        }
    }

    /// The default next contact after a contact on `day` (R-TIER-1; never rarer than monthly,
    /// R-FOLLOW-1).
    pub fn next_contact(self, day: NaiveDate, settings: &Settings) -> NaiveDate {
        let next = match settings.tier(self).interval_days {
            Some(days) => day.checked_add_days(Days::new(u64::from(days.min(31)))),
            None => day.checked_add_months(Months::new(1)),
        };
        next.unwrap_or(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_one_is_contacted_every_two_weeks_and_others_monthly() {
        let s = Settings::default();
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(
            Tier::One.next_contact(day, &s),
            NaiveDate::from_ymd_opt(2026, 2, 14).unwrap()
        );
        assert_eq!(
            Tier::Two.next_contact(day, &s),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
    }
}
