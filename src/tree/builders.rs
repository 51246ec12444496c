//! Building as libdm's callers describe it: areas and target segments
//! whose devices are named by uuid (or by path), refused in libdm's words
//! (what the C API logs), and libdm's questions about a node's children.

use super::{phases, NodeId, Tree, TreeError};
use crate::kernel::Kernel;
use crate::targets::cache::Cache;
use crate::targets::integrity::Integrity;
use crate::targets::raid::{Raid, RaidLevel};
use crate::targets::vdo::Vdo;
use crate::targets::writecache::Writecache;
use crate::targets::{AreaDevice, MirrorLog, Target};
use crate::task::{Task, TaskType};

/// A cache segment as libdm's cache builders take it: its parameters, as
/// [`Cache::new`] checks them, and its devices by uuid.
#[derive(Debug, Clone, Copy)]
pub struct CacheRequest<'a> {
    /// DM_CACHE_FEATURE_* bits.
    pub feature_flags: u64,
    /// Policy name (None: the kernel's default).
    pub policy: Option<&'a str>,
    /// Policy settings in order, None for a value that is not an integer.
    pub settings: &'a [(String, Option<i64>)],
    /// Cache block size in sectors.
    pub data_block_size: u32,
    /// Metadata device uuid.
    pub metadata: Option<&'a str>,
    /// Data (cache) device uuid.
    pub data: Option<&'a str>,
    /// Origin device uuid.
    pub origin: Option<&'a str>,
}

impl CacheRequest<'_> {
    fn cache(&self) -> Result<Cache, TreeError> {
        Cache::new(self.feature_flags, self.policy, self.settings, self.data_block_size).map_err(|e| TreeError::Invalid(e.to_string()))
    }
}

/// The segment of a non-raid type name given to a raid builder.
fn plain_segment(name: &str, raid: &Raid) -> Option<Target> {
    Some(match name {
        "linear" => Target::Linear,
        "zero" => Target::Zero,
        "error" => Target::Error,
        "striped" => Target::Striped { stripe_size: raid.stripe_size },
        "mirror" => Target::Mirror(MirrorLog { region_size: raid.region_size, nosync: raid.nosync, forcesync: raid.forcesync, ..Default::default() }),
        _ => return None,
    })
}

/// The version of the kernel's raid target, as libdm asks for it: None when
/// the kernel does not list it; [0, 0, 0] when the list cannot be read.
fn raid_target_version(kernel: &dyn Kernel) -> Option<[u32; 3]> {
    match Task::new(TaskType::ListVersions).run(kernel) {
        Ok(out) => out.versions.iter().find(|v| v.name == "raid").map(|v| v.version),
        Err(e) => {
            crate::log_debug!("Failed to get raid target versions: {e}");
            Some([0, 0, 0])
        }
    }
}

impl Tree {
    /// The node a builder's argument names by uuid: refused as "No {what}
    /// uuid given." without one, "Couldn't find {what} uuid {uuid}." when
    /// the tree has no such node.
    pub fn node_named(&self, uuid: Option<&str>, what: &str) -> Result<NodeId, TreeError> {
        let uuid = uuid.ok_or_else(|| TreeError::Invalid(format!("No {what} uuid given.")))?;
        self.find_by_uuid(uuid).filter(|c| *c != Tree::ROOT).ok_or_else(|| TreeError::Invalid(format!("Couldn't find {what} uuid {uuid}.")))
    }

    /// The device of a target builder's uuid argument; `missing` words the
    /// refusal, given the uuid ("(null)" for none or an empty one).
    fn device(&self, uuid: Option<&str>, missing: impl FnOnce(&str) -> String) -> Result<NodeId, TreeError> {
        match uuid.filter(|u| !u.is_empty()) {
            Some(u) => self.find_by_uuid(u).filter(|c| *c != Tree::ROOT).ok_or_else(|| TreeError::Invalid(missing(u))),
            None => Err(TreeError::Invalid(missing("(null)"))),
        }
    }

    /// Appends a segment whose areas are the given nodes, in order.
    fn segment_on(&mut self, id: NodeId, size: u64, target: Target, devices: &[NodeId]) -> Result<(), TreeError> {
        self.add_segment(id, size, target);
        for d in devices {
            self.add_area(id, AreaDevice::Node(*d), 0)?;
        }
        Ok(())
    }

