//! 案件队列 read from its index (`store::queue_index`, whose documentation says why the
//! keys need no date): the slice asked for is a few groups in order (逾期, 即将到期, 待访,
//! 已访; or the applications' stages), each group the k-way merge of sorted range scans
//! (one per township and lane, bounded by days worked out from today) and of the few rows
//! judged one by one. Each group's length is a sum of counters, so the header's counts and
//! the slice's length cost no scan; a page costs its offset in its group plus its rows
//! (keys only, no record decoded but the rows shown).
//!
//! A search looks the query up in the search keys (`store::queue_index::SearchKind`:
//! name and phone suffixes, initials, ID tail endings), normalised once as `matches`
//! normalises it, and places each case found in the slice by the row key its search key
//! carries: the rows found are exactly those of the full scan (initials longer than the
//! keys hold are checked with `matches` itself), at a cost of the cases found, not of the
//! slice.

use super::protocol::*;
use super::{Actor, Result, Service};
use crate::domain::due::followup_due;
use crate::domain::name_search::{Searchable, initials, matches};
use crate::domain::year_month::YearMonth;
use crate::domain::{CaseId, DueStatus, Settings, Tier};
use crate::store::{
    INITIALS_INDEXED, IndexedRow, Lane, LaneInfo, QueueMark, SearchKind, Store, day_key,
};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::{BTreeSet, BinaryHeap, HashMap};

const OVERDUE: usize = 0;
const DUE_SOON: usize = 1;
const DUE: usize = 2;
const DONE: usize = 3;
const AWAITING: usize = 4;
const IN_NOTICE: usize = 5;
const INITIAL: usize = 6;
const GROUPS: usize = 7;
/// From how many rows into a group a page seeks by the day counters rather than reading
/// the rows before it.
const SEEK_FROM: usize = 64;

/// Rows of one lane in the queue's order within a group.
enum Rows {
    Range {
        prefix: Vec<u8>,
        lo: Vec<u8>,
        hi: Option<Vec<u8>>,
    },
    /// Judged one by one, in order.
    Listed(Vec<IndexedRow>),
}

struct Source {
    /// Zero-employment household and tier, for recognised cases' lanes.
    attrs: Option<(bool, Tier)>,
    /// A regular lane's range by days, whose rows per day are counted.
    by_day: bool,
    count: u64,
    rows: Rows,
}

impl Source {
    fn holds(&self, prefix: &[u8], sort: &[u8], case: CaseId) -> bool {
        match &self.rows {
            Rows::Range { prefix: p, lo, hi } => {
                p == prefix
                    && sort >= lo.as_slice()
                    && hi.as_ref().is_none_or(|h| sort < h.as_slice())
            }
            Rows::Listed(rows) => rows.iter().any(|r| r.case == case),
        }
    }

    /// How many of its rows sort before `sort`.
    fn before(&self, store: &Store, sort: &[u8]) -> Result<u64> {
        Ok(match &self.rows {
            Rows::Range { prefix, lo, hi } if self.by_day && sort.len() >= 4 => {
                if sort <= lo.as_slice() {
                    return Ok(0);
                }
                // Whole days before the row's day by the counters, then its day's rows.
                let day = &sort[..4];
                let hi = hi.as_deref();
                let whole_to = match hi {
                    Some(h) if h < day => h,
                    _ => day,
                };
                let mut n = if whole_to > lo.as_slice() {
                    store.queue_day_count(prefix, lo, whole_to)?
                } else {
                    0
                };
                if hi.is_none_or(|h| day < h) {
                    let from = if lo.as_slice() > day {
                        lo.as_slice()
                    } else {
                        day
                    };
                    let to = match hi {
                        Some(h) if h < sort => h,
                        _ => sort,
                    };
                    if to > from {
                        for row in store.queue_rows(prefix, from, Some(to)) {
                            row?;
                            n += 1;
                        }
                    }
                }
                n
            }
            Rows::Range { prefix, lo, hi } => {
                if sort <= lo.as_slice() {
                    0
                } else {
                    let end = match hi {
                        Some(h) if h.as_slice() < sort => h.as_slice(),
                        _ => sort,
                    };
                    let mut n = 0;
                    for row in store.queue_rows(prefix, lo, Some(end)) {
                        row?;
                        n += 1;
                    }
                    n
                }
            }
            Rows::Listed(rows) => rows.iter().filter(|r| r.sort.as_slice() < sort).count() as u64,
        })
    }
}

