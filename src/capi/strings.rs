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

use crate::capi::arg::{self, bytes, opt_bytes, opt_out, out, string_mut};
use crate::capi::cmem::CMem;
use crate::capi::types::*;
use crate::util::strings as s;
use crate::util::units as u;

/// What libdm returns from `dm_size_to_string` on failure: an empty string
/// that is not the caller's to free.
static EMPTY: &CStr = c"";

/// A NUL-terminated copy of `bytes` from the pool `mem` or, when it is
/// NULL, from malloc. NULL (logged) when allocation fails.
fn alloc_c_string(function: &str, mem: *mut dm_pool, bytes: &[u8]) -> *mut c_char {
    CMem::of(mem).str(bytes).unwrap_or_else(|| {
        crate::log_error!(errno = libc::ENOMEM; "{function}: allocation of {} bytes failed.", bytes.len() + 1);
        ptr::null_mut()
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_basename(path: *const c_char) -> *const c_char {
    ffi!("dm_basename", ptr::null(); path: bytes => {
        let base = path.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
        path[base..].as_ptr().cast()
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_strncpy(dest: *mut c_char, src: *const c_char, n: usize) -> c_int {
    ffi!("dm_strncpy", 0 => {
        require!("dm_strncpy", dest, 0);
        let Some(src) = arg::string("dm_strncpy", "src", src) else { return 0 };
        if n == 0 {
            return 0;
        }
        arg::slice_mut("dm_strncpy", "dest", dest.cast::<u8>(), n).map_or(0, |buf| s::write_cut(buf, src.as_bytes()) as c_int)
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
        arg::slice_mut("dm_format_dev", "buf", buf.cast::<u8>(), size).map_or(0, |b| s::write_cut(b, s::format_dev(dev_major, dev_minor).as_bytes()) as c_int)
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
        let (vgname, lvname, layer) = (arg::Out::from(vgname), arg::Out::from(lvname), arg::Out::from(layer));
        if !mem.is_null() {
            let name = arg::opt_bytes("dm_split_lvm_name", "dmname", dmname).flatten();
            let copy = name.and_then(|name| CMem::of(mem).str(name)).unwrap_or(ptr::null_mut());
            if copy.is_null() {
                crate::log_error!(errno = libc::ENOMEM; "Failed to duplicate lvm name.");
                return 0;
            }
            vgname.set(copy);
        }
        let base = vgname.get().unwrap_or(ptr::null_mut());
        if base.is_null() {
            crate::log_error!(errno = libc::EINVAL; "Missing lvm name for split.");
            return 0;
        }
        let Some(text) = string_mut("dm_split_lvm_name", "vgname", base) else { return 0 };
        let off = s::split_lvm_name_in_place(text);
        lvname.set(base.wrapping_add(off.lv));
        layer.set(base.wrapping_add(off.layer));
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_split_words(buffer: *mut c_char, max: c_uint, ignore_comments: c_uint, argv: *mut *mut c_char) -> c_int {
    let _ = ignore_comments; // "Not implemented" in libdm either.
    ffi!("dm_split_words", 0; buffer: string_mut => {
        // With max 0, argv is not used (it may be NULL).
        let argv = if max == 0 { Some(&mut [][..]) } else { arg::slice_mut("dm_split_words", "argv", argv, max as usize) };
        let Some(argv) = argv else { return 0 };
        let start = buffer.as_mut_ptr().cast::<c_char>();
        let words = s::split_words(buffer, max as usize);
        for (slot, &offset) in argv.iter_mut().zip(&words) {
            *slot = start.wrapping_add(offset);
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
        let Some(bytes) = arg::slice("dm_count_chars", "str_", str_.cast::<u8>(), len) else { return 0 };
        c_char::try_from(c).map_or(0, |c| s::count_chars(bytes, c as u8) as c_uint)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_escaped_len(str_: *const c_char) -> usize {
    ffi!("dm_escaped_len", 0 => { arg::bytes("dm_escaped_len", "str", str_).map_or(0, s::escaped_len) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_build_dm_name(mem: *mut dm_pool, vgname: *const c_char, lvname: *const c_char, layer: *const c_char) -> *mut c_char {
    ffi!("dm_build_dm_name", ptr::null_mut(); vgname: bytes, lvname: bytes, layer: opt_bytes => {
        alloc_c_string("dm_build_dm_name", mem, &s::build_dm_name(vgname, lvname, layer))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_build_dm_uuid(mem: *mut dm_pool, prefix: *const c_char, lvid: *const c_char, layer: *const c_char) -> *mut c_char {
    ffi!("dm_build_dm_uuid", ptr::null_mut(); prefix: bytes, lvid: bytes, layer: opt_bytes => {
        alloc_c_string("dm_build_dm_uuid", mem, &s::build_dm_uuid(prefix, lvid, layer))
    })
}

/// Writes `src` with `"` and `\` quoted into `out`, which must hold
/// `dm_escaped_len(src)` bytes. Returns `out`.
#[no_mangle]
pub unsafe extern "C" fn dm_escape_double_quotes(out: *mut c_char, src: *const c_char) -> *mut c_char {
    ffi!("dm_escape_double_quotes", ptr::null_mut() => {
        require!("dm_escape_double_quotes", out, ptr::null_mut());
        let Some(src) = arg::bytes("dm_escape_double_quotes", "src", src) else { return ptr::null_mut() };
        let escaped = s::escape_double_quotes(src);
        if let Some(buf) = arg::slice_mut("dm_escape_double_quotes", "out", out.cast::<u8>(), escaped.len() + 1) {
            s::write_cut(buf, &escaped);
        }
        out
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_unescape_double_quotes(src: *mut c_char) {
    ffi!("dm_unescape_double_quotes", (); src: string_mut => {
        let len = s::unescape_double_quotes(src);
        src[len] = 0;
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_unescape_colons_and_at_signs(src: *mut c_char, substr_first_unquoted_colon: *mut *mut c_char, substr_first_unquoted_at_sign: *mut *mut c_char) {
    ffi!("dm_unescape_colons_and_at_signs", (); src: string_mut, substr_first_unquoted_colon: opt_out, substr_first_unquoted_at_sign: opt_out => {
        let start = src.as_mut_ptr().cast::<c_char>();
        let r = s::unescape_colons_and_at_signs(src);
        src[r.len] = 0;
        let at = |o: Option<usize>| o.map_or(ptr::null_mut(), |o| start.wrapping_add(o));
        substr_first_unquoted_colon.set(at(r.first_colon));
        substr_first_unquoted_at_sign.set(at(r.first_at_sign));
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_units_to_factor(units: *const c_char, unit_type: *mut c_char, strict: c_int, endptr: *mut *const c_char) -> u64 {
    ffi!("dm_units_to_factor", 0; endptr: opt_out => {
        endptr.set(units);
        let Some(bytes) = arg::bytes("dm_units_to_factor", "units", units) else { return 0 };
        let Some(unit_type) = out("dm_units_to_factor", "unit_type", unit_type) else { return 0 };
        let r = u::units_to_factor(bytes, strict != 0);
        if let Some(t) = r.unit_type {
            unit_type.set(t as c_char);
        }
        endptr.set(units.wrapping_add(r.end));
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
                let out = alloc_c_string("dm_size_to_string", mem, text.as_bytes());
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
