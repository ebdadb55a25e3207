//! What the queue shows of its window: the view, the search line, the selection, the scroll;
//! and their drawing. Which rows are due, their order and the counts come from the service
//! (R-FOLLOW-1); the rows are a window of the slice around the cursor (see `window.rs`).
//!
//! The selected row is shown by a marker in the first column only, so moving it costs a few
//! bytes on the wire rather than a repainted row.

use super::window::Window;
use crate::domain::{CaseId, DueStatus, RecognitionStatus};
use crate::service::{QueueChange, QueueCounts, QueuePage, QueueRow};
use crate::tui::cells::{fit, width};
use crate::tui::theme::Theme;
use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;

/// Which of the queue's rows are shown: the service's slices (the views 1–7).
pub use crate::service::QueueSlice as QueueView;

/// The status column of a row: this month's follow-up, or the stage of the application.
fn status_label(r: &QueueRow, today: NaiveDate) -> &'static str {
    match (r.due, r.status) {
        (Some(due), _) => due.label(),
        (None, RecognitionStatus::InNotice) if r.notice_ends.is_some_and(|e| today > e) => "期满",
        (None, status) => status.label(),
    }
}

/// Where the next of some cases still due is.
pub(super) enum NextDue {
    /// At this position of the slice.
    At(usize),
    /// The window does not hold the candidate at this index: its rows must be asked.
    Unknown(usize),
    /// None of them is due.
    Nothing,
}

#[derive(Default)]
pub(super) struct QueueList {
    pub(super) window: Window,
    pub(super) view: QueueView,
    /// The day the rows were computed for (to tell a notice that has ended).
    pub(super) today: Option<NaiveDate>,
    /// From this day of the month a follow-up not yet done is 即将到期 (the status column
    /// is widened for its label only then).
    pub(super) due_soon_day: u32,
    /// Position of the selected row in the slice.
    selected: usize,
    /// Position of the first row shown.
    offset: usize,
    pub(super) search: Input,
    pub(super) searching: bool,
    /// The search line shows the last query, which the first key typed replaces.
    pub(super) fresh_search: bool,
}

impl QueueList {
    /// Takes a page and selects its anchor.
    pub fn load(&mut self, page: QueuePage, height: usize) {
        let anchor = self.window.load(page);
        self.selected = anchor.unwrap_or(0);
        self.scroll_into_view(height);
    }

    /// Patches the rows with changes, the selection staying on its case. When the window
    /// cannot be patched exactly, or the selected case moved out of it and is to be
    /// `follow`ed, the window must be asked for again: `Err` names the case to anchor it on
    /// (none: the selected position). Not followed, the row after it takes its place.
    pub fn patch(
        &mut self,
        seq: u64,
        changes: &[QueueChange],
        total: u32,
        counts: QueueCounts,
        height: usize,
        follow: bool,
    ) -> Result<(), Option<CaseId>> {
        let keep = self.selected_case();
        if !self.window.patch(seq, changes, total, counts) {
            return Err(keep);
        }
        let left =
            keep.is_some_and(|case| changes.iter().any(|c| c.case == case && c.now.is_none()));
        match keep.and_then(|case| self.window.position_of(case)) {
            Some(pos) => self.selected = pos,
            // It moved out of the window: follow it there.
            None if follow && !left && keep.is_some() => return Err(keep),
            // It left the slice: the row after it takes its place.
            None => self.selected = self.selected.min(self.last_position()),
        }
        self.scroll_into_view(height);
        if self.page_is_loaded(self.selected, height) {
            Ok(())
        } else {
            Err(self.selected_case())
        }
    }

    /// Whether the page of rows that holds position `pos` is all in the window.
    pub fn page_is_loaded(&self, pos: usize, height: usize) -> bool {
        let height = height.max(1);
        let page = pos - pos % height;
        self.window.covers(page, page + height)
    }

    /// The position `delta` rows from the selected one, within the slice.
    pub fn target(&self, delta: isize) -> usize {
        let last = self.window.total().saturating_sub(1);
        self.selected.saturating_add_signed(delta).min(last)
    }

