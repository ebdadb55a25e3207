//! 线索 (第(二)条 “大数据+铁脚板”, R-DISCOVER-1), F7 or `x` in the queue: the people other
//! agencies' lists found who have not applied, of the caseworker's township (county-wide
//! for reviewers). Fast-lane leads (第(四)条 快捷通道, R-FAST-1) come first, and one past its
//! contact deadline still to contact is shown as 逾期 in the overdue style. `d` records what
//! contacting the selected lead found: a disposition (Tab changes it), today's date and a
//! note, which the service requires for 不符合条件 and 本人拒绝.

#[cfg(test)]
mod tests;

use super::{Effect, Env, Notice, Pane, PaneKind, StatusKind, say};
use crate::domain::DueStatus;
use crate::domain::lead::Disposition;
use crate::service::{LeadRow, Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::cells::{clip, fit, input_view, width};
use crate::tui::keymap::Context;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;

/// The dispositions a caseworker records here: 已申请 is recorded by the registration itself.
const CHOICES: [Disposition; 4] = [
    Disposition::Contacted,
    Disposition::NotEligible,
    Disposition::Refused,
    Disposition::ToContact,
];

/// The longest note kept (the store's limit is larger).
const NOTE_CHARS: usize = 200;

#[derive(Default)]
pub struct LeadsPane {
    /// None until the rows arrive.
    rows: Option<Vec<LeadRow>>,
    selected: usize,
    /// The disposition prompt: which of [`CHOICES`], and the note typed.
    asking: Option<usize>,
    input: Input,
}

const FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::DisposeLead, "处理"),
    (Action::Back, ""),
    (Action::Quit, ""),
];

impl LeadsPane {
    pub fn opening() -> Self {
        Self::default()
    }

    fn selected_row(&self) -> Option<&LeadRow> {
        self.rows.as_ref()?.get(self.selected)
    }

    fn total(&self) -> usize {
        self.rows.as_ref().map_or(0, Vec::len)
    }

    fn move_to(&mut self, at: isize) {
        let last = self.total().saturating_sub(1);
        self.selected = usize::try_from(at.max(0)).unwrap_or(0).min(last);
    }

    /// `d`: the prompt for the selected lead, starting from 已联系.
    fn dispose(&mut self) -> Vec<Effect> {
        match self.selected_row() {
            None => vec![say(StatusKind::Info, "没有选中的线索")],
            Some(r) if r.disposition == Disposition::Applied.label() => {
                vec![say(
                    StatusKind::Info,
                    format!("{} 已申请，无需再处理", r.name),
                )]
            }
            Some(_) => {
                self.asking = Some(0);
                self.input = Input::default();
                Vec::new()
            }
        }
    }

    /// Enter in the prompt: the disposition sent, with today's date and the note.
    fn submit(&mut self, env: &Env) -> Vec<Effect> {
        let (Some(choice), Some(row)) = (self.asking, self.selected_row()) else {
            return Vec::new();
        };
        let disposition = CHOICES[choice % CHOICES.len()];
        let note = crate::domain::text::clean_line(self.input.value(), NOTE_CHARS);
        // 第(二)条: a lead closed without an application says why.
        if note.is_empty() && matches!(disposition, Disposition::NotEligible | Disposition::Refused)
        {
            return vec![say(
                StatusKind::Info,
                format!("“{}”须填写说明", disposition.label()),
            )];
        }
        let request = Request::DisposeLead {
            lead: row.id,
            rev: row.rev,
            disposition,
            on: env.overview.today,
            note,
        };
        self.asking = None;
        self.input = Input::default();
        vec![Effect::Ask(request)]
    }
}

impl Pane for LeadsPane {
    fn kind(&self) -> PaneKind {
        PaneKind::Leads
    }

    fn context(&self) -> Context {
        match self.asking {
            Some(_) => Context::LeadNote,
            None => Context::Leads,
        }
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        vec![Effect::Ask(Request::Leads)]
    }

    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect> {
        if let Some(choice) = self.asking {
            match action {
                Action::NextField => self.asking = Some((choice + 1) % CHOICES.len()),
                Action::PrevField => {
                    self.asking = Some((choice + CHOICES.len() - 1) % CHOICES.len())
                }
                Action::Save | Action::Open => return self.submit(env),
                Action::Back => {
                    self.asking = None;
                    self.input = Input::default();
                }
                other => {
                    crate::tui::cells::edit_line(&mut self.input, &other, NOTE_CHARS);
                }
            }
            return Vec::new();
        }
        let page = env.list_height.max(1) as isize;
        let at = self.selected as isize;
        match action {
            Action::Up => self.move_to(at - 1),
            Action::Down => self.move_to(at + 1),
            Action::PageUp => self.move_to(at - page),
            Action::PageDown => self.move_to(at + page),
            Action::First => self.move_to(0),
            Action::Last => self.move_to(isize::MAX),
            Action::DisposeLead => return self.dispose(),
            Action::Back => return vec![Effect::Close],
            Action::ShowQueue => return vec![Effect::CloseToQueue],
            Action::ShowLeads => return self.start(env),
            _ => {}
        }
        Vec::new()
    }

