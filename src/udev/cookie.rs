//! udev synchronisation ("cookies"), bit-compatible with libdm and the
//! device-mapper udev rules (`10-dm.rules`, Debian's `55-dm.rules`, and
//! `95-dm-notify.rules`).
//!
//! The protocol, as libdm and the rules speak it:
//!
//! - A cookie is a System V semaphore set of one semaphore whose key is the
//!   cookie value `DM_COOKIE_MAGIC << 16 | base` (`base` a random non-zero
//!   16-bit number). It is created with `IPC_CREAT | IPC_EXCL`, mode 0600,
//!   and value 1: the waiter's own count.
//! - A task that should be waited for increments the semaphore and hands
//!   the kernel `flags << 16 | base` as the ioctl's `event_nr` (the udev
//!   flags, `DM_UDEV_*`, in the upper half). The kernel puts
//!   `DM_COOKIE=<event_nr>` into the uevent of a resume, remove or rename;
//!   the dm rules decode the flags (`dmsetup udevflags`), and
//!   `95-dm-notify.rules` runs `dmsetup udevcomplete $env{DM_COOKIE}`, which
//!   replaces the flags by the magic and decrements the semaphore.
//! - When the ioctl fails, or the kernel says it sent no uevent
//!   (`DM_UEVENT_GENERATED_FLAG` clear in the reply), the library
//!   decrements the semaphore itself ([`task_finished`]).
//! - The waiter ([`wait`]) decrements its own 1, waits for zero, and
//!   removes the set.
//!
//! Deliberate differences from libdm, each a fix:
//! - every wait is bounded ([`wait_timeout`]: as long as udev itself may
//!   take over an event, its event timeout (180 s unless udev.conf or the
//!   kernel command line set another), unless `DM_UDEV_WAIT_TIMEOUT` or
//!   [`set_wait_timeout`] says otherwise); a long wait warns every
//!   [`WAIT_WARN_PERIOD`], naming the cookie; on timeout the wait logs what
//!   it waited for and why it gave up, removes the semaphore and fails;
//! - a semaphore created for a task is removed again when the task's cookie
//!   cannot be set up (libdm leaks it when the increment fails), and a wait
//!   that fails for any reason removes the semaphore;
//! - a task holding a cookie whose ioctl produced no uevent is completed by
//!   the library whatever the ioctl (libdm does this for resume, remove and
//!   rename only, so that a cookie given to, say, a create without a table
//!   hangs its waiter forever).
//!
//! Device nodes: while udev synchronisation is in use, udev makes the
//! `/dev/mapper` links. libdm queues its own node operations until the
//! wait (`update_devs`) and only then falls back to doing what udev did
//! not; [`queue_node_op`] and [`update_devs`] are that queue.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::kernel::{strerror, sysv};

use super::NodeOwner;

/// The prefix of every cookie value (libdm's `DM_COOKIE_MAGIC`).
pub const COOKIE_MAGIC: u16 = 0x0D4D;
/// Where the udev flags sit in `event_nr` and in `DM_COOKIE`.
pub const FLAGS_SHIFT: u32 = 16;
/// The udev flags' bits of `event_nr` (libdm's `DM_UDEV_FLAGS_MASK`).
pub const FLAGS_MASK: u32 = 0xFFFF_0000;
/// udev's own default event timeout (systemd-udevd kills a worker that
/// spends longer on an event): how long a wait lasts unless udev is
/// configured otherwise or the caller says otherwise.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(180);
/// How often a wait that goes on warns that it is still waiting.
pub const WAIT_WARN_PERIOD: Duration = Duration::from_secs(30);
/// The socket systemd-udevd listens on; it exists while udev runs (what
/// libudev's `udev_queue_get_udev_is_active` checks).
pub const UDEV_CONTROL: &str = "/run/udev/control";
/// Driver version from which the kernel passes cookies in uevents (4.15).
pub const COOKIE_DRIVER_VERSION: [u32; 2] = [4, 15];
/// Driver version from which the kernel reports `DM_UEVENT_GENERATED_FLAG`
/// (4.17); older kernels are assumed to send the uevent.
pub const UEVENT_FLAG_DRIVER_VERSION: [u32; 2] = [4, 17];

bitflags::bitflags! {
    /// The udev flags a caller passes to `dm_task_set_cookie`
    /// (`DM_UDEV_*` and `DM_SUBSYSTEM_UDEV_FLAG*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct UdevFlags: u16 {
        /// `DM_UDEV_DISABLE_DM_RULES_FLAG`: no /dev/mapper links by udev.
        const DISABLE_DM_RULES = 0x0001;
        /// `DM_UDEV_DISABLE_SUBSYSTEM_RULES_FLAG`.
        const DISABLE_SUBSYSTEM_RULES = 0x0002;
        /// `DM_UDEV_DISABLE_DISK_RULES_FLAG`.
        const DISABLE_DISK_RULES = 0x0004;
        /// `DM_UDEV_DISABLE_OTHER_RULES_FLAG`.
        const DISABLE_OTHER_RULES = 0x0008;
        /// `DM_UDEV_LOW_PRIORITY_FLAG`.
        const LOW_PRIORITY = 0x0010;
        /// `DM_UDEV_DISABLE_LIBRARY_FALLBACK`: the library never touches nodes.
        const DISABLE_LIBRARY_FALLBACK = 0x0020;
        /// `DM_UDEV_PRIMARY_SOURCE_FLAG`: the event comes from libdm.
        const PRIMARY_SOURCE = 0x0040;
        /// `DM_SUBSYSTEM_UDEV_FLAG0`.
        const SUBSYSTEM_0 = 0x0100;
        /// `DM_SUBSYSTEM_UDEV_FLAG1`.
        const SUBSYSTEM_1 = 0x0200;
        /// `DM_SUBSYSTEM_UDEV_FLAG2`.
        const SUBSYSTEM_2 = 0x0400;
        /// `DM_SUBSYSTEM_UDEV_FLAG3`.
        const SUBSYSTEM_3 = 0x0800;
        /// `DM_SUBSYSTEM_UDEV_FLAG4`.
        const SUBSYSTEM_4 = 0x1000;
        /// `DM_SUBSYSTEM_UDEV_FLAG5`.
        const SUBSYSTEM_5 = 0x2000;
        /// `DM_SUBSYSTEM_UDEV_FLAG6`.
        const SUBSYSTEM_6 = 0x4000;
        /// `DM_SUBSYSTEM_UDEV_FLAG7`.
        const SUBSYSTEM_7 = 0x8000;
    }
}

impl UdevFlags {
    /// libdm's spelling in its "assigned to ... with flags" debug line.
    pub fn describe(self) -> String {
        const NAMES: [(UdevFlags, &str); 15] = [
            (UdevFlags::DISABLE_DM_RULES, "DISABLE_DM_RULES"),
            (UdevFlags::DISABLE_SUBSYSTEM_RULES, "DISABLE_SUBSYSTEM_RULES"),
            (UdevFlags::DISABLE_DISK_RULES, "DISABLE_DISK_RULES"),
            (UdevFlags::DISABLE_OTHER_RULES, "DISABLE_OTHER_RULES"),
            (UdevFlags::LOW_PRIORITY, "LOW_PRIORITY"),
            (UdevFlags::DISABLE_LIBRARY_FALLBACK, "DISABLE_LIBRARY_FALLBACK"),
            (UdevFlags::PRIMARY_SOURCE, "PRIMARY_SOURCE"),
            (UdevFlags::SUBSYSTEM_0, "SUBSYSTEM_0"),
            (UdevFlags::SUBSYSTEM_1, "SUBSYSTEM_1"),
            (UdevFlags::SUBSYSTEM_2, "SUBSYSTEM_2"),
            (UdevFlags::SUBSYSTEM_3, "SUBSYSTEM_3"),
            (UdevFlags::SUBSYSTEM_4, "SUBSYSTEM_4"),
            (UdevFlags::SUBSYSTEM_5, "SUBSYSTEM_5"),
            (UdevFlags::SUBSYSTEM_6, "SUBSYSTEM_6"),
            (UdevFlags::SUBSYSTEM_7, "SUBSYSTEM_7"),
        ];
        let mut s = String::new();
        for (flag, name) in NAMES {
            if self.contains(flag) {
                s.push(' ');
                s.push_str(name);
            }
        }
        s
    }
}

