//! 第(十三)条 统计监测 (R-STAT-1) and the 90% target of 第(五)条 (R-KPI-1): a month's measures,
//! computed from the dated events a case and a household keep. One case (with its person's
//! facts and follow-up days) maps to its [`Contribution`] for a month; a [`MonthTable`] sums
//! contributions per township and for the county. The same shape lets counters be kept at
//! save time: a write adds the difference of the case's contribution before and after.

use super::case::{AssistanceCase, CaseEventKind};
use super::due::{DueStatus, followup_due};
use super::exit::ExitReason;
use super::followup::WorkStatus;
use super::household::{Household, HouseholdEventKind, clearance_deadline};
use super::ids::TownshipCode;
use super::year_month::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 第(五)条 (R-KPI-1): the rate's formula, as screens and reports show it.
pub const RATE_FORMULA: &str = "就业援助率 = 本年内实现就业（含公益性岗位兜底安置）的人数 ÷ \
本年认定或年初仍在认定期内、有劳动能力和就业意愿且认定时（或年初）未就业的人数；目标 ≥ 90%；百分比保留一位小数，舍去不进位（89.96% 记为 89.9%，未达标不会显示为 90.0%）";

/// The target of 第(五)条, in percent.
pub const RATE_TARGET_PERCENT: u32 = 90;

/// What one case, or one household, adds to a month's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// Recognised at the month's start (before any event of its first day).
    pub at_start: u32,
    /// Recognised in the month.
    pub new: u32,
    /// Exited in the month, by reason (in the order of [`ExitReason::ALL`]).
    pub exited: [u32; 12],
    /// Recognised at the month's end.
    pub at_end: u32,
    /// Recognised at the month's end, by work status (in the order of [`WorkStatus::ALL`]).
    pub by_status: [u32; 6],
    /// Moved from 未就业 into any work status between the year's start and the month's end.
    pub helped_this_year: u32,
    /// R-KPI-1 denominator.
    pub rate_denominator: u32,
    /// R-KPI-1 numerator.
    pub rate_numerator: u32,
    /// Zero-employment households at the month's end.
    pub zero_at_end: u32,
    /// Zero-employment households found in the month.
    pub zero_found: u32,
    /// Zero-employment households cleared (动态清零) in the month.
    pub zero_cleared: u32,
    /// Zero-employment at the month's end and past the clearance deadline.
    pub zero_past_deadline: u32,
    /// Follow-ups due in the month: persons recognised at its end (or today).
    pub followups_due: u32,
    /// Of them, with a follow-up in the month.
    pub followups_done: u32,
    /// Of them, overdue (the month over without one, or last month missed).
    pub followups_overdue: u32,
    /// Holding a public-welfare post on the month's last day (as its record says: ended, or
    /// its planned end), by [`crate::domain::post::PostType::ALL`] (R-POST-1).
    pub on_post: [u32; 2],
    /// Persons paid a policy in the month (a dated payment, R-GOV-1), by
    /// [`crate::domain::ledger::PolicyKind::ALL`].
    pub paid_persons: [u32; 5],
    /// Yuan paid in the month, by [`crate::domain::ledger::PolicyKind::ALL`].
    pub paid_yuan: [u64; 5],
    /// Persons paid in the month to a 社会保障卡, and the yuan.
    pub to_card_persons: u32,
    pub to_card_yuan: u64,
    /// Persons paid in the month to a unit's bank account, and the yuan.
    pub to_unit_persons: u32,
    pub to_unit_yuan: u64,
    /// Leads found on the lists dated in the month, by [`crate::domain::lead::LeadSource::ALL`] (R-DISCOVER-1).
    pub leads_found: [u32; 6],
    /// Leads found by the month's end, by their disposition then ([`crate::domain::lead::Disposition::ALL`]).
    pub leads_at_end: [u32; 5],
}

