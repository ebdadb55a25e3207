//! Small answers of the service for pane tests: an overview, queue rows, a follow-up form's
//! view — built by hand, with no store behind them.

use super::{Effect, Env, Notice, PaneKind, StatusKind};
use crate::domain::followup::{ContactMethod, FollowUpAnswers, WorkStatus};
use crate::domain::{
    CaseId, DueStatus, HouseholdId, PersonId, RecognitionStatus, Settings, Tier, TownshipCode,
};
use crate::service::{FormView, Overview, QueueRow, Request};
use crate::tui::theme::Theme;
use chrono::NaiveDate;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default()
}

pub fn overview() -> Overview {
    Overview {
        county: "安远县".into(),
        user: "钟经办".into(),
        role: "乡镇经办".into(),
        township: Some("欣山镇".into()),
        today: today(),
        settings: Settings::default(),
        drafts: 0,
    }
}

/// The environment panes get, for `overview` and a 24-row terminal.
pub fn env<'a>(overview: &'a Overview, theme: &'a Theme) -> Env<'a> {
    Env {
        overview,
        theme,
        list_height: 18,
    }
}

/// A recognised person due this month (or done), in household `n`.
pub fn row(n: u64, name: &str, due: DueStatus) -> QueueRow {
    QueueRow {
        case: CaseId(n),
        rev: 1,
        household: HouseholdId(n),
        person: PersonId(n),
        name: name.into(),
        initials: Vec::new(),
        id_masked: "360726********0012".into(),
        id_tail: "0012".into(),
        phone: String::new(),
        township: TownshipCode("360726100".into()),
        township_name: "欣山镇".into(),
        tier: Tier::Two,
        categories: Vec::new(),
        status: RecognitionStatus::Recognised,
        due: Some(due),
        applied_on: today(),
        notice_ends: None,
        zero_employment_household: false,
        zero_since: None,
        last_contact: None,
        work_status: WorkStatus::Unemployed,
    }
}

/// A person applying: among 待初审, not due.
pub fn applicant(n: u64, name: &str) -> QueueRow {
    QueueRow {
        status: RecognitionStatus::Applied,
        due: None,
        ..row(n, name, DueStatus::Due)
    }
}

pub fn last_followup() -> FollowUpAnswers {
    FollowUpAnswers {
        date: NaiveDate::from_ymd_opt(2026, 10, 12).unwrap_or_default(),
        method: ContactMethod::Phone,
        work_status: WorkStatus::Unemployed,
        employment: None,
        willing_to_work: true,
        needs: Vec::new(),
        services: "推荐岗位".into(),
        plan: "继续推荐".into(),
        next_contact: NaiveDate::from_ymd_opt(2026, 11, 12).unwrap_or_default(),
        outcome: crate::domain::followup::ContactOutcome::Reached,
    }
}

/// The follow-up form of case `n`, with last month's answers.
pub fn form_view(n: u64) -> FormView {
    FormView {
        case: CaseId(n),
        rev: 3,
        household: HouseholdId(n),
        name: "赖春梅".into(),
        id_masked: "360726********0012".into(),
        township_name: "欣山镇".into(),
        tier: Tier::Two,
        recognised_on: Some(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()),
        due: Some(DueStatus::Due),
        last: Some(last_followup()),
        last_by: Some("钟经办".into()),
        draft: None,
        tier_facts: crate::domain::tier::TierFacts {
            categories: vec![crate::domain::Category::LandLost],
            in_work: false,
            near_retirement: false,
        },
        today: today(),
    }
}

/// The requests among `effects` (asked, or fetched in the background).
pub fn asked(effects: &[Effect]) -> Vec<&Request> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Ask(r) | Effect::Fetch(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// The kinds of the panes `effects` open.
pub fn opened(effects: &[Effect]) -> Vec<PaneKind> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Open(p) => Some(p.kind()),
            _ => None,
        })
        .collect()
}

/// What `effects` say in the status line.
pub fn said(effects: &[Effect]) -> Vec<(StatusKind, &str)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Say(k, t) => Some((*k, t.as_str())),
            _ => None,
        })
        .collect()
}

pub fn told(effects: &[Effect]) -> Vec<&Notice> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Tell(n) => Some(n),
            _ => None,
        })
        .collect()
}

/// Household `n`: one member, the recognised person of case `n`.
pub fn household_view(n: u64) -> crate::service::HouseholdView {
    use crate::domain::{LabourCapacity, Relation, Sex};
    use crate::service::{HouseholdView, MemberCase, MemberView};
    HouseholdView {
        household: HouseholdId(n),
        township_name: "欣山镇".into(),
        village: "莲塘村".into(),
        address: "莲塘村3组".into(),
        zero_employment: false,
        zero_since: None,
        members: vec![MemberView {
            person: PersonId(n),
            name: "赖春梅".into(),
            relation: Relation::Head,
            sex: Sex::Female,
            age: 47,
            id_masked: "360726********0012".into(),
            labour: LabourCapacity::Full,
            work_status: WorkStatus::Unemployed,
            categories: Vec::new(),
            case: Some(MemberCase {
                case: CaseId(n),
                status: RecognitionStatus::Recognised,
                tier: Tier::Two,
                recognised_on: None,
                due: Some(DueStatus::Due),
            }),
        }],
        timeline: Vec::new(),
    }
}
