//! A synthetic county to try the ledger on: 于都县's townships by their real names, households
//! of one to five people with valid Jiangxi ID numbers, recognised persons with evidence for
//! their categories, and twelve months of monthly follow-ups ending in `today`'s month. No
//! real person's data: names, numbers and addresses are drawn from tables with a fixed seed,
//! so the same [`DemoSpec`] gives byte-identical records on every machine (no clock, no
//! hash-map order, no thread RNG). Not a statistical model of 于都县: the mix is tuned to
//! show every state a caseworker meets (逾期, 待访, 已访, 零就业家庭, each category).

mod applications;
mod exits;
mod family;
mod history;
mod leads;
mod ledgers;
mod names;
mod rng;

use crate::domain::category::{Category, Evidence, RecordedCategory};
use crate::domain::followup_effect::apply_followup;
use crate::domain::household::is_zero_employment;
use crate::domain::id_number::age_on;
use crate::domain::retirement::within_years_of_retirement;
use crate::domain::{
    Account, AssistanceCase, CaseEvent, CaseEventKind, CaseId, CaseSummary, FollowUp, FollowUpId,
    Household, HouseholdEvent, HouseholdEventKind, HouseholdId, IdNumber, LabourCapacity, Person,
    PersonId, RecognitionStatus, Relation, Role, Settings, Sex, Tier, TownshipCode, WorkStatus,
};
use crate::store::{County, Load, Stamp, Store, StoreError};
use chrono::{Datelike, Days, NaiveDate};
use family::Member;
use history::{CaseOutline, History};
use names::Place;
use rng::SplitMix64;
use std::collections::HashSet;

/// How big a county, and the day it is generated for (its follow-ups end in this month).
#[derive(Clone, Debug)]
pub struct DemoSpec {
    pub households: u32,
    pub today: NaiveDate,
    /// Whether the agencies' three lists are imported as leads (`demo --no-lists` leaves
    /// them out, for a county to practise importing its own).
    pub lists: bool,
}

/// The audit action of every bulk write of the generator.
pub const AUDIT_ACTION: &str = "生成演示数据";

/// Any fixed value would do; this one spells "YUANZHU" in ASCII.
const SEED: u64 = 0x0059_5541_4E5A_4855;

/// Households written per call of [`Store::load`] (each chunk is one audit entry): what
/// generation holds in memory at once, whatever the county's size, with the store's
/// bounded parts ([`Store::load`]) and the cache from the config.
const CHUNK: u32 = 2_000;

/// How far back recognitions reach: three years before today.
const RECOGNITION_SPAN_DAYS: u32 = 3 * 365;

/// Generates the county into an empty store (the caller guarantees emptiness) and returns
/// the county written: the county record (its own audit entry), then the households in
/// chunks of [`CHUNK`], each one [`Store::load`] with the action [`AUDIT_ACTION`].
pub fn generate(store: &Store, spec: &DemoSpec, stamp: &Stamp) -> Result<County, StoreError> {
    let mut rng = SplitMix64::new(SEED);
    let places = names::places(&mut rng);
    let county = County {
        name: names::COUNTY_NAME.to_string(),
        code: names::COUNTY_CODE.to_string(),
        townships: places.iter().map(|p| p.township.clone()).collect(),
        demo_households: Some(spec.households),
        created_on: spec.today,
    };
    store.put_county(&county, stamp)?;
    // Nobody is told anything is saved until the county is whole: its thousands of
    // writes share the one flush at the end rather than each waiting for the disk.
    store
        .deferring_flushes(|| households_and_the_rest(store, spec, stamp, &county, rng, places))?;
    Ok(county)
}

