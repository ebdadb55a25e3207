//! Key bindings: which key asks for which [`Action`] on which screen. A keymap is one table
//! per [`Context`] of key → action with a Chinese description, read from TOML: the shipped
//! `keymaps/default.toml` is compiled in, and a user file overrides it key by key. The same
//! tables feed the footer ([`Keymap::key_for`]) and the help screen ([`Keymap::bindings`]).
//! A broken file is never half-applied: every problem is reported with its file and line.
//! This module does not decide what an action does (that is `App::update`) nor where a
//! keymap file comes from (that is the binary).

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use serde::de::IntoDeserializer;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::action::Action;

const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");
const VIM_KEYMAP: &str = include_str!("../../keymaps/vim.toml");

/// The action name that removes a key from a context table in an override file.
const UNBIND: &str = "none";

/// Where a key is pressed: one table of the keymap file each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Queue,
    Search,
    Household,
    Followup,
    Conflict,
    Intake,
    Review,
    Exits,
    Ledger,
    Entry,
    Help,
}

impl Context {
    pub const ALL: [Context; 12] = [
        Context::Global,
        Context::Queue,
        Context::Search,
        Context::Household,
        Context::Followup,
        Context::Conflict,
        Context::Intake,
        Context::Review,
        Context::Exits,
        Context::Ledger,
        Context::Entry,
        Context::Help,
    ];