/// The queue of an actor on a day, as groups of sources, before any row is read.
pub(super) struct Plan {
    groups: Vec<Vec<Source>>,
}

/// Which lanes' rows a slice keeps, by their attributes.
type Keep = Box<dyn Fn(Option<(bool, Tier)>) -> bool>;

/// Which groups a slice is made of, and which lanes' rows it keeps.
fn slice_groups(slice: QueueSlice) -> (&'static [usize], Keep) {
    let any = |_: Option<(bool, Tier)>| true;
    match slice {
        QueueSlice::FollowUps => (&[OVERDUE, DUE_SOON, DUE, DONE], Box::new(any)),
        QueueSlice::Overdue => (&[OVERDUE], Box::new(any)),
        QueueSlice::ZeroEmployment => (
            &[OVERDUE, DUE_SOON, DUE, DONE],
            Box::new(|a: Option<(bool, Tier)>| a.is_some_and(|(zero, _)| zero)),
        ),
        QueueSlice::Tier(t) => (
            &[OVERDUE, DUE_SOON, DUE, DONE],
            Box::new(move |a: Option<(bool, Tier)>| a.is_some_and(|(_, tier)| tier == t)),
        ),
        QueueSlice::InitialReview => (&[INITIAL], Box::new(any)),
        QueueSlice::InNotice => (&[IN_NOTICE], Box::new(any)),
        QueueSlice::AwaitingRecognition => (&[AWAITING], Box::new(any)),
    }
}

fn group_of(due: DueStatus) -> usize {
    match due {
        DueStatus::Overdue => OVERDUE,
        DueStatus::DueSoon => DUE_SOON,
        DueStatus::Due => DUE,
        DueStatus::Done => DONE,
    }
}

fn dk(day: NaiveDate) -> Vec<u8> {
    day_key(Some(day)).to_vec()
}

impl Plan {
    /// Every lane of the townships `covers` accepts, split into the groups `today` gives.
    pub(super) fn new(
        store: &Store,
        covers: &dyn Fn(&crate::domain::TownshipCode) -> bool,
        today: NaiveDate,
        settings: &Settings,
    ) -> Result<Plan> {
        let mut groups: Vec<Vec<Source>> = (0..GROUPS).map(|_| Vec::new()).collect();
        for lane in store.queue_lanes(covers)? {
            match lane.lane {
                Lane::Regular => regular(store, &lane, today, settings, &mut groups)?,
                Lane::Rerecognised => judged(store, &lane, &[], today, settings, &mut groups)?,
                Lane::NeverContacted => {
                    never_contacted(store, &lane, today, settings, &mut groups)?
                }
                Lane::Applications => applications(store, &lane, today, &mut groups)?,
            }
        }
        Ok(Plan { groups })
    }

    /// The header's counts: over every lane, whatever the slice.
    pub(super) fn counts(&self) -> QueueCounts {
        let n = |g: usize| -> u32 {
            let total: u64 = self.groups[g].iter().map(|s| s.count).sum();
            u32::try_from(total).unwrap_or(u32::MAX)
        };
        QueueCounts {
            overdue: n(OVERDUE),
            due_soon: n(DUE_SOON),
            due: n(DUE),
            done: n(DONE),
            applications: n(AWAITING) + n(IN_NOTICE) + n(INITIAL),
        }
    }

