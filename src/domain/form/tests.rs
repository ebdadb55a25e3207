use super::*;
use crate::domain::case::RecognitionStatus;
use crate::domain::followup_form::{Field, FollowUpDraft, FormContext};
use crate::domain::intake::IntakeField;
use crate::domain::ledger::{Entry, EntryContext, EntryKind, LedgerDraft, check_entry};
use crate::domain::{Settings, Tier};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn amounts_are_read_the_way_caseworkers_type_them() {
    for (typed, yuan) in [
        ("1500", 1500),
        ("1,500", 1500),
        ("1，500", 1500),
        ("１５００", 1500),
        ("1500元", 1500),
        (" 1500 元 ", 1500),
        ("1500.00", 1500),
        ("0", 0),
        ("1,000,000", MAX_YUAN),
    ] {
        assert_eq!(parse_yuan(typed), Ok(yuan), "{typed}");
    }
}

#[test]
fn each_refused_amount_has_its_one_reason() {
    for (typed, why) in [
        ("", YuanError::Empty),
        ("元", YuanError::Empty),
        ("-300", YuanError::Negative),
        ("－300", YuanError::Negative),
        ("1500.5", YuanError::NotWhole),
        ("1500.", YuanError::NotWhole),
        ("一千五", YuanError::NotWhole),
        ("15oo", YuanError::NotWhole),
        ("1,000,001", YuanError::TooLarge),
        ("99999999999999", YuanError::TooLarge),
    ] {
        assert_eq!(parse_yuan(typed), Err(why), "{typed}");
    }
    let messages: std::collections::HashSet<_> = [
        YuanError::Empty,
        YuanError::Negative,
        YuanError::NotWhole,
        YuanError::TooLarge,
    ]
    .map(YuanError::message)
    .into();
    assert_eq!(messages.len(), 4);
}

#[test]
fn dates_take_dashes_slashes_dots_or_eight_digits() {
    for typed in [
        "2026-11-28",
        "2026/11/28",
        "2026.11.28",
        "20261128",
        "２０２６-１１-２８",
    ] {
        assert_eq!(parse_date(typed), Ok(d(2026, 11, 28)), "{typed}");
    }
    assert_eq!(parse_date(""), Err("请填写日期"));
    assert_eq!(parse_date("2026-02-30"), Err("日期无效（没有这一天）"));
    assert_eq!(parse_date("昨天"), Err("日期格式应为 2026-11-28"));
    assert_eq!(parse_date("26-11-28"), Err("日期格式应为 2026-11-28"));
}

#[test]
fn months_take_a_year_and_a_month() {
    assert_eq!(parse_month("2026-03"), Ok(YearMonth::new(2026, 3).unwrap()));
    assert_eq!(
        parse_month("２０２６/3"),
        Ok(YearMonth::new(2026, 3).unwrap())
    );
    assert_eq!(parse_month("2026-13"), Err("月份无效"));
    assert_eq!(parse_month("2026年3月"), Err("月份格式应为 2026-03"));
}

#[test]
fn code_tables_are_the_enums_own_lists_in_key_order() {
    let work = CodeTable::of::<WorkStatus>().options();
    assert_eq!(work.len(), WorkStatus::ALL.len());
    for ((key, label), status) in work.iter().zip(WorkStatus::ALL) {
        assert_eq!(*label, status.label());
        assert_eq!(pick_coded::<WorkStatus>(&key.to_string()), Some(status));
    }
    assert_eq!(
        CodeTable::of::<ContactMethod>().options(),
        [('1', "入户走访"), ('2', "电话联系"), ('3', "数据比对")]
    );
    assert_eq!(
        CodeTable::of::<LabourCapacity>().options(),
        [('1', "完全"), ('2', "部分"), ('3', "无")]
    );
    assert_eq!(CodeTable::of::<Category>().options()[1], ('2', "低保"));
    assert_eq!(
        CodeTable::of::<bool>().options(),
        [('1', "是"), ('2', "否")]
    );
}

#[test]
fn every_code_table_of_every_form_fits_on_one_key() {
    let kinds = Field::ALL
        .map(Field::kind)
        .into_iter()
        .chain(IntakeField::ALL.map(IntakeField::kind));
    for kind in kinds {
        if let FieldKind::Code(table) | FieldKind::Codes(table) = kind {
            let n = table.options().len();
            assert!((2..=9).contains(&n), "{table:?}");
        }
    }
}

#[test]
fn one_key_picks_a_code_and_toggles_a_multiple_choice() {
    let one = FieldKind::Code(CodeTable::of::<ContactMethod>());
    assert_eq!(pressed(one, "", '２').as_deref(), Some("2"));
    assert_eq!(pressed(one, "2", '4'), None);
    assert_eq!(shown(one, "2"), "2 电话联系");
    let many = FieldKind::Codes(CodeTable::of::<Need>());
    assert_eq!(pressed(many, "3", '1').as_deref(), Some("13"));
    assert_eq!(pressed(many, "13", '3').as_deref(), Some("1"));
    assert_eq!(pressed(many, "13", '0').as_deref(), Some(""));
    assert_eq!(shown(many, "13"), "1 岗位  3 创业");
    assert_eq!(many.hint(), "1岗位 2培训 3创业 4其他 0清空");
}

#[test]
fn one_thousand_five_hundred_with_a_comma_is_a_wage_and_a_subsidy_alike() {
    let ctx = FormContext {
        today: d(2026, 11, 28),
        recognised_on: Some(d(2025, 3, 1)),
        tier: Tier::Two,
        late_entry_days: 5,
    };
    let mut f = FollowUpDraft::blank(&ctx, &Settings::default());
    for (field, key) in [
        (Field::Method, '1'),
        (Field::WorkStatus, '2'),
        (Field::Contract, '1'),
        (Field::SocialInsurance, '1'),
    ] {
        f.press_code(field, key);
    }
    f.set(Field::Employer, "于都县富华服装厂".into());
    f.set(Field::Wage, "1,500".into());
    let wage = f.validate(&ctx).unwrap().employment.unwrap().monthly_wage;

    let entry = LedgerDraft::typed(
        EntryKind::Dibao,
        &["1", "2026-11-01", "1,500", "", "通勤费用"],
    );
    // A standard high enough that 1,500 yuan of costs may be deducted.
    let settings = crate::domain::Settings {
        dibao_standard: 5000,
        ..crate::domain::Settings::default()
    };
    let ctx = EntryContext::new(
        RecognitionStatus::Recognised,
        d(2040, 1, 1),
        &settings,
        &crate::domain::ledger::Ledger::new(crate::domain::PersonId(1)),
        false,
    );
    let Entry::Dibao(dibao) = check_entry(&entry, &ctx).unwrap() else {
        panic!("a dibao entry");
    };
    assert_eq!(
        (wage, dibao.kind),
        (
            1500,
            crate::domain::ledger::DibaoKind::CostDeduction { monthly: 1500 }
        )
    );
}
