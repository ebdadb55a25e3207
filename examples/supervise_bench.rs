//! 监督 (第(十四)条) at county scale: how long a month's findings take at 2k and 50k
//! households, and what a follow-up save and a payment save cost, in the same run.
//!
//! The findings are read from what is kept at save time (`store::supervise_index`) plus
//! the month's audit entries, shown beside the walk over every summary, ledger and
//! follow-up it replaced (`Service::supervise_by_walk`), and checked against it before and
//! after the saves. A save keeps the index in its own transaction, so the save's figure
//! is what the index costs a caseworker. Opening a store without the index (the county
//! just generated, or after an upgrade) builds it once, with the other derived trees: the
//! open's figure holds that, and the open says how long on standard error. Each run works
//! on a copy of the kept county, so its saves never change the next run's.
//!
//! `cargo run --release --example supervise_bench [-- --dir DIR --sizes 2000,50000]`. Demo
//! counties are generated once into `DIR/s<households>` and reused (the same layout as
//! `stats_bench`, so one `--dir` serves both).

#[path = "shared/county.rs"]
mod county;
#[path = "shared/visit.rs"]
mod visit;

use chrono::NaiveDate;
use std::path::Path;
use std::time::{Duration, Instant};
use yuanzhu::domain::ledger::{EntryKind, LedgerDraft};
use yuanzhu::domain::{CaseSummary, RecognitionStatus, Settings, YearMonth};
use yuanzhu::service::{Actor, Request, Response, Service, StoreConfig, Today};

type Res<T> = anyhow::Result<T>;

const RUNS: usize = 5;

fn main() -> Res<()> {
    let (dir, sizes) = county::arguments()?;
    println!(
        "| households | open | month's findings (median of {RUNS}) | the walk it replaced | findings | follow-up save (median of {RUNS}) | payment save (median of {RUNS}) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for n in sizes {
        let m = measure(&dir, n)?;
        println!(
            "| {n} | {} ms | {:.2} ms | {} ms | {} | {:.1} ms | {:.1} ms |",
            m.open.as_millis(),
            m.findings.as_secs_f64() * 1e3,
            m.walk.as_millis(),
            m.count,
            m.followup.as_secs_f64() * 1e3,
            m.payment.as_secs_f64() * 1e3,
        );
    }
    Ok(())
}

struct Measured {
    open: Duration,
    findings: Duration,
    walk: Duration,
    count: u32,
    followup: Duration,
    payment: Duration,
}

fn measure(root: &Path, households: u32) -> Res<Measured> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default();
    county::on_copy(root, households, "sup", today, |run| measure_in(run, today))
}

/// The month's first page, as the 监督 pane asks for it; its total.
fn findings(service: &Service, actor: &Actor, month: YearMonth) -> Res<u32> {
    let request = Request::Supervise {
        month,
        after: None,
        limit: 50,
    };
    match service.handle(actor, request)?.body {
        Response::Supervise(page) => Ok(page.total),
        _ => anyhow::bail!("unexpected reply"),
    }
}

fn ledger_rev(service: &Service, actor: &Actor, s: &CaseSummary) -> Res<u64> {
    match service
        .handle(actor, Request::Ledger { person: s.person })?
        .body
    {
        Response::Ledger(v) => Ok(v.ledger.rev),
        _ => anyhow::bail!("unexpected reply"),
    }
}

fn measure_in(dir: &Path, today: NaiveDate) -> Res<Measured> {
    let t = Instant::now();
    let service = Service::open(
        dir,
        StoreConfig::default(),
        Today::Fixed(today),
        Settings::default(),
    )?;
    let open = t.elapsed();
    let actor = service.actor_for(yuanzhu::demo::DEMO_REVIEWER)?;
    let month = YearMonth::of(today);
    let count = findings(&service, &actor, month)?;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        findings(&service, &actor, month)?;
        times.push(t.elapsed());
    }
    times.sort();
    let t = Instant::now();
    let walked = service.supervise_by_walk(&actor, month)?;
    let walk = t.elapsed();
    anyhow::ensure!(
        walked.len() == count as usize,
        "the index and the walk disagree"
    );
    // Recognised persons to visit and pay, spread over the county.
    let people: Vec<CaseSummary> = service
        .store_for_tests()?
        .summaries()?
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised)
        .step_by(997)
        .take(RUNS)
        .collect();
    let mut followups = Vec::new();
    let mut payments = Vec::new();
    for (n, s) in people.iter().enumerate() {
        let rev = match service
            .handle(&actor, Request::FollowUpForm { case: s.case })?
            .body
        {
            Response::FollowUpForm(view) => view.rev,
            _ => anyhow::bail!("unexpected reply"),
        };
        let t = Instant::now();
        service.handle(
            &actor,
            Request::SaveFollowUp {
                case: s.case,
                rev,
                draft: visit::visit(today, s.tier, n),
            },
        )?;
        followups.push(t.elapsed());
        // A policy to pay (not timed), then its payment (timed).
        let card = format!("3607{n:014}");
        let rev = ledger_rev(&service, &actor, s)?;
        let values = [
            "4", "2026-10", "2026-11", "300", &card, "", "2026-10", "", "",
        ];
        service.handle(
            &actor,
            Request::AddLedgerEntry {
                person: s.person,
                rev,
                entry: LedgerDraft::typed(EntryKind::Policy, &values),
            },
        )?;
        let (rev, policy) = match service
            .handle(&actor, Request::Ledger { person: s.person })?
            .body
        {
            Response::Ledger(v) => (v.ledger.rev, v.ledger.policies.len().saturating_sub(1)),
            _ => anyhow::bail!("unexpected reply"),
        };
        let values = ["2026-11-10", "300", "2026-11", "2026-11", &card, ""];
        let t = Instant::now();
        service.handle(
            &actor,
            Request::AddPayment {
                person: s.person,
                rev,
                policy: u32::try_from(policy)?,
                entry: LedgerDraft::typed(EntryKind::Payment, &values),
            },
        )?;
        payments.push(t.elapsed());
    }
    followups.sort();
    payments.sort();
    anyhow::ensure!(
        findings(&service, &actor, month)? as usize
            == service.supervise_by_walk(&actor, month)?.len(),
        "after the saves the index and the walk disagree"
    );
    Ok(Measured {
        open,
        findings: times[RUNS / 2],
        walk,
        count,
        followup: followups[followups.len() / 2],
        payment: payments[payments.len() / 2],
    })
}
