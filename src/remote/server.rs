//! `yuanzhu serve`: one process owns the store and answers every session over a Unix socket,
//! a thread per connection. Who is asking comes from the socket itself (SO_PEERCRED), never
//! from what the client says, and is settled at `accept` — account included — before a
//! byte of theirs is decoded; each request is checked against that account afresh. What a
//! peer may hold (connections, time, bytes) is bounded by [`Limits`].
//!
//! A thread per connection stays: with one descriptor per connection and the caps, 256
//! idle sessions cost about 256 parked threads (a few MiB resident, measured by
//! `examples/abuse_run.rs`), and a blocking read with a timeout is the simplest way to
//! give each frame its deadline.

use super::frame::{FrameError, MAX_REQUEST, read_frame, skip_frame, write_frame};
use super::limits::{Limits, Refusals, Slot, Slots, descriptor_budget};
use crate::service::{Reply, Request, Service, ServiceError};
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Tells which account a connection belongs to.
pub trait Identify: Send + Sync {
    fn identify(&self, stream: &UnixStream) -> io::Result<String>;
}

/// Production identity: the peer process's user, read by the kernel (SO_PEERCRED), then
/// its login name from the system's user database.
pub struct PeerCredentials;

impl Identify for PeerCredentials {
    fn identify(&self, stream: &UnixStream) -> io::Result<String> {
        use nix::sys::socket::{getsockopt, sockopt::PeerCredentials as Cred};
        let cred = getsockopt(stream, Cred).map_err(io::Error::from)?;
        let uid = nix::unistd::Uid::from_raw(cred.uid());
        match nix::unistd::User::from_uid(uid).map_err(io::Error::from)? {
            Some(user) => Ok(user.name),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("用户号 {uid} 在系统中没有用户名"),
            )),
        }
    }
}

/// The answer on the wire: a reply, or why there is none.
pub type Answer = Result<Reply, ServiceError>;

pub struct Server {
    service: Arc<Service>,
    identify: Arc<dyn Identify>,
    limits: Limits,
}

/// Where the socket is and who may reach it.
#[derive(Clone, Debug)]
pub struct SocketSpec {
    pub path: PathBuf,
    /// The group given the socket (mode 0660), e.g. the township caseworkers' group.
    pub group: Option<String>,
}

/// How long the accept loop waits after an error (out of descriptors, a connection gone
/// before it was taken) before trying again: short enough that nobody notices, long
/// enough not to spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

impl Server {
    pub fn new(service: Service, identify: Arc<dyn Identify>) -> Self {
        Self {
            service: Arc::new(service),
            identify,
            limits: Limits::default(),
        }
    }

