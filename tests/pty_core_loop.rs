//! The core loop as a caseworker runs it, in a real pseudo-terminal: a small demo opens on
//! the queue; F4, Ctrl-R, Ctrl-S, Esc enters an unchanged follow-up; the program is closed
//! and started again, and the follow-up is there.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::time::Duration;

const TODAY: &str = "2026-11-16";
const LONG: Duration = Duration::from_secs(60);

fn demo(dir: &std::path::Path) -> Pty {
    let mut pty = Pty::spawn(
        &["--today", TODAY, "demo", "--households", "30"],
        dir,
        80,
        24,
    );
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    pty
}

/// The masked ID on a queue line (`3607**********1234`).
fn masked_id(line: &str) -> String {
    line.split_whitespace()
        .find(|w| w.contains("**********"))
        .expect("masked id on the line")
        .to_string()
}

/// F4, Ctrl-R, Ctrl-S on the selected person, waiting for each screen as a person would.
fn copy_and_save(pty: &mut Pty) {
    pty.send(F4);
    pty.wait_text("月度回访", LONG);
    pty.settle(Duration::from_millis(200));
    pty.send(CTRL_R);
    pty.wait_text("已照上次", LONG);
    pty.send(CTRL_S);
    pty.wait_text("已保存", LONG);
}

/// After a restart: the person's queue row, found by the last 4 digits of the ID number.
fn row_after_restart(dir: &std::path::Path, id: &str) -> (Pty, String) {
    let mut pty = demo(dir);
    pty.send("/");
    pty.send(&id[id.len() - 4..]);
    pty.settle(Duration::from_millis(300));
    let screen = pty.screen();
    let row = screen
        .lines()
        .find(|l| l.contains(id))
        .unwrap_or_else(|| panic!("{id} in the filtered queue:\n{screen}"))
        .to_string();
    (pty, row)
}

/// Sends `signal` (e.g. `-KILL`, `-HUP`) to the program, as sshd or a power cut would.
fn signal(pty: &Pty, signal: &str) {
    let pid = pty.pid().expect("pid");
    let sent = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// After a restart, F4 on the person brings back the draft holding `typed`.
fn draft_comes_back(dir: &std::path::Path, id: &str, typed: &str) {
    let (mut pty, _) = row_after_restart(dir, id);
    pty.send(ENTER);
    pty.send(F4);
    pty.wait_text("已恢复上次未保存的草稿", LONG);
    pty.wait_text(typed, LONG);
    pty.send(CTRL_Q);
    pty.wait_exit(LONG);
}

#[test]
fn unchanged_followup_in_four_keys_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = demo(dir.path());
    let first = select_due_with_history(&mut pty);
    assert!(
        first.contains("逾期") || first.contains("待访"),
        "the queue opens on someone due: {first}"
    );
    let id = masked_id(&first);

    let down = pty.key(DOWN);
    println!("bytes for one Down in the queue at 80x24: {down}");
    assert!(
        down > 0 && down < 400,
        "one Down moves a marker, not the page: {down} B"
    );
    pty.key("\x1b[A");

    copy_and_save(&mut pty);
    pty.send(ESC);
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(200));
    let next = selected_line(&pty.screen()).expect("a selected row after Esc");
    assert!(
        next.contains("逾期") || next.contains("待访"),
        "Esc lands on the next person due: {next}"
    );
    assert_ne!(masked_id(&next), id);

    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG), "clean exit");
    drop(pty);

    let (mut pty, row) = row_after_restart(dir.path(), &id);
    assert!(
        row.contains("已访"),
        "saved follow-up shows after restart: {row}"
    );
    assert!(row.contains("11-16"), "last contact is today: {row}");
    pty.send(ENTER);
    pty.send(F3);
    pty.wait_text("户档案", LONG);
    // Today's follow-up heads the household's timeline (the header shows today too, so
    // look for the timeline line itself).
    pty.wait_for("today's follow-up in the timeline", LONG, |s| {
        s.lines()
            .any(|l| l.contains("2026-11-16") && l.contains("回访："))
    });
    pty.send(CTRL_Q);
    pty.wait_exit(LONG);
}

#[test]
fn killed_right_after_saved_the_followup_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = demo(dir.path());
    let id = masked_id(&select_due_with_history(&mut pty));
    copy_and_save(&mut pty);
    // SIGKILL: no destructor and no handler runs; only what was flushed survives.
    signal(&pty, "-KILL");
    drop(pty);

    let (mut pty, row) = row_after_restart(dir.path(), &id);
    assert!(row.contains("已访"), "{row}");
    pty.send(CTRL_Q);
    pty.wait_exit(LONG);
}

#[test]
fn resizing_mid_form_keeps_the_screen_whole_and_the_typing() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = demo(dir.path());
    pty.send(F4);
    pty.wait_text("月度回访", LONG);
    pty.send("2");
    pty.wait_text("2 电话联系", LONG);
    pty.resize(120, 40);
    pty.wait_for("the form redrawn at 120x40", LONG, |s| {
        s.lines().any(|l| l.contains("月度回访")) && s.contains("2 电话联系")
    });
    pty.resize(60, 20);
    pty.wait_text("请将终端调整到至少 80x24", LONG);
    pty.resize(80, 24);
    pty.wait_for("the form back at 80x24", LONG, |s| {
        s.contains("月度回访") && s.contains("2 电话联系") && !s.contains("请将终端")
    });
    pty.settle(Duration::from_millis(300));
    let screen = pty.screen();
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows[0].contains("援助"), "header on the top row:\n{screen}");
    assert!(
        rows.last().is_some_and(|l| l.contains("F1帮助")),
        "footer on the bottom row:\n{screen}"
    );
    pty.send(CTRL_Q);
    pty.wait_exit(LONG);
}

