//! The router over a scripted backend: keys in, requests out, and what each answer does to
//! the panes — no store, no terminal.

use super::*;
use crate::domain::DueStatus;
use crate::service::{
    QueueChange, QueueChanges, QueueCounts, QueuePage, Reply, Request, Response, Saved,
};
use crate::tui::panes::fixtures::{form_view, household_view, overview, row, today};
use crossterm::event::{KeyCode, KeyModifiers};
use std::sync::{Arc, Mutex};

/// Answers as a small server would, logging every request; a save moves the data
/// sequence, drafts fail while `drafts_fail` is set, and each answer takes `delay`.
#[derive(Default)]
struct Script {
    log: Vec<Request>,
    seq: u64,
    drafts_fail: bool,
    delay: std::time::Duration,
    /// The server's date has turned to the next day.
    midnight_passed: bool,
    /// Cases whose visit was saved, and the data sequence of each save.
    saved: Vec<(crate::domain::CaseId, u64)>,
}

/// The scripted queue: two rows, a saved one moved to the done rows at the end.
fn queue_rows(saved: &[(crate::domain::CaseId, u64)]) -> Vec<crate::service::QueueRow> {
    let mut rows = vec![
        row(1, "赖春梅", DueStatus::Overdue),
        row(2, "钟小军", DueStatus::Due),
    ];
    for (case, _) in saved {
        if let Some(at) = rows.iter().position(|r| r.case == *case) {
            let done = rows.remove(at);
            rows.push(crate::service::QueueRow {
                due: Some(DueStatus::Done),
                ..done
            });
        }
    }
    rows
}

fn counts(rows: &[crate::service::QueueRow]) -> QueueCounts {
    let mut c = QueueCounts::default();
    for r in rows {
        match r.due {
            Some(DueStatus::Overdue) => c.overdue += 1,
            Some(DueStatus::Done) => c.done += 1,
            _ => c.due += 1,
        }
    }
    c
}

type Shared = Arc<Mutex<Script>>;

struct Fake(Shared);

impl Backend for Fake {
    fn call(&mut self, request: Request) -> Result<Reply, ServiceError> {
        let delay = lock(&self.0).delay;
        std::thread::sleep(delay);
        let mut s = lock(&self.0);
        s.log.push(request.clone());
        let body = match request {
            Request::Overview => {
                let mut o = overview();
                if s.midnight_passed {
                    o.today = o.today.succ_opt().unwrap_or(o.today);
                }
                Response::Overview(o)
            }
            // The whole slice is one page here: two rows.
            Request::QueuePage(_) => {
                let rows = queue_rows(&s.saved);
                Response::QueuePage(QueuePage {
                    seq: s.seq,
                    from: 0,
                    total: rows.len() as u32,
                    at: Some(0),
                    counts: counts(&rows),
                    rows,
                })
            }
            Request::QueueChanges { since, .. } => {
                let rows = queue_rows(&s.saved);
                let changed = s
                    .saved
                    .iter()
                    .filter(|(_, seq)| *seq > since)
                    .map(|(case, _)| QueueChange {
                        case: *case,
                        now: rows
                            .iter()
                            .position(|r| r.case == *case)
                            .map(|at| (at as u32, rows[at].clone())),
                    })
                    .collect();
                Response::QueueChanges(QueueChanges {
                    seq: s.seq,
                    // Over a day's turn the window is asked for again.
                    changed: (!s.midnight_passed).then_some(changed),
                    total: rows.len() as u32,
                    counts: counts(&rows),
                })
            }
            Request::FollowUpForm { case } => Response::FollowUpForm(form_view(case.0)),
            Request::Household { household } => Response::Household(household_view(household.0)),
            Request::SaveFollowUp { case, rev, .. } => {
                s.seq += 1;
                let seq = s.seq;
                s.saved.push((case, seq));
                Response::Saved(Saved {
                    case,
                    rev: rev + 1,
                    date: today(),
                    zero_employment: None,
                })
            }
            Request::SaveDraft { .. } | Request::SaveIntakeDraft { .. } if s.drafts_fail => {
                return Err(ServiceError::Store("磁盘已满".into()));
            }
            Request::IntakeDraft => Response::IntakeDraft(None),
            Request::Stats { month, .. } => {
                Response::Stats(Box::new(crate::domain::stats::MonthTable::new(month)))
            }
            _ => Response::Done,
        };
        Ok(Reply { seq: s.seq, body })
    }
}