    /// The same server with these bounds (the config's `[server]` table).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Binds the socket: a stale socket file (nobody answering) is replaced, a live one is
    /// an error. The socket gets mode 0660 and, if named, its group.
    pub fn bind(spec: &SocketSpec) -> io::Result<UnixListener> {
        if spec.path.exists() {
            if UnixStream::connect(&spec.path).is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("{} 上已有服务在运行", spec.path.display()),
                ));
            }
            std::fs::remove_file(&spec.path)?;
        }
        if let Some(parent) = spec.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let listener = UnixListener::bind(&spec.path)?;
        std::fs::set_permissions(&spec.path, std::fs::Permissions::from_mode(0o660))?;
        if let Some(group) = &spec.group {
            let gid = nix::unistd::Group::from_name(group)
                .map_err(io::Error::from)?
                .ok_or_else(|| {
                    io::Error::new(io::ErrorKind::NotFound, format!("系统中没有用户组 {group}"))
                })?
                .gid;
            std::os::unix::fs::chown(&spec.path, None, Some(gid.as_raw()))?;
        }
        Ok(listener)
    }

    /// Serves for as long as the process runs; each connection on a thread of its own, so
    /// one slow or broken client holds up nobody else. An `accept` error (out of
    /// descriptors, a peer gone before it was taken) is logged once and waited out, never
    /// the end of the server. Returns only if the server cannot start its helpers.
    pub fn serve(&self, listener: UnixListener) -> io::Result<()> {
        let limits = &self.limits;
        let mut max_connections = limits.max_connections;
        if let Some(budget) = descriptor_budget()
            && budget < max_connections
        {
            eprintln!(
                "援助服务：进程可用的文件描述符（NOFILE）只够 {budget} 个连接，连接上限由 {max_connections} 降为 {budget}；如需更多，请提高 LimitNOFILE"
            );
            max_connections = budget.max(1);
        }
        let slots = Slots::new(max_connections, limits.max_connections_per_user);
        let refusals = Refusals::new(Arc::clone(&self.service), limits.refusal_window);
        refusals.keep_closing()?;
        let mut failing: Option<u64> = None;
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    if let Some(n) = failing.take() {
                        eprintln!("援助服务：恢复接受连接（此前 {n} 次出错）");
                    }
                    self.admit(stream, &slots, &refusals);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    match &mut failing {
                        Some(n) => *n += 1,
                        None => {
                            eprintln!("援助服务：接受连接出错：{e}；稍后重试，服务继续运行");
                            failing = Some(1);
                        }
                    }
                    std::thread::sleep(ACCEPT_BACKOFF);
                }
            }
        }
    }

    /// A new connection: who it is and whether they have a place are settled here, in the
    /// order connections arrive, before anything is read.
    fn admit(&self, stream: UnixStream, slots: &Arc<Slots>, refusals: &Arc<Refusals>) {
        let user = self.identify.identify(&stream);
        let who = match &user {
            Ok(name) => name.clone(),
            Err(e) => format!("身份不明（{e}）"),
        };
        let slot = match slots.take(&who) {
            Ok(slot) => slot,
            Err(full) => {
                let why = full.message();
                turn_away_at_once(&stream, ServiceError::Link(why.clone()));
                refusals.note(&who, &why);
                return;
            }
        };
        let account = match &user {
            Ok(name) => self.service.actor_for(name).map(|_| ()),
            Err(e) => Err(ServiceError::Denied(format!("无法确认连接者的身份：{e}"))),
        };
        let service = Arc::clone(&self.service);
        let refusals = Arc::clone(refusals);
        let limits = self.limits.clone();
        let spawned = std::thread::Builder::new()
            .name("yuanzhu-session".into())
            .spawn(move || match (account, user) {
                (Ok(()), Ok(user)) => session(&service, &user, &stream, &limits, slot),
                (Err(refused), _) => {
                    if let ServiceError::Denied(why) = &refused {
                        refusals.note(&who, why);
                    }
                    turn_away(&stream, refused, limits.frame_timeout);
                    drop(slot);
                }
                (Ok(()), Err(_)) => {}
            });
        if let Err(e) = spawned {
            // The closure, its stream and its slot are dropped: the peer sees the
            // connection close and may try again.
            eprintln!("援助服务：无法为新连接启动线程：{e}");
        }
    }

    /// The service, for a test or a tool in the same process.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// On SIGTERM or SIGINT (`systemctl stop`, Ctrl-C): flush the store, remove the socket
    /// so sessions fall to a clear "server down" message, and end the process. Every saved
    /// record was already flushed before its session was told 已保存.
    pub fn stop_on_signal(&self, socket: PathBuf) -> io::Result<()> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
        let service = Arc::clone(&self.service);
        std::thread::Builder::new()
            .name("yuanzhu-stop".into())
            .spawn(move || {
                if signals.forever().next().is_some() {
                    // Recorded as a clean close, so the next open need not copy the
                    // store aside first: no destructor runs after `process::exit`.
                    let flushed = service
                        .store()
                        .map_err(|e| e.to_string())
                        .and_then(|s| s.close_for_exit().map_err(|e| e.to_string()));
                    let _ = std::fs::remove_file(&socket);
                    let code = match flushed {
                        Ok(()) => {
                            eprintln!("援助服务已停止");
                            0
                        }
                        Err(e) => {
                            eprintln!("援助服务停止时写盘失败：{e}");
                            1
                        }
                    };
                    std::process::exit(code);
                }
            })?;
        Ok(())
    }
}

/// Reads from a connection under its time limits: `idle` for the first byte of a frame,
/// then `frame` for all of it, however slowly it trickles in.
struct Deadline<'a> {
    stream: &'a UnixStream,
    idle: Duration,
    frame: Duration,
    ends: Option<Instant>,
    /// Whether a frame had started and its time ran out.
    cut: bool,
}