/// A cookie value: the magic in the upper half, a non-zero base below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cookie(u32);

impl Cookie {
    /// A cookie from its full value; refuses a value without the magic
    /// prefix or with a zero base.
    pub fn from_value(value: u32) -> Result<Cookie, CookieError> {
        if value >> FLAGS_SHIFT != COOKIE_MAGIC as u32 || value & !FLAGS_MASK == 0 {
            return Err(CookieError::BadPrefix(value));
        }
        Ok(Cookie(value))
    }

    /// The cookie with this base (None for 0, which means "no cookie").
    pub fn from_base(base: u16) -> Option<Cookie> {
        (base != 0).then_some(Cookie((COOKIE_MAGIC as u32) << FLAGS_SHIFT | base as u32))
    }

    /// The cookie an `event_nr` (or a uevent's `DM_COOKIE`) refers to:
    /// the flags are replaced by the magic, as `dmsetup udevcomplete` does.
    pub fn from_event_nr(event_nr: u32) -> Option<Cookie> {
        Cookie::from_base((event_nr & !FLAGS_MASK) as u16)
    }

    /// The full value (what `dm_udev_create_cookie` hands out).
    pub fn value(self) -> u32 {
        self.0
    }

    /// The lower 16 bits, which travel in `event_nr`.
    pub fn base(self) -> u16 {
        self.0 as u16
    }

    /// The System V key of its semaphore: the value itself.
    pub fn key(self) -> i32 {
        self.0 as i32
    }
}

impl std::fmt::Display for Cookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// `event_nr` for a request: the udev flags above, the cookie's base below.
pub fn encode_event_nr(flags: UdevFlags, cookie: Option<Cookie>) -> u32 {
    (flags.bits() as u32) << FLAGS_SHIFT | cookie.map_or(0, |c| c.base() as u32)
}

/// The udev flags and the cookie an `event_nr` (or `DM_COOKIE`) carries.
pub fn decode_event_nr(event_nr: u32) -> (UdevFlags, Option<Cookie>) {
    (UdevFlags::from_bits_retain((event_nr >> FLAGS_SHIFT) as u16), Cookie::from_event_nr(event_nr))
}

/// Why a cookie operation failed; displayed in libdm's words.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CookieError {
    /// The value lacks the magic prefix (or has a zero base).
    #[error("Could not continue to access notification semaphore identified by cookie value {0} ({0:#x}). Incorrect cookie prefix.")]
    BadPrefix(u32),
    /// No semaphore with that key.
    #[error("Could not find notification semaphore identified by cookie value {} ({})", .0.value(), .0)]
    NotFound(Cookie),
    /// The semaphore belongs to someone else.
    #[error("No permission to access notificaton semaphore identified by cookie value {} ({})", .0.value(), .0)]
    Permission(Cookie),
    /// A System V call failed.
    #[error("{what}: {}", strerror(*errno))]
    Sys {
        /// What was being done, naming the cookie and semid.
        what: String,
        /// errno.
        errno: i32,
    },
    /// A decrement would have gone below zero.
    #[error("semid {semid}: semop failed for cookie {cookie}: incorrect semaphore state")]
    BadState {
        /// The cookie.
        cookie: Cookie,
        /// Its semaphore id.
        semid: i32,
    },
    /// Every cookie value tried was taken.
    #[error("Failed to create notification semaphore: no free cookie value after {0} attempts")]
    NoFreeCookie(u32),
    /// The wait gave up.
    #[error("Udev cookie {cookie} (semid {semid}): gave up after {:.1} s waiting for udev to complete {pending} outstanding event(s){}; destroyed the semaphore. Is systemd-udevd running with the device-mapper rules (95-dm-notify.rules) installed?", .waited.as_secs_f64(), describe_ops(.ops))]
    TimedOut {
        /// The cookie.
        cookie: Cookie,
        /// Its semaphore id.
        semid: i32,
        /// How long the wait lasted.
        waited: Duration,
        /// Completions still missing when it gave up.
        pending: i32,
        /// The operations this process assigned to the cookie.
        ops: Vec<String>,
    },
}

fn describe_ops(ops: &[String]) -> String {
    if ops.is_empty() {
        String::new()
    } else {
        format!(" (operations assigned to it by this process: {})", ops.join(", "))
    }
}

impl CookieError {
    /// The errno behind the failure.
    pub fn errno(&self) -> i32 {
        match self {
            CookieError::BadPrefix(_) => libc::EINVAL,
            CookieError::NotFound(_) => libc::ENOENT,
            CookieError::Permission(_) => libc::EACCES,
            CookieError::Sys { errno, .. } => *errno,
            CookieError::BadState { .. } => libc::EAGAIN,
            CookieError::NoFreeCookie(_) => libc::ENOSPC,
            CookieError::TimedOut { .. } => libc::ETIMEDOUT,
        }
    }
}

// ---- whether to synchronise at all ------------------------------------------

static SYNC_WITH_UDEV: AtomicBool = AtomicBool::new(true);
static CHECKING: AtomicBool = AtomicBool::new(true);
static REQUIREMENTS: OnceLock<Requirements> = OnceLock::new();
static UDEV_DISABLED: OnceLock<bool> = OnceLock::new();

/// What the system offers for udev synchronisation, checked once per
/// process as libdm does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirements {
    /// `DM_DISABLE_UDEV` is set: the library manages nodes itself.
    pub udev_disabled: bool,
    /// The kernel has System V semaphores.
    pub semaphores: bool,
    /// systemd-udevd is running.
    pub udev_running: bool,
}

impl Requirements {
    /// All of them met, given the caller's `dm_udev_set_sync_support`.
    pub fn allow_sync(self, sync_with_udev: bool) -> bool {
        !self.udev_disabled && self.semaphores && self.udev_running && sync_with_udev
    }
}

/// Test-only: takes `assumed` as the requirements unless they were checked
/// already (for tests under Miri, which can neither call semctl nor look
/// for udev's socket); returns those in force.
#[cfg(test)]
pub fn assume_requirements(assumed: Requirements) -> Requirements {
    *REQUIREMENTS.get_or_init(|| assumed)
}

/// Whether `DM_DISABLE_UDEV` is set (read once, as libdm does at load).
pub fn udev_disabled() -> bool {
    *UDEV_DISABLED.get_or_init(|| std::env::var_os("DM_DISABLE_UDEV").is_some())
}

/// Whether udev is running now (its control socket exists).
pub fn udev_running_now() -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(UDEV_CONTROL).is_ok_and(|m| m.file_type().is_socket())
}

