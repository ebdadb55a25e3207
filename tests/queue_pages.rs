//! The queue pane over the real service, paging a county bigger than its window: after
//! every key the selected row is the one the full scan (the oracle) has at that position,
//! so pages asked for as the cursor leaves the window show the rows and order of the whole
//! queue.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;
use yuanzhu::domain::Settings;
use yuanzhu::service::{Actor, LocalBackend, QueueRow, QueueSlice, Role, Service, Today};
use yuanzhu::tui::{App, Keymap, Theme};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
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

/// The app on a demo county, and the oracle's rows of `slice`.
fn app_and_oracle(dir: &std::path::Path, slice: QueueSlice) -> (App, Vec<QueueRow>) {
    app_on(dir, slice, 300, today(), Theme::sixteen())
}

fn app_on(
    dir: &std::path::Path,
    slice: QueueSlice,
    households: u32,
    today: NaiveDate,
    theme: Theme,
) -> (App, Vec<QueueRow>) {
    let store = common::demo_store(dir, households, today);
    let service = Service::new(store, Today::Fixed(today), Settings::default());
    let actor = Actor {
        user: "钟经办".into(),
        role: Role::CountyReviewer,
        township: None,
    };
    let oracle: Vec<QueueRow> = service
        .queue_by_full_scan(&actor, today)
        .unwrap()
        .into_iter()
        .filter(|r| slice.holds(r, today))
        .collect();
    let mut app = App::new(
        Box::new(LocalBackend::new(service, actor)),
        Keymap::builtin(),
        theme,
    )
    .unwrap();
    app.resize(80, 24);
    (app, oracle)
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn assert_selected(app: &App, oracle: &[QueueRow], pos: usize, after: &str) {
    let shown = screen(app);
    let line = common::selected_line(&shown).unwrap_or_else(|| panic!("{after}:\n{shown}"));
    let want = &oracle[pos];
    assert!(
        line.contains(&want.id_masked) && line.contains(&want.name),
        "after {after}: position {pos} is {} {}, the screen shows\n{shown}",
        want.name,
        want.id_masked
    );
}

#[test]
fn paging_a_county_bigger_than_the_window_shows_the_full_scans_rows_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, oracle) = app_and_oracle(dir.path(), QueueSlice::FollowUps);
    let page = 18;
    assert!(
        oracle.len() > 6 * page,
        "the county is several windows long: {}",
        oracle.len()
    );
    let last = oracle.len() - 1;
    assert_selected(&app, &oracle, 0, "opening");
    assert!(screen(&app).contains(&format!("共{}人", oracle.len())));
    let mut pos = 0;
    for n in 1..=6 {
        key(&mut app, KeyCode::PageDown);
        pos = (pos + page).min(last);
        assert_selected(&app, &oracle, pos, &format!("PgDn ×{n}"));
    }
    for n in 1..=3 {
        key(&mut app, KeyCode::Down);
        pos = (pos + 1).min(last);
        assert_selected(&app, &oracle, pos, &format!("Down ×{n}"));
    }
    key(&mut app, KeyCode::End);
    assert_selected(&app, &oracle, last, "End");
    key(&mut app, KeyCode::PageUp);
    assert_selected(&app, &oracle, last - page, "End PgUp");
    for n in 1..=3 {
        key(&mut app, KeyCode::PageUp);
        assert_selected(&app, &oracle, last - page * (n + 1), &format!("PgUp ×{n}"));
    }
    key(&mut app, KeyCode::Home);
    assert_selected(&app, &oracle, 0, "Home");
    key(&mut app, KeyCode::Up);
    assert_selected(&app, &oracle, 0, "Home Up");
}

#[test]
fn a_view_pages_its_own_slice() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, oracle) =
        app_and_oracle(dir.path(), QueueSlice::Tier(yuanzhu::domain::Tier::Three));
    // View 7 shows 一级 first, then 二级, then 三级.
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('7'));
    }
    let shown = screen(&app);
    assert!(
        shown.contains(&format!("三级 {}人", oracle.len())),
        "{shown}"
    );
    key(&mut app, KeyCode::End);
    assert_selected(&app, &oracle, oracle.len() - 1, "7 7 7 End");
}

#[test]
fn late_in_the_month_the_queue_shows_due_soon_rows_with_their_count() {
    let dir = tempfile::tempdir().unwrap();
    let late = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (app, oracle) = app_on(
        dir.path(),
        QueueSlice::FollowUps,
        40,
        late,
        Theme::sixteen(),
    );
    let due_soon = oracle
        .iter()
        .filter(|r| r.due == Some(yuanzhu::domain::DueStatus::DueSoon))
        .count();
    assert!(
        due_soon > 0,
        "the demo has follow-ups not yet done on the 23rd"
    );
    let shown = screen(&app);
    assert!(shown.contains(&format!("即将到期{due_soon}")), "{shown}");
    insta::assert_snapshot!("queue_late_in_the_month", shown);
}

#[test]
fn due_soon_rows_are_marked_apart_from_overdue_ones_in_monochrome() {
    use ratatui::style::{Color, Modifier};
    let dir = tempfile::tempdir().unwrap();
    let late = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (app, _) = app_on(dir.path(), QueueSlice::FollowUps, 40, late, Theme::mono());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| app.render(f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let style_of = |label: &str| {
        (0..24).find_map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < 80 {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                x += u16::try_from(UnicodeWidthStr::width(symbol).max(1)).unwrap();
            }
            line.contains(&format!("  {label} "))
                .then(|| buffer[(3, y)].modifier)
        })
    };
    let overdue = style_of("逾期").expect("an overdue row");
    let due_soon = style_of("即将到期").expect("a due-soon row");
    assert_ne!(overdue, due_soon);
    assert!(due_soon.contains(Modifier::UNDERLINED));
    for y in 0..24 {
        for x in 0..80 {
            assert_eq!(buffer[(x, y)].fg, Color::Reset, "no colour in monochrome");
        }
    }
}
