//! 登记申请: the counter's form (第(一)(二)条, R-RECOG-2). It types like the follow-up form
//! — code fields take one key and move on, fields that do not apply are left out, problems
//! are shown beside their field — and shows under the fields what the ID number says (sex,
//! age, "4050"), which is derived, never typed.

use crate::domain::Settings;
use crate::domain::intake::{IntakeDraft, IntakeField};
use crate::tui::cells::clip;
use crate::tui::form::{FormState, RowLayout};
use crate::tui::theme::Theme;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The intake form is its [`FormState`] (reached through `Deref`, so the field, focus and
/// typing methods are the form's own) plus the day it is checked against.
pub(super) struct IntakeForm {
    form: FormState<IntakeDraft>,
    today: NaiveDate,
}

impl std::ops::Deref for IntakeForm {
    type Target = FormState<IntakeDraft>;
    fn deref(&self) -> &Self::Target {
        &self.form
    }
}

impl std::ops::DerefMut for IntakeForm {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.form
    }
}

const ROWS: RowLayout = RowLayout {
    label_cells: 14,
    value_cells: 30,
    gap: 1,
    highlight_label: true,
    hints: true,
};

impl IntakeForm {
    pub fn new(today: NaiveDate, township: Option<&str>) -> Self {
        Self::with_draft(today, IntakeDraft::blank(today, township))
    }

    /// The form as it was left (a draft kept in the store).
    pub fn with_draft(today: NaiveDate, draft: IntakeDraft) -> Self {
        Self {
            form: FormState::new(draft, IntakeField::IdNumber),
            today,
        }
    }

    /// Checks the form here first, so a slow link carries only a form that can be saved.
    pub fn check(&mut self) -> bool {
        let today = self.today;
        self.form.check(&today)
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme, settings: &Settings) {
        let block = theme.block().title(Span::styled(
            " 登记申请（失业登记与援助申请一并办理） ",
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let fields = self.form.applicable();
        // Room for the fields: all of the body but the derived line.
        let room = usize::from(inner.height).saturating_sub(1).max(1);
        let focus_at = fields
            .iter()
            .position(|f| *f == self.form.focus())
            .unwrap_or(0);
        let start = focus_at
            .saturating_sub(room.saturating_sub(1))
            .min(fields.len().saturating_sub(room));
        let mut lines = Vec::with_capacity(room + 1);
        let derived = self
            .draft
            .derived(self.today, settings)
            .map(|d| format!("由身份证号：{d}"))
            .unwrap_or_else(|| "性别、年龄和“4050”由身份证号和失业登记日期自动判断".into());
        lines.push(Line::from(Span::styled(clip(&derived, w), theme.dim())));
        let mut cursor = None;
        for field in fields.iter().skip(start).take(room) {
            let (line, caret) = self.form.row(*field, &ROWS, w, theme);
            if let Some(x) = caret {
                let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
                cursor = Some(Position::new(inner.x + u16::try_from(x).unwrap_or(0), y));
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(lines), inner);
        crate::tui::form::draw_at_foot(frame, inner, self.form.overflow(&ROWS, w, theme));
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }
}
