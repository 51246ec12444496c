//! The dependency tree ("deptree"): an arena of nodes joined by index
//! edges. A node *uses* its children (the devices its table maps onto) and
//! is *used by* its parents. As in libdm, the root links both ends: it uses
//! the top-level devices (those nothing in the tree uses), and the
//! bottom-level devices (those that use nothing) use the root; such a
//! node counts as having no children.
//!
//! This stage builds the tree from what the kernel reports (add_dev reads
//! INFO and DEPS recursively); planning and running preload, suspend,
//! activate and deactivate come with the deptree stage.

use std::collections::HashMap;

use crate::kernel::{decode_dev, Kernel};
use crate::udev::cookie::UdevFlags;
mod builders;
mod phases;
mod off_tree;
mod plan;
pub mod query;
mod thin_pool;
mod udev_sync;
#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod test_support;

pub use builders::CacheRequest;
pub use plan::Phase;
pub use thin_pool::Transaction;

pub use phases::{uuid_prefix_matches, NodeEvent, DEFAULT_UUID_PREFIX};

use crate::task::{Info, Task, TaskError, TaskType};

/// Devices the tree phases suspended and have not resumed, process-wide
/// (libdm's suspended-device counter: only deptree suspends count, as in
/// the C library; a table load while it is non-zero is reported).
static SUSPENDED: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// The suspended-device counter (`dm_get_suspended_counter`).
pub fn suspended_counter() -> i32 {
    SUSPENDED.load(std::sync::atomic::Ordering::Relaxed)
}

fn count_suspended(delta: i32) {
    let now = SUSPENDED.fetch_add(delta, std::sync::atomic::Ordering::Relaxed) + delta;
    crate::log_debug!("Suspended device counter {} to {now}", if delta > 0 { "increased" } else { "decreased" });
}

/// The udev flags a device added only as a dependency gets on top of its
/// parent's: DM_UDEV_DISABLE_SUBSYSTEM_RULES_FLAG,
/// DM_UDEV_DISABLE_DISK_RULES_FLAG and DM_UDEV_DISABLE_OTHER_RULES_FLAG.
pub const IMPLICIT_DEP_UDEV_FLAGS: u16 = UdevFlags::DISABLE_SUBSYSTEM_RULES.bits() | UdevFlags::DISABLE_DISK_RULES.bits() | UdevFlags::DISABLE_OTHER_RULES.bits();

/// A node's index in its tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(pub usize);

/// One device in the tree.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Device name ("" for the root and for devices that are not dm devices).
    pub name: String,
    /// Device uuid.
    pub uuid: String,
    /// State as last read (exists = false for non-dm devices and the root).
    pub info: Info,
    /// Block major and minor.
    pub major: u32,
    /// Block minor.
    pub minor: u32,
    /// udev flags for operations on this node.
    pub udev_flags: u16,
    /// Devices this one uses, in the order found.
    pub uses: Vec<NodeId>,
    /// Devices that use this one.
    pub used_by: Vec<NodeId>,
    /// What the caller wants it to become (empty for nodes only read).
    pub props: Props,
    /// Added only as a dependency of another device (add_dev below the
    /// device asked for): its udev flags keep udev's other rules off.
    pub implicit_deps: bool,
    /// Devices preload created below this node, oldest first (reverted
    /// together, newest first, when preload fails at this level).
    pub activated: Vec<NodeId>,
    /// The caller registered a callback for this node (the phases call
    /// theirs only for such nodes; a revert drops it).
    pub callback: bool,
    /// A phase removed the node's device (its `info` keeps the state it
    /// had, as libdm's does).
    pub removed: bool,
}

