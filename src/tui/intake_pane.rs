//! 登记申请: the counter's form (第(一)(二)条, R-RECOG-2). It types like the follow-up form
//! — code fields take one key and move on, fields that do not apply are left out, problems
//! are shown beside their field — and shows under the fields what the ID number says (sex,
//! age, "4050"), which is derived, never typed.

use super::cells::{clip, fit, input_view};
use super::theme::Theme;
use super::typing::Typing;
use crate::domain::Settings;
use crate::domain::followup_form::FieldKind;
use crate::domain::intake::{IntakeDraft, IntakeField};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::InputRequest;

pub struct IntakePane {
    pub draft: IntakeDraft,
    typing: Typing<IntakeField>,
    pub errors: Vec<(IntakeField, String)>,
    pub today: NaiveDate,
    pub dirty: bool,
    /// When the text last changed without being kept as a draft yet.
    pub unkept_since: Option<std::time::Instant>,
}

const LABEL_CELLS: usize = 14;
const VALUE_CELLS: usize = 30;

impl IntakePane {
    pub fn new(today: NaiveDate, township: Option<&str>) -> Self {
        Self::with_draft(today, IntakeDraft::blank(today, township))
    }

    /// The form as it was left (a draft kept in the store).
    pub fn with_draft(today: NaiveDate, draft: IntakeDraft) -> Self {
        Self {
            typing: Typing::new(IntakeField::IdNumber, &draft),
            draft,
            errors: Vec::new(),
            today,
            dirty: false,
            unkept_since: None,
        }
    }

    fn focus_field(&mut self, field: IntakeField) {
        self.typing.focus_on(field, &self.draft);
    }

    fn applicable(&self) -> Vec<IntakeField> {
        IntakeField::ALL
            .into_iter()
            .filter(|f| self.draft.applies(*f))
            .collect()
    }

    pub fn next_field(&mut self) {
        self.typing.next(&self.draft);
    }

    pub fn prev_field(&mut self) {
        self.typing.prev(&self.draft);
    }

    fn touched(&mut self, field: IntakeField) {
        self.dirty = true;
        self.unkept_since = Some(std::time::Instant::now());
        self.errors.retain(|(f, _)| *f != field);
    }

    pub fn type_char(&mut self, c: char) {
        if let Some(field) = self.typing.type_char(&mut self.draft, c) {
            self.touched(field);
        }
    }

    /// Pasted text: control and escape characters dropped, cut at the field's length.
    pub fn paste(&mut self, text: &str) {
        for field in self.typing.paste(&mut self.draft, text) {
            self.touched(field);
        }
    }

    pub fn edit(&mut self, request: InputRequest) {
        if let Some(field) = self.typing.edit(&mut self.draft, request) {
            self.touched(field);
        }
    }

    /// Problems from the form's own check or from the service: shown beside their fields,
    /// the first one focused.
    pub fn show_errors(&mut self, errors: Vec<(IntakeField, String)>) {
        self.errors = errors;
        if let Some((f, _)) = self.errors.first() {
            self.focus_field(*f);
        }
    }

    /// Checks the form here first, so a slow link carries only a form that can be saved.
    pub fn check(&mut self) -> bool {
        match self.draft.validate(self.today) {
            Ok(_) => {
                self.errors.clear();
                true
            }
            Err(errors) => {
                self.show_errors(errors.into_iter().map(|e| (e.field, e.message)).collect());
                false
            }
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme, settings: &Settings) {
        let block = theme.block().title(Span::styled(
            " 登记申请（失业登记与援助申请一并办理） ",
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let fields = self.applicable();
        // Room for the fields: all of the body but the derived line.
        let room = usize::from(inner.height).saturating_sub(1).max(1);
        let focus_at = fields
            .iter()
            .position(|f| *f == self.typing.focus)
            .unwrap_or(0);
        let start = focus_at
            .saturating_sub(room.saturating_sub(1))
            .min(fields.len().saturating_sub(room));
        let hint_room = w.saturating_sub(2 + LABEL_CELLS + VALUE_CELLS + 1);
        let mut lines = Vec::with_capacity(room + 1);
        let derived = self
            .draft
            .derived(self.today, settings)
            .map(|d| format!("由身份证号：{d}"))
            .unwrap_or_else(|| "性别、年龄和“4050”由身份证号和失业登记日期自动判断".into());
        lines.push(Line::from(Span::styled(clip(&derived, w), theme.dim())));
        let mut cursor = None;
        for field in fields.iter().skip(start).take(room) {
            let focused = *field == self.typing.focus;
            let mut spans = vec![
                Span::styled(if focused { "> " } else { "  " }, theme.marker()),
                Span::styled(
                    fit(field.label(), LABEL_CELLS),
                    if focused {
                        theme.focus()
                    } else {
                        theme.label()
                    },
                ),
            ];
            let is_text = matches!(field.kind(), FieldKind::Text { .. } | FieldKind::Date);
            if focused && is_text {
                let (shown, caret) = input_view(&self.typing.input, VALUE_CELLS - 1);
                spans.push(Span::styled(fit(&shown, VALUE_CELLS), theme.focus()));
                let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
                let x = inner.x + u16::try_from(2 + LABEL_CELLS + caret).unwrap_or(0);
                cursor = Some(Position::new(x, y));
            } else {
                let style = if focused {
                    theme.focus()
                } else {
                    ratatui::style::Style::new()
                };
                spans.push(Span::styled(
                    fit(&self.draft.display_value(*field), VALUE_CELLS),
                    style,
                ));
                if focused {
                    let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
                    cursor = Some(Position::new(
                        inner.x + u16::try_from(2 + LABEL_CELLS).unwrap_or(0),
                        y,
                    ));
                }
            }
            spans.push(Span::raw(" "));
            if let Some((_, msg)) = self.errors.iter().find(|(f, _)| f == field) {
                spans.push(Span::styled(clip(msg, hint_room), theme.error()));
            } else if focused {
                spans.push(Span::styled(clip(&hint(*field), hint_room), theme.dim()));
            }
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }
}

fn hint(field: IntakeField) -> String {
    match field.kind() {
        FieldKind::Code(options) | FieldKind::Codes(options) => options
            .iter()
            .map(|(k, l)| format!("{k}{l}"))
            .collect::<Vec<_>>()
            .join(" "),
        FieldKind::Date => "如 2026-11-28".into(),
        FieldKind::Yuan => "整数，元".into(),
        FieldKind::Text { max_chars } => match field {
            IntakeField::IdNumber | IntakeField::MemberId => "18位，末位可为X".into(),
            IntakeField::Township => "乡镇（街道）名称".into(),
            _ => format!("最多{max_chars}字"),
        },
    }
}
