//! 第(十三)条 统计监测 (R-STAT-1): a month's table by township and for the county
//! (`yuanzhu stats`), with the rate against the 90% target (第(五)条, R-KPI-1).

use super::queue_index::Plan;
use super::{Actor, Result, Service, ServiceError};
use crate::domain::stats::{
    Contribution, FollowupHistory, MonthTable, PersonFacts, case_contribution,
    household_contribution,
};
use crate::domain::stats_entries::figures;
use crate::domain::stats_ledger::{lead_contribution, ledger_contribution};
use crate::domain::{CaseSummary, Household, TownshipCode, YearMonth};
use crate::store::{StatsBasis, UNASSIGNED};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What the walk over the month hands on: one case (with its summary) or one household,
/// and what it adds to the month's figures.
pub(super) enum Counted<'a> {
    Case {
        summary: &'a CaseSummary,
        contribution: &'a Contribution,
    },
    Household {
        household: &'a Household,
        contribution: &'a Contribution,
    },
    /// A person counted by their ledger, with their household.
    Ledger {
        person: &'a crate::domain::Person,
        household: &'a Household,
        contribution: &'a Contribution,
    },
    Lead {
        lead: &'a crate::domain::lead::Lead,
        contribution: &'a Contribution,
    },
}

/// The name a township's row goes by: the county's, or 未分配 for the leads no township
/// was found for.
pub(super) fn township_label(county: &crate::store::County, code: &TownshipCode) -> String {
    if code.0 == UNASSIGNED {
        "未分配".to_string()
    } else {
        county.township_name(code).to_string()
    }
}

impl Service {
    /// The month's table over the townships the actor covers (a township caseworker: their
    /// own; reviewers and administrators: the county), or one named township.
    ///
    /// Read from the counters kept at save time (`store::stats_index`): a few hundred
    /// counters added up, whatever the county's size. The running month's overdue come from
    /// the queue's index, since the date moves them with no write.
    pub(super) fn stats(
        &self,
        actor: &Actor,
        month: YearMonth,
        township: Option<&str>,
        today: NaiveDate,
    ) -> Result<MonthTable> {
        let (county, wanted) = self.stats_scope(actor, township)?;
        let store = self.stats_store()?;
        let counters = store.stats_counters(&wanted)?;
        let mut names: BTreeMap<TownshipCode, String> = county
            .townships
            .iter()
            .filter(|t| wanted(&t.code))
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect();
        for code in counters.keys() {
            names
                .entry(code.clone())
                .or_insert_with(|| township_label(&county, code));
        }
        let queue = if month == YearMonth::of(today) {
            Some(self.queue_store()?)
        } else {
            None
        };
        let mut table = MonthTable::new(month);
        for (code, name) in &names {
            let list = counters.get(code).map(Vec::as_slice).unwrap_or_default();
            let mut c = figures(list.iter().map(|(m, t)| (*m, t)), month, today);
            // 未分配 is a row only in a month its leads count in.
            if code.0 == UNASSIGNED && c == Contribution::default() {
                continue;
            }
            if let Some(queue) = &queue {
                let plan = Plan::new(queue, &|t: &TownshipCode| t == code, today, &self.settings)?;
                c.followups_overdue = plan.counts().overdue;
            }
            table.township(code, name);
            table.add(code, name, &c);
        }
        Ok(table)
    }

    /// The month's table computed by walking every case and household, as the counters'
    /// oracle: the tests compare the two. Not an API.
    #[doc(hidden)]
    pub fn stats_by_walk(
        &self,
        actor: &Actor,
        month: YearMonth,
        township: Option<&str>,
        today: NaiveDate,
    ) -> Result<MonthTable> {
        let mut table = MonthTable::new(month);
        self.walk_month(actor, month, township, today, &mut table, |_, _| Ok(()))?;
        Ok(table)
    }

    /// [`Service::stats`] as on `today`, for the tests that compare it with the walk on
    /// days other than the service's own. Not an API.
    #[doc(hidden)]
    pub fn stats_on(
        &self,
        actor: &Actor,
        month: YearMonth,
        township: Option<&str>,
        today: NaiveDate,
    ) -> Result<MonthTable> {
        self.stats(actor, month, township, today)
    }

    pub(super) fn prepare_stats_index(&self) -> Result<()> {
        self.stats_store().map(|_| ())
    }

    /// The store, its statistics built under this service's settings first if they are
    /// not (a store of the previous version, a county just loaded, a restored backup,
    /// changed settings). Built with writes held off, so none slips between the build's
    /// read and its batch.
    pub(super) fn stats_store(&self) -> Result<std::sync::Arc<crate::store::Store>> {
        let store = self.db()?;
        let basis = StatsBasis::new(
            self.settings.zero_clearance_days,
            self.settings.late_entry_days,
        );
        if store.stats_basis()? != Some(basis) {
            let _alone = self.gate.write().unwrap_or_else(|p| p.into_inner());
            store.ensure_stats_index(&basis, &super::exits::system_stamp())?;
        }
        Ok(store)
    }

