//! 审核: one case on its way in (第(二)条), opened from the queue or a household. The case
//! file and its questions are in `case.rs`; this pane sends the step the caseworker chose and
//! says what became of it. Whether the account may take the step is the service's to say.

mod case;

use super::{Effect, Env, Notice, Pane, PaneKind, StatusKind, confirm, say};
use crate::domain::category_change::CategoryChange;
use crate::domain::recognition::Step;
use crate::domain::{CaseId, Tier};
use crate::service::{Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use case::{Outcome, ReviewCase};
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct ReviewPane {
    case: CaseId,
    /// None until the case file arrives.
    file: Option<ReviewCase>,
    /// A tier off the default rule chosen at recognition, with its reason: sent as a tier
    /// change once the recognition is answered.
    then_tier: Option<(Tier, String)>,
}

const FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::Open, "确定"),
    (Action::Back, ""),
    (Action::Quit, ""),
];

impl ReviewPane {
    pub fn opening(case: CaseId) -> Self {
        Self {
            case,
            file: None,
            then_tier: None,
        }
    }

    fn ask_for_file(&self) -> Effect {
        Effect::Ask(Request::CaseReview { case: self.case })
    }

    /// What the caseworker's key came to, as a request or a message.
    fn outcome(&mut self, outcome: Outcome) -> Vec<Effect> {
        let Some(rev) = self.file.as_ref().map(|f| f.view.rev) else {
            return Vec::new();
        };
        let case = self.case;
        if !matches!(outcome, Outcome::Nothing | Outcome::Say(_)) {
            self.then_tier = None;
        }
        match outcome {
            Outcome::Nothing => Vec::new(),
            Outcome::Say(text) => vec![say(StatusKind::Error, text)],
            Outcome::ProposeExit(reason, evidence) => vec![Effect::Ask(Request::ProposeExit {
                case,
                rev,
                reason,
                evidence,
            })],
            Outcome::RecogniseOffRule {
                suggested,
                tier,
                reason,
            } => {
                let name = self
                    .file
                    .as_ref()
                    .map(|f| f.view.name.clone())
                    .unwrap_or_default();
                self.then_tier = Some((tier, reason.clone()));
                let step = Step::Recognise { tier: suggested };
                vec![confirm(
                    format!(
                        "认定 {name} 为就业困难人员（按规则为{}），随即调整为{}（理由：{reason}），列入每月回访。",
                        suggested.label(),
                        tier.label()
                    ),
                    vec![Effect::Ask(Request::CaseStep { case, rev, step })],
                )]
            }
            Outcome::ChangeCategory(change) => {
                let name = self
                    .file
                    .as_ref()
                    .map(|f| f.view.name.clone())
                    .unwrap_or_default();
                let ask = Effect::Ask(Request::ChangeCategory {
                    case,
                    rev,
                    change: change.clone(),
                });
                match &change {
                    // An end cannot be undone: only a new addition, with new evidence.
                    CategoryChange::End { category, evidence } => vec![confirm(
                        format!(
                            "终止 {name} 的“{}”类别（依据：{}，{}）。终止后不能撤销，如再符合须重新增加。",
                            category.label(),
                            evidence.document_no,
                            evidence.issued_by
                        ),
                        vec![ask],
                    )],
                    CategoryChange::Add { .. } => vec![ask],
                }
            }
            Outcome::Take(step) => {
                let name = self
                    .file
                    .as_ref()
                    .map(|f| f.view.name.clone())
                    .unwrap_or_default();
                let what = match &step {
                    Step::Recognise { tier } => Some(format!(
                        "认定 {name} 为就业困难人员（{}），列入每月回访。",
                        tier.label()
                    )),
                    Step::Reject { reason } => Some(format!(
                        "对 {name} 不予认定（理由：{reason}），申请就此办结。"
                    )),
                    _ => None,
                };
                let ask = Effect::Ask(Request::CaseStep { case, rev, step });
                match what {
                    Some(what) => vec![confirm(what, vec![ask])],
                    None => vec![ask],
                }
            }
        }
    }
}

