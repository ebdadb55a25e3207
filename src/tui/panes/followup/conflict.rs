//! 保存冲突: someone else saved this person's follow-up while the form was open. Each field
//! on which the two differ is shown side by side — what they saved, what you typed — and
//! you keep one or the other, field by field. Their record stays on file either way; what
//! you save is a record of its own (第(十四)条: nothing is overwritten silently).

use crate::domain::followup_form::{Field, FollowUpDraft};
use crate::tui::cells::{clip, fit};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) struct ConflictPane {
    /// What the other person saved, as the form shows it.
    theirs: FollowUpDraft,
    /// Who saved it.
    by: String,
    /// The case's rev after their save: what a save from here is made against.
    pub(super) rev: u64,
    /// The fields on which the two versions differ, in form order.
    pub(super) fields: Vec<Field>,
    /// Per field in `fields`: keep theirs (true) or yours (false).
    keep_theirs: Vec<bool>,
    selected: usize,
}

const LABEL_CELLS: usize = 12;
const SIDE_CELLS: usize = 30;

impl ConflictPane {
    /// The conflict between `mine` and `theirs`; `None` when they say the same.
    pub fn new(mine: &FollowUpDraft, theirs: FollowUpDraft, by: String, rev: u64) -> Option<Self> {
        let fields = mine.differences(&theirs);
        if fields.is_empty() {
            return None;
        }
        Some(Self {
            keep_theirs: vec![false; fields.len()],
            theirs,
            by,
            rev,
            fields,
            selected: 0,
        })
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.fields.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    /// Keeps their value (or yours) for the selected field, then moves to the next one.
    pub fn keep(&mut self, theirs: bool) {
        if let Some(k) = self.keep_theirs.get_mut(self.selected) {
            *k = theirs;
        }
        // The employer, contract, insurance, wage and willingness follow the work status:
        // their work status with my employer would be a record nobody made.
        if self.fields.get(self.selected) == Some(&Field::WorkStatus) {
            for (field, keep) in self.fields.iter().zip(self.keep_theirs.iter_mut()) {
                if follows_work_status(*field) {
                    *keep = theirs;
                }
            }
        }
        self.move_by(1);
    }

    /// Your form with the fields chosen from theirs.
    pub fn resolved(&self, mine: &FollowUpDraft) -> FollowUpDraft {
        let their_status = self
            .fields
            .iter()
            .zip(&self.keep_theirs)
            .any(|(f, theirs)| *f == Field::WorkStatus && *theirs);
        let taken: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| {
                let chosen = self
                    .fields
                    .iter()
                    .zip(&self.keep_theirs)
                    .any(|(g, theirs)| g == f && *theirs);
                chosen || (their_status && follows_work_status(*f))
            })
            .collect();
        mine.taking(&self.theirs, &taken)
    }

