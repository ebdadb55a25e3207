//! 审核: one case on its way in (第(二)条) — its state, the notice and its objections, its
//! history — and the steps that can be taken in that state, each a digit. A step that needs
//! words (a reason, an objection, a finding) or a tier asks for them on the line below.
//! Whether the account may take the step is the service's to say; its refusal is shown.

use crate::domain::exit::ExitReason;
use crate::domain::recognition::Step;
use crate::domain::{RecognitionStatus, Tier};
use crate::service::ReviewView;
use crate::tui::cells::{clip, fit, input_view};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::{Input, InputRequest};

/// The steps, by the digit that takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Choice {
    StartReview,
    PassInitialReview,
    Reject,
    RaiseObjection,
    ResolveObjection,
    CloseNotice,
    Recognise,
    ChangeTier,
    ProposeExit,
}

impl Choice {
    const ALL: [Choice; 9] = [
        Choice::StartReview,
        Choice::PassInitialReview,
        Choice::Reject,
        Choice::RaiseObjection,
        Choice::ResolveObjection,
        Choice::CloseNotice,
        Choice::Recognise,
        Choice::ChangeTier,
        Choice::ProposeExit,
    ];

    fn key(self) -> char {
        char::from(b'1' + Choice::ALL.iter().position(|c| *c == self).unwrap_or(0) as u8)
    }

    fn label(self) -> &'static str {
        match self {
            Choice::StartReview => "受理初审",
            Choice::PassInitialReview => "初审通过并公示",
            Choice::Reject => "不予认定",
            Choice::RaiseObjection => "登记异议",
            Choice::ResolveObjection => "处理异议",
            Choice::CloseNotice => "公示结束",
            Choice::Recognise => "认定",
            Choice::ChangeTier => "调整帮扶等级",
            Choice::ProposeExit => "提出退出",
        }
    }

    /// Whether the step belongs to a case in this state (who may take it is checked later).
    fn fits(self, view: &ReviewView) -> bool {
        use RecognitionStatus as S;
        let open = view.objections.iter().any(|o| o.finding.is_none());
        match self {
            Choice::StartReview => view.status == S::Applied,
            Choice::PassInitialReview => view.status == S::InitialReview,
            Choice::Reject => matches!(
                view.status,
                S::Applied | S::InitialReview | S::InNotice | S::AwaitingRecognition
            ),
            Choice::RaiseObjection => view.status == S::InNotice,
            Choice::ResolveObjection => view.status == S::InNotice && open,
            Choice::CloseNotice => view.status == S::InNotice,
            Choice::Recognise => matches!(view.status, S::InNotice | S::AwaitingRecognition),
            Choice::ChangeTier => view.status == S::Recognised,
            Choice::ProposeExit => view.status == S::Recognised,
        }
    }
}

/// What the line under the case is asking for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ask {
    Tier(Choice),
    /// Whether the objection holds.
    Upheld,
    /// Words for the step; with the tier chosen, or whether the objection holds.
    Text(Choice, Option<Tier>, bool),
}

pub(super) struct ReviewCase {
    pub(super) view: ReviewView,
    ask: Option<Ask>,
    input: Input,
    history_offset: usize,
}

/// What a key in the pane came to.
pub(super) enum Outcome {
    Nothing,
    /// Take this step.
    Take(Step),
    /// Propose this person's exit (第(五)条), for the county to decide.
    ProposeExit(ExitReason, String),
    /// A message for the status line.
    Say(String),
}

impl ReviewCase {
    pub fn new(view: ReviewView) -> Self {
        Self {
            view,
            ask: None,
            input: Input::default(),
            history_offset: 0,
        }
    }

    /// Esc: drop the question if one is open. Returns whether there was one.
    pub fn cancel(&mut self) -> bool {
        self.input = Input::default();
        self.ask.take().is_some()
    }

    pub fn scroll(&mut self, delta: isize) {
        let last = self.view.history.len().saturating_sub(1);
        self.history_offset = self.history_offset.saturating_add_signed(delta).min(last);
    }

    fn choices(&self) -> Vec<Choice> {
        Choice::ALL
            .into_iter()
            .filter(|c| c.fits(&self.view))
            .collect()
    }

