//! The way in by keyboard, in a real terminal at 80×24: the township caseworker takes an
//! application at the counter and passes the initial review; the county reviewer is told
//! the notice still runs; a week later (`--today`) recognises. Accounts switched with
//! `demo --as`, as a trainer would show it.

mod common;

use common::*;
use std::path::Path;
use std::time::Duration;

const LONG: Duration = Duration::from_secs(60);

fn session(dir: &Path, today: &str, user: &str) -> Pty {
    let mut pty = Pty::spawn(
        &["--today", today, "demo", "--households", "30", "--as", user],
        dir,
        80,
        24,
    );
    pty.wait_text("案件队列", LONG);
    pty.settle(Duration::from_millis(300));
    pty
}

fn field(pty: &mut Pty, text: &str) {
    pty.send(text);
    pty.send(ENTER);
}

fn close(mut pty: Pty) {
    pty.send(CTRL_Q);
    assert!(pty.wait_exit(LONG));
}

/// Finds the applicant (ID ending 1243) in the queue view `view` and opens the review.
fn review_applicant(pty: &mut Pty, view: &str) {
    pty.send(view);
    pty.send("/1243");
    pty.send(ENTER);
    pty.wait_text("刘春花", LONG);
    pty.send("s");
    pty.wait_text("审核 刘春花", LONG);
}

#[test]
fn an_application_from_the_counter_through_the_notice_to_recognition() {
    let dir = tempfile::tempdir().unwrap();

    // Thursday 11-19, the township's counter.
    let mut pty = session(dir.path(), "2026-11-19", "jingban");
    pty.send("n");
    pty.wait_text("登记申请", LONG);
    field(&mut pty, "360731198305041243");
    pty.wait_text("女，43岁", LONG);
    field(&mut pty, "刘春花");
    field(&mut pty, "13907970001");
    pty.send(ENTER); // 申请援助 1 是
    pty.send(ENTER); // 家庭 1 新建家庭
    pty.send(ENTER); // 乡镇: the caseworker's own, filled in
    field(&mut pty, "长征村");
    // 住址, 经营财产收入 … 失业登记日期 as given.
    for _ in 0..8 {
        pty.send(ENTER);
    }
    pty.send("2"); // 低保
    field(&mut pty, "于民〔2026〕88号");
    pty.send("于都县民政局");
    pty.wait_text("于都县民政局", LONG);
    pty.send(CTRL_S);
    pty.wait_text("已登记 刘春花", LONG);
    pty.wait_text("零就业家庭", LONG);
    pty.send("s");
    pty.wait_text("审核 刘春花", LONG);
    pty.send("7"); // 认定 is not this state's step: only 1 and 3 are offered
    pty.wait_text("不是此案件可办理的事项", LONG);
    pty.send("1");
    pty.wait_text("案件现为“初审”", LONG);
    pty.send("2");
    pty.wait_text("案件现为“公示中”", LONG);
    pty.wait_text("11-26 起可认定", LONG);
    close(pty);

    // The same day, the county: the notice still runs.
    let mut pty = session(dir.path(), "2026-11-19", "shenhe");
    review_applicant(&mut pty, "3");
    pty.send("7");
    pty.wait_text("帮扶等级（1 一级", LONG);
    pty.send("1");
    // Recognition is final: the screen says so and waits for a yes.
    pty.wait_text("请确认（此步不能撤回）", LONG);
    pty.send("y");
    pty.wait_text("公示期至 2026-11-25 结束", LONG);
    close(pty);

    // A week on, the notice has run: recognised at tier 一级.
    let mut pty = session(dir.path(), "2026-11-26", "shenhe");
    review_applicant(&mut pty, "4");
    pty.send("7");
    pty.send("1");
    pty.wait_text("认定 刘春花 为就业困难人员（一级）", LONG);
    pty.send(ENTER);
    pty.wait_text("案件现为“已认定”", LONG);
    pty.wait_text("帮扶等级：一级", LONG);
    pty.send(ESC);
    // Esc alone, then a key: sent together they would read as Alt-1.
    pty.settle(Duration::from_millis(300));
    pty.send("1");
    pty.settle(Duration::from_millis(300));
    assert!(pty.screen().contains("案件队列 共"), "{}", pty.screen());
    close(pty);
}

#[test]
fn an_intake_cut_off_by_a_dropped_link_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = session(dir.path(), "2026-11-19", "jingban");
    pty.send("n");
    pty.wait_text("登记申请", LONG);
    field(&mut pty, "360731198305041243");
    pty.send("刘春花");
    pty.wait_text("刘春花", LONG);
    // What sshd does when the link drops.
    let pid = pty.pid().expect("pid").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    assert!(pty.wait_exit(LONG));
    drop(pty);

    let mut pty = session(dir.path(), "2026-11-19", "jingban");
    pty.send("n");
    pty.wait_text("已恢复上次未登记完的登记表", LONG);
    pty.wait_text("360731198305041243", LONG);
    pty.wait_text("刘春花", LONG);
    close(pty);
}
