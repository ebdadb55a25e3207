//! 补贴发放: the payments of an approved policy (R-GOV-1, 第(十四)条), each dated, with its
//! amount, the months it covers and where it went. A policy approved for the months
//! `from..=to` is paid in one or more payments — the flexible-employment SI subsidy, for
//! one, in a lump sum up to the approval month and then month by month (R-POL-SI,
//! 第(九)条) — and never more than the approved total in all.
//!
//! What a payment is not: a bank transfer. The tool records that the subsidy was paid
//! through the system to a 社会保障卡 or a unit's bank account; it moves no money.

use super::form::{format_date, parse_date, parse_month, parse_yuan};
use super::ledger::{LedgerDraft, LedgerField, PaidTo, PolicyRecord};
use super::text::clean_line;
use super::year_month::YearMonth;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
}
