//! 监督 (第(十四)条 全过程监管, R-GOV-1), F9 or `w` in the queue, for county reviewers and
//! administrators: the chosen month's findings a page at a time (rule, subject, date,
//! disposition), the selected one's evidence under the list. `[` and `]` change the month;
//! `v` (已核实) or `x` (误报) opens a note line, and Enter saves the disposition over the
//! version shown, so two reviewers disposing of one finding at once is a conflict, not an
//! overwrite. The selection stays on its finding when the page comes back after a save.

#[cfg(test)]
mod tests;

use super::{Effect, Env, Notice, Pane, PaneKind, StatusKind, say};
use crate::domain::YearMonth;
use crate::domain::supervise::Rule;
use crate::domain::supervise::disposition::{NOTE_MAX_CHARS, Verdict};
use crate::service::protocol::{SupervisePage, SupervisedFinding};
use crate::service::{Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::cells::{clip, edit_line, fit, input_view, width};
use crate::tui::keymap::Context;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::Input;

/// Lines under the list: the evidence (wrapped), the disposition, the note line.
const BELOW: usize = 6;

/// Column widths in cells.
const RULE: usize = 14;
const SUBJECT: usize = 36;
const DATE: usize = 12;

pub struct SupervisePane {
    month: YearMonth,
    /// Findings a page asks for: what fits the terminal the pane opened in.
    limit: u32,
    /// None until the page arrives.
    page: Option<SupervisePage>,
    /// The key the shown page starts after (None: the first page), and those of the pages
    /// before it, for PageUp.
    after: Option<String>,
    earlier: Vec<Option<String>>,
    selected: usize,
    /// The finding to select when the page arrives (kept across a save's refresh).
    keep: Option<String>,
    /// Where to put the selection on a page that arrives for a move: its last row.
    to_last: bool,
    /// The note line: the verdict being given and the note typed.
    asking: Option<Verdict>,
    input: Input,
}

const FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::PrevMonth, "上月"),
    (Action::NextMonth, "下月"),
    (Action::MarkVerified, ""),
    (Action::MarkFalseAlarm, ""),
    (Action::Back, ""),
    (Action::Quit, ""),
];

const NOTE_FOOTER: &[(Action, &str)] = &[
    (Action::Save, "保存处置"),
    (Action::Back, "取消"),
    (Action::Quit, ""),
];

/// A rule's name short enough for the list's column.
fn short_label(rule: Rule) -> &'static str {
    match rule {
        Rule::CopiedFollowups => "回访照抄",
        Rule::EntryPace => "录入过快",
        Rule::EntryHours => "非工作时间",
        Rule::SharedContact => "共用联系方式",
        Rule::PaidWhileIneligible => "违规发放",
        Rule::SelfDecided => "本人审定",
        Rule::RevealsPerDay => "查看证号过多",
    }
}

impl SupervisePane {
    /// The pane on the month of `today`, asking pages of findings that fit `env`'s list.
    pub fn opening(today: chrono::NaiveDate, env: &Env) -> Self {
        Self {
            month: YearMonth::of(today),
            limit: u32::try_from(env.list_height.saturating_sub(BELOW + 2).max(3)).unwrap_or(3),
            page: None,
            after: None,
            earlier: Vec::new(),
            selected: 0,
            keep: None,
            to_last: false,
            asking: None,
            input: Input::default(),
        }
    }

    fn ask(&self) -> Vec<Effect> {
        vec![Effect::Ask(Request::Supervise {
            month: self.month,
            after: self.after.clone(),
            limit: self.limit,
        })]
    }

    fn rows(&self) -> &[SupervisedFinding] {
        self.page.as_ref().map_or(&[], |p| p.findings.as_slice())
    }

    fn selected_row(&self) -> Option<&SupervisedFinding> {
        self.rows().get(self.selected)
    }

    /// The month's first page, for a new month.
    fn set_month(&mut self, month: YearMonth) -> Vec<Effect> {
        self.month = month;
        self.after = None;
        self.earlier.clear();
        self.selected = 0;
        self.keep = None;
        self.page = None;
        self.ask()
    }

    /// The page after this one, its first row selected; none on the last page.
    fn next_page(&mut self) -> Vec<Effect> {
        let Some(next) = self.page.as_ref().and_then(|p| p.next.clone()) else {
            return Vec::new();
        };
        self.earlier.push(self.after.replace(next));
        self.selected = 0;
        self.keep = None;
        self.to_last = false;
        self.ask()
    }

    /// The page before this one, its first or (`to_last`) its last row selected.
    fn prev_page(&mut self, to_last: bool) -> Vec<Effect> {
        let Some(before) = self.earlier.pop() else {
            self.selected = 0;
            return Vec::new();
        };
        self.after = before;
        self.selected = 0;
        self.keep = None;
        self.to_last = to_last;
        self.ask()
    }

