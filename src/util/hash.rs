//! The hash table behind `dm_hash_*`: byte-string keys, any number of
//! entries per key, and entries ("nodes") that keep a stable address and a
//! stable identity until they are removed, so that C can hold
//! `struct dm_hash_node *` handles and walk the table with
//! `dm_hash_get_first` / `dm_hash_get_next`.
//!
//! Semantics follow libdm's comments in `libdevmapper.h`:
//! * [`HashTable::insert`] replaces the value of the first entry with the
//!   key, or adds an entry;
//! * [`HashTable::insert_multiple`] always adds an entry, in front of the
//!   existing ones with the same key;
//! * lookup and remove act on the first entry with the key ("first" being
//!   libdm's chain order: newest `insert_multiple` first, a plain `insert`
//!   of a new key behind the others);
//! * the `_with` variants pick the first entry whose value satisfies a
//!   predicate (`dm_hash_lookup_with_val`, `dm_hash_remove_with_val`).
//!
//! Iteration visits entries in insertion order (libdm's order follows its
//! hash function and is unspecified); an iteration position stays usable
//! when other entries are added or removed, including the current one.

use std::collections::{BTreeMap, HashMap, VecDeque};

/// One entry. Boxed, so its address (handed to C as the node handle) and
/// the address of its key do not move while it lives.
#[derive(Debug)]
struct Node<V> {
    /// The key bytes followed by one NUL that is not part of the key, so a
    /// string key can be handed to C as a C string.
    key: Box<[u8]>,
    value: V,
}

impl<V> Node<V> {
    fn key(&self) -> &[u8] {
        &self.key[..self.key.len() - 1]
    }
}

/// The identity of one entry, valid until that entry is removed. Ids are
/// never reused by the same table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u64);

/// A hash table with byte-string keys and possibly several entries per key.
#[derive(Debug)]
pub struct HashTable<V> {
    /// Every entry by id; ids grow with each insertion, so this is also the
    /// iteration order.
    nodes: BTreeMap<u64, Box<Node<V>>>,
    /// The ids of the entries with each key, in lookup order.
    by_key: HashMap<Box<[u8]>, VecDeque<u64>>,
    /// Node address -> id, to accept handles that C gives back.
    by_address: HashMap<usize, u64>,
    next_id: u64,
}

impl<V> Default for HashTable<V> {
    fn default() -> Self {
        HashTable::new(0)
    }
}

/// The most entries a size hint reserves room for up front; the table grows
/// past any hint.
const MAX_RESERVE: usize = 1 << 16;

impl<V> HashTable<V> {
    /// An empty table with room for about `size_hint` keys.
    pub fn new(size_hint: usize) -> HashTable<V> {
        let reserve = size_hint.min(MAX_RESERVE);
        HashTable {
            nodes: BTreeMap::new(),
            by_key: HashMap::with_capacity(reserve),
            by_address: HashMap::with_capacity(reserve),
            next_id: 0,
        }
    }

