//! Sessions of a county server, as caseworkers meet them: `yuanzhu serve` runs (the real
//! binary, identities from SO_PEERCRED), the TUI in a pseudo-terminal reaches it through
//! the socket, and this test is "the other caseworker" saving through the same server.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use yuanzhu::remote::SocketBackend;
use yuanzhu::service::{
    Backend, QUEUE_WINDOW_MAX, QueueAt, QueueQuery, QueueRow, QueueSlice, Request, Response,
};

const TODAY: &str = "2026-11-16";
const LONG: Duration = Duration::from_secs(60);

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

/// `yuanzhu serve` on a demo store, stopped when dropped.
struct Served {
    child: Child,
    socket: PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path) -> Served {
    drop(demo_store(dir, 30, today()));
    start_server(dir)
}

fn start_server(dir: &Path) -> Served {
    let child = Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .args(["--data-dir"])
        .arg(dir)
        .args(["--today", TODAY, "serve"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start yuanzhu serve");
    let socket = dir.join("yuanzhu.sock");
    let deadline = Instant::now() + LONG;
    while UnixStream::connect(&socket).is_err() {
        assert!(Instant::now() < deadline, "the server never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
    Served { child, socket }
}

/// A caseworker's session through the server, on the queue.
fn session(dir: &Path) -> Pty {
    // No --today: the server's date counts, and a client's own is refused (finding 6).
    let mut pty = Pty::spawn(&[], dir, 80, 24);
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    pty
}

fn masked_id(line: &str) -> String {
    line.split_whitespace()
        .find(|w| w.contains("**********"))
        .expect("masked id on the line")
        .to_string()
}

/// The other caseworker: this test, through the same server.
fn other(served: &Served) -> SocketBackend {
    SocketBackend::connect(&served.socket).expect("connect")
}

fn row_of(other: &mut SocketBackend, id: &str) -> QueueRow {
    // A page of the follow-ups searched by the ID number's last four digits.
    let query = QueueQuery {
        slice: QueueSlice::FollowUps,
        search: id[id.len() - 4..].to_string(),
        at: QueueAt::First,
        before: 0,
        after: QUEUE_WINDOW_MAX,
    };
    match other.call(Request::QueuePage(query)).unwrap().body {
        Response::QueuePage(page) => page.rows.into_iter().find(|r| r.id_masked == id).unwrap(),
        body => panic!("{body:?}"),
    }
}

/// The other caseworker saves a home visit with a plan of their own.
fn save_visit(other: &mut SocketBackend, row: &QueueRow, plan: &str) {
    use yuanzhu::domain::followup_form::Field;
    let rev = match other
        .call(Request::FollowUpForm { case: row.case })
        .unwrap()
        .body
    {
        Response::FollowUpForm(view) => view.rev,
        body => panic!("{body:?}"),
    };
    let mut draft = unemployed_visit(today(), row.tier);
    draft.press_code(Field::Method, '1');
    draft.set(Field::Plan, plan.into());
    other
        .call(Request::SaveFollowUp {
            case: row.case,
            rev,
            draft,
        })
        .unwrap();
}

#[test]
fn a_session_dropped_mid_form_gets_its_draft_back_from_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let _served = serve(dir.path());
    let mut pty = session(dir.path());
    assert!(pty.screen().contains("县级审核"), "{}", pty.screen());
    let id = masked_id(&select_due_with_history(&mut pty));
    pty.send(F4);
    pty.wait_text("月度回访", LONG);
    pty.send("2");
    pty.wait_text("2 电话联系", LONG);
    // What sshd does when the link drops: SIGHUP to the session's process.
    let pid = pty.pid().expect("pid");
    let sent = Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    assert!(pty.wait_exit(LONG));
    drop(pty);

    // The caseworker logs in again: same account, a new session, the form as it was.
    let mut pty = session(dir.path());
    pty.send("/");
    pty.send(&id[id.len() - 4..]);
    pty.settle(Duration::from_millis(300));
    pty.send(ENTER);
    pty.send(F4);
    pty.wait_text("已恢复上次未保存的草稿", LONG);
    pty.wait_text("2 电话联系", LONG);
    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG));
}

#[test]
fn another_caseworkers_save_shows_in_the_queue_within_a_second_and_idle_costs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let mut pty = session(dir.path());
    let line = select_due_with_history(&mut pty);
    assert!(!line.contains("已访"), "{line}");
    let id = masked_id(&line);

    // Nothing changes: nothing is sent.
    let idle = pty.settle(Duration::from_millis(1500));
    assert_eq!(idle, 0, "an idle queue sent {idle} B");

    let mut other = other(&served);
    let row = row_of(&mut other, &id);
    let saved_at = Instant::now();
    save_visit(&mut other, &row, "推荐到工业园保洁岗位");
    pty.wait_for("the other save in the queue", LONG, |screen| {
        selected_line(screen).is_some_and(|l| l.contains(&id) && l.contains("已访"))
    });
    let seen = saved_at.elapsed();
    println!("another session's save reached this queue in {seen:?}");
    assert!(seen < Duration::from_secs(5), "{seen:?}");
    pty.settle(Duration::from_millis(300));
    let idle = pty.settle(Duration::from_millis(1500));
    assert_eq!(idle, 0, "after the refresh, idle sent {idle} B");
    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG));
}

