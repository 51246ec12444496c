//! C entry points of the pvmove helpers (this project's extension, not in
//! upstream libdevmapper): declared in include/devmapper-pvmove.h, exported
//! under their own version node DEVMAPPER_PVMOVE_1, all named `dmpv_*` so
//! they cannot collide with upstream names. A move is an opaque handle;
//! its state travels as the text of [`MoveState::to_text`].

use std::ffi::*;
use std::ptr;

use once_cell::sync::OnceCell;

use crate::capi::boundary::c_str;
use crate::kernel::Kernel;
use crate::pvmove::{Mode, MoveRequest, MoveState, Mover, PvmoveError};

/// A move in progress (opaque to C).
pub struct dmpv_move {
    mover: Mover<'static>,
}

fn kernel() -> &'static dyn Kernel {
    static KERNEL: OnceCell<std::sync::Arc<dyn Kernel>> = OnceCell::new();
    KERNEL.get_or_init(crate::kernel::default_kernel).as_ref()
}

fn boxed(function: &str, r: Result<Mover<'static>, PvmoveError>) -> *mut dmpv_move {
    match r {
        Ok(mover) => Box::into_raw(Box::new(dmpv_move { mover })),
        Err(e) => {
            crate::log_error!(errno = libc::EINVAL; "{function}: {e}");
            ptr::null_mut()
        }
    }
}

/// # Safety
/// `m` is NULL or a handle from this file, not yet destroyed.
unsafe fn handle<'a>(function: &str, m: *mut dmpv_move) -> Option<&'a mut dmpv_move> {
    if m.is_null() {
        crate::capi::boundary::log_null(function, "move");
        return None;
    }
    // SAFETY: per this function's contract.
    Some(unsafe { &mut *m })
}

/// Starts moving the linear segments that `volumes` (names or uuids)
/// have on the source device to the destination, allocating the next free
/// areas there. Returns NULL (with a logged reason) on failure.
#[no_mangle]
pub unsafe extern "C" fn dmpv_start(volumes: *const *const c_char, count: c_uint, src_major: u32, src_minor: u32, dst_major: u32, dst_minor: u32, atomic: c_int, region_size: u32) -> *mut dmpv_move {
    ffi!("dmpv_start", ptr::null_mut() => {
        if volumes.is_null() {
            crate::capi::boundary::log_null("dmpv_start", "volumes");
            return ptr::null_mut();
        }
        let mut names = Vec::new();
        for i in 0..count as usize {
            // SAFETY: the caller passes `count` strings.
            let p = unsafe { *volumes.add(i) };
            // SAFETY: each is NULL or a C string.
            let Some(name) = (unsafe { c_str("dmpv_start", "volume", p) }) else { return ptr::null_mut() };
            names.push(name.to_string());
        }
        let request = MoveRequest {
            volumes: names,
            source: (src_major, src_minor),
            dest: (dst_major, dst_minor),
            dest_areas: None,
            mode: if atomic != 0 { Mode::Atomic } else { Mode::BySegment },
            region_size,
        };
        boxed("dmpv_start", Mover::start(kernel(), &request))
    })
}

fn parse_state(function: &str, text: *const c_char) -> Option<MoveState> {
    // SAFETY: the caller passes NULL or a C string.
    let text = unsafe { c_str(function, "state", text) }?;
    match MoveState::from_text(text) {
        Ok(s) => Some(s),
        Err(e) => {
            crate::log_error!(errno = libc::EINVAL; "{function}: {e}");
            None
        }
    }
}

/// Takes a saved state back and reloads the move's devices (recreating
/// them after a reboot); mirrors resync unless the last stop was clean.
#[no_mangle]
pub unsafe extern "C" fn dmpv_restart(state: *const c_char) -> *mut dmpv_move {
    ffi!("dmpv_restart", ptr::null_mut() => {
        let Some(s) = parse_state("dmpv_restart", state) else { return ptr::null_mut() };
        boxed("dmpv_restart", Mover::restart(kernel(), s))
    })
}

