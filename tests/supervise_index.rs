//! 监督's findings kept at save time (`store::supervise_index`, 第(十四)条) against the walk
//! over every summary, follow-up and ledger they replaced (`Service::supervise_by_walk`),
//! on a demo county with a hand-made case for each rule: follow-ups copied month after
//! month, a phone, a 社保卡 and a unit account across households, payments after an exit
//! or in a month of unemployment benefit, a post held after the exit, a person
//! registered into another household and a person applying again. The two agree for
//! every month around the writes, after each write, after a reopen, and `check` accepts
//! the tree; a store without it builds it when opened, with its audit entry.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::exit::ExitReason;
use yuanzhu::domain::followup::{ContactMethod, ContactOutcome, FollowUpAnswers, WorkStatus};
use yuanzhu::domain::id_number::IdNumber;
use yuanzhu::domain::ledger::{PaidTo, PolicyKind, PolicyRecord, PostRecord};
use yuanzhu::domain::payment::Payment;
use yuanzhu::domain::post::{Placement, PostType};
use yuanzhu::domain::supervise::Rule;
use yuanzhu::domain::{
    AssistanceCase, CaseId, CaseSummary, PersonId, RecognitionStatus, Role, Settings, YearMonth,
};
use yuanzhu::service::protocol::SupervisedFinding;
use yuanzhu::service::{Actor, Request, Response, Service, Today};
use yuanzhu::store::{HouseholdPlan, Registration, Stamp, Store, StoreConfig};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 16)
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

fn county() -> Actor {
    Actor {
        user: "shenhe".into(),
        role: Role::CountyReviewer,
        township: None,
    }
}

fn stamp() -> Stamp {
    Stamp {
        actor: "jingban".into(),
        at: yuanzhu::service::now_cst(),
    }
}

fn service_on(store: Store, day: NaiveDate) -> Service {
    Service::new(store, Today::Fixed(day), Settings::default())
}

/// Every finding of `month`, page by page, as the 监督 pane reads them.
fn indexed(service: &Service, month: YearMonth) -> Vec<SupervisedFinding> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let request = Request::Supervise {
            month,
            after: after.clone(),
            limit: 7,
        };
        match service.handle(&county(), request).unwrap().body {
            Response::Supervise(p) => {
                out.extend(p.findings);
                match p.next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
            other => panic!("unexpected reply {other:?}"),
        }
    }
    out
}

/// The index and the walk agree on every month from July 2026 to January 2027.
fn agree(service: &Service, when: &str) {
    let mut m = ym(2026, 7);
    while m <= ym(2027, 1) {
        let walked = service.supervise_by_walk(&county(), m).unwrap();
        // The walk gives the findings alone; the pane's pages carry their dispositions.
        let mut listed = indexed(service, m);
        for f in &mut listed {
            f.disposition = None;
        }
        assert_eq!(listed, walked, "{when}: {m}");
        m = m.next();
    }
}

fn has(service: &Service, month: YearMonth, rule: Rule, subject: &str) -> bool {
    let key = format!("{}:{subject}:{month}", rule.code());
    indexed(service, month).iter().any(|f| f.key == key)
}

/// Recognised cases, one per household, with no exit waiting.
fn recognised(store: &Store) -> Vec<CaseSummary> {
    let mut households = std::collections::BTreeSet::new();
    store
        .summaries()
        .unwrap()
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised)
        .filter(|s| {
            store
                .case(s.case)
                .unwrap()
                .is_some_and(|c| c.pending_exit().is_none())
        })
        .filter(|s| households.insert(s.household))
        .collect()
}

fn subject(s: &CaseSummary) -> String {
    format!("{}（案{}）", s.name, s.case.0)
}

/// The same follow-up but for its date.
fn copy_on(date: NaiveDate) -> FollowUpAnswers {
    FollowUpAnswers {
        date,
        method: ContactMethod::Phone,
        work_status: WorkStatus::Unemployed,
        employment: None,
        willing_to_work: true,
        needs: vec![],
        services: "推荐岗位".into(),
        plan: "继续推荐".into(),
        next_contact: date,
        outcome: ContactOutcome::Reached,
    }
}

fn save_followup(store: &Store, case: CaseId, answers: FollowUpAnswers) {
    let rev = store.case(case).unwrap().unwrap().rev;
    store
        .save_followup(&stamp(), "jingban", case, rev, answers, today())
        .unwrap();
}

