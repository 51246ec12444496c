//! Off-tree layers (seed 002): when a node's new table stops using a
//! device-mapper device that its live table uses, that device must not
//! stay live with its old table, or two live tables would share its
//! sub-devices (a mirror's log and legs, a snapshot's exception store).
//! Before the node is resumed, the dropped device gets the table the
//! caller gave it in the tree, or else an error table of its size, and is
//! resumed. The C library leaves this to its caller; here every caller
//! gets it, and it is logged, for the layers nothing else owns: a layer
//! another device or process holds open is left alone, and so is one in
//! LVM's namespace (uuid "LVM-..."): LVM takes care of every layer it
//! detaches itself (it reactivates and removes it, or activates it as a
//! volume of its own, as `lvconvert --splitmirrors` does), so an error
//! table there would only get in its way.

use super::{NodeId, Tree, TreeError};
use crate::kernel::{decode_dev, Kernel};
use crate::targets::{AreaDevice, Target};
use crate::task::{Task, TaskType};

fn by_dev(kind: TaskType, major: u32, minor: u32) -> Task {
    let mut t = Task::new(kind);
    t.major = Some(major);
    t.minor = Some(minor);
    t
}

impl Tree {
    /// The devices the node's new table maps onto.
    fn new_table_devices(&self, id: NodeId) -> Vec<(u32, u32)> {
        let mut devs = Vec::new();
        for seg in &self.node(id).props.segments {
            if let Target::Raw { params, .. } = &seg.target {
                devs.extend(params.split_whitespace().filter_map(crate::kernel::parse_dev_text));
            }
            for area in &seg.areas {
                match area.device {
                    AreaDevice::Dev(ma, mi) => devs.push((ma, mi)),
                    AreaDevice::Node(n) => devs.push((self.node(n).major, self.node(n).minor)),
                    AreaDevice::Missing => {}
                }
            }
        }
        devs
    }

    /// Whether another node's new table in the tree uses the device.
    fn used_by_another_new_table(&self, id: NodeId, dev: (u32, u32)) -> bool {
        self.ids().skip(1).any(|other| other != id && self.new_table_devices(other).contains(&dev))
    }

    /// The dm devices the node's live table uses and its new table drops
    /// (used by no other new table in the tree either).
    fn dropped_layers(&self, kernel: &dyn Kernel, id: NodeId) -> Result<Vec<(u32, u32)>, TreeError> {
        let n = self.node(id);
        if !n.info.live_table || !n.info.inactive_table || n.props.segments.is_empty() {
            return Ok(Vec::new());
        }
        let live_deps = by_dev(TaskType::Deps, n.major, n.minor).run(kernel)?.deps;
        let keeps = self.new_table_devices(id);
        let dm_major = kernel.dm_major();
        Ok(live_deps
            .into_iter()
            .map(decode_dev)
            .filter(|d| dm_major.is_none_or(|m| m == d.0))
            .filter(|d| !keeps.contains(d) && !self.used_by_another_new_table(id, *d))
            .collect())
    }

    /// First half, before anything below the node is resumed: every layer
    /// its new table drops that the caller gave no table gets an error
    /// table of its size loaded (not resumed: it is resumed once, with that
    /// table, in its turn, or by [`Tree::resume_off_tree_layers`]).
    pub(super) fn load_off_tree_replacements(&mut self, kernel: &dyn Kernel, id: NodeId) -> Result<(), TreeError> {
        let dropped = self.dropped_layers(kernel, id)?;
        let parent = self.node(id).name.clone();
        let mut refreshed = Vec::new();
        for (major, minor) in dropped {
            let info = match by_dev(TaskType::Info, major, minor).run(kernel) {
                Ok(out) if out.info.exists => out,
                _ => continue,
            };
            if info.uuid.starts_with(super::phases::DEFAULT_UUID_PREFIX) {
                crate::log_debug!("Layer {} dropped by {parent} belongs to LVM, which takes care of it.", info.name);
                continue;
            }
            if info.info.open_count > 1 {
                crate::log_verbose!("Layer {} dropped by {parent} is still open elsewhere; leaving its table.", info.name);
                continue;
            }
            refreshed.push((major, minor));
            if self.find(major, minor).is_some_and(|l| !self.node(l).props.segments.is_empty()) {
                continue;
            }
            let live = by_dev(TaskType::Table, major, minor).run(kernel)?;
            let size: u64 = live.targets.iter().map(|l| l.length).sum();
            if size == 0 {
                continue;
            }
            crate::log_verbose!("Loading an error table into {} ({major}:{minor}), dropped by {parent}, before {parent} resumes.", info.name);
            let mut load = by_dev(TaskType::Reload, major, minor);
            load.add_target(0, size, "error", "");
            load.run(kernel)?;
        }
        self.off_tree.insert(id, refreshed);
        Ok(())
    }

