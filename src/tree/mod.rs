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
use crate::task::{Info, Task, TaskError, TaskType};

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
}

/// A dependency tree.
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Vec<Node>,
    by_dev: HashMap<(u32, u32), NodeId>,
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
        Tree { nodes: vec![Node::default()], by_dev: HashMap::new() }
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

    /// The node with this uuid.
    pub fn find_by_uuid(&self, uuid: &str) -> Option<NodeId> {
        if uuid.is_empty() {
            return Some(Tree::ROOT);
        }
        self.ids().skip(1).find(|id| self.node(*id).uuid == uuid)
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

    fn linked(&self, parent: NodeId, child: NodeId) -> bool {
        self.nodes[parent.0].uses.contains(&child)
    }

    fn link_nodes(&mut self, parent: NodeId, child: NodeId) {
        if !self.linked(parent, child) {
            self.nodes[parent.0].uses.push(child);
            self.nodes[child.0].used_by.push(parent);
        }
    }

    fn unlink_nodes(&mut self, parent: NodeId, child: NodeId) {
        self.nodes[parent.0].uses.retain(|c| *c != child);
        self.nodes[child.0].used_by.retain(|p| *p != parent);
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
        self.nodes.push(node);
        id
    }

    /// Adds the device major:minor and, recursively, every device its live
    /// table uses (libdm's `dm_tree_add_dev`). A device the kernel does not
    /// know as a dm device becomes a leaf with `exists = false`.
    pub fn add_dev(&mut self, kernel: &dyn Kernel, major: u32, minor: u32, udev_flags: u16) -> Result<NodeId, TaskError> {
        self.add_dev_under(kernel, Tree::ROOT, major, minor, udev_flags, 0)
    }

    fn add_dev_under(
        &mut self,
        kernel: &dyn Kernel,
        parent: NodeId,
        major: u32,
        minor: u32,
        udev_flags: u16,
        depth: usize,
    ) -> Result<NodeId, TaskError> {
        if let Some(id) = self.find(major, minor) {
            self.link(parent, id);
            return Ok(id);
        }
        if depth > 256 {
            return Err(TaskError::Invalid(format!("Device {major}:{minor}: dependency chain too deep")));
        }
        let mut deps = Task::new(TaskType::Deps);
        deps.major = Some(major);
        deps.minor = Some(minor);
        let (node, uses) = match deps.run(kernel) {
            Ok(out) => (
                Node {
                    name: out.name,
                    uuid: out.uuid,
                    info: out.info,
                    major,
                    minor,
                    udev_flags,
                    ..Node::default()
                },
                out.deps,
            ),
            // Not a device-mapper device: a leaf.
            Err(e) if e.errno() == libc::ENXIO => {
                (Node { info: Info { major, minor, ..Info::default() }, major, minor, udev_flags, ..Node::default() }, Vec::new())
            }
            Err(e) => return Err(e),
        };
        let id = self.insert(node);
        self.link(parent, id);
        if !self.node(id).info.exists || uses.is_empty() {
            self.link_nodes(id, Tree::ROOT);
        }
        for dev in uses {
            let (ma, mi) = decode_dev(dev);
            self.add_dev_under(kernel, id, ma, mi, udev_flags, depth + 1)?;
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
