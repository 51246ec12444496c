//! I/O statistics of device-mapper devices (libdm's `dm_stats`).
//!
//! The kernel keeps counters for *regions* of a device, each divided into
//! *areas*; they are driven by `@stats_*` messages (DM_DEVICE_TARGET_MSG):
//! `@stats_create`, `@stats_delete`, `@stats_clear`, `@stats_list`,
//! `@stats_print[_clear]` and `@stats_set_aux`. A [`Stats`] handle is bound
//! to one device, lists its regions into a table indexed by region id,
//! populates the table with counters, and walks it by area, region and
//! group. Groups live only in the user data ("aux_data") the kernel keeps
//! for a region: the group's first region (its leader) carries
//! `DMS_GROUP=<alias>:<member list>#<user aux_data>`, the format libdm
//! uses, so groups made by either library are read back by the other.

pub mod filemap;
pub mod histogram;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use thiserror::Error;

pub use histogram::{Bin, Histogram};

use crate::kernel::Kernel;
use crate::task::{Task, TaskError, TaskType};
use histogram::NSEC_PER_MSEC;
use histogram::NSEC_PER_SEC;

/// Walk areas (`DM_STATS_WALK_AREA`).
pub const WALK_AREA: u64 = 0x1_0000_0000_0000;
/// Walk regions, aggregating their areas (`DM_STATS_WALK_REGION`).
pub const WALK_REGION: u64 = 0x2_0000_0000_0000;
/// Walk groups, aggregating their regions (`DM_STATS_WALK_GROUP`).
pub const WALK_GROUP: u64 = 0x4_0000_0000_0000;
/// All three (`DM_STATS_WALK_ALL`).
pub const WALK_ALL: u64 = WALK_AREA | WALK_REGION | WALK_GROUP;
/// Areas then regions (`DM_STATS_WALK_DEFAULT`).
pub const WALK_DEFAULT: u64 = WALK_AREA | WALK_REGION;
/// Skip regions of a single area in region walks (`DM_STATS_WALK_SKIP_SINGLE_AREA`).
pub const WALK_SKIP_SINGLE_AREA: u64 = 0x8_0000_0000_0000;
const WALK_MASK: u64 = WALK_ALL | WALK_SKIP_SINGLE_AREA;
/// "No region" / "the cursor's region or area" (`DM_STATS_REGION_CURRENT`,
/// `DM_STATS_AREA_CURRENT`, `DM_STATS_REGIONS_ALL`).
pub const CURRENT: u64 = u64::MAX;
/// No region or group.
pub const NOT_PRESENT: u64 = u64::MAX;
/// A region in no group (`DM_STATS_GROUP_NONE`).
pub const GROUP_NONE: u64 = u64::MAX;

const GROUP_TAG: &str = "DMS_GROUP=";
const AUX_SEP: char = '#';
const PRECISE_ARG: &str = "precise_timestamps";
const HISTOGRAM_ARG: &str = "histogram:";

/// Why a statistics operation failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StatsError {
    /// A bad argument, or an operation the handle's state does not allow.
    #[error("{0}")]
    Invalid(String),
    /// The kernel's answer could not be parsed.
    #[error("{0}")]
    Parse(String),
    /// A system call failed.
    #[error("{0}")]
    Os(String, i32),
    /// The request to the kernel failed (already worded as libdm words it).
    #[error(transparent)]
    Task(#[from] TaskError),
}

impl StatsError {
    /// The errno to report.
    pub fn errno(&self) -> i32 {
        match self {
            StatsError::Invalid(_) | StatsError::Parse(_) => libc::EINVAL,
            StatsError::Os(_, e) => *e,
            StatsError::Task(t) => t.errno(),
        }
    }
}

fn invalid<T>(msg: impl Into<String>) -> Result<T, StatsError> {
    Err(StatsError::Invalid(msg.into()))
}

/// The thirteen counters of an area, in the kernel's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// Reads completed.
    Reads = 0,
    /// Reads merged.
    ReadsMerged,
    /// Sectors read.
    ReadSectors,
    /// Time spent reading (ns).
    ReadNsecs,
    /// Writes completed.
    Writes,
    /// Writes merged.
    WritesMerged,
    /// Sectors written.
    WriteSectors,
    /// Time spent writing (ns).
    WriteNsecs,
    /// I/Os in progress.
    IoInProgress,
    /// Time spent doing I/O (ns).
    IoNsecs,
    /// Weighted time spent doing I/O (ns).
    WeightedIoNsecs,
    /// Total time spent reading (ns).
    TotalReadNsecs,
    /// Total time spent writing (ns).
    TotalWriteNsecs,
}

/// Number of counters.
pub const NR_COUNTERS: usize = 13;
/// Counters that hold times, scaled from ms to ns unless precise.
const TIME_COUNTERS: [usize; 6] = [3, 7, 9, 10, 11, 12];

impl Counter {
    const ALL: [Counter; NR_COUNTERS] = [
        Counter::Reads,
        Counter::ReadsMerged,
        Counter::ReadSectors,
        Counter::ReadNsecs,
        Counter::Writes,
        Counter::WritesMerged,
        Counter::WriteSectors,
        Counter::WriteNsecs,
        Counter::IoInProgress,
        Counter::IoNsecs,
        Counter::WeightedIoNsecs,
        Counter::TotalReadNsecs,
        Counter::TotalWriteNsecs,
    ];

    /// The counter numbered `n` in `dm_stats_counter_t`.
    pub fn from_index(n: i32) -> Result<Counter, StatsError> {
        let c = usize::try_from(n).ok().and_then(|i| Counter::ALL.get(i).copied());
        c.ok_or_else(|| StatsError::Invalid(format!("Attempt to read invalid counter: {n}")))
    }
}

/// Metrics derived from the counters and the sampling interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Read merges per second.
    RdMergesPerSec = 0,
    /// Write merges per second.
    WrMergesPerSec,
    /// Reads per second.
    ReadsPerSec,
    /// Writes per second.
    WritesPerSec,
    /// Sectors read per second.
    ReadSectorsPerSec,
    /// Sectors written per second.
    WriteSectorsPerSec,
    /// Average request size (sectors).
    AverageRequestSize,
    /// Average queue size.
    AverageQueueSize,
    /// Average wait time (ns).
    AverageWaitTime,
    /// Average read wait time (ns).
    AverageRdWaitTime,
    /// Average write wait time (ns).
    AverageWrWaitTime,
    /// Service time (libdm's formula).
    ServiceTime,
    /// I/Os per second.
    Throughput,
    /// Fraction of the interval the device was busy, 0.0 to 1.0.
    Utilization,
}

impl Metric {
    const ALL: [Metric; 14] = [
        Metric::RdMergesPerSec,
        Metric::WrMergesPerSec,
        Metric::ReadsPerSec,
        Metric::WritesPerSec,
        Metric::ReadSectorsPerSec,
        Metric::WriteSectorsPerSec,
        Metric::AverageRequestSize,
        Metric::AverageQueueSize,
        Metric::AverageWaitTime,
        Metric::AverageRdWaitTime,
        Metric::AverageWrWaitTime,
        Metric::ServiceTime,
        Metric::Throughput,
        Metric::Utilization,
    ];

    /// The metric numbered `n` in `dm_stats_metric_t`.
    pub fn from_index(n: i32) -> Result<Metric, StatsError> {
        let m = usize::try_from(n).ok().and_then(|i| Metric::ALL.get(i).copied());
        m.ok_or_else(|| StatsError::Invalid(format!("Attempt to read invalid metric: {n}")))
    }
}

/// The counters of one area (times in nanoseconds) and its histogram.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counters {
    /// Values indexed by [`Counter`].
    pub values: [u64; NR_COUNTERS],
    /// Latency histogram, for regions created with bounds.
    pub histogram: Option<Histogram>,
}

impl Counters {
    /// One counter.
    pub fn get(&self, c: Counter) -> u64 {
        self.values[c as usize]
    }
}

