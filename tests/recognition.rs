//! The way in through the service, as the TUI and the socket use it (第(二)条, R-RECOG-1/2):
//! registration at the counter with its refusals, the review steps with theirs, the
//! notice list and the zero-employment counts.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::intake::{IntakeDraft, IntakeField};
use yuanzhu::domain::recognition::Step;
use yuanzhu::domain::{IdNumber, RecognitionStatus, Role, Settings, Tier, TownshipCode};
use yuanzhu::service::{Actor, Registered, Request, Response, Service, ServiceError, Today};
use yuanzhu::store::{Store, StoreConfig};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// A service over the demo store in `dir` on `today` (the store made on 11-16).
fn service(dir: &std::path::Path, today: NaiveDate) -> Service {
    let store = if Store::exists(dir) {
        Store::open(dir, StoreConfig::default()).unwrap()
    } else {
        common::demo_store(dir, 40, day(11, 16))
    };
    Service::new(store, Today::Fixed(today), Settings::default())
}

fn township(service: &Service, index: usize) -> (TownshipCode, String) {
    let county = service
        .store_for_tests()
        .unwrap()
        .county()
        .unwrap()
        .unwrap();
    let t = &county.townships[index];
    (t.code.clone(), t.name.clone())
}

fn caseworker(service: &Service) -> Actor {
    Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(township(service, 0).0),
    }
}

fn reviewer() -> Actor {
    Actor {
        user: "shenhe".into(),
        role: Role::CountyReviewer,
        township: None,
    }
}

fn id(birth: NaiveDate, seq: u16) -> String {
    IdNumber::compose("360731", birth, seq)
        .unwrap()
        .as_str()
        .to_string()
}

/// A woman of 43 on the dibao list, registered unemployed today, in a new household.
fn applicant(service: &Service, today: NaiveDate, seq: u16) -> IntakeDraft {
    let (_, name) = township(service, 0);
    let mut d = IntakeDraft::blank(today, Some(&name));
    d.set(
        IntakeField::IdNumber,
        id(day(5, 4).with_year(1983).unwrap(), seq),
    );
    d.set(IntakeField::Name, "刘春花".into());
    d.set(IntakeField::Phone, "13907970001".into());
    d.set(IntakeField::Village, "长征村".into());
    d.press_code(IntakeField::Category1, '2');
    d.set(IntakeField::Document1, "于民〔2026〕88号".into());
    d.set(IntakeField::Issuer1, "于都县民政局".into());
    d
}

fn register(
    service: &Service,
    actor: &Actor,
    draft: IntakeDraft,
) -> Result<Registered, ServiceError> {
    service
        .handle(actor, Request::Register { draft })
        .map(|reply| match reply.body {
            Response::Registered(r) => r,
            other => panic!("{other:?}"),
        })
}

fn intake_error(result: Result<Registered, ServiceError>) -> (IntakeField, String) {
    match result {
        Err(ServiceError::InvalidIntake(mut errors)) => errors.remove(0),
        other => panic!("{other:?}"),
    }
}

/// The reason of a scope refusal.
fn denial(result: Result<Registered, ServiceError>) -> String {
    match result {
        Err(ServiceError::Denied(why)) => why,
        other => panic!("{other:?}"),
    }
}

/// A demo person on file whose household is in another township than the caseworker's,
/// with their village and case state as a caseworker must not learn them.
fn someone_elsewhere(s: &Service, worker: &Actor) -> (yuanzhu::domain::CaseSummary, String) {
    let other = s
        .store_for_tests()
        .unwrap()
        .summaries()
        .unwrap()
        .into_iter()
        .find(|x| Some(&x.township) != worker.township.as_ref())
        .unwrap();
    let village = s
        .store_for_tests()
        .unwrap()
        .household(other.household)
        .unwrap()
        .unwrap()
        .village;
    (other, village)
}

fn audit_entries(s: &Service) -> Vec<yuanzhu::store::audit::AuditEntry> {
    s.store_for_tests().unwrap().audit_entries(1).unwrap()
}