    /// Draws the two versions of `name`'s follow-up, `mine` being the form as typed.
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        name: &str,
        mine: &FollowUpDraft,
    ) {
        let block = theme
            .block()
            .title(Span::styled(format!(" 保存冲突 {name} "), theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let width = usize::from(inner.width);
        let mut lines = vec![
            Line::from(Span::styled(
                clip(
                    &format!("您填写期间，{} 已保存了此人的回访。", self.by),
                    width,
                ),
                theme.error(),
            )),
            Line::from(clip(
                "以下各项两边不同，请逐项选择保留哪一边；对方的记录仍会保留。",
                width,
            )),
            Line::from(""),
            Line::from(vec![
                Span::raw("  "),
                Span::styled(fit("项目", LABEL_CELLS), theme.label()),
                Span::styled(
                    fit(&format!("{} 保存的", self.by), SIDE_CELLS),
                    theme.label(),
                ),
                Span::raw(" "),
                Span::styled(fit("您填写的", SIDE_CELLS), theme.label()),
            ]),
        ];
        for (i, field) in self.fields.iter().enumerate() {
            let selected = i == self.selected;
            let theirs = self.keep_theirs[i];
            let side = |text: String, kept: bool| {
                let shown = if kept {
                    format!("[{text}]")
                } else {
                    format!(" {text} ")
                };
                let style = if kept && selected {
                    theme.focus()
                } else if kept {
                    theme.ok()
                } else {
                    theme.dim()
                };
                Span::styled(fit(&shown, SIDE_CELLS), style)
            };
            let value = |d: &FollowUpDraft| {
                let v = d.display_value(*field);
                if v.is_empty() {
                    "（空）".to_string()
                } else {
                    v
                }
            };
            lines.push(Line::from(vec![
                Span::styled(if selected { "> " } else { "  " }, theme.marker()),
                Span::styled(
                    fit(field.label(), LABEL_CELLS),
                    if selected {
                        theme.focus()
                    } else {
                        theme.label()
                    },
                ),
                side(value(&self.theirs), theirs),
                Span::raw(" "),
                side(value(mine), !theirs),
            ]));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            clip(
                "← 用对方的  → 用我的  ↑↓ 换项  Ctrl-S 按所选保存  Esc 回到表单",
                width,
            ),
            theme.dim(),
        )));
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// Whether a field's answer belongs with the work status it was given under.
fn follows_work_status(field: Field) -> bool {
    matches!(
        field,
        Field::Employer | Field::Contract | Field::SocialInsurance | Field::Wage | Field::Willing
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::followup_form::FormContext;
    use crate::domain::{Settings, Tier};

    fn draft(method: char, plan: &str) -> FollowUpDraft {
        let ctx = FormContext {
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            recognised_on: None,
            tier: Tier::Two,
            late_entry_days: 5,
        };
        let mut d = FollowUpDraft::blank(&ctx, &Settings::default());
        d.press_code(Field::Method, method);
        d.press_code(Field::WorkStatus, '1');
        d.press_code(Field::Willing, '1');
        d.set(Field::Plan, plan.into());
        d
    }

    #[test]
    fn the_same_answers_are_no_conflict() {
        let d = draft('2', "推荐岗位");
        assert!(ConflictPane::new(&d, d.clone(), "liu".into(), 3).is_none());
    }

    #[test]
    fn yours_are_kept_unless_theirs_is_chosen_field_by_field() {
        let mine = draft('2', "报名电工培训");
        let theirs = draft('1', "推荐保洁岗位");
        let mut pane = ConflictPane::new(&mine, theirs, "liu".into(), 3).unwrap();
        assert_eq!(pane.fields, [Field::Method, Field::Plan]);
        assert_eq!(pane.resolved(&mine), mine);
        pane.keep(true);
        assert_eq!(pane.selected, 1);
        let resolved = pane.resolved(&mine);
        assert_eq!(resolved.get(Field::Method), "1");
        assert_eq!(resolved.get(Field::Plan), "报名电工培训");
        pane.move_by(-5);
        pane.keep(false);
        assert_eq!(pane.resolved(&mine), mine);
    }

    #[test]
    fn finding_19_taking_their_work_status_takes_its_employer_with_it() {
        let mine = draft('2', "推荐岗位");
        let mut theirs = draft('2', "推荐岗位");
        theirs.press_code(Field::WorkStatus, '2');
        theirs.set(Field::Employer, "于都县人民医院".into());
        theirs.press_code(Field::Contract, '1');
        theirs.press_code(Field::SocialInsurance, '1');
        theirs.set(Field::Wage, "2500".into());
        let mut pane = ConflictPane::new(&mine, theirs.clone(), "liu".into(), 3).unwrap();
        assert_eq!(pane.fields.first(), Some(&Field::WorkStatus));
        pane.keep(true);
        assert!(
            pane.keep_theirs.iter().all(|k| *k),
            "the dependent rows follow"
        );
        let resolved = pane.resolved(&mine);
        for field in [
            Field::WorkStatus,
            Field::Employer,
            Field::Contract,
            Field::SocialInsurance,
            Field::Wage,
        ] {
            assert_eq!(resolved.get(field), theirs.get(field), "{field:?}");
        }
    }
}
