//! Golden bytes of every record type at every schema version, kept forever in
//! `tests/fixtures/`: a program that cannot read them can no longer open an old store.
//! `YUANZHU_BLESS=1 cargo test --test codec_fixtures` writes a fixture that is missing;
//! existing fixtures are never rewritten.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{FixedOffset, NaiveDate, TimeZone};
use std::path::PathBuf;
use yuanzhu::domain::case::CaseEventKind;
use yuanzhu::domain::followup::{ContactOutcome, Employment, FollowUpAnswers};
use yuanzhu::domain::followup_form::{Field, FollowUpDraft, FormContext};
use yuanzhu::domain::household::{HouseholdEvent, ZeroEndReason};
use yuanzhu::domain::retirement::FormerRetirementClass;
use yuanzhu::domain::*;
use yuanzhu::store::audit::{AuditEntry, AuditEntryV1, BulkTree, Change};
use yuanzhu::store::codec::{CodecError, Versioned, decode, encode};
use yuanzhu::store::{County, DataSeq, Township};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person() -> Person {
    Person {
        id: PersonId(7),
        rev: 3,
        id_number: IdNumber::compose("360731", d(1978, 4, 9), 122).unwrap(),
        name: "钟小兰".into(),
        phone: "13907971234".into(),
        household: HouseholdId(5),
        relation: Relation::Spouse,
        former_class: FormerRetirementClass::Fifty,
        labour: LabourCapacity::Full,
        willing_to_work: true,
        work_status: WorkStatus::Unemployed,
        unemployed_since: Some(d(2025, 9, 1)),
        categories: vec![RecordedCategory {
            category: Category::Dibao,
            evidence: Evidence {
                document_no: "于民低保〔2025〕0042号".into(),
                issued_by: "于都县民政局".into(),
            },
        }],
    }
}

fn household() -> Household {
    Household {
        id: HouseholdId(5),
        rev: 2,
        township: TownshipCode("360731100".into()),
        village: "上坪村".into(),
        address: "贡江镇上坪村下屋组8号".into(),
        members: vec![PersonId(6), PersonId(7)],
        has_business_income: false,
        events: vec![
            HouseholdEvent {
                date: d(2026, 3, 2),
                kind: HouseholdEventKind::ZeroEmploymentStarted,
            },
            HouseholdEvent {
                date: d(2026, 9, 14),
                kind: HouseholdEventKind::ZeroEmploymentEnded(ZeroEndReason::NoWorkingAgeMember),
            },
        ],
    }
}

/// The household as version 1 wrote it (`household_v1.bin`): a start only.
fn household_v1() -> Household {
    let mut h = household();
    h.events.truncate(1);
    h
}

fn case() -> AssistanceCase {
    AssistanceCase {
        id: CaseId(9),
        rev: 4,
        person: PersonId(7),
        household: HouseholdId(5),
        township: TownshipCode("360731100".into()),
        status: RecognitionStatus::Recognised,
        tier: Tier::One,
        applied_on: d(2025, 10, 8),
        recognised_on: Some(d(2025, 11, 3)),
        events: vec![
            CaseEvent {
                date: d(2025, 10, 8),
                kind: CaseEventKind::Applied,
            },
            CaseEvent {
                date: d(2025, 11, 3),
                kind: CaseEventKind::Recognised { tier: Tier::One },
            },
        ],
    }
}

fn answers() -> FollowUpAnswers {
    FollowUpAnswers {
        date: d(2026, 10, 12),
        method: ContactMethod::Phone,
        work_status: WorkStatus::MigrantWork,
        employment: Some(Employment {
            employer: "广东省东莞市某鞋厂".into(),
            contract_signed: true,
            social_insurance_paid: false,
            monthly_wage: 4800,
        }),
        willing_to_work: true,
        needs: vec![Need::Training],
        services: "推送岗位信息3条".into(),
        plan: "跟踪稳岗".into(),
        next_contact: d(2026, 11, 12),
        outcome: ContactOutcome::Reached,
    }
}

fn followup_v1() -> FollowUp {
    FollowUp {
        id: FollowUpId(31),
        case: CaseId(9),
        answers: answers(),
        recorded_by: "zhongxl".into(),
    }
}

fn summary() -> CaseSummary {
    let mut s = CaseSummary::new(&case(), &person(), true);
    s.record_contact(d(2026, 10, 12));
    s
}

fn draft() -> FollowUpDraft {
    let ctx = FormContext {
        today: d(2026, 11, 16),
        recognised_on: Some(d(2025, 11, 3)),
        tier: Tier::One,
        late_entry_days: 5,
    };
    let mut f = FollowUpDraft::blank(&ctx, &Settings::default());
    f.press_code(Field::Method, '2');
    f.set(Field::Plan, "未填完".into());
    f
}

