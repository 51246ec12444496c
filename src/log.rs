//! The library's log: every layer reports through here, and the C boundary
//! decides where a message goes (the caller's libdm log function, or the
//! default printer that follows libdm's rules).
//!
//! Levels are libdm's: FATAL 2, ERR 3, WARN 4, NOTICE 5, INFO 6, DEBUG 7, with
//! the `LOG_STDERR` bit (128) asking for stderr instead of stdout.

use std::io::Write;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, RwLock};

/// libdm's `_LOG_FATAL`.
pub const LOG_FATAL: i32 = 2;
/// libdm's `_LOG_ERR`.
pub const LOG_ERR: i32 = 3;
/// libdm's `_LOG_WARN`.
pub const LOG_WARN: i32 = 4;
/// libdm's `_LOG_NOTICE` (log_verbose).
pub const LOG_NOTICE: i32 = 5;
/// libdm's `_LOG_INFO` (log_very_verbose).
pub const LOG_INFO: i32 = 6;
/// libdm's `_LOG_DEBUG`.
pub const LOG_DEBUG: i32 = 7;
/// Flag: print on stderr even below error level.
pub const LOG_STDERR: i32 = 128;

/// The prefix libdm gives messages about its own bugs; with
/// `DM_ABORT_ON_INTERNAL_ERRORS` set, the default printer aborts on them.
pub const INTERNAL_ERROR: &str = "Internal error: ";

/// One message, as the C log callbacks receive it.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// libdm level, possibly with `LOG_STDERR`.
    pub level: i32,
    /// Source file that logged it.
    pub file: &'static str,
    /// Source line.
    pub line: u32,
    /// errno for errors, a class for debug messages, else 0.
    pub errno: i32,
    /// The formatted text.
    pub message: &'a str,
}

type Sink = Box<dyn Fn(&Record<'_>) + Send + Sync>;
type SharedSink = Arc<dyn Fn(&Record<'_>) + Send + Sync>;

/// The current sink. The lock is held only to read or replace it, never
/// while a sink runs: a caller's log function may register another one
/// (`dm_log_init` from inside the callback) or log again, and other threads
/// log meanwhile.
static SINK: RwLock<Option<SharedSink>> = RwLock::new(None);
static VERBOSE: AtomicI32 = AtomicI32::new(0);

/// Sets the verbosity the default printer honours (`dm_log_init_verbose`).
pub fn set_verbose(level: i32) {
    VERBOSE.store(level, Ordering::Relaxed);
}

/// The verbosity last set.
pub fn verbose() -> i32 {
    VERBOSE.load(Ordering::Relaxed)
}

/// Routes every message to `sink` (None restores the default printer).
/// A message being logged meanwhile still goes to the sink it started with.
pub fn set_sink(sink: Option<Sink>) {
    let new = sink.map(Arc::from);
    let old = {
        let mut guard = SINK.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *guard, new)
    };
    // The old sink is dropped here, outside the lock (or later, by a
    // thread still running it).
    drop(old);
}

/// Logs one message through the current sink, called with no lock held.
pub fn emit(record: &Record<'_>) {
    let sink = SINK.read().unwrap_or_else(|e| e.into_inner()).clone();
    match sink {
        Some(sink) => sink(record),
        None => default_print(record),
    }
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).map(|v| v != "0").unwrap_or(false)
}

/// libdm's default printer: errors and warnings always, the rest only when
/// verbose; below WARN to stderr, else stdout unless `LOG_STDERR` is set;
/// `DM_DEBUG_WITH_LINE_NUMBERS` prefixes `file:line`; an internal error
/// aborts when `DM_ABORT_ON_INTERNAL_ERRORS` is set.
pub fn default_print(record: &Record<'_>) {
    let to_stderr_flag = record.level & LOG_STDERR != 0;
    let level = record.level & 0x0f;
    if level <= LOG_WARN || verbose() != 0 {
        let use_stderr = level < LOG_WARN || to_stderr_flag;
        let mut line = String::new();
        if env_flag("DM_DEBUG_WITH_LINE_NUMBERS") {
            line.push_str(&format!("{}:{}     ", record.file, record.line));
        }
        line.push_str(record.message);
        line.push('\n');
        // A failed write to a closed stream is not worth failing the caller for.
        if use_stderr {
            let _ = std::io::stderr().write_all(line.as_bytes());
        } else {
            let mut out = std::io::stdout();
            let _ = out.write_all(line.as_bytes());
            let _ = out.flush();
        }
    }
    if env_flag("DM_ABORT_ON_INTERNAL_ERRORS") && record.message.starts_with(INTERNAL_ERROR) {
        std::process::abort();
    }
}

/// Logs at `level` with `errno`, formatting like `format!`.
#[macro_export]
macro_rules! dm_log {
    ($level:expr, $errno:expr, $($arg:tt)*) => {
        $crate::log::emit(&$crate::log::Record {
            level: $level,
            file: file!(),
            line: line!(),
            errno: $errno,
            message: &format!($($arg)*),
        })
    };
}

/// An error message (libdm `log_error`).
#[macro_export]
macro_rules! log_error {
    (errno = $errno:expr; $($arg:tt)*) => { $crate::dm_log!($crate::log::LOG_ERR, $errno, $($arg)*) };
    ($($arg:tt)*) => { $crate::dm_log!($crate::log::LOG_ERR, 0, $($arg)*) };
}

/// A warning on stderr (libdm `log_warn`).
#[macro_export]
macro_rules! log_warn {
    ($($arg:tt)*) => { $crate::dm_log!($crate::log::LOG_WARN | $crate::log::LOG_STDERR, 0, $($arg)*) };
}

/// A verbose message (libdm `log_verbose`).
#[macro_export]
macro_rules! log_verbose {
    ($($arg:tt)*) => { $crate::dm_log!($crate::log::LOG_NOTICE, 0, $($arg)*) };
}

/// A debug message (libdm `log_debug`).
#[macro_export]
macro_rules! log_debug {
    ($($arg:tt)*) => { $crate::dm_log!($crate::log::LOG_DEBUG, 0, $($arg)*) };
}
