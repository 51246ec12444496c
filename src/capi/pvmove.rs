//! C entry points of the pvmove helpers (this project's extension, not in
//! upstream libdevmapper): declared in include/devmapper-pvmove.h, exported
//! under their own version node DEVMAPPER_PVMOVE_1, all named `dmpv_*` so
//! they cannot collide with upstream names. A move is an opaque handle;
//! its state travels as the text of [`MoveState::to_text`].

use std::ffi::*;
use std::ptr;

use once_cell::sync::OnceCell;

use crate::capi::arg::{self, handle_mut, opt_out};
use crate::capi::cmem::CMem;
use crate::capi::handle::{self as h, Castable, OwnershipBox};
use crate::kernel::Kernel;
use crate::pvmove::{Mode, MoveRequest, MoveState, Mover, PvmoveError};

/// A move in progress (opaque to C).
pub struct dmpv_move {
    mover: Mover<'static>,
}

/// C owns a move: dmpv_start, _restart or _load make it, _destroy frees it.
impl Castable for dmpv_move {
    type Ownership = OwnershipBox;
    type Rust = dmpv_move;
}

fn kernel() -> &'static dyn Kernel {
    static KERNEL: OnceCell<std::sync::Arc<dyn Kernel>> = OnceCell::new();
    KERNEL.get_or_init(crate::kernel::default_kernel).as_ref()
}

/// The value of `r`, or None after logging its error as "function: error".
fn logged<T>(function: &str, errno: c_int, r: Result<T, PvmoveError>) -> Option<T> {
    r.map_err(|e| crate::log_error!(errno = errno; "{function}: {e}")).ok()
}

fn boxed(function: &str, r: Result<Mover<'static>, PvmoveError>) -> *mut dmpv_move {
    logged(function, libc::EINVAL, r).map_or(ptr::null_mut(), |mover| h::to_boxed_mut_ptr(dmpv_move { mover }))
}

/// Starts moving the linear segments that `volumes` (names or uuids)
/// have on the source device to the destination, allocating the next free
/// areas there. Returns NULL (with a logged reason) on failure.
#[no_mangle]
pub unsafe extern "C" fn dmpv_start(volumes: *const *const c_char, count: c_uint, src_major: u32, src_minor: u32, dst_major: u32, dst_minor: u32, atomic: c_int, region_size: u32) -> *mut dmpv_move {
    ffi!("dmpv_start", ptr::null_mut() => {
        let Some(volumes) = arg::slice("dmpv_start", "volumes", volumes, count as usize) else { return ptr::null_mut() };
        let Some(names) = volumes.iter().map(|&p| arg::string("dmpv_start", "volume", p).map(str::to_string)).collect() else { return ptr::null_mut() };
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
    logged(function, libc::EINVAL, MoveState::from_text(arg::string(function, "state", text)?))
}

/// Takes a saved state back and reloads the move's devices (recreating
/// them after a reboot); mirrors resync unless the last stop was clean.
#[no_mangle]
pub unsafe extern "C" fn dmpv_restart(state: *const c_char) -> *mut dmpv_move {
    ffi!("dmpv_restart", ptr::null_mut() => {
        parse_state("dmpv_restart", state).map_or(ptr::null_mut(), |s| boxed("dmpv_restart", Mover::restart(kernel(), s)))
    })
}

/// A handle over a saved state without touching any device (to abort or
/// stop it).
#[no_mangle]
pub unsafe extern "C" fn dmpv_load(state: *const c_char) -> *mut dmpv_move {
    ffi!("dmpv_load", ptr::null_mut() => {
        parse_state("dmpv_load", state).map_or(ptr::null_mut(), |s| h::to_boxed_mut_ptr(dmpv_move { mover: Mover::from_state(kernel(), s) }))
    })
}

/// Reads the progress (fraction of sectors in sync, and whether the copy
/// is complete); advances a by-segment move. 1 on success, 0 on failure.
#[no_mangle]
pub unsafe extern "C" fn dmpv_poll(m: *mut dmpv_move, fraction: *mut f64, done: *mut c_int) -> c_int {
    ffi!("dmpv_poll", 0; m: mover, fraction: opt_out, done: opt_out => {
        let Some(p) = logged("dmpv_poll", libc::EIO, m.mover.poll()) else { return 0 };
        fraction.set(p.fraction);
        done.set(p.done as c_int);
        1
    })
}

/// A move argument (its NULL logged as "move").
fn mover<'a>(function: &str, _: &str, m: *mut dmpv_move) -> Option<&'a mut dmpv_move> {
    handle_mut(function, "move", m)
}

fn act(function: &str, m: *mut dmpv_move, f: impl FnOnce(&mut Mover<'static>) -> Result<(), PvmoveError>) -> c_int {
    let Some(h) = mover(function, "", m) else { return 0 };
    logged(function, libc::EIO, f(&mut h.mover)).is_some() as c_int
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
    ffi!("dmpv_state", ptr::null_mut(); m: mover => {
        let text = CString::new(m.mover.state.to_text()).unwrap_or_default();
        CMem::Malloc.str(text.as_bytes()).unwrap_or(ptr::null_mut())
    })
}

/// Frees a handle (the devices stay as they are).
#[no_mangle]
pub unsafe extern "C" fn dmpv_destroy(m: *mut dmpv_move) {
    ffi!("dmpv_destroy", () => { h::free_box(m) })
}