/// Object types of a walk (`dm_stats_obj_type_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType {
    /// Nothing.
    None = 0,
    /// An area.
    Area = 1,
    /// A region (its areas aggregated).
    Region = 2,
    /// A group (its regions aggregated).
    Group = 3,
}

/// One region as `@stats_list` describes it, with counters once populated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Region id.
    pub id: u64,
    /// First sector.
    pub start: u64,
    /// Length in sectors.
    pub len: u64,
    /// Area size in sectors.
    pub step: u64,
    /// Program id ("" for none).
    pub program_id: String,
    /// User aux_data, without any group descriptor ("" for none).
    pub aux_data: String,
    /// 1 for precise (ns) timestamps, 1 000 000 for ms ones.
    pub timescale: u64,
    /// Histogram bounds, with a last unbounded bin.
    pub bounds: Option<Histogram>,
    /// Per-area counters after a populate.
    pub areas: Option<Vec<Counters>>,
    /// The group it belongs to, or [`GROUP_NONE`].
    pub group_id: u64,
}

impl Region {
    /// Number of areas (a partial last area counts as one).
    pub fn nr_areas(&self) -> u64 {
        nr_areas(self.len, self.step)
    }

    /// Whether the region has precise (nanosecond) timestamps.
    pub fn precise(&self) -> bool {
        self.timescale == 1
    }
}

fn nr_areas(len: u64, step: u64) -> u64 {
    if len == 0 || step == 0 {
        1
    } else {
        len.div_ceil(step)
    }
}

/// A group of regions, named after its first region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Group id (= the leader's region id).
    pub id: u64,
    /// Alias, if one was given.
    pub alias: Option<String>,
    /// Member region ids, ascending (the leader first).
    pub members: Vec<u64>,
}

/// Which device a handle is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// Not bound.
    None,
    /// By device number.
    DevNo(i32, i32),
    /// By name.
    Name(String),
    /// By uuid.
    Uuid(String),
}

/// The region and group tables from the last list.
#[derive(Debug, Clone, Default)]
struct Table {
    regions: Vec<Option<Region>>,
    groups: Vec<Option<Group>>,
    nr_regions: u64,
}

impl Table {
    fn max_region(&self) -> u64 {
        self.regions.len() as u64 - 1
    }
    fn region(&self, id: u64) -> Option<&Region> {
        usize::try_from(id).ok().and_then(|i| self.regions.get(i)).and_then(Option::as_ref)
    }
    fn region_mut(&mut self, id: u64) -> Option<&mut Region> {
        usize::try_from(id).ok().and_then(|i| self.regions.get_mut(i)).and_then(Option::as_mut)
    }
    fn group(&self, id: u64) -> Option<&Group> {
        usize::try_from(id).ok().and_then(|i| self.groups.get(i)).and_then(Option::as_ref)
    }
    fn group_present(&self, id: u64) -> bool {
        self.group(id).is_some()
    }
    fn is_grouped(&self, id: u64) -> bool {
        self.region(id).is_some_and(|r| r.group_id != GROUP_NONE)
    }
}

/// A walk cursor: flags still to walk, and the current region, area and group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    /// Remaining walk flags.
    pub flags: u64,
    /// Current region (or [`WALK_GROUP`] in a group walk).
    pub region: u64,
    /// Current area (or [`WALK_REGION`] / [`WALK_GROUP`] when aggregating).
    pub area: u64,
    /// Current group.
    pub group: u64,
}

/// A statistics handle.
pub struct Stats {
    kernel: Arc<dyn Kernel>,
    binding: Binding,
    program_id: String,
    name: Option<String>,
    table: Option<Table>,
    interval_ns: u64,
    walk_flags: u64,
    cur: Cursor,
}

/// The program id libdm uses when none is given: the process's name.
fn program_id_from_proc() -> String {
    std::fs::read_to_string("/proc/self/comm").map(|s| s.trim_end_matches('\n').to_string()).unwrap_or_default()
}

/// Whether the kernel's stats messages take precise_timestamps and
/// histogram options and report them in `@stats_list` (driver 4.33 and later).
pub fn driver_supports_precise(kernel: &dyn Kernel) -> bool {
    match Task::new(TaskType::Version).run(kernel) {
        Ok(out) => out.version[0] > 4 || (out.version[0] == 4 && out.version[1] >= 33),
        Err(_) => false,
    }
}

/// The list notation libdm writes for a set of ids: "0-2,5".
pub fn format_id_list(ids: &[u64]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        out.push(if i == j { ids[i].to_string() } else { format!("{}-{}", ids[i], ids[j]) });
        i = j + 1;
    }
    out.join(",")
}

/// The ids of a list such as "0-2,5" (`dm_bitset_parse_list`).
pub fn parse_id_list(text: &str) -> Option<Vec<u64>> {
    let set = crate::util::bitset::parse_list(text.as_bytes(), 0).ok()?;
    Some(set.iter().map(u64::from).collect())
}

/// The group descriptor a leader's aux_data carries: "DMS_GROUP=alias:0-2".
pub fn group_tag(group: &Group) -> String {
    format!("{GROUP_TAG}{}:{}", group.alias.as_deref().unwrap_or(""), format_id_list(&group.members))
}

/// Splits a group descriptor off an aux_data string: the group (if any, with
/// `region_id` as its leader) and the user's aux_data.
pub fn parse_group_tag(region_id: u64, aux: &str) -> Result<(Option<Group>, String), StatsError> {
    let Some(at) = aux.find(GROUP_TAG) else { return Ok((None, aux.to_string())) };
    let rest = &aux[at + GROUP_TAG.len()..];
    let Some((alias, rest)) = rest.split_once(':') else {
        return Err(StatsError::Parse("Found malformed group tag while reading aux_data".into()));
    };
    let (list, user) = match rest.split_once(AUX_SEP) {
        Some((l, u)) => (l, u),
        None => (rest, ""),
    };
    let members = parse_id_list(list)
        .ok_or_else(|| StatsError::Parse("Could not parse member list while reading group aux_data".into()))?;
    if members.first() != Some(&region_id) {
        return Err(StatsError::Parse(format!("Found invalid group descriptor in region {region_id} aux_data.")));
    }
    let user = if user.starts_with('-') && user.len() <= 1 { String::new() } else { user.to_string() };
    let alias = (!alias.is_empty()).then(|| alias.to_string());
    Ok((Some(Group { id: region_id, alias, members }), user))
}

/// Parses one `@stats_list` line: "<id>: <start>+<len> <step> <program_id>
/// <aux_data> [precise_timestamps] [histogram:n1,n2,...]".
pub fn parse_list_line(line: &str) -> Result<Region, StatsError> {
    let bad = || StatsError::Parse(format!("Could not parse @stats_list row: {line}"));
    let line = line.trim_end_matches('\n');
    let (id, rest) = line.split_once(':').ok_or_else(bad)?;
    let id: u64 = id.trim().parse().map_err(|_| bad())?;
    let rest = rest.trim_start();
    let (range, rest) = rest.split_once(' ').ok_or_else(bad)?;
    let (start, len) = range.split_once('+').ok_or_else(bad)?;
    let start: u64 = start.parse().map_err(|_| bad())?;
    let len: u64 = len.parse().map_err(|_| bad())?;
    let rest = rest.trim_start();
    let (step, data) = match rest.split_once(' ') {
        Some((s, d)) => (s, d.trim_start()),
        None => return Err(bad()),
    };
    let step: u64 = step.parse().map_err(|_| bad())?;
    let mut words = data.splitn(3, ' ');
    let program_id = words.next().unwrap_or("");
    let aux_data = words.next().unwrap_or("");
    let args = words.next().unwrap_or("");
    let dash = |s: &str| if s.starts_with('-') { String::new() } else { s.to_string() };
    let timescale = if args.contains(PRECISE_ARG) { 1 } else { NSEC_PER_MSEC };
    let bounds = match args.find(HISTOGRAM_ARG) {
        Some(at) => {
            let spec = args[at + HISTOGRAM_ARG.len()..].split(' ').next().unwrap_or("");
            Some(Histogram::from_kernel_spec(spec, timescale)?)
        }
        None => None,
    };
    Ok(Region {
        id,
        start,
        len,
        step,
        program_id: dash(program_id),
        aux_data: dash(aux_data),
        timescale,
        bounds,
        areas: None,
        group_id: GROUP_NONE,
    })
}

