//! The one loop that performs what panes ask for: effects in order, each on behalf of the
//! pane that asked; requests through the [`Link`], their answers back to that pane; and a
//! moved data sequence told to every pane. Nothing here decides what a screen does.

use super::link::{Answer, Job};
use super::{App, Status, StatusKind, env};
use crate::service::{Request, Response};
use crate::tui::panes::{Effect, Notice, PaneKind};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The sender of the router's own requests (its pings), which no pane has.
const ROUTER: u64 = u64::MAX;

/// How long closing waits for the answers it needs (a draft kept) before it gives up.
const CLOSING_WAIT: Duration = Duration::from_secs(10);

/// Effects waiting their turn: each with its pane, and whether keys wait for its answer.
type Pending = VecDeque<(u64, Effect, bool)>;

impl App {
    pub(super) fn perform(&mut self, from: u64, effects: Vec<Effect>, blocking: bool) {
        self.perform_queue(effects.into_iter().map(|e| (from, e, blocking)).collect());
    }

    /// Performs effects in order; the effects that answers and notices bring are performed
    /// after those already waiting.
    pub(super) fn perform_queue(&mut self, mut queue: Pending) {
        while let Some((from, effect, blocking)) = queue.pop_front() {
            let env = env(&self.overview, &self.theme, self.size);
            let asked = matches!(effect, Effect::Ask(_) | Effect::Fetch(_));
            let background = matches!(effect, Effect::Fetch(_));
            match effect {
                Effect::Ask(request) | Effect::Fetch(request) => {
                    let blocking = blocking && !background;
                    let job = Job {
                        from,
                        request,
                        blocking,
                        watched: blocking || background,
                    };
                    if let Some(answer) = self.link.send(job) {
                        queue.extend(self.answered(answer));
                    }
                }
                Effect::Open(pane) => {
                    self.help = None;
                    let started = self.panes.open(pane, &env);
                    queue.extend(started.into_iter().map(|(id, e)| (id, e, blocking)));
                }
                Effect::Close => self.panes.close(from),
                Effect::CloseToQueue => self.panes.close_to_queue(),
                Effect::Say(kind, text) => self.say(kind, text),
                Effect::Tell(notice) => {
                    let heard = self.panes.hear(&notice, &env);
                    queue.extend(heard.into_iter().map(|(id, e)| (id, e, blocking)));
                }
                Effect::StayOpen => self.closing = false,
                Effect::Confirm(confirm) => self.confirming = Some((from, confirm)),
            }
            // Sending a request shows nothing yet; its answer may.
            self.changed |= !asked;
        }
        // A screen asked for from another (F8 in a form) opens once the queue is in front:
        // now, or when the form's draft is kept.
        if self.then_open.is_some()
            && self.panes.front().kind() == PaneKind::Queue
            && self.confirming.is_none()
            && let Some(action) = self.then_open.take()
        {
            self.update(action);
        }
    }

    /// An answer, to the pane that asked (if it is still open); when it shows the data
    /// sequence moved, every pane hears so and fetches what it shows again.
    fn answered(&mut self, a: Answer) -> Pending {
        let mut effects = Pending::new();
        let kept_draft = matches!(
            a.request,
            Request::SaveDraft { .. } | Request::SaveIntakeDraft { .. }
        ) && !a.blocking
            && a.answer.is_ok();
        if a.from == ROUTER {
            if let Ok(Response::Overview(overview)) = a.answer {
                // The date turned while the session stayed open.
                if overview != self.overview {
                    let new_day = overview.today != self.overview.today;
                    self.overview = overview;
                    self.changed = true;
                    if new_day {
                        let env = env(&self.overview, &self.theme, self.size);
                        let heard = self.panes.hear(&Notice::DataChanged, &env);
                        effects.extend(heard.into_iter().map(|(id, e)| (id, e, false)));
                    }
                }
                return effects;
            }
            self.pinging = false;
            if let Err(e) = &a.answer {
                let text = e.to_string();
                if self.status.as_ref().is_none_or(|s| s.text != text) {
                    self.status = Some(Status {
                        text,
                        kind: StatusKind::Error,
                    });
                    self.changed = true;
                }
            }
        } else if let Some(slot) = self.panes.get_mut(a.from) {
            let env = env(&self.overview, &self.theme, self.size);
            let said = slot.pane.answer(a.request, a.answer, &env);
            // A draft kept in the background changes nothing on screen.
            self.changed |= !kept_draft || !said.is_empty();
            effects.extend(said.into_iter().map(|e| (a.from, e, a.blocking)));
        }
        if let Some(seq) = a.seq
            && seq != self.seen
        {
            self.seen = seq;
            self.changed = true;
            let env = env(&self.overview, &self.theme, self.size);
            // After the caseworker's own change, what the panes fetch again is what the
            // next key acts on (a review's new state): keys wait for it. After another
            // session's change, found by a ping, they refresh in the background.
            let heard = self.panes.hear(&Notice::DataChanged, &env);
            effects.extend(heard.into_iter().map(|(id, e)| (id, e, a.blocking)));
        }
        effects
    }

