//! C entry points: tree.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

use crate::capi::boundary::c_str;
use crate::kernel::default_kernel;
use crate::tree::{NodeId, Tree};

/// A libdm tree: the Rust [`Tree`] and one C handle per node (boxed, so a
/// `struct dm_tree_node *` stays valid for the tree's life).
pub struct dm_tree {
    tree: Tree,
    handles: Vec<Box<dm_tree_node>>,
}

/// A node handle: where it sits in its tree, and the C-visible copies of
/// its name, uuid and info.
pub struct dm_tree_node {
    tree: *mut dm_tree,
    id: NodeId,
    name: CString,
    uuid: CString,
    info: dm_info,
    context: *mut c_void,
}

impl dm_tree {
    /// Makes handles for nodes the Rust tree gained.
    fn sync_handles(&mut self) {
        let me: *mut dm_tree = self;
        for id in self.tree.ids().skip(self.handles.len()) {
            let n = self.tree.node(id);
            let i = &n.info;
            let info = dm_info {
                exists: i.exists as c_int,
                suspended: i.suspended as c_int,
                live_table: i.live_table as c_int,
                inactive_table: i.inactive_table as c_int,
                open_count: i.open_count,
                event_nr: i.event_nr,
                major: n.major,
                minor: n.minor,
                read_only: i.read_only as c_int,
                target_count: i.target_count,
                deferred_remove: i.deferred_remove as c_int,
                internal_suspend: i.internal_suspend as c_int,
            };
            self.handles.push(Box::new(dm_tree_node {
                tree: me,
                id,
                name: CString::new(n.name.clone()).unwrap_or_default(),
                uuid: CString::new(n.uuid.clone()).unwrap_or_default(),
                info,
                context: ptr::null_mut(),
            }));
        }
    }

    fn handle(&mut self, id: NodeId) -> *mut dm_tree_node {
        &mut *self.handles[id.0] as *mut dm_tree_node
    }
}

/// # Safety
/// `tree` is NULL or from dm_tree_create and not freed.
unsafe fn tree_mut<'a>(function: &str, tree: *mut dm_tree) -> Option<&'a mut dm_tree> {
    if tree.is_null() {
        crate::capi::boundary::log_null(function, "tree");
        return None;
    }
    // SAFETY: per this function's contract.
    Some(unsafe { &mut *tree })
}

