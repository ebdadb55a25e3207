//! Text measured in terminal cells: Han characters take two, ASCII one. Columns are padded
//! and cut by display width so Chinese and mixed names line up, and a cut never splits a wide
//! character. Cuts end in `..`, never `…`, whose width is ambiguous in Chinese consoles.

use unicode_width::UnicodeWidthChar;
use unicode_width::UnicodeWidthStr;

pub fn width(s: &str) -> usize {
    s.width()
}

/// Exactly `cells` wide: cut (ending in `..`) or padded with spaces.
pub fn fit(s: &str, cells: usize) -> String {
    let w = width(s);
    if w <= cells {
        let mut out = String::with_capacity(s.len() + cells - w);
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', cells - w));
        return out;
    }
    let room = cells.saturating_sub(2);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > room {
            break;
        }
        out.push(c);
        used += cw;
    }
    let dots = cells.min(2);
    out.extend(std::iter::repeat_n('.', dots));
    used += dots;
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(used)));
    out
}

/// At most `cells` wide, cut without marks (for free text at the end of a line).
pub fn clip(s: &str, cells: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > cells {
            break;
        }
        out.push(c);
        used += cw;
    }
    out
}

/// Lines of at most `cells` cells, broken between characters (Chinese has no spaces to
/// break at), so nothing is lost off the edge of a box.
pub fn wrap(s: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(2);
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > cells {
            lines.push(String::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
        used += cw;
    }
    lines
}

/// What of an input line fits in `room` cells around its caret: the text to draw and the
/// caret's column within it (the real terminal cursor goes there, for input methods).
pub fn input_view(input: &tui_input::Input, room: usize) -> (String, usize) {
    let scroll = input.visual_scroll(room.saturating_sub(1));
    let mut skipped = 0;
    let rest: String = input
        .value()
        .chars()
        .skip_while(|c| {
            if skipped >= scroll {
                return false;
            }
            skipped += c.width().unwrap_or(0);
            true
        })
        .collect();
    (
        clip(&rest, room),
        input.visual_cursor().saturating_sub(skipped),
    )
}

/// A one-line note edited by `action`: a character typed, an edit key, or a paste (its
/// control characters dropped), never past `max_chars` characters. False when the action
/// is not an edit of a line, for the caller to handle.
pub fn edit_line(
    input: &mut tui_input::Input,
    action: &crate::tui::action::Action,
    max_chars: usize,
) -> bool {
    use crate::tui::action::Action;
    use tui_input::InputRequest;
    let room = max_chars.saturating_sub(input.value().chars().count());
    match action {
        Action::Type(c) => {
            if !c.is_control() && room > 0 {
                input.handle(InputRequest::InsertChar(*c));
            }
        }
        Action::Edit(edit) => {
            input.handle(edit.request());
        }
        Action::Paste(text) => {
            for c in crate::domain::text::clean_line(text, room).chars() {
                input.handle(InputRequest::InsertChar(c));
            }
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_keep_every_character_within_the_width() {
        let text = "批准 廖慧 退出：认定将取消，不再列入回访";
        let lines = wrap(text, 10);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn chinese_names_pad_to_the_same_width() {
        assert_eq!(width(&fit("李建国", 8)), 8);
        assert_eq!(width(&fit("欧阳", 8)), 8);
        assert_eq!(width(&fit("Ann李", 8)), 8);
    }

    #[test]
    fn a_cut_never_splits_a_wide_character() {
        assert_eq!(fit("欧阳娜仁其其格", 9), "欧阳娜.. ");
        assert_eq!(width(&fit("欧阳娜仁其其格", 9)), 9);
        assert_eq!(clip("赣州市", 5), "赣州");
    }
}
