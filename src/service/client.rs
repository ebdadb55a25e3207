//! The one typed client of the service: a method per request that returns the request's own
//! answer type, over any [`Backend`] (this process, or `yuanzhu serve` through its socket).
//!
//! A backend answers a [`Request`] with a [`Response`], an enum of every kind of answer. This
//! is the only place that checks the answer is the one the request asks for
//! ([`Request::answered_by`]) and turns any other into [`ServiceError::Unexpected`], so no
//! front carries a catch-all arm for a reply it did not expect.
//!
//! It also remembers the data sequence of the last reply: how a front knows whether what it
//! shows may have gone stale.

use super::protocol::*;
use super::{Backend, Result};
use crate::domain::{CaseId, HouseholdId, PersonId};

pub struct Client {
    backend: Box<dyn Backend>,
    seq: u64,
}

/// One typed method per request: its arguments, its request, and the answer's pattern.
macro_rules! typed {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident: $ty:ty),*) -> $out:ty = $request:expr, $answer:pat => $value:expr;
    )*) => {
        $(
            $(#[$doc])*
            pub fn $name(&mut self, $($arg: $ty),*) -> Result<$out> {
                match self.ask($request)? {
                    $answer => Ok($value),
                    _ => Err(ServiceError::Unexpected),
                }
            }
        )*
    };
}

impl Client {
    pub fn new(backend: Box<dyn Backend>) -> Self {
        Self { backend, seq: 0 }
    }

    /// A client with no backend behind it: every request is refused as a broken link (what
    /// stands in for a client handed to another thread).
    pub fn closed() -> Self {
        Self::new(Box::new(Closed))
    }

    /// Whether other sessions write to the same store, so it is worth asking now and then
    /// whether anything changed.
    pub fn shared(&self) -> bool {
        self.backend.shared()
    }

    /// The store's data sequence as of the last reply.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Any request, for a front that routes answers itself (the terminal's loop): the
    /// answer is the kind the request asks for, or an error.
    pub fn ask(&mut self, request: Request) -> Result<Response> {
        let reply = self.backend.call(request.clone())?;
        self.seq = reply.seq;
        if request.answered_by(&reply.body) {
            Ok(reply.body)
        } else {
            Err(ServiceError::Unexpected)
        }
    }

