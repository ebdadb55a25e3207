//! 统计 drilled down in a real pseudo-terminal at 80×24: the county reviewer presses F8,
//! chooses a township's 援助率, lists the people it counts, and opens one of them's
//! household; Esc twice comes back to the table on the same township.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;

const LONG: Duration = Duration::from_secs(60);
const F8: &str = "\x1b[19~";
const TAB: &str = "\t";

/// The selected row's figures, after the township's name.
fn figures(line: &str) -> Vec<String> {
    line.trim_matches(|c| c == '│' || c == '|')
        .trim_start_matches("> ")
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn a_township_s_rate_drills_down_to_a_person_s_household() {
    let dir = tempfile::tempdir().unwrap();
    // Generates the demo county, then stops: no terminal here.
    let made = Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--today", "2026-11-16", "demo", "--households", "40"])
        .env_remove("YUANZHU_TODAY")
        .env_remove("YUANZHU_DATA_DIR")
        .env_remove("YUANZHU_KEYMAP")
        .env_remove("YUANZHU_SOCKET")
        .env_remove("YUANZHU_CONFIG")
        .output()
        .unwrap();
    assert!(dir.path().read_dir().unwrap().next().is_some(), "{made:?}");

    let mut pty = Pty::spawn(
        &["--today", "2026-11-16", "--as", "shenhe"],
        dir.path(),
        80,
        24,
    );
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    pty.send(F8);
    pty.wait_text("[在册]", LONG);
    pty.send(TAB);
    pty.send(TAB);
    pty.wait_text("[援助率]", LONG);
    pty.settle(Duration::from_millis(300));
    // The first township whose rate has a denominator.
    let mut township = None;
    for _ in 0..40 {
        let screen = pty.screen();
        let line = selected_line(&screen).unwrap_or_default();
        let f = figures(&line);
        if line.contains("全县合计") {
            break;
        }
        if f.get(2)
            .is_some_and(|d| d.parse::<u32>().is_ok_and(|d| d > 0))
        {
            township = Some((line.clone(), f[2].clone()));
            break;
        }
        pty.send(DOWN);
        pty.settle(Duration::from_millis(200));
    }
    let (row, denominator) = township.unwrap_or_else(|| panic!("a township with a rate"));
    let name = row
        .trim_matches(|c| c == '│' || c == '|')
        .trim_start_matches("> ")
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    pty.send(ENTER);
    pty.wait_text("统计名单", LONG);
    pty.wait_text("计入原因", LONG);
    pty.settle(Duration::from_millis(300));
    let list = pty.screen();
    assert!(list.contains(&name), "{name}:\n{list}");
    assert!(
        list.contains(&format!("共 {denominator} 人")),
        "{denominator}:\n{list}"
    );
    let person = selected_line(&list)
        .and_then(|l| {
            l.trim_matches(|c| c == '│' || c == '|')
                .trim_start_matches("> ")
                .split_whitespace()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("a person selected:\n{list}"));

    pty.send(ENTER);
    // The list's footer names 户档案 too: wait for the list to give way to the file.
    pty.wait_for("the household file", LONG, |s| {
        s.contains("户档案") && !s.contains("统计名单")
    });
    pty.settle(Duration::from_millis(300));
    let household = pty.screen();
    assert!(household.contains(&person), "{person}:\n{household}");

    pty.send(ESC);
    pty.wait_text("统计名单", LONG);
    pty.send(ESC);
    pty.wait_text("[援助率]", LONG);
    pty.settle(Duration::from_millis(300));
    let back = pty.screen();
    let again = selected_line(&back).unwrap_or_default();
    assert!(again.contains(&name), "{name}:\n{back}");
    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG));
}
