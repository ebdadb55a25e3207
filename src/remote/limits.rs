//! What `yuanzhu serve` allows its peers, so that no one of them — broken, hostile, or a
//! user without an account — can take the server from everyone else: caps on connections
//! (per server and per OS user), time limits on frames and on silence, the file
//! descriptors it may count on, and refusals gathered into one audit entry per user per
//! minute. The settings come from the config's `[server]` table (`config.rs` checks them).

use crate::service::{Service, now_cst};
use crate::store::Stamp;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The server's bounds; `Default` is what a county gets without a `[server]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections held at once, all users together (256). Lowered at start when the
    /// process's `NOFILE` cannot hold that many.
    pub max_connections: usize,
    /// Connections held at once by one OS user (16): a few terminals, not a flood.
    pub max_connections_per_user: usize,
    /// A frame that has started arriving must be complete within this (10 s); an answer
    /// must be taken within it too.
    pub frame_timeout: Duration,
    /// A connection silent this long is closed (10 h). A TUI pings every half second
    /// while idle, so only a session that is gone, or never spoke, reaches it.
    pub idle_timeout: Duration,
    /// Refusals of one OS user within this (a minute) are one audit entry, then a count.
    pub refusal_window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 256,
            max_connections_per_user: 16,
            frame_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(36_000),
            refusal_window: Duration::from_secs(60),
        }
    }
}

/// Descriptors kept free beside the connections: sled's files, the user database that
/// `identify` reads, a backup's new store, and the one a refused connection holds while
/// it is told why.
const SPARE_DESCRIPTORS: u64 = 24;

/// Raises the soft `NOFILE` limit to the hard one; returns the soft limit now in force.
pub fn raise_nofile() -> std::io::Result<u64> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).map_err(std::io::Error::from)?;
    if soft < hard {
        setrlimit(Resource::RLIMIT_NOFILE, hard, hard).map_err(std::io::Error::from)?;
    }
    Ok(hard.max(soft))
}

/// How many connections this process can hold (one descriptor each) with its `NOFILE`
/// and what is open now; `None` when it cannot tell.
pub fn descriptor_budget() -> Option<usize> {
    use nix::sys::resource::{Resource, getrlimit};
    let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    let open = std::fs::read_dir("/proc/self/fd").ok()?.count() as u64;
    usize::try_from(soft.saturating_sub(open + SPARE_DESCRIPTORS)).ok()
}

/// Why a connection was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    Server(usize),
    User(usize),
}

impl Full {
    pub fn message(self) -> String {
        match self {
            Full::Server(n) => {
                format!("援助服务的连接已满（上限 {n} 个），请稍后再试；若一直如此，请联系管理员")
            }
            Full::User(n) => {
                format!("您的系统账户已有 {n} 个连接（每人上限），请先关闭不用的会话再试")
            }
        }
    }
}

/// The connections held now, in all and by each OS user.
pub struct Slots {
    max_total: usize,
    max_per_user: usize,
    held: Mutex<(usize, HashMap<String, usize>)>,
}

/// One held connection; dropping it frees its place.
pub struct Slot {
    slots: Arc<Slots>,
    user: String,
}

impl Slots {
    pub fn new(max_total: usize, max_per_user: usize) -> Arc<Slots> {
        Arc::new(Slots {
            max_total,
            max_per_user,
            held: Mutex::new((0, HashMap::new())),
        })
    }

    pub fn take(self: &Arc<Self>, user: &str) -> Result<Slot, Full> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let (total, per_user) = &mut *held;
        if *total >= self.max_total {
            return Err(Full::Server(self.max_total));
        }
        let mine = per_user.entry(user.to_string()).or_insert(0);
        if *mine >= self.max_per_user {
            return Err(Full::User(self.max_per_user));
        }
        *mine += 1;
        *total += 1;
        Ok(Slot {
            slots: Arc::clone(self),
            user: user.to_string(),
        })
    }

    /// Connections held now.
    pub fn held(&self) -> usize {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).0
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.slots.held.lock().unwrap_or_else(|p| p.into_inner());
        let (total, per_user) = &mut *held;
        *total = total.saturating_sub(1);
        if let Some(n) = per_user.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                per_user.remove(&self.user);
            }
        }
    }
}

/// Refusals gathered per OS user: the first of a window goes to the audit at once, the
/// number that followed when the window closes. Losing that number in a crash is
/// accepted; writing (and flushing) an entry per refused connection is not — one user
/// without an account wrote 2,685 of them in five seconds.
pub struct Refusals {
    service: Arc<Service>,
    window: Duration,
    open: Mutex<HashMap<String, Window>>,
}

struct Window {
    opened: Instant,
    more: u64,
}

impl Refusals {
    pub fn new(service: Arc<Service>, window: Duration) -> Arc<Refusals> {
        Arc::new(Refusals {
            service,
            window,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A connection of `user` refused for `why`.
    pub fn note(&self, user: &str, why: &str) {
        let closed = {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            match open.get_mut(user) {
                Some(w) if w.opened.elapsed() < self.window => {
                    w.more += 1;
                    return;
                }
                _ => open.insert(
                    user.to_string(),
                    Window {
                        opened: Instant::now(),
                        more: 0,
                    },
                ),
            }
        };
        if let Some(old) = closed {
            self.write_count(user, old.more);
        }
        self.write(user, format!("连接援助服务：{why}"));
    }

    /// Writes the counts of the windows that have closed.
    pub fn close_due(&self) {
        let due: Vec<(String, u64)> = {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            let users: Vec<String> = open
                .iter()
                .filter(|(_, w)| w.opened.elapsed() >= self.window)
                .map(|(u, _)| u.clone())
                .collect();
            users
                .into_iter()
                .filter_map(|u| open.remove(&u).map(|w| (u, w.more)))
                .collect()
        };
        for (user, more) in due {
            self.write_count(&user, more);
        }
    }

    /// Closes due windows for as long as the process runs.
    pub fn keep_closing(self: &Arc<Self>) -> std::io::Result<()> {
        let refusals = Arc::clone(self);
        let tick = (self.window / 4).clamp(Duration::from_millis(10), Duration::from_secs(5));
        std::thread::Builder::new()
            .name("yuanzhu-refusals".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(tick);
                    refusals.close_due();
                }
            })?;
        Ok(())
    }

    fn write_count(&self, user: &str, more: u64) {
        if more > 0 {
            let secs = self.window.as_secs().max(1);
            self.write(
                user,
                format!("连接援助服务：此后 {more} 次拒绝（{secs} 秒内）"),
            );
        }
    }

    fn write(&self, user: &str, target: String) {
        let stamp = Stamp {
            actor: user.to_string(),
            at: now_cst(),
        };
        let written = self
            .service
            .store()
            .map_err(|e| e.to_string())
            .and_then(|s| {
                s.record_refusal(&stamp, target, None)
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = written {
            eprintln!("援助服务：拒绝记录写入审计失败：{e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_freed_when_dropped_and_caps_hold_per_user_and_in_all() {
        let slots = Slots::new(3, 2);
        let a1 = slots.take("a").unwrap();
        let _a2 = slots.take("a").unwrap();
        assert_eq!(slots.take("a").err(), Some(Full::User(2)));
        let _b = slots.take("b").unwrap();
        assert_eq!(slots.take("c").err(), Some(Full::Server(3)));
        drop(a1);
        assert_eq!(slots.held(), 2);
        let _a3 = slots.take("a").unwrap();
    }
}
