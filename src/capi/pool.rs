//! C entry points: pool. A `struct dm_pool *` is a boxed
//! [`crate::util::pool::Pool`]; the memory it hands out is raw chunk memory
//! that stays put until freed, emptied or destroyed.

use std::ffi::*;
use std::ptr::{self, NonNull};
use std::sync::Mutex;

use crate::capi::arg::{self, bytes, handle, handle_mut, opt_bytes};
use crate::capi::handle::{self, Castable, OwnershipBox};
use crate::capi::types::*;
use crate::util::pool::{Pool, PoolError, DEFAULT_ALIGNMENT};

/// C owns a pool: dm_pool_create makes it, dm_pool_destroy frees it.
impl Castable for dm_pool {
    type Ownership = OwnershipBox;
    type Rust = Pool;
}

/// The pools not yet destroyed, oldest first: (handle, name), for
/// [`pools_check_leaks`].
static LIVE_POOLS: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());

fn live_pools() -> std::sync::MutexGuard<'static, Vec<(usize, String)>> {
    LIVE_POOLS.lock().unwrap_or_else(|e| e.into_inner())
}

/// libdm's `dm_pools_check_leaks` (which its `dm_lib_exit` runs): logs
/// every pool created and not destroyed. Returns how many there are.
pub(crate) fn pools_check_leaks() -> usize {
    let live = live_pools();
    if live.is_empty() {
        return 0;
    }
    crate::log_error!("You have a memory leak (not released memory pool):");
    for (handle, name) in live.iter() {
        crate::log_error!(" [{:#x}] {name}", handle);
    }
    crate::log_error!("{}Unreleased memory pool(s) found.", crate::log::INTERNAL_ERROR);
    live.len()
}

/// Pool memory for C, NULL (the error logged) on failure.
fn mem<T>(r: Result<NonNull<u8>, PoolError>) -> *mut T {
    r.map_or_else(|e| failed(e, ptr::null_mut()), |m| m.as_ptr().cast())
}

/// 1, or 0 with the error logged.
fn done(r: Result<(), PoolError>) -> c_int {
    r.map_or_else(|e| failed(e, 0), |()| 1)
}

/// Logs a pool error and returns the failure value.
fn failed<T>(e: PoolError, fail: T) -> T {
    crate::log_error!("{e}");
    fail
}

/// A new pool for C, counted until [`destroy`] (the leak check).
pub(crate) fn create(name: Option<&str>, chunk_hint: usize) -> *mut dm_pool {
    let pool = Pool::new(name, chunk_hint);
    let label = pool.name().to_string();
    let p = handle::to_boxed_mut_ptr::<dm_pool>(pool);
    live_pools().push((p as usize, label));
    p
}