    /// The merging snapshot a snapshot-merge names, when it is in the tree
    /// (not an error otherwise, said verbosely: it may have been
    /// deactivated).
    pub fn merging_snapshot(&self, uuid: Option<&str>) -> Option<NodeId> {
        let u = uuid?;
        let found = self.find_by_uuid(u).filter(|m| *m != Tree::ROOT);
        if found.is_none() {
            crate::log_verbose!("Couldn't find merging snapshot uuid {u}.");
        }
        found
    }

    /// Adds an area to the node's last segment (libdm's
    /// `dm_tree_node_add_target_area`): the tree node with uuid `dlid`, or
    /// else the block device at `dev_name`, added below the node with what
    /// it uses.
    pub fn add_target_area(&mut self, kernel: &dyn Kernel, id: NodeId, dev_name: Option<&str>, dlid: Option<&str>, offset: u64) -> Result<(), TreeError> {
        let child = if dlid.is_some() {
            self.node_named(dlid, "area")?
        } else if let Some(path) = dev_name {
            use std::os::unix::fs::{FileTypeExt, MetadataExt};
            let meta = std::fs::metadata(path).map_err(|e| TreeError::Invalid(format!("Device {path} not found: {e}")))?;
            if !meta.file_type().is_block_device() {
                return Err(TreeError::Invalid(format!("Device {path} is not a block device.")));
            }
            self.add_dev_below(kernel, id, libc::major(meta.rdev()), libc::minor(meta.rdev()))?
        } else {
            return Err(TreeError::Invalid("Neither a device name nor a uuid given for the area.".into()));
        };
        self.add_area(id, AreaDevice::Node(child), offset)
    }

    /// Appends a raid segment of the type libdm calls `name` (its areas
    /// added after). libdm looks the name up among all its segment types:
    /// the plain ones are accepted and take what applies of the raid
    /// parameters. Those that need devices the raid parameters cannot name
    /// (snapshot, cache, thin ...) are refused here, where libdm would fail
    /// or crash when loading the table.
    pub fn add_raid(&mut self, kernel: &dyn Kernel, id: NodeId, size: u64, name: &str, mut raid: Raid) -> Result<(), TreeError> {
        if let Some(plain) = plain_segment(name, &raid) {
            self.add_segment(id, size, plain);
            return Ok(());
        }
        let level = RaidLevel::from_name(name).ok_or_else(|| TreeError::Invalid(format!("Unsupported raid type {name}.")))?;
        raid.level = level;
        if level == RaidLevel::Raid1 && raid.stripe_size != 0 {
            crate::log_verbose!("WARNING: Ignoring RAID1 stripe size");
        }
        // libdm asks at load time; without the target listed it cannot
        // load the table, while the kernel would load dm-raid itself:
        // the documented order is then used.
        raid.legacy_order = raid_target_version(kernel).is_some_and(Raid::order_is_legacy);
        self.add_segment(id, size, Target::Raid(raid));
        Ok(())
    }

    /// Adds a missing device (a raid leg left out) to the node's last
    /// segment, which must be a raid level that allows it.
    pub fn add_null_area(&mut self, id: NodeId, offset: u64) -> Result<(), TreeError> {
        let n = self.node(id);
        match n.props.segments.last().map(|s| &s.target) {
            None => return Err(TreeError::Invalid(format!("Node {} ({}:{}) is missing a segment.", n.name, n.major, n.minor))),
            Some(Target::Raid(r)) if r.level.allows_null_areas() => {}
            Some(_) => return Err(TreeError::Invalid("dm_tree_node_add_null_area() called on an unsupported segment type".into())),
        }
        self.add_area(id, AreaDevice::Missing, offset)
    }