/// Parses one `@stats_print` row: the area's start and length and its
/// counters (times scaled to ns by `timescale`), and its histogram when the
/// region has `bounds`.
pub fn parse_print_line(line: &str, timescale: u64, bounds: Option<&Histogram>) -> Result<(u64, u64, Counters), StatsError> {
    let bad = || StatsError::Parse("Could not parse @stats_print row.".into());
    let mut words = line.split_whitespace();
    let (start, len) = words.next().and_then(|w| w.split_once('+')).ok_or_else(bad)?;
    let start: u64 = start.parse().map_err(|_| bad())?;
    let len: u64 = len.parse().map_err(|_| bad())?;
    let mut c = Counters::default();
    for (i, v) in c.values.iter_mut().enumerate() {
        let w = words.next().ok_or_else(bad)?;
        *v = match w.parse::<u64>() {
            Ok(v) => v,
            Err(_) => w.parse::<i64>().map_err(|_| bad())? as u64,
        };
        if timescale != 1 && TIME_COUNTERS.contains(&i) {
            *v = v.wrapping_mul(timescale);
        }
    }
    if let Some(b) = bounds {
        let h = words.next().ok_or_else(|| StatsError::Parse("Could not parse histogram value.".into()))?;
        c.histogram = Some(b.with_counts(h)?);
    }
    Ok((start, len, c))
}

/// The group leader's region id and the sorted member ids for a group-walk
/// style id: `WALK_GROUP` itself means the cursor's group.
fn decode_group(id: u64, cur: &Cursor) -> u64 {
    if id == WALK_GROUP {
        cur.group
    } else {
        id & !WALK_GROUP
    }
}

impl Stats {
    /// A handle for `program_id` (the process name when empty) on `kernel`.
    pub fn new(kernel: Arc<dyn Kernel>, program_id: Option<&str>) -> Stats {
        let program_id = match program_id {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => program_id_from_proc(),
        };
        Stats {
            kernel,
            binding: Binding::None,
            program_id,
            name: None,
            table: None,
            interval_ns: 0,
            walk_flags: WALK_DEFAULT,
            cur: Cursor { flags: WALK_DEFAULT, ..Cursor::default() },
        }
    }

    /// The kernel this handle talks to.
    pub fn kernel(&self) -> &dyn Kernel {
        &*self.kernel
    }

    fn rebind(&mut self, b: Binding) {
        self.binding = b;
        self.name = None;
        self.table = None;
    }

    /// Binds to a device number (drops the region table).
    pub fn bind_devno(&mut self, major: i32, minor: i32) {
        self.rebind(Binding::DevNo(major, minor));
    }

    /// Binds to a device name.
    pub fn bind_name(&mut self, name: &str) {
        self.rebind(Binding::Name(name.to_string()));
    }

    /// Binds to a device uuid.
    pub fn bind_uuid(&mut self, uuid: &str) {
        self.rebind(Binding::Uuid(uuid.to_string()));
    }

    /// Binds to the device holding the file open at `fd`.
    pub fn bind_from_fd(&mut self, fd: std::os::fd::BorrowedFd<'_>) -> Result<(), StatsError> {
        let st = nix::sys::stat::fstat(fd)
            .map_err(|e| StatsError::Os(format!("fstat failed for fd {}.", std::os::fd::AsRawFd::as_raw_fd(&fd)), e as i32))?;
        let dev = st.st_dev;
        self.bind_devno(libc::major(dev) as i32, libc::minor(dev) as i32);
        Ok(())
    }

    /// The binding.
    pub fn binding(&self) -> &Binding {
        &self.binding
    }

    fn bound(&self) -> Result<(), StatsError> {
        match &self.binding {
            Binding::DevNo(major, _) if *major > 0 => Ok(()),
            Binding::Name(_) | Binding::Uuid(_) => Ok(()),
            _ => invalid("Stats handle is not bound."),
        }
    }

    fn task(&self, kind: TaskType) -> Result<Task, StatsError> {
        let mut t = Task::new(kind);
        match &self.binding {
            Binding::Name(n) => t.name = Some(n.clone()),
            Binding::Uuid(u) => t.uuid = Some(u.clone()),
            Binding::DevNo(ma, mi) if *ma > 0 => {
                t.major = Some(*ma as u32);
                t.minor = Some(*mi as u32);
            }
            _ => return invalid("Stats handle is not bound."),
        }
        Ok(t)
    }

    /// Sends one `@stats_*` message; returns the kernel's response.
    fn message(&self, msg: &str) -> Result<Option<String>, StatsError> {
        let mut t = self.task(TaskType::TargetMsg)?;
        t.message = Some(msg.to_string());
        let out = t.run(&*self.kernel)?;
        Ok(out.response)
    }

    /// The device's name, asked once of the kernel.
    fn cache_name(&mut self) -> Result<(), StatsError> {
        if self.name.is_some() {
            return Ok(());
        }
        let out = self
            .task(TaskType::Info)?
            .run(&*self.kernel)
            .map_err(|e| StatsError::Invalid(format!("{e}\nCould not retrieve device-mapper name for device.")))?;
        self.name = Some(out.name);
        Ok(())
    }

    /// The bound device's name once known (after a list or populate).
    pub fn device_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The handle's program id.
    pub fn program_id(&self) -> &str {
        &self.program_id
    }

    /// Sets the program id; an empty one only with `allow_empty`.
    pub fn set_program_id(&mut self, allow_empty: bool, program_id: Option<&str>) -> Result<(), StatsError> {
        let p = program_id.unwrap_or("");
        if !allow_empty && p.is_empty() {
            return invalid("Empty program_id not permitted without allow_empty=1");
        }
        self.program_id = p.to_string();
        Ok(())
    }

    /// Sampling interval in ns (for metrics).
    pub fn interval_ns(&self) -> u64 {
        self.interval_ns
    }

    /// Sets the sampling interval in ns.
    pub fn set_interval_ns(&mut self, ns: u64) {
        self.interval_ns = ns;
    }

    /// Sampling interval in whole ms.
    pub fn interval_ms(&self) -> u64 {
        self.interval_ns / NSEC_PER_MSEC
    }

    /// Sets the sampling interval in ms (wrapping, as libdm's arithmetic).
    pub fn set_interval_ms(&mut self, ms: u64) {
        self.interval_ns = ms.wrapping_mul(NSEC_PER_MSEC);
    }

    // ---- regions -------------------------------------------------------

    /// Creates a region: `len` 0 (with `start` 0) is the whole device; a
    /// negative `step` asks for that many areas, a positive one for areas of
    /// that many sectors. `precise` < 0 means the handle's default (off).
    #[allow(clippy::too_many_arguments)]
    pub fn create_region(
        &mut self,
        start: u64,
        len: u64,
        step: i64,
        precise: i32,
        bounds: Option<&Histogram>,
        program_id: Option<&str>,
        aux_data: &str,
    ) -> Result<u64, StatsError> {
        let mut precise = precise > 0;
        if (precise || bounds.is_some()) && !driver_supports_precise(&*self.kernel) {
            return invalid("The kernel does not support precise timestamps and histograms in statistics.");
        }
        let hist = bounds.map(|b| b.kernel_arg(&mut precise)).transpose()?;
        self.send_create(start, len, step, precise, hist.as_deref(), program_id, aux_data)
    }

