//! Task scenarios run on the simulated kernel, and — in the test VM, with
//! DEVMAPPER_REAL_KERNEL=1 — on the real one too: both must give the same
//! ioctl transcript (command, device, flags in, the device-state flags out,
//! errno) and the same final state.

use std::sync::{Arc, Mutex};

use devmapper::kernel::trace::{TraceEntry, Traced};
use devmapper::kernel::{Control, Flags, Kernel, SimKernel};
use devmapper::task::{Task, TaskError, TaskOutput, TaskType};

/// Flags both kernels report the same way.
const STATE_FLAGS: u32 = Flags::SUSPEND.bits() | Flags::ACTIVE_PRESENT.bits() | Flags::INACTIVE_PRESENT.bits() | Flags::READONLY.bits();

struct Run {
    kernel: Traced,
    log: Arc<Mutex<Vec<TraceEntry>>>,
    /// The block major the kernel hands out (253 simulated, 254 or so real).
    major: u32,
}

impl Run {
    fn new(inner: Arc<dyn Kernel>) -> Run {
        let log = Arc::new(Mutex::new(Vec::new()));
        let kernel = Traced::to_memory(inner, log.clone());
        Run { kernel, log, major: 0 }
    }

    fn run(&mut self, t: &Task) -> Result<TaskOutput, TaskError> {
        let r = t.run(&self.kernel);
        if let Ok(o) = &r {
            if o.info.exists && self.major == 0 {
                self.major = o.info.major;
            }
        }
        r
    }

    /// The transcript, with the kernel's major number written as "M".
    fn transcript(&self) -> Vec<String> {
        let major = format!("{}:", self.major);
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} name={} uuid={} dev={} in={:#x} out={:#x} errno={}",
                    e.command,
                    e.name,
                    e.uuid,
                    e.dev.replace(&major, "M:"),
                    e.flags_in,
                    e.flags_out & STATE_FLAGS,
                    e.errno
                )
            })
            .collect()
    }
}

fn named(kind: TaskType, name: &str) -> Task {
    let mut t = Task::new(kind);
    t.name = Some(name.to_string());
    t
}

fn with_table(kind: TaskType, name: &str, lines: &[(u64, u64, &str, String)]) -> Task {
    let mut t = named(kind, name);
    for (start, len, ty, params) in lines {
        t.add_target(*start, *len, ty, params);
    }
    t
}

/// Every device whose name starts with `prefix`, with its live table, as text.
fn final_state(r: &mut Run, prefix: &str) -> Vec<String> {
    let names = r.run(&Task::new(TaskType::List)).unwrap().names;
    let major = format!("{}:", r.major);
    let mut out = Vec::new();
    for n in names.into_iter().filter(|n| n.name.starts_with(prefix)) {
        let info = r.run(&named(TaskType::Info, &n.name)).unwrap().info;
        let table = r.run(&named(TaskType::Table, &n.name)).unwrap().targets;
        let lines: Vec<String> = table
            .iter()
            .map(|l| format!("{} {} {} {}", l.start, l.length, l.target_type, l.params.replace(&major, "M:")))
            .collect();
        out.push(format!(
            "{} uuid={:?} suspended={} live={} inactive={} ro={} [{}]",
            n.name,
            n.uuid,
            info.suspended,
            info.live_table,
            info.inactive_table,
            info.read_only,
            lines.join("; ")
        ));
    }
    out
}

/// One scenario: the tasks it runs, given the kernel's major number for
/// tables that stack devices. Every device it makes is named `prefix-*`
/// and gone at the end unless the scenario checks what is left.
type Scenario = fn(&mut Run, &str) -> Vec<String>;

fn lifecycle(r: &mut Run, p: &str) -> Vec<String> {
    let base = format!("{p}-base");
    let top = format!("{p}-top");
    let mut notes = Vec::new();
    let b = r.run(&with_table(TaskType::Create, &base, &[(0, 4096, "zero", String::new())])).unwrap();
    let dev = format!("{}:{}", b.info.major, b.info.minor);
    r.run(&with_table(TaskType::Create, &top, &[(0, 1024, "linear", format!("{dev} 0")), (1024, 1024, "linear", format!("{dev} 2048"))])).unwrap();
    let info = r.run(&named(TaskType::Info, &top)).unwrap().info;
    notes.push(format!("top: exists={} live={} targets={}", info.exists, info.live_table, info.target_count));
    let deps = r.run(&named(TaskType::Deps, &top)).unwrap().deps;
    notes.push(format!("deps: {}", deps.len()));
    let status = r.run(&named(TaskType::Status, &top)).unwrap().targets;
    notes.push(format!("status: {:?}", status.iter().map(|l| l.target_type.clone()).collect::<Vec<_>>()));
    notes.extend(final_state(r, p));
    r.run(&named(TaskType::Remove, &top)).unwrap();
    r.run(&named(TaskType::Remove, &base)).unwrap();
    notes
}

