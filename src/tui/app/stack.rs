//! The open panes: the queue at the bottom, those in front of it, and those closed but
//! kept; each with the number its requests' answers are addressed to.

use crate::tui::panes::{Effect, Env, Notice, Pane, PaneKind};

/// A pane, with the number its requests' answers are addressed to.
pub(super) struct Slot {
    pub(super) id: u64,
    pub(super) pane: Box<dyn Pane>,
}

/// The open panes: the queue, those in front of it, and those closed but kept.
pub(super) struct Panes {
    pub(super) queue: Slot,
    /// In front of the queue, the front pane last.
    pub(super) stack: Vec<Slot>,
    /// Closed but kept, to come back when their kind is opened again.
    pub(super) kept: Vec<Slot>,
    pub(super) next_id: u64,
}

impl Panes {
    pub(super) fn front(&self) -> &dyn Pane {
        self.stack.last().unwrap_or(&self.queue).pane.as_ref()
    }

    pub(super) fn front_mut(&mut self) -> &mut Slot {
        self.stack.last_mut().unwrap_or(&mut self.queue)
    }

    pub(super) fn all_mut(&mut self) -> impl Iterator<Item = &mut Slot> {
        std::iter::once(&mut self.queue)
            .chain(self.stack.iter_mut())
            .chain(self.kept.iter_mut())
    }

    pub(super) fn ids(&self) -> Vec<u64> {
        std::iter::once(&self.queue)
            .chain(&self.stack)
            .chain(&self.kept)
            .map(|s| s.id)
            .collect()
    }

    pub(super) fn get_mut(&mut self, id: u64) -> Option<&mut Slot> {
        self.all_mut().find(|s| s.id == id)
    }

    /// What every pane does on hearing `notice`, each effect with the pane it is for.
    pub(super) fn hear(&mut self, notice: &Notice, env: &Env) -> Vec<(u64, Effect)> {
        let mut effects = Vec::new();
        for slot in self.all_mut() {
            effects.extend(
                slot.pane
                    .notice(notice, env)
                    .into_iter()
                    .map(|e| (slot.id, e)),
            );
        }
        effects
    }

    /// A new pane's slot, with what it asks for as it starts.
    pub(super) fn slot(&mut self, mut pane: Box<dyn Pane>, env: &Env) -> (Slot, Vec<Effect>) {
        self.next_id += 1;
        let effects = pane.start(env);
        (
            Slot {
                id: self.next_id,
                pane,
            },
            effects,
        )
    }

    /// Opens `pane` in front: a kept pane of its kind comes back instead, and one of its
    /// kind already open is closed first, with everything in front of it.
    pub(super) fn open(&mut self, pane: Box<dyn Pane>, env: &Env) -> Vec<(u64, Effect)> {
        let kind = pane.kind();
        if kind == PaneKind::Queue {
            self.close_to_queue();
            return Vec::new();
        }
        if let Some(at) = self.stack.iter().position(|s| s.pane.kind() == kind) {
            while self.stack.len() > at {
                self.pop();
            }
        }
        if let Some(at) = self.kept.iter().position(|s| s.pane.kind() == kind) {
            let slot = self.kept.remove(at);
            self.stack.push(slot);
            return Vec::new();
        }
        let (slot, effects) = self.slot(pane, env);
        let id = slot.id;
        self.stack.push(slot);
        effects.into_iter().map(|e| (id, e)).collect()
    }

    pub(super) fn close(&mut self, id: u64) {
        if let Some(at) = self.stack.iter().position(|s| s.id == id) {
            let slot = self.stack.remove(at);
            self.keep_or_drop(slot);
        }
    }

    pub(super) fn close_to_queue(&mut self) {
        while !self.stack.is_empty() {
            self.pop();
        }
    }

    pub(super) fn pop(&mut self) {
        if let Some(slot) = self.stack.pop() {
            self.keep_or_drop(slot);
        }
    }

    pub(super) fn keep_or_drop(&mut self, slot: Slot) {
        if slot.pane.keep_when_closed() {
            self.kept.push(slot);
        }
    }
}