impl<'a> Deadline<'a> {
    fn new(stream: &'a UnixStream, idle: Duration, frame: Duration) -> Self {
        Deadline {
            stream,
            idle,
            frame,
            ends: None,
            cut: false,
        }
    }

    /// One frame of at most `within` from now, started or not.
    fn started(stream: &'a UnixStream, within: Duration) -> Self {
        Deadline {
            ends: Some(Instant::now() + within),
            ..Deadline::new(stream, within, within)
        }
    }

    /// The frame is read: the next one has `idle` again before it must start.
    fn next_frame(&mut self) {
        self.ends = None;
    }
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let wait = match self.ends {
            None => self.idle,
            Some(end) => end.saturating_duration_since(Instant::now()),
        };
        let timed_out = || io::Error::new(io::ErrorKind::TimedOut, "等待超时");
        if wait.is_zero() {
            self.cut = self.ends.is_some();
            return Err(timed_out());
        }
        self.stream.set_read_timeout(Some(wait))?;
        match (&mut &*self.stream).read(buf) {
            Ok(n) => {
                if n > 0 && self.ends.is_none() {
                    self.ends = Some(Instant::now() + self.frame);
                }
                Ok(n)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                self.cut = self.ends.is_some();
                Err(timed_out())
            }
            Err(e) => Err(e),
        }
    }
}

/// Tells a peer why it is not served, without reading anything from it (it may have
/// written nothing yet), and closes. The answer is small, so it fits the empty socket
/// buffer of a new connection and does not hold up the accept loop.
fn turn_away_at_once(stream: &UnixStream, why: ServiceError) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let _ = write_frame(&mut &*stream, &Err::<Reply, _>(why));
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// A peer that will not be served: its first frame is read through undecoded (not at all
/// when it claims more than a request may be) within one frame's time, then it is told
/// why and the connection closes.
fn turn_away(stream: &UnixStream, why: ServiceError, within: Duration) {
    let _ = skip_frame::<MAX_REQUEST>(&mut Deadline::started(stream, within));
    let _ = stream.set_write_timeout(Some(within));
    let _ = write_frame(&mut &*stream, &Err::<Reply, _>(why));
}

/// One connection: read a request, answer it, until the client goes away, falls silent
/// past the idle limit, sends a bad frame, or its account stops being good.
fn session(service: &Service, user: &str, stream: &UnixStream, limits: &Limits, _slot: Slot) {
    // A peer that does not take its answers is let go rather than holding a thread.
    if stream
        .set_write_timeout(Some(limits.frame_timeout))
        .is_err()
    {
        return;
    }
    let mut reader = Deadline::new(stream, limits.idle_timeout, limits.frame_timeout);
    loop {
        let request = match read_frame::<Request, MAX_REQUEST>(&mut reader) {
            Ok(request) => request,
            Err(FrameError::Io(_)) if !reader.cut => return,
            Err(e) => {
                let why = match e {
                    FrameError::Io(_) => format!(
                        "消息未在 {} 秒内收完，连接已断开",
                        limits.frame_timeout.as_secs()
                    ),
                    other => format!("{other}，连接已断开"),
                };
                let _ = write_frame(&mut &*stream, &Err::<Reply, _>(ServiceError::Link(why)));
                return;
            }
        };
        reader.next_frame();
        let answer: Answer = service.handle_as(user, request);
        // An account disabled mid-session is refused (and audited) once by `handle_as`;
        // what it sends next is turned away at `accept`, where refusals are gathered.
        let account_gone =
            matches!(answer, Err(ServiceError::Denied(_))) && service.actor_for(user).is_err();
        if write_frame(&mut &*stream, &answer).is_err() || account_gone {
            return;
        }
    }
}

/// The socket's place when none is configured: inside the data directory.
pub fn default_socket(data_dir: &Path) -> PathBuf {
    data_dir.join("yuanzhu.sock")
}

/// The login name of the user running this process (the real uid, from the system's user
/// database; `$USER` only where the uid has no name there).
pub fn login_name() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => ["USER", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| format!("uid{uid}")),
    }
}
