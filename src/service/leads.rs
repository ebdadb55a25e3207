//! 线索 (第(二)条 “大数据+铁脚板”, R-DISCOVER-1; 第(四)条 快捷通道, R-FAST-1): a list from
//! another agency checked row by row, matched against the ledger by ID number, and, with
//! `apply`, written as leads all at once; the leads' statistics and the list a caseworker
//! works through. Who may import: administrators and county reviewers. Who sees a lead:
//! those who cover its township; a lead of no township (未分配) only the county.

use super::{Actor, Result, Service, ServiceError, stamp};
use super::{ImportSummary, LeadCountRow, LeadRow, LeadStats, ListImport, ProblemGroup};
use crate::domain::Role;
use crate::domain::lead::{
    Disposition, Lead, LeadSource, ListContext, Places, ProblemKind, check_rows,
};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// How many messages of each kind of problem the summary quotes.
const FIRST_OF_KIND: usize = 5;

/// How many recognised persons whose registration a list says was cancelled are named.
const CANCELLED_LISTED: usize = 20;

/// The most rows one list may have (a county's whole dibao roll is far fewer), so parts
/// sent without end cannot fill the server's memory.
pub const MAX_LIST_ROWS: usize = 300_000;

/// The rows received so far of a list sent in parts.
#[derive(Default)]
pub(super) struct PendingList {
    next_part: u32,
    rows: Vec<crate::domain::lead::RawRow>,
}

impl Service {
    pub(super) fn import_list(
        &self,
        actor: &Actor,
        import: ListImport,
        today: NaiveDate,
    ) -> Result<ImportSummary> {
        if actor.role == Role::TownshipCaseworker {
            return Err(ServiceError::Denied(
                "导入名单只有管理员和县级审核可以进行".into(),
            ));
        }
        let Some(rows) = self.gather_parts(actor, &import)? else {
            return Ok(ImportSummary {
                source: import.source.label().to_string(),
                list_date: import.list_date,
                ..ImportSummary::default()
            });
        };
        let store = self.db()?;
        let list_date = import.list_date.unwrap_or(today);
        let county = store.county()?;
        let mut villages = BTreeSet::new();
        for h in store.households()? {
            if !h.village.trim().is_empty() {
                villages.insert((h.village.trim().to_string(), h.township));
            }
        }
        let places = Places {
            townships: county
                .iter()
                .flat_map(|c| c.townships.iter())
                .map(|t| (t.code.clone(), t.name.clone()))
                .collect(),
            villages: villages.into_iter().collect(),
        };
        let checked = check_rows(
            &rows,
            &ListContext {
                source: import.source,
                list_date,
                fast_lane_contact_days: self.settings.fast_lane_contact_days,
                calendar: &self.settings.calendar,
                places: &places,
            },
        );
        let mut summary = ImportSummary {
            source: import.source.label().to_string(),
            list_date: Some(list_date),
            rows: checked.rows,
            good: u32::try_from(checked.leads.len()).unwrap_or(u32::MAX),
            groups: groups(&checked.problems),
            ..ImportSummary::default()
        };
        let mut to_write = Vec::new();
        for mut lead in checked.leads {
            match store.lead(lead.source, &lead.id_number)? {
                Some(mut known) if list_date > known.last_seen => {
                    known.last_seen = list_date;
                    known.rev += 1;
                    summary.seen_again += 1;
                    to_write.push(known);
                }
                Some(_) => summary.unchanged += 1,
                None => {
                    lead.person = store.person_by_id_number(lead.id_number.as_str())?;
                    summary.new_leads += 1;
                    if lead.person.is_some() {
                        summary.in_ledger += 1;
                        if lead.source == LeadSource::RegisteredUnemployed
                            && lead.facts.registration_cancelled()
                        {
                            summary.cancelled_in_ledger += 1;
                            if summary.cancelled_rows.len() < CANCELLED_LISTED {
                                summary.cancelled_rows.push(format!(
                                    "第 {} 行 {} {}",
                                    lead.row,
                                    crate::domain::text::mask_name(&lead.name),
                                    lead.id_number.masked()
                                ));
                            }
                        }
                    } else {
                        summary.fast_lane += u32::from(lead.fast_lane());
                        summary.unassigned += u32::from(lead.township.is_none());
                    }
                    to_write.push(lead);
                }
            }
        }
        if import.apply && !to_write.is_empty() {
            for lead in to_write.iter_mut().filter(|l| l.id == 0) {
                lead.id = store.new_id()?;
            }
            let id = store.new_import()?;
            store.stage_leads(id, &to_write)?;
            let target = format!(
                "{} {} {}：新线索 {} 条，再次出现 {} 条",
                import.source.list_name(),
                list_date,
                crate::domain::text::clean_line(&import.file, 120),
                summary.new_leads,
                summary.seen_again
            );
            store.publish_import(id, import.source, list_date, &stamp(actor), target)?;
        }
        summary.applied = import.apply;
        Ok(summary)
    }

