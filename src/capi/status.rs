//! C entry points: status. The parsing is `crate::status`; this file checks
//! the arguments, copies the typed result into the header's structs
//! allocated from the caller's pool (as libdm does: destroying the pool
//! frees them) and logs libdm's messages.

use std::ffi::*;
use std::ptr;

use crate::capi::pool::pool_mut;
use crate::capi::types::*;
use crate::status;
use crate::util::pool::{Pool, PoolError};

/// The bytes of a C string argument.
///
/// # Safety
/// `p` must be non-NULL and point to a NUL-terminated string.
unsafe fn c_bytes<'a>(p: *const c_char) -> &'a [u8] {
    // SAFETY: per this function's contract.
    unsafe { CStr::from_ptr(p) }.to_bytes()
}

/// A zeroed `T` from the pool.
fn pool_new<T>(pool: &mut Pool) -> Result<*mut T, PoolError> {
    let p = pool.alloc(std::mem::size_of::<T>().max(1), std::mem::align_of::<T>().max(8))?;
    // SAFETY: `p` holds size_of::<T>() writable bytes just allocated.
    unsafe { ptr::write_bytes(p.as_ptr(), 0, std::mem::size_of::<T>()) };
    Ok(p.as_ptr() as *mut T)
}

/// A NUL-terminated copy of `bytes` in the pool.
fn pool_str(pool: &mut Pool, bytes: &[u8]) -> Result<*mut c_char, PoolError> {
    Ok(pool.strdup(bytes)?.as_ptr() as *mut c_char)
}

/// Logs a pool failure and gives the C failure value.
fn out_of_memory(e: PoolError) -> c_int {
    crate::log_error!("{e}");
    0
}

fn mirror_health(h: status::mirror::MirrorHealth) -> dm_status_mirror_health_t {
    use status::mirror::MirrorHealth as H;
    match h {
        H::Alive => dm_status_mirror_health_e::DM_STATUS_MIRROR_ALIVE,
        H::FlushFailed => dm_status_mirror_health_e::DM_STATUS_MIRROR_FLUSH_FAILED,
        H::WriteFailed => dm_status_mirror_health_e::DM_STATUS_MIRROR_WRITE_FAILED,
        H::SyncFailed => dm_status_mirror_health_e::DM_STATUS_MIRROR_SYNC_FAILED,
        H::ReadFailed => dm_status_mirror_health_e::DM_STATUS_MIRROR_READ_FAILED,
        H::Unclassified => dm_status_mirror_health_e::DM_STATUS_MIRROR_UNCLASSIFIED,
    }
}

fn store_mirror(pool: &mut Pool, m: &status::mirror::MirrorStatus) -> Result<*mut dm_status_mirror, PoolError> {
    let legs: Vec<dm_dev_leg_health_s> = m
        .devs
        .iter()
        .map(|d| dm_dev_leg_health_s { health: mirror_health(d.health), major: d.major, minor: d.minor })
        .collect();
    let logs: Vec<dm_dev_log_health_s> = m
        .logs
        .iter()
        .map(|d| dm_dev_log_health_s { health: mirror_health(d.health), major: d.major, minor: d.minor })
        .collect();
    let s = pool_new::<dm_status_mirror>(pool)?;
    let devs = pool_array_of(pool, &legs)?;
    let log_type = pool_str(pool, &m.log_type)?;
    let logs_ptr = if logs.is_empty() { ptr::null_mut() } else { pool_array_of(pool, &logs)? };
    // SAFETY: `s` is a zeroed, aligned dm_status_mirror from the pool.
    unsafe {
        (*s).total_regions = m.total_regions;
        (*s).insync_regions = m.insync_regions;
        (*s).dev_count = m.devs.len() as u32;
        (*s).devs = devs;
        (*s).log_type = log_type;
        (*s).log_count = m.logs.len() as u32;
        (*s).logs = logs_ptr;
    }
    Ok(s)
}

/// An array of plain C structs in the pool (a valid pointer even when empty).
fn pool_array_of<T>(pool: &mut Pool, items: &[T]) -> Result<*mut T, PoolError> {
    let size = std::mem::size_of_val(items);
    let p = pool.alloc(size.max(1), std::mem::align_of::<T>().max(8))?.as_ptr() as *mut T;
    // SAFETY: room for items.len() elements, aligned for T; a bitwise copy
    // of plain C data (no Drop) from a distinct slice.
    unsafe { ptr::copy_nonoverlapping(items.as_ptr(), p, items.len()) };
    Ok(p)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_mirror(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_mirror) -> c_int {
    ffi!("dm_get_status_mirror", 0 => {
        require!("dm_get_status_mirror", mem, 0);
        require!("dm_get_status_mirror", params, 0);
        require!("dm_get_status_mirror", status, 0);
        // SAFETY: a C string, per the caller's contract.
        let line = unsafe { c_bytes(params) };
        match status::mirror::parse_bytes(line) {
            Ok(m) => {
                // SAFETY: a live pool handle, per the caller's contract.
                match store_mirror(unsafe { pool_mut(mem) }, &m) {
                    Ok(s) => {
                        // SAFETY: `status` is a valid out-pointer (checked non-NULL).
                        unsafe { *status = s };
                        1
                    }
                    Err(e) => out_of_memory(e),
                }
            }
            Err(e) => {
                e.log();
                // SAFETY: as above.
                unsafe { *status = ptr::null_mut() };
                0
            }
        }
    })
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
