//! The follow-up pane driven by actions and answers alone: opening, saving, a conflict, and
//! leaving with a draft kept — or not kept, and then not left.

use super::*;
use crate::domain::CaseId;
use crate::domain::followup_form::Field;
use crate::tui::panes::fixtures::{asked, env, form_view, opened, overview, said, told};
use crate::tui::theme::Theme;

fn opened_form() -> FollowupPane {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = FollowupPane::opening(CaseId(7));
    let start = pane.start(&env(&o, &t));
    assert_eq!(
        asked(&start),
        vec![&Request::FollowUpForm { case: CaseId(7) }]
    );
    let effects = pane.answer(
        Request::FollowUpForm { case: CaseId(7) },
        Ok(Response::FollowUpForm(form_view(7))),
        &env(&o, &t),
    );
    assert_eq!(told(&effects), vec![&Notice::FollowupOpened(CaseId(7))]);
    pane
}

/// Copies last month's answers (照上次) and saves; returns the save's request.
fn copied_and_saved(pane: &mut FollowupPane) -> Request {
    let (o, t) = (overview(), Theme::sixteen());
    pane.update(Action::CopyLast, &env(&o, &t));
    let effects = pane.update(Action::Save, &env(&o, &t));
    match asked(&effects).as_slice() {
        [request @ Request::SaveFollowUp { case, rev: 3, .. }] if *case == CaseId(7) => {
            (*request).clone()
        }
        other => panic!("expected one save, got {other:?}"),
    }
}

#[test]
fn a_form_that_cannot_be_opened_closes_with_the_reason() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = FollowupPane::opening(CaseId(7));
    let effects = pane.answer(
        Request::FollowUpForm { case: CaseId(7) },
        Err(ServiceError::Denied("不在您的乡镇".into())),
        &env(&o, &t),
    );
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Error, "无权操作：不在您的乡镇")]
    );
    assert!(matches!(effects.last(), Some(Effect::Close)));
}

#[test]
fn a_blank_form_is_not_sent_and_says_how_many_fields_need_work() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened_form();
    pane.update(Action::Type('9'), &env(&o, &t));
    let effects = pane.update(Action::Save, &env(&o, &t));
    assert!(asked(&effects).is_empty());
    assert!(
        matches!(said(&effects).as_slice(), [(StatusKind::Error, t)] if t.ends_with("项需要修改，未保存"))
    );
}

#[test]
fn a_save_is_said_with_its_date_and_not_sent_twice() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened_form();
    let request = copied_and_saved(&mut pane);
    let saved = crate::service::Saved {
        case: CaseId(7),
        rev: 4,
        date: crate::tui::panes::fixtures::today(),
        zero_employment: None,
    };
    let effects = pane.answer(request, Ok(Response::Saved(saved)), &env(&o, &t));
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Ok, "已保存 2026-11-16 的回访")]
    );
    let again = pane.update(Action::Save, &env(&o, &t));
    assert!(asked(&again).is_empty());
    // Saved and unchanged: Esc leaves at once, with nothing to keep.
    let effects = pane.update(Action::Back, &env(&o, &t));
    assert!(asked(&effects).is_empty());
    assert!(matches!(effects.last(), Some(Effect::CloseToQueue)));
}

#[test]
fn leaving_an_unsaved_form_keeps_it_as_a_draft_first() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened_form();
    pane.update(Action::CopyLast, &env(&o, &t));
    let effects = pane.update(Action::Back, &env(&o, &t));
    let kept = asked(&effects);
    let [request @ Request::SaveDraft { .. }] = kept.as_slice() else {
        panic!("expected a draft kept, got {effects:?}");
    };
    // Nothing closes until the draft is known to be kept.
    assert_eq!(effects.len(), 1);
    let effects = pane.answer((*request).clone(), Ok(Response::Done), &env(&o, &t));
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Info, "赖春梅 的回访未保存，已留作草稿")]
    );
    assert_eq!(told(&effects), vec![&Notice::FollowupLeft(CaseId(7))]);
    assert!(matches!(effects.last(), Some(Effect::CloseToQueue)));
}

#[test]
fn a_draft_that_cannot_be_kept_keeps_the_form_open() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened_form();
    pane.update(Action::CopyLast, &env(&o, &t));
    let effects = pane.update(Action::ShowHousehold, &env(&o, &t));
    let request = (*asked(&effects)[0]).clone();
    let effects = pane.answer(
        request,
        Err(ServiceError::Store("磁盘已满".into())),
        &env(&o, &t),
    );
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Error, "草稿未能保留：磁盘已满")]
    );
    assert!(opened(&effects).is_empty());
    assert!(!effects.iter().any(|e| matches!(e, Effect::Close)));
    // And on closing the program, the same failure keeps the program open.
    let effects = pane.closing();
    let request = (*asked(&effects)[0]).clone();
    let effects = pane.answer(
        request,
        Err(ServiceError::Store("磁盘已满".into())),
        &env(&o, &t),
    );
    assert!(matches!(effects.last(), Some(Effect::StayOpen)));
}

