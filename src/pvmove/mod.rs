//! The mirror/pvmove helpers (seeds 000 and 001): move the linear segments
//! of live devices from one backing device to another while they stay in
//! use, through a temporary "pvmove" device that mirrors what is moving.
//!
//! - By segment (LVM's classic pvmove): the pvmove device holds every moved
//!   segment; each volume's moved segments point into it; exactly one
//!   segment is RUNNING (a mirror source -> destination, core log), the
//!   others DISABLED (linear on the source) or COMPLETE (linear on the
//!   destination). The move advances segment by segment.
//! - Atomic (by LV): the pvmove device is one mirror over two images that
//!   keep the segment boundaries, one on the source and one on the
//!   destination; everything moves together and an abort leaves everything
//!   on the source.
//!
//! After each transition the caller gets a [`MoveState`] to persist (its
//! text form is small, versioned and human-readable); a restart takes it
//! back. After an unclean stop `nosync` is never trusted.
//!
//! Every kernel request goes through the tree ([`crate::tree`]).

mod engine;
mod plan;
mod state;

pub use engine::{Mover, Progress};
pub use plan::{next_free_area, MoveRequest};
pub use state::{Mode, MoveState, MovedSegment, SegmentState, Volume, VolumeLine};

use crate::tree::TreeError;

/// Why a move cannot start or go on.
#[derive(Debug, thiserror::Error)]
pub enum PvmoveError {
    /// A device named by the caller does not exist.
    #[error("{0}: no such device")]
    UnknownDevice(String),
    /// A volume maps nothing onto the source device.
    #[error("{0} has no segment on the source device {1}")]
    NotOnSource(String, String),
    /// A segment on the source is not linear.
    #[error("{volume}: segment at sector {start} is {target}, only linear segments can be moved")]
    NotLinear {
        /// Volume name.
        volume: String,
        /// Start of the segment.
        start: u64,
        /// Its target type.
        target: String,
    },
    /// Destination areas overlap each other or the source area.
    #[error("destination areas overlap: {0}")]
    Overlap(String),
    /// Not enough room on the destination.
    #[error("no room on the destination: {need} sectors needed, {have} available")]
    NoRoom {
        /// Sectors to move.
        need: u64,
        /// Sectors available.
        have: u64,
    },
    /// A move is already running (its pvmove device exists).
    #[error("a move is already running: {0} exists")]
    AlreadyRunning(String),
    /// Source and destination are the same device.
    #[error("the source and the destination are the same device")]
    SameDevice,
    /// Bad arguments.
    #[error("{0}")]
    Invalid(String),
    /// A saved state that cannot be read.
    #[error("bad move state: {0}")]
    State(String),
    /// A kernel or tree operation failed.
    #[error(transparent)]
    Tree(#[from] TreeError),
}

impl From<crate::task::TaskError> for PvmoveError {
    fn from(e: crate::task::TaskError) -> Self {
        PvmoveError::Tree(e.into())
    }
}

/// "major:minor".
pub fn dev_text((major, minor): (u32, u32)) -> String {
    format!("{major}:{minor}")
}

pub use crate::kernel::parse_dev_text as parse_dev;

#[cfg(test)]
mod tests;
