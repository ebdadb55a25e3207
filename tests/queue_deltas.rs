//! The queue pane patched by deltas, over the real service: a backend that answers
//! `QueueChanges` the way a change log will (the cases whose rows changed since a data
//! sequence, each with its row and position now), computed here from full scans kept per
//! sequence, and everything else from the service itself. Another caseworker saves through
//! the same service; after each save the rows on screen are the oracle's rows, and the pane
//! asked for a page again only when it could not patch its window exactly.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use unicode_width::UnicodeWidthStr;
use yuanzhu::domain::Settings;
use yuanzhu::domain::name_search::{Searchable, matches};
use yuanzhu::service::{
    Actor, Backend, QueueChange, QueueChanges, QueueRow, QueueSlice, Reply, Request, Response,
    Role, Service, ServiceError, Today,
};
use yuanzhu::tui::{App, Keymap, Theme};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn actor(user: &str) -> Actor {
    Actor {
        user: user.into(),
        role: Role::CountyReviewer,
        township: None,
    }
}

/// What the backend saw: the whole queue at each data sequence, and the pages asked.
#[derive(Default)]
struct Seen {
    scans: BTreeMap<u64, Vec<QueueRow>>,
    pages: usize,
}

struct DeltaBackend {
    service: Arc<Service>,
    actor: Actor,
    seen: Arc<Mutex<Seen>>,
}

fn slice_of(rows: &[QueueRow], slice: QueueSlice, search: &str) -> Vec<QueueRow> {
    rows.iter()
        .filter(|r| slice.holds(r, today()))
        .filter(|r| {
            matches(
                search,
                &Searchable {
                    name: &r.name,
                    initials: &r.initials,
                    id_tail: &r.id_tail,
                    phone: &r.phone,
                },
            )
        })
        .cloned()
        .collect()
}

impl DeltaBackend {
    fn scan(&self) -> (u64, Vec<QueueRow>) {
        // The sequence is read by a ping, which changes nothing.
        let seq = self.service.handle(&self.actor, Request::Ping).unwrap().seq;
        let rows = self
            .service
            .queue_by_full_scan(&self.actor, today())
            .unwrap();
        (seq, rows)
    }
}

impl Backend for DeltaBackend {
    fn call(&mut self, request: Request) -> Result<Reply, ServiceError> {
        let (seq, now) = self.scan();
        let mut seen = self.seen.lock().unwrap();
        seen.scans.entry(seq).or_insert_with(|| now.clone());
        match request {
            Request::QueueChanges {
                since,
                slice,
                search,
            } => {
                let new = slice_of(&now, slice, &search);
                let changed = seen.scans.get(&since).map(|then| {
                    let old = slice_of(then, slice, &search);
                    let mut cases: Vec<_> = old
                        .iter()
                        .chain(new.iter())
                        .map(|r| r.case)
                        .filter(|case| {
                            old.iter().find(|r| r.case == *case)
                                != new.iter().find(|r| r.case == *case)
                        })
                        .collect();
                    cases.sort_by_key(|c| c.0);
                    cases.dedup();
                    cases
                        .into_iter()
                        .map(|case| QueueChange {
                            case,
                            now: new
                                .iter()
                                .position(|r| r.case == case)
                                .map(|at| (at as u32, new[at].clone())),
                        })
                        .collect()
                });
                let counts = match self
                    .service
                    .handle(
                        &self.actor,
                        Request::QueuePage(yuanzhu::service::QueueQuery {
                            slice,
                            search: search.clone(),
                            at: yuanzhu::service::QueueAt::First,
                            before: 0,
                            after: 0,
                        }),
                    )?
                    .body
                {
                    Response::QueuePage(p) => p.counts,
                    _ => unreachable!(),
                };
                Ok(Reply {
                    seq,
                    body: Response::QueueChanges(QueueChanges {
                        seq,
                        changed,
                        total: new.len() as u32,
                        counts,
                    }),
                })
            }
            request => {
                if matches!(request, Request::QueuePage(_)) {
                    seen.pages += 1;
                }
                drop(seen);
                let reply = self.service.handle(&self.actor, request)?;
                let (seq, now) = self.scan();
                self.seen.lock().unwrap().scans.entry(seq).or_insert(now);
                Ok(reply)
            }
        }
    }

    fn shared(&self) -> bool {
        true
    }
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..24 {
        let mut x = 0;
        while x < 80 {
            let symbol = buffer[(x, y)].symbol();
            out.push_str(symbol);
            x += u16::try_from(UnicodeWidthStr::width(symbol).max(1)).unwrap();
        }
        out.push('\n');
    }
    out
}

