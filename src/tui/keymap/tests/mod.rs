//! The keymap's own tests: the shipped files, lookup and resolve, overrides, the help rows
//! ([`files`] holds the checks of broken user files, [`keys`] the key names).

mod files;
mod keys;

use super::load::read_keymap_file;
use super::*;
use crate::tui::action::Edit;
use crossterm::event::{KeyCode, KeyModifiers};

pub(super) fn key(s: &str) -> Key {
    match s.parse::<Key>() {
        Ok(key) => key,
        Err(message) => panic!("{s}: {message}"),
    }
}

pub(super) fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

pub(super) fn overridden(text: &str) -> Keymap {
    match Keymap::with_overrides(text, "test.toml") {
        Ok(keymap) => keymap,
        Err(errors) => panic!("{errors:?}"),
    }
}

/// The (line, message) pairs `check` reports for a file.
pub(super) fn problems(text: &str) -> Vec<(usize, String)> {
    match check(text, "test.toml") {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| (e.line, e.message)).collect(),
    }
}

#[test]
fn builtin_keymap_parses_without_problems() {
    assert!(check(DEFAULT_KEYMAP, "keymaps/default.toml").is_ok());
    let (_, errors) = read_keymap_file(DEFAULT_KEYMAP, "keymaps/default.toml");
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn vim_keymap_is_a_valid_override_file() {
    let (_, errors) = read_keymap_file(VIM_KEYMAP, "keymaps/vim.toml");
    assert!(errors.is_empty(), "{errors:?}");
    let Some(vim) = Keymap::named("vim") else {
        panic!("keymaps/vim.toml is refused");
    };
    assert_eq!(vim.lookup(Context::Queue, key("G")), Some(Action::Last));
    assert_eq!(vim.lookup(Context::Queue, key("j")), Some(Action::Down));
    assert_eq!(vim.lookup(Context::Search, key("j")), None);
}

#[test]
fn only_the_shipped_names_are_named_keymaps() {
    assert!(Keymap::named("default").is_some());
    assert!(Keymap::named("vim").is_some());
    assert!(Keymap::named("emacs").is_none());
}

#[test]
fn every_action_is_bound_somewhere_in_the_builtin_keymap() {
    let keymap = Keymap::builtin();
    for action in Action::ALL {
        let bound = Context::ALL
            .iter()
            .any(|&ctx| keymap.bindings(ctx).iter().any(|b| b.action == action));
        assert!(bound, "{action:?} has no key in keymaps/default.toml");
    }
}

#[test]
fn every_builtin_binding_has_a_chinese_description() {
    let keymap = Keymap::builtin();
    for ctx in Context::ALL {
        for b in keymap.bindings(ctx) {
            assert!(
                b.description
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "[{}] {}: {:?}",
                ctx.name(),
                b.key.label(),
                b.description
            );
        }
    }
}

#[test]
fn builtin_tables_keep_file_order() {
    let keymap = Keymap::builtin();
    let first = keymap.bindings(Context::Global).first().map(|b| b.key);
    assert_eq!(first, Some(key("f1")));
}

#[test]
fn the_footer_shows_the_function_keys_of_the_builtin_keymap() {
    let keymap = Keymap::builtin();
    assert_eq!(
        keymap.key_for(Context::Queue, &Action::Followup).as_deref(),
        Some("F4")
    );
    assert_eq!(
        keymap.key_for(Context::Queue, &Action::Help).as_deref(),
        Some("F1")
    );
    assert_eq!(
        keymap.key_for(Context::Queue, &Action::Search).as_deref(),
        Some("/")
    );
    assert_eq!(
        keymap.key_for(Context::Followup, &Action::Save).as_deref(),
        Some("Ctrl-S")
    );
    assert_eq!(
        keymap
            .key_for(Context::Followup, &Action::NextField)
            .as_deref(),
        Some("Tab")
    );
    assert_eq!(keymap.key_for(Context::Search, &Action::Save), None);
}

#[test]
fn every_function_key_has_a_ctrl_alternative_for_mangling_ssh_clients() {
    let keymap = Keymap::builtin();
    for action in [
        Action::Help,
        Action::ShowQueue,
        Action::ShowHousehold,
        Action::Followup,
        Action::Quit,
    ] {
        let has_ctrl = keymap
            .bindings(Context::Global)
            .iter()
            .any(|b| b.action == action && b.key.modifiers == KeyModifiers::CONTROL);
        assert!(has_ctrl, "{action:?} has no Ctrl alternative");
    }
}

#[test]
fn lookup_uses_the_context_table_before_global() {
    let keymap = Keymap::builtin();
    assert_eq!(keymap.lookup(Context::Help, key("f1")), Some(Action::Back));
    assert_eq!(keymap.lookup(Context::Queue, key("f1")), Some(Action::Help));
    assert_eq!(
        keymap.lookup(Context::Queue, key("enter")),
        Some(Action::Open)
    );
    assert_eq!(
        keymap.lookup(Context::Followup, key("enter")),
        Some(Action::NextField)
    );
}

#[test]
fn lookup_falls_back_to_global_for_function_and_ctrl_keys_everywhere() {
    let keymap = Keymap::builtin();
    for ctx in Context::ALL {
        assert_eq!(keymap.lookup(ctx, key("f10")), Some(Action::Quit));
        assert_eq!(keymap.lookup(ctx, key("ctrl-q")), Some(Action::Quit));
    }
    assert_eq!(
        keymap.lookup(Context::Search, key("f4")),
        Some(Action::Followup)
    );
}

#[test]
fn plain_characters_in_text_fields_are_never_taken_by_global_keys() {
    let keymap = overridden("[global]\nq = \"quit\"\nhome = \"first\"\n");
    assert_eq!(keymap.lookup(Context::Queue, key("q")), Some(Action::Quit));
    assert_eq!(
        keymap.lookup(Context::Household, key("q")),
        Some(Action::Quit)
    );
    assert_eq!(keymap.lookup(Context::Search, key("q")), None);
    assert_eq!(keymap.lookup(Context::Followup, key("q")), None);
    assert_eq!(keymap.lookup(Context::Followup, key("home")), None);
    assert_eq!(
        keymap.key_for(Context::Followup, &Action::Quit).as_deref(),
        Some("F10")
    );
}

#[test]
fn typing_j_in_a_field_types_j_even_though_the_queue_moves_on_j() {
    let keymap = Keymap::builtin();
    assert_eq!(keymap.lookup(Context::Queue, key("j")), Some(Action::Down));
    assert_eq!(keymap.lookup(Context::Search, key("j")), None);
    assert_eq!(keymap.lookup(Context::Followup, key("j")), None);
    assert_eq!(keymap.lookup(Context::Followup, key("space")), None);
}

#[test]
fn an_override_rebinds_one_key_and_leaves_the_others() {
    let builtin = Keymap::builtin();
    let keymap = overridden("[queue]\nj = { action = \"page_down\", desc = \"翻页\" }\n");
    assert_eq!(
        keymap.lookup(Context::Queue, key("j")),
        Some(Action::PageDown)
    );
    assert_eq!(keymap.lookup(Context::Queue, key("k")), Some(Action::Up));
    assert_eq!(
        keymap.lookup(Context::Household, key("j")),
        Some(Action::Down)
    );
    assert_eq!(
        keymap.bindings(Context::Queue).len(),
        builtin.bindings(Context::Queue).len()
    );
    let position = |k: &Keymap| {
        k.bindings(Context::Queue)
            .iter()
            .position(|b| b.key == key("j"))
    };
    assert_eq!(position(&keymap), position(&builtin));
    let rebound = keymap
        .bindings(Context::Queue)
        .iter()
        .find(|b| b.key == key("j"));
    assert_eq!(rebound.map(|b| b.description.as_str()), Some("翻页"));
}

#[test]
fn an_override_may_add_a_key_and_omit_the_description() {
    let keymap = overridden("[queue]\nx = \"clear_filter\"\n");
    let added = keymap.bindings(Context::Queue).last();
    assert_eq!(added.map(|b| b.key), Some(key("x")));
    assert_eq!(
        added.map(|b| b.description.as_str()),
        Some(Action::ClearFilter.label())
    );
}

#[test]
fn none_unbinds_a_key() {
    let keymap = overridden("[queue]\nj = { action = \"none\" }\n[global]\nf10 = \"none\"\n");
    assert_eq!(keymap.lookup(Context::Queue, key("j")), None);
    assert_eq!(
        keymap.lookup(Context::Queue, key("down")),
        Some(Action::Down)
    );
    assert_eq!(keymap.lookup(Context::Queue, key("f10")), None);
    assert_eq!(
        keymap.key_for(Context::Queue, &Action::Quit).as_deref(),
        Some("Ctrl-Q")
    );
}

fn press(keymap: &Keymap, ctx: Context, code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
    keymap.resolve(ctx, &event(code, modifiers))
}

#[test]
fn resolve_gives_a_bound_key_its_action() {
    let keymap = Keymap::builtin();
    let none = KeyModifiers::NONE;
    assert_eq!(
        press(&keymap, Context::Queue, KeyCode::Char('j'), none),
        Some(Action::Down)
    );
    assert_eq!(
        press(
            &keymap,
            Context::Followup,
            KeyCode::Char('s'),
            KeyModifiers::CONTROL
        ),
        Some(Action::Save)
    );
    assert_eq!(
        press(&keymap, Context::Followup, KeyCode::F(10), none),
        Some(Action::Quit)
    );
}

#[test]
fn resolve_types_an_unbound_character_and_edits_with_an_unbound_editing_key() {
    let keymap = Keymap::builtin();
    let none = KeyModifiers::NONE;
    assert_eq!(
        press(&keymap, Context::Followup, KeyCode::Char('j'), none),
        Some(Action::Type('j'))
    );
    assert_eq!(
        press(&keymap, Context::Search, KeyCode::Char('张'), none),
        Some(Action::Type('张'))
    );
    assert_eq!(
        press(
            &keymap,
            Context::Search,
            KeyCode::Char('Z'),
            KeyModifiers::SHIFT
        ),
        Some(Action::Type('Z'))
    );
    for (code, edit) in [
        (KeyCode::Backspace, Edit::DeletePrev),
        (KeyCode::Delete, Edit::DeleteNext),
        (KeyCode::Left, Edit::Left),
        (KeyCode::Right, Edit::Right),
        (KeyCode::Home, Edit::Home),
        (KeyCode::End, Edit::End),
    ] {
        assert_eq!(
            press(&keymap, Context::Intake, code, none),
            Some(Action::Edit(edit)),
            "{code:?}"
        );
    }
    // Bound in the queue, so not an edit there.
    assert_eq!(
        press(&keymap, Context::Queue, KeyCode::Home, none),
        Some(Action::First)
    );
}

#[test]
fn resolve_gives_nothing_for_unbound_chords_and_control_characters() {
    let keymap = Keymap::builtin();
    assert_eq!(
        press(
            &keymap,
            Context::Followup,
            KeyCode::Char('x'),
            KeyModifiers::CONTROL
        ),
        None
    );
    assert_eq!(
        press(
            &keymap,
            Context::Followup,
            KeyCode::Char('x'),
            KeyModifiers::ALT
        ),
        None
    );
    assert_eq!(
        press(
            &keymap,
            Context::Followup,
            KeyCode::Char('\u{7}'),
            KeyModifiers::NONE
        ),
        None
    );
    assert_eq!(
        press(
            &keymap,
            Context::Followup,
            KeyCode::F(12),
            KeyModifiers::NONE
        ),
        None
    );
}

#[test]
fn the_exits_list_binds_p_a_r_and_its_prompt_types_them() {
    let keymap = Keymap::builtin();
    let none = KeyModifiers::NONE;
    for (c, action) in [
        ('p', Action::ProposeExit),
        ('a', Action::ApproveExit),
        ('r', Action::ReturnExit),
    ] {
        assert_eq!(
            press(&keymap, Context::Exits, KeyCode::Char(c), none),
            Some(action)
        );
        assert_eq!(
            press(&keymap, Context::ExitNote, KeyCode::Char(c), none),
            Some(Action::Type(c))
        );
    }
    assert_eq!(
        press(&keymap, Context::ExitNote, KeyCode::Enter, none),
        Some(Action::Open)
    );
    assert_eq!(
        press(&keymap, Context::ExitNote, KeyCode::Esc, none),
        Some(Action::Back)
    );
}

#[test]
fn a_user_may_rebind_the_exit_decisions() {
    let keymap = overridden("[exits]\na = \"none\"\ny = { action = \"approve_exit\" }\n");
    assert_eq!(
        keymap.lookup(Context::Exits, key("y")),
        Some(Action::ApproveExit)
    );
    assert_eq!(keymap.lookup(Context::Exits, key("a")), None);
    assert_eq!(
        keymap
            .key_for(Context::Exits, &Action::ApproveExit)
            .as_deref(),
        Some("y")
    );
}

#[test]
fn help_has_the_screens_table_then_the_global_one_with_keys_of_one_action_on_one_row() {
    let keymap = Keymap::builtin();
    let help = keymap.help(Context::Queue);
    let titles: Vec<&str> = help.iter().map(|s| s.title).collect();
    assert_eq!(titles, ["案件队列", "全局"]);
    assert_eq!(
        help[0].rows.first(),
        Some(&HelpRow {
            keys: "Up k".into(),
            description: "上一行".into(),
        })
    );
    assert_eq!(
        help[1].rows.first(),
        Some(&HelpRow {
            keys: "F1 Ctrl-G".into(),
            description: "帮助（本屏按键说明）".into(),
        })
    );
    let exits = keymap.help(Context::Exits);
    let keys: Vec<&str> = exits[0].rows.iter().map(|r| r.keys.as_str()).collect();
    for shown in ["p", "a", "r"] {
        assert!(keys.contains(&shown), "{keys:?}");
    }
}

#[test]
fn the_vim_keymap_moves_through_exits_with_j_and_k() {
    let Some(vim) = Keymap::named("vim") else {
        panic!("keymaps/vim.toml is refused");
    };
    assert_eq!(vim.lookup(Context::Exits, key("j")), Some(Action::Down));
    assert_eq!(
        vim.lookup(Context::Exits, key("a")),
        Some(Action::ApproveExit)
    );
    assert_eq!(vim.lookup(Context::ExitNote, key("j")), None);
}
