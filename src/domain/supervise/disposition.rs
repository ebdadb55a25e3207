//! A reviewer's disposition of a 监督 finding (第(十四)条, R-GOV-1): 已核实 (checked and
//! true) or 误报 (a false alarm), with a note. It is kept by the finding's stable key, so it
//! stays with the finding however often the rules run; each one is an audited write.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest key a disposition accepts (a key is `rule:subject:YYYY-MM`).
pub const KEY_MAX_CHARS: usize = 200;
/// The longest note kept.
pub const NOTE_MAX_CHARS: usize = 300;

/// What the reviewer found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// 已核实: the finding was checked and holds.
    Verified,
    /// 误报: the finding does not hold.
    FalseAlarm,
}

impl Verdict {
    pub const ALL: [Verdict; 2] = [Verdict::Verified, Verdict::FalseAlarm];

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Verified => "已核实",
            Verdict::FalseAlarm => "误报",
        }
    }

    /// The verdict a reviewer types: its label, or `verified` / `false-alarm`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "已核实" | "verified" => Ok(Verdict::Verified),
            "误报" | "false-alarm" => Ok(Verdict::FalseAlarm),
            other => Err(format!("处置：“{other}”不是“已核实”或“误报”")),
        }
    }
}

/// A finding's disposition as stored: the latest word on it, with its version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingDisposition {
    /// The finding's key, `rule:subject:YYYY-MM`.
    pub key: String,
    /// 1 for the first disposition, one more for each change of mind.
    pub rev: u64,
    pub verdict: Verdict,
    pub note: String,
    /// The reviewer's account.
    pub by: String,
    pub on: NaiveDate,
}

impl FindingDisposition {
    /// A disposition of `key`, its note cleaned of control characters; refused with a
    /// field-level message when the key is empty or too long, or a 误报 has no note (a
    /// false alarm must say why, for whoever audits the reviewer).
    pub fn new(
        key: &str,
        verdict: Verdict,
        note: &str,
        by: &str,
        on: NaiveDate,
    ) -> Result<Self, String> {
        let key = key.trim();
        if key.is_empty() {
            return Err("发现编号：不能为空".into());
        }
        if key.chars().count() > KEY_MAX_CHARS
            || key.chars().any(super::super::text::is_invisible)
            || key.chars().any(char::is_control)
        {
            return Err("发现编号：不是监督发现的编号（规则:对象:年-月）".into());
        }
        let note = super::super::text::clean_line(note, NOTE_MAX_CHARS);
        if verdict == Verdict::FalseAlarm && note.is_empty() {
            return Err("说明：处置为误报时须写明理由".into());
        }
        Ok(Self {
            key: key.to_string(),
            rev: 0,
            verdict,
            note,
            by: by.to_string(),
            on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    #[test]
    fn a_false_alarm_needs_a_reason_and_a_verified_one_does_not() {
        let key = "copied_followups:张三（案7）:2026-11";
        let e = FindingDisposition::new(key, Verdict::FalseAlarm, " \t", "shenhe", day());
        assert!(e.unwrap_err().starts_with("说明"));
        let ok = FindingDisposition::new(key, Verdict::Verified, "", "shenhe", day()).unwrap();
        assert_eq!(
            (ok.key.as_str(), ok.verdict, ok.rev),
            (key, Verdict::Verified, 0)
        );
    }

    #[test]
    fn the_key_and_note_are_bounded_and_cleaned() {
        let long = "k".repeat(KEY_MAX_CHARS + 1);
        for bad in ["", "  ", long.as_str(), "a\u{1b}[2Jb"] {
            let e = FindingDisposition::new(bad, Verdict::Verified, "", "shenhe", day());
            assert!(e.unwrap_err().starts_with("发现编号"), "{bad:?}");
        }
        let note = format!("电话\u{1b}[31m核实{}", "很".repeat(2 * NOTE_MAX_CHARS));
        let d =
            FindingDisposition::new("r:s:2026-11", Verdict::FalseAlarm, &note, "u", day()).unwrap();
        assert!(!d.note.contains('\u{1b}'));
        assert_eq!(d.note.chars().count(), NOTE_MAX_CHARS);
    }

    #[test]
    fn verdicts_parse_from_their_labels() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.label()), Ok(v));
        }
        assert!(Verdict::parse("属实").is_err());
    }
}