    typed! {
        fn overview() -> Overview = Request::Overview, Response::Overview(o) => o;
        /// A list checked (and with `apply`, written).
        fn import_list(import: ListImport) -> ImportSummary =
            Request::ImportList(import), Response::ListImported(s) => s;
        fn lead_stats() -> LeadStats = Request::LeadStats, Response::LeadStats(s) => s;
        fn leads() -> Vec<LeadRow> = Request::Leads, Response::Leads(rows) => rows;
        /// A window of one slice of the queue.
        fn queue_page(query: QueueQuery) -> QueuePage =
            Request::QueuePage(query), Response::QueuePage(page) => page;
        /// The rows of a slice changed since `since`.
        fn queue_changes(since: u64, slice: QueueSlice, search: String) -> QueueChanges =
            Request::QueueChanges { since, slice, search }, Response::QueueChanges(c) => c;
        fn household(household: HouseholdId) -> HouseholdView =
            Request::Household { household }, Response::Household(view) => view;
        fn followup_form(case: CaseId) -> FormView =
            Request::FollowUpForm { case }, Response::FollowUpForm(view) => view;
        fn reveal_id(person: PersonId) -> String =
            Request::RevealId { person }, Response::IdNumber { id_number, .. } => id_number;
        fn users() -> Vec<UserRow> = Request::ListUsers, Response::Users(rows) => rows;
        fn audit_verify() -> AuditCheck = Request::AuditVerify, Response::AuditCheck(c) => c;
        fn audit_show(id_number: Option<String>) -> Vec<AuditLine> =
            Request::AuditShow { id_number }, Response::AuditLog(lines) => lines;
        /// Where the copy went, and how many audit entries it holds.
        fn backup() -> (String, u64) =
            Request::Backup, Response::BackedUp { path, entries } => (path, entries);
        fn check() -> CheckView = Request::Check, Response::Checked(view) => view;
        fn notices(township: Option<String>) -> Vec<NoticeRow> =
            Request::Notices { township }, Response::Notices(rows) => rows;
        fn zero_employment() -> Vec<ZeroEmploymentCount> =
            Request::ZeroEmployment, Response::ZeroEmployment(rows) => rows;
        /// A window of 退出审核's list, and its length.
        fn exits(from: u32, count: u32) -> ExitPage =
            Request::Exits { from, count }, Response::Exits(page) => page;
        fn exit_stats() -> Vec<ExitCount> = Request::ExitStats, Response::ExitStats(rows) => rows;
        /// A month's statistics table (第(十三)条).
        fn stats(month: crate::domain::YearMonth, township: Option<String>)
            -> Box<crate::domain::stats::MonthTable> =
            Request::Stats { month, township }, Response::Stats(table) => table;
        /// A page of a month's 监督 findings (第(十四)条).
        fn supervise(month: crate::domain::YearMonth, after: Option<String>, limit: u32)
            -> super::protocol::SupervisePage =
            Request::Supervise { month, after, limit }, Response::Supervise(page) => page;
        /// A 监督 finding disposed of, over its disposition's version `rev` (0: the first).
        fn dispose_finding(
            key: String,
            rev: u64,
            verdict: crate::domain::supervise::disposition::Verdict,
            note: String
        ) -> crate::domain::supervise::disposition::FindingDisposition =
            Request::DisposeFinding { key, rev, verdict, note }, Response::Disposed(d) => d;
        /// A page of the people counted in one figure of a month's table (第(十三)条).
        fn stats_people(
            month: crate::domain::YearMonth,
            township: Option<crate::domain::TownshipCode>,
            measure: crate::domain::stats_measure::Measure,
            after: Option<String>,
            limit: u32
        ) -> super::protocol::StatsPeoplePage =
            Request::StatsPeople { month, township, measure, after, limit },
            Response::StatsPeople(page) => page;
        /// A page of a month's export (issue 15).
        fn export(kind: ExportKind, month: crate::domain::YearMonth, after: Option<String>,
            limit: u32, unmasked: bool, file: String) -> ExportPage =
            Request::Export { kind, month, after, limit, unmasked, file },
            Response::ExportPage(page) => page;
        fn case_review(case: CaseId) -> ReviewView =
            Request::CaseReview { case }, Response::CaseReview(view) => view;
        fn ledger(person: PersonId) -> LedgerView =
            Request::Ledger { person }, Response::Ledger(view) => view;
    }

    /// The data sequence now: nothing else is read.
    pub fn ping(&mut self) -> Result<u64> {
        self.done(Request::Ping)?;
        Ok(self.seq)
    }

    /// A request that answers only that it was done (saves of drafts, account changes,
    /// re-anchoring, exit proposals and decisions).
    pub fn done(&mut self, request: Request) -> Result<()> {
        match self.ask(request)? {
            Response::Done => Ok(()),
            _ => Err(ServiceError::Unexpected),
        }
    }
}

/// The backend of [`Client::closed`].
struct Closed;

impl Backend for Closed {
    fn call(&mut self, _: Request) -> Result<Reply> {
        Err(ServiceError::Link("与服务的连接已关闭".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A backend that answers every request with the same reply.
    struct Always(Response);

    impl Backend for Always {
        fn call(&mut self, _: Request) -> Result<Reply> {
            Ok(Reply {
                seq: 7,
                body: self.0.clone(),
            })
        }
    }

    #[test]
    fn an_answer_of_another_kind_is_an_unexpected_error() {
        let mut client = Client::new(Box::new(Always(Response::Done)));
        assert_eq!(client.leads(), Err(ServiceError::Unexpected));
        assert_eq!(
            client.ask(Request::Exits { from: 0, count: 10 }),
            Err(ServiceError::Unexpected)
        );
        assert_eq!(client.ping(), Ok(7));
        assert_eq!(client.seq(), 7);
    }

    #[test]
    fn the_answer_asked_for_comes_back_typed() {
        let mut client = Client::new(Box::new(Always(Response::Leads(Vec::new()))));
        assert_eq!(client.leads(), Ok(Vec::new()));
        assert_eq!(client.done(Request::Leads), Err(ServiceError::Unexpected));
    }
}
