//! The writecache target (writecache.rst):
//! `writecache <p|s> <origin> <cache> <block size> <#feature args> [features]`.

use super::TargetError;

/// The optional writecache settings; None (or false) leaves the kernel's
/// default. They are written in this order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WritecacheSettings {
    /// high_watermark (percent).
    pub high_watermark: Option<u64>,
    /// low_watermark (percent).
    pub low_watermark: Option<u64>,
    /// writeback_jobs.
    pub writeback_jobs: Option<u64>,
    /// autocommit_blocks.
    pub autocommit_blocks: Option<u64>,
    /// autocommit_time (ms).
    pub autocommit_time: Option<u64>,
    /// fua.
    pub fua: bool,
    /// nofua.
    pub nofua: bool,
    /// cleaner.
    pub cleaner: bool,
    /// max_age (ms).
    pub max_age: Option<u32>,
    /// metadata_only.
    pub metadata_only: bool,
    /// pause_writeback (ms).
    pub pause_writeback: Option<u32>,
    /// A setting the library does not know, passed on as "key value".
    pub extra: Option<(String, String)>,
}

/// The writecache target's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Writecache {
    /// Persistent memory ("p") rather than an SSD ("s").
    pub pmem: bool,
    /// Block size in bytes (0: 4096).
    pub block_size: u32,
    /// Settings.
    pub settings: WritecacheSettings,
}

impl Writecache {
    /// The parameters; `devs` are the cache and the origin device, in the
    /// order libdm links them.
    pub(super) fn params(&self, devs: &[String]) -> Result<String, TargetError> {
        let [cache, origin] = devs else {
            return Err(TargetError::Areas { target: "writecache", got: devs.len(), want: "2".into() });
        };
        let s = &self.settings;
        let mut args: Vec<String> = Vec::new();
        let mut pair = |key: &str, v: Option<String>| {
            if let Some(v) = v {
                args.push(key.to_string());
                args.push(v);
            }
        };
        pair("high_watermark", s.high_watermark.map(|v| v.to_string()));
        pair("low_watermark", s.low_watermark.map(|v| v.to_string()));
        pair("writeback_jobs", s.writeback_jobs.map(|v| v.to_string()));
        pair("autocommit_blocks", s.autocommit_blocks.map(|v| v.to_string()));
        pair("autocommit_time", s.autocommit_time.map(|v| v.to_string()));
        let flag = |set: bool, word: &str, args: &mut Vec<String>| {
            if set {
                args.push(word.to_string());
            }
        };
        flag(s.fua, "fua", &mut args);
        flag(s.nofua, "nofua", &mut args);
        flag(s.cleaner, "cleaner", &mut args);
        if let Some(v) = s.max_age {
            args.extend(["max_age".to_string(), v.to_string()]);
        }
        flag(s.metadata_only, "metadata_only", &mut args);
        if let Some(v) = s.pause_writeback {
            args.extend(["pause_writeback".to_string(), v.to_string()]);
        }
        if let Some((k, v)) = &s.extra {
            args.extend([k.clone(), v.clone()]);
        }
        let block = if self.block_size == 0 { 4096 } else { self.block_size };
        let mut out = format!("{} {origin} {cache} {block} {}", if self.pmem { 'p' } else { 's' }, args.len());
        for a in args {
            out.push(' ');
            out.push_str(&a);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devs() -> Vec<String> {
        vec!["254:1".into(), "254:0".into()]
    }

    #[test]
    fn an_ssd_cache_without_settings_gets_the_default_block_size() {
        assert_eq!(Writecache::default().params(&devs()).unwrap(), "s 254:0 254:1 4096 0");
    }

    #[test]
    fn every_setting_in_order_with_its_count() {
        let settings = WritecacheSettings {
            high_watermark: Some(50),
            low_watermark: Some(10),
            writeback_jobs: Some(1024),
            autocommit_blocks: Some(64),
            autocommit_time: Some(1000),
            fua: true,
            nofua: true,
            cleaner: true,
            max_age: Some(30000),
            metadata_only: true,
            pause_writeback: Some(500),
            extra: Some(("future_key".into(), "7".into())),
        };
        let w = Writecache { pmem: true, block_size: 512, settings };
        assert_eq!(
            w.params(&devs()).unwrap(),
            "p 254:0 254:1 512 20 high_watermark 50 low_watermark 10 writeback_jobs 1024 autocommit_blocks 64 autocommit_time 1000 fua nofua cleaner max_age 30000 metadata_only pause_writeback 500 future_key 7"
        );
    }
}