    #[allow(clippy::too_many_arguments)]
    fn send_create(
        &mut self,
        start: u64,
        len: u64,
        step: i64,
        precise: bool,
        hist: Option<&str>,
        program_id: Option<&str>,
        aux_data: &str,
    ) -> Result<u64, StatsError> {
        self.bound()?;
        let program_id = match program_id {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => self.program_id.clone(),
        };
        let range = if start != 0 || len != 0 { format!("{start}+{len}") } else { "-".to_string() };
        let nr_opt = usize::from(precise) + usize::from(hist.is_some());
        let opt_args = if nr_opt > 0 {
            format!(
                "{nr_opt} {} {}{}",
                if precise { PRECISE_ARG } else { "" },
                if hist.is_some() { HISTOGRAM_ARG } else { "" },
                hist.unwrap_or("")
            )
        } else {
            String::new()
        };
        let msg = format!(
            "@stats_create {range} {}{} {opt_args} {program_id} {aux_data}",
            if step < 0 { "/" } else { "" },
            step.unsigned_abs()
        );
        let resp = self
            .message(&msg)?
            .ok_or_else(|| StatsError::Parse("Could not parse empty @stats_create response.".into()))?;
        let digits: String = resp.trim_start().chars().take_while(char::is_ascii_digit).collect();
        digits.parse().map_err(|_| StatsError::Parse(format!("Could not parse @stats_create response: {resp}")))
    }

    /// Lists the regions of `program_id` (the handle's when `None`; "" for
    /// every program) into the region and group tables.
    pub fn list(&mut self, program_id: Option<&str>) -> Result<(), StatsError> {
        self.bound()?;
        let program_id = program_id.unwrap_or(&self.program_id).to_string();
        self.cache_name()?;
        self.table = None;
        let resp = self
            .message(&format!("@stats_list {program_id}"))?
            .ok_or_else(|| StatsError::Parse("Could not parse NULL @stats_list response.".into()))?;
        self.table = Self::parse_list(&resp)?;
        if self.table.is_some() {
            // libdm checks the groups with a group walk that leaves the walk
            // flags set to DM_STATS_WALK_GROUP and the cursor at its end.
            self.walk_flags = WALK_GROUP;
            self.walk_start();
            while !self.walk_end() {
                self.walk_next();
            }
        }
        Ok(())
    }

    fn parse_list(resp: &str) -> Result<Option<Table>, StatsError> {
        if resp.is_empty() {
            return Ok(None);
        }
        let mut t = Table::default();
        for line in resp.lines().filter(|l| !l.trim().is_empty()) {
            let mut region = parse_list_line(line)?;
            let id = usize::try_from(region.id).map_err(|_| StatsError::Parse(format!("region id {} too large", region.id)))?;
            if id > 1 << 24 {
                return Err(StatsError::Parse(format!("region id {id} too large")));
            }
            match parse_group_tag(region.id, &region.aux_data) {
                Ok((group, user)) => {
                    if let Some(g) = group {
                        region.aux_data = user;
                        if t.groups.len() <= id {
                            t.groups.resize(id + 1, None);
                        }
                        t.groups[id] = Some(g);
                    }
                }
                Err(e) => crate::log_error!(
                    "{e}\nFailed to parse group descriptor from region_id {} aux_data:'{}'",
                    region.id,
                    region.aux_data
                ),
            }
            if t.regions.len() <= id {
                t.regions.resize(id + 1, None);
            }
            t.regions[id] = Some(region);
            t.nr_regions += 1;
        }
        if t.nr_regions == 0 {
            return Err(StatsError::Parse("Could not parse @stats_list response.".into()));
        }
        t.groups.resize(t.regions.len(), None);
        // Members named by a descriptor but gone from the device are dropped.
        for gid in 0..t.groups.len() {
            let Some(members) = t.groups[gid].as_ref().map(|g| g.members.clone()) else { continue };
            let kept: Vec<u64> = members
                .iter()
                .copied()
                .filter(|&m| {
                    let present = t.region(m).is_some();
                    if !present {
                        crate::log_warn!("Group descriptor {gid} contains non-existent region_id {m}.");
                    }
                    present
                })
                .collect();
            for &m in &kept {
                if let Some(r) = t.region_mut(m) {
                    r.group_id = gid as u64;
                }
            }
            if let Some(g) = t.groups[gid].as_mut() {
                g.members = kept;
            }
        }
        Ok(Some(t))
    }

    /// Whether a region table is loaded.
    pub fn listed(&self) -> bool {
        self.table.is_some()
    }

    /// Fetches (and clears) the counters of every listed region
    /// (`region_id` = [`CURRENT`]) or of one region of a listed handle.
    /// `Ok(false)`: the device has no regions.
    pub fn populate(&mut self, program_id: Option<&str>, region_id: u64) -> Result<bool, StatsError> {
        let all = region_id == CURRENT;
        let saved = self.walk_flags;
        self.bound()?;
        if !all && region_id & WALK_GROUP != 0 {
            return invalid("Invalid region_id for dm_stats_populate: DM_STATS_WALK_GROUP");
        }
        let program_id = program_id.unwrap_or(&self.program_id).to_string();
        if all {
            self.list(Some(&program_id))
                .map_err(|e| StatsError::Invalid(format!("{e}\nCould not parse @stats_list response.")))?;
        } else {
            self.cache_name()?;
        }
        if self.nr_regions() == 0 {
            return Ok(false);
        }
        let r = self.populate_walk(all, region_id);
        self.walk_flags = saved;
        if r.is_err() {
            self.table = None;
        }
        r.map(|_| true)
    }

    fn populate_walk(&mut self, all: bool, region_id: u64) -> Result<(), StatsError> {
        self.walk_flags = WALK_REGION;
        self.walk_start();
        loop {
            let id = if all { self.cur.region } else { region_id };
            let resp = self.message(&format!("@stats_print_clear {id} "))?;
            self.fill_region(id, resp.as_deref())?;
            self.walk_next();
            if !all || self.walk_end() {
                return Ok(());
            }
        }
    }

    fn fill_region(&mut self, id: u64, resp: Option<&str>) -> Result<(), StatsError> {
        let t = self
            .table
            .as_mut()
            .ok_or_else(|| StatsError::Invalid("Cannot populate empty handle before dm_stats_list().".into()))?;
        let region = t.region_mut(id).ok_or_else(|| StatsError::Invalid(format!("Region ID {id} does not exist")))?;
        let resp = resp.ok_or_else(|| StatsError::Parse("Could not parse empty @stats_print response.".into()))?;
        let mut areas = Vec::new();
        let mut first: Option<(u64, u64)> = None;
        let mut end = 0;
        for line in resp.lines().filter(|l| !l.trim().is_empty()) {
            let (start, len, c) = parse_print_line(line, region.timescale, region.bounds.as_ref())
                .map_err(|e| StatsError::Parse(format!("{e}\nCould not parse @stats_print message response.")))?;
            first.get_or_insert((start, len));
            end = start + len;
            areas.push(c);
        }
        let Some((start, step)) = first else {
            return Err(StatsError::Parse("Could not parse @stats_print message response.".into()));
        };
        region.start = start;
        region.step = step;
        region.len = end - start;
        region.areas = Some(areas);
        Ok(())
    }

    /// The kernel's `@stats_print` text for a region (and clears its
    /// counters with `clear`); lines from `start_line`, `num_lines` of them
    /// (both 0: all).
    pub fn print_region(&self, region_id: u64, start_line: u32, num_lines: u32, clear: bool) -> Result<String, StatsError> {
        self.bound()?;
        if region_id == WALK_GROUP {
            return invalid("Cannot print a group.");
        }
        let lines = if start_line != 0 || num_lines != 0 { format!("{start_line} {num_lines}") } else { String::new() };
        let msg = format!("@stats_print{} {region_id} {lines}", if clear { "_clear" } else { "" });
        self.message(&msg)?.ok_or_else(|| StatsError::Parse("Could not parse empty @stats_print response.".into()))
    }

    /// Clears a region's counters.
    pub fn clear_region(&self, region_id: u64) -> Result<(), StatsError> {
        self.bound()?;
        self.message(&format!("@stats_clear {region_id}"))?;
        Ok(())
    }