fn step(
    service: &Service,
    actor: &Actor,
    case: yuanzhu::domain::CaseId,
    step: Step,
) -> Result<RecognitionStatus, ServiceError> {
    let rev = service
        .store_for_tests()
        .unwrap()
        .case(case)
        .unwrap()
        .unwrap()
        .rev;
    service
        .handle(actor, Request::CaseStep { case, rev, step })
        .map(|reply| match reply.body {
            Response::Stepped { status, .. } => status,
            other => panic!("{other:?}"),
        })
}

use chrono::Datelike;

#[test]
fn one_person_one_record_a_second_registration_says_where_the_first_is() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path(), day(11, 16));
    let worker = caseworker(&s);
    let done = register(&s, &worker, applicant(&s, day(11, 16), 124)).unwrap();
    assert!(done.case.is_some());
    let (field, message) = intake_error(register(&s, &worker, applicant(&s, day(11, 16), 124)));
    assert_eq!(field, IntakeField::IdNumber);
    assert!(
        message.contains("已登记：刘春花") && message.contains("长征村"),
        "{message}"
    );
    assert!(message.contains("申请"), "the case's state: {message}");
    // A demo person of the same township already on file, too.
    let known = s
        .store_for_tests()
        .unwrap()
        .summaries()
        .unwrap()
        .into_iter()
        .find(|x| Some(&x.township) == worker.township.as_ref())
        .unwrap();
    let mut again = applicant(&s, day(11, 16), 126);
    again.set(IntakeField::IdNumber, known.id_number.as_str().into());
    let (_, message) = intake_error(register(&s, &worker, again));
    assert!(
        message.contains(&known.name) && message.contains("已认定"),
        "{message}"
    );
}

#[test]
fn a_township_registers_only_its_own_people_and_an_applicant_needs_a_category() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path(), day(11, 16));
    let worker = caseworker(&s);
    let (_, elsewhere) = township(&s, 3);
    let mut d = applicant(&s, day(11, 16), 130);
    d.set(IntakeField::Township, elsewhere);
    let message = denial(register(&s, &worker, d));
    assert!(message.contains("本乡镇"), "{message}");
    let mut d = applicant(&s, day(11, 16), 132);
    d.set(IntakeField::Township, "不存在镇".into());
    let (_, message) = intake_error(register(&s, &worker, d));
    assert!(message.contains("本县没有乡镇“不存在镇”"), "{message}");

    // A 30-year-old joining a household where someone works, with no category: refused.
    let head = s
        .store_for_tests()
        .unwrap()
        .summaries()
        .unwrap()
        .into_iter()
        .find(|x| x.township == worker.township.clone().unwrap() && x.work_status.is_in_work())
        .unwrap();
    let mut d = IntakeDraft::blank(day(11, 16), None);
    d.set(
        IntakeField::IdNumber,
        id(day(3, 3).with_year(1996).unwrap(), 134),
    );
    d.set(IntakeField::Name, "钟小梅".into());
    d.set(IntakeField::Phone, "13907970002".into());
    d.press_code(IntakeField::Household, '2');
    d.set(IntakeField::MemberId, head.id_number.as_str().into());
    // Finding 2 (issue 13): the household has its 户主; a second one is refused at the field.
    d.press_code(IntakeField::Relation, '1');
    let (field, message) = intake_error(register(&s, &worker, d.clone()));
    assert_eq!(field, IntakeField::Relation);
    assert!(message.contains("一户只能有一个户主"), "{message}");
    d.press_code(IntakeField::Relation, '3');
    let (field, message) = intake_error(register(&s, &worker, d.clone()));
    assert_eq!(field, IntakeField::Category1);
    assert!(message.contains("不属于任何一类"), "{message}");
    // Registered as a member without applying: fine, and the household gains a member.
    d.press_code(IntakeField::Apply, '2');
    let done = register(&s, &worker, d).unwrap();
    assert_eq!(done.case, None);
    assert_eq!(done.household, head.household);
}