impl Contribution {
    pub fn add(&mut self, other: &Contribution) {
        self.at_start += other.at_start;
        self.new += other.new;
        sum(&mut self.exited, &other.exited);
        self.at_end += other.at_end;
        sum(&mut self.by_status, &other.by_status);
        self.helped_this_year += other.helped_this_year;
        self.rate_denominator += other.rate_denominator;
        self.rate_numerator += other.rate_numerator;
        self.zero_at_end += other.zero_at_end;
        self.zero_found += other.zero_found;
        self.zero_cleared += other.zero_cleared;
        self.zero_past_deadline += other.zero_past_deadline;
        self.followups_due += other.followups_due;
        self.followups_done += other.followups_done;
        self.followups_overdue += other.followups_overdue;
        sum(&mut self.on_post, &other.on_post);
        sum(&mut self.paid_persons, &other.paid_persons);
        sum(&mut self.paid_yuan, &other.paid_yuan);
        self.to_card_persons += other.to_card_persons;
        self.to_card_yuan += other.to_card_yuan;
        self.to_unit_persons += other.to_unit_persons;
        self.to_unit_yuan += other.to_unit_yuan;
        sum(&mut self.leads_found, &other.leads_found);
        sum(&mut self.leads_at_end, &other.leads_at_end);
    }

    /// Leads found by the month's end, every disposition.
    pub fn leads_total(&self) -> u32 {
        self.leads_at_end.iter().sum()
    }

    /// Exited in the month, all reasons.
    pub fn exited_total(&self) -> u32 {
        self.exited.iter().sum()
    }

    /// In work at the month's end: every status but 未就业.
    pub fn in_work(&self) -> u32 {
        WorkStatus::ALL
            .iter()
            .zip(self.by_status)
            .filter(|(s, _)| s.is_in_work())
            .map(|(_, n)| n)
            .sum()
    }

    /// The rate in tenths of a percent, when the denominator is not empty. Truncated, not
    /// rounded: a county at 89.96% has not reached the 90% of 第(五)条 and must not read 90.0%.
    pub fn rate_permille(&self) -> Option<u32> {
        (self.rate_denominator > 0).then(|| {
            let p = u64::from(self.rate_numerator) * 1000 / u64::from(self.rate_denominator);
            u32::try_from(p).unwrap_or(u32::MAX)
        })
    }

    /// `93.5%`, or `—` without a denominator.
    pub fn rate_label(&self) -> String {
        match self.rate_permille() {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => "—".into(),
        }
    }
}

fn sum<T: Copy + std::ops::AddAssign, const N: usize>(a: &mut [T; N], b: &[T; N]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += *y;
    }
}

/// What the rate needs of the person, beside the case (第(五)条: 有劳动能力和就业意愿).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonFacts {
    pub able_to_work: bool,
    pub willing_to_work: bool,
    /// The person's work status now: the status before the first recorded change, or
    /// throughout when the case records none.
    pub work_status: WorkStatus,
}

/// Recognised at the end of `day`.
fn recognised_at_end_of(case: &AssistanceCase, day: NaiveDate) -> bool {
    let exit = case.exit().map(|(d, _)| d);
    case.recognised_on.is_some_and(|on| on <= day) && exit.is_none_or(|d| d > day)
}

/// The case's work status at the end of `day`, from its WorkStatusChanged events.
pub fn work_status_on(case: &AssistanceCase, now: WorkStatus, day: NaiveDate) -> WorkStatus {
    let mut changes = case.events.iter().filter_map(|e| match e.kind {
        CaseEventKind::WorkStatusChanged { from, to } => Some((e.date, from, to)),
        _ => None,
    });
    let mut status = None;
    for (date, from, to) in changes.by_ref() {
        if date <= day {
            status = Some(to);
        } else {
            return status.unwrap_or(from);
        }
    }
    status.unwrap_or(now)
}

/// What a case's follow-ups say, as its summary already keeps it: the months with at least
/// one follow-up, ascending, and the last contact. The table reads these instead of decoding
/// every follow-up of the county.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowupHistory {
    pub covered: Vec<YearMonth>,
    pub last_contact: Option<NaiveDate>,
}

impl FollowupHistory {
    /// The history of follow-ups held on `days`, in any order.
    pub fn from_days(days: &[NaiveDate]) -> Self {
        let mut covered: Vec<YearMonth> = days.iter().map(|d| YearMonth::of(*d)).collect();
        covered.sort();
        covered.dedup();
        Self {
            covered,
            last_contact: days.iter().max().copied(),
        }
    }
}

