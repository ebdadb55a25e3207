//! `yuanzhu supervise --month YYYY-MM`: a month's 监督 findings grouped by rule, each with
//! its key and evidence, as text or CSV (UTF-8). Pages are fetched until the last one.

use super::ServiceError;
use super::client::Client;
use super::protocol::SupervisedFinding;
use crate::domain::YearMonth;
use crate::domain::supervise::Rule;
use crate::domain::text::{csv_cell, for_terminal};
use std::io::{self, Write};

/// Findings asked for per page.
const PAGE: u32 = 100;
/// Pages fetched at most (a month's findings beyond this are cut, and the report says so).
const PAGES_MAX: usize = 100;

/// Every finding of `month`, page after page; `true` when cut at [`PAGES_MAX`].
pub fn fetch(
    client: &mut Client,
    month: YearMonth,
) -> Result<(Vec<SupervisedFinding>, bool), ServiceError> {
    let mut all = Vec::new();
    let mut after = None;
    for _ in 0..PAGES_MAX {
        let page = client.supervise(month, after, PAGE)?;
        all.extend(page.findings);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok((all, false)),
        }
    }
    Ok((all, true))
}

/// The report, grouped by rule in [`Rule::ALL`]'s order.
pub fn write(
    out: &mut dyn Write,
    month: YearMonth,
    rows: &[SupervisedFinding],
    cut: bool,
    format: &str,
) -> io::Result<()> {
    if format == "csv" {
        writeln!(out, "规则,编号,乡镇,对象,日期,证据")?;
        for rule in Rule::ALL {
            for r in rows.iter().filter(|r| r.finding.rule == rule) {
                let f = &r.finding;
                writeln!(
                    out,
                    "{},{},{},{},{},{}",
                    csv_cell(rule.label()),
                    csv_cell(&r.key),
                    csv_cell(&f.township.0),
                    csv_cell(&f.subject),
                    f.date,
                    csv_cell(&f.evidence)
                )?;
            }
        }
        return Ok(());
    }
    writeln!(out, "{} 监督发现：共 {} 条", month.label(), rows.len())?;
    for rule in Rule::ALL {
        let of_rule: Vec<_> = rows.iter().filter(|r| r.finding.rule == rule).collect();
        if of_rule.is_empty() {
            continue;
        }
        writeln!(out, "\n【{}】{} 条", rule.label(), of_rule.len())?;
        for r in of_rule {
            let f = &r.finding;
            writeln!(out, "  {}  {}", for_terminal(&r.key), f.date)?;
            writeln!(out, "    {}", for_terminal(&f.evidence))?;
        }
    }
    if cut {
        writeln!(out, "\n（发现过多，仅列出前 {} 条）", rows.len())?;
    }
    Ok(())
}

/// `yuanzhu supervise` to standard output.
pub fn run(client: &mut Client, month: YearMonth, format: &str) -> Result<(), String> {
    let (rows, cut) = fetch(client, month).map_err(|e| e.to_string())?;
    let stdout = io::stdout();
    write(&mut stdout.lock(), month, &rows, cut, format)
        .map_err(|e| format!("写出监督发现失败：{e}"))
}
