//! One form state for every typed form on screen — the follow-up, the counter's intake and
//! the ledger's entry forms: which field has the caret and the text being edited in it, the
//! problems shown beside the fields, and whether the text changed since it was opened,
//! saved or kept as a draft. A code field takes one key and moves on (a multiple-choice one
//! toggles and stays); a text, date or amount field is edited in place, cut at its length;
//! fields that do not apply are stepped over; Backspace or Delete on a code field clears it.
//! What a form means lives in its [`TypedForm`]; how its rows are drawn, in [`rows`].

pub mod rows;

use crate::domain::form::{FieldKind, FormField, TypedForm};
use crate::domain::text::clean_line;
use std::time::Instant;
use tui_input::{Input, InputRequest};

pub use rows::{RowLayout, draw_at_foot};

pub struct FormState<D: TypedForm> {
    /// The text as typed, field by field.
    pub draft: D,
    focus: D::Field,
    input: Input,
    /// Problems from the form's own check or from the service, beside their fields.
    pub errors: Vec<(D::Field, String)>,
    /// Changed since opened or last saved.
    pub dirty: bool,
    /// Saved in this sitting (and not changed since).
    pub saved: bool,
    /// When the text last changed without being kept as a draft yet.
    pub unkept_since: Option<Instant>,
}

impl<D: TypedForm> FormState<D> {
    pub fn new(draft: D, focus: D::Field) -> Self {
        Self {
            input: Input::new(draft.text(focus).to_string()),
            draft,
            focus,
            errors: Vec::new(),
            dirty: false,
            saved: false,
            unkept_since: None,
        }
    }

    /// The field the caret is in.
    pub fn focus(&self) -> D::Field {
        self.focus
    }

    /// The focused field's text being edited, with its caret.
    pub fn input(&self) -> &Input {
        &self.input
    }

    pub fn focus_on(&mut self, field: D::Field) {
        self.focus = field;
        self.input = Input::new(self.draft.text(field).to_string());
    }

    /// The fields that apply, in form order.
    pub fn applicable(&self) -> Vec<D::Field> {
        self.draft
            .fields()
            .iter()
            .copied()
            .filter(|f| self.draft.applies(*f))
            .collect()
    }

    /// The next field that applies, if any (staying put on the last).
    pub fn next_field(&mut self) {
        let all = self.draft.fields();
        let at = all.iter().position(|f| *f == self.focus).unwrap_or(0);
        if let Some(f) = all
            .iter()
            .skip(at + 1)
            .find(|f| self.draft.applies(**f))
            .copied()
        {
            self.focus_on(f);
        }
    }

    /// The field before that applies, if any (staying put on the first).
    pub fn prev_field(&mut self) {
        let all = self.draft.fields();
        let at = all.iter().position(|f| *f == self.focus).unwrap_or(0);
        if let Some(f) = all
            .iter()
            .take(at)
            .rev()
            .find(|f| self.draft.applies(**f))
            .copied()
        {
            self.focus_on(f);
        }
    }

    /// The whole text replaced (照上次, a conflict resolved): changed, not yet kept.
    pub fn replace(&mut self, draft: D, focus: D::Field) {
        self.draft = draft;
        self.changed();
        self.focus_on(focus);
    }

    fn changed(&mut self) {
        self.dirty = true;
        self.saved = false;
        self.unkept_since = Some(Instant::now());
    }

    fn touched(&mut self, field: D::Field) {
        self.changed();
        self.errors.retain(|(f, _)| *f != field);
    }

    /// A typed character; a code field takes it as its answer and moves on. A key the field
    /// cannot take is not dropped in silence: the reason comes back, for the status line.
    pub fn type_char(&mut self, c: char) -> Option<String> {
        let field = self.focus;
        let changed = match field.kind() {
            FieldKind::Code(_) => {
                let changed = self.draft.press_key(field, c);
                if changed {
                    self.next_field();
                }
                changed
            }
            FieldKind::Codes(_) => self.draft.press_key(field, c),
            kind => {
                if c.is_control() {
                    return None;
                }
                if let Some(why) = refused_in(kind, c) {
                    return Some(why);
                }
                if self.input.value().chars().count() >= kind.max_chars() {
                    return Some(format!(
                        "{}最多 {} 个字",
                        field.label().trim(),
                        kind.max_chars()
                    ));
                }
                self.input.handle(InputRequest::InsertChar(c));
                self.store()
            }
        };
        if changed {
            self.touched(field);
            return None;
        }
        match field.kind() {
            FieldKind::Code(_) | FieldKind::Codes(_) if !c.is_ascii() => {
                Some("此项请按数字选择（输入法可能处于中文状态）".into())
            }
            FieldKind::Code(_) | FieldKind::Codes(_) if !c.is_control() => Some(format!(
                "“{c}”不是{}的选项，请按所列数字",
                field.label().trim()
            )),
            _ => None,
        }
    }

