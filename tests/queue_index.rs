//! The queue read from `queue_index` against the full scan it replaced (issue 12, items 1
//! and 4): random follow-ups (late entries, visits dated after the day asked about, month
//! boundaries), case steps (a stage, a notice, a recognition, a tier, an exit), household
//! zero-employment moving with the follow-ups, and random days (month ends, the
//! due-soon day); after each, every slice's pages (searched or not, at every kind of
//! anchor), its length and the header's counts equal the full scan's, and `QueueChanges`
//! names the saved rows where the full scan puts them.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Datelike, NaiveDate};
use yuanzhu::domain::followup::{
    ContactMethod, ContactOutcome, Employment, FollowUpAnswers, WorkStatus,
};
use yuanzhu::domain::{
    AssistanceCase, CaseEvent, CaseEventKind, CaseId, RecognitionStatus, Role, Settings, Tier,
};
use yuanzhu::service::protocol::{QueueAt, QueueQuery, QueueSlice};
use yuanzhu::service::{Actor, Service, Today};
use yuanzhu::store::{Stamp, Store, StoreConfig};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 16)
}

use common::seeded::Rng;

/// Days the walk favours.
trait EdgeDays {
    fn edge_day(&mut self) -> NaiveDate;
}

impl EdgeDays for Rng {
    /// A day near a month's end or its due-soon day more often than not.
    fn edge_day(&mut self) -> NaiveDate {
        let base = if self.below(3) == 0 {
            self.day(d(2025, 9, 1), 540)
        } else {
            self.day(d(2026, 9, 1), 150)
        };
        let ym = (base.year(), base.month());
        let last = yuanzhu::domain::year_month::YearMonth::new(ym.0, ym.1)
            .unwrap()
            .last_day()
            .day();
        let day = match self.below(5) {
            0 => 1,
            1 => last,
            2 => 19 + self.below(3) as u32,
            3 => last - 1,
            _ => base.day(),
        };
        d(ym.0, ym.1, day)
    }
}

fn actor(user: &str, role: Role, township: Option<yuanzhu::domain::TownshipCode>) -> Actor {
    Actor {
        user: user.into(),
        role,
        township,
    }
}

fn stamp() -> Stamp {
    Stamp {
        actor: "jingban".into(),
        at: yuanzhu::service::now_cst(),
    }
}

fn answers(rng: &mut Rng, date: NaiveDate) -> FollowUpAnswers {
    let employed = rng.below(3) == 0;
    FollowUpAnswers {
        date,
        method: ContactMethod::Phone,
        work_status: if employed {
            WorkStatus::Employed
        } else {
            WorkStatus::Unemployed
        },
        employment: employed.then(|| Employment {
            employer: "赣州某电子厂".into(),
            contract_signed: true,
            social_insurance_paid: true,
            monthly_wage: 3000,
        }),
        willing_to_work: true,
        needs: vec![],
        services: String::new(),
        plan: String::new(),
        next_contact: date,
        outcome: match rng.below(6) {
            0 => ContactOutcome::Unreachable,
            1 => ContactOutcome::RefusedServices,
            _ => ContactOutcome::Reached,
        },
    }
}

const SLICES: [QueueSlice; 9] = [
    QueueSlice::FollowUps,
    QueueSlice::InitialReview,
    QueueSlice::InNotice,
    QueueSlice::AwaitingRecognition,
    QueueSlice::Overdue,
    QueueSlice::ZeroEmployment,
    QueueSlice::Tier(Tier::One),
    QueueSlice::Tier(Tier::Two),
    QueueSlice::Tier(Tier::Three),
];

/// Searches drawn from the county: initials, part of a name, an ID tail, part of a phone,
/// and what finds nobody.
fn searches(store: &Store, rng: &mut Rng) -> Vec<String> {
    let all = store.summaries().unwrap();
    let mut out = vec![String::new(), "zzzq".to_string(), "zhang".to_string()];
    if let Some(s) = all.get(rng.below(all.len())) {
        let ini = yuanzhu::domain::name_search::initials(&s.name);
        out.push(ini.iter().filter_map(|c| c.chars().next()).collect());
        out.push(s.name.chars().skip(1).collect());
        out.push(s.id_number.tail4()[1..].to_string());
        out.push(s.phone.chars().skip(3).take(4).collect());
        out.push(ini.first().cloned().unwrap_or_default());
        out.push(s.name.chars().take(1).collect());
        // Typed full-width, with a space: normalised as `matches` does.
        let wide: String = s
            .id_number
            .tail4()
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect();
        out.push(format!(" {wide}"));
        out.push(s.id_number.tail4().to_lowercase());
    }
    out
}

