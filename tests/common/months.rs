//! The month tables the statistics tests compare: the counters kept at save time against
//! the walk over every record, over a run of months, as on a given day.

use chrono::NaiveDate;
use std::collections::BTreeMap;
use yuanzhu::domain::stats::MonthTable;
use yuanzhu::domain::stats_entries::first_open_month;
use yuanzhu::domain::{Settings, YearMonth};
use yuanzhu::service::{Actor, Service};

/// The months `from..=to`.
pub fn months(from: YearMonth, to: YearMonth) -> Vec<YearMonth> {
    let mut out = vec![from];
    while *out.last().unwrap() < to {
        out.push(out.last().unwrap().next());
    }
    out
}

/// A table with every row's and the total's month-start figure set aside: at the first
/// open month it is the closed month's end, as that month closed.
pub fn without_start(mut t: MonthTable) -> MonthTable {
    t.total.at_start = 0;
    for r in &mut t.rows {
        r.counts.at_start = 0;
    }
    t
}

/// For each actor and month of `span`: every open month as on `day` equals the walk (the
/// first open month's start excepted), and every month in `closed` still reads as it did
/// when it closed.
pub fn agree(
    service: &Service,
    actors: &[Actor],
    (day, span): (NaiveDate, &[YearMonth]),
    closed: &mut BTreeMap<(usize, YearMonth), MonthTable>,
    step: usize,
) {
    let open = first_open_month(day, Settings::default().late_entry_days);
    for (i, a) in actors.iter().enumerate() {
        for &m in span {
            let kept = service.stats_on(a, m, None, day).unwrap();
            if m < open {
                let was = closed.entry((i, m)).or_insert_with(|| kept.clone());
                assert_eq!(&kept, was, "step {step}, {day}, {m}: a closed month moved");
                continue;
            }
            let walked = service.stats_by_walk(a, m, None, day).unwrap();
            if m == open {
                assert_eq!(
                    without_start(kept),
                    without_start(walked),
                    "step {step}, {day}, {m}, {}",
                    a.user
                );
            } else {
                assert_eq!(kept, walked, "step {step}, {day}, {m}, {}", a.user);
            }
        }
    }
}
