//! udev and device nodes: with no udev to do it, the library keeps
//! `/dev/mapper/<name>` itself (created on create and resume, renamed,
//! removed). Cookies and the deferred node queue come with the dm_task
//! stage; today node operations run right after the ioctl that needs them.

pub mod cookie;
pub mod task;

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// The sysfs directory set by the caller (None: the default "/sys/";
/// Some(""): sysfs not to be used).
static SYSFS_DIR: RwLock<Option<String>> = RwLock::new(None);

/// libdm's default sysfs directory.
pub const DEFAULT_SYSFS_DIR: &str = "/sys/";

/// Sets the sysfs directory as libdm's `dm_set_sysfs_dir` does: "" means
/// "do not use sysfs"; any other value must be absolute and is kept with
/// a trailing slash. Returns false (nothing changes) for a relative path.
pub fn set_sysfs_dir(dir: &str) -> bool {
    let value = if dir.is_empty() {
        String::new()
    } else if !dir.starts_with('/') {
        crate::log_debug!("Invalid directory value, {dir}: not an absolute name.");
        return false;
    } else if dir.ends_with('/') {
        dir.to_string()
    } else {
        format!("{dir}/")
    };
    *SYSFS_DIR.write().unwrap_or_else(|e| e.into_inner()) = Some(value);
    true
}

/// The sysfs directory as `dm_sysfs_dir` gives it: "/sys/" by default,
/// with a trailing slash, or "" when sysfs is not to be used.
pub fn sysfs_dir_setting() -> String {
    SYSFS_DIR.read().unwrap_or_else(|e| e.into_inner()).clone().unwrap_or_else(|| DEFAULT_SYSFS_DIR.to_string())
}

/// The sysfs mount point to build paths on, without a trailing slash
/// ("" when sysfs is not to be used, so every path under it is missing).
pub fn sysfs_dir() -> String {
    sysfs_dir_setting().trim_end_matches('/').to_string()
}

/// `<dev dir>/mapper`, where device nodes live.
pub fn mapper_dir() -> PathBuf {
    PathBuf::from(format!("{}/mapper", crate::kernel::control::dev_dir()))
}

/// Ownership and mode for a new node (libdm: root:disk... here root:root 0600
/// unless the caller set them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeOwner {
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Permission bits.
    pub mode: u32,
}

impl Default for NodeOwner {
    fn default() -> Self {
        NodeOwner { uid: 0, gid: 6, mode: 0o660 }
    }
}

fn errno_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// Makes `/dev/mapper/<name>` a block node for major:minor, replacing a
/// stale node of other numbers; a correct node or a udev link stays.
pub fn ensure_node(name: &str, major: u32, minor: u32, owner: NodeOwner) -> Result<(), i32> {
    let dir = mapper_dir();
    std::fs::create_dir_all(&dir).map_err(|e| errno_of(&e))?;
    let path = dir.join(name);
    if let Ok(meta) = std::fs::metadata(&path) {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        if meta.file_type().is_block_device() && meta.rdev() == libc::makedev(major, minor) {
            return Ok(());
        }
        std::fs::remove_file(&path).map_err(|e| errno_of(&e))?;
        crate::log_debug!("Removed stale node {}", path.display());
    }
    mknod_block(&path, major, minor, owner)?;
    crate::log_debug!("Created {} ({major}:{minor})", path.display());
    Ok(())
}

fn mknod_block(path: &Path, major: u32, minor: u32, owner: NodeOwner) -> Result<(), i32> {
    let c = CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| libc::EINVAL)?;
    crate::kernel::mknod_block(&c, major, minor, owner.mode)?;
    std::os::unix::fs::chown(path, Some(owner.uid), Some(owner.gid)).map_err(|e| errno_of(&e))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(owner.mode & 0o7777)).map_err(|e| errno_of(&e))
}

