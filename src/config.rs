//! The config file (`<config dir>/config.toml`, or `--config FILE`): the settings of one
//! terminal — theme, borders, keymap, store cache, the server's socket and limits — checked
//! here, and the county's `[rules]`, read here but checked by the domain
//! ([`Settings::check`]), since their limits are the notice's. Unknown keys are an error
//! with the file and line, never silently ignored. Command-line flags win over the file.

use crate::domain::Settings;
use crate::domain::calendar::Calendar;
use crate::domain::settings::{PostPriorityBands, SettingsError, Share};
use crate::remote::Limits;
use crate::tui::theme::{Borders, ThemeName};
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `"16"` (default) or `"mono"`.
    pub theme: Option<ThemeName>,
    /// `"box"` (default) or `"ascii"`.
    pub borders: Option<Borders>,
    /// `"default"`, `"vim"`, or a keymap file's path.
    pub keymap: Option<String>,
    /// The store's page cache in MiB (default 64).
    pub cache_mb: Option<u64>,
    /// The server's socket (default `<data dir>/yuanzhu.sock`); a terminal with this set
    /// always goes through the server.
    pub socket: Option<std::path::PathBuf>,
    /// The group `yuanzhu serve` gives its socket (mode 0660).
    pub socket_group: Option<String>,
    /// The county's numbers for the rules (DOMAIN.md's settings); on a county server, the
    /// server's config file is the one that counts.
    pub rules: Option<Rules>,
    /// What `yuanzhu serve` allows its peers (connections, time limits).
    pub server: Option<ServerLimits>,
}

/// `[server]`: the bounds of `yuanzhu serve`; they are not policy, so they are checked
/// here. Absent keys keep [`Limits::default`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerLimits {
    /// Connections at once, all users together (256).
    pub max_connections: Option<usize>,
    /// Connections at once of one OS user (16).
    pub max_connections_per_user: Option<usize>,
    /// Seconds a frame that has started arriving has to complete (10).
    pub frame_timeout_s: Option<u64>,
    /// Seconds of silence after which a connection is closed (36000).
    pub idle_timeout_s: Option<u64>,
}

impl ServerLimits {
    /// These settings over `limits`; a number out of its range is an error naming it.
    pub fn apply(&self, mut limits: Limits) -> Result<Limits, String> {
        if let Some(n) = self.max_connections {
            if !(1..=100_000).contains(&n) {
                return Err(format!("max_connections 应为 1 至 100000，而不是 {n}"));
            }
            limits.max_connections = n;
        }
        if let Some(n) = self.max_connections_per_user {
            if !(1..=limits.max_connections).contains(&n) {
                return Err(format!(
                    "max_connections_per_user 应为 1 至 max_connections（{}），而不是 {n}",
                    limits.max_connections
                ));
            }
            limits.max_connections_per_user = n;
        }
        limits.max_connections_per_user =
            limits.max_connections_per_user.min(limits.max_connections);
        if let Some(s) = self.frame_timeout_s {
            if !(1..=600).contains(&s) {
                return Err(format!("frame_timeout_s 应为 1 至 600 秒，而不是 {s}"));
            }
            limits.frame_timeout = Duration::from_secs(s);
        }
        if let Some(s) = self.idle_timeout_s {
            // A TUI pings every half second while idle: a second of silence is already
            // a session gone, so the floor is one; a week is the ceiling.
            if !(1..=604_800).contains(&s) {
                return Err(format!("idle_timeout_s 应为 1 至 604800 秒，而不是 {s}"));
            }
            limits.idle_timeout = Duration::from_secs(s);
        }
        Ok(limits)
    }
}

