//! The C boundary: no panic crosses it, a NULL where a pointer is required
//! is a logged error, and unimplemented functions say so and fail.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body`; a panic inside becomes a logged internal error and `fail`.
pub fn guard<T>(name: &str, fail: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            crate::log_error!("{}{name}: {what}", crate::log::INTERNAL_ERROR);
            fail
        }
    }
}

/// Logs that `name` is not implemented yet.
pub fn log_not_implemented(name: &str) {
    crate::log_error!(errno = libc::ENOSYS; "{name}: not implemented");
}

/// Logs a NULL argument.
pub fn log_null(function: &str, argument: &str) {
    crate::log_error!(errno = libc::EINVAL; "{function}: {argument} must not be NULL");
}

/// The body of a stub: logs "<name>: not implemented" and returns the
/// failure value (nothing for a void function). No exported function is a
/// stub any more (`make abi-report`); the macro stays for new entry points.
#[allow(unused_macros)]
macro_rules! not_implemented {
    ($name:literal) => {
        $crate::capi::boundary::guard($name, (), || $crate::capi::boundary::log_not_implemented($name))
    };
    ($name:literal, $fail:expr) => {{
        $crate::capi::boundary::guard($name, (), || $crate::capi::boundary::log_not_implemented($name));
        $fail
    }};
}

/// Wraps an exported function body: a panic in it is logged and turned
/// into the failure value.
///
/// `ffi!("name", fail => { body })` runs the body as it is;
/// `ffi!("name", fail; a: conv, b: conv => body)` first converts each
/// argument, in order, with its conversion `conv(function, argument, raw)
/// -> Option<value>` (those of [`crate::capi::arg`]: `handle`,
/// `handle_mut`, `string`, `bytes`, `out` ..., or a module's own), binding
/// the value to the argument's own name; a refused argument (logged by the
/// conversion as `name: a ...`) makes the call return `fail`.
macro_rules! ffi {
    ($name:literal, $fail:expr => $body:block) => {
        $crate::capi::boundary::guard($name, $fail, || $body)
    };
    ($name:literal, $fail:expr; $($arg:ident: $conv:path),+ => $body:expr) => {
        $crate::capi::boundary::guard($name, $fail, || {
            $(
                #[allow(clippy::unused_unit)]
                let Some($arg) = $conv($name, stringify!($arg), $arg) else { return $fail };
            )+
            $body
        })
    };
}

/// Returns `fail` (after logging) when a required pointer is NULL.
macro_rules! require {
    ($name:literal, $ptr:ident, $fail:expr) => {
        if $ptr.is_null() {
            $crate::capi::boundary::log_null($name, stringify!($ptr));
            return $fail;
        }
    };
}

#[cfg(test)]
mod tests {
    use super::guard;
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_panic_becomes_the_failure_value_and_an_internal_error() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        crate::log::set_sink(Some(Box::new(move |r| sink.lock().unwrap().push(r.message.to_string()))));
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let value = guard("dm_test_function", -7, || -> i32 { panic!("boom") });
        std::panic::set_hook(previous);
        crate::log::set_sink(None);
        assert_eq!(value, -7);
        // Other tests may log concurrently into the same global sink.
        let seen = seen.lock().unwrap();
        assert!(seen.iter().any(|m| m == "Internal error: dm_test_function: boom"), "{seen:?}");
    }
}