/// A handle over a saved state without touching any device (to abort or
/// stop it).
#[no_mangle]
pub unsafe extern "C" fn dmpv_load(state: *const c_char) -> *mut dmpv_move {
    ffi!("dmpv_load", ptr::null_mut() => {
        let Some(s) = parse_state("dmpv_load", state) else { return ptr::null_mut() };
        Box::into_raw(Box::new(dmpv_move { mover: Mover::from_state(kernel(), s) }))
    })
}

/// Reads the progress (fraction of sectors in sync, and whether the copy
/// is complete); advances a by-segment move. 1 on success, 0 on failure.
#[no_mangle]
pub unsafe extern "C" fn dmpv_poll(m: *mut dmpv_move, fraction: *mut f64, done: *mut c_int) -> c_int {
    ffi!("dmpv_poll", 0 => {
        // SAFETY: caller's contract.
        let Some(h) = (unsafe { handle("dmpv_poll", m) }) else { return 0 };
        match h.mover.poll() {
            Ok(p) => {
                if !fraction.is_null() {
                    // SAFETY: non-NULL out-parameter from the caller.
                    unsafe { *fraction = p.fraction };
                }
                if !done.is_null() {
                    // SAFETY: non-NULL out-parameter from the caller.
                    unsafe { *done = p.done as c_int };
                }
                1
            }
            Err(e) => {
                crate::log_error!(errno = libc::EIO; "dmpv_poll: {e}");
                0
            }
        }
    })
}

fn act(function: &str, m: *mut dmpv_move, f: impl FnOnce(&mut Mover<'static>) -> Result<(), PvmoveError>) -> c_int {
    // SAFETY: the entry points pass the caller's handle.
    let Some(h) = (unsafe { handle(function, m) }) else { return 0 };
    match f(&mut h.mover) {
        Ok(()) => 1,
        Err(e) => {
            crate::log_error!(errno = libc::EIO; "{function}: {e}");
            0
        }
    }
}

/// Completes a move whose copy is done. 1 on success.
#[no_mangle]
pub unsafe extern "C" fn dmpv_finish(m: *mut dmpv_move) -> c_int {
    ffi!("dmpv_finish", 0 => { act("dmpv_finish", m, |mv| mv.finish()) })
}

/// Abandons a move (atomic: everything back on the source). 1 on success.
#[no_mangle]
pub unsafe extern "C" fn dmpv_abort(m: *mut dmpv_move) -> c_int {
    ffi!("dmpv_abort", 0 => { act("dmpv_abort", m, |mv| mv.abort()) })
}

/// Takes the move's devices down cleanly, to restart later. 1 on success.
#[no_mangle]
pub unsafe extern "C" fn dmpv_stop(m: *mut dmpv_move) -> c_int {
    ffi!("dmpv_stop", 0 => { act("dmpv_stop", m, |mv| mv.stop()) })
}

/// The state to persist, as text; free it with free() or dm_free().
#[no_mangle]
pub unsafe extern "C" fn dmpv_state(m: *mut dmpv_move) -> *mut c_char {
    ffi!("dmpv_state", ptr::null_mut() => {
        // SAFETY: caller's contract.
        let Some(h) = (unsafe { handle("dmpv_state", m) }) else { return ptr::null_mut() };
        let text = CString::new(h.mover.state.to_text()).unwrap_or_default();
        // SAFETY: strdup copies a valid C string into malloc'd memory.
        unsafe { libc::strdup(text.as_ptr()) }
    })
}

/// Frees a handle (the devices stay as they are).
#[no_mangle]
pub unsafe extern "C" fn dmpv_destroy(m: *mut dmpv_move) {
    ffi!("dmpv_destroy", () => {
        if !m.is_null() {
            // SAFETY: a handle from Box::into_raw in this file, freed once.
            drop(unsafe { Box::from_raw(m) });
        }
    })
}
