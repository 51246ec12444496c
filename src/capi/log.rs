//! The log bridge: libdm's log registration functions, the exported
//! `dm_log` / `dm_log_with_errno` variables (defined in shim.c), and the
//! route from the Rust log to whichever function the caller registered.

use std::ffi::{c_char, c_int, CString};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::capi::types::*;
use crate::log::{self, Record};

extern "C" {
    // Defined in shim.c: the exported variables old binaries call through.
    static mut dm_log: dm_log_fn;
    static mut dm_log_with_errno: dm_log_with_errno_fn;
    fn devmapper_default_log_fn() -> dm_log_fn;
    fn devmapper_default_log_with_errno_fn() -> dm_log_with_errno_fn;
    fn devmapper_log_with_errno_to_dm_log_fn() -> dm_log_with_errno_fn;
}

static NON_DEFAULT: AtomicBool = AtomicBool::new(false);

/// The function the shim's default loggers end in: libdm's default printer.
///
/// # Safety
/// `file` and `message` must be NULL or valid NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn devmapper_default_log_message(
    level: c_int,
    file: *const c_char,
    line: c_int,
    dm_errno_or_class: c_int,
    message: *const c_char,
) {
    let _ = file;
    let Some(text) = crate::capi::arg::text(message) else { return };
    log::default_print(&Record { level, file: "", line: line.max(0) as u32, errno: dm_errno_or_class, message: &String::from_utf8_lossy(text) });
}

fn c_text(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// Where the Rust log goes instead of libdm's default printer.
type Sink = Box<dyn Fn(&Record<'_>) + Send + Sync>;

/// Points the exported variables at C's log functions (`dm_log` only when
/// given) and the Rust log at `sink`, or, without a sink, back at libdm's
/// default printer.
fn install(old: Option<dm_log_fn>, with_errno: dm_log_with_errno_fn, sink: Option<Sink>) {
    // SAFETY: the shim's variables are plain pointers; libdm documents log
    // registration as not thread-safe, as here.
    unsafe {
        if let Some(old) = old {
            dm_log = old;
        }
        dm_log_with_errno = with_errno;
    }
    NON_DEFAULT.store(sink.is_some(), Ordering::Relaxed);
    log::set_sink(sink);
}

/// Back to libdm's default printer.
fn install_default() {
    // SAFETY: the shim's accessors return its own default functions.
    let (old, with_errno) = unsafe { (devmapper_default_log_fn(), devmapper_default_log_with_errno_fn()) };
    install(Some(old), with_errno, None);
}

#[no_mangle]
pub unsafe extern "C" fn dm_log_with_errno_init(fn_: dm_log_with_errno_fn) {
    ffi!("dm_log_with_errno_init", () => {
        let Some(f) = fn_ else { return install_default() };
        install(None, fn_, Some(Box::new(move |r: &Record<'_>| {
            let (file, msg) = (c_text(r.file), c_text(r.message));
            // SAFETY: `f` is the caller's registered log function; the
            // format "%s" consumes exactly the one string argument passed.
            unsafe { f(r.level, file.as_ptr(), r.line as c_int, r.errno, c"%s".as_ptr(), msg.as_ptr()) }
        })));
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_log_init(fn_: dm_log_fn) {
    ffi!("dm_log_init", () => {
        let Some(f) = fn_ else { return install_default() };
        // SAFETY: the shim's accessor returns its own adapter.
        let adapter = unsafe { devmapper_log_with_errno_to_dm_log_fn() };
        install(Some(fn_), adapter, Some(Box::new(move |r: &Record<'_>| {
            let (file, msg) = (c_text(r.file), c_text(r.message));
            // SAFETY: as in dm_log_with_errno_init, with the old signature
            // (no errno argument).
            unsafe { f(r.level, file.as_ptr(), r.line as c_int, c"%s".as_ptr(), msg.as_ptr()) }
        })));
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_log_init_verbose(level: c_int) {
    log::set_verbose(level);
}

#[no_mangle]
pub unsafe extern "C" fn dm_log_is_non_default() -> c_int {
    NON_DEFAULT.load(Ordering::Relaxed) as c_int
}
