//! Thin pools in the tree: the transaction check and the queued messages
//! (seed 004). Messages are sent while suspending, after the thin volumes
//! above the pool are suspended, and the pool itself is then not
//! suspended ("origin-only"). The kernel's transaction id is read first:
//! equal to the table's means the transaction is already done, one behind
//! means send, anything else is an error.

use super::{NodeId, Tree, TreeError};
use crate::kernel::Kernel;
use crate::targets::thin::pool_transaction_id;
use crate::task::{Task, TaskType};

/// What the transaction check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transaction {
    /// The node is no thin pool, is not in the prefix, or does not exist.
    NotApplicable,
    /// The kernel already has the table's transaction id.
    Done,
    /// The kernel is one behind: the messages are to be sent.
    Pending,
}

impl Tree {
    /// The transaction id the kernel reports for the pool node `id`.
    fn kernel_transaction_id(&self, kernel: &dyn Kernel, id: NodeId) -> Result<u64, TreeError> {
        let n = self.node(id);
        let mut t = Task::new(TaskType::Status);
        t.major = Some(n.major);
        t.minor = Some(n.minor);
        let out = t.run(kernel)?;
        let line = out
            .targets
            .iter()
            .find(|l| l.target_type == "thin-pool")
            .ok_or_else(|| TreeError::Invalid(format!("Thin pool {} has no live thin-pool table.", n.name)))?;
        pool_transaction_id(&line.params).map_err(|why| TreeError::Invalid(format!("Thin pool {}: {why}.", n.name)))
    }

