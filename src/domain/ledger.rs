//! 援助台账 (R-LEDGER-1): one person's public-welfare posts, the policies they enjoy and
//! their household's dibao linkage, each entered as typed text and checked field by field.
//! Subsidies are paid to the person's social security card or the unit's bank account
//! (R-GOV-1), never in cash.

use super::case::RecognitionStatus;
use super::form::{
    Coded, FieldKind, FieldTexts, FormField, TypedForm, format_date, parse_date, parse_month,
    parse_yuan, pick_coded, position,
};
use super::ids::PersonId;
use super::payment::{Payment, check_payment};
use super::policy::{SubsidyMonths, flexible_si_months};
use super::post::{Placement, PostExitReason, PostType, check_placement};
use super::retirement::NEAR_RETIREMENT_YEARS;
use super::settings::{Settings, Share};
use super::text::clean_line;
use super::year_month::YearMonth;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// The month it was approved, when typed (required for the SI subsidy). Records of
    /// version 1 did not keep it.
    pub approved: Option<YearMonth>,
    /// The months of unemployment benefit the entry was checked against (第(九)条: no SI
    /// subsidy while drawing benefit), kept so supervision can check payments against
    /// them later. Empty for records of version 1.
    pub benefit_months: Vec<YearMonth>,
    /// Its payments, each dated (R-GOV-1): one or more, never above `amount` in all.
    pub payments: Vec<Payment>,
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

impl PostRecord {
    /// The last day the post is held: the day it ended, or the placement's planned end.
    pub fn held_until(&self) -> NaiveDate {
        self.ended
            .as_ref()
            .map_or(self.placement.end, |(on, _)| *on)
    }
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

    /// Where the policies were paid: each policy record's target, then each of its
    /// payments', in the order they were entered.
    pub fn payment_targets(&self) -> impl Iterator<Item = &PaidTo> {
        self.policies
            .iter()
            .flat_map(|p| std::iter::once(&p.paid_to).chain(p.payments.iter().map(|x| &x.paid_to)))
    }

    /// The unit the person works for (R-SUPERVISE-1): their newest post's employer, else
    /// `from_followups`, the employer their follow-ups name ([`employer_of_followups`]).
    pub fn unit_worked_for(&self, from_followups: Option<String>) -> Option<String> {
        match self.posts.last() {
            Some(post) => Some(post.placement.employer.clone()),
            None => from_followups,
        }
    }
}

/// The employer of the newest follow-up that names one's work, none when that names a
/// blank one; `followups` oldest contact first.
pub fn employer_of_followups(followups: &[super::followup::FollowUpAnswers]) -> Option<String> {
    followups
        .iter()
        .rev()
        .find_map(|f| f.employment.as_ref().map(|e| e.employer.clone()))
        .filter(|e| !e.trim().is_empty())
}

/// The entry forms: which kind, and its fields in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Post,
    EndPost,
    Policy,
    Dibao,
    /// 登记补贴发放: a payment of a policy already in the ledger.
    Payment,
}

impl EntryKind {
    pub fn title(self) -> &'static str {
        match self {
            EntryKind::Post => "安置公益性岗位",
            EntryKind::EndPost => "公益性岗位退出",
            EntryKind::Policy => "享受政策",
            EntryKind::Dibao => "低保联动",
            EntryKind::Payment => "登记补贴发放",
        }
    }

    pub fn fields(self) -> &'static [LedgerField] {
        use LedgerField as F;
        match self {
            EntryKind::Post => &[
                F::PostType,
                F::Employer,
                F::PostStart,
                F::PostEnd,
                F::PostSubsidy,
                F::InsuranceSubsidy,
            ],
            EntryKind::EndPost => &[F::EndedOn, F::ExitReason],
            EntryKind::Policy => &[
                F::Policy,
                F::PolicyFrom,
                F::PolicyTo,
                F::Amount,
                F::Card,
                F::UnitAccount,
                F::Approved,
                F::BenefitMonths,
                F::Contributions,
            ],
            EntryKind::Dibao => &[
                F::DibaoLink,
                F::DibaoOn,
                F::Deduction,
                F::GradualUntil,
                F::Note,
            ],
            EntryKind::Payment => &[
                F::PaidOn,
                F::Amount,
                F::PayFrom,
                F::PayTo,
                F::Card,
                F::UnitAccount,
            ],
        }
    }
}

