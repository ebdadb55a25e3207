//! 监督 (第(十四)条, R-GOV-1): rules that find what a county reviewer should look at, over
//! plain inputs the service gathers from the store. Each rule returns findings, each with
//! its evidence in Chinese; a finding says "look here", never "this is fraud": the reviewer
//! disposes of it (已核实 / 误报).
//!
//! A finding's key (rule, subject, month) is stable across runs, so a disposition stays
//! with the finding it was given to.
//!
//! What the stored records do not hold yet, and the rules therefore cannot look at:
//! - a policy's payments are dated and name the months they cover (ledger version 2);
//!   "paid after exit" compares a payment's date with the exit's. Policy records of
//!   version 1 kept no payments, so they give this rule nothing to look at;
//! - a post's pay months are not stored month by month; only the months a caller passes
//!   in are checked;
//! - households' kinship across household records is not stored: any two distinct
//!   households are taken as unrelated.

use super::calendar::Calendar;
use super::followup::FollowUpAnswers;
use super::ids::TownshipCode;
use super::ledger::Ledger;
use super::settings::DayHours;
use super::year_month::YearMonth;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which rule made a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rule {
    /// A person's follow-ups copied unchanged month after month.
    CopiedFollowups,
    /// An account entering more follow-ups in a minute than a person can.
    EntryPace,
    /// A follow-up entered outside working hours or on a day off.
    EntryHours,
    /// One phone, SI card or unit account across unrelated households.
    SharedContact,
    /// A subsidy or post paid after exit or in a month of unemployment benefit.
    PaidWhileIneligible,
    /// A recognition or exit decided by its proposer.
    SelfDecided,
    /// More ID reveals in a day than the setting allows.
    RevealsPerDay,
}

impl Rule {
    pub const ALL: [Rule; 7] = [
        Rule::CopiedFollowups,
        Rule::EntryPace,
        Rule::EntryHours,
        Rule::SharedContact,
        Rule::PaidWhileIneligible,
        Rule::SelfDecided,
        Rule::RevealsPerDay,
    ];

    /// The short code a finding's key starts with.
    pub fn code(self) -> &'static str {
        match self {
            Rule::CopiedFollowups => "copied",
            Rule::EntryPace => "pace",
            Rule::EntryHours => "hours",
            Rule::SharedContact => "shared",
            Rule::PaidWhileIneligible => "paid",
            Rule::SelfDecided => "self",
            Rule::RevealsPerDay => "reveals",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rule::CopiedFollowups => "回访连续照抄",
            Rule::EntryPace => "回访录入过快",
            Rule::EntryHours => "非工作时间录入回访",
            Rule::SharedContact => "不同家庭共用联系方式或账户",
            Rule::PaidWhileIneligible => "退出后或领取失业金期间发放补贴",
            Rule::SelfDecided => "认定或退出由提出人本人审定",
            Rule::RevealsPerDay => "查看身份证号过多",
        }
    }
}

/// Something a reviewer should look at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub township: TownshipCode,
    /// The person, household or account the finding is about, as the caller names it.
    pub subject: String,
    /// What was seen, in Chinese, enough to check it by hand.
    pub evidence: String,
    /// The day the finding is dated by; its month is part of the key.
    pub date: NaiveDate,
}

impl Finding {
    /// `rule:subject:YYYY-MM`, the same every run for the same finding.
    pub fn key(&self) -> String {
        let m = YearMonth::of(self.date);
        format!(
            "{}:{}:{:04}-{:02}",
            self.rule.code(),
            self.subject,
            m.year,
            m.month
        )
    }
}

/// China Standard Time, UTC+8.
fn cst(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
        .map(|o| at.with_timezone(&o))
        .unwrap_or_else(|| at.fixed_offset())
}

/// Whether two follow-ups say the same thing apart from their dates (the contact's date and
/// the next contact's, which follows from it).
fn same_apart_from_date(a: &FollowUpAnswers, b: &FollowUpAnswers) -> bool {
    let mut b = b.clone();
    b.date = a.date;
    b.next_contact = a.next_contact;
    *a == b
}

/// A run of follow-ups copied unchanged that reached the rule's number of months: the days
/// of its follow-ups, the last being the one that made it reach that number (the day the
/// finding is dated by). Kept by the store as it stands, so a finding can be named again
/// without reading the follow-ups (the person renamed, the household moved).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopiedRun {
    pub dates: Vec<NaiveDate>,
}

impl CopiedRun {
    /// The day the run reached its length.
    pub fn date(&self) -> Option<NaiveDate> {
        self.dates.last().copied()
    }

