//! 监督 (第(十四)条, R-GOV-1) over the audit trail: the rules of
//! [`crate::domain::supervise`] whose inputs are who did what when — follow-ups entered too
//! fast or outside working hours, ID numbers revealed too often in a day, and recognitions
//! or exits decided by their proposer — fed from the month's audit entries
//! ([`crate::store::Store::audit_between`]), so a month costs that month's entries.
//!
//! The audit actions read here are the labels the writes give their entries, each defined
//! once in [`crate::domain::audit_action`]: 保存回访 (a
//! follow-up), 查看完整身份证号 and 导出完整信息 (an ID revealed; an unmasked export counts
//! as one reveal per page exported, under the exporter's own township, or the county's code
//! for a county account), 初审通过并公示 (the township's proposal of a recognition), 认定
//! (the county's decision), 批准退出 / 退回退出申请 (the decision on a proposed exit; the
//! proposer is the case's pending exit just before it).
//!
//! Keys name the account and the minute or day (pace, hours, reveals) or the case and what
//! was decided (self-decided), as the domain's rules make them, so a disposition stays with
//! the one finding it was given to.
//!
//! Not here: follow-ups written by a bulk load (the demo, an upgrade) carry no entry of
//! their own and are not judged; a recognition whose initial review is older than the
//! trail's look-back (or than the trail, on a loaded store) cannot name its proposer and is
//! not judged either.

use super::{Actor, Result, Service, cst};
use crate::domain::audit_action::{
    APPROVE_EXIT, PROPOSE_RECOGNITION, RECOGNISE, RETURN_EXIT, REVEAL_ID, SAVE_FOLLOWUP,
    UNMASKED_EXPORT,
};
use crate::domain::supervise::{
    Decision, Entry, Finding, Reveal, entry_hours, entry_pace, reveals_per_day, self_decided,
};
use crate::domain::{AssistanceCase, CaseId, CaseSummary, PersonId};
use crate::domain::{TownshipCode, YearMonth};
use crate::store::Store;
use crate::store::audit::{AuditEntry, Change};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

/// The county's decisions on a proposed exit.
const DECIDE_EXIT: [&str; 2] = [APPROVE_EXIT, RETURN_EXIT];

/// How far before the month the trail is read for a recognition's initial review: the
/// notice runs days, not seasons, so a proposal older than this is not looked for.
const PROPOSAL_LOOK_BACK: Duration = Duration::days(183);

/// Case summaries read once per run.
struct Cases<'s> {
    db: &'s Store,
    seen: HashMap<CaseId, Option<CaseSummary>>,
}

impl Cases<'_> {
    fn get(&mut self, case: CaseId) -> Result<Option<&CaseSummary>> {
        let s = match self.seen.entry(case) {
            Slot::Occupied(o) => o.into_mut(),
            Slot::Vacant(v) => v.insert(self.db.summary(case)?),
        };
        Ok(s.as_ref())
    }
}

impl Service {
    /// The findings of the audit-trail rules dated in `month`, over the actor's townships
    /// (the township of the case or person concerned; of the account, for an export).
    pub(super) fn audit_findings(&self, actor: &Actor, month: YearMonth) -> Result<Vec<Finding>> {
        let db = self.db()?;
        let from = month_start(month);
        let to = month_start(month.next());
        let entries = db.audit_between(from, to)?;
        let mut cases = Cases {
            db: &db,
            seen: HashMap::new(),
        };
        let mut findings = Vec::new();
        let saves = self.followup_entries(actor, &entries, &mut cases)?;
        findings.extend(entry_pace(
            &saves,
            self.settings.supervise_followups_per_minute,
        ));
        findings.extend(entry_hours(
            &saves,
            self.settings.supervise_hours,
            &self.settings.calendar,
        ));
        let reveals = self.reveals(actor, &db, &entries)?;
        findings.extend(reveals_per_day(
            &reveals,
            self.settings.supervise_reveals_per_day,
        ));
        findings.extend(self.self_decided(actor, &db, &entries, from, &mut cases)?);
        Ok(findings)
    }

    /// The month's saved follow-ups of the actor's townships, as the pace and hours rules
    /// take them.
    fn followup_entries(
        &self,
        actor: &Actor,
        entries: &[AuditEntry],
        cases: &mut Cases<'_>,
    ) -> Result<Vec<Entry>> {
        let mut saves = Vec::new();
        for e in entries.iter().filter(|e| e.action == SAVE_FOLLOWUP) {
            let Some(case) = case_of(&e.changes, "followups") else {
                continue;
            };
            let Some(s) = cases.get(case)? else {
                continue;
            };
            if !actor.covers(&s.township) {
                continue;
            }
            saves.push(Entry {
                account: e.actor.clone(),
                township: s.township.clone(),
                person: format!("{}（案{}）", s.name, case.0),
                saved_at: e.at.to_utc(),
            });
        }
        Ok(saves)
    }

