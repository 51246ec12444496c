//! C entry points: task.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use crate::capi::arg::{self, c_mut, handle, handle_mut, out, string};
use crate::capi::cmem::CMem;
use crate::capi::handle::{self, CCell, CText, Castable, OwnershipBox};
use crate::capi::{list, memory};
use crate::capi::system::dm_timestamp;
use crate::kernel::default_kernel;
use crate::task::{mangled_form, unmangled_form, Mangling, Task, TaskOutput, TaskType};
use crate::udev::task::{device_read_ahead, NodeSettings};

/// A libdm task: the Rust [`Task`], its last output, and the C-visible
/// copies of what the getters hand out, each in an allocation of its own
/// whose pointer C gets (valid until the next run or destroy; a copy is
/// replaced only when its content changes).
pub struct dm_task {
    task: Task,
    output: Option<TaskOutput>,
    errno: c_int,
    c_name: CText,
    c_uuid: CText,
    c_response: Option<CText>,
    c_targets: Vec<(u64, u64, CText, CText)>,
    // The reply buffers C reads as structs: Vec::as_mut_ptr hands out the
    // allocation's own pointer, without a reference to it.
    deps: Vec<u64>,
    names: Vec<u64>,
    versions: Vec<u64>,
    nodes: NodeSettings,
    add_node: c_int,
    record_timestamp: bool,
    timestamp: Option<CCell<dm_timestamp>>,
}

/// C owns a task: dm_task_create makes it, dm_task_destroy frees it, and
/// each call in between borrows it for the call.
impl Castable for dm_task {
    type Ownership = OwnershipBox;
    type Rust = Self;
}

/// The C copy of `s`, NULs dropped.
fn ctext(s: &str) -> CText {
    CText::new(&s.replace('\0', ""))
}

/// Replaces a C copy only when C would read something else.
fn update(c: &mut CText, s: &str) {
    if !c.holds(&s.replace('\0', "")) {
        *c = ctext(s);
    }
}

/// Packs bytes into u64 words so that C reads 64-bit fields aligned.
fn aligned_words(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(8)
        .map(|c| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            u64::from_ne_bytes(w)
        })
        .collect()
}

impl dm_task {
    fn new(task: Task) -> dm_task {
        dm_task {
            task,
            output: None,
            errno: 0,
            c_name: CText::default(),
            c_uuid: CText::default(),
            c_response: None,
            c_targets: Vec::new(),
            deps: Vec::new(),
            names: Vec::new(),
            versions: Vec::new(),
            nodes: NodeSettings::default(),
            add_node: dm_add_node_e::DM_ADD_NODE_ON_RESUME as c_int,
            record_timestamp: false,
            timestamp: None,
        }
    }

    /// Refreshes the C-visible name and uuid after a change.
    fn refresh_names(&mut self) {
        let (name, uuid) = match &self.output {
            Some(o) => (o.name.as_str(), o.uuid.as_str()),
            None => (self.task.name.as_deref().unwrap_or_default(), self.task.uuid.as_deref().unwrap_or_default()),
        };
        update(&mut self.c_name, name);
        update(&mut self.c_uuid, uuid);
    }

    /// Refreshes every C-visible copy after a run.
    fn refresh(&mut self) {
        self.refresh_names();
        let targets = match &self.output {
            Some(o) => &o.targets,
            None => &self.task.targets,
        };
        self.c_targets = targets.iter().map(|t| (t.start, t.length, ctext(&t.target_type), ctext(&t.params))).collect();
        if let Some(o) = &self.output {
            self.c_response = o.response.as_deref().map(ctext);
            let mut deps = vec![o.deps.len() as u64];
            deps.extend(o.deps.iter().copied());
            self.deps = deps;
            self.names = aligned_words(&o.names_buffer());
            self.versions = aligned_words(&o.versions_buffer());
        }
    }

