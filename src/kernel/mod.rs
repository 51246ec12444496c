//! The kernel ABI: `struct dm_ioctl` and its payloads, the control device,
//! and the [`Kernel`] trait through which every request reaches the kernel
//! (the real device, a simulated kernel for fast tests and dry runs, and a
//! tracing wrapper). The fault injector and the simulator's statistics are
//! test code, built with the `sim` feature (and in the crate's own tests).
//!
//! This layer knows nothing about trees or C callers: a [`Request`] goes in,
//! a decoded [`Reply`] comes out.

pub mod control;
#[cfg(any(test, feature = "sim"))]
pub mod fault;
pub mod fiemap;
pub mod ioctl;
pub mod sim;
#[cfg(any(test, feature = "sim"))]
pub mod sim_stats;
pub mod sysv;
pub mod trace;

use std::sync::Arc;

use once_cell::sync::OnceCell;
use thiserror::Error;

pub use control::Control;

/// Parses "major:minor", the one way this library reads a device number
/// written as text (tables, mountinfo, sysfs `dev` files): two decimal
/// numbers that fit in 32 bits, as `u32::from_str` reads them.
pub fn parse_dev_text(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}
pub use sim::SimKernel;
pub use trace::Traced;

/// Longest device name the kernel takes, with its NUL.
pub const DM_NAME_LEN: usize = 128;
/// Longest uuid the kernel takes, with its NUL.
pub const DM_UUID_LEN: usize = 129;
/// Longest target type name, with its NUL.
pub const DM_MAX_TYPE_NAME: usize = 16;
/// The ioctl interface version this library speaks.
pub const DM_VERSION_MAJOR: u32 = 4;
/// Minor version we ask for (the kernel answers with its own).
pub const DM_VERSION_MINOR: u32 = 0;
/// Patch level we ask for.
pub const DM_VERSION_PATCHLEVEL: u32 = 0;

bitflags::bitflags! {
    /// The `flags` word of `struct dm_ioctl`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Flags: u32 {
        /// Device is (to be made) read-only.
        const READONLY = 1 << 0;
        /// Suspend (in) / is suspended (out).
        const SUSPEND = 1 << 1;
        /// Use the given dev number on create.
        const PERSISTENT_DEV = 1 << 3;
        /// Table instead of status output.
        const STATUS_TABLE = 1 << 4;
        /// A live table is present.
        const ACTIVE_PRESENT = 1 << 5;
        /// An inactive table is loaded.
        const INACTIVE_PRESENT = 1 << 6;
        /// The reply did not fit: grow and retry.
        const BUFFER_FULL = 1 << 8;
        /// Skip bdget (obsolete).
        const SKIP_BDGET = 1 << 9;
        /// Do not freeze the filesystem on suspend.
        const SKIP_LOCKFS = 1 << 10;
        /// Suspend without flushing queued I/O.
        const NOFLUSH = 1 << 11;
        /// Report the inactive table.
        const QUERY_INACTIVE_TABLE = 1 << 12;
        /// The kernel sent a uevent.
        const UEVENT_GENERATED = 1 << 13;
        /// Rename sets the uuid.
        const UUID = 1 << 14;
        /// Wipe buffers holding secrets.
        const SECURE_DATA = 1 << 15;
        /// The reply carries data (message responses).
        const DATA_OUT = 1 << 16;
        /// Deferred remove (in) / pending (out).
        const DEFERRED_REMOVE = 1 << 17;
        /// Suspended internally by the kernel.
        const INTERNAL_SUSPEND = 1 << 18;
        /// Ask for IMA measurement.
        const IMA_MEASUREMENT = 1 << 19;
    }
}

/// The ioctl commands of `linux/dm-ioctl.h`, numbered as there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Command {
    /// DM_VERSION
    Version = 0,
    /// DM_REMOVE_ALL
    RemoveAll = 1,
    /// DM_LIST_DEVICES
    ListDevices = 2,
    /// DM_DEV_CREATE
    DevCreate = 3,
    /// DM_DEV_REMOVE
    DevRemove = 4,
    /// DM_DEV_RENAME
    DevRename = 5,
    /// DM_DEV_SUSPEND (also resume)
    DevSuspend = 6,
    /// DM_DEV_STATUS (info)
    DevStatus = 7,
    /// DM_DEV_WAIT
    DevWait = 8,
    /// DM_TABLE_LOAD
    TableLoad = 9,
    /// DM_TABLE_CLEAR
    TableClear = 10,
    /// DM_TABLE_DEPS
    TableDeps = 11,
    /// DM_TABLE_STATUS (status and table)
    TableStatus = 12,
    /// DM_LIST_VERSIONS
    ListVersions = 13,
    /// DM_TARGET_MSG
    TargetMsg = 14,
    /// DM_DEV_SET_GEOMETRY
    DevSetGeometry = 15,
    /// DM_DEV_ARM_POLL
    DevArmPoll = 16,
    /// DM_GET_TARGET_VERSION
    GetTargetVersion = 17,
}

