//! The one API of the program: a [`Request`] answered by a [`Reply`] or a [`ServiceError`].
//! The TUI, the CLI and the socket all speak it, so every capability can be tested
//! without a terminal.

use crate::domain::audit_action;
use crate::domain::exit::{ExitReason, Finding};
use crate::domain::followup::{FollowUpAnswers, WorkStatus};
use crate::domain::followup_form::{FieldError, FollowUpDraft};
use crate::domain::intake::IntakeDraft;
use crate::domain::ledger::{Ledger, LedgerDraft};
use crate::domain::post::PostExitReason;
use crate::domain::recognition::Step;
use crate::domain::{
    CaseId, Category, DueStatus, HouseholdEventKind, HouseholdId, LabourCapacity, PersonId,
    RecognitionStatus, Relation, Role, Settings, Sex, Tier, TownshipCode,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// County, user, date: what the header shows.
    Overview,
    /// One household's file.
    Household {
        household: HouseholdId,
    },
    /// What the follow-up form needs for one case: the latest follow-up, a kept draft.
    FollowUpForm {
        case: CaseId,
    },
    /// Saves a follow-up typed as `draft`, against the case `rev` the form was opened with.
    SaveFollowUp {
        case: CaseId,
        rev: u64,
        draft: FollowUpDraft,
    },
    /// Keeps an unsaved form for this account.
    SaveDraft {
        case: CaseId,
        draft: FollowUpDraft,
    },
    DiscardDraft {
        case: CaseId,
    },
    /// A member's full ID number; every reveal is an audit entry (第(十四)条).
    RevealId {
        person: PersonId,
    },
    /// Accounts (管理员 only).
    ListUsers,
    AddUser {
        name: String,
        role: Role,
        /// A township's code or name; required for 乡镇经办.
        township: Option<String>,
    },
    DisableUser {
        name: String,
    },
    /// Nothing but the store's data sequence: how other sessions notice a save.
    Ping,
    /// Checks the audit chain against the store's head and the anchor (审核 and 管理员).
    AuditVerify,
    /// Who did what, for one person (by ID number) or for all (审核 and 管理员).
    AuditShow {
        id_number: Option<String>,
    },
    /// A consistent copy of the store, made while it is in use (管理员 only).
    Backup,
    /// Reads and judges the whole store: every record, every derived tree, the audit chain
    /// and each record against it (管理员 only).
    Check,
    /// An administrator's decision, with its reason, that the chain as it stands is the
    /// record: the anchor is written anew, as an audit entry of its own.
    ReAnchor {
        reason: String,
    },
    /// The account's unsaved intake form, kept as it is typed (a dropped link loses nothing).
    SaveIntakeDraft {
        draft: IntakeDraft,
    },
    /// The kept intake form, if any.
    IntakeDraft,
    DiscardIntakeDraft,
    /// 登记申请: a person registered at the counter, applying or not (R-RECOG-2).
    Register {
        draft: IntakeDraft,
    },
    /// A case's file for review: its state, notice, objections and history.
    CaseReview {
        case: CaseId,
    },
    /// A review step on a case read at `rev` (R-RECOG-1).
    CaseStep {
        case: CaseId,
        rev: u64,
        step: Step,
    },
    /// The notices now running, names and ID numbers masked; one township or all.
    Notices {
        township: Option<String>,
    },
    /// Zero-employment households by township: now, found and cleared this month (R-ZERO-1).
    ZeroEmployment,
    /// 退出审核: exits proposed and waiting, then the rules' findings (第(五)条): the
    /// `count` rows from row `from` of that list (at most [`EXIT_WINDOW_MAX`]), and its length.
    Exits {
        from: u32,
        count: u32,
    },
    /// An exit proposed for a recognised person, with its evidence.
    ProposeExit {
        case: CaseId,
        rev: u64,
        reason: ExitReason,
        evidence: String,
    },
    /// Exits approved, by reason: this month and this year (R-EXIT-1).
    ExitStats,
    /// A person's ledger: posts, policies, dibao linkage (R-LEDGER-1).
    Ledger {
        person: PersonId,
    },
    /// An entry typed into one of the ledger's forms, against the ledger's `rev`.
    AddLedgerEntry {
        person: PersonId,
        rev: u64,
        entry: LedgerDraft,
    },
    /// 登记补贴发放: a payment of the ledger's policy number `policy` (from 0), typed into
    /// an [`crate::domain::ledger::EntryKind::Payment`] form, against the ledger's `rev`.
    AddPayment {
        person: PersonId,
        rev: u64,
        policy: u32,
        entry: LedgerDraft,
    },
    /// The county's decision on a proposed exit; `note` is the reason for returning it.
    DecideExit {
        case: CaseId,
        rev: u64,
        approve: bool,
        note: String,
    },
    /// A window of the queue: a slice (the views 1–7), searched, around an anchor; with the
    /// slice's length and the header's counts. Never the county.
    QueuePage(QueueQuery),
    /// What changed in a slice since data sequence `since`: only the rows that changed
    /// (a session too far behind is told to reload its window).
    QueueChanges {
        since: u64,
        slice: QueueSlice,
        search: String,
    },
    /// 导入名单 (第(二)条, R-DISCOVER-1): a list's rows, checked and matched against the
    /// ledger by ID number; written, all good rows at once, only with `apply`.
    ImportList(ListImport),
    /// Leads by source and disposition, and by township: `yuanzhu leads`.
    LeadStats,
    /// The leads the actor covers: fast lane first, then the newest list.
    Leads,
    /// What contacting a lead found (R-DISCOVER-1), on a day, with a note; against the
    /// lead's `rev`.
    DisposeLead {
        lead: u64,
        rev: u64,
        disposition: crate::domain::lead::Disposition,
        on: NaiveDate,
        note: String,
    },
    /// A recorded category added or ended for the case's person, with its evidence,
    /// against the case's `rev` (第(一)条). Answered by `Stepped`.
    ChangeCategory {
        case: CaseId,
        rev: u64,
        change: crate::domain::category_change::CategoryChange,
    },
    /// 统计 (第(十三)条, R-STAT-1): a month's table by township and the county total, the
    /// actor's townships or one named township: `yuanzhu stats`.
    Stats {
        month: crate::domain::YearMonth,
        township: Option<String>,
    },
    /// 监督 (第(十四)条, R-GOV-1): the findings dated in a month, paged by key (after the
    /// key `after`, at most `limit`); reviewers and administrators only: `yuanzhu supervise`.
    Supervise {
        month: crate::domain::YearMonth,
        after: Option<String>,
        limit: u32,
    },
    /// 监督: a reviewer's disposition (已核实 / 误报) of the finding with this key, over the
    /// disposition's version `rev` (0 for the first); audited. Answered by `Disposed`.
    DisposeFinding {
        key: String,
        rev: u64,
        verdict: crate::domain::supervise::disposition::Verdict,
        note: String,
    },
    /// 统计 drilled down: the people (or, for the zero-employment figures, the households)
    /// counted in one figure of a month's table, for one township or the actor's county,
    /// paged by key (after the key `after`, at most `limit`, capped at
    /// [`super::stats_people::STATS_PEOPLE_PAGE_MAX`]).
    StatsPeople {
        month: crate::domain::YearMonth,
        township: Option<TownshipCode>,
        measure: crate::domain::stats_measure::Measure,
        after: Option<String>,
        limit: u32,
    },
    /// 导出 (issue 15): a page of a month's table of one kind, in stable key order (after the
    /// key `after`, at most `limit` rows, capped at [`super::EXPORT_PAGE_MAX`]); names and ID
    /// numbers masked unless an administrator asks `unmasked`, which is an audit entry naming
    /// `file`, where the rows go: `yuanzhu export`.
    Export {
        kind: ExportKind,
        month: crate::domain::YearMonth,
        after: Option<String>,
        limit: u32,
        unmasked: bool,
        file: String,
    },
}

