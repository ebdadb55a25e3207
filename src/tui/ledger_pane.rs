//! 援助台账: one member's public-welfare posts, policies and dibao linkage (R-LEDGER-1),
//! with what ends the post now held; and the small forms that add to it — typed field by
//! field, problems shown beside their field.

use super::cells::{clip, fit, input_view};
use super::theme::Theme;
use crate::domain::ledger::{DibaoKind, EntryKind, PaidTo};
use crate::service::LedgerView;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::{Input, InputRequest};

pub struct EntryForm {
    pub kind: EntryKind,
    pub values: Vec<String>,
    pub focus: usize,
    input: Input,
    pub errors: Vec<(usize, String)>,
}

impl EntryForm {
    pub fn new(kind: EntryKind, today: chrono::NaiveDate) -> Self {
        let mut values = vec![String::new(); kind.labels().len()];
        // The dates a caseworker would type today, filled in.
        let date = today.format("%Y-%m-%d").to_string();
        match kind {
            EntryKind::Post => values[2] = date,
            EntryKind::EndPost => values[0] = date,
            EntryKind::Dibao => values[1] = date,
            EntryKind::Policy => values[6] = today.format("%Y-%m").to_string(),
        }
        let input = Input::new(values[0].clone());
        Self {
            kind,
            values,
            focus: 0,
            input,
            errors: Vec::new(),
        }
    }

    fn focus_on(&mut self, i: usize) {
        self.focus = i.min(self.values.len().saturating_sub(1));
        self.input = Input::new(self.values[self.focus].clone());
    }

    pub fn next(&mut self) {
        self.focus_on(self.focus + 1);
    }

    pub fn prev(&mut self) {
        self.focus_on(self.focus.saturating_sub(1));
    }

    pub fn type_char(&mut self, c: char) {
        if !c.is_control() && self.input.value().chars().count() < 40 {
            self.input.handle(InputRequest::InsertChar(c));
            self.store();
        }
    }

    pub fn edit(&mut self, request: InputRequest) {
        self.input.handle(request);
        self.store();
    }

    pub fn paste(&mut self, text: &str) {
        for c in crate::domain::text::clean_line(text, 40).chars() {
            self.type_char(c);
        }
    }

    fn store(&mut self) {
        self.values[self.focus] = self.input.value().to_string();
        let focus = self.focus;
        self.errors.retain(|(i, _)| *i != focus);
    }

    pub fn show_errors(&mut self, errors: Vec<(usize, String)>) {
        self.errors = errors;
        if let Some((i, _)) = self.errors.first() {
            let i = *i;
            self.focus_on(i);
        }
    }
}

pub struct LedgerPane {
    pub view: LedgerView,
    pub form: Option<EntryForm>,
}

