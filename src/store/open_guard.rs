//! Keeps the only copy of a county's store safe from the open itself. sled 0.34 has no
//! read-only open, and its recovery rewrites a damaged or half-written log in place — a
//! refused open had already rewritten hundreds of kilobytes of the file it then refused. So
//! before sled sees a store that was not closed cleanly, the whole directory (all but the
//! socket) is copied aside to `<dir>.open-copy`, and an open that still fails says in
//! Chinese where that untouched copy is. Nothing here ever deletes or re-creates a store.
//!
//! "Closed cleanly" is two files inside the store directory: `yuanzhu.open`, written before
//! sled opens and removed by a clean close, and `yuanzhu.closed`, written by that close with
//! the size and modification time of every file. A store opens without a copy only when
//! the marker is absent and the files are exactly as the last clean close left them, so a
//! crash (the marker stays) and a file changed while the store was closed (a hex editor, a
//! disk fault that touched the file) both get a copy first. A store written before this
//! guard existed has neither file and is copied once.
//!
//! This is not a backup: only the newest copy is kept, and it is replaced only after an open
//! that succeeded — an open that failed leaves its copy for the next attempt, since that
//! copy holds bytes sled has not touched yet.

use super::StoreError;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, UNIX_EPOCH};

/// Present while a process has the store open (or after it died with it open).
pub const MARKER: &str = "yuanzhu.open";
/// What the last clean close left: every file's size and modification time.
pub const CLOSED: &str = "yuanzhu.closed";

const CLOSED_HEADER: &str = "yuanzhu closed v1";

/// Room kept free beyond the copy itself, so the store can still write after copying.
const SPARE_BYTES: u64 = 8 * 1024 * 1024;

/// How long an open waits for another process's handle to go (sled releases its lock a
/// moment after the last handle is dropped).
const LOCK_WAIT: Duration = Duration::from_millis(1500);

/// The marker's state: an open under way (and the copy made for it, if any), or an open
/// that succeeded.
#[derive(Debug, PartialEq, Eq)]
enum Marker {
    Opening { copy: Option<PathBuf> },
    Open,
}

impl Marker {
    fn to_text(&self) -> String {
        match self {
            Marker::Opening { copy: None } => format!("opening\npid {}\n", std::process::id()),
            Marker::Opening { copy: Some(c) } => format!(
                "opening\npid {}\ncopy {}\n",
                std::process::id(),
                c.display()
            ),
            Marker::Open => format!("open\npid {}\n", std::process::id()),
        }
    }

    /// A marker that cannot be read (cut short by a crash) counts as an open store.
    fn parse(text: &str) -> Marker {
        let mut lines = text.lines();
        match lines.next() {
            Some("opening") => Marker::Opening {
                copy: lines.find_map(|l| l.strip_prefix("copy ").map(PathBuf::from)),
            },
            _ => Marker::Open,
        }
    }
}

/// The guard a [`super::Store`] holds for its lifetime: the copy made before it opened, and
/// whether its close was clean.
#[derive(Debug)]
pub struct OpenGuard {
    dir: PathBuf,
    copy: Option<PathBuf>,
    clean_close: AtomicBool,
    /// The close is already recorded, or the open was refused: nothing to do on drop.
    done: AtomicBool,
}

/// Where the untouched copy of the store at `dir` is kept: beside it, `<name>.open-copy`.
pub fn copy_path(dir: &Path) -> PathBuf {
    sibling(dir, ".open-copy")
}

pub(super) fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    dir.with_file_name(name)
}

fn io_error(path: &Path, what: &str, e: io::Error) -> StoreError {
    StoreError::Open {
        path: path.to_path_buf(),
        detail: format!("{what}：{}", io_text(&e)),
    }
}

/// An I/O error in words an administrator can act on.
fn io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::StorageFull => "磁盘已满".into(),
        io::ErrorKind::PermissionDenied => "没有权限".into(),
        io::ErrorKind::NotFound => "文件不存在".into(),
        io::ErrorKind::ReadOnlyFilesystem => "文件系统只读".into(),
        _ => format!("读写失败（{e}）"),
    }
}

