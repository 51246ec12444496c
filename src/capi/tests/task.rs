//! `struct dm_task` through the C API.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;
use std::sync::Arc;

use super::{on_sim, text};
use crate::capi::task::*;
use crate::capi::types::*;
use crate::kernel::SimKernel;

/// A C caller's task: created on construction, destroyed on drop.
struct CTask(*mut dm_task);

impl CTask {
    fn new(kind: c_int) -> CTask {
        // SAFETY: any task type number may be passed.
        let t = unsafe { dm_task_create(kind) };
        assert!(!t.is_null());
        CTask(t)
    }

    fn name(&self, name: &CStr) -> &CTask {
        // SAFETY: a live task and a NUL-terminated name.
        assert_eq!(unsafe { dm_task_set_name(self.0, name.as_ptr()) }, 1);
        self
    }

    fn run(&self) {
        // SAFETY: a live task.
        assert_eq!(unsafe { dm_task_run(self.0) }, 1);
    }

    /// Every (start, length, type, params) dm_get_next_target gives.
    fn targets(&self) -> Vec<(u64, u64, String, String)> {
        let mut next: *mut c_void = ptr::null_mut();
        let mut out = Vec::new();
        loop {
            let (mut start, mut length) = (0u64, 0u64);
            let (mut ty, mut params): (*mut c_char, *mut c_char) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: a live task and four writable outputs.
            next = unsafe { dm_get_next_target(self.0, next, &mut start, &mut length, &mut ty, &mut params) };
            if !ty.is_null() {
                // SAFETY: strings the task keeps.
                out.push(unsafe { (start, length, text(ty), text(params)) });
            }
            if next.is_null() {
                return out;
            }
        }
    }
}

impl Drop for CTask {
    fn drop(&mut self) {
        // SAFETY: from dm_task_create, destroyed once.
        unsafe { dm_task_destroy(self.0) };
    }
}

/// Creates a device in the simulated kernel (not through the C API, which
/// would make its /dev/mapper node); returns its minor.
fn create(sim: &Arc<SimKernel>, name: &str, lines: &[(&str, &str)]) -> u32 {
    use crate::task::{Task, TaskType};
    let mut t = Task::new(TaskType::Create);
    t.name = Some(name.into());
    t.uuid = Some(format!("U-{name}"));
    for (i, (ty, params)) in lines.iter().enumerate() {
        t.add_target(i as u64 * 8, 8, ty, params);
    }
    t.run(sim.as_ref()).unwrap().info.minor
}

#[test]
fn a_task_reads_back_the_name_and_uuid_set_before_it_runs() {
    let t = CTask::new(DM_DEVICE_CREATE);
    t.name(c"vg-lv");
    // SAFETY: a live task and NUL-terminated strings.
    unsafe {
        assert_eq!(dm_task_set_uuid(t.0, c"LVM-abc".as_ptr()), 1);
        assert_eq!(text(dm_task_get_name(t.0)), "vg-lv");
        assert_eq!(text(dm_task_get_uuid(t.0)), "LVM-abc");
    }
}

#[test]
fn added_targets_are_walked_in_order_before_the_task_runs() {
    let t = CTask::new(DM_DEVICE_CREATE);
    // SAFETY: a live task and NUL-terminated strings.
    unsafe {
        assert_eq!(dm_task_add_target(t.0, 0, 8, c"linear".as_ptr(), c"7:0 0".as_ptr()), 1);
        assert_eq!(dm_task_add_target(t.0, 8, 16, c"zero".as_ptr(), c"".as_ptr()), 1);
    }
    assert_eq!(t.targets(), [(0, 8, "linear".into(), "7:0 0".into()), (8, 16, "zero".into(), "".into())]);
}

#[test]
fn a_target_string_stays_valid_while_more_targets_are_added() {
    let t = CTask::new(DM_DEVICE_CREATE);
    // SAFETY: a live task and NUL-terminated strings.
    unsafe { assert_eq!(dm_task_add_target(t.0, 0, 8, c"linear".as_ptr(), c"7:0 0".as_ptr()), 1) };
    let (mut start, mut length) = (0u64, 0u64);
    let (mut ty, mut params): (*mut c_char, *mut c_char) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: a live task and four writable outputs.
    unsafe { dm_get_next_target(t.0, ptr::null_mut(), &mut start, &mut length, &mut ty, &mut params) };
    for i in 1..20u64 {
        // SAFETY: as above.
        unsafe { assert_eq!(dm_task_add_target(t.0, i * 8, 8, c"zero".as_ptr(), c"".as_ptr()), 1) };
    }
    // SAFETY: strings the task keeps until it runs or is destroyed.
    unsafe { assert_eq!((text(ty), text(params)), ("linear".to_string(), "7:0 0".to_string())) };
}

#[test]
fn an_info_task_by_major_and_minor_reports_the_device() {
    on_sim(|sim| {
        let minor = create(sim, "dev0", &[("zero", "")]);
        let t = CTask::new(DM_DEVICE_INFO);
        // SAFETY: a live task.
        unsafe {
            assert_eq!(dm_task_set_major(t.0, crate::kernel::sim::SIM_DM_MAJOR as c_int), 1);
            assert_eq!(dm_task_set_minor(t.0, minor as c_int), 1);
        }
        t.run();
        let mut info: dm_info = unsafe { std::mem::zeroed() };
        // SAFETY: a live task that has run and a writable dm_info.
        unsafe {
            assert_eq!(dm_task_get_info(t.0, &mut info), 1);
            assert_eq!(text(dm_task_get_name(t.0)), "dev0");
            assert_eq!(text(dm_task_get_uuid(t.0)), "U-dev0");
        }
        assert_eq!((info.exists, info.live_table, info.target_count, info.minor), (1, 1, 1, minor));
    })
}

