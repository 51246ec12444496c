//! Regions for the extents of a file on a device-mapper device
//! (`dm_stats_create_regions_from_fd`, `dm_stats_update_regions_from_fd`)
//! and the dmfilemapd daemon that keeps them up to date.

use std::os::fd::{AsRawFd, BorrowedFd};

use super::{Stats, StatsError};
use crate::kernel::fiemap::{self, Extent, EXTENT_DELALLOC, EXTENT_UNKNOWN};

/// btrfs reports no physical extents usable here.
const BTRFS_SUPER_MAGIC: i64 = 0x9123683e;

/// One physically contiguous run of a file, in 512-byte sectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileExtent {
    /// First sector on the device.
    pub start: u64,
    /// Length in sectors.
    pub len: u64,
}

/// Merges FIEMAP extents that continue each other on the device, skipping
/// those not allocated yet, into sector runs.
pub fn merge_extents(raw: &[Extent]) -> Vec<FileExtent> {
    let mut out: Vec<(u64, u64)> = Vec::new(); // bytes: physical, length
    for e in raw.iter().filter(|e| e.flags & (EXTENT_UNKNOWN | EXTENT_DELALLOC) == 0) {
        match out.last_mut() {
            Some(last) if last.0 + last.1 == e.physical && e.logical != 0 => last.1 += e.length,
            _ => out.push((e.physical, e.length)),
        }
    }
    out.into_iter().map(|(p, l)| FileExtent { start: p >> 9, len: l >> 9 }).collect()
}

/// The device-mapper block major, from /proc/devices.
fn dm_major() -> Option<u32> {
    let devices = std::fs::read_to_string("/proc/devices").ok()?;
    devices.split("Block devices:").nth(1)?.lines().find_map(|l| {
        let mut w = l.split_whitespace();
        let major = w.next()?.parse().ok()?;
        (w.next()? == "device-mapper").then_some(major)
    })
}

/// The sector runs of the regular file open at `fd`, which must live on a
/// device-mapper device.
pub fn file_extents(fd: BorrowedFd<'_>) -> Result<Vec<FileExtent>, StatsError> {
    let raw_fd = fd.as_raw_fd();
    let fs = nix::sys::statfs::fstatfs(fd).map_err(|e| StatsError::Os(format!("fstatfs failed for fd {raw_fd}"), e as i32))?;
    if fs.filesystem_type().0 as i64 == BTRFS_SUPER_MAGIC {
        return Err(StatsError::Invalid("Cannot map file: btrfs does not provide physical FIEMAP extent data.".into()));
    }
    let st = nix::sys::stat::fstat(fd).map_err(|e| StatsError::Os(format!("fstat failed for fd {raw_fd}"), e as i32))?;
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Err(StatsError::Invalid("Not a regular file".into()));
    }
    if dm_major() != Some(libc::major(st.st_dev)) {
        return Err(StatsError::Invalid("Cannot map file: not a device-mapper device.".into()));
    }
    let raw = fiemap::extents(fd).map_err(|e| StatsError::Os(format!("FIEMAP failed for fd {raw_fd}"), e))?;
    Ok(merge_extents(&raw))
}

impl Stats {
    /// Creates one region per extent of the file at `fd` and, with `group`,
    /// groups them (under `alias`). Returns the region ids.
    pub fn create_regions_from_fd(
        &mut self,
        fd: BorrowedFd<'_>,
        group: bool,
        precise: bool,
        bounds: Option<&super::Histogram>,
        alias: Option<&str>,
    ) -> Result<Vec<u64>, StatsError> {
        if alias.is_some() && !group {
            return Err(StatsError::Invalid("Cannot set alias without grouping regions.".into()));
        }
        let extents = file_extents(fd)?;
        if extents.is_empty() {
            return Err(StatsError::Invalid("Cannot map file: no allocated extents.".into()));
        }
        self.create_regions_for_extents(&extents, group, precise, bounds, alias)
    }

