//! 统计 drilled down (第(十三)条, R-STAT-1): the people counted in one figure of a month's
//! table, or the households for the zero-employment figures, a page at a time by stable
//! key. The list reads the dated entries kept for each case and household
//! (`store::stats_index`), the same entries the table's counters add up, so for every open
//! month its length is the figure; only the page's own people are read in full.
//!
//! A closed month's table keeps the figures it closed with, while its list says who the
//! records count today: after a change reaching back into a closed month the two can
//! differ, as they should (the list is who, the table is what was reported).

use super::protocol::{StatsPeoplePage, StatsPerson};
use super::stats::{Counted as Walked, township_label};
use super::{Actor, Result, Service, ServiceError};
use crate::domain::stats::{Contribution, MonthTable};
use crate::domain::stats_entries::record_figures;
use crate::domain::stats_measure::{Counts, Measure};
use crate::domain::{CaseId, HouseholdId, PersonId, TownshipCode, YearMonth};

/// A kept record a figure counts, as the page holds it until its people are read.
enum Counted {
    Case(CaseId),
    /// With the member who names it.
    Household(HouseholdId, Option<PersonId>),
    /// A person by their ledger, in their household.
    Ledger(PersonId, HouseholdId),
    Lead(u64),
}
use chrono::NaiveDate;

/// The most people one page carries.
pub const STATS_PEOPLE_PAGE_MAX: u32 = 200;

/// The longest `after` key taken: a township code, a name and an id are far shorter.
pub const STATS_PEOPLE_KEY_MAX: usize = 512;

/// A key sorts by township, then name, then the record's id (fixed width, so ids sort as
/// numbers and two people of one name stay apart).
fn key(township: &TownshipCode, name: &str, kind: char, id: u64) -> String {
    format!("{}:{name}:{kind}{id:020}", township.0)
}

