//! 退出审核 (第(五)条): exits waiting for the county, then the cases the rules found, one row a
//! case under its strongest finding with the others in its evidence — each with
//! its rule and evidence. [`ExitList::propose`] proposes a finding (its evidence, which can
//! be edited), [`ExitList::approve`] approves a proposal, [`ExitList::return_`] returns one
//! with a reason (`p`, `a`, `r` in the shipped keymap); the service checks who may. While
//! the pane asks for evidence or a reason it is in its own keymap context, where letters
//! type.

use crate::domain::exit::ExitReason;
use crate::service::{ExitPage, ExitRow};
use crate::tui::cells::{clip, fit, input_view};
use crate::tui::keymap::Context;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::{Input, InputRequest};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    Evidence,
    ReturnReason,
}

pub(super) struct ExitList {
    /// The window of the list held: rows `first`.. of `total`.
    rows: Vec<ExitRow>,
    first: usize,
    total: usize,
    /// The list's first `waiting` rows are proposals.
    waiting: usize,
    /// The selected row's place in the whole list.
    selected: usize,
    ask: Option<Ask>,
    input: Input,
}

/// What a key in the pane asks of the service.
pub enum ExitOutcome {
    Nothing,
    Propose(String),
    Approve,
    Return(String),
    Say(String),
}

/// Rows asked for at a time: a screenful and more either side of the selection, so a
/// county's tens of thousands of findings never cross the link at once.
pub const WINDOW: u32 = 100;

/// Rows either side of the selection that must be held; nearer the window's edge than
/// this, the next window is asked for.
const MARGIN: usize = 40;

impl ExitList {
    pub fn new(page: ExitPage) -> Self {
        let mut pane = Self {
            rows: Vec::new(),
            first: 0,
            total: 0,
            waiting: 0,
            selected: 0,
            ask: None,
            input: Input::default(),
        };
        pane.set_page(page);
        pane
    }

    /// A window of the list (after a move, or a decision), keeping the place in it.
    pub fn set_page(&mut self, page: ExitPage) {
        self.first = page.from as usize;
        self.total = page.total as usize;
        self.waiting = page.waiting as usize;
        self.rows = page.rows;
        self.selected = self.selected.min(self.total.saturating_sub(1));
    }

    /// Where the window to ask for starts, when the rows around the selection are not all
    /// held.
    pub fn window_wanted(&self) -> Option<u32> {
        let lo = self.selected.saturating_sub(MARGIN);
        let hi = (self.selected + MARGIN + 1).min(self.total);
        let held = self.first..self.first + self.rows.len();
        if lo >= held.start && hi <= held.end {
            None
        } else {
            Some(self.window_from())
        }
    }

    /// The start of the window centred on the selection.
    pub fn window_from(&self) -> u32 {
        u32::try_from(self.selected.saturating_sub(WINDOW as usize / 2)).unwrap_or(u32::MAX)
    }

    fn row(&self, at: usize) -> Option<&ExitRow> {
        at.checked_sub(self.first).and_then(|i| self.rows.get(i))
    }

    pub fn selected_row(&self) -> Option<&ExitRow> {
        self.row(self.selected)
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.ask.is_none() {
            let last = self.total.saturating_sub(1);
            self.selected = self.selected.saturating_add_signed(delta).min(last);
        }
    }

    pub fn cancel(&mut self) -> bool {
        self.input = Input::default();
        self.ask.take().is_some()
    }

    /// The keymap context: the list's, or the prompt's while one is open.
    pub fn context(&self) -> Context {
        match self.ask {
            Some(_) => Context::ExitNote,
            None => Context::Exits,
        }
    }

    /// A character typed: into the prompt when one is open; else a reminder of the keys.
    pub fn type_char(&mut self, c: char) -> ExitOutcome {
        if self.ask.is_none() {
            return ExitOutcome::Say(match self.selected_row() {
                None => "没有待审核的退出".into(),
                Some(_) => "p 提出退出  a 批准  r 退回".into(),
            });
        }
        if !c.is_control() {
            self.input.handle(InputRequest::InsertChar(c));
        }
        ExitOutcome::Nothing
    }