/// A field of one of the ledger's entry forms; each belongs to one [`EntryKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LedgerField {
    PostType,
    Employer,
    PostStart,
    PostEnd,
    PostSubsidy,
    InsuranceSubsidy,
    EndedOn,
    ExitReason,
    Policy,
    PolicyFrom,
    PolicyTo,
    Amount,
    Card,
    UnitAccount,
    Approved,
    BenefitMonths,
    DibaoLink,
    DibaoOn,
    Deduction,
    GradualUntil,
    Note,
    /// Contributions actually paid over the subsidised months, the base of the SI
    /// subsidy's cap (R-POL-SI-2); last in the policy form, so older drafts keep their
    /// fields' places.
    Contributions,
    /// 登记补贴发放's date and the months it pays for.
    PaidOn,
    PayFrom,
    PayTo,
}

impl LedgerField {
    pub fn label(self) -> &'static str {
        use LedgerField as F;
        match self {
            F::PostType => "岗位类型(1城镇2乡村)",
            F::Employer => "用人单位",
            F::PostStart => "开始日期",
            F::PostEnd => "结束日期",
            F::PostSubsidy => "月岗位补贴(元)",
            F::InsuranceSubsidy => "月社保补贴(元)",
            F::EndedOn => "退出日期",
            F::ExitReason => "原因(1-5)",
            F::Policy => "政策(1-5)",
            F::PolicyFrom => "起始月份",
            F::PolicyTo => "结束月份",
            F::Amount => "金额(元)",
            F::Card => "社保卡号",
            F::UnitAccount => "单位账户",
            F::Approved => "批准月份",
            F::BenefitMonths => "领失业金月份",
            F::DibaoLink => "类型(1扣减2渐退)",
            F::DibaoOn => "日期",
            F::Deduction => "月扣减额(元)",
            F::GradualUntil => "渐退至",
            F::Note => "说明",
            F::Contributions => "实缴社保费(元)",
            F::PaidOn => "发放日期",
            F::PayFrom => "所属起始月份",
            F::PayTo => "所属结束月份",
        }
    }

    /// The codes are typed as text here, the options named in the label, so a form can
    /// be filled from top to bottom with Enter after each answer.
    pub fn kind(self) -> FieldKind {
        use LedgerField as F;
        match self {
            F::PostStart | F::PostEnd | F::EndedOn | F::DibaoOn | F::GradualUntil | F::PaidOn => {
                FieldKind::Date
            }
            F::PolicyFrom | F::PolicyTo | F::Approved | F::PayFrom | F::PayTo => FieldKind::Month,
            F::PostSubsidy | F::InsuranceSubsidy | F::Amount | F::Deduction | F::Contributions => {
                FieldKind::Yuan
            }
            F::PostType | F::ExitReason | F::Policy | F::DibaoLink => {
                FieldKind::Text { max_chars: 2 }
            }
            F::Employer | F::Card | F::UnitAccount | F::BenefitMonths | F::Note => {
                FieldKind::Text { max_chars: 40 }
            }
        }
    }
}

impl FormField for LedgerField {
    fn label(self) -> &'static str {
        LedgerField::label(self)
    }

    fn kind(self) -> FieldKind {
        LedgerField::kind(self)
    }
}

/// 低保联动's two kinds, as typed into its first field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DibaoLink {
    CostDeduction,
    GradualExit,
}

impl Coded for DibaoLink {
    const ALL: &'static [Self] = &[DibaoLink::CostDeduction, DibaoLink::GradualExit];
    fn code_label(self) -> &'static str {
        match self {
            DibaoLink::CostDeduction => "就业成本扣减",
            DibaoLink::GradualExit => "低保渐退",
        }
    }
}