    /// The slice's groups, in order, each its sources.
    fn slice(&self, slice: QueueSlice) -> Vec<Vec<&Source>> {
        let (ids, keep) = slice_groups(slice);
        ids.iter()
            .map(|g| self.groups[*g].iter().filter(|s| keep(s.attrs)).collect())
            .collect()
    }
}

/// A regular lane: ranges by the day of the last contact (see `store::queue_index`); the
/// rows contacted after today's month are judged one by one.
fn regular(
    store: &Store,
    lane: &LaneInfo,
    today: NaiveDate,
    settings: &Settings,
    groups: &mut [Vec<Source>],
) -> Result<()> {
    let Some((_, tier)) = lane.attrs else {
        return Ok(());
    };
    let month = YearMonth::of(today);
    let (prev, next) = (month.prev(), month.next());
    let (mut overdue, mut pending, mut current, mut ahead) = (0u64, 0u64, 0u64, 0u64);
    for (m, n) in store.queue_months(&lane.prefix)? {
        match m {
            m if m < prev => overdue += n,
            m if m == prev => pending += n,
            m if m == month => current += n,
            _ => ahead += n,
        }
    }
    let range = |lo: Option<NaiveDate>, hi: Option<NaiveDate>, count: u64| Source {
        attrs: lane.attrs,
        by_day: true,
        count,
        rows: Rows::Range {
            prefix: lane.prefix.clone(),
            lo: lo.map(dk).unwrap_or_default(),
            hi: hi.map(dk),
        },
    };
    if overdue > 0 {
        groups[OVERDUE].push(range(None, Some(prev.first_day()), overdue));
    }
    if pending > 0 {
        let g = if today.day() >= settings.due_soon_day {
            DUE_SOON
        } else {
            DUE
        };
        groups[g].push(range(
            Some(prev.first_day()),
            Some(month.first_day()),
            pending,
        ));
    }
    if current > 0 {
        // 待访 again once the tier's interval has passed: last contact ≤ today − interval.
        let split = settings
            .tier(tier)
            .interval_days
            .and_then(|days| today.checked_sub_days(Days::new(u64::from(days))))
            .and_then(|cut| cut.succ_opt())
            .map(|end| end.clamp(month.first_day(), next.first_day()))
            .unwrap_or(month.first_day());
        let due = if split > month.first_day() {
            store.queue_days(&lane.prefix, month.first_day(), split)?
        } else {
            0
        };
        if due > 0 {
            groups[DUE].push(range(Some(month.first_day()), Some(split), due));
        }
        if current > due {
            groups[DONE].push(range(Some(split), Some(next.first_day()), current - due));
        }
    }
    if ahead > 0 {
        judged(store, lane, &dk(next.first_day()), today, settings, groups)?;
    }
    Ok(())
}

/// Rows of a lane from `lo` on, each judged from its summary as the full scan does.
fn judged(
    store: &Store,
    lane: &LaneInfo,
    lo: &[u8],
    today: NaiveDate,
    settings: &Settings,
    groups: &mut [Vec<Source>],
) -> Result<()> {
    let mut by_group: Vec<Vec<IndexedRow>> = (0..DONE + 1).map(|_| Vec::new()).collect();
    for row in store.queue_rows(&lane.prefix, lo, None) {
        let row = row?;
        let Some(due) = store
            .summary(row.case)?
            .and_then(|s| s.due(today, settings))
        else {
            continue;
        };
        by_group[group_of(due)].push(row);
    }
    push_listed(lane, by_group, groups);
    Ok(())
}

