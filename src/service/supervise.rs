//! 监督 (第(十四)条, R-GOV-1): a month's findings for county reviewers, paged by key.
//!
//! The rules over the records — follow-ups copied unchanged, one phone, 社保卡 or unit
//! account across households, paid while ineligible — are kept at save time
//! (`store::supervise_index`): a month reads that month's kept findings and the values two
//! households or more hold. The audit log's rules — entry pace and hours, ID reveals per
//! day, decisions by their proposer — read the month's audit entries once per request
//! (`supervise_audit`). So a month costs its findings and its activity, not the county.
//! The walk the index replaced stays as [`Service::supervise_by_walk`] (with
//! `supervise_pay`), the oracle the tests compare it with.
//!
//! A reviewer disposes of a finding (已核实 / 误报) by its key; the disposition is kept in
//! its own tree (`store::dispositions`), audited, and shown with the finding.

use super::protocol::{SupervisePage, SupervisedFinding};
use super::{Actor, Result, Service, ServiceError};
use crate::domain::payment::{UnitAccountUse, shared_unit_accounts};
use crate::domain::supervise::disposition::{FindingDisposition, Verdict};
use crate::domain::supervise::{
    Contact, ContactKind, Finding, Rule, copied_followups, shared_contacts,
};
use crate::domain::text::for_terminal;
use crate::domain::{CaseId, Role, YearMonth};
use crate::store::{SharedValue, SuperviseBasis};
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

    /// Every finding dated in `month` over the actor's townships, by key, each once, from
    /// what is kept at save time (`store::supervise_index`): the month's kept findings, the
    /// values two households or more hold, and the month's audit entries. Reviewers and
    /// administrators only.
    fn findings(&self, actor: &Actor, month: YearMonth) -> Result<Vec<SupervisedFinding>> {
        may_review(actor)?;
        let db = self.supervise_store()?;
        let mut findings: Vec<Finding> = db
            .supervise_month(month)?
            .into_iter()
            .filter(|f| actor.covers(&f.township))
            .collect();
        findings.extend(shared_findings(actor, &db.supervise_shared()?, month));
        findings.extend(self.audit_findings(actor, month)?);
        Ok(rows_of(findings, month))
    }

    /// [`Service::findings`] by the walk over every case summary, ledger and follow-up the
    /// index replaced: the oracle the tests and the bench compare the index with. Not an
    /// API.
    #[doc(hidden)]
    pub fn supervise_by_walk(
        &self,
        actor: &Actor,
        month: YearMonth,
    ) -> Result<Vec<SupervisedFinding>> {
        may_review(actor)?;
        let db = self.db()?;
        let mut findings = Vec::new();
        let mut contacts = Vec::new();
        for s in db.summaries()? {
            if !actor.covers(&s.township) {
                continue;
            }
            contacts.push(Contact {
                household: format!("{}户", s.household.0),
                township: s.township.clone(),
                kind: ContactKind::Phone,
                value: s.phone.clone(),
            });
            findings.extend(self.copied(&db, &s, month)?);
        }
        // Households are distinct records; one household's members sharing a phone is
        // not a finding, so contacts are keyed by household.
        findings.extend(shared_contacts(&contacts, month.last_day()));
        findings.extend(self.audit_findings(actor, month)?);
        findings.extend(self.payment_findings(actor, month)?);
        Ok(rows_of(findings, month))
    }

    /// The store, its 监督 index built under this service's settings first if it is not
    /// (a store of the previous version, a county just loaded, a restored backup, changed
    /// settings). Built with writes held off, so none slips between the build's read and
    /// its batch.
    fn supervise_store(&self) -> Result<std::sync::Arc<crate::store::Store>> {
        let store = self.db()?;
        let basis = self.supervise_basis();
        if store.supervise_basis()? != Some(basis) {
            let _alone = self.gate.write().unwrap_or_else(|p| p.into_inner());
            store.ensure_supervise_index(&basis, &super::exits::system_stamp())?;
        }
        Ok(store)
    }

    /// What the index is built under with this service's settings.
    fn supervise_basis(&self) -> SuperviseBasis {
        SuperviseBasis::new(self.settings.supervise_copied_months)
    }

    /// Built on open, so the first 监督 request does not wait for it; a failure is met
    /// again by that request.
    pub(super) fn prepare_supervise_index(&self) -> Result<()> {
        self.supervise_store().map(|_| ())
    }

    /// One case's copied-follow-up findings, over its follow-ups up to `month` (the walk).
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

    /// Whether the rules find the finding with this key in `month`, looked up by what the
    /// key names: a copied-follow-up or payment key names its case (`…（案N）`), whose kept
    /// findings are read; a shared key names its value, whose holders are read; the audit
    /// trail's keys are looked for among the month's audit findings.
    fn finds(&self, actor: &Actor, key: &str, month: YearMonth) -> Result<bool> {
        let Some((code, rest)) = key.split_once(':') else {
            return Ok(false);
        };
        let Some((subject, _)) = rest.rsplit_once(':') else {
            return Ok(false);
        };
        let Some(rule) = Rule::ALL.into_iter().find(|r| r.code() == code) else {
            return Ok(false);
        };
        let db = self.db()?;
        if db.supervise_basis()? != Some(self.supervise_basis()) {
            // Not built under these settings (its build on open failed, a load since): a
            // build holds writes off, which this write cannot do from inside itself, so
            // the walk answers.
            return Ok(self
                .supervise_by_walk(actor, month)?
                .iter()
                .any(|r| r.key == key));
        }
        let found = match rule {
            Rule::CopiedFollowups | Rule::PaidWhileIneligible => {
                let Some(case) = case_named(subject) else {
                    return Ok(false);
                };
                db.supervise_case(case)?.is_some_and(|w| {
                    w.findings.iter().any(|f| {
                        actor.covers(&f.township)
                            && YearMonth::of(f.date) == month
                            && f.key() == key
                    })
                })
            }
            Rule::SharedContact => {
                let mut shared = Vec::new();
                for kind in ContactKind::ALL {
                    if let Some(value) = subject.strip_prefix(kind.code()) {
                        shared.push((kind, value.to_string(), db.supervise_value(kind, value)?));
                    }
                }
                shared_findings(actor, &shared, month)
                    .iter()
                    .any(|f| f.key() == key)
            }
            Rule::EntryPace | Rule::EntryHours | Rule::SelfDecided | Rule::RevealsPerDay => self
                .audit_findings(actor, month)?
                .iter()
                .any(|f| YearMonth::of(f.date) == month && f.key() == key),
        };
        Ok(found)
    }
}

