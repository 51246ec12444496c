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
pub unsafe extern "C" fn dm_raid_count_failed_devices(dev_path: *const c_char, nr_failed: *mut u32) -> c_int {
    ffi!("dm_raid_count_failed_devices", 0 => {
        // SAFETY: the caller's contract.
        unsafe { raid_failed_devices("dm_raid_count_failed_devices", dev_path, nr_failed, false) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_raid_clear_failed_devices(dev_path: *const c_char, nr_failed: *mut u32) -> c_int {
    ffi!("dm_raid_clear_failed_devices", 0 => {
        // SAFETY: the caller's contract.
        unsafe { raid_failed_devices("dm_raid_clear_failed_devices", dev_path, nr_failed, true) }
    })
}

/// Counts (and with `clear`, clears) the failed devices of the raid
/// metadata volume `dev_path`; `nr_failed` may be NULL.
///
/// # Safety
/// `dev_path` NULL or a C string; `nr_failed` NULL or writable.
unsafe fn raid_failed_devices(function: &str, dev_path: *const c_char, nr_failed: *mut u32, clear: bool) -> c_int {
    // SAFETY: per this function's contract.
    let Some(path) = (unsafe { crate::capi::boundary::c_str(function, "dev_path", dev_path) }) else {
        return 0;
    };
    match status::raid_sb::count_or_clear(path, clear) {
        Ok(n) => {
            if !nr_failed.is_null() {
                // SAFETY: non-NULL and writable per this function's contract.
                unsafe { *nr_failed = n };
            }
            1
        }
        Err(e) => {
            let errno = match &e {
                status::raid_sb::RaidSbError::Io { errno, .. } => *errno,
                _ => -1,
            };
            crate::dm_log!(crate::log::LOG_ERR, errno, "{e}");
            0
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_validate_target_params(vtp: *const dm_vdo_target_params, vdo_size: u64) -> c_int {
    ffi!("dm_vdo_validate_target_params", 0 => {
        require!("dm_vdo_validate_target_params", vtp, 0);
        // SAFETY: a readable struct per the caller's contract. The write
        // policy is read as the integer C stored (any value), never as the
        // Rust enum.
        let p = unsafe {
            status::vdo::VdoTargetParams {
                minimum_io_size: (*vtp).minimum_io_size,
                block_map_cache_size_mb: (*vtp).block_map_cache_size_mb,
                block_map_era_length: (*vtp).block_map_era_length,
                index_memory_size_mb: (*vtp).index_memory_size_mb,
                slab_size_mb: (*vtp).slab_size_mb,
                max_discard: (*vtp).max_discard,
                ack_threads: (*vtp).ack_threads,
                bio_threads: (*vtp).bio_threads,
                bio_rotation: (*vtp).bio_rotation,
                cpu_threads: (*vtp).cpu_threads,
                hash_zone_threads: (*vtp).hash_zone_threads,
                logical_threads: (*vtp).logical_threads,
                physical_threads: (*vtp).physical_threads,
                write_policy: ptr::read(ptr::addr_of!((*vtp).write_policy) as *const u32),
            }
        };
        let errors = status::vdo::validate_target_params(&p, vdo_size);
        for e in &errors {
            crate::dm_log!(crate::log::LOG_ERR, -1, "{e}");
        }
        c_int::from(errors.is_empty())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_parse_logical_size(vdo_path: *const c_char, logical_blocks: *mut u64) -> c_int {
    ffi!("dm_vdo_parse_logical_size", 0 => {
        require!("dm_vdo_parse_logical_size", logical_blocks, 0);
        // SAFETY: writable per the caller's contract.
        unsafe { *logical_blocks = 0 };
        // SAFETY: NULL or a C string per the caller's contract.
        let Some(path) = (unsafe { crate::capi::boundary::c_str("dm_vdo_parse_logical_size", "vdo_path", vdo_path) }) else {
            return 0;
        };
        match status::vdo::parse_logical_size(path) {
            Ok(n) => {
                // SAFETY: as above.
                unsafe { *logical_blocks = n };
                1
            }
            Err(e) => {
                crate::log_debug!("{e}");
                0
            }
        }
    })
}

/// `n` bytes zeroed: from the pool, or from malloc when there is no pool
/// (the caller then frees with free/dm_free, as with libdm).
fn zeroed_bytes(mem: *mut dm_pool, n: usize) -> *mut u8 {
    if mem.is_null() {
        // SAFETY: calloc has no preconditions.
        return unsafe { libc::calloc(1, n) } as *mut u8;
    }
    // SAFETY: a live pool handle, per the caller's contract.
    match unsafe { pool_mut(mem) }.zalloc(n) {
        Ok(p) => p.as_ptr(),
        Err(e) => {
            crate::log_error!("{e}");
            ptr::null_mut()
        }
    }
}

/// A NUL-terminated copy of `bytes`, from the pool or malloc.
fn copied_str(mem: *mut dm_pool, bytes: &[u8]) -> *mut c_char {
    let p = zeroed_bytes(mem, bytes.len() + 1);
    if !p.is_null() {
        // SAFETY: `p` has bytes.len() + 1 zeroed bytes.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len()) };
    }
    p as *mut c_char
}

/// Writes `msg` into a C char buffer as snprintf would (cut, NUL-terminated).
fn set_c_message(buf: &mut [c_char], msg: &str) {
    let n = msg.len().min(buf.len().saturating_sub(1));
    for (d, &s) in buf.iter_mut().zip(msg.as_bytes()[..n].iter()) {
        *d = s as c_char;
    }
    if let Some(end) = buf.get_mut(n) {
        *end = 0;
    }
}

fn vdo_mode(m: status::vdo::OperatingMode) -> dm_vdo_operating_mode {
    use status::vdo::OperatingMode as M;
    match m {
        M::Recovering => dm_vdo_operating_mode::DM_VDO_MODE_RECOVERING,
        M::ReadOnly => dm_vdo_operating_mode::DM_VDO_MODE_READ_ONLY,
        M::Normal => dm_vdo_operating_mode::DM_VDO_MODE_NORMAL,
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_status_parse(mem: *mut dm_pool, input: *const c_char, result: *mut dm_vdo_status_parse_result) -> c_int {
    ffi!("dm_vdo_status_parse", 0 => {
        require!("dm_vdo_status_parse", input, 0);
        require!("dm_vdo_status_parse", result, 0);
        use status::vdo::{CompressionState as C, IndexState as I};
        // SAFETY: a C string per the caller's contract.
        let line = unsafe { c_bytes(input) };
        // SAFETY: `result` is writable per the caller's contract.
        let result = unsafe { &mut *result };
        let st = match status::vdo::parse_status(line) {
            Ok(st) => st,
            Err(e) => {
                set_c_message(&mut result.error, &e.to_string());
                return 0;
            }
        };
        let s = zeroed_bytes(mem, std::mem::size_of::<dm_vdo_status>()) as *mut dm_vdo_status;
        let device = if s.is_null() { ptr::null_mut() } else { copied_str(mem, &st.device) };
        if s.is_null() || device.is_null() {
            set_c_message(&mut result.error, "out of memory");
            return 0;
        }
        // SAFETY: `s` is a zeroed dm_vdo_status (pool chunks and calloc are
        // aligned for it); only valid enum values are stored.
        unsafe {
            (*s).device = device;
            (*s).operating_mode = vdo_mode(st.operating_mode);
            (*s).recovering = c_int::from(st.recovering);
            (*s).index_state = match st.index_state {
                I::Error => dm_vdo_index_state::DM_VDO_INDEX_ERROR,
                I::Closed => dm_vdo_index_state::DM_VDO_INDEX_CLOSED,
                I::Opening => dm_vdo_index_state::DM_VDO_INDEX_OPENING,
                I::Closing => dm_vdo_index_state::DM_VDO_INDEX_CLOSING,
                I::Offline => dm_vdo_index_state::DM_VDO_INDEX_OFFLINE,
                I::Online => dm_vdo_index_state::DM_VDO_INDEX_ONLINE,
                I::Unknown => dm_vdo_index_state::DM_VDO_INDEX_UNKNOWN,
            };
            (*s).compression_state = match st.compression_state {
                C::Online => dm_vdo_compression_state::DM_VDO_COMPRESSION_ONLINE,
                C::Offline => dm_vdo_compression_state::DM_VDO_COMPRESSION_OFFLINE,
            };
            (*s).used_blocks = st.used_blocks;
            (*s).total_blocks = st.total_blocks;
        }
        result.status = s;
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_stats_parse(mem: *mut dm_pool, stats_str: *const c_char, flags: c_uint) -> *mut dm_vdo_stats_full {
    ffi!("dm_vdo_stats_parse", ptr::null_mut() => {
        if stats_str.is_null() {
            return ptr::null_mut();
        }
        let full = flags & DM_VDO_STATS_FULL as c_uint != 0;
        // SAFETY: a C string per the caller's contract.
        let st = status::vdo::parse_stats(unsafe { c_bytes(stats_str) }, full);
        // One block, as libdm: the header, the fields (full only), the stats.
        let head = std::mem::size_of::<dm_vdo_stats_full>();
        let field = std::mem::size_of::<dm_vdo_stats_field>();
        let fields_size = if full { status::vdo::MAX_STATS * field } else { 0 };
        let base = zeroed_bytes(mem, head + fields_size + std::mem::size_of::<dm_vdo_stats>());
        if base.is_null() {
            return ptr::null_mut();
        }
        let f = base as *mut dm_vdo_stats_full;
        // SAFETY: `base` holds the three parts, zeroed, and the stats part is
        // aligned (head and the fields are multiples of 8 bytes); at most
        // MAX_STATS fields are written, each string under 64 bytes.
        unsafe {
            let stats = base.add(head + fields_size) as *mut dm_vdo_stats;
            (*f).stats = stats;
            (*stats).physical_blocks = st.physical_blocks;
            (*stats).logical_blocks = st.logical_blocks;
            (*stats).bytes_per_physical_block = st.bytes_per_physical_block;
            (*stats).bytes_per_logical_block = st.bytes_per_logical_block;
            (*stats).data_blocks_used = st.data_blocks_used;
            (*stats).overhead_blocks_used = st.overhead_blocks_used;
            (*stats).logical_blocks_used = st.logical_blocks_used;
            (*stats).bios_in = st.bios_in;
            (*stats).bios_out = st.bios_out;
            (*stats).bios_meta = st.bios_meta;
            (*stats).operating_mode = vdo_mode(st.operating_mode);
            // The flexible array starts at its own offset (12: it is made of
            // chars), inside the header's padding, as in C.
            let fields = ptr::addr_of_mut!((*f).fields) as *mut dm_vdo_stats_field;
            let n = if full { st.fields.len().min(status::vdo::MAX_STATS) } else { 0 };
            for (i, (label, value)) in st.fields.iter().take(n).enumerate() {
                let slot = &mut *fields.add(i);
                for (d, &s) in slot.label.iter_mut().zip(label.iter().take(63)) {
                    *d = s as c_char;
                }
                for (d, &s) in slot.value.iter_mut().zip(value.iter().take(63)) {
                    *d = s as c_char;
                }
            }
            (*f).field_count = n as c_uint;
        }
        f
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::pool::{dm_pool_create, dm_pool_destroy};

    #[test]
    fn mirror_status_lands_in_the_callers_pool() {
        // SAFETY: a fresh pool, a C string literal, a local out-pointer.
        unsafe {
            let mem = dm_pool_create(c"t".as_ptr(), 512);
            let mut s: *mut dm_status_mirror = ptr::null_mut();
            assert_eq!(dm_get_status_mirror(mem, c"2 254:1 254:2 3/4 1 AD 3 disk 254:0 A".as_ptr(), &mut s), 1);
            assert_eq!(((*s).insync_regions, (*s).total_regions, (*s).dev_count, (*s).log_count), (3, 4, 2, 1));
            let devs = (*s).devs as *const [u32; 3];
            assert_eq!(*devs.add(1), [u32::from(b'D'), 254, 2]);
            assert_eq!(CStr::from_ptr((*s).log_type).to_bytes(), b"disk");
            dm_pool_destroy(mem);
        }
    }

    #[test]
    fn a_rejected_mirror_line_sets_status_to_null() {
        // SAFETY: as above.
        unsafe {
            let mem = dm_pool_create(c"t".as_ptr(), 512);
            let mut s = ptr::NonNull::<dm_status_mirror>::dangling().as_ptr();
            assert_eq!(dm_get_status_mirror(mem, c"2 254:1".as_ptr(), &mut s), 0);
            assert!(s.is_null());
            dm_pool_destroy(mem);
        }
    }

    #[test]
    fn a_rejected_snapshot_line_leaves_status_alone() {
        // SAFETY: as above.
        unsafe {
            let mem = dm_pool_create(c"t".as_ptr(), 512);
            let mut s = ptr::NonNull::<dm_status_snapshot>::dangling().as_ptr();
            let before = s;
            assert_eq!(dm_get_status_snapshot(mem, c"x".as_ptr(), &mut s), 0);
            assert_eq!(s, before);
            assert_eq!(dm_get_status_snapshot(mem, c"1/2 3".as_ptr(), &mut s), 1);
            assert_eq!(((*s).used_sectors, (*s).metadata_sectors, (*s).flags), (1, 3, 1));
            dm_pool_destroy(mem);
        }
    }

    #[test]
    fn vdo_status_errors_go_to_the_result_buffer() {
        // SAFETY: a zeroed result struct and C string literals.
        unsafe {
            let mut r: dm_vdo_status_parse_result = std::mem::zeroed();
            assert_eq!(dm_vdo_status_parse(ptr::null_mut(), c"dev normal".as_ptr(), &mut r), 0);
            assert_eq!(CStr::from_ptr(r.error.as_ptr()).to_bytes(), b"couldn't get token for 'recovering'");
            assert_eq!(dm_vdo_status_parse(ptr::null_mut(), c"dev normal - online offline 5 9".as_ptr(), &mut r), 1);
            assert_eq!(((*r.status).used_blocks, (*r.status).total_blocks), (5, 9));
            assert_eq!(CStr::from_ptr((*r.status).device).to_bytes(), b"dev");
            libc::free((*r.status).device as *mut c_void);
            libc::free(r.status as *mut c_void);
        }
    }

    #[test]
    fn vdo_stats_full_fills_the_label_value_pairs() {
        // SAFETY: a fresh pool and a C string literal.
        unsafe {
            let mem = dm_pool_create(c"t".as_ptr(), 512);
            let f = dm_vdo_stats_parse(mem, c"{ logicalBlocks : 100, mode : normal }".as_ptr(), DM_VDO_STATS_FULL as c_uint);
            assert_eq!((*f).field_count, 2);
            assert_eq!((*(*f).stats).logical_blocks, 100);
            let first = &*(*f).fields.as_ptr();
            assert_eq!(CStr::from_ptr(first.label.as_ptr()).to_bytes(), b"logical blocks");
            assert!(dm_vdo_stats_parse(mem, ptr::null(), 0).is_null());
            dm_pool_destroy(mem);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "writes files, which Miri's isolation forbids")]
    fn raid_superblock_failed_devices_are_counted_and_cleared() {
        let dir = std::env::temp_dir().join(format!("dm-raid-sb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rmeta");
        let mut block = vec![0u8; 8192];
        block[..4].copy_from_slice(b"DmRd");
        block[24] = 0b111;
        std::fs::write(&path, &block).unwrap();
        let cpath = CString::new(path.to_str().unwrap()).unwrap();
        let mut n = 0u32;
        // SAFETY: a C string and a local out-pointer.
        unsafe {
            assert_eq!(dm_raid_count_failed_devices(cpath.as_ptr(), &mut n), 1);
            assert_eq!(n, 3);
            assert_eq!(dm_raid_clear_failed_devices(cpath.as_ptr(), &mut n), 1);
            assert_eq!(dm_raid_count_failed_devices(cpath.as_ptr(), &mut n), 1);
        }
        assert_eq!(n, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn null_arguments_fail_without_a_crash() {
        // SAFETY: NULLs are what is being tested; a fresh pool otherwise.
        unsafe {
            let mem = dm_pool_create(c"t".as_ptr(), 512);
            let line = c"1 2".as_ptr();
            assert_eq!(dm_get_status_mirror(mem, ptr::null(), &mut ptr::null_mut()), 0);
            assert_eq!(dm_get_status_raid(ptr::null_mut(), line, &mut ptr::null_mut()), 0);
            assert_eq!(dm_get_status_cache(mem, ptr::null(), &mut ptr::null_mut()), 0);
            assert_eq!(dm_get_status_snapshot(mem, ptr::null(), &mut ptr::null_mut()), 0);
            assert_eq!(dm_get_status_thin_pool(mem, ptr::null(), &mut ptr::null_mut()), 0);
            assert_eq!(dm_get_status_thin(mem, ptr::null(), &mut ptr::null_mut()), 0);
            assert_eq!(dm_get_status_writecache(mem, line, ptr::null_mut()), 0);
            assert_eq!(dm_get_status_integrity(ptr::null_mut(), line, &mut ptr::null_mut()), 0);
            assert_eq!(dm_raid_count_failed_devices(ptr::null(), ptr::null_mut()), 0);
            assert_eq!(dm_raid_clear_failed_devices(ptr::null(), ptr::null_mut()), 0);
            assert_eq!(dm_vdo_validate_target_params(ptr::null(), 0), 0);
            assert_eq!(dm_vdo_parse_logical_size(line, ptr::null_mut()), 0);
            assert_eq!(dm_vdo_status_parse(mem, ptr::null(), ptr::null_mut()), 0);
            assert!(dm_vdo_stats_parse(mem, ptr::null(), 1).is_null());
            dm_pool_destroy(mem);
        }
    }

    #[test]
    fn vdo_params_out_of_range_are_each_reported() {
        // SAFETY: a zeroed params struct (all-zero is a valid C value).
        unsafe {
            let p: dm_vdo_target_params = std::mem::zeroed();
            assert_eq!(dm_vdo_validate_target_params(&p, 0), 0);
        }
    }
}
