//! 户档案: one household, one file (第(四)条 一户一档), opened from the queue, a form, a
//! review or the exits. From here the caseworker opens a member's follow-up, review or
//! ledger, and reveals a full ID number (each reveal audited, 第(十四)条).

mod file;

use super::{Effect, Env, Notice, Pane, PaneKind, StatusKind, say};
use crate::domain::{CaseId, HouseholdId};
use crate::service::{Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use file::HouseholdFile;
use ratatui::Frame;
use ratatui::layout::Rect;

pub struct HouseholdPane {
    household: HouseholdId,
    /// The member to select when the file arrives.
    focus: Option<CaseId>,
    /// None until the file arrives.
    file: Option<HouseholdFile>,
}

const FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::Followup, ""),
    (Action::Back, ""),
    (Action::PageDown, ""),
    (Action::Quit, ""),
];

impl HouseholdPane {
    /// The file of `household`, with the member of `focus` selected; it asks for the file
    /// when it opens.
    pub fn opening(household: HouseholdId, focus: Option<CaseId>) -> Self {
        Self {
            household,
            focus,
            file: None,
        }
    }

    fn selected_case(&self) -> Option<CaseId> {
        self.file.as_ref().and_then(HouseholdFile::selected_case)
    }

    fn open_followup(&self) -> Vec<Effect> {
        match self.selected_case() {
            Some(case) => vec![Effect::Open(Box::new(
                super::followup::FollowupPane::opening(case),
            ))],
            None => vec![say(StatusKind::Info, "此成员不是援助对象，无需回访")],
        }
    }
}

impl Pane for HouseholdPane {
    fn kind(&self) -> PaneKind {
        PaneKind::Household
    }

    fn context(&self) -> Context {
        Context::Household
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        vec![Effect::Ask(Request::Household {
            household: self.household,
        })]
    }

    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect> {
        let Some(file) = &mut self.file else {
            return Vec::new();
        };
        match action {
            Action::Up => file.move_by(-1),
            Action::Down => file.move_by(1),
            Action::PageUp => file.scroll_timeline(-8),
            Action::PageDown => file.scroll_timeline(8),
            Action::Open | Action::Followup => return self.open_followup(),
            Action::RevealId => {
                if let Some(person) = file.selected_person() {
                    return vec![Effect::Ask(Request::RevealId { person })];
                }
            }
            Action::ShowLedger => {
                return match file.selected_person() {
                    Some(person) => vec![Effect::Open(Box::new(
                        super::ledger::LedgerPane::opening(person),
                    ))],
                    None => vec![say(StatusKind::Info, "没有选中的成员")],
                };
            }
            Action::Review => {
                return match file.selected_case() {
                    Some(case) => vec![Effect::Open(Box::new(super::review::ReviewPane::opening(
                        case,
                    )))],
                    None => vec![say(StatusKind::Info, "此成员没有援助申请")],
                };
            }
            Action::ShowHousehold => return self.start(env),
            Action::ShowExits => {
                return vec![Effect::Open(Box::new(super::exits::ExitsPane::opening()))];
            }
            Action::Back => return vec![Effect::Close],
            Action::ShowQueue => return vec![Effect::CloseToQueue],
            _ => {}
        }
        Vec::new()
    }

    fn answer(
        &mut self,
        asked: Request,
        answer: Result<Response, ServiceError>,
        _env: &Env,
    ) -> Vec<Effect> {
        let refreshing = matches!(asked, Request::Household { .. }) && self.file.is_some();
        match (answer, &mut self.file) {
            (Ok(Response::Household(view)), None) => {
                self.file = Some(HouseholdFile::new(view, self.focus));
                Vec::new()
            }
            (Ok(Response::Household(view)), Some(file)) => {
                if file.view != view {
                    file.view = view;
                    file.selected = file.selected.min(file.view.members.len().saturating_sub(1));
                }
                Vec::new()
            }
            (Ok(Response::IdNumber { person, id_number }), Some(file)) => {
                file.revealed.push((person, id_number));
                vec![say(
                    StatusKind::Info,
                    "已显示完整身份证号，此次查看已记入审计",
                )]
            }
            // The file could not be opened: say why, and stay where the caseworker was.
            (Err(e), None) => vec![say(StatusKind::Error, e.to_string()), Effect::Close],
            // A refresh that failed leaves the file as it was; the link's state is said by
            // the router's ping.
            (Err(_), Some(_)) if refreshing => Vec::new(),
            (Err(e), Some(_)) => vec![say(StatusKind::Error, e.to_string())],
            (Ok(_), _) => Vec::new(),
        }
    }

    fn notice(&mut self, notice: &Notice, env: &Env) -> Vec<Effect> {
        match notice {
            Notice::DataChanged if self.file.is_some() => self.start(env),
            _ => Vec::new(),
        }
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        FOOTER
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        match &self.file {
            Some(file) => file.render(frame, area, env.theme),
            None => frame.render_widget(env.theme.block().title(" 户档案 "), area),
        }
    }
}
