//! C entry points: system.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::capi::arg::{self, handle, handle_mut, opt_string, path, string};
use crate::capi::handle::{self as h, Castable, OwnershipBox};
use crate::kernel::{control, default_kernel};
use crate::util::fs;

/// A point in time (CLOCK_MONOTONIC), libdm's `struct dm_timestamp`.
#[derive(Debug, Clone, Copy, Default)]
pub struct dm_timestamp {
    nanoseconds: u64,
}

/// C owns a timestamp: dm_timestamp_alloc makes it, _destroy frees it.
impl Castable for dm_timestamp {
    type Ownership = OwnershipBox;
    type Rust = dm_timestamp;
}

impl dm_timestamp {
    /// The current time.
    pub fn now() -> dm_timestamp {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        dm_timestamp { nanoseconds: ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64 }
    }
}

/// The strings dm_dir, dm_sysfs_dir and dm_uuid_prefix hand out: each
/// lives until the setting changes, as libdm's buffers do.
static DM_DIR: Mutex<Option<CString>> = Mutex::new(None);
static SYSFS_DIR: Mutex<Option<CString>> = Mutex::new(None);
static HOLD_CONTROL: AtomicBool = AtomicBool::new(false);

static UUID_PREFIX: Mutex<Option<CString>> = Mutex::new(None);

/// libdm's DM_MAX_UUID_PREFIX_LEN.
const MAX_UUID_PREFIX_LEN: usize = 15;

/// Sets the string in `cell` (None: made again on the next use).
fn set_cached(cell: &Mutex<Option<CString>>, value: Option<CString>) {
    *cell.lock().unwrap_or_else(|e| e.into_inner()) = value;
}

/// The string in `cell`, made by `make` when there is none.
fn cached(cell: &Mutex<Option<CString>>, make: impl FnOnce() -> String) -> *const c_char {
    let mut guard = cell.lock().unwrap_or_else(|e| e.into_inner());
    guard.get_or_insert_with(|| CString::new(make()).unwrap_or_default()).as_ptr()
}