impl Command {
    /// The name the kernel header gives the ioctl.
    pub fn ioctl_name(self) -> &'static str {
        match self {
            Command::Version => "DM_VERSION",
            Command::RemoveAll => "DM_REMOVE_ALL",
            Command::ListDevices => "DM_LIST_DEVICES",
            Command::DevCreate => "DM_DEV_CREATE",
            Command::DevRemove => "DM_DEV_REMOVE",
            Command::DevRename => "DM_DEV_RENAME",
            Command::DevSuspend => "DM_DEV_SUSPEND",
            Command::DevStatus => "DM_DEV_STATUS",
            Command::DevWait => "DM_DEV_WAIT",
            Command::TableLoad => "DM_TABLE_LOAD",
            Command::TableClear => "DM_TABLE_CLEAR",
            Command::TableDeps => "DM_TABLE_DEPS",
            Command::TableStatus => "DM_TABLE_STATUS",
            Command::ListVersions => "DM_LIST_VERSIONS",
            Command::TargetMsg => "DM_TARGET_MSG",
            Command::DevSetGeometry => "DM_DEV_SET_GEOMETRY",
            Command::DevArmPoll => "DM_DEV_ARM_POLL",
            Command::GetTargetVersion => "DM_GET_TARGET_VERSION",
        }
    }

    /// Commands that address no particular device.
    pub fn is_global(self) -> bool {
        matches!(
            self,
            Command::Version
                | Command::RemoveAll
                | Command::ListDevices
                | Command::ListVersions
                | Command::GetTargetVersion
        )
    }
}

/// One line of a table: what DM_TABLE_LOAD takes and DM_TABLE_STATUS returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetLine {
    /// First sector.
    pub start: u64,
    /// Length in sectors.
    pub length: u64,
    /// Target type ("linear", "thin-pool", ...).
    pub target_type: String,
    /// Parameters (table) or status text.
    pub params: String,
}

/// What a request carries after the header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Payload {
    /// Nothing.
    #[default]
    None,
    /// DM_TABLE_LOAD: the table.
    Table(Vec<TargetLine>),
    /// DM_DEV_RENAME: the new name, or new uuid with [`Flags::UUID`].
    NewName(String),
    /// DM_TARGET_MSG: sector and message.
    Message {
        /// Sector the message addresses.
        sector: u64,
        /// The message text.
        text: String,
    },
    /// DM_DEV_SET_GEOMETRY: "cylinders heads sectors start".
    Geometry(String),
}

/// Which device a request addresses; the kernel refuses more than one of
/// uuid, name and dev (except on create). DM_GET_TARGET_VERSION carries the
/// target's name in `name`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceId {
    /// Device name (may be empty).
    pub name: String,
    /// Device uuid (may be empty).
    pub uuid: String,
    /// Device number (0 if unset), in the kernel's `huge_encode_dev` form.
    pub dev: u64,
}

/// One request to the kernel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The ioctl.
    pub command: Command,
    /// The device addressed.
    pub id: DeviceId,
    /// Flags in.
    pub flags: Flags,
    /// Event number (DM_DEV_WAIT, udev cookie on create/remove/rename/resume).
    pub event_nr: u32,
    /// The payload.
    pub payload: Payload,
}

impl Request {
    /// A request with no flags and no payload.
    pub fn new(command: Command, id: DeviceId) -> Self {
        Request { command, id, flags: Flags::empty(), event_nr: 0, payload: Payload::None }
    }
}

/// One entry of DM_LIST_DEVICES.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameEntry {
    /// Device number.
    pub dev: u64,
    /// Name.
    pub name: String,
    /// Event number, where the kernel reports it.
    pub event_nr: Option<u32>,
    /// Uuid, where the kernel reports it (Some("") if it has none).
    pub uuid: Option<String>,
}