/// Rows never contacted with nothing covered, judged from their values: 逾期 once a month
/// has ended since the recognition, else 待访 or 即将到期 (`followup_due` with no months).
fn never_contacted(
    store: &Store,
    lane: &LaneInfo,
    today: NaiveDate,
    settings: &Settings,
    groups: &mut [Vec<Source>],
) -> Result<()> {
    let Some((_, tier)) = lane.attrs else {
        return Ok(());
    };
    let interval = settings.tier(tier).interval_days;
    let mut by_group: Vec<Vec<IndexedRow>> = (0..DONE + 1).map(|_| Vec::new()).collect();
    for row in store.queue_rows(&lane.prefix, &[], None) {
        let row = row?;
        let Some(on) = store.queue_mark(&row)?.recognised_on else {
            continue;
        };
        let due = followup_due(on, &[], None, interval, settings.due_soon_day, today);
        by_group[group_of(due)].push(row);
    }
    push_listed(lane, by_group, groups);
    Ok(())
}

fn push_listed(lane: &LaneInfo, by_group: Vec<Vec<IndexedRow>>, groups: &mut [Vec<Source>]) {
    for (g, rows) in by_group.into_iter().enumerate() {
        if !rows.is_empty() {
            groups[g].push(Source {
                attrs: lane.attrs,
                by_day: false,
                count: rows.len() as u64,
                rows: Rows::Listed(rows),
            });
        }
    }
}

/// Applications by stage (the sort's first byte is 3 − stage); notices judged by today.
fn applications(
    store: &Store,
    lane: &LaneInfo,
    today: NaiveDate,
    groups: &mut [Vec<Source>],
) -> Result<()> {
    let range = |slot: u8, count: u64| Source {
        attrs: None,
        by_day: false,
        count,
        rows: Rows::Range {
            prefix: lane.prefix.clone(),
            lo: vec![slot],
            hi: Some(vec![slot + 1]),
        },
    };
    if lane.rows[0] > 0 {
        groups[AWAITING].push(range(0, lane.rows[0]));
    }
    if lane.rows[1] > 0 {
        let (mut over, mut running) = (Vec::new(), Vec::new());
        for row in store.queue_rows(&lane.prefix, &[1], Some(&[2])) {
            let row = row?;
            let mark = store.queue_mark(&row)?;
            if mark.notice_ends.is_some_and(|end| today > end) {
                over.push(row);
            } else {
                running.push(row);
            }
        }
        for (g, rows) in [(AWAITING, over), (IN_NOTICE, running)] {
            if !rows.is_empty() {
                groups[g].push(Source {
                    attrs: None,
                    by_day: false,
                    count: rows.len() as u64,
                    rows: Rows::Listed(rows),
                });
            }
        }
    }
    for slot in [2u8, 3] {
        let n = lane.rows[usize::from(slot)];
        if n > 0 {
            groups[INITIAL].push(range(slot, n));
        }
    }
    Ok(())
}

/// A source's next row in a merge: the smallest sort first, or the largest when the merge
/// runs from the end.
#[derive(PartialEq, Eq)]
struct Head {
    sort: Vec<u8>,
    source: usize,
    back: bool,
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let c = (&self.sort, self.source).cmp(&(&other.sort, other.source));
        if self.back { c } else { c.reverse() }
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

type RowIter<'a> = Box<dyn Iterator<Item = crate::store::Result<IndexedRow>> + 'a>;

/// The rows of a group's sources in the queue's order (or from its end, `back`): a k-way
/// merge by sort bytes (which end with the case, so no two rows tie).
struct Merge<'a> {
    iters: Vec<RowIter<'a>>,
    heads: Vec<Option<IndexedRow>>,
    heap: BinaryHeap<Head>,
    back: bool,
    failed: Option<crate::store::StoreError>,
}