    /// The whole list once its last part has come (the parts before it kept per account);
    /// `None` while more are to come.
    fn gather_parts(
        &self,
        actor: &Actor,
        import: &ListImport,
    ) -> Result<Option<Vec<crate::domain::lead::RawRow>>> {
        let mut parts = self.list_parts.lock().unwrap_or_else(|p| p.into_inner());
        let mut pending = match parts.remove(&actor.user) {
            Some(p) if import.part > 0 && p.next_part == import.part => p,
            _ if import.part == 0 => PendingList::default(),
            _ => {
                return Err(ServiceError::Refused(format!(
                    "名单的第 {} 部分来得不对（前面的部分缺失或已过期），请重新导入",
                    import.part + 1
                )));
            }
        };
        if pending.rows.len() + import.rows.len() > MAX_LIST_ROWS {
            return Err(ServiceError::Refused(format!(
                "名单超过 {MAX_LIST_ROWS} 行，请分成几份导入"
            )));
        }
        pending.rows.extend(import.rows.iter().cloned());
        if import.more {
            pending.next_part = import.part + 1;
            parts.insert(actor.user.clone(), pending);
            return Ok(None);
        }
        Ok(Some(pending.rows))
    }

    /// The leads the actor may see.
    fn visible_leads(&self, actor: &Actor) -> Result<Vec<Lead>> {
        let county_wide = actor.role != Role::TownshipCaseworker;
        Ok(self
            .db()?
            .all_leads()?
            .into_iter()
            .filter(|l| match &l.township {
                Some(t) => actor.covers(t),
                None => county_wide,
            })
            .collect())
    }

    pub(super) fn lead_stats(&self, actor: &Actor, today: NaiveDate) -> Result<LeadStats> {
        let county = self.db()?.county()?;
        let mut by_source: BTreeMap<LeadSource, LeadCountRow> = BTreeMap::new();
        // In the county's order of townships, 未分配 last.
        let mut by_township: BTreeMap<(usize, String), LeadCountRow> = BTreeMap::new();
        let mut stats = LeadStats::default();
        for lead in self.visible_leads(actor)? {
            if lead.person.is_some() {
                stats.notes += 1;
                continue;
            }
            let township = township_name(lead.township.as_ref(), county.as_ref());
            let order = lead
                .township
                .as_ref()
                .and_then(|t| county.as_ref()?.townships.iter().position(|x| &x.code == t))
                .unwrap_or(usize::MAX);
            let rows = [
                by_source
                    .entry(lead.source)
                    .or_insert_with(|| count_row(lead.source.label())),
                by_township
                    .entry((order, township.clone()))
                    .or_insert_with(|| count_row(&township)),
            ];
            for row in rows {
                row.by_disposition[disposition_index(lead.disposition)] += 1;
                row.overdue += u32::from(lead.is_overdue(today));
            }
        }
        stats.by_source = by_source.into_values().collect();
        stats.by_township = by_township.into_values().collect();
        Ok(stats)
    }

