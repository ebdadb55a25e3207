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
    /// Days into the next month during which the previous month's follow-up can still be
    /// entered (R-FOLLOW-1): a visit on the 30th entered on the 2nd.
    pub late_entry_days: u32,
    /// Days from a zero-employment household's recognition to its clearance (R-ZERO-2).
    pub zero_clearance_days: u32,
    /// R-POL-SI-2: the flexible-employment SI subsidy is at most this share of the
    /// contributions actually paid (2/3).
    pub si_subsidy_share: Share,
    /// R-POL-SI-2: the subsidy runs at most this many years (36 months in all), or up to
    /// retirement for a person within five years of it at the first approval.
    pub si_subsidy_years: u32,
    /// The local monthly dibao standard in yuan, the base of the employment-cost
    /// deduction (R-DIBAO-1). A county's figure; this default is a placeholder to be set.
    pub dibao_standard: u32,
    /// R-DIBAO-1: employment costs deducted, as a percentage of the dibao standard (30).
    pub dibao_cost_deduction_percent: u32,
    /// R-DIBAO-1: years of gradual exit (渐退) for a household placed in work (2).
    pub dibao_exit_years: u32,
    /// R-DIBAO-1: years of gradual exit when the person is disabled (3).
    pub dibao_exit_years_disabled: u32,
    /// R-POST-1: the ages of the post placement priority bands.
    pub post_priority_bands: PostPriorityBands,
    /// R-FAST-1 (第(四)条): working days after a list's date within which a person found
    /// through 民政 or 残联 data is contacted (3).
    pub fast_lane_contact_days: u32,
    /// 监督 (第(十四)条, R-GOV-1): months in a row of a person's follow-ups with the same
    /// answers apart from the date that make a finding (3).
    pub supervise_copied_months: u32,
    /// 监督: follow-ups one account may enter in one minute; more is a finding (3).
    pub supervise_followups_per_minute: u32,
    /// 监督: the hours of a working day (China Standard Time) in which follow-ups are
    /// entered; one entered outside them, or on a day off, is a finding (08:00–18:00).
    pub supervise_hours: DayHours,
    /// 监督: ID numbers one account may reveal in one day; more is a finding (20).
    pub supervise_reveals_per_day: u32,
}

/// A span of the day, in minutes from midnight, `start` included and `end` excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    pub start: u32,
    pub end: u32,
}

impl DayHours {
    /// `"08:00-18:00"`: two times of day, the first before the second.
    pub fn parse(text: &str) -> Option<Self> {
        let (a, b) = text.trim().split_once('-')?;
        let minutes = |t: &str| -> Option<u32> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
            (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
        };
        let (start, end) = (minutes(a)?, minutes(b)?);
        (start < end).then_some(Self { start, end })
    }

    /// Whether the minute of the day `minute` lies within these hours.
    pub fn contains(self, minute: u32) -> bool {
        (self.start..self.end).contains(&minute)
    }
}

impl std::fmt::Display for DayHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// A share as a fraction of whole numbers, so a stored or sent setting is exact (2/3 is
/// no decimal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub numerator: u32,
    pub denominator: u32,
}

