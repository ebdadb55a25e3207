//! The monthly follow-up as a caseworker types it (第(五)条): the fields in order, which of
//! them apply to the work status chosen, what one key means in a code field, and the
//! field-by-field check that turns typed text into [`FollowUpAnswers`]. A draft is the text as
//! typed, so an unfinished or invalid form survives a dropped link unchanged.

use super::followup::{
    ContactMethod, ContactOutcome, Employment, FollowUpAnswers, Need, WorkStatus,
};
use super::form::{
    CodeTable, FieldKind, FieldTexts, FormField, TypedForm, Willing, YuanError, format_date,
    parse_date, parse_yuan, pick, pick_coded, position, shown,
};
use super::settings::Settings;
use super::text::clean_line;
use super::tier::Tier;
use super::visit_month::{VisitMonth, visit_month};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Date,
    Method,
    WorkStatus,
    Employer,
    Contract,
    SocialInsurance,
    Wage,
    Willing,
    Needs,
    Services,
    Plan,
    NextContact,
    Outcome,
}

impl Field {
    /// The fields in the order the form shows them.
    pub const ALL: [Field; 13] = [
        Field::Date,
        Field::Method,
        Field::Outcome,
        Field::WorkStatus,
        Field::Employer,
        Field::Contract,
        Field::SocialInsurance,
        Field::Wage,
        Field::Willing,
        Field::Needs,
        Field::Services,
        Field::Plan,
        Field::NextContact,
    ];

    /// The fields in the order a draft keeps their text: a field added later goes last, so
    /// a draft kept by an older program reads back with it empty.
    const STORED: [Field; 13] = [
        Field::Date,
        Field::Method,
        Field::WorkStatus,
        Field::Employer,
        Field::Contract,
        Field::SocialInsurance,
        Field::Wage,
        Field::Willing,
        Field::Needs,
        Field::Services,
        Field::Plan,
        Field::NextContact,
        Field::Outcome,
    ];

    pub fn index(self) -> usize {
        position(self, &Field::STORED)
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Date => "回访日期",
            Field::Method => "回访方式",
            Field::Outcome => "联系结果",
            Field::WorkStatus => "就业状态",
            Field::Employer => "工作单位",
            Field::Contract => "签订合同",
            Field::SocialInsurance => "缴纳社保",
            Field::Wage => "月工资(元)",
            Field::Willing => "就业意愿",
            Field::Needs => "帮扶需求",
            Field::Services => "提供服务",
            Field::Plan => "援助计划",
            Field::NextContact => "下次联系",
        }
    }

    pub fn kind(self) -> FieldKind {
        match self {
            Field::Date | Field::NextContact => FieldKind::Date,
            Field::Method => FieldKind::Code(CodeTable::of::<ContactMethod>()),
            Field::Outcome => FieldKind::Code(CodeTable::of::<ContactOutcome>()),
            Field::WorkStatus => FieldKind::Code(CodeTable::of::<WorkStatus>()),
            Field::Contract | Field::SocialInsurance => FieldKind::Code(CodeTable::of::<bool>()),
            Field::Willing => FieldKind::Code(CodeTable::of::<Willing>()),
            Field::Needs => FieldKind::Codes(CodeTable::of::<Need>()),
            Field::Employer => FieldKind::Text { max_chars: 40 },
            Field::Services => FieldKind::Text { max_chars: 100 },
            Field::Plan => FieldKind::Text { max_chars: 200 },
            Field::Wage => FieldKind::Yuan,
        }
    }
}

impl FormField for Field {
    fn label(self) -> &'static str {
        Field::label(self)
    }

    fn kind(self) -> FieldKind {
        Field::kind(self)
    }
}

/// A field-level problem, in Chinese, shown next to the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

/// What the form needs to know to check a date.
#[derive(Clone, Copy, Debug)]
pub struct FormContext {
    pub today: NaiveDate,
    pub recognised_on: Option<NaiveDate>,
    pub tier: Tier,
    /// Days into a month during which last month's visits can still be entered (the
    /// `late_entry_days` setting, R-FOLLOW-1).
    pub late_entry_days: u32,
}

