use super::*;
use crate::domain::IdNumber;
use crate::domain::ids::PersonId;
use crate::domain::lead::{DispositionStep, RowFacts};
use crate::domain::ledger::{PolicyRecord, PostRecord};
use crate::domain::payment::Payment;
use crate::domain::post::{Placement, PostExitReason};
use crate::domain::stats_entries::{lead_entries, ledger_entries, record_figures};
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

fn payment(on: NaiveDate, amount: u32, paid_to: PaidTo) -> Payment {
    Payment {
        on,
        amount,
        from: YearMonth::of(on),
        to: YearMonth::of(on),
        paid_to,
    }
}

fn policy(kind: PolicyKind, payments: Vec<Payment>) -> PolicyRecord {
    PolicyRecord {
        kind,
        from: ym(2026, 1),
        to: ym(2026, 12),
        amount: 100_000,
        paid_to: PaidTo::Card("C1".into()),
        months: None,
        approved: Some(ym(2026, 1)),
        benefit_months: Vec::new(),
        payments,
    }
}

fn post(kind: PostType, start: NaiveDate, end: NaiveDate, ended: Option<NaiveDate>) -> PostRecord {
    PostRecord {
        placement: Placement {
            post_type: kind,
            employer: "于都县贡江镇人民政府".into(),
            start,
            end,
            post_subsidy: 1_000,
            insurance_subsidy: 500,
        },
        ended: ended.map(|on| (on, PostExitReason::EmployedElsewhere)),
    }
}

fn card() -> PaidTo {
    PaidTo::Card("360731000001".into())
}

fn unit() -> PaidTo {
    PaidTo::UnitAccount("6217000000001".into())
}

#[test]
fn payments_on_the_first_and_the_last_day_count_in_their_month_once_per_person() {
    let mut l = Ledger::new(PersonId(1));
    l.policies = vec![
        policy(
            PolicyKind::SocialInsurance,
            vec![
                payment(d(2026, 10, 31), 300, card()),
                payment(d(2026, 11, 1), 500, card()),
                payment(d(2026, 11, 30), 700, unit()),
            ],
        ),
        policy(
            PolicyKind::Training,
            vec![payment(d(2026, 12, 1), 900, card())],
        ),
    ];
    let si = 2; // PolicyKind::ALL's order
    let nov = ledger_contribution(&l, ym(2026, 11));
    assert_eq!(nov.paid_persons[si], 1, "two payments, one person");
    assert_eq!(nov.paid_yuan[si], 1_200);
    assert_eq!((nov.to_card_persons, nov.to_card_yuan), (1, 500));
    assert_eq!((nov.to_unit_persons, nov.to_unit_yuan), (1, 700));
    assert_eq!(
        nov.paid_persons[3], 0,
        "the training subsidy was paid in December"
    );
    let oct = ledger_contribution(&l, ym(2026, 10));
    assert_eq!((oct.paid_persons[si], oct.paid_yuan[si]), (1, 300));
    assert_eq!(oct.to_unit_persons, 0);
    let dec = ledger_contribution(&l, ym(2026, 12));
    assert_eq!((dec.paid_persons, dec.paid_yuan[3]), ([0, 0, 0, 1, 0], 900));
}

#[test]
fn a_post_counts_at_a_months_end_only_when_held_on_its_last_day() {
    let mut l = Ledger::new(PersonId(1));
    l.posts = vec![
        // Started on the last day of October: held at its end.
        post(
            PostType::Urban,
            d(2026, 10, 31),
            d(2027, 10, 30),
            Some(d(2026, 12, 30)),
        ),
        // Planned to end on 30 November: held at November's end, not December's.
        post(
            PostType::RuralPartTime,
            d(2026, 3, 1),
            d(2026, 11, 30),
            None,
        ),
    ];
    assert_eq!(ledger_contribution(&l, ym(2026, 9)).on_post, [0, 1]);
    assert_eq!(ledger_contribution(&l, ym(2026, 10)).on_post, [1, 1]);
    assert_eq!(ledger_contribution(&l, ym(2026, 11)).on_post, [1, 1]);
    // Ended on 30 December, the day before the month's last.
    assert_eq!(ledger_contribution(&l, ym(2026, 12)).on_post, [0, 0]);
}