/// One case's contribution to `month`'s figures. `followups` is what the case's follow-ups
/// say; `today` bounds the current month's follow-up figures.
///
/// A month already over needs only whether it was covered. For the month running, the
/// history is read as of today: a follow-up dated later in the month (entry does not allow
/// future dates) would count as done.
pub fn case_contribution(
    case: &AssistanceCase,
    person: PersonFacts,
    followups: &FollowupHistory,
    interval_days: Option<u32>,
    due_soon_day: u32,
    month: YearMonth,
    today: NaiveDate,
) -> Contribution {
    let mut c = Contribution::default();
    let (first, last) = (month.first_day(), month.last_day());
    let Some(recognised_on) = case.recognised_on else {
        return c;
    };
    if recognised_on > last {
        return c;
    }
    let day_before = first.pred_opt().unwrap_or(first);
    c.at_start = u32::from(recognised_at_end_of(case, day_before));
    c.new = u32::from(recognised_on >= first);
    let exited = case.exit().filter(|(d, _)| *d >= first && *d <= last);
    if let Some(i) = exited.and_then(|(_, r)| ExitReason::ALL.iter().position(|x| *x == r)) {
        c.exited[i] = 1;
    }
    let at_end = recognised_at_end_of(case, last);
    c.at_end = u32::from(at_end);
    if at_end {
        let status = work_status_on(case, person.work_status, last);
        if let Some(i) = WorkStatus::ALL.iter().position(|s| *s == status) {
            c.by_status[i] = 1;
        }
    }
    // The year so far, up to the month's end.
    let year_start = YearMonth {
        year: month.year,
        month: 1,
    }
    .first_day();
    let entered_work = case.events.iter().any(|e| {
        matches!(e.kind, CaseEventKind::WorkStatusChanged { from, to }
            if !from.is_in_work() && to.is_in_work())
            && e.date >= year_start
            && e.date <= last
    });
    c.helped_this_year = u32::from(entered_work);
    // 第(五)条 (R-KPI-1): recognised this year, or still recognised at its start.
    let year_eve = year_start.pred_opt().unwrap_or(year_start);
    let counted_from = if recognised_on >= year_start {
        Some(recognised_on)
    } else if recognised_at_end_of(case, year_eve) {
        Some(year_start)
    } else {
        None
    };
    if let Some(from) = counted_from {
        let before = from.pred_opt().unwrap_or(from);
        // Not in work when recognised: the status held before that day's changes.
        let at_base = if from == recognised_on {
            work_status_on(case, person.work_status, before)
        } else {
            work_status_on(case, person.work_status, year_eve)
        };
        if person.able_to_work && person.willing_to_work && !at_base.is_in_work() {
            c.rate_denominator = 1;
            let reached = case.events.iter().any(|e| {
                matches!(e.kind, CaseEventKind::WorkStatusChanged { to, .. } if to.is_in_work())
                    && e.date >= from
                    && e.date <= last
            });
            c.rate_numerator = u32::from(reached);
        }
    }
    // R-FOLLOW-1: who owes the month a follow-up, as of its end or today.
    let as_of = today.min(last);
    if as_of >= first && recognised_at_end_of(case, as_of) {
        c.followups_due = 1;
        let up_to = YearMonth::of(as_of);
        let covered: Vec<YearMonth> = followups
            .covered
            .iter()
            .copied()
            .filter(|m| *m <= up_to)
            .collect();
        // Used only while the month runs (as_of is today); a month over is judged by `done`.
        let last_contact = followups.last_contact.filter(|d| *d <= as_of);
        let done = covered.binary_search(&month).is_ok();
        c.followups_done = u32::from(done);
        let status = followup_due(
            recognised_on,
            &covered,
            last_contact,
            interval_days,
            due_soon_day,
            as_of,
        );
        let month_over = today > last;
        c.followups_overdue = u32::from(!done && (month_over || status == DueStatus::Overdue));
    }
    c
}

/// One household's contribution to the zero-employment figures of `month` (R-ZERO-1/2).
pub fn household_contribution(
    household: &Household,
    zero_clearance_days: u32,
    month: YearMonth,
) -> Contribution {
    let mut c = Contribution::default();
    let (first, last) = (month.first_day(), month.last_day());
    let mut since = None;
    for e in household.events.iter().filter(|e| e.date <= last) {
        let in_month = e.date >= first;
        match e.kind {
            HouseholdEventKind::ZeroEmploymentStarted => {
                since = Some(e.date);
                c.zero_found += u32::from(in_month);
            }
            HouseholdEventKind::ZeroEmploymentCleared => {
                since = None;
                c.zero_cleared += u32::from(in_month);
            }
            HouseholdEventKind::ZeroEmploymentEnded(_) => since = None,
        }
    }
    if let Some(since) = since {
        c.zero_at_end = 1;
        c.zero_past_deadline = u32::from(clearance_deadline(since, zero_clearance_days) < last);
    }
    c
}

