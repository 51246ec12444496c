//! C arguments that are not handles: strings, out-pointers, buffers,
//! arrays, descriptors and the caller's own structs, each turned into a
//! Rust value by one function here.
//!
//! With [`crate::capi::handle`] this module is the trust boundary. libdm's
//! contract, which every exported function states as its `# Safety`, is
//! that such an argument is NULL or valid for what its type says (a
//! NUL-terminated string, a writable object, `len` readable items, an open
//! descriptor ...) for the length of the call and not used by another
//! thread meanwhile. The functions here are the only code that relies on
//! it: as in rustls-ffi, they are safe functions visible only inside
//! `capi`, and are given only pointers an exported function received from
//! its caller, so exported functions convert their arguments without an
//! `unsafe` block of their own. A reference they return must not outlive
//! the call.
//!
//! The one string rule: NULL is no string (a logged error,
//! `function: argument must not be NULL`, where one is required);
//! otherwise the string is the bytes up to the first NUL, as C reads it.
//! Where Rust wants `&str`, bytes that are not UTF-8 are refused with a
//! logged error (`function: argument is not valid UTF-8`, errno EINVAL)
//! and the call fails, optional argument or not; where the bytes themselves
//! are wanted ([`bytes`], [`path`]), any byte but NUL is taken, as in
//! libdm. Only text that cannot be refused is read with [`lossy`]
//! (invalid bytes become U+FFFD): labels (a pool's name, a report table's
//! descriptions), the uuid suffixes of `dm_tree_set_optional_uuid_suffixes`
//! (which returns nothing), the keys of a cache policy's config node, and
//! the uuid prefix of the tree phases (bytes limited by a length, as before
//! this rule).
//!
//! Each conversion is `fn(function, argument, raw) -> Option<value>`, None
//! meaning refused and logged, so that `ffi!` binds an argument in one line
//! (see [`crate::capi::boundary`]); for an optional argument the value is
//! itself an `Option`.

use std::ffi::{c_char, c_int, CStr};
use std::os::fd::BorrowedFd;
use std::path::Path;

use crate::capi::boundary::log_null;

pub(in crate::capi) use crate::capi::handle::{try_mut_from_ptr as handle_mut, try_ref_from_ptr as handle};

/// Some for a pointer that is not NULL; None, logged as `function:
/// argument must not be NULL`, for NULL.
fn non_null<T>(function: &str, argument: &str, p: *const T) -> Option<()> {
    if p.is_null() {
        log_null(function, argument);
        return None;
    }
    Some(())
}

/// A required C string, as C reads it.
pub(in crate::capi) fn cstr<'a>(function: &str, argument: &str, p: *const c_char) -> Option<&'a CStr> {
    non_null(function, argument, p)?;
    // SAFETY: trust boundary (module): a non-NULL string argument is
    // NUL-terminated and live for the call.
    Some(unsafe { CStr::from_ptr(p) })
}