    fn run(&mut self) -> bool {
        let kernel = default_kernel();
        let suspended = crate::tree::suspended_counter();
        if self.task.kind == TaskType::Reload && suspended > 0 {
            crate::log_error!(
                "{}Performing unsafe table load while {suspended} device(s) are known to be suspended: {}",
                crate::log::INTERNAL_ERROR,
                self.c_name.as_c_str().to_string_lossy()
            );
        }
        let result = self.nodes.run(&mut self.task, kernel.as_ref());
        if self.record_timestamp {
            match &mut self.timestamp {
                Some(cell) => cell.set(dm_timestamp::now()),
                None => self.timestamp = Some(CCell::new(dm_timestamp::now())),
            }
        }
        match result {
            Ok(out) => {
                self.nodes.finish(&self.task, &out);
                self.errno = 0;
                self.output = Some(out);
                self.refresh();
                true
            }
            Err(e) => {
                self.errno = e.errno();
                crate::log_error!(errno = e.errno(); "{e}");
                false
            }
        }
    }
}

/// The mode `dm_set_name_mangling_mode` set, as its number; the default
/// from the environment.
static MANGLING: OnceLock<AtomicU8> = OnceLock::new();

fn mangling_cell() -> &'static AtomicU8 {
    MANGLING.get_or_init(|| AtomicU8::new(Mangling::from_env() as u8))
}

/// The mangling mode in force (`dm_set_name_mangling_mode`).
pub(crate) fn current_mangling() -> Mangling {
    Mangling::from_number(mangling_cell().load(Ordering::Relaxed).into()).unwrap_or_default()
}

