//! The demo county as a caseworker would find it: deterministic, valid ID numbers, every
//! household on file because of a recognised person, and every state of the queue present.

use super::*;
use crate::domain::followup_form::{FollowUpDraft, FormContext};
use crate::domain::{DueStatus, id_number::age_on};
use crate::service::now_cst;
use crate::store::StoreConfig;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn stamp() -> Stamp {
    Stamp {
        actor: "test".into(),
        at: now_cst(),
    }
}

fn generated(dir: &Path, households: u32, today: NaiveDate) -> Store {
    let store = Store::open(dir, StoreConfig::default()).unwrap();
    generate(
        &store,
        &DemoSpec {
            households,
            today,
            lists: true,
        },
        &stamp(),
    )
    .unwrap();
    store
}

/// Everything the store holds of the county, household by household.
struct Snapshot {
    summaries: Vec<CaseSummary>,
    households: Vec<Household>,
    persons: Vec<Person>,
    cases: Vec<AssistanceCase>,
    followups: Vec<FollowUp>,
}

/// The county's recognised caseload: households on file because of a recognised person
/// (the applications on their way in are looked at in their own test).
fn snapshot(store: &Store) -> Snapshot {
    let summaries: Vec<CaseSummary> = store
        .summaries()
        .unwrap()
        .into_iter()
        .filter(|s| s.status == RecognitionStatus::Recognised)
        .collect();
    let mut household_ids: Vec<HouseholdId> = summaries.iter().map(|s| s.household).collect();
    household_ids.sort();
    household_ids.dedup();
    let mut snap = Snapshot {
        summaries,
        households: Vec::new(),
        persons: Vec::new(),
        cases: Vec::new(),
        followups: Vec::new(),
    };
    for id in household_ids {
        let h = store.household(id).unwrap().unwrap();
        for p in &h.members {
            snap.persons.push(store.person(*p).unwrap().unwrap());
        }
        for c in store.household_cases(id).unwrap() {
            snap.cases.push(store.case(c).unwrap().unwrap());
            snap.followups.extend(store.followups(c).unwrap());
        }
        snap.households.push(h);
    }
    snap
}

#[test]
fn the_same_spec_gives_the_same_county() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = snapshot(&generated(a.path(), 200, today()));
    let b = snapshot(&generated(b.path(), 200, today()));
    assert_eq!(a.summaries, b.summaries);
    assert_eq!(a.households, b.households);
    assert_eq!(a.persons, b.persons);
    assert_eq!(a.cases, b.cases);
    assert_eq!(a.followups, b.followups);
}

#[test]
fn county_and_audit_are_written_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = generated(dir.path(), 200, today());
    let county = store.county().unwrap().unwrap();
    assert_eq!(county.code, "360731");
    assert_eq!(county.demo_households, Some(200));
    assert_eq!(county.created_on, today());
    assert!(county.townships.len() >= 12);
    let actions: Vec<String> = store
        .audit_entries(0)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions[..2], ["设置县区信息", AUDIT_ACTION]);
    assert_eq!(actions.last().map(String::as_str), Some("建立演示账户"));
    // Between them, the applications on their way in, each step its own entry.
    assert!(actions[2..actions.len() - 1].iter().all(|a| {
        [
            "登记申请",
            "登记家庭成员",
            "受理初审",
            "初审通过并公示",
            "登记异议",
            "公示结束",
            "不予认定",
            "提出退出",
            "安置公益性岗位",
            "享受政策",
            "低保联动",
            "登记补贴发放",
            "导入名单",
            "处理线索",
        ]
        .contains(&a.as_str())
    }));
    let accounts = store.accounts().unwrap();
    let role = |name: &str| accounts.iter().find(|a| a.name == name).map(|a| a.role);
    assert_eq!(
        role("jingban"),
        Some(crate::domain::Role::TownshipCaseworker)
    );
    assert_eq!(role("shenhe"), Some(crate::domain::Role::CountyReviewer));
    assert_eq!(role("guanli"), Some(crate::domain::Role::Admin));
}

