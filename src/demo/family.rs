//! Who lives in a demo household: a head of working age (every household has at least one
//! recognised person, and the head is always one), often a spouse, children of plausible
//! ages, sometimes a parent past retirement; one to five people, named as a Gannan family
//! is (children take the father's surname, a head's father shares it).

use super::names;
use super::rng::SplitMix64;
use crate::domain::retirement::{FormerRetirementClass, is_working_age};
use crate::domain::{Relation, Sex};
use chrono::{Datelike, Days, Months, NaiveDate};

pub struct Member {
    pub relation: Relation,
    pub sex: Sex,
    pub birth: NaiveDate,
    pub name: String,
    pub former_class: FormerRetirementClass,
}

impl Member {
    /// Of working age on both days (R-RETIRE-1): the span of a case in the demo.
    pub fn working_age_from(&self, from: NaiveDate, to: NaiveDate) -> bool {
        is_working_age(self.birth, self.sex, self.former_class, from)
            && is_working_age(self.birth, self.sex, self.former_class, to)
    }
}

/// Most households are headed by a man, as the household register (户口簿) usually has it.
const MALE_HEAD: f64 = 0.8;
const SINGLE: f64 = 0.08;
const SPOUSE: f64 = 0.88;
const PARENT: f64 = 0.22;
/// Women of the former retirement age 55 (cadres) are few among the caseload.
const FORMER_55: f64 = 0.08;
const MAX_MEMBERS: usize = 5;

/// The members of a household whose head is recognised on `recognised_on`, in the order
/// of the household register: head, spouse, children, parent.
pub fn compose(rng: &mut SplitMix64, today: NaiveDate, recognised_on: NaiveDate) -> Vec<Member> {
    let single = rng.chance(SINGLE);
    let head_sex = if rng.chance(if single { 0.6 } else { MALE_HEAD }) {
        Sex::Male
    } else {
        Sex::Female
    };
    let head_class = class_for(rng, head_sex);
    let head_birth = head_birth(rng, head_sex, head_class, today, recognised_on);
    let head_age = age_of(head_birth, today);
    let head_family = names::surname(rng);
    let head = Member {
        relation: Relation::Head,
        sex: head_sex,
        name: names::named(rng, head_family, head_sex, head_birth.year()),
        birth: head_birth,
        former_class: head_class,
    };

    let spouse = (!single && rng.chance(SPOUSE)).then(|| {
        let sex = match head_sex {
            Sex::Male => Sex::Female,
            Sex::Female => Sex::Male,
        };
        // Husbands are a few years older, as a rule.
        let age = match sex {
            Sex::Female => head_age.saturating_sub(rng.between(0, 5)).max(20),
            Sex::Male => head_age + rng.between(0, 5),
        };
        let birth = birth_for_age(rng, today, age);
        Member {
            relation: Relation::Spouse,
            sex,
            name: names::full_name(rng, sex, birth.year()),
            birth,
            former_class: class_for(rng, sex),
        }
    });

    let father_family = match (&spouse, head_sex) {
        (Some(s), Sex::Female) => s.name.chars().take(surname_len(&s.name)).collect(),
        _ => head_family.to_string(),
    };
    let mother_age = match (&spouse, head_sex) {
        (Some(s), Sex::Male) => Some(age_of(s.birth, today)),
        (_, Sex::Female) => Some(head_age),
        (None, Sex::Male) => None,
    };
    let parent = rng.chance(PARENT).then(|| head_age + rng.between(22, 32));
    let room = MAX_MEMBERS - 1 - usize::from(spouse.is_some()) - usize::from(parent.is_some());
    let mut children = Vec::new();
    if let (Some(mother_age), false) = (mother_age, single) {
        let count = rng.weighted(&[(0usize, 15), (1, 35), (2, 35), (3, 15)]);
        // The eldest born when the mother was 20 to 30; the next one to four years later.
        let mut age = i64::from(mother_age) - i64::from(rng.between(20, 30));
        for _ in 0..count.min(room) {
            let Ok(child_age) = u32::try_from(age) else {
                break;
            };
            let sex = if rng.chance(0.52) {
                Sex::Male
            } else {
                Sex::Female
            };
            let birth = birth_for_age(rng, today, child_age);
            children.push(Member {
                relation: Relation::Child,
                sex,
                name: names::named(rng, &father_family, sex, birth.year()),
                birth,
                former_class: class_for(rng, sex),
            });
            age -= i64::from(rng.between(1, 4));
        }
    }

    let parent = parent.filter(|age| *age <= 92).map(|age| {
        let sex = if rng.chance(0.4) {
            Sex::Male
        } else {
            Sex::Female
        };
        let birth = birth_for_age(rng, today, age);
        // The head's father shares the head's surname; the mother keeps her own.
        let name = match sex {
            Sex::Male => names::named(rng, head_family, sex, birth.year()),
            Sex::Female => names::full_name(rng, sex, birth.year()),
        };
        Member {
            relation: Relation::Parent,
            sex,
            name,
            birth,
            former_class: class_for(rng, sex),
        }
    });

    let mut members = vec![head];
    members.extend(spouse);
    members.extend(children);
    members.extend(parent);
    members
}

