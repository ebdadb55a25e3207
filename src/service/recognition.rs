//! The way in (第(二)条): registering a person at the counter, the review of a case step by
//! step, the notice list, and the zero-employment counts (第(四)条).

use super::{
    Actor, NoticeRow, ObjectionView, Registered, Result, ReviewView, Role, Service, ServiceError,
    TimelineEntry, ZeroEmploymentCount, ZeroOverdue, now_cst, stamp,
};
use crate::domain::category_change::CategoryChange;
use crate::domain::household::{
    HouseholdEventKind, clearance_deadline, is_zero_employment, second_head,
};
use crate::domain::intake::{HouseholdChoice, IntakeAnswers, IntakeDraft, IntakeField};
use crate::domain::recognition::{Rules, Step};
use crate::domain::retirement::{
    FormerRetirementClass, NEAR_RETIREMENT_YEARS, within_years_of_retirement,
};
use crate::domain::text::mask_name;
use crate::domain::tier::{TierFacts, suggested_tier};
use crate::domain::{
    AssistanceCase, CaseEvent, CaseEventKind, CaseId, CaseSummary, Household, HouseholdId, Person,
    PersonId, RecognitionStatus, Tier, TownshipCode, YearMonth,
};
use crate::store::{County, HouseholdPlan, Registration, StoreError};
use chrono::NaiveDate;

fn field(field: IntakeField, message: impl Into<String>) -> ServiceError {
    ServiceError::InvalidIntake(vec![(field, message.into())])
}

/// What a township caseworker is told of an ID number another township holds: that it is
/// held, never by whom, where or in what state — the person is that township's to disclose,
/// and the county's reviewers, who cover every township, can say where they are.
pub const HELD_ELSEWHERE: &str = "此身份证号已在本县其他乡镇登记，请联系县级经办人员";

impl Service {
    fn county_or_err(&self) -> Result<County> {
        self.db()?
            .county()?
            .ok_or_else(|| ServiceError::NotFound("县区信息（数据库尚未初始化）".into()))
    }

    /// 登记申请. Refused field by field; an ID number already on file is refused with where
    /// that person is (one person, one record) when the actor covers that person's township,
    /// and as a scope denial that discloses nothing ([`HELD_ELSEWHERE`]) when not.
    pub(super) fn register(
        &self,
        actor: &Actor,
        draft: &IntakeDraft,
        today: NaiveDate,
    ) -> Result<Registered> {
        if actor.role == Role::Admin {
            return Err(ServiceError::Denied(
                "管理员账户不办理登记，请用乡镇经办或县级审核账户".into(),
            ));
        }
        let answers = draft.validate(today).map_err(|errors| {
            ServiceError::InvalidIntake(errors.into_iter().map(|e| (e.field, e.message)).collect())
        })?;
        let county = self.county_or_err()?;
        if let Some(existing) = self.db()?.person_by_id_number(answers.id_number.as_str())? {
            self.check_covers_person(actor, existing)?;
            // Someone whose earlier case ended (exited, or not recognised) may apply
            // again: a new case on the same record, the old history kept (第(五)条).
            if answers.apply && !self.has_open_case(existing)? {
                return self.reapply(actor, existing, &answers, today);
            }
            return Err(field(
                IntakeField::IdNumber,
                self.where_is(existing, &county)?,
            ));
        }
        let (plan, township, others) = self.household_for(actor, &answers, &county)?;
        let person = Person {
            id: PersonId(self.db()?.new_id()?),
            rev: 1,
            id_number: answers.id_number.clone(),
            name: answers.name.clone(),
            phone: answers.phone.clone(),
            household: match &plan {
                HouseholdPlan::New(h) => h.id,
                HouseholdPlan::Join(id) => *id,
            },
            relation: answers.relation,
            former_class: answers.former_class,
            labour: answers.labour,
            willing_to_work: answers.willing_to_work,
            work_status: answers.work_status,
            unemployed_since: answers.unemployed_since,
            categories: answers.categories.clone(),
        };
        let case = if answers.apply {
            self.check_qualifies(&person, &others, &plan, today)?;
            let id = CaseId(self.db()?.new_id()?);
            Some(AssistanceCase {
                id,
                rev: 1,
                person: person.id,
                household: person.household,
                township,
                status: RecognitionStatus::Applied,
                tier: Tier::Two,
                applied_on: today,
                recognised_on: None,
                events: vec![CaseEvent {
                    date: today,
                    kind: CaseEventKind::Applied,
                }],
            })
        } else {
            None
        };
        let registration = Registration {
            person,
            household: plan,
            case,
        };
        let stamp = crate::store::Stamp {
            actor: actor.user.clone(),
            at: now_cst(),
        };
        let saved = match self
            .db()?
            .register(&stamp, Some(&actor.user), &registration, today)
        {
            Err(StoreError::Duplicate(existing)) => {
                // Registered by someone else since the check above.
                self.check_covers_person(actor, existing)?;
                return Err(field(
                    IntakeField::IdNumber,
                    self.where_is(existing, &county)?,
                ));
            }
            other => other?,
        };
        Ok(Registered {
            person: saved.person,
            household: saved.household,
            case: saved.case,
            name: registration.person.name,
            zero_employment: saved.zero_employment,
        })
    }