    /// Second half, just before the node resumes: a dropped layer still
    /// holding a table that is not live (it is not below the node in the
    /// tree, so nothing resumed it) is resumed now.
    pub(super) fn resume_off_tree_layers(&mut self, kernel: &dyn Kernel, id: NodeId) -> Result<(), TreeError> {
        let Some(dropped) = self.off_tree.remove(&id) else { return Ok(()) };
        let parent = self.node(id).name.clone();
        for (major, minor) in dropped {
            if let Some(layer) = self.find(major, minor) {
                let info = self.refresh(kernel, layer)?;
                if info.exists && (info.inactive_table || info.suspended) {
                    crate::log_verbose!("Resuming layer {} before {parent}, which no longer uses it.", self.node(layer).name);
                    self.resume(kernel, layer)?;
                }
                continue;
            }
            let info = by_dev(TaskType::Info, major, minor).run(kernel)?;
            if info.info.exists && (info.info.inactive_table || info.info.suspended) {
                crate::log_verbose!("Resuming layer {} before {parent}, which no longer uses it.", info.name);
                by_dev(TaskType::Resume, major, minor).run(kernel)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::kernel::SimKernel;
    use crate::tree::test_support::{ops, traced_on};

    /// top -> layer -> (7:0, 7:1), as the kernel has it; returns the tree
    /// read back with add_dev and the top's id.
    fn live_stack(k: &dyn Kernel) -> (Tree, NodeId) {
        let mut tree = Tree::new();
        let layer = tree.add_new_dev("layer", "OT-layer", 0, 0, false, 0).unwrap();
        tree.add_segment(layer, 16, Target::Striped { stripe_size: 8 });
        tree.add_area(layer, AreaDevice::Dev(7, 0), 0).unwrap();
        tree.add_area(layer, AreaDevice::Dev(7, 1), 0).unwrap();
        let top = tree.add_new_dev("top", "OT-top", 0, 0, false, 0).unwrap();
        tree.add_segment(top, 16, Target::Linear);
        tree.add_area(top, AreaDevice::Node(layer), 0).unwrap();
        tree.preload_children(k, Tree::ROOT, None, &mut |_, _| true).unwrap();
        tree.activate_children(k, Tree::ROOT, None).unwrap();
        let (ma, mi) = (tree.node(top).major, tree.node(top).minor);
        let mut fresh = Tree::new();
        let top = fresh.add_dev(k, ma, mi, 0).unwrap();
        (fresh, top)
    }

    fn live_table(sim: &SimKernel, name: &str) -> String {
        let d = sim.snapshot().into_iter().find(|d| d.name == name).unwrap();
        d.live.unwrap().iter().map(|l| format!("{} {}", l.target_type, l.params)).collect::<Vec<_>>().join("; ")
    }

    #[test]
    fn a_dropped_layer_gets_an_error_table_before_its_old_parent_resumes() {
        let sim = Arc::new(SimKernel::new());
        let (k, log) = traced_on(sim.clone());
        let (mut tree, top) = live_stack(&k);
        // The top now maps the legs itself; the layer leaves the tree.
        let top_new = tree.add_new_dev("top", "OT-top", 0, 0, false, 0).unwrap();
        assert_eq!(top_new, top);
        tree.add_segment(top, 16, Target::Striped { stripe_size: 8 });
        tree.add_area(top, AreaDevice::Dev(7, 0), 0).unwrap();
        tree.add_area(top, AreaDevice::Dev(7, 1), 0).unwrap();
        tree.preload_children(&k, Tree::ROOT, None, &mut |_, _| true).unwrap();
        tree.suspend_children(&k, Tree::ROOT, None).unwrap();
        ops(&log);
        tree.activate_children(&k, Tree::ROOT, None).unwrap();
        let ops = ops(&log);
        let layer_resumes = ops.iter().filter(|o| *o == "DM_DEV_SUSPEND 253:0").count();
        assert_eq!(layer_resumes, 1, "the layer is resumed once, with its error table: {ops:?}");
        let layer_resume = ops.iter().position(|o| o == "DM_DEV_SUSPEND 253:0").expect("layer resumed");
        let top_resume = ops.iter().position(|o| o == "DM_DEV_SUSPEND 253:1").expect("top resumed");
        assert!(ops.iter().position(|o| o == "DM_TABLE_LOAD 253:0").unwrap() < layer_resume);
        assert!(layer_resume < top_resume, "{ops:?}");
        assert_eq!(live_table(&sim, "layer"), "error ");
        assert_eq!(live_table(&sim, "top"), "striped 2 8 7:0 0 7:1 0");
        assert!(sim.snapshot().iter().all(|d| !d.suspended));
    }

    #[test]
    fn a_layer_the_new_table_still_uses_is_left_alone() {
        let sim = Arc::new(SimKernel::new());
        let (k, _log) = traced_on(sim.clone());
        let (mut tree, top) = live_stack(&k);
        let layer = tree.find_by_uuid("OT-layer").unwrap();
        tree.add_new_dev("top", "OT-top", 0, 0, false, 0).unwrap();
        tree.add_segment(top, 8, Target::Linear);
        tree.add_area(top, AreaDevice::Node(layer), 8).unwrap();
        tree.preload_children(&k, Tree::ROOT, None, &mut |_, _| true).unwrap();
        tree.suspend_children(&k, Tree::ROOT, None).unwrap();
        tree.activate_children(&k, Tree::ROOT, None).unwrap();
        assert_eq!(live_table(&sim, "layer"), "striped 2 8 7:0 0 7:1 0");
    }
}
