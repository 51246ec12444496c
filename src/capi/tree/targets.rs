//! C entry points: the raid, cache, cachevol, writecache, integrity, vdo and
//! replicator target builders and null areas. Each converts the C
//! arguments, lets `crate::targets` check them, and adds a segment whose
//! devices are areas of the node (so the tree links the node to them).
//! Refusals are logged with libdm's words. The functions mirror the C
//! signatures, hence their many arguments.
#![allow(clippy::too_many_arguments)]

use std::ffi::*;

use super::{on_node, dm_tree_node, TreeState};
use crate::capi::arg;
use crate::capi::types::*;
use crate::kernel::default_kernel;
use crate::targets::cache::{self, Cache};
use crate::targets::integrity::Integrity;
use crate::targets::raid::{Raid, RaidLevel, RAID_BITMAP_SIZE};
use crate::targets::vdo::{Vdo, VdoParams};
use crate::targets::writecache::{Writecache, WritecacheSettings};
use crate::targets::{AreaDevice, Target};
use crate::task::{Task, TaskType};
use crate::tree::{NodeId, Tree, TreeError};

/// Runs `f` on a node's tree; an error is logged as its message alone
/// (libdm's words), and the function returns 0.
///
/// `node` is a handle argument of an exported function (trust boundary).
fn build(function: &'static str, node: *mut dm_tree_node, f: impl FnOnce(&mut TreeState, NodeId) -> Result<(), String>) -> c_int {
    on_node(function, node, f, |e| e)
}

/// The tree node with `uuid` (libdm's lookup), or `missing` formatted with
/// the uuid as the error.
fn find(t: &TreeState, uuid: &Option<String>, missing: impl Fn(&str) -> String) -> Result<NodeId, String> {
    let u = uuid.as_deref().unwrap_or("");
    match uuid {
        Some(u) if !u.is_empty() => t.tree.find_by_uuid(u).filter(|c| *c != Tree::ROOT).ok_or_else(|| missing(u)),
        _ => Err(missing(if u.is_empty() { "(null)" } else { u })),
    }
}

/// Appends a segment whose areas are the given nodes, in order.
fn segment_on(t: &mut TreeState, id: NodeId, size: u64, target: Target, devices: &[NodeId]) -> Result<(), String> {
    t.tree.add_segment(id, size, target);
    for d in devices {
        t.tree.add_area(id, AreaDevice::Node(*d), 0).map_err(|e: TreeError| e.to_string())?;
    }
    Ok(())
}

/// The version of the kernel's raid target, as libdm asks for it: None when
/// the kernel does not list it; [0, 0, 0] when the list cannot be read.
fn raid_target_version() -> Option<[u32; 3]> {
    match Task::new(TaskType::ListVersions).run(default_kernel().as_ref()) {
        Ok(out) => out.versions.iter().find(|v| v.name == "raid").map(|v| v.version),
        Err(e) => {
            crate::log_debug!("Failed to get raid target versions: {e}");
            Some([0, 0, 0])
        }
    }
}

/// Adds a raid segment of `raid_type` set up by `fill`.
fn add_raid(function: &'static str, node: *mut dm_tree_node, size: u64, raid_type: *const c_char, fill: impl FnOnce(&mut Raid)) -> c_int {
    let Some(name) = arg::opt_owned(function, "raid_type", raid_type) else { return 0 };
    build(function, node, |t, id| {
        let name = name.ok_or_else(|| format!("{function}: raid_type must not be NULL"))?;
        let mut raid = Raid::new(RaidLevel::Raid1);
        fill(&mut raid);
        // libdm looks the name up among all its segment types: the
        // plain ones are accepted and take what applies of the raid
        // parameters. Those that need devices the raid parameters
        // cannot name (snapshot, cache, thin ...) are refused here,
        // where libdm would fail or crash when loading the table.
        if let Some(plain) = plain_segment(&name, &raid) {
            t.tree.add_segment(id, size, plain);
            return Ok(());
        }
        let level = RaidLevel::from_name(&name).ok_or_else(|| format!("Unsupported raid type {name}."))?;
        raid.level = level;
        if level == RaidLevel::Raid1 && raid.stripe_size != 0 {
            crate::log_verbose!("WARNING: Ignoring RAID1 stripe size");
        }
        // libdm asks at load time; without the target listed it cannot
        // load the table, while the kernel would load dm-raid itself:
        // the documented order is then used.
        raid.legacy_order = raid_target_version().is_some_and(Raid::order_is_legacy);
        t.tree.add_segment(id, size, Target::Raid(raid));
        Ok(())
    })
}