/// Every slice's page from the index against the full scan's, for each actor, on `day`.
fn agree(service: &Service, store: &Store, actors: &[Actor], day: NaiveDate, rng: &mut Rng) {
    let searches = searches(store, rng);
    let cases: Vec<CaseId> = store.summaries().unwrap().iter().map(|s| s.case).collect();
    for a in actors {
        for slice in SLICES {
            let search = searches[rng.below(searches.len())].clone();
            let at = match rng.below(5) {
                0 => QueueAt::First,
                1 => QueueAt::Last,
                2 => QueueAt::Row(rng.below(120) as u32),
                _ => QueueAt::Case(cases[rng.below(cases.len())]),
            };
            let query = QueueQuery {
                slice,
                search,
                at,
                before: rng.below(12) as u16,
                after: rng.below(30) as u16,
            };
            let indexed = service.queue_page_on(a, day, &query).unwrap();
            let scanned = service.queue_page_by_full_scan(a, day, &query).unwrap();
            assert_eq!(indexed, scanned, "{day} {} {query:?}", a.user);
        }
    }
}

/// A random change to a case through the store's case step: a stage of the application,
/// a notice, a recognition (this month or long ago), a tier, an exit, a rejection.
fn step(store: &Store, rng: &mut Rng) {
    let all = store.summaries().unwrap();
    let Some(s) = all.get(rng.below(all.len())) else {
        return;
    };
    let Some(case) = store.case(s.case).unwrap() else {
        return;
    };
    let mut new: AssistanceCase = case.clone();
    let day = rng.day(d(2025, 8, 1), 500);
    let action = match rng.below(7) {
        0 => {
            new.status = [
                RecognitionStatus::Applied,
                RecognitionStatus::InitialReview,
                RecognitionStatus::AwaitingRecognition,
            ][rng.below(3)];
            new.applied_on = day;
            new.recognised_on = None;
            "受理"
        }
        1 => {
            new.status = RecognitionStatus::InNotice;
            new.recognised_on = None;
            new.events.push(CaseEvent {
                date: day,
                kind: CaseEventKind::NoticePublished {
                    ends: rng.day(day, 12),
                },
            });
            "初审通过"
        }
        2 | 3 => {
            new.status = RecognitionStatus::Recognised;
            new.recognised_on = Some(day);
            "认定"
        }
        4 => {
            new.tier = Tier::ALL[rng.below(3)];
            "调整类别"
        }
        5 => {
            new.status = RecognitionStatus::Exited;
            "退出"
        }
        _ => {
            new.status = RecognitionStatus::Rejected;
            "不予认定"
        }
    };
    store
        .put_case_step(&stamp(), &new, case.rev, action, stamp().at.date_naive())
        .unwrap();
}