#[test]
fn a_lone_applicant_out_of_work_makes_a_zero_employment_household_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path(), day(11, 16));
    let worker = caseworker(&s);
    let before = match s.handle(&worker, Request::ZeroEmployment).unwrap().body {
        Response::ZeroEmployment(rows) => rows,
        other => panic!("{other:?}"),
    };
    let done = register(&s, &worker, applicant(&s, day(11, 16), 140)).unwrap();
    assert_eq!(
        done.zero_employment,
        Some(yuanzhu::domain::HouseholdEventKind::ZeroEmploymentStarted)
    );
    let after = match s.handle(&worker, Request::ZeroEmployment).unwrap().body {
        Response::ZeroEmployment(rows) => rows,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        after.len(),
        1,
        "a township caseworker counts their own township"
    );
    assert_eq!(after[0].current, before[0].current + 1);
    assert_eq!(after[0].found_this_month, before[0].found_this_month + 1);
}

/// Finding 8 (issue 13): business or investment income recorded at the counter keeps a
/// household out of the zero-employment list (R-ZERO-1).
#[test]
fn a_lone_applicant_with_business_income_is_no_zero_employment_household() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path(), day(11, 16));
    let worker = caseworker(&s);
    let mut d = applicant(&s, day(11, 16), 142);
    d.press_code(IntakeField::BusinessIncome, '2');
    let done = register(&s, &worker, d).unwrap();
    assert_eq!(done.zero_employment, None);
    let h = s
        .store_for_tests()
        .unwrap()
        .household(done.household)
        .unwrap()
        .unwrap();
    assert!(h.has_business_income && !h.zero_employment_on_file());
}

#[test]
fn from_the_counter_to_recognition_with_every_refusal_on_the_way() {
    let dir = tempfile::tempdir().unwrap();
    // Thursday 11-19: the notice runs Thu, Fri, Mon, Tue, Wed — to 11-25.
    let s = service(dir.path(), day(11, 19));
    let worker = caseworker(&s);
    let county = reviewer();
    let case = register(&s, &worker, applicant(&s, day(11, 19), 150))
        .unwrap()
        .case
        .unwrap();
    let refused = step(&s, &county, case, Step::StartReview).unwrap_err();
    assert!(
        matches!(&refused, ServiceError::Refused(m) if m.contains("乡镇")),
        "{refused:?}"
    );
    assert_eq!(
        step(&s, &worker, case, Step::StartReview).unwrap(),
        RecognitionStatus::InitialReview
    );
    assert_eq!(
        step(&s, &worker, case, Step::PassInitialReview).unwrap(),
        RecognitionStatus::InNotice
    );

    // The notice list, masked, in the township and in the county.
    let notices = match s
        .handle(&worker, Request::Notices { township: None })
        .unwrap()
        .body
    {
        Response::Notices(rows) => rows,
        other => panic!("{other:?}"),
    };
    let mine = notices.iter().find(|n| n.name_masked == "刘*花").unwrap();
    assert!(mine.id_masked.contains("**********"));
    assert_eq!(mine.ends, day(11, 25));
    let (_, other_name) = township(&s, 3);
    let none = match s
        .handle(
            &county,
            Request::Notices {
                township: Some(other_name),
            },
        )
        .unwrap()
        .body
    {
        Response::Notices(rows) => rows,
        other => panic!("{other:?}"),
    };
    assert!(none.iter().all(|n| n.name_masked != "刘*花"));

    let refused = step(&s, &county, case, Step::Recognise { tier: Tier::One }).unwrap_err();
    assert!(
        matches!(&refused, ServiceError::Refused(m) if m.contains("公示期至 2026-11-25 结束")),
        "{refused:?}"
    );
    step(
        &s,
        &worker,
        case,
        Step::RaiseObjection {
            text: "反映其有经营收入".into(),
        },
    )
    .unwrap();
    let refusals: Vec<_> = s
        .store_for_tests()
        .unwrap()
        .audit_entries(1)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "拒绝")
        .map(|e| e.target)
        .collect();
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    assert!(refusals[1].starts_with("认定："), "{refusals:?}");
    drop(s);

    // A week later the notice has ended, but the objection is still open.
    let s = service(dir.path(), day(11, 26));
    let refused = step(&s, &county, case, Step::Recognise { tier: Tier::One }).unwrap_err();
    assert!(
        matches!(&refused, ServiceError::Refused(m) if m.contains("异议尚未处理")),
        "{refused:?}"
    );
    step(
        &s,
        &county,
        case,
        Step::ResolveObjection {
            index: 0,
            upheld: false,
            finding: "经核实无经营收入".into(),
        },
    )
    .unwrap();
    let refused = step(&s, &worker, case, Step::Recognise { tier: Tier::One }).unwrap_err();
    assert!(
        matches!(&refused, ServiceError::Refused(m) if m.contains("县级")),
        "{refused:?}"
    );
    assert_eq!(
        step(&s, &county, case, Step::Recognise { tier: Tier::One }).unwrap(),
        RecognitionStatus::Recognised
    );
    // Recognised: in the follow-up queue now, at its tier, and its history on file.
    let rows = match s
        .handle(
            &worker,
            Request::QueuePage(yuanzhu::service::QueueQuery::follow_ups()),
        )
        .unwrap()
        .body
    {
        Response::QueuePage(page) => page.rows,
        other => panic!("{other:?}"),
    };
    let row = rows.iter().find(|r| r.case == case).unwrap();
    assert_eq!(row.tier, Tier::One);
    assert!(row.due.is_some());
    let view = match s
        .handle(&county, Request::CaseReview { case })
        .unwrap()
        .body
    {
        Response::CaseReview(v) => v,
        other => panic!("{other:?}"),
    };
    let history: Vec<&str> = view.history.iter().map(|h| h.what.as_str()).collect();
    assert_eq!(history.len(), 7, "{history:?}");
    assert!(history[2].contains("公示至 2026-11-25"), "{history:?}");
}

