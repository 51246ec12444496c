//! Carrying a move out through the tree: the layout of each state loaded
//! (preload, suspend top-down, activate bottom-up), progress read from the
//! mirror status, and the end states (finish, abort, clean stop).

use super::state::{Mode, MoveState, SegmentState};
use super::{dev_text, MoveRequest, PvmoveError};
use crate::kernel::Kernel;
use crate::targets::{AreaDevice, MirrorLog, Target};
use crate::tree::{query, NodeId, Tree};

/// How far a move is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Fraction of the moved sectors in sync (0.0 ..= 1.0).
    pub fraction: f64,
    /// Every segment is copied: the move can be finished.
    pub done: bool,
}

/// Where the volumes' moved segments point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target2 {
    /// Into the pvmove device.
    Pvmove,
    /// Directly at the destination where complete, the source elsewhere.
    Direct,
    /// Directly at the source.
    Source,
}

/// A move in progress.
pub struct Mover<'k> {
    kernel: &'k dyn Kernel,
    /// The state to persist after each call.
    pub state: MoveState,
    /// The state is one transition ahead of the kernel: a segment was found
    /// copied and marked complete, and the caller is to save that before
    /// the kernel stops writing it to the source (the next poll loads it).
    /// Until then the segment is still a mirror in sync, so an abort or a
    /// restart that reads "complete" from the saved state loses nothing.
    layout_behind: bool,
}

fn no_events() -> impl FnMut(NodeId, crate::tree::NodeEvent) -> bool {
    |_, _| true
}

