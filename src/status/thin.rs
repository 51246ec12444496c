//! The `thin-pool` and `thin` targets' status lines.
//!
//! thin-pool: `<transaction id> <used>/<total metadata blocks>
//! <used>/<total data blocks> <held root> [rw|ro|out_of_data_space]
//! [discard_passdown|no_discard_passdown|ignore_discard]
//! [queue_if_no_space|error_if_no_space] [needs_check|-] ...`, or `Fail`,
//! or `Error`. thin: `<mapped sectors> <highest mapped sector>`, `-` or `Fail`.

use super::scan::{contains, until_nul, Scan};
use super::{StatusError, Target};

/// How a pool handles discards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Discards {
    /// `ignore_discard`
    Ignore,
    /// `no_discard_passdown`
    NoPassdown,
    /// `discard_passdown` (the default)
    #[default]
    Passdown,
}

/// A parsed thin-pool status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThinPoolStatus {
    /// The metadata transaction id.
    pub transaction_id: u64,
    /// Metadata blocks used.
    pub used_metadata_blocks: u64,
    /// Metadata blocks.
    pub total_metadata_blocks: u64,
    /// Data blocks used.
    pub used_data_blocks: u64,
    /// Data blocks.
    pub total_data_blocks: u64,
    /// The held metadata root (not read, as in libdm: always 0).
    pub held_metadata_root: u64,
    /// Metadata is read-only.
    pub read_only: bool,
    /// Discard handling.
    pub discards: Discards,
    /// All I/O fails.
    pub fail: bool,
    /// Errors instead of queueing when out of space.
    pub error_if_no_space: bool,
    /// Out of data space.
    pub out_of_data_space: bool,
    /// Metadata needs a check.
    pub needs_check: bool,
    /// An error was detected.
    pub error: bool,
}

/// Parses a thin-pool status line.
pub fn parse_pool(params: &str) -> Result<ThinPoolStatus, StatusError> {
    parse_pool_bytes(params.as_bytes())
}

/// Parses a thin-pool status line given as bytes (read up to a NUL).
pub fn parse_pool_bytes(params: &[u8]) -> Result<ThinPoolStatus, StatusError> {
    let s = until_nul(params);
    // A failed pool reports nothing else: libdm leaves every other field
    // zero, discards included (which is `Ignore`).
    let mut st = ThinPoolStatus { discards: Discards::Ignore, ..Default::default() };
    if contains(s, 0, b"Error") {
        st.error = true;
        st.fail = true;
        return Ok(st);
    }
    if contains(s, 0, b"Fail") {
        st.fail = true;
        return Ok(st);
    }
    let mut sc = Scan::new(s, 0);
    let tid = sc.u64();
    let um = sc.space().u64();
    let tm = sc.lit(b'/').u64();
    let ud = sc.space().u64();
    let td = sc.lit(b'/').u64();
    let pos = sc.n(0);
    let (Some(tid), Some(um), Some(tm), Some(ud), Some(td), Some(pos)) = (tid, um, tm, ud, td, pos) else {
        return Err(StatusError::malformed(Target::ThinPool, s));
    };
    st.transaction_id = tid;
    st.used_metadata_blocks = um;
    st.total_metadata_blocks = tm;
    st.used_data_blocks = ud;
    st.total_data_blocks = td;
    st.discards = if contains(s, pos, b"no_discard_passdown") {
        Discards::NoPassdown
    } else if contains(s, pos, b"ignore_discard") {
        Discards::Ignore
    } else {
        Discards::Passdown
    };
    if contains(s, pos, b"out_of_data_space") {
        st.out_of_data_space = true;
    } else if contains(s, pos, b"ro ") {
        st.read_only = true;
    }
    st.error_if_no_space = contains(s, pos, b"error_if_no_space");
    st.needs_check = contains(s, pos, b"needs_check");
    Ok(st)
}

/// A parsed thin volume status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThinStatus {
    /// Sectors mapped.
    pub mapped_sectors: u64,
    /// The highest mapped sector.
    pub highest_mapped_sector: u64,
    /// The volume fails I/O.
    pub fail: bool,
}

/// Parses a thin volume status line.
pub fn parse_thin(params: &str) -> Result<ThinStatus, StatusError> {
    parse_thin_bytes(params.as_bytes())
}

/// Parses a thin volume status line given as bytes (read up to a NUL).
pub fn parse_thin_bytes(params: &[u8]) -> Result<ThinStatus, StatusError> {
    let s = until_nul(params);
    let mut st = ThinStatus::default();
    if s.contains(&b'-') {
        return Ok(st);
    }
    if contains(s, 0, b"Fail") {
        st.fail = true;
        return Ok(st);
    }
    let mut sc = Scan::new(s, 0);
    let mapped = sc.u64();
    let highest = sc.space().u64();
    match (mapped, highest) {
        (Some(m), Some(h)) => {
            st.mapped_sectors = m;
            st.highest_mapped_sector = h;
            Ok(st)
        }
        _ => Err(StatusError::malformed(Target::Thin, s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_line_as_the_kernel_prints_it() {
        let s = parse_pool("1 10/512 30/1024 - rw no_discard_passdown error_if_no_space needs_check 0").unwrap();
        assert_eq!((s.transaction_id, s.used_metadata_blocks, s.total_metadata_blocks), (1, 10, 512));
        assert_eq!((s.used_data_blocks, s.total_data_blocks), (30, 1024));
        assert_eq!(s.discards, Discards::NoPassdown);
        assert!(s.error_if_no_space && s.needs_check && !s.read_only);
    }

    #[test]
    fn read_only_needs_the_trailing_space() {
        assert!(parse_pool("0 1/2 3/4 - ro discard_passdown").unwrap().read_only);
        assert!(!parse_pool("0 1/2 3/4 - ro").unwrap().read_only);
    }

    #[test]
    fn out_of_data_space_wins_over_read_only() {
        let s = parse_pool("0 1/2 3/4 - out_of_data_space ro ignore_discard").unwrap();
        assert!(s.out_of_data_space && !s.read_only);
        assert_eq!(s.discards, Discards::Ignore);
    }

    #[test]
    fn fail_and_error_anywhere_in_the_line() {
        let failed = ThinPoolStatus { discards: Discards::Ignore, ..Default::default() };
        assert_eq!(parse_pool("Fail").unwrap(), ThinPoolStatus { fail: true, ..failed.clone() });
        assert_eq!(parse_pool("x Error").unwrap(), ThinPoolStatus { fail: true, error: true, ..failed });
    }

    #[test]
    fn a_short_pool_line_is_rejected() {
        assert_eq!(parse_pool("1 10/512 30").unwrap_err().to_string(), "Failed to parse thin pool params: 1 10/512 30.");
    }

    #[test]
    fn a_thin_line_and_its_special_forms() {
        assert_eq!(parse_thin("2048 4095").unwrap().highest_mapped_sector, 4095);
        assert_eq!(parse_thin("-").unwrap(), ThinStatus::default());
        assert!(parse_thin("Fail").unwrap().fail);
        assert_eq!(parse_thin("12").unwrap_err().to_string(), "Failed to parse thin params: 12.");
    }
}
