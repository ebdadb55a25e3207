//! The screens a caseworker moves between, one [`Pane`] per file, and the vocabulary they
//! use to ask for things: [`Effect`]s.
//!
//! A pane owns its state, its keymap context, what it does with an [`Action`], what it does
//! with the answer to a request it made, its footer and its drawing. It never calls the
//! backend and never reaches into another pane: it returns effects (a request to send, a
//! pane to open, a message for the status line, a notice for the panes below it), and the
//! router in `app.rs` performs them and feeds the answers back. So a pane is tested with
//! no store and no terminal — give it actions and answers, look at the effects.
//!
//! To add a screen: a file here with a struct that implements [`Pane`], a keymap context in
//! `keymap/` with its table in `keymaps/default.toml`, and the effect that opens it from
//! another pane.

pub mod exits;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod followup;
pub mod household;
pub mod intake;
pub mod leads;
pub mod ledger;
pub mod queue;
pub mod review;
pub mod stats;
pub mod supervise;

use super::action::Action;
use super::keymap::Context;
use super::theme::Theme;
use crate::domain::CaseId;
use crate::service::{Overview, Request, Response, ServiceError};
use ratatui::Frame;
use ratatui::layout::Rect;

/// How long typing must pause before a form is kept as a draft: a killed process or a
/// dropped link loses at most that much typing.
pub const DRAFT_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(1000);

/// What every pane may read while it works: who is signed in and today's date (the
/// overview), the theme, and how many list rows fit on screen.
pub struct Env<'a> {
    pub overview: &'a Overview,
    pub theme: &'a Theme,
    /// Rows of a full-height list (the queue's, the exits'): a page for PageUp/PageDown.
    pub list_height: usize,
}

/// The status line's three voices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Ok,
    Error,
}

/// What a pane asks the router to do.
pub enum Effect {
    /// Send a request; its answer comes back to this pane's [`Pane::answer`].
    Ask(Request),
    /// Send a request that what is typed next does not depend on (a search as it is
    /// typed): keys do not wait for its answer, which comes back to [`Pane::answer`] too.
    Fetch(Request),
    /// Open a pane in front. A pane of the same kind already open is closed first, with
    /// everything in front of it (there is one household file, one form, open at a time).
    Open(Box<dyn Pane>),
    /// Close this pane.
    Close,
    /// Close every pane but the queue.
    CloseToQueue,
    /// A message in the status line.
    Say(StatusKind, String),
    /// Something every open pane may want to know.
    Tell(Notice),
    /// Do not close the program after all (a draft could not be kept).
    StayOpen,
    /// A step that cannot be undone: say what will happen, and perform `then` only when the
    /// caseworker confirms.
    Confirm(Confirm),
}

/// What a confirmation asks, and what is done on yes.
pub struct Confirm {
    pub what: String,
    pub then: Vec<Effect>,
}

/// `then`, once the caseworker has read `what` and said yes.
pub fn confirm(what: impl Into<String>, then: Vec<Effect>) -> Effect {
    Effect::Confirm(Confirm {
        what: what.into(),
        then,
    })
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Ask(r) => write!(f, "Ask({r:?})"),
            Effect::Fetch(r) => write!(f, "Fetch({r:?})"),
            Effect::Open(p) => write!(f, "Open({:?})", p.kind()),
            Effect::Close => write!(f, "Close"),
            Effect::CloseToQueue => write!(f, "CloseToQueue"),
            Effect::Say(k, t) => write!(f, "Say({k:?}, {t:?})"),
            Effect::Tell(n) => write!(f, "Tell({n:?})"),
            Effect::StayOpen => write!(f, "StayOpen"),
            Effect::Confirm(c) => write!(f, "Confirm({:?}, {:?})", c.what, c.then),
        }
    }
}

/// News for every open pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The store's data changed — a save here or in another session: what is shown may be
    /// stale.
    DataChanged,
    /// A follow-up form opened for this case (the queue remembers the cases after it).
    FollowupOpened(CaseId),
    /// The follow-up form of this case was left for the queue: on to the next one due.
    FollowupLeft(CaseId),
    /// A person was registered and applies: the queue shows them among 待初审.
    Registered(CaseId),
}

