//! The command line as a caseworker or administrator meets it: clear Chinese messages for a
//! wrong date, a demo of another size, a broken keymap file, a missing store.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn yuanzhu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .args(args)
        .env_remove("YUANZHU_TODAY")
        .env_remove("YUANZHU_DATA_DIR")
        .env_remove("YUANZHU_KEYMAP")
        .env_remove("YUANZHU_SOCKET")
        .env_remove("YUANZHU_CONFIG")
        .output()
        .expect("run yuanzhu")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_impossible_today_is_refused_with_the_reason() {
    let o = yuanzhu(&["--today", "2026-02-30", "demo"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("日期无效"), "{}", stderr(&o));
}

#[test]
fn the_flag_wins_over_the_environment_for_today() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .args([
            "--data-dir",
            d,
            "--today",
            "2026-11-16",
            "keymap",
            "check",
            "keymaps/default.toml",
        ])
        .env("YUANZHU_TODAY", "not a date")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_demo_of_another_size_says_so_and_suggests_reset() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    // Without a terminal the TUI refuses to start, but the demo is generated first.
    let first = yuanzhu(&[
        "--data-dir",
        d,
        "--today",
        "2026-11-16",
        "demo",
        "--households",
        "5",
    ]);
    assert!(
        stderr(&first).contains("需要在终端中运行"),
        "{}",
        stderr(&first)
    );
    let again = yuanzhu(&[
        "--data-dir",
        d,
        "--today",
        "2026-11-16",
        "demo",
        "--households",
        "6",
    ]);
    let msg = stderr(&again);
    assert!(!again.status.success());
    assert!(
        msg.contains("已有 5 户") && msg.contains("--reset"),
        "{msg}"
    );
    let same = yuanzhu(&["--data-dir", d, "--today", "2026-11-16", "demo"]);
    assert!(
        stderr(&same).contains("需要在终端中运行"),
        "{}",
        stderr(&same)
    );
}

#[test]
fn plain_yuanzhu_without_a_store_points_to_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let o = yuanzhu(&["--data-dir", dir.path().join("nothing").to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("yuanzhu demo"), "{}", stderr(&o));
}

