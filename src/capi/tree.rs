//! C entry points: tree.
//!
//! The handle model (see [`crate::capi::handle`]): a `struct dm_tree *` is
//! the root pointer of a boxed [`dm_tree`], which C owns and gives back to
//! `dm_tree_free`; a call reaches the tree's state only through
//! [`tree_mut`] or [`tree_of_node`], which refuse a second call on the same
//! tree while one runs (a node callback called by a phase may read its node
//! but not walk or change the tree the phase is changing). A
//! `struct dm_tree_node *` is the root pointer of a boxed [`dm_tree_node`]
//! the tree owns, valid until `dm_tree_free`; what C reads of it (name,
//! uuid, info) lives in cells of its own, refreshed for the nodes a call
//! made or changed, so a call costs the same whatever the tree's size.

use std::cell::{Cell, UnsafeCell};
use std::ffi::*;
use std::ptr::{self, NonNull};

use crate::capi::types::*;

use crate::capi::arg;
use crate::capi::handle::{self, CCell, CText, Castable, OwnershipInterior, OwnershipRef};
use crate::kernel::default_kernel;
use crate::tree::{NodeId, Tree};

/// A libdm tree. C holds the root pointer of this allocation; calls reach
/// `state` only through [`tree_mut`] and [`tree_of_node`].
pub struct dm_tree {
    /// Set while a call works on the tree.
    busy: Cell<bool>,
    state: UnsafeCell<TreeState>,
}

impl Castable for dm_tree {
    type Ownership = OwnershipInterior;
    type Rust = Self;
}

/// What a tree call works on: the Rust [`Tree`] and the node handles.
pub(crate) struct TreeState {
    pub(crate) tree: Tree,
    /// One handle per node, by [`NodeId`]: the root pointers of boxes this
    /// state owns and frees when dropped.
    handles: Vec<NonNull<dm_tree_node>>,
    /// The tree's pointer as C holds it, which each handle keeps.
    this: *mut dm_tree,
}

/// A node handle: where it sits in its tree, and what C reads of it, each
/// in a cell of its own that stays where it is while the tree lives.
// LVM2 reads the first field of a node as its `struct dm_tree *` (its
// dev_manager.c `_add_error_area`: "the tree pointer is first field of
// dm_tree_node"), as libdm lays the node out: so C layout, tree first.
#[repr(C)]
pub struct dm_tree_node {
    tree: *mut dm_tree,
    id: NodeId,
    name: CText,
    uuid: CText,
    /// Names a rename replaced: the C library keeps them in the tree's
    /// pool, so a pointer to one stays valid until `dm_tree_free`.
    retired: Vec<CText>,
    info: CCell<dm_info>,
    context: Cell<*mut c_void>,
    callback: Cell<dm_node_callback_fn>,
    callback_data: Cell<*mut c_void>,
}

impl Castable for dm_tree_node {
    type Ownership = OwnershipRef;
    type Rust = Self;
}

impl TreeState {
    /// Makes handles for the nodes the tree gained since the last call.
    fn adopt_new(&mut self) {
        for id in self.tree.ids().skip(self.handles.len()) {
            let n = self.tree.node(id);
            let h = Box::new(dm_tree_node {
                tree: self.this,
                id,
                name: CText::new(&n.name),
                uuid: CText::new(&n.uuid),
                retired: Vec::new(),
                info: CCell::new(c_info(&self.tree, id)),
                context: Cell::new(ptr::null_mut()),
                callback: Cell::new(None),
                callback_data: Cell::new(ptr::null_mut()),
            });
            // SAFETY: Box::into_raw never returns NULL.
            self.handles.push(unsafe { NonNull::new_unchecked(Box::into_raw(h)) });
        }
    }

    /// Brings what C reads of node `id` up to date.
    fn refresh(&mut self, id: NodeId) {
        let n = self.tree.node(id);
        // SAFETY: a handle this state owns; while a call holds the state no
        // other reference to a handle is alive (calls borrow a handle only
        // to copy its tree and id out, or to use its cells).
        let h = unsafe { &mut *self.handles[id.0].as_ptr() };
        for (text, now) in [(&mut h.name, &n.name), (&mut h.uuid, &n.uuid)] {
            if !text.holds(now) {
                h.retired.push(std::mem::replace(text, CText::new(now)));
            }
        }
        h.info.set(c_info(&self.tree, id));
    }

    /// After a call that may have changed any node (the phases).
    fn refresh_all(&mut self) {
        self.adopt_new();
        for id in self.tree.ids() {
            self.refresh(id);
        }
    }

    /// After a call about node `id` (which may also have added nodes).
    fn refresh_node(&mut self, id: NodeId) {
        self.adopt_new();
        self.refresh(id);
    }

    /// The pointer C gets for node `id`.
    fn handle(&self, id: NodeId) -> *mut dm_tree_node {
        self.handles[id.0].as_ptr()
    }

    /// Node `id`'s handle, to use its cells.
    fn handle_ref(&self, id: NodeId) -> &dm_tree_node {
        // SAFETY: a handle this state owns, alive as long as the state.
        unsafe { self.handles[id.0].as_ref() }
    }
}

impl Drop for TreeState {
    fn drop(&mut self) {
        for h in self.handles.drain(..) {
            // SAFETY: from Box::into_raw in adopt_new, freed only here.
            drop(unsafe { Box::from_raw(h.as_ptr()) });
        }
    }
}

