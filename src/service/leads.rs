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
            &import.rows,
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
            .into_iter()
            .map(|l| LeadRow {
                source: l.source.label().to_string(),
                name: l.name.clone(),
                id_masked: l.id_number.masked(),
                township: township_name(l.township.as_ref(), county.as_ref()),
                list_date: l.last_seen,
                fast_lane: l.fast_lane(),
                contact_deadline: l.contact_deadline,
                overdue: l.is_overdue(today),
                disposition: l.disposition.label().to_string(),
            })
            .collect())
    }
}

fn township_name(
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