fn lock(script: &Shared) -> std::sync::MutexGuard<'_, Script> {
    script
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn app() -> (App, Shared) {
    let script = Shared::default();
    let app = App::new(
        Box::new(Fake(Arc::clone(&script))),
        Keymap::builtin(),
        Theme::sixteen(),
    );
    match app {
        Ok(mut app) => {
            app.resize(80, 24);
            (app, script)
        }
        Err(e) => panic!("the app did not open: {e}"),
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn count(script: &Shared, what: fn(&Request) -> bool) -> usize {
    lock(script).log.iter().filter(|r| what(r)).count()
}

#[test]
fn a_save_in_the_form_refreshes_the_queue_underneath_it() {
    let (mut app, script) = app();
    assert_eq!(app.screen(), PaneKind::Queue);
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.screen(), PaneKind::Followup);
    ctrl(&mut app, 'r');
    ctrl(&mut app, 's');
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some("已保存 2026-11-16 的回访")
    );
    // The queue paged once at the start; after the save moved the sequence it asked what
    // changed and patched its one row, with no page again.
    assert_eq!(count(&script, |r| matches!(r, Request::QueuePage(_))), 1);
    assert_eq!(
        count(&script, |r| matches!(
            r,
            Request::QueueChanges { since: 0, .. }
        )),
        1
    );
    // Saved: Esc goes back without keeping a draft.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen(), PaneKind::Queue);
    assert_eq!(
        count(&script, |r| matches!(r, Request::SaveDraft { .. })),
        0
    );
}

#[test]
fn opening_the_household_from_the_form_keeps_the_draft_and_replaces_the_form() {
    let (mut app, script) = app();
    press(&mut app, KeyCode::F(4));
    ctrl(&mut app, 'r');
    press(&mut app, KeyCode::F(3));
    assert_eq!(app.screen(), PaneKind::Household);
    assert_eq!(
        count(&script, |r| matches!(r, Request::SaveDraft { .. })),
        1
    );
    // Esc from the household goes back to the queue, not to the form that was left.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen(), PaneKind::Queue);
}

#[test]
fn a_draft_that_cannot_be_kept_keeps_the_program_open() {
    let (mut app, script) = app();
    press(&mut app, KeyCode::F(4));
    ctrl(&mut app, 'r');
    lock(&script).drafts_fail = true;
    press(&mut app, KeyCode::F(10));
    assert!(!app.should_quit());
    assert_eq!(app.screen(), PaneKind::Followup);
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some("草稿未能保留：磁盘已满")
    );
    lock(&script).drafts_fail = false;
    press(&mut app, KeyCode::F(10));
    assert!(app.should_quit());
}

#[test]
fn the_registration_form_is_kept_in_memory_when_left() {
    let (mut app, script) = app();
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.screen(), PaneKind::Intake);
    for c in "刘桂英".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen(), PaneKind::Queue);
    assert_eq!(
        count(&script, |r| matches!(r, Request::SaveIntakeDraft { .. })),
        1
    );
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.screen(), PaneKind::Intake);
    // The same form came back: the kept draft was not asked for again.
    assert_eq!(count(&script, |r| matches!(r, Request::IntakeDraft)), 1);
}

#[test]
fn esc_closes_the_help_and_only_the_help() {
    let (mut app, _) = app();
    press(&mut app, KeyCode::F(4));
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.context(), Context::Help);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Followup);
    assert_eq!(app.screen(), PaneKind::Followup);
    // A screen key leaves the help for that screen.
    press(&mut app, KeyCode::F(1));
    press(&mut app, KeyCode::F(2));
    assert_eq!(app.context(), Context::Queue);
}

