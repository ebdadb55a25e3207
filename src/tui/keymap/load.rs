//! Reading keymap files: the TOML of `keymaps/*.toml` and of a user's file, turned into
//! bindings per context, with every problem found reported by file and line — TOML syntax,
//! an unknown context, key name or action, a reserved key, a key kept for typing, an action
//! no file may bind. It does not decide how bindings combine; that is [`super::Keymap`].

use std::collections::HashMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::context::Context;
use super::key::Key;
use crate::tui::action::Action;

/// The action name that removes a key from a context table in an override file.
const UNBIND: &str = "none";

/// Action names that are actions in the program but not in a keymap file: the keymap makes
/// them from the keys left unbound.
const NOT_BINDABLE: &[&str] = &["type", "paste", "edit"];

/// One problem in a keymap file, where the user can find it.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct KeymapError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

/// A binding as read from a file, before it is applied; `action` is `None` for "none".
pub(super) struct Entry {
    pub(super) ctx: Context,
    pub(super) key: Key,
    pub(super) action: Option<Action>,
    pub(super) description: String,
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

/// Reads every binding of a keymap file, and every problem in it. After a TOML syntax
/// error only syntax errors are reported: what the parser recovered past one is not worth
/// judging.
pub(super) fn read_keymap_file(text: &str, file: &str) -> (Vec<Entry>, Vec<KeymapError>) {
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
            let key = match key_name.get_ref().parse::<Key>() {
                Ok(key) => Some(key),
                Err(error) => {
                    problems.add(key_name.span().start, error.0);
                    None
                }
            };
            let binding = read_binding(key_name.get_ref(), value, &mut problems);
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
            if let Some(refusal) = key.refusal(action.as_ref()) {
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
    if NOT_BINDABLE.contains(&name.as_ref()) {
        problems.add(
            action_value.span().start,
            format!("动作 \"{name}\" 是输入框收到的文字，由没有绑定的键自动产生，不能绑定到键上"),
        );
        return None;
    }
    let Some(action) = Action::ALL
        .into_iter()
        .find(|a| a.name().as_deref() == Some(name.as_ref()))
    else {
        problems.add(
            action_value.span().start,
            format!(
                "未知的动作 \"{name}\"；可用的动作：{}；写 \"{UNBIND}\" 可取消这个键",
                action_names()
            ),
        );
        return None;
    };
    let description = desc
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| action.label().to_string());
    Some((Some(action), description))
}

/// The snake_case names of the bindable actions, for the unknown-action message.
fn action_names() -> String {
    let names: Vec<String> = Action::ALL.iter().filter_map(Action::name).collect();
    names.join("、")
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
