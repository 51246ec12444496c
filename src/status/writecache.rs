//! The `writecache` target's status: `<error> <blocks> <free blocks>
//! <blocks under writeback>` (more fields may follow and are ignored).

use super::scan::{until_nul, Scan};
use super::{StatusError, Target};

/// A parsed writecache status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritecacheStatus {
    /// 0, or the error number the cache hit.
    pub error: u64,
    /// Cache blocks.
    pub total_blocks: u64,
    /// Free cache blocks.
    pub free_blocks: u64,
    /// Blocks under writeback.
    pub writeback_blocks: u64,
}

/// Parses a writecache status line.
pub fn parse(params: &str) -> Result<WritecacheStatus, StatusError> {
    parse_bytes(params.as_bytes())
}

/// Parses a writecache status line given as bytes (read up to a NUL).
pub fn parse_bytes(params: &[u8]) -> Result<WritecacheStatus, StatusError> {
    let s = until_nul(params);
    let mut sc = Scan::new(s, 0);
    let v: Vec<Option<u64>> = (0..4).map(|_| sc.space().u64()).collect();
    match v[..] {
        [Some(error), Some(total_blocks), Some(free_blocks), Some(writeback_blocks)] => {
            Ok(WritecacheStatus { error, total_blocks, free_blocks, writeback_blocks })
        }
        _ => Err(StatusError::malformed(Target::Writecache, s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_numbers() {
        let s = parse("0 1024 1000 3 0 0 0 0").unwrap();
        assert_eq!(s, WritecacheStatus { error: 0, total_blocks: 1024, free_blocks: 1000, writeback_blocks: 3 });
    }

    #[test]
    fn three_numbers_are_rejected() {
        assert_eq!(parse("0 1 2").unwrap_err().to_string(), "Failed to parse writecache params: 0 1 2.");
    }
}
