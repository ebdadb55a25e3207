//! `yuanzhu stats --format xlsx --out FILE`: the month's table as a workbook, one sheet per
//! measure group (在册与进出, 就业状态, 援助率, 零就业家庭, 回访, then the ledger's and the
//! leads' groups of `domain::stats_columns`), townships as rows and a
//! 全县合计 row, the rate's formula in a cell note and in a line under the table (第(五)条,
//! R-KPI-1; 第(十三)条, R-STAT-1). The provincial format is not public: this layout is ours.

use crate::domain::exit::ExitReason;
use crate::domain::followup::WorkStatus;
use crate::domain::stats::{Contribution, MonthTable, RATE_FORMULA};
use crate::domain::stats_columns;
use crate::domain::text::csv_cell;
use rust_xlsxwriter::{Format, Note, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// The sheets of cases and households, in order.
pub const CASE_SHEETS: [&str; 5] = ["在册与进出", "就业状态", "援助率", "零就业家庭", "回访"];

/// Every sheet, in order: the cases' and households', then the ledger's and the leads'.
pub fn sheets() -> Vec<&'static str> {
    let mut s = CASE_SHEETS.to_vec();
    s.extend(stats_columns::groups().iter().map(|g| g.sheet));
    s
}

/// How a cell of a row is written.
enum Value {
    Count(u32),
    Yuan(u64),
    /// A rate in permille, or none when the denominator is zero.
    Rate(Option<u32>),
}

/// A column: header, value, and the formula to note on its header (rates only).
type Column = (
    String,
    Box<dyn Fn(&Contribution) -> Value>,
    Option<&'static str>,
);

fn count(f: fn(&Contribution) -> u32) -> Box<dyn Fn(&Contribution) -> Value> {
    Box::new(move |c| Value::Count(f(c)))
}

/// The columns of one sheet (the column set of `stats_report`).
fn columns(sheet: &str) -> Vec<Column> {
    match sheet {
        "在册与进出" => {
            let mut cols: Vec<Column> = vec![
                ("月初在册".into(), count(|c| c.at_start), None),
                ("本月新增".into(), count(|c| c.new), None),
                ("本月退出".into(), count(|c| c.exited_total()), None),
                ("月末在册".into(), count(|c| c.at_end), None),
            ];
            for (i, r) in ExitReason::ALL.iter().enumerate() {
                cols.push((
                    format!("退出：{}", r.label()),
                    Box::new(move |c| Value::Count(c.exited[i])),
                    None,
                ));
            }
            cols
        }
        "就业状态" => {
            let mut cols: Vec<Column> = vec![("月末在岗".into(), count(|c| c.in_work()), None)];
            for (i, s) in WorkStatus::ALL.iter().enumerate() {
                cols.push((
                    s.label().into(),
                    Box::new(move |c| Value::Count(c.by_status[i])),
                    None,
                ));
            }
            cols
        }
        "援助率" => vec![
            ("本年帮扶就业".into(), count(|c| c.helped_this_year), None),
            ("援助率分子".into(), count(|c| c.rate_numerator), None),
            ("援助率分母".into(), count(|c| c.rate_denominator), None),
            (
                "援助率".into(),
                Box::new(|c| Value::Rate(c.rate_permille())),
                Some(RATE_FORMULA),
            ),
        ],
        "零就业家庭" => vec![
            ("零就业月末".into(), count(|c| c.zero_at_end), None),
            ("零就业新增".into(), count(|c| c.zero_found), None),
            ("零就业清零".into(), count(|c| c.zero_cleared), None),
            ("超期未清零".into(), count(|c| c.zero_past_deadline), None),
        ],
        "回访" => vec![
            ("应回访".into(), count(|c| c.followups_due), None),
            ("已回访".into(), count(|c| c.followups_done), None),
            ("逾期".into(), count(|c| c.followups_overdue), None),
        ],
        other => stats_columns::groups()
            .iter()
            .filter(|g| g.sheet == other)
            .flat_map(|g| &g.columns)
            .map(|col| {
                let header = col.header.clone();
                let value: Box<dyn Fn(&Contribution) -> Value> =
                    Box::new(move |c| match col.value(c) {
                        stats_columns::Cell::Count(n) => Value::Count(n),
                        stats_columns::Cell::Yuan(n) => Value::Yuan(n),
                    });
                (header, value, None)
            })
            .collect(),
    }
}