/// The form's text, field by field, exactly as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpDraft {
    values: FieldTexts,
}

fn code_of<T: PartialEq>(all: &[T], value: T) -> String {
    all.iter()
        .position(|v| *v == value)
        .map(|i| (i + 1).to_string())
        .unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "1" } else { "2" }.to_string()
}

impl FollowUpDraft {
    /// A new form: contacted today, next contact by the tier's interval.
    pub fn blank(ctx: &FormContext, settings: &Settings) -> Self {
        let mut d = Self {
            values: FieldTexts::blank(Field::ALL.len()),
        };
        d.set(Field::Date, format_date(ctx.today));
        d.set(Field::Outcome, "1".into());
        d.set(
            Field::NextContact,
            format_date(ctx.tier.next_contact(ctx.today, settings)),
        );
        d
    }

    /// 照上次: the answers of the latest follow-up, contacted today, next contact recomputed.
    pub fn copy_of(last: &FollowUpAnswers, ctx: &FormContext, settings: &Settings) -> Self {
        let mut d = Self::blank(ctx, settings);
        d.fill_answers(last);
        d
    }

    /// A saved follow-up exactly as it was typed: its own date and next contact too. What
    /// the conflict screen shows as the other person's version.
    pub fn of_saved(saved: &FollowUpAnswers) -> Self {
        let mut d = Self {
            values: FieldTexts::blank(Field::ALL.len()),
        };
        d.set(Field::Date, format_date(saved.date));
        d.set(Field::NextContact, format_date(saved.next_contact));
        d.fill_answers(saved);
        d
    }

    fn fill_answers(&mut self, last: &FollowUpAnswers) {
        self.set(Field::Method, code_of(&ContactMethod::ALL, last.method));
        self.set(Field::Outcome, code_of(&ContactOutcome::ALL, last.outcome));
        self.set(
            Field::WorkStatus,
            code_of(&WorkStatus::ALL, last.work_status),
        );
        if let Some(e) = &last.employment {
            self.set(Field::Employer, e.employer.clone());
            self.set(Field::Contract, yes_no(e.contract_signed));
            self.set(Field::SocialInsurance, yes_no(e.social_insurance_paid));
            self.set(Field::Wage, e.monthly_wage.to_string());
        }
        if !last.work_status.is_in_work() {
            self.set(
                Field::Willing,
                if last.willing_to_work { "1" } else { "2" }.into(),
            );
        }
        let needs: String = last.needs.iter().map(|n| code_of(&Need::ALL, *n)).collect();
        self.set(Field::Needs, needs);
        self.set(Field::Services, last.services.clone());
        self.set(Field::Plan, last.plan.clone());
    }

