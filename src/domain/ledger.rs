//! 援助台账 (R-LEDGER-1): one person's public-welfare posts, the policies they enjoy and
//! their household's dibao linkage, each entered as typed text and checked field by field.
//! Subsidies are paid to the person's social security card or the unit's bank account
//! (R-GOV-1), never in cash.

use super::case::RecognitionStatus;
use super::followup_form::parse_date;
use super::ids::PersonId;
use super::policy::{SubsidyMonths, flexible_si_months};
use super::post::{Placement, PostExitReason, PostType, check_placement};
use super::text::clean_line;
use super::year_month::YearMonth;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyKind {
    /// R-POL-TAX
    TaxRelief,
    /// R-POL-LOAN
    BusinessLoan,
    /// R-POL-SI, flexible employment
    SocialInsurance,
    /// R-POL-TRAIN
    Training,
    /// R-POST-1's post subsidy
    PostSubsidy,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 5] = [
        PolicyKind::TaxRelief,
        PolicyKind::BusinessLoan,
        PolicyKind::SocialInsurance,
        PolicyKind::Training,
        PolicyKind::PostSubsidy,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::TaxRelief => "税费减免",
            PolicyKind::BusinessLoan => "创业担保贷款及贴息",
            PolicyKind::SocialInsurance => "灵活就业社会保险补贴",
            PolicyKind::Training => "职业培训及技能评价补贴",
            PolicyKind::PostSubsidy => "公益性岗位补贴",
        }
    }
}

/// Where a subsidy was paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaidTo {
    /// 社会保障卡 number.
    Card(String),
    /// The unit's bank account.
    UnitAccount(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRecord {
    pub kind: PolicyKind,
    pub from: YearMonth,
    pub to: YearMonth,
    /// Yuan, in all.
    pub amount: u32,
    pub paid_to: PaidTo,
    /// For the social insurance subsidy: the approval month's split (R-POL-SI).
    pub months: Option<SubsidyMonths>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRecord {
    pub placement: Placement,
    pub ended: Option<(NaiveDate, PostExitReason)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DibaoKind {
    /// 就业成本扣减: necessary employment costs left out of the household's income.
    CostDeduction { monthly: u32 },
    /// 低保渐退: income above the line through work; the benefit continues until `until`.
    GradualExit { until: NaiveDate },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DibaoRecord {
    pub on: NaiveDate,
    pub kind: DibaoKind,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub person: PersonId,
    pub rev: u64,
    pub posts: Vec<PostRecord>,
    pub policies: Vec<PolicyRecord>,
    pub dibao: Vec<DibaoRecord>,
}

impl Ledger {
    pub fn new(person: PersonId) -> Self {
        Self {
            person,
            rev: 0,
            posts: Vec::new(),
            policies: Vec::new(),
            dibao: Vec::new(),
        }
    }

    /// The post now held, if any.
    pub fn open_post(&self) -> Option<&PostRecord> {
        self.posts.iter().rev().find(|p| p.ended.is_none())
    }
}

/// The entry forms: which kind, and its fields' labels in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Post,
    EndPost,
    Policy,
    Dibao,
}

impl EntryKind {
    pub fn title(self) -> &'static str {
        match self {
            EntryKind::Post => "安置公益性岗位",
            EntryKind::EndPost => "公益性岗位退出",
            EntryKind::Policy => "享受政策",
            EntryKind::Dibao => "低保联动",
        }
    }

    pub fn labels(self) -> &'static [&'static str] {
        match self {
            EntryKind::Post => &[
                "岗位类型(1城镇2乡村)",
                "用人单位",
                "开始日期",
                "结束日期",
                "月岗位补贴(元)",
                "月社保补贴(元)",
            ],
            EntryKind::EndPost => &["退出日期", "原因(1-5)"],
            EntryKind::Policy => &[
                "政策(1-5)",
                "起始月份",
                "结束月份",
                "金额(元)",
                "社保卡号",
                "单位账户",
                "批准月份",
                "领失业金月份",
            ],
            EntryKind::Dibao => &["类型(1扣减2渐退)", "日期", "月扣减额(元)", "渐退至", "说明"],
        }
    }
}

/// An entry checked and ready to add.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entry {
    Post(Placement),
    EndPost(NaiveDate, PostExitReason),
    Policy(PolicyRecord),
    Dibao(DibaoRecord),
}