    /// 提出退出: opens the evidence prompt for a finding, filled with its rule and evidence.
    pub fn propose(&mut self) -> ExitOutcome {
        if self.ask.is_some() {
            return ExitOutcome::Nothing;
        }
        let Some(row) = self.selected_row() else {
            return ExitOutcome::Say("没有待审核的退出".into());
        };
        if row.proposed.is_some() {
            return ExitOutcome::Say("已提出，等待县级审核".into());
        }
        let evidence = format!("{}：{}", row.rule, row.evidence.join("；"));
        self.input = Input::new(crate::domain::text::clean_line(&evidence, 200));
        self.ask = Some(Ask::Evidence);
        ExitOutcome::Nothing
    }

    /// 批准: the selected proposal approved.
    pub fn approve(&mut self) -> ExitOutcome {
        match self.proposal() {
            Ok(()) => ExitOutcome::Approve,
            Err(outcome) => outcome,
        }
    }

    /// 退回: opens the prompt for the reason the selected proposal goes back.
    pub fn return_(&mut self) -> ExitOutcome {
        match self.proposal() {
            Ok(()) => {
                self.ask = Some(Ask::ReturnReason);
                ExitOutcome::Nothing
            }
            Err(outcome) => outcome,
        }
    }

    /// Whether the selected row is a proposal a decision can be made on; if not, what to
    /// tell the user.
    fn proposal(&self) -> Result<(), ExitOutcome> {
        if self.ask.is_some() {
            return Err(ExitOutcome::Nothing);
        }
        match self.selected_row() {
            None => Err(ExitOutcome::Say("没有待审核的退出".into())),
            Some(row) if row.proposed.is_none() => {
                Err(ExitOutcome::Say("这是程序的发现，请先按 p 提出退出".into()))
            }
            Some(_) => Ok(()),
        }
    }

    pub fn edit(&mut self, request: InputRequest) {
        if self.ask.is_some() {
            self.input.handle(request);
        }
    }

    pub fn paste(&mut self, text: &str) {
        if self.ask.is_some() {
            for c in crate::domain::text::clean_line(text, 200).chars() {
                self.input.handle(InputRequest::InsertChar(c));
            }
        }
    }

