//! Numbers the notice leaves to other rules (DOMAIN.md, "Numbers the notice leaves to other
//! rules"). Each is a setting with a documented default, never a constant buried in a rule,
//! because counties apply them differently and they change.

use super::calendar::Calendar;
use serde::{Deserialize, Serialize};

/// One tier's contact interval and service package (R-TIER-1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRule {
    /// Days between contacts; `None` is once a calendar month. Never more than 31: no tier
    /// may be contacted less than monthly (R-FOLLOW-1).
    pub interval_days: Option<u32>,
    /// The service package (服务包) the tier receives.
    pub package: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// R-AGE-4050: women from this age (whole years).
    pub age_4050_women: u32,
    /// R-AGE-4050: men from this age (whole years).
    pub age_4050_men: u32,
    /// R-AGE-4050: months in a row of registered unemployment.
    pub months_4050: u32,
    /// 一级, 二级, 三级 (R-TIER-1).
    pub tiers: [TierRule; 3],
    /// From this day of the month an uncovered month shows as due soon (R-FOLLOW-1).
    pub due_soon_day: u32,
    /// Working days the public notice runs (R-RECOG-1).
    pub notice_working_days: u32,
    /// Holidays and make-up working days, for counting the notice.
    pub calendar: Calendar,
    /// The local monthly minimum wage in yuan, for the post subsidy's cap (R-POST-2).
    pub minimum_wage: u32,
    /// The poverty-monitoring line in yuan a year, for rural part-time posts (R-POST-1).
    pub monitoring_line: u32,
    /// How many follow-ups in a row the exit rules look at (R-EXIT-1).
    pub exit_rules: super::exit::ExitRules,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            age_4050_women: 40,
            age_4050_men: 50,
            months_4050: 6,
            tiers: [
                TierRule {
                    interval_days: Some(14),
                    package: "每两周联系一次；一对一帮扶，优先推荐岗位，公益性岗位兜底安置".into(),
                },
                TierRule {
                    interval_days: None,
                    package: "每月联系一次；推荐岗位、职业指导、技能培训".into(),
                },
                TierRule {
                    interval_days: None,
                    package: "每月联系一次；跟踪就业稳定情况，落实社保补贴等政策".into(),
                },
            ],
            due_soon_day: 20,
            notice_working_days: 5,
            calendar: Calendar::default(),
            // Jiangxi's first-band monthly minimum wage (2024); counties set their own.
            minimum_wage: 2000,
            // A county's yearly figure; this default is a placeholder to be set.
            monitoring_line: 7600,
            exit_rules: super::exit::ExitRules::default(),
        }
    }
}

impl Settings {
    pub fn tier(&self, tier: super::tier::Tier) -> &TierRule {
        &self.tiers[tier as usize]
    }
}
