//! The `cache` target's status:
//!
//! ```text
//! <metadata block size> <used>/<total metadata blocks> <cache block size>
//!   <used>/<total cache blocks> <read hits> <read misses> <write hits>
//!   <write misses> <demotions> <promotions> <dirty> <#features> <feature>*
//!   <#core args> <core arg>* <policy name> <#policy args> <policy arg>*
//!   <cache metadata mode> <needs_check|->
//! ```
//! or `Fail`, or `Error`, anywhere in the line.

use super::scan::{contains, skip_fields, until_nul, Scan};
use super::{lossy, StatusError, Target};
use crate::util::strings::split_words;

/// `writeback` feature (libdm's DM_CACHE_FEATURE_WRITEBACK).
pub const FEATURE_WRITEBACK: u64 = 1;
/// `writethrough` feature.
pub const FEATURE_WRITETHROUGH: u64 = 2;
/// `passthrough` feature.
pub const FEATURE_PASSTHROUGH: u64 = 4;
/// `metadata2` feature.
pub const FEATURE_METADATA2: u64 = 8;
/// `no_discard_passdown` feature.
pub const FEATURE_NO_DISCARD_PASSDOWN: u64 = 16;

/// A parsed cache status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheStatus {
    /// Metadata block size in sectors.
    pub metadata_block_size: u32,
    /// Metadata blocks used.
    pub metadata_used_blocks: u64,
    /// Metadata blocks.
    pub metadata_total_blocks: u64,
    /// Cache block (chunk) size in sectors.
    pub block_size: u32,
    /// Cache blocks used.
    pub used_blocks: u64,
    /// Cache blocks.
    pub total_blocks: u64,
    /// Read hits.
    pub read_hits: u64,
    /// Read misses.
    pub read_misses: u64,
    /// Write hits.
    pub write_hits: u64,
    /// Write misses.
    pub write_misses: u64,
    /// Demotions.
    pub demotions: u64,
    /// Promotions.
    pub promotions: u64,
    /// Dirty blocks.
    pub dirty_blocks: u64,
    /// `FEATURE_*` bits.
    pub feature_flags: u64,
    /// The core argument count as reported (may be negative or zero).
    pub core_argc: i32,
    /// The core arguments (key value pairs), when `core_argc` > 0.
    pub core_argv: Vec<Vec<u8>>,
    /// The policy name.
    pub policy_name: Vec<u8>,
    /// The policy argument count.
    pub policy_argc: i32,
    /// The policy arguments.
    pub policy_argv: Vec<Vec<u8>>,
    /// An error was detected.
    pub error: bool,
    /// All I/O fails.
    pub fail: bool,
    /// Metadata needs a check.
    pub needs_check: bool,
    /// Metadata is read-only.
    pub read_only: bool,
}

/// Parses a cache status line.
pub fn parse(params: &str) -> Result<CacheStatus, StatusError> {
    parse_bytes(params.as_bytes())
}

/// The first `count` white-space separated words of `rest`, or None when
/// there are fewer.
fn words(rest: &[u8], count: usize) -> Option<Vec<Vec<u8>>> {
    // Never more words than the text can hold, whatever `count` says.
    if count > rest.len() / 2 + 1 {
        return None;
    }
    let mut buf = rest.to_vec();
    buf.push(0);
    let starts = split_words(&mut buf, count);
    if starts.len() != count {
        return None;
    }
    Some(
        starts
            .iter()
            .map(|&at| {
                let end = buf[at..].iter().position(|&b| b == 0).map_or(buf.len(), |n| at + n);
                buf[at..end].to_vec()
            })
            .collect(),
    )
}

/// libdm allocates an array of `bytes` before it looks at the words: a
/// size its allocator refuses fails the parse with the allocator's messages.
fn huge_array(bytes: u64, then: StatusError) -> Result<(), StatusError> {
    let chunk = bytes.wrapping_add(super::LIBDM_CHUNK_OVERHEAD);
    if chunk > super::LIBDM_MAX_ALLOCATION {
        return Err(StatusError::HugeAllocation { chunk, then: Box::new(then) });
    }
    Ok(())
}