#[test]
fn a_stale_step_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path(), day(11, 19));
    let worker = caseworker(&s);
    let case = register(&s, &worker, applicant(&s, day(11, 19), 160))
        .unwrap()
        .case
        .unwrap();
    let rev = s
        .store_for_tests()
        .unwrap()
        .case(case)
        .unwrap()
        .unwrap()
        .rev;
    step(&s, &worker, case, Step::StartReview).unwrap();
    let stale = s.handle(
        &worker,
        Request::CaseStep {
            case,
            rev,
            step: Step::Reject {
                reason: "重复申请".into(),
            },
        },
    );
    assert!(matches!(stale, Err(ServiceError::Conflict(_))), "{stale:?}");
    assert_eq!(
        s.store_for_tests()
            .unwrap()
            .case(case)
            .unwrap()
            .unwrap()
            .status,
        RecognitionStatus::InitialReview
    );
}

#[test]
fn an_id_number_another_township_holds_is_denied_without_saying_whose_or_where() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path(), day(11, 16));
    let worker = caseworker(&s);
    let (other, village) = someone_elsewhere(&s, &worker);
    let mut d = applicant(&s, day(11, 16), 150);
    d.set(IntakeField::IdNumber, other.id_number.as_str().into());
    let before = audit_entries(&s).len();
    let message = denial(register(&s, &worker, d.clone()));
    assert_eq!(message, yuanzhu::service::HELD_ELSEWHERE);
    let county = s.store_for_tests().unwrap().county().unwrap().unwrap();
    for secret in [
        other.name.as_str(),
        &village,
        &other.household.to_string(),
        other.status.label(),
        county.township_name(&other.township),
    ] {
        assert!(!message.contains(secret), "{secret} disclosed: {message}");
    }
    let after = audit_entries(&s);
    assert_eq!(after.len(), before + 1, "exactly one audit entry");
    let entry = after.last().unwrap();
    assert_eq!(entry.action, "拒绝");
    assert_eq!(entry.actor, worker.user);
    assert!(entry.target.contains(yuanzhu::service::HELD_ELSEWHERE));
    assert!(!entry.target.contains(&other.name), "{}", entry.target);

    // The county, which covers every township, finds the attempt on that person's record
    // and is told where the person is when it registers the same number.
    let log = match s
        .handle(
            &reviewer(),
            Request::AuditShow {
                id_number: Some(other.id_number.as_str().into()),
            },
        )
        .unwrap()
        .body
    {
        Response::AuditLog(lines) => lines,
        other => panic!("{other:?}"),
    };
    assert!(
        log.iter()
            .any(|l| l.action == "拒绝" && l.actor == worker.user),
        "{log:?}"
    );
    let (field, message) = intake_error(register(&s, &reviewer(), d));
    assert_eq!(field, IntakeField::IdNumber);
    assert!(
        message.contains(&other.name) && message.contains(&village),
        "{message}"
    );
}

