//! A simulated device-mapper kernel: the same requests and replies as the
//! real one, kept in memory, for fast tests and dry runs. It is trusted only
//! as far as the same scenarios on the real kernel (in the VM) give the same
//! transcript and final state.
//!
//! What only tests need (the `@stats_*` messages, the knobs tests turn and
//! the inspection of every device) is built with the `sim` feature or in
//! the crate's own tests; a dry run needs none of it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::ioctl::{decode_reply, encode_reply};
use super::{
    encode_dev, Command, Flags, Kernel, KernelError, NameEntry, Payload, Reply, ReplyData, Request,
    TargetLine, TargetVersion,
};

/// The device-mapper block major the simulator hands out.
pub const SIM_DM_MAJOR: u32 = 253;

/// Targets the simulator accepts in tables, with their versions.
const TARGETS: &[(&str, [u32; 3])] = &[
    ("linear", [1, 4, 0]),
    ("striped", [1, 6, 0]),
    ("error", [1, 6, 0]),
    ("zero", [1, 2, 0]),
    ("mirror", [1, 14, 0]),
    ("snapshot", [1, 16, 0]),
    ("snapshot-origin", [1, 9, 0]),
    ("snapshot-merge", [1, 5, 0]),
    ("thin-pool", [1, 23, 0]),
    ("thin", [1, 23, 0]),
    ("crypt", [1, 24, 0]),
    ("flakey", [1, 5, 0]),
    ("delay", [1, 3, 0]),
];

#[derive(Debug, Clone)]
struct SimDevice {
    name: String,
    uuid: String,
    minor: u32,
    live: Option<Vec<TargetLine>>,
    inactive: Option<Vec<TargetLine>>,
    suspended: bool,
    /// Read-only state of the live and of the inactive table (the kernel
    /// reports the inactive one's when asked about the inactive table).
    read_only: bool,
    inactive_read_only: bool,
    open_count: i32,
    event_nr: u32,
    geometry: Option<String>,
    /// I/O statistics regions (`@stats_*` messages).
    #[cfg(any(test, feature = "sim"))]
    stats: super::sim_stats::DeviceStats,
}

/// One device as the simulator holds it, for tests to inspect.
#[cfg(any(test, feature = "sim"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimState {
    /// Name.
    pub name: String,
    /// Uuid.
    pub uuid: String,
    /// Suspended.
    pub suspended: bool,
    /// Live table.
    pub live: Option<Vec<TargetLine>>,
    /// Inactive table.
    pub inactive: Option<Vec<TargetLine>>,
}

/// A thin pool's metadata as the simulator keeps it, by metadata device:
/// like the kernel's, it outlives the pool device.
#[derive(Debug, Clone, Default)]
struct SimPoolMetadata {
    transaction_id: u64,
    thin_ids: std::collections::BTreeSet<u32>,
}

/// The simulated kernel.
pub struct SimKernel {
    devices: Mutex<BTreeMap<u32, SimDevice>>,
    pools: Mutex<BTreeMap<String, SimPoolMetadata>>,
    /// The block major of its devices.
    major: u32,
}

impl Default for SimKernel {
    fn default() -> Self {
        SimKernel { devices: Mutex::default(), pools: Mutex::default(), major: SIM_DM_MAJOR }
    }
}

fn err(command: Command, errno: i32) -> KernelError {
    KernelError::Ioctl { command: command.ioctl_name(), errno }
}

impl SimKernel {
    /// An empty simulated kernel.
    pub fn new() -> Self {
        Self::default()
    }

