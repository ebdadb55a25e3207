use super::*;
use crate::domain::case::{CaseEvent, CaseEventKind, RecognitionStatus};
use crate::domain::exit::ExitReason;
use crate::domain::followup::WorkStatus;
use crate::domain::household::{HouseholdEvent, HouseholdEventKind, ZeroEndReason};
use crate::domain::ids::{CaseId, HouseholdId, PersonId, TownshipCode};
use crate::domain::tier::Tier;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

/// A small deterministic generator: the same cases every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0) as u64;
        from + chrono::Days::new(self.below(span + 1))
    }
}

fn random_case(rng: &mut Rng, today: NaiveDate) -> (AssistanceCase, PersonFacts, Vec<YearMonth>) {
    let recognised_on = rng.day_between(d(2023, 1, 1), today);
    let mut events = vec![CaseEvent {
        date: recognised_on,
        kind: CaseEventKind::Recognised { tier: Tier::Two },
    }];
    let mut status = WorkStatus::ALL[rng.below(6) as usize];
    let first_status = status;
    let mut day = recognised_on;
    let mut exited = false;
    for _ in 0..rng.below(5) {
        day = rng.day_between(day, today);
        if rng.below(6) == 0 {
            let reason = ExitReason::ALL[rng.below(12) as usize];
            events.push(CaseEvent {
                date: day,
                kind: CaseEventKind::Exited { reason },
            });
            exited = true;
            break;
        }
        let to = WorkStatus::ALL[rng.below(6) as usize];
        if to != status {
            events.push(CaseEvent {
                date: day,
                kind: CaseEventKind::WorkStatusChanged { from: status, to },
            });
            status = to;
        }
    }
    let now = if rng.below(8) == 0 {
        // A person record whose status moved without an event.
        WorkStatus::ALL[rng.below(6) as usize]
    } else if events.len() == 1 {
        first_status
    } else {
        status
    };
    let mut covered = Vec::new();
    let mut m = YearMonth::of(recognised_on);
    let end = YearMonth::of(if exited { day } else { today });
    while m <= end {
        if rng.below(4) != 0 {
            covered.push(m);
        }
        m = m.next();
    }
    let case = AssistanceCase {
        id: CaseId(1),
        rev: 1,
        person: PersonId(1),
        household: HouseholdId(1),
        township: TownshipCode("360731101".into()),
        status: if exited {
            RecognitionStatus::Exited
        } else {
            RecognitionStatus::Recognised
        },
        tier: Tier::Two,
        applied_on: recognised_on,
        recognised_on: Some(recognised_on),
        events,
    };
    let facts = PersonFacts {
        able_to_work: rng.below(10) != 0,
        willing_to_work: rng.below(10) != 0,
        work_status: now,
    };
    (case, facts, covered)
}

fn random_household(rng: &mut Rng, today: NaiveDate) -> Household {
    let mut events = Vec::new();
    let mut day = rng.day_between(d(2023, 1, 1), today);
    let mut zero = false;
    for _ in 0..rng.below(6) {
        let kind = if zero {
            zero = false;
            if rng.below(3) == 0 {
                HouseholdEventKind::ZeroEmploymentEnded(ZeroEndReason::NotAbleOrWilling)
            } else {
                HouseholdEventKind::ZeroEmploymentCleared
            }
        } else {
            zero = true;
            HouseholdEventKind::ZeroEmploymentStarted
        };
        events.push(HouseholdEvent { date: day, kind });
        day = rng.day_between(day, today);
    }
    Household {
        id: HouseholdId(1),
        rev: 1,
        township: TownshipCode("360731101".into()),
        village: String::new(),
        address: String::new(),
        members: vec![],
        has_business_income: false,
        events,
    }
}

/// Sums entries into month counters, as the store does.
fn counters(entries: &[Entry]) -> BTreeMap<YearMonth, Tally> {
    let mut out: BTreeMap<YearMonth, Tally> = BTreeMap::new();
    for e in entries {
        out.entry(e.month).or_insert([0; slot::COUNT])[usize::from(e.slot)] += i64::from(e.delta);
    }
    out
}

fn read(c: &BTreeMap<YearMonth, Tally>, month: YearMonth, today: NaiveDate) -> Contribution {
    figures(c.iter().map(|(m, t)| (*m, t)), month, today)
}

/// What the full computation says, with the running month's overdue left to the queue.
fn expected(
    case: &AssistanceCase,
    facts: PersonFacts,
    covered: &[YearMonth],
    month: YearMonth,
    today: NaiveDate,
) -> Contribution {
    let history = FollowupHistory {
        covered: covered.to_vec(),
        last_contact: None,
    };
    let mut c = case_contribution(case, facts, &history, None, 20, month, today);
    if today <= month.last_day() {
        c.followups_overdue = 0;
    }
    c
}

fn months(from: YearMonth, to: YearMonth) -> Vec<YearMonth> {
    let mut out = vec![from];
    while *out.last().unwrap() < to {
        let next = out.last().unwrap().next();
        out.push(next);
    }
    out
}

#[test]
fn entries_of_many_cases_read_back_as_every_month_s_full_computation() {
    let today = d(2026, 12, 2);
    let mut rng = Rng(15);
    let mut all = Vec::new();
    let mut sums: BTreeMap<YearMonth, Contribution> = BTreeMap::new();
    let span = months(ym(2022, 11), ym(2027, 2));
    for _ in 0..400 {
        let (case, facts, covered) = random_case(&mut rng, today);
        let entries = case_entries(&case, facts, &covered);
        let own = counters(&entries);
        for m in &span {
            let want = expected(&case, facts, &covered, *m, today);
            assert_eq!(
                read(&own, *m, today),
                want,
                "{case:?} {facts:?} {covered:?} in {m:?}"
            );
            sums.entry(*m).or_default().add(&want);
        }
        all.extend(entries);
    }
    // And summed over the cases, as a township's counters are.
    let county = counters(&all);
    for m in &span {
        assert_eq!(read(&county, *m, today), sums[m], "{m:?}");
    }
}