/// `[rules]`: what the notice leaves to each county.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Working days the public notice runs (default 5).
    pub notice_working_days: Option<u32>,
    /// Days off added to the shipped State Council table, e.g. `["2026-10-09"]`; a day here
    /// is off even where the shipped table makes it a working day.
    #[serde(default)]
    pub holidays: Vec<chrono::NaiveDate>,
    /// Days worked added to the shipped table (调休上班); a day here is worked even where the
    /// shipped table has a holiday.
    #[serde(default)]
    pub workdays: Vec<chrono::NaiveDate>,
    /// Days between contacts for 一级, 二级, 三级; 0 means once a month. At most 31.
    pub tier_interval_days: Option<[u32; 3]>,
    /// The service package of 一级, 二级, 三级.
    pub tier_packages: Option<[String; 3]>,
    /// The local monthly minimum wage (yuan), for the post subsidy's 70% cap.
    pub minimum_wage: Option<u32>,
    /// The poverty-monitoring line (yuan a year), for rural part-time posts.
    pub monitoring_line: Option<u32>,
    /// Follow-ups in a row in work with contract and insurance that propose an exit (3).
    pub exit_stable_followups: Option<usize>,
    /// Follow-ups in a row unwilling to work that propose an exit (3).
    pub exit_unwilling_followups: Option<usize>,
    /// From this day of the month an uncovered month is due soon (20).
    pub due_soon_day: Option<u32>,
    /// Days into the next month the previous month's follow-up can be entered (5).
    pub late_entry_days: Option<u32>,
    /// Days from recognition to clearing a zero-employment household (30).
    pub zero_clearance_days: Option<u32>,
    /// Working days to contact a fast-lane lead (民政, 残联 lists) after the list date (3).
    pub fast_lane_contact_days: Option<u32>,
    /// 监督: months in a row of unchanged follow-ups that make a finding (3).
    pub supervise_copied_months: Option<u32>,
    /// 监督: follow-ups one account may enter in a minute (3).
    pub supervise_followups_per_minute: Option<u32>,
    /// 监督: hours of a working day (China Standard Time) for entering follow-ups ("08:00-18:00").
    pub supervise_hours: Option<String>,
    /// 监督: ID reveals one account may make in a day (20).
    pub supervise_reveals_per_day: Option<u32>,
    /// "4050": women from this age (40).
    pub age_4050_women: Option<u32>,
    /// "4050": men from this age (50).
    pub age_4050_men: Option<u32>,
    /// "4050": months of registered unemployment in a row (6).
    pub months_4050: Option<u32>,
    /// SI subsidy at most this share of contributions paid, `[numerator, denominator]` ([2, 3]).
    pub si_subsidy_share: Option<[u32; 2]>,
    /// SI subsidy at most this many years (3).
    pub si_subsidy_years: Option<u32>,
    /// The local monthly dibao standard, yuan (900, a placeholder to set).
    pub dibao_standard: Option<u32>,
    /// Employment costs deducted, percent of the dibao standard (30).
    pub dibao_cost_deduction_percent: Option<u32>,
    /// Years of dibao gradual exit after placement in work (2).
    pub dibao_exit_years: Option<u32>,
    /// Years of dibao gradual exit for a disabled person (3).
    pub dibao_exit_years_disabled: Option<u32>,
    /// Post priority ages `[band 1 women, band 1 men, band 2 women, band 2 men]` ([45, 55, 40, 50]).
    pub post_priority_bands: Option<[u32; 4]>,
}

impl Rules {
    /// The settings these rules give, over the defaults. Whether they stay within what
    /// the notice allows is the domain's to say ([`Settings::check`]); the error names the
    /// key of this file it came from.
    pub fn apply(&self, mut settings: Settings) -> Result<Settings, String> {
        if let Some(days) = self.notice_working_days {
            settings.notice_working_days = days;
        }
        settings.calendar = Calendar::official_with(&self.holidays, &self.workdays);
        if let Some(intervals) = self.tier_interval_days {
            for (rule, days) in settings.tiers.iter_mut().zip(intervals) {
                rule.interval_days = (days > 0).then_some(days);
            }
        }
        if let Some(wage) = self.minimum_wage {
            settings.minimum_wage = wage;
        }
        if let Some(line) = self.monitoring_line {
            settings.monitoring_line = line;
        }
        if let Some(n) = self.exit_stable_followups {
            settings.exit_rules.stable_followups = n;
        }
        if let Some(n) = self.exit_unwilling_followups {
            settings.exit_rules.unwilling_followups = n;
        }
        if let Some(text) = &self.supervise_hours {
            settings.supervise_hours =
                crate::domain::settings::DayHours::parse(text).ok_or_else(|| {
                    format!("supervise_hours：应写作“08:00-18:00”，开始早于结束，而不是“{text}”")
                })?;
        }
        let numbers = [
            (
                self.supervise_copied_months,
                &mut settings.supervise_copied_months,
            ),
            (
                self.supervise_followups_per_minute,
                &mut settings.supervise_followups_per_minute,
            ),
            (
                self.supervise_reveals_per_day,
                &mut settings.supervise_reveals_per_day,
            ),
            (self.due_soon_day, &mut settings.due_soon_day),
            (self.late_entry_days, &mut settings.late_entry_days),
            (self.zero_clearance_days, &mut settings.zero_clearance_days),
            (
                self.fast_lane_contact_days,
                &mut settings.fast_lane_contact_days,
            ),
            (self.age_4050_women, &mut settings.age_4050_women),
            (self.age_4050_men, &mut settings.age_4050_men),
            (self.months_4050, &mut settings.months_4050),
            (self.si_subsidy_years, &mut settings.si_subsidy_years),
            (self.dibao_standard, &mut settings.dibao_standard),
            (
                self.dibao_cost_deduction_percent,
                &mut settings.dibao_cost_deduction_percent,
            ),
            (self.dibao_exit_years, &mut settings.dibao_exit_years),
            (
                self.dibao_exit_years_disabled,
                &mut settings.dibao_exit_years_disabled,
            ),
        ];
        for (from_file, setting) in numbers {
            if let Some(n) = from_file {
                *setting = n;
            }
        }
        if let Some([numerator, denominator]) = self.si_subsidy_share {
            settings.si_subsidy_share = Share {
                numerator,
                denominator,
            };
        }
        if let Some([band1_women, band1_men, band2_women, band2_men]) = self.post_priority_bands {
            settings.post_priority_bands = PostPriorityBands {
                band1_women,
                band1_men,
                band2_women,
                band2_men,
            };
        }
        if let Some(packages) = &self.tier_packages {
            for (rule, package) in settings.tiers.iter_mut().zip(packages) {
                rule.package = package.clone();
            }
        }
        settings
            .check()
            .map_err(|e| format!("{}：{e}", rules_key(&e)))?;
        Ok(settings)
    }
}