#[test]
fn keymap_check_reports_each_problem_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keymap.toml");
    std::fs::write(
        &file,
        "[queue]\nj = \"down\"\nctrl-c = \"quit\"\n\n[followup]\nf9 = \"fly\"\n",
    )
    .unwrap();
    let o = yuanzhu(&["keymap", "check", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("keymap.toml:3:"), "{out}");
    assert!(out.contains("keymap.toml:6:"), "{out}");
    let ok = yuanzhu(&["keymap", "check", "keymaps/vim.toml"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
}

#[test]
fn a_config_file_with_an_unknown_key_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "theme = \"mono\"\nboarders = \"ascii\"\n").unwrap();
    let o = yuanzhu(&[
        "--config",
        file.to_str().unwrap(),
        "--data-dir",
        dir.path().join("store").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let msg = stderr(&o);
    assert!(msg.contains("配置文件") && msg.contains("line 2"), "{msg}");
}

/// A demo store made by the program itself (the TUI then refuses to start without a tty).
fn demo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    yuanzhu(&[
        "--data-dir",
        d,
        "--today",
        "2026-11-16",
        "demo",
        "--households",
        "5",
        // The tests import the sample lists into a county with none of its own.
        "--no-lists",
    ]);
    dir
}

#[test]
fn an_administrator_adds_lists_and_disables_accounts() {
    let dir = demo_dir();
    let d = dir.path().to_str().unwrap();
    let add = yuanzhu(&[
        "--data-dir",
        d,
        "--as",
        "guanli",
        "user",
        "add",
        "liu.xm",
        "--role",
        "乡镇经办",
        "--township",
        "贡江镇",
    ]);
    assert!(add.status.success(), "{}", stderr(&add));
    let list = yuanzhu(&["--data-dir", d, "--as", "guanli", "user", "list"]);
    let out = String::from_utf8_lossy(&list.stdout);
    assert!(
        out.lines()
            .any(|l| l.contains("liu.xm") && l.contains("乡镇经办") && l.contains("贡江镇")),
        "{out}"
    );
    assert!(
        out.contains("jingban") && out.contains("shenhe") && out.contains("guanli"),
        "{out}"
    );
    let off = yuanzhu(&[
        "--data-dir",
        d,
        "--as",
        "guanli",
        "user",
        "disable",
        "liu.xm",
    ]);
    assert!(off.status.success(), "{}", stderr(&off));
    let refused = yuanzhu(&["--data-dir", d, "--as", "liu.xm", "user", "list"]);
    assert!(stderr(&refused).contains("已停用"), "{}", stderr(&refused));
}

#[test]
fn only_an_administrator_manages_accounts_and_caseworkers_need_a_township() {
    let dir = demo_dir();
    let d = dir.path().to_str().unwrap();
    let o = yuanzhu(&["--data-dir", d, "--as", "jingban", "user", "list"]);
    assert!(
        stderr(&o).contains("只有管理员可以管理账户"),
        "{}",
        stderr(&o)
    );
    let o = yuanzhu(&[
        "--data-dir",
        d,
        "--as",
        "guanli",
        "user",
        "add",
        "wang",
        "--role",
        "乡镇经办",
    ]);
    assert!(
        stderr(&o).contains("需要用 --township 指定乡镇"),
        "{}",
        stderr(&o)
    );
    let o = yuanzhu(&[
        "--data-dir",
        d,
        "--as",
        "guanli",
        "user",
        "add",
        "王五",
        "--role",
        "管理员",
    ]);
    assert!(
        stderr(&o).contains("账户名应为系统用户名"),
        "{}",
        stderr(&o)
    );
    let o = yuanzhu(&["--data-dir", d, "--as", "nobody", "user", "list"]);
    assert!(stderr(&o).contains("没有援助账户"), "{}", stderr(&o));
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn init_sets_up_an_empty_county_from_a_gbk_township_list() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("乡镇.txt");
    let (gbk, _, _) = encoding_rs::GBK.encode("# 于都县乡镇\n贡江镇\n360731205 罗坳镇\n铁山垅镇\n");
    std::fs::write(&list, &gbk).unwrap();
    let store = dir.path().join("store");
    let (s, l) = (store.to_str().unwrap(), list.to_str().unwrap());
    let me = yuanzhu::remote::login_name();
    let o = yuanzhu(&[
        "--data-dir",
        s,
        "init",
        "--county",
        "于都县",
        "--code",
        "360731",
        "--townships",
        l,
        "--admin",
        &me,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 个乡镇，管理员"), "{}", stdout(&o));
    let mode = std::fs::metadata(&store).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the store is the service account's alone");

    // The administrator adds a township's caseworker, by township name.
    let o = yuanzhu(&[
        "--data-dir",
        s,
        "user",
        "add",
        "wang.f",
        "--role",
        "乡镇经办",
        "--township",
        "罗坳镇",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = yuanzhu(&["--data-dir", s, "user", "list"]);
    let list_out = stdout(&o);
    assert!(
        list_out.contains("wang.f") && list_out.contains("罗坳镇"),
        "{list_out}"
    );
    assert!(
        list_out.contains(&me) && list_out.contains("管理员"),
        "{list_out}"
    );

    // Run again on the same directory: refused, nothing touched.
    let o = yuanzhu(&[
        "--data-dir",
        s,
        "init",
        "--county",
        "于都县",
        "--code",
        "360731",
        "--townships",
        l,
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("已有数据库，不会覆盖"),
        "{}",
        stderr(&o)
    );
    let o = yuanzhu(&["--data-dir", s, "audit", "verify"]);
    assert!(stdout(&o).contains("审计链完整"), "{}", stdout(&o));
}

#[test]
fn init_reports_every_bad_township_line_and_a_wrong_county_code() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("t.txt");
    std::fs::write(&list, "贡江镇\n贡江镇\n12345 罗坳镇\n").unwrap();
    let store = dir.path().join("store");
    let (s, l) = (store.to_str().unwrap(), list.to_str().unwrap());
    let o = yuanzhu(&[
        "--data-dir",
        s,
        "init",
        "--county",
        "于都县",
        "--code",
        "360731",
        "--townships",
        l,
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("第 2 行") && e.contains("第 3 行"), "{e}");
    assert!(!store.exists(), "nothing is created from a bad list");
    let o = yuanzhu(&[
        "--data-dir",
        s,
        "init",
        "--county",
        "于都县",
        "--code",
        "110101",
        "--townships",
        l,
    ]);
    assert!(stderr(&o).contains("--code"), "{}", stderr(&o));
}

#[test]
fn a_store_held_elsewhere_with_no_server_says_how_to_start_one() {
    let dir = demo_dir();
    let d = dir.path().to_str().unwrap();
    let _held = yuanzhu::store::Store::open(dir.path(), Default::default()).unwrap();
    let o = yuanzhu(&["--data-dir", d, "audit", "verify"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("正被另一个程序使用"), "{e}");
    assert!(e.contains("yuanzhu serve --data-dir"), "{e}");
    assert!(!e.contains("lock"), "no sled wording: {e}");
}

#[test]
fn a_socket_nobody_answers_is_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("yuanzhu.sock");
    let o = yuanzhu(&["--socket", sock.to_str().unwrap(), "user", "list"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("无法连接援助服务") && e.contains("套接字不存在"),
        "{e}"
    );
    assert!(e.contains("管理员"), "{e}");
}

#[test]
fn finding_20_completions_and_a_man_page_are_generated_without_a_store_or_config() {
    for shell in ["bash", "zsh", "fish"] {
        let o = yuanzhu(&["--config", "/nonexistent/config.toml", "completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = String::from_utf8_lossy(&o.stdout);
        assert!(
            script.contains("yuanzhu") && script.contains("serve"),
            "{shell}"
        );
    }
    let o = yuanzhu(&["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = String::from_utf8_lossy(&o.stdout);
    assert!(page.contains(".TH") && page.contains("援助"), "{page}");
    let o = yuanzhu(&["completions", "powershell"]);
    assert!(!o.status.success());
}

#[test]
fn the_sample_lists_are_tried_then_imported_and_counted_by_yuanzhu_leads() {
    let dir = demo_dir();
    let d = dir.path().to_str().unwrap();
    let csv = "examples/import/民政低保名单-2026-11.csv";
    let args = |more: &[&'static str]| {
        let mut a = vec!["--data-dir", d, "--today", "2026-11-20", "--as", "guanli"];
        a.extend_from_slice(more);
        a
    };
    let dry = yuanzhu(&args(&[
        "import",
        "list",
        "--source",
        "民政低保",
        "--list-date",
        "2026-11-18",
        csv,
    ]));
    let out = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(out.contains("8 行，合格 4 行"), "{out}");
    assert!(out.contains("第 6 行：") && out.contains("文本"), "{out}");
    assert!(out.contains("第 8 行：身份证号与第 2 行重复"), "{out}");
    assert!(out.contains("未写入"), "{out}");
    let apply = yuanzhu(&args(&[
        "import",
        "list",
        "--source",
        "民政低保",
        "--list-date",
        "2026-11-18",
        "--apply",
        csv,
    ]));
    assert!(apply.status.success(), "{}", stderr(&apply));
    assert!(String::from_utf8_lossy(&apply.stdout).contains("已写入"));
    let xlsx = yuanzhu(&args(&[
        "import",
        "list",
        "--source",
        "残联持证",
        "--apply",
        "examples/import/残联持证名单-身份证号为数字.xlsx",
    ]));
    let out = String::from_utf8_lossy(&xlsx.stdout).into_owned();
    assert!(
        out.contains("身份证号被Excel改成了数字（未导入）：2 行"),
        "{out}"
    );
    let stats = yuanzhu(&args(&["leads"]));
    let out = String::from_utf8_lossy(&stats.stdout).into_owned();
    assert!(
        out.lines()
            .any(|l| l.starts_with("民政低保") && l.contains(" 4 ")),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("残联持证")), "{out}");
    let caseworker = yuanzhu(&[
        "--data-dir",
        d,
        "--as",
        "jingban",
        "import",
        "list",
        "--source",
        "民政低保",
        csv,
    ]);
    assert!(
        stderr(&caseworker).contains("只有管理员和县级审核"),
        "{}",
        stderr(&caseworker)
    );
}

#[test]
fn finding_20_user_add_warns_when_the_name_is_not_an_os_user() {
    let dir = demo_dir();
    let d = dir.path().to_str().unwrap();
    let add = |name: &str| {
        yuanzhu(&[
            "--data-dir",
            d,
            "--as",
            "guanli",
            "user",
            "add",
            name,
            "--role",
            "县级审核",
        ])
    };
    let o = add("zhang.noos");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("本机没有名为“zhang.noos”的系统用户"),
        "{}",
        stderr(&o)
    );
    // nobody is an OS user on every Linux system: no warning.
    let o = add("nobody");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("系统用户"), "{}", stderr(&o));
}

#[test]
fn finding_20_the_deployment_examples_pass_no_color_and_read_townships_outside_root() {
    let deploy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/deploy");
    let sshd = std::fs::read_to_string(deploy.join("sshd-yuanzhu.conf")).unwrap();
    assert!(
        sshd.lines().any(|l| l.trim() == "AcceptEnv NO_COLOR"),
        "{sshd}"
    );
    for file in ["yuanzhu.service", "try-setup.sh"] {
        let text = std::fs::read_to_string(deploy.join(file)).unwrap();
        assert!(!text.contains("/root/"), "{file} names a path under /root");
    }
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    assert!(!readme.contains("--townships /root/"), "README");
}
