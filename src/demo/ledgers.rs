//! Posts, policies and dibao linkage in the demo's ledgers (R-LEDGER-1), entered through
//! the same checks as the caseworker's forms.

use crate::domain::ledger::{EntryContext, EntryKind, LedgerDraft, check_entry};
use crate::domain::retirement::retirement_date;
use crate::domain::{RecognitionStatus, Settings};
use crate::store::{County, Stamp, Store, StoreError};

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

pub fn generate(store: &Store, county: &County, stamp: &Stamp) -> Result<(), StoreError> {
    let Some(first) = county.townships.first() else {
        return Ok(());
    };
    let caseworker = Stamp {
        actor: super::DEMO_CASEWORKER.to_string(),
        at: stamp.at,
    };
    let settings = Settings::default();
    let people: Vec<_> = store
        .summaries()?
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised && s.township == first.code)
        // The first few carry the demo's exit proposals.
        .skip(3)
        .take(ENTRIES.len())
        .collect();
    for (summary, entries) in people.iter().zip(ENTRIES) {
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
        for (kind, values) in entries {
            let ctx = EntryContext::new(summary.status, retires, &settings, &ledger, disabled);
            let Ok(entry) = check_entry(&LedgerDraft::typed(*kind, values), &ctx) else {
                continue;
            };
            if ledger.add(entry).is_err() {
                continue;
            }
            let target = format!("{} {}", person.name, person.id_number.masked());
            let rev = ledger.rev;
            let today = caseworker.at.date_naive();
            ledger = store.put_ledger(&caseworker, &ledger, rev, kind.title(), target, today)?;
        }
    }
    Ok(())
}