/// The key of `[rules]` that sets what `e` is about.
fn rules_key(e: &SettingsError) -> &'static str {
    match e {
        SettingsError::NoticeWorkingDays(_) => "notice_working_days",
        SettingsError::TierIntervalDays { .. } => "tier_interval_days",
        SettingsError::MinimumWage(_) => "minimum_wage",
        SettingsError::ExitStableFollowups(_) => "exit_stable_followups",
        SettingsError::ExitUnwillingFollowups(_) => "exit_unwilling_followups",
        SettingsError::DueSoonDay(_) => "due_soon_day",
        SettingsError::LateEntryDays(_) => "late_entry_days",
        SettingsError::ZeroClearanceDays(_) => "zero_clearance_days",
        SettingsError::FastLaneContactDays(_) => "fast_lane_contact_days",
        SettingsError::Age4050 { .. } => "age_4050_women / age_4050_men",
        SettingsError::Months4050(_) => "months_4050",
        SettingsError::SiSubsidyShare(_) => "si_subsidy_share",
        SettingsError::SiSubsidyYears(_) => "si_subsidy_years",
        SettingsError::DibaoStandard(_) => "dibao_standard",
        SettingsError::DibaoCostDeduction(_) => "dibao_cost_deduction_percent",
        SettingsError::DibaoExitYears(_) => "dibao_exit_years / dibao_exit_years_disabled",
        SettingsError::PostPriorityBands(_) => "post_priority_bands",
        SettingsError::SuperviseCopiedMonths(_) => "supervise_copied_months",
        SettingsError::SuperviseFollowupsPerMinute(_) => "supervise_followups_per_minute",
        SettingsError::SuperviseRevealsPerDay(_) => "supervise_reveals_per_day",
    }
}

impl Config {
    /// The server's bounds: the defaults, with `[server]` over them.
    pub fn limits(&self) -> Result<Limits, String> {
        match &self.server {
            Some(server) => server.apply(Limits::default()),
            None => Ok(Limits::default()),
        }
    }