impl Request {
    /// What the request is, in words, for the audit entry of a refusal.
    pub fn label(&self) -> &'static str {
        match self {
            Request::Overview => "打开程序",
            Request::QueuePage(_) | Request::QueueChanges { .. } => "查看回访队列",
            Request::Household { .. } => "查看家庭档案",
            Request::FollowUpForm { .. } => "打开回访表",
            Request::SaveFollowUp { .. } => audit_action::SAVE_FOLLOWUP,
            Request::SaveDraft { .. } => "保存草稿",
            Request::DiscardDraft { .. } => "删除草稿",
            Request::RevealId { .. } => audit_action::REVEAL_ID,
            Request::ListUsers => "查看账户",
            Request::AddUser { .. } => "添加账户",
            Request::DisableUser { .. } => "停用账户",
            Request::Ping => "查询变动",
            Request::AuditVerify => "校验审计链",
            Request::AuditShow { .. } => "查看审计记录",
            Request::Backup => "备份",
            Request::Check => "检查数据库",
            Request::ReAnchor { .. } => "重新确立审计锚点",
            Request::Register { .. } => "登记申请",
            Request::SaveIntakeDraft { .. } => "保存登记草稿",
            Request::IntakeDraft => "打开登记草稿",
            Request::DiscardIntakeDraft => "删除登记草稿",
            Request::CaseReview { .. } => "查看审核材料",
            Request::CaseStep { step, .. } => step.label(),
            Request::Notices { .. } => "查看公示名单",
            Request::ZeroEmployment => "查看零就业家庭统计",
            Request::Exits { .. } => "查看退出审核",
            Request::ExitStats => "查看退出统计",
            Request::Ledger { .. } => "查看援助台账",
            Request::AddLedgerEntry { entry, .. } => entry.kind().title(),
            Request::AddPayment { .. } => "登记补贴发放",
            Request::ProposeExit { .. } => "提出退出",
            Request::DecideExit { approve: true, .. } => audit_action::APPROVE_EXIT,
            Request::DecideExit { .. } => audit_action::RETURN_EXIT,
            Request::ImportList(i) if i.apply => "导入名单",
            Request::ImportList(_) => "试导入名单",
            Request::LeadStats => "查看线索统计",
            Request::Leads => "查看线索",
            Request::DisposeLead { .. } => "处理线索",
            Request::ChangeCategory { change, .. } => change.label(),
            Request::Stats { .. } => "查看月度统计",
            Request::Supervise { .. } => "查看监督发现",
            Request::DisposeFinding { .. } => "处置监督发现",
            Request::StatsPeople { .. } => "查看统计名单",
            Request::Export { unmasked: true, .. } => audit_action::UNMASKED_EXPORT,
            Request::Export { .. } => "导出",
        }
    }

    /// Whether the request changes the store (and so must not run during a backup). An
    /// ID reveal writes its audit entry. Spelled out request by request, with no catch-all,
    /// so a new request cannot be added without deciding.
    pub fn writes(&self) -> bool {
        match self {
            Request::SaveFollowUp { .. }
            | Request::SaveDraft { .. }
            | Request::DiscardDraft { .. }
            | Request::RevealId { .. }
            | Request::AddUser { .. }
            | Request::DisableUser { .. }
            | Request::Register { .. }
            | Request::SaveIntakeDraft { .. }
            | Request::DiscardIntakeDraft
            | Request::CaseStep { .. }
            | Request::ProposeExit { .. }
            | Request::DecideExit { .. }
            | Request::AddLedgerEntry { .. }
            | Request::AddPayment { .. }
            | Request::ChangeCategory { .. }
            | Request::ReAnchor { .. } => true,
            Request::ImportList(i) => i.apply,
            Request::DisposeLead { .. } | Request::DisposeFinding { .. } => true,
            Request::Export { unmasked, .. } => *unmasked,
            Request::Overview
            | Request::QueuePage(_)
            | Request::QueueChanges { .. }
            | Request::Household { .. }
            | Request::FollowUpForm { .. }
            | Request::ListUsers
            | Request::Ping
            | Request::AuditVerify
            | Request::AuditShow { .. }
            | Request::Backup
            | Request::Check
            | Request::IntakeDraft
            | Request::CaseReview { .. }
            | Request::Notices { .. }
            | Request::ZeroEmployment
            | Request::Exits { .. }
            | Request::ExitStats
            | Request::Ledger { .. }
            | Request::LeadStats
            | Request::Leads
            | Request::Stats { .. }
            | Request::Supervise { .. }
            | Request::StatsPeople { .. } => false,
        }
    }

    /// Whether `response` is the kind of answer this request asks for: what
    /// [`super::client::Client`] checks of every reply. Spelled out request by request.
    pub fn answered_by(&self, response: &Response) -> bool {
        use Response as R;
        match self {
            Request::Overview => matches!(response, R::Overview(_)),
            Request::QueuePage(_) => matches!(response, R::QueuePage(_)),
            Request::QueueChanges { .. } => matches!(response, R::QueueChanges(_)),
            Request::Household { .. } => matches!(response, R::Household(_)),
            Request::FollowUpForm { .. } => matches!(response, R::FollowUpForm(_)),
            Request::SaveFollowUp { .. } => matches!(response, R::Saved(_)),
            Request::RevealId { .. } => matches!(response, R::IdNumber { .. }),
            Request::ListUsers => matches!(response, R::Users(_)),
            Request::AuditVerify => matches!(response, R::AuditCheck(_)),
            Request::AuditShow { .. } => matches!(response, R::AuditLog(_)),
            Request::Backup => matches!(response, R::BackedUp { .. }),
            Request::Check => matches!(response, R::Checked(_)),
            Request::IntakeDraft => matches!(response, R::IntakeDraft(_)),
            Request::Register { .. } => matches!(response, R::Registered(_)),
            Request::CaseReview { .. } => matches!(response, R::CaseReview(_)),
            Request::CaseStep { .. } | Request::ChangeCategory { .. } => {
                matches!(response, R::Stepped { .. })
            }
            Request::Notices { .. } => matches!(response, R::Notices(_)),
            Request::ZeroEmployment => matches!(response, R::ZeroEmployment(_)),
            Request::Exits { .. } => matches!(response, R::Exits(_)),
            Request::ExitStats => matches!(response, R::ExitStats(_)),
            Request::ImportList(_) => matches!(response, R::ListImported(_)),
            Request::LeadStats => matches!(response, R::LeadStats(_)),
            Request::Leads => matches!(response, R::Leads(_)),
            Request::Stats { .. } => matches!(response, R::Stats(_)),
            Request::Supervise { .. } => matches!(response, R::Supervise(_)),
            Request::StatsPeople { .. } => matches!(response, R::StatsPeople(_)),
            Request::Export { .. } => matches!(response, R::ExportPage(_)),
            Request::DisposeLead { .. } => matches!(response, R::Lead(_)),
            Request::DisposeFinding { .. } => matches!(response, R::Disposed(_)),
            Request::Ledger { .. }
            | Request::AddLedgerEntry { .. }
            | Request::AddPayment { .. } => {
                matches!(response, R::Ledger(_))
            }
            Request::SaveDraft { .. }
            | Request::DiscardDraft { .. }
            | Request::AddUser { .. }
            | Request::DisableUser { .. }
            | Request::Ping
            | Request::ReAnchor { .. }
            | Request::SaveIntakeDraft { .. }
            | Request::DiscardIntakeDraft
            | Request::ProposeExit { .. }
            | Request::DecideExit { .. } => matches!(response, R::Done),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The store's data sequence after this request ([`crate::store::DataSeq`]): it moves
    /// when data changed, not for an ID reveal or a refusal, so a front refreshes only
    /// when what it shows may be stale.
    pub seq: u64,
    pub body: Response,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    Overview(Overview),
    Household(HouseholdView),
    FollowUpForm(FormView),
    Saved(Saved),
    Users(Vec<UserRow>),
    IdNumber {
        person: PersonId,
        id_number: String,
    },
    AuditCheck(AuditCheck),
    AuditLog(Vec<AuditLine>),
    BackedUp {
        path: String,
        entries: u64,
    },
    Registered(Registered),
    IntakeDraft(Option<IntakeDraft>),
    CaseReview(ReviewView),
    Stepped {
        case: CaseId,
        rev: u64,
        status: RecognitionStatus,
    },
    Notices(Vec<NoticeRow>),
    ZeroEmployment(Vec<ZeroEmploymentCount>),
    Exits(ExitPage),
    ExitStats(Vec<ExitCount>),
    Ledger(LedgerView),
    Checked(CheckView),
    Done,
    QueuePage(QueuePage),
    QueueChanges(QueueChanges),
    ListImported(ImportSummary),
    LeadStats(LeadStats),
    Leads(Vec<LeadRow>),
    Lead(LeadRow),
    Stats(Box<crate::domain::stats::MonthTable>),
    Supervise(SupervisePage),
    /// The disposition as saved.
    Disposed(crate::domain::supervise::disposition::FindingDisposition),
    StatsPeople(StatsPeoplePage),
    ExportPage(ExportPage),
}

/// One page of the people counted in a figure of the month's table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsPeoplePage {
    pub people: Vec<StatsPerson>,
    /// The key to ask `after` for the next page; `None` on the last.
    pub next: Option<String>,
    /// Counted in the figure, all pages: the figure itself.
    pub total: u32,
}