    /// Compares the pool's transaction id in the kernel with its table's.
    pub fn thin_transaction(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<Transaction, TreeError> {
        let n = self.node(id);
        let Some(pool) = self.thin_pool(id) else { return Ok(Transaction::NotApplicable) };
        if !n.info.exists || !super::uuid_prefix_matches(&n.uuid, prefix) {
            return Ok(Transaction::NotApplicable);
        }
        let expected = pool.transaction_id;
        let current = self.kernel_transaction_id(kernel, id)?;
        if current == expected {
            if current != 0 {
                crate::log_debug!("Thin pool transaction_id matches {current}, skipping messages.");
            }
            self.nodes[id.0].props.thin_messages_done = true;
            return Ok(Transaction::Done);
        }
        if current.checked_add(1) != Some(expected) {
            return Err(TreeError::Invalid(format!(
                "Thin pool {} transaction_id is {current}, while expected {}.",
                self.node(id).name,
                expected.wrapping_sub(1)
            )));
        }
        Ok(Transaction::Pending)
    }

    /// Whether the node is a thin pool with messages not yet sent.
    pub fn thin_messages_pending(&self, id: NodeId) -> bool {
        !self.node(id).props.thin_messages_done && self.thin_pool(id).is_some_and(|p| !p.messages.is_empty())
    }

    /// Sends the pool's queued messages if the kernel is one transaction
    /// behind. A message the kernel refuses because an interrupted earlier
    /// attempt applied it (the volume exists, or is already gone) counts
    /// as done, so re-running a transaction applies nothing twice.
    pub fn send_thin_messages(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<(), TreeError> {
        if self.thin_transaction(kernel, id, prefix)? != Transaction::Pending {
            return Ok(());
        }
        let messages = self.thin_pool(id).map(|p| p.messages.clone()).unwrap_or_default();
        for message in messages {
            let n = self.node(id);
            let mut t = Task::new(TaskType::TargetMsg);
            t.major = Some(n.major);
            t.minor = Some(n.minor);
            t.sector = 0;
            t.message = Some(message.text());
            match t.run(kernel) {
                Ok(_) => crate::log_debug!("Thin pool {}: sent \"{}\".", n.name, message.text()),
                Err(e) if Some(e.errno()) == message.already_applied_errno() => {
                    crate::log_debug!("Thin pool {}: \"{}\" was already applied.", n.name, message.text());
                }
                Err(e) => {
                    crate::log_error!(errno = e.errno(); "Thin pool {}: message \"{}\" failed: {e}", n.name, message.text());
                    return Err(e.into());
                }
            }
        }
        self.nodes[id.0].props.thin_messages_done = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::kernel::SimKernel;
    use crate::targets::{AreaDevice, Target, ThinPool};
    use crate::tree::test_support::{ops, traced_on};
    use crate::tree::NodeEvent;

    const P: &str = "TP-";
    /// The simulator's metadata key for the pool below: tmeta is the first
    /// device created.
    const META: &str = "253:0";

    fn no_events() -> impl FnMut(NodeId, NodeEvent) -> bool {
        |_, _| true
    }

    fn pool_table(transaction_id: u64) -> ThinPool {
        ThinPool { transaction_id, data_block_size: 128, low_water_mark: 0, ..ThinPool::default() }
    }

    /// tmeta and tdata (zero), and the pool over them, activated.
    fn make_pool(k: &dyn Kernel) {
        let mut tree = Tree::new();
        let meta = tree.add_new_dev("tmeta", "TP-tmeta", 0, 0, false, 0).unwrap();
        tree.add_segment(meta, 8, Target::Zero);
        let data = tree.add_new_dev("tdata", "TP-tdata", 0, 0, false, 0).unwrap();
        tree.add_segment(data, 1024, Target::Zero);
        let pool = tree.add_new_dev("pool", "TP-pool", 0, 0, false, 0).unwrap();
        tree.add_thin_pool(pool, 1024, pool_table(0), meta, data).unwrap();
        tree.preload_children(k, Tree::ROOT, Some(P), &mut no_events()).unwrap();
        tree.activate_children(k, Tree::ROOT, Some(P)).unwrap();
    }

    /// A suspend tree over `volume` (or just the pool) whose pool node
    /// carries `transaction_id` and the messages, suspended then activated.
    fn transaction(k: &dyn Kernel, above: Option<&str>, transaction_id: u64, messages: &[(i32, u64, u64)]) -> Result<(), TreeError> {
        let mut tree = Tree::new();
        let dev = |name: &str| {
            let mut t = Task::new(TaskType::Info);
            t.name = Some(name.into());
            let i = t.run(k).unwrap().info;
            (i.major, i.minor)
        };
        let top = above.unwrap_or("pool");
        let (ma, mi) = dev(top);
        tree.add_dev(k, ma, mi, 0)?;
        let pool = tree.add_new_dev("pool", "TP-pool", 0, 0, false, 0)?;
        let meta = tree.find_by_uuid("TP-tmeta").unwrap();
        let data = tree.find_by_uuid("TP-tdata").unwrap();
        tree.add_thin_pool(pool, 1024, pool_table(transaction_id), meta, data)?;
        for (kind, a, b) in messages {
            tree.add_thin_message(pool, *kind, *a, *b)?;
        }
        let suspended = tree.suspend_children(k, Tree::ROOT, Some(P));
        tree.activate_children(k, Tree::ROOT, Some(P))?;
        suspended
    }

    fn thin_volume(k: &dyn Kernel, name: &str, id: u32) {
        let mut tree = Tree::new();
        let (ma, mi) = {
            let mut t = Task::new(TaskType::Info);
            t.name = Some("pool".into());
            let i = t.run(k).unwrap().info;
            (i.major, i.minor)
        };
        tree.add_dev(k, ma, mi, 0).unwrap();
        let pool = tree.find(ma, mi).unwrap();
        let v = tree.add_new_dev(name, &format!("TP-{name}"), 0, 0, false, 0).unwrap();
        tree.add_thin(v, 512, id, pool).unwrap();
        tree.preload_children(k, Tree::ROOT, Some(P), &mut no_events()).unwrap();
        tree.activate_children(k, Tree::ROOT, Some(P)).unwrap();
    }

    fn suspended(sim: &SimKernel) -> Vec<String> {
        sim.snapshot().into_iter().filter(|d| d.suspended).map(|d| d.name).collect()
    }

    #[test]
    fn a_snapshot_message_goes_out_after_the_origin_is_suspended_and_the_pool_is_never_suspended() {
        let sim = Arc::new(SimKernel::new());
        let (k, log) = traced_on(sim.clone());
        make_pool(&k);
        transaction(&k, None, 1, &[(1, 1, 0), (1, 2, 0), (3, 0, 1)]).unwrap();
        thin_volume(&k, "thin1", 1);
        thin_volume(&k, "thin2", 2);
        ops(&log);
        transaction(&k, Some("thin1"), 2, &[(0, 3, 1), (3, 1, 2)]).unwrap();
        assert_eq!(
            ops(&log),
            [
                "DM_DEV_STATUS thin1", // the test looks thin1 up
                "DM_TABLE_DEPS 253:3", // add_dev: thin1 and what is below it
                "DM_TABLE_DEPS 253:2",
                "DM_TABLE_DEPS 253:0",
                "DM_TABLE_DEPS 253:1",
                "DM_DEV_SUSPEND 253:3",  // suspend thin1
                "DM_TABLE_STATUS 253:2", // the pool's transaction id
                "DM_TARGET_MSG 253:2",   // create_snap 3 1
                "DM_TARGET_MSG 253:2",   // set_transaction_id 1 2
                "DM_DEV_SUSPEND 253:3",  // activate: resume thin1
            ],
            "no suspend of the pool, tdata or tmeta"
        );
        assert_eq!(sim.thin_pool_transaction_id(META), 2, "the transaction id rose by one");
        assert_eq!(sim.thin_ids(META), [1, 2, 3]);
        assert!(suspended(&sim).is_empty());
    }

    #[test]
    fn an_interrupted_transaction_is_completed_once_and_then_found_done() {
        let sim = Arc::new(SimKernel::new());
        let (k, log) = traced_on(sim.clone());
        make_pool(&k);
        // The caller's metadata says 1; the kernel is still at 0.
        transaction(&k, None, 1, &[(1, 1, 0), (3, 0, 1)]).unwrap();
        assert_eq!((sim.thin_pool_transaction_id(META), sim.thin_ids(META)), (1, vec![1]));
        ops(&log);
        // Running the same transaction again sends nothing.
        transaction(&k, None, 1, &[(1, 1, 0), (3, 0, 1)]).unwrap();
        let messages = ops(&log).iter().filter(|o| o.starts_with("DM_TARGET_MSG")).count();
        assert_eq!(messages, 0);
        assert_eq!(sim.thin_ids(META), [1]);
    }

    #[test]
    fn a_message_an_earlier_attempt_applied_counts_as_done() {
        let sim = Arc::new(SimKernel::new());
        let (k, _log) = traced_on(sim.clone());
        make_pool(&k);
        // create_thin 1 reached the kernel, set_transaction_id did not.
        transaction(&k, None, 0, &[]).unwrap();
        let mut t = Task::new(TaskType::TargetMsg);
        t.name = Some("pool".into());
        t.message = Some("create_thin 1".into());
        t.run(&k).unwrap();
        transaction(&k, None, 1, &[(1, 1, 0), (3, 0, 1)]).unwrap();
        assert_eq!((sim.thin_pool_transaction_id(META), sim.thin_ids(META)), (1, vec![1]));
    }

    #[test]
    fn a_kernel_more_than_one_transaction_behind_is_an_error_and_nothing_stays_suspended() {
        let sim = Arc::new(SimKernel::new());
        let (k, _log) = traced_on(sim.clone());
        make_pool(&k);
        let e = transaction(&k, None, 2, &[(1, 1, 0), (3, 1, 2)]).unwrap_err();
        assert_eq!(e.to_string(), "Thin pool pool transaction_id is 0, while expected 1.");
        assert!(sim.thin_ids(META).is_empty(), "no message was sent");
        assert!(suspended(&sim).is_empty());
    }

    #[test]
    fn a_new_pool_whose_metadata_is_ahead_is_refused_and_removed() {
        let sim = Arc::new(SimKernel::new());
        sim.set_thin_pool_transaction_id(META, 5);
        let (k, _log) = traced_on(sim.clone());
        let mut tree = Tree::new();
        let meta = tree.add_new_dev("tmeta", "TP-tmeta", 0, 0, false, 0).unwrap();
        tree.add_segment(meta, 8, Target::Zero);
        let data = tree.add_new_dev("tdata", "TP-tdata", 0, 0, false, 0).unwrap();
        tree.add_segment(data, 1024, Target::Zero);
        let top = tree.add_new_dev("thin", "TP-thin", 0, 0, false, 0).unwrap();
        let pool = tree.add_new_dev("pool", "TP-pool", 0, 0, false, 0).unwrap();
        tree.add_thin_pool(pool, 1024, pool_table(1), meta, data).unwrap();
        tree.add_segment(top, 8, Target::Linear);
        tree.add_area(top, AreaDevice::Node(pool), 0).unwrap();
        let e = tree.preload_children(&k, Tree::ROOT, Some(P), &mut no_events()).unwrap_err();
        assert_eq!(e.to_string(), "Thin pool pool transaction_id is 5, while expected 0.");
        let names: Vec<String> = sim.snapshot().into_iter().map(|d| d.name).collect();
        assert!(!names.contains(&"pool".to_string()), "the pool preload created is gone: {names:?}");
    }

    #[test]
    fn bad_pool_parameters_and_messages_are_refused() {
        let mut tree = Tree::new();
        let pool = tree.add_new_dev("pool", "TP-pool", 0, 0, false, 0).unwrap();
        let meta = tree.add_new_dev("tmeta", "TP-tmeta", 0, 0, false, 0).unwrap();
        let small = ThinPool { data_block_size: 64, ..pool_table(0) };
        assert_eq!(tree.add_thin_pool(pool, 8, small, meta, meta).unwrap_err().to_string(), "Data block size 64 is lower then 128 sectors.");
        assert_eq!(tree.add_thin_message(pool, 1, 1, 0).unwrap_err().to_string(), "pool: the last segment is not a thin pool");
        tree.add_thin_pool(pool, 8, pool_table(4), meta, meta).unwrap();
        assert_eq!(tree.add_thin_message(pool, 3, 2, 3).unwrap_err().to_string(), "Current transaction id is different from thin pool.");
        assert_eq!(tree.add_thin(meta, 8, 1 << 24, pool).unwrap_err().to_string(), "Device id 16777216 is higher then 16777215.");
    }
}