    /// Takes the answers that have come, and then the keys that waited for them. Returns
    /// whether anything on screen changed.
    pub fn pump(&mut self) -> bool {
        while let Some(answer) = self.link.next(Duration::ZERO) {
            let effects = self.answered(answer);
            self.perform_queue(effects);
        }
        while !self.link.blocked()
            && let Some(event) = self.held.pop_front()
        {
            self.changed |= self.handle_now(event);
        }
        std::mem::take(&mut self.changed)
    }

    /// Waits (at most `wait`) until every request is answered, performing the answers.
    fn settle(&mut self, wait: Duration) {
        let until = Instant::now() + wait;
        while self.link.in_flight() > 0 {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            if let Some(answer) = self.link.next(left) {
                let effects = self.answered(answer);
                self.perform_queue(effects);
            }
        }
    }

    /// Closes the program, keeping what panes hold unsaved first. A dropped link (`anyway`)
    /// closes even when something could not be kept.
    pub(super) fn close(&mut self, anyway: bool) {
        self.closing = true;
        self.held.clear();
        for id in self.panes.ids() {
            if let Some(slot) = self.panes.get_mut(id) {
                let effects = slot.pane.closing();
                self.perform(id, effects, true);
            }
        }
        self.settle(CLOSING_WAIT);
        self.quit = self.closing || anyway;
        self.closing = false;
    }

    /// Called when the terminal goes away (a dropped link): keep what was typed.
    pub fn hang_up(&mut self) {
        self.close(true);
    }

    /// Called when no key came for a while (every half second or so): forms keep their
    /// drafts, and on a shared store a cheap ping asks whether others saved. Returns whether
    /// the screen must be drawn again; usually nothing changed and nothing is sent.
    pub fn tick(&mut self) -> bool {
        let before = self.status.as_ref().map(|s| s.text.clone());
        for id in self.panes.ids() {
            if let Some(slot) = self.panes.get_mut(id) {
                let effects = slot.pane.tick();
                self.perform(id, effects, false);
            }
        }
        // What the ticks performed is drafts kept: nothing to draw for them.
        self.changed = false;
        let day = crate::service::now_cst().date_naive();
        if day != self.day {
            self.day = day;
            let overview = Job {
                from: ROUTER,
                request: Request::Overview,
                blocking: false,
                watched: false,
            };
            if let Some(answer) = self.link.send(overview) {
                let effects = self.answered(answer);
                self.perform_queue(effects);
            }
        }
        if self.link.shared() && !self.pinging {
            self.pinging = true;
            let ping = Job {
                from: ROUTER,
                request: Request::Ping,
                blocking: false,
                watched: false,
            };
            if let Some(answer) = self.link.send(ping) {
                let effects = self.answered(answer);
                self.perform_queue(effects);
            }
        }
        let changed = std::mem::take(&mut self.changed);
        changed || self.status.as_ref().map(|s| s.text.clone()) != before
    }

    pub(super) fn say(&mut self, kind: StatusKind, text: String) {
        self.status = Some(Status { text, kind });
    }
}
