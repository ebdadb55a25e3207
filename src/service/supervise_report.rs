//! `yuanzhu supervise --month YYYY-MM`: a month's 监督 findings grouped by rule, each with
//! its key and evidence, as text or CSV (UTF-8). Pages are fetched until the last one.

use super::ServiceError;
use super::client::Client;
use super::protocol::SupervisedFinding;
use crate::domain::YearMonth;
use crate::domain::supervise::Rule;
use crate::domain::supervise::disposition::Verdict;
use crate::domain::text::{csv_cell, for_terminal};
use std::io::{self, Write};

/// Findings asked for per page.
const PAGE: u32 = super::supervise::SUPERVISE_PAGE_MAX;
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
        writeln!(
            out,
            "规则,编号,乡镇,对象,日期,证据,处置,处置版本,处置人,处置日期,说明"
        )?;
        for rule in Rule::ALL {
            for r in rows.iter().filter(|r| r.finding.rule == rule) {
                let f = &r.finding;
                let (verdict, rev, by, on, note) = match &r.disposition {
                    Some(d) => (
                        d.verdict.label(),
                        d.rev.to_string(),
                        d.by.as_str(),
                        d.on.to_string(),
                        d.note.as_str(),
                    ),
                    None => ("未处置", String::new(), "", String::new(), ""),
                };
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{}",
                    csv_cell(rule.label()),
                    csv_cell(&r.key),
                    csv_cell(&f.township.0),
                    csv_cell(&f.subject),
                    f.date,
                    csv_cell(&f.evidence),
                    verdict,
                    rev,
                    csv_cell(by),
                    on,
                    csv_cell(note)
                )?;
            }
        }
        return Ok(());
    }
    let open = rows.iter().filter(|r| r.disposition.is_none()).count();
    writeln!(
        out,
        "{} 监督发现：共 {} 条，未处置 {} 条",
        month.label(),
        rows.len(),
        open
    )?;
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
            match &r.disposition {
                Some(d) => writeln!(
                    out,
                    "    处置：{}（{} {}，第{}版）{}",
                    d.verdict.label(),
                    for_terminal(&d.by),
                    d.on,
                    d.rev,
                    for_terminal(&d.note)
                )?,
                None => writeln!(out, "    处置：未处置")?,
            }
        }
    }
    if cut {
        writeln!(out, "\n（发现过多，仅列出前 {} 条）", rows.len())?;
    }
    Ok(())
}

/// `yuanzhu supervise-dispose KEY 已核实|误报 [--note …] [--rev N]`: the disposition as
/// saved, in one line.
pub fn dispose(
    client: &mut Client,
    key: &str,
    verdict: Verdict,
    note: &str,
    rev: u64,
) -> Result<String, String> {
    match client.dispose_finding(key.to_string(), rev, verdict, note.to_string()) {
        Ok(d) => Ok(format!(
            "已处置：{} {}（第{}版）",
            for_terminal(&d.key),
            d.verdict.label(),
            d.rev
        )),
        Err(ServiceError::Conflict(e)) => Err(format!(
            "{e}。此发现的处置已有或已改动：用 yuanzhu supervise --month 查看其“第N版”，再加 --rev N 重试"
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// `yuanzhu supervise` to standard output.
pub fn run(client: &mut Client, month: YearMonth, format: &str) -> Result<(), String> {
    let (rows, cut) = fetch(client, month).map_err(|e| e.to_string())?;
    let stdout = io::stdout();
    write(&mut stdout.lock(), month, &rows, cut, format)
        .map_err(|e| format!("写出监督发现失败：{e}"))
}
