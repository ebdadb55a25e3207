//! 第(二)条 (R-RECOG-1): from the person's application to the county's recognition.
//! 申请 → 初审 (township) → 公示中 → 待认定 → 已认定 (county), or 不予认定 with a reason at
//! either review. Each step is taken by a role; the notice runs a number of working days
//! (a setting), recognition waits for its end, and objections raised during it must be
//! resolved first. Every step is a dated event on the case, so the case's history is its
//! own record and the notice and its objections are read back from it.

use super::account::Role;
use super::calendar::Calendar;
use super::case::{AssistanceCase, CaseEvent, CaseEventKind, RecognitionStatus};
use super::text::clean_line;
use super::tier::Tier;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A step a reviewer takes on a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// 受理: the township takes the application into initial review.
    StartReview,
    /// 初审通过: the township passes it and publishes the notice today.
    PassInitialReview,
    /// 不予认定, with the reason; the township at its review, the county at its own.
    Reject { reason: String },
    /// An objection received while the notice runs.
    RaiseObjection { text: String },
    /// The finding on objection `index` (0-based, in the order raised). An objection found
    /// to hold sends the application back to initial review (DOMAIN.md, "an objection
    /// during the notice"); one that does not lets the notice run on.
    ResolveObjection {
        index: usize,
        upheld: bool,
        finding: String,
    },
    /// 公示结束: the notice has run with no objection open; the case waits for the county.
    CloseNotice,
    /// 认定 at a tier (county only).
    Recognise { tier: Tier },
    /// A recognised person's tier changed, with the reason (county only).
    ChangeTier { to: Tier, reason: String },
}

impl Step {
    pub fn label(&self) -> &'static str {
        match self {
            Step::StartReview => "受理初审",
            Step::PassInitialReview => super::audit_action::PROPOSE_RECOGNITION,
            Step::Reject { .. } => "不予认定",
            Step::RaiseObjection { .. } => "登记异议",
            Step::ResolveObjection { .. } => "处理异议",
            Step::CloseNotice => "公示结束",
            Step::Recognise { .. } => super::audit_action::RECOGNISE,
            Step::ChangeTier { .. } => "调整帮扶等级",
        }
    }
}

/// The public notice of a case: published, and the last day it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notice {
    pub published: NaiveDate,
    pub ends: NaiveDate,
}

/// An objection raised during the notice, and its finding once resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Objection {
    pub raised_on: NaiveDate,
    pub text: String,
    pub resolved: Option<(NaiveDate, String)>,
}

/// What the rules need besides the case: the day, the working-day calendar and the length
/// of the notice.
pub struct Rules<'a> {
    pub today: NaiveDate,
    pub calendar: &'a Calendar,
    pub notice_working_days: u32,
}

impl Notice {
    /// The first day the county may recognise after this notice (第(二)条): the first working
    /// day after its last, so never a holiday; this is the day the screens name.
    pub fn recognisable_from(&self, calendar: &Calendar) -> NaiveDate {
        calendar.next_working_day(self.ends)
    }
}

impl AssistanceCase {
    /// The latest notice published on this case.
    pub fn notice(&self) -> Option<Notice> {
        self.events.iter().rev().find_map(|e| match e.kind {
            CaseEventKind::NoticePublished { ends } => Some(Notice {
                published: e.date,
                ends,
            }),
            _ => None,
        })
    }