/// Removes `/dev/mapper/<name>` if it exists.
pub fn remove_node(name: &str) -> Result<(), i32> {
    let path = mapper_dir().join(name);
    match std::fs::remove_file(&path) {
        Ok(()) => {
            crate::log_debug!("Removed {}", path.display());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(errno_of(&e)),
    }
}

/// Renames `/dev/mapper/<old>` to `<new>` if it exists.
pub fn rename_node(old: &str, new: &str) -> Result<(), i32> {
    let dir = mapper_dir();
    match std::fs::rename(dir.join(old), dir.join(new)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(errno_of(&e)),
    }
}

/// Read-ahead of a block device in 512-byte sectors, from sysfs.
pub fn read_ahead_sectors(major: u32, minor: u32) -> Option<u32> {
    let path = format!("{}/dev/block/{major}:{minor}/queue/read_ahead_kb", sysfs_dir());
    let kb: u32 = std::fs::read_to_string(path).ok()?.trim().parse().ok()?;
    kb.checked_mul(2)
}

/// The device-mapper name of the block device at `path` (libdm's
/// `dm_task_set_name` with a path): `/dev/mapper/<last component>` when it
/// is the same device, else the node in `/dev/mapper` with that number. A
/// relative "dir/name" is looked up under the device directory.
pub fn dm_name_of_path(path: &str) -> Result<String, String> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let not_found = || format!("Device {path} not found");
    let last = path.rsplit('/').next().unwrap_or(path);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => {
            let slashes = path.matches('/').count();
            if path.len() < 3 || path.starts_with('/') || slashes != 1 {
                return Err(not_found());
            }
            std::fs::metadata(format!("{}/{path}", crate::kernel::control::dev_dir())).map_err(|_| not_found())?
        }
    };
    if !meta.file_type().is_block_device() {
        return Err(not_found());
    }
    let dir = mapper_dir();
    if let Ok(m) = std::fs::metadata(dir.join(last)) {
        if m.rdev() == meta.rdev() {
            return Ok(last.to_string());
        }
    }
    let entries = std::fs::read_dir(&dir).map_err(|_| not_found())?;
    for e in entries.flatten() {
        if let Ok(m) = std::fs::metadata(e.path()) {
            if m.file_type().is_block_device() && m.rdev() == meta.rdev() {
                return Ok(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    Err(not_found())
}

/// Makes `/dev/mapper` hold exactly one node per device in `devices` (and
/// `control`): missing nodes are made, stale ones removed.
pub fn sync_all_nodes(devices: &[crate::kernel::NameEntry], owner: NodeOwner) -> Result<(), i32> {
    let mut first_error = Ok(());
    for d in devices {
        let (major, minor) = crate::kernel::decode_dev(d.dev);
        if let Err(e) = ensure_node(&d.name, major, minor, owner) {
            first_error = first_error.and(Err(e));
        }
    }
    if let Ok(entries) = std::fs::read_dir(mapper_dir()) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name != "control" && !devices.iter().any(|d| d.name == name) {
                if let Err(err) = remove_node(&name) {
                    first_error = first_error.and(Err(err));
                }
            }
        }
    }
    first_error
}

/// Sets a device's read-ahead to `sectors` (through sysfs, in KiB); with
/// `minimum_only`, only raises it.
pub fn set_read_ahead(major: u32, minor: u32, sectors: u32, minimum_only: bool) -> Result<(), i32> {
    if minimum_only {
        if let Some(current) = read_ahead_sectors(major, minor) {
            if current >= sectors {
                return Ok(());
            }
        }
    }
    let path = format!("{}/dev/block/{major}:{minor}/queue/read_ahead_kb", sysfs_dir());
    std::fs::write(&path, format!("{}\n", sectors / 2)).map_err(|e| errno_of(&e))?;
    crate::log_debug!("Set read ahead of {major}:{minor} to {sectors} sectors");
    Ok(())
}

/// The kernel name of a block device ("dm-3", "sda"), from sysfs.
pub fn kernel_name(major: u32, minor: u32) -> Option<String> {
    let link = std::fs::read_link(format!("{}/dev/block/{major}:{minor}", sysfs_dir())).ok()?;
    link.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// The device-mapper name of a dm device, from sysfs (`dm/name`).
pub fn dm_name(major: u32, minor: u32) -> Option<String> {
    let name = std::fs::read_to_string(format!("{}/dev/block/{major}:{minor}/dm/name", sysfs_dir())).ok()?;
    Some(name.trim_end_matches('\n').to_string())
}

/// A block device's name as `dm_device_get_name` gives it, from sysfs: for
/// a dm device its device-mapper name unless `prefer_kernel_name`, else
/// (and when it has none) the kernel's.
pub fn device_name(major: u32, minor: u32, prefer_kernel_name: bool) -> Option<String> {
    let is_dm = dm_block_major() == Some(major);
    let dm = if is_dm && !prefer_kernel_name { dm_name(major, minor) } else { None };
    dm.or_else(|| kernel_name(major, minor))
}

/// The block major of device-mapper, read from /proc/devices each time.
pub fn dm_block_major() -> Option<u32> {
    block_major_in(&std::fs::read_to_string("/proc/devices").ok()?, "device-mapper")
}

/// The major of `driver` in the "Block devices:" part of /proc/devices.
fn block_major_in(devices: &str, driver: &str) -> Option<u32> {
    let block = devices.split("Block devices:").nth(1)?;
    block.lines().find_map(|l| {
        let mut w = l.split_whitespace();
        let major = w.next()?.parse().ok()?;
        (w.next()? == driver).then_some(major)
    })
}

/// Whether any device holds this one (sysfs `holders/` is not empty).
pub fn has_holders(major: u32, minor: u32) -> bool {
    std::fs::read_dir(format!("{}/dev/block/{major}:{minor}/holders", sysfs_dir()))
        .map(|mut d| d.next().is_some())
        .unwrap_or(false)
}

/// Why a device that is open cannot be removed (libdm's
/// `_check_device_not_in_use`): another device holds it, or a filesystem
/// on it is mounted; None when neither (only an opener such as a process
/// holds it, which a retried remove may outlast). Without sysfs every
/// open device counts as "in use".
pub fn in_use_reason(major: u32, minor: u32) -> Option<&'static str> {
    if sysfs_dir_setting().is_empty() {
        return Some("in use");
    }
    if has_holders(major, minor) {
        return Some("is used by another device");
    }
    if mountinfo().is_ok_and(|m| m.iter().any(|m| m.major == major && m.minor == minor)) {
        return Some("constains a filesystem in use");
    }
    None
}

/// One line of /proc/self/mountinfo: the device and the mount point
/// (with the kernel's octal escapes undone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountInfo {
    /// The whole line.
    pub line: String,
    /// Device major.
    pub major: u32,
    /// Device minor.
    pub minor: u32,
    /// Mount point.
    pub target: String,
}

