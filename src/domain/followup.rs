//! 第(五)条 每月跟踪回访: the monthly follow-up of every recognised person. A follow-up is
//! a dated contact (several a month allowed; a month is covered when it has one), how it was
//! made (第(三)条: 入户走访, 电话联系, 数据比对), the work status learned, and for a person in
//! work the contract, social insurance and wage (R-FOLLOW-2); and whether the person was
//! reached at all (联系不上) or refused the services offered.

use super::ids::{CaseId, FollowUpId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 第(三)条: how the contact was made. The digit is the one-key code in the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactMethod {
    HomeVisit,
    Phone,
    DataCheck,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 3] = [
        ContactMethod::HomeVisit,
        ContactMethod::Phone,
        ContactMethod::DataCheck,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ContactMethod::HomeVisit => "入户走访",
            ContactMethod::Phone => "电话联系",
            ContactMethod::DataCheck => "数据比对",
        }
    }
}

/// R-FOLLOW-2 work statuses; 外出务工 because Jiangxi sends many workers to other provinces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WorkStatus {
    Unemployed,
    Employed,
    Flexible,
    SelfEmployed,
    PublicWelfarePost,
    MigrantWork,
}

impl WorkStatus {
    pub const ALL: [WorkStatus; 6] = [
        WorkStatus::Unemployed,
        WorkStatus::Employed,
        WorkStatus::Flexible,
        WorkStatus::SelfEmployed,
        WorkStatus::PublicWelfarePost,
        WorkStatus::MigrantWork,
    ];

    pub fn label(self) -> &'static str {
        match self {
            WorkStatus::Unemployed => "未就业",
            WorkStatus::Employed => "单位就业",
            WorkStatus::Flexible => "灵活就业",
            WorkStatus::SelfEmployed => "自主创业",
            WorkStatus::PublicWelfarePost => "公益性岗位",
            WorkStatus::MigrantWork => "外出务工",
        }
    }

    pub fn is_in_work(self) -> bool {
        !matches!(self, WorkStatus::Unemployed)
    }

    /// Whether an employer's name is required: the statuses that have one.
    pub fn has_employer(self) -> bool {
        matches!(
            self,
            WorkStatus::Employed | WorkStatus::PublicWelfarePost | WorkStatus::MigrantWork
        )
    }
}

/// Whether the contact reached the person (R-EXIT-1 reasons 4 and 10 are read from it): the
/// digit is the one-key code in the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactOutcome {
    /// Reached, and the answers are theirs.
    Reached,
    /// 联系不上: not reached; the work status and the rest are not known from this contact.
    Unreachable,
    /// Reached, and refused the services offered (reason 4: three times within 6 months).
    RefusedServices,
}

impl ContactOutcome {
    pub const ALL: [ContactOutcome; 3] = [
        ContactOutcome::Reached,
        ContactOutcome::Unreachable,
        ContactOutcome::RefusedServices,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ContactOutcome::Reached => "已联系",
            ContactOutcome::Unreachable => "联系不上",
            ContactOutcome::RefusedServices => "拒绝服务",
        }
    }
}

/// What the person needs (援助需求).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Need {
    Job,
    Training,
    Business,
    Other,
}

impl Need {
    pub const ALL: [Need; 4] = [Need::Job, Need::Training, Need::Business, Need::Other];

    pub fn label(self) -> &'static str {
        match self {
            Need::Job => "岗位",
            Need::Training => "培训",
            Need::Business => "创业",
            Need::Other => "其他",
        }
    }
}

/// R-FOLLOW-2: for a person in work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employment {
    pub employer: String,
    pub contract_signed: bool,
    pub social_insurance_paid: bool,
    /// Monthly wage income, whole yuan.
    pub monthly_wage: u32,
}

/// What was learned and done at one contact: everything a caseworker enters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpAnswers {
    pub date: NaiveDate,
    pub method: ContactMethod,
    pub work_status: WorkStatus,
    pub employment: Option<Employment>,
    pub willing_to_work: bool,
    pub needs: Vec<Need>,
    pub services: String,
    pub plan: String,
    pub next_contact: NaiveDate,
    /// Whether the person was reached. When not, the work status and willingness are
    /// carried from what was known before and say nothing new.
    pub outcome: ContactOutcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub case: CaseId,
    pub answers: FollowUpAnswers,
    /// The account that entered it.
    pub recorded_by: String,
}
