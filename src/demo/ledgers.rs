//! Posts, policies and dibao linkage in the demo's ledgers (R-LEDGER-1), entered through
//! the same checks as the caseworker's forms.

use crate::domain::ledger::{EntryContext, EntryKind, LedgerDraft, Paying, check_entry};
use crate::domain::retirement::retirement_date;
use crate::domain::{CaseSummary, RecognitionStatus, Settings};
use crate::store::{County, Stamp, Store, StoreError, Township};

/// Per person: the entries typed as a caseworker would.
const ENTRIES: [&[(EntryKind, &[&str])]; 3] = [
    &[(
        EntryKind::Post,
        &["2", "长征村委会", "2026-03-01", "2028-02-29", "1200", "380"],
    )],
    &[(
        EntryKind::Policy,
        &[
            "3",
            "2026-01",
            "2026-12",
            "4320",
            "362100198001010011",
            "",
            "2026-05",
            "",
            "6480",
        ],
    )],
    &[
        (
            EntryKind::Policy,
            &[
                "4",
                "2026-06",
                "2026-06",
                "1500",
                "362100198001010022",
                "",
                "",
                "",
            ],
        ),
        (
            EntryKind::Dibao,
            &[
                "2",
                "2026-09-01",
                "",
                "2028-08-31",
                "家中一人外出务工，收入超过低保标准，按规定渐退",
            ],
        ),
    ],
];

/// A ledger's entries as typed: each form's kind and values.
type Typed = Vec<(EntryKind, Vec<String>)>;

/// One in this many recognised persons of the county, beyond the first township's three,
/// has a ledger with its subsidies paid month by month.
const PAID_ONE_IN: usize = 40;

/// What one of the paid persons' ledgers holds, typed as a caseworker would: its entries,
/// then the payments of its policies (the policy's number in the ledger, and the
/// 登记补贴发放 form's values), in the order paid. `set` chooses which.
/// The posts of a township are its government's, paid from one account; `code` tells the
/// person's card apart.
fn paid_entries(set: usize, township: &Township, code: &str) -> Typed {
    let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let unit = format!("{}人民政府", township.name);
    let account = format!("6217002{}", township.code.0);
    let monthly = |from: u32, to: u32, yuan: &str, card: &str, account: &str, day: u32| {
        (from..=to)
            .map(|m| {
                let (py, pm) = if m == 12 { (2027, 1) } else { (2026, m + 1) };
                (
                    EntryKind::Payment,
                    v(&[
                        &format!("{py}-{pm:02}-{day:02}"),
                        yuan,
                        &format!("2026-{m:02}"),
                        &format!("2026-{m:02}"),
                        card,
                        account,
                    ]),
                )
            })
            .collect::<Vec<_>>()
    };
    match set % 3 {
        // A rural post, its subsidy paid to the township's account on the 5th of each
        // month for the month before (R-POST-1).
        0 => {
            let mut e = vec![
                (
                    EntryKind::Post,
                    v(&["2", &unit, "2026-03-01", "2028-02-29", "1200", "380"]),
                ),
                (
                    EntryKind::Policy,
                    v(&[
                        "5", "2026-03", "2027-02", "14400", "", &account, "2026-03", "", "",
                    ]),
                ),
            ];
            e.extend(monthly(3, 12, "1200", "", &account, 5));
            e
        }
        // The flexible-employment SI subsidy: the months to approval in one sum, then month
        // by month to the person's card (R-POL-SI).
        1 => {
            let card = format!("3621001980{code}");
            let mut e = vec![
                (
                    EntryKind::Policy,
                    v(&[
                        "3", "2026-01", "2026-12", "4320", &card, "", "2026-05", "", "6480",
                    ]),
                ),
                (
                    EntryKind::Payment,
                    v(&["2026-05-20", "1800", "2026-01", "2026-05", &card, ""]),
                ),
            ];
            e.extend(monthly(6, 12, "360", &card, "", 10));
            e
        }
        // A training subsidy, paid once.
        _ => {
            let card = format!("3621001981{code}");
            vec![
                (
                    EntryKind::Policy,
                    v(&["4", "2026-06", "2026-06", "1500", &card, "", "", ""]),
                ),
                (
                    EntryKind::Payment,
                    v(&["2026-07-15", "1500", "2026-06", "2026-06", &card, ""]),
                ),
            ]
        }
    }
}

pub fn generate(
    store: &Store,
    county: &County,
    today: chrono::NaiveDate,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let Some(first) = county.townships.first() else {
        return Ok(());
    };
    let caseworker = Stamp {
        actor: super::DEMO_CASEWORKER.to_string(),
        at: stamp.at,
    };
    let settings = Settings::default();
    let recognised: Vec<_> = store
        .summaries()?
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised)
        .collect();
    // The first township's first few carry the demo's exit proposals; the next three
    // have the entries of ENTRIES, with nothing paid yet.
    let first_three: Vec<_> = recognised
        .iter()
        .filter(|s| s.township == first.code)
        .skip(3)
        .take(ENTRIES.len())
        .collect();
    let mut people: Vec<(&CaseSummary, Typed)> = first_three
        .iter()
        .zip(ENTRIES)
        .map(|(s, entries)| {
            let typed = entries
                .iter()
                .map(|(k, vs)| (*k, vs.iter().map(|x| x.to_string()).collect()))
                .collect();
            (*s, typed)
        })
        .collect();
    for (i, s) in recognised.iter().enumerate().skip(PAID_ONE_IN / 2) {
        if i % PAID_ONE_IN != 0 || first_three.iter().any(|f| f.case == s.case) {
            continue;
        }
        let Some(township) = county.townships.iter().find(|t| t.code == s.township) else {
            continue;
        };
        let code = format!("{:08}", s.case.0 % 100_000_000);
        people.push((s, paid_entries(i / PAID_ONE_IN, township, &code)));
    }
    for (summary, entries) in people {
        let Some(person) = store.person(summary.person)? else {
            continue;
        };
        let retires = retirement_date(
            person.birth_date(),
            person.id_number.sex(),
            person.former_class,
        );
        let disabled = person
            .categories
            .iter()
            .any(|c| c.category == crate::domain::Category::Disabled);
        let mut ledger = store.ledger(person.id)?;
        let target = format!("{} {}", person.name, person.id_number.masked());
        for (kind, values) in &entries {
            let texts: Vec<&str> = values.iter().map(String::as_str).collect();
            let mut ctx = EntryContext::new(summary.status, retires, &settings, &ledger, disabled);
            if *kind == EntryKind::Payment {
                // A payment is of the ledger's latest policy, as the form on it is.
                let Some(index) = ledger.policies.len().checked_sub(1) else {
                    continue;
                };
                ctx.paying = Some(Paying {
                    index: u32::try_from(index).unwrap_or(0),
                    policy: ledger.policies[index].clone(),
                    today,
                });
            }
            // What the checks refuse (a payment not yet due on a demo of an earlier day)
            // is left out, as a caseworker's refused form would be.
            let Ok(entry) = check_entry(&LedgerDraft::typed(*kind, &texts), &ctx) else {
                continue;
            };
            if ledger.add(entry).is_err() {
                continue;
            }
            let rev = ledger.rev;
            ledger = store.put_ledger(
                &caseworker,
                &ledger,
                rev,
                kind.title(),
                target.clone(),
                today,
            )?;
        }
    }
    Ok(())
}
