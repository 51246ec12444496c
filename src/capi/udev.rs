//! C entry points: udev synchronisation (cookies). The protocol lives in
//! [`crate::udev::cookie`]; this file holds libdm's return conventions and
//! messages, and the driver-version probe behind `dm_cookie_supported`.

use std::ffi::*;

use once_cell::sync::OnceCell;

use crate::capi::arg::out;
use crate::kernel::default_kernel;
use crate::task::{Task, TaskType};
use crate::udev::cookie::{self, Cookie, CookieError, Support};

static DRIVER_VERSION: OnceCell<[u32; 3]> = OnceCell::new();

/// The kernel driver's version, asked once per process (a failure is not
/// remembered: the next call asks again).
pub fn driver_version() -> Option<[u32; 3]> {
    if let Some(v) = DRIVER_VERSION.get() {
        return Some(*v);
    }
    match Task::new(TaskType::Version).run(default_kernel().as_ref()) {
        Ok(out) => Some(*DRIVER_VERSION.get_or_init(|| out.version)),
        Err(e) => {
            crate::log_debug!("Cannot get the device-mapper driver version: {e}");
            None
        }
    }
}

/// `dm_cookie_supported`: the driver passes cookies in uevents (>= 4.15).
pub fn cookie_supported() -> bool {
    driver_version().is_some_and(cookie::driver_takes_cookies)
}

/// `dm_udev_get_sync_support`: the cheap checks first, so that a machine
/// without udev never asks the kernel.
pub fn sync_support() -> bool {
    cookie::sync_requirements_met() && cookie_supported()
}

/// What `dm_task_set_cookie` and `dm_task_run` work with.
pub fn support() -> Support {
    Support::now(cookie_supported())
}

/// Logs a cookie error, with libdm's follow-up line where it has one.
fn log_cookie_error(e: &CookieError, follow_up: Option<String>) {
    crate::log_error!(errno = e.errno(); "{e}");
    if let Some(line) = follow_up {
        crate::log_error!(errno = e.errno(); "{line}");
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_set_sync_support(sync_with_udev: c_int) {
    ffi!("dm_udev_set_sync_support", () => {
        cookie::set_sync_with_udev(sync_with_udev != 0);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_get_sync_support() -> c_int {
    ffi!("dm_udev_get_sync_support", 0 => { sync_support() as c_int })
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_set_checking(checking: c_int) {
    ffi!("dm_udev_set_checking", () => {
        cookie::set_checking(checking != 0);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_get_checking() -> c_int {
    ffi!("dm_udev_get_checking", 0 => { cookie::checking() as c_int })
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_create_cookie(cookie: *mut u32) -> c_int {
    ffi!("dm_udev_create_cookie", 0; cookie: out => {
        let (value, ok) = if !sync_support() {
            (0, 1)
        } else {
            match cookie::create_cookie() {
                Ok(c) => (c.value(), 1),
                Err(e) => {
                    log_cookie_error(&e, None);
                    (0, 0)
                }
            }
        };
        cookie.set(value);
        ok
    })
}

/// The cookie a C caller passed, or None (logged) when it is malformed.
fn parse(value: u32) -> Option<Cookie> {
    match Cookie::from_value(value) {
        Ok(c) => Some(c),
        Err(e) => {
            log_cookie_error(&e, None);
            None
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_complete(cookie: u32) -> c_int {
    ffi!("dm_udev_complete", 0 => {
        if cookie == 0 || !sync_support() {
            return 1;
        }
        let Some(c) = parse(cookie) else { return 0 };
        match cookie::complete(c) {
            Ok(()) => 1,
            Err(e) => {
                let follow_up = (!matches!(e, CookieError::NotFound(_) | CookieError::Permission(_))).then(|| {
                    format!("Could not signal waiting process using notification semaphore identified by cookie value {cookie} ({c})")
                });
                log_cookie_error(&e, follow_up);
                0
            }
        }
    })
}

fn log_wait_error(e: &CookieError, c: Cookie) {
    let follow_up = match e {
        CookieError::BadState { .. } => Some(format!(
            "Failed to set a proper state for notification semaphore identified by cookie value {} ({c}) to initialize waiting for incoming notifications.",
            c.value()
        )),
        _ => None,
    };
    log_cookie_error(e, follow_up);
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_wait(cookie: u32) -> c_int {
    ffi!("dm_udev_wait", 0 => {
        let r = if cookie == 0 || !sync_support() {
            1
        } else {
            match parse(cookie) {
                None => 0,
                Some(c) => match cookie::wait(c) {
                    Ok(()) => 1,
                    Err(e) => {
                        log_wait_error(&e, c);
                        0
                    }
                },
            }
        };
        cookie::update_devs();
        r
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_wait_immediate(cookie: u32, ready: *mut c_int) -> c_int {
    ffi!("dm_udev_wait_immediate", 0; ready: out => {
        let (r, is_ready) = if cookie == 0 || !sync_support() {
            (1, true)
        } else {
            match parse(cookie) {
                None => (0, true),
                Some(c) => match cookie::wait_immediate(c) {
                    Ok(done) => (1, done),
                    Err(e) => {
                        log_wait_error(&e, c);
                        (0, true)
                    }
                },
            }
        };
        if is_ready {
            cookie::update_devs();
        }
        ready.set(is_ready as c_int);
        r
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_cookie_supported() -> c_int {
    ffi!("dm_cookie_supported", 0 => { cookie_supported() as c_int })
}
