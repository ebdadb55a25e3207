//! Key bindings: which key asks for which [`Action`] on which screen. A keymap is one table
//! per [`Context`] of key → action with a Chinese description, read from TOML: the shipped
//! `keymaps/default.toml` is compiled in, and a user file overrides it key by key. Every
//! key press becomes an action here ([`Keymap::resolve`]): a bound key its action, a key
//! left unbound the text it types or the edit it makes. The same tables feed the footer
//! ([`Keymap::key_for`]) and the help screen ([`Keymap::help`]). A broken file is never
//! half-applied: every problem is reported with its file and line ([`load`]).
//! This module does not decide what an action does (that is `App::update`) nor where a
//! keymap file comes from (that is the binary).

mod context;
mod help;
mod key;
mod load;
#[cfg(test)]
mod tests;

use crossterm::event::KeyEvent;

use super::action::Action;
use load::{Entry, read_keymap_file};

pub use context::Context;
pub use help::{HelpRow, HelpSection};
pub use key::{Key, KeyNameError};
pub use load::KeymapError;

const DEFAULT_KEYMAP: &str = include_str!("../../../keymaps/default.toml");
const VIM_KEYMAP: &str = include_str!("../../../keymaps/vim.toml");

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

impl Keymap {
    /// The shipped keymap, `keymaps/default.toml`, compiled in. The test
    /// `builtin_keymap_parses_without_problems` guarantees it reads cleanly; were it ever
    /// broken, the bindings that could still be read would apply rather than a panic.
    pub fn builtin() -> Keymap {
        let mut keymap = Keymap {
            tables: Default::default(),
        };
        let (entries, _) = read_keymap_file(DEFAULT_KEYMAP, "keymaps/default.toml");
        keymap.apply(entries);
        keymap
    }

    /// The built-in keymap with a user file applied over it, key by key within each
    /// context: a key the file names is rebound (or, with the action "none", unbound), every
    /// other key stays. A file with any problem changes nothing and reports them all.
    pub fn with_overrides(text: &str, file: &str) -> Result<Keymap, Vec<KeymapError>> {
        let mut keymap = Keymap::builtin();
        let (entries, errors) = read_keymap_file(text, file);
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

    /// What a key press asks for in a context. A bound key gives its action (see
    /// [`Keymap::lookup`]); a key left unbound gives the text it types ([`Action::Type`],
    /// a printable character without Ctrl or Alt) or the edit it makes ([`Action::Edit`]:
    /// Backspace, Delete, Left, Right, Home, End); any other key gives nothing. Whether
    /// anything on screen takes the text is the pane's business.
    pub fn resolve(&self, ctx: Context, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        self.lookup(ctx, key).or_else(|| key.as_text())
    }

    /// The action a key is bound to in a context: the context's own table first, then the
    /// global one. In a text-entry context (search, follow-up form) a key that types or
    /// edits text is never taken by a global binding, so `j` typed into a field is a `j`.
    pub fn lookup(&self, ctx: Context, key: Key) -> Option<Action> {
        self.binding(ctx, key).map(|b| b.action.clone())
    }

    fn binding(&self, ctx: Context, key: Key) -> Option<&Binding> {
        if let Some(binding) = self.table(ctx).iter().find(|b| b.key == key) {
            return Some(binding);
        }
        if ctx == Context::Global || (ctx.is_text_entry() && key.edits_text()) {
            return None;
        }
        self.table(Context::Global).iter().find(|b| b.key == key)
    }

    /// The bindings of one context's own table (global ones not included), in file order.
    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.table(ctx)
    }

    /// The label of the first key that asks for `action` in `ctx` — from the context's
    /// table, else from the global one — for the footer (`Some("F4")`). A key the context
    /// shadows or keeps for typing is skipped, so the footer never names a key that would
    /// do something else.
    pub fn key_for(&self, ctx: Context, action: &Action) -> Option<String> {
        self.table(ctx)
            .iter()
            .chain(self.table(Context::Global))
            .find(|b| {
                b.action == *action && self.binding(ctx, b.key).map(|o| &o.action) == Some(action)
            })
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
}

/// Checks a keymap file without using it: every problem, each with its 1-based line —
/// TOML syntax, unknown context, unknown key name, unknown action, a reserved key. Backs
/// `yuanzhu keymap check FILE`.
pub fn check(text: &str, file: &str) -> Result<(), Vec<KeymapError>> {
    Keymap::with_overrides(text, file).map(|_| ())
}
