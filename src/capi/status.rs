//! C entry points: status.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_mirror(_mem: *mut dm_pool, _params: *const c_char, _status: *mut *mut dm_status_mirror) -> c_int {
    not_implemented!("dm_get_status_mirror", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_raid(_mem: *mut dm_pool, _params: *const c_char, _status: *mut *mut dm_status_raid) -> c_int {
    not_implemented!("dm_get_status_raid", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_cache(_mem: *mut dm_pool, _params: *const c_char, _status: *mut *mut dm_status_cache) -> c_int {
    not_implemented!("dm_get_status_cache", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_snapshot(_mem: *mut dm_pool, _params: *const c_char, _status: *mut *mut dm_status_snapshot) -> c_int {
    not_implemented!("dm_get_status_snapshot", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_thin_pool(_mem: *mut dm_pool, _params: *const c_char, _status: *mut *mut dm_status_thin_pool) -> c_int {
    not_implemented!("dm_get_status_thin_pool", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_thin(_mem: *mut dm_pool, _params: *const c_char, _status: *mut *mut dm_status_thin) -> c_int {
    not_implemented!("dm_get_status_thin", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_writecache(_mem: *mut dm_pool, _params: *const c_char, _status: *mut *mut dm_status_writecache) -> c_int {
    not_implemented!("dm_get_status_writecache", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_integrity(_mem: *mut dm_pool, _params: *const c_char, _status: *mut *mut dm_status_integrity) -> c_int {
    not_implemented!("dm_get_status_integrity", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_raid_count_failed_devices(_dev_path: *const c_char, _nr_failed: *mut u32) -> c_int {
    not_implemented!("dm_raid_count_failed_devices", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_raid_clear_failed_devices(_dev_path: *const c_char, _nr_failed: *mut u32) -> c_int {
    not_implemented!("dm_raid_clear_failed_devices", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_validate_target_params(_vtp: *const dm_vdo_target_params, _vdo_size: u64) -> c_int {
    not_implemented!("dm_vdo_validate_target_params", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_parse_logical_size(_vdo_path: *const c_char, _logical_blocks: *mut u64) -> c_int {
    not_implemented!("dm_vdo_parse_logical_size", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_status_parse(_mem: *mut dm_pool, _input: *const c_char, _result: *mut dm_vdo_status_parse_result) -> c_int {
    not_implemented!("dm_vdo_status_parse", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_stats_parse(_mem: *mut dm_pool, _stats_str: *const c_char, _flags: c_uint) -> *mut dm_vdo_stats_full {
    not_implemented!("dm_vdo_stats_parse", ptr::null_mut())
}