impl Service {
    /// The people counted in `measure` for `month`, in one township or over those the actor
    /// covers, after the key `after`, at most `limit` (capped at [`STATS_PEOPLE_PAGE_MAX`]).
    /// A township the actor does not cover is refused, as the table refuses it.
    ///
    /// One pass over the kept entries of the county's cases (or households), small records
    /// with no case, summary or person decoded; the page's people are then read in full.
    /// The running month's overdue follow-ups move with the date and no write, so the
    /// entries do not hold them: that one list walks the cases.
    #[allow(clippy::too_many_arguments)] // One per field of the request it answers.
    pub(super) fn stats_people(
        &self,
        actor: &Actor,
        month: YearMonth,
        township: Option<&TownshipCode>,
        measure: Measure,
        after: Option<&str>,
        limit: u32,
        today: NaiveDate,
    ) -> Result<StatsPeoplePage> {
        if measure == Measure::FollowupsOverdue && month == YearMonth::of(today) {
            return self.stats_people_by_walk(actor, month, township, measure, after, limit, today);
        }
        if after.is_some_and(|a| a.len() > STATS_PEOPLE_KEY_MAX) {
            return Err(ServiceError::Refused(
                "统计名单：翻页位置过长，请重新打开名单".into(),
            ));
        }
        let limit = limit.clamp(1, STATS_PEOPLE_PAGE_MAX) as usize;
        let (county, wanted) = self.stats_scope(actor, township.map(|t| t.0.as_str()))?;
        let store = self.stats_store()?;
        // The page's (and one more's) keys with what the list shows of them: the record,
        // its township and its figures.
        let mut page: Vec<(String, Counted, TownshipCode, Contribution)> = Vec::new();
        let mut total: u32 = 0;
        let mut keep = |key: String, what: Counted, township: &TownshipCode, c: Contribution| {
            let n = measure.count(&c);
            if n == 0 {
                return;
            }
            total = total.saturating_add(n);
            if after.is_some_and(|a| key.as_str() <= a) {
                return;
            }
            let at = page.partition_point(|r| r.0 < key);
            if at <= limit {
                page.insert(at, (key, what, township.clone(), c));
                page.truncate(limit + 1);
            }
        };
        let figures =
            |entries: &[crate::domain::stats_entries::Entry]| record_figures(entries, month, today);
        match measure.counts() {
            Counts::Households => store.stats_households(|id, h| {
                if wanted(&h.township) {
                    let k = key(&h.township, &h.name, 'h', id.0);
                    keep(
                        k,
                        Counted::Household(id, h.first),
                        &h.township,
                        figures(&h.entries),
                    );
                }
                Ok(())
            })?,
            Counts::Cases => store.stats_cases(|id, s| {
                if wanted(&s.township) {
                    let k = key(&s.township, &s.name, 'c', id.0);
                    keep(k, Counted::Case(id), &s.township, figures(&s.entries));
                }
                Ok(())
            })?,
            Counts::Ledgers => store.stats_ledgers(|person, l| {
                if wanted(&l.township) {
                    let k = key(&l.township, &l.name, 'g', person.0);
                    let what = Counted::Ledger(person, l.household);
                    keep(k, what, &l.township, figures(&l.entries));
                }
                Ok(())
            })?,
            Counts::Leads => store.stats_leads(|_, l| {
                if wanted(&l.township) {
                    let k = key(&l.township, &l.name, 'l', l.lead);
                    keep(k, Counted::Lead(l.lead), &l.township, figures(&l.entries));
                }
                Ok(())
            })?,
        }
        let mut people = Vec::with_capacity(page.len());
        for (key, what, township, c) in page {
            let township_name = township_label(&county, &township);
            let reason = measure.reason(&c);
            let row = |name: String, id_masked: String, case, household| StatsPerson {
                key: key.clone(),
                case,
                household,
                name,
                id_masked,
                township: township.clone(),
                township_name: township_name.clone(),
                reason: reason.clone(),
            };
            match what {
                Counted::Household(household, first) => {
                    let first = match first {
                        Some(p) => store.person(p)?,
                        None => None,
                    };
                    let (name, id_masked) = first.map_or((String::new(), String::new()), |p| {
                        (p.name.clone(), p.id_number.masked())
                    });
                    people.push(row(format!("{name}户"), id_masked, None, Some(household)));
                }
                Counted::Case(case) => {
                    let Some(s) = store.summary(case)? else {
                        continue;
                    };
                    // The running month's reason may be 逾期未访, which the date decides and
                    // the entries do not hold: the page's own cases are computed in full.
                    let reason = if month == YearMonth::of(today) {
                        self.case_contribution_of(&store, &s, month, today)?
                            .map_or(reason.clone(), |c| measure.reason(&c))
                    } else {
                        reason.clone()
                    };
                    people.push(StatsPerson {
                        reason,
                        ..row(
                            s.name.clone(),
                            s.id_number.masked(),
                            Some(case),
                            Some(s.household),
                        )
                    });
                }
                Counted::Ledger(person, household) => {
                    let Some(p) = store.person(person)? else {
                        continue;
                    };
                    people.push(row(
                        p.name.clone(),
                        p.id_number.masked(),
                        None,
                        Some(household),
                    ));
                }
                Counted::Lead(id) => {
                    let Some(l) = store.lead_by_id(id)? else {
                        continue;
                    };
                    people.push(StatsPerson {
                        reason: format!("{}：{reason}", l.source.label()),
                        ..row(l.name.clone(), l.id_number.masked(), None, None)
                    });
                }
            }
        }
        let next = super::cut_page(&mut people, limit, |r| &r.key);
        Ok(StatsPeoplePage {
            people,
            next,
            total,
        })
    }