/// A person counted in a figure (or a household, for the zero-employment figures), named
/// as the queue names them: the ID number masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsPerson {
    /// Stable across pages: township, name, then the case's (or household's) id.
    pub key: String,
    /// `None` for a household counted in a zero-employment figure, a person counted by
    /// their ledger and a lead.
    pub case: Option<CaseId>,
    /// `None` for a lead (线索), who has no household on file.
    pub household: Option<HouseholdId>,
    pub name: String,
    pub id_masked: String,
    pub township: TownshipCode,
    pub township_name: String,
    /// Why the figure counts them (本月已访, 退出：…).
    pub reason: String,
}

/// What `yuanzhu export` writes: a month's table of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// 援助台账: posts held, policies in force and dibao linkage of the month.
    Ledger,
    /// 回访: the follow-ups dated in the month.
    FollowUps,
    /// 线索: leads found or seen again on a list dated in the month.
    Leads,
    /// 审计记录: the `audit show` lines of the month (reviewers and administrators).
    Audit,
}

/// The longest key a page may be asked to continue after (the keys are far shorter).
pub const EXPORT_KEY_MAX: usize = 200;

/// One page of an export: its rows (cells in the kind's header order), the key to ask
/// `after` for the next page (`None` on the last), and how far the walk has come.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportPage {
    pub rows: Vec<Vec<String>>,
    pub next: Option<String>,
    /// Records of the walked tree this page passed (a client adds them up).
    pub scanned: u64,
    /// Records in the walked tree (counted on the first page only; 0 on the others).
    pub records: u64,
}

