//! The four phases over a tree, in libdm's order and with its rules
//! (`libdm-deptree.c`):
//! - preload: bottom-up; create missing devices, load new tables, and
//!   resume a device now only when a parent in the tree maps onto it and
//!   it grew (a new device grows from nothing), unless its first resume is
//!   delayed; a failure reverts what this level created;
//! - activate: bottom-up; renames first (a rename whose new name a
//!   renaming sibling still holds waits for it), then resumes by priority;
//! - suspend: top-down; a device only once its in-prefix parents are, a
//!   thin pool with queued messages getting them instead;
//! - deactivate: top-down; open devices are skipped below the top level,
//!   and refused (or retried) at it.
//!
//! Each phase issues its ioctls through tasks on the given kernel; a dry
//! run is the same phase on a simulated kernel.

use super::udev_sync::NodeChange;
use super::{Node, NodeId, Tree, TreeError};
use crate::kernel::Kernel;
use crate::task::{Info, Task, TaskType};

/// What a phase tells the caller about a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeEvent {
    /// Its table was loaded (and it was resumed if needed) in preload.
    Preloaded,
    /// It was removed in deactivate.
    Deactivated,
}

/// The libdm default uuid prefix, used for prefix matching of devices
/// whose uuid predates it.
pub const DEFAULT_UUID_PREFIX: &str = "LVM-";

/// libdm's rule: a uuid belongs to a prefix when it starts with it, or,
/// for "LVM-" prefixes, when it starts with the prefix minus "LVM-".
pub fn uuid_prefix_matches(uuid: &str, prefix: Option<&str>) -> bool {
    let Some(prefix) = prefix else { return true };
    if uuid.starts_with(prefix) {
        return true;
    }
    if prefix.len() <= 4 || uuid.starts_with(DEFAULT_UUID_PREFIX) || !prefix.starts_with(DEFAULT_UUID_PREFIX) {
        return false;
    }
    uuid.starts_with(&prefix[DEFAULT_UUID_PREFIX.len()..])
}

fn dev_task(kind: TaskType, node: &Node) -> Task {
    let mut t = Task::new(kind);
    t.major = Some(node.major);
    t.minor = Some(node.minor);
    // The node's udev flags travel with the requests that raise uevents,
    // for udev's rules to read (DM_UDEV_* in the cookie's upper half).
    if matches!(kind, TaskType::Resume | TaskType::Remove | TaskType::Rename) {
        t.event_nr = crate::udev::cookie::encode_event_nr(crate::udev::cookie::UdevFlags::from_bits_retain(node.udev_flags), None);
    }
    t
}

/// The callbacks of a phase: `on` is called only for nodes whose caller
/// registered one ([`Tree::set_callback_registered`]).
type OnEvent<'a> = &'a mut dyn FnMut(NodeId, NodeEvent) -> bool;

impl Tree {
    fn set_info(&mut self, id: NodeId, info: Info) {
        let n = &mut self.nodes[id.0];
        n.info = info;
        n.major = info.major;
        n.minor = info.minor;
        self.by_dev.insert((info.major, info.minor), id);
    }

    /// Whether a caller registered a callback for the node.
    pub fn callback_registered(&self, id: NodeId) -> bool {
        self.node(id).callback
    }

    /// Records whether a caller registered a callback for the node (the
    /// phases call theirs only for such nodes).
    pub fn set_callback_registered(&mut self, id: NodeId, registered: bool) {
        self.nodes[id.0].callback = registered;
    }

    /// Creates the node's device (libdm's `_create_node`), with the number
    /// the caller asked for if any; `parent` remembers it for a revert.
    fn create(&mut self, kernel: &dyn Kernel, id: NodeId, parent: NodeId) -> Result<(), TreeError> {
        let n = self.node(id);
        crate::log_verbose!("Creating {}", n.name);
        let mut t = Task::new(TaskType::Create);
        t.name = Some(n.name.clone());
        t.uuid = Some(n.uuid.clone());
        if let Some((major, minor)) = n.props.requested_dev {
            t.major = Some(major);
            t.minor = Some(minor);
        }
        t.read_only = n.props.read_only;
        let out = t.run(kernel)?;
        self.set_info(id, out.info);
        self.nodes[id.0].removed = false;
        self.nodes[parent.0].activated.push(id);
        self.created.push(id);
        self.sync_node(kernel, id, NodeChange::Add, None);
        Ok(())
    }

