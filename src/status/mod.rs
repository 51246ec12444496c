//! Parsers for the STATUS lines of device-mapper targets, as libdm's
//! `dm_get_status_*` and `dm_vdo_*` functions read them.
//!
//! One module per target, each with a typed result and [`StatusError`].
//! The acceptance rules are libdm's, quirks included (its parsers are built
//! on `sscanf`, whose rules [`scan`] reproduces), so that a caller of the C
//! ABI sees the same result and the same log lines with either library.
//! Every parser takes any byte string (reading stops at a NUL, as in C),
//! never panics and never allocates more than the input can justify.

pub mod cache;
pub mod integrity;
pub mod mirror;
pub mod raid;
pub mod raid_sb;
pub mod scan;
pub mod snapshot;
pub mod thin;
pub mod vdo;
pub mod writecache;

/// Which parser rejected a line (it selects libdm's wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `snapshot`
    Snapshot,
    /// `raid`
    Raid,
    /// `cache`
    Cache,
    /// `thin-pool`
    ThinPool,
    /// `thin`
    Thin,
    /// `mirror`
    Mirror,
    /// `writecache`
    Writecache,
    /// `integrity`
    Integrity,
}

/// A status line that a parser rejects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// The line does not have the target's format. `detail` names the
    /// fields libdm was reading (raid only), `params` is the whole line.
    #[error("{}", malformed_message(*target, detail, params))]
    Malformed {
        /// The parser.
        target: Target,
        /// The fields being read when it failed (libdm's words), or "".
        detail: &'static str,
        /// The line as given.
        params: String,
    },
    /// A mirror status with more legs than the kernel can have (8); the
    /// wording, typo included, is libdm 1.02.185's.
    #[error("{}More then 8 reported in mirror status.", crate::log::INTERNAL_ERROR)]
    TooManyMirrorLegs {
        /// The line as given.
        params: String,
    },
    /// libdm would need an array larger than its allocator's 50 MB limit
    /// for a count the line gives: it logs its allocator's two messages
    /// (with the chunk size it asked for) before the parse failure.
    #[error("Huge memory allocation (size {chunk}) rejected - metadata corruption?")]
    HugeAllocation {
        /// The chunk size libdm's pool asks its allocator for.
        chunk: u64,
        /// The failure that follows.
        then: Box<StatusError>,
    },
}

/// libdm's allocator refuses more than this many bytes.
pub(crate) const LIBDM_MAX_ALLOCATION: u64 = 50_000_000;
/// libdm's pool adds this to an allocation when it needs a new chunk.
pub(crate) const LIBDM_CHUNK_OVERHEAD: u64 = 32;

fn malformed_message(target: Target, detail: &str, params: &str) -> String {
    match target {
        Target::Snapshot => format!("Failed to parse snapshot params: {params}."),
        Target::Raid => format!("Failed to parse {detail}raid params: {params}"),
        Target::Cache => format!("Failed to parse cache params: {params}"),
        Target::ThinPool => format!("Failed to parse thin pool params: {params}."),
        Target::Thin => format!("Failed to parse thin params: {params}."),
        Target::Mirror => format!("Failed to parse mirror status {params}."),
        Target::Writecache => format!("Failed to parse writecache params: {params}."),
        Target::Integrity => format!("Failed to parse integrity params: {params}."),
    }
}

impl StatusError {
    pub(crate) fn malformed(target: Target, params: &[u8]) -> Self {
        Self::malformed_in(target, "", params)
    }

    pub(crate) fn malformed_in(target: Target, detail: &'static str, params: &[u8]) -> Self {
        StatusError::Malformed { target, detail, params: String::from_utf8_lossy(params).into_owned() }
    }

    /// Logs what libdm logs for this failure (one or two error lines).
    pub fn log(&self) {
        crate::dm_log!(crate::log::LOG_ERR, -1, "{self}");
        match self {
            StatusError::TooManyMirrorLegs { params } => {
                crate::dm_log!(crate::log::LOG_ERR, -1, "{}", malformed_message(Target::Mirror, "", params));
            }
            StatusError::HugeAllocation { chunk, then } => {
                crate::dm_log!(crate::log::LOG_ERR, -1, "Out of memory.  Requested {chunk} bytes.");
                then.log();
            }
            StatusError::Malformed { .. } => {}
        }
    }
}

/// Bytes as text for a log line.
pub(crate) fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