/// One entry form's text, field by field, as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerDraft {
    kind: EntryKind,
    values: FieldTexts,
}

impl LedgerDraft {
    /// A new form with the dates a caseworker would type today filled in.
    pub fn blank(kind: EntryKind, today: NaiveDate) -> Self {
        let mut d = Self {
            kind,
            values: FieldTexts::blank(kind.fields().len()),
        };
        match kind {
            EntryKind::Post => d.set(LedgerField::PostStart, format_date(today)),
            EntryKind::EndPost => d.set(LedgerField::EndedOn, format_date(today)),
            EntryKind::Dibao => d.set(LedgerField::DibaoOn, format_date(today)),
            EntryKind::Policy => d.set(LedgerField::Approved, YearMonth::of(today).to_string()),
            EntryKind::Payment => d.set(LedgerField::PaidOn, format_date(today)),
        }
        d
    }

    /// A form typed elsewhere (the demo, a test): its texts in the order of
    /// [`EntryKind::fields`].
    pub fn typed(kind: EntryKind, texts: &[&str]) -> Self {
        Self {
            kind,
            values: texts
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into(),
        }
    }

    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    /// A field of another kind's form reads as empty and is never written.
    pub fn get(&self, field: LedgerField) -> &str {
        self.values.get(position(field, self.kind.fields()))
    }

    pub fn set(&mut self, field: LedgerField, value: String) {
        let at = position(field, self.kind.fields());
        if at < self.kind.fields().len() {
            self.values.set(at, value);
        }
    }
}

impl TypedForm for LedgerDraft {
    type Field = LedgerField;
    type Context = EntryContext;
    type Answers = Entry;

    fn fields(&self) -> &'static [LedgerField] {
        self.kind.fields()
    }

    fn text(&self, field: LedgerField) -> &str {
        self.get(field)
    }

    fn set_text(&mut self, field: LedgerField, value: String) {
        self.set(field, value);
    }

    fn check(&self, ctx: &EntryContext) -> Result<Entry, Errors> {
        check_entry(self, ctx)
    }
}

/// An entry checked and ready to add.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entry {
    Post(Placement),
    EndPost(NaiveDate, PostExitReason),
    Policy(PolicyRecord),
    Dibao(DibaoRecord),
    /// A payment of the ledger's policy number `policy` (from 0).
    Payment {
        policy: u32,
        payment: Payment,
    },
}

/// What the checks need besides the typed text.
pub struct EntryContext {
    pub status: RecognitionStatus,
    pub retires: NaiveDate,
    pub minimum_wage: u32,
    /// The county's numbers for the SI subsidy and the dibao linkage.
    pub limits: EntryLimits,
    /// Months of flexible-employment SI subsidy already in the ledger, and the first of
    /// them (R-POL-SI-2 counts the years from there).
    pub si_months_before: u32,
    pub si_first_month: Option<YearMonth>,
    /// A disabled person's dibao gradual exit runs longer (R-DIBAO-1).
    pub disabled: bool,
    /// For a payment: the policy it pays, and today.
    pub paying: Option<Paying>,
}

/// The policy a payment is entered against: its place in the ledger, the record, and the
/// day the payment may be dated by at the latest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paying {
    pub index: u32,
    pub policy: PolicyRecord,
    pub today: NaiveDate,
}

/// The settings the ledger's checks read (DOMAIN.md's table), copied from [`Settings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryLimits {
    pub si_subsidy_share: Share,
    pub si_subsidy_years: u32,
    pub dibao_standard: u32,
    pub dibao_cost_deduction_percent: u32,
    pub dibao_exit_years: u32,
    pub dibao_exit_years_disabled: u32,
}

