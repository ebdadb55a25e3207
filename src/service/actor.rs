//! Who is asking: an account (the OS user name), its role and, for a township caseworker,
//! its township. Every request is checked against these (第(十四)条).

pub use crate::domain::Role;
use crate::domain::TownshipCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: String,
    pub role: Role,
    /// Set for township caseworkers: the only township they see.
    pub township: Option<TownshipCode>,
}

impl Actor {
    /// Whether this actor may see and change a case of `township`.
    pub fn covers(&self, township: &TownshipCode) -> bool {
        match (self.role, &self.township) {
            (Role::TownshipCaseworker, Some(own)) => own == township,
            (Role::TownshipCaseworker, None) => false,
            (Role::CountyReviewer | Role::Admin, _) => true,
        }
    }
}
