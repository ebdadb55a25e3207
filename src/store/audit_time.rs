//! 第(十四)条 全过程监管: the audit entries stamped in a span of time (a month of 监督),
//! found by bisection over the entry numbers, so a month costs the entries near that month
//! and a few reads more, not the whole trail.
//!
//! Entries are appended in the order their transactions commit, each stamped with the real
//! time it was made, so their times rise with their numbers — nearly. Two transactions of
//! one batch can commit a moment out of the order they were stamped in, and a computer's
//! clock can step back (a time-server correction, a clock set by hand). Around such a
//! step the times are not sorted, and a bisection alone could start past an entry of the
//! span or stop before one. So the bisection only finds where to start: from there the
//! entries are read backwards until [`STRAYS`] in a row are stamped more than
//! [`CLOCK_SLACK`] before the span, and forwards until as many are stamped more than
//! [`CLOCK_SLACK`] after it (a few entries of a clock that ran ahead and was put right
//! are passed over, not taken for the end). No entry outside
//! that run can fall in the span as long as the clock never read more than
//! [`CLOCK_SLACK`] earlier than at an entry before — the result is then exactly the
//! filter over all entries. A step back larger than that (a clock reset by years and put
//! right later) can hide entries near the step; `yuanzhu audit verify` still reads them
//! all.
//!
//! Not here: what the entries mean (the service's 监督 reads their actions).

use super::audit::AuditEntry;
use super::codec::leading_fields;
use super::{Result, Store};
use chrono::{DateTime, Duration, FixedOffset};
use serde::Deserialize;

/// An audit entry's leading fields, the same in every version: enough to place it in time
/// without decoding what it changed (a bulk entry holds a hash per record written, megabytes
/// on a county's load).
#[derive(Deserialize)]
struct Stamped {
    seq: u64,
    _prev_hash: [u8; 32],
    at: DateTime<FixedOffset>,
}

/// How far back the clock may step between entries without hiding one from
/// [`Store::audit_between`]: a day, which covers time-server corrections and a clock set
/// wrong for a shift, at the cost of reading a day's entries either side of the span.
pub const CLOCK_SLACK: Duration = Duration::days(1);

/// How many entries in a row stamped beyond [`CLOCK_SLACK`] the reading passes over before
/// it stops: a clock that ran ahead and was put right leaves its entries among ones stamped
/// earlier, and the bisection may land beside them; a few dozen reads more find them.
pub const STRAYS: usize = 32;

impl Store {
    /// The audit entries stamped at or after `from` and before `to`, in entry order.
    /// Costs a bisection (a few dozen reads) and the entries stamped between
    /// `from - CLOCK_SLACK` and `to + CLOCK_SLACK`, each placed in time by its leading
    /// fields and decoded whole only when it is in the span; see the module's note on
    /// clocks.
    pub fn audit_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> Result<Vec<AuditEntry>> {
        if to <= from {
            return Ok(Vec::new());
        }
        let head = self.seq()?;
        if head == 0 {
            return Ok(Vec::new());
        }
        let start = self.first_stamped_from(from, head)?;
        let in_span = |at: DateTime<FixedOffset>| at >= from && at < to;
        let mut before = Vec::new();
        let mut strays = 0;
        for kv in self.audit.range(..start.to_be_bytes()).rev() {
            let (k, v) = kv?;
            let at = self.stamp_of(&k, &v)?.at;
            if at < from - CLOCK_SLACK {
                strays += 1;
                if strays > STRAYS {
                    break;
                }
                continue;
            }
            strays = 0;
            if in_span(at) {
                before.push(self.audit.table.decode(&k, &v)?);
            }
        }
        before.reverse();
        strays = 0;
        for kv in self.audit.range(start.to_be_bytes()..) {
            let (k, v) = kv?;
            let at = self.stamp_of(&k, &v)?.at;
            if at >= to + CLOCK_SLACK {
                strays += 1;
                if strays > STRAYS {
                    break;
                }
                continue;
            }
            strays = 0;
            if in_span(at) {
                before.push(self.audit.table.decode(&k, &v)?);
            }
        }
        Ok(before)
    }

    /// The lowest entry number in `1..=head + 1` where a bisection on "stamped at or after
    /// `from`" lands: exact when times rise with numbers, a starting point otherwise.
    fn first_stamped_from(&self, from: DateTime<FixedOffset>, head: u64) -> Result<u64> {
        let (mut lo, mut hi) = (1u64, head + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.stamp_at_or_after(mid)? {
                // A gap in the numbers (a damaged chain) reads the next entry; past the
                // last, nothing is before `from`.
                Some((_, at)) if at < from => lo = mid + 1,
                _ => hi = mid,
            }
        }
        Ok(lo)
    }

