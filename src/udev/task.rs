//! A task run as libdm's `dm_task_run` runs it: with the caller's udev
//! cookie and flags on the ioctl, the cookie completed by the library when
//! udev will not, `/dev/mapper` kept in step when no udev does it, and the
//! read-ahead set after the device starts.

use once_cell::sync::OnceCell;

use super::cookie::{self, CookieError, NodeOp, Support, UdevFlags};
use super::NodeOwner;
use crate::kernel::{default_kernel, Kernel};
use crate::task::{Task, TaskError, TaskOutput, TaskType};

/// libdm's `DM_READ_AHEAD_AUTO`: leave the kernel's read-ahead alone.
pub const READ_AHEAD_AUTO: u32 = u32::MAX;

static DRIVER_VERSION: OnceCell<[u32; 3]> = OnceCell::new();

/// The kernel driver's version, asked once per process (a failure is not
/// remembered: the next call asks again).
pub fn driver_version() -> Option<[u32; 3]> {
    if let Some(v) = DRIVER_VERSION.get() {
        return Some(*v);
    }
    match Task::new(TaskType::Version).run(default_kernel().as_ref()) {
        Ok(out) => Some(*DRIVER_VERSION.get_or_init(|| out.version)),
        Err(e) => {
            crate::log_debug!("Cannot get the device-mapper driver version: {e}");
            None
        }
    }
}

/// `dm_cookie_supported`: the driver passes cookies in uevents (>= 4.15).
pub fn cookie_supported() -> bool {
    driver_version().is_some_and(cookie::driver_takes_cookies)
}

/// `dm_udev_get_sync_support`: the cheap checks first, so that a machine
/// without udev never asks the kernel.
pub fn sync_support() -> bool {
    cookie::sync_requirements_met() && cookie_supported()
}

/// What a task's cookie and run work with.
pub fn support() -> Support {
    Support::now(cookie_supported())
}

/// What a task does besides its request: the owner of the node it makes,
/// the read-ahead to set when the device starts, and the udev cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSettings {
    /// Ownership and mode of a node the library makes.
    pub owner: NodeOwner,
    /// Read-ahead in sectors to set after a start ([`READ_AHEAD_AUTO`]: none).
    pub read_ahead: u32,
    /// Only raise the read-ahead (`DM_READ_AHEAD_MINIMUM_FLAG`).
    pub read_ahead_minimum: bool,
    /// A cookie was attached ([`NodeSettings::set_cookie`]).
    pub cookie_set: bool,
    /// The caller's udev flags.
    pub udev_flags: u16,
}

impl Default for NodeSettings {
    fn default() -> Self {
        NodeSettings { owner: NodeOwner::default(), read_ahead: READ_AHEAD_AUTO, read_ahead_minimum: false, cookie_set: false, udev_flags: 0 }
    }
}