    /// Whether the person has a case still on its way or recognised.
    fn has_open_case(&self, person: PersonId) -> Result<bool> {
        let Some(p) = self.db()?.person(person)? else {
            return Ok(false);
        };
        for case in self.db()?.household_cases(p.household)? {
            if let Some(s) = self.db()?.summary(case)?
                && s.person == person
                && !matches!(
                    s.status,
                    RecognitionStatus::Exited | RecognitionStatus::Rejected
                )
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A new application by a person on file whose earlier case ended: their record
    /// updated from the counter (phone, capacity, work, registration, categories), in
    /// their own household.
    fn reapply(
        &self,
        actor: &Actor,
        existing: PersonId,
        answers: &IntakeAnswers,
        today: NaiveDate,
    ) -> Result<Registered> {
        let mut person = self
            .db()?
            .person(existing)?
            .ok_or_else(|| ServiceError::NotFound(format!("人员 {existing}")))?;
        let household = self
            .db()?
            .household(person.household)?
            .ok_or_else(|| ServiceError::NotFound(format!("家庭 {}", person.household)))?;
        if !actor.covers(&household.township) {
            return Err(ServiceError::Denied(HELD_ELSEWHERE.into()));
        }
        person.phone = answers.phone.clone();
        person.labour = answers.labour;
        person.willing_to_work = answers.willing_to_work;
        person.work_status = answers.work_status;
        person.unemployed_since = answers.unemployed_since;
        if !answers.categories.is_empty() {
            person.categories = answers.categories.clone();
        }
        person.rev += 1;
        let mut others = Vec::new();
        for m in household.members.iter().filter(|m| **m != existing) {
            if let Some(p) = self.db()?.person(*m)? {
                others.push(p);
            }
        }
        let plan = HouseholdPlan::Join(household.id);
        self.check_qualifies(&person, &others, &plan, today)?;
        let case = AssistanceCase {
            id: CaseId(self.db()?.new_id()?),
            rev: 1,
            person: existing,
            household: household.id,
            township: household.township.clone(),
            status: RecognitionStatus::Applied,
            tier: Tier::Two,
            applied_on: today,
            recognised_on: None,
            events: vec![CaseEvent {
                date: today,
                kind: CaseEventKind::Applied,
            }],
        };
        let saved = self
            .db()?
            .reapply(&stamp(actor), Some(&actor.user), &person, &case, today)?;
        Ok(Registered {
            person: existing,
            household: household.id,
            case: saved.case,
            name: person.name,
            zero_employment: saved.zero_employment,
        })
    }

    /// Refuses, without a word about them, a person on file whom the actor does not cover;
    /// for a township caseworker a person whose household record is missing counts as not
    /// covered, since where they belong cannot be shown to be their township.
    fn check_covers_person(&self, actor: &Actor, person: PersonId) -> Result<()> {
        let township = match self.db()?.person(person)? {
            Some(p) => self.db()?.household(p.household)?.map(|h| h.township),
            None => None,
        };
        match township {
            Some(t) if actor.covers(&t) => Ok(()),
            None if actor.role == Role::CountyReviewer => Ok(()),
            _ => Err(ServiceError::Denied(HELD_ELSEWHERE.into())),
        }
    }

    /// The person on file a registration is about, for its audit entry if refused: the
    /// holder of the ID number typed, else the household member named to join. Only a link
    /// for `audit show --person`; a store error here is left to the registration to report.
    pub(super) fn registration_concerns(&self, draft: &IntakeDraft) -> Option<[u8; 8]> {
        [IntakeField::IdNumber, IntakeField::MemberId]
            .into_iter()
            .filter(|f| draft.applies(*f))
            .filter_map(|f| crate::domain::IdNumber::parse(draft.get(f)).ok())
            .find_map(|id| {
                self.db()
                    .ok()?
                    .person_by_id_number(id.as_str())
                    .ok()
                    .flatten()
            })
            .map(|p| p.to_key())
    }

    /// "已登记：张三，贡江镇长征村，已认定" — where a person already on file is.
    fn where_is(&self, person: PersonId, county: &County) -> Result<String> {
        let Some(p) = self.db()?.person(person)? else {
            return Ok("此身份证号已登记".into());
        };
        let place = match self.db()?.household(p.household)? {
            Some(h) => format!("{}{}", county.township_name(&h.township), h.village),
            None => String::new(),
        };
        let mut status = "未申请援助".to_string();
        for case in self.db()?.household_cases(p.household)? {
            if let Some(s) = self.db()?.summary(case)?.filter(|s| s.person == person) {
                status = s.status.label().to_string();
            }
        }
        Ok(format!(
            "此身份证号已登记：{}，{place}，户号 {}，{status}",
            p.name, p.household
        ))
    }

    /// The household the person goes into, its township, and its members already on file.
    fn household_for(
        &self,
        actor: &Actor,
        answers: &IntakeAnswers,
        county: &County,
    ) -> Result<(HouseholdPlan, TownshipCode, Vec<Person>)> {
        match &answers.household {
            HouseholdChoice::New {
                township,
                village,
                address,
                business_income,
            } => {
                let code = county
                    .townships
                    .iter()
                    .find(|t| t.name == *township || t.code.0 == *township)
                    .map(|t| t.code.clone())
                    .ok_or_else(|| {
                        field(IntakeField::Township, format!("本县没有乡镇“{township}”"))
                    })?;
                if !actor.covers(&code) {
                    return Err(ServiceError::Denied("只能登记本乡镇（街道）的人员".into()));
                }
                let household = Household {
                    id: HouseholdId(self.db()?.new_id()?),
                    rev: 0,
                    township: code.clone(),
                    village: village.clone(),
                    address: address.clone(),
                    members: Vec::new(),
                    has_business_income: *business_income,
                    events: Vec::new(),
                };
                Ok((HouseholdPlan::New(household), code, Vec::new()))
            }
            HouseholdChoice::Join { member } => {
                let pid = self
                    .db()?
                    .person_by_id_number(member.as_str())?
                    .ok_or_else(|| {
                        field(
                            IntakeField::MemberId,
                            format!("没有身份证号为 {} 的已登记人员", member.masked()),
                        )
                    })?;
                let hid = self
                    .db()?
                    .person(pid)?
                    .map(|p| p.household)
                    .ok_or_else(|| ServiceError::NotFound(format!("人员 {pid}")))?;
                let household = self
                    .db()?
                    .household(hid)?
                    .ok_or_else(|| ServiceError::NotFound(format!("家庭 {hid}")))?;
                if !actor.covers(&household.township) {
                    return Err(ServiceError::Denied(HELD_ELSEWHERE.into()));
                }
                let mut others = Vec::new();
                for m in &household.members {
                    if let Some(p) = self.db()?.person(*m)? {
                        others.push(p);
                    }
                }
                if let Some(head) = second_head(&others, answers.relation) {
                    return Err(field(
                        IntakeField::Relation,
                        format!(
                            "该户已有户主 {}，一户只能有一个户主，请选择与户主的关系",
                            head.name
                        ),
                    ));
                }
                Ok((HouseholdPlan::Join(hid), household.township, others))
            }
        }
    }

    /// An applicant must fall in one of the nine categories (第(一)条): a recorded one with
    /// evidence, or a derived one — "4050", or a zero-employment household with them in it.
    fn check_qualifies(
        &self,
        person: &Person,
        others: &[Person],
        plan: &HouseholdPlan,
        today: NaiveDate,
    ) -> Result<()> {
        if !person.categories.is_empty() {
            return Ok(());
        }
        let is_4050 = crate::domain::category::is_4050(
            person.birth_date(),
            person.id_number.sex(),
            person.unemployed_since,
            today,
            &self.settings,
        );
        let business = match plan {
            HouseholdPlan::New(h) => h.has_business_income,
            HouseholdPlan::Join(id) => self
                .db()?
                .household(*id)?
                .is_some_and(|h| h.has_business_income),
        };
        let mut members: Vec<&Person> = others.iter().collect();
        members.push(person);
        let zero = is_zero_employment(&members, business, today);
        if is_4050 || zero {
            Ok(())
        } else {
            Err(field(
                IntakeField::Category1,
                "申请人不属于任何一类就业困难人员：请选择人员类别并填写证明（“4050”和零就业家庭成员由程序判断）",
            ))
        }
    }

    pub(super) fn review(
        &self,
        actor: &Actor,
        case: CaseId,
        today: NaiveDate,
    ) -> Result<ReviewView> {
        let summary = self.covered_summary(actor, case)?;
        let c = self
            .db()?
            .case(case)?
            .ok_or_else(|| ServiceError::NotFound(format!("案件 {case}")))?;
        let county = self.county_or_err()?;
        let history = c
            .events
            .iter()
            .map(|e| TimelineEntry {
                date: e.date,
                who: summary.name.clone(),
                what: e.kind.describe(),
            })
            .collect();
        Ok(ReviewView {
            case,
            rev: c.rev,
            household: c.household,
            name: summary.name.clone(),
            id_masked: summary.id_number.masked(),
            township_name: county.township_name(&c.township).to_string(),
            status: c.status,
            tier: c.tier,
            categories: summary.categories(today, &self.settings),
            applied_on: c.applied_on,
            notice: c.notice().map(|n| (n.published, n.ends)),
            recognisable_from: c
                .notice()
                .map(|n| n.recognisable_from(&self.settings.calendar)),
            suggested_tier: self.suggested_tier(&summary, today)?,
            objections: c
                .objections()
                .into_iter()
                .map(|o| ObjectionView {
                    raised_on: o.raised_on,
                    text: o.text,
                    finding: o.resolved.map(|(_, f)| f),
                })
                .collect(),
            history,
            packages: self
                .settings
                .tiers
                .iter()
                .map(|t| t.package.clone())
                .collect(),
            today,
        })
    }

    /// The default tier rule on the person's facts today (第(四)条).
    fn suggested_tier(&self, summary: &CaseSummary, today: NaiveDate) -> Result<Tier> {
        Ok(suggested_tier(&self.tier_facts(summary, today)?))
    }

    /// What the default tier rule looks at for this person today (第(四)条): the form
    /// replaces `in_work` with the status being entered.
    pub(super) fn tier_facts(&self, summary: &CaseSummary, today: NaiveDate) -> Result<TierFacts> {
        let former_class = self
            .db()?
            .person(summary.person)?
            .map(|p| p.former_class)
            .unwrap_or(FormerRetirementClass::Fifty);
        let facts = TierFacts {
            categories: summary.categories(today, &self.settings),
            in_work: summary.work_status.is_in_work(),
            near_retirement: within_years_of_retirement(
                summary.id_number.birth_date(),
                summary.id_number.sex(),
                former_class,
                today,
                NEAR_RETIREMENT_YEARS,
            ),
        };
        Ok(facts)
    }

    pub(super) fn step(
        &self,
        actor: &Actor,
        case: CaseId,
        rev: u64,
        step: Step,
        today: NaiveDate,
    ) -> Result<(u64, RecognitionStatus)> {
        self.covered_summary(actor, case)?;
        let mut c = self
            .db()?
            .case(case)?
            .ok_or_else(|| ServiceError::NotFound(format!("案件 {case}")))?;
        if c.rev != rev {
            return Err(ServiceError::Conflict(
                "此案件刚被他人处理过，请重新打开后再办理".into(),
            ));
        }
        let label = step.label();
        let rules = Rules {
            today,
            calendar: &self.settings.calendar,
            notice_working_days: self.settings.notice_working_days,
        };
        c.take(step, actor.role, &rules)
            .map_err(ServiceError::Refused)?;
        let saved = self
            .db()?
            .put_case_step(&stamp(actor), &c, rev, label, today)?;
        Ok((saved.rev, saved.status))
    }

    /// 第(一)条: a township caseworker of the person's township, or a county reviewer,
    /// adds or ends one of the person's recorded categories with its evidence; kept as a
    /// dated event of the case and audited. Not on a case that has ended.
    pub(super) fn change_category(
        &self,
        actor: &Actor,
        case: CaseId,
        rev: u64,
        change: &CategoryChange,
        today: NaiveDate,
    ) -> Result<(u64, RecognitionStatus)> {
        if !matches!(actor.role, Role::TownshipCaseworker | Role::CountyReviewer) {
            return Err(ServiceError::Denied(
                "只有本乡镇经办人员或县级审核人员可以增减人员类别".into(),
            ));
        }
        self.covered_summary(actor, case)?;
        let mut c = self
            .db()?
            .case(case)?
            .ok_or_else(|| ServiceError::NotFound(format!("案件 {case}")))?;
        if c.rev != rev {
            return Err(ServiceError::Conflict(
                "此案件刚被他人处理过，请重新打开后再办理".into(),
            ));
        }
        if matches!(
            c.status,
            RecognitionStatus::Exited | RecognitionStatus::Rejected
        ) {
            return Err(ServiceError::Refused(format!(
                "该案件已“{}”，不能再增减人员类别",
                c.status.label()
            )));
        }
        let person = self
            .db()?
            .person(c.person)?
            .ok_or_else(|| ServiceError::NotFound(format!("人员 {}", c.person)))?;
        let categories = change
            .apply(&person.categories)
            .map_err(ServiceError::Refused)?;
        c.events.push(CaseEvent {
            date: today,
            kind: CaseEventKind::CategoryChanged {
                change: change.clone(),
                by: actor.user.clone(),
            },
        });
        let saved =
            self.db()?
                .put_categories(&stamp(actor), &c, rev, &categories, change.label())?;
        Ok((saved.rev, saved.status))
    }

    /// The notices running today (published, not yet ended), in the actor's townships or
    /// one named township.
    pub(super) fn notices(
        &self,
        actor: &Actor,
        township: Option<&str>,
        today: NaiveDate,
    ) -> Result<Vec<NoticeRow>> {
        let county = self.county_or_err()?;
        let only = match township {
            None => None,
            Some(t) => Some(
                county
                    .townships
                    .iter()
                    .find(|x| x.name == t || x.code.0 == t)
                    .map(|x| x.code.clone())
                    .ok_or_else(|| ServiceError::NotFound(format!("乡镇“{t}”")))?,
            ),
        };
        let mut rows = Vec::new();
        for s in self.db()?.summaries()? {
            if s.status != RecognitionStatus::InNotice
                || !actor.covers(&s.township)
                || only.as_ref().is_some_and(|o| *o != s.township)
            {
                continue;
            }
            let Some(notice) = self.db()?.case(s.case)?.and_then(|c| c.notice()) else {
                continue;
            };
            if today > notice.ends {
                continue;
            }
            let village = self
                .db()?
                .household(s.household)?
                .map(|h| h.village)
                .unwrap_or_default();
            rows.push(NoticeRow {
                township_name: county.township_name(&s.township).to_string(),
                village,
                name_masked: mask_name(&s.name),
                id_masked: s.id_number.masked(),
                categories: s.categories(today, &self.settings),
                published: notice.published,
                ends: notice.ends,
            });
        }
        rows.sort_by(|a, b| {
            (&a.township_name, &a.village, a.published).cmp(&(
                &b.township_name,
                &b.village,
                b.published,
            ))
        });
        Ok(rows)
    }

    /// Zero-employment households per township the actor covers: now on file, started this
    /// month, cleared this month.
    pub(super) fn zero_employment(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<Vec<ZeroEmploymentCount>> {
        let county = self.county_or_err()?;
        let month = YearMonth::of(today);
        let mut rows: Vec<ZeroEmploymentCount> = county
            .townships
            .iter()
            .filter(|t| actor.covers(&t.code))
            .map(|t| ZeroEmploymentCount {
                township_name: t.name.clone(),
                current: 0,
                found_this_month: 0,
                cleared_this_month: 0,
                ended_this_month: 0,
                past_deadline: Vec::new(),
            })
            .collect();
        for h in self.db()?.households()? {
            if !actor.covers(&h.township) {
                continue;
            }
            let name = county.township_name(&h.township);
            let Some(row) = rows.iter_mut().find(|r| r.township_name == name) else {
                continue;
            };
            if h.zero_employment_on_file() {
                row.current += 1;
            }
            for e in h.events.iter().filter(|e| YearMonth::of(e.date) == month) {
                match e.kind {
                    HouseholdEventKind::ZeroEmploymentStarted => row.found_this_month += 1,
                    HouseholdEventKind::ZeroEmploymentCleared => row.cleared_this_month += 1,
                    HouseholdEventKind::ZeroEmploymentEnded(_) => row.ended_this_month += 1,
                }
            }
            if let Some(since) = h.zero_since() {
                let deadline = clearance_deadline(since, self.settings.zero_clearance_days);
                if today > deadline {
                    let mut members = Vec::new();
                    for m in &h.members {
                        members.extend(self.db()?.person(*m)?);
                    }
                    let head = members
                        .iter()
                        .find(|p| p.relation == crate::domain::Relation::Head)
                        .or(members.first())
                        .map(|p| p.name.clone())
                        .unwrap_or_default();
                    row.past_deadline.push(ZeroOverdue {
                        household: h.id,
                        village: h.village.clone(),
                        head,
                        since,
                        deadline,
                    });
                }
            }
        }
        for row in &mut rows {
            row.past_deadline.sort_by_key(|o| (o.since, o.household));
        }
        Ok(rows)
    }
}