/// One page of a month's 监督 findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisePage {
    pub findings: Vec<SupervisedFinding>,
    /// The key to ask `after` for the next page; `None` on the last.
    pub next: Option<String>,
    /// Findings in the month, all pages.
    pub total: u32,
}

/// A finding with its stable key (rule, subject, month).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisedFinding {
    pub key: String,
    pub finding: crate::domain::supervise::Finding,
    /// A reviewer's disposition, once given.
    pub disposition: Option<crate::domain::supervise::disposition::FindingDisposition>,
}

/// A list to import: its source and date (today when not given), the file's name for the
/// audit, and its rows as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListImport {
    pub source: crate::domain::lead::LeadSource,
    pub list_date: Option<NaiveDate>,
    pub file: String,
    pub rows: Vec<crate::domain::lead::RawRow>,
    pub apply: bool,
    /// This part's number, from 0: a list too big for one request comes in parts, the
    /// rows of each kept until the one with `more` false, which checks them all at once.
    pub part: u32,
    pub more: bool,
}

/// What an import found (and, with `applied`, wrote).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub source: String,
    pub list_date: Option<NaiveDate>,
    /// Rows below the header, empty ones included.
    pub rows: u32,
    /// Rows that passed every check.
    pub good: u32,
    /// Good rows not yet among the leads of this source: written by `--apply`.
    pub new_leads: u32,
    /// Already leads of this source, seen again on a later list: their "last seen" moves.
    pub seen_again: u32,
    /// Already leads, on a list no later than the one they were last seen on: nothing.
    pub unchanged: u32,
    /// Of the new ones, persons already in the ledger: a data-comparison note each.
    pub in_ledger: u32,
    /// Of those, on a 登记失业 list saying the registration was cancelled.
    pub cancelled_in_ledger: u32,
    /// The first of them, to check for an exit (第(五)条): “第 12 行 李*华 3607**********1234”.
    pub cancelled_rows: Vec<String>,
    pub fast_lane: u32,
    /// New leads whose township neither the address nor the village named (未分配).
    pub unassigned: u32,
    pub groups: Vec<ProblemGroup>,
    pub applied: bool,
}

