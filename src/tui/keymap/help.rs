//! The help screen as plain data: for the context in front, its own table and then the
//! global one, each a section of rows, one row per action with every key that asks for it.
//! Drawing the rows is the app's business; what they say comes only from the keymap, so a
//! rebound key shows in F1 the moment it works.

use super::{Context, Keymap};
use crate::tui::action::Action;

/// One table of the help screen: a heading and its rows, in the keymap file's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpSection {
    pub title: &'static str,
    pub rows: Vec<HelpRow>,
}

/// One action of a table: every key that asks for it, then what the first one's line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpRow {
    /// Key labels joined with spaces: `Up k`.
    pub keys: String,
    pub description: String,
}

impl Keymap {
    /// The help for `ctx`: its own table, then the global one. Keys with the same action
    /// share a row (so a screen's help fits in 80x24), described by the first of them.
    pub fn help(&self, ctx: Context) -> Vec<HelpSection> {
        [ctx, Context::Global]
            .into_iter()
            .map(|table| HelpSection {
                title: table.title(),
                rows: self.help_rows(table),
            })
            .collect()
    }

    fn help_rows(&self, table: Context) -> Vec<HelpRow> {
        let bindings = self.bindings(table);
        let mut seen: Vec<&Action> = Vec::new();
        let mut rows = Vec::new();
        for b in bindings {
            if seen.contains(&&b.action) {
                continue;
            }
            seen.push(&b.action);
            let keys: Vec<String> = bindings
                .iter()
                .filter(|o| o.action == b.action)
                .map(|o| o.key.label())
                .collect();
            rows.push(HelpRow {
                keys: keys.join(" "),
                description: b.description.clone(),
            });
        }
        rows
    }
}
