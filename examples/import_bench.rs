//! Importing a 50,000-row list into a 10,000-household county (issue 14's budget: at most
//! 30 s and 300 MB each): a 民政 dibao list as a GBK CSV, and a 残联 list as an XLSX, made
//! here with synthetic people, each imported with `--apply` by the real `yuanzhu` binary in
//! a child process, so the time and the peak RSS are the import's alone.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example import_bench -- [--dir DIR] [--rows 50000] [--households 10000]
//! ```
//!
//! The county is generated once in `DIR/county` (default `<temp>/yuanzhu-import-bench`) and
//! copied for each run, so each import meets the county as generated.

// A bench that cannot write its files or start its program has nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use yuanzhu::domain::IdNumber;

fn binary() -> PathBuf {
    std::env::var_os("YUANZHU_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let release = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/yuanzhu");
            if release.exists() {
                release
            } else {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debug/yuanzhu")
            }
        })
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// The n-th synthetic person: region 360781 (none of the demo county's), a birth date and
/// sequence number that make every n unique.
fn id(n: u32) -> String {
    let birth =
        NaiveDate::from_ymd_opt(1966, 1, 1).unwrap() + chrono::Days::new(u64::from(n % 10_000));
    IdNumber::compose("360781", birth, (n / 10_000) as u16)
        .unwrap()
        .to_string()
}

const TOWNS: [&str; 6] = ["贡江镇", "梓山镇", "罗坳镇", "银坑镇", "岭背镇", "车溪乡"];

/// Runs `yuanzhu` with `args`, returning wall seconds, peak RSS in MB and its stdout.
fn measured(args: &[&str]) -> (f64, f64, String) {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("RSS_KB=%M")
        .arg(binary())
        .args(args)
        .output()
        .expect("run yuanzhu under /usr/bin/time");
    let secs = started.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    let rss_kb: f64 = err
        .lines()
        .find_map(|l| l.strip_prefix("RSS_KB="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    assert!(out.status.success(), "{err}");
    (
        secs,
        rss_kb / 1024.0,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn main() {
    let rows: u32 = arg("--rows").and_then(|r| r.parse().ok()).unwrap_or(50_000);
    let households: u32 = arg("--households")
        .and_then(|r| r.parse().ok())
        .unwrap_or(10_000);
    let dir = arg("--dir")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("yuanzhu-import-bench"));
    std::fs::create_dir_all(&dir).unwrap();
    let county = dir.join(format!("county-{households}"));
    let today = "2026-11-20";
    if !county.exists() {
        let started = Instant::now();
        // Without a terminal the program stops after generating, which is all we want.
        let _ = Command::new(binary())
            .args(["--data-dir", county.to_str().unwrap(), "--today", today])
            .args(["demo", "--households", &households.to_string()])
            .output()
            .unwrap();
        println!(
            "县（{households} 户）生成 {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }

    let csv_path = dir.join(format!("dibao-{rows}.csv"));
    let mut text = String::from("序号,姓名,性别,公民身份号码,联系电话,户籍地址,低保证号\r\n");
    for n in 0..rows {
        let town = TOWNS[(n % 6) as usize];
        text.push_str(&format!(
            "{},刘桂英,女,{},139{:08},于都县{town}某村{}组,YD{n:07}\r\n",
            n + 1,
            id(n),
            n,
            n % 9
        ));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(&csv_path, &gbk).unwrap();

    let xlsx_path = dir.join(format!("canlian-{rows}.xlsx"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "身份证号", "残疾证号", "残疾等级", "居住地址"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for n in 0..rows {
        let r = n + 1;
        let number = id(rows + n);
        sheet.write_string(r, 0, "邱国平").unwrap();
        sheet.write_string(r, 1, &number).unwrap();
        sheet.write_string(r, 2, format!("{number}42")).unwrap();
        sheet.write_string(r, 3, "二级").unwrap();
        sheet
            .write_string(r, 4, format!("于都县{}", TOWNS[(n % 6) as usize]))
            .unwrap();
    }
    book.save(&xlsx_path).unwrap();

    for (what, source, file) in [
        ("GBK CSV", "民政低保", &csv_path),
        ("XLSX", "残联持证", &xlsx_path),
    ] {
        let run = dir.join("run");
        let _ = std::fs::remove_dir_all(&run);
        let _ = std::fs::remove_dir_all(run.with_extension("open-copy"));
        copy_dir(&county, &run);
        // The audit anchor lives beside the store; without it the copy is read-only.
        std::fs::copy(
            county.with_extension("audit-anchor"),
            run.with_extension("audit-anchor"),
        )
        .unwrap();
        let (secs, rss, out) = measured(&[
            "--data-dir",
            run.to_str().unwrap(),
            "--today",
            today,
            "--as",
            "guanli",
            "import",
            "list",
            "--source",
            source,
            "--apply",
            file.to_str().unwrap(),
        ]);
        let leads = out
            .lines()
            .find(|l| l.starts_with("新线索"))
            .unwrap_or("")
            .to_string();
        println!(
            "{what} {rows} 行导入 {households} 户县：{secs:.1} s，峰值内存 {rss:.0} MB（预算 30 s、300 MB）；{leads}"
        );
        let (secs, rss, _) = measured(&[
            "--data-dir",
            run.to_str().unwrap(),
            "--as",
            "guanli",
            "check",
        ]);
        println!("  导入后 check：{secs:.1} s，{rss:.0} MB");
    }
}
