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

/// The columns by measure group, as the workbook's sheets
/// ([`super::stats_workbook::sheets`]) split them.
fn groups() -> Vec<(&'static str, Vec<Column>)> {
    let mut work: Vec<Column> = vec![("月末在岗".into(), Box::new(|c| c.in_work().to_string()))];
    for (i, s) in WorkStatus::ALL.iter().enumerate() {
        work.push((
            s.label().into(),
            Box::new(move |c| c.by_status[i].to_string()),
        ));
    }
    let mut groups: Vec<(&'static str, Vec<Column>)> = vec![
        (
            "在册与进出",
            vec![
                ("月初在册".into(), Box::new(|c| c.at_start.to_string())),
                ("本月新增".into(), Box::new(|c| c.new.to_string())),
                (
                    "本月退出".into(),
                    Box::new(|c| c.exited_total().to_string()),
                ),
                ("月末在册".into(), Box::new(|c| c.at_end.to_string())),
            ],
        ),
        ("就业状态", work),
        (
            "援助率",
            vec![
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
            ],
        ),
        (
            "零就业家庭",
            vec![
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
            ],
        ),
        (
            "回访",
            vec![
                ("应回访".into(), Box::new(|c| c.followups_due.to_string())),
                ("已回访".into(), Box::new(|c| c.followups_done.to_string())),
                ("逾期".into(), Box::new(|c| c.followups_overdue.to_string())),
            ],
        ),
    ];
    for g in crate::domain::stats_columns::groups() {
        let cols: Vec<Column> = g
            .columns
            .iter()
            .map(|col| -> Column {
                let header = col.header.clone();
                (header, Box::new(move |c| col.value(c).text()))
            })
            .collect();
        groups.push((g.sheet, cols));
    }
    groups
}

/// Every column, in the groups' order: the CSV's columns.
fn columns() -> Vec<Column> {
    groups().into_iter().flat_map(|(_, cols)| cols).collect()
}

/// The width of a terminal the text table is laid out for: a group wider than this is
/// split into blocks, each repeating the township column.
pub const TXT_WIDTH: usize = 80;

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

/// The aligned text table, one block per measure group, each at most [`TXT_WIDTH`] cells
/// wide; then the exits by reason, and the formula.
pub fn write_txt(table: &MonthTable, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{} 就业援助月度统计", month_label(table))?;
    let rows = rows(table);
    let names: Vec<String> = rows
        .iter()
        .map(|(n, _)| for_terminal(n).into_owned())
        .collect();
    let name_w = names
        .iter()
        .map(|n| width(n))
        .chain([width("乡镇")])
        .max()
        .unwrap_or(4)
        + 2;
    for (group, cols) in groups() {
        // Each column as wide as its header or its widest value, plus two spaces.
        let cells: Vec<(String, Vec<String>, usize)> = cols
            .iter()
            .map(|(h, f)| {
                let values: Vec<String> = rows.iter().map(|(_, c)| f(c)).collect();
                let w = values.iter().map(|v| width(v)).chain([width(h)]).max();
                (h.clone(), values, w.unwrap_or(0) + 2)
            })
            .collect();
        let mut blocks: Vec<&[(String, Vec<String>, usize)]> = Vec::new();
        let mut rest = &cells[..];
        while !rest.is_empty() {
            let mut used = name_w;
            // At least one column a block, however narrow the terminal.
            let n = rest
                .iter()
                .take_while(|(_, _, w)| {
                    used += w;
                    used - 2 <= TXT_WIDTH
                })
                .count()
                .max(1);
            let (block, tail) = rest.split_at(n);
            blocks.push(block);
            rest = tail;
        }
        for block in blocks {
            writeln!(out)?;
            writeln!(out, "【{group}】")?;
            let mut line = pad("乡镇", name_w);
            for (h, _, w) in block {
                line.push_str(&pad(h, *w));
            }
            writeln!(out, "{}", line.trim_end())?;
            for (r, name) in names.iter().enumerate() {
                let mut line = pad(name, name_w);
                for (_, values, w) in block {
                    line.push_str(&pad(values.get(r).map_or("", |v| v.as_str()), *w));
                }
                writeln!(out, "{}", line.trim_end())?;
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{TownshipCode, YearMonth};

    fn table(name: &str) -> MonthTable {
        let month = YearMonth::new(2026, 11).unwrap();
        let mut table = MonthTable::new(month);
        let code = TownshipCode("360731100".into());
        table.township(&code, name);
        let c = Contribution {
            at_start: 123_456,
            at_end: 123_456,
            rate_numerator: 8_996,
            rate_denominator: 10_000,
            followups_due: 99_999,
            ..Contribution::default()
        };
        table.add(&code, name, &c);
        table
    }

    fn txt(table: &MonthTable) -> String {
        let mut out = Vec::new();
        write_txt(table, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_text_table_fits_80_columns_in_groups_even_with_a_long_township_name() {
        for name in ["贡江镇", "一个名字特别长的乡镇街道办事处"] {
            let out = txt(&table(name));
            for line in out.lines().filter(|l| !l.starts_with("就业援助率 =")) {
                assert!(width(line) <= TXT_WIDTH, "{} cells: {line}", width(line));
            }
            for (group, cols) in groups() {
                assert!(out.contains(&format!("【{group}】")), "{out}");
                for (h, _) in cols {
                    assert!(out.contains(&h), "{h} missing:\n{out}");
                }
            }
            assert!(out.contains("89.9%"), "{out}");
            assert!(out.contains(name) && out.contains("全县合计"), "{out}");
        }
    }

    #[test]
    fn the_csv_keeps_every_column_in_one_row_per_township() {
        let mut out = Vec::new();
        write_csv(&table("贡江镇"), &mut out).unwrap();
        let csv = String::from_utf8(out).unwrap();
        let header = csv.lines().next().unwrap();
        assert_eq!(
            header.split(',').count(),
            2 + columns().len() + ExitReason::ALL.len()
        );
        assert!(header.starts_with("月份,乡镇,月初在册,本月新增,本月退出,月末在册,月末在岗"));
    }
}
