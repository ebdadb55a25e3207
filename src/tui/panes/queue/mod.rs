//! 案件队列: who needs what this month, most urgent first (R-FOLLOW-1), searched as you
//! type — the pane under every other, from which the caseworker opens a household, a
//! follow-up, a review or the counter's registration form.
//!
//! It holds a window of the slice around the cursor, never the county: it asks a page when
//! it opens, when the cursor's page leaves the window, on a view or a search; when data
//! changes (a save here or in another session) it asks what changed since its window and
//! patches the rows, or asks its window again when told to. When a follow-up it opened is
//! left it moves on to the next person due.

mod list;
#[cfg(test)]
mod tests;
mod window;

pub use list::QueueView;

use super::{Effect, Env, Notice, Pane, PaneKind, StatusKind, say};
use crate::domain::{CaseId, Tier};
use crate::service::{QUEUE_WINDOW_MAX, QueueAt, QueueQuery, Request, Response, ServiceError};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use list::{NextDue, QueueList};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::collections::VecDeque;
use tui_input::InputRequest;

/// How many of the cases after the one followed up are remembered, to find the next one due.
const RESUME_LIMIT: usize = 500;

/// Screens of rows a page holds on either side of its anchor.
const SCREENS_EITHER_SIDE: usize = 2;

#[derive(Default)]
pub struct QueuePane {
    list: QueueList,
    /// The cases after the one whose follow-up form is open, in the order shown then.
    following: Option<Vec<CaseId>>,
    /// A follow-up was left and none of the cases after it was in the window: the page
    /// asked for them chooses the next one due.
    resume: Option<Vec<CaseId>>,
    /// Why each page asked for is wanted, in the order asked (answers come in that order).
    pages: VecDeque<Purpose>,
    /// The search changed while its page was on its way: ask again once it is answered.
    search_again: bool,
    /// Actions that came while a search page was on its way and act on its rows: applied,
    /// in order, once the rows are in.
    deferred: Vec<Action>,
    /// Changes are being asked for; `changes_again`: data changed again meanwhile.
    asking_changes: bool,
    changes_again: bool,
}