pub(super) fn dm_tree_node_add_raid_target(node: *mut dm_tree_node, size: u64, raid_type: *const c_char, region_size: u32, stripe_size: u32, rebuilds: u64, flags: u64) -> c_int {
    add_raid("dm_tree_node_add_raid_target", node, size, raid_type, |r| {
        r.region_size = region_size;
        r.stripe_size = stripe_size;
        r.rebuilds[0] = rebuilds;
        set_sync_flags(r, flags);
    })
}

/// The segment of a non-raid type name given to a raid builder.
fn plain_segment(name: &str, raid: &Raid) -> Option<Target> {
    Some(match name {
        "linear" => Target::Linear,
        "zero" => Target::Zero,
        "error" => Target::Error,
        "striped" => Target::Striped { stripe_size: raid.stripe_size },
        "mirror" => Target::Mirror(crate::targets::MirrorLog { region_size: raid.region_size, nosync: raid.nosync, forcesync: raid.forcesync, ..Default::default() }),
        _ => return None,
    })
}

/// libdm keeps the flags in 32 bits: only DM_NOSYNC and DM_FORCESYNC count.
fn set_sync_flags(r: &mut Raid, flags: u64) {
    let flags = flags as u32;
    r.nosync = flags & DM_NOSYNC as u32 != 0;
    r.forcesync = flags & DM_FORCESYNC as u32 != 0;
}

pub(super) fn dm_tree_node_add_raid_target_with_params(node: *mut dm_tree_node, size: u64, p: *const dm_tree_node_raid_params) -> c_int {
    let Some(p) = arg::c_ref("dm_tree_node_add_raid_target_with_params", "p", p) else { return 0 };
    add_raid("dm_tree_node_add_raid_target_with_params", node, size, p.raid_type, |r| {
        r.region_size = p.region_size;
        r.stripe_size = p.stripe_size;
        r.rebuilds[0] = p.rebuilds;
        r.writemostly[0] = p.writemostly;
        r.writebehind = p.writebehind;
        r.min_recovery_rate = p.min_recovery_rate;
        r.max_recovery_rate = p.max_recovery_rate;
        set_sync_flags(r, p.flags);
    })
}

pub(super) fn dm_tree_node_add_raid_target_with_params_v2(node: *mut dm_tree_node, size: u64, p: *const dm_tree_node_raid_params_v2) -> c_int {
    let Some(p) = arg::c_ref("dm_tree_node_add_raid_target_with_params_v2", "p", p) else { return 0 };
    add_raid("dm_tree_node_add_raid_target_with_params_v2", node, size, p.raid_type, |r| {
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
        set_sync_flags(r, p.flags);
    })
}

const _: () = assert!(RAID_BITMAP_SIZE == 4);

pub(super) fn dm_tree_node_add_null_area(node: *mut dm_tree_node, offset: u64) -> c_int {
    build("dm_tree_node_add_null_area", node, |t, id| {
        match t.tree.node(id).props.segments.last().map(|s| &s.target) {
            None => {
                let n = t.tree.node(id);
                return Err(format!("Node {} ({}:{}) is missing a segment.", n.name, n.major, n.minor));
            }
            Some(Target::Raid(r)) if r.level.allows_null_areas() => {}
            Some(_) => return Err("dm_tree_node_add_null_area() called on an unsupported segment type".into()),
        }
        t.tree.add_area(id, AreaDevice::Missing, offset).map_err(|e| e.to_string())
    })
}

/// The policy settings: the children of `settings` as (key, integer value
/// or None when the value is not an integer). Keys that are not UTF-8 are
/// read with U+FFFD, as config keys are.
fn policy_settings(settings: *const dm_config_node) -> Vec<(String, Option<i64>)> {
    let mut out = Vec::new();
    let mut cn = arg::deref(settings).map_or(std::ptr::null_mut(), |s| s.child);
    while let Some(n) = arg::deref(cn).filter(|_| out.len() < 100_000) {
        out.push((arg::lossy(n.key), arg::deref(n.v).and_then(crate::capi::config::int_of)));
        cn = n.sib;
    }
    out
}

/// Adds a cache segment over metadata, data and origin nodes.
fn add_cache(t: &mut TreeState, id: NodeId, size: u64, flags: u64, metadata: Option<String>, data: Option<String>, origin: Option<String>, policy: Option<String>, settings: &[(String, Option<i64>)], block: u32) -> Result<(), String> {
    let c = Cache::new(flags, policy.as_deref(), settings, block).map_err(|e| e.to_string())?;
    let d = find(t, &data, |u| format!("Missing cache's data uuid {u}."))?;
    let m = find(t, &metadata, |u| format!("Missing cache's metadata uuid {u}."))?;
    // libdm names the metadata uuid in this message too.
    let o = find(t, &origin, |_| format!("Missing cache's origin uuid {}.", metadata.as_deref().unwrap_or("(null)")))?;
    // Areas in libdm's link order (which preload follows): data, metadata, origin.
    segment_on(t, id, size, Target::Cache(c), &[d, m, o])
}