/// 监督 is the county's: a township caseworker is refused.
fn may_review(actor: &Actor) -> Result<()> {
    if actor.role == Role::TownshipCaseworker {
        return Err(ServiceError::Denied(
            "监督：只有县级审核人员和管理员可以查看监督发现".into(),
        ));
    }
    Ok(())
}

/// The findings dated in `month`, by key, each once (the first of a key kept).
fn rows_of(mut findings: Vec<Finding>, month: YearMonth) -> Vec<SupervisedFinding> {
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
    rows
}

/// The findings of the values held across households, for `month`, over the holders of
/// the actor's townships (reviewers and administrators cover every township, so a
/// person's first case is the one their payment targets are kept with, as the walk
/// takes it).
fn shared_findings(actor: &Actor, shared: &[SharedValue], month: YearMonth) -> Vec<Finding> {
    let as_of = month.last_day();
    let mut contacts = Vec::new();
    let mut accounts = Vec::new();
    for (kind, value, uses) in shared {
        for u in uses.iter().filter(|u| actor.covers(&u.township)) {
            match kind {
                ContactKind::Phone | ContactKind::SiCard => contacts.push(Contact {
                    household: u.household.clone(),
                    township: u.township.clone(),
                    kind: *kind,
                    value: value.clone(),
                }),
                ContactKind::UnitAccount => accounts.push(UnitAccountUse {
                    household: u.household.clone(),
                    township: u.township.clone(),
                    account: value.clone(),
                    unit: u.unit.clone(),
                }),
            }
        }
    }
    let mut findings = shared_contacts(&contacts, as_of);
    findings.extend(shared_unit_accounts(&accounts, as_of));
    findings
}

/// The case a copied-follow-up or payment finding's subject names (`…（案N）`).
fn case_named(subject: &str) -> Option<CaseId> {
    let (_, tail) = subject.rsplit_once("（案")?;
    let (n, _) = tail.split_once('）')?;
    n.parse::<u64>().ok().map(CaseId)
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