    /// The finding this run is about `person` of `township`.
    pub fn finding(&self, township: &TownshipCode, person: &str) -> Option<Finding> {
        let dates: Vec<String> = self.dates.iter().map(NaiveDate::to_string).collect();
        Some(Finding {
            rule: Rule::CopiedFollowups,
            township: township.clone(),
            subject: person.to_string(),
            evidence: format!(
                "连续 {} 个月的回访除日期外完全相同：{}",
                self.dates.len(),
                dates.join("、")
            ),
            date: self.date()?,
        })
    }
}

/// A person's follow-ups copied unchanged for `months` calendar months in a row (the last
/// follow-up of each month counts). One finding per streak, dated by the follow-up that
/// made the streak reach `months`, so a longer streak keeps its key.
pub fn copied_followups(
    township: &TownshipCode,
    person: &str,
    followups: &[FollowUpAnswers],
    months: u32,
) -> Vec<Finding> {
    copied_runs(followups, months)
        .iter()
        .filter_map(|r| r.finding(township, person))
        .collect()
}

/// The runs behind [`copied_followups`], oldest first; `followups` in the order they were
/// entered for a day (the last of a month's latest day counts).
pub fn copied_runs(followups: &[FollowUpAnswers], months: u32) -> Vec<CopiedRun> {
    let mut by_month: BTreeMap<YearMonth, &FollowUpAnswers> = BTreeMap::new();
    for f in followups {
        let m = YearMonth::of(f.date);
        match by_month.get(&m) {
            Some(kept) if kept.date > f.date => {}
            _ => {
                by_month.insert(m, f);
            }
        }
    }
    let mut runs = Vec::new();
    let mut streak: Vec<&FollowUpAnswers> = Vec::new();
    let mut last_month: Option<YearMonth> = None;
    for (m, f) in by_month {
        let continues = last_month.is_some_and(|l| l.next() == m)
            && streak.last().is_some_and(|p| same_apart_from_date(p, f));
        if !continues {
            streak.clear();
        }
        streak.push(f);
        last_month = Some(m);
        if streak.len() == months as usize {
            runs.push(CopiedRun {
                dates: streak.iter().map(|f| f.date).collect(),
            });
        }
    }
    runs
}

/// A follow-up's entry: who saved it, when, and for whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub account: String,
    pub township: TownshipCode,
    pub person: String,
    pub saved_at: DateTime<Utc>,
}

/// An account entering more than `per_minute` follow-ups in one clock minute (CST): one
/// finding per account and minute, its subject naming both (`account（YYYY-MM-DD HH时MM分）`)
/// so that each minute keeps a key of its own.
pub fn entry_pace(entries: &[Entry], per_minute: u32) -> Vec<Finding> {
    let mut minutes: BTreeMap<(String, DateTime<FixedOffset>), Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        let t = cst(e.saved_at);
        let minute = t
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(t);
        minutes
            .entry((e.account.clone(), minute))
            .or_default()
            .push(e);
    }
    minutes
        .into_iter()
        .filter(|(_, es)| es.len() > per_minute as usize)
        .map(|((account, minute), es)| {
            let people: Vec<&str> = es.iter().map(|e| e.person.as_str()).collect();
            Finding {
                rule: Rule::EntryPace,
                township: es[0].township.clone(),
                subject: format!("{account}（{}）", minute.format("%Y-%m-%d %H时%M分")),
                evidence: format!(
                    "账号 {account} 在 {} 一分钟内录入 {} 条回访（上限 {per_minute}）：{}",
                    minute.format("%Y-%m-%d %H:%M"),
                    es.len(),
                    people.join("、")
                ),
                date: minute.date_naive(),
            }
        })
        .collect()
}

