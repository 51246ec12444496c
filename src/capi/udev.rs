//! C entry points: udev.

use std::ffi::*;


use std::sync::atomic::{AtomicBool, Ordering};

// udev synchronisation (cookies on SysV semaphores) is not implemented yet:
// the library reports it unsupported, hands out cookie 0 (meaning "nothing
// to wait for", as the C library does without udev), and keeps the
// /dev/mapper nodes itself.
static CHECKING: AtomicBool = AtomicBool::new(true);

#[no_mangle]
pub unsafe extern "C" fn dm_udev_set_sync_support(sync_with_udev: c_int) {
    if sync_with_udev != 0 {
        crate::log_debug!("udev synchronisation is not available in this build; the library manages device nodes");
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_get_sync_support() -> c_int {
    0
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_set_checking(checking: c_int) {
    CHECKING.store(checking != 0, Ordering::Relaxed);
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_get_checking() -> c_int {
    CHECKING.load(Ordering::Relaxed) as c_int
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_create_cookie(cookie: *mut u32) -> c_int {
    require!("dm_udev_create_cookie", cookie, 0);
    // SAFETY: non-NULL, caller-provided output.
    unsafe { *cookie = 0 };
    1
}

/// Cookie 0 means nothing to wait for; any other value is not ours.
fn cookie_ok(function: &str, cookie: u32) -> c_int {
    if cookie == 0 {
        1
    } else {
        crate::log_error!(errno = libc::EINVAL; "{function}: cookie {cookie:#x} unknown: udev synchronisation is not available");
        0
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_complete(cookie: u32) -> c_int {
    cookie_ok("dm_udev_complete", cookie)
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_wait(cookie: u32) -> c_int {
    cookie_ok("dm_udev_wait", cookie)
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_wait_immediate(cookie: u32, ready: *mut c_int) -> c_int {
    require!("dm_udev_wait_immediate", ready, 0);
    let ok = cookie_ok("dm_udev_wait_immediate", cookie);
    // SAFETY: non-NULL, caller-provided output.
    unsafe { *ready = ok };
    ok
}

#[no_mangle]
pub unsafe extern "C" fn dm_cookie_supported() -> c_int {
    0
}

