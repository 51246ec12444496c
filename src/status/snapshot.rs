//! The `snapshot` target's status: `<used>/<total> [<metadata sectors>]`,
//! or one of the words `Invalid`, `Merge failed`, `Overflow`.

use super::scan::{until_nul, Scan};
use super::{StatusError, Target};

/// A parsed snapshot status (sizes in 512-byte sectors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnapshotStatus {
    /// Sectors of the exception store in use.
    pub used_sectors: u64,
    /// Sectors of the exception store.
    pub total_sectors: u64,
    /// Sectors used by metadata (kernels from target version 1.8.0).
    pub metadata_sectors: u64,
    /// Whether the line had the metadata field.
    pub has_metadata_sectors: bool,
    /// The snapshot was invalidated.
    pub invalid: bool,
    /// A merge into the origin failed.
    pub merge_failed: bool,
    /// The exception store overflowed.
    pub overflow: bool,
}

/// Parses a snapshot status line.
pub fn parse(params: &str) -> Result<SnapshotStatus, StatusError> {
    parse_bytes(params.as_bytes())
}

/// Parses a snapshot status line given as bytes (read up to a NUL).
pub fn parse_bytes(params: &[u8]) -> Result<SnapshotStatus, StatusError> {
    let s = until_nul(params);
    let mut st = SnapshotStatus::default();
    let mut sc = Scan::new(s, 0);
    if let Some(v) = sc.u64() {
        st.used_sectors = v;
    }
    sc.lit(b'/');
    if let Some(v) = sc.u64() {
        st.total_sectors = v;
    }
    sc.space();
    if let Some(v) = sc.u64() {
        st.metadata_sectors = v;
    }
    match sc.assigned() {
        2 | 3 => st.has_metadata_sectors = sc.assigned() == 3,
        _ if s == b"Invalid" => st.invalid = true,
        _ if s == b"Merge failed" => st.merge_failed = true,
        _ if s == b"Overflow" => st.overflow = true,
        _ => return Err(StatusError::malformed(Target::Snapshot, s)),
    }
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_with_metadata_sectors() {
        let s = parse("16/2048 8").unwrap();
        assert_eq!((s.used_sectors, s.total_sectors, s.metadata_sectors, s.has_metadata_sectors), (16, 2048, 8, true));
    }

    #[test]
    fn usage_without_metadata_sectors() {
        let s = parse("16/2048").unwrap();
        assert!(!s.has_metadata_sectors);
    }

    #[test]
    fn the_state_words() {
        assert!(parse("Invalid").unwrap().invalid);
        assert!(parse("Merge failed").unwrap().merge_failed);
        assert!(parse("Overflow").unwrap().overflow);
    }

    #[test]
    fn a_single_number_is_rejected() {
        assert_eq!(parse("16").unwrap_err().to_string(), "Failed to parse snapshot params: 16.");
    }

    #[test]
    fn a_state_word_must_match_exactly() {
        assert!(parse("Invalid ").is_err());
        assert!(parse("").is_err());
    }
}
