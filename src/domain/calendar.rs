//! Working days, for the public notice of 第(二)条 (初审公示, R-RECOG-1): weekends are
//! skipped, public holidays (a list in the config file) are skipped, and the weekend days
//! the State Council makes working days (调休上班) count.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Public holidays (法定节假日) that fall on weekdays.
    pub holidays: Vec<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    pub workdays: Vec<NaiveDate>,
}

impl Calendar {
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.holidays.contains(&day)
    }

    /// The last day of a notice of `working_days` working days published on `published`:
    /// the count starts with the first working day on or after it.
    pub fn notice_end(&self, published: NaiveDate, working_days: u32) -> NaiveDate {
        let mut day = published;
        let mut counted = 0;
        // A year of days is far more than any notice; the bound keeps a bad list finite.
        for _ in 0..366 {
            if self.is_working_day(day) {
                counted += 1;
                if counted >= working_days.max(1) {
                    return day;
                }
            }
            match day.checked_add_days(Days::new(1)) {
                Some(next) => day = next,
                None => break,
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn five_working_days_from_a_thursday_skip_the_weekend() {
        // 2026-11-19 is a Thursday: Thu, Fri, Mon, Tue, Wed.
        let c = Calendar::default();
        assert_eq!(c.notice_end(d(11, 19), 5), d(11, 25));
        // Published on a Saturday: counting starts on Monday.
        assert_eq!(c.notice_end(d(11, 21), 5), d(11, 27));
        assert_eq!(c.notice_end(d(11, 23), 1), d(11, 23));
    }

    #[test]
    fn a_listed_holiday_is_skipped_and_a_makeup_weekend_day_counts() {
        // National Day 2026: 10-01..10-07 off (Thu..Wed), Sat 10-10 a working day.
        let c = Calendar {
            holidays: (1..=7).map(|day| d(10, day)).collect(),
            workdays: vec![d(10, 10)],
        };
        assert!(!c.is_working_day(d(10, 5)));
        assert!(c.is_working_day(d(10, 10)));
        // Published Wed 09-30: 09-30, 10-08, 10-09, 10-10 (Sat, makeup), 10-12.
        assert_eq!(c.notice_end(d(9, 30), 5), d(10, 12));
        let plain = Calendar::default();
        assert_eq!(plain.notice_end(d(9, 30), 5), d(10, 6));
    }
}
