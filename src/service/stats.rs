//! 第(十三)条 统计监测 (R-STAT-1): a month's table by township and for the county
//! (`yuanzhu stats`), with the rate against the 90% target (第(五)条, R-KPI-1).

use super::{Actor, Result, Service, ServiceError};
use crate::domain::stats::{
    Contribution, FollowupHistory, MonthTable, PersonFacts, case_contribution,
    household_contribution,
};
use crate::domain::{CaseSummary, Household, TownshipCode, YearMonth};
use chrono::NaiveDate;

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
}

impl Service {
    /// The month's table over the townships the actor covers (a township caseworker: their
    /// own; reviewers and administrators: the county), or one named township.
    pub(super) fn stats(
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

    /// Walks every case and household of the townships the actor covers (or of the one
    /// named), adding each contribution to `table` and handing it to `visit`: the table
    /// and whatever `visit` collects come from the same contributions, so a figure and the
    /// people listed under it cannot disagree.
    ///
    /// Computed by walking every case summary (with its case and person) and household, but
    /// no follow-up: a full scan, acceptable for a report request and never for a key
    /// press. The next step is counters kept per township and month at save time: each
    /// write adds, in its transaction, the difference of the case's
    /// [`crate::domain::stats::Contribution`] before and after.
    pub(super) fn walk_month(
        &self,
        actor: &Actor,
        month: YearMonth,
        township: Option<&str>,
        today: NaiveDate,
        table: &mut MonthTable,
        mut visit: impl FnMut(&crate::store::County, Counted<'_>) -> Result<()>,
    ) -> Result<()> {
        let county = self
            .db()?
            .county()?
            .ok_or_else(|| ServiceError::NotFound("县区信息（数据库尚未初始化）".into()))?;
        let only: Option<TownshipCode> = match township {
            None => None,
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
                county.township_name(code)
            )));
        }
        let wanted =
            |code: &TownshipCode| actor.covers(code) && only.as_ref().is_none_or(|o| o == code);
        for t in county.townships.iter().filter(|t| wanted(&t.code)) {
            table.township(&t.code, &t.name);
        }
        let db = self.db()?;
        for s in db.summaries()? {
            if !wanted(&s.township) {
                continue;
            }
            let (Some(case), Some(person)) = (db.case(s.case)?, db.person(s.person)?) else {
                continue;
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
            let c = case_contribution(
                &case,
                facts,
                &followups,
                self.settings.tier(case.tier).interval_days,
                self.settings.due_soon_day,
                month,
                today,
            );
            table.add(&case.township, county.township_name(&case.township), &c);
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
        Ok(())
    }
}