    /// Sends a region's aux_data, with the group descriptor it leads.
    fn set_aux(&self, region_id: u64, aux_data: &str) -> Result<(), StatsError> {
        let tag = self.table.as_ref().and_then(|t| t.group(region_id)).map(group_tag);
        let msg = format!(
            "@stats_set_aux {region_id} {}{}{} ",
            tag.as_deref().unwrap_or(""),
            if tag.is_some() { "#" } else { "" },
            if aux_data.is_empty() { "-" } else { aux_data }
        );
        self.message(&msg)?;
        Ok(())
    }

    fn leader_aux(&self, id: u64) -> String {
        self.table.as_ref().and_then(|t| t.region(id)).map(|r| r.aux_data.clone()).unwrap_or_default()
    }

    /// Deletes a region: first from its group (rewriting the leader's
    /// descriptor), then from the kernel.
    fn delete_listed_region(&mut self, region_id: u64) -> Result<(), StatsError> {
        let group_id = self.table.as_ref().and_then(|t| t.region(region_id)).map_or(GROUP_NONE, |r| r.group_id);
        if group_id != GROUP_NONE {
            if let Some(t) = self.table.as_mut() {
                if let Some(Some(g)) = t.groups.get_mut(group_id as usize) {
                    g.members.retain(|&m| m != region_id);
                }
                if region_id == group_id {
                    Self::dissolve(t, group_id);
                }
            }
            let aux = self.leader_aux(group_id);
            self.set_aux(group_id, &aux).map_err(|e| {
                StatsError::Invalid(format!("{e}\nCould not remove region ID {region_id} from group ID {group_id}"))
            })?;
        }
        self.message(&format!("@stats_delete {region_id}"))?;
        Ok(())
    }

    /// Removes group `gid` from the table and its members from it.
    fn dissolve(t: &mut Table, gid: u64) {
        if let Some(g) = t.groups.get_mut(gid as usize).and_then(Option::take) {
            for m in g.members.iter().chain(std::iter::once(&gid)) {
                if let Some(r) = t.region_mut(*m) {
                    r.group_id = GROUP_NONE;
                }
            }
        }
    }

    /// Deletes a region (listing the device first when the handle has no
    /// table, and dropping that table again afterwards).
    pub fn delete_region(&mut self, region_id: u64) -> Result<(), StatsError> {
        self.bound()?;
        let mut listed = false;
        if self.table.is_none() {
            let pid = self.program_id.clone();
            self.list(Some(&pid)).map_err(|e| {
                StatsError::Invalid(format!("{e}\nCould not obtain region list while deleting region ID {region_id}"))
            })?;
            listed = true;
        }
        let r = self.delete_checked(region_id);
        if listed {
            self.table = None;
        } else if r.is_ok() {
            if let Some(slot) = self.table.as_mut().and_then(|t| t.regions.get_mut(region_id as usize)) {
                *slot = None;
            }
        }
        r
    }

    fn delete_checked(&mut self, region_id: u64) -> Result<(), StatsError> {
        if self.nr_regions() == 0 {
            return invalid(format!("Could not delete region ID {region_id}: no regions found"));
        }
        if !self.region_present(region_id) {
            return invalid(format!("Region ID {region_id} does not exist"));
        }
        self.delete_listed_region(region_id)
    }

    // ---- table queries ---------------------------------------------------

    /// Number of listed regions.
    pub fn nr_regions(&self) -> u64 {
        self.table.as_ref().map_or(0, |t| t.nr_regions)
    }

    /// Number of groups.
    pub fn nr_groups(&self) -> u64 {
        self.table.as_ref().map_or(0, |t| t.groups.iter().flatten().count() as u64)
    }

    /// Whether a region is present in the table.
    pub fn region_present(&self, id: u64) -> bool {
        self.table.as_ref().is_some_and(|t| t.region(id).is_some())
    }

    /// Whether a group is present.
    pub fn group_present(&self, id: u64) -> bool {
        self.table.as_ref().is_some_and(|t| t.group_present(id))
    }

    /// A region of the table.
    pub fn region(&self, id: u64) -> Option<&Region> {
        self.table.as_ref().and_then(|t| t.region(id))
    }

    /// A group of the table.
    pub fn group(&self, id: u64) -> Option<&Group> {
        self.table.as_ref().and_then(|t| t.group(id))
    }

    /// Areas of a region (1 for groups and aggregates).
    pub fn region_nr_areas(&self, region_id: u64) -> u64 {
        if region_id & WALK_GROUP != 0 {
            return 1;
        }
        self.region(region_id).map_or(0, Region::nr_areas)
    }

    /// Areas of every region together.
    pub fn nr_areas(&self) -> u64 {
        self.table.as_ref().map_or(0, |t| t.regions.iter().flatten().map(Region::nr_areas).sum())
    }

    /// Histogram bins of a region (0 for groups and regions without).
    pub fn region_nr_histogram_bins(&self, region_id: u64) -> usize {
        let id = if region_id == CURRENT { self.cur.region } else { region_id };
        if id & WALK_GROUP != 0 {
            return 0;
        }
        self.region(id).and_then(|r| r.bounds.as_ref()).map_or(0, Histogram::nr_bins)
    }

    fn current(&self, id: u64, cur: u64) -> u64 {
        if id == CURRENT {
            cur
        } else {
            id
        }
    }

    /// Start of a region (of a group: of its leader).
    pub fn region_start(&self, region_id: u64) -> Option<u64> {
        self.table.as_ref()?;
        let mut id = region_id & !WALK_REGION;
        if id & WALK_GROUP != 0 {
            id = decode_group(id, &self.cur);
        }
        self.region(id).map(|r| r.start)
    }

    /// Length of a region (of a group: the sum of its regions').
    pub fn region_len(&self, region_id: u64) -> Result<u64, StatsError> {
        let t = self.table.as_ref().ok_or_else(|| StatsError::Invalid("No regions listed.".into()))?;
        let mut id = region_id & !WALK_REGION;
        if id & WALK_GROUP != 0 {
            id = decode_group(id, &self.cur);
            let g = t
                .group(id)
                .filter(|_| t.is_grouped(id))
                .ok_or_else(|| StatsError::Invalid(format!("Group ID {id} does not exist")))?;
            return Ok(g.members.iter().filter_map(|&m| t.region(m)).map(|r| r.len).sum());
        }
        t.region(id).map(|r| r.len).ok_or_else(|| StatsError::Invalid(format!("Region ID {id} does not exist")))
    }

    /// Area size of a region (of a group or aggregate: its length).
    pub fn region_area_len(&self, region_id: u64) -> Result<u64, StatsError> {
        if region_id & (WALK_GROUP | WALK_REGION) != 0 {
            return self.region_len(region_id);
        }
        self.region(region_id).map(|r| r.step).ok_or_else(|| StatsError::Invalid(format!("Region ID {region_id} does not exist")))
    }

    /// Start of an area.
    pub fn area_start(&self, region_id: u64, area_id: u64) -> Option<u64> {
        if region_id & (WALK_GROUP | WALK_REGION) != 0 {
            return self.region_start(region_id);
        }
        self.region(region_id).map(|r| r.start.wrapping_add(r.step.wrapping_mul(area_id)))
    }

    /// Offset of an area in its region.
    pub fn area_offset(&self, region_id: u64, area_id: u64) -> Option<u64> {
        self.table.as_ref()?;
        if region_id & (WALK_GROUP | WALK_REGION) != 0 {
            return Some(0);
        }
        self.region(region_id).map(|r| r.step.wrapping_mul(area_id))
    }

    /// Start of the cursor's area.
    pub fn current_area_start(&self) -> Option<u64> {
        self.area_start(self.cur.region, self.cur.area)
    }

    /// Offset of the cursor's area in its region.
    pub fn current_area_offset(&self) -> Option<u64> {
        self.area_offset(self.cur.region, self.cur.area)
    }

