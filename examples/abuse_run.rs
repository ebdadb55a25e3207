//! The county server under attack: a real `yuanzhu serve` (the release binary, or
//! `YUANZHU_BIN`) on a demo store, its `NOFILE` set to 1024 as the systemd unit does,
//! takes at once
//!
//! - a million spoiled request frames (every variant; bytes flipped, lengths inside made
//!   huge, bodies cut, headers claiming more) from the OS user who made the demo, a county
//!   reviewer;
//! - 10,000 connection attempts from the system's other users (none has an account), held
//!   open idle or half-sent, more than the server's caps;
//! - a refusal flood: one user without an account knocking as fast as it can;
//!
//! while a legitimate client pings. It prints the server's crashes (must be 0), the
//! client's ping p50/p99 idle and under attack, the server's threads and memory at peak,
//! and the audit entries written. Run as root (it gives the attackers other uids):
//!
//!     cargo build --release && cargo run --release --example abuse_run -- [FRAMES] [CONNECTIONS] [HOUSEHOLDS]
//!
//! Defaults: 1,000,000 frames, 10,000 connections, 2,000 households.

#[path = "../tests/common/fuzz.rs"]
mod fuzz;

use chrono::NaiveDate;
use fuzz::{Rng, WHOLE_FRAME_SPOILS, every_request, frame_of, spoil};
use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use yuanzhu::remote::SocketBackend;
use yuanzhu::remote::frame::{FrameError, MAX_REPLY, read_frame};
use yuanzhu::remote::server::Answer;
use yuanzhu::service::{Backend, Request, Response, ServiceError};
use yuanzhu::store::{Stamp, Store, StoreConfig};

fn binary() -> PathBuf {
    match std::env::var_os("YUANZHU_BIN") {
        Some(path) => path.into(),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/yuanzhu"),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A child's part: `--connections SOCKET N HOLD_MS` opens N connections (every fourth
/// half-sent), holds them, and prints how they were met; `--flood SOCKET SECS` knocks as
/// a user without an account and prints how many knocks were refused.
fn child(role: &str, args: &[String]) -> anyhow::Result<()> {
    let socket = PathBuf::from(args.first().cloned().unwrap_or_default());
    match role {
        "--connections" => {
            let n: usize = args.get(1).map(|a| a.parse()).transpose()?.unwrap_or(0);
            let hold =
                Duration::from_millis(args.get(2).map(|a| a.parse()).transpose()?.unwrap_or(0));
            let mut held = Vec::new();
            let (mut failed, mut half) = (0, 0);
            for i in 0..n {
                match UnixStream::connect(&socket) {
                    Ok(mut s) => {
                        if i % 4 == 0 {
                            let _ = s.write_all(&64u32.to_be_bytes());
                            let _ = s.write_all(&[0, 3]);
                            half += 1;
                        }
                        held.push(s);
                    }
                    Err(_) => failed += 1,
                }
            }
            std::thread::sleep(hold);
            let (mut full, mut per_user, mut denied, mut cut, mut other) = (0, 0, 0, 0, 0);
            for s in held.iter_mut() {
                let _ = s.set_read_timeout(Some(Duration::from_millis(1)));
                match read_frame::<Answer, MAX_REPLY>(s) {
                    Ok(Err(ServiceError::Link(m))) if m.contains("连接已满") => full += 1,
                    Ok(Err(ServiceError::Link(m))) if m.contains("每人上限") => per_user += 1,
                    Ok(Err(ServiceError::Denied(_))) => denied += 1,
                    Ok(Err(ServiceError::Link(m))) if m.contains("收完") => cut += 1,
                    _ => other += 1,
                }
            }
            println!("{failed} {full} {per_user} {denied} {cut} {other} {half}");
        }
        "--flood" => {
            let secs: u64 = args.get(1).map(|a| a.parse()).transpose()?.unwrap_or(5);
            let until = Instant::now() + Duration::from_secs(secs);
            let (mut knocks, mut denied, mut full) = (0u64, 0u64, 0u64);
            while Instant::now() < until {
                knocks += 1;
                if let Ok(mut c) = SocketBackend::connect(&socket) {
                    match c.call(Request::Ping) {
                        Err(ServiceError::Denied(m)) if m.contains("没有援助账户") => {
                            denied += 1
                        }
                        Err(ServiceError::Link(m)) if m.contains("上限") || m.contains("已满") => {
                            full += 1
                        }
                        _ => {}
                    }
                }
            }
            println!("{knocks} {denied} {full}");
        }
        _ => anyhow::bail!("unknown role {role}"),
    }
    Ok(())
}

/// The server's threads and resident memory (KiB), from /proc.
fn threads_and_rss(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    Some((field("Threads:")?, field("VmRSS:")?))
}

fn audit_lines(c: &mut SocketBackend) -> anyhow::Result<Vec<(String, String, String)>> {
    match c.call(Request::AuditShow { id_number: None })?.body {
        Response::AuditLog(lines) => Ok(lines
            .into_iter()
            .map(|l| (l.actor, l.action, l.target))
            .collect()),
        _ => anyhow::bail!("unexpected reply"),
    }
}

/// Pings until `stop`, one every 2 ms, keeping each round trip's time.
fn pinger(
    mut c: SocketBackend,
    stop: Arc<AtomicBool>,
    failures: Arc<AtomicU64>,
) -> std::thread::JoinHandle<Vec<Duration>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let t = Instant::now();
            if c.call(Request::Ping).is_ok() {
                out.push(t.elapsed());
            } else {
                failures.fetch_add(1, Ordering::Relaxed);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        out.sort();
        out
    })
}

