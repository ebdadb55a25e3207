//! 案件队列 by pages (R-FOLLOW-1): a window of one slice of the queue around the cursor,
//! the slice's length and the header's counts; and what changed since a data sequence.
//!
//! The pages are read from the index (`service::queue_index`); the full scan here,
//! [`Service::queue_by_full_scan`], stays as the oracle they are tested against, with
//! [`Service::queue_page_by_full_scan`] paging it the way the index must.

use super::protocol::*;
use super::{Actor, Result, Service, ServiceError};
use crate::domain::name_search::{Searchable, initials, matches};
use crate::domain::queue::{Urgency, by_urgency};
use crate::domain::{CaseSummary, DueStatus, RecognitionStatus};
use chrono::NaiveDate;

impl Service {
    /// The whole queue the actor covers on `today`, computed from every summary: what the
    /// queue was before it was indexed, and the oracle pages are tested against. Not an API
    /// for fronts: no reply should carry the county.
    #[doc(hidden)]
    pub fn queue_by_full_scan(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<QueueRow>> {
        let store = self.db()?;
        let county = self.county_or_blank(&store, today)?;
        let mut rows: Vec<QueueRow> = Vec::new();
        for s in store.summaries()? {
            if !actor.covers(&s.township) {
                continue;
            }
            if let Some(row) = self.row_of(&store, &county, s, today)? {
                rows.push(row);
            }
        }
        // Follow-ups by urgency; then applications, the furthest along and oldest first.
        rows.sort_by(|a, b| match (a.due, b.due) {
            (Some(da), Some(db)) => by_urgency(
                &Urgency {
                    due: da,
                    last_contact: a.last_contact,
                    name: &a.name,
                },
                &Urgency {
                    due: db,
                    last_contact: b.last_contact,
                    name: &b.name,
                },
            ),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => (std::cmp::Reverse(stage(a.status)), a.applied_on, &a.name).cmp(&(
                std::cmp::Reverse(stage(b.status)),
                b.applied_on,
                &b.name,
            )),
        });
        Ok(rows)
    }

    /// The county, or a blank one on a store that has none yet.
    pub(super) fn county_or_blank(
        &self,
        store: &crate::store::Store,
        today: NaiveDate,
    ) -> Result<crate::store::County> {
        Ok(store.county()?.unwrap_or_else(|| crate::store::County {
            name: String::new(),
            code: String::new(),
            townships: vec![],
            demo_households: None,
            created_on: today,
        }))
    }

    /// A case's row of the queue on `today`, or none when the queue does not list it.
    pub(super) fn row_of(
        &self,
        store: &crate::store::Store,
        county: &crate::store::County,
        s: CaseSummary,
        today: NaiveDate,
    ) -> Result<Option<QueueRow>> {
        let due = s.due(today, &self.settings);
        let (applied_on, notice_ends) = match s.status {
            RecognitionStatus::Recognised if due.is_some() => (today, None),
            RecognitionStatus::Applied
            | RecognitionStatus::InitialReview
            | RecognitionStatus::InNotice
            | RecognitionStatus::AwaitingRecognition => match store.case(s.case)? {
                Some(c) => (c.applied_on, c.notice().map(|n| n.ends)),
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        let zero_since = if s.zero_employment_household {
            store.household(s.household)?.and_then(|h| {
                h.zero_employment_on_file()
                    .then(|| h.events.last().map(|e| e.date))
                    .flatten()
            })
        } else {
            None
        };
        Ok(Some(QueueRow {
            zero_since,
            case: s.case,
            rev: s.rev,
            household: s.household,
            person: s.person,
            initials: initials(&s.name),
            id_masked: s.id_number.masked(),
            id_tail: s.id_number.tail4().to_string(),
            categories: s.categories(today, &self.settings),
            township_name: county.township_name(&s.township).to_string(),
            township: s.township,
            phone: s.phone,
            name: s.name,
            tier: s.tier,
            status: s.status,
            due,
            applied_on,
            notice_ends,
            zero_employment_household: s.zero_employment_household,
            last_contact: s.last_contact,
            work_status: s.work_status,
        }))
    }

    /// [`Request::QueuePage`] answered by the full scan: the oracle the indexed page is
    /// tested against. Not an API for fronts.
    #[doc(hidden)]
    pub fn queue_page_by_full_scan(
        &self,
        actor: &Actor,
        today: NaiveDate,
        query: &QueueQuery,
    ) -> Result<QueuePage> {
        check_search(&query.search)?;
        let seq = self.db()?.data_seq()?;
        let all = self.queue_by_full_scan(actor, today)?;
        let counts = counts_of(&all);
        let rows = slice_of(all, query.slice, &query.search, today);
        Ok(QueuePage {
            seq,
            ..window(rows, query, counts)
        })
    }

    /// One slice of the full scan, searched, and the header's counts: the oracle of
    /// [`Request::QueueChanges`]' positions. Not an API for fronts.
    #[doc(hidden)]
    pub fn queue_slice_by_full_scan(
        &self,
        actor: &Actor,
        today: NaiveDate,
        slice: QueueSlice,
        search: &str,
    ) -> Result<(Vec<QueueRow>, QueueCounts)> {
        let all = self.queue_by_full_scan(actor, today)?;
        let counts = counts_of(&all);
        Ok((slice_of(all, slice, search, today), counts))
    }
}

pub(super) fn check_search(search: &str) -> Result<()> {
    if search.chars().count() > QUEUE_SEARCH_MAX {
        return Err(ServiceError::Refused(format!(
            "搜索内容过长（最多 {QUEUE_SEARCH_MAX} 个字）"
        )));
    }
    Ok(())
}

/// The header's counts over the whole queue.
pub(super) fn counts_of(rows: &[QueueRow]) -> QueueCounts {
    let mut c = QueueCounts::default();
    for r in rows {
        match r.due {
            Some(DueStatus::Overdue) => c.overdue += 1,
            Some(DueStatus::DueSoon) => c.due_soon += 1,
            Some(DueStatus::Due) => c.due += 1,
            Some(DueStatus::Done) => c.done += 1,
            None => c.applications += 1,
        }
    }
    c
}

/// The rows of the whole queue in `slice` that match `search`, in the queue's order.
pub(super) fn slice_of(
    rows: Vec<QueueRow>,
    slice: QueueSlice,
    search: &str,
    today: NaiveDate,
) -> Vec<QueueRow> {
    rows.into_iter()
        .filter(|r| slice.holds(r, today))
        .filter(|r| {
            matches(
                search,
                &Searchable {
                    name: &r.name,
                    initials: &r.initials,
                    id_tail: &r.id_tail,
                    phone: &r.phone,
                },
            )
        })
        .collect()
}

/// The window `query` asks for out of a slice's rows.
pub(super) fn window(rows: Vec<QueueRow>, query: &QueueQuery, counts: QueueCounts) -> QueuePage {
    let total = rows.len();
    if total == 0 {
        return QueuePage {
            counts,
            ..QueuePage::default()
        };
    }
    let anchor = match query.at {
        QueueAt::First => 0,
        QueueAt::Last => total - 1,
        QueueAt::Case(case) => rows.iter().position(|r| r.case == case).unwrap_or(0),
        QueueAt::Row(n) => (n as usize).min(total - 1),
    };
    let before = usize::from(query.before.min(QUEUE_WINDOW_MAX));
    let after = usize::from(query.after.min(QUEUE_WINDOW_MAX));
    let from = anchor.saturating_sub(before);
    let to = (anchor + after + 1).min(total);
    QueuePage {
        seq: 0,
        from: from as u32,
        total: total as u32,
        at: Some((anchor - from) as u32),
        rows: rows.into_iter().skip(from).take(to - from).collect(),
        counts,
    }
}

/// How far along the way in a case is, for ordering applications.
fn stage(status: RecognitionStatus) -> u8 {
    match status {
        RecognitionStatus::Applied => 0,
        RecognitionStatus::InitialReview => 1,
        RecognitionStatus::InNotice => 2,
        RecognitionStatus::AwaitingRecognition => 3,
        _ => 4,
    }
}