    /// [`Stats::create_regions_from_fd`] for extents already known.
    pub fn create_regions_for_extents(
        &mut self,
        extents: &[FileExtent],
        group: bool,
        precise: bool,
        bounds: Option<&super::Histogram>,
        alias: Option<&str>,
    ) -> Result<Vec<u64>, StatsError> {
        let mut precise = precise;
        let hist = bounds.map(|b| b.kernel_arg(&mut precise)).transpose()?;
        let mut ids = Vec::new();
        for (i, e) in extents.iter().enumerate() {
            match self.create_extent_region(e.start, e.len, precise, hist.as_deref()) {
                Ok(id) => ids.push(id),
                Err(err) => {
                    self.roll_back(&ids);
                    return Err(StatsError::Invalid(format!(
                        "{err}\nFailed to create region {i} of {} at {}.",
                        extents.len(),
                        e.start
                    )));
                }
            }
        }
        if group {
            let r = self.list(None).and_then(|_| self.group_regions(&ids, alias));
            if let Err(e) = r {
                self.roll_back(&ids);
                return Err(e);
            }
        }
        Ok(ids)
    }

    fn roll_back(&mut self, ids: &[u64]) {
        if self.list(None).is_ok() {
            for &id in ids {
                if let Err(e) = self.delete_region_in_table(id) {
                    crate::log_error!("{e}\nCould not delete region {id}.");
                }
            }
        }
    }

    /// Brings the regions of group `group_id` in line with the file's
    /// current extents: regions of extents gone are deleted, new extents get
    /// regions, and the group is rebuilt if its leader went. Returns the
    /// region ids of the file.
    pub fn update_regions_from_fd(&mut self, fd: BorrowedFd<'_>, group_id: u64) -> Result<Vec<u64>, StatsError> {
        let extents = match file_extents(fd) {
            Ok(e) => e,
            Err(StatsError::Os(m, e)) => return Err(StatsError::Os(m, e)),
            Err(e) => return Err(e),
        };
        self.update_regions_for_extents(&extents, group_id)
    }

    /// [`Stats::update_regions_from_fd`] for extents already known.
    pub fn update_regions_for_extents(&mut self, extents: &[FileExtent], group_id: u64) -> Result<Vec<u64>, StatsError> {
        if !self.listed() || !self.group_present(group_id) {
            let pid = self.program_id().to_string();
            self.list(Some(&pid)).map_err(|e| {
                StatsError::Invalid(format!("{e}\nCould not obtain region list while updating group {group_id}."))
            })?;
        }
        let Some(group) = self.group(group_id).cloned() else {
            return Err(StatsError::Invalid(format!("Group ID {group_id} does not exist.")));
        };
        let leader = self.region(group_id).cloned();
        let precise = leader.as_ref().is_some_and(|r| r.precise());
        let mut bounds = leader.as_ref().and_then(|r| r.bounds.clone());
        if let Some(b) = bounds.as_mut() {
            // The kernel's list adds an unbounded last bin; it is not a bound.
            if b.bins.last().is_some_and(|x| x.upper == u64::MAX) {
                b.bins.pop();
            }
        }
        let mut precise_arg = precise;
        let hist = bounds.as_ref().filter(|b| !b.bins.is_empty()).map(|b| b.kernel_arg(&mut precise_arg)).transpose()?;
        // First pass: keep the regions whose extent is still there.
        let mut kept: Vec<(u64, FileExtent)> = Vec::new();
        let mut regroup = false;
        for &m in group.members.iter().rev() {
            let Some(r) = self.region(m) else { continue };
            let e = FileExtent { start: r.start, len: r.len };
            if extents.contains(&e) {
                kept.push((m, e));
            } else {
                if m == group_id {
                    regroup = true;
                }
                self.delete_region_in_table(m)
                    .map_err(|err| StatsError::Invalid(format!("{err}\nCould not remove region ID {m}")))?;
            }
        }
        // Second pass: a region for every new extent.
        let mut ids = Vec::new();
        let mut created = Vec::new();
        for e in extents {
            if let Some((id, _)) = kept.iter().find(|(_, k)| k == e) {
                ids.push(*id);
                continue;
            }
            match self.create_extent_region(e.start, e.len, precise_arg, hist.as_deref()) {
                Ok(id) => {
                    ids.push(id);
                    created.push(id);
                }
                Err(err) => {
                    self.roll_back(&created);
                    return Err(err);
                }
            }
        }
        if !regroup && !created.is_empty() {
            if let Err(e) = self.add_group_members(group_id, &created) {
                crate::log_error!("{e}\nFailed to update group aux_data.");
            }
        }
        self.list(None)?;
        if regroup && !ids.is_empty() {
            if let Err(e) = self.group_regions(&ids, group.alias.as_deref()) {
                self.roll_back(&created);
                return Err(e);
            }
        }
        Ok(ids)
    }
}