/// The same follow-up on the last day of each month from `first` (2026) to October, and
/// today: the last of each month, whatever the demo saved before.
fn copied_from(store: &Store, case: CaseId, first: u32) {
    for m in first..=10 {
        let last = d(2026, m + 1, 1).pred_opt().unwrap();
        save_followup(store, case, copy_on(last));
    }
    save_followup(store, case, copy_on(today()));
}

fn card_policy(kind: PolicyKind, month: YearMonth, card: &str, paid_on: NaiveDate) -> PolicyRecord {
    PolicyRecord {
        kind,
        from: month,
        to: month,
        amount: 300,
        paid_to: PaidTo::Card(card.into()),
        months: None,
        approved: Some(month),
        benefit_months: vec![],
        payments: vec![Payment {
            on: paid_on,
            amount: 300,
            from: month,
            to: month,
            paid_to: PaidTo::Card(card.into()),
        }],
    }
}

/// Writes `change` into the person's ledger, as an older entry could have left it (the
/// service's forms refuse some of these).
fn edit_ledger(
    store: &Store,
    person: PersonId,
    change: impl FnOnce(&mut yuanzhu::domain::ledger::Ledger),
) {
    let mut l = store.ledger(person).unwrap();
    change(&mut l);
    let rev = l.rev;
    store
        .put_ledger(&stamp(), &l, rev, "测试", "台账".into(), today())
        .unwrap();
}

fn post(employer: &str, start: NaiveDate, end: NaiveDate) -> PostRecord {
    PostRecord {
        placement: Placement {
            post_type: PostType::RuralPartTime,
            employer: employer.into(),
            start,
            end,
            post_subsidy: 1200,
            insurance_subsidy: 380,
        },
        ended: None,
    }
}

/// The township proposes the case's exit and the county approves it.
fn exit(service: &Service, s: &CaseSummary) {
    let store = service.store_for_tests().unwrap();
    let worker = Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(s.township.clone()),
    };
    let rev = store.case(s.case).unwrap().unwrap().rev;
    service
        .handle(
            &worker,
            Request::ProposeExit {
                case: s.case,
                rev,
                reason: ExitReason::StablyEmployed,
                evidence: "已在外省稳定就业，本人确认".into(),
            },
        )
        .unwrap();
    let rev = store.case(s.case).unwrap().unwrap().rev;
    service
        .handle(
            &county(),
            Request::DecideExit {
                case: s.case,
                rev,
                approve: true,
                note: String::new(),
            },
        )
        .unwrap();
}

/// A new person with an application, registered into `household` with the phone of
/// `phone_of`, made from `like`'s records.
fn register_into(
    store: &Store,
    like: &CaseSummary,
    household: &CaseSummary,
    phone: &str,
    n: u16,
) -> CaseId {
    let person = store.person(like.person).unwrap().unwrap();
    let pid = PersonId(store.new_id().unwrap());
    let newcomer = yuanzhu::domain::Person {
        id: pid,
        household: household.household,
        id_number: IdNumber::compose("360731", d(1984, 3, 9), 500 + n).unwrap(),
        name: format!("迁入{n}"),
        phone: phone.into(),
        ..person
    };
    let template: AssistanceCase = store.case(like.case).unwrap().unwrap();
    let case = AssistanceCase {
        id: CaseId(store.new_id().unwrap()),
        rev: 0,
        person: pid,
        household: household.household,
        township: household.township.clone(),
        ..template
    };
    let id = case.id;
    let registration = Registration {
        person: newcomer,
        household: HouseholdPlan::Join(household.household),
        case: Some(case),
    };
    store
        .register(&stamp(), None, &registration, today())
        .unwrap();
    id
}

