//! C entry points: status. The parsing is `crate::status`; this file checks
//! the arguments, copies the typed result into the header's structs
//! allocated from the caller's pool (as libdm does: destroying the pool
//! frees them) and logs libdm's messages.

use std::ffi::*;
use std::ptr;

use crate::capi::arg::{self, bytes, c_mut, c_ref, handle_mut, opt_out, out, string};
use crate::capi::cmem::CMem;
use crate::capi::types::*;
use crate::status::{self, StatusError};
use crate::util::pool::Pool;

/// One leg or log entry as C sees it: the health as an int (libdm 1.02.185
/// stores the raw character, which need not be one of the enum's values,
/// so it is written as an integer, never as the Rust enum), major, minor.
fn health_triples(devs: &[status::mirror::MirrorDevice]) -> Vec<[u32; 3]> {
    devs.iter().map(|d| [u32::from(d.health_char), d.major, d.minor]).collect()
}

/// An argv-style array of C strings (NULL when `args` is empty).
fn argv(mem: &mut CMem, args: &[Vec<u8>]) -> Option<*mut *mut c_char> {
    if args.is_empty() {
        return Some(ptr::null_mut());
    }
    let ptrs = args.iter().map(|a| mem.str(a)).collect::<Option<Vec<_>>>()?;
    mem.copy(&ptrs)
}

fn bit(on: bool, n: u32) -> c_uint {
    c_uint::from(on) << n
}

fn store_mirror(mem: &mut CMem, m: &status::mirror::MirrorStatus) -> Option<*mut dm_status_mirror> {
    const _: () = assert!(std::mem::size_of::<dm_dev_leg_health_s>() == 12);
    const _: () = assert!(std::mem::size_of::<dm_dev_log_health_s>() == 12);
    let logs = health_triples(&m.logs);
    let s = dm_status_mirror {
        total_regions: m.total_regions,
        insync_regions: m.insync_regions,
        dev_count: m.devs.len() as u32,
        devs: mem.copy(&health_triples(&m.devs))?.cast(),
        log_type: mem.str(&m.log_type)?,
        log_count: m.logs.len() as u32,
        logs: if logs.is_empty() { ptr::null_mut() } else { mem.copy(&logs)?.cast() },
    };
    mem.put(s)
}

fn store_raid(mem: &mut CMem, r: &status::raid::RaidStatus) -> Option<*mut dm_status_raid> {
    let s = dm_status_raid {
        reserved: 0,
        total_regions: r.total_regions,
        insync_regions: r.insync_regions,
        mismatch_count: r.mismatch_count,
        dev_count: r.dev_count,
        raid_type: mem.str(&r.raid_type)?,
        dev_health: mem.str(&r.dev_health)?,
        sync_action: r.sync_action.as_deref().map_or(Some(ptr::null_mut()), |a| mem.str(a))?,
        data_offset: r.data_offset,
    };
    mem.put(s)
}

fn store_cache(mem: &mut CMem, c: &status::cache::CacheStatus) -> Option<*mut dm_status_cache> {
    let has_policy = !(c.fail || c.error);
    let s = dm_status_cache {
        version: 0,
        metadata_block_size: c.metadata_block_size,
        block_size: c.block_size,
        metadata_used_blocks: c.metadata_used_blocks,
        metadata_total_blocks: c.metadata_total_blocks,
        used_blocks: c.used_blocks,
        dirty_blocks: c.dirty_blocks,
        total_blocks: c.total_blocks,
        read_hits: c.read_hits,
        read_misses: c.read_misses,
        write_hits: c.write_hits,
        write_misses: c.write_misses,
        demotions: c.demotions,
        promotions: c.promotions,
        feature_flags: c.feature_flags,
        core_argc: c.core_argc,
        core_argv: if c.core_argc > 0 { argv(mem, &c.core_argv)? } else { ptr::null_mut() },
        policy_name: if has_policy { mem.str(&c.policy_name)? } else { ptr::null_mut() },
        policy_argc: c.policy_argc,
        policy_argv: if c.policy_argc != 0 { argv(mem, &c.policy_argv)? } else { ptr::null_mut() },
        flags: bit(c.error, 0) | bit(c.fail, 1) | bit(c.needs_check, 2) | bit(c.read_only, 3),
    };
    mem.put(s)
}

fn store_snapshot(mem: &mut CMem, v: &status::snapshot::SnapshotStatus) -> Option<*mut dm_status_snapshot> {
    mem.put(dm_status_snapshot {
        used_sectors: v.used_sectors,
        total_sectors: v.total_sectors,
        metadata_sectors: v.metadata_sectors,
        flags: bit(v.has_metadata_sectors, 0) | bit(v.invalid, 1) | bit(v.merge_failed, 2) | bit(v.overflow, 3),
    })
}