#[test]
fn id_numbers_are_valid_unique_and_of_jiangxi() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(&generated(dir.path(), 200, today()));
    let mut seen = HashSet::new();
    for p in &snap.persons {
        // Valid: an IdNumber decoded from the store has passed every check of the standard.
        let n = p.id_number.as_str();
        assert!(IdNumber::parse(n).is_ok());
        assert!(n.starts_with("36"), "{n}");
        assert!(seen.insert(n.to_string()), "{n} given twice");
        assert!(p.birth_date() <= today());
    }
    let regions: HashSet<&str> = snap.persons.iter().map(|p| p.id_number.region()).collect();
    assert!(regions.len() > 5, "{regions:?}");
    assert!(regions.iter().all(|r| names::all_regions().contains(r)));
}

#[test]
fn every_household_has_a_recognised_case_of_a_working_age_member() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(&generated(dir.path(), 200, today()));
    assert_eq!(snap.households.len(), 200);
    let townships: HashSet<&str> = snap
        .households
        .iter()
        .map(|h| h.township.0.as_str())
        .collect();
    assert!(townships.len() >= 10, "{townships:?}");
    for h in &snap.households {
        assert!((1..=5).contains(&h.members.len()));
        assert!(snap.cases.iter().any(|c| c.household == h.id));
    }
    let ratio = snap.cases.len() as f64 / snap.households.len() as f64;
    assert!((1.15..1.5).contains(&ratio), "{ratio} cases a household");
    for c in &snap.cases {
        assert_eq!(c.status, RecognitionStatus::Recognised);
        let recognised = c.recognised_on.unwrap();
        assert!(recognised <= today() && c.applied_on < recognised);
        let p = snap.persons.iter().find(|p| p.id == c.person).unwrap();
        assert!(p.is_working_age(recognised) && p.is_working_age(today()));
        assert!(p.labour.can_work());
        assert!(p.unemployed_since.is_some() || p.work_status.is_in_work());
    }
}

#[test]
fn person_ends_as_the_last_followup_left_them() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(&generated(dir.path(), 200, today()));
    for c in &snap.cases {
        let p = snap.persons.iter().find(|p| p.id == c.person).unwrap();
        let last = snap
            .followups
            .iter()
            .filter(|f| f.case == c.id)
            .max_by_key(|f| (f.answers.date, f.id));
        match last {
            Some(f) => {
                assert_eq!(p.work_status, f.answers.work_status);
                assert_eq!(p.willing_to_work, f.answers.willing_to_work);
                assert_eq!(p.work_status.is_in_work(), p.unemployed_since.is_none());
            }
            None => assert_eq!(p.work_status, WorkStatus::Unemployed),
        }
    }
}

#[test]
fn every_last_followup_can_be_copied_into_a_valid_form() {
    // 照上次 (Ctrl-R, then save) must work on any demo case.
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(&generated(dir.path(), 200, today()));
    let settings = Settings::default();
    for s in &snap.summaries {
        let Some(last) = snap
            .followups
            .iter()
            .filter(|f| f.case == s.case)
            .max_by_key(|f| (f.answers.date, f.id))
        else {
            continue;
        };
        let ctx = FormContext {
            today: today(),
            recognised_on: s.recognised_on,
            tier: s.tier,
            late_entry_days: settings.late_entry_days,
        };
        let draft = FollowUpDraft::copy_of(&last.answers, &ctx, &settings);
        assert!(draft.validate(&ctx).is_ok(), "{:?}", draft.validate(&ctx));
    }
    for f in &snap.followups {
        let s = snap.summaries.iter().find(|s| s.case == f.case).unwrap();
        assert!(f.answers.date >= s.recognised_on.unwrap() && f.answers.date <= today());
        assert!(!f.recorded_by.is_empty());
    }
}