impl OpenGuard {
    /// Runs before sled opens `dir`: waits out another handle, copies the store aside when
    /// it was not closed cleanly (refusing when there is no room for the copy), then marks
    /// it open.
    pub fn before_open(dir: &Path) -> Result<OpenGuard, StoreError> {
        let mut guard = OpenGuard {
            dir: dir.to_path_buf(),
            copy: None,
            clean_close: AtomicBool::new(false),
            done: AtomicBool::new(false),
        };
        if !super::Store::exists(dir) {
            // A new store: nothing to protect yet. sled would create the directory anyway.
            fs::create_dir_all(dir).map_err(|e| io_error(dir, "无法建立数据目录", e))?;
            guard.mark(&Marker::Opening { copy: None })?;
            return Ok(guard);
        }
        wait_unlocked(dir)?;
        let marker = match fs::read_to_string(dir.join(MARKER)) {
            Ok(text) => Some(Marker::parse(&text)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error(&dir.join(MARKER), "无法读取打开标记", e)),
        };
        let needs_copy = match &marker {
            // The open before this one failed or died after copying: its copy holds bytes
            // sled had not touched, older than anything a new copy could hold.
            Some(Marker::Opening { copy: Some(c) }) if c.is_dir() => {
                guard.copy = Some(c.clone());
                false
            }
            Some(_) => true,
            None => !closed_cleanly(dir),
        };
        if needs_copy {
            guard.copy = Some(copy_aside(dir)?);
        }
        guard.mark(&Marker::Opening {
            copy: guard.copy.clone(),
        })?;
        // Only the marker speaks for the store now; a stale close record must not.
        match fs::remove_file(dir.join(CLOSED)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&dir.join(CLOSED), "无法更新关闭记录", e)),
        }
        Ok(guard)
    }

    /// The copy made (or kept) before this open, if one was needed.
    pub fn copy(&self) -> Option<&Path> {
        self.copy.as_deref()
    }

    /// sled opened the store: a later open may replace the copy.
    pub fn opened(&self) -> Result<(), StoreError> {
        self.mark(&Marker::Open)
    }

    /// The refusal for an open sled turned down, in Chinese, saying where the untouched copy
    /// is and to restore from a backup.
    pub fn refusal(&self, e: &sled::Error) -> StoreError {
        let what = match e {
            sled::Error::Corruption { .. } => "数据库文件已损坏".to_string(),
            sled::Error::Io(io) => format!("数据库文件无法读写（{}）", io_text(io)),
            sled::Error::Unsupported(_) => "数据库格式不被支持".to_string(),
            sled::Error::ReportableBug(_) => "数据库程序内部出错".to_string(),
            sled::Error::CollectionNotFound(_) => "数据库缺少必需的部分".to_string(),
        };
        self.refuse(&what, &format!("（详情：{e}）"))
    }

    /// After sled opened a store that was not closed cleanly: sled's recovery stops at the
    /// first damaged segment and carries on with what came before, so a damaged log can
    /// open "successfully" and empty. A store with no audit entry left where the anchor kept
    /// outside it counts some is refused, and stays marked unclean. A chain merely shorter
    /// than the anchor is left to `audit verify` and the server's start, which say so (sled
    /// cannot tell a recovered prefix from a tail cut off by hand).
    pub fn check_recovered(&self, head: u64, anchor: Option<u64>) -> Result<(), StoreError> {
        match anchor {
            Some(anchor) if anchor > 0 && head == 0 && self.copy.is_some() => Err(self.refuse(
                &format!("数据库文件已损坏（打开后一条审计记录也没有，库外锚点记有 {anchor} 条）"),
                "",
            )),
            _ => Ok(()),
        }
    }

    /// This open failed after sled opened: it must never count as a clean close, so the
    /// next open keeps the copy.
    pub fn keep_marker(&self) {
        self.done.store(true, Ordering::SeqCst);
    }

    fn refuse(&self, what: &str, detail: &str) -> StoreError {
        self.keep_marker();
        let copy = match &self.copy {
            Some(c) => format!("打开前的原样副本保存在 {}。", c.display()),
            None => "打开前文件与上次正常关闭时一致，未另存副本。".to_string(),
        };
        StoreError::Open {
            path: self.dir.clone(),
            detail: format!(
                "{what}，数据库没有打开。程序没有修复、删除或重建任何数据；{copy}请勿删除数据目录，\
                 请从备份恢复：yuanzhu restore 备份目录 --data-dir {} --replace。{detail}",
                self.dir.display()
            ),
        }
    }

    /// The store's last flush succeeded: when the guard drops (after every sled handle), the
    /// close is recorded as clean.
    pub fn flushed_on_close(&self) {
        self.clean_close.store(true, Ordering::SeqCst);
    }

    /// Records a clean close now, with sled still open: for a process about to end without
    /// running destructors (`process::exit`) right after a successful flush. A write that
    /// slips in afterwards changes a file, so the next open copies first.
    pub fn record_clean_close(&self) -> Result<(), StoreError> {
        record_closed(&self.dir)?;
        self.done.store(true, Ordering::SeqCst);
        Ok(())
    }

    fn mark(&self, marker: &Marker) -> Result<(), StoreError> {
        write_synced(&self.dir, MARKER, marker.to_text().as_bytes())
            .map_err(|e| io_error(&self.dir.join(MARKER), "无法写入打开标记", e))
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        if self.clean_close.load(Ordering::SeqCst) && !self.done.load(Ordering::SeqCst) {
            // A failure leaves the marker, so the next open copies first: the safe side.
            let _ = record_closed(&self.dir);
        }
    }
}

