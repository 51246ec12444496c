//! C entry points: regex. A `struct dm_regex *` is a [`Regex`] attached to
//! the caller's pool: it lives until that pool is destroyed, as in libdm.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;
use crate::regex::Regex;

#[no_mangle]
pub unsafe extern "C" fn dm_regex_create(mem: *mut dm_pool, patterns: *const *const c_char, num_patterns: c_uint) -> *mut dm_regex {
    ffi!("dm_regex_create", ptr::null_mut() => {
        require!("dm_regex_create", mem, ptr::null_mut());
        if num_patterns > 0 {
            require!("dm_regex_create", patterns, ptr::null_mut());
        }
        let mut list: Vec<&[u8]> = Vec::with_capacity(num_patterns as usize);
        for i in 0..num_patterns as usize {
            // SAFETY: the caller passes num_patterns pointers.
            let p = unsafe { *patterns.add(i) };
            if p.is_null() {
                crate::capi::boundary::log_null("dm_regex_create", "patterns[i]");
                return ptr::null_mut();
            }
            // SAFETY: each pattern is a C string.
            list.push(unsafe { CStr::from_ptr(p) }.to_bytes());
        }
        match Regex::new(&list) {
            // SAFETY: a live pool, per the caller's contract.
            Ok(re) => unsafe { crate::capi::pool::pool_mut(mem) }.attach(re) as *mut dm_regex,
            Err(_) => ptr::null_mut(),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_regex_match(regex: *mut dm_regex, s: *const c_char) -> c_int {
    ffi!("dm_regex_match", -1 => {
        require!("dm_regex_match", regex, -1);
        require!("dm_regex_match", s, -1);
        // SAFETY: a handle from dm_regex_create whose pool is live, and a C string.
        let (re, s) = unsafe { (&mut *(regex as *mut Regex), CStr::from_ptr(s)) };
        re.matches(s.to_bytes()).map_or(-1, |i| i as c_int)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_regex_fingerprint(regex: *mut dm_regex) -> u32 {
    ffi!("dm_regex_fingerprint", 0 => {
        require!("dm_regex_fingerprint", regex, 0);
        // SAFETY: a handle from dm_regex_create whose pool is live.
        unsafe { &mut *(regex as *mut Regex) }.fingerprint()
    })
}