/// The requirements, checked on first use and logged as libdm does.
pub fn requirements() -> Requirements {
    *REQUIREMENTS.get_or_init(|| {
        let semaphores = match sysv::sem_info() {
            Ok(_) => true,
            Err(_) => {
                crate::log_warn!("Kernel not configured for semaphores (System V IPC). Not using udev synchronisation code.");
                false
            }
        };
        let udev_running = udev_running_now();
        if !udev_running {
            crate::log_debug!("Udev is not running. Not using udev synchronisation code.");
        }
        let udev_disabled = udev_disabled();
        if udev_disabled && udev_running {
            crate::log_warn!("Udev is running and DM_DISABLE_UDEV environment variable is set. Bypassing udev, device-mapper library will manage device nodes in device directory.");
        }
        Requirements { udev_disabled, semaphores, udev_running }
    })
}

/// `dm_udev_set_sync_support`.
pub fn set_sync_with_udev(sync: bool) {
    let _ = requirements();
    SYNC_WITH_UDEV.store(sync, Ordering::Relaxed);
}

/// What the caller last gave `dm_udev_set_sync_support` (default true).
pub fn sync_with_udev() -> bool {
    SYNC_WITH_UDEV.load(Ordering::Relaxed)
}

/// Everything but the kernel's support allows synchronisation.
pub fn sync_requirements_met() -> bool {
    requirements().allow_sync(sync_with_udev())
}

/// `dm_udev_set_checking`: whether to warn when udev did not do its part.
pub fn set_checking(checking: bool) {
    CHECKING.store(checking, Ordering::Relaxed);
    if checking {
        crate::log_debug!("DM udev checking enabled");
    } else {
        crate::log_debug!("DM udev checking disabled");
    }
}

/// `dm_udev_get_checking`.
pub fn checking() -> bool {
    CHECKING.load(Ordering::Relaxed)
}

/// Whether the driver version passes cookies in uevents.
pub fn driver_takes_cookies(version: [u32; 3]) -> bool {
    (version[0], version[1]) >= (COOKIE_DRIVER_VERSION[0], COOKIE_DRIVER_VERSION[1])
}

/// Whether a reply means the kernel sent a uevent: its
/// `DM_UEVENT_GENERATED_FLAG`, or, from drivers too old to report it
/// (< 4.17), an assumed yes for resume, remove and rename.
pub fn uevent_generated(flag_in_reply: bool, driver_version: [u32; 3], uevent_ioctl: bool) -> bool {
    let reports = (driver_version[0], driver_version[1]) >= (UEVENT_FLAG_DRIVER_VERSION[0], UEVENT_FLAG_DRIVER_VERSION[1]);
    if reports {
        flag_in_reply
    } else {
        uevent_ioctl
    }
}

/// Whether cookies are in use for the next task: the driver takes them and
/// synchronisation is possible and wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// The driver passes cookies (version >= 4.15): flags are sent at all.
    pub kernel_cookies: bool,
    /// Semaphores are used (implies `kernel_cookies`).
    pub sync: bool,
}

impl Support {
    /// The support in force now, given whether the driver takes cookies.
    pub fn now(kernel_cookies: bool) -> Support {
        Support { kernel_cookies, sync: kernel_cookies && sync_requirements_met() }
    }
}

// ---- waiting ----------------------------------------------------------------

static WAIT_TIMEOUT_MS: AtomicU64 = AtomicU64::new(0);

/// The bound on every wait: [`set_wait_timeout`], else
/// `DM_UDEV_WAIT_TIMEOUT` (seconds, read once), else udev's event timeout
/// ([`udev_event_timeout`], read once).
pub fn wait_timeout() -> Duration {
    let ms = WAIT_TIMEOUT_MS.load(Ordering::Relaxed);
    if ms != 0 {
        return Duration::from_millis(ms);
    }
    static FROM_ENV: OnceLock<Duration> = OnceLock::new();
    *FROM_ENV.get_or_init(|| {
        std::env::var("DM_UDEV_WAIT_TIMEOUT")
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e6)
            .map(Duration::from_secs_f64)
            .unwrap_or_else(udev_event_timeout)
    })
}

/// How long udev may spend on one event before it gives up on it: the
/// kernel command line's `udev.event_timeout=`, else `event_timeout=` in
/// `/etc/udev/udev.conf`, else udev's default (180 s). A wait for udev
/// that lasted longer would wait for an event udev has abandoned.
pub fn udev_event_timeout() -> Duration {
    let cmdline = std::fs::read_to_string("/proc/cmdline").unwrap_or_default();
    let conf = std::fs::read_to_string("/etc/udev/udev.conf").unwrap_or_default();
    event_timeout_from(&cmdline, &conf)
}

/// [`udev_event_timeout`] from the texts of the kernel command line and
/// udev.conf (whole seconds, as udev reads them; others are ignored).
pub fn event_timeout_from(cmdline: &str, udev_conf: &str) -> Duration {
    let seconds = |v: &str| v.trim().trim_matches('"').parse::<u64>().ok().filter(|s| *s > 0 && *s < 1_000_000);
    // The last setting wins, as udev reads them.
    let from_cmdline = cmdline.split_whitespace().rev().filter_map(|w| w.strip_prefix("udev.event_timeout=")).find_map(seconds);
    let from_conf = udev_conf
        .lines()
        .rev()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.trim() == "event_timeout")
        .find_map(|(_, v)| seconds(v));
    from_cmdline.or(from_conf).map(Duration::from_secs).unwrap_or(DEFAULT_WAIT_TIMEOUT)
}

/// Sets the bound on waits for this process (zero restores the default).
pub fn set_wait_timeout(timeout: Duration) {
    WAIT_TIMEOUT_MS.store(timeout.as_millis().min(u64::MAX as u128) as u64, Ordering::Relaxed);
}

// ---- the semaphore ----------------------------------------------------------

/// What this process assigned to each cookie, for the timeout message.
static ASSIGNED: Mutex<Option<HashMap<u32, Vec<String>>>> = Mutex::new(None);

/// Bounds on that record: cookies completed and removed by other
/// processes are never waited for here, so it must not grow without end.
const ASSIGNED_COOKIES: usize = 256;
const ASSIGNED_OPS: usize = 32;

fn note_assigned(cookie: Cookie, what: &str) {
    let mut g = ASSIGNED.lock().unwrap_or_else(|e| e.into_inner());
    let map = g.get_or_insert_with(HashMap::new);
    if map.len() >= ASSIGNED_COOKIES && !map.contains_key(&cookie.value()) {
        return;
    }
    let ops = map.entry(cookie.value()).or_default();
    if ops.len() < ASSIGNED_OPS {
        ops.push(what.to_string());
    }
}

fn assigned(cookie: Cookie) -> Vec<String> {
    let g = ASSIGNED.lock().unwrap_or_else(|e| e.into_inner());
    g.as_ref().and_then(|m| m.get(&cookie.value()).cloned()).unwrap_or_default()
}

fn take_assigned(cookie: Cookie) -> Vec<String> {
    let mut g = ASSIGNED.lock().unwrap_or_else(|e| e.into_inner());
    g.as_mut().and_then(|m| m.remove(&cookie.value())).unwrap_or_default()
}

/// An open cookie semaphore. Dropping it leaves the semaphore alone (it is
/// shared with udev and other processes); [`Semaphore::destroy`] removes it.
#[derive(Debug)]
pub struct Semaphore {
    cookie: Cookie,
    semid: i32,
}

fn random_base() -> Result<u16, CookieError> {
    let mut buf = [0u8; 2];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| CookieError::Sys {
            what: "Failed to read /dev/urandom to create random cookie value".into(),
            errno: e.raw_os_error().unwrap_or(libc::EIO),
        })?;
    Ok(u16::from_ne_bytes(buf))
}