/// What the checks need besides the typed text.
pub struct EntryContext {
    pub status: RecognitionStatus,
    pub retires: NaiveDate,
    pub minimum_wage: u32,
}

type Errors = Vec<(usize, String)>;

fn yuan(raw: &str) -> Result<u32, String> {
    let raw = super::text::halfwidth(raw.trim());
    raw.parse::<u32>()
        .map_err(|_| "请填写整数金额（元）".to_string())
}

fn month(raw: &str) -> Result<YearMonth, String> {
    let raw = super::text::halfwidth(raw.trim());
    let parts: Vec<&str> = raw.split(['-', '/', '.']).collect();
    match parts.as_slice() {
        [y, m] => match (y.parse::<i32>(), m.parse::<u32>()) {
            (Ok(y), Ok(m)) => YearMonth::new(y, m).ok_or_else(|| "月份无效".to_string()),
            _ => Err("月份格式应为 2026-03".into()),
        },
        _ => Err("月份格式应为 2026-03".into()),
    }
}

/// Checks an entry typed as `values` (in the order of `kind.labels()`); problems come back
/// by field index, in Chinese.
pub fn check_entry(
    kind: EntryKind,
    values: &[String],
    ctx: &EntryContext,
) -> Result<Entry, Errors> {
    let get = |i: usize| values.get(i).map(String::as_str).unwrap_or("");
    let mut errors: Errors = Vec::new();
    let entry = match kind {
        EntryKind::Post => {
            let post_type = match get(0).trim() {
                "1" => Some(PostType::Urban),
                "2" => Some(PostType::RuralPartTime),
                _ => {
                    errors.push((0, "请填 1（城镇）或 2（乡村）".into()));
                    None
                }
            };
            let employer = clean_line(get(1), 40);
            if employer.is_empty() {
                errors.push((1, "请填写用人单位".into()));
            }
            let mut date = |i: usize| match parse_date(get(i)) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push((i, e.to_string()));
                    None
                }
            };
            let (start, end) = (date(2), date(3));
            let mut money = |i: usize| match yuan(get(i)) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.push((i, e));
                    None
                }
            };
            let (post_subsidy, insurance_subsidy) = (money(4), money(5));
            match (post_type, start, end, post_subsidy, insurance_subsidy) {
                (
                    Some(post_type),
                    Some(start),
                    Some(end),
                    Some(post_subsidy),
                    Some(insurance_subsidy),
                ) if errors.is_empty() => {
                    let placement = Placement {
                        post_type,
                        employer,
                        start,
                        end,
                        post_subsidy,
                        insurance_subsidy,
                    };
                    if let Err(e) =
                        check_placement(ctx.status, &placement, ctx.retires, ctx.minimum_wage)
                    {
                        return Err(vec![(0, e)]);
                    }
                    Some(Entry::Post(placement))
                }
                _ => None,
            }
        }
        EntryKind::EndPost => {
            let on = parse_date(get(0))
                .map_err(|e| errors.push((0, e.to_string())))
                .ok();
            let reasons = [
                PostExitReason::EmployedElsewhere,
                PostExitReason::NoLongerEligible,
                PostExitReason::IncomeAboveLine,
                PostExitReason::UnableToPerform,
                PostExitReason::TermEnded,
            ];
            let reason = get(1)
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| reasons.get(n.wrapping_sub(1)).copied());
            if reason.is_none() {
                errors.push((1, "原因请填 1 至 5".into()));
            }
            match (on, reason) {
                (Some(on), Some(reason)) if errors.is_empty() => Some(Entry::EndPost(on, reason)),
                _ => None,
            }
        }
        EntryKind::Policy => {
            let kind = get(0)
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| PolicyKind::ALL.get(n.wrapping_sub(1)).copied());
            if kind.is_none() {
                errors.push((0, "政策请填 1 至 5".into()));
            }
            let from = month(get(1)).map_err(|e| errors.push((1, e))).ok();
            let to = month(get(2)).map_err(|e| errors.push((2, e))).ok();
            let amount = yuan(get(3)).map_err(|e| errors.push((3, e))).ok();
            let card = clean_line(get(4), 30);
            let account = clean_line(get(5), 40);
            let paid_to = match (card.is_empty(), account.is_empty()) {
                (false, true) => Some(PaidTo::Card(card)),
                (true, false) => Some(PaidTo::UnitAccount(account)),
                (true, true) => {
                    errors.push((4, "补贴须发放到社保卡或单位账户，请填写其一".into()));
                    None
                }
                (false, false) => {
                    errors.push((5, "社保卡号和单位账户只填其一".into()));
                    None
                }
            };
            let mut months = None;
            if let (Some(PolicyKind::SocialInsurance), Some(from), Some(to)) = (kind, from, to) {
                let approved = month(get(6)).map_err(|e| errors.push((6, e))).ok();
                let benefits: Vec<YearMonth> = get(7)
                    .split([',', '，', ' ', '、'])
                    .filter(|s| !s.trim().is_empty())
                    .filter_map(|s| match month(s) {
                        Ok(m) => Some(m),
                        Err(e) => {
                            errors.push((7, e));
                            None
                        }
                    })
                    .collect();
                let (f, t) = (from.first_day(), to.first_day());
                if f.year() != t.year() {
                    errors.push((2, "社会保险补贴按年度申请，起止月份应在同一年".into()));
                } else if let Some(approved) = approved {
                    match flexible_si_months(f.year(), f.month(), t.month(), approved, &benefits) {
                        Ok(split) => months = Some(split),
                        Err(e) => errors.push((7, e)),
                    }
                }
            }
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                errors.push((2, "结束月份早于起始月份".into()));
            }
            match (kind, from, to, amount, paid_to) {
                (Some(kind), Some(from), Some(to), Some(amount), Some(paid_to))
                    if errors.is_empty() =>
                {
                    Some(Entry::Policy(PolicyRecord {
                        kind,
                        from,
                        to,
                        amount,
                        paid_to,
                        months,
                    }))
                }
                _ => None,
            }
        }
        EntryKind::Dibao => {
            let on = parse_date(get(1))
                .map_err(|e| errors.push((1, e.to_string())))
                .ok();
            let kind = match get(0).trim() {
                "1" => yuan(get(2))
                    .map(|monthly| DibaoKind::CostDeduction { monthly })
                    .map_err(|e| errors.push((2, e)))
                    .ok(),
                "2" => parse_date(get(3))
                    .map(|until| DibaoKind::GradualExit { until })
                    .map_err(|e| errors.push((3, e.to_string())))
                    .ok(),
                _ => {
                    errors.push((0, "请填 1（就业成本扣减）或 2（低保渐退）".into()));
                    None
                }
            };
            match (on, kind) {
                (Some(on), Some(kind)) if errors.is_empty() => Some(Entry::Dibao(DibaoRecord {
                    on,
                    kind,
                    note: clean_line(get(4), 100),
                })),
                _ => None,
            }
        }
    };
    match entry {
        Some(e) if errors.is_empty() => Ok(e),
        _ => Err(errors),
    }
}

