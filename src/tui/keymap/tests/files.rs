//! Broken keymap files: each problem reported on its line, and a broken file changes
//! nothing.

use super::super::Keymap;
use super::problems;

#[test]
fn check_reports_an_unknown_key_name_on_its_line() {
    let found = problems("[queue]\nj = \"down\"\nctrl-spam = \"up\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(found[0].1.contains("未知的键名"), "{found:?}");
}

#[test]
fn check_reports_an_unknown_action_on_its_line_and_names_the_valid_ones() {
    let found = problems("[queue]\nj = \"down\"\n\nk = { action = \"upp\", desc = \"上\" }\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 4);
    assert!(found[0].1.contains("未知的动作 \"upp\""), "{found:?}");
    assert!(found[0].1.contains("copy_last"), "{found:?}");
}

#[test]
fn check_reports_an_unknown_context_on_its_line() {
    let found = problems("[queue]\nj = \"down\"\n[form]\nj = \"down\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(found[0].1.contains("[form]"), "{found:?}");
}

#[test]
fn check_refuses_ctrl_c_on_its_line() {
    let found = problems("# 我的键位\n[global]\n\"ctrl-c\" = \"quit\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(found[0].1.contains("Ctrl-C"), "{found:?}");
}

#[test]
fn check_refuses_every_reserved_key() {
    for name in [
        "ctrl-c", "ctrl-z", "ctrl-h", "ctrl-i", "ctrl-m", "ctrl-[", "Ctrl-Z",
    ] {
        let found = problems(&format!("[queue]\n\"{name}\" = \"down\"\n"));
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].0, 2, "{name}");
    }
}

#[test]
fn ctrl_l_may_only_redraw() {
    let found = problems("[global]\n\"ctrl-l\" = \"redraw\"\n[queue]\n\"ctrl-l\" = \"first\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 4);
    assert!(found[0].1.contains("redraw"), "{found:?}");
    assert!(problems("[global]\n\"ctrl-l\" = \"none\"\n").is_empty());
}

#[test]
fn check_reports_a_toml_syntax_error_on_its_line() {
    let found = problems("[queue]\nj = \"down\"\nk = up\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(found[0].1.starts_with("TOML 语法错误"), "{found:?}");
}

#[test]
fn check_reports_a_key_written_twice_by_toml_on_the_second_line() {
    let found = problems("[queue]\nj = \"down\"\nj = \"up\"\n");
    assert_eq!(found.iter().map(|p| p.0).collect::<Vec<_>>(), vec![3]);
    assert!(found[0].1.contains("重复"), "{found:?}");
}

#[test]
fn check_reports_two_spellings_of_one_key_in_a_context() {
    let found = problems("[queue]\npgdown = \"page_down\"\n\"PgDn\" = \"last\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 3);
    assert!(found[0].1.contains("第 2 行"), "{found:?}");
}

#[test]
fn check_refuses_a_plain_character_bound_in_a_text_entry_context() {
    let found = problems("[followup]\nq = \"back\"\n\"ctrl-n\" = \"next_field\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 2);
}

#[test]
fn check_reports_every_problem_sorted_by_line_and_changes_nothing() {
    let text = "[queue]\nbogus = \"down\"\nk = \"upp\"\n[form]\n[global]\n\"ctrl-z\" = \"quit\"\n";
    let errors = match Keymap::with_overrides(text, "键位.toml") {
        Ok(_) => panic!("a broken file was accepted"),
        Err(errors) => errors,
    };
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 6]);
    assert!(errors[0].to_string().starts_with("键位.toml:2: "));
}

#[test]
fn check_reports_misshapen_bindings() {
    let found =
        problems("[queue]\nj = 3\nk = { desc = \"上\" }\nl = { action = \"down\", why = \"x\" }\n");
    let lines: Vec<usize> = found.iter().map(|p| p.0).collect();
    assert_eq!(lines, vec![2, 3, 4], "{found:?}");
}

#[test]
fn check_refuses_typing_pasting_and_editing_as_bindable_actions() {
    for name in ["type", "paste", "edit"] {
        let found = problems(&format!("[queue]\nj = \"down\"\nx = \"{name}\"\n"));
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].0, 3, "{name}");
        assert!(found[0].1.contains("不能绑定到键上"), "{name}: {found:?}");
    }
}

#[test]
fn check_refuses_a_letter_bound_in_the_exits_prompt() {
    let found = problems("[exit_note]\na = \"approve_exit\"\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 2);
}