/// One entry of DM_LIST_VERSIONS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetVersion {
    /// Target name.
    pub name: String,
    /// major.minor.patch.
    pub version: [u32; 3],
}

/// The decoded data part of a reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReplyData {
    /// No data.
    #[default]
    None,
    /// Table or status lines.
    Targets(Vec<TargetLine>),
    /// Devices the table uses.
    Deps(Vec<u64>),
    /// Device list.
    Names(Vec<NameEntry>),
    /// Target types and versions.
    Versions(Vec<TargetVersion>),
    /// A message's response text.
    Response(String),
}

/// The kernel's answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    /// Interface version the kernel speaks.
    pub version: [u32; 3],
    /// Flags out.
    pub flags: Flags,
    /// Open count.
    pub open_count: i32,
    /// Event number.
    pub event_nr: u32,
    /// Device number.
    pub dev: u64,
    /// Number of targets in the (reported) table.
    pub target_count: u32,
    /// Device name.
    pub name: String,
    /// Device uuid.
    pub uuid: String,
    /// Decoded data.
    pub data: ReplyData,
}

/// Why a request failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum KernelError {
    /// The ioctl failed with this errno.
    #[error("{command} ioctl failed: {}", strerror(*errno))]
    Ioctl {
        /// Which ioctl.
        command: &'static str,
        /// errno.
        errno: i32,
    },
    /// The control device could not be opened.
    #[error("{path}: open failed: {}", strerror(*errno))]
    Open {
        /// Path tried.
        path: String,
        /// errno.
        errno: i32,
    },
    /// The reply does not fit even the largest buffer we allow.
    #[error("{command}: reply larger than the {limit}-byte limit")]
    BufferLimit {
        /// Which ioctl.
        command: &'static str,
        /// The cap.
        limit: usize,
    },
    /// The request cannot be encoded (a name too long, a NUL in a string...).
    #[error("{0}")]
    BadRequest(String),
    /// The kernel's reply is inconsistent (a length or offset out of range).
    #[error("{command}: malformed reply: {detail}")]
    BadReply {
        /// Which ioctl.
        command: &'static str,
        /// What was wrong.
        detail: String,
    },
}

impl KernelError {
    /// The errno to report for this error (EINVAL for encoding problems).
    pub fn errno(&self) -> i32 {
        match self {
            KernelError::Ioctl { errno, .. } | KernelError::Open { errno, .. } => *errno,
            KernelError::BufferLimit { .. } => libc::ENOMEM,
            KernelError::BadRequest(_) | KernelError::BadReply { .. } => libc::EINVAL,
        }
    }
}

/// Something that executes device-mapper requests.
pub trait Kernel: Send + Sync {
    /// Executes one request.
    fn execute(&self, request: &Request) -> Result<Reply, KernelError>;

    /// Lets go of held resources (the control device); the next request
    /// takes them again.
    fn release(&self) {}

    /// Whether the devices are real ones with nodes under /dev (false for
    /// the simulator: nothing on the host's /dev is touched for it).
    fn has_device_nodes(&self) -> bool {
        false
    }

    /// The driver's interface version, when a reply has told it already
    /// (so that asking costs no DM_VERSION request).
    fn driver_version(&self) -> Option<[u32; 3]> {
        None
    }

    /// The block major of device-mapper devices, when known (a device of
    /// another major is not asked about: it is no dm device).
    fn dm_major(&self) -> Option<u32> {
        None
    }
}

/// device-mapper's block major from /proc/devices ("254 device-mapper").
pub fn dm_major_from_proc() -> Option<u32> {
    static MAJOR: OnceCell<Option<u32>> = OnceCell::new();
    *MAJOR.get_or_init(|| {
        let text = std::fs::read_to_string("/proc/devices").ok()?;
        let block = text.split("Block devices:").nth(1)?;
        block.lines().find_map(|l| {
            let mut w = l.split_whitespace();
            let major = w.next()?.parse().ok()?;
            (w.next()? == "device-mapper").then_some(major)
        })
    })
}

static DEFAULT: OnceCell<Arc<dyn Kernel>> = OnceCell::new();

#[cfg(test)]
thread_local! {
    /// Test-only: this thread's stand-in for the process-wide kernel.
    static THREAD_KERNEL: std::cell::RefCell<Option<Arc<dyn Kernel>>> = const { std::cell::RefCell::new(None) };
}

