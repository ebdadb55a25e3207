//! 监督 in a real pseudo-terminal at 80×24: an account that revealed more ID numbers today
//! than the setting allows is a finding; the county reviewer presses F9, moves to it, marks
//! it 已核实 with a note typed in Chinese, and the selection stays on it, now disposed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::time::Duration;
use yuanzhu::store::Stamp;

const LONG: Duration = Duration::from_secs(60);
const F9: &str = "\x1b[20~";

#[test]
fn a_reviewer_disposes_of_a_reveals_finding_and_stays_on_it() {
    let dir = tempfile::tempdir().unwrap();
    // The audit trail is read by real time: the session's date is the real one, so the
    // pane opens on the month the reveals were made in.
    let today = yuanzhu::service::now_cst().date_naive();
    let day = today.format("%Y-%m-%d").to_string();
    {
        let store = demo_store(dir.path(), 20, today);
        let person = store.summaries().unwrap()[0].person;
        for _ in 0..21 {
            let stamp = Stamp {
                actor: "liujb".into(),
                at: yuanzhu::service::now_cst(),
            };
            store
                .record_access(&stamp, "查看完整身份证号", "某人".into(), person.to_key())
                .unwrap();
        }
    }

    let mut pty = Pty::spawn(&["--today", &day, "--as", "shenhe"], dir.path(), 80, 24);
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    pty.send(F9);
    pty.wait_text("监督", LONG);
    pty.wait_text("查看证号过多", LONG);
    pty.settle(Duration::from_millis(300));
    for _ in 0..40 {
        let line = selected_line(&pty.screen()).unwrap_or_default();
        if line.contains("查看证号过多") {
            break;
        }
        pty.send(DOWN);
        pty.settle(Duration::from_millis(200));
    }
    let screen = pty.screen();
    let line = selected_line(&screen).unwrap_or_default();
    assert!(
        line.contains("liujb") && line.contains("未处置"),
        "{screen}"
    );
    assert!(screen.contains("查看身份证号 21 次"), "{screen}");

    pty.send("v");
    pty.wait_text("已核实，说明：", LONG);
    pty.send("已约谈本人");
    pty.wait_text("已约谈本人", LONG);
    pty.send(ENTER);
    pty.wait_text("已处置：已核实", LONG);
    pty.wait_for("the finding disposed", LONG, |s| {
        selected_line(s).is_some_and(|l| l.contains("查看证号过多") && l.contains("已核实"))
    });
    pty.settle(Duration::from_millis(300));
    let after = pty.screen();
    assert!(after.contains("已约谈本人"), "{after}");

    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG), "{}", pty.screen());
}
