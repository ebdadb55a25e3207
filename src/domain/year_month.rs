//! Calendar months, the unit of the monthly follow-up (第(五)条 每月跟踪回访).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    pub fn of(day: NaiveDate) -> Self {
        Self {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn prev(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// The month `n` months before this one.
    pub fn minus(self, n: u32) -> Self {
        let first = self.first_day();
        Self::of(first.checked_sub_months(Months::new(n)).unwrap_or(first))
    }

    /// `2026年11月`, for headers.
    pub fn label(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn previous_month_of_january_is_december_of_last_year() {
        assert_eq!(
            YearMonth::of(d(2026, 1, 15)).prev(),
            YearMonth::new(2025, 12).unwrap()
        );
    }

    #[test]
    fn last_day_knows_leap_years() {
        assert_eq!(YearMonth::new(2028, 2).unwrap().last_day(), d(2028, 2, 29));
        assert_eq!(
            YearMonth::new(2026, 12).unwrap().last_day(),
            d(2026, 12, 31)
        );
    }

    #[test]
    fn minus_crosses_years() {
        assert_eq!(
            YearMonth::new(2026, 3).unwrap().minus(11),
            YearMonth::new(2025, 4).unwrap()
        );
    }
}