impl Share {
    /// `amount` × this share, rounded down to whole yuan.
    pub fn of(self, amount: u32) -> u32 {
        let whole =
            u64::from(amount) * u64::from(self.numerator) / u64::from(self.denominator.max(1));
        u32::try_from(whole).unwrap_or(u32::MAX)
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

/// R-POST-1, 赣人社规〔2024〕6号: the ages that place a person in the first two of the five
/// priority bands (1: zero-employment household members, dibao, disabled, women 45+ and
/// men 55+; 2: land-lost, retired fishers, women 40–45, men 50–55; 3: other able
/// poverty-alleviated labour; 4: graduates within a year; 5: others).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPriorityBands {
    pub band1_women: u32,
    pub band1_men: u32,
    pub band2_women: u32,
    pub band2_men: u32,
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
            late_entry_days: 5,
            zero_clearance_days: 30,
            si_subsidy_share: Share {
                numerator: 2,
                denominator: 3,
            },
            si_subsidy_years: 3,
            // Jiangxi's urban dibao standards run near 900 yuan a month (2024); set yours.
            dibao_standard: 900,
            dibao_cost_deduction_percent: 30,
            dibao_exit_years: 2,
            dibao_exit_years_disabled: 3,
            post_priority_bands: PostPriorityBands {
                band1_women: 45,
                band1_men: 55,
                band2_women: 40,
                band2_men: 50,
            },
            fast_lane_contact_days: 3,
            supervise_copied_months: 3,
            supervise_followups_per_minute: 3,
            supervise_hours: DayHours {
                start: 8 * 60,
                end: 18 * 60,
            },
            supervise_reveals_per_day: 20,
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
    /// 第(五)条: a month is due by its last day; "due soon" starts within it.
    #[error("“即将到期”的起始日应为每月 1 至 28 日，而不是 {0}（第(五)条 每月跟踪回访）")]
    DueSoonDay(u32),
    /// 第(五)条: a month's follow-up is entered in that month, or in the first days after.
    #[error("补录上月回访的天数应为 0 至 10 天，而不是 {0}（第(五)条 每月跟踪回访）")]
    LateEntryDays(u32),
    /// 第(四)条: zero-employment households are cleared promptly (动态清零).
    #[error("零就业家庭清零期限应为 1 至 92 天，而不是 {0}（第(四)条 动态清零）")]
    ZeroClearanceDays(u32),
    /// 第(一)条: "4050" is women from about forty and men from about fifty.
    #[error("“4050”年龄应为女 30 至 55 岁、男 40 至 60 岁，而不是女 {women}、男 {men}（第(一)条）")]
    Age4050 { women: u32, men: u32 },
    /// 第(一)条: unemployed some months in a row, within two years.
    #[error("“4050”连续失业月数应为 1 至 24，而不是 {0}（第(一)条）")]
    Months4050(u32),
    /// 第(九)条: the subsidy is a part of what was paid, never more.
    #[error("社会保险补贴比例应大于 0 且不超过 1，而不是 {0}（第(九)条 社会保险补贴）")]
    SiSubsidyShare(Share),
    /// 第(九)条: the subsidy runs for some years, not indefinitely.
    #[error("社会保险补贴期限应为 1 至 5 年，而不是 {0}（第(九)条 社会保险补贴）")]
    SiSubsidyYears(u32),
    /// 第(十二)条: the dibao standard is a monthly amount per person.
    #[error("低保标准应为每月 100 至 5000 元，而不是 {0}（第(十二)条 低保联动）")]
    DibaoStandard(u32),
    /// 第(十二)条: the deduction is a part of the standard.
    #[error("就业成本扣减比例应为 0 至 100%，而不是 {0}%（第(十二)条 低保联动）")]
    DibaoCostDeduction(u32),
    /// 第(十二)条: gradual exit runs for some years.
    #[error("低保渐退期应为 1 至 5 年，而不是 {0}（第(十二)条 低保渐退）")]
    DibaoExitYears(u32),
    /// 第(十一)条: band 1's ages are above band 2's, both within working age.
    #[error(
        "公益性岗位优先安置年龄应为一档高于二档、均在 16 至 65 岁之间，而不是一档女 {}、男 {}，二档女 {}、男 {}（第(十一)条）",
        .0.band1_women, .0.band1_men, .0.band2_women, .0.band2_men
    )]
    PostPriorityBands(PostPriorityBands),
    /// 第(四)条: the fast lane contacts people promptly, within days not weeks.
    #[error("快捷通道联系时限应为 1 至 15 个工作日，而不是 {0}（第(四)条 就业救助快捷通道）")]
    FastLaneContactDays(u32),
    /// 第(十四)条: copying is seen over some months, not one and not years.
    #[error("监督：连续照抄回访的月数应为 2 至 12，而不是 {0}（第(十四)条）")]
    SuperviseCopiedMonths(u32),
    /// 第(十四)条: a minute holds a few honest entries, never none.
    #[error("监督：每分钟录入回访的上限应为 1 至 60，而不是 {0}（第(十四)条）")]
    SuperviseFollowupsPerMinute(u32),
    /// 第(十四)条: a day's count of ID reveals above which a reviewer looks.
    #[error("监督：每日查看身份证号的上限应为 1 至 1000，而不是 {0}（第(十四)条）")]
    SuperviseRevealsPerDay(u32),
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
        if !(1..=28).contains(&self.due_soon_day) {
            return Err(SettingsError::DueSoonDay(self.due_soon_day));
        }
        if self.late_entry_days > 10 {
            return Err(SettingsError::LateEntryDays(self.late_entry_days));
        }
        if !(1..=92).contains(&self.zero_clearance_days) {
            return Err(SettingsError::ZeroClearanceDays(self.zero_clearance_days));
        }
        if !(30..=55).contains(&self.age_4050_women) || !(40..=60).contains(&self.age_4050_men) {
            return Err(SettingsError::Age4050 {
                women: self.age_4050_women,
                men: self.age_4050_men,
            });
        }
        if !(1..=24).contains(&self.months_4050) {
            return Err(SettingsError::Months4050(self.months_4050));
        }
        let share = self.si_subsidy_share;
        if share.numerator == 0 || share.numerator > share.denominator || share.denominator > 100 {
            return Err(SettingsError::SiSubsidyShare(share));
        }
        if !(1..=5).contains(&self.si_subsidy_years) {
            return Err(SettingsError::SiSubsidyYears(self.si_subsidy_years));
        }
        if !(100..=5000).contains(&self.dibao_standard) {
            return Err(SettingsError::DibaoStandard(self.dibao_standard));
        }
        if self.dibao_cost_deduction_percent > 100 {
            return Err(SettingsError::DibaoCostDeduction(
                self.dibao_cost_deduction_percent,
            ));
        }
        for years in [self.dibao_exit_years, self.dibao_exit_years_disabled] {
            if !(1..=5).contains(&years) {
                return Err(SettingsError::DibaoExitYears(years));
            }
        }
        if !(1..=15).contains(&self.fast_lane_contact_days) {
            return Err(SettingsError::FastLaneContactDays(
                self.fast_lane_contact_days,
            ));
        }
        if !(2..=12).contains(&self.supervise_copied_months) {
            return Err(SettingsError::SuperviseCopiedMonths(
                self.supervise_copied_months,
            ));
        }
        if !(1..=60).contains(&self.supervise_followups_per_minute) {
            return Err(SettingsError::SuperviseFollowupsPerMinute(
                self.supervise_followups_per_minute,
            ));
        }
        if !(1..=1000).contains(&self.supervise_reveals_per_day) {
            return Err(SettingsError::SuperviseRevealsPerDay(
                self.supervise_reveals_per_day,
            ));
        }
        let bands = self.post_priority_bands;
        let ages = [
            bands.band1_women,
            bands.band1_men,
            bands.band2_women,
            bands.band2_men,
        ];
        if ages.iter().any(|a| !(16..=65).contains(a))
            || bands.band2_women >= bands.band1_women
            || bands.band2_men >= bands.band1_men
        {
            return Err(SettingsError::PostPriorityBands(bands));
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
    fn finding_14_every_number_of_the_domain_table_has_its_default() {
        let s = Settings::default();
        assert_eq!(
            (s.due_soon_day, s.late_entry_days, s.zero_clearance_days),
            (20, 5, 30)
        );
        assert_eq!(
            (s.age_4050_women, s.age_4050_men, s.months_4050),
            (40, 50, 6)
        );
        assert_eq!(s.si_subsidy_share.to_string(), "2/3");
        assert_eq!(s.si_subsidy_share.of(3000), 2000);
        assert_eq!(s.si_subsidy_share.of(100), 66);
        assert_eq!(s.si_subsidy_years, 3);
        assert_eq!(s.dibao_cost_deduction_percent, 30);
        assert_eq!((s.dibao_exit_years, s.dibao_exit_years_disabled), (2, 3));
        let b = s.post_priority_bands;
        assert_eq!(
            (b.band1_women, b.band1_men, b.band2_women, b.band2_men),
            (45, 55, 40, 50)
        );
    }

    #[test]
    fn finding_14_each_new_setting_is_held_to_its_paragraph() {
        let cases: Vec<(Settings, &str)> = vec![
            (
                Settings {
                    due_soon_day: 31,
                    ..Settings::default()
                },
                "第(五)条",
            ),
            (
                Settings {
                    late_entry_days: 20,
                    ..Settings::default()
                },
                "第(五)条",
            ),
            (
                Settings {
                    zero_clearance_days: 0,
                    ..Settings::default()
                },
                "第(四)条",
            ),
            (
                Settings {
                    age_4050_women: 20,
                    ..Settings::default()
                },
                "第(一)条",
            ),
            (
                Settings {
                    months_4050: 0,
                    ..Settings::default()
                },
                "第(一)条",
            ),
            (
                Settings {
                    si_subsidy_share: Share {
                        numerator: 4,
                        denominator: 3,
                    },
                    ..Settings::default()
                },
                "第(九)条",
            ),
            (
                Settings {
                    si_subsidy_years: 0,
                    ..Settings::default()
                },
                "第(九)条",
            ),
            (
                Settings {
                    dibao_standard: 5,
                    ..Settings::default()
                },
                "第(十二)条",
            ),
            (
                Settings {
                    dibao_cost_deduction_percent: 130,
                    ..Settings::default()
                },
                "第(十二)条",
            ),
            (
                Settings {
                    dibao_exit_years_disabled: 9,
                    ..Settings::default()
                },
                "第(十二)条",
            ),
            (
                Settings {
                    post_priority_bands: PostPriorityBands {
                        band1_women: 40,
                        band1_men: 55,
                        band2_women: 45,
                        band2_men: 50,
                    },
                    ..Settings::default()
                },
                "第(十一)条",
            ),
        ];
        for (s, paragraph) in cases {
            let e = s.check().unwrap_err().to_string();
            assert!(e.contains(paragraph), "{e}");
        }
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