fn store_thin_pool(mem: &mut CMem, v: &status::thin::ThinPoolStatus) -> Option<*mut dm_status_thin_pool> {
    use status::thin::Discards;
    mem.put(dm_status_thin_pool {
        transaction_id: v.transaction_id,
        used_metadata_blocks: v.used_metadata_blocks,
        total_metadata_blocks: v.total_metadata_blocks,
        used_data_blocks: v.used_data_blocks,
        total_data_blocks: v.total_data_blocks,
        held_metadata_root: v.held_metadata_root,
        read_only: u32::from(v.read_only),
        discards: match v.discards {
            Discards::Ignore => dm_thin_discards_e::DM_THIN_DISCARDS_IGNORE,
            Discards::NoPassdown => dm_thin_discards_e::DM_THIN_DISCARDS_NO_PASSDOWN,
            Discards::Passdown => dm_thin_discards_e::DM_THIN_DISCARDS_PASSDOWN,
        },
        flags: bit(v.fail, 0) | bit(v.error_if_no_space, 1) | bit(v.out_of_data_space, 2) | bit(v.needs_check, 3) | bit(v.error, 4),
    })
}

fn store_thin(mem: &mut CMem, v: &status::thin::ThinStatus) -> Option<*mut dm_status_thin> {
    mem.put(dm_status_thin { mapped_sectors: v.mapped_sectors, highest_mapped_sector: v.highest_mapped_sector, flags: bit(v.fail, 0) })
}

fn store_writecache(mem: &mut CMem, v: &status::writecache::WritecacheStatus) -> Option<*mut dm_status_writecache> {
    mem.put(dm_status_writecache { error: v.error, total_blocks: v.total_blocks, free_blocks: v.free_blocks, writeback_blocks: v.writeback_blocks })
}

fn store_integrity(mem: &mut CMem, v: &status::integrity::IntegrityStatus) -> Option<*mut dm_status_integrity> {
    mem.put(dm_status_integrity { number_of_mismatches: v.number_of_mismatches, provided_data_sectors: v.provided_data_sectors, recalc_sector: v.recalc_sector })
}

/// Runs a status parser over `line` and stores the result in the caller's
/// pool. On a parse failure, logs libdm's lines and, when
/// `null_on_failure` (libdm's mirror, raid and cache parsers), sets
/// `*status` to NULL.
fn run_parser<R, T>(mem: &mut Pool, line: &[u8], status: arg::Out<*mut T>, null_on_failure: bool, parse: impl FnOnce(&[u8]) -> Result<R, StatusError>, store: fn(&mut CMem, &R) -> Option<*mut T>) -> c_int {
    match parse(line) {
        Ok(r) => store(&mut CMem::Pool(mem), &r).map_or(0, |s| c_int::from(status.set(s))),
        Err(e) => {
            e.log();
            if null_on_failure {
                status.set(ptr::null_mut());
            }
            0
        }
    }
}

