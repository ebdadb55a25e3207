//! Hostile request frames, for the hostile-peer tests and `examples/abuse_run.rs`: one
//! request of every variant, encoded as a client would, then bytes changed at random,
//! length fields inside made huge, frames cut or claimed longer than they are. Seeded, so
//! a failure can be replayed.

#![allow(dead_code)] // the tests and the example each use a part

use yuanzhu::domain::exit::ExitReason;
use yuanzhu::domain::followup_form::{FollowUpDraft, FormContext};
use yuanzhu::domain::intake::IntakeDraft;
use yuanzhu::domain::ledger::{EntryKind, LedgerDraft};
use yuanzhu::domain::recognition::Step;
use yuanzhu::domain::{CaseId, HouseholdId, PersonId, Role, Settings, Tier};
use yuanzhu::remote::frame::write_frame;
use yuanzhu::service::Request;

/// xorshift64*: small, seeded, good enough to choose bytes and offsets.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Where a variant sits in `every_request`; a new variant fails to compile here until it
/// has a sample.
fn variant(r: &Request) -> usize {
    match r {
        Request::Overview => 0,
        Request::Household { .. } => 1,
        Request::FollowUpForm { .. } => 2,
        Request::SaveFollowUp { .. } => 3,
        Request::SaveDraft { .. } => 4,
        Request::DiscardDraft { .. } => 5,
        Request::RevealId { .. } => 6,
        Request::ListUsers => 7,
        Request::AddUser { .. } => 8,
        Request::DisableUser { .. } => 9,
        Request::Ping => 10,
        Request::AuditVerify => 11,
        Request::AuditShow { .. } => 12,
        Request::Backup => 13,
        Request::SaveIntakeDraft { .. } => 14,
        Request::IntakeDraft => 15,
        Request::DiscardIntakeDraft => 16,
        Request::Register { .. } => 17,
        Request::CaseReview { .. } => 18,
        Request::CaseStep { .. } => 19,
        Request::Notices { .. } => 20,
        Request::ZeroEmployment => 21,
        Request::Exits { .. } => 22,
        Request::ProposeExit { .. } => 23,
        Request::ExitStats => 24,
        Request::Ledger { .. } => 25,
        Request::AddLedgerEntry { .. } => 26,
        Request::DecideExit { .. } => 27,
        Request::Check => 28,
        Request::ReAnchor { .. } => 29,
        Request::QueuePage(_) => 30,
        Request::QueueChanges { .. } => 31,
        Request::ImportList(_) => 32,
        Request::LeadStats => 33,
        Request::Leads => 34,
        Request::DisposeLead { .. } => 35,
        Request::ChangeCategory { .. } => 36,
        Request::Stats { .. } => 37,
        Request::Supervise { .. } => 38,
        Request::DisposeFinding { .. } => 39,
        Request::StatsPeople { .. } => 40,
        Request::Export { .. } => 41,
        Request::AddPayment { .. } => 42,
    }
}

const VARIANTS: usize = 43;

