//! The real kernel: `/dev/mapper/control`, opened close-on-exec, one ioctl
//! per request, the buffer doubled while the kernel says it was too small.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::RwLock;

use super::ioctl::{decode_reply, encode_request, request_code, INITIAL_BUFFER, MAX_BUFFER};
use super::{Flags, Kernel, KernelError, Reply, Request};

static DEV_DIR: RwLock<String> = RwLock::new(String::new());

/// Sets the device directory ("/dev" by default) under which `mapper/control`
/// is looked for; libdm's `dm_set_dev_dir`.
pub fn set_dev_dir(dir: &str) {
    *DEV_DIR.write().unwrap_or_else(|e| e.into_inner()) = dir.trim_end_matches('/').to_string();
}

/// The device directory in force, without a trailing slash.
pub fn dev_dir() -> String {
    let dir = DEV_DIR.read().unwrap_or_else(|e| e.into_inner()).clone();
    if dir.is_empty() {
        "/dev".to_string()
    } else {
        dir
    }
}

/// The control device path in force.
pub fn control_path() -> String {
    format!("{}/mapper/control", dev_dir())
}

/// The control device, opened on first use and kept open until
/// [`Control::release`].
#[derive(Default)]
pub struct Control {
    fd: RwLock<Option<OwnedFd>>,
    /// The interface version of the last reply (every reply carries it).
    seen_version: RwLock<Option<[u32; 3]>>,
}

impl Control {
    /// A control device not yet opened.
    pub fn new() -> Self {
        Control { fd: RwLock::new(None), seen_version: RwLock::new(None) }
    }

    /// Closes the control device (`dm_lib_release`); the next request
    /// opens it again.
    pub fn release(&self) {
        *self.fd.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Whether the device is open now.
    pub fn is_open(&self) -> bool {
        self.fd.read().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    /// Opens the control device if it is not open (`dm_hold_control_dev`).
    pub fn open(&self) -> Result<(), KernelError> {
        if self.is_open() {
            return Ok(());
        }
        let mut guard = self.fd.write().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(open_control()?);
        }
        Ok(())
    }

    fn ioctl_once(&self, request: &Request, size: usize) -> Result<Vec<u8>, KernelError> {
        let mut buf = encode_request(request, size)?;
        self.open()?;
        let guard = self.fd.read().unwrap_or_else(|e| e.into_inner());
        let fd = guard.as_ref().map(|f| f.as_raw_fd()).ok_or_else(|| KernelError::Open {
            path: control_path(),
            errno: libc::EBADF,
        })?;
        // SAFETY: `buf` is a live, writable allocation of at least
        // HEADER_SIZE bytes whose data_size field states its real length, so
        // the kernel reads and writes only inside it; `fd` stays open while
        // the read guard is held.
        let rc = unsafe { libc::ioctl(fd, request_code(request.command) as _, buf.as_mut_ptr()) };
        if rc < 0 {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
            wipe_if_secret(request, &mut buf);
            return Err(KernelError::Ioctl { command: request.command.ioctl_name(), errno });
        }
        Ok(buf)
    }
}

/// Zeroes a buffer that carried key material (`dm_task_secure_data`).
fn wipe_if_secret(request: &Request, buf: &mut [u8]) {
    if request.flags.contains(Flags::SECURE_DATA) {
        for byte in buf.iter_mut() {
            // SAFETY: `byte` is a valid, exclusive reference into `buf`;
            // volatile keeps the compiler from dropping the wipe.
            unsafe { std::ptr::write_volatile(byte, 0) };
        }
    }
}

fn open_control() -> Result<OwnedFd, KernelError> {
    let path = control_path();
    match open_path(&path) {
        Err(libc::ENOENT) => {
            create_control_node(&path)?;
            open_path(&path).map_err(|errno| KernelError::Open { path, errno })
        }
        r => r.map_err(|errno| KernelError::Open { path, errno }),
    }
}

fn open_path(path: &str) -> Result<OwnedFd, i32> {
    let c = CString::new(path).map_err(|_| libc::EINVAL)?;
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
    }
    // SAFETY: `fd` was just returned by open() and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Creates `mapper/control` from the misc device number in sysfs, as libdm
/// does when the node is missing.
fn create_control_node(path: &str) -> Result<(), KernelError> {
    let fail = |errno| KernelError::Open { path: path.to_string(), errno };
    let numbers = std::fs::read_to_string("/sys/class/misc/device-mapper/dev").map_err(|_| fail(libc::ENOENT))?;
    let numbers = numbers.trim();
    let (major, minor) = super::parse_dev_text(numbers).ok_or_else(|| fail(if numbers.contains(':') { libc::EINVAL } else { libc::ENOENT }))?;
    if let Some(parent) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(parent).map_err(|e| fail(e.raw_os_error().unwrap_or(libc::EIO)))?;
    }
    make_char_node(path, major, minor).map_err(fail)
}

/// mknod of a character device node, where a node another process made
/// between our failed open and this call counts as made (libdm 1.02.191:
/// "Improve parallel creation of /dev/mapper/control device node"); the
/// open that follows finds out whether it is usable.
fn make_char_node(path: &str, major: u32, minor: u32) -> Result<(), i32> {
    let c = CString::new(path).map_err(|_| libc::EINVAL)?;
    // SAFETY: `c` is a valid path; mknod only reads it.
    let rc = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o600, libc::makedev(major, minor)) };
    if rc < 0 {
        match std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO) {
            libc::EEXIST => crate::log_debug!("{path} was created meanwhile by another process."),
            errno => return Err(errno),
        }
    }
    Ok(())
}

impl Kernel for Control {
    fn release(&self) {
        Control::release(self);
    }

    fn execute(&self, request: &Request) -> Result<Reply, KernelError> {
        let mut size = INITIAL_BUFFER;
        loop {
            let mut buf = self.ioctl_once(request, size)?;
            let reply = decode_reply(request.command, &buf);
            let full = reply.as_ref().map(|r| r.flags.contains(Flags::BUFFER_FULL)).unwrap_or(false);
            if let Ok(r) = &reply {
                *self.seen_version.write().unwrap_or_else(|e| e.into_inner()) = Some(r.version);
            }
            wipe_if_secret(request, &mut buf);
            if !full {
                return reply;
            }
            if size >= MAX_BUFFER {
                return Err(KernelError::BufferLimit { command: request.command.ioctl_name(), limit: MAX_BUFFER });
            }
            size = (size * 2).min(MAX_BUFFER);
        }
    }

    fn has_device_nodes(&self) -> bool {
        true
    }

    fn driver_version(&self) -> Option<[u32; 3]> {
        *self.seen_version.read().unwrap_or_else(|e| e.into_inner())
    }

    fn dm_major(&self) -> Option<u32> {
        super::dm_major_from_proc()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_control_node_made_meanwhile_by_another_process_counts_as_made() {
        let dir = std::env::temp_dir().join(format!("dm-control-race-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("control");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(super::make_char_node(path.to_str().unwrap(), 10, 236), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_control_node_in_a_missing_directory_is_an_error() {
        let path = std::env::temp_dir().join(format!("dm-control-none-{}/control", std::process::id()));
        assert_eq!(super::make_char_node(path.to_str().unwrap(), 10, 236), Err(libc::ENOENT));
    }
}
