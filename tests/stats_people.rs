//! 统计 drilled down (第(十三)条, R-STAT-1) on a small demo store: for each measure drilled,
//! the people listed over every page are as many as the table's figure, per township and for
//! the county; pages follow each other by stable key without repeats; a township caseworker
//! is refused another township's list.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use yuanzhu::domain::stats::MonthTable;
use yuanzhu::domain::stats_measure::Measure;
use yuanzhu::domain::{Role, Settings, TownshipCode, WorkStatus, YearMonth};
use yuanzhu::service::{
    Actor, Request, Response, Service, ServiceError, StatsPeoplePage, StatsPerson, Today,
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn county() -> Actor {
    Actor {
        user: "shenhe".into(),
        role: Role::CountyReviewer,
        township: None,
    }
}

fn table(service: &Service, actor: &Actor, month: YearMonth) -> MonthTable {
    let request = Request::Stats {
        month,
        township: None,
    };
    match service.handle(actor, request).unwrap().body {
        Response::Stats(table) => *table,
        other => panic!("unexpected reply {other:?}"),
    }
}

fn page(
    service: &Service,
    actor: &Actor,
    month: YearMonth,
    township: Option<&TownshipCode>,
    measure: Measure,
    after: Option<String>,
    limit: u32,
) -> Result<StatsPeoplePage, ServiceError> {
    let request = Request::StatsPeople {
        month,
        township: township.cloned(),
        measure,
        after,
        limit,
    };
    match service.handle(actor, request)?.body {
        Response::StatsPeople(page) => Ok(page),
        other => panic!("unexpected reply {other:?}"),
    }
}

/// Every page of a figure, `limit` at a time: the people, and each page's `total`.
fn every_page(
    service: &Service,
    actor: &Actor,
    month: YearMonth,
    township: Option<&TownshipCode>,
    measure: Measure,
    limit: u32,
) -> (Vec<StatsPerson>, u32) {
    let mut all = Vec::new();
    let mut after = None;
    let mut total = None;
    loop {
        let p = page(service, actor, month, township, measure, after, limit).unwrap();
        assert!(p.people.len() <= limit as usize);
        assert!(*total.get_or_insert(p.total) == p.total, "the total holds");
        all.extend(p.people);
        match p.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    (all, total.unwrap_or(0))
}

const MEASURES: [Measure; 8] = [
    Measure::AtEnd,
    Measure::New,
    Measure::FollowupsOverdue,
    Measure::FollowupsDone,
    Measure::Rate,
    Measure::RateNumerator,
    Measure::Status(WorkStatus::Unemployed),
    Measure::ZeroAtEnd,
];

#[test]
fn the_people_listed_over_every_page_are_the_figure_per_township_and_for_the_county() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let actor = county();
    // November running and October over: the follow-up figures differ between them.
    for month in [
        YearMonth::new(2026, 11).unwrap(),
        YearMonth::new(2026, 10).unwrap(),
    ] {
        let t = table(&service, &actor, month);
        for measure in MEASURES {
            let (all, total) = every_page(&service, &actor, month, None, measure, 7);
            let figure = measure.count(&t.total);
            assert_eq!(
                all.len() as u32,
                figure,
                "{month:?} {measure:?}: the county"
            );
            assert_eq!(total, figure, "{month:?} {measure:?}");
            let mut keys: Vec<&str> = all.iter().map(|p| p.key.as_str()).collect();
            let listed = keys.clone();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys, listed, "{measure:?}: pages in key order, none twice");
            assert!(
                all.iter()
                    .all(|p| p.case.is_some() != measure.counts_households()),
                "{measure:?}: persons, or households for the zero-employment figures"
            );
            for row in &t.rows {
                let (mine, _) =
                    every_page(&service, &actor, month, Some(&row.township), measure, 3);
                assert_eq!(
                    mine.len() as u32,
                    measure.count(&row.counts),
                    "{month:?} {measure:?}: {}",
                    row.name
                );
                assert!(mine.iter().all(|p| p.township == row.township));
            }
        }
    }
    // The demo gives the figures drilled something to list.
    let t = table(&service, &actor, YearMonth::new(2026, 11).unwrap());
    for measure in [Measure::AtEnd, Measure::Rate, Measure::ZeroAtEnd] {
        assert!(measure.count(&t.total) > 0, "{measure:?}");
    }
}

