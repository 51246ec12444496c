//! Thin pools in the tree: the transaction check and the queued messages
//! (seed 004), as libdm's `_node_send_messages`. Messages are sent while
//! suspending, after the thin volumes above the pool are suspended, and
//! the pool itself is then not suspended ("origin-only"); a pool activate
//! reaches with messages still queued gets them then. The kernel's
//! transaction id is read first (status without flushing): equal to the
//! table's means the transaction is already done, one behind means send,
//! anything else is an error. A pool that failed, has read-only metadata
//! or needs a check gets no messages.

use super::{NodeId, Tree, TreeError};
use crate::kernel::Kernel;
use crate::status::thin::{parse_pool, ThinPoolStatus};
use crate::targets::ThinMessage;
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
    /// libdm's "name (major:minor)" of a node, for messages.
    pub(super) fn node_label(&self, id: NodeId) -> String {
        let n = self.node(id);
        format!("{} ({}:{})", n.name, n.major, n.minor)
    }

    /// The pool's status as the kernel reports it, read without flushing.
    fn pool_status(&self, kernel: &dyn Kernel, id: NodeId) -> Result<ThinPoolStatus, TreeError> {
        let n = self.node(id);
        let mut t = Task::new(TaskType::Status);
        t.major = Some(n.major);
        t.minor = Some(n.minor);
        t.no_flush = true;
        let out = t.run(kernel)?;
        let label = self.node_label(id);
        let Some(line) = out.targets.first().filter(|l| l.target_type == "thin-pool") else {
            let ty = out.targets.first().map_or("no target".to_string(), |l| l.target_type.clone());
            return Err(TreeError::Invalid(format!("Expected thin-pool target for {label} and got {ty}.")));
        };
        let status = parse_pool(&line.params).map_err(|e| TreeError::Invalid(format!("Failed to parse the status of thin pool {label}: {e}")))?;
        crate::log_debug!("Found transaction id {} for thin pool {label} with status line: {}.", status.transaction_id, line.params);
        Ok(status)
    }

    /// Compares the pool's transaction id in the kernel with its table's
    /// (nothing to compare when the node does not exist, has no thin-pool
    /// table or is outside the prefix). Equal: the messages are done.
    pub fn thin_transaction(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<Transaction, TreeError> {
        self.pool_transaction(kernel, id, prefix).map(|(t, _)| t)
    }

    fn pool_transaction(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<(Transaction, Option<ThinPoolStatus>), TreeError> {
        let n = self.node(id);
        if !n.info.exists {
            return Ok((Transaction::NotApplicable, None));
        }
        if n.props.segments.is_empty() {
            return Err(TreeError::Invalid(format!("Node {} is missing a segment.", self.node_label(id))));
        }
        let Some(pool) = self.node(id).props.segments.last().and_then(|s| match &s.target {
            crate::targets::Target::ThinPool(p) => Some(p),
            _ => None,
        }) else {
            return Ok((Transaction::NotApplicable, None));
        };
        if !super::uuid_prefix_matches(&n.uuid, prefix) {
            crate::log_debug!("UUID \"{}\" does not match.", n.uuid);
            return Ok((Transaction::NotApplicable, None));
        }
        let expected = pool.transaction_id;
        let have_messages = !pool.messages.is_empty();
        let status = self.pool_status(kernel, id)?;
        if status.transaction_id == expected {
            self.nodes[id.0].props.send_messages = 0;
            if have_messages {
                crate::log_debug!("Thin pool {} transaction_id matches {expected}, skipping messages.", self.node_label(id));
            }
            return Ok((Transaction::Done, Some(status)));
        }
        if status.transaction_id.checked_add(1) != Some(expected) {
            return Err(TreeError::Invalid(format!(
                "Thin pool {} transaction_id is {}, while expected {}.",
                self.node_label(id),
                status.transaction_id,
                expected.wrapping_sub(u64::from(have_messages))
            )));
        }
        Ok((Transaction::Pending, Some(status)))
    }

    /// Whether the node is a thin pool with messages not yet sent.
    pub fn thin_messages_pending(&self, id: NodeId) -> bool {
        self.node(id).props.thin_messages_pending()
    }

    /// libdm's `_node_send_messages`: checks the transaction and, when the
    /// kernel is one behind and `send` is set, sends the queued messages.
    /// The kernel's "already exists" for `create_thin` and "no data" for
    /// `delete` mean an earlier, interrupted attempt applied the message;
    /// `create_snap` of an id that exists is an error (the pool may hold
    /// an unknown volume under it). After `set_transaction_id` the new id
    /// is read back.
    pub fn send_thin_messages_if(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>, send: bool) -> Result<(), TreeError> {
        let (transaction, status) = self.pool_transaction(kernel, id, prefix)?;
        if transaction != Transaction::Pending {
            return Ok(());
        }
        let messages = self.thin_pool(id).map(|p| p.messages.clone()).unwrap_or_default();
        if messages.is_empty() || !send {
            return Ok(());
        }
        if let Some(st) = status.filter(|st| st.fail || st.read_only || st.needs_check) {
            return Err(TreeError::Invalid(format!(
                "Cannot send messages to thin pool {}{}{}{}.",
                self.node_label(id),
                if st.fail { " in failed state" } else { "" },
                if st.read_only { " with read only metadata" } else { "" },
                if st.needs_check { " which needs check first" } else { "" }
            )));
        }
        for message in messages {
            self.send_thin_message(kernel, id, &message)?;
            if let ThinMessage::SetTransactionId { new, .. } = message {
                let now = self.pool_status(kernel, id)?.transaction_id;
                if now != new {
                    return Err(TreeError::Invalid(format!("Thin pool {} transaction_id is {now} and does not match expected  {new}.", self.node_label(id))));
                }
            }
        }
        self.nodes[id.0].props.send_messages = 0;
        Ok(())
    }

    /// Sends the queued messages (see [`Tree::send_thin_messages_if`]).
    pub fn send_thin_messages(&mut self, kernel: &dyn Kernel, id: NodeId, prefix: Option<&str>) -> Result<(), TreeError> {
        self.send_thin_messages_if(kernel, id, prefix, true)
    }

    fn send_thin_message(&self, kernel: &dyn Kernel, id: NodeId, message: &ThinMessage) -> Result<(), TreeError> {
        let n = self.node(id);
        let text = message.text();
        let mut t = Task::new(TaskType::TargetMsg);
        t.major = Some(n.major);
        t.minor = Some(n.minor);
        t.sector = 0;
        t.message = Some(text.clone());
        t.expected_errno = match message {
            ThinMessage::CreateThin { .. } => Some(libc::EEXIST),
            ThinMessage::Delete { .. } => Some(libc::ENODATA),
            _ => None,
        };
        match t.run(kernel) {
            Ok(_) => {
                crate::log_debug!("Thin pool {}: sent \"{text}\".", self.node_label(id));
                Ok(())
            }
            Err(e) => {
                crate::log_error!(errno = e.errno(); "Failed to process message \"{text}\".");
                if let (ThinMessage::CreateSnap { device_id, .. } | ThinMessage::CreateThin { device_id }, libc::EEXIST) = (message, e.errno()) {
                    crate::log_error!(errno = libc::EEXIST; "Thin pool {} already contain thin device with device_id {device_id}.", self.node_label(id));
                    crate::log_error!(errno = libc::EEXIST; "Manual intervention may be required to remove device dev_id={device_id} in thin pool metadata.");
                    crate::log_error!(errno = libc::EEXIST; "Optionally new thin volume with device_id={device_id} can be manually added into a volume group.");
                    crate::log_warn!("WARNING: When uncertain how to do this, contact support!");
                }
                Err(e.into())
            }
        }
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

    /// New nodes tmeta and tdata (zero) and the pool over them at
    /// `transaction_id`; returns the pool.
    fn new_pool(tree: &mut Tree, transaction_id: u64) -> NodeId {
        let meta = tree.add_new_dev("tmeta", "TP-tmeta", 0, 0, false, 0).unwrap();
        tree.add_segment(meta, 8, Target::Zero);
        let data = tree.add_new_dev("tdata", "TP-tdata", 0, 0, false, 0).unwrap();
        tree.add_segment(data, 1024, Target::Zero);
        let pool = tree.add_new_dev("pool", "TP-pool", 0, 0, false, 0).unwrap();
        tree.add_thin_pool(pool, 1024, pool_table(transaction_id), meta, data).unwrap();
        pool
    }

    /// tmeta and tdata (zero), and the pool over them, activated.
    fn make_pool(k: &dyn Kernel) {
        let mut tree = Tree::new();
        new_pool(&mut tree, 0);
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
                "DM_DEV_STATUS 253:3",   // thin1's state
                "DM_DEV_SUSPEND 253:3",  // suspend thin1
                "DM_DEV_STATUS 253:2",   // the pool's state
                "DM_TABLE_STATUS 253:2", // the pool's transaction id
                "DM_TARGET_MSG 253:2",   // create_snap 3 1
                "DM_TARGET_MSG 253:2",   // set_transaction_id 1 2
                "DM_TABLE_STATUS 253:2", // the new transaction id, read back
                "DM_DEV_SUSPEND 253:3",  // activate: resume thin1
            ],
            "no suspend of the pool, tdata or tmeta"
        );
        assert_eq!(sim.thin_pool_transaction_id(META), 2, "the transaction id rose by one");
        assert_eq!(sim.thin_ids(META), [1, 2, 3]);
        assert!(suspended(&sim).is_empty());
    }

    #[test]
    fn a_new_top_level_pool_gets_its_messages_right_after_its_own_resume() {
        let sim = Arc::new(SimKernel::new());
        let (k, log) = traced_on(sim.clone());
        let mut tree = Tree::new();
        let pool = new_pool(&mut tree, 1);
        tree.add_thin_message(pool, 1, 1, 0).unwrap();
        tree.add_thin_message(pool, 3, 0, 1).unwrap();
        tree.preload_children(&k, Tree::ROOT, Some(P), &mut no_events()).unwrap();
        ops(&log);
        tree.activate_children(&k, Tree::ROOT, Some(P)).unwrap();
        assert_eq!(
            ops(&log),
            [
                "DM_DEV_SUSPEND 253:2",  // the pool, new and without parents, resumed here
                "DM_TABLE_STATUS 253:2", // then its transaction id
                "DM_TARGET_MSG 253:2",   // create_thin 1
                "DM_TARGET_MSG 253:2",   // set_transaction_id 0 1
                "DM_TABLE_STATUS 253:2", // read back
            ]
        );
        assert_eq!((sim.thin_pool_transaction_id(META), sim.thin_ids(META)), (1, vec![1]));
    }

    #[test]
    fn a_message_refused_at_suspend_is_not_sent_again_by_the_activate_that_follows() {
        let sim = Arc::new(SimKernel::new());
        let (k, log) = traced_on(sim.clone());
        make_pool(&k);
        transaction(&k, None, 1, &[(1, 1, 0), (3, 0, 1)]).unwrap();
        thin_volume(&k, "thin1", 1);
        ops(&log);
        // create_snap 5 of a device the pool does not hold.
        let e = transaction(&k, Some("thin1"), 2, &[(0, 5, 77), (3, 1, 2)]).unwrap_err();
        assert!(e.to_string().contains("message"), "{e}");
        let messages = ops(&log).iter().filter(|o| o.starts_with("DM_TARGET_MSG")).count();
        assert_eq!(messages, 1, "one attempt, at suspend");
        assert_eq!((sim.thin_pool_transaction_id(META), sim.thin_ids(META)), (1, vec![1]));
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
        assert_eq!(e.to_string(), "Thin pool pool (253:2) transaction_id is 0, while expected 1.");
        assert!(sim.thin_ids(META).is_empty(), "no message was sent");
        assert!(suspended(&sim).is_empty());
    }

    #[test]
    fn a_new_pool_whose_metadata_is_ahead_is_refused_and_removed() {
        let sim = Arc::new(SimKernel::new());
        sim.set_thin_pool_transaction_id(META, 5);
        let (k, _log) = traced_on(sim.clone());
        let mut tree = Tree::new();
        let pool = new_pool(&mut tree, 1);
        let top = tree.add_new_dev("thin", "TP-thin", 0, 0, false, 0).unwrap();
        tree.add_segment(top, 8, Target::Linear);
        tree.add_area(top, AreaDevice::Node(pool), 0).unwrap();
        let e = tree.preload_children(&k, Tree::ROOT, Some(P), &mut no_events()).unwrap_err();
        assert_eq!(e.to_string(), "Thin pool pool (253:2) transaction_id is 5, while expected 1.");
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
        assert_eq!(tree.add_thin_message(pool, 1, 1, 0).unwrap_err().to_string(), "Node pool is missing a segment.");
        tree.add_thin_pool(pool, 8, pool_table(4), meta, meta).unwrap();
        assert_eq!(tree.add_thin_message(pool, 3, 2, 3).unwrap_err().to_string(), "Current transaction id is different from thin pool.");
        assert_eq!(tree.add_thin(meta, 8, 1 << 24, pool).unwrap_err().to_string(), "Device id 16777216 is higher then 16777215.");
    }
}
