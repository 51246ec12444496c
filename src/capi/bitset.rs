//! C entry points: bitset. A `dm_bitset_t` is an array of `uint32_t` in the
//! layout the header's macros use (word 0 = number of bits, then the bit
//! words), allocated from a pool or with malloc; the logic is in
//! [`crate::util::bitset`], which works on slices of that layout.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;
use crate::util::bitset::{self, Bitset};

/// `require!` for functions that return nothing (`require!(.., ())` trips
/// clippy's unused_unit).
macro_rules! require_void {
    ($name:literal, $ptr:ident) => {
        if $ptr.is_null() {
            $crate::capi::boundary::log_null($name, stringify!($ptr));
            return;
        }
    };
}

/// The whole array of a C bitset, count word first.
///
/// # Safety
/// `bs` must be non-NULL and point to a bitset in libdm's layout (as made by
/// `dm_bitset_create`): `bs[0] / 32 + 2` readable words, valid for `'a`.
unsafe fn words<'a>(bs: dm_bitset_t) -> &'a [u32] {
    // SAFETY: word 0 is readable, per the contract.
    let num_bits = unsafe { *bs };
    // SAFETY: the layout holds this many words, per the contract.
    unsafe { std::slice::from_raw_parts(bs, bitset::layout_len(num_bits)) }
}

/// Allocates a zeroed bitset of `num_bits` bits from `mem` (a pool handle)
/// or, when `mem` is NULL, with malloc (freed by `dm_bitset_destroy`).
///
/// # Safety
/// `mem` is NULL or a live pool handle.
pub(crate) unsafe fn alloc_c_bitset(mem: *mut dm_pool, num_bits: c_uint) -> dm_bitset_t {
    let len = bitset::layout_len(num_bits);
    let bs = if mem.is_null() {
        // SAFETY: calloc has no preconditions.
        unsafe { libc::calloc(len, std::mem::size_of::<u32>()) as dm_bitset_t }
    } else {
        // SAFETY: a live pool handle, per this function's contract.
        match unsafe { crate::capi::pool::pool_mut(mem) }.zalloc(len * std::mem::size_of::<u32>()) {
            Ok(m) => m.as_ptr() as dm_bitset_t,
            Err(e) => {
                crate::log_error!("{e}");
                return ptr::null_mut();
            }
        }
    };
    if bs.is_null() {
        crate::log_error!(errno = libc::ENOMEM; "Failed to allocate a bitset of {num_bits} bits.");
        return ptr::null_mut();
    }
    // SAFETY: `bs` has `len >= 2` zeroed words.
    unsafe { *bs = num_bits };
    bs
}

