//! One figure of the month's table, named: what a caseworker drills into from the 统计
//! screen. A [`Measure`] reads its count out of a [`Contribution`], so the people listed
//! under a figure are exactly those whose contribution adds to it. It does not say how the
//! table is laid out on screen.

use super::exit::ExitReason;
use super::followup::WorkStatus;
use super::stats::Contribution;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Measure {
    AtStart,
    New,
    /// Exited in the month, every reason.
    Exited,
    AtEnd,
    /// In work at the month's end: every status but 未就业.
    InWork,
    /// At the month's end with this work status.
    Status(WorkStatus),
    /// The rate's figure itself: its denominator, each person saying whether the numerator
    /// counts them too.
    Rate,
    RateNumerator,
    RateDenominator,
    HelpedThisYear,
    ZeroAtEnd,
    ZeroFound,
    ZeroCleared,
    ZeroPastDeadline,
    FollowupsDue,
    FollowupsDone,
    FollowupsOverdue,
}

impl Measure {
    /// How many this contribution adds to the figure.
    pub fn count(self, c: &Contribution) -> u32 {
        match self {
            Measure::AtStart => c.at_start,
            Measure::New => c.new,
            Measure::Exited => c.exited_total(),
            Measure::AtEnd => c.at_end,
            Measure::InWork => c.in_work(),
            Measure::Status(s) => WorkStatus::ALL
                .iter()
                .position(|x| *x == s)
                .map_or(0, |i| c.by_status[i]),
            Measure::Rate | Measure::RateDenominator => c.rate_denominator,
            Measure::RateNumerator => c.rate_numerator,
            Measure::HelpedThisYear => c.helped_this_year,
            Measure::ZeroAtEnd => c.zero_at_end,
            Measure::ZeroFound => c.zero_found,
            Measure::ZeroCleared => c.zero_cleared,
            Measure::ZeroPastDeadline => c.zero_past_deadline,
            Measure::FollowupsDue => c.followups_due,
            Measure::FollowupsDone => c.followups_done,
            Measure::FollowupsOverdue => c.followups_overdue,
        }
    }

    /// Whether the figure counts households (零就业家庭) rather than persons.
    pub fn counts_households(self) -> bool {
        matches!(
            self,
            Measure::ZeroAtEnd
                | Measure::ZeroFound
                | Measure::ZeroCleared
                | Measure::ZeroPastDeadline
        )
    }

    /// The figure's name, as the list's title says it.
    pub fn label(self) -> &'static str {
        match self {
            Measure::AtStart => "月初在册",
            Measure::New => "本月新增",
            Measure::Exited => "本月退出",
            Measure::AtEnd => "月末在册",
            Measure::InWork => "月末在岗",
            Measure::Status(s) => s.label(),
            Measure::Rate => "援助率（分母）",
            Measure::RateNumerator => "援助率分子",
            Measure::RateDenominator => "援助率分母",
            Measure::HelpedThisYear => "本年帮扶就业",
            Measure::ZeroAtEnd => "零就业家庭",
            Measure::ZeroFound => "本月新增零就业",
            Measure::ZeroCleared => "本月清零",
            Measure::ZeroPastDeadline => "超期未清零",
            Measure::FollowupsDue => "本月应访",
            Measure::FollowupsDone => "本月已访",
            Measure::FollowupsOverdue => "回访逾期",
        }
    }

    /// Why one counted case or household is under the figure, from its contribution: the
    /// line the list shows beside the name.
    pub fn reason(self, c: &Contribution) -> String {
        let status = || {
            WorkStatus::ALL
                .iter()
                .zip(c.by_status)
                .find(|(_, n)| *n > 0)
                .map_or("", |(s, _)| s.label())
        };
        match self {
            Measure::AtStart | Measure::AtEnd | Measure::New => {
                let mut why = Vec::new();
                if c.new > 0 {
                    why.push("本月认定".to_string());
                }
                if c.exited_total() > 0 {
                    why.push("本月退出".to_string());
                } else if c.at_end > 0 {
                    why.push(format!("月末{}", status()));
                }
                why.join("，")
            }
            Measure::Exited => ExitReason::ALL
                .iter()
                .zip(c.exited)
                .find(|(_, n)| *n > 0)
                .map_or(String::new(), |(r, _)| format!("退出：{}", r.label())),
            Measure::InWork | Measure::Status(_) => format!("月末{}", status()),
            Measure::Rate | Measure::RateDenominator | Measure::RateNumerator => {
                if c.rate_numerator > 0 {
                    format!("已就业（计入分子），月末{}", status())
                } else {
                    "尚未实现就业".into()
                }
            }
            Measure::HelpedThisYear => format!("本年由未就业转为就业，月末{}", status()),
            Measure::ZeroAtEnd | Measure::ZeroPastDeadline => {
                if c.zero_past_deadline > 0 {
                    "零就业，已超过清零期限".into()
                } else {
                    "零就业，在清零期限内".into()
                }
            }
            Measure::ZeroFound => "本月认定为零就业家庭".into(),
            Measure::ZeroCleared => "本月动态清零".into(),
            Measure::FollowupsDue | Measure::FollowupsDone | Measure::FollowupsOverdue => {
                if c.followups_done > 0 {
                    "本月已访".into()
                } else if c.followups_overdue > 0 {
                    "逾期未访".into()
                } else {
                    "本月待访".into()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_figure_reads_its_own_column_and_the_rate_lists_its_denominator() {
        let c = Contribution {
            by_status: [0, 1, 0, 0, 0, 0],
            rate_denominator: 1,
            rate_numerator: 1,
            ..Contribution::default()
        };
        assert_eq!(Measure::Status(WorkStatus::ALL[1]).count(&c), 1);
        assert_eq!(Measure::Status(WorkStatus::ALL[0]).count(&c), 0);
        assert_eq!(Measure::InWork.count(&c), c.in_work());
        assert_eq!(Measure::Rate.count(&c), 1);
        assert!(Measure::Rate.reason(&c).contains("计入分子"));
        assert!(Measure::ZeroAtEnd.counts_households());
        assert!(!Measure::FollowupsOverdue.counts_households());
    }
}
