//! 第(五)条 退出 (R-EXIT-1): the rules that propose a recognised person's exit, each with
//! its evidence, and the exit's review — proposed by one person, verified and decided by a
//! county reviewer who is not that person (R-GOV-1). Approval cancels the recognition; the
//! case keeps its whole history, and the person may apply again later.

use super::account::Role;
use super::case::{AssistanceCase, CaseEvent, CaseEventKind, RecognitionStatus};
use super::followup::{ContactOutcome, FollowUpAnswers, WorkStatus};
use super::person::Person;
use super::retirement::retirement_date;
use super::text::clean_line;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The exit reasons, in the order of the settings table (DOMAIN.md, "exit reasons").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ExitReason {
    Retired,
    UnableToWork,
    StudyServiceEmigration,
    NoLongerWantsWork,
    StablyEmployed,
    MovedAway,
    Sentenced,
    FalseInformation,
    SubsidyFraud,
    Unreachable,
    Died,
    Other,
}

impl ExitReason {
    pub const ALL: [ExitReason; 12] = [
        ExitReason::Retired,
        ExitReason::UnableToWork,
        ExitReason::StudyServiceEmigration,
        ExitReason::NoLongerWantsWork,
        ExitReason::StablyEmployed,
        ExitReason::MovedAway,
        ExitReason::Sentenced,
        ExitReason::FalseInformation,
        ExitReason::SubsidyFraud,
        ExitReason::Unreachable,
        ExitReason::Died,
        ExitReason::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ExitReason::Retired => "达到法定退休年龄或领取养老金",
            ExitReason::UnableToWork => "完全丧失劳动能力",
            ExitReason::StudyServiceEmigration => "升学、参军或出国（境）定居",
            ExitReason::NoLongerWantsWork => "无就业意愿或本人申请退出",
            ExitReason::StablyEmployed => "稳定就业或注销失业登记",
            ExitReason::MovedAway => "迁出本县",
            ExitReason::Sentenced => "被判刑收监",
            ExitReason::FalseInformation => "提供虚假材料",
            ExitReason::SubsidyFraud => "骗取补贴",
            ExitReason::Unreachable => "连续6个月以上无法联系",
            ExitReason::Died => "死亡",
            ExitReason::Other => "其他",
        }
    }
}

/// What the program found: a reason, the rule that proposed it and the evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub reason: ExitReason,
    pub rule: String,
    pub evidence: Vec<String>,
}

/// A case's findings strongest first, stably: the strength of a finding is its reason's
/// place in the notice's list of exit reasons (第(五)条, R-EXIT-1; DOMAIN.md, "exit
/// reasons"), the reason named first the strongest, which is [`ExitReason`]'s order. 退出审核
/// lists a case once, under the first of these, with the others in its evidence (issue 13).
pub fn strongest_first(findings: &mut [Finding]) {
    findings.sort_by_key(|f| f.reason);
}

/// How many follow-ups in a row a rule looks at (settings, DOMAIN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitRules {
    /// Follow-ups in a row in work with a contract and social insurance (default 3).
    pub stable_followups: usize,
    /// Follow-ups in a row out of work and unwilling to work (default 3).
    pub unwilling_followups: usize,
}

impl Default for ExitRules {
    fn default() -> Self {
        Self {
            stable_followups: 3,
            unwilling_followups: 3,
        }
    }
}

