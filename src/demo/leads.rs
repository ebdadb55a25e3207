//! The demo's leads (R-DISCOVER-1): three lists as the agencies send them — 民政's dibao
//! roll, 残联's certificate holders and 人社's registered unemployed — read through the same
//! row checks an import uses, matched against the ledger, written as imports are, and some
//! of them worked on: contacted, then found not eligible or refusing. So the 线索 pane, the
//! fast lane and the statistics' 线索 figures have something to show.

use super::names;
use super::rng::SplitMix64;
use crate::domain::lead::{Disposition, LeadSource, ListContext, Places, RawRow, check_rows};
use crate::domain::{IdNumber, Settings, Sex};
use crate::store::{County, Stamp, Store, StoreError};
use chrono::{Days, NaiveDate};

/// Each list's source, how many days before today it is dated, and its share of rows
/// against the households.
const LISTS: [(LeadSource, u64, u32); 3] = [
    (LeadSource::Dibao, 12, 30),
    (LeadSource::Disabled, 40, 60),
    (LeadSource::RegisteredUnemployed, 25, 45),
];

/// Region codes no demo person is issued from, so a lead is somebody new to the ledger.
const REGIONS: [&str; 3] = ["360781", "360732", "360733"];

pub fn generate(
    store: &Store,
    county: &County,
    households: u32,
    today: NaiveDate,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let mut rng = SplitMix64::new(0x1EAD_5EED);
    let settings = Settings::default();
    let places = Places {
        townships: county
            .townships
            .iter()
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect(),
        villages: Vec::new(),
    };
    for (n, (source, days_ago, per)) in LISTS.into_iter().enumerate() {
        let list_date = today.checked_sub_days(Days::new(days_ago)).unwrap_or(today);
        let count = (households / per).max(4);
        let rows: Vec<RawRow> = (0..count).map(|i| row(&mut rng, county, n, i)).collect();
        let checked = check_rows(
            &rows,
            &ListContext {
                source,
                list_date,
                fast_lane_contact_days: settings.fast_lane_contact_days,
                calendar: &settings.calendar,
                places: &places,
            },
        );
        let mut leads = checked.leads;
        for lead in &mut leads {
            lead.id = store.new_id()?;
            lead.person = store.person_by_id_number(lead.id_number.as_str())?;
        }
        let import = store.new_import()?;
        store.stage_leads(import, &leads)?;
        let target = format!("{} {list_date}（演示）", source.list_name());
        store.publish_import(import, source, list_date, stamp, target)?;
        // About a third worked on since: contacted, and of those some closed.
        for lead in leads.iter().filter(|l| l.person.is_none()) {
            if !rng.chance(0.35) {
                continue;
            }
            let Some(mut lead) = store.lead(lead.source, &lead.id_number)? else {
                continue;
            };
            let rev = lead.rev;
            let on = rng.day_between(list_date, today);
            let (disposition, note) = match rng.below(4) {
                0 => (Disposition::NotEligible, "已在外地稳定就业，不符合认定条件"),
                1 => (Disposition::Refused, "本人表示暂不需要就业援助"),
                _ => (Disposition::Contacted, "已电话联系，告知援助政策"),
            };
            if lead.dispose(disposition, on, note, today).is_ok() {
                store.save_lead(stamp, &lead, rev, today)?;
            }
        }
    }
    Ok(())
}

/// One row of list `list`: a person of working age, mostly at an address in one of the
/// county's townships, one in eight with only 于都县 (so 未分配).
fn row(rng: &mut SplitMix64, county: &County, list: usize, i: u32) -> RawRow {
    let sex = if rng.chance(0.5) {
        Sex::Female
    } else {
        Sex::Male
    };
    let year = 1968 + i32::try_from(rng.below(34)).unwrap_or(0);
    let birth = NaiveDate::from_ymd_opt(year, rng.between(1, 12), rng.between(1, 28))
        .unwrap_or(NaiveDate::MIN);
    let sequence = u16::try_from(rng.below(500) * 2 + u64::from(sex == Sex::Female)).unwrap_or(0);
    let id = IdNumber::compose(REGIONS[list % REGIONS.len()], birth, sequence)
        .map(|id| id.as_str().to_string())
        .unwrap_or_default();
    let township = rng.pick_in(&county.townships);
    let address = match township {
        Some(t) if !rng.chance(0.125) => names::address(rng, &t.name, "新屋村"),
        _ => "于都县".to_string(),
    };
    RawRow {
        row: i + 2,
        name: names::full_name(rng, sex, year),
        id_number: id,
        phone: names::mobile(rng),
        address,
        disability_level: if list == 1 {
            "四级".into()
        } else {
            String::new()
        },
        ..RawRow::default()
    }
}
