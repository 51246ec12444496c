//! `struct dm_tree` and `struct dm_tree_node` through the C API.

use std::ffi::{c_int, c_void};
use std::ptr;

use super::{live_tables, on_sim, text};
use crate::capi::tree::*;
use crate::capi::types::*;

/// A C caller's tree: created on construction, freed on drop.
struct CTree(*mut dm_tree);

impl CTree {
    fn new() -> CTree {
        // SAFETY: no arguments.
        let t = unsafe { dm_tree_create() };
        assert!(!t.is_null());
        CTree(t)
    }

    /// dm_tree_add_new_dev with C string literals; the context is the name
    /// (libdm gives a node no name until its device exists, so the tests
    /// tell new nodes apart by it).
    fn add(&self, name: &'static std::ffi::CStr, uuid: &std::ffi::CStr) -> *mut dm_tree_node {
        // SAFETY: a live tree and NUL-terminated strings.
        let n = unsafe { dm_tree_add_new_dev(self.0, name.as_ptr(), uuid.as_ptr(), 0, 0, 0, 0, name.as_ptr() as *mut c_void) };
        assert!(!n.is_null());
        n
    }

    fn root(&self) -> *mut dm_tree_node {
        // SAFETY: a live tree.
        unsafe { dm_tree_find_node(self.0, 0, 0) }
    }

    /// Preload then activate everything, as LVM does.
    fn activate(&self) {
        let root = self.root();
        // SAFETY: the root of a live tree; a NULL prefix means all.
        unsafe {
            assert_eq!(dm_tree_preload_children(root, ptr::null(), 0), 1);
            assert_eq!(dm_tree_activate_children(root, ptr::null(), 0), 1);
        }
    }
}

impl Drop for CTree {
    fn drop(&mut self) {
        // SAFETY: from dm_tree_create, freed once.
        unsafe { dm_tree_free(self.0) };
    }
}

/// The names of a node's children (or, inverted, parents) as
/// dm_tree_next_child walks them.
fn children(node: *const dm_tree_node, inverted: u32) -> Vec<String> {
    let mut handle: *mut c_void = ptr::null_mut();
    let mut names = Vec::new();
    loop {
        // SAFETY: a live node and a cursor C keeps.
        let child = unsafe { dm_tree_next_child(&mut handle, node, inverted) };
        if child.is_null() {
            return names;
        }
        names.push(label(child));
    }
}

/// A node's name, or for a node whose device does not exist yet (libdm
/// then gives "") the name `CTree::add` left as its context.
fn label(node: *const dm_tree_node) -> String {
    // SAFETY: a live node; a context set by `CTree::add` is a 'static C
    // string.
    unsafe {
        let name = text(dm_tree_node_get_name(node));
        let context = dm_tree_node_get_context(node);
        if name.is_empty() && !context.is_null() {
            text(context.cast_const().cast())
        } else {
            name
        }
    }
}

/// A linear segment of `size` sectors over the node with `uuid`.
fn linear_over(node: *mut dm_tree_node, size: u64, uuid: &std::ffi::CStr) {
    // SAFETY: a live node and a NUL-terminated uuid.
    unsafe {
        assert_eq!(dm_tree_node_add_linear_target(node, size), 1);
        assert_eq!(dm_tree_node_add_target_area(node, ptr::null(), uuid.as_ptr(), 0), 1);
    }
}

#[test]
fn a_new_tree_has_a_nameless_root_found_as_device_0_0() {
    let t = CTree::new();
    let root = t.root();
    assert!(!root.is_null());
    // SAFETY: the root of a live tree.
    assert_eq!(unsafe { text(dm_tree_node_get_name(root)) }, "");
}

#[test]
fn a_new_node_reads_back_its_context_and_no_name_or_uuid_until_its_device_exists() {
    on_sim(|_| {
        let t = CTree::new();
        let mut context = 7u8;
        let ctx = &mut context as *mut u8 as *mut c_void;
        // SAFETY: a live tree and NUL-terminated strings.
        let n = unsafe { dm_tree_add_new_dev(t.0, c"vg-lv".as_ptr(), c"LVM-uuid1".as_ptr(), 0, 0, 0, 0, ctx) };
        // SAFETY: a live node.
        unsafe {
            assert_eq!((text(dm_tree_node_get_name(n)), text(dm_tree_node_get_uuid(n))), (String::new(), String::new()), "libdm: no device, no name");
            assert_eq!(dm_tree_node_get_context(n), ctx);
            assert_eq!(dm_tree_node_add_zero_target(n, 8), 1);
        }
        t.activate();
        // SAFETY: a live node.
        unsafe {
            assert_eq!(text(dm_tree_node_get_name(n)), "vg-lv");
            assert_eq!(text(dm_tree_node_get_uuid(n)), "LVM-uuid1");
        }
    })
}

