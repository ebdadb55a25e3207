//! The queue's window: the rows of one slice around the cursor as the service paged them
//! (R-FOLLOW-1), where they sit in the slice, how long the slice is and the header's counts
//! — and how the changes since its data sequence patch it in place.
//!
//! A change names a case and its row and position now, not where it was. So a window can be
//! patched exactly only when no changed row can have sat before it unseen: the window starts
//! the slice, or every changed case is one of its rows. Otherwise the pane asks for its
//! window again; it never guesses a position.

use crate::domain::CaseId;
use crate::service::{QueueChange, QueueCounts, QueuePage, QueueRow};
use std::collections::HashSet;

#[derive(Default)]
pub(super) struct Window {
    /// Positions `from..from + rows.len()` of the slice, in the queue's order.
    rows: Vec<QueueRow>,
    from: usize,
    total: usize,
    pub(super) counts: QueueCounts,
    /// The data sequence the rows are as of: changes are asked for since it.
    pub(super) seq: u64,
}

impl Window {
    /// Takes a page; returns the position of its anchor in the slice (none when empty).
    pub fn load(&mut self, page: QueuePage) -> Option<usize> {
        self.from = page.from as usize;
        self.total = page.total as usize;
        self.counts = page.counts;
        self.seq = page.seq;
        self.rows = page.rows;
        // A page longer than the slice it says it is from is believed for its rows.
        self.total = self.total.max(self.from + self.rows.len());
        page.at.map(|at| self.from + at as usize)
    }

    /// How many rows the slice holds.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The row at `pos` of the slice, when it is in the window.
    pub fn row_at(&self, pos: usize) -> Option<&QueueRow> {
        pos.checked_sub(self.from).and_then(|i| self.rows.get(i))
    }

    /// Where `case` sits in the slice, when its row is in the window.
    pub fn position_of(&self, case: CaseId) -> Option<usize> {
        self.rows
            .iter()
            .position(|r| r.case == case)
            .map(|i| self.from + i)
    }

    /// Whether positions `start..end` of the slice (cut at its end) are all in the window.
    pub fn covers(&self, start: usize, end: usize) -> bool {
        let end = end.min(self.total);
        start >= end || (self.from <= start && end <= self.from + self.rows.len())
    }

    /// The window's rows from position `pos` on.
    pub fn rows_from(&self, pos: usize) -> impl Iterator<Item = &QueueRow> {
        let skip = pos.saturating_sub(self.from);
        self.rows.iter().skip(skip)
    }

