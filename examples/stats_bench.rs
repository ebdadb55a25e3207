//! 第(十三)条 统计 at county scale (issue 15): how long the month's table takes at 2k and 50k
//! households, beside sled's open alone in the same run. Budget at 50k: ≤ 200 ms.
//!
//! The table reads the counters kept at save time (`store::stats_index`); the first table
//! on a store without them builds them (once, as after an upgrade), which is shown apart,
//! beside the walk over every case and household the counters replaced.
//!
//! `cargo run --release --example stats_bench [-- --dir DIR --sizes 2000,50000]`. Demo
//! counties are generated once into `DIR/s<households>` and reused.

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use yuanzhu::domain::{Settings, YearMonth};
use yuanzhu::service::{Client, LocalBackend, Service, StoreConfig, Today};

type Res<T> = anyhow::Result<T>;

const RUNS: usize = 5;

fn main() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = std::env::temp_dir().join("yuanzhu-stats");
    let mut sizes = vec![2_000u32, 50_000];
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dir" => dir = PathBuf::from(args.next().unwrap_or_default()),
            "--sizes" => {
                sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|s| s.parse().ok())
                    .collect()
            }
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    println!(
        "| households | sled open | first table (builds the counters) | month table (median of {RUNS}) | the walk it replaced | rows |"
    );
    println!("|---|---|---|---|---|---|");
    for n in sizes {
        let m = measure(&dir, n)?;
        println!(
            "| {n} | {} ms | {} ms | {:.1} ms | {} ms | {} townships |",
            m.open.as_millis(),
            m.first.as_millis(),
            m.table.as_secs_f64() * 1e3,
            m.walk.as_millis(),
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
    rows: usize,
}

fn measure(root: &Path, households: u32) -> Res<Measured> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default();
    let dir = root.join(format!("s{households}"));
    if !dir.exists() {
        eprintln!("生成演示县 {households} 户……");
        let t = Instant::now();
        yuanzhu::service::bootstrap::generate_demo(
            &dir,
            households,
            today,
            &yuanzhu::remote::login_name(),
        )?;
        eprintln!("生成用时 {:.1} s", t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    drop(sled::open(&dir)?);
    let open = t.elapsed();
    let service = Service::open(
        &dir,
        StoreConfig::default(),
        Today::Fixed(today),
        Settings::default(),
    )?;
    let actor = service.actor_for(yuanzhu::demo::DEMO_REVIEWER)?;
    let month = YearMonth::of(today);
    let t = Instant::now();
    let walked = service.stats_by_walk(&actor, month, None, today)?;
    let walk = t.elapsed();
    let mut client = Client::new(Box::new(LocalBackend::new(service, actor)));
    let t = Instant::now();
    let table = client.stats(month, None)?;
    let first = t.elapsed();
    anyhow::ensure!(*table == walked, "the counters disagree with the walk");
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        client.stats(month, None)?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok(Measured {
        open,
        first,
        table: times[RUNS / 2],
        walk,
        rows: table.rows.len(),
    })
}
