//! The service as every front uses it: stale writes refused, a township's caseworker kept to
//! their township, drafts kept per account, and a household's zero-employment state moved by
//! the follow-up that places its member in work (第(四)条 动态清零).

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::followup_form::{Field, FollowUpDraft};
use yuanzhu::domain::{DueStatus, Settings, Tier};
use yuanzhu::service::{Actor, QueueRow, Request, Response, Role, Service, ServiceError, Today};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn service(dir: &std::path::Path) -> Service {
    let store = common::demo_store(dir, 60, today());
    Service::new(store, Today::Fixed(today()), Settings::default())
}

fn reviewer() -> Actor {
    Actor {
        user: "county".into(),
        role: Role::CountyReviewer,
        township: None,
    }
}

fn queue(service: &Service, actor: &Actor) -> Vec<QueueRow> {
    match service
        .handle(
            actor,
            Request::QueuePage(yuanzhu::service::QueueQuery::follow_ups()),
        )
        .unwrap()
        .body
    {
        Response::QueuePage(page) => page.rows,
        other => panic!("{other:?}"),
    }
}

fn unemployed_visit(tier: Tier) -> FollowUpDraft {
    common::unemployed_visit(today(), tier)
}

#[test]
fn a_save_against_a_stale_rev_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let actor = reviewer();
    let row = queue(&service, &actor)
        .into_iter()
        .find(|r| matches!(r.due, Some(d) if d != DueStatus::Done))
        .unwrap();
    let save = |rev| Request::SaveFollowUp {
        case: row.case,
        rev,
        draft: unemployed_visit(row.tier),
    };
    let first = service.handle(&actor, save(row.rev)).unwrap();
    assert!(matches!(first.body, Response::Saved(_)));
    let before = service
        .store_for_tests()
        .unwrap()
        .followups(row.case)
        .unwrap()
        .len();
    let stale = service.handle(&actor, save(row.rev));
    assert!(
        matches!(&stale, Err(ServiceError::Conflict(m)) if m.contains("已被他人修改")),
        "{stale:?}"
    );
    assert_eq!(
        service
            .store_for_tests()
            .unwrap()
            .followups(row.case)
            .unwrap()
            .len(),
        before
    );
}

#[test]
fn an_invalid_form_is_refused_field_by_field_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let actor = reviewer();
    let row = queue(&service, &actor).remove(0);
    let mut draft = unemployed_visit(row.tier);
    draft.set(Field::Date, "2026-13-01".into());
    let before = service
        .store_for_tests()
        .unwrap()
        .followups(row.case)
        .unwrap()
        .len();
    let refused = service.handle(
        &actor,
        Request::SaveFollowUp {
            case: row.case,
            rev: row.rev,
            draft,
        },
    );
    match refused {
        Err(ServiceError::Invalid(errors)) => assert_eq!(errors[0].0, Field::Date),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        service
            .store_for_tests()
            .unwrap()
            .followups(row.case)
            .unwrap()
            .len(),
        before
    );
}

#[test]
fn a_township_caseworker_sees_and_changes_only_their_township() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let all = queue(&service, &reviewer());
    let township = all[0].township.clone();
    let local = Actor {
        user: "township".into(),
        role: Role::TownshipCaseworker,
        township: Some(township.clone()),
    };
    let mine = queue(&service, &local);
    assert!(!mine.is_empty() && mine.len() < all.len());
    assert!(mine.iter().all(|r| r.township == township));
    let other = all.iter().find(|r| r.township != township).unwrap();
    let refused = service.handle(&local, Request::FollowUpForm { case: other.case });
    assert!(
        matches!(refused, Err(ServiceError::Denied(_))),
        "{refused:?}"
    );
    let refused = service.handle(
        &local,
        Request::Household {
            household: other.household,
        },
    );
    assert!(
        matches!(refused, Err(ServiceError::Denied(_))),
        "{refused:?}"
    );
}

