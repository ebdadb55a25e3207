//! The byte-and-keystroke meter: the real program in a pseudo-terminal, scripted keys, and
//! the bytes it writes for each step, as a table for 80×24 and 120×40. Slow SSH links pay
//! for every byte; `tests/wire_budgets.rs` holds the budgets.
//!
//! ```sh
//! cargo build --release && cargo run --release --example wire_meter
//! cargo run --release --example wire_meter -- --idle-minute   # also one idle minute
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Steps, measure};

fn main() {
    let idle_minute = std::env::args().any(|a| a == "--idle-minute");
    let dir = std::env::temp_dir().join("yuanzhu-wire-meter");
    println!("| step | size | keys | median bytes | min | max |");
    println!("|---|---|---|---|---|---|");
    for (cols, rows) in [(80, 24), (120, 40)] {
        let Steps(steps) = measure(&dir, cols, rows, 5, idle_minute);
        for s in steps {
            println!(
                "| {} | {cols}x{rows} | {} | {} | {} | {} |",
                s.name,
                s.keys,
                s.median(),
                s.min(),
                s.max()
            );
        }
    }
}