/// Writes the close record of the store at `dir` and removes its marker, in that order, so a
/// crash between the two still counts as unclean. Also used for a store just written whole
/// (a backup, a restore), which is closed cleanly by construction.
pub fn record_closed(dir: &Path) -> Result<(), StoreError> {
    let print = fingerprint(dir).map_err(|e| io_error(dir, "无法记录关闭状态", e))?;
    write_synced(dir, CLOSED, format!("{CLOSED_HEADER}\n{print}").as_bytes())
        .map_err(|e| io_error(&dir.join(CLOSED), "无法写入关闭记录", e))?;
    match fs::remove_file(dir.join(MARKER)) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(&dir.join(MARKER), "无法清除打开标记", e)),
    }
    sync_dir(dir).map_err(|e| io_error(dir, "无法记录关闭状态", e))
}

/// Whether the files are exactly as the last clean close recorded them.
fn closed_cleanly(dir: &Path) -> bool {
    let Ok(text) = fs::read_to_string(dir.join(CLOSED)) else {
        return false;
    };
    let Some(recorded) = text
        .strip_prefix(CLOSED_HEADER)
        .and_then(|t| t.strip_prefix('\n'))
    else {
        return false;
    };
    fingerprint(dir).is_ok_and(|now| now == recorded)
}

/// One line per regular file under `dir` (but the guard's own two): relative path, size,
/// modification time in nanoseconds; sorted.
fn fingerprint(dir: &Path) -> io::Result<String> {
    let mut lines = Vec::new();
    for (rel, meta) in store_files(dir)? {
        if !meta.is_file() || rel == Path::new(MARKER) || rel == Path::new(CLOSED) {
            continue;
        }
        let modified = meta
            .modified()?
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        lines.push(format!("{}\t{}\t{modified}\n", rel.display(), meta.len()));
    }
    lines.sort();
    Ok(lines.concat())
}