#[test]
fn a_draft_is_kept_per_account_and_cleared_by_the_save() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let actor = reviewer();
    let row = queue(&service, &actor).remove(0);
    let mut draft = unemployed_visit(row.tier);
    draft.set(Field::Plan, "电话没接通，明天再打".into());
    service
        .handle(
            &actor,
            Request::SaveDraft {
                case: row.case,
                draft: draft.clone(),
            },
        )
        .unwrap();
    let form = |who: &Actor| match service
        .handle(who, Request::FollowUpForm { case: row.case })
        .unwrap()
        .body
    {
        Response::FollowUpForm(f) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(form(&actor).draft, Some(draft.clone()));
    let colleague = Actor {
        user: "other".into(),
        ..reviewer()
    };
    assert_eq!(form(&colleague).draft, None);
    service
        .handle(
            &actor,
            Request::SaveFollowUp {
                case: row.case,
                rev: row.rev,
                draft,
            },
        )
        .unwrap();
    assert_eq!(form(&actor).draft, None);
}

#[test]
fn placing_a_member_in_work_clears_the_zero_employment_household() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let actor = reviewer();
    let summaries = service.store_for_tests().unwrap().summaries().unwrap();
    let zero = summaries
        .iter()
        .find(|s| s.zero_employment_household && s.due(today(), &Settings::default()).is_some())
        .expect("the demo has a zero-employment household");
    let household = zero.household;
    let mut draft = unemployed_visit(zero.tier);
    draft.press_code(Field::WorkStatus, '2');
    draft.set(Field::Employer, "于都县富华服装有限公司".into());
    draft.press_code(Field::Contract, '1');
    draft.press_code(Field::SocialInsurance, '1');
    draft.set(Field::Wage, "2600".into());
    let saved = service
        .handle(
            &actor,
            Request::SaveFollowUp {
                case: zero.case,
                rev: zero.rev,
                draft,
            },
        )
        .unwrap();
    match saved.body {
        Response::Saved(s) => assert_eq!(
            s.zero_employment,
            Some(yuanzhu::domain::HouseholdEventKind::ZeroEmploymentCleared)
        ),
        other => panic!("{other:?}"),
    }
    let h = service
        .store_for_tests()
        .unwrap()
        .household(household)
        .unwrap()
        .unwrap();
    assert!(!h.zero_employment_on_file());
    assert_eq!(h.events.last().unwrap().date, today());
    for case in service
        .store_for_tests()
        .unwrap()
        .household_cases(household)
        .unwrap()
    {
        let s = service
            .store_for_tests()
            .unwrap()
            .summary(case)
            .unwrap()
            .unwrap();
        assert!(
            !s.zero_employment_household,
            "every member's summary follows"
        );
    }
    // The newest entry: the reply's sequence counts data changes, and the audit chain
    // also holds entries that change none (the exit index built on open, reveals).
    let store = service.store_for_tests().unwrap();
    let audit = store.audit_entries(store.seq().unwrap()).unwrap();
    assert_eq!(audit[0].action, "保存回访");
    assert!(audit[0].changes.iter().any(|c| c.tree == "households"));
}

#[test]
fn revealing_an_id_number_is_an_audit_entry_and_scoped() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let actor = reviewer();
    let row = queue(&service, &actor).remove(0);
    let before = service.store_for_tests().unwrap().seq().unwrap();
    let reply = service
        .handle(&actor, Request::RevealId { person: row.person })
        .unwrap();
    match reply.body {
        Response::IdNumber { id_number, .. } => {
            assert_eq!(id_number.len(), 18);
            assert!(id_number.ends_with(&row.id_tail));
        }
        other => panic!("{other:?}"),
    }
    let entries = service
        .store_for_tests()
        .unwrap()
        .audit_entries(before + 1)
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "查看完整身份证号");
    assert_eq!(entries[0].actor, "county");
    assert!(entries[0].target.contains(&row.id_masked));

    let other_township = Actor {
        user: "township".into(),
        role: Role::TownshipCaseworker,
        township: Some(yuanzhu::domain::TownshipCode("000000000".into())),
    };
    let refused = service.handle(&other_township, Request::RevealId { person: row.person });
    assert!(
        matches!(refused, Err(ServiceError::Denied(_))),
        "{refused:?}"
    );
    // The refusal is on the record too, as a refusal, and reveals nothing.
    let refusals = service
        .store_for_tests()
        .unwrap()
        .audit_entries(before + 2)
        .unwrap();
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].action, "拒绝");
    assert_eq!(refusals[0].actor, "township");
    assert!(refusals[0].target.starts_with("查看完整身份证号："));
    assert!(!refusals[0].target.contains(&row.id_tail));
}