fn class_for(rng: &mut SplitMix64, sex: Sex) -> FormerRetirementClass {
    if sex == Sex::Female && rng.chance(FORMER_55) {
        FormerRetirementClass::FiftyFive
    } else {
        FormerRetirementClass::Fifty
    }
}

/// The head's birth date: 22 to 59 years old today for men and 22 to 50 for women, most
/// often in the middle of the range, and of working age from recognition to today.
fn head_birth(
    rng: &mut SplitMix64,
    sex: Sex,
    class: FormerRetirementClass,
    today: NaiveDate,
    recognised_on: NaiveDate,
) -> NaiveDate {
    let span = match sex {
        Sex::Male => 19,
        Sex::Female => 14,
    };
    for _ in 0..20 {
        // The sum of two uniform draws peaks in the middle: few very young or old heads.
        let age = 22 + rng.between(0, span) + rng.between(0, span);
        let birth = birth_for_age(rng, today, age);
        if is_working_age(birth, sex, class, recognised_on)
            && is_working_age(birth, sex, class, today)
        {
            return birth;
        }
    }
    // Of working age for anyone, on any day of the three years before today.
    birth_for_age(rng, today, 40)
}

/// A birth date that makes the person `age` on `today`, clamped to what an ID number can
/// hold (years 1900 to 9999).
pub fn birth_for_age(rng: &mut SplitMix64, today: NaiveDate, age: u32) -> NaiveDate {
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    today
        .checked_sub_months(Months::new(age.saturating_mul(12)))
        .and_then(|d| d.checked_sub_days(Days::new(rng.below(365))))
        .unwrap_or(earliest)
        .clamp(earliest, latest.min(today.max(earliest)))
}

fn age_of(birth: NaiveDate, today: NaiveDate) -> u32 {
    crate::domain::id_number::age_on(birth, today)
}

/// Compound surnames are two characters; every other surname here is one.
fn surname_len(name: &str) -> usize {
    if name.starts_with("欧阳") || name.starts_with("司马") {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn households_have_one_to_five_members_and_a_working_age_head() {
        let mut rng = SplitMix64::new(21);
        let today = d(2026, 11, 28);
        for _ in 0..2000 {
            let recognised = rng.day_between(d(2023, 12, 1), today);
            let members = compose(&mut rng, today, recognised);
            assert!((1..=5).contains(&members.len()));
            assert_eq!(members[0].relation, Relation::Head);
            assert!(members[0].working_age_from(recognised, today));
            for m in &members {
                assert!(m.birth <= today);
            }
        }
    }

    #[test]
    fn children_carry_the_fathers_surname() {
        let mut rng = SplitMix64::new(22);
        let today = d(2026, 11, 28);
        for _ in 0..500 {
            let members = compose(&mut rng, today, d(2025, 6, 1));
            let father = members.iter().find(|m| {
                m.sex == Sex::Male
                    && m.relation != Relation::Child
                    && m.relation != Relation::Parent
            });
            if let Some(father) = father {
                let family: String = father
                    .name
                    .chars()
                    .take(surname_len(&father.name))
                    .collect();
                for child in members.iter().filter(|m| m.relation == Relation::Child) {
                    assert!(
                        child.name.starts_with(&family),
                        "{} / {}",
                        father.name,
                        child.name
                    );
                }
            }
        }
    }

    #[test]
    fn birth_dates_give_the_asked_age() {
        let mut rng = SplitMix64::new(23);
        let today = d(2026, 11, 28);
        for age in [0, 16, 40, 85] {
            for _ in 0..100 {
                assert_eq!(age_of(birth_for_age(&mut rng, today, age), today), age);
            }
        }
    }
}
