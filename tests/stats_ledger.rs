//! 统计 of what the ledger and the lists hold (issue 15, item 1; 第(十三)条): public-welfare
//! posts held at a month's end, persons and yuan paid by policy and to a card or a unit
//! account (R-GOV-1, from the dated payments), and leads by source and disposition
//! (R-DISCOVER-1). Kept at save time like the cases' figures: after random payments,
//! posts, imports and dispositions — some dated in months already closed — every open
//! month's table equals the walk over every ledger and lead, a closed month keeps the
//! table it closed with, `check` accepts the index, and each figure's list has as many
//! people as the figure, each of them a person (or lead) it counts.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::months::{agree, months};

use chrono::NaiveDate;
use common::seeded::Rng;
use std::collections::BTreeMap;
use yuanzhu::domain::lead::{Disposition, Lead, LeadSource, RowFacts};
use yuanzhu::domain::ledger::{PaidTo, PolicyKind, PolicyRecord, PostRecord};
use yuanzhu::domain::payment::Payment;
use yuanzhu::domain::post::{Placement, PostType};
use yuanzhu::domain::stats_measure::Measure;
use yuanzhu::domain::{IdNumber, Role, Settings, YearMonth};
use yuanzhu::service::{Actor, Request, Response, Service, StatsPeoplePage, Today};
use yuanzhu::store::{Stamp, Store};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 16)
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

fn reviewer() -> Actor {
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

/// The months the tests read: the year and the first months of the next.
fn span() -> Vec<YearMonth> {
    months(ym(2026, 1), ym(2027, 3))
}

fn post(start: NaiveDate, kind: PostType) -> PostRecord {
    PostRecord {
        placement: Placement {
            post_type: kind,
            employer: "于都县贡江镇人民政府".into(),
            start,
            end: start + chrono::Days::new(400),
            post_subsidy: 1_200,
            insurance_subsidy: 380,
        },
        ended: None,
    }
}

fn policy(kind: PolicyKind) -> PolicyRecord {
    PolicyRecord {
        kind,
        from: ym(2026, 1),
        to: ym(2026, 12),
        amount: 50_000,
        paid_to: PaidTo::Card("360731000000123".into()),
        months: None,
        approved: Some(ym(2026, 1)),
        benefit_months: Vec::new(),
        payments: Vec::new(),
    }
}

fn lead(seq: u16, source: LeadSource, township: Option<yuanzhu::domain::TownshipCode>) -> Lead {
    let id_number = IdNumber::compose("360731", d(1978, 4, 2), seq).unwrap();
    Lead {
        id: 0,
        source,
        sex: id_number.sex(),
        id_number,
        converted_from_15: false,
        name: format!("线索{seq}"),
        phone: None,
        address: "于都县".into(),
        village: None,
        township,
        facts: RowFacts::default(),
        list_date: d(2026, 10, 20),
        row: u32::from(seq) + 1,
        last_seen: d(2026, 10, 20),
        contact_deadline: None,
        disposition: Disposition::ToContact,
        disposition_on: None,
        history: Vec::new(),
        note: String::new(),
        person: None,
        rev: 1,
    }
}

/// Imports `leads` as one list, through the staging an import uses.
fn import(store: &Store, leads: Vec<Lead>) {
    let id = store.new_import().unwrap();
    let numbered: Vec<Lead> = leads
        .into_iter()
        .map(|mut l| {
            l.id = store.new_import().unwrap();
            l
        })
        .collect();
    store.stage_leads(id, &numbered).unwrap();
    store
        .publish_import(
            id,
            LeadSource::Dibao,
            d(2026, 10, 20),
            &stamp(),
            "测试名单".into(),
        )
        .unwrap();
}

/// The first page of a figure's list, for the county, as a front asks for it.
fn page(service: &Service, month: YearMonth, measure: Measure, limit: u32) -> StatsPeoplePage {
    let request = Request::StatsPeople {
        month,
        township: None,
        measure,
        after: None,
        limit,
    };
    match service.handle(&reviewer(), request).unwrap().body {
        Response::StatsPeople(page) => page,
        other => panic!("unexpected reply {other:?}"),
    }
}

/// Every figure of the ledger's and the leads' groups, for the county.
fn figures() -> Vec<Measure> {
    yuanzhu::domain::stats_columns::groups()
        .iter()
        .flat_map(|g| g.columns.iter().map(|c| c.measure))
        .collect()
}

#[test]
fn posts_payments_and_leads_are_counted_at_save_time_as_the_walk_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_county(dir.path(), 40, today(), true),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let county = store.county().unwrap().unwrap();
    let townships: Vec<_> = county.townships.iter().map(|t| t.code.clone()).collect();
    let caseworker = Actor {
        user: "jingban".into(),
        role: Role::TownshipCaseworker,
        township: Some(townships[0].clone()),
    };
    let actors = [reviewer(), caseworker];
    let people: Vec<_> = store
        .summaries()
        .unwrap()
        .into_iter()
        .map(|s| s.person)
        .collect();
    // Leads in two townships and one with none (未分配), from two sources.
    import(
        &store,
        (0..12)
            .map(|i| {
                let source = if i % 3 == 0 {
                    LeadSource::Disabled
                } else {
                    LeadSource::Dibao
                };
                let township = (i % 4 != 3).then(|| townships[usize::from(i) % 2].clone());
                lead(100 + i, source, township)
            })
            .collect(),
    );
    let mut closed = BTreeMap::new();
    agree(&service, &actors, (today(), &span()), &mut closed, 0);
    let mut rng = Rng(0x5EED_0151);
    let mut backdated = 0;
    for step in 1..=40 {
        match rng.below(3) {
            // A payment, dated from July to today: some in closed months.
            0 => {
                let person = people[rng.below(people.len())];
                let mut l = store.ledger(person).unwrap();
                if l.policies.is_empty() {
                    l.policies.push(policy(PolicyKind::ALL[rng.below(5)]));
                }
                let on = rng.day(d(2026, 7, 1), 139);
                backdated += usize::from(on < d(2026, 11, 1));
                let paid_to = if rng.below(2) == 0 {
                    PaidTo::Card("360731000000123".into())
                } else {
                    PaidTo::UnitAccount("6217000012345".into())
                };
                let at = rng.below(l.policies.len());
                l.policies[at].payments.push(Payment {
                    on,
                    amount: 100 + u32::try_from(rng.below(900)).unwrap(),
                    from: YearMonth::of(on),
                    to: YearMonth::of(on),
                    paid_to,
                });
                let rev = l.rev;
                store
                    .put_ledger(&stamp(), &l, rev, "登记补贴发放", "测试".into(), today())
                    .unwrap();
            }
            // A post, started from August on.
            1 => {
                let person = people[rng.below(people.len())];
                let mut l = store.ledger(person).unwrap();
                let kind = PostType::ALL[rng.below(2)];
                l.posts.push(post(rng.day(d(2026, 8, 1), 100), kind));
                let rev = l.rev;
                store
                    .put_ledger(&stamp(), &l, rev, "公益性岗位安置", "测试".into(), today())
                    .unwrap();
            }
            // A disposition of a lead, dated from its list date to today.
            _ => {
                let leads = store.all_leads().unwrap();
                let mut l = leads[rng.below(leads.len())].clone();
                let rev = l.rev;
                let disposition = [
                    Disposition::Contacted,
                    Disposition::NotEligible,
                    Disposition::Refused,
                ][rng.below(3)];
                let on = rng.day(l.list_date, 27);
                l.dispose(disposition, on, "电话联系，核实情况", today())
                    .unwrap();
                store.save_lead(&stamp(), &l, rev, today()).unwrap();
            }
        }
        agree(&service, &actors, (today(), &span()), &mut closed, step);
    }
    assert!(backdated > 0, "some payments fell in closed months");
    let report = store.check_on(&mut (), today()).unwrap();
    assert!(report.is_sound(), "{:?}", report.problems);

    // Every figure's list has as many people as the figure, and is the walk's list.
    let nov = ym(2026, 11);
    let table = service.stats_on(&reviewer(), nov, None, today()).unwrap();
    let mut listed = 0;
    for m in figures() {
        let page = page(&service, nov, m, 200);
        assert_eq!(page.total, m.count(&table.total), "{m:?}");
        let walked = service
            .stats_people_by_walk(&reviewer(), nov, None, m, None, 200, today())
            .unwrap();
        assert_eq!(page, walked, "{m:?}");
        listed += page.people.len();
    }
    assert!(
        listed > 0,
        "the figures are not all zero: {:?}",
        table.total
    );
    // The demo's lists and the one imported here, every lead found by November's end.
    let leads = store
        .all_leads()
        .unwrap()
        .into_iter()
        .filter(|l| l.person.is_none() && l.list_date <= d(2026, 11, 30))
        .count();
    assert_eq!(
        table.total.leads_total() as usize,
        leads,
        "{:?}",
        table.total
    );
    assert!(
        table.rows.last().is_some_and(|r| r.name == "未分配"),
        "未分配 comes last"
    );
}

