//! C entry points: hash. A `struct dm_hash_table *` is a boxed
//! [`HashTable`] of C values; a `struct dm_hash_node *` is the stable
//! address of one entry, checked against the table before use, so a stale
//! or foreign node handle is a logged error rather than a crash.

use std::ffi::*;
use std::ptr;

use crate::capi::arg::{self, handle, handle_mut};
use crate::capi::boundary::log_null;
use crate::capi::handle::{self as h, Castable, OwnershipBox};
use crate::capi::list::node;
use crate::capi::types::*;
use crate::util::hash::{HashTable, NodeId};

/// What C stores under a key: its pointer, and for entries added with
/// `dm_hash_insert_allow_multiple` the length of the value it points to
/// (which `dm_hash_lookup_with_val` compares).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CValue {
    data: *mut c_void,
    len: u32,
}

type Table = HashTable<CValue>;

/// C owns a table: dm_hash_create makes it, dm_hash_destroy frees it.
impl Castable for dm_hash_table {
    type Ownership = OwnershipBox;
    type Rust = Table;
}

/// A C string key: its bytes and the NUL, as libdm hashes string keys
/// (so "a" and the binary key "a\0" are the same key, as in libdm).
fn string_key<'a>(function: &str, argument: &str, key: *const c_char) -> Option<&'a [u8]> {
    arg::cstr(function, argument, key).map(CStr::to_bytes_with_nul)
}

/// Whether an entry's value is the bytes `val` (libdm: a non-NULL value
/// with the same length and contents).
fn same_value(v: &CValue, val: &[u8]) -> bool {
    if v.data.is_null() || v.len as usize != val.len() {
        return false;
    }
    // SAFETY: an entry with a length was added by
    // dm_hash_insert_allow_multiple, whose contract is that its value has
    // that many readable bytes while the entry lives.
    val.is_empty() || unsafe { std::slice::from_raw_parts(v.data.cast::<u8>(), val.len()) } == val
}

/// The value argument of the `_with_val` functions: `val_len` bytes (none
/// for NULL with length 0).
fn value_bytes<'a>(function: &str, val: *const c_void, val_len: u32) -> Option<&'a [u8]> {
    if val.is_null() && val_len == 0 {
        return Some(&[]);
    }
    arg::slice(function, "val", val.cast(), val_len as usize)
}

/// The entry a C node handle names, or a logged error.
fn node_id(name: &str, t: &Table, n: *mut dm_hash_node) -> Option<NodeId> {
    let id = t.by_address(n as usize);
    if id.is_none() {
        crate::log_error!(errno = libc::EINVAL; "{}{name}: node {n:p} is not in this hash table", crate::log::INTERNAL_ERROR);
    }
    id
}

fn node_handle(t: &Table, id: Option<NodeId>) -> *mut dm_hash_node {
    id.and_then(|id| t.address(id)).map_or(ptr::null_mut(), |a| a as *mut dm_hash_node)
}

fn data(v: Option<&CValue>) -> *mut c_void {
    v.map_or(ptr::null_mut(), |v| v.data)
}

