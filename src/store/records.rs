//! Schema versions of every record kept in the store, and the store's own records (the
//! county, the audit head, the data sequence). A change of shape bumps the version here and adds an upgrade.

use super::audit::AuditEntryV1;
use super::audit::{AuditEntry, AuditHead};
use super::codec::{CodecError, Versioned, payload_of};
use super::leads::ImportMarker;
use crate::domain::followup_form::FollowUpDraft;
use crate::domain::intake::IntakeDraft;
use crate::domain::lead::Lead;
use crate::domain::ledger::Ledger;
use crate::domain::{
    Account, AssistanceCase, CaseSummary, FollowUp, Household, Person, TownshipCode,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The county this store serves, and its townships.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct County {
    pub name: String,
    /// Six-digit administrative code, e.g. `360731`.
    pub code: String,
    pub townships: Vec<Township>,
    /// Set on demo stores: how many households were generated.
    pub demo_households: Option<u32>,
    pub created_on: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Township {
    pub code: TownshipCode,
    pub name: String,
}

impl County {
    pub fn township_name(&self, code: &TownshipCode) -> &str {
        self.townships
            .iter()
            .find(|t| &t.code == code)
            .map(|t| t.name.as_str())
            .unwrap_or("未知乡镇")
    }
}

/// How many transactions have changed data: bumped by every save, registration, step,
/// load and restore, never by an audit entry alone (an ID reveal, a refusal, a
/// re-anchor). Sessions compare it to know when what they show may be stale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSeq {
    pub seq: u64,
}

macro_rules! versioned {
    ($($t:ty => $kind:literal v $v:literal),* $(,)?) => {
        $(impl Versioned for $t {
            const KIND: &'static str = $kind;
            const VERSION: u16 = $v;
        })*
    };
}

versioned! {
    Person => "person" v 1,
    AssistanceCase => "case" v 1,
    CaseSummary => "summary" v 1,
    County => "county" v 1,
    AuditHead => "audit_head" v 1,
    Account => "account" v 1,
    DataSeq => "data_seq" v 1,
    crate::domain::supervise::disposition::FindingDisposition => "finding_disposition" v 1,
    ImportMarker => "import" v 1,
}

/// A household as version 1 wrote it: its events knew only a start and a clearance.
/// Version 2 added the end of a zero-employment household for another reason than work
/// (R-ZERO-2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdV1 {
    pub id: crate::domain::HouseholdId,
    pub rev: u64,
    pub township: TownshipCode,
    pub village: String,
    pub address: String,
    pub members: Vec<crate::domain::PersonId>,
    pub has_business_income: bool,
    pub events: Vec<HouseholdEventV1>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdEventV1 {
    pub date: NaiveDate,
    pub kind: HouseholdEventKindV1,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HouseholdEventKindV1 {
    ZeroEmploymentStarted,
    ZeroEmploymentCleared,
}

impl From<HouseholdV1> for Household {
    fn from(v1: HouseholdV1) -> Self {
        use crate::domain::{HouseholdEvent, HouseholdEventKind};
        Household {
            id: v1.id,
            rev: v1.rev,
            township: v1.township,
            village: v1.village,
            address: v1.address,
            members: v1.members,
            has_business_income: v1.has_business_income,
            events: v1
                .events
                .into_iter()
                .map(|e| HouseholdEvent {
                    date: e.date,
                    kind: match e.kind {
                        HouseholdEventKindV1::ZeroEmploymentStarted => {
                            HouseholdEventKind::ZeroEmploymentStarted
                        }
                        // Version 1 logged every end as a clearance; which were a member
                        // placed in work cannot be told now, so they stay as written.
                        HouseholdEventKindV1::ZeroEmploymentCleared => {
                            HouseholdEventKind::ZeroEmploymentCleared
                        }
                    },
                })
                .collect(),
        }
    }
}

impl Versioned for Lead {
    const KIND: &'static str = "lead";
    const VERSION: u16 = 2;

    fn upgrade(version: u16, payload: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => payload_of::<super::lead_v1::LeadV1>(payload).map(Lead::from),
            found => Err(CodecError::UnknownVersion {
                kind: Self::KIND,
                found,
                supported: Self::VERSION,
            }),
        }
    }
}

impl Versioned for Household {
    const KIND: &'static str = "household";
    const VERSION: u16 = 2;

    fn upgrade(version: u16, payload: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => payload_of::<HouseholdV1>(payload).map(Household::from),
            found => Err(CodecError::UnknownVersion {
                kind: Self::KIND,
                found,
                supported: Self::VERSION,
            }),
        }
    }
}

