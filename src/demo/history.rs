//! One recognised person's last twelve months as the ledger would hold them (第(五)条
//! 每月跟踪回访): a month-by-month Markov chain of work status (out of work → placed with a
//! small monthly chance, 外出务工 the likeliest destination as in Jiangxi; in work mostly
//! stays), sampled at the follow-ups a caseworker made, with the answers a caseworker types:
//! method, employer, contract, social insurance, wage, needs, services and plan. Some months
//! go without a contact, so some cases are overdue; the current month is covered only up to
//! today, so most are still due.

use super::rng::SplitMix64;
use crate::domain::followup::{Employment, FollowUpAnswers};
use crate::domain::{ContactMethod, Need, Settings, Tier, WorkStatus, YearMonth};
use chrono::{Days, NaiveDate};

/// What the chain needs to know of the person and the case.
pub struct CaseOutline<'a> {
    pub recognised_on: NaiveDate,
    pub today: NaiveDate,
    /// 一级 for reasons that do not change with work (dibao, disability, near retirement).
    pub intensive: bool,
    /// Partial labour capacity or near retirement: placed less often, more often in a
    /// public-welfare post.
    pub harder_to_place: bool,
    /// Nobody else in the household works: the case is a priority (第(四)条 动态清零).
    pub priority: bool,
    pub township: &'a str,
    pub village: &'a str,
}

/// One follow-up, and the tier change it led to (learned work status moves 二级 ↔ 三级).
pub struct Contact {
    pub answers: FollowUpAnswers,
    pub tier_change: Option<TierChange>,
}

pub struct TierChange {
    pub from: Tier,
    pub to: Tier,
    pub reason: &'static str,
}

/// The follow-ups of the last twelve months (ending in `today`'s month), oldest first.
pub struct History {
    pub tier_at_recognition: Tier,
    pub contacts: Vec<Contact>,
}

/// Chance, each month, that a person out of work and willing is placed.
const MONTHLY_PLACEMENT: f64 = 0.2;
const MONTHLY_PLACEMENT_HARDER: f64 = 0.12;
/// For someone whose household has nobody else in work, caseworkers push hardest.
const MONTHLY_PLACEMENT_PRIORITY: f64 = 0.35;
/// Chance, each month, that a person in work loses it.
const MONTHLY_JOB_LOSS: f64 = 0.015;
/// Wages stay within what the demo's caseload earns.
const MAX_WAGE: u32 = 7000;
/// Chance that an ordinary month of the window has a follow-up (R-FOLLOW-1 asks for all).
const MONTH_COVERED: f64 = 0.92;
/// Last month's chance: a little lower, so that a few percent of cases show 逾期.
const LAST_MONTH_COVERED: f64 = 0.89;
/// This month's chance of a contact by today: most of the caseload is still 待访.
const THIS_MONTH_COVERED: f64 = 0.35;
/// …and for someone already missed last month, whom caseworkers find hard to reach.
const THIS_MONTH_COVERED_AFTER_MISS: f64 = 0.2;
/// 一级 means a contact every two weeks; a covered month of a 一级 case often has a second.
const SECOND_CONTACT_FOR_TIER_ONE: f64 = 0.35;

/// Where a placement lands. Jiangxi sends many workers to other provinces (R-FOLLOW-2).
const PLACEMENTS: [(WorkStatus, u32); 5] = [
    (WorkStatus::MigrantWork, 36),
    (WorkStatus::Employed, 24),
    (WorkStatus::Flexible, 20),
    (WorkStatus::SelfEmployed, 7),
    (WorkStatus::PublicWelfarePost, 13),
];
/// For people the market places less easily, public-welfare posts are the last resort
/// (R-POST-1) and travelling far for work is rarer.
const PLACEMENTS_HARDER: [(WorkStatus, u32); 5] = [
    (WorkStatus::MigrantWork, 12),
    (WorkStatus::Employed, 18),
    (WorkStatus::Flexible, 25),
    (WorkStatus::SelfEmployed, 5),
    (WorkStatus::PublicWelfarePost, 40),
];

