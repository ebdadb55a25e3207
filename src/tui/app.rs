//! The application state and its one `update`: a terminal event becomes an [`Action`]
//! through the keymap of the screen in front of the user, the action changes the state and
//! asks the backend for what it needs, and `render` draws the state — a pure function of it.

use super::action::Action;
use super::conflict_pane::ConflictPane;
use super::exit_pane::{ExitOutcome, ExitPane};
use super::followup_pane::FollowupPane;
use super::household_pane::HouseholdPane;
use super::intake_pane::IntakePane;
use super::keymap::{Context, Key, Keymap};
use super::ledger_pane::{EntryForm, LedgerPane};
use super::queue_pane::QueuePane;
use super::queue_pane::QueueView;
use super::review_pane::{Outcome, ReviewPane};
use super::theme::Theme;
use crate::domain::CaseId;
use crate::domain::followup_form::FollowUpDraft;
use crate::service::{Backend, Overview, Reply, Request, Response, ServiceError};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::InputRequest;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Household,
    Followup,
    Intake,
    Review,
    Exits,
    Ledger,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Ok,
    Error,
}

#[derive(Clone, Debug)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

/// Where to go back to after a follow-up: the cases that came after it in the queue.
struct Resume {
    following: Vec<CaseId>,
}

pub struct App {
    backend: Box<dyn Backend>,
    keymap: Keymap,
    theme: Theme,
    overview: Overview,
    screen: Screen,
    help: bool,
    help_offset: usize,
    queue: QueuePane,
    household: Option<HouseholdPane>,
    form: Option<FollowupPane>,
    /// Over the form, when a save met someone else's save.
    conflict: Option<ConflictPane>,
    /// The counter's form; kept when left with Esc until it is saved or the program closes.
    intake: Option<IntakePane>,
    review: Option<ReviewPane>,
    exits: Option<ExitPane>,
    ledger: Option<LedgerPane>,
    /// Where Esc from the review goes back to.
    review_from: Screen,
    resume: Option<Resume>,
    status: Option<Status>,
    seq: u64,
    size: (u16, u16),
    quit: bool,
    full_redraw: bool,
}

pub const MIN_WIDTH: u16 = 80;
/// How long typing must pause before the form is kept as a draft.
pub const DRAFT_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(1000);
pub const MIN_HEIGHT: u16 = 24;

