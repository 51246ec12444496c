//! C entry points: bitset. A `dm_bitset_t` is an array of `uint32_t` in the
//! layout the header's macros use (word 0 = number of bits, then the bit
//! words), allocated from a pool or with malloc; the logic is in
//! [`crate::util::bitset`], which works on slices of that layout.

use std::ffi::*;
use std::ptr;

use crate::capi::arg;
use crate::capi::boundary::log_null;
use crate::capi::cmem::CMem;
use crate::capi::types::*;
use crate::util::bitset;

/// The whole array of a C bitset, count word first: `bs[0] / 32 + 2`
/// words in libdm's layout (as `dm_bitset_create` makes them).
fn words<'a>(function: &str, argument: &str, bs: dm_bitset_t) -> Option<&'a [u32]> {
    let num_bits = *arg::c_ref(function, argument, bs)?;
    arg::slice(function, argument, bs, bitset::layout_len(num_bits))
}

/// [`words`], to change.
fn words_mut<'a>(function: &str, argument: &str, bs: dm_bitset_t) -> Option<&'a mut [u32]> {
    let num_bits = *arg::c_ref(function, argument, bs)?;
    arg::slice_mut(function, argument, bs, bitset::layout_len(num_bits))
}

/// A zeroed bitset of `num_bits` bits in C memory from the pool `mem` or,
/// when it is NULL, from malloc (freed by `dm_bitset_destroy`), and a copy
/// of `words` in it when given.
pub(crate) fn c_bitset(mem: *mut dm_pool, num_bits: u32, words: Option<&[u32]>) -> dm_bitset_t {
    let len = bitset::layout_len(num_bits);
    let mut cmem = CMem::of(mem);
    let from_malloc = matches!(cmem, CMem::Malloc);
    let Some(p) = cmem.zeroed(len * std::mem::size_of::<u32>(), std::mem::align_of::<u32>()) else {
        if from_malloc {
            crate::log_error!(errno = libc::ENOMEM; "Failed to allocate a bitset of {num_bits} bits.");
        }
        return ptr::null_mut();
    };
    let bs = p.as_ptr().cast::<u32>();
    let Some(out) = arg::slice_mut("", "", bs, len) else { return ptr::null_mut() };
    match words {
        Some(w) => out.copy_from_slice(w),
        None => out[0] = num_bits,
    }
    bs
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_create(mem: *mut dm_pool, num_bits: c_uint) -> dm_bitset_t {
    ffi!("dm_bitset_create", ptr::null_mut() => { c_bitset(mem, num_bits, None) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_destroy(bs: dm_bitset_t) {
    // A bitset from dm_bitset_create(NULL, ...) is malloc's.
    crate::capi::memory::free(bs.cast())
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_equal(in1: dm_bitset_t, in2: dm_bitset_t) -> c_int {
    ffi!("dm_bitset_equal", 0; in1: words, in2: words => c_int::from(bitset::words_equal(in1, in2)))
}

/// `out = op(in1, in2)` word by word; `out` may be `in1` or `in2`.
fn combine(function: &str, out: dm_bitset_t, in1: dm_bitset_t, in2: dm_bitset_t, op: fn(u32, u32) -> u32) {
    if out.is_null() {
        return log_null(function, "out");
    }
    // Copies first, so that no shared slice is live while `out` (which may
    // be the same memory) is written.
    let Some(a) = words(function, "in1", in1).map(<[u32]>::to_vec) else { return };
    let Some(b) = words(function, "in2", in2).map(<[u32]>::to_vec) else { return };
    if let Some(out) = words_mut(function, "out", out) {
        bitset::words_combine(out, &a, &b, op);
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_and(out: dm_bitset_t, in1: dm_bitset_t, in2: dm_bitset_t) {
    ffi!("dm_bit_and", () => { combine("dm_bit_and", out, in1, in2, |x, y| x & y) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_union(out: dm_bitset_t, in1: dm_bitset_t, in2: dm_bitset_t) {
    ffi!("dm_bit_union", () => { combine("dm_bit_union", out, in1, in2, |x, y| x | y) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_first(bs: dm_bitset_t) -> c_int {
    ffi!("dm_bit_get_first", -1; bs: words => bitset::words_first(bs))
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_next(bs: dm_bitset_t, last_bit: c_int) -> c_int {
    ffi!("dm_bit_get_next", -1; bs: words => bitset::words_next(bs, last_bit))
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_last(bs: dm_bitset_t) -> c_int {
    ffi!("dm_bit_get_last", -1; bs: words => bitset::words_last(bs))
}

#[no_mangle]
pub unsafe extern "C" fn dm_bit_get_prev(bs: dm_bitset_t, last_bit: c_int) -> c_int {
    ffi!("dm_bit_get_prev", -1; bs: words => bitset::words_prev(bs, last_bit))
}

/// Both symbol versions of `dm_bitset_parse_list`.
fn parse_list(str_: *const c_char, mem: *mut dm_pool, min_num_bits: usize) -> dm_bitset_t {
    let Some(text) = arg::bytes("dm_bitset_parse_list", "str", str_) else { return ptr::null_mut() };
    match bitset::parse_list(text, min_num_bits) {
        Ok(set) => c_bitset(mem, set.num_bits(), Some(set.as_words())),
        Err(e) => {
            // libdm reports a malformed list only at debug level; callers
            // print their own error.
            crate::log_debug!("dm_bitset_parse_list: cannot parse '{}': {e}", String::from_utf8_lossy(text));
            ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_parse_list(str_: *const c_char, mem: *mut dm_pool, min_num_bits: usize) -> dm_bitset_t {
    ffi!("dm_bitset_parse_list", ptr::null_mut() => { parse_list(str_, mem, min_num_bits) })
}

// The generated `.symver` directives (capi/mod.rs, from build.rs) sit in
// one codegen unit, and the assembler versions only the symbols defined in
// the same object: when this function lands in another unit its version is
// silently lost. Repeated here, in the function's own module (a repeated
// identical directive is harmless).
std::arch::global_asm!(".symver dm_bitset_parse_list_v1_02_129, dm_bitset_parse_list@DM_1_02_129");

#[no_mangle]
pub unsafe extern "C" fn dm_bitset_parse_list_v1_02_129(str_: *const c_char, mem: *mut dm_pool) -> dm_bitset_t {
    ffi!("dm_bitset_parse_list", ptr::null_mut() => { parse_list(str_, mem, 0) })
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