/// Keys go through `handle_event`, as the terminal loop sends them.
fn event(app: &mut App, code: KeyCode) {
    app.handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// Pumps answers until nothing is in flight.
fn settle(app: &mut App) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while (app.busy() || !app.held.is_empty()) && std::time::Instant::now() < until {
        app.pump();
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    app.pump();
}

#[test]
fn keys_typed_while_a_slow_server_opens_the_form_go_into_it_in_order() {
    let (mut app, script) = app();
    app.start_worker().unwrap();
    lock(&script).delay = std::time::Duration::from_millis(150);
    event(&mut app, KeyCode::F(4));
    assert!(app.blocked(), "the form's data is on its way");
    // 2 = 电话 in the contact-method field, then Tab and a typed status code.
    for code in [KeyCode::Char('2'), KeyCode::Tab, KeyCode::Char('1')] {
        event(&mut app, code);
    }
    assert_eq!(app.held.len(), 3, "nothing applied before the answer");
    std::thread::sleep(std::time::Duration::from_millis(350));
    assert!(app.slow(), "a wait this long is said on screen");
    settle(&mut app);
    assert_eq!(app.screen(), PaneKind::Followup);
    assert!(!app.slow());
    let screen = {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| app.render(f)).unwrap();
        format!("{:?}", terminal.backend().buffer())
    };
    assert!(
        screen.contains("电话"),
        "the held keys reached the form:\n{screen}"
    );
}

#[test]
fn a_background_draft_keep_does_not_hold_keys() {
    let (mut app, script) = app();
    app.start_worker().unwrap();
    event(&mut app, KeyCode::F(4));
    settle(&mut app);
    event(&mut app, KeyCode::Char('2'));
    settle(&mut app);
    lock(&script).delay = std::time::Duration::from_millis(200);
    std::thread::sleep(DRAFT_DEBOUNCE);
    app.tick();
    assert!(app.busy(), "the draft is being kept");
    assert!(!app.holding_keys(), "but keys do not wait for it");
    event(&mut app, KeyCode::Tab);
    assert!(app.held.is_empty());
    settle(&mut app);
    assert_eq!(
        count(&script, |r| matches!(r, Request::SaveDraft { .. })),
        1
    );
}

#[test]
fn finding_1_under_the_size_notice_only_quit_and_redraw_act() {
    let (mut app, script) = app();
    app.resize(70, 20);
    let sent = lock(&script).log.len();
    for code in [
        KeyCode::F(4),
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Char('n'),
    ] {
        press(&mut app, code);
    }
    app.handle_event(Event::Paste("360731198305041243".into()));
    assert_eq!(app.screen(), PaneKind::Queue);
    assert_eq!(
        lock(&script).log.len(),
        sent,
        "nothing was asked of the service"
    );
    app.resize(80, 24);
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.screen(), PaneKind::Followup);
    app.resize(70, 20);
    press(&mut app, KeyCode::F(10));
    assert!(app.should_quit(), "quit still works");
}

#[test]
fn finding_5_a_final_step_waits_for_yes_and_no_leaves_it_undone() {
    use crate::tui::panes::{Effect, StatusKind, confirm, say};
    let (mut app, script) = app();
    let asked = Request::DecideExit {
        case: crate::domain::CaseId(1),
        rev: 1,
        approve: true,
        note: String::new(),
    };
    let decide = || {
        confirm(
            "批准 赖春梅 退出",
            vec![Effect::Ask(asked.clone()), say(StatusKind::Ok, "已批准")],
        )
    };
    app.perform(0, vec![decide()], true);
    assert_eq!(app.context(), Context::Confirm);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some("已取消，未办理")
    );
    assert_eq!(
        count(&script, |r| matches!(r, Request::DecideExit { .. })),
        0
    );
    app.perform(0, vec![decide()], true);
    // Other keys do nothing while the question is open.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.context(), Context::Confirm);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        count(&script, |r| matches!(r, Request::DecideExit { .. })),
        1
    );
    assert_eq!(app.status().map(|s| s.text.as_str()), Some("已批准"));
    assert_eq!(app.context(), Context::Queue);
}

#[test]
fn finding_6_when_the_day_turns_the_header_and_the_queue_follow_it() {
    let (mut app, script) = app();
    assert!(!app.tick(), "an idle tick on the same day asks nothing");
    assert_eq!(count(&script, |r| matches!(r, Request::Overview)), 1);
    lock(&script).midnight_passed = true;
    app.day = app.day.pred_opt().unwrap_or(app.day);
    let pages = count(&script, |r| matches!(r, Request::QueuePage(_)));
    assert!(app.tick(), "the new day is drawn");
    assert_eq!(count(&script, |r| matches!(r, Request::Overview)), 2);
    assert_eq!(app.overview.today, today().succ_opt().unwrap());
    // Every row's urgency may have turned with the day: the window again, with no
    // asking what changed.
    assert_eq!(
        count(&script, |r| matches!(r, Request::QueueChanges { .. })),
        0
    );
    assert_eq!(
        count(&script, |r| matches!(r, Request::QueuePage(_))),
        pages + 1
    );
}