/// What a page asked for is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    /// The cursor's page, a view, the first page: select the anchor.
    Move,
    /// A search typed, asked in the background.
    Search,
    /// The rows of the search typed, which the deferred actions wait for.
    Deferred,
    /// The window again after a change: the selection stays on its case.
    Reload,
    /// The rows after a follow-up that was left: select the next one due.
    Resume,
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

    /// The page of the current view and search anchored at `at`.
    fn query(&self, at: QueueAt, env: &Env) -> QueueQuery {
        let side = env.list_height.max(1) * SCREENS_EITHER_SIDE;
        let side = u16::try_from(side)
            .unwrap_or(QUEUE_WINDOW_MAX)
            .min(QUEUE_WINDOW_MAX);
        QueueQuery {
            slice: self.list.view,
            search: self.list.filter().to_string(),
            at,
            before: side,
            after: side,
        }
    }

    fn page(&mut self, at: QueueAt, purpose: Purpose, env: &Env) -> Effect {
        self.pages.push_back(purpose);
        let request = Request::QueuePage(self.query(at, env));
        match purpose {
            Purpose::Search => Effect::Fetch(request),
            _ => Effect::Ask(request),
        }
    }

    /// The page around the selected case (its position when no row is selected).
    fn reload(&mut self, anchor: Option<CaseId>, env: &Env) -> Effect {
        let at = match anchor {
            Some(case) => QueueAt::Case(case),
            None => QueueAt::Row(self.list.selected_position() as u32),
        };
        self.page(at, Purpose::Reload, env)
    }

    /// Moves the cursor to `pos`, asking for its page when the window does not hold it.
    fn move_to(&mut self, pos: usize, at: QueueAt, env: &Env) -> Vec<Effect> {
        if self.list.move_to(pos, env.list_height) {
            Vec::new()
        } else {
            vec![self.page(at, Purpose::Move, env)]
        }
    }

    /// The changes since the window's data sequence (one request at a time).
    fn ask_changes(&mut self) -> Vec<Effect> {
        if self.asking_changes {
            self.changes_again = true;
            return Vec::new();
        }
        self.asking_changes = true;
        vec![Effect::Ask(Request::QueueChanges {
            since: self.list.window.seq,
            slice: self.list.view,
            search: self.list.filter().to_string(),
        })]
    }

    fn open_selected_household(&self) -> Vec<Effect> {
        match self.list.selected_row() {
            Some(r) => vec![Effect::Open(Box::new(
                super::household::HouseholdPane::opening(r.household, Some(r.case)),
            ))],
            None => vec![say(StatusKind::Info, "没有选中的人员")],
        }
    }

    /// The search changed: its first page, in the background; while one is on its way the
    /// next waits for it, so keys typed faster than answers come ask once.
    fn search_changed(&mut self, env: &Env) -> Vec<Effect> {
        if self.pages.contains(&Purpose::Search) {
            self.search_again = true;
            return Vec::new();
        }
        vec![self.page(QueueAt::First, Purpose::Search, env)]
    }

    fn type_into_search(&mut self, requests: Vec<InputRequest>, env: &Env) -> Vec<Effect> {
        // `/` shows the last query; the first key typed starts a new one (finding 17).
        if std::mem::take(&mut self.list.fresh_search) {
            let replaces = requests.iter().any(|r| {
                matches!(
                    r,
                    InputRequest::InsertChar(_)
                        | InputRequest::DeletePrevChar
                        | InputRequest::DeleteNextChar
                )
            });
            if replaces {
                self.list.search = tui_input::Input::default();
                let edits_only = requests
                    .iter()
                    .all(|r| !matches!(r, InputRequest::InsertChar(_)));
                if edits_only {
                    return self.search_changed(env);
                }
            }
        }
        let before = self.list.filter().to_string();
        for request in requests {
            self.list.search.handle(request);
        }
        if self.list.filter() == before {
            return Vec::new();
        }
        self.search_changed(env)
    }

    /// Whether the rows may not yet be those of the search typed.
    fn search_pending(&self) -> bool {
        self.search_again || self.pages.contains(&Purpose::Search)
    }

    /// Keys that act on the rows wait for the rows of the search typed: `action` is applied
    /// once they are in, and keys after it wait for them too.
    fn after_search(&mut self, action: Option<Action>, env: &Env) -> Vec<Effect> {
        let already = !self.deferred.is_empty() || self.pages.contains(&Purpose::Deferred);
        self.deferred.extend(action);
        self.search_again = false;
        if already {
            return Vec::new();
        }
        vec![self.page(QueueAt::First, Purpose::Deferred, env)]
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

    /// Moves on to the first of `candidates` still due, asking for their rows when the
    /// window does not hold them; to the top (the most urgent) when none is.
    fn resume_from(&mut self, candidates: Vec<CaseId>, env: &Env) -> Vec<Effect> {
        match self.list.next_due(&candidates) {
            NextDue::At(pos) => {
                self.list.select(pos, env.list_height);
                self.ensure_page(env)
            }
            NextDue::Unknown(i) => match candidates.get(i) {
                Some(case) => {
                    let at = QueueAt::Case(*case);
                    self.resume = Some(candidates.into_iter().skip(i).collect());
                    vec![self.page(at, Purpose::Resume, env)]
                }
                None => Vec::new(),
            },
            NextDue::Nothing if self.list.move_to(0, env.list_height) => Vec::new(),
            NextDue::Nothing => vec![self.page(QueueAt::First, Purpose::Move, env)],
        }
    }

    /// Asks the window again around the selection when the rows on screen are not all in it.
    fn ensure_page(&mut self, env: &Env) -> Vec<Effect> {
        if self
            .list
            .page_is_loaded(self.list.selected_position(), env.list_height)
        {
            Vec::new()
        } else {
            let case = self.list.selected_case();
            vec![self.reload(case, env)]
        }
    }

    /// Drops the search, keeping the selected case if the view holds it.
    fn clear_filter(&mut self, env: &Env) -> Vec<Effect> {
        if self.list.filter().is_empty() {
            return Vec::new();
        }
        self.list.search = tui_input::Input::default();
        self.search_again = false;
        let at = match self.list.selected_case() {
            Some(case) => QueueAt::Case(case),
            None => QueueAt::First,
        };
        vec![self.page(at, Purpose::Move, env)]
    }

    /// Shows `view` from the selected case, if it is in it.
    fn set_view(&mut self, view: QueueView, env: &Env) -> Vec<Effect> {
        self.list.view = view;
        let at = match self.list.selected_case() {
            Some(case) => QueueAt::Case(case),
            None => QueueAt::First,
        };
        vec![self.page(at, Purpose::Move, env)]
    }

    /// A page came: the rows of the current view and search, or an older one's.
    fn page_came(
        &mut self,
        query: &QueueQuery,
        page: crate::service::QueuePage,
        purpose: Purpose,
        env: &Env,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        if !self.pages.contains(&Purpose::Search) && std::mem::take(&mut self.search_again) {
            effects.extend(self.search_changed(env));
        }
        let current = query.slice == self.list.view && query.search == self.list.filter();
        if current {
            let keep = match purpose {
                Purpose::Reload => self.list.selected_case(),
                _ => None,
            };
            self.list.today = Some(env.overview.today);
            self.list.due_soon_day = env.overview.settings.due_soon_day;
            self.list.load(page, env.list_height);
            if let Some(case) = keep {
                self.list.select_case(case, env.list_height);
            }
            match self.resume.take() {
                Some(mut candidates) if purpose == Purpose::Resume => {
                    // A case no longer in the slice is not waited for again.
                    if let Some(first) = candidates.first()
                        && self.list.window.position_of(*first).is_none()
                    {
                        candidates.remove(0);
                    }
                    effects.extend(self.resume_from(candidates, env));
                }
                kept => self.resume = kept,
            }
            effects.extend(self.ensure_page(env));
        }
        if purpose == Purpose::Deferred {
            for action in std::mem::take(&mut self.deferred) {
                effects.extend(self.update(action, env));
            }
        }
        effects
    }

    /// Changes came: patch the window, or ask for it again.
    fn changes_came(
        &mut self,
        asked: (QueueView, &str),
        changes: crate::service::QueueChanges,
        env: &Env,
    ) -> Vec<Effect> {
        self.asking_changes = false;
        let mut effects = Vec::new();
        let current = asked.0 == self.list.view && asked.1 == self.list.filter();
        if current && changes.seq >= self.list.window.seq {
            let patched = match &changes.changed {
                // While its follow-up is open the selected case is not followed out of
                // the window: leaving the form moves on to the next one due anyway.
                Some(list) => self.list.patch(
                    changes.seq,
                    list,
                    changes.total,
                    changes.counts,
                    env.list_height,
                    self.following.is_none(),
                ),
                // Too far behind, or the day turned: the window again.
                None => Err(self.list.selected_case()),
            };
            if let Err(anchor) = patched {
                effects.push(self.reload(anchor, env));
            }
        }
        if std::mem::take(&mut self.changes_again) {
            effects.extend(self.ask_changes());
        }
        effects
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

    fn start(&mut self, env: &Env) -> Vec<Effect> {
        vec![self.page(QueueAt::First, Purpose::Move, env)]
    }

    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect> {
        let height = env.list_height.max(1);
        let page = height as isize;
        let text = matches!(action, Action::Type(_) | Action::Edit(_) | Action::Paste(_));
        // In the search line, keys that move or pick a row act on the rows of what was
        // typed: they wait for them.
        if self.list.searching && !text && self.search_pending() {
            match action {
                Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                    return self.after_search(Some(action), env);
                }
                Action::Open => {
                    self.list.searching = false;
                    return self.after_search(None, env);
                }
                _ => {}
            }
        }
        let mut effects = Vec::new();
        match action {
            Action::Up => {
                effects = self.move_to(
                    self.list.target(-1),
                    QueueAt::Row(self.list.target(-1) as u32),
                    env,
                )
            }
            Action::Down => {
                effects = self.move_to(
                    self.list.target(1),
                    QueueAt::Row(self.list.target(1) as u32),
                    env,
                )
            }
            Action::PageUp => {
                effects = self.move_to(
                    self.list.target(-page),
                    QueueAt::Row(self.list.target(-page) as u32),
                    env,
                )
            }
            Action::PageDown => {
                effects = self.move_to(
                    self.list.target(page),
                    QueueAt::Row(self.list.target(page) as u32),
                    env,
                )
            }
            Action::First => effects = self.move_to(0, QueueAt::First, env),
            Action::Last => effects = self.move_to(self.list.last_position(), QueueAt::Last, env),
            Action::Search => {
                self.list.searching = true;
                self.list.fresh_search = !self.list.filter().is_empty();
            }
            Action::ClearFilter => effects = self.clear_filter(env),
            Action::Back if self.list.searching => {
                self.list.searching = false;
                self.list.fresh_search = false;
                effects = self.clear_filter(env);
            }
            Action::Back => effects = self.clear_filter(env),
            Action::Open if self.list.searching => {
                self.list.searching = false;
                self.list.fresh_search = false;
            }
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
            Action::ShowStats => {
                effects = vec![Effect::Open(Box::new(super::stats::StatsPane::opening(
                    env.overview.today,
                )))]
            }
            Action::ShowLeads => {
                effects = vec![Effect::Open(Box::new(super::leads::LeadsPane::opening()))]
            }
            Action::ShowSupervise => {
                effects = match crate::domain::Role::parse(&env.overview.role) {
                    Some(crate::domain::Role::CountyReviewer | crate::domain::Role::Admin) => {
                        vec![Effect::Open(Box::new(
                            super::supervise::SupervisePane::opening(env.overview.today, env),
                        ))]
                    }
                    _ => vec![say(
                        StatusKind::Error,
                        "监督：只有县级审核人员和管理员可以查看监督发现",
                    )],
                }
            }
            Action::ViewFollowUps => effects = self.set_view(QueueView::FollowUps, env),
            Action::ViewInitialReview => effects = self.set_view(QueueView::InitialReview, env),
            Action::ViewNotice => effects = self.set_view(QueueView::InNotice, env),
            Action::ViewAwaiting => effects = self.set_view(QueueView::AwaitingRecognition, env),
            Action::ViewOverdue => effects = self.set_view(QueueView::Overdue, env),
            Action::ViewZeroEmployment => {
                effects = self.set_view(QueueView::ZeroEmployment, env);
                effects.push(Effect::Ask(Request::ZeroEmployment));
            }
            Action::ViewTier => {
                let next = match self.list.view {
                    QueueView::Tier(Tier::One) => Tier::Two,
                    QueueView::Tier(Tier::Two) => Tier::Three,
                    _ => Tier::One,
                };
                effects = self.set_view(QueueView::Tier(next), env);
            }
            Action::Type(c) if self.list.searching && !c.is_control() => {
                effects = self.type_into_search(vec![InputRequest::InsertChar(c)], env)
            }
            Action::Edit(edit) if self.list.searching => {
                effects = self.type_into_search(vec![edit.request()], env)
            }
            Action::Paste(text) if self.list.searching => {
                let chars = crate::domain::text::clean_line(&text, 40)
                    .chars()
                    .map(InputRequest::InsertChar)
                    .collect();
                effects = self.type_into_search(chars, env);
            }
            _ => {}
        }
        effects
    }

    fn answer(
        &mut self,
        asked: Request,
        answer: Result<Response, ServiceError>,
        env: &Env,
    ) -> Vec<Effect> {
        let purpose = match asked {
            Request::QueuePage(_) => self.pages.pop_front(),
            _ => None,
        };
        if matches!(asked, Request::QueueChanges { .. }) && answer.is_err() {
            self.asking_changes = false;
        }
        match (asked, answer) {
            (Request::QueuePage(query), Ok(Response::QueuePage(page))) => {
                self.page_came(&query, page, purpose.unwrap_or(Purpose::Move), env)
            }
            (Request::QueueChanges { slice, search, .. }, Ok(Response::QueueChanges(changes))) => {
                self.changes_came((slice, &search), changes, env)
            }
            (_, Ok(Response::ZeroEmployment(rows))) => vec![Self::zero_employment_said(&rows)],
            (_, Ok(_)) => Vec::new(),
            (_, Err(e)) => {
                // The rows wait for no answer that failed; what typed keys waited for is
                // done with what is shown.
                let mut effects = vec![super::failed("读取队列失败", &e)];
                if purpose == Some(Purpose::Deferred) {
                    for action in std::mem::take(&mut self.deferred) {
                        effects.extend(self.update(action, env));
                    }
                }
                effects
            }
        }
    }

    fn notice(&mut self, notice: &Notice, env: &Env) -> Vec<Effect> {
        let height = env.list_height;
        match notice {
            // Over the day's turn every row's urgency may have changed with no write: the
            // window again, whatever the change log says.
            Notice::DataChanged if self.list.today.is_some_and(|t| t != env.overview.today) => {
                let case = self.list.selected_case();
                return vec![self.reload(case, env)];
            }
            Notice::DataChanged => return self.ask_changes(),
            Notice::FollowupOpened(case) => {
                self.following = Some(if self.list.select_case(*case, height) {
                    self.list.following(RESUME_LIMIT)
                } else {
                    Vec::new()
                });
            }
            Notice::FollowupLeft(_) => {
                if let Some(following) = self.following.take() {
                    return self.resume_from(following, env);
                }
            }
            Notice::Registered(case) => {
                self.list.view = QueueView::InitialReview;
                return vec![self.page(QueueAt::Case(*case), Purpose::Move, env)];
            }
        }
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