/// The rows of one kind of problem: how many, and the first few messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemGroup {
    pub kind: String,
    /// The rows were left out (else read with a correction, or skipped as empty).
    pub refused: bool,
    pub count: u32,
    pub first: Vec<String>,
}

/// Leads counted by disposition (待联系, 已联系, 已申请, 不符合条件, 本人拒绝).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadCountRow {
    pub name: String,
    pub by_disposition: [u32; 5],
    /// Fast-lane leads still to contact after their deadline.
    pub overdue: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadStats {
    pub by_source: Vec<LeadCountRow>,
    pub by_township: Vec<LeadCountRow>,
    /// Persons already in the ledger found on a list (data-comparison notes), not leads.
    pub notes: u32,
}

/// One lead as a list shows it (the ID number masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadRow {
    /// The lead's number and version, to name it in [`Request::DisposeLead`].
    pub id: u64,
    pub rev: u64,
    pub source: String,
    pub name: String,
    pub id_masked: String,
    pub township: String,
    pub list_date: NaiveDate,
    pub fast_lane: bool,
    pub contact_deadline: Option<NaiveDate>,
    pub overdue: bool,
    pub disposition: String,
    pub disposition_on: Option<NaiveDate>,
    pub note: String,
}

/// What `check` found (see `store::check`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    /// Records read, per tree.
    pub counts: Vec<(String, u64)>,
    /// Audit entries found sound, and the head hash in hex.
    pub entries: u64,
    pub head: String,
    pub problems: Vec<String>,
    /// Problems beyond those listed.
    pub unlisted: u64,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerView {
    pub person: PersonId,
    pub name: String,
    pub id_masked: String,
    /// The person's case, if they have one.
    pub status: Option<RecognitionStatus>,
    pub ledger: Ledger,
    /// What ends the post now held, for the caseworker to act on (R-POST-1).
    pub post_triggers: Vec<PostExitReason>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExitCount {
    pub reason: ExitReason,
    pub this_month: u32,
    pub this_year: u32,
}

/// The most rows one [`Request::Exits`] answers with: a window around the screen, never the
/// county.
pub const EXIT_WINDOW_MAX: u32 = 500;

/// A window of 退出审核's list: rows `from`.. of `total`, of which the first `waiting` of
/// the whole list are proposals waiting for the county.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExitPage {
    pub from: u32,
    pub total: u32,
    pub waiting: u32,
    pub rows: Vec<ExitRow>,
}