#[test]
fn the_indexed_queue_equals_the_full_scan_through_random_saves_steps_and_days() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    // A fortnightly first tier, so the interval splits the month's visited rows.
    settings.tiers[0].interval_days = Some(14);
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        settings,
    );
    let store = service.store_for_tests().unwrap();
    let township = store.county().unwrap().unwrap().townships[0].code.clone();
    let county = actor("shenhe", Role::CountyReviewer, None);
    let actors = [
        county.clone(),
        actor("jingban", Role::TownshipCaseworker, Some(township)),
    ];
    let mut rng = Rng(0x5EED_0120);
    agree(&service, &store, &actors, today(), &mut rng);
    let mut kinds = std::collections::BTreeSet::new();
    for n in 1..=80 {
        let since = store.data_seq().unwrap();
        let mut saved = None;
        match rng.below(5) {
            0..=2 => {
                let recognised: Vec<_> = store
                    .summaries()
                    .unwrap()
                    .into_iter()
                    .filter(|s| s.status == RecognitionStatus::Recognised)
                    .collect();
                if let Some(s) = recognised.get(rng.below(recognised.len())) {
                    // Late entries, this month's, and some dated months ahead.
                    let date = rng.day(d(2025, 10, 1), 480);
                    let a = answers(&mut rng, date);
                    store
                        .save_followup(&stamp(), "jingban", s.case, s.rev, a, today())
                        .unwrap();
                    saved = Some(s.case);
                }
            }
            _ => step(&store, &mut rng),
        }
        let day = rng.edge_day();
        // The days around the demo's own month, in turn: its due-soon day, its end, the
        // next month's first day and due-soon day.
        let fixed = [
            d(2026, 11, 20),
            d(2026, 11, 30),
            d(2026, 12, 1),
            d(2026, 12, 20),
        ];
        for on in [today(), day, fixed[n % fixed.len()]] {
            agree(&service, &store, &actors, on, &mut rng);
            let (rows, _) = service
                .queue_slice_by_full_scan(&county, on, QueueSlice::FollowUps, "")
                .unwrap();
            for r in rows {
                kinds.insert(r.due);
            }
        }
        // The change since the write: the changed rows where the full scan puts them.
        for slice in [QueueSlice::FollowUps, QueueSlice::Tier(Tier::One)] {
            let changes = service
                .queue_changes_on(&county, day, since, slice, "")
                .unwrap();
            let (rows, counts) = service
                .queue_slice_by_full_scan(&county, day, slice, "")
                .unwrap();
            assert_eq!(changes.counts, counts, "step {n}");
            assert_eq!(changes.total as usize, rows.len(), "step {n}");
            let changed = changes.changed.expect("within the log's window");
            if let Some(case) = saved {
                assert!(changed.iter().any(|c| c.case == case), "step {n}");
            }
            assert!(!changed.is_empty() || since == changes.seq, "step {n}");
            for c in changed {
                let want = rows
                    .iter()
                    .position(|r| r.case == c.case)
                    .map(|p| (p as u32, rows[p].clone()));
                assert_eq!(c.now, want, "step {n}, case {}", c.case);
            }
            let none = service
                .queue_changes_on(&county, day, changes.seq, slice, "")
                .unwrap();
            assert_eq!(none.changed, Some(vec![]));
        }
        if n % 20 == 0 {
            let report = store.check(&mut ()).unwrap();
            assert!(report.is_sound(), "step {n}: {:?}", report.problems);
        }
    }
    // The walk reached every state of a row.
    for due in [
        Some(yuanzhu::domain::DueStatus::Overdue),
        Some(yuanzhu::domain::DueStatus::DueSoon),
        Some(yuanzhu::domain::DueStatus::Due),
        Some(yuanzhu::domain::DueStatus::Done),
    ] {
        assert!(kinds.contains(&due), "{due:?} never listed: {kinds:?}");
    }
}

#[test]
fn a_store_without_the_index_builds_it_on_the_first_queue_request_and_check_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path(), 30, today()));
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    // The demo's load files its rows; forgetting the basis leaves the tree as a store of
    // the previous version has it.
    assert!(
        store.queue_index_built().unwrap(),
        "the demo's load files its rows"
    );
    store.drop_queue_basis().unwrap();
    assert!(!store.queue_index_built().unwrap());
    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    let service = Service::new(store, Today::Fixed(today()), Settings::default());
    let store = service.store_for_tests().unwrap();
    let before = store.seq().unwrap();
    let county = actor("shenhe", Role::CountyReviewer, None);
    let query = QueueQuery {
        slice: QueueSlice::FollowUps,
        search: String::new(),
        at: QueueAt::First,
        before: 0,
        after: 40,
    };
    let page = service.queue_page_on(&county, today(), &query).unwrap();
    assert_eq!(
        page,
        service
            .queue_page_by_full_scan(&county, today(), &query)
            .unwrap()
    );
    assert!(page.total > 0);
    assert!(store.queue_index_built().unwrap());
    let built = store.audit_entries(before + 1).unwrap();
    assert_eq!(built.len(), 1);
    assert_eq!(built[0].action, "建立回访队列索引");
    assert!(!built[0].bulk[0].records.is_empty(), "each record's hash");
    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    assert!(
        report
            .counts
            .iter()
            .any(|(t, n)| t == "queue_index" && *n > 0)
    );
    // Built once: the next request writes nothing.
    service.queue_page_on(&county, today(), &query).unwrap();
    assert_eq!(store.seq().unwrap(), before + 1);
}

