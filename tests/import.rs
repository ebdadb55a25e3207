//! Other agencies' lists in (第(二)条 “大数据+铁脚板”, R-DISCOVER-1; 第(四)条 快捷通道,
//! R-FAST-1): files made here as the agencies send them (a GBK CSV, an XLSX with the ID
//! column stored as numbers), read, checked row by row, matched against a demo county's
//! ledger and written as leads in one go.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::lead::{LeadSource, RawRow};
use yuanzhu::domain::{IdNumber, Role, Settings, TownshipCode};
use yuanzhu::import::read_list;
use yuanzhu::service::{
    Actor, ImportSummary, ListImport, Request, Response, Service, ServiceError, Today,
};
use yuanzhu::store::{Store, StoreConfig};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn service(dir: &std::path::Path) -> Service {
    let store = if Store::exists(dir) {
        Store::open(dir, StoreConfig::default()).unwrap()
    } else {
        common::demo_store(dir, 40, day(11, 16))
    };
    Service::new(store, Today::Fixed(day(11, 20)), Settings::default())
}

fn actor(role: Role, township: Option<TownshipCode>) -> Actor {
    Actor {
        user: "tester".into(),
        role,
        township,
    }
}

fn admin() -> Actor {
    actor(Role::Admin, None)
}

fn townships(service: &Service) -> Vec<(TownshipCode, String)> {
    let county = service
        .store_for_tests()
        .unwrap()
        .county()
        .unwrap()
        .unwrap();
    county
        .townships
        .iter()
        .map(|t| (t.code.clone(), t.name.clone()))
        .collect()
}

/// An ID number of someone born in 1975 + `n % 20`, not in the demo county (region 360781).
fn id(n: u16) -> String {
    let birth =
        NaiveDate::from_ymd_opt(1975 + i32::from(n % 20), 1 + u32::from(n % 12), 5).unwrap();
    IdNumber::compose("360781", birth, n).unwrap().to_string()
}

fn import(
    service: &Service,
    who: &Actor,
    import: ListImport,
) -> Result<ImportSummary, ServiceError> {
    match service.handle(who, Request::ImportList(import))?.body {
        Response::ListImported(s) => Ok(s),
        other => panic!("{other:?}"),
    }
}

fn list(rows: Vec<RawRow>, apply: bool) -> ListImport {
    ListImport {
        source: LeadSource::Dibao,
        list_date: Some(day(11, 20)),
        file: "低保名单.csv".into(),
        rows,
        apply,
        part: 0,
        more: false,
    }
}

fn group<'a>(s: &'a ImportSummary, kind: &str) -> &'a yuanzhu::service::ProblemGroup {
    s.groups
        .iter()
        .find(|g| g.kind.contains(kind))
        .unwrap_or_else(|| panic!("no group {kind}: {:?}", s.groups))
}

fn leads(service: &Service, who: &Actor) -> Vec<yuanzhu::service::LeadRow> {
    match service.handle(who, Request::Leads).unwrap().body {
        Response::Leads(rows) => rows,
        other => panic!("{other:?}"),
    }
}