    /// A simulator holding what `kernel` holds now: every device with its
    /// number, name, uuid, state and tables, and the transaction id and
    /// volumes of each thin pool. Only queries reach `kernel`; a phase run
    /// on the copy is a dry run of the same phase on the original.
    pub fn mirroring(kernel: &dyn Kernel) -> Result<SimKernel, crate::task::TaskError> {
        use crate::task::{Task, TaskType};
        let names = Task::new(TaskType::List).run(kernel)?.names;
        let mut sim = SimKernel::new();
        if let Some(first) = names.first() {
            sim.major = super::decode_dev(first.dev).0;
        }
        let by_dev = |kind: TaskType, dev: u64, inactive: bool| {
            let (major, minor) = super::decode_dev(dev);
            let mut t = Task::new(kind);
            t.major = Some(major);
            t.minor = Some(minor);
            t.query_inactive_table = inactive;
            t.run(kernel)
        };
        for entry in &names {
            let info = by_dev(TaskType::Info, entry.dev, false)?;
            if !info.info.exists {
                continue;
            }
            let live = by_dev(TaskType::Table, entry.dev, false)?.targets;
            let inactive = if info.info.inactive_table { Some(by_dev(TaskType::Table, entry.dev, true)?.targets) } else { None };
            for line in &live {
                let mut words = line.params.split_whitespace();
                if line.target_type == "thin-pool" {
                    let status = by_dev(TaskType::Status, entry.dev, false)?;
                    let id = status.targets.first().and_then(|l| l.params.split_whitespace().next()?.parse().ok()).unwrap_or(0);
                    if let Some(metadata) = words.next() {
                        sim.set_thin_pool_transaction_id(metadata, id);
                    }
                }
            }
            let (_, minor) = super::decode_dev(entry.dev);
            let device = SimDevice {
                name: info.name.clone(),
                uuid: info.uuid.clone(),
                minor,
                live: info.info.live_table.then_some(live),
                inactive,
                suspended: info.info.suspended,
                read_only: info.info.read_only,
                inactive_read_only: false,
                open_count: info.info.open_count,
                event_nr: info.info.event_nr,
                geometry: None,
                #[cfg(any(test, feature = "sim"))]
                stats: Default::default(),
            };
            sim.devices.get_mut().unwrap_or_else(|e| e.into_inner()).insert(minor, device);
        }
        // Thin volumes tell which ids their pools hold.
        let thin_ids: Vec<(String, u32)> = {
            let devices = sim.devices.get_mut().unwrap_or_else(|e| e.into_inner());
            let mut ids = Vec::new();
            for d in devices.values() {
                for line in d.live.iter().flatten().filter(|l| l.target_type == "thin") {
                    let mut words = line.params.split_whitespace();
                    let (Some(pool), Some(id)) = (words.next(), words.next().and_then(|w| w.parse().ok())) else { continue };
                    let metadata = devices
                        .values()
                        .find(|p| format!("{}:{}", sim.major, p.minor) == pool)
                        .and_then(|p| Self::pool_metadata(p.live.as_ref()));
                    if let Some(m) = metadata {
                        ids.push((m, id));
                    }
                }
            }
            ids
        };
        for (metadata, id) in thin_ids {
            sim.pools.get_mut().unwrap_or_else(|e| e.into_inner()).entry(metadata).or_default().thin_ids.insert(id);
        }
        Ok(sim)
    }

    /// Every device, by name order of creation (minor).
    #[cfg(any(test, feature = "sim"))]
    pub fn snapshot(&self) -> Vec<SimState> {
        let devices = self.devices.lock().unwrap_or_else(|e| e.into_inner());
        devices
            .values()
            .map(|d| SimState {
                name: d.name.clone(),
                uuid: d.uuid.clone(),
                suspended: d.suspended,
                live: d.live.clone(),
                inactive: d.inactive.clone(),
            })
            .collect()
    }

    /// The major:minor of the device `name` on any kernel (0:0 if none).
    #[cfg(any(test, feature = "sim"))]
    pub fn dev_of(kernel: &dyn Kernel, name: &str) -> (u32, u32) {
        let mut t = crate::task::Task::new(crate::task::TaskType::Info);
        t.name = Some(name.into());
        t.run(kernel).map(|o| (o.info.major, o.info.minor)).unwrap_or((0, 0))
    }

    /// Pretends `n` openers hold the device `name` (for remove-while-busy tests).
    #[cfg(any(test, feature = "sim"))]
    pub fn set_open_count(&self, name: &str, n: i32) {
        let mut devices = self.devices.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(d) = devices.values_mut().find(|d| d.name == name) {
            d.open_count = n;
        }
    }

    /// The transaction id of the thin pool whose metadata is on `metadata_dev`
    /// ("major:minor"), as a test sets it up or reads it back.
    pub fn thin_pool_transaction_id(&self, metadata_dev: &str) -> u64 {
        self.pools.lock().unwrap_or_else(|e| e.into_inner()).get(metadata_dev).map(|p| p.transaction_id).unwrap_or(0)
    }