    /// The month's ID reveals and unmasked export pages of the actor's townships.
    fn reveals(&self, actor: &Actor, db: &Store, entries: &[AuditEntry]) -> Result<Vec<Reveal>> {
        let mut townships: HashMap<PersonId, Option<TownshipCode>> = HashMap::new();
        let mut accounts: HashMap<String, Option<TownshipCode>> = HashMap::new();
        let county_code = db.county()?.map(|c| TownshipCode(c.code));
        let mut reveals = Vec::new();
        for e in entries {
            let township = if e.action == REVEAL_ID {
                let Some(person) = e
                    .changes
                    .iter()
                    .find(|c| c.tree == "persons")
                    .and_then(|c| PersonId::from_key(&c.key))
                else {
                    continue;
                };
                match townships.entry(person) {
                    Slot::Occupied(o) => o.get().clone(),
                    Slot::Vacant(v) => {
                        let t = match db.person(person)? {
                            Some(p) => db.household(p.household)?.map(|h| h.township),
                            None => None,
                        };
                        v.insert(t).clone()
                    }
                }
            } else if e.action == UNMASKED_EXPORT {
                match accounts.entry(e.actor.clone()) {
                    Slot::Occupied(o) => o.get().clone(),
                    Slot::Vacant(v) => {
                        let own = db.account(&e.actor)?.and_then(|a| a.township);
                        v.insert(own.or_else(|| county_code.clone())).clone()
                    }
                }
            } else {
                continue;
            };
            let Some(township) = township else {
                continue;
            };
            if !actor.covers(&township) {
                continue;
            }
            reveals.push(Reveal {
                account: e.actor.clone(),
                township,
                at: e.at.to_utc(),
            });
        }
        Ok(reveals)
    }

    /// The month's recognitions and exit decisions of the actor's townships, each with its
    /// proposer, run through the self-decided rule.
    fn self_decided(
        &self,
        actor: &Actor,
        db: &Store,
        entries: &[AuditEntry],
        from: DateTime<FixedOffset>,
        cases: &mut Cases<'_>,
    ) -> Result<Vec<Finding>> {
        let mut decided: Vec<(&AuditEntry, CaseId, &'static str, Option<String>)> = Vec::new();
        for e in entries {
            let Some(case) = case_of(&e.changes, "cases") else {
                continue;
            };
            if e.action == RECOGNISE {
                decided.push((e, case, "认定", None));
            } else if DECIDE_EXIT.contains(&e.action.as_str()) {
                let proposer = case_before(&e.changes)
                    .and_then(|c| c.pending_exit())
                    .map(|p| p.proposer);
                if proposer.is_some() {
                    decided.push((e, case, "退出", proposer));
                }
            }
        }
        self.recognition_proposers(db, entries, from, &mut decided)?;
        let mut findings = Vec::new();
        for (e, case, what, proposer) in decided {
            let Some(proposed_by) = proposer else {
                continue;
            };
            let Some(s) = cases.get(case)? else {
                continue;
            };
            if !actor.covers(&s.township) {
                continue;
            }
            let decision = Decision {
                what: what.to_string(),
                township: s.township.clone(),
                person: format!("{}（案{}）", s.name, case.0),
                proposed_by,
                decided_by: e.actor.clone(),
                decided_on: e.at.with_timezone(&cst()).date_naive(),
            };
            findings.extend(self_decided(std::slice::from_ref(&decision)));
        }
        Ok(findings)
    }

    /// Fills in each recognition's proposer: the account of the last initial review passed
    /// on its case before it, looked for in the month and, for the ones not found there,
    /// in the trail before the month back to [`PROPOSAL_LOOK_BACK`].
    fn recognition_proposers(
        &self,
        db: &Store,
        month: &[AuditEntry],
        from: DateTime<FixedOffset>,
        decided: &mut [(&AuditEntry, CaseId, &'static str, Option<String>)],
    ) -> Result<()> {
        let mut earlier: Option<Vec<AuditEntry>> = None;
        for (e, case, what, proposer) in decided.iter_mut() {
            if *what != "认定" {
                continue;
            }
            *proposer = last_proposal(month, *case, e.seq);
            if proposer.is_none() {
                if earlier.is_none() {
                    earlier = Some(db.audit_between(from - PROPOSAL_LOOK_BACK, from)?);
                }
                *proposer = earlier
                    .as_deref()
                    .and_then(|es| last_proposal(es, *case, e.seq));
            }
        }
        Ok(())
    }
}

/// The account that last passed `case`'s initial review among `entries`, before entry
/// `before`.
fn last_proposal(entries: &[AuditEntry], case: CaseId, before: u64) -> Option<String> {
    entries
        .iter()
        .filter(|e| e.seq < before && e.action == PROPOSE_RECOGNITION)
        .filter(|e| case_of(&e.changes, "cases") == Some(case))
        .max_by_key(|e| e.seq)
        .map(|e| e.actor.clone())
}

/// The case a change of `tree` is about: its key starts with the case's key (a case, or a
/// follow-up keyed by case and follow-up).
fn case_of(changes: &[Change], tree: &str) -> Option<CaseId> {
    changes
        .iter()
        .find(|c| c.tree == tree)
        .and_then(|c| c.key.get(..8))
        .and_then(CaseId::from_key)
}

/// The case as it was before the entry's change to it.
fn case_before(changes: &[Change]) -> Option<AssistanceCase> {
    let old = changes.iter().find(|c| c.tree == "cases")?.old.as_deref()?;
    crate::store::codec::decode(old).ok()
}

/// Midnight (CST) of the first day of `month`.
fn month_start(month: YearMonth) -> DateTime<FixedOffset> {
    let day: NaiveDate = month.first_day();
    day.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(cst())
        .single()
        .unwrap_or_else(|| {
            day.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .fixed_offset()
        })
}
