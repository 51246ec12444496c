//! C entry points: regex.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_regex_create(_mem: *mut dm_pool, _patterns: *const *const c_char, _num_patterns: c_uint) -> *mut dm_regex {
    not_implemented!("dm_regex_create", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_regex_match(_regex: *mut dm_regex, _s: *const c_char) -> c_int {
    not_implemented!("dm_regex_match", -1)
}

#[no_mangle]
pub unsafe extern "C" fn dm_regex_fingerprint(_regex: *mut dm_regex) -> u32 {
    not_implemented!("dm_regex_fingerprint", 0)
}
