//! 第(十三)条 统计 at county scale (issue 15): how long the month's table takes at 2k and 50k
//! households, beside sled's open alone in the same run. Budget at 50k: ≤ 200 ms.
//!
//! The table reads the counters kept at save time (`store::stats_index`), shown beside the
//! walk over every case and household the counters replaced, and beside what a follow-up
//! save costs now that it moves the counters in its transaction. Opening a store without
//! counters (the county just generated, or after an upgrade) builds them once; the open
//! says how long on standard error. Each run works on a copy of the kept county, so its
//! saves never change the next run's.
//!
//! `cargo run --release --example stats_bench [-- --dir DIR --sizes 2000,50000]`. Demo
//! counties are generated once into `DIR/s<households>` and reused.

#[path = "shared/county.rs"]
mod county;
#[path = "shared/visit.rs"]
mod visit;

use chrono::NaiveDate;
use std::path::Path;
use std::time::{Duration, Instant};
use yuanzhu::domain::ledger::{PaidTo, PolicyKind, PolicyRecord};
use yuanzhu::domain::payment::Payment;
use yuanzhu::domain::stats::MonthTable;
use yuanzhu::domain::stats_measure::Measure;
use yuanzhu::domain::{CaseId, RecognitionStatus, Settings, Tier, YearMonth};
use yuanzhu::service::{Request, Response, Service, StatsPeoplePage, StoreConfig, Today};
use yuanzhu::store::Stamp;

type Res<T> = anyhow::Result<T>;

const RUNS: usize = 5;

fn main() -> Res<()> {
    let (dir, sizes) = county::arguments()?;
    println!(
        "| households | sled open | first table | month table (median of {RUNS}) | the walk it replaced | follow-up save (median of {RUNS}) | payment save (median of {RUNS}) | table after the saves | drill-down page (median of {RUNS}) | the walk's page | rows |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for n in sizes {
        let m = measure(&dir, n)?;
        println!(
            "| {n} | {} ms | {} ms | {:.1} ms | {} ms | {:.1} ms | {:.1} ms | {:.1} ms | {} ms | {} ms | {} townships |",
            m.open.as_millis(),
            m.first.as_millis(),
            m.table.as_secs_f64() * 1e3,
            m.walk.as_millis(),
            m.save.as_secs_f64() * 1e3,
            m.payment.as_secs_f64() * 1e3,
            m.after.as_secs_f64() * 1e3,
            m.page.as_millis(),
            m.walk_page.as_millis(),
            m.rows
        );
    }
    Ok(())
}

struct Measured {
    open: Duration,
    first: Duration,
    table: Duration,
    walk: Duration,
    save: Duration,
    payment: Duration,
    after: Duration,
    page: Duration,
    walk_page: Duration,
    rows: usize,
}

fn measure(root: &Path, households: u32) -> Res<Measured> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default();
    county::on_copy(root, households, "run", today, |run| measure_in(run, today))
}