    /// The table name in a keymap file (`[queue]`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Queue => "queue",
            Context::Search => "search",
            Context::Household => "household",
            Context::Followup => "followup",
            Context::Conflict => "conflict",
            Context::Intake => "intake",
            Context::Review => "review",
            Context::Exits => "exits",
            Context::Ledger => "ledger",
            Context::Entry => "entry",
            Context::Help => "help",
        }
    }

    /// The heading on the help screen.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "全局",
            Context::Queue => "案件队列",
            Context::Search => "搜索",
            Context::Household => "户档案",
            Context::Followup => "月度回访",
            Context::Conflict => "保存冲突",
            Context::Intake => "登记申请",
            Context::Review => "审核",
            Context::Exits => "退出审核",
            Context::Ledger => "援助台账",
            Context::Entry => "台账登记",
            Context::Help => "帮助",
        }
    }

    fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Contexts with a text field under the cursor: keys that type or edit text belong to
    /// the field, so global bindings never take them.
    fn is_text_entry(self) -> bool {
        matches!(
            self,
            Context::Search
                | Context::Followup
                | Context::Intake
                | Context::Review
                | Context::Exits
                | Context::Entry
        )
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A key as the keymap sees it: a terminal key event with the differences terminals do
/// not reliably report taken out (see [`Key::from_event`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

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

const KEY_NAME_HELP: &str = "可用的键名：f1 至 f12、ctrl-字母、alt-字母、shift-tab、up、down、left、right、\
pgup、pgdown、home、end、enter、esc、tab、backspace、delete、space，或任意单个字符，如 j 或 /，也可以是中文标点 、";

impl Key {
    /// Reads a key name from a keymap file: `f4`, `ctrl-s`, `shift-tab`, `pgdown`, `j`, `、`.
    /// Names and modifiers ignore case; a single character keeps it (`G` is not `g`),
    /// except after `ctrl-`, where terminals cannot tell the two apart.
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = s;
        while let Some((modifier, after)) = strip_modifier(rest) {
            if modifiers.contains(modifier) {
                return Err(format!("键名 \"{s}\" 重复写了同一个修饰键"));
            }
            modifiers |= modifier;
            rest = after;
        }
        let code = base_key(rest).ok_or_else(|| format!("未知的键名 \"{s}\"；{KEY_NAME_HELP}"))?;
        match code {
            // As in `from_event`: whatever else is held, Shift-Tab arrives as BackTab.
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => Ok(Key::back_tab()),
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => Err(format!(
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
                    Err(format!("键名 \"{s}\"：终端无法发送 Ctrl 加非英文字符"))
                }
            }
            code => Ok(Key { code, modifiers }),
        }
    }

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

    /// The name shown in the footer and on the help screen: `F4`, `Ctrl-S`, `Shift-Tab`,
    /// `PgDn`, `Space`, `j`, `、`. [`Key::parse`] reads it back.
    pub fn label(self) -> String {
        let mut label = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            label.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            label.push_str("Alt-");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            label.push_str("Shift-");
        }
        match self.code {
            KeyCode::F(n) => label.push_str(&format!("F{n}")),
            KeyCode::BackTab => label.push_str("Shift-Tab"),
            KeyCode::PageDown => label.push_str("PgDn"),
            KeyCode::PageUp => label.push_str("PgUp"),
            KeyCode::Home => label.push_str("Home"),
            KeyCode::End => label.push_str("End"),
            KeyCode::Up => label.push_str("Up"),
            KeyCode::Down => label.push_str("Down"),
            KeyCode::Left => label.push_str("Left"),
            KeyCode::Right => label.push_str("Right"),
            KeyCode::Enter => label.push_str("Enter"),
            KeyCode::Esc => label.push_str("Esc"),
            KeyCode::Tab => label.push_str("Tab"),
            KeyCode::Backspace => label.push_str("Backspace"),
            KeyCode::Delete => label.push_str("Del"),
            KeyCode::Char(' ') => label.push_str("Space"),
            KeyCode::Char(c) if self.modifiers.contains(KeyModifiers::CONTROL) => {
                label.push(c.to_ascii_uppercase());
            }
            KeyCode::Char(c) => label.push(c),
            other => label.push_str(&other.to_string()),
        }
        label
    }

    fn back_tab() -> Key {
        Key {
            code: KeyCode::BackTab,
            modifiers: KeyModifiers::NONE,
        }
    }

    /// Keys that type into or move within a text field: these go to the field in a
    /// text-entry context rather than to a global binding.
    fn edits_text(self) -> bool {
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
    fn refusal(self, action: Option<Action>) -> Option<&'static str> {
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
    [
        ("ctrl-", KeyModifiers::CONTROL),
        ("alt-", KeyModifiers::ALT),
        ("shift-", KeyModifiers::SHIFT),
    ]
    .into_iter()
    .find_map(|(prefix, modifier)| {
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

/// One line of a keymap table.
#[derive(Clone, Debug)]
pub struct Binding {
    pub key: Key,
    pub action: Action,
    /// What the key does, in Chinese, for the help screen.
    pub description: String,
}

/// Key bindings per context; each table keeps the order of its file, which is the order
/// of the help screen and decides which key the footer shows.
#[derive(Clone, Debug)]
pub struct Keymap {
    tables: [Vec<Binding>; Context::ALL.len()],
}

/// One problem in a keymap file, where the user can find it.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct KeymapError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl Keymap {
    /// The shipped keymap, `keymaps/default.toml`, compiled in. The test
    /// `builtin_keymap_parses_without_problems` guarantees it reads cleanly; were it ever
    /// broken, the bindings that could still be read would apply rather than a panic.
    pub fn builtin() -> Keymap {
        let mut keymap = Keymap {
            tables: Default::default(),
        };
        let (entries, _) = read_keymap_file(DEFAULT_KEYMAP, "keymaps/default.toml", "");
        keymap.apply(entries);
        keymap
    }

    /// The built-in keymap with a user file applied over it, key by key within each
    /// context: a key the file names is rebound (or, with the action "none", unbound), every
    /// other key stays. A file with any problem changes nothing and reports them all.
    pub fn with_overrides(text: &str, file: &str) -> Result<Keymap, Vec<KeymapError>> {
        let mut keymap = Keymap::builtin();
        let (entries, errors) = read_keymap_file(text, file, &keymap.action_names());
        if !errors.is_empty() {
            return Err(errors);
        }
        keymap.apply(entries);
        Ok(keymap)
    }

    /// A shipped keymap by name: `default`, or `vim` (the default with vim-style keys added).
    pub fn named(name: &str) -> Option<Keymap> {
        match name {
            "default" => Some(Keymap::builtin()),
            "vim" => Keymap::with_overrides(VIM_KEYMAP, "keymaps/vim.toml").ok(),
            _ => None,
        }
    }

    /// The action a key asks for in a context: the context's own table first, then the
    /// global one. In a text-entry context (search, follow-up form) a key that types or
    /// edits text is never taken by a global binding, so `j` typed into a field is a `j`.
    pub fn lookup(&self, ctx: Context, key: Key) -> Option<Action> {
        if let Some(binding) = self.table(ctx).iter().find(|b| b.key == key) {
            return Some(binding.action);
        }
        if ctx == Context::Global || (ctx.is_text_entry() && key.edits_text()) {
            return None;
        }
        self.table(Context::Global)
            .iter()
            .find(|b| b.key == key)
            .map(|b| b.action)
    }

    /// The bindings of one context's own table (global ones not included), in file order.
    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.table(ctx)
    }

    /// The label of the first key that asks for `action` in `ctx` — from the context's
    /// table, else from the global one — for the footer (`Some("F4")`). A key the context
    /// shadows or keeps for typing is skipped, so the footer never names a key that would
    /// do something else.
    pub fn key_for(&self, ctx: Context, action: Action) -> Option<String> {
        self.table(ctx)
            .iter()
            .chain(self.table(Context::Global))
            .find(|b| b.action == action && self.lookup(ctx, b.key) == Some(action))
            .map(|b| b.key.label())
    }

    fn table(&self, ctx: Context) -> &[Binding] {
        &self.tables[ctx.index()]
    }

    fn apply(&mut self, entries: Vec<Entry>) {
        for entry in entries {
            let table = &mut self.tables[entry.ctx.index()];
            let existing = table.iter().position(|b| b.key == entry.key);
            match (entry.action, existing) {
                (Some(action), Some(i)) => {
                    table[i] = Binding {
                        key: entry.key,
                        action,
                        description: entry.description,
                    };
                }
                (Some(action), None) => table.push(Binding {
                    key: entry.key,
                    action,
                    description: entry.description,
                }),
                (None, Some(i)) => {
                    table.remove(i);
                }
                (None, None) => {}
            }
        }
    }

    /// The snake_case names of the actions this keymap binds, for error messages. The
    /// built-in keymap binds every action (a test checks), so this is the full vocabulary.
    fn action_names(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        for binding in self.tables.iter().flatten() {
            if let Ok(toml::Value::String(name)) = toml::Value::try_from(binding.action)
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
        names.join("、")
    }
}

/// Checks a keymap file without using it: every problem, each with its 1-based line —
/// TOML syntax, unknown context, unknown key name, unknown action, a reserved key. Backs
/// `yuanzhu keymap check FILE`.
pub fn check(text: &str, file: &str) -> Result<(), Vec<KeymapError>> {
    Keymap::with_overrides(text, file).map(|_| ())
}

/// A binding as read from a file, before it is applied; `action` is `None` for "none".
struct Entry {
    ctx: Context,
    key: Key,
    action: Option<Action>,
    description: String,
}

/// Collects problems with their lines while a file is read.
struct Problems<'a> {
    text: &'a str,
    file: &'a str,
    errors: Vec<KeymapError>,
}

impl Problems<'_> {
    fn add(&mut self, offset: usize, message: String) {
        let line = line_of(self.text, offset);
        self.errors.push(KeymapError {
            file: self.file.to_string(),
            line,
            message,
        });
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text.bytes().take(offset).filter(|&b| b == b'\n').count()
}

/// Reads every binding of a keymap file, and every problem in it. `action_names` lists the
/// valid actions for the unknown-action message. After a TOML syntax error only syntax
/// errors are reported: what the parser recovered past one is not worth judging.
fn read_keymap_file(text: &str, file: &str, action_names: &str) -> (Vec<Entry>, Vec<KeymapError>) {
    let mut problems = Problems {
        text,
        file,
        errors: Vec::new(),
    };
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        for error in syntax_errors {
            let offset = error.span().map_or(0, |span| span.start);
            let message = match error.message() {
                "duplicate key" => "重复：这个键（或区段）前面已经写过".to_string(),
                other => format!("TOML 语法错误：{other}"),
            };
            problems.add(offset, message);
        }
        problems.errors.sort_by_key(|e| e.line);
        return (Vec::new(), problems.errors);
    }

    let mut entries = Vec::new();
    for (section, table) in in_file_order(document.get_ref()) {
        let Some(ctx) = Context::from_name(section.get_ref()) else {
            let known: Vec<String> = Context::ALL
                .iter()
                .map(|c| format!("[{}]", c.name()))
                .collect();
            problems.add(
                section.span().start,
                format!(
                    "未知的区段 [{}]；可用的区段：{}",
                    section.get_ref(),
                    known.join(" ")
                ),
            );
            continue;
        };
        let DeValue::Table(table) = table.get_ref() else {
            problems.add(
                section.span().start,
                format!(
                    "\"{}\" 应写成区段 [{}]，其下每行一个键位",
                    section.get_ref(),
                    ctx.name()
                ),
            );
            continue;
        };
        // Where each key of this table was first named, to catch two spellings of one key.
        let mut seen: HashMap<Key, usize> = HashMap::new();
        for (key_name, value) in in_file_order(table) {
            let key = match Key::parse(key_name.get_ref()) {
                Ok(key) => Some(key),
                Err(message) => {
                    problems.add(key_name.span().start, message);
                    None
                }
            };
            let binding = read_binding(key_name.get_ref(), value, action_names, &mut problems);
            let (Some(key), Some((action, description))) = (key, binding) else {
                continue;
            };
            let line = line_of(text, key_name.span().start);
            if let Some(first) = seen.insert(key, line) {
                problems.add(
                    key_name.span().start,
                    format!(
                        "{} 与第 {first} 行是同一个键，同一区段里只能绑定一次",
                        key.label()
                    ),
                );
            }
            if let Some(refusal) = key.refusal(action) {
                problems.add(key_name.span().start, refusal.to_string());
            }
            if ctx.is_text_entry() && action.is_some() && key.edits_text() {
                problems.add(
                    key_name.span().start,
                    format!(
                        "[{}] 里有输入框，按键 {} 要留给输入，不能在这里绑定",
                        ctx.name(),
                        key.label()
                    ),
                );
            }
            entries.push(Entry {
                ctx,
                key,
                action,
                description,
            });
        }
    }
    problems.errors.sort_by_key(|e| e.line);
    (entries, problems.errors)
}