#[test]
fn indexed_findings_equal_the_walk_through_saves_payments_moves_and_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_on(common::demo_store(dir.path(), 80, today()), today());
    agree(&service, "built on open");
    let store = service.store_for_tests().unwrap();
    let people = recognised(&store);
    assert!(people.len() >= 8, "enough recognised households");

    // Follow-ups copied from August to November: a finding dated October, kept in
    // November by the same key.
    let copied = &people[0];
    copied_from(&store, copied.case, 8);
    assert!(has(
        &service,
        ym(2026, 10),
        Rule::CopiedFollowups,
        &subject(copied)
    ));
    agree(&service, "after copied follow-ups");
    // A different follow-up later on the same day is November's: the streak ends in
    // October, its finding stays there.
    let mut other = copy_on(today());
    other.plan = "参加技能培训".into();
    save_followup(&store, copied.case, other);
    assert!(has(
        &service,
        ym(2026, 10),
        Rule::CopiedFollowups,
        &subject(copied)
    ));
    agree(&service, "after a follow-up that breaks the streak");

    // One 社保卡 in two households, a payment for a month of benefit.
    let (a, b) = (&people[1], &people[2]);
    let card = "362100000000009001";
    edit_ledger(&store, a.person, |l| {
        let mut p = card_policy(PolicyKind::Training, ym(2026, 9), card, d(2026, 11, 3));
        p.benefit_months = vec![ym(2026, 9)];
        l.policies.push(p);
    });
    assert!(has(
        &service,
        ym(2026, 11),
        Rule::PaidWhileIneligible,
        &subject(a)
    ));
    edit_ledger(&store, b.person, |l| {
        l.policies.push(card_policy(
            PolicyKind::Training,
            ym(2026, 10),
            card,
            d(2026, 10, 20),
        ));
    });
    assert!(has(
        &service,
        ym(2026, 11),
        Rule::SharedContact,
        &format!("si{card}")
    ));
    agree(&service, "after one card in two households");

    // One unit account used by two households working for different units.
    let (c, e) = (&people[3], &people[4]);
    let account = "6222000055556666";
    for (s, employer) in [(c, "长征村委会"), (e, "某鞋厂")] {
        edit_ledger(&store, s.person, |l| {
            l.posts.push(post(employer, d(2026, 3, 1), d(2027, 2, 28)));
            let mut p = card_policy(PolicyKind::PostSubsidy, ym(2026, 10), "", d(2026, 10, 5));
            p.paid_to = PaidTo::UnitAccount(account.into());
            p.payments[0].paid_to = PaidTo::UnitAccount(account.into());
            l.policies.push(p);
        });
    }
    assert!(has(
        &service,
        ym(2026, 12),
        Rule::SharedContact,
        &format!("unit{account}")
    ));
    agree(&service, "after one unit account across units");

    // A person registered into another household with a third household's phone, and a
    // follow-up for them.
    let phone = store.summary(people[5].case).unwrap().unwrap().phone;
    let phone = if phone.trim().is_empty() {
        "13907970001".to_string()
    } else {
        phone
    };
    let moved = register_into(&store, &people[6], &people[7], &phone, 1);
    save_followup(&store, moved, copy_on(d(2026, 11, 14)));
    agree(&service, "after a registration into another household");

    // An exit today; a reopened service weeks later, where a payment after the exit and a
    // post held past it are findings.
    let leaving = people[1].clone();
    exit(&service, &leaving);
    agree(&service, "after an exit");
    drop(store);
    drop(service);
    let later = d(2026, 12, 10);
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let service = service_on(store, later);
    agree(&service, "after a reopen");
    let store = service.store_for_tests().unwrap();
    edit_ledger(&store, leaving.person, |l| {
        l.policies.push(card_policy(
            PolicyKind::Training,
            ym(2026, 12),
            card,
            d(2026, 12, 8),
        ));
        l.posts
            .push(post("长征村委会", d(2026, 6, 1), d(2027, 5, 31)));
    });
    assert!(has(
        &service,
        ym(2026, 12),
        Rule::PaidWhileIneligible,
        &subject(&leaving)
    ));
    assert!(has(
        &service,
        ym(2027, 1),
        Rule::PaidWhileIneligible,
        &subject(&leaving)
    ));
    agree(&service, "after payments past the exit");

    // The person applies again: their payments stay with their first case.
    let person = store.person(leaving.person).unwrap().unwrap();
    let template = store.case(leaving.case).unwrap().unwrap();
    let again = AssistanceCase {
        id: CaseId(store.new_id().unwrap()),
        rev: 0,
        status: RecognitionStatus::Applied,
        recognised_on: None,
        applied_on: later,
        events: vec![],
        ..template
    };
    store
        .reapply(&stamp(), None, &person, &again, later)
        .unwrap();
    agree(&service, "after applying again");

    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
}