fn c_info(tree: &Tree, id: NodeId) -> dm_info {
    let n = tree.node(id);
    let i = &n.info;
    dm_info {
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
    }
}

/// A tree's state, held by one call; the next call may have it once this
/// is dropped.
pub(crate) struct TreeGuard<'a> {
    busy: &'a Cell<bool>,
    state: &'a mut TreeState,
}

impl std::ops::Deref for TreeGuard<'_> {
    type Target = TreeState;
    fn deref(&self) -> &TreeState {
        self.state
    }
}

impl std::ops::DerefMut for TreeGuard<'_> {
    fn deref_mut(&mut self) -> &mut TreeState {
        self.state
    }
}

impl Drop for TreeGuard<'_> {
    fn drop(&mut self) {
        self.busy.set(false);
    }
}

/// The state of the tree C passed, for this call only; None (logged) for
/// NULL or while another call holds the tree. The guard must be dropped
/// before the call returns.
///
/// Trust boundary (see [`crate::capi::handle`]): `tree` is a handle
/// argument of an exported function, so NULL or from dm_tree_create and
/// not freed.
fn tree_mut<'a>(function: &str, tree: *mut dm_tree) -> Option<TreeGuard<'a>> {
    if tree.is_null() {
        crate::capi::boundary::log_null(function, "tree");
        return None;
    }
    // SAFETY: a live tree (trust boundary). Only its `busy` cell is
    // borrowed, shared, as a Cell may be while another call holds the
    // state (other bytes).
    let busy = unsafe { &*ptr::addr_of!((*tree).busy) };
    if busy.replace(true) {
        crate::log_error!(errno = libc::EBUSY; "{function}: the tree is in use by another call (a node callback may not use the tree a phase is changing)");
        return None;
    }
    // SAFETY: a live tree (trust boundary), and `busy` makes this the only
    // reference to its state until the guard is dropped.
    let state = unsafe { &mut *UnsafeCell::raw_get(ptr::addr_of!((*tree).state)) };
    Some(TreeGuard { busy, state })
}

/// The state of a node's tree, and the node's id, for this call only.
///
/// Trust boundary: `node` is a handle argument of an exported function, so
/// NULL or a node handle of a live tree (which outlives its handles).
fn tree_of_node<'a>(function: &str, node: *const dm_tree_node) -> Option<(TreeGuard<'a>, NodeId)> {
    let (tree, id) = node_ref(function, node).map(|n| (n.tree, n.id))?;
    tree_mut(function, tree).map(|t| (t, id))
}

/// A node handle, to read its tree and id or use its cells.
///
/// Trust boundary: `node` is a handle argument of an exported function.
/// Handles are only ever borrowed shared (what changes in them is in
/// cells, or changed by their tree's state while no call borrows them).
fn node_ref<'a>(function: &str, node: *const dm_tree_node) -> Option<&'a dm_tree_node> {
    handle::try_ref_from_ptr(function, "node", node)
}

use crate::targets::cache::base_version_flags;
use crate::targets::raid::{Raid, RaidLevel};
use crate::targets::vdo::Vdo;
use crate::targets::writecache::{Writecache, WritecacheSettings};
use crate::targets::{Crypt, MirrorLog, Target, ThinPool};
use crate::tree::{CacheRequest, NodeEvent, TreeError};

/// Runs `f` on a node's tree and id, then `refresh` to bring what C reads
/// of the nodes it may have changed up to date, and maps an error to 0
/// after logging `describe(error)`.
///
/// `node` is a handle argument of an exported function (trust boundary).
fn on_node_changing(
    function: &'static str,
    node: *mut dm_tree_node,
    refresh: fn(&mut TreeState, NodeId),
    f: impl FnOnce(&mut TreeState, NodeId) -> Result<(), TreeError>,
    describe: impl FnOnce(TreeError) -> String,
) -> c_int {
    crate::capi::boundary::guard(function, 0, || {
        // The guard ends with this closure.
        let Some((mut t, id)) = tree_of_node(function, node) else { return 0 };
        let r = f(&mut t, id);
        refresh(&mut t, id);
        match r {
            Ok(()) => 1,
            Err(e) => {
                crate::log_error!(errno = libc::EINVAL; "{}", describe(e));
                0
            }
        }
    })
}

/// Runs `f` on a node's tree and id, for a call that changes only its node
/// (and adds nodes); logs "function: error" and maps errors to 0.
fn with_tree(function: &'static str, node: *mut dm_tree_node, f: impl FnOnce(&mut Tree, NodeId) -> Result<(), TreeError>) -> c_int {
    on_node_changing(function, node, TreeState::refresh_node, |t, id| f(&mut t.tree, id), |e| format!("{function}: {e}"))
}

/// [`with_tree`] for a change that cannot fail.
fn set(function: &'static str, node: *mut dm_tree_node, f: impl FnOnce(&mut Tree, NodeId)) -> c_int {
    with_tree(function, node, |t, id| {
        f(t, id);
        Ok(())
    })
}