impl<'a> Merge<'a> {
    fn new(store: &'a Store, sources: &[&'a Source], back: bool) -> Merge<'a> {
        let mut m = Merge {
            iters: Vec::new(),
            heads: Vec::new(),
            heap: BinaryHeap::new(),
            back,
            failed: None,
        };
        for s in sources {
            let it: RowIter<'a> = match (&s.rows, back) {
                (Rows::Range { prefix, lo, hi }, false) => {
                    Box::new(store.queue_rows(prefix, lo, hi.as_deref()))
                }
                (Rows::Range { prefix, lo, hi }, true) => {
                    Box::new(store.queue_rows(prefix, lo, hi.as_deref()).rev())
                }
                (Rows::Listed(rows), false) => Box::new(rows.iter().cloned().map(Ok)),
                (Rows::Listed(rows), true) => Box::new(rows.iter().rev().cloned().map(Ok)),
            };
            m.iters.push(it);
            m.heads.push(None);
            let i = m.iters.len() - 1;
            m.pull(i);
        }
        m
    }

    fn pull(&mut self, i: usize) {
        match self.iters[i].next() {
            Some(Ok(row)) => {
                self.heap.push(Head {
                    sort: row.sort.clone(),
                    source: i,
                    back: self.back,
                });
                self.heads[i] = Some(row);
            }
            Some(Err(e)) => self.failed = Some(e),
            None => {}
        }
    }
}

impl Iterator for Merge<'_> {
    type Item = crate::store::Result<IndexedRow>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        let head = self.heap.pop()?;
        let row = self.heads[head.source].take()?;
        self.pull(head.source);
        Some(Ok(row))
    }
}

/// Whether a row's value matches the search, by `matches` itself.
fn found(mark: &QueueMark, search: &str) -> bool {
    let ini = initials(&mark.name);
    matches(
        search,
        &Searchable {
            name: &mark.name,
            initials: &ini,
            id_tail: &mark.id_tail,
            phone: &mark.phone,
        },
    )
}

/// The rows of the slice `groups` that match `search`, in the slice's order: the cases
/// the search keys find for the query (normalised once, as `matches` does), each placed
/// in its group by its row key and checked with `matches`.
fn search_hits(store: &Store, groups: &[Vec<&Source>], search: &str) -> Result<Vec<CaseId>> {
    let q = crate::domain::text::halfwidth(search.trim()).to_lowercase();
    let digits_like = q
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || (c == 'x' && i + 1 == q.len()));
    let letters = q.chars().all(|c| c.is_ascii_alphabetic());
    let mut candidates = std::collections::BTreeMap::new();
    if letters {
        let first: String = q.chars().take(INITIALS_INDEXED).collect();
        candidates.extend(store.queue_search(SearchKind::Initials, first.as_bytes(), false)?);
    } else if digits_like {
        if q.len() <= 4 {
            candidates.extend(store.queue_search(SearchKind::IdTail, q.as_bytes(), true)?);
        }
        if !q.contains('x') {
            candidates.extend(store.queue_search(SearchKind::Phone, q.as_bytes(), false)?);
        }
    } else {
        let text = search.trim();
        candidates.extend(store.queue_search(SearchKind::Name, text.as_bytes(), false)?);
    }
    // The keys find exactly what `matches` does, except initials longer than they hold.
    let exact = !(letters && q.chars().count() > INITIALS_INDEXED);
    let mut ranges: HashMap<&[u8], Vec<(usize, &Source)>> = HashMap::new();
    let mut listed: HashMap<CaseId, usize> = HashMap::new();
    for (g, sources) in groups.iter().enumerate() {
        for s in sources {
            match &s.rows {
                Rows::Range { prefix, .. } => {
                    ranges.entry(prefix.as_slice()).or_default().push((g, s))
                }
                Rows::Listed(rows) => listed.extend(rows.iter().map(|r| (r.case, g))),
            }
        }
    }
    let mut placed: Vec<(usize, Vec<u8>, CaseId)> = Vec::new();
    for (case, hit) in candidates {
        let at = usize::try_from(hit.lane_len).unwrap_or(usize::MAX);
        let (Some(prefix), Some(sort)) = (hit.row.get(..at), hit.row.get(at..)) else {
            continue;
        };
        let group = listed.get(&case).copied().or_else(|| {
            ranges.get(prefix).and_then(|v| {
                v.iter()
                    .find(|(_, s)| s.holds(prefix, sort, case))
                    .map(|(g, _)| *g)
            })
        });
        let Some(g) = group else {
            continue;
        };
        let matched = exact
            || store
                .queue_mark_at(&hit.row)?
                .is_some_and(|mark| found(&mark, search));
        if matched {
            placed.push((g, sort.to_vec(), case));
        }
    }
    placed.sort();
    Ok(placed.into_iter().map(|(_, _, case)| case).collect())
}