/// A dependency tree.
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Vec<Node>,
    by_dev: HashMap<(u32, u32), NodeId>,
    by_uuid: HashMap<String, NodeId>,
    /// Settings that apply to every node.
    pub settings: TreeSettings,
    optional_uuid_suffixes: Vec<String>,
    /// The udev cookie the tree's operations share (0: none yet).
    pub cookie: u32,
    /// During activate: the layers each node's new table drops.
    off_tree: HashMap<NodeId, Vec<(u32, u32)>>,
    /// Every device preload created, in order.
    created: Vec<NodeId>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl Tree {
    /// The root of every tree.
    pub const ROOT: NodeId = NodeId(0);

    /// A tree holding only its root.
    pub fn new() -> Tree {
        Tree { nodes: vec![Node::default()], by_dev: HashMap::new(), by_uuid: HashMap::new(), settings: TreeSettings::default(), optional_uuid_suffixes: Vec::new(), cookie: 0, off_tree: HashMap::new(), created: Vec::new() }
    }

    /// A node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// Every node id, the root first.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> {
        (0..self.nodes.len()).map(NodeId)
    }

    /// The node of a device number (0:0 is the root).
    pub fn find(&self, major: u32, minor: u32) -> Option<NodeId> {
        if major == 0 && minor == 0 {
            return Some(Tree::ROOT);
        }
        self.by_dev.get(&(major, minor)).copied()
    }

    /// The node with this uuid; failing that, libdm's fallbacks: the uuid
    /// without one of the tree's optional suffixes ("-suffix" at its end),
    /// and an "LVM-" uuid without that prefix (devices made before it).
    pub fn find_by_uuid(&self, uuid: &str) -> Option<NodeId> {
        if uuid.is_empty() {
            return Some(Tree::ROOT);
        }
        let exact = |u: &str| self.by_uuid.get(u).copied();
        let with_old_prefix = |u: &str| exact(u).or_else(|| u.strip_prefix(phases::DEFAULT_UUID_PREFIX).and_then(exact));
        if let Some(id) = with_old_prefix(uuid) {
            return Some(id);
        }
        let (base, suffix) = uuid.rsplit_once('-')?;
        if self.optional_uuid_suffixes.iter().any(|s| s == suffix) {
            return with_old_prefix(base);
        }
        None
    }

    /// Suffixes a uuid looked up may carry that the device's uuid lacks
    /// (`dm_tree_set_optional_uuid_suffixes`).
    pub fn set_optional_uuid_suffixes(&mut self, suffixes: Vec<String>) {
        self.optional_uuid_suffixes = suffixes;
    }

    /// The links of a node: what it uses (`inverted` = false) or what uses
    /// it, in the order made, the root included where it stands for "top"
    /// or "bottom" (what `dm_tree_next_child` walks).
    pub fn links(&self, id: NodeId, inverted: bool) -> &[NodeId] {
        let n = self.node(id);
        if inverted {
            &n.used_by
        } else {
            &n.uses
        }
    }

    /// The children (or, inverted, the parents) of a node, without the root.
    pub fn neighbours(&self, id: NodeId, inverted: bool) -> Vec<NodeId> {
        self.links(id, inverted).iter().copied().filter(|n| *n != Tree::ROOT || id == Tree::ROOT).collect()
    }

    /// libdm's count of children: none for a bottom-level node (or, inverted,
    /// for a top-level one).
    pub fn num_children(&self, id: NodeId, inverted: bool) -> usize {
        let linked_to_root = if inverted {
            self.linked(Tree::ROOT, id)
        } else {
            self.linked(id, Tree::ROOT)
        };
        if linked_to_root {
            0
        } else {
            self.links(id, inverted).len()
        }
    }

    /// Whether `parent` uses `child`, asked of the shorter of the two lists
    /// (the root's are as long as the tree is wide), so that building a
    /// tree stays linear in its size.
    fn linked(&self, parent: NodeId, child: NodeId) -> bool {
        let (uses, used_by) = (&self.nodes[parent.0].uses, &self.nodes[child.0].used_by);
        if uses.len() <= used_by.len() {
            uses.contains(&child)
        } else {
            used_by.contains(&parent)
        }
    }

    fn link_nodes(&mut self, parent: NodeId, child: NodeId) {
        if !self.linked(parent, child) {
            self.nodes[parent.0].uses.push(child);
            self.nodes[child.0].used_by.push(parent);
        }
    }

    /// Removes the link `parent` -> `child` (there is at most one), keeping
    /// the order of the others. Searched from the end: the link removed is
    /// usually one made just before (a new node leaving the root's levels).
    fn unlink_nodes(&mut self, parent: NodeId, child: NodeId) {
        if !self.linked(parent, child) {
            return;
        }
        let uses = &mut self.nodes[parent.0].uses;
        if let Some(i) = uses.iter().rposition(|c| *c == child) {
            uses.remove(i);
        }
        let used_by = &mut self.nodes[child.0].used_by;
        if let Some(i) = used_by.iter().rposition(|p| *p == parent) {
            used_by.remove(i);
        }
    }

    /// Links `parent` -> `child` keeping libdm's top and bottom levels: the
    /// root adopts a device only while nothing else uses it, and a device
    /// uses the root only while it uses nothing else.
    fn link(&mut self, parent: NodeId, child: NodeId) {
        if parent == Tree::ROOT {
            if self.num_children(child, true) > 0 {
                return;
            }
        } else {
            self.unlink_nodes(Tree::ROOT, child);
        }
        if child == Tree::ROOT {
            if self.num_children(parent, false) > 0 {
                return;
            }
        } else {
            self.unlink_nodes(parent, Tree::ROOT);
        }
        self.link_nodes(parent, child);
    }

    fn insert(&mut self, node: Node) -> NodeId {
        let id = NodeId(self.nodes.len());
        self.by_dev.insert((node.major, node.minor), id);
        if !node.uuid.is_empty() {
            self.by_uuid.entry(node.uuid.clone()).or_insert(id);
        }
        self.nodes.push(node);
        id
    }

    /// Adds the device major:minor and, recursively, every device its live
    /// table uses (libdm's `dm_tree_add_dev`). A device the kernel does not
    /// know as a dm device becomes a leaf with `exists = false`.
    pub fn add_dev(&mut self, kernel: &dyn Kernel, major: u32, minor: u32, udev_flags: u16) -> Result<NodeId, TaskError> {
        self.add_dev_under(kernel, Tree::ROOT, (major, minor), udev_flags, false, 0)
    }

    /// Adds the device major:minor below `parent` (an area given by device
    /// path), reading what it uses as [`Tree::add_dev`] does.
    pub fn add_dev_below(&mut self, kernel: &dyn Kernel, parent: NodeId, major: u32, minor: u32) -> Result<NodeId, TaskError> {
        self.add_dev_under(kernel, parent, (major, minor), 0, false, 0)
    }

    fn add_dev_under(
        &mut self,
        kernel: &dyn Kernel,
        parent: NodeId,
        (major, minor): (u32, u32),
        udev_flags: u16,
        implicit: bool,
        depth: usize,
    ) -> Result<NodeId, TaskError> {
        if let Some(id) = self.find(major, minor).filter(|id| *id != Tree::ROOT) {
            // Asked for explicitly now: its own flags, not a dependency's.
            if !implicit && self.nodes[id.0].implicit_deps {
                self.nodes[id.0].udev_flags = udev_flags;
                self.nodes[id.0].implicit_deps = false;
            }
            self.link(parent, id);
            return Ok(id);
        }
        if depth > 256 {
            return Err(TaskError::Invalid(format!("Device {major}:{minor}: dependency chain too deep")));
        }
        let mut deps = Task::new(TaskType::Deps);
        deps.major = Some(major);
        deps.minor = Some(minor);
        // A device of another major is no dm device: a leaf, unasked.
        let result = match kernel.dm_major() {
            Some(dm) if dm != major => Err(TaskError::Ioctl {
                op: "deps",
                name: String::new(),
                uuid: String::new(),
                dev: Some((major, minor)),
                errno: libc::ENXIO,
            }),
            _ => deps.run(kernel),
        };
        let (node, uses) = match result {
            Ok(out) => (
                Node {
                    name: out.name,
                    uuid: out.uuid,
                    info: out.info,
                    major,
                    minor,
                    udev_flags,
                    implicit_deps: implicit,
                    ..Node::default()
                },
                out.deps,
            ),
            // Not a device-mapper device: a leaf.
            Err(e) if e.errno() == libc::ENXIO => {
                (Node { info: Info { major, minor, ..Info::default() }, major, minor, udev_flags, implicit_deps: implicit, ..Node::default() }, Vec::new())
            }
            Err(e) => return Err(e),
        };
        let id = self.insert(node);
        self.link(parent, id);
        if !self.node(id).info.exists || uses.is_empty() {
            self.link_nodes(id, Tree::ROOT);
        }
        // What a device uses is there only for it: udev's rules other than
        // device-mapper's own are kept off those (libdm's implicit deps).
        let dep_flags = udev_flags | IMPLICIT_DEP_UDEV_FLAGS;
        for dev in uses {
            let (ma, mi) = decode_dev(dev);
            self.add_dev_under(kernel, id, (ma, mi), dep_flags, true, depth + 1)?;
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::SimKernel;

    fn create(k: &SimKernel, name: &str, params: &[(&str, &str)]) -> (u32, u32) {
        let mut t = Task::new(TaskType::Create);
        t.name = Some(name.into());
        for (i, (ty, p)) in params.iter().enumerate() {
            t.add_target(i as u64 * 8, 8, ty, p);
        }
        let out = t.run(k).unwrap();
        (out.info.major, out.info.minor)
    }

    #[test]
    fn add_dev_reads_the_stack_below_a_device() {
        let k = SimKernel::new();
        let a = create(&k, "a", &[("linear", "7:0 0")]);
        let b = create(&k, "b", &[("linear", "7:0 8")]);
        let top = create(&k, "top", &[("linear", &format!("{}:{} 0", a.0, a.1)), ("linear", &format!("{}:{} 0", b.0, b.1))]);
        let mut tree = Tree::new();
        let id = tree.add_dev(&k, top.0, top.1, 0).unwrap();
        let names = |ids: &[NodeId]| ids.iter().map(|i| tree.node(*i).name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&tree.neighbours(Tree::ROOT, false)), ["top"]);
        assert_eq!(names(&tree.neighbours(id, false)), ["a", "b"]);
        let loop0 = tree.find(7, 0).unwrap();
        assert!(!tree.node(loop0).info.exists);
        assert_eq!(names(&tree.neighbours(loop0, true)), ["a", "b"]);
        assert_eq!(tree.num_children(loop0, false), 0, "a bottom-level node");
        assert_eq!(names(&tree.neighbours(Tree::ROOT, true)), [""], "the root is used by the loop device");
    }

    #[test]
    fn uuids_are_found_without_an_optional_suffix_or_the_lvm_prefix() {
        let mut tree = Tree::new();
        let a = tree.add_new_dev("a", "LVM-vg1lv1", 0, 0, false, 0).unwrap();
        let b = tree.add_new_dev("b", "oldstyle", 0, 0, false, 0).unwrap();
        assert_eq!(tree.find_by_uuid("LVM-vg1lv1-real"), None, "no suffixes set");
        tree.set_optional_uuid_suffixes(vec!["real".into(), "cow".into()]);
        assert_eq!(tree.find_by_uuid("LVM-vg1lv1-real"), Some(a));
        assert_eq!(tree.find_by_uuid("LVM-vg1lv1-cow"), Some(a));
        assert_eq!(tree.find_by_uuid("LVM-vg1lv1-pmspare"), None);
        assert_eq!(tree.find_by_uuid("LVM-oldstyle"), Some(b), "made before the LVM- prefix");
        assert_eq!(tree.find_by_uuid("LVM-oldstyle-real"), Some(b));
    }

    #[test]
    fn a_device_added_first_leaves_the_root_when_something_uses_it() {
        let k = SimKernel::new();
        let a = create(&k, "a", &[("zero", "")]);
        let top = create(&k, "top", &[("linear", &format!("{}:{} 0", a.0, a.1))]);
        let mut tree = Tree::new();
        tree.add_dev(&k, a.0, a.1, 0).unwrap();
        tree.add_dev(&k, top.0, top.1, 0).unwrap();
        let root_children: Vec<_> = tree.neighbours(Tree::ROOT, false).iter().map(|i| tree.node(*i).name.clone()).collect();
        assert_eq!(root_children, ["top"]);
    }
}