/// dmfilemapd's follow modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowMode {
    /// Follow the inode.
    Inode = 0,
    /// Follow the path.
    Path = 1,
    /// Neither (a parse failure).
    None = 2,
}

impl FollowMode {
    /// "inode" or "path" (no string: inode).
    pub fn parse(s: Option<&str>) -> Result<FollowMode, StatsError> {
        match s {
            None | Some("inode") => Ok(FollowMode::Inode),
            Some("path") => Ok(FollowMode::Path),
            Some(other) => Err(StatsError::Invalid(format!("Could not parse dmfilemapd mode: {other}"))),
        }
    }
}

/// Starts `dmfilemapd <fd> <group_id> <path> <mode> <foreground> <verbose>`
/// to follow the file and update the group as it changes. In the foreground
/// the daemon replaces this process; otherwise it runs as a child (if it
/// cannot be started, that is logged, as libdm's forked child does, and the
/// call still succeeds).
pub fn start_filemapd(fd: i32, group_id: u64, path: &str, mode: i32, foreground: u32, verbose: u32) -> Result<(), StatsError> {
    if fd < 0 {
        return Err(StatsError::Invalid(format!("dmfilemapd file descriptor must be non-negative: {fd}")));
    }
    if !path.starts_with('/') {
        return Err(StatsError::Invalid("Path argument must specify an absolute path.".into()));
    }
    let mode = match mode {
        0 => "inode",
        1 => "path",
        _ => {
            return Err(StatsError::Invalid(
                "Invalid dmfilemapd mode argument: Must be DM_FILEMAPD_FOLLOW_INODE or DM_FILEMAPD_FOLLOW_PATH".into(),
            ))
        }
    };
    if foreground > 1 {
        return Err(StatsError::Invalid(format!("Invalid dmfilemapd foreground argument. Must be 0 or 1: {foreground}.")));
    }
    if verbose > 3 {
        return Err(StatsError::Invalid(format!("Invalid dmfilemapd verbose argument. Must be 0..3: {verbose}.")));
    }
    let mut cmd = std::process::Command::new("dmfilemapd");
    cmd.args([fd.to_string(), group_id.to_string(), path.to_string(), mode.to_string(), foreground.to_string(), verbose.to_string()]);
    crate::log_verbose!("Spawning daemon as 'dmfilemapd {fd} {group_id} {path} {mode} {foreground} {verbose}'");
    if foreground == 1 {
        let err = std::os::unix::process::CommandExt::exec(&mut cmd);
        let errno = err.raw_os_error().unwrap_or(libc::EIO);
        return Err(StatsError::Os(format!("dmfilemapd: execvp failed: {}", crate::kernel::strerror(errno)), errno));
    }
    match cmd.spawn() {
        Ok(child) => {
            crate::log_verbose!("Forked dmfilemapd process as pid {}", child.id());
            Ok(())
        }
        Err(err) => {
            let errno = err.raw_os_error().unwrap_or(libc::EIO);
            crate::log_error!(errno = errno; "dmfilemapd: execvp failed: {}", crate::kernel::strerror(errno));
            Ok(())
        }
    }
}
