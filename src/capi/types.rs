//! C types of the libdevmapper ABI: every struct, enum, typedef and numeric
//! constant of the public header, laid out exactly as the C library lays them
//! out. cbindgen turns this module into `include/libdevmapper.h`.
#![allow(non_camel_case_types, non_upper_case_globals, missing_docs)]
use std::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_ulonglong, c_void};

pub use crate::capi::system::dm_timestamp;
pub use crate::capi::task::dm_task;
pub use crate::capi::tree::{dm_tree, dm_tree_node};

// Anonymous C enum: its constants are plain ints.
pub const DM_DEVICE_CREATE: c_int = 0;
pub const DM_DEVICE_RELOAD: c_int = 1;
pub const DM_DEVICE_REMOVE: c_int = 2;
pub const DM_DEVICE_REMOVE_ALL: c_int = 3;
pub const DM_DEVICE_SUSPEND: c_int = 4;
pub const DM_DEVICE_RESUME: c_int = 5;
pub const DM_DEVICE_INFO: c_int = 6;
pub const DM_DEVICE_DEPS: c_int = 7;
pub const DM_DEVICE_RENAME: c_int = 8;
pub const DM_DEVICE_VERSION: c_int = 9;
pub const DM_DEVICE_STATUS: c_int = 10;
pub const DM_DEVICE_TABLE: c_int = 11;
pub const DM_DEVICE_WAITEVENT: c_int = 12;
pub const DM_DEVICE_LIST: c_int = 13;
pub const DM_DEVICE_CLEAR: c_int = 14;
pub const DM_DEVICE_MKNODES: c_int = 15;
pub const DM_DEVICE_LIST_VERSIONS: c_int = 16;
pub const DM_DEVICE_TARGET_MSG: c_int = 17;
pub const DM_DEVICE_SET_GEOMETRY: c_int = 18;
pub const DM_DEVICE_ARM_POLL: c_int = 19;
pub const DM_DEVICE_GET_TARGET_VERSION: c_int = 20;

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_add_node_e {
    DM_ADD_NODE_ON_RESUME = 0,
    DM_ADD_NODE_ON_CREATE = 1,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_status_mirror_health_e {
    DM_STATUS_MIRROR_ALIVE = 65,
    DM_STATUS_MIRROR_FLUSH_FAILED = 70,
    DM_STATUS_MIRROR_WRITE_FAILED = 68,
    DM_STATUS_MIRROR_SYNC_FAILED = 83,
    DM_STATUS_MIRROR_READ_FAILED = 82,
    DM_STATUS_MIRROR_UNCLASSIFIED = 85,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_thin_discards_e {
    DM_THIN_DISCARDS_IGNORE = 0,
    DM_THIN_DISCARDS_NO_PASSDOWN = 1,
    DM_THIN_DISCARDS_PASSDOWN = 2,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_stats_obj_type_e {
    DM_STATS_OBJECT_TYPE_NONE = 0,
    DM_STATS_OBJECT_TYPE_AREA = 1,
    DM_STATS_OBJECT_TYPE_REGION = 2,
    DM_STATS_OBJECT_TYPE_GROUP = 3,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_filemapd_mode_e {
    DM_FILEMAPD_FOLLOW_INODE = 0,
    DM_FILEMAPD_FOLLOW_PATH = 1,
    DM_FILEMAPD_FOLLOW_NONE = 2,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_string_mangling_e {
    DM_STRING_MANGLING_NONE = 0,
    DM_STRING_MANGLING_AUTO = 1,
    DM_STRING_MANGLING_HEX = 2,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_replicator_mode_e {
    DM_REPLICATOR_SYNC = 0,
    DM_REPLICATOR_ASYNC_WARN = 1,
    DM_REPLICATOR_ASYNC_STALL = 2,
    DM_REPLICATOR_ASYNC_DROP = 3,
    DM_REPLICATOR_ASYNC_FAIL = 4,
    NUM_DM_REPLICATOR_MODES = 5,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_thin_message_e {
    DM_THIN_MESSAGE_CREATE_SNAP = 0,
    DM_THIN_MESSAGE_CREATE_THIN = 1,
    DM_THIN_MESSAGE_DELETE = 2,
    DM_THIN_MESSAGE_SET_TRANSACTION_ID = 3,
    DM_THIN_MESSAGE_RESERVE_METADATA_SNAP = 4,
    DM_THIN_MESSAGE_RELEASE_METADATA_SNAP = 5,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_node_callback_e {
    DM_NODE_CALLBACK_PRELOADED = 0,
    DM_NODE_CALLBACK_DEACTIVATED = 1,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_size_suffix_e {
    DM_SIZE_LONG = 0,
    DM_SIZE_SHORT = 1,
    DM_SIZE_UNIT = 2,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_percent_range_e {
    DM_PERCENT_0 = 0,
    DM_PERCENT_1 = 1000000,
    DM_PERCENT_100 = 100000000,
    DM_PERCENT_INVALID = -1,
    DM_PERCENT_FAILED = -2,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_report_reserved_action_e {
    DM_REPORT_RESERVED_PARSE_FUZZY_NAME = 0,
    DM_REPORT_RESERVED_GET_DYNAMIC_VALUE = 1,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_report_group_type_e {
    DM_REPORT_GROUP_SINGLE = 0,
    DM_REPORT_GROUP_BASIC = 1,
    DM_REPORT_GROUP_JSON = 2,
    DM_REPORT_GROUP_JSON_STD = 3,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_stats_counter_e {
    DM_STATS_READS_COUNT = 0,
    DM_STATS_READS_MERGED_COUNT = 1,
    DM_STATS_READ_SECTORS_COUNT = 2,
    DM_STATS_READ_NSECS = 3,
    DM_STATS_WRITES_COUNT = 4,
    DM_STATS_WRITES_MERGED_COUNT = 5,
    DM_STATS_WRITE_SECTORS_COUNT = 6,
    DM_STATS_WRITE_NSECS = 7,
    DM_STATS_IO_IN_PROGRESS_COUNT = 8,
    DM_STATS_IO_NSECS = 9,
    DM_STATS_WEIGHTED_IO_NSECS = 10,
    DM_STATS_TOTAL_READ_NSECS = 11,
    DM_STATS_TOTAL_WRITE_NSECS = 12,
    DM_STATS_NR_COUNTERS = 13,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_stats_metric_e {
    DM_STATS_RD_MERGES_PER_SEC = 0,
    DM_STATS_WR_MERGES_PER_SEC = 1,
    DM_STATS_READS_PER_SEC = 2,
    DM_STATS_WRITES_PER_SEC = 3,
    DM_STATS_READ_SECTORS_PER_SEC = 4,
    DM_STATS_WRITE_SECTORS_PER_SEC = 5,
    DM_STATS_AVERAGE_REQUEST_SIZE = 6,
    DM_STATS_AVERAGE_QUEUE_SIZE = 7,
    DM_STATS_AVERAGE_WAIT_TIME = 8,
    DM_STATS_AVERAGE_RD_WAIT_TIME = 9,
    DM_STATS_AVERAGE_WR_WAIT_TIME = 10,
    DM_STATS_SERVICE_TIME = 11,
    DM_STATS_THROUGHPUT = 12,
    DM_STATS_UTILIZATION = 13,
    DM_STATS_NR_METRICS = 14,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_config_value_type_e {
    DM_CFG_INT = 0,
    DM_CFG_FLOAT = 1,
    DM_CFG_STRING = 2,
    DM_CFG_EMPTY_ARRAY = 3,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_vdo_operating_mode {
    DM_VDO_MODE_RECOVERING = 0,
    DM_VDO_MODE_READ_ONLY = 1,
    DM_VDO_MODE_NORMAL = 2,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_vdo_compression_state {
    DM_VDO_COMPRESSION_ONLINE = 0,
    DM_VDO_COMPRESSION_OFFLINE = 1,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_vdo_index_state {
    DM_VDO_INDEX_ERROR = 0,
    DM_VDO_INDEX_CLOSED = 1,
    DM_VDO_INDEX_OPENING = 2,
    DM_VDO_INDEX_CLOSING = 3,
    DM_VDO_INDEX_OFFLINE = 4,
    DM_VDO_INDEX_ONLINE = 5,
    DM_VDO_INDEX_UNKNOWN = 6,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dm_vdo_write_policy {
    DM_VDO_WRITE_POLICY_AUTO = 0,
    DM_VDO_WRITE_POLICY_SYNC = 1,
    DM_VDO_WRITE_POLICY_ASYNC = 2,
    DM_VDO_WRITE_POLICY_ASYNC_UNSAFE = 3,
}

pub type dm_add_node_t = dm_add_node_e;
pub type dm_status_mirror_health_t = dm_status_mirror_health_e;
pub type dm_thin_discards_t = dm_thin_discards_e;
pub type dm_stats_obj_type_t = dm_stats_obj_type_e;
pub type dm_filemapd_mode_t = dm_filemapd_mode_e;
pub type dm_string_mangling_t = dm_string_mangling_e;
pub type dm_replicator_mode_t = dm_replicator_mode_e;
pub type dm_thin_message_t = dm_thin_message_e;
pub type dm_node_callback_t = dm_node_callback_e;
pub type dm_bitset_t = *mut u32;
pub type dm_size_suffix_t = dm_size_suffix_e;
pub type dm_percent_range_t = dm_percent_range_e;
pub type dm_percent_t = i32;
pub type dm_report_reserved_action_t = dm_report_reserved_action_e;
pub type dm_report_group_type_t = dm_report_group_type_e;
pub type dm_stats_counter_t = dm_stats_counter_e;
pub type dm_stats_metric_t = dm_stats_metric_e;
pub type dm_config_value_type_t = dm_config_value_type_e;

/// cbindgen:ignore
/// Variadic: declared by hand in the header prelude.
pub type dm_log_with_errno_fn = Option<unsafe extern "C" fn(level: c_int, file: *const c_char, line: c_int, dm_errno_or_class: c_int, f: *const c_char, ...)>;
/// cbindgen:ignore
/// Variadic: declared by hand in the header prelude.
pub type dm_log_fn = Option<unsafe extern "C" fn(level: c_int, file: *const c_char, line: c_int, f: *const c_char, ...)>;
pub type dm_mountinfo_line_callback_fn = Option<unsafe extern "C" fn(line: *mut c_char, maj: c_uint, min: c_uint, target: *mut c_char, cb_data: *mut c_void) -> c_int>;
pub type dm_node_callback_fn = Option<unsafe extern "C" fn(node: *mut dm_tree_node, type_: dm_node_callback_t, cb_data: *mut c_void) -> c_int>;
pub type dm_hash_iterate_fn = Option<unsafe extern "C" fn(data: *mut c_void)>;
pub type dm_report_reserved_handler = Option<unsafe extern "C" fn(rh: *mut dm_report, mem: *mut dm_pool, field_num: u32, action: dm_report_reserved_action_t, data_in: *const c_void, data_out: *mut *const c_void) -> c_int>;
pub type dm_putline_fn = Option<unsafe extern "C" fn(line: *const c_char, baton: *mut c_void) -> c_int>;
pub type dm_config_node_out_fn = Option<unsafe extern "C" fn(cn: *const dm_config_node, line: *const c_char, baton: *mut c_void) -> c_int>;

/// Opaque to C.
pub struct dm_hash_node {
    _private: [u8; 0],
}

/// Opaque to C.
pub struct dm_hash_table {
    _private: [u8; 0],
}

/// Opaque to C.
pub struct dm_histogram {
    _private: [u8; 0],
}

/// Opaque to C.
pub struct dm_pool {
    _private: [u8; 0],
}

/// Opaque to C.
pub struct dm_regex {
    _private: [u8; 0],
}

/// Opaque to C.
pub struct dm_report {
    _private: [u8; 0],
}

/// Opaque to C.
pub struct dm_report_field {
    _private: [u8; 0],
}

/// Opaque to C.
pub struct dm_report_group {
    _private: [u8; 0],
}

/// Opaque to C.
pub struct dm_stats {
    _private: [u8; 0],
}

#[repr(C)]
pub struct dm_info {
    pub exists: c_int,
    pub suspended: c_int,
    pub live_table: c_int,
    pub inactive_table: c_int,
    pub open_count: i32,
    pub event_nr: u32,
    pub major: u32,
    pub minor: u32,
    pub read_only: c_int,
    pub target_count: i32,
    pub deferred_remove: c_int,
    pub internal_suspend: c_int,
}

#[repr(C)]
pub struct dm_deps {
    pub count: u32,
    pub filler: u32,
    pub device: [u64; 0],
}

#[repr(C)]
pub struct dm_names {
    pub dev: u64,
    pub next: u32,
    pub name: [c_char; 0],
}

#[repr(C)]
pub struct dm_versions {
    pub next: u32,
    pub version: [u32; 3],
    pub name: [c_char; 0],
}

#[repr(C)]
pub struct dm_status_mirror {
    pub total_regions: u64,
    pub insync_regions: u64,
    pub dev_count: u32,
    pub devs: *mut dm_dev_leg_health_s,
    pub log_type: *const c_char,
    pub log_count: u32,
    pub logs: *mut dm_dev_log_health_s,
}

#[repr(C)]
pub struct dm_status_raid {
    pub reserved: u64,
    pub total_regions: u64,
    pub insync_regions: u64,
    pub mismatch_count: u64,
    pub dev_count: u32,
    pub raid_type: *mut c_char,
    pub dev_health: *mut c_char,
    pub sync_action: *mut c_char,
    pub data_offset: u64,
}

/// cbindgen:ignore
/// Has C bitfields: declared by hand in the header trailer; `flags` holds them.
#[repr(C)]
pub struct dm_status_cache {
    pub version: u64,
    pub metadata_block_size: u32,
    pub block_size: u32,
    pub metadata_used_blocks: u64,
    pub metadata_total_blocks: u64,
    pub used_blocks: u64,
    pub dirty_blocks: u64,
    pub total_blocks: u64,
    pub read_hits: u64,
    pub read_misses: u64,
    pub write_hits: u64,
    pub write_misses: u64,
    pub demotions: u64,
    pub promotions: u64,
    pub feature_flags: u64,
    pub core_argc: c_int,
    pub core_argv: *mut *mut c_char,
    pub policy_name: *mut c_char,
    pub policy_argc: c_int,
    pub policy_argv: *mut *mut c_char,
    pub flags: c_uint,
}

/// cbindgen:ignore
/// Has C bitfields: declared by hand in the header trailer; `flags` holds them.
#[repr(C)]
pub struct dm_status_snapshot {
    pub used_sectors: u64,
    pub total_sectors: u64,
    pub metadata_sectors: u64,
    pub flags: c_uint,
}

/// cbindgen:ignore
/// Has C bitfields: declared by hand in the header trailer; `flags` holds them.
#[repr(C)]
pub struct dm_status_thin_pool {
    pub transaction_id: u64,
    pub used_metadata_blocks: u64,
    pub total_metadata_blocks: u64,
    pub used_data_blocks: u64,
    pub total_data_blocks: u64,
    pub held_metadata_root: u64,
    pub read_only: u32,
    pub discards: dm_thin_discards_t,
    pub flags: c_uint,
}

/// cbindgen:ignore
/// Has C bitfields: declared by hand in the header trailer; `flags` holds them.
#[repr(C)]
pub struct dm_status_thin {
    pub mapped_sectors: u64,
    pub highest_mapped_sector: u64,
    pub flags: c_uint,
}

#[repr(C)]
pub struct dm_tree_node_raid_params {
    pub raid_type: *const c_char,
    pub stripes: u32,
    pub mirrors: u32,
    pub region_size: u32,
    pub stripe_size: u32,
    pub rebuilds: u64,
    pub writemostly: u64,
    pub writebehind: u32,
    pub sync_daemon_sleep: u32,
    pub max_recovery_rate: u32,
    pub min_recovery_rate: u32,
    pub stripe_cache: u32,
    pub flags: u64,
    pub reserved2: u32,
}

#[repr(C)]
pub struct dm_tree_node_raid_params_v2 {
    pub raid_type: *const c_char,
    pub stripes: u32,
    pub mirrors: u32,
    pub region_size: u32,
    pub stripe_size: u32,
    pub delta_disks: c_int,
    pub data_offset: c_int,
    pub rebuilds: [u64; 4],
    pub writemostly: [u64; 4],
    pub writebehind: u32,
    pub data_copies: u32,
    pub sync_daemon_sleep: u32,
    pub max_recovery_rate: u32,
    pub min_recovery_rate: u32,
    pub stripe_cache: u32,
    pub flags: u64,
}

#[repr(C)]
pub struct dm_list {
    pub n: *mut dm_list,
    pub p: *mut dm_list,
}

#[repr(C)]
pub struct dm_str_list {
    pub list: dm_list,
    pub str: *const c_char,
}

#[repr(C)]
pub struct dm_report_object_type {
    pub id: u32,
    pub desc: *const c_char,
    pub prefix: *const c_char,
    pub data_fn: Option<unsafe extern "C" fn(object: *mut c_void) -> *mut c_void>,
}

/// cbindgen:ignore
/// Has const members: declared by hand in the header trailer.
#[repr(C)]
pub struct dm_report_field_type {
    pub r#type: u32,
    pub flags: u32,
    pub offset: u32,
    pub width: i32,
    pub id: [c_char; 32],
    pub heading: [c_char; 32],
    pub report_fn: Option<unsafe extern "C" fn(rh: *mut dm_report, mem: *mut dm_pool, field: *mut dm_report_field, data: *const c_void, private_data: *mut c_void) -> c_int>,
    pub desc: *const c_char,
}

#[repr(C)]
pub struct dm_report_field_reserved_value {
    pub field_num: u32,
    pub value: *const c_void,
}

/// cbindgen:ignore
/// Has const members: declared by hand in the header trailer.
#[repr(C)]
pub struct dm_report_reserved_value {
    pub r#type: u32,
    pub value: *const c_void,
    pub names: *mut *const c_char,
    pub description: *const c_char,
}

#[repr(C)]
pub struct dm_config_value {
    pub r#type: dm_config_value_type_t,
    pub v: dm_config_value_u,
    pub next: *mut dm_config_value,
    pub format_flags: u32,
}

#[repr(C)]
pub struct dm_config_node {
    pub key: *const c_char,
    pub parent: *mut dm_config_node,
    pub sib: *mut dm_config_node,
    pub child: *mut dm_config_node,
    pub v: *mut dm_config_value,
    pub id: c_int,
}

#[repr(C)]
pub struct dm_config_tree {
    pub root: *mut dm_config_node,
    pub cascade: *mut dm_config_tree,
    pub mem: *mut dm_pool,
    pub custom: *mut c_void,
}

#[repr(C)]
pub struct dm_config_node_out_spec {
    pub prefix_fn: dm_config_node_out_fn,
    pub line_fn: dm_config_node_out_fn,
    pub suffix_fn: dm_config_node_out_fn,
}

#[repr(C)]
pub struct dm_status_writecache {
    pub error: u64,
    pub total_blocks: u64,
    pub free_blocks: u64,
    pub writeback_blocks: u64,
}

#[repr(C)]
pub struct dm_status_integrity {
    pub number_of_mismatches: u64,
    pub provided_data_sectors: u64,
    pub recalc_sector: u64,
}

/// cbindgen:ignore
/// Has C bitfields: declared by hand in the header trailer; `flags` holds them.
#[repr(C)]
pub struct dm_writecache_settings {
    pub new_key: *mut c_char,
    pub new_val: *mut c_char,
    pub flags: c_uint,
    pub high_watermark: u64,
    pub low_watermark: u64,
    pub writeback_jobs: u64,
    pub autocommit_blocks: u64,
    pub autocommit_time: u64,
    pub fua: u32,
    pub nofua: u32,
    pub cleaner: u32,
    pub max_age: u32,
    pub metadata_only: u32,
    pub pause_writeback: u32,
}

/// cbindgen:ignore
/// Has C bitfields: declared by hand in the header trailer; `flags` holds them.
#[repr(C)]
pub struct dm_integrity_settings {
    pub mode: [c_char; 8],
    pub tag_size: u32,
    pub block_size: u32,
    pub internal_hash: *const c_char,
    pub journal_sectors: u32,
    pub interleave_sectors: u32,
    pub buffer_sectors: u32,
    pub journal_watermark: u32,
    pub commit_time: u32,
    pub bitmap_flush_interval: u32,
    pub sectors_per_bit: u64,
    pub allow_discards: u32,
    pub flags: c_uint,
}

#[repr(C)]
pub struct dm_vdo_status {
    pub device: *mut c_char,
    pub operating_mode: dm_vdo_operating_mode,
    pub recovering: c_int,
    pub index_state: dm_vdo_index_state,
    pub compression_state: dm_vdo_compression_state,
    pub used_blocks: u64,
    pub total_blocks: u64,
}

#[repr(C)]
pub struct dm_vdo_status_parse_result {
    pub error: [c_char; 256],
    pub status: *mut dm_vdo_status,
}

/// cbindgen:ignore
/// Has C bitfields: declared by hand in the header trailer; `flags` holds them.
#[repr(C)]
pub struct dm_vdo_target_params {
    pub minimum_io_size: u32,
    pub block_map_cache_size_mb: u32,
    pub block_map_era_length: u32, // anonymous union with block_map_period
    pub index_memory_size_mb: u32,
    pub slab_size_mb: u32,
    pub max_discard: u32,
    pub ack_threads: u32,
    pub bio_threads: u32,
    pub bio_rotation: u32,
    pub cpu_threads: u32,
    pub hash_zone_threads: u32,
    pub logical_threads: u32,
    pub physical_threads: u32,
    pub use_compression: c_int,
    pub use_deduplication: c_int,
    pub use_metadata_hints: c_int,
    pub use_sparse_index: c_int,
    pub write_policy: dm_vdo_write_policy,
}

#[repr(C)]
pub struct dm_vdo_stats {
    pub physical_blocks: u64,
    pub logical_blocks: u64,
    pub bytes_per_physical_block: u64,
    pub bytes_per_logical_block: u64,
    pub data_blocks_used: u64,
    pub overhead_blocks_used: u64,
    pub logical_blocks_used: u64,
    pub bios_in: u64,
    pub bios_out: u64,
    pub bios_meta: u64,
    pub operating_mode: dm_vdo_operating_mode,
}

#[repr(C)]
pub struct dm_vdo_stats_field {
    pub label: [c_char; 64],
    pub value: [c_char; 64],
}

#[repr(C)]
pub struct dm_vdo_stats_full {
    pub stats: *mut dm_vdo_stats,
    pub field_count: c_uint,
    pub fields: [dm_vdo_stats_field; 0],
}

#[repr(C)]
pub struct dm_active_device {
    pub list: dm_list,
    pub devno: libc::dev_t,
    pub name: *const c_char,
    pub event_nr: u32,
    pub uuid: *const c_char,
}

#[repr(C)]
pub struct dm_dev_leg_health_s {
    pub health: dm_status_mirror_health_t,
    pub major: u32,
    pub minor: u32,
}

#[repr(C)]
pub struct dm_dev_log_health_s {
    pub health: dm_status_mirror_health_t,
    pub major: u32,
    pub minor: u32,
}

#[repr(C)]
pub union dm_config_value_u {
    pub i: i64,
    pub f: f32,
    pub d: f64,
    pub str: *const c_char,
}


// ---- Numeric constants of the header (#define in C) ----
pub const DM_BLOCK_ON_ERROR: c_int = 4;
pub const DM_CACHE_FEATURE_METADATA2: c_int = 8;
pub const DM_CACHE_FEATURE_NO_DISCARD_PASSDOWN: c_int = 16;
pub const DM_CACHE_FEATURE_PASSTHROUGH: c_int = 4;
pub const DM_CACHE_FEATURE_WRITEBACK: c_int = 1;
pub const DM_CACHE_FEATURE_WRITETHROUGH: c_int = 2;
pub const DM_CACHE_MAX_DATA_BLOCK_SIZE: c_uint = 2097152 as c_uint;
pub const DM_CACHE_MIN_DATA_BLOCK_SIZE: c_uint = 64 as c_uint;
pub const DM_CONFIG_VALUE_FMT_COMMON_ARRAY: c_int = 1;
pub const DM_CONFIG_VALUE_FMT_COMMON_EXTRA_SPACES: c_int = 2;
pub const DM_CONFIG_VALUE_FMT_INT_OCTAL: c_int = 65536;
pub const DM_CONFIG_VALUE_FMT_STRING_NO_QUOTES: c_int = 65536;
pub const DM_CONTROL_NODE_UMASK: c_int = 127;
pub const DM_COOKIE_AUTO_CREATE: c_int = 0;
pub const DM_COOKIE_MAGIC: c_int = 3405;
pub const DM_CORELOG: c_int = 8;
pub const DM_CRYPT_IV_DEFAULT: c_ulong = 18446744073709551615 as c_ulong;
pub const DM_DEVICE_LIST_HAS_EVENT_NR: c_int = 1;
pub const DM_DEVICE_LIST_HAS_UUID: c_int = 2;
pub const DM_DEV_DIR_UMASK: c_int = 18;
pub const DM_FORCESYNC: c_int = 2;
pub const DM_FORMAT_DEV_BUFSIZE: c_int = 13;
pub const DM_HISTOGRAM_BOUNDS_LOWER: c_int = 16;
pub const DM_HISTOGRAM_BOUNDS_RANGE: c_int = 48;
pub const DM_HISTOGRAM_BOUNDS_UPPER: c_int = 32;
pub const DM_HISTOGRAM_PERCENT: c_int = 4;
pub const DM_HISTOGRAM_SUFFIX: c_int = 1;
pub const DM_HISTOGRAM_VALUES: c_int = 2;
pub const DM_NOSYNC: c_int = 1;
pub const DM_PERCENT_CHAR: c_int = 37;
pub const DM_READ_AHEAD_AUTO: c_uint = 4294967295 as c_uint;
pub const DM_READ_AHEAD_MINIMUM_FLAG: c_int = 1;
pub const DM_READ_AHEAD_NONE: c_int = 0;
pub const DM_REPORT_FIELD_ALIGN_LEFT: c_int = 1;
pub const DM_REPORT_FIELD_ALIGN_MASK: c_int = 15;
pub const DM_REPORT_FIELD_ALIGN_RIGHT: c_int = 2;
pub const DM_REPORT_FIELD_MASK: c_int = 4095;
pub const DM_REPORT_FIELD_RESERVED_VALUE_DYNAMIC_VALUE: c_int = 4;
pub const DM_REPORT_FIELD_RESERVED_VALUE_FUZZY_NAMES: c_int = 8;
pub const DM_REPORT_FIELD_RESERVED_VALUE_MASK: c_int = 15;
pub const DM_REPORT_FIELD_RESERVED_VALUE_NAMED: c_int = 1;
pub const DM_REPORT_FIELD_RESERVED_VALUE_RANGE: c_int = 2;
pub const DM_REPORT_FIELD_TYPE_HEADING_LEN: c_int = 32;
pub const DM_REPORT_FIELD_TYPE_ID_LEN: c_int = 32;
pub const DM_REPORT_FIELD_TYPE_MASK: c_int = 4080;
pub const DM_REPORT_FIELD_TYPE_NONE: c_int = 0;
pub const DM_REPORT_FIELD_TYPE_NUMBER: c_int = 32;
pub const DM_REPORT_FIELD_TYPE_PERCENT: c_int = 128;
pub const DM_REPORT_FIELD_TYPE_SIZE: c_int = 64;
pub const DM_REPORT_FIELD_TYPE_STRING: c_int = 16;
pub const DM_REPORT_FIELD_TYPE_STRING_LIST: c_int = 256;
pub const DM_REPORT_FIELD_TYPE_TIME: c_int = 512;
pub const DM_REPORT_OUTPUT_ALIGNED: c_int = 1;
pub const DM_REPORT_OUTPUT_BUFFERED: c_int = 2;
pub const DM_REPORT_OUTPUT_COLUMNS_AS_ROWS: c_int = 32;
pub const DM_REPORT_OUTPUT_FIELD_NAME_PREFIX: c_int = 8;
pub const DM_REPORT_OUTPUT_FIELD_UNQUOTED: c_int = 16;
pub const DM_REPORT_OUTPUT_HEADINGS: c_int = 4;
pub const DM_REPORT_OUTPUT_MASK: c_int = 255;
pub const DM_REPORT_OUTPUT_MULTIPLE_TIMES: c_int = 64;
pub const DM_SECTOR_SHIFT: c_long = 9 as c_long;
pub const DM_STATS_AREA_CURRENT: c_ulong = 18446744073709551615 as c_ulong;
pub const DM_STATS_GROUP_NONE: c_ulong = 18446744073709551615 as c_ulong;
pub const DM_STATS_REGIONS_ALL: c_ulong = 18446744073709551615 as c_ulong;
pub const DM_STATS_REGION_CURRENT: c_ulong = 18446744073709551615 as c_ulong;
pub const DM_STATS_WALK_ALL: c_ulonglong = 1970324836974592 as c_ulonglong;
pub const DM_STATS_WALK_AREA: c_ulonglong = 281474976710656 as c_ulonglong;
pub const DM_STATS_WALK_DEFAULT: c_ulonglong = 844424930131968 as c_ulonglong;
pub const DM_STATS_WALK_GROUP: c_ulonglong = 1125899906842624 as c_ulonglong;
pub const DM_STATS_WALK_REGION: c_ulonglong = 562949953421312 as c_ulonglong;
pub const DM_STATS_WALK_SKIP_SINGLE_AREA: c_ulonglong = 2251799813685248 as c_ulonglong;
pub const DM_SUBSYSTEM_UDEV_FLAG0: c_int = 256;
pub const DM_SUBSYSTEM_UDEV_FLAG1: c_int = 512;
pub const DM_SUBSYSTEM_UDEV_FLAG2: c_int = 1024;
pub const DM_SUBSYSTEM_UDEV_FLAG3: c_int = 2048;
pub const DM_SUBSYSTEM_UDEV_FLAG4: c_int = 4096;
pub const DM_SUBSYSTEM_UDEV_FLAG5: c_int = 8192;
pub const DM_SUBSYSTEM_UDEV_FLAG6: c_int = 16384;
pub const DM_SUBSYSTEM_UDEV_FLAG7: c_int = 32768;
pub const DM_THIN_MAX_DATA_BLOCK_SIZE: c_uint = 2097152 as c_uint;
pub const DM_THIN_MAX_DEVICE_ID: c_uint = 16777215 as c_uint;
pub const DM_THIN_MAX_METADATA_SIZE: c_ulong = 33161216 as c_ulong;
pub const DM_THIN_MIN_DATA_BLOCK_SIZE: c_uint = 128 as c_uint;
pub const DM_UDEV_DISABLE_DISK_RULES_FLAG: c_int = 4;
pub const DM_UDEV_DISABLE_DM_RULES_FLAG: c_int = 1;
pub const DM_UDEV_DISABLE_LIBRARY_FALLBACK: c_int = 32;
pub const DM_UDEV_DISABLE_OTHER_RULES_FLAG: c_int = 8;
pub const DM_UDEV_DISABLE_SUBSYSTEM_RULES_FLAG: c_int = 2;
pub const DM_UDEV_FLAGS_MASK: c_uint = 4294901760 as c_uint;
pub const DM_UDEV_FLAGS_SHIFT: c_int = 16;
pub const DM_UDEV_LOW_PRIORITY_FLAG: c_int = 16;
pub const DM_UDEV_PRIMARY_SOURCE_FLAG: c_int = 64;
pub const DM_VDO_ACK_THREADS_MAXIMUM: c_int = 100;
pub const DM_VDO_ACK_THREADS_MINIMUM: c_int = 0;
pub const DM_VDO_BIO_ROTATION_MAXIMUM: c_int = 1024;
pub const DM_VDO_BIO_ROTATION_MINIMUM: c_int = 1;
pub const DM_VDO_BIO_THREADS_MAXIMUM: c_int = 100;
pub const DM_VDO_BIO_THREADS_MINIMUM: c_int = 1;
pub const DM_VDO_BLOCK_MAP_CACHE_SIZE_MAXIMUM_MB: c_int = 16777215;
pub const DM_VDO_BLOCK_MAP_CACHE_SIZE_MINIMUM_MB: c_int = 128;
pub const DM_VDO_BLOCK_MAP_CACHE_SIZE_MINIMUM_PER_LOGICAL_THREAD: c_ulong = 16777216 as c_ulong;
pub const DM_VDO_BLOCK_MAP_ERA_LENGTH_MAXIMUM: c_int = 16380;
pub const DM_VDO_BLOCK_MAP_ERA_LENGTH_MINIMUM: c_int = 1;
pub const DM_VDO_BLOCK_SIZE: c_ulong = 8 as c_ulong;
pub const DM_VDO_BLOCK_SIZE_KB: c_ulong = 4096 as c_ulong;
pub const DM_VDO_CPU_THREADS_MAXIMUM: c_int = 100;
pub const DM_VDO_CPU_THREADS_MINIMUM: c_int = 1;
pub const DM_VDO_HASH_ZONE_THREADS_MAXIMUM: c_int = 100;
pub const DM_VDO_HASH_ZONE_THREADS_MINIMUM: c_int = 0;
pub const DM_VDO_INDEX_MEMORY_SIZE_MAXIMUM_MB: c_int = 1073741824;
pub const DM_VDO_INDEX_MEMORY_SIZE_MINIMUM_MB: c_int = 256;
pub const DM_VDO_LOGICAL_SIZE_MAXIMUM: c_ulong = 8796093022208 as c_ulong;
pub const DM_VDO_LOGICAL_THREADS_MAXIMUM: c_int = 60;
pub const DM_VDO_LOGICAL_THREADS_MINIMUM: c_int = 0;
pub const DM_VDO_MAX_DISCARD_MAXIMUM: c_uint = 1048575 as c_uint;
pub const DM_VDO_MAX_DISCARD_MINIMUM: c_int = 1;
pub const DM_VDO_MAX_ERROR: c_int = 256;
pub const DM_VDO_PHYSICAL_SIZE_MAXIMUM: c_ulong = 549755813888 as c_ulong;
pub const DM_VDO_PHYSICAL_THREADS_MAXIMUM: c_int = 16;
pub const DM_VDO_PHYSICAL_THREADS_MINIMUM: c_int = 0;
pub const DM_VDO_SLABS_MAXIMUM: c_int = 8192;
pub const DM_VDO_SLAB_SIZE_MAXIMUM_MB: c_int = 32768;
pub const DM_VDO_SLAB_SIZE_MINIMUM_MB: c_int = 128;
pub const DM_VDO_STATS_BASIC: c_int = 0;
pub const DM_VDO_STATS_FULL: c_int = 1;
pub const RAID_BITMAP_SIZE: c_int = 4;