/// A row of 退出审核: a proposal waiting for the county, or a rule's finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExitRow {
    pub case: CaseId,
    pub rev: u64,
    pub household: HouseholdId,
    pub name: String,
    pub id_masked: String,
    pub township_name: String,
    pub reason: ExitReason,
    /// The rule that found it, or "经办人提出".
    pub rule: String,
    pub evidence: Vec<String>,
    /// Set when proposed: when, and by whom.
    pub proposed: Option<(NaiveDate, String)>,
    /// The case's other findings, strongest first: a case is one row, under its strongest
    /// finding ([`crate::domain::exit::strongest_first`]).
    pub others: Vec<Finding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Registered {
    pub person: PersonId,
    pub household: HouseholdId,
    pub case: Option<CaseId>,
    pub name: String,
    /// Set when adding this person changed the household's zero-employment state: it
    /// became one, was cleared, or ended for another reason (R-ZERO-2).
    pub zero_employment: Option<HouseholdEventKind>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub case: CaseId,
    pub rev: u64,
    pub household: HouseholdId,
    pub name: String,
    pub id_masked: String,
    pub township_name: String,
    pub status: RecognitionStatus,
    pub tier: Tier,
    pub categories: Vec<Category>,
    pub applied_on: NaiveDate,
    /// Published, and the last day it runs.
    pub notice: Option<(NaiveDate, NaiveDate)>,
    /// The first day recognition is allowed after the notice: the next working day on
    /// the county's calendar, never a holiday (第(二)条). The screen names this day.
    pub recognisable_from: Option<NaiveDate>,
    /// The default rule's tier for this person today (第(四)条, [`crate::domain::tier::suggested_tier`]).
    pub suggested_tier: Tier,
    pub objections: Vec<ObjectionView>,
    /// Oldest first.
    pub history: Vec<TimelineEntry>,
    /// Each tier's service package, for choosing a tier.
    pub packages: Vec<String>,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectionView {
    pub raised_on: NaiveDate,
    pub text: String,
    pub finding: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeRow {
    pub township_name: String,
    pub village: String,
    /// 李*国
    pub name_masked: String,
    pub id_masked: String,
    pub categories: Vec<Category>,
    pub published: NaiveDate,
    pub ends: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZeroEmploymentCount {
    pub township_name: String,
    pub current: u32,
    pub found_this_month: u32,
    /// 动态清零 this month: a member placed in work (R-ZERO-2).
    pub cleared_this_month: u32,
    /// No longer zero-employment this month for another reason; not cleared (R-ZERO-2).
    pub ended_this_month: u32,
    /// Households still zero-employment past their clearance deadline, oldest first.
    pub past_deadline: Vec<ZeroOverdue>,
}

/// A zero-employment household past its clearance deadline (`zero_clearance_days` from
/// the day it became one, R-ZERO-2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZeroOverdue {
    pub household: HouseholdId,
    pub village: String,
    /// The household's head (户主), or its first member.
    pub head: String,
    pub since: NaiveDate,
    pub deadline: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditCheck {
    /// Entries found sound, in order from the first.
    pub entries: u64,
    /// The head hash, in hex, for the monthly report.
    pub head: String,
    /// The first altered, inserted or removed entry, a cut-off tail, or an anchor that is
    /// missing or disagrees.
    pub problem: Option<String>,
    /// Not damage, but worth saying (an anchor that lags).
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub seq: u64,
    /// China Standard Time, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub name: String,
    pub role: Role,
    pub township: Option<String>,
    pub disabled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub county: String,
    pub user: String,
    pub role: String,
    pub township: Option<String>,
    pub today: NaiveDate,
    pub settings: Settings,
    /// Unsaved forms of this user kept as drafts, said at login (有 N 份草稿).
    pub drafts: u32,
}

/// Which rows of the queue a page is taken from: the views 1–7 (R-FOLLOW-1, R-RECOG-1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QueueSlice {
    /// The month's follow-ups of recognised persons (the default).
    #[default]
    FollowUps,
    /// 待初审: applied, or taken into initial review.
    InitialReview,
    /// 公示中: the notice still runs.
    InNotice,
    /// 待认定: waiting for the county, including notices that have ended.
    AwaitingRecognition,
    Overdue,
    /// Members of zero-employment households.
    ZeroEmployment,
    Tier(Tier),
}

impl QueueSlice {
    pub fn label(self) -> &'static str {
        match self {
            QueueSlice::FollowUps => "回访",
            QueueSlice::InitialReview => "待初审",
            QueueSlice::InNotice => "公示中",
            QueueSlice::AwaitingRecognition => "待认定",
            QueueSlice::Overdue => "逾期",
            QueueSlice::ZeroEmployment => "零就业",
            QueueSlice::Tier(t) => t.label(),
        }
    }

    /// Rows of applications rather than of follow-ups.
    pub fn is_applications(self) -> bool {
        matches!(
            self,
            QueueSlice::InitialReview | QueueSlice::InNotice | QueueSlice::AwaitingRecognition
        )
    }

    /// Whether `row` (of the whole queue on `today`) is in this slice.
    pub fn holds(self, r: &QueueRow, today: NaiveDate) -> bool {
        let notice_over = r.notice_ends.is_some_and(|end| today > end);
        match self {
            QueueSlice::FollowUps => r.due.is_some(),
            QueueSlice::InitialReview => matches!(
                r.status,
                RecognitionStatus::Applied | RecognitionStatus::InitialReview
            ),
            QueueSlice::InNotice => r.status == RecognitionStatus::InNotice && !notice_over,
            QueueSlice::AwaitingRecognition => {
                r.status == RecognitionStatus::AwaitingRecognition
                    || (r.status == RecognitionStatus::InNotice && notice_over)
            }
            QueueSlice::Overdue => r.due == Some(DueStatus::Overdue),
            QueueSlice::ZeroEmployment => r.due.is_some() && r.zero_employment_household,
            QueueSlice::Tier(t) => r.due.is_some() && r.tier == t,
        }
    }
}

/// Where a page of the queue is anchored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueAt {
    First,
    Last,
    /// The row of this case; the first row when the case is not in the slice.
    Case(CaseId),
    /// The row at this position of the slice (0 is the first), or the last row.
    Row(u32),
}