    /// The last position of the slice.
    pub fn last_position(&self) -> usize {
        self.window.total().saturating_sub(1)
    }

    /// Selects position `pos` when its page is in the window; false when it must be asked.
    pub fn move_to(&mut self, pos: usize, height: usize) -> bool {
        if !self.page_is_loaded(pos, height) {
            return false;
        }
        self.selected = pos;
        self.scroll_into_view(height);
        true
    }

    pub fn selected_position(&self) -> usize {
        self.selected
    }

    /// How many rows the slice holds (searched).
    pub fn total(&self) -> usize {
        self.window.total()
    }

    pub fn filter(&self) -> &str {
        self.search.value()
    }

    pub fn selected_row(&self) -> Option<&QueueRow> {
        self.window.row_at(self.selected)
    }

    pub fn selected_case(&self) -> Option<CaseId> {
        self.selected_row().map(|r| r.case)
    }

    /// Cases after the selected one that the window holds, in the order shown (to find the
    /// next one due later).
    pub fn following(&self, limit: usize) -> Vec<CaseId> {
        self.window
            .rows_from(self.selected + 1)
            .take(limit)
            .map(|r| r.case)
            .collect()
    }

    pub fn select_case(&mut self, case: CaseId, height: usize) -> bool {
        match self.window.position_of(case) {
            Some(pos) => {
                self.selected = pos;
                self.scroll_into_view(height);
                true
            }
            None => false,
        }
    }

    /// The first of `candidates` still due, as far as the window tells.
    pub fn next_due(&self, candidates: &[CaseId]) -> NextDue {
        for (i, case) in candidates.iter().enumerate() {
            let Some(pos) = self.window.position_of(*case) else {
                return NextDue::Unknown(i);
            };
            if self
                .window
                .row_at(pos)
                .is_some_and(|r| matches!(r.due, Some(d) if d != DueStatus::Done))
            {
                return NextDue::At(pos);
            }
        }
        NextDue::Nothing
    }

    /// Selects position `pos` of the window.
    pub fn select(&mut self, pos: usize, height: usize) {
        self.selected = pos;
        self.scroll_into_view(height);
    }