/// The exits the rules propose for a recognised person, given their follow-ups oldest
/// first. Nothing for a case not recognised.
pub fn findings(
    case: &AssistanceCase,
    person: &Person,
    followups: &[FollowUpAnswers],
    today: NaiveDate,
    rules: &ExitRules,
) -> Vec<Finding> {
    if case.status != RecognitionStatus::Recognised {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (retires, retired) = retirement_finding(person);
    if retires <= today {
        out.push(retired);
    }
    out.extend(streak_findings(followups, rules));
    out
}

/// 达到法定退休年龄: the person's retirement date and the finding that holds from it.
pub fn retirement_finding(person: &Person) -> (NaiveDate, Finding) {
    let retires = retirement_date(
        person.birth_date(),
        person.id_number.sex(),
        person.former_class,
    );
    let finding = Finding {
        reason: ExitReason::Retired,
        rule: "已到法定退休日期".into(),
        evidence: vec![format!(
            "出生 {}，法定退休日期 {}（按2024年渐进式延迟退休办法计算）",
            person.birth_date().format("%Y-%m"),
            retires.format("%Y-%m-%d")
        )],
    };
    (retires, finding)
}

/// The findings of the follow-ups' latest runs (stable employment, no will to work): they
/// change only when a follow-up is saved, never with the date.
pub fn streak_findings(followups: &[FollowUpAnswers], rules: &ExitRules) -> Vec<Finding> {
    let mut out = Vec::new();
    let last = |n: usize| -> Option<&[FollowUpAnswers]> {
        (n > 0 && followups.len() >= n).then(|| &followups[followups.len() - n..])
    };
    if let Some(run) = last(rules.stable_followups) {
        // A 公益性岗位 is the last resort for those the market cannot place (第(十一)条):
        // its contract and insurance are the post's, not stable work, and the post ends
        // by its own triggers (R-POST-1), one of them stable work elsewhere.
        let stable = run.iter().all(|f| {
            f.work_status != WorkStatus::PublicWelfarePost
                && f.employment
                    .as_ref()
                    .is_some_and(|e| e.contract_signed && e.social_insurance_paid)
        });
        if stable {
            out.push(Finding {
                reason: ExitReason::StablyEmployed,
                rule: format!("连续 {} 次回访均已签合同并缴社保", rules.stable_followups),
                evidence: run
                    .iter()
                    .filter_map(|f| {
                        f.employment.as_ref().map(|e| {
                            format!(
                                "{} {}，{}，月薪{}元",
                                f.date.format("%Y-%m-%d"),
                                f.work_status.label(),
                                e.employer,
                                e.monthly_wage
                            )
                        })
                    })
                    .collect(),
            });
        }
    }
    if let Some(run) = last(rules.unwilling_followups)
        && run.iter().all(|f| {
            f.outcome != ContactOutcome::Unreachable
                && !f.work_status.is_in_work()
                && !f.willing_to_work
        })
    {
        out.push(Finding {
            reason: ExitReason::NoLongerWantsWork,
            rule: format!("连续 {} 次回访均无就业意愿", rules.unwilling_followups),
            evidence: run
                .iter()
                .map(|f| {
                    format!(
                        "{} {}：无就业意愿{}",
                        f.date.format("%Y-%m-%d"),
                        f.method.label(),
                        if f.plan.is_empty() {
                            String::new()
                        } else {
                            format!("（{}）", f.plan)
                        }
                    )
                })
                .collect(),
        });
    }
    out.extend(refusal_finding(followups));
    out.extend(unreachable_finding(followups));
    out
}

/// Reason 4 (R-EXIT-1, the exit reasons table): services refused this many times …
pub const REFUSALS: usize = 3;
/// … within this many months, up to the latest follow-up.
pub const REFUSAL_MONTHS: u32 = 6;
/// Reason 10: unreachable for more than this many months in a row.
pub const UNREACHABLE_MONTHS: u32 = 6;

fn dated(f: &FollowUpAnswers) -> String {
    format!(
        "{} {}：{}",
        f.date.format("%Y-%m-%d"),
        f.method.label(),
        f.outcome.label()
    )
}

/// Reason 4: the person refused the services offered [`REFUSALS`] times or more within
/// [`REFUSAL_MONTHS`] months ending at the latest follow-up. Read from the follow-ups
/// alone, so it changes only when one is saved.
fn refusal_finding(followups: &[FollowUpAnswers]) -> Option<Finding> {
    let latest = followups.last()?.date;
    let since = latest.checked_sub_months(chrono::Months::new(REFUSAL_MONTHS))?;
    let refused: Vec<&FollowUpAnswers> = followups
        .iter()
        .filter(|f| f.outcome == ContactOutcome::RefusedServices && f.date > since)
        .collect();
    (refused.len() >= REFUSALS).then(|| Finding {
        reason: ExitReason::NoLongerWantsWork,
        rule: format!(
            "{REFUSAL_MONTHS} 个月内 {} 次拒绝提供的服务（满 {REFUSALS} 次）",
            refused.len()
        ),
        evidence: refused.iter().map(|f| dated(f)).collect(),
    })
}

/// Reason 10: every follow-up since the last one that reached the person found them
/// unreachable, over more than [`UNREACHABLE_MONTHS`] months from the first of them to the
/// latest. Read from the follow-ups alone, like the other runs.
fn unreachable_finding(followups: &[FollowUpAnswers]) -> Option<Finding> {
    let reached = followups
        .iter()
        .rposition(|f| f.outcome != ContactOutcome::Unreachable);
    let run = &followups[reached.map_or(0, |i| i + 1)..];
    let (first, latest) = (run.first()?, run.last()?);
    let limit = first
        .date
        .checked_add_months(chrono::Months::new(UNREACHABLE_MONTHS))?;
    (latest.date > limit).then(|| Finding {
        reason: ExitReason::Unreachable,
        rule: format!(
            "连续 {UNREACHABLE_MONTHS} 个月以上联系不上（{} 次回访均未联系上）",
            run.len()
        ),
        evidence: {
            let mut e = vec![dated(first)];
            if run.len() > 1 {
                e.push(dated(latest));
            }
            if let Some(i) = reached {
                e.push(format!(
                    "最后一次联系上：{}",
                    followups[i].date.format("%Y-%m-%d")
                ));
            }
            e
        },
    })
}

/// A person recognised only through a derived category (第(一)条) who no longer holds
/// it: no recorded category, the household no longer a zero-employment one, and not
/// "4050" any more (back in work, or the registration cancelled).
pub fn category_lapsed(
    person: &Person,
    zero_household: bool,
    today: NaiveDate,
    settings: &super::settings::Settings,
) -> Option<Finding> {
    if !person.categories.is_empty() || zero_household {
        return None;
    }
    (!is_4050_on(person, today, settings)).then(|| lapsed_finding(person))
}

fn is_4050_on(person: &Person, today: NaiveDate, settings: &super::settings::Settings) -> bool {
    let unemployed = (!person.work_status.is_in_work())
        .then_some(person.unemployed_since)
        .flatten();
    super::category::is_4050(
        person.birth_date(),
        person.id_number.sex(),
        unemployed,
        today,
        settings,
    )
}

fn lapsed_finding(person: &Person) -> Finding {
    Finding {
        reason: ExitReason::Other,
        rule: "不再属于任何一类就业困难人员".into(),
        evidence: vec![format!(
            "无登记类别；所在家庭已不是零就业家庭；不符合“4050”条件（{}）",
            person.work_status.label()
        )],
    }
}

/// The first day this person is "4050" with their record as it is, if any: the rule is
/// monotone in the date (an age reached, a period of unemployment long enough), so the day
/// is found by bisecting the rule itself rather than restating it.
fn becomes_4050_on(person: &Person, settings: &super::settings::Settings) -> Option<NaiveDate> {
    if person.work_status.is_in_work() {
        return None;
    }
    let since = person.unemployed_since?;
    let min_age = settings.age_4050_women.max(settings.age_4050_men);
    let aged = person
        .birth_date()
        .checked_add_days(chrono::Days::new(u64::from(min_age + 1) * 366))?;
    let long = since.checked_add_months(chrono::Months::new(settings.months_4050))?;
    let mut hi = aged.max(long);
    if !is_4050_on(person, hi, settings) {
        return None;
    }
    // Before the registration nobody is "4050": the rule counts from it.
    let mut lo = since.pred_opt()?;
    while hi.signed_duration_since(lo).num_days() > 1 {
        let mid = lo.checked_add_days(chrono::Days::new(
            (hi.signed_duration_since(lo).num_days() / 2) as u64,
        ))?;
        if is_4050_on(person, mid, settings) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// The revision of the exit rules themselves: bumped whenever a rule here changes what
/// it finds, so findings kept by an earlier program are known to be stale and are built
/// again, as they are when the settings change.
///
/// 1: the rules as first kept. 2: a 公益性岗位 is not stable work (finding 9 of issue 13).
/// 3: reasons 4 (refused services) and 10 (unreachable) read from the contact outcome.
pub const EXIT_RULES_REVISION: u32 = 3;

/// The settings the exit rules take their numbers from, and the rules' revision: what a
/// kept finding was computed with, so findings kept under other numbers or older rules are
/// known to be stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitBasis {
    pub rules: ExitRules,
    pub age_4050_women: u32,
    pub age_4050_men: u32,
    pub months_4050: u32,
    /// [`EXIT_RULES_REVISION`] when the findings were computed.
    pub revision: u32,
}

/// [`ExitBasis`] as version 1 of the store wrote it: no revision, so the first rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitBasisV1 {
    pub rules: ExitRules,
    pub age_4050_women: u32,
    pub age_4050_men: u32,
    pub months_4050: u32,
}

impl From<ExitBasisV1> for ExitBasis {
    fn from(v1: ExitBasisV1) -> Self {
        Self {
            rules: v1.rules,
            age_4050_women: v1.age_4050_women,
            age_4050_men: v1.age_4050_men,
            months_4050: v1.months_4050,
            revision: 1,
        }
    }
}

impl ExitBasis {
    pub fn of(settings: &super::settings::Settings) -> Self {
        Self {
            rules: settings.exit_rules,
            age_4050_women: settings.age_4050_women,
            age_4050_men: settings.age_4050_men,
            months_4050: settings.months_4050,
            revision: EXIT_RULES_REVISION,
        }
    }

    /// Settings that agree with these numbers wherever the exit rules read them.
    pub fn settings(&self) -> super::settings::Settings {
        super::settings::Settings {
            age_4050_women: self.age_4050_women,
            age_4050_men: self.age_4050_men,
            months_4050: self.months_4050,
            exit_rules: self.rules,
            ..super::settings::Settings::default()
        }
    }
}

/// A finding with the days it holds on: from `from` (`None`: any day) up to the day before
/// `until` (`None`: until a write changes what it was computed from). A retirement date or
/// a 4050 birthday moves a finding in or out with the date alone, with no write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingFinding {
    pub finding: Finding,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl StandingFinding {
    pub fn holds_on(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day < u)
    }
}

