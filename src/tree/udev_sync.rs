//! The tree's operations and udev: the cookie a caller gives the tree
//! (`dm_tree_set_cookie`) is attached to every resume, remove and rename,
//! so that one `dm_udev_wait` covers them all; the node's udev flags travel
//! with each; and /dev/mapper is kept in step by the library when no udev
//! will do it.

use once_cell::sync::OnceCell;

use super::{NodeId, Tree, TreeError};
use crate::kernel::Kernel;
use crate::task::{Task, TaskOutput, TaskType};
use crate::udev::cookie::{self, NodeOp, Support, UdevFlags};

/// A /dev/mapper change after a tree operation.
pub(super) enum NodeChange {
    Add,
    Remove,
    Rename(String),
}

/// The driver's version: as the last reply told it (a tree has always
/// asked the kernel something first), else asked once.
fn driver_version(kernel: &dyn Kernel) -> [u32; 3] {
    static VERSION: OnceCell<[u32; 3]> = OnceCell::new();
    kernel.driver_version().unwrap_or_else(|| {
        *VERSION.get_or_init(|| Task::new(TaskType::Version).run(kernel).map(|o| o.version).unwrap_or([0, 0, 0]))
    })
}

impl Tree {
    /// Runs a resume, remove or rename of node `id`. With a tree cookie set
    /// and a real kernel, the task takes a count on the cookie and carries
    /// it (with the node's flags) to udev; returns the cookie's event
    /// number when it did.
    pub(super) fn run_uevent(&mut self, kernel: &dyn Kernel, id: NodeId, mut task: Task) -> Result<(TaskOutput, Option<u32>), TreeError> {
        // As in the C library, the first such operation of a tree without a
        // cookie creates one (when udev synchronisation is on), so that the
        // caller's later dm_udev_wait on dm_tree_get_cookie waits for udev.
        if !kernel.has_device_nodes() {
            return Ok((task.run(kernel)?, None));
        }
        let support = Support::now(cookie::driver_takes_cookies(driver_version(kernel)));
        let what = format!("{:?} {}", task.kind, self.node(id).name).to_uppercase();
        let flags = self.node(id).udev_flags;
        let event_nr = match cookie::set_task_cookie(&mut self.cookie, flags, support, &what) {
            Ok(e) => e,
            Err(e) => {
                crate::log_error!(errno = e.errno(); "{e}");
                return Err(TreeError::Invalid(format!("Could not attach the tree's udev cookie to {what}")));
            }
        };
        if self.cookie == 0 {
            // No synchronisation after all: only the flags travel.
            task.event_nr = event_nr;
            return Ok((task.run(kernel)?, None));
        }
        task.event_nr = cookie::ioctl_event_nr(event_nr, true, true, support);
        let result = task.run(kernel);
        let generated = result.as_ref().ok().map(|o| cookie::uevent_generated(o.uevent_generated, o.version, true));
        if let Err(e) = cookie::task_finished(event_nr, true, generated) {
            crate::log_error!(errno = e.errno(); "{e}");
        }
        Ok((result?, Some(event_nr)))
    }

    /// Waits for udev to finish every event of the tree's cookie (with the
    /// node operations owed afterwards), then starts a new cookie (libdm's
    /// `dm_udev_wait(dm_tree_get_cookie(node))` and
    /// `dm_tree_set_cookie(node, 0)`).
    pub(super) fn udev_wait_and_reset(&mut self, kernel: &dyn Kernel) {
        if !kernel.has_device_nodes() {
            self.cookie = 0;
            return;
        }
        if self.cookie != 0 {
            match cookie::Cookie::from_value(self.cookie) {
                Ok(c) => {
                    if let Err(e) = cookie::wait(c) {
                        crate::log_error!(errno = e.errno(); "{e}");
                    }
                }
                Err(e) => crate::log_error!(errno = e.errno(); "{e}"),
            }
        }
        cookie::update_devs();
        self.cookie = 0;
    }

    /// Keeps /dev/mapper in step for a real kernel. With the tree's cookie
    /// and udev's rules on, udev makes the change and `dm_udev_wait` checks
    /// it; otherwise, when no udev will (DM_DISABLE_UDEV, or none running),
    /// the library does it, unless the node's flags forbid the fallback
    /// (DM_UDEV_DISABLE_LIBRARY_FALLBACK, which DM_DISABLE_UDEV overrides, as
    /// in the C library).
    pub(super) fn sync_node(&self, kernel: &dyn Kernel, id: NodeId, change: NodeChange, cookie_event: Option<u32>) {
        if !kernel.has_device_nodes() {
            return;
        }
        let n = self.node(id);
        let op = match change {
            NodeChange::Add => NodeOp::Add { name: n.name.clone(), major: n.major, minor: n.minor, owner: crate::udev::NodeOwner::default() },
            NodeChange::Remove => NodeOp::Remove { name: n.name.clone() },
            NodeChange::Rename(old) => NodeOp::Rename { old, new: n.name.clone() },
        };
        if cookie_event.is_some_and(|e| cookie::udev_makes_nodes(e, true)) {
            cookie::queue_node_op(op, true);
            return;
        }
        let disabled = cookie::udev_disabled();
        let no_fallback = UdevFlags::from_bits_retain(n.udev_flags).contains(UdevFlags::DISABLE_LIBRARY_FALLBACK);
        if !disabled && (no_fallback || cookie::udev_running_now()) {
            return;
        }
        let result = match op {
            NodeOp::Add { name, major, minor, owner } => crate::udev::ensure_node(&name, major, minor, owner),
            NodeOp::Remove { name } => crate::udev::remove_node(&name),
            NodeOp::Rename { old, new } => crate::udev::rename_node(&old, &new),
        };
        if let Err(errno) = result {
            crate::log_error!(errno = errno; "Failed to update the device node of {}: {}", n.name, crate::kernel::strerror(errno));
        }
    }
}