    /// Loads the node's new table (libdm's `_load_node`) and works out
    /// whether its size changed: +1 grew, -1 shrank, 0 the same, where a
    /// new device whose first resume is delayed, and an existing one that
    /// waits for its extension, count as unchanged.
    fn load(&mut self, kernel: &dyn Kernel, id: NodeId) -> Result<(), TreeError> {
        crate::log_verbose!("Loading table for {}.", self.node_label(id));
        let lines = self.table(id)?;
        let n = self.node(id);
        let mut t = dev_task(TaskType::Reload, n);
        t.read_only = n.props.read_only;
        t.suppress_identical_reload = n.info.live_table;
        let new_size: u64 = lines.iter().map(|l| l.1).sum();
        for (start, len, ty, params) in &lines {
            t.add_target(*start, *len, ty, params);
        }
        let result = t.run(kernel);
        self.nodes[id.0].props.table_pending = false;
        let out = result?;
        let existing = out.existing_table_size.unwrap_or(0);
        let props = &self.nodes[id.0].props;
        let mut changed = match new_size.cmp(&existing) {
            std::cmp::Ordering::Greater => 1,
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
        };
        if changed != 0 {
            if existing == 0 && props.delay_resume_if_new > 0 {
                changed = 0;
            }
            if existing != 0 && props.delay_resume_if_extended {
                crate::log_debug!("Resume of table of extended device {} delayed.", self.node_label(id));
                changed = 0;
            }
        }
        if !out.info.inactive_table {
            crate::log_verbose!("Suppressed {} identical table reload.", self.node_label(id));
        }
        self.nodes[id.0].props.size_changed = changed;
        self.set_info(id, out.info);
        Ok(())
    }

    pub(super) fn resume(&mut self, kernel: &dyn Kernel, id: NodeId) -> Result<(), TreeError> {
        crate::log_verbose!("Resuming {}.", self.node_label(id));
        let was_suspended = self.node(id).info.suspended;
        let (out, cookie) = self.run_uevent(kernel, id, dev_task(TaskType::Resume, self.node(id)))?;
        if was_suspended && kernel.has_device_nodes() {
            super::count_suspended(-1);
        }
        self.set_info(id, out.info);
        self.sync_node(kernel, id, NodeChange::Add, cookie);
        // The read-ahead the caller asked for (u32::MAX is "auto": leave it).
        if let Some((sectors, flags)) = self.node(id).props.read_ahead.filter(|(s, _)| *s != u32::MAX) {
            if let Err(errno) = crate::udev::set_read_ahead(out.info.major, out.info.minor, sectors, flags & 1 != 0) {
                crate::log_error!(errno = errno; "Failed to set read ahead of {}: {}", self.node(id).name, crate::kernel::strerror(errno));
            }
        }
        Ok(())
    }

    fn remove(&mut self, kernel: &dyn Kernel, id: NodeId, retry: bool) -> Result<(), TreeError> {
        crate::log_verbose!("Removing {}", self.node_label(id));
        let mut t = dev_task(TaskType::Remove, self.node(id));
        t.retry_remove = retry;
        let (_, cookie) = self.run_uevent(kernel, id, t)?;
        // As in libdm, the node keeps the state it had: a caller reads its
        // name after deactivate (LVM removes the /dev/VG/LV links by the
        // names of the nodes it deactivated). Only the tree notes it gone.
        self.nodes[id.0].removed = true;
        self.sync_node(kernel, id, NodeChange::Remove, cookie);
        Ok(())
    }

    pub(super) fn refresh(&mut self, kernel: &dyn Kernel, id: NodeId) -> Result<Info, TreeError> {
        let out = dev_task(TaskType::Info, self.node(id)).run(kernel)?;
        if out.info.exists {
            self.nodes[id.0].info = out.info;
        }
        Ok(out.info)
    }

