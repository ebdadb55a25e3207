//! Cleaning of free text typed or pasted by a caseworker, or read from a file, before it
//! is stored or shown: control and escape characters must never reach a terminal.

/// Drops control characters (C0, DEL, C1, including ESC), turns tabs and line breaks into
/// spaces, trims, and keeps at most `max_chars` characters.
pub fn clean_line(raw: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max_chars * 4));
    for c in raw.chars() {
        if out.chars().count() >= max_chars {
            break;
        }
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.trim().to_string()
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
