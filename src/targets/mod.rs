//! Typed table segments: one variant per target, each turned into exactly
//! the table line the kernel documents (Documentation/admin-guide/
//! device-mapper) once the devices it maps onto have numbers.
//!
//! This stage covers linear, striped, zero, error, crypt and the snapshot
//! family, mirror, and (one module each) thin, raid, cache, writecache,
//! integrity and vdo.

pub mod cache;
pub mod integrity;
pub mod raid;
pub mod vdo;
pub mod writecache;
pub mod thin;
pub use thin::{Thin, ThinMessage, ThinMessageError, ThinPool};

/// Where an area of a segment lies: a device known by number, or a node of
/// the tree that will have one by the time the table is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaDevice<N> {
    /// A device by major:minor.
    Dev(u32, u32),
    /// A tree node.
    Node(N),
    /// No device: a raid leg left out on purpose (written as `-`).
    Missing,
}

/// One area: a device and an offset on it, in sectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area<N> {
    /// The device.
    pub device: AreaDevice<N>,
    /// Offset in sectors.
    pub offset: u64,
}

/// The crypt target's parameters (dm-crypt.rst).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crypt {
    /// Cipher, e.g. "aes".
    pub cipher: String,
    /// Chain mode, e.g. "xts" (optional).
    pub chainmode: Option<String>,
    /// IV generator, e.g. "plain64" (optional).
    pub iv: Option<String>,
    /// IV offset; None means the segment's start (DM_CRYPT_IV_DEFAULT).
    pub iv_offset: Option<u64>,
    /// Key in hex, or a keyring reference ":len:type:desc".
    pub key: String,
}

/// The mirror target's log and flags (dm-raid1 / dm-log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MirrorLog {
    /// Region size in sectors.
    pub region_size: u32,
    /// With a disk log (the first area is then the log device).
    pub disk: bool,
    /// DM_NOSYNC: known to be in sync.
    pub nosync: bool,
    /// DM_FORCESYNC: resynchronise.
    pub forcesync: bool,
    /// DM_BLOCK_ON_ERROR: the handle_errors feature.
    pub handle_errors: bool,
}

/// libdm's flags of its mirror and raid builders.
pub mod mirror_flags {
    /// DM_NOSYNC: known to be in sync.
    pub const NOSYNC: u32 = 1;
    /// DM_FORCESYNC: resynchronise.
    pub const FORCESYNC: u32 = 2;
    /// DM_BLOCK_ON_ERROR: the handle_errors feature.
    pub const BLOCK_ON_ERROR: u32 = 4;
    /// DM_CORELOG: the log is in memory.
    pub const CORELOG: u32 = 8;
}

impl MirrorLog {
    /// The log libdm's `dm_tree_node_add_mirror_target_log` describes with
    /// [`mirror_flags`]: a disk log unless DM_CORELOG.
    pub fn from_flags(region_size: u32, flags: u32) -> MirrorLog {
        let has = |f: u32| flags & f != 0;
        MirrorLog {
            region_size,
            disk: !has(mirror_flags::CORELOG),
            nosync: has(mirror_flags::NOSYNC),
            forcesync: has(mirror_flags::FORCESYNC),
            handle_errors: has(mirror_flags::BLOCK_ON_ERROR),
        }
    }
}

