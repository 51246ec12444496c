//! C entry points: report.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_report_value_cache_set(_rh: *mut dm_report, _name: *const c_char, _data: *const c_void) -> c_int {
    not_implemented!("dm_report_value_cache_set", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_value_cache_get(_rh: *mut dm_report, _name: *const c_char) -> *const c_void {
    not_implemented!("dm_report_value_cache_get", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_init(_report_types: *mut u32, _types: *const dm_report_object_type, _fields: *const dm_report_field_type, _output_fields: *const c_char, _output_separator: *const c_char, _output_flags: u32, _sort_keys: *const c_char, _private_data: *mut c_void) -> *mut dm_report {
    not_implemented!("dm_report_init", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_init_with_selection(_report_types: *mut u32, _types: *const dm_report_object_type, _fields: *const dm_report_field_type, _output_fields: *const c_char, _output_separator: *const c_char, _output_flags: u32, _sort_keys: *const c_char, _selection: *const c_char, _reserved_values: *const dm_report_reserved_value, _private_data: *mut c_void) -> *mut dm_report {
    not_implemented!("dm_report_init_with_selection", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_object(_rh: *mut dm_report, _object: *mut c_void) -> c_int {
    not_implemented!("dm_report_object", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_object_is_selected(_rh: *mut dm_report, _object: *mut c_void, _do_output: c_int, _selected: *mut c_int) -> c_int {
    not_implemented!("dm_report_object_is_selected", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_compact_fields(_rh: *mut dm_report) -> c_int {
    not_implemented!("dm_report_compact_fields", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_compact_given_fields(_rh: *mut dm_report, _fields: *const c_char) -> c_int {
    not_implemented!("dm_report_compact_given_fields", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_is_empty(_rh: *mut dm_report) -> c_int {
    not_implemented!("dm_report_is_empty", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_destroy_rows(_rh: *mut dm_report) {
    not_implemented!("dm_report_destroy_rows")
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_output(_rh: *mut dm_report) -> c_int {
    not_implemented!("dm_report_output", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_column_headings(_rh: *mut dm_report) -> c_int {
    not_implemented!("dm_report_column_headings", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_free(_rh: *mut dm_report) {
    not_implemented!("dm_report_free")
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_set_output_field_name_prefix(_rh: *mut dm_report, _report_prefix: *const c_char) -> c_int {
    not_implemented!("dm_report_set_output_field_name_prefix", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_set_selection(_rh: *mut dm_report, _selection: *const c_char) -> c_int {
    not_implemented!("dm_report_set_selection", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string(_rh: *mut dm_report, _field: *mut dm_report_field, _data: *const *const c_char) -> c_int {
    not_implemented!("dm_report_field_string", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string_list(_rh: *mut dm_report, _field: *mut dm_report_field, _data: *const dm_list, _delimiter: *const c_char) -> c_int {
    not_implemented!("dm_report_field_string_list", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_string_list_unsorted(_rh: *mut dm_report, _field: *mut dm_report_field, _data: *const dm_list, _delimiter: *const c_char) -> c_int {
    not_implemented!("dm_report_field_string_list_unsorted", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_int32(_rh: *mut dm_report, _field: *mut dm_report_field, _data: *const i32) -> c_int {
    not_implemented!("dm_report_field_int32", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_uint32(_rh: *mut dm_report, _field: *mut dm_report_field, _data: *const u32) -> c_int {
    not_implemented!("dm_report_field_uint32", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_int(_rh: *mut dm_report, _field: *mut dm_report_field, _data: *const c_int) -> c_int {
    not_implemented!("dm_report_field_int", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_uint64(_rh: *mut dm_report, _field: *mut dm_report_field, _data: *const u64) -> c_int {
    not_implemented!("dm_report_field_uint64", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_percent(_rh: *mut dm_report, _field: *mut dm_report_field, _data: *const dm_percent_t) -> c_int {
    not_implemented!("dm_report_field_percent", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_field_set_value(_field: *mut dm_report_field, _value: *const c_void, _sortvalue: *const c_void) {
    not_implemented!("dm_report_field_set_value")
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_create(_type_: c_int, _data: *mut c_void) -> *mut dm_report_group {
    not_implemented!("dm_report_group_create", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_push(_group: *mut dm_report_group, _report: *mut dm_report, _data: *mut c_void) -> c_int {
    not_implemented!("dm_report_group_push", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_pop(_group: *mut dm_report_group) -> c_int {
    not_implemented!("dm_report_group_pop", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_output_and_pop_all(_group: *mut dm_report_group) -> c_int {
    not_implemented!("dm_report_group_output_and_pop_all", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_report_group_destroy(_group: *mut dm_report_group) -> c_int {
    not_implemented!("dm_report_group_destroy", 0)
}
