//! The store's journal: the most recent watch events with the resourceVersion each one
//! happened at, kept only when something outside the simulation watches (`kubeplay serve`),
//! as the API server's watch cache keeps a window of history. A watch that asks for a
//! version older than the window gets 410 Gone ("too old resource version").

use std::collections::VecDeque;

use crate::store::WatchEvent;

/// One journalled change: the event and the store's resourceVersion once it was made (a
/// removal takes no version of its own here, so it carries the latest write's).
#[derive(Clone, Debug)]
pub struct JournalEntry {
    /// Position among all changes ever journalled (removals share versions, not positions).
    pub sequence: u64,
    pub resource_version: u64,
    pub event: WatchEvent,
}

/// A window of recent changes; `capacity` 0 keeps nothing (the default: the page and
/// `kubeplay run` have no outside watchers).
#[derive(Clone, Default)]
pub struct Journal {
    capacity: usize,
    entries: VecDeque<JournalEntry>,
    /// The newest resourceVersion that fell out of the window (0: nothing did).
    forgotten_through: u64,
    /// How many changes were ever journalled: the next one's sequence.
    next_sequence: u64,
}

/// A watch from a version the window no longer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooOld {
    pub requested: u64,
    /// The oldest version a watch can still start from.
    pub oldest: u64,
}

impl Journal {
    pub(crate) fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        self.trim();
    }

    pub(crate) fn record(&mut self, resource_version: u64, event: &WatchEvent) {
        if self.capacity == 0 {
            return;
        }
        self.entries.push_back(JournalEntry {
            sequence: self.next_sequence,
            resource_version,
            // With what a modification replaced: a watch with a selector sends an object
            // that stops matching as DELETED, as the watch cache compares the two.
            event: event.clone(),
        });
        self.next_sequence += 1;
        self.trim();
    }

    fn trim(&mut self) {
        while self.entries.len() > self.capacity {
            if let Some(entry) = self.entries.pop_front() {
                self.forgotten_through = self.forgotten_through.max(entry.resource_version);
            }
        }
    }

    /// The changes made after `resource_version`, oldest first, or [`TooOld`] when some of
    /// them have already been forgotten.
    pub fn since(
        &self,
        resource_version: u64,
    ) -> Result<impl Iterator<Item = &JournalEntry>, TooOld> {
        if resource_version < self.forgotten_through {
            return Err(TooOld {
                requested: resource_version,
                oldest: self.forgotten_through,
            });
        }
        let start = self
            .entries
            .partition_point(|entry| entry.resource_version <= resource_version);
        Ok(self.entries.range(start..))
    }

    /// The changes from position `sequence` on, or None once some of them were forgotten
    /// (a watcher that fell that far behind must start again).
    pub fn from_sequence(&self, sequence: u64) -> Option<impl Iterator<Item = &JournalEntry>> {
        let first = self
            .entries
            .front()
            .map_or(self.next_sequence, |e| e.sequence);
        if sequence < first {
            return None;
        }
        let skip = usize::try_from(sequence - first).ok()?;
        Some(self.entries.iter().skip(skip))
    }

    /// The position the next change will take.
    pub fn next_sequence(&self) -> u64 {
        self.next_sequence
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::WatchEventType;
    use kubeplay_model::Object;

    fn event() -> WatchEvent {
        WatchEvent {
            event_type: WatchEventType::Added,
            object: Object::ConfigMap(Default::default()).into(),
            previous: None,
        }
    }

    #[test]
    fn keeps_a_window_and_refuses_versions_before_it() {
        let mut journal = Journal::default();
        journal.record(1, &event());
        assert!(journal.is_empty(), "no capacity, nothing kept");
        journal.set_capacity(2);
        for version in [5, 6, 7] {
            journal.record(version, &event());
        }
        let versions = |from| -> Vec<u64> {
            journal
                .since(from)
                .map(|entries| entries.map(|e| e.resource_version).collect())
                .unwrap_or_default()
        };
        assert_eq!(versions(5), vec![6, 7]);
        assert_eq!(versions(6), vec![7]);
        assert_eq!(versions(7), Vec::<u64>::new());
        let sequences: Vec<u64> = journal
            .from_sequence(2)
            .map(|entries| entries.map(|e| e.sequence).collect())
            .unwrap_or_default();
        assert_eq!(sequences, vec![2]);
        assert!(journal.from_sequence(0).is_none(), "forgotten");
        assert_eq!(journal.next_sequence(), 3);
        assert_eq!(
            journal.since(4).err(),
            Some(TooOld {
                requested: 4,
                oldest: 5
            })
        );
    }
}