#[test]
fn a_dropped_link_mid_form_keeps_what_was_typed_as_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = demo(dir.path());
    let id = masked_id(&select_due_with_history(&mut pty));
    pty.send(F4);
    pty.wait_text("月度回访", LONG);
    pty.send("2");
    pty.wait_text("2 电话联系", LONG);
    // What sshd does when the link drops: SIGHUP to the session's process.
    signal(&pty, "-HUP");
    pty.wait_exit(LONG);
    drop(pty);
    assert!(
        !dir.path().join(yuanzhu::store::open_guard::MARKER).exists(),
        "a hang-up is a clean close: the next open needs no copy aside"
    );
    draft_comes_back(dir.path(), &id, "2 电话联系");
}

#[test]
fn ascii_borders_and_monochrome_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(
        &[
            "--today",
            TODAY,
            "--borders",
            "ascii",
            "--theme",
            "mono",
            "demo",
            "--households",
            "30",
        ],
        dir.path(),
        80,
        24,
    );
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    let screen = pty.screen();
    assert!(
        screen
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("+ 案件队列")),
        "{screen}"
    );
    assert!(!screen.contains('┌') && !screen.contains('│'), "{screen}");
    let cell = pty
        .parser
        .screen()
        .cell(4, 4)
        .expect("a cell of the first row");
    assert_eq!(cell.fgcolor(), vt100::Color::Default, "mono: no colour");
    pty.send(CTRL_Q);
    pty.wait_exit(LONG);
}

#[test]
fn the_same_screen_under_every_common_term() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(
        dir.path(),
        30,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
    ));
    let mut screens = Vec::new();
    for term in [
        "linux",
        "xterm",
        "xterm-256color",
        "screen",
        "tmux-256color",
    ] {
        let mut pty = Pty::spawn_with_term(&["--today", TODAY, "demo"], dir.path(), 80, 24, term);
        pty.wait_text("案件队列", LONG);
        pty.settle(Duration::from_millis(300));
        pty.send(DOWN);
        pty.settle(Duration::from_millis(200));
        screens.push((term, pty.screen()));
        pty.send(CTRL_Q);
        pty.wait_exit(LONG);
    }
    for (term, screen) in &screens[1..] {
        assert_eq!(screen, &screens[0].1, "TERM={term} differs from TERM=linux");
    }
}

#[test]
fn typing_left_alone_a_moment_survives_even_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = demo(dir.path());
    let id = masked_id(&select_due_with_history(&mut pty));
    pty.send(F4);
    pty.wait_text("月度回访", LONG);
    pty.send("3");
    pty.wait_text("3 数据比对", LONG);
    // The draft is kept after a second without typing; give it two and a half.
    let quiet = pty.settle(Duration::from_millis(2500));
    assert_eq!(quiet, 0, "keeping a draft draws nothing");
    signal(&pty, "-KILL");
    drop(pty);
    draft_comes_back(dir.path(), &id, "3 数据比对");
}

#[test]
fn a_township_caseworker_sees_only_their_township() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = demo(dir.path());
    pty.send(CTRL_Q);
    pty.wait_exit(LONG);
    drop(pty);
    let mut pty = Pty::spawn(
        &["--today", TODAY, "--as", "jingban", "demo"],
        dir.path(),
        80,
        24,
    );
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    let screen = pty.screen();
    assert!(screen.contains("jingban（乡镇经办，贡江镇）"), "{screen}");
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("**********"))
        .collect();
    assert!(!rows.is_empty(), "{screen}");
    assert!(rows.iter().all(|l| l.contains("贡江镇")), "{screen}");
    pty.send(CTRL_Q);
    pty.wait_exit(LONG);
}

/// Issue 13, finding 1: under the size notice keys used to act unseen (F4, Esc, Enter opened
/// a form, left a draft and moved to another household). Now nothing changes: the same
/// screen comes back when the terminal grows again, and no draft was left.
#[test]
fn finding_1_keys_under_the_size_notice_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = demo(dir.path());
    let before = pty.screen();
    pty.resize(70, 20);
    pty.wait_text("请将终端调整到至少 80x24", LONG);
    for key in [F4, ESC, ENTER, F4, "2", ESC] {
        pty.send(key);
        pty.settle(Duration::from_millis(150));
    }
    pty.resize(80, 24);
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    assert_eq!(pty.screen(), before, "the same screen after resizing back");
    // The selected person's form opens fresh: no draft was left behind unseen.
    pty.send(F4);
    pty.wait_text("月度回访", LONG);
    pty.settle(Duration::from_millis(300));
    assert!(
        !pty.screen().contains("已恢复上次未保存的草稿"),
        "{}",
        pty.screen()
    );
}
