//! Writes the synthetic sample lists in `examples/import/` (made by the project, no real
//! person's data): a 民政 dibao list as a GBK CSV, as Excel on Chinese Windows saves
//! “CSV”, and a 残联 list as an XLSX whose ID column was stored as numbers, as happens
//! when a column is not formatted as text. Each has a few rows with the problems
//! `yuanzhu import list` reports. Run: `cargo run --example import_samples`.

// A sample writer that cannot write its files has nothing to do but stop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use std::path::Path;
use yuanzhu::domain::IdNumber;

/// Region 360731 (于都县, the demo county) and synthetic birth dates and sequences.
fn id(n: u16) -> String {
    let birth = NaiveDate::from_ymd_opt(
        1970 + i32::from(n % 25),
        1 + u32::from(n % 12),
        3 + u32::from(n % 20),
    )
    .expect("a real date");
    IdNumber::compose("360731", birth, 500 + n)
        .expect("a valid number")
        .to_string()
}

fn main() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/import");
    std::fs::create_dir_all(&out).expect("examples/import");

    let bad_check = {
        let good = id(4);
        let wrong = if good.ends_with('1') { '2' } else { '1' };
        format!("{}{wrong}", &good[..17])
    };
    let csv = [
        "序号,姓名,性别,公民身份号码,联系电话,户籍地址,低保证号".to_string(),
        format!(
            "1,刘桂英,女,{},13907970101,于都县贡江镇长征路12号,YD2026001",
            id(1)
        ),
        format!(
            "2,陈建华,男,{},13907970102,于都县梓山镇潭头村,YD2026002",
            id(2)
        ),
        format!("3,黄小红,女,{},,于都县罗坳镇步前村,YD2026003", id(3)),
        format!("4,李志强,男,{bad_check},,于都县岭背镇,YD2026004"),
        "5,王秀兰,女,3.60731E+17,,于都县银坑镇,YD2026005".to_string(),
        format!("6,张伟,男,{},,某省某市某路,YD2026006", id(6)),
        format!(
            "7,刘桂英,女,{},13907970101,于都县贡江镇长征路12号,YD2026001",
            id(1)
        ),
        format!("8,赵2明,男,{},,于都县禾丰镇,YD2026008", id(8)),
    ]
    .join("\r\n")
        + "\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    std::fs::write(out.join("民政低保名单-2026-11.csv"), &gbk).expect("write csv");

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let headers = [
        "姓名",
        "性别",
        "身份证号",
        "残疾证号",
        "残疾等级",
        "居住地址",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    let rows = [
        ("钟海燕", "女", id(11), true, "二级", "于都县贡江镇"),
        ("邱国平", "男", id(12), true, "三级", "于都县铁山垅镇"),
        ("谢文军", "男", id(13), false, "四级", "于都县盘古山镇"),
        ("曾丽", "女", id(14), false, "二级", "于都县车溪乡"),
    ];
    for (i, (name, sex, number, as_number, level, address)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *name).expect("cell");
        sheet.write_string(r, 1, *sex).expect("cell");
        if *as_number {
            sheet
                .write_number(r, 2, number.parse::<f64>().expect("digits"))
                .expect("cell");
        } else {
            sheet.write_string(r, 2, number).expect("cell");
        }
        sheet
            .write_string(r, 3, format!("{number}{}", 40 + i))
            .expect("cell");
        sheet.write_string(r, 4, *level).expect("cell");
        sheet.write_string(r, 5, *address).expect("cell");
    }
    book.save(out.join("残联持证名单-身份证号为数字.xlsx"))
        .expect("write xlsx");
    println!("已写出 {}", out.display());
}