/// The person's situation in one month.
struct State {
    status: WorkStatus,
    job: Option<Employment>,
    willing: bool,
}

pub fn tier_at_recognition(intensive: bool) -> Tier {
    // Everyone is out of work when recognised (registered unemployed, R-RECOG-3).
    if intensive { Tier::One } else { Tier::Two }
}

/// R-TIER-1 as the demo applies it: 一级 stays 一级; otherwise 三级 in work, 二级 out of it.
fn tier_for(intensive: bool, status: WorkStatus) -> Tier {
    match (intensive, status.is_in_work()) {
        (true, _) => Tier::One,
        (false, true) => Tier::Three,
        (false, false) => Tier::Two,
    }
}

pub fn simulate(rng: &mut SplitMix64, case: &CaseOutline<'_>, settings: &Settings) -> History {
    let this_month = YearMonth::of(case.today);
    let last_month = this_month.prev();
    let window_start = this_month.minus(11);
    let recognised_month = YearMonth::of(case.recognised_on);
    let tier_at_recognition = tier_at_recognition(case.intensive);
    let mut tier = tier_at_recognition;
    let mut state = State {
        status: WorkStatus::Unemployed,
        job: None,
        willing: true,
    };
    let mut contacts = Vec::new();
    let mut missed_last_month = false;
    let mut month = recognised_month;
    while month <= this_month {
        if month > recognised_month {
            step(rng, &mut state, case);
        }
        if month >= window_start {
            let p = if month == this_month {
                if missed_last_month {
                    THIS_MONTH_COVERED_AFTER_MISS
                } else {
                    THIS_MONTH_COVERED
                }
            } else if month == last_month {
                LAST_MONTH_COVERED
            } else {
                MONTH_COVERED
            };
            let first_day = month.first_day().max(case.recognised_on);
            let last_day = month.last_day().min(case.today);
            let covered = first_day <= last_day && rng.chance(p);
            if month == last_month {
                missed_last_month = !covered;
            }
            if covered {
                let first = rng.day_between(first_day, last_day);
                let mut days = vec![first];
                if tier == Tier::One && rng.chance(SECOND_CONTACT_FOR_TIER_ONE) {
                    let second = first
                        .checked_add_days(Days::new(u64::from(rng.between(12, 16))))
                        .filter(|d| *d <= last_day);
                    days.extend(second);
                }
                for day in days {
                    let new_tier = tier_for(case.intensive, state.status);
                    let answers = answers(rng, &state, day, tier, settings);
                    let tier_change = (new_tier != tier).then(|| TierChange {
                        from: tier,
                        to: new_tier,
                        reason: if new_tier == Tier::Three {
                            "已实现就业，转入稳岗跟踪"
                        } else {
                            "失去工作，恢复求职帮扶"
                        },
                    });
                    tier = new_tier;
                    contacts.push(Contact {
                        answers,
                        tier_change,
                    });
                }
            }
        }
        month = month.next();
    }
    History {
        tier_at_recognition,
        contacts,
    }
}

/// One month of the chain.
fn step(rng: &mut SplitMix64, state: &mut State, case: &CaseOutline<'_>) {
    if state.status.is_in_work() {
        if rng.chance(MONTHLY_JOB_LOSS) {
            state.status = WorkStatus::Unemployed;
            state.job = None;
            state.willing = !rng.chance(0.15);
        } else if state.status != WorkStatus::PublicWelfarePost
            && let Some(job) = state.job.as_mut().filter(|_| rng.chance(0.05))
        {
            // A raise now and then; a post's subsidy is fixed (R-POST-2).
            job.monthly_wage = (job.monthly_wage + 100 * rng.between(1, 3)).min(MAX_WAGE);
        }
        return;
    }
    if !state.willing {
        // Family duties or health keep some away for a while; most come back.
        state.willing = rng.chance(0.15);
        return;
    }
    let p = match (case.priority, case.harder_to_place) {
        (true, _) => MONTHLY_PLACEMENT_PRIORITY,
        (false, true) => MONTHLY_PLACEMENT_HARDER,
        (false, false) => MONTHLY_PLACEMENT,
    };
    if rng.chance(p) {
        let status = if case.harder_to_place {
            rng.weighted(&PLACEMENTS_HARDER)
        } else {
            rng.weighted(&PLACEMENTS)
        };
        state.job = Some(employment(rng, status, case));
        state.status = status;
    } else if rng.chance(0.01) {
        state.willing = false;
    }
}