#[test]
fn a_save_that_met_another_shows_both_versions_to_choose_from() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened_form();
    let request = copied_and_saved(&mut pane);
    let effects = pane.answer(
        request,
        Err(ServiceError::Conflict("已被他人更新".into())),
        &env(&o, &t),
    );
    assert_eq!(
        asked(&effects),
        vec![&Request::FollowUpForm { case: CaseId(7) }]
    );
    // Theirs: saved by 刘经办 with another plan.
    let mut theirs = form_view(7);
    theirs.rev = 5;
    theirs.last_by = Some("刘经办".into());
    if let Some(last) = &mut theirs.last {
        last.plan = "下月上门".into();
        last.date = crate::tui::panes::fixtures::today();
    }
    let effects = pane.answer(
        Request::FollowUpForm { case: CaseId(7) },
        Ok(Response::FollowUpForm(theirs)),
        &env(&o, &t),
    );
    assert_eq!(pane.context(), Context::Conflict);
    assert!(
        matches!(said(&effects).as_slice(), [(StatusKind::Error, t)] if t.starts_with("未保存：刘经办 已保存此人的回访"))
    );
    // Saving the choice is sent against their rev.
    let effects = pane.update(Action::Save, &env(&o, &t));
    assert!(matches!(
        asked(&effects).as_slice(),
        [Request::SaveFollowUp { rev: 5, .. }]
    ));
    assert_eq!(pane.context(), Context::Followup);
}

/// The pane drawn at 80×24, as text.
fn drawn(pane: &FollowupPane, o: &crate::service::Overview, t: &Theme) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|f| pane.render(f, f.area(), &env(o, t)))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            out.push_str(symbol);
            x += u16::try_from(unicode_width::UnicodeWidthStr::width(symbol).max(1)).unwrap_or(1);
        }
        out.push('\n');
    }
    out
}

/// Finding 4 (issue 13): a visit of last month, typed on the 2nd, is a late entry for that
/// month — the form says so, and saving it does not make this month 已访.
#[test]
fn last_months_visit_in_the_window_is_a_late_entry_not_this_months() {
    let (mut o, t) = (overview(), Theme::sixteen());
    let second = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    o.today = second;
    let mut view = form_view(7);
    view.today = second;
    let mut pane = FollowupPane::opening(CaseId(7));
    pane.answer(
        Request::FollowUpForm { case: CaseId(7) },
        Ok(Response::FollowUpForm(view)),
        &env(&o, &t),
    );
    pane.update(Action::CopyLast, &env(&o, &t));
    assert!(drawn(&pane, &o, &t).contains("本月 待访"));
    if let Some(form) = &mut pane.form {
        form.draft.set(Field::Date, "2026-11-30".into());
        form.draft.set(Field::NextContact, "2026-12-28".into());
    }
    let screen = drawn(&pane, &o, &t);
    assert!(screen.contains("补录2026年11月"), "{screen}");
    assert!(!screen.contains("本月"), "{screen}");

    let effects = pane.update(Action::Save, &env(&o, &t));
    let request = match asked(&effects).as_slice() {
        [request @ Request::SaveFollowUp { .. }] => (*request).clone(),
        _ => panic!("expected a save, got {effects:?}"),
    };
    let saved = crate::service::Saved {
        case: CaseId(7),
        rev: 4,
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        zero_employment: None,
    };
    let effects = pane.answer(request, Ok(Response::Saved(saved)), &env(&o, &t));
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Ok, "已补录 2026-11-30 的回访，计入2026年11月")]
    );
    let form = pane.form.as_ref().expect("form");
    assert_eq!(form.view.due, Some(crate::domain::DueStatus::Due));
}

/// Finding 4: past the window, last month's date is refused at the field, and not sent.
#[test]
fn last_months_visit_after_the_window_is_refused_at_the_date() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened_form();
    pane.update(Action::CopyLast, &env(&o, &t));
    if let Some(form) = &mut pane.form {
        form.draft.set(Field::Date, "2026-10-30".into());
    }
    let effects = pane.update(Action::Save, &env(&o, &t));
    assert!(asked(&effects).is_empty());
    let form = pane.form.as_ref().expect("form");
    assert_eq!(form.focus(), Field::Date);
    assert_eq!(
        form.error(Field::Date),
        Some("2026年10月已截止：上月回访只能在本月1日至5日补录")
    );
}

#[test]
fn finding_12_a_person_entered_as_placed_in_work_is_suggested_tier_three() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = opened_form();
    let line = |pane: &FollowupPane| pane.form.as_ref().map(Form::tier_line).unwrap_or_default();
    // Land-lost and out of work, as on file: 二级, the case's own tier.
    assert_eq!(line(&pane), "建议帮扶等级：二级（未就业），与现等级一致");
    if let Some(form) = pane.form.as_mut() {
        form.focus_on(crate::domain::followup_form::Field::WorkStatus);
    }
    pane.update(Action::Type('2'), &env(&o, &t));
    assert_eq!(
        line(&pane),
        "建议帮扶等级：三级（已就业，稳岗帮扶），现为二级，可由县级审核调整并写明理由"
    );
}