#[test]
fn a_save_that_meets_anothers_save_is_resolved_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let mut pty = session(dir.path());
    let id = masked_id(&select_due_with_history(&mut pty));
    pty.send(F4);
    pty.wait_text("月度回访", LONG);
    pty.settle(Duration::from_millis(200));
    pty.send(CTRL_R);
    pty.wait_text("已照上次", LONG);

    // Meanwhile the other caseworker saves this person's visit.
    let mut other = other(&served);
    let row = row_of(&mut other, &id);
    save_visit(&mut other, &row, "推荐到工业园保洁岗位");

    pty.send(CTRL_S);
    pty.wait_text("保存冲突", LONG);
    pty.settle(Duration::from_millis(200));
    let screen = pty.screen();
    assert!(screen.contains("推荐到工业园保洁岗位"), "{screen}");
    assert!(screen.contains("您填写的"), "{screen}");
    assert!(screen.contains("项不同"), "{screen}");
    // Keep their contact method (the first field that differs), the rest as typed.
    pty.send("1");
    pty.settle(Duration::from_millis(200));
    pty.send(CTRL_S);
    pty.wait_text("已保存 2026-11-16 的回访", LONG);

    // Both visits are on file.
    let timeline = match other
        .call(Request::Household {
            household: row.household,
        })
        .unwrap()
        .body
    {
        Response::Household(h) => h.timeline,
        body => panic!("{body:?}"),
    };
    let todays = timeline
        .iter()
        .filter(|e| e.date == today() && e.what.contains("回访"))
        .count();
    assert_eq!(todays, 2, "{timeline:?}");
    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG));
}

#[test]
fn a_session_carries_on_when_the_server_restarts_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let mut pty = session(dir.path());
    let line = select_due_with_history(&mut pty);
    drop(served);
    let _again = start_server(dir.path());
    pty.send(ENTER);
    pty.wait_text("户档案", LONG);
    let screen = pty.screen();
    assert!(!screen.contains("连接中断"), "{screen}");
    assert!(
        screen.contains(line.split_whitespace().nth(2).unwrap()),
        "{line}\n{screen}"
    );
    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG));
}

#[test]
fn the_server_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut served = serve(dir.path());
    let pid = served.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = served.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!served.socket.exists(), "the socket is removed");
    assert!(
        !dir.path().join(yuanzhu::store::open_guard::MARKER).exists(),
        "process::exit after the flush still records a clean close"
    );
    // With the server gone the store opens in-process again.
    let o = Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("审计链完整"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!yuanzhu::store::open_guard::copy_path(dir.path()).exists());
}

#[test]
fn finding_6_a_client_given_its_own_date_is_refused_while_a_server_answers() {
    let dir = tempfile::tempdir().unwrap();
    let _served = serve(dir.path());
    let client = |flag: bool, env: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_yuanzhu"));
        cmd.arg("--data-dir").arg(dir.path());
        cmd.env_remove("YUANZHU_TODAY")
            .env_remove("YUANZHU_SOCKET")
            .env_remove("YUANZHU_CONFIG");
        if flag {
            cmd.args(["--today", "2026-12-01"]);
        }
        if env {
            cmd.env("YUANZHU_TODAY", "2026-12-01");
        }
        cmd.arg("zero").output().expect("run yuanzhu zero")
    };
    for (flag, env) in [(true, false), (false, true)] {
        let o = client(flag, env);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{err}");
        assert!(
            err.contains("以服务器的日期为准") && err.contains("--today"),
            "{err}"
        );
    }
    // Without a date of its own the same client is served.
    let o = client(false, false);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
