//! C entry points: hash.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_hash_create(_size_hint: c_uint) -> *mut dm_hash_table {
    not_implemented!("dm_hash_create", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_destroy(_t: *mut dm_hash_table) {
    not_implemented!("dm_hash_destroy")
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_wipe(_t: *mut dm_hash_table) {
    not_implemented!("dm_hash_wipe")
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup(_t: *mut dm_hash_table, _key: *const c_char) -> *mut c_void {
    not_implemented!("dm_hash_lookup", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert(_t: *mut dm_hash_table, _key: *const c_char, _data: *mut c_void) -> c_int {
    not_implemented!("dm_hash_insert", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove(_t: *mut dm_hash_table, _key: *const c_char) {
    not_implemented!("dm_hash_remove")
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_binary(_t: *mut dm_hash_table, _key: *const c_void, _len: u32) -> *mut c_void {
    not_implemented!("dm_hash_lookup_binary", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert_binary(_t: *mut dm_hash_table, _key: *const c_void, _len: u32, _data: *mut c_void) -> c_int {
    not_implemented!("dm_hash_insert_binary", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove_binary(_t: *mut dm_hash_table, _key: *const c_void, _len: u32) {
    not_implemented!("dm_hash_remove_binary")
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_num_entries(_t: *mut dm_hash_table) -> c_uint {
    not_implemented!("dm_hash_get_num_entries", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_iter(_t: *mut dm_hash_table, _f: dm_hash_iterate_fn) {
    not_implemented!("dm_hash_iter")
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_key(_t: *mut dm_hash_table, _n: *mut dm_hash_node) -> *mut c_char {
    not_implemented!("dm_hash_get_key", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_data(_t: *mut dm_hash_table, _n: *mut dm_hash_node) -> *mut c_void {
    not_implemented!("dm_hash_get_data", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_first(_t: *mut dm_hash_table) -> *mut dm_hash_node {
    not_implemented!("dm_hash_get_first", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_get_next(_t: *mut dm_hash_table, _n: *mut dm_hash_node) -> *mut dm_hash_node {
    not_implemented!("dm_hash_get_next", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_with_val(_t: *mut dm_hash_table, _key: *const c_char, _val: *const c_void, _val_len: u32) -> *mut c_void {
    not_implemented!("dm_hash_lookup_with_val", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_remove_with_val(_t: *mut dm_hash_table, _key: *const c_char, _val: *const c_void, _val_len: u32) {
    not_implemented!("dm_hash_remove_with_val")
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_insert_allow_multiple(_t: *mut dm_hash_table, _key: *const c_char, _val: *const c_void, _val_len: u32) -> c_int {
    not_implemented!("dm_hash_insert_allow_multiple", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_hash_lookup_with_count(_t: *mut dm_hash_table, _key: *const c_char, _count: *mut c_int) -> *mut c_void {
    not_implemented!("dm_hash_lookup_with_count", ptr::null_mut())
}
