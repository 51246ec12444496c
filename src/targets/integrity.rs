//! The integrity target (dm-integrity.rst):
//! `integrity <dev> <reserved sectors> <tag size> <mode> <#opt params> [opts]`.
//!
//! As libdm does, the line always carries fix_padding and block_size, the
//! metadata device (meta_device), and the tuning values that are set.
//! Two differences from upstream libdm, both fixes: the interleave option is
//! spelled as the kernel reads it (`interleave_sectors`, libdm writes
//! `ineterleave_sectors`, which the kernel refuses), and `internal_hash` is
//! left out when no hash is given (libdm writes "(null)").

use super::TargetError;

/// The integrity settings; None leaves the kernel's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Integrity {
    /// J (journal), B (bitmap), D (direct), R (recovery).
    pub mode: String,
    /// Tag size in bytes (0: the hash's size).
    pub tag_size: u32,
    /// Block size in bytes.
    pub block_size: u32,
    /// internal_hash, e.g. "crc32c".
    pub internal_hash: Option<String>,
    /// journal_sectors.
    pub journal_sectors: Option<u32>,
    /// interleave_sectors.
    pub interleave_sectors: Option<u32>,
    /// buffer_sectors.
    pub buffer_sectors: Option<u32>,
    /// journal_watermark (percent).
    pub journal_watermark: Option<u32>,
    /// commit_time (ms).
    pub commit_time: Option<u32>,
    /// bitmap_flush_interval (ms).
    pub bitmap_flush_interval: Option<u32>,
    /// sectors_per_bit.
    pub sectors_per_bit: Option<u64>,
    /// allow_discards.
    pub allow_discards: bool,
    /// recalculate: compute the tags of existing data.
    pub recalculate: bool,
}

impl Integrity {
    /// The parameters; `devs` are the metadata and the data device, in the
    /// order libdm links them.
    pub(super) fn params(&self, devs: &[String]) -> Result<String, TargetError> {
        let [meta, origin] = devs else {
            return Err(TargetError::Areas { target: "integrity", got: devs.len(), want: "2".into() });
        };
        let mut opts = vec!["fix_padding".to_string(), format!("block_size:{}", self.block_size)];
        if let Some(h) = &self.internal_hash {
            opts.push(format!("internal_hash:{h}"));
        }
        opts.push(format!("meta_device:{meta}"));
        if self.recalculate {
            opts.push("recalculate".into());
        }
        let mut num = |key: &str, v: Option<String>| {
            if let Some(v) = v {
                opts.push(format!("{key}:{v}"));
            }
        };
        num("journal_sectors", self.journal_sectors.map(|v| v.to_string()));
        num("interleave_sectors", self.interleave_sectors.map(|v| v.to_string()));
        num("buffer_sectors", self.buffer_sectors.map(|v| v.to_string()));
        num("journal_watermark", self.journal_watermark.map(|v| v.to_string()));
        num("commit_time", self.commit_time.map(|v| v.to_string()));
        num("bitmap_flush_interval", self.bitmap_flush_interval.map(|v| v.to_string()));
        num("sectors_per_bit", self.sectors_per_bit.map(|v| v.to_string()));
        if self.allow_discards {
            opts.push("allow_discards".into());
        }
        Ok(format!("{origin} 0 {} {} {} {}", self.tag_size, self.mode, opts.len(), opts.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devs() -> Vec<String> {
        vec!["254:1".into(), "254:0".into()]
    }

    #[test]
    fn journal_mode_with_a_hash_and_a_metadata_device() {
        let i = Integrity { mode: "J".into(), tag_size: 4, block_size: 512, internal_hash: Some("crc32c".into()), ..Integrity::default() };
        assert_eq!(i.params(&devs()).unwrap(), "254:0 0 4 J 4 fix_padding block_size:512 internal_hash:crc32c meta_device:254:1");
    }

    #[test]
    fn every_setting_in_order() {
        let i = Integrity {
            mode: "B".into(),
            tag_size: 4,
            block_size: 4096,
            internal_hash: Some("crc32c".into()),
            journal_sectors: Some(1024),
            interleave_sectors: Some(32768),
            buffer_sectors: Some(128),
            journal_watermark: Some(50),
            commit_time: Some(10000),
            bitmap_flush_interval: Some(5000),
            sectors_per_bit: Some(65536),
            allow_discards: true,
            recalculate: true,
        };
        assert_eq!(
            i.params(&devs()).unwrap(),
            "254:0 0 4 B 13 fix_padding block_size:4096 internal_hash:crc32c meta_device:254:1 recalculate journal_sectors:1024 interleave_sectors:32768 buffer_sectors:128 journal_watermark:50 commit_time:10000 bitmap_flush_interval:5000 sectors_per_bit:65536 allow_discards"
        );
    }

    #[test]
    fn no_hash_leaves_internal_hash_out() {
        let i = Integrity { mode: "D".into(), tag_size: 8, block_size: 512, ..Integrity::default() };
        assert_eq!(i.params(&devs()).unwrap(), "254:0 0 8 D 3 fix_padding block_size:512 meta_device:254:1");
    }
}
