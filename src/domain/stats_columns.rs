//! The figures of the month's table that the ledger and the lists give (第(十三)条): posts,
//! payments by policy and target (R-POST-1, R-GOV-1), leads by source and disposition
//! (R-DISCOVER-1), as groups of columns. One definition serves the 统计 screen (its short
//! headings), the text and CSV tables and the workbook (the long ones), so they cannot
//! drift apart; each column names the [`Measure`] its people are listed by.

use super::lead::{Disposition, LeadSource};
use super::ledger::PolicyKind;
use super::post::PostType;
use super::stats::Contribution;
use super::stats_measure::Measure;

/// What a cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Count(u32),
    Yuan(u64),
}

impl Cell {
    pub fn text(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Yuan(n) => n.to_string(),
        }
    }
}

pub struct Column {
    /// The report's and workbook's heading.
    pub header: String,
    /// The screen's, at most 8 cells.
    pub short: String,
    /// What Enter on the figure lists.
    pub measure: Measure,
    value: Box<dyn Fn(&Contribution) -> Cell + Send + Sync>,
}

impl Column {
    fn new(
        header: impl Into<String>,
        short: impl Into<String>,
        measure: Measure,
        value: impl Fn(&Contribution) -> Cell + Send + Sync + 'static,
    ) -> Self {
        Self {
            header: header.into(),
            short: short.into(),
            measure,
            value: Box::new(value),
        }
    }

    /// A count column: the measure's own count.
    fn count(header: impl Into<String>, short: impl Into<String>, measure: Measure) -> Self {
        Self::new(header, short, measure, move |c| {
            Cell::Count(measure.count(c))
        })
    }

    pub fn value(&self, c: &Contribution) -> Cell {
        (self.value)(c)
    }
}

pub struct Group {
    /// The workbook's sheet and the text table's block.
    pub sheet: &'static str,
    /// The screen's tab.
    pub tab: &'static str,
    pub columns: Vec<Column>,
}

/// A policy's name in at most four characters, for the screen.
fn short(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::TaxRelief => "税费减免",
        PolicyKind::BusinessLoan => "创业贷款",
        PolicyKind::SocialInsurance => "社保补贴",
        PolicyKind::Training => "培训补贴",
        PolicyKind::PostSubsidy => "岗位补贴",
    }
}

fn yuan_of(kind: PolicyKind) -> impl Fn(&Contribution) -> Cell + Send + Sync {
    let i = PolicyKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    move |c| Cell::Yuan(c.paid_yuan.get(i).copied().unwrap_or(0))
}

/// The groups, in the order the screen's tabs and the workbook's sheets show them (after
/// the case and household groups). Made once: the screen reads them for every row it draws.
pub fn groups() -> &'static [Group] {
    static GROUPS: std::sync::OnceLock<Vec<Group>> = std::sync::OnceLock::new();
    GROUPS.get_or_init(make)
}