/// [`with_tree`] for the target builders that log libdm's words: an error
/// is logged as its message alone, a missing argument as "function:
/// argument must not be NULL".
fn build(function: &'static str, node: *mut dm_tree_node, f: impl FnOnce(&mut Tree, NodeId) -> Result<(), TreeError>) -> c_int {
    on_node_changing(function, node, TreeState::refresh_node, |t, id| f(&mut t.tree, id), |e| match e {
        TreeError::Missing(what) => format!("{function}: {what} must not be NULL"),
        e => e.to_string(),
    })
}

/// What `f` reads of a node's tree and id; `fail` for a NULL node or a
/// busy tree.
fn read<T: Copy>(function: &'static str, node: *const dm_tree_node, fail: T, f: impl FnOnce(&Tree, NodeId) -> T) -> T {
    crate::capi::boundary::guard(function, fail, || tree_of_node(function, node).map_or(fail, |(t, id)| f(&t.tree, id)))
}

/// [`with_tree`] for a phase, which may change every node.
fn run_phase(function: &'static str, node: *mut dm_tree_node, f: impl FnOnce(&mut TreeState, NodeId) -> Result<(), TreeError>) -> c_int {
    on_node_changing(function, node, |t, _| t.refresh_all(), f, |e| format!("{function}: {e}"))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_mirror_target(node: *mut dm_tree_node, size: u64) -> c_int {
    add_simple("dm_tree_node_add_mirror_target", node, size, Target::Mirror(MirrorLog::default()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_mirror_target_log(node: *mut dm_tree_node, region_size: u32, clustered: c_uint, log_uuid: *const c_char, area_count: c_uint, flags: u32) -> c_int {
    let _ = area_count;
    let Some(log_uuid) = arg::opt_string("dm_tree_node_add_mirror_target_log", "log_uuid", log_uuid) else { return 0 };
    with_tree("dm_tree_node_add_mirror_target_log", node, |t, id| {
        if clustered != 0 {
            return Err(TreeError::Invalid("clustered mirror logs are not supported".into()));
        }
        t.set_mirror_log(id, MirrorLog::from_flags(region_size, flags), log_uuid, clustered != 0)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_snapshot_origin_target(dnode: *mut dm_tree_node, size: u64, origin_uuid: *const c_char) -> c_int {
    let Some(origin) = arg::opt_string("dm_tree_node_add_snapshot_origin_target", "origin_uuid", origin_uuid) else { return 0 };
    with_tree("dm_tree_node_add_snapshot_origin_target", dnode, |t, id| {
        let o = t.node_named(origin, "snapshot origin")?;
        t.add_snapshot_origin(id, size, o)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_snapshot_target(node: *mut dm_tree_node, size: u64, origin_uuid: *const c_char, cow_uuid: *const c_char, persistent: c_int, chunk_size: u32) -> c_int {
    const F: &str = "dm_tree_node_add_snapshot_target";
    let (Some(origin), Some(cow)) = (arg::opt_string(F, "origin_uuid", origin_uuid), arg::opt_string(F, "cow_uuid", cow_uuid)) else { return 0 };
    with_tree("dm_tree_node_add_snapshot_target", node, |t, id| {
        let o = t.node_named(origin, "snapshot origin")?;
        let c = t.node_named(cow, "snapshot COW device")?;
        t.add_snapshot(id, size, o, c, persistent != 0, chunk_size)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_snapshot_merge_target(node: *mut dm_tree_node, size: u64, origin_uuid: *const c_char, cow_uuid: *const c_char, merge_uuid: *const c_char, chunk_size: u32) -> c_int {
    const F: &str = "dm_tree_node_add_snapshot_merge_target";
    let (Some(origin), Some(cow), Some(merge)) = (arg::opt_string(F, "origin_uuid", origin_uuid), arg::opt_string(F, "cow_uuid", cow_uuid), arg::opt_string(F, "merge_uuid", merge_uuid)) else { return 0 };
    with_tree("dm_tree_node_add_snapshot_merge_target", node, |t, id| {
        let o = t.node_named(origin, "snapshot origin")?;
        let c = t.node_named(cow, "snapshot COW device")?;
        let m = t.merging_snapshot(merge);
        t.add_snapshot_merge(id, size, o, c, m, chunk_size)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_add_new_dev_with_udev_flags(tree: *mut dm_tree, name: *const c_char, uuid: *const c_char, major: u32, minor: u32, read_only: c_int, clear_inactive: c_int, context: *mut c_void, udev_flags: u16) -> *mut dm_tree_node {
    ffi!("dm_tree_add_new_dev", ptr::null_mut() => {
        let Some(mut t) = tree_mut("dm_tree_add_new_dev", tree) else { return ptr::null_mut() };
        let Some(name) = arg::string("dm_tree_add_new_dev", "name", name) else { return ptr::null_mut() };
        let Some(uuid) = arg::string("dm_tree_add_new_dev", "uuid", uuid) else { return ptr::null_mut() };
        let added = t.tree.add_new_dev(name, uuid, major, minor, read_only != 0, udev_flags).and_then(|id| {
            if clear_inactive != 0 {
                t.tree.clear_inactive_table(default_kernel().as_ref(), id, udev_flags)?;
            }
            Ok(id)
        });
        let Ok(id) = added.map_err(|e| crate::log_error!(errno = libc::EINVAL; "{e}")) else { return ptr::null_mut() };
        t.refresh_node(id);
        t.handle_ref(id).context.set(context);
        t.handle(id)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_add_new_dev(tree: *mut dm_tree, name: *const c_char, uuid: *const c_char, major: u32, minor: u32, read_only: c_int, clear_inactive: c_int, context: *mut c_void) -> *mut dm_tree_node {
    // SAFETY: caller's contract.
    unsafe { dm_tree_add_new_dev_with_udev_flags(tree, name, uuid, major, minor, read_only, clear_inactive, context, 0) }
}

/// Adds a segment of a target that needs no further parameters.
fn add_simple(function: &'static str, node: *mut dm_tree_node, size: u64, target: Target) -> c_int {
    set(function, node, |t, id| t.add_segment(id, size, target))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_error_target(node: *mut dm_tree_node, size: u64) -> c_int {
    add_simple("dm_tree_node_add_error_target", node, size, Target::Error)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_zero_target(node: *mut dm_tree_node, size: u64) -> c_int {
    add_simple("dm_tree_node_add_zero_target", node, size, Target::Zero)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_linear_target(node: *mut dm_tree_node, size: u64) -> c_int {
    add_simple("dm_tree_node_add_linear_target", node, size, Target::Linear)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_striped_target(node: *mut dm_tree_node, size: u64, stripe_size: u32) -> c_int {
    add_simple("dm_tree_node_add_striped_target", node, size, Target::Striped { stripe_size })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_crypt_target(node: *mut dm_tree_node, size: u64, cipher: *const c_char, chainmode: *const c_char, iv: *const c_char, iv_offset: u64, key: *const c_char) -> c_int {
    const F: &str = "dm_tree_node_add_crypt_target";
    if cipher.is_null() || key.is_null() {
        crate::capi::boundary::log_null(F, "cipher or key");
        return 0;
    }
    let (Some(cipher), Some(chainmode), Some(iv), Some(key)) = (arg::string(F, "cipher", cipher), arg::opt_owned(F, "chainmode", chainmode), arg::opt_owned(F, "iv", iv), arg::string(F, "key", key)) else { return 0 };
    let crypt = Crypt { cipher: cipher.to_string(), chainmode, iv, iv_offset: (iv_offset != DM_CRYPT_IV_DEFAULT).then_some(iv_offset), key: key.to_string() };
    add_simple("dm_tree_node_add_crypt_target", node, size, Target::Crypt(crypt))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_target_area(node: *mut dm_tree_node, dev_name: *const c_char, dlid: *const c_char, offset: u64) -> c_int {
    const F: &str = "dm_tree_node_add_target_area";
    let (Some(dev_name), Some(dlid)) = (arg::opt_string(F, "dev_name", dev_name), arg::opt_string(F, "dlid", dlid)) else { return 0 };
    with_tree("dm_tree_node_add_target_area", node, |t, id| t.add_target_area(default_kernel().as_ref(), id, dev_name, dlid, offset))
}

/// The uuid prefix argument of the phase functions (NULL: everything):
/// its bytes up to `len` or a NUL (bytes that are not UTF-8 become U+FFFD,
/// see `capi::arg`).
fn prefix_arg(prefix: *const c_char, len: usize) -> Option<String> {
    (!prefix.is_null()).then(|| arg::strn("", "", prefix, len).map(|b| String::from_utf8_lossy(b).into_owned())).flatten()
}

/// Calls a node's registered callback for `event`. The handle pointers are
/// copied before the phase runs (phases add no nodes), so the callback
/// holds no reference into the state the phase is changing; a callback
/// that calls back into the tree is refused by [`tree_mut`].
fn callback_for(t: &TreeState) -> impl FnMut(NodeId, NodeEvent) -> bool {
    let handles = t.handles.clone();
    move |id, event| {
        let Some(&h) = handles.get(id.0) else { return true };
        // SAFETY: a handle of the tree, alive for the phase; only its cells
        // are read.
        let (cb, data) = unsafe { (h.as_ref().callback.get(), h.as_ref().callback_data.get()) };
        let Some(f) = cb else { return true };
        let kind = match event {
            NodeEvent::Preloaded => dm_node_callback_e::DM_NODE_CALLBACK_PRELOADED,
            NodeEvent::Deactivated => dm_node_callback_e::DM_NODE_CALLBACK_DEACTIVATED,
        };
        // SAFETY: the caller registered `f` for this node with `data`.
        unsafe { f(h.as_ptr(), kind, data) != 0 }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_preload_children(dnode: *mut dm_tree_node, uuid_prefix: *const c_char, uuid_prefix_len: usize) -> c_int {
    let prefix = prefix_arg(uuid_prefix, uuid_prefix_len);
    run_phase("dm_tree_preload_children", dnode, |t, id| {
        let mut cb = callback_for(t);
        t.tree.preload_children(default_kernel().as_ref(), id, prefix.as_deref(), &mut cb)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_activate_children(dnode: *mut dm_tree_node, uuid_prefix: *const c_char, uuid_prefix_len: usize) -> c_int {
    let prefix = prefix_arg(uuid_prefix, uuid_prefix_len);
    run_phase("dm_tree_activate_children", dnode, |t, id| t.tree.activate_children(default_kernel().as_ref(), id, prefix.as_deref()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_suspend_children(dnode: *mut dm_tree_node, uuid_prefix: *const c_char, uuid_prefix_len: usize) -> c_int {
    let prefix = prefix_arg(uuid_prefix, uuid_prefix_len);
    run_phase("dm_tree_suspend_children", dnode, |t, id| t.tree.suspend_children(default_kernel().as_ref(), id, prefix.as_deref()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_deactivate_children(dnode: *mut dm_tree_node, uuid_prefix: *const c_char, uuid_prefix_len: usize) -> c_int {
    let prefix = prefix_arg(uuid_prefix, uuid_prefix_len);
    run_phase("dm_tree_deactivate_children", dnode, |t, id| {
        let mut cb = callback_for(t);
        t.tree.deactivate_children(default_kernel().as_ref(), id, prefix.as_deref(), &mut cb)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_skip_lockfs(dnode: *mut dm_tree_node) {
    set("dm_tree_skip_lockfs", dnode, |t, _| t.settings.skip_lockfs = true);
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_use_no_flush_suspend(dnode: *mut dm_tree_node) {
    set("dm_tree_use_no_flush_suspend", dnode, |t, _| t.settings.no_flush = true);
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_retry_remove(dnode: *mut dm_tree_node) {
    set("dm_tree_retry_remove", dnode, |t, _| t.settings.retry_remove = true);
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_callback(node: *mut dm_tree_node, cb: dm_node_callback_fn, cb_data: *mut c_void) {
    // Only the node's cells change here, so a callback may set callbacks
    // while a phase runs; the tree learns of it when it is free.
    let Some(n) = node_ref("dm_tree_node_set_callback", node) else { return };
    n.callback.set(cb);
    n.callback_data.set(cb_data);
    if let Some((mut t, id)) = tree_of_node("dm_tree_node_set_callback", node) {
        t.tree.set_callback_registered(id, cb.is_some());
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_size_changed(dnode: *const dm_tree_node) -> c_int {
    read("dm_tree_node_size_changed", dnode, 0, |t, id| t.node(id).props.size_changed)
}

// dm_tree_node_size_changed@Base, which libdm 1.02.175 lost and 1.02.205
// restored, for binaries linked before DM_1_02_110. The `.symver` is
// repeated here, in the function's own module (see capi/bitset.rs).
std::arch::global_asm!(".symver dm_tree_node_size_changed_base, dm_tree_node_size_changed@Base");

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_size_changed_base(dnode: *const dm_tree_node) -> c_int {
    // SAFETY: the same contract as dm_tree_node_size_changed.
    unsafe { dm_tree_node_size_changed(dnode) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_read_ahead(dnode: *mut dm_tree_node, read_ahead: u32, read_ahead_flags: u32) {
    set("dm_tree_node_set_read_ahead", dnode, |t, id| t.props_mut(id).read_ahead = Some((read_ahead, read_ahead_flags)));
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_presuspend_node(node: *mut dm_tree_node, presuspend_node: *mut dm_tree_node) {
    let pre = node_ref("dm_tree_node_set_presuspend_node", presuspend_node).map(|p| p.id);
    set("dm_tree_node_set_presuspend_node", node, |t, id| t.props_mut(id).presuspend = pre);
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_children_use_uuid(dnode: *mut dm_tree_node, uuid_prefix: *const c_char, uuid_prefix_len: usize) -> c_int {
    let prefix = prefix_arg(uuid_prefix, uuid_prefix_len);
    read("dm_tree_children_use_uuid", dnode, 0, |t, id| t.children_use_uuid(id, prefix.as_deref()) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_create() -> *mut dm_tree {
    ffi!("dm_tree_create", ptr::null_mut() => {
        let state = TreeState { tree: Tree::new(), handles: Vec::new(), this: ptr::null_mut() };
        let tree = handle::to_boxed_mut_ptr(dm_tree { busy: Cell::new(false), state: UnsafeCell::new(state) });
        // SAFETY: the tree just made; the guard ends here.
        if let Some(mut t) = tree_mut("dm_tree_create", tree) {
            t.this = tree;
            t.adopt_new();
        }
        tree
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_free(tree: *mut dm_tree) {
    if tree.is_null() {
        return;
    }
    // SAFETY: a live tree from dm_tree_create; only its `busy` cell is read.
    if unsafe { (*ptr::addr_of!((*tree).busy)).get() } {
        crate::log_error!(errno = libc::EBUSY; "dm_tree_free: the tree is in use by another call (a node callback may not free the tree a phase is changing)");
        return;
    }
    // SAFETY: a pointer from dm_tree_create, given back once, no call on it
    // running.
    handle::free_box(tree);
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_add_dev_with_udev_flags(tree: *mut dm_tree, major: u32, minor: u32, udev_flags: u16) -> c_int {
    ffi!("dm_tree_add_dev", 0 => {
        let Some(mut t) = tree_mut("dm_tree_add_dev", tree) else { return 0 };
        let result = t.tree.add_dev(default_kernel().as_ref(), major, minor, udev_flags);
        t.adopt_new();
        let Ok(id) = result.map_err(|e| crate::log_error!(errno = e.errno(); "{e}")) else { return 0 };
        t.refresh(id);
        1
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
        let Some(t) = tree_mut("dm_tree_find_node", tree) else { return ptr::null_mut() };
        t.tree.find(major, minor).map_or(ptr::null_mut(), |id| t.handle(id))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_find_node_by_uuid(tree: *mut dm_tree, uuid: *const c_char) -> *mut dm_tree_node {
    ffi!("dm_tree_find_node_by_uuid", ptr::null_mut() => {
        let Some(t) = tree_mut("dm_tree_find_node_by_uuid", tree) else { return ptr::null_mut() };
        let Some(uuid) = arg::string("dm_tree_find_node_by_uuid", "uuid", uuid) else { return ptr::null_mut() };
        t.tree.find_by_uuid(uuid).map_or(ptr::null_mut(), |id| t.handle(id))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_next_child(handle: *mut *mut c_void, parent: *const dm_tree_node, inverted: u32) -> *mut dm_tree_node {
    ffi!("dm_tree_next_child", ptr::null_mut() => {
        require!("dm_tree_next_child", handle, ptr::null_mut());
        let Some((t, parent)) = tree_of_node("dm_tree_next_child", parent) else { return ptr::null_mut() };
        // The cursor is the number of neighbours already returned.
        let handle = arg::Out::from(handle);
        let pos = handle.get().unwrap_or(ptr::null_mut()).addr();
        let Some(&next) = t.tree.links(parent, inverted != 0).get(pos) else { return ptr::null_mut() };
        handle.set(ptr::without_provenance_mut(pos + 1));
        t.handle(next)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_get_name(node: *const dm_tree_node) -> *const c_char {
    // As in libdm: a node whose device does not exist (yet) has no name.
    node_ref("dm_tree_node_get_name", node).map(|n| if n.info.read(|i| i.exists != 0) { n.name.as_ptr().cast_const() } else { c"".as_ptr() }).unwrap_or(ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_get_uuid(node: *const dm_tree_node) -> *const c_char {
    // As in libdm: a node whose device does not exist (yet) has no uuid.
    node_ref("dm_tree_node_get_uuid", node).map(|n| if n.info.read(|i| i.exists != 0) { n.uuid.as_ptr().cast_const() } else { c"".as_ptr() }).unwrap_or(ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_get_info(node: *const dm_tree_node) -> *const dm_info {
    node_ref("dm_tree_node_get_info", node).map(|n| n.info.as_ptr().cast_const()).unwrap_or(ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_get_context(node: *const dm_tree_node) -> *mut c_void {
    node_ref("dm_tree_node_get_context", node).map(|n| n.context.get()).unwrap_or(ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_num_children(node: *const dm_tree_node, inverted: u32) -> c_int {
    read("dm_tree_node_num_children", node, 0, |t, id| t.num_children(id, inverted != 0) as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_set_optional_uuid_suffixes(dtree: *mut dm_tree, optional_uuid_suffixes: *mut *const c_char) {
    ffi!("dm_tree_set_optional_uuid_suffixes", () => {
        let Some(mut t) = tree_mut("dm_tree_set_optional_uuid_suffixes", dtree) else { return };
        // A function that returns nothing cannot refuse a suffix: bytes that
        // are not UTF-8 become U+FFFD.
        let suffixes = arg::terminated(optional_uuid_suffixes.cast_const(), |p| p.is_null()).iter().map(|&p| arg::lossy(p)).collect();
        t.tree.set_optional_uuid_suffixes(suffixes);
    })
}

/// Adds a raid segment of `raid_type` set up by `fill`.
fn add_raid(function: &'static str, node: *mut dm_tree_node, size: u64, raid_type: *const c_char, fill: impl FnOnce(&mut Raid)) -> c_int {
    let Some(name) = arg::opt_string(function, "raid_type", raid_type) else { return 0 };
    build(function, node, |t, id| {
        let name = name.ok_or(TreeError::Missing("raid_type"))?;
        let mut raid = Raid::new(RaidLevel::Raid1);
        fill(&mut raid);
        t.add_raid(default_kernel().as_ref(), id, size, name, raid)
    })
}

// The builders whose arguments are named `_...` keep the names of the
// committed header (they began as stubs): cbindgen copies them from here.

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_raid_target(_node: *mut dm_tree_node, _size: u64, _raid_type: *const c_char, _region_size: u32, _stripe_size: u32, _rebuilds: u64, _flags: u64) -> c_int {
    add_raid("dm_tree_node_add_raid_target", _node, _size, _raid_type, |r| {
        r.region_size = _region_size;
        r.stripe_size = _stripe_size;
        r.rebuilds[0] = _rebuilds;
        r.set_sync_flags(_flags);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_raid_target_with_params(_node: *mut dm_tree_node, _size: u64, _p: *const dm_tree_node_raid_params) -> c_int {
    const F: &str = "dm_tree_node_add_raid_target_with_params";
    let Some(p) = arg::c_ref(F, "p", _p) else { return 0 };
    add_raid(F, _node, _size, p.raid_type, |r| targets::raid_params(p, r))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_raid_target_with_params_v2(_node: *mut dm_tree_node, _size: u64, _p: *const dm_tree_node_raid_params_v2) -> c_int {
    const F: &str = "dm_tree_node_add_raid_target_with_params_v2";
    let Some(p) = arg::c_ref(F, "p", _p) else { return 0 };
    add_raid(F, _node, _size, p.raid_type, |r| targets::raid_params_v2(p, r))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_cache_target(_node: *mut dm_tree_node, _size: u64, _feature_flags: u64, _metadata_uuid: *const c_char, _data_uuid: *const c_char, _origin_uuid: *const c_char, _policy_name: *const c_char, _policy_settings: *const dm_config_node, _data_block_size: u32) -> c_int {
    const F: &str = "dm_tree_node_add_cache_target";
    let (Some(metadata), Some(data), Some(origin), Some(policy)) = (arg::opt_string(F, "metadata_uuid", _metadata_uuid), arg::opt_string(F, "data_uuid", _data_uuid), arg::opt_string(F, "origin_uuid", _origin_uuid), arg::opt_string(F, "policy_name", _policy_name)) else { return 0 };
    let settings = targets::policy_settings(_policy_settings);
    let c = CacheRequest { feature_flags: _feature_flags, policy, settings: &settings, data_block_size: _data_block_size, metadata, data, origin };
    build(F, _node, |t, id| t.add_cache(id, _size, &c))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_replicator_target(_node: *mut dm_tree_node, _size: u64, _rlog_uuid: *const c_char, _rlog_type: *const c_char, _rsite_index: c_uint, _mode: c_int, _async_timeout: u32, _fall_behind_data: u64, _fall_behind_ios: u32) -> c_int {
    // The C library dropped the replicator; it refuses with these words.
    crate::log_error!(errno = libc::EINVAL; "Replicator segment is unsupported.");
    0
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_replicator_dev_target(_node: *mut dm_tree_node, _size: u64, _replicator_uuid: *const c_char, _rdevice_index: u64, _rdev_uuid: *const c_char, _rsite_index: c_uint, _slog_uuid: *const c_char, _slog_flags: u32, _slog_region_size: u32) -> c_int {
    crate::log_error!(errno = libc::EINVAL; "Replicator targer is unsupported.");
    0
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_thin_pool_target(node: *mut dm_tree_node, size: u64, transaction_id: u64, metadata_uuid: *const c_char, pool_uuid: *const c_char, data_block_size: u32, low_water_mark: u64, skip_block_zeroing: c_uint) -> c_int {
    // SAFETY: caller's contract.
    unsafe { dm_tree_node_add_thin_pool_target_v1(node, size, transaction_id, metadata_uuid, pool_uuid, data_block_size, low_water_mark, skip_block_zeroing, 1) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_thin_pool_target_v1(node: *mut dm_tree_node, size: u64, transaction_id: u64, metadata_uuid: *const c_char, pool_uuid: *const c_char, data_block_size: u32, low_water_mark: u64, skip_block_zeroing: c_uint, crop_metadata: c_uint) -> c_int {
    const F: &str = "dm_tree_node_add_thin_pool_target";
    let (Some(metadata), Some(data)) = (arg::opt_string(F, "metadata_uuid", metadata_uuid), arg::opt_string(F, "pool_uuid", pool_uuid)) else { return 0 };
    with_tree("dm_tree_node_add_thin_pool_target", node, |t, id| {
        let m = t.node_named(metadata, "metadata")?;
        let d = t.node_named(data, "pool")?;
        let pool = ThinPool {
            transaction_id,
            data_block_size,
            low_water_mark,
            skip_block_zeroing: skip_block_zeroing != 0,
            crop_metadata: crop_metadata != 0,
            ..Default::default()
        };
        t.add_thin_pool(id, size, pool, m, d)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_thin_pool_message(node: *mut dm_tree_node, type_: c_int, id1: u64, id2: u64) -> c_int {
    with_tree("dm_tree_node_add_thin_pool_message", node, |t, id| t.add_thin_message(id, type_, id1, id2))
}

/// Sets what `f` sets of the thin pool that is the node's last segment.
fn thin_pool_setting(function: &'static str, node: *mut dm_tree_node, f: impl FnOnce(&mut ThinPool)) -> c_int {
    with_tree(function, node, |t, id| t.last_thin_pool_mut(id).map(f))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_thin_pool_discard(node: *mut dm_tree_node, ignore: c_uint, no_passdown: c_uint) -> c_int {
    thin_pool_setting("dm_tree_node_set_thin_pool_discard", node, |pool| {
        pool.ignore_discard = ignore != 0;
        pool.no_discard_passdown = no_passdown != 0;
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_thin_pool_error_if_no_space(node: *mut dm_tree_node, error_if_no_space: c_uint) -> c_int {
    thin_pool_setting("dm_tree_node_set_thin_pool_error_if_no_space", node, |pool| pool.error_if_no_space = error_if_no_space != 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_thin_pool_read_only(node: *mut dm_tree_node, read_only: c_uint) -> c_int {
    thin_pool_setting("dm_tree_node_set_thin_pool_read_only", node, |pool| pool.read_only = read_only != 0)
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_thin_target(node: *mut dm_tree_node, size: u64, pool_uuid: *const c_char, device_id: u32) -> c_int {
    let Some(pool) = arg::opt_string("dm_tree_node_add_thin_target", "pool_uuid", pool_uuid) else { return 0 };
    with_tree("dm_tree_node_add_thin_target", node, |t, id| {
        let p = t.node_named(pool, "pool")?;
        t.add_thin(id, size, device_id, p)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_thin_external_origin(node: *mut dm_tree_node, external_uuid: *const c_char) -> c_int {
    let Some(external) = arg::opt_string("dm_tree_node_set_thin_external_origin", "external_uuid", external_uuid) else { return 0 };
    with_tree("dm_tree_node_set_thin_external_origin", node, |t, id| {
        let o = t.node_named(external, "thin external origin")?;
        t.set_thin_external_origin(id, o)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_set_udev_flags(node: *mut dm_tree_node, udev_flags: u16) {
    set("dm_tree_node_set_udev_flags", node, |t, id| t.set_udev_flags(id, udev_flags));
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_null_area(_node: *mut dm_tree_node, _offset: u64) -> c_int {
    build("dm_tree_node_add_null_area", _node, |t, id| t.add_null_area(id, _offset))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_set_cookie(node: *mut dm_tree_node, cookie: u32) {
    set("dm_tree_set_cookie", node, |t, _| t.cookie = cookie);
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_get_cookie(node: *mut dm_tree_node) -> u32 {
    read("dm_tree_get_cookie", node, 0, |t, _| t.cookie)
}

/// The first version (`dm_tree_node_add_cache_target@Base`): it knew only
/// the three modes, so every other feature bit is dropped.
#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_cache_target_base(_node: *mut dm_tree_node, _size: u64, _feature_flags: u64, _metadata_uuid: *const c_char, _data_uuid: *const c_char, _origin_uuid: *const c_char, _policy_name: *const c_char, _policy_settings: *const dm_config_node, _data_block_size: u32) -> c_int {
    // SAFETY: the same contract as dm_tree_node_add_cache_target.
    unsafe { dm_tree_node_add_cache_target(_node, _size, base_version_flags(_feature_flags), _metadata_uuid, _data_uuid, _origin_uuid, _policy_name, _policy_settings, _data_block_size) }
}

/// A cache whose metadata and data live on one cache volume (see
/// [`Tree::add_cachevol`]).
#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_cachevol_target(_node: *mut dm_tree_node, _size: u64, _feature_flags: u64, _metadata_uuid: *const c_char, _data_uuid: *const c_char, _cachevol_uuid: *const c_char, _origin_uuid: *const c_char, _policy_name: *const c_char, _policy_settings: *const dm_config_node, _metadata_start: u64, _metadata_len: u64, _data_start: u64, _data_len: u64, _data_block_size: u32) -> c_int {
    const F: &str = "dm_tree_node_add_cachevol_target";
    let (Some(metadata), Some(data), Some(cachevol), Some(origin), Some(policy)) = (arg::opt_string(F, "metadata_uuid", _metadata_uuid), arg::opt_string(F, "data_uuid", _data_uuid), arg::opt_string(F, "cachevol_uuid", _cachevol_uuid), arg::opt_string(F, "origin_uuid", _origin_uuid), arg::opt_string(F, "policy_name", _policy_name)) else { return 0 };
    let settings = targets::policy_settings(_policy_settings);
    let c = CacheRequest { feature_flags: _feature_flags, policy, settings: &settings, data_block_size: _data_block_size, metadata, data, origin };
    build(F, _node, |t, id| t.add_cachevol(id, _size, &c, cachevol, (_metadata_start, _metadata_len), (_data_start, _data_len)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_writecache_target(_node: *mut dm_tree_node, _size: u64, _origin_uuid: *const c_char, _cache_uuid: *const c_char, _pmem: c_int, _writecache_block_size: u32, _settings: *mut dm_writecache_settings) -> c_int {
    const F: &str = "dm_tree_node_add_writecache_target";
    let (Some(origin), Some(cache)) = (arg::opt_string(F, "origin_uuid", _origin_uuid), arg::opt_string(F, "cache_uuid", _cache_uuid)) else { return 0 };
    let Some(settings) = arg::deref(_settings).map_or(Some(WritecacheSettings::default()), targets::writecache_settings) else { return 0 };
    let w = Writecache { pmem: _pmem != 0, block_size: _writecache_block_size, settings };
    build(F, _node, |t, id| t.add_writecache(id, _size, w, origin, cache))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_integrity_target(_node: *mut dm_tree_node, _size: u64, _origin_uuid: *const c_char, _meta_uuid: *const c_char, _settings: *mut dm_integrity_settings, _recalculate: c_int) -> c_int {
    const F: &str = "dm_tree_node_add_integrity_target";
    let (Some(origin), Some(meta)) = (arg::opt_string(F, "origin_uuid", _origin_uuid), arg::opt_string(F, "meta_uuid", _meta_uuid)) else { return 0 };
    let Some(integrity) = arg::deref(_settings).map_or(Some(None), |s| targets::integrity(s, _recalculate).map(Some)) else { return 0 };
    build(F, _node, |t, id| t.add_integrity(id, _size, integrity, origin, meta))
}

#[no_mangle]
pub unsafe extern "C" fn dm_tree_node_add_vdo_target(_node: *mut dm_tree_node, _size: u64, _vdo_version: u32, _vdo_pool_name: *const c_char, _data_uuid: *const c_char, _data_size: u64, _vtp: *const dm_vdo_target_params) -> c_int {
    const F: &str = "dm_tree_node_add_vdo_target";
    let (Some(pool), Some(data)) = (arg::opt_string(F, "vdo_pool_name", _vdo_pool_name), arg::opt_string(F, "data_uuid", _data_uuid)) else { return 0 };
    let vdo = arg::deref(_vtp).map(|p| Vdo { version: _vdo_version, pool_name: pool.unwrap_or_default().to_string(), data_size: _data_size, params: targets::vdo_params(p) });
    build(F, _node, |t, id| t.add_vdo(id, _size, vdo, data))
}

pub(crate) mod targets;
