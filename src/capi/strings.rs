//! C entry points: strings, units and percentages. Thin wrappers over
//! `util::strings` and `util::units`.
//!
//! Where libdm dereferences a NULL argument, these log an error and return
//! the failure value. Results allocated "from the pool" come from
//! `dm_pool_alloc`/`dm_pool_strdup`; `dm_build_dm_name` and
//! `dm_build_dm_uuid` with a NULL pool (a crash in libdm) return a string
//! from `malloc` that the caller frees with `dm_free`.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

use crate::capi::boundary::{c_str, log_null};
use crate::util::strings as s;
use crate::util::units as u;

/// What libdm returns from `dm_size_to_string` on failure: an empty string
/// that is not the caller's to free.
static EMPTY: &CStr = c"";

/// The bytes of a C string argument (without its NUL), logging a NULL.
///
/// # Safety
/// `ptr` must be NULL or a NUL-terminated string valid for `'a`.
unsafe fn c_bytes<'a>(function: &str, argument: &str, ptr: *const c_char) -> Option<&'a [u8]> {
    if ptr.is_null() {
        log_null(function, argument);
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated per this function's contract.
    Some(unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

/// A writable C string with its NUL terminator, as a byte slice.
///
/// # Safety
/// `ptr` must be a non-NULL, writable, NUL-terminated string valid for `'a`
/// and not otherwise accessed meanwhile.
unsafe fn c_bytes_mut<'a>(ptr: *mut c_char) -> &'a mut [u8] {
    // SAFETY: NUL-terminated per the contract.
    let len = unsafe { CStr::from_ptr(ptr) }.to_bytes().len();
    // SAFETY: the `len + 1` bytes up to and including the NUL are the
    // caller's writable string.
    unsafe { std::slice::from_raw_parts_mut(ptr.cast::<u8>(), len + 1) }
}

/// Copies `bytes` and a NUL into memory from `mem` (`dm_pool_alloc`) or,
/// when `mem` is NULL, from `malloc`. NULL (logged) when allocation fails.
///
/// # Safety
/// `mem` must be NULL or a pool from `dm_pool_create`.
unsafe fn alloc_c_string(function: &str, mem: *mut dm_pool, bytes: &[u8]) -> *mut c_char {
    let size = bytes.len() + 1;
    let out: *mut c_char = if mem.is_null() {
        // SAFETY: malloc has no preconditions.
        unsafe { libc::malloc(size) }.cast()
    } else {
        // SAFETY: `mem` is a pool per the contract.
        unsafe { crate::capi::pool::dm_pool_alloc(mem, size) }.cast()
    };
    if out.is_null() {
        crate::log_error!(errno = libc::ENOMEM; "{function}: allocation of {size} bytes failed.");
        return ptr::null_mut();
    }
    // SAFETY: `out` is writable for `size` bytes and does not overlap `bytes`.
    unsafe {
        ptr::copy_nonoverlapping(bytes.as_ptr().cast::<c_char>(), out, bytes.len());
        *out.add(bytes.len()) = 0;
    }
    out
}

#[no_mangle]
pub unsafe extern "C" fn dm_basename(path: *const c_char) -> *const c_char {
    ffi!("dm_basename", ptr::null() => {
        require!("dm_basename", path, ptr::null());
        // SAFETY: non-NULL, NUL-terminated per the caller's contract.
        let bytes = unsafe { CStr::from_ptr(path) }.to_bytes();
        match bytes.iter().rposition(|&b| b == b'/') {
            // SAFETY: the offset lies inside the string.
            Some(i) => unsafe { path.add(i + 1) },
            None => path,
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_strncpy(dest: *mut c_char, src: *const c_char, n: usize) -> c_int {
    ffi!("dm_strncpy", 0 => {
        require!("dm_strncpy", dest, 0);
        // SAFETY: caller's contract.
        let Some(_) = (unsafe { c_str("dm_strncpy", "src", src) }) else { return 0 };
        if n == 0 {
            return 0;
        }
        // SAFETY: `src` is NUL-terminated.
        let bytes = unsafe { CStr::from_ptr(src) }.to_bytes();
        let fits = bytes.len() < n;
        let len = bytes.len().min(n - 1);
        // SAFETY: `dest` is writable for `n` bytes per the caller's contract.
        unsafe {
            ptr::copy_nonoverlapping(src, dest, len);
            *dest.add(len) = 0;
        }
        fits as c_int
    })
}

/// Writes `major:minor` into `buf` of `bufsize` bytes. As libdm: a buffer
/// under 8 bytes is refused untouched; one too small for the whole text
/// gets as much as fits (NUL-terminated, as snprintf) and the call fails.
#[no_mangle]
pub unsafe extern "C" fn dm_format_dev(buf: *mut c_char, bufsize: c_int, dev_major: u32, dev_minor: u32) -> c_int {
    ffi!("dm_format_dev", 0 => {
        require!("dm_format_dev", buf, 0);
        let Ok(size) = usize::try_from(bufsize) else { return 0 };
        if size < s::FORMAT_DEV_MIN_BUFSIZE {
            return 0;
        }
        let text = s::format_dev(dev_major, dev_minor);
        let len = text.len().min(size - 1);
        // SAFETY: `buf` is writable for `bufsize` bytes per the caller's
        // contract, and `len + 1 <= bufsize`.
        unsafe {
            ptr::copy_nonoverlapping(text.as_ptr().cast::<c_char>(), buf, len);
            *buf.add(len) = 0;
        }
        (text.len() < size) as c_int
    })
}

/// Splits `<vg>-<lv>[-<layer>]`. With a pool, `dmname` is copied into it
/// and split there; without one, the string `*vgname` points to is split
/// in place (and `dmname` is not used), as in libdm.
#[no_mangle]
pub unsafe extern "C" fn dm_split_lvm_name(mem: *mut dm_pool, dmname: *const c_char, vgname: *mut *mut c_char, lvname: *mut *mut c_char, layer: *mut *mut c_char) -> c_int {
    ffi!("dm_split_lvm_name", 0 => {
        if vgname.is_null() || lvname.is_null() || layer.is_null() {
            crate::log_error!(errno = libc::EINVAL; "{}dm_split_lvm_name: Forbidden NULL parameter detected.", crate::log::INTERNAL_ERROR);
            return 0;
        }
        if !mem.is_null() {
            let copy = if dmname.is_null() {
                ptr::null_mut()
            } else {
                // SAFETY: `mem` is a pool and `dmname` a string per the
                // caller's contract.
                unsafe { crate::capi::pool::dm_pool_strdup(mem, dmname) }
            };
            if copy.is_null() {
                crate::log_error!(errno = libc::ENOMEM; "Failed to duplicate lvm name.");
                return 0;
            }
            // SAFETY: `vgname` is non-NULL and writable.
            unsafe { *vgname = copy };
        } else {
            // SAFETY: `vgname` is non-NULL and readable.
            if unsafe { *vgname }.is_null() {
                crate::log_error!(errno = libc::EINVAL; "Missing lvm name for split.");
                return 0;
            }
        }
        // SAFETY: `*vgname` is the pool copy or the caller's writable string.
        let base = unsafe { *vgname };
        // SAFETY: as above; nothing else touches it during the split.
        let off = s::split_lvm_name_in_place(unsafe { c_bytes_mut(base) });
        // SAFETY: the offsets lie inside the string; both outputs are
        // non-NULL and writable.
        unsafe {
            *lvname = base.add(off.lv);
            *layer = base.add(off.layer);
        }
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_split_words(buffer: *mut c_char, max: c_uint, ignore_comments: c_uint, argv: *mut *mut c_char) -> c_int {
    let _ = ignore_comments; // "Not implemented" in libdm either.
    ffi!("dm_split_words", 0 => {
        require!("dm_split_words", buffer, 0);
        if max > 0 && argv.is_null() {
            log_null("dm_split_words", "argv");
            return 0;
        }
        // SAFETY: `buffer` is the caller's writable string.
        let words = s::split_words(unsafe { c_bytes_mut(buffer) }, max as usize);
        for (i, &start) in words.iter().enumerate() {
            // SAFETY: `argv` has room for `max` >= words.len() pointers; the
            // offsets lie inside `buffer`.
            unsafe { *argv.add(i) = buffer.add(start) };
        }
        words.len() as c_int
    })
}

/// Counts `c` in the first `len` bytes of `str_` (NULs included). As in
/// libdm the bytes are compared as `char`, so a byte above 127 matches only
/// a negative `c`.
#[no_mangle]
pub unsafe extern "C" fn dm_count_chars(str_: *const c_char, len: usize, c: c_int) -> c_uint {
    ffi!("dm_count_chars", 0 => {
        if len == 0 {
            return 0;
        }
        require!("dm_count_chars", str_, 0);
        let Ok(c) = c_char::try_from(c) else { return 0 };
        // SAFETY: `str_` is readable for `len` bytes per the caller's contract.
        let bytes = unsafe { std::slice::from_raw_parts(str_.cast::<u8>(), len) };
        s::count_chars(bytes, c as u8) as c_uint
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_escaped_len(str_: *const c_char) -> usize {
    ffi!("dm_escaped_len", 0 => {
        // SAFETY: caller's contract.
        let Some(bytes) = (unsafe { c_bytes("dm_escaped_len", "str", str_) }) else { return 0 };
        s::escaped_len(bytes)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_build_dm_name(mem: *mut dm_pool, vgname: *const c_char, lvname: *const c_char, layer: *const c_char) -> *mut c_char {
    ffi!("dm_build_dm_name", ptr::null_mut() => {
        // SAFETY: caller's contract for each string.
        let Some(vg) = (unsafe { c_bytes("dm_build_dm_name", "vgname", vgname) }) else { return ptr::null_mut() };
        // SAFETY: as above.
        let Some(lv) = (unsafe { c_bytes("dm_build_dm_name", "lvname", lvname) }) else { return ptr::null_mut() };
        // SAFETY: NULL or a string, per the caller's contract.
        let layer = (!layer.is_null()).then(|| unsafe { CStr::from_ptr(layer) }.to_bytes());
        let name = s::build_dm_name(vg, lv, layer);
        // SAFETY: `mem` is NULL or a pool.
        unsafe { alloc_c_string("dm_build_dm_name", mem, &name) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_build_dm_uuid(mem: *mut dm_pool, prefix: *const c_char, lvid: *const c_char, layer: *const c_char) -> *mut c_char {
    ffi!("dm_build_dm_uuid", ptr::null_mut() => {
        // SAFETY: caller's contract for each string.
        let Some(prefix) = (unsafe { c_bytes("dm_build_dm_uuid", "prefix", prefix) }) else { return ptr::null_mut() };
        // SAFETY: as above.
        let Some(lvid) = (unsafe { c_bytes("dm_build_dm_uuid", "lvid", lvid) }) else { return ptr::null_mut() };
        // SAFETY: NULL or a string, per the caller's contract.
        let layer = (!layer.is_null()).then(|| unsafe { CStr::from_ptr(layer) }.to_bytes());
        let uuid = s::build_dm_uuid(prefix, lvid, layer);
        // SAFETY: `mem` is NULL or a pool.
        unsafe { alloc_c_string("dm_build_dm_uuid", mem, &uuid) }
    })
}

/// Writes `src` with `"` and `\` quoted into `out`, which must hold
/// `dm_escaped_len(src)` bytes. Returns `out`.
#[no_mangle]
pub unsafe extern "C" fn dm_escape_double_quotes(out: *mut c_char, src: *const c_char) -> *mut c_char {
    ffi!("dm_escape_double_quotes", ptr::null_mut() => {
        require!("dm_escape_double_quotes", out, ptr::null_mut());
        // SAFETY: caller's contract.
        let Some(src) = (unsafe { c_bytes("dm_escape_double_quotes", "src", src) }) else { return ptr::null_mut() };
        let escaped = s::escape_double_quotes(src);
        // SAFETY: `out` holds dm_escaped_len(src) = escaped.len() + 1 bytes
        // per the caller's contract; it may not overlap `src`.
        unsafe {
            ptr::copy_nonoverlapping(escaped.as_ptr().cast::<c_char>(), out, escaped.len());
            *out.add(escaped.len()) = 0;
        }
        out
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_unescape_double_quotes(src: *mut c_char) {
    ffi!("dm_unescape_double_quotes", () => {
        if src.is_null() {
            return log_null("dm_unescape_double_quotes", "src");
        }
        // SAFETY: the caller's writable string.
        let buf = unsafe { c_bytes_mut(src) };
        let len = s::unescape_double_quotes(buf);
        buf[len] = 0;
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_unescape_colons_and_at_signs(src: *mut c_char, substr_first_unquoted_colon: *mut *mut c_char, substr_first_unquoted_at_sign: *mut *mut c_char) {
    ffi!("dm_unescape_colons_and_at_signs", () => {
        if src.is_null() {
            return log_null("dm_unescape_colons_and_at_signs", "src");
        }
        // SAFETY: the caller's writable string.
        let buf = unsafe { c_bytes_mut(src) };
        let r = s::unescape_colons_and_at_signs(buf);
        buf[r.len] = 0;
        // SAFETY: offsets inside the string.
        let at = |o: Option<usize>| o.map_or(ptr::null_mut(), |o| unsafe { src.add(o) });
        if !substr_first_unquoted_colon.is_null() {
            // SAFETY: non-NULL output pointer from the caller.
            unsafe { *substr_first_unquoted_colon = at(r.first_colon) };
        }
        if !substr_first_unquoted_at_sign.is_null() {
            // SAFETY: as above.
            unsafe { *substr_first_unquoted_at_sign = at(r.first_at_sign) };
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_units_to_factor(units: *const c_char, unit_type: *mut c_char, strict: c_int, endptr: *mut *const c_char) -> u64 {
    ffi!("dm_units_to_factor", 0 => {
        if !endptr.is_null() {
            // SAFETY: non-NULL output pointer from the caller.
            unsafe { *endptr = units };
        }
        // SAFETY: caller's contract.
        let Some(bytes) = (unsafe { c_bytes("dm_units_to_factor", "units", units) }) else { return 0 };
        require!("dm_units_to_factor", unit_type, 0);
        let r = u::units_to_factor(bytes, strict != 0);
        if let Some(t) = r.unit_type {
            // SAFETY: non-NULL output pointer from the caller.
            unsafe { *unit_type = t as c_char };
        }
        if !endptr.is_null() {
            // SAFETY: `end` lies inside the string.
            unsafe { *endptr = units.add(r.end) };
        }
        r.factor
    })
}

/// The size as text in memory from `mem`; "" (not to be freed) on failure.
/// A NULL `mem` (a crash in libdm) or an unknown `suffix_type` is a logged
/// error.
#[no_mangle]
pub unsafe extern "C" fn dm_size_to_string(mem: *mut dm_pool, size: u64, unit_type: c_char, use_si_units: c_int, unit_factor: u64, include_suffix: c_int, suffix_type: c_int) -> *const c_char {
    ffi!("dm_size_to_string", EMPTY.as_ptr() => {
        require!("dm_size_to_string", mem, EMPTY.as_ptr());
        let Some(suffix) = u::SizeSuffix::from_c(suffix_type) else {
            crate::log_error!(errno = libc::EINVAL; "dm_size_to_string: unknown suffix type {suffix_type}.");
            return EMPTY.as_ptr();
        };
        match u::size_to_string(size, unit_type as u8, use_si_units != 0, unit_factor, include_suffix != 0, suffix) {
            Ok(text) => {
                // SAFETY: `mem` is a pool per the caller's contract.
                let out = unsafe { alloc_c_string("dm_size_to_string", mem, text.as_bytes()) };
                if out.is_null() {
                    crate::log_error!(errno = libc::ENOMEM; "no memory for size display buffer");
                    return EMPTY.as_ptr();
                }
                out.cast_const()
            }
            Err(e) => {
                crate::log_error!(errno = libc::EINVAL; "{}{e}", crate::log::INTERNAL_ERROR);
                EMPTY.as_ptr()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_percent_to_float(percent: dm_percent_t) -> f32 {
    u::percent_to_float(percent)
}

#[no_mangle]
pub unsafe extern "C" fn dm_percent_to_round_float(percent: dm_percent_t, digits: c_uint) -> f32 {
    u::percent_to_round_float(percent, digits)
}

#[no_mangle]
pub unsafe extern "C" fn dm_make_percent(numerator: u64, denominator: u64) -> dm_percent_t {
    u::make_percent(numerator, denominator)
}
