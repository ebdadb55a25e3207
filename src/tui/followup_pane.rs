//! 月度回访: the follow-up form, built for speed (第(五)条). Code fields take one key and
//! move on; fields that do not apply to the work status are skipped; Ctrl-R copies the
//! latest follow-up (照上次); every problem is shown next to its field in Chinese; the real
//! cursor sits at the caret's display column so input methods draw their window there.

use super::cells::{fit, input_view};
use super::theme::Theme;
use super::typing::Typing;
use crate::domain::followup_form::{Field, FieldKind, FollowUpDraft, FormContext, format_date};
use crate::domain::{DueStatus, Settings};
use crate::service::FormView;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::InputRequest;

pub struct FollowupPane {
    pub view: FormView,
    pub draft: FollowUpDraft,
    typing: Typing<Field>,
    pub errors: Vec<(Field, String)>,
    /// Changed since opened or last saved.
    pub dirty: bool,
    /// Saved in this sitting.
    pub saved: bool,
    /// When the text last changed without being kept as a draft yet.
    pub unkept_since: Option<std::time::Instant>,
    pub restored_draft: bool,
}

const LABEL_CELLS: usize = 12;
const VALUE_CELLS: usize = 30;

impl FollowupPane {
    pub fn new(view: FormView, settings: &Settings) -> Self {
        let ctx = context(&view);
        let (draft, restored) = match &view.draft {
            Some(d) => (d.clone(), true),
            None => (FollowUpDraft::blank(&ctx, settings), false),
        };
        let typing = Typing::new(Field::Method, &draft);
        let mut pane = Self {
            view,
            draft,
            typing,
            errors: Vec::new(),
            dirty: false,
            saved: false,
            unkept_since: None,
            restored_draft: restored,
        };
        pane.focus_field(Field::Method);
        pane
    }

    pub fn context(&self) -> FormContext {
        context(&self.view)
    }

    fn focus_field(&mut self, field: Field) {
        self.typing.focus_on(field, &self.draft);
    }

    /// The field the caret is in.
    pub fn focus(&self) -> Field {
        self.typing.focus
    }

    pub fn next_field(&mut self) {
        self.typing.next(&self.draft);
    }

    pub fn prev_field(&mut self) {
        self.typing.prev(&self.draft);
    }

    fn touched(&mut self, field: Field) {
        self.dirty = true;
        self.saved = false;
        self.unkept_since = Some(std::time::Instant::now());
        self.errors.retain(|(f, _)| *f != field);
    }

    /// 照上次. Returns false when there is no earlier follow-up.
    pub fn copy_last(&mut self, settings: &Settings) -> bool {
        let Some(last) = &self.view.last else {
            return false;
        };
        self.draft = FollowUpDraft::copy_of(last, &self.context(), settings);
        self.errors.clear();
        self.dirty = true;
        self.saved = false;
        self.unkept_since = Some(std::time::Instant::now());
        self.focus_field(Field::NextContact);
        true
    }

    /// A typed character; code fields take it as their answer and move on.
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

    /// Keys that edit the text of a field: Backspace, Delete, Left, Right, Home, End.
    pub fn edit(&mut self, request: InputRequest) {
        if let Some(field) = self.typing.edit(&mut self.draft, request) {
            self.touched(field);
        }
    }

    /// Checks the form; on problems, focuses the first and returns false.
    pub fn check(&mut self) -> bool {
        match self.draft.validate(&self.context()) {
            Ok(_) => {
                self.errors.clear();
                true
            }
            Err(errors) => {
                self.errors = errors.into_iter().map(|e| (e.field, e.message)).collect();
                if let Some((f, _)) = self.errors.first() {
                    self.focus_field(*f);
                }
                false
            }
        }
    }

    pub fn show_errors(&mut self, errors: Vec<(Field, String)>) {
        self.errors = errors;
        if let Some((f, _)) = self.errors.first() {
            self.focus_field(*f);
        }
    }

    /// A conflict resolved: the chosen answers, to be saved against the case as it is now.
    pub fn take_resolution(&mut self, draft: FollowUpDraft, rev: u64) {
        self.draft = draft;
        self.view.rev = rev;
        self.dirty = true;
        self.unkept_since = Some(std::time::Instant::now());
        self.focus_field(self.typing.focus);
    }

