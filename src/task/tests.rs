//! Task behaviour on the simulated kernel, with the ioctl transcript each
//! scenario produces.

use std::sync::{Arc, Mutex};

use super::*;
use crate::kernel::trace::{TraceEntry, Traced};
use crate::kernel::SimKernel;

struct Harness {
    sim: Arc<SimKernel>,
    kernel: Traced,
    log: Arc<Mutex<Vec<TraceEntry>>>,
}

impl Harness {
    fn new() -> Harness {
        let sim = Arc::new(SimKernel::new());
        let log = Arc::new(Mutex::new(Vec::new()));
        let kernel = Traced::to_memory(sim.clone(), log.clone());
        Harness { sim, kernel, log }
    }

    fn run(&self, task: &Task) -> Result<TaskOutput, TaskError> {
        task.run(&self.kernel)
    }

    /// The ioctls issued so far, as "DM_X <device>" strings (the device as
    /// addressed: name, uuid or major:minor); clears the log.
    fn transcript(&self) -> Vec<String> {
        let mut log = self.log.lock().unwrap();
        let t = log
            .iter()
            .map(|e| format!("{} {}{}{}", e.command, e.name, e.uuid, e.dev).trim_end().to_string())
            .collect();
        log.clear();
        t
    }
}

fn named(kind: TaskType, name: &str) -> Task {
    let mut t = Task::new(kind);
    t.name = Some(name.to_string());
    t
}

fn create_zero(h: &Harness, name: &str, sectors: u64) -> TaskOutput {
    let mut t = named(TaskType::Create, name);
    t.add_target(0, sectors, "zero", "");
    h.run(&t).expect("create")
}

#[test]
fn create_with_a_table_is_create_load_resume() {
    let h = Harness::new();
    let out = create_zero(&h, "a", 8);
    assert_eq!(h.transcript(), ["DM_DEV_CREATE a", "DM_TABLE_LOAD 253:0", "DM_DEV_SUSPEND 253:0"]);
    assert!(out.info.exists && out.info.live_table && !out.info.suspended);
}

#[test]
fn a_failed_load_during_create_removes_the_new_device() {
    let h = Harness::new();
    let mut t = named(TaskType::Create, "bad");
    t.add_target(0, 8, "no-such-target", "");
    let err = h.run(&t).unwrap_err();
    assert_eq!(err.errno(), libc::EINVAL);
    assert_eq!(h.transcript(), ["DM_DEV_CREATE bad", "DM_TABLE_LOAD 253:0", "DM_DEV_REMOVE 253:0"]);
    assert!(h.sim.snapshot().is_empty());
}

#[test]
fn the_create_error_names_the_device_and_its_number_like_libdm() {
    let h = Harness::new();
    let mut t = named(TaskType::Create, "bad");
    t.add_target(0, 8, "no-such-target", "");
    let err = h.run(&t).unwrap_err();
    assert_eq!(err.to_string(), "device-mapper: reload ioctl on bad (253:0) failed: Invalid argument");
}

#[test]
fn a_request_carries_only_one_of_uuid_name_and_number() {
    let h = Harness::new();
    create_zero(&h, "a", 8);
    h.transcript();
    let mut t = named(TaskType::Info, "a");
    t.uuid = Some("U".into());
    t.major = Some(253);
    t.minor = Some(0);
    let _ = h.run(&t);
    assert_eq!(h.transcript(), ["DM_DEV_STATUS U"]);
}

#[test]
fn info_on_a_missing_device_succeeds_with_exists_false() {
    let h = Harness::new();
    let out = h.run(&named(TaskType::Info, "nothing")).unwrap();
    assert!(!out.info.exists);
}

#[test]
fn table_on_a_missing_device_is_an_error() {
    let h = Harness::new();
    let err = h.run(&named(TaskType::Table, "nothing")).unwrap_err();
    assert_eq!(err.errno(), libc::ENXIO);
    assert_eq!(err.to_string(), "device-mapper: table ioctl on nothing  failed: No such device or address");
}

