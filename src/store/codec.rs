//! The envelope every stored value travels in: a magic byte, a `u16` schema version
//! (big-endian), then a bincode 2 payload (`bincode::serde`, `config::standard()`).
//! Decoding an older version upgrades it; a value of an unknown version or a damaged one is
//! an error to stop on, never a reason to rewrite the store.

use serde::Serialize;
use serde::de::DeserializeOwned;

pub const MAGIC: u8 = 0xA7;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodecError {
    #[error("记录为空或过短")]
    TooShort,
    #[error("记录标记错误（{0:#04x}），不是本程序写入的数据")]
    BadMagic(u8),
    #[error("{kind} 的版本 {found} 不被本程序支持（最高 {supported}），请升级程序")]
    UnknownVersion {
        kind: &'static str,
        found: u16,
        supported: u16,
    },
    #[error("{kind} 内容损坏：{detail}")]
    Payload { kind: &'static str, detail: String },
}

/// A record type with a schema version. Bump `VERSION` when its shape changes, keep the old
/// shape as a type of its own, and decode it in `upgrade`.
pub trait Versioned: Serialize + DeserializeOwned {
    const KIND: &'static str;
    const VERSION: u16;

    /// Decodes a payload written at an older `version`.
    fn upgrade(version: u16, _payload: &[u8]) -> Result<Self, CodecError> {
        Err(CodecError::UnknownVersion {
            kind: Self::KIND,
            found: version,
            supported: Self::VERSION,
        })
    }
}

pub fn encode<T: Versioned>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.push(MAGIC);
    out.extend_from_slice(&T::VERSION.to_be_bytes());
    // Encoding into a Vec fails only for types serde cannot describe, which the tests
    // of every record type would show at once.
    if let Err(e) =
        bincode::serde::encode_into_std_write(value, &mut out, bincode::config::standard())
    {
        debug_assert!(false, "encoding {}: {e}", T::KIND);
    }
    out
}

/// A record's envelope opened: its schema version and its payload.
fn envelope(bytes: &[u8]) -> Result<(u16, &[u8]), CodecError> {
    let (&magic, rest) = bytes.split_first().ok_or(CodecError::TooShort)?;
    if magic != MAGIC {
        return Err(CodecError::BadMagic(magic));
    }
    let version_bytes: [u8; 2] = rest
        .get(..2)
        .and_then(|b| b.try_into().ok())
        .ok_or(CodecError::TooShort)?;
    Ok((u16::from_be_bytes(version_bytes), &rest[2..]))
}

pub fn decode<T: Versioned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (version, payload) = envelope(bytes)?;
    if version == T::VERSION {
        payload_of(payload)
    } else if version < T::VERSION {
        T::upgrade(version, payload)
    } else {
        Err(CodecError::UnknownVersion {
            kind: T::KIND,
            found: version,
            supported: T::VERSION,
        })
    }
}

/// The leading fields of a record of `T` (of this or an older version whose leading fields
/// are the same), decoded as `L` without reading the rest: a record's number and time
/// read from an audit entry that holds the hashes of a whole bulk write, say.
pub fn leading_fields<T: Versioned, L: DeserializeOwned>(bytes: &[u8]) -> Result<L, CodecError> {
    let (version, payload) = envelope(bytes)?;
    if version > T::VERSION {
        return Err(CodecError::UnknownVersion {
            kind: T::KIND,
            found: version,
            supported: T::VERSION,
        });
    }
    let (value, _) = decode_bounded(payload).map_err(|e| CodecError::Payload {
        kind: T::KIND,
        detail: describe(&e),
    })?;
    Ok(value)
}

/// The largest payload a record may have. The biggest legitimate ones are the bulk audit
/// entries of an import or a demo chunk (a hash per record written), a few MiB.
pub const MAX_RECORD: usize = 256 * 1024 * 1024;

