//! The 18-digit resident ID number (公民身份号码, GB 11643-1999): the key by which every
//! person is registered and matched across departments' lists (R-DISCOVER-1), and the
//! source of a person's birth date and sex, from which age, "4050" (R-AGE-4050) and the
//! retirement date (R-RETIRE-1) follow. An [`IdNumber`] can only be built from a number
//! that passes every check of the standard, so everything read from it is sound. This
//! module does not check that a region code (beyond its province) exists, nor does it
//! accept the old 15-digit numbers.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const LEN: usize = 18;

/// GB 11643-1999 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each value of the weighted sum mod 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Provinces, autonomous regions, municipalities and special administrative regions
/// (GB/T 2260), the first two digits of the region code.
const PROVINCE_CODES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// A valid 18-digit resident ID number, normalised to ASCII digits and an uppercase final
/// `X`. Deserialising runs the same checks as [`IdNumber::parse`], so a stored number
/// cannot bypass them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct IdNumber(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// Why a text is not a valid ID number, in words a caseworker can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("需要18位号码（现为{found}位）")]
    WrongLength { found: usize },
    #[error("含有非法字符“{0}”（只能是数字，末位可为X）")]
    IllegalCharacter(char),
    #[error("省份代码无效（{0}）")]
    UnknownProvince(String),
    #[error("出生日期无效（{0}）")]
    InvalidBirthDate(String),
    #[error("出生日期晚于今天")]
    BirthAfterToday,
    /// A real date, but before 1900: a well-formed number of someone long past working
    /// age, named as that rather than as a bad date (issue 13, finding 15).
    #[error("{year}年出生，已超过法定劳动年龄，不能登记为援助对象（请核对号码）")]
    PastWorkingAge { year: i32 },
    /// More than 18 characters typed or pasted: refused whole, never cut to 18.
    #[error("身份证号只有18位（现为{found}位），请核对，不要多输")]
    TooLong { found: usize },
    #[error("校验码错误（应为 {expected}）")]
    WrongCheckDigit { expected: char },
    /// Only from [`IdNumber::compose`].
    #[error("地区代码无效（{0}），需要6位数字")]
    InvalidRegion(String),
    /// Only from [`IdNumber::compose`].
    #[error("顺序码无效（{0}），需要0至999")]
    InvalidSequence(u16),
}

impl IdNumber {
    /// Reads a number as typed or imported: surrounding whitespace is ignored, full-width
    /// digits and `Ｘ` are accepted, and a final `x` is taken as `X`. Checks, in order:
    /// length, characters, province code, birth date (a real date, not before 1900: a
    /// real date before it is someone past working age), and the check digit
    /// (GB 11643-1999).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let found = s.chars().count();
        if found > LEN {
            return Err(IdError::TooLong { found });
        }
        if found != LEN {
            return Err(IdError::WrongLength { found });
        }
        let mut number = String::with_capacity(LEN);
        for (i, c) in s.chars().enumerate() {
            number.push(normalise(c, i == LEN - 1).ok_or(IdError::IllegalCharacter(c))?);
        }
        let province = &number[..2];
        if !PROVINCE_CODES.contains(&province) {
            return Err(IdError::UnknownProvince(province.to_string()));
        }
        let birth = &number[6..14];
        let past_working_age = match (birth_from_digits(birth), real_date(birth)) {
            (Some(_), _) => None,
            // Checked after the check digit, so a typo is named as a typo first.
            (None, Some(date)) if date.year() >= 1800 => Some(date.year()),
            (None, _) => return Err(IdError::InvalidBirthDate(birth.to_string())),
        };
        let expected = check_digit(&number[..17]);
        if !number.ends_with(expected) {
            return Err(IdError::WrongCheckDigit { expected });
        }
        if let Some(year) = past_working_age {
            return Err(IdError::PastWorkingAge { year });
        }
        Ok(Self(number))
    }

    /// [`IdNumber::parse`], and also rejects a birth date after `today`, for numbers
    /// typed in at the counter.
    pub fn parse_at(s: &str, today: NaiveDate) -> Result<Self, IdError> {
        let id = Self::parse(s)?;
        if id.birth_date() > today {
            return Err(IdError::BirthAfterToday);
        }
        Ok(id)
    }

    /// Builds a valid number from a 6-digit region code, a birth date and a 3-digit
    /// sequence number (odd for men, even for women), computing the check digit. For the
    /// demo data generator and tests.
    pub fn compose(region: &str, birth: NaiveDate, sequence: u16) -> Result<Self, IdError> {
        if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::InvalidRegion(region.to_string()));
        }
        if sequence > 999 {
            return Err(IdError::InvalidSequence(sequence));
        }
        if !(1900..=9999).contains(&birth.year()) {
            return Err(IdError::InvalidBirthDate(
                birth.format("%Y%m%d").to_string(),
            ));
        }
        let first17 = format!("{region}{}{sequence:03}", birth.format("%Y%m%d"));
        let check = check_digit(&first17);
        Self::parse(&format!("{first17}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative region code (地址码) where the number was issued.
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    pub fn province_code(&self) -> &str {
        &self.0[..2]
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Every constructor checked the date, so the fallback is never taken.
        birth_from_digits(&self.0[6..14]).unwrap_or(NaiveDate::MIN)
    }

    /// GB 11643-1999: the sequence number's last digit is odd for men, even for women.
    pub fn sex(&self) -> Sex {
        // ASCII digits have the parity of the digit they stand for.
        match self.0.as_bytes()[16] % 2 {
            1 => Sex::Male,
            _ => Sex::Female,
        }
    }

    /// `3601**********1234`, for screens and printed notices (R-RECOG-1 masks ID numbers).
    pub fn masked(&self) -> String {
        format!("{}**********{}", &self.0[..4], self.tail4())
    }

    pub fn tail4(&self) -> &str {
        &self.0[14..]
    }

    /// Age in whole years on `day`; see [`age_on`].
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        age_on(self.birth_date(), day)
    }
}