#[test]
fn suspend_and_resume_swap_in_a_reloaded_table() {
    let h = Harness::new();
    create_zero(&h, "a", 8);
    let mut reload = named(TaskType::Reload, "a");
    reload.add_target(0, 8, "error", "");
    let out = h.run(&reload).unwrap();
    assert!(out.info.inactive_table);
    assert!(h.run(&named(TaskType::Suspend, "a")).unwrap().info.suspended);
    let resumed = h.run(&named(TaskType::Resume, "a")).unwrap();
    assert!(!resumed.info.suspended && !resumed.info.inactive_table);
    let mut table = named(TaskType::Table, "a");
    table.query_inactive_table = false;
    assert_eq!(h.run(&table).unwrap().targets[0].target_type, "error");
}

#[test]
fn a_duplicate_name_is_ebusy() {
    let h = Harness::new();
    create_zero(&h, "a", 8);
    assert_eq!(h.run(&named(TaskType::Create, "a")).unwrap_err().errno(), libc::EBUSY);
}

#[test]
fn remove_with_retry_retries_while_busy_and_gives_up_with_ebusy() {
    let h = Harness::new();
    create_zero(&h, "a", 8);
    h.sim.set_open_count("a", 1);
    h.transcript();
    let mut remove = named(TaskType::Remove, "a");
    remove.retry_remove = true;
    let started = std::time::Instant::now();
    let err = h.run(&remove).unwrap_err();
    assert_eq!(err.errno(), libc::EBUSY);
    assert_eq!(h.transcript().len(), REMOVE_RETRIES as usize);
    assert!(started.elapsed() >= REMOVE_RETRY_PAUSE * (REMOVE_RETRIES - 1));
}

#[test]
fn deps_lists_the_devices_a_table_uses() {
    let h = Harness::new();
    let mut t = named(TaskType::Create, "top");
    t.add_target(0, 8, "linear", "7:1 0");
    t.add_target(8, 8, "linear", "7:2 0");
    h.run(&t).unwrap();
    let deps = h.run(&named(TaskType::Deps, "top")).unwrap().deps;
    assert_eq!(deps, vec![crate::kernel::encode_dev(7, 1), crate::kernel::encode_dev(7, 2)]);
}

#[test]
fn rename_changes_the_name_and_set_uuid_only_once() {
    let h = Harness::new();
    create_zero(&h, "a", 8);
    let mut rename = named(TaskType::Rename, "a");
    rename.new_name = Some("b".into());
    h.run(&rename).unwrap();
    let mut set_uuid = named(TaskType::Rename, "b");
    set_uuid.new_uuid = Some("U-1".into());
    h.run(&set_uuid).unwrap();
    assert_eq!(h.sim.snapshot()[0].name, "b");
    assert_eq!(h.sim.snapshot()[0].uuid, "U-1");
    let mut again = named(TaskType::Rename, "b");
    again.new_uuid = Some("U-2".into());
    assert_eq!(h.run(&again).unwrap_err().errno(), libc::EINVAL);
}

#[test]
fn list_reports_names_uuids_and_event_numbers() {
    let h = Harness::new();
    create_zero(&h, "a", 8);
    let mut t = named(TaskType::Create, "b");
    t.uuid = Some("UUID-B".into());
    h.run(&t).unwrap();
    let names = h.run(&Task::new(TaskType::List)).unwrap().names;
    let got: Vec<(String, Option<String>)> = names.into_iter().map(|n| (n.name, n.uuid)).collect();
    assert_eq!(got, vec![("a".into(), Some(String::new())), ("b".into(), Some("UUID-B".into()))]);
}

