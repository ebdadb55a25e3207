//! What the command line prints from the store — the notice (txt and csv), the audit log,
//! the account list and the zero-employment table — when records carry bidi overrides,
//! zero-width or control characters, or a village a spreadsheet would run as a formula.
//! Such records predate input cleaning or came by import, so they are planted here through
//! the store itself; the real binary must print them escaped, never raw.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use std::path::Path;
use std::process::{Command, Output};
use yuanzhu::domain::text::is_invisible;
use yuanzhu::domain::{
    AssistanceCase, CaseEvent, CaseEventKind, CaseId, HouseholdId, IdNumber, PersonId,
    RecognitionStatus, Tier,
};
use yuanzhu::store::{County, HouseholdPlan, Registration, Stamp, Store, StoreConfig};

const TODAY: &str = "2026-11-16";

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn yuanzhu(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuanzhu"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--today", TODAY])
        .args(args)
        .env_remove("YUANZHU_TODAY")
        .env_remove("YUANZHU_DATA_DIR")
        .env_remove("YUANZHU_KEYMAP")
        .env_remove("YUANZHU_SOCKET")
        .env_remove("YUANZHU_CONFIG")
        .output()
        .expect("run yuanzhu")
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// No control character but line ends, no format character: nothing a terminal or a
/// sheet would act on or hide.
fn assert_neutral(out: &str) {
    for c in out.chars() {
        assert!(
            (!c.is_control() || c == '\n' || c == '\r') && !is_invisible(c),
            "U+{:04X} printed raw in:\n{out}",
            c as u32
        );
    }
}

const NAME_BIDI: &str = "\u{202e}李建国";
const NAME_ZERO_WIDTH: &str = "王芳\u{200b}";
const VILLAGE_ISOLATE: &str = "长征\u{2066}村";
const VILLAGE_FORMULA: &str = "=HYPERLINK(\"http://x\",\"点我\")";
const VILLAGE_QUOTED: &str = "上屋村,\"三组\"";
const TOWNSHIP: &str = "贡江\u{202e}镇";

/// A demo county whose first township's name carries a bidi override, with three people in
/// notice there whose names and villages carry what input cleaning now drops.
fn planted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let stamp = Stamp {
        actor: "import".into(),
        at: yuanzhu::service::now_cst(),
    };
    let spec = yuanzhu::demo::DemoSpec {
        households: 5,
        today: day(11, 16),
        lists: false,
    };
    yuanzhu::demo::generate(&store, &spec, &stamp).unwrap();
    let mut county = store.county().unwrap().unwrap();
    county.townships[0].name = TOWNSHIP.into();
    store.put_county(&county, &stamp).unwrap();
    plant(&store, &county, &stamp, NAME_BIDI, VILLAGE_ISOLATE, 901);
    plant(
        &store,
        &county,
        &stamp,
        NAME_ZERO_WIDTH,
        VILLAGE_FORMULA,
        903,
    );
    plant(
        &store,
        &county,
        &stamp,
        "赵\u{1b}[2J敏",
        VILLAGE_QUOTED,
        905,
    );
    dir
}

/// One person in a new household of the first township, their application in notice.
fn plant(store: &Store, county: &County, stamp: &Stamp, name: &str, village: &str, seq: u16) {
    let template = store.summaries().unwrap()[0].clone();
    let mut person = store.person(template.person).unwrap().unwrap();
    let mut household = store.household(person.household).unwrap().unwrap();
    household.id = HouseholdId(store.new_id().unwrap());
    household.rev = 0;
    household.township = county.townships[0].code.clone();
    household.village = village.into();
    household.members.clear();
    household.events.clear();
    person.id = PersonId(store.new_id().unwrap());
    person.rev = 1;
    person.name = name.into();
    person.household = household.id;
    person.id_number = IdNumber::compose(
        &county.code,
        NaiveDate::from_ymd_opt(1983, 5, 4).unwrap(),
        seq,
    )
    .unwrap();
    let case = AssistanceCase {
        id: CaseId(store.new_id().unwrap()),
        rev: 1,
        person: person.id,
        household: household.id,
        township: household.township.clone(),
        status: RecognitionStatus::InNotice,
        tier: Tier::Two,
        applied_on: day(11, 10),
        recognised_on: None,
        events: vec![
            CaseEvent {
                date: day(11, 10),
                kind: CaseEventKind::Applied,
            },
            CaseEvent {
                date: day(11, 12),
                kind: CaseEventKind::NoticePublished { ends: day(11, 20) },
            },
        ],
    };
    let registration = Registration {
        person,
        household: HouseholdPlan::New(household),
        case: Some(case),
    };
    store
        .register(stamp, None, &registration, day(11, 10))
        .unwrap();
}

#[test]
fn the_printed_notice_shows_planted_bidi_and_zero_width_characters_as_escapes() {
    let dir = planted();
    let out = stdout(&yuanzhu(dir.path(), &["--as", "shenhe", "notice"]));
    assert_neutral(&out);
    assert!(out.contains("\\u{202e}**国"), "{out}");
    assert!(out.contains("王*\\u{200b}"), "{out}");
    assert!(out.contains("长征\\u{2066}村"), "{out}");
    assert!(out.contains("贡江\\u{202e}镇"), "{out}");
    assert!(
        out.contains("赵****敏"),
        "the escape sequence is masked: {out}"
    );
}

#[test]
fn the_notice_csv_keeps_formulas_as_text_and_quotes_commas_and_quotes() {
    let dir = planted();
    let out = stdout(&yuanzhu(
        dir.path(),
        &["--as", "shenhe", "notice", "--format", "csv"],
    ));
    let body = out
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    assert_neutral(body);
    assert!(
        body.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\""),
        "{body}"
    );
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[1], "村(社区)");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let village = |v: &str| rows.iter().find(|r| &r[1] == v).cloned();
    let formula = village("'=HYPERLINK(\"http://x\",\"点我\")").expect("prefixed formula");
    assert_eq!(&formula[0], "贡江\\u{202e}镇");
    assert_eq!(&formula[2], "王*\\u{200b}");
    assert!(village(VILLAGE_QUOTED).is_some(), "{body}");
    assert!(village("长征\\u{2066}村").is_some(), "{body}");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell}"
            );
        }
    }
}

#[test]
fn the_audit_log_shows_planted_names_escaped() {
    let dir = planted();
    let out = stdout(&yuanzhu(dir.path(), &["--as", "shenhe", "audit", "show"]));
    assert_neutral(&out);
    assert!(out.contains("\\u{202e}李建国"), "{out}");
    assert!(out.contains("赵\\u{1b}[2J敏"), "{out}");
}

#[test]
fn the_account_list_and_the_zero_employment_table_escape_township_names() {
    let dir = planted();
    let users = stdout(&yuanzhu(dir.path(), &["--as", "guanli", "user", "list"]));
    assert_neutral(&users);
    assert!(
        users
            .lines()
            .any(|l| l.starts_with("jingban") && l.contains("贡江\\u{202e}镇")),
        "{users}"
    );
    let zero = stdout(&yuanzhu(dir.path(), &["--as", "shenhe", "zero"]));
    assert_neutral(&zero);
    assert!(zero.contains("贡江\\u{202e}镇"), "{zero}");
}
