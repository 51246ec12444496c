//! The cache target (cache.rst):
//! `cache <metadata dev> <cache dev> <origin dev> <block size> <#feature args>
//! [<feature arg>]* <policy> <#policy args> [policy args]*`.
//!
//! libdm's rules, kept here: the mode is one of writethrough (the default),
//! writeback and passthrough; the cleaner policy forces writethrough (and,
//! through libdm's flag arithmetic, metadata2); migration_threshold is taken
//! out of the policy settings, never below 8 data blocks, and only written
//! when it is not the kernel's default of 2048 sectors.

use super::TargetError;

/// DM_CACHE_FEATURE_WRITEBACK.
pub const FEATURE_WRITEBACK: u64 = 0x1;
/// DM_CACHE_FEATURE_WRITETHROUGH.
pub const FEATURE_WRITETHROUGH: u64 = 0x2;
/// DM_CACHE_FEATURE_PASSTHROUGH.
pub const FEATURE_PASSTHROUGH: u64 = 0x4;
/// DM_CACHE_FEATURE_METADATA2.
pub const FEATURE_METADATA2: u64 = 0x8;
/// DM_CACHE_MIN_DATA_BLOCK_SIZE.
pub const MIN_DATA_BLOCK_SIZE: u32 = 64;
/// DM_CACHE_MAX_DATA_BLOCK_SIZE.
pub const MAX_DATA_BLOCK_SIZE: u32 = 2_097_152;
/// The kernel's default migration threshold (sectors).
pub const DEFAULT_MIGRATION_THRESHOLD: u32 = 2048;

const MODE_MASK: u64 = FEATURE_WRITEBACK | FEATURE_WRITETHROUGH | FEATURE_PASSTHROUGH;

/// The cache target's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    /// Feature flags as libdm keeps them (32 bits).
    pub flags: u32,
    /// Policy name; None is "default".
    pub policy: Option<String>,
    /// Policy settings other than migration_threshold, in order.
    pub policy_args: Vec<(String, u64)>,
    /// The migration threshold in sectors.
    pub migration_threshold: u32,
    /// Cache block size in sectors.
    pub data_block_size: u32,
}

/// Why cache parameters are refused (each message is libdm's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    /// A feature bit above METADATA2.
    #[error("Unsupported cache's feature flags set {0}.")]
    UnsupportedFlags(u64),
    /// No mode, or more than one.
    #[error("Invalid cache's feature flag {0}.")]
    InvalidMode(u64),
    /// Block size below the minimum.
    #[error("Data block size {0} is lower then {MIN_DATA_BLOCK_SIZE} sectors.")]
    BlockTooSmall(u32),
    /// Block size above the maximum.
    #[error("Data block size {0} is higher then {MAX_DATA_BLOCK_SIZE} sectors.")]
    BlockTooLarge(u32),
    /// A policy setting that is not an integer.
    #[error("Cache policy parameter {0} is without integer value.")]
    NotInteger(String),
}

impl Cache {
    /// Checks and normalises the builder's arguments as libdm does.
    /// `settings` are the policy settings in order, None for a value that
    /// is not an integer.
    pub fn new(feature_flags: u64, policy: Option<&str>, settings: &[(String, Option<i64>)], data_block_size: u32) -> Result<Cache, CacheError> {
        let mut flags = feature_flags;
        if flags >= FEATURE_METADATA2 * 2 {
            return Err(CacheError::UnsupportedFlags(flags));
        }
        match flags & MODE_MASK {
            FEATURE_PASSTHROUGH | FEATURE_WRITEBACK => {
                if policy == Some("cleaner") {
                    // libdm sets every bit outside the mode mask here.
                    flags = !MODE_MASK | FEATURE_WRITETHROUGH;
                }
            }
            FEATURE_WRITETHROUGH => {}
            _ => return Err(CacheError::InvalidMode(flags)),
        }
        if data_block_size < MIN_DATA_BLOCK_SIZE {
            return Err(CacheError::BlockTooSmall(data_block_size));
        }
        if data_block_size > MAX_DATA_BLOCK_SIZE {
            return Err(CacheError::BlockTooLarge(data_block_size));
        }
        let mut migration_threshold = DEFAULT_MIGRATION_THRESHOLD;
        let mut policy_args = Vec::new();
        for (key, value) in settings {
            let v = value.ok_or_else(|| CacheError::NotInteger(key.clone()))?;
            if key == "migration_threshold" {
                migration_threshold = v as u32;
            } else {
                policy_args.push((key.clone(), v as u64));
            }
        }
        migration_threshold = migration_threshold.max(data_block_size.wrapping_mul(8));
        Ok(Cache { flags: flags as u32, policy: policy.map(str::to_string), policy_args, migration_threshold, data_block_size })
    }