#[test]
fn a_payment_dated_in_a_closed_month_leaves_its_table_as_it_closed_and_its_list_names_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::new(
        common::demo_store(dir.path(), 20, today()),
        Today::Fixed(today()),
        Settings::default(),
    );
    let store = service.store_for_tests().unwrap();
    let person = store.summaries().unwrap()[0].person;
    let october = ym(2026, 10);
    let before = service
        .stats_on(&reviewer(), october, None, today())
        .unwrap();
    let mut l = store.ledger(person).unwrap();
    let mut p = policy(PolicyKind::Training);
    p.payments.push(Payment {
        on: d(2026, 10, 31),
        amount: 800,
        from: october,
        to: october,
        paid_to: PaidTo::Card("360731000000999".into()),
    });
    l.policies.push(p);
    let rev = l.rev;
    store
        .put_ledger(&stamp(), &l, rev, "政策享受", "测试".into(), today())
        .unwrap();
    // October closed on 5 November: its table is what it was.
    let after = service
        .stats_on(&reviewer(), october, None, today())
        .unwrap();
    assert_eq!(before, after);
    // The walk, and a build from the records, count the payment where it is dated.
    let walked = service
        .stats_by_walk(&reviewer(), october, None, today())
        .unwrap();
    assert_eq!(
        walked.total.paid_yuan[3] - before.total.paid_yuan[3],
        800,
        "{walked:?}"
    );
    let again = page(&service, october, Measure::Paid(PolicyKind::Training), 50);
    assert!(
        again.people.iter().any(|p| p.reason.contains("800 元")),
        "{again:?}"
    );
}
