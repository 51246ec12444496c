//! Turning a caller's request into the initial state of a move: the
//! volumes' tables are read, their segments on the source picked out, and
//! each given a destination area.

use super::state::{Mode, MoveState, MovedSegment, SegmentState, Volume, VolumeLine};
use super::{dev_text, parse_dev, PvmoveError};
use crate::kernel::Kernel;
use crate::tree::query;

/// What a caller asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveRequest {
    /// The volumes to move, by name or uuid.
    pub volumes: Vec<String>,
    /// The source device.
    pub source: (u32, u32),
    /// The destination device.
    pub dest: (u32, u32),
    /// Destination areas (offset, length) in sectors, used in order; None:
    /// the next free areas on the destination ([`next_free_area`]).
    pub dest_areas: Option<Vec<(u64, u64)>>,
    /// By segment or atomic.
    pub mode: Mode,
    /// Mirror region size in sectors.
    pub region_size: u32,
}

/// Size in sectors of a block device (sysfs).
fn device_sectors(dev: (u32, u32)) -> Option<u64> {
    let path = format!("{}/dev/block/{}/size", crate::udev::sysfs_dir(), dev_text(dev));
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Ranges of `dev` that live device-mapper tables map (linear lines).
fn used_ranges(kernel: &dyn Kernel, dev: (u32, u32)) -> Result<Vec<(u64, u64)>, PvmoveError> {
    let mut used = Vec::new();
    for d in query::all_devices(kernel)? {
        for line in query::live_table(kernel, d)? {
            let w: Vec<&str> = line.params.split_whitespace().collect();
            if line.target_type == "linear" && w.len() == 2 && parse_dev(w[0]) == Some(dev) {
                if let Ok(off) = w[1].parse::<u64>() {
                    used.push((off, line.length));
                }
            }
        }
    }
    used.sort_unstable();
    Ok(used)
}

/// The simple allocator for callers without one: the first area of `len`
/// sectors on `dev`, at or after `from`, that no live table maps.
pub fn next_free_area(kernel: &dyn Kernel, dev: (u32, u32), from: u64, len: u64, also_taken: &[(u64, u64)]) -> Result<Option<u64>, PvmoveError> {
    let size = device_sectors(dev).ok_or_else(|| PvmoveError::UnknownDevice(dev_text(dev)))?;
    let mut taken = used_ranges(kernel, dev)?;
    taken.extend_from_slice(also_taken);
    taken.sort_unstable();
    let mut at = from;
    for (off, l) in taken {
        if off >= at.saturating_add(len) {
            break;
        }
        at = at.max(off.saturating_add(l));
    }
    Ok((at.checked_add(len).is_some_and(|end| end <= size)).then_some(at))
}

fn overlaps(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 < b.0.saturating_add(b.1) && b.0 < a.0.saturating_add(a.1)
}

impl MoveRequest {
    /// Reads the volumes and plans the move (nothing is changed yet).
    pub fn plan(&self, kernel: &dyn Kernel) -> Result<MoveState, PvmoveError> {
        if self.source == self.dest {
            return Err(PvmoveError::SameDevice);
        }
        if self.volumes.is_empty() {
            return Err(PvmoveError::Invalid("no volume to move".into()));
        }
        if self.region_size == 0 || !self.region_size.is_power_of_two() {
            return Err(PvmoveError::Invalid(format!("region size {} is not a power of two", self.region_size)));
        }
        let pvmove_name = format!("dmpvmove-{}_{}", self.source.0, self.source.1);
        if query::find_device(kernel, &pvmove_name)?.is_some() {
            return Err(PvmoveError::AlreadyRunning(pvmove_name));
        }
        let source = dev_text(self.source);
        let mut volumes = Vec::new();
        let mut segments = Vec::new();
        for (vi, wanted) in self.volumes.iter().enumerate() {
            let dev = query::find_device(kernel, wanted)?.ok_or_else(|| PvmoveError::UnknownDevice(wanted.clone()))?;
            if volumes.iter().any(|v: &Volume| v.uuid == dev.uuid && v.name == dev.name) {
                return Err(PvmoveError::Invalid(format!("{wanted} is named twice")));
            }
            if dev.uuid.is_empty() {
                return Err(PvmoveError::Invalid(format!("{wanted} has no uuid; a moved volume needs one")));
            }
            let table = query::live_table(kernel, dev.dev)?;
            let mut lines = Vec::new();
            let before = segments.len();
            for (li, l) in table.iter().enumerate() {
                let w: Vec<&str> = l.params.split_whitespace().collect();
                let on_source = w.iter().any(|x| *x == source);
                if on_source {
                    if l.target_type != "linear" || w.len() != 2 {
                        return Err(PvmoveError::NotLinear { volume: dev.name.clone(), start: l.start, target: l.target_type.clone() });
                    }
                    let source_offset = w[1].parse().map_err(|_| PvmoveError::Invalid(format!("{}: bad linear line", dev.name)))?;
                    segments.push(MovedSegment { volume: vi, line: li, len: l.length, source_offset, dest_offset: 0, state: SegmentState::Disabled });
                }
                lines.push(VolumeLine { start: l.start, len: l.length, target_type: l.target_type.clone(), params: l.params.clone() });
            }
            if segments.len() == before {
                return Err(PvmoveError::NotOnSource(dev.name, source));
            }
            volumes.push(Volume { name: dev.name, uuid: dev.uuid, lines });
        }
        self.allocate(kernel, &mut segments)?;
        let first = match self.mode {
            Mode::BySegment => 1,
            Mode::Atomic => segments.len(),
        };
        for s in segments.iter_mut().take(first) {
            s.state = SegmentState::Running;
        }
        Ok(MoveState {
            mode: self.mode,
            clean: false,
            synced: false,
            region_size: self.region_size,
            source: self.source,
            dest: self.dest,
            pvmove_uuid: format!("DMPVMOVE-{}_{}", self.source.0, self.source.1),
            pvmove_name,
            volumes,
            segments,
        })
    }

    /// Gives each segment its destination offset.
    fn allocate(&self, kernel: &dyn Kernel, segments: &mut [MovedSegment]) -> Result<(), PvmoveError> {
        let need: u64 = segments.iter().map(|s| s.len).sum();
        match &self.dest_areas {
            Some(areas) => {
                for (i, a) in areas.iter().enumerate() {
                    if a.1 == 0 {
                        return Err(PvmoveError::Invalid(format!("destination area {} has length 0", a.0)));
                    }
                    if let Some(b) = areas[..i].iter().find(|b| overlaps(*a, **b)) {
                        return Err(PvmoveError::Overlap(format!("{}+{} and {}+{}", a.0, a.1, b.0, b.1)));
                    }
                }
                if let Some(size) = device_sectors(self.dest) {
                    if let Some(a) = areas.iter().find(|a| a.0.saturating_add(a.1) > size) {
                        return Err(PvmoveError::NoRoom { need: a.0.saturating_add(a.1), have: size });
                    }
                }
                let taken = used_ranges(kernel, self.dest)?;
                if let Some((a, t)) = areas.iter().find_map(|a| taken.iter().find(|t| overlaps(*a, **t)).map(|t| (a, t))) {
                    return Err(PvmoveError::Overlap(format!("destination area {}+{} is in use ({}+{})", a.0, a.1, t.0, t.1)));
                }
                let mut area = areas.iter().copied();
                let mut current = area.next();
                for s in segments.iter_mut() {
                    loop {
                        let Some((off, len)) = current else {
                            let have: u64 = areas.iter().map(|a| a.1).sum();
                            return Err(PvmoveError::NoRoom { need, have });
                        };
                        if len >= s.len {
                            s.dest_offset = off;
                            current = Some((off + s.len, len - s.len)).filter(|c| c.1 > 0).or_else(|| area.next());
                            break;
                        }
                        current = area.next();
                    }
                }
            }
            None => {
                let mut taken = Vec::new();
                for s in segments.iter_mut() {
                    let off = next_free_area(kernel, self.dest, 0, s.len, &taken)?;
                    let Some(off) = off else {
                        let size = device_sectors(self.dest).unwrap_or(0);
                        return Err(PvmoveError::NoRoom { need, have: size.saturating_sub(used_ranges(kernel, self.dest)?.iter().map(|u| u.1).sum()) });
                    };
                    s.dest_offset = off;
                    taken.push((off, s.len));
                }
            }
        }
        Ok(())
    }
}
