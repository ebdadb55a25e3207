//! A ledger as version 1 wrote it: its policy records knew the months and the total, not
//! the approval month, the unemployment-benefit months they were checked against, nor
//! their payments. Version 2 keeps those (issue 15, item 2); a version 1 record reads
//! back with none, as the caseworker entered it.

use crate::domain::PersonId;
use crate::domain::ledger::{DibaoRecord, Ledger, PaidTo, PolicyKind, PolicyRecord, PostRecord};
use crate::domain::policy::SubsidyMonths;
use crate::domain::year_month::YearMonth;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerV1 {
    pub person: PersonId,
    pub rev: u64,
    pub posts: Vec<PostRecord>,
    pub policies: Vec<PolicyRecordV1>,
    pub dibao: Vec<DibaoRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRecordV1 {
    pub kind: PolicyKind,
    pub from: YearMonth,
    pub to: YearMonth,
    pub amount: u32,
    pub paid_to: PaidTo,
    pub months: Option<SubsidyMonths>,
}

impl From<PolicyRecordV1> for PolicyRecord {
    fn from(v1: PolicyRecordV1) -> Self {
        PolicyRecord {
            kind: v1.kind,
            from: v1.from,
            to: v1.to,
            amount: v1.amount,
            paid_to: v1.paid_to,
            months: v1.months,
            // Version 1 typed these only to check the form; they were not kept.
            approved: None,
            benefit_months: Vec::new(),
            // Payments were not recorded: none are known, not "none were made".
            payments: Vec::new(),
        }
    }
}

impl From<LedgerV1> for Ledger {
    fn from(v1: LedgerV1) -> Self {
        Ledger {
            person: v1.person,
            rev: v1.rev,
            posts: v1.posts,
            policies: v1.policies.into_iter().map(PolicyRecord::from).collect(),
            dibao: v1.dibao,
        }
    }
}