/// A slice of a plan, searched or not, that pages are cut from.
pub(super) struct Cut<'p> {
    store: &'p Store,
    groups: Vec<Vec<&'p Source>>,
    /// With a search: the cases found, in order (the slice's keys read once).
    found: Option<Vec<CaseId>>,
}

impl<'p> Cut<'p> {
    pub(super) fn new(
        store: &'p Store,
        plan: &'p Plan,
        slice: QueueSlice,
        search: &str,
    ) -> Result<Cut<'p>> {
        let groups = plan.slice(slice);
        let searching = !crate::domain::text::halfwidth(search.trim()).is_empty();
        let found = if searching {
            Some(search_hits(store, &groups, search)?)
        } else {
            None
        };
        Ok(Cut {
            store,
            groups,
            found,
        })
    }

    pub(super) fn total(&self) -> u64 {
        match &self.found {
            Some(f) => f.len() as u64,
            None => self.groups.iter().flatten().map(|s| s.count).sum(),
        }
    }

    /// Where `case` is in the slice, if it is.
    pub(super) fn position(&self, case: CaseId) -> Result<Option<u64>> {
        if let Some(f) = &self.found {
            return Ok(f.iter().position(|c| *c == case).map(|p| p as u64));
        }
        let Some(entry) = self.store.queue_entry(case)? else {
            return Ok(None);
        };
        let at = usize::try_from(entry.lane_len).unwrap_or(usize::MAX);
        let (Some(prefix), Some(sort)) = (entry.row.get(..at), entry.row.get(at..)) else {
            return Ok(None);
        };
        let mut offset = 0u64;
        for g in &self.groups {
            if g.iter().any(|s| s.holds(prefix, sort, case)) {
                for s in g {
                    offset += s.before(self.store, sort)?;
                }
                return Ok(Some(offset));
            }
            offset += g.iter().map(|s| s.count).sum::<u64>();
        }
        Ok(None)
    }

    /// The cases at positions `from..to` of the slice.
    pub(super) fn cases(&self, from: u64, to: u64) -> Result<Vec<CaseId>> {
        if let Some(f) = &self.found {
            let (from, to) = (from as usize, (to as usize).min(f.len()));
            return Ok(f.get(from..to).map(<[CaseId]>::to_vec).unwrap_or_default());
        }
        let mut out = Vec::new();
        let mut start = 0u64;
        for g in &self.groups {
            let len: u64 = g.iter().map(|s| s.count).sum();
            let end = start + len;
            if end > from && start < to {
                let mut skip = from.saturating_sub(start) as usize;
                let take = (to.min(end) - start.max(from)) as usize;
                let after = len as usize - skip - take;
                let seeked;
                let g = if skip > SEEK_FROM && after >= skip {
                    match self.seek(g, skip as u64)? {
                        Some((sources, rest)) => {
                            seeked = sources;
                            skip = rest as usize;
                            seeked.iter().collect()
                        }
                        None => g.clone(),
                    }
                } else {
                    g.clone()
                };
                let g = &g;
                if after < skip {
                    // Nearer the group's end: read it backwards (End costs its page only).
                    let mut tail = Vec::with_capacity(take);
                    for row in Merge::new(self.store, g, true).skip(after).take(take) {
                        tail.push(row?.case);
                    }
                    out.extend(tail.into_iter().rev());
                } else {
                    for row in Merge::new(self.store, g, false).skip(skip).take(take) {
                        out.push(row?.case);
                    }
                }
            }
            start = end;
            if start >= to {
                break;
            }
        }
        Ok(out)
    }
}

