//! What is drawn around the pane in front: the header (county, account, date), the footer
//! of its keys, and the help screen built from the keymap.

use super::App;
use crate::tui::action::Action;
use crate::tui::cells::{fit, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

impl App {
    pub(super) fn render_header(&self, frame: &mut Frame, area: Rect) {
        let o = &self.overview;
        let who = match &o.township {
            Some(t) => format!("{}（{}，{}）", o.user, o.role, t),
            None => format!("{}（{}）", o.user, o.role),
        };
        let today = o.today.format("%Y-%m-%d");
        let mut text = format!(
            " 援助 | {} | {} | {} | 今天 {today}",
            o.county,
            who,
            crate::domain::YearMonth::of(o.today).label(),
        );
        // The month repeats the date: the first thing to go when the line is too long
        // (a township caseworker's account and township at 80 columns).
        if width(&text) > usize::from(area.width) {
            text = format!(" 援助 | {} | {who} | 今天 {today}", o.county);
        }
        frame.render_widget(
            Paragraph::new(fit(&text, usize::from(area.width))).style(self.theme.header()),
            area,
        );
    }

    pub(super) fn render_footer(&self, frame: &mut Frame, area: Rect) {
        const HELP_FOOTER: &[(Action, &str)] = &[
            (Action::Back, ""),
            (Action::PageDown, ""),
            (Action::Quit, ""),
        ];
        const CONFIRM_FOOTER: &[(Action, &str)] = &[
            (Action::Confirm, ""),
            (Action::Cancel, ""),
            (Action::Quit, ""),
        ];
        let ctx = self.context();
        let actions = match (self.help, &self.confirming) {
            (Some(_), _) => HELP_FOOTER,
            (None, Some(_)) => CONFIRM_FOOTER,
            (None, None) => self.panes.front().footer(),
        };
        let mut spans = Vec::new();
        for (action, label) in actions {
            if let Some(key) = self.keymap.key_for(ctx, action) {
                let label = if label.is_empty() {
                    action.label()
                } else {
                    label
                };
                spans.push(Span::styled(key, self.theme.footer()));
                spans.push(Span::raw(format!("{label} ")));
            }
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    pub(super) fn render_help(&self, frame: &mut Frame, area: Rect, offset: usize) {
        let front = self.panes.front();
        let ctx = front.context();
        let block = self.theme.block().title(Span::styled(
            format!(" 帮助：{} ", ctx.title()),
            self.theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = Vec::new();
        for section in self.keymap.help(ctx) {
            lines.push(Line::from(Span::styled(section.title, self.theme.label())));
            for row in section.rows {
                lines.push(Line::from(format!(
                    "  {}{}",
                    fit(&row.keys, 18),
                    row.description
                )));
            }
        }
        let notes = front.help_notes();
        if !notes.is_empty() {
            lines.push(Line::from(Span::styled("填写", self.theme.label())));
            let width = usize::from(inner.width).max(1);
            for note in notes {
                lines.extend(
                    crate::tui::cells::wrap(&note, width)
                        .into_iter()
                        .map(Line::from),
                );
            }
        }
        let shown: Vec<Line> = lines.into_iter().skip(offset).collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }

    /// The step waiting for yes or no, in a box over the lower part of the pane: what will
    /// happen, in the pane's own words, and the keys that answer.
    pub(super) fn render_confirm(&self, frame: &mut Frame, body: Rect, what: &str) {
        let keys = |action: &Action| {
            self.keymap
                .key_for(crate::tui::keymap::Context::Confirm, action)
        };
        let hint = format!(
            "{} 确认    {} 取消",
            keys(&Action::Confirm).unwrap_or_default(),
            keys(&Action::Cancel).unwrap_or_default()
        );
        let inner_width = usize::from(body.width.saturating_sub(4)).max(1);
        let mut lines: Vec<Line> = crate::tui::cells::wrap(what, inner_width)
            .into_iter()
            .map(Line::from)
            .collect();
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(hint, self.theme.label())));
        let height = u16::try_from(lines.len() + 2)
            .unwrap_or(body.height)
            .min(body.height);
        let area = Rect {
            x: body.x + 1,
            y: body.y + body.height.saturating_sub(height + 1),
            width: body.width.saturating_sub(2),
            height,
        };
        frame.render_widget(ratatui::widgets::Clear, area);
        let block = self
            .theme
            .block()
            .title(Span::styled(" 请确认（此步不能撤回） ", self.theme.error()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
