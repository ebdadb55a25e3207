//! Data out (issue 15): `yuanzhu stats --format xlsx --out FILE`, the monthly workbook opened
//! back with calamine: its sheets, headers, the 全县合计 row and the rate's formula under the
//! table (第(五)条, R-KPI-1; 第(十三)条, R-STAT-1).

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use calamine::{Data, Reader, Xlsx, open_workbook};
use std::process::Output;

fn runner(d: &str) -> impl Fn(&[&str]) -> Output + '_ {
    move |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
            .args(["--data-dir", d, "--today", "2026-11-16"])
            .args(args)
            .env_remove("YUANZHU_TODAY")
            .env_remove("YUANZHU_DATA_DIR")
            .env_remove("YUANZHU_SOCKET")
            .env_remove("YUANZHU_CONFIG")
            .output()
            .unwrap()
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn the_monthly_workbook_has_a_sheet_per_group_a_county_row_and_the_formula() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = runner(d);
    // `demo` builds the county, then wants a terminal for the screens: its status is not ours.
    run(&["demo", "--households", "10"]);
    let file = dir.path().join("2026-11.xlsx");
    let f = file.to_str().unwrap();
    let o = run(&[
        "--as", "guanli", "stats", "--month", "2026-11", "--format", "xlsx", "--out", f,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(
        wb.sheet_names(),
        yuanzhu::service::stats_workbook::sheets()
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    );
    let headers = [
        (
            "在册与进出",
            vec!["乡镇", "月初在册", "本月新增", "本月退出", "月末在册"],
        ),
        ("就业状态", vec!["乡镇", "月末在岗"]),
        (
            "援助率",
            vec!["乡镇", "本年帮扶就业", "援助率分子", "援助率分母", "援助率"],
        ),
        (
            "零就业家庭",
            vec![
                "乡镇",
                "零就业月末",
                "零就业新增",
                "零就业清零",
                "超期未清零",
            ],
        ),
        ("回访", vec!["乡镇", "应回访", "已回访", "逾期"]),
    ];
    for (sheet, want) in headers {
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
        assert_eq!(&rows[0][..want.len()], &want[..], "{sheet}");
        let total = rows.iter().position(|r| r[0] == "全县合计");
        let total = total.unwrap_or_else(|| panic!("{sheet}: no 全县合计 row"));
        assert!(total >= 2, "{sheet}: townships above the total");
        assert!(
            rows.iter()
                .any(|r| r[0].contains("2026年11月 就业援助月度统计")),
            "{sheet}"
        );
        if sheet == "援助率" {
            let formula = format!("公式：{}", yuanzhu::domain::stats::RATE_FORMULA);
            assert!(rows.iter().any(|r| r[0] == formula), "{rows:?}");
        }
        if sheet == "在册与进出" {
            // The county row is the townships' sum, column by column.
            for col in 1..rows[0].len() {
                let sum: f64 = rows[1..total]
                    .iter()
                    .map(|r| r[col].parse::<f64>().unwrap())
                    .sum();
                assert_eq!(sum, rows[total][col].parse::<f64>().unwrap(), "col {col}");
            }
        }
    }
}

#[test]
fn xlsx_without_out_is_a_chinese_error_and_csv_still_goes_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = runner(d);
    run(&["demo", "--households", "5"]);
    let o = run(&[
        "--as", "guanli", "stats", "--month", "2026-11", "--format", "xlsx",
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--out"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("输出文件"));
    let o = run(&[
        "--as", "guanli", "stats", "--month", "2026-11", "--format", "csv",
    ]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("月份,乡镇,"));
}

#[test]
fn an_exported_workbook_keeps_the_id_as_18_characters_of_text_and_neutralises_formulas() {
    use yuanzhu::service::export_file::TableWriter;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.xlsx");
    let mut w =
        TableWriter::<Vec<u8>>::xlsx(&file, "援助台账", &["身份证号", "姓名"], &[0]).unwrap();
    w.row(&[
        "360121199001011234".into(),
        "=HYPERLINK(\"http://x\")".into(),
    ])
    .unwrap();
    w.row(&["36012119900101123X".into(), "+1".into()]).unwrap();
    w.finish().unwrap();
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(wb.sheet_names(), vec!["援助台账".to_string()]);
    let range = wb.worksheet_range("援助台账").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(text(&rows[0][0]), "身份证号");
    match &rows[1][0] {
        Data::String(s) => assert_eq!(s, "360121199001011234"),
        other => panic!("the ID is not text: {other:?}"),
    }
    assert_eq!(text(&rows[1][1]), "'=HYPERLINK(\"http://x\")");
    assert_eq!(text(&rows[2][1]), "'+1");
}

#[test]
fn export_writes_csv_with_a_bom_to_stdout_and_a_refusal_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = runner(d);
    run(&["demo", "--households", "10"]);
    let o = run(&[
        "--as",
        "jingban",
        "export",
        "followups",
        "--month",
        "2026-11",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.starts_with(yuanzhu::service::export_file::BOM));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("乡镇,姓名,身份证号,回访日期"), "{out}");
    assert!(out.contains("**********"), "IDs masked: {out}");
    let o = run(&[
        "--as",
        "jingban",
        "export",
        "followups",
        "--month",
        "2026-11",
        "--format",
        "csv",
        "--unmasked",
    ]);
    assert!(!o.status.success());
    assert!(o.stdout.is_empty(), "no header before the refusal");
    assert!(String::from_utf8_lossy(&o.stderr).contains("只有管理员"));
    let o = run(&[
        "--as", "guanli", "export", "leads", "--month", "2026-11", "--format", "xlsx",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
}

#[test]
fn the_ledger_export_lists_each_payment_of_the_month_with_its_date_and_masked_target() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = runner(d);
    // Enough households for the demo's ledgers paid month by month (one in forty).
    run(&["demo", "--households", "300"]);
    let o = run(&[
        "--as", "guanli", "export", "ledger", "--month", "2026-11", "--format", "csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    let payments: Vec<&str> = out.lines().filter(|l| l.contains("补贴发放：")).collect();
    assert!(!payments.is_empty(), "{out}");
    for line in &payments {
        // Paid in November (on or before the 16th, the day of the export), to a masked
        // card or account.
        assert!(line.contains("发放于 2026-11-"), "{line}");
        assert!(
            line.contains("社会保障卡 ") || line.contains("单位账户 "),
            "{line}"
        );
        assert!(line.contains('*'), "the target is masked: {line}");
    }
    assert!(out.contains("累计已发放"), "{out}");
}