/// Test-only: runs `f` with `kernel` as [`default_kernel`] on this thread,
/// so that tests can drive the C API against a simulated kernel.
#[cfg(test)]
pub fn with_thread_kernel<R>(kernel: Arc<dyn Kernel>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<dyn Kernel>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            THREAD_KERNEL.with(|k| *k.borrow_mut() = previous);
        }
    }
    let _restore = Restore(THREAD_KERNEL.with(|k| k.borrow_mut().replace(kernel)));
    f()
}

/// The process-wide kernel: the control device, traced when `DM_TRACE`
/// names a file.
pub fn default_kernel() -> Arc<dyn Kernel> {
    #[cfg(test)]
    if let Some(k) = THREAD_KERNEL.with(|k| k.borrow().clone()) {
        return k;
    }
    DEFAULT
        .get_or_init(|| {
            let control: Arc<dyn Kernel> = Arc::new(Control::new());
            match std::env::var_os("DM_TRACE") {
                Some(path) if !path.is_empty() => Arc::new(Traced::to_file(control, path.into())),
                _ => control,
            }
        })
        .clone()
}

/// Encodes major/minor the way the kernel's `huge_encode_dev` does.
pub fn encode_dev(major: u32, minor: u32) -> u64 {
    let (major, minor) = (major as u64, minor as u64);
    (minor & 0xff) | (major << 8) | ((minor & !0xff) << 12)
}

/// Splits a `huge_encode_dev` number into major and minor.
pub fn decode_dev(dev: u64) -> (u32, u32) {
    let major = ((dev & 0xfff00) >> 8) as u32;
    let minor = ((dev & 0xff) | ((dev >> 12) & 0xfff00)) as u32;
    (major, minor)
}

/// The C library's text for `errno` (what `strerror` prints).
pub fn strerror(errno: i32) -> String {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: `buf` is writable for its whole length, which is passed; the
    // XSI strerror_r writes a NUL-terminated message into it.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errno}");
    }
    // SAFETY: strerror_r succeeded, so `buf` holds a NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

/// Creates a block device node (mknod) at `path` with `mode` permissions.
pub fn mknod_block(path: &std::ffi::CStr, major: u32, minor: u32, mode: u32) -> Result<(), i32> {
    // SAFETY: `path` is a valid NUL-terminated string; mknod only reads it.
    let rc = unsafe { libc::mknod(path.as_ptr(), libc::S_IFBLK | (mode & 0o7777), libc::makedev(major, minor)) };
    if rc < 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
    }
    Ok(())
}

/// Which step of [`node_read_ahead`] failed, and its errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeError {
    /// open(2) of the node failed.
    Open(i32),
    /// The BLKRAGET ioctl failed.
    Ioctl(i32),
}

/// A block device's read-ahead in sectors, asked of the device node with
/// BLKRAGET (what libdm falls back to when sysfs has no answer).
pub fn node_read_ahead(path: &str) -> Result<u32, NodeError> {
    const BLKRAGET: u64 = 0x1263;
    let c = std::ffi::CString::new(path).map_err(|_| NodeError::Open(libc::EINVAL))?;
    let last = || std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
    // SAFETY: `c` is a valid NUL-terminated path.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(NodeError::Open(last()));
    }
    // SAFETY: `fd` was just opened and is owned here.
    let fd = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    let mut sectors: libc::c_ulong = 0;
    // SAFETY: BLKRAGET writes one unsigned long to the pointer given.
    let rc = unsafe { libc::ioctl(std::os::fd::AsRawFd::as_raw_fd(&fd), BLKRAGET as _, &mut sectors) };
    if rc < 0 {
        return Err(NodeError::Ioctl(last()));
    }
    Ok(sectors as u32)
}

#[cfg(test)]
mod dev_text_tests {
    use super::parse_dev_text;

    #[test]
    fn a_device_number_is_two_decimal_numbers_around_a_colon() {
        assert_eq!(parse_dev_text("253:0"), Some((253, 0)));
        assert_eq!(parse_dev_text("8:16"), Some((8, 16)));
        assert_eq!(parse_dev_text("253"), None);
        assert_eq!(parse_dev_text("253:x"), None);
        assert_eq!(parse_dev_text(":0"), None);
        assert_eq!(parse_dev_text("4294967296:0"), None);
    }
}
