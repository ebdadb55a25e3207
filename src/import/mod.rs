//! Reading another agency's list (第(二)条 “大数据”): a CSV as Excel on Chinese Windows
//! writes it (GBK/GB18030, or UTF-8 with or without a BOM) or a workbook (XLSX, XLS), its
//! columns found by their headers, into the rows the domain checks ([`RawRow`]). The
//! parsing is the `csv`, `encoding_rs` and `calamine` crates'; this module only decides
//! which bytes are which text and which column is which field.
//!
//! It does not judge a row (the domain's [`crate::domain::lead::check_rows`] does) and
//! writes nothing.

use crate::domain::lead::RawRow;
use crate::store::check::Progress;
use calamine::{Data, DataType, Reader};
use std::path::Path;

/// How a CSV's bytes are text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// GBK and its superset GB18030, as Excel on Chinese Windows saves “CSV”.
    Gb18030,
}

impl TextEncoding {
    /// `gbk`, `gb18030`, `utf-8`, `utf8`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(TextEncoding::Utf8),
            "gbk" | "gb18030" | "gb2312" => Some(TextEncoding::Gb18030),
            _ => None,
        }
    }
}

/// A field of a lead a column may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    IdNumber,
    Phone,
    Address,
    Township,
    Village,
    DibaoNumber,
    DisabilityNumber,
    DisabilityLevel,
    Status,
    CancelledOn,
    /// Read and not kept (the sex follows from the ID number).
    Ignored,
}

/// Headers as the agencies write them, each with its field; a `--map 列名=字段` names the
/// field by the first header of its line.
const HEADERS: [(Field, &[&str]); 12] = [
    (Field::Name, &["姓名", "名字"]),
    (
        Field::IdNumber,
        &[
            "身份证号",
            "公民身份号码",
            "身份证号码",
            "证件号码",
            "身份证",
        ],
    ),
    (
        Field::Phone,
        &["电话", "联系电话", "手机号", "手机号码", "手机"],
    ),
    (
        Field::Address,
        &["地址", "户籍地址", "居住地址", "家庭住址", "现住址"],
    ),
    (
        Field::Township,
        &["乡镇", "街道", "乡镇（街道）", "乡镇(街道)", "乡镇街道"],
    ),
    (
        Field::Village,
        &["村", "社区", "村（社区）", "村(社区)", "村居", "村社区"],
    ),
    (Field::DibaoNumber, &["低保证号", "低保证编号"]),
    (Field::DisabilityNumber, &["残疾证号", "残疾人证号"]),
    (Field::DisabilityLevel, &["残疾等级"]),
    (Field::Status, &["状态", "登记状态", "失业登记状态"]),
    (Field::CancelledOn, &["注销日期", "注销时间"]),
    (Field::Ignored, &["性别", "序号"]),
];

impl Field {
    /// The field a header names, or that `--map` names it by.
    pub fn of_header(header: &str) -> Option<Field> {
        let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
        HEADERS
            .iter()
            .find(|(_, names)| names.contains(&h.as_str()))
            .map(|(f, _)| *f)
    }

    pub fn label(self) -> &'static str {
        HEADERS
            .iter()
            .find(|(f, _)| *f == self)
            .map(|(_, names)| names[0])
            .unwrap_or("")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取 {path}：{detail}")]
    Open { path: String, detail: String },
    #[error("{path} 不是 CSV、XLSX 或 XLS 文件（按扩展名判断）")]
    UnknownFormat { path: String },
    #[error("{path} 中没有工作表")]
    NoSheet { path: String },
    #[error(
        "{path} 的前 {HEADER_SEARCH} 行中没有找到身份证号列（表头应含 身份证号/公民身份号码/证件号码 之一；其他表头可用 --map 列名=身份证号）"
    )]
    NoIdColumn { path: String },
    #[error("--map “{0}” 应写成 列名=字段，如 --map 证件号=身份证号")]
    BadMap(String),
    #[error(
        "--map 的字段“{0}”不认识；可用：姓名、身份证号、电话、地址、乡镇、村、低保证号、残疾证号、残疾等级、状态、注销日期"
    )]
    UnknownField(String),
    #[error("{path} 第 {line} 行：{detail}")]
    Csv {
        path: String,
        line: u64,
        detail: String,
    },
    #[error("{path} 按 {encoding} 读取时有无法识别的字节，请用 --encoding 指定正确的编码")]
    Undecodable {
        path: String,
        encoding: &'static str,
    },
}

/// How far down the header row is looked for: lists often open with a title row or two.
const HEADER_SEARCH: usize = 10;

/// One cell as read: its text, and whether the workbook stored it as a number.
#[derive(Clone, Debug, Default, PartialEq)]
struct Cell {
    text: String,
    was_number: bool,
}