/// What a caseworker enters at a contact on `day`.
fn answers(
    rng: &mut SplitMix64,
    state: &State,
    day: NaiveDate,
    tier: Tier,
    settings: &Settings,
) -> FollowUpAnswers {
    let insured = state.job.as_ref().is_some_and(|j| j.social_insurance_paid);
    // Data comparison (数据比对) works where there is a record to compare: paid insurance.
    let method = if insured && rng.chance(0.25) {
        ContactMethod::DataCheck
    } else {
        rng.weighted(&[
            (ContactMethod::Phone, 74),
            (ContactMethod::HomeVisit, 21),
            (ContactMethod::DataCheck, 5),
        ])
    };
    let in_work = state.status.is_in_work();
    FollowUpAnswers {
        date: day,
        method,
        work_status: state.status,
        employment: state.job.clone().filter(|_| in_work),
        willing_to_work: in_work || state.willing,
        needs: needs(rng, state),
        services: services(rng, state),
        plan: plan(rng, state).to_string(),
        next_contact: tier.next_contact(day, settings),
        outcome: crate::domain::followup::ContactOutcome::Reached,
    }
}

const NEEDS_IN_WORK: [(&[Need], u32); 3] =
    [(&[], 70), (&[Need::Training], 20), (&[Need::Other], 10)];
const NEEDS_LOOKING: [(&[Need], u32); 4] = [
    (&[Need::Job], 60),
    (&[Need::Job, Need::Training], 25),
    (&[Need::Business], 8),
    (&[Need::Training], 7),
];
const NEEDS_NOT_LOOKING: [(&[Need], u32); 2] = [(&[], 60), (&[Need::Other], 40)];

fn needs(rng: &mut SplitMix64, state: &State) -> Vec<Need> {
    let options = if state.status.is_in_work() {
        rng.weighted(&NEEDS_IN_WORK)
    } else if state.willing {
        rng.weighted(&NEEDS_LOOKING)
    } else {
        rng.weighted(&NEEDS_NOT_LOOKING)
    };
    options.to_vec()
}

const SERVICES_OUT_OF_WORK: [&str; 9] = [
    "推荐参加电商直播培训",
    "宣讲就业援助政策",
    "推荐参加赣南脐橙种植技术培训",
    "推荐参加家政服务培训",
    "介绍创业担保贷款政策",
    "推荐参加春风行动专场招聘会",
    "推荐公益性岗位",
    "推荐参加缝纫工技能培训",
    "告知零工市场用工信息",
];

fn services(rng: &mut SplitMix64, state: &State) -> String {
    match (state.status, state.job.as_ref()) {
        (WorkStatus::Unemployed, _) => {
            let first = format!("推送岗位信息{}条", rng.between(1, 5));
            if state.willing && rng.chance(0.6) {
                format!("{first}；{}", rng.pick(&SERVICES_OUT_OF_WORK))
            } else {
                first
            }
        }
        (_, Some(job)) if !job.contract_signed && rng.chance(0.5) => "提醒签订劳动合同".into(),
        (WorkStatus::Flexible, _) => rng
            .pick(&["宣讲灵活就业社会保险补贴政策", "了解收入情况"])
            .into(),
        (WorkStatus::SelfEmployed, _) => rng
            .pick(&["宣讲创业担保贷款贴息政策", "了解经营情况"])
            .into(),
        (WorkStatus::MigrantWork, _) => rng
            .pick(&["核实务工地及收入", "告知跨省务工交通补贴政策"])
            .into(),
        (WorkStatus::PublicWelfarePost, _) => "了解在岗履职情况".into(),
        _ => rng
            .pick(&["了解稳岗情况", "告知一次性求职创业补贴政策"])
            .into(),
    }
}