impl From<&Settings> for EntryLimits {
    fn from(s: &Settings) -> Self {
        Self {
            si_subsidy_share: s.si_subsidy_share,
            si_subsidy_years: s.si_subsidy_years,
            dibao_standard: s.dibao_standard,
            dibao_cost_deduction_percent: s.dibao_cost_deduction_percent,
            dibao_exit_years: s.dibao_exit_years,
            dibao_exit_years_disabled: s.dibao_exit_years_disabled,
        }
    }
}

impl EntryContext {
    /// The context of an entry into `ledger`: the SI months already there are counted.
    pub fn new(
        status: RecognitionStatus,
        retires: NaiveDate,
        settings: &Settings,
        ledger: &Ledger,
        disabled: bool,
    ) -> Self {
        let si: Vec<&PolicyRecord> = ledger
            .policies
            .iter()
            .filter(|p| p.kind == PolicyKind::SocialInsurance)
            .collect();
        Self {
            status,
            retires,
            minimum_wage: settings.minimum_wage,
            limits: EntryLimits::from(settings),
            si_months_before: si.iter().map(|p| months_between(p.from, p.to)).sum(),
            si_first_month: si.iter().map(|p| p.from).min(),
            disabled,
            paying: None,
        }
    }
}

/// Months `from..=to`, none when `to` is before `from`.
fn months_between(from: YearMonth, to: YearMonth) -> u32 {
    let (f, t) = (from.first_day(), to.first_day());
    let n = (t.year() - f.year()) * 12 + t.month() as i32 - f.month() as i32 + 1;
    u32::try_from(n).unwrap_or(0)
}

/// R-POL-SI-2 (第(九)条): the subsidy is at most the share of the contributions actually
/// paid, and runs at most `si_subsidy_years` years in all — or up to the retirement month
/// for a person within five years of retirement at the first subsidised month. The years
/// are counted as subsidised months across the ledger, so a gap does not use them up.
fn check_si_limits(
    from: YearMonth,
    to: YearMonth,
    amount: u32,
    contributions: u32,
    ctx: &EntryContext,
    errors: &mut Errors,
) {
    let limits = ctx.limits;
    let cap = limits.si_subsidy_share.of(contributions);
    if amount > cap {
        errors.push((
            LedgerField::Amount,
            format!(
                "社会保险补贴不超过实际缴费的{}（实缴 {contributions} 元，最多 {cap} 元）（第(九)条）",
                limits.si_subsidy_share
            ),
        ));
    }
    let first = ctx.si_first_month.map_or(from, |f| f.min(from));
    let near_retirement = first
        .first_day()
        .checked_add_months(chrono::Months::new(NEAR_RETIREMENT_YEARS * 12))
        .is_some_and(|five| ctx.retires <= five);
    if near_retirement {
        if to > YearMonth::of(ctx.retires) {
            errors.push((
                LedgerField::PolicyTo,
                format!(
                    "社会保险补贴最长至退休（{}）（第(九)条，距退休不足5年的可到退休）",
                    YearMonth::of(ctx.retires).label()
                ),
            ));
        }
        return;
    }
    let allowed = limits.si_subsidy_years.saturating_mul(12);
    let wanted = months_between(from, to);
    if ctx.si_months_before + wanted > allowed {
        errors.push((
            LedgerField::PolicyTo,
            format!(
                "社会保险补贴累计不超过{}年（{allowed}个月）：此前已享受 {} 个月，本次最多 {} 个月（第(九)条）",
                limits.si_subsidy_years,
                ctx.si_months_before,
                allowed.saturating_sub(ctx.si_months_before)
            ),
        ));
    }
}

type Errors = Vec<(LedgerField, String)>;

