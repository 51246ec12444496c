//! How the C API's handles are owned, declared once per C type, and the
//! only code that turns a pointer C holds into a Rust reference (after
//! rustls-ffi's `Castable`).
//!
//! The rule these helpers keep: no pointer handed to C is derived from a
//! Rust reference. Every pointer C receives is the root pointer of its own
//! heap allocation (from `Box::into_raw` or `CString::into_raw`), and Rust
//! borrows through it only for the length of one exported call. Under
//! Stacked or Tree Borrows, a reference made from a root pointer is its
//! child: the child may write, and the root (C's pointer) stays valid; no
//! two handed-out pointers are siblings that would invalidate each other.
//!
//! Ownership kinds:
//! - [`OwnershipBox`]: C owns the object. A `*_create` makes it with
//!   [`to_boxed_mut_ptr`], the matching `*_free`/`*_destroy` gives it back to
//!   [`free_box`], and each call in between borrows it with
//!   [`try_mut_from_ptr`] or [`try_ref_from_ptr`] (`struct dm_task`,
//!   `dm_pool`, `dm_hash_table`, `dm_stats`, `dm_report` ...).
//! - [`OwnershipInterior`]: as `OwnershipBox`, but never borrowed as a
//!   whole: calls may re-enter through a callback while another call works
//!   on the object, so it is reached only through its interior cells, by
//!   its own module (`struct dm_tree`: see `capi::tree`).
//! - [`OwnershipRef`]: Rust owns the object (a tree owns its node handles)
//!   and C borrows it for the owner's life; calls only read it with
//!   [`try_ref_from_ptr`], and what changes in it is in cells
//!   (`struct dm_tree_node`).
//! - [`OwnershipLent`]: Rust owns the object and lends it to C, which hands
//!   it back to calls that may change it, one at a time (a `dm_regex` its
//!   pool owns, a `dm_report_field` during its report function).
//!
//! Memory C reads while Rust keeps it up to date lives in a [`CCell`] (a
//! struct) or a [`CText`] (a string), each its own allocation whose root
//! pointer is what C gets.
//!
//! The trust boundary. libdm's contract, which every exported function
//! states as its `# Safety`, is that a handle argument is NULL or a live
//! handle of its type made by this library, which no other thread uses
//! during the call. [`try_ref_from_ptr`], [`try_mut_from_ptr`] and
//! [`free_box`] are the one place that relies on it for handles (and
//! [`crate::capi::arg`] for strings, out-pointers and the caller's own
//! structs): as in rustls-ffi, they are safe functions, so that an
//! exported function and the helpers it shares with its neighbours borrow
//! handles without an `unsafe` block of their own. They are visible only
//! inside `capi`, and are given only pointers an exported function
//! received from its caller (or that this module made): a pointer from
//! anywhere else is a bug these functions cannot see.

use std::ffi::{c_char, CStr};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// C owns it; each call borrows it for the call.
pub(crate) struct OwnershipBox;
/// C owns it; it is reached only through its interior cells.
pub(crate) struct OwnershipInterior;
/// Rust owns it; C borrows it for the owner's life, calls only read it.
pub(crate) struct OwnershipRef;
/// Rust owns it; C borrows it, and a call may change it.
pub(crate) struct OwnershipLent;

/// Declares how the pointer C holds to `Self` is owned, and what it points
/// to: `Self` itself, or (for a type declared opaque to C) a Rust value.
pub(crate) trait Castable {
    /// One of [`OwnershipBox`], [`OwnershipInterior`], [`OwnershipRef`],
    /// [`OwnershipLent`].
    type Ownership;
    /// The Rust value behind the pointer.
    type Rust;
}

/// Ownerships whose objects C gives back to be freed.
pub(crate) trait BoxOwned {}
impl BoxOwned for OwnershipBox {}
impl BoxOwned for OwnershipInterior {}