    /// Pasted text: control and escape characters dropped. Text longer than the field
    /// takes is cut, saying so — or, for a field that must not be cut (an ID number),
    /// refused whole.
    pub fn paste(&mut self, text: &str) -> Option<String> {
        let field = self.focus;
        let max = field.kind().max_chars();
        let room = max.saturating_sub(self.input.value().chars().count());
        // Enough to tell an overflow from a fit, and never more than a screen could hold.
        let clean = clean_line(text, max.saturating_add(1).max(4096));
        let length = clean.chars().count();
        if length > room && field.refuses_overflow() {
            return Some(format!(
                "{}最多 {max} 位，粘贴的内容有 {length} 位，未填入",
                field.label().trim()
            ));
        }
        let mut said = None;
        for c in clean.chars().take(room) {
            said = said.or(self.type_char(c));
        }
        if length > room && field.kind().is_typed() {
            return Some(format!(
                "{}最多 {max} 个字，粘贴的内容已截断",
                field.label().trim()
            ));
        }
        said
    }

    /// Keys that edit the text of a field: Backspace, Delete, Left, Right, Home, End.
    pub fn edit(&mut self, request: InputRequest) {
        let field = self.focus;
        let changed = if field.kind().is_typed() {
            self.input.handle(request);
            self.store()
        } else {
            let clears = matches!(
                request,
                InputRequest::DeletePrevChar | InputRequest::DeleteNextChar
            );
            if clears {
                self.draft.set_text(field, String::new());
            }
            clears
        };
        if changed {
            self.touched(field);
        }
    }

    /// The editor's text into the draft; whether it changed anything.
    fn store(&mut self) -> bool {
        if self.input.value() == self.draft.text(self.focus) {
            return false;
        }
        self.draft
            .set_text(self.focus, self.input.value().to_string());
        true
    }

    /// Problems from the form's own check or from the service: shown beside their fields,
    /// the first one focused.
    /// Each code field's values, for the help screen: `  回访方式：1上门走访 2电话联系 …`.
    pub fn code_values(&self) -> Vec<String> {
        self.draft
            .fields()
            .iter()
            .filter(|f| !f.kind().is_typed())
            .map(|f| format!("  {}：{}", f.label().trim(), f.hint()))
            .collect()
    }

    /// Problems shown beside their fields, in the form's order, and the caret on the first
    /// of them — so what is typed next goes where the problem is, whatever order the
    /// service found them in.
    pub fn show_errors(&mut self, mut errors: Vec<(D::Field, String)>) {
        let order = self.draft.fields();
        errors.sort_by_key(|(f, _)| order.iter().position(|o| o == f).unwrap_or(usize::MAX));
        self.errors = errors;
        if let Some((f, _)) = self.errors.first() {
            let f = *f;
            self.focus_on(f);
        }
    }

    /// Checks the form here first, so a slow link carries only a form that can be saved;
    /// on problems, shows them and returns false.
    pub fn check(&mut self, ctx: &D::Context) -> bool {
        match self.draft.check(ctx) {
            Ok(_) => {
                self.errors.clear();
                true
            }
            Err(errors) => {
                self.show_errors(errors);
                false
            }
        }
    }

    /// The problem shown beside `field`, if any.
    pub fn error(&self, field: D::Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[cfg(test)]
mod tests;

/// Why a typed field does not take `c`: dates and months are digits and separators (an
/// input method left in Chinese sends other characters), amounts digits and commas.
fn refused_in(kind: FieldKind, c: char) -> Option<String> {
    let c = crate::domain::text::halfwidth_digit(c);
    match kind {
        FieldKind::Date | FieldKind::Month
            if !(c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | '年' | '月' | '日')) =>
        {
            Some("日期请用数字输入，如 2026-11-16（输入法可能处于中文状态）".into())
        }
        FieldKind::Yuan if !(c.is_ascii_digit() || matches!(c, ',' | '，' | '.' | '元')) => {
            Some("金额请用数字输入（输入法可能处于中文状态）".into())
        }
        _ => None,
    }
}