impl App {
    pub fn new(
        mut backend: Box<dyn Backend>,
        keymap: Keymap,
        theme: Theme,
    ) -> Result<Self, ServiceError> {
        let overview = match backend.call(Request::Overview)?.body {
            Response::Overview(o) => o,
            _ => return Err(ServiceError::Store("服务应答不符".into())),
        };
        let mut app = Self {
            backend,
            keymap,
            theme,
            overview,
            screen: Screen::Queue,
            help: false,
            help_offset: 0,
            queue: QueuePane::default(),
            household: None,
            form: None,
            conflict: None,
            intake: None,
            review: None,
            exits: None,
            ledger: None,
            review_from: Screen::Queue,
            resume: None,
            status: None,
            seq: 0,
            size: (MIN_WIDTH, MIN_HEIGHT),
            quit: false,
            full_redraw: false,
        };
        app.reload_queue()?;
        Ok(app)
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Whether the next draw must repaint every cell (Ctrl-L).
    pub fn take_full_redraw(&mut self) -> bool {
        std::mem::take(&mut self.full_redraw)
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
        self.queue.scroll_into_view(self.list_height());
    }

    fn list_height(&self) -> usize {
        QueuePane::list_height(self.size.1.saturating_sub(3))
    }

    fn call(&mut self, request: Request) -> Result<Response, ServiceError> {
        let Reply { seq, body } = self.backend.call(request)?;
        self.seq = seq;
        Ok(body)
    }

    fn reload_queue(&mut self) -> Result<(), ServiceError> {
        if let Response::Queue(rows) = self.call(Request::Queue)? {
            self.queue.today = Some(self.overview.today);
            self.queue.set_rows(rows);
            self.queue.scroll_into_view(self.list_height());
        }
        Ok(())
    }

    fn say(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind,
        });
    }

    fn context(&self) -> Context {
        if self.help {
            return Context::Help;
        }
        self.screen_context()
    }

    /// The context of the screen in front, help aside.
    fn screen_context(&self) -> Context {
        match self.screen {
            Screen::Queue if self.queue.searching => Context::Search,
            Screen::Queue => Context::Queue,
            Screen::Household => Context::Household,
            Screen::Followup if self.conflict.is_some() => Context::Conflict,
            Screen::Followup => Context::Followup,
            Screen::Intake => Context::Intake,
            Screen::Review => Context::Review,
            Screen::Exits => Context::Exits,
            Screen::Ledger if self.ledger.as_ref().is_some_and(|l| l.form.is_some()) => {
                Context::Entry
            }
            Screen::Ledger => Context::Ledger,
        }
    }

    /// Handles one terminal event; returns whether anything on screen may have changed.
    pub fn handle_event(&mut self, event: Event) -> bool {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                self.handle_key(key);
                true
            }
            Event::Paste(text) => {
                self.paste(&text);
                true
            }
            Event::Resize(w, h) => {
                self.resize(w, h);
                true
            }
            _ => false,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        // A message stays until the next key (已保存 must be seen, then get out of the way).
        self.status = None;
        let ctx = self.context();
        match self.keymap.lookup(ctx, Key::from_event(&key)) {
            Some(action) => self.update(action),
            None => self.type_key(ctx, key),
        }
    }

    fn type_key(&mut self, ctx: Context, key: KeyEvent) {
        let request = match key.code {
            KeyCode::Char(c) => {
                if key.modifiers.intersects(
                    crossterm::event::KeyModifiers::CONTROL | crossterm::event::KeyModifiers::ALT,
                ) {
                    return;
                }
                Some(InputRequest::InsertChar(c))
            }
            KeyCode::Backspace => Some(InputRequest::DeletePrevChar),
            KeyCode::Delete => Some(InputRequest::DeleteNextChar),
            KeyCode::Left => Some(InputRequest::GoToPrevChar),
            KeyCode::Right => Some(InputRequest::GoToNextChar),
            KeyCode::Home => Some(InputRequest::GoToStart),
            KeyCode::End => Some(InputRequest::GoToEnd),
            _ => None,
        };
        let Some(request) = request else { return };
        match ctx {
            Context::Search => {
                if let InputRequest::InsertChar(c) = request
                    && c.is_control()
                {
                    return;
                }
                self.queue.search.handle(request);
                self.queue.refilter();
                self.queue.scroll_into_view(self.list_height());
            }
            Context::Followup => {
                if let Some(form) = &mut self.form {
                    match request {
                        InputRequest::InsertChar(c) => form.type_char(c),
                        other => form.edit(other),
                    }
                }
            }
            Context::Intake => {
                if let Some(intake) = &mut self.intake {
                    match request {
                        InputRequest::InsertChar(c) => intake.type_char(c),
                        other => intake.edit(other),
                    }
                }
            }
            Context::Entry => {
                if let Some(form) = self.ledger.as_mut().and_then(|l| l.form.as_mut()) {
                    match request {
                        InputRequest::InsertChar(c) => form.type_char(c),
                        other => form.edit(other),
                    }
                }
            }
            Context::Exits => {
                let outcome = match (&mut self.exits, request) {
                    (Some(x), InputRequest::InsertChar(c)) => x.type_char(c),
                    (Some(x), other) => {
                        x.edit(other);
                        ExitOutcome::Nothing
                    }
                    (None, _) => ExitOutcome::Nothing,
                };
                self.exit_outcome(outcome);
            }
            Context::Review => {
                let outcome = match (&mut self.review, request) {
                    (Some(r), InputRequest::InsertChar(c)) => r.type_char(c),
                    (Some(r), other) => {
                        r.edit(other);
                        Outcome::Nothing
                    }
                    (None, _) => Outcome::Nothing,
                };
                self.review_outcome(outcome);
            }
            _ => {}
        }
    }

    fn paste(&mut self, text: &str) {
        match self.context() {
            Context::Search => {
                for c in crate::domain::text::clean_line(text, 40).chars() {
                    self.queue.search.handle(InputRequest::InsertChar(c));
                }
                self.queue.refilter();
            }
            Context::Followup => {
                if let Some(form) = &mut self.form {
                    form.paste(text);
                }
            }
            Context::Intake => {
                if let Some(intake) = &mut self.intake {
                    intake.paste(text);
                }
            }
            Context::Review => {
                if let Some(review) = &mut self.review {
                    review.paste(text);
                }
            }
            Context::Exits => {
                if let Some(exits) = &mut self.exits {
                    exits.paste(text);
                }
            }
            Context::Entry => {
                if let Some(form) = self.ledger.as_mut().and_then(|l| l.form.as_mut()) {
                    form.paste(text);
                }
            }
            _ => {}
        }
    }

    pub fn update(&mut self, action: Action) {
        let page = self.list_height().max(1) as isize;
        match action {
            Action::Quit => self.quit(),
            Action::Redraw => self.full_redraw = true,
            Action::Help => {
                self.help = !self.help;
                self.help_offset = 0;
            }
            Action::ShowQueue => self.leave_form_then(Screen::Queue),
            Action::ShowHousehold => self.open_household(),
            Action::ShowExits => self.open_exits(),
            Action::Followup => self.open_followup(),
            Action::Back => self.back(),
            _ if self.help => match action {
                Action::Down => self.help_offset += 1,
                Action::Up => self.help_offset = self.help_offset.saturating_sub(1),
                Action::PageDown => self.help_offset += page as usize,
                Action::PageUp => self.help_offset = self.help_offset.saturating_sub(page as usize),
                _ => {}
            },
            _ => match self.screen {
                Screen::Queue => self.update_queue(action, page),
                Screen::Household => self.update_household(action),
                Screen::Followup if self.conflict.is_some() => self.update_conflict(action),
                Screen::Followup => self.update_form(action),
                Screen::Intake => self.update_intake(action),
                Screen::Review => self.update_review(action),
                Screen::Exits => self.update_exits(action, page),
                Screen::Ledger => self.update_ledger(action),
            },
        }
    }

    fn update_queue(&mut self, action: Action, page: isize) {
        match action {
            Action::Up => self.queue.move_by(-1),
            Action::Down => self.queue.move_by(1),
            Action::PageUp => self.queue.move_by(-page),
            Action::PageDown => self.queue.move_by(page),
            Action::First => self.queue.first(),
            Action::Last => self.queue.last(),
            Action::Search => self.queue.searching = true,
            Action::ClearFilter => self.queue.clear_filter(),
            Action::Open if self.queue.searching => self.queue.searching = false,
            Action::Open => self.open_household(),
            Action::Register => self.open_intake(),
            Action::Review => {
                if let Some(case) = self.queue.selected_case() {
                    self.open_review(case);
                } else {
                    self.say(StatusKind::Info, "没有选中的人员");
                }
            }
            Action::ViewFollowUps => self.queue.set_view(QueueView::FollowUps),
            Action::ViewInitialReview => self.queue.set_view(QueueView::InitialReview),
            Action::ViewNotice => self.queue.set_view(QueueView::InNotice),
            Action::ViewAwaiting => self.queue.set_view(QueueView::AwaitingRecognition),
            Action::ViewOverdue => self.queue.set_view(QueueView::Overdue),
            Action::ViewZeroEmployment => {
                self.queue.set_view(QueueView::ZeroEmployment);
                self.say_zero_employment();
            }
            Action::ViewTier => {
                let next = match self.queue.view {
                    QueueView::Tier(crate::domain::Tier::One) => crate::domain::Tier::Two,
                    QueueView::Tier(crate::domain::Tier::Two) => crate::domain::Tier::Three,
                    _ => crate::domain::Tier::One,
                };
                self.queue.set_view(QueueView::Tier(next));
            }
            _ => {}
        }
        self.queue.scroll_into_view(self.list_height());
    }

    /// The zero-employment counts of the actor's townships, in the status line.
    fn say_zero_employment(&mut self) {
        if let Ok(Response::ZeroEmployment(rows)) = self.call(Request::ZeroEmployment) {
            let (now, found, cleared) = rows.iter().fold((0, 0, 0), |acc, r| {
                (
                    acc.0 + r.current,
                    acc.1 + r.found_this_month,
                    acc.2 + r.cleared_this_month,
                )
            });
            self.say(
                StatusKind::Info,
                format!("零就业家庭：现有 {now} 户，本月新增 {found} 户，本月清零 {cleared} 户"),
            );
        }
    }

    fn open_ledger(&mut self, person: crate::domain::PersonId) {
        match self.call(Request::Ledger { person }) {
            Ok(Response::Ledger(view)) => {
                self.ledger = Some(LedgerPane::new(view));
                self.screen = Screen::Ledger;
                self.help = false;
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符"),
            Err(e) => self.say(StatusKind::Error, e.to_string()),
        }
    }

    fn update_ledger(&mut self, action: Action) {
        let today = self.overview.today;
        let Some(ledger) = &mut self.ledger else {
            return;
        };
        if let Some(form) = &mut ledger.form {
            match action {
                Action::NextField | Action::Down | Action::Open => form.next_field(),
                Action::PrevField | Action::Up => form.prev_field(),
                Action::Save => self.save_entry(),
                _ => {}
            }
            return;
        }
        let kind = match action {
            Action::AddPost => crate::domain::ledger::EntryKind::Post,
            Action::EndPost => crate::domain::ledger::EntryKind::EndPost,
            Action::AddPolicy => crate::domain::ledger::EntryKind::Policy,
            Action::AddDibao => crate::domain::ledger::EntryKind::Dibao,
            _ => return,
        };
        ledger.form = Some(EntryForm::new(kind, today));
    }

    fn save_entry(&mut self) {
        let Some(ledger) = &self.ledger else { return };
        let Some(form) = &ledger.form else { return };
        let request = Request::AddLedgerEntry {
            person: ledger.view.person,
            rev: ledger.view.ledger.rev,
            entry: form.draft.clone(),
        };
        let title = form.kind().title();
        match self.call(request) {
            Ok(Response::Ledger(view)) => {
                self.ledger = Some(LedgerPane::new(view));
                self.say(StatusKind::Ok, format!("已记入台账：{title}"));
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符"),
            Err(ServiceError::InvalidEntry(errors)) => {
                let first = errors
                    .first()
                    .map(|(field, m)| format!("{}：{m}", field.label()))
                    .unwrap_or_default();
                let n = errors.len();
                if let Some(form) = self.ledger.as_mut().and_then(|l| l.form.as_mut()) {
                    form.show_errors(errors);
                }
                self.say(
                    StatusKind::Error,
                    format!("有 {n} 项需要修改，未保存。{first}"),
                );
            }
            Err(e) => self.say(StatusKind::Error, format!("未保存：{e}")),
        }
    }

    fn open_exits(&mut self) {
        if self.screen == Screen::Followup && !self.leave_form() {
            return;
        }
        match self.call(Request::Exits) {
            Ok(Response::Exits(rows)) => {
                match &mut self.exits {
                    Some(pane) => pane.set_rows(rows),
                    None => self.exits = Some(ExitPane::new(rows)),
                }
                self.screen = Screen::Exits;
                self.help = false;
                if let Ok(Response::ExitStats(counts)) = self.call(Request::ExitStats) {
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
                    self.say(StatusKind::Info, text);
                }
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符"),
            Err(e) => self.say(StatusKind::Error, e.to_string()),
        }
    }

    fn update_exits(&mut self, action: Action, page: isize) {
        let outcome = match (&mut self.exits, action) {
            (Some(x), Action::Up) => {
                x.move_by(-1);
                ExitOutcome::Nothing
            }
            (Some(x), Action::Down) => {
                x.move_by(1);
                ExitOutcome::Nothing
            }
            (Some(x), Action::PageUp) => {
                x.move_by(-page);
                ExitOutcome::Nothing
            }
            (Some(x), Action::PageDown) => {
                x.move_by(page);
                ExitOutcome::Nothing
            }
            (Some(x), Action::Open) => x.submit(),
            _ => ExitOutcome::Nothing,
        };
        self.exit_outcome(outcome);
    }

    fn exit_outcome(&mut self, outcome: ExitOutcome) {
        let Some(row) = self.exits.as_ref().and_then(|x| x.selected_row()).cloned() else {
            if let ExitOutcome::Say(text) = outcome {
                self.say(StatusKind::Info, text);
            }
            return;
        };
        let (request, done) = match outcome {
            ExitOutcome::Nothing => return,
            ExitOutcome::Say(text) => return self.say(StatusKind::Info, text),
            ExitOutcome::Propose(evidence) => (
                Request::ProposeExit {
                    case: row.case,
                    rev: row.rev,
                    reason: row.reason,
                    evidence,
                },
                format!("已提出 {} 退出，等待县级审核", row.name),
            ),
            ExitOutcome::Approve => (
                Request::DecideExit {
                    case: row.case,
                    rev: row.rev,
                    approve: true,
                    note: String::new(),
                },
                format!("已批准 {} 退出，认定已取消，不再列入回访", row.name),
            ),
            ExitOutcome::Return(note) => (
                Request::DecideExit {
                    case: row.case,
                    rev: row.rev,
                    approve: false,
                    note,
                },
                format!("已退回 {} 的退出申请", row.name),
            ),
        };
        match self.call(request) {
            Ok(_) => {
                let _ = self.reload_queue();
                self.open_exits();
                self.say(StatusKind::Ok, done);
            }
            Err(e) => self.say(StatusKind::Error, format!("未办理：{e}")),
        }
    }

    /// The open household's file fetched again (after a review step changed it).
    fn refresh_household(&mut self) {
        let Some(household) = self.household.as_ref().map(|h| h.view.household) else {
            return;
        };
        if let Ok(Response::Household(view)) = self.call(Request::Household { household })
            && let Some(pane) = &mut self.household
        {
            pane.view = view;
        }
    }

    fn open_intake(&mut self) {
        if self.intake.is_none() {
            let kept = match self.call(Request::IntakeDraft) {
                Ok(Response::IntakeDraft(kept)) => kept,
                _ => None,
            };
            self.intake = Some(match kept {
                Some(draft) => {
                    self.say(StatusKind::Info, "已恢复上次未登记完的登记表");
                    IntakePane::with_draft(self.overview.today, draft)
                }
                None => IntakePane::new(self.overview.today, self.overview.township.as_deref()),
            });
        }
        self.screen = Screen::Intake;
        self.help = false;
    }

    fn update_intake(&mut self, action: Action) {
        let Some(intake) = &mut self.intake else {
            return;
        };
        match action {
            Action::NextField | Action::Down | Action::Open => intake.next_field(),
            Action::PrevField | Action::Up => intake.prev_field(),
            Action::Save => self.register(),
            _ => {}
        }
    }

    /// 登记: checked here, then by the service (duplicates, township, category).
    fn register(&mut self) {
        let Some(intake) = &mut self.intake else {
            return;
        };
        if !intake.check() {
            let first = intake
                .errors
                .first()
                .map(|(f, m)| format!("{}：{m}", f.label().trim()))
                .unwrap_or_default();
            let n = intake.errors.len();
            self.say(
                StatusKind::Error,
                format!("有 {n} 项需要修改，未登记。{first}"),
            );
            return;
        }
        let draft = intake.draft.clone();
        match self.call(Request::Register { draft }) {
            Ok(Response::Registered(done)) => {
                self.intake = None;
                let _ = self.reload_queue();
                let mut text = match done.case {
                    Some(case) => {
                        self.queue.set_view(QueueView::InitialReview);
                        self.queue.select_case(case);
                        format!("已登记 {}，申请进入待初审", done.name)
                    }
                    None => format!("已登记 {} 为家庭成员", done.name),
                };
                let kind = match done.zero_employment {
                    Some(true) => {
                        text.push_str("。注意：该户成为零就业家庭，请30日内帮扶清零");
                        StatusKind::Error
                    }
                    Some(false) => {
                        text.push_str("；该户零就业状态已清零");
                        StatusKind::Ok
                    }
                    None => StatusKind::Ok,
                };
                self.screen = Screen::Queue;
                self.queue.scroll_into_view(self.list_height());
                self.say(kind, text);
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符，未确认登记"),
            Err(ServiceError::InvalidIntake(errors)) => {
                let first = errors
                    .first()
                    .map(|(f, m)| format!("{}：{m}", f.label().trim()))
                    .unwrap_or_default();
                let n = errors.len();
                if let Some(intake) = &mut self.intake {
                    intake.show_errors(errors);
                }
                self.say(
                    StatusKind::Error,
                    format!("有 {n} 项需要修改，未登记。{first}"),
                );
            }
            Err(e) => self.say(StatusKind::Error, format!("未登记：{e}")),
        }
    }

    fn open_review(&mut self, case: CaseId) {
        match self.call(Request::CaseReview { case }) {
            Ok(Response::CaseReview(view)) => {
                if self.screen != Screen::Review {
                    self.review_from = self.screen;
                }
                self.review = Some(ReviewPane::new(view));
                self.screen = Screen::Review;
                self.help = false;
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符"),
            Err(e) => self.say(StatusKind::Error, e.to_string()),
        }
    }

    fn update_review(&mut self, action: Action) {
        let outcome = match (&mut self.review, action) {
            (Some(r), Action::Open) => r.submit(),
            (Some(r), Action::PageDown) => {
                r.scroll(8);
                Outcome::Nothing
            }
            (Some(r), Action::PageUp) => {
                r.scroll(-8);
                Outcome::Nothing
            }
            _ => Outcome::Nothing,
        };
        self.review_outcome(outcome);
    }

    fn review_outcome(&mut self, outcome: Outcome) {
        let Some((case, rev)) = self.review.as_ref().map(|r| (r.view.case, r.view.rev)) else {
            return;
        };
        let step = match outcome {
            Outcome::Nothing => return,
            Outcome::Say(text) => return self.say(StatusKind::Error, text),
            Outcome::ProposeExit(reason, evidence) => {
                let request = Request::ProposeExit {
                    case,
                    rev,
                    reason,
                    evidence,
                };
                match self.call(request) {
                    Ok(_) => {
                        self.open_review(case);
                        self.say(
                            StatusKind::Ok,
                            format!("已提出退出（{}），等待县级审核（F5）", reason.label()),
                        );
                    }
                    Err(e) => self.say(StatusKind::Error, format!("未办理：{e}")),
                }
                return;
            }
            Outcome::Take(step) => step,
        };
        let label = step.label();
        match self.call(Request::CaseStep { case, rev, step }) {
            Ok(Response::Stepped { status, .. }) => {
                let _ = self.reload_queue();
                self.open_review(case);
                self.say(
                    StatusKind::Ok,
                    format!("已办理：{label}。案件现为“{}”", status.label()),
                );
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符"),
            Err(ServiceError::Conflict(m)) => {
                self.open_review(case);
                self.say(StatusKind::Error, m);
            }
            Err(e) => self.say(StatusKind::Error, format!("未办理：{e}")),
        }
    }

    fn update_household(&mut self, action: Action) {
        let Some(h) = &mut self.household else { return };
        match action {
            Action::Up => h.move_by(-1),
            Action::Down => h.move_by(1),
            Action::PageUp => h.scroll_timeline(-8),
            Action::PageDown => h.scroll_timeline(8),
            Action::Open => self.open_followup(),
            Action::RevealId => self.reveal_id(),
            Action::ShowLedger => match h.selected_person() {
                Some(person) => self.open_ledger(person),
                None => self.say(StatusKind::Info, "没有选中的成员"),
            },
            Action::Review => match h.selected_case() {
                Some(case) => self.open_review(case),
                None => self.say(StatusKind::Info, "此成员没有援助申请"),
            },
            _ => {}
        }
    }

    fn reveal_id(&mut self) {
        let Some(person) = self.household.as_ref().and_then(|h| h.selected_person()) else {
            return;
        };
        match self.call(Request::RevealId { person }) {
            Ok(Response::IdNumber { person, id_number }) => {
                if let Some(h) = &mut self.household {
                    h.revealed.push((person, id_number));
                }
                self.say(StatusKind::Info, "已显示完整身份证号，此次查看已记入审计");
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符"),
            Err(e) => self.say(StatusKind::Error, e.to_string()),
        }
    }

    fn update_form(&mut self, action: Action) {
        let settings = self.overview.settings.clone();
        let Some(form) = &mut self.form else { return };
        match action {
            Action::NextField | Action::Down | Action::Open => form.next_field(),
            Action::PrevField | Action::Up => form.prev_field(),
            Action::CopyLast => {
                if form.copy_last(&settings) {
                    self.say(
                        StatusKind::Info,
                        "已照上次填写，回访日期为今天；核对后 Ctrl-S 保存",
                    );
                } else {
                    self.say(StatusKind::Error, "此人没有以前的回访记录，无法照上次填写");
                }
            }
            Action::Save => self.save_form(),
            _ => {}
        }
    }

    fn update_conflict(&mut self, action: Action) {
        let Some(c) = &mut self.conflict else { return };
        match action {
            Action::Up => c.move_by(-1),
            Action::Down => c.move_by(1),
            Action::TakeTheirs => c.keep(true),
            Action::TakeMine => c.keep(false),
            Action::Save => {
                if let (Some(c), Some(form)) = (self.conflict.take(), &mut self.form) {
                    form.take_resolution(c.resolved(&form.draft), c.rev);
                    self.save_form();
                }
            }
            _ => {}
        }
    }

    /// A save met another's save of the same case: fetch what they saved and, if it says
    /// something else than this form, show the two side by side.
    fn meet_conflict(&mut self) {
        let Some(case) = self.form.as_ref().map(|f| f.view.case) else {
            return;
        };
        let view = match self.call(Request::FollowUpForm { case }) {
            Ok(Response::FollowUpForm(view)) => view,
            Ok(_) => return self.say(StatusKind::Error, "服务应答不符，未保存"),
            Err(e) => return self.say(StatusKind::Error, format!("未保存：{e}")),
        };
        let Some(form) = &mut self.form else { return };
        let by = view.last_by.clone().unwrap_or_else(|| "他人".into());
        let theirs = view.last.as_ref().map(FollowUpDraft::of_saved);
        match theirs {
            None => {
                form.view.rev = view.rev;
                self.say(
                    StatusKind::Error,
                    "未保存：此案件刚被他人更新，请核对后再按 Ctrl-S 保存",
                );
            }
            Some(theirs) => match ConflictPane::new(&form.draft, theirs, by.clone(), view.rev) {
                None => {
                    form.mark_saved(view.rev);
                    let _ = self.call(Request::DiscardDraft { case });
                    self.say(
                        StatusKind::Ok,
                        format!("{by} 刚保存了内容相同的回访，无需再保存"),
                    );
                }
                Some(pane) => {
                    let n = pane.fields.len();
                    self.conflict = Some(pane);
                    self.say(
                        StatusKind::Error,
                        format!("未保存：{by} 已保存此人的回访，有 {n} 项不同，请逐项选择"),
                    );
                }
            },
        }
    }

    fn save_form(&mut self) {
        let Some(form) = &mut self.form else { return };
        if form.saved && !form.dirty {
            self.say(StatusKind::Info, "已保存，无需重复保存（Esc 返回队列）");
            return;
        }
        if !form.check() {
            let n = form.errors.len();
            self.say(StatusKind::Error, format!("有 {n} 项需要修改，未保存"));
            return;
        }
        let request = Request::SaveFollowUp {
            case: form.view.case,
            rev: form.view.rev,
            draft: form.draft.clone(),
        };
        match self.call(request) {
            Ok(Response::Saved(saved)) => {
                if let Some(form) = &mut self.form {
                    form.mark_saved(saved.rev);
                }
                let mut text = format!("已保存 {} 的回访", saved.date);
                let kind = match saved.zero_employment {
                    Some(true) => {
                        text = format!(
                            "已保存。注意：该户已成为零就业家庭，请于30日内帮扶清零（{}）",
                            saved.date
                        );
                        StatusKind::Error
                    }
                    Some(false) => {
                        text.push_str("；该户零就业状态已清零");
                        StatusKind::Ok
                    }
                    None => StatusKind::Ok,
                };
                if let Err(e) = self.reload_queue() {
                    text.push_str(&format!("（刷新队列失败：{e}）"));
                }
                self.say(kind, text);
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符，未确认保存"),
            Err(ServiceError::Invalid(errors)) => {
                let n = errors.len();
                if let Some(form) = &mut self.form {
                    form.show_errors(errors);
                }
                self.say(StatusKind::Error, format!("有 {n} 项需要修改，未保存"));
            }
            Err(ServiceError::Conflict(_)) => self.meet_conflict(),
            Err(e) => self.say(StatusKind::Error, format!("未保存：{e}")),
        }
    }

    fn open_household(&mut self) {
        let target = match self.screen {
            Screen::Followup => self
                .form
                .as_ref()
                .map(|f| (f.view.household, Some(f.view.case))),
            Screen::Review => self
                .review
                .as_ref()
                .map(|r| (r.view.household, Some(r.view.case))),
            Screen::Exits => self
                .exits
                .as_ref()
                .and_then(|x| x.selected_row())
                .map(|r| (r.household, Some(r.case))),
            Screen::Ledger => self.household.as_ref().map(|h| (h.view.household, None)),
            _ => self
                .queue
                .selected_row()
                .map(|r| (r.household, Some(r.case))),
        };
        let Some((household, focus)) = target else {
            self.say(StatusKind::Info, "没有选中的人员");
            return;
        };
        if self.screen == Screen::Followup && !self.leave_form() {
            return;
        }
        match self.call(Request::Household { household }) {
            Ok(Response::Household(view)) => {
                self.household = Some(HouseholdPane::new(view, focus));
                self.screen = Screen::Household;
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符"),
            Err(e) => self.say(StatusKind::Error, e.to_string()),
        }
    }

    fn open_followup(&mut self) {
        let case = match self.screen {
            Screen::Household => match self.household.as_ref().and_then(|h| h.selected_case()) {
                Some(c) => c,
                None => {
                    self.say(StatusKind::Info, "此成员不是援助对象，无需回访");
                    return;
                }
            },
            Screen::Followup => return,
            Screen::Review => match &self.review {
                Some(r) => r.view.case,
                None => return,
            },
            Screen::Exits => match self.exits.as_ref().and_then(|x| x.selected_row()) {
                Some(r) => r.case,
                None => return,
            },
            Screen::Ledger => {
                self.say(StatusKind::Info, "回访请先返回户档案（Esc）");
                return;
            }
            Screen::Intake => {
                self.say(
                    StatusKind::Info,
                    "请先完成登记（Ctrl-S），或按 Esc 返回队列",
                );
                return;
            }
            Screen::Queue => match self.queue.selected_case() {
                Some(c) => c,
                None => {
                    self.say(StatusKind::Info, "没有选中的人员");
                    return;
                }
            },
        };
        if self.screen == Screen::Queue {
            self.queue.select_case(case);
        }
        match self.call(Request::FollowUpForm { case }) {
            Ok(Response::FollowUpForm(view)) => {
                let following = if self.queue.select_case(case) {
                    self.queue.following(500)
                } else {
                    Vec::new()
                };
                self.resume = Some(Resume { following });
                let form = FollowupPane::new(view, &self.overview.settings);
                if form.restored_draft {
                    self.say(StatusKind::Info, "已恢复上次未保存的草稿");
                } else if form.view.due == Some(crate::domain::DueStatus::Done) {
                    self.say(StatusKind::Info, "本月已回访；再次保存将另记一次联系");
                }
                self.form = Some(form);
                self.screen = Screen::Followup;
                self.help = false;
            }
            Ok(_) => self.say(StatusKind::Error, "服务应答不符"),
            Err(e) => self.say(StatusKind::Error, e.to_string()),
        }
    }

    /// Leaves the form, keeping unsaved changes as a draft. Returns false if the draft could
    /// not be kept (the form then stays open, nothing lost).
    fn leave_form(&mut self) -> bool {
        self.conflict = None;
        let Some(form) = self.form.take() else {
            return true;
        };
        if form.dirty && !form.saved {
            let request = Request::SaveDraft {
                case: form.view.case,
                draft: form.draft.clone(),
            };
            match self.call(request) {
                Ok(_) => self.say(
                    StatusKind::Info,
                    format!("{} 的回访未保存，已留作草稿", form.view.name),
                ),
                Err(e) => {
                    self.say(StatusKind::Error, format!("草稿未能保留：{e}"));
                    self.form = Some(form);
                    return false;
                }
            }
        }
        true
    }

    fn leave_form_then(&mut self, screen: Screen) {
        if self.screen == Screen::Followup {
            if !self.leave_form() {
                return;
            }
            if let Some(resume) = self.resume.take() {
                self.queue.select_next_due(&resume.following);
            }
        }
        self.help = false;
        self.screen = screen;
        self.queue.scroll_into_view(self.list_height());
    }

    fn back(&mut self) {
        if self.help {
            self.help = false;
            return;
        }
        match self.screen {
            Screen::Queue if self.queue.searching => {
                self.queue.searching = false;
                self.queue.clear_filter();
            }
            Screen::Queue => self.queue.clear_filter(),
            Screen::Household => self.screen = Screen::Queue,
            Screen::Followup if self.conflict.is_some() => {
                if let (Some(c), Some(form)) = (self.conflict.take(), &mut self.form) {
                    form.view.rev = c.rev;
                }
                self.say(
                    StatusKind::Info,
                    "已回到表单：再保存将按您填写的另记一次回访，对方的记录仍保留",
                );
            }
            Screen::Followup => self.leave_form_then(Screen::Queue),
            Screen::Intake => {
                self.keep_intake(true);
                self.screen = Screen::Queue;
                if self.intake.as_ref().is_some_and(|i| i.dirty) {
                    self.say(StatusKind::Info, "登记表未保存，按 n 可继续填写");
                }
            }
            Screen::Exits => {
                if !self.exits.as_mut().is_some_and(ExitPane::cancel) {
                    self.screen = Screen::Queue;
                }
            }
            Screen::Ledger => {
                let had_form = self
                    .ledger
                    .as_mut()
                    .is_some_and(|l| l.form.take().is_some());
                if !had_form {
                    self.screen = Screen::Household;
                }
            }
            Screen::Review => {
                if !self.review.as_mut().is_some_and(ReviewPane::cancel) {
                    self.screen = self.review_from;
                    if self.screen == Screen::Household {
                        self.refresh_household();
                    }
                }
            }
        }
        self.queue.scroll_into_view(self.list_height());
    }

    fn quit(&mut self) {
        self.keep_intake(true);
        if self.screen == Screen::Followup && !self.leave_form() {
            return;
        }
        self.quit = true;
    }

    /// Called when no key came for a while (every half second or so). Returns whether the
    /// screen must be drawn again; usually nothing changed and nothing is sent.
    pub fn tick(&mut self) -> bool {
        self.keep_draft();
        self.follow_others()
    }

    /// The intake form, when typed into and left alone for `DRAFT_DEBOUNCE` (or `now`),
    /// kept as this account's draft.
    fn keep_intake(&mut self, now: bool) {
        let Some(intake) = &self.intake else { return };
        let due = intake
            .unkept_since
            .is_some_and(|t| now || t.elapsed() >= DRAFT_DEBOUNCE);
        if !due {
            return;
        }
        let request = Request::SaveIntakeDraft {
            draft: intake.draft.clone(),
        };
        if self.call(request).is_ok()
            && let Some(intake) = &mut self.intake
        {
            intake.unkept_since = None;
        }
    }

    /// A form typed into and left alone for `DRAFT_DEBOUNCE` is kept as a draft, so even a
    /// killed process or a dropped link loses at most that much typing.
    fn keep_draft(&mut self) {
        self.keep_intake(false);
        let Some(form) = &self.form else { return };
        let due = form
            .unkept_since
            .is_some_and(|t| t.elapsed() >= DRAFT_DEBOUNCE);
        if !due || form.saved {
            return;
        }
        let request = Request::SaveDraft {
            case: form.view.case,
            draft: form.draft.clone(),
        };
        if self.call(request).is_ok()
            && let Some(form) = &mut self.form
        {
            form.unkept_since = None;
        }
    }

    /// On a shared store, what other sessions saved: a cheap ping, and only when the
    /// store's data sequence moved, the queue (and an open household) fetched again.
    /// True when what is on screen changed.
    fn follow_others(&mut self) -> bool {
        if !self.backend.shared() {
            return false;
        }
        let seen = self.seq;
        match self.backend.call(Request::Ping) {
            Ok(reply) if reply.seq == seen => return false,
            Ok(_) => {}
            Err(e) => {
                let text = e.to_string();
                if self.status.as_ref().is_some_and(|s| s.text == text) {
                    return false;
                }
                self.say(StatusKind::Error, text);
                return true;
            }
        }
        let mut changed = false;
        if let Ok(Response::Queue(rows)) = self.call(Request::Queue)
            && rows.as_slice() != self.queue.rows()
        {
            self.queue.set_rows(rows);
            self.queue.scroll_into_view(self.list_height());
            changed = self.screen == Screen::Queue;
        }
        if let Some(pane) = &self.household {
            let household = pane.view.household;
            if let Ok(Response::Household(view)) = self.call(Request::Household { household })
                && let Some(pane) = &mut self.household
                && pane.view != view
            {
                pane.view = view;
                pane.selected = pane.selected.min(pane.view.members.len().saturating_sub(1));
                changed |= self.screen == Screen::Household;
            }
        }
        changed
    }

    /// Called when the terminal goes away (a dropped link): keep what was typed.
    pub fn hang_up(&mut self) {
        self.keep_intake(true);
        let _ = self.leave_form();
        self.quit = true;
    }

    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let msg = format!(
                "请将终端调整到至少 {MIN_WIDTH}x{MIN_HEIGHT}（现为 {}x{}）",
                area.width, area.height
            );
            frame.render_widget(Paragraph::new(msg), area);
            return;
        }
        let [header, body, status, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.render_header(frame, header);
        if self.help {
            self.render_help(frame, body);
        } else {
            match self.screen {
                Screen::Queue => self.queue.render(frame, body, &self.theme),
                Screen::Household => match &self.household {
                    Some(h) => h.render(frame, body, &self.theme),
                    None => frame.render_widget(self.theme.block().title(" 户档案 "), body),
                },
                Screen::Intake => {
                    if let Some(i) = &self.intake {
                        i.render(frame, body, &self.theme, &self.overview.settings);
                    }
                }
                Screen::Review => {
                    if let Some(r) = &self.review {
                        r.render(frame, body, &self.theme);
                    }
                }
                Screen::Exits => {
                    if let Some(x) = &self.exits {
                        x.render(frame, body, &self.theme);
                    }
                }
                Screen::Ledger => {
                    if let Some(l) = &self.ledger {
                        l.render(frame, body, &self.theme);
                    }
                }
                Screen::Followup => match (&self.form, &self.conflict) {
                    (Some(f), Some(c)) => {
                        c.render(frame, body, &self.theme, &f.view.name, &f.draft)
                    }
                    (Some(f), None) => f.render(frame, body, &self.theme),
                    _ => {}
                },
            }
        }
        if self.screen == Screen::Queue && self.queue.searching && !self.help {
            let x = self.queue.render_search(frame, status, &self.theme);
            frame.set_cursor_position((x, status.y));
        } else if let Some(s) = &self.status {
            let style = match s.kind {
                StatusKind::Info => self.theme.label(),
                StatusKind::Ok => self.theme.ok(),
                StatusKind::Error => self.theme.error(),
            };
            frame.render_widget(Paragraph::new(Span::styled(s.text.as_str(), style)), status);
        }
        self.render_footer(frame, footer);
    }

    fn render_header(&self, frame: &mut Frame, area: Rect) {
        let o = &self.overview;
        let who = match &o.township {
            Some(t) => format!("{}（{}，{}）", o.user, o.role, t),
            None => format!("{}（{}）", o.user, o.role),
        };
        let today = o.today.format("%Y-%m-%d");
        let mut text = format!(
            " 援助 | {} | {} | {} | 今天 {today}",
            o.county,
            who,
            crate::domain::YearMonth::of(o.today).label(),
        );
        // The month repeats the date: the first thing to go when the line is too long
        // (a township caseworker's account and township at 80 columns).
        if super::cells::width(&text) > usize::from(area.width) {
            text = format!(" 援助 | {} | {who} | 今天 {today}", o.county);
        }
        frame.render_widget(
            Paragraph::new(super::cells::fit(&text, usize::from(area.width)))
                .style(self.theme.header()),
            area,
        );
    }

    fn footer_actions(&self) -> &'static [Action] {
        match self.context() {
            Context::Help => &[Action::Back, Action::PageDown, Action::Quit],
            Context::Intake => &[
                Action::Help,
                Action::NextField,
                Action::Save,
                Action::Back,
                Action::Quit,
            ],
            Context::Review => &[Action::Help, Action::Open, Action::Back, Action::Quit],
            Context::Exits => &[
                Action::Help,
                Action::ShowHousehold,
                Action::Open,
                Action::Back,
                Action::Quit,
            ],
            Context::Ledger => &[Action::Help, Action::Back, Action::Quit],
            Context::Entry => &[
                Action::Help,
                Action::NextField,
                Action::Save,
                Action::Back,
                Action::Quit,
            ],
            Context::Conflict => &[
                Action::Help,
                Action::TakeTheirs,
                Action::TakeMine,
                Action::Save,
                Action::Back,
                Action::Quit,
            ],
            Context::Search => &[Action::Open, Action::Back, Action::Quit],
            Context::Queue => &[
                Action::Help,
                Action::Followup,
                Action::Open,
                Action::Search,
                Action::Register,
                Action::Review,
                Action::Quit,
            ],
            Context::Household => &[
                Action::Help,
                Action::Followup,
                Action::Back,
                Action::PageDown,
                Action::Quit,
            ],
            Context::Followup | Context::Global => &[
                Action::Help,
                Action::NextField,
                Action::CopyLast,
                Action::Save,
                Action::Back,
                Action::Quit,
            ],
        }
    }

    fn render_footer(&self, frame: &mut Frame, area: Rect) {
        let ctx = self.context();
        let mut spans = Vec::new();
        for action in self.footer_actions() {
            if let Some(key) = self.keymap.key_for(ctx, *action) {
                let label = match (ctx, action) {
                    (Context::Queue, Action::Open) => "户档案",
                    (Context::Search, Action::Open) => "确定",
                    (Context::Search, Action::Back) => "取消",
                    (Context::Followup, Action::Back) => "返回(留草稿)",
                    (Context::Conflict, Action::Back) => "回到表单",
                    (Context::Intake, Action::Save) => "登记",
                    (Context::Review, Action::Open) => "确定",
                    (Context::Exits, Action::Open) => "确定",
                    (Context::Conflict, Action::Save) => "按所选保存",
                    _ => action.label(),
                };
                spans.push(Span::styled(key, self.theme.footer()));
                spans.push(Span::raw(format!("{label} ")));
            }
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn render_help(&self, frame: &mut Frame, area: Rect) {
        let ctx = self.screen_context();
        let block = self.theme.block().title(Span::styled(
            format!(" 帮助：{} ", ctx.title()),
            self.theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = Vec::new();
        for (title, table) in [(ctx.title(), ctx), ("全局", Context::Global)] {
            lines.push(Line::from(Span::styled(
                title.to_string(),
                self.theme.label(),
            )));
            // Keys with the same action share a line, so a screen's help fits in 80x24.
            let mut seen: Vec<Action> = Vec::new();
            for b in self.keymap.bindings(table) {
                if seen.contains(&b.action) {
                    continue;
                }
                seen.push(b.action);
                let keys: Vec<String> = self
                    .keymap
                    .bindings(table)
                    .iter()
                    .filter(|o| o.action == b.action)
                    .map(|o| o.key.label())
                    .collect();
                lines.push(Line::from(format!(
                    "  {}{}",
                    super::cells::fit(&keys.join(" "), 18),
                    b.description
                )));
            }
        }
        if ctx == Context::Followup {
            lines.push(Line::from(Span::styled("填写", self.theme.label())));
            lines.push(Line::from(
                "  代码项按一个数字即选定并跳到下一项；Backspace 清空代码项",
            ));
            lines.push(Line::from("  不适用的项目（如未就业时的工作单位）自动跳过"));
        }
        let shown: Vec<Line> = lines.into_iter().skip(self.help_offset).collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }
}