    /// A region's program id (a group's: the handle's).
    pub fn region_program_id(&self, region_id: u64) -> Option<&str> {
        if region_id & WALK_GROUP != 0 {
            return Some(&self.program_id);
        }
        self.region(region_id & !WALK_REGION).map(|r| r.program_id.as_str())
    }

    /// A region's user aux_data ("" for groups).
    pub fn region_aux_data(&self, region_id: u64) -> Option<&str> {
        if region_id & WALK_GROUP != 0 {
            return Some("");
        }
        self.region(region_id & !WALK_REGION).map(|r| r.aux_data.as_str())
    }

    /// Whether a region (or group leader) has precise timestamps.
    pub fn region_precise(&self, region_id: u64) -> bool {
        let mut id = self.current(region_id, self.cur.region);
        if id & WALK_GROUP != 0 {
            id = decode_group(id, &self.cur);
        }
        self.region(id).is_some_and(Region::precise)
    }

    // ---- groups --------------------------------------------------------------

    /// Groups the regions of `members` ("1,3-4") under the first of them.
    pub fn create_group(&mut self, members: &str, alias: Option<&str>) -> Result<u64, StatsError> {
        let Some(t) = self.table.as_ref() else { return invalid("Could not create group: no regions found.") };
        let set = crate::util::bitset::parse_list(members.as_bytes(), 0)
            .map_err(|_| StatsError::Invalid(format!("Could not parse list: '{members}'")))?;
        let ids: Vec<u64> = set.iter().map(u64::from).collect();
        let highest = i64::from(set.num_bits()) - 1;
        if ids.is_empty() || highest as u64 > t.max_region() {
            return invalid(format!("Invalid region ID: {highest}"));
        }
        let mut precise = 0;
        let mut check: Option<&Histogram> = None;
        for &i in &ids {
            let Some(r) = t.region(i) else { return invalid(format!("Region ID {i} does not exist")) };
            if r.group_id != GROUP_NONE {
                return invalid(format!("Region ID {i} already a member of group ID {}", r.group_id));
            }
            if r.precise() {
                precise += 1;
            }
            if let Some(b) = &r.bounds {
                match check {
                    None => check = Some(b),
                    Some(c) if c.bins.iter().map(|x| x.upper).eq(b.bins.iter().map(|x| x.upper)) => {}
                    Some(_) => return invalid("All region histogram bounds must match exactly"),
                }
            }
        }
        if precise != 0 && precise != ids.len() {
            crate::log_warn!("WARNING: Grouping regions with different clock resolution: precision may be lost.");
        }
        self.warn_overlaps(&ids);
        self.make_group(ids, alias)
    }

    /// Warns about every overlap among the regions `ids` (sorted by start,
    /// overlapping neighbours merged until none remain).
    fn warn_overlaps(&self, ids: &[u64]) -> bool {
        let mut ext: Vec<(u64, u64, u64)> =
            ids.iter().filter_map(|&i| self.region(i).map(|r| (i, r.start, r.len))).collect();
        if ext.len() < 2 {
            return false;
        }
        ext.sort_by_key(|e| e.1);
        let end = |e: &(u64, u64, u64)| e.1.wrapping_add(e.2).wrapping_sub(1);
        let mut overlap = false;
        loop {
            let mut merged = false;
            let mut i = 0;
            while i + 1 < ext.len() {
                let (a, b) = (ext[i], ext[i + 1]);
                if end(&a) > b.1 {
                    crate::log_warn!("WARNING: region IDs {} and {} overlap. Some events will be counted twice.", a.0, b.0);
                    let mut next = b;
                    if end(&a) > end(&b) {
                        next.0 = a.0;
                        next.2 = a.2;
                    }
                    next.1 = next.1.min(a.1);
                    ext[i + 1] = next;
                    ext.remove(i);
                    merged = true;
                    overlap = true;
                } else {
                    i += 1;
                }
            }
            if !merged {
                return overlap;
            }
        }
    }

    fn make_group(&mut self, ids: Vec<u64>, alias: Option<&str>) -> Result<u64, StatsError> {
        let gid = ids[0];
        let t = self.table.as_mut().ok_or_else(|| StatsError::Invalid("Could not create group: no regions found.".into()))?;
        if t.group_present(gid) {
            return invalid(format!("Internal error: Unexpected group state while creating group ID {gid}"));
        }
        for &m in &ids {
            if let Some(r) = t.region_mut(m) {
                r.group_id = gid;
            }
        }
        if t.groups.len() <= gid as usize {
            t.groups.resize(gid as usize + 1, None);
        }
        t.groups[gid as usize] = Some(Group { id: gid, alias: alias.map(str::to_string), members: ids });
        let aux = self.leader_aux(gid);
        if let Err(e) = self.set_aux(gid, &aux) {
            if let Some(t) = self.table.as_mut() {
                Self::dissolve(t, gid);
            }
            return Err(e);
        }
        Ok(gid)
    }

    /// Removes a group; with `remove_regions`, its regions too.
    pub fn delete_group(&mut self, group_id: u64, remove_regions: bool) -> Result<(), StatsError> {
        let Some(t) = self.table.as_ref() else { return invalid(format!("Invalid group ID: {group_id}")) };
        if group_id > t.max_region() {
            return invalid(format!("Invalid group ID: {group_id}"));
        }
        let Some(g) = t.group(group_id) else { return invalid(format!("Group ID {group_id} does not exist")) };
        let others: Vec<u64> = g.members.iter().rev().copied().filter(|&m| m > group_id).collect();
        for m in others {
            if let Some(Some(g)) = self.table.as_mut().and_then(|t| t.groups.get_mut(group_id as usize)) {
                g.members.retain(|&x| x != m);
            }
            if let Some(r) = self.table.as_mut().and_then(|t| t.region_mut(m)) {
                r.group_id = GROUP_NONE;
            }
            if remove_regions {
                if let Err(e) = self.delete_region(m) {
                    crate::log_error!("{e}");
                    crate::log_warn!(
                        "WARNING: Failed to delete region {m} on {}.",
                        self.name.as_deref().unwrap_or("(null)")
                    );
                }
            }
        }
        if let Some(t) = self.table.as_mut() {
            Self::dissolve(t, group_id);
        }
        if remove_regions {
            self.delete_region(group_id)
        } else {
            let aux = self.leader_aux(group_id);
            self.set_aux(group_id, &aux)
        }
    }

    /// The group a region belongs to ([`GROUP_NONE`] if none).
    pub fn group_id(&self, region_id: u64) -> u64 {
        let id = self.current(region_id, self.cur.region);
        if id & WALK_GROUP != 0 {
            return decode_group(id, &self.cur);
        }
        self.region(id & !WALK_REGION).map_or(GROUP_NONE, |r| r.group_id)
    }

    /// Sets the alias of group `group_id` (stored in the leader's aux_data).
    pub fn set_alias(&mut self, group_id: u64, alias: &str) -> Result<(), StatsError> {
        if self.table.is_none() {
            return invalid("No regions listed.");
        }
        let gid = if group_id & WALK_GROUP != 0 { decode_group(group_id, &self.cur) } else { group_id };
        let t = self.table.as_ref().ok_or_else(|| StatsError::Invalid("No regions listed.".into()))?;
        if !t.is_grouped(gid) {
            return invalid(format!("Cannot set alias for ungrouped region ID {gid}"));
        }
        if !t.group_present(gid) {
            return invalid(format!("Cannot set alias for group member {gid}."));
        }
        let old = self.table.as_mut().and_then(|t| t.groups[gid as usize].as_mut()).and_then(|g| g.alias.replace(alias.to_string()));
        let aux = self.leader_aux(gid);
        if let Err(e) = self.set_aux(gid, &aux) {
            if let Some(g) = self.table.as_mut().and_then(|t| t.groups[gid as usize].as_mut()) {
                g.alias = old;
            }
            return Err(StatsError::Invalid(format!("{e}\nCould not set new aux_data")));
        }
        Ok(())
    }