#[test]
fn add_new_dev_with_udev_flags_gives_a_node_found_by_its_uuid() {
    let t = CTree::new();
    // SAFETY: a live tree and NUL-terminated strings.
    let n = unsafe { dm_tree_add_new_dev_with_udev_flags(t.0, c"vg-lv".as_ptr(), c"LVM-uuid1".as_ptr(), 0, 0, 0, 0, ptr::null_mut(), 0x0010) };
    assert!(!n.is_null());
    // SAFETY: a live tree.
    assert_eq!(unsafe { dm_tree_find_node_by_uuid(t.0, c"LVM-uuid1".as_ptr()) }, n);
}

#[test]
fn a_node_pointer_and_its_name_pointer_stay_valid_while_the_tree_grows() {
    on_sim(|_| {
        let t = CTree::new();
        let first = t.add(c"first", c"U-first");
        // SAFETY: a live node.
        assert_eq!(unsafe { dm_tree_node_add_zero_target(first, 8) }, 1);
        t.activate();
        // SAFETY: a live node.
        let name = unsafe { dm_tree_node_get_name(first) };
        for i in 0..40 {
            let n = std::ffi::CString::new(format!("n{i}")).unwrap();
            let u = std::ffi::CString::new(format!("U-n{i}")).unwrap();
            // SAFETY: a live tree and NUL-terminated strings.
            let node = unsafe { dm_tree_add_new_dev(t.0, n.as_ptr(), u.as_ptr(), 0, 0, 0, 0, ptr::null_mut()) };
            linear_over(node, 8, c"U-first");
        }
        // SAFETY: the tree is alive, so are its nodes and their names.
        unsafe {
            assert_eq!(text(name), "first");
            assert_eq!(dm_tree_node_get_name(first), name);
            assert_eq!(dm_tree_find_node_by_uuid(t.0, c"U-first".as_ptr()), first);
            assert_eq!(dm_tree_node_num_children(first, 1), 40);
        }
    })
}

#[test]
fn an_info_pointer_kept_by_the_caller_shows_the_device_after_activate() {
    on_sim(|_| {
        let t = CTree::new();
        let n = t.add(c"zero", c"U-zero");
        // SAFETY: a live node.
        let info = unsafe { dm_tree_node_get_info(n) };
        // SAFETY: a live node; the info pointer lives as long as the node.
        unsafe {
            assert_eq!(dm_tree_node_add_zero_target(n, 8), 1);
            assert_eq!((*info).exists, 0);
        }
        t.activate();
        // SAFETY: as above.
        unsafe {
            assert_eq!(((*info).exists, (*info).live_table, (*info).suspended), (1, 1, 0));
            assert_eq!(((*info).major, (*info).minor), (crate::kernel::sim::SIM_DM_MAJOR, 0));
            assert_eq!(dm_tree_find_node(t.0, (*info).major, (*info).minor), n);
        }
    })
}

#[test]
fn an_area_makes_its_node_a_child_and_the_node_its_parent() {
    let t = CTree::new();
    let pv = t.add(c"pv", c"U-pv");
    let lv = t.add(c"lv", c"U-lv");
    linear_over(lv, 8, c"U-pv");
    assert_eq!(children(lv, 0), ["pv"]);
    assert_eq!(children(pv, 1), ["lv"]);
    assert_eq!(children(t.root(), 0), ["lv"], "the root uses the top level only");
    // SAFETY: live nodes.
    unsafe {
        assert_eq!(dm_tree_node_num_children(lv, 0), 1);
        assert_eq!(dm_tree_node_num_children(pv, 0), 0, "a bottom-level node");
    }
}