/// Frees a pool from [`create`] (NULL ignored).
///
/// Trust boundary (see `capi::handle`): `p` is NULL or a pool handle, given
/// back once.
pub(crate) fn destroy(p: *mut dm_pool) {
    let mut live = live_pools();
    if let Some(i) = live.iter().rposition(|&(h, _)| h == p as usize) {
        live.remove(i);
    }
    handle::free_box(p);
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_create(name: *const c_char, chunk_hint: usize) -> *mut dm_pool {
    ffi!("dm_pool_create", ptr::null_mut(); name: opt_bytes => create(name.map(String::from_utf8_lossy).as_deref(), chunk_hint))
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_destroy(p: *mut dm_pool) {
    ffi!("dm_pool_destroy", () => { destroy(p) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_alloc(p: *mut dm_pool, s: usize) -> *mut c_void {
    ffi!("dm_pool_alloc", ptr::null_mut() => { alloc(p, s) })
}

/// `dm_pool_alloc` for the library's own use (a report's row mark).
pub(crate) fn alloc(p: *mut dm_pool, s: usize) -> *mut c_void {
    handle_mut("dm_pool_alloc", "p", p).map_or(ptr::null_mut(), |p| mem(p.alloc(s, DEFAULT_ALIGNMENT)))
}

/// `dm_pool_free` for the library's own use.
pub(crate) fn free(p: *mut dm_pool, ptr: *mut c_void) {
    if let Err(e) = handle_mut("dm_pool_free", "p", p).map_or(Ok(()), |p| p.free(ptr.cast())) {
        failed(e, ());
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_alloc_aligned(p: *mut dm_pool, s: usize, alignment: c_uint) -> *mut c_void {
    ffi!("dm_pool_alloc", ptr::null_mut(); p: handle_mut => mem(p.alloc(s, alignment as usize)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_empty(p: *mut dm_pool) {
    ffi!("dm_pool_empty", (); p: handle_mut => p.empty())
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_free(p: *mut dm_pool, ptr: *mut c_void) {
    ffi!("dm_pool_free", () => { free(p, ptr) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_locked(p: *mut dm_pool) -> c_int {
    ffi!("dm_pool_locked", 0; p: handle => c_int::from(p.is_locked()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_lock(p: *mut dm_pool, crc: c_int) -> c_int {
    ffi!("dm_pool_lock", 0; p: handle_mut => done(p.lock(crc != 0)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_unlock(p: *mut dm_pool, crc: c_int) -> c_int {
    ffi!("dm_pool_unlock", 0; p: handle_mut => done(p.unlock(crc != 0)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_begin_object(p: *mut dm_pool, hint: usize) -> c_int {
    ffi!("dm_pool_begin_object", 0; p: handle_mut => done(p.begin_object(hint)))
}

/// Appends `delta` bytes at `extra`, or with `delta` 0 the C string there
/// (libdm takes its strlen).
#[no_mangle]
pub unsafe extern "C" fn dm_pool_grow_object(p: *mut dm_pool, extra: *const c_void, delta: usize) -> c_int {
    ffi!("dm_pool_grow_object", 0; p: handle_mut => {
        let bytes = match delta {
            0 => arg::bytes("dm_pool_grow_object", "extra", extra.cast()),
            _ => arg::slice("dm_pool_grow_object", "extra", extra.cast(), delta),
        };
        bytes.map_or(0, |b| done(p.grow_object(b)))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_end_object(p: *mut dm_pool) -> *mut c_void {
    ffi!("dm_pool_end_object", ptr::null_mut(); p: handle_mut => mem(p.end_object()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_abandon_object(p: *mut dm_pool) {
    ffi!("dm_pool_abandon_object", (); p: handle_mut => p.abandon_object())
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_strdup(p: *mut dm_pool, str_: *const c_char) -> *mut c_char {
    ffi!("dm_pool_strdup", ptr::null_mut(); p: handle_mut, str_: bytes => mem(p.strdup(str_)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_strndup(p: *mut dm_pool, str_: *const c_char, n: usize) -> *mut c_char {
    ffi!("dm_pool_strndup", ptr::null_mut(); p: handle_mut => {
        arg::strn("dm_pool_strndup", "str_", str_, n).map_or(ptr::null_mut(), |b| mem(p.strdup(b)))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_zalloc(p: *mut dm_pool, s: usize) -> *mut c_void {
    ffi!("dm_pool_zalloc", ptr::null_mut(); p: handle_mut => mem(p.zalloc(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_c_calls_round_trip() {
        // SAFETY: the test owns the pool; pointers come from it.
        unsafe {
            let p = dm_pool_create(c"capi".as_ptr(), 100);
            let s = dm_pool_strdup(p, c"hello".as_ptr());
            assert_eq!(CStr::from_ptr(s), c"hello");
            let n = dm_pool_strndup(p, c"hello".as_ptr(), 3);
            assert_eq!(CStr::from_ptr(n), c"hel");
            let long = dm_pool_strndup(p, c"hi".as_ptr(), 10);
            assert_eq!(CStr::from_ptr(long), c"hi");
            let z = dm_pool_zalloc(p, 32) as *const u8;
            assert!(std::slice::from_raw_parts(z, 32).iter().all(|&b| b == 0));
            let a = dm_pool_alloc_aligned(p, 5, 64);
            assert_eq!(a as usize % 64, 0);
            assert!(dm_pool_alloc_aligned(p, 5, 3).is_null());

            assert_eq!(dm_pool_begin_object(p, 4), 1);
            assert_eq!(dm_pool_grow_object(p, c"ab".as_ptr().cast(), 0), 1);
            assert_eq!(dm_pool_grow_object(p, c"cd".as_ptr().cast(), 1), 1);
            assert_eq!(dm_pool_grow_object(p, c"".as_ptr().cast(), 1), 1);
            let o = dm_pool_end_object(p) as *const c_char;
            assert_eq!(CStr::from_ptr(o), c"abc");
            assert_eq!(dm_pool_begin_object(p, 4), 1);
            assert_eq!(dm_pool_grow_object(p, c"zz".as_ptr().cast(), 0), 1);
            dm_pool_abandon_object(p);
            assert!(dm_pool_end_object(p).is_null());

            assert_eq!(dm_pool_locked(p), 0);
            assert_eq!(dm_pool_lock(p, 1), 1);
            assert_eq!(dm_pool_locked(p), 1);
            assert_eq!(dm_pool_lock(p, 1), 0);
            *s = b'J' as c_char;
            assert_eq!(dm_pool_unlock(p, 1), 0);
            assert_eq!(dm_pool_locked(p), 0);
            assert_eq!(dm_pool_unlock(p, 1), 0);

            dm_pool_free(p, n.cast());
            assert_eq!(CStr::from_ptr(s), c"Jello");
            dm_pool_free(p, ptr::null_mut());
            dm_pool_empty(p);
            assert_eq!(dm_pool_strdup(p, c"x".as_ptr()), s);
            dm_pool_destroy(p);
            dm_pool_destroy(ptr::null_mut());
        }
    }

    #[test]
    fn undestroyed_pools_are_reported() {
        // SAFETY: the test owns the pool.
        unsafe {
            let p = dm_pool_create(c"leaky-test-pool".as_ptr(), 0);
            let named = |name: &str| live_pools().iter().any(|(h, n)| *h == p as usize && n == name);
            assert!(named("leaky-test-pool"));
            // Other tests' pools may be live too.
            assert!(pools_check_leaks() >= 1);
            dm_pool_destroy(p);
            assert!(!named("leaky-test-pool"));
        }
    }

    #[test]
    fn null_pools_are_refused() {
        // SAFETY: NULLs are what is being tested.
        unsafe {
            assert!(dm_pool_alloc(ptr::null_mut(), 8).is_null());
            assert!(dm_pool_strdup(ptr::null_mut(), c"x".as_ptr()).is_null());
            assert_eq!(dm_pool_lock(ptr::null_mut(), 0), 0);
            assert_eq!(dm_pool_grow_object(ptr::null_mut(), ptr::null(), 0), 0);
            dm_pool_empty(ptr::null_mut());
            let p = dm_pool_create(ptr::null(), 0);
            assert!(dm_pool_strdup(p, ptr::null()).is_null());
            assert_eq!(dm_pool_grow_object(p, ptr::null(), 3), 0);
            dm_pool_destroy(p);
        }
    }
}
