//! Working days, for the public notice of 第(二)条 (初审公示, R-RECOG-1) and R-CAL-1: weekends
//! are skipped, public holidays are skipped, and the weekend days the State Council makes
//! working days (调休上班) count. The State Council's yearly tables are shipped in
//! `holidays_cn.toml` (compiled in, each year naming its notice); a county's config adds
//! days to them, a day it names overriding the shipped other list. It is not a clock: the
//! day to count from always comes in as an argument.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The State Council's holiday notices, as shipped (R-CAL-1).
const SHIPPED: &str = include_str!("holidays_cn.toml");

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Days off (法定节假日); a weekend day listed here changes nothing.
    pub holidays: Vec<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    pub workdays: Vec<NaiveDate>,
}

/// The official calendar: the shipped State Council tables.
impl Default for Calendar {
    fn default() -> Self {
        shipped().clone()
    }
}

/// One year of `holidays_cn.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShippedYear {
    #[allow(dead_code)] // read so the file must name its source; shown nowhere yet
    source: String,
    holidays: Vec<String>,
    workdays: Vec<String>,
}

/// The shipped table, parsed once. The file is part of the program and a test parses it,
/// so a broken table cannot ship; were it unreadable anyway, weekends alone remain.
fn shipped() -> &'static Calendar {
    static TABLE: OnceLock<Calendar> = OnceLock::new();
    TABLE.get_or_init(|| parse_shipped(SHIPPED).unwrap_or_else(|_| Calendar::weekends_only()))
}

/// `holidays_cn.toml`'s text as a calendar; the error names the entry it could not read.
fn parse_shipped(text: &str) -> Result<Calendar, String> {
    let years: BTreeMap<String, ShippedYear> = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut calendar = Calendar::weekends_only();
    for (year, table) in &years {
        let year: i32 = year.parse().map_err(|_| format!("年份 {year} 无效"))?;
        for entry in &table.holidays {
            calendar.holidays.extend(days_of(year, entry)?);
        }
        for entry in &table.workdays {
            calendar.workdays.extend(days_of(year, entry)?);
        }
    }
    Ok(calendar)
}

/// `"MM-DD"` or `"MM-DD..MM-DD"` (both ends included) of `year`.
fn days_of(year: i32, entry: &str) -> Result<Vec<NaiveDate>, String> {
    let day = |s: &str| {
        let (m, d) = s.trim().split_once('-').ok_or(())?;
        let (m, d) = (m.parse().map_err(|_| ())?, d.parse().map_err(|_| ())?);
        NaiveDate::from_ymd_opt(year, m, d).ok_or(())
    };
    let bad = || format!("{year} 年的 “{entry}” 不是日期或日期范围");
    let (first, last) = match entry.split_once("..") {
        Some((a, b)) => (day(a).map_err(|_| bad())?, day(b).map_err(|_| bad())?),
        None => {
            let d = day(entry).map_err(|_| bad())?;
            (d, d)
        }
    };
    if last < first {
        return Err(bad());
    }
    Ok(first.iter_days().take_while(|d| *d <= last).collect())
}

impl Calendar {
    /// Saturdays and Sundays off, nothing else: for tests and for a county that keeps its
    /// own table entirely.
    pub fn weekends_only() -> Self {
        Self {
            holidays: Vec::new(),
            workdays: Vec::new(),
        }
    }

    /// The shipped tables with a county's own days added: a day in `holidays` is off even
    /// where the shipped table makes it a working day, and one in `workdays` is worked
    /// even where the shipped table has a holiday.
    pub fn official_with(holidays: &[NaiveDate], workdays: &[NaiveDate]) -> Self {
        let mut c = Self::default();
        c.holidays.retain(|d| !workdays.contains(d));
        c.workdays.retain(|d| !holidays.contains(d));
        for d in holidays {
            if !c.holidays.contains(d) {
                c.holidays.push(*d);
            }
        }
        for d in workdays {
            if !c.workdays.contains(d) {
                c.workdays.push(*d);
            }
        }
        c
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.holidays.contains(&day)
    }

    /// The last day of a notice of `working_days` working days published on `published`:
    /// the day of publication counts when it is a working day, else the count starts with
    /// the first working day after it.
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

    /// The first working day after `day`: after a notice that ends on `day`, the first day
    /// the county may recognise (第(二)条), never a holiday or a weekend off.
    pub fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        let mut next = day;
        for _ in 0..366 {
            match next.checked_add_days(Days::new(1)) {
                Some(n) => next = n,
                None => break,
            }
            if self.is_working_day(next) {
                return next;
            }
        }
        next
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
        let plain = Calendar::weekends_only();
        assert_eq!(plain.notice_end(d(9, 30), 5), d(10, 6));
    }

    #[test]
    fn the_shipped_table_parses_and_names_its_sources() {
        let c = parse_shipped(SHIPPED).unwrap();
        // 2025: 1 + 8 + 3 + 5 + 3 + 8 days off; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7.
        assert_eq!(c.holidays.len(), 28 + 33);
        assert_eq!(c.workdays.len(), 5 + 6);
        assert!(SHIPPED.contains("国务院办公厅关于2025年部分节假日安排的通知"));
        assert!(SHIPPED.contains("国务院办公厅关于2026年部分节假日安排的通知"));
        assert_eq!(Calendar::default(), c);
        assert!(
            parse_shipped("[2026]\nsource = \"x\"\nholidays = [\"13-01\"]\nworkdays = []").is_err()
        );
        assert!(
            parse_shipped("[2026]\nsource = \"x\"\nholidays = [\"02-03..02-01\"]\nworkdays = []")
                .is_err()
        );
    }
}