#[test]
fn joining_a_household_of_another_township_by_a_members_id_is_denied_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path(), day(11, 16));
    let worker = caseworker(&s);
    let (other, village) = someone_elsewhere(&s, &worker);
    let mut d = IntakeDraft::blank(day(11, 16), None);
    d.set(
        IntakeField::IdNumber,
        id(day(3, 3).with_year(1996).unwrap(), 152),
    );
    d.set(IntakeField::Name, "钟小梅".into());
    d.set(IntakeField::Phone, "13907970002".into());
    d.press_code(IntakeField::Household, '2');
    d.set(IntakeField::MemberId, other.id_number.as_str().into());
    d.press_code(IntakeField::Relation, '3');
    d.press_code(IntakeField::Apply, '2');
    let members_before = s
        .store_for_tests()
        .unwrap()
        .household(other.household)
        .unwrap()
        .unwrap()
        .members;
    let before = audit_entries(&s).len();
    let message = denial(register(&s, &worker, d));
    assert_eq!(message, yuanzhu::service::HELD_ELSEWHERE);
    assert!(
        !message.contains(&other.name) && !message.contains(&village),
        "{message}"
    );
    let after = audit_entries(&s);
    assert_eq!(after.len(), before + 1, "exactly one audit entry");
    let entry = after.last().unwrap();
    assert_eq!(entry.action, "拒绝");
    assert!(!entry.target.contains(&other.name), "{}", entry.target);
    let members = |s: &Service| {
        s.store_for_tests()
            .unwrap()
            .household(other.household)
            .unwrap()
            .unwrap()
            .members
    };
    assert_eq!(members(&s), members_before, "nobody joined");
}

#[test]
fn finding_11_and_12_the_review_names_the_first_working_day_and_suggests_the_tier() {
    let dir = tempfile::tempdir().unwrap();
    // Thursday 2026-09-24: 09-24, (中秋), 09-28, 09-29, 09-30, (国庆), 10-08.
    let s = service(dir.path(), day(9, 24));
    let worker = caseworker(&s);
    let county = reviewer();
    let case = register(&s, &worker, applicant(&s, day(9, 24), 170))
        .unwrap()
        .case
        .unwrap();
    step(&s, &worker, case, Step::StartReview).unwrap();
    step(&s, &worker, case, Step::PassInitialReview).unwrap();
    let view = match s
        .handle(&county, Request::CaseReview { case })
        .unwrap()
        .body
    {
        Response::CaseReview(v) => v,
        other => panic!("{other:?}"),
    };
    assert_eq!(view.notice, Some((day(9, 24), day(10, 8))));
    assert_eq!(view.recognisable_from, Some(day(10, 9)));
    // Alone and out of work: a zero-employment household member, so 一级.
    assert_eq!(view.suggested_tier, Tier::One);
}

fn change_category(
    s: &Service,
    actor: &Actor,
    case: yuanzhu::domain::CaseId,
    change: yuanzhu::domain::category_change::CategoryChange,
) -> Result<RecognitionStatus, ServiceError> {
    let rev = s
        .store_for_tests()
        .unwrap()
        .case(case)
        .unwrap()
        .unwrap()
        .rev;
    s.handle(actor, Request::ChangeCategory { case, rev, change })
        .map(|reply| match reply.body {
            Response::Stepped { status, .. } => status,
            other => panic!("{other:?}"),
        })
}