/// A follow-up as version 1 wrote it: before the contact outcome, every follow-up reached
/// the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpV1 {
    pub id: crate::domain::FollowUpId,
    pub case: crate::domain::CaseId,
    pub answers: FollowUpAnswersV1,
    pub recorded_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpAnswersV1 {
    pub date: NaiveDate,
    pub method: crate::domain::ContactMethod,
    pub work_status: crate::domain::WorkStatus,
    pub employment: Option<crate::domain::followup::Employment>,
    pub willing_to_work: bool,
    pub needs: Vec<crate::domain::Need>,
    pub services: String,
    pub plan: String,
    pub next_contact: NaiveDate,
}

impl From<FollowUpV1> for FollowUp {
    fn from(v1: FollowUpV1) -> Self {
        let a = v1.answers;
        FollowUp {
            id: v1.id,
            case: v1.case,
            answers: crate::domain::followup::FollowUpAnswers {
                date: a.date,
                method: a.method,
                work_status: a.work_status,
                employment: a.employment,
                willing_to_work: a.willing_to_work,
                needs: a.needs,
                services: a.services,
                plan: a.plan,
                next_contact: a.next_contact,
                outcome: crate::domain::followup::ContactOutcome::Reached,
            },
            recorded_by: v1.recorded_by,
        }
    }
}

impl Versioned for FollowUp {
    const KIND: &'static str = "followup";
    const VERSION: u16 = 2;

    fn upgrade(version: u16, payload: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => payload_of::<FollowUpV1>(payload).map(FollowUp::from),
            found => Err(CodecError::UnknownVersion {
                kind: Self::KIND,
                found,
                supported: Self::VERSION,
            }),
        }
    }
}

/// Version 2 of a follow-up draft has a 联系结果 text after the twelve of version 1; a
/// version 1 draft is the same list, shorter, and reads back with it empty.
impl Versioned for FollowUpDraft {
    const KIND: &'static str = "draft";
    const VERSION: u16 = 2;

    fn upgrade(version: u16, payload: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => payload_of::<FollowUpDraft>(payload),
            found => Err(CodecError::UnknownVersion {
                kind: Self::KIND,
                found,
                supported: Self::VERSION,
            }),
        }
    }
}

/// An intake draft's texts in stored order (`IntakeField::STORED`): version 2 added a
/// 经营财产收入 text after the 21 of version 1; version 3 added the category slots three to
/// seven after it (issue 13, finding 14: intake takes all seven recorded categories). An
/// older draft is the same list, shorter, and reads back with the later fields empty.
impl Versioned for IntakeDraft {
    const KIND: &'static str = "intake_draft";
    const VERSION: u16 = 3;

    fn upgrade(version: u16, payload: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 | 2 => payload_of::<IntakeDraft>(payload),
            found => Err(CodecError::UnknownVersion {
                kind: Self::KIND,
                found,
                supported: Self::VERSION,
            }),
        }
    }
}

/// Version 2 of a ledger keeps on each policy record its approval month, the months of
/// unemployment benefit it was checked against and its dated payments (issue 15, item 2);
/// a version 1 ledger reads back with none of them (`store::ledger_v1`).
impl Versioned for Ledger {
    const KIND: &'static str = "ledger";
    const VERSION: u16 = 2;

    fn upgrade(version: u16, payload: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => payload_of::<super::ledger_v1::LedgerV1>(payload).map(Ledger::from),
            found => Err(CodecError::UnknownVersion {
                kind: Self::KIND,
                found,
                supported: Self::VERSION,
            }),
        }
    }
}

impl Versioned for AuditEntry {
    const KIND: &'static str = "audit";
    const VERSION: u16 = 2;

    fn upgrade(version: u16, payload: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => payload_of::<AuditEntryV1>(payload).map(AuditEntry::from),
            found => Err(CodecError::UnknownVersion {
                kind: Self::KIND,
                found,
                supported: Self::VERSION,
            }),
        }
    }
}
