//! A key as the keymap sees it: [`Key`], read from the names keymap files use (`f4`,
//! `ctrl-s`, `C-w`, `shift-tab`, `、`) with [`FromStr`], written back for the footer and the
//! help screen with [`Display`] (`F4`, `Ctrl-S`, `Shift-Tab`), and made from a terminal event
//! with the differences terminals do not reliably report taken out. It also knows which
//! keys are reserved and which keys belong to a text field. It does not know actions'
//! meanings or contexts' tables.

use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::action::{Action, Edit};

/// A key as the keymap sees it: a terminal key event with the differences terminals do
/// not reliably report taken out (see [`Key::from_event`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Why a key name was not understood, in Chinese, for the keymap file's error list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyNameError(pub String);

/// Names accepted in keymap files besides `f1`..`f12` and single characters; compared
/// ignoring case. The first name of each key is the one the documentation uses.
const NAMED_KEYS: &[(&str, KeyCode)] = &[
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdown", KeyCode::PageDown),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("space", KeyCode::Char(' ')),
];

/// Modifier prefixes, compared ignoring case: the spelled-out ones the shipped files use,
/// and helix's short ones (`C-w`).
const MODIFIERS: &[(&str, KeyModifiers)] = &[
    ("ctrl-", KeyModifiers::CONTROL),
    ("alt-", KeyModifiers::ALT),
    ("shift-", KeyModifiers::SHIFT),
    ("c-", KeyModifiers::CONTROL),
    ("a-", KeyModifiers::ALT),
    ("s-", KeyModifiers::SHIFT),
];

const KEY_NAME_HELP: &str = "可用的键名：f1 至 f12、ctrl-字母、alt-字母、shift-tab、up、down、left、right、\
pgup、pgdown、home、end、enter、esc、tab、backspace、delete、space，或任意单个字符，如 j 或 /，也可以是中文标点 、";

impl FromStr for Key {
    type Err = KeyNameError;

    /// Reads a key name from a keymap file: `f4`, `ctrl-s`, `C-s`, `shift-tab`, `pgdown`,
    /// `j`, `、`. Names and modifiers ignore case; a single character keeps it (`G` is not
    /// `g`), except after `ctrl-`, where terminals cannot tell the two apart.
    fn from_str(s: &str) -> Result<Key, KeyNameError> {
        let refuse = |message: String| Err(KeyNameError(message));
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = s;
        while let Some((modifier, after)) = strip_modifier(rest) {
            if modifiers.contains(modifier) {
                return refuse(format!("键名 \"{s}\" 重复写了同一个修饰键"));
            }
            modifiers |= modifier;
            rest = after;
        }
        let Some(code) = base_key(rest) else {
            return refuse(format!("未知的键名 \"{s}\"；{KEY_NAME_HELP}"));
        };
        match code {
            // As in `from_event`: whatever else is held, Shift-Tab arrives as BackTab.
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => Ok(Key::back_tab()),
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => refuse(format!(
                "键名 \"{s}\"：Shift 加字符请直接写出该字符，如 {}",
                c.to_uppercase()
            )),
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                if c.is_ascii() {
                    Ok(Key {
                        code: KeyCode::Char(c.to_ascii_lowercase()),
                        modifiers,
                    })
                } else {
                    refuse(format!("键名 \"{s}\"：终端无法发送 Ctrl 加非英文字符"))
                }
            }
            code => Ok(Key { code, modifiers }),
        }
    }
}

impl fmt::Display for Key {
    /// The name shown in the footer and on the help screen: `F4`, `Ctrl-S`, `Shift-Tab`,
    /// `PgDn`, `Space`, `j`, `、`. Parsing it gives the key back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.modifiers.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            other => write!(f, "{other}"),
        }
    }
}

