//! A terminal for end-to-end tests: the real `yuanzhu` binary in a pseudo-terminal, its
//! output parsed by a `vt100` screen, keys typed as the bytes a terminal sends, and every
//! byte the program writes counted.

#![allow(dead_code)]
// each test binary uses a different part of this harness
// A harness that cannot start its program or pty has no test to run: panicking is how it
// fails the test (examples/ share this file).
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod months;
pub mod seeded;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

pub const F1: &str = "\x1bOP";
pub const F3: &str = "\x1bOR";
pub const F4: &str = "\x1bOS";
pub const CTRL_R: &str = "\x12";
pub const CTRL_S: &str = "\x13";
pub const CTRL_Q: &str = "\x11";
pub const ESC: &str = "\x1b";
pub const DOWN: &str = "\x1b[B";
pub const ENTER: &str = "\r";

/// The binary under test: Cargo's for tests; for examples (where Cargo names none) the
/// release build, or `YUANZHU_BIN`.
fn binary() -> std::path::PathBuf {
    if let Some(path) = std::env::var_os("YUANZHU_BIN") {
        return path.into();
    }
    match option_env!("CARGO_BIN_EXE_yuanzhu") {
        Some(path) => path.into(),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/yuanzhu"),
    }
}

/// A demo county of `households` households at `today` in a fresh store at `dir`.
pub fn demo_store(dir: &Path, households: u32, today: chrono::NaiveDate) -> yuanzhu::store::Store {
    demo_county(dir, households, today, false)
}

/// [`demo_store`], with the demo's three lists imported as leads when `lists`.
pub fn demo_county(
    dir: &Path,
    households: u32,
    today: chrono::NaiveDate,
    lists: bool,
) -> yuanzhu::store::Store {
    use yuanzhu::store::{Stamp, Store, StoreConfig};
    let store = Store::open(dir, StoreConfig::default()).expect("open store");
    // The OS user the PTY tests run the program as, so it has the demo's account.
    let stamp = Stamp {
        actor: yuanzhu::remote::login_name(),
        at: yuanzhu::service::now_cst(),
    };
    yuanzhu::demo::generate(
        &store,
        &yuanzhu::demo::DemoSpec {
            households,
            today,
            lists,
        },
        &stamp,
    )
    .expect("generate demo");
    store
}

/// A phone follow-up finding the person still out of work and willing, dated `today`.
pub fn unemployed_visit(
    today: chrono::NaiveDate,
    tier: yuanzhu::domain::Tier,
) -> yuanzhu::domain::followup_form::FollowUpDraft {
    use yuanzhu::domain::followup_form::{Field, FollowUpDraft, FormContext};
    let ctx = FormContext {
        today,
        recognised_on: None,
        tier,
        late_entry_days: 5,
    };
    let mut d = FollowUpDraft::blank(&ctx, &yuanzhu::domain::Settings::default());
    d.press_code(Field::Method, '2');
    d.press_code(Field::WorkStatus, '1');
    d.press_code(Field::Willing, '1');
    d
}

pub struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Receiver<Vec<u8>>,
    pub parser: vt100::Parser,
    /// Bytes the program has written so far.
    pub bytes: usize,
    /// What the last `settle` read, for looking at what a step costs.
    pub last_output: Vec<u8>,
}

impl Pty {
    pub fn spawn(args: &[&str], data_dir: &Path, cols: u16, rows: u16) -> Pty {
        Self::spawn_with_term(args, data_dir, cols, rows, "xterm-16color")
    }

    pub fn spawn_with_term(
        args: &[&str],
        data_dir: &Path,
        cols: u16,
        rows: u16,
        term: &str,
    ) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open pty");
        let mut cmd = CommandBuilder::new(binary());
        cmd.arg("--data-dir");
        cmd.arg(data_dir);
        for a in args {
            cmd.arg(a);
        }
        cmd.env("TERM", term);
        cmd.env("USER", "pty-test");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("YUANZHU_TODAY");
        cmd.env_remove("YUANZHU_DATA_DIR");
        cmd.env_remove("YUANZHU_KEYMAP");
        let child = pty.slave.spawn_command(cmd).expect("spawn yuanzhu");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Pty {
            master: pty.master,
            writer,
            child,
            output: rx,
            parser: vt100::Parser::new(rows, cols, 0),
            bytes: 0,
            last_output: Vec::new(),
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads output until `done(screen)` holds; panics with the screen after `timeout`.
    pub fn wait_for(&mut self, what: &str, timeout: Duration, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            if done(&self.screen()) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self
                .output
                .recv_timeout(left.min(Duration::from_millis(100)))
            {
                Ok(chunk) => {
                    self.bytes += chunk.len();
                    self.parser.process(&chunk);
                }
                Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                Err(_) => panic!("waiting for {what}; screen:\n{}", self.screen()),
            }
        }
    }

    pub fn wait_text(&mut self, text: &str, timeout: Duration) {
        let t = text.to_string();
        self.wait_for(text, timeout, move |s| s.contains(&t));
    }