    fn down(&mut self) -> Vec<Effect> {
        if self.selected + 1 < self.rows().len() {
            self.selected += 1;
            Vec::new()
        } else {
            self.next_page()
        }
    }

    fn up(&mut self) -> Vec<Effect> {
        if self.selected > 0 {
            self.selected -= 1;
            Vec::new()
        } else {
            self.prev_page(true)
        }
    }

    /// `v` or `x`: the note line for the selected finding.
    fn open_note(&mut self, verdict: Verdict) -> Vec<Effect> {
        if self.selected_row().is_none() {
            return vec![say(StatusKind::Info, "没有选中的监督发现")];
        }
        self.asking = Some(verdict);
        self.input = Input::default();
        Vec::new()
    }

    /// Enter on the note line: the disposition sent over the version shown.
    fn submit(&mut self) -> Vec<Effect> {
        let (Some(verdict), Some(row)) = (self.asking, self.selected_row()) else {
            return Vec::new();
        };
        let note = crate::domain::text::clean_line(self.input.value(), NOTE_MAX_CHARS);
        if verdict == Verdict::FalseAlarm && note.is_empty() {
            return vec![say(StatusKind::Info, "处置为误报时须写明理由")];
        }
        let request = Request::DisposeFinding {
            key: row.key.clone(),
            rev: row.disposition.as_ref().map_or(0, |d| d.rev),
            verdict,
            note,
        };
        self.keep = Some(row.key.clone());
        self.asking = None;
        self.input = Input::default();
        vec![Effect::Ask(request)]
    }

    fn update_note(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Save | Action::Open => return self.submit(),
            Action::Back => {
                self.asking = None;
                self.input = Input::default();
            }
            other => {
                edit_line(&mut self.input, &other, NOTE_MAX_CHARS);
            }
        }
        Vec::new()
    }

    /// A page arrived: select the kept finding if it is on it, else where the move asked.
    fn arrived(&mut self, page: SupervisePage) {
        let last = page.findings.len().saturating_sub(1);
        let kept = self
            .keep
            .take()
            .and_then(|k| page.findings.iter().position(|f| f.key == k));
        self.selected = match kept {
            Some(at) => at,
            None if self.to_last => last,
            None => self.selected.min(last),
        };
        self.to_last = false;
        self.page = Some(page);
    }
}

impl Pane for SupervisePane {
    fn kind(&self) -> PaneKind {
        PaneKind::Supervise
    }

    fn context(&self) -> Context {
        match self.asking {
            Some(_) => Context::SuperviseNote,
            None => Context::Supervise,
        }
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        self.ask()
    }

    fn update(&mut self, action: Action, _env: &Env) -> Vec<Effect> {
        if self.asking.is_some() {
            return self.update_note(action);
        }
        match action {
            Action::Up => self.up(),
            Action::Down => self.down(),
            Action::PageDown => self.next_page(),
            Action::PageUp => self.prev_page(false),
            Action::First => {
                self.selected = 0;
                Vec::new()
            }
            Action::Last => {
                self.selected = self.rows().len().saturating_sub(1);
                Vec::new()
            }
            Action::PrevMonth => self.set_month(self.month.prev()),
            Action::NextMonth => self.set_month(self.month.next()),
            Action::MarkVerified => self.open_note(Verdict::Verified),
            Action::MarkFalseAlarm => self.open_note(Verdict::FalseAlarm),
            Action::ShowSupervise => {
                self.keep = self.selected_row().map(|r| r.key.clone());
                self.ask()
            }
            Action::Back => vec![Effect::Close],
            Action::ShowQueue => vec![Effect::CloseToQueue],
            _ => Vec::new(),
        }
    }

    fn answer(
        &mut self,
        asked: Request,
        answer: Result<Response, ServiceError>,
        _env: &Env,
    ) -> Vec<Effect> {
        match (asked, answer) {
            (Request::Supervise { month, after, .. }, Ok(Response::Supervise(page)))
                if month == self.month && after == self.after =>
            {
                self.arrived(page);
                Vec::new()
            }
            (_, Ok(Response::Disposed(d))) => {
                let text = format!("已处置：{}", d.verdict.label());
                if let Some(row) = self
                    .page
                    .as_mut()
                    .and_then(|p| p.findings.iter_mut().find(|f| f.key == d.key))
                {
                    row.disposition = Some(d);
                }
                vec![say(StatusKind::Ok, text), Effect::Tell(Notice::DataChanged)]
            }
            (Request::Supervise { .. }, Err(e)) if self.page.is_none() => {
                vec![super::failed("读取监督发现失败", &e), Effect::Close]
            }
            (Request::Supervise { .. }, Err(e)) => vec![super::failed("读取监督发现失败", &e)],
            (Request::DisposeFinding { key, .. }, Err(e)) => {
                // A conflict or a refusal: the page again, with the disposition as stored.
                self.keep = Some(key);
                let mut effects = vec![super::failed("未处置", &e)];
                effects.extend(self.ask());
                effects
            }
            (_, Err(e)) => vec![super::failed("未处置", &e)],
            (_, Ok(_)) => Vec::new(),
        }
    }

