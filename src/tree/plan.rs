//! Dry runs: the ordered kernel operations a phase would issue, computed
//! on a simulated copy of the kernel's devices without changing anything.
//! `DM_TRACE` records what a real run executed, in the same form.

use std::sync::{Arc, Mutex};

use super::{NodeId, Tree, TreeError};
use crate::kernel::trace::{TraceEntry, Traced};
use crate::kernel::{Kernel, SimKernel};

/// One of the four phases over a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// `preload_children`
    Preload,
    /// `activate_children`
    Activate,
    /// `suspend_children`
    Suspend,
    /// `deactivate_children`
    Deactivate,
}

impl Tree {
    /// The requests `phase` would send for the subtree below `id`, in
    /// order, computed on a simulated copy of what `kernel` holds (only
    /// queries reach `kernel`). A request the copy refuses ends the plan
    /// with its error, as the real run would end.
    pub fn plan(&self, kernel: &dyn Kernel, phase: Phase, id: NodeId, prefix: Option<&str>) -> Result<Vec<TraceEntry>, TreeError> {
        let sim = SimKernel::mirroring(kernel)?;
        Ok(self.plan_on(Arc::new(sim), phase, id, prefix).0)
    }

    /// The dry run on a given simulator: the requests and the phase's result.
    pub fn plan_on(&self, sim: Arc<SimKernel>, phase: Phase, id: NodeId, prefix: Option<&str>) -> (Vec<TraceEntry>, Result<(), TreeError>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let traced = Traced::to_memory(sim, log.clone());
        let mut copy = self.clone();
        let result = match phase {
            Phase::Preload => copy.preload_children(&traced, id, prefix, &mut |_, _| true),
            Phase::Activate => copy.activate_children(&traced, id, prefix),
            Phase::Suspend => copy.suspend_children(&traced, id, prefix),
            Phase::Deactivate => copy.deactivate_children(&traced, id, prefix, &mut |_, _| true),
        };
        let entries = std::mem::take(&mut *log.lock().unwrap_or_else(|e| e.into_inner()));
        (entries, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::{AreaDevice, Target};
    use crate::tree::test_support::{ops, traced_on};

    #[test]
    fn a_dry_run_lists_the_requests_of_the_real_run_and_changes_nothing() {
        let sim = Arc::new(SimKernel::new());
        let (k, log) = traced_on(sim.clone());
        let mut tree = Tree::new();
        let bottom = tree.add_new_dev("bottom", "PL-bottom", 0, 0, false, 0).unwrap();
        tree.add_segment(bottom, 16, Target::Zero);
        let top = tree.add_new_dev("top", "PL-top", 0, 0, false, 0).unwrap();
        tree.add_segment(top, 16, Target::Linear);
        tree.add_area(top, AreaDevice::Node(bottom), 0).unwrap();

        let plan = tree.plan(&k, Phase::Preload, Tree::ROOT, None).unwrap();
        let planned: Vec<String> = plan.iter().map(|e| format!("{} {}{}", e.command, e.name, e.dev).trim_end().to_string()).collect();
        assert_eq!(ops(&log), ["DM_LIST_DEVICES"], "only the device list was read");
        assert!(sim.snapshot().is_empty(), "nothing was created");

        tree.preload_children(&k, Tree::ROOT, None, &mut |_, _| true).unwrap();
        assert_eq!(planned, ops(&log));
        assert_eq!(planned, ["DM_DEV_CREATE bottom", "DM_TABLE_LOAD 253:0", "DM_DEV_SUSPEND 253:0", "DM_DEV_CREATE top", "DM_TABLE_LOAD 253:1"]);
    }

    #[test]
    fn a_dry_run_of_suspend_on_a_copy_of_live_devices() {
        let sim = Arc::new(SimKernel::new());
        let (k, log) = traced_on(sim.clone());
        let mut tree = Tree::new();
        let bottom = tree.add_new_dev("bottom", "PL-bottom", 0, 0, false, 0).unwrap();
        tree.add_segment(bottom, 16, Target::Zero);
        let top = tree.add_new_dev("top", "PL-top", 0, 0, false, 0).unwrap();
        tree.add_segment(top, 16, Target::Linear);
        tree.add_area(top, AreaDevice::Node(bottom), 0).unwrap();
        tree.preload_children(&k, Tree::ROOT, None, &mut |_, _| true).unwrap();
        tree.activate_children(&k, Tree::ROOT, None).unwrap();
        ops(&log);
        let plan = tree.plan(&k, Phase::Suspend, Tree::ROOT, None).unwrap();
        let planned: Vec<String> = plan.iter().map(|e| format!("{} {}{}", e.command, e.name, e.dev).trim_end().to_string()).collect();
        assert_eq!(planned, ["DM_DEV_STATUS 253:1", "DM_DEV_SUSPEND 253:1", "DM_DEV_STATUS 253:0", "DM_DEV_SUSPEND 253:0"]);
        assert!(ops(&log).iter().all(|o| !o.starts_with("DM_DEV_SUSPEND")), "the real devices were only read");
        assert!(sim.snapshot().iter().all(|d| !d.suspended));
    }
}