/// One request of every variant, with text in every string field.
pub fn every_request() -> Vec<Request> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default();
    let ctx = FormContext {
        today,
        recognised_on: None,
        tier: Tier::Two,
        late_entry_days: 5,
    };
    let draft = FollowUpDraft::blank(&ctx, &Settings::default());
    let intake = IntakeDraft::blank(today, Some("贡江镇"));
    let case = CaseId(7);
    let all = vec![
        Request::Overview,
        Request::QueuePage(yuanzhu::service::QueueQuery {
            slice: yuanzhu::service::QueueSlice::Tier(Tier::One),
            search: "赖磊".into(),
            at: yuanzhu::service::QueueAt::Case(case),
            before: 20,
            after: 20,
        }),
        Request::QueueChanges {
            since: 3,
            slice: yuanzhu::service::QueueSlice::FollowUps,
            search: "ljg".into(),
        },
        Request::ChangeCategory {
            case,
            rev: 4,
            change: yuanzhu::domain::category_change::CategoryChange::End {
                category: yuanzhu::domain::Category::Dibao,
                evidence: yuanzhu::domain::Evidence {
                    document_no: "于民低退〔2026〕3号".into(),
                    issued_by: "于都县民政局".into(),
                },
            },
        },
        Request::Household {
            household: HouseholdId(3),
        },
        Request::FollowUpForm { case },
        Request::SaveFollowUp {
            case,
            rev: 2,
            draft: draft.clone(),
        },
        Request::SaveDraft {
            case,
            draft: draft.clone(),
        },
        Request::DiscardDraft { case },
        Request::RevealId {
            person: PersonId(5),
        },
        Request::ListUsers,
        Request::AddUser {
            name: "wang.f".into(),
            role: Role::TownshipCaseworker,
            township: Some("贡江镇".into()),
        },
        Request::DisableUser {
            name: "wang.f".into(),
        },
        Request::Ping,
        Request::AuditVerify,
        Request::AuditShow {
            id_number: Some("360731199001011234".into()),
        },
        Request::Backup,
        Request::Check,
        Request::ReAnchor {
            reason: "锚点文件误删，已核对".into(),
        },
        Request::SaveIntakeDraft {
            draft: intake.clone(),
        },
        Request::IntakeDraft,
        Request::DiscardIntakeDraft,
        Request::Register { draft: intake },
        Request::CaseReview { case },
        Request::CaseStep {
            case,
            rev: 1,
            step: Step::Reject {
                reason: "材料不全".into(),
            },
        },
        Request::Notices {
            township: Some("贡江镇".into()),
        },
        Request::ZeroEmployment,
        Request::Exits { from: 0, count: 60 },
        Request::ProposeExit {
            case,
            rev: 1,
            reason: ExitReason::StablyEmployed,
            evidence: "连续三次回访均在岗".into(),
        },
        Request::ExitStats,
        Request::Ledger {
            person: PersonId(5),
        },
        Request::AddLedgerEntry {
            person: PersonId(5),
            rev: 1,
            entry: LedgerDraft::typed(EntryKind::Policy, &["2026-11-01", "社保补贴", "300"]),
        },
        Request::AddPayment {
            person: PersonId(5),
            rev: 1,
            policy: 0,
            entry: LedgerDraft::typed(EntryKind::Payment, &["2026-11-01", "300", "2026-11"]),
        },
        Request::DecideExit {
            case,
            rev: 1,
            approve: false,
            note: "证据不足".into(),
        },
        Request::ImportList(yuanzhu::service::ListImport {
            source: yuanzhu::domain::lead::LeadSource::Dibao,
            list_date: None,
            file: "低保名单.csv".into(),
            rows: vec![yuanzhu::domain::lead::RawRow {
                row: 2,
                name: "李国华".into(),
                id_number: "360731198003011230".into(),
                address: "贡江镇水头村".into(),
                ..Default::default()
            }],
            apply: true,
            part: 0,
            more: false,
        }),
        Request::LeadStats,
        Request::Leads,
        Request::DisposeLead {
            lead: 9,
            rev: 1,
            disposition: yuanzhu::domain::lead::Disposition::Refused,
            on: today,
            note: "本人已外出务工，不需要援助".into(),
        },
        Request::Stats {
            month: yuanzhu::domain::YearMonth {
                year: 2026,
                month: 11,
            },
            township: Some("梅林镇".into()),
        },
        Request::Supervise {
            month: yuanzhu::domain::YearMonth {
                year: 2026,
                month: 11,
            },
            after: Some("copied:张三:2026-11".into()),
            limit: 50,
        },
        Request::DisposeFinding {
            key: "copied_followups:张三（案7）:2026-11".into(),
            rev: 1,
            verdict: yuanzhu::domain::supervise::disposition::Verdict::FalseAlarm,
            note: "已电话核实，本人情况确实未变".into(),
        },
        Request::StatsPeople {
            month: yuanzhu::domain::YearMonth {
                year: 2026,
                month: 11,
            },
            township: Some(yuanzhu::domain::TownshipCode("360731101".into())),
            measure: yuanzhu::domain::stats_measure::Measure::Status(
                yuanzhu::domain::WorkStatus::Flexible,
            ),
            after: Some("360731101:赖春梅:c00000000000000000007".into()),
            limit: 50,
        },
        Request::Export {
            kind: yuanzhu::service::ExportKind::FollowUps,
            month: yuanzhu::domain::YearMonth {
                year: 2026,
                month: 11,
            },
            after: Some("0000000000000007:e0000".into()),
            limit: 500,
            unmasked: true,
            file: "/home/guanli/2026-11 回访.xlsx".into(),
        },
    ];
    let mut seen = [false; VARIANTS];
    for r in &all {
        seen[variant(r)] = true;
    }
    assert!(
        seen.iter().all(|s| *s),
        "every request variant has a sample"
    );
    all
}

