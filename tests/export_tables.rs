//! `yuanzhu export` (issue 15) on a small demo store, through the typed client as the CLI
//! drives it: each kind as CSV and as a workbook read back with calamine, IDs masked and
//! kept as text, formula-looking text neutralised, pages adding up, a township
//! caseworker's scope, and `--unmasked` for administrators only, audited with the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use std::path::Path;
use std::sync::Arc;
use yuanzhu::domain::followup_form::Field;
use yuanzhu::domain::lead::{LeadSource, RawRow};
use yuanzhu::domain::{IdNumber, Role, Settings, TownshipCode, YearMonth};
use yuanzhu::service::export_file::BOM;
use yuanzhu::service::export_pages::{ExportArgs, ExportError, run};
use yuanzhu::service::{
    Actor, Backend, Client, ExportKind, ListImport, Reply, Request, Service, ServiceError, Today,
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

/// The month exported: the demo's, but for the audit log, whose entries carry the real
/// time (never `--today`), this month.
fn month(kind: ExportKind) -> YearMonth {
    match kind {
        ExportKind::Audit => YearMonth::of(yuanzhu::service::now_cst().date_naive()),
        _ => YearMonth::new(2026, 11).unwrap(),
    }
}

/// The service shared by several clients, each acting as its own account.
struct As(Arc<Service>, Actor);

impl Backend for As {
    fn call(&mut self, request: Request) -> Result<Reply, ServiceError> {
        self.0.handle(&self.1, request)
    }
}

fn actor(user: &str, role: Role, township: Option<TownshipCode>) -> Actor {
    Actor {
        user: user.into(),
        role,
        township,
    }
}

fn reviewer() -> Actor {
    actor("shenhe", Role::CountyReviewer, None)
}

fn admin() -> Actor {
    actor("guanli", Role::Admin, None)
}

/// A demo county with a follow-up whose plan reads as a formula and a lead named like one.
fn county(dir: &Path) -> Arc<Service> {
    let service = Service::new(
        common::demo_store(dir, 40, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let s = store
        .summaries()
        .unwrap()
        .into_iter()
        .find(|s| s.status == yuanzhu::domain::RecognitionStatus::Recognised)
        .unwrap();
    let mut draft = common::unemployed_visit(today(), s.tier);
    draft.set(Field::Plan, "=1+1".into());
    service
        .handle(
            &reviewer(),
            Request::SaveFollowUp {
                case: s.case,
                rev: s.rev,
                draft,
            },
        )
        .unwrap();
    let township = store.county().unwrap().unwrap().townships[0].name.clone();
    let id = IdNumber::compose("360781", NaiveDate::from_ymd_opt(1980, 3, 1).unwrap(), 77)
        .unwrap()
        .to_string();
    service
        .handle(
            &admin(),
            Request::ImportList(ListImport {
                source: LeadSource::Dibao,
                list_date: Some(today()),
                file: "低保名单.csv".into(),
                rows: vec![RawRow {
                    row: 2,
                    name: "=SUM".into(),
                    id_number: id,
                    address: format!("{township}长征村"),
                    ..RawRow::default()
                }],
                apply: true,
                part: 0,
                more: false,
            }),
        )
        .unwrap();
    Arc::new(service)
}

fn export(
    service: &Arc<Service>,
    who: &Actor,
    kind: ExportKind,
    format: &str,
    out: &Path,
    unmasked: bool,
    page: u32,
) -> Result<u64, ExportError> {
    let mut client = Client::new(Box::new(As(Arc::clone(service), who.clone())));
    let args = ExportArgs {
        kind,
        month: month(kind),
        format,
        out: Some(out),
        unmasked,
        page,
    };
    run(&mut client, &args, &mut ())
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(BOM), "the CSV starts with the BOM");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[BOM.len()..]);
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

fn xlsx_rows(path: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    assert_eq!(wb.sheet_names(), vec![sheet.to_string()]);
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn is_masked_id(s: &str) -> bool {
    s.chars().count() == 18 && s.contains("**********")
}

#[test]
fn every_kind_exports_as_csv_and_as_a_workbook_with_ids_masked_and_kept_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let service = county(&dir.path().join("db"));
    for kind in ExportKind::ALL {
        let csv = dir.path().join(format!("{}.csv", kind.name()));
        let n = export(&service, &reviewer(), kind, "csv", &csv, false, 500).unwrap();
        let rows = csv_rows(&csv);
        assert_eq!(rows[0], kind.header(), "{kind:?}");
        assert_eq!(rows.len() as u64, n + 1, "{kind:?}");
        if kind != ExportKind::Ledger {
            assert!(n > 0, "{kind:?} has rows this month");
        }
        for &col in kind.id_columns() {
            assert!(
                rows[1..].iter().all(|r| is_masked_id(&r[col])),
                "{kind:?}: {rows:?}"
            );
        }
        let xlsx = dir.path().join(format!("{}.xlsx", kind.name()));
        export(&service, &reviewer(), kind, "xlsx", &xlsx, false, 500).unwrap();
        let sheet = xlsx_rows(&xlsx, kind.sheet());
        let header: Vec<String> = sheet[0].iter().map(text).collect();
        assert_eq!(header, kind.header(), "{kind:?}");
        assert_eq!(
            sheet.len(),
            rows.len(),
            "{kind:?}: the same rows as the CSV"
        );
        for &col in kind.id_columns() {
            for r in &sheet[1..] {
                match &r[col] {
                    Data::String(s) => assert!(is_masked_id(s), "{s}"),
                    other => panic!("{kind:?}: the ID is not text: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn formula_looking_text_is_neutralised_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let service = county(&dir.path().join("db"));
    let csv = dir.path().join("f.csv");
    export(
        &service,
        &reviewer(),
        ExportKind::FollowUps,
        "csv",
        &csv,
        false,
        500,
    )
    .unwrap();
    let plan = ExportKind::FollowUps
        .header()
        .iter()
        .position(|h| *h == "帮扶计划")
        .unwrap();
    assert!(csv_rows(&csv).iter().any(|r| r[plan] == "'=1+1"));
    let xlsx = dir.path().join("leads.xlsx");
    export(
        &service,
        &reviewer(),
        ExportKind::Leads,
        "xlsx",
        &xlsx,
        false,
        500,
    )
    .unwrap();
    let names: Vec<String> = xlsx_rows(&xlsx, "线索")[1..]
        .iter()
        .map(|r| text(&r[1]))
        .collect();
    // 姓名 masked (=**M), and still text, not a formula.
    assert!(names.contains(&"'=**M".to_string()), "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('=')), "{names:?}");
}

#[test]
fn small_pages_add_up_to_the_export_in_large_ones() {
    let dir = tempfile::tempdir().unwrap();
    let service = county(&dir.path().join("db"));
    for kind in ExportKind::ALL {
        let big = dir.path().join("big.csv");
        let small = dir.path().join("small.csv");
        let n = export(&service, &reviewer(), kind, "csv", &big, false, 500).unwrap();
        let m = export(&service, &reviewer(), kind, "csv", &small, false, 3).unwrap();
        assert_eq!(n, m, "{kind:?}");
        // A masked export writes nothing, not even to the audit log: the two match.
        assert_eq!(csv_rows(&big), csv_rows(&small), "{kind:?}");
    }
}

#[test]
fn a_township_caseworker_exports_only_their_township_and_no_audit() {
    let dir = tempfile::tempdir().unwrap();
    let service = county(&dir.path().join("db"));
    let store = service.store_for_tests().unwrap();
    let own = store.county().unwrap().unwrap().townships[0].clone();
    let worker = actor("jingban", Role::TownshipCaseworker, Some(own.code.clone()));
    for kind in [ExportKind::FollowUps, ExportKind::Ledger, ExportKind::Leads] {
        let all = dir.path().join("all.csv");
        let mine = dir.path().join("mine.csv");
        export(&service, &reviewer(), kind, "csv", &all, false, 500).unwrap();
        export(&service, &worker, kind, "csv", &mine, false, 4).unwrap();
        let want: Vec<Vec<String>> = csv_rows(&all)
            .into_iter()
            .skip(1)
            .filter(|r| r[0] == own.name)
            .collect();
        let got: Vec<Vec<String>> = csv_rows(&mine).into_iter().skip(1).collect();
        assert_eq!(got, want, "{kind:?}");
    }
    let out = dir.path().join("audit.csv");
    match export(
        &service,
        &worker,
        ExportKind::Audit,
        "csv",
        &out,
        false,
        500,
    ) {
        Err(ExportError::Service(ServiceError::Denied(why))) => assert!(why.contains("审计")),
        other => panic!("{other:?}"),
    }
    assert!(!out.exists(), "a refused export leaves no file");
}

#[test]
fn unmasked_is_refused_to_anyone_but_an_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let service = county(&dir.path().join("db"));
    let store = service.store_for_tests().unwrap();
    let own = store.county().unwrap().unwrap().townships[0].code.clone();
    let worker = actor("jingban", Role::TownshipCaseworker, Some(own));
    for who in [reviewer(), worker] {
        let out = dir.path().join("x.csv");
        match export(
            &service,
            &who,
            ExportKind::FollowUps,
            "csv",
            &out,
            true,
            500,
        ) {
            Err(ExportError::Service(ServiceError::Denied(why))) => {
                assert!(why.contains("只有管理员"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_administrators_unmasked_export_has_full_ids_and_an_audit_entry_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let service = county(&dir.path().join("db"));
    let store = service.store_for_tests().unwrap();
    let before = store.seq().unwrap();
    let out = dir.path().join("回访 2026-11.xlsx");
    let n = export(
        &service,
        &admin(),
        ExportKind::FollowUps,
        "xlsx",
        &out,
        true,
        500,
    )
    .unwrap();
    let sheet = xlsx_rows(&out, "回访记录");
    assert_eq!(sheet.len() as u64, n + 1);
    for r in &sheet[1..] {
        match &r[2] {
            Data::String(s) => assert!(IdNumber::parse(s).is_ok(), "a full ID: {s}"),
            other => panic!("the ID is not text: {other:?}"),
        }
    }
    let entries = store.audit_entries(before + 1).unwrap();
    let entry = entries
        .iter()
        .find(|e| e.action == "导出完整信息")
        .expect("an audit entry for the unmasked export");
    assert_eq!(entry.actor, "guanli");
    assert!(
        entry.target.contains(&out.display().to_string()),
        "{}",
        entry.target
    );
    assert!(entry.target.contains("回访记录"), "{}", entry.target);
}

#[test]
fn a_page_stops_at_the_scan_bound_and_the_next_goes_on_from_there() {
    use yuanzhu::service::{EXPORT_SCAN_MAX, Response};
    let dir = tempfile::tempdir().unwrap();
    // Enough follow-ups that one page cannot walk them all.
    let service = Arc::new(Service::new(
        common::demo_store(&dir.path().join("db"), 600, today()),
        Today::Fixed(today()),
        Settings::default(),
    ));
    let store = service.store_for_tests().unwrap();
    let own = store.county().unwrap().unwrap().townships[0].clone();
    let worker = actor("jingban", Role::TownshipCaseworker, Some(own.code.clone()));
    let request = Request::Export {
        kind: ExportKind::FollowUps,
        month: month(ExportKind::FollowUps),
        after: None,
        limit: 500,
        unmasked: false,
        file: String::new(),
    };
    let Response::ExportPage(first) = service.handle(&worker, request).unwrap().body else {
        panic!("not a page");
    };
    assert_eq!(first.scanned, EXPORT_SCAN_MAX);
    assert!(first.rows.len() < 500, "{}", first.rows.len());
    assert!(first.next.as_deref().is_some_and(|k| k.ends_with(":~")));
    let (big, small) = (dir.path().join("big.csv"), dir.path().join("small.csv"));
    let n = export(
        &service,
        &worker,
        ExportKind::FollowUps,
        "csv",
        &big,
        false,
        500,
    )
    .unwrap();
    export(
        &service,
        &worker,
        ExportKind::FollowUps,
        "csv",
        &small,
        false,
        9,
    )
    .unwrap();
    assert!(n > first.rows.len() as u64);
    let rows = csv_rows(&big);
    assert_eq!(rows, csv_rows(&small));
    assert!(rows[1..].iter().all(|r| r[0] == own.name));
}
