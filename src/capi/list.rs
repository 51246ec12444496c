//! C entry points: list.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_list_init(_head: *mut dm_list) {
    not_implemented!("dm_list_init")
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_add(_head: *mut dm_list, _elem: *mut dm_list) {
    not_implemented!("dm_list_add")
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_add_h(_head: *mut dm_list, _elem: *mut dm_list) {
    not_implemented!("dm_list_add_h")
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_del(_elem: *mut dm_list) {
    not_implemented!("dm_list_del")
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_move(_head: *mut dm_list, _elem: *mut dm_list) {
    not_implemented!("dm_list_move")
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_splice(_head: *mut dm_list, _head1: *mut dm_list) {
    not_implemented!("dm_list_splice")
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_empty(_head: *const dm_list) -> c_int {
    not_implemented!("dm_list_empty", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_start(_head: *const dm_list, _elem: *const dm_list) -> c_int {
    not_implemented!("dm_list_start", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_end(_head: *const dm_list, _elem: *const dm_list) -> c_int {
    not_implemented!("dm_list_end", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_first(_head: *const dm_list) -> *mut dm_list {
    not_implemented!("dm_list_first", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_last(_head: *const dm_list) -> *mut dm_list {
    not_implemented!("dm_list_last", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_prev(_head: *const dm_list, _elem: *const dm_list) -> *mut dm_list {
    not_implemented!("dm_list_prev", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_next(_head: *const dm_list, _elem: *const dm_list) -> *mut dm_list {
    not_implemented!("dm_list_next", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_size(_head: *const dm_list) -> c_uint {
    not_implemented!("dm_list_size", 0)
}
