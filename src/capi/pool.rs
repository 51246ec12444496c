//! C entry points: pool.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_pool_create(_name: *const c_char, _chunk_hint: usize) -> *mut dm_pool {
    not_implemented!("dm_pool_create", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_destroy(_p: *mut dm_pool) {
    not_implemented!("dm_pool_destroy")
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_alloc(_p: *mut dm_pool, _s: usize) -> *mut c_void {
    not_implemented!("dm_pool_alloc", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_alloc_aligned(_p: *mut dm_pool, _s: usize, _alignment: c_uint) -> *mut c_void {
    not_implemented!("dm_pool_alloc_aligned", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_empty(_p: *mut dm_pool) {
    not_implemented!("dm_pool_empty")
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_free(_p: *mut dm_pool, _ptr: *mut c_void) {
    not_implemented!("dm_pool_free")
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_locked(_p: *mut dm_pool) -> c_int {
    not_implemented!("dm_pool_locked", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_lock(_p: *mut dm_pool, _crc: c_int) -> c_int {
    not_implemented!("dm_pool_lock", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_unlock(_p: *mut dm_pool, _crc: c_int) -> c_int {
    not_implemented!("dm_pool_unlock", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_begin_object(_p: *mut dm_pool, _hint: usize) -> c_int {
    not_implemented!("dm_pool_begin_object", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_grow_object(_p: *mut dm_pool, _extra: *const c_void, _delta: usize) -> c_int {
    not_implemented!("dm_pool_grow_object", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_end_object(_p: *mut dm_pool) -> *mut c_void {
    not_implemented!("dm_pool_end_object", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_abandon_object(_p: *mut dm_pool) {
    not_implemented!("dm_pool_abandon_object")
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_strdup(_p: *mut dm_pool, _str_: *const c_char) -> *mut c_char {
    not_implemented!("dm_pool_strdup", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_strndup(_p: *mut dm_pool, _str_: *const c_char, _n: usize) -> *mut c_char {
    not_implemented!("dm_pool_strndup", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_pool_zalloc(_p: *mut dm_pool, _s: usize) -> *mut c_void {
    not_implemented!("dm_pool_zalloc", ptr::null_mut())
}