    /// Appends a cache segment over its metadata, data and origin nodes.
    pub fn add_cache(&mut self, id: NodeId, size: u64, c: &CacheRequest) -> Result<(), TreeError> {
        let cache = c.cache()?;
        let d = self.device(c.data, |u| format!("Missing cache's data uuid {u}."))?;
        let m = self.device(c.metadata, |u| format!("Missing cache's metadata uuid {u}."))?;
        // libdm names the metadata uuid in this message too.
        let o = self.device(c.origin, |_| format!("Missing cache's origin uuid {}.", c.metadata.unwrap_or("(null)")))?;
        // Areas in libdm's link order (which preload follows): data, metadata, origin.
        self.segment_on(id, size, Target::Cache(cache), &[d, m, o])
    }

    /// A cache whose metadata and data live on one cache volume: the
    /// metadata and data nodes, when they have no table of their own yet,
    /// become linear layers over the cache volume at the given (start,
    /// length).
    pub fn add_cachevol(&mut self, id: NodeId, size: u64, c: &CacheRequest, cachevol: Option<&str>, metadata_at: (u64, u64), data_at: (u64, u64)) -> Result<(), TreeError> {
        let vol = self.device(cachevol, |u| format!("Missing cache's cachevol uuid {u}."))?;
        let m = self.device(c.metadata, |u| format!("Missing cache's metadata uuid {u}."))?;
        let d = self.device(c.data, |u| format!("Missing cache's data uuid {u}."))?;
        c.cache()?;
        for (layer, (start, len)) in [(m, metadata_at), (d, data_at)] {
            if self.node(layer).props.segments.is_empty() {
                self.add_segment(layer, len, Target::Linear);
                self.add_area(layer, AreaDevice::Node(vol), start)?;
            }
        }
        self.add_cache(id, size, c)
    }

    /// Appends a writecache segment over its cache and origin nodes.
    pub fn add_writecache(&mut self, id: NodeId, size: u64, w: Writecache, origin: Option<&str>, cache: Option<&str>) -> Result<(), TreeError> {
        let c = self.device(cache, |u| format!("Missing writecache's cache uuid {u}."))?;
        let o = self.device(origin, |u| format!("Missing writecache's origin uuid {u}."))?;
        self.segment_on(id, size, Target::Writecache(w), &[c, o])
    }

    /// Appends an integrity segment over its metadata and origin nodes
    /// ([`TreeError::Missing`] "settings" without `integrity`, found after
    /// the devices, as libdm reads them).
    pub fn add_integrity(&mut self, id: NodeId, size: u64, integrity: Option<Integrity>, origin: Option<&str>, meta: Option<&str>) -> Result<(), TreeError> {
        if meta.is_none() {
            return Err(TreeError::Invalid("No integrity meta uuid.".into()));
        }
        let m = self.device(meta, |u| format!("Missing integrity's meta uuid {u}."))?;
        let o = self.device(origin, |u| format!("Missing integrity's origin uuid {u}."))?;
        let i = integrity.ok_or(TreeError::Missing("settings"))?;
        self.segment_on(id, size, Target::Integrity(i), &[m, o])
    }

    /// Appends a vdo segment over its data node ([`TreeError::Missing`]
    /// "vtp" without `vdo`). Every problem of its parameters is logged;
    /// the last is the error.
    pub fn add_vdo(&mut self, id: NodeId, size: u64, vdo: Option<Vdo>, data: Option<&str>) -> Result<(), TreeError> {
        let d = self.device(data, |u| format!("Missing VDO's data uuid {u}."))?;
        let vdo = vdo.ok_or(TreeError::Missing("vtp"))?;
        let problems = vdo.params.problems(size);
        if let Some((last, rest)) = problems.split_last() {
            for p in rest {
                crate::log_error!(errno = libc::EINVAL; "{p}");
            }
            return Err(TreeError::Invalid(last.clone()));
        }
        self.segment_on(id, size, Target::Vdo(vdo), &[d])
    }