#[test]
fn a_demo_load_files_its_rows_so_the_first_queue_request_builds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 40, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    assert!(store.queue_index_built().unwrap());
    let report = store.check(&mut ()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);
    let before = store.seq().unwrap();
    let county = actor("shenhe", Role::CountyReviewer, None);
    for slice in [
        QueueSlice::FollowUps,
        QueueSlice::InitialReview,
        QueueSlice::AwaitingRecognition,
    ] {
        let query = QueueQuery {
            slice,
            search: String::new(),
            at: QueueAt::First,
            before: 0,
            after: 60,
        };
        let page = service.queue_page_on(&county, today(), &query).unwrap();
        assert!(page.total > 0 || slice != QueueSlice::FollowUps);
        assert_eq!(
            page,
            service
                .queue_page_by_full_scan(&county, today(), &query)
                .unwrap()
        );
    }
    assert_eq!(store.seq().unwrap(), before, "no build, no audit entry");
}

#[test]
fn a_session_behind_the_change_log_or_after_a_bulk_load_is_told_to_reload() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 20, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let county = actor("shenhe", Role::CountyReviewer, None);
    let seq = store.data_seq().unwrap();
    // The demo's load changed everything: no list of rows stands for it.
    let from_start = service
        .queue_changes_on(&county, today(), 0, QueueSlice::FollowUps, "")
        .unwrap();
    assert_eq!(from_start.changed, None);
    assert_eq!(from_start.seq, seq);
    // A session from the future (another store) reloads too.
    let ahead = service
        .queue_changes_on(&county, today(), seq + 5, QueueSlice::FollowUps, "")
        .unwrap();
    assert_eq!(ahead.changed, None);
}

#[test]
fn check_reports_a_tampered_queue_index_entry_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 20, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let county = actor("shenhe", Role::CountyReviewer, None);
    let query = QueueQuery {
        slice: QueueSlice::FollowUps,
        search: String::new(),
        at: QueueAt::First,
        before: 0,
        after: 10,
    };
    service.queue_page_on(&county, today(), &query).unwrap();
    drop(service);
    let gone_case = {
        let db = (0..60)
            .find_map(|_| {
                sled::open(dir.path())
                    .map_err(|_| std::thread::sleep(std::time::Duration::from_millis(50)))
                    .ok()
            })
            .unwrap();
        let tree = db.open_tree("queue_index").unwrap();
        // One case's entry gone, one counter off by one.
        let (ek, _) = tree.scan_prefix(b"e").next().unwrap().unwrap();
        tree.remove(&ek).unwrap();
        let (mk, mv) = tree.scan_prefix(b"m").next().unwrap().unwrap();
        let mut tally: yuanzhu::store::QueueTally = yuanzhu::store::codec::decode(&mv).unwrap();
        tally.count += 1;
        tree.insert(&mk, yuanzhu::store::codec::encode(&tally))
            .unwrap();
        db.flush().unwrap();
        u64::from_be_bytes(ek[1..9].try_into().unwrap())
    };
    let store = Store::open(dir.path(), StoreConfig::default()).unwrap();
    let report = store.check(&mut ()).unwrap();
    assert!(!report.is_sound());
    let all = report.problems.join("\n");
    assert!(
        all.contains(&format!("queue_index/案件 {gone_case} 缺失")),
        "{all}"
    );
    assert!(
        all.contains("queue_index/队列计数 与案件或摘要记录不符"),
        "{all}"
    );
}