    fn notice(&mut self, notice: &Notice, _env: &Env) -> Vec<Effect> {
        match notice {
            Notice::DataChanged if self.page.is_some() && self.asking.is_none() => {
                self.keep = self
                    .keep
                    .take()
                    .or_else(|| self.selected_row().map(|r| r.key.clone()));
                self.ask()
            }
            _ => Vec::new(),
        }
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        if self.asking.is_some() {
            NOTE_FOOTER
        } else {
            FOOTER
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        let theme = env.theme;
        let pages = self.earlier.len() + 1;
        let title = match &self.page {
            Some(p) => format!(
                " 监督 {} 共{}条 第{}页 ",
                self.month.label(),
                p.total,
                pages
            ),
            None => format!(" 监督 {} ", self.month.label()),
        };
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let list_height = usize::from(inner.height).saturating_sub(BELOW + 1).max(1);
        let mut lines = vec![
            Line::from(vec![
                Span::raw("  "),
                Span::raw(fit("规则", RULE)),
                Span::raw(fit("对象", SUBJECT)),
                Span::raw(fit("日期", DATE)),
                Span::raw("处置"),
            ])
            .style(theme.label()),
        ];
        match &self.page {
            None => lines.push(Line::from(Span::styled("  读取中…", theme.dim()))),
            Some(p) if p.findings.is_empty() => {
                lines.push(Line::from(Span::styled("  本月没有监督发现", theme.dim())))
            }
            Some(_) => {}
        }
        let rows = self.rows();
        let offset = self.selected.saturating_sub(list_height.saturating_sub(1));
        for (i, r) in rows.iter().enumerate().skip(offset).take(list_height) {
            let (state, style) = match &r.disposition {
                Some(d) if d.verdict == Verdict::Verified => (d.verdict.label(), theme.warn()),
                Some(d) => (d.verdict.label(), theme.dim()),
                None => ("未处置", theme.focus()),
            };
            lines.push(Line::from(vec![
                Span::styled(if i == self.selected { "> " } else { "  " }, theme.marker()),
                Span::raw(fit(short_label(r.finding.rule), RULE)),
                Span::raw(fit(&r.finding.subject, SUBJECT)),
                Span::raw(fit(&r.finding.date.format("%Y-%m-%d").to_string(), DATE)),
                Span::styled(state, style),
            ]));
        }
        while lines.len() < list_height + 1 {
            lines.push(Line::from(""));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        let below = Rect {
            y: inner.y + u16::try_from(list_height + 1).unwrap_or(0),
            height: inner
                .height
                .saturating_sub(u16::try_from(list_height + 1).unwrap_or(0)),
            ..inner
        };
        let mut detail: Vec<Line> = Vec::new();
        if let Some(r) = self.selected_row() {
            detail.push(Line::from(Span::styled(
                clip(&format!("{}：{}", r.finding.rule.label(), r.key), w),
                theme.label(),
            )));
            let disposed = match &r.disposition {
                Some(d) if d.note.is_empty() => {
                    format!("处置：{} {} {}", d.verdict.label(), d.by, d.on)
                }
                Some(d) => format!("处置：{} {} {}：{}", d.verdict.label(), d.by, d.on, d.note),
                None => "处置：未处置（v 已核实，x 误报）".to_string(),
            };
            detail.push(Line::from(clip(&disposed, w)));
            detail.push(Line::from(format!("证据：{}", r.finding.evidence)));
        }
        let note_row = below.height.saturating_sub(1);
        frame.render_widget(
            Paragraph::new(detail).wrap(Wrap { trim: false }),
            Rect {
                height: note_row,
                ..below
            },
        );
        if let Some(verdict) = self.asking {
            let prompt = format!("{}，说明：", verdict.label());
            let pw = width(&prompt);
            let (shown, caret) = input_view(&self.input, w.saturating_sub(pw + 1));
            let y = below.y + note_row;
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(prompt, theme.label()),
                    Span::styled(fit(&shown, w.saturating_sub(pw)), theme.focus()),
                ])),
                Rect {
                    y,
                    height: 1,
                    ..below
                },
            );
            frame.set_cursor_position(Position::new(
                inner.x + u16::try_from(pw + caret).unwrap_or(0),
                y,
            ));
        }
    }
}