/// Checks an entry as typed; every problem comes back named by its field, in Chinese.
pub fn check_entry(draft: &LedgerDraft, ctx: &EntryContext) -> Result<Entry, Errors> {
    use LedgerField as F;
    let get = |field: LedgerField| draft.get(field);
    let mut errors: Errors = Vec::new();
    let date = |field: LedgerField, errors: &mut Errors| match parse_date(get(field)) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push((field, e.to_string()));
            None
        }
    };
    let money = |field: LedgerField, errors: &mut Errors| match parse_yuan(get(field)) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push((field, e.message().to_string()));
            None
        }
    };
    let month = |field: LedgerField, errors: &mut Errors| match parse_month(get(field)) {
        Ok(m) => Some(m),
        Err(e) => {
            errors.push((field, e.to_string()));
            None
        }
    };
    let entry = match draft.kind {
        EntryKind::Post => {
            let post_type = pick_coded::<PostType>(get(F::PostType));
            if post_type.is_none() {
                errors.push((F::PostType, "请填 1（城镇）或 2（乡村）".into()));
            }
            let employer = clean_line(get(F::Employer), 40);
            if employer.is_empty() {
                errors.push((F::Employer, "请填写用人单位".into()));
            }
            let start = date(F::PostStart, &mut errors);
            let end = date(F::PostEnd, &mut errors);
            let post_subsidy = money(F::PostSubsidy, &mut errors);
            let insurance_subsidy = money(F::InsuranceSubsidy, &mut errors);
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
                        return Err(vec![(F::PostType, e)]);
                    }
                    Some(Entry::Post(placement))
                }
                _ => None,
            }
        }
        EntryKind::EndPost => {
            let on = date(F::EndedOn, &mut errors);
            let reason = pick_coded::<PostExitReason>(get(F::ExitReason));
            if reason.is_none() {
                errors.push((F::ExitReason, "原因请填 1 至 5".into()));
            }
            match (on, reason) {
                (Some(on), Some(reason)) if errors.is_empty() => Some(Entry::EndPost(on, reason)),
                _ => None,
            }
        }
        EntryKind::Policy => {
            let kind = pick_coded::<PolicyKind>(get(F::Policy));
            if kind.is_none() {
                errors.push((F::Policy, "政策请填 1 至 5".into()));
            }
            let from = month(F::PolicyFrom, &mut errors);
            let to = month(F::PolicyTo, &mut errors);
            let amount = money(F::Amount, &mut errors);
            let card = clean_line(get(F::Card), 30);
            let account = clean_line(get(F::UnitAccount), 40);
            let paid_to = match (card.is_empty(), account.is_empty()) {
                (false, true) => Some(PaidTo::Card(card)),
                (true, false) => Some(PaidTo::UnitAccount(account)),
                (true, true) => {
                    errors.push((F::Card, "补贴须发放到社保卡或单位账户，请填写其一".into()));
                    None
                }
                (false, false) => {
                    errors.push((F::UnitAccount, "社保卡号和单位账户只填其一".into()));
                    None
                }
            };
            let mut months = None;
            let mut benefits: Vec<YearMonth> = get(F::BenefitMonths)
                .split([',', '，', ' ', '、'])
                .filter(|s| !s.trim().is_empty())
                .filter_map(|s| match parse_month(s) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        errors.push((F::BenefitMonths, e.to_string()));
                        None
                    }
                })
                .collect();
            benefits.sort();
            benefits.dedup();
            // Only the SI subsidy needs its approval month; another policy keeps it when
            // typed, so its payments can be checked against it.
            let mut approved = match get(F::Approved).trim() {
                "" => None,
                _ if kind == Some(PolicyKind::SocialInsurance) => None,
                _ => month(F::Approved, &mut errors),
            };
            if let (Some(PolicyKind::SocialInsurance), Some(from), Some(to)) = (kind, from, to) {
                approved = month(F::Approved, &mut errors);
                let (f, t) = (from.first_day(), to.first_day());
                if f.year() != t.year() {
                    errors.push((
                        F::PolicyTo,
                        "社会保险补贴按年度申请，起止月份应在同一年".into(),
                    ));
                } else if let Some(approved) = approved {
                    match flexible_si_months(f.year(), f.month(), t.month(), approved, &benefits) {
                        Ok(split) => months = Some(split),
                        Err(e) => errors.push((F::BenefitMonths, e)),
                    }
                }
                let contributions = match get(F::Contributions).trim() {
                    "" => {
                        errors.push((
                            F::Contributions,
                            "请填写补贴月份内实际缴纳的社会保险费（第(九)条 补贴以实缴为限）"
                                .into(),
                        ));
                        None
                    }
                    _ => money(F::Contributions, &mut errors),
                };
                if let (Some(amount), Some(contributions)) = (amount, contributions)
                    && from <= to
                {
                    check_si_limits(from, to, amount, contributions, ctx, &mut errors);
                }
            }
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                errors.push((F::PolicyTo, "结束月份早于起始月份".into()));
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
                        approved,
                        benefit_months: benefits,
                        payments: Vec::new(),
                    }))
                }
                _ => None,
            }
        }
        EntryKind::Dibao => {
            let on = date(F::DibaoOn, &mut errors);
            let limits = ctx.limits;
            let kind = match pick_coded::<DibaoLink>(get(F::DibaoLink)) {
                Some(DibaoLink::CostDeduction) => {
                    let cap = u64::from(limits.dibao_standard)
                        * u64::from(limits.dibao_cost_deduction_percent)
                        / 100;
                    match money(F::Deduction, &mut errors) {
                        Some(monthly) if u64::from(monthly) > cap => {
                            errors.push((
                                F::Deduction,
                                format!(
                                    "就业成本扣减不超过低保标准的{}%（每月 {cap} 元）（第(十二)条）",
                                    limits.dibao_cost_deduction_percent
                                ),
                            ));
                            None
                        }
                        m => m.map(|monthly| DibaoKind::CostDeduction { monthly }),
                    }
                }
                Some(DibaoLink::GradualExit) => {
                    let years = if ctx.disabled {
                        limits.dibao_exit_years_disabled
                    } else {
                        limits.dibao_exit_years
                    };
                    let until = date(F::GradualUntil, &mut errors);
                    let longest = on.and_then(|on| {
                        on.checked_add_months(chrono::Months::new(years.saturating_mul(12)))
                    });
                    match (until, longest) {
                        (Some(until), Some(longest)) if until > longest => {
                            errors.push((
                                F::GradualUntil,
                                format!(
                                    "低保渐退期最长{years}年{}，至 {}（第(十二)条）",
                                    if ctx.disabled {
                                        "（残疾人员）"
                                    } else {
                                        ""
                                    },
                                    format_date(longest)
                                ),
                            ));
                            None
                        }
                        (Some(until), _) if on.is_some_and(|on| until <= on) => {
                            errors.push((F::GradualUntil, "渐退截止日期应晚于登记日期".into()));
                            None
                        }
                        (until, _) => until.map(|until| DibaoKind::GradualExit { until }),
                    }
                }
                None => {
                    errors.push((
                        F::DibaoLink,
                        "请填 1（就业成本扣减）或 2（低保渐退）".into(),
                    ));
                    None
                }
            };
            match (on, kind) {
                (Some(on), Some(kind)) if errors.is_empty() => Some(Entry::Dibao(DibaoRecord {
                    on,
                    kind,
                    note: clean_line(get(F::Note), 100),
                })),
                _ => None,
            }
        }
        EntryKind::Payment => {
            let Some(paying) = &ctx.paying else {
                return Err(vec![(F::PaidOn, "请先选中要发放的政策".into())]);
            };
            let payment = check_payment(draft, &paying.policy, paying.today)?;
            Some(Entry::Payment {
                policy: paying.index,
                payment,
            })
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
            Entry::Payment { policy, payment } => {
                let Some(p) = usize::try_from(policy)
                    .ok()
                    .and_then(|i| self.policies.get_mut(i))
                else {
                    return Err("台账中没有这项政策".into());
                };
                if p.paid() + u64::from(payment.amount) > u64::from(p.amount) {
                    return Err("累计发放超过批准金额".into());
                }
                p.payments.push(payment);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(status: RecognitionStatus) -> EntryContext {
        let settings = Settings {
            minimum_wage: 1850,
            ..Settings::default()
        };
        EntryContext::new(
            status,
            NaiveDate::from_ymd_opt(2040, 1, 1).unwrap(),
            &settings,
            &Ledger::new(PersonId(1)),
            false,
        )
    }

    fn check(kind: EntryKind, texts: &[&str], ctx: &EntryContext) -> Result<Entry, Errors> {
        check_entry(&LedgerDraft::typed(kind, texts), ctx)
    }

    #[test]
    fn a_post_before_recognition_is_refused_and_after_it_placed_once() {
        let post = ["2", "长征村委会", "2026-12-01", "2027-11-30", "1200", "380"];
        let e = check(EntryKind::Post, &post, &ctx(RecognitionStatus::InNotice)).unwrap_err();
        assert!(e[0].1.contains("先完成认定"), "{e:?}");
        let entry = check(EntryKind::Post, &post, &ctx(RecognitionStatus::Recognised)).unwrap();
        let mut ledger = Ledger::new(PersonId(1));
        ledger.add(entry.clone()).unwrap();
        assert!(ledger.add(entry).unwrap_err().contains("先办理退出"));
        let end = check(
            EntryKind::EndPost,
            &["2027-03-01", "1"],
            &ctx(RecognitionStatus::Recognised),
        )
        .unwrap();
        ledger.add(end).unwrap();
        assert!(ledger.open_post().is_none());
    }

    #[test]
    fn the_insurance_subsidy_is_split_at_approval_and_refused_over_benefit_months() {
        let c = ctx(RecognitionStatus::Recognised);
        let ok = check(
            EntryKind::Policy,
            &[
                "3",
                "2026-03",
                "2026-12",
                "4200",
                "362100000000000001",
                "",
                "2026-06",
                "",
                "6300",
            ],
            &c,
        )
        .unwrap();
        let Entry::Policy(p) = ok else { panic!() };
        let split = p.months.unwrap();
        assert_eq!((split.lump_sum.len(), split.monthly.len()), (4, 6));
        let e = check(
            EntryKind::Policy,
            &[
                "3",
                "2026-03",
                "2026-12",
                "4200",
                "362100000000000001",
                "",
                "2026-06",
                "2026-04，2026-05",
                "6300",
            ],
            &c,
        )
        .unwrap_err();
        assert_eq!(e[0].0, LedgerField::BenefitMonths);
        assert!(e[0].1.contains("2026年4月、2026年5月"), "{e:?}");
        let e = check(
            EntryKind::Policy,
            &["4", "2026-03", "2026-04", "800", "", "", "", ""],
            &c,
        )
        .unwrap_err();
        assert!(e[0].1.contains("社保卡或单位账户"), "{e:?}");
    }

    /// An SI subsidy of `amount` over `from..=to` of 2026, approved in June, on `paid`.
    fn si(from: &str, to: &str, amount: &str, paid: &str) -> Vec<String> {
        [
            "3",
            from,
            to,
            amount,
            "362100000000000001",
            "",
            "2026-06",
            "",
            paid,
        ]
        .map(String::from)
        .to_vec()
    }

    fn check_si(texts: &[String], ctx: &EntryContext) -> Result<Entry, Errors> {
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        check(EntryKind::Policy, &texts, ctx)
    }

    #[test]
    fn finding_14_the_si_subsidy_is_at_most_two_thirds_of_contributions_paid() {
        let c = ctx(RecognitionStatus::Recognised);
        assert!(check_si(&si("2026-01", "2026-12", "4000", "6000"), &c).is_ok());
        let e = check_si(&si("2026-01", "2026-12", "4001", "6000"), &c).unwrap_err();
        assert_eq!(e[0].0, LedgerField::Amount);
        assert!(e[0].1.contains("2/3") && e[0].1.contains("4000"), "{e:?}");
        let e = check_si(&si("2026-01", "2026-12", "4000", ""), &c).unwrap_err();
        assert_eq!(e[0].0, LedgerField::Contributions);
        // Another policy needs no contributions.
        assert!(
            check(
                EntryKind::Policy,
                &["4", "2026-06", "2026-06", "800", "1", "", "", ""],
                &c
            )
            .is_ok()
        );
    }

    #[test]
    fn finding_14_the_si_subsidy_runs_three_years_in_all() {
        let settings = Settings::default();
        let retires = NaiveDate::from_ymd_opt(2045, 1, 1).unwrap();
        let mut ledger = Ledger::new(PersonId(1));
        for year in ["2023", "2024", "2025"] {
            let c = EntryContext::new(
                RecognitionStatus::Recognised,
                retires,
                &settings,
                &ledger,
                false,
            );
            let mut texts = si(&format!("{year}-01"), &format!("{year}-12"), "100", "300");
            texts[6] = format!("{year}-06");
            ledger.add(check_si(&texts, &c).unwrap()).unwrap();
        }
        let c = EntryContext::new(
            RecognitionStatus::Recognised,
            retires,
            &settings,
            &ledger,
            false,
        );
        assert_eq!(c.si_months_before, 36);
        let e = check_si(&si("2026-01", "2026-03", "100", "300"), &c).unwrap_err();
        assert_eq!(e[0].0, LedgerField::PolicyTo);
        assert!(e[0].1.contains("3年") && e[0].1.contains("36"), "{e:?}");
        // Within five years of retirement at the first month: up to retirement.
        let near = NaiveDate::from_ymd_opt(2027, 7, 1).unwrap();
        let c = EntryContext::new(
            RecognitionStatus::Recognised,
            near,
            &settings,
            &ledger,
            false,
        );
        assert!(check_si(&si("2026-01", "2026-12", "100", "300"), &c).is_ok());
        let mut after = si("2027-01", "2027-12", "100", "300");
        after[6] = "2027-06".into();
        let e = check_si(&after, &c).unwrap_err();
        assert!(e[0].1.contains("退休"), "{e:?}");
    }

    #[test]
    fn finding_14_dibao_deduction_and_gradual_exit_keep_to_the_settings() {
        let c = ctx(RecognitionStatus::Recognised);
        // 30% of the 900-yuan standard: 270.
        assert!(check(EntryKind::Dibao, &["1", "2026-11-01", "270", "", ""], &c).is_ok());
        let e = check(EntryKind::Dibao, &["1", "2026-11-01", "271", "", ""], &c).unwrap_err();
        assert_eq!(e[0].0, LedgerField::Deduction);
        assert!(e[0].1.contains("30%") && e[0].1.contains("270"), "{e:?}");
        // Two years, three for a disabled person.
        let e = check(
            EntryKind::Dibao,
            &["2", "2026-11-01", "", "2028-11-02", ""],
            &c,
        )
        .unwrap_err();
        assert_eq!(e[0].0, LedgerField::GradualUntil);
        assert!(e[0].1.contains("2年"), "{e:?}");
        let disabled = EntryContext {
            disabled: true,
            ..ctx(RecognitionStatus::Recognised)
        };
        assert!(
            check(
                EntryKind::Dibao,
                &["2", "2026-11-01", "", "2029-11-01", ""],
                &disabled
            )
            .is_ok()
        );
        assert!(
            check(
                EntryKind::Dibao,
                &["2", "2026-11-01", "", "2029-11-02", ""],
                &disabled
            )
            .is_err()
        );
    }

    #[test]
    fn dibao_linkage_records_a_deduction_or_a_gradual_exit() {
        let c = ctx(RecognitionStatus::Recognised);
        let d = check(
            EntryKind::Dibao,
            &["2", "2026-11-01", "", "2028-10-31", "务工收入超过低保标准"],
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
        let e = check(EntryKind::Dibao, &["1", "2026-11-01", "abc", "", ""], &c).unwrap_err();
        assert_eq!(e[0].0, LedgerField::Deduction);
    }
}