#[test]
fn a_table_task_walks_the_kernel_table() {
    on_sim(|sim| {
        create(sim, "dev0", &[("zero", ""), ("error", "")]);
        let t = CTask::new(DM_DEVICE_TABLE);
        t.name(c"dev0").run();
        assert_eq!(t.targets(), [(0, 8, "zero".into(), "".into()), (8, 8, "error".into(), "".into())]);
    })
}

#[test]
fn a_name_pointer_from_a_run_stays_valid_while_the_task_is_changed() {
    on_sim(|sim| {
        create(sim, "dev0", &[("zero", "")]);
        let t = CTask::new(DM_DEVICE_INFO);
        t.name(c"dev0").run();
        // SAFETY: a live task that has run.
        let name = unsafe { dm_task_get_name(t.0) };
        t.name(c"other");
        // SAFETY: a live task; the name is the run's until the next run.
        unsafe {
            assert_eq!(dm_task_add_target(t.0, 0, 8, c"zero".as_ptr(), c"".as_ptr()), 1);
            assert_eq!(text(name), "dev0");
            assert_eq!(dm_task_get_name(t.0), name);
        }
    })
}

#[test]
fn a_deps_task_gives_the_count_and_the_devices_used() {
    on_sim(|sim| {
        create(sim, "dev0", &[("linear", "7:0 0"), ("linear", "7:1 0")]);
        let t = CTask::new(DM_DEVICE_DEPS);
        t.name(c"dev0").run();
        // SAFETY: a live task that has run; the buffer holds `count` devices.
        let devices = unsafe {
            let deps = dm_task_get_deps(t.0);
            assert!(!deps.is_null());
            std::slice::from_raw_parts(ptr::addr_of!((*deps).device).cast::<u64>(), (*deps).count as usize).to_vec()
        };
        assert_eq!(devices, [libc::makedev(7, 0), libc::makedev(7, 1)]);
    })
}

#[test]
fn a_list_task_chains_every_device_name() {
    on_sim(|sim| {
        create(sim, "dev0", &[("zero", "")]);
        create(sim, "dev1", &[("zero", "")]);
        let t = CTask::new(DM_DEVICE_LIST);
        t.run();
        let mut names = Vec::new();
        // SAFETY: a live task that has run; each entry's `next` is the
        // offset of the following one, 0 for the last.
        unsafe {
            let mut n = dm_task_get_names(t.0);
            assert!(!n.is_null());
            loop {
                names.push(text(ptr::addr_of!((*n).name).cast::<c_char>()));
                if (*n).next == 0 {
                    break;
                }
                n = n.cast::<u8>().add((*n).next as usize).cast::<dm_names>();
            }
        }
        assert_eq!(names, ["dev0", "dev1"]);
    })
}

#[test]
fn a_versions_task_lists_the_linear_target() {
    on_sim(|_| {
        let t = CTask::new(DM_DEVICE_LIST_VERSIONS);
        t.run();
        // SAFETY: a live task that has run; the first entry is in the buffer.
        let (name, version) = unsafe {
            let v = dm_task_get_versions(t.0);
            assert!(!v.is_null());
            (text(ptr::addr_of!((*v).name).cast::<c_char>()), (*v).version)
        };
        assert_eq!((name.as_str(), version), ("linear", [1, 4, 0]));
    })
}

#[test]
fn a_message_task_gives_the_kernel_response() {
    on_sim(|sim| {
        create(sim, "dev0", &[("zero", "")]);
        let t = CTask::new(DM_DEVICE_TARGET_MSG);
        t.name(c"dev0");
        // SAFETY: a live task and a NUL-terminated message.
        unsafe {
            assert_eq!(dm_task_set_sector(t.0, 0), 1);
            assert_eq!(dm_task_set_message(t.0, c"@stats_create - /1".as_ptr()), 1);
        }
        t.run();
        // SAFETY: a live task that has run.
        assert_eq!(unsafe { text(dm_task_get_message_response(t.0)) }, "0");
    })
}

#[test]
fn the_ioctl_timestamp_pointer_stays_valid_across_runs() {
    on_sim(|sim| {
        create(sim, "dev0", &[("zero", "")]);
        let t = CTask::new(DM_DEVICE_INFO);
        // SAFETY: a live task.
        assert_eq!(unsafe { dm_task_set_record_timestamp(t.0) }, 1);
        t.name(c"dev0").run();
        // SAFETY: a live task that has run.
        let first = unsafe { dm_task_get_ioctl_timestamp(t.0) };
        assert!(!first.is_null());
        // SAFETY: the timestamp is the task's until it is destroyed; `before`
        // is ours until destroyed below.
        unsafe {
            let before = crate::capi::system::dm_timestamp_alloc();
            crate::capi::system::dm_timestamp_copy(before, first);
            t.run();
            assert_eq!(dm_task_get_ioctl_timestamp(t.0), first);
            assert!(crate::capi::system::dm_timestamp_compare(first, before) >= 0, "the second run's time");
            crate::capi::system::dm_timestamp_destroy(before);
        }
    })
}

#[test]
fn null_tasks_are_refused_without_a_crash() {
    // SAFETY: NULL is what is being tested.
    unsafe {
        assert!(dm_task_get_name(ptr::null()).is_null());
        assert_eq!(dm_task_set_name(ptr::null_mut(), c"x".as_ptr()), 0);
        assert_eq!(dm_task_run(ptr::null_mut()), 0);
        assert!(dm_task_create(-1).is_null());
        dm_task_destroy(ptr::null_mut());
    }
}
