//! 案件队列: who needs what this month, most urgent first (R-FOLLOW-1), searched as you
//! type — the pane under every other, from which the caseworker opens a household, a
//! follow-up, a review or the counter's registration form.
//!
//! It owns its rows even while another pane is in front: when data changes it fetches them
//! again, and when a follow-up it opened is left it moves on to the next person due.

mod list;
#[cfg(test)]
mod tests;

pub use list::QueueView;

use super::{Effect, Env, Notice, Pane, PaneKind, StatusKind, say};
use crate::domain::{CaseId, Tier};
use crate::service::{Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use list::QueueList;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_input::InputRequest;

/// How many of the cases after the one followed up are remembered, to find the next one due.
const RESUME_LIMIT: usize = 500;

#[derive(Default)]
pub struct QueuePane {
    list: QueueList,
    /// The cases after the one whose follow-up form is open, in the order shown then.
    following: Option<Vec<CaseId>>,
    /// A case to select once the rows that hold it arrive (a person just registered).
    select_when_loaded: Option<CaseId>,
}

const QUEUE_FOOTER: &[(Action, &str)] = &[
    (Action::Help, ""),
    (Action::Followup, ""),
    (Action::Open, "户档案"),
    (Action::Search, ""),
    (Action::Register, ""),
    (Action::Review, ""),
    (Action::Quit, ""),
];

const SEARCH_FOOTER: &[(Action, &str)] = &[
    (Action::Open, "确定"),
    (Action::Back, "取消"),
    (Action::Quit, ""),
];

impl QueuePane {
    pub fn new() -> Self {
        Self::default()
    }

    /// The case on the selected row.
    pub fn selected_case(&self) -> Option<CaseId> {
        self.list.selected_case()
    }

    pub fn view(&self) -> QueueView {
        self.list.view
    }

    fn open_selected_household(&self) -> Vec<Effect> {
        match self.list.selected_row() {
            Some(r) => vec![Effect::Open(Box::new(
                super::household::HouseholdPane::opening(r.household, Some(r.case)),
            ))],
            None => vec![say(StatusKind::Info, "没有选中的人员")],
        }
    }

    fn type_into_search(&mut self, request: InputRequest, env: &Env) {
        self.list.search.handle(request);
        self.list.refilter();
        self.list.scroll_into_view(env.list_height);
    }

    /// The zero-employment counts of the actor's townships, for the status line.
    fn zero_employment_said(rows: &[crate::service::ZeroEmploymentCount]) -> Effect {
        let (now, found, cleared) = rows.iter().fold((0, 0, 0), |acc, r| {
            (
                acc.0 + r.current,
                acc.1 + r.found_this_month,
                acc.2 + r.cleared_this_month,
            )
        });
        say(
            StatusKind::Info,
            format!("零就业家庭：现有 {now} 户，本月新增 {found} 户，本月清零 {cleared} 户"),
        )
    }
}

impl Pane for QueuePane {
    fn kind(&self) -> PaneKind {
        PaneKind::Queue
    }

    fn context(&self) -> Context {
        if self.list.searching {
            Context::Search
        } else {
            Context::Queue
        }
    }

    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        vec![Effect::Ask(Request::Queue)]
    }

    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect> {
        let page = env.list_height.max(1) as isize;
        let mut effects = Vec::new();
        match action {
            Action::Up => self.list.move_by(-1),
            Action::Down => self.list.move_by(1),
            Action::PageUp => self.list.move_by(-page),
            Action::PageDown => self.list.move_by(page),
            Action::First => self.list.first(),
            Action::Last => self.list.last(),
            Action::Search => self.list.searching = true,
            Action::ClearFilter => self.list.clear_filter(),
            Action::Back if self.list.searching => {
                self.list.searching = false;
                self.list.clear_filter();
            }
            Action::Back => self.list.clear_filter(),
            Action::Open if self.list.searching => self.list.searching = false,
            Action::Open | Action::ShowHousehold => effects = self.open_selected_household(),
            Action::Followup => {
                effects = match self.list.selected_case() {
                    Some(case) => vec![Effect::Open(Box::new(
                        super::followup::FollowupPane::opening(case),
                    ))],
                    None => vec![say(StatusKind::Info, "没有选中的人员")],
                }
            }
            Action::Register => {
                let o = env.overview;
                effects = vec![Effect::Open(Box::new(super::intake::IntakePane::opening(
                    o.today,
                    o.township.clone(),
                )))];
            }
            Action::Review => {
                effects = match self.list.selected_case() {
                    Some(case) => vec![Effect::Open(Box::new(super::review::ReviewPane::opening(
                        case,
                    )))],
                    None => vec![say(StatusKind::Info, "没有选中的人员")],
                }
            }
            Action::ShowExits => {
                effects = vec![Effect::Open(Box::new(super::exits::ExitsPane::opening()))]
            }
            Action::ViewFollowUps => self.list.set_view(QueueView::FollowUps),
            Action::ViewInitialReview => self.list.set_view(QueueView::InitialReview),
            Action::ViewNotice => self.list.set_view(QueueView::InNotice),
            Action::ViewAwaiting => self.list.set_view(QueueView::AwaitingRecognition),
            Action::ViewOverdue => self.list.set_view(QueueView::Overdue),
            Action::ViewZeroEmployment => {
                self.list.set_view(QueueView::ZeroEmployment);
                effects = vec![Effect::Ask(Request::ZeroEmployment)];
            }
            Action::ViewTier => {
                let next = match self.list.view {
                    QueueView::Tier(Tier::One) => Tier::Two,
                    QueueView::Tier(Tier::Two) => Tier::Three,
                    _ => Tier::One,
                };
                self.list.set_view(QueueView::Tier(next));
            }
            Action::Type(c) if self.list.searching && !c.is_control() => {
                self.type_into_search(InputRequest::InsertChar(c), env)
            }
            Action::Edit(edit) if self.list.searching => self.type_into_search(edit.request(), env),
            Action::Paste(text) if self.list.searching => {
                for c in crate::domain::text::clean_line(&text, 40).chars() {
                    self.list.search.handle(InputRequest::InsertChar(c));
                }
                self.list.refilter();
            }
            _ => {}
        }
        self.list.scroll_into_view(env.list_height);
        effects
    }

    fn answer(
        &mut self,
        _asked: Request,
        answer: Result<Response, ServiceError>,
        env: &Env,
    ) -> Vec<Effect> {
        match answer {
            Ok(Response::Queue(rows)) => {
                self.list.today = Some(env.overview.today);
                self.list.set_rows(rows);
                if let Some(case) = self.select_when_loaded.take() {
                    self.list.select_case(case);
                }
                self.list.scroll_into_view(env.list_height);
                Vec::new()
            }
            Ok(Response::ZeroEmployment(rows)) => vec![Self::zero_employment_said(&rows)],
            Ok(_) => Vec::new(),
            Err(e) => vec![super::failed("读取队列失败", &e)],
        }
    }

    fn notice(&mut self, notice: &Notice, env: &Env) -> Vec<Effect> {
        match notice {
            Notice::DataChanged => return vec![Effect::Ask(Request::Queue)],
            Notice::FollowupOpened(case) => {
                self.following = Some(if self.list.select_case(*case) {
                    self.list.following(RESUME_LIMIT)
                } else {
                    Vec::new()
                });
            }
            Notice::FollowupLeft(_) => {
                if let Some(following) = self.following.take() {
                    self.list.select_next_due(&following);
                }
            }
            Notice::Registered(case) => {
                self.list.set_view(QueueView::InitialReview);
                if !self.list.select_case(*case) {
                    self.select_when_loaded = Some(*case);
                }
            }
        }
        self.list.scroll_into_view(env.list_height);
        Vec::new()
    }

    fn resized(&mut self, env: &Env) {
        self.list.scroll_into_view(env.list_height);
    }

    fn footer(&self) -> &'static [(Action, &'static str)] {
        if self.list.searching {
            SEARCH_FOOTER
        } else {
            QUEUE_FOOTER
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env) {
        self.list.render(frame, area, env.theme);
    }

    fn render_status(&self, frame: &mut Frame, area: Rect, env: &Env) -> Option<u16> {
        self.list
            .searching
            .then(|| self.list.render_search(frame, area, env.theme))
    }
}
