//! Internal keys of records. People, households and cases are keyed by these, never by the
//! resident ID number, which is only a unique index and can be corrected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub u64);

        impl $name {
            /// Big-endian bytes, so that sled's byte order is numeric order.
            pub fn to_key(self) -> [u8; 8] {
                self.0.to_be_bytes()
            }

            pub fn from_key(key: &[u8]) -> Option<Self> {
                let bytes: [u8; 8] = key.get(..8)?.try_into().ok()?;
                Some(Self(u64::from_be_bytes(bytes)))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

record_id!(
    /// A person on file (援助对象 or a household member).
    PersonId
);
record_id!(
    /// A household (一户一档).
    HouseholdId
);
record_id!(
    /// An assistance case: one person's way from application through recognition to exit.
    CaseId
);
record_id!(
    /// One follow-up contact.
    FollowUpId
);

/// A township or sub-district (乡镇/街道) by its statistical code, e.g. `360731101`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TownshipCode(pub String);

impl fmt::Display for TownshipCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