/// What a segment maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `linear <dev> <offset>`
    Linear,
    /// `striped <#stripes> <chunk size> (<dev> <offset>)+`
    Striped {
        /// Chunk size in sectors.
        stripe_size: u32,
    },
    /// `zero`
    Zero,
    /// `error`
    Error,
    /// `crypt <cipher> <key> <iv_offset> <dev> <offset>`
    Crypt(Crypt),
    /// `snapshot-origin <origin>` (one area: the origin, offset unused)
    SnapshotOrigin,
    /// `snapshot <origin> <COW> <P|N> <chunk size>` (areas: origin, COW)
    Snapshot {
        /// Persistent exception store.
        persistent: bool,
        /// Chunk size in sectors.
        chunk_size: u32,
    },
    /// `snapshot-merge <origin> <COW> P <chunk size>` (areas: origin, COW)
    SnapshotMerge {
        /// Chunk size in sectors.
        chunk_size: u32,
    },
    /// `mirror <log type> <#log args> <log args> <#legs> (<dev> <offset>)+
    /// [<#features> <features>]` (areas: the log device first with a disk
    /// log, then the legs)
    Mirror(MirrorLog),
    /// `thin-pool <metadata> <data> <block size> <low water mark> <#features> <features>`
    /// (areas: metadata, data)
    ThinPool(ThinPool),
    /// `thin <pool> <dev id> [<external origin>]` (areas: pool, external origin)
    Thin(Thin),
    /// A line kept as read from the kernel (no areas): a device's existing
    /// table carried over unchanged.
    Raw {
        /// Target type.
        target_type: String,
        /// Parameters.
        params: String,
    },
    /// `raid <type> <#params> <chunk size> [params] <#devs> (<meta> <data>)+`
    /// (areas: metadata/data pairs, Missing ones written as `-`)
    Raid(raid::Raid),
    /// `cache <metadata> <cache> <origin> <block size> <features> <policy>`
    /// (areas: cache data, metadata, origin: libdm's link order)
    Cache(cache::Cache),
    /// `writecache <p|s> <origin> <cache> <block size> <#args> [args]`
    /// (areas: cache, origin)
    Writecache(writecache::Writecache),
    /// `integrity <dev> 0 <tag size> <mode> <#opts> [opts]` (areas:
    /// metadata, data)
    Integrity(integrity::Integrity),
    /// `vdo V2|V4 /dev/dm-N ...` (area: the data device)
    Vdo(vdo::Vdo),
}

impl Target {
    /// The kernel's target type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Target::Linear => "linear",
            Target::Striped { .. } => "striped",
            Target::Zero => "zero",
            Target::Error => "error",
            Target::Crypt(_) => "crypt",
            Target::SnapshotOrigin => "snapshot-origin",
            Target::Snapshot { .. } => "snapshot",
            Target::SnapshotMerge { .. } => "snapshot-merge",
            Target::Mirror(_) => "mirror",
            Target::ThinPool(_) => "thin-pool",
            Target::Thin(_) => "thin",
            Target::Raw { .. } => "raw",
            Target::Raid(_) => "raid",
            Target::Cache(_) => "cache",
            Target::Writecache(_) => "writecache",
            Target::Integrity(_) => "integrity",
            Target::Vdo(_) => "vdo",
        }
    }

    /// How many areas the target takes (None: any number, at least one).
    fn areas_wanted(&self) -> Option<usize> {
        match self {
            Target::Linear | Target::Crypt(_) | Target::SnapshotOrigin => Some(1),
            Target::Snapshot { .. } | Target::SnapshotMerge { .. } | Target::ThinPool(_) => Some(2),
            Target::Zero | Target::Error | Target::Raw { .. } => Some(0),
            Target::Striped { .. } | Target::Mirror(_) | Target::Thin(_) => None,
            Target::Raid(_) => None,
            Target::Cache(_) => Some(3),
            Target::Writecache(_) | Target::Integrity(_) => Some(2),
            Target::Vdo(_) => Some(1),
        }
    }
}

/// One line of a table being built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<N> {
    /// Length in sectors.
    pub size: u64,
    /// The target.
    pub target: Target,
    /// Its areas, in order.
    pub areas: Vec<Area<N>>,
}

/// Why a table line cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The segment has the wrong number of areas.
    #[error("{target} segment has {got} areas, needs {want}")]
    Areas {
        /// Target type.
        target: &'static str,
        /// Areas given.
        got: usize,
        /// Areas needed ("1", "0", "at least 1").
        want: String,
    },
    /// An area's device has no number yet.
    #[error("{target} segment: an area's device does not exist")]
    Unresolved {
        /// Target type.
        target: &'static str,
    },
}