impl<'k> Mover<'k> {
    /// Plans the move and loads its first layout.
    pub fn start(kernel: &'k dyn Kernel, request: &MoveRequest) -> Result<Mover<'k>, PvmoveError> {
        let state = request.plan(kernel)?;
        let mover = Mover { kernel, state, layout_behind: false };
        mover.apply(Target2::Pvmove, false)?;
        crate::log_verbose!("Move of {} segment(s) from {} to {} started", mover.state.segments.len(), dev_text(mover.state.source), dev_text(mover.state.dest));
        Ok(mover)
    }

    /// Takes a saved state back: recreates what is missing (after a
    /// reboot) and reloads the layout. Mirrors resynchronise unless the
    /// last stop was clean and the copy was complete (`nosync`).
    pub fn restart(kernel: &'k dyn Kernel, mut state: MoveState) -> Result<Mover<'k>, PvmoveError> {
        let trust_nosync = state.clean && state.synced;
        if !state.clean {
            crate::log_verbose!("The last stop was not clean: mirrors resynchronise (no nosync)");
            state.synced = false;
        }
        state.clean = false;
        let mover = Mover { kernel, state, layout_behind: false };
        mover.apply(Target2::Pvmove, trust_nosync)?;
        Ok(mover)
    }

    /// A mover over a saved state, without touching any device (for an
    /// abort or a clean stop).
    pub fn from_state(kernel: &'k dyn Kernel, state: MoveState) -> Mover<'k> {
        Mover { kernel, state, layout_behind: false }
    }

    fn pvmove_dev(&self) -> Result<Option<(u32, u32)>, PvmoveError> {
        Ok(query::find_device(self.kernel, &self.state.pvmove_uuid)?.map(|d| d.dev))
    }

    /// Reads the mirror status; in by-segment mode a segment found in sync
    /// is marked complete and the next one started.
    pub fn poll(&mut self) -> Result<Progress, PvmoveError> {
        if self.layout_behind {
            self.apply(Target2::Pvmove, false)?;
            self.layout_behind = false;
        }
        let dev = self.pvmove_dev()?.ok_or_else(|| PvmoveError::Invalid(format!("{} is not active", self.state.pvmove_name)))?;
        let lines = query::status(self.kernel, dev)?;
        let total = self.state.total_len().max(1) as f64;
        match self.state.mode {
            Mode::Atomic => {
                let line = lines.first().ok_or_else(|| PvmoveError::Invalid("no pvmove status".into()))?;
                let m = crate::status::mirror::parse(&line.params).map_err(|e| PvmoveError::Invalid(e.to_string()))?;
                let fraction = if m.total_regions == 0 { 0.0 } else { m.insync_regions as f64 / m.total_regions as f64 };
                if m.total_regions > 0 && m.insync_regions == m.total_regions {
                    self.state.synced = true;
                }
                Ok(Progress { fraction, done: self.state.synced })
            }
            Mode::BySegment => {
                let mut complete: u64 = self.state.segments.iter().filter(|s| s.state == SegmentState::Complete).map(|s| s.len).sum();
                let Some(k) = self.state.segments.iter().position(|s| s.state == SegmentState::Running) else {
                    return Ok(Progress { fraction: complete as f64 / total, done: self.state.all_complete() });
                };
                let line = lines.get(k).ok_or_else(|| PvmoveError::Invalid(format!("no status for segment {k}")))?;
                let m = crate::status::mirror::parse(&line.params).map_err(|e| PvmoveError::Invalid(e.to_string()))?;
                let len = self.state.segments[k].len;
                if m.total_regions > 0 && m.insync_regions == m.total_regions {
                    self.state.segments[k].state = SegmentState::Complete;
                    complete += len;
                    if let Some(next) = self.state.segments.iter_mut().find(|s| s.state == SegmentState::Disabled) {
                        next.state = SegmentState::Running;
                    }
                    // Loaded by the next poll, once the caller has saved this.
                    self.layout_behind = true;
                    crate::log_verbose!("Segment {k} copied; {} of {} sectors moved", complete, self.state.total_len());
                    return Ok(Progress { fraction: complete as f64 / total, done: self.state.all_complete() });
                }
                let part = if m.total_regions == 0 { 0.0 } else { len as f64 * m.insync_regions as f64 / m.total_regions as f64 };
                Ok(Progress { fraction: (complete as f64 + part) / total, done: false })
            }
        }
    }

    /// Completes the move: every volume maps the destination directly and
    /// the pvmove device goes.
    pub fn finish(&mut self) -> Result<(), PvmoveError> {
        let done = match self.state.mode {
            Mode::BySegment => self.state.all_complete(),
            Mode::Atomic => self.state.synced,
        };
        if !done {
            return Err(PvmoveError::Invalid("the copy is not complete yet".into()));
        }
        for s in &mut self.state.segments {
            s.state = SegmentState::Complete;
        }
        self.apply(Target2::Direct, false)?;
        self.remove_pvmove()?;
        self.state.clean = true;
        Ok(())
    }

    /// Abandons the move: atomic moves go back to the source entirely;
    /// by-segment moves keep completed segments on the destination.
    pub fn abort(&mut self) -> Result<(), PvmoveError> {
        let back = match self.state.mode {
            Mode::Atomic => Target2::Source,
            Mode::BySegment => Target2::Direct,
        };
        for s in &mut self.state.segments {
            if back == Target2::Source || s.state != SegmentState::Complete {
                s.state = SegmentState::Disabled;
            }
        }
        self.apply(back, false)?;
        self.remove_pvmove()?;
        self.state.clean = true;
        Ok(())
    }

    /// A clean stop: the volumes and the pvmove device are taken down (no
    /// write left in flight) and the state says so, so that a restart may
    /// trust `nosync`.
    pub fn stop(&mut self) -> Result<(), PvmoveError> {
        if self.pvmove_dev()?.is_none() {
            // Nothing active (after a crash): nothing to take down, and no
            // reason to call the last stop clean.
            return Ok(());
        }
        for v in self.state.volumes.clone() {
            self.deactivate(&v.uuid)?;
        }
        self.remove_pvmove()?;
        self.state.clean = true;
        Ok(())
    }

    fn deactivate(&self, uuid: &str) -> Result<(), PvmoveError> {
        let Some(d) = query::find_device(self.kernel, uuid)? else { return Ok(()) };
        let mut tree = Tree::new();
        tree.add_dev(self.kernel, d.dev.0, d.dev.1, 0)?;
        tree.deactivate_children(self.kernel, Tree::ROOT, Some(uuid), &mut no_events())?;
        Ok(())
    }

    /// Removes the pvmove device and its images (each by uuid: once no
    /// volume uses it, the device may hold an error table, not its images).
    fn remove_pvmove(&self) -> Result<(), PvmoveError> {
        let uuid = &self.state.pvmove_uuid;
        self.deactivate(uuid)?;
        for i in 0..2 {
            self.deactivate(&format!("{uuid}-mimage_{i}"))?;
        }
        Ok(())
    }

    /// Loads the layout of the current state through one tree: preload,
    /// suspend, activate.
    fn apply(&self, volumes_to: Target2, nosync: bool) -> Result<(), PvmoveError> {
        let st = &self.state;
        let k = self.kernel;
        let mut tree = Tree::new();
        for uuid in st.volumes.iter().map(|v| v.uuid.as_str()).chain([st.pvmove_uuid.as_str()]) {
            if let Some(d) = query::find_device(k, uuid)? {
                tree.add_dev(k, d.dev.0, d.dev.1, 0)?;
            }
        }
        let pv = if volumes_to == Target2::Pvmove { Some(self.describe_pvmove(&mut tree, nosync)?) } else { None };
        for (vi, v) in st.volumes.iter().enumerate() {
            let node = tree.add_new_dev(&v.name, &v.uuid, 0, 0, false, 0)?;
            tree.props_mut(node).segments.clear();
            for (li, l) in v.lines.iter().enumerate() {
                let moved = st.segments.iter().position(|s| s.volume == vi && s.line == li);
                match (moved, pv) {
                    (Some(i), Some(pv)) => {
                        // The segment's place in the pvmove device.
                        let before: u64 = st.segments[..i].iter().map(|s| s.len).sum();
                        tree.add_segment(node, l.len, Target::Linear);
                        tree.add_area(node, AreaDevice::Node(pv), before)?;
                    }
                    (Some(i), None) => {
                        let s = &st.segments[i];
                        let (dev, off) = if volumes_to != Target2::Source && s.state == SegmentState::Complete { (st.dest, s.dest_offset) } else { (st.source, s.source_offset) };
                        tree.add_segment(node, l.len, Target::Linear);
                        tree.add_area(node, AreaDevice::Dev(dev.0, dev.1), off)?;
                    }
                    (None, _) => tree.add_segment(node, l.len, Target::Raw { target_type: l.target_type.clone(), params: l.params.clone() }),
                }
            }
        }
        tree.preload_children(k, Tree::ROOT, None, &mut no_events())?;
        let suspended = tree.suspend_children(k, Tree::ROOT, None);
        // Resume whatever happened, so nothing is left suspended.
        let activated = tree.activate_children(k, Tree::ROOT, None);
        suspended?;
        activated?;
        Ok(())
    }

    /// Describes the pvmove device (and, atomic, its two images) in the tree.
    fn describe_pvmove(&self, tree: &mut Tree, nosync: bool) -> Result<NodeId, PvmoveError> {
        let st = &self.state;
        let log = |nosync: bool| MirrorLog { region_size: st.region_size, nosync, ..MirrorLog::default() };
        let pv = tree.add_new_dev(&st.pvmove_name, &st.pvmove_uuid, 0, 0, false, 0)?;
        tree.props_mut(pv).segments.clear();
        match st.mode {
            Mode::BySegment => {
                for s in &st.segments {
                    match s.state {
                        SegmentState::Disabled => {
                            tree.add_segment(pv, s.len, Target::Linear);
                            tree.add_area(pv, AreaDevice::Dev(st.source.0, st.source.1), s.source_offset)?;
                        }
                        SegmentState::Complete => {
                            tree.add_segment(pv, s.len, Target::Linear);
                            tree.add_area(pv, AreaDevice::Dev(st.dest.0, st.dest.1), s.dest_offset)?;
                        }
                        SegmentState::Running => {
                            tree.add_segment(pv, s.len, Target::Mirror(log(false)));
                            // A core-log pvmove mirror, as LVM marks it (its
                            // log uuid names "pvmove"): nothing below it is
                            // resumed before activate.
                            tree.set_mirror_log(pv, log(false), Some("pvmove"), false)?;
                            tree.add_area(pv, AreaDevice::Dev(st.source.0, st.source.1), s.source_offset)?;
                            tree.add_area(pv, AreaDevice::Dev(st.dest.0, st.dest.1), s.dest_offset)?;
                        }
                    }
                }
            }
            Mode::Atomic => {
                let mut images = Vec::new();
                for (i, (dev, dest)) in [(st.source, false), (st.dest, true)].into_iter().enumerate() {
                    let img = tree.add_new_dev(&format!("{}_mimage_{i}", st.pvmove_name), &format!("{}-mimage_{i}", st.pvmove_uuid), 0, 0, false, 0)?;
                    tree.props_mut(img).segments.clear();
                    for s in &st.segments {
                        tree.add_segment(img, s.len, Target::Linear);
                        tree.add_area(img, AreaDevice::Dev(dev.0, dev.1), if dest { s.dest_offset } else { s.source_offset })?;
                    }
                    images.push(img);
                }
                if nosync {
                    crate::log_verbose!("Clean stop after a complete copy: {} resumes with nosync", st.pvmove_name);
                }
                tree.add_segment(pv, st.total_len(), Target::Mirror(log(nosync)));
                tree.set_mirror_log(pv, log(nosync), Some("pvmove"), false)?;
                for img in images {
                    tree.add_area(pv, AreaDevice::Node(img), 0)?;
                }
            }
        }
        Ok(pv)
    }
}