fn measure_in(dir: &Path, today: NaiveDate) -> Res<Measured> {
    let t = Instant::now();
    drop(sled::open(dir)?);
    let open = t.elapsed();
    let service = Service::open(
        dir,
        StoreConfig::default(),
        Today::Fixed(today),
        Settings::default(),
    )?;
    let actor = service.actor_for(yuanzhu::demo::DEMO_REVIEWER)?;
    let month = YearMonth::of(today);
    let t = Instant::now();
    let walked = service.stats_by_walk(&actor, month, None, today)?;
    let walk = t.elapsed();
    // Recognised cases to visit, spread over the county.
    let cases: Vec<(CaseId, Tier)> = service
        .store_for_tests()?
        .summaries()?
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised)
        .step_by(997)
        .take(RUNS)
        .map(|s| (s.case, s.tier))
        .collect();
    // What a terminal's LocalBackend does: the request, answered in this process.
    let table_of = |service: &Service| -> Res<MonthTable> {
        let request = Request::Stats {
            month,
            township: None,
        };
        match service.handle(&actor, request)?.body {
            Response::Stats(table) => Ok(*table),
            _ => anyhow::bail!("unexpected reply"),
        }
    };
    let t = Instant::now();
    let table = table_of(&service)?;
    let first = t.elapsed();
    anyhow::ensure!(table == walked, "the counters disagree with the walk");
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        table_of(&service)?;
        times.push(t.elapsed());
    }
    times.sort();
    let mut saves = Vec::new();
    for (n, &(case, tier)) in cases.iter().enumerate() {
        let rev = match service.handle(&actor, Request::FollowUpForm { case })?.body {
            Response::FollowUpForm(view) => view.rev,
            _ => anyhow::bail!("unexpected reply"),
        };
        let t = Instant::now();
        service.handle(
            &actor,
            Request::SaveFollowUp {
                case,
                rev,
                draft: visit::visit(today, tier, n),
            },
        )?;
        saves.push(t.elapsed());
    }
    saves.sort();
    // A payment registered on a person's ledger (登记补贴发放 as the store writes it), each
    // moving the month's counters of posts and policies in its transaction.
    let store = service.store_for_tests()?;
    let mut payments = Vec::new();
    for (n, &(case, _)) in cases.iter().enumerate() {
        let Some(s) = store.summary(case)? else {
            continue;
        };
        let mut ledger = store.ledger(s.person)?;
        let card = PaidTo::Card(format!("36210019800{n:07}"));
        let mut policy = PolicyRecord {
            kind: PolicyKind::Training,
            from: month,
            to: month,
            amount: 1_500,
            paid_to: card.clone(),
            months: None,
            approved: Some(month),
            benefit_months: Vec::new(),
            payments: Vec::new(),
        };
        policy.payments.push(Payment {
            on: today,
            amount: 1_500,
            from: month,
            to: month,
            paid_to: card,
        });
        ledger.policies.push(policy);
        let (rev, stamp) = (
            ledger.rev,
            Stamp {
                actor: yuanzhu::demo::DEMO_CASEWORKER.into(),
                at: yuanzhu::service::now_cst(),
            },
        );
        let t = Instant::now();
        store.put_ledger(&stamp, &ledger, rev, "登记补贴发放", s.name.clone(), today)?;
        payments.push(t.elapsed());
    }
    payments.sort();
    let t = Instant::now();
    let moved = table_of(&service)?;
    let after = t.elapsed();
    anyhow::ensure!(
        moved == service.stats_by_walk(&actor, month, None, today)?,
        "after the saves the counters disagree with the walk"
    );
    // A page of the drill-down (the rate's persons, 50 a page, as the pane asks), beside
    // the walk it replaced.
    let people = |after: Option<String>| -> Res<StatsPeoplePage> {
        let request = Request::StatsPeople {
            month,
            township: None,
            measure: Measure::Rate,
            after,
            limit: 50,
        };
        match service.handle(&actor, request)?.body {
            Response::StatsPeople(page) => Ok(page),
            _ => anyhow::bail!("unexpected reply"),
        }
    };
    let mut pages = Vec::new();
    let mut from = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let p = people(from.clone())?;
        pages.push(t.elapsed());
        from = p.next;
    }
    pages.sort();
    let t = Instant::now();
    let walked =
        service.stats_people_by_walk(&actor, month, None, Measure::Rate, None, 50, today)?;
    let walk_page = t.elapsed();
    anyhow::ensure!(
        walked == people(None)?,
        "the drill-down disagrees with the walk"
    );
    Ok(Measured {
        page: pages[RUNS / 2],
        walk_page,
        open,
        first,
        table: times[RUNS / 2],
        walk,
        save: saves[saves.len() / 2],
        payment: payments
            .get(payments.len() / 2)
            .copied()
            .unwrap_or_default(),
        after,
        rows: table.rows.len(),
    })
}