/// Reads the value of one binding: `"down"` or `{ action = "down", desc = "下一行" }`.
/// Returns the action (`None` for "none") and its description.
fn read_binding(
    key_name: &str,
    value: &Spanned<DeValue<'_>>,
    action_names: &str,
    problems: &mut Problems<'_>,
) -> Option<(Option<Action>, String)> {
    let (action_value, desc) = match value.get_ref() {
        DeValue::String(_) => (value, None),
        DeValue::Table(fields) => {
            let mut action_value = None;
            let mut desc = None;
            for (field, field_value) in in_file_order(fields) {
                match field.get_ref().as_ref() {
                    "action" => action_value = Some(field_value),
                    "desc" => match field_value.get_ref() {
                        DeValue::String(text) => desc = Some(text.to_string()),
                        _ => problems.add(
                            field_value.span().start,
                            "desc 应是带引号的说明文字，如 desc = \"下一行\"".to_string(),
                        ),
                    },
                    other => problems.add(
                        field.span().start,
                        format!("未知的字段 {other}；键位只写 action 和 desc"),
                    ),
                }
            }
            let Some(action_value) = action_value else {
                problems.add(
                    value.span().start,
                    format!("键位 {key_name} 缺少 action，如 action = \"down\""),
                );
                return None;
            };
            (action_value, desc)
        }
        _ => {
            problems.add(
                value.span().start,
                format!(
                    "键位 {key_name} 应写成 {{ action = \"动作名\", desc = \"说明\" }} 或 \"动作名\""
                ),
            );
            return None;
        }
    };
    let DeValue::String(name) = action_value.get_ref() else {
        problems.add(
            action_value.span().start,
            "action 应是带引号的动作名，如 action = \"down\"".to_string(),
        );
        return None;
    };
    if name == UNBIND {
        return Some((None, String::new()));
    }
    let Some(action) = parse_action(name) else {
        let hint = if action_names.is_empty() {
            String::new()
        } else {
            format!("；可用的动作：{action_names}")
        };
        problems.add(
            action_value.span().start,
            format!("未知的动作 \"{name}\"{hint}；写 \"{UNBIND}\" 可取消这个键"),
        );
        return None;
    };
    let description = desc
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| action.label().to_string());
    Some((Some(action), description))
}

