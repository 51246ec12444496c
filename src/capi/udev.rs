//! C entry points: udev synchronisation (cookies). The protocol lives in
//! [`crate::udev::cookie`], the driver-version probe behind
//! `dm_cookie_supported` in [`crate::udev::task`]; this file holds libdm's
//! return conventions and messages.

use std::ffi::*;

use crate::capi::arg::out;
use crate::udev::cookie::{self, Cookie, CookieError};
use crate::udev::task::{cookie_supported, sync_support};

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
        let created = if sync_support() { cookie::create_cookie().map(Some) } else { Ok(None) };
        let created = created.map_err(|e| log_cookie_error(&e, None));
        cookie.set(created.map_or(0, |c| c.map_or(0, Cookie::value)));
        created.is_ok() as c_int
    })
}

/// The cookie a C caller passed: None when there is nothing to do (0, or
/// no synchronisation); Err (logged) when it is malformed.
fn parse(value: u32) -> Result<Option<Cookie>, ()> {
    if value == 0 || !sync_support() {
        return Ok(None);
    }
    Cookie::from_value(value).map(Some).map_err(|e| log_cookie_error(&e, None))
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_complete(cookie: u32) -> c_int {
    ffi!("dm_udev_complete", 0 => {
        let c = match parse(cookie) {
            Ok(Some(c)) => c,
            r => return r.is_ok() as c_int,
        };
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
        let r = match parse(cookie) {
            Ok(Some(c)) => cookie::wait(c).map_err(|e| log_wait_error(&e, c)).is_ok(),
            r => r.is_ok(),
        };
        cookie::update_devs();
        r as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_udev_wait_immediate(cookie: u32, ready: *mut c_int) -> c_int {
    ffi!("dm_udev_wait_immediate", 0; ready: out => {
        let (r, is_ready) = match parse(cookie) {
            Ok(Some(c)) => match cookie::wait_immediate(c) {
                Ok(done) => (1, done),
                Err(e) => {
                    log_wait_error(&e, c);
                    (0, true)
                }
            },
            r => (r.is_ok() as c_int, true),
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