#[test]
fn a_store_without_the_index_builds_it_when_opened_and_check_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path(), 30, today()));
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    assert_eq!(
        store.supervise_basis().unwrap(),
        None,
        "the demo writes records only"
    );
    let before = store.seq().unwrap();
    let service = service_on(store, today());
    let store = service.store_for_tests().unwrap();
    assert!(store.supervise_basis().unwrap().is_some());
    let built: Vec<_> = store
        .audit_entries(before + 1)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "建立监督索引")
        .collect();
    assert_eq!(built.len(), 1);
    assert!(!built[0].bulk[0].records.is_empty(), "each record's hash");
    agree(&service, "built on open");
    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert!(
        report
            .counts
            .iter()
            .any(|(t, n)| t == "supervise_index" && *n > 0)
    );
    // Opened again, it is not built a second time.
    drop(store);
    drop(service);
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let seq = store.seq().unwrap();
    let service = service_on(store, today());
    assert_eq!(service.store_for_tests().unwrap().seq().unwrap(), seq);
}

#[test]
fn a_finding_is_disposed_by_its_key_looked_up_in_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_on(common::demo_store(dir.path(), 60, today()), today());
    let store = service.store_for_tests().unwrap();
    let people = recognised(&store);
    let copied = &people[0];
    copied_from(&store, copied.case, 9);
    let (a, b) = (&people[1], &people[2]);
    let card = "362100000000009002";
    for s in [a, b] {
        edit_ledger(&store, s.person, |l| {
            let mut p = card_policy(PolicyKind::Training, ym(2026, 10), card, d(2026, 11, 2));
            p.benefit_months = vec![ym(2026, 10)];
            l.policies.push(p);
        });
    }
    let keys = [
        format!("copied:{}:2026-11", subject(copied)),
        format!("shared:si{card}:2026-11"),
        format!("paid:{}:2026-11", subject(a)),
    ];
    let dispose = |key: &str| {
        service.handle(
            &county(),
            Request::DisposeFinding {
                key: key.into(),
                rev: 0,
                verdict: yuanzhu::domain::supervise::disposition::Verdict::Verified,
                note: "已核实".into(),
            },
        )
    };
    for key in &keys {
        assert!(dispose(key).is_ok(), "{key}");
    }
    // The same subjects in a month they are not found in, and a case that has none.
    for key in [
        format!("copied:{}:2026-10", subject(copied)),
        format!("shared:si{card}x:2026-11"),
        format!("paid:{}:2026-11", subject(copied)),
    ] {
        assert!(dispose(&key).is_err(), "{key}");
    }
}

#[test]
fn an_index_made_under_another_run_length_is_made_again_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_on(common::demo_store(dir.path(), 40, today()), today());
    let store = service.store_for_tests().unwrap();
    let copied = recognised(&store).remove(0);
    copied_from(&store, copied.case, 8);
    assert!(has(
        &service,
        ym(2026, 10),
        Rule::CopiedFollowups,
        &subject(&copied)
    ));
    drop(store);
    drop(service);
    let settings = Settings {
        supervise_copied_months: 4,
        ..Settings::default()
    };
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let service = Service::new(store, Today::Fixed(today()), settings);
    let basis = service
        .store_for_tests()
        .unwrap()
        .supervise_basis()
        .unwrap();
    assert_eq!(basis.map(|b| b.copied_months), Some(4));
    assert!(!has(
        &service,
        ym(2026, 10),
        Rule::CopiedFollowups,
        &subject(&copied)
    ));
    assert!(has(
        &service,
        ym(2026, 11),
        Rule::CopiedFollowups,
        &subject(&copied)
    ));
    agree(&service, "made again under four months");
}

#[test]
fn a_finding_is_disposed_while_the_index_waits_to_be_built_again() {
    let dir = tempfile::tempdir().unwrap();
    let service = service_on(common::demo_store(dir.path(), 30, today()), today());
    let store = service.store_for_tests().unwrap();
    let copied = recognised(&store).remove(0);
    copied_from(&store, copied.case, 9);
    // A bulk load marks the index unbuilt; the disposition, a write, cannot build it.
    store
        .load(&yuanzhu::store::Load::default(), &stamp(), "测试导入")
        .unwrap();
    assert_eq!(store.supervise_basis().unwrap(), None);
    let disposed = service.handle(
        &county(),
        Request::DisposeFinding {
            key: format!("copied:{}:2026-11", subject(&copied)),
            rev: 0,
            verdict: yuanzhu::domain::supervise::disposition::Verdict::Verified,
            note: String::new(),
        },
    );
    assert!(disposed.is_ok(), "{disposed:?}");
    // The next listing builds it again.
    agree(&service, "built again after the load");
    assert!(store.supervise_basis().unwrap().is_some());
}