    /// The fields on which two versions of a form differ; a field that applies to neither
    /// version's work status does not count.
    pub fn differences(&self, other: &Self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|f| self.applies(*f) || other.applies(*f))
            .filter(|f| self.get(*f).trim() != other.get(*f).trim())
            .collect()
    }

    /// This version with `fields` taken from `other`: a conflict resolved field by field.
    pub fn taking(&self, other: &Self, fields: &[Field]) -> Self {
        let mut out = self.clone();
        for f in fields {
            out.set(*f, other.get(*f).to_string());
        }
        out
    }

    pub fn get(&self, field: Field) -> &str {
        self.values.get(field.index())
    }

    pub fn set(&mut self, field: Field, value: String) {
        self.values.set(field.index(), value);
    }

    /// Whether the work status being entered is in work (None while it is blank).
    pub fn in_work(&self) -> Option<bool> {
        self.work_status().map(WorkStatus::is_in_work)
    }

    fn work_status(&self) -> Option<WorkStatus> {
        pick(self.get(Field::WorkStatus), &WorkStatus::ALL)
    }

    fn unreachable(&self) -> bool {
        pick(self.get(Field::Outcome), &ContactOutcome::ALL) == Some(ContactOutcome::Unreachable)
    }

    /// Fields that do not apply are skipped: employer when 未就业, willingness when in work,
    /// and everything learned from the person when they were not reached (联系不上).
    pub fn applies(&self, field: Field) -> bool {
        let in_work = self.work_status().is_some_and(WorkStatus::is_in_work);
        let reached = !self.unreachable();
        match field {
            Field::Employer | Field::Contract | Field::SocialInsurance | Field::Wage => {
                reached && in_work
            }
            Field::Willing => reached && !in_work,
            Field::WorkStatus | Field::Needs | Field::Services => reached,
            _ => true,
        }
    }

    /// A code field's value as its label, e.g. `2 电话联系`; needs as `1岗位 2培训`.
    pub fn display_value(&self, field: Field) -> String {
        shown(field.kind(), self.get(field))
    }

    /// The month the typed visit date covers, when it is a date that can be entered today:
    /// what the form's header names (this month, or last month entered late).
    pub fn visit_month(&self, ctx: &FormContext) -> Option<VisitMonth> {
        let date = parse_date(self.get(Field::Date)).ok()?;
        visit_month(date, ctx.today, ctx.recognised_on, ctx.late_entry_days).ok()
    }

    /// One key in a code field. Returns whether the key meant something there.
    pub fn press_code(&mut self, field: Field, key: char) -> bool {
        self.press_key(field, key)
    }

    /// Checks every applicable field; either all answers, or every problem at once.
    pub fn validate(&self, ctx: &FormContext) -> Result<FollowUpAnswers, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field: Field, message: &str| {
            errors.push(FieldError {
                field,
                message: message.to_string(),
            })
        };

        let date = match parse_date(self.get(Field::Date)) {
            Err(m) => {
                fail(Field::Date, m);
                None
            }
            Ok(d) => match visit_month(d, ctx.today, ctx.recognised_on, ctx.late_entry_days) {
                Ok(_) => Some(d),
                Err(e) => {
                    fail(Field::Date, &e.message());
                    None
                }
            },
        };
        let method = required_code(
            self.get(Field::Method),
            &ContactMethod::ALL,
            Field::Method,
            &mut fail,
        );
        // A draft kept before 联系结果 existed has it empty: every contact then reached.
        let outcome = if self.get(Field::Outcome).trim().is_empty() {
            Some(ContactOutcome::Reached)
        } else {
            required_code(
                self.get(Field::Outcome),
                &ContactOutcome::ALL,
                Field::Outcome,
                &mut fail,
            )
        };
        if outcome == Some(ContactOutcome::Unreachable) {
            return self.unreached(date, method, errors);
        }
        let work_status = required_code(
            self.get(Field::WorkStatus),
            &WorkStatus::ALL,
            Field::WorkStatus,
            &mut fail,
        );

        let mut employment = None;
        if let Some(status) = work_status.filter(|s| s.is_in_work()) {
            let employer = clean_line(self.get(Field::Employer), 40);
            if employer.is_empty() && status.has_employer() {
                fail(Field::Employer, "请填写工作单位或务工地");
            }
            let contract = required_code(
                self.get(Field::Contract),
                &[true, false],
                Field::Contract,
                &mut fail,
            );
            let insurance = required_code(
                self.get(Field::SocialInsurance),
                &[true, false],
                Field::SocialInsurance,
                &mut fail,
            );
            let wage = match parse_yuan(self.get(Field::Wage)) {
                Ok(w) => Some(w),
                Err(YuanError::Empty) => {
                    fail(Field::Wage, "请填写月工资");
                    None
                }
                Err(e) => {
                    fail(Field::Wage, e.message());
                    None
                }
            };
            if let (Some(contract_signed), Some(social_insurance_paid), Some(monthly_wage)) =
                (contract, insurance, wage)
            {
                employment = Some(Employment {
                    employer,
                    contract_signed,
                    social_insurance_paid,
                    monthly_wage,
                });
            }
        }
        let willing_to_work = if work_status.is_some_and(WorkStatus::is_in_work) {
            Some(true)
        } else {
            required_code(
                self.get(Field::Willing),
                &[true, false],
                Field::Willing,
                &mut fail,
            )
        };
        let needs: Vec<Need> = self
            .get(Field::Needs)
            .chars()
            .filter_map(|c| pick(&c.to_string(), &Need::ALL))
            .collect();

        let next_contact = self.next_contact(date, &mut fail);

        match (date, method, work_status, willing_to_work, next_contact) {
            (
                Some(date),
                Some(method),
                Some(work_status),
                Some(willing_to_work),
                Some(next_contact),
            ) if errors.is_empty() => Ok(FollowUpAnswers {
                date,
                method,
                work_status,
                employment,
                willing_to_work,
                needs,
                services: clean_line(self.get(Field::Services), 100),
                plan: clean_line(self.get(Field::Plan), 200),
                next_contact,
                outcome: outcome.unwrap_or(ContactOutcome::Reached),
            }),
            _ => Err(errors),
        }
    }

    fn next_contact(
        &self,
        date: Option<NaiveDate>,
        fail: &mut impl FnMut(Field, &str),
    ) -> Option<NaiveDate> {
        match (parse_date(self.get(Field::NextContact)), date) {
            (Err(m), _) => {
                fail(Field::NextContact, m);
                None
            }
            (Ok(n), Some(d)) if n <= d => {
                fail(Field::NextContact, "应晚于回访日期");
                None
            }
            (Ok(n), Some(d))
                if d.checked_add_months(Months::new(2)).is_some_and(|limit| {
                    n >= super::year_month::YearMonth::of(limit).first_day()
                }) =>
            {
                fail(Field::NextContact, "每月至少回访一次，不得晚于下月底");
                None
            }
            (Ok(n), _) => Some(n),
        }
    }

    /// A contact that did not reach the person (联系不上): when, how it was tried, the plan
    /// and the next try. The work status and willingness say nothing new: they are the
    /// carried answers when there are any (照上次), else the defaults, and a saved
    /// unreachable follow-up changes nothing of the person's record.
    fn unreached(
        &self,
        date: Option<NaiveDate>,
        method: Option<ContactMethod>,
        mut errors: Vec<FieldError>,
    ) -> Result<FollowUpAnswers, Vec<FieldError>> {
        let mut fail = |field: Field, message: &str| {
            errors.push(FieldError {
                field,
                message: message.to_string(),
            })
        };
        let next_contact = self.next_contact(date, &mut fail);
        match (date, method, next_contact) {
            (Some(date), Some(method), Some(next_contact)) if errors.is_empty() => {
                Ok(FollowUpAnswers {
                    date,
                    method,
                    work_status: self.work_status().unwrap_or(WorkStatus::Unemployed),
                    employment: None,
                    willing_to_work: pick_coded::<Willing>(self.get(Field::Willing))
                        .is_none_or(|w| w.0),
                    needs: Vec::new(),
                    services: String::new(),
                    plan: clean_line(self.get(Field::Plan), 200),
                    next_contact,
                    outcome: ContactOutcome::Unreachable,
                })
            }
            _ => Err(errors),
        }
    }
}