impl Pane for ReviewPane {
    fn kind(&self) -> PaneKind {
        PaneKind::Review
    }

    fn context(&self) -> Context {
        Context::Review
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        vec![self.ask_for_file()]
    }

    fn update(&mut self, action: Action, _env: &Env) -> Vec<Effect> {
        let Some(file) = &mut self.file else {
            return Vec::new();
        };
        let outcome = match action {
            Action::Open => file.submit(),
            Action::PageDown => {
                file.scroll(8);
                Outcome::Nothing
            }
            Action::PageUp => {
                file.scroll(-8);
                Outcome::Nothing
            }
            Action::Type(c) => file.type_char(c),
            Action::Edit(edit) => {
                file.edit(edit.request());
                Outcome::Nothing
            }
            Action::Paste(text) => {
                file.paste(&text);
                Outcome::Nothing
            }
            Action::Back => {
                if !file.cancel() {
                    return vec![Effect::Close];
                }
                Outcome::Nothing
            }
            Action::ShowQueue => return vec![Effect::CloseToQueue],
            Action::ShowHousehold => {
                return vec![Effect::Open(Box::new(
                    super::household::HouseholdPane::opening(file.view.household, Some(self.case)),
                ))];
            }
            Action::Followup => {
                return vec![Effect::Open(Box::new(
                    super::followup::FollowupPane::opening(self.case),
                ))];
            }
            Action::ShowExits => {
                return vec![Effect::Open(Box::new(super::exits::ExitsPane::opening()))];
            }
            _ => Outcome::Nothing,
        };
        self.outcome(outcome)
    }

    fn answer(
        &mut self,
        asked: Request,
        answer: Result<Response, ServiceError>,
        _env: &Env,
    ) -> Vec<Effect> {
        match (asked, answer) {
            (_, Ok(Response::CaseReview(view))) => {
                self.file = Some(ReviewCase::new(view));
                Vec::new()
            }
            (Request::CaseReview { .. }, Err(e)) if self.file.is_none() => {
                vec![say(StatusKind::Error, e.to_string()), Effect::Close]
            }
            (Request::CaseReview { .. }, Err(e)) => vec![say(StatusKind::Error, e.to_string())],
            // The file is fetched again when the data sequence moves (see `notice`).
            (Request::ProposeExit { reason, .. }, Ok(_)) => vec![say(
                StatusKind::Ok,
                format!("已提出退出（{}），等待县级审核（F5）", reason.label()),
            )],
            (Request::ChangeCategory { change, .. }, Ok(Response::Stepped { .. })) => {
                vec![say(
                    StatusKind::Ok,
                    format!("已办理：{}", change.describe()),
                )]
            }
            (
                Request::CaseStep {
                    step: Step::Recognise { .. },
                    ..
                },
                Ok(Response::Stepped { rev, .. }),
            ) if self.then_tier.is_some() => {
                let Some((to, reason)) = self.then_tier.take() else {
                    return Vec::new();
                };
                let step = Step::ChangeTier { to, reason };
                vec![Effect::Ask(Request::CaseStep {
                    case: self.case,
                    rev,
                    step,
                })]
            }
            (Request::CaseStep { step, .. }, Ok(Response::Stepped { status, .. })) => {
                vec![say(
                    StatusKind::Ok,
                    format!("已办理：{}。案件现为“{}”", step.label(), status.label()),
                )]
            }
            (_, Err(ServiceError::Conflict(m))) => {
                vec![self.ask_for_file(), say(StatusKind::Error, m)]
            }
            (_, Err(e)) => vec![super::failed("未办理", &e)],
            (_, Ok(_)) => Vec::new(),
        }
    }

