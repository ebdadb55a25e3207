//! What the program may write on the wire, measured in a real pseudo-terminal at 80×24 by
//! the same script as `examples/wire_meter.rs` (medians of three runs). A change that
//! breaks a budget fails here; the example prints the full table for 80×24 and 120×40.

mod common;

use common::*;

#[test]
fn each_step_stays_within_its_byte_budget_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let steps = measure(dir.path(), 80, 24, 3, false);
    for s in &steps.0 {
        println!("{:<55} {} keys, median {} B", s.name, s.keys, s.median());
    }
    let down = steps.get(STEP_DOWN).median();
    assert!(down <= 150, "one Down in the queue: {down} B > 150 B");
    let chinese = steps.get(STEP_CHINESE_CHAR).median();
    assert!(
        chinese <= 64,
        "one Chinese character into a field: {chinese} B > 64 B"
    );
    let followup = steps.get(STEP_FOLLOWUP);
    assert!(followup.keys <= 4);
    assert!(
        followup.median() <= 8 * 1024,
        "an unchanged follow-up from the queue and back: {} B > 8 KB",
        followup.median()
    );
    let idle = steps.get(STEP_IDLE).median();
    assert_eq!(idle, 0, "an idle screen writes nothing");
}