fn check_is_sound(service: &Service) {
    match service.handle(&admin(), Request::Check).unwrap().body {
        Response::Checked(view) => {
            assert!(view.problems.is_empty(), "{:?}", view.problems);
            assert!(view.counts.iter().any(|(t, _)| t == "leads"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_row_problem_of_a_gbk_csv_is_reported_with_its_row_and_the_good_rows_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir.path().join("db"));
    let town = townships(&service)[0].1.clone();
    let first17 = &id(1)[..17];
    let bad_check = format!("{first17}{}", if id(1).ends_with('0') { '1' } else { '0' });
    let bad_birth = {
        let f = "36078119800230123";
        format!("{f}{}", yuanzhu::domain::id_number::check_digit(f))
    };
    let lower_x = (2..400)
        .map(id)
        .find(|s| s.ends_with('X'))
        .unwrap()
        .to_lowercase();
    let full_width: String = id(3)
        .chars()
        .map(|c| char::from_u32(u32::from(c) - u32::from('0') + u32::from('０')).unwrap())
        .collect();
    let csv = [
        "姓名,性别,公民身份号码,联系电话,户籍地址,低保证号".to_string(),
        format!("李国华,男,{},13907970001,{town}水头村,DB001", id(10)), // 2 good
        format!("王芳,女,{bad_check},,{town},DB002"),                   // 3 check digit
        format!("张三,男,3.60781E+17,,{town},DB003"),                   // 4 mangled
        format!("赵四,男,360781800301123,,{town},DB004"),               // 5 15 digits
        format!("钱五,男,{lower_x},,{town},DB005"),                     // 6 lower-case x
        format!("孙六,男,{full_width},,{town},DB006"),                  // 7 full width
        format!("周七 ,男,{}  ,,{town},DB007", id(11)),                 // 8 trailing spaces
        ",,,,,".to_string(),                                            // 9 empty
        format!("李国华,男,{},,{town},DB001", id(10)),                  // 10 duplicate
        format!("吴8,男,{},,{town},DB008", id(12)),                     // 11 digit in name
        format!("郑九,男,{bad_birth},,{town},DB009"),                   // 12 impossible date
        format!("冯十,男,{},,某市某路,DB010", id(13)),                  // 13 good, 未分配
    ]
    .join("\r\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    let path = dir.path().join("低保名单.csv");
    std::fs::write(&path, &gbk).unwrap();

    let rows = read_list(&path, None, &[], &mut ()).unwrap();
    assert_eq!(rows.len(), 12);
    let dry = import(&service, &admin(), list(rows.clone(), false)).unwrap();
    assert!(!dry.applied);
    assert!(
        service
            .store_for_tests()
            .unwrap()
            .all_leads()
            .unwrap()
            .is_empty()
    );

    let s = import(&service, &admin(), list(rows, true)).unwrap();
    assert_eq!(dry.groups, s.groups);
    assert_eq!(s.rows, 12);
    // Rows 2, 5, 6, 7, 8 and 13.
    assert_eq!(s.good, 6, "{:?}", s.groups);
    assert_eq!(s.new_leads, 6);
    assert_eq!(s.fast_lane, 6);
    assert_eq!(s.unassigned, 1);
    let cases = [
        ("校验码", 3, true),
        ("Excel", 4, true),
        ("15位", 5, false),
        ("空行", 9, false),
        ("重复", 10, true),
        ("姓名含数字", 11, true),
        ("出生日期", 12, true),
    ];
    for (kind, row, refused) in cases {
        let g = group(&s, kind);
        assert_eq!(g.refused, refused, "{kind}");
        assert!(
            g.first
                .iter()
                .any(|m| m.starts_with(&format!("第 {row} 行："))),
            "{kind}: {:?}",
            g.first
        );
    }
    assert!(group(&s, "Excel").first[0].contains("文本"));
    let normalised = group(&s, "已规范");
    for row in [6, 7, 8] {
        assert!(
            normalised
                .first
                .iter()
                .any(|m| m.starts_with(&format!("第 {row} 行："))),
            "{:?}",
            normalised.first
        );
    }

    let store = service.store_for_tests().unwrap();
    let all = store.all_leads().unwrap();
    assert_eq!(all.len(), 6);
    let converted = all.iter().find(|l| l.row == 5).unwrap();
    assert!(converted.converted_from_15);
    assert_eq!(converted.id_number.as_str().len(), 18);
    let first = store
        .lead(LeadSource::Dibao, &IdNumber::parse(&id(10)).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(first.row, 2);
    assert_eq!(first.phone.as_deref(), Some("13907970001"));
    assert_eq!(first.facts.dibao_number.as_deref(), Some("DB001"));
    assert_eq!(first.township, Some(townships(&service)[0].0.clone()));
    // Fri 11-20 plus three working days.
    assert_eq!(first.contact_deadline, Some(day(11, 25)));
    check_is_sound(&service);
}

#[test]
fn an_xlsx_with_the_id_column_stored_as_numbers_is_refused_and_text_ids_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir.path().join("db"));
    let path = dir.path().join("残联.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "身份证号", "残疾证号", "残疾等级"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "李国华").unwrap();
    sheet
        .write_number(1, 1, id(20).parse::<f64>().unwrap())
        .unwrap();
    sheet.write_string(2, 0, "王芳").unwrap();
    sheet.write_string(2, 1, id(21)).unwrap();
    sheet.write_string(2, 2, "36078119800301123X42").unwrap();
    sheet.write_string(2, 3, "二级").unwrap();
    book.save(&path).unwrap();

    let rows = read_list(&path, None, &[], &mut ()).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].id_was_number);
    let s = import(
        &service,
        &admin(),
        ListImport {
            source: LeadSource::Disabled,
            ..list(rows, true)
        },
    )
    .unwrap();
    assert_eq!(s.new_leads, 1);
    let g = group(&s, "Excel");
    assert_eq!(g.count, 1);
    assert!(g.first[0].starts_with("第 2 行："), "{:?}", g.first);
    let lead = &service.store_for_tests().unwrap().all_leads().unwrap()[0];
    assert_eq!(lead.row, 3);
    assert_eq!(lead.facts.disability_level.as_deref(), Some("二级"));
    check_is_sound(&service);
}

#[test]
fn the_same_list_twice_adds_nothing_and_a_later_list_moves_last_seen() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir.path().join("db"));
    let rows: Vec<RawRow> = (0..30)
        .map(|n| RawRow {
            row: u32::from(n) + 2,
            name: "李国华".into(),
            id_number: id(100 + n),
            ..RawRow::default()
        })
        .collect();
    let store = service.store_for_tests().unwrap();
    let first = import(&service, &admin(), list(rows.clone(), true)).unwrap();
    assert_eq!(first.new_leads, 30);
    let seq = store.seq().unwrap();
    let again = import(&service, &admin(), list(rows.clone(), true)).unwrap();
    assert_eq!((again.new_leads, again.unchanged), (0, 30));
    assert_eq!(
        store.seq().unwrap(),
        seq,
        "nothing written, nothing audited"
    );
    let later = import(
        &service,
        &admin(),
        ListImport {
            list_date: Some(day(12, 1)),
            ..list(rows, true)
        },
    )
    .unwrap();
    assert_eq!((later.new_leads, later.seen_again), (0, 30));
    let all = store.all_leads().unwrap();
    assert_eq!(all.len(), 30);
    assert!(
        all.iter()
            .all(|l| l.last_seen == day(12, 1) && l.list_date == day(11, 20))
    );
    check_is_sound(&service);
}