    /// The thin ids the pool on `metadata_dev` holds.
    #[cfg(any(test, feature = "sim"))]
    pub fn thin_ids(&self, metadata_dev: &str) -> Vec<u32> {
        self.pools.lock().unwrap_or_else(|e| e.into_inner()).get(metadata_dev).map(|p| p.thin_ids.iter().copied().collect()).unwrap_or_default()
    }

    /// Sets the transaction id of the pool on `metadata_dev` (an interrupted
    /// transaction, for tests).
    pub fn set_thin_pool_transaction_id(&self, metadata_dev: &str, id: u64) {
        self.pools.lock().unwrap_or_else(|e| e.into_inner()).entry(metadata_dev.to_string()).or_default().transaction_id = id;
    }

    /// The metadata device of the thin-pool line of a table.
    fn pool_metadata(table: Option<&Vec<TargetLine>>) -> Option<String> {
        let line = table?.iter().find(|l| l.target_type == "thin-pool")?;
        line.params.split_whitespace().next().map(str::to_string)
    }

    /// A thin-pool message, applied as dm-thin does (pool-message in
    /// thin-provisioning.rst).
    fn thin_pool_message(&self, metadata: &str, text: &str) -> Result<(), i32> {
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        let pool = pools.entry(metadata.to_string()).or_default();
        let words: Vec<&str> = text.split_whitespace().collect();
        let num = |i: usize| words.get(i).and_then(|w| w.parse::<u64>().ok()).ok_or(libc::EINVAL);
        match words.first().copied() {
            Some("create_thin") => {
                if !pool.thin_ids.insert(num(1)? as u32) {
                    return Err(libc::EEXIST);
                }
            }
            Some("create_snap") => {
                let (id, origin) = (num(1)? as u32, num(2)? as u32);
                if !pool.thin_ids.contains(&origin) {
                    return Err(libc::ENODATA);
                }
                if !pool.thin_ids.insert(id) {
                    return Err(libc::EEXIST);
                }
            }
            Some("delete") => {
                if !pool.thin_ids.remove(&(num(1)? as u32)) {
                    return Err(libc::ENODATA);
                }
            }
            Some("set_transaction_id") => {
                if num(1)? != pool.transaction_id {
                    return Err(libc::EINVAL);
                }
                pool.transaction_id = num(2)?;
            }
            Some("reserve_metadata_snap") | Some("release_metadata_snap") => {}
            _ => return Err(libc::EINVAL),
        }
        Ok(())
    }

    /// Whether a thin line names a volume its pool has (the thin target's
    /// constructor refuses others).
    fn thin_volume_exists(&self, devices: &BTreeMap<u32, SimDevice>, line: &TargetLine) -> bool {
        let mut words = line.params.split_whitespace();
        let (Some(pool), Some(id)) = (words.next(), words.next().and_then(|w| w.parse::<u32>().ok())) else { return false };
        let Some(pool_dev) = devices.values().find(|d| format!("{}:{}", self.major, d.minor) == pool) else { return false };
        let Some(metadata) = Self::pool_metadata(pool_dev.live.as_ref()) else { return false };
        self.pools.lock().unwrap_or_else(|e| e.into_inner()).get(&metadata).is_some_and(|p| p.thin_ids.contains(&id))
    }

    /// Sets the counters (in the region's time unit) and histogram counts
    /// of one area of a statistics region of device `name`.
    #[cfg(any(test, feature = "sim"))]
    pub fn stats_set_area(&self, name: &str, region: u64, area: usize, counters: [u64; 13], histogram: &[u64]) -> bool {
        let mut devices = self.devices.lock().unwrap_or_else(|e| e.into_inner());
        devices.values_mut().find(|d| d.name == name).is_some_and(|d| d.stats.set_area(region, area, counters, histogram))
    }

    fn find(&self, devices: &BTreeMap<u32, SimDevice>, r: &Request) -> Option<u32> {
        let id = &r.id;
        // As the kernel: more than one of uuid, name and number is invalid.
        let given = [!id.uuid.is_empty(), !id.name.is_empty(), id.dev != 0];
        if given.iter().filter(|g| **g).count() > 1 {
            return None;
        }
        if !id.uuid.is_empty() {
            return devices.values().find(|d| d.uuid == id.uuid).map(|d| d.minor);
        }
        if !id.name.is_empty() {
            return devices.values().find(|d| d.name == id.name).map(|d| d.minor);
        }
        if id.dev != 0 {
            return devices.values().find(|d| encode_dev(self.major, d.minor) == id.dev).map(|d| d.minor);
        }
        None
    }

