//! 第(十三)条 统计 at county scale (issue 15): how long the month's table takes at 2k and 50k
//! households, beside sled's open alone in the same run. Budget at 50k: ≤ 200 ms.
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
    println!("| households | sled open | month table (median of {RUNS}) | rows |");
    println!("|---|---|---|---|");
    for n in sizes {
        let (open, table, rows) = measure(&dir, n)?;
        println!(
            "| {n} | {} ms | {} ms | {rows} townships |",
            open.as_millis(),
            table.as_millis()
        );
    }
    Ok(())
}

fn measure(root: &Path, households: u32) -> Res<(Duration, Duration, usize)> {
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
    let mut client = Client::new(Box::new(LocalBackend::new(service, actor)));
    let month = YearMonth::of(today);
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let table = client.stats(month, None)?;
        times.push(t.elapsed());
        rows = table.rows.len();
    }
    times.sort();
    Ok((open, times[RUNS / 2], rows))
}
