//! `yuanzhu stats`: a month's table as an aligned Chinese text table or as CSV (UTF-8), with
//! the rate's formula under it (第(五)条, R-KPI-1).

use crate::domain::exit::ExitReason;
use crate::domain::followup::WorkStatus;
use crate::domain::stats::{Contribution, MonthTable, RATE_FORMULA, RATE_TARGET_PERCENT};
use crate::domain::text::{csv_cell, for_terminal};
use std::io::{self, Write};

/// The month given on the command line: `YYYY-MM`, or a message naming the field.
pub fn parse_month(s: &str) -> Result<crate::domain::YearMonth, String> {
    let bad = || format!("月份：“{s}”不是 YYYY-MM 格式（例如 2026-11）");
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    if !(2000..=2100).contains(&year) || y.len() != 4 {
        return Err(bad());
    }
    crate::domain::YearMonth::new(year, month).ok_or_else(bad)
}

/// A column: its header and how a row's value is written.
type Column = (String, Box<dyn Fn(&Contribution) -> String>);

/// The columns: header and value of a row.
fn columns() -> Vec<Column> {
    let mut cols: Vec<Column> = vec![
        ("月初在册".into(), Box::new(|c| c.at_start.to_string())),
        ("本月新增".into(), Box::new(|c| c.new.to_string())),
        (
            "本月退出".into(),
            Box::new(|c| c.exited_total().to_string()),
        ),
        ("月末在册".into(), Box::new(|c| c.at_end.to_string())),
        ("月末在岗".into(), Box::new(|c| c.in_work().to_string())),
    ];
    for (i, s) in WorkStatus::ALL.iter().enumerate() {
        cols.push((
            s.label().into(),
            Box::new(move |c| c.by_status[i].to_string()),
        ));
    }
    cols.extend::<Vec<Column>>(vec![
        (
            "本年帮扶就业".into(),
            Box::new(|c| c.helped_this_year.to_string()),
        ),
        (
            "援助率分子".into(),
            Box::new(|c| c.rate_numerator.to_string()),
        ),
        (
            "援助率分母".into(),
            Box::new(|c| c.rate_denominator.to_string()),
        ),
        ("援助率".into(), Box::new(|c| c.rate_label())),
        ("零就业月末".into(), Box::new(|c| c.zero_at_end.to_string())),
        ("零就业新增".into(), Box::new(|c| c.zero_found.to_string())),
        (
            "零就业清零".into(),
            Box::new(|c| c.zero_cleared.to_string()),
        ),
        (
            "超期未清零".into(),
            Box::new(|c| c.zero_past_deadline.to_string()),
        ),
        ("应回访".into(), Box::new(|c| c.followups_due.to_string())),
        ("已回访".into(), Box::new(|c| c.followups_done.to_string())),
        ("逾期".into(), Box::new(|c| c.followups_overdue.to_string())),
    ]);
    cols
}

fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn pad(s: &str, cells: usize) -> String {
    format!("{s}{}", " ".repeat(cells.saturating_sub(width(s))))
}

fn rows(table: &MonthTable) -> Vec<(String, &Contribution)> {
    let mut rows: Vec<(String, &Contribution)> = table
        .rows
        .iter()
        .map(|r| (r.name.clone(), &r.counts))
        .collect();
    rows.push(("全县合计".into(), &table.total));
    rows
}

fn month_label(table: &MonthTable) -> String {
    table.month.map(|m| m.label()).unwrap_or_default()
}

/// The aligned text table, the exits by reason, and the formula.
pub fn write_txt(table: &MonthTable, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{} 就业援助月度统计", month_label(table))?;
    let cols = columns();
    let rows = rows(table);
    let name_w = rows
        .iter()
        .map(|(n, _)| width(&for_terminal(n)))
        .chain([width("乡镇")])
        .max()
        .unwrap_or(4)
        + 2;
    let mut line = pad("乡镇", name_w);
    for (h, _) in &cols {
        line.push_str(&pad(h, width(h) + 2));
    }
    writeln!(out, "{}", line.trim_end())?;
    for (name, c) in &rows {
        let mut line = pad(&for_terminal(name), name_w);
        for (h, f) in &cols {
            line.push_str(&pad(&f(c), width(h) + 2));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)?;
    writeln!(out, "本月退出（全县，按原因）：")?;
    let mut any = false;
    for (i, r) in ExitReason::ALL.iter().enumerate() {
        if table.total.exited[i] > 0 {
            writeln!(out, "  {}  {}", pad(r.label(), 32), table.total.exited[i])?;
            any = true;
        }
    }
    if !any {
        writeln!(out, "  无")?;
    }
    writeln!(out)?;
    writeln!(out, "目标：援助率 ≥ {RATE_TARGET_PERCENT}%")?;
    writeln!(out, "{RATE_FORMULA}")?;
    Ok(())
}

/// CSV (UTF-8): the same columns plus one per exit reason, then the formula as a last row.
pub fn write_csv(table: &MonthTable, out: impl Write) -> Result<(), csv::Error> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
    let cols = columns();
    let mut header = vec!["月份".to_string(), "乡镇".to_string()];
    header.extend(cols.iter().map(|(h, _)| h.clone()));
    header.extend(
        ExitReason::ALL
            .iter()
            .map(|r| format!("退出：{}", r.label())),
    );
    w.write_record(&header)?;
    for (name, c) in rows(table) {
        let mut rec = vec![month_label(table), csv_cell(&name).into_owned()];
        rec.extend(cols.iter().map(|(_, f)| f(c)));
        rec.extend(c.exited.iter().map(|n| n.to_string()));
        w.write_record(&rec)?;
    }
    w.write_record([format!("公式：{RATE_FORMULA}")])?;
    w.flush()?;
    Ok(())
}

/// Errors of [`print`].
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("写出统计表失败：{0}")]
    Io(#[from] io::Error),
    #[error("写出 CSV 失败：{0}")]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Workbook(#[from] super::stats_workbook::WorkbookError),
}

/// `yuanzhu stats` as `txt`, `csv` or `xlsx`: to `out` when given, else to standard output
/// (`xlsx` needs `out`).
pub fn write(
    table: &MonthTable,
    format: &str,
    out: Option<&std::path::Path>,
) -> Result<(), PrintError> {
    if format == "xlsx" {
        return Ok(super::stats_workbook::save(table, out)?);
    }
    let Some(path) = out else {
        return print(table, format);
    };
    let mut file = io::BufWriter::new(std::fs::File::create(path)?);
    if format == "csv" {
        write_csv(table, &mut file)?;
    } else {
        write_txt(table, &mut file)?;
    }
    file.flush()?;
    Ok(())
}

/// `yuanzhu stats` to standard output, as `txt` or `csv`.
pub fn print(table: &MonthTable, format: &str) -> Result<(), PrintError> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if format == "csv" {
        write_csv(table, &mut out)?;
    } else {
        write_txt(table, &mut out)?;
    }
    Ok(())
}