/// Which screen a pane is; one of each kind is open at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneKind {
    Queue,
    Household,
    Followup,
    Intake,
    Review,
    Exits,
    Ledger,
    Leads,
    Stats,
    Supervise,
}

/// One screen.
pub trait Pane {
    fn kind(&self) -> PaneKind;

    /// The keymap context the pane is in now (a form, its conflict view, a prompt…).
    fn context(&self) -> Context;

    /// What the pane asks for when it opens (the data it shows).
    fn start(&mut self, _env: &Env) -> Vec<Effect> {
        Vec::new()
    }

    /// An action of the pane's context, or typed text (`Type`, `Edit`, `Paste`).
    fn update(&mut self, action: Action, env: &Env) -> Vec<Effect>;

    /// The answer to a request this pane made with [`Effect::Ask`].
    fn answer(
        &mut self,
        _asked: Request,
        _answer: Result<Response, ServiceError>,
        _env: &Env,
    ) -> Vec<Effect> {
        Vec::new()
    }

    fn notice(&mut self, _notice: &Notice, _env: &Env) -> Vec<Effect> {
        Vec::new()
    }

    /// The terminal changed size: keep the selection on screen.
    fn resized(&mut self, _env: &Env) {}

    /// Called when no key came for a while: a form keeps what was typed as a draft.
    fn tick(&mut self) -> Vec<Effect> {
        Vec::new()
    }

    /// The program is closing or the link dropped: what must be kept first.
    fn closing(&mut self) -> Vec<Effect> {
        Vec::new()
    }

    /// Kept aside when closed, and brought back when a pane of its kind is opened again
    /// (the counter's registration form).
    fn keep_when_closed(&self) -> bool {
        false
    }

    /// The footer's actions, each with its label here (empty: the action's own label).
    fn footer(&self) -> &'static [(Action, &'static str)];

    /// Lines the help screen adds after the keys (how to fill in a form).
    fn help_notes(&self) -> Vec<String> {
        Vec::new()
    }

    fn render(&self, frame: &mut Frame, area: Rect, env: &Env);

    /// A pane that draws into the status line itself (the queue's search prompt) does it
    /// here and returns the cursor's column.
    fn render_status(&self, _frame: &mut Frame, _area: Rect, _env: &Env) -> Option<u16> {
        None
    }
}

/// The failure of a request, said the way every pane says it: what was not done, and why.
pub fn failed(what: &str, e: &ServiceError) -> Effect {
    Effect::Say(StatusKind::Error, format!("{what}：{e}"))
}

/// Why a key or a paste was not taken as it came, said in the status line.
pub fn why(refused: Option<String>) -> Vec<Effect> {
    refused
        .map(|text| say(StatusKind::Info, text))
        .into_iter()
        .collect()
}

/// What a save or a registration that changed the household's zero-employment state adds
/// to its message (第(四)条 预警监测, R-ZERO-2): a new one is a warning with the clearance
/// deadline of the settings; a clearance or an end for another reason is said as such.
pub fn zero_employment_note(
    kind: Option<&crate::domain::HouseholdEventKind>,
    settings: &crate::domain::Settings,
) -> (StatusKind, String) {
    use crate::domain::HouseholdEventKind as K;
    match kind {
        Some(K::ZeroEmploymentStarted) => (
            StatusKind::Error,
            format!(
                "。注意：该户成为零就业家庭，请{}日内帮扶清零",
                settings.zero_clearance_days
            ),
        ),
        Some(K::ZeroEmploymentCleared) => (StatusKind::Ok, "；该户零就业状态已清零".into()),
        Some(K::ZeroEmploymentEnded(why)) => (
            StatusKind::Ok,
            format!("；该户不再是零就业家庭（{}）", why.label()),
        ),
        None => (StatusKind::Ok, String::new()),
    }
}

pub fn say(kind: StatusKind, text: impl Into<String>) -> Effect {
    Effect::Say(kind, text.into())
}
