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
use super::panes::{Confirm, Env, PaneKind};
use super::theme::Theme;
use crate::service::{Backend, Client, Overview, ServiceError};
use crossterm::event::{Event, KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use std::collections::VecDeque;

pub use super::panes::StatusKind;

mod chrome;
mod link;
mod perform;
mod stack;
#[cfg(test)]
mod tests;

use link::Link;
use stack::{Panes, Slot};

#[derive(Clone, Debug)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
pub use super::panes::DRAFT_DEBOUNCE;

pub struct App {
    link: Link,
    /// The data sequence as of the last answer: when an answer shows another, every pane
    /// hears that data changed.
    seen: u64,
    /// Keys and pastes that came while a blocking request was unanswered, in order.
    held: VecDeque<Event>,
    /// A screen key pressed on another screen than the queue: opened from the queue once
    /// the screen in front has been left (a form keeps its draft first).
    then_open: Option<Action>,
    /// A ping of the router's own is unanswered.
    pinging: bool,
    /// Something on screen changed since the loop last asked.
    changed: bool,
    /// The day (China Standard Time) when the clock was last looked at: when it turns, the
    /// overview is asked for again, so the header, the month and what is due follow it.
    day: chrono::NaiveDate,
    keymap: Keymap,
    theme: Theme,
    overview: Overview,
    panes: Panes,
    /// A step that cannot be undone, waiting for yes or no, for the pane that asked.
    confirming: Option<(u64, Confirm)>,
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
        let mut start = panes.queue.pane.start(&env(&overview, &theme, size));
        if overview.drafts > 0 {
            start.push(crate::tui::panes::say(
                StatusKind::Info,
                format!(
                    "有 {} 份草稿未保存：打开对应人员的回访或登记表即可恢复",
                    overview.drafts
                ),
            ));
        }
        let mut app = Self {
            seen: client.seq(),
            link: Link::Inline(client),
            held: VecDeque::new(),
            then_open: None,
            pinging: false,
            changed: false,
            day: crate::service::now_cst().date_naive(),
            keymap,
            theme,
            overview,
            panes,
            confirming: None,
            help: None,
            status: None,
            size,
            closing: false,
            quit: false,
            full_redraw: false,
        };
        app.perform(0, start, true);
        Ok(app)
    }

    /// Moves the backend onto a thread of its own: from here on the input thread never
    /// waits on it, and the loop calls [`App::pump`] for the answers.
    pub fn start_worker(&mut self) -> std::io::Result<()> {
        self.link.start_worker()
    }

    /// Whether a request is unanswered: the loop then polls for answers often.
    pub fn busy(&self) -> bool {
        self.link.in_flight() > 0
    }

    /// Whether a blocking request has been waited for long enough to say so on screen.
    pub fn slow(&self) -> bool {
        self.link.slow()
    }

    /// Whether the screen is waiting for an answer before it is worth drawing: keys wait
    /// for it, or it was asked in the background a moment ago and is likely to come at once.
    pub fn blocked(&self) -> bool {
        self.link.blocked() || self.link.answer_due()
    }

    /// Whether keys wait for an answer (they are held, and applied in order once it comes).
    pub fn holding_keys(&self) -> bool {
        self.link.blocked()
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
        } else if self.confirming.is_some() {
            Context::Confirm
        } else {
            self.panes.front().context()
        }
    }

    /// Handles one terminal event; returns whether anything on screen may have changed. A
    /// key or paste that comes while a blocking request is unanswered waits for it.
    pub fn handle_event(&mut self, event: Event) -> bool {
        let typed = matches!(&event, Event::Key(k) if k.kind == KeyEventKind::Press)
            || matches!(event, Event::Paste(_));
        if typed && (self.link.blocked() || !self.held.is_empty()) {
            self.held.push_back(event);
            return false;
        }
        self.handle_now(event)
    }

    fn handle_now(&mut self, event: Event) -> bool {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                self.handle_key(key);
                true
            }
            Event::Paste(text) if !self.too_small() => {
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
        // A screen key whose way out did not happen (a draft not kept) is given up.
        self.then_open = None;
        if let Some(action) = self.keymap.resolve(self.context(), &key) {
            // Under the size notice nothing of the screen is seen, so nothing acts on it.
            if self.too_small() && !matches!(action, Action::Quit | Action::Redraw) {
                return;
            }
            self.update(action);
        }
    }

    fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
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
                _ if is_screen_key(&action) => self.help = None,
                _ => {}
            }
            let screen_key = is_screen_key(&action);
            if !screen_key {
                return;
            }
        }
        if let Some((from, confirm)) = self.confirming.take() {
            match action {
                Action::Confirm => self.perform(from, confirm.then, true),
                Action::Cancel => self.say(StatusKind::Info, "已取消，未办理".into()),
                _ => self.confirming = Some((from, confirm)),
            }
            return;
        }
        // F5 F7 F8 F9 from any screen: the screen in front is left as F2 leaves it (a form
        // keeps its draft, a question asked stays asked), and the queue opens the one asked for.
        if let Some(wanted) = screen_of(&action) {
            let front = self.panes.front().kind();
            if front != PaneKind::Queue && front != wanted {
                self.then_open = Some(action);
                return self.update(Action::ShowQueue);
            }
        }
        let env = env(&self.overview, &self.theme, self.size);
        let slot = self.panes.front_mut();
        let id = slot.id;
        let effects = slot.pane.update(action, &env);
        self.perform(id, effects, true);
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
        if let (None, Some((_, confirm))) = (self.help, &self.confirming) {
            self.render_confirm(frame, body, &confirm.what);
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
        if self.link.slow() {
            // Quiet, at the end of the line: the screen is alive and the server is slow.
            let marker = " 等待服务… ";
            let w = u16::try_from(super::cells::width(marker)).unwrap_or(status.width);
            let at = Rect {
                x: status.x + status.width.saturating_sub(w),
                width: w.min(status.width),
                ..status
            };
            frame.render_widget(Paragraph::new(Span::styled(marker, self.theme.dim())), at);
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

/// The keys that open a screen, and leave the help for it.
fn is_screen_key(action: &Action) -> bool {
    matches!(
        action,
        Action::ShowQueue | Action::ShowHousehold | Action::Followup
    ) || screen_of(action).is_some()
}

/// The screen opened from the queue by `action` (F5, F7, F8, F9), if it is one of those.
fn screen_of(action: &Action) -> Option<PaneKind> {
    match action {
        Action::ShowExits => Some(PaneKind::Exits),
        Action::ShowLeads => Some(PaneKind::Leads),
        Action::ShowStats => Some(PaneKind::Stats),
        Action::ShowSupervise => Some(PaneKind::Supervise),
        _ => None,
    }
}