#[test]
fn a_striped_segment_loads_its_areas_in_order() {
    on_sim(|sim| {
        let t = CTree::new();
        for (n, u) in [(c"a", c"U-a"), (c"b", c"U-b")] {
            let leg = t.add(n, u);
            // SAFETY: a live node.
            assert_eq!(unsafe { dm_tree_node_add_zero_target(leg, 16) }, 1);
        }
        let top = t.add(c"top", c"U-top");
        // SAFETY: a live node and NUL-terminated uuids.
        unsafe {
            assert_eq!(dm_tree_node_add_striped_target(top, 32, 8), 1);
            assert_eq!(dm_tree_node_add_target_area(top, ptr::null(), c"U-a".as_ptr(), 0), 1);
            assert_eq!(dm_tree_node_add_target_area(top, ptr::null(), c"U-b".as_ptr(), 0), 1);
        }
        assert_eq!(children(top, 0), ["a", "b"]);
        t.activate();
        assert_eq!(live_tables(sim), ["a: 0 16 zero ", "b: 0 16 zero ", "top: 0 32 striped 2 8 253:0 0 253:1 0"]);
    })
}

#[test]
fn a_thin_pool_uses_its_metadata_and_data_and_a_thin_volume_its_pool() {
    let t = CTree::new();
    for (n, u) in [(c"tmeta", c"U-tmeta"), (c"tdata", c"U-tdata")] {
        let leg = t.add(n, u);
        // SAFETY: a live node.
        assert_eq!(unsafe { dm_tree_node_add_zero_target(leg, 1024) }, 1);
    }
    let pool = t.add(c"pool", c"U-pool");
    let thin = t.add(c"thin", c"U-thin");
    // SAFETY: live nodes and NUL-terminated uuids.
    unsafe {
        assert_eq!(dm_tree_node_add_thin_pool_target(pool, 1024, 1, c"U-tmeta".as_ptr(), c"U-tdata".as_ptr(), 128, 0, 0), 1);
        assert_eq!(dm_tree_node_add_thin_pool_message(pool, dm_thin_message_e::DM_THIN_MESSAGE_CREATE_THIN as c_int, 1, 0), 1);
        assert_eq!(dm_tree_node_add_thin_pool_message(pool, dm_thin_message_e::DM_THIN_MESSAGE_SET_TRANSACTION_ID as c_int, 0, 1), 1);
        assert_eq!(dm_tree_node_add_thin_target(thin, 2048, c"U-pool".as_ptr(), 1), 1);
    }
    assert_eq!(children(pool, 0), ["tmeta", "tdata"]);
    assert_eq!(children(thin, 0), ["pool"]);
    assert_eq!(children(pool, 1), ["thin"]);
}

#[test]
fn a_thin_pool_message_without_a_pool_segment_is_refused() {
    let t = CTree::new();
    let n = t.add(c"lv", c"U-lv");
    // SAFETY: a live node.
    unsafe {
        assert_eq!(dm_tree_node_add_zero_target(n, 8), 1);
        assert_eq!(dm_tree_node_add_thin_pool_message(n, dm_thin_message_e::DM_THIN_MESSAGE_CREATE_THIN as c_int, 1, 0), 0);
    }
}

#[test]
fn a_mirror_with_a_disk_log_has_its_legs_and_log_as_children() {
    let t = CTree::new();
    for (n, u) in [(c"log", c"U-log"), (c"leg0", c"U-leg0"), (c"leg1", c"U-leg1")] {
        t.add(n, u);
    }
    let m = t.add(c"mirror", c"U-mirror");
    // SAFETY: a live node and NUL-terminated uuids.
    unsafe {
        assert_eq!(dm_tree_node_add_mirror_target(m, 64), 1);
        assert_eq!(dm_tree_node_add_mirror_target_log(m, 1024, 0, c"U-log".as_ptr(), 2, 0), 1);
        assert_eq!(dm_tree_node_add_target_area(m, ptr::null(), c"U-leg0".as_ptr(), 0), 1);
        assert_eq!(dm_tree_node_add_target_area(m, ptr::null(), c"U-leg1".as_ptr(), 0), 1);
    }
    assert_eq!(children(m, 0), ["log", "leg0", "leg1"]);
}

#[test]
fn a_snapshot_uses_its_origin_and_cow_and_the_origin_layer_its_real_device() {
    let t = CTree::new();
    let real = t.add(c"lv-real", c"U-lv-real");
    let cow = t.add(c"snap-cow", c"U-snap-cow");
    let origin = t.add(c"lv", c"U-lv");
    let snap = t.add(c"snap", c"U-snap");
    // SAFETY: live nodes and NUL-terminated uuids.
    unsafe {
        assert_eq!(dm_tree_node_add_zero_target(real, 64), 1);
        assert_eq!(dm_tree_node_add_zero_target(cow, 64), 1);
        assert_eq!(dm_tree_node_add_snapshot_origin_target(origin, 64, c"U-lv-real".as_ptr()), 1);
        assert_eq!(dm_tree_node_add_snapshot_target(snap, 64, c"U-lv-real".as_ptr(), c"U-snap-cow".as_ptr(), 1, 8), 1);
    }
    assert_eq!(children(origin, 0), ["lv-real"]);
    assert_eq!(children(snap, 0), ["lv-real", "snap-cow"]);
    assert_eq!(children(real, 1), ["lv", "snap"]);
}