#[test]
fn an_id_reveal_or_a_refusal_leaves_the_data_sequence_a_save_moves_it() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let revealer = reviewer();
    let watcher = Actor {
        user: "watcher".into(),
        ..reviewer()
    };
    let ping = || service.handle(&watcher, Request::Ping).unwrap().seq;
    let row = queue(&service, &revealer)
        .into_iter()
        .find(|r| matches!(r.due, Some(d) if d != DueStatus::Done))
        .unwrap();
    let seen = ping();
    let audit_before = service.store_for_tests().unwrap().seq().unwrap();

    let revealed = service
        .handle(&revealer, Request::RevealId { person: row.person })
        .unwrap();
    assert_eq!(revealed.seq, seen, "the reveal's own reply");
    let outsider = Actor {
        user: "township".into(),
        role: Role::TownshipCaseworker,
        township: Some(yuanzhu::domain::TownshipCode("000000000".into())),
    };
    let refused = service.handle(&outsider, Request::RevealId { person: row.person });
    assert!(
        matches!(refused, Err(ServiceError::Denied(_))),
        "{refused:?}"
    );
    // Both are on the audit record, and neither is a change of data.
    assert_eq!(
        service.store_for_tests().unwrap().seq().unwrap(),
        audit_before + 2
    );
    assert_eq!(ping(), seen);

    let saved = service
        .handle(
            &revealer,
            Request::SaveFollowUp {
                case: row.case,
                rev: row.rev,
                draft: unemployed_visit(row.tier),
            },
        )
        .unwrap();
    assert_eq!(saved.seq, seen + 1);
    assert_eq!(ping(), seen + 1);
}

/// Finding 4 (issue 13): on the 2nd, a visit of the 30th covers last month — the overdue
/// month is made good and this month stays to do; a visit two months back is refused.
#[test]
fn a_late_entry_covers_last_month_and_the_queue_counts_it_there() {
    let second = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path(), 60, second);
    let service = Service::new(store, Today::Fixed(second), Settings::default());
    let actor = reviewer();
    let row = queue(&service, &actor)
        .into_iter()
        .find(|r| r.due == Some(DueStatus::Overdue))
        .expect("an overdue case on the 2nd");
    let visit = |date: &str| {
        let mut draft = common::unemployed_visit(second, row.tier);
        draft.set(Field::Date, date.into());
        draft.set(Field::NextContact, "2026-12-28".into());
        draft
    };
    let refused = service.handle(
        &actor,
        Request::SaveFollowUp {
            case: row.case,
            rev: row.rev,
            draft: visit("2026-10-30"),
        },
    );
    match refused {
        Err(ServiceError::Invalid(errors)) => {
            assert_eq!(errors[0].0, Field::Date);
            assert!(errors[0].1.contains("2026年10月已截止"), "{errors:?}");
        }
        other => panic!("{other:?}"),
    }
    let saved = service
        .handle(
            &actor,
            Request::SaveFollowUp {
                case: row.case,
                rev: row.rev,
                draft: visit("2026-11-30"),
            },
        )
        .unwrap();
    assert!(matches!(saved.body, Response::Saved(_)));
    let after = queue(&service, &actor)
        .into_iter()
        .find(|r| r.case == row.case)
        .unwrap();
    assert_eq!(after.due, Some(DueStatus::Due));
}

