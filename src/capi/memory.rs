//! C entry points: memory.

use std::ffi::*;
use std::ptr;


// The C library's allocator in its release build is plain malloc/free:
// memory from dm_malloc may be passed to free and the other way round.

#[no_mangle]
pub unsafe extern "C" fn dm_malloc_wrapper(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    let _ = (file, line);
    // SAFETY: malloc has no preconditions.
    unsafe { libc::malloc(s) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_malloc_aligned_wrapper(s: usize, a: usize, file: *const c_char, line: c_int) -> *mut c_void {
    let _ = (file, line);
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
    let _ = (file, line);
    // SAFETY: calloc has no preconditions.
    unsafe { libc::calloc(1, s) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_realloc_wrapper(p: *mut c_void, s: c_uint, file: *const c_char, line: c_int) -> *mut c_void {
    let _ = (file, line);
    // SAFETY: `p` is NULL or from this allocator, per the caller's contract.
    unsafe { libc::realloc(p, s as usize) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_free_wrapper(ptr: *mut c_void) {
    // SAFETY: `ptr` is NULL or from this allocator, per the caller's contract.
    unsafe { libc::free(ptr) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_strdup_wrapper(str_: *const c_char, file: *const c_char, line: c_int) -> *mut c_char {
    let _ = (file, line);
    require!("dm_strdup", str_, ptr::null_mut());
    // SAFETY: non-NULL, NUL-terminated per the caller's contract.
    unsafe { libc::strdup(str_) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_dump_memory_wrapper() -> c_int {
    // Allocation tracking is a debug build feature of the C library; its
    // release build reports nothing to dump, as here.
    1
}

#[no_mangle]
pub unsafe extern "C" fn dm_bounds_check_wrapper() {}

#[no_mangle]
pub unsafe extern "C" fn dm_malloc_aux(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { dm_malloc_wrapper(s, file, line) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_malloc_aux_debug(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { dm_malloc_wrapper(s, file, line) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_zalloc_aux(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { dm_zalloc_wrapper(s, file, line) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_zalloc_aux_debug(s: usize, file: *const c_char, line: c_int) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { dm_zalloc_wrapper(s, file, line) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_strdup_aux(str_: *const c_char, file: *const c_char, line: c_int) -> *mut c_char {
    // SAFETY: same contract.
    unsafe { dm_strdup_wrapper(str_, file, line) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_free_aux(p: *mut c_void) {
    // SAFETY: same contract.
    unsafe { dm_free_wrapper(p) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_realloc_aux(p: *mut c_void, s: c_uint, file: *const c_char, line: c_int) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { dm_realloc_wrapper(p, s, file, line) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_dump_memory_debug() -> c_int {
    1
}

#[no_mangle]
pub unsafe extern "C" fn dm_bounds_check_debug() {}

