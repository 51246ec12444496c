//! Invariant 3 of DESIGN.md on the simulated kernel: for each scenario,
//! every request of the phase is made to fail in turn (EIO, EBUSY,
//! ENOMEM); after the caller's usual recovery no device is suspended, no
//! device the call created is left behind, and no inactive table is left
//! loaded.

use std::sync::Arc;

use super::{NodeId, Tree, TreeError};
use crate::kernel::fault::FailAt;
use crate::kernel::{Kernel, SimKernel};
use crate::targets::{AreaDevice, Target, ThinPool};

const P: &str = "FI-";

type Run = fn(&dyn Kernel) -> (Tree, Result<(), TreeError>);
type Recover = fn(&mut Tree, &dyn Kernel);

fn no_events() -> impl FnMut(NodeId, super::NodeEvent) -> bool {
    |_, _| true
}

/// Describes top (linear) -> mid (striped) -> bottom (zero) in the tree.
fn describe_stack(tree: &mut Tree, top_len: u64) {
    let bottom = tree.add_new_dev("fi-bottom", "FI-bottom", 0, 0, false, 0).unwrap();
    tree.add_segment(bottom, 64, Target::Zero);
    let mid = tree.add_new_dev("fi-mid", "FI-mid", 0, 0, false, 0).unwrap();
    tree.add_segment(mid, 32, Target::Striped { stripe_size: 8 });
    tree.add_area(mid, AreaDevice::Node(bottom), 0).unwrap();
    tree.add_area(mid, AreaDevice::Node(bottom), 32).unwrap();
    let top = tree.add_new_dev("fi-top", "FI-top", 0, 0, false, 0).unwrap();
    tree.add_segment(top, top_len, Target::Linear);
    tree.add_area(top, AreaDevice::Node(mid), 0).unwrap();
}

fn create_stack(k: &dyn Kernel) -> (Tree, Result<(), TreeError>) {
    let mut tree = Tree::new();
    describe_stack(&mut tree, 16);
    let r = tree.preload_children(k, Tree::ROOT, Some(P), &mut no_events()).and_then(|()| tree.activate_children(k, Tree::ROOT, Some(P)));
    (tree, r)
}

/// The stack as the kernel has it (add_dev, as a caller does), with a new,
/// larger table for the top.
fn reload_stack(k: &dyn Kernel) -> (Tree, Result<(), TreeError>) {
    let mut tree = Tree::new();
    let top = crate::kernel::SimKernel::dev_of(k, "fi-top");
    if let Err(e) = tree.add_dev(k, top.0, top.1, 0) {
        return (tree, Err(e.into()));
    }
    describe_stack(&mut tree, 24);
    let r = tree
        .preload_children(k, Tree::ROOT, Some(P), &mut no_events())
        .and_then(|()| tree.suspend_children(k, Tree::ROOT, Some(P)))
        .and_then(|()| tree.activate_children(k, Tree::ROOT, Some(P)));
    (tree, r)
}

fn deactivate_stack(k: &dyn Kernel) -> (Tree, Result<(), TreeError>) {
    let mut tree = Tree::new();
    let top = crate::kernel::SimKernel::dev_of(k, "fi-top");
    if top == (0, 0) {
        return (tree, Err(TreeError::Invalid("fi-top not found".into())));
    }
    if let Err(e) = tree.add_dev(k, top.0, top.1, 0) {
        // The caller fails before deactivating anything.
        return (Tree::new(), Err(e.into()));
    }
    let r = tree.deactivate_children(k, Tree::ROOT, Some(P), &mut no_events());
    (tree, r)
}

