//! 退出审核 (第(五)条, R-EXIT-1): the exits waiting for the county and the rules' findings,
//! a proposal with its evidence, and the county's decision by a second person.

use super::{Actor, ExitCount, ExitPage, ExitRow, Result, Service, ServiceError, now_cst, stamp};
use crate::domain::YearMonth;
use crate::domain::exit::{
    ExitBasis, ExitReason, ExitRules, Finding, category_lapsed, findings, strongest_first,
};
use crate::domain::{CaseEventKind, CaseId, RecognitionStatus};
use crate::store::Stamp;
use chrono::Datelike;
use chrono::NaiveDate;

impl Service {
    /// Rows `from`.. (at most `count`) of the list of proposals (oldest first), then
    /// cases with findings, one row a case under its strongest finding with the others
    /// beside it ([`strongest_first`]), for the cases the actor covers: read from the
    /// findings kept as follow-ups and case steps are saved (`store::exit_index`), so only
    /// the rows returned are decoded.
    pub(super) fn exits(
        &self,
        actor: &Actor,
        today: NaiveDate,
        from: u32,
        count: u32,
    ) -> Result<ExitPage> {
        let store = self.exit_store()?;
        let county = store.county()?;
        let listing = store.exit_listing(today, &|t| actor.covers(t))?;
        let mut rows = Vec::new();
        let wanted = listing
            .proposals
            .iter()
            .map(|c| (*c, None))
            .chain(listing.findings.iter().map(|(c, ns)| (*c, Some(ns))))
            .skip(from as usize)
            .take(count as usize);
        for (case, due) in wanted {
            let (Some(e), Some(s)) = (store.exit_entry(case)?, store.summary(case)?) else {
                continue;
            };
            let row = |reason, rule: String, evidence, proposed, others| ExitRow {
                case: s.case,
                rev: s.rev,
                household: s.household,
                name: s.name.clone(),
                id_masked: s.id_number.masked(),
                township_name: county
                    .as_ref()
                    .map(|c| c.township_name(&s.township).to_string())
                    .unwrap_or_default(),
                reason,
                rule,
                evidence,
                proposed,
                others,
            };
            match (due, &e.proposal) {
                (None, Some(p)) => rows.push(row(
                    p.reason,
                    "经办人提出".into(),
                    vec![p.evidence.clone()],
                    Some((p.on, p.proposer.clone())),
                    Vec::new(),
                )),
                (Some(ns), _) => {
                    let mut found: Vec<Finding> = ns
                        .iter()
                        .filter_map(|n| e.findings.get(*n))
                        .map(|f| f.finding.clone())
                        .collect();
                    if let Some(r) = case_row(&mut found) {
                        rows.push(row(r.0.reason, r.0.rule, r.0.evidence, None, r.1));
                    }
                }
                (None, None) => {}
            }
        }
        let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(ExitPage {
            from,
            total: len(listing.len()),
            waiting: len(listing.proposals.len()),
            rows,
        })
    }

    /// The store, its exit findings built under this service's settings first if they are
    /// not (a store of the previous version, a restored backup, changed settings). Built
    /// with writes held off, so none slips between the build's read and its batch.
    fn exit_store(&self) -> Result<std::sync::Arc<crate::store::Store>> {
        let store = self.db()?;
        let basis = ExitBasis::of(&self.settings);
        if store.exit_basis()? != Some(basis) {
            let _alone = self.gate.write().unwrap_or_else(|p| p.into_inner());
            store.ensure_exit_index(&basis, &system_stamp())?;
        }
        Ok(store)
    }