const CREATE_ATTEMPTS: u32 = 4096;

impl Semaphore {
    /// Creates a new cookie semaphore (value 1) under a random unused
    /// cookie value.
    pub fn create() -> Result<Semaphore, CookieError> {
        let mut attempts = 0;
        let (cookie, semid) = loop {
            attempts += 1;
            if attempts > CREATE_ATTEMPTS {
                return Err(CookieError::NoFreeCookie(CREATE_ATTEMPTS));
            }
            let Some(cookie) = Cookie::from_base(random_base()?) else { continue };
            match sysv::semget(cookie.key(), 0o600 | libc::IPC_CREAT | libc::IPC_EXCL) {
                Ok(semid) => break (cookie, semid),
                Err(libc::EEXIST) => continue,
                Err(libc::ENOMEM) => {
                    return Err(CookieError::Sys { what: "Not enough memory to create notification semaphore".into(), errno: libc::ENOMEM })
                }
                Err(libc::ENOSPC) => {
                    return Err(CookieError::Sys {
                        what: "Limit for the maximum number of semaphores reached. You can check and set the limits in /proc/sys/kernel/sem.".into(),
                        errno: libc::ENOSPC,
                    })
                }
                Err(errno) => return Err(CookieError::Sys { what: "Failed to create notification semaphore".into(), errno }),
            }
        };
        crate::log_debug!("Udev cookie {cookie} (semid {semid}) created");
        let sem = Semaphore { cookie, semid };
        if let Err(errno) = sysv::set_value(semid, 1) {
            // Never leave a half-made semaphore behind.
            let _ = sem.destroy();
            return Err(CookieError::Sys { what: format!("semid {semid}: semctl failed"), errno });
        }
        crate::log_debug!("Udev cookie {cookie} (semid {semid}) incremented to 1");
        Ok(sem)
    }

    /// Opens the semaphore of an existing cookie.
    pub fn open(cookie: Cookie) -> Result<Semaphore, CookieError> {
        match sysv::semget(cookie.key(), 0) {
            Ok(semid) => Ok(Semaphore { cookie, semid }),
            Err(libc::ENOENT) => Err(CookieError::NotFound(cookie)),
            Err(libc::EACCES) => Err(CookieError::Permission(cookie)),
            Err(errno) => Err(CookieError::Sys {
                what: format!("Failed to access notification semaphore identified by cookie value {} ({cookie})", cookie.value()),
                errno,
            }),
        }
    }

    /// Opens the semaphore of a cookie value, checking its prefix.
    pub fn open_value(value: u32) -> Result<Semaphore, CookieError> {
        Semaphore::open(Cookie::from_value(value)?)
    }

    /// The cookie.
    pub fn cookie(&self) -> Cookie {
        self.cookie
    }

    /// The semaphore id.
    pub fn semid(&self) -> i32 {
        self.semid
    }

    /// The semaphore's value.
    pub fn value(&self) -> Result<i32, CookieError> {
        sysv::get_value(self.semid).map_err(|errno| CookieError::Sys {
            what: format!("semid {}: sem_ctl GETVAL failed for cookie {}", self.semid, self.cookie),
            errno,
        })
    }

    /// Adds one expected completion.
    pub fn increment(&self) -> Result<(), CookieError> {
        sysv::semop(self.semid, 1, 0).map_err(|errno| CookieError::Sys {
            what: format!("semid {}: semop failed for cookie {}", self.semid, self.cookie),
            errno,
        })?;
        let val = self.value()?;
        crate::log_debug!("Udev cookie {} (semid {}) incremented to {val}", self.cookie, self.semid);
        Ok(())
    }

    /// Takes one completion away, never waiting (fails at zero).
    pub fn decrement(&self) -> Result<(), CookieError> {
        let val = self.value()?;
        match sysv::semop(self.semid, -1, libc::IPC_NOWAIT as i16) {
            Ok(()) => {
                crate::log_debug!("Udev cookie {} (semid {}) decremented to {}", self.cookie, self.semid, val - 1);
                Ok(())
            }
            Err(libc::EAGAIN) => Err(CookieError::BadState { cookie: self.cookie, semid: self.semid }),
            Err(errno) => Err(CookieError::Sys {
                what: format!("semid {}: semop failed for cookie {}", self.semid, self.cookie),
                errno,
            }),
        }
    }

    /// Removes the semaphore (waiters wake with EIDRM).
    pub fn destroy(self) -> Result<(), CookieError> {
        take_assigned(self.cookie);
        sysv::remove(self.semid).map_err(|errno| CookieError::Sys {
            what: format!(
                "Could not cleanup notification semaphore identified by cookie value {} ({})",
                self.cookie.value(),
                self.cookie
            ),
            errno,
        })?;
        crate::log_debug!("Udev cookie {} (semid {}) destroyed", self.cookie, self.semid);
        Ok(())
    }

    /// Waits until the value is zero, at most `timeout`, calling `warn`
    /// with a message naming the cookie at every multiple of `warn_every`
    /// before the timeout. `Ok(true)`: zero reached; `Ok(false)`: someone
    /// removed the semaphore meanwhile.
    fn wait_zero(&self, timeout: Duration, warn_every: Duration, warn: &mut dyn FnMut(&str)) -> Result<bool, CookieError> {
        let start = Instant::now();
        let mut next_warning = warn_every;
        loop {
            let elapsed = start.elapsed();
            // One warning for each period passed, however late this wake-up.
            while !warn_every.is_zero() && next_warning <= elapsed && next_warning < timeout {
                warn(&self.still_waiting(next_warning, timeout));
                next_warning += warn_every;
            }
            let left = timeout.saturating_sub(elapsed);
            if left.is_zero() {
                return Err(self.timed_out(elapsed));
            }
            let slice = if warn_every.is_zero() { left } else { left.min(next_warning.saturating_sub(elapsed)) };
            match sysv::semop_timeout(self.semid, 0, 0, slice.max(Duration::from_millis(1))) {
                Ok(()) => return Ok(true),
                Err(libc::EINTR) | Err(libc::EAGAIN) => continue,
                Err(libc::EIDRM) | Err(libc::EINVAL) => return Ok(false),
                Err(errno) => {
                    return Err(CookieError::Sys {
                        what: format!(
                            "Could not set wait state for notification semaphore identified by cookie value {} ({})",
                            self.cookie.value(),
                            self.cookie
                        ),
                        errno,
                    })
                }
            }
        }
    }

    fn still_waiting(&self, waited: Duration, timeout: Duration) -> String {
        format!(
            "Udev cookie {} (semid {}): still waiting after {:.0} s for udev to complete {} outstanding event(s){}; giving up after {:.0} s.",
            self.cookie,
            self.semid,
            waited.as_secs_f64(),
            self.value().unwrap_or(-1),
            describe_ops(&assigned(self.cookie)),
            timeout.as_secs_f64()
        )
    }

    fn timed_out(&self, waited: Duration) -> CookieError {
        CookieError::TimedOut {
            cookie: self.cookie,
            semid: self.semid,
            waited,
            pending: self.value().unwrap_or(-1),
            ops: take_assigned(self.cookie),
        }
    }
}

/// `dm_udev_create_cookie` with synchronisation on: a new cookie at 1.
pub fn create_cookie() -> Result<Cookie, CookieError> {
    Semaphore::create().map(|s| s.cookie())
}

/// `dm_udev_complete`: one expected event has been processed.
pub fn complete(cookie: Cookie) -> Result<(), CookieError> {
    Semaphore::open(cookie)?.decrement()
}

