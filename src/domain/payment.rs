//! 补贴发放: the payments of an approved policy (R-GOV-1, 第(十四)条), each dated, with its
//! amount, the months it covers and where it went. A policy approved for the months
//! `from..=to` is paid in one or more payments — the flexible-employment SI subsidy, for
//! one, in a lump sum up to the approval month and then month by month (R-POL-SI,
//! 第(九)条) — and never more than the approved total in all.
//!
//! What a payment is not: a bank transfer. The tool records that the subsidy was paid
//! through the system to a 社会保障卡 or a unit's bank account; it moves no money.
//!
//! Also here: the supervision rule over unit accounts (R-SUPERVISE-1), since it reads the
//! payment targets and nothing else of the ledger.

use super::form::{format_date, parse_date, parse_month, parse_yuan};
use super::ids::TownshipCode;
use super::ledger::{LedgerDraft, LedgerField, PaidTo, PolicyRecord};
use super::supervise::{Finding, Rule};
use super::text::clean_line;
use super::year_month::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One payment of a policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The day it was paid.
    pub on: NaiveDate,
    /// Yuan.
    pub amount: u32,
    /// The months it pays for, within the policy's.
    pub from: YearMonth,
    pub to: YearMonth,
    pub paid_to: PaidTo,
}

impl Payment {
    /// The months `from..=to`.
    pub fn months(&self) -> Vec<YearMonth> {
        let mut out = Vec::new();
        let mut m = self.from;
        while m <= self.to {
            out.push(m);
            m = m.next();
        }
        out
    }
}

impl PolicyRecord {
    /// Yuan paid so far.
    pub fn paid(&self) -> u64 {
        self.payments.iter().map(|p| u64::from(p.amount)).sum()
    }

    /// The month the policy was approved: as typed, or for an SI subsidy kept before the
    /// approval month was stored, the last month of its lump sum (which ends at approval).
    pub fn approved_month(&self) -> Option<YearMonth> {
        self.approved.or_else(|| {
            self.months
                .as_ref()
                .and_then(|m| m.lump_sum.last().copied())
        })
    }
}

type Errors = Vec<(LedgerField, String)>;

/// The 登记补贴发放 form for `policy`, filled as a caseworker would most often pay it:
/// today, what is left of the approved total, the months after those already paid, to
/// where the policy says.
pub fn payment_draft(policy: &PolicyRecord, today: NaiveDate) -> LedgerDraft {
    use super::ledger::EntryKind;
    let mut d = LedgerDraft::blank(EntryKind::Payment, today);
    let left = u64::from(policy.amount).saturating_sub(policy.paid());
    d.set(LedgerField::Amount, left.to_string());
    let from = policy
        .payments
        .iter()
        .map(|p| p.to.next())
        .max()
        .filter(|m| *m <= policy.to)
        .unwrap_or(policy.from);
    d.set(LedgerField::PayFrom, from.to_string());
    d.set(LedgerField::PayTo, policy.to.to_string());
    match &policy.paid_to {
        PaidTo::Card(c) => d.set(LedgerField::Card, c.clone()),
        PaidTo::UnitAccount(a) => d.set(LedgerField::UnitAccount, a.clone()),
    }
    d
}

