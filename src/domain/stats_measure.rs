//! One figure of the month's table, named: what a caseworker drills into from the 统计
//! screen. A [`Measure`] reads its count out of a [`Contribution`], so the people listed
//! under a figure are exactly those whose contribution adds to it. It does not say how the
//! table is laid out on screen.

use super::exit::ExitReason;
use super::followup::WorkStatus;
use super::lead::{Disposition, LeadSource};
use super::ledger::PolicyKind;
use super::post::PostType;
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
    /// On a public-welfare post of this type at the month's end (R-POST-1).
    OnPost(PostType),
    /// Paid this policy in the month: its persons (the yuan column lists the same people).
    Paid(PolicyKind),
    PaidToCard,
    PaidToUnit,
    /// Leads found on this source's lists dated in the month (R-DISCOVER-1).
    LeadsFound(LeadSource),
    LeadsFoundAll,
    /// Leads with this disposition at the month's end.
    LeadsAt(Disposition),
    LeadsAll,
}

/// What a figure counts, and so which kept records its list reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counts {
    Cases,
    /// 零就业家庭.
    Households,
    /// Persons, by their ledger's posts and payments.
    Ledgers,
    Leads,
}

fn at<T: PartialEq>(all: &[T], x: &T) -> usize {
    all.iter().position(|y| y == x).unwrap_or(usize::MAX)
}

fn read<T: Copy + Default, const N: usize>(values: [T; N], i: usize) -> T {
    values.get(i).copied().unwrap_or_default()
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
            Measure::OnPost(p) => read(c.on_post, at(&PostType::ALL, &p)),
            Measure::Paid(k) => read(c.paid_persons, at(&PolicyKind::ALL, &k)),
            Measure::PaidToCard => c.to_card_persons,
            Measure::PaidToUnit => c.to_unit_persons,
            Measure::LeadsFound(s) => read(c.leads_found, at(&LeadSource::ALL, &s)),
            Measure::LeadsFoundAll => c.leads_found.iter().sum(),
            Measure::LeadsAt(d) => read(c.leads_at_end, at(&Disposition::ALL, &d)),
            Measure::LeadsAll => c.leads_total(),
        }
    }

    /// Which records the figure counts.
    pub fn counts(self) -> Counts {
        match self {
            Measure::ZeroAtEnd
            | Measure::ZeroFound
            | Measure::ZeroCleared
            | Measure::ZeroPastDeadline => Counts::Households,
            Measure::OnPost(_) | Measure::Paid(_) | Measure::PaidToCard | Measure::PaidToUnit => {
                Counts::Ledgers
            }
            Measure::LeadsFound(_)
            | Measure::LeadsFoundAll
            | Measure::LeadsAt(_)
            | Measure::LeadsAll => Counts::Leads,
            _ => Counts::Cases,
        }
    }

    /// Whether the figure counts households (零就业家庭) rather than persons.
    pub fn counts_households(self) -> bool {
        self.counts() == Counts::Households
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
            Measure::OnPost(p) => p.label(),
            Measure::Paid(k) => k.label(),
            Measure::PaidToCard => "发放至社会保障卡",
            Measure::PaidToUnit => "发放至单位账户",
            Measure::LeadsFound(s) => s.label(),
            Measure::LeadsFoundAll => "本月新发现线索",
            Measure::LeadsAt(d) => d.label(),
            Measure::LeadsAll => "线索（月末）",
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
            Measure::OnPost(p) => format!("月末在{}", p.label()),
            Measure::Paid(k) => {
                let i = at(&PolicyKind::ALL, &k);
                format!("本月发放{} {} 元", k.label(), read(c.paid_yuan, i))
            }
            Measure::PaidToCard => format!("本月发放至社会保障卡 {} 元", c.to_card_yuan),
            Measure::PaidToUnit => format!("本月发放至单位账户 {} 元", c.to_unit_yuan),
            Measure::LeadsFound(_)
            | Measure::LeadsFoundAll
            | Measure::LeadsAt(_)
            | Measure::LeadsAll => {
                // The list names the lead's source beside this.
                let found = c.leads_found.iter().any(|n| *n > 0);
                let now = Disposition::ALL
                    .iter()
                    .zip(c.leads_at_end)
                    .find(|(_, n)| *n > 0)
                    .map_or("", |(d, _)| d.label());
                format!("{}月末{now}", if found { "本月名单发现，" } else { "" })
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