/// What the queue shows on `today`: counts of 逾期, 待访, 已访.
fn due_counts(summaries: &[CaseSummary], today: NaiveDate) -> BTreeMap<DueStatus, usize> {
    let mut counts = BTreeMap::new();
    for s in summaries {
        *counts
            .entry(s.due(today, &Settings::default()).unwrap())
            .or_insert(0) += 1;
    }
    counts
}

#[test]
fn the_queue_has_overdue_due_and_done_cases() {
    let dir = tempfile::tempdir().unwrap();
    let store = generated(dir.path(), 200, today());
    let summaries = snapshot(&store).summaries;
    let counts = due_counts(&summaries, today());
    let share = |d: DueStatus| counts.get(&d).copied().unwrap_or(0) as f64 / summaries.len() as f64;
    assert!(
        (0.02..0.15).contains(&share(DueStatus::Overdue)),
        "{counts:?}"
    );
    // From the month's due_soon_day the uncovered months are 即将到期 instead of 待访.
    assert!(
        share(DueStatus::Due) + share(DueStatus::DueSoon) > 0.4,
        "{counts:?}"
    );
    assert!(share(DueStatus::Done) > 0.15, "{counts:?}");
}

#[test]
fn a_few_households_are_zero_employment_and_on_file_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(&generated(dir.path(), 400, today()));
    let zero: Vec<&Household> = snap
        .households
        .iter()
        .filter(|h| h.zero_employment_on_file())
        .collect();
    let share = zero.len() as f64 / snap.households.len() as f64;
    assert!((0.005..0.12).contains(&share), "{share}");
    assert!(snap.households.iter().any(|h| h.has_business_income));
    for h in &snap.households {
        let members: Vec<&Person> = snap
            .persons
            .iter()
            .filter(|p| p.household == h.id)
            .collect();
        assert_eq!(
            h.zero_employment_on_file(),
            is_zero_employment(&members, h.has_business_income, today())
        );
        for s in snap.summaries.iter().filter(|s| s.household == h.id) {
            assert_eq!(s.zero_employment_household, h.zero_employment_on_file());
            if s.zero_employment_household {
                assert_eq!(s.tier, Tier::One);
            }
        }
    }
}

#[test]
fn categories_are_mixed_and_carry_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(&generated(dir.path(), 400, today()));
    let mut counts: BTreeMap<Category, usize> = BTreeMap::new();
    for s in &snap.summaries {
        for c in s.categories(today(), &Settings::default()) {
            *counts.entry(c).or_insert(0) += 1;
        }
    }
    for c in [
        Category::Dibao,
        Category::Disabled,
        Category::LandLost,
        Category::PovertyAlleviated,
        Category::RelapseMonitored,
        Category::ZeroEmploymentMember,
        Category::Age4050,
    ] {
        assert!(
            counts.get(&c).copied().unwrap_or(0) > 0,
            "{c:?} missing: {counts:?}"
        );
    }
    let mut none_recorded = 0;
    for p in snap.persons.iter().filter(|p| !p.categories.is_empty()) {
        for r in &p.categories {
            assert!(!r.evidence.document_no.is_empty() && !r.evidence.issued_by.is_empty());
            if r.category == Category::Disabled {
                assert_eq!(r.evidence.document_no.len(), 20);
                assert!(r.evidence.document_no.starts_with(p.id_number.as_str()));
            }
        }
    }
    for s in &snap.summaries {
        none_recorded += usize::from(s.recorded.is_empty());
    }
    assert!(
        none_recorded > 0,
        "some qualify only through a derived category"
    );
}

