//! Group commit: saves made side by side on a server share their flushes. A sled
//! transaction is atomic in memory as soon as it returns; what makes it durable is a
//! `flush`, and one flush makes every transaction committed before it durable. So a caller
//! whose transaction has committed joins the batch being gathered and waits: the first of
//! them to find no flush running leads — it takes the batch, flushes once for all of it,
//! and tells every member the outcome. Callers arriving meanwhile gather into the next
//! batch, which the next leader flushes as soon as the running flush ends.
//!
//! No thread of its own and no channel: a lone caller leads its own batch at once, so a
//! terminal in-process pays what it paid before, and nothing has to be shut down when the
//! store drops. The audit anchor is moved on once per batch, by its leader, after its
//! members have been told (see [`super::Store::commit`]).
//!
//! Not for writes that must be durable in an order of their own (re-anchoring, restoring):
//! those flush themselves.

use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// The callers waiting for one flush, and that flush's outcome once it is known.
#[derive(Default)]
struct Batch {
    outcome: OnceLock<Result<(), sled::Error>>,
}

#[derive(Default)]
struct State {
    /// The batch callers join now; a leader swaps in a fresh one when it takes this.
    gathering: Arc<Batch>,
    /// A leader is flushing its batch now.
    flushing: bool,
}

#[derive(Default)]
pub(super) struct GroupCommit {
    state: Mutex<State>,
    settled: Condvar,
}

/// What a caller of [`GroupCommit::commit`] did for the others.
pub(super) enum Role<T> {
    /// It led a batch: `T` is what its flush returned beside the outcome, for the work
    /// that follows a batch (the anchor), which it does after telling the members.
    Led(T),
    /// Another caller flushed for it.
    Joined,
}

impl GroupCommit {
    /// Waits until a flush begun after this call has ended, leading one when none is
    /// running. `flush` runs in the leader only, outside the lock; it returns what the
    /// leader keeps for afterwards beside the outcome all members share.
    pub(super) fn commit<T>(
        &self,
        flush: impl FnOnce() -> (Result<(), sled::Error>, T),
    ) -> Result<Role<T>, sled::Error> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mine = Arc::clone(&state.gathering);
        loop {
            if let Some(outcome) = mine.outcome.get() {
                return outcome.clone().map(|()| Role::Joined);
            }
            if state.flushing {
                state = self.settled.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            // No flush running and this caller's batch not settled: it is still the one
            // gathering (a leader takes the gathering batch and settles it before it lets
            // another lead), so this caller leads it.
            state.flushing = true;
            let batch = std::mem::take(&mut state.gathering);
            drop(state);
            let (outcome, kept) = flush();
            let _ = batch.outcome.set(outcome.clone());
            let mut relock = self.state.lock().unwrap_or_else(|p| p.into_inner());
            relock.flushing = false;
            drop(relock);
            self.settled.notify_all();
            return outcome.map(|()| Role::Led(kept));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn a_lone_caller_leads_its_own_flush() {
        let group = GroupCommit::default();
        let role = group.commit(|| (Ok(()), 7)).unwrap();
        assert!(matches!(role, Role::Led(7)));
    }

    #[test]
    fn callers_side_by_side_share_flushes_and_all_are_settled() {
        let group = Arc::new(GroupCommit::default());
        let flushes = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (group, flushes) = (Arc::clone(&group), Arc::clone(&flushes));
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        group
                            .commit(|| {
                                flushes.fetch_add(1, Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(2));
                                (Ok(()), ())
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let n = flushes.load(Ordering::SeqCst);
        assert!(n < 16 * 20, "{n} flushes for 320 commits: none shared");
    }

    #[test]
    fn a_failed_flush_fails_every_member_of_its_batch() {
        let group = Arc::new(GroupCommit::default());
        let flushes = Arc::new(AtomicUsize::new(0));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel();
        // A first flush holds the door while two callers gather into the next batch.
        let first = {
            let group = Arc::clone(&group);
            std::thread::spawn(move || {
                group.commit(|| {
                    started.send(()).unwrap();
                    held.recv().unwrap();
                    (Ok(()), ())
                })
            })
        };
        running.recv().unwrap();
        let members: Vec<_> = (0..2)
            .map(|_| {
                let (group, flushes) = (Arc::clone(&group), Arc::clone(&flushes));
                std::thread::spawn(move || {
                    group
                        .commit(|| {
                            flushes.fetch_add(1, Ordering::SeqCst);
                            (Err(sled::Error::Unsupported("磁盘故障".into())), ())
                        })
                        .is_err()
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        release.send(()).unwrap();
        assert!(first.join().unwrap().is_ok());
        for m in members {
            assert!(
                m.join().unwrap(),
                "a member of a failed batch was told it was saved"
            );
        }
        assert_eq!(
            flushes.load(Ordering::SeqCst),
            1,
            "the two gathered into one batch"
        );
    }
}