/// A month's figures by township, and the county's total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTable {
    pub month: Option<YearMonth>,
    /// Townships in code order, each with its name; 未分配 (leads with no township) last.
    pub rows: Vec<TownshipRow>,
    pub total: Contribution,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownshipRow {
    pub township: TownshipCode,
    pub name: String,
    pub counts: Contribution,
}

impl MonthTable {
    pub fn new(month: YearMonth) -> Self {
        Self {
            month: Some(month),
            ..Self::default()
        }
    }

    /// Adds a township's row (empty) so it shows even with nothing to count.
    pub fn township(&mut self, township: &TownshipCode, name: &str) -> &mut Contribution {
        // 未分配 (the leads' empty code) after every township.
        let order = |t: &TownshipCode| (t.0.is_empty(), t.0.clone());
        let at = match self
            .rows
            .binary_search_by(|r| order(&r.township).cmp(&order(township)))
        {
            Ok(at) => at,
            Err(at) => {
                self.rows.insert(
                    at,
                    TownshipRow {
                        township: township.clone(),
                        name: name.to_string(),
                        counts: Contribution::default(),
                    },
                );
                at
            }
        };
        &mut self.rows[at].counts
    }

    /// Adds a contribution to its township and the total.
    pub fn add(&mut self, township: &TownshipCode, name: &str, c: &Contribution) {
        self.township(township, name).add(c);
        self.total.add(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::{CaseEvent, RecognitionStatus};
    use crate::domain::household::HouseholdEvent;
    use crate::domain::ids::{CaseId, HouseholdId, PersonId};
    use crate::domain::tier::Tier;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_rate_is_truncated_so_a_county_just_short_of_the_target_never_reads_90() {
        let c = |num, den| Contribution {
            rate_numerator: num,
            rate_denominator: den,
            ..Contribution::default()
        };
        // 8,996 of 10,000 is 89.96%: short of 第(五)条's 90%, and shown so.
        assert_eq!(c(8_996, 10_000).rate_label(), "89.9%");
        assert_eq!(c(9_000, 10_000).rate_label(), "90.0%");
        assert_eq!(c(2, 3).rate_label(), "66.6%");
        assert_eq!(c(0, 0).rate_label(), "—");
        assert_eq!(c(7, 7).rate_permille(), Some(1000));
    }

    fn nov() -> YearMonth {
        YearMonth::new(2026, 11).unwrap()
    }

    fn case(recognised_on: NaiveDate, events: Vec<(NaiveDate, CaseEventKind)>) -> AssistanceCase {
        let mut all = vec![CaseEvent {
            date: recognised_on,
            kind: CaseEventKind::Recognised { tier: Tier::Two },
        }];
        all.extend(
            events
                .into_iter()
                .map(|(date, kind)| CaseEvent { date, kind }),
        );
        AssistanceCase {
            id: CaseId(1),
            rev: 1,
            person: PersonId(1),
            household: HouseholdId(1),
            township: TownshipCode("360731101".into()),
            status: RecognitionStatus::Recognised,
            tier: Tier::Two,
            applied_on: recognised_on,
            recognised_on: Some(recognised_on),
            events: all,
        }
    }

    fn able(work_status: WorkStatus) -> PersonFacts {
        PersonFacts {
            able_to_work: true,
            willing_to_work: true,
            work_status,
        }
    }

    fn of(c: &AssistanceCase, p: PersonFacts, followups: &[NaiveDate]) -> Contribution {
        case_contribution(
            c,
            p,
            &FollowupHistory::from_days(followups),
            None,
            20,
            nov(),
            d(2026, 12, 2),
        )
    }

    fn change(day: NaiveDate, from: WorkStatus, to: WorkStatus) -> (NaiveDate, CaseEventKind) {
        (day, CaseEventKind::WorkStatusChanged { from, to })
    }

    #[test]
    fn recognised_on_the_first_is_new_not_at_the_start() {
        let c = of(
            &case(d(2026, 11, 1), vec![]),
            able(WorkStatus::Unemployed),
            &[],
        );
        assert_eq!((c.at_start, c.new, c.at_end), (0, 1, 1));
        let c = of(
            &case(d(2026, 10, 31), vec![]),
            able(WorkStatus::Unemployed),
            &[],
        );
        assert_eq!((c.at_start, c.new, c.at_end), (1, 0, 1));
    }

    #[test]
    fn recognised_on_the_last_day_is_new_and_at_the_end_but_not_next_month_s_new() {
        let k = case(d(2026, 11, 30), vec![]);
        let c = of(&k, able(WorkStatus::Unemployed), &[]);
        assert_eq!((c.at_start, c.new, c.at_end), (0, 1, 1));
        let dec = YearMonth::new(2026, 12).unwrap();
        let next = case_contribution(
            &k,
            able(WorkStatus::Unemployed),
            &FollowupHistory::default(),
            None,
            20,
            dec,
            d(2027, 1, 5),
        );
        assert_eq!((next.at_start, next.new, next.at_end), (1, 0, 1));
        // Not yet recognised in October.
        let oct = YearMonth::new(2026, 10).unwrap();
        let before = case_contribution(
            &k,
            able(WorkStatus::Unemployed),
            &FollowupHistory::default(),
            None,
            20,
            oct,
            d(2027, 1, 5),
        );
        assert_eq!(before, Contribution::default());
    }

    #[test]
    fn exited_and_reapplied_in_one_month_counts_as_exited_and_as_new() {
        let old = case(
            d(2025, 3, 1),
            vec![(
                d(2026, 11, 5),
                CaseEventKind::Exited {
                    reason: ExitReason::MovedAway,
                },
            )],
        );
        let new = case(d(2026, 11, 25), vec![]);
        let mut table = MonthTable::new(nov());
        let t = TownshipCode("360731101".into());
        table.add(&t, "梅林镇", &of(&old, able(WorkStatus::Unemployed), &[]));
        table.add(&t, "梅林镇", &of(&new, able(WorkStatus::Unemployed), &[]));
        let total = &table.total;
        assert_eq!((total.at_start, total.new, total.at_end), (1, 1, 1));
        assert_eq!(total.exited_total(), 1);
        let moved = ExitReason::ALL
            .iter()
            .position(|r| *r == ExitReason::MovedAway)
            .unwrap();
        assert_eq!(total.exited[moved], 1);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].counts, table.total);
    }

