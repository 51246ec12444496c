//! The four phases over a tree, in libdm's order:
//! - preload: bottom-up; create missing devices, load new tables, and
//!   resume a device now only when a parent in the tree needs it live;
//! - activate: bottom-up; renames first, then resumes by priority;
//! - suspend: top-down; a device only once its in-prefix parents are;
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

impl Tree {
    fn set_info(&mut self, id: NodeId, info: Info) {
        let n = &mut self.nodes[id.0];
        n.info = info;
        n.major = info.major;
        n.minor = info.minor;
        self.by_dev.insert((info.major, info.minor), id);
    }

    fn create(&mut self, kernel: &dyn Kernel, id: NodeId) -> Result<(), TreeError> {
        let n = self.node(id);
        let mut t = Task::new(TaskType::Create);
        t.name = Some(n.name.clone());
        t.uuid = Some(n.uuid.clone());
        if n.major != 0 || n.minor != 0 {
            t.major = Some(n.major);
            t.minor = Some(n.minor);
        }
        t.read_only = n.props.read_only;
        let out = t.run(kernel)?;
        self.set_info(id, out.info);
        self.sync_node(kernel, id, NodeChange::Add, None);
        Ok(())
    }

    fn load(&mut self, kernel: &dyn Kernel, id: NodeId) -> Result<(), TreeError> {
        let lines = self.table(id)?;
        let n = self.node(id);
        let mut t = dev_task(TaskType::Reload, n);
        t.read_only = n.props.read_only;
        t.suppress_identical_reload = n.info.live_table;
        let new_size: u64 = lines.iter().map(|l| l.1).sum();
        for (start, len, ty, params) in &lines {
            t.add_target(*start, *len, ty, params);
        }
        let out = t.run(kernel)?;
        // A live table was read first (suppression): its size.
        let old_size = out.existing_table_size;
        let delayed = old_size.is_none() && n.props.delay_resume_if_new;
        let old = old_size.unwrap_or(0);
        let changed = match new_size.cmp(&old) {
            _ if delayed => 0,
            std::cmp::Ordering::Greater => 1,
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
        };
        self.nodes[id.0].props.size_changed = changed;
        self.set_info(id, out.info);
        Ok(())
    }