fn thin_snapshot(k: &dyn Kernel) -> (Tree, Result<(), TreeError>) {
    let mut tree = Tree::new();
    let thin = crate::kernel::SimKernel::dev_of(k, "fi-thin");
    if thin == (0, 0) {
        return (tree, Err(TreeError::Invalid("fi-thin not found".into())));
    }
    if let Err(e) = tree.add_dev(k, thin.0, thin.1, 0) {
        return (tree, Err(e.into()));
    }
    let (Some(meta), Some(data)) = (tree.find_by_uuid("FI-tmeta"), tree.find_by_uuid("FI-tdata")) else {
        return (tree, Err(TreeError::Invalid("the thin volume's stack could not be read".into())));
    };
    let pool = tree.add_new_dev("fi-pool", "FI-pool", 0, 0, false, 0).unwrap();
    let table = ThinPool { transaction_id: 2, data_block_size: 128, ..ThinPool::default() };
    tree.add_thin_pool(pool, 1024, table, meta, data).unwrap();
    tree.add_thin_message(pool, 0, 2, 1).unwrap();
    tree.add_thin_message(pool, 3, 1, 2).unwrap();
    let r = tree.suspend_children(k, Tree::ROOT, Some(P));
    let resumed = tree.activate_children(k, Tree::ROOT, Some(P));
    (tree, r.and(resumed))
}

fn setup_stack(k: &dyn Kernel) {
    let (_, r) = create_stack(k);
    r.unwrap();
}

fn setup_thin(k: &dyn Kernel) {
    // The pool, new and empty (a new pool with no parent is not live
    // before activate resumes it, so it can take no messages yet).
    let mut tree = Tree::new();
    let meta = tree.add_new_dev("fi-tmeta", "FI-tmeta", 0, 0, false, 0).unwrap();
    tree.add_segment(meta, 8, Target::Zero);
    let data = tree.add_new_dev("fi-tdata", "FI-tdata", 0, 0, false, 0).unwrap();
    tree.add_segment(data, 1024, Target::Zero);
    let pool = tree.add_new_dev("fi-pool", "FI-pool", 0, 0, false, 0).unwrap();
    tree.add_thin_pool(pool, 1024, ThinPool { transaction_id: 0, data_block_size: 128, ..ThinPool::default() }, meta, data).unwrap();
    tree.preload_children(k, Tree::ROOT, Some(P), &mut no_events()).unwrap();
    tree.activate_children(k, Tree::ROOT, Some(P)).unwrap();
    // Thin volume 1, made by a transaction while suspending the live pool.
    let mut tree = Tree::new();
    let (ma, mi) = {
        let mut t = crate::task::Task::new(crate::task::TaskType::Info);
        t.name = Some("fi-pool".into());
        let i = t.run(k).unwrap().info;
        (i.major, i.minor)
    };
    tree.add_dev(k, ma, mi, 0).unwrap();
    let meta = tree.find_by_uuid("FI-tmeta").unwrap();
    let data = tree.find_by_uuid("FI-tdata").unwrap();
    let pool = tree.add_new_dev("fi-pool", "FI-pool", 0, 0, false, 0).unwrap();
    tree.add_thin_pool(pool, 1024, ThinPool { transaction_id: 1, data_block_size: 128, ..ThinPool::default() }, meta, data).unwrap();
    tree.add_thin_message(pool, 1, 1, 0).unwrap();
    tree.add_thin_message(pool, 3, 0, 1).unwrap();
    tree.suspend_children(k, Tree::ROOT, Some(P)).unwrap();
    tree.activate_children(k, Tree::ROOT, Some(P)).unwrap();
    let pool = tree.find_by_uuid("FI-pool").unwrap();
    let thin = tree.add_new_dev("fi-thin", "FI-thin", 0, 0, false, 0).unwrap();
    tree.add_thin(thin, 512, 1, pool).unwrap();
    tree.preload_children(k, Tree::ROOT, Some(P), &mut no_events()).unwrap();
    tree.activate_children(k, Tree::ROOT, Some(P)).unwrap();
}

fn recover_by_deactivate(tree: &mut Tree, k: &dyn Kernel) {
    let _ = tree.activate_children(k, Tree::ROOT, Some(P));
    tree.deactivate_children(k, Tree::ROOT, Some(P), &mut no_events()).unwrap();
}

fn recover_by_activate(tree: &mut Tree, k: &dyn Kernel) {
    tree.activate_children(k, Tree::ROOT, Some(P)).unwrap();
}

