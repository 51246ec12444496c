//! The parameter structs of the raid, cache, cachevol, writecache,
//! integrity and vdo target builders, read into `crate::targets` types
//! (the builders themselves, in the header's order, are in `capi::tree`;
//! `crate::tree` checks what they describe and refuses it in libdm's words).

use std::ffi::*;

use crate::capi::arg;
use crate::capi::types::*;
use crate::targets::integrity::Integrity;
use crate::targets::raid::{Raid, RAID_BITMAP_SIZE};
use crate::targets::vdo::VdoParams;
use crate::targets::writecache::WritecacheSettings;

/// The raid parameters of `struct dm_tree_node_raid_params`.
pub(super) fn raid_params(p: &dm_tree_node_raid_params, r: &mut Raid) {
    r.region_size = p.region_size;
    r.stripe_size = p.stripe_size;
    r.rebuilds[0] = p.rebuilds;
    r.writemostly[0] = p.writemostly;
    r.writebehind = p.writebehind;
    r.min_recovery_rate = p.min_recovery_rate;
    r.max_recovery_rate = p.max_recovery_rate;
    r.set_sync_flags(p.flags);
}

/// The raid parameters of `struct dm_tree_node_raid_params_v2`.
pub(super) fn raid_params_v2(p: &dm_tree_node_raid_params_v2, r: &mut Raid) {
    r.region_size = p.region_size;
    r.stripe_size = p.stripe_size;
    r.delta_disks = p.delta_disks;
    r.data_offset = p.data_offset;
    r.rebuilds = p.rebuilds;
    r.writemostly = p.writemostly;
    r.writebehind = p.writebehind;
    r.data_copies = p.data_copies;
    r.min_recovery_rate = p.min_recovery_rate;
    r.max_recovery_rate = p.max_recovery_rate;
    r.set_sync_flags(p.flags);
}

const _: () = assert!(RAID_BITMAP_SIZE == 4);

/// The policy settings: the children of `settings` as (key, integer value
/// or None when the value is not an integer). Keys that are not UTF-8 are
/// read with U+FFFD, as config keys are.
pub(super) fn policy_settings(settings: *const dm_config_node) -> Vec<(String, Option<i64>)> {
    let mut out = Vec::new();
    let mut cn = arg::deref(settings).map_or(std::ptr::null_mut(), |s| s.child);
    while let Some(n) = arg::deref(cn).filter(|_| out.len() < 100_000) {
        out.push((arg::lossy(n.key), arg::deref(n.v).and_then(crate::capi::config::int_of)));
        cn = n.sib;
    }
    out
}

/// The settings a C caller set (the `*_set` bits of the header's bitfield);
/// None (logged) when its extra key or value is not UTF-8.
pub(super) fn writecache_settings(s: &dm_writecache_settings) -> Option<WritecacheSettings> {
    const F: &str = "dm_tree_node_add_writecache_target";
    let bit = |n: u32| s.flags & (1 << n) != 0;
    let some64 = |n: u32, v: u64| bit(n).then_some(v);
    let some32 = |n: u32, v: u32| bit(n).then_some(v);
    let (key, val) = (arg::opt_owned(F, "new_key", s.new_key)?, arg::opt_owned(F, "new_val", s.new_val)?);
    Some(WritecacheSettings {
        high_watermark: some64(0, s.high_watermark),
        low_watermark: some64(1, s.low_watermark),
        writeback_jobs: some64(2, s.writeback_jobs),
        autocommit_blocks: some64(3, s.autocommit_blocks),
        autocommit_time: some64(4, s.autocommit_time),
        fua: bit(5),
        nofua: bit(6),
        cleaner: bit(7) && s.cleaner != 0,
        max_age: some32(8, s.max_age),
        metadata_only: bit(9),
        pause_writeback: some32(10, s.pause_writeback),
        extra: key.zip(val),
    })
}

/// The integrity parameters of a C caller's settings (the `*_set` bits of
/// the header's bitfield); None (logged) when its internal hash is not
/// UTF-8.
pub(super) fn integrity(s: &dm_integrity_settings, recalculate: c_int) -> Option<Integrity> {
    let internal_hash = arg::opt_owned("dm_tree_node_add_integrity_target", "internal_hash", s.internal_hash)?;
    let bit = |n: u32| s.flags & (1 << n) != 0;
    let mode: Vec<u8> = s.mode.iter().take_while(|c| **c != 0).map(|c| *c as u8).collect();
    Some(Integrity {
        mode: String::from_utf8_lossy(&mode).into_owned(),
        tag_size: s.tag_size,
        block_size: s.block_size,
        internal_hash,
        journal_sectors: bit(0).then_some(s.journal_sectors),
        interleave_sectors: bit(1).then_some(s.interleave_sectors),
        buffer_sectors: bit(2).then_some(s.buffer_sectors),
        journal_watermark: bit(3).then_some(s.journal_watermark),
        commit_time: bit(4).then_some(s.commit_time),
        bitmap_flush_interval: bit(5).then_some(s.bitmap_flush_interval),
        sectors_per_bit: bit(6).then_some(s.sectors_per_bit),
        allow_discards: bit(7) && s.allow_discards != 0,
        recalculate: recalculate != 0,
    })
}

/// The VDO parameters of a C caller's struct.
pub(crate) fn vdo_params(p: &dm_vdo_target_params) -> VdoParams {
    VdoParams {
        minimum_io_size: p.minimum_io_size,
        block_map_cache_size_mb: p.block_map_cache_size_mb,
        block_map_era_length: p.block_map_era_length,
        index_memory_size_mb: p.index_memory_size_mb,
        slab_size_mb: p.slab_size_mb,
        max_discard: p.max_discard,
        ack_threads: p.ack_threads,
        bio_threads: p.bio_threads,
        bio_rotation: p.bio_rotation,
        cpu_threads: p.cpu_threads,
        hash_zone_threads: p.hash_zone_threads,
        logical_threads: p.logical_threads,
        physical_threads: p.physical_threads,
        use_compression: p.use_compression != 0,
        use_deduplication: p.use_deduplication != 0,
        use_metadata_hints: p.use_metadata_hints != 0,
        use_sparse_index: p.use_sparse_index != 0,
        write_policy: vdo_write_policy(p),
    }
}

/// The write policy of the caller's VDO parameters, read as the integer C
/// stored (any value), never as the Rust enum.
fn vdo_write_policy(p: &dm_vdo_target_params) -> u32 {
    // SAFETY: the enum field has the size and alignment of a u32.
    unsafe { std::ptr::addr_of!(p.write_policy).cast::<u32>().read() }
}