    /// Objections raised during the latest notice, in order.
    pub fn objections(&self) -> Vec<Objection> {
        let since = self.notice().map(|n| n.published);
        let mut out: Vec<Objection> = Vec::new();
        for e in &self.events {
            if since.is_none_or(|s| e.date < s) {
                continue;
            }
            match &e.kind {
                CaseEventKind::ObjectionRaised { text } => out.push(Objection {
                    raised_on: e.date,
                    text: text.clone(),
                    resolved: None,
                }),
                CaseEventKind::ObjectionResolved { index, finding }
                | CaseEventKind::ObjectionUpheld { index, finding } => {
                    if let Some(o) = out.get_mut(*index) {
                        o.resolved = Some((e.date, finding.clone()));
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn open_objections(&self) -> usize {
        self.objections()
            .iter()
            .filter(|o| o.resolved.is_none())
            .count()
    }

    /// Takes `step` for an account of `role`. The township scope is the service's to check;
    /// here: whether this role may take this step, in this state, today.
    pub fn take(&mut self, step: Step, role: Role, rules: &Rules) -> Result<(), String> {
        use RecognitionStatus as S;
        let county = role == Role::CountyReviewer;
        let township = role == Role::TownshipCaseworker;
        if role == Role::Admin {
            return Err("管理员账户不办理案件，请用乡镇经办或县级审核账户".into());
        }
        let today = rules.today;
        let kind = match (&step, self.status) {
            (Step::StartReview, S::Applied) if township => {
                self.status = S::InitialReview;
                CaseEventKind::ReviewStarted
            }
            (Step::PassInitialReview, S::InitialReview) if township => {
                let ends = rules.calendar.notice_end(today, rules.notice_working_days);
                self.status = S::InNotice;
                CaseEventKind::NoticePublished { ends }
            }
            (Step::PassInitialReview, S::Applied) if township => {
                return Err("请先受理初审".into());
            }
            (Step::StartReview | Step::PassInitialReview, S::Applied | S::InitialReview) => {
                return Err("初审由乡镇（街道）经办人员办理".into());
            }
            (Step::Reject { reason }, S::Applied | S::InitialReview) if township => {
                reject(reason)?;
                self.status = S::Rejected;
                CaseEventKind::Rejected {
                    reason: note(reason),
                }
            }
            (Step::Reject { reason }, S::InNotice | S::AwaitingRecognition) if county => {
                reject(reason)?;
                self.status = S::Rejected;
                CaseEventKind::Rejected {
                    reason: note(reason),
                }
            }
            (Step::Reject { .. }, S::Applied | S::InitialReview) => {
                return Err("初审阶段的不予认定由乡镇（街道）经办人员办理".into());
            }
            (Step::Reject { .. }, S::InNotice | S::AwaitingRecognition) => {
                return Err("公示后的不予认定由县级审核人员办理".into());
            }
            (Step::RaiseObjection { text }, S::InNotice) => {
                let text = note(text);
                if text.is_empty() {
                    return Err("请填写异议内容".into());
                }
                if self.notice().is_some_and(|n| today > n.ends) {
                    return Err("公示期已结束，不能再登记异议".into());
                }
                CaseEventKind::ObjectionRaised { text }
            }
            (
                Step::ResolveObjection {
                    index,
                    upheld,
                    finding,
                },
                S::InNotice,
            ) => {
                let finding = note(finding);
                if finding.is_empty() {
                    return Err("请填写异议的核实结论".into());
                }
                match self.objections().get(*index) {
                    None => return Err("没有这条异议".into()),
                    Some(o) if o.resolved.is_some() => return Err("这条异议已处理".into()),
                    Some(_) => {}
                }
                if *upheld {
                    self.status = S::InitialReview;
                    CaseEventKind::ObjectionUpheld {
                        index: *index,
                        finding,
                    }
                } else {
                    CaseEventKind::ObjectionResolved {
                        index: *index,
                        finding,
                    }
                }
            }
            (Step::CloseNotice, S::InNotice) => {
                self.notice_may_close(rules)?;
                self.status = S::AwaitingRecognition;
                CaseEventKind::NoticeClosed
            }
            (Step::Recognise { tier }, S::AwaitingRecognition | S::InNotice) if county => {
                if self.status == S::InNotice {
                    self.notice_may_close(rules)?;
                    self.events.push(CaseEvent {
                        date: today,
                        kind: CaseEventKind::NoticeClosed,
                    });
                }
                self.status = S::Recognised;
                self.tier = *tier;
                self.recognised_on = Some(today);
                CaseEventKind::Recognised { tier: *tier }
            }
            (Step::Recognise { .. }, S::AwaitingRecognition | S::InNotice) => {
                return Err("认定由县级公共就业服务机构审核人员办理".into());
            }
            (Step::ChangeTier { to, reason }, S::Recognised) if county => {
                if *to == self.tier {
                    return Err(format!("帮扶等级已是{}", to.label()));
                }
                if note(reason).is_empty() {
                    return Err("请填写调整帮扶等级的理由".into());
                }
                let from = self.tier;
                self.tier = *to;
                CaseEventKind::TierChanged {
                    from,
                    to: *to,
                    reason: note(reason),
                }
            }
            (Step::ChangeTier { .. }, S::Recognised) => {
                return Err("帮扶等级由县级审核人员调整".into());
            }
            (step, status) => {
                return Err(format!(
                    "案件为“{}”状态，不能{}",
                    status.label(),
                    step.label()
                ));
            }
        };
        self.events.push(CaseEvent { date: today, kind });
        Ok(())
    }

    fn notice_may_close(&self, rules: &Rules) -> Result<(), String> {
        let Some(notice) = self.notice() else {
            return Err("此案件没有公示记录".into());
        };
        if rules.today <= notice.ends {
            return Err(format!(
                "公示期至 {} 结束（{} 起可认定），公示期间不能认定",
                notice.ends.format("%Y-%m-%d"),
                notice.recognisable_from(rules.calendar).format("%Y-%m-%d")
            ));
        }
        match self.open_objections() {
            0 => Ok(()),
            n => Err(format!("公示期间有 {n} 条异议尚未处理，请先核实处理")),
        }
    }
}

/// A reason, objection or finding as it is kept: one cleaned line, as long as the review
/// screen's input takes (a socket client may send anything).
fn note(text: &str) -> String {
    clean_line(text, 100)
}

fn reject(reason: &str) -> Result<(), String> {
    if note(reason).is_empty() {
        Err("不予认定须填写理由".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{CaseId, HouseholdId, PersonId, TownshipCode};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn case() -> AssistanceCase {
        AssistanceCase {
            id: CaseId(1),
            rev: 1,
            person: PersonId(1),
            household: HouseholdId(1),
            township: TownshipCode("360731101".into()),
            status: RecognitionStatus::Applied,
            tier: Tier::Two,
            applied_on: d(11, 16),
            recognised_on: None,
            events: vec![CaseEvent {
                date: d(11, 16),
                kind: CaseEventKind::Applied,
            }],
        }
    }

    fn on(day: NaiveDate, calendar: &Calendar) -> Rules<'_> {
        Rules {
            today: day,
            calendar,
            notice_working_days: 5,
        }
    }

    const T: Role = Role::TownshipCaseworker;
    const C: Role = Role::CountyReviewer;

    #[test]
    fn the_whole_way_from_application_to_recognition() {
        let cal = Calendar::default();
        let mut c = case();
        c.take(Step::StartReview, T, &on(d(11, 16), &cal)).unwrap();
        assert_eq!(c.status, RecognitionStatus::InitialReview);
        c.take(Step::PassInitialReview, T, &on(d(11, 19), &cal))
            .unwrap();
        assert_eq!(c.status, RecognitionStatus::InNotice);
        assert_eq!(
            c.notice(),
            Some(Notice {
                published: d(11, 19),
                ends: d(11, 25)
            })
        );
        c.take(Step::CloseNotice, T, &on(d(11, 26), &cal)).unwrap();
        assert_eq!(c.status, RecognitionStatus::AwaitingRecognition);
        c.take(Step::Recognise { tier: Tier::One }, C, &on(d(11, 27), &cal))
            .unwrap();
        assert_eq!(c.status, RecognitionStatus::Recognised);
        assert_eq!(c.tier, Tier::One);
        assert_eq!(c.recognised_on, Some(d(11, 27)));
        let kinds: Vec<_> = c.events.iter().map(|e| e.kind.describe()).collect();
        assert_eq!(kinds.len(), 5, "{kinds:?}");
    }

    #[test]
    fn recognition_waits_for_the_notice_and_says_when_it_ends() {
        let cal = Calendar::default();
        let mut c = case();
        c.take(Step::StartReview, T, &on(d(11, 19), &cal)).unwrap();
        c.take(Step::PassInitialReview, T, &on(d(11, 19), &cal))
            .unwrap();
        let refused = c
            .take(Step::Recognise { tier: Tier::Two }, C, &on(d(11, 25), &cal))
            .unwrap_err();
        assert!(refused.contains("2026-11-25 结束"), "{refused}");
        assert!(refused.contains("2026-11-26 起可认定"), "{refused}");
        assert_eq!(c.status, RecognitionStatus::InNotice);
        // The day after: the county recognises straight from the ended notice.
        c.take(Step::Recognise { tier: Tier::Two }, C, &on(d(11, 26), &cal))
            .unwrap();
        assert_eq!(c.status, RecognitionStatus::Recognised);
    }

    #[test]
    fn texts_sent_with_a_step_are_kept_cleaned_and_blank_after_cleaning_is_refused() {
        let cal = Calendar::default();
        let mut c = case();
        c.take(Step::StartReview, T, &on(d(11, 19), &cal)).unwrap();
        c.take(Step::PassInitialReview, T, &on(d(11, 19), &cal))
            .unwrap();
        let blank = c.take(
            Step::RaiseObjection {
                text: "\u{200b}\u{202e} ".into(),
            },
            T,
            &on(d(11, 20), &cal),
        );
        assert!(blank.is_err());
        c.take(
            Step::RaiseObjection {
                text: "群众\u{202e}反映\u{1b}[2J".into(),
            },
            T,
            &on(d(11, 20), &cal),
        )
        .unwrap();
        assert_eq!(c.objections()[0].text, "群众反映[2J");
    }

    #[test]
    fn an_objection_must_be_resolved_before_recognition() {
        let cal = Calendar::default();
        let mut c = case();
        c.take(Step::StartReview, T, &on(d(11, 19), &cal)).unwrap();
        c.take(Step::PassInitialReview, T, &on(d(11, 19), &cal))
            .unwrap();
        c.take(
            Step::RaiseObjection {
                text: "群众反映其在县城经营店铺".into(),
            },
            T,
            &on(d(11, 20), &cal),
        )
        .unwrap();
        let refused = c
            .take(Step::Recognise { tier: Tier::Two }, C, &on(d(11, 30), &cal))
            .unwrap_err();
        assert!(refused.contains("1 条异议尚未处理"), "{refused}");
        let refused = c
            .take(Step::CloseNotice, T, &on(d(11, 30), &cal))
            .unwrap_err();
        assert!(refused.contains("异议"), "{refused}");
        let late = c
            .take(
                Step::RaiseObjection {
                    text: "又一条".into(),
                },
                T,
                &on(d(11, 30), &cal),
            )
            .unwrap_err();
        assert!(late.contains("公示期已结束"), "{late}");
        c.take(
            Step::ResolveObjection {
                index: 0,
                upheld: false,
                finding: "经核实店铺为其兄所有，异议不成立".into(),
            },
            C,
            &on(d(11, 30), &cal),
        )
        .unwrap();
        assert!(c.objections()[0].resolved.is_some());
        c.take(Step::Recognise { tier: Tier::Two }, C, &on(d(11, 30), &cal))
            .unwrap();
    }

    #[test]
    fn each_step_belongs_to_a_role() {
        let cal = Calendar::default();
        let r = on(d(11, 19), &cal);
        let mut c = case();
        assert!(
            c.take(Step::StartReview, C, &r)
                .unwrap_err()
                .contains("乡镇")
        );
        assert!(
            c.take(Step::StartReview, Role::Admin, &r)
                .unwrap_err()
                .contains("管理员")
        );
        c.take(Step::StartReview, T, &r).unwrap();
        c.take(Step::PassInitialReview, T, &r).unwrap();
        let late = on(d(11, 30), &cal);
        let refused = c
            .take(Step::Recognise { tier: Tier::One }, T, &late)
            .unwrap_err();
        assert!(refused.contains("县级"), "{refused}");
        let refused = c
            .take(
                Step::Reject {
                    reason: "不符合条件".into(),
                },
                T,
                &late,
            )
            .unwrap_err();
        assert!(refused.contains("县级审核"), "{refused}");
        c.take(Step::Recognise { tier: Tier::One }, C, &late)
            .unwrap();
        let refused = c
            .take(
                Step::ChangeTier {
                    to: Tier::Two,
                    reason: "已稳定".into(),
                },
                T,
                &late,
            )
            .unwrap_err();
        assert!(refused.contains("县级"), "{refused}");
    }

    #[test]
    fn a_rejection_needs_a_reason_and_ends_the_application() {
        let cal = Calendar::default();
        let r = on(d(11, 19), &cal);
        let mut c = case();
        let refused = c
            .take(
                Step::Reject {
                    reason: "  ".into(),
                },
                T,
                &r,
            )
            .unwrap_err();
        assert!(refused.contains("理由"));
        c.take(
            Step::Reject {
                reason: "已在企业参保就业".into(),
            },
            T,
            &r,
        )
        .unwrap();
        assert_eq!(c.status, RecognitionStatus::Rejected);
        let refused = c.take(Step::StartReview, T, &r).unwrap_err();
        assert!(refused.contains("不予认定"), "{refused}");
    }

    #[test]
    fn a_tier_changes_only_with_a_reason_and_to_another_tier() {
        let cal = Calendar::default();
        let r = on(d(11, 30), &cal);
        let mut c = case();
        c.status = RecognitionStatus::Recognised;
        c.tier = Tier::One;
        assert!(
            c.take(
                Step::ChangeTier {
                    to: Tier::One,
                    reason: "x".into()
                },
                C,
                &r
            )
            .is_err()
        );
        assert!(
            c.take(
                Step::ChangeTier {
                    to: Tier::Two,
                    reason: " ".into()
                },
                C,
                &r
            )
            .is_err()
        );
        c.take(
            Step::ChangeTier {
                to: Tier::Two,
                reason: "已参加培训，意愿稳定".into(),
            },
            C,
            &r,
        )
        .unwrap();
        assert_eq!(c.tier, Tier::Two);
    }

    #[test]
    fn an_objection_that_holds_sends_the_case_back_to_initial_review() {
        let cal = Calendar::default();
        let mut c = case();
        c.take(Step::StartReview, T, &on(d(11, 19), &cal)).unwrap();
        c.take(Step::PassInitialReview, T, &on(d(11, 19), &cal))
            .unwrap();
        c.take(
            Step::RaiseObjection {
                text: "其在外省企业参保".into(),
            },
            T,
            &on(d(11, 20), &cal),
        )
        .unwrap();
        c.take(
            Step::ResolveObjection {
                index: 0,
                upheld: true,
                finding: "查实在浙江参保，退回初审".into(),
            },
            T,
            &on(d(11, 23), &cal),
        )
        .unwrap();
        assert_eq!(c.status, RecognitionStatus::InitialReview);
        // Passed again, a fresh notice with no objections of its own.
        c.take(Step::PassInitialReview, T, &on(d(12, 1), &cal))
            .unwrap();
        assert_eq!(c.notice().unwrap().published, d(12, 1));
        assert!(c.objections().is_empty());
    }
}