impl TypedForm for FollowUpDraft {
    type Field = Field;
    type Context = FormContext;
    type Answers = FollowUpAnswers;

    fn fields(&self) -> &'static [Field] {
        &Field::ALL
    }

    fn text(&self, field: Field) -> &str {
        self.get(field)
    }

    fn set_text(&mut self, field: Field, value: String) {
        self.set(field, value);
    }

    fn applies(&self, field: Field) -> bool {
        FollowUpDraft::applies(self, field)
    }

    fn check(&self, ctx: &FormContext) -> Result<FollowUpAnswers, Vec<(Field, String)>> {
        self.validate(ctx)
            .map_err(|errors| errors.into_iter().map(|e| (e.field, e.message)).collect())
    }
}

fn required_code<T: Copy>(
    raw: &str,
    all: &[T],
    field: Field,
    fail: &mut impl FnMut(Field, &str),
) -> Option<T> {
    if raw.trim().is_empty() {
        fail(field, "请选择");
        return None;
    }
    let found = pick(raw, all);
    if found.is_none() {
        fail(field, &format!("请按 1-{} 选择", all.len()));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ctx() -> FormContext {
        FormContext {
            today: d(2026, 11, 28),
            recognised_on: Some(d(2025, 3, 1)),
            tier: Tier::Two,
            late_entry_days: 5,
        }
    }

    fn filled() -> FollowUpDraft {
        let mut f = FollowUpDraft::blank(&ctx(), &Settings::default());
        f.press_code(Field::Method, '2');
        f.press_code(Field::WorkStatus, '1');
        f.press_code(Field::Willing, '1');
        f
    }

    #[test]
    fn a_blank_form_starts_today_with_next_contact_a_month_later() {
        let f = FollowUpDraft::blank(&ctx(), &Settings::default());
        assert_eq!(f.get(Field::Date), "2026-11-28");
        assert_eq!(f.get(Field::NextContact), "2026-12-28");
    }

    #[test]
    fn unemployed_person_needs_no_employer_and_validates() {
        let f = filled();
        assert!(!f.applies(Field::Employer));
        let a = f.validate(&ctx()).unwrap();
        assert_eq!(a.method, ContactMethod::Phone);
        assert_eq!(a.work_status, WorkStatus::Unemployed);
        assert!(a.employment.is_none());
    }

    #[test]
    fn person_in_work_must_give_contract_insurance_and_wage() {
        let mut f = filled();
        f.press_code(Field::WorkStatus, '２');
        assert!(f.applies(Field::Employer));
        assert!(!f.applies(Field::Willing));
        let errors = f.validate(&ctx()).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                Field::Employer,
                Field::Contract,
                Field::SocialInsurance,
                Field::Wage
            ]
        );
        f.set(Field::Employer, "于都县富华服装厂".into());
        f.press_code(Field::Contract, '1');
        f.press_code(Field::SocialInsurance, '2');
        f.set(Field::Wage, "３,２００".into());
        let a = f.validate(&ctx()).unwrap();
        assert_eq!(a.employment.unwrap().monthly_wage, 3200);
    }

    #[test]
    fn impossible_and_future_dates_are_refused_with_a_reason() {
        let mut f = filled();
        f.set(Field::Date, "2026-02-30".into());
        assert_eq!(
            f.validate(&ctx()).unwrap_err()[0].message,
            "日期无效（没有这一天）"
        );
        f.set(Field::Date, "2026-11-29".into());
        assert_eq!(f.validate(&ctx()).unwrap_err()[0].message, "不能晚于今天");
        f.set(Field::Date, "2025-02-28".into());
        assert_eq!(f.validate(&ctx()).unwrap_err()[0].message, "早于认定日期");
        f.set(Field::Date, "昨天".into());
        assert_eq!(
            f.validate(&ctx()).unwrap_err()[0].message,
            "日期格式应为 2026-11-28"
        );
        f.set(Field::Date, "20261127".into());
        assert!(f.validate(&ctx()).is_ok());
    }

    #[test]
    fn last_months_visit_is_taken_only_in_the_late_entry_window_and_covers_last_month() {
        let mut f = filled();
        f.set(Field::Date, "2026-10-30".into());
        f.set(Field::NextContact, "2026-11-30".into());
        let mut early = ctx();
        early.today = d(2026, 11, 2);
        let a = f.validate(&early).unwrap();
        assert_eq!(a.date, d(2026, 10, 30));
        assert_eq!(
            f.visit_month(&early),
            Some(VisitMonth::LateEntry(
                crate::domain::YearMonth::new(2026, 10).unwrap()
            ))
        );
        // Late in the month the same date is refused at the field, and names no month.
        let errors = f.validate(&ctx()).unwrap_err();
        assert_eq!(errors[0].field, Field::Date);
        assert_eq!(
            errors[0].message,
            "2026年10月已截止：上月回访只能在本月1日至5日补录"
        );
        assert_eq!(f.visit_month(&ctx()), None);
        f.set(Field::Date, "2026-11-03".into());
        assert_eq!(
            f.visit_month(&ctx()),
            Some(VisitMonth::ThisMonth(
                crate::domain::YearMonth::new(2026, 11).unwrap()
            ))
        );
    }

    #[test]
    fn next_contact_must_follow_the_visit_within_next_month() {
        let mut f = filled();
        f.set(Field::NextContact, "2026-11-28".into());
        assert_eq!(f.validate(&ctx()).unwrap_err()[0].field, Field::NextContact);
        f.set(Field::NextContact, "2027-01-01".into());
        assert_eq!(f.validate(&ctx()).unwrap_err()[0].field, Field::NextContact);
        f.set(Field::NextContact, "2026-12-31".into());
        assert!(f.validate(&ctx()).is_ok());
    }

    #[test]
    fn a_draft_kept_before_the_contact_outcome_reads_as_reached() {
        let mut f = filled();
        f.set(Field::Outcome, String::new());
        assert_eq!(f.validate(&ctx()).unwrap().outcome, ContactOutcome::Reached);
        f.set(Field::Outcome, "9".into());
        assert_eq!(f.validate(&ctx()).unwrap_err()[0].field, Field::Outcome);
    }

    #[test]
    fn needs_toggle_and_zero_clears() {
        let mut f = filled();
        f.press_code(Field::Needs, '3');
        f.press_code(Field::Needs, '1');
        assert_eq!(f.get(Field::Needs), "13");
        assert_eq!(f.display_value(Field::Needs), "1 岗位  3 创业");
        f.press_code(Field::Needs, '1');
        assert_eq!(f.get(Field::Needs), "3");
        f.press_code(Field::Needs, '0');
        assert_eq!(f.get(Field::Needs), "");
        assert!(!f.press_code(Field::Needs, '9'));
    }

    #[test]
    fn copy_of_last_keeps_answers_but_dates_today() {
        let mut f = filled();
        f.press_code(Field::WorkStatus, '6');
        f.set(Field::Employer, "广东东莞".into());
        f.press_code(Field::Contract, '1');
        f.press_code(Field::SocialInsurance, '1');
        f.set(Field::Wage, "5000".into());
        let mut old_ctx = ctx();
        old_ctx.today = d(2026, 10, 12);
        f.set(Field::Date, "2026-10-12".into());
        f.set(Field::NextContact, "2026-11-12".into());
        let last = f.validate(&old_ctx).unwrap();
        let copy = FollowUpDraft::copy_of(&last, &ctx(), &Settings::default());
        assert_eq!(copy.get(Field::Date), "2026-11-28");
        assert_eq!(copy.get(Field::NextContact), "2026-12-28");
        assert_eq!(copy.get(Field::Employer), "广东东莞");
        let again = copy.validate(&ctx()).unwrap();
        assert_eq!(again.employment, last.employment);
    }

    #[test]
    fn pasted_control_characters_never_reach_the_record() {
        let mut f = filled();
        f.set(Field::Plan, "推荐\u{1b}[31m岗位\r\n两个".into());
        assert_eq!(f.validate(&ctx()).unwrap().plan, "推荐[31m岗位  两个");
    }

    #[test]
    fn a_saved_follow_up_reads_back_exactly_and_differences_are_per_field() {
        let ctx = ctx();
        let mut mine = FollowUpDraft::blank(&ctx, &Settings::default());
        mine.press_code(Field::Method, '2');
        mine.press_code(Field::WorkStatus, '1');
        mine.press_code(Field::Willing, '1');
        mine.set(Field::Plan, "推荐保洁岗位".into());
        let saved = mine.validate(&ctx).unwrap();
        let theirs = FollowUpDraft::of_saved(&saved);
        assert_eq!(theirs.validate(&ctx).unwrap(), saved);
        assert!(mine.differences(&theirs).is_empty());

        let mut other = theirs.clone();
        other.press_code(Field::Method, '1');
        other.set(Field::Plan, "参加电工培训".into());
        assert_eq!(mine.differences(&other), [Field::Method, Field::Plan]);
        let merged = mine.taking(&other, &[Field::Plan]);
        assert_eq!(merged.get(Field::Method), "2");
        assert_eq!(merged.get(Field::Plan), "参加电工培训");
    }

    #[test]
    fn fields_that_apply_to_neither_work_status_do_not_count_as_differences() {
        let ctx = ctx();
        let mut a = FollowUpDraft::blank(&ctx, &Settings::default());
        a.press_code(Field::WorkStatus, '1');
        let mut b = a.clone();
        b.set(Field::Employer, "旧单位".into());
        assert!(a.differences(&b).is_empty());
        b.press_code(Field::WorkStatus, '2');
        assert_eq!(a.differences(&b), [Field::WorkStatus, Field::Employer]);
    }
}
