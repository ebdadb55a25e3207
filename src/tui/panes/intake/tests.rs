//! The registration pane driven by actions and answers alone: a kept draft restored, the
//! form kept when left, problems said before anything is sent, and the registration's news
//! for the queue.

use super::*;
use crate::domain::CaseId;
use crate::tui::panes::fixtures::{asked, env, overview, said, today, told};
use crate::tui::theme::Theme;

fn opened_intake(kept: Option<IntakeDraft>) -> (IntakePane, Vec<Effect>) {
    let (o, t) = (overview(), Theme::sixteen());
    let mut pane = IntakePane::opening(today(), Some("欣山镇".into()));
    let start = pane.start(&env(&o, &t));
    assert_eq!(asked(&start), vec![&Request::IntakeDraft]);
    let effects = pane.answer(
        Request::IntakeDraft,
        Ok(Response::IntakeDraft(kept)),
        &env(&o, &t),
    );
    (pane, effects)
}

#[test]
fn a_kept_draft_comes_back_and_says_so() {
    let (_, effects) = opened_intake(Some(IntakeDraft::blank(today(), Some("欣山镇"))));
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Info, "已恢复上次未登记完的登记表")]
    );
    let (pane, effects) = opened_intake(None);
    assert!(effects.is_empty());
    assert_eq!(pane.context(), Context::Intake);
}

#[test]
fn an_incomplete_form_is_not_sent() {
    let (o, t) = (overview(), Theme::sixteen());
    let (mut pane, _) = opened_intake(None);
    let effects = pane.update(Action::Save, &env(&o, &t));
    assert!(asked(&effects).is_empty());
    assert!(
        matches!(said(&effects).as_slice(), [(StatusKind::Error, t)] if t.contains("项需要修改，未登记。"))
    );
}

#[test]
fn esc_keeps_the_typing_as_a_draft_and_the_form_in_memory() {
    let (o, t) = (overview(), Theme::sixteen());
    let (mut pane, _) = opened_intake(None);
    for c in "刘桂英".chars() {
        pane.update(Action::Type(c), &env(&o, &t));
    }
    let effects = pane.update(Action::Back, &env(&o, &t));
    let kept = asked(&effects);
    assert!(matches!(kept.as_slice(), [Request::SaveIntakeDraft { .. }]));
    assert!(effects.iter().any(|e| matches!(e, Effect::Close)));
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Info, "登记表未保存，按 n 可继续填写")]
    );
    assert!(pane.keep_when_closed());
    // Once the draft is kept, a tick has nothing more to send.
    let request = (*kept[0]).clone();
    pane.answer(request, Ok(Response::Done), &env(&o, &t));
    assert!(pane.tick().is_empty());
    assert!(pane.closing().is_empty());
}

#[test]
fn a_registration_closes_the_form_for_good_and_tells_the_queue() {
    let (o, t) = (overview(), Theme::sixteen());
    let (mut pane, _) = opened_intake(None);
    let done = crate::service::Registered {
        person: crate::domain::PersonId(4),
        household: crate::domain::HouseholdId(4),
        case: Some(CaseId(4)),
        name: "刘桂英".into(),
        zero_employment: Some(crate::domain::HouseholdEventKind::ZeroEmploymentStarted),
    };
    let effects = pane.answer(
        Request::Register {
            draft: IntakeDraft::blank(today(), None),
        },
        Ok(Response::Registered(done)),
        &env(&o, &t),
    );
    assert_eq!(told(&effects), vec![&Notice::Registered(CaseId(4))]);
    assert!(matches!(effects.first(), Some(Effect::CloseToQueue)));
    assert_eq!(
        said(&effects),
        vec![(
            StatusKind::Error,
            "已登记 刘桂英，申请进入待初审。注意：该户成为零就业家庭，请30日内帮扶清零"
        )]
    );
    assert!(!pane.keep_when_closed());
}