fn suspend_and_resume(r: &mut Run, p: &str) -> Vec<String> {
    let d = format!("{p}-d");
    r.run(&with_table(TaskType::Create, &d, &[(0, 2048, "zero", String::new())])).unwrap();
    let mut s = named(TaskType::Suspend, &d);
    s.no_flush = true;
    s.skip_lockfs = true;
    let suspended = r.run(&s).unwrap().info.suspended;
    let mut reload = with_table(TaskType::Reload, &d, &[(0, 2048, "error", String::new())]);
    reload.read_only = true;
    r.run(&reload).unwrap();
    let mut inactive = named(TaskType::Table, &d);
    inactive.query_inactive_table = true;
    let inactive_type = r.run(&inactive).unwrap().targets[0].target_type.clone();
    let mut resume = named(TaskType::Resume, &d);
    resume.read_only = true;
    let resumed = r.run(&resume).unwrap().info;
    let mut notes = vec![format!("suspended={suspended} inactive={inactive_type} resumed_suspended={} ro={}", resumed.suspended, resumed.read_only)];
    notes.extend(final_state(r, p));
    r.run(&named(TaskType::Remove, &d)).unwrap();
    notes
}

fn reload_then_clear(r: &mut Run, p: &str) -> Vec<String> {
    let d = format!("{p}-d");
    r.run(&with_table(TaskType::Create, &d, &[(0, 2048, "zero", String::new())])).unwrap();
    r.run(&with_table(TaskType::Reload, &d, &[(0, 1024, "error", String::new())])).unwrap();
    let before = r.run(&named(TaskType::Info, &d)).unwrap().info.inactive_table;
    r.run(&named(TaskType::Clear, &d)).unwrap();
    let after = r.run(&named(TaskType::Info, &d)).unwrap().info.inactive_table;
    r.run(&named(TaskType::Remove, &d)).unwrap();
    vec![format!("inactive before clear={before} after={after}")]
}

fn rename_and_set_uuid(r: &mut Run, p: &str) -> Vec<String> {
    let a = format!("{p}-a");
    let b = format!("{p}-b");
    r.run(&with_table(TaskType::Create, &a, &[(0, 8, "zero", String::new())])).unwrap();
    let mut rename = named(TaskType::Rename, &a);
    rename.new_name = Some(b.clone());
    r.run(&rename).unwrap();
    let mut set_uuid = named(TaskType::Rename, &b);
    set_uuid.new_uuid = Some(format!("{p}-UUID"));
    r.run(&set_uuid).unwrap();
    let mut again = named(TaskType::Rename, &b);
    again.new_uuid = Some(format!("{p}-UUID2"));
    let second = r.run(&again).map(|_| 0).unwrap_or_else(|e| e.errno());
    let mut notes = vec![format!("second set-uuid errno={second}")];
    notes.extend(final_state(r, p));
    let mut by_uuid = Task::new(TaskType::Remove);
    by_uuid.uuid = Some(format!("{p}-UUID"));
    r.run(&by_uuid).unwrap();
    notes
}

fn errors(r: &mut Run, p: &str) -> Vec<String> {
    let d = format!("{p}-d");
    let mut notes = Vec::new();
    let missing = r.run(&named(TaskType::Table, &d)).unwrap_err();
    notes.push(format!("table on missing: {missing}"));
    notes.push(format!("info on missing: exists={}", r.run(&named(TaskType::Info, &d)).unwrap().info.exists));
    r.run(&with_table(TaskType::Create, &d, &[(0, 8, "zero", String::new())])).unwrap();
    notes.push(format!("duplicate: errno={}", r.run(&named(TaskType::Create, &d)).unwrap_err().errno()));
    let bad = format!("{p}-bad");
    let e = r.run(&with_table(TaskType::Create, &bad, &[(0, 8, "no-such-target", String::new())])).unwrap_err();
    notes.push(format!("bad target: errno={}", e.errno()));
    notes.push(format!("bad target left nothing: exists={}", r.run(&named(TaskType::Info, &bad)).unwrap().info.exists));
    let mut msg = named(TaskType::TargetMsg, &d);
    msg.message = Some("hello".into());
    notes.push(format!("message to zero: errno={}", r.run(&msg).map(|_| 0).unwrap_or_else(|e| e.errno())));
    let mut geometry = named(TaskType::SetGeometry, &d);
    geometry.geometry = Some("10 4 16 0".into());
    notes.push(format!("geometry: ok={}", r.run(&geometry).is_ok()));
    notes.push(format!("too long: {:?}", r.run(&named(TaskType::Info, &"x".repeat(130))).unwrap_err().errno()));
    r.run(&named(TaskType::Remove, &d)).unwrap();
    notes
}

