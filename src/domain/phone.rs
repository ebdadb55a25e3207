//! Phone numbers, the one parser every form's phone field goes through: the number is
//! how a caseworker reaches a person for the monthly follow-up (第(五)条 每月跟踪回访),
//! so a number that cannot be dialled is refused at the counter, not found out a month
//! later. A mainland mobile (`1[3-9]` and 9 more digits; a leading `+86` or `86` dropped)
//! or a landline (`0`, a 2–3 digit area code, an optional `-`, 7–8 digits, an optional `-`
//! and extension), nothing else. Full-width digits and signs are read as ASCII, and
//! spaces are ignored (numbers are often pasted as `138 0013 8000`). It does not check
//! that an area code or a mobile prefix is in service.

use super::text::halfwidth;

/// Why a typed phone number was refused, as the field's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("电话号码含有数字和“-”以外的字符，请输入手机号或座机号")]
    IllegalCharacter,
    #[error("手机号应为 1 开头的 11 位数字（第二位 3 至 9），如 13907970001")]
    BadMobile,
    #[error("座机号应为区号加号码，如 0797-8123456 或 0797-81234567-801")]
    BadLandline,
    #[error("电话应为手机号（11位，1开头）或座机号（0开头，含区号），如 13907970001、0797-8123456")]
    Neither,
}

/// The longest extension taken after a landline; a switchboard's are short.
const MAX_EXTENSION: usize = 6;

/// A phone number as typed, normalised: a mobile as its 11 digits, a landline as typed
/// less spaces (`0797-8123456`, `07978123456-801`).
pub fn parse_phone(raw: &str) -> Result<String, PhoneError> {
    let s: String = halfwidth(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '－' | '—' => '-',
            '＋' => '+',
            c => c,
        })
        .collect();
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
    {
        return Err(PhoneError::IllegalCharacter);
    }
    if s.starts_with('0') {
        return landline(&s).ok_or(PhoneError::BadLandline);
    }
    let mobile = s
        .strip_prefix("+86")
        .or_else(|| s.strip_prefix("86").filter(|rest| rest.len() == 11))
        .unwrap_or(&s);
    let mobile = mobile.strip_prefix('-').unwrap_or(mobile);
    if mobile.starts_with('1') {
        let b = mobile.as_bytes();
        let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && (b'3'..=b'9').contains(&b[1]);
        return if ok {
            Ok(mobile.to_string())
        } else {
            Err(PhoneError::BadMobile)
        };
    }
    Err(PhoneError::Neither)
}

/// `0` + 2–3 digit area code, optional `-`, 7–8 digits, optional `-` + extension.
fn landline(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(|p| digits(p)) {
        return None;
    }
    let area_ok = |a: &str| a.starts_with('0') && (3..=4).contains(&a.len());
    let local_ok = |n: &str| (7..=8).contains(&n.len()) && !n.starts_with('0');
    let ext_ok = |e: &str| e.len() <= MAX_EXTENSION;
    // Without a dash the area code and the number run together: some split must fit.
    let joined_ok =
        |n: &str| (3..=4).any(|area| n.len() > area && area_ok(&n[..area]) && local_ok(&n[area..]));
    let ok = match parts.as_slice() {
        [n] => joined_ok(n),
        [a, n] if area_ok(a) && local_ok(n) => true,
        [n, e] => joined_ok(n) && ext_ok(e),
        [a, n, e] => area_ok(a) && local_ok(n) && ext_ok(e),
        _ => false,
    };
    ok.then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_3_mobiles_take_a_country_code_and_full_width_digits() {
        assert_eq!(parse_phone("13907970001").unwrap(), "13907970001");
        assert_eq!(parse_phone("+8613907970001").unwrap(), "13907970001");
        assert_eq!(parse_phone("8613907970001").unwrap(), "13907970001");
        assert_eq!(parse_phone("+86 139 0797 0001").unwrap(), "13907970001");
        assert_eq!(parse_phone("+86-13907970001").unwrap(), "13907970001");
        assert_eq!(
            parse_phone("１３９０７９７０００１").unwrap(),
            "13907970001"
        );
        assert_eq!(
            parse_phone("１９９０７９７０００１").unwrap(),
            "19907970001"
        );
    }

    #[test]
    fn finding_3_a_mobile_of_the_wrong_shape_is_refused_by_name() {
        // The 18-digit string registered as a phone in the finding.
        assert_eq!(parse_phone("360731197804091232"), Err(PhoneError::Neither));
        for bad in ["1390797000", "139079700011", "12907970001", "10907970001"] {
            assert_eq!(parse_phone(bad), Err(PhoneError::BadMobile), "{bad}");
        }
        assert_eq!(
            parse_phone("1390797abc1"),
            Err(PhoneError::IllegalCharacter)
        );
        assert_eq!(
            parse_phone("139０７９７ab"),
            Err(PhoneError::IllegalCharacter)
        );
        assert_eq!(parse_phone("8613907970"), Err(PhoneError::Neither));
        assert!(PhoneError::BadMobile.to_string().contains("11 位"));
    }

    #[test]
    fn finding_3_landlines_carry_an_area_code_and_an_optional_extension() {
        for ok in [
            "0797-8123456",
            "0797-81234567",
            "07978123456",
            "010-12345678",
            "01012345678",
            "0797-8123456-801",
            "07978123456-801",
            "０７９７－８１２３４５６",
        ] {
            assert!(parse_phone(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            parse_phone("０７９７－８１２３４５６").unwrap(),
            "0797-8123456"
        );
        for bad in [
            "0797-812345",
            "0797-812345678",
            "07-8123456",
            "07977-8123456",
            "0797-",
            "0797--8123456",
            "0797-8123456-",
            "0797-8123456-1234567",
            "0797-0123456",
            "0797-8123456-801-2",
        ] {
            assert_eq!(parse_phone(bad), Err(PhoneError::BadLandline), "{bad}");
        }
    }

    #[test]
    fn finding_3_anything_else_is_neither() {
        for bad in ["8123456", "+1 2025550123", "", "-"] {
            assert!(parse_phone(bad).is_err(), "{bad}");
        }
    }
}
