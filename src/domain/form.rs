//! The form kit every typed form shares: how a field is typed ([`FieldKind`]), the one-key
//! option lists built from each enum's own `ALL` and labels ([`Coded`], [`CodeTable`]), the
//! one date parser, the one month parser and the one money parser, and the [`TypedForm`]
//! trait that the follow-up, intake and ledger forms implement. It holds no form of its own
//! and knows nothing of the terminal: a form is text as typed, checked here into answers.

use super::category::Category;
use super::followup::{ContactMethod, ContactOutcome, Need, WorkStatus};
use super::ledger::PolicyKind;
use super::person::{LabourCapacity, Relation};
use super::post::{PostExitReason, PostType};
use super::retirement::FormerRetirementClass;
use super::text::halfwidth;
use super::year_month::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An answer picked with one key: key `1` is the first of [`Coded::ALL`], `2` the second.
pub trait Coded: Copy + 'static {
    /// Every option, in key order.
    const ALL: &'static [Self];
    /// The option's word in a one-key list.
    fn code_label(self) -> &'static str;
}

/// The one-key options of a code field, generated from an enum's `ALL` and labels so the
/// list on screen can never drift from the enum the answer is read into.
#[derive(Clone, Copy)]
pub struct CodeTable(fn() -> Vec<&'static str>);

impl CodeTable {
    pub fn of<T: Coded>() -> Self {
        CodeTable(|| T::ALL.iter().map(|o| o.code_label()).collect())
    }

    /// `('1', label)`, `('2', label)`, … in key order.
    pub fn options(self) -> Vec<(char, &'static str)> {
        (self.0)()
            .into_iter()
            .zip('1'..='9')
            .map(|(label, key)| (key, label))
            .collect()
    }

    fn has_key(self, key: char) -> bool {
        self.options().iter().any(|(k, _)| *k == key)
    }
}

impl std::fmt::Debug for CodeTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.options()).finish()
    }
}

/// How a field is typed.
#[derive(Clone, Copy, Debug)]
pub enum FieldKind {
    Date,
    /// A calendar month, `2026-03`.
    Month,
    /// One key picks one option.
    Code(CodeTable),
    /// Each key toggles an option; `0` clears.
    Codes(CodeTable),
    Text {
        max_chars: usize,
    },
    Yuan,
}

impl FieldKind {
    /// How many characters the field takes as typed.
    pub fn max_chars(self) -> usize {
        match self {
            FieldKind::Text { max_chars } => max_chars,
            FieldKind::Date | FieldKind::Month => 10,
            FieldKind::Yuan => 12,
            FieldKind::Code(_) | FieldKind::Codes(_) => 8,
        }
    }

    /// Whether the field is edited as a line of text (the rest take one key).
    pub fn is_typed(self) -> bool {
        !matches!(self, FieldKind::Code(_) | FieldKind::Codes(_))
    }

    /// What the field takes, shown beside it while it has the caret.
    pub fn hint(self) -> String {
        let keyed = |table: CodeTable| {
            table
                .options()
                .into_iter()
                .map(|(k, l)| format!("{k}{l}"))
                .collect::<Vec<_>>()
        };
        match self {
            FieldKind::Code(table) => keyed(table).join(" "),
            FieldKind::Codes(table) => {
                let mut s = keyed(table);
                s.push("0清空".into());
                s.join(" ")
            }
            FieldKind::Date => "如 2026-11-28".into(),
            FieldKind::Month => "如 2026-03".into(),
            FieldKind::Yuan => "整数，元".into(),
            FieldKind::Text { max_chars } => format!("最多{max_chars}字"),
        }
    }
}

/// The fields of one form, named by an enum.
pub trait FormField: Copy + PartialEq + std::fmt::Debug + 'static {
    fn label(self) -> &'static str;
    fn kind(self) -> FieldKind;
    /// What the field takes, shown beside it while it has the caret.
    fn hint(self) -> String {
        self.kind().hint()
    }
    /// Whether text longer than the field takes is refused whole rather than cut (an ID
    /// number cut to 18 characters is another person's number).
    fn refuses_overflow(self) -> bool {
        false
    }
}

/// A form's text, field by field, exactly as typed, and the check that turns it into
/// answers or into every problem at once, each named by its field.
pub trait TypedForm {
    type Field: FormField;
    /// What the check needs besides the text (today, the case…).
    type Context;
    type Answers;
    /// Every field of this form, in order (a ledger form's depend on its kind).
    fn fields(&self) -> &'static [Self::Field];
    fn text(&self, field: Self::Field) -> &str;
    fn set_text(&mut self, field: Self::Field, value: String);
    /// Whether the field is asked at all, given the answers so far.
    fn applies(&self, _field: Self::Field) -> bool {
        true
    }
    fn check(&self, ctx: &Self::Context) -> Result<Self::Answers, Vec<(Self::Field, String)>>;