impl Ledger {
    /// Adds a checked entry; ending a post needs one held.
    pub fn add(&mut self, entry: Entry) -> Result<(), String> {
        match entry {
            Entry::Post(placement) => {
                if self.open_post().is_some() {
                    return Err("此人已在公益性岗位上，请先办理退出".into());
                }
                self.posts.push(PostRecord {
                    placement,
                    ended: None,
                });
            }
            Entry::EndPost(on, reason) => {
                let Some(post) = self.posts.iter_mut().rev().find(|p| p.ended.is_none()) else {
                    return Err("此人没有在岗的公益性岗位".into());
                };
                if on < post.placement.start {
                    return Err("退出日期早于上岗日期".into());
                }
                post.ended = Some((on, reason));
            }
            Entry::Policy(p) => self.policies.push(p),
            Entry::Dibao(d) => self.dibao.push(d),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(status: RecognitionStatus) -> EntryContext {
        EntryContext {
            status,
            retires: NaiveDate::from_ymd_opt(2040, 1, 1).unwrap(),
            minimum_wage: 1850,
        }
    }

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_post_before_recognition_is_refused_and_after_it_placed_once() {
        let post = v(&["2", "长征村委会", "2026-12-01", "2027-11-30", "1200", "380"]);
        let e = check_entry(EntryKind::Post, &post, &ctx(RecognitionStatus::InNotice)).unwrap_err();
        assert!(e[0].1.contains("先完成认定"), "{e:?}");
        let entry =
            check_entry(EntryKind::Post, &post, &ctx(RecognitionStatus::Recognised)).unwrap();
        let mut ledger = Ledger::new(PersonId(1));
        ledger.add(entry.clone()).unwrap();
        assert!(ledger.add(entry).unwrap_err().contains("先办理退出"));
        let end = check_entry(
            EntryKind::EndPost,
            &v(&["2027-03-01", "1"]),
            &ctx(RecognitionStatus::Recognised),
        )
        .unwrap();
        ledger.add(end).unwrap();
        assert!(ledger.open_post().is_none());
    }

    #[test]
    fn the_insurance_subsidy_is_split_at_approval_and_refused_over_benefit_months() {
        let c = ctx(RecognitionStatus::Recognised);
        let ok = check_entry(
            EntryKind::Policy,
            &v(&[
                "3",
                "2026-03",
                "2026-12",
                "4200",
                "362100000000000001",
                "",
                "2026-06",
                "",
            ]),
            &c,
        )
        .unwrap();
        let Entry::Policy(p) = ok else { panic!() };
        let split = p.months.unwrap();
        assert_eq!((split.lump_sum.len(), split.monthly.len()), (4, 6));
        let e = check_entry(
            EntryKind::Policy,
            &v(&[
                "3",
                "2026-03",
                "2026-12",
                "4200",
                "362100000000000001",
                "",
                "2026-06",
                "2026-04，2026-05",
            ]),
            &c,
        )
        .unwrap_err();
        assert_eq!(e[0].0, 7);
        assert!(e[0].1.contains("2026年4月、2026年5月"), "{e:?}");
        let e = check_entry(
            EntryKind::Policy,
            &v(&["4", "2026-03", "2026-04", "800", "", "", "", ""]),
            &c,
        )
        .unwrap_err();
        assert!(e[0].1.contains("社保卡或单位账户"), "{e:?}");
    }

    #[test]
    fn dibao_linkage_records_a_deduction_or_a_gradual_exit() {
        let c = ctx(RecognitionStatus::Recognised);
        let d = check_entry(
            EntryKind::Dibao,
            &v(&["2", "2026-11-01", "", "2028-10-31", "务工收入超过低保标准"]),
            &c,
        )
        .unwrap();
        assert!(matches!(
            d,
            Entry::Dibao(DibaoRecord {
                kind: DibaoKind::GradualExit { .. },
                ..
            })
        ));
        let e = check_entry(
            EntryKind::Dibao,
            &v(&["1", "2026-11-01", "abc", "", ""]),
            &c,
        )
        .unwrap_err();
        assert_eq!(e[0].0, 2);
    }
}