    /// The rule settings of this config: the defaults, with `[rules]` over them.
    pub fn settings(&self) -> Result<Settings, String> {
        match &self.rules {
            Some(rules) => rules.apply(Settings::default()),
            None => Ok(Settings::default()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("配置文件 {file} 有误：{message}")]
pub struct ConfigError {
    pub file: String,
    pub message: String,
}

impl Config {
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError {
            file: file.to_string(),
            message: e.to_string().trim().to_string(),
        })
    }

    /// The file at `path`; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError {
                file: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_sets_theme_borders_and_keymap() {
        let c = Config::parse(
            "theme = \"mono\"\nborders = \"ascii\"\nkeymap = \"vim\"\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.theme, Some(ThemeName::Mono));
        assert_eq!(c.borders, Some(Borders::Ascii));
        assert_eq!(c.keymap.as_deref(), Some("vim"));
    }

    #[test]
    fn an_unknown_key_or_value_is_refused_with_its_line() {
        let e = Config::parse("theme = \"16\"\nborder = \"ascii\"\n", "config.toml").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = Config::parse("borders = \"double\"\n", "config.toml").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn the_shipped_caseworker_config_reads() {
        let text = include_str!("../examples/deploy/caseworker-config.toml");
        let c = Config::parse(text, "caseworker-config.toml").unwrap();
        assert_eq!(
            c.socket.as_deref(),
            Some(std::path::Path::new("/run/yuanzhu/yuanzhu.sock"))
        );
    }

    #[test]
    fn rules_set_the_notice_the_holidays_and_the_tiers() {
        let c = Config::parse(
            "[rules]\nminimum_wage = 1900\nnotice_working_days = 7\nholidays = [\"2026-10-01\", \"2026-10-02\"]\nworkdays = [\"2026-10-10\"]\ntier_interval_days = [7, 0, 0]\n",
            "c.toml",
        )
        .unwrap();
        let s = c.settings().unwrap();
        assert_eq!(s.notice_working_days, 7);
        assert_eq!(s.minimum_wage, 1900);
        // The county's days come on top of the shipped State Council table.
        let shipped = Settings::default().calendar;
        assert_eq!(s.calendar.holidays.len(), shipped.holidays.len());
        assert!(
            s.calendar
                .holidays
                .contains(&chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap())
        );
        assert_eq!(s.tiers[0].interval_days, Some(7));
        assert_eq!(s.tiers[1].interval_days, None);
    }

    #[test]
    fn finding_14_the_domain_numbers_are_read_from_rules_and_checked() {
        let c = Config::parse(
            "[rules]\ndue_soon_day = 18\nlate_entry_days = 3\nzero_clearance_days = 20\nage_4050_women = 45\nage_4050_men = 55\nmonths_4050 = 12\nsi_subsidy_share = [1, 2]\nsi_subsidy_years = 2\ndibao_standard = 850\ndibao_cost_deduction_percent = 25\ndibao_exit_years = 1\ndibao_exit_years_disabled = 2\npost_priority_bands = [50, 60, 45, 55]\n",
            "c.toml",
        )
        .unwrap();
        let s = c.settings().unwrap();
        assert_eq!(
            (s.due_soon_day, s.late_entry_days, s.zero_clearance_days),
            (18, 3, 20)
        );
        assert_eq!(
            (s.age_4050_women, s.age_4050_men, s.months_4050),
            (45, 55, 12)
        );
        assert_eq!(s.si_subsidy_share.to_string(), "1/2");
        assert_eq!((s.si_subsidy_years, s.dibao_standard), (2, 850));
        assert_eq!(s.dibao_cost_deduction_percent, 25);
        assert_eq!((s.dibao_exit_years, s.dibao_exit_years_disabled), (1, 2));
        assert_eq!(s.post_priority_bands.band1_men, 60);
        let e = Config::parse("[rules]\nsi_subsidy_share = [3, 2]\n", "c.toml")
            .unwrap()
            .settings()
            .unwrap_err();
        assert!(
            e.starts_with("si_subsidy_share") && e.contains("第(九)条"),
            "{e}"
        );
    }

    #[test]
    fn a_county_workday_overrides_a_shipped_holiday() {
        let c = Config::parse("[rules]\nworkdays = [\"2026-10-07\"]\n", "c.toml").unwrap();
        let s = c.settings().unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 7).unwrap();
        assert!(s.calendar.is_working_day(day));
        assert!(!Settings::default().calendar.is_working_day(day));
    }

    #[test]
    fn a_tier_rarer_than_monthly_is_refused() {
        let c = Config::parse("[rules]\ntier_interval_days = [14, 45, 0]\n", "c.toml").unwrap();
        let e = c.settings().unwrap_err();
        assert!(e.contains("45") && e.contains("每月"), "{e}");
        assert!(
            e.starts_with("tier_interval_days") && e.contains("第(五)条"),
            "{e}"
        );
    }

    #[test]
    fn exit_rules_take_their_counts_from_the_file_within_bounds() {
        let c = Config::parse("[rules]\nexit_stable_followups = 4\n", "c.toml").unwrap();
        assert_eq!(c.settings().unwrap().exit_rules.stable_followups, 4);
        let c = Config::parse("[rules]\nexit_unwilling_followups = 0\n", "c.toml").unwrap();
        assert!(c.settings().unwrap_err().contains("1 至 12"));
    }

    #[test]
    fn server_limits_default_and_come_from_the_server_table_within_bounds() {
        assert_eq!(Config::default().limits().unwrap(), Limits::default());
        let c = Config::parse(
            "[server]\nmax_connections = 64\nmax_connections_per_user = 4\nframe_timeout_s = 3\nidle_timeout_s = 600\n",
            "c.toml",
        )
        .unwrap();
        let l = c.limits().unwrap();
        assert_eq!((l.max_connections, l.max_connections_per_user), (64, 4));
        assert_eq!(l.frame_timeout, Duration::from_secs(3));
        assert_eq!(l.idle_timeout, Duration::from_secs(600));
        // Fewer connections in all than the per-user default: the per-user cap follows.
        let c = Config::parse("[server]\nmax_connections = 8\n", "c.toml").unwrap();
        assert_eq!(c.limits().unwrap().max_connections_per_user, 8);

        let c = Config::parse("[server]\nframe_timeout_s = 0\n", "c.toml").unwrap();
        assert!(c.limits().unwrap_err().contains("frame_timeout_s"));
        let c = Config::parse(
            "[server]\nmax_connections = 10\nmax_connections_per_user = 11\n",
            "c.toml",
        )
        .unwrap();
        assert!(c.limits().unwrap_err().contains("max_connections_per_user"));
        let e = Config::parse("[server]\nmax_conections = 10\n", "c.toml").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
