//! Policies a case can enjoy (第(三)部分): the flexible-employment social insurance
//! subsidy's months (R-POL-SI). Public-welfare posts are in `post`.

use super::year_month::YearMonth;
use serde::{Deserialize, Serialize};

/// How an approved year of the flexible-employment social insurance subsidy is paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubsidyMonths {
    /// From the start month up to and including the approval month: paid in one sum.
    pub lump_sum: Vec<YearMonth>,
    /// From the month after approval to the end month: paid month by month.
    pub monthly: Vec<YearMonth>,
}

/// R-POL-SI (第(九)条): the months `start..=end` of `year` (months 1–12), approved in
/// `approved`. Months in which the person draws unemployment insurance benefits cannot be
/// subsidised: such an application is refused, naming them.
pub fn flexible_si_months(
    year: i32,
    start: u32,
    end: u32,
    approved: YearMonth,
    benefit_months: &[YearMonth],
) -> Result<SubsidyMonths, String> {
    let (Some(first), Some(last)) = (YearMonth::new(year, start), YearMonth::new(year, end)) else {
        return Err("补贴起止月份应在 1 至 12 月之间".into());
    };
    if first > last {
        return Err("补贴起始月份晚于结束月份".into());
    }
    let mut months = Vec::new();
    let mut m = first;
    loop {
        months.push(m);
        if m == last {
            break;
        }
        m = m.next();
    }
    let drawing: Vec<String> = months
        .iter()
        .filter(|m| benefit_months.contains(m))
        .map(|m| m.label())
        .collect();
    if !drawing.is_empty() {
        return Err(format!(
            "{} 领取失业保险金，不能申请这些月份的社会保险补贴（第(九)条）",
            drawing.join("、")
        ));
    }
    let (lump_sum, monthly) = months.into_iter().partition(|m| *m <= approved);
    Ok(SubsidyMonths { lump_sum, monthly })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    fn months(v: &[YearMonth]) -> Vec<u32> {
        v.iter()
            .map(|m| m.first_day().format("%m").to_string().parse().unwrap())
            .collect()
    }

    #[test]
    fn approved_in_the_start_month_only_that_month_is_a_lump_sum() {
        let s = flexible_si_months(2026, 3, 12, ym(2026, 3), &[]).unwrap();
        assert_eq!(months(&s.lump_sum), [3]);
        assert_eq!(months(&s.monthly), [4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }

    #[test]
    fn approved_in_december_the_whole_year_is_a_lump_sum() {
        let s = flexible_si_months(2026, 1, 12, ym(2026, 12), &[]).unwrap();
        assert_eq!(s.lump_sum.len(), 12);
        assert!(s.monthly.is_empty());
        // Approved only the next year: still all in one sum.
        let s = flexible_si_months(2026, 5, 12, ym(2027, 2), &[]).unwrap();
        assert_eq!(months(&s.lump_sum), [5, 6, 7, 8, 9, 10, 11, 12]);
    }

    #[test]
    fn a_start_after_approval_is_all_monthly() {
        let s = flexible_si_months(2026, 7, 12, ym(2026, 5), &[]).unwrap();
        assert!(s.lump_sum.is_empty());
        assert_eq!(months(&s.monthly), [7, 8, 9, 10, 11, 12]);
    }

    #[test]
    fn months_on_unemployment_benefits_are_refused_by_name() {
        let e = flexible_si_months(
            2026,
            1,
            12,
            ym(2026, 6),
            &[ym(2026, 2), ym(2026, 3), ym(2025, 12)],
        )
        .unwrap_err();
        assert!(e.contains("2026年2月、2026年3月"), "{e}");
        assert!(!e.contains("2025"), "{e}");
        // The months after the benefits ended can be applied for.
        let s = flexible_si_months(2026, 4, 12, ym(2026, 6), &[ym(2026, 2), ym(2026, 3)]).unwrap();
        assert_eq!(months(&s.lump_sum), [4, 5, 6]);
        assert!(flexible_si_months(2026, 9, 3, ym(2026, 6), &[]).is_err());
        assert!(flexible_si_months(2026, 0, 3, ym(2026, 6), &[]).is_err());
    }
}