/// Every directory and regular file under `dir`, relative to it, parents before children.
/// Sockets, pipes and links are left out: a socket is the server's, not the store's.
pub fn store_files(dir: &Path) -> io::Result<Vec<(PathBuf, fs::Metadata)>> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        for entry in fs::read_dir(dir.join(&rel))? {
            let entry = entry?;
            let meta = entry.metadata()?;
            let path = rel.join(entry.file_name());
            if meta.is_dir() {
                pending.push(path.clone());
                out.push((path, meta));
            } else if meta.is_file() {
                out.push((path, meta));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Copies the store at `dir` into `<dir>.open-copy` (through a temporary name, so a copy cut
/// short is never taken for a whole one), replacing the previous copy only once the new one
/// is complete.
fn copy_aside(dir: &Path) -> Result<PathBuf, StoreError> {
    let files = store_files(dir).map_err(|e| io_error(dir, "无法读取数据目录", e))?;
    let needed: u64 = files
        .iter()
        .filter(|(_, m)| m.is_file())
        .map(|(_, m)| m.len())
        .sum();
    let target = copy_path(dir);
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let free = free_bytes(parent).map_err(|e| io_error(parent, "无法查看磁盘空间", e))?;
    if free < needed.saturating_add(SPARE_BYTES) {
        return Err(StoreError::Open {
            path: dir.to_path_buf(),
            detail: format!(
                "数据库上次没有正常关闭（或关闭后文件被改动），打开前须先在 {} 保存一份原样副本，\
                 需要 {} MB，磁盘只剩 {} MB。数据库没有打开，也没有被改动。请腾出空间后重试；\
                 若数据已损坏，请从备份恢复。",
                target.display(),
                needed.div_ceil(1024 * 1024) + SPARE_BYTES / (1024 * 1024),
                free / (1024 * 1024)
            ),
        });
    }
    let tmp = sibling(dir, ".open-copy.tmp");
    let old = sibling(dir, ".open-copy.old");
    let copy_err = |e: io::Error| io_error(&tmp, "无法保存数据库的原样副本", e);
    // A temporary copy left by an open that died while copying is ours and incomplete.
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(copy_err)?;
    }
    copy_tree(dir, &tmp, &files).map_err(copy_err)?;
    if target.exists() {
        if old.exists() {
            fs::remove_dir_all(&old).map_err(copy_err)?;
        }
        fs::rename(&target, &old).map_err(copy_err)?;
    }
    fs::rename(&tmp, &target).map_err(copy_err)?;
    sync_dir(parent).map_err(copy_err)?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(copy_err)?;
    }
    Ok(target)
}

/// Copies `files` (from [`store_files`]) of `from` into the new directory `to`, each file
/// synced before the copy counts as made.
pub fn copy_tree(from: &Path, to: &Path, files: &[(PathBuf, fs::Metadata)]) -> io::Result<()> {
    fs::create_dir(to)?;
    for (rel, meta) in files {
        if meta.is_dir() {
            fs::create_dir(to.join(rel))?;
        } else {
            fs::copy(from.join(rel), to.join(rel))?;
            File::open(to.join(rel))?.sync_all()?;
        }
    }
    for (rel, meta) in files {
        if meta.is_dir() {
            sync_dir(&to.join(rel))?;
        }
    }
    sync_dir(to)
}

fn free_bytes(path: &Path) -> io::Result<u64> {
    let stat = nix::sys::statvfs::statvfs(path).map_err(io::Error::from)?;
    Ok(stat.blocks_available().saturating_mul(stat.fragment_size()))
}

/// Waits (briefly) until no other handle holds the store's lock, so that a store in use
/// elsewhere is neither copied nor marked.
pub(super) fn wait_unlocked(dir: &Path) -> Result<(), StoreError> {
    use nix::fcntl::{Flock, FlockArg};
    let db = dir.join("db");
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        let file = match File::open(&db) {
            Ok(f) => f,
            // No log yet (a store of `conf` only): nothing holds it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error(&db, "无法打开数据库文件", e)),
        };
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            // Dropping the lock at once: sled takes its own on its own descriptor.
            Ok(_held) => return Ok(()),
            Err((_, nix::errno::Errno::EWOULDBLOCK)) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
                return Err(StoreError::Locked(dir.to_path_buf()));
            }
            Err((_, errno)) => {
                return Err(io_error(&db, "无法检查数据库锁", io::Error::from(errno)));
            }
        }
    }
}

/// Writes `name` inside `dir` whole or not at all: a temporary file, synced, renamed, and the
/// directory synced so the rename itself survives a power cut.
pub(super) fn write_synced(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let tmp = dir.join(format!("{name}.tmp"));
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(&tmp, dir.join(name))?;
    sync_dir(dir)
}

pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_cut_short_counts_as_an_open_store() {
        assert_eq!(Marker::parse(""), Marker::Open);
        assert_eq!(Marker::parse("open\npid 4\n"), Marker::Open);
        assert_eq!(
            Marker::parse("opening\npid 4\ncopy /srv/store.open-copy\n"),
            Marker::Opening {
                copy: Some(PathBuf::from("/srv/store.open-copy"))
            }
        );
        let m = Marker::Opening {
            copy: Some(PathBuf::from("/a b/c.open-copy")),
        };
        assert_eq!(Marker::parse(&m.to_text()), m);
    }

    #[test]
    fn the_copy_sits_beside_the_store() {
        assert_eq!(
            copy_path(Path::new("/var/lib/yuanzhu/store")),
            PathBuf::from("/var/lib/yuanzhu/store.open-copy")
        );
    }
}