/// The most rows a page holds on either side of its anchor: a few screens, never the county.
pub const QUEUE_WINDOW_MAX: u16 = 200;

/// The longest search a page is asked with (what the search line takes).
pub const QUEUE_SEARCH_MAX: usize = 40;

/// What [`Request::QueuePage`] asks for: up to `before` rows before the anchor, the anchor's
/// row, and up to `after` after it (each at most [`QUEUE_WINDOW_MAX`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueQuery {
    pub slice: QueueSlice,
    /// Name, pinyin initials, ID tail or phone, as typed (see `domain::name_search`).
    pub search: String,
    pub at: QueueAt,
    pub before: u16,
    pub after: u16,
}

impl QueueQuery {
    /// The first window of the month's follow-ups, as long as a window may be.
    pub fn follow_ups() -> Self {
        QueueQuery {
            slice: QueueSlice::FollowUps,
            search: String::new(),
            at: QueueAt::First,
            before: 0,
            after: QUEUE_WINDOW_MAX,
        }
    }
}

/// The header's counts over the whole queue the actor covers (not the slice, not the
/// search): this month's follow-ups by state, and applications under way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCounts {
    pub overdue: u32,
    pub due_soon: u32,
    pub due: u32,
    pub done: u32,
    pub applications: u32,
}

/// A window of one slice of the queue, searched: `rows` are positions `from`.. of `total`,
/// in the queue's order; `at` is the anchor's index in `rows` (none when the slice is empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    /// The data sequence the page was read at or after: ask [`Request::QueueChanges`]
    /// since it.
    pub seq: u64,
    pub from: u32,
    pub total: u32,
    pub at: Option<u32>,
    pub rows: Vec<QueueRow>,
    pub counts: QueueCounts,
}

