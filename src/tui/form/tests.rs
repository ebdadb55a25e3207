use super::*;
use crate::domain::Settings;
use crate::domain::Tier;
use crate::domain::followup_form::{Field, FollowUpDraft, FormContext};
use crate::domain::ledger::{EntryKind, LedgerDraft, LedgerField};
use crate::tui::theme::Theme;
use chrono::NaiveDate;

fn ctx() -> FormContext {
    FormContext {
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        recognised_on: NaiveDate::from_ymd_opt(2025, 3, 1),
        tier: Tier::Two,
        late_entry_days: 5,
    }
}

fn followup() -> FormState<FollowUpDraft> {
    FormState::new(
        FollowUpDraft::blank(&ctx(), &Settings::default()),
        Field::Method,
    )
}

fn text(line: &ratatui::text::Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

#[test]
fn a_code_key_answers_and_moves_on_past_fields_that_do_not_apply() {
    let mut f = followup();
    f.type_char('2');
    assert_eq!(f.focus(), Field::Outcome);
    f.type_char('1'); // 已联系
    assert_eq!(f.focus(), Field::WorkStatus);
    f.type_char('1'); // 未就业: employer, contract, insurance and wage do not apply
    assert_eq!(f.focus(), Field::Willing);
    f.prev_field();
    assert_eq!(f.focus(), Field::WorkStatus);
    f.type_char('2'); // 单位就业: now they do
    assert_eq!(f.focus(), Field::Employer);
    assert!(f.dirty && !f.saved && f.unkept_since.is_some());
}

#[test]
fn a_key_that_means_nothing_changes_nothing() {
    let mut f = followup();
    f.type_char('9');
    assert_eq!(f.focus(), Field::Method);
    assert!(!f.dirty);
}

#[test]
fn focus_stays_on_the_last_and_the_first_field() {
    let mut f = followup();
    for _ in 0..20 {
        f.next_field();
    }
    assert_eq!(f.focus(), Field::NextContact);
    for _ in 0..20 {
        f.prev_field();
    }
    assert_eq!(f.focus(), Field::Date);
}

#[test]
fn text_is_cut_at_the_fields_length_and_backspace_clears_a_code() {
    let mut f = followup();
    f.focus_on(Field::Date);
    f.edit(InputRequest::GoToEnd);
    f.paste("999");
    assert_eq!(f.draft.get(Field::Date), "2026-11-28", "a date takes ten");
    f.focus_on(Field::Plan);
    f.paste("推荐\u{1b}[31m岗位");
    assert_eq!(f.draft.get(Field::Plan), "推荐[31m岗位");
    f.focus_on(Field::Method);
    f.type_char('1');
    f.focus_on(Field::Method);
    f.edit(InputRequest::DeletePrevChar);
    assert_eq!(f.draft.get(Field::Method), "");
}

#[test]
fn problems_focus_the_first_and_go_away_when_their_field_is_changed() {
    let mut f = followup();
    assert!(!f.check(&ctx()));
    assert_eq!(f.focus(), Field::Method);
    assert_eq!(f.error(Field::Method), Some("请选择"));
    assert!(f.error(Field::WorkStatus).is_some());
    f.type_char('1');
    assert_eq!(f.error(Field::Method), None);
    assert!(f.error(Field::WorkStatus).is_some());
}

#[test]
fn a_row_shows_the_problem_beside_its_field_and_the_caret_after_the_label() {
    let theme = Theme::sixteen();
    let layout = RowLayout {
        label_cells: 12,
        value_cells: 30,
        gap: 1,
        highlight_label: true,
        hints: true,
    };
    let mut f = followup();
    f.show_errors(vec![(Field::WorkStatus, "请选择".into())]);
    let (line, caret) = f.row(Field::WorkStatus, &layout, 78, &theme);
    assert!(text(&line).starts_with("> 就业状态"), "{}", text(&line));
    assert!(text(&line).ends_with(" 请选择"), "{}", text(&line));
    assert_eq!(caret, Some(14));
    let (line, caret) = f.row(Field::Employer, &layout, 78, &theme);
    assert!(text(&line).contains("不适用"), "{}", text(&line));
    assert_eq!(caret, None);
    f.focus_on(Field::Method);
    let (line, _) = f.row(Field::Method, &layout, 78, &theme);
    assert!(
        text(&line).ends_with("1入户走访 2电话联系 3数据比对"),
        "{}",
        text(&line)
    );
}

#[test]
fn the_ledgers_forms_are_named_by_field_and_open_with_todays_date() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let mut f = FormState::new(
        LedgerDraft::blank(EntryKind::Dibao, today),
        LedgerField::DibaoLink,
    );
    f.type_char('1');
    assert_eq!(f.focus(), LedgerField::DibaoLink, "typed, not one key");
    f.next_field();
    assert_eq!(f.draft.get(LedgerField::DibaoOn), "2026-11-16");
    f.next_field();
    f.paste("1,500元");
    f.show_errors(vec![(LedgerField::Note, "说明过长".into())]);
    assert_eq!(f.focus(), LedgerField::Note);
    assert_eq!(f.draft.get(LedgerField::Deduction), "1,500元");
    assert_eq!(
        f.draft.get(LedgerField::Amount),
        "",
        "not a field of this form"
    );
}

