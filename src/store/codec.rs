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

pub fn decode<T: Versioned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&magic, rest) = bytes.split_first().ok_or(CodecError::TooShort)?;
    if magic != MAGIC {
        return Err(CodecError::BadMagic(magic));
    }
    let version_bytes: [u8; 2] = rest
        .get(..2)
        .and_then(|b| b.try_into().ok())
        .ok_or(CodecError::TooShort)?;
    let version = u16::from_be_bytes(version_bytes);
    let payload = &rest[2..];
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

/// Decodes a bare payload as `T` (for `upgrade` implementations reading an old shape).
pub fn payload_of<T: DeserializeOwned>(payload: &[u8]) -> Result<T, CodecError> {
    let (value, used) = bincode::serde::decode_from_slice(payload, bincode::config::standard())
        .map_err(|e| CodecError::Payload {
            kind: std::any::type_name::<T>(),
            detail: e.to_string(),
        })?;
    if used != payload.len() {
        return Err(CodecError::Payload {
            kind: std::any::type_name::<T>(),
            detail: format!("多出 {} 字节", payload.len() - used),
        });
    }
    Ok(value)
}