    /// [`Service::exits`] as on `today`, for the tests that compare it with the full scan
    /// on days other than the service's own. Not an API.
    #[doc(hidden)]
    pub fn exits_on(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<ExitRow>> {
        Ok(self.exits(actor, today, 0, u32::MAX)?.rows)
    }

    /// [`Service::exit_stats`] as on `today`. Not an API.
    #[doc(hidden)]
    pub fn exit_stats_on(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<ExitCount>> {
        self.exit_stats(actor, today)
    }

    /// [`Service::exits`] computed from every recognised case, person and follow-up, as it
    /// was before the findings were kept: the oracle the kept findings are tested and
    /// checked against. Not an API.
    #[doc(hidden)]
    pub fn exits_by_full_scan(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<ExitRow>> {
        let county = self.db()?.county()?;
        let rules: ExitRules = self.settings.exit_rules;
        let (mut proposed, mut found) = (Vec::new(), Vec::new());
        for s in self.db()?.summaries()? {
            if s.status != RecognitionStatus::Recognised || !actor.covers(&s.township) {
                continue;
            }
            let Some(case) = self.db()?.case(s.case)? else {
                continue;
            };
            let township_name = county
                .as_ref()
                .map(|c| c.township_name(&s.township).to_string())
                .unwrap_or_default();
            let row = |reason, rule: String, evidence, proposed, others| ExitRow {
                case: s.case,
                rev: case.rev,
                household: s.household,
                name: s.name.clone(),
                id_masked: s.id_number.masked(),
                township_name: township_name.clone(),
                reason,
                rule,
                evidence,
                proposed,
                others,
            };
            if let Some(p) = case.pending_exit() {
                proposed.push(row(
                    p.reason,
                    "经办人提出".into(),
                    vec![p.evidence],
                    Some((p.on, p.proposer)),
                    Vec::new(),
                ));
                continue;
            }
            let Some(person) = self.db()?.person(s.person)? else {
                continue;
            };
            let answers: Vec<_> = self
                .db()?
                .followups(s.case)?
                .into_iter()
                .map(|f| f.answers)
                .collect();
            let lapsed =
                category_lapsed(&person, s.zero_employment_household, today, &self.settings);
            let mut all: Vec<Finding> = findings(&case, &person, &answers, today, &rules)
                .into_iter()
                .chain(lapsed)
                .collect();
            if let Some((f, others)) = case_row(&mut all) {
                found.push(row(f.reason, f.rule, f.evidence, None, others));
            }
        }
        proposed.sort_by_key(|r| r.proposed.as_ref().map(|p| p.0));
        proposed.extend(found);
        Ok(proposed)
    }

    /// Exits approved in the actor's townships, by reason, this month and this year: from
    /// the counters kept as exits are decided.
    pub(super) fn exit_stats(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<ExitCount>> {
        let counts = self
            .exit_store()?
            .approved_exits(today, &|t| actor.covers(t))?;
        Ok(ExitReason::ALL
            .iter()
            .zip(counts)
            .map(|(reason, c)| ExitCount {
                reason: *reason,
                this_month: u32::try_from(c.this_month).unwrap_or(u32::MAX),
                this_year: u32::try_from(c.this_year).unwrap_or(u32::MAX),
            })
            .collect())
    }

    /// [`Service::exit_stats`] counted from every exited case's history: the oracle the
    /// counters are tested against. Not an API.
    #[doc(hidden)]
    pub fn exit_stats_by_full_scan(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<Vec<ExitCount>> {
        let mut rows: Vec<ExitCount> = ExitReason::ALL
            .iter()
            .map(|r| ExitCount {
                reason: *r,
                this_month: 0,
                this_year: 0,
            })
            .collect();
        let month = YearMonth::of(today);
        for s in self.db()?.summaries()? {
            if s.status != RecognitionStatus::Exited || !actor.covers(&s.township) {
                continue;
            }
            let Some(case) = self.db()?.case(s.case)? else {
                continue;
            };
            for e in &case.events {
                if let CaseEventKind::Exited { reason } = e.kind
                    && let Some(row) = rows.iter_mut().find(|r| r.reason == reason)
                    && e.date.year() == today.year()
                {
                    row.this_year += 1;
                    if YearMonth::of(e.date) == month {
                        row.this_month += 1;
                    }
                }
            }
        }
        Ok(rows)
    }

    pub(super) fn propose_exit(
        &self,
        actor: &Actor,
        case: CaseId,
        rev: u64,
        reason: ExitReason,
        evidence: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.covered_summary(actor, case)?;
        let mut c = self.current_case(case, rev)?;
        c.propose_exit(reason, evidence, &actor.user, actor.role, today)
            .map_err(ServiceError::Refused)?;
        self.db()?
            .put_case_step(&stamp(actor), &c, rev, "提出退出", today)?;
        Ok(())
    }

    pub(super) fn decide_exit(
        &self,
        actor: &Actor,
        case: CaseId,
        rev: u64,
        approve: bool,
        note: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.covered_summary(actor, case)?;
        let mut c = self.current_case(case, rev)?;
        c.decide_exit(approve, note, &actor.user, actor.role, today)
            .map_err(ServiceError::Refused)?;
        let action = if approve {
            crate::domain::audit_action::APPROVE_EXIT
        } else {
            crate::domain::audit_action::RETURN_EXIT
        };
        self.db()?
            .put_case_step(&stamp(actor), &c, rev, action, today)?;
        Ok(())
    }

    /// Builds the exit findings on a store that has none under these settings, before any
    /// request (the first open of a store of the previous version).
    pub(super) fn prepare_exit_index(&self) -> Result<()> {
        self.exit_store().map(|_| ())
    }

    /// The case as stored, if it is still the version `rev` the caller read.
    pub(super) fn current_case(
        &self,
        case: CaseId,
        rev: u64,
    ) -> Result<crate::domain::AssistanceCase> {
        let c = self
            .db()?
            .case(case)?
            .ok_or_else(|| ServiceError::NotFound(format!("案件 {case}")))?;
        if c.rev != rev {
            return Err(ServiceError::Conflict(
                "此案件刚被他人处理过，请重新打开后再办理".into(),
            ));
        }
        Ok(c)
    }
}

/// A case's row of 退出审核 from its findings due: the strongest, and the others strongest
/// first; none for a case with no finding due.
fn case_row(found: &mut Vec<Finding>) -> Option<(Finding, Vec<Finding>)> {
    strongest_first(found);
    if found.is_empty() {
        return None;
    }
    let first = found.remove(0);
    Some((first, std::mem::take(found)))
}

/// Who writes the audit entry of an index build: the program itself, not an account.
pub(super) fn system_stamp() -> Stamp {
    Stamp {
        actor: "yuanzhu".into(),
        at: now_cst(),
    }
}