// ---- Building: devices to create or reload ------------------------------

use crate::targets::thin as thin_target;
use crate::targets::{Area, AreaDevice, MirrorLog, Segment, Target, TargetError, Thin, ThinMessage, ThinPool};

/// What the caller wants a node to become, and the per-node state the
/// phases keep (libdm's `load_properties`).
#[derive(Debug, Clone, Default)]
pub struct Props {
    /// Its new table.
    pub segments: Vec<Segment<NodeId>>,
    /// A table was described and is still to be loaded (libdm's
    /// `segment_count`: cleared once preload loaded it, so a second
    /// preload of the same tree loads nothing again).
    pub table_pending: bool,
    /// Load the table read-only.
    pub read_only: bool,
    /// The device number to create a new device with (a persistent
    /// number); None lets the kernel choose.
    pub requested_dev: Option<(u32, u32)>,
    /// The name it should have (a rename when it differs from the kernel's).
    pub new_name: Option<String>,
    /// Read-ahead and its flags (DM_READ_AHEAD_AUTO leaves it).
    pub read_ahead: Option<(u32, u32)>,
    /// Whether its size changed with the new table (+1 grew, -1 shrank).
    pub size_changed: i32,
    /// Resume order among siblings in activate: lower first (0..=2).
    pub activation_priority: u8,
    /// A node to suspend before this one is removed in deactivate.
    pub presuspend: Option<NodeId>,
    /// Delay the first resume of a new device until activate, even when a
    /// parent maps onto it (0: no; 1: this node; 2: this node and every
    /// node below it, as a core-log pvmove mirror asks).
    pub delay_resume_if_new: u8,
    /// Do not resume an existing device that grew in preload (a thin pool
    /// whose new size must wait for its transaction); set on a node whose
    /// child has it.
    pub delay_resume_if_extended: bool,
    /// Thin pools: 0 nothing to do, 1 check the transaction id of a new
    /// pool, 2 messages queued (sent while suspending, or once activate
    /// reaches the pool).
    pub send_messages: u8,
    /// Suspend skipped this node's children (its messages were sent
    /// instead).
    pub skip_suspend: bool,
    /// Flush the node operations (udev) as soon as its level is preloaded
    /// (the log of a clustered mirror).
    pub immediate_dev_node: bool,
}