    /// [`Service::stats_people`] by walking every case and household of the month, as the
    /// kept entries' oracle (the tests compare the two) and for the running month's
    /// overdue. Not an API.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)] // One per field of the request it answers.
    pub fn stats_people_by_walk(
        &self,
        actor: &Actor,
        month: YearMonth,
        township: Option<&TownshipCode>,
        measure: Measure,
        after: Option<&str>,
        limit: u32,
        today: NaiveDate,
    ) -> Result<StatsPeoplePage> {
        if after.is_some_and(|a| a.len() > STATS_PEOPLE_KEY_MAX) {
            return Err(ServiceError::Refused(
                "统计名单：翻页位置过长，请重新打开名单".into(),
            ));
        }
        let limit = limit.clamp(1, STATS_PEOPLE_PAGE_MAX) as usize;
        let db = self.db()?;
        let mut table = MonthTable::new(month);
        let mut total: u32 = 0;
        // Only the page (and one more, to know there is a next) is kept: the rows after
        // `after` with the smallest keys.
        let mut page: Vec<StatsPerson> = Vec::new();
        let mut keep = |row: StatsPerson| {
            if after.is_some_and(|a| row.key.as_str() <= a) {
                return;
            }
            let at = page.partition_point(|r| r.key < row.key);
            if at <= limit {
                page.insert(at, row);
                page.truncate(limit + 1);
            }
        };
        self.walk_month(
            actor,
            month,
            township.map(|t| t.0.as_str()),
            today,
            &mut table,
            |county, counted| {
                let c = match &counted {
                    Walked::Case { contribution, .. }
                    | Walked::Household { contribution, .. }
                    | Walked::Ledger { contribution, .. }
                    | Walked::Lead { contribution, .. } => *contribution,
                };
                let n = measure.count(c);
                let counts = match &counted {
                    Walked::Case { .. } => Counts::Cases,
                    Walked::Household { .. } => Counts::Households,
                    Walked::Ledger { .. } => Counts::Ledgers,
                    Walked::Lead { .. } => Counts::Leads,
                };
                if n == 0 || counts != measure.counts() {
                    return Ok(());
                }
                total = total.saturating_add(n);
                let mut reason = measure.reason(c);
                let (key, case, household, name, id_masked, township) = match counted {
                    Walked::Case { summary: s, .. } => (
                        key(&s.township, &s.name, 'c', s.case.0),
                        Some(s.case),
                        Some(s.household),
                        s.name.clone(),
                        s.id_number.masked(),
                        s.township.clone(),
                    ),
                    Walked::Household { household: h, .. } => {
                        let first = match h.members.first() {
                            Some(p) => db.person(*p)?,
                            None => None,
                        };
                        let (name, id_masked) = first.map_or((String::new(), String::new()), |p| {
                            (p.name.clone(), p.id_number.masked())
                        });
                        (
                            key(&h.township, &name, 'h', h.id.0),
                            None,
                            Some(h.id),
                            format!("{name}户"),
                            id_masked,
                            h.township.clone(),
                        )
                    }
                    Walked::Ledger {
                        person, household, ..
                    } => (
                        key(&household.township, &person.name, 'g', person.id.0),
                        None,
                        Some(household.id),
                        person.name.clone(),
                        person.id_number.masked(),
                        household.township.clone(),
                    ),
                    Walked::Lead { lead, .. } => {
                        let township = lead
                            .township
                            .clone()
                            .unwrap_or_else(|| TownshipCode(crate::store::UNASSIGNED.into()));
                        reason = format!("{}：{reason}", lead.source.label());
                        (
                            key(&township, &lead.name, 'l', lead.id),
                            None,
                            None,
                            lead.name.clone(),
                            lead.id_number.masked(),
                            township,
                        )
                    }
                };
                keep(StatsPerson {
                    key,
                    case,
                    household,
                    name,
                    id_masked,
                    township_name: township_label(county, &township),
                    township,
                    reason,
                });
                Ok(())
            },
        )?;
        let next = super::cut_page(&mut page, limit, |r| &r.key);
        Ok(StatsPeoplePage {
            people: page,
            next,
            total,
        })
    }
}