/// Everything after the county record: the households in chunks, the applications on
/// their way, the exit proposals, the ledgers and the accounts.
fn households_and_the_rest(
    store: &Store,
    spec: &DemoSpec,
    stamp: &Stamp,
    county: &County,
    rng: SplitMix64,
    places: Vec<Place>,
) -> Result<(), StoreError> {
    let mut generator = Generator {
        store,
        rng,
        weights: places.iter().map(|p| p.weight).collect(),
        places,
        today: spec.today,
        settings: Settings::default(),
        issued: HashSet::new(),
    };
    let mut left = spec.households;
    while left > 0 {
        let n = left.min(CHUNK);
        let mut load = Load::default();
        for _ in 0..n {
            generator.household(&mut load)?;
        }
        store.load(&load, stamp, AUDIT_ACTION)?;
        left -= n;
    }
    applications::generate(store, county, spec.households, spec.today, stamp)?;
    exits::generate(store, county, spec.today, stamp)?;
    ledgers::generate(store, county, spec.today, stamp)?;
    if spec.lists {
        leads::generate(store, county, spec.households, spec.today, stamp)?;
    }
    let accounts: Vec<(Account, Option<u64>)> = demo_accounts(county, &stamp.actor)
        .into_iter()
        .map(|a| (a, None))
        .collect();
    store.put_accounts(&accounts, stamp, "建立演示账户")
}

/// The demo's accounts: the OS user who created it as a county reviewer (so `yuanzhu
/// serve` and the TUI work at once), and one account of each role to try every workflow
/// with `yuanzhu demo --as NAME`.
pub fn demo_accounts(county: &County, creator: &str) -> Vec<Account> {
    let account = |name: &str, role, township: Option<TownshipCode>| Account {
        name: name.to_string(),
        rev: 0,
        role,
        township,
        disabled: false,
    };
    let first_township = county.townships.first().map(|t| t.code.clone());
    let mut all = vec![
        account(DEMO_CASEWORKER, Role::TownshipCaseworker, first_township),
        account(DEMO_REVIEWER, Role::CountyReviewer, None),
        account(DEMO_ADMIN, Role::Admin, None),
    ];
    if !all.iter().any(|a| a.name == creator) {
        all.insert(0, account(creator, Role::CountyReviewer, None));
    }
    all
}

/// A township caseworker of the first township (贡江镇).
pub const DEMO_CASEWORKER: &str = "jingban";
/// A county reviewer.
pub const DEMO_REVIEWER: &str = "shenhe";
/// An administrator.
pub const DEMO_ADMIN: &str = "guanli";

struct Generator<'a> {
    store: &'a Store,
    rng: SplitMix64,
    places: Vec<Place>,
    weights: Vec<u32>,
    today: NaiveDate,
    settings: Settings,
    /// Every ID number given out, so none is given twice.
    issued: HashSet<String>,
}

/// Household-level facts behind categories: dibao, poverty alleviation, relapse monitoring
/// and land expropriation are decided for a household, so its members share the document.
struct HouseholdFacts {
    dibao: Option<Evidence>,
    poverty_alleviated: Option<Evidence>,
    relapse_monitored: Option<Evidence>,
    land_lost: Option<Evidence>,
}

/// Chance of each recorded category (第(一)条): per household for dibao, poverty
/// alleviation, relapse monitoring and land loss, per recognised person for the rest. Tuned
/// so the caseload's mix is roughly a Gannan county's (see the tests' printed mix).
const DIBAO: f64 = 0.25;
const POVERTY_ALLEVIATED: f64 = 0.22;
const RELAPSE_MONITORED: f64 = 0.08;
const LAND_LOST: f64 = 0.08;
const DISABLED: f64 = 0.10;
/// Only in riverside townships, about a third of the households: ~3% overall.
const RETIRED_FISHER_ON_RIVER: f64 = 0.09;
const OTHER: f64 = 0.02;
/// A person with no other recorded category, too young for "4050", is most often from a
/// household lifted out of poverty; the rest qualified as members of a zero-employment
/// household. Those of "4050" age qualified as such (see [`Generator::open_case`]).
const POVERTY_WHEN_NOTHING_ELSE: f64 = 0.6;
const BUSINESS_INCOME: f64 = 0.04;