fn unescape_octal(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c)) {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses one mountinfo line ("id parent maj:min root target ...").
pub fn parse_mountinfo_line(line: &str) -> Option<MountInfo> {
    let mut fields = line.split(' ');
    let (_, _, dev, _, target) = (fields.next()?, fields.next()?, fields.next()?, fields.next()?, fields.next()?);
    let (major, minor) = crate::kernel::parse_dev_text(dev)?;
    Some(MountInfo {
        line: line.to_string(),
        major,
        minor,
        target: unescape_octal(target),
    })
}

/// Every mount of this process's namespace.
pub fn mountinfo() -> std::io::Result<Vec<MountInfo>> {
    let text = std::fs::read_to_string("/proc/self/mountinfo")?;
    Ok(text.lines().filter_map(parse_mountinfo_line).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_lines_give_the_device_and_the_unescaped_target() {
        let m = parse_mountinfo_line("36 35 254:3 / /mnt/with\\040space rw,noatime shared:1 - ext4 /dev/mapper/x rw").unwrap();
        assert_eq!((m.major, m.minor, m.target.as_str()), (254, 3, "/mnt/with space"));
    }

    #[test]
    fn the_sysfs_directory_keeps_libdms_trailing_slash_and_refuses_relative_paths() {
        assert_eq!(sysfs_dir_setting(), "/sys/", "LVM appends \"block/...\" to it");
        assert!(set_sysfs_dir("/tmp/sysfs"));
        assert_eq!((sysfs_dir_setting().as_str(), sysfs_dir().as_str()), ("/tmp/sysfs/", "/tmp/sysfs"));
        assert!(!set_sysfs_dir("relative"));
        assert_eq!(sysfs_dir_setting(), "/tmp/sysfs/", "a refused value changes nothing");
        assert!(set_sysfs_dir(""));
        assert_eq!(sysfs_dir_setting(), "", "sysfs switched off");
        assert!(set_sysfs_dir("/sys"));
        assert_eq!(sysfs_dir_setting(), "/sys/");
    }

    #[test]
    fn the_dm_major_is_a_block_major() {
        let devices = "Character devices:\n 10 misc\n254 device-mapper\n\nBlock devices:\n  7 loop\n253 device-mapper\n";
        assert_eq!(block_major_in(devices, "device-mapper"), Some(253));
        assert_eq!(block_major_in(devices, "md"), None);
        assert_eq!(block_major_in("Block devices:\n", "device-mapper"), None);
    }

    #[test]
    fn a_malformed_mountinfo_line_is_skipped() {
        assert_eq!(parse_mountinfo_line("36 35 nodev"), None);
    }
}
