//! The queue's rows and what is shown of them: the view, the search filter, the selection,
//! the scroll; and their drawing. Which rows are due comes from the service (R-FOLLOW-1).
//!
//! The selected row is shown by a marker in the first column only, so moving it costs a few
//! bytes on the wire rather than a repainted row.

use crate::domain::name_search::{Searchable, matches};
use crate::domain::{CaseId, DueStatus, RecognitionStatus};
use crate::service::QueueRow;
use crate::tui::cells::{fit, width};
use crate::tui::theme::Theme;
use chrono::NaiveDate;
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

#[derive(Default)]
pub(super) struct QueueList {
    rows: Vec<QueueRow>,
    pub(super) view: QueueView,
    /// The day the rows were computed for (to tell a notice that has ended).
    pub(super) today: Option<NaiveDate>,
    /// Indices into `rows` that pass the filter, in queue order.
    visible: Vec<usize>,
    /// Position in `visible`.
    selected: usize,
    /// First visible position shown.
    offset: usize,
    pub(super) search: Input,
    pub(super) searching: bool,
}

impl QueueList {
    pub fn set_rows(&mut self, rows: Vec<QueueRow>) {
        let keep = self.selected_case();
        self.rows = rows;
        self.refilter();
        if let Some(case) = keep {
            self.select_case(case);
        }
    }

    /// Shows `view`, keeping the selected case if it is in it.
    pub fn set_view(&mut self, view: QueueView) {
        let keep = self.selected_case();
        self.view = view;
        self.refilter();
        if let Some(case) = keep {
            self.select_case(case);
        }
    }

    pub fn refilter(&mut self) {
        let q = self.search.value().to_string();
        let today = self.today.unwrap_or_default();
        let view = self.view;
        self.visible = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| view.holds(r, today))
            .filter(|(_, r)| {
                matches(
                    &q,
                    &Searchable {
                        name: &r.name,
                        initials: &r.initials,
                        id_tail: &r.id_tail,
                        phone: &r.phone,
                    },
                )
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = 0;
        self.offset = 0;
    }

    /// How many rows pass the view and the filter.
    #[cfg(test)]
    pub fn visible_count(&self) -> usize {
        self.visible.len()
    }

    pub fn filter(&self) -> &str {
        self.search.value()
    }

    pub fn clear_filter(&mut self) {
        let keep = self.selected_case();
        self.search = Input::default();
        self.refilter();
        if let Some(case) = keep {
            self.select_case(case);
        }
    }

    pub fn selected_row(&self) -> Option<&QueueRow> {
        self.visible
            .get(self.selected)
            .and_then(|i| self.rows.get(*i))
    }

    pub fn selected_case(&self) -> Option<CaseId> {
        self.selected_row().map(|r| r.case)
    }

    /// Cases after the selected one, in the order shown (to find the next one due later).
    pub fn following(&self, limit: usize) -> Vec<CaseId> {
        self.visible
            .iter()
            .skip(self.selected + 1)
            .take(limit)
            .filter_map(|i| self.rows.get(*i).map(|r| r.case))
            .collect()
    }

    pub fn select_case(&mut self, case: CaseId) -> bool {
        match self
            .visible
            .iter()
            .position(|i| self.rows.get(*i).is_some_and(|r| r.case == case))
        {
            Some(pos) => {
                self.selected = pos;
                true
            }
            None => false,
        }
    }

    /// Selects the first of `candidates` still due, else the first row due, else the first.
    pub fn select_next_due(&mut self, candidates: &[CaseId]) {
        let due = |r: &QueueRow| matches!(r.due, Some(d) if d != DueStatus::Done);
        for case in candidates {
            if let Some(pos) = self
                .visible
                .iter()
                .position(|i| self.rows.get(*i).is_some_and(|r| r.case == *case && due(r)))
            {
                self.selected = pos;
                return;
            }
        }
        self.selected = self
            .visible
            .iter()
            .position(|i| self.rows.get(*i).is_some_and(due))
            .unwrap_or(0);
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn first(&mut self) {
        self.selected = 0;
    }

    pub fn last(&mut self) {
        self.selected = self.visible.len().saturating_sub(1);
    }

    /// Keeps the selection on screen for a list `height` rows high, scrolling by whole pages
    /// so that moving within a page never repaints the list.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset || self.selected >= self.offset + height {
            self.offset = self.selected - self.selected % height;
        }
    }

    fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for r in &self.rows {
            match r.due {
                Some(DueStatus::Overdue) => c.0 += 1,
                Some(DueStatus::Due | DueStatus::DueSoon) => c.1 += 1,
                Some(DueStatus::Done) => c.2 += 1,
                None => c.3 += 1,
            }
        }
        c
    }

    /// Rows of the list area (inside the border, below the column header).
    pub fn list_height(area_height: u16) -> usize {
        usize::from(area_height.saturating_sub(3))
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let (overdue, due, done, applications) = self.counts();
        let today = self.today.unwrap_or_default();
        let mut title = match self.view {
            QueueView::FollowUps => format!(
                " 案件队列 共{}人 逾期{} 待访{} 已访{} ",
                overdue + due + done,
                overdue,
                due,
                done
            ),
            view => format!(" 案件队列·{} {}人 ", view.label(), self.visible.len()),
        };
        if !self.filter().is_empty() || self.searching {
            title.push_str(&format!("筛出{}人 ", self.visible.len()));
        }
        let views =
            format!(" 1回访 2待初审 3公示中 4待认定 5逾期 6零就业 7等级 · 申请中{applications}件 ");
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
        let (col_tier, col_last, w_status, w_tier, w_last) = if applying {
            ("申请日", "公示至", 7, 7, 7)
        } else if zero_view {
            ("等级", "零就业起", 5, 5, 9)
        } else {
            ("等级", "上次", 5, 5, 6)
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
        if self.visible.is_empty() {
            let msg = if !self.filter().is_empty() {
                "没有符合搜索条件的人员（Esc 清除搜索）".to_string()
            } else if self.view == QueueView::FollowUps {
                "没有需要回访的认定人员".to_string()
            } else {
                format!("没有“{}”的人员（按 1 回到回访队列）", self.view.label())
            };
            lines.push(Line::from(Span::styled(format!("  {msg}"), theme.dim())));
        }
        for (pos, idx) in self
            .visible
            .iter()
            .enumerate()
            .skip(self.offset)
            .take(height)
        {
            let Some(r) = self.rows.get(*idx) else {
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