pub fn frame_of(request: &Request) -> Vec<u8> {
    let mut out = Vec::new();
    write_frame(&mut out, request).unwrap_or_default();
    out
}

/// How a frame was spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Spoil {
    FlippedBytes,
    HugeLengthOver,
    HugeLengthInserted,
    BodyCut,
    TrailingBytes,
    RandomBody,
    HeaderClaimsMore,
    /// The frame ends before its header says: on a socket, a half-sent frame.
    FrameCut,
}

pub const WHOLE_FRAME_SPOILS: [Spoil; 7] = [
    Spoil::FlippedBytes,
    Spoil::HugeLengthOver,
    Spoil::HugeLengthInserted,
    Spoil::BodyCut,
    Spoil::TrailingBytes,
    Spoil::RandomBody,
    Spoil::HeaderClaimsMore,
];

/// A huge bincode varint: the tag of a u16, u32, u64 or u128, then a value near its top.
fn huge_varint(rng: &mut Rng) -> Vec<u8> {
    match rng.below(5) {
        0 => {
            let mut v = vec![253];
            v.extend_from_slice(&(1u64 << 62).to_le_bytes());
            v
        }
        1 => {
            let mut v = vec![253];
            v.extend_from_slice(&u64::MAX.to_le_bytes());
            v
        }
        2 => {
            let mut v = vec![252];
            v.extend_from_slice(&(u32::MAX - rng.below(1000) as u32).to_le_bytes());
            v
        }
        3 => {
            let mut v = vec![254];
            v.extend_from_slice(&u128::MAX.to_le_bytes());
            v
        }
        _ => {
            let mut v = vec![253];
            v.extend_from_slice(&(rng.next() | (1 << 40)).to_le_bytes());
            v
        }
    }
}

fn set_len(frame: &mut [u8]) {
    let n = (frame.len() - 4) as u32;
    frame[..4].copy_from_slice(&n.to_be_bytes());
}

/// `frame` (a whole one, as `frame_of` writes it) spoiled by `how`.
pub fn spoil(frame: &[u8], how: Spoil, rng: &mut Rng) -> Vec<u8> {
    let mut f = frame.to_vec();
    // Past the length and the version: the payload, which starts with the variant.
    let body = 6;
    let payload = f.len().saturating_sub(body).max(1);
    match how {
        Spoil::FlippedBytes => {
            for _ in 0..1 + rng.below(4) {
                let i = body + rng.below(payload);
                if i < f.len() {
                    f[i] = rng.next() as u8;
                }
            }
        }
        Spoil::HugeLengthOver => {
            let at = body + rng.below(payload);
            let huge = huge_varint(rng);
            f.truncate(at.min(f.len()));
            f.extend_from_slice(&huge);
            f.extend_from_slice(&frame[(at + huge.len()).min(frame.len())..]);
            set_len(&mut f);
        }
        Spoil::HugeLengthInserted => {
            let at = (body + rng.below(payload)).min(f.len());
            let huge = huge_varint(rng);
            f.splice(at..at, huge);
            set_len(&mut f);
        }
        Spoil::BodyCut => {
            f.truncate(4 + rng.below(f.len() - 4));
            set_len(&mut f);
        }
        Spoil::TrailingBytes => {
            for _ in 0..1 + rng.below(16) {
                f.push(rng.next() as u8);
            }
            set_len(&mut f);
        }
        Spoil::RandomBody => {
            f.truncate(body);
            for _ in 0..rng.below(200) {
                f.push(rng.next() as u8);
            }
            set_len(&mut f);
        }
        Spoil::HeaderClaimsMore => {
            let claim = match rng.below(3) {
                0 => u32::MAX,
                1 => 1024 * 1024 + 1 + rng.below(1000) as u32,
                _ => rng.next() as u32 | (1 << 31),
            };
            f[..4].copy_from_slice(&claim.to_be_bytes());
        }
        Spoil::FrameCut => {
            f.truncate(rng.below(f.len()));
        }
    }
    f
}
