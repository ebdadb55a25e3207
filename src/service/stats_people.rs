//! 统计 drilled down (第(十三)条, R-STAT-1): the people counted in one figure of a month's
//! table, or the households for the zero-employment figures, a page at a time by stable
//! key. The list walks the same contributions as the table, so its length is the figure.

use super::protocol::{StatsPeoplePage, StatsPerson};
use super::stats::Counted;
use super::{Actor, Result, Service, ServiceError};
use crate::domain::stats::MonthTable;
use crate::domain::stats_measure::Measure;
use crate::domain::{TownshipCode, YearMonth};
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
                match counted {
                    Counted::Case {
                        summary: s,
                        contribution: c,
                    } if !measure.counts_households() => {
                        let n = measure.count(c);
                        if n == 0 {
                            return Ok(());
                        }
                        total = total.saturating_add(n);
                        keep(StatsPerson {
                            key: key(&s.township, &s.name, 'c', s.case.0),
                            case: Some(s.case),
                            household: s.household,
                            name: s.name.clone(),
                            id_masked: s.id_number.masked(),
                            township: s.township.clone(),
                            township_name: county.township_name(&s.township).to_string(),
                            reason: measure.reason(c),
                        });
                    }
                    Counted::Household {
                        household: h,
                        contribution: c,
                    } if measure.counts_households() => {
                        let n = measure.count(c);
                        if n == 0 {
                            return Ok(());
                        }
                        total = total.saturating_add(n);
                        let first = match h.members.first() {
                            Some(p) => db.person(*p)?,
                            None => None,
                        };
                        let (name, id_masked) = first.map_or((String::new(), String::new()), |p| {
                            (p.name.clone(), p.id_number.masked())
                        });
                        keep(StatsPerson {
                            key: key(&h.township, &name, 'h', h.id.0),
                            case: None,
                            household: h.id,
                            name: format!("{name}户"),
                            id_masked,
                            township: h.township.clone(),
                            township_name: county.township_name(&h.township).to_string(),
                            reason: measure.reason(c),
                        });
                    }
                    _ => {}
                }
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
