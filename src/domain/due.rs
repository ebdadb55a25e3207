//! 第(五)条 每月跟踪回访 (R-FOLLOW-1): whether a recognised person's follow-up for this month
//! is done, due, due soon (the month nears its end without one), or overdue because last
//! month went without one.

use super::year_month::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Ordered by urgency: overdue first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DueStatus {
    Overdue,
    /// 即将到期: this month has no follow-up yet and its `due_soon_day` has come.
    DueSoon,
    Due,
    Done,
}

impl DueStatus {
    pub fn label(self) -> &'static str {
        match self {
            DueStatus::Overdue => "逾期",
            DueStatus::DueSoon => "即将到期",
            DueStatus::Due => "待访",
            DueStatus::Done => "已访",
        }
    }
}

/// 已访 when this month has a follow-up; otherwise 逾期 when last month had none although
/// the person was already recognised by its last day; otherwise 待访, or 即将到期 from the
/// month's `due_soon_day` on.
///
/// A tier contacted more often than monthly (R-TIER-1) is 待访 again once its interval has
/// passed since the last contact, even within a month already covered.
pub fn followup_due(
    recognised_on: NaiveDate,
    covered: &[YearMonth],
    last_contact: Option<NaiveDate>,
    interval_days: Option<u32>,
    due_soon_day: u32,
    today: NaiveDate,
) -> DueStatus {
    use chrono::Datelike;
    let this_month = YearMonth::of(today);
    let last_month = this_month.prev();
    let interval_passed = match (interval_days, last_contact) {
        (Some(days), Some(last)) => (today - last).num_days() >= i64::from(days),
        _ => false,
    };
    if covered.contains(&this_month) && !interval_passed {
        DueStatus::Done
    } else if covered.contains(&this_month) {
        DueStatus::Due
    } else if recognised_on <= last_month.last_day() && !covered.contains(&last_month) {
        DueStatus::Overdue
    } else if today.day() >= due_soon_day {
        DueStatus::DueSoon
    } else {
        DueStatus::Due
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
    fn an_uncovered_month_is_due_soon_from_its_due_soon_day() {
        let covered = [ym(2026, 10)];
        assert_eq!(
            followup_due(d(2025, 1, 1), &covered, None, None, 20, d(2026, 11, 19)),
            DueStatus::Due
        );
        assert_eq!(
            followup_due(d(2025, 1, 1), &covered, None, None, 20, d(2026, 11, 20)),
            DueStatus::DueSoon
        );
        // Covered this month: done, or due again by the tier's interval, never "soon".
        let covered = [ym(2026, 10), ym(2026, 11)];
        let last = Some(d(2026, 11, 2));
        assert_eq!(
            followup_due(d(2025, 1, 1), &covered, last, Some(14), 20, d(2026, 11, 25)),
            DueStatus::Due
        );
        // Overdue stays overdue.
        assert_eq!(
            followup_due(
                d(2025, 1, 1),
                &[ym(2026, 9)],
                None,
                None,
                20,
                d(2026, 11, 25)
            ),
            DueStatus::Overdue
        );
    }

    #[test]
    fn covered_this_month_is_done_even_if_last_month_was_missed() {
        assert_eq!(
            followup_due(
                d(2025, 1, 1),
                &[ym(2026, 11)],
                None,
                None,
                31,
                d(2026, 11, 3)
            ),
            DueStatus::Done
        );
    }

    #[test]
    fn last_month_missed_is_overdue() {
        assert_eq!(
            followup_due(
                d(2025, 1, 1),
                &[ym(2026, 9)],
                None,
                None,
                31,
                d(2026, 11, 3)
            ),
            DueStatus::Overdue
        );
    }

    #[test]
    fn last_month_covered_this_month_not_yet_is_due() {
        assert_eq!(
            followup_due(
                d(2025, 1, 1),
                &[ym(2026, 10)],
                None,
                None,
                31,
                d(2026, 11, 30)
            ),
            DueStatus::Due
        );
    }

    #[test]
    fn december_counts_as_last_month_in_january() {
        let covered = [ym(2025, 12)];
        assert_eq!(
            followup_due(d(2025, 1, 1), &covered, None, None, 31, d(2026, 1, 1)),
            DueStatus::Due
        );
        assert_eq!(
            followup_due(
                d(2025, 1, 1),
                &[ym(2025, 11)],
                None,
                None,
                31,
                d(2026, 1, 31)
            ),
            DueStatus::Overdue
        );
        assert_eq!(
            followup_due(d(2025, 1, 1), &[ym(2026, 1)], None, None, 31, d(2026, 1, 2)),
            DueStatus::Done
        );
    }

    #[test]
    fn a_person_recognised_this_month_is_not_overdue_for_last_month() {
        assert_eq!(
            followup_due(d(2026, 11, 2), &[], None, None, 31, d(2026, 11, 20)),
            DueStatus::Due
        );
        assert_eq!(
            followup_due(d(2026, 10, 31), &[], None, None, 31, d(2026, 11, 20)),
            DueStatus::Overdue
        );
    }

    #[test]
    fn a_fortnightly_tier_is_due_again_once_its_interval_passes_within_the_month() {
        let covered = [ym(2026, 10), ym(2026, 11)];
        let last = Some(d(2026, 11, 2));
        assert_eq!(
            followup_due(d(2025, 1, 1), &covered, last, Some(14), 31, d(2026, 11, 15)),
            DueStatus::Done
        );
        assert_eq!(
            followup_due(d(2025, 1, 1), &covered, last, Some(14), 31, d(2026, 11, 16)),
            DueStatus::Due
        );
        assert_eq!(
            followup_due(d(2025, 1, 1), &covered, last, None, 31, d(2026, 11, 30)),
            DueStatus::Done
        );
    }
}