/// R-GOV-1 (第(十四)条) and R-POL-SI (第(九)条): a payment of `policy` as typed, checked
/// field by field. It is dated no later than `today` and not before the approval month;
/// its months lie within the policy's and are none the policy was checked against as
/// months of unemployment benefit; its amount is positive and, with what was paid before,
/// not above the approved total; it goes to a 社保卡 or a unit account, one of the two.
pub fn check_payment(
    draft: &LedgerDraft,
    policy: &PolicyRecord,
    today: NaiveDate,
) -> Result<Payment, Errors> {
    use LedgerField as F;
    let mut errors: Errors = Vec::new();
    let on = match parse_date(draft.get(F::PaidOn)) {
        Ok(on) if on > today => {
            errors.push((
                F::PaidOn,
                format!("发放日期晚于今天（{}）", format_date(today)),
            ));
            None
        }
        Ok(on) => match policy.approved_month() {
            Some(a) if on < a.first_day() => {
                errors.push((
                    F::PaidOn,
                    format!("发放日期早于政策批准月份（{}）", a.label()),
                ));
                None
            }
            _ => Some(on),
        },
        Err(e) => {
            errors.push((F::PaidOn, e.to_string()));
            None
        }
    };
    let amount = match parse_yuan(draft.get(F::Amount)) {
        Ok(0) => {
            errors.push((F::Amount, "发放金额应大于 0".into()));
            None
        }
        Ok(a) => {
            let left = u64::from(policy.amount).saturating_sub(policy.paid());
            if u64::from(a) > left {
                errors.push((
                    F::Amount,
                    format!(
                        "累计发放不能超过批准金额 {} 元（已发 {} 元，最多再发 {left} 元）",
                        policy.amount,
                        policy.paid()
                    ),
                ));
                None
            } else {
                Some(a)
            }
        }
        Err(e) => {
            errors.push((F::Amount, e.message().to_string()));
            None
        }
    };
    let month = |field: LedgerField, errors: &mut Errors| match parse_month(draft.get(field)) {
        Ok(m) if m < policy.from || m > policy.to => {
            errors.push((
                field,
                format!(
                    "应在政策的月份内（{}至{}）",
                    policy.from.label(),
                    policy.to.label()
                ),
            ));
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            errors.push((field, e.to_string()));
            None
        }
    };
    let from = month(F::PayFrom, &mut errors);
    let to = month(F::PayTo, &mut errors);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            errors.push((F::PayTo, "结束月份早于起始月份".into()));
        } else {
            let drawing: Vec<String> = policy
                .benefit_months
                .iter()
                .filter(|m| (f..=t).contains(m))
                .map(|m| m.label())
                .collect();
            if !drawing.is_empty() {
                errors.push((
                    F::PayFrom,
                    format!(
                        "{} 领取失业保险金，不能发放这些月份的补贴（第(九)条）",
                        drawing.join("、")
                    ),
                ));
            }
        }
    }
    let card = clean_line(draft.get(F::Card), 30);
    let account = clean_line(draft.get(F::UnitAccount), 40);
    let paid_to = match (card.is_empty(), account.is_empty()) {
        (false, true) => Some(PaidTo::Card(card)),
        (true, false) => Some(PaidTo::UnitAccount(account)),
        (true, true) => {
            errors.push((
                F::Card,
                "补贴须发放到社保卡或单位账户，请填写其一（第(十四)条）".into(),
            ));
            None
        }
        (false, false) => {
            errors.push((F::UnitAccount, "社保卡号和单位账户只填其一".into()));
            None
        }
    };
    match (on, amount, from, to, paid_to) {
        (Some(on), Some(amount), Some(from), Some(to), Some(paid_to)) if errors.is_empty() => {
            Ok(Payment {
                on,
                amount,
                from,
                to,
                paid_to,
            })
        }
        _ => Err(errors),
    }
}

/// A household's use of a unit account: a policy record or payment naming it, with the
/// unit the person works for as the ledger and follow-ups know it (none when neither a
/// post nor a follow-up names an employer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitAccountUse {
    pub household: String,
    pub township: TownshipCode,
    pub account: String,
    pub unit: Option<String>,
}

