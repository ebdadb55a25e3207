//! 公益性岗位 (第(十一)条, R-POST-1, R-POST-2): a placement, and the triggers that end it —
//! stably employed elsewhere, no longer eligible, a rural part-time post's flexible annual
//! income above the poverty-monitoring line (a setting), unable to do the duties — each a
//! candidate for the county to decide, like an exit.

use super::case::RecognitionStatus;
use super::category::Category;
use super::followup::{FollowUpAnswers, WorkStatus};
use super::id_number::{Sex, age_on};
use super::settings::PostPriorityBands;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PostType {
    /// 城镇公益性岗位
    Urban,
    /// 乡村公益性岗位 (part-time)
    RuralPartTime,
}

impl PostType {
    pub const ALL: [PostType; 2] = [PostType::Urban, PostType::RuralPartTime];

    pub fn label(self) -> &'static str {
        match self {
            PostType::Urban => "城镇公益性岗位",
            PostType::RuralPartTime => "乡村公益性岗位（兼职）",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub post_type: PostType,
    pub employer: String,
    pub start: NaiveDate,
    /// The agreed end: at most three years on, or the retirement date (R-POST-2).
    pub end: NaiveDate,
    /// 岗位补贴, yuan a month.
    pub post_subsidy: u32,
    /// 社会保险补贴, yuan a month.
    pub insurance_subsidy: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostExitReason {
    EmployedElsewhere,
    NoLongerEligible,
    IncomeAboveLine,
    UnableToPerform,
    TermEnded,
}

impl PostExitReason {
    pub fn label(self) -> &'static str {
        match self {
            PostExitReason::EmployedElsewhere => "已在其他单位稳定就业",
            PostExitReason::NoLongerEligible => "不再符合安置条件",
            PostExitReason::IncomeAboveLine => "灵活就业年收入超过防止返贫监测线",
            PostExitReason::UnableToPerform => "不能履行岗位职责",
            PostExitReason::TermEnded => "岗位期满",
        }
    }
}

/// R-POST-1: placement only after recognition; R-POST-2: at most three years, or up to
/// the retirement date for a person within five years of it at placement.
pub fn check_placement(
    status: RecognitionStatus,
    placement: &Placement,
    retires: NaiveDate,
    minimum_wage: u32,
) -> Result<(), String> {
    if status != RecognitionStatus::Recognised {
        return Err(format!(
            "公益性岗位只安置已认定的就业困难人员（此人为“{}”），请先完成认定",
            status.label()
        ));
    }
    if placement.end <= placement.start {
        return Err("岗位结束日期应晚于开始日期".into());
    }
    let three_years = placement
        .start
        .checked_add_months(Months::new(36))
        .unwrap_or(placement.start);
    let near_retirement = placement
        .start
        .checked_add_months(Months::new(60))
        .is_some_and(|five| retires <= five);
    let limit = if near_retirement {
        retires
    } else {
        three_years
    };
    if placement.end > limit {
        return Err(format!(
            "岗位期限最长至 {}（{}）",
            limit.format("%Y-%m-%d"),
            if near_retirement {
                "距退休不足5年的可到退休"
            } else {
                "一般不超过3年"
            }
        ));
    }
    if u64::from(placement.post_subsidy) * 10 > u64::from(minimum_wage) * 7 {
        return Err(format!(
            "岗位补贴不超过当地最低工资的70%（{} 元）",
            minimum_wage * 7 / 10
        ));
    }
    Ok(())
}

/// R-POST-1 (赣人社规〔2024〕6号): the placement priority band of a candidate, 1 (first)
/// to 5, with the ages of bands 1 and 2 from the settings. `graduate` is a graduate
/// within a year of graduating (band 4), which the ledger does not record itself.
pub fn priority_band(
    categories: &[Category],
    birth: NaiveDate,
    sex: Sex,
    graduate: bool,
    today: NaiveDate,
    bands: &PostPriorityBands,
) -> u8 {
    let age = age_on(birth, today);
    let (band1_age, band2_age) = match sex {
        Sex::Female => (bands.band1_women, bands.band2_women),
        Sex::Male => (bands.band1_men, bands.band2_men),
    };
    let has = |wanted: &[Category]| categories.iter().any(|c| wanted.contains(c));
    if has(&[
        Category::ZeroEmploymentMember,
        Category::Dibao,
        Category::Disabled,
    ]) || age >= band1_age
    {
        1
    } else if has(&[Category::LandLost, Category::RetiredFisher]) || age >= band2_age {
        2
    } else if has(&[Category::PovertyAlleviated]) {
        3
    } else if graduate {
        4
    } else {
        5
    }
}

/// 第(十一)条 (R-POST-1): a rural part-time post holder's yearly income, for the trigger
/// "flexible annual income above the poverty-monitoring line": the monthly wage of the
/// latest follow-up × 12, when that follow-up found the holder on the post (公益性岗位,
/// the status a post holder has) or in flexible work (灵活就业). Any other status says
/// nothing of this income: work elsewhere has its own trigger.
pub fn holder_annual_income(followups: &[FollowUpAnswers]) -> Option<u32> {
    followups
        .last()
        .filter(|f| {
            matches!(
                f.work_status,
                WorkStatus::PublicWelfarePost | WorkStatus::Flexible
            )
        })
        .and_then(|f| f.employment.as_ref())
        .map(|e| e.monthly_wage.saturating_mul(12))
}

/// What ends a placement now, from the latest follow-ups and the person's state: `line`
/// is the poverty-monitoring line (yuan a year) for rural part-time posts.
pub fn post_exit_triggers(
    placement: &Placement,
    status: RecognitionStatus,
    followups: &[FollowUpAnswers],
    annual_flexible_income: Option<u32>,
    line: u32,
    today: NaiveDate,
) -> Vec<PostExitReason> {
    let mut out = Vec::new();
    if today > placement.end {
        out.push(PostExitReason::TermEnded);
    }
    if status != RecognitionStatus::Recognised {
        out.push(PostExitReason::NoLongerEligible);
    }
    let elsewhere = followups.last().is_some_and(|f| {
        f.employment.as_ref().is_some_and(|e| {
            e.employer != placement.employer && e.contract_signed && e.social_insurance_paid
        })
    });
    if elsewhere {
        out.push(PostExitReason::EmployedElsewhere);
    }
    if placement.post_type == PostType::RuralPartTime
        && annual_flexible_income.is_some_and(|income| income > line)
    {
        out.push(PostExitReason::IncomeAboveLine);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::followup::{ContactMethod, Employment};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn post(start: NaiveDate, end: NaiveDate) -> Placement {
        Placement {
            post_type: PostType::RuralPartTime,
            employer: "贡江镇长征村委会".into(),
            start,
            end,
            post_subsidy: 1200,
            insurance_subsidy: 380,
        }
    }

    #[test]
    fn placement_waits_for_recognition_and_keeps_to_three_years() {
        let retires = d(2045, 1, 1);
        let p = post(d(2026, 12, 1), d(2029, 12, 1));
        assert!(check_placement(RecognitionStatus::Recognised, &p, retires, 1850).is_ok());
        let e =
            check_placement(RecognitionStatus::AwaitingRecognition, &p, retires, 1850).unwrap_err();
        assert!(e.contains("先完成认定"), "{e}");
        let long = post(d(2026, 12, 1), d(2029, 12, 2));
        assert!(
            check_placement(RecognitionStatus::Recognised, &long, retires, 1850)
                .unwrap_err()
                .contains("3年")
        );
        // Within five years of retirement: up to the retirement date.
        let near = post(d(2026, 12, 1), d(2030, 6, 1));
        assert!(check_placement(RecognitionStatus::Recognised, &near, d(2030, 6, 1), 1850).is_ok());
        let mut rich = p.clone();
        rich.post_subsidy = 1300;
        assert!(
            check_placement(RecognitionStatus::Recognised, &rich, retires, 1850)
                .unwrap_err()
                .contains("70%")
        );
    }

    #[test]
    fn finding_14_post_priority_bands_follow_the_settings() {
        let b = crate::domain::Settings::default().post_priority_bands;
        let today = d(2026, 11, 16);
        let band = |cats: &[Category], born: i32, sex, graduate| {
            priority_band(cats, d(born, 1, 1), sex, graduate, today, &b)
        };
        assert_eq!(band(&[Category::Dibao], 1996, Sex::Male, false), 1);
        assert_eq!(band(&[], 1981, Sex::Female, false), 1); // 45
        assert_eq!(band(&[], 1982, Sex::Female, false), 2); // 44
        assert_eq!(band(&[], 1971, Sex::Male, false), 1); // 55
        assert_eq!(band(&[], 1976, Sex::Male, false), 2); // 50
        assert_eq!(band(&[Category::RetiredFisher], 1990, Sex::Male, false), 2);
        assert_eq!(
            band(&[Category::PovertyAlleviated], 1990, Sex::Male, false),
            3
        );
        assert_eq!(band(&[], 2003, Sex::Female, true), 4);
        assert_eq!(band(&[Category::Other], 1990, Sex::Male, false), 5);
        // A county that moves band 1 to 50/60 moves the 55-year-old man to band 2.
        let later = PostPriorityBands {
            band1_women: 50,
            band1_men: 60,
            ..b
        };
        assert_eq!(
            priority_band(&[], d(1971, 1, 1), Sex::Male, false, today, &later),
            2
        );
    }

    fn on(status: WorkStatus, wage: u32) -> FollowUpAnswers {
        FollowUpAnswers {
            date: d(2026, 11, 3),
            method: ContactMethod::HomeVisit,
            work_status: status,
            employment: Some(Employment {
                employer: "贡江镇长征村委会".into(),
                contract_signed: false,
                social_insurance_paid: true,
                monthly_wage: wage,
            }),
            willing_to_work: true,
            needs: vec![],
            services: String::new(),
            plan: String::new(),
            next_contact: d(2026, 12, 1),
            outcome: crate::domain::followup::ContactOutcome::Reached,
        }
    }

    /// Finding 10 (issue 13): the holder of a rural post is on 公益性岗位, and it is that
    /// income the trigger reads; it could only fire for 灵活就业 before.
    #[test]
    fn the_rural_post_trigger_reads_the_post_holders_income() {
        let on_post = [on(WorkStatus::PublicWelfarePost, 700)];
        assert_eq!(holder_annual_income(&on_post), Some(8400));
        assert_eq!(
            holder_annual_income(&[on(WorkStatus::Flexible, 500)]),
            Some(6000)
        );
        assert_eq!(holder_annual_income(&[on(WorkStatus::Employed, 700)]), None);
        assert_eq!(holder_annual_income(&[]), None);
        let p = post(d(2026, 1, 1), d(2027, 1, 1));
        let income = holder_annual_income(&on_post);
        assert_eq!(
            post_exit_triggers(
                &p,
                RecognitionStatus::Recognised,
                &on_post,
                income,
                7600,
                d(2026, 11, 16)
            ),
            [PostExitReason::IncomeAboveLine]
        );
    }

    #[test]
    fn a_post_ends_on_work_elsewhere_income_above_the_line_or_its_term() {
        let p = post(d(2026, 1, 1), d(2027, 1, 1));
        let elsewhere = FollowUpAnswers {
            date: d(2026, 10, 1),
            method: ContactMethod::Phone,
            work_status: WorkStatus::Employed,
            employment: Some(Employment {
                employer: "于都县盛源鞋业有限公司".into(),
                contract_signed: true,
                social_insurance_paid: true,
                monthly_wage: 3800,
            }),
            willing_to_work: true,
            needs: vec![],
            services: String::new(),
            plan: String::new(),
            next_contact: d(2026, 11, 1),
            outcome: crate::domain::followup::ContactOutcome::Reached,
        };
        let r = RecognitionStatus::Recognised;
        assert!(post_exit_triggers(&p, r, &[], Some(9000), 9000, d(2026, 11, 1)).is_empty());
        assert_eq!(
            post_exit_triggers(&p, r, &[], Some(9001), 9000, d(2026, 11, 1)),
            [PostExitReason::IncomeAboveLine]
        );
        assert_eq!(
            post_exit_triggers(&p, r, &[elsewhere], None, 9000, d(2026, 11, 1)),
            [PostExitReason::EmployedElsewhere]
        );
        assert_eq!(
            post_exit_triggers(
                &p,
                RecognitionStatus::Exited,
                &[],
                None,
                9000,
                d(2027, 1, 2)
            ),
            [PostExitReason::TermEnded, PostExitReason::NoLongerEligible]
        );
    }
}
