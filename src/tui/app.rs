//! The router: a stack of [`Pane`]s with the queue at the bottom, the chrome around the one
//! in front (header, status line, footer, help), and the one loop that performs what panes
//! ask for.
//!
//! A key becomes an [`Action`] through the keymap of the front pane's context — typed text
//! and pastes included — and goes to that pane. What it returns are [`Effect`]s: requests go
//! to the backend through the typed [`Client`], and each answer is fed back to the pane that
//! asked; when an answer shows the store's data sequence moved, every open pane hears
//! [`Notice::DataChanged`] and fetches what it shows again. Panes never call the backend
//! and never reach into one another, so the backend can move off the input thread without
//! them knowing: effects wait in a queue, in order.

use super::action::Action;
use super::keymap::{Context, Keymap};
use super::panes::queue::QueuePane;
use super::panes::{Effect, Env, Notice, PaneKind};
use super::theme::Theme;
use crate::service::{Backend, Client, Overview, Request, ServiceError};
use crossterm::event::{Event, KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use std::collections::VecDeque;

pub use super::panes::StatusKind;

mod chrome;
mod stack;
#[cfg(test)]
mod tests;

use stack::{Panes, Slot};

#[derive(Clone, Debug)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// How long typing must pause before a form is kept as a draft.
pub const DRAFT_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(1000);

pub struct App {
    client: Client,
    keymap: Keymap,
    theme: Theme,
    overview: Overview,
    panes: Panes,
    /// The help screen over the front pane, scrolled this far.
    help: Option<usize>,
    status: Option<Status>,
    size: (u16, u16),
    /// The program is closing once the effects in hand are performed, unless a pane says
    /// it must stay open (a draft that could not be kept).
    closing: bool,
    quit: bool,
    full_redraw: bool,
}

impl App {
    pub fn new(
        backend: Box<dyn Backend>,
        keymap: Keymap,
        theme: Theme,
    ) -> Result<Self, ServiceError> {
        let mut client = Client::new(backend);
        let overview = client.overview()?;
        let size = (MIN_WIDTH, MIN_HEIGHT);
        let queue = Slot {
            id: 0,
            pane: Box::new(QueuePane::new()),
        };
        let mut panes = Panes {
            queue,
            stack: Vec::new(),
            kept: Vec::new(),
            next_id: 0,
        };
        let start = panes.queue.pane.start(&env(&overview, &theme, size));
        let mut app = Self {
            client,
            keymap,
            theme,
            overview,
            panes,
            help: None,
            status: None,
            size,
            closing: false,
            quit: false,
            full_redraw: false,
        };
        app.perform(0, start);
        Ok(app)
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Which screen is in front.
    pub fn screen(&self) -> PaneKind {
        self.panes.front().kind()
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
        let env = env(&self.overview, &self.theme, self.size);
        for slot in self.panes.all_mut() {
            slot.pane.resized(&env);
        }
    }

    fn context(&self) -> Context {
        if self.help.is_some() {
            Context::Help
        } else {
            self.panes.front().context()
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
                self.update(Action::Paste(text));
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
        if let Some(action) = self.keymap.resolve(self.context(), &key) {
            self.update(action);
        }
    }

    pub fn update(&mut self, action: Action) {
        match action {
            Action::Quit => return self.close(false),
            Action::Redraw => return self.full_redraw = true,
            Action::Help => {
                self.help = match self.help {
                    Some(_) => None,
                    None => Some(0),
                };
                return;
            }
            _ => {}
        }
        if let Some(offset) = self.help {
            let page = list_height(self.size).max(1);
            match action {
                Action::Down => self.help = Some(offset + 1),
                Action::Up => self.help = Some(offset.saturating_sub(1)),
                Action::PageDown => self.help = Some(offset + page),
                Action::PageUp => self.help = Some(offset.saturating_sub(page)),
                Action::Back => self.help = None,
                // The screen keys leave the help for the screen asked for.
                Action::ShowQueue
                | Action::ShowHousehold
                | Action::ShowExits
                | Action::Followup => {
                    self.help = None;
                }
                _ => {}
            }
            if self.help.is_some() {
                return;
            }
        }
        let env = env(&self.overview, &self.theme, self.size);
        let slot = self.panes.front_mut();
        let id = slot.id;
        let effects = slot.pane.update(action, &env);
        self.perform(id, effects);
    }

    /// Closes the program, keeping what panes hold unsaved first. A dropped link (`anyway`)
    /// closes even when something could not be kept.
    fn close(&mut self, anyway: bool) {
        self.closing = true;
        for id in self.panes.ids() {
            if let Some(slot) = self.panes.get_mut(id) {
                let effects = slot.pane.closing();
                self.perform(id, effects);
            }
        }
        self.quit = self.closing || anyway;
        self.closing = false;
    }

    /// Called when the terminal goes away (a dropped link): keep what was typed.
    pub fn hang_up(&mut self) {
        self.close(true);
    }

    /// Called when no key came for a while (every half second or so). Returns whether the
    /// screen must be drawn again; usually nothing changed and nothing is sent.
    pub fn tick(&mut self) -> bool {
        let before = self.status.as_ref().map(|s| s.text.clone());
        // Drafts kept show nothing: only what others changed, or a message, is drawn.
        for id in self.panes.ids() {
            if let Some(slot) = self.panes.get_mut(id) {
                let effects = slot.pane.tick();
                self.perform(id, effects);
            }
        }
        let fetched = self.follow_others();
        fetched || self.status.as_ref().map(|s| s.text.clone()) != before
    }

    /// On a shared store, whether other sessions saved: a cheap ping, and only when the data
    /// sequence moved does every pane fetch what it shows again. True when anything was
    /// fetched or said.
    fn follow_others(&mut self) -> bool {
        if !self.client.shared() {
            return false;
        }
        let seen = self.client.seq();
        match self.client.ping() {
            Ok(seq) if seq == seen => false,
            Ok(_) => {
                let env = env(&self.overview, &self.theme, self.size);
                let effects = self.panes.hear(&Notice::DataChanged, &env);
                self.perform_queue(effects.into());
                true
            }
            Err(e) => {
                let text = e.to_string();
                if self.status.as_ref().is_some_and(|s| s.text == text) {
                    return false;
                }
                self.say(StatusKind::Error, text);
                true
            }
        }
    }

    fn say(&mut self, kind: StatusKind, text: String) {
        self.status = Some(Status { text, kind });
    }

    fn perform(&mut self, from: u64, effects: Vec<Effect>) {
        self.perform_queue(effects.into_iter().map(|e| (from, e)).collect());
    }

    /// Performs effects in order, each on behalf of the pane that asked; the effects that
    /// answers and notices bring are performed after those already waiting.
    fn perform_queue(&mut self, mut queue: VecDeque<(u64, Effect)>) {
        while let Some((from, effect)) = queue.pop_front() {
            let env = env(&self.overview, &self.theme, self.size);
            match effect {
                Effect::Ask(request) => queue.extend(self.ask(from, request)),
                Effect::Open(pane) => {
                    self.help = None;
                    queue.extend(self.panes.open(pane, &env));
                }
                Effect::Close => self.panes.close(from),
                Effect::CloseToQueue => self.panes.close_to_queue(),
                Effect::Say(kind, text) => self.say(kind, text),
                Effect::Tell(notice) => queue.extend(self.panes.hear(&notice, &env)),
                Effect::StayOpen => self.closing = false,
            }
        }
    }

    /// Sends `request` for the pane `from`; its answer goes back to that pane (if it is
    /// still open), and a moved data sequence to every pane.
    fn ask(&mut self, from: u64, request: Request) -> Vec<(u64, Effect)> {
        let seen = self.client.seq();
        let answer = self.client.ask(request.clone());
        let env = env(&self.overview, &self.theme, self.size);
        let mut effects = Vec::new();
        if let Some(slot) = self.panes.get_mut(from) {
            effects.extend(
                slot.pane
                    .answer(request, answer, &env)
                    .into_iter()
                    .map(|e| (from, e)),
            );
        }
        if self.client.seq() != seen {
            effects.extend(self.panes.hear(&Notice::DataChanged, &env));
        }
        effects
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
        let env = env(&self.overview, &self.theme, self.size);
        self.render_header(frame, header);
        let front = self.panes.front();
        match self.help {
            Some(offset) => self.render_help(frame, body, offset),
            None => front.render(frame, body, &env),
        }
        let cursor = match self.help {
            Some(_) => None,
            None => front.render_status(frame, status, &env),
        };
        match (cursor, &self.status) {
            (Some(x), _) => frame.set_cursor_position((x, status.y)),
            (None, Some(s)) => {
                let style = match s.kind {
                    StatusKind::Info => self.theme.label(),
                    StatusKind::Ok => self.theme.ok(),
                    StatusKind::Error => self.theme.error(),
                };
                frame.render_widget(Paragraph::new(Span::styled(s.text.as_str(), style)), status);
            }
            (None, None) => {}
        }
        self.render_footer(frame, footer);
    }
}

/// Rows of a full-height list for a terminal of `size`: the body less its border and
/// column header.
fn list_height(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(3).saturating_sub(3))
}

fn env<'a>(overview: &'a Overview, theme: &'a Theme, size: (u16, u16)) -> Env<'a> {
    Env {
        overview,
        theme,
        list_height: list_height(size),
    }
}