#[test]
fn pages_deep_in_a_bigger_county_equal_the_full_scan_at_every_kind_of_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.tiers[0].interval_days = Some(10);
    let service = Service::new(
        common::demo_store(dir.path(), 400, today()),
        Today::Fixed(today()),
        settings,
    );
    let store = service.store_for_tests().unwrap();
    let county = actor("shenhe", Role::CountyReviewer, None);
    let mut rng = Rng(0x5EED_0400);
    // A few of this month's visits dated ahead, so judged rows sit among the ranges.
    for s in store.summaries().unwrap().into_iter().take(40) {
        if s.status == RecognitionStatus::Recognised {
            let date = rng.day(d(2026, 10, 1), 120);
            let a = answers(&mut rng, date);
            store
                .save_followup(&stamp(), "jingban", s.case, s.rev, a, today())
                .unwrap();
        }
    }
    for day in [today(), d(2026, 11, 30), d(2026, 12, 20), d(2026, 10, 5)] {
        for slice in [
            QueueSlice::FollowUps,
            QueueSlice::Tier(Tier::One),
            QueueSlice::ZeroEmployment,
            QueueSlice::Overdue,
        ] {
            let (rows, _) = service
                .queue_slice_by_full_scan(&county, day, slice, "")
                .unwrap();
            let total = rows.len() as u32;
            let mut anchors = vec![QueueAt::First, QueueAt::Last];
            for _ in 0..8 {
                anchors.push(QueueAt::Row(rng.below(total as usize + 1) as u32));
                if let Some(r) = rows.get(rng.below(rows.len())) {
                    anchors.push(QueueAt::Case(r.case));
                }
            }
            for at in anchors {
                let query = QueueQuery {
                    slice,
                    search: String::new(),
                    at,
                    before: rng.below(20) as u16,
                    after: rng.below(40) as u16,
                };
                assert_eq!(
                    service.queue_page_on(&county, day, &query).unwrap(),
                    service
                        .queue_page_by_full_scan(&county, day, &query)
                        .unwrap(),
                    "{day} {query:?}"
                );
            }
        }
    }
}

#[test]
fn a_save_in_one_session_reaches_another_as_the_one_row_that_changed() {
    use yuanzhu::service::{Request, Response};
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 40, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let townships = store.county().unwrap().unwrap().townships;
    let watcher = actor("shenhe", Role::CountyReviewer, None);
    let elsewhere = actor(
        "li",
        Role::TownshipCaseworker,
        Some(townships[1].code.clone()),
    );
    let saver = actor(
        "jingban",
        Role::TownshipCaseworker,
        Some(townships[0].code.clone()),
    );
    let page = |who: &Actor| match service
        .handle(
            who,
            Request::QueuePage(QueueQuery {
                slice: QueueSlice::FollowUps,
                search: String::new(),
                at: QueueAt::First,
                before: 0,
                after: 20,
            }),
        )
        .unwrap()
        .body
    {
        Response::QueuePage(p) => p,
        other => panic!("{other:?}"),
    };
    let seen = page(&watcher);
    let other_seen = page(&elsewhere);
    let row = page(&saver)
        .rows
        .into_iter()
        .find(|r| r.due != Some(yuanzhu::domain::DueStatus::Done))
        .unwrap();
    let saved = service
        .handle(
            &saver,
            Request::SaveFollowUp {
                case: row.case,
                rev: row.rev,
                draft: common::unemployed_visit(today(), row.tier),
            },
        )
        .unwrap();
    assert_eq!(saved.seq, seen.seq + 1);
    let changes = |who: &Actor, since| match service
        .handle(
            who,
            Request::QueueChanges {
                since,
                slice: QueueSlice::FollowUps,
                search: String::new(),
            },
        )
        .unwrap()
        .body
    {
        Response::QueueChanges(c) => c,
        other => panic!("{other:?}"),
    };
    let delta = changes(&watcher, seen.seq);
    let changed = delta.changed.unwrap();
    assert_eq!(changed.len(), 1, "only the saved row: {changed:?}");
    let (at, now) = changed[0].now.clone().unwrap();
    assert_eq!(now.case, row.case);
    assert_eq!(now.rev, row.rev + 1);
    assert_eq!(now.due, Some(yuanzhu::domain::DueStatus::Done));
    let (all, counts) = service
        .queue_slice_by_full_scan(&watcher, today(), QueueSlice::FollowUps, "")
        .unwrap();
    assert_eq!(all[at as usize].case, row.case);
    assert_eq!(delta.counts, counts);
    // Another township's session is not told of the row at all.
    let theirs = changes(&elsewhere, other_seen.seq);
    assert_eq!(theirs.changed, Some(vec![]));
    assert_eq!(theirs.seq, delta.seq);
    // Nothing since: nothing changed.
    assert_eq!(changes(&watcher, delta.seq).changed, Some(vec![]));
}