    /// Keeps the selection on screen for a list `height` rows high, scrolling by whole pages
    /// so that moving within a page never repaints the list.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset || self.selected >= self.offset + height {
            self.offset = self.selected - self.selected % height;
        }
    }

    /// Rows of the list area (inside the border, below the column header).
    pub fn list_height(area_height: u16) -> usize {
        usize::from(area_height.saturating_sub(3))
    }

    /// Whether a row can be 即将到期 today: only then is the status column wide enough for
    /// the label (a wider column repaints every row).
    fn due_soon_possible(&self) -> bool {
        self.today
            .is_some_and(|t| self.due_soon_day > 0 && t.day() >= self.due_soon_day)
            || self.window.counts.due_soon > 0
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let c = self.window.counts;
        let today = self.today.unwrap_or_default();
        let total = self.total();
        let mut title = match self.view {
            // 即将到期 is named only in the days it can happen, so the header of the rest of
            // the month stays as short as it was.
            QueueView::FollowUps if c.due_soon > 0 => format!(
                " 案件队列 共{}人 逾期{} 即将到期{} 待访{} 已访{} ",
                c.overdue + c.due_soon + c.due + c.done,
                c.overdue,
                c.due_soon,
                c.due,
                c.done
            ),
            QueueView::FollowUps => format!(
                " 案件队列 共{}人 逾期{} 待访{} 已访{} ",
                c.overdue + c.due + c.done,
                c.overdue,
                c.due,
                c.done
            ),
            view => format!(" 案件队列·{} {}人 ", view.label(), total),
        };
        if !self.filter().is_empty() || self.searching {
            title.push_str(&format!("筛出{total}人 "));
        }
        let views = format!(
            " 1回访 2待初审 3公示中 4待认定 5逾期 6零就业 7等级 · 申请中{}件 ",
            c.applications
        );
        let block = theme
            .block()
            .title(Span::styled(title, theme.title()))
            .title_bottom(Span::styled(views, theme.dim()));
        let inner = block.inner(area);
        frame.render_widget(block, area);

        let wide = inner.width >= 100;
        let applying = self.view.is_applications();
        let mut lines = Vec::with_capacity(usize::from(inner.height));
        let zero_view = self.view == QueueView::ZeroEmployment;
        let w_follow = if self.due_soon_possible() { 9 } else { 5 };
        let (col_tier, col_last, w_status, w_tier, w_last) = if applying {
            ("申请日", "公示至", 7, 7, 7)
        } else if zero_view {
            ("等级", "零就业起", w_follow, 5, 9)
        } else {
            ("等级", "上次", w_follow, 5, 6)
        };
        let mut header = vec![
            Span::raw("  "),
            Span::raw(fit("状态", w_status)),
            Span::raw(fit("姓名", 9)),
            Span::raw(fit("身份证号", 19)),
            Span::raw(fit(col_tier, w_tier)),
            Span::raw(fit("乡镇", 9)),
            Span::raw(fit(col_last, w_last)),
        ];
        if wide {
            header.push(Span::raw(fit("就业状态", 11)));
            header.push(Span::raw(fit("电话", 12)));
        }
        header.push(Span::raw("类别"));
        lines.push(Line::from(header).style(theme.label()));

        let height = Self::list_height(area.height);
        let fixed = 2 + w_status + 9 + 19 + w_tier + 9 + w_last + if wide { 23 } else { 0 };
        let cat_width = usize::from(inner.width).saturating_sub(fixed);
        if total == 0 {
            let msg = if !self.filter().is_empty() {
                "没有符合搜索条件的人员（Esc 清除搜索）".to_string()
            } else if self.view == QueueView::FollowUps {
                "没有需要回访的认定人员".to_string()
            } else {
                format!("没有“{}”的人员（按 1 回到回访队列）", self.view.label())
            };
            lines.push(Line::from(Span::styled(format!("  {msg}"), theme.dim())));
        }
        let shown = self.offset..(self.offset + height).min(total);
        for pos in shown {
            let Some(r) = self.window.row_at(pos) else {
                // Not yet paged in: the page that holds it is on its way.
                lines.push(Line::default());
                continue;
            };
            let marker = if pos == self.selected { "> " } else { "  " };
            let cats: Vec<&str> = r.categories.iter().map(|c| c.short_label()).collect();
            let short = |d: Option<NaiveDate>| {
                d.map(|d| d.format("%m-%d").to_string())
                    .unwrap_or_else(|| "--".into())
            };
            let (second, last) = match r.due {
                Some(_) if zero_view => (r.tier.label().to_string(), short(r.zero_since)),
                Some(_) => (r.tier.label().to_string(), short(r.last_contact)),
                None => (short(Some(r.applied_on)), short(r.notice_ends)),
            };
            let status_style = match r.due {
                Some(d) => theme.due(d),
                None => theme.label(),
            };
            let mut spans = vec![
                Span::styled(marker, theme.marker()),
                Span::styled(fit(status_label(r, today), w_status), status_style),
                Span::raw(fit(&r.name, 9)),
                Span::raw(fit(&r.id_masked, 19)),
                Span::raw(fit(&second, w_tier)),
                Span::raw(fit(&r.township_name, 9)),
                Span::raw(fit(&last, w_last)),
            ];
            if wide {
                spans.push(Span::raw(fit(r.work_status.label(), 11)));
                spans.push(Span::raw(fit(&r.phone, 12)));
            }
            spans.push(Span::raw(fit(&cats.join(" "), cat_width)));
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    /// The search line, drawn in the status row while searching; returns the cursor column.
    pub fn render_search(&self, frame: &mut Frame, area: Rect, theme: &Theme) -> u16 {
        let prompt = "搜索（姓名/拼音首字母/身份证后4位/电话）：";
        let room = usize::from(area.width).saturating_sub(width(prompt));
        let (shown, caret) = crate::tui::cells::input_view(&self.search, room);
        let line = Line::from(vec![Span::styled(prompt, theme.label()), Span::raw(shown)]);
        frame.render_widget(Paragraph::new(line), area);
        let cursor = width(prompt) + caret;
        area.x + u16::try_from(cursor).unwrap_or(area.width)
    }
}
