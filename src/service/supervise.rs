//! 监督 (第(十四)条, R-GOV-1): a month's findings for county reviewers, paged by key.
//!
//! Rules run here today: follow-ups copied unchanged (over each case's follow-ups) and one
//! phone across households (over the case summaries). The other rules of
//! [`crate::domain::supervise`] need inputs the store does not hand over yet: a
//! follow-up's saved-at time (entry pace and hours), the policy records' payment targets
//! and paid months, proposal and decision accounts, and the audit log's RevealId entries
//! read per day.

use super::protocol::{SupervisePage, SupervisedFinding};
use super::{Actor, Result, Service, ServiceError};
use crate::domain::supervise::{Contact, ContactKind, copied_followups, shared_contacts};
use crate::domain::{Role, YearMonth};

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
            let answers: Vec<_> = db
                .followups(s.case)?
                .into_iter()
                .map(|f| f.answers)
                .filter(|a| YearMonth::of(a.date) <= month)
                .collect();
            let subject = format!("{}（案{}）", s.name, s.case.0);
            findings.extend(copied_followups(
                &s.township,
                &subject,
                &answers,
                self.settings.supervise_copied_months,
            ));
        }
        // Households are distinct records; one household's members sharing a phone is
        // not a finding, so contacts are keyed by household.
        for c in &mut contacts {
            if let Some((_, h)) = c.household.rsplit_once('（') {
                c.household = h.trim_end_matches('）').to_string();
            }
        }
        findings.extend(shared_contacts(&contacts, month.last_day()));
        findings.retain(|f| YearMonth::of(f.date) == month);
        let mut rows: Vec<SupervisedFinding> = findings
            .into_iter()
            .map(|f| SupervisedFinding {
                key: f.key(),
                finding: f,
            })
            .collect();
        rows.sort_by(|a, b| a.key.cmp(&b.key));
        rows.dedup_by(|a, b| a.key == b.key);
        let total = rows.len();
        let limit = limit.clamp(1, SUPERVISE_PAGE_MAX) as usize;
        let mut page: Vec<_> = rows
            .into_iter()
            .filter(|r| after.is_none_or(|a| r.key.as_str() > a))
            .take(limit + 1)
            .collect();
        let more = page.len() > limit;
        page.truncate(limit);
        let next = if more {
            page.last().map(|r| r.key.clone())
        } else {
            None
        };
        Ok(SupervisePage {
            findings: page,
            next,
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }
}