#[test]
fn a_person_in_the_ledger_gets_a_comparison_note_not_a_lead() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir.path().join("db"));
    let store = service.store_for_tests().unwrap();
    let person = store.households().unwrap()[0].members[0];
    let known = store.person(person).unwrap().unwrap();
    let rows = vec![
        RawRow {
            row: 2,
            name: known.name.clone(),
            id_number: known.id_number.to_string(),
            registration_status: "已注销".into(),
            ..RawRow::default()
        },
        RawRow {
            row: 3,
            name: "李国华".into(),
            id_number: id(7),
            ..RawRow::default()
        },
    ];
    let s = import(
        &service,
        &admin(),
        ListImport {
            source: LeadSource::RegisteredUnemployed,
            ..list(rows, true)
        },
    )
    .unwrap();
    assert_eq!((s.new_leads, s.in_ledger, s.cancelled_in_ledger), (2, 1, 1));
    assert_eq!(
        s.cancelled_rows,
        [format!(
            "第 2 行 {} {}",
            yuanzhu::domain::text::mask_name(&known.name),
            known.id_number.masked()
        )]
    );
    let note = store
        .lead(LeadSource::RegisteredUnemployed, &known.id_number)
        .unwrap()
        .unwrap();
    assert_eq!(note.person, Some(person));
    assert_eq!(note.comparison_note(), "登记失业人员名单 2026-11 有此人");
    assert_eq!(
        store.person(person).unwrap().unwrap(),
        known,
        "the person is unchanged"
    );
    let shown = leads(&service, &admin());
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].name, "李国华");
    assert!(!shown[0].fast_lane, "a registration list is no fast lane");
    match service.handle(&admin(), Request::LeadStats).unwrap().body {
        Response::LeadStats(stats) => {
            assert_eq!(stats.notes, 1);
            assert_eq!(stats.by_source.len(), 1);
            assert_eq!(stats.by_source[0].by_disposition, [1, 0, 0, 0, 0]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_import_interrupted_before_its_final_write_leaves_nothing_visible() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    {
        let service = service(&db);
        let s = import(
            &service,
            &admin(),
            list(
                vec![RawRow {
                    row: 2,
                    name: "李国华".into(),
                    id_number: id(9),
                    ..RawRow::default()
                }],
                false,
            ),
        )
        .unwrap();
        assert_eq!(s.new_leads, 1);
        // What --apply does up to its final write, then the process dies.
        let store = service.store_for_tests().unwrap();
        let lead = yuanzhu::domain::lead::check_rows(
            &[RawRow {
                row: 2,
                name: "李国华".into(),
                id_number: id(9),
                ..RawRow::default()
            }],
            &yuanzhu::domain::lead::ListContext {
                source: LeadSource::Dibao,
                list_date: day(11, 20),
                fast_lane_contact_days: 3,
                calendar: &Settings::default().calendar,
                places: &Default::default(),
            },
        )
        .leads;
        let import_id = store.new_import().unwrap();
        store.stage_leads(import_id, &lead).unwrap();
        assert!(store.all_leads().unwrap().is_empty());
        assert!(leads(&service, &admin()).is_empty());
    }
    let service = service(&db);
    assert!(
        service
            .store_for_tests()
            .unwrap()
            .all_leads()
            .unwrap()
            .is_empty()
    );
    check_is_sound(&service);
}

#[test]
fn a_township_caseworker_sees_only_their_townships_leads_and_may_not_import() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir.path().join("db"));
    let towns = townships(&service);
    let rows: Vec<RawRow> = (0..6)
        .map(|n| RawRow {
            row: u32::from(n) + 2,
            name: "李国华".into(),
            id_number: id(200 + n),
            // Two in each of the first two townships, two of no township.
            address: match n % 3 {
                0 => format!("{}某村", towns[0].1),
                1 => format!("{}某村", towns[1].1),
                _ => "外县某地".into(),
            },
            ..RawRow::default()
        })
        .collect();
    let caseworker = actor(Role::TownshipCaseworker, Some(towns[0].0.clone()));
    assert!(matches!(
        import(&service, &caseworker, list(rows.clone(), true)),
        Err(ServiceError::Denied(_))
    ));
    let reviewer = actor(Role::CountyReviewer, None);
    import(&service, &reviewer, list(rows, true)).unwrap();
    let theirs = leads(&service, &caseworker);
    assert_eq!(theirs.len(), 2);
    assert!(theirs.iter().all(|l| l.township == towns[0].1));
    assert!(theirs.iter().all(|l| l.id_masked.contains("**********")));
    let all = leads(&service, &reviewer);
    assert_eq!(all.len(), 6);
    assert_eq!(all.iter().filter(|l| l.township == "未分配").count(), 2);
    match service
        .handle(&caseworker, Request::LeadStats)
        .unwrap()
        .body
    {
        Response::LeadStats(stats) => {
            assert_eq!(stats.by_township.len(), 1);
            assert_eq!(stats.by_township[0].name, towns[0].1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_fast_lane_lead_past_its_deadline_shows_as_overdue() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let rows = vec![RawRow {
        row: 2,
        name: "李国华".into(),
        id_number: id(5),
        ..RawRow::default()
    }];
    let service = service(&db);
    import(
        &service,
        &admin(),
        ListImport {
            list_date: Some(day(11, 13)),
            ..list(rows, true)
        },
    )
    .unwrap();
    // Fri 11-13: due Wed 11-18; today is 11-20.
    let shown = leads(&service, &admin());
    assert_eq!(shown[0].contact_deadline, Some(day(11, 18)));
    assert!(shown[0].overdue);
    match service.handle(&admin(), Request::LeadStats).unwrap().body {
        Response::LeadStats(stats) => assert_eq!(stats.by_source[0].overdue, 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_list_sent_in_parts_is_checked_whole_when_its_last_part_comes() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir.path().join("db"));
    let row = |n: u16, r: u32| RawRow {
        row: r,
        name: "李国华".into(),
        id_number: id(300 + n),
        ..RawRow::default()
    };
    let part = |rows, part, more| ListImport {
        part,
        more,
        ..list(rows, true)
    };
    let first = import(
        &service,
        &admin(),
        part(vec![row(0, 2), row(1, 3)], 0, true),
    )
    .unwrap();
    assert_eq!(first.rows, 0, "nothing checked before the last part");
    import(&service, &admin(), part(vec![row(2, 4)], 1, true)).unwrap();
    assert!(
        service
            .store_for_tests()
            .unwrap()
            .all_leads()
            .unwrap()
            .is_empty()
    );
    // Row 5 repeats row 2, across parts.
    let s = import(
        &service,
        &admin(),
        part(vec![row(0, 5), row(3, 6)], 2, false),
    )
    .unwrap();
    assert_eq!((s.rows, s.new_leads), (5, 4));
    assert!(group(&s, "重复").first[0].starts_with("第 5 行：身份证号与第 2 行重复"));
    assert_eq!(
        service
            .store_for_tests()
            .unwrap()
            .all_leads()
            .unwrap()
            .len(),
        4
    );
    // A part whose predecessors never came is refused, not taken for a whole list.
    assert!(matches!(
        import(&service, &admin(), part(vec![row(4, 2)], 3, false)),
        Err(ServiceError::Refused(_))
    ));
}

#[test]
fn a_caseworker_records_what_contacting_their_lead_found_and_nobody_elses() {
    use yuanzhu::domain::lead::Disposition;
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir.path().join("db"));
    let towns = townships(&service);
    let rows: Vec<RawRow> = (0..2)
        .map(|n| RawRow {
            row: u32::from(n) + 2,
            name: "李国华".into(),
            id_number: id(400 + n),
            address: format!("{}某村", towns[usize::from(n)].1),
            ..RawRow::default()
        })
        .collect();
    import(&service, &admin(), list(rows, true)).unwrap();
    let caseworker = actor(Role::TownshipCaseworker, Some(towns[0].0.clone()));
    let mine = leads(&service, &caseworker).remove(0);
    let other = leads(&service, &admin())
        .into_iter()
        .find(|l| l.township == towns[1].1)
        .unwrap();
    let dispose = |lead: &yuanzhu::service::LeadRow, rev, disposition, note: &str| {
        service.handle(
            &caseworker,
            Request::DisposeLead {
                lead: lead.id,
                rev,
                disposition,
                on: day(11, 20),
                note: note.into(),
            },
        )
    };
    let seq = service.store_for_tests().unwrap().seq().unwrap();
    let saved = match dispose(&mine, mine.rev, Disposition::Contacted, "电话已联系")
        .unwrap()
        .body
    {
        Response::Lead(row) => row,
        other => panic!("{other:?}"),
    };
    assert_eq!(saved.disposition, "已联系");
    assert_eq!(saved.disposition_on, Some(day(11, 20)));
    assert_eq!(saved.rev, mine.rev + 1);
    let store = service.store_for_tests().unwrap();
    let entry = &store.audit_entries(seq + 1).unwrap()[0];
    assert_eq!(entry.action, "处理线索");
    assert_eq!(entry.changes.len(), 1);
    assert!(matches!(
        dispose(&mine, mine.rev, Disposition::Refused, "本人不愿"),
        Err(ServiceError::Conflict(_))
    ));
    assert!(matches!(
        dispose(&saved, saved.rev, Disposition::Refused, ""),
        Err(ServiceError::Refused(_))
    ));
    assert!(matches!(
        dispose(&other, other.rev, Disposition::Contacted, ""),
        Err(ServiceError::Denied(_))
    ));
    check_is_sound(&service);
}

#[test]
fn a_lead_who_applies_at_the_counter_becomes_applied_in_the_same_write() {
    use yuanzhu::domain::intake::{IntakeDraft, IntakeField};
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir.path().join("db"));
    let towns = townships(&service);
    let number = id(511);
    let rows = vec![RawRow {
        row: 2,
        name: "刘春花".into(),
        id_number: number.clone(),
        address: format!("{}长征村", towns[0].1),
        dibao_number: "YD2026088".into(),
        ..RawRow::default()
    }];
    import(&service, &admin(), list(rows, true)).unwrap();
    let caseworker = actor(Role::TownshipCaseworker, Some(towns[0].0.clone()));
    let mut d = IntakeDraft::blank(day(11, 20), Some(&towns[0].1));
    d.set(IntakeField::IdNumber, number.clone());
    d.set(IntakeField::Name, "刘春花".into());
    d.set(IntakeField::Phone, "13907970001".into());
    d.set(IntakeField::Village, "长征村".into());
    d.press_code(IntakeField::Category1, '2');
    d.set(IntakeField::Document1, "YD2026088".into());
    d.set(IntakeField::Issuer1, "于都县民政局".into());
    let seq = service.store_for_tests().unwrap().seq().unwrap();
    match service
        .handle(&caseworker, Request::Register { draft: d })
        .unwrap()
        .body
    {
        Response::Registered(r) => assert!(r.case.is_some()),
        other => panic!("{other:?}"),
    }
    let lead = leads(&service, &caseworker).remove(0);
    assert_eq!(lead.disposition, "已申请");
    assert_eq!(lead.disposition_on, Some(day(11, 20)));
    assert!(!lead.overdue);
    let store = service.store_for_tests().unwrap();
    let entries = store.audit_entries(seq + 1).unwrap();
    assert_eq!(
        entries.len(),
        1,
        "the application and the lead in one entry"
    );
    assert!(entries[0].changes.iter().any(|c| c.tree == "leads"));
    check_is_sound(&service);
}
