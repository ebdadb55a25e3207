//! Finding a person as a caseworker would type it: part of the name, pinyin initials
//! (`ljg` finds 李建国; a character with several readings matches any of them, so 曾 is both
//! `z` and `c`), the last digits of the ID number, or part of the phone number.

use pinyin::ToPinyinMulti;

/// For each character of the name, the set of initials it may be typed with (lowercase);
/// a character with no pinyin (a Latin letter, a digit) stands for itself.
pub fn initials(name: &str) -> Vec<String> {
    name.chars()
        .map(|c| match c.to_pinyin_multi() {
            Some(multi) => {
                let mut letters: Vec<char> = multi
                    .into_iter()
                    .filter_map(|p| p.first_letter().chars().next())
                    .collect();
                letters.sort_unstable();
                letters.dedup();
                letters.into_iter().collect()
            }
            None => c.to_lowercase().collect(),
        })
        .collect()
}

/// What is searched in one person.
pub struct Searchable<'a> {
    pub name: &'a str,
    pub initials: &'a [String],
    pub id_tail: &'a str,
    pub phone: &'a str,
}

/// A query of letters matches initials (contiguous, anywhere in the name); of digits, the end
/// of the ID number (up to its last 4) or any part of the phone; anything else, part of the
/// name. An `x` at the end of a digit query is the ID check character.
pub fn matches(query: &str, who: &Searchable<'_>) -> bool {
    let q: String = crate::domain::text::halfwidth(query.trim()).to_lowercase();
    if q.is_empty() {
        return true;
    }
    if q.chars().all(|c| c.is_ascii_alphabetic()) {
        let letters: Vec<char> = q.chars().collect();
        if letters.len() <= who.initials.len() {
            return who
                .initials
                .windows(letters.len())
                .any(|w| w.iter().zip(&letters).all(|(set, l)| set.contains(*l)));
        }
        return false;
    }
    let digits_like = q
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || (c == 'x' && i + 1 == q.len()));
    if digits_like {
        let tail_hit = q.len() <= 4 && who.id_tail.to_lowercase().ends_with(&q);
        let phone_hit = !q.contains('x') && who.phone.contains(&q);
        return tail_hit || phone_hit;
    }
    who.name.contains(query.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(q: &str, name: &str, tail: &str, phone: &str) -> bool {
        let ini = initials(name);
        matches(
            q,
            &Searchable {
                name,
                initials: &ini,
                id_tail: tail,
                phone,
            },
        )
    }

    #[test]
    fn pinyin_initials_find_the_name() {
        assert!(hit("ljg", "李建国", "1234", ""));
        assert!(hit("LJG", "李建国", "1234", ""));
        assert!(hit("jg", "李建国", "1234", ""));
        assert!(!hit("lg", "李建国", "1234", ""));
    }

    #[test]
    fn a_surname_with_two_readings_matches_either() {
        assert!(hit("zxm", "曾小明", "0000", ""));
        assert!(hit("cxm", "曾小明", "0000", ""));
    }

    #[test]
    fn digits_find_id_tail_or_phone() {
        assert!(hit("1234", "王芳", "1234", "13907970000"));
        assert!(hit("234", "王芳", "1234", ""));
        assert!(hit("0797", "王芳", "5555", "13907970000"));
        assert!(hit("123x", "王芳", "123X", ""));
        assert!(!hit("9999", "王芳", "1234", "13907970000"));
    }

    #[test]
    fn chinese_text_finds_part_of_the_name() {
        assert!(hit("建国", "李建国", "1234", ""));
        assert!(!hit("建军", "李建国", "1234", ""));
    }
}