    /// The first entry numbered `seq` or more: its number and time.
    fn stamp_at_or_after(&self, seq: u64) -> Result<Option<(u64, DateTime<FixedOffset>)>> {
        match self.audit.range(seq.to_be_bytes()..).next() {
            None => Ok(None),
            Some(kv) => {
                let (k, v) = kv?;
                let e = self.stamp_of(&k, &v)?;
                Ok(Some((e.seq, e.at)))
            }
        }
    }

    fn stamp_of(&self, key: &[u8], bytes: &[u8]) -> Result<Stamped> {
        leading_fields::<AuditEntry, Stamped>(bytes).map_err(|e| self.audit.table.corrupt(key, e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::{Stamp, StoreConfig};
    use chrono::TimeZone;

    fn cst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
    }

    /// Writes one reveal-like entry per time, in the order given.
    fn store_with(times: &[DateTime<FixedOffset>]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
        for (i, at) in times.iter().enumerate() {
            let stamp = Stamp {
                actor: "jingban".into(),
                at: *at,
            };
            store
                .record_access(&stamp, "查看完整身份证号", format!("第{i}条"), [0; 8])
                .unwrap();
        }
        (dir, store)
    }

    fn filtered(store: &Store, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> Vec<u64> {
        store
            .audit_entries(1)
            .unwrap()
            .into_iter()
            .filter(|e| e.at >= from && e.at < to)
            .map(|e| e.seq)
            .collect()
    }

    fn between(store: &Store, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> Vec<u64> {
        store
            .audit_between(from, to)
            .unwrap()
            .into_iter()
            .map(|e| e.seq)
            .collect()
    }

    #[test]
    fn a_month_of_entries_in_time_order_is_the_filter_over_all() {
        let mut times = Vec::new();
        for day in 0..120 {
            let t = cst(2026, 9, 1, 9, 0) + Duration::hours(7 * day);
            times.push(t);
        }
        let (_dir, store) = store_with(&times);
        let spans = [
            (cst(2026, 10, 1, 0, 0), cst(2026, 11, 1, 0, 0)),
            (cst(2026, 9, 1, 9, 0), cst(2026, 9, 1, 9, 1)),
            (cst(2026, 8, 1, 0, 0), cst(2026, 9, 1, 0, 0)),
            (cst(2027, 1, 1, 0, 0), cst(2027, 2, 1, 0, 0)),
            (cst(2020, 1, 1, 0, 0), cst(2030, 1, 1, 0, 0)),
        ];
        for (from, to) in spans {
            assert_eq!(between(&store, from, to), filtered(&store, from, to));
        }
        assert_eq!(
            between(&store, cst(2026, 10, 1, 0, 0), cst(2026, 10, 1, 0, 0)),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn entries_of_a_clock_that_ran_months_ahead_are_found_among_later_ones_stamped_right() {
        // A county's entries, then a few stamped two months ahead (a clock set wrong), then
        // the clock put right: the span of the wrong months still finds them, wherever the
        // bisection lands.
        for ahead in 1..6 {
            for after in 0..4 {
                let mut times: Vec<_> = (0..40)
                    .map(|i| cst(2026, 12, 1, 9, 0) + Duration::minutes(i))
                    .collect();
                times.extend((0..ahead).map(|i| cst(2027, 2, 8, 22, i)));
                times.extend((0..after).map(|i| cst(2026, 12, 2, 9, i)));
                let (_dir, store) = store_with(&times);
                let (from, to) = (cst(2027, 2, 1, 0, 0), cst(2027, 3, 1, 0, 0));
                assert_eq!(
                    between(&store, from, to),
                    filtered(&store, from, to),
                    "{ahead} ahead, {after} after"
                );
            }
        }
    }

    #[test]
    fn a_clock_that_stepped_back_within_the_slack_loses_no_entry() {
        // Hourly entries, the clock set back 20 hours at the turn of the month and again
        // by 3 hours later on.
        let mut times = Vec::new();
        let mut t = cst(2026, 10, 29, 12, 0);
        for i in 0..200 {
            if i == 60 {
                t -= Duration::hours(20);
            }
            if i == 130 {
                t -= Duration::hours(3);
            }
            times.push(t);
            t += Duration::hours(1);
        }
        let (_dir, store) = store_with(&times);
        for (from, to) in [
            (cst(2026, 11, 1, 0, 0), cst(2026, 12, 1, 0, 0)),
            (cst(2026, 10, 1, 0, 0), cst(2026, 11, 1, 0, 0)),
            (cst(2026, 10, 31, 3, 0), cst(2026, 10, 31, 9, 0)),
            (cst(2026, 11, 2, 0, 0), cst(2026, 11, 3, 0, 0)),
        ] {
            let want = filtered(&store, from, to);
            assert!(!want.is_empty());
            assert_eq!(between(&store, from, to), want);
        }
    }

    #[test]
    fn an_empty_trail_has_no_entries() {
        let (_dir, store) = store_with(&[]);
        assert!(
            store
                .audit_between(cst(2026, 1, 1, 0, 0), cst(2027, 1, 1, 0, 0))
                .unwrap()
                .is_empty()
        );
    }
}
