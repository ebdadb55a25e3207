//! A session's end of the socket: the same [`Backend`] the TUI and the CLI use in-process.

use super::frame::{FrameError, MAX_REPLY, read_frame, write_frame};
use super::server::Answer;
use crate::service::{Backend, Reply, Request, ServiceError};
use std::io::{self, BufReader};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

pub struct SocketBackend {
    path: PathBuf,
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl SocketBackend {
    pub fn connect(path: &Path) -> io::Result<Self> {
        let stream = UnixStream::connect(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    fn round_trip(&mut self, request: &Request) -> Result<Answer, FrameError> {
        if let Err(broken) = write_frame(&mut self.writer, request) {
            // The server may have answered and hung up before reading all of the request
            // (a peer it will not serve, a connection over its cap): that answer is already
            // here, and says more than the broken pipe does.
            return read_frame::<Answer, MAX_REPLY>(&mut self.reader)
                .map_err(|_| FrameError::Io(broken));
        }
        read_frame::<Answer, MAX_REPLY>(&mut self.reader)
    }
}

impl Backend for SocketBackend {
    /// One request. A broken link (the server restarted) is reconnected once and the
    /// request sent again: safe, because a save states the rev it read — a save that did
    /// land the first time comes back as a conflict with identical answers, never twice.
    fn call(&mut self, request: Request) -> Result<Reply, ServiceError> {
        let answer = match self.round_trip(&request) {
            Err(FrameError::Io(_)) => match SocketBackend::connect(&self.path) {
                Ok(fresh) => {
                    *self = fresh;
                    self.round_trip(&request)
                }
                Err(_) => {
                    return Err(ServiceError::Link(
                        "与援助服务的连接中断，服务可能已停止；未保存的内容仍在屏幕上，请稍后再试或联系管理员"
                            .into(),
                    ));
                }
            },
            other => other,
        };
        match answer {
            Ok(answer) => answer,
            Err(FrameError::Io(_)) => Err(ServiceError::Link(
                "与援助服务的连接中断，请稍后再试或联系管理员".into(),
            )),
            Err(e) => Err(ServiceError::Link(format!("服务的应答无法读取：{e}"))),
        }
    }

    fn shared(&self) -> bool {
        true
    }
}