    fn notice(&mut self, notice: &Notice, _env: &Env) -> Vec<Effect> {
        match notice {
            Notice::DataChanged if self.file.is_some() => vec![self.ask_for_file()],
            _ => Vec::new(),
        }
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        FOOTER
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        if let Some(file) = &self.file {
            file.render(frame, area, env.theme);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, Evidence, RecognitionStatus, Tier};
    use crate::tui::panes::fixtures::{asked, env, overview};
    use crate::tui::theme::Theme;

    #[test]
    fn finding_14_ending_a_category_waits_for_confirm_and_adding_does_not() {
        let (o, t) = (overview(), Theme::sixteen());
        let mut v = case::tests::view(RecognitionStatus::Recognised, Tier::One, Tier::One);
        v.categories = vec![Category::Dibao];
        let mut pane = ReviewPane::opening(v.case);
        pane.answer(
            Request::CaseReview { case: v.case },
            Ok(Response::CaseReview(v)),
            &env(&o, &t),
        );
        let evidence = Evidence {
            document_no: "于民低退〔2026〕3号".into(),
            issued_by: "于都县民政局".into(),
        };
        let end = pane.outcome(Outcome::ChangeCategory(CategoryChange::End {
            category: Category::Dibao,
            evidence: evidence.clone(),
        }));
        match end.as_slice() {
            [Effect::Confirm(c)] => {
                assert!(c.what.contains("终止后不能撤销"), "{}", c.what);
                assert!(matches!(
                    asked(&c.then).as_slice(),
                    [Request::ChangeCategory { rev: 1, .. }]
                ));
            }
            other => panic!("expected a confirmation, got {other:?}"),
        }
        let add = pane.outcome(Outcome::ChangeCategory(CategoryChange::Add {
            category: Category::Disabled,
            evidence,
        }));
        assert!(matches!(
            asked(&add).as_slice(),
            [Request::ChangeCategory { .. }]
        ));
    }

    #[test]
    fn finding_12_a_tier_off_the_rule_at_recognition_is_a_tier_change_with_its_reason() {
        let (o, t) = (overview(), Theme::sixteen());
        let v = case::tests::view(RecognitionStatus::AwaitingRecognition, Tier::Two, Tier::One);
        let case = v.case;
        let mut pane = ReviewPane::opening(case);
        pane.answer(
            Request::CaseReview { case },
            Ok(Response::CaseReview(v)),
            &env(&o, &t),
        );
        let effects = pane.outcome(Outcome::RecogniseOffRule {
            suggested: Tier::One,
            tier: Tier::Three,
            reason: "已稳定务工".into(),
        });
        let recognise = match effects.as_slice() {
            [Effect::Confirm(c)] => {
                assert!(c.what.contains("随即调整为三级"), "{}", c.what);
                asked(&c.then)[0].clone()
            }
            other => panic!("expected a confirmation, got {other:?}"),
        };
        assert_eq!(
            recognise,
            Request::CaseStep {
                case,
                rev: 1,
                step: Step::Recognise { tier: Tier::One }
            }
        );
        let then = pane.answer(
            recognise,
            Ok(Response::Stepped {
                case,
                rev: 2,
                status: RecognitionStatus::Recognised,
            }),
            &env(&o, &t),
        );
        assert_eq!(
            asked(&then),
            vec![&Request::CaseStep {
                case,
                rev: 2,
                step: Step::ChangeTier {
                    to: Tier::Three,
                    reason: "已稳定务工".into()
                }
            }]
        );
        // Sent once: the change's own answer is just reported.
        let done = pane.answer(
            Request::CaseStep {
                case,
                rev: 2,
                step: Step::ChangeTier {
                    to: Tier::Three,
                    reason: "已稳定务工".into(),
                },
            },
            Ok(Response::Stepped {
                case,
                rev: 3,
                status: RecognitionStatus::Recognised,
            }),
            &env(&o, &t),
        );
        assert!(asked(&done).is_empty());
    }
}