    fn info(&self, d: &SimDevice, query_inactive: bool) -> Reply {
        let mut flags = Flags::empty();
        flags.set(Flags::SUSPEND, d.suspended);
        flags.set(Flags::ACTIVE_PRESENT, d.live.is_some());
        flags.set(Flags::INACTIVE_PRESENT, d.inactive.is_some());
        flags.set(Flags::READONLY, if query_inactive { d.inactive_read_only } else { d.read_only });
        let table = if query_inactive { &d.inactive } else { &d.live };
        Reply {
            version: [4, 47, 0],
            flags,
            open_count: d.open_count,
            event_nr: d.event_nr,
            dev: encode_dev(self.major, d.minor),
            target_count: table.as_ref().map(|t| t.len() as u32).unwrap_or(0),
            name: d.name.clone(),
            uuid: d.uuid.clone(),
            data: ReplyData::None,
        }
    }

    fn validate_table(command: Command, lines: &[TargetLine]) -> Result<(), KernelError> {
        let mut next = 0u64;
        for line in lines {
            if !TARGETS.iter().any(|(t, _)| *t == line.target_type) {
                return Err(err(command, libc::EINVAL));
            }
            if line.start != next || line.length == 0 {
                return Err(err(command, libc::EINVAL));
            }
            if line.target_type == "linear" && line.params.split_whitespace().count() != 2 {
                return Err(err(command, libc::EINVAL));
            }
            next = line.start + line.length;
        }
        if lines.is_empty() {
            return Err(err(command, libc::EINVAL));
        }
        Ok(())
    }

    fn status_line(&self, line: &TargetLine) -> TargetLine {
        let params = match line.target_type.as_str() {
            "linear" | "striped" | "zero" | "error" => String::new(),
            "thin-pool" => {
                let metadata = line.params.split_whitespace().next().unwrap_or("");
                let id = self.thin_pool_transaction_id(metadata);
                format!("{id} 10/1024 0/1024 - rw discard_passdown queue_if_no_space - 1024")
            }
            "thin" => "0 -".to_string(),
            // A mirror is in sync at once: <#legs> <legs> <in sync>/<regions>
            // 1 <health> 1 core (dm-raid1's status for a core log).
            "mirror" => {
                let w: Vec<&str> = line.params.split_whitespace().collect();
                let log_args: usize = w.get(1).and_then(|n| n.parse().ok()).unwrap_or(0);
                let legs: usize = w.get(2 + log_args).and_then(|n| n.parse().ok()).unwrap_or(0);
                let region: u64 = w.get(2).and_then(|n| n.parse().ok()).filter(|r| *r > 0).unwrap_or(1);
                let devs: Vec<&str> = (0..legs).filter_map(|i| w.get(3 + log_args + 2 * i).copied()).collect();
                let regions = line.length.div_ceil(region);
                format!("{legs} {} {regions}/{regions} 1 {} 1 core", devs.join(" "), "A".repeat(legs))
            }
            _ => line.params.clone(),
        };
        TargetLine { params, ..line.clone() }
    }

    fn deps(table: &[TargetLine]) -> Vec<u64> {
        let mut devs = Vec::new();
        for line in table {
            for word in line.params.split_whitespace() {
                if let Some((ma, mi)) = super::parse_dev_text(word) {
                    let dev = encode_dev(ma, mi);
                    if !devs.contains(&dev) {
                        devs.push(dev);
                    }
                }
            }
        }
        devs
    }