#[test]
fn an_area_naming_an_unknown_uuid_is_refused() {
    let t = CTree::new();
    let lv = t.add(c"lv", c"U-lv");
    // SAFETY: a live node and NUL-terminated uuid.
    unsafe {
        assert_eq!(dm_tree_node_add_linear_target(lv, 8), 1);
        assert_eq!(dm_tree_node_add_target_area(lv, ptr::null(), c"U-nothing".as_ptr(), 0), 0);
    }
    assert_eq!(children(lv, 0), [""], "only the root: a bottom-level node");
}

/// What a node callback saw: the node, the event, the caller's data, and
/// the node's name read inside the callback.
#[derive(Debug, Default)]
struct Seen(Vec<(*mut dm_tree_node, c_int, String)>);

unsafe extern "C" fn record(node: *mut dm_tree_node, kind: dm_node_callback_t, data: *mut c_void) -> c_int {
    // SAFETY: the test registered a live `Seen` as the data; the node is
    // live for the callback.
    unsafe {
        let name = text(dm_tree_node_get_name(node));
        (*data.cast::<Seen>()).0.push((node, kind as c_int, name));
    }
    1
}

#[test]
fn preload_calls_the_callback_of_a_new_node_once_its_children_are_loaded() {
    on_sim(|_| {
        let t = CTree::new();
        let low = t.add(c"low", c"U-low");
        let top = t.add(c"top", c"U-top");
        let mut seen = Seen::default();
        // SAFETY: live nodes; `seen` outlives the tree's use of it.
        unsafe {
            assert_eq!(dm_tree_node_add_zero_target(low, 8), 1);
            linear_over(top, 8, c"U-low");
            dm_tree_node_set_callback(top, Some(record), &mut seen as *mut Seen as *mut c_void);
            assert_eq!(dm_tree_preload_children(t.root(), ptr::null(), 0), 1);
        }
        // The callback runs before the node's own device is made: libdm
        // gives it no name yet.
        assert_eq!(seen.0, [(top, dm_node_callback_e::DM_NODE_CALLBACK_PRELOADED as c_int, String::new())]);
    })
}

#[test]
fn deactivate_calls_a_nodes_callback_once_removed() {
    on_sim(|sim| {
        let t = CTree::new();
        let n = t.add(c"zero", c"U-zero");
        // SAFETY: a live node.
        assert_eq!(unsafe { dm_tree_node_add_zero_target(n, 8) }, 1);
        t.activate();
        let mut seen = Seen::default();
        // SAFETY: a live node; `seen` outlives the tree's use of it.
        unsafe {
            dm_tree_node_set_callback(n, Some(record), &mut seen as *mut Seen as *mut c_void);
            assert_eq!(dm_tree_deactivate_children(t.root(), ptr::null(), 0), 1);
        }
        assert_eq!(seen.0, [(n, dm_node_callback_e::DM_NODE_CALLBACK_DEACTIVATED as c_int, "zero".to_string())]);
        assert!(sim.snapshot().is_empty());
        // As in libdm, a removed node keeps its state: LVM removes the
        // /dev/VG/LV links by the names of the nodes it deactivated.
        // SAFETY: a live node.
        assert_eq!(unsafe { text(dm_tree_node_get_name(n)) }, "zero");
    })
}

unsafe extern "C" fn walk_own_tree(node: *mut dm_tree_node, _kind: dm_node_callback_t, data: *mut c_void) -> c_int {
    // SAFETY: the test registered a live c_int as the data; the node is
    // live for the callback.
    unsafe { *data.cast::<c_int>() = dm_tree_node_num_children(node, 0) };
    1
}

