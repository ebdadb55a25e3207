//! What a queue page costs from the index at 2,000 and 50,000 households (issue 12, item
//! 1), beside the full scan it replaced, in the same run: medians of 5, in-process, one
//! county reviewer (every township, the k-way merge at its widest).
//!
//! ```sh
//! cargo run --release --example queue_pages -- [--dir DIR] [--sizes 2000,50000]
//! ```
//!
//! Counties are kept in `--dir` (default `<temp>/yuanzhu-queue-pages`) as `q<households>`
//! and reused; the first run of a size generates it and then builds its index (the build's
//! time is printed). Saves made by the bench stay in the kept county.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use yuanzhu::domain::followup::{ContactMethod, FollowUpAnswers, WorkStatus};
use yuanzhu::domain::{RecognitionStatus, Role, Settings};
use yuanzhu::service::protocol::{QueueAt, QueueQuery, QueueSlice};
use yuanzhu::service::{Actor, Service, Today};
use yuanzhu::store::{Stamp, Store, StoreConfig};

const RUNS: usize = 5;

fn median(mut f: impl FnMut()) -> Duration {
    let mut all: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    all.sort();
    all[RUNS / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn stamp() -> Stamp {
    Stamp {
        actor: yuanzhu::demo::DEMO_REVIEWER.into(),
        at: yuanzhu::service::now_cst(),
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = std::env::temp_dir().join("yuanzhu-queue-pages");
    let mut sizes = vec![2_000u32, 50_000];
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dir" => dir = PathBuf::from(args.next().unwrap_or_default()),
            "--sizes" => {
                sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    std::fs::create_dir_all(&dir)?;
    let mut table: Vec<(u32, Vec<(&'static str, String)>)> = Vec::new();
    for n in sizes {
        eprintln!("— {n} 户 —");
        let at = dir.join(format!("q{n}"));
        let fresh = !Store::exists(&at);
        let store = Store::open(&at, StoreConfig::default())?;
        let mut generation = "(kept)".to_string();
        if fresh {
            let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default();
            let t = Instant::now();
            yuanzhu::demo::generate(
                &store,
                &yuanzhu::demo::DemoSpec {
                    households: n,
                    today,
                    lists: true,
                },
                &stamp(),
            )?;
            eprintln!("生成 {:.1} 秒", t.elapsed().as_secs_f64());
            generation = ms(t.elapsed());
        }
        let today = store
            .county()?
            .map(|c| c.created_on)
            .ok_or_else(|| anyhow::anyhow!("no county"))?;
        let service = Service::new(store, Today::Fixed(today), Settings::default());
        let store = service.store_for_tests()?;
        let reviewer = Actor {
            user: yuanzhu::demo::DEMO_REVIEWER.into(),
            role: Role::CountyReviewer,
            township: None,
        };
        let page = |slice, search: &str, at| QueueQuery {
            slice,
            search: search.into(),
            at,
            before: 30,
            after: 30,
        };
        let first = page(QueueSlice::FollowUps, "", QueueAt::First);
        let t = Instant::now();
        let built = service.queue_page_on(&reviewer, today, &first)?;
        let build = t.elapsed();
        let total = built.total;
        let mid = service.queue_page_on(
            &reviewer,
            today,
            &page(QueueSlice::FollowUps, "", QueueAt::Row(total / 2)),
        )?;
        let mid_case = mid.rows.get(mid.at.unwrap_or(0) as usize).map(|r| r.case);
        let mut rows = vec![
            ("queue rows (回访)", total.to_string()),
            ("demo generation (files the index)", generation),
            ("first request (index already filed)", ms(build)),
        ];
        let cases: Vec<(&'static str, QueueQuery)> = vec![
            ("page at First", first.clone()),
            (
                "page at Last",
                page(QueueSlice::FollowUps, "", QueueAt::Last),
            ),
            (
                "page at Row(middle)",
                page(QueueSlice::FollowUps, "", QueueAt::Row(total / 2)),
            ),
            (
                "page at Case(middle)",
                page(
                    QueueSlice::FollowUps,
                    "",
                    mid_case.map_or(QueueAt::First, QueueAt::Case),
                ),
            ),
            (
                "page of 逾期",
                page(QueueSlice::Overdue, "", QueueAt::First),
            ),
            (
                "page of 待认定",
                page(QueueSlice::AwaitingRecognition, "", QueueAt::First),
            ),
            (
                "search 'zh', First",
                page(QueueSlice::FollowUps, "zh", QueueAt::First),
            ),
            (
                "search '1234', First",
                page(QueueSlice::FollowUps, "1234", QueueAt::First),
            ),
        ];
        for (name, q) in &cases {
            let d = median(|| {
                service.queue_page_on(&reviewer, today, q).unwrap();
            });
            rows.push((name, ms(d)));
        }
        let d = median(|| {
            service
                .queue_page_by_full_scan(&reviewer, today, &first)
                .unwrap();
        });
        rows.push(("anchor: full scan page at First", ms(d)));
        // A save, then what a watching session asks.
        let s = store
            .summaries()?
            .into_iter()
            .find(|s| s.status == RecognitionStatus::Recognised)
            .ok_or_else(|| anyhow::anyhow!("no recognised case"))?;
        let since = store.data_seq()?;
        let answers = FollowUpAnswers {
            date: today,
            method: ContactMethod::Phone,
            work_status: WorkStatus::Unemployed,
            employment: None,
            willing_to_work: true,
            needs: vec![],
            services: String::new(),
            plan: String::new(),
            next_contact: today,
            outcome: yuanzhu::domain::followup::ContactOutcome::Reached,
        };
        let t = Instant::now();
        store.save_followup(&stamp(), "bench", s.case, s.rev, answers, today)?;
        rows.push(("save_followup (store, with index)", ms(t.elapsed())));
        let d = median(|| {
            service
                .queue_changes_on(&reviewer, today, since, QueueSlice::FollowUps, "")
                .unwrap();
        });
        rows.push(("QueueChanges after one save", ms(d)));
        // A store of the previous version: the index built whole, in batches.
        store.drop_queue_basis()?;
        let t = Instant::now();
        service.queue_page_on(&reviewer, today, &first)?;
        rows.push(("rebuild whole (basis dropped)", ms(t.elapsed())));
        table.push((n, rows));
        drop(store);
        drop(service);
    }
    let Some((_, first)) = table.first() else {
        return Ok(());
    };
    print!("| step |");
    for (n, _) in &table {
        print!(" {n} |");
    }
    println!();
    print!("|---|");
    for _ in &table {
        print!("---|");
    }
    println!();
    for (i, (name, _)) in first.iter().enumerate() {
        print!("| {name} |");
        for (_, rows) in &table {
            print!(" {} |", rows[i].1);
        }
        println!();
    }
    Ok(())
}
