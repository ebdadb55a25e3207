//! How a form's fields are typed, shared by the follow-up form and the counter's intake:
//! a code field takes one key and moves on (a multiple-choice one toggles and stays);
//! a text, date or amount field is edited in place, cut at its length; fields that do
//! not apply are stepped over; Backspace or Delete on a code field clears it.

use crate::domain::followup_form::{Field, FieldKind, FollowUpDraft};
use crate::domain::intake::{IntakeDraft, IntakeField};
use crate::domain::text::clean_line;
use tui_input::{Input, InputRequest};

/// A form's typed text, field by field.
pub trait TypedForm {
    type Field: Copy + PartialEq;
    /// Every field, in form order.
    fn fields() -> Vec<Self::Field>;
    fn kind(field: Self::Field) -> FieldKind;
    fn applies(&self, field: Self::Field) -> bool;
    fn value(&self, field: Self::Field) -> &str;
    fn set_value(&mut self, field: Self::Field, value: String);
    /// A key in a code field; whether it meant something there.
    fn press(&mut self, field: Self::Field, key: char) -> bool;
}

impl TypedForm for FollowUpDraft {
    type Field = Field;
    fn fields() -> Vec<Field> {
        Field::ALL.to_vec()
    }
    fn kind(field: Field) -> FieldKind {
        field.kind()
    }
    fn applies(&self, field: Field) -> bool {
        FollowUpDraft::applies(self, field)
    }
    fn value(&self, field: Field) -> &str {
        self.get(field)
    }
    fn set_value(&mut self, field: Field, value: String) {
        self.set(field, value);
    }
    fn press(&mut self, field: Field, key: char) -> bool {
        self.press_code(field, key)
    }
}

impl TypedForm for IntakeDraft {
    type Field = IntakeField;
    fn fields() -> Vec<IntakeField> {
        IntakeField::ALL.to_vec()
    }
    fn kind(field: IntakeField) -> FieldKind {
        field.kind()
    }
    fn applies(&self, field: IntakeField) -> bool {
        IntakeDraft::applies(self, field)
    }
    fn value(&self, field: IntakeField) -> &str {
        self.get(field)
    }
    fn set_value(&mut self, field: IntakeField, value: String) {
        self.set(field, value);
    }
    fn press(&mut self, field: IntakeField, key: char) -> bool {
        self.press_code(field, key)
    }
}

/// The focused field of a form and the text being edited in it.
pub struct Typing<F> {
    pub focus: F,
    pub input: Input,
}

impl<F: Copy + PartialEq> Typing<F> {
    pub fn new<D: TypedForm<Field = F>>(focus: F, draft: &D) -> Self {
        Self {
            focus,
            input: Input::new(draft.value(focus).to_string()),
        }
    }

    pub fn focus_on<D: TypedForm<Field = F>>(&mut self, field: F, draft: &D) {
        self.focus = field;
        self.input = Input::new(draft.value(field).to_string());
    }

    fn position(field: F, all: &[F]) -> usize {
        all.iter().position(|f| *f == field).unwrap_or(0)
    }

    /// The next field that applies, if any (staying put on the last).
    pub fn next<D: TypedForm<Field = F>>(&mut self, draft: &D) {
        let all = D::fields();
        let at = Self::position(self.focus, &all);
        if let Some(f) = all
            .iter()
            .enumerate()
            .find(|(i, f)| *i > at && draft.applies(**f))
            .map(|(_, f)| *f)
        {
            self.focus_on(f, draft);
        }
    }

    pub fn prev<D: TypedForm<Field = F>>(&mut self, draft: &D) {
        let all = D::fields();
        let at = Self::position(self.focus, &all);
        if let Some(f) = all
            .iter()
            .enumerate()
            .rev()
            .find(|(i, f)| *i < at && draft.applies(**f))
            .map(|(_, f)| *f)
        {
            self.focus_on(f, draft);
        }
    }

    fn max_chars<D: TypedForm<Field = F>>(&self) -> usize {
        match D::kind(self.focus) {
            FieldKind::Text { max_chars } => max_chars,
            FieldKind::Date => 10,
            FieldKind::Yuan => 12,
            FieldKind::Code(_) | FieldKind::Codes(_) => 8,
        }
    }

    /// A typed character. Returns the field whose text it changed, if any (a code field
    /// has already moved focus on by then).
    pub fn type_char<D: TypedForm<Field = F>>(&mut self, draft: &mut D, c: char) -> Option<F> {
        let field = self.focus;
        match D::kind(field) {
            FieldKind::Code(_) => {
                let changed = draft.press(field, c);
                if changed {
                    self.next(draft);
                }
                changed.then_some(field)
            }
            FieldKind::Codes(_) => draft.press(field, c).then_some(field),
            FieldKind::Date | FieldKind::Text { .. } | FieldKind::Yuan => {
                if c.is_control() || self.input.value().chars().count() >= self.max_chars::<D>() {
                    return None;
                }
                self.input.handle(InputRequest::InsertChar(c));
                self.store(draft)
            }
        }
    }

    /// Pasted text: control and escape characters dropped, cut at the field's length.
    /// Returns the fields it changed.
    pub fn paste<D: TypedForm<Field = F>>(&mut self, draft: &mut D, text: &str) -> Vec<F> {
        let room = self
            .max_chars::<D>()
            .saturating_sub(self.input.value().chars().count());
        clean_line(text, room)
            .chars()
            .filter_map(|c| self.type_char(draft, c))
            .collect()
    }

    /// Backspace, Delete, Left, Right, Home, End. Returns the field it changed, if any.
    pub fn edit<D: TypedForm<Field = F>>(
        &mut self,
        draft: &mut D,
        request: InputRequest,
    ) -> Option<F> {
        let field = self.focus;
        match D::kind(field) {
            FieldKind::Code(_) | FieldKind::Codes(_) => {
                let clears = matches!(
                    request,
                    InputRequest::DeletePrevChar | InputRequest::DeleteNextChar
                );
                if clears {
                    draft.set_value(field, String::new());
                }
                clears.then_some(field)
            }
            _ => {
                self.input.handle(request);
                self.store(draft)
            }
        }
    }

    fn store<D: TypedForm<Field = F>>(&mut self, draft: &mut D) -> Option<F> {
        if self.input.value() == draft.value(self.focus) {
            return None;
        }
        draft.set_value(self.focus, self.input.value().to_string());
        Some(self.focus)
    }
}