#[test]
fn a_callback_cannot_walk_the_tree_a_phase_is_changing() {
    on_sim(|_| {
        let t = CTree::new();
        let low = t.add(c"low", c"U-low");
        let top = t.add(c"top", c"U-top");
        let mut children: c_int = -1;
        // SAFETY: live nodes; `children` outlives the tree's use of it.
        unsafe {
            assert_eq!(dm_tree_node_add_zero_target(low, 8), 1);
            linear_over(top, 8, c"U-low");
            dm_tree_node_set_callback(top, Some(walk_own_tree), &mut children as *mut c_int as *mut c_void);
            assert_eq!(dm_tree_preload_children(t.root(), ptr::null(), 0), 1);
            assert_eq!(children, 0, "refused inside the phase");
            assert_eq!(dm_tree_node_num_children(top, 0), 1, "answered once the phase is over");
        }
    })
}

#[test]
fn a_node_added_again_with_its_uuid_and_a_new_name_is_renamed_by_activate() {
    on_sim(|sim| {
        let t = CTree::new();
        let n = t.add(c"old", c"U-lv");
        // SAFETY: a live node.
        assert_eq!(unsafe { dm_tree_node_add_zero_target(n, 8) }, 1);
        t.activate();
        // SAFETY: a live node.
        let old_name = unsafe { dm_tree_node_get_name(n) };
        assert_eq!(t.add(c"new", c"U-lv"), n, "the same node");
        // SAFETY: the node and the name are alive.
        assert_eq!(unsafe { text(dm_tree_node_get_name(n)) }, "old", "renamed only by activate");
        t.activate();
        // SAFETY: the node is alive; the old name lives as long as the tree,
        // as in the C library's pool.
        unsafe {
            assert_eq!(text(dm_tree_node_get_name(n)), "new");
            assert_eq!(text(old_name), "old");
        }
        assert_eq!(sim.snapshot()[0].name, "new");
    })
}

#[test]
fn add_dev_reads_a_device_and_what_it_maps_onto_from_the_kernel() {
    on_sim(|sim| {
        use crate::task::{Task, TaskType};
        let create = |name: &str, params: &str| {
            let mut task = Task::new(TaskType::Create);
            task.name = Some(name.into());
            task.uuid = Some(format!("U-{name}"));
            task.add_target(0, 8, if params.is_empty() { "zero" } else { "linear" }, params);
            let out = task.run(sim.as_ref()).unwrap();
            (out.info.major, out.info.minor)
        };
        let (_, low) = create("low", "");
        let (major, top) = create("top", &format!("253:{low} 0"));
        let t = CTree::new();
        // SAFETY: a live tree.
        unsafe { assert_eq!(dm_tree_add_dev(t.0, major, top), 1) };
        // SAFETY: a live tree.
        let n = unsafe { dm_tree_find_node(t.0, major, top) };
        assert!(!n.is_null());
        assert_eq!(children(n, 0), ["low"]);
        // SAFETY: a live node.
        unsafe {
            assert_eq!(text(dm_tree_node_get_uuid(n)), "U-top");
            assert_eq!((*dm_tree_node_get_info(n)).exists, 1);
        }
    })
}

#[test]
fn the_tree_cookie_is_set_and_read_through_any_node() {
    let t = CTree::new();
    let n = t.add(c"lv", c"U-lv");
    // SAFETY: live nodes of a live tree.
    unsafe {
        dm_tree_set_cookie(n, 0x0d4d1234);
        assert_eq!(dm_tree_get_cookie(t.root()), 0x0d4d1234);
    }
}

#[test]
fn null_trees_and_nodes_are_refused_without_a_crash() {
    // SAFETY: NULL is what is being tested.
    unsafe {
        assert!(dm_tree_add_new_dev(ptr::null_mut(), c"a".as_ptr(), c"U-a".as_ptr(), 0, 0, 0, 0, ptr::null_mut()).is_null());
        assert!(dm_tree_find_node(ptr::null_mut(), 0, 0).is_null());
        assert!(dm_tree_node_get_name(ptr::null()).is_null());
        assert_eq!(dm_tree_node_add_linear_target(ptr::null_mut(), 8), 0);
        dm_tree_node_set_callback(ptr::null_mut(), Some(record), ptr::null_mut());
        dm_tree_free(ptr::null_mut());
    }
}

#[test]
fn a_nodes_first_field_is_its_tree_as_lvm_reads_it() {
    // LVM2's dev_manager.c (`_add_error_area`, for --partial activation)
    // casts a node to `struct dm_tree **` to find its tree.
    let t = CTree::new();
    let n = t.add(c"lv", c"U-lv");
    // SAFETY: a live node, read as LVM reads it: one pointer at its start.
    let tree = unsafe { *(n as *const *mut dm_tree) };
    assert_eq!(tree, t.0);
}
