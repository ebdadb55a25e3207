//! `yuanzhu serve` against peers that mean harm or are broken: spoiled frames of every
//! request (in process, then on a live socket), a user without an account knocking again
//! and again, and — for a real `serve` child under `NOFILE` 64 — more idle and half-sent
//! connections than it can hold. Each time a legitimate client goes on being served.

// Fixture helpers outside #[test] bodies, which clippy's allow-*-in-tests does not
// reach: a panic there is the test failing, as it is inside one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/fuzz.rs"]
mod fuzz;

use chrono::NaiveDate;
use fuzz::{Rng, Spoil, WHOLE_FRAME_SPOILS, every_request, frame_of, spoil};
use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use yuanzhu::domain::Settings;
use yuanzhu::remote::frame::{FrameError, MAX_REPLY, MAX_REQUEST, read_frame};
use yuanzhu::remote::server::Answer;
use yuanzhu::remote::{Identify, Limits, Server, SocketBackend, SocketSpec};
use yuanzhu::service::{Backend, Request, Response, Service, ServiceError, Today};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

/// Names queued for the next connections, then `rest` for every one after.
struct QueuedThen {
    queued: Mutex<VecDeque<String>>,
    rest: String,
}

impl Identify for QueuedThen {
    fn identify(&self, _: &UnixStream) -> io::Result<String> {
        let next = self.queued.lock().unwrap().pop_front();
        Ok(next.unwrap_or_else(|| self.rest.clone()))
    }
}

struct Running {
    socket: PathBuf,
    names: Arc<QueuedThen>,
    _dir: tempfile::TempDir,
}

impl Running {
    fn start(rest: &str, limits: Limits) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let store = common::demo_store(&dir.path().join("store"), 30, today());
        let socket = dir.path().join("yuanzhu.sock");
        let names = Arc::new(QueuedThen {
            queued: Mutex::new(VecDeque::new()),
            rest: rest.to_string(),
        });
        let listener = Server::bind(&SocketSpec {
            path: socket.clone(),
            group: None,
        })
        .unwrap();
        let server = Server::new(
            Service::new(store, Today::Fixed(today()), Settings::default()),
            Arc::clone(&names) as Arc<dyn Identify>,
        )
        .with_limits(limits);
        std::thread::spawn(move || server.serve(listener));
        Running {
            socket,
            names,
            _dir: dir,
        }
    }

    /// A client the server knows as `name`, identified before the next connection.
    fn client(&self, name: &str) -> SocketBackend {
        self.names
            .queued
            .lock()
            .unwrap()
            .push_back(name.to_string());
        let mut c = SocketBackend::connect(&self.socket).unwrap();
        c.call(Request::Ping).unwrap();
        c
    }
}

fn outcome(result: &Result<yuanzhu::service::Request, FrameError>) -> &'static str {
    match result {
        Ok(_) => "decoded",
        Err(FrameError::Io(_)) => "cut short",
        Err(FrameError::TooLarge { .. }) => "too large",
        Err(FrameError::Version { .. }) => "other version",
        Err(FrameError::Malformed(_)) => "malformed",
    }
}