    #[test]
    fn a_public_welfare_post_counts_in_the_numerator() {
        let k = case(
            d(2026, 3, 2),
            vec![change(
                d(2026, 9, 1),
                WorkStatus::Unemployed,
                WorkStatus::PublicWelfarePost,
            )],
        );
        let c = of(&k, able(WorkStatus::PublicWelfarePost), &[]);
        assert_eq!((c.rate_numerator, c.rate_denominator), (1, 1));
        assert_eq!(c.helped_this_year, 1);
        assert_eq!(c.in_work(), 1);
        assert_eq!(c.rate_label(), "100.0%");
        // Before the change, in August, the person is counted but not yet helped.
        let aug = YearMonth::new(2026, 8).unwrap();
        let c = case_contribution(
            &k,
            able(WorkStatus::PublicWelfarePost),
            &FollowupHistory::default(),
            None,
            20,
            aug,
            d(2026, 12, 2),
        );
        assert_eq!((c.rate_numerator, c.rate_denominator), (0, 1));
        assert_eq!(c.by_status[0], 1);
    }

    #[test]
    fn in_work_when_recognised_is_not_in_the_denominator() {
        let k = case(d(2026, 3, 2), vec![]);
        let c = of(&k, able(WorkStatus::Flexible), &[]);
        assert_eq!((c.rate_numerator, c.rate_denominator), (0, 0));
        assert_eq!(c.rate_label(), "—");
        // Recognised last year while unemployed, in work before this year began: out too.
        let k = case(
            d(2025, 3, 2),
            vec![change(
                d(2025, 12, 1),
                WorkStatus::Unemployed,
                WorkStatus::Employed,
            )],
        );
        let c = of(&k, able(WorkStatus::Employed), &[]);
        assert_eq!(c.rate_denominator, 0);
        assert_eq!(c.helped_this_year, 0);
    }