/// Parses a cache status line given as bytes (read up to a NUL).
pub fn parse_bytes(params: &[u8]) -> Result<CacheStatus, StatusError> {
    let s = until_nul(params);
    let bad = || StatusError::malformed(Target::Cache, s);
    let mut st = CacheStatus::default();
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
    let mbs = sc.space().u32();
    let mu = sc.space().u64();
    let mt = sc.lit(b'/').u64();
    let bs = sc.space().u32();
    let u = sc.space().u64();
    let t = sc.lit(b'/').u64();
    let nums: Vec<Option<u64>> = (0..7).map(|_| sc.space().u64()).collect();
    let feature_argc = sc.space().i32();
    if sc.assigned() != 14 {
        return Err(bad());
    }
    let (Some(mbs), Some(mu), Some(mt), Some(bs), Some(u), Some(t), Some(feature_argc)) = (mbs, mu, mt, bs, u, t, feature_argc)
    else {
        return Err(bad());
    };
    let n: Vec<u64> = nums.into_iter().map(|v| v.unwrap_or(0)).collect();
    st.metadata_block_size = mbs;
    st.metadata_used_blocks = mu;
    st.metadata_total_blocks = mt;
    st.block_size = bs;
    st.used_blocks = u;
    st.total_blocks = t;
    st.read_hits = n[0];
    st.read_misses = n[1];
    st.write_hits = n[2];
    st.write_misses = n[3];
    st.demotions = n[4];
    st.promotions = n[5];
    st.dirty_blocks = n[6];

    let mut p = skip_fields(s, 0, 12).ok_or_else(bad)?;
    for _ in 0..feature_argc.max(0) {
        let rest = &s[p..];
        if rest.starts_with(b"writethrough ") {
            st.feature_flags |= FEATURE_WRITETHROUGH;
        } else if rest.starts_with(b"writeback ") {
            st.feature_flags |= FEATURE_WRITEBACK;
        } else if rest.starts_with(b"passthrough ") {
            st.feature_flags |= FEATURE_PASSTHROUGH;
        } else if rest.starts_with(b"metadata2 ") {
            st.feature_flags |= FEATURE_METADATA2;
        } else if rest.starts_with(b"no_discard_passdown ") {
            st.feature_flags |= FEATURE_NO_DISCARD_PASSDOWN;
        } else {
            crate::dm_log!(crate::log::LOG_ERR, -1, "Unknown feature in status: {}", lossy(s));
        }
        p = skip_fields(s, p, 1).ok_or_else(bad)?;
    }

    st.core_argc = Scan::new(s, p).i32().ok_or_else(bad)?;
    if st.core_argc > 0 {
        huge_array(st.core_argc as u64 * 8, bad())?;
        p = skip_fields(s, p, 1).ok_or_else(bad)?;
        let args_at = p;
        p = skip_fields(s, p, st.core_argc as u64).ok_or_else(bad)?;
        st.core_argv = words(&s[args_at..], st.core_argc as usize).ok_or_else(bad)?;
    }

    // libdm 1.02.185 reads `%s %d` where the policy field starts: the
    // first word after any space, and the number after it.
    let name_at = p;
    p = skip_fields(s, p, 1).ok_or_else(bad)?;
    let mut sc = Scan::new(s, name_at);
    let name = sc.word(None);
    let argc = sc.space().i32();
    let (Some(name), Some(argc)) = (name, argc) else {
        return Err(bad());
    };
    st.policy_name = name.to_vec();
    st.policy_argc = argc;
    if st.policy_argc != 0 {
        huge_array((st.policy_argc as i64 as u64).wrapping_mul(8), bad())?;
        if st.policy_argc < 0 {
            // A size that wraps to almost nothing: libdm's behaviour is
            // undefined there (it clears 2^64 bytes); refuse the line.
            return Err(bad());
        }
        p = skip_fields(s, p, 1).ok_or_else(bad)?;
        st.policy_argv = words(&s[p..], st.policy_argc as usize).ok_or_else(bad)?;
    }

    st.read_only = contains(s, p, b" ro");
    st.needs_check = contains(s, p, b" needs_check");
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "8 72/4096 128 0/8192 1 2 3 4 5 6 7 1 writethrough 2 migration_threshold 2048 smq 0 rw -";

    #[test]
    fn a_line_as_the_kernel_prints_it() {
        let s = parse(LINE).unwrap();
        assert_eq!((s.metadata_block_size, s.metadata_used_blocks, s.metadata_total_blocks), (8, 72, 4096));
        assert_eq!((s.block_size, s.used_blocks, s.total_blocks), (128, 0, 8192));
        assert_eq!((s.read_hits, s.read_misses, s.write_hits, s.write_misses), (1, 2, 3, 4));
        assert_eq!((s.demotions, s.promotions, s.dirty_blocks), (5, 6, 7));
        assert_eq!(s.feature_flags, FEATURE_WRITETHROUGH);
        assert_eq!(s.core_argv, vec![b"migration_threshold".to_vec(), b"2048".to_vec()]);
        assert_eq!(s.policy_name, b"smq");
        assert_eq!(s.policy_argc, 0);
        assert!(!s.read_only && !s.needs_check);
    }

    #[test]
    fn read_only_and_needs_check_follow_the_policy() {
        let s = parse("8 72/4096 128 0/8192 1 2 3 4 5 6 7 1 writeback 2 migration_threshold 2048 smq 0 ro needs_check").unwrap();
        assert!(s.read_only && s.needs_check);
        assert_eq!(s.feature_flags, FEATURE_WRITEBACK);
    }

    #[test]
    fn policy_arguments_are_split() {
        let s = parse("8 1/2 128 0/8 0 0 0 0 0 0 0 0 2 a b mq 4 k1 v1 k2 v2 rw -").unwrap();
        assert_eq!(s.policy_name, b"mq");
        assert_eq!(s.policy_argv.len(), 4);
        assert_eq!(s.policy_argv[3], b"v2");
    }

    #[test]
    fn fail_and_error_states() {
        assert!(parse("Fail").unwrap().fail);
        let e = parse("Error").unwrap();
        assert!(e.error && e.fail);
    }

    #[test]
    fn a_missing_counter_is_rejected() {
        assert!(parse("8 72/4096 128 0/8192 1 2 3").unwrap_err().to_string().starts_with("Failed to parse cache params: 8 72/4096"));
    }

    #[test]
    fn a_huge_core_argument_count_is_rejected_without_allocating() {
        assert!(parse("8 1/2 128 0/8 0 0 0 0 0 0 0 0 2147483647 a b smq 0 rw -").is_err());
    }
}
