//! A draft goes in the same transaction as the save it became: a save that aborts keeps
//! it, a save that commits takes it, and there is no moment between the two where a crash
//! could bring a stale draft back over a saved record.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::followup_form::{Field, FormContext};
use yuanzhu::domain::intake::IntakeDraft;
use yuanzhu::domain::{DueStatus, IdNumber, PersonId, RecognitionStatus};
use yuanzhu::store::{HouseholdPlan, Registration, Stamp, StoreError};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn stamp(actor: &str) -> Stamp {
    Stamp {
        actor: actor.into(),
        at: yuanzhu::service::now_cst(),
    }
}

#[test]
fn a_followup_save_takes_its_draft_in_its_own_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path(), 20, today());
    let s = store
        .summaries()
        .unwrap()
        .into_iter()
        .find(|s| {
            s.status == RecognitionStatus::Recognised
                && matches!(s.due(today(), &Default::default()), Some(d) if d != DueStatus::Done)
        })
        .expect("someone due");
    let mut draft = common::unemployed_visit(today(), s.tier);
    draft.set(Field::Plan, "电话没接通，明天再打".into());
    store.put_draft("jingban", s.case, &draft).unwrap();
    store.put_draft("other", s.case, &draft).unwrap();
    let ctx = FormContext {
        today: today(),
        recognised_on: s.recognised_on,
        tier: s.tier,
        late_entry_days: 5,
    };
    let answers = draft.validate(&ctx).unwrap();

    let stale = store.save_followup(
        &stamp("jingban"),
        "jingban",
        s.case,
        s.rev + 1,
        answers.clone(),
        today(),
    );
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    assert_eq!(store.draft("jingban", s.case).unwrap(), Some(draft.clone()));

    store
        .save_followup(
            &stamp("jingban"),
            "jingban",
            s.case,
            s.rev,
            answers,
            today(),
        )
        .unwrap();
    assert_eq!(store.draft("jingban", s.case).unwrap(), None);
    assert_eq!(store.draft("other", s.case).unwrap(), Some(draft));
}

#[test]
fn a_registration_takes_the_intake_draft_in_its_own_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path(), 20, today());
    let draft = IntakeDraft::blank(today(), None);
    store.put_intake_draft("jingban", &draft).unwrap();
    store.put_intake_draft("other", &draft).unwrap();
    let household = store.households().unwrap().remove(0);
    let existing = store.person(household.members[0]).unwrap().unwrap();
    let joining = |person| Registration {
        person,
        household: HouseholdPlan::Join(household.id),
        case: None,
    };

    let twin = yuanzhu::domain::Person {
        id: PersonId(store.new_id().unwrap()),
        ..existing.clone()
    };
    let refused = store.register(&stamp("jingban"), Some("jingban"), &joining(twin), today());
    assert!(
        matches!(refused, Err(StoreError::Duplicate(_))),
        "{refused:?}"
    );
    assert_eq!(store.intake_draft("jingban").unwrap(), Some(draft.clone()));

    let birth = NaiveDate::from_ymd_opt(1983, 5, 4).unwrap();
    let newcomer = yuanzhu::domain::Person {
        id: PersonId(store.new_id().unwrap()),
        id_number: IdNumber::compose("360731", birth, 417).unwrap(),
        name: "刘春花".into(),
        ..existing
    };
    store
        .register(
            &stamp("jingban"),
            Some("jingban"),
            &joining(newcomer),
            today(),
        )
        .unwrap();
    assert_eq!(store.intake_draft("jingban").unwrap(), None);
    assert_eq!(store.intake_draft("other").unwrap(), Some(draft));
}
