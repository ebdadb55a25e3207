//! 退出审核 (第(五)条), F5: exits waiting for the county, then what the rules found. The
//! list and its prompt are `list.rs`; this pane sends the
//! proposal or the decision and says what became of it. The service checks who may.

mod list;

use super::{Effect, Env, Notice, Pane, PaneKind, StatusKind, say};
use crate::service::{ExitCount, Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use list::{ExitList, ExitOutcome, WINDOW};
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Default)]
pub struct ExitsPane {
    /// None until the rows arrive.
    list: Option<ExitList>,
    /// What to say once the service has done what was asked.
    done: Option<String>,
    /// The window asked for and not yet answered, so a run of keys asks once.
    asked: Option<u32>,
}

const FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::ShowHousehold, ""),
    (Action::Open, "确定"),
    (Action::Back, ""),
    (Action::Quit, ""),
];

impl ExitsPane {
    pub fn opening() -> Self {
        Self::default()
    }

    fn window(from: u32) -> Request {
        Request::Exits {
            from,
            count: WINDOW,
        }
    }

    /// The window around the selection, asked for when the rows there are not held.
    fn follow(&mut self) -> Vec<Effect> {
        match self.list.as_ref().and_then(ExitList::window_wanted) {
            Some(from) if self.asked != Some(from) => {
                self.asked = Some(from);
                vec![Effect::Ask(Self::window(from))]
            }
            _ => Vec::new(),
        }
    }

    /// The month's approved exits by reason, for the status line when the list opens.
    fn stats_said(counts: &[ExitCount]) -> Effect {
        let month: u32 = counts.iter().map(|c| c.this_month).sum();
        let parts: Vec<String> = counts
            .iter()
            .filter(|c| c.this_month > 0)
            .map(|c| format!("{} {}", c.reason.label(), c.this_month))
            .collect();
        let text = if parts.is_empty() {
            "本月尚无批准退出".to_string()
        } else {
            format!("本月已退出 {month} 人：{}", parts.join("，"))
        };
        say(StatusKind::Info, text)
    }

    /// What a key in the list came to, as a request for the selected row.
    fn outcome(&mut self, outcome: ExitOutcome) -> Vec<Effect> {
        let row = self.list.as_ref().and_then(|l| l.selected_row()).cloned();
        let name = row.as_ref().map(|r| r.name.clone()).unwrap_or_default();
        let (request, done) = match (outcome, row) {
            (ExitOutcome::Nothing, _) => return Vec::new(),
            (ExitOutcome::Say(text), _) => return vec![say(StatusKind::Info, text)],
            (_, None) => return Vec::new(),
            (ExitOutcome::Propose(evidence), Some(row)) => (
                Request::ProposeExit {
                    case: row.case,
                    rev: row.rev,
                    reason: row.reason,
                    evidence,
                },
                format!("已提出 {} 退出，等待县级审核", row.name),
            ),
            (ExitOutcome::Approve, Some(row)) => (
                Request::DecideExit {
                    case: row.case,
                    rev: row.rev,
                    approve: true,
                    note: String::new(),
                },
                format!("已批准 {} 退出，认定已取消，不再列入回访", row.name),
            ),
            (ExitOutcome::Return(note), Some(row)) => (
                Request::DecideExit {
                    case: row.case,
                    rev: row.rev,
                    approve: false,
                    note,
                },
                format!("已退回 {} 的退出申请", row.name),
            ),
        };
        self.done = Some(done);
        // Deciding an exit is final: approving ends the recognition.
        let what = match &request {
            Request::DecideExit { approve: true, .. } => {
                Some(format!("批准 {name} 退出：认定将取消，不再列入回访。"))
            }
            Request::DecideExit { note, .. } => {
                Some(format!("退回 {name} 的退出申请（理由：{note}）。"))
            }
            _ => None,
        };
        let ask = Effect::Ask(request);
        match what {
            Some(what) => vec![super::confirm(what, vec![ask])],
            None => vec![ask],
        }
    }
}

impl Pane for ExitsPane {
    fn kind(&self) -> PaneKind {
        PaneKind::Exits
    }

    fn context(&self) -> Context {
        self.list
            .as_ref()
            .map(ExitList::context)
            .unwrap_or(Context::Exits)
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        let from = self.list.as_ref().map_or(0, ExitList::window_from);
        vec![Effect::Ask(Self::window(from))]
    }

    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect> {
        let page = env.list_height.max(1) as isize;
        let Some(list) = &mut self.list else {
            return Vec::new();
        };
        let outcome = match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                list.move_by(match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -page,
                    _ => page,
                });
                return self.follow();
            }
            Action::Open => list.submit(),
            Action::ProposeExit => list.propose(),
            Action::ApproveExit => list.approve(),
            Action::ReturnExit => list.return_(),
            Action::Type(c) => list.type_char(c),
            Action::Edit(edit) => {
                list.edit(edit.request());
                ExitOutcome::Nothing
            }
            Action::Paste(text) => {
                list.paste(&text);
                ExitOutcome::Nothing
            }
            Action::Back => {
                if !list.cancel() {
                    return vec![Effect::Close];
                }
                ExitOutcome::Nothing
            }
            Action::ShowQueue => return vec![Effect::CloseToQueue],
            Action::ShowExits => return self.start(env),
            Action::ShowHousehold => {
                return match list.selected_row() {
                    Some(r) => vec![Effect::Open(Box::new(
                        super::household::HouseholdPane::opening(r.household, Some(r.case)),
                    ))],
                    None => vec![say(StatusKind::Info, "没有选中的人员")],
                };
            }
            Action::Followup => {
                return match list.selected_row() {
                    Some(r) => vec![Effect::Open(Box::new(
                        super::followup::FollowupPane::opening(r.case),
                    ))],
                    None => Vec::new(),
                };
            }
            _ => ExitOutcome::Nothing,
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
            (_, Ok(Response::Exits(page))) => {
                self.asked = None;
                match &mut self.list {
                    Some(list) => {
                        list.set_page(page);
                        // The selection may have moved on while the window was on its way.
                        self.follow()
                    }
                    None => {
                        self.list = Some(ExitList::new(page));
                        vec![Effect::Ask(Request::ExitStats)]
                    }
                }
            }
            (_, Ok(Response::ExitStats(counts))) => vec![Self::stats_said(&counts)],
            (Request::Exits { .. }, Err(e)) if self.list.is_none() => {
                vec![say(StatusKind::Error, e.to_string()), Effect::Close]
            }
            (Request::Exits { .. }, Err(_)) => {
                self.asked = None;
                Vec::new()
            }
            (Request::ExitStats, Err(_)) => Vec::new(),
            // The rows are fetched again when the data sequence moves (see `notice`).
            (_, Ok(_)) => match self.done.take() {
                Some(done) => vec![say(StatusKind::Ok, done)],
                None => Vec::new(),
            },
            (_, Err(e)) => {
                self.done = None;
                vec![super::failed("未办理", &e)]
            }
        }
    }

    fn notice(&mut self, notice: &Notice, _env: &Env) -> Vec<Effect> {
        match notice {
            Notice::DataChanged => match &self.list {
                Some(list) => vec![Effect::Ask(Self::window(list.window_from()))],
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        FOOTER
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        if let Some(list) = &self.list {
            list.render(frame, area, env.theme);
        }
    }
}
