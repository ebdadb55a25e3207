//! `yuanzhu export KIND --month YYYY-MM --format csv|xlsx [--out FILE] [--unmasked]`: pages
//! asked of the service one after another and written as they come ([`TableWriter`]), the
//! walk's progress reported as it goes. CSV goes to standard output without `--out`; a
//! workbook needs a file. A CSV file is written beside its name and renamed when complete,
//! so a failed export leaves no half table under the name asked for.

use super::client::Client;
use super::export_file::{ExportFileError, TableWriter};
use super::protocol::{ExportKind, ExportPage};
use super::{EXPORT_PAGE_MAX, ServiceError};
use crate::domain::YearMonth;
use crate::store::check::Progress;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What to export, and where.
pub struct ExportArgs<'a> {
    pub kind: ExportKind,
    pub month: YearMonth,
    /// `csv` or `xlsx`.
    pub format: &'a str,
    pub out: Option<&'a Path>,
    pub unmasked: bool,
    /// Rows asked per page (the server caps it at [`EXPORT_PAGE_MAX`]).
    pub page: u32,
}

impl ExportArgs<'_> {
    /// Rows per page when not told otherwise: the most a page may carry.
    pub const PAGE: u32 = EXPORT_PAGE_MAX;
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    File(#[from] ExportFileError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("导出中断：服务返回的续页位置没有前进（{0}），请重试或联系管理员")]
    Stuck(String),
}

/// Runs the export; the rows written.
pub fn run(
    client: &mut Client,
    args: &ExportArgs<'_>,
    progress: &mut dyn Progress,
) -> Result<u64, ExportError> {
    let header = args.kind.header();
    if args.format == "xlsx" && args.out.is_none() {
        return Err(ExportFileError::NoOut.into());
    }
    // Asked before anything is written: a refusal leaves no header on the terminal and no
    // file behind.
    let file = args.out.map(named).unwrap_or_default();
    let first = ask(client, args, None, &file)?;
    match (args.format, args.out) {
        ("xlsx", Some(out)) => {
            let w = TableWriter::<std::io::Sink>::xlsx(
                out,
                args.kind.sheet(),
                header,
                args.kind.id_columns(),
            )?;
            pump(client, args, first, &file, w, progress)
        }
        (_, Some(out)) => {
            let part = part_path(out);
            let handle = std::fs::File::create(&part).map_err(ExportFileError::from)?;
            let w = TableWriter::csv(std::io::BufWriter::new(handle), header)?;
            let rows = pump(client, args, first, &file, w, progress);
            match rows {
                Ok(n) => {
                    std::fs::rename(&part, out).map_err(ExportFileError::from)?;
                    Ok(n)
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&part);
                    Err(e)
                }
            }
        }
        (_, None) => {
            let w = TableWriter::csv(std::io::stdout().lock(), header)?;
            pump(client, args, first, &file, w, progress)
        }
    }
}

/// How the audit entry names the file: its full path.
fn named(out: &Path) -> String {
    std::path::absolute(out)
        .unwrap_or_else(|_| out.to_path_buf())
        .display()
        .to_string()
}

fn part_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    out.with_file_name(name)
}

fn ask(
    client: &mut Client,
    args: &ExportArgs<'_>,
    after: Option<String>,
    file: &str,
) -> Result<ExportPage, ExportError> {
    Ok(client.export(
        args.kind,
        args.month,
        after,
        args.page,
        args.unmasked,
        file.to_string(),
    )?)
}

/// Writes `first` and the pages after it.
fn pump<W: Write>(
    client: &mut Client,
    args: &ExportArgs<'_>,
    first: ExportPage,
    file: &str,
    mut w: TableWriter<W>,
    progress: &mut dyn Progress,
) -> Result<u64, ExportError> {
    progress.total(first.records);
    let mut page = first;
    let mut after: Option<String> = None;
    let (mut rows, mut scanned) = (0u64, 0u64);
    loop {
        scanned += page.scanned;
        progress.done(scanned);
        for r in &page.rows {
            w.row(r)?;
        }
        rows += page.rows.len() as u64;
        match page.next {
            Some(next) if after.as_ref().is_some_and(|a| *a >= next) => {
                return Err(ExportError::Stuck(next));
            }
            Some(next) => after = Some(next),
            None => break,
        }
        page = ask(client, args, after.clone(), file)?;
    }
    w.finish()?;
    Ok(rows)
}