    /// The alias of a group (or of the group a region is in); the device
    /// name when there is none.
    pub fn alias(&self, id: u64) -> Option<&str> {
        let mut id = self.current(id, self.cur.region);
        if id & WALK_GROUP != 0 {
            id = decode_group(id, &self.cur);
        }
        let t = self.table.as_ref()?;
        let group_alias = t.region(id).filter(|r| r.group_id != GROUP_NONE).and_then(|r| t.group(r.group_id)).and_then(|g| g.alias.as_deref());
        group_alias.or(self.name.as_deref())
    }

    /// A group's member list ("1-3,5").
    pub fn group_descriptor(&self, group_id: u64) -> Result<String, StatsError> {
        self.group(group_id).map(|g| format_id_list(&g.members)).ok_or_else(|| StatsError::Invalid(format!("Group ID {group_id} does not exist")))
    }

    // ---- walks ----------------------------------------------------------

    /// Sets the walk flags (checked against the known ones).
    pub fn walk_init(&mut self, flags: u64) -> Result<(), StatsError> {
        if flags & !WALK_MASK != 0 {
            return invalid(format!("Unknown value in walk flags: 0x{:x}", flags & !WALK_MASK));
        }
        self.walk_flags = flags;
        Ok(())
    }

    /// The cursor.
    pub fn cursor(&self) -> Cursor {
        self.cur
    }

    /// Starts a walk.
    pub fn walk_start(&mut self) {
        let Some(t) = self.table.as_ref() else { return };
        let mut c = Cursor { flags: self.walk_flags, ..self.cur };
        walk_start(t, &mut c);
        self.cur = c;
    }

    /// Moves to the next object.
    pub fn walk_next(&mut self) {
        let Some(t) = self.table.as_ref() else { return };
        let mut c = self.cur;
        walk_next(t, &mut c);
        self.cur = c;
    }

    /// Skips the rest of the current region's areas.
    pub fn walk_next_region(&mut self) {
        self.cur.flags &= !WALK_AREA;
        self.walk_next();
    }

    /// Whether the walk is over (then the flags are reset for the next walk).
    pub fn walk_end(&mut self) -> bool {
        let Some(t) = self.table.as_ref() else { return true };
        let mut c = self.cur;
        let end = walk_end(t, &mut c);
        self.cur = c;
        if end {
            self.cur.flags = self.walk_flags;
        }
        end
    }

    /// What a region/area id pair (or the cursor) names.
    pub fn object_type(&self, region_id: u64, area_id: u64) -> ObjectType {
        let r = self.current(region_id, self.cur.region);
        let a = self.current(area_id, self.cur.area);
        let Some(t) = self.table.as_ref() else { return ObjectType::None };
        if r == NOT_PRESENT {
            return ObjectType::None;
        }
        if r & WALK_GROUP != 0 {
            return if t.group_present(decode_group(r, &self.cur)) { ObjectType::Group } else { ObjectType::None };
        }
        if r > t.max_region() {
            return ObjectType::None;
        }
        if a & WALK_REGION != 0 {
            ObjectType::Region
        } else {
            ObjectType::Area
        }
    }

    // ---- counters and metrics --------------------------------------------

    /// A counter of an area, a region (area [`WALK_REGION`]) or a group
    /// (region id with [`WALK_GROUP`]), summed over what it covers.
    pub fn counter(&self, counter: Counter, region_id: u64, area_id: u64) -> u64 {
        let Some(t) = self.table.as_ref() else { return 0 };
        let r = self.current(region_id, self.cur.region);
        let a = self.current(area_id, self.cur.area);
        let sum_regions = r & WALK_GROUP != 0;
        let r = if sum_regions { decode_group(r, &self.cur) } else { r };
        let area = |rid: u64, aid: u64| -> u64 {
            t.region(rid)
                .and_then(|reg| reg.areas.as_ref())
                .and_then(|v| usize::try_from(aid).ok().and_then(|i| v.get(i)))
                .map_or(0, |c| c.get(counter))
        };
        let region_sum = |rid: u64| -> u64 {
            t.region(rid)
                .and_then(|reg| reg.areas.as_ref())
                .map_or(0, |v| v.iter().fold(0u64, |s, c| s.wrapping_add(c.get(counter))))
        };
        if sum_regions && t.is_grouped(r) {
            let Some(g) = t.region(r).and_then(|reg| t.group(reg.group_id)) else { return 0 };
            if a & WALK_GROUP != 0 {
                g.members.iter().fold(0u64, |s, &m| s.wrapping_add(region_sum(m)))
            } else {
                g.members.iter().fold(0u64, |s, &m| s.wrapping_add(area(m, a)))
            }
        } else if a == WALK_REGION {
            region_sum(r)
        } else {
            area(r, a)
        }
    }

    /// A derived metric (needs a sampling interval).
    pub fn metric(&self, metric: Metric, region_id: u64, area_id: u64) -> Result<f64, StatsError> {
        let interval = self.interval_ns as f64;
        if self.interval_ns == 0 {
            return invalid("No sampling interval set.");
        }
        let r = self.current(region_id, self.cur.region);
        let a = self.current(area_id, self.cur.area);
        let c = |k: Counter| self.counter(k, r, a);
        let nsec = NSEC_PER_SEC as f64;
        Ok(match metric {
            Metric::RdMergesPerSec => c(Counter::ReadsMerged) as f64 / interval,
            Metric::WrMergesPerSec => c(Counter::WritesMerged) as f64 / interval,
            Metric::ReadsPerSec => c(Counter::Reads) as f64 * nsec / interval,
            Metric::WritesPerSec => c(Counter::Writes) as f64 * nsec / interval,
            Metric::ReadSectorsPerSec => c(Counter::ReadSectors) as f64 * nsec / interval,
            Metric::WriteSectorsPerSec => c(Counter::WriteSectors) as f64 * nsec / interval,
            Metric::AverageRequestSize => {
                let ios = (c(Counter::Reads).wrapping_add(c(Counter::Writes))) as f64;
                let sectors = (c(Counter::ReadSectors).wrapping_add(c(Counter::WriteSectors))) as f64;
                if ios > 0.0 {
                    sectors / ios
                } else {
                    0.0
                }
            }
            Metric::AverageQueueSize => {
                let ticks = c(Counter::WeightedIoNsecs) as f64;
                if ticks > 0.0 {
                    ticks / interval
                } else {
                    0.0
                }
            }
            Metric::AverageWaitTime => {
                let ticks = c(Counter::ReadNsecs).wrapping_add(c(Counter::WriteNsecs));
                let ios = c(Counter::Reads).wrapping_add(c(Counter::Writes));
                if ios > 0 {
                    ticks as f64 / ios as f64
                } else {
                    0.0
                }
            }
            Metric::AverageRdWaitTime => ratio(c(Counter::ReadNsecs), c(Counter::Reads)),
            Metric::AverageWrWaitTime => ratio(c(Counter::WriteNsecs), c(Counter::Writes)),
            Metric::Throughput => self.throughput(r, a),
            Metric::Utilization => self.utilization(r, a),
            Metric::ServiceTime => {
                let tput = self.throughput(r, a);
                let util = self.utilization(r, a) * 100.0;
                if tput as u64 == 0 || util as u64 == 0 {
                    0.0
                } else {
                    // libdm passes the percentage through dm_percent_to_float.
                    nsec * f64::from(crate::util::units::percent_to_float(util as i32)) / (100.0 * tput)
                }
            }
        })
    }

    fn throughput(&self, r: u64, a: u64) -> f64 {
        let ios = self.counter(Counter::Reads, r, a).wrapping_add(self.counter(Counter::Writes, r, a));
        NSEC_PER_SEC as f64 * ios as f64 / self.interval_ns as f64
    }

    fn utilization(&self, r: u64, a: u64) -> f64 {
        let io = self.counter(Counter::IoNsecs, r, a).min(self.interval_ns);
        io as f64 / self.interval_ns as f64
    }