/// Finding 8 (issue 13): a household that stops qualifying because its one able member no
/// longer wants work is "no longer zero-employment" with that reason, not 动态清零.
#[test]
fn a_member_losing_willingness_ends_the_household_without_clearing_it() {
    use yuanzhu::domain::HouseholdEventKind;
    use yuanzhu::domain::household::ZeroEndReason;
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let actor = reviewer();
    let store = service.store_for_tests().unwrap();
    let summaries = store.summaries().unwrap();
    // A zero-employment household whose only able and willing working-age member is the
    // person followed up.
    let zero = summaries
        .iter()
        .filter(|s| s.zero_employment_household && s.due(today(), &Settings::default()).is_some())
        .find(|s| {
            let h = store.household(s.household).unwrap().unwrap();
            h.members.iter().all(|m| {
                let p = store.person(*m).unwrap().unwrap();
                p.id == s.person
                    || !p.is_working_age(today())
                    || !(p.labour.can_work() && p.willing_to_work)
            })
        })
        .expect("a zero-employment household with one able member");
    drop(store);
    let mut draft = unemployed_visit(zero.tier);
    draft.press_code(Field::Willing, '2');
    let saved = service
        .handle(
            &actor,
            Request::SaveFollowUp {
                case: zero.case,
                rev: zero.rev,
                draft,
            },
        )
        .unwrap();
    let ended = HouseholdEventKind::ZeroEmploymentEnded(ZeroEndReason::NotAbleOrWilling);
    match saved.body {
        Response::Saved(s) => assert_eq!(s.zero_employment, Some(ended.clone())),
        other => panic!("{other:?}"),
    }
    let h = service
        .store_for_tests()
        .unwrap()
        .household(zero.household)
        .unwrap()
        .unwrap();
    assert!(!h.zero_employment_on_file());
    assert_eq!(h.events.last().unwrap().kind, ended);
    // The month's counts: ended, not cleared.
    let rows = match service
        .handle(&actor, Request::ZeroEmployment)
        .unwrap()
        .body
    {
        Response::ZeroEmployment(rows) => rows,
        other => panic!("{other:?}"),
    };
    let ended_count: u32 = rows.iter().map(|r| r.ended_this_month).sum();
    assert!(ended_count >= 1);
}

/// Finding 8: the households still zero-employment past `zero_clearance_days` are listed,
/// checked against the households' own start dates.
#[test]
fn households_past_the_clearance_deadline_are_listed_by_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path(), 120, today());
    let settings = Settings {
        zero_clearance_days: 20,
        ..Settings::default()
    };
    let service = Service::new(store, Today::Fixed(today()), settings);
    let mut expected: Vec<_> = service
        .store_for_tests()
        .unwrap()
        .households()
        .unwrap()
        .into_iter()
        .filter_map(|h| {
            h.zero_since()
                .filter(|since| (today() - *since).num_days() > 20)
                .map(|_| h.id)
        })
        .collect();
    expected.sort();
    assert!(
        !expected.is_empty(),
        "the demo has a household past 20 days"
    );
    let rows = match service
        .handle(&reviewer(), Request::ZeroEmployment)
        .unwrap()
        .body
    {
        Response::ZeroEmployment(rows) => rows,
        other => panic!("{other:?}"),
    };
    let mut listed: Vec<_> = rows
        .iter()
        .flat_map(|r| r.past_deadline.iter())
        .inspect(|o| assert_eq!((o.deadline - o.since).num_days(), 20))
        .map(|o| o.household)
        .collect();
    listed.sort();
    assert_eq!(listed, expected);
}

/// Finding 9 (issue 13): a contact that did not reach the person (联系不上) is saved as such
/// and changes nothing of what is known of them.
#[test]
fn an_unreachable_contact_is_saved_and_leaves_the_persons_record_as_it_was() {
    use yuanzhu::domain::followup::ContactOutcome;
    let dir = tempfile::tempdir().unwrap();
    let service = service(dir.path());
    let actor = reviewer();
    let s = service
        .store_for_tests()
        .unwrap()
        .summaries()
        .unwrap()
        .into_iter()
        .find(|s| s.work_status.is_in_work() && s.due(today(), &Settings::default()).is_some())
        .expect("a recognised person in work");
    let mut draft = unemployed_visit(s.tier);
    draft.press_code(Field::Outcome, '2');
    draft.set(Field::Plan, "电话无人接听，下周上门".into());
    service
        .handle(
            &actor,
            Request::SaveFollowUp {
                case: s.case,
                rev: s.rev,
                draft,
            },
        )
        .unwrap();
    let store = service.store_for_tests().unwrap();
    let saved = store.followups(s.case).unwrap().pop().unwrap();
    assert_eq!(saved.answers.outcome, ContactOutcome::Unreachable);
    assert_eq!(saved.answers.plan, "电话无人接听，下周上门");
    let after = store.summary(s.case).unwrap().unwrap();
    assert_eq!(
        after.work_status, s.work_status,
        "still in work as last known"
    );
    assert_eq!(after.last_contact, Some(today()));
}