/// The check character for the first 17 digits (GB 11643-1999: weighted sum mod 11).
/// Characters other than ASCII digits count as 0 and anything past 17 is ignored, so
/// callers pass exactly 17 digits.
pub fn check_digit(first17: &str) -> char {
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// Age in whole years (周岁) on `day`: it goes up on the birthday itself; someone born on
/// 29 February has their birthday on 1 March in common years. Zero before birth.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    if day < birth {
        return 0;
    }
    let years = day.year() - birth.year();
    let before_birthday = (day.month(), day.day()) < (birth.month(), birth.day());
    u32::try_from(years - i32::from(before_birthday)).unwrap_or(0)
}

/// ASCII digits pass; full-width digits become ASCII; `x`, `X`, `ｘ`, `Ｘ` become `X` in
/// the last place only.
fn normalise(c: char, last: bool) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        'x' | 'X' | 'ｘ' | 'Ｘ' if last => Some('X'),
        _ => None,
    }
}

/// `YYYYMMDD` as a real calendar date on or after 1900-01-01.
fn birth_from_digits(digits: &str) -> Option<NaiveDate> {
    real_date(digits).filter(|d| d.year() >= 1900)
}

/// `YYYYMMDD` as a real calendar date, of any year.
fn real_date(digits: &str) -> Option<NaiveDate> {
    let year = digits.get(..4)?.parse().ok()?;
    let month = digits.get(4..6)?.parse().ok()?;
    let day = digits.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for IdNumber {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn parse(s: &str) -> IdNumber {
        IdNumber::parse(s).unwrap()
    }

    #[test]
    fn check_digit_follows_the_standard_weights() {
        assert_eq!(check_digit("36073119780409123"), '2');
        assert_eq!(check_digit("36010219900101001"), '8');
        assert_eq!(check_digit("11010519491231002"), 'X');
        assert_eq!(check_digit("36010219880612005"), 'X');
    }

    #[test]
    fn valid_numbers_are_accepted_as_is() {
        for s in [
            "360731197804091232",
            "360102199001010018",
            "11010519491231002X",
            "36072119850315123X",
        ] {
            assert_eq!(parse(s).as_str(), s);
        }
    }

    #[test]
    fn lowercase_x_is_normalised_to_uppercase() {
        assert_eq!(parse("11010519491231002x").as_str(), "11010519491231002X");
    }

    #[test]
    fn full_width_digits_and_x_are_normalised_to_ascii() {
        assert_eq!(
            parse("３６０７３１１９７８０４０９１２３２").as_str(),
            "360731197804091232"
        );
        assert_eq!(
            parse("１１０１０５１９４９１２３１００２Ｘ").as_str(),
            "11010519491231002X"
        );
        assert_eq!(parse("36010219880612005ｘ").as_str(), "36010219880612005X");
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(
            parse(" \t360731197804091232\u{3000}\n").as_str(),
            "360731197804091232"
        );
    }

    #[test]
    fn wrong_length_reports_the_length_found() {
        let err = IdNumber::parse("36073119780409123").unwrap_err();
        assert_eq!(err, IdError::WrongLength { found: 17 });
        assert_eq!(err.to_string(), "需要18位号码（现为17位）");
        assert_eq!(
            IdNumber::parse("").unwrap_err(),
            IdError::WrongLength { found: 0 }
        );
        assert_eq!(
            IdNumber::parse("3607311978 04091232").unwrap_err(),
            IdError::TooLong { found: 19 }
        );
    }

    #[test]
    fn illegal_characters_are_named() {
        let err = IdNumber::parse("3607311978O4091232").unwrap_err();
        assert_eq!(err, IdError::IllegalCharacter('O'));
        assert_eq!(err.to_string(), "含有非法字符“O”（只能是数字，末位可为X）");
    }

    #[test]
    fn x_before_the_last_place_is_illegal() {
        assert_eq!(
            IdNumber::parse("3607311978040912X2").unwrap_err(),
            IdError::IllegalCharacter('X')
        );
    }

    #[test]
    fn unknown_province_is_rejected() {
        let id = IdNumber::compose("360731", d(1978, 4, 9), 123).unwrap();
        let with_province = |p: &str| {
            let first17 = format!("{p}{}", &id.as_str()[2..17]);
            format!("{first17}{}", check_digit(&first17))
        };
        let err = IdNumber::parse(&with_province("39")).unwrap_err();
        assert_eq!(err, IdError::UnknownProvince("39".into()));
        assert_eq!(err.to_string(), "省份代码无效（39）");
        assert!(IdNumber::parse(&with_province("00")).is_err());
        assert!(IdNumber::parse(&with_province("82")).is_ok());
    }

    #[test]
    fn impossible_birth_dates_are_rejected() {
        for birth in ["19780230", "19781301", "19780400", "17991231", "18800230"] {
            let first17 = format!("360731{birth}123");
            let s = format!("{first17}{}", check_digit(&first17));
            let err = IdNumber::parse(&s).unwrap_err();
            assert_eq!(err, IdError::InvalidBirthDate(birth.into()));
            assert_eq!(err.to_string(), format!("出生日期无效（{birth}）"));
        }
    }

    #[test]
    fn finding_15_a_valid_number_born_in_1880_is_refused_as_past_working_age() {
        let err = IdNumber::parse("440524188001010014").unwrap_err();
        assert_eq!(err, IdError::PastWorkingAge { year: 1880 });
        let text = err.to_string();
        assert!(
            text.contains("1880年出生") && text.contains("超过法定劳动年龄"),
            "{text}"
        );
        assert!(!text.contains("出生日期无效"), "{text}");
        // The day before 1900 too; a typo in such a number is still named as a typo.
        let first17 = "44052418991231001";
        let good = format!("{first17}{}", check_digit(first17));
        assert_eq!(
            IdNumber::parse(&good).unwrap_err(),
            IdError::PastWorkingAge { year: 1899 }
        );
        assert!(matches!(
            IdNumber::parse("440524188001010015"),
            Err(IdError::WrongCheckDigit { .. })
        ));
    }

    #[test]
    fn finding_15_more_than_18_characters_are_refused_not_cut() {
        let err = IdNumber::parse("3607311978040912321").unwrap_err();
        assert_eq!(err, IdError::TooLong { found: 19 });
        assert!(err.to_string().contains("只有18位"), "{err}");
        assert_eq!(
            IdNumber::parse("36073119780409123").unwrap_err(),
            IdError::WrongLength { found: 17 }
        );
    }

    #[test]
    fn birth_on_1900_01_01_is_the_earliest_accepted() {
        let id = parse("440524190001010017");
        assert_eq!(id.birth_date(), d(1900, 1, 1));
    }

    #[test]
    fn february_29_birth_is_valid_only_in_leap_years() {
        assert_eq!(parse("360102200002290029").birth_date(), d(2000, 2, 29));
        let first17 = "36010219000229002";
        let s = format!("{first17}{}", check_digit(first17));
        assert_eq!(
            IdNumber::parse(&s).unwrap_err(),
            IdError::InvalidBirthDate("19000229".into())
        );
    }

    #[test]
    fn wrong_check_digit_names_the_expected_one() {
        let err = IdNumber::parse("360731197804091233").unwrap_err();
        assert_eq!(err, IdError::WrongCheckDigit { expected: '2' });
        assert_eq!(err.to_string(), "校验码错误（应为 2）");
        assert_eq!(
            IdNumber::parse("110105194912310021").unwrap_err(),
            IdError::WrongCheckDigit { expected: 'X' }
        );
    }

    #[test]
    fn checks_run_in_order_length_characters_province_birth_check_digit() {
        // Each input fails every later check too; only the first is reported.
        assert!(matches!(
            IdNumber::parse("99999999999999A"),
            Err(IdError::WrongLength { .. })
        ));
        assert!(matches!(
            IdNumber::parse("990000000000000A00"),
            Err(IdError::IllegalCharacter('A'))
        ));
        assert!(matches!(
            IdNumber::parse("990000000000000000"),
            Err(IdError::UnknownProvince(_))
        ));
        assert!(matches!(
            IdNumber::parse("360000000000000000"),
            Err(IdError::InvalidBirthDate(_))
        ));
    }

    #[test]
    fn parse_at_rejects_a_birth_after_today_but_not_on_it() {
        let s = "360102200002290029";
        assert_eq!(
            IdNumber::parse_at(s, d(2000, 2, 28)).unwrap_err(),
            IdError::BirthAfterToday
        );
        assert_eq!(IdError::BirthAfterToday.to_string(), "出生日期晚于今天");
        assert!(IdNumber::parse_at(s, d(2000, 2, 29)).is_ok());
    }

    #[test]
    fn compose_builds_a_number_that_parses_back() {
        let id = IdNumber::compose("360731", d(1978, 4, 9), 123).unwrap();
        assert_eq!(id.as_str(), "360731197804091232");
        let id = IdNumber::compose("110105", d(1949, 12, 31), 2).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(IdNumber::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn compose_rejects_bad_parts() {
        assert_eq!(
            IdNumber::compose("3607", d(1978, 4, 9), 1).unwrap_err(),
            IdError::InvalidRegion("3607".into())
        );
        assert_eq!(
            IdNumber::compose("36073a", d(1978, 4, 9), 1).unwrap_err(),
            IdError::InvalidRegion("36073a".into())
        );
        assert_eq!(
            IdNumber::compose("990731", d(1978, 4, 9), 1).unwrap_err(),
            IdError::UnknownProvince("99".into())
        );
        assert_eq!(
            IdNumber::compose("360731", d(1978, 4, 9), 1000).unwrap_err(),
            IdError::InvalidSequence(1000)
        );
        assert_eq!(
            IdNumber::compose("360731", d(1899, 12, 31), 1).unwrap_err(),
            IdError::InvalidBirthDate("18991231".into())
        );
    }

    #[test]
    fn conversion_from_string_runs_the_same_checks() {
        assert_eq!(
            IdNumber::try_from("11010519491231002x".to_string()),
            Ok(parse("11010519491231002X"))
        );
        assert_eq!(
            IdNumber::try_from("110105194912310021".to_string()),
            Err(IdError::WrongCheckDigit { expected: 'X' })
        );
    }

    #[test]
    fn parts_are_read_from_their_positions() {
        let id = parse("360731197804091232");
        assert_eq!(id.region(), "360731");
        assert_eq!(id.province_code(), "36");
        assert_eq!(id.birth_date(), d(1978, 4, 9));
    }

    #[test]
    fn odd_seventeenth_digit_is_male_even_is_female() {
        assert_eq!(parse("360731197804091232").sex(), Sex::Male);
        assert_eq!(parse("360102199001010018").sex(), Sex::Male);
        assert_eq!(parse("360102200002290029").sex(), Sex::Female);
        assert_eq!(parse("11010519491231002X").sex(), Sex::Female);
        assert_eq!(Sex::Male.label(), "男");
        assert_eq!(Sex::Female.label(), "女");
    }

    #[test]
    fn masked_keeps_first_four_and_last_four() {
        let id = parse("11010519491231002X");
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(id.tail4(), "002X");
    }

    #[test]
    fn display_and_from_str_use_the_full_number() {
        let id: IdNumber = "11010519491231002x".parse().unwrap();
        assert_eq!(id.to_string(), "11010519491231002X");
    }

    #[test]
    fn age_goes_up_on_the_birthday_not_the_day_before() {
        let birth = d(1978, 4, 9);
        assert_eq!(age_on(birth, d(2018, 4, 8)), 39);
        assert_eq!(age_on(birth, d(2018, 4, 9)), 40);
        assert_eq!(age_on(birth, birth), 0);
        assert_eq!(age_on(birth, d(1978, 4, 8)), 0);
        assert_eq!(parse("360731197804091232").age_on(d(2018, 4, 9)), 40);
    }

    #[test]
    fn february_29_birthday_counts_as_march_1_in_common_years() {
        let birth = d(2000, 2, 29);
        assert_eq!(age_on(birth, d(2001, 2, 28)), 0);
        assert_eq!(age_on(birth, d(2001, 3, 1)), 1);
        assert_eq!(age_on(birth, d(2004, 2, 28)), 3);
        assert_eq!(age_on(birth, d(2004, 2, 29)), 4);
    }
}