/// Every finding a recognised person with no exit pending can have, each with the days it
/// holds on, in the order 退出审核 lists them: what [`findings`] and [`category_lapsed`]
/// give on any one day is exactly those of these that hold on it. `streaks` are
/// [`streak_findings`] of their follow-ups.
pub fn standing_findings(
    person: &Person,
    zero_household: bool,
    streaks: &[Finding],
    basis: &ExitBasis,
) -> Vec<StandingFinding> {
    let settings = basis.settings();
    let (retires, retired) = retirement_finding(person);
    let mut out = vec![StandingFinding {
        finding: retired,
        from: Some(retires),
        until: None,
    }];
    out.extend(streaks.iter().map(|f| StandingFinding {
        finding: f.clone(),
        from: None,
        until: None,
    }));
    if person.categories.is_empty() && !zero_household {
        out.push(StandingFinding {
            finding: lapsed_finding(person),
            from: None,
            until: becomes_4050_on(person, &settings),
        });
    }
    out
}

/// An exit proposed and not yet decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub on: NaiveDate,
    pub reason: ExitReason,
    pub evidence: String,
    pub proposer: String,
}

impl AssistanceCase {
    /// The exit proposed on this case and still waiting for the county, if any.
    pub fn pending_exit(&self) -> Option<Proposal> {
        let mut pending = None;
        for e in &self.events {
            match &e.kind {
                CaseEventKind::ExitProposed {
                    reason,
                    evidence,
                    proposer,
                } => {
                    pending = Some(Proposal {
                        on: e.date,
                        reason: *reason,
                        evidence: evidence.clone(),
                        proposer: proposer.clone(),
                    })
                }
                CaseEventKind::ExitReturned { .. } | CaseEventKind::Exited { .. } => pending = None,
                _ => {}
            }
        }
        pending
    }

