//! Accounts and roles (第(十四)条 全过程监管): a township caseworker (乡镇经办) registers and
//! follows up their township's caseload; a county reviewer (县级审核) recognises and decides
//! exits for every township; an administrator (管理员) keeps accounts and imports. An account
//! is named by the OS user it belongs to; OpenSSH stays the one thing that authenticates.

use super::ids::TownshipCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 乡镇经办: registers, applies, follows up the township's own caseload.
    TownshipCaseworker,
    /// 县级审核: recognition, exit decisions, every township, statistics.
    CountyReviewer,
    /// 管理员: accounts, imports, backups.
    Admin,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::TownshipCaseworker => "乡镇经办",
            Role::CountyReviewer => "县级审核",
            Role::Admin => "管理员",
        }
    }

    /// The Chinese label, or `township`/`county`/`admin`.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "乡镇经办" | "township" => Some(Role::TownshipCaseworker),
            "县级审核" | "county" => Some(Role::CountyReviewer),
            "管理员" | "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The OS user name (what SSH logs in as).
    pub name: String,
    pub rev: u64,
    pub role: Role,
    /// Required for a township caseworker: the only township they see.
    pub township: Option<TownshipCode>,
    pub disabled: bool,
}

/// An account name is an OS user name: ASCII letters, digits, `.`, `_`, `-`, 1–32 long,
/// not starting with `-`.
pub fn check_account_name(name: &str) -> Result<(), &'static str> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if name.is_empty() || name.len() > 32 || !ok_chars || name.starts_with('-') {
        return Err("账户名应为系统用户名：1-32位字母、数字、点、下划线或连字符");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_chinese_labels() {
        assert_eq!(Role::parse("乡镇经办"), Some(Role::TownshipCaseworker));
        assert_eq!(Role::parse("county"), Some(Role::CountyReviewer));
        assert_eq!(Role::parse("局长"), None);
    }

    #[test]
    fn account_names_are_os_user_names() {
        assert!(check_account_name("zhong.jb").is_ok());
        assert!(check_account_name("钟经办").is_err());
        assert!(check_account_name("-rf").is_err());
        assert!(check_account_name("").is_err());
    }
}
