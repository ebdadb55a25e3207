//! One message on the socket: a `u32` length (big-endian), then that many bytes — a `u16`
//! protocol version (big-endian) and a bincode 2 payload (`bincode::serde`,
//! `config::standard()`). The payload decodes under a byte limit (`with_limit`), so a length
//! claimed inside it that is larger than the frame's bound is an error, never an
//! allocation. A frame that is too long, of another version or that does not decode is an
//! error the reader can answer before it hangs up; nothing after a bad frame is trusted to
//! be in step.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::{self, Read, Write};

/// Bumped whenever `Request`, `Reply` or `ServiceError` change shape or meaning, or the
/// exchange on the socket does. 3: the server may answer (a refusal) before it has read a
/// request. 4: `Reply.seq` is the data sequence, no longer the audit head (same shape; an
/// older client comparing it with audit numbers would misread it). 5: ledger entries as a
/// typed draft. 6: `Exits` asks for a window of the list. 7: `Settings` (in `Overview`)
/// carries every number of DOMAIN.md's table and the shipped holidays; `ReviewView` the
/// first day recognition is allowed and the suggested tier. 9: `FormView` carries the
/// default tier rule's facts (issue 13, finding 12); `ChangeCategory`, the leads' requests
/// (`ImportList` .. `DisposeLead`) and `Settings.fast_lane_contact_days` (issue 14). 10:
/// `Queue`, the whole queue in one reply, is gone (a front asks `QueuePage`): every later
/// variant's index moved down one; `ExitRow.others`, a case's other findings.
pub const PROTOCOL_VERSION: u16 = 11;

/// The largest request the server reads: a follow-up draft is a few hundred bytes.
pub const MAX_REQUEST: usize = 1024 * 1024;

/// The largest reply a client reads: a county reviewer's whole queue of a large county
/// (about 8 MB at 50,000 households), with room to grow. It bounds the decoder too, and
/// bincode counts what it allocates, which is close to the bytes on the wire.
pub const MAX_REPLY: usize = 512 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The peer went away, the link broke, or a frame did not arrive in time.
    #[error("连接中断：{0}")]
    Io(#[from] io::Error),
    #[error("消息过长（{len} 字节，上限 {max} 字节）")]
    TooLarge { len: u32, max: usize },
    #[error("协议版本 {found} 与本程序的版本 {PROTOCOL_VERSION} 不符，请使用同一版本的 yuanzhu")]
    Version { found: u16 },
    #[error("消息无法解析：{0}")]
    Malformed(String),
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

/// Reads a frame's length; one over `max` is refused before a byte of its body is read.
fn read_len(r: &mut impl Read, max: usize) -> Result<usize, FrameError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len);
    match usize::try_from(len) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(FrameError::TooLarge { len, max }),
    }
}

/// Reads one frame of at most `MAX` bytes and decodes it under the same bound.
pub fn read_frame<T: DeserializeOwned, const MAX: usize>(
    r: &mut impl Read,
) -> Result<T, FrameError> {
    let len = read_len(r, MAX)?;
    // Grown as bytes arrive, not reserved from the claimed length: a peer that announces a
    // megabyte and sends three bytes costs three bytes.
    let mut body = Vec::new();
    r.take(len as u64).read_to_end(&mut body)?;
    if body.len() < len {
        return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into());
    }
    decode_body::<T, MAX>(&body)
}

/// Decodes a frame's body (version, then payload) under a limit of `MAX` bytes.
pub fn decode_body<T: DeserializeOwned, const MAX: usize>(body: &[u8]) -> Result<T, FrameError> {
    let Some((version, payload)) = body.split_first_chunk::<2>() else {
        return Err(FrameError::Malformed("缺少版本号".into()));
    };
    let found = u16::from_be_bytes(*version);
    if found != PROTOCOL_VERSION {
        return Err(FrameError::Version { found });
    }
    let config = bincode::config::standard().with_limit::<MAX>();
    let (value, used) = bincode::serde::decode_from_slice(payload, config)
        .map_err(|e| FrameError::Malformed(e.to_string()))?;
    if used != payload.len() {
        return Err(FrameError::Malformed(format!(
            "多出 {} 字节",
            payload.len() - used
        )));
    }
    Ok(value)
}