    /// Whether any device below the node (not the node itself) has a uuid
    /// with `prefix` (libdm's `dm_tree_children_use_uuid`).
    pub fn children_use_uuid(&self, id: NodeId, prefix: Option<&str>) -> bool {
        let mut pending = self.neighbours(id, false);
        let mut seen = Vec::new();
        while let Some(c) = pending.pop() {
            if seen.contains(&c) {
                continue;
            }
            seen.push(c);
            let uuid = &self.node(c).uuid;
            if !uuid.is_empty() && phases::uuid_prefix_matches(uuid, prefix) {
                return true;
            }
            pending.extend(self.neighbours(c, false));
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::SimKernel;
    use crate::targets::cache::FEATURE_WRITEBACK;
    use crate::targets::Area;

    fn tree(names: &[&str]) -> (Tree, Vec<NodeId>) {
        let mut t = Tree::new();
        let ids = names.iter().map(|n| t.add_new_dev(n, &format!("UUID-{n}"), 0, 0, false, 0).unwrap()).collect();
        (t, ids)
    }

    fn refusal(r: Result<(), TreeError>) -> String {
        r.unwrap_err().to_string()
    }

    fn areas(t: &Tree, id: NodeId) -> Vec<AreaDevice<NodeId>> {
        t.node(id).props.segments.last().unwrap().areas.iter().map(|a: &Area<NodeId>| a.device).collect()
    }

    #[test]
    fn a_node_named_by_uuid_is_found_or_refused_in_libdms_words() {
        let (t, ids) = tree(&["a"]);
        assert_eq!(t.node_named(Some("UUID-a"), "pool"), Ok(ids[0]));
        assert_eq!(t.node_named(None, "pool").unwrap_err().to_string(), "No pool uuid given.");
        assert_eq!(t.node_named(Some("UUID-b"), "pool").unwrap_err().to_string(), "Couldn't find pool uuid UUID-b.");
        assert_eq!(t.node_named(Some(""), "pool").unwrap_err().to_string(), "Couldn't find pool uuid .");
        assert_eq!(t.merging_snapshot(Some("UUID-b")), None);
        assert_eq!(t.merging_snapshot(Some("UUID-a")), Some(ids[0]));
    }

    #[test]
    fn a_target_area_is_a_node_by_uuid_or_a_block_device_by_path() {
        let k = SimKernel::new();
        let (mut t, ids) = tree(&["top", "low"]);
        t.add_segment(ids[0], 8, Target::Linear);
        t.add_target_area(&k, ids[0], None, Some("UUID-low"), 0).unwrap();
        assert_eq!(areas(&t, ids[0]), [AreaDevice::Node(ids[1])]);
        assert_eq!(refusal(t.add_target_area(&k, ids[0], None, Some("UUID-x"), 0)), "Couldn't find area uuid UUID-x.");
        assert_eq!(refusal(t.add_target_area(&k, ids[0], Some("/dev/null"), None, 0)), "Device /dev/null is not a block device.");
        assert_eq!(refusal(t.add_target_area(&k, ids[0], None, None, 0)), "Neither a device name nor a uuid given for the area.");
    }

    #[test]
    fn a_raid_builder_takes_plain_types_and_refuses_unknown_ones() {
        let k = SimKernel::new();
        let (mut t, ids) = tree(&["r"]);
        let mut raid = Raid::new(RaidLevel::Raid1);
        raid.stripe_size = 16;
        t.add_raid(&k, ids[0], 8, "striped", raid).unwrap();
        assert_eq!(t.node(ids[0]).props.segments[0].target, Target::Striped { stripe_size: 16 });
        assert_eq!(refusal(t.add_raid(&k, ids[0], 8, "raid7", raid)), "Unsupported raid type raid7.");
        t.add_raid(&k, ids[0], 8, "raid5", raid).unwrap();
        assert!(matches!(t.node(ids[0]).props.segments[1].target, Target::Raid(r) if r.level == RaidLevel::from_name("raid5").unwrap()));
    }

    #[test]
    fn a_null_area_needs_a_raid_segment_that_allows_it() {
        let k = SimKernel::new();
        let (mut t, ids) = tree(&["n"]);
        assert_eq!(refusal(t.add_null_area(ids[0], 0)), "Node n (0:0) is missing a segment.");
        t.add_segment(ids[0], 8, Target::Linear);
        assert_eq!(refusal(t.add_null_area(ids[0], 0)), "dm_tree_node_add_null_area() called on an unsupported segment type");
        t.add_raid(&k, ids[0], 8, "raid10", Raid::new(RaidLevel::Raid1)).unwrap();
        assert!(t.add_null_area(ids[0], 0).is_err());
        t.add_raid(&k, ids[0], 8, "raid1", Raid::new(RaidLevel::Raid1)).unwrap();
        t.add_null_area(ids[0], 0).unwrap();
        assert_eq!(areas(&t, ids[0]), [AreaDevice::Missing]);
    }

    fn request<'a>(metadata: &'a str, data: &'a str, origin: &'a str) -> CacheRequest<'a> {
        CacheRequest { feature_flags: FEATURE_WRITEBACK, policy: Some("smq"), settings: &[], data_block_size: 64, metadata: Some(metadata), data: Some(data), origin: Some(origin) }
    }