/// A sheet's rows, each with its row number as a spreadsheet shows it (from 1).
type Sheet = Vec<(u32, Vec<Cell>)>;

/// `--map 列名=字段` items, parsed.
pub fn parse_maps(maps: &[String]) -> Result<Vec<(String, Field)>, ReadError> {
    maps.iter()
        .map(|m| {
            let (column, field) = m
                .split_once('=')
                .ok_or_else(|| ReadError::BadMap(m.clone()))?;
            let f = Field::of_header(field)
                .filter(|f| *f != Field::Ignored)
                .ok_or_else(|| ReadError::UnknownField(field.to_string()))?;
            Ok((column.trim().to_string(), f))
        })
        .collect()
}

/// Reads a list file into rows, its fields matched by header (and `maps`).
pub fn read_list(
    path: &Path,
    encoding: Option<TextEncoding>,
    maps: &[(String, Field)],
    progress: &mut dyn Progress,
) -> Result<Vec<RawRow>, ReadError> {
    let shown = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let sheet = match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| ReadError::Open {
                path: shown.clone(),
                detail: crate::store::io_message(&e),
            })?;
            read_csv(&bytes, encoding, &shown)?
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(path, &shown)?,
        _ => return Err(ReadError::UnknownFormat { path: shown }),
    };
    rows_of(sheet, maps, &shown, progress)
}

/// The text of a CSV file: the encoding given, else UTF-8 if the bytes are valid UTF-8
/// (a BOM dropped), else GB18030.
pub fn decode_text(
    bytes: &[u8],
    encoding: Option<TextEncoding>,
    path: &str,
) -> Result<String, ReadError> {
    let encoding = encoding.unwrap_or(match std::str::from_utf8(bytes) {
        Ok(_) => TextEncoding::Utf8,
        Err(_) => TextEncoding::Gb18030,
    });
    let (codec, name) = match encoding {
        TextEncoding::Utf8 => (encoding_rs::UTF_8, "UTF-8"),
        TextEncoding::Gb18030 => (encoding_rs::GB18030, "GBK/GB18030"),
    };
    // decode() drops a BOM of its own encoding; of another, it would be text.
    let (text, _, had_errors) = codec.decode(bytes);
    if had_errors {
        return Err(ReadError::Undecodable {
            path: path.to_string(),
            encoding: name,
        });
    }
    Ok(text.into_owned())
}

fn read_csv(bytes: &[u8], encoding: Option<TextEncoding>, path: &str) -> Result<Sheet, ReadError> {
    let text = decode_text(bytes, encoding, path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut sheet = Vec::new();
    // A record's number, not its line: a cell with a line break in it is still one row,
    // as the spreadsheet the list came from shows it.
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ReadError::Csv {
            path: path.to_string(),
            line: e.position().map(|p| p.line()).unwrap_or(0),
            detail: e.to_string(),
        })?;
        let line = i + 1;
        let cells = record
            .iter()
            .map(|t| Cell {
                text: t.to_string(),
                was_number: false,
            })
            .collect();
        sheet.push((u32::try_from(line).unwrap_or(u32::MAX), cells));
    }
    Ok(sheet)
}

fn read_workbook(path: &Path, shown: &str) -> Result<Sheet, ReadError> {
    let open = |e: calamine::Error| ReadError::Open {
        path: shown.to_string(),
        detail: e.to_string(),
    };
    let mut book = calamine::open_workbook_auto(path).map_err(open)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ReadError::NoSheet {
            path: shown.to_string(),
        })?
        .map_err(open)?;
    let first_row = range.start().map(|(r, _)| r).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c).unwrap_or(0) as usize;
    let mut sheet = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![Cell::default(); first_col];
        cells.extend(row.iter().map(cell_of));
        let number = first_row.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        sheet.push((number.saturating_add(1), cells));
    }
    Ok(sheet)
}

/// A workbook cell as text: numbers as the digits Excel would show (a phone number stored
/// as a number reads as one), dates as `YYYY-MM-DD`.
fn cell_of(data: &Data) -> Cell {
    let text = match data {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(_) => data
            .as_date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::Error(e) => format!("#{e}"),
        Data::Empty => String::new(),
    };
    Cell {
        text,
        was_number: matches!(data, Data::Int(_) | Data::Float(_)),
    }
}