fn lead(list_date: NaiveDate, history: Vec<(NaiveDate, Disposition)>) -> Lead {
    let id = IdNumber::compose("360731", d(1980, 3, 1), 7).unwrap();
    let (disposition, disposition_on) = history
        .last()
        .map_or((Disposition::ToContact, None), |(on, x)| (*x, Some(*on)));
    Lead {
        id: 1,
        source: LeadSource::Disabled,
        sex: id.sex(),
        id_number: id,
        converted_from_15: false,
        name: "李国华".into(),
        phone: None,
        address: String::new(),
        village: None,
        township: None,
        facts: RowFacts::default(),
        list_date,
        row: 2,
        last_seen: list_date,
        contact_deadline: None,
        disposition,
        disposition_on,
        history: history
            .into_iter()
            .map(|(on, disposition)| DispositionStep { on, disposition })
            .collect(),
        note: String::new(),
        person: None,
        rev: 1,
    }
}

#[test]
fn a_lead_contacted_in_one_month_and_applying_in_the_next_is_contacted_at_the_first_end() {
    let l = lead(
        d(2026, 10, 31),
        vec![
            (d(2026, 11, 30), Disposition::Contacted),
            (d(2026, 12, 1), Disposition::Applied),
        ],
    );
    let disabled = 2; // LeadSource::ALL's order
    let oct = lead_contribution(&l, ym(2026, 10));
    assert_eq!(
        oct.leads_found[disabled], 1,
        "found on a list dated the 31st"
    );
    assert_eq!(oct.leads_at_end, [1, 0, 0, 0, 0]);
    let nov = lead_contribution(&l, ym(2026, 11));
    assert_eq!(nov.leads_found, [0; 6]);
    assert_eq!(nov.leads_at_end, [0, 1, 0, 0, 0]);
    assert_eq!(
        lead_contribution(&l, ym(2026, 12)).leads_at_end,
        [0, 0, 1, 0, 0]
    );
    assert_eq!(lead_contribution(&l, ym(2026, 9)), Contribution::default());
    // Two steps on one day: the later given holds.
    let twice = lead(
        d(2026, 11, 2),
        vec![
            (d(2026, 11, 3), Disposition::Contacted),
            (d(2026, 11, 3), Disposition::Refused),
        ],
    );
    assert_eq!(
        lead_contribution(&twice, ym(2026, 11)).leads_at_end,
        [0, 0, 0, 0, 1]
    );
    // A person already in the ledger is a data-comparison note, not a lead.
    let mut note = lead(d(2026, 11, 2), Vec::new());
    note.person = Some(PersonId(9));
    assert_eq!(
        lead_contribution(&note, ym(2026, 11)),
        Contribution::default()
    );
    assert!(lead_entries(&note).is_empty());
}

#[test]
fn the_entries_of_a_ledger_and_a_lead_give_back_every_months_contribution() {
    let mut l = Ledger::new(PersonId(1));
    l.posts = vec![post(
        PostType::Urban,
        d(2026, 2, 10),
        d(2027, 2, 9),
        Some(d(2026, 8, 20)),
    )];
    l.policies = vec![policy(
        PolicyKind::PostSubsidy,
        vec![
            payment(d(2026, 3, 5), 1_000, unit()),
            payment(d(2026, 6, 5), 3_000, unit()),
        ],
    )];
    let entries = ledger_entries(&l);
    let lead = lead(
        d(2026, 4, 9),
        vec![
            (d(2026, 5, 1), Disposition::Contacted),
            (d(2026, 7, 1), Disposition::NotEligible),
        ],
    );
    let lead_e = lead_entries(&lead);
    let mut m = ym(2025, 12);
    while m <= ym(2027, 6) {
        let today = d(2027, 12, 31);
        let want = ledger_contribution(&l, m);
        let got = record_figures(&entries, m, today);
        assert_eq!(
            (
                got.on_post,
                got.paid_persons,
                got.paid_yuan,
                got.to_unit_yuan
            ),
            (
                want.on_post,
                want.paid_persons,
                want.paid_yuan,
                want.to_unit_yuan
            ),
            "{m:?}"
        );
        let want = lead_contribution(&lead, m);
        let got = record_figures(&lead_e, m, today);
        assert_eq!(
            (got.leads_found, got.leads_at_end),
            (want.leads_found, want.leads_at_end),
            "{m:?}"
        );
        m = m.next();
    }
}