impl Key {
    /// The key of a terminal event, normalised so that one physical key gives one `Key`
    /// whatever the terminal reports: Shift-Tab is always [`KeyCode::BackTab`] without
    /// modifiers; a character carries its case and not SHIFT (`G`, not Shift-g); a Ctrl
    /// letter is lowercase (Ctrl-S and Ctrl-s are the same byte on the wire); modifier bits
    /// other than Ctrl, Alt and Shift are dropped.
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut modifiers =
            ev.modifiers & (KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::BackTab => return Key::back_tab(),
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => return Key::back_tab(),
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                if modifiers.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            other => other,
        };
        Key { code, modifiers }
    }

    /// The name shown in the footer and on the help screen; the same as [`Display`].
    pub fn label(self) -> String {
        self.to_string()
    }

    pub(super) fn back_tab() -> Key {
        Key {
            code: KeyCode::BackTab,
            modifiers: KeyModifiers::NONE,
        }
    }

    /// What the key does to a text field when nothing is bound to it: a printable
    /// character without Ctrl or Alt types itself; Backspace, Delete, Left, Right, Home and
    /// End edit, whatever modifiers come with them (as they always have).
    pub(super) fn as_text(self) -> Option<Action> {
        let edit = match self.code {
            KeyCode::Char(c) => {
                let chord = self
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                return (!chord && !c.is_control()).then_some(Action::Type(c));
            }
            KeyCode::Backspace => Edit::DeletePrev,
            KeyCode::Delete => Edit::DeleteNext,
            KeyCode::Left => Edit::Left,
            KeyCode::Right => Edit::Right,
            KeyCode::Home => Edit::Home,
            KeyCode::End => Edit::End,
            _ => return None,
        };
        Some(Action::Edit(edit))
    }

    /// Keys that type into or move within a text field: these go to the field in a
    /// text-entry context rather than to a global binding.
    pub(super) fn edits_text(self) -> bool {
        let typing = matches!(self.code, KeyCode::Char(_))
            && !self
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let editing = self.modifiers.is_empty()
            && matches!(
                self.code,
                KeyCode::Backspace
                    | KeyCode::Delete
                    | KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Home
                    | KeyCode::End
            );
        typing || editing
    }

    /// Why a key may not be bound to `action` (`None` for "none", i.e. unbinding), if it
    /// may not.
    pub(super) fn refusal(self, action: Option<&Action>) -> Option<&'static str> {
        if self.modifiers != KeyModifiers::CONTROL {
            return None;
        }
        match self.code {
            KeyCode::Char('c') => Some("Ctrl-C 是保留键（终端用它中断程序），不能绑定"),
            KeyCode::Char('z') => Some("Ctrl-Z 是保留键（shell 用它挂起程序），不能绑定"),
            KeyCode::Char('h') => {
                Some("Ctrl-H 是保留键：许多终端按退格键时发送的就是它；要绑定退格键请写 backspace")
            }
            KeyCode::Char('i') => {
                Some("Ctrl-I 是保留键：终端把它和 Tab 发送成同一个字符；请写 tab")
            }
            KeyCode::Char('m') => {
                Some("Ctrl-M 是保留键：终端把它和 Enter 发送成同一个字符；请写 enter")
            }
            KeyCode::Char('[') => {
                Some("Ctrl-[ 是保留键：终端把它和 Esc 发送成同一个字符；请写 esc")
            }
            KeyCode::Char('l') if !matches!(action, None | Some(Action::Redraw)) => {
                Some("Ctrl-L 按终端程序的惯例用于重绘屏幕，只能绑定到 redraw")
            }
            _ => None,
        }
    }
}

fn strip_modifier(s: &str) -> Option<(KeyModifiers, &str)> {
    MODIFIERS.iter().find_map(|&(prefix, modifier)| {
        let (head, rest) = s.split_at_checked(prefix.len())?;
        (head.eq_ignore_ascii_case(prefix) && !rest.is_empty()).then_some((modifier, rest))
    })
}

fn base_key(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then_some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    if let Some(digits) = lower.strip_prefix('f')
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = digits.parse::<u8>()
        && (1..=12).contains(&n)
    {
        return Some(KeyCode::F(n));
    }
    NAMED_KEYS
        .iter()
        .find(|(known, _)| *known == lower)
        .map(|(_, code)| *code)
}