/// Resumes what is suspended; the activate itself may fail (a pool whose
/// interrupted transaction left a message applied refuses it again, as
/// libdm's does), but only after every resume.
fn recover_by_activate_whatever_it_says(tree: &mut Tree, k: &dyn Kernel) {
    let _ = tree.activate_children(k, Tree::ROOT, Some(P));
}

fn recover_by_retry(tree: &mut Tree, k: &dyn Kernel) {
    if tree.ids().count() == 1 {
        // Reading the stack failed: the caller runs the whole thing again.
        deactivate_stack(k).1.unwrap();
    } else {
        tree.deactivate_children(k, Tree::ROOT, Some(P), &mut no_events()).unwrap();
    }
}

/// Runs the scenario once to count its requests, then once per request
/// and errno with that request failing; returns the number of runs.
fn sweep(setup: fn(&dyn Kernel), run: Run, recover: Recover, check: fn(&SimKernel, &str)) -> usize {
    let count = {
        let sim = Arc::new(SimKernel::new());
        setup(sim.as_ref());
        let k = FailAt::new(sim, usize::MAX, 0);
        run(&k).1.unwrap();
        k.seen()
    };
    assert!(count > 0);
    let mut runs = 0;
    for n in 0..count {
        for errno in [libc::EIO, libc::EBUSY, libc::ENOMEM] {
            let sim = Arc::new(SimKernel::new());
            setup(sim.as_ref());
            let mut k = FailAt::new(sim.clone(), n, errno);
            let (mut tree, _) = run(&k);
            k.disarm();
            recover(&mut tree, &k);
            let at = format!("request {n} of {count} failing with errno {errno}");
            let devices = sim.snapshot();
            assert!(devices.iter().all(|d| !d.suspended), "{at}: suspended: {devices:?}");
            assert!(devices.iter().all(|d| d.inactive.is_none()), "{at}: inactive table left: {devices:?}");
            check(&sim, &at);
            runs += 1;
        }
    }
    runs
}

#[test]
fn a_failed_stack_creation_leaves_nothing_after_deactivate() {
    let runs = sweep(|_| {}, create_stack, recover_by_deactivate, |sim, at| assert!(sim.snapshot().is_empty(), "{at}: left behind: {:?}", sim.snapshot()));
    assert!(runs >= 3 * 9, "every request of preload and activate was failed ({runs} runs)");
}

#[test]
fn a_failed_reload_leaves_the_stack_live_and_resumed_after_activate() {
    sweep(setup_stack, reload_stack, recover_by_activate, |sim, at| assert_eq!(sim.snapshot().len(), 3, "{at}"));
}

#[test]
fn a_failed_deactivate_is_finished_by_a_retry() {
    sweep(setup_stack, deactivate_stack, recover_by_retry, |sim, at| assert!(sim.snapshot().is_empty(), "{at}: left behind: {:?}", sim.snapshot()));
}

#[test]
fn a_failed_thin_snapshot_transaction_leaves_nothing_suspended_and_never_applies_a_message_twice() {
    sweep(setup_thin, thin_snapshot, recover_by_activate_whatever_it_says, |sim, at| {
        let k: &dyn Kernel = sim;
        let meta = format!("{}:0", crate::kernel::sim::SIM_DM_MAJOR);
        let (_, r) = thin_snapshot(k);
        match r {
            Ok(()) => assert_eq!(sim.thin_pool_transaction_id(&meta), 2, "{at}"),
            // create_snap reached the kernel, set_transaction_id did not:
            // the re-run's create_snap is refused (as libdm refuses it:
            // only create_thin and delete may find their work done).
            Err(e) => {
                assert_eq!(e.errno(), libc::EEXIST, "{at}: the re-run failed: {e}");
                assert_eq!(sim.thin_pool_transaction_id(&meta), 1, "{at}");
            }
        }
        assert_eq!(sim.thin_ids(&meta), [1, 2], "{at}: the snapshot exists exactly once");
        assert!(sim.snapshot().iter().all(|d| !d.suspended), "{at}");
    });
}