#[no_mangle]
pub unsafe extern "C" fn dm_set_uuid_prefix(uuid_prefix: *const c_char) -> c_int {
    ffi!("dm_set_uuid_prefix", 0; uuid_prefix: string => {
        if uuid_prefix.len() > MAX_UUID_PREFIX_LEN {
            crate::log_error!(errno = libc::EINVAL; "New uuid prefix {uuid_prefix} too long.");
            return 0;
        }
        set_cached(&UUID_PREFIX, CString::new(uuid_prefix).ok());
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_uuid_prefix() -> *const c_char {
    // libdm's default prefix.
    ffi!("dm_uuid_prefix", ptr::null() => { cached(&UUID_PREFIX, || "LVM-".into()) })
}

/// SELinux labelling is a no-op (success) where SELinux is disabled, as in
/// the C library; this library does not label nodes itself.
fn selinux_label(function: &str) -> c_int {
    if !std::path::Path::new("/sys/fs/selinux/enforce").exists() {
        return 1;
    }
    crate::log_error!(errno = libc::ENOTSUP; "{function}: SELinux labelling is not implemented");
    0
}

#[no_mangle]
pub unsafe extern "C" fn dm_prepare_selinux_context(path: *const c_char, mode: libc::mode_t) -> c_int {
    let _ = (path, mode);
    selinux_label("dm_prepare_selinux_context")
}

#[no_mangle]
pub unsafe extern "C" fn dm_set_selinux_context(path: *const c_char, mode: libc::mode_t) -> c_int {
    let _ = (path, mode);
    selinux_label("dm_set_selinux_context")
}

#[no_mangle]
pub unsafe extern "C" fn dm_device_get_name(major: u32, minor: u32, prefer_kernel_name: c_int, buf: *mut c_char, buf_size: usize) -> c_int {
    ffi!("dm_device_get_name", 0 => {
        require!("dm_device_get_name", buf, 0);
        match crate::udev::device_name(major, minor, prefer_kernel_name != 0) {
            Some(n) => arg::copy_out("dm_device_get_name", &n, buf, buf_size),
            None => {
                crate::log_debug!("dm_device_get_name: no sysfs entry for {major}:{minor}");
                0
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_device_has_holders(major: u32, minor: u32) -> c_int {
    crate::udev::has_holders(major, minor) as c_int
}

/// This process's mounts; None (logged) when they cannot be read.
fn mountinfo() -> Option<Vec<crate::udev::MountInfo>> {
    crate::udev::mountinfo()
        .map_err(|e| crate::log_error!(errno = e.raw_os_error().unwrap_or(0); "Failed to read /proc/self/mountinfo: {e}"))
        .ok()
}

#[no_mangle]
pub unsafe extern "C" fn dm_device_has_mounted_fs(major: u32, minor: u32) -> c_int {
    ffi!("dm_device_has_mounted_fs", 0 => {
        mountinfo().is_some_and(|mounts| mounts.iter().any(|m| m.major == major && m.minor == minor)) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_mountinfo_read(read_fn: dm_mountinfo_line_callback_fn, cb_data: *mut c_void) -> c_int {
    ffi!("dm_mountinfo_read", 0 => {
        let Some(f) = read_fn else {
            crate::capi::boundary::log_null("dm_mountinfo_read", "read_fn");
            return 0;
        };
        let Some(mounts) = mountinfo() else { return 0 };
        let mut ok = 1;
        for m in mounts {
            let mut line = CString::new(m.line).unwrap_or_default().into_bytes_with_nul();
            let mut target = CString::new(m.target).unwrap_or_default().into_bytes_with_nul();
            // SAFETY: the callback gets writable NUL-terminated copies that
            // live for the call, as libdm's buffers do.
            if unsafe { f(line.as_mut_ptr().cast(), m.major, m.minor, target.as_mut_ptr().cast(), cb_data) } == 0 {
                ok = 0;
            }
        }
        ok
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_set_dev_dir(dir: *const c_char) -> c_int {
    ffi!("dm_set_dev_dir", 0; dir: string => {
        if dir.len() + "/mapper".len() >= libc::PATH_MAX as usize {
            crate::log_error!(errno = libc::ENAMETOOLONG; "Invalid dev_dir value, {dir}: name too long.");
            return 0;
        }
        control::set_dev_dir(dir);
        set_cached(&DM_DIR, None);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_dir() -> *const c_char {
    ffi!("dm_dir", ptr::null() => { cached(&DM_DIR, || crate::udev::mapper_dir().to_string_lossy().into_owned()) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_set_sysfs_dir(sysfs_dir: *const c_char) -> c_int {
    ffi!("dm_set_sysfs_dir", 0; sysfs_dir: opt_string => {
        if !crate::udev::set_sysfs_dir(sysfs_dir.unwrap_or("")) && sysfs_dir.is_some() {
            return 0;
        }
        set_cached(&SYSFS_DIR, None);
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_sysfs_dir() -> *const c_char {
    ffi!("dm_sysfs_dir", ptr::null() => { cached(&SYSFS_DIR, crate::udev::sysfs_dir_setting) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_is_dm_major(major: u32) -> c_int {
    ffi!("dm_is_dm_major", 0 => {
        (crate::udev::dm_block_major() == Some(major)) as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_lib_init() {}

#[no_mangle]
pub unsafe extern "C" fn dm_lib_release() {
    ffi!("dm_lib_release", () => {
        crate::udev::cookie::update_devs();
        if !HOLD_CONTROL.load(Ordering::Relaxed) {
            default_kernel().release();
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_lib_exit() {
    ffi!("dm_lib_exit", () => {
        default_kernel().release();
        // Report pools the caller never destroyed, as the C library does.
        crate::capi::pool::pools_check_leaks();
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_hold_control_dev(hold_open: c_int) {
    HOLD_CONTROL.store(hold_open != 0, Ordering::Relaxed);
}

#[no_mangle]
pub unsafe extern "C" fn dm_timestamp_alloc() -> *mut dm_timestamp {
    h::to_boxed_mut_ptr(dm_timestamp::default())
}

#[no_mangle]
pub unsafe extern "C" fn dm_timestamp_get(ts: *mut dm_timestamp) -> c_int {
    ffi!("dm_timestamp_get", 0; ts: handle_mut => {
        *ts = dm_timestamp::now();
        1
    })
}

/// Both timestamps' times; None (logged) when one is NULL.
fn both(function: &str, ts1: *const dm_timestamp, ts2: *const dm_timestamp) -> Option<(u64, u64)> {
    if ts1.is_null() || ts2.is_null() {
        crate::capi::boundary::log_null(function, "a timestamp");
        return None;
    }
    Some((handle(function, "ts1", ts1)?.nanoseconds, handle(function, "ts2", ts2)?.nanoseconds))
}

#[no_mangle]
pub unsafe extern "C" fn dm_timestamp_copy(ts_new: *mut dm_timestamp, ts_old: *mut dm_timestamp) {
    ffi!("dm_timestamp_copy", () => {
        if let Some((_, old)) = both("dm_timestamp_copy", ts_new, ts_old) {
            if let Some(new) = handle_mut("dm_timestamp_copy", "ts_new", ts_new) {
                new.nanoseconds = old;
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_timestamp_compare(ts1: *mut dm_timestamp, ts2: *mut dm_timestamp) -> c_int {
    ffi!("dm_timestamp_compare", 0 => { both("dm_timestamp_compare", ts1, ts2).map_or(0, |(a, b)| a.cmp(&b) as c_int) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_timestamp_delta(ts1: *mut dm_timestamp, ts2: *mut dm_timestamp) -> u64 {
    ffi!("dm_timestamp_delta", 0 => { both("dm_timestamp_delta", ts1, ts2).map_or(0, |(a, b)| a.abs_diff(b)) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_timestamp_destroy(ts: *mut dm_timestamp) {
    h::free_box(ts)
}

/// Creates `dir` and its missing parents (mode 0777 less the umask), as
/// libdm: an empty path or an existing directory is success.
#[no_mangle]
pub unsafe extern "C" fn dm_create_dir(dir: *const c_char) -> c_int {
    ffi!("dm_create_dir", 0 => { path("dm_create_dir", "path", dir).is_some_and(fs::create_dir) as c_int })
}

/// 1 when `dir` holds nothing but `.` and `..`; 0 when it holds more or
/// cannot be read (logged).
#[no_mangle]
pub unsafe extern "C" fn dm_is_empty_dir(dir: *const c_char) -> c_int {
    ffi!("dm_is_empty_dir", 0 => { path("dm_is_empty_dir", "path", dir).is_some_and(fs::is_empty_dir) as c_int })
}

/// Closes `stream`; EOF when an earlier write failed or fclose fails, with
/// errno 0 when only the earlier error is known (gnulib's close-stream).
#[no_mangle]
pub unsafe extern "C" fn dm_fclose(stream: *mut libc::FILE) -> c_int {
    ffi!("dm_fclose", libc::EOF => {
        if stream.is_null() {
            crate::capi::boundary::log_null("dm_fclose", "stream");
            nix::errno::Errno::set_raw(libc::EINVAL);
            return libc::EOF;
        }
        // SAFETY: an open stream per the caller's contract; fclose takes it.
        let (prev_fail, fclose_fail) = unsafe { (libc::ferror(stream) != 0, libc::fclose(stream) != 0) };
        if prev_fail && !fclose_fail {
            nix::errno::Errno::set_raw(0);
        }
        if prev_fail || fclose_fail { libc::EOF } else { 0 }
    })
}

/// Creates (mode 0644) and write-locks a pid file holding this process's
/// pid, for the life of the process.
#[no_mangle]
pub unsafe extern "C" fn dm_create_lockfile(lockfile: *const c_char) -> c_int {
    ffi!("dm_create_lockfile", 0 => { path("dm_create_lockfile", "path", lockfile).is_some_and(fs::create_lockfile) as c_int })
}

/// 1 when another process holds a write lock on `lockfile` (as a daemon
/// that called `dm_create_lockfile` does), 0 otherwise.
#[no_mangle]
pub unsafe extern "C" fn dm_daemon_is_running(lockfile: *const c_char) -> c_int {
    ffi!("dm_daemon_is_running", 0 => { path("dm_daemon_is_running", "path", lockfile).is_some_and(fs::daemon_is_running) as c_int })
}