#[test]
fn bad_arguments_are_refused_before_any_ioctl() {
    let h = Harness::new();
    let cases: Vec<Task> = vec![
        named(TaskType::Info, &"x".repeat(128)),
        named(TaskType::Info, "a/b"),
        named(TaskType::Info, ""),
        Task::new(TaskType::Info),
        Task::new(TaskType::Create),
        named(TaskType::Rename, "a"),
        named(TaskType::TargetMsg, "a"),
        {
            let mut t = named(TaskType::Info, "a");
            t.uuid = Some("u".repeat(129));
            t
        },
        {
            let mut t = named(TaskType::Reload, "a");
            t.add_target(0, 0, "zero", "");
            t
        },
    ];
    for t in cases {
        let err = h.run(&t).unwrap_err();
        assert!(matches!(err, TaskError::Invalid(_)), "{t:?} gave {err:?}");
    }
    assert!(h.transcript().is_empty());
}

#[test]
fn message_response_and_versions_come_back() {
    let h = Harness::new();
    create_zero(&h, "a", 8);
    let mut msg = named(TaskType::TargetMsg, "a");
    msg.message = Some("hello".into());
    assert_eq!(h.run(&msg).unwrap_err().errno(), libc::EINVAL, "zero takes no messages");
    let versions = h.run(&Task::new(TaskType::ListVersions)).unwrap().versions;
    assert!(versions.iter().any(|v| v.name == "zero"));
    let mut one = Task::new(TaskType::GetTargetVersion);
    one.target_name = Some("linear".into());
    assert_eq!(h.run(&one).unwrap().versions.len(), 1);
}

#[test]
fn the_trace_records_flags_and_errno_as_json() {
    let h = Harness::new();
    let _ = h.run(&named(TaskType::Table, "missing"));
    let entry = h.log.lock().unwrap()[0].clone();
    let json = entry.to_json();
    assert!(json.starts_with("{\"cmd\":\"DM_TABLE_STATUS\",\"name\":\"missing\",\"uuid\":\"\",\"dev\":\"\",\"flags_in\":16,\"flags_out\":0,\"errno\":6,"), "{json}");
}

#[test]
fn an_identical_reload_is_suppressed_when_asked() {
    let h = Harness::new();
    create_zero(&h, "a", 8);
    h.transcript();
    let mut reload = named(TaskType::Reload, "a");
    reload.add_target(0, 8, "zero", "");
    reload.suppress_identical_reload = true;
    let out = h.run(&reload).unwrap();
    assert!(!out.info.inactive_table);
    assert_eq!(h.transcript(), ["DM_TABLE_STATUS a"]);
    reload.targets[0].target_type = "error".into();
    assert!(h.run(&reload).unwrap().info.inactive_table);
    assert_eq!(h.transcript(), ["DM_TABLE_STATUS a", "DM_TABLE_LOAD a"]);
}

#[test]
fn suspend_with_checks_looks_at_the_devices_below_first() {
    let h = Harness::new();
    create_zero(&h, "base", 8);
    let mut top = named(TaskType::Create, "top");
    top.add_target(0, 8, "linear", "253:0 0");
    h.run(&top).unwrap();
    h.run(&named(TaskType::Suspend, "base")).unwrap();
    h.transcript();
    let mut suspend = named(TaskType::Suspend, "top");
    suspend.enable_checks = true;
    assert!(h.run(&suspend).unwrap().info.suspended);
    assert_eq!(h.transcript(), ["DM_TABLE_DEPS top", "DM_TABLE_DEPS 253:0", "DM_DEV_SUSPEND top"]);
}

#[test]
fn a_wait_for_an_event_answers_with_the_status_of_the_live_table() {
    // LVM's pvmove polls the mirror's progress with DM_DEVICE_WAITEVENT and
    // reads one status line per target of it.
    let h = Harness::new();
    let mut create = Task::new(TaskType::Create);
    create.name = Some("waited".into());
    create.add_target(0, 8, "zero", "");
    create.add_target(8, 8, "error", "");
    h.run(&create).unwrap();
    let mut wait = Task::new(TaskType::WaitEvent);
    wait.name = Some("waited".into());
    let out = h.run(&wait).unwrap();
    let lines: Vec<(u64, u64, &str)> = out.targets.iter().map(|l| (l.start, l.length, l.target_type.as_str())).collect();
    assert_eq!(lines, [(0, 8, "zero"), (8, 8, "error")]);
}
