//! Applications on their way in (第(二)条), so every stage can be tried in the demo: just
//! applied, in initial review, notices running (one with an objection), notices ended
//! waiting for the county, and one refused. They go through the same store writes and
//! domain steps as a caseworker's, on the dates they would have happened.

use super::names;
use super::rng::SplitMix64;
use crate::domain::calendar::Calendar;
use crate::domain::recognition::{Rules, Step};
use crate::domain::retirement::FormerRetirementClass;
use crate::domain::{
    AssistanceCase, CaseEvent, CaseEventKind, CaseId, Category, Evidence, Household, HouseholdId,
    IdNumber, LabourCapacity, Person, PersonId, RecognitionStatus, RecordedCategory, Relation,
    Role, Sex, Tier, WorkStatus,
};
use crate::store::{County, HouseholdPlan, Registration, Stamp, Store, StoreError};
use chrono::{Days, NaiveDate};

const SEED: u64 = 0x5EED_A991;
const STAGES: usize = 7;

/// How many applications a demo of `households` households has: one in a hundred, at
/// least one of each stage.
pub fn count(households: u32) -> usize {
    (households as usize / 100).max(STAGES)
}

fn back(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

pub fn generate(
    store: &Store,
    county: &County,
    households: u32,
    today: NaiveDate,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let mut rng = SplitMix64::new(SEED);
    let calendar = Calendar::default();
    let at = |who: &str| Stamp {
        actor: who.to_string(),
        at: stamp.at,
    };
    let township_stamp = at(super::DEMO_CASEWORKER);
    let county_stamp = at(super::DEMO_REVIEWER);
    for i in 0..count(households) {
        let stage = i % STAGES;
        // The first of each stage in the demo caseworker's township, the rest anywhere.
        let township = if i < STAGES {
            county.townships.first()
        } else {
            rng.pick_in(&county.townships)
        };
        let Some(township) = township.cloned() else {
            return Ok(());
        };
        let applied_on = back(
            today,
            match stage {
                0 => u64::from(rng.between(0, 3)),
                1 => 6,
                2 | 3 => 12,
                4 => 25,
                5 => 28,
                _ => 10,
            },
        );
        let sex = if rng.chance(0.5) {
            Sex::Female
        } else {
            Sex::Male
        };
        // Every third one qualifies only as "4050": older, out of work for long.
        let only_4050 = i % 3 == 0;
        let age = if only_4050 {
            match sex {
                Sex::Female => rng.between(41, 48),
                Sex::Male => rng.between(51, 57),
            }
        } else {
            rng.between(24, 45)
        };
        let birth = super::family::birth_for_age(&mut rng, today, age);
        let name = names::full_name(&mut rng, sex, chrono::Datelike::year(&birth));
        let unemployed_since = if only_4050 {
            back(applied_on, u64::from(rng.between(200, 400)))
        } else {
            applied_on
        };
        let categories = if only_4050 {
            Vec::new()
        } else {
            let (category, issued_by) = match i % 3 {
                1 => (Category::Dibao, "于都县民政局"),
                _ => (Category::PovertyAlleviated, "于都县乡村振兴局"),
            };
            vec![RecordedCategory {
                category,
                evidence: Evidence {
                    document_no: format!("于民〔2026〕{}号", 100 + i),
                    issued_by: issued_by.to_string(),
                },
            }]
        };
        let village = rng
            .pick_in(&["长征村", "新屋村", "上坪村", "岭下村"])
            .copied()
            .unwrap_or("长征村");
        let household_id = HouseholdId(store.new_id()?);
        let household = Household {
            id: household_id,
            rev: 0,
            township: township.code.clone(),
            village: village.to_string(),
            address: names::address(&mut rng, &township.name, village),
            members: Vec::new(),
            has_business_income: false,
            events: Vec::new(),
        };
        let case = AssistanceCase {
            id: CaseId(store.new_id()?),
            rev: 1,
            person: PersonId(store.new_id()?),
            household: household_id,
            township: township.code.clone(),
            status: RecognitionStatus::Applied,
            tier: Tier::Two,
            applied_on,
            recognised_on: None,
            events: vec![CaseEvent {
                date: applied_on,
                kind: CaseEventKind::Applied,
            }],
        };
        // Most applicants live with someone in work (often out of the province), so their
        // household is not a zero-employment one; every fourth lives alone or without.
        let mut plan = HouseholdPlan::New(household.clone());
        let mut relation = Relation::Head;
        if i % 4 != 0 {
            let partner_sex = if sex == Sex::Male {
                Sex::Female
            } else {
                Sex::Male
            };
            let partner_birth =
                super::family::birth_for_age(&mut rng, today, age.saturating_sub(2).max(22));
            let partner_name = names::full_name(
                &mut rng,
                partner_sex,
                chrono::Datelike::year(&partner_birth),
            );
            let mut partner_sequence =
                (rng.below(400) as u16) * 2 + u16::from(partner_sex == Sex::Male);
            loop {
                #[allow(clippy::expect_used)] // a fixed region, a real birth date, below 1000
                let id_number =
                    IdNumber::compose(names::COUNTY_CODE, partner_birth, partner_sequence % 1000)
                        .expect("demo ID parts are valid by construction");
                let partner = Person {
                    id: PersonId(store.new_id()?),
                    rev: 1,
                    id_number,
                    name: partner_name.clone(),
                    phone: names::mobile(&mut rng),
                    household: household_id,
                    relation: Relation::Head,
                    former_class: FormerRetirementClass::Fifty,
                    labour: LabourCapacity::Full,
                    willing_to_work: true,
                    work_status: if i % 2 == 0 {
                        WorkStatus::MigrantWork
                    } else {
                        WorkStatus::Employed
                    },
                    unemployed_since: None,
                    categories: Vec::new(),
                };
                let registration = Registration {
                    person: partner,
                    household: HouseholdPlan::New(household.clone()),
                    case: None,
                };
                match store.register(&township_stamp, None, &registration, back(applied_on, 1)) {
                    Err(StoreError::Duplicate(_)) => partner_sequence += 2,
                    other => {
                        other?;
                        break;
                    }
                }
            }
            plan = HouseholdPlan::Join(household_id);
            relation = Relation::Spouse;
        }
        let mut sequence = (rng.below(400) as u16) * 2 + u16::from(sex == Sex::Male);
        let registered = loop {
            #[allow(clippy::expect_used)] // a fixed region, a real birth date, below 1000
            let id_number = IdNumber::compose(names::COUNTY_CODE, birth, sequence % 1000)
                .expect("demo ID parts are valid by construction");
            let person = Person {
                id: case.person,
                rev: 1,
                id_number,
                name: name.clone(),
                phone: names::mobile(&mut rng),
                household: household_id,
                relation,
                former_class: FormerRetirementClass::Fifty,
                labour: LabourCapacity::Full,
                willing_to_work: true,
                work_status: WorkStatus::Unemployed,
                unemployed_since: Some(unemployed_since),
                categories: categories.clone(),
            };
            let registration = Registration {
                person,
                household: plan.clone(),
                case: Some(case.clone()),
            };
            match store.register(&township_stamp, None, &registration, applied_on) {
                Err(StoreError::Duplicate(_)) => sequence += 2,
                other => break other?,
            }
        };
        let Some(case_id) = registered.case else {
            continue;
        };
        let mut steps: Vec<(u64, Step, Role)> = vec![];
        let t = Role::TownshipCaseworker;
        let c = Role::CountyReviewer;
        match stage {
            1 => steps.push((4, Step::StartReview, t)),
            2 | 3 => {
                steps.push((9, Step::StartReview, t));
                steps.push((2, Step::PassInitialReview, t));
                if stage == 3 {
                    steps.push((
                        1,
                        Step::RaiseObjection {
                            text: "村民反映其在县城经营早餐店".into(),
                        },
                        t,
                    ));
                }
            }
            4 => {
                steps.push((20, Step::StartReview, t));
                steps.push((15, Step::PassInitialReview, t));
            }
            5 => {
                steps.push((24, Step::StartReview, t));
                steps.push((16, Step::PassInitialReview, t));
                steps.push((7, Step::CloseNotice, t));
            }
            6 => {
                steps.push((8, Step::StartReview, t));
                steps.push((
                    7,
                    Step::Reject {
                        reason: "经核实已在企业就业并参保".into(),
                    },
                    t,
                ));
            }
            _ => {}
        }
        let Some(mut current) = store.case(case_id)? else {
            continue;
        };
        for (days_ago, step, role) in steps {
            let rules = Rules {
                today: back(today, days_ago),
                calendar: &calendar,
                notice_working_days: 5,
            };
            let label = step.label();
            let rev = current.rev;
            // The steps are chosen to be allowed on these dates; one that is not (a
            // calendar quirk) just leaves the case at the stage it reached.
            if current.take(step, role, &rules).is_err() {
                break;
            }
            let who = if role == c {
                &county_stamp
            } else {
                &township_stamp
            };
            current = store.put_case_step(who, &current, rev, label, today)?;
        }
    }
    Ok(())
}
