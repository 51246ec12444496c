//! The vdo target (dm-vdo, not in the 6.1 kernel; the line follows libdm
//! 1.02.213). Version 4 and later:
//! `V4 <data dev path> <physical size in 4K blocks> <minimum io bytes>
//! <block map cache in 4K blocks> <block map era length> deduplication
//! <on|off> compression <on|off> maxDiscard N ack N bio N
//! bioRotationInterval N cpu N hash N logical N physical N`;
//! before version 4 the dedup/compression pair is replaced by
//! `<metadata hints on|off> <write policy> <pool name>` and the header is V2.

use super::TargetError;

/// DM_VDO_WRITE_POLICY_* values.
pub const WRITE_POLICY_AUTO: u32 = 0;
/// Synchronous writes.
pub const WRITE_POLICY_SYNC: u32 = 1;
/// Asynchronous writes.
pub const WRITE_POLICY_ASYNC: u32 = 2;
/// Asynchronous, without flush safety.
pub const WRITE_POLICY_ASYNC_UNSAFE: u32 = 3;

/// struct dm_vdo_target_params, as plain values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct VdoParams {
    /// In sectors (1 or 8).
    pub minimum_io_size: u32,
    pub block_map_cache_size_mb: u32,
    pub block_map_era_length: u32,
    pub index_memory_size_mb: u32,
    pub slab_size_mb: u32,
    pub max_discard: u32,
    pub ack_threads: u32,
    pub bio_threads: u32,
    pub bio_rotation: u32,
    pub cpu_threads: u32,
    pub hash_zone_threads: u32,
    pub logical_threads: u32,
    pub physical_threads: u32,
    pub use_compression: bool,
    pub use_deduplication: bool,
    pub use_metadata_hints: bool,
    pub use_sparse_index: bool,
    /// One of the WRITE_POLICY_* values.
    pub write_policy: u32,
}

/// DM_VDO_LOGICAL_SIZE_MAXIMUM (sectors).
pub const LOGICAL_SIZE_MAXIMUM: u64 = 8_796_093_022_208;

impl VdoParams {
    /// libdm's dm_vdo_validate_target_params: every problem found, each as
    /// libdm words it (empty when the parameters are valid). `vdo_size` is
    /// the logical size in sectors.
    pub fn problems(&self, vdo_size: u64) -> Vec<String> {
        let mut p = Vec::new();
        if self.minimum_io_size != 1 && self.minimum_io_size != 8 {
            p.push(format!("VDO minimum io size {} is unsupported [512, 4096].", self.minimum_io_size));
        }
        let mut range = |what: &str, v: u32, lo: u32, hi: u32, unit: &str| {
            if v < lo || v > hi {
                p.push(format!("VDO {what} {v}{unit} is out of range [{lo}..{hi}]."));
            }
        };
        range("block map cache size", self.block_map_cache_size_mb, 128, 16_777_215, " MiB");
        range("block map era length", self.block_map_era_length, 1, 16380, "");
        range("index memory size", self.index_memory_size_mb, 256, 1_073_741_824, " MiB");
        range("slab size", self.slab_size_mb, 128, 32768, " MiB");
        range("max discard", self.max_discard, 1, 1_048_575, "");
        range("ack threads", self.ack_threads, 0, 100, "");
        range("bio threads", self.bio_threads, 1, 100, "");
        range("bio rotation", self.bio_rotation, 1, 1024, "");
        range("cpu threads", self.cpu_threads, 1, 100, "");
        range("hash zone threads", self.hash_zone_threads, 0, 100, "");
        range("logical threads", self.logical_threads, 0, 60, "");
        range("physical threads", self.physical_threads, 0, 16, "");
        if self.write_policy > WRITE_POLICY_ASYNC_UNSAFE {
            p.push(format!("{}VDO write policy {} is unknown.", crate::log::INTERNAL_ERROR, self.write_policy));
        }
        let zones = [self.hash_zone_threads, self.logical_threads, self.physical_threads];
        if zones.iter().any(|z| *z != 0) && zones.contains(&0) {
            p.push(format!(
                "Value of vdo_hash_zone_threads({}), vdo_logical_threads({}), vdo_physical_threads({}) must be all zero or all non-zero.",
                zones[0], zones[1], zones[2]
            ));
        }
        if vdo_size > LOGICAL_SIZE_MAXIMUM {
            p.push(format!(
                "VDO logical size is larger than limit {} TiB by {} KiB.",
                LOGICAL_SIZE_MAXIMUM / ((1u64 << 40) >> 9),
                (vdo_size - LOGICAL_SIZE_MAXIMUM) / 2
            ));
        }
        p
    }
}

