//! Cleaning of free text typed or pasted by a caseworker, or read from a file, before it
//! is stored; and the neutralising of text on its way out to a terminal, a printed notice or
//! a spreadsheet. Control, escape and invisible format characters (bidi overrides, zero-width
//! spaces) must never reach a terminal or a sheet, and a cell must never run as a formula.
//! Input is cleaned *and* output escaped: records written before the cleaning existed, or
//! brought in by an import, may still carry them.

use std::borrow::Cow;

/// Unicode's format characters (general category Cf, Unicode 15.1), plus the line and
/// paragraph separators: invisible, yet they reorder (U+202E shows "gpj.exe" as "exe.jpg"),
/// hide or join what is around them, and U+2028/2029 break a line where a table expects
/// none. std has no category lookup, and the list is short and stable enough to hold here.
const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// A format or separator character (see [`INVISIBLE`]).
pub fn is_invisible(c: char) -> bool {
    INVISIBLE.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c))
}

/// What must not reach a terminal as it is: control characters (C0, DEL, C1, ESC among
/// them) and the invisible format characters.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Drops control characters (C0, DEL, C1, including ESC) and invisible format characters
/// (bidi controls, zero-width spaces and joiners, byte-order marks), turns tabs and line
/// breaks into spaces, trims, and keeps at most `max_chars` characters.
pub fn clean_line(raw: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max_chars * 4));
    let mut kept = 0;
    for c in raw.chars() {
        if kept >= max_chars {
            break;
        }
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_unsafe(c) => continue,
            c => out.push(c),
        }
        kept += 1;
    }
    out.trim().to_string()
}

/// Text from the store as it may be printed on a terminal or a sheet: every control or
/// format character shown as a visible escape (`\u{202e}`), the rest unchanged (borrowed
/// when there is nothing to escape, which is nearly always).
///
/// Shown rather than dropped: such a character in a stored record was planted or imported,
/// never typed through the program's own forms, and a reviewer reading `audit show` should
/// see that it is there, not a name that merely looks right. Escaping also keeps the text
/// distinct from its cleaned form, so two different records never print the same.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A cell for a CSV that a spreadsheet will open: escaped like [`for_terminal`], and one
/// starting with `=`, `+`, `-`, `@` (or a tab or carriage return, which Excel skips before
/// looking) is prefixed with `'` so that it is shown as text and never run as a formula
/// (OWASP "CSV injection"). Quoting is the CSV writer's job, not this function's.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let formula = s
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    match (formula, for_terminal(s)) {
        (false, text) => text,
        (true, text) => Cow::Owned(format!("'{text}")),
    }
}

/// Full-width digits (`２`, what many Chinese input methods type) as ASCII digits; other
/// characters unchanged.
pub fn halfwidth_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        c => c,
    }
}

/// A string's digits and letters folded to half width (for number and code fields).
pub fn halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// A name for a printed notice (R-RECOG-1): the first and last characters kept, the ones
/// between starred — 李*国, 欧阳**华; a two-character name keeps its first: 王*.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_pasted_into_a_field_are_dropped() {
        assert_eq!(clean_line("李\u{1b}[2J建国\u{7}", 20), "李[2J建国");
        assert_eq!(clean_line("a\tb\nc", 20), "a b c");
    }

    #[test]
    fn bidi_controls_and_zero_width_characters_are_dropped_at_input() {
        assert_eq!(clean_line("李\u{202e}建国", 20), "李建国");
        assert_eq!(clean_line("\u{2066}王\u{2069}芳\u{200b}", 20), "王芳");
        for c in [
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{061c}',
            '\u{feff}',
            '\u{2060}',
            '\u{2064}',
            '\u{206a}',
            '\u{206f}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{2028}',
            '\u{e0041}',
        ] {
            assert_eq!(
                clean_line(&format!("长{c}征村"), 20),
                "长征村",
                "{:x}",
                c as u32
            );
        }
    }

    #[test]
    fn dropped_characters_do_not_count_against_the_length() {
        assert_eq!(clean_line("\u{200b}\u{200b}\u{200b}赣州市", 3), "赣州市");
    }

    #[test]
    fn ordinary_chinese_text_passes_unchanged_and_unallocated() {
        let text = "于都县贡江镇长征村 3 组（李建国、Ann·Lee）";
        assert!(matches!(for_terminal(text), Cow::Borrowed(t) if t == text));
        assert_eq!(clean_line(text, 100), text);
        assert!(!"〇一二、，。：；﹏ｗ".chars().any(is_invisible));
    }

    #[test]
    fn output_shows_control_and_format_characters_as_escapes() {
        assert_eq!(for_terminal("李\u{202e}建国"), "李\\u{202e}建国");
        assert_eq!(for_terminal("\u{1b}[2J\u{7}"), "\\u{1b}[2J\\u{7}");
        assert_eq!(for_terminal("a\nb\u{feff}"), "a\\u{a}b\\u{feff}");
        assert_eq!(for_terminal("\u{e0041}"), "\\u{e0041}");
    }

    #[test]
    fn a_csv_cell_that_would_run_as_a_formula_is_prefixed() {
        for (raw, cell) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+86 139", "'+86 139"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\\u{9}x"),
            ("\r=1", "'\\u{d}=1"),
            ("李=建国", "李=建国"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(raw), cell, "{raw:?}");
        }
        assert_eq!(csv_cell("=\u{202e}1"), "'=\\u{202e}1");
    }

    #[test]
    fn long_input_is_cut_at_a_character_boundary() {
        assert_eq!(clean_line("赣州市于都县", 3), "赣州市");
    }

    #[test]
    fn fullwidth_digits_fold_to_ascii() {
        assert_eq!(halfwidth_digit('２'), '2');
        assert_eq!(halfwidth("１２３ａ"), "123a");
    }

    #[test]
    fn names_on_a_notice_keep_only_their_ends() {
        assert_eq!(mask_name("李建国"), "李*国");
        assert_eq!(mask_name("王芳"), "王*");
        assert_eq!(mask_name("欧阳春华"), "欧*华".replace('*', "**"));
        assert_eq!(mask_name("A"), "*");
    }
}
