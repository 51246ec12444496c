//! The helpers on the simulated kernel: layouts after each transition,
//! ends, aborts, restarts and refused requests.

use super::*;
use crate::kernel::{Kernel, SimKernel};
use crate::task::{Task, TaskType};

const SRC: (u32, u32) = (241, 0);
const DST: (u32, u32) = (241, 1);

fn create(k: &dyn Kernel, name: &str, lines: &[(u64, &str, &str)]) {
    let mut t = Task::new(TaskType::Create);
    t.name = Some(name.into());
    t.uuid = Some(format!("U-{name}"));
    let mut start = 0;
    for (len, ty, params) in lines {
        t.add_target(start, *len, ty, params);
        start += len;
    }
    t.run(k).unwrap();
}

/// vol1: two segments on the source with one elsewhere between; vol2 and
/// vol3 on the source; vol4 elsewhere.
fn volumes(k: &dyn Kernel) {
    create(k, "vol1", &[(64, "linear", "241:0 0"), (32, "linear", "241:5 0"), (64, "linear", "241:0 192")]);
    create(k, "vol2", &[(64, "linear", "241:0 64")]);
    create(k, "vol3", &[(64, "linear", "241:0 128")]);
    create(k, "vol4", &[(64, "linear", "241:5 64")]);
}

fn table(sim: &SimKernel, name: &str) -> Option<String> {
    let d = sim.snapshot().into_iter().find(|d| d.name == name)?;
    Some(d.live.unwrap_or_default().iter().map(|l| format!("{} {}", l.target_type, l.params)).collect::<Vec<_>>().join("; "))
}

fn request(mode: Mode) -> MoveRequest {
    MoveRequest {
        volumes: vec!["vol1".into(), "U-vol2".into(), "vol3".into()],
        source: SRC,
        dest: DST,
        dest_areas: Some(vec![(1000, 200), (2000, 100)]),
        mode,
        region_size: 16,
    }
}

#[test]
fn by_segment_moves_one_segment_at_a_time_and_ends_on_the_destination() {
    let sim = SimKernel::new();
    volumes(&sim);
    let mut m = Mover::start(&sim, &request(Mode::BySegment)).unwrap();
    assert_eq!(table(&sim, "dmpvmove-241_0").unwrap(), "mirror core 1 16 2 241:0 0 241:1 1000; linear 241:0 192; linear 241:0 64; linear 241:0 128");
    assert_eq!(table(&sim, "vol1").unwrap(), "linear 253:4 0; linear 241:5 0; linear 253:4 64");
    assert_eq!(table(&sim, "vol2").unwrap(), "linear 253:4 128");
    let p = m.poll().unwrap();
    assert_eq!(m.state.segments.iter().map(|s| s.state).collect::<Vec<_>>(), [SegmentState::Complete, SegmentState::Running, SegmentState::Disabled, SegmentState::Disabled]);
    assert!((p.fraction - 0.25).abs() < 1e-9 && !p.done);
    assert_eq!(
        table(&sim, "dmpvmove-241_0").unwrap(),
        "mirror core 1 16 2 241:0 0 241:1 1000; linear 241:0 192; linear 241:0 64; linear 241:0 128",
        "the kernel follows only once the caller could save the state saying complete"
    );
    m.poll().unwrap();
    assert_eq!(table(&sim, "dmpvmove-241_0").unwrap(), "linear 241:1 1000; mirror core 1 16 2 241:0 192 241:1 1064; linear 241:0 64; linear 241:0 128");
    while !m.poll().unwrap().done {}
    m.finish().unwrap();
    assert_eq!(table(&sim, "vol1").unwrap(), "linear 241:1 1000; linear 241:5 0; linear 241:1 1064");
    assert_eq!(table(&sim, "vol2").unwrap(), "linear 241:1 1128");
    assert_eq!(table(&sim, "vol3").unwrap(), "linear 241:1 2000", "the second area, the first being full");
    assert_eq!(table(&sim, "vol4").unwrap(), "linear 241:5 64", "untouched");
    assert_eq!(table(&sim, "dmpvmove-241_0"), None, "the pvmove device is gone");
    assert!(sim.snapshot().iter().all(|d| !d.suspended && d.inactive.is_none()));
}