fn intake_draft() -> yuanzhu::domain::intake::IntakeDraft {
    use yuanzhu::domain::intake::{IntakeDraft, IntakeField};
    let mut d = IntakeDraft::blank(d(2026, 11, 16), Some("贡江镇"));
    d.set(IntakeField::IdNumber, "360731198305041243".into());
    d.set(IntakeField::Name, "刘春花".into());
    d
}

/// The intake draft as version 3 keeps it: three category slots filled, so the golden bytes
/// pin where the slots added in version 3 are kept (after 经营财产收入).
fn intake_draft_v3() -> yuanzhu::domain::intake::IntakeDraft {
    use yuanzhu::domain::intake::IntakeField;
    let mut d = intake_draft();
    for (n, (cat, doc, issuer)) in IntakeField::CATEGORY_SLOTS[..3].iter().enumerate() {
        d.set(*cat, ["2", "4", "7"][n].into());
        d.set(*doc, format!("于民证〔2026〕00{}号", n + 1));
        d.set(*issuer, "于都县民政局".into());
    }
    d
}

fn ledger() -> yuanzhu::domain::ledger::Ledger {
    use yuanzhu::domain::ledger::{Entry, Ledger};
    use yuanzhu::domain::post::{Placement, PostType};
    let mut l = Ledger::new(PersonId(7));
    l.rev = 1;
    l.add(Entry::Post(Placement {
        post_type: PostType::RuralPartTime,
        employer: "长征村委会".into(),
        start: d(2026, 12, 1),
        end: d(2027, 11, 30),
        post_subsidy: 1200,
        insurance_subsidy: 380,
    }))
    .unwrap();
    l
}

/// The ledger as version 2 keeps it: a flexible-employment SI subsidy with its approval
/// month, the benefit months it was checked against, and two payments (the lump sum up to
/// approval, then a month).
fn ledger_v2() -> yuanzhu::domain::ledger::Ledger {
    use yuanzhu::domain::ledger::{PaidTo, PolicyKind, PolicyRecord};
    use yuanzhu::domain::payment::Payment;
    use yuanzhu::domain::policy::flexible_si_months;
    let ym = |m| YearMonth::new(2026, m).unwrap();
    let card = || PaidTo::Card("362100000000000001".into());
    let mut l = ledger();
    l.rev = 3;
    l.policies.push(PolicyRecord {
        kind: PolicyKind::SocialInsurance,
        from: ym(3),
        to: ym(12),
        amount: 4200,
        paid_to: card(),
        months: Some(flexible_si_months(2026, 3, 12, ym(6), &[ym(1), ym(2)]).unwrap()),
        approved: Some(ym(6)),
        benefit_months: vec![ym(1), ym(2)],
        payments: vec![
            Payment {
                on: d(2026, 6, 25),
                amount: 1680,
                from: ym(3),
                to: ym(6),
                paid_to: card(),
            },
            Payment {
                on: d(2026, 7, 24),
                amount: 420,
                from: ym(7),
                to: ym(7),
                paid_to: card(),
            },
        ],
    });
    l
}

/// The version 1 shape of [`ledger_v2`]'s policy, as bytes of version 1: what a store
/// written before payments were kept holds.
fn ledger_v1_bytes_with_a_policy() -> Vec<u8> {
    use yuanzhu::store::ledger_v1::{LedgerV1, PolicyRecordV1};
    let l = ledger_v2();
    let v1 = LedgerV1 {
        person: l.person,
        rev: l.rev,
        posts: l.posts.clone(),
        policies: l
            .policies
            .iter()
            .map(|p| PolicyRecordV1 {
                kind: p.kind,
                from: p.from,
                to: p.to,
                amount: p.amount,
                paid_to: p.paid_to.clone(),
                months: p.months.clone(),
            })
            .collect(),
        dibao: l.dibao.clone(),
    };
    let mut bytes = vec![yuanzhu::store::codec::MAGIC, 0, 1];
    bytes.extend(bincode::serde::encode_to_vec(&v1, bincode::config::standard()).unwrap());
    bytes
}

fn county() -> County {
    County {
        name: "于都县（演示）".into(),
        code: "360731".into(),
        townships: vec![Township {
            code: TownshipCode("360731100".into()),
            name: "贡江镇".into(),
        }],
        demo_households: Some(2000),
        created_on: d(2026, 11, 16),
    }
}

fn audit_entry() -> AuditEntry {
    AuditEntry {
        bulk: vec![BulkTree {
            tree: "persons".into(),
            records: vec![(vec![0, 0, 0, 0, 0, 0, 0, 7], [0x5a; 32])],
        }],
        ..AuditEntry::from(audit_entry_v1())
    }
}

