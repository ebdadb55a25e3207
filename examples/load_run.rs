//! A county's busy morning: 30 sessions saving follow-ups through one `yuanzhu serve` at
//! once, over the real socket and frames. Prints save latency (p50/p99) and saves per
//! second, beside the same machine's bare sled insert+flush, so the ratio shows what the
//! service costs on top of the disk.
//!
//!     cargo run --release --example load_run -- [CLIENTS] [SAVES_PER_CLIENT] [HOUSEHOLDS]
//!
//! Defaults: 30 clients, 40 saves each, 2,000 households.

#[path = "shared/visit.rs"]
mod visit;

use chrono::NaiveDate;
use std::io;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use yuanzhu::domain::Settings;
use yuanzhu::remote::{Identify, Limits, Server, SocketBackend, SocketSpec};
use yuanzhu::service::{Backend, Request, Response, Service, Today};
use yuanzhu::store::{Stamp, Store, StoreConfig};

/// Everyone is the demo's county reviewer, who may save any township's follow-ups.
struct Reviewer;

impl Identify for Reviewer {
    fn identify(&self, _: &UnixStream) -> io::Result<String> {
        Ok(yuanzhu::demo::DEMO_REVIEWER.to_string())
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `clients` sessions at once, each saving `per_client` follow-ups on cases of its own.
/// Returns every save's latency, sorted, and the wall time.
fn sessions(
    socket: &std::path::Path,
    rows: &[yuanzhu::service::QueueRow],
    clients: usize,
    per_client: usize,
    today: NaiveDate,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    let start = Arc::new(Barrier::new(clients + 1));
    let mut threads = Vec::new();
    for c in 0..clients {
        let socket = socket.to_path_buf();
        let start = Arc::clone(&start);
        // Each session works its own cases, as caseworkers of different villages do.
        let mine: Vec<_> = rows.iter().skip(c).step_by(clients).cloned().collect();
        threads.push(std::thread::spawn(
            move || -> anyhow::Result<Vec<Duration>> {
                let mut backend = SocketBackend::connect(&socket)?;
                start.wait();
                let mut latencies = Vec::with_capacity(per_client);
                for n in 0..per_client {
                    let row = &mine[n % mine.len()];
                    let rev = match backend.call(Request::FollowUpForm { case: row.case })?.body {
                        Response::FollowUpForm(view) => view.rev,
                        _ => anyhow::bail!("unexpected reply"),
                    };
                    let request = Request::SaveFollowUp {
                        case: row.case,
                        rev,
                        draft: visit::visit(today, row.tier, n),
                    };
                    let t = Instant::now();
                    backend.call(request)?;
                    latencies.push(t.elapsed());
                }
                Ok(latencies)
            },
        ));
    }
    start.wait();
    let began = Instant::now();
    let mut saves = Vec::new();
    for t in threads {
        saves.extend(t.join().map_err(|_| anyhow::anyhow!("client panicked"))??);
    }
    let wall = began.elapsed();
    saves.sort();
    Ok((saves, wall))
}

/// `threads` writers, each inserting `per_thread` values of a follow-up's size into bare
/// sled and flushing after each. Returns the latencies, sorted.
fn bare_writes(db: &sled::Db, threads: usize, per_thread: usize) -> anyhow::Result<Vec<Duration>> {
    let value = vec![0x5au8; 420];
    let mut handles = Vec::new();
    for t in 0..threads {
        let db = db.clone();
        let value = value.clone();
        handles.push(std::thread::spawn(
            move || -> sled::Result<Vec<Duration>> {
                let mut out = Vec::with_capacity(per_thread);
                for i in 0..per_thread {
                    let key = ((t * per_thread + i) as u64).to_be_bytes();
                    let started = Instant::now();
                    db.insert(key, value.as_slice())?;
                    db.flush()?;
                    out.push(started.elapsed());
                }
                Ok(out)
            },
        ));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().map_err(|_| anyhow::anyhow!("writer panicked"))??);
    }
    all.sort();
    Ok(all)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let clients = args.first().copied().unwrap_or(30);
    let per_client = args.get(1).copied().unwrap_or(40);
    let households = args.get(2).copied().unwrap_or(2000) as u32;
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default();

    let dir = tempfile::tempdir()?;
    let store_dir = dir.path().join("store");
    eprintln!("生成演示县 {households} 户……");
    let store = Store::open(&store_dir, StoreConfig::default())?;
    let stamp = Stamp {
        actor: "load".into(),
        at: yuanzhu::service::now_cst(),
    };
    yuanzhu::demo::generate(
        &store,
        &yuanzhu::demo::DemoSpec {
            households,
            today,
            lists: false,
        },
        &stamp,
    )?;

    let socket = dir.path().join("yuanzhu.sock");
    let listener = Server::bind(&SocketSpec {
        path: socket.clone(),
        group: None,
    })?;
    // Every session here is one OS user's: lift the per-user cap (16, a few terminals)
    // that a county's 30 caseworkers, each their own user, never meet.
    let server = Server::new(
        Service::new(store, Today::Fixed(today), Settings::default()),
        Arc::new(Reviewer),
    )
    .with_limits(Limits {
        max_connections_per_user: clients + 2,
        ..Limits::default()
    });
    std::thread::spawn(move || server.serve(listener));

    let mut probe = SocketBackend::connect(&socket)?;
    let rows = match probe
        .call(Request::QueuePage(
            yuanzhu::service::QueueQuery::follow_ups(),
        ))?
        .body
    {
        Response::QueuePage(page) => page.rows,
        _ => anyhow::bail!("unexpected reply"),
    };
    anyhow::ensure!(rows.len() >= clients, "too few cases for {clients} clients");
    eprintln!(
        "{clients} 个会话，各保存 {per_client} 次回访（{} 个案件轮流）",
        rows.len()
    );

    let (one, _) = sessions(&socket, &rows, 1, per_client, today)?;
    let (saves, wall) = sessions(&socket, &rows, clients, per_client, today)?;

    // The same disk, bare: one sled insert of a follow-up's size, then a flush; alone, and
    // from as many threads as there were sessions.
    let db = sled::open(dir.path().join("bare"))?;
    let bare_one = bare_writes(&db, 1, per_client)?;
    let (bare, bare_wall) = {
        let t = Instant::now();
        let l = bare_writes(&db, clients, per_client)?;
        (l, t.elapsed())
    };

    println!(
        "{} 次保存，{clients} 个并发会话，用时 {:.2} s（{} 户演示县）",
        saves.len(),
        wall.as_secs_f64(),
        households
    );
    println!("{:23}{:>10} {:>10} {:>6}", "", "p50", "p99", "每秒");
    let row = |name: &str, l: &[Duration], per_sec: Option<f64>| {
        let pad = 20usize.saturating_sub(unicode_width::UnicodeWidthStr::width(name));
        println!(
            "  {name}{:pad$} {:>10} {:>10} {:>8}",
            "",
            ms(percentile(l, 0.50)),
            ms(percentile(l, 0.99)),
            per_sec.map(|r| format!("{r:.0}")).unwrap_or_default()
        );
    };
    row("保存，1 个会话", &one, None);
    row(
        &format!("保存，{clients} 个会话"),
        &saves,
        Some(saves.len() as f64 / wall.as_secs_f64()),
    );
    row("裸 sled，1 线程", &bare_one, None);
    row(
        &format!("裸 sled，{clients} 线程"),
        &bare,
        Some(bare.len() as f64 / bare_wall.as_secs_f64()),
    );
    println!(
        "  比值（{clients} 个会话 / 裸 sled {clients} 线程）：p50 {:.1}×，p99 {:.1}×",
        percentile(&saves, 0.5).as_secs_f64() / percentile(&bare, 0.5).as_secs_f64(),
        percentile(&saves, 0.99).as_secs_f64() / percentile(&bare, 0.99).as_secs_f64()
    );
    Ok(())
}