    /// A key in a code field; whether it meant something there.
    fn press_key(&mut self, field: Self::Field, key: char) -> bool {
        match pressed(field.kind(), self.text(field), key) {
            Some(value) => {
                self.set_text(field, value);
                true
            }
            None => false,
        }
    }

    /// A field's text as shown: a code field's as its labels, e.g. `2 电话联系`.
    fn shown_text(&self, field: Self::Field) -> String {
        shown(field.kind(), self.text(field))
    }
}

/// A form's text, one string per field by the field's position; kept as typed, so a
/// form written by an older program (fewer fields) reads back with the new ones empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldTexts(Vec<String>);

impl FieldTexts {
    pub fn blank(fields: usize) -> Self {
        Self(vec![String::new(); fields])
    }

    pub fn get(&self, index: usize) -> &str {
        self.0.get(index).map(String::as_str).unwrap_or("")
    }

    pub fn set(&mut self, index: usize, value: String) {
        if self.0.len() <= index {
            self.0.resize(index + 1, String::new());
        }
        self.0[index] = value;
    }
}

impl From<Vec<String>> for FieldTexts {
    fn from(texts: Vec<String>) -> Self {
        Self(texts)
    }
}

/// Where `field` stands in `all`; a field not in the list reads and writes past its end,
/// where nothing is kept.
pub fn position<F: PartialEq>(field: F, all: &[F]) -> usize {
    all.iter().position(|f| *f == field).unwrap_or(all.len())
}

/// A code field's raw value as its labels, e.g. `2 电话联系`; several as `1 岗位  2 培训`.
pub fn shown(kind: FieldKind, raw: &str) -> String {
    match kind {
        FieldKind::Code(table) | FieldKind::Codes(table) => {
            let options = table.options();
            raw.chars()
                .filter_map(|c| options.iter().find(|(k, _)| *k == c))
                .map(|(k, label)| format!("{k} {label}"))
                .collect::<Vec<_>>()
                .join("  ")
        }
        _ => raw.to_string(),
    }
}

/// The value of a code field after `key` (full-width digits too): one option picks it;
/// in a multiple-choice field a key toggles its option and `0` clears. `None` when the key
/// means nothing there.
pub fn pressed(kind: FieldKind, current: &str, key: char) -> Option<String> {
    let key = halfwidth(&key.to_string()).chars().next().unwrap_or(key);
    match kind {
        FieldKind::Code(table) => table.has_key(key).then(|| key.to_string()),
        FieldKind::Codes(table) => {
            if key == '0' {
                return Some(String::new());
            }
            if !table.has_key(key) {
                return None;
            }
            let mut chosen: Vec<char> = current.chars().collect();
            if let Some(i) = chosen.iter().position(|c| *c == key) {
                chosen.remove(i);
            } else {
                chosen.push(key);
                chosen.sort_unstable();
            }
            Some(chosen.into_iter().collect())
        }
        _ => None,
    }
}

/// The option a code field's raw value picks: `"2"` is the second.
pub fn pick<T: Copy>(raw: &str, all: &[T]) -> Option<T> {
    let raw = halfwidth(raw.trim());
    let n: usize = raw.parse().ok()?;
    all.get(n.checked_sub(1)?).copied()
}

/// The option of a [`Coded`] enum that `raw` picks.
pub fn pick_coded<T: Coded>(raw: &str) -> Option<T> {
    pick(raw, T::ALL)
}

pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `2026-11-28`, also `20261128` and `2026/11/28` or `2026.11.28`, full-width digits allowed.
pub fn parse_date(raw: &str) -> Result<NaiveDate, &'static str> {
    let s = halfwidth(raw.trim());
    if s.is_empty() {
        return Err("请填写日期");
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let separators_ok = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.'));
    if !separators_ok {
        return Err("日期格式应为 2026-11-28");
    }
    let (y, m, d) = if s.len() == 8 && digits.len() == 8 {
        (&digits[0..4], &digits[4..6], &digits[6..8])
    } else {
        let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
        match parts.as_slice() {
            [y, m, d] if y.len() == 4 && !m.is_empty() && !d.is_empty() => (*y, *m, *d),
            _ => return Err("日期格式应为 2026-11-28"),
        }
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err("日期格式应为 2026-11-28");
    };
    NaiveDate::from_ymd_opt(y, m, d).ok_or("日期无效（没有这一天）")
}

/// `2026-03`, also `2026/03` or `2026.3`, full-width digits allowed.
pub fn parse_month(raw: &str) -> Result<YearMonth, &'static str> {
    let raw = halfwidth(raw.trim());
    let parts: Vec<&str> = raw.split(['-', '/', '.']).collect();
    match parts.as_slice() {
        [y, m] => match (y.parse::<i32>(), m.parse::<u32>()) {
            (Ok(y), Ok(m)) => YearMonth::new(y, m).ok_or("月份无效"),
            _ => Err("月份格式应为 2026-03"),
        },
        _ => Err("月份格式应为 2026-03"),
    }
}

