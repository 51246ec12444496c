//! Memory handed to C: copies of Rust values in the caller's pool (freed
//! with the pool) or from malloc (the caller frees them with free or
//! dm_free), where libdm allocates its results.

use std::ffi::c_char;
use std::ptr::{self, NonNull};

use crate::capi::types::dm_pool;
use crate::util::pool::Pool;

/// Where the memory comes from.
pub(in crate::capi) enum CMem<'a> {
    Pool(&'a mut Pool),
    Malloc,
}

impl CMem<'_> {
    /// The caller's pool, or malloc when it passed NULL.
    pub(in crate::capi) fn of<'a>(pool: *mut dm_pool) -> CMem<'a> {
        match crate::capi::handle::opt_mut_from_ptr(pool) {
            Some(p) => CMem::Pool(p),
            None => CMem::Malloc,
        }
    }

    /// `size` zeroed bytes aligned for `align` (at most 16); None when the
    /// allocation fails (a pool's error logged).
    pub(in crate::capi) fn zeroed(&mut self, size: usize, align: usize) -> Option<NonNull<u8>> {
        match self {
            // SAFETY: calloc has no preconditions; its memory is zeroed and
            // aligned for every C type.
            CMem::Malloc => NonNull::new(unsafe { libc::calloc(1, size.max(1)) }.cast::<u8>()),
            CMem::Pool(pool) => match pool.alloc(size.max(1), align.max(8)) {
                Ok(p) => {
                    // SAFETY: `size` bytes just allocated, used by nothing else.
                    unsafe { ptr::write_bytes(p.as_ptr(), 0, size) };
                    Some(p)
                }
                Err(e) => {
                    crate::log_error!("{e}");
                    None
                }
            },
        }
    }

    /// A copy of `items` (a valid pointer even when there are none).
    pub(in crate::capi) fn copy<T: Copy>(&mut self, items: &[T]) -> Option<*mut T> {
        let p = self.zeroed(std::mem::size_of_val(items), std::mem::align_of::<T>())?.as_ptr().cast::<T>();
        // SAFETY: room for `items.len()` values, aligned for T, distinct
        // from `items`.
        unsafe { ptr::copy_nonoverlapping(items.as_ptr(), p, items.len()) };
        Some(p)
    }

    /// `value`, moved into C memory.
    pub(in crate::capi) fn put<T>(&mut self, value: T) -> Option<*mut T> {
        let p = self.zeroed(std::mem::size_of::<T>(), std::mem::align_of::<T>())?.as_ptr().cast::<T>();
        // SAFETY: room for a T, aligned for it.
        unsafe { p.write(value) };
        Some(p)
    }

    /// A NUL-terminated copy of `bytes`.
    pub(in crate::capi) fn str(&mut self, bytes: &[u8]) -> Option<*mut c_char> {
        // The zeroed allocation's last byte is the NUL.
        let p = self.zeroed(bytes.len() + 1, 1)?.as_ptr();
        // SAFETY: room for `bytes.len() + 1` bytes, distinct from `bytes`.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len()) };
        Some(p.cast())
    }
}
