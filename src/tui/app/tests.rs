//! The router over a scripted backend: keys in, requests out, and what each answer does to
//! the panes — no store, no terminal.

use super::*;
use crate::domain::DueStatus;
use crate::service::{Reply, Response, Saved};
use crate::tui::panes::fixtures::{form_view, household_view, overview, row, today};
use crossterm::event::{KeyCode, KeyModifiers};
use std::cell::RefCell;
use std::rc::Rc;

/// Answers as a small server would, logging every request; a save moves the data
/// sequence, and drafts fail while `drafts_fail` is set.
#[derive(Default)]
struct Script {
    log: Vec<Request>,
    seq: u64,
    drafts_fail: bool,
}

struct Fake(Rc<RefCell<Script>>);

impl Backend for Fake {
    fn call(&mut self, request: Request) -> Result<Reply, ServiceError> {
        let mut s = self.0.borrow_mut();
        s.log.push(request.clone());
        let body = match request {
            Request::Overview => Response::Overview(overview()),
            Request::Queue => Response::Queue(vec![
                row(1, "赖春梅", DueStatus::Overdue),
                row(2, "钟小军", DueStatus::Due),
            ]),
            Request::FollowUpForm { case } => Response::FollowUpForm(form_view(case.0)),
            Request::Household { household } => Response::Household(household_view(household.0)),
            Request::SaveFollowUp { case, rev, .. } => {
                s.seq += 1;
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
            _ => Response::Done,
        };
        Ok(Reply { seq: s.seq, body })
    }
}

fn app() -> (App, Rc<RefCell<Script>>) {
    let script = Rc::new(RefCell::new(Script::default()));
    let app = App::new(
        Box::new(Fake(Rc::clone(&script))),
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

fn count(script: &Rc<RefCell<Script>>, what: fn(&Request) -> bool) -> usize {
    script.borrow().log.iter().filter(|r| what(r)).count()
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
    // The queue fetched once at the start and once after the save moved the sequence.
    assert_eq!(count(&script, |r| matches!(r, Request::Queue)), 2);
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
    script.borrow_mut().drafts_fail = true;
    press(&mut app, KeyCode::F(10));
    assert!(!app.should_quit());
    assert_eq!(app.screen(), PaneKind::Followup);
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some("草稿未能保留：磁盘已满")
    );
    script.borrow_mut().drafts_fail = false;
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
fn help_covers_the_pane_and_esc_closes_it() {
    let (mut app, _) = app();
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.context(), Context::Help);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Queue);
    assert_eq!(app.screen(), PaneKind::Queue);
}
