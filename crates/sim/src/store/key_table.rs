//! `KeyTable`: the store's slots by object key, a hash table whose entries keep their key's
//! hash.
//!
//! A hash table grows by moving every entry to a table twice the size, which needs every
//! entry's hash. Computed from the key, that reads the key's namespace and name — at 280,000
//! objects (100,000 pods and their Events) a read of cold memory per entry: the growth that
//! crossed 229,376 entries took 250–370 ms in the browser, the page's longest pause at
//! 100,000 pods. Kept in the entry, the hash is read with the entry, and a growth is a pass
//! over the table. A lookup compares the stored hash before the key, so it reaches a key's
//! strings only for the key it is after.
//!
//! An entry is 16 bytes, as std's map's entry of a key and a slot was: 32 bits of the hash
//! and a 32-bit slot beside the key. (The 100,000-replica run's peak RSS is about 1,000 MiB
//! of its 1 GiB target; with a whole hash and slot, a table of 524,288 entries and its
//! predecessor, during a growth, would hold 6 MiB more.)

use std::hash::BuildHasher;
use std::sync::Arc;

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use kubeplay_model::ObjectKey;

#[derive(Clone)]
struct Entry {
    hash: u32,
    /// Slots count in 32 bits: past them the store would hold four billion objects
    /// (terabytes), out of reach of any memory; the conversion saturates, not panics.
    slot: u32,
    key: Arc<ObjectKey>,
}

impl Entry {
    /// The 64-bit hash the table places entries by: hashbrown takes a bucket from the low
    /// bits and a tag from the top seven, so both halves carry the 32 bits kept.
    fn table_hash(&self) -> u64 {
        spread(self.hash)
    }
}

fn spread(hash: u32) -> u64 {
    (u64::from(hash) << 32) | u64::from(hash)
}

/// Whether an entry is `key`'s (of hash `hash`): the stored hash is compared first, so a
/// lookup reads the strings of no other key.
fn holds(hash: u32, key: &ObjectKey) -> impl Fn(&Entry) -> bool + '_ {
    move |entry| entry.hash == hash && *entry.key == *key
}

#[derive(Clone)]
pub(super) struct KeyTable {
    entries: HashTable<Entry>,
    /// Seeded alike in every run: a table's layout, and so its growth, repeats from a seed.
    hasher: FixedState,
}

impl Default for KeyTable {
    fn default() -> KeyTable {
        KeyTable {
            entries: HashTable::new(),
            hasher: FixedState::with_seed(0),
        }
    }
}

impl std::fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyTable")
            .field("len", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl KeyTable {
    fn hash(&self, key: &ObjectKey) -> u32 {
        // The low half of foldhash's result, whose bits are all mixed.
        self.hasher.hash_one(key) as u32
    }

    fn find(&self, key: &ObjectKey) -> Option<&Entry> {
        let hash = self.hash(key);
        self.entries.find(spread(hash), holds(hash, key))
    }

    /// The slot of `key`'s object.
    pub(super) fn get(&self, key: &ObjectKey) -> Option<usize> {
        self.find(key).map(|entry| entry.slot as usize)
    }

    /// The stored key (shared by the indexes that list the object) and its slot.
    pub(super) fn get_key_value(&self, key: &ObjectKey) -> Option<(&Arc<ObjectKey>, usize)> {
        self.find(key)
            .map(|entry| (&entry.key, entry.slot as usize))
    }

    pub(super) fn contains(&self, key: &ObjectKey) -> bool {
        self.find(key).is_some()
    }

    /// Adds a key the table does not hold.
    pub(super) fn insert_new(&mut self, key: Arc<ObjectKey>, slot: usize) {
        let hash = self.hash(&key);
        debug_assert!(self.get(&key).is_none(), "{key} is in the table already");
        let slot = u32::try_from(slot).unwrap_or(u32::MAX);
        self.entries
            .insert_unique(spread(hash), Entry { hash, slot, key }, Entry::table_hash);
    }

    /// Takes `key` out, answering the stored key and its slot.
    pub(super) fn remove(&mut self, key: &ObjectKey) -> Option<(Arc<ObjectKey>, usize)> {
        let hash = self.hash(key);
        let found = self
            .entries
            .find_entry(spread(hash), holds(hash, key))
            .ok()?;
        let (entry, _) = found.remove();
        Some((entry.key, entry.slot as usize))
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_model::Kind;

    fn pod(name: &str) -> ObjectKey {
        ObjectKey::new(Kind::Pod, "default", name)
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_entry_is_as_small_as_a_key_and_a_slot() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
    }

    #[test]
    fn keys_are_found_kept_and_removed_through_growth() {
        let mut table = KeyTable::default();
        for index in 0..5_000 {
            table.insert_new(Arc::new(pod(&format!("demo-{index}"))), index);
        }
        assert_eq!(table.len(), 5_000);
        assert_eq!(table.get(&pod("demo-4321")), Some(4321));
        assert!(table.contains(&pod("demo-0")));
        assert!(!table.contains(&ObjectKey::new(Kind::Event, "default", "demo-0")));
        let (stored, slot) = table.get_key_value(&pod("demo-7")).expect("stored");
        assert_eq!((stored.as_ref(), slot), (&pod("demo-7"), 7));

        let (removed, slot) = table.remove(&pod("demo-7")).expect("removed");
        assert_eq!((removed.as_ref(), slot), (&pod("demo-7"), 7));
        assert_eq!(table.remove(&pod("demo-7")), None);
        assert_eq!(table.get(&pod("demo-7")), None);
        assert_eq!(table.len(), 4_999);
        assert!(
            (0..5_000)
                .filter(|index| *index != 7)
                .all(|index| table.get(&pod(&format!("demo-{index}"))) == Some(index))
        );
    }
}