impl Props {
    /// Whether the queued thin-pool messages are still to be sent.
    pub fn thin_messages_pending(&self) -> bool {
        self.send_messages > 1
    }
}

/// Settings of a whole tree.
#[derive(Debug, Clone, Copy, Default)]
pub struct TreeSettings {
    /// Suspend without freezing filesystems.
    pub skip_lockfs: bool,
    /// Suspend without flushing.
    pub no_flush: bool,
    /// Retry removal of busy top-level devices.
    pub retry_remove: bool,
}

/// Why a tree operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// A kernel request failed.
    #[error(transparent)]
    Task(#[from] TaskError),
    /// A table could not be made.
    #[error("{node}: {source}")]
    Table {
        /// Node name.
        node: String,
        /// Why.
        source: TargetError,
    },
    /// A caller's request does not fit the tree.
    #[error("{0}")]
    Invalid(String),
    /// A parameter the request needs was not given (the C API says which
    /// argument was NULL).
    #[error("no {0} given")]
    Missing(&'static str),
}

impl TreeError {
    /// The errno behind the failure (EINVAL where there is no kernel one).
    pub fn errno(&self) -> i32 {
        match self {
            TreeError::Task(e) => e.errno(),
            _ => libc::EINVAL,
        }
    }
}

impl Tree {
    /// The node a caller describes for creation or reload (libdm's
    /// `dm_tree_add_new_dev`): the existing node with that uuid (renamed
    /// if the name differs), or a new node to create, at top and bottom
    /// level until a table links it. A new node has no device number until
    /// preload creates it; `major`/`minor` ask for a persistent one, where
    /// a major of 0 or either number above `i32::MAX` (LVM passes
    /// `(uint32_t)-1`) means "let the kernel choose", as in the C library.
    pub fn add_new_dev(&mut self, name: &str, uuid: &str, major: u32, minor: u32, read_only: bool, udev_flags: u16) -> Result<NodeId, TreeError> {
        if uuid.is_empty() {
            return Err(TreeError::Invalid(format!("Cannot add device {name}: a uuid is required")));
        }
        crate::task::check_name(name)?;
        crate::task::check_uuid(uuid)?;
        let id = match self.find_by_uuid(uuid).filter(|id| *id != Tree::ROOT) {
            Some(id) => {
                let node = &mut self.nodes[id.0];
                if node.name != name {
                    node.props.new_name = Some(name.to_string());
                }
                id
            }
            None => {
                let id = NodeId(self.nodes.len());
                self.by_uuid.insert(uuid.to_string(), id);
                let requested = (major != 0 && i32::try_from(major).is_ok() && i32::try_from(minor).is_ok()).then_some((major, minor));
                self.nodes.push(Node {
                    name: name.to_string(),
                    uuid: uuid.to_string(),
                    props: Props { requested_dev: requested, ..Props::default() },
                    ..Node::default()
                });
                self.link_nodes(Tree::ROOT, id);
                self.link_nodes(id, Tree::ROOT);
                id
            }
        };
        let node = &mut self.nodes[id.0];
        node.props.read_only = read_only;
        node.props.read_ahead = None;
        node.udev_flags = udev_flags;
        Ok(id)
    }

    /// `clear_inactive` of `dm_tree_add_new_dev`: a stale inactive table
    /// of the node's device (left by an interrupted earlier command) is
    /// cleared, and devices only that table referred to, which nothing
    /// else uses, holds open or gave a live table, and whose uuid has the
    /// default "LVM-" prefix, are removed. Nothing happens when the device
    /// does not exist or has no inactive table.
    pub fn clear_inactive_table(&mut self, kernel: &dyn Kernel, id: NodeId, udev_flags: u16) -> Result<(), TreeError> {
        let n = self.node(id);
        if !n.info.exists || !n.info.inactive_table {
            return Ok(());
        }
        let (major, minor, name) = (n.major, n.minor, n.name.clone());
        let mut deps = Task::new(TaskType::Deps);
        deps.major = Some(major);
        deps.minor = Some(minor);
        deps.query_inactive_table = true;
        let orphans = deps.run(kernel).inspect_err(|e| {
            crate::log_error!(errno = e.errno(); "Failed to obtain dependencies for {name} before clearing table.");
        })?;
        crate::log_verbose!("Clearing inactive table {name} ({major}:{minor})");
        let mut clear = Task::new(TaskType::Clear);
        clear.major = Some(major);
        clear.minor = Some(minor);
        let out = clear.run(kernel)?;
        self.nodes[id.0].info = out.info;
        for dev in orphans.deps {
            let (ma, mi) = decode_dev(dev);
            if self.find(ma, mi).is_some() {
                continue;
            }
            let mut info = Task::new(TaskType::Info);
            info.major = Some(ma);
            info.minor = Some(mi);
            let dep = info.run(kernel)?;
            if !dep.info.exists || dep.info.live_table || dep.info.open_count > 0 || !dep.uuid.starts_with(phases::DEFAULT_UUID_PREFIX) {
                continue;
            }
            let mut remove = Task::new(TaskType::Remove);
            remove.major = Some(ma);
            remove.minor = Some(mi);
            remove.event_nr = crate::udev::cookie::encode_event_nr(UdevFlags::from_bits_retain(udev_flags), None);
            crate::log_verbose!("Removing {} ({ma}:{mi})", dep.name);
            match remove.run(kernel) {
                Ok(_) => {
                    if dep.info.suspended {
                        count_suspended(-1);
                    }
                    if kernel.has_device_nodes() {
                        if let Err(errno) = crate::udev::remove_node(&dep.name) {
                            crate::log_debug!("Removing the node of {}: {}", dep.name, crate::kernel::strerror(errno));
                        }
                    }
                }
                Err(e) => crate::log_error!(errno = e.errno(); "Failed to deactivate no-longer-used device {} ({ma}:{mi})", dep.name),
            }
        }
        Ok(())
    }

    /// The udev flags of the node's operations.
    pub fn set_udev_flags(&mut self, id: NodeId, udev_flags: u16) {
        self.nodes[id.0].udev_flags = udev_flags;
    }

    /// Mutable access to what the caller wants of a node.
    pub fn props_mut(&mut self, id: NodeId) -> &mut Props {
        &mut self.nodes[id.0].props
    }

    /// Appends a segment of `size` sectors to a node's new table.
    pub fn add_segment(&mut self, id: NodeId, size: u64, target: Target) {
        let props = &mut self.nodes[id.0].props;
        props.segments.push(Segment { size, target, areas: Vec::new() });
        props.table_pending = true;
    }

    /// Links `parent` to `child` without an area (what a snapshot's origin
    /// and COW or a mirror's disk log are to it in libdm's tree).
    pub fn link_child(&mut self, parent: NodeId, child: NodeId) {
        self.link(parent, child);
    }

    /// Adds an area to the last segment of a node: a tree node (by uuid) or
    /// a device by number; the node then uses that device.
    pub fn add_area(&mut self, id: NodeId, device: AreaDevice<NodeId>, offset: u64) -> Result<(), TreeError> {
        if self.nodes[id.0].props.segments.is_empty() {
            return Err(TreeError::Invalid(format!("{}: no segment to add an area to", self.nodes[id.0].name)));
        }
        let child = match device {
            AreaDevice::Missing => {
                if let Some(seg) = self.nodes[id.0].props.segments.last_mut() {
                    seg.areas.push(Area { device: AreaDevice::Missing, offset });
                }
                return Ok(());
            }
            AreaDevice::Node(c) => c,
            AreaDevice::Dev(ma, mi) => match self.find(ma, mi) {
                Some(c) => c,
                None => {
                    let c = self.insert(Node { info: Info { major: ma, minor: mi, ..Info::default() }, major: ma, minor: mi, ..Node::default() });
                    self.link_nodes(c, Tree::ROOT);
                    c
                }
            },
        };
        self.link(id, child);
        if let Some(seg) = self.nodes[id.0].props.segments.last_mut() {
            seg.areas.push(Area { device: AreaDevice::Node(child), offset });
        }
        Ok(())
    }

    /// The thin pool a node's new table consists of (libdm sends messages
    /// only to a node whose table is exactly one thin-pool segment).
    pub fn thin_pool(&self, id: NodeId) -> Option<&ThinPool> {
        match self.node(id).props.segments.as_slice() {
            [Segment { target: Target::ThinPool(pool), .. }] => Some(pool),
            _ => None,
        }
    }

    fn last_segment_mut(&mut self, id: NodeId) -> Option<&mut Segment<NodeId>> {
        self.nodes[id.0].props.segments.last_mut()
    }

    /// The thin pool of the node's last segment, for its setters.
    pub fn last_thin_pool_mut(&mut self, id: NodeId) -> Result<&mut ThinPool, TreeError> {
        let name = self.node(id).name.clone();
        match self.last_segment_mut(id) {
            Some(Segment { target: Target::ThinPool(pool), .. }) => Ok(pool),
            _ => Err(TreeError::Invalid(format!("{name}: the last segment is not a thin pool"))),
        }
    }

    /// Appends a thin-pool segment over the metadata and data nodes. The
    /// pool's children are resumed in preload as soon as they have a
    /// table (the pool validates them), an existing pool that grows waits
    /// for activate, and a new pool's transaction id is checked once it is
    /// live (when it is not 0).
    pub fn add_thin_pool(&mut self, id: NodeId, size: u64, pool: ThinPool, metadata: NodeId, data: NodeId) -> Result<(), TreeError> {
        if pool.data_block_size < thin_target::MIN_DATA_BLOCK_SIZE {
            return Err(TreeError::Invalid(format!("Data block size {} is lower then {} sectors.", pool.data_block_size, thin_target::MIN_DATA_BLOCK_SIZE)));
        }
        if pool.data_block_size > thin_target::MAX_DATA_BLOCK_SIZE {
            return Err(TreeError::Invalid(format!("Data block size {} is higher then {} sectors.", pool.data_block_size, thin_target::MAX_DATA_BLOCK_SIZE)));
        }
        let transaction_id = pool.transaction_id;
        self.add_segment(id, size, Target::ThinPool(pool));
        self.add_area(id, AreaDevice::Node(metadata), 0)?;
        self.add_area(id, AreaDevice::Node(data), 0)?;
        self.nodes[metadata.0].props.delay_resume_if_new = 0;
        self.nodes[data.0].props.delay_resume_if_new = 0;
        let props = &mut self.nodes[id.0].props;
        props.delay_resume_if_extended = true;
        props.send_messages = u8::from(transaction_id != 0);
        Ok(())
    }

    /// Queues a message for the thin pool, whose table must be exactly one
    /// thin-pool segment; it is sent while suspending (see
    /// `suspend_children`) or once activate reaches the pool.
    pub fn add_thin_message(&mut self, id: NodeId, kind: i32, id1: u64, id2: u64) -> Result<(), TreeError> {
        let name = self.node(id).name.clone();
        match self.node(id).props.segments.as_slice() {
            [] => return Err(TreeError::Invalid(format!("Node {name} is missing a segment."))),
            [Segment { target: Target::ThinPool(_), .. }] => {}
            [_] => return Err(TreeError::Invalid("Node thin-pool has segment type other than thin-pool.".into())),
            _ => return Err(TreeError::Invalid("Node thin-pool must have only one segment.".into())),
        }
        let pool = self.last_thin_pool_mut(id)?;
        let message = ThinMessage::new(kind, id1, id2, pool.transaction_id).map_err(|e| TreeError::Invalid(e.to_string()))?;
        pool.messages.push(message);
        self.nodes[id.0].props.send_messages = 2;
        Ok(())
    }

    /// Appends a snapshot-origin segment over `origin`. The origin node
    /// resumes after new snapshots (priority 1), and a new origin device is
    /// not resumed before activate.
    pub fn add_snapshot_origin(&mut self, id: NodeId, size: u64, origin: NodeId) -> Result<(), TreeError> {
        self.add_segment(id, size, Target::SnapshotOrigin);
        self.add_area(id, AreaDevice::Node(origin), 0)?;
        self.nodes[id.0].props.activation_priority = 1;
        self.nodes[origin.0].props.delay_resume_if_new = 1;
        Ok(())
    }

    /// Appends a snapshot segment over `origin` and `cow`.
    pub fn add_snapshot(&mut self, id: NodeId, size: u64, origin: NodeId, cow: NodeId, persistent: bool, chunk_size: u32) -> Result<(), TreeError> {
        self.add_segment(id, size, Target::Snapshot { persistent, chunk_size });
        self.add_area(id, AreaDevice::Node(origin), 0)?;
        self.add_area(id, AreaDevice::Node(cow), 0)
    }

    /// Appends a snapshot-merge segment (the origin merging `cow` back).
    /// It resumes after other snapshots (priority 1); the merging snapshot,
    /// when it is in the tree (it may be inactive), resumes after it
    /// (priority 2) and is not linked below it.
    pub fn add_snapshot_merge(&mut self, id: NodeId, size: u64, origin: NodeId, cow: NodeId, merge: Option<NodeId>, chunk_size: u32) -> Result<(), TreeError> {
        self.add_segment(id, size, Target::SnapshotMerge { chunk_size });
        self.add_area(id, AreaDevice::Node(origin), 0)?;
        self.add_area(id, AreaDevice::Node(cow), 0)?;
        self.nodes[id.0].props.activation_priority = 1;
        if let Some(m) = merge {
            self.nodes[m.0].props.activation_priority = 2;
        }
        Ok(())
    }

    /// Sets the log of the node's last segment, a mirror. With a disk log
    /// the log node is linked below the mirror and resumed as soon as it
    /// has a table (the kernel checks its size); a core-log mirror is not
    /// resumed before activate when new, and when its log uuid names
    /// "pvmove", neither is anything below it. A clustered log's node
    /// operations are flushed as soon as its level is preloaded.
    pub fn set_mirror_log(&mut self, id: NodeId, log: MirrorLog, log_uuid: Option<&str>, clustered: bool) -> Result<(), TreeError> {
        let name = self.node(id).name.clone();
        let log_node = match log_uuid {
            Some(uuid) if log.disk => {
                let l = self.find_by_uuid(uuid).filter(|l| *l != Tree::ROOT).ok_or_else(|| TreeError::Invalid(format!("Couldn't find mirror log uuid {uuid}.")))?;
                Some(l)
            }
            _ => None,
        };
        let Some(Segment { target: Target::Mirror(m), .. }) = self.last_segment_mut(id) else {
            return Err(TreeError::Invalid(format!("Node {name} is missing a mirror segment.")));
        };
        *m = MirrorLog { disk: log_node.is_some(), ..log };
        match (log_uuid, log_node) {
            (Some(uuid), None) => self.nodes[id.0].props.delay_resume_if_new = if uuid.contains("pvmove") { 2 } else { 1 },
            (_, Some(l)) => {
                if clustered {
                    self.nodes[l.0].props.immediate_dev_node = true;
                }
                self.nodes[l.0].props.delay_resume_if_new = 0;
                // The log is the first area of a disk-log mirror.
                self.link(id, l);
                if let Some(seg) = self.last_segment_mut(id) {
                    seg.areas.insert(0, Area { device: AreaDevice::Node(l), offset: 0 });
                }
            }
            (None, None) => {}
        }
        Ok(())
    }

    /// Appends a thin segment: volume `device_id` of the pool node.
    pub fn add_thin(&mut self, id: NodeId, size: u64, device_id: u32, pool: NodeId) -> Result<(), TreeError> {
        if u64::from(device_id) > thin_target::MAX_DEVICE_ID {
            return Err(TreeError::Invalid(format!("Device id {device_id} is higher then {}.", thin_target::MAX_DEVICE_ID)));
        }
        self.add_segment(id, size, Target::Thin(Thin { device_id }));
        self.add_area(id, AreaDevice::Node(pool), 0)
    }

    /// Gives the thin segment of the node an external origin.
    pub fn set_thin_external_origin(&mut self, id: NodeId, origin: NodeId) -> Result<(), TreeError> {
        let name = self.node(id).name.clone();
        match self.last_segment_mut(id) {
            Some(Segment { target: Target::Thin(_), areas, .. }) if areas.len() == 1 => {}
            Some(Segment { target: Target::Thin(_), .. }) => return Err(TreeError::Invalid(format!("{name}: the thin segment already has an external origin"))),
            _ => return Err(TreeError::Invalid(format!("{name}: the last segment is not a thin volume"))),
        }
        self.add_area(id, AreaDevice::Node(origin), 0)
    }

    /// Table lines of a node's new table.
    fn table(&self, id: NodeId) -> Result<Vec<(u64, u64, String, String)>, TreeError> {
        let node = self.node(id);
        let mut start = 0;
        let mut lines = Vec::new();
        for seg in &node.props.segments {
            let dev_of = |n: NodeId| {
                let c = self.node(n);
                (c.major != 0 || c.minor != 0).then_some((c.major, c.minor))
            };
            let (ty, params) = seg.table_line(start, dev_of).map_err(|source| TreeError::Table { node: node.name.clone(), source })?;
            lines.push((start, seg.size, ty, params));
            start += seg.size;
        }
        Ok(lines)
    }
}