#[test]
fn households_look_like_families() {
    let dir = tempfile::tempdir().unwrap();
    let snap = snapshot(&generated(dir.path(), 400, today()));
    let lengths: HashSet<usize> = snap
        .persons
        .iter()
        .map(|p| p.name.chars().count())
        .collect();
    assert!(lengths.contains(&2) && lengths.contains(&3), "{lengths:?}");
    assert!(lengths.iter().all(|n| (2..=4).contains(n)));
    let ages: Vec<u32> = snap
        .persons
        .iter()
        .map(|p| age_on(p.birth_date(), today()))
        .collect();
    assert!(ages.iter().any(|a| *a < 16), "children");
    assert!(
        snap.persons
            .iter()
            .any(|p| !p.is_working_age(today()) && age_on(p.birth_date(), today()) >= 50),
        "retired parents"
    );
    assert!(
        snap.persons
            .iter()
            .any(|p| p.labour == LabourCapacity::None)
    );
    assert!(snap.persons.iter().any(|p| p.phone.is_empty()));
    for p in snap.persons.iter().filter(|p| !p.phone.is_empty()) {
        assert_eq!(p.phone.len(), 11);
    }
    for h in &snap.households {
        assert!(h.address.contains('号'), "{}", h.address);
        let head = snap.persons.iter().find(|p| p.id == h.members[0]).unwrap();
        assert_eq!(head.relation, Relation::Head);
    }
}

/// Prints the mix a caseworker would see on 2026-11-28 in a county of `n` households.
fn report(n: u32) {
    let dir = tempfile::tempdir().unwrap();
    let store = generated(dir.path(), n, today());
    let snap = snapshot(&store);
    let counts = due_counts(&snap.summaries, today());
    let total = snap.summaries.len() as f64;
    println!(
        "{n} households, {} persons, {} cases ({:.2} a household), {} follow-ups",
        snap.persons.len(),
        snap.cases.len(),
        total / f64::from(n),
        snap.followups.len()
    );
    for (due, count) in &counts {
        println!(
            "  {}: {count} ({:.1}%)",
            due.label(),
            *count as f64 * 100.0 / total
        );
    }
    let zero = snap
        .households
        .iter()
        .filter(|h| h.zero_employment_on_file())
        .count();
    println!(
        "  zero-employment households: {zero} ({:.1}%)",
        zero as f64 * 100.0 / f64::from(n)
    );
    let mut tiers: BTreeMap<&str, usize> = BTreeMap::new();
    let mut work: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &snap.summaries {
        *tiers.entry(s.tier.label()).or_insert(0) += 1;
        *work.entry(s.work_status.label()).or_insert(0) += 1;
    }
    println!("  tiers: {tiers:?}");
    println!("  work status: {work:?}");
    let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &snap.summaries {
        for c in s.categories(today(), &Settings::default()) {
            *categories.entry(c.label()).or_insert(0) += 1;
        }
    }
    for (c, count) in &categories {
        println!("  {c}: {count} ({:.1}%)", *count as f64 * 100.0 / total);
    }
    let none = snap
        .summaries
        .iter()
        .filter(|s| s.recorded.is_empty())
        .count();
    println!(
        "  no recorded category: {none} ({:.1}%)",
        none as f64 * 100.0 / total
    );
}

