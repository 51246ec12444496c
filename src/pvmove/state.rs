//! The state of a move, and its text form:
//!
//! ```text
//! dmpvmove-state 1
//! mode by-segment
//! clean 0
//! synced 0
//! region-size 1024
//! source 7:0
//! dest 7:1
//! pvmove dmpvmove-7_0 DMPVMOVE-7_0
//! volume vol1 UUID-vol1
//! line 0 2048 linear 7:0 0
//! line 2048 2048 linear 7:0 8192
//! volume vol2 UUID-vol2
//! line 0 4096 linear 7:0 4096
//! segment 0 0 2048 0 0 complete
//! segment 0 1 2048 8192 2048 running
//! segment 1 0 4096 4096 4096 disabled
//! ```
//!
//! `line` rows are a volume's original table (start, length, target type,
//! parameters); `segment` rows are the moved segments in pvmove order
//! (volume index, line index, length, source offset, destination offset,
//! state).

use super::{dev_text, parse_dev, PvmoveError};

/// The format version written and understood.
pub const STATE_VERSION: u32 = 1;

/// How the move proceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One segment at a time; an abort keeps completed segments moved.
    BySegment,
    /// Everything together; an abort leaves everything on the source.
    Atomic,
}

/// Where a moved segment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentState {
    /// Not addressed yet: linear on the source.
    Disabled,
    /// Being copied: a mirror source -> destination.
    Running,
    /// Copied: linear on the destination.
    Complete,
}

impl SegmentState {
    fn word(self) -> &'static str {
        match self {
            SegmentState::Disabled => "disabled",
            SegmentState::Running => "running",
            SegmentState::Complete => "complete",
        }
    }
}

/// One line of a volume's original table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeLine {
    /// Start sector.
    pub start: u64,
    /// Length in sectors.
    pub len: u64,
    /// Target type.
    pub target_type: String,
    /// Parameters.
    pub params: String,
}

/// A volume being moved: its name, uuid and original table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// Device name.
    pub name: String,
    /// Device uuid.
    pub uuid: String,
    /// Its table before the move.
    pub lines: Vec<VolumeLine>,
}

/// One moved segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MovedSegment {
    /// Index into the volumes.
    pub volume: usize,
    /// Index into that volume's lines.
    pub line: usize,
    /// Length in sectors.
    pub len: u64,
    /// Offset on the source device.
    pub source_offset: u64,
    /// Offset on the destination device.
    pub dest_offset: u64,
    /// Where it stands.
    pub state: SegmentState,
}

/// Everything a restart needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveState {
    /// By segment or atomic.
    pub mode: Mode,
    /// Whether the devices were last taken down cleanly (no write can be
    /// in flight between the mirror's legs).
    pub clean: bool,
    /// Atomic mode: the mirror was wholly in sync when last seen.
    pub synced: bool,
    /// Mirror region size in sectors.
    pub region_size: u32,
    /// Source device.
    pub source: (u32, u32),
    /// Destination device.
    pub dest: (u32, u32),
    /// The pvmove device's name.
    pub pvmove_name: String,
    /// The pvmove device's uuid (its images get "-mimage_0" and "-mimage_1").
    pub pvmove_uuid: String,
    /// The volumes.
    pub volumes: Vec<Volume>,
    /// The moved segments, in the pvmove device's order.
    pub segments: Vec<MovedSegment>,
}

impl MoveState {
    /// Total sectors moved.
    pub fn total_len(&self) -> u64 {
        self.segments.iter().map(|s| s.len).sum()
    }

    /// Whether every segment is complete.
    pub fn all_complete(&self) -> bool {
        self.segments.iter().all(|s| s.state == SegmentState::Complete)
    }

    /// The state's text form.
    pub fn to_text(&self) -> String {
        let mut out = format!("dmpvmove-state {STATE_VERSION}\n");
        out += &format!("mode {}\n", if self.mode == Mode::Atomic { "atomic" } else { "by-segment" });
        out += &format!("clean {}\nsynced {}\n", self.clean as u8, self.synced as u8);
        out += &format!("region-size {}\n", self.region_size);
        out += &format!("source {}\ndest {}\n", dev_text(self.source), dev_text(self.dest));
        out += &format!("pvmove {} {}\n", self.pvmove_name, self.pvmove_uuid);
        for v in &self.volumes {
            out += &format!("volume {} {}\n", v.name, v.uuid);
            for l in &v.lines {
                out += &format!("line {} {} {} {}\n", l.start, l.len, l.target_type, l.params);
            }
        }
        for s in &self.segments {
            out += &format!("segment {} {} {} {} {} {}\n", s.volume, s.line, s.len, s.source_offset, s.dest_offset, s.state.word());
        }
        out
    }