    /// Patches the window with the changes up to `seq`. Returns false, leaving the window
    /// as it was, when it cannot be patched exactly (see the module's comment).
    pub fn patch(
        &mut self,
        seq: u64,
        changes: &[QueueChange],
        total: u32,
        counts: QueueCounts,
    ) -> bool {
        let changed: HashSet<CaseId> = changes.iter().map(|c| c.case).collect();
        let all_inside = changed
            .iter()
            .all(|case| self.rows.iter().any(|r| r.case == *case));
        if self.from > 0 && !all_inside {
            return false;
        }
        let kept: Vec<&QueueRow> = self
            .rows
            .iter()
            .filter(|r| !changed.contains(&r.case))
            .collect();
        if kept.is_empty() && self.from > 0 {
            return false;
        }
        let mut placed: Vec<(usize, &QueueRow)> = changes
            .iter()
            .filter_map(|c| c.now.as_ref().map(|(at, row)| (*at as usize, row)))
            .collect();
        placed.sort_by_key(|(at, _)| *at);
        if placed.windows(2).any(|w| w[0].0 == w[1].0) {
            return false;
        }
        // The unchanged rows keep their order and fill the positions the changed rows do
        // not take; the window starts right after the last unchanged row before it.
        let mut next = 0;
        let start = match self.from.checked_sub(1) {
            None => 0,
            Some(mut before) => {
                while next < placed.len() && placed[next].0 <= before {
                    before += 1;
                    next += 1;
                }
                before + 1
            }
        };
        let mut rows = Vec::with_capacity(kept.len() + placed.len());
        let mut at = start;
        let take_placed = |at: &mut usize, next: &mut usize, rows: &mut Vec<QueueRow>| {
            while *next < placed.len() && placed[*next].0 == *at {
                rows.push(placed[*next].1.clone());
                *at += 1;
                *next += 1;
            }
        };
        for row in kept {
            take_placed(&mut at, &mut next, &mut rows);
            rows.push(row.clone());
            at += 1;
        }
        take_placed(&mut at, &mut next, &mut rows);
        let total = total as usize;
        if start + rows.len() > total {
            return false;
        }
        self.rows = rows;
        self.from = start;
        self.total = total;
        self.counts = counts;
        self.seq = seq;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DueStatus;
    use crate::tui::panes::fixtures::row;

    /// A window of cases `from+1..=from+len` of a slice of `total`.
    fn window(from: usize, len: usize, total: usize) -> Window {
        let mut w = Window::default();
        w.load(QueuePage {
            seq: 1,
            from: from as u32,
            total: total as u32,
            at: Some(0),
            rows: (from + 1..=from + len)
                .map(|n| row(n as u64, "人员", DueStatus::Due))
                .collect(),
            counts: QueueCounts::default(),
        });
        w
    }

    fn cases(w: &Window) -> Vec<u64> {
        w.rows.iter().map(|r| r.case.0).collect()
    }

    fn moved(case: u64, to: u32) -> QueueChange {
        QueueChange {
            case: CaseId(case),
            now: Some((to, row(case, "人员", DueStatus::Done))),
        }
    }

    #[test]
    fn a_row_of_the_window_moving_within_it_is_moved() {
        let mut w = window(10, 5, 100);
        assert!(w.patch(2, &[moved(12, 14)], 100, QueueCounts::default()));
        assert_eq!(cases(&w), vec![11, 13, 14, 15, 12]);
        assert_eq!((w.from, w.seq), (10, 2));
    }

    #[test]
    fn a_row_of_the_window_moving_before_it_shifts_the_window() {
        let mut w = window(10, 5, 100);
        assert!(w.patch(2, &[moved(13, 3)], 100, QueueCounts::default()));
        assert_eq!(cases(&w), vec![11, 12, 14, 15]);
        assert_eq!(w.from, 11);
        assert_eq!(w.position_of(CaseId(14)), Some(13));
    }

    #[test]
    fn a_row_leaving_the_slice_closes_the_gap() {
        let mut w = window(0, 4, 4);
        let left = QueueChange {
            case: CaseId(2),
            now: None,
        };
        assert!(w.patch(2, &[left], 3, QueueCounts::default()));
        assert_eq!(cases(&w), vec![1, 3, 4]);
        assert_eq!(w.total(), 3);
    }

    #[test]
    fn at_the_top_a_new_row_is_placed_where_it_is_said_to_be() {
        let mut w = window(0, 3, 10);
        assert!(w.patch(2, &[moved(99, 1)], 11, QueueCounts::default()));
        assert_eq!(cases(&w), vec![1, 99, 2, 3]);
        // One beyond the window's end is not held: the rows after it are not known here.
        let mut w = window(0, 3, 10);
        assert!(w.patch(2, &[moved(99, 5)], 11, QueueCounts::default()));
        assert_eq!(cases(&w), vec![1, 2, 3]);
    }

    #[test]
    fn a_change_outside_a_window_that_does_not_start_the_slice_is_refused() {
        let mut w = window(10, 5, 100);
        assert!(!w.patch(2, &[moved(99, 12)], 101, QueueCounts::default()));
        assert_eq!(cases(&w), vec![11, 12, 13, 14, 15]);
        assert_eq!(w.seq, 1, "left as it was");
    }
}