#[test]
fn entries_of_households_read_back_as_every_month_s_full_computation() {
    let today = d(2026, 12, 2);
    let mut rng = Rng(16);
    for _ in 0..300 {
        let h = random_household(&mut rng, today);
        let own = counters(&household_entries(&h, 30));
        for m in months(ym(2022, 12), ym(2027, 6)) {
            let mut want = household_contribution(&h, 30, m);
            if today >= m.first_day() {
                // The household adds no follow-up figures.
                want.followups_due = 0;
            }
            assert_eq!(read(&own, m, today), want, "{h:?} in {m:?}");
        }
    }
}

#[test]
fn a_case_recognised_years_ago_is_carried_into_each_new_year_s_denominator() {
    let case = AssistanceCase {
        id: CaseId(1),
        rev: 1,
        person: PersonId(1),
        household: HouseholdId(1),
        township: TownshipCode("360731101".into()),
        status: RecognitionStatus::Recognised,
        tier: Tier::Two,
        applied_on: d(2023, 5, 1),
        recognised_on: Some(d(2023, 5, 1)),
        events: vec![CaseEvent {
            date: d(2023, 5, 1),
            kind: CaseEventKind::Recognised { tier: Tier::Two },
        }],
    };
    let facts = PersonFacts {
        able_to_work: true,
        willing_to_work: true,
        work_status: WorkStatus::Unemployed,
    };
    let entries = case_entries(&case, facts, &[]);
    // Finite: nothing after the December of the last event's year.
    assert!(
        entries.iter().all(|e| e.month <= ym(2023, 12)),
        "{entries:?}"
    );
    let c = counters(&entries);
    let today = d(2027, 3, 1);
    for m in [ym(2024, 1), ym(2026, 7), ym(2027, 2)] {
        let f = read(&c, m, today);
        assert_eq!(
            (f.rate_denominator, f.at_end, f.at_start),
            (1, 1, 1),
            "{m:?}"
        );
    }
}

#[test]
fn the_first_open_month_follows_the_late_entry_window() {
    // 第(五)条 with late_entry_days = 5: November's visits can be entered to 5 December.
    assert_eq!(first_open_month(d(2026, 12, 5), 5), ym(2026, 11));
    assert_eq!(first_open_month(d(2026, 12, 6), 5), ym(2026, 12));
    assert_eq!(first_open_month(d(2026, 12, 1), 0), ym(2026, 12));
}

#[test]
fn a_change_dated_in_a_closed_month_moves_to_the_first_open_one_or_is_dropped() {
    let open = ym(2027, 1);
    assert_eq!(
        clamp(ym(2027, 2), slot::NEW, 1, open),
        vec![(ym(2027, 2), slot::NEW, 1)]
    );
    assert_eq!(clamp(ym(2026, 10), slot::NEW, 1, open), vec![]);
    assert_eq!(
        clamp(ym(2026, 10), slot::AT_END, -1, open),
        vec![(open, slot::AT_END, -1)]
    );
    assert_eq!(clamp(ym(2026, 10), slot::HELPED, 1, open), vec![]);
    assert_eq!(
        clamp(ym(2026, 12), slot::ELIGIBLE, 1, open),
        vec![(open, slot::ELIGIBLE, 1), (open, slot::NEW_DENOMINATOR, 1)]
    );
    let march = ym(2027, 3);
    assert_eq!(
        clamp(ym(2027, 2), slot::HELPED, 1, march),
        vec![(march, slot::HELPED, 1)]
    );
}

/// A closed month reads the same after a change dated in it, carried forward by [`clamp`];
/// the open months read the change.
#[test]
fn a_closed_month_is_unchanged_by_a_later_backdated_exit() {
    let today = d(2026, 12, 10);
    let open = first_open_month(today, 5);
    assert_eq!(open, ym(2026, 12));
    let facts = PersonFacts {
        able_to_work: true,
        willing_to_work: true,
        work_status: WorkStatus::Unemployed,
    };
    let base = AssistanceCase {
        id: CaseId(1),
        rev: 1,
        person: PersonId(1),
        household: HouseholdId(1),
        township: TownshipCode("360731101".into()),
        status: RecognitionStatus::Recognised,
        tier: Tier::Two,
        applied_on: d(2026, 3, 1),
        recognised_on: Some(d(2026, 3, 1)),
        events: vec![CaseEvent {
            date: d(2026, 3, 1),
            kind: CaseEventKind::Recognised { tier: Tier::Two },
        }],
    };
    let mut exited = base.clone();
    exited.events.push(CaseEvent {
        date: d(2026, 10, 20),
        kind: CaseEventKind::Exited {
            reason: ExitReason::MovedAway,
        },
    });
    let old = case_entries(&base, facts, &[]);
    let mut c = counters(&old);
    let before_oct = read(&c, ym(2026, 10), today);
    let before_nov = read(&c, ym(2026, 11), today);
    for ((m, s), delta) in difference(&old, &case_entries(&exited, facts, &[])) {
        for (m, s, delta) in clamp(m, s, delta, open) {
            c.entry(m).or_insert([0; slot::COUNT])[s] += delta;
        }
    }
    assert_eq!(read(&c, ym(2026, 10), today), before_oct);
    assert_eq!(read(&c, ym(2026, 11), today), before_nov);
    let dec = read(&c, ym(2026, 12), today);
    assert_eq!((dec.at_end, dec.exited_total()), (0, 0));
}
