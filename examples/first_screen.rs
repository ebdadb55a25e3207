//! Measures what a caseworker waits for and what the link carries, on a demo county of any
//! size, through a real pseudo-terminal: the time from start to the first screen of the
//! caseload queue, the bytes the program writes for one Down in the queue, and the keys and
//! bytes of one unchanged follow-up from the queue and back (F4, Ctrl-R, Ctrl-S, Esc).
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example first_screen -- 50000   # households; generates once
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use common::{CTRL_R, CTRL_S, DOWN, ESC, F4, Pty};
use std::time::{Duration, Instant};

fn main() {
    let households: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let dir = std::env::temp_dir().join(format!("yuanzhu-first-screen-{households}"));
    let today = "2026-11-16";
    let n = households.to_string();
    let args = ["--today", today, "demo", "--households", n.as_str()];

    let started = Instant::now();
    let mut pty = Pty::spawn(&args, &dir, 80, 24);
    pty.wait_text("案件队列", Duration::from_secs(600));
    println!(
        "first run (generates if absent): {:.2} s",
        started.elapsed().as_secs_f64()
    );
    pty.send("\x11");
    pty.wait_exit(Duration::from_secs(30));
    drop(pty);

    let mut times = Vec::new();
    let mut downs = Vec::new();
    let mut followups = Vec::new();
    let mut exits = Vec::new();
    let mut views = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut pty = Pty::spawn(&args, &dir, 80, 24);
        pty.wait_text("案件队列", Duration::from_secs(60));
        times.push(started.elapsed().as_secs_f64());
        pty.settle(Duration::from_millis(300));
        for _ in 0..5 {
            downs.push(pty.key(DOWN));
        }
        followups.push(pty.key(F4) + pty.key(CTRL_R) + pty.key(CTRL_S) + pty.key(ESC));
        pty.settle(Duration::from_millis(300));
        // A queue view (待认定) and 退出审核, which reads every recognised case's follow-ups.
        let started = Instant::now();
        pty.send("4");
        pty.wait_text("案件队列·待认定", Duration::from_secs(60));
        views.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        pty.send("\x1b[15~");
        pty.wait_text("退出审核 待审核", Duration::from_secs(300));
        exits.push(started.elapsed().as_secs_f64());
        pty.send("\x11");
        pty.wait_exit(Duration::from_secs(30));
    }
    times.sort_by(f64::total_cmp);
    downs.sort_unstable();
    println!(
        "{households} households: start to first screen, 5 runs: min {:.3} s, median {:.3} s, max {:.3} s",
        times[0], times[2], times[4]
    );
    println!(
        "bytes written for one Down in the queue at 80x24 (25 presses): min {} B, median {} B, max {} B",
        downs[0],
        downs[downs.len() / 2],
        downs[downs.len() - 1]
    );
    views.sort_by(f64::total_cmp);
    exits.sort_by(f64::total_cmp);
    println!(
        "switching the queue to 待认定, 5 runs: median {:.3} s; opening 退出审核 (F5): min {:.3} s, median {:.3} s, max {:.3} s",
        views[2], exits[0], exits[2], exits[4]
    );
    followups.sort_unstable();
    println!(
        "one unchanged follow-up from the queue and back (4 keys), 5 runs: min {} B, median {} B, max {} B",
        followups[0], followups[2], followups[4]
    );
}