/// The node operation a finished create, resume, remove or rename needs.
fn node_op(task: &Task, out: &TaskOutput, owner: NodeOwner) -> Option<NodeOp> {
    match task.kind {
        TaskType::Create | TaskType::Resume if out.info.exists => Some(NodeOp::Add {
            name: out.name.clone(),
            major: out.info.major,
            minor: out.info.minor,
            owner,
        }),
        TaskType::Remove if !out.info.deferred_remove => Some(NodeOp::Remove { name: out.name.clone() }),
        TaskType::Rename => match (&task.name, &task.new_name) {
            (Some(old), Some(new)) => Some(NodeOp::Rename { old: old.clone(), new: new.clone() }),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the task's ioctl sends a uevent: resume, remove, rename, and a
/// create with a table (which resumes).
fn uevent_ioctl(task: &Task) -> bool {
    matches!(task.kind, TaskType::Resume | TaskType::Remove | TaskType::Rename)
        || (task.kind == TaskType::Create && !task.targets.is_empty())
}

impl NodeSettings {
    /// `dm_task_set_cookie`: takes a count on the cookie in `*cookie`
    /// (see [`cookie::set_task_cookie`]) and puts it with `flags` into the
    /// task's event number; on failure the event number is 0.
    pub fn set_cookie(&mut self, task: &mut Task, value: &mut u32, flags: u16) -> Result<(), CookieError> {
        let what = format!("{} task on {}", task.kind.op_name(), task.name.as_deref().or(task.uuid.as_deref()).unwrap_or(""));
        match cookie::set_task_cookie(value, flags, support(), &what) {
            Ok(event_nr) => {
                task.event_nr = event_nr;
                self.cookie_set = true;
                self.udev_flags = flags;
                Ok(())
            }
            Err(e) => {
                task.event_nr = 0;
                Err(e)
            }
        }
    }

    /// Runs the task with the udev flags its ioctl needs; afterwards the
    /// library completes the cookie when udev will not (a failed request,
    /// no uevent). A cookie error is logged; the task's result is returned.
    pub fn run(&self, task: &mut Task, kernel: &dyn Kernel) -> Result<TaskOutput, TaskError> {
        let uevent_ioctl = uevent_ioctl(task);
        let event_nr = task.event_nr;
        task.event_nr = cookie::ioctl_event_nr(event_nr, uevent_ioctl, self.cookie_set, support());
        let result = task.run(kernel);
        task.event_nr = event_nr;
        let generated = result.as_ref().ok().map(|o| cookie::uevent_generated(o.uevent_generated, o.version, uevent_ioctl));
        let deferred = result.as_ref().is_ok_and(|o| o.info.deferred_remove);
        if let Err(e) = cookie::task_finished_after(event_nr, self.cookie_set, generated, deferred) {
            crate::log_error!(errno = e.errno(); "{e}");
        }
        result
    }

    /// After a successful [`NodeSettings::run`]: the device nodes and the
    /// read-ahead.
    pub fn finish(&self, task: &Task, out: &TaskOutput) {
        self.update_nodes(task, out);
        self.apply_read_ahead(task, out);
    }

    /// Keeps /dev/mapper in step when no udev does it, unless the caller's
    /// cookie flags ask the library not to (DM_UDEV_DISABLE_LIBRARY_FALLBACK,
    /// which Debian's dmsetup sets); DM_DISABLE_UDEV=1 overrides that, as in
    /// the C library.
    fn update_nodes(&self, task: &Task, out: &TaskOutput) {
        let no_fallback = UdevFlags::from_bits_retain(self.udev_flags).contains(UdevFlags::DISABLE_LIBRARY_FALLBACK);
        if no_fallback && std::env::var_os("DM_DISABLE_UDEV").is_none() {
            crate::log_debug!("Udev is not running. Not creating or removing nodes for {}: the caller disabled the library fallback.", out.name);
            return;
        }
        let udev_does_it = cookie::udev_makes_nodes(task.event_nr, self.cookie_set);
        let all = task.name.is_none() && task.uuid.is_none() && task.major.is_none();
        let result = match (task.kind, node_op(task, out, self.owner)) {
            // udev makes the node; the library checks later (dm_udev_wait).
            (_, Some(op)) if udev_does_it => {
                cookie::queue_node_op(op, true);
                Ok(())
            }
            _ if udev_does_it => Ok(()),
            (_, Some(NodeOp::Add { name, major, minor, owner })) => super::ensure_node(&name, major, minor, owner),
            (_, Some(NodeOp::Remove { name })) => super::remove_node(&name),
            (_, Some(NodeOp::Rename { old, new })) => super::rename_node(&old, &new),
            (TaskType::Mknodes, None) if all => super::sync_all_nodes(&out.names, self.owner),
            (TaskType::Mknodes, None) if out.info.exists => super::ensure_node(&out.name, out.info.major, out.info.minor, self.owner),
            (TaskType::Mknodes, None) => match &task.name {
                Some(n) => super::remove_node(n),
                None => Ok(()),
            },
            _ => Ok(()),
        };
        if let Err(errno) = result {
            crate::log_error!(errno = errno; "Failed to update the device node of {}: {}", out.name, crate::kernel::strerror(errno));
        }
    }

    /// Sets the read-ahead after the device (re)starts.
    fn apply_read_ahead(&self, task: &Task, out: &TaskOutput) {
        let sectors = self.read_ahead;
        let starts = task.kind == TaskType::Resume || (task.kind == TaskType::Create && !task.targets.is_empty());
        if !starts || !out.info.exists || sectors == READ_AHEAD_AUTO {
            return;
        }
        if let Err(errno) = super::set_read_ahead(out.info.major, out.info.minor, sectors, self.read_ahead_minimum) {
            crate::log_error!(errno = errno; "Failed to set read ahead of {} to {sectors}: {}", out.name, crate::kernel::strerror(errno));
        }
    }
}

/// A started device's read-ahead in sectors (`dm_task_get_read_ahead`):
/// from sysfs, else (a device with no table has no queue yet) from its
/// node, as libdm does, which logs when it is missing.
pub fn device_read_ahead(name: &str, major: u32, minor: u32) -> Option<u32> {
    super::read_ahead_sectors(major, minor).or_else(|| {
        let path = super::mapper_dir().join(name).to_string_lossy().into_owned();
        match crate::kernel::node_read_ahead(&path) {
            Ok(s) => Some(s),
            Err(crate::kernel::NodeError::Open(errno)) => {
                crate::log_error!(errno = errno; "{path}: open failed: {}", crate::kernel::strerror(errno));
                None
            }
            Err(crate::kernel::NodeError::Ioctl(errno)) => {
                crate::log_error!(errno = errno; "{path}: BLKRAGET failed: {}", crate::kernel::strerror(errno));
                None
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Info;

    fn out(name: &str, exists: bool) -> TaskOutput {
        TaskOutput { name: name.into(), info: Info { exists, major: 253, minor: 4, ..Info::default() }, ..TaskOutput::default() }
    }

    #[test]
    fn a_started_device_needs_its_node() {
        let owner = NodeOwner::default();
        let op = node_op(&Task::new(TaskType::Resume), &out("vg-lv", true), owner);
        assert_eq!(op, Some(NodeOp::Add { name: "vg-lv".into(), major: 253, minor: 4, owner }));
        assert_eq!(node_op(&Task::new(TaskType::Create), &out("vg-lv", false), owner), None);
    }

    #[test]
    fn a_deferred_remove_keeps_the_node() {
        let mut o = out("vg-lv", true);
        assert_eq!(node_op(&Task::new(TaskType::Remove), &o, NodeOwner::default()), Some(NodeOp::Remove { name: "vg-lv".into() }));
        o.info.deferred_remove = true;
        assert_eq!(node_op(&Task::new(TaskType::Remove), &o, NodeOwner::default()), None);
    }

    #[test]
    fn a_rename_moves_the_node() {
        let mut t = Task::new(TaskType::Rename);
        t.name = Some("a".into());
        t.new_name = Some("b".into());
        assert_eq!(node_op(&t, &out("a", true), NodeOwner::default()), Some(NodeOp::Rename { old: "a".into(), new: "b".into() }));
        t.new_name = None;
        assert_eq!(node_op(&t, &out("a", true), NodeOwner::default()), None);
    }

    #[test]
    fn only_resume_remove_rename_and_a_loaded_create_send_uevents() {
        assert!(uevent_ioctl(&Task::new(TaskType::Resume)));
        assert!(!uevent_ioctl(&Task::new(TaskType::Create)));
        let mut create = Task::new(TaskType::Create);
        create.add_target(0, 8, "zero", "");
        assert!(uevent_ioctl(&create));
        assert!(!uevent_ioctl(&Task::new(TaskType::Info)));
    }
}