/// The most any one amount on a form can be: above it is a typing slip.
pub const MAX_YUAN: u32 = 1_000_000;

/// Why a typed amount was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YuanError {
    Empty,
    Negative,
    /// Fractions of a yuan, or not a number at all.
    NotWhole,
    TooLarge,
}

impl YuanError {
    pub fn message(self) -> &'static str {
        match self {
            YuanError::Empty => "请填写金额",
            YuanError::Negative => "金额不能为负数",
            YuanError::NotWhole => "只能填整数金额（元）",
            YuanError::TooLarge => "金额过大，请核对",
        }
    }
}

/// Whole yuan, as a caseworker types them: `1500`, `1,500`, `１５００`, `1500元`, even
/// `1500.00`; at most [`MAX_YUAN`].
pub fn parse_yuan(raw: &str) -> Result<u32, YuanError> {
    let s: String = halfwidth(raw.trim())
        .chars()
        .filter(|c| !matches!(c, ',' | '，'))
        .collect();
    let s = s.strip_suffix('元').unwrap_or(&s).trim();
    if s.is_empty() {
        return Err(YuanError::Empty);
    }
    if s.starts_with(['-', '－']) {
        return Err(YuanError::Negative);
    }
    let whole = match s.split_once(['.', '。']) {
        Some((whole, cents)) if !cents.is_empty() && cents.chars().all(|c| c == '0') => whole,
        Some(_) => return Err(YuanError::NotWhole),
        None => s,
    };
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err(YuanError::NotWhole);
    }
    match whole.parse::<u32>() {
        Ok(n) if n <= MAX_YUAN => Ok(n),
        _ => Err(YuanError::TooLarge),
    }
}

/// A yes-or-no field: `1 是`, `2 否`.
impl Coded for bool {
    const ALL: &'static [bool] = &[true, false];
    fn code_label(self) -> &'static str {
        if self { "是" } else { "否" }
    }
}

/// 就业意愿, answered `1 有` or `2 无`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Willing(pub bool);

impl Coded for Willing {
    const ALL: &'static [Willing] = &[Willing(true), Willing(false)];
    fn code_label(self) -> &'static str {
        if self.0 { "有" } else { "无" }
    }
}

impl Coded for ContactMethod {
    const ALL: &'static [Self] = &ContactMethod::ALL;
    fn code_label(self) -> &'static str {
        self.label()
    }
}

impl Coded for ContactOutcome {
    const ALL: &'static [Self] = &ContactOutcome::ALL;
    fn code_label(self) -> &'static str {
        self.label()
    }
}

impl Coded for WorkStatus {
    const ALL: &'static [Self] = &WorkStatus::ALL;
    fn code_label(self) -> &'static str {
        self.label()
    }
}

impl Coded for Need {
    const ALL: &'static [Self] = &Need::ALL;
    fn code_label(self) -> &'static str {
        self.label()
    }
}

impl Coded for Category {
    const ALL: &'static [Self] = &Category::RECORDED;
    fn code_label(self) -> &'static str {
        self.short_label()
    }
}

impl Coded for Relation {
    const ALL: &'static [Self] = &[
        Relation::Head,
        Relation::Spouse,
        Relation::Child,
        Relation::Parent,
        Relation::Other,
    ];
    fn code_label(self) -> &'static str {
        self.label()
    }
}

impl Coded for LabourCapacity {
    const ALL: &'static [Self] = &[
        LabourCapacity::Full,
        LabourCapacity::Partial,
        LabourCapacity::None,
    ];
    /// `完全`, not `完全劳动能力`: the field beside it is already labelled 劳动能力.
    fn code_label(self) -> &'static str {
        let label = self.label();
        label.strip_suffix("劳动能力").unwrap_or(label)
    }
}

impl Coded for FormerRetirementClass {
    const ALL: &'static [Self] = &[
        FormerRetirementClass::Fifty,
        FormerRetirementClass::FiftyFive,
    ];
    fn code_label(self) -> &'static str {
        self.label()
    }
}

impl Coded for PostType {
    const ALL: &'static [Self] = &[PostType::Urban, PostType::RuralPartTime];
    fn code_label(self) -> &'static str {
        self.label()
    }
}

impl Coded for PostExitReason {
    const ALL: &'static [Self] = &[
        PostExitReason::EmployedElsewhere,
        PostExitReason::NoLongerEligible,
        PostExitReason::IncomeAboveLine,
        PostExitReason::UnableToPerform,
        PostExitReason::TermEnded,
    ];
    fn code_label(self) -> &'static str {
        self.label()
    }
}

impl Coded for PolicyKind {
    const ALL: &'static [Self] = &PolicyKind::ALL;
    fn code_label(self) -> &'static str {
        self.label()
    }
}

#[cfg(test)]
mod tests;
