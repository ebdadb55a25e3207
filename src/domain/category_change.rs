//! 第(一)条: a recorded category added to a person after intake, or ended (a dibao household
//! that left dibao, a certificate withdrawn), each with its evidence. Only the seven recorded
//! categories can be changed by hand; 零就业家庭成员 and "4050" follow from the facts. An end
//! is final: a category that applies again is added anew, with new evidence.

use super::category::{Category, Evidence, RecordedCategory};
use super::text::clean_line;
use serde::{Deserialize, Serialize};

/// Adding or ending one recorded category, with what proves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CategoryChange {
    Add {
        category: Category,
        evidence: Evidence,
    },
    /// `evidence` proves the end: the decision that withdrew it and who made it.
    End {
        category: Category,
        evidence: Evidence,
    },
}

impl CategoryChange {
    pub fn category(&self) -> Category {
        match self {
            CategoryChange::Add { category, .. } | CategoryChange::End { category, .. } => {
                *category
            }
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            CategoryChange::Add { .. } => "增加人员类别",
            CategoryChange::End { .. } => "终止人员类别",
        }
    }

    /// The person's recorded categories after the change, or why it cannot be made.
    pub fn apply(&self, recorded: &[RecordedCategory]) -> Result<Vec<RecordedCategory>, String> {
        let category = self.category();
        if !Category::RECORDED.contains(&category) {
            return Err(format!(
                "{}由系统按家庭和年龄自动判定，不能手工增减",
                category.label()
            ));
        }
        let evidence = match self {
            CategoryChange::Add { evidence, .. } | CategoryChange::End { evidence, .. } => {
                Evidence {
                    document_no: clean_line(&evidence.document_no, 30),
                    issued_by: clean_line(&evidence.issued_by, 30),
                }
            }
        };
        if evidence.document_no.is_empty() || evidence.issued_by.is_empty() {
            return Err(match self {
                CategoryChange::Add { .. } => {
                    format!("请填写{}的证明文号和发证（认定）机关", category.label())
                }
                CategoryChange::End { .. } => {
                    format!("请填写终止{}的依据文号和作出决定的机关", category.label())
                }
            });
        }
        let held = recorded.iter().any(|c| c.category == category);
        match self {
            CategoryChange::Add { .. } if held => Err(format!("已登记为{}", category.label())),
            CategoryChange::Add { .. } => {
                let mut all = recorded.to_vec();
                all.push(RecordedCategory { category, evidence });
                Ok(all)
            }
            CategoryChange::End { .. } if !held => {
                Err(format!("未登记为{}，无需终止", category.label()))
            }
            CategoryChange::End { .. } => Ok(recorded
                .iter()
                .filter(|c| c.category != category)
                .cloned()
                .collect()),
        }
    }

    /// The history line: `增加人员类别：低保人员（赣民低〔2026〕12号，于都县民政局）`.
    pub fn describe(&self) -> String {
        let (category, evidence) = match self {
            CategoryChange::Add { category, evidence }
            | CategoryChange::End { category, evidence } => (category, evidence),
        };
        format!(
            "{}：{}（{}，{}）",
            self.label(),
            category.label(),
            evidence.document_no,
            evidence.issued_by
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(no: &str, by: &str) -> Evidence {
        Evidence {
            document_no: no.into(),
            issued_by: by.into(),
        }
    }

    fn dibao() -> RecordedCategory {
        RecordedCategory {
            category: Category::Dibao,
            evidence: ev("低保证 0012", "于都县民政局"),
        }
    }

    #[test]
    fn a_recorded_category_is_added_with_its_evidence() {
        let add = CategoryChange::Add {
            category: Category::Disabled,
            evidence: ev(" 残疾证 36073119800101 ", "于都县残联"),
        };
        let after = add.apply(&[dibao()]).unwrap();
        assert_eq!(after.len(), 2);
        assert_eq!(after[1].category, Category::Disabled);
        assert_eq!(after[1].evidence.document_no, "残疾证 36073119800101");
        assert_eq!(
            add.apply(&after).unwrap_err(),
            "已登记为残疾人员",
            "not twice"
        );
    }

    #[test]
    fn an_end_removes_the_category_and_needs_its_decision() {
        let end = CategoryChange::End {
            category: Category::Dibao,
            evidence: ev("于民低退〔2026〕3号", "于都县民政局"),
        };
        assert_eq!(end.apply(&[dibao()]).unwrap(), Vec::new());
        assert_eq!(end.apply(&[]).unwrap_err(), "未登记为低保人员，无需终止");
        let bare = CategoryChange::End {
            category: Category::Dibao,
            evidence: ev("", "于都县民政局"),
        };
        assert!(bare.apply(&[dibao()]).unwrap_err().contains("依据文号"));
    }

    #[test]
    fn derived_categories_cannot_be_changed_by_hand() {
        for category in [Category::ZeroEmploymentMember, Category::Age4050] {
            let add = CategoryChange::Add {
                category,
                evidence: ev("x", "y"),
            };
            assert!(
                add.apply(&[]).unwrap_err().contains("自动判定"),
                "{category:?}"
            );
        }
    }

    #[test]
    fn every_recorded_category_can_be_added() {
        let mut recorded = Vec::new();
        for category in Category::RECORDED {
            let add = CategoryChange::Add {
                category,
                evidence: ev("文号", "机关"),
            };
            recorded = add.apply(&recorded).unwrap();
        }
        assert_eq!(recorded.len(), 7);
    }
}
