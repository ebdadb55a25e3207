//! A session's end of the socket: the same [`Backend`] the TUI and the CLI use in-process.

use super::frame::{FrameError, MAX_REPLY, read_frame, write_frame};
use super::server::Answer;
use crate::service::{Backend, Reply, Request, ServiceError};
use std::io::{self, BufReader};
use std::os::unix::net::UnixStream;
use std::path::Path;

pub struct SocketBackend {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl SocketBackend {
    pub fn connect(path: &Path) -> io::Result<Self> {
        let stream = UnixStream::connect(path)?;
        Ok(Self {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }
}

impl Backend for SocketBackend {
    fn call(&mut self, request: Request) -> Result<Reply, ServiceError> {
        let lost = |e: &dyn std::fmt::Display| {
            ServiceError::Link(format!("与援助服务的连接中断（{e}），请重新登录"))
        };
        write_frame(&mut self.writer, &request).map_err(|e| lost(&e))?;
        match read_frame::<Answer>(&mut self.reader, MAX_REPLY) {
            Ok(answer) => answer,
            Err(FrameError::Io(e)) => Err(lost(&e)),
            Err(e) => Err(ServiceError::Link(format!("服务的应答无法读取：{e}"))),
        }
    }

    fn shared(&self) -> bool {
        true
    }
}
