//! 监督 (第(十四)条, R-GOV-1): a month's findings for county reviewers, paged by key.
//!
//! Rules run here: follow-ups copied unchanged (over the follow-ups of the cases whose
//! summaries show a run of months), one phone across households (over the case
//! summaries), and the audit log's rules — entry pace and hours, ID reveals per day,
//! decisions by their proposer — over the month's audit entries (`supervise_audit`), and
//! the payment rules — paid while ineligible, one card or unit account across households —
//! over the ledgers' policy records and their dated payments (`supervise_pay`).
//!
//! A reviewer disposes of a finding (已核实 / 误报) by its key; the disposition is kept in
//! its own tree (`store::dispositions`), audited, and shown with the finding.

use super::protocol::{SupervisePage, SupervisedFinding};
use super::{Actor, Result, Service, ServiceError};
use crate::domain::supervise::disposition::{FindingDisposition, Verdict};
use crate::domain::supervise::{
    Contact, ContactKind, Finding, Rule, copied_followups, shared_contacts,
};
use crate::domain::text::for_terminal;
use crate::domain::{Role, YearMonth};
use chrono::NaiveDate;

/// The most findings one page carries.
pub const SUPERVISE_PAGE_MAX: u32 = 200;

impl Service {
    /// The findings dated in `month`, in key order, after the key `after`, at most `limit`
    /// (capped at [`SUPERVISE_PAGE_MAX`]). Reviewers and administrators only.
    pub(super) fn supervise(
        &self,
        actor: &Actor,
        month: YearMonth,
        after: Option<&str>,
        limit: u32,
    ) -> Result<SupervisePage> {
        let rows = self.findings(actor, month)?;
        let total = rows.len();
        let limit = limit.clamp(1, SUPERVISE_PAGE_MAX) as usize;
        let mut page: Vec<_> = rows
            .into_iter()
            .filter(|r| after.is_none_or(|a| r.key.as_str() > a))
            .take(limit + 1)
            .collect();
        let next = super::cut_page(&mut page, limit, |r| &r.key);
        let db = self.db()?;
        for row in &mut page {
            row.disposition = db.disposition(&row.key)?;
        }
        Ok(SupervisePage {
            findings: page,
            next,
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// 监督: a reviewer's disposition of a finding of the actor's scope, over version `rev`
    /// of its disposition (0 for the first). The finding must be one the rules find today
    /// for its month: a key typed wrong is refused, not stored.
    pub(super) fn dispose_finding(
        &self,
        actor: &Actor,
        key: &str,
        rev: u64,
        verdict: Verdict,
        note: &str,
        today: NaiveDate,
    ) -> Result<FindingDisposition> {
        if actor.role == Role::TownshipCaseworker {
            return Err(ServiceError::Denied(
                "监督：只有县级审核人员和管理员可以处置监督发现".into(),
            ));
        }
        let disposition = FindingDisposition::new(key, verdict, note, &actor.user, today)
            .map_err(ServiceError::Refused)?;
        let month = key_month(&disposition.key).ok_or_else(|| {
            ServiceError::Refused(format!(
                "发现编号：“{}”不以月份（YYYY-MM）结尾",
                for_terminal(&disposition.key)
            ))
        })?;
        if !self.finds(actor, &disposition.key, month)? {
            return Err(ServiceError::NotFound(format!(
                "监督发现“{}”（请按 yuanzhu supervise --month {} 列出的编号填写）",
                for_terminal(&disposition.key),
                format_args!("{:04}-{:02}", month.year, month.month)
            )));
        }
        Ok(self
            .db()?
            .save_disposition(&super::stamp(actor), &disposition, rev)?)
    }

    /// Every finding dated in `month` over the actor's townships, by key, each once.
    /// Reviewers and administrators only.
    fn findings(&self, actor: &Actor, month: YearMonth) -> Result<Vec<SupervisedFinding>> {
        if actor.role == Role::TownshipCaseworker {
            return Err(ServiceError::Denied(
                "监督：只有县级审核人员和管理员可以查看监督发现".into(),
            ));
        }
        let db = self.db()?;
        let mut findings = Vec::new();
        let mut contacts = Vec::new();
        for s in db.summaries()? {
            if !actor.covers(&s.township) {
                continue;
            }
            contacts.push(Contact {
                household: format!("{}（{}户）", s.name, s.household.0),
                township: s.township.clone(),
                kind: ContactKind::Phone,
                value: s.phone.clone(),
            });
            findings.extend(self.copied(&db, &s, month)?);
        }
        // Households are distinct records; one household's members sharing a phone is
        // not a finding, so contacts are keyed by household.
        for c in &mut contacts {
            if let Some((_, h)) = c.household.rsplit_once('（') {
                c.household = h.trim_end_matches('）').to_string();
            }
        }
        findings.extend(shared_contacts(&contacts, month.last_day()));
        findings.extend(self.audit_findings(actor, month)?);
        findings.extend(self.payment_findings(actor, month)?);
        findings.retain(|f| YearMonth::of(f.date) == month);
        let mut rows: Vec<SupervisedFinding> = findings
            .into_iter()
            .map(|f| SupervisedFinding {
                key: f.key(),
                finding: f,
                disposition: None,
            })
            .collect();
        rows.sort_by(|a, b| a.key.cmp(&b.key));
        rows.dedup_by(|a, b| a.key == b.key);
        Ok(rows)
    }

    /// One case's copied-follow-up findings, over its follow-ups up to `month`.
    ///
    /// A finding dated in `month` ends a run of follow-ups in that many months in a row, so
    /// a case whose summary does not show a follow-up in each of them (most cases, in a
    /// month) is passed over with none of its follow-ups read.
    fn copied(
        &self,
        db: &crate::store::Store,
        s: &crate::domain::CaseSummary,
        month: YearMonth,
    ) -> Result<Vec<Finding>> {
        let run = self.settings.supervise_copied_months;
        let mut m = month;
        for _ in 0..run {
            if s.covered.binary_search(&m).is_err() {
                return Ok(Vec::new());
            }
            m = m.prev();
        }
        let answers: Vec<_> = db
            .followups(s.case)?
            .into_iter()
            .map(|f| f.answers)
            .filter(|a| YearMonth::of(a.date) <= month)
            .collect();
        let subject = format!("{}（案{}）", s.name, s.case.0);
        Ok(copied_followups(
            &s.township,
            &subject,
            &answers,
            self.settings.supervise_copied_months,
        ))
    }

    /// Whether the rules find the finding with this key in `month`. A copied-follow-up key
    /// names its case (`…（案N）`), so only that case is read; the other rules' keys are
    /// looked for among the month's findings.
    fn finds(&self, actor: &Actor, key: &str, month: YearMonth) -> Result<bool> {
        let case = key
            .strip_prefix(Rule::CopiedFollowups.code())
            .and_then(|k| k.strip_prefix(':'))
            .and_then(|k| k.rsplit_once("（案"))
            .and_then(|(_, tail)| tail.split_once('）'))
            .and_then(|(n, _)| n.parse::<u64>().ok());
        if let Some(case) = case {
            let db = self.db()?;
            let Some(s) = db.summary(crate::domain::CaseId(case))? else {
                return Ok(false);
            };
            if !actor.covers(&s.township) {
                return Ok(false);
            }
            return Ok(self
                .copied(&db, &s, month)?
                .iter()
                .any(|f| YearMonth::of(f.date) == month && f.key() == key));
        }
        Ok(self.findings(actor, month)?.iter().any(|r| r.key == key))
    }
}

/// The month a finding's key ends with (`rule:subject:YYYY-MM`).
fn key_month(key: &str) -> Option<YearMonth> {
    let (_, m) = key.rsplit_once(':')?;
    let (y, mo) = m.split_once('-')?;
    if y.len() != 4 || mo.len() != 2 {
        return None;
    }
    YearMonth::new(y.parse().ok()?, mo.parse().ok()?)
}