/// One spoiled frame on a connection of its own: whether it was answered.
fn send_spoiled(socket: &Path, bytes: &[u8]) -> io::Result<bool> {
    let mut s = UnixStream::connect(socket)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let _ = s.write_all(bytes);
    match read_frame::<Answer, MAX_REPLY>(&mut s) {
        Ok(_) => Ok(true),
        Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => Err(e),
        Err(_) => Ok(false),
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(role) = args.first().filter(|a| a.starts_with("--")) {
        return child(role, &args[1..]);
    }
    let nums: Vec<usize> = args.iter().map(|a| a.parse()).collect::<Result<_, _>>()?;
    let frames = nums.first().copied().unwrap_or(1_000_000);
    let connections = nums.get(1).copied().unwrap_or(10_000);
    let households = nums.get(2).copied().unwrap_or(2000) as u32;
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default();
    anyhow::ensure!(
        nix::unistd::getuid().is_root(),
        "run as root: the attackers need uids of their own"
    );
    yuanzhu::remote::limits::raise_nofile()?;

    // Attackers: the system's users without an account (every one but the demo's maker).
    let mut users: Vec<(u32, u32, String)> = std::fs::read_to_string("/etc/passwd")?
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some((
                f.get(2)?.parse().ok()?,
                f.get(3)?.parse().ok()?,
                f.first()?.to_string(),
            ))
        })
        .filter(|(uid, _, _)| *uid != 0)
        .collect();
    anyhow::ensure!(users.len() >= 2, "too few system users to attack with");
    let flooder = users.remove(0);

    let dir = tempfile::tempdir()?;
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let store_dir = dir.path().join("store");
    eprintln!("生成演示县 {households} 户……");
    {
        let store = Store::open(&store_dir, StoreConfig::default())?;
        let stamp = Stamp {
            actor: yuanzhu::remote::login_name(),
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
        store.flush()?;
    }
    // The attackers run this program as other users: a copy they may execute.
    let me = dir.path().join("abuse_run");
    std::fs::copy(std::env::current_exe()?, &me)?;

    let socket = dir.path().join("yuanzhu.sock");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "")?;
    let stderr = dir.path().join("serve.err");
    let mut serve = std::process::Command::new(binary());
    serve
        .arg("--data-dir")
        .arg(&store_dir)
        .arg("--config")
        .arg(&config)
        .arg("--socket")
        .arg(&socket)
        .arg("--today")
        .arg(today.to_string())
        .arg("serve")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&stderr)?);
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        serve.pre_exec(|| {
            use nix::sys::resource::{Resource, setrlimit};
            setrlimit(Resource::RLIMIT_NOFILE, 1024, 1024).map_err(io::Error::from)
        });
    }
    let mut serve = serve.spawn()?;
    let started = Instant::now();
    while UnixStream::connect(&socket).is_err() {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Everyone may reach the socket, as the caseworkers' group may on a county server.
    std::fs::set_permissions(&socket, std::os::unix::fs::PermissionsExt::from_mode(0o666))?;
    let pid = serve.id();

    let mut admin = SocketBackend::connect(&socket)?;
    let audit_before = audit_lines(&mut admin)?.len();

    // Idle: the legitimate client alone.
    let stop = Arc::new(AtomicBool::new(false));
    let ping_failures = Arc::new(AtomicU64::new(0));
    let idle = pinger(
        SocketBackend::connect(&socket)?,
        Arc::clone(&stop),
        Arc::clone(&ping_failures),
    );
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::Relaxed);
    let idle = idle
        .join()
        .map_err(|_| anyhow::anyhow!("pinger panicked"))?;
    let (idle_threads, idle_rss) = threads_and_rss(pid).unwrap_or_default();

    // The attack, with the client pinging throughout.
    let stop = Arc::new(AtomicBool::new(false));
    let attacked = pinger(
        SocketBackend::connect(&socket)?,
        Arc::clone(&stop),
        Arc::clone(&ping_failures),
    );
    let peak = Arc::new(Mutex::new((0u64, 0u64)));
    let sampler = {
        let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some((t, r)) = threads_and_rss(pid)
                    && let Ok(mut p) = peak.lock()
                {
                    *p = (p.0.max(t), p.1.max(r));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let attack_began = Instant::now();

    let per_user = connections.div_ceil(users.len());
    let mut holders = Vec::new();
    for (i, (uid, gid, _)) in users.iter().enumerate() {
        let n = per_user.min(connections.saturating_sub(i * per_user));
        if n == 0 {
            break;
        }
        holders.push(
            std::process::Command::new(&me)
                .args([
                    "--connections",
                    &socket.to_string_lossy(),
                    &n.to_string(),
                    "11000",
                ])
                .uid(*uid)
                .gid(*gid)
                .stdout(std::process::Stdio::piped())
                .spawn()?,
        );
    }
    let flood = std::process::Command::new(&me)
        .args(["--flood", &socket.to_string_lossy(), "15"])
        .uid(flooder.0)
        .gid(flooder.1)
        .stdout(std::process::Stdio::piped())
        .spawn()?;

    let senders = 3;
    let sent = Arc::new(AtomicU64::new(0));
    let answered = Arc::new(AtomicU64::new(0));
    let hung = Arc::new(AtomicU64::new(0));
    let mut fuzzers = Vec::new();
    for t in 0..senders {
        let (socket, sent, answered, hung) = (
            socket.clone(),
            Arc::clone(&sent),
            Arc::clone(&answered),
            Arc::clone(&hung),
        );
        let share = frames / senders + usize::from(t < frames % senders);
        fuzzers.push(std::thread::spawn(move || {
            let samples: Vec<Vec<u8>> = every_request().iter().map(frame_of).collect();
            let mut rng = Rng::new(0xab05e + t as u64);
            for i in 0..share {
                let how = WHOLE_FRAME_SPOILS[rng.below(WHOLE_FRAME_SPOILS.len())];
                let bad = spoil(&samples[i % samples.len()], how, &mut rng);
                loop {
                    match send_spoiled(&socket, &bad) {
                        Ok(true) => {
                            answered.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Ok(false) => break,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                            hung.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        // Connect refused for a moment (the listen queue full): again.
                        Err(_) => std::thread::sleep(Duration::from_millis(1)),
                    }
                }
                sent.fetch_add(1, Ordering::Relaxed);
                if (i + 1) % 100_000 == 0 {
                    eprintln!("  {} 帧……", sent.load(Ordering::Relaxed));
                }
            }
        }));
    }

    let mut conn = [0u64; 7];
    for h in holders {
        let out = h.wait_with_output()?;
        for (slot, v) in conn
            .iter_mut()
            .zip(String::from_utf8_lossy(&out.stdout).split_whitespace())
        {
            *slot += v.parse::<u64>().unwrap_or(0);
        }
    }
    let flood_out = flood.wait_with_output()?;
    let flood_counts: Vec<u64> = String::from_utf8_lossy(&flood_out.stdout)
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    for f in fuzzers {
        f.join().map_err(|_| anyhow::anyhow!("fuzzer panicked"))?;
    }
    let fuzz_time = attack_began.elapsed();
    let attack_time = attack_began.elapsed();
    stop.store(true, Ordering::Relaxed);
    let attacked = attacked
        .join()
        .map_err(|_| anyhow::anyhow!("pinger panicked"))?;
    let _ = sampler.join();
    let peak = *peak
        .lock()
        .map_err(|_| anyhow::anyhow!("sampler panicked"))?;

    // The refusal windows close a minute after they opened; then the counts are written.
    eprintln!("等待拒绝记录的一分钟窗口结束……");
    std::thread::sleep(Duration::from_secs(65));
    let alive = serve.try_wait()?.is_none();
    let crashes = u32::from(!alive);
    let lines = audit_lines(&mut admin)?;
    let written = &lines[audit_before.min(lines.len())..];
    let me_name = yuanzhu::remote::login_name();
    let by_reviewer = written.iter().filter(|(a, _, _)| *a == me_name).count();
    let by_strangers = written.len() - by_reviewer;
    let counts = written
        .iter()
        .filter(|(_, _, t)| t.contains("此后"))
        .count();
    let mut fresh = SocketBackend::connect(&socket)?;
    let served_after = matches!(
        fresh
            .call(Request::QueuePage(
                yuanzhu::service::QueueQuery::follow_ups()
            ))
            .map(|r| r.body),
        Ok(Response::QueuePage(_))
    );
    let said = std::fs::read_to_string(&stderr).unwrap_or_default();
    let _ = serve.kill();
    let _ = serve.wait();

    println!("援助服务受攻击测试（NOFILE 1024，默认 [server] 设置，{households} 户演示县）");
    println!("| 项目 | 结果 |");
    println!("|---|---|");
    println!("| 服务崩溃次数 | {crashes} |");
    println!(
        "| 畸形帧 | {} 帧（每帧一个连接，{:.0} 帧/秒），{} 帧得到应答，{} 帧未应答即被挂断，{} 帧 30 秒无应答 |",
        sent.load(Ordering::Relaxed),
        sent.load(Ordering::Relaxed) as f64 / fuzz_time.as_secs_f64(),
        answered.load(Ordering::Relaxed),
        sent.load(Ordering::Relaxed)
            - answered.load(Ordering::Relaxed)
            - hung.load(Ordering::Relaxed),
        hung.load(Ordering::Relaxed)
    );
    println!(
        "| 连接尝试 | {connections} 次，来自 {} 个无账户系统用户（其中 {} 个发半帧）：连接失败 {}，告知连接已满 {}，告知每人上限 {}，拒绝（无账户）{}，半帧超时断开 {}，其他 {} |",
        users.len().min(connections.div_ceil(per_user.max(1))),
        conn[6],
        conn[0],
        conn[1],
        conn[2],
        conn[3],
        conn[4],
        conn[5]
    );
    println!(
        "| 拒绝洪水（{}，15 秒） | {} 次敲门：{} 次看到“没有援助账户”，{} 次看到连接已满/每人上限 |",
        flooder.2,
        flood_counts.first().copied().unwrap_or(0),
        flood_counts.get(1).copied().unwrap_or(0),
        flood_counts.get(2).copied().unwrap_or(0)
    );
    println!(
        "| 正常客户端 ping，空闲 | p50 {}，p99 {}（{} 次） |",
        ms(percentile(&idle, 0.5)),
        ms(percentile(&idle, 0.99)),
        idle.len()
    );
    println!(
        "| 正常客户端 ping，受攻击 | p50 {}，p99 {}（{} 次，失败 {}，攻击历时 {:.0} 秒） |",
        ms(percentile(&attacked, 0.5)),
        ms(percentile(&attacked, 0.99)),
        attacked.len(),
        ping_failures.load(Ordering::Relaxed),
        attack_time.as_secs_f64()
    );
    println!(
        "| 服务线程 / 常驻内存 | 空闲 {idle_threads} 个 / {} MiB；峰值 {} 个 / {} MiB |",
        idle_rss / 1024,
        peak.0,
        peak.1 / 1024
    );
    println!(
        "| 审计条目 | 共写入 {}：有账户的攻击者（审核账户的每次越权请求）{by_reviewer}，无账户用户 {by_strangers}（其中汇总计数 {counts}） |",
        written.len()
    );
    println!(
        "| 攻击后新连接 | {} |",
        if served_after {
            "正常服务"
        } else {
            "未能服务"
        }
    );
    let logged: Vec<&str> = said.lines().filter(|l| !l.is_empty()).collect();
    println!(
        "| 服务的 stderr | {} 行{} |",
        logged.len(),
        logged
            .first()
            .map(|l| format!("，首行：{l}"))
            .unwrap_or_default()
    );
    anyhow::ensure!(crashes == 0, "the server crashed");
    Ok(())
}