/// Ownerships whose objects a call may borrow as a whole.
pub(crate) trait Borrowable {}
impl Borrowable for OwnershipBox {}
impl Borrowable for OwnershipRef {}
impl Borrowable for OwnershipLent {}

/// Ownerships whose objects a call may borrow exclusively.
pub(crate) trait MutBorrowable {}
impl MutBorrowable for OwnershipBox {}
impl MutBorrowable for OwnershipLent {}

/// Moves `value` to the heap for C; the pointer is the allocation's root.
pub(in crate::capi) fn to_boxed_mut_ptr<C>(value: C::Rust) -> *mut C
where
    C: Castable,
    C::Ownership: BoxOwned,
{
    Box::into_raw(Box::new(value)).cast()
}

/// Frees what [`to_boxed_mut_ptr`] made; NULL is ignored.
///
/// Trust boundary (see the module): `ptr` is a handle argument of the
/// exported function that frees `C`, so NULL or made by
/// [`to_boxed_mut_ptr`] and not freed yet, with no call on it running.
pub(in crate::capi) fn free_box<C>(ptr: *mut C)
where
    C: Castable,
    C::Ownership: BoxOwned,
{
    if !ptr.is_null() {
        // SAFETY: the trust boundary above: a live allocation of
        // `to_boxed_mut_ptr`, given back once.
        drop(unsafe { Box::from_raw(ptr.cast::<C::Rust>()) });
    }
}

/// Borrows a handle for one call; a NULL is logged as `function: argument
/// must not be NULL`. The reference must not outlive the call.
///
/// Trust boundary (see the module): `ptr` is a handle argument of an
/// exported function, so NULL or a live handle of type `C`, and nothing
/// borrows it exclusively meanwhile (a tree's node handles are only ever
/// borrowed shared; other handles are borrowed by one call at a time).
pub(in crate::capi) fn try_ref_from_ptr<'a, C>(function: &str, argument: &str, ptr: *const C) -> Option<&'a C::Rust>
where
    C: Castable,
    C::Ownership: Borrowable,
{
    if ptr.is_null() {
        crate::capi::boundary::log_null(function, argument);
        return None;
    }
    // SAFETY: the trust boundary above: non-NULL, live, not borrowed
    // exclusively.
    Some(unsafe { &*ptr.cast::<C::Rust>() })
}

/// Borrows a handle exclusively for one call; a NULL is logged. The
/// reference must not outlive the call.
///
/// Trust boundary (see the module): as [`try_ref_from_ptr`]; C passes the
/// object to one call at a time, so nothing else borrows it.
pub(in crate::capi) fn try_mut_from_ptr<'a, C>(function: &str, argument: &str, ptr: *mut C) -> Option<&'a mut C::Rust>
where
    C: Castable,
    C::Ownership: MutBorrowable,
{
    if ptr.is_null() {
        crate::capi::boundary::log_null(function, argument);
        return None;
    }
    // SAFETY: the trust boundary above: non-NULL, live, and this call is
    // the only one using it.
    Some(unsafe { &mut *ptr.cast::<C::Rust>() })
}

/// [`try_ref_from_ptr`] for an argument that may be NULL (no log).
pub(in crate::capi) fn opt_ref_from_ptr<'a, C>(ptr: *const C) -> Option<&'a C::Rust>
where
    C: Castable,
    C::Ownership: Borrowable,
{
    if ptr.is_null() {
        return None;
    }
    try_ref_from_ptr("", "", ptr)
}

/// [`try_mut_from_ptr`] for an argument that may be NULL (no log).
pub(in crate::capi) fn opt_mut_from_ptr<'a, C>(ptr: *mut C) -> Option<&'a mut C::Rust>
where
    C: Castable,
    C::Ownership: MutBorrowable,
{
    if ptr.is_null() {
        return None;
    }
    try_mut_from_ptr("", "", ptr)
}