    /// Number of entries (`dm_hash_get_num_entries`).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the table has no entry.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn add(&mut self, key: &[u8], value: V, in_front: bool) -> NodeId {
        let id = self.next_id;
        self.next_id += 1;
        let mut stored = Vec::with_capacity(key.len() + 1);
        stored.extend_from_slice(key);
        stored.push(0);
        let node = Box::new(Node { key: stored.into_boxed_slice(), value });
        self.by_address.insert(&*node as *const Node<V> as usize, id);
        self.nodes.insert(id, node);
        let ids = self.by_key.entry(key.into()).or_default();
        if in_front {
            ids.push_front(id);
        } else {
            ids.push_back(id);
        }
        NodeId(id)
    }

    /// Sets the value of the first entry with `key`, returning the value it
    /// had, or adds an entry when there is none (`dm_hash_insert`).
    pub fn insert(&mut self, key: &[u8], value: V) -> Option<V> {
        match self.find(key, |_| true) {
            Some(id) => {
                let node = self.nodes.get_mut(&id.0).expect("indexed entry exists");
                Some(std::mem::replace(&mut node.value, value))
            }
            None => {
                self.add(key, value, false);
                None
            }
        }
    }

    /// Adds an entry even when the key has some already; it becomes the
    /// first of them (`dm_hash_insert_allow_multiple`).
    pub fn insert_multiple(&mut self, key: &[u8], value: V) -> NodeId {
        self.add(key, value, true)
    }

    /// The first entry with `key` whose value satisfies `pred`.
    pub fn find(&self, key: &[u8], mut pred: impl FnMut(&V) -> bool) -> Option<NodeId> {
        let ids = self.by_key.get(key)?;
        ids.iter().copied().find(|id| pred(&self.nodes[id].value)).map(NodeId)
    }

    /// The value of the first entry with `key` (`dm_hash_lookup`).
    pub fn lookup(&self, key: &[u8]) -> Option<&V> {
        self.find(key, |_| true).and_then(|id| self.value(id))
    }

    /// The value of the first entry with `key`, mutably.
    pub fn lookup_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        let id = self.find(key, |_| true)?;
        self.value_mut(id)
    }

    /// The value of the first entry with `key`, or of a new entry holding
    /// `value` when there is none.
    pub fn lookup_or_insert(&mut self, key: &[u8], value: V) -> &mut V {
        let id = match self.find(key, |_| true) {
            Some(id) => id,
            None => self.add(key, value, false),
        };
        self.value_mut(id).expect("the entry exists")
    }

    /// Every value with `key`, first one first.
    pub fn lookup_all<'a>(&'a self, key: &[u8]) -> impl Iterator<Item = &'a V> + 'a {
        self.by_key.get(key).into_iter().flatten().map(move |id| &self.nodes[id].value)
    }

    /// How many entries have `key`.
    pub fn count(&self, key: &[u8]) -> usize {
        self.by_key.get(key).map_or(0, VecDeque::len)
    }

    /// Removes the first entry with `key` and returns its value
    /// (`dm_hash_remove`).
    pub fn remove(&mut self, key: &[u8]) -> Option<V> {
        let id = self.find(key, |_| true)?;
        self.remove_node(id)
    }

    /// Removes the first entry with `key` whose value satisfies `pred`.
    pub fn remove_with(&mut self, key: &[u8], pred: impl FnMut(&V) -> bool) -> Option<V> {
        let id = self.find(key, pred)?;
        self.remove_node(id)
    }

    /// Removes one entry by id; None when it is gone already.
    pub fn remove_node(&mut self, id: NodeId) -> Option<V> {
        let node = self.nodes.remove(&id.0)?;
        self.by_address.remove(&(&*node as *const Node<V> as usize));
        let key = node.key();
        if let Some(ids) = self.by_key.get_mut(key) {
            ids.retain(|&i| i != id.0);
            if ids.is_empty() {
                self.by_key.remove(key);
            }
        }
        Some(node.value)
    }

    /// Removes every entry (`dm_hash_wipe`).
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.by_key.clear();
        self.by_address.clear();
    }

    /// The first entry in iteration order.
    pub fn first(&self) -> Option<NodeId> {
        self.nodes.keys().next().map(|&id| NodeId(id))
    }

    /// The entry after `id` in iteration order; `id` itself may have been
    /// removed meanwhile.
    pub fn next(&self, id: NodeId) -> Option<NodeId> {
        use std::ops::Bound::{Excluded, Unbounded};
        self.nodes.range((Excluded(id.0), Unbounded)).next().map(|(&id, _)| NodeId(id))
    }

    /// The id the next inserted entry will get: entries added from now on
    /// compare greater or equal to it.
    pub fn next_insert_id(&self) -> NodeId {
        NodeId(self.next_id)
    }

    /// Whether `id` is a live entry.
    pub fn contains(&self, id: NodeId) -> bool {
        self.nodes.contains_key(&id.0)
    }

    /// The key of an entry.
    pub fn key(&self, id: NodeId) -> Option<&[u8]> {
        self.nodes.get(&id.0).map(|n| n.key())
    }

    /// The key of an entry followed by a NUL, at an address that stays put
    /// until the entry is removed.
    pub fn key_with_nul(&self, id: NodeId) -> Option<&[u8]> {
        self.nodes.get(&id.0).map(|n| &n.key[..])
    }

    /// The value of an entry.
    pub fn value(&self, id: NodeId) -> Option<&V> {
        self.nodes.get(&id.0).map(|n| &n.value)
    }

    /// The value of an entry, mutably.
    pub fn value_mut(&mut self, id: NodeId) -> Option<&mut V> {
        self.nodes.get_mut(&id.0).map(|n| &mut n.value)
    }

    /// The stable address of an entry, the handle C gets for it.
    pub fn address(&self, id: NodeId) -> Option<usize> {
        self.nodes.get(&id.0).map(|n| &**n as *const Node<V> as usize)
    }

    /// The entry at a handle that [`HashTable::address`] gave out, if it is
    /// still in this table.
    pub fn by_address(&self, address: usize) -> Option<NodeId> {
        self.by_address.get(&address).map(|&id| NodeId(id))
    }

    /// Every entry as (key, value), in iteration order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> + '_ {
        self.nodes.values().map(|n| (n.key(), &n.value))
    }

    /// Every entry id, in iteration order.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.keys().map(|&id| NodeId(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replaces_and_lookup_finds() {
        let mut t = HashTable::new(4);
        assert!(t.is_empty());
        assert_eq!(t.insert(b"a", 1), None);
        assert_eq!(t.insert(b"b", 2), None);
        assert_eq!(t.insert(b"a", 3), Some(1));
        assert_eq!(t.len(), 2);
        assert_eq!(t.lookup(b"a"), Some(&3));
        assert_eq!(t.lookup(b"c"), None);
        *t.lookup_mut(b"b").unwrap() = 20;
        assert_eq!(t.lookup(b"b"), Some(&20));
        assert_eq!(t.remove(b"a"), Some(3));
        assert_eq!(t.remove(b"a"), None);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn lookup_or_insert_keeps_the_first_entry() {
        let mut t = HashTable::new(0);
        *t.lookup_or_insert(b"k", 1) += 10;
        assert_eq!(*t.lookup_or_insert(b"k", 5), 11);
        t.insert_multiple(b"k", 7);
        assert_eq!(*t.lookup_or_insert(b"k", 5), 7);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn binary_keys_are_bytes_not_strings() {
        let mut t = HashTable::new(0);
        t.insert(b"ab\0cd", 1);
        t.insert(b"ab", 2);
        t.insert(b"ab\0", 3);
        assert_eq!(t.len(), 3);
        assert_eq!(t.lookup(b"ab\0cd"), Some(&1));
        assert_eq!(t.lookup(b"ab"), Some(&2));
        assert_eq!(t.lookup(b"ab\0"), Some(&3));
        assert_eq!(t.lookup(b""), None);
        t.insert(b"", 4);
        assert_eq!(t.lookup(b""), Some(&4));
    }

    #[test]
    fn multiple_values_per_key() {
        let mut t = HashTable::new(0);
        t.insert_multiple(b"k", 1);
        t.insert_multiple(b"k", 2);
        t.insert_multiple(b"k", 3);
        assert_eq!(t.count(b"k"), 3);
        // The newest is first.
        assert_eq!(t.lookup(b"k"), Some(&3));
        assert_eq!(t.lookup_all(b"k").copied().collect::<Vec<_>>(), vec![3, 2, 1]);
        let two = t.find(b"k", |&v| v == 2).unwrap();
        assert_eq!(t.value(two), Some(&2));
        assert_eq!(t.remove_with(b"k", |&v| v == 2), Some(2));
        assert_eq!(t.remove_with(b"k", |&v| v == 2), None);
        assert_eq!(t.lookup_all(b"k").copied().collect::<Vec<_>>(), vec![3, 1]);
        // A plain insert replaces the first one.
        assert_eq!(t.insert(b"k", 30), Some(3));
        assert_eq!(t.remove(b"k"), Some(30));
        assert_eq!(t.lookup(b"k"), Some(&1));
        assert_eq!(t.count(b"k"), 1);
        assert_eq!(t.count(b"none"), 0);
    }

    #[test]
    fn iteration_survives_removal_and_insertion() {
        let mut t = HashTable::new(0);
        for (i, k) in ["a", "b", "c", "d"].iter().enumerate() {
            t.insert(k.as_bytes(), i);
        }
        let mut seen = Vec::new();
        let mut cur = t.first();
        while let Some(id) = cur {
            seen.push(*t.value(id).unwrap());
            if seen.len() == 2 {
                // Remove the current entry and the next one.
                let next = t.next(id).unwrap();
                t.remove_node(id);
                t.remove_node(next);
                assert!(!t.contains(id));
            }
            cur = t.next(id);
        }
        assert_eq!(seen, vec![0, 1, 3]);
        assert_eq!(t.iter().map(|(k, v)| (k.to_vec(), *v)).collect::<Vec<_>>(), vec![(b"a".to_vec(), 0), (b"d".to_vec(), 3)]);
        let bound = t.next_insert_id();
        t.insert(b"e", 4);
        assert!(t.ids().last().unwrap() >= bound);
    }

    #[test]
    fn handles_are_stable_and_checked() {
        let mut t = HashTable::new(0);
        t.insert(b"x", 1);
        let id = t.first().unwrap();
        let addr = t.address(id).unwrap();
        let key_ptr = t.key_with_nul(id).unwrap().as_ptr();
        for i in 0..1000u32 {
            t.insert(&i.to_le_bytes(), 0);
        }
        assert_eq!(t.address(id), Some(addr));
        assert_eq!(t.key_with_nul(id).unwrap().as_ptr(), key_ptr);
        assert_eq!(t.key_with_nul(id).unwrap(), b"x\0");
        assert_eq!(t.by_address(addr), Some(id));
        assert_eq!(t.by_address(addr + 1), None);
        t.remove(b"x");
        assert_eq!(t.by_address(addr), None);
        assert_eq!(t.key(id), None);
        t.clear();
        assert_eq!(t.len(), 0);
        assert_eq!(t.first(), None);
    }
}
