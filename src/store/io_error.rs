//! The store's disk and file failures in words a caseworker or an administrator can act on
//! — a full disk, a read-only or forbidden data directory, a failing disk — never Rust's
//! Debug text ("IO error: Os { code: 28, kind: StorageFull … }"), which is what sled gives.

use std::io::{self, ErrorKind};

/// What a save refused for want of space says (issue 10, item 8).
pub const DISK_FULL: &str = "磁盘已满，本次保存未完成，请联系管理员";

/// The OS error number behind `e`. After its first I/O failure sled hands back clones of
/// it, and its `Clone` keeps only the kind and the original's Debug text
/// ("Os { code: 28, … }"), so the number is read back from that text when it is not there.
fn os_code(e: &io::Error) -> Option<i32> {
    if let Some(code) = e.raw_os_error() {
        return Some(code);
    }
    let text = e.to_string();
    ["code: ", "os error "].into_iter().find_map(|marker| {
        let (_, rest) = text.split_once(marker)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

/// An I/O failure of the store, in Chinese.
pub fn io_message(e: &io::Error) -> String {
    // Linux numbers: ENOSPC 28, EDQUOT 122, EROFS 30, EFBIG 27, ENFILE 23, EMFILE 24.
    let message = match (e.kind(), os_code(e)) {
        (ErrorKind::StorageFull, _) | (_, Some(28)) => DISK_FULL,
        (ErrorKind::QuotaExceeded, _) | (_, Some(122)) => {
            "磁盘配额已用完，本次保存未完成，请联系管理员"
        }
        (ErrorKind::ReadOnlyFilesystem, _) | (_, Some(30)) => {
            "数据目录所在的磁盘只能读、不能写，本次保存未完成，请联系管理员"
        }
        (ErrorKind::FileTooLarge, _) | (_, Some(27)) => {
            "数据库文件已达系统允许的上限，本次保存未完成，请联系管理员"
        }
        (ErrorKind::PermissionDenied, _) => {
            "无权读写数据目录中的文件，本次操作未完成，请联系管理员检查数据目录的权限"
        }
        (ErrorKind::NotFound, _) => {
            "数据库的文件不见了（可能被移动或删除），本次操作未完成，请联系管理员"
        }
        (_, Some(23 | 24)) => "服务器同时打开的文件过多，本次操作未完成，请稍后再试或联系管理员",
        (ErrorKind::Interrupted | ErrorKind::TimedOut | ErrorKind::WouldBlock, _) => {
            "磁盘一时没有响应，本次操作未完成，请稍后再试"
        }
        (_, Some(code)) => {
            return format!(
                "磁盘读写出错（系统错误号 {code}），本次操作未完成，请联系管理员检查磁盘"
            );
        }
        _ => "磁盘读写出错，本次操作未完成，请联系管理员检查磁盘",
    };
    message.to_string()
}

/// A sled failure, in Chinese: its I/O errors by [`io_message`], the rest named plainly.
pub fn sled_message(e: &sled::Error) -> String {
    match e {
        sled::Error::Io(io) => io_message(io),
        sled::Error::Corruption { .. } => {
            "数据库文件已损坏。程序已停止以保护数据，请联系管理员从备份恢复，切勿删除数据目录"
                .into()
        }
        sled::Error::CollectionNotFound(_) => {
            "数据库缺少一部分数据（集合不存在），请联系管理员".into()
        }
        sled::Error::Unsupported(why) | sled::Error::ReportableBug(why) => {
            format!("数据库内部错误（{why}），请联系管理员")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    /// What sled returns on every request after its first I/O failure.
    fn sticky(code: i32) -> sled::Error {
        sled::Error::Io(io::Error::from_raw_os_error(code)).clone()
    }

    fn no_debug_text(message: &str) {
        for debug in ["Os {", "kind:", "code:", "IO error", "Custom"] {
            assert!(!message.contains(debug), "{message}");
        }
    }

    #[test]
    fn a_full_disk_says_so_in_chinese_first_time_and_every_time_after() {
        assert_eq!(io_message(&io::Error::from_raw_os_error(28)), DISK_FULL);
        assert_eq!(io_message(&ErrorKind::StorageFull.into()), DISK_FULL);
        let after = StoreError::Sled(sticky(28)).to_string();
        assert_eq!(after, DISK_FULL);
        let first = StoreError::Sled(sled::Error::Io(io::Error::from_raw_os_error(28)));
        assert_eq!(first.to_string(), DISK_FULL);
        assert_eq!(
            StoreError::Io(io::Error::from_raw_os_error(28)).to_string(),
            DISK_FULL
        );
    }

    #[test]
    fn other_disk_failures_are_named_without_debug_text() {
        for (code, words) in [
            (13, "无权读写"),
            (30, "只能读、不能写"),
            (122, "配额"),
            (27, "上限"),
            (24, "打开的文件过多"),
            (5, "系统错误号 5"),
            (2, "不见了"),
        ] {
            for message in [
                io_message(&io::Error::from_raw_os_error(code)),
                StoreError::Sled(sticky(code)).to_string(),
            ] {
                assert!(message.contains(words), "{code}: {message}");
                no_debug_text(&message);
            }
        }
        let plain = io_message(&io::Error::other("boom"));
        assert!(plain.contains("磁盘读写出错"), "{plain}");
        no_debug_text(&plain);
    }

    #[test]
    fn sled_corruption_and_internal_errors_are_said_in_chinese() {
        let corrupt = sled::Error::Corruption { at: None, bt: () };
        let message = StoreError::Sled(corrupt).to_string();
        assert!(
            message.contains("已损坏") && message.contains("备份"),
            "{message}"
        );
        assert!(!message.contains("offset"), "{message}");
        let message = StoreError::Sled(sled::Error::Unsupported("x".into())).to_string();
        assert!(message.contains("数据库内部错误"), "{message}");
    }
}