    fn answer(
        &mut self,
        asked: Request,
        answer: Result<Response, ServiceError>,
        _env: &Env,
    ) -> Vec<Effect> {
        match (asked, answer) {
            (_, Ok(Response::Leads(rows))) => {
                // Keep the place on the lead selected, wherever the new list puts it.
                let id = self.selected_row().map(|r| r.id);
                self.selected = id
                    .and_then(|id| rows.iter().position(|r| r.id == id))
                    .unwrap_or(self.selected)
                    .min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                Vec::new()
            }
            (_, Ok(Response::Lead(row))) => {
                let text = format!("已记录：{} {}", row.name, row.disposition);
                if let Some(r) = self
                    .rows
                    .as_mut()
                    .and_then(|rows| rows.iter_mut().find(|r| r.id == row.id))
                {
                    *r = row;
                }
                vec![say(StatusKind::Ok, text), Effect::Tell(Notice::DataChanged)]
            }
            (Request::Leads, Err(e)) if self.rows.is_none() => {
                vec![super::failed("读取线索失败", &e), Effect::Close]
            }
            (_, Err(e)) => vec![super::failed("未记录", &e)],
            (_, Ok(_)) => Vec::new(),
        }
    }

    fn notice(&mut self, notice: &Notice, _env: &Env) -> Vec<Effect> {
        match notice {
            Notice::DataChanged if self.rows.is_some() => vec![Effect::Ask(Request::Leads)],
            _ => Vec::new(),
        }
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        FOOTER
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        let rows = self.rows.as_deref().unwrap_or_default();
        let theme = env.theme;
        let fast = rows.iter().filter(|r| r.fast_lane).count();
        let overdue = rows.iter().filter(|r| r.overdue).count();
        let title = format!(" 线索 共{} 快捷通道{} 逾期{} ", rows.len(), fast, overdue);
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let list_height = usize::from(inner.height).saturating_sub(4).max(3);
        let mut lines = vec![
            Line::from(vec![
                Span::raw("  "),
                Span::raw(fit("状态", 11)),
                Span::raw(fit("姓名", 9)),
                Span::raw(fit("身份证", 19)),
                Span::raw(fit("乡镇", 9)),
                Span::raw("来源"),
            ])
            .style(theme.label()),
        ];
        if self.rows.is_some() && rows.is_empty() {
            lines.push(Line::from(Span::styled("  没有待处理的线索", theme.dim())));
        }
        let offset = self.selected.saturating_sub(list_height.saturating_sub(1));
        for (i, r) in rows.iter().enumerate().skip(offset).take(list_height) {
            lines.push(Line::from(vec![
                Span::styled(if i == self.selected { "> " } else { "  " }, theme.marker()),
                Span::styled(fit(&state(r), 11), state_style(r, theme)),
                Span::raw(fit(&r.name, 9)),
                Span::raw(fit(&r.id_masked, 19)),
                Span::raw(fit(&r.township, 9)),
                Span::raw(clip(&r.source, w.saturating_sub(50))),
            ]));
        }
        while lines.len() < list_height + 1 {
            lines.push(Line::from(""));
        }
        if let Some(r) = self.selected_row() {
            lines.push(Line::from(Span::styled(clip(&detail(r), w), theme.label())));
        }
        let mut cursor = None;
        if let Some(choice) = self.asking {
            let prompt = format!(
                "处理结果：{}（Tab 换）说明：",
                CHOICES[choice % CHOICES.len()].label()
            );
            let pw = width(&prompt);
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

/// The state column: 逾期 for a fast-lane lead past its deadline, else the disposition
/// (a fast-lane lead still to contact with its deadline).
fn state(r: &LeadRow) -> String {
    if r.overdue {
        return "逾期".into();
    }
    match (r.fast_lane, r.contact_deadline) {
        (true, Some(d)) if r.disposition == Disposition::ToContact.label() => {
            format!("快 {}前", d.format("%m-%d"))
        }
        _ => r.disposition.clone(),
    }
}

fn state_style(r: &LeadRow, theme: &Theme) -> ratatui::style::Style {
    if r.overdue {
        theme.due(DueStatus::Overdue)
    } else if r.disposition == Disposition::ToContact.label() {
        theme.focus()
    } else {
        theme.dim()
    }
}

/// The line under the list: the selected lead's list, deadline and last disposition.
fn detail(r: &LeadRow) -> String {
    let mut text = format!(
        "{} {}名单 {}",
        r.name,
        r.source,
        r.list_date.format("%Y-%m-%d")
    );
    if let Some(d) = r.contact_deadline {
        text.push_str(&format!(" 快捷通道 {} 前联系", d.format("%m-%d")));
    }
    if let Some(on) = r.disposition_on {
        text.push_str(&format!(" {} {}", r.disposition, on.format("%m-%d")));
        if !r.note.is_empty() {
            text.push_str(&format!("：{}", r.note));
        }
    }
    text
}