impl<N: Copy> Segment<N> {
    /// The (type, parameters) of this segment's table line; `dev_of` gives
    /// a node's major:minor, None if it has none.
    pub fn table_line(&self, segment_start: u64, dev_of: impl Fn(N) -> Option<(u32, u32)>) -> Result<(String, String), TargetError> {
        if let Target::Raw { target_type, params } = &self.target {
            return Ok((target_type.clone(), params.clone()));
        }
        let name = self.target.type_name();
        let ok = match self.target.areas_wanted() {
            Some(n) => self.areas.len() == n,
            None if matches!(self.target, Target::Thin(_)) => matches!(self.areas.len(), 1 | 2),
            None => !self.areas.is_empty(),
        };
        if !ok {
            let want = self.target.areas_wanted().map(|n| n.to_string()).unwrap_or_else(|| "at least 1".into());
            return Err(TargetError::Areas { target: name, got: self.areas.len(), want });
        }
        let mut numbers = Vec::with_capacity(self.areas.len());
        for a in &self.areas {
            numbers.push(match a.device {
                AreaDevice::Dev(ma, mi) => Some((ma, mi)),
                AreaDevice::Node(n) => Some(dev_of(n).ok_or(TargetError::Unresolved { target: name })?),
                AreaDevice::Missing => None,
            });
        }
        let raid_devs: Vec<Option<String>> = numbers.iter().map(|n| n.map(|(ma, mi)| format!("{ma}:{mi}"))).collect();
        let devs: Vec<String> = raid_devs.iter().map(|d| d.clone().unwrap_or_default()).collect();
        if !matches!(self.target, Target::Raid(_)) && numbers.iter().any(Option::is_none) {
            return Err(TargetError::Areas { target: name, got: self.areas.len(), want: "no missing devices".into() });
        }
        let areas: Vec<String> = devs.iter().zip(&self.areas).map(|(d, a)| format!("{d} {}", a.offset)).collect();
        let params = match &self.target {
            Target::Linear => areas.join(" "),
            Target::Zero | Target::Error | Target::Raw { .. } => String::new(),
            Target::Striped { stripe_size } => format!("{} {} {}", areas.len(), stripe_size, areas.join(" ")),
            Target::Crypt(c) => {
                let mut spec = c.cipher.clone();
                if let Some(m) = &c.chainmode {
                    spec.push('-');
                    spec.push_str(m);
                }
                if let Some(iv) = &c.iv {
                    spec.push('-');
                    spec.push_str(iv);
                }
                format!("{spec} {} {} {}", c.key, c.iv_offset.unwrap_or(segment_start), areas[0])
            }
            Target::SnapshotOrigin => devs[0].clone(),
            Target::Snapshot { persistent, chunk_size } => {
                format!("{} {} {} {chunk_size}", devs[0], devs[1], if *persistent { 'P' } else { 'N' })
            }
            Target::SnapshotMerge { chunk_size } => format!("{} {} P {chunk_size}", devs[0], devs[1]),
            Target::Mirror(log) => {
                let mut args = Vec::new();
                if log.disk {
                    args.push(devs[0].clone());
                }
                args.push(log.region_size.to_string());
                if log.nosync {
                    args.push("nosync".into());
                } else if log.forcesync {
                    args.push("sync".into());
                }
                let legs = if log.disk { &areas[1..] } else { &areas[..] };
                if legs.is_empty() {
                    return Err(TargetError::Areas { target: name, got: 0, want: "at least 1 leg".into() });
                }
                let mut line = format!(
                    "{} {} {} {} {}",
                    if log.disk { "disk" } else { "core" },
                    args.len(),
                    args.join(" "),
                    legs.len(),
                    legs.join(" ")
                );
                if log.handle_errors {
                    line.push_str(" 1 handle_errors");
                }
                line
            }
            Target::ThinPool(pool) => pool.params(&devs[0], &devs[1]),
            Target::Thin(thin) => match devs.get(1) {
                Some(external) => format!("{} {} {external}", devs[0], thin.device_id),
                None => format!("{} {}", devs[0], thin.device_id),
            },
            Target::Raid(r) => r.params(&raid_devs)?,
            Target::Cache(c) => c.params(&devs)?,
            Target::Writecache(w) => w.params(&devs)?,
            Target::Integrity(i) => i.params(&devs)?,
            Target::Vdo(v) => v.params_line(numbers[0].map(|(_, mi)| mi).unwrap_or_default())?,
        };
        Ok((name.to_string(), params))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(target: Target, areas: &[(u32, u32, u64)]) -> Segment<usize> {
        Segment {
            size: 8,
            target,
            areas: areas.iter().map(|(a, b, o)| Area { device: AreaDevice::Dev(*a, *b), offset: *o }).collect(),
        }
    }

    #[test]
    fn libdm_mirror_flags_describe_the_log() {
        use crate::capi::types::{DM_BLOCK_ON_ERROR, DM_CORELOG, DM_FORCESYNC, DM_NOSYNC};
        assert_eq!([mirror_flags::NOSYNC, mirror_flags::FORCESYNC, mirror_flags::BLOCK_ON_ERROR, mirror_flags::CORELOG], [DM_NOSYNC, DM_FORCESYNC, DM_BLOCK_ON_ERROR, DM_CORELOG].map(|f| f as u32));
        assert_eq!(MirrorLog::from_flags(1024, 0), MirrorLog { region_size: 1024, disk: true, ..MirrorLog::default() });
        let all = MirrorLog::from_flags(8, 15);
        assert_eq!((all.disk, all.nosync, all.forcesync, all.handle_errors), (false, true, true, true));
    }

    #[test]
    fn linear_line() {
        assert_eq!(seg(Target::Linear, &[(7, 0, 2048)]).table_line(0, |_| None).unwrap(), ("linear".into(), "7:0 2048".into()));
    }

    #[test]
    fn striped_line() {
        let l = seg(Target::Striped { stripe_size: 64 }, &[(7, 0, 0), (7, 1, 8)]).table_line(0, |_| None).unwrap();
        assert_eq!(l.1, "2 64 7:0 0 7:1 8");
    }

    #[test]
    fn crypt_line_with_default_iv_offset_uses_the_segment_start() {
        let c = Crypt { cipher: "aes".into(), chainmode: Some("xts".into()), iv: Some("plain64".into()), iv_offset: None, key: "00ff".into() };
        let l = seg(Target::Crypt(c), &[(7, 0, 4096)]).table_line(100, |_| None).unwrap();
        assert_eq!(l.1, "aes-xts-plain64 00ff 100 7:0 4096");
    }

    #[test]
    fn a_node_area_takes_the_node_number() {
        let s = Segment { size: 8, target: Target::Linear, areas: vec![Area { device: AreaDevice::Node(3usize), offset: 0 }] };
        assert_eq!(s.table_line(0, |n| (n == 3).then_some((254, 9))).unwrap().1, "254:9 0");
        assert!(matches!(s.table_line(0, |_| None), Err(TargetError::Unresolved { .. })));
    }

    #[test]
    fn snapshot_lines_name_origin_and_cow() {
        let areas = &[(254, 0, 0), (254, 1, 0)];
        assert_eq!(seg(Target::Snapshot { persistent: true, chunk_size: 16 }, areas).table_line(0, |_| None).unwrap().1, "254:0 254:1 P 16");
        assert_eq!(seg(Target::Snapshot { persistent: false, chunk_size: 8 }, areas).table_line(0, |_| None).unwrap().1, "254:0 254:1 N 8");
        assert_eq!(seg(Target::SnapshotMerge { chunk_size: 16 }, areas).table_line(0, |_| None).unwrap(), ("snapshot-merge".into(), "254:0 254:1 P 16".into()));
        assert_eq!(seg(Target::SnapshotOrigin, &[(254, 0, 0)]).table_line(0, |_| None).unwrap().1, "254:0");
    }

    #[test]
    fn mirror_lines_with_core_and_disk_logs() {
        let core = MirrorLog { region_size: 1024, nosync: true, handle_errors: true, ..MirrorLog::default() };
        let l = seg(Target::Mirror(core), &[(7, 0, 0), (7, 1, 0)]).table_line(0, |_| None).unwrap();
        assert_eq!(l.1, "core 2 1024 nosync 2 7:0 0 7:1 0 1 handle_errors");
        let disk = MirrorLog { region_size: 512, disk: true, ..MirrorLog::default() };
        let l = seg(Target::Mirror(disk), &[(254, 3, 0), (7, 0, 0), (7, 1, 8)]).table_line(0, |_| None).unwrap();
        assert_eq!(l.1, "disk 2 254:3 512 2 7:0 0 7:1 8");
    }

    #[test]
    fn thin_lines_name_the_pool_and_the_external_origin() {
        let pool = ThinPool { data_block_size: 128, low_water_mark: 0, ..ThinPool::default() };
        assert_eq!(seg(Target::ThinPool(pool), &[(254, 0, 0), (254, 1, 0)]).table_line(0, |_| None).unwrap(), ("thin-pool".into(), "254:0 254:1 128 0 0".into()));
        assert_eq!(seg(Target::Thin(Thin { device_id: 3 }), &[(254, 2, 0)]).table_line(0, |_| None).unwrap().1, "254:2 3");
        assert_eq!(seg(Target::Thin(Thin { device_id: 3 }), &[(254, 2, 0), (7, 0, 0)]).table_line(0, |_| None).unwrap().1, "254:2 3 7:0");
        assert!(seg(Target::Thin(Thin { device_id: 3 }), &[]).table_line(0, |_| None).is_err());
    }

    #[test]
    fn a_missing_area_is_a_dash_on_raid_and_refused_elsewhere() {
        let mut s = seg(Target::Raid(raid::Raid::new(raid::RaidLevel::Raid1)), &[(7, 0, 0), (7, 1, 0)]);
        s.areas.insert(0, Area { device: AreaDevice::Missing, offset: 0 });
        s.areas.insert(1, Area { device: AreaDevice::Missing, offset: 0 });
        assert_eq!(s.table_line(0, |_| None).unwrap(), ("raid".into(), "raid1 1 0 2 - - 7:0 7:1".into()));
        let mut l = seg(Target::Linear, &[]);
        l.areas.push(Area { device: AreaDevice::Missing, offset: 0 });
        assert!(l.table_line(0, |_| None).is_err());
    }

    #[test]
    fn cache_writecache_integrity_and_vdo_take_their_devices_in_link_order() {
        let c = cache::Cache::new(cache::FEATURE_WRITEBACK, Some("smq"), &[], 64).unwrap();
        let l = seg(Target::Cache(c), &[(254, 1, 0), (254, 0, 0), (254, 2, 0)]).table_line(0, |_| None).unwrap();
        assert_eq!(l, ("cache".into(), "254:0 254:1 254:2 64 1 writeback smq 0".into()));
        let l = seg(Target::Writecache(writecache::Writecache::default()), &[(254, 1, 0), (254, 0, 0)]).table_line(0, |_| None).unwrap();
        assert_eq!(l, ("writecache".into(), "s 254:0 254:1 4096 0".into()));
        let i = integrity::Integrity { mode: "J".into(), tag_size: 4, block_size: 512, internal_hash: Some("crc32c".into()), ..Default::default() };
        let l = seg(Target::Integrity(i), &[(254, 1, 0), (254, 0, 0)]).table_line(0, |_| None).unwrap();
        assert_eq!(l.1, "254:0 0 4 J 4 fix_padding block_size:512 internal_hash:crc32c meta_device:254:1");
        let v = vdo::Vdo { version: 4, pool_name: "p".into(), data_size: 8, params: vdo::VdoParams::default() };
        let l = seg(Target::Vdo(v), &[(254, 5, 0)]).table_line(0, |_| None).unwrap();
        assert!(l.1.starts_with("V4 /dev/dm-5 1 0 0 0 deduplication off compression off maxDiscard 0"), "{}", l.1);
        assert!(seg(Target::Cache(cache::Cache::new(cache::FEATURE_WRITEBACK, None, &[], 64).unwrap()), &[(1, 1, 0)]).table_line(0, |_| None).is_err());
    }

    #[test]
    fn wrong_area_counts_are_refused() {
        assert!(seg(Target::Linear, &[]).table_line(0, |_| None).is_err());
        assert!(seg(Target::Zero, &[(7, 0, 0)]).table_line(0, |_| None).is_err());
        assert!(seg(Target::Striped { stripe_size: 8 }, &[]).table_line(0, |_| None).is_err());
    }
}