#[test]
fn every_request_spoiled_a_hundred_thousand_ways_is_decoded_or_refused() {
    let frames: Vec<Vec<u8>> = every_request().iter().map(frame_of).collect();
    let mut spoils = WHOLE_FRAME_SPOILS.to_vec();
    spoils.push(Spoil::FrameCut);
    let mut rng = Rng::new(0x0079_7561_6e7a_6875);
    let mut seen: BTreeMap<(String, &str), usize> = BTreeMap::new();
    const FRAMES: usize = 120_000;
    for i in 0..FRAMES {
        let how = spoils[rng.below(spoils.len())];
        let bad = spoil(&frames[i % frames.len()], how, &mut rng);
        let result = read_frame::<Request, MAX_REQUEST>(&mut bad.as_slice());
        *seen
            .entry((format!("{how:?}"), outcome(&result)))
            .or_default() += 1;
        match how {
            Spoil::HeaderClaimsMore => assert_eq!(outcome(&result), "too large"),
            Spoil::FrameCut => assert_eq!(outcome(&result), "cut short"),
            _ => {}
        }
    }
    assert_eq!(seen.values().sum::<usize>(), FRAMES);
    for how in &spoils {
        let refused: usize = seen
            .iter()
            .filter(|((h, o), _)| *h == format!("{how:?}") && *o != "decoded")
            .map(|(_, n)| n)
            .sum();
        assert!(refused > 0, "{how:?} never refused: {seen:?}");
    }
    // The frame of issue 10 among them, through the same reader.
    let mut frame = 12u32.to_be_bytes().to_vec();
    frame.extend_from_slice(&yuanzhu::remote::frame::PROTOCOL_VERSION.to_be_bytes());
    frame.extend_from_slice(&[9, 253]);
    frame.extend_from_slice(&(1u64 << 62).to_le_bytes());
    let result = read_frame::<Request, MAX_REQUEST>(&mut frame.as_slice());
    assert_eq!(outcome(&result), "malformed");
}

/// Sends `bytes` on a new connection; the server's answer, or `None` when it closed
/// without one. Panics if it neither answers nor closes within five seconds.
fn answer_to(socket: &std::path::Path, bytes: &[u8]) -> Option<Answer> {
    let mut s = UnixStream::connect(socket).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(bytes);
    match read_frame::<Answer, MAX_REPLY>(&mut s) {
        Ok(answer) => Some(answer),
        Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
            panic!("the server neither answered nor closed")
        }
        Err(FrameError::Io(_)) => None,
        Err(e) => panic!("an answer that does not read: {e}"),
    }
}

#[test]
fn a_live_server_answers_a_thousand_spoiled_frames_and_goes_on_serving() {
    let server = Running::start(
        yuanzhu::demo::DEMO_REVIEWER,
        Limits {
            max_connections_per_user: 64,
            ..Limits::default()
        },
    );
    let mut legit = server.client(yuanzhu::demo::DEMO_CASEWORKER);
    let frames: Vec<Vec<u8>> = every_request().iter().map(frame_of).collect();
    let mut rng = Rng::new(1010);
    let mut answered = 0;
    for i in 0..1000 {
        let how = WHOLE_FRAME_SPOILS[rng.below(WHOLE_FRAME_SPOILS.len())];
        let bad = spoil(&frames[i % frames.len()], how, &mut rng);
        if answer_to(&server.socket, &bad).is_some() {
            answered += 1;
        }
        if i % 100 == 0 {
            legit.call(Request::Ping).unwrap();
        }
    }
    // Every bad frame is told why before its connection closes.
    assert_eq!(answered, 1000);
    let rows = match legit
        .call(Request::QueuePage(
            yuanzhu::service::QueueQuery::follow_ups(),
        ))
        .unwrap()
        .body
    {
        Response::QueuePage(page) => page.rows,
        other => panic!("{other:?}"),
    };
    assert!(!rows.is_empty());
    let mut fresh = server.client(yuanzhu::demo::DEMO_CASEWORKER);
    fresh
        .call(Request::QueuePage(
            yuanzhu::service::QueueQuery::follow_ups(),
        ))
        .unwrap();
}

#[test]
fn a_bad_frame_is_told_why_and_its_connection_closed() {
    let server = Running::start(yuanzhu::demo::DEMO_REVIEWER, Limits::default());
    let mut frame = 7u32.to_be_bytes().to_vec();
    frame.extend_from_slice(&yuanzhu::remote::frame::PROTOCOL_VERSION.to_be_bytes());
    frame.extend_from_slice(&[0xff; 5]);
    let mut s = UnixStream::connect(&server.socket).unwrap();
    s.write_all(&frame).unwrap();
    let answer: Answer = read_frame::<Answer, MAX_REPLY>(&mut s).unwrap();
    assert!(
        matches!(&answer, Err(ServiceError::Link(m)) if m.contains("无法解析") && m.contains("断开")),
        "{answer:?}"
    );
    let closed = read_frame::<Answer, MAX_REPLY>(&mut s);
    assert!(matches!(closed, Err(FrameError::Io(_))), "{closed:?}");
}

