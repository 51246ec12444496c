//! C entry points: status. The parsing is `crate::status`; this file checks
//! the arguments, copies the typed result into the header's structs
//! allocated from the caller's pool (as libdm does: destroying the pool
//! frees them) and logs libdm's messages.

use std::ffi::*;
use std::ptr;

use crate::capi::pool::pool_mut;
use crate::capi::types::*;
use crate::status::{self, StatusError};
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

/// One leg or log entry as C sees it: the health as an int (libdm 1.02.185
/// stores the raw character, which need not be one of the enum's values,
/// so it is written as an integer, never as the Rust enum), major, minor.
fn health_triples(devs: &[status::mirror::MirrorDevice]) -> Vec<[u32; 3]> {
    devs.iter().map(|d| [u32::from(d.health_char), d.major, d.minor]).collect()
}

fn store_mirror(pool: &mut Pool, m: &status::mirror::MirrorStatus) -> Result<*mut dm_status_mirror, PoolError> {
    const _: () = assert!(std::mem::size_of::<dm_dev_leg_health_s>() == 12);
    const _: () = assert!(std::mem::size_of::<dm_dev_log_health_s>() == 12);
    let legs = health_triples(&m.devs);
    let logs = health_triples(&m.logs);
    let s = pool_new::<dm_status_mirror>(pool)?;
    let devs = pool_array_of(pool, &legs)? as *mut dm_dev_leg_health_s;
    let log_type = pool_str(pool, &m.log_type)?;
    let logs_ptr = if logs.is_empty() { ptr::null_mut() } else { pool_array_of(pool, &logs)? as *mut dm_dev_log_health_s };
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

/// Runs a status parser over `params` and stores the result in the pool.
/// On a parse failure, logs libdm's lines and, when `null_on_failure`
/// (libdm's mirror, raid and cache parsers), sets `*status` to NULL.
///
/// # Safety
/// `mem` must be a live pool, `params` a C string, `status` writable.
unsafe fn run_parser<R, T>(
    mem: *mut dm_pool,
    params: *const c_char,
    status: *mut *mut T,
    null_on_failure: bool,
    parse: impl FnOnce(&[u8]) -> Result<R, StatusError>,
    store: impl FnOnce(&mut Pool, &R) -> Result<*mut T, PoolError>,
) -> c_int {
    // SAFETY: a C string, per this function's contract.
    let line = unsafe { c_bytes(params) };
    match parse(line) {
        Ok(r) => {
            // SAFETY: a live pool handle, per this function's contract.
            match store(unsafe { pool_mut(mem) }, &r) {
                Ok(s) => {
                    // SAFETY: writable out-pointer, per this function's contract.
                    unsafe { *status = s };
                    1
                }
                Err(e) => out_of_memory(e),
            }
        }
        Err(e) => {
            e.log();
            if null_on_failure {
                // SAFETY: as above.
                unsafe { *status = ptr::null_mut() };
            }
            0
        }
    }
}

/// An optional byte string in the pool (NULL for None).
fn pool_opt_str(pool: &mut Pool, bytes: Option<&[u8]>) -> Result<*mut c_char, PoolError> {
    match bytes {
        Some(b) => pool_str(pool, b),
        None => Ok(ptr::null_mut()),
    }
}

/// An argv-style array of pool strings (NULL when `args` is empty).
fn pool_argv(pool: &mut Pool, args: &[Vec<u8>]) -> Result<*mut *mut c_char, PoolError> {
    if args.is_empty() {
        return Ok(ptr::null_mut());
    }
    let mut ptrs = Vec::with_capacity(args.len());
    for a in args {
        ptrs.push(pool_str(pool, a)?);
    }
    pool_array_of(pool, &ptrs)
}

fn bit(on: bool, n: u32) -> c_uint {
    c_uint::from(on) << n
}

fn store_raid(pool: &mut Pool, r: &status::raid::RaidStatus) -> Result<*mut dm_status_raid, PoolError> {
    let s = pool_new::<dm_status_raid>(pool)?;
    let raid_type = pool_str(pool, &r.raid_type)?;
    let dev_health = pool_str(pool, &r.dev_health)?;
    let sync_action = pool_opt_str(pool, r.sync_action.as_deref())?;
    // SAFETY: `s` is a zeroed, aligned struct from the pool.
    unsafe {
        (*s).total_regions = r.total_regions;
        (*s).insync_regions = r.insync_regions;
        (*s).mismatch_count = r.mismatch_count;
        (*s).dev_count = r.dev_count;
        (*s).raid_type = raid_type;
        (*s).dev_health = dev_health;
        (*s).sync_action = sync_action;
        (*s).data_offset = r.data_offset;
    }
    Ok(s)
}

fn store_cache(pool: &mut Pool, c: &status::cache::CacheStatus) -> Result<*mut dm_status_cache, PoolError> {
    let s = pool_new::<dm_status_cache>(pool)?;
    let core_argv = if c.core_argc > 0 { pool_argv(pool, &c.core_argv)? } else { ptr::null_mut() };
    let has_policy = !(c.fail || c.error);
    let policy_name = if has_policy { pool_str(pool, &c.policy_name)? } else { ptr::null_mut() };
    let policy_argv = if c.policy_argc != 0 { pool_argv(pool, &c.policy_argv)? } else { ptr::null_mut() };
    // SAFETY: `s` is a zeroed, aligned struct from the pool.
    unsafe {
        (*s).metadata_block_size = c.metadata_block_size;
        (*s).block_size = c.block_size;
        (*s).metadata_used_blocks = c.metadata_used_blocks;
        (*s).metadata_total_blocks = c.metadata_total_blocks;
        (*s).used_blocks = c.used_blocks;
        (*s).dirty_blocks = c.dirty_blocks;
        (*s).total_blocks = c.total_blocks;
        (*s).read_hits = c.read_hits;
        (*s).read_misses = c.read_misses;
        (*s).write_hits = c.write_hits;
        (*s).write_misses = c.write_misses;
        (*s).demotions = c.demotions;
        (*s).promotions = c.promotions;
        (*s).feature_flags = c.feature_flags;
        (*s).core_argc = c.core_argc;
        (*s).core_argv = core_argv;
        (*s).policy_name = policy_name;
        (*s).policy_argc = c.policy_argc;
        (*s).policy_argv = policy_argv;
        (*s).flags = bit(c.error, 0) | bit(c.fail, 1) | bit(c.needs_check, 2) | bit(c.read_only, 3);
    }
    Ok(s)
}

fn store_snapshot(pool: &mut Pool, v: &status::snapshot::SnapshotStatus) -> Result<*mut dm_status_snapshot, PoolError> {
    let s = pool_new::<dm_status_snapshot>(pool)?;
    // SAFETY: `s` is a zeroed, aligned struct from the pool.
    unsafe {
        (*s).used_sectors = v.used_sectors;
        (*s).total_sectors = v.total_sectors;
        (*s).metadata_sectors = v.metadata_sectors;
        (*s).flags = bit(v.has_metadata_sectors, 0) | bit(v.invalid, 1) | bit(v.merge_failed, 2) | bit(v.overflow, 3);
    }
    Ok(s)
}

fn store_thin_pool(pool: &mut Pool, v: &status::thin::ThinPoolStatus) -> Result<*mut dm_status_thin_pool, PoolError> {
    use status::thin::Discards;
    let s = pool_new::<dm_status_thin_pool>(pool)?;
    // SAFETY: `s` is a zeroed, aligned struct from the pool.
    unsafe {
        (*s).transaction_id = v.transaction_id;
        (*s).used_metadata_blocks = v.used_metadata_blocks;
        (*s).total_metadata_blocks = v.total_metadata_blocks;
        (*s).used_data_blocks = v.used_data_blocks;
        (*s).total_data_blocks = v.total_data_blocks;
        (*s).held_metadata_root = v.held_metadata_root;
        (*s).read_only = u32::from(v.read_only);
        (*s).discards = match v.discards {
            Discards::Ignore => dm_thin_discards_e::DM_THIN_DISCARDS_IGNORE,
            Discards::NoPassdown => dm_thin_discards_e::DM_THIN_DISCARDS_NO_PASSDOWN,
            Discards::Passdown => dm_thin_discards_e::DM_THIN_DISCARDS_PASSDOWN,
        };
        (*s).flags = bit(v.fail, 0)
            | bit(v.error_if_no_space, 1)
            | bit(v.out_of_data_space, 2)
            | bit(v.needs_check, 3)
            | bit(v.error, 4);
    }
    Ok(s)
}

fn store_thin(pool: &mut Pool, v: &status::thin::ThinStatus) -> Result<*mut dm_status_thin, PoolError> {
    let s = pool_new::<dm_status_thin>(pool)?;
    // SAFETY: `s` is a zeroed, aligned struct from the pool.
    unsafe {
        (*s).mapped_sectors = v.mapped_sectors;
        (*s).highest_mapped_sector = v.highest_mapped_sector;
        (*s).flags = bit(v.fail, 0);
    }
    Ok(s)
}

fn store_writecache(pool: &mut Pool, v: &status::writecache::WritecacheStatus) -> Result<*mut dm_status_writecache, PoolError> {
    let s = pool_new::<dm_status_writecache>(pool)?;
    // SAFETY: `s` is a zeroed, aligned struct from the pool.
    unsafe {
        (*s).error = v.error;
        (*s).total_blocks = v.total_blocks;
        (*s).free_blocks = v.free_blocks;
        (*s).writeback_blocks = v.writeback_blocks;
    }
    Ok(s)
}

fn store_integrity(pool: &mut Pool, v: &status::integrity::IntegrityStatus) -> Result<*mut dm_status_integrity, PoolError> {
    let s = pool_new::<dm_status_integrity>(pool)?;
    // SAFETY: `s` is a zeroed, aligned struct from the pool.
    unsafe {
        (*s).number_of_mismatches = v.number_of_mismatches;
        (*s).provided_data_sectors = v.provided_data_sectors;
        (*s).recalc_sector = v.recalc_sector;
    }
    Ok(s)
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_raid(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_raid) -> c_int {
    ffi!("dm_get_status_raid", 0 => {
        require!("dm_get_status_raid", mem, 0);
        require!("dm_get_status_raid", params, 0);
        require!("dm_get_status_raid", status, 0);
        // SAFETY: arguments checked non-NULL; the rest is the caller's contract.
        unsafe { run_parser(mem, params, status, true, status::raid::parse_bytes, store_raid) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_cache(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_cache) -> c_int {
    ffi!("dm_get_status_cache", 0 => {
        require!("dm_get_status_cache", mem, 0);
        require!("dm_get_status_cache", params, 0);
        require!("dm_get_status_cache", status, 0);
        // SAFETY: arguments checked non-NULL; the rest is the caller's contract.
        unsafe { run_parser(mem, params, status, true, status::cache::parse_bytes, store_cache) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_snapshot(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_snapshot) -> c_int {
    ffi!("dm_get_status_snapshot", 0 => {
        if params.is_null() {
            crate::log_error!("Failed to parse invalid snapshot params.");
            return 0;
        }
        require!("dm_get_status_snapshot", mem, 0);
        require!("dm_get_status_snapshot", status, 0);
        // SAFETY: arguments checked non-NULL; the rest is the caller's contract.
        unsafe { run_parser(mem, params, status, false, status::snapshot::parse_bytes, store_snapshot) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_thin_pool(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_thin_pool) -> c_int {
    ffi!("dm_get_status_thin_pool", 0 => {
        require!("dm_get_status_thin_pool", mem, 0);
        if params.is_null() {
            crate::log_error!("Failed to parse invalid thin params.");
            return 0;
        }
        require!("dm_get_status_thin_pool", status, 0);
        // SAFETY: arguments checked non-NULL; the rest is the caller's contract.
        unsafe { run_parser(mem, params, status, false, status::thin::parse_pool_bytes, store_thin_pool) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_thin(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_thin) -> c_int {
    ffi!("dm_get_status_thin", 0 => {
        require!("dm_get_status_thin", mem, 0);
        require!("dm_get_status_thin", params, 0);
        require!("dm_get_status_thin", status, 0);
        // SAFETY: arguments checked non-NULL; the rest is the caller's contract.
        unsafe { run_parser(mem, params, status, false, status::thin::parse_thin_bytes, store_thin) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_writecache(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_writecache) -> c_int {
    ffi!("dm_get_status_writecache", 0 => {
        require!("dm_get_status_writecache", mem, 0);
        require!("dm_get_status_writecache", params, 0);
        require!("dm_get_status_writecache", status, 0);
        // SAFETY: arguments checked non-NULL; the rest is the caller's contract.
        unsafe { run_parser(mem, params, status, false, status::writecache::parse_bytes, store_writecache) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_integrity(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_integrity) -> c_int {
    ffi!("dm_get_status_integrity", 0 => {
        require!("dm_get_status_integrity", mem, 0);
        require!("dm_get_status_integrity", params, 0);
        require!("dm_get_status_integrity", status, 0);
        // SAFETY: arguments checked non-NULL; the rest is the caller's contract.
        unsafe { run_parser(mem, params, status, false, status::integrity::parse_bytes, store_integrity) }
    })
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
