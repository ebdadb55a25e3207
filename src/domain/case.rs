//! An assistance case: one person's way through recognition (第(二)条), tiered assistance
//! (第(四)条) and, later, exit (第(五)条). Every change of state is kept as a dated event, so
//! any past month's statistics can be recomputed.

use super::followup::WorkStatus;
use super::ids::{CaseId, HouseholdId, PersonId, TownshipCode};
use super::tier::Tier;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 第(二)条: 申请 → 初审 → 公示中 → 待认定 → 已认定, or 不予认定; 已退出 after exit (第(五)条).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecognitionStatus {
    Applied,
    InitialReview,
    InNotice,
    AwaitingRecognition,
    Recognised,
    Rejected,
    Exited,
}

impl RecognitionStatus {
    pub fn label(self) -> &'static str {
        match self {
            RecognitionStatus::Applied => "申请",
            RecognitionStatus::InitialReview => "初审",
            RecognitionStatus::InNotice => "公示中",
            RecognitionStatus::AwaitingRecognition => "待认定",
            RecognitionStatus::Recognised => "已认定",
            RecognitionStatus::Rejected => "不予认定",
            RecognitionStatus::Exited => "已退出",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistanceCase {
    pub id: CaseId,
    pub rev: u64,
    pub person: PersonId,
    pub household: HouseholdId,
    pub township: TownshipCode,
    pub status: RecognitionStatus,
    pub tier: Tier,
    pub applied_on: NaiveDate,
    pub recognised_on: Option<NaiveDate>,
    pub events: Vec<CaseEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub date: NaiveDate,
    pub kind: CaseEventKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseEventKind {
    Applied,
    Recognised {
        tier: Tier,
    },
    TierChanged {
        from: Tier,
        to: Tier,
        reason: String,
    },
    WorkStatusChanged {
        from: WorkStatus,
        to: WorkStatus,
    },
    // Appended, so cases stored before these existed still decode.
    /// The township took the application into initial review.
    ReviewStarted,
    /// Initial review passed; the notice runs until `ends` (inclusive).
    NoticePublished {
        ends: NaiveDate,
    },
    ObjectionRaised {
        text: String,
    },
    ObjectionResolved {
        index: usize,
        finding: String,
    },
    NoticeClosed,
    Rejected {
        reason: String,
    },
    /// An objection found to hold: back to initial review.
    ObjectionUpheld {
        index: usize,
        finding: String,
    },
    /// An exit proposed, with its evidence, by `proposer` (第(五)条).
    ExitProposed {
        reason: super::exit::ExitReason,
        evidence: String,
        proposer: String,
    },
    /// The proposed exit sent back by the county, with why.
    ExitReturned {
        reason: String,
    },
    /// The exit approved: the recognition is cancelled.
    Exited {
        reason: super::exit::ExitReason,
    },
    /// A recorded category added or ended after intake, with its evidence, by `by`
    /// (第(一)条; issue 13, finding 14).
    CategoryChanged {
        change: super::category_change::CategoryChange,
        by: String,
    },
}

impl CaseEventKind {
    pub fn describe(&self) -> String {
        match self {
            CaseEventKind::Applied => "提出申请".to_string(),
            CaseEventKind::Recognised { tier } => format!("认定为就业困难人员（{}）", tier.label()),
            CaseEventKind::TierChanged { from, to, reason } => {
                format!("帮扶等级由{}调整为{}：{}", from.label(), to.label(), reason)
            }
            CaseEventKind::WorkStatusChanged { from, to } => {
                format!("就业状态由{}变为{}", from.label(), to.label())
            }
            CaseEventKind::ReviewStarted => "乡镇受理初审".to_string(),
            CaseEventKind::NoticePublished { ends } => {
                format!("初审通过，公示至 {}", ends.format("%Y-%m-%d"))
            }
            CaseEventKind::ObjectionRaised { text } => format!("公示期间收到异议：{text}"),
            CaseEventKind::ObjectionResolved { index, finding } => {
                format!("第{}条异议核实：{finding}", index + 1)
            }
            CaseEventKind::NoticeClosed => "公示期满，无异议待处理".to_string(),
            CaseEventKind::Rejected { reason } => format!("不予认定：{reason}"),
            CaseEventKind::ObjectionUpheld { index, finding } => {
                format!("第{}条异议成立，退回初审：{finding}", index + 1)
            }
            CaseEventKind::ExitProposed {
                reason,
                evidence,
                proposer,
            } => format!("{proposer} 提出退出（{}）：{evidence}", reason.label()),
            CaseEventKind::ExitReturned { reason } => format!("退出申请被退回：{reason}"),
            CaseEventKind::Exited { reason } => {
                format!("退出援助，取消认定（{}）", reason.label())
            }
            CaseEventKind::CategoryChanged { change, by } => format!("{by} {}", change.describe()),
        }
    }
}

impl AssistanceCase {
    /// The day the case's exit was approved, and why (an exit cancels the recognition, so
    /// a case has at most one; a person who comes back has a new case).
    pub fn exit(&self) -> Option<(NaiveDate, super::exit::ExitReason)> {
        self.events.iter().find_map(|e| match e.kind {
            CaseEventKind::Exited { reason } => Some((e.date, reason)),
            _ => None,
        })
    }

    /// Keeps a change of work status, learned at a follow-up, as a dated event.
    pub fn track_work_status(&mut self, from: WorkStatus, to: WorkStatus, day: NaiveDate) {
        if from != to {
            self.events.push(CaseEvent {
                date: day,
                kind: CaseEventKind::WorkStatusChanged { from, to },
            });
        }
    }
}