    /// Removes the devices preload created below `parent` (newest first,
    /// each with what it created), dropping their callbacks (libdm's
    /// `_dm_tree_revert_activated`).
    fn revert_activated(&mut self, kernel: &dyn Kernel, parent: NodeId) -> Result<(), TreeError> {
        let created = std::mem::take(&mut self.nodes[parent.0].activated);
        for child in created.into_iter().rev() {
            crate::log_debug!("Reverting {}.", self.node_label(child));
            self.nodes[child.0].callback = false;
            if self.node(child).info.exists && !self.node(child).removed {
                if let Err(e) = self.remove(kernel, child, false) {
                    crate::log_error!(errno = e.errno(); "Unable to deactivate {}.", self.node_label(child));
                    return Err(e);
                }
            }
            self.revert_activated(kernel, child)?;
        }
        Ok(())
    }

    /// Waits for udev on the tree's cookie, then reverts `parent`'s level.
    fn wait_and_revert_activated(&mut self, kernel: &dyn Kernel, parent: NodeId) {
        self.udev_wait_and_reset(kernel);
        if let Err(e) = self.revert_activated(kernel, parent) {
            crate::log_debug!("Revert of {} stopped: {e}", self.node_label(parent));
        }
    }

    /// Creates and loads every new or changed node below `id` (in prefix),
    /// children first (libdm's `dm_tree_preload_children`). A child is
    /// resumed now only when a parent in the tree maps onto it and it grew
    /// (see [`Tree::load`]). A thin pool created here must have the
    /// transaction id its table names, or be one behind. Once a node that
    /// does not exist yet has its children ready, udev is waited for and
    /// its PRELOADED callback runs (LVM checks a new pool's metadata there);
    /// a failing callback reverts what was created below it.
    ///
    /// On failure the level that failed reverts what it created; then
    /// every device this call created that is still there is removed too
    /// (newest first), so a failed preload leaves the kernel as it found
    /// it.
    pub fn preload_children(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, on: OnEvent<'_>) -> Result<(), TreeError> {
        let before = self.created.len();
        let result = self.preload_level(kernel, id, prefix, on);
        if result.is_err() {
            self.udev_wait_and_reset(kernel);
            self.remove_created_since(kernel, before);
        }
        result
    }

    /// After a failed preload: removes, newest first, what this call
    /// created (the devices made after the first `first` of the tree's
    /// creations) and a revert left behind.
    fn remove_created_since(&mut self, kernel: &dyn Kernel, first: usize) {
        let created = self.created.split_off(first.min(self.created.len()));
        for node in created.into_iter().rev() {
            if self.node(node).info.exists && !self.node(node).removed {
                crate::log_verbose!("Removing {}, created by the failed preload.", self.node(node).name);
                if let Err(e) = self.remove(kernel, node, false) {
                    crate::log_error!(errno = e.errno(); "Failed to remove {} while reverting: {e}", self.node(node).name);
                }
            }
        }
    }