/// # Safety
/// `node` is NULL or a node handle of a live tree.
unsafe fn node_ref<'a>(function: &str, node: *const dm_tree_node) -> Option<&'a dm_tree_node> {
    if node.is_null() {
        crate::capi::boundary::log_null(function, "node");
        return None;
    }
    // SAFETY: per this function's contract.
    Some(unsafe { &*node })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_create() -> *mut dm_tree {
    ffi!("dm_tree_create", ptr::null_mut() => {
        let mut t = Box::new(dm_tree { tree: Tree::new(), handles: Vec::new() });
        t.sync_handles();
        Box::into_raw(t)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_free(tree: *mut dm_tree) {
    if !tree.is_null() {
        // SAFETY: a pointer from dm_tree_create, given back once.
        drop(unsafe { Box::from_raw(tree) });
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_add_dev_with_udev_flags(tree: *mut dm_tree, major: u32, minor: u32, udev_flags: u16) -> c_int {
    ffi!("dm_tree_add_dev", 0 => {
        // SAFETY: caller's contract.
        let Some(t) = (unsafe { tree_mut("dm_tree_add_dev", tree) }) else { return 0 };
        let result = t.tree.add_dev(default_kernel().as_ref(), major, minor, udev_flags);
        t.sync_handles();
        match result {
            Ok(_) => 1,
            Err(e) => {
                crate::log_error!(errno = e.errno(); "{e}");
                0
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_add_dev(tree: *mut dm_tree, major: u32, minor: u32) -> c_int {
    // SAFETY: caller's contract.
    unsafe { dm_tree_add_dev_with_udev_flags(tree, major, minor, 0) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_find_node(tree: *mut dm_tree, major: u32, minor: u32) -> *mut dm_tree_node {
    ffi!("dm_tree_find_node", ptr::null_mut() => {
        // SAFETY: caller's contract.
        let Some(t) = (unsafe { tree_mut("dm_tree_find_node", tree) }) else { return ptr::null_mut() };
        match t.tree.find(major, minor) {
            Some(id) => t.handle(id),
            None => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_find_node_by_uuid(tree: *mut dm_tree, uuid: *const c_char) -> *mut dm_tree_node {
    ffi!("dm_tree_find_node_by_uuid", ptr::null_mut() => {
        // SAFETY: caller's contract.
        let Some(t) = (unsafe { tree_mut("dm_tree_find_node_by_uuid", tree) }) else { return ptr::null_mut() };
        // SAFETY: caller's contract.
        let Some(uuid) = (unsafe { c_str("dm_tree_find_node_by_uuid", "uuid", uuid) }) else { return ptr::null_mut() };
        match t.tree.find_by_uuid(uuid) {
            Some(id) => t.handle(id),
            None => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_next_child(handle: *mut *mut c_void, parent: *const dm_tree_node, inverted: u32) -> *mut dm_tree_node {
    ffi!("dm_tree_next_child", ptr::null_mut() => {
        require!("dm_tree_next_child", handle, ptr::null_mut());
        // SAFETY: caller's contract.
        let Some(p) = (unsafe { node_ref("dm_tree_next_child", parent) }) else { return ptr::null_mut() };
        // SAFETY: a node's tree outlives the node handle.
        let t = unsafe { &mut *p.tree };
        // The cursor is the number of neighbours already returned.
        // SAFETY: `handle` is non-NULL and the caller's.
        let pos = unsafe { *handle } as usize;
        let next = t.tree.links(p.id, inverted != 0).get(pos).copied();
        match next {
            Some(id) => {
                // SAFETY: as above.
                unsafe { *handle = (pos + 1) as *mut c_void };
                t.handle(id)
            }
            None => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_get_name(node: *const dm_tree_node) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { node_ref("dm_tree_node_get_name", node) }.map(|n| n.name.as_ptr()).unwrap_or(ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_get_uuid(node: *const dm_tree_node) -> *const c_char {
    // SAFETY: caller's contract.
    unsafe { node_ref("dm_tree_node_get_uuid", node) }.map(|n| n.uuid.as_ptr()).unwrap_or(ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_get_info(node: *const dm_tree_node) -> *const dm_info {
    // SAFETY: caller's contract.
    unsafe { node_ref("dm_tree_node_get_info", node) }.map(|n| &n.info as *const dm_info).unwrap_or(ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_get_context(node: *const dm_tree_node) -> *mut c_void {
    // SAFETY: caller's contract.
    unsafe { node_ref("dm_tree_node_get_context", node) }.map(|n| n.context).unwrap_or(ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_num_children(node: *const dm_tree_node, inverted: u32) -> c_int {
    ffi!("dm_tree_node_num_children", 0 => {
        // SAFETY: caller's contract.
        let Some(n) = (unsafe { node_ref("dm_tree_node_num_children", node) }) else { return 0 };
        // SAFETY: a node's tree outlives the node handle.
        let t = unsafe { &*n.tree };
        t.tree.num_children(n.id, inverted != 0) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_set_optional_uuid_suffixes(_dtree: *mut dm_tree, _optional_uuid_suffixes: *mut *const c_char) {
    not_implemented!("dm_tree_set_optional_uuid_suffixes")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_add_new_dev(_tree: *mut dm_tree, _name: *const c_char, _uuid: *const c_char, _major: u32, _minor: u32, _read_only: c_int, _clear_inactive: c_int, _context: *mut c_void) -> *mut dm_tree_node {
    not_implemented!("dm_tree_add_new_dev", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_add_new_dev_with_udev_flags(_tree: *mut dm_tree, _name: *const c_char, _uuid: *const c_char, _major: u32, _minor: u32, _read_only: c_int, _clear_inactive: c_int, _context: *mut c_void, _udev_flags: u16) -> *mut dm_tree_node {
    not_implemented!("dm_tree_add_new_dev_with_udev_flags", ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_size_changed(_dnode: *const dm_tree_node) -> c_int {
    not_implemented!("dm_tree_node_size_changed", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_deactivate_children(_dnode: *mut dm_tree_node, _uuid_prefix: *const c_char, _uuid_prefix_len: usize) -> c_int {
    not_implemented!("dm_tree_deactivate_children", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_preload_children(_dnode: *mut dm_tree_node, _uuid_prefix: *const c_char, _uuid_prefix_len: usize) -> c_int {
    not_implemented!("dm_tree_preload_children", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_activate_children(_dnode: *mut dm_tree_node, _uuid_prefix: *const c_char, _uuid_prefix_len: usize) -> c_int {
    not_implemented!("dm_tree_activate_children", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_suspend_children(_dnode: *mut dm_tree_node, _uuid_prefix: *const c_char, _uuid_prefix_len: usize) -> c_int {
    not_implemented!("dm_tree_suspend_children", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_skip_lockfs(_dnode: *mut dm_tree_node) {
    not_implemented!("dm_tree_skip_lockfs")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_use_no_flush_suspend(_dnode: *mut dm_tree_node) {
    not_implemented!("dm_tree_use_no_flush_suspend")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_retry_remove(_dnode: *mut dm_tree_node) {
    not_implemented!("dm_tree_retry_remove")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_children_use_uuid(_dnode: *mut dm_tree_node, _uuid_prefix: *const c_char, _uuid_prefix_len: usize) -> c_int {
    not_implemented!("dm_tree_children_use_uuid", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_snapshot_origin_target(_dnode: *mut dm_tree_node, _size: u64, _origin_uuid: *const c_char) -> c_int {
    not_implemented!("dm_tree_node_add_snapshot_origin_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_snapshot_target(_node: *mut dm_tree_node, _size: u64, _origin_uuid: *const c_char, _cow_uuid: *const c_char, _persistent: c_int, _chunk_size: u32) -> c_int {
    not_implemented!("dm_tree_node_add_snapshot_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_snapshot_merge_target(_node: *mut dm_tree_node, _size: u64, _origin_uuid: *const c_char, _cow_uuid: *const c_char, _merge_uuid: *const c_char, _chunk_size: u32) -> c_int {
    not_implemented!("dm_tree_node_add_snapshot_merge_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_error_target(_node: *mut dm_tree_node, _size: u64) -> c_int {
    not_implemented!("dm_tree_node_add_error_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_zero_target(_node: *mut dm_tree_node, _size: u64) -> c_int {
    not_implemented!("dm_tree_node_add_zero_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_linear_target(_node: *mut dm_tree_node, _size: u64) -> c_int {
    not_implemented!("dm_tree_node_add_linear_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_striped_target(_node: *mut dm_tree_node, _size: u64, _stripe_size: u32) -> c_int {
    not_implemented!("dm_tree_node_add_striped_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_crypt_target(_node: *mut dm_tree_node, _size: u64, _cipher: *const c_char, _chainmode: *const c_char, _iv: *const c_char, _iv_offset: u64, _key: *const c_char) -> c_int {
    not_implemented!("dm_tree_node_add_crypt_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_mirror_target(_node: *mut dm_tree_node, _size: u64) -> c_int {
    not_implemented!("dm_tree_node_add_mirror_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_mirror_target_log(_node: *mut dm_tree_node, _region_size: u32, _clustered: c_uint, _log_uuid: *const c_char, _area_count: c_uint, _flags: u32) -> c_int {
    not_implemented!("dm_tree_node_add_mirror_target_log", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_raid_target(_node: *mut dm_tree_node, _size: u64, _raid_type: *const c_char, _region_size: u32, _stripe_size: u32, _rebuilds: u64, _flags: u64) -> c_int {
    not_implemented!("dm_tree_node_add_raid_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_raid_target_with_params(_node: *mut dm_tree_node, _size: u64, _p: *const dm_tree_node_raid_params) -> c_int {
    not_implemented!("dm_tree_node_add_raid_target_with_params", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_raid_target_with_params_v2(_node: *mut dm_tree_node, _size: u64, _p: *const dm_tree_node_raid_params_v2) -> c_int {
    not_implemented!("dm_tree_node_add_raid_target_with_params_v2", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_cache_target(_node: *mut dm_tree_node, _size: u64, _feature_flags: u64, _metadata_uuid: *const c_char, _data_uuid: *const c_char, _origin_uuid: *const c_char, _policy_name: *const c_char, _policy_settings: *const dm_config_node, _data_block_size: u32) -> c_int {
    not_implemented!("dm_tree_node_add_cache_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_replicator_target(_node: *mut dm_tree_node, _size: u64, _rlog_uuid: *const c_char, _rlog_type: *const c_char, _rsite_index: c_uint, _mode: c_int, _async_timeout: u32, _fall_behind_data: u64, _fall_behind_ios: u32) -> c_int {
    not_implemented!("dm_tree_node_add_replicator_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_replicator_dev_target(_node: *mut dm_tree_node, _size: u64, _replicator_uuid: *const c_char, _rdevice_index: u64, _rdev_uuid: *const c_char, _rsite_index: c_uint, _slog_uuid: *const c_char, _slog_flags: u32, _slog_region_size: u32) -> c_int {
    not_implemented!("dm_tree_node_add_replicator_dev_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_thin_pool_target(_node: *mut dm_tree_node, _size: u64, _transaction_id: u64, _metadata_uuid: *const c_char, _pool_uuid: *const c_char, _data_block_size: u32, _low_water_mark: u64, _skip_block_zeroing: c_uint) -> c_int {
    not_implemented!("dm_tree_node_add_thin_pool_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_thin_pool_target_v1(_node: *mut dm_tree_node, _size: u64, _transaction_id: u64, _metadata_uuid: *const c_char, _pool_uuid: *const c_char, _data_block_size: u32, _low_water_mark: u64, _skip_block_zeroing: c_uint, _crop_metadata: c_uint) -> c_int {
    not_implemented!("dm_tree_node_add_thin_pool_target_v1", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_thin_pool_message(_node: *mut dm_tree_node, _type_: c_int, _id1: u64, _id2: u64) -> c_int {
    not_implemented!("dm_tree_node_add_thin_pool_message", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_thin_pool_discard(_node: *mut dm_tree_node, _ignore: c_uint, _no_passdown: c_uint) -> c_int {
    not_implemented!("dm_tree_node_set_thin_pool_discard", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_thin_pool_error_if_no_space(_node: *mut dm_tree_node, _error_if_no_space: c_uint) -> c_int {
    not_implemented!("dm_tree_node_set_thin_pool_error_if_no_space", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_thin_pool_read_only(_node: *mut dm_tree_node, _read_only: c_uint) -> c_int {
    not_implemented!("dm_tree_node_set_thin_pool_read_only", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_thin_target(_node: *mut dm_tree_node, _size: u64, _pool_uuid: *const c_char, _device_id: u32) -> c_int {
    not_implemented!("dm_tree_node_add_thin_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_thin_external_origin(_node: *mut dm_tree_node, _external_uuid: *const c_char) -> c_int {
    not_implemented!("dm_tree_node_set_thin_external_origin", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_udev_flags(_node: *mut dm_tree_node, _udev_flags: u16) {
    not_implemented!("dm_tree_node_set_udev_flags")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_presuspend_node(_node: *mut dm_tree_node, _presuspend_node: *mut dm_tree_node) {
    not_implemented!("dm_tree_node_set_presuspend_node")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_target_area(_node: *mut dm_tree_node, _dev_name: *const c_char, _dlid: *const c_char, _offset: u64) -> c_int {
    not_implemented!("dm_tree_node_add_target_area", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_null_area(_node: *mut dm_tree_node, _offset: u64) -> c_int {
    not_implemented!("dm_tree_node_add_null_area", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_read_ahead(_dnode: *mut dm_tree_node, _read_ahead: u32, _read_ahead_flags: u32) {
    not_implemented!("dm_tree_node_set_read_ahead")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_callback(_node: *mut dm_tree_node, _cb: dm_node_callback_fn, _cb_data: *mut c_void) {
    not_implemented!("dm_tree_node_set_callback")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_set_cookie(_node: *mut dm_tree_node, _cookie: u32) {
    not_implemented!("dm_tree_set_cookie")
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_get_cookie(_node: *mut dm_tree_node) -> u32 {
    not_implemented!("dm_tree_get_cookie", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_cache_target_base(_node: *mut dm_tree_node, _size: u64, _feature_flags: u64, _metadata_uuid: *const c_char, _data_uuid: *const c_char, _origin_uuid: *const c_char, _policy_name: *const c_char, _policy_settings: *const dm_config_node, _data_block_size: u32) -> c_int {
    not_implemented!("dm_tree_node_add_cache_target_base", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_cachevol_target(_node: *mut dm_tree_node, _size: u64, _feature_flags: u64, _metadata_uuid: *const c_char, _data_uuid: *const c_char, _cachevol_uuid: *const c_char, _origin_uuid: *const c_char, _policy_name: *const c_char, _policy_settings: *const dm_config_node, _metadata_start: u64, _metadata_len: u64, _data_start: u64, _data_len: u64, _data_block_size: u32) -> c_int {
    not_implemented!("dm_tree_node_add_cachevol_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_writecache_target(_node: *mut dm_tree_node, _size: u64, _origin_uuid: *const c_char, _cache_uuid: *const c_char, _pmem: c_int, _writecache_block_size: u32, _settings: *mut dm_writecache_settings) -> c_int {
    not_implemented!("dm_tree_node_add_writecache_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_integrity_target(_node: *mut dm_tree_node, _size: u64, _origin_uuid: *const c_char, _meta_uuid: *const c_char, _settings: *mut dm_integrity_settings, _recalculate: c_int) -> c_int {
    not_implemented!("dm_tree_node_add_integrity_target", 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_vdo_target(_node: *mut dm_tree_node, _size: u64, _vdo_version: u32, _vdo_pool_name: *const c_char, _data_uuid: *const c_char, _data_size: u64, _vtp: *const dm_vdo_target_params) -> c_int {
    not_implemented!("dm_tree_node_add_vdo_target", 0)
}