/// Column width in Excel's units: 2 per CJK (wide) character, 1 otherwise, plus a margin.
fn fit(s: &str) -> f64 {
    (unicode_width::UnicodeWidthStr::width(s) + 2) as f64
}

fn sheet(ws: &mut Worksheet, name: &str, table: &MonthTable) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let bold = Format::new().set_bold();
    let total_fmt = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let pct_total = Format::new().set_num_format("0.0%").set_bold();
    let cols = columns(name);
    let mut rows: Vec<(String, &Contribution)> = table
        .rows
        .iter()
        .map(|r| (csv_cell(&r.name).into_owned(), &r.counts))
        .collect();
    rows.push(("全县合计".into(), &table.total));

    ws.write_string_with_format(0, 0, "乡镇", &bold)?;
    let name_w = rows.iter().map(|(n, _)| fit(n)).fold(fit("乡镇"), f64::max);
    ws.set_column_width(0, name_w)?;
    for (j, (h, _, formula)) in cols.iter().enumerate() {
        let col = (j + 1) as u16;
        ws.write_string_with_format(0, col, h, &bold)?;
        ws.set_column_width(col, fit(h).max(8.0))?;
        if let Some(f) = formula {
            ws.insert_note(0, col, &Note::new(*f).set_width(400).set_height(120))?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let last = rows.len();
    for (i, (n, c)) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        let is_total = i + 1 == last;
        if is_total {
            ws.write_string_with_format(row, 0, n, &total_fmt)?;
        } else {
            ws.write_string(row, 0, n)?;
        }
        for (j, (_, f, _)) in cols.iter().enumerate() {
            let col = (j + 1) as u16;
            match f(c) {
                Value::Count(v) if is_total => {
                    ws.write_number_with_format(row, col, v, &total_fmt)?;
                }
                Value::Count(v) => {
                    ws.write_number(row, col, v)?;
                }
                // Yuan: whole numbers, well within an f64's exact range.
                Value::Yuan(v) if is_total => {
                    ws.write_number_with_format(row, col, v as f64, &total_fmt)?;
                }
                Value::Yuan(v) => {
                    ws.write_number(row, col, v as f64)?;
                }
                Value::Rate(Some(p)) => {
                    let fmt = if is_total { &pct_total } else { &pct };
                    ws.write_number_with_format(row, col, f64::from(p) / 1000.0, fmt)?;
                }
                Value::Rate(None) => {
                    ws.write_string(row, col, "—")?;
                }
            }
        }
    }
    let month = table.month.map(|m| m.label()).unwrap_or_default();
    let under = (last + 2) as u32;
    ws.write_string(under, 0, format!("{month} 就业援助月度统计"))?;
    if cols.iter().any(|(_, _, f)| f.is_some()) {
        ws.write_string(under + 1, 0, format!("公式：{RATE_FORMULA}"))?;
    }
    Ok(())
}

/// The workbook, in memory.
pub fn workbook(table: &MonthTable) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    for name in sheets() {
        let ws = wb.add_worksheet();
        sheet(ws, name, table)?;
    }
    Ok(wb)
}

/// Errors of [`save`].
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("xlsx 格式须用 --out 指定输出文件（工作簿不能写到终端）")]
    NoOut,
    #[error("写出工作簿失败：{0}")]
    Xlsx(#[from] XlsxError),
}

/// Write the workbook to `out`.
pub fn save(table: &MonthTable, out: Option<&Path>) -> Result<(), WorkbookError> {
    let out = out.ok_or(WorkbookError::NoOut)?;
    workbook(table)?.save(out)?;
    Ok(())
}
