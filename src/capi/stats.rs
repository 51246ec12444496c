//! C entry points: stats.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create(_program_id: *const c_char) -> *mut dm_stats {
    not_implemented!("dm_stats_create", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_devno(_dms: *mut dm_stats, _major: c_int, _minor: c_int) -> c_int {
    not_implemented!("dm_stats_bind_devno", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_name(_dms: *mut dm_stats, _name: *const c_char) -> c_int {
    not_implemented!("dm_stats_bind_name", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_uuid(_dms: *mut dm_stats, _uuid: *const c_char) -> c_int {
    not_implemented!("dm_stats_bind_uuid", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_bind_from_fd(_dms: *mut dm_stats, _fd: c_int) -> c_int {
    not_implemented!("dm_stats_bind_from_fd", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_message_supports_precise_timestamps() -> c_int {
    not_implemented!("dm_message_supports_precise_timestamps", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_driver_supports_precise() -> c_int {
    not_implemented!("dm_stats_driver_supports_precise", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_driver_supports_histogram() -> c_int {
    not_implemented!("dm_stats_driver_supports_histogram", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_precise_timestamps(_dms: *const dm_stats, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_get_region_precise_timestamps", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_precise_timestamps(_dms: *const dm_stats) -> c_int {
    not_implemented!("dm_stats_get_current_region_precise_timestamps", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_list(_dms: *mut dm_stats, _program_id: *const c_char) -> c_int {
    not_implemented!("dm_stats_list", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_populate(_dms: *mut dm_stats, _program_id: *const c_char, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_populate", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region(_dms: *mut dm_stats, _region_id: *mut u64, _start: u64, _len: u64, _step: i64, _precise: c_int, _bounds: *mut dm_histogram, _program_id: *const c_char, _user_data: *const c_char) -> c_int {
    not_implemented!("dm_stats_create_region", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_delete_region(_dms: *mut dm_stats, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_delete_region", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_clear_region(_dms: *mut dm_stats, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_clear_region", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_print_region(_dms: *mut dm_stats, _region_id: u64, _start_line: c_uint, _num_lines: c_uint, _clear: c_uint) -> *mut c_char {
    not_implemented!("dm_stats_print_region", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_buffer_destroy(_dms: *mut dm_stats, _buffer: *mut c_char) {
    not_implemented!("dm_stats_buffer_destroy")
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_regions(_dms: *const dm_stats) -> u64 {
    not_implemented!("dm_stats_get_nr_regions", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_groups(_dms: *const dm_stats) -> u64 {
    not_implemented!("dm_stats_get_nr_groups", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_region_present(_dms: *const dm_stats, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_region_present", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_nr_areas(_dms: *const dm_stats, _region_id: u64) -> u64 {
    not_implemented!("dm_stats_get_region_nr_areas", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_nr_areas(_dms: *const dm_stats) -> u64 {
    not_implemented!("dm_stats_get_nr_areas", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_group_present(_dms: *const dm_stats, _group_id: u64) -> c_int {
    not_implemented!("dm_stats_group_present", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_nr_histogram_bins(_dms: *const dm_stats, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_get_region_nr_histogram_bins", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_from_string(_bounds_str: *const c_char) -> *mut dm_histogram {
    not_implemented!("dm_histogram_bounds_from_string", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_from_uint64(_bounds: *const u64) -> *mut dm_histogram {
    not_implemented!("dm_histogram_bounds_from_uint64", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_bounds_destroy(_bounds: *mut dm_histogram) {
    not_implemented!("dm_histogram_bounds_destroy")
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_destroy(_dms: *mut dm_stats) {
    not_implemented!("dm_stats_destroy")
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_sampling_interval_ns(_dms: *mut dm_stats, _interval_ns: u64) {
    not_implemented!("dm_stats_set_sampling_interval_ns")
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_sampling_interval_ms(_dms: *mut dm_stats, _interval_ms: u64) {
    not_implemented!("dm_stats_set_sampling_interval_ms")
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_sampling_interval_ns(_dms: *const dm_stats) -> u64 {
    not_implemented!("dm_stats_get_sampling_interval_ns", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_sampling_interval_ms(_dms: *const dm_stats) -> u64 {
    not_implemented!("dm_stats_get_sampling_interval_ms", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_program_id(_dms: *mut dm_stats, _allow_empty: c_int, _program_id: *const c_char) -> c_int {
    not_implemented!("dm_stats_set_program_id", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_start(_dms: *const dm_stats, _start: *mut u64, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_get_region_start", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_len(_dms: *const dm_stats, _len: *mut u64, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_get_region_len", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_area_len(_dms: *const dm_stats, _len: *mut u64, _region_id: u64) -> c_int {
    not_implemented!("dm_stats_get_region_area_len", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_area_start(_dms: *const dm_stats, _start: *mut u64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_area_start", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_area_offset(_dms: *const dm_stats, _offset: *mut u64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_area_offset", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_program_id(_dms: *const dm_stats, _region_id: u64) -> *const c_char {
    not_implemented!("dm_stats_get_region_program_id", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_region_aux_data(_dms: *const dm_stats, _region_id: u64) -> *const c_char {
    not_implemented!("dm_stats_get_region_aux_data", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_init(_dms: *mut dm_stats, _flags: u64) -> c_int {
    not_implemented!("dm_stats_walk_init", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_start(_dms: *mut dm_stats) {
    not_implemented!("dm_stats_walk_start")
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_next(_dms: *mut dm_stats) {
    not_implemented!("dm_stats_walk_next")
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_next_region(_dms: *mut dm_stats) {
    not_implemented!("dm_stats_walk_next_region")
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_walk_end(_dms: *mut dm_stats) -> c_int {
    not_implemented!("dm_stats_walk_end", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_object_type(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> dm_stats_obj_type_t {
    not_implemented!("dm_stats_object_type", dm_stats_obj_type_e::DM_STATS_OBJECT_TYPE_NONE)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_current_object_type(_dms: *const dm_stats) -> dm_stats_obj_type_t {
    not_implemented!("dm_stats_current_object_type", dm_stats_obj_type_e::DM_STATS_OBJECT_TYPE_NONE)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_nr_areas(_dms: *const dm_stats) -> u64 {
    not_implemented!("dm_stats_get_current_nr_areas", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region(_dms: *const dm_stats) -> u64 {
    not_implemented!("dm_stats_get_current_region", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area(_dms: *const dm_stats) -> u64 {
    not_implemented!("dm_stats_get_current_area", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_start(_dms: *const dm_stats, _start: *mut u64) -> c_int {
    not_implemented!("dm_stats_get_current_region_start", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_len(_dms: *const dm_stats, _len: *mut u64) -> c_int {
    not_implemented!("dm_stats_get_current_region_len", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_area_len(_dms: *const dm_stats, _area_len: *mut u64) -> c_int {
    not_implemented!("dm_stats_get_current_region_area_len", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_start(_dms: *const dm_stats, _start: *mut u64) -> c_int {
    not_implemented!("dm_stats_get_current_area_start", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_offset(_dms: *const dm_stats, _offset: *mut u64) -> c_int {
    not_implemented!("dm_stats_get_current_area_offset", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_area_len(_dms: *const dm_stats, _start: *mut u64) -> c_int {
    not_implemented!("dm_stats_get_current_area_len", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_program_id(_dms: *const dm_stats) -> *const c_char {
    not_implemented!("dm_stats_get_current_region_program_id", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_current_region_aux_data(_dms: *const dm_stats) -> *const c_char {
    not_implemented!("dm_stats_get_current_region_aux_data", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_group(_dms: *mut dm_stats, _group: *const c_char, _alias: *const c_char, _group_id: *mut u64) -> c_int {
    not_implemented!("dm_stats_create_group", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_delete_group(_dms: *mut dm_stats, _group_id: u64, _remove: c_int) -> c_int {
    not_implemented!("dm_stats_delete_group", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_set_alias(_dms: *mut dm_stats, _group_id: u64, _alias: *const c_char) -> c_int {
    not_implemented!("dm_stats_set_alias", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_alias(_dms: *const dm_stats, _id: u64) -> *const c_char {
    not_implemented!("dm_stats_get_alias", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_group_id(_dms: *const dm_stats, _region_id: u64) -> u64 {
    not_implemented!("dm_stats_get_group_id", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_group_descriptor(_dms: *const dm_stats, _group_id: u64, _buf: *mut *mut c_char) -> c_int {
    not_implemented!("dm_stats_get_group_descriptor", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_regions_from_fd(_dms: *mut dm_stats, _fd: c_int, _group: c_int, _precise: c_int, _bounds: *mut dm_histogram, _alias: *const c_char) -> *mut u64 {
    not_implemented!("dm_stats_create_regions_from_fd", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_update_regions_from_fd(_dms: *mut dm_stats, _fd: c_int, _group_id: u64) -> *mut u64 {
    not_implemented!("dm_stats_update_regions_from_fd", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_filemapd_mode_from_string(_mode_str: *const c_char) -> dm_filemapd_mode_t {
    not_implemented!("dm_filemapd_mode_from_string", dm_filemapd_mode_e::DM_FILEMAPD_FOLLOW_NONE)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_start_filemapd(_fd: c_int, _group_id: u64, _path: *const c_char, _mode: c_int, _foreground: c_uint, _verbose: c_uint) -> c_int {
    not_implemented!("dm_stats_start_filemapd", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_counter(_dms: *const dm_stats, _counter: c_int, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_counter", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_reads", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads_merged(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_reads_merged", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_sectors(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_read_sectors", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_nsecs(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_read_nsecs", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_writes", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes_merged(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_writes_merged", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_sectors(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_write_sectors", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_nsecs(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_write_nsecs", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_io_in_progress(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_io_in_progress", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_io_nsecs(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_io_nsecs", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_weighted_io_nsecs(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_weighted_io_nsecs", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_total_read_nsecs(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_total_read_nsecs", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_total_write_nsecs(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> u64 {
    not_implemented!("dm_stats_get_total_write_nsecs", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_metric(_dms: *const dm_stats, _metric: c_int, _region_id: u64, _area_id: u64, _value: *mut f64) -> c_int {
    not_implemented!("dm_stats_get_metric", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_rd_merges_per_sec(_dms: *const dm_stats, _rrqm: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_rd_merges_per_sec", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_wr_merges_per_sec(_dms: *const dm_stats, _rrqm: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_wr_merges_per_sec", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_reads_per_sec(_dms: *const dm_stats, _rd_s: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_reads_per_sec", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_writes_per_sec(_dms: *const dm_stats, _wr_s: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_writes_per_sec", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_read_sectors_per_sec(_dms: *const dm_stats, _rsec_s: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_read_sectors_per_sec", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_write_sectors_per_sec(_dms: *const dm_stats, _wr_s: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_write_sectors_per_sec", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_request_size(_dms: *const dm_stats, _arqsz: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_average_request_size", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_service_time(_dms: *const dm_stats, _svctm: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_service_time", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_queue_size(_dms: *const dm_stats, _qusz: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_average_queue_size", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_wait_time(_dms: *const dm_stats, _await_: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_average_wait_time", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_rd_wait_time(_dms: *const dm_stats, _await_: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_average_rd_wait_time", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_average_wr_wait_time(_dms: *const dm_stats, _await_: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_average_wr_wait_time", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_throughput(_dms: *const dm_stats, _tput: *mut f64, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_throughput", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_utilization(_dms: *const dm_stats, _util: *mut dm_percent_t, _region_id: u64, _area_id: u64) -> c_int {
    not_implemented!("dm_stats_get_utilization", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_get_histogram(_dms: *const dm_stats, _region_id: u64, _area_id: u64) -> *mut dm_histogram {
    not_implemented!("dm_stats_get_histogram", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_nr_bins(_dmh: *const dm_histogram) -> c_int {
    not_implemented!("dm_histogram_get_nr_bins", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_lower(_dmh: *const dm_histogram, _bin: c_int) -> u64 {
    not_implemented!("dm_histogram_get_bin_lower", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_upper(_dmh: *const dm_histogram, _bin: c_int) -> u64 {
    not_implemented!("dm_histogram_get_bin_upper", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_width(_dmh: *const dm_histogram, _bin: c_int) -> u64 {
    not_implemented!("dm_histogram_get_bin_width", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_count(_dmh: *const dm_histogram, _bin: c_int) -> u64 {
    not_implemented!("dm_histogram_get_bin_count", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_bin_percent(_dmh: *const dm_histogram, _bin: c_int) -> dm_percent_t {
    not_implemented!("dm_histogram_get_bin_percent", dm_percent_range_e::DM_PERCENT_INVALID as dm_percent_t)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_get_sum(_dmh: *const dm_histogram) -> u64 {
    not_implemented!("dm_histogram_get_sum", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_histogram_to_string(_dmh: *const dm_histogram, _bin: c_int, _width: c_int, _flags: c_int) -> *const c_char {
    not_implemented!("dm_histogram_to_string", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region_v1_02_104(_dms: *mut dm_stats, _region_id: *mut u64, _start: u64, _len: u64, _step: i64, _program_id: *const c_char, _aux_data: *const c_char) -> c_int {
    not_implemented!("dm_stats_create_region_v1_02_104", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_stats_create_region_v1_02_106(_dms: *mut dm_stats, _region_id: *mut u64, _start: u64, _len: u64, _step: i64, _precise: c_int, _program_id: *const c_char, _aux_data: *const c_char) -> c_int {
    not_implemented!("dm_stats_create_region_v1_02_106", 0)
}