/// `dm_udev_wait`, bounded by [`wait_timeout`].
pub fn wait(cookie: Cookie) -> Result<(), CookieError> {
    wait_for(cookie, wait_timeout())
}

/// `dm_udev_wait` bounded by `timeout`: drops the waiter's own count,
/// waits for the events still expected (warning every
/// [`WAIT_WARN_PERIOD`]), and removes the semaphore. On any failure,
/// including the timeout, the semaphore is removed too.
pub fn wait_for(cookie: Cookie, timeout: Duration) -> Result<(), CookieError> {
    wait_for_warning_every(cookie, timeout, WAIT_WARN_PERIOD, &mut log_still_waiting)
}

/// [`wait_for`], with `warn` told every `warn_every` that it goes on.
pub fn wait_for_warning_every(cookie: Cookie, timeout: Duration, warn_every: Duration, warn: &mut dyn FnMut(&str)) -> Result<(), CookieError> {
    let sem = Semaphore::open(cookie)?;
    finish_wait(sem, timeout, warn_every, warn)
}

fn log_still_waiting(message: &str) {
    crate::log_warn!("{message}");
}

fn finish_wait(sem: Semaphore, timeout: Duration, warn_every: Duration, warn: &mut dyn FnMut(&str)) -> Result<(), CookieError> {
    if let Err(e) = sem.decrement() {
        let _ = sem.destroy();
        return Err(e);
    }
    crate::log_debug!(
        "Udev cookie {} (semid {}) waiting for zero (at most {:.1} s){}",
        sem.cookie,
        sem.semid,
        timeout.as_secs_f64(),
        describe_ops(&assigned(sem.cookie))
    );
    match sem.wait_zero(timeout, warn_every, warn) {
        Ok(true) => sem.destroy(),
        Ok(false) => {
            take_assigned(sem.cookie);
            crate::log_debug!("Udev cookie {} (semid {}) was destroyed by another process", sem.cookie, sem.semid);
            Ok(())
        }
        Err(e) => {
            let _ = sem.destroy();
            Err(e)
        }
    }
}

/// `dm_udev_wait_immediate`: `Ok(false)` while events are still expected
/// (nothing changes); otherwise as [`wait`] and `Ok(true)`.
pub fn wait_immediate(cookie: Cookie) -> Result<bool, CookieError> {
    let sem = Semaphore::open(cookie)?;
    match sem.value() {
        Ok(v) if v > 1 => Ok(false),
        Ok(_) => finish_wait(sem, wait_timeout(), WAIT_WARN_PERIOD, &mut log_still_waiting).map(|()| true),
        Err(e) => {
            let _ = sem.destroy();
            Err(e)
        }
    }
}

/// Removes a cookie's semaphore outright.
pub fn destroy(cookie: Cookie) -> Result<(), CookieError> {
    Semaphore::open(cookie)?.destroy()
}

// ---- tasks ------------------------------------------------------------------

/// libdm's `_set_cookie_flags`: the flags a task sends. With
/// `DM_DISABLE_UDEV` the library makes the nodes and udev's dm and
/// subsystem rules stay out.
pub fn effective_flags(flags: UdevFlags, udev_disabled: bool) -> UdevFlags {
    if udev_disabled {
        (flags - UdevFlags::DISABLE_LIBRARY_FALLBACK) | UdevFlags::DISABLE_DM_RULES | UdevFlags::DISABLE_SUBSYSTEM_RULES
    } else {
        flags
    }
}

/// `dm_task_set_cookie`: decides the task's `event_nr` and, with
/// synchronisation on, takes one count on the cookie in `*cookie`
/// (creating it when `*cookie` is 0, `DM_COOKIE_AUTO_CREATE`). Without
/// synchronisation `*cookie` becomes 0 and only the flags travel (when the
/// driver takes them). `what` names the task for the logs ("RESUME vg-lv").
///
/// On failure nothing is left behind: a semaphore created here is removed
/// and `*cookie` is 0 again; the task's `event_nr` should then be 0.
///
/// Like every function here, errors are returned, not logged (the C entry
/// points log them in libdm's words); progress is logged at debug level.
pub fn set_task_cookie(cookie: &mut u32, flags: u16, support: Support, what: &str) -> Result<u32, CookieError> {
    let flags = UdevFlags::from_bits_retain(flags);
    let sent = if support.kernel_cookies { effective_flags(flags, udev_disabled()) } else { UdevFlags::empty() };
    if !support.sync {
        *cookie = 0;
        return Ok(encode_event_nr(sent, None));
    }
    let (sem, created) = if *cookie == 0 {
        let sem = Semaphore::create()?;
        *cookie = sem.cookie().value();
        (sem, true)
    } else {
        (Semaphore::open_value(*cookie)?, false)
    };
    if let Err(e) = sem.increment() {
        if created {
            *cookie = 0;
            let _ = sem.destroy();
        }
        return Err(e);
    }
    note_assigned(sem.cookie(), what);
    crate::log_debug!(
        "Udev cookie {} (semid {}) assigned to {what} with flags{} ({:#x})",
        sem.cookie(),
        sem.semid(),
        flags.describe(),
        flags.bits()
    );
    Ok(encode_event_nr(sent, Some(sem.cookie())))
}

/// The `event_nr` to put into the request itself (libdm's `_do_dm_ioctl`):
/// for a resume, remove or rename (`uevent_ioctl`), mark the event as
/// coming from the library (`PRIMARY_SOURCE`), and when synchronisation is
/// on but the caller set no cookie, keep udev's dm and subsystem rules out
/// so that the library's own nodes do not race with udev's.
pub fn ioctl_event_nr(event_nr: u32, uevent_ioctl: bool, cookie_set: bool, support: Support) -> u32 {
    let mut flags = UdevFlags::empty();
    if uevent_ioctl && support.kernel_cookies {
        flags |= UdevFlags::PRIMARY_SOURCE;
        if !cookie_set && support.sync {
            crate::log_debug!("Cookie value is not set while trying to call a resume, remove or rename ioctl. Switching off device-mapper and all subsystem related udev rules. Falling back to libdevmapper node creation.");
            flags |= UdevFlags::DISABLE_DM_RULES | UdevFlags::DISABLE_SUBSYSTEM_RULES;
        }
    }
    event_nr | (flags.bits() as u32) << FLAGS_SHIFT
}

/// After the request that carried a task's cookie (libdm's
/// `_udev_complete`): `uevent_generated` is None when the request failed,
/// else whether the kernel sent the uevent (see [`uevent_generated`]).
/// When udev will not complete the cookie, the library does.
pub fn task_finished(event_nr: u32, cookie_set: bool, uevent_generated: Option<bool>) -> Result<(), CookieError> {
    task_finished_after(event_nr, cookie_set, uevent_generated, false)
}

/// [`task_finished`], told whether the task was a remove the kernel only
/// scheduled (`deferred_remove` in its reply), which sends no uevent.
pub fn task_finished_after(
    event_nr: u32,
    cookie_set: bool,
    uevent_generated: Option<bool>,
    deferred_remove: bool,
) -> Result<(), CookieError> {
    let Some(cookie) = Cookie::from_event_nr(event_nr).filter(|_| cookie_set) else { return Ok(()) };
    match uevent_generated {
        Some(true) => Ok(()),
        Some(false) => {
            crate::log_debug!("{}", no_uevent_message(deferred_remove));
            complete(cookie)
        }
        None => complete(cookie),
    }
}