fn audit_entry_v1() -> AuditEntryV1 {
    AuditEntryV1 {
        seq: 12,
        prev_hash: [7; 32],
        at: FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 16, 9, 30, 0)
            .unwrap(),
        actor: "zhongxl".into(),
        action: "保存回访".into(),
        target: "钟小兰 3607**********1234".into(),
        changes: vec![Change {
            tree: "summaries".into(),
            key: vec![0, 0, 0, 0, 0, 0, 0, 9],
            old: Some(vec![1, 2, 3]),
            new: None,
        }],
    }
}

fn lead() -> yuanzhu::domain::lead::Lead {
    use yuanzhu::domain::lead::{Disposition, DispositionStep, Lead, LeadSource, RowFacts};
    let id_number = IdNumber::compose("360731", d(1983, 5, 4), 88).unwrap();
    Lead {
        id: 41,
        source: LeadSource::Dibao,
        sex: id_number.sex(),
        id_number,
        converted_from_15: true,
        name: "刘春花".into(),
        phone: Some("13907970001".into()),
        address: "于都县贡江镇长征村3组".into(),
        village: Some("长征村".into()),
        township: Some(TownshipCode("360731100".into())),
        facts: RowFacts {
            dibao_number: Some("YD2026088".into()),
            disability_number: None,
            disability_level: Some("二级".into()),
            registration_status: Some("已注销".into()),
            cancelled_on: Some(d(2026, 10, 31)),
        },
        list_date: d(2026, 11, 18),
        row: 17,
        last_seen: d(2026, 12, 1),
        contact_deadline: Some(d(2026, 11, 23)),
        disposition: Disposition::Refused,
        disposition_on: Some(d(2026, 11, 20)),
        history: vec![
            DispositionStep {
                on: d(2026, 11, 19),
                disposition: Disposition::Contacted,
            },
            DispositionStep {
                on: d(2026, 11, 20),
                disposition: Disposition::Refused,
            },
        ],
        note: "本人已外出务工".into(),
        person: Some(PersonId(7)),
        rev: 3,
    }
}

fn fixture<T: Versioned + PartialEq + std::fmt::Debug>(value: T) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{}_v{}.bin", T::KIND, T::VERSION));
    if !path.exists() && std::env::var_os("YUANZHU_BLESS").is_some() {
        std::fs::write(&path, encode(&value)).unwrap();
    }
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|_| panic!("missing fixture {}; bless it once", path.display()));
    let decoded: T = decode(&bytes).unwrap();
    assert_eq!(
        decoded,
        value,
        "{} no longer decodes to the same value",
        path.display()
    );
    assert_eq!(
        encode(&value),
        bytes,
        "{} encodes differently now: bump VERSION",
        T::KIND
    );
}

#[test]
fn every_record_type_decodes_from_its_golden_bytes() {
    fixture(person());
    fixture(household());
    fixture(case());
    fixture(summary());
    fixture(FollowUp {
        answers: FollowUpAnswers {
            outcome: ContactOutcome::RefusedServices,
            ..answers()
        },
        ..followup_v1()
    });
    fixture(draft());
    fixture(intake_draft_v3());
    fixture(ledger_v2());
    fixture(county());
    fixture(audit_entry());
    fixture(Account {
        name: "jingban".into(),
        rev: 2,
        role: Role::TownshipCaseworker,
        township: Some(TownshipCode("360731100".into())),
        disabled: false,
    });
    fixture(DataSeq { seq: 4211 });
    fixture(lead());
    fixture(yuanzhu::store::ImportMarker {
        id: 977,
        source: yuanzhu::domain::lead::LeadSource::Disabled,
        list_date: d(2026, 11, 18),
        leads: 49_999,
    });
    fixture(
        yuanzhu::domain::supervise::disposition::FindingDisposition {
            key: "copied_followups:刘春花（案7）:2026-11".into(),
            rev: 2,
            verdict: yuanzhu::domain::supervise::disposition::Verdict::FalseAlarm,
            note: "本人每月情况确实未变，已电话核实".into(),
            by: "shenhe".into(),
            on: d(2026, 12, 2),
        },
    );
    // A fixed revision: the golden bytes stay what they are as the rules move on.
    fixture(yuanzhu::domain::exit::ExitBasis {
        revision: 2,
        ..yuanzhu::domain::exit::ExitBasis::of(&Settings::default())
    });
    // What decides whether 监督's index is built again: it must always decode.
    fixture(yuanzhu::store::SuperviseBasis {
        revision: 1,
        copied_months: 3,
    });
}