/// Chance that a member other than the head is recognised too (about 1.3 cases a household).
const SPOUSE_CASE: f64 = 0.35;
const CHILD_CASE: f64 = 0.2;
const PARENT_CASE: f64 = 0.25;
/// A second case of a household is often recognised together with the head's.
const SAME_DAY_AS_HEAD: f64 = 0.6;

/// Chance that a working-age member without a case is in work, and where.
const OTHERS_IN_WORK: f64 = 0.85;
const OTHERS_WORK: [(WorkStatus, u32); 5] = [
    (WorkStatus::MigrantWork, 45),
    (WorkStatus::Employed, 20),
    (WorkStatus::Flexible, 20),
    (WorkStatus::SelfEmployed, 10),
    (WorkStatus::PublicWelfarePost, 5),
];

/// A member's record with what the generator still needs to know of them.
struct Drafted {
    person: Person,
    member: Member,
    case: Option<NaiveDate>,
}

/// What the cases of one household share.
struct CaseSetting {
    facts: HouseholdFacts,
    riverside: bool,
    caseworkers: Vec<String>,
    /// A member without a case is in work (else the cases are a priority, 动态清零).
    someone_else_works: bool,
}

impl Generator<'_> {
    fn id(&mut self) -> Result<u64, StoreError> {
        self.store.new_id()
    }

    /// One household, its members, their cases and follow-ups, added to `load`.
    fn household(&mut self, load: &mut Load) -> Result<(), StoreError> {
        let today = self.today;
        let place_index = self.rng.weighted_index(&self.weights);
        let Some(place) = self.places.get(place_index) else {
            return Ok(());
        };
        let township = place.township.clone();
        let riverside = place.riverside;
        let caseworkers = place.caseworkers.clone();
        let village = self
            .rng
            .pick_in(&place.villages)
            .cloned()
            .unwrap_or_default();
        let address = names::address(&mut self.rng, &township.name, &village);
        let household_id = HouseholdId(self.id()?);

        let head_recognised = self.recognition_day();
        let members = family::compose(&mut self.rng, today, head_recognised);
        let facts = self.household_facts(head_recognised);
        let mut drafted = Vec::with_capacity(members.len());
        for member in members {
            let case = self.case_day(&member, head_recognised);
            let person = self.person(&member, household_id, case.is_some())?;
            drafted.push(Drafted {
                person,
                member,
                case,
            });
        }
        let mut household = Household {
            id: household_id,
            rev: 1,
            township: township.code.clone(),
            village,
            address,
            members: drafted.iter().map(|d| d.person.id).collect(),
            has_business_income: self.rng.chance(BUSINESS_INCOME),
            events: Vec::new(),
        };

        let setting = CaseSetting {
            facts,
            riverside,
            caseworkers,
            someone_else_works: drafted
                .iter()
                .any(|d| d.case.is_none() && d.person.work_status.is_in_work()),
        };
        let mut cases = Vec::new();
        for d in drafted.iter_mut() {
            if let Some(recognised_on) = d.case {
                cases.push(self.open_case(
                    d,
                    recognised_on,
                    &household,
                    &township.name,
                    &setting,
                )?);
            }
        }
        let zero = settle_zero_employment(&mut household, &mut cases, &drafted, today);

        for (case, followups) in cases {
            let Some(d) = drafted.iter().find(|d| d.person.id == case.person) else {
                continue;
            };
            let mut summary = CaseSummary::new(&case, &d.person, zero);
            for f in &followups {
                summary.record_contact(f.answers.date);
            }
            load.summaries.push(summary);
            load.followups.extend(followups);
            load.cases.push(case);
        }
        load.persons.extend(drafted.into_iter().map(|d| d.person));
        load.households.push(household);
        Ok(())
    }

    /// A recognised case of a member: categories with evidence, labour capacity, the
    /// unemployment registration, application and recognition, then twelve months of
    /// follow-ups, which leave the person as the last one found them.
    fn open_case(
        &mut self,
        d: &mut Drafted,
        recognised_on: NaiveDate,
        household: &Household,
        township: &str,
        setting: &CaseSetting,
    ) -> Result<(AssistanceCase, Vec<FollowUp>), StoreError> {
        let member = &d.member;
        let min_4050_age = match member.sex {
            Sex::Female => self.settings.age_4050_women,
            Sex::Male => self.settings.age_4050_men,
        };
        let of_4050_age = age_on(member.birth, recognised_on) >= min_4050_age;
        let categories = self.categories(
            &d.person.id_number,
            &setting.facts,
            setting.riverside,
            recognised_on,
            of_4050_age,
        );
        let has = |c: Category| categories.iter().any(|r| r.category == c);
        let (disabled, dibao) = (has(Category::Disabled), has(Category::Dibao));
        let labour = if self.rng.chance(if disabled { 0.6 } else { 0.15 }) {
            LabourCapacity::Partial
        } else {
            LabourCapacity::Full
        };
        let near_retirement = within_years_of_retirement(
            member.birth,
            member.sex,
            member.former_class,
            recognised_on,
            5,
        );
        let outline = CaseOutline {
            recognised_on,
            today: self.today,
            // R-TIER-1: dibao, disabled, or near retirement and out of work.
            intensive: dibao || disabled || near_retirement,
            harder_to_place: labour == LabourCapacity::Partial || near_retirement,
            priority: !setting.someone_else_works,
            township,
            village: &household.village,
        };
        let history = history::simulate(&mut self.rng, &outline, &self.settings);
        let caseworker = self
            .rng
            .pick_in(&setting.caseworkers)
            .cloned()
            .unwrap_or_else(|| "经办员".to_string());

        let applied_on = days_before(recognised_on, self.rng.between(15, 40));
        // Registered unemployed before applying, or in the same sitting (R-RECOG-2); six
        // months or more before for someone recognised only as "4050" (R-AGE-4050).
        let unemployed_since = if categories.is_empty() && of_4050_age {
            days_before(applied_on, self.rng.between(190, 420))
        } else if self.rng.chance(0.15) {
            applied_on
        } else {
            days_before(applied_on, self.rng.between(20, 200))
        };
        let person = &mut d.person;
        person.categories = categories;
        person.labour = labour;
        person.work_status = WorkStatus::Unemployed;
        person.willing_to_work = true;
        person.unemployed_since = Some(unemployed_since);

        let tier = history.tier_at_recognition;
        let mut case = AssistanceCase {
            id: CaseId(self.id()?),
            rev: 1,
            person: person.id,
            household: household.id,
            township: household.township.clone(),
            status: RecognitionStatus::Recognised,
            tier,
            applied_on,
            recognised_on: Some(recognised_on),
            events: vec![
                CaseEvent {
                    date: applied_on,
                    kind: CaseEventKind::Applied,
                },
                CaseEvent {
                    date: recognised_on,
                    kind: CaseEventKind::Recognised { tier },
                },
            ],
        };
        let followups = self.follow_up(
            history,
            &mut case,
            person,
            household,
            caseworker,
            &setting.caseworkers,
        )?;
        Ok((case, followups))
    }

    /// A recognition date in the three years before today.
    fn recognition_day(&mut self) -> NaiveDate {
        days_before(self.today, self.rng.between(0, RECOGNITION_SPAN_DAYS))
    }

    /// The recognition date of a member's case, if they have one. The head always has one
    /// (every household is on file because of a recognised person); others when of working
    /// age, adult and registered unemployed, now and then.
    fn case_day(&mut self, member: &Member, head_recognised: NaiveDate) -> Option<NaiveDate> {
        let chance = match member.relation {
            Relation::Head => return Some(head_recognised),
            Relation::Spouse => SPOUSE_CASE,
            Relation::Child => CHILD_CASE,
            Relation::Parent | Relation::Other => PARENT_CASE,
        };
        if !self.rng.chance(chance) {
            return None;
        }
        let day = if self.rng.chance(SAME_DAY_AS_HEAD) {
            head_recognised
        } else {
            self.recognition_day()
        };
        let adult = age_on(member.birth, day) >= 18;
        (adult && member.working_age_from(day, self.today)).then_some(day)
    }

    /// The person record; a member with a case is completed by [`Self::open_case`].
    fn person(
        &mut self,
        member: &Member,
        household: HouseholdId,
        has_case: bool,
    ) -> Result<Person, StoreError> {
        let today = self.today;
        let id = PersonId(self.id()?);
        let id_number = self.issue(member);
        let age = age_on(member.birth, today);
        let working_age = member.working_age_from(today, today);
        let phone_chance = if has_case {
            0.97
        } else if age < 16 {
            0.0
        } else if !working_age {
            0.5
        } else {
            0.9
        };
        let phone = if self.rng.chance(phone_chance) {
            names::mobile(&mut self.rng)
        } else {
            String::new()
        };
        let (labour, work_status, willing_to_work) = if has_case {
            (LabourCapacity::Full, WorkStatus::Unemployed, true)
        } else {
            self.situation(age, working_age)
        };
        Ok(Person {
            id,
            rev: 1,
            id_number,
            name: member.name.clone(),
            phone,
            household,
            relation: member.relation,
            former_class: member.former_class,
            labour,
            willing_to_work,
            work_status,
            unemployed_since: None,
            categories: Vec::new(),
        })
    }

    /// Labour capacity, work and willingness of a member without a case.
    fn situation(&mut self, age: u32, working_age: bool) -> (LabourCapacity, WorkStatus, bool) {
        let rng = &mut self.rng;
        if age < 16 {
            // Children are recorded without labour capacity (无劳动力), as poverty files do.
            return (LabourCapacity::None, WorkStatus::Unemployed, false);
        }
        if !working_age {
            let labour = if rng.chance(0.45) {
                LabourCapacity::None
            } else {
                LabourCapacity::Partial
            };
            return (labour, WorkStatus::Unemployed, false);
        }
        let labour = rng.weighted(&[
            (LabourCapacity::Full, 90),
            (LabourCapacity::Partial, 6),
            (LabourCapacity::None, 4),
        ]);
        let student = age <= 22 && rng.chance(0.5);
        if student || labour == LabourCapacity::None {
            return (labour, WorkStatus::Unemployed, false);
        }
        if rng.chance(OTHERS_IN_WORK) {
            (labour, rng.weighted(&OTHERS_WORK), true)
        } else {
            (labour, WorkStatus::Unemployed, rng.chance(0.5))
        }
    }

    /// A unique, valid ID number: region, birth date, a sequence number of the member's
    /// sex (odd for men, even for women), the next free one on a collision.
    fn issue(&mut self, member: &Member) -> IdNumber {
        let region = names::region(&mut self.rng, member.birth.year());
        let parity = u16::from(member.sex == Sex::Male);
        let start = self.rng.below(500) as u16;
        let mut birth = member.birth;
        loop {
            for step in 0..500u16 {
                let sequence = ((start + step) % 500) * 2 + parity;
                // The region is a six-digit code from the tables, the birth year lies in
                // 1900..=9999 (family::birth_for_age clamps it) and the sequence is below
                // 1000: compose accepts all three.
                #[allow(clippy::expect_used)]
                let id = IdNumber::compose(region, birth, sequence)
                    .expect("demo ID parts are valid by construction");
                if self.issued.insert(id.as_str().to_string()) {
                    return id;
                }
            }
            // All 500 numbers of this day are taken (never seen in practice): the next
            // day has 500 fresh ones, so the loop ends.
            birth = birth.succ_opt().unwrap_or(birth);
        }
    }

    /// Which household-level categories apply, each with its document.
    fn household_facts(&mut self, recognised_on: NaiveDate) -> HouseholdFacts {
        let year = recognised_on.year();
        let rng = &mut self.rng;
        let serial = |rng: &mut SplitMix64| rng.between(1, 2999);
        HouseholdFacts {
            dibao: rng.chance(DIBAO).then(|| Evidence {
                document_no: format!(
                    "于民低保〔{}〕{:04}号",
                    year - rng.between(0, 2) as i32,
                    serial(rng)
                ),
                issued_by: "于都县民政局".into(),
            }),
            poverty_alleviated: rng
                .chance(POVERTY_ALLEVIATED)
                .then(|| poverty_evidence(rng)),
            relapse_monitored: rng.chance(RELAPSE_MONITORED).then(|| Evidence {
                document_no: format!(
                    "于乡振监〔{}〕{:04}号",
                    (year - rng.between(0, 1) as i32).max(2021),
                    serial(rng)
                ),
                issued_by: "于都县乡村振兴局".into(),
            }),
            land_lost: rng.chance(LAND_LOST).then(|| Evidence {
                document_no: format!(
                    "于府征字〔{}〕{}号",
                    rng.between(2012, 2023),
                    rng.between(1, 120)
                ),
                issued_by: "于都县人民政府".into(),
            }),
        }
    }

    /// The recorded categories of a recognised person, each with its evidence.
    fn categories(
        &mut self,
        id_number: &IdNumber,
        facts: &HouseholdFacts,
        riverside: bool,
        recognised_on: NaiveDate,
        of_4050_age: bool,
    ) -> Vec<RecordedCategory> {
        let rng = &mut self.rng;
        let mut out = Vec::new();
        let mut add = |category: Category, evidence: Evidence| {
            out.push(RecordedCategory { category, evidence })
        };
        if rng.chance(DISABLED) {
            add(Category::Disabled, disability_certificate(rng, id_number));
        }
        if let Some(e) = &facts.dibao {
            add(Category::Dibao, e.clone());
        }
        if let Some(e) = &facts.land_lost {
            add(Category::LandLost, e.clone());
        }
        if let Some(e) = &facts.poverty_alleviated {
            add(Category::PovertyAlleviated, e.clone());
        }
        if let Some(e) = &facts.relapse_monitored {
            add(Category::RelapseMonitored, e.clone());
        }
        if riverside && rng.chance(RETIRED_FISHER_ON_RIVER) {
            add(
                Category::RetiredFisher,
                Evidence {
                    document_no: format!(
                        "于农退捕〔{}〕{:04}号",
                        rng.between(2020, 2021),
                        rng.between(1, 400)
                    ),
                    issued_by: "于都县农业农村局".into(),
                },
            );
        }
        if rng.chance(OTHER) {
            add(
                Category::Other,
                Evidence {
                    document_no: format!(
                        "赣府字〔{}〕{}号",
                        (recognised_on.year() - 1).max(2020),
                        rng.between(10, 90)
                    ),
                    issued_by: "江西省人民政府".into(),
                },
            );
        }
        if out.is_empty() && !of_4050_age && rng.chance(POVERTY_WHEN_NOTHING_ELSE) {
            out.push(RecordedCategory {
                category: Category::PovertyAlleviated,
                evidence: poverty_evidence(rng),
            });
        }
        out
    }

    /// Runs a case's history through the same rule a saved follow-up goes through
    /// ([`apply_followup`]), so the person's work status, willingness and unemployment
    /// registration end as the last follow-up left them, and the case keeps its dated
    /// events. The household's zero-employment state is settled afterwards from all members,
    /// so each call gets a scratch copy of the household.
    fn follow_up(
        &mut self,
        history: History,
        case: &mut AssistanceCase,
        person: &mut Person,
        household: &Household,
        own_caseworker: String,
        caseworkers: &[String],
    ) -> Result<Vec<FollowUp>, StoreError> {
        let mut scratch = household.clone();
        let mut out = Vec::with_capacity(history.contacts.len());
        for contact in history.contacts {
            apply_followup(
                &contact.answers,
                true,
                case,
                person,
                &mut scratch,
                &[],
                self.today,
            );
            if let Some(change) = contact.tier_change {
                case.events.push(CaseEvent {
                    date: contact.answers.date,
                    kind: CaseEventKind::TierChanged {
                        from: change.from,
                        to: change.to,
                        reason: change.reason.to_string(),
                    },
                });
                case.tier = change.to;
            }
            // Now and then a colleague of the township stands in.
            let recorded_by = if self.rng.chance(0.1) {
                self.rng
                    .pick_in(caseworkers)
                    .cloned()
                    .unwrap_or_else(|| own_caseworker.clone())
            } else {
                own_caseworker.clone()
            };
            out.push(FollowUp {
                id: FollowUpId(self.id()?),
                case: case.id,
                answers: contact.answers,
                recorded_by,
            });
        }
        Ok(out)
    }
}