fn plan(rng: &mut SplitMix64, state: &State) -> &'static str {
    match (state.status, state.willing) {
        (WorkStatus::Unemployed, true) => rng.pick(&[
            "继续推荐适合岗位，下月跟进面试结果",
            "报名参加下期技能培训",
            "优先推荐公益性岗位",
            "结合本人意愿推荐就近就业岗位",
            "帮助申请创业担保贷款",
        ]),
        (WorkStatus::Unemployed, false) => rng.pick(&[
            "家中需照顾老人小孩，暂无就业意愿，保持联系",
            "身体原因暂不求职，定期了解情况",
        ]),
        (WorkStatus::MigrantWork, _) => "了解务工收入，落实交通补贴",
        (WorkStatus::Flexible, _) => "指导申请灵活就业社保补贴",
        _ => rng.pick(&["稳岗跟踪，每月电话回访", "跟进劳动合同签订和社保缴纳"]),
    }
}

const BRANDS: [&str; 16] = [
    "富华", "鑫达", "宏发", "恒信", "兴旺", "嘉禾", "华泰", "盛源", "金盛", "天和", "瑞丰", "永兴",
    "新亚", "长盛", "汇源", "广利",
];
const INDUSTRIES: [&str; 8] = [
    "服装", "纺织", "电子", "食品", "物流", "建材", "家具", "鞋业",
];
const COUNTY_TOWN_JOBS: [&str; 6] = [
    "于都县城某超市",
    "于都县城某酒店",
    "于都县城某物流公司",
    "于都县城某餐馆",
    "于都县城某物业公司",
    "于都县人民医院（护工）",
];
const MIGRANT_CITIES: [&str; 12] = [
    "广东省东莞市",
    "广东省深圳市",
    "广东省惠州市",
    "广东省佛山市",
    "广东省广州市",
    "广东省中山市",
    "福建省厦门市",
    "福建省晋江市",
    "浙江省义乌市",
    "浙江省宁波市",
    "江苏省苏州市",
    "上海市",
];
const MIGRANT_WORKPLACES: [&str; 9] = [
    "某鞋厂",
    "某电子厂",
    "某家具厂",
    "某服装厂",
    "某物流公司",
    "某建筑工地",
    "某五金厂",
    "某玩具厂",
    "某饰品厂",
];
const FLEXIBLE_WORK: [&str; 8] = [
    "县城送外卖",
    "建筑工地零工",
    "家政保洁",
    "农贸市场摆摊",
    "电商直播带货",
    "网约车司机",
    "快递分拣",
    "酒店钟点工",
];
const BUSINESSES: [&str; 6] = [
    "个体：早餐店",
    "个体：小卖部",
    "个体：理发店",
    "个体：摩托车修理",
    "生猪养殖",
    "电商网店（于都服装）",
];