#[no_mangle]
pub unsafe extern "C" fn dm_set_name_mangling_mode(name_mangling: c_int) -> c_int {
    let Some(mode) = Mangling::from_number(name_mangling) else {
        crate::log_error!(errno = libc::EINVAL; "Unknown name mangling mode {name_mangling}");
        return 0;
    };
    mangling_cell().store(mode as u8, Ordering::Relaxed);
    1
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_name_mangling_mode() -> dm_string_mangling_t {
    match current_mangling() {
        Mangling::None => dm_string_mangling_e::DM_STRING_MANGLING_NONE,
        Mangling::Auto => dm_string_mangling_e::DM_STRING_MANGLING_AUTO,
        Mangling::Hex => dm_string_mangling_e::DM_STRING_MANGLING_HEX,
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_update_nodes() {
    // Node operations left for udev are checked, and done by the library
    // where udev did not do them.
    ffi!("dm_task_update_nodes", () => { crate::udev::cookie::update_devs() })
}

#[no_mangle]
pub unsafe extern "C" fn dm_mknodes(name: *const c_char) -> c_int {
    ffi!("dm_mknodes", 0 => {
        let dmt = handle::to_boxed_mut_ptr(dm_task::new(Task::new(TaskType::Mknodes)));
        let ok = (name.is_null() || set_name(dmt, name) == 1) && run(dmt) == 1;
        handle::free_box(dmt);
        ok as c_int
    })
}

/// Frees a list made by dm_task_get_device_list (NULL ignored): every
/// element and the head were malloc'd by build_device_list.
fn free_device_list(head: *mut dm_list) {
    if head.is_null() {
        return;
    }
    let mut node = list::next(head);
    while !node.is_null() && node != head {
        let next = list::next(node);
        memory::free(node.cast());
        node = next;
    }
    memory::free(head.cast());
}

/// A malloc'd `struct dm_list` of `struct dm_active_device`, each element
/// one allocation with its name and uuid strings after it.
fn build_device_list(names: &[crate::kernel::NameEntry]) -> *mut dm_list {
    let entry = std::mem::size_of::<dm_active_device>();
    let Some(head) = CMem::Malloc.put(dm_list { n: ptr::null_mut(), p: ptr::null_mut() }) else { return ptr::null_mut() };
    list::set(head, Some(head), Some(head));
    for n in names {
        let uuid = n.uuid.as_deref().unwrap_or("");
        let Some(block) = CMem::Malloc.zeroed(entry + n.name.len() + 1 + uuid.len() + 1, 8) else {
            free_device_list(head);
            return ptr::null_mut();
        };
        let dev = block.as_ptr().cast::<dm_active_device>();
        let (major, minor) = crate::kernel::decode_dev(n.dev);
        // SAFETY: `block` is a fresh zeroed allocation with room for the
        // entry and both strings after it (their NULs already there).
        unsafe {
            let name_at = block.as_ptr().add(entry);
            let uuid_at = name_at.add(n.name.len() + 1);
            ptr::copy_nonoverlapping(n.name.as_ptr(), name_at, n.name.len());
            ptr::copy_nonoverlapping(uuid.as_ptr(), uuid_at, uuid.len());
            let list = dm_list { n: ptr::null_mut(), p: ptr::null_mut() };
            dev.write(dm_active_device { list, devno: libc::makedev(major, minor), name: name_at.cast(), event_nr: n.event_nr.unwrap_or(0), uuid: uuid_at.cast() });
        }
        list::insert(dev.cast(), list::prev(head), head);
    }
    head
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_device_list(dmt: *mut dm_task, devs_list: *mut *mut dm_list, devs_features: *mut c_uint) -> c_int {
    ffi!("dm_task_get_device_list", 0; devs_list: out, dmt: handle_mut => {
        if dmt.task.kind != TaskType::List {
            crate::log_error!(errno = libc::EINVAL; "Device list requires a DM_DEVICE_LIST task.");
            return 0;
        }
        if dmt.output.is_none() && !dmt.run() {
            return 0;
        }
        let names = dmt.output.as_ref().map(|o| o.names.clone()).unwrap_or_default();
        let list = build_device_list(&names);
        if list.is_null() {
            crate::log_error!(errno = libc::ENOMEM; "Failed to allocate the device list.");
            return 0;
        }
        devs_list.set(list);
        let mut f = 0;
        if names.iter().all(|n| n.event_nr.is_some()) {
            f |= DM_DEVICE_LIST_HAS_EVENT_NR as c_uint;
        }
        if names.iter().all(|n| n.uuid.is_some()) {
            f |= DM_DEVICE_LIST_HAS_UUID as c_uint;
        }
        arg::Out::from(devs_features).set(f);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_device_list_destroy(devs_list: *mut *mut dm_list) {
    let devs_list = arg::Out::from(devs_list);
    if let Some(head) = devs_list.get() {
        free_device_list(head);
        devs_list.set(ptr::null_mut());
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_device_list_equal(list1: *const dm_list, list2: *const dm_list) -> c_int {
    ffi!("dm_device_list_equal", 0 => {
        if list1.is_null() || list2.is_null() {
            return (list1.is_null() && list2.is_null()) as c_int;
        }
        // Both are lists from dm_task_get_device_list, whose elements are
        // dm_active_device with the list member first.
        let (mut a, mut b) = (list::next(list1).cast_const(), list::next(list2).cast_const());
        while a != list1 && b != list2 {
            let (Some(x), Some(y)) = (arg::deref(a.cast::<dm_active_device>()), arg::deref(b.cast::<dm_active_device>())) else { return 0 };
            if (x.devno, x.event_nr, arg::text(x.name), arg::text(x.uuid)) != (y.devno, y.event_nr, arg::text(y.name), arg::text(y.uuid)) {
                return 0;
            }
            a = list::next(a);
            b = list::next(b);
        }
        (a == list1 && b == list2) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_create(type_: c_int) -> *mut dm_task {
    ffi!("dm_task_create", ptr::null_mut() => {
        match TaskType::from_number(type_) {
            Some(kind) => handle::to_boxed_mut_ptr(dm_task::new(Task::new(kind))),
            None => {
                crate::log_error!(errno = libc::EINVAL; "dm_task_create: bad task type {type_}");
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_destroy(dmt: *mut dm_task) {
    if dmt.is_null() {
        return;
    }
    ffi!("dm_task_destroy", () => { handle::free_box(dmt) })
}

/// Applies `set` to a string argument of a task (`dmt` an exported function's handle argument).
fn set_string(
    function: &'static str,
    dmt: *mut dm_task,
    argument: &'static str,
    arg: *const c_char,
    set: impl FnOnce(&mut dm_task, &str) -> Result<(), crate::task::TaskError>,
) -> c_int {
    ffi!("dm_task_set_*", 0 => {
        let Some(t) = handle_mut(function, "dmt", dmt) else { return 0 };
        let Some(s) = arg::string(function, argument, arg) else { return 0 };
        match set(t, s) {
            Ok(()) => {
                t.refresh_names();
                1
            }
            Err(e) => {
                crate::log_error!(errno = e.errno(); "{e}");
                0
            }
        }
    })
}

/// Sets a flag on a task (`dmt` an exported function's handle argument).
fn set_flag(function: &'static str, dmt: *mut dm_task, set: impl FnOnce(&mut dm_task)) -> c_int {
    crate::capi::boundary::guard(function, 0, || {
        handle_mut(function, "dmt", dmt).map_or(0, |t| {
            set(t);
            1
        })
    })
}

/// `dm_task_set_name` (`dmt` an exported function's handle argument).
fn set_name(dmt: *mut dm_task, name: *const c_char) -> c_int {
    set_string("dm_task_set_name", dmt, "name", name, |t, s| t.task.set_name(s, current_mangling(), crate::udev::dm_name_of_path))
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_name(dmt: *mut dm_task, name: *const c_char) -> c_int {
    set_name(dmt, name)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_uuid(dmt: *mut dm_task, uuid: *const c_char) -> c_int {
    set_string("dm_task_set_uuid", dmt, "uuid", uuid, |t, s| t.task.set_uuid(s, current_mangling()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_newname(dmt: *mut dm_task, newname: *const c_char) -> c_int {
    set_string("dm_task_set_newname", dmt, "newname", newname, |t, s| t.task.set_new_name(s, current_mangling()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_newuuid(dmt: *mut dm_task, newuuid: *const c_char) -> c_int {
    set_string("dm_task_set_newuuid", dmt, "newuuid", newuuid, |t, s| t.task.set_new_uuid(s, current_mangling()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_message(dmt: *mut dm_task, message: *const c_char) -> c_int {
    set_string("dm_task_set_message", dmt, "message", message, |t, s| {
        t.task.message = Some(s.to_string());
        Ok(())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_add_target(dmt: *mut dm_task, start: u64, size: u64, ttype: *const c_char, params: *const c_char) -> c_int {
    ffi!("dm_task_add_target", 0; dmt: handle_mut, ttype: string, params: string => {
        if ttype.is_empty() || ttype.len() >= crate::kernel::DM_MAX_TYPE_NAME {
            crate::log_error!(errno = libc::EINVAL; "Target type name {ttype} is invalid.");
            return 0;
        }
        dmt.task.add_target(start, size, ttype, params);
        // Before a run, the targets C walks are the ones added.
        if dmt.output.is_none() {
            dmt.c_targets.push((start, size, ctext(ttype), ctext(params)));
        }
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_ro(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_set_ro", dmt, |t| t.task.read_only = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_major(dmt: *mut dm_task, major: c_int) -> c_int {
    set_flag("dm_task_set_major", dmt, |t| t.task.major = u32::try_from(major).ok())
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_minor(dmt: *mut dm_task, minor: c_int) -> c_int {
    set_flag("dm_task_set_minor", dmt, |t| t.task.minor = u32::try_from(minor).ok())
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_major_minor(dmt: *mut dm_task, major: c_int, minor: c_int, allow_default_major_fallback: c_int) -> c_int {
    let _ = allow_default_major_fallback;
    set_flag("dm_task_set_major_minor", dmt, |t| {
        t.task.major = u32::try_from(major).ok();
        t.task.minor = u32::try_from(minor).ok();
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_uid(dmt: *mut dm_task, uid: libc::uid_t) -> c_int {
    set_flag("dm_task_set_uid", dmt, |t| t.nodes.owner.uid = uid)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_gid(dmt: *mut dm_task, gid: libc::gid_t) -> c_int {
    set_flag("dm_task_set_gid", dmt, |t| t.nodes.owner.gid = gid)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_mode(dmt: *mut dm_task, mode: libc::mode_t) -> c_int {
    set_flag("dm_task_set_mode", dmt, |t| t.nodes.owner.mode = mode)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_event_nr(dmt: *mut dm_task, event_nr: u32) -> c_int {
    set_flag("dm_task_set_event_nr", dmt, |t| t.task.event_nr = event_nr)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_sector(dmt: *mut dm_task, sector: u64) -> c_int {
    set_flag("dm_task_set_sector", dmt, |t| t.task.sector = sector)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_no_flush(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_no_flush", dmt, |t| t.task.no_flush = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_no_open_count(dmt: *mut dm_task) -> c_int {
    // The kernel always reports the open count now; nothing to skip.
    set_flag("dm_task_no_open_count", dmt, |_| ())
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_skip_lockfs(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_skip_lockfs", dmt, |t| t.task.skip_lockfs = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_query_inactive_table(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_query_inactive_table", dmt, |t| t.task.query_inactive_table = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_secure_data(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_secure_data", dmt, |t| t.task.secure_data = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_retry_remove(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_retry_remove", dmt, |t| t.task.retry_remove = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_deferred_remove(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_deferred_remove", dmt, |t| t.task.deferred_remove = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_ima_measurement(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_ima_measurement", dmt, |t| t.task.ima_measurement = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_record_timestamp(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_set_record_timestamp", dmt, |t| t.record_timestamp = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_add_node(dmt: *mut dm_task, add_node: c_int) -> c_int {
    if !(0..=1).contains(&add_node) {
        crate::log_error!(errno = libc::EINVAL; "Unknown add node parameter {add_node}");
        return 0;
    }
    set_flag("dm_task_set_add_node", dmt, |t| t.add_node = add_node)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_read_ahead(dmt: *mut dm_task, read_ahead: u32, read_ahead_flags: u32) -> c_int {
    set_flag("dm_task_set_read_ahead", dmt, |t| {
        t.nodes.read_ahead = read_ahead;
        t.nodes.read_ahead_minimum = read_ahead_flags & DM_READ_AHEAD_MINIMUM_FLAG as u32 != 0;
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_cookie(dmt: *mut dm_task, cookie: *mut u32, flags: u16) -> c_int {
    ffi!("dm_task_set_cookie", 0; cookie: c_mut, dmt: handle_mut => {
        match dmt.nodes.set_cookie(&mut dmt.task, cookie, flags) {
            Ok(()) => 1,
            Err(e) => {
                crate::log_error!(errno = e.errno(); "{e}");
                0
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_set_geometry(dmt: *mut dm_task, cylinders: *const c_char, heads: *const c_char, sectors: *const c_char, start: *const c_char) -> c_int {
    ffi!("dm_task_set_geometry", 0; dmt: handle_mut, cylinders: string, heads: string, sectors: string, start: string => {
        dmt.task.geometry = Some([cylinders, heads, sectors, start].join(" "));
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_suppress_identical_reload(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_suppress_identical_reload", dmt, |t| t.task.suppress_identical_reload = true)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_enable_checks(dmt: *mut dm_task) -> c_int {
    set_flag("dm_task_enable_checks", dmt, |t| t.task.enable_checks = true)
}

/// `dm_task_run` (`dmt` an exported function's handle argument).
fn run(dmt: *mut dm_task) -> c_int {
    ffi!("dm_task_run", 0; dmt: handle_mut => dmt.run() as c_int)
}

#[no_mangle]
#[inline(never)]
pub unsafe extern "C" fn dm_task_run(dmt: *mut dm_task) -> c_int {
    run(dmt)
}

/// Not `run(dmt)` as well: two identical bodies are merged into one symbol
/// (rustc's function merging), and the `.symver` of this old version then
/// takes dm_task_run's default version away.
#[no_mangle]
pub unsafe extern "C" fn dm_task_run_base(dmt: *mut dm_task) -> c_int {
    // SAFETY: the same contract as dm_task_run.
    unsafe { dm_task_run(dmt) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_errno(dmt: *mut dm_task) -> c_int {
    handle("dm_task_get_errno", "dmt", dmt).map(|t| t.errno).unwrap_or(0)
}

/// Fills `dmi` with the first `fields` members of `struct dm_info`
/// (older binaries have the shorter struct: the original one ends after
/// target_count, the next after deferred_remove).
fn get_info(function: &'static str, dmt: *mut dm_task, dmi: *mut dm_info, fields: usize) -> c_int {
    ffi!("dm_task_get_info", 0 => {
        let Some(t) = handle(function, "dmt", dmt) else { return 0 };
        let Some(dmi) = arg::slice_mut(function, "dmi", dmi.cast::<c_int>(), fields) else { return 0 };
        let Some(out) = &t.output else {
            crate::log_error!(errno = libc::EINVAL; "{function}: the task has not run");
            return 0;
        };
        let i = &out.info;
        let values: [c_int; 12] = [
            i.exists as c_int,
            i.suspended as c_int,
            i.live_table as c_int,
            i.inactive_table as c_int,
            i.open_count,
            i.event_nr as c_int,
            i.major as c_int,
            i.minor as c_int,
            i.read_only as c_int,
            i.target_count,
            i.deferred_remove as c_int,
            i.internal_suspend as c_int,
        ];
        dmi.copy_from_slice(&values[..fields]);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_info(dmt: *mut dm_task, dmi: *mut dm_info) -> c_int {
    get_info("dm_task_get_info", dmt, dmi, 12)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_info_with_deferred_remove(dmt: *mut dm_task, dmi: *mut dm_info) -> c_int {
    get_info("dm_task_get_info", dmt, dmi, 11)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_info_base(dmt: *mut dm_task, dmi: *mut dm_info) -> c_int {
    get_info("dm_task_get_info", dmt, dmi, 10)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_name(dmt: *const dm_task) -> *const c_char {
    handle("dm_task_get_name", "dmt", dmt).map(|t| t.c_name.as_ptr().cast_const()).unwrap_or(ptr::null())
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_uuid(dmt: *const dm_task) -> *const c_char {
    handle("dm_task_get_uuid", "dmt", dmt).map(|t| t.c_uuid.as_ptr().cast_const()).unwrap_or(ptr::null())
}

/// A malloc'd copy of `s` (NULs dropped) for the caller to dm_free.
fn malloc_copy(s: &str) -> *mut c_char {
    CMem::Malloc.str(s.replace('\0', "").as_bytes()).unwrap_or(ptr::null_mut())
}

/// The mangled form of a name or uuid in the current mode, malloc'd.
fn mangled_copy(function: &str, s: &CStr, what: &str, limit: usize) -> *mut c_char {
    match mangled_form(&s.to_string_lossy(), what, current_mangling(), limit) {
        Ok(m) => malloc_copy(&m),
        Err(e) => {
            crate::log_error!(errno = e.errno(); "{function}: {e}");
            ptr::null_mut()
        }
    }
}

/// The unmangled form in the current mode, malloc'd.
fn unmangled_copy(s: &CStr) -> *mut c_char {
    malloc_copy(&unmangled_form(&s.to_string_lossy(), current_mangling()))
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_name_mangled(dmt: *const dm_task) -> *mut c_char {
    handle("dm_task_get_name_mangled", "dmt", dmt)
        .map(|t| mangled_copy("dm_task_get_name_mangled", t.c_name.as_c_str(), "name", crate::kernel::DM_NAME_LEN))
        .unwrap_or(ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_name_unmangled(dmt: *const dm_task) -> *mut c_char {
    handle("dm_task_get_name_unmangled", "dmt", dmt).map(|t| unmangled_copy(t.c_name.as_c_str())).unwrap_or(ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_uuid_mangled(dmt: *const dm_task) -> *mut c_char {
    handle("dm_task_get_uuid_mangled", "dmt", dmt)
        .map(|t| mangled_copy("dm_task_get_uuid_mangled", t.c_uuid.as_c_str(), "UUID", crate::kernel::DM_UUID_LEN))
        .unwrap_or(ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_uuid_unmangled(dmt: *const dm_task) -> *mut c_char {
    handle("dm_task_get_uuid_unmangled", "dmt", dmt).map(|t| unmangled_copy(t.c_uuid.as_c_str())).unwrap_or(ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_message_response(dmt: *mut dm_task) -> *const c_char {
    handle("dm_task_get_message_response", "dmt", dmt)
        .and_then(|t| t.c_response.as_ref().map(|c| c.as_ptr().cast_const()))
        .unwrap_or(ptr::null())
}

/// Returns a pointer to one of the task's reply buffers, if it has run
/// (`dmt` an exported function's handle argument).
fn reply_buffer<T>(function: &'static str, dmt: *mut dm_task, pick: impl FnOnce(&mut dm_task) -> &mut Vec<u64>) -> *mut T {
    let Some(t) = handle_mut(function, "dmt", dmt) else { return ptr::null_mut() };
    if t.output.is_none() {
        crate::log_error!(errno = libc::EINVAL; "{function}: the task has not run");
        return ptr::null_mut();
    }
    let buf = pick(t);
    if buf.is_empty() {
        return ptr::null_mut();
    }
    buf.as_mut_ptr().cast()
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_deps(dmt: *mut dm_task) -> *mut dm_deps {
    reply_buffer("dm_task_get_deps", dmt, |t| &mut t.deps)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_names(dmt: *mut dm_task) -> *mut dm_names {
    reply_buffer("dm_task_get_names", dmt, |t| &mut t.names)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_versions(dmt: *mut dm_task) -> *mut dm_versions {
    reply_buffer("dm_task_get_versions", dmt, |t| &mut t.versions)
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_driver_version(dmt: *mut dm_task, version: *mut c_char, size: usize) -> c_int {
    ffi!("dm_task_get_driver_version", 0; dmt: handle => {
        let Some(out) = &dmt.output else {
            crate::log_error!(errno = libc::EINVAL; "dm_task_get_driver_version: the task has not run");
            return 0;
        };
        let [a, b, c] = out.version;
        arg::copy_out("dm_task_get_driver_version", &format!("{a}.{b}.{c}"), version, size)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_read_ahead(dmt: *const dm_task, read_ahead: *mut u32) -> u32 {
    ffi!("dm_task_get_read_ahead", 0; read_ahead: out, dmt: handle => {
        read_ahead.set(0);
        let Some(out) = &dmt.output else { return 0 };
        if !out.info.exists {
            return 0;
        }
        device_read_ahead(&out.name, out.info.major, out.info.minor).map_or(0, |sectors| u32::from(read_ahead.set(sectors)))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_task_get_ioctl_timestamp(dmt: *mut dm_task) -> *mut dm_timestamp {
    let Some(t) = handle_mut("dm_task_get_ioctl_timestamp", "dmt", dmt) else { return ptr::null_mut() };
    t.timestamp.as_ref().map(CCell::as_ptr).unwrap_or(ptr::null_mut())
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_next_target(dmt: *mut dm_task, next: *mut c_void, start: *mut u64, length: *mut u64, target_type: *mut *mut c_char, params: *mut *mut c_char) -> *mut c_void {
    ffi!("dm_get_next_target", ptr::null_mut(); dmt: handle => {
        if start.is_null() || length.is_null() || target_type.is_null() || params.is_null() {
            crate::capi::boundary::log_null("dm_get_next_target", "an output argument");
            return ptr::null_mut();
        }
        // `next` is the 1-based index of the target to return, as handed out.
        let index = next.addr();
        let (s, l, ty, p) = dmt.c_targets.get(index).map_or((0, 0, ptr::null_mut(), ptr::null_mut()), |(s, l, ty, p)| (*s, *l, ty.as_ptr(), p.as_ptr()));
        arg::Out::from(start).set(s);
        arg::Out::from(length).set(l);
        arg::Out::from(target_type).set(ty);
        arg::Out::from(params).set(p);
        if index + 1 < dmt.c_targets.len() {
            ptr::without_provenance_mut(index + 1)
        } else {
            ptr::null_mut()
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_library_version(version: *mut c_char, size: usize) -> c_int {
    arg::copy_out("dm_get_library_version", crate::LIBRARY_VERSION, version, size)
}

#[no_mangle]
pub unsafe extern "C" fn dm_driver_version(version: *mut c_char, size: usize) -> c_int {
    ffi!("dm_driver_version", 0 => {
        let task = Task::new(TaskType::Version);
        match task.run(default_kernel().as_ref()) {
            Ok(out) => {
                let [a, b, c] = out.version;
                arg::copy_out("dm_driver_version", &format!("{a}.{b}.{c}"), version, size)
            }
            Err(e) => {
                crate::log_error!(errno = e.errno(); "{e}");
                0
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_get_suspended_counter() -> c_int {
    crate::tree::suspended_counter()
}

