//! Numbers the notice leaves to other rules (DOMAIN.md, "Numbers the notice leaves to other
//! rules"). Each is a setting with a documented default, never a constant buried in a rule,
//! because counties apply them differently and they change. What the notice itself bounds
//! (a tier is contacted at least monthly, the notice period runs some days) is checked
//! here, by [`Settings::check`], whatever file or form the numbers came from.

use super::calendar::Calendar;
use super::tier::Tier;
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

/// A setting outside what the notice allows, naming the setting, the paragraph it is held
/// to and the value found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// 第(二)条: the notice runs for some working days, and not for a month and more.
    #[error("公示期应为 1 至 30 个工作日，而不是 {0}（第(二)条 初审公示）")]
    NoticeWorkingDays(u32),
    /// 第(五)条: every recognised person is followed up at least monthly.
    #[error(
        "{} 的回访间隔 {days} 天少于每月一次回访，不符合每月跟踪回访的要求（第(五)条）",
        .tier.label()
    )]
    TierIntervalDays { tier: Tier, days: u32 },
    /// 第(十一)条: the post subsidy is capped at a share of the local minimum wage, so the
    /// wage must be a plausible monthly figure.
    #[error("最低工资标准应为每月 1000 至 10000 元，而不是 {0}（第(十一)条 公益性岗位补贴上限）")]
    MinimumWage(u32),
    /// 第(五)条: an exit is proposed after some follow-ups in a row, within a year.
    #[error("退出规则的连续回访次数应为 1 至 12，而不是 {0}（第(五)条 退出）")]
    ExitStableFollowups(usize),
    /// 第(五)条: as [`SettingsError::ExitStableFollowups`], for unwillingness to work.
    #[error("退出规则的连续回访次数应为 1 至 12，而不是 {0}（第(五)条 退出）")]
    ExitUnwillingFollowups(usize),
}

impl Settings {
    pub fn tier(&self, tier: Tier) -> &TierRule {
        &self.tiers[tier as usize]
    }

    /// Whether these settings stay within what the notice allows; the first setting that
    /// does not is the error.
    pub fn check(&self) -> Result<(), SettingsError> {
        if !(1..=30).contains(&self.notice_working_days) {
            return Err(SettingsError::NoticeWorkingDays(self.notice_working_days));
        }
        for tier in Tier::ALL {
            if let Some(days) = self.tier(tier).interval_days
                && !(1..=31).contains(&days)
            {
                return Err(SettingsError::TierIntervalDays { tier, days });
            }
        }
        if !(1000..=10_000).contains(&self.minimum_wage) {
            return Err(SettingsError::MinimumWage(self.minimum_wage));
        }
        let exits = &self.exit_rules;
        if !(1..=12).contains(&exits.stable_followups) {
            return Err(SettingsError::ExitStableFollowups(exits.stable_followups));
        }
        if !(1..=12).contains(&exits.unwilling_followups) {
            return Err(SettingsError::ExitUnwillingFollowups(
                exits.unwilling_followups,
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_settings_are_within_the_notice() {
        assert_eq!(Settings::default().check(), Ok(()));
    }

    #[test]
    fn a_tier_contacted_less_than_monthly_is_refused_under_paragraph_five() {
        let mut s = Settings::default();
        s.tiers[1].interval_days = Some(45);
        let e = s.check().unwrap_err();
        assert_eq!(
            e,
            SettingsError::TierIntervalDays {
                tier: Tier::Two,
                days: 45
            }
        );
        let text = e.to_string();
        assert!(text.contains("二级") && text.contains("45") && text.contains("第(五)条"));
    }

    #[test]
    fn a_notice_of_no_days_is_refused_under_paragraph_two() {
        let s = Settings {
            notice_working_days: 0,
            ..Settings::default()
        };
        assert_eq!(s.check(), Err(SettingsError::NoticeWorkingDays(0)));
        assert!(s.check().unwrap_err().to_string().contains("第(二)条"));
    }

    #[test]
    fn a_minimum_wage_that_is_no_monthly_wage_is_refused() {
        let s = Settings {
            minimum_wage: 200,
            ..Settings::default()
        };
        assert_eq!(s.check(), Err(SettingsError::MinimumWage(200)));
    }

    #[test]
    fn exit_counts_run_from_one_to_twelve_follow_ups() {
        let mut s = Settings::default();
        s.exit_rules.unwilling_followups = 0;
        assert_eq!(s.check(), Err(SettingsError::ExitUnwillingFollowups(0)));
        s.exit_rules.unwilling_followups = 12;
        s.exit_rules.stable_followups = 13;
        assert_eq!(s.check(), Err(SettingsError::ExitStableFollowups(13)));
    }
}
