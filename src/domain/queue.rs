//! The order of the caseload queue (R-FOLLOW-1): most urgent first — 逾期, then 待访, then
//! 已访; within a group, the longest since the last contact first (never contacted first of
//! all), then by name.

use super::due::DueStatus;
use chrono::NaiveDate;
use std::cmp::Ordering;

/// What a row is ordered by.
pub struct Urgency<'a> {
    pub due: DueStatus,
    pub last_contact: Option<NaiveDate>,
    pub name: &'a str,
}

pub fn by_urgency(a: &Urgency<'_>, b: &Urgency<'_>) -> Ordering {
    a.due
        .cmp(&b.due)
        .then_with(|| a.last_contact.cmp(&b.last_contact))
        .then_with(|| a.name.cmp(b.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(due: DueStatus, last: Option<(u32, u32)>, name: &str) -> Urgency<'_> {
        Urgency {
            due,
            last_contact: last.map(|(m, d)| NaiveDate::from_ymd_opt(2026, m, d).unwrap()),
            name,
        }
    }

    #[test]
    fn overdue_before_due_before_done_and_oldest_contact_first() {
        let mut rows = [
            u(DueStatus::Done, Some((11, 2)), "甲"),
            u(DueStatus::Due, Some((10, 20)), "乙"),
            u(DueStatus::Overdue, Some((9, 1)), "丙"),
            u(DueStatus::Due, Some((10, 3)), "丁"),
            u(DueStatus::Due, None, "戊"),
        ];
        rows.sort_by(by_urgency);
        let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
        assert_eq!(names, vec!["丙", "戊", "丁", "乙", "甲"]);
    }
}
