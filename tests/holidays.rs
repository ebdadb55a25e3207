//! Finding 11 of issue 13: the official calendar is shipped, and a 公示 counts its five
//! working days on it. The end dates here are computed by a plain day-by-day loop over the
//! State Council's 2026 table written out by hand in this file, never by the code under
//! test, so a wrong shipped table or a wrong count shows as a difference.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, Days, NaiveDate, Weekday};
use yuanzhu::domain::Settings;
use yuanzhu::domain::calendar::Calendar;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 2026's days off and make-up working days, from 国务院办公厅关于2026年部分节假日安排的通知.
fn holidays_2026() -> (Vec<NaiveDate>, Vec<NaiveDate>) {
    let range = |m1, d1, m2, d2| {
        let (a, b) = (d(2026, m1, d1), d(2026, m2, d2));
        a.iter_days().take_while(move |x| *x <= b)
    };
    let off = range(1, 1, 1, 3)
        .chain(range(2, 15, 2, 23))
        .chain(range(4, 4, 4, 6))
        .chain(range(5, 1, 5, 5))
        .chain(range(6, 19, 6, 21))
        .chain(range(9, 25, 9, 27))
        .chain(range(10, 1, 10, 7))
        .collect();
    let worked = [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]
        .iter()
        .map(|&(m, day)| d(2026, m, day))
        .collect();
    (off, worked)
}

fn working(day: NaiveDate, off: &[NaiveDate], worked: &[NaiveDate]) -> bool {
    worked.contains(&day)
        || (!off.contains(&day) && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
}

/// The fifth working day counting the day of publication when it is one.
fn expected_end(published: NaiveDate) -> NaiveDate {
    let (off, worked) = holidays_2026();
    let mut day = published;
    let mut counted = 0;
    loop {
        if working(day, &off, &worked) {
            counted += 1;
            if counted == 5 {
                return day;
            }
        }
        day = day + Days::new(1);
    }
}

#[test]
fn finding_11_the_worked_examples_of_the_issue() {
    let c = Calendar::default();
    // Published Wed 2026-04-01: 04-01, 04-02, 04-03, (清明 04-04..06), 04-07, 04-08.
    assert_eq!(c.notice_end(d(2026, 4, 1), 5), d(2026, 4, 8));
    // Published Thu 2026-02-12: 02-12, 02-13, Sat 02-14 (make-up), (春节), 02-24, 02-25.
    assert_eq!(c.notice_end(d(2026, 2, 12), 5), d(2026, 2, 25));
    // The settings' calendar is the shipped one unless a county says otherwise.
    assert_eq!(Settings::default().calendar, c);
}

#[test]
fn finding_11_a_notice_published_before_national_day_counts_the_make_up_day() {
    let c = Calendar::default();
    // Thu 2026-09-24: 09-24, (中秋 09-25..27), 09-28, 09-29, 09-30, (国庆), 10-08.
    assert_eq!(c.notice_end(d(2026, 9, 24), 5), d(2026, 10, 8));
    // Thu 2026-10-01 is a holiday: 10-08, 10-09, Sat 10-10 (make-up), 10-12, 10-13.
    assert_eq!(c.notice_end(d(2026, 10, 1), 5), d(2026, 10, 13));
    // A weekends-only calendar would have ended it six working days early.
    assert_eq!(
        Calendar::weekends_only().notice_end(d(2026, 9, 24), 5),
        d(2026, 9, 30)
    );
}

#[test]
fn finding_11_every_working_day_of_the_two_weeks_before_each_2026_holiday() {
    let c = Calendar::default();
    let (off, worked) = holidays_2026();
    // The first day of each holiday of the 2026 notice.
    let firsts = [
        d(2026, 1, 1),
        d(2026, 2, 15),
        d(2026, 4, 4),
        d(2026, 5, 1),
        d(2026, 6, 19),
        d(2026, 9, 25),
        d(2026, 10, 1),
    ];
    let mut checked = 0;
    for first in firsts {
        let mut day = first - Days::new(14);
        while day < first {
            if working(day, &off, &worked) {
                assert_eq!(
                    c.notice_end(day, 5),
                    expected_end(day),
                    "a notice published {day}"
                );
                checked += 1;
            }
            day = day + Days::new(1);
        }
    }
    // Ten-odd working days before each of seven holidays.
    assert!(checked >= 60, "{checked}");
}

#[test]
fn finding_11_the_first_day_recognition_is_allowed_is_the_next_working_day() {
    let c = Calendar::default();
    // A notice ending Wed 2026-09-30 runs into 中秋/国庆: recognition from Thu 10-08.
    assert_eq!(c.next_working_day(d(2026, 9, 30)), d(2026, 10, 8));
    // Ending Fri 2026-10-09: the make-up Saturday 10-10 is a working day.
    assert_eq!(c.next_working_day(d(2026, 10, 9)), d(2026, 10, 10));
    // Ending Fri 2026-02-13: the make-up Saturday 02-14.
    assert_eq!(c.next_working_day(d(2026, 2, 13)), d(2026, 2, 14));
    // Ending Sat 02-14: the Spring Festival week, then Tue 02-24.
    assert_eq!(c.next_working_day(d(2026, 2, 14)), d(2026, 2, 24));
    // An ordinary Friday: Monday.
    assert_eq!(c.next_working_day(d(2026, 11, 20)), d(2026, 11, 23));
}

#[test]
fn finding_11_a_county_day_overrides_the_shipped_other_list() {
    // A county that works 10-07 and takes 10-09 off.
    let c = Calendar::official_with(&[d(2026, 10, 9)], &[d(2026, 10, 7)]);
    assert!(c.is_working_day(d(2026, 10, 7)));
    assert!(!c.is_working_day(d(2026, 10, 9)));
    // The rest of the shipped table stays.
    assert!(!c.is_working_day(d(2026, 10, 6)));
    assert!(c.is_working_day(d(2026, 10, 10)));
    // A county holiday on a shipped make-up day: off.
    let c = Calendar::official_with(&[d(2026, 10, 10)], &[]);
    assert!(!c.is_working_day(d(2026, 10, 10)));
    // 2025's table too: Sun 2025-09-28 is worked, 2025-10-08 off.
    let c = Calendar::default();
    assert!(c.is_working_day(d(2025, 9, 28)));
    assert!(!c.is_working_day(d(2025, 10, 8)));
}