    /// A typed character: a step's digit, a tier's digit, or text for the question.
    pub fn type_char(&mut self, c: char) -> Outcome {
        let c = crate::domain::text::halfwidth_digit(c);
        match self.ask.clone() {
            Some(Ask::Text(..)) => {
                if !c.is_control() {
                    self.input.handle(InputRequest::InsertChar(c));
                }
                Outcome::Nothing
            }
            Some(Ask::Upheld) => match c {
                '1' | '2' => {
                    self.ask = Some(Ask::Text(Choice::ResolveObjection, None, c == '2'));
                    Outcome::Nothing
                }
                _ => Outcome::Say("请按 1（异议不成立）或 2（异议成立，退回初审）".into()),
            },
            Some(Ask::Tier(choice)) => match tier_of(c) {
                Some(tier) if choice == Choice::Recognise => {
                    self.ask = None;
                    Outcome::Take(Step::Recognise { tier })
                }
                Some(tier) => {
                    self.ask = Some(Ask::Text(choice, Some(tier), false));
                    Outcome::Nothing
                }
                None => Outcome::Say("请按 1、2 或 3 选择帮扶等级".into()),
            },
            None => {
                let Some(choice) = self.choices().into_iter().find(|ch| ch.key() == c) else {
                    return Outcome::Say(format!("“{c}”不是此案件可办理的事项"));
                };
                match choice {
                    Choice::StartReview => Outcome::Take(Step::StartReview),
                    Choice::PassInitialReview => Outcome::Take(Step::PassInitialReview),
                    Choice::CloseNotice => Outcome::Take(Step::CloseNotice),
                    Choice::Recognise | Choice::ChangeTier => {
                        self.ask = Some(Ask::Tier(choice));
                        Outcome::Nothing
                    }
                    Choice::ResolveObjection => {
                        self.ask = Some(Ask::Upheld);
                        Outcome::Nothing
                    }
                    Choice::Reject | Choice::RaiseObjection | Choice::ProposeExit => {
                        self.ask = Some(Ask::Text(choice, None, false));
                        Outcome::Nothing
                    }
                }
            }
        }
    }

    pub fn edit(&mut self, request: InputRequest) {
        if matches!(self.ask, Some(Ask::Text(..))) {
            self.input.handle(request);
        }
    }

    pub fn paste(&mut self, text: &str) {
        if matches!(self.ask, Some(Ask::Text(..))) {
            for c in crate::domain::text::clean_line(text, 100).chars() {
                self.input.handle(InputRequest::InsertChar(c));
            }
        }
    }

    /// 第(四)条: the default rule's tier, on its own line while the case is on its way to
    /// recognition, and once recognised only when the case's tier differs from it.
    fn suggestion(&self) -> Option<String> {
        use RecognitionStatus as S;
        let v = &self.view;
        let suggested = v.suggested_tier.label();
        match v.status {
            S::InNotice | S::AwaitingRecognition | S::InitialReview | S::Applied => Some(format!(
                "建议帮扶等级：{suggested}（第(四)条默认规则，认定时按 Enter 采用）"
            )),
            S::Recognised if v.suggested_tier != v.tier => Some(format!(
                "建议帮扶等级：{suggested}（第(四)条默认规则），现为{}，可按 {} 调整并写明理由",
                v.tier.label(),
                Choice::ChangeTier.key()
            )),
            _ => None,
        }
    }