    pub(super) fn resume(&mut self, kernel: &dyn Kernel, id: NodeId) -> Result<(), TreeError> {
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
        let mut t = dev_task(TaskType::Remove, self.node(id));
        t.retry_remove = retry;
        let (_, cookie) = self.run_uevent(kernel, id, t)?;
        self.nodes[id.0].info = Info { major: self.node(id).major, minor: self.node(id).minor, ..Info::default() };
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

    /// Creates and loads every new or changed node below `id` (in prefix),
    /// children first. A child is resumed now only when a parent in the
    /// tree maps onto it and its size changed (a new device grows from
    /// nothing), unless it is a new device whose first resume is delayed
    /// (mirrors, pvmove). A thin pool created here must have the
    /// transaction id its table names, or be one behind.
    ///
    /// On failure every device this call created is removed again (newest
    /// first), so a failed preload leaves the kernel as it found it.
    pub fn preload_children(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, on: &mut dyn FnMut(NodeId, NodeEvent) -> bool) -> Result<(), TreeError> {
        let mut created = Vec::new();
        let result = self.preload_level(kernel, id, prefix, on, &mut created);
        if result.is_err() {
            for node in created.into_iter().rev() {
                if self.node(node).info.exists {
                    crate::log_verbose!("Removing {}, created by the failed preload.", self.node(node).name);
                    self.revert_created(kernel, node);
                }
            }
        }
        result
    }

    fn preload_level(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, on: &mut dyn FnMut(NodeId, NodeEvent) -> bool, made: &mut Vec<NodeId>) -> Result<(), TreeError> {
        let mut first_error = None;
        for child in self.links(id, false).to_vec() {
            if child == Tree::ROOT {
                continue;
            }
            let n = self.node(child);
            // Devices that exist but are not device-mapper ones.
            if !n.info.exists && n.uuid.is_empty() {
                continue;
            }
            if n.info.exists && !uuid_prefix_matches(&n.uuid, prefix) {
                continue;
            }
            if self.num_children(child, false) > 0 {
                self.preload_level(kernel, child, prefix, on, made)?;
            }
            let mut created = false;
            if !self.node(child).info.exists {
                self.create(kernel, child)?;
                made.push(child);
                created = true;
            }
            if !self.node(child).info.inactive_table && !self.node(child).props.segments.is_empty() {
                if let Err(e) = self.load(kernel, child) {
                    if created {
                        // Undo the create: nothing this call made stays behind.
                        if let Err(undo) = self.remove(kernel, child, false) {
                            crate::log_error!(errno = libc::EIO; "Failed to remove {} after a failed load: {undo}", self.node(child).name);
                        }
                    }
                    return Err(e);
                }
            }
            // No resume for a device without parents.
            if self.num_children(child, true) == 0 {
                continue;
            }
            let changed = self.node(child).props.size_changed;
            let parent_changed = &mut self.nodes[id.0].props.size_changed;
            if changed > 0 && *parent_changed == 0 {
                *parent_changed = 1;
            } else if changed < 0 {
                *parent_changed = -1;
            }
            let n = self.node(child);
            if changed == 0 || (!n.info.inactive_table && !n.info.suspended) {
                continue;
            }
            let had_live_table = n.info.live_table;
            if let Err(e) = self.resume(kernel, child) {
                crate::log_error!(errno = e.errno(); "Unable to resume {}: {e}", self.node(child).name);
                // Never active before: remove it rather than leave it half made.
                if !had_live_table {
                    if let Err(undo) = self.remove(kernel, child, false) {
                        crate::log_error!(errno = undo.errno(); "Failed to remove {}: {undo}", self.node(child).name);
                    }
                }
                first_error.get_or_insert(e);
                continue;
            }
            if created && self.thin_pool(child).is_some_and(|p| p.transaction_id != 0) {
                if let Err(e) = self.thin_transaction(kernel, child, prefix) {
                    crate::log_error!(errno = libc::EINVAL; "{e}");
                    self.revert_created(kernel, child);
                    first_error.get_or_insert(e);
                    continue;
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        if !self.node(id).info.exists && !on(id, NodeEvent::Preloaded) {
            return Err(TreeError::Invalid(format!("Preload callback of {} failed", self.node(id).name)));
        }
        Ok(())
    }

    /// Takes down a device this preload created and resumed (suspend, then
    /// remove), so a failed check leaves nothing behind.
    fn revert_created(&mut self, kernel: &dyn Kernel, id: NodeId) {
        if let Err(e) = self.remove(kernel, id, false) {
            crate::log_error!(errno = e.errno(); "Failed to remove {} while reverting: {e}", self.node(id).name);
        }
    }

    /// Resumes every node below `id` (in prefix) that has a table waiting or
    /// is suspended, children first, by activation priority; renames first.
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
        for &child in &children {
            if uuid_prefix_matches(&self.node(child).uuid, prefix) && self.num_children(child, false) > 0 {
                self.activate_children(kernel, child, prefix)?;
            }
        }
        for priority in 0..3u8 {
            for &child in &children {
                let n = self.node(child);
                if n.props.activation_priority != priority || n.uuid.is_empty() || !uuid_prefix_matches(&n.uuid, prefix) {
                    continue;
                }
                if let Some(new) = n.props.new_name.clone() {
                    let mut t = dev_task(TaskType::Rename, n);
                    t.major = None;
                    t.minor = None;
                    t.name = Some(n.name.clone());
                    t.new_name = Some(new.clone());
                    let (_, cookie) = self.run_uevent(kernel, child, t)?;
                    let node = &mut self.nodes[child.0];
                    let old = std::mem::replace(&mut node.name, new);
                    node.props.new_name = None;
                    self.sync_node(kernel, child, NodeChange::Rename(old), cookie);
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
                    crate::log_error!(errno = libc::EIO; "Unable to resume {}: {e}", self.node(child).name);
                    first_error.get_or_insert(e);
                    continue;
                }
                // Messages still queued for a pool (one made by this
                // preload, never suspended since) go once it is live.
                if first_error.is_none() && self.thin_messages_pending(child) {
                    if let Err(e) = self.send_thin_messages(kernel, child, prefix) {
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Whether every in-prefix parent of `id` is suspended.
    fn parents_suspended(&self, id: NodeId, prefix: Option<&str>) -> bool {
        self.links(id, true).iter().all(|p| {
            let n = self.node(*p);
            *p == Tree::ROOT || !uuid_prefix_matches(&n.uuid, prefix) || !n.info.exists || n.info.suspended
        })
    }

    /// Suspends every node below `id` (in prefix), a node only once the
    /// parents in prefix are suspended.
    pub fn suspend_children(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<(), TreeError> {
        let children: Vec<NodeId> = self.links(id, false).iter().copied().filter(|c| *c != Tree::ROOT).collect();
        let mut first_error = None;
        let mut skip = Vec::new();
        for &child in &children {
            let n = self.node(child);
            if n.uuid.is_empty() || !uuid_prefix_matches(&n.uuid, prefix) || !self.parents_suspended(child, prefix) {
                continue;
            }
            if !n.info.exists || n.info.suspended {
                continue;
            }
            // A thin pool with queued messages: send them now that the thin
            // volumes above it are suspended, and suspend neither the pool
            // nor its data and metadata devices (origin-only).
            if self.thin_messages_pending(child) {
                if first_error.is_none() {
                    match self.send_thin_messages(kernel, child, prefix) {
                        Ok(()) => {
                            crate::log_debug!("Sent messages to thin-pool {} and skipping suspend of its children.", self.node(child).name);
                            skip.push(child);
                        }
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                continue;
            }
            if let Some(pre) = n.props.presuspend {
                self.suspend_children(kernel, pre, prefix)?;
            }
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
                    crate::log_error!(errno = e.errno(); "Unable to suspend {}: {e}", self.node(child).name);
                    first_error.get_or_insert(TreeError::from(e));
                }
            }
        }
        for &child in &children {
            let n = self.node(child);
            if skip.contains(&child) || n.uuid.is_empty() || !uuid_prefix_matches(&n.uuid, prefix) || !self.parents_suspended(child, prefix) {
                continue;
            }
            if self.num_children(child, false) > 0 {
                self.suspend_children(kernel, child, prefix)?;
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Removes every node below `id` (in prefix), top-down.
    pub fn deactivate_children(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, on: &mut dyn FnMut(NodeId, NodeEvent) -> bool) -> Result<(), TreeError> {
        self.deactivate_level(kernel, id, prefix, 0, on)
    }

    fn deactivate_level(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, level: usize, on: &mut dyn FnMut(NodeId, NodeEvent) -> bool) -> Result<(), TreeError> {
        let children: Vec<NodeId> = self.links(id, false).iter().copied().filter(|c| *c != Tree::ROOT).collect();
        let mut first_error = None;
        for child in children {
            let n = self.node(child);
            if n.uuid.is_empty() || !uuid_prefix_matches(&n.uuid, prefix) {
                continue;
            }
            let info = match self.refresh(kernel, child) {
                Ok(i) if i.exists => i,
                // Gone already (removed by an earlier, interrupted call, or
                // never made): what it would have used may still be there.
                Ok(_) => {
                    if self.num_children(child, false) > 0 {
                        self.deactivate_level(kernel, child, prefix, level + 1, on)?;
                    }
                    continue;
                }
                Err(_) => continue,
            };
            let name = self.node(child).name.clone();
            if info.open_count > 0 {
                if level > 0 {
                    continue;
                }
                if !self.settings.retry_remove {
                    let e = TreeError::Invalid(format!("Unable to deactivate open {name} ({}:{})", info.major, info.minor));
                    crate::log_error!(errno = libc::EBUSY; "{e}");
                    first_error.get_or_insert(e);
                    continue;
                }
            }
            if let Some(pre) = self.node(child).props.presuspend {
                self.suspend_children(kernel, pre, prefix)?;
            }
            if let Err(e) = self.remove(kernel, child, level == 0 && self.settings.retry_remove) {
                crate::log_error!(errno = libc::EBUSY; "Unable to deactivate {name} ({}:{}): {e}", info.major, info.minor);
                first_error.get_or_insert(e);
                continue;
            }
            if !on(child, NodeEvent::Deactivated) {
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
        assert_eq!(ops(&log), ["DM_DEV_SUSPEND 253:2", "DM_DEV_SUSPEND 253:1", "DM_DEV_SUSPEND 253:0"]);
        tree.activate_children(&k, Tree::ROOT, None).unwrap();
        assert_eq!(ops(&log), ["DM_DEV_SUSPEND 253:0", "DM_DEV_SUSPEND 253:1", "DM_DEV_SUSPEND 253:2"], "resume bottom-up");
        let mut gone = Vec::new();
        tree.deactivate_children(&k, Tree::ROOT, None, &mut |id, _| {
            gone.push(id);
            true
        })
        .unwrap();
        let removes: Vec<String> = ops(&log).into_iter().filter(|o| o.starts_with("DM_DEV_REMOVE")).collect();
        assert_eq!(removes, ["DM_DEV_REMOVE 253:2", "DM_DEV_REMOVE 253:1", "DM_DEV_REMOVE 253:0"]);
        assert_eq!(gone.len(), 3);
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
