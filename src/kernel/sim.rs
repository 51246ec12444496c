//! A simulated device-mapper kernel: the same requests and replies as the
//! real one, kept in memory, for fast tests and dry runs. It is trusted only
//! as far as the same scenarios on the real kernel (in the VM) give the same
//! transcript and final state.

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
    stats: super::sim_stats::DeviceStats,
}

/// One device as the simulator holds it, for tests to inspect.
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

/// The simulated kernel.
#[derive(Default)]
pub struct SimKernel {
    devices: Mutex<BTreeMap<u32, SimDevice>>,
}

fn err(command: Command, errno: i32) -> KernelError {
    KernelError::Ioctl { command: command.ioctl_name(), errno }
}

impl SimKernel {
    /// An empty simulated kernel.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every device, by name order of creation (minor).
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

    /// Pretends `n` openers hold the device `name` (for remove-while-busy tests).
    pub fn set_open_count(&self, name: &str, n: i32) {
        let mut devices = self.devices.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(d) = devices.values_mut().find(|d| d.name == name) {
            d.open_count = n;
        }
    }

    /// Sets the counters (in the region's time unit) and histogram counts
    /// of one area of a statistics region of device `name`.
    pub fn stats_set_area(&self, name: &str, region: u64, area: usize, counters: [u64; 13], histogram: &[u64]) -> bool {
        let mut devices = self.devices.lock().unwrap_or_else(|e| e.into_inner());
        devices.values_mut().find(|d| d.name == name).is_some_and(|d| d.stats.set_area(region, area, counters, histogram))
    }

    fn find(devices: &BTreeMap<u32, SimDevice>, r: &Request) -> Option<u32> {
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
            return devices.values().find(|d| encode_dev(SIM_DM_MAJOR, d.minor) == id.dev).map(|d| d.minor);
        }
        None
    }

    fn info(d: &SimDevice, query_inactive: bool) -> Reply {
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
            dev: encode_dev(SIM_DM_MAJOR, d.minor),
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

    fn status_line(line: &TargetLine) -> TargetLine {
        let params = match line.target_type.as_str() {
            "linear" | "striped" | "zero" | "error" => String::new(),
            _ => line.params.clone(),
        };
        TargetLine { params, ..line.clone() }
    }

    fn deps(table: &[TargetLine]) -> Vec<u64> {
        let mut devs = Vec::new();
        for line in table {
            for word in line.params.split_whitespace() {
                if let Some((ma, mi)) = word.split_once(':') {
                    if let (Ok(ma), Ok(mi)) = (ma.parse::<u32>(), mi.parse::<u32>()) {
                        let dev = encode_dev(ma, mi);
                        if !devs.contains(&dev) {
                            devs.push(dev);
                        }
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
                        dev: encode_dev(SIM_DM_MAJOR, d.minor),
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
                    stats: Default::default(),
                };
                let reply = Self::info(&dev, false);
                devices.insert(minor, dev);
                Ok(reply)
            }
            _ => {
                let minor = Self::find(&devices, r).ok_or_else(|| err(c, libc::ENXIO))?;
                let query_inactive = r.flags.contains(Flags::QUERY_INACTIVE_TABLE);
                match c {
                    Command::DevRemove => {
                        let d = &devices[&minor];
                        if d.open_count > 0 {
                            return Err(err(c, libc::EBUSY));
                        }
                        // The device is gone: the kernel reports no tables.
                        let reply = Reply { flags: Flags::empty(), ..Self::info(d, false) };
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
                        Ok(Self::info(&devices[&minor], false))
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
                        Ok(Self::info(d, false))
                    }
                    Command::DevStatus | Command::DevWait => Ok(Self::info(&devices[&minor], query_inactive)),
                    // Like the kernel, arming a poll reports no device status.
                    Command::DevArmPoll => Ok(Reply { flags: Flags::empty(), ..Self::info(&devices[&minor], false) }),
                    Command::TableLoad => {
                        let Payload::Table(lines) = &r.payload else { return Err(err(c, libc::EINVAL)) };
                        Self::validate_table(c, lines)?;
                        let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                        d.inactive = Some(lines.clone());
                        d.inactive_read_only = r.flags.contains(Flags::READONLY);
                        Ok(Self::info(d, false))
                    }
                    Command::TableClear => {
                        let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                        d.inactive = None;
                        Ok(Self::info(d, false))
                    }
                    Command::TableDeps => {
                        let d = &devices[&minor];
                        let table = if query_inactive { &d.inactive } else { &d.live };
                        let deps = Self::deps(table.as_deref().unwrap_or(&[]));
                        Ok(Reply { data: ReplyData::Deps(deps), ..Self::info(d, query_inactive) })
                    }
                    Command::TableStatus => {
                        let d = &devices[&minor];
                        let table = if query_inactive { &d.inactive } else { &d.live };
                        let lines: Vec<TargetLine> = table.as_deref().unwrap_or(&[]).to_vec();
                        let lines = if r.flags.contains(Flags::STATUS_TABLE) {
                            lines
                        } else {
                            lines.iter().map(Self::status_line).collect()
                        };
                        Ok(Reply { data: ReplyData::Targets(lines), ..Self::info(d, query_inactive) })
                    }
                    Command::TargetMsg => {
                        // As the kernel: a message goes to the target at the
                        // sector, and these targets take no messages.
                        let Payload::Message { sector, text } = &r.payload else { return Err(err(c, libc::EINVAL)) };
                        // As the kernel: '@' messages go to dm core (statistics).
                        if text.starts_with('@') {
                            let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                            let size = d.live.as_ref().map_or(0, |t| t.iter().map(|l| l.length).sum());
                            let out = d.stats.message(text, size).map_err(|e| err(c, e))?;
                            let data = out.map_or(ReplyData::None, ReplyData::Response);
                            return Ok(Reply { flags: Flags::empty(), data, ..Self::info(d, false) });
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
                        // Like the kernel, no device status comes back.
                        Ok(Reply { flags: Flags::empty(), ..Self::info(d, false) })
                    }
                    Command::DevSetGeometry => {
                        let Payload::Geometry(g) = &r.payload else { return Err(err(c, libc::EINVAL)) };
                        if g.split_whitespace().filter(|w| w.parse::<u64>().is_ok()).count() != 4 {
                            return Err(err(c, libc::EINVAL));
                        }
                        let d = devices.get_mut(&minor).ok_or_else(|| err(c, libc::ENXIO))?;
                        d.geometry = Some(g.clone());
                        Ok(Reply { flags: Flags::empty(), ..Self::info(d, false) })
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
}