    /// The parameters; `devs` are the cache (data), metadata and origin
    /// devices, in the order libdm links them.
    pub(super) fn params(&self, devs: &[String]) -> Result<String, TargetError> {
        let [data, metadata, origin] = devs else {
            return Err(TargetError::Areas { target: "cache", got: devs.len(), want: "3".into() });
        };
        let flags = u64::from(self.flags);
        let mut out = format!("{metadata} {data} {origin} {}", self.data_block_size);
        if flags & FEATURE_METADATA2 != 0 {
            out.push_str(" 2 metadata2");
        } else {
            out.push_str(" 1");
        }
        out.push_str(if flags & FEATURE_PASSTHROUGH != 0 {
            " passthrough"
        } else if flags & FEATURE_WRITEBACK != 0 {
            " writeback"
        } else {
            " writethrough"
        });
        let custom_threshold = self.migration_threshold != DEFAULT_MIGRATION_THRESHOLD;
        out.push_str(&format!(" {} {}", self.policy.as_deref().unwrap_or("default"), (self.policy_args.len() + usize::from(custom_threshold)) * 2));
        if custom_threshold {
            out.push_str(&format!(" migration_threshold {}", self.migration_threshold));
        }
        for (k, v) in &self.policy_args {
            out.push_str(&format!(" {k} {v}"));
        }
        Ok(out)
    }
}

/// The flags the original (Base) symbol version passes on: it knew only the
/// three modes and ignored every other bit.
pub fn base_version_flags(feature_flags: u64) -> u64 {
    feature_flags & MODE_MASK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devs() -> Vec<String> {
        vec!["254:1".into(), "254:0".into(), "254:2".into()]
    }

    #[test]
    fn writethrough_with_the_default_policy() {
        let c = Cache::new(FEATURE_WRITETHROUGH, None, &[], 128).unwrap();
        assert_eq!(c.params(&devs()).unwrap(), "254:0 254:1 254:2 128 1 writethrough default 0");
    }

    #[test]
    fn metadata2_writeback_smq_with_settings() {
        let s = [("sequential_threshold".to_string(), Some(100)), ("migration_threshold".to_string(), Some(4096))];
        let c = Cache::new(FEATURE_WRITEBACK | FEATURE_METADATA2, Some("smq"), &s, 64).unwrap();
        assert_eq!(c.params(&devs()).unwrap(), "254:0 254:1 254:2 64 2 metadata2 writeback smq 4 migration_threshold 4096 sequential_threshold 100");
    }

    #[test]
    fn passthrough_wins_over_writeback_in_the_line_but_two_modes_are_refused() {
        let c = Cache::new(FEATURE_PASSTHROUGH, Some("mq"), &[], 64).unwrap();
        assert!(c.params(&devs()).unwrap().contains(" 1 passthrough mq 0"));
        assert_eq!(Cache::new(FEATURE_PASSTHROUGH | FEATURE_WRITEBACK, None, &[], 64), Err(CacheError::InvalidMode(5)));
        assert_eq!(Cache::new(0, None, &[], 64), Err(CacheError::InvalidMode(0)));
    }

    #[test]
    fn the_migration_threshold_is_at_least_eight_blocks() {
        let c = Cache::new(FEATURE_WRITETHROUGH, Some("smq"), &[], 512).unwrap();
        assert_eq!(c.params(&devs()).unwrap(), "254:0 254:1 254:2 512 1 writethrough smq 2 migration_threshold 4096");
    }

    #[test]
    fn the_cleaner_policy_forces_writethrough_and_metadata2() {
        let c = Cache::new(FEATURE_WRITEBACK, Some("cleaner"), &[], 64).unwrap();
        assert_eq!(c.params(&devs()).unwrap(), "254:0 254:1 254:2 64 2 metadata2 writethrough cleaner 0");
        let c = Cache::new(FEATURE_WRITETHROUGH, Some("cleaner"), &[], 64).unwrap();
        assert_eq!(c.params(&devs()).unwrap(), "254:0 254:1 254:2 64 1 writethrough cleaner 0");
    }

    #[test]
    fn bad_arguments_get_libdm_messages() {
        assert_eq!(Cache::new(0x10 | FEATURE_WRITEBACK, None, &[], 64).unwrap_err().to_string(), "Unsupported cache's feature flags set 17.");
        assert_eq!(Cache::new(FEATURE_WRITEBACK, None, &[], 32).unwrap_err().to_string(), "Data block size 32 is lower then 64 sectors.");
        assert_eq!(Cache::new(FEATURE_WRITEBACK, None, &[], 4_194_304).unwrap_err().to_string(), "Data block size 4194304 is higher then 2097152 sectors.");
        let s = [("random_threshold".to_string(), None)];
        assert_eq!(Cache::new(FEATURE_WRITEBACK, None, &s, 64).unwrap_err().to_string(), "Cache policy parameter random_threshold is without integer value.");
    }

    #[test]
    fn the_base_version_drops_metadata2_and_unknown_bits() {
        assert_eq!(base_version_flags(FEATURE_METADATA2 | FEATURE_WRITEBACK | 0x100), FEATURE_WRITEBACK);
    }
}