#[test]
fn atomic_mirrors_everything_by_volume_and_ends_on_the_destination() {
    let sim = SimKernel::new();
    volumes(&sim);
    let mut m = Mover::start(&sim, &request(Mode::Atomic)).unwrap();
    assert_eq!(table(&sim, "dmpvmove-241_0_mimage_0").unwrap(), "linear 241:0 0; linear 241:0 192; linear 241:0 64; linear 241:0 128");
    assert_eq!(table(&sim, "dmpvmove-241_0_mimage_1").unwrap(), "linear 241:1 1000; linear 241:1 1064; linear 241:1 1128; linear 241:1 2000");
    assert!(table(&sim, "dmpvmove-241_0").unwrap().starts_with("mirror core 1 16 2 253:4 0 253:5 0"));
    assert!(m.poll().unwrap().done);
    m.finish().unwrap();
    assert_eq!(table(&sim, "vol2").unwrap(), "linear 241:1 1128");
    assert!(sim.snapshot().iter().all(|d| !d.name.starts_with("dmpvmove")));
}

#[test]
fn a_by_segment_abort_keeps_completed_segments_on_the_destination() {
    let sim = SimKernel::new();
    volumes(&sim);
    let mut m = Mover::start(&sim, &request(Mode::BySegment)).unwrap();
    m.poll().unwrap();
    m.abort().unwrap();
    assert_eq!(table(&sim, "vol1").unwrap(), "linear 241:1 1000; linear 241:5 0; linear 241:0 192");
    assert_eq!(table(&sim, "vol2").unwrap(), "linear 241:0 64");
    assert_eq!(table(&sim, "dmpvmove-241_0"), None);
}

#[test]
fn an_atomic_abort_leaves_everything_on_the_source() {
    let sim = SimKernel::new();
    volumes(&sim);
    let mut m = Mover::start(&sim, &request(Mode::Atomic)).unwrap();
    m.poll().unwrap();
    m.abort().unwrap();
    assert_eq!(table(&sim, "vol1").unwrap(), "linear 241:0 0; linear 241:5 0; linear 241:0 192");
    assert_eq!(table(&sim, "vol3").unwrap(), "linear 241:0 128");
    assert!(sim.snapshot().iter().all(|d| !d.name.starts_with("dmpvmove")));
}

#[test]
fn a_restart_after_a_crash_recreates_the_layout_and_resyncs() {
    let sim = SimKernel::new();
    volumes(&sim);
    let mut m = Mover::start(&sim, &request(Mode::Atomic)).unwrap();
    m.poll().unwrap();
    let saved = m.state.to_text();
    assert!(saved.contains("\nclean 0\nsynced 1\n"));
    // A reboot: nothing is active any more.
    let rebooted = SimKernel::new();
    let state = MoveState::from_text(&saved).unwrap();
    let mut m = Mover::restart(&rebooted, state).unwrap();
    let pv = table(&rebooted, "dmpvmove-241_0").unwrap();
    assert!(!pv.contains("nosync"), "an unclean stop is never trusted: {pv}");
    assert_eq!(table(&rebooted, "vol1").unwrap(), "linear 253:2 0; linear 241:5 0; linear 253:2 64");
    assert!(m.poll().unwrap().done);
    m.stop().unwrap();
    assert!(rebooted.snapshot().is_empty(), "a clean stop takes everything down");
    let saved = m.state.to_text();
    assert!(saved.contains("\nclean 1\nsynced 1\n"));
    let m = Mover::restart(&rebooted, MoveState::from_text(&saved).unwrap()).unwrap();
    assert!(table(&rebooted, "dmpvmove-241_0").unwrap().contains(" nosync "), "after a clean stop the copy is trusted");
    assert!(!m.state.clean, "running again");
}

#[test]
fn bad_requests_are_refused_with_a_reason() {
    let sim = SimKernel::new();
    volumes(&sim);
    let with = |f: &dyn Fn(&mut MoveRequest)| {
        let mut r = request(Mode::BySegment);
        f(&mut r);
        Mover::start(&sim, &r).err().map(|e| e.to_string())
    };
    assert_eq!(with(&|r| r.volumes.push("nosuch".into())).unwrap(), "nosuch: no such device");
    assert_eq!(with(&|r| r.volumes = vec!["vol4".into()]).unwrap(), "vol4 has no segment on the source device 241:0");
    assert_eq!(with(&|r| r.dest = SRC).unwrap(), "the source and the destination are the same device");
    assert_eq!(with(&|r| r.dest_areas = Some(vec![(0, 100), (50, 100)])).unwrap(), "destination areas overlap: 50+100 and 0+100");
    assert_eq!(with(&|r| r.dest_areas = Some(vec![(0, 100)])).unwrap(), "no room on the destination: 256 sectors needed, 100 available");
    assert_eq!(with(&|r| r.region_size = 3).unwrap(), "region size 3 is not a power of two");
    let _running = Mover::start(&sim, &request(Mode::BySegment)).unwrap();
    assert_eq!(with(&|_| {}).unwrap(), "a move is already running: dmpvmove-241_0 exists");
}