    fn preload_level(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, on: OnEvent<'_>) -> Result<(), TreeError> {
        let mut first_error: Option<TreeError> = None;
        let mut flush_nodes = false;
        for child in self.links(id, false).to_vec() {
            if child == Tree::ROOT {
                continue;
            }
            // A pvmove mirror's delay reaches everything below it.
            let delay = self.node(id).props.delay_resume_if_new;
            if delay > 1 {
                self.nodes[child.0].props.delay_resume_if_new = delay;
            }
            let n = self.node(child);
            // Devices that exist but are not device-mapper ones.
            if !n.info.exists && n.info.major != 0 {
                continue;
            }
            if n.info.exists && !uuid_prefix_matches(&n.uuid, prefix) {
                continue;
            }
            if self.num_children(child, false) > 0 {
                self.preload_level(kernel, child, prefix, on)?;
            }
            let mut created = false;
            if !self.node(child).info.exists {
                self.create(kernel, child, id)?;
                created = true;
            }
            if self.node(child).props.delay_resume_if_extended {
                self.nodes[id.0].props.delay_resume_if_extended = true;
            }
            let n = self.node(child);
            if !n.info.inactive_table && n.props.table_pending {
                if let Err(e) = self.load(kernel, child) {
                    crate::log_error!(errno = e.errno(); "{e}");
                    self.wait_and_revert_activated(kernel, id);
                    first_error.get_or_insert(e);
                    continue;
                }
            }
            // No resume for a device without parents, or unchanged or smaller.
            if self.num_children(child, true) == 0 || self.node(child).props.size_changed <= 0 {
                continue;
            }
            let n = self.node(child);
            if !n.info.inactive_table && !n.info.suspended {
                continue;
            }
            if let Err(e) = self.resume(kernel, child) {
                crate::log_error!(errno = e.errno(); "Unable to resume {}.", self.node_label(child));
                self.wait_and_revert_activated(kernel, id);
                first_error.get_or_insert(e);
                continue;
            }
            // A new pool: its transaction id must fit the table's.
            if created && self.node(child).props.send_messages > 0 {
                if let Err(e) = self.send_thin_messages_if(kernel, child, prefix, false) {
                    crate::log_error!(errno = libc::EINVAL; "{e}");
                    self.wait_and_revert_activated(kernel, id);
                    first_error.get_or_insert(e);
                    continue;
                }
            }
            if self.node(child).props.immediate_dev_node {
                flush_nodes = true;
            }
        }
        let wants_callback = first_error.is_none() && !self.node(id).info.exists && self.node(id).callback;
        if flush_nodes || wants_callback {
            self.udev_wait_and_reset(kernel);
            if wants_callback && !on(id, NodeEvent::Preloaded) {
                if let Err(e) = self.revert_activated(kernel, id) {
                    crate::log_debug!("Revert of {} stopped: {e}", self.node_label(id));
                }
                return Err(TreeError::Invalid(format!("Preload callback of {} failed", self.node(id).name)));
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Whether `node`'s rename would take a sibling's name (libdm's
    /// `_rename_conflict_exists`); the second value says the sibling is
    /// being renamed too, so waiting for it resolves the conflict.
    fn rename_conflict(&self, parent: NodeId, node: NodeId) -> Option<bool> {
        let new = self.node(node).props.new_name.as_deref()?;
        self.links(parent, false)
            .iter()
            .filter(|s| **s != node)
            .find(|s| self.node(**s).name == new)
            .map(|s| self.node(*s).props.new_name.is_some())
    }

    fn rename(&mut self, kernel: &dyn Kernel, child: NodeId, new: String) -> Result<(), TreeError> {
        let n = self.node(child);
        crate::log_verbose!("Renaming {} ({}:{}) to {new}", n.name, n.major, n.minor);
        let mut t = dev_task(TaskType::Rename, n);
        t.major = None;
        t.minor = None;
        t.name = Some(n.name.clone());
        t.new_name = Some(new.clone());
        let (_, cookie) = self.run_uevent(kernel, child, t).inspect_err(|e| {
            let n = self.node(child);
            crate::log_error!(errno = e.errno(); "Failed to rename {} ({}:{}) to {new}", n.name, n.major, n.minor);
        })?;
        let node = &mut self.nodes[child.0];
        let old = std::mem::replace(&mut node.name, new);
        node.props.new_name = None;
        self.sync_node(kernel, child, NodeChange::Rename(old), cookie);
        Ok(())
    }

    /// Resumes every node below `id` (in prefix) that has a table waiting or
    /// is suspended, children first, by activation priority, renaming
    /// first; then sends the messages still queued for `id` if it is a
    /// thin pool (libdm's `dm_tree_activate_children`).
    pub fn activate_children(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<(), TreeError> {
        let children: Vec<NodeId> = self.links(id, false).iter().copied().filter(|c| *c != Tree::ROOT).collect();
        let mut first_error = None;
        // Layers a new table drops get their replacement before anything
        // below is resumed, so each is resumed once, with it.
        for &child in &children {
            if uuid_prefix_matches(&self.node(child).uuid, prefix) {
                if let Err(e) = self.load_off_tree_replacements(kernel, child) {
                    crate::log_error!(errno = e.errno(); "Unable to replace the layers {} no longer uses: {e}", self.node(child).name);
                    first_error.get_or_insert(e);
                }
            }
        }
        // A failure below does not stop the resumes at this level (libdm
        // returns at once and leaves the devices above suspended); the
        // first error is still what the call returns.
        for &child in &children {
            if uuid_prefix_matches(&self.node(child).uuid, prefix) && self.num_children(child, false) > 0 {
                if let Err(e) = self.activate_children(kernel, child, prefix) {
                    first_error.get_or_insert(e);
                }
            }
        }
        let mut priority = 0u8;
        while priority < 3 {
            let mut awaiting_peer_rename = false;
            let mut renamed = false;
            for &child in &children {
                let n = self.node(child);
                if n.props.activation_priority != priority || !uuid_prefix_matches(&n.uuid, prefix) {
                    continue;
                }
                if let Some(new) = n.props.new_name.clone() {
                    if self.rename_conflict(id, child) == Some(true) {
                        awaiting_peer_rename = true;
                        continue;
                    }
                    self.rename(kernel, child, new)?;
                    renamed = true;
                }
                let n = self.node(child);
                if !n.info.inactive_table && !n.info.suspended {
                    continue;
                }
                if let Err(e) = self.resume_off_tree_layers(kernel, child) {
                    crate::log_error!(errno = e.errno(); "Unable to refresh the layers {} no longer uses: {e}", self.node(child).name);
                    first_error.get_or_insert(e);
                }
                if let Err(e) = self.resume(kernel, child) {
                    crate::log_error!(errno = e.errno(); "Unable to resume {}.", self.node_label(child));
                    first_error.get_or_insert(e);
                }
            }
            // Renames waiting for a sibling's: this level again, as long as
            // some rename went through (a cycle of names would never end).
            if !(awaiting_peer_rename && renamed) {
                if awaiting_peer_rename {
                    // Let the waiting renames fail or succeed on their own.
                    for &child in &children {
                        if self.node(child).props.activation_priority == priority {
                            if let Some(new) = self.node(child).props.new_name.clone() {
                                self.rename(kernel, child, new)?;
                            }
                        }
                    }
                    continue;
                }
                priority += 1;
            }
        }
        if first_error.is_none() && self.thin_messages_pending(id) {
            if let Err(e) = self.send_thin_messages(kernel, id, prefix) {
                crate::log_error!(errno = e.errno(); "{e}");
                first_error = Some(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Whether every parent of `id` that belongs to the prefix is
    /// suspended, a parent that presuspends `id` aside (libdm's
    /// `_children_suspended`, inverted).
    fn parents_suspended(&self, id: NodeId, prefix: Option<&str>) -> bool {
        if self.linked(Tree::ROOT, id) {
            return true;
        }
        self.links(id, true).iter().all(|p| {
            let n = self.node(*p);
            !uuid_prefix_matches(&n.uuid, prefix) || n.props.presuspend == Some(id) || n.info.suspended
        })
    }

    /// Suspends every node below `id` (in prefix), a node only once the
    /// parents in prefix are suspended (libdm's `dm_tree_suspend_children`).
    /// A thin pool with queued messages gets them instead of a suspend,
    /// and its children are then not suspended either.
    pub fn suspend_children(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<(), TreeError> {
        let children: Vec<NodeId> = self.links(id, false).iter().copied().filter(|c| *c != Tree::ROOT).collect();
        let mut first_error: Option<TreeError> = None;
        for &child in &children {
            let n = self.node(child);
            if !uuid_prefix_matches(&n.uuid, prefix) || !self.parents_suspended(child, prefix) {
                continue;
            }
            let mut info_task = dev_task(TaskType::Info, n);
            info_task.event_nr = 0;
            let info = info_task.run(kernel)?.info;
            if !info.exists || info.suspended {
                continue;
            }
            if self.thin_messages_pending(child) && first_error.is_none() {
                match self.send_thin_messages(kernel, child, prefix) {
                    Ok(()) => {
                        crate::log_debug!("Sent messages to thin-pool {} and skipping suspend of its children.", self.node_label(child));
                        self.nodes[child.0].props.skip_suspend = true;
                    }
                    Err(e) => {
                        crate::log_error!(errno = e.errno(); "{e}");
                        first_error = Some(e);
                    }
                }
                continue;
            }
            let name = self.node(child).name.clone();
            crate::log_verbose!(
                "Suspending {name} ({}:{}){}{}",
                info.major,
                info.minor,
                if self.settings.skip_lockfs { "" } else { " with filesystem sync" },
                if self.settings.no_flush { "" } else { " with device flush" }
            );
            let mut t = dev_task(TaskType::Suspend, self.node(child));
            t.skip_lockfs = self.settings.skip_lockfs;
            t.no_flush = self.settings.no_flush;
            match t.run(kernel) {
                Ok(out) => {
                    if kernel.has_device_nodes() {
                        super::count_suspended(1);
                    }
                    self.set_info(child, out.info);
                }
                Err(e) => {
                    crate::log_error!(errno = e.errno(); "Unable to suspend {name} ({}:{})", info.major, info.minor);
                    first_error.get_or_insert(TreeError::from(e));
                }
            }
        }
        for &child in &children {
            let n = self.node(child);
            if n.props.skip_suspend || !uuid_prefix_matches(&n.uuid, prefix) {
                continue;
            }
            if self.num_children(child, false) > 0 {
                self.suspend_children(kernel, child, prefix)?;
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Whether every in-prefix parent of `id` still there has no opener
    /// (libdm's `_node_has_closed_parents`).
    fn parents_closed(&self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<bool, TreeError> {
        for p in self.links(id, true) {
            let n = self.node(*p);
            if *p == Tree::ROOT || !uuid_prefix_matches(&n.uuid, prefix) {
                continue;
            }
            let info = dev_task(TaskType::Info, n).run(kernel)?.info;
            if info.exists && info.open_count > 0 {
                crate::log_debug!("Node {} {}:{} has open_count {}", prefix.unwrap_or(""), n.major, n.minor, info.open_count);
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Removes every node below `id` (in prefix), top-down (libdm's
    /// `dm_tree_deactivate_children`).
    pub fn deactivate_children(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, on: OnEvent<'_>) -> Result<(), TreeError> {
        self.deactivate_level(kernel, id, prefix, 0, on)
    }

    fn deactivate_level(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, level: usize, on: OnEvent<'_>) -> Result<(), TreeError> {
        let children: Vec<NodeId> = self.links(id, false).iter().copied().filter(|c| *c != Tree::ROOT).collect();
        let mut first_error = None;
        for child in children {
            if !uuid_prefix_matches(&self.node(child).uuid, prefix) {
                continue;
            }
            let info = self.refresh(kernel, child)?;
            if !info.exists {
                // Gone already (removed by an earlier, interrupted call on
                // this tree): what it used may still be there. (libdm stops
                // here; a tree read from the kernel has no children below a
                // missing device, so this only finishes an interrupted run.)
                if self.num_children(child, false) > 0 {
                    self.deactivate_level(kernel, child, prefix, level + 1, on)?;
                }
                continue;
            }
            let name = self.node(child).name.clone();
            if info.open_count > 0 {
                // Internal devices below the top level stay while open.
                if level > 0 {
                    continue;
                }
                if !self.settings.retry_remove {
                    let e = TreeError::Invalid(format!("Unable to deactivate open {name} ({}:{}).", info.major, info.minor));
                    crate::log_error!(errno = libc::EBUSY; "{e}");
                    first_error.get_or_insert(e);
                    continue;
                }
                if let Some(reason) = crate::udev::in_use_reason(info.major, info.minor) {
                    let e = TreeError::Invalid(format!("Device {name} ({}:{}) {reason}.", info.major, info.minor));
                    crate::log_error!(errno = libc::EBUSY; "{e}");
                    first_error.get_or_insert(e);
                    continue;
                }
            }
            if let Some(pre) = self.node(child).props.presuspend {
                if !self.parents_closed(kernel, pre, prefix)? {
                    if level == 0 {
                        let e = TreeError::Invalid(format!("Unable to deactivate open {name} ({}:{}).", info.major, info.minor));
                        crate::log_error!(errno = libc::EBUSY; "{e}");
                        first_error.get_or_insert(e);
                    }
                    continue;
                }
                if self.suspend_children(kernel, child, prefix).is_err() {
                    continue;
                }
            }
            if let Err(e) = self.remove(kernel, child, level == 0 && self.settings.retry_remove) {
                crate::log_error!(errno = e.errno(); "Unable to deactivate {name} ({}:{}).", info.major, info.minor);
                first_error.get_or_insert(e);
                continue;
            }
            if info.suspended && info.live_table && kernel.has_device_nodes() {
                super::count_suspended(-1);
            }
            if self.node(child).callback && !on(child, NodeEvent::Deactivated) {
                crate::log_debug!("Deactivate callback of {name} reported failure");
            }
            if self.num_children(child, false) > 0 {
                self.deactivate_level(kernel, child, prefix, level + 1, on)?;
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::{AreaDevice, Target};
    use crate::tree::test_support::{ops, traced};

    /// top (linear) -> mid (linear) -> bottom (zero), all new.
    fn stack(tree: &mut Tree) -> (NodeId, NodeId, NodeId) {
        let bottom = tree.add_new_dev("bottom", "T-bottom", 0, 0, false, 0).unwrap();
        tree.add_segment(bottom, 16, Target::Zero);
        let mid = tree.add_new_dev("mid", "T-mid", 0, 0, false, 0).unwrap();
        tree.add_segment(mid, 16, Target::Linear);
        tree.add_area(mid, AreaDevice::Node(bottom), 0).unwrap();
        let top = tree.add_new_dev("top", "T-top", 0, 0, false, 0).unwrap();
        tree.add_segment(top, 8, Target::Linear);
        tree.add_area(top, AreaDevice::Node(mid), 8).unwrap();
        (top, mid, bottom)
    }

    #[test]
    fn preload_creates_bottom_up_and_resumes_only_what_parents_need() {
        let (k, log) = traced();
        let mut tree = Tree::new();
        stack(&mut tree);
        tree.preload_children(&k, Tree::ROOT, Some("T-"), &mut |_, _| true).unwrap();
        assert_eq!(
            ops(&log),
            [
                "DM_DEV_CREATE bottom", "DM_TABLE_LOAD 253:0", "DM_DEV_SUSPEND 253:0",
                "DM_DEV_CREATE mid", "DM_TABLE_LOAD 253:1", "DM_DEV_SUSPEND 253:1",
                "DM_DEV_CREATE top", "DM_TABLE_LOAD 253:2",
            ]
        );
        tree.activate_children(&k, Tree::ROOT, Some("T-")).unwrap();
        assert_eq!(ops(&log), ["DM_DEV_SUSPEND 253:2"], "activate resumes the top");
    }

    #[test]
    fn the_top_table_maps_onto_the_numbers_its_children_got() {
        let (k, _log) = traced();
        let mut tree = Tree::new();
        let (top, _, _) = stack(&mut tree);
        tree.preload_children(&k, Tree::ROOT, None, &mut |_, _| true).unwrap();
        assert_eq!(tree.table(top).unwrap(), vec![(0, 8, "linear".to_string(), "253:1 8".to_string())]);
    }

    #[test]
    fn suspend_goes_top_down_and_deactivate_removes_top_down() {
        let (k, log) = traced();
        let mut tree = Tree::new();
        stack(&mut tree);
        tree.preload_children(&k, Tree::ROOT, None, &mut |_, _| true).unwrap();
        tree.activate_children(&k, Tree::ROOT, None).unwrap();
        ops(&log);
        tree.suspend_children(&k, Tree::ROOT, None).unwrap();
        assert_eq!(
            ops(&log),
            ["DM_DEV_STATUS 253:2", "DM_DEV_SUSPEND 253:2", "DM_DEV_STATUS 253:1", "DM_DEV_SUSPEND 253:1", "DM_DEV_STATUS 253:0", "DM_DEV_SUSPEND 253:0"],
            "each device's state is read just before its suspend, as libdm does"
        );
        tree.activate_children(&k, Tree::ROOT, None).unwrap();
        assert_eq!(ops(&log), ["DM_DEV_SUSPEND 253:0", "DM_DEV_SUSPEND 253:1", "DM_DEV_SUSPEND 253:2"], "resume bottom-up");
        // Callbacks run only for nodes whose caller registered one.
        let registered: Vec<NodeId> = tree.ids().skip(1).collect();
        for id in &registered[1..] {
            tree.set_callback_registered(*id, true);
        }
        let mut gone = Vec::new();
        tree.deactivate_children(&k, Tree::ROOT, None, &mut |id, _| {
            gone.push(id);
            true
        })
        .unwrap();
        let removes: Vec<String> = ops(&log).into_iter().filter(|o| o.starts_with("DM_DEV_REMOVE")).collect();
        assert_eq!(removes, ["DM_DEV_REMOVE 253:2", "DM_DEV_REMOVE 253:1", "DM_DEV_REMOVE 253:0"]);
        assert_eq!(gone, [registered[2], registered[1]], "the two nodes with a callback, in removal order (top, mid)");
    }

    #[test]
    fn a_failed_load_removes_the_device_preload_created() {
        let (k, log) = traced();
        let mut tree = Tree::new();
        let bad = tree.add_new_dev("bad", "T-bad", 0, 0, false, 0).unwrap();
        tree.add_segment(bad, 8, Target::Linear);
        tree.add_area(bad, AreaDevice::Dev(7, 0), 0).unwrap();
        // Break the table: a linear target with two areas.
        tree.add_area(bad, AreaDevice::Dev(7, 1), 0).unwrap();
        assert!(tree.preload_children(&k, Tree::ROOT, None, &mut |_, _| true).is_err());
        assert_eq!(ops(&log), ["DM_DEV_CREATE bad", "DM_DEV_REMOVE 253:0"]);
    }

    /// The simulated kernel with the Nth request (1-based) failing with EIO.
    struct FailNth {
        inner: crate::kernel::Traced,
        n: usize,
        seen: std::sync::atomic::AtomicUsize,
    }

    impl Kernel for FailNth {
        fn execute(&self, request: &crate::kernel::Request) -> Result<crate::kernel::Reply, crate::kernel::KernelError> {
            if self.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == self.n {
                return Err(crate::kernel::KernelError::Ioctl { command: request.command.ioctl_name(), errno: libc::EIO });
            }
            self.inner.execute(request)
        }
    }

    #[test]
    fn a_failed_resume_in_preload_removes_the_device_it_created_and_goes_on() {
        let (k, log) = traced();
        // The 3rd request is the bottom's resume (create, load, resume);
        // the simulated kernel then gives the freed minor to the sibling.
        let k = FailNth { inner: k, n: 3, seen: Default::default() };
        let mut tree = Tree::new();
        let bottom = tree.add_new_dev("bottom", "T-bottom", 0, 0, false, 0).unwrap();
        tree.add_segment(bottom, 16, Target::Zero);
        let other = tree.add_new_dev("other", "T-other", 0, 0, false, 0).unwrap();
        tree.add_segment(other, 16, Target::Zero);
        let top = tree.add_new_dev("top", "T-top", 0, 0, false, 0).unwrap();
        tree.add_segment(top, 8, Target::Linear);
        tree.add_area(top, AreaDevice::Node(bottom), 0).unwrap();
        tree.add_segment(top, 8, Target::Linear);
        tree.add_area(top, AreaDevice::Node(other), 0).unwrap();
        assert!(tree.preload_children(&k, top, None, &mut |_, _| true).is_err());
        assert_eq!(
            ops(&log),
            [
                "DM_DEV_CREATE bottom", "DM_TABLE_LOAD 253:0", "DM_DEV_REMOVE 253:0",
                "DM_DEV_CREATE other", "DM_TABLE_LOAD 253:0", "DM_DEV_SUSPEND 253:0",
                "DM_DEV_REMOVE 253:0",
            ],
            "the failed resume (not traced: failed below the trace) is followed by the remove; the sibling is still preloaded, then removed with everything the failed preload created"
        );
    }

    #[test]
    fn prefixes_match_with_and_without_the_default_prefix() {
        assert!(uuid_prefix_matches("LVM-abc", Some("LVM-a")));
        assert!(uuid_prefix_matches("abcdef", Some("LVM-abc")), "an old uuid without LVM-");
        assert!(!uuid_prefix_matches("LVM-xyz", Some("LVM-a")));
        assert!(uuid_prefix_matches("anything", None));
    }
}
