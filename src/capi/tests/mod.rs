//! The tree and task C API driven as a C caller drives it: only through
//! the exported `extern "C"` functions, with raw pointers kept across
//! calls as C keeps them. Where a kernel is needed, a simulated one stands
//! in for this thread's default kernel. These tests are what `make miri`
//! runs under Miri with Tree Borrows, so they reach neither an ioctl nor a
//! SysV semaphore nor the host's file system.

mod task;
mod tree;

use std::ffi::{c_char, CStr};
use std::sync::Arc;

use crate::kernel::{with_thread_kernel, SimKernel};

/// Runs `f` with a fresh simulated kernel as the library's kernel on this
/// thread. Under Miri the udev requirements are taken as absent (no
/// semaphores, no udev), as they are in the VM's guest without udev.
fn on_sim<R>(f: impl FnOnce(&Arc<SimKernel>) -> R) -> R {
    #[cfg(miri)]
    crate::udev::cookie::assume_requirements(crate::udev::cookie::Requirements { udev_disabled: false, semaphores: false, udev_running: false });
    let sim = Arc::new(SimKernel::new());
    with_thread_kernel(sim.clone(), || f(&sim))
}

/// The NUL-terminated string at `p`, as C reads it.
///
/// # Safety
/// `p` is non-NULL and points to a live NUL-terminated string.
unsafe fn text(p: *const c_char) -> String {
    assert!(!p.is_null(), "a NULL string");
    // SAFETY: per this function's contract.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The live tables the simulated kernel holds, "name: start length type
/// params" per line, in device creation order.
fn live_tables(sim: &SimKernel) -> Vec<String> {
    sim.snapshot()
        .iter()
        .flat_map(|d| {
            d.live.iter().flatten().map(move |l| format!("{}: {} {} {} {}", d.name, l.start, l.length, l.target_type, l.params)).collect::<Vec<_>>()
        })
        .collect()
}