    /// The utilization metric as a percentage (`dm_percent_t`).
    pub fn utilization_percent(&self, region_id: u64, area_id: u64) -> Result<i32, StatsError> {
        let v = self.metric(Metric::Utilization, region_id, area_id)?;
        let one = crate::util::units::PERCENT_1 as f64;
        Ok(crate::util::units::make_percent((one * v) as u64, one as u64))
    }

    /// The object a region/area id pair names, as (region, area, group):
    /// the cursor's region and group for [`CURRENT`], its area for an area
    /// [`CURRENT`] (group 0 when not the cursor's).
    pub fn resolve(&self, region_id: u64, area_id: u64) -> (u64, u64, u64) {
        let group = if region_id == CURRENT { self.cur.group } else { 0 };
        (self.current(region_id, self.cur.region), self.current(area_id, self.cur.area), group)
    }

    /// The histogram of an area, or aggregated over a region (area
    /// [`WALK_REGION`]) or a group; the bounds alone before a populate.
    pub fn histogram(&self, region_id: u64, area_id: u64) -> Option<Histogram> {
        let t = self.table.as_ref()?;
        let mut aggr = false;
        let mut r = region_id;
        if region_id == CURRENT {
            r = self.cur.region;
            if r & WALK_GROUP != 0 {
                r = self.cur.group;
                aggr = true;
            }
        } else if region_id & WALK_GROUP != 0 {
            r = region_id & !WALK_GROUP;
            aggr = true;
        }
        let a = self.current(area_id, self.cur.area);
        if a == WALK_REGION {
            aggr = true;
        }
        if aggr {
            let members: Vec<u64> = if a == WALK_REGION { vec![r] } else { t.group(r)?.members.clone() };
            let leader = t.region(r)?;
            let bounds = leader.bounds.as_ref()?;
            if leader.areas.is_none() {
                return Some(bounds.clone());
            }
            let mut h = bounds.clone();
            for m in members {
                for area in t.region(m).and_then(|x| x.areas.as_ref()).into_iter().flatten() {
                    if let Some(ah) = &area.histogram {
                        for (bin, src) in h.bins.iter_mut().zip(&ah.bins) {
                            bin.count = bin.count.wrapping_add(src.count);
                        }
                    }
                }
            }
            h.sum = h.bins.iter().fold(0u64, |s, b| s.wrapping_add(b.count));
            return Some(h);
        }
        let region = t.region(r & !WALK_REGION)?;
        match &region.areas {
            None => region.bounds.clone(),
            Some(v) => v.get(usize::try_from(a).ok()?)?.histogram.clone(),
        }
    }
}

fn ratio(ticks: u64, ios: u64) -> f64 {
    if ticks > 0 && ios > 0 {
        ticks as f64 / ios as f64
    } else {
        0.0
    }
}

// ---- the walk state machine (libdm's order) --------------------------------

fn skipped(r: &Region, flags: u64) -> bool {
    flags & WALK_SKIP_SINGLE_AREA != 0 && flags & WALK_AREA == 0 && r.nr_areas() < 2
}

/// Advances to the next area of the current region, or to the next present,
/// not skipped region (one past the last at the end).
fn next_present(t: &Table, c: &mut Cursor) {
    if c.region != NOT_PRESENT && c.flags & WALK_AREA != 0 {
        if let Some(cur) = t.region(c.region) {
            c.area = c.area.wrapping_add(1);
            if c.area < cur.nr_areas() {
                return;
            }
            c.area = 0;
        }
    }
    loop {
        c.region = c.region.wrapping_add(1);
        if c.region > t.max_region() {
            return;
        }
        match t.region(c.region) {
            Some(r) if !skipped(r, c.flags) => return,
            _ => {}
        }
    }
}

fn walk_next(t: &Table, c: &mut Cursor) {
    if c.flags & WALK_AREA != 0 {
        next_present(t, c);
    } else if c.flags & WALK_REGION != 0 {
        c.area = WALK_REGION;
        next_present(t, c);
    } else if c.flags & WALK_GROUP != 0 {
        c.region = WALK_GROUP;
        c.area = WALK_GROUP;
        loop {
            c.group = c.group.wrapping_add(1);
            if t.group_present(c.group) || c.group > t.max_region() {
                return;
            }
        }
    } else {
        crate::log_error!("stats_walk_next called with empty walk flags");
    }
}

fn group_walk_start(t: &Table, c: &mut Cursor) {
    if c.flags & WALK_GROUP == 0 {
        return;
    }
    c.region = WALK_GROUP;
    c.area = WALK_GROUP;
    c.group = 0;
    while c.group <= t.max_region() && !t.is_grouped(c.group) {
        c.group += 1;
    }
    if c.group > t.max_region() {
        c.flags &= !WALK_GROUP;
    }
}

fn walk_start(t: &Table, c: &mut Cursor) {
    if c.flags & (WALK_AREA | WALK_REGION) == 0 {
        group_walk_start(t, c);
        return;
    }
    c.area = if c.flags & WALK_AREA == 0 { WALK_REGION } else { 0 };
    c.region = NOT_PRESENT;
    c.group = NOT_PRESENT;
    next_present(t, c);
}

fn any_unskipped(t: &Table, c: &Cursor) -> bool {
    if c.region > t.max_region() {
        return false;
    }
    (c.region..=t.max_region()).any(|i| t.region(i).is_some_and(|r| !skipped(r, c.flags)))
}

fn walk_end_areas(t: &Table, c: &mut Cursor) {
    let end = !any_unskipped(t, c);
    if c.flags & WALK_AREA == 0 || !end {
        return;
    }
    c.flags &= !WALK_AREA;
    if c.flags & WALK_REGION != 0 {
        c.area = WALK_REGION;
        c.region = NOT_PRESENT;
        next_present(t, c);
        if !any_unskipped(t, c) {
            c.flags &= !WALK_REGION;
            if c.flags & WALK_GROUP == 0 {
                c.region = t.max_region();
            }
        }
    }
    if c.flags & WALK_REGION != 0 {
        return;
    }
    group_walk_start(t, c);
}

fn walk_end(t: &Table, c: &mut Cursor) -> bool {
    if c.flags & WALK_AREA != 0 {
        walk_end_areas(t, c);
    } else if c.flags & WALK_REGION != 0 {
        if !any_unskipped(t, c) {
            c.flags &= !WALK_REGION;
            group_walk_start(t, c);
        }
    } else if c.flags & WALK_GROUP != 0 && c.group > t.max_region() {
        c.flags &= !WALK_GROUP;
    }
    c.flags & !WALK_SKIP_SINGLE_AREA == 0
}

/// What the file-mapping code needs from a handle.
impl Stats {
    pub(crate) fn create_extent_region(&mut self, start: u64, len: u64, precise: bool, hist: Option<&str>) -> Result<u64, StatsError> {
        self.send_create(start, len, -1, precise, hist, None, "")
    }

    pub(crate) fn delete_region_in_table(&mut self, id: u64) -> Result<(), StatsError> {
        self.delete_listed_region(id)?;
        if let Some(slot) = self.table.as_mut().and_then(|t| t.regions.get_mut(id as usize)) {
            *slot = None;
        }
        Ok(())
    }

    pub(crate) fn group_regions(&mut self, ids: &[u64], alias: Option<&str>) -> Result<u64, StatsError> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return invalid("Cannot group an empty set of regions.");
        }
        self.warn_overlaps(&ids);
        self.make_group(ids, alias)
    }

    pub(crate) fn add_group_members(&mut self, gid: u64, ids: &[u64]) -> Result<(), StatsError> {
        if let Some(t) = self.table.as_mut() {
            for &id in ids {
                if let Some(r) = t.region_mut(id) {
                    r.group_id = gid;
                }
            }
            if let Some(Some(g)) = t.groups.get_mut(gid as usize) {
                g.members.extend_from_slice(ids);
                g.members.sort_unstable();
                g.members.dedup();
            }
        }
        let aux = self.leader_aux(gid);
        self.set_aux(gid, &aux)
    }
}