    pub fn mark_saved(&mut self, rev: u64) {
        self.view.rev = rev;
        self.dirty = false;
        self.saved = true;
        self.unkept_since = None;
        self.restored_draft = false;
        self.view.due = Some(DueStatus::Done);
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let v = &self.view;
        let title = format!(" 月度回访 {} {} ", v.name, v.today.format("%Y年%m月"));
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);

        let mut lines = Vec::with_capacity(16);
        let due = v.due.map(|d| d.label()).unwrap_or("");
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{}  {}  {}  {}",
                v.name,
                v.id_masked,
                v.tier.label(),
                v.township_name
            )),
            Span::raw(format!(
                "  认定 {}  本月 ",
                v.recognised_on
                    .map(format_date)
                    .unwrap_or_else(|| "--".into())
            )),
            Span::styled(
                due.to_string(),
                v.due.map(|d| theme.due(d)).unwrap_or_default(),
            ),
        ]));
        let last = match &v.last {
            Some(a) => {
                let mut s = format!(
                    "上次 {} {} {}",
                    format_date(a.date),
                    a.method.label(),
                    a.work_status.label()
                );
                if let Some(e) = &a.employment {
                    s.push_str(&format!(" {} {}元", e.employer, e.monthly_wage));
                }
                s
            }
            None => "上次 无回访记录".to_string(),
        };
        lines.push(Line::from(Span::styled(
            super::cells::clip(&last, usize::from(inner.width)),
            theme.dim(),
        )));
        let hint_room = usize::from(inner.width).saturating_sub(2 + LABEL_CELLS + VALUE_CELLS + 1);
        let mut cursor: Option<Position> = None;
        for field in Field::ALL {
            let focused = field == self.typing.focus;
            let applies = self.draft.applies(field);
            let marker = if focused { "> " } else { "  " };
            let label_style = if focused {
                theme.focus()
            } else {
                theme.label()
            };
            let mut spans = vec![
                Span::styled(marker, theme.marker()),
                Span::styled(fit(field.label(), LABEL_CELLS), label_style),
            ];
            if !applies {
                spans.push(Span::styled(fit("不适用", VALUE_CELLS), theme.dim()));
            } else if focused
                && matches!(
                    field.kind(),
                    FieldKind::Date | FieldKind::Text { .. } | FieldKind::Yuan
                )
            {
                let (shown, caret) = input_view(&self.typing.input, VALUE_CELLS - 1);
                spans.push(Span::styled(fit(&shown, VALUE_CELLS), theme.focus()));
                let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
                let x = inner.x + u16::try_from(2 + LABEL_CELLS + caret).unwrap_or(0);
                cursor = Some(Position::new(x, y));
            } else {
                let value = self.draft.display_value(field);
                let style = if focused {
                    theme.focus()
                } else {
                    ratatui::style::Style::new()
                };
                spans.push(Span::styled(fit(&value, VALUE_CELLS), style));
                if focused {
                    let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
                    let x = inner.x + u16::try_from(2 + LABEL_CELLS).unwrap_or(0);
                    cursor = Some(Position::new(x, y));
                }
            }
            spans.push(Span::raw(" "));
            if let Some((_, msg)) = self.errors.iter().find(|(f, _)| *f == field) {
                spans.push(Span::styled(
                    super::cells::clip(msg, hint_room),
                    theme.error(),
                ));
            } else if focused && applies {
                spans.push(Span::styled(
                    super::cells::clip(&hint(field), hint_room),
                    theme.dim(),
                ));
            }
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }
}

fn context(view: &FormView) -> FormContext {
    FormContext {
        today: view.today,
        recognised_on: view.recognised_on,
        tier: view.tier,
    }
}

/// What the focused field takes, shown beside it.
fn hint(field: Field) -> String {
    match field.kind() {
        FieldKind::Code(options) => options
            .iter()
            .map(|(k, l)| format!("{k}{l}"))
            .collect::<Vec<_>>()
            .join(" "),
        FieldKind::Codes(options) => {
            let mut s: Vec<String> = options.iter().map(|(k, l)| format!("{k}{l}")).collect();
            s.push("0清空".into());
            s.join(" ")
        }
        FieldKind::Date => "如 2026-11-28".into(),
        FieldKind::Yuan => "整数，元".into(),
        FieldKind::Text { max_chars } => format!("最多{max_chars}字"),
    }
}