/// The rows on screen as (status, name, masked id).
fn shown_rows(shown: &str) -> Vec<(String, String, String)> {
    shown
        .lines()
        .filter(|l| l.contains("**********"))
        .map(|l| {
            let words: Vec<&str> = l
                .trim_start_matches('│')
                .trim_start_matches("> ")
                .split_whitespace()
                .collect();
            (
                words[0].to_string(),
                words[1].to_string(),
                words[2].to_string(),
            )
        })
        .collect()
}

/// The rows on screen are a page of the oracle's follow-ups, in its order.
fn assert_screen_is_the_oracles(app: &App, backend_seen: &Arc<Mutex<Seen>>, after: &str) {
    let shown = screen(app);
    let rows = shown_rows(&shown);
    let seen = backend_seen.lock().unwrap();
    let (_, now) = seen.scans.iter().next_back().unwrap();
    let oracle: Vec<_> = slice_of(now, QueueSlice::FollowUps, "")
        .into_iter()
        .map(|r| {
            (
                r.due.map(|d| d.label()).unwrap_or_default().to_string(),
                r.name,
                r.id_masked,
            )
        })
        .collect();
    let found = (0..oracle.len())
        .step_by(18)
        .find(|s| oracle[*s..].starts_with(&rows));
    assert!(
        found.is_some() && !rows.is_empty(),
        "after {after} the screen is no page of the queue:\n{shown}"
    );
}

fn save_visit(service: &Service, row: &QueueRow) {
    let other = actor("刘审核");
    let rev = match service
        .handle(&other, Request::FollowUpForm { case: row.case })
        .unwrap()
        .body
    {
        Response::FollowUpForm(view) => view.rev,
        body => panic!("{body:?}"),
    };
    service
        .handle(
            &other,
            Request::SaveFollowUp {
                case: row.case,
                rev,
                draft: common::unemployed_visit(today(), row.tier),
            },
        )
        .unwrap();
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn another_caseworkers_saves_patch_the_window_and_a_page_is_asked_only_when_it_must_be() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path(), 300, today());
    let service = Arc::new(Service::new(
        store,
        Today::Fixed(today()),
        Settings::default(),
    ));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let backend = DeltaBackend {
        service: Arc::clone(&service),
        actor: actor("钟经办"),
        seen: Arc::clone(&seen),
    };
    let mut app = App::new(Box::new(backend), Keymap::builtin(), Theme::sixteen()).unwrap();
    app.resize(80, 24);
    assert_screen_is_the_oracles(&app, &seen, "opening");
    let pages = || seen.lock().unwrap().pages;
    let opened = pages();

    // A visit to the third row on screen: it moves to the done rows; the window starts the
    // slice, so it is patched in place.
    let followups = |seen: &Arc<Mutex<Seen>>| {
        let s = seen.lock().unwrap();
        let (_, now) = s.scans.iter().next_back().unwrap();
        slice_of(now, QueueSlice::FollowUps, "")
    };
    let due: Vec<QueueRow> = followups(&seen)
        .into_iter()
        .filter(|r| r.due != Some(yuanzhu::domain::DueStatus::Done))
        .collect();
    save_visit(&service, &due[2]);
    app.tick();
    assert_screen_is_the_oracles(&app, &seen, "a save of a row on screen");
    assert_eq!(pages(), opened, "patched, no page asked");

    // A visit far down the queue, outside the window: still patched (the window starts
    // the slice, so nothing before it can have moved unseen).
    save_visit(&service, due.last().unwrap());
    app.tick();
    assert_screen_is_the_oracles(&app, &seen, "a save far below the window");
    assert_eq!(pages(), opened);

    // Deep in the queue the window no longer starts the slice: a save of a row it does
    // not hold cannot be placed exactly, and the window is asked again.
    for _ in 0..8 {
        key(&mut app, KeyCode::PageDown);
    }
    assert_screen_is_the_oracles(&app, &seen, "PgDn ×8");
    let deep = pages();
    assert!(deep > opened, "paging down asked pages");
    save_visit(&service, &due[0]);
    app.tick();
    assert_screen_is_the_oracles(&app, &seen, "a save above a window deep in the queue");
    assert_eq!(pages(), deep + 1, "one page asked again");
    // A save of a row the window holds (not the selected one) is patched even there.
    let shown = shown_rows(&screen(&app));
    let selected = common::selected_line(&screen(&app)).unwrap();
    let on_screen = followups(&seen)
        .into_iter()
        .find(|r| {
            r.due != Some(yuanzhu::domain::DueStatus::Done)
                && !selected.contains(&r.id_masked)
                && shown
                    .iter()
                    .any(|(_, name, id)| *name == r.name && *id == r.id_masked)
        })
        .expect("a row due on screen");
    save_visit(&service, &on_screen);
    app.tick();
    assert_screen_is_the_oracles(&app, &seen, "a save of a row of a window deep in the queue");
    assert_eq!(pages(), deep + 1, "patched, no page asked");
}
