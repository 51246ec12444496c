//! C entry points: hash. A `struct dm_hash_table *` is a boxed
//! [`HashTable`] of C values; a `struct dm_hash_node *` is the stable
//! address of one entry, checked against the table before use, so a stale
//! or foreign node handle is a logged error rather than a crash.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;
use crate::util::hash::{HashTable, NodeId};

/// `require!` for functions that return nothing (`require!(.., ())` trips
/// clippy's unused_unit).
macro_rules! require_void {
    ($name:literal, $ptr:ident) => {
        if $ptr.is_null() {
            $crate::capi::boundary::log_null($name, stringify!($ptr));
            return;
        }
    };
}

/// What C stores under a key: its pointer, and for entries added with
/// `dm_hash_insert_allow_multiple` the length of the value it points to
/// (which `dm_hash_lookup_with_val` compares).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CValue {
    data: *mut c_void,
    len: u32,
}

type Table = HashTable<CValue>;

/// The table behind a C handle.
///
/// # Safety
/// `t` must be non-NULL and come from `dm_hash_create`, not yet destroyed;
/// the reference must not be live across a call back into C.
unsafe fn table<'a>(t: *mut dm_hash_table) -> &'a mut Table {
    // SAFETY: per this function's contract.
    unsafe { &mut *(t as *mut Table) }
}

/// The bytes of a C string key, NUL included, as libdm hashes string keys
/// (so "a" and the binary key "a\0" are the same key, as in libdm).
///
/// # Safety
/// `key` is a non-NULL C string.
unsafe fn string_key<'a>(key: *const c_char) -> &'a [u8] {
    // SAFETY: per this function's contract.
    unsafe { CStr::from_ptr(key) }.to_bytes_with_nul()
}

/// # Safety
/// `key` is non-NULL with `len` readable bytes.
unsafe fn binary_key<'a>(key: *const c_void, len: u32) -> &'a [u8] {
    // SAFETY: per this function's contract.
    unsafe { std::slice::from_raw_parts(key as *const u8, len as usize) }
}

