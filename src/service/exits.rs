//! 退出审核 (第(五)条, R-EXIT-1): the exits waiting for the county and the rules' findings,
//! a proposal with its evidence, and the county's decision by a second person.

use super::{Actor, ExitCount, ExitRow, Result, Service, ServiceError, stamp};
use crate::domain::CaseEventKind;
use crate::domain::YearMonth;
use crate::domain::exit::{ExitReason, ExitRules, category_lapsed, findings};
use crate::domain::{CaseId, RecognitionStatus};
use chrono::Datelike;
use chrono::NaiveDate;

impl Service {
    /// Proposals first (oldest first), then findings, for the cases the actor covers.
    pub(super) fn exits(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<ExitRow>> {
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
            let row = |reason, rule: String, evidence, proposed| ExitRow {
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
            };
            if let Some(p) = case.pending_exit() {
                proposed.push(row(
                    p.reason,
                    "经办人提出".into(),
                    vec![p.evidence],
                    Some((p.on, p.proposer)),
                ));
                continue;
            }
            let Some(person) = self.db()?.person(s.person)? else {
                continue;
            };
            // The follow-up rules can only fire for someone the latest follow-up left in
            // work, or unwilling; for everyone else only the retirement date is read.
            let answers: Vec<_> = if person.work_status.is_in_work() || !person.willing_to_work {
                self.db()?
                    .followups(s.case)?
                    .into_iter()
                    .map(|f| f.answers)
                    .collect()
            } else {
                Vec::new()
            };
            let lapsed =
                category_lapsed(&person, s.zero_employment_household, today, &self.settings);
            for f in findings(&case, &person, &answers, today, &rules)
                .into_iter()
                .chain(lapsed)
            {
                found.push(row(f.reason, f.rule, f.evidence, None));
            }
        }
        proposed.sort_by_key(|r| r.proposed.as_ref().map(|p| p.0));
        proposed.extend(found);
        Ok(proposed)
    }

    /// Exits approved in the actor's townships, by reason, this month and this year.
    pub(super) fn exit_stats(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<ExitCount>> {
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
            .put_case_step(&stamp(actor), &c, rev, "提出退出")?;
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
            "批准退出"
        } else {
            "退回退出申请"
        };
        self.db()?.put_case_step(&stamp(actor), &c, rev, action)?;
        Ok(())
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