/// R-ZERO-1, from the members as they stand after their last follow-ups: a zero-employment
/// household gets its warning (预警) on file and its cases move to 一级 (R-TIER-1).
/// Returns whether the household is one.
fn settle_zero_employment(
    household: &mut Household,
    cases: &mut [(AssistanceCase, Vec<FollowUp>)],
    drafted: &[Drafted],
    today: NaiveDate,
) -> bool {
    let members: Vec<&Person> = drafted.iter().map(|d| &d.person).collect();
    if !is_zero_employment(&members, household.has_business_income, today) {
        return false;
    }
    // The warning went up when the household's present state was last confirmed: its
    // latest follow-up, or its latest recognition if nobody has been followed up yet.
    let since = cases
        .iter()
        .filter_map(|(c, f)| {
            f.iter()
                .map(|f| f.answers.date)
                .chain(c.recognised_on)
                .max()
        })
        .max()
        .unwrap_or(today);
    household.events.push(HouseholdEvent {
        date: since,
        kind: HouseholdEventKind::ZeroEmploymentStarted,
    });
    for (case, _) in cases.iter_mut().filter(|(c, _)| c.tier != Tier::One) {
        case.events.push(CaseEvent {
            date: since,
            kind: CaseEventKind::TierChanged {
                from: case.tier,
                to: Tier::One,
                reason: "家庭成为零就业家庭".to_string(),
            },
        });
        case.tier = Tier::One;
    }
    true
}

/// `n` days before `day` (`day` itself at the calendar's lower end).
fn days_before(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(n))).unwrap_or(day)
}

fn poverty_evidence(rng: &mut SplitMix64) -> Evidence {
    // 于都县 left the list of poor counties in 2019; households were lifted out by 2020.
    Evidence {
        document_no: format!(
            "于乡振〔{}〕{:04}号",
            rng.between(2017, 2020),
            rng.between(1, 2999)
        ),
        issued_by: "于都县乡村振兴局".into(),
    }
}

/// A disability certificate number (第二代残疾人证): the ID number, the kind of disability
/// (1 sight … 4 limbs … 7 multiple) and the grade (1 most severe … 4). People able to work
/// mostly hold grades 3 and 4.
fn disability_certificate(rng: &mut SplitMix64, id_number: &IdNumber) -> Evidence {
    let kind = rng.weighted(&[(1, 12), (2, 15), (3, 5), (4, 45), (5, 10), (6, 10), (7, 3)]);
    let grade = rng.weighted(&[(2, 10), (3, 35), (4, 55)]);
    Evidence {
        document_no: format!("{}{kind}{grade}", id_number.as_str()),
        issued_by: "于都县残疾人联合会".into(),
    }
}

#[cfg(test)]
mod tests;