/// Whether an entry's value is `val_len` bytes equal to those at `val`
/// (libdm: a non-NULL value with the same length and contents).
///
/// # Safety
/// `val` has `val_len` readable bytes; each entry's data has its `len`
/// readable bytes (the contract of `dm_hash_insert_allow_multiple`).
unsafe fn same_value(v: &CValue, val: *const c_void, val_len: u32) -> bool {
    if v.data.is_null() || v.len != val_len {
        return false;
    }
    if val_len == 0 {
        return true;
    }
    // SAFETY: per this function's contract, both have val_len bytes.
    unsafe { libc::memcmp(v.data, val, val_len as usize) == 0 }
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

#[no_mangle]
pub unsafe extern "C" fn dm_hash_create(size_hint: c_uint) -> *mut dm_hash_table {
    ffi!("dm_hash_create", ptr::null_mut() => {
        Box::into_raw(Box::new(Table::new(size_hint as usize))) as *mut dm_hash_table
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_destroy(t: *mut dm_hash_table) {
    if t.is_null() {
        return;
    }
    ffi!("dm_hash_destroy", () => {
        // SAFETY: the caller gives back a pointer from dm_hash_create, once.
        drop(unsafe { Box::from_raw(t as *mut Table) });
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_wipe(t: *mut dm_hash_table) {
    ffi!("dm_hash_wipe", () => {
        require_void!("dm_hash_wipe", t);
        // SAFETY: a live table, per the caller's contract.
        unsafe { table(t) }.clear();
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup(t: *mut dm_hash_table, key: *const c_char) -> *mut c_void {
    ffi!("dm_hash_lookup", ptr::null_mut() => {
        require!("dm_hash_lookup", t, ptr::null_mut());
        require!("dm_hash_lookup", key, ptr::null_mut());
        // SAFETY: a live table and a C string, per the caller's contract.
        let (t, key) = unsafe { (table(t), string_key(key)) };
        t.lookup(key).map_or(ptr::null_mut(), |v| v.data)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert(t: *mut dm_hash_table, key: *const c_char, data: *mut c_void) -> c_int {
    ffi!("dm_hash_insert", 0 => {
        require!("dm_hash_insert", t, 0);
        require!("dm_hash_insert", key, 0);
        // SAFETY: a live table and a C string, per the caller's contract.
        let (t, key) = unsafe { (table(t), string_key(key)) };
        insert(t, key, data);
        1
    })
}

/// `dm_hash_insert`: replaces the pointer of the first entry with the key
/// (keeping the value length it had), or adds an entry.
fn insert(t: &mut Table, key: &[u8], data: *mut c_void) {
    match t.lookup_mut(key) {
        Some(v) => v.data = data,
        None => {
            t.insert(key, CValue { data, len: 0 });
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove(t: *mut dm_hash_table, key: *const c_char) {
    ffi!("dm_hash_remove", () => {
        require_void!("dm_hash_remove", t);
        require_void!("dm_hash_remove", key);
        // SAFETY: a live table and a C string, per the caller's contract.
        let (t, key) = unsafe { (table(t), string_key(key)) };
        t.remove(key);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_binary(t: *mut dm_hash_table, key: *const c_void, len: u32) -> *mut c_void {
    ffi!("dm_hash_lookup_binary", ptr::null_mut() => {
        require!("dm_hash_lookup_binary", t, ptr::null_mut());
        require!("dm_hash_lookup_binary", key, ptr::null_mut());
        // SAFETY: a live table and `len` key bytes, per the caller's contract.
        let (t, key) = unsafe { (table(t), binary_key(key, len)) };
        t.lookup(key).map_or(ptr::null_mut(), |v| v.data)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert_binary(t: *mut dm_hash_table, key: *const c_void, len: u32, data: *mut c_void) -> c_int {
    ffi!("dm_hash_insert_binary", 0 => {
        require!("dm_hash_insert_binary", t, 0);
        require!("dm_hash_insert_binary", key, 0);
        // SAFETY: a live table and `len` key bytes, per the caller's contract.
        let (t, key) = unsafe { (table(t), binary_key(key, len)) };
        insert(t, key, data);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove_binary(t: *mut dm_hash_table, key: *const c_void, len: u32) {
    ffi!("dm_hash_remove_binary", () => {
        require_void!("dm_hash_remove_binary", t);
        require_void!("dm_hash_remove_binary", key);
        // SAFETY: a live table and `len` key bytes, per the caller's contract.
        let (t, key) = unsafe { (table(t), binary_key(key, len)) };
        t.remove(key);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_num_entries(t: *mut dm_hash_table) -> c_uint {
    ffi!("dm_hash_get_num_entries", 0 => {
        require!("dm_hash_get_num_entries", t, 0);
        // SAFETY: a live table, per the caller's contract.
        c_uint::try_from(unsafe { table(t) }.len()).unwrap_or(c_uint::MAX)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_iter(t: *mut dm_hash_table, f: dm_hash_iterate_fn) {
    ffi!("dm_hash_iter", () => {
        require_void!("dm_hash_iter", t);
        let Some(f) = f else {
            crate::capi::boundary::log_null("dm_hash_iter", "f");
            return;
        };
        // The callback may insert or remove entries (the current one
        // included): no borrow of the table is held while it runs, the
        // position is re-found after it, and entries it adds are not
        // visited.
        let (mut cur, end) = {
            // SAFETY: a live table, per the caller's contract.
            let t = unsafe { table(t) };
            (t.first(), t.next_insert_id())
        };
        while let Some(id) = cur.filter(|&id| id < end) {
            // SAFETY: as above; the borrow ends before the callback.
            let data = unsafe { table(t) }.value(id).map(|v| v.data);
            if let Some(data) = data {
                // SAFETY: a C function pointer given by the caller.
                unsafe { f(data) };
            }
            // SAFETY: as above.
            cur = unsafe { table(t) }.next(id);
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_key(t: *mut dm_hash_table, n: *mut dm_hash_node) -> *mut c_char {
    ffi!("dm_hash_get_key", ptr::null_mut() => {
        require!("dm_hash_get_key", t, ptr::null_mut());
        require!("dm_hash_get_key", n, ptr::null_mut());
        // SAFETY: a live table, per the caller's contract.
        let t = unsafe { table(t) };
        node_id("dm_hash_get_key", t, n)
            .and_then(|id| t.key_with_nul(id))
            .map_or(ptr::null_mut(), |k| k.as_ptr() as *mut c_char)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_data(t: *mut dm_hash_table, n: *mut dm_hash_node) -> *mut c_void {
    ffi!("dm_hash_get_data", ptr::null_mut() => {
        require!("dm_hash_get_data", t, ptr::null_mut());
        require!("dm_hash_get_data", n, ptr::null_mut());
        // SAFETY: a live table, per the caller's contract.
        let t = unsafe { table(t) };
        node_id("dm_hash_get_data", t, n).and_then(|id| t.value(id)).map_or(ptr::null_mut(), |v| v.data)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_first(t: *mut dm_hash_table) -> *mut dm_hash_node {
    ffi!("dm_hash_get_first", ptr::null_mut() => {
        require!("dm_hash_get_first", t, ptr::null_mut());
        // SAFETY: a live table, per the caller's contract.
        let t = unsafe { table(t) };
        node_handle(t, t.first())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_next(t: *mut dm_hash_table, n: *mut dm_hash_node) -> *mut dm_hash_node {
    ffi!("dm_hash_get_next", ptr::null_mut() => {
        require!("dm_hash_get_next", t, ptr::null_mut());
        require!("dm_hash_get_next", n, ptr::null_mut());
        // SAFETY: a live table, per the caller's contract.
        let t = unsafe { table(t) };
        let next = node_id("dm_hash_get_next", t, n).and_then(|id| t.next(id));
        node_handle(t, next)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_with_val(t: *mut dm_hash_table, key: *const c_char, val: *const c_void, val_len: u32) -> *mut c_void {
    ffi!("dm_hash_lookup_with_val", ptr::null_mut() => {
        require!("dm_hash_lookup_with_val", t, ptr::null_mut());
        require!("dm_hash_lookup_with_val", key, ptr::null_mut());
        if val.is_null() && val_len != 0 {
            crate::capi::boundary::log_null("dm_hash_lookup_with_val", "val");
            return ptr::null_mut();
        }
        // SAFETY: a live table and a C string, per the caller's contract.
        let (t, key) = unsafe { (table(t), string_key(key)) };
        // SAFETY: `val` has val_len bytes and the stored values their
        // lengths, per the callers' contracts.
        let id = t.find(key, |v| unsafe { same_value(v, val, val_len) });
        id.and_then(|id| t.value(id)).map_or(ptr::null_mut(), |v| v.data)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove_with_val(t: *mut dm_hash_table, key: *const c_char, val: *const c_void, val_len: u32) {
    ffi!("dm_hash_remove_with_val", () => {
        require_void!("dm_hash_remove_with_val", t);
        require_void!("dm_hash_remove_with_val", key);
        if val.is_null() && val_len != 0 {
            crate::capi::boundary::log_null("dm_hash_remove_with_val", "val");
            return;
        }
        // SAFETY: a live table and a C string, per the caller's contract.
        let (t, key) = unsafe { (table(t), string_key(key)) };
        // SAFETY: as in dm_hash_lookup_with_val.
        t.remove_with(key, |v| unsafe { same_value(v, val, val_len) });
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert_allow_multiple(t: *mut dm_hash_table, key: *const c_char, val: *const c_void, val_len: u32) -> c_int {
    ffi!("dm_hash_insert_allow_multiple", 0 => {
        require!("dm_hash_insert_allow_multiple", t, 0);
        require!("dm_hash_insert_allow_multiple", key, 0);
        // SAFETY: a live table and a C string, per the caller's contract.
        let (t, key) = unsafe { (table(t), string_key(key)) };
        t.insert_multiple(key, CValue { data: val as *mut c_void, len: val_len });
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_with_count(t: *mut dm_hash_table, key: *const c_char, count: *mut c_int) -> *mut c_void {
    ffi!("dm_hash_lookup_with_count", ptr::null_mut() => {
        require!("dm_hash_lookup_with_count", t, ptr::null_mut());
        require!("dm_hash_lookup_with_count", key, ptr::null_mut());
        require!("dm_hash_lookup_with_count", count, ptr::null_mut());
        // SAFETY: a live table and a C string, per the caller's contract.
        let (t, key) = unsafe { (table(t), string_key(key)) };
        let n = c_int::try_from(t.count(key)).unwrap_or(c_int::MAX);
        // SAFETY: a writable int, per the caller's contract.
        unsafe { *count = n };
        t.lookup(key).map_or(ptr::null_mut(), |v| v.data)
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