pub(super) fn dm_tree_node_add_cache_target(node: *mut dm_tree_node, size: u64, feature_flags: u64, metadata_uuid: *const c_char, data_uuid: *const c_char, origin_uuid: *const c_char, policy_name: *const c_char, policy_settings_: *const dm_config_node, data_block_size: u32) -> c_int {
    const F: &str = "dm_tree_node_add_cache_target";
    let (Some(m), Some(d), Some(o), Some(p)) = (arg::opt_owned(F, "metadata_uuid", metadata_uuid), arg::opt_owned(F, "data_uuid", data_uuid), arg::opt_owned(F, "origin_uuid", origin_uuid), arg::opt_owned(F, "policy_name", policy_name)) else { return 0 };
    let s = policy_settings(policy_settings_);
    build("dm_tree_node_add_cache_target", node, |t, id| add_cache(t, id, size, feature_flags, m, d, o, p, &s, data_block_size))
}

/// The first version (`dm_tree_node_add_cache_target@Base`): it knew only
/// the three modes, so every other feature bit is dropped.
pub(super) fn dm_tree_node_add_cache_target_base(node: *mut dm_tree_node, size: u64, feature_flags: u64, metadata_uuid: *const c_char, data_uuid: *const c_char, origin_uuid: *const c_char, policy_name: *const c_char, policy_settings: *const dm_config_node, data_block_size: u32) -> c_int {
    dm_tree_node_add_cache_target(node, size, cache::base_version_flags(feature_flags), metadata_uuid, data_uuid, origin_uuid, policy_name, policy_settings, data_block_size)
}

/// A cache whose metadata and data live on one cache volume: the metadata
/// and data nodes, when they have no table of their own yet, become linear
/// layers over the cache volume at the given offsets and lengths.
pub(super) fn dm_tree_node_add_cachevol_target(node: *mut dm_tree_node, size: u64, feature_flags: u64, metadata_uuid: *const c_char, data_uuid: *const c_char, cachevol_uuid: *const c_char, origin_uuid: *const c_char, policy_name: *const c_char, policy_settings_: *const dm_config_node, metadata_start: u64, metadata_len: u64, data_start: u64, data_len: u64, data_block_size: u32) -> c_int {
    const F: &str = "dm_tree_node_add_cachevol_target";
    let (Some(m), Some(d), Some(v), Some(o), Some(p)) = (arg::opt_owned(F, "metadata_uuid", metadata_uuid), arg::opt_owned(F, "data_uuid", data_uuid), arg::opt_owned(F, "cachevol_uuid", cachevol_uuid), arg::opt_owned(F, "origin_uuid", origin_uuid), arg::opt_owned(F, "policy_name", policy_name)) else { return 0 };
    let s = policy_settings(policy_settings_);
    build("dm_tree_node_add_cachevol_target", node, |t, id| {
        let vol = find(t, &v, |u| format!("Missing cache's cachevol uuid {u}."))?;
        let mn = find(t, &m, |u| format!("Missing cache's metadata uuid {u}."))?;
        let dn = find(t, &d, |u| format!("Missing cache's data uuid {u}."))?;
        Cache::new(feature_flags, p.as_deref(), &s, data_block_size).map_err(|e| e.to_string())?;
        for (layer, start, len) in [(mn, metadata_start, metadata_len), (dn, data_start, data_len)] {
            if t.tree.node(layer).props.segments.is_empty() {
                t.tree.add_segment(layer, len, Target::Linear);
                t.tree.add_area(layer, AreaDevice::Node(vol), start).map_err(|e| e.to_string())?;
            }
        }
        add_cache(t, id, size, feature_flags, m, d, o, p, &s, data_block_size)
    })
}