    /// The county, and which townships the actor asks for: those they cover, or the one
    /// named (by name or code) if they cover it.
    pub(super) fn stats_scope(
        &self,
        actor: &Actor,
        township: Option<&str>,
    ) -> Result<(crate::store::County, impl Fn(&TownshipCode) -> bool + use<>)> {
        let county = self
            .db()?
            .county()?
            .ok_or_else(|| ServiceError::NotFound("县区信息（数据库尚未初始化）".into()))?;
        let only: Option<TownshipCode> = match township {
            None => None,
            // The leads no township was found for.
            Some(t) if t == UNASSIGNED || t == "未分配" => Some(TownshipCode(UNASSIGNED.into())),
            Some(t) => Some(
                county
                    .townships
                    .iter()
                    .find(|x| x.name == t || x.code.0 == t)
                    .map(|x| x.code.clone())
                    .ok_or_else(|| ServiceError::NotFound(format!("乡镇“{t}”")))?,
            ),
        };
        if let Some(code) = &only
            && !actor.covers(code)
        {
            return Err(ServiceError::Denied(format!(
                "乡镇：无权查看{}的统计",
                township_label(&county, code)
            )));
        }
        let actor = actor.clone();
        let wanted = move |code: &TownshipCode| {
            actor.covers(code) && only.as_ref().is_none_or(|o| o == code)
        };
        Ok((county, wanted))
    }

    /// One case's contribution to `month`, computed from its case, person and summary (none
    /// if the case or person is missing).
    pub(super) fn case_contribution_of(
        &self,
        db: &crate::store::Store,
        s: &CaseSummary,
        month: YearMonth,
        today: NaiveDate,
    ) -> Result<Option<Contribution>> {
        let (Some(case), Some(person)) = (db.case(s.case)?, db.person(s.person)?) else {
            return Ok(None);
        };
        // The summary keeps the months covered and the last contact, in the same
        // transaction as each follow-up: no follow-up is decoded here.
        let followups = FollowupHistory {
            covered: s.covered.clone(),
            last_contact: s.last_contact,
        };
        let facts = PersonFacts {
            able_to_work: person.labour.can_work(),
            willing_to_work: person.willing_to_work,
            work_status: person.work_status,
        };
        Ok(Some(case_contribution(
            &case,
            facts,
            &followups,
            self.settings.tier(case.tier).interval_days,
            self.settings.due_soon_day,
            month,
            today,
        )))
    }

    /// Walks every case and household of the townships the actor covers (or of the one
    /// named), adding each contribution to `table` and handing it to `visit`: the table
    /// and whatever `visit` collects come from the same contributions, so the people
    /// listed under a figure are exactly those it counts. (The table [`Service::stats`]
    /// shows reads the counters, which equal this walk for every open month; a closed
    /// month keeps the figures it closed with, which a change dated in it later moves
    /// away from what this walk finds today.)
    ///
    /// Computed by walking every case summary (with its case and person) and household, but
    /// no follow-up: a full scan, for the list of persons behind a figure and as the oracle
    /// the counters are tested against; the table itself reads the counters.
    pub(super) fn walk_month(
        &self,
        actor: &Actor,
        month: YearMonth,
        township: Option<&str>,
        today: NaiveDate,
        table: &mut MonthTable,
        mut visit: impl FnMut(&crate::store::County, Counted<'_>) -> Result<()>,
    ) -> Result<()> {
        let (county, wanted) = self.stats_scope(actor, township)?;
        for t in county.townships.iter().filter(|t| wanted(&t.code)) {
            table.township(&t.code, &t.name);
        }
        let db = self.db()?;
        for s in db.summaries()? {
            if !wanted(&s.township) {
                continue;
            }
            let Some(c) = self.case_contribution_of(&db, &s, month, today)? else {
                continue;
            };
            table.add(&s.township, county.township_name(&s.township), &c);
            visit(
                &county,
                Counted::Case {
                    summary: &s,
                    contribution: &c,
                },
            )?;
        }
        for h in db.households()? {
            if !wanted(&h.township) {
                continue;
            }
            let c = household_contribution(&h, self.settings.zero_clearance_days, month);
            table.add(&h.township, county.township_name(&h.township), &c);
            visit(
                &county,
                Counted::Household {
                    household: &h,
                    contribution: &c,
                },
            )?;
        }
        for ledger in db.all_ledgers()? {
            let Some(person) = db.person(ledger.person)? else {
                continue;
            };
            let Some(h) = db.household(person.household)? else {
                continue;
            };
            if !wanted(&h.township) {
                continue;
            }
            let c = ledger_contribution(&ledger, month);
            if c == Contribution::default() {
                continue;
            }
            table.add(&h.township, county.township_name(&h.township), &c);
            visit(
                &county,
                Counted::Ledger {
                    person: &person,
                    household: &h,
                    contribution: &c,
                },
            )?;
        }
        for lead in db.all_leads()? {
            let township = lead
                .township
                .clone()
                .unwrap_or_else(|| TownshipCode(UNASSIGNED.to_string()));
            if !wanted(&township) {
                continue;
            }
            let c = lead_contribution(&lead, month);
            if c == Contribution::default() {
                continue;
            }
            table.add(&township, &township_label(&county, &township), &c);
            visit(
                &county,
                Counted::Lead {
                    lead: &lead,
                    contribution: &c,
                },
            )?;
        }
        Ok(())
    }
}
