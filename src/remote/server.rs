//! `yuanzhu serve`: one process owns the store and answers every session over a Unix socket,
//! a thread per connection. Who is asking comes from the socket itself (SO_PEERCRED), never
//! from what the client says; each request is checked against that account afresh.

use super::frame::{FrameError, MAX_REQUEST, read_frame, write_frame};
use crate::service::{Reply, Request, Service, ServiceError};
use std::io::{self, BufReader, BufWriter};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
}

/// Where the socket is and who may reach it.
#[derive(Clone, Debug)]
pub struct SocketSpec {
    pub path: PathBuf,
    /// The group given the socket (mode 0660), e.g. the township caseworkers' group.
    pub group: Option<String>,
}

impl Server {
    pub fn new(service: Service, identify: Arc<dyn Identify>) -> Self {
        Self {
            service: Arc::new(service),
            identify,
        }
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

    /// Serves until the listener fails; each connection on a thread of its own, so one
    /// slow or broken client holds up nobody else.
    pub fn serve(&self, listener: UnixListener) -> io::Result<()> {
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(s) => s,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            // Identified here, in the order connections arrive, before anything is read.
            let user = self.identify.identify(&stream);
            let service = Arc::clone(&self.service);
            std::thread::Builder::new()
                .name("yuanzhu-session".into())
                .spawn(move || session(&service, user, stream))?;
        }
        Ok(())
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
                    let flushed = service.store().close_for_exit();
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

/// One connection: read a request, answer it, until the client goes away.
fn session(service: &Service, user: io::Result<String>, stream: UnixStream) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = BufWriter::new(stream);
    loop {
        let answer: Answer = match read_frame::<Request>(&mut reader, MAX_REQUEST) {
            Ok(request) => match &user {
                Ok(user) => service.handle_as(user, request),
                Err(e) => Err(ServiceError::Denied(format!("无法确认连接者的身份：{e}"))),
            },
            Err(FrameError::Io(_)) => return,
            Err(e) => {
                let keep_going = e.in_step();
                let _ = write_frame(
                    &mut writer,
                    &Err::<Reply, _>(ServiceError::Link(e.to_string())),
                );
                if keep_going {
                    continue;
                }
                return;
            }
        };
        if write_frame(&mut writer, &answer).is_err() {
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