    #[test]
    fn unwilling_or_unable_persons_are_excluded() {
        let k = case(d(2026, 3, 2), vec![]);
        let mut p = able(WorkStatus::Unemployed);
        p.willing_to_work = false;
        assert_eq!(of(&k, p, &[]).rate_denominator, 0);
        let mut p = able(WorkStatus::Unemployed);
        p.able_to_work = false;
        assert_eq!(of(&k, p, &[]).rate_denominator, 0);
        assert_eq!(
            of(&k, able(WorkStatus::Unemployed), &[]).rate_denominator,
            1
        );
    }

    #[test]
    fn a_household_cleared_and_found_again_in_one_month() {
        let event = |date, kind| HouseholdEvent { date, kind };
        let h = Household {
            id: HouseholdId(1),
            rev: 1,
            township: TownshipCode("360731101".into()),
            village: String::new(),
            address: String::new(),
            members: vec![],
            has_business_income: false,
            events: vec![
                event(d(2026, 9, 1), HouseholdEventKind::ZeroEmploymentStarted),
                event(d(2026, 11, 3), HouseholdEventKind::ZeroEmploymentCleared),
                event(d(2026, 11, 20), HouseholdEventKind::ZeroEmploymentStarted),
            ],
        };
        let c = household_contribution(&h, 30, nov());
        assert_eq!((c.zero_found, c.zero_cleared, c.zero_at_end), (1, 1, 1));
        // Found on the 20th: its deadline (20 December) has not passed at November's end.
        assert_eq!(c.zero_past_deadline, 0);
        let oct = YearMonth::new(2026, 10).unwrap();
        let c = household_contribution(&h, 30, oct);
        assert_eq!((c.zero_found, c.zero_cleared, c.zero_at_end), (0, 0, 1));
        assert_eq!(c.zero_past_deadline, 1);
    }

    #[test]
    fn follow_ups_due_done_and_overdue() {
        let k = case(d(2026, 1, 5), vec![]);
        let p = able(WorkStatus::Unemployed);
        let done = of(&k, p, &[d(2026, 10, 3), d(2026, 11, 30)]);
        assert_eq!(
            (
                done.followups_due,
                done.followups_done,
                done.followups_overdue
            ),
            (1, 1, 0)
        );
        let missed = of(&k, p, &[d(2026, 10, 3)]);
        assert_eq!(
            (
                missed.followups_due,
                missed.followups_done,
                missed.followups_overdue
            ),
            (1, 0, 1)
        );
        // The month still running, last month covered: due, not overdue yet.
        let running = case_contribution(
            &k,
            p,
            &FollowupHistory::from_days(&[d(2026, 10, 3)]),
            None,
            20,
            nov(),
            d(2026, 11, 10),
        );
        assert_eq!((running.followups_due, running.followups_overdue), (1, 0));
    }

    #[test]
    fn a_month_over_is_judged_by_its_own_visits_not_by_later_ones() {
        let days = [d(2026, 12, 1), d(2026, 9, 5), d(2026, 9, 20)];
        let h = FollowupHistory::from_days(&days);
        let sep = YearMonth::new(2026, 9).unwrap();
        let oct = YearMonth::new(2026, 10).unwrap();
        let dec = YearMonth::new(2026, 12).unwrap();
        assert_eq!(h.covered, vec![sep, dec]);
        assert_eq!(h.last_contact, Some(d(2026, 12, 1)));
        let k = case(d(2026, 8, 1), vec![]);
        let p = able(WorkStatus::Unemployed);
        // October, read in December: nothing in October, so it owes its visit, though a
        // later contact exists.
        let c = case_contribution(&k, p, &h, None, 20, oct, d(2026, 12, 2));
        assert_eq!(
            (c.followups_due, c.followups_done, c.followups_overdue),
            (1, 0, 1)
        );
        let c = case_contribution(&k, p, &h, None, 20, sep, d(2026, 12, 2));
        assert_eq!(
            (c.followups_due, c.followups_done, c.followups_overdue),
            (1, 1, 0)
        );
        // December running on the 2nd: visited on the 1st.
        let c = case_contribution(&k, p, &h, None, 20, dec, d(2026, 12, 2));
        assert_eq!(
            (c.followups_due, c.followups_done, c.followups_overdue),
            (1, 1, 0)
        );
    }
}
