//! C entry points: memory.
//!
//! The C library's allocator in its release build is plain malloc/free:
//! memory from dm_malloc may be passed to free and the other way round.
//! The `_aux` names are the same functions under the names older binaries
//! link against. The `file` and `line` arguments serve libdm's debug
//! allocator, which its release build (as this library) does not have.
#![allow(unused_variables)]

use std::ffi::*;
use std::ptr;

fn malloc(size: usize) -> *mut c_void {
    // SAFETY: malloc has no preconditions.
    unsafe { libc::malloc(size) }
}

fn zalloc(size: usize) -> *mut c_void {
    // SAFETY: calloc has no preconditions.
    unsafe { libc::calloc(1, size) }
}

/// Trust boundary (as `capi::arg`): `p` is a pointer argument, NULL or from
/// this allocator and not freed.
fn realloc(p: *mut c_void, size: c_uint) -> *mut c_void {
    // SAFETY: the trust boundary above.
    unsafe { libc::realloc(p, size as usize) }
}

/// Trust boundary: as [`realloc`].
pub(in crate::capi) fn free(p: *mut c_void) {
    // SAFETY: the trust boundary above.
    unsafe { libc::free(p) }
}

fn strdup(str_: *const c_char) -> *mut c_char {
    // SAFETY: strdup copies the NUL-terminated string `cstr` checked.
    crate::capi::arg::cstr("dm_strdup", "str_", str_).map_or(ptr::null_mut(), |s| unsafe { libc::strdup(s.as_ptr()) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_malloc_wrapper(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    malloc(s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_malloc_aligned_wrapper(s: usize, a: usize, file: *const c_char, line: c_int) -> *mut c_void {
    let align = if a == 0 { std::mem::size_of::<usize>() } else { a };
    let mut p: *mut c_void = ptr::null_mut();
    // SAFETY: `p` is a valid out-pointer; posix_memalign checks `align`.
    if unsafe { libc::posix_memalign(&mut p, align, s) } != 0 {
        crate::log_error!(errno = libc::ENOMEM; "Failed to allocate {s} bytes aligned to {align}.");
        return ptr::null_mut();
    }
    p
}

#[no_mangle]
pub unsafe extern "C" fn dm_zalloc_wrapper(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    zalloc(s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_realloc_wrapper(p: *mut c_void, s: c_uint, file: *const c_char, line: c_int) -> *mut c_void {
    realloc(p, s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_free_wrapper(ptr: *mut c_void) {
    free(ptr)
}

#[no_mangle]
pub unsafe extern "C" fn dm_strdup_wrapper(str_: *const c_char, file: *const c_char, line: c_int) -> *mut c_char {
    strdup(str_)
}

/// Allocation tracking is a debug build feature of the C library; its
/// release build reports nothing to dump, as here.
#[no_mangle]
pub unsafe extern "C" fn dm_dump_memory_wrapper() -> c_int {
    1
}

#[no_mangle]
pub unsafe extern "C" fn dm_bounds_check_wrapper() {}

#[no_mangle]
pub unsafe extern "C" fn dm_malloc_aux(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    malloc(s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_malloc_aux_debug(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    malloc(s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_zalloc_aux(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    zalloc(s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_zalloc_aux_debug(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    zalloc(s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_strdup_aux(str_: *const c_char, file: *const c_char, line: c_int) -> *mut c_char {
    strdup(str_)
}

#[no_mangle]
pub unsafe extern "C" fn dm_free_aux(p: *mut c_void) {
    free(p)
}

#[no_mangle]
pub unsafe extern "C" fn dm_realloc_aux(p: *mut c_void, s: c_uint, file: *const c_char, line: c_int) -> *mut c_void {
    realloc(p, s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_dump_memory_debug() -> c_int {
    1
}

#[no_mangle]
pub unsafe extern "C" fn dm_bounds_check_debug() {}
