//! How the router's requests reach the backend: answered in place (tests, and the first
//! requests before the terminal loop starts), or by a worker thread, so that the input
//! thread never waits on a socket. Answers come back in the order the requests were sent.
//!
//! A request is *blocking* when what the caseworker types next depends on its answer (a
//! pane opening, a save, leaving a form): the router holds keys while one is in flight and
//! applies them, in order, once it is answered — and once what the panes fetch again after
//! it is answered too. Draft keeping, pings and refreshes after another session's change
//! are not.

use crate::service::{Client, Request, Response, ServiceError};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// How long a request the screen waits for may take before the status line says so.
pub(super) const SLOW: Duration = Duration::from_millis(300);

/// How long the screen waits, before drawing a key's effect, for the answer of a request
/// the key sent in the background (a search's rows): a quick answer goes out in the same
/// frame as the key, a slow one does not hold the key's echo back.
pub(super) const COALESCE: Duration = Duration::from_millis(40);

/// A request sent on behalf of a pane.
pub(super) struct Job {
    pub from: u64,
    pub request: Request,
    pub blocking: bool,
    /// The screen waits for its answer (keys, or rows a search asked in the background):
    /// a slow answer is said. Pings and draft keeping are not.
    pub watched: bool,
}

/// Its answer, with the data sequence as of that answer (none when it never reached the
/// backend).
pub(super) struct Answer {
    pub from: u64,
    pub request: Request,
    pub answer: Result<Response, ServiceError>,
    pub seq: Option<u64>,
    pub blocking: bool,
}

pub(super) enum Link {
    Inline(Client),
    Worker(Worker),
}

pub(super) struct Worker {
    jobs: Sender<Job>,
    answers: Receiver<Answer>,
    shared: bool,
    in_flight: usize,
    blocking: usize,
    /// When each request still unanswered was sent, whether it is watched and whether it
    /// blocks, oldest first (answers come in the order sent).
    sent: std::collections::VecDeque<(Instant, bool, bool)>,
    /// The thread, joined when the link closes.
    thread: Option<std::thread::JoinHandle<Client>>,
}

fn answer(client: &mut Client, job: Job) -> Answer {
    let answer = client.ask(job.request.clone());
    Answer {
        from: job.from,
        request: job.request,
        answer,
        seq: Some(client.seq()),
        blocking: job.blocking,
    }
}

impl Link {
    /// Moves the client to a worker thread; an inline link becomes a threaded one.
    pub fn start_worker(&mut self) -> std::io::Result<()> {
        let Link::Inline(_) = self else {
            return Ok(());
        };
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (outbox, answers) = mpsc::channel::<Answer>();
        // The client moves to the thread; a placeholder stands in until the swap below.
        let Link::Inline(client) = std::mem::replace(self, Link::Inline(Client::closed())) else {
            return Ok(());
        };
        let shared = client.shared();
        let thread = std::thread::Builder::new()
            .name("援助-后端".into())
            .spawn(move || {
                let mut client = client;
                for job in inbox {
                    if outbox.send(answer(&mut client, job)).is_err() {
                        break;
                    }
                }
                client
            })?;
        *self = Link::Worker(Worker {
            jobs,
            answers,
            shared,
            in_flight: 0,
            blocking: 0,
            sent: std::collections::VecDeque::new(),
            thread: Some(thread),
        });
        Ok(())
    }

    pub fn shared(&self) -> bool {
        match self {
            Link::Inline(client) => client.shared(),
            Link::Worker(w) => w.shared,
        }
    }

    /// Sends `job`: an inline link answers at once; a worker's answer comes from
    /// [`Link::next`].
    pub fn send(&mut self, job: Job) -> Option<Answer> {
        match self {
            Link::Inline(client) => Some(answer(client, job)),
            Link::Worker(w) => {
                let blocking = job.blocking;
                let watched = job.watched;
                let from = job.from;
                let request = job.request.clone();
                if w.jobs.send(job).is_err() {
                    return Some(Answer {
                        from,
                        request,
                        answer: Err(ServiceError::Link("与服务的连接线程已停止".into())),
                        seq: None,
                        blocking,
                    });
                }
                w.in_flight += 1;
                w.sent.push_back((Instant::now(), watched, blocking));
                if blocking {
                    w.blocking += 1;
                }
                None
            }
        }
    }

    /// The next answer, waiting at most `wait` for it.
    pub fn next(&mut self, wait: Duration) -> Option<Answer> {
        let Link::Worker(w) = self else {
            return None;
        };
        if w.in_flight == 0 {
            return None;
        }
        let got = match w.answers.recv_timeout(wait) {
            Ok(a) => a,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => {
                w.in_flight = 0;
                w.blocking = 0;
                w.sent.clear();
                return None;
            }
        };
        w.in_flight -= 1;
        w.sent.pop_front();
        if got.blocking {
            w.blocking = w.blocking.saturating_sub(1);
        }
        Some(got)
    }

    pub fn in_flight(&self) -> usize {
        match self {
            Link::Inline(_) => 0,
            Link::Worker(w) => w.in_flight,
        }
    }

    /// Whether a blocking request is unanswered (keys are held meanwhile).
    pub fn blocked(&self) -> bool {
        matches!(self, Link::Worker(w) if w.blocking > 0)
    }

    /// Whether a watched request has taken longer than [`SLOW`].
    pub fn slow(&self) -> bool {
        match self {
            Link::Inline(_) => false,
            Link::Worker(w) => w
                .sent
                .iter()
                .any(|(at, watched, _)| *watched && at.elapsed() >= SLOW),
        }
    }

    /// Whether a watched background request was sent less than [`COALESCE`] ago.
    pub fn answer_due(&self) -> bool {
        match self {
            Link::Inline(_) => false,
            Link::Worker(w) => w
                .sent
                .iter()
                .any(|(at, watched, blocking)| *watched && !blocking && at.elapsed() < COALESCE),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the job channel ends the thread once it has answered what it holds.
        let (closed, _) = mpsc::channel();
        self.jobs = closed;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