#[test]
#[ignore = "prints the mix of a 2,000-household county; run with --ignored --nocapture"]
fn demo_mix_of_2000_households() {
    report(2000);
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
#[ignore = "takes a while; run in release with --ignored --nocapture"]
fn demo_of_50000_households_timing() {
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let store = generated(dir.path(), 50_000, today());
    let took = started.elapsed();
    let cases = store.summaries().unwrap().len();
    drop(store);
    println!(
        "50,000 households, {cases} cases: generated in {:.1} s, {:.1} MB on disk",
        took.as_secs_f64(),
        dir_size(dir.path()) as f64 / 1_000_000.0
    );
}

#[test]
fn applications_wait_at_every_stage_and_one_notice_has_an_objection() {
    let dir = tempfile::tempdir().unwrap();
    let store = generated(dir.path(), 200, today());
    let county = store.county().unwrap().unwrap();
    let first = &county.townships[0].code;
    let mut stages: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut objections = 0;
    for s in store.summaries().unwrap() {
        if s.status == RecognitionStatus::Recognised {
            continue;
        }
        assert_eq!(&s.township, first, "the demo caseworker sees one of each");
        let case = store.case(s.case).unwrap().unwrap();
        let label = match (case.status, case.notice()) {
            (RecognitionStatus::InNotice, Some(n)) if today() > n.ends => "公示期满",
            (status, _) => status.label(),
        };
        *stages.entry(label).or_insert(0) += 1;
        objections += case.objections().len();
        // Registered unemployed, of working age, able and willing (第(一)条).
        let p = store.person(s.person).unwrap().unwrap();
        assert!(p.is_working_age(today()) && p.willing_to_work);
        assert!(p.unemployed_since.is_some());
    }
    for stage in ["申请", "初审", "公示中", "公示期满", "待认定", "不予认定"] {
        assert!(stages.contains_key(stage), "{stage} missing: {stages:?}");
    }
    assert_eq!(objections, 1);
}

#[test]
fn the_demo_ledgers_hold_a_post_a_subsidy_and_a_dibao_linkage() {
    let dir = tempfile::tempdir().unwrap();
    let store = generated(dir.path(), 200, today());
    let (mut posts, mut policies, mut dibao) = (0, 0, 0);
    let (mut to_card, mut to_unit) = (0, 0);
    for s in store.summaries().unwrap() {
        let l = store.ledger(s.person).unwrap();
        posts += l.posts.len();
        policies += l.policies.len();
        dibao += l.dibao.len();
        for p in &l.policies {
            if p.kind == crate::domain::ledger::PolicyKind::SocialInsurance {
                let m = p.months.as_ref().unwrap();
                assert_eq!((m.lump_sum.len(), m.monthly.len()), (5, 7));
            }
            // Paid through the checks of 登记补贴发放: never after today, never above the
            // approved total, each within the policy's months.
            assert!(p.paid() <= u64::from(p.amount), "{p:?}");
            for x in &p.payments {
                assert!(x.on <= today() && x.from >= p.from && x.to <= p.to, "{x:?}");
                match x.paid_to {
                    crate::domain::ledger::PaidTo::Card(_) => to_card += 1,
                    crate::domain::ledger::PaidTo::UnitAccount(_) => to_unit += 1,
                }
            }
        }
    }
    // The first township's three (a post, two policies, a dibao linkage, nothing paid)
    // and one in forty recognised persons with a post or a policy paid month by month.
    assert!(
        posts > 1 && policies > 2 && dibao == 1,
        "{posts} {policies} {dibao}"
    );
    assert!(
        to_card > 0 && to_unit > 0,
        "{to_card} to cards, {to_unit} to units"
    );
}

#[test]
fn the_demo_has_three_lists_of_leads_some_worked_on() {
    use crate::domain::lead::{Disposition, LeadSource};
    let dir = tempfile::tempdir().unwrap();
    let store = generated(dir.path(), 200, today());
    let leads = store.all_leads().unwrap();
    for source in [
        LeadSource::Dibao,
        LeadSource::Disabled,
        LeadSource::RegisteredUnemployed,
    ] {
        assert!(leads.iter().any(|l| l.source == source), "{source:?}");
    }
    assert!(leads.iter().all(|l| l.list_date <= today()));
    // The fast lane's leads carry a contact deadline; the others none.
    assert!(
        leads
            .iter()
            .all(|l| l.fast_lane() == l.contact_deadline.is_some())
    );
    let worked = leads
        .iter()
        .filter(|l| l.disposition != Disposition::ToContact)
        .count();
    assert!(
        worked > 0 && worked < leads.len(),
        "{worked} of {}",
        leads.len()
    );
    assert!(leads.iter().any(|l| l.township.is_none()), "some 未分配");
    assert!(leads.iter().all(|l| l.history.len() <= 1));
}