/// The sheet's rows below its header, as the domain's rows.
fn rows_of(
    sheet: Sheet,
    maps: &[(String, Field)],
    path: &str,
    progress: &mut dyn Progress,
) -> Result<Vec<RawRow>, ReadError> {
    let field_of = |header: &str| {
        let h = header.trim();
        maps.iter()
            .find(|(column, _)| column == h)
            .map(|(_, f)| *f)
            .or_else(|| Field::of_header(h))
    };
    let header_at = sheet
        .iter()
        .take(HEADER_SEARCH)
        .position(|(_, cells)| {
            cells
                .iter()
                .any(|c| field_of(&c.text) == Some(Field::IdNumber))
        })
        .ok_or_else(|| ReadError::NoIdColumn {
            path: path.to_string(),
        })?;
    let fields: Vec<Option<Field>> = sheet[header_at]
        .1
        .iter()
        .map(|c| field_of(&c.text))
        .collect();
    let mut rows = Vec::with_capacity(sheet.len().saturating_sub(header_at + 1));
    progress.total(rows.capacity() as u64);
    for (i, (number, cells)) in sheet.into_iter().skip(header_at + 1).enumerate() {
        if i % 1000 == 0 {
            progress.done(i as u64);
        }
        let mut row = RawRow {
            row: number,
            ..RawRow::default()
        };
        for (cell, field) in cells.into_iter().zip(&fields) {
            let Some(field) = field else { continue };
            let slot = match field {
                Field::Name => &mut row.name,
                Field::IdNumber => {
                    row.id_was_number = cell.was_number;
                    &mut row.id_number
                }
                Field::Phone => &mut row.phone,
                Field::Address => &mut row.address,
                Field::Township => &mut row.township,
                Field::Village => &mut row.village,
                Field::DibaoNumber => &mut row.dibao_number,
                Field::DisabilityNumber => &mut row.disability_number,
                Field::DisabilityLevel => &mut row.disability_level,
                Field::Status => &mut row.registration_status,
                Field::CancelledOn => &mut row.cancelled_on,
                Field::Ignored => continue,
            };
            if slot.is_empty() {
                *slot = cell.text;
            }
        }
        rows.push(row);
    }
    progress.done(rows.len() as u64);
    Ok(rows)
}

/// A list's rows in parts that each fit one request frame (1 MiB, on the wire and as the
/// server's decoder counts it) with room to spare, to
/// send as `ListImport` parts; at least one part, so an empty list is still checked.
pub fn in_parts(rows: Vec<RawRow>) -> Vec<Vec<RawRow>> {
    const PART_BYTES: usize = 768 * 1024;
    let mut parts = vec![Vec::new()];
    let mut size = 0;
    for row in rows {
        // The server's decoder counts what it allocates: each row's place in the vector as
        // well as its text.
        let bytes = bincode::serde::encode_to_vec(&row, bincode::config::standard())
            .map(|b| b.len() + std::mem::size_of::<RawRow>())
            .unwrap_or(PART_BYTES);
        if size + bytes > PART_BYTES && parts.last().is_some_and(|p| !p.is_empty()) {
            parts.push(Vec::new());
            size = 0;
        }
        size += bytes;
        if let Some(part) = parts.last_mut() {
            part.push(row);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_a_bom_and_gbk_are_told_apart() {
        let text = "姓名,身份证号\n李国华,360731198003011230\n";
        assert_eq!(decode_text(text.as_bytes(), None, "a").unwrap(), text);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode_text(&bom, None, "a").unwrap(), text);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(decode_text(&gbk, None, "a").unwrap(), text);
        assert_eq!(
            decode_text(&gbk, Some(TextEncoding::Gb18030), "a").unwrap(),
            text
        );
        assert!(matches!(
            decode_text(&gbk, Some(TextEncoding::Utf8), "a"),
            Err(ReadError::Undecodable { .. })
        ));
    }

    #[test]
    fn columns_are_found_by_header_below_a_title_row_and_by_map() {
        let text = "于都县低保名单,,\n序号,证件号码,户主姓名,居住地址\n1,360731198003011230,李国华,贡江镇\n";
        let sheet = read_csv(text.as_bytes(), None, "a").unwrap();
        let maps = parse_maps(&["户主姓名=姓名".to_string()]).unwrap();
        let rows = rows_of(sheet, &maps, "a", &mut ()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 3);
        assert_eq!(rows[0].name, "李国华");
        assert_eq!(rows[0].id_number, "360731198003011230");
        assert_eq!(rows[0].address, "贡江镇");
        assert!(matches!(
            parse_maps(&["a=生日".to_string()]),
            Err(ReadError::UnknownField(_))
        ));
        let sheet = read_csv("姓名,号\n李,1\n".as_bytes(), None, "a").unwrap();
        assert!(matches!(
            rows_of(sheet, &[], "a", &mut ()),
            Err(ReadError::NoIdColumn { .. })
        ));
    }

    #[test]
    fn a_number_cell_is_marked_as_a_number() {
        let c = cell_of(&Data::Float(360731198003011230.0));
        assert!(c.was_number);
        assert_eq!(c.text.len(), 18);
        assert_eq!(cell_of(&Data::Float(13907970001.0)).text, "13907970001");
        assert!(!cell_of(&Data::String("x".into())).was_number);
    }
}
