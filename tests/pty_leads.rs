//! The 线索 pane in a real pseudo-terminal at 80×24: a 民政低保 list imported on Friday
//! 11-13 makes fast-lane leads due to be contacted by Wednesday 11-18 (第(四)条 快捷通道);
//! on Friday 11-20 the county reviewer presses `x` in the queue and sees them as 逾期, then
//! records a contact and sees it take.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::process::{Command, Output};
use std::time::Duration;

const LONG: Duration = Duration::from_secs(60);

fn run(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("YUANZHU_TODAY")
        .env_remove("YUANZHU_DATA_DIR")
        .env_remove("YUANZHU_KEYMAP")
        .env_remove("YUANZHU_SOCKET")
        .env_remove("YUANZHU_CONFIG")
        .output()
        .unwrap()
}

fn yuanzhu(dir: &std::path::Path, args: &[&str]) -> Output {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_fast_lane_lead_past_its_contact_deadline_is_shown_overdue() {
    let dir = tempfile::tempdir().unwrap();
    // Generates the demo county, then stops: no terminal here.
    run(
        dir.path(),
        &[
            "--today",
            "2026-11-16",
            "demo",
            "--households",
            "5",
            "--no-lists",
        ],
    );
    let imported = yuanzhu(
        dir.path(),
        &[
            "--today",
            "2026-11-16",
            "--as",
            "guanli",
            "import",
            "list",
            "--source",
            "民政低保",
            "--list-date",
            "2026-11-13",
            "--apply",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/import/民政低保名单-2026-11.csv"
            ),
        ],
    );
    assert!(String::from_utf8_lossy(&imported.stdout).contains("已写入"));

    let mut pty = Pty::spawn(
        &["--today", "2026-11-20", "--as", "shenhe"],
        dir.path(),
        80,
        24,
    );
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    pty.send("x");
    pty.wait_text("快捷通道", LONG);
    pty.settle(Duration::from_millis(300));
    let screen = pty.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("陈建华"))
        .unwrap_or_else(|| panic!("陈建华 among the leads:\n{screen}"));
    assert!(row.contains("逾期"), "{screen}");
    assert!(screen.contains("逾期4"), "{screen}");

    // 已联系 with a note: the row is no longer overdue.
    let selected = selected_line(&screen).unwrap_or_default();
    pty.send("d");
    pty.wait_text("处理结果：已联系", LONG);
    pty.send("电话已联系");
    pty.send(ENTER);
    pty.wait_text("已记录", LONG);
    pty.settle(Duration::from_millis(300));
    let after = pty.screen();
    assert!(after.contains("逾期3"), "{selected}\n{after}");
    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG));
}