/// A value C may read through a pointer it keeps, in its own allocation:
/// Rust replaces it in place, so the pointer stays valid until the cell is
/// dropped.
pub(crate) struct CCell<T> {
    ptr: NonNull<T>,
    _owns: PhantomData<T>,
}

impl<T> CCell<T> {
    /// A cell holding `value`.
    pub(crate) fn new(value: T) -> CCell<T> {
        // SAFETY: Box::into_raw never returns NULL.
        CCell { ptr: unsafe { NonNull::new_unchecked(Box::into_raw(Box::new(value))) }, _owns: PhantomData }
    }

    /// The pointer C gets.
    pub(crate) fn as_ptr(&self) -> *mut T {
        self.ptr.as_ptr()
    }

    /// Reads the value.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        // SAFETY: the cell owns a live, initialised T; writers need
        // `&mut self`, so none runs while this shared borrow lives.
        f(unsafe { &*self.ptr.as_ptr() })
    }

    /// Replaces the value.
    pub(crate) fn set(&mut self, value: T) {
        // SAFETY: the cell owns a live, initialised T; `&mut self` means no
        // Rust reference into it is alive, and C does not run meanwhile.
        unsafe { *self.ptr.as_ptr() = value };
    }
}

impl<T> Drop for CCell<T> {
    fn drop(&mut self) {
        // SAFETY: allocated by Box in `new` and freed only here.
        drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
    }
}

/// A NUL-terminated string C may read (and, where libdm hands out `char *`,
/// write within its length) through a pointer it keeps, valid until the
/// `CText` is dropped.
pub(crate) struct CText {
    ptr: NonNull<c_char>,
    /// Bytes allocated, the NUL included (C may shorten the string).
    size: usize,
}

impl CText {
    /// The C form of `s`; an interior NUL ends it, as C would read it.
    pub(crate) fn new(s: &str) -> CText {
        let bytes = s.as_bytes();
        let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
        let mut owned = Vec::with_capacity(end + 1);
        owned.extend_from_slice(&bytes[..end]);
        owned.push(0);
        let owned = owned.into_boxed_slice();
        let size = owned.len();
        // SAFETY: Box::into_raw never returns NULL.
        let ptr = unsafe { NonNull::new_unchecked(Box::into_raw(owned).cast::<c_char>()) };
        CText { ptr, size }
    }

    /// The pointer C gets.
    pub(crate) fn as_ptr(&self) -> *mut c_char {
        self.ptr.as_ptr()
    }

    /// The string as C sees it.
    pub(crate) fn as_c_str(&self) -> &CStr {
        // SAFETY: `size` bytes this CText owns, the last one a NUL that C
        // may not overwrite (it may only shorten the string).
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<u8>(), self.size) };
        CStr::from_bytes_until_nul(bytes).unwrap_or_default()
    }

    /// Whether C would read `s` here.
    pub(crate) fn holds(&self, s: &str) -> bool {
        let bytes = s.as_bytes();
        let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
        self.as_c_str().to_bytes() == &bytes[..end]
    }
}

impl Default for CText {
    fn default() -> CText {
        CText::new("")
    }
}

impl Drop for CText {
    fn drop(&mut self) {
        let slice = std::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr().cast::<u8>(), self.size);
        // SAFETY: the boxed slice `new` let go of, with its length, freed
        // only here.
        drop(unsafe { Box::from_raw(slice) });
    }
}

impl std::fmt::Debug for CText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_c_str().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::{CCell, CText};

    #[test]
    fn a_ccell_pointer_reads_each_value_set() {
        let mut cell = CCell::new(1u32);
        let p = cell.as_ptr();
        cell.set(2);
        // SAFETY: the cell is alive; p is its root pointer.
        assert_eq!(unsafe { *p }, 2);
    }

    #[test]
    fn a_ctext_ends_at_an_interior_nul() {
        let t = CText::new("ab\0cd");
        assert_eq!(t.as_c_str().to_bytes(), b"ab");
        assert!(t.holds("ab\0zz"));
    }
}