/// What the library says when it completes a cookie itself because the
/// kernel sent no uevent. A deferred remove (the device still open, removed
/// on its last close) sends none by design: libdm 1.02.214 says so rather
/// than calling the uevent missing.
fn no_uevent_message(deferred_remove: bool) -> &'static str {
    if deferred_remove {
        "Device remove deferred: no uevent until the device is closed. Calling udev_complete internally to avoid process lock-up."
    } else {
        "Uevent not generated! Calling udev_complete internally to avoid process lock-up."
    }
}

/// Whether the library should leave a task's device nodes to udev until
/// the wait (libdm's `check_udev`): a cookie with synchronisation, dm rules
/// not disabled.
pub fn udev_makes_nodes(event_nr: u32, cookie_set: bool) -> bool {
    let (flags, cookie) = decode_event_nr(event_nr);
    cookie_set && cookie.is_some() && !flags.contains(UdevFlags::DISABLE_DM_RULES)
}

/// Whether the library must never touch a task's nodes (libdm's
/// `rely_on_udev`: `DM_UDEV_DISABLE_LIBRARY_FALLBACK` with a cookie set).
pub fn relies_on_udev(event_nr: u32, cookie_set: bool) -> bool {
    cookie_set && decode_event_nr(event_nr).0.contains(UdevFlags::DISABLE_LIBRARY_FALLBACK)
}

// ---- the node queue -----------------------------------------------------------

/// A `/dev/mapper` change the library owes unless udev makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeOp {
    /// The node of a created or resumed device.
    Add {
        /// Device name.
        name: String,
        /// Block major.
        major: u32,
        /// Block minor.
        minor: u32,
        /// Ownership and mode.
        owner: NodeOwner,
    },
    /// The node of a removed device.
    Remove {
        /// Device name.
        name: String,
    },
    /// The node of a renamed device.
    Rename {
        /// Old name.
        old: String,
        /// New name.
        new: String,
    },
}

impl NodeOp {
    fn name(&self) -> &str {
        match self {
            NodeOp::Add { name, .. } | NodeOp::Remove { name } => name,
            NodeOp::Rename { new, .. } => new,
        }
    }
}

static NODE_OPS: Mutex<Vec<(NodeOp, bool)>> = Mutex::new(Vec::new());

/// Queues a node operation until [`update_devs`]; `check_udev` says udev
/// was expected to do it (warn, when checking, if it did not). A removal
/// cancels an earlier queued creation of the same name and vice versa.
pub fn queue_node_op(op: NodeOp, check_udev: bool) {
    let mut q = NODE_OPS.lock().unwrap_or_else(|e| e.into_inner());
    match &op {
        NodeOp::Remove { name } => q.retain(|(o, _)| !matches!(o, NodeOp::Add { name: n, .. } if n == name)),
        NodeOp::Add { name, .. } => q.retain(|(o, _)| !matches!(o, NodeOp::Remove { name: n } if n == name)),
        NodeOp::Rename { .. } => {}
    }
    crate::log_debug!("Queued node operation {op:?}");
    q.push((op, check_udev));
}

/// Operations still queued.
pub fn queued_node_ops() -> Vec<NodeOp> {
    NODE_OPS.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|(o, _)| o.clone()).collect()
}

/// Runs the queued node operations (libdm's `update_devs`, done by
/// `dm_udev_wait`, `dm_task_update_nodes` and `dm_lib_release`). Where udev
/// already did the work, nothing changes.
pub fn update_devs() {
    let ops = std::mem::take(&mut *NODE_OPS.lock().unwrap_or_else(|e| e.into_inner()));
    for (op, check_udev) in ops {
        let warn = check_udev && checking();
        if let Err(errno) = run_node_op(&op, warn) {
            crate::log_error!(errno = errno; "Failed to update the device node of {}: {}", op.name(), strerror(errno));
        }
    }
}