/// The vdo target's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vdo {
    /// Table format version (below 4: the V2 line).
    pub version: u32,
    /// The VDO pool's name (V2 lines carry it).
    pub pool_name: String,
    /// Size of the data device in sectors.
    pub data_size: u64,
    /// The tuning parameters.
    pub params: VdoParams,
}

impl Vdo {
    /// The parameters; `data_minor` is the minor of the data device (the
    /// target wants the /dev/dm-N path, as libdm writes it).
    pub(super) fn params_line(&self, data_minor: u32) -> Result<String, TargetError> {
        let p = &self.params;
        let on = |b: bool| if b { "on" } else { "off" };
        let head = format!(
            "/dev/dm-{data_minor} {} {} {} {}",
            self.data_size / 8,
            u64::from(p.minimum_io_size) * 512,
            u64::from(p.block_map_cache_size_mb) * 256,
            p.block_map_era_length
        );
        let mut out = if self.version < 4 {
            let policy = match p.write_policy {
                WRITE_POLICY_SYNC => "sync",
                WRITE_POLICY_ASYNC => "async",
                WRITE_POLICY_ASYNC_UNSAFE => "async-unsafe",
                _ => "auto",
            };
            format!("V2 {head} {} {policy} {} ", on(p.use_metadata_hints), self.pool_name)
        } else {
            format!("V4 {head} deduplication {} compression {} ", on(p.use_deduplication), on(p.use_compression))
        };
        out.push_str(&format!(
            "maxDiscard {} ack {} bio {} bioRotationInterval {} cpu {} hash {} logical {} physical {}",
            p.max_discard, p.ack_threads, p.bio_threads, p.bio_rotation, p.cpu_threads, p.hash_zone_threads, p.logical_threads, p.physical_threads
        ));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> VdoParams {
        VdoParams {
            minimum_io_size: 8,
            block_map_cache_size_mb: 128,
            block_map_era_length: 16380,
            index_memory_size_mb: 256,
            slab_size_mb: 2048,
            max_discard: 1,
            ack_threads: 1,
            bio_threads: 4,
            bio_rotation: 64,
            cpu_threads: 2,
            hash_zone_threads: 1,
            logical_threads: 1,
            physical_threads: 1,
            use_compression: true,
            use_deduplication: true,
            use_metadata_hints: true,
            use_sparse_index: false,
            write_policy: WRITE_POLICY_AUTO,
        }
    }

    #[test]
    fn a_v4_line() {
        let v = Vdo { version: 4, pool_name: "vpool".into(), data_size: 8 * 1024 * 1024, params: good() };
        assert_eq!(
            v.params_line(3).unwrap(),
            "V4 /dev/dm-3 1048576 4096 32768 16380 deduplication on compression on maxDiscard 1 ack 1 bio 4 bioRotationInterval 64 cpu 2 hash 1 logical 1 physical 1"
        );
    }

    #[test]
    fn a_v2_line_names_the_policy_and_the_pool() {
        let mut p = good();
        p.write_policy = WRITE_POLICY_ASYNC_UNSAFE;
        p.minimum_io_size = 1;
        let v = Vdo { version: 2, pool_name: "vpool".into(), data_size: 16, params: p };
        assert_eq!(
            v.params_line(7).unwrap(),
            "V2 /dev/dm-7 2 512 32768 16380 on async-unsafe vpool maxDiscard 1 ack 1 bio 4 bioRotationInterval 64 cpu 2 hash 1 logical 1 physical 1"
        );
    }

    #[test]
    fn valid_parameters_have_no_problems() {
        assert!(good().problems(1 << 20).is_empty());
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let mut p = good();
        p.minimum_io_size = 2;
        p.slab_size_mb = 64;
        p.logical_threads = 0;
        p.write_policy = 9;
        let problems = p.problems(LOGICAL_SIZE_MAXIMUM + 4);
        assert_eq!(
            problems,
            [
                "VDO minimum io size 2 is unsupported [512, 4096].".to_string(),
                "VDO slab size 64 MiB is out of range [128..32768].".to_string(),
                "Internal error: VDO write policy 9 is unknown.".to_string(),
                "Value of vdo_hash_zone_threads(1), vdo_logical_threads(0), vdo_physical_threads(1) must be all zero or all non-zero.".to_string(),
                "VDO logical size is larger than limit 4096 TiB by 2 KiB.".to_string(),
            ]
        );
    }
}
