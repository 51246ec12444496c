//! The file-system helpers of the libdm ABI, with libdm's messages:
//! `dm_create_dir`, `dm_is_empty_dir`, `dm_create_lockfile` and
//! `dm_daemon_is_running`.

use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::os::unix::io::IntoRawFd;
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg};

use crate::kernel::strerror;

/// libdm's `log_sys_error(call, path)`: "<path>: <call> failed: <strerror>".
fn log_sys_error(call: &str, path: &Path, e: &std::io::Error) {
    let errno = e.raw_os_error().unwrap_or(0);
    let path = path.to_string_lossy();
    crate::log_error!(errno = errno; "{path}{}{call} failed: {}", if path.is_empty() { "" } else { ": " }, strerror(errno));
}

/// libdm's `_is_dir`: the path exists and is a directory (logged if not).
fn is_dir_logged(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            crate::log_error!(errno = libc::ENOTDIR; "Existing path {} is not a directory.", path.display());
            false
        }
        Err(e) => {
            log_sys_error("stat", path, &e);
            false
        }
    }
}

/// One `mkdir(path, 0777)` of [`create_dir`]: an existing directory is
/// fine; a read-only file system fails without a message, as in libdm.
fn mkdir_one(path: &Path) -> bool {
    match std::fs::DirBuilder::new().mode(0o777).create(path) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => is_dir_logged(path),
        Err(e) => {
            if e.raw_os_error() != Some(libc::EROFS) {
                log_sys_error("mkdir", path, &e);
            }
            false
        }
    }
}

/// Creates `dir` and its missing parents (mode 0777 less the umask), as
/// libdm: an empty path or an existing directory is success.
pub fn create_dir(dir: &Path) -> bool {
    let bytes = dir.as_os_str().as_bytes();
    if bytes.is_empty() || std::fs::metadata(dir).map(|m| m.is_dir()).unwrap_or(false) {
        return true;
    }
    crate::log_verbose!("Creating directory \"{}\"", dir.display());
    // Each parent, left to right, then the directory itself.
    for (i, _) in bytes.iter().enumerate().filter(|&(i, &b)| b == b'/' && i > 0) {
        if !mkdir_one(Path::new(std::ffi::OsStr::from_bytes(&bytes[..i]))) {
            return false;
        }
    }
    mkdir_one(dir)
}

/// Whether `dir` holds nothing but `.` and `..`; false when it holds more
/// or cannot be read (logged).
pub fn is_empty_dir(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => {
            log_sys_error("opendir", dir, &e);
            false
        }
    }
}

/// How often [`create_lockfile`] retries a lock held elsewhere, 1 ms apart.
const LOCK_RETRIES: u32 = 20;

/// A write lock on a whole file.
fn write_lock() -> libc::flock {
    libc::flock { l_type: libc::F_WRLCK as _, l_whence: libc::SEEK_SET as _, l_start: 0, l_len: 0, l_pid: 0 }
}

/// Takes a write lock on the whole of `file` (F_SETLK), retrying EINTR, and
/// a lock held by another process `LOCK_RETRIES` times.
fn lock_whole_file(file: &std::fs::File, lockfile: &str) -> bool {
    let mut retries = 0;
    loop {
        match fcntl(file, FcntlArg::F_SETLK(&write_lock())) {
            Ok(_) => return true,
            Err(Errno::EINTR) => continue,
            Err(Errno::EACCES | Errno::EAGAIN) if retries < LOCK_RETRIES => {
                retries += 1;
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(e @ (Errno::EACCES | Errno::EAGAIN)) => {
                crate::log_error!(errno = e as i32; "Cannot lock lockfile [{lockfile}], error was [{}]", strerror(e as i32));
                return false;
            }
            Err(e) => {
                crate::log_error!(errno = e as i32; "process is already running");
                return false;
            }
        }
    }
}

/// Creates (mode 0644) and write-locks a pid file holding this process's
/// pid. The descriptor stays open (close-on-exec) for the life of the
/// process, so the lock does too.
pub fn create_lockfile(path: &Path) -> bool {
    let shown = path.display();
    // Not truncated before the lock is ours: it may be another daemon's.
    // std opens with O_CLOEXEC, where libdm sets FD_CLOEXEC afterwards.
    let mut file = match std::fs::OpenOptions::new().write(true).create(true).truncate(false).mode(0o644).open(path) {
        Ok(f) => f,
        Err(e) => {
            crate::log_error!(errno = e.raw_os_error().unwrap_or(0); "Cannot open lockfile [{shown}], error was [{}]", strerror(e.raw_os_error().unwrap_or(0)));
            return false;
        }
    };
    if !lock_whole_file(&file, &shown.to_string()) {
        return false;
    }
    let pid = format!("{}\n", std::process::id());
    let written = file.set_len(0).map_err(|e| ("truncate", e)).and_then(|()| file.write_all(pid.as_bytes()).map_err(|e| ("write pid to", e)));
    if let Err((what, e)) = written {
        crate::log_error!(errno = e.raw_os_error().unwrap_or(0); "Cannot {what} pidfile [{shown}], error was [{e}]");
        if let Err(e) = std::fs::remove_file(path) {
            crate::log_debug!("{shown}: unlink failed: {e}");
        }
        return false;
    }
    // Deliberately left open: closing it would release the lock.
    let _ = file.into_raw_fd();
    true
}

/// Whether another process holds a write lock on `lockfile` (as a daemon
/// that called [`create_lockfile`] does). A lock held by this process
/// itself does not count (POSIX record locks).
pub fn daemon_is_running(lockfile: &Path) -> bool {
    let Ok(file) = std::fs::File::open(lockfile) else { return false };
    let mut lock = write_lock();
    if let Err(e) = fcntl(&file, FcntlArg::F_GETLK(&mut lock)) {
        crate::log_error!(errno = e as i32; "Cannot check lock status of lockfile [{}], error was [{}]", lockfile.display(), strerror(e as i32));
        return false;
    }
    lock.l_type != libc::F_UNLCK as _
}