/// A copy of `set` in C memory, from `mem` or malloc (see
/// [`alloc_c_bitset`]).
///
/// # Safety
/// `mem` is NULL or a live pool handle.
pub(crate) unsafe fn bitset_to_c(set: &Bitset, mem: *mut dm_pool) -> dm_bitset_t {
    // SAFETY: per this function's contract.
    let bs = unsafe { alloc_c_bitset(mem, set.num_bits()) };
    if !bs.is_null() {
        let src = set.as_words();
        // SAFETY: `bs` has layout_len(num_bits) == src.len() words.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), bs, src.len()) };
    }
    bs
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_create(mem: *mut dm_pool, num_bits: c_uint) -> dm_bitset_t {
    ffi!("dm_bitset_create", ptr::null_mut() => {
        // SAFETY: mem is NULL or a live pool, per the caller's contract.
        unsafe { alloc_c_bitset(mem, num_bits) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_destroy(bs: dm_bitset_t) {
    // SAFETY: a bitset from dm_bitset_create(NULL, ...) (malloc) or NULL.
    unsafe { libc::free(bs as *mut c_void) }
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_equal(in1: dm_bitset_t, in2: dm_bitset_t) -> c_int {
    ffi!("dm_bitset_equal", 0 => {
        require!("dm_bitset_equal", in1, 0);
        require!("dm_bitset_equal", in2, 0);
        // SAFETY: bitsets in libdm's layout, per the caller's contract.
        let (a, b) = unsafe { (words(in1), words(in2)) };
        c_int::from(bitset::words_equal(a, b))
    })
}

/// `out = op(in1, in2)` word by word; `out` may be `in1` or `in2`.
///
/// # Safety
/// All three are non-NULL bitsets in libdm's layout.
unsafe fn combine(out: dm_bitset_t, in1: dm_bitset_t, in2: dm_bitset_t, op: fn(u32, u32) -> u32) {
    // Copies first, so that no shared slice is live while `out` (which may
    // be the same memory) is written.
    // SAFETY: per this function's contract.
    let (a, b) = unsafe { (words(in1).to_vec(), words(in2).to_vec()) };
    // SAFETY: `out` is a bitset in libdm's layout; no other slice of it is
    // live now.
    let out = unsafe { std::slice::from_raw_parts_mut(out, bitset::layout_len(*out)) };
    bitset::words_combine(out, &a, &b, op);
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_and(out: dm_bitset_t, in1: dm_bitset_t, in2: dm_bitset_t) {
    ffi!("dm_bit_and", () => {
        require_void!("dm_bit_and", out);
        require_void!("dm_bit_and", in1);
        require_void!("dm_bit_and", in2);
        // SAFETY: bitsets in libdm's layout, per the caller's contract.
        unsafe { combine(out, in1, in2, |x, y| x & y) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_union(out: dm_bitset_t, in1: dm_bitset_t, in2: dm_bitset_t) {
    ffi!("dm_bit_union", () => {
        require_void!("dm_bit_union", out);
        require_void!("dm_bit_union", in1);
        require_void!("dm_bit_union", in2);
        // SAFETY: bitsets in libdm's layout, per the caller's contract.
        unsafe { combine(out, in1, in2, |x, y| x | y) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_first(bs: dm_bitset_t) -> c_int {
    ffi!("dm_bit_get_first", -1 => {
        require!("dm_bit_get_first", bs, -1);
        // SAFETY: a bitset in libdm's layout, per the caller's contract.
        bitset::words_first(unsafe { words(bs) })
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_next(bs: dm_bitset_t, last_bit: c_int) -> c_int {
    ffi!("dm_bit_get_next", -1 => {
        require!("dm_bit_get_next", bs, -1);
        // SAFETY: a bitset in libdm's layout, per the caller's contract.
        bitset::words_next(unsafe { words(bs) }, last_bit)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_last(bs: dm_bitset_t) -> c_int {
    ffi!("dm_bit_get_last", -1 => {
        require!("dm_bit_get_last", bs, -1);
        // SAFETY: a bitset in libdm's layout, per the caller's contract.
        bitset::words_last(unsafe { words(bs) })
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_prev(bs: dm_bitset_t, last_bit: c_int) -> c_int {
    ffi!("dm_bit_get_prev", -1 => {
        require!("dm_bit_get_prev", bs, -1);
        // SAFETY: a bitset in libdm's layout, per the caller's contract.
        bitset::words_prev(unsafe { words(bs) }, last_bit)
    })
}

/// Both symbol versions of `dm_bitset_parse_list`.
///
/// # Safety
/// `str_` is NULL or a C string; `mem` is NULL or a live pool handle.
unsafe fn parse_list(name: &str, str_: *const c_char, mem: *mut dm_pool, min_num_bits: usize) -> dm_bitset_t {
    if str_.is_null() {
        crate::capi::boundary::log_null(name, "str");
        return ptr::null_mut();
    }
    // SAFETY: a C string, per the contract.
    let text = unsafe { CStr::from_ptr(str_) };
    match bitset::parse_list(text.to_bytes(), min_num_bits) {
        // SAFETY: mem is NULL or a live pool, per the contract.
        Ok(set) => unsafe { bitset_to_c(&set, mem) },
        Err(e) => {
            // libdm reports a malformed list only at debug level; callers
            // print their own error.
            crate::log_debug!("{name}: cannot parse '{}': {e}", text.to_string_lossy());
            ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_parse_list(str_: *const c_char, mem: *mut dm_pool, min_num_bits: usize) -> dm_bitset_t {
    ffi!("dm_bitset_parse_list", ptr::null_mut() => {
        // SAFETY: the caller's contract.
        unsafe { parse_list("dm_bitset_parse_list", str_, mem, min_num_bits) }
    })
}

// The generated `.symver` directives (capi/mod.rs, from build.rs) sit in
// one codegen unit, and the assembler versions only the symbols defined in
// the same object: when this function lands in another unit its version is
// silently lost. Repeated here, in the function's own module (a repeated
// identical directive is harmless).
std::arch::global_asm!(".symver dm_bitset_parse_list_v1_02_129, dm_bitset_parse_list@DM_1_02_129");

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_parse_list_v1_02_129(str_: *const c_char, mem: *mut dm_pool) -> dm_bitset_t {
    ffi!("dm_bitset_parse_list", ptr::null_mut() => {
        // SAFETY: the caller's contract.
        unsafe { parse_list("dm_bitset_parse_list", str_, mem, 0) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::pool::{dm_pool_create, dm_pool_destroy};

    unsafe fn set_bits(bs: dm_bitset_t) -> Vec<i32> {
        let mut out = Vec::new();
        // SAFETY: a test bitset.
        let mut b = unsafe { dm_bit_get_first(bs) };
        while b >= 0 {
            out.push(b);
            // SAFETY: as above.
            b = unsafe { dm_bit_get_next(bs, b) };
        }
        out
    }

    #[test]
    fn create_parse_combine_and_walk() {
        // SAFETY: the test owns every bitset and the pool.
        unsafe {
            let bs = dm_bitset_create(ptr::null_mut(), 70);
            assert_eq!(std::slice::from_raw_parts(bs, 4), &[70, 0, 0, 0]);
            assert_eq!(dm_bit_get_first(bs), -1);
            assert_eq!(dm_bit_get_last(bs), -1);
            *bs.add(2) = 1 << 3; // bit 35
            assert_eq!(set_bits(bs), vec![35]);

            let pool = dm_pool_create(c"bits".as_ptr(), 0);
            let a = dm_bitset_parse_list(c"1-3,35,69".as_ptr(), pool, 70);
            let b = dm_bitset_parse_list_v1_02_129(c"2,35".as_ptr(), pool);
            assert_eq!(*a, 70);
            assert_eq!(*b, 36);
            assert_eq!(set_bits(a), vec![1, 2, 3, 35, 69]);
            assert_eq!(dm_bit_get_last(a), 69);
            assert_eq!(dm_bit_get_prev(a, 69), 35);
            dm_bit_and(bs, a, bs);
            assert_eq!(set_bits(bs), vec![35]);
            dm_bit_union(bs, bs, a);
            assert_eq!(dm_bitset_equal(bs, a), 1);
            dm_bit_and(bs, bs, b);
            assert_eq!(set_bits(bs), vec![2, 35]);
            assert_eq!(dm_bitset_equal(bs, a), 0);
            assert!(dm_bitset_parse_list(c"3-1".as_ptr(), pool, 0).is_null());
            assert!(dm_bitset_parse_list(ptr::null(), pool, 0).is_null());
            let empty = dm_bitset_parse_list(c"".as_ptr(), ptr::null_mut(), 0);
            assert_eq!(std::slice::from_raw_parts(empty, 2), &[0, 0]);
            dm_bitset_destroy(empty);
            dm_bitset_destroy(bs);
            dm_bitset_destroy(ptr::null_mut());
            dm_pool_destroy(pool);
        }
    }

    #[test]
    fn null_bitsets_are_refused() {
        // SAFETY: NULLs are what is being tested.
        unsafe {
            assert_eq!(dm_bit_get_first(ptr::null_mut()), -1);
            assert_eq!(dm_bit_get_prev(ptr::null_mut(), 3), -1);
            assert_eq!(dm_bitset_equal(ptr::null_mut(), ptr::null_mut()), 0);
            dm_bit_and(ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
            dm_bit_union(ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
        }
    }
}