/// The params of the snapshot and thin-pool parsers, whose NULL libdm
/// reports in its words.
fn named_params<'a, const THIN: bool>(_: &str, _: &str, p: *const c_char) -> Option<&'a [u8]> {
    let line = arg::opt_bytes("", "", p).flatten();
    if line.is_none() {
        crate::log_error!("Failed to parse invalid {} params.", if THIN { "thin" } else { "snapshot" });
    }
    line
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_mirror(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_mirror) -> c_int {
    ffi!("dm_get_status_mirror", 0; mem: handle_mut, params: bytes, status: out => run_parser(mem, params, status, true, status::mirror::parse_bytes, store_mirror))
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_raid(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_raid) -> c_int {
    ffi!("dm_get_status_raid", 0; mem: handle_mut, params: bytes, status: out => run_parser(mem, params, status, true, status::raid::parse_bytes, store_raid))
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_cache(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_cache) -> c_int {
    ffi!("dm_get_status_cache", 0; mem: handle_mut, params: bytes, status: out => run_parser(mem, params, status, true, status::cache::parse_bytes, store_cache))
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_snapshot(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_snapshot) -> c_int {
    ffi!("dm_get_status_snapshot", 0; params: named_params::<false>, mem: handle_mut, status: out => run_parser(mem, params, status, false, status::snapshot::parse_bytes, store_snapshot))
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_thin_pool(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_thin_pool) -> c_int {
    ffi!("dm_get_status_thin_pool", 0; mem: handle_mut, params: named_params::<true>, status: out => run_parser(mem, params, status, false, status::thin::parse_pool_bytes, store_thin_pool))
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_thin(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_thin) -> c_int {
    ffi!("dm_get_status_thin", 0; mem: handle_mut, params: bytes, status: out => run_parser(mem, params, status, false, status::thin::parse_thin_bytes, store_thin))
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_writecache(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_writecache) -> c_int {
    ffi!("dm_get_status_writecache", 0; mem: handle_mut, params: bytes, status: out => run_parser(mem, params, status, false, status::writecache::parse_bytes, store_writecache))
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_status_integrity(mem: *mut dm_pool, params: *const c_char, status: *mut *mut dm_status_integrity) -> c_int {
    ffi!("dm_get_status_integrity", 0; mem: handle_mut, params: bytes, status: out => run_parser(mem, params, status, false, status::integrity::parse_bytes, store_integrity))
}

/// Counts (and with `clear`, clears) the failed devices of the raid
/// metadata volume `dev_path`.
fn raid_failed_devices(dev_path: &str, nr_failed: arg::Out<u32>, clear: bool) -> c_int {
    match status::raid_sb::count_or_clear(dev_path, clear) {
        Ok(n) => {
            nr_failed.set(n);
            1
        }
        Err(e) => {
            e.log();
            0
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_raid_count_failed_devices(dev_path: *const c_char, nr_failed: *mut u32) -> c_int {
    ffi!("dm_raid_count_failed_devices", 0; dev_path: string, nr_failed: opt_out => raid_failed_devices(dev_path, nr_failed, false))
}

#[no_mangle]
pub unsafe extern "C" fn dm_raid_clear_failed_devices(dev_path: *const c_char, nr_failed: *mut u32) -> c_int {
    ffi!("dm_raid_clear_failed_devices", 0; dev_path: string, nr_failed: opt_out => raid_failed_devices(dev_path, nr_failed, true))
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_validate_target_params(vtp: *const dm_vdo_target_params, vdo_size: u64) -> c_int {
    ffi!("dm_vdo_validate_target_params", 0; vtp: c_ref => {
        let errors = crate::capi::tree::targets::vdo_params(vtp).problems(vdo_size);
        for e in &errors {
            crate::dm_log!(crate::log::LOG_ERR, -1, "{e}");
        }
        c_int::from(errors.is_empty())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_parse_logical_size(vdo_path: *const c_char, logical_blocks: *mut u64) -> c_int {
    ffi!("dm_vdo_parse_logical_size", 0; logical_blocks: out => {
        logical_blocks.set(0);
        let Some(path) = arg::string("dm_vdo_parse_logical_size", "vdo_path", vdo_path) else { return 0 };
        match status::vdo::parse_logical_size(path) {
            Ok(n) => c_int::from(logical_blocks.set(n)),
            Err(e) => {
                crate::log_debug!("{e}");
                0
            }
        }
    })
}

/// Writes `msg` into a C char buffer as snprintf would (cut, NUL-terminated).
fn set_c_message(buf: &mut [c_char], msg: &[u8]) {
    let n = msg.len().min(buf.len().saturating_sub(1));
    for (d, &s) in buf.iter_mut().zip(msg[..n].iter()) {
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

fn store_vdo_status(mut mem: CMem, st: &status::vdo::VdoStatus) -> Option<*mut dm_vdo_status> {
    use status::vdo::{CompressionState as C, IndexState as I};
    let device = mem.str(&st.device)?;
    mem.put(dm_vdo_status {
        device,
        operating_mode: vdo_mode(st.operating_mode),
        recovering: c_int::from(st.recovering),
        index_state: match st.index_state {
            I::Error => dm_vdo_index_state::DM_VDO_INDEX_ERROR,
            I::Closed => dm_vdo_index_state::DM_VDO_INDEX_CLOSED,
            I::Opening => dm_vdo_index_state::DM_VDO_INDEX_OPENING,
            I::Closing => dm_vdo_index_state::DM_VDO_INDEX_CLOSING,
            I::Offline => dm_vdo_index_state::DM_VDO_INDEX_OFFLINE,
            I::Online => dm_vdo_index_state::DM_VDO_INDEX_ONLINE,
            I::Unknown => dm_vdo_index_state::DM_VDO_INDEX_UNKNOWN,
        },
        compression_state: match st.compression_state {
            C::Online => dm_vdo_compression_state::DM_VDO_COMPRESSION_ONLINE,
            C::Offline => dm_vdo_compression_state::DM_VDO_COMPRESSION_OFFLINE,
        },
        used_blocks: st.used_blocks,
        total_blocks: st.total_blocks,
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_status_parse(mem: *mut dm_pool, input: *const c_char, result: *mut dm_vdo_status_parse_result) -> c_int {
    ffi!("dm_vdo_status_parse", 0; input: bytes, result: c_mut => {
        let stored = status::vdo::parse_status(input).map_err(|e| e.to_string()).and_then(|st| store_vdo_status(CMem::of(mem), &st).ok_or_else(|| "out of memory".into()));
        match stored {
            Ok(status) => {
                result.status = status;
                1
            }
            Err(msg) => {
                set_c_message(&mut result.error, msg.as_bytes());
                0
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_vdo_stats_parse(mem: *mut dm_pool, stats_str: *const c_char, flags: c_uint) -> *mut dm_vdo_stats_full {
    ffi!("dm_vdo_stats_parse", ptr::null_mut() => {
        let Some(Some(line)) = arg::opt_bytes("dm_vdo_stats_parse", "stats_str", stats_str) else { return ptr::null_mut() };
        let full = flags & DM_VDO_STATS_FULL as c_uint != 0;
        let st = status::vdo::parse_stats(line, full);
        // One block, as libdm: the header, the fields (full only), the stats.
        let head = std::mem::size_of::<dm_vdo_stats_full>();
        let field = std::mem::size_of::<dm_vdo_stats_field>();
        let fields_size = if full { status::vdo::MAX_STATS * field } else { 0 };
        let Some(base) = CMem::of(mem).zeroed(head + fields_size + std::mem::size_of::<dm_vdo_stats>(), 8) else { return ptr::null_mut() };
        let base = base.as_ptr();
        let f = base.cast::<dm_vdo_stats_full>();
        let n = if full { st.fields.len().min(status::vdo::MAX_STATS) } else { 0 };
        // SAFETY: `base` holds the three parts, zeroed, and the stats part is
        // aligned (head and the fields are multiples of 8 bytes); at most
        // MAX_STATS fields are written, each string under 64 bytes. The
        // flexible array starts at its own offset (12: it is made of
        // chars), inside the header's padding, as in C.
        unsafe {
            let stats = base.add(head + fields_size).cast::<dm_vdo_stats>();
            stats.write(dm_vdo_stats {
                physical_blocks: st.physical_blocks,
                logical_blocks: st.logical_blocks,
                bytes_per_physical_block: st.bytes_per_physical_block,
                bytes_per_logical_block: st.bytes_per_logical_block,
                data_blocks_used: st.data_blocks_used,
                overhead_blocks_used: st.overhead_blocks_used,
                logical_blocks_used: st.logical_blocks_used,
                bios_in: st.bios_in,
                bios_out: st.bios_out,
                bios_meta: st.bios_meta,
                operating_mode: vdo_mode(st.operating_mode),
            });
            (*f).stats = stats;
            (*f).field_count = n as c_uint;
            let fields = std::slice::from_raw_parts_mut(ptr::addr_of_mut!((*f).fields).cast::<dm_vdo_stats_field>(), n);
            for (slot, (label, value)) in fields.iter_mut().zip(&st.fields) {
                set_c_message(&mut slot.label, label);
                set_c_message(&mut slot.value, value);
            }
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
    fn vdo_target_params_are_validated_with_the_raw_write_policy() {
        // SAFETY: a zeroed parameter struct, its enum field written as the
        // u32 a C caller may store there (any value).
        unsafe {
            let mut p: dm_vdo_target_params = std::mem::zeroed();
            (p.minimum_io_size, p.block_map_cache_size_mb, p.block_map_era_length) = (8, 128, 16380);
            (p.index_memory_size_mb, p.slab_size_mb, p.max_discard) = (256, 2048, 1);
            (p.bio_threads, p.bio_rotation, p.cpu_threads) = (4, 64, 2);
            assert_eq!(dm_vdo_validate_target_params(&p, 1 << 20), 1);
            ptr::addr_of_mut!(p.write_policy).cast::<u32>().write(9);
            assert_eq!(dm_vdo_validate_target_params(&p, 1 << 20), 0);
            ptr::addr_of_mut!(p.write_policy).cast::<u32>().write(0);
            p.logical_threads = 1;
            assert_eq!(dm_vdo_validate_target_params(&p, 1 << 20), 0);
            assert_eq!(dm_vdo_validate_target_params(ptr::null(), 1 << 20), 0);
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
