//! A form's fields drawn one row each: the focus marker, the label, the value (the focused
//! text field as its editor, a code field as its option's label, a field that does not
//! apply as 不适用), then the field's problem or, while focused, what it takes. The pane
//! chooses which fields to draw and where; the row says where the real cursor goes, so
//! input methods draw their window at the caret.

use super::FormState;
use crate::domain::form::{FormField, TypedForm};
use crate::tui::cells::{clip, fit, input_view};
use crate::tui::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The columns of a form's rows.
#[derive(Clone, Copy, Debug)]
pub struct RowLayout {
    pub label_cells: usize,
    pub value_cells: usize,
    /// Blank cells between the value and the problem or hint.
    pub gap: usize,
    /// Whether the focused field's label is drawn in the focus style too.
    pub highlight_label: bool,
    /// Whether the focused field says what it takes.
    pub hints: bool,
}

const MARKER_CELLS: usize = 2;

impl<D: TypedForm> FormState<D> {
    /// One field's row in a body `width` cells wide, and the caret's column in it when the
    /// field has the focus.
    pub fn row(
        &self,
        field: D::Field,
        layout: &RowLayout,
        width: usize,
        theme: &Theme,
    ) -> (Line<'static>, Option<usize>) {
        let focused = field == self.focus();
        let applies = self.draft.applies(field);
        let value_at = MARKER_CELLS + layout.label_cells;
        let label_style = if focused && layout.highlight_label {
            theme.focus()
        } else {
            theme.label()
        };
        let mut spans = vec![
            Span::styled(if focused { "> " } else { "  " }, theme.marker()),
            Span::styled(fit(field.label(), layout.label_cells), label_style),
        ];
        let mut caret = None;
        if !applies {
            spans.push(Span::styled(fit("不适用", layout.value_cells), theme.dim()));
        } else if focused && field.kind().is_typed() {
            let (shown, at) = input_view(self.input(), layout.value_cells.saturating_sub(1));
            spans.push(Span::styled(fit(&shown, layout.value_cells), theme.focus()));
            caret = Some(value_at + at);
        } else {
            let style = if focused { theme.focus() } else { Style::new() };
            let value = self.draft.shown_text(field);
            spans.push(Span::styled(fit(&value, layout.value_cells), style));
            if focused {
                caret = Some(value_at);
            }
        }
        if layout.gap > 0 {
            spans.push(Span::raw(" ".repeat(layout.gap)));
        }
        let room = width.saturating_sub(value_at + layout.value_cells + layout.gap);
        if let Some(message) = self.error(field) {
            spans.push(Span::styled(clip(message, room), theme.error()));
        } else if focused && applies && layout.hints {
            spans.push(Span::styled(clip(&field.hint(), room), theme.dim()));
        }
        (Line::from(spans), caret)
    }

    /// The focused field's problem or options when they do not fit beside it, wrapped to
    /// `width`: the pane draws them at the foot of the form, so no option is cut at 80
    /// columns (就业状态's "5 公益性岗位", 人员类别's last categories).
    pub fn overflow(&self, layout: &RowLayout, width: usize, theme: &Theme) -> Vec<Line<'static>> {
        let field = self.focus();
        let room = width
            .saturating_sub(MARKER_CELLS + layout.label_cells + layout.value_cells + layout.gap);
        let (text, style) = match self.error(field) {
            Some(message) => (message.to_string(), theme.error()),
            None if layout.hints && self.draft.applies(field) => (field.hint(), theme.dim()),
            None => return Vec::new(),
        };
        if crate::tui::cells::width(&text) <= room {
            return Vec::new();
        }
        let label = format!("{}：", field.label().trim());
        crate::tui::cells::wrap(&format!("{label}{text}"), width.max(1))
            .into_iter()
            .map(|l| Line::from(Span::styled(l, style)))
            .collect()
    }
}

/// Draws `lines` at the foot of `area` (the form's inner area).
pub fn draw_at_foot(
    frame: &mut ratatui::Frame,
    area: ratatui::layout::Rect,
    lines: Vec<Line<'static>>,
) {
    let n = u16::try_from(lines.len())
        .unwrap_or(area.height)
        .min(area.height);
    if n == 0 {
        return;
    }
    let foot = ratatui::layout::Rect {
        y: area.y + area.height - n,
        height: n,
        ..area
    };
    frame.render_widget(ratatui::widgets::Clear, foot);
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), foot);
}
