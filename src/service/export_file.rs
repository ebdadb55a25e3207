//! The writers of `yuanzhu export` (issue 15): rows written as they come, to CSV (UTF-8 with a
//! BOM, so Excel opens it right) or to a workbook whose ID columns are text cells with a text
//! number format (an 18-digit ID number stays 18 digits). Every cell starting with
//! `= + - @`, tab or CR is neutralised with a leading `'` ([`csv_cell`]).

use crate::domain::text::csv_cell;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// Errors of the writers.
#[derive(Debug, thiserror::Error)]
pub enum ExportFileError {
    #[error("xlsx 格式须用 --out 指定输出文件（工作簿不能写到终端）")]
    NoOut,
    #[error("写出文件失败：{0}")]
    Io(#[from] io::Error),
    #[error("写出 CSV 失败：{0}")]
    Csv(#[from] csv::Error),
    #[error("写出工作簿失败：{0}")]
    Xlsx(#[from] XlsxError),
}

/// A table being written: the header first, then rows as pages arrive.
pub enum TableWriter<W: Write> {
    /// CSV with a BOM.
    Csv(Box<csv::Writer<W>>),
    /// One sheet, saved to `path` by [`TableWriter::finish`].
    Xlsx {
        book: Box<Workbook>,
        path: PathBuf,
        row: u32,
        text_cols: Vec<usize>,
        widths: Vec<usize>,
    },
}

impl<W: Write> TableWriter<W> {
    /// CSV to `out`, the BOM and the header written at once.
    pub fn csv(mut out: W, header: &[&str]) -> Result<Self, ExportFileError> {
        out.write_all(BOM)?;
        let mut w = csv::WriterBuilder::new().from_writer(out);
        w.write_record(header.iter().map(|h| csv_cell(h).into_owned()))?;
        Ok(TableWriter::Csv(Box::new(w)))
    }

    /// A workbook with one sheet named `sheet`; `text_cols` are the ID columns (written as
    /// text). The header row is frozen.
    pub fn xlsx(
        path: &Path,
        sheet: &str,
        header: &[&str],
        text_cols: &[usize],
    ) -> Result<Self, ExportFileError> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(sheet)?;
        let bold = Format::new().set_bold();
        for (j, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, csv_cell(h), &bold)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(TableWriter::Xlsx {
            book: Box::new(book),
            path: path.to_path_buf(),
            row: 1,
            text_cols: text_cols.to_vec(),
            widths: header.iter().map(|h| width(h)).collect(),
        })
    }

    /// One row, every cell neutralised.
    pub fn row(&mut self, cells: &[String]) -> Result<(), ExportFileError> {
        match self {
            TableWriter::Csv(w) => {
                w.write_record(cells.iter().map(|c| csv_cell(c).into_owned()))?
            }
            TableWriter::Xlsx {
                book,
                row,
                text_cols,
                widths,
                ..
            } => {
                let text = Format::new().set_num_format("@");
                let ws = book.worksheet_from_index(0)?;
                for (j, c) in cells.iter().enumerate() {
                    let c = csv_cell(c);
                    if text_cols.contains(&j) {
                        ws.write_string_with_format(*row, j as u16, c.as_ref(), &text)?;
                    } else {
                        ws.write_string(*row, j as u16, c.as_ref())?;
                    }
                    if let Some(w) = widths.get_mut(j) {
                        *w = (*w).max(width(&c));
                    }
                }
                *row += 1;
            }
        }
        Ok(())
    }

    /// Flush the CSV, or size the columns and save the workbook.
    pub fn finish(self) -> Result<(), ExportFileError> {
        match self {
            TableWriter::Csv(mut w) => w.flush()?,
            TableWriter::Xlsx {
                mut book,
                path,
                widths,
                ..
            } => {
                let ws = book.worksheet_from_index(0)?;
                for (j, w) in widths.iter().enumerate() {
                    ws.set_column_width(j as u16, (w + 2).min(60) as f64)?;
                }
                book.save(&path)?;
            }
        }
        Ok(())
    }
}

/// Width in Excel's units: 2 per CJK (wide) character.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_starts_with_the_bom_and_neutralises_formulas() {
        let mut out = Vec::new();
        let mut w = TableWriter::csv(&mut out, &["身份证号", "姓名"]).unwrap();
        w.row(&["360121199001011234".into(), "=HYPERLINK(\"x\")".into()])
            .unwrap();
        w.row(&["360121199001011234".into(), "+1".into()]).unwrap();
        w.finish().unwrap();
        assert!(out.starts_with(BOM));
        let s = String::from_utf8(out[BOM.len()..].to_vec()).unwrap();
        assert!(s.starts_with("身份证号,姓名\n"), "{s}");
        assert!(s.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{s}");
        assert!(s.contains(",'+1\n"), "{s}");
    }
}
