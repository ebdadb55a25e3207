//! The follow-up the benches save, one after another.

use chrono::NaiveDate;
use yuanzhu::domain::followup_form::{Field, FollowUpDraft, FormContext};
use yuanzhu::domain::{Settings, Tier};

/// A phone visit finding the person still out of work and willing, the `n`th of the run.
pub fn visit(today: NaiveDate, tier: Tier, n: usize) -> FollowUpDraft {
    let ctx = FormContext {
        today,
        recognised_on: None,
        tier,
        late_entry_days: Settings::default().late_entry_days,
    };
    let mut d = FollowUpDraft::blank(&ctx, &Settings::default());
    d.press_code(Field::Method, '2');
    d.press_code(Field::WorkStatus, '1');
    d.press_code(Field::Willing, '1');
    d.set(Field::Plan, format!("第{n}次电话回访，推荐本地岗位"));
    d
}