/// Follow-ups entered outside `hours` (CST) or on a day that is not a working day of
/// `calendar`: one finding per account and day, listing the entries; its subject names
/// both (`account（YYYY-MM-DD）`).
pub fn entry_hours(entries: &[Entry], hours: DayHours, calendar: &Calendar) -> Vec<Finding> {
    type ByDay<'a> = BTreeMap<(String, NaiveDate), Vec<(&'a Entry, DateTime<FixedOffset>)>>;
    let mut days: ByDay = BTreeMap::new();
    for e in entries {
        let t = cst(e.saved_at);
        let day = t.date_naive();
        let minute = t.hour() * 60 + t.minute();
        if !calendar.is_working_day(day) || !hours.contains(minute) {
            days.entry((e.account.clone(), day))
                .or_default()
                .push((e, t));
        }
    }
    days.into_iter()
        .map(|((account, day), es)| {
            let what = if calendar.is_working_day(day) {
                format!("工作时间 {hours} 之外")
            } else {
                "非工作日".to_string()
            };
            let times: Vec<String> = es
                .iter()
                .map(|(e, t)| format!("{} {}", t.format("%H:%M"), e.person))
                .collect();
            Finding {
                rule: Rule::EntryHours,
                township: es[0].0.township.clone(),
                subject: format!("{account}（{day}）"),
                evidence: format!(
                    "账号 {account} 于 {day}（{what}，北京时间）录入 {} 条回访：{}",
                    es.len(),
                    times.join("、")
                ),
                date: day,
            }
        })
        .collect()
}

/// What kind of contact or payment target two households share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ContactKind {
    Phone,
    SiCard,
    UnitAccount,
}

impl ContactKind {
    pub fn label(self) -> &'static str {
        match self {
            ContactKind::Phone => "手机号",
            ContactKind::SiCard => "社保卡号",
            ContactKind::UnitAccount => "单位账户",
        }
    }
}

/// One household's phone, SI card or unit account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub household: String,
    pub township: TownshipCode,
    pub kind: ContactKind,
    pub value: String,
}

/// The same phone, SI card or unit account in two or more distinct households: one finding
/// per value, dated `as_of`. Blank values are ignored.
pub fn shared_contacts(contacts: &[Contact], as_of: NaiveDate) -> Vec<Finding> {
    let mut by_value: BTreeMap<(ContactKind, String), BTreeMap<String, TownshipCode>> =
        BTreeMap::new();
    for c in contacts {
        let v = c.value.trim();
        if v.is_empty() {
            continue;
        }
        by_value
            .entry((c.kind, v.to_string()))
            .or_default()
            .insert(c.household.clone(), c.township.clone());
    }
    by_value
        .into_iter()
        .filter(|(_, hs)| hs.len() > 1)
        .filter_map(|((kind, value), hs)| {
            let township = hs.values().next()?.clone();
            let list: Vec<String> = hs.keys().cloned().collect();
            Some(Finding {
                rule: Rule::SharedContact,
                township,
                subject: format!("{}{}", kind.code(), value),
                evidence: format!(
                    "{} {value} 出现在 {} 个不同家庭：{}",
                    kind.label(),
                    hs.len(),
                    list.join("、")
                ),
                date: as_of,
            })
        })
        .collect()
}

impl ContactKind {
    pub const ALL: [ContactKind; 3] = [
        ContactKind::Phone,
        ContactKind::SiCard,
        ContactKind::UnitAccount,
    ];

    /// What a shared value's finding's subject starts with (`tel`, `si`, `unit`).
    pub fn code(self) -> &'static str {
        match self {
            ContactKind::Phone => "tel",
            ContactKind::SiCard => "si",
            ContactKind::UnitAccount => "unit",
        }
    }
}

/// A month of a subsidy or post paid to a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// 社会保险补贴, 公益性岗位补贴, …
    pub what: String,
    pub month: YearMonth,
    /// The day it was paid, when recorded (a policy's payment); a post's months are not.
    pub paid_on: Option<NaiveDate>,
}

/// Months paid after the person's exit (a dated payment: paid after the exit's day; an
/// undated month: after the exit's month), or in a month the person drew unemployment
/// benefit. A dated payment's finding is dated by its payment and lists every month it
/// covers that is wrong; an undated month is a finding of its own.
pub fn paid_while_ineligible(
    township: &TownshipCode,
    person: &str,
    payments: &[Payment],
    exit: Option<NaiveDate>,
    benefit_months: &[YearMonth],
) -> Vec<Finding> {
    let exit_month = exit.map(YearMonth::of);
    let after_exit = |p: &Payment| match (p.paid_on, exit) {
        (Some(on), Some(exit)) => on > exit,
        _ => exit_month.is_some_and(|e| p.month > e),
    };
    let found: Vec<Finding> = payments
        .iter()
        .filter_map(|p| {
            let why = if after_exit(p) {
                format!(
                    "退出（{}）之后",
                    exit.map(|d| d.to_string()).unwrap_or_default()
                )
            } else if benefit_months.contains(&p.month) {
                "当月领取失业保险金".to_string()
            } else {
                return None;
            };
            let paid = p
                .paid_on
                .map(|d| format!("（{d} 发放）"))
                .unwrap_or_default();
            Some(Finding {
                rule: Rule::PaidWhileIneligible,
                township: township.clone(),
                subject: person.to_string(),
                evidence: format!(
                    "{} {} 的{}{paid}发放于{why}",
                    person,
                    p.month.label(),
                    p.what
                ),
                date: p.paid_on.unwrap_or_else(|| p.month.first_day()),
            })
        })
        .collect();
    // One finding per key: a payment covering several months, or two payments of one
    // month, are one thing for the reviewer to look at.
    let mut merged: Vec<Finding> = Vec::new();
    for f in found {
        match merged.iter_mut().find(|m| m.key() == f.key()) {
            Some(m) => {
                m.evidence.push('；');
                m.evidence.push_str(&f.evidence);
            }
            None => merged.push(f),
        }
    }
    merged
}