fn run_node_op(op: &NodeOp, warn: bool) -> Result<(), i32> {
    let dir = super::mapper_dir();
    match op {
        NodeOp::Add { name, major, minor, owner } => {
            let path = dir.join(name);
            if warn && std::fs::metadata(&path).is_err() {
                crate::log_warn!("{} not set up by udev: Falling back to direct node creation.", path.display());
            }
            super::ensure_node(name, *major, *minor, *owner)
        }
        NodeOp::Remove { name } => {
            let path = dir.join(name);
            if warn && std::fs::symlink_metadata(&path).is_ok() {
                crate::log_warn!("Node {} was not removed by udev. Falling back to direct node removal.", path.display());
            }
            super::remove_node(name)
        }
        NodeOp::Rename { old, new } => {
            let (oldpath, newpath) = (dir.join(old), dir.join(new));
            let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
            if exists(&newpath) {
                if !exists(&oldpath) {
                    return Ok(());
                }
                if warn {
                    crate::log_warn!("The node {} should have been renamed to {} by udev but old node is still present. Falling back to direct old node removal.", oldpath.display(), newpath.display());
                }
                return super::remove_node(old);
            }
            if warn {
                crate::log_warn!("The node {} should have been renamed to {} by udev but new node is not present. Falling back to direct node rename.", oldpath.display(), newpath.display());
            }
            super::rename_node(old, new)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_deferred_remove_is_not_reported_as_a_missing_uevent() {
        assert_eq!(
            super::no_uevent_message(true),
            "Device remove deferred: no uevent until the device is closed. Calling udev_complete internally to avoid process lock-up."
        );
        assert_eq!(super::no_uevent_message(false), "Uevent not generated! Calling udev_complete internally to avoid process lock-up.");
    }

    use super::*;

    const SYNC: Support = Support { kernel_cookies: true, sync: true };
    const NO_SYNC: Support = Support { kernel_cookies: true, sync: false };
    const OLD_KERNEL: Support = Support { kernel_cookies: false, sync: false };

    fn gone(cookie: Cookie) -> bool {
        matches!(Semaphore::open(cookie), Err(CookieError::NotFound(_)))
    }

    #[test]
    fn cookie_values() {
        let c = Cookie::from_base(0x1234).unwrap();
        assert_eq!(c.value(), 0x0D4D_1234);
        assert_eq!(c.base(), 0x1234);
        assert_eq!(c.key(), 0x0D4D_1234);
        assert_eq!(c.to_string(), "0xd4d1234");
        assert_eq!(Cookie::from_base(0), None);
        assert_eq!(Cookie::from_value(0x0D4D_1234), Ok(c));
        assert_eq!(Cookie::from_value(0x0D4E_1234), Err(CookieError::BadPrefix(0x0D4E_1234)));
        assert_eq!(Cookie::from_value(0x0D4D_0000), Err(CookieError::BadPrefix(0x0D4D_0000)));
        assert_eq!(Cookie::from_value(0), Err(CookieError::BadPrefix(0)));
        // The magic is 3405 as in libdevmapper.h.
        assert_eq!(COOKIE_MAGIC as i32, crate::capi::types::DM_COOKIE_MAGIC);
        assert_eq!(FLAGS_MASK, crate::capi::types::DM_UDEV_FLAGS_MASK);
        assert_eq!(FLAGS_SHIFT as i32, crate::capi::types::DM_UDEV_FLAGS_SHIFT);
    }

    #[test]
    fn flags_match_the_header() {
        use crate::capi::types as t;
        let pairs = [
            (UdevFlags::DISABLE_DM_RULES, t::DM_UDEV_DISABLE_DM_RULES_FLAG),
            (UdevFlags::DISABLE_SUBSYSTEM_RULES, t::DM_UDEV_DISABLE_SUBSYSTEM_RULES_FLAG),
            (UdevFlags::DISABLE_DISK_RULES, t::DM_UDEV_DISABLE_DISK_RULES_FLAG),
            (UdevFlags::DISABLE_OTHER_RULES, t::DM_UDEV_DISABLE_OTHER_RULES_FLAG),
            (UdevFlags::LOW_PRIORITY, t::DM_UDEV_LOW_PRIORITY_FLAG),
            (UdevFlags::DISABLE_LIBRARY_FALLBACK, t::DM_UDEV_DISABLE_LIBRARY_FALLBACK),
            (UdevFlags::PRIMARY_SOURCE, t::DM_UDEV_PRIMARY_SOURCE_FLAG),
            (UdevFlags::SUBSYSTEM_0, t::DM_SUBSYSTEM_UDEV_FLAG0),
            (UdevFlags::SUBSYSTEM_7, t::DM_SUBSYSTEM_UDEV_FLAG7),
        ];
        for (f, c) in pairs {
            assert_eq!(f.bits() as i32, c, "{f:?}");
        }
    }

    #[test]
    fn event_nr_encoding() {
        let c = Cookie::from_base(0xBEEF).unwrap();
        let f = UdevFlags::DISABLE_LIBRARY_FALLBACK | UdevFlags::SUBSYSTEM_0;
        let ev = encode_event_nr(f, Some(c));
        assert_eq!(ev, 0x0120_BEEF);
        assert_eq!(decode_event_nr(ev), (f, Some(c)));
        // What `dmsetup udevcomplete $DM_COOKIE` makes of it: flags out, magic in.
        assert_eq!(Cookie::from_event_nr(ev).unwrap().value(), 0x0D4D_BEEF);
        // Flags alone carry no cookie: udevcomplete has nothing to do.
        assert_eq!(decode_event_nr(0x0040_0000), (UdevFlags::PRIMARY_SOURCE, None));
        // Unnamed bits survive a round trip.
        assert_eq!(decode_event_nr(0x0080_0001).0.bits(), 0x0080);
        assert_eq!(UdevFlags::from_bits_retain(0x0021).describe(), " DISABLE_DM_RULES DISABLE_LIBRARY_FALLBACK");
    }

    #[test]
    fn flags_without_sync() {
        let mut cookie = 0x0D4D_0001;
        let ev = set_task_cookie(&mut cookie, 0x0020, NO_SYNC, "RESUME t").unwrap();
        assert_eq!(cookie, 0);
        let expect = if udev_disabled() { 0x0003 } else { 0x0020 };
        assert_eq!(ev, expect << 16);
        // A driver older than 4.15 gets no flags at all.
        let mut cookie = 0;
        assert_eq!(set_task_cookie(&mut cookie, 0x0020, OLD_KERNEL, "RESUME t"), Ok(0));
    }

    #[test]
    fn effective_flags_with_dm_disable_udev() {
        let f = UdevFlags::DISABLE_LIBRARY_FALLBACK | UdevFlags::LOW_PRIORITY;
        assert_eq!(effective_flags(f, false), f);
        assert_eq!(
            effective_flags(f, true),
            UdevFlags::LOW_PRIORITY | UdevFlags::DISABLE_DM_RULES | UdevFlags::DISABLE_SUBSYSTEM_RULES
        );
    }

    #[test]
    fn ioctl_flags() {
        assert_eq!(ioctl_event_nr(0x0020_1234, true, true, SYNC), 0x0060_1234);
        assert_eq!(ioctl_event_nr(0x0020_1234, false, true, SYNC), 0x0020_1234);
        // No cookie set while syncing: udev's dm rules are kept out.
        assert_eq!(ioctl_event_nr(0, true, false, SYNC), 0x0043_0000);
        assert_eq!(ioctl_event_nr(0, true, false, NO_SYNC), 0x0040_0000);
        assert_eq!(ioctl_event_nr(0, true, false, OLD_KERNEL), 0);
    }

    #[test]
    fn uevent_flag_by_driver_version() {
        assert!(uevent_generated(true, [4, 48, 0], true));
        assert!(!uevent_generated(false, [4, 48, 0], true));
        assert!(uevent_generated(false, [4, 16, 0], true));
        assert!(!uevent_generated(false, [4, 16, 0], false));
        assert!(driver_takes_cookies([4, 15, 0]));
        assert!(!driver_takes_cookies([4, 14, 9]));
    }

    #[test]
    fn node_policy() {
        let ev = encode_event_nr(UdevFlags::empty(), Cookie::from_base(7));
        assert!(udev_makes_nodes(ev, true));
        assert!(!udev_makes_nodes(ev, false));
        assert!(!udev_makes_nodes(ev | 1 << 16, true));
        assert!(!udev_makes_nodes(0x0020_0000, true));
        assert!(relies_on_udev(0x0020_0000, true));
        assert!(!relies_on_udev(0x0020_0000, false));
    }

    #[test]
    fn requirements_logic() {
        let all = Requirements { udev_disabled: false, semaphores: true, udev_running: true };
        assert!(all.allow_sync(true));
        assert!(!all.allow_sync(false));
        assert!(!Requirements { udev_disabled: true, ..all }.allow_sync(true));
        assert!(!Requirements { semaphores: false, ..all }.allow_sync(true));
        assert!(!Requirements { udev_running: false, ..all }.allow_sync(true));
    }

    // The rest works on real semaphores of this machine.

    #[test]
    fn create_increment_complete_wait() {
        let mut value = 0;
        let ev = set_task_cookie(&mut value, 0x0004, SYNC, "RESUME a").unwrap();
        let cookie = Cookie::from_value(value).unwrap();
        let sem = Semaphore::open(cookie).unwrap();
        assert_eq!(sem.value(), Ok(2));
        assert_eq!(ev, encode_event_nr(effective_flags(UdevFlags::DISABLE_DISK_RULES, udev_disabled()), Some(cookie)));
        let st = sysv::stat(sem.semid()).unwrap();
        assert_eq!((st.key, st.mode & 0o777, st.nsems), (cookie.key(), 0o600, 1));
        // A second task on the same cookie.
        let mut again = value;
        set_task_cookie(&mut again, 0, SYNC, "REMOVE b").unwrap();
        assert_eq!(again, value);
        assert_eq!(sem.value(), Ok(3));
        // udev completes one (as `dmsetup udevcomplete $DM_COOKIE` would,
        // from the flagged event_nr), the other produced no uevent.
        complete(Cookie::from_event_nr(ev).unwrap()).unwrap();
        task_finished(ev, true, Some(false)).unwrap();
        assert_eq!(sem.value(), Ok(1));
        assert_eq!(wait_for(cookie, Duration::from_secs(5)), Ok(()));
        assert!(gone(cookie));
    }

    #[test]
    fn failed_ioctl_completes_and_success_does_not() {
        let mut value = 0;
        let ev = set_task_cookie(&mut value, 0, SYNC, "RENAME x").unwrap();
        let cookie = Cookie::from_value(value).unwrap();
        task_finished(ev, true, Some(true)).unwrap();
        assert_eq!(Semaphore::open(cookie).unwrap().value(), Ok(2));
        task_finished(ev, true, None).unwrap();
        assert_eq!(Semaphore::open(cookie).unwrap().value(), Ok(1));
        // No cookie set, or flags only: nothing to do.
        task_finished(ev, false, None).unwrap();
        task_finished(0x0020_0000, true, None).unwrap();
        assert_eq!(Semaphore::open(cookie).unwrap().value(), Ok(1));
        wait_for(cookie, Duration::from_secs(5)).unwrap();
        assert!(gone(cookie));
    }

    #[test]
    fn wait_completed_from_another_thread() {
        let cookie = create_cookie().unwrap();
        let sem = Semaphore::open(cookie).unwrap();
        sem.increment().unwrap();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            complete(cookie).unwrap();
        });
        let start = Instant::now();
        assert_eq!(wait_for(cookie, Duration::from_secs(10)), Ok(()));
        assert!(start.elapsed() >= Duration::from_millis(80));
        t.join().unwrap();
        assert!(gone(cookie));
    }

    #[test]
    fn wait_times_out_and_leaves_nothing() {
        let mut value = 0;
        set_task_cookie(&mut value, 0, SYNC, "RESUME never-completed").unwrap();
        let cookie = Cookie::from_value(value).unwrap();
        let semid = Semaphore::open(cookie).unwrap().semid();
        let start = Instant::now();
        let err = wait_for(cookie, Duration::from_millis(200)).unwrap_err();
        assert!(start.elapsed() >= Duration::from_millis(180));
        match &err {
            CookieError::TimedOut { cookie: c, pending, ops, .. } => {
                assert_eq!(*c, cookie);
                assert_eq!(*pending, 1);
                assert_eq!(ops, &["RESUME never-completed".to_string()]);
            }
            other => panic!("{other:?}"),
        }
        let text = err.to_string();
        // The time reported is the time waited: at least the 0.2 s bound,
        // more on a loaded machine.
        let waited: f64 = text.split("gave up after ").nth(1).and_then(|t| t.split(' ').next()).and_then(|t| t.parse().ok()).unwrap_or(0.0);
        assert!(waited >= 0.2 && text.contains("RESUME never-completed"), "{text}");
        assert!(gone(cookie));
        assert!(sysv::stat(semid).is_err());
    }

    #[test]
    fn a_long_wait_warns_naming_the_cookie_at_every_period_then_gives_up() {
        let mut value = 0;
        set_task_cookie(&mut value, 0, SYNC, "RESUME slow-udev").unwrap();
        let cookie = Cookie::from_value(value).unwrap();
        let start = Instant::now();
        let mut warnings: Vec<(Duration, String)> = Vec::new();
        let err = wait_for_warning_every(cookie, Duration::from_millis(350), Duration::from_millis(100), &mut |m| {
            warnings.push((start.elapsed(), m.to_string()))
        })
        .unwrap_err();
        assert!(matches!(err, CookieError::TimedOut { cookie: c, .. } if c == cookie), "{err:?}");
        // At 100, 200 and 300 ms: one per period before the 350 ms bound.
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        for (i, (at, text)) in warnings.iter().enumerate() {
            assert!(*at >= Duration::from_millis(100 * (i as u64 + 1)), "{at:?}");
            let head = format!("Udev cookie {cookie} (semid ");
            assert!(text.starts_with(&head), "{text}");
            assert!(text.contains("still waiting after 0 s for udev to complete 1 outstanding event(s) (operations assigned to it by this process: RESUME slow-udev); giving up after 0 s."), "{text}");
        }
        assert!(gone(cookie));
    }

    #[test]
    fn a_wait_completed_within_the_first_period_does_not_warn() {
        let cookie = create_cookie().unwrap();
        Semaphore::open(cookie).unwrap().increment().unwrap();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            complete(cookie).unwrap();
        });
        let mut warnings = Vec::new();
        let result = wait_for_warning_every(cookie, Duration::from_secs(10), Duration::from_secs(5), &mut |m| warnings.push(m.to_string()));
        t.join().unwrap();
        assert_eq!(result, Ok(()));
        assert_eq!(warnings, Vec::<String>::new());
        assert!(gone(cookie));
    }

    #[test]
    fn the_default_bound_is_udevs_event_timeout() {
        assert_eq!(DEFAULT_WAIT_TIMEOUT, Duration::from_secs(180));
        assert_eq!(WAIT_WARN_PERIOD, Duration::from_secs(30));
        // Nothing configured: udev's default.
        assert_eq!(event_timeout_from("BOOT_IMAGE=/vmlinuz ro quiet", "# udev_log=info\n"), Duration::from_secs(180));
        // udev.conf's event_timeout, commented out or not.
        assert_eq!(event_timeout_from("", "#event_timeout=10\nevent_timeout = 300\n"), Duration::from_secs(300));
        assert_eq!(event_timeout_from("", "event_timeout=\"240\"\n"), Duration::from_secs(240));
        // The kernel command line wins over udev.conf.
        assert_eq!(event_timeout_from("ro udev.event_timeout=60 quiet", "event_timeout=300\n"), Duration::from_secs(60));
        // What udev would not read as seconds is ignored.
        assert_eq!(event_timeout_from("udev.event_timeout=3min", "event_timeout=0\n"), Duration::from_secs(180));
    }

    #[test]
    fn wait_immediate_reports_pending() {
        let cookie = create_cookie().unwrap();
        let sem = Semaphore::open(cookie).unwrap();
        sem.increment().unwrap();
        assert_eq!(wait_immediate(cookie), Ok(false));
        assert_eq!(sem.value(), Ok(2));
        complete(cookie).unwrap();
        assert_eq!(wait_immediate(cookie), Ok(true));
        assert!(gone(cookie));
    }

    #[test]
    fn errors_and_bad_state_clean_up() {
        let unused = create_cookie().unwrap();
        destroy(unused).unwrap();
        assert_eq!(complete(unused), Err(CookieError::NotFound(unused)));
        assert_eq!(wait_for(unused, Duration::from_millis(10)), Err(CookieError::NotFound(unused)));
        assert_eq!(wait_immediate(unused), Err(CookieError::NotFound(unused)));
        assert_eq!(Semaphore::open_value(0x1234_5678).unwrap_err(), CookieError::BadPrefix(0x1234_5678));
        let mut bad = 0x0D4C_0001;
        assert_eq!(set_task_cookie(&mut bad, 0, SYNC, "x"), Err(CookieError::BadPrefix(0x0D4C_0001)));
        // Completing more often than expected: the waiter finds zero, fails,
        // and the semaphore still goes away.
        let cookie = create_cookie().unwrap();
        complete(cookie).unwrap();
        assert!(matches!(complete(cookie), Err(CookieError::BadState { .. })));
        assert!(matches!(wait_for(cookie, Duration::from_secs(1)), Err(CookieError::BadState { .. })));
        assert!(gone(cookie));
    }

    #[test]
    fn destroyed_while_waiting_is_success() {
        let cookie = create_cookie().unwrap();
        Semaphore::open(cookie).unwrap().increment().unwrap();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            destroy(cookie).unwrap();
        });
        assert_eq!(wait_for(cookie, Duration::from_secs(10)), Ok(()));
        t.join().unwrap();
        assert!(gone(cookie));
    }

    #[test]
    fn node_queue_cancels_opposites() {
        // Names no other test uses; the queue is process-wide.
        let owner = NodeOwner::default();
        queue_node_op(NodeOp::Add { name: "cookie-q-a".into(), major: 253, minor: 0, owner }, true);
        queue_node_op(NodeOp::Remove { name: "cookie-q-a".into() }, true);
        let q = queued_node_ops();
        assert!(!q.iter().any(|o| matches!(o, NodeOp::Add { name, .. } if name == "cookie-q-a")));
        assert!(q.contains(&NodeOp::Remove { name: "cookie-q-a".into() }));
        NODE_OPS.lock().unwrap().retain(|(o, _)| o.name() != "cookie-q-a");
    }
}