    #[test]
    fn a_cache_links_data_metadata_and_origin_in_libdms_order() {
        let (mut t, ids) = tree(&["c", "meta", "data", "origin"]);
        let missing = request("UUID-meta", "UUID-data", "UUID-none");
        assert_eq!(refusal(t.add_cache(ids[0], 8, &missing)), "Missing cache's origin uuid UUID-meta.");
        let bad = CacheRequest { data_block_size: 32, ..missing };
        assert!(refusal(t.add_cache(ids[0], 8, &bad)).contains("lower"), "parameters are checked first");
        t.add_cache(ids[0], 8, &request("UUID-meta", "UUID-data", "UUID-origin")).unwrap();
        assert_eq!(areas(&t, ids[0]), [AreaDevice::Node(ids[2]), AreaDevice::Node(ids[1]), AreaDevice::Node(ids[3])]);
    }

    #[test]
    fn a_cachevol_makes_its_metadata_and_data_linear_layers_of_the_volume() {
        let (mut t, ids) = tree(&["c", "meta", "data", "origin", "vol"]);
        let c = request("UUID-meta", "UUID-data", "UUID-origin");
        assert_eq!(refusal(t.add_cachevol(ids[0], 8, &c, None, (0, 8), (8, 64))), "Missing cache's cachevol uuid (null).");
        t.add_cachevol(ids[0], 8, &c, Some("UUID-vol"), (0, 8), (8, 64)).unwrap();
        for (layer, start, len) in [(ids[1], 0, 8), (ids[2], 8, 64)] {
            let seg = &t.node(layer).props.segments[0];
            assert_eq!((seg.size, seg.target.clone(), seg.areas[0].device, seg.areas[0].offset), (len, Target::Linear, AreaDevice::Node(ids[4]), start));
        }
    }

    #[test]
    fn integrity_and_vdo_refuse_missing_devices_before_missing_parameters() {
        let (mut t, ids) = tree(&["i", "meta", "origin"]);
        assert_eq!(refusal(t.add_integrity(ids[0], 8, None, Some("UUID-origin"), None)), "No integrity meta uuid.");
        assert_eq!(refusal(t.add_integrity(ids[0], 8, None, Some("UUID-x"), Some("UUID-meta"))), "Missing integrity's origin uuid UUID-x.");
        assert_eq!(t.add_integrity(ids[0], 8, None, Some("UUID-origin"), Some("UUID-meta")), Err(TreeError::Missing("settings")));
        t.add_integrity(ids[0], 8, Some(Integrity::default()), Some("UUID-origin"), Some("UUID-meta")).unwrap();
        assert_eq!(areas(&t, ids[0]), [AreaDevice::Node(ids[1]), AreaDevice::Node(ids[2])]);
        assert_eq!(refusal(t.add_vdo(ids[0], 8, None, None)), "Missing VDO's data uuid (null).");
        assert_eq!(t.add_vdo(ids[0], 8, None, Some("UUID-origin")), Err(TreeError::Missing("vtp")));
    }

    #[test]
    fn children_use_uuid_looks_below_the_node_only() {
        let (mut t, ids) = tree(&["top", "mid", "low"]);
        for (parent, child) in [(ids[0], ids[1]), (ids[1], ids[2])] {
            t.add_segment(parent, 8, Target::Linear);
            t.add_area(parent, AreaDevice::Node(child), 0).unwrap();
        }
        assert!(t.children_use_uuid(ids[0], Some("UUID-low")));
        assert!(!t.children_use_uuid(ids[0], Some("UUID-top")));
        assert!(!t.children_use_uuid(ids[2], None));
    }
}