fn wait_and_list(r: &mut Run, p: &str) -> Vec<String> {
    let d = format!("{p}-d");
    r.run(&with_table(TaskType::Create, &d, &[(0, 8, "zero", String::new())])).unwrap();
    let event = r.run(&named(TaskType::Info, &d)).unwrap().info.event_nr;
    let mut wait = named(TaskType::WaitEvent, &d);
    // A number other than the current one returns at once.
    wait.event_nr = event.wrapping_add(1);
    let waited = r.run(&wait).is_ok();
    let mut one = Task::new(TaskType::GetTargetVersion);
    one.target_name = Some("zero".into());
    let zero = r.run(&one).unwrap().versions;
    let listed = r.run(&Task::new(TaskType::List)).unwrap().names.iter().any(|n| n.name == d);
    let all = r.run(&Task::new(TaskType::ListVersions)).unwrap().versions.iter().any(|v| v.name == "linear");
    r.run(&named(TaskType::Remove, &d)).unwrap();
    vec![format!("waited={waited} zero-target={} listed={listed} versions-has-linear={all}", zero.len())]
}

fn version_poll_mknodes_remove_all(r: &mut Run, p: &str) -> Vec<String> {
    let d = format!("{p}-d");
    let version = r.run(&Task::new(TaskType::Version)).unwrap().version;
    r.run(&with_table(TaskType::Create, &d, &[(0, 8, "zero", String::new())])).unwrap();
    let polled = r.run(&named(TaskType::ArmPoll, &d)).is_ok();
    let mknodes = r.run(&named(TaskType::Mknodes, &d)).unwrap().info.exists;
    let missing = r.run(&named(TaskType::Mknodes, &format!("{p}-none"))).unwrap().info.exists;
    r.run(&Task::new(TaskType::RemoveAll)).unwrap();
    let left = r.run(&named(TaskType::Info, &d)).unwrap().info.exists;
    vec![format!("version-major={} armpoll={polled} mknodes={mknodes} mknodes-missing={missing} left-after-remove-all={left}", version[0])]
}

const SCENARIOS: &[(&str, Scenario)] = &[
    ("lifecycle", lifecycle),
    ("suspend_and_resume", suspend_and_resume),
    ("reload_then_clear", reload_then_clear),
    ("rename_and_set_uuid", rename_and_set_uuid),
    ("errors", errors),
    ("wait_and_list", wait_and_list),
    // Last: REMOVE_ALL removes every unused device.
    ("version_poll_mknodes_remove_all", version_poll_mknodes_remove_all),
];

fn run_on(kernel: Arc<dyn Kernel>, name: &str, scenario: Scenario) -> (Vec<String>, Vec<String>) {
    let mut r = Run::new(kernel);
    let prefix = format!("dmrs-sc-{name}");
    let notes = scenario(&mut r, &prefix);
    (notes, r.transcript())
}

#[test]
fn scenarios_on_the_simulated_kernel_match_the_real_kernel() {
    let real = std::env::var("DEVMAPPER_REAL_KERNEL").map(|v| v == "1").unwrap_or(false);
    if !real {
        eprintln!("DEVMAPPER_REAL_KERNEL is not 1: running the scenarios on the simulated kernel only");
    }
    for (name, scenario) in SCENARIOS {
        let (sim_notes, sim_transcript) = run_on(Arc::new(SimKernel::new()), name, *scenario);
        assert!(!sim_transcript.is_empty(), "{name}: no ioctl issued");
        if real {
            let (real_notes, real_transcript) = run_on(Arc::new(Control::new()), name, *scenario);
            assert_eq!(sim_transcript, real_transcript, "{name}: transcripts differ (left: simulated, right: real)");
            assert_eq!(sim_notes, real_notes, "{name}: results differ (left: simulated, right: real)");
            println!("{name}: {} ioctls, same transcript and results on both kernels", real_transcript.len());
        }
    }
}