    pub(super) fn leads(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<LeadRow>> {
        let county = self.db()?.county()?;
        let mut leads: Vec<Lead> = self
            .visible_leads(actor)?
            .into_iter()
            .filter(|l| l.person.is_none())
            .collect();
        leads.sort_by(|a, b| {
            (b.fast_lane(), b.last_seen, &a.name).cmp(&(a.fast_lane(), a.last_seen, &b.name))
        });
        Ok(leads
            .iter()
            .map(|l| lead_row(l, county.as_ref(), today))
            .collect())
    }

    /// R-DISCOVER-1: a lead the actor covers, worked on; an audited write.
    #[allow(clippy::too_many_arguments)] // the request's fields, named where they are used
    pub(super) fn dispose_lead(
        &self,
        actor: &Actor,
        id: u64,
        rev: u64,
        disposition: Disposition,
        on: NaiveDate,
        note: &str,
        today: NaiveDate,
    ) -> Result<LeadRow> {
        let store = self.db()?;
        let mut lead = store
            .lead_by_id(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("线索 {id}")))?;
        let covered = match &lead.township {
            Some(t) => actor.covers(t),
            None => actor.role != Role::TownshipCaseworker,
        };
        if !covered {
            return Err(ServiceError::Denied("这条线索不属于您负责的乡镇".into()));
        }
        lead.dispose(disposition, on, note, today)
            .map_err(|e| ServiceError::Refused(e.to_string()))?;
        let saved = store.save_lead(&stamp(actor), &lead, rev, today)?;
        Ok(lead_row(&saved, store.county()?.as_ref(), today))
    }
}

fn lead_row(l: &Lead, county: Option<&crate::store::County>, today: NaiveDate) -> LeadRow {
    LeadRow {
        id: l.id,
        rev: l.rev,
        source: l.source.label().to_string(),
        name: l.name.clone(),
        id_masked: l.id_number.masked(),
        township: township_name(l.township.as_ref(), county),
        list_date: l.last_seen,
        fast_lane: l.fast_lane(),
        contact_deadline: l.contact_deadline,
        overdue: l.is_overdue(today),
        disposition: l.disposition.label().to_string(),
        disposition_on: l.disposition_on,
        note: l.note.clone(),
    }
}

/// A township's name from the county (its code when the county is not on file), or
/// 未分配 for none.
pub(super) fn township_name(
    township: Option<&crate::domain::TownshipCode>,
    county: Option<&crate::store::County>,
) -> String {
    match (township, county) {
        (Some(t), Some(c)) => c.township_name(t).to_string(),
        (Some(t), None) => t.0.clone(),
        (None, _) => "未分配".to_string(),
    }
}

fn count_row(name: &str) -> LeadCountRow {
    LeadCountRow {
        name: name.to_string(),
        by_disposition: [0; 5],
        overdue: 0,
    }
}

fn disposition_index(d: Disposition) -> usize {
    Disposition::ALL.iter().position(|x| *x == d).unwrap_or(0)
}

/// Problems by kind, refusals first, each with its first few messages in row order.
fn groups(problems: &[crate::domain::lead::RowProblem]) -> Vec<ProblemGroup> {
    let mut by_kind: BTreeMap<ProblemKind, ProblemGroup> = BTreeMap::new();
    for p in problems {
        let g = by_kind.entry(p.kind).or_insert_with(|| ProblemGroup {
            kind: p.kind.label().to_string(),
            refused: p.kind.refuses_row(),
            count: 0,
            first: Vec::new(),
        });
        g.count += 1;
        if g.first.len() < FIRST_OF_KIND {
            g.first.push(p.to_string());
        }
    }
    by_kind.into_values().collect()
}
