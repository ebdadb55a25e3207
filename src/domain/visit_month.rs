//! 第(五)条 每月跟踪回访 (R-FOLLOW-1): the month a visit's date enters. A follow-up covers
//! the calendar month of its visit, so the date decides which month is done: a visit made
//! this month covers this month; a visit made last month covers last month, and may still be
//! entered during the first `late_entry_days` days of this month (a visit on the 30th typed
//! on the 2nd); after that a month is closed to new follow-ups. A visit cannot lie in the
//! future, nor before the person was recognised.

use super::year_month::YearMonth;
use chrono::{Datelike, NaiveDate};

/// Which month a visit covers, and whether it is entered late.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitMonth {
    /// The visit is dated this month.
    ThisMonth(YearMonth),
    /// The visit is dated last month and entered within the late-entry window: it covers
    /// last month, not this one.
    LateEntry(YearMonth),
}

impl VisitMonth {
    pub fn month(self) -> YearMonth {
        match self {
            VisitMonth::ThisMonth(m) | VisitMonth::LateEntry(m) => m,
        }
    }
}

/// Why a visit's date cannot be entered today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitDateError {
    Future,
    BeforeRecognition,
    /// Last month's window has passed (`late_entry_days` days into this month).
    LateEntryClosed {
        month: YearMonth,
        late_entry_days: u32,
    },
    /// Two months back or more: always closed.
    MonthClosed {
        month: YearMonth,
        late_entry_days: u32,
    },
}

impl VisitDateError {
    /// The field-level message, in Chinese.
    pub fn message(self) -> String {
        match self {
            VisitDateError::Future => "不能晚于今天".into(),
            VisitDateError::BeforeRecognition => "早于认定日期".into(),
            VisitDateError::LateEntryClosed {
                month,
                late_entry_days: 0,
            }
            | VisitDateError::MonthClosed {
                month,
                late_entry_days: 0,
            } => format!("{}已截止，只能录入本月的回访", month.label()),
            VisitDateError::LateEntryClosed {
                month,
                late_entry_days,
            } => format!(
                "{}已截止：上月回访只能在本月1日至{late_entry_days}日补录",
                month.label()
            ),
            VisitDateError::MonthClosed {
                month,
                late_entry_days,
            } => format!(
                "{}已截止：只能录入本月的回访（上月的可在本月{late_entry_days}日前补录）",
                month.label()
            ),
        }
    }
}

/// The month a visit on `date` covers when it is entered on `today`, or why it cannot be
/// entered (第(五)条; the window is the `late_entry_days` setting).
pub fn visit_month(
    date: NaiveDate,
    today: NaiveDate,
    recognised_on: Option<NaiveDate>,
    late_entry_days: u32,
) -> Result<VisitMonth, VisitDateError> {
    if date > today {
        return Err(VisitDateError::Future);
    }
    if recognised_on.is_some_and(|r| date < r) {
        return Err(VisitDateError::BeforeRecognition);
    }
    let this_month = YearMonth::of(today);
    let month = YearMonth::of(date);
    if month == this_month {
        Ok(VisitMonth::ThisMonth(month))
    } else if month == this_month.prev() && today.day() <= late_entry_days {
        Ok(VisitMonth::LateEntry(month))
    } else if month == this_month.prev() {
        Err(VisitDateError::LateEntryClosed {
            month,
            late_entry_days,
        })
    } else {
        Err(VisitDateError::MonthClosed {
            month,
            late_entry_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn a_visit_this_month_covers_this_month() {
        assert_eq!(
            visit_month(d(2026, 11, 3), d(2026, 11, 28), None, 5),
            Ok(VisitMonth::ThisMonth(ym(2026, 11)))
        );
    }

    #[test]
    fn a_visit_on_the_30th_entered_on_the_2nd_covers_last_month() {
        assert_eq!(
            visit_month(d(2026, 10, 30), d(2026, 11, 2), None, 5),
            Ok(VisitMonth::LateEntry(ym(2026, 10)))
        );
        // The window's last day still takes it; the day after does not.
        assert_eq!(
            visit_month(d(2026, 10, 30), d(2026, 11, 5), None, 5),
            Ok(VisitMonth::LateEntry(ym(2026, 10)))
        );
        assert_eq!(
            visit_month(d(2026, 10, 30), d(2026, 11, 6), None, 5),
            Err(VisitDateError::LateEntryClosed {
                month: ym(2026, 10),
                late_entry_days: 5
            })
        );
    }

    #[test]
    fn december_is_last_month_in_january() {
        assert_eq!(
            visit_month(d(2025, 12, 31), d(2026, 1, 3), None, 5),
            Ok(VisitMonth::LateEntry(ym(2025, 12)))
        );
    }

    #[test]
    fn two_months_back_is_closed_even_inside_the_window() {
        let e = visit_month(d(2026, 9, 30), d(2026, 11, 2), None, 5).unwrap_err();
        assert_eq!(
            e,
            VisitDateError::MonthClosed {
                month: ym(2026, 9),
                late_entry_days: 5
            }
        );
        assert_eq!(
            e.message(),
            "2026年9月已截止：只能录入本月的回访（上月的可在本月5日前补录）"
        );
    }

    #[test]
    fn no_window_means_only_this_month() {
        let e = visit_month(d(2026, 10, 31), d(2026, 11, 1), None, 0).unwrap_err();
        assert_eq!(e.message(), "2026年10月已截止，只能录入本月的回访");
    }

    #[test]
    fn the_future_and_before_recognition_are_refused_first() {
        assert_eq!(
            visit_month(d(2026, 11, 29), d(2026, 11, 28), None, 5),
            Err(VisitDateError::Future)
        );
        assert_eq!(
            visit_month(d(2026, 10, 30), d(2026, 11, 2), Some(d(2026, 10, 31)), 5),
            Err(VisitDateError::BeforeRecognition)
        );
        assert_eq!(VisitDateError::Future.message(), "不能晚于今天");
        assert_eq!(VisitDateError::BeforeRecognition.message(), "早于认定日期");
    }
}