    fn run(&self, r: &Request) -> Result<Reply, KernelError> {
        let c = r.command;
        let mut devices = self.devices.lock().unwrap_or_else(|e| e.into_inner());
        let base = Reply { version: [4, 47, 0], ..Reply::default() };
        match c {
            Command::Version => Ok(base),
            Command::RemoveAll => {
                devices.retain(|_, d| d.open_count > 0);
                Ok(base)
            }
            Command::ListDevices => {
                let with_uuid = r.flags.contains(Flags::UUID);
                let names = devices
                    .values()
                    .map(|d| NameEntry {
                        dev: encode_dev(self.major, d.minor),
                        name: d.name.clone(),
                        event_nr: Some(d.event_nr),
                        uuid: with_uuid.then(|| d.uuid.clone()),
                    })
                    .collect();
                Ok(Reply { data: ReplyData::Names(names), ..base })
            }
            Command::ListVersions => Ok(Reply {
                data: ReplyData::Versions(
                    TARGETS.iter().map(|(n, v)| TargetVersion { name: n.to_string(), version: *v }).collect(),
                ),
                ..base
            }),
            Command::GetTargetVersion => {
                let name = &r.id.name;
                let (n, v) = TARGETS.iter().find(|(t, _)| t == name).ok_or_else(|| err(c, libc::EINVAL))?;
                Ok(Reply { data: ReplyData::Versions(vec![TargetVersion { name: n.to_string(), version: *v }]), ..base })
            }
            Command::DevCreate => {
                if r.id.name.is_empty() {
                    return Err(err(c, libc::EINVAL));
                }
                if devices.values().any(|d| d.name == r.id.name || (!r.id.uuid.is_empty() && d.uuid == r.id.uuid)) {
                    return Err(err(c, libc::EBUSY));
                }
                let minor = if r.flags.contains(Flags::PERSISTENT_DEV) {
                    let (_, minor) = super::decode_dev(r.id.dev);
                    if devices.contains_key(&minor) {
                        return Err(err(c, libc::EBUSY));
                    }
                    minor
                } else {
                    (0..).find(|m| !devices.contains_key(m)).unwrap_or(0)
                };
                let dev = SimDevice {
                    name: r.id.name.clone(),
                    uuid: r.id.uuid.clone(),
                    minor,
                    live: None,
                    inactive: None,
                    suspended: false,
                    read_only: r.flags.contains(Flags::READONLY),
                    inactive_read_only: false,
                    open_count: 0,
                    event_nr: 0,
                    geometry: None,
                    #[cfg(any(test, feature = "sim"))]
                    stats: Default::default(),
                };
                let reply = self.info(&dev, false);
                devices.insert(minor, dev);
                Ok(reply)
            }
            _ => {
                let minor = self.find(&devices, r).ok_or_else(|| err(c, libc::ENXIO))?;
                let query_inactive = r.flags.contains(Flags::QUERY_INACTIVE_TABLE);
                match c {
                    Command::DevRemove => {
                        let d = &devices[&minor];
                        if d.open_count > 0 {
                            return Err(err(c, libc::EBUSY));
                        }
                        // The device is gone: the kernel reports no tables.
                        let reply = Reply { flags: Flags::empty(), ..self.info(d, false) };
                        devices.remove(&minor);
                        Ok(reply)
                    }
                    Command::DevRename => {
                        let Payload::NewName(new) = &r.payload else { return Err(err(c, libc::EINVAL)) };
                        if r.flags.contains(Flags::UUID) {
                            if !devices[&minor].uuid.is_empty() || devices.values().any(|d| &d.uuid == new) {
                                return Err(err(c, libc::EINVAL));
                            }
                            if let Some(d) = devices.get_mut(&minor) {
                                d.uuid = new.clone();
                            }
                        } else {
                            if devices.values().any(|d| &d.name == new) {
                                return Err(err(c, libc::EBUSY));
                            }
                            if let Some(d) = devices.get_mut(&minor) {
                                d.name = new.clone();
                            }
                        }
                        Ok(self.info(&devices[&minor], false))
                    }
                    Command::DevSuspend => {
                        let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                        if r.flags.contains(Flags::SUSPEND) {
                            d.suspended = true;
                        } else {
                            if let Some(table) = d.inactive.take() {
                                d.live = Some(table);
                                d.read_only = d.inactive_read_only;
                            }
                            d.suspended = false;
                        }
                        Ok(self.info(d, false))
                    }
                    Command::DevStatus => Ok(self.info(&devices[&minor], query_inactive)),
                    // Like the kernel, arming a poll reports no device status.
                    Command::DevArmPoll => Ok(Reply { flags: Flags::empty(), ..self.info(&devices[&minor], false) }),
                    Command::TableLoad => {
                        let Payload::Table(lines) = &r.payload else { return Err(err(c, libc::EINVAL)) };
                        Self::validate_table(c, lines)?;
                        if lines.iter().any(|l| l.target_type == "thin" && !self.thin_volume_exists(&devices, l)) {
                            return Err(err(c, libc::EINVAL));
                        }
                        let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                        d.inactive = Some(lines.clone());
                        d.inactive_read_only = r.flags.contains(Flags::READONLY);
                        Ok(self.info(d, false))
                    }
                    Command::TableClear => {
                        let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                        d.inactive = None;
                        Ok(self.info(d, false))
                    }
                    Command::TableDeps => {
                        let d = &devices[&minor];
                        let table = if query_inactive { &d.inactive } else { &d.live };
                        let deps = Self::deps(table.as_deref().unwrap_or(&[]));
                        Ok(Reply { data: ReplyData::Deps(deps), ..self.info(d, query_inactive) })
                    }
                    // A wait answers with the status, as the kernel's does
                    // (the simulator has no events to wait for).
                    Command::TableStatus | Command::DevWait => {
                        let d = &devices[&minor];
                        let table = if query_inactive { &d.inactive } else { &d.live };
                        let lines: Vec<TargetLine> = table.as_deref().unwrap_or(&[]).to_vec();
                        let lines = if r.flags.contains(Flags::STATUS_TABLE) {
                            lines
                        } else {
                            lines.iter().map(|l| self.status_line(l)).collect()
                        };
                        Ok(Reply { data: ReplyData::Targets(lines), ..self.info(d, query_inactive) })
                    }
                    Command::TargetMsg => {
                        // As the kernel: a message goes to the target at the
                        // sector, and these targets take no messages.
                        let Payload::Message { sector, text } = &r.payload else { return Err(err(c, libc::EINVAL)) };
                        // As the kernel: '@' messages go to dm core (statistics).
                        #[cfg(any(test, feature = "sim"))]
                        if text.starts_with('@') {
                            let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                            let size = d.live.as_ref().map_or(0, |t| t.iter().map(|l| l.length).sum());
                            let out = d.stats.message(text, size).map_err(|e| err(c, e))?;
                            let data = out.map_or(ReplyData::None, ReplyData::Response);
                            return Ok(Reply { flags: Flags::empty(), data, ..self.info(d, false) });
                        }
                        // A dry run keeps no statistics: refused as by a
                        // kernel without dm-stats.
                        #[cfg(not(any(test, feature = "sim")))]
                        if text.starts_with('@') {
                            return Err(err(c, libc::EINVAL));
                        }
                        let d = &devices[&minor];
                        let target = d
                            .live
                            .as_ref()
                            .and_then(|t| t.iter().find(|l| *sector >= l.start && *sector < l.start + l.length))
                            .ok_or_else(|| err(c, libc::EINVAL))?;
                        if matches!(target.target_type.as_str(), "linear" | "striped" | "zero" | "error") {
                            return Err(err(c, libc::EINVAL));
                        }
                        if target.target_type == "thin-pool" {
                            let Payload::Message { text, .. } = &r.payload else { return Err(err(c, libc::EINVAL)) };
                            let metadata = target.params.split_whitespace().next().unwrap_or("").to_string();
                            self.thin_pool_message(&metadata, text).map_err(|errno| err(c, errno))?;
                        }
                        // Like the kernel, no device status comes back.
                        Ok(Reply { flags: Flags::empty(), ..self.info(d, false) })
                    }
                    Command::DevSetGeometry => {
                        let Payload::Geometry(g) = &r.payload else { return Err(err(c, libc::EINVAL)) };
                        if g.split_whitespace().filter(|w| w.parse::<u64>().is_ok()).count() != 4 {
                            return Err(err(c, libc::EINVAL));
                        }
                        let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                        d.geometry = Some(g.clone());
                        Ok(Reply { flags: Flags::empty(), ..self.info(d, false) })
                    }
                    _ => Err(err(c, libc::EINVAL)),
                }
            }
        }
    }
}

impl Kernel for SimKernel {
    fn execute(&self, request: &Request) -> Result<Reply, KernelError> {
        // Replies go through the kernel byte format and back, so the
        // simulator exercises the same decoder as the real device.
        let reply = self.run(request)?;
        decode_reply(request.command, &encode_reply(&reply))
    }

    fn dm_major(&self) -> Option<u32> {
        Some(self.major)
    }
}
