//! C entry points: bitset.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_create(_mem: *mut dm_pool, _num_bits: c_uint) -> dm_bitset_t {
    not_implemented!("dm_bitset_create", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_destroy(_bs: dm_bitset_t) {
    not_implemented!("dm_bitset_destroy")
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_equal(_in1: dm_bitset_t, _in2: dm_bitset_t) -> c_int {
    not_implemented!("dm_bitset_equal", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_and(_out: dm_bitset_t, _in1: dm_bitset_t, _in2: dm_bitset_t) {
    not_implemented!("dm_bit_and")
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_union(_out: dm_bitset_t, _in1: dm_bitset_t, _in2: dm_bitset_t) {
    not_implemented!("dm_bit_union")
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_first(_bs: dm_bitset_t) -> c_int {
    not_implemented!("dm_bit_get_first", -1)
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_next(_bs: dm_bitset_t, _last_bit: c_int) -> c_int {
    not_implemented!("dm_bit_get_next", -1)
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_last(_bs: dm_bitset_t) -> c_int {
    not_implemented!("dm_bit_get_last", -1)
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_prev(_bs: dm_bitset_t, _last_bit: c_int) -> c_int {
    not_implemented!("dm_bit_get_prev", -1)
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_parse_list(_str_: *const c_char, _mem: *mut dm_pool, _min_num_bits: usize) -> dm_bitset_t {
    not_implemented!("dm_bitset_parse_list", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_parse_list_v1_02_129(_str_: *const c_char, _mem: *mut dm_pool) -> dm_bitset_t {
    not_implemented!("dm_bitset_parse_list_v1_02_129", ptr::null_mut())
}