    /// Enter: the question answered; at recognition's tier question, the suggested tier.
    pub fn submit(&mut self) -> Outcome {
        if self.ask == Some(Ask::Tier(Choice::Recognise)) {
            self.ask = None;
            return Outcome::Take(Step::Recognise {
                tier: self.view.suggested_tier,
            });
        }
        let Some(Ask::Text(choice, tier, upheld)) = self.ask.clone() else {
            return Outcome::Nothing;
        };
        let text = crate::domain::text::clean_line(self.input.value(), 100);
        if text.is_empty() {
            return Outcome::Say("请先填写内容再按 Enter".into());
        }
        if choice == Choice::ProposeExit {
            let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
            let reason = digits
                .parse::<usize>()
                .ok()
                .and_then(|n| ExitReason::ALL.get(n.wrapping_sub(1)).copied());
            let evidence = text[digits.len()..].trim().to_string();
            return match reason {
                Some(_) if evidence.is_empty() => {
                    Outcome::Say("原因编号后请写明依据，如：6 户口迁往章贡区".into())
                }
                Some(reason) => {
                    self.ask = None;
                    self.input = Input::default();
                    Outcome::ProposeExit(reason, evidence)
                }
                None => Outcome::Say("请先写退出原因编号（1至12），再写依据".into()),
            };
        }
        let step = match choice {
            Choice::Reject => Step::Reject { reason: text },
            Choice::RaiseObjection => Step::RaiseObjection { text },
            Choice::ResolveObjection => Step::ResolveObjection {
                index: self
                    .view
                    .objections
                    .iter()
                    .position(|o| o.finding.is_none())
                    .unwrap_or(0),
                upheld,
                finding: text,
            },
            Choice::ChangeTier => Step::ChangeTier {
                to: tier.unwrap_or(self.view.tier),
                reason: text,
            },
            _ => return Outcome::Nothing,
        };
        self.ask = None;
        self.input = Input::default();
        Outcome::Take(step)
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let v = &self.view;
        let title = format!(" 审核 {} {} ", v.name, v.status.label());
        let block = theme.block().title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = usize::from(inner.width);
        let cats: Vec<&str> = v.categories.iter().map(|c| c.label()).collect();
        let mut lines = vec![
            Line::from(clip(
                &format!(
                    "{}  {}  {}  申请 {}",
                    v.name,
                    v.id_masked,
                    v.township_name,
                    v.applied_on.format("%Y-%m-%d")
                ),
                w,
            )),
            Line::from(clip(
                &format!(
                    "类别：{}",
                    if cats.is_empty() {
                        "（无）".to_string()
                    } else {
                        cats.join("、")
                    }
                ),
                w,
            )),
        ];
        let notice = match v.notice {
            Some((from, to)) if v.today <= to => Span::styled(
                format!(
                    "公示：{} 至 {}，公示期间不能认定，{} 起可认定",
                    from.format("%m-%d"),
                    to.format("%m-%d"),
                    // The next working day, which the service works out from the
                    // holiday calendar: never a holiday.
                    v.recognisable_from
                        .unwrap_or_else(|| to.succ_opt().unwrap_or(to))
                        .format("%m-%d")
                ),
                theme.warn(),
            ),
            Some((from, to)) => Span::raw(format!(
                "公示：{} 至 {}，已期满",
                from.format("%m-%d"),
                to.format("%m-%d")
            )),
            None if v.status == RecognitionStatus::Recognised => Span::raw(""),
            None => Span::styled("公示：尚未公示", theme.dim()),
        };
        if !notice.content.is_empty() {
            lines.push(Line::from(notice));
        }
        if v.status == RecognitionStatus::Recognised {
            lines.push(Line::from(clip(
                &format!(
                    "帮扶等级：{}（{}）",
                    v.tier.label(),
                    v.packages
                        .get(v.tier as usize)
                        .map(String::as_str)
                        .unwrap_or("")
                ),
                w,
            )));
        }
        if let Some(line) = self.suggestion() {
            lines.push(Line::from(Span::styled(clip(&line, w), theme.dim())));
        }
        for (i, o) in v.objections.iter().enumerate() {
            let (state, style) = match &o.finding {
                Some(f) => (format!("已核实：{f}"), theme.dim()),
                None => ("未处理".to_string(), theme.error()),
            };
            lines.push(Line::from(Span::styled(
                clip(
                    &format!(
                        "异议{} {}：{}（{state}）",
                        i + 1,
                        o.raised_on.format("%m-%d"),
                        o.text
                    ),
                    w,
                ),
                style,
            )));
        }
        lines.push(Line::from(Span::styled("经过", theme.label())));
        let room = usize::from(inner.height).saturating_sub(lines.len() + 4);
        for e in v.history.iter().rev().skip(self.history_offset).take(room) {
            lines.push(Line::from(clip(
                &format!("  {}  {}", e.date.format("%Y-%m-%d"), e.what),
                w,
            )));
        }
        lines.push(Line::from(""));
        let choices = self.choices();
        let menu = if choices.is_empty() {
            "此案件没有可办理的审核事项".to_string()
        } else {
            choices
                .iter()
                .map(|c| format!("{} {}", c.key(), c.label()))
                .collect::<Vec<_>>()
                .join("  ")
        };
        lines.push(Line::from(Span::styled(clip(&menu, w), theme.focus())));
        if matches!(self.ask, Some(Ask::Text(Choice::ProposeExit, ..))) {
            let names: Vec<String> = ExitReason::ALL
                .iter()
                .enumerate()
                .map(|(i, r)| format!("{} {}", i + 1, r.label()))
                .collect();
            for pair in names.chunks(2) {
                lines.push(Line::from(Span::styled(
                    clip(&format!("  {}", pair.join("  ")), w),
                    theme.dim(),
                )));
            }
        }
        let question = match &self.ask {
            None => None,
            Some(Ask::Tier(Choice::Recognise)) => Some(format!(
                "帮扶等级（1 一级  2 二级  3 三级，Enter 采用建议的{}）：",
                v.suggested_tier.label()
            )),
            Some(Ask::Tier(_)) => Some("帮扶等级（1 一级  2 二级  3 三级）：".to_string()),
            Some(Ask::Upheld) => Some("异议是否成立（1 不成立  2 成立，退回初审）：".to_string()),
            Some(Ask::Text(choice, tier, upheld)) => Some(match choice {
                Choice::Reject => "不予认定的理由：".to_string(),
                Choice::RaiseObjection => "异议内容（来源、事由）：".to_string(),
                Choice::ResolveObjection if *upheld => "异议成立，核实情况：".to_string(),
                Choice::ResolveObjection => "异议不成立，核实情况：".to_string(),
                Choice::ProposeExit => "原因编号和依据：".to_string(),
                _ => format!("调整为{}的理由：", tier.map(Tier::label).unwrap_or("")),
            }),
        };
        let mut cursor = None;
        if let Some(q) = question {
            let prompt_w = crate::tui::cells::width(&q);
            let (shown, caret) = input_view(&self.input, w.saturating_sub(prompt_w + 1));
            let y = inner.y + u16::try_from(lines.len()).unwrap_or(0);
            cursor = Some(Position::new(
                inner.x + u16::try_from(prompt_w + caret).unwrap_or(0),
                y,
            ));
            lines.push(Line::from(vec![
                Span::styled(q, theme.label()),
                Span::styled(fit(&shown, w.saturating_sub(prompt_w)), theme.focus()),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        if let Some(p) = cursor {
            frame.set_cursor_position(p);
        }
    }
}

fn tier_of(c: char) -> Option<Tier> {
    match c {
        '1' => Some(Tier::One),
        '2' => Some(Tier::Two),
        '3' => Some(Tier::Three),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseId, HouseholdId};
    use chrono::NaiveDate;

    fn view(status: RecognitionStatus, tier: Tier, suggested: Tier) -> ReviewView {
        let day = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or_default();
        ReviewView {
            case: CaseId(1),
            rev: 1,
            household: HouseholdId(1),
            name: "赖春梅".into(),
            id_masked: "360726********0012".into(),
            township_name: "欣山镇".into(),
            status,
            tier,
            categories: Vec::new(),
            applied_on: day,
            notice: None,
            recognisable_from: None,
            suggested_tier: suggested,
            objections: Vec::new(),
            history: Vec::new(),
            packages: Vec::new(),
            today: day,
        }
    }

    #[test]
    fn finding_12_enter_at_recognition_takes_the_suggested_tier() {
        let v = view(RecognitionStatus::AwaitingRecognition, Tier::Two, Tier::One);
        let mut case = ReviewCase::new(v);
        assert_eq!(
            case.suggestion().as_deref(),
            Some("建议帮扶等级：一级（第(四)条默认规则，认定时按 Enter 采用）")
        );
        let key = Choice::Recognise.key();
        assert!(matches!(case.type_char(key), Outcome::Nothing));
        assert!(matches!(
            case.submit(),
            Outcome::Take(Step::Recognise { tier: Tier::One })
        ));
        // Another tier is still one key away.
        assert!(matches!(case.type_char(key), Outcome::Nothing));
        assert!(matches!(
            case.type_char('3'),
            Outcome::Take(Step::Recognise { tier: Tier::Three })
        ));
    }

    #[test]
    fn finding_12_a_recognised_case_off_the_rule_names_the_suggestion() {
        let same = ReviewCase::new(view(RecognitionStatus::Recognised, Tier::Two, Tier::Two));
        assert_eq!(same.suggestion(), None);
        let off = ReviewCase::new(view(RecognitionStatus::Recognised, Tier::Two, Tier::Three));
        let line = off.suggestion().unwrap_or_default();
        assert!(
            line.contains("建议帮扶等级：三级") && line.contains("现为二级"),
            "{line}"
        );
        assert!(
            line.contains(&format!("可按 {} 调整", Choice::ChangeTier.key())),
            "{line}"
        );
    }
}
