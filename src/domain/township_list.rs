//! The township list a county is set up with (`yuanzhu init --townships FILE`): one township
//! a line, `代码 名称` or just `名称`; blank lines and lines starting with `#` are skipped.
//! Files saved by office software on Windows are often GBK; both encodings are read.

use super::ids::TownshipCode;
use super::text::clean_line;

/// The file's text: UTF-8 (with or without a byte-order mark), else GBK (GB 18030).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err("文件既不是 UTF-8 也不是 GBK 编码，请另存为 UTF-8 文本".into());
    }
    Ok(text.into_owned())
}

/// The townships, in file order. A township without a code gets the county's six digits
/// and a three-digit number from 101 on. Every problem is reported with its line.
pub fn parse(text: &str, county_code: &str) -> Result<Vec<(TownshipCode, String)>, Vec<String>> {
    let mut out: Vec<(TownshipCode, String)> = Vec::new();
    let mut errors = Vec::new();
    let mut next = 101u32;
    for (i, raw) in text.lines().enumerate() {
        let line = clean_line(raw, 100);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let n = i + 1;
        let mut parts = line.split_whitespace();
        let (code, name) = match (parts.next(), parts.next(), parts.next()) {
            (Some(c), Some(name), None) if c.chars().all(|c| c.is_ascii_digit()) => {
                if c.len() != 9 || !c.starts_with(county_code) {
                    errors.push(format!(
                        "第 {n} 行：乡镇代码“{c}”应为 9 位、以县区代码 {county_code} 开头"
                    ));
                    continue;
                }
                (c.to_string(), name.to_string())
            }
            (Some(name), None, None) => {
                let code = format!("{county_code}{next:03}");
                next += 1;
                (code, name.to_string())
            }
            _ => {
                errors.push(format!(
                    "第 {n} 行：应为“代码 名称”或“名称”，而不是“{line}”"
                ));
                continue;
            }
        };
        if name.chars().count() > 20 || name.chars().any(|c| c.is_ascii_punctuation()) {
            errors.push(format!("第 {n} 行：乡镇名称“{name}”不像是乡镇名称"));
        } else if out.iter().any(|(_, x)| *x == name) {
            errors.push(format!("第 {n} 行：乡镇“{name}”重复"));
        } else if out.iter().any(|(x, _)| x.0 == code) {
            errors.push(format!("第 {n} 行：乡镇代码 {code} 重复"));
        } else {
            out.push((TownshipCode(code), name));
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push("文件中没有乡镇".into());
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_alone_get_numbered_codes_and_given_codes_are_kept() {
        let t = parse("# 于都县\n贡江镇\n\n360731205 罗坳镇\n铁山垅镇\n", "360731").unwrap();
        let codes: Vec<_> = t.iter().map(|(c, n)| format!("{} {n}", c.0)).collect();
        assert_eq!(
            codes,
            ["360731101 贡江镇", "360731205 罗坳镇", "360731102 铁山垅镇"]
        );
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let errors = parse("贡江镇\n贡江镇\n12345 罗坳镇\n一 二 三\n", "360731").unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("第 2 行") && errors[0].contains("重复"));
        assert!(errors[1].starts_with("第 3 行") && errors[1].contains("9 位"));
        assert!(errors[2].starts_with("第 4 行"));
        assert_eq!(parse("\n# 空\n", "360731").unwrap_err(), ["文件中没有乡镇"]);
    }

    #[test]
    fn gbk_and_utf8_with_a_bom_are_both_read() {
        let (gbk, _, _) = encoding_rs::GBK.encode("贡江镇\n罗坳镇\n");
        assert_eq!(decode(&gbk).unwrap(), "贡江镇\n罗坳镇\n");
        assert_eq!(decode("\u{feff}贡江镇".as_bytes()).unwrap(), "贡江镇");
        assert!(decode(&[0x81, 0x20, 0xff]).is_err());
    }

    #[test]
    fn pasted_control_characters_are_dropped_and_escape_sequences_refused() {
        let t = parse("贡江\u{7}镇\r\n", "360731").unwrap();
        assert_eq!(t[0].1, "贡江镇");
        let errors = parse("贡江\u{1b}[31m镇\n", "360731").unwrap_err();
        assert!(errors[0].contains("不像是乡镇名称"), "{errors:?}");
    }

    #[test]
    fn the_shipped_example_list_reads() {
        let text = include_str!("../../examples/deploy/townships.txt");
        let t = parse(text, "360731").unwrap();
        assert_eq!(t.len(), 10);
        assert_eq!(t[0].1, "贡江镇");
    }
}