    /// Reads a state's text form back, checking that it is consistent.
    pub fn from_text(text: &str) -> Result<MoveState, PvmoveError> {
        let bad = |what: &str, line: &str| PvmoveError::State(format!("{what}: \"{line}\""));
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().ok_or_else(|| PvmoveError::State("empty".into()))?;
        match header.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["dmpvmove-state", v] if *v == STATE_VERSION.to_string() => {}
            ["dmpvmove-state", v] => return Err(PvmoveError::State(format!("version {v} is not understood (this is version {STATE_VERSION})"))),
            _ => return Err(bad("not a dmpvmove state", header)),
        }
        let mut st = MoveState {
            mode: Mode::BySegment,
            clean: false,
            synced: false,
            region_size: 0,
            source: (0, 0),
            dest: (0, 0),
            pvmove_name: String::new(),
            pvmove_uuid: String::new(),
            volumes: Vec::new(),
            segments: Vec::new(),
        };
        for line in lines {
            let w: Vec<&str> = line.split_whitespace().collect();
            let num = |i: usize| w.get(i).and_then(|x| x.parse::<u64>().ok()).ok_or_else(|| bad("bad number", line));
            match w.first().copied() {
                Some("mode") => {
                    st.mode = match w.get(1).copied() {
                        Some("atomic") => Mode::Atomic,
                        Some("by-segment") => Mode::BySegment,
                        _ => return Err(bad("unknown mode", line)),
                    }
                }
                Some("clean") => st.clean = num(1)? != 0,
                Some("synced") => st.synced = num(1)? != 0,
                Some("region-size") => st.region_size = u32::try_from(num(1)?).map_err(|_| bad("region size", line))?,
                Some("source") => st.source = w.get(1).and_then(|d| parse_dev(d)).ok_or_else(|| bad("bad device", line))?,
                Some("dest") => st.dest = w.get(1).and_then(|d| parse_dev(d)).ok_or_else(|| bad("bad device", line))?,
                Some("pvmove") if w.len() == 3 => {
                    st.pvmove_name = w[1].to_string();
                    st.pvmove_uuid = w[2].to_string();
                }
                Some("volume") if w.len() == 3 => st.volumes.push(Volume { name: w[1].into(), uuid: w[2].into(), lines: Vec::new() }),
                Some("line") if w.len() >= 4 => {
                    let (start, len) = (num(1)?, num(2)?);
                    let params = line.splitn(5, ' ').nth(4).unwrap_or("").to_string();
                    let v = st.volumes.last_mut().ok_or_else(|| bad("line before any volume", line))?;
                    v.lines.push(VolumeLine { start, len, target_type: w[3].into(), params });
                }
                Some("segment") if w.len() == 7 => {
                    let state = match w[6] {
                        "disabled" => SegmentState::Disabled,
                        "running" => SegmentState::Running,
                        "complete" => SegmentState::Complete,
                        _ => return Err(bad("unknown segment state", line)),
                    };
                    st.segments.push(MovedSegment {
                        volume: num(1)? as usize,
                        line: num(2)? as usize,
                        len: num(3)?,
                        source_offset: num(4)?,
                        dest_offset: num(5)?,
                        state,
                    });
                }
                _ => return Err(bad("unknown line", line)),
            }
        }
        if st.pvmove_name.is_empty() || st.volumes.is_empty() || st.segments.is_empty() || st.region_size == 0 {
            return Err(PvmoveError::State("incomplete: needs pvmove, region-size, volumes and segments".into()));
        }
        for s in &st.segments {
            let ok = st.volumes.get(s.volume).is_some_and(|v| v.lines.get(s.line).is_some_and(|l| l.len == s.len));
            if !ok || s.len == 0 {
                return Err(PvmoveError::State(format!("segment {}/{} does not match a volume line", s.volume, s.line)));
            }
        }
        if st.mode == Mode::BySegment && st.segments.iter().filter(|s| s.state == SegmentState::Running).count() > 1 {
            return Err(PvmoveError::State("more than one running segment".into()));
        }
        Ok(st)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> MoveState {
        MoveState {
            mode: Mode::BySegment,
            clean: false,
            synced: false,
            region_size: 1024,
            source: (7, 0),
            dest: (7, 1),
            pvmove_name: "dmpvmove-7_0".into(),
            pvmove_uuid: "DMPVMOVE-7_0".into(),
            volumes: vec![Volume {
                name: "vol1".into(),
                uuid: "U-vol1".into(),
                lines: vec![
                    VolumeLine { start: 0, len: 2048, target_type: "linear".into(), params: "7:0 0".into() },
                    VolumeLine { start: 2048, len: 100, target_type: "linear".into(), params: "7:5 0".into() },
                ],
            }],
            segments: vec![MovedSegment { volume: 0, line: 0, len: 2048, source_offset: 0, dest_offset: 4096, state: SegmentState::Running }],
        }
    }

    #[test]
    fn a_state_reads_back_as_written() {
        let s = sample();
        let text = s.to_text();
        assert!(text.starts_with("dmpvmove-state 1\nmode by-segment\nclean 0\n"));
        assert!(text.contains("\nline 2048 100 linear 7:5 0\n"));
        assert!(text.contains("\nsegment 0 0 2048 0 4096 running\n"));
        assert_eq!(MoveState::from_text(&text).unwrap(), s);
    }

    #[test]
    fn unknown_versions_and_inconsistent_states_are_refused() {
        let text = sample().to_text();
        let e = MoveState::from_text(&text.replace("dmpvmove-state 1", "dmpvmove-state 2")).unwrap_err();
        assert_eq!(e.to_string(), "bad move state: version 2 is not understood (this is version 1)");
        assert!(MoveState::from_text(&text.replace("segment 0 0 2048", "segment 0 0 999")).is_err());
        assert!(MoveState::from_text(&text.replace("running", "sideways")).is_err());
        assert!(MoveState::from_text("").is_err());
        assert!(MoveState::from_text("hello\n").is_err());
    }
}