fn refusals_of(admin: &mut SocketBackend, who: &str) -> Vec<String> {
    match admin
        .call(Request::AuditShow { id_number: None })
        .unwrap()
        .body
    {
        Response::AuditLog(lines) => lines
            .into_iter()
            .filter(|l| l.actor == who && l.action == "拒绝")
            .map(|l| l.target)
            .collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_refusal_flood_writes_the_first_refusal_then_one_count() {
    let window = Duration::from_millis(1500);
    let server = Running::start(
        "nobody",
        Limits {
            refusal_window: window,
            ..Limits::default()
        },
    );
    let mut admin = server.client(yuanzhu::demo::DEMO_ADMIN);
    let started = Instant::now();
    const KNOCKS: u64 = 200;
    for _ in 0..KNOCKS {
        let mut stranger = SocketBackend::connect(&server.socket).unwrap();
        let refused = stranger.call(Request::Ping);
        assert!(
            matches!(&refused, Err(ServiceError::Denied(m) | ServiceError::Link(m)) if m.contains("没有援助账户") || m.contains("上限")),
            "{refused:?}"
        );
    }
    let took = started.elapsed();
    if took < window {
        assert_eq!(refusals_of(&mut admin, "nobody").len(), 1);
    }
    std::thread::sleep(window + Duration::from_millis(800));
    let written = refusals_of(&mut admin, "nobody");
    // Every knock is accounted for: one per window written at once, the rest as counts.
    let counted: u64 = written
        .iter()
        .map(|t| match t.split_once("此后 ") {
            Some((_, rest)) => rest
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap(),
            None => 1,
        })
        .sum();
    assert_eq!(counted, KNOCKS, "{written:?}");
    let windows = (took.as_millis() / window.as_millis()) as usize + 1;
    assert!(written.len() <= 2 * windows, "{written:?}");
    assert!(written[0].contains("没有援助账户"), "{written:?}");
    if took < window {
        assert_eq!(written.len(), 2, "{written:?}");
        assert!(
            written[1].contains(&format!("此后 {} 次拒绝", KNOCKS - 1)),
            "{written:?}"
        );
    }
}

#[test]
fn a_user_without_an_account_sees_why_even_when_the_server_hangs_up_mid_request() {
    let server = Running::start("nobody", Limits::default());
    let mut stranger = SocketBackend::connect(&server.socket).unwrap();
    let refused = stranger.call(Request::QueuePage(
        yuanzhu::service::QueueQuery::follow_ups(),
    ));
    assert!(
        matches!(&refused, Err(ServiceError::Denied(m)) if m.contains("没有援助账户")),
        "{refused:?}"
    );
    // A request longer than the server reads from a stranger: it answers from the length
    // alone and hangs up while the client is still writing.
    let mut stranger = SocketBackend::connect(&server.socket).unwrap();
    let refused = stranger.call(Request::AddUser {
        name: "x".repeat(2 * MAX_REQUEST),
        role: yuanzhu::domain::Role::Admin,
        township: None,
    });
    assert!(
        matches!(&refused, Err(ServiceError::Denied(m)) if m.contains("没有援助账户")),
        "{refused:?}"
    );
}

/// `yuanzhu serve` as a child process with `NOFILE` soft and hard at `nofile`.
struct Child {
    child: std::process::Child,
    socket: PathBuf,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

impl Child {
    fn serve(nofile: u64, server_table: &str) -> Child {
        use std::os::unix::process::CommandExt;
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        drop(common::demo_store(&store, 30, today()));
        let config = dir.path().join("config.toml");
        std::fs::write(&config, format!("[server]\n{server_table}")).unwrap();
        let socket = dir.path().join("yuanzhu.sock");
        let stderr = dir.path().join("serve.err");
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_yuanzhu"));
        cmd.arg("--data-dir")
            .arg(&store)
            .arg("--config")
            .arg(&config)
            .arg("--socket")
            .arg(&socket)
            .arg("serve")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap());
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                use nix::sys::resource::{Resource, setrlimit};
                setrlimit(Resource::RLIMIT_NOFILE, nofile, nofile).map_err(io::Error::from)
            });
        }
        let child = cmd.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while UnixStream::connect(&socket).is_err() {
            assert!(Instant::now() < deadline, "serve did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Child {
            child,
            socket,
            stderr,
            _dir: dir,
        }
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn under_nofile_64_idle_and_half_sent_connections_past_the_cap_leave_a_client_served() {
    let mut server = Child::serve(
        64,
        "max_connections = 500\nmax_connections_per_user = 500\nframe_timeout_s = 1\n",
    );
    let mut legit = SocketBackend::connect(&server.socket).unwrap();
    legit.call(Request::Ping).unwrap();

    let mut idle = Vec::new();
    let mut half_sent = Vec::new();
    for _ in 0..60 {
        idle.push(UnixStream::connect(&server.socket).unwrap());
        let mut s = UnixStream::connect(&server.socket).unwrap();
        let _ = s.write_all(&100u32.to_be_bytes());
        let _ = s.write_all(&[0, 3, 1]);
        half_sent.push(s);
    }
    legit.call(Request::Ping).unwrap();
    assert!(matches!(
        legit
            .call(Request::QueuePage(
                yuanzhu::service::QueueQuery::follow_ups()
            ))
            .unwrap()
            .body,
        Response::QueuePage(_)
    ));

    // Those past what 64 descriptors hold are told so at once.
    let mut full = 0;
    for s in idle.iter_mut() {
        s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        if let Ok(Err(ServiceError::Link(m))) = read_frame::<Answer, MAX_REPLY>(s) {
            assert!(m.contains("连接已满"), "{m}");
            full += 1;
        }
    }
    assert!(full > 0, "some connections are over the cap");
    // Half-sent frames are cut off after the frame timeout, with a word why.
    std::thread::sleep(Duration::from_millis(1500));
    let mut cut = 0;
    for s in half_sent.iter_mut() {
        s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        if let Ok(Err(ServiceError::Link(m))) = read_frame::<Answer, MAX_REPLY>(s)
            && m.contains("秒内收完")
        {
            cut += 1;
        }
    }
    assert!(cut > 0, "half-sent frames are cut off");
    legit.call(Request::Ping).unwrap();
    assert!(server.running());

    drop(idle);
    drop(half_sent);
    std::thread::sleep(Duration::from_millis(300));
    let mut fresh = SocketBackend::connect(&server.socket).unwrap();
    assert!(matches!(
        fresh
            .call(Request::QueuePage(
                yuanzhu::service::QueueQuery::follow_ups()
            ))
            .unwrap()
            .body,
        Response::QueuePage(_)
    ));
    assert!(server.running());
    let said = std::fs::read_to_string(&server.stderr).unwrap();
    assert!(said.contains("连接上限由 500 降为"), "{said}");
}

#[test]
fn accept_errors_are_waited_out_not_the_end_of_the_server() {
    // A non-blocking listener makes every `accept` with nobody waiting an error
    // (EAGAIN), as EMFILE or ECONNABORTED would: the server backs off and goes on.
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(&dir.path().join("store"), 10, today());
    let socket = dir.path().join("yuanzhu.sock");
    let listener = Server::bind(&SocketSpec {
        path: socket.clone(),
        group: None,
    })
    .unwrap();
    listener.set_nonblocking(true).unwrap();
    let names = Arc::new(QueuedThen {
        queued: Mutex::new(VecDeque::new()),
        rest: yuanzhu::demo::DEMO_REVIEWER.to_string(),
    });
    let server = Server::new(
        Service::new(store, Today::Fixed(today()), Settings::default()),
        names,
    );
    let serving = std::thread::spawn(move || server.serve(listener));
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..3 {
        let mut c = SocketBackend::connect(&socket).unwrap();
        c.call(Request::Ping).unwrap();
    }
    assert!(!serving.is_finished());
}