fn parse_action(name: &str) -> Option<Action> {
    let deserializer: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    Action::deserialize(deserializer).ok()
}

/// The entries of a parsed table in the order they appear in the file (the parser keeps
/// them sorted by name).
fn in_file_order<'t, 'i>(
    table: &'t DeTable<'i>,
) -> Vec<(
    &'t Spanned<std::borrow::Cow<'i, str>>,
    &'t Spanned<DeValue<'i>>,
)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        match Key::parse(s) {
            Ok(key) => key,
            Err(message) => panic!("{s}: {message}"),
        }
    }

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn overridden(text: &str) -> Keymap {
        match Keymap::with_overrides(text, "test.toml") {
            Ok(keymap) => keymap,
            Err(errors) => panic!("{errors:?}"),
        }
    }

    /// The (line, message) pairs `check` reports for a file.
    fn problems(text: &str) -> Vec<(usize, String)> {
        match check(text, "test.toml") {
            Ok(()) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.line, e.message)).collect(),
        }
    }

    fn every_action() -> Vec<Action> {
        // A new Action variant stops this match from compiling: add it to the list too.
        fn listed(action: Action) -> Action {
            match action {
                Action::Help
                | Action::ShowQueue
                | Action::ShowHousehold
                | Action::Followup
                | Action::Quit
                | Action::Redraw
                | Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::First
                | Action::Last
                | Action::Search
                | Action::Open
                | Action::Back
                | Action::NextField
                | Action::PrevField
                | Action::Save
                | Action::CopyLast
                | Action::ClearFilter
                | Action::RevealId
                | Action::TakeTheirs
                | Action::TakeMine
                | Action::Register
                | Action::Review
                | Action::ViewFollowUps
                | Action::ViewInitialReview
                | Action::ViewNotice
                | Action::ViewAwaiting
                | Action::ViewOverdue
                | Action::ViewZeroEmployment
                | Action::ViewTier
                | Action::ShowExits
                | Action::ShowLedger
                | Action::AddPost
                | Action::EndPost
                | Action::AddPolicy
                | Action::AddDibao => action,
            }
        }
        [
            Action::Help,
            Action::ShowQueue,
            Action::ShowHousehold,
            Action::Followup,
            Action::Quit,
            Action::Redraw,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::First,
            Action::Last,
            Action::Search,
            Action::Open,
            Action::Back,
            Action::NextField,
            Action::PrevField,
            Action::Save,
            Action::CopyLast,
            Action::ClearFilter,
            Action::RevealId,
            Action::TakeTheirs,
            Action::TakeMine,
            Action::Register,
            Action::Review,
            Action::ViewFollowUps,
            Action::ViewInitialReview,
            Action::ViewNotice,
            Action::ViewAwaiting,
            Action::ViewOverdue,
            Action::ViewZeroEmployment,
            Action::ViewTier,
            Action::ShowExits,
            Action::ShowLedger,
            Action::AddPost,
            Action::EndPost,
            Action::AddPolicy,
            Action::AddDibao,
        ]
        .into_iter()
        .map(listed)
        .collect()
    }

    #[test]
    fn builtin_keymap_parses_without_problems() {
        assert!(check(DEFAULT_KEYMAP, "keymaps/default.toml").is_ok());
        let (_, errors) = read_keymap_file(DEFAULT_KEYMAP, "keymaps/default.toml", "");
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn vim_keymap_is_a_valid_override_file() {
        let (_, errors) = read_keymap_file(VIM_KEYMAP, "keymaps/vim.toml", "");
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
        for action in every_action() {
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
            keymap.key_for(Context::Queue, Action::Followup).as_deref(),
            Some("F4")
        );
        assert_eq!(
            keymap.key_for(Context::Queue, Action::Help).as_deref(),
            Some("F1")
        );
        assert_eq!(
            keymap.key_for(Context::Queue, Action::Search).as_deref(),
            Some("/")
        );
        assert_eq!(
            keymap.key_for(Context::Followup, Action::Save).as_deref(),
            Some("Ctrl-S")
        );
        assert_eq!(
            keymap
                .key_for(Context::Followup, Action::NextField)
                .as_deref(),
            Some("Tab")
        );
        assert_eq!(keymap.key_for(Context::Search, Action::Save), None);
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
            keymap.key_for(Context::Followup, Action::Quit).as_deref(),
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
            keymap.key_for(Context::Queue, Action::Quit).as_deref(),
            Some("Ctrl-Q")
        );
    }

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
        let found =
            problems("[global]\n\"ctrl-l\" = \"redraw\"\n[queue]\n\"ctrl-l\" = \"first\"\n");
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
        let text =
            "[queue]\nbogus = \"down\"\nk = \"upp\"\n[form]\n[global]\n\"ctrl-z\" = \"quit\"\n";
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
        let found = problems(
            "[queue]\nj = 3\nk = { desc = \"上\" }\nl = { action = \"down\", why = \"x\" }\n",
        );
        let lines: Vec<usize> = found.iter().map(|p| p.0).collect();
        assert_eq!(lines, vec![2, 3, 4], "{found:?}");
    }

    #[test]
    fn key_names_ignore_case_but_single_characters_keep_it() {
        assert_eq!(key("F4"), key("f4"));
        assert_eq!(key("CTRL-S"), key("ctrl-s"));
        assert_eq!(key("PgDown"), key("pgdown"));
        assert_ne!(key("G"), key("g"));
        assert_eq!(key("G").code, KeyCode::Char('G'));
        assert_eq!(key("、").code, KeyCode::Char('、'));
        assert_eq!(key("shift-tab"), Key::back_tab());
        assert!(Key::parse("f13").is_err());
        assert!(Key::parse("f0").is_err());
        assert!(Key::parse("shift-g").is_err());
        assert!(Key::parse("ctrl-").is_err());
        assert!(Key::parse("").is_err());
        assert!(Key::parse("\t").is_err());
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
            assert_eq!(Key::parse(label), Ok(parsed), "{label}");
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
                "ledger",
                "entry",
                "help"
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
                "援助台账",
                "台账登记",
                "帮助"
            ]
        );
    }
}
