//! The terminal loop: raw mode, one blocking read at a time, a burst of events coalesced into
//! one frame, a frame drawn only when something changed (never on a timer), wrapped in
//! synchronized output and written with a single write — over a slow SSH link each flush is
//! a packet. Key presses only, no terminal queries.

use super::app::App;
use super::wire::WireBackend;
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::Terminal;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Collects a frame's bytes; ratatui's per-draw flush is ignored, and [`FrameWriter::commit`]
/// sends the whole frame at once.
pub struct FrameWriter<W: Write> {
    buf: Vec<u8>,
    out: W,
}

impl<W: Write> FrameWriter<W> {
    pub fn new(out: W) -> Self {
        Self {
            buf: Vec::with_capacity(16 * 1024),
            out,
        }
    }

    /// Bytes collected and not yet sent.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Drops what was collected, sending nothing.
    pub fn discard(&mut self) {
        self.buf.clear();
    }

    pub fn commit(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.out.flush()
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Term = Terminal<WireBackend<FrameWriter<io::Stdout>>>;

fn draw(terminal: &mut Term, app: &App, full: bool) -> io::Result<()> {
    if full {
        terminal.clear()?;
    }
    queue!(terminal.backend_mut().writer_mut(), BeginSynchronizedUpdate)?;
    let opened = terminal.backend_mut().writer_mut().pending();
    terminal.draw(|frame| app.render(frame))?;
    let writer = terminal.backend_mut().writer_mut();
    // A frame that changes no cell (an answer that left the screen as it was) sends
    // nothing at all, not even the synchronized-update brackets.
    if !full && writer.pending() == opened {
        writer.discard();
        return Ok(());
    }
    queue!(writer, EndSynchronizedUpdate)?;
    writer.commit()
}

fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Runs the program on this terminal until the user closes it or the terminal goes away.
pub fn run(app: &mut App) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        default_hook(info);
    }));
    let result = event_loop(app);
    restore();
    result
}

/// How often a blocked read wakes to see whether the link was dropped, or a form wants
/// keeping as a draft. Nothing is drawn or sent on such a wake-up.
const HANGUP_CHECK: Duration = Duration::from_millis(500);
/// How often the loop looks for answers while a request is unanswered.
const BUSY_POLL: Duration = Duration::from_millis(5);

/// Whether the terminal on standard input has hung up (the window closed, or the link
/// dropped without a SIGHUP reaching us): crossterm takes its end-of-file for "no input"
/// and would spin on it for ever.
fn terminal_gone() -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let stdin = io::stdin();
    let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
    match poll(&mut fds, PollTimeout::ZERO) {
        // The kernel reports only what was asked for and the three below, all of which
        // nix knows, so `revents` is never `None` for want of a flag it cannot name.
        Ok(_) => fds[0].revents().is_some_and(|r| {
            r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR | PollFlags::POLLNVAL)
        }),
        Err(_) => true,
    }
}

fn event_loop(app: &mut App) -> io::Result<()> {
    // A dropped SSH link sends SIGHUP, whose default action would end the process before
    // an unsaved form is kept; instead note it and keep the form as a draft.
    let hung_up = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&hung_up))?;
    }
    let mut terminal = Terminal::new(WireBackend::new(FrameWriter::new(io::stdout())))?;
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    draw(&mut terminal, app, false)?;
    app.start_worker()?;
    // A frame is owed once the screen stops waiting for an answer: a key and the answer
    // it asked for go out as one frame, as when the backend answered in place.
    let mut owed = false;
    let mut drawn_slow = false;
    let mut last_event = Instant::now();
    let mut last_tick = Instant::now();
    loop {
        let wait = if app.busy() { BUSY_POLL } else { HANGUP_CHECK };
        let ready = event::poll(wait);
        if hung_up.load(Ordering::Relaxed) || ready.is_err() {
            app.hang_up();
            return Ok(());
        }
        owed |= app.pump();
        if matches!(ready, Ok(true)) {
            let first = match event::read() {
                Ok(ev) => ev,
                Err(e) => {
                    // The terminal is gone (a dropped SSH link): keep the form as a draft.
                    app.hang_up();
                    return Err(e);
                }
            };
            last_event = Instant::now();
            owed |= app.handle_event(first);
            while !app.should_quit() && event::poll(Duration::ZERO)? {
                owed |= app.handle_event(event::read()?);
            }
            owed |= app.pump();
        } else if last_event.elapsed() >= HANGUP_CHECK && last_tick.elapsed() >= HANGUP_CHECK {
            last_tick = Instant::now();
            if terminal_gone() {
                app.hang_up();
                return Ok(());
            }
            owed |= app.tick();
        }
        if app.should_quit() {
            return Ok(());
        }
        let full = app.take_full_redraw();
        let slow = app.slow();
        if (owed && !app.blocked()) || full || slow != drawn_slow {
            draw(&mut terminal, app, full)?;
            owed = false;
            drawn_slow = slow;
        }
    }
}