/// Reads one frame of at most `MAX` bytes and throws it away, undecoded: what the server
/// does with the first frame of a peer it will not serve. A longer one is not read at all.
pub fn skip_frame<const MAX: usize>(r: &mut impl Read) -> Result<(), FrameError> {
    let len = read_len(r, MAX)?;
    let skipped = io::copy(&mut r.take(len as u64), &mut io::sink())?;
    if skipped < len as u64 {
        return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into());
    }
    Ok(())
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

    fn read(bytes: &[u8]) -> Result<Request, FrameError> {
        read_frame::<Request, MAX_REQUEST>(&mut &bytes[..])
    }

    #[test]
    fn a_request_round_trips() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &Request::Ping).unwrap();
        assert_eq!(read(&buf).unwrap(), Request::Ping);
    }

    #[test]
    fn another_version_is_refused() {
        let bytes = frame_bytes(PROTOCOL_VERSION + 1, &[0]);
        let err = read(&bytes).unwrap_err();
        assert!(matches!(err, FrameError::Version { found } if found == PROTOCOL_VERSION + 1));
    }

    #[test]
    fn garbage_is_malformed_and_trailing_bytes_count_as_garbage() {
        let bytes = frame_bytes(PROTOCOL_VERSION, &[0xff, 0xff, 0xff, 0xff, 0xff]);
        let err = read(&bytes).unwrap_err();
        assert!(matches!(err, FrameError::Malformed(_)), "{err}");

        let mut good = Vec::new();
        write_frame(&mut good, &Request::Ping).unwrap();
        good.push(0);
        let n = (good.len() - 4) as u32;
        good[..4].copy_from_slice(&n.to_be_bytes());
        let err = read(&good).unwrap_err();
        assert!(matches!(err, FrameError::Malformed(m) if m.contains("多出")));
    }

    /// The frame of issue 10: an `AddUser` whose name claims 2^62 bytes aborted the server
    /// ("memory allocation of 4611686018427387904 bytes failed").
    #[test]
    fn a_name_claiming_exabytes_is_malformed_not_an_allocation() {
        // Variant 8 (AddUser), then the name's length as a varint u64 (tag 253).
        let mut payload = vec![8u8, 253];
        payload.extend_from_slice(&(1u64 << 62).to_le_bytes());
        let bytes = frame_bytes(PROTOCOL_VERSION, &payload);
        assert_eq!(bytes.len(), 16);
        let err = read(&bytes).unwrap_err();
        assert!(matches!(err, FrameError::Malformed(_)), "{err}");
    }

    #[test]
    fn an_oversized_frame_is_refused_before_its_body_is_read() {
        let bytes = frame_bytes(PROTOCOL_VERSION, &vec![0u8; 2000]);
        let mut r = bytes.as_slice();
        let err = read_frame::<Request, 1000>(&mut r).unwrap_err();
        assert!(matches!(err, FrameError::TooLarge { len: 2002, .. }));
        assert_eq!(r.len(), 2002, "the body is left unread");

        let err = read(&u32::MAX.to_be_bytes()).unwrap_err();
        assert!(matches!(err, FrameError::TooLarge { .. }));
    }

    #[test]
    fn a_skipped_frame_is_read_through_undecoded_and_a_long_one_not_at_all() {
        let mut bytes = frame_bytes(PROTOCOL_VERSION, &[0xff; 100]);
        write_frame(&mut bytes, &Request::Ping).unwrap();
        let mut r = bytes.as_slice();
        skip_frame::<MAX_REQUEST>(&mut r).unwrap();
        assert_eq!(
            read_frame::<Request, MAX_REQUEST>(&mut r).unwrap(),
            Request::Ping
        );
        let long = frame_bytes(PROTOCOL_VERSION, &[0; 2000]);
        let mut r = long.as_slice();
        assert!(matches!(
            skip_frame::<1000>(&mut r),
            Err(FrameError::TooLarge { .. })
        ));
        assert_eq!(r.len(), 2002);
    }

    #[test]
    fn a_cut_frame_is_an_io_error() {
        let mut bytes = Vec::new();
        write_frame(&mut bytes, &Request::Ping).unwrap();
        bytes.pop();
        let err = read(&bytes).unwrap_err();
        assert!(matches!(err, FrameError::Io(_)));
    }
}
