//! 第(四)条 分级帮扶: tiered assistance, levels Ⅰ, Ⅱ, Ⅲ. Written 一级/二级/三级 on screen,
//! because Ⅰ Ⅱ Ⅲ are of ambiguous width in Chinese-locale consoles.

use super::category::Category;
use super::settings::Settings;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    /// Most intensive: zero-employment household members, dibao, disabled, or near retirement
    /// and out of work.
    One,
    /// Other persons out of work.
    Two,
    /// In work, being kept stable.
    Three,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::One, Tier::Two, Tier::Three];

    pub fn label(self) -> &'static str {
        match self {
            Tier::One => "一级",
            Tier::Two => "二级",
            Tier::Three => "三级",
        }
    }

    /// The default next contact after a contact on `day` (R-TIER-1; never rarer than monthly,
    /// R-FOLLOW-1).
    pub fn next_contact(self, day: NaiveDate, settings: &Settings) -> NaiveDate {
        let next = match settings.tier(self).interval_days {
            Some(days) => day.checked_add_days(Days::new(u64::from(days.min(31)))),
            None => day.checked_add_months(Months::new(1)),
        };
        next.unwrap_or(day)
    }
}

/// What the default tier rule looks at: the person's categories (recorded and derived),
/// whether they are in work, and whether they are within five years of retirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierFacts {
    pub categories: Vec<Category>,
    pub in_work: bool,
    /// 距法定退休年龄不足5年 ([`super::retirement::within_years_of_retirement`]).
    pub near_retirement: bool,
}

/// 第(四)条 分级帮扶, the default rule (DOMAIN.md, tiers Ⅰ/Ⅱ/Ⅲ): 三级 for a person in
/// work, being kept stable; 一级 for one out of work who is a zero-employment household
/// member, on dibao, disabled, or within five years of retirement; 二级 for everyone else
/// out of work. A suggestion: the county may take another tier, recorded with a reason.
pub fn suggested_tier(facts: &TierFacts) -> Tier {
    if facts.in_work {
        return Tier::Three;
    }
    let priority = facts.categories.iter().any(|c| {
        matches!(
            c,
            Category::ZeroEmploymentMember | Category::Dibao | Category::Disabled
        )
    });
    if priority || facts.near_retirement {
        Tier::One
    } else {
        Tier::Two
    }
}

/// Why the default rule gives its tier, in a few words for the screens' one line.
pub fn suggestion_basis(facts: &TierFacts) -> String {
    if facts.in_work {
        return "已就业，稳岗帮扶".into();
    }
    let named: Vec<&str> = facts
        .categories
        .iter()
        .filter(|c| {
            matches!(
                c,
                Category::ZeroEmploymentMember | Category::Dibao | Category::Disabled
            )
        })
        .map(|c| c.label())
        .collect();
    match (named.is_empty(), facts.near_retirement) {
        (false, _) => format!("{}，未就业", named.join("、")),
        (true, true) => "距法定退休年龄不足5年，未就业".into(),
        (true, false) => "未就业".into(),
    }
}

/// The screens' one line: the default rule's tier and why, and what to do when the case's
/// tier differs from it (第(四)条; the county changes a tier with a reason, audited).
pub fn suggestion_line(current: Tier, facts: &TierFacts) -> String {
    let suggested = suggested_tier(facts);
    let basis = suggestion_basis(facts);
    if suggested == current {
        format!(
            "建议帮扶等级：{}（{basis}），与现等级一致",
            suggested.label()
        )
    } else {
        format!(
            "建议帮扶等级：{}（{basis}），现为{}，可由县级审核调整并写明理由",
            suggested.label(),
            current.label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(categories: &[Category], in_work: bool, near_retirement: bool) -> TierFacts {
        TierFacts {
            categories: categories.to_vec(),
            in_work,
            near_retirement,
        }
    }

    #[test]
    fn finding_12_zero_employment_dibao_and_disabled_out_of_work_are_tier_one() {
        for c in [
            Category::ZeroEmploymentMember,
            Category::Dibao,
            Category::Disabled,
        ] {
            assert_eq!(
                suggested_tier(&facts(&[c], false, false)),
                Tier::One,
                "{c:?}"
            );
            assert_eq!(
                suggested_tier(&facts(&[Category::LandLost, c], false, false)),
                Tier::One
            );
        }
    }

    #[test]
    fn finding_12_near_retirement_and_out_of_work_is_tier_one() {
        assert_eq!(
            suggested_tier(&facts(&[Category::Age4050], false, true)),
            Tier::One
        );
        assert_eq!(suggested_tier(&facts(&[], false, true)), Tier::One);
    }

    #[test]
    fn finding_12_anyone_in_work_is_tier_three() {
        assert_eq!(
            suggested_tier(&facts(&[Category::Dibao, Category::Disabled], true, true)),
            Tier::Three
        );
        assert_eq!(
            suggested_tier(&facts(&[Category::Age4050], true, false)),
            Tier::Three
        );
    }

    #[test]
    fn finding_12_others_out_of_work_are_tier_two() {
        for c in [
            Category::LandLost,
            Category::PovertyAlleviated,
            Category::RelapseMonitored,
            Category::RetiredFisher,
            Category::Age4050,
            Category::Other,
        ] {
            assert_eq!(
                suggested_tier(&facts(&[c], false, false)),
                Tier::Two,
                "{c:?}"
            );
        }
        assert_eq!(suggested_tier(&facts(&[], false, false)), Tier::Two);
    }

    #[test]
    fn tier_one_is_contacted_every_two_weeks_and_others_monthly() {
        let s = Settings::default();
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(
            Tier::One.next_contact(day, &s),
            NaiveDate::from_ymd_opt(2026, 2, 14).unwrap()
        );
        assert_eq!(
            Tier::Two.next_contact(day, &s),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
    }

    #[test]
    fn finding_12_the_line_names_the_suggestion_its_basis_and_a_differing_tier() {
        let dibao = facts(&[Category::Dibao, Category::LandLost], false, false);
        let line = suggestion_line(Tier::Two, &dibao);
        assert!(
            line.starts_with("建议帮扶等级：一级（低保人员，未就业）"),
            "{line}"
        );
        assert!(line.contains("现为二级"), "{line}");
        let placed = facts(&[Category::Dibao], true, false);
        assert_eq!(
            suggestion_line(Tier::Three, &placed),
            "建议帮扶等级：三级（已就业，稳岗帮扶），与现等级一致"
        );
        let old = facts(&[], false, true);
        assert!(suggestion_line(Tier::One, &old).contains("距法定退休年龄不足5年"));
    }
}