#[test]
fn keys_typed_while_the_queue_pages_are_applied_in_order_once_it_comes() {
    let (mut app, script) = app();
    app.start_worker().unwrap();
    lock(&script).delay = std::time::Duration::from_millis(100);
    // View 5 asks its page; Down and F4 come before the answer.
    event(&mut app, KeyCode::Char('5'));
    assert!(app.blocked(), "the view's page is on its way");
    event(&mut app, KeyCode::Down);
    event(&mut app, KeyCode::F(4));
    assert_eq!(app.held.len(), 2, "held until the page comes");
    settle(&mut app);
    assert_eq!(app.screen(), PaneKind::Followup);
    // Down acted on the new page before F4 opened the form of the row it selected.
    let asked_form = lock(&script).log.iter().find_map(|r| match r {
        Request::FollowUpForm { case } => Some(*case),
        _ => None,
    });
    assert_eq!(asked_form, Some(crate::domain::CaseId(2)));
}

#[test]
fn a_search_typed_against_a_slow_server_holds_no_key() {
    let (mut app, script) = app();
    app.start_worker().unwrap();
    lock(&script).delay = std::time::Duration::from_millis(100);
    event(&mut app, KeyCode::Char('/'));
    event(&mut app, KeyCode::Char('钟'));
    assert!(app.busy(), "the search's page is on its way");
    assert!(!app.holding_keys(), "but the next key does not wait for it");
    // The echo of the key waits a moment for the rows, to go out in one frame with them,
    // and no longer.
    assert!(app.blocked());
    std::thread::sleep(std::time::Duration::from_millis(60));
    assert!(app.busy() && !app.blocked(), "the key's echo is drawn");
    event(&mut app, KeyCode::Char('小'));
    assert!(app.held.is_empty());
    settle(&mut app);
    let searched: Vec<String> = lock(&script)
        .log
        .iter()
        .filter_map(|r| match r {
            Request::QueuePage(q) if !q.search.is_empty() => Some(q.search.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(searched, vec!["钟".to_string(), "钟小".to_string()]);
}

#[test]
fn a_slow_search_is_said_quietly_and_a_slow_draft_keep_is_not() {
    let (mut app, script) = app();
    app.start_worker().unwrap();
    lock(&script).delay = std::time::Duration::from_millis(400);
    event(&mut app, KeyCode::Char('/'));
    event(&mut app, KeyCode::Char('钟'));
    std::thread::sleep(std::time::Duration::from_millis(320));
    assert!(app.slow(), "the search's rows are waited for");
    settle(&mut app);
    assert!(!app.slow());
    // A draft kept in the background is not waited for by the screen.
    event(&mut app, KeyCode::Esc);
    settle(&mut app);
    event(&mut app, KeyCode::F(4));
    settle(&mut app);
    event(&mut app, KeyCode::Char('2'));
    settle(&mut app);
    std::thread::sleep(DRAFT_DEBOUNCE);
    app.tick();
    assert!(app.busy());
    std::thread::sleep(std::time::Duration::from_millis(320));
    assert!(!app.slow(), "keeping a draft is not said");
    settle(&mut app);
}

#[test]
fn f8_from_a_form_keeps_its_draft_and_opens_the_statistics_and_so_does_f8_from_a_household() {
    let (mut app, script) = app();
    press(&mut app, KeyCode::F(4));
    ctrl(&mut app, 'r');
    assert_eq!(app.screen(), PaneKind::Followup);
    press(&mut app, KeyCode::F(8));
    assert_eq!(app.screen(), PaneKind::Stats);
    assert_eq!(
        count(&script, |r| matches!(r, Request::SaveDraft { .. })),
        1,
        "the form left as F2 leaves it"
    );
    assert_eq!(count(&script, |r| matches!(r, Request::Stats { .. })), 1);
    // F8 again in the statistics is its own key (refresh), not a way out.
    press(&mut app, KeyCode::F(8));
    assert_eq!(app.screen(), PaneKind::Stats);
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::F(3));
    assert_eq!(app.screen(), PaneKind::Household);
    press(&mut app, KeyCode::F(8));
    assert_eq!(app.screen(), PaneKind::Stats);
    // Esc goes back to the queue: the screens are not stacked on one another.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen(), PaneKind::Queue);
}