impl Cut<'_> {
    /// The group `g` from the day its row `skip` is on, and how many rows of that day
    /// come before it: from the per-day counters (and the rows judged one by one), so a
    /// page deep in a long group reads its page, not every row before it. None for a
    /// group not made of regular lanes (applications: few).
    #[allow(clippy::type_complexity)] // the sources and a count, named where used
    fn seek(&self, g: &[&Source], skip: u64) -> Result<Option<(Vec<Source>, u64)>> {
        let mut days: std::collections::BTreeMap<[u8; 4], u64> = Default::default();
        for s in g {
            match &s.rows {
                Rows::Range { prefix, lo, hi } if s.by_day => {
                    for (day, n) in self.store.queue_day_counts(prefix, lo, hi.as_deref())? {
                        *days.entry(day).or_default() += n;
                    }
                }
                Rows::Listed(rows) => {
                    for r in rows {
                        if let Some(day) = r.sort.get(..4).and_then(|d| <[u8; 4]>::try_from(d).ok())
                        {
                            *days.entry(day).or_default() += 1;
                        }
                    }
                }
                Rows::Range { .. } => return Ok(None),
            }
        }
        let mut before = 0u64;
        let mut at = None;
        for (day, n) in days {
            if before + n > skip {
                at = Some(day);
                break;
            }
            before += n;
        }
        let Some(day) = at else {
            return Ok(None);
        };
        let from: Vec<Source> = g
            .iter()
            .map(|s| Source {
                attrs: s.attrs,
                by_day: s.by_day,
                count: 0,
                rows: match &s.rows {
                    Rows::Range { prefix, lo, hi } => Rows::Range {
                        prefix: prefix.clone(),
                        lo: if lo.as_slice() > day.as_slice() {
                            lo.clone()
                        } else {
                            day.to_vec()
                        },
                        hi: hi.clone(),
                    },
                    Rows::Listed(rows) => Rows::Listed(
                        rows.iter()
                            .filter(|r| r.sort.as_slice() >= day.as_slice())
                            .cloned()
                            .collect(),
                    ),
                },
            })
            .collect();
        Ok(Some((from, skip - before)))
    }
}

impl Service {
    /// The store, its queue index built first if it is not (a store of the previous
    /// version, a demo county just loaded): with writes held off, so none slips between
    /// the build's read and its batch. Built here, on the first queue request, not when
    /// the service starts: a damaged record is then reported by the request that reads it.
    pub(super) fn queue_store(&self) -> Result<std::sync::Arc<Store>> {
        let store = self.db()?;
        if !store.queue_index_built()? {
            let _alone = self.gate.write().unwrap_or_else(|p| p.into_inner());
            store.ensure_queue_index(&super::exits::system_stamp())?;
        }
        Ok(store)
    }

    /// [`Request::QueuePage`] as on `today`, for the tests that compare it with the full
    /// scan on days other than the service's own. Not an API.
    #[doc(hidden)]
    pub fn queue_page_on(
        &self,
        actor: &Actor,
        today: NaiveDate,
        query: &QueueQuery,
    ) -> Result<QueuePage> {
        self.queue_page(actor, today, query)
    }

    /// [`Request::QueueChanges`] as on `today`. Not an API.
    #[doc(hidden)]
    pub fn queue_changes_on(
        &self,
        actor: &Actor,
        today: NaiveDate,
        since: u64,
        slice: QueueSlice,
        search: &str,
    ) -> Result<QueueChanges> {
        self.queue_changes(actor, today, since, slice, search)
    }