#[test]
fn a_page_is_capped_and_names_are_shown_with_the_id_masked() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let month = YearMonth::new(2026, 11).unwrap();
    let p = page(
        &service,
        &county(),
        month,
        None,
        Measure::AtEnd,
        None,
        u32::MAX,
    )
    .unwrap();
    assert!(p.people.len() <= yuanzhu::service::stats_people::STATS_PEOPLE_PAGE_MAX as usize);
    let first = p.people.first().unwrap();
    assert!(first.id_masked.contains("**********"), "{first:?}");
    assert!(!first.name.is_empty() && !first.township_name.is_empty());
    // A zero limit still answers with a page, not an empty list that never ends.
    let one = page(&service, &county(), month, None, Measure::AtEnd, None, 0).unwrap();
    assert_eq!(one.people.len(), 1);
}

#[test]
fn a_township_caseworker_lists_their_own_township_and_is_refused_another() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 60, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let month = YearMonth::new(2026, 11).unwrap();
    let t = table(&service, &county(), month);
    let own = t.rows[0].township.clone();
    let caseworker = Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(own.clone()),
    };
    let (mine, _) = every_page(&service, &caseworker, month, None, Measure::AtEnd, 50);
    assert_eq!(mine.len() as u32, t.rows[0].counts.at_end);
    assert!(mine.iter().all(|p| p.township == own));
    let other = t.rows[1].township.clone();
    let refused = page(
        &service,
        &caseworker,
        month,
        Some(&other),
        Measure::AtEnd,
        None,
        50,
    );
    assert!(
        matches!(refused, Err(ServiceError::Denied(_))),
        "{refused:?}"
    );
}

/// Every measure the table drills, each work status and the persons at the month's start.
fn every_measure() -> Vec<Measure> {
    let mut all = vec![
        Measure::AtStart,
        Measure::New,
        Measure::Exited,
        Measure::AtEnd,
        Measure::InWork,
        Measure::Rate,
        Measure::RateNumerator,
        Measure::RateDenominator,
        Measure::HelpedThisYear,
        Measure::ZeroAtEnd,
        Measure::ZeroFound,
        Measure::ZeroCleared,
        Measure::ZeroPastDeadline,
        Measure::FollowupsDue,
        Measure::FollowupsDone,
        Measure::FollowupsOverdue,
    ];
    all.extend(WorkStatus::ALL.map(Measure::Status));
    all
}

/// Every page of a figure, by the kept entries and by the walk over every case: the same
/// people, in the same pages, with the same totals.
fn lists_agree(service: &Service, actor: &Actor, month: YearMonth, what: &str) {
    for measure in every_measure() {
        let mut after: Option<String> = None;
        loop {
            let kept = page(service, actor, month, None, measure, after.clone(), 37).unwrap();
            let walked = service
                .stats_people_by_walk(actor, month, None, measure, after.as_deref(), 37, today())
                .unwrap();
            assert_eq!(
                kept, walked,
                "{what}: {month:?} {measure:?} after {after:?}"
            );
            match kept.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
    }
}

/// The list reads each case's and household's kept entries, not the cases: it must list
/// exactly whom the walk over every record lists, for every measure and month, and again
/// after follow-ups that move people between figures.
#[test]
fn the_list_from_the_kept_entries_is_the_walks_for_every_measure_and_month() {
    use yuanzhu::domain::followup::{ContactMethod, ContactOutcome, Employment, FollowUpAnswers};
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 40, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let actor = county();
    let months = [
        (2025, 12),
        (2026, 1),
        (2026, 6),
        (2026, 10),
        (2026, 11),
        (2026, 12),
    ]
    .map(|(y, m)| YearMonth::new(y, m).unwrap());
    for m in months {
        lists_agree(&service, &actor, m, "as generated");
    }
    let store = service.store_for_tests().unwrap();
    let stamp = yuanzhu::store::Stamp {
        actor: "jingban".into(),
        at: yuanzhu::service::now_cst(),
    };
    let recognised: Vec<_> = store
        .summaries()
        .unwrap()
        .into_iter()
        .filter(|s| s.status == yuanzhu::domain::RecognitionStatus::Recognised)
        .step_by(5)
        .take(12)
        .collect();
    for (n, s) in recognised.iter().enumerate() {
        let date = today() - chrono::Days::new(n as u64);
        let employed = n % 2 == 0;
        let answers = FollowUpAnswers {
            date,
            method: ContactMethod::HomeVisit,
            work_status: if employed {
                WorkStatus::Employed
            } else {
                WorkStatus::Unemployed
            },
            employment: employed.then(|| Employment {
                employer: "于都县某服装厂".into(),
                contract_signed: true,
                social_insurance_paid: true,
                monthly_wage: 2800,
            }),
            willing_to_work: true,
            needs: vec![],
            services: String::new(),
            plan: String::new(),
            next_contact: date,
            outcome: ContactOutcome::Reached,
        };
        store
            .save_followup(&stamp, "jingban", s.case, s.rev, answers, today())
            .unwrap();
    }
    for m in months {
        lists_agree(&service, &actor, m, "after the follow-ups");
    }
}