/// The settings a C caller set (the `*_set` bits of the header's bitfield);
/// None (logged) when its extra key or value is not UTF-8.
fn writecache_settings(s: &dm_writecache_settings) -> Option<WritecacheSettings> {
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

pub(super) fn dm_tree_node_add_writecache_target(node: *mut dm_tree_node, size: u64, origin_uuid: *const c_char, cache_uuid: *const c_char, pmem: c_int, writecache_block_size: u32, settings: *mut dm_writecache_settings) -> c_int {
    const F: &str = "dm_tree_node_add_writecache_target";
    let (Some(o), Some(c)) = (arg::opt_owned(F, "origin_uuid", origin_uuid), arg::opt_owned(F, "cache_uuid", cache_uuid)) else { return 0 };
    let Some(settings) = arg::deref(settings).map_or(Some(WritecacheSettings::default()), writecache_settings) else { return 0 };
    build("dm_tree_node_add_writecache_target", node, |t, id| {
        let cn = find(t, &c, |u| format!("Missing writecache's cache uuid {u}."))?;
        let on = find(t, &o, |u| format!("Missing writecache's origin uuid {u}."))?;
        let w = Writecache { pmem: pmem != 0, block_size: writecache_block_size, settings };
        segment_on(t, id, size, Target::Writecache(w), &[cn, on])
    })
}

pub(super) fn dm_tree_node_add_integrity_target(node: *mut dm_tree_node, size: u64, origin_uuid: *const c_char, meta_uuid: *const c_char, settings: *mut dm_integrity_settings, recalculate: c_int) -> c_int {
    const F: &str = "dm_tree_node_add_integrity_target";
    let (Some(o), Some(m)) = (arg::opt_owned(F, "origin_uuid", origin_uuid), arg::opt_owned(F, "meta_uuid", meta_uuid)) else { return 0 };
    let integrity = if let Some(s) = arg::deref(settings) {
        let Some(internal_hash) = arg::opt_owned(F, "internal_hash", s.internal_hash) else { return 0 };
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
    } else {
        None
    };
    build("dm_tree_node_add_integrity_target", node, |t, id| {
        if m.is_none() {
            return Err("No integrity meta uuid.".into());
        }
        let mn = find(t, &m, |u| format!("Missing integrity's meta uuid {u}."))?;
        let on = find(t, &o, |u| format!("Missing integrity's origin uuid {u}."))?;
        let i = integrity.ok_or("dm_tree_node_add_integrity_target: settings must not be NULL")?;
        segment_on(t, id, size, Target::Integrity(i), &[mn, on])
    })
}

/// The VDO parameters of a C caller's struct.
fn vdo_params(p: &dm_vdo_target_params) -> VdoParams {
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
        write_policy: crate::capi::status::vdo_write_policy(p),
    }
}

pub(super) fn dm_tree_node_add_vdo_target(node: *mut dm_tree_node, size: u64, vdo_version: u32, vdo_pool_name: *const c_char, data_uuid: *const c_char, data_size: u64, vtp: *const dm_vdo_target_params) -> c_int {
    const F: &str = "dm_tree_node_add_vdo_target";
    let (Some(pool), Some(data)) = (arg::opt_owned(F, "vdo_pool_name", vdo_pool_name), arg::opt_owned(F, "data_uuid", data_uuid)) else { return 0 };
    let params = arg::deref(vtp).map(vdo_params);
    build("dm_tree_node_add_vdo_target", node, |t, id| {
        let dn = find(t, &data, |u| format!("Missing VDO's data uuid {u}."))?;
        let params = params.ok_or("dm_tree_node_add_vdo_target: vtp must not be NULL")?;
        let problems = params.problems(size);
        if let Some((last, rest)) = problems.split_last() {
            for p in rest {
                crate::log_error!(errno = libc::EINVAL; "{p}");
            }
            return Err(last.clone());
        }
        let v = Vdo { version: vdo_version, pool_name: pool.unwrap_or_default(), data_size, params };
        segment_on(t, id, size, Target::Vdo(v), &[dn])
    })
}

pub(super) fn dm_tree_node_add_replicator_target(_node: *mut dm_tree_node, _size: u64, _rlog_uuid: *const c_char, _rlog_type: *const c_char, _rsite_index: c_uint, _mode: c_int, _async_timeout: u32, _fall_behind_data: u64, _fall_behind_ios: u32) -> c_int {
    // The C library dropped the replicator; it refuses with these words.
    crate::log_error!(errno = libc::EINVAL; "Replicator segment is unsupported.");
    0
}

pub(super) fn dm_tree_node_add_replicator_dev_target(_node: *mut dm_tree_node, _size: u64, _replicator_uuid: *const c_char, _rdevice_index: u64, _rdev_uuid: *const c_char, _rsite_index: c_uint, _slog_uuid: *const c_char, _slog_flags: u32, _slog_region_size: u32) -> c_int {
    crate::log_error!(errno = libc::EINVAL; "Replicator targer is unsupported.");
    0
}