/// A job of the given kind, with a wage in round hundreds as people report it.
fn employment(rng: &mut SplitMix64, status: WorkStatus, case: &CaseOutline<'_>) -> Employment {
    let hundreds = |rng: &mut SplitMix64, lo: u32, hi: u32| rng.between(lo / 100, hi / 100) * 100;
    match status {
        WorkStatus::MigrantWork => Employment {
            employer: format!(
                "{}{}",
                rng.pick(&MIGRANT_CITIES),
                rng.pick(&MIGRANT_WORKPLACES)
            ),
            contract_signed: rng.chance(0.75),
            social_insurance_paid: rng.chance(0.55),
            monthly_wage: hundreds(rng, 3800, 7000),
        },
        WorkStatus::Flexible => Employment {
            employer: rng.pick(&FLEXIBLE_WORK).to_string(),
            contract_signed: rng.chance(0.05),
            social_insurance_paid: rng.chance(0.35),
            monthly_wage: hundreds(rng, 1800, 4200),
        },
        WorkStatus::SelfEmployed => Employment {
            employer: match rng.below(3) {
                0 => format!("脐橙种植（{}亩）", rng.between(5, 40)),
                1 => format!("蔬菜大棚（{}亩）", rng.between(2, 12)),
                _ => rng.pick(&BUSINESSES).to_string(),
            },
            contract_signed: false,
            social_insurance_paid: rng.chance(0.4),
            monthly_wage: hundreds(rng, 2000, 6500),
        },
        WorkStatus::PublicWelfarePost => Employment {
            employer: match rng.below(4) {
                0 => format!("{}{}保洁员", case.township, case.village),
                1 => format!("{}护林员", case.village),
                2 => format!("{}河道保洁员", case.township),
                _ => format!("{}人社服务所协管员", case.township),
            },
            contract_signed: true,
            social_insurance_paid: true,
            // Posts pay a subsidy near the local minimum wage (R-POST-2).
            monthly_wage: rng.between(36, 42) * 50,
        },
        WorkStatus::Employed | WorkStatus::Unemployed => Employment {
            employer: if rng.chance(0.7) {
                let place = if rng.chance(0.75) {
                    "于都县"
                } else {
                    "赣州"
                };
                format!(
                    "{place}{}{}有限公司",
                    rng.pick(&BRANDS),
                    rng.pick(&INDUSTRIES)
                )
            } else {
                rng.pick(&COUNTY_TOWN_JOBS).to_string()
            },
            contract_signed: rng.chance(0.9),
            social_insurance_paid: rng.chance(0.75),
            monthly_wage: hundreds(rng, 2200, 4800),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn outline(recognised_on: NaiveDate, intensive: bool) -> CaseOutline<'static> {
        CaseOutline {
            recognised_on,
            today: d(2026, 11, 28),
            intensive,
            harder_to_place: false,
            priority: false,
            township: "罗坳镇",
            village: "大坪村",
        }
    }

    #[test]
    fn contacts_fall_between_recognition_and_today_within_twelve_months() {
        let mut rng = SplitMix64::new(11);
        let s = Settings::default();
        for recognised in [d(2024, 1, 5), d(2026, 3, 31), d(2026, 11, 28)] {
            for _ in 0..200 {
                let h = simulate(&mut rng, &outline(recognised, false), &s);
                for c in &h.contacts {
                    let a = &c.answers;
                    assert!(a.date >= recognised && a.date <= d(2026, 11, 28));
                    assert!(a.date >= d(2025, 12, 1));
                    assert!(a.next_contact > a.date);
                }
                assert!(
                    h.contacts
                        .windows(2)
                        .all(|w| w[0].answers.date <= w[1].answers.date)
                );
            }
        }
    }

    #[test]
    fn in_work_answers_carry_employment_and_willingness() {
        let mut rng = SplitMix64::new(12);
        let s = Settings::default();
        let mut seen_work = false;
        for _ in 0..300 {
            let h = simulate(&mut rng, &outline(d(2024, 6, 1), false), &s);
            for a in h.contacts.iter().map(|c| &c.answers) {
                assert_eq!(a.work_status.is_in_work(), a.employment.is_some());
                if let Some(e) = &a.employment {
                    seen_work = true;
                    assert!(a.willing_to_work);
                    assert!(
                        (1800..=MAX_WAGE).contains(&e.monthly_wage),
                        "{}",
                        e.monthly_wage
                    );
                    assert!(e.employer.chars().count() <= 40);
                }
            }
        }
        assert!(seen_work);
    }

    #[test]
    fn tier_moves_between_two_and_three_with_work_and_one_stays() {
        let mut rng = SplitMix64::new(13);
        let s = Settings::default();
        for _ in 0..300 {
            let h = simulate(&mut rng, &outline(d(2024, 6, 1), true), &s);
            assert_eq!(h.tier_at_recognition, Tier::One);
            assert!(h.contacts.iter().all(|c| c.tier_change.is_none()));
            let h = simulate(&mut rng, &outline(d(2024, 6, 1), false), &s);
            let mut tier = h.tier_at_recognition;
            for c in &h.contacts {
                if let Some(change) = &c.tier_change {
                    assert_eq!(change.from, tier);
                    tier = change.to;
                }
                assert_eq!(tier, tier_for(false, c.answers.work_status));
            }
        }
    }
}