fn make() -> Vec<Group> {
    let posts = {
        let mut cols: Vec<Column> = PostType::ALL
            .iter()
            .map(|p| {
                let short = match p {
                    PostType::Urban => "城镇岗位",
                    PostType::RuralPartTime => "乡村岗位",
                };
                Column::count(format!("月末在{}", p.label()), short, Measure::OnPost(*p))
            })
            .collect();
        let subsidy = Measure::Paid(PolicyKind::PostSubsidy);
        cols.push(Column::count("岗位补贴发放人数", "补贴人数", subsidy));
        cols.push(Column::new(
            "岗位补贴发放金额（元）",
            "补贴金额",
            subsidy,
            yuan_of(PolicyKind::PostSubsidy),
        ));
        cols
    };
    let mut persons: Vec<Column> = PolicyKind::ALL
        .iter()
        .map(|k| Column::count(format!("{}人数", k.label()), short(*k), Measure::Paid(*k)))
        .collect();
    persons.push(Column::count(
        "发放至社会保障卡人数",
        "社保卡",
        Measure::PaidToCard,
    ));
    persons.push(Column::count(
        "发放至单位账户人数",
        "单位账户",
        Measure::PaidToUnit,
    ));
    let mut yuan: Vec<Column> = PolicyKind::ALL
        .iter()
        .map(|k| {
            Column::new(
                format!("{}金额（元）", k.label()),
                short(*k),
                Measure::Paid(*k),
                yuan_of(*k),
            )
        })
        .collect();
    yuan.push(Column::new(
        "发放至社会保障卡金额（元）",
        "社保卡",
        Measure::PaidToCard,
        |c| Cell::Yuan(c.to_card_yuan),
    ));
    yuan.push(Column::new(
        "发放至单位账户金额（元）",
        "单位账户",
        Measure::PaidToUnit,
        |c| Cell::Yuan(c.to_unit_yuan),
    ));
    let mut found: Vec<Column> = LeadSource::ALL
        .iter()
        .map(|s| {
            let short = match s {
                LeadSource::Dibao => "低保",
                LeadSource::LowIncome => "低收入",
                LeadSource::Disabled => "残疾人",
                LeadSource::RegisteredUnemployed => "登记失业",
                LeadSource::Monitored => "监测对象",
                LeadSource::Other => "其他",
            };
            Column::count(
                format!("本月发现：{}", s.label()),
                short,
                Measure::LeadsFound(*s),
            )
        })
        .collect();
    found.push(Column::count(
        "本月发现合计",
        "合计",
        Measure::LeadsFoundAll,
    ));
    let mut disposed: Vec<Column> = Disposition::ALL
        .iter()
        .map(|d| {
            let short = match d {
                Disposition::NotEligible => "不符合",
                Disposition::Refused => "本人拒绝",
                other => other.label(),
            };
            Column::count(format!("月末{}", d.label()), short, Measure::LeadsAt(*d))
        })
        .collect();
    disposed.push(Column::count("月末线索合计", "合计", Measure::LeadsAll));
    vec![
        Group {
            sheet: "公益性岗位",
            tab: "岗位",
            columns: posts,
        },
        Group {
            sheet: "补贴发放人数",
            tab: "补贴",
            columns: persons,
        },
        Group {
            sheet: "补贴发放金额",
            tab: "金额",
            columns: yuan,
        },
        Group {
            sheet: "线索来源",
            tab: "线索",
            columns: found,
        },
        Group {
            sheet: "线索处理",
            tab: "处理",
            columns: disposed,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_heading_fits_its_cell_and_every_column_reads_its_own_figure() {
        let c = Contribution {
            on_post: [2, 0],
            paid_persons: [0, 0, 0, 0, 3],
            paid_yuan: [0, 0, 0, 0, 4_500],
            to_unit_yuan: 4_500,
            leads_found: [1, 0, 4, 0, 0, 0],
            leads_at_end: [5, 1, 0, 0, 0],
            ..Contribution::default()
        };
        let gs = groups();
        for g in gs {
            assert!(g.columns.len() <= 7, "{} is wider than 80 columns", g.sheet);
            for col in &g.columns {
                let cells: usize = col.short.chars().map(|_| 2).sum();
                assert!(cells <= 9, "{}", col.short);
            }
        }
        let by = |sheet: &str, header: &str| {
            let g = gs.iter().find(|g| g.sheet == sheet).unwrap();
            g.columns
                .iter()
                .find(|c| c.header == header)
                .unwrap()
                .value(&c)
        };
        assert_eq!(by("公益性岗位", "月末在城镇公益性岗位"), Cell::Count(2));
        assert_eq!(
            by("公益性岗位", "岗位补贴发放金额（元）"),
            Cell::Yuan(4_500)
        );
        assert_eq!(
            by("补贴发放金额", "发放至单位账户金额（元）"),
            Cell::Yuan(4_500)
        );
        assert_eq!(by("线索来源", "本月发现合计"), Cell::Count(5));
        assert_eq!(by("线索处理", "月末线索合计"), Cell::Count(6));
    }
}