impl LedgerPane {
    pub fn new(view: LedgerView) -> Self {
        Self { view, form: None }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let v = &self.view;
        let title = format!(" 援助台账 {} {} ", v.name, v.id_masked);
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let mut lines: Vec<Line> = Vec::new();
        let status = v.status.map(|s| s.label()).unwrap_or("无援助申请");
        lines.push(Line::from(Span::styled(
            format!("案件：{status}"),
            theme.label(),
        )));
        lines.push(Line::from(Span::styled("公益性岗位", theme.label())));
        if v.ledger.posts.is_empty() {
            lines.push(Line::from(Span::styled("  （无）", theme.dim())));
        }
        for p in &v.ledger.posts {
            let pl = &p.placement;
            let ended = match &p.ended {
                Some((on, why)) => format!("，{} 退出：{}", on.format("%Y-%m-%d"), why.label()),
                None => "，在岗".into(),
            };
            lines.push(Line::from(clip(
                &format!(
                    "  {} {} {}至{} 岗位补贴{}元/月 社保补贴{}元/月{ended}",
                    pl.post_type.label(),
                    pl.employer,
                    pl.start.format("%Y-%m-%d"),
                    pl.end.format("%Y-%m-%d"),
                    pl.post_subsidy,
                    pl.insurance_subsidy
                ),
                w,
            )));
        }
        for t in &v.post_triggers {
            lines.push(Line::from(Span::styled(
                clip(&format!("  应办理岗位退出：{}（按 x）", t.label()), w),
                theme.error(),
            )));
        }
        lines.push(Line::from(Span::styled("享受政策", theme.label())));
        if v.ledger.policies.is_empty() {
            lines.push(Line::from(Span::styled("  （无）", theme.dim())));
        }
        for p in &v.ledger.policies {
            let to = match &p.paid_to {
                PaidTo::Card(c) => format!("社保卡 {c}"),
                PaidTo::UnitAccount(a) => format!("单位账户 {a}"),
            };
            let split = p
                .months
                .as_ref()
                .map(|m| {
                    format!(
                        "（一次性{}个月，按月{}个月）",
                        m.lump_sum.len(),
                        m.monthly.len()
                    )
                })
                .unwrap_or_default();
            lines.push(Line::from(clip(
                &format!(
                    "  {} {}至{} {}元 发放至{to}{split}",
                    p.kind.label(),
                    p.from.label(),
                    p.to.label(),
                    p.amount
                ),
                w,
            )));
        }
        lines.push(Line::from(Span::styled("低保联动", theme.label())));
        if v.ledger.dibao.is_empty() {
            lines.push(Line::from(Span::styled("  （无）", theme.dim())));
        }
        for d in &v.ledger.dibao {
            let what = match d.kind {
                DibaoKind::CostDeduction { monthly } => format!("就业成本扣减 {monthly}元/月"),
                DibaoKind::GradualExit { until } => {
                    format!("低保渐退至 {}", until.format("%Y-%m-%d"))
                }
            };
            lines.push(Line::from(clip(
                &format!("  {} {what} {}", d.on.format("%Y-%m-%d"), d.note),
                w,
            )));
        }
        let mut cursor = None;
        match &self.form {
            None => {
                lines.push(Line::from(""));
                lines.push(Line::from(Span::styled(
                    "g 安置公益性岗位  x 岗位退出  z 享受政策  b 低保联动",
                    theme.focus(),
                )));
            }
            Some(form) => {
                lines.push(Line::from(Span::styled(
                    format!("— {} —", form.kind.title()),
                    theme.title(),
                )));
                for (i, label) in form.kind.labels().iter().enumerate() {
                    let focused = i == form.focus;
                    let mut spans = vec![
                        Span::styled(if focused { "> " } else { "  " }, theme.marker()),
                        Span::styled(fit(label, 22), theme.label()),
                    ];
                    if focused {
                        let (shown, caret) = input_view(&form.input, 23);
                        spans.push(Span::styled(fit(&shown, 24), theme.focus()));
                        cursor = Some(Position::new(
                            inner.x + u16::try_from(24 + caret).unwrap_or(0),
                            inner.y + u16::try_from(lines.len()).unwrap_or(0),
                        ));
                    } else {
                        spans.push(Span::raw(fit(&form.values[i], 24)));
                    }
                    if let Some((_, m)) = form.errors.iter().find(|(j, _)| *j == i) {
                        spans.push(Span::styled(clip(m, w.saturating_sub(48)), theme.error()));
                    }
                    lines.push(Line::from(spans));
                }
            }
        }
        // Keep the form in view on a small screen: show the last lines that fit.
        let room = usize::from(inner.height);
        let skip = lines.len().saturating_sub(room);
        if let Some(p) = cursor.as_mut() {
            p.y = p.y.saturating_sub(u16::try_from(skip).unwrap_or(0));
        }
        let shown: Vec<Line> = lines.into_iter().skip(skip).collect();
        frame.render_widget(Paragraph::new(shown), inner);
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }
}