/// `dm_hash_insert`: replaces the pointer of the first entry with the key
/// (keeping the value length it had), or adds an entry.
fn insert(t: &mut Table, key: &[u8], data: *mut c_void) -> c_int {
    t.lookup_or_insert(key, CValue { data, len: 0 }).data = data;
    1
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_create(size_hint: c_uint) -> *mut dm_hash_table {
    ffi!("dm_hash_create", ptr::null_mut() => { h::to_boxed_mut_ptr(Table::new(size_hint as usize)) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_destroy(t: *mut dm_hash_table) {
    ffi!("dm_hash_destroy", () => { h::free_box(t) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_wipe(t: *mut dm_hash_table) {
    ffi!("dm_hash_wipe", (); t: handle_mut => t.clear())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup(t: *mut dm_hash_table, key: *const c_char) -> *mut c_void {
    ffi!("dm_hash_lookup", ptr::null_mut(); t: handle, key: string_key => data(t.lookup(key)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert(t: *mut dm_hash_table, key: *const c_char, data: *mut c_void) -> c_int {
    ffi!("dm_hash_insert", 0; t: handle_mut, key: string_key => insert(t, key, data))
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove(t: *mut dm_hash_table, key: *const c_char) {
    ffi!("dm_hash_remove", (); t: handle_mut, key: string_key => {
        t.remove(key);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_binary(t: *mut dm_hash_table, key: *const c_void, len: u32) -> *mut c_void {
    ffi!("dm_hash_lookup_binary", ptr::null_mut(); t: handle => {
        arg::slice("dm_hash_lookup_binary", "key", key.cast::<u8>(), len as usize).map_or(ptr::null_mut(), |key| data(t.lookup(key)))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert_binary(t: *mut dm_hash_table, key: *const c_void, len: u32, data: *mut c_void) -> c_int {
    ffi!("dm_hash_insert_binary", 0; t: handle_mut => {
        arg::slice("dm_hash_insert_binary", "key", key.cast::<u8>(), len as usize).map_or(0, |key| insert(t, key, data))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove_binary(t: *mut dm_hash_table, key: *const c_void, len: u32) {
    ffi!("dm_hash_remove_binary", (); t: handle_mut => {
        if let Some(key) = arg::slice("dm_hash_remove_binary", "key", key.cast::<u8>(), len as usize) {
            t.remove(key);
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_num_entries(t: *mut dm_hash_table) -> c_uint {
    ffi!("dm_hash_get_num_entries", 0; t: handle => c_uint::try_from(t.len()).unwrap_or(c_uint::MAX))
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_iter(t: *mut dm_hash_table, f: dm_hash_iterate_fn) {
    ffi!("dm_hash_iter", () => {
        // The callback may insert or remove entries (the current one
        // included): no borrow of the table is held while it runs, the
        // position is re-found after it, and entries it adds are not
        // visited.
        let table = || handle::<dm_hash_table>("dm_hash_iter", "t", t);
        let Some((mut cur, end)) = table().map(|t| (t.first(), t.next_insert_id())) else { return };
        let Some(f) = f else { return log_null("dm_hash_iter", "f") };
        while let Some(id) = cur.filter(|&id| id < end) {
            if let Some(data) = table().and_then(|t| t.value(id)).map(|v| v.data) {
                // SAFETY: a C function pointer given by the caller.
                unsafe { f(data) };
            }
            cur = table().and_then(|t| t.next(id));
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_key(t: *mut dm_hash_table, n: *mut dm_hash_node) -> *mut c_char {
    ffi!("dm_hash_get_key", ptr::null_mut(); t: handle, n: node => node_id("dm_hash_get_key", t, n).and_then(|id| t.key_with_nul(id)).map_or(ptr::null_mut(), |k| k.as_ptr() as *mut c_char))
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_data(t: *mut dm_hash_table, n: *mut dm_hash_node) -> *mut c_void {
    ffi!("dm_hash_get_data", ptr::null_mut(); t: handle, n: node => data(node_id("dm_hash_get_data", t, n).and_then(|id| t.value(id))))
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_first(t: *mut dm_hash_table) -> *mut dm_hash_node {
    ffi!("dm_hash_get_first", ptr::null_mut(); t: handle => node_handle(t, t.first()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_next(t: *mut dm_hash_table, n: *mut dm_hash_node) -> *mut dm_hash_node {
    ffi!("dm_hash_get_next", ptr::null_mut(); t: handle, n: node => node_handle(t, node_id("dm_hash_get_next", t, n).and_then(|id| t.next(id))))
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_with_val(t: *mut dm_hash_table, key: *const c_char, val: *const c_void, val_len: u32) -> *mut c_void {
    ffi!("dm_hash_lookup_with_val", ptr::null_mut(); t: handle, key: string_key => {
        let Some(val) = value_bytes("dm_hash_lookup_with_val", val, val_len) else { return ptr::null_mut() };
        data(t.find(key, |v| same_value(v, val)).and_then(|id| t.value(id)))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove_with_val(t: *mut dm_hash_table, key: *const c_char, val: *const c_void, val_len: u32) {
    ffi!("dm_hash_remove_with_val", (); t: handle_mut, key: string_key => {
        if let Some(val) = value_bytes("dm_hash_remove_with_val", val, val_len) {
            t.remove_with(key, |v| same_value(v, val));
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert_allow_multiple(t: *mut dm_hash_table, key: *const c_char, val: *const c_void, val_len: u32) -> c_int {
    ffi!("dm_hash_insert_allow_multiple", 0; t: handle_mut, key: string_key => {
        t.insert_multiple(key, CValue { data: val as *mut c_void, len: val_len });
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_with_count(t: *mut dm_hash_table, key: *const c_char, count: *mut c_int) -> *mut c_void {
    ffi!("dm_hash_lookup_with_count", ptr::null_mut(); t: handle, key: string_key, count: arg::out => {
        count.set(c_int::try_from(t.count(key)).unwrap_or(c_int::MAX));
        data(t.lookup(key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn string_binary_and_multiple_keys() {
        let (mut one, mut two, mut three) = (1i32, 2i32, 3i32);
        let (p1, p2, p3) = (&mut one as *mut i32 as *mut c_void, &mut two as *mut i32 as *mut c_void, &mut three as *mut i32 as *mut c_void);
        // SAFETY: the test owns the table and the values.
        unsafe {
            let t = dm_hash_create(4);
            assert_eq!(dm_hash_insert(t, c"a".as_ptr(), p1), 1);
            assert_eq!(dm_hash_insert(t, c"a".as_ptr(), p2), 1);
            assert_eq!(dm_hash_get_num_entries(t), 1);
            assert_eq!(dm_hash_lookup(t, c"a".as_ptr()), p2);
            // A string key is its bytes and the NUL.
            assert_eq!(dm_hash_lookup_binary(t, c"a".as_ptr().cast(), 2), p2);
            assert!(dm_hash_lookup_binary(t, b"a".as_ptr().cast(), 1).is_null());
            assert_eq!(dm_hash_insert_binary(t, b"\x00\x01".as_ptr().cast(), 2, p3), 1);
            assert_eq!(dm_hash_lookup_binary(t, b"\x00\x01".as_ptr().cast(), 2), p3);
            dm_hash_remove_binary(t, b"\x00\x01".as_ptr().cast(), 2);
            assert!(dm_hash_lookup_binary(t, b"\x00\x01".as_ptr().cast(), 2).is_null());

            let mut count = -1;
            assert_eq!(dm_hash_insert_allow_multiple(t, c"m".as_ptr(), p1, 4), 1);
            assert_eq!(dm_hash_insert_allow_multiple(t, c"m".as_ptr(), p2, 4), 1);
            assert_eq!(dm_hash_lookup_with_count(t, c"m".as_ptr(), &mut count), p2);
            assert_eq!(count, 2);
            let want = 1i32;
            assert_eq!(dm_hash_lookup_with_val(t, c"m".as_ptr(), (&want as *const i32).cast(), 4), p1);
            assert!(dm_hash_lookup_with_val(t, c"m".as_ptr(), (&want as *const i32).cast(), 2).is_null());
            dm_hash_remove_with_val(t, c"m".as_ptr(), (&want as *const i32).cast(), 4);
            assert_eq!(dm_hash_lookup_with_count(t, c"m".as_ptr(), &mut count), p2);
            assert_eq!(count, 1);
            assert!(dm_hash_lookup_with_count(t, c"none".as_ptr(), &mut count).is_null());
            assert_eq!(count, 0);
            // A plain entry matches val_len 0.
            assert_eq!(dm_hash_lookup_with_val(t, c"a".as_ptr(), ptr::null(), 0), p2);
            dm_hash_remove(t, c"a".as_ptr());
            assert!(dm_hash_lookup(t, c"a".as_ptr()).is_null());
            assert_eq!(dm_hash_get_num_entries(t), 1);
            dm_hash_wipe(t);
            assert_eq!(dm_hash_get_num_entries(t), 0);
            dm_hash_destroy(t);
            dm_hash_destroy(ptr::null_mut());
        }
    }

    static CALLS: AtomicUsize = AtomicUsize::new(0);
    static TABLE: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn remove_self(data: *mut c_void) {
        CALLS.fetch_add(1, Ordering::SeqCst);
        let t = TABLE.load(Ordering::SeqCst) as *mut dm_hash_table;
        // SAFETY: data is the key string the test stored; the table is live.
        unsafe {
            dm_hash_remove(t, data as *const c_char);
            dm_hash_insert(t, c"added".as_ptr(), c"added".as_ptr() as *mut c_void);
        }
    }

    #[test]
    fn iteration_by_node_and_by_callback() {
        let keys = [c"k0", c"k1", c"k2", c"k3"];
        // SAFETY: the test owns the table; keys are static strings.
        unsafe {
            let t = dm_hash_create(0);
            for k in keys {
                dm_hash_insert(t, k.as_ptr(), k.as_ptr() as *mut c_void);
            }
            let mut seen = Vec::new();
            let mut n = dm_hash_get_first(t);
            while !n.is_null() {
                let key = CStr::from_ptr(dm_hash_get_key(t, n));
                assert_eq!(dm_hash_get_data(t, n) as *const c_char, keys.iter().find(|k| **k == key).unwrap().as_ptr());
                seen.push(key.to_owned());
                n = dm_hash_get_next(t, n);
            }
            seen.sort();
            assert_eq!(seen, keys.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>());

            // A stale node is refused, not followed.
            let first = dm_hash_get_first(t);
            let key = CStr::from_ptr(dm_hash_get_key(t, first)).to_owned();
            dm_hash_remove(t, key.as_ptr());
            assert!(dm_hash_get_next(t, first).is_null());
            assert!(dm_hash_get_key(t, first).is_null());
            let same = keys.iter().find(|k| **k == key.as_c_str()).unwrap();
            dm_hash_insert(t, key.as_ptr(), same.as_ptr() as *mut c_void);

            // The callback removes its own entry and adds one: every
            // original entry is visited once, the added one not at all.
            TABLE.store(t as usize, Ordering::SeqCst);
            dm_hash_iter(t, Some(remove_self));
            assert_eq!(CALLS.load(Ordering::SeqCst), 4);
            assert_eq!(dm_hash_get_num_entries(t), 1);
            assert!(!dm_hash_lookup(t, c"added".as_ptr()).is_null());
            dm_hash_iter(t, None);
            dm_hash_destroy(t);
        }
    }

    #[test]
    fn null_tables_are_refused() {
        // SAFETY: NULLs are what is being tested.
        unsafe {
            assert!(dm_hash_lookup(ptr::null_mut(), c"x".as_ptr()).is_null());
            assert_eq!(dm_hash_insert(ptr::null_mut(), c"x".as_ptr(), ptr::null_mut()), 0);
            assert_eq!(dm_hash_get_num_entries(ptr::null_mut()), 0);
            assert!(dm_hash_get_first(ptr::null_mut()).is_null());
            let t = dm_hash_create(0);
            assert_eq!(dm_hash_insert(t, ptr::null(), ptr::null_mut()), 0);
            assert!(dm_hash_lookup_with_count(t, c"x".as_ptr(), ptr::null_mut()).is_null());
            assert!(dm_hash_get_key(t, ptr::null_mut()).is_null());
            assert!(dm_hash_get_data(t, 0x1000 as *mut dm_hash_node).is_null());
            dm_hash_destroy(t);
        }
    }
}