/// A C string read as `strnlen` does: the bytes up to its NUL or to `n`,
/// whichever comes first (it need not be NUL-terminated within `n`).
pub(in crate::capi) fn strn<'a>(function: &str, argument: &str, p: *const c_char, n: usize) -> Option<&'a [u8]> {
    non_null(function, argument, p)?;
    let mut len = 0;
    // SAFETY: trust boundary (module): the string is readable up to its
    // NUL or `n` bytes, and reading stops at whichever comes first.
    while len < n && unsafe { p.add(len).read() } != 0 {
        len += 1;
    }
    // SAFETY: the `len` bytes just read.
    Some(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// A required C string's bytes, without its NUL.
pub(in crate::capi) fn bytes<'a>(function: &str, argument: &str, p: *const c_char) -> Option<&'a [u8]> {
    cstr(function, argument, p).map(CStr::to_bytes)
}

/// An optional C string's bytes.
pub(in crate::capi) fn opt_bytes<'a>(function: &str, argument: &str, p: *const c_char) -> Option<Option<&'a [u8]>> {
    Some((!p.is_null()).then(|| bytes(function, argument, p)).flatten())
}

/// A required C string as UTF-8.
pub(in crate::capi) fn string<'a>(function: &str, argument: &str, p: *const c_char) -> Option<&'a str> {
    match cstr(function, argument, p)?.to_str() {
        Ok(s) => Some(s),
        Err(_) => {
            crate::log_error!(errno = libc::EINVAL; "{function}: {argument} is not valid UTF-8");
            None
        }
    }
}

/// An optional C string as UTF-8: NULL is `Some(None)`.
pub(in crate::capi) fn opt_string<'a>(function: &str, argument: &str, p: *const c_char) -> Option<Option<&'a str>> {
    if p.is_null() {
        return Some(None);
    }
    string(function, argument, p).map(Some)
}

/// An optional C string as an owned UTF-8 string (for a value kept after
/// the call, or moved into a closure).
pub(in crate::capi) fn opt_owned(function: &str, argument: &str, p: *const c_char) -> Option<Option<String>> {
    opt_string(function, argument, p).map(|s| s.map(str::to_string))
}

/// A C string (NULL is empty) where no refusal is possible: bytes that
/// are not UTF-8 become U+FFFD. Only for text that merely labels something
/// (a pool's name, a report table's descriptions) or that a function
/// returning nothing takes (see the module).
pub(in crate::capi) fn lossy(p: *const c_char) -> String {
    text(p).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default()
}

/// A required path: any bytes but NUL.
pub(in crate::capi) fn path<'a>(function: &str, argument: &str, p: *const c_char) -> Option<&'a Path> {
    use std::os::unix::ffi::OsStrExt;
    bytes(function, argument, p).map(|b| Path::new(std::ffi::OsStr::from_bytes(b)))
}

/// A writable C string, its NUL included (the last byte).
pub(in crate::capi) fn string_mut<'a>(function: &str, argument: &str, p: *mut c_char) -> Option<&'a mut [u8]> {
    let len = cstr(function, argument, p)?.to_bytes().len();
    // SAFETY: trust boundary (module): the caller's writable string, whose
    // `len + 1` bytes up to and including the NUL nothing else uses now.
    Some(unsafe { std::slice::from_raw_parts_mut(p.cast::<u8>(), len + 1) })
}

/// `len` items the caller passes at `p` (NULL refused, whatever `len`).
pub(in crate::capi) fn slice<'a, T>(function: &str, argument: &str, p: *const T, len: usize) -> Option<&'a [T]> {
    non_null(function, argument, p)?;
    // SAFETY: trust boundary (module): `len` readable items at `p`.
    Some(unsafe { std::slice::from_raw_parts(p, len) })
}

/// `len` writable items the caller passes at `p` (NULL refused, whatever
/// `len`).
pub(in crate::capi) fn slice_mut<'a, T>(function: &str, argument: &str, p: *mut T, len: usize) -> Option<&'a mut [T]> {
    non_null(function, argument, p)?;
    // SAFETY: trust boundary (module): `len` writable items at `p` that
    // nothing else uses during the call.
    Some(unsafe { std::slice::from_raw_parts_mut(p, len) })
}

/// The entries of an array that ends with the first entry for which
/// `is_end` holds (not included): a NULL-terminated array of strings, a
/// zero-terminated list of numbers, a table ending with an empty entry. A
/// NULL array has none.
pub(in crate::capi) fn terminated<'a, T>(p: *const T, is_end: impl Fn(&T) -> bool) -> &'a [T] {
    if p.is_null() {
        return &[];
    }
    let mut n = 0;
    // SAFETY: trust boundary (module): the array is readable up to and
    // including its terminator, and reading stops there.
    while !is_end(unsafe { &*p.add(n) }) {
        n += 1;
    }
    // SAFETY: the `n` entries just read.
    unsafe { std::slice::from_raw_parts(p, n) }
}

/// A required struct of the caller's, to read.
pub(in crate::capi) fn c_ref<'a, T>(function: &str, argument: &str, p: *const T) -> Option<&'a T> {
    non_null(function, argument, p)?;
    // SAFETY: trust boundary (module): a readable `T` at `p`.
    Some(unsafe { &*p })
}

/// A required struct of the caller's, to change.
pub(in crate::capi) fn c_mut<'a, T>(function: &str, argument: &str, p: *mut T) -> Option<&'a mut T> {
    non_null(function, argument, p)?;
    // SAFETY: trust boundary (module): a writable `T` at `p` that nothing
    // else uses during the call.
    Some(unsafe { &mut *p })
}

/// What a pointer held in the caller's memory points to (a link of its
/// config tree or list, a struct its struct points to): None for NULL.
pub(in crate::capi) fn deref<'a, T>(p: *const T) -> Option<&'a T> {
    // SAFETY: trust boundary (module): such a pointer is NULL or points to
    // a live `T`.
    unsafe { p.as_ref() }
}

/// [`deref`], to change what it points to.
pub(in crate::capi) fn deref_mut<'a, T>(p: *mut T) -> Option<&'a mut T> {
    // SAFETY: trust boundary (module): such a pointer is NULL or points to
    // a live `T` that nothing else uses during the call.
    unsafe { p.as_mut() }
}

/// The bytes of a C string held in the caller's memory (a key, a string
/// value, a table's description): None for NULL.
pub(in crate::capi) fn text<'a>(p: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: trust boundary (module): such a pointer is NULL or points to
    // a live NUL-terminated string.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// The caller's open descriptor, borrowed for the call; None for a
/// negative number (the caller says why).
pub(in crate::capi) fn fd<'a>(fd: c_int) -> Option<BorrowedFd<'a>> {
    // SAFETY: trust boundary (module): a descriptor argument that is not
    // negative is open for the call.
    (fd >= 0).then(|| unsafe { BorrowedFd::borrow_raw(fd) })
}

/// Where a call stores a result for its caller (an out-pointer), or reads
/// and replaces a value (an in/out pointer). A NULL one ignores stores.
pub(in crate::capi) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Stores `value`; whether there was somewhere to store it.
    pub(in crate::capi) fn set(&self, value: T) -> bool {
        if self.0.is_null() {
            return false;
        }
        // SAFETY: trust boundary (module): a non-NULL out-pointer argument
        // is writable for a `T`.
        unsafe { self.0.write(value) };
        true
    }

    /// Whether the caller passed NULL.
    pub(in crate::capi) fn is_null(&self) -> bool {
        self.0.is_null()
    }
}

impl<T> From<*mut T> for Out<T> {
    fn from(p: *mut T) -> Out<T> {
        Out(p)
    }
}

impl<T: Copy> Out<T> {
    /// The value there now (an in/out pointer); None for NULL.
    pub(in crate::capi) fn get(&self) -> Option<T> {
        // SAFETY: trust boundary (module): a non-NULL in/out pointer
        // argument holds a readable `T`.
        (!self.0.is_null()).then(|| unsafe { self.0.read() })
    }
}

/// A required out-pointer (NULL refused and logged).
pub(in crate::capi) fn out<T>(function: &str, argument: &str, p: *mut T) -> Option<Out<T>> {
    non_null(function, argument, p)?;
    Some(Out(p))
}

/// An optional out-pointer: stores into NULL are skipped.
pub(in crate::capi) fn opt_out<T>(_function: &str, _argument: &str, p: *mut T) -> Option<Out<T>> {
    Some(Out(p))
}

/// Writes `text` and a NUL into the caller's buffer of `size` bytes; 0
/// (logged) when the buffer is NULL or too small.
pub(in crate::capi) fn copy_out(function: &str, text: &str, buf: *mut c_char, size: usize) -> c_int {
    if buf.is_null() {
        log_null(function, "buffer");
        return 0;
    }
    if text.len() + 1 > size {
        crate::log_error!(errno = libc::ENOSPC; "{function}: buffer of {size} bytes too small for \"{text}\"");
        return 0;
    }
    let Some(buf) = slice_mut(function, "buffer", buf.cast::<u8>(), size) else { return 0 };
    buf[..text.len()].copy_from_slice(text.as_bytes());
    buf[text.len()] = 0;
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn a_string_is_the_bytes_up_to_its_nul_and_null_is_none() {
        assert_eq!(string("f", "s", c"ab".as_ptr()), Some("ab"));
        assert_eq!(string("f", "s", ptr::null()), None);
        assert_eq!(opt_string("f", "s", ptr::null()), Some(None));
        assert_eq!(opt_string("f", "s", c"".as_ptr()), Some(Some("")));
        assert_eq!(bytes("f", "s", c"a\xffb".as_ptr()), Some(&b"a\xffb"[..]));
        assert_eq!(strn("f", "s", c"abcdef".as_ptr(), 3), Some(&b"abc"[..]));
        assert_eq!(strn("f", "s", c"ab".as_ptr(), 10), Some(&b"ab"[..]));
    }

    #[test]
    fn invalid_utf8_is_refused_where_a_str_is_wanted_and_replaced_only_in_lossy() {
        let bad = c"a\xffb".as_ptr();
        assert_eq!(string("f", "s", bad), None);
        assert_eq!(opt_string("f", "s", bad), None, "an optional string is refused too, not taken as absent");
        assert_eq!(opt_owned("f", "s", bad), None);
        assert_eq!(lossy(bad), "a\u{fffd}b");
    }

    #[test]
    fn a_tree_builder_refuses_a_crypt_key_that_is_not_utf8() {
        use crate::capi::tree::*;
        // SAFETY: the tree is this test's, freed at the end; the strings
        // are literals.
        unsafe {
            let tree = dm_tree_create();
            let node = dm_tree_add_new_dev(tree, c"c".as_ptr(), c"U-c".as_ptr(), 0, 0, 0, 0, ptr::null_mut());
            let (cipher, iv) = (c"aes".as_ptr(), c"plain".as_ptr());
            assert_eq!(dm_tree_node_add_crypt_target(node, 8, cipher, ptr::null(), iv, 0, c"00\xff".as_ptr()), 0);
            assert_eq!(dm_tree_node_add_crypt_target(node, 8, cipher, ptr::null(), iv, 0, c"00".as_ptr()), 1);
            dm_tree_free(tree);
        }
    }

    #[test]
    fn a_terminated_array_ends_before_its_terminator() {
        let words = [c"a".as_ptr(), c"b".as_ptr(), ptr::null()];
        assert_eq!(terminated(words.as_ptr(), |p| p.is_null()).len(), 2);
        assert!(terminated(ptr::null::<u64>(), |&v| v == 0).is_empty());
        assert_eq!(terminated([3u64, 4, 0, 5].as_ptr(), |&v| v == 0), &[3, 4]);
    }

    #[test]
    fn an_out_pointer_ignores_stores_into_null() {
        let mut v = 0u32;
        assert!(Out::from(&mut v as *mut u32).set(7));
        assert_eq!(v, 7);
        assert!(!Out::from(ptr::null_mut::<u32>()).set(7));
        assert!(out("f", "o", ptr::null_mut::<u32>()).is_none());
    }

    #[test]
    fn copy_out_refuses_a_buffer_too_small_for_the_text_and_its_nul() {
        let mut buf = [1 as c_char; 4];
        assert_eq!(copy_out("f", "abcd", buf.as_mut_ptr(), buf.len()), 0);
        assert_eq!(copy_out("f", "abc", buf.as_mut_ptr(), buf.len()), 1);
        assert_eq!(buf, [b'a' as c_char, b'b' as c_char, b'c' as c_char, 0]);
    }
}