/// R-SUPERVISE-1 (第(十四)条): one unit account across unrelated households. A unit's
/// account is the employer's, so its many employees share it by right; a 社保卡, by
/// contrast, is personal, and [`super::supervise::shared_contacts`] flags any two
/// households on one. A unit account is flagged only when two or more households name it
/// and either the units its users work for differ (one account, two employers), or one
/// of its households has no one on record working for a unit at all (nothing explains
/// why their subsidy went to an employer's account). One finding per account, dated
/// `as_of`, keyed like a shared contact (`shared:unit…`).
pub fn shared_unit_accounts(uses: &[UnitAccountUse], as_of: NaiveDate) -> Vec<Finding> {
    type Users = BTreeMap<String, (TownshipCode, Option<String>)>;
    let mut by_account: BTreeMap<String, Users> = BTreeMap::new();
    for u in uses {
        let account = u.account.trim();
        if account.is_empty() {
            continue;
        }
        let unit = u
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let users = by_account.entry(account.to_string()).or_default();
        let kept = users
            .entry(u.household.clone())
            .or_insert((u.township.clone(), None));
        if kept.1.is_none() {
            kept.1 = unit;
        }
    }
    by_account
        .into_iter()
        .filter(|(_, users)| users.len() > 1)
        .filter_map(|(account, users)| {
            let units: BTreeSet<&str> = users.values().filter_map(|(_, u)| u.as_deref()).collect();
            let without: Vec<&str> = users
                .iter()
                .filter(|(_, (_, u))| u.is_none())
                .map(|(h, _)| h.as_str())
                .collect();
            let why = if units.len() > 1 {
                format!(
                    "其使用人分属不同单位：{}",
                    units.iter().copied().collect::<Vec<_>>().join("、")
                )
            } else if !without.is_empty() {
                format!("其中家庭 {} 无人在用人单位就业", without.join("、"))
            } else {
                return None;
            };
            let township = users.values().next()?.0.clone();
            let list: Vec<&str> = users.keys().map(String::as_str).collect();
            Some(Finding {
                rule: Rule::SharedContact,
                township,
                subject: format!("unit{account}"),
                evidence: format!(
                    "单位账户 {account} 出现在 {} 个不同家庭：{}；{why}",
                    users.len(),
                    list.join("、")
                ),
                date: as_of,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ledger::{EntryKind, PolicyKind};

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn policy() -> PolicyRecord {
        PolicyRecord {
            kind: PolicyKind::SocialInsurance,
            from: ym(2026, 3),
            to: ym(2026, 12),
            amount: 4200,
            paid_to: PaidTo::Card("362100000000000001".into()),
            months: None,
            approved: Some(ym(2026, 6)),
            benefit_months: vec![ym(2026, 2)],
            payments: Vec::new(),
        }
    }

    fn typed(texts: &[&str]) -> LedgerDraft {
        LedgerDraft::typed(EntryKind::Payment, texts)
    }

    #[test]
    fn the_form_is_filled_with_what_is_left_to_where_the_policy_says() {
        let mut p = policy();
        let d = payment_draft(&p, day(2026, 6, 20));
        assert_eq!(d.get(LedgerField::PaidOn), "2026-06-20");
        assert_eq!(d.get(LedgerField::Amount), "4200");
        assert_eq!(d.get(LedgerField::PayFrom), "2026-03");
        assert_eq!(d.get(LedgerField::Card), "362100000000000001");
        let first = check_payment(&d, &p, day(2026, 6, 20)).unwrap();
        assert_eq!(first.months().len(), 10);
        p.payments.push(Payment {
            amount: 1680,
            to: ym(2026, 6),
            ..first
        });
        let d = payment_draft(&p, day(2026, 7, 20));
        assert_eq!(d.get(LedgerField::Amount), "2520");
        assert_eq!(d.get(LedgerField::PayFrom), "2026-07");
    }

    #[test]
    fn a_payment_is_dated_between_approval_and_today() {
        let p = policy();
        let e = check_payment(
            &typed(&["2026-06-21", "100", "2026-03", "2026-06", "1", ""]),
            &p,
            day(2026, 6, 20),
        )
        .unwrap_err();
        assert_eq!(e[0].0, LedgerField::PaidOn);
        assert!(e[0].1.contains("晚于今天"), "{e:?}");
        let e = check_payment(
            &typed(&["2026-05-31", "100", "2026-03", "2026-06", "1", ""]),
            &p,
            day(2026, 6, 20),
        )
        .unwrap_err();
        assert!(e[0].1.contains("批准月份"), "{e:?}");
        assert!(
            check_payment(
                &typed(&["2026-06-01", "100", "2026-03", "2026-06", "1", ""]),
                &p,
                day(2026, 6, 20),
            )
            .is_ok()
        );
    }

    #[test]
    fn payments_are_positive_and_never_above_the_approved_total() {
        let mut p = policy();
        let today = day(2026, 12, 1);
        let e = check_payment(
            &typed(&["2026-07-01", "0", "2026-07", "2026-07", "1", ""]),
            &p,
            today,
        )
        .unwrap_err();
        assert_eq!(e[0].0, LedgerField::Amount);
        p.payments.push(
            check_payment(
                &typed(&["2026-07-01", "4000", "2026-03", "2026-07", "1", ""]),
                &p,
                today,
            )
            .unwrap(),
        );
        let e = check_payment(
            &typed(&["2026-08-01", "201", "2026-08", "2026-08", "1", ""]),
            &p,
            today,
        )
        .unwrap_err();
        assert_eq!(e[0].0, LedgerField::Amount);
        assert!(e[0].1.contains("最多再发 200 元"), "{e:?}");
    }

    #[test]
    fn months_stay_within_the_policy_and_off_benefit_months() {
        let mut p = policy();
        let today = day(2026, 12, 1);
        let e = check_payment(
            &typed(&["2026-07-01", "100", "2026-02", "2026-03", "1", ""]),
            &p,
            today,
        )
        .unwrap_err();
        assert_eq!(e[0].0, LedgerField::PayFrom);
        assert!(e[0].1.contains("政策的月份内"), "{e:?}");
        p.benefit_months = vec![ym(2026, 4)];
        let e = check_payment(
            &typed(&["2026-07-01", "100", "2026-03", "2026-05", "1", ""]),
            &p,
            today,
        )
        .unwrap_err();
        assert!(
            e[0].1.contains("2026年4月") && e[0].1.contains("失业"),
            "{e:?}"
        );
        let e = check_payment(
            &typed(&["2026-07-01", "100", "2026-06", "2026-05", "", ""]),
            &p,
            today,
        )
        .unwrap_err();
        assert_eq!(
            e.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            [LedgerField::PayTo, LedgerField::Card]
        );
    }

    fn used(h: &str, account: &str, unit: Option<&str>) -> UnitAccountUse {
        UnitAccountUse {
            household: h.into(),
            township: TownshipCode("360731100".into()),
            account: account.into(),
            unit: unit.map(String::from),
        }
    }

    #[test]
    fn a_unit_account_shared_by_one_units_employees_is_not_a_finding() {
        let as_of = day(2026, 11, 30);
        let staff = [
            used("1", "6222", Some("长征村委会")),
            used("2", "6222", Some("长征村委会")),
            used("3", "6222", Some("长征村委会")),
        ];
        assert!(shared_unit_accounts(&staff, as_of).is_empty());
        // One household alone is never a finding, whoever it works for.
        assert!(shared_unit_accounts(&[used("1", "7000", None)], as_of).is_empty());
        let two_units = [
            used("1", "6222", Some("长征村委会")),
            used("2", "6222", Some("某鞋厂")),
        ];
        let found = shared_unit_accounts(&two_units, as_of);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key(), "shared:unit6222:2026-11");
        assert!(found[0].evidence.contains("不同单位"), "{found:?}");
        let nobody = [
            used("1", "6222", Some("长征村委会")),
            used("2", "6222", None),
        ];
        let found = shared_unit_accounts(&nobody, as_of);
        assert!(found[0].evidence.contains("家庭 2 无人"), "{found:?}");
    }
}