    /// Proposes this recognised person's exit (a caseworker of either level), with the
    /// reason and its evidence.
    pub fn propose_exit(
        &mut self,
        reason: ExitReason,
        evidence: &str,
        proposer: &str,
        role: Role,
        today: NaiveDate,
    ) -> Result<(), String> {
        if role == Role::Admin {
            return Err("管理员账户不办理案件".into());
        }
        if self.status != RecognitionStatus::Recognised {
            return Err(format!("案件为“{}”状态，不能提出退出", self.status.label()));
        }
        if self.pending_exit().is_some() {
            return Err("此人已有待审核的退出申请".into());
        }
        // As long as the exit screen's input takes; a socket client may send anything.
        let evidence = clean_line(evidence, 200);
        if evidence.is_empty() {
            return Err("提出退出须写明依据（证明材料或核实情况）".into());
        }
        self.events.push(CaseEvent {
            date: today,
            kind: CaseEventKind::ExitProposed {
                reason,
                evidence,
                proposer: proposer.to_string(),
            },
        });
        Ok(())
    }

    /// The county's decision on the pending exit: approved (the recognition is cancelled)
    /// or returned with a reason. Never by the person who proposed it (R-GOV-1).
    pub fn decide_exit(
        &mut self,
        approve: bool,
        note: &str,
        reviewer: &str,
        role: Role,
        today: NaiveDate,
    ) -> Result<(), String> {
        let Some(proposal) = self.pending_exit() else {
            return Err("此人没有待审核的退出申请".into());
        };
        if role != Role::CountyReviewer {
            return Err("退出由县级审核人员核实决定".into());
        }
        if proposal.proposer == reviewer {
            return Err("退出须由提出人以外的另一名审核人员核实决定".into());
        }
        let note = clean_line(note, 200);
        let kind = if approve {
            self.status = RecognitionStatus::Exited;
            CaseEventKind::Exited {
                reason: proposal.reason,
            }
        } else {
            if note.is_empty() {
                return Err("退回须写明理由".into());
            }
            CaseEventKind::ExitReturned { reason: note }
        };
        self.events.push(CaseEvent { date: today, kind });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::IdNumber;
    use crate::domain::followup::{ContactMethod, ContactOutcome, Employment};
    use crate::domain::ids::{CaseId, HouseholdId, PersonId, TownshipCode};
    use crate::domain::person::{LabourCapacity, Relation};
    use crate::domain::retirement::FormerRetirementClass;
    use crate::domain::tier::Tier;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn case() -> AssistanceCase {
        AssistanceCase {
            id: CaseId(1),
            rev: 3,
            person: PersonId(1),
            household: HouseholdId(1),
            township: TownshipCode("360731101".into()),
            status: RecognitionStatus::Recognised,
            tier: Tier::Two,
            applied_on: d(2025, 1, 1),
            recognised_on: Some(d(2025, 2, 1)),
            events: vec![],
        }
    }

    fn person(birth: NaiveDate, seq: u16) -> Person {
        Person {
            id: PersonId(1),
            rev: 1,
            id_number: IdNumber::compose("360731", birth, seq).unwrap(),
            name: "测试".into(),
            phone: String::new(),
            household: HouseholdId(1),
            relation: Relation::Head,
            former_class: FormerRetirementClass::Fifty,
            labour: LabourCapacity::Full,
            willing_to_work: true,
            work_status: WorkStatus::Unemployed,
            unemployed_since: None,
            categories: vec![],
        }
    }

    fn visit(date: NaiveDate, contract: bool, insurance: bool) -> FollowUpAnswers {
        FollowUpAnswers {
            date,
            method: ContactMethod::Phone,
            work_status: WorkStatus::Employed,
            employment: Some(Employment {
                employer: "赣州某电子厂".into(),
                contract_signed: contract,
                social_insurance_paid: insurance,
                monthly_wage: 3200,
            }),
            willing_to_work: true,
            needs: vec![],
            services: String::new(),
            plan: String::new(),
            next_contact: date,
            outcome: ContactOutcome::Reached,
        }
    }

    fn unwilling(date: NaiveDate) -> FollowUpAnswers {
        FollowUpAnswers {
            work_status: WorkStatus::Unemployed,
            employment: None,
            willing_to_work: false,
            ..visit(date, false, false)
        }
    }

    fn reasons(f: &[Finding]) -> Vec<ExitReason> {
        f.iter().map(|f| f.reason).collect()
    }

    #[test]
    fn three_stable_follow_ups_in_a_row_propose_an_exit_two_do_not() {
        let p = person(d(1985, 6, 1), 11);
        let rules = ExitRules::default();
        let two = [
            visit(d(2026, 8, 5), true, false),
            visit(d(2026, 9, 5), true, true),
            visit(d(2026, 10, 5), true, true),
        ];
        assert!(findings(&case(), &p, &two, d(2026, 11, 1), &rules).is_empty());
        let three = [
            visit(d(2026, 8, 5), true, true),
            visit(d(2026, 9, 5), true, true),
            visit(d(2026, 10, 5), true, true),
        ];
        let f = findings(&case(), &p, &three, d(2026, 11, 1), &rules);
        assert_eq!(reasons(&f), [ExitReason::StablyEmployed]);
        assert_eq!(f[0].evidence.len(), 3);
        assert!(f[0].evidence[0].contains("赣州某电子厂"));
    }

    /// Finding 9 (issue 13): a person on a 公益性岗位 with its contract and insurance is not
    /// found 稳定就业; the same run at an employer is.
    #[test]
    fn a_public_welfare_post_is_not_stable_employment() {
        let p = person(d(1985, 6, 1), 11);
        let rules = ExitRules::default();
        let on_post = |date| FollowUpAnswers {
            work_status: WorkStatus::PublicWelfarePost,
            ..visit(date, true, true)
        };
        let posted = [
            on_post(d(2026, 8, 5)),
            on_post(d(2026, 9, 5)),
            on_post(d(2026, 10, 5)),
        ];
        assert!(findings(&case(), &p, &posted, d(2026, 11, 1), &rules).is_empty());
        let left_the_post = [
            on_post(d(2026, 8, 5)),
            visit(d(2026, 9, 5), true, true),
            visit(d(2026, 10, 5), true, true),
        ];
        assert!(findings(&case(), &p, &left_the_post, d(2026, 11, 1), &rules).is_empty());
        let employed = [
            visit(d(2026, 8, 5), true, true),
            visit(d(2026, 9, 5), true, true),
            visit(d(2026, 10, 5), true, true),
        ];
        let f = findings(&case(), &p, &employed, d(2026, 11, 1), &rules);
        assert_eq!(reasons(&f), [ExitReason::StablyEmployed]);
    }

    fn contact(date: NaiveDate, outcome: ContactOutcome) -> FollowUpAnswers {
        FollowUpAnswers {
            outcome,
            ..unwilling(date)
        }
    }

    /// Finding 9 (issue 13), reason 4: three refusals within six months of the latest
    /// follow-up; the third that falls outside does not count.
    #[test]
    fn three_refusals_within_six_months_propose_reason_4() {
        let p = person(d(1985, 6, 1), 11);
        let rules = ExitRules::default();
        let refused = |day| FollowUpAnswers {
            willing_to_work: true,
            ..contact(day, ContactOutcome::RefusedServices)
        };
        let spread = [
            refused(d(2026, 3, 1)),
            refused(d(2026, 7, 5)),
            refused(d(2026, 9, 5)),
        ];
        assert!(findings(&case(), &p, &spread, d(2026, 11, 1), &rules).is_empty());
        let close = [
            refused(d(2026, 5, 6)),
            refused(d(2026, 7, 5)),
            refused(d(2026, 11, 5)),
        ];
        let f = findings(&case(), &p, &close, d(2026, 11, 20), &rules);
        assert_eq!(reasons(&f), [ExitReason::NoLongerWantsWork]);
        assert_eq!(f[0].evidence.len(), 3);
        assert!(f[0].evidence[2].contains("拒绝服务"), "{:?}", f[0].evidence);
    }

    /// Finding 9, reason 10: unreachable at every follow-up for more than six months since
    /// the last contact that reached the person.
    #[test]
    fn unreachable_for_more_than_six_months_proposes_reason_10() {
        let p = person(d(1985, 6, 1), 11);
        let rules = ExitRules::default();
        let lost = |day| contact(day, ContactOutcome::Unreachable);
        let mut run = vec![
            visit(d(2026, 3, 1), false, false),
            lost(d(2026, 4, 2)),
            lost(d(2026, 7, 2)),
            lost(d(2026, 10, 2)),
        ];
        assert!(findings(&case(), &p, &run, d(2026, 11, 1), &rules).is_empty());
        run.push(lost(d(2026, 10, 3)));
        let f = findings(&case(), &p, &run, d(2026, 11, 1), &rules);
        assert_eq!(reasons(&f), [ExitReason::Unreachable]);
        assert!(
            f[0].evidence[2].contains("2026-03-01"),
            "{:?}",
            f[0].evidence
        );
        // Reached once since: the run starts again.
        run.push(visit(d(2026, 10, 20), false, false));
        run.push(lost(d(2026, 11, 2)));
        assert!(findings(&case(), &p, &run, d(2026, 11, 20), &rules).is_empty());
    }

    #[test]
    fn unreachable_follow_ups_say_nothing_of_willingness() {
        let p = person(d(1985, 6, 1), 11);
        let rules = ExitRules::default();
        let lost = [
            contact(d(2026, 9, 5), ContactOutcome::Unreachable),
            contact(d(2026, 10, 5), ContactOutcome::Unreachable),
            contact(d(2026, 11, 5), ContactOutcome::Unreachable),
        ];
        assert!(findings(&case(), &p, &lost, d(2026, 11, 20), &rules).is_empty());
    }

    #[test]
    fn unwillingness_counts_only_in_a_row() {
        let p = person(d(1985, 6, 1), 11);
        let rules = ExitRules::default();
        let broken = [
            unwilling(d(2026, 8, 5)),
            visit(d(2026, 9, 5), false, false),
            unwilling(d(2026, 10, 5)),
            unwilling(d(2026, 11, 5)),
        ];
        assert!(findings(&case(), &p, &broken, d(2026, 11, 20), &rules).is_empty());
        let run = [
            unwilling(d(2026, 9, 5)),
            unwilling(d(2026, 10, 5)),
            unwilling(d(2026, 11, 5)),
        ];
        let f = findings(&case(), &p, &run, d(2026, 11, 20), &rules);
        assert_eq!(reasons(&f), [ExitReason::NoLongerWantsWork]);
    }

    #[test]
    fn retirement_is_the_computed_date_not_sixty() {
        // A man born 1966-05-15: 60 years 5 months (2024 tables) — retires 2026-10-15.
        let man = person(d(1966, 5, 15), 13);
        let rules = ExitRules::default();
        let on = |day| findings(&case(), &man, &[], day, &rules);
        assert!(on(d(2026, 5, 15)).is_empty(), "60 is not yet retirement");
        assert!(on(d(2026, 10, 14)).is_empty());
        let f = on(d(2026, 10, 15));
        assert_eq!(reasons(&f), [ExitReason::Retired]);
        assert!(
            f[0].evidence[0].contains("2026-10-15"),
            "{:?}",
            f[0].evidence
        );
    }

    #[test]
    fn an_exit_needs_a_second_person_and_a_county_reviewer() {
        let mut c = case();
        let today = d(2026, 11, 20);
        assert!(
            c.propose_exit(
                ExitReason::MovedAway,
                " ",
                "jingban",
                Role::TownshipCaseworker,
                today
            )
            .is_err()
        );
        c.propose_exit(
            ExitReason::MovedAway,
            "户口迁往赣州市章贡区（派出所迁移证明）",
            "jingban",
            Role::TownshipCaseworker,
            today,
        )
        .unwrap();
        assert!(
            c.propose_exit(
                ExitReason::Died,
                "x",
                "jingban",
                Role::TownshipCaseworker,
                today
            )
            .unwrap_err()
            .contains("已有待审核")
        );
        let e = c
            .decide_exit(true, "", "jingban", Role::TownshipCaseworker, today)
            .unwrap_err();
        assert!(e.contains("县级"), "{e}");
        // A county reviewer who proposed cannot approve their own proposal either.
        let mut own = case();
        own.propose_exit(
            ExitReason::Died,
            "死亡证明",
            "shenhe",
            Role::CountyReviewer,
            today,
        )
        .unwrap();
        let e = own
            .decide_exit(true, "", "shenhe", Role::CountyReviewer, today)
            .unwrap_err();
        assert!(e.contains("另一名"), "{e}");

        assert!(
            c.decide_exit(false, "", "shenhe", Role::CountyReviewer, today)
                .unwrap_err()
                .contains("理由")
        );
        c.decide_exit(
            false,
            "迁移证明不全，请补充",
            "shenhe",
            Role::CountyReviewer,
            today,
        )
        .unwrap();
        assert_eq!(c.pending_exit(), None);
        assert_eq!(c.status, RecognitionStatus::Recognised);
        c.propose_exit(
            ExitReason::MovedAway,
            "已补迁移证明",
            "jingban",
            Role::TownshipCaseworker,
            today,
        )
        .unwrap();
        c.decide_exit(true, "", "liu", Role::CountyReviewer, today)
            .unwrap();
        assert_eq!(c.status, RecognitionStatus::Exited);
        assert!(c.events.iter().any(|e| matches!(
            e.kind,
            CaseEventKind::Exited {
                reason: ExitReason::MovedAway
            }
        )));
    }

    /// The findings kept with their days give, on any day, what the rules give that day.
    fn standing_on(
        p: &Person,
        zero: bool,
        followups: &[FollowUpAnswers],
        day: NaiveDate,
        s: &crate::domain::Settings,
    ) -> Vec<Finding> {
        let streaks = streak_findings(followups, &s.exit_rules);
        standing_findings(p, zero, &streaks, &ExitBasis::of(s))
            .into_iter()
            .filter(|f| f.holds_on(day))
            .map(|f| f.finding)
            .collect()
    }

    #[test]
    fn kept_findings_hold_on_exactly_the_days_the_rules_find_them() {
        let s = crate::domain::Settings::default();
        let mut people = Vec::new();
        for (birth, seq) in [
            (d(1966, 5, 15), 13),
            (d(1986, 11, 28), 12),
            (d(1976, 2, 29), 11),
            (d(1990, 1, 31), 14),
        ] {
            let mut p = person(birth, seq);
            people.push(p.clone());
            p.unemployed_since = Some(d(2025, 8, 31));
            people.push(p.clone());
            p.work_status = WorkStatus::Employed;
            people.push(p);
        }
        let runs = [
            vec![],
            vec![
                visit(d(2026, 8, 5), true, true),
                visit(d(2026, 9, 5), true, true),
                visit(d(2026, 10, 5), true, true),
            ],
        ];
        for p in &people {
            for zero in [false, true] {
                for run in &runs {
                    let mut day = d(2024, 1, 1);
                    while day < d(2041, 1, 1) {
                        let mut want = findings(&case(), p, run, day, &s.exit_rules);
                        want.extend(category_lapsed(p, zero, day, &s));
                        assert_eq!(standing_on(p, zero, run, day, &s), want, "{day}");
                        day = day.succ_opt().unwrap();
                    }
                }
            }
        }
    }

    #[test]
    fn a_derived_category_that_lapsed_is_found() {
        let s = crate::domain::Settings::default();
        let mut p = person(d(1990, 6, 1), 11);
        p.work_status = WorkStatus::Employed;
        let today = d(2026, 11, 20);
        let f = category_lapsed(&p, false, today, &s).unwrap();
        assert_eq!(f.reason, ExitReason::Other);
        assert!(
            category_lapsed(&p, true, today, &s).is_none(),
            "still zero-employment"
        );
        p.categories.push(crate::domain::RecordedCategory {
            category: crate::domain::Category::Dibao,
            evidence: Default::default(),
        });
        assert!(
            category_lapsed(&p, false, today, &s).is_none(),
            "a recorded category"
        );
        // A man of 55, out of work since 2025: still "4050".
        let mut older = person(d(1971, 1, 1), 13);
        older.unemployed_since = Some(d(2025, 1, 1));
        assert!(category_lapsed(&older, false, today, &s).is_none());
    }

    #[test]
    fn the_strongest_finding_is_the_reason_the_notice_names_first() {
        let f = |reason, rule: &str| Finding {
            reason,
            rule: rule.into(),
            evidence: Vec::new(),
        };
        let mut found = vec![
            f(ExitReason::Other, "不再属于任何一类"),
            f(ExitReason::Unreachable, "无法联系"),
            f(ExitReason::StablyEmployed, "稳定就业"),
            f(ExitReason::Other, "另一条"),
        ];
        strongest_first(&mut found);
        let rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
        // Reason 5 before 10 before 12; two of one reason keep their order.
        assert_eq!(
            rules,
            ["稳定就业", "无法联系", "不再属于任何一类", "另一条"]
        );
    }
}
