//! Key names: what keymap files may write, how a terminal event becomes a key, and the
//! labels the screen shows, which read back as the same key.

use super::super::{Context, Key};
use super::{event, key};
use crossterm::event::{KeyCode, KeyModifiers};

#[test]
fn key_names_ignore_case_but_single_characters_keep_it() {
    assert_eq!(key("F4"), key("f4"));
    assert_eq!(key("CTRL-S"), key("ctrl-s"));
    assert_eq!(key("PgDown"), key("pgdown"));
    assert_ne!(key("G"), key("g"));
    assert_eq!(key("G").code, KeyCode::Char('G'));
    assert_eq!(key("、").code, KeyCode::Char('、'));
    assert_eq!(key("shift-tab"), Key::back_tab());
    assert!("f13".parse::<Key>().is_err());
    assert!("f0".parse::<Key>().is_err());
    assert!("shift-g".parse::<Key>().is_err());
    assert!("ctrl-".parse::<Key>().is_err());
    assert!("".parse::<Key>().is_err());
    assert!("\t".parse::<Key>().is_err());
}

#[test]
fn parse_and_label_round_trip() {
    let expected = [
        ("f4", "F4"),
        ("ctrl-s", "Ctrl-S"),
        ("shift-tab", "Shift-Tab"),
        ("pgdown", "PgDn"),
        ("pgup", "PgUp"),
        ("home", "Home"),
        ("end", "End"),
        ("up", "Up"),
        ("down", "Down"),
        ("left", "Left"),
        ("right", "Right"),
        ("enter", "Enter"),
        ("esc", "Esc"),
        ("tab", "Tab"),
        ("/", "/"),
        ("j", "j"),
        ("G", "G"),
        ("、", "、"),
        ("space", "Space"),
        ("backspace", "Backspace"),
        ("delete", "Del"),
        ("alt-x", "Alt-x"),
        ("ctrl-[", "Ctrl-["),
    ];
    for (name, label) in expected {
        let parsed = key(name);
        assert_eq!(parsed.label(), label, "{name}");
        assert_eq!(label.parse::<Key>(), Ok(parsed), "{label}");
    }
}

#[test]
fn back_tab_is_shift_tab_whatever_the_terminal_says() {
    for modifiers in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
        let ev = event(KeyCode::BackTab, modifiers);
        assert_eq!(Key::from_event(&ev), key("shift-tab"));
    }
    let ev = event(KeyCode::Tab, KeyModifiers::SHIFT);
    assert_eq!(Key::from_event(&ev), key("shift-tab"));
}

#[test]
fn an_uppercase_letter_with_shift_is_the_letter() {
    let ev = event(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(Key::from_event(&ev), key("G"));
    let ev = event(KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert_eq!(Key::from_event(&ev), key("?"));
}

#[test]
fn ctrl_with_shift_is_the_lowercase_ctrl_letter() {
    let ev = event(
        KeyCode::Char('S'),
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
    );
    assert_eq!(Key::from_event(&ev), key("ctrl-s"));
    let ev = event(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(Key::from_event(&ev), key("ctrl-s"));
}

#[test]
fn modifier_bits_beyond_ctrl_alt_shift_are_ignored() {
    let ev = event(KeyCode::F(4), KeyModifiers::NONE);
    assert_eq!(Key::from_event(&ev), key("f4"));
    let ev = event(KeyCode::Char('j'), KeyModifiers::META | KeyModifiers::SUPER);
    assert_eq!(Key::from_event(&ev), key("j"));
    let ev = event(KeyCode::Char('、'), KeyModifiers::empty());
    assert_eq!(Key::from_event(&ev), key("、"));
}

#[test]
fn contexts_have_file_names_and_chinese_titles() {
    let names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        [
            "global",
            "queue",
            "search",
            "household",
            "followup",
            "conflict",
            "intake",
            "review",
            "exits",
            "exit_note",
            "ledger",
            "entry",
            "confirm",
            "help",
            "leads",
            "lead_note",
            "stats",
            "stats_people",
            "supervise",
            "supervise_note"
        ]
    );
    let titles: Vec<&str> = Context::ALL.iter().map(|c| c.title()).collect();
    assert_eq!(
        titles,
        [
            "全局",
            "案件队列",
            "搜索",
            "户档案",
            "月度回访",
            "保存冲突",
            "登记申请",
            "审核",
            "退出审核",
            "退出依据或退回理由",
            "援助台账",
            "台账登记",
            "确认",
            "帮助",
            "线索",
            "线索处理",
            "统计",
            "统计名单",
            "监督",
            "监督处置"
        ]
    );
}

#[test]
fn helix_short_modifiers_name_the_same_keys() {
    assert_eq!(key("C-w"), key("ctrl-w"));
    assert_eq!(key("A-x"), key("alt-x"));
    assert_eq!(key("S-Tab"), key("shift-tab"));
    assert_eq!(key("c-S"), key("ctrl-s"));
}

/// Every key name a file may write, shown and read back, is the same key: each base key
/// (the named ones, F1..F12, a spread of characters) under each set of modifiers.
#[test]
fn every_key_that_parses_displays_as_a_name_that_parses_back_to_it() {
    let mut bases: Vec<String> = [
        "up",
        "down",
        "left",
        "right",
        "pgup",
        "pgdown",
        "home",
        "end",
        "enter",
        "esc",
        "tab",
        "backspace",
        "delete",
        "space",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    bases.extend((1..=12).map(|n| format!("f{n}")));
    bases.extend((' '..='~').filter(|c| *c != ' ').map(String::from));
    bases.extend(["、", "，", "张", "é"].map(String::from));
    let prefixes = [
        "",
        "ctrl-",
        "alt-",
        "shift-",
        "ctrl-alt-",
        "ctrl-shift-",
        "alt-shift-",
        "ctrl-alt-shift-",
    ];
    let mut checked = 0;
    for prefix in prefixes {
        for base in &bases {
            let Ok(parsed) = format!("{prefix}{base}").parse::<Key>() else {
                continue;
            };
            let shown = parsed.to_string();
            assert_eq!(shown.parse::<Key>(), Ok(parsed), "{prefix}{base} → {shown}");
            assert_eq!(parsed.label(), shown);
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} keys parsed");
}
