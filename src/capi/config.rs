//! C entry points: config.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

#[no_mangle]
pub unsafe extern "C" fn dm_config_create() -> *mut dm_config_tree {
    not_implemented!("dm_config_create", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_from_string(_config_settings: *const c_char) -> *mut dm_config_tree {
    not_implemented!("dm_config_from_string", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse(_cft: *mut dm_config_tree, _start: *const c_char, _end: *const c_char) -> c_int {
    not_implemented!("dm_config_parse", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse_without_dup_node_check(_cft: *mut dm_config_tree, _start: *const c_char, _end: *const c_char) -> c_int {
    not_implemented!("dm_config_parse_without_dup_node_check", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_custom(_cft: *mut dm_config_tree) -> *mut c_void {
    not_implemented!("dm_config_get_custom", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_set_custom(_cft: *mut dm_config_tree, _custom: *mut c_void) {
    not_implemented!("dm_config_set_custom")
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_insert_cascaded_tree(_first_cft: *mut dm_config_tree, _second_cft: *mut dm_config_tree) -> *mut dm_config_tree {
    not_implemented!("dm_config_insert_cascaded_tree", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_remove_cascaded_tree(_cft: *mut dm_config_tree) -> *mut dm_config_tree {
    not_implemented!("dm_config_remove_cascaded_tree", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_flatten(_cft: *mut dm_config_tree) -> *mut dm_config_tree {
    not_implemented!("dm_config_flatten", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_destroy(_cft: *mut dm_config_tree) {
    not_implemented!("dm_config_destroy")
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_node(_cn: *const dm_config_node, _putline: dm_putline_fn, _baton: *mut c_void) -> c_int {
    not_implemented!("dm_config_write_node", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_node_out(_cn: *const dm_config_node, _out_spec: *const dm_config_node_out_spec, _baton: *mut c_void) -> c_int {
    not_implemented!("dm_config_write_node_out", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_one_node(_cn: *const dm_config_node, _putline: dm_putline_fn, _baton: *mut c_void) -> c_int {
    not_implemented!("dm_config_write_one_node", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_one_node_out(_cn: *const dm_config_node, _out_spec: *const dm_config_node_out_spec, _baton: *mut c_void) -> c_int {
    not_implemented!("dm_config_write_one_node_out", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_node(_cn: *const dm_config_node, _path: *const c_char) -> *mut dm_config_node {
    not_implemented!("dm_config_find_node", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_has_node(_cn: *const dm_config_node, _path: *const c_char) -> c_int {
    not_implemented!("dm_config_has_node", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_remove_node(_parent: *mut dm_config_node, _remove: *mut dm_config_node) -> c_int {
    not_implemented!("dm_config_remove_node", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_str(_cn: *const dm_config_node, _path: *const c_char, _fail: *const c_char) -> *const c_char {
    not_implemented!("dm_config_find_str", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_str_allow_empty(_cn: *const dm_config_node, _path: *const c_char, _fail: *const c_char) -> *const c_char {
    not_implemented!("dm_config_find_str_allow_empty", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_int(_cn: *const dm_config_node, _path: *const c_char, _fail: c_int) -> c_int {
    not_implemented!("dm_config_find_int", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_int64(_cn: *const dm_config_node, _path: *const c_char, _fail: i64) -> i64 {
    not_implemented!("dm_config_find_int64", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_float(_cn: *const dm_config_node, _path: *const c_char, _fail: f32) -> f32 {
    not_implemented!("dm_config_find_float", 0.0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_node(_cft: *const dm_config_tree, _path: *const c_char) -> *const dm_config_node {
    not_implemented!("dm_config_tree_find_node", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_str(_cft: *const dm_config_tree, _path: *const c_char, _fail: *const c_char) -> *const c_char {
    not_implemented!("dm_config_tree_find_str", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_str_allow_empty(_cft: *const dm_config_tree, _path: *const c_char, _fail: *const c_char) -> *const c_char {
    not_implemented!("dm_config_tree_find_str_allow_empty", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_int(_cft: *const dm_config_tree, _path: *const c_char, _fail: c_int) -> c_int {
    not_implemented!("dm_config_tree_find_int", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_int64(_cft: *const dm_config_tree, _path: *const c_char, _fail: i64) -> i64 {
    not_implemented!("dm_config_tree_find_int64", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_float(_cft: *const dm_config_tree, _path: *const c_char, _fail: f32) -> f32 {
    not_implemented!("dm_config_tree_find_float", 0.0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_bool(_cft: *const dm_config_tree, _path: *const c_char, _fail: c_int) -> c_int {
    not_implemented!("dm_config_tree_find_bool", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_bool(_cn: *const dm_config_node, _path: *const c_char, _fail: c_int) -> c_int {
    not_implemented!("dm_config_find_bool", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_is_bool(_v: *const dm_config_value) -> c_int {
    not_implemented!("dm_config_value_is_bool", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_uint32(_cn: *const dm_config_node, _path: *const c_char, _result: *mut u32) -> c_int {
    not_implemented!("dm_config_get_uint32", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_uint64(_cn: *const dm_config_node, _path: *const c_char, _result: *mut u64) -> c_int {
    not_implemented!("dm_config_get_uint64", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_str(_cn: *const dm_config_node, _path: *const c_char, _result: *mut *const c_char) -> c_int {
    not_implemented!("dm_config_get_str", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_list(_cn: *const dm_config_node, _path: *const c_char, _result: *mut *const dm_config_value) -> c_int {
    not_implemented!("dm_config_get_list", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_section(_cn: *const dm_config_node, _path: *const c_char, _result: *mut *const dm_config_node) -> c_int {
    not_implemented!("dm_config_get_section", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_maybe_section(_str_: *const c_char, _len: c_uint) -> c_uint {
    not_implemented!("dm_config_maybe_section", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parent_name(_n: *const dm_config_node) -> *const c_char {
    not_implemented!("dm_config_parent_name", ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_clone_node_with_mem(_mem: *mut dm_pool, _node: *const dm_config_node, _siblings: c_int) -> *mut dm_config_node {
    not_implemented!("dm_config_clone_node_with_mem", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_create_node(_cft: *mut dm_config_tree, _key: *const c_char) -> *mut dm_config_node {
    not_implemented!("dm_config_create_node", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_create_value(_cft: *mut dm_config_tree) -> *mut dm_config_value {
    not_implemented!("dm_config_create_value", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_clone_node(_cft: *mut dm_config_tree, _cn: *const dm_config_node, _siblings: c_int) -> *mut dm_config_node {
    not_implemented!("dm_config_clone_node", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_set_format_flags(_cv: *mut dm_config_value, _format_flags: u32) {
    not_implemented!("dm_config_value_set_format_flags")
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_get_format_flags(_cv: *mut dm_config_value) -> u32 {
    not_implemented!("dm_config_value_get_format_flags", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_memory(_cft: *mut dm_config_tree) -> *mut dm_pool {
    not_implemented!("dm_config_memory", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse_only_section(_cft: *mut dm_config_tree, _start: *const c_char, _end: *const c_char, _section: *const c_char) -> c_int {
    not_implemented!("dm_config_parse_only_section", 0)
}
