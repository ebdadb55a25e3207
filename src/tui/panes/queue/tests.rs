//! The queue driven by actions and answers alone: what it asks for, what it opens, and how
//! it follows the other panes' news.

use super::*;
use crate::domain::{CaseId, DueStatus};
use crate::tui::panes::fixtures::{applicant, asked, env, opened, overview, row, said};
use crate::tui::theme::Theme;

fn loaded(rows: Vec<crate::service::QueueRow>) -> QueuePane {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = QueuePane::new();
    let start = queue.start(&env(&o, &t));
    assert_eq!(asked(&start), vec![&Request::Queue]);
    let effects = queue.answer(Request::Queue, Ok(Response::Queue(rows)), &env(&o, &t));
    assert!(effects.is_empty());
    queue
}

fn three() -> Vec<crate::service::QueueRow> {
    vec![
        row(1, "赖春梅", DueStatus::Overdue),
        row(2, "钟小军", DueStatus::Due),
        row(3, "刘桂英", DueStatus::Due),
    ]
}

#[test]
fn enter_opens_the_selected_household_and_f4_its_follow_up() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    queue.update(Action::Down, &env(&o, &t));
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
    let effects = queue.update(Action::Open, &env(&o, &t));
    assert_eq!(opened(&effects), vec![PaneKind::Household]);
    let effects = queue.update(Action::Followup, &env(&o, &t));
    assert_eq!(opened(&effects), vec![PaneKind::Followup]);
}

#[test]
fn an_empty_queue_says_there_is_no_one_to_open() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(Vec::new());
    let effects = queue.update(Action::Followup, &env(&o, &t));
    assert_eq!(said(&effects), vec![(StatusKind::Info, "没有选中的人员")]);
    assert!(opened(&effects).is_empty());
}

#[test]
fn typed_search_filters_and_esc_clears_it() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    queue.update(Action::Search, &env(&o, &t));
    assert_eq!(queue.context(), Context::Search);
    for c in "刘桂".chars() {
        queue.update(Action::Type(c), &env(&o, &t));
    }
    assert_eq!(queue.selected_case(), Some(CaseId(3)));
    assert_eq!(queue.list.visible_count(), 1);
    queue.update(Action::Back, &env(&o, &t));
    assert_eq!(queue.context(), Context::Queue);
    assert_eq!(queue.list.visible_count(), 3);
}

#[test]
fn a_pasted_search_drops_control_characters() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    queue.update(Action::Search, &env(&o, &t));
    queue.update(Action::Paste("钟\u{1b}[31m小".into()), &env(&o, &t));
    assert_eq!(queue.list.filter(), "钟[31m小");
}

#[test]
fn changed_data_fetches_the_rows_again() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    let effects = queue.notice(&Notice::DataChanged, &env(&o, &t));
    assert_eq!(asked(&effects), vec![&Request::Queue]);
}

#[test]
fn leaving_a_follow_up_moves_on_to_the_next_one_due() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    queue.notice(&Notice::FollowupOpened(CaseId(1)), &env(&o, &t));
    assert_eq!(queue.selected_case(), Some(CaseId(1)));
    // The save moved case 1 to the done rows; the queue fetched its rows again.
    let rows = vec![
        row(2, "钟小军", DueStatus::Due),
        row(3, "刘桂英", DueStatus::Due),
        row(1, "赖春梅", DueStatus::Done),
    ];
    queue.answer(Request::Queue, Ok(Response::Queue(rows)), &env(&o, &t));
    queue.notice(&Notice::FollowupLeft(CaseId(1)), &env(&o, &t));
    assert_eq!(queue.selected_case(), Some(CaseId(2)));
}

#[test]
fn a_person_just_registered_is_selected_among_initial_reviews_once_loaded() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    queue.notice(&Notice::Registered(CaseId(9)), &env(&o, &t));
    assert_eq!(queue.view(), QueueView::InitialReview);
    let mut rows = three();
    rows.push(applicant(8, "王五"));
    rows.push(applicant(9, "李四"));
    queue.answer(Request::Queue, Ok(Response::Queue(rows)), &env(&o, &t));
    assert_eq!(queue.selected_case(), Some(CaseId(9)));
}

#[test]
fn the_zero_employment_view_says_the_counts() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    let effects = queue.update(Action::ViewZeroEmployment, &env(&o, &t));
    assert_eq!(asked(&effects), vec![&Request::ZeroEmployment]);
    let counts = vec![crate::service::ZeroEmploymentCount {
        township_name: "欣山镇".into(),
        current: 2,
        found_this_month: 1,
        cleared_this_month: 0,
        ended_this_month: 0,
        past_deadline: Vec::new(),
    }];
    let effects = queue.answer(
        Request::ZeroEmployment,
        Ok(Response::ZeroEmployment(counts)),
        &env(&o, &t),
    );
    assert_eq!(
        said(&effects),
        vec![(
            StatusKind::Info,
            "零就业家庭：现有 2 户，本月新增 1 户，本月清零 0 户"
        )]
    );
}

#[test]
fn a_failed_fetch_is_said_and_the_rows_stay() {
    let (o, t) = (overview(), Theme::sixteen());
    let mut queue = loaded(three());
    let effects = queue.answer(
        Request::Queue,
        Err(ServiceError::Link("连接已断开".into())),
        &env(&o, &t),
    );
    assert_eq!(
        said(&effects),
        vec![(StatusKind::Error, "读取队列失败：连接已断开")]
    );
    assert_eq!(queue.list.visible_count(), 3);
}
