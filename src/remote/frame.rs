//! One message on the socket: a `u32` length (big-endian), then that many bytes — a `u16`
//! protocol version (big-endian) and a bincode 2 payload (`bincode::serde`,
//! `config::standard()`). A frame that is too long, of another version or that does not
//! decode is an error the reader can answer; the stream stays in step whenever the length
//! could be honoured.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::{self, Read, Write};

/// Bumped whenever `Request`, `Reply` or `ServiceError` change shape.
pub const PROTOCOL_VERSION: u16 = 2;

/// The largest request the server reads: a follow-up draft is a few hundred bytes.
pub const MAX_REQUEST: u32 = 1024 * 1024;

/// The largest reply a client reads: a county reviewer's whole queue of a large county.
pub const MAX_REPLY: u32 = 512 * 1024 * 1024;

/// Past this, an oversized frame is not read through to stay in step: the connection ends.
const MAX_SKIP: u32 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The peer went away (or the link broke) — nothing to answer.
    #[error("连接中断：{0}")]
    Io(#[from] io::Error),
    /// Too long to read; `in_step` says whether its bytes were skipped so the next frame can
    /// still be read.
    #[error("消息过长（{len} 字节，上限 {max} 字节）")]
    TooLarge { len: u32, max: u32, in_step: bool },
    #[error("协议版本 {found} 与本程序的版本 {PROTOCOL_VERSION} 不符，请使用同一版本的 yuanzhu")]
    Version { found: u16 },
    #[error("消息无法解析：{0}")]
    Malformed(String),
}

impl FrameError {
    /// Whether the stream is still in step after this error, so an answer can be sent and
    /// the next frame read.
    pub fn in_step(&self) -> bool {
        match self {
            FrameError::Io(_) => false,
            FrameError::TooLarge { in_step, .. } => *in_step,
            FrameError::Version { .. } | FrameError::Malformed(_) => true,
        }
    }
}

/// Writes `value` as one frame, in one `write_all`.
pub fn write_frame<T: Serialize>(w: &mut impl Write, value: &T) -> io::Result<()> {
    let mut out = vec![0u8; 4];
    out.extend_from_slice(&PROTOCOL_VERSION.to_be_bytes());
    bincode::serde::encode_into_std_write(value, &mut out, bincode::config::standard())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    let len = u32::try_from(out.len() - 4)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "frame over 4 GiB"))?;
    out[..4].copy_from_slice(&len.to_be_bytes());
    w.write_all(&out)?;
    w.flush()
}

/// Reads one frame of at most `max` bytes and decodes it.
pub fn read_frame<T: DeserializeOwned>(r: &mut impl Read, max: u32) -> Result<T, FrameError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len);
    if len > max {
        let in_step = len <= MAX_SKIP
            && io::copy(&mut r.take(u64::from(len)), &mut io::sink())? == u64::from(len);
        return Err(FrameError::TooLarge { len, max, in_step });
    }
    let mut body = vec![0u8; len as usize];
    r.read_exact(&mut body)?;
    let Some((version, payload)) = body.split_first_chunk::<2>() else {
        return Err(FrameError::Malformed("缺少版本号".into()));
    };
    let found = u16::from_be_bytes(*version);
    if found != PROTOCOL_VERSION {
        return Err(FrameError::Version { found });
    }
    let (value, used) = bincode::serde::decode_from_slice(payload, bincode::config::standard())
        .map_err(|e| FrameError::Malformed(e.to_string()))?;
    if used != payload.len() {
        return Err(FrameError::Malformed(format!(
            "多出 {} 字节",
            payload.len() - used
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Request;

    fn frame_bytes(version: u16, payload: &[u8]) -> Vec<u8> {
        let mut out = ((payload.len() + 2) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn a_request_round_trips() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &Request::Queue).unwrap();
        let back: Request = read_frame(&mut buf.as_slice(), MAX_REQUEST).unwrap();
        assert_eq!(back, Request::Queue);
    }

    #[test]
    fn another_version_is_refused_and_the_stream_stays_in_step() {
        let mut bytes = frame_bytes(PROTOCOL_VERSION + 1, &[0]);
        write_frame(&mut bytes, &Request::Overview).unwrap();
        let mut r = bytes.as_slice();
        let err = read_frame::<Request>(&mut r, MAX_REQUEST).unwrap_err();
        assert!(matches!(err, FrameError::Version { found } if found == PROTOCOL_VERSION + 1));
        assert!(err.in_step());
        assert_eq!(
            read_frame::<Request>(&mut r, MAX_REQUEST).unwrap(),
            Request::Overview
        );
    }

    #[test]
    fn garbage_is_malformed_and_trailing_bytes_count_as_garbage() {
        let bytes = frame_bytes(PROTOCOL_VERSION, &[0xff, 0xff, 0xff, 0xff, 0xff]);
        let err = read_frame::<Request>(&mut bytes.as_slice(), MAX_REQUEST).unwrap_err();
        assert!(matches!(err, FrameError::Malformed(_)), "{err}");

        let mut good = Vec::new();
        write_frame(&mut good, &Request::Queue).unwrap();
        good.push(0);
        let n = (good.len() - 4) as u32;
        good[..4].copy_from_slice(&n.to_be_bytes());
        let err = read_frame::<Request>(&mut good.as_slice(), MAX_REQUEST).unwrap_err();
        assert!(matches!(err, FrameError::Malformed(m) if m.contains("多出")));
    }

    #[test]
    fn an_oversized_frame_is_skipped_when_it_can_be() {
        let mut bytes = frame_bytes(PROTOCOL_VERSION, &vec![0u8; 2000]);
        write_frame(&mut bytes, &Request::Queue).unwrap();
        let mut r = bytes.as_slice();
        let err = read_frame::<Request>(&mut r, 1000).unwrap_err();
        assert!(matches!(
            err,
            FrameError::TooLarge {
                len: 2002,
                in_step: true,
                ..
            }
        ));
        assert_eq!(read_frame::<Request>(&mut r, 1000).unwrap(), Request::Queue);

        let huge = (MAX_SKIP + 1).to_be_bytes();
        let err = read_frame::<Request>(&mut huge.as_slice(), 1000).unwrap_err();
        assert!(!err.in_step());
    }

    #[test]
    fn a_cut_frame_is_an_io_error() {
        let mut bytes = Vec::new();
        write_frame(&mut bytes, &Request::Queue).unwrap();
        bytes.pop();
        let err = read_frame::<Request>(&mut bytes.as_slice(), MAX_REQUEST).unwrap_err();
        assert!(matches!(err, FrameError::Io(_)));
    }
}
