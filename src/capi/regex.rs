//! C entry points: regex. A `struct dm_regex *` is a [`Regex`] attached to
//! the caller's pool: it lives until that pool is destroyed, as in libdm.

use std::ffi::*;
use std::ptr;

use crate::capi::arg::{self, bytes, handle_mut};
use crate::capi::handle::{Castable, OwnershipLent};
use crate::capi::types::*;
use crate::regex::Regex;

/// A regex belongs to the pool it was made in; C borrows it.
impl Castable for dm_regex {
    type Ownership = OwnershipLent;
    type Rust = Regex;
}

#[no_mangle]
pub unsafe extern "C" fn dm_regex_create(mem: *mut dm_pool, patterns: *const *const c_char, num_patterns: c_uint) -> *mut dm_regex {
    ffi!("dm_regex_create", ptr::null_mut(); mem: handle_mut => {
        let all = match num_patterns {
            0 => Some(&[][..]),
            n => arg::slice("dm_regex_create", "patterns", patterns, n as usize),
        };
        let Some(list) = all.and_then(|l| l.iter().map(|&p| arg::bytes("dm_regex_create", "patterns[i]", p)).collect::<Option<Vec<_>>>()) else { return ptr::null_mut() };
        Regex::new(&list).map_or(ptr::null_mut(), |re| mem.attach(re).cast())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_regex_match(regex: *mut dm_regex, s: *const c_char) -> c_int {
    ffi!("dm_regex_match", -1; regex: handle_mut, s: bytes => regex.matches(s).map_or(-1, |i| i as c_int))
}

#[no_mangle]
pub unsafe extern "C" fn dm_regex_fingerprint(regex: *mut dm_regex) -> u32 {
    ffi!("dm_regex_fingerprint", 0; regex: handle_mut => regex.fingerprint())
}