    pub fn submit(&mut self) -> ExitOutcome {
        let Some(ask) = self.ask else {
            return ExitOutcome::Nothing;
        };
        let text = crate::domain::text::clean_line(self.input.value(), 200);
        if text.is_empty() {
            return ExitOutcome::Say("请先填写内容再按 Enter".into());
        }
        self.ask = None;
        self.input = Input::default();
        match ask {
            Ask::Evidence => ExitOutcome::Propose(text),
            Ask::ReturnReason => ExitOutcome::Return(text),
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let title = format!(
            " 退出审核 待审核{}件 程序发现{}件 ",
            self.waiting,
            self.total.saturating_sub(self.waiting)
        );
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        // Below the list: the row's header, three lines of evidence, its other findings,
        // the keys and a prompt.
        let list_height = usize::from(inner.height).saturating_sub(9).max(3);
        let mut lines = vec![
            Line::from(vec![
                Span::raw("  "),
                Span::raw(fit("状态", 7)),
                Span::raw(fit("姓名", 9)),
                Span::raw(fit("乡镇", 9)),
                Span::raw("退出原因"),
            ])
            .style(theme.label()),
        ];
        if self.total == 0 {
            lines.push(Line::from(Span::styled(
                "  没有待审核的退出，程序也没有新的发现",
                theme.dim(),
            )));
        }
        let offset = self.selected.saturating_sub(list_height.saturating_sub(1));
        for i in offset..(offset + list_height).min(self.total) {
            // A row of a window still on its way is left blank until it arrives.
            let Some(r) = self.row(i) else {
                lines.push(Line::from(""));
                continue;
            };
            let state = if r.proposed.is_some() {
                "待审核"
            } else {
                "发现"
            };
            lines.push(Line::from(vec![
                Span::styled(if i == self.selected { "> " } else { "  " }, theme.marker()),
                Span::styled(
                    fit(state, 7),
                    if r.proposed.is_some() {
                        theme.warn()
                    } else {
                        theme.dim()
                    },
                ),
                Span::raw(fit(&r.name, 9)),
                Span::raw(fit(&r.township_name, 9)),
                Span::raw(clip(
                    if r.reason == ExitReason::Other {
                        &r.rule
                    } else {
                        r.reason.label()
                    },
                    w.saturating_sub(27),
                )),
            ]));
        }
        while lines.len() < list_height + 1 {
            lines.push(Line::from(""));
        }
        let mut cursor = None;
        if let Some(r) = self.selected_row() {
            let by = match &r.proposed {
                Some((on, who)) => format!("{who} 于 {} 提出", on.format("%m-%d")),
                None => "程序依规则发现".to_string(),
            };
            lines.push(Line::from(Span::styled(
                clip(
                    &format!("{} {}  {}：{}", r.name, r.id_masked, by, r.rule),
                    w,
                ),
                theme.label(),
            )));
            for e in r.evidence.iter().take(3) {
                lines.push(Line::from(clip(&format!("  {e}"), w)));
            }
            if !r.others.is_empty() {
                let others: Vec<String> = r
                    .others
                    .iter()
                    .map(|f| format!("{}（{}）", f.reason.label(), f.rule))
                    .collect();
                lines.push(Line::from(Span::styled(
                    clip(&format!("  另有发现：{}", others.join("；")), w),
                    theme.label(),
                )));
            }
            let keys = if r.proposed.is_some() {
                "a 批准退出（取消认定）  r 退回  F3 户档案"
            } else {
                "p 提出退出（可修改依据）  F3 户档案"
            };
            lines.push(Line::from(Span::styled(keys, theme.focus())));
        }
        if let Some(ask) = self.ask {
            let prompt = match ask {
                Ask::Evidence => "退出依据：",
                Ask::ReturnReason => "退回理由：",
            };
            let pw = crate::tui::cells::width(prompt);
            let (shown, caret) = input_view(&self.input, w.saturating_sub(pw + 1));
            cursor = Some(Position::new(
                inner.x + u16::try_from(pw + caret).unwrap_or(0),
                inner.y + u16::try_from(lines.len()).unwrap_or(0),
            ));
            lines.push(Line::from(vec![
                Span::styled(prompt, theme.label()),
                Span::styled(fit(&shown, w.saturating_sub(pw)), theme.focus()),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseId, HouseholdId};

    fn page(from: u32, total: u32, count: u32) -> ExitPage {
        let rows = (from..(from + count).min(total))
            .map(|i| ExitRow {
                case: CaseId(u64::from(i) + 1),
                rev: 1,
                household: HouseholdId(1),
                name: i.to_string(),
                id_masked: String::new(),
                township_name: "贡江镇".into(),
                reason: ExitReason::Retired,
                rule: "已到法定退休日期".into(),
                evidence: vec![],
                proposed: None,
                others: vec![],
            })
            .collect();
        ExitPage {
            from,
            total,
            waiting: 0,
            rows,
        }
    }

    #[test]
    fn moving_near_the_edge_of_the_window_held_asks_for_the_next_one() {
        let mut list = ExitList::new(page(0, 1000, WINDOW));
        assert_eq!(list.window_wanted(), None);
        list.move_by(59);
        assert_eq!(list.window_wanted(), None, "41 rows still held below");
        list.move_by(1);
        assert_eq!(list.window_wanted(), Some(10));
        assert_eq!(list.selected_row().map(|r| r.name.as_str()), Some("60"));
        list.set_page(page(10, 1000, WINDOW));
        assert_eq!(list.window_wanted(), None);
        assert_eq!(list.selected_row().map(|r| r.name.as_str()), Some("60"));
        list.move_by(10_000);
        assert_eq!(
            list.selected, 999,
            "the end of the whole list, not of the window"
        );
        assert_eq!(list.selected_row(), None, "until its window arrives");
        assert_eq!(list.window_wanted(), Some(949));
    }

    #[test]
    fn a_short_list_is_held_whole() {
        let mut list = ExitList::new(page(0, 30, WINDOW));
        list.move_by(100);
        assert_eq!(list.selected, 29);
        assert_eq!(list.window_wanted(), None);
    }
}