/// Decodes `bytes` with bincode under a limit proportional to their length, so a length
/// field that claims more than the input could hold is an error before anything is
/// allocated.
///
/// bincode 2 counts against its limit what it is about to build in memory: a byte
/// container's claimed length, and each number at its width in memory (a `u64` written
/// as a one-byte varint counts 8). Nothing of ours is wider than 16 bytes per input byte,
/// so a limit of sixteen times the input never refuses a sound record, and a claimed
/// length can cost at most that much memory. bincode's limit is a constant, so it is
/// chosen from a ladder of powers of two.
pub fn decode_bounded<T: DeserializeOwned>(
    bytes: &[u8],
) -> Result<(T, usize), bincode::error::DecodeError> {
    use bincode::config::standard;
    use bincode::error::DecodeError;
    macro_rules! ladder {
        ($($bits:literal)*) => {
            $(if bytes.len().saturating_mul(16) <= (1usize << $bits) {
                return bincode::serde::decode_from_slice(
                    bytes,
                    standard().with_limit::<{ 1usize << $bits }>(),
                );
            })*
        };
    }
    ladder!(12 14 16 18 20 22 24 26 28 30 32);
    Err(DecodeError::LimitExceeded)
}

/// Decodes a bare payload as `T` (for `upgrade` implementations reading an old shape).
pub fn payload_of<T: DeserializeOwned>(payload: &[u8]) -> Result<T, CodecError> {
    if payload.len() > MAX_RECORD {
        return Err(CodecError::Payload {
            kind: std::any::type_name::<T>(),
            detail: format!("记录长 {} 字节，超过上限 {MAX_RECORD} 字节", payload.len()),
        });
    }
    let (value, used) = decode_bounded(payload).map_err(|e| CodecError::Payload {
        kind: std::any::type_name::<T>(),
        detail: describe(&e),
    })?;
    if used != payload.len() {
        return Err(CodecError::Payload {
            kind: std::any::type_name::<T>(),
            detail: format!("多出 {} 字节", payload.len() - used),
        });
    }
    Ok(value)
}

/// bincode's decode error in words; a claimed length past the input is the usual sign of a
/// record altered or cut short outside the program.
pub fn describe(e: &bincode::error::DecodeError) -> String {
    use bincode::error::DecodeError;
    match e {
        DecodeError::LimitExceeded => "长度字段超出记录本身的长度（记录被截断或改动）".into(),
        DecodeError::UnexpectedEnd { .. } => "记录提前结束（被截断）".into(),
        DecodeError::Utf8 { .. } => "文字不是有效的 UTF-8".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_length_field_claiming_more_than_the_record_holds_is_an_error_not_an_allocation() {
        // A string whose varint length says 2^62 bytes: bincode without a limit would try
        // to allocate it and abort the process.
        let mut payload = vec![0xfd];
        payload.extend_from_slice(&(1u64 << 62).to_le_bytes());
        payload.extend_from_slice(b"abc");
        let e = payload_of::<String>(&payload).unwrap_err();
        assert!(e.to_string().contains("长度字段超出"), "{e}");

        let mut payload = vec![0xfc];
        payload.extend_from_slice(&4000u32.to_le_bytes());
        payload.extend_from_slice(&[b'a'; 100]);
        assert!(payload_of::<String>(&payload).is_err());
    }

    #[test]
    fn legitimate_records_of_every_size_decode() {
        for n in [0usize, 1, 100, 511, 512, 513, 5_000, 300_000, 3_000_000] {
            let s = "援".repeat(n / 3);
            let bytes = bincode::serde::encode_to_vec(&s, bincode::config::standard()).unwrap();
            assert_eq!(payload_of::<String>(&bytes).unwrap(), s);
            let v: Vec<u64> = (0..n as u64).collect();
            let bytes = bincode::serde::encode_to_vec(&v, bincode::config::standard()).unwrap();
            assert_eq!(payload_of::<Vec<u64>>(&bytes).unwrap(), v);
        }
    }
}