#[test]
fn finding_7_a_key_a_code_field_cannot_take_says_why() {
    let mut f = followup();
    assert_eq!(
        f.type_char('电').as_deref(),
        Some("此项请按数字选择（输入法可能处于中文状态）")
    );
    assert_eq!(
        f.type_char('9').as_deref(),
        Some("“9”不是回访方式的选项，请按所列数字")
    );
    assert_eq!(f.type_char('2'), None);
    assert!(!f.dirty || f.focus() == Field::Outcome);
}

/// Finding 9 (issue 13): 联系不上 skips what only the person could have said, and saves
/// as an unreachable contact.
#[test]
fn an_unreachable_contact_skips_to_the_plan() {
    let mut f = followup();
    f.type_char('1');
    assert_eq!(f.focus(), Field::Outcome);
    f.type_char('2'); // 联系不上
    assert_eq!(f.focus(), Field::Plan);
    let a = f
        .draft
        .validate(&ctx())
        .expect("an unreachable contact is complete");
    assert_eq!(
        a.outcome,
        crate::domain::followup::ContactOutcome::Unreachable
    );
    assert!(a.employment.is_none() && a.needs.is_empty());
}

#[test]
fn finding_7_chinese_typed_into_a_date_is_refused_and_full_width_digits_are_taken() {
    let mut f = followup();
    f.focus_on(Field::Date);
    let before = f.draft.get(Field::Date).to_string();
    assert!(
        f.type_char('二')
            .is_some_and(|why| why.starts_with("日期请用数字输入"))
    );
    assert_eq!(f.draft.get(Field::Date), before);
    for _ in 0..before.chars().count() {
        f.edit(InputRequest::DeletePrevChar);
    }
    assert_eq!(f.type_char('２'), None, "a full-width digit is a digit");
}

#[test]
fn finding_7_a_cut_paste_says_so_and_an_id_number_is_never_cut() {
    use crate::domain::intake::{IntakeDraft, IntakeField};
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let mut f = FormState::new(IntakeDraft::blank(today, None), IntakeField::IdNumber);
    // 19 digits go in whole, for the check to name ("应为18位"); nothing is cut to a
    // plausible 18-digit number of somebody else.
    assert_eq!(f.paste("3607311983050412431"), None);
    assert_eq!(f.draft.text(IntakeField::IdNumber), "3607311983050412431");
    f.edit(InputRequest::GoToStart);
    for _ in 0..19 {
        f.edit(InputRequest::DeleteNextChar);
    }
    // Beyond what the field holds at all, the paste is refused whole.
    let far_too_long = "3".repeat(30);
    let why = f.paste(&far_too_long).unwrap_or_default();
    assert!(why.ends_with("粘贴的内容有 30 位，未填入"), "{why}");
    assert_eq!(
        f.draft.text(IntakeField::IdNumber),
        "",
        "nothing half-typed"
    );
    f.focus_on(IntakeField::Name);
    let long = "赖".repeat(500);
    let why = f.paste(&long).unwrap_or_default();
    assert!(why.ends_with("粘贴的内容已截断"), "{why}");
}

#[test]
fn finding_3_after_a_refusal_the_caret_is_on_the_first_field_in_error() {
    use crate::domain::intake::{IntakeDraft, IntakeField};
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let mut f = FormState::new(IntakeDraft::blank(today, None), IntakeField::Village);
    // The service lists its problems in its own order; the form's comes first.
    f.show_errors(vec![
        (IntakeField::Phone, "手机号应为11位".into()),
        (IntakeField::IdNumber, "校验位不符".into()),
    ]);
    assert_eq!(f.focus(), IntakeField::IdNumber);
    assert_eq!(
        f.errors.first().map(|(f, _)| *f),
        Some(IntakeField::IdNumber)
    );
}