    /// A window of one slice of the queue, searched: from the index.
    pub(super) fn queue_page(
        &self,
        actor: &Actor,
        today: NaiveDate,
        query: &QueueQuery,
    ) -> Result<QueuePage> {
        super::queue::check_search(&query.search)?;
        let store = self.queue_store()?;
        // Read first: a write between this and the page is asked for again by the change.
        let seq = store.data_seq()?;
        let plan = Plan::new(&store, &|t| actor.covers(t), today, &self.settings)?;
        let counts = plan.counts();
        let cut = Cut::new(&store, &plan, query.slice, &query.search)?;
        let total = cut.total();
        if total == 0 {
            return Ok(QueuePage {
                seq,
                counts,
                ..QueuePage::default()
            });
        }
        let anchor = match query.at {
            QueueAt::First => 0,
            QueueAt::Last => total - 1,
            QueueAt::Case(case) => cut.position(case)?.unwrap_or(0),
            QueueAt::Row(n) => u64::from(n).min(total - 1),
        };
        let before = u64::from(query.before.min(QUEUE_WINDOW_MAX));
        let after = u64::from(query.after.min(QUEUE_WINDOW_MAX));
        let from = anchor.saturating_sub(before);
        let to = (anchor + after + 1).min(total);
        let county = self.county_or_blank(&store, today)?;
        let mut rows = Vec::new();
        for case in cut.cases(from, to)? {
            if let Some(s) = store.summary(case)?
                && let Some(row) = self.row_of(&store, &county, s, today)?
            {
                rows.push(row);
            }
        }
        let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        Ok(QueuePage {
            seq,
            from: n(from),
            total: n(total),
            at: Some(n(anchor - from)),
            rows,
            counts,
        })
    }

    /// The rows of a slice changed since `since`, from the change log: each changed case
    /// with its row and place now, or none when it left the slice. A session behind the
    /// log's window, or a change of everything (a bulk load, township names), or more
    /// changes than a page holds, is told to reload its window.
    pub(super) fn queue_changes(
        &self,
        actor: &Actor,
        today: NaiveDate,
        since: u64,
        slice: QueueSlice,
        search: &str,
    ) -> Result<QueueChanges> {
        super::queue::check_search(search)?;
        let store = self.queue_store()?;
        let seq = store.data_seq()?;
        let plan = Plan::new(&store, &|t| actor.covers(t), today, &self.settings)?;
        let counts = plan.counts();
        let cut = Cut::new(&store, &plan, slice, search)?;
        let total = u32::try_from(cut.total()).unwrap_or(u32::MAX);
        let changed = match self.changed_cases(&store, since, seq)? {
            None => None,
            Some(cases) => {
                let county = self.county_or_blank(&store, today)?;
                let mut out = Vec::new();
                for case in cases {
                    // Another township's case is not named to this session at all.
                    let Some(s) = store.summary(case)?.filter(|s| actor.covers(&s.township)) else {
                        continue;
                    };
                    let now = match cut.position(case)? {
                        Some(p) => self
                            .row_of(&store, &county, s, today)?
                            .map(|r| (u32::try_from(p).unwrap_or(u32::MAX), r)),
                        None => None,
                    };
                    out.push(QueueChange { case, now });
                }
                Some(out)
            }
        };
        Ok(QueueChanges {
            seq,
            changed,
            total,
            counts,
        })
    }

    /// The cases written after `since` up to `seq`, if the log holds them all and they
    /// are few enough for one reply.
    fn changed_cases(&self, store: &Store, since: u64, seq: u64) -> Result<Option<Vec<CaseId>>> {
        if since > seq {
            return Ok(None);
        }
        let Some(entries) = store.queue_log(since + 1, seq)? else {
            return Ok(None);
        };
        let mut cases = BTreeSet::new();
        for e in entries {
            if e.all {
                return Ok(None);
            }
            cases.extend(e.cases);
            for h in e.households {
                cases.extend(store.household_cases(h)?);
            }
            if cases.len() > usize::from(QUEUE_WINDOW_MAX) {
                return Ok(None);
            }
        }
        Ok(Some(cases.into_iter().collect()))
    }
}