#[test]
fn finding_14_a_category_is_added_and_ended_with_evidence_by_its_township_or_the_county() {
    use yuanzhu::domain::category_change::CategoryChange;
    use yuanzhu::domain::{Category, Evidence};
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path(), day(11, 16));
    let worker = caseworker(&s);
    let case = register(&s, &worker, applicant(&s, day(11, 16), 180))
        .unwrap()
        .case
        .unwrap();
    let evidence = |no: &str, by: &str| Evidence {
        document_no: no.into(),
        issued_by: by.into(),
    };
    let add = CategoryChange::Add {
        category: Category::Disabled,
        evidence: evidence("残疾证 36073119830504", "于都县残联"),
    };
    // Another township's caseworker may not; the administrator may not.
    let (elsewhere, _) = someone_elsewhere(&s, &worker);
    let stranger = Actor {
        user: "other".into(),
        role: Role::TownshipCaseworker,
        township: Some(elsewhere.township.clone()),
    };
    assert!(matches!(
        change_category(&s, &stranger, case, add.clone()),
        Err(ServiceError::Denied(_))
    ));
    let admin = Actor {
        user: "guanli".into(),
        role: Role::Admin,
        township: None,
    };
    assert!(matches!(
        change_category(&s, &admin, case, add.clone()),
        Err(ServiceError::Denied(_))
    ));
    // The person's own township adds one; the county ends another.
    change_category(&s, &worker, case, add.clone()).unwrap();
    let end = CategoryChange::End {
        category: Category::Dibao,
        evidence: evidence("于民低退〔2026〕3号", "于都县民政局"),
    };
    change_category(&s, &reviewer(), case, end.clone()).unwrap();
    let db = s.store_for_tests().unwrap();
    let c = db.case(case).unwrap().unwrap();
    let person = db.person(c.person).unwrap().unwrap();
    assert_eq!(person.recorded_categories(), vec![Category::Disabled]);
    assert_eq!(
        db.summary(case).unwrap().unwrap().recorded,
        vec![Category::Disabled]
    );
    let history: Vec<String> = c.events.iter().map(|e| e.kind.describe()).collect();
    assert!(
        history.contains(
            &"jingban 增加人员类别：残疾人员（残疾证 36073119830504，于都县残联）".to_string()
        ),
        "{history:?}"
    );
    assert!(
        history.contains(
            &"shenhe 终止人员类别：低保人员（于民低退〔2026〕3号，于都县民政局）".to_string()
        ),
        "{history:?}"
    );
    let actions: Vec<(String, String)> = audit_entries(&s)
        .into_iter()
        .map(|e| (e.actor, e.action))
        .collect();
    assert!(actions.contains(&("jingban".into(), "增加人员类别".into())));
    assert!(actions.contains(&("shenhe".into(), "终止人员类别".into())));
    // Ended is ended: not twice; the same category is not added twice.
    assert!(matches!(
        change_category(&s, &worker, case, end),
        Err(ServiceError::Refused(m)) if m.contains("未登记为低保人员")
    ));
    assert!(matches!(
        change_category(&s, &worker, case, add.clone()),
        Err(ServiceError::Refused(m)) if m.contains("已登记为残疾人员")
    ));
    // A stale version is refused and changes nothing.
    let rev = db.case(case).unwrap().unwrap().rev;
    let stale = s.handle(
        &worker,
        Request::ChangeCategory {
            case,
            rev: rev - 1,
            change: CategoryChange::Add {
                category: Category::LandLost,
                evidence: evidence("征地 2026-7", "于都县自然资源局"),
            },
        },
    );
    assert!(matches!(stale, Err(ServiceError::Conflict(_))), "{stale:?}");
    assert_eq!(db.case(case).unwrap().unwrap().rev, rev);
    // The store's own check agrees with what was written.
    match s.handle(&admin, Request::Check).unwrap().body {
        Response::Checked(view) => assert!(view.problems.is_empty(), "{:?}", view.problems),
        other => panic!("{other:?}"),
    }
}