/// A person's ledger as [`paid_while_ineligible`] reads it: every month each dated payment
/// of a policy covers, named by the policy and dated by the payment; then every month of
/// each public-welfare post from its start to the day it stops being held, or to `until`
/// when that comes first (a post's pay is not stored month by month, so each month it is
/// held counts as paid).
pub fn paid_months(ledger: &Ledger, until: Option<YearMonth>) -> Vec<Payment> {
    let mut paid = Vec::new();
    for p in &ledger.policies {
        for pay in &p.payments {
            paid.extend(pay.months().into_iter().map(|m| Payment {
                what: p.kind.label().to_string(),
                month: m,
                paid_on: Some(pay.on),
            }));
        }
    }
    for post in &ledger.posts {
        let held = YearMonth::of(post.held_until());
        let last = until.map_or(held, |u| held.min(u));
        let mut m = YearMonth::of(post.placement.start);
        while m <= last {
            paid.push(Payment {
                what: format!("公益性岗位补贴（{}）", post.placement.employer),
                month: m,
                paid_on: None,
            });
            m = m.next();
        }
    }
    paid
}

/// The months any policy record of the person was checked against as months of
/// unemployment benefit, each once, in order.
pub fn benefit_months(ledger: &Ledger) -> Vec<YearMonth> {
    let mut benefit: Vec<YearMonth> = ledger
        .policies
        .iter()
        .flat_map(|p| p.benefit_months.iter().copied())
        .collect();
    benefit.sort();
    benefit.dedup();
    benefit
}

/// A recognition or exit with who proposed and who decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// 认定 or 退出.
    pub what: String,
    pub township: TownshipCode,
    pub person: String,
    pub proposed_by: String,
    pub decided_by: String,
    pub decided_on: NaiveDate,
}

/// Decisions made by the account that proposed them. The service refuses these; a finding
/// here means a record got past it. Its subject is what was decided and for whom
/// (`认定：person`), so a recognition and an exit of one person keep keys of their own.
pub fn self_decided(decisions: &[Decision]) -> Vec<Finding> {
    decisions
        .iter()
        .filter(|d| d.proposed_by == d.decided_by)
        .map(|d| Finding {
            rule: Rule::SelfDecided,
            township: d.township.clone(),
            subject: format!("{}：{}", d.what, d.person),
            evidence: format!(
                "{} 的{}由账号 {} 提出并于 {} 由同一账号审定",
                d.person, d.what, d.proposed_by, d.decided_on
            ),
            date: d.decided_on,
        })
        .collect()
}

/// One ID reveal from the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reveal {
    pub account: String,
    pub township: TownshipCode,
    pub at: DateTime<Utc>,
}

/// An account revealing more than `per_day` ID numbers in one day (CST): one finding per
/// account and day, its subject naming both (`account（YYYY-MM-DD）`).
pub fn reveals_per_day(reveals: &[Reveal], per_day: u32) -> Vec<Finding> {
    let mut days: BTreeMap<(String, NaiveDate), (usize, TownshipCode)> = BTreeMap::new();
    for r in reveals {
        let day = cst(r.at).date_naive();
        days.entry((r.account.clone(), day))
            .or_insert((0, r.township.clone()))
            .0 += 1;
    }
    days.into_iter()
        .filter(|(_, (n, _))| *n > per_day as usize)
        .map(|((account, day), (n, township))| Finding {
            rule: Rule::RevealsPerDay,
            township,
            subject: format!("{account}（{day}）"),
            evidence: format!(
                "账号 {account} 于 {}年{}月{}日 查看身份证号 {n} 次（上限 {per_day}）",
                day.year(),
                day.month(),
                day.day()
            ),
            date: day,
        })
        .collect()
}

pub mod disposition;

#[cfg(test)]
mod tests;
