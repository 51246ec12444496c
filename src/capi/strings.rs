//! C entry points: strings.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

use crate::capi::boundary::c_str;

#[no_mangle]
pub unsafe extern "C" fn dm_basename(path: *const c_char) -> *const c_char {
    ffi!("dm_basename", ptr::null() => {
        require!("dm_basename", path, ptr::null());
        // SAFETY: non-NULL, NUL-terminated per the caller's contract.
        let bytes = unsafe { CStr::from_ptr(path) }.to_bytes();
        match bytes.iter().rposition(|&b| b == b'/') {
            // SAFETY: the offset lies inside the string.
            Some(i) => unsafe { path.add(i + 1) },
            None => path,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_strncpy(dest: *mut c_char, src: *const c_char, n: usize) -> c_int {
    ffi!("dm_strncpy", 0 => {
        require!("dm_strncpy", dest, 0);
        // SAFETY: caller's contract.
        let Some(_) = (unsafe { c_str("dm_strncpy", "src", src) }) else { return 0 };
        if n == 0 {
            return 0;
        }
        // SAFETY: `src` is NUL-terminated.
        let bytes = unsafe { CStr::from_ptr(src) }.to_bytes();
        let fits = bytes.len() < n;
        let len = bytes.len().min(n - 1);
        // SAFETY: `dest` is writable for `n` bytes per the caller's contract.
        unsafe {
            ptr::copy_nonoverlapping(src, dest, len);
            *dest.add(len) = 0;
        }
        fits as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_format_dev(_buf: *mut c_char, _bufsize: c_int, _dev_major: u32, _dev_minor: u32) -> c_int {
    not_implemented!("dm_format_dev", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_split_lvm_name(_mem: *mut dm_pool, _dmname: *const c_char, _vgname: *mut *mut c_char, _lvname: *mut *mut c_char, _layer: *mut *mut c_char) -> c_int {
    not_implemented!("dm_split_lvm_name", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_split_words(_buffer: *mut c_char, _max: c_uint, _ignore_comments: c_uint, _argv: *mut *mut c_char) -> c_int {
    not_implemented!("dm_split_words", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_count_chars(_str_: *const c_char, _len: usize, _c: c_int) -> c_uint {
    not_implemented!("dm_count_chars", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_escaped_len(_str_: *const c_char) -> usize {
    not_implemented!("dm_escaped_len", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_build_dm_name(_mem: *mut dm_pool, _vgname: *const c_char, _lvname: *const c_char, _layer: *const c_char) -> *mut c_char {
    not_implemented!("dm_build_dm_name", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_build_dm_uuid(_mem: *mut dm_pool, _prefix: *const c_char, _lvid: *const c_char, _layer: *const c_char) -> *mut c_char {
    not_implemented!("dm_build_dm_uuid", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_escape_double_quotes(_out: *mut c_char, _src: *const c_char) -> *mut c_char {
    not_implemented!("dm_escape_double_quotes", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_unescape_double_quotes(_src: *mut c_char) {
    not_implemented!("dm_unescape_double_quotes")
}

#[no_mangle]
pub unsafe extern "C" fn dm_unescape_colons_and_at_signs(_src: *mut c_char, _substr_first_unquoted_colon: *mut *mut c_char, _substr_first_unquoted_at_sign: *mut *mut c_char) {
    not_implemented!("dm_unescape_colons_and_at_signs")
}

#[no_mangle]
pub unsafe extern "C" fn dm_units_to_factor(_units: *const c_char, _unit_type: *mut c_char, _strict: c_int, _endptr: *mut *const c_char) -> u64 {
    not_implemented!("dm_units_to_factor", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_size_to_string(_mem: *mut dm_pool, _size: u64, _unit_type: c_char, _use_si_units: c_int, _unit_factor: u64, _include_suffix: c_int, _suffix_type: c_int) -> *const c_char {
    not_implemented!("dm_size_to_string", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_percent_to_float(_percent: dm_percent_t) -> f32 {
    not_implemented!("dm_percent_to_float", 0.0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_percent_to_round_float(_percent: dm_percent_t, _digits: c_uint) -> f32 {
    not_implemented!("dm_percent_to_round_float", 0.0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_make_percent(_numerator: u64, _denominator: u64) -> dm_percent_t {
    not_implemented!("dm_make_percent", dm_percent_range_e::DM_PERCENT_INVALID as dm_percent_t)
}
