//! C entry points: pool. A `struct dm_pool *` is a boxed
//! [`crate::util::pool::Pool`]; the memory it hands out is raw chunk memory
//! that stays put until freed, emptied or destroyed.

use std::ffi::*;
use std::ptr;
use std::sync::Mutex;

use crate::capi::types::*;
use crate::util::pool::{Pool, DEFAULT_ALIGNMENT};

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

/// The Rust pool behind a C handle.
///
/// # Safety
/// `p` must be non-NULL and come from `dm_pool_create`, not yet destroyed,
/// and no other reference to that pool may be live (a pool belongs to one
/// thread at a time, as in libdm).
pub(crate) unsafe fn pool_mut<'a>(p: *mut dm_pool) -> &'a mut Pool {
    // SAFETY: per this function's contract.
    unsafe { &mut *(p as *mut Pool) }
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

/// Logs a pool error and returns the failure value.
fn failed<T>(e: crate::util::pool::PoolError, fail: T) -> T {
    crate::log_error!("{e}");
    fail
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_create(name: *const c_char, chunk_hint: usize) -> *mut dm_pool {
    ffi!("dm_pool_create", ptr::null_mut() => {
        let name = if name.is_null() {
            None
        } else {
            // SAFETY: a non-NULL name is a C string, per the caller's contract.
            Some(unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned())
        };
        let pool = Box::new(Pool::new(name.as_deref(), chunk_hint));
        let label = pool.name().to_string();
        let handle = Box::into_raw(pool) as *mut dm_pool;
        live_pools().push((handle as usize, label));
        handle
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_destroy(p: *mut dm_pool) {
    if p.is_null() {
        return;
    }
    ffi!("dm_pool_destroy", () => {
        {
            let mut live = live_pools();
            if let Some(i) = live.iter().rposition(|&(h, _)| h == p as usize) {
                live.remove(i);
            }
        }
        // SAFETY: the caller gives back a pointer from dm_pool_create, once.
        drop(unsafe { Box::from_raw(p as *mut Pool) });
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_alloc(p: *mut dm_pool, s: usize) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { dm_pool_alloc_aligned(p, s, DEFAULT_ALIGNMENT as c_uint) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_alloc_aligned(p: *mut dm_pool, s: usize, alignment: c_uint) -> *mut c_void {
    ffi!("dm_pool_alloc", ptr::null_mut() => {
        require!("dm_pool_alloc", p, ptr::null_mut());
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.alloc(s, alignment as usize) {
            Ok(m) => m.as_ptr() as *mut c_void,
            Err(e) => failed(e, ptr::null_mut()),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_empty(p: *mut dm_pool) {
    ffi!("dm_pool_empty", () => {
        require_void!("dm_pool_empty", p);
        // SAFETY: a live pool handle, per the caller's contract.
        unsafe { pool_mut(p) }.empty();
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_free(p: *mut dm_pool, ptr: *mut c_void) {
    ffi!("dm_pool_free", () => {
        require_void!("dm_pool_free", p);
        // SAFETY: a live pool handle, per the caller's contract.
        if let Err(e) = unsafe { pool_mut(p) }.free(ptr as *const u8) {
            failed(e, ());
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_locked(p: *mut dm_pool) -> c_int {
    ffi!("dm_pool_locked", 0 => {
        require!("dm_pool_locked", p, 0);
        // SAFETY: a live pool handle, per the caller's contract.
        c_int::from(unsafe { pool_mut(p) }.is_locked())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_lock(p: *mut dm_pool, crc: c_int) -> c_int {
    ffi!("dm_pool_lock", 0 => {
        require!("dm_pool_lock", p, 0);
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.lock(crc != 0) {
            Ok(()) => 1,
            Err(e) => failed(e, 0),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_unlock(p: *mut dm_pool, crc: c_int) -> c_int {
    ffi!("dm_pool_unlock", 0 => {
        require!("dm_pool_unlock", p, 0);
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.unlock(crc != 0) {
            Ok(()) => 1,
            Err(e) => failed(e, 0),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_begin_object(p: *mut dm_pool, hint: usize) -> c_int {
    ffi!("dm_pool_begin_object", 0 => {
        require!("dm_pool_begin_object", p, 0);
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.begin_object(hint) {
            Ok(()) => 1,
            Err(e) => failed(e, 0),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_grow_object(p: *mut dm_pool, extra: *const c_void, delta: usize) -> c_int {
    ffi!("dm_pool_grow_object", 0 => {
        require!("dm_pool_grow_object", p, 0);
        require!("dm_pool_grow_object", extra, 0);
        let bytes = if delta == 0 {
            // SAFETY: with delta 0, extra is a C string (libdm takes its strlen).
            unsafe { CStr::from_ptr(extra as *const c_char) }.to_bytes()
        } else {
            // SAFETY: the caller passes `delta` readable bytes at `extra`.
            unsafe { std::slice::from_raw_parts(extra as *const u8, delta) }
        };
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.grow_object(bytes) {
            Ok(()) => 1,
            Err(e) => failed(e, 0),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_end_object(p: *mut dm_pool) -> *mut c_void {
    ffi!("dm_pool_end_object", ptr::null_mut() => {
        require!("dm_pool_end_object", p, ptr::null_mut());
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.end_object() {
            Ok(m) => m.as_ptr() as *mut c_void,
            Err(e) => failed(e, ptr::null_mut()),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_abandon_object(p: *mut dm_pool) {
    ffi!("dm_pool_abandon_object", () => {
        require_void!("dm_pool_abandon_object", p);
        // SAFETY: a live pool handle, per the caller's contract.
        unsafe { pool_mut(p) }.abandon_object();
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_strdup(p: *mut dm_pool, str_: *const c_char) -> *mut c_char {
    ffi!("dm_pool_strdup", ptr::null_mut() => {
        require!("dm_pool_strdup", p, ptr::null_mut());
        require!("dm_pool_strdup", str_, ptr::null_mut());
        // SAFETY: a C string, per the caller's contract.
        let bytes = unsafe { CStr::from_ptr(str_) }.to_bytes();
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.strdup(bytes) {
            Ok(m) => m.as_ptr() as *mut c_char,
            Err(e) => failed(e, ptr::null_mut()),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_strndup(p: *mut dm_pool, str_: *const c_char, n: usize) -> *mut c_char {
    ffi!("dm_pool_strndup", ptr::null_mut() => {
        require!("dm_pool_strndup", p, ptr::null_mut());
        require!("dm_pool_strndup", str_, ptr::null_mut());
        // The length strnlen would give, in Rust (Miri can check it).
        let mut len = 0;
        // SAFETY: str_ is readable up to its NUL or n bytes, whichever
        // comes first, and the loop reads no further.
        while len < n && unsafe { *str_.add(len) } != 0 {
            len += 1;
        }
        // SAFETY: the `len` bytes strnlen just read.
        let bytes = unsafe { std::slice::from_raw_parts(str_ as *const u8, len) };
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.strdup(bytes) {
            Ok(m) => m.as_ptr() as *mut c_char,
            Err(e) => failed(e, ptr::null_mut()),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_zalloc(p: *mut dm_pool, s: usize) -> *mut c_void {
    ffi!("dm_pool_zalloc", ptr::null_mut() => {
        require!("dm_pool_zalloc", p, ptr::null_mut());
        // SAFETY: a live pool handle, per the caller's contract.
        match unsafe { pool_mut(p) }.zalloc(s) {
            Ok(m) => m.as_ptr() as *mut c_void,
            Err(e) => failed(e, ptr::null_mut()),
        }
    })
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