    /// Reads until the program has been quiet for `quiet`; returns the bytes read.
    pub fn settle(&mut self, quiet: Duration) -> usize {
        let mut n = 0;
        self.last_output.clear();
        while let Ok(chunk) = self.output.recv_timeout(quiet) {
            self.last_output.extend_from_slice(&chunk);
            n += chunk.len();
            self.bytes += chunk.len();
            self.parser.process(&chunk);
        }
        n
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
    }

    /// Types `keys` and returns the bytes the program wrote in answer.
    pub fn key(&mut self, keys: &str) -> usize {
        self.send(keys);
        self.settle(Duration::from_millis(300))
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        self.parser.screen_mut().set_size(rows, cols);
    }

    /// Waits for the program to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            self.settle(Duration::from_millis(50));
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
        }
        panic!("yuanzhu did not exit; screen:\n{}", self.screen());
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The line of the screen holding the selection marker.
pub fn selected_line(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| {
            l.trim_start_matches('│')
                .trim_start_matches('|')
                .starts_with("> ")
        })
        .map(str::to_string)
}

/// One measured step of the meter: what was typed and the bytes written in answer, per run.
pub struct Step {
    pub name: &'static str,
    pub keys: usize,
    pub samples: Vec<usize>,
}

impl Step {
    fn sorted(&self) -> Vec<usize> {
        let mut s = self.samples.clone();
        s.sort_unstable();
        s
    }

    pub fn median(&self) -> usize {
        let s = self.sorted();
        s.get(s.len() / 2).copied().unwrap_or(0)
    }

    pub fn min(&self) -> usize {
        self.sorted().first().copied().unwrap_or(0)
    }

    pub fn max(&self) -> usize {
        self.sorted().last().copied().unwrap_or(0)
    }
}

pub struct Steps(pub Vec<Step>);

impl Steps {
    pub fn get(&self, name: &str) -> &Step {
        self.0
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no step {name}"))
    }
}

pub const STEP_DOWN: &str = "↓ in the queue";
pub const STEP_SEARCH_CHAR: &str = "one character typed in a search";
pub const STEP_CHINESE_CHAR: &str = "one Chinese character committed into a form field";
pub const STEP_OPEN_HOUSEHOLD: &str = "opening a household";
pub const STEP_FOLLOWUP: &str = "a whole unchanged follow-up from the queue and back";
pub const STEP_IDLE: &str = "idle";

/// Moves down to the first person due who has a follow-up to copy (`--` is never contacted).
pub fn select_due_with_history(pty: &mut Pty) -> String {
    for _ in 0..15 {
        let line = selected_line(&pty.screen()).expect("a selected row");
        if !line.contains(" -- ") {
            return line;
        }
        pty.key(DOWN);
    }
    panic!("no one due with history:\n{}", pty.screen());
}

/// Runs the meter's script `runs` times in a demo county at `cols`×`rows`.
pub fn measure(dir: &Path, cols: u16, rows: u16, runs: usize, idle_minute: bool) -> Steps {
    let dir = dir.join(format!("{cols}x{rows}"));
    let _ = std::fs::remove_dir_all(&dir);
    let long = Duration::from_secs(120);
    let mut pty = Pty::spawn(
        &["--today", "2026-11-16", "demo", "--households", "300"],
        &dir,
        cols,
        rows,
    );
    pty.wait_text("案件队列", long);
    pty.settle(Duration::from_millis(300));
    let mut steps = vec![
        Step {
            name: STEP_DOWN,
            keys: 1,
            samples: vec![],
        },
        Step {
            name: STEP_SEARCH_CHAR,
            keys: 1,
            samples: vec![],
        },
        Step {
            name: STEP_CHINESE_CHAR,
            keys: 1,
            samples: vec![],
        },
        Step {
            name: STEP_OPEN_HOUSEHOLD,
            keys: 1,
            samples: vec![],
        },
        Step {
            name: STEP_FOLLOWUP,
            keys: 4,
            samples: vec![],
        },
        Step {
            name: STEP_IDLE,
            keys: 0,
            samples: vec![],
        },
    ];
    for run in 0..runs {
        steps[0].samples.push(pty.key(DOWN));
        pty.key("\x1b[A");

        pty.key("/");
        steps[1].samples.push(pty.key("l"));
        pty.key(ESC);

        pty.key(F4);
        for _ in 0..5 {
            pty.key("\t");
        }
        steps[2].samples.push(pty.key("李"));
        pty.key(ESC);

        steps[3].samples.push(pty.key(ENTER));
        pty.key(ESC);

        select_due_with_history(&mut pty);
        let mut bytes = 0;
        for k in [F4, CTRL_R, CTRL_S, ESC] {
            bytes += pty.key(k);
        }
        assert!(
            pty.screen().contains("案件队列"),
            "back on the queue:\n{}",
            pty.screen()
        );
        steps[4].samples.push(bytes);

        if run == 0 {
            let quiet = if idle_minute { 60 } else { 3 };
            steps[5]
                .samples
                .push(pty.settle(Duration::from_secs(quiet)));
        }
    }
    if idle_minute {
        steps[5].name = "one idle minute";
    }
    pty.send(CTRL_Q);
    pty.wait_exit(long);
    Steps(steps)
}