#[test]
fn older_versions_upgrade_as_they_are_read() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bytes = std::fs::read(dir.join("audit_v1.bin")).unwrap();
    let entry: AuditEntry = decode(&bytes).unwrap();
    assert_eq!(entry, AuditEntry::from(audit_entry_v1()));
    assert!(entry.bulk.is_empty());
    // An intake draft kept before 经营财产收入 (v1) or before category slots three to seven
    // (v2) reads back with what it held, the fields added since empty.
    {
        use yuanzhu::domain::intake::{IntakeDraft, IntakeField};
        let now = intake_draft();
        let later_slots = &IntakeField::CATEGORY_SLOTS[2..];
        let added_in_v3 = |f: IntakeField| later_slots.iter().any(|s| [s.0, s.1, s.2].contains(&f));
        for (version, added) in [(1, vec![IntakeField::BusinessIncome]), (2, Vec::new())] {
            let bytes = std::fs::read(dir.join(format!("intake_draft_v{version}.bin"))).unwrap();
            assert_eq!(u16::from_be_bytes([bytes[1], bytes[2]]), version);
            let draft: IntakeDraft = decode(&bytes).unwrap();
            for field in IntakeField::ALL {
                if added.contains(&field) || added_in_v3(field) {
                    assert_eq!(draft.get(field), "", "v{version} {field:?}");
                } else {
                    assert_eq!(draft.get(field), now.get(field), "v{version} {field:?}");
                }
            }
            // Kept again, it is kept as the current version and reads back the same.
            let again: IntakeDraft = decode(&encode(&draft)).unwrap();
            assert_eq!(again, draft);
        }
        // What the v1 and v2 drafts held is not empty, so the comparison above means something.
        assert_eq!(now.get(IntakeField::Name), "刘春花");
        assert_eq!(now.get(IntakeField::BusinessIncome), "1");
    }
    // A ledger of version 1 reads back as it was entered, its policies with no payments
    // and no benefit months (none were kept then).
    let bytes = std::fs::read(dir.join("ledger_v1.bin")).unwrap();
    assert_eq!(u16::from_be_bytes([bytes[1], bytes[2]]), 1);
    let ledger: yuanzhu::domain::ledger::Ledger = decode(&bytes).unwrap();
    assert_eq!(ledger, self::ledger());
    let upgraded: yuanzhu::domain::ledger::Ledger =
        decode(&ledger_v1_bytes_with_a_policy()).unwrap();
    let mut expected = ledger_v2();
    for p in &mut expected.policies {
        p.approved = None;
        p.benefit_months.clear();
        p.payments.clear();
    }
    assert_eq!(upgraded, expected);
    // The SI subsidy's approval month still follows from its lump sum.
    assert_eq!(
        upgraded.policies[0].approved_month(),
        YearMonth::new(2026, 6)
    );
    // A lead of version 1 kept only its latest disposition: that is its one step now.
    let bytes = std::fs::read(dir.join("lead_v1.bin")).unwrap();
    assert_eq!(u16::from_be_bytes([bytes[1], bytes[2]]), 1);
    let old: yuanzhu::domain::lead::Lead = decode(&bytes).unwrap();
    let mut expected = lead();
    expected.history.remove(0);
    assert_eq!(old, expected);
    let bytes = std::fs::read(dir.join("household_v1.bin")).unwrap();
    let household: Household = decode(&bytes).unwrap();
    assert_eq!(household, household_v1());
    // Exit findings kept under the first rules read back as of revision 1: stale now.
    let bytes = std::fs::read(dir.join("exit_basis_v1.bin")).unwrap();
    let basis: yuanzhu::domain::exit::ExitBasis = decode(&bytes).unwrap();
    assert_eq!(basis.revision, 1);
    assert_ne!(
        basis,
        yuanzhu::domain::exit::ExitBasis::of(&Settings::default())
    );
    assert_eq!(
        basis.rules,
        yuanzhu::domain::exit::ExitBasis::of(&Settings::default()).rules
    );
}

#[test]
fn damaged_or_future_bytes_are_refused_not_guessed() {
    let mut bytes = encode(&person());
    assert!(matches!(
        decode::<Person>(&bytes[..2]),
        Err(CodecError::TooShort)
    ));
    bytes[0] = 0x00;
    assert!(matches!(
        decode::<Person>(&bytes),
        Err(CodecError::BadMagic(0))
    ));
    let mut future = encode(&person());
    future[1..3].copy_from_slice(&99u16.to_be_bytes());
    assert!(matches!(
        decode::<Person>(&future),
        Err(CodecError::UnknownVersion { found: 99, .. })
    ));
    let mut cut = encode(&person());
    cut.truncate(cut.len() - 3);
    assert!(matches!(
        decode::<Person>(&cut),
        Err(CodecError::Payload { .. })
    ));
}
