//! Numbers the notice leaves to other rules (DOMAIN.md, "Numbers the notice leaves to other
//! rules"). Each is a setting with a documented default, never a constant buried in a rule,
//! because counties apply them differently and they change.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// R-AGE-4050: women from this age (whole years).
    pub age_4050_women: u32,
    /// R-AGE-4050: men from this age (whole years).
    pub age_4050_men: u32,
    /// R-AGE-4050: months in a row of registered unemployment.
    pub months_4050: u32,
    /// Days between contacts for tier 一级 (tiers 二级/三级 are monthly; R-TIER-1).
    pub tier_one_interval_days: u32,
    /// From this day of the month an uncovered month shows as due soon (R-FOLLOW-1).
    pub due_soon_day: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            age_4050_women: 40,
            age_4050_men: 50,
            months_4050: 6,
            tier_one_interval_days: 14,
            due_soon_day: 20,
        }
    }
}