/// One case whose row changed: its row now, and its position in the slice now; `None`
/// when it has left the slice (or the search).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueChange {
    pub case: CaseId,
    pub now: Option<(u32, QueueRow)>,
}

/// What [`Request::QueueChanges`] answers: the changes up to data sequence `seq`, or
/// `None` when the session is too far behind (or the day has turned): reload the window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueChanges {
    pub seq: u64,
    pub changed: Option<Vec<QueueChange>>,
    pub total: u32,
    pub counts: QueueCounts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub case: CaseId,
    pub rev: u64,
    pub household: HouseholdId,
    pub person: PersonId,
    pub name: String,
    /// Per character, the pinyin initials it may be typed with.
    pub initials: Vec<String>,
    pub id_masked: String,
    pub id_tail: String,
    pub phone: String,
    pub township: TownshipCode,
    pub township_name: String,
    pub tier: Tier,
    pub categories: Vec<Category>,
    pub status: RecognitionStatus,
    /// This month's follow-up, for recognised cases.
    pub due: Option<DueStatus>,
    pub applied_on: NaiveDate,
    /// While the notice runs (or has run and waits for the county): its last day.
    pub notice_ends: Option<NaiveDate>,
    pub zero_employment_household: bool,
    /// When the household's current zero-employment spell started.
    pub zero_since: Option<NaiveDate>,
    pub last_contact: Option<NaiveDate>,
    pub work_status: WorkStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HouseholdView {
    pub household: HouseholdId,
    pub township_name: String,
    pub village: String,
    pub address: String,
    pub zero_employment: bool,
    /// When the current zero-employment spell started.
    pub zero_since: Option<NaiveDate>,
    pub members: Vec<MemberView>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub person: PersonId,
    pub name: String,
    pub relation: Relation,
    pub sex: Sex,
    pub age: u32,
    pub id_masked: String,
    pub labour: LabourCapacity,
    pub work_status: WorkStatus,
    pub categories: Vec<Category>,
    pub case: Option<MemberCase>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberCase {
    pub case: CaseId,
    pub status: RecognitionStatus,
    pub tier: Tier,
    pub recognised_on: Option<NaiveDate>,
    pub due: Option<DueStatus>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub date: NaiveDate,
    pub who: String,
    pub what: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormView {
    pub case: CaseId,
    pub rev: u64,
    pub household: HouseholdId,
    pub name: String,
    pub id_masked: String,
    pub township_name: String,
    pub tier: Tier,
    pub recognised_on: Option<NaiveDate>,
    pub due: Option<DueStatus>,
    pub last: Option<FollowUpAnswers>,
    /// Who entered `last`.
    pub last_by: Option<String>,
    pub draft: Option<FollowUpDraft>,
    /// The default tier rule's facts today (第(四)条); the form shows the suggestion for
    /// the work status being entered.
    pub tier_facts: crate::domain::tier::TierFacts,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub case: CaseId,
    pub rev: u64,
    pub date: NaiveDate,
    /// Set when this save changed the household's zero-employment state: it became one
    /// (预警), was cleared (a member in work), or ended for another reason (R-ZERO-2).
    pub zero_employment: Option<HouseholdEventKind>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum ServiceError {
    #[error("无权操作：{0}")]
    Denied(String),
    #[error("未找到：{0}")]
    NotFound(String),
    #[error("有 {} 项需要修改", .0.len())]
    Invalid(Vec<(crate::domain::followup_form::Field, String)>),
    #[error("有 {} 项需要修改", .0.len())]
    InvalidIntake(Vec<(crate::domain::intake::IntakeField, String)>),
    /// A ledger entry's problems, each named by its field.
    #[error("有 {} 项需要修改", .0.len())]
    InvalidEntry(Vec<(crate::domain::ledger::LedgerField, String)>),
    /// A rule refuses the step (the notice still runs, an objection is open…).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Store(String),
    /// The link to the server: refused, broken, or a frame it could not read.
    #[error("{0}")]
    Link(String),
    /// A reply of another kind than the request asks for (a server of another version, or
    /// a bug): raised by [`super::client::Client`] alone.
    #[error("服务应答不符（程序与服务的版本可能不一致），请重试或联系管理员")]
    Unexpected,
}

impl ServiceError {
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        ServiceError::Invalid(errors.into_iter().map(|e| (e.field, e.message)).collect())
    }
}
