//! C entry points: config. The trees C callers walk are real
//! `struct dm_config_tree` / `dm_config_node` / `dm_config_value` structs
//! allocated in the tree's `dm_pool` (as in libdm, so `dm_config_destroy`
//! frees them with the pool, and callers may add their own nodes from
//! `dm_config_memory`). The algorithms are those of [`crate::config`],
//! run on these structs through [`CNode`]/[`CValue`] (reading) and
//! [`CBuilder`] (allocating and linking).
//!
//! Safety contract of every function here, as in libdm: a tree, node or
//! value pointer given by the caller is NULL or points to a live, well
//! formed struct whose links are NULL or point to live structs, and whose
//! keys and string values are NUL-terminated.

use std::ffi::*;
use std::marker::PhantomData;
use std::mem::size_of;
use std::ptr;

use crate::capi::pool::{dm_pool_create, dm_pool_destroy, pool_mut};
use crate::capi::types::*;
use crate::config::find::{self, bool_value, find_in_layers, find_node, float_value, int_value, string_value};
use crate::config::parse::{self, Builder, ParseOptions};
use crate::config::write::{write_nodes, LineSink};
use crate::config::{NodeView, Scalar, ValueView};

/// `require!` for functions that return nothing.
macro_rules! require_void {
    ($name:literal, $ptr:ident) => {
        if $ptr.is_null() {
            $crate::capi::boundary::log_null($name, stringify!($ptr));
            return;
        }
    };
}

/// A C node, read through its raw pointer (never NULL).
#[derive(Clone, Copy)]
struct CNode<'a> {
    p: *const dm_config_node,
    _tree: PhantomData<&'a dm_config_node>,
}

/// A C value, read through its raw pointer (never NULL).
#[derive(Clone, Copy)]
struct CValue<'a> {
    p: *const dm_config_value,
    _tree: PhantomData<&'a dm_config_value>,
}

impl CNode<'_> {
    /// # Safety
    /// `p` is NULL or a node as in the module's contract, live for `'a`.
    unsafe fn new<'a>(p: *const dm_config_node) -> Option<CNode<'a>> {
        (!p.is_null()).then_some(CNode { p, _tree: PhantomData })
    }
}

impl CValue<'_> {
    /// # Safety
    /// `p` is NULL or a value as in the module's contract, live for `'a`.
    unsafe fn new<'a>(p: *const dm_config_value) -> Option<CValue<'a>> {
        (!p.is_null()).then_some(CValue { p, _tree: PhantomData })
    }
}

/// The bytes of a C string, empty for NULL.
///
/// # Safety
/// `s` is NULL or NUL-terminated, live for `'a`.
unsafe fn c_bytes<'a>(s: *const c_char) -> &'a [u8] {
    if s.is_null() {
        return b"";
    }
    // SAFETY: non-NULL and NUL-terminated per this function's contract.
    unsafe { CStr::from_ptr(s) }.to_bytes()
}

impl<'a> NodeView<'a> for CNode<'a> {
    type Value = CValue<'a>;
    fn key(self) -> &'a [u8] {
        // SAFETY: `p` is a live node whose key is NULL or a C string.
        unsafe { c_bytes((*self.p).key) }
    }
    fn key_is(self, segment: &[u8]) -> bool {
        // SAFETY: `p` is a live node.
        let k = unsafe { (*self.p).key } as *const u8;
        if k.is_null() {
            return segment.is_empty();
        }
        for (i, &c) in segment.iter().enumerate() {
            // SAFETY: bytes 0..i of the key were not NUL, so byte i is
            // still inside the C string.
            if unsafe { *k.add(i) } != c || c == 0 {
                return false;
            }
        }
        // SAFETY: as above, byte segment.len() is inside the string.
        unsafe { *k.add(segment.len()) == 0 }
    }
    fn parent(self) -> Option<Self> {
        // SAFETY: `p` is a live node; its links obey the contract.
        unsafe { CNode::new((*self.p).parent) }
    }
    fn sib(self) -> Option<Self> {
        // SAFETY: as in `parent`.
        unsafe { CNode::new((*self.p).sib) }
    }
    fn child(self) -> Option<Self> {
        // SAFETY: as in `parent`.
        unsafe { CNode::new((*self.p).child) }
    }
    fn value(self) -> Option<CValue<'a>> {
        // SAFETY: as in `parent`.
        unsafe { CValue::new((*self.p).v) }
    }
    fn id(self) -> i32 {
        // SAFETY: `p` is a live node.
        unsafe { (*self.p).id }
    }
}

impl<'a> ValueView<'a> for CValue<'a> {
    fn scalar(self) -> Scalar<'a> {
        // The type is read as a plain int: C may store any number there.
        // SAFETY: `p` is a live value; the enum field has the size and
        // alignment of an int.
        let t = unsafe { ptr::addr_of!((*self.p).r#type).cast::<i32>().read() };
        // SAFETY: the union member read is the one the type names; a
        // string is NULL or NUL-terminated per the contract.
        unsafe {
            match t {
                0 => Scalar::Int((*self.p).v.i),
                1 => Scalar::Float((*self.p).v.f),
                2 => Scalar::Str(c_bytes((*self.p).v.str)),
                3 => Scalar::EmptyArray,
                other => Scalar::Unknown(other),
            }
        }
    }
    fn next(self) -> Option<Self> {
        // SAFETY: `p` is a live value; its link obeys the contract.
        unsafe { CValue::new((*self.p).next) }
    }
    fn format_flags(self) -> u32 {
        // SAFETY: `p` is a live value.
        unsafe { (*self.p).format_flags }
    }
}

/// Allocates C nodes and values in a pool and links them.
struct CBuilder {
    pool: *mut dm_pool,
}

impl CBuilder {
    /// `size` bytes from the pool, aligned for the structs.
    fn alloc(&mut self, size: usize) -> Option<*mut u8> {
        // SAFETY: the builder is made only with a live pool handle, used
        // by nothing else during the build.
        match unsafe { pool_mut(self.pool) }.alloc(size, std::mem::align_of::<dm_config_node>()) {
            Ok(p) => Some(p.as_ptr()),
            Err(e) => {
                crate::log_error!("{e}");
                None
            }
        }
    }

    /// A struct of type `T` followed by a NUL-terminated copy of `bytes`;
    /// returns the struct's address and the string's.
    fn alloc_with_string<T>(&mut self, bytes: &[u8]) -> Option<(*mut T, *const c_char)> {
        let p = self.alloc(size_of::<T>() + bytes.len() + 1)?;
        // SAFETY: the allocation holds the struct and `len + 1` bytes after it.
        unsafe {
            let s = p.add(size_of::<T>());
            ptr::copy_nonoverlapping(bytes.as_ptr(), s, bytes.len());
            *s.add(bytes.len()) = 0;
            Some((p.cast::<T>(), s as *const c_char))
        }
    }
}

impl Builder for CBuilder {
    type Node = *mut dm_config_node;
    type Value = *mut dm_config_value;
    fn new_node(&mut self, key: &[u8]) -> Option<*mut dm_config_node> {
        let (n, key) = self.alloc_with_string::<dm_config_node>(key)?;
        let node = dm_config_node { key, parent: ptr::null_mut(), sib: ptr::null_mut(), child: ptr::null_mut(), v: ptr::null_mut(), id: 0 };
        // SAFETY: `n` is a fresh allocation sized and aligned for a node.
        unsafe { n.write(node) };
        Some(n)
    }
    fn new_value(&mut self, v: Scalar<'_>) -> Option<*mut dm_config_value> {
        let s: &[u8] = match v {
            Scalar::Str(s) => s,
            _ => b"",
        };
        let (p, str_) = if matches!(v, Scalar::Str(_)) {
            self.alloc_with_string::<dm_config_value>(s)?
        } else {
            (self.alloc(size_of::<dm_config_value>())?.cast::<dm_config_value>(), ptr::null())
        };
        let (r#type, u) = match v {
            Scalar::Int(i) => (dm_config_value_type_e::DM_CFG_INT, dm_config_value_u { i }),
            Scalar::Float(f) => {
                // Zero the whole union first, as the C library's zalloc does.
                let mut u = dm_config_value_u { i: 0 };
                u.f = f;
                (dm_config_value_type_e::DM_CFG_FLOAT, u)
            }
            Scalar::Str(_) => (dm_config_value_type_e::DM_CFG_STRING, dm_config_value_u { str: str_ }),
            Scalar::EmptyArray => (dm_config_value_type_e::DM_CFG_EMPTY_ARRAY, dm_config_value_u { i: 0 }),
            Scalar::Unknown(_) => (dm_config_value_type_e::DM_CFG_INT, dm_config_value_u { i: 0 }),
        };
        // SAFETY: `p` is a fresh allocation sized and aligned for a value.
        unsafe { p.write(dm_config_value { r#type, v: u, next: ptr::null_mut(), format_flags: 0 }) };
        if let Scalar::Unknown(t) = v {
            // A clone keeps a type code C stored, whatever it is.
            // SAFETY: the type field of the value just written, an int.
            unsafe { ptr::addr_of_mut!((*p).r#type).cast::<i32>().write(t) };
        }
        Some(p)
    }
    fn set_next(&mut self, v: *mut dm_config_value, next: *mut dm_config_value) {
        // SAFETY: handles come from this builder or a live C tree.
        unsafe { (*v).next = next };
    }
    fn has_value(&self, n: *mut dm_config_node) -> bool {
        // SAFETY: as in `set_next`.
        unsafe { !(*n).v.is_null() }
    }
    fn set_value(&mut self, n: *mut dm_config_node, v: Option<*mut dm_config_value>) {
        // SAFETY: as in `set_next`.
        unsafe { (*n).v = v.unwrap_or(ptr::null_mut()) };
    }
    fn key_is(&self, n: *mut dm_config_node, segment: &[u8]) -> bool {
        // SAFETY: as in `set_next`.
        unsafe { CNode::new(n) }.is_some_and(|n| n.key_is(segment))
    }
    fn child(&self, n: *mut dm_config_node) -> Option<*mut dm_config_node> {
        // SAFETY: as in `set_next`.
        let c = unsafe { (*n).child };
        (!c.is_null()).then_some(c)
    }
    fn set_child(&mut self, n: *mut dm_config_node, child: Option<*mut dm_config_node>) {
        // SAFETY: as in `set_next`.
        unsafe { (*n).child = child.unwrap_or(ptr::null_mut()) };
    }
    fn sib(&self, n: *mut dm_config_node) -> Option<*mut dm_config_node> {
        // SAFETY: as in `set_next`.
        let s = unsafe { (*n).sib };
        (!s.is_null()).then_some(s)
    }
    fn set_sib(&mut self, n: *mut dm_config_node, sib: Option<*mut dm_config_node>) {
        // SAFETY: as in `set_next`.
        unsafe { (*n).sib = sib.unwrap_or(ptr::null_mut()) };
    }
    fn set_parent(&mut self, n: *mut dm_config_node, parent: Option<*mut dm_config_node>) {
        // SAFETY: as in `set_next`.
        unsafe { (*n).parent = parent.unwrap_or(ptr::null_mut()) };
    }
    fn set_id(&mut self, n: *mut dm_config_node, id: i32) {
        // SAFETY: as in `set_next`.
        unsafe { (*n).id = id };
    }
}

/// Where the C writer's lines go: a putline function and/or the
/// callbacks of an out spec.
struct CSink {
    putline: dm_putline_fn,
    prefix_fn: dm_config_node_out_fn,
    line_fn: dm_config_node_out_fn,
    suffix_fn: dm_config_node_out_fn,
    has_spec: bool,
    baton: *mut c_void,
}

/// The indentation as a C string (at most 32 tabs).
fn indent_c(indent: &[u8]) -> [u8; 33] {
    let mut buf = [0u8; 33];
    buf[..indent.len()].copy_from_slice(indent);
    buf
}

impl<'a> LineSink<CNode<'a>> for CSink {
    fn prefix(&mut self, n: CNode<'a>, indent: &[u8]) {
        if let Some(f) = self.prefix_fn {
            let s = indent_c(indent);
            // SAFETY: the caller's callback, with a live node and a C string.
            unsafe { f(n.p, s.as_ptr() as *const c_char, self.baton) };
        }
    }
    fn line(&mut self, n: CNode<'a>, line: &mut Vec<u8>) -> bool {
        if self.putline.is_none() && !self.has_spec {
            return false;
        }
        line.push(0);
        // SAFETY: the caller's callbacks, with a live node and a C string
        // (a key or string value holds no NUL, so the line ends here).
        unsafe {
            if let Some(f) = self.putline {
                f(line.as_ptr() as *const c_char, self.baton);
            }
            if let Some(f) = self.line_fn {
                f(n.p, line.as_ptr() as *const c_char, self.baton);
            }
        }
        line.pop();
        true
    }
    fn suffix(&mut self, n: CNode<'a>, indent: &[u8]) {
        if let Some(f) = self.suffix_fn {
            let s = indent_c(indent);
            // SAFETY: as in `prefix`.
            unsafe { f(n.p, s.as_ptr() as *const c_char, self.baton) };
        }
    }
}

/// # Safety
/// `cn` obeys the module's contract; `spec` is NULL or a live spec.
unsafe fn write_c(cn: *const dm_config_node, only_one: bool, putline: dm_putline_fn, spec: *const dm_config_node_out_spec, baton: *mut c_void) -> c_int {
    // SAFETY: per this function's contract.
    let spec = unsafe { spec.as_ref() };
    let mut sink = CSink {
        putline,
        prefix_fn: spec.and_then(|s| s.prefix_fn),
        line_fn: spec.and_then(|s| s.line_fn),
        suffix_fn: spec.and_then(|s| s.suffix_fn),
        has_spec: spec.is_some(),
        baton,
    };
    // SAFETY: per this function's contract.
    let first = unsafe { CNode::new(cn) };
    write_nodes(first, only_one, &mut sink) as c_int
}

/// # Safety
/// `cft` is NULL or a live tree; `start..end` readable when both non-NULL;
/// `section` NULL or a C string.
unsafe fn parse_c(name: &str, cft: *mut dm_config_tree, start: *const c_char, end: *const c_char, no_dup_node_check: bool, section: *const c_char) -> c_int {
    if cft.is_null() || start.is_null() || end.is_null() {
        crate::capi::boundary::log_null(name, "cft, start or end");
        return 0;
    }
    if (end as usize) < (start as usize) {
        crate::log_error!(errno = libc::EINVAL; "{name}: end is before start");
        return 0;
    }
    // SAFETY: `start..end` is the caller's readable text.
    let text = unsafe { std::slice::from_raw_parts(start as *const u8, end as usize - start as usize) };
    // SAFETY: a live tree.
    let mem = unsafe { (*cft).mem };
    if mem.is_null() {
        crate::capi::boundary::log_null(name, "cft->mem");
        return 0;
    }
    // SAFETY: NULL or a C string.
    let stop = (!section.is_null()).then(|| unsafe { c_bytes(section) });
    let opts = ParseOptions { no_dup_node_check, stop_after_section: stop };
    let mut b = CBuilder { pool: mem };
    let result = parse::parse(&mut b, text, opts);
    // SAFETY: a live tree.
    unsafe {
        match result {
            Ok(root) => {
                (*cft).root = root;
                1
            }
            Err(e) => {
                (*cft).root = ptr::null_mut();
                if e.is_logged() {
                    crate::log_error!("{e}");
                } else {
                    crate::log_debug!("{name}: {e}");
                }
                0
            }
        }
    }
}

/// The trees of a cascade, top first: their root lists.
///
/// # Safety
/// `cft` is NULL or a live tree whose cascade chain is live and ends.
unsafe fn layers<'a>(cft: *const dm_config_tree) -> impl Iterator<Item = Option<CNode<'a>>> {
    let first = (!cft.is_null()).then_some(cft);
    // SAFETY: per this function's contract.
    std::iter::successors(first, |&t| {
        let next = unsafe { (*t).cascade } as *const dm_config_tree;
        (!next.is_null()).then_some(next)
    })
    // SAFETY: per this function's contract.
    .map(|t| unsafe { CNode::new((*t).root) })
}

/// The node at `path` from `cn` (NULL when `path` is NULL or not found).
///
/// # Safety
/// Module contract; `path` NULL or a C string.
unsafe fn lookup<'a>(name: &str, cn: *const dm_config_node, path: *const c_char) -> Option<(CNode<'a>, &'a [u8])> {
    if path.is_null() {
        crate::capi::boundary::log_null(name, "path");
        return None;
    }
    // SAFETY: per this function's contract.
    let path = unsafe { c_bytes(path) };
    // SAFETY: per this function's contract.
    find_node(unsafe { CNode::new(cn) }, path).map(|n| (n, path))
}

/// The node at `path` in a cascade.
///
/// # Safety
/// Module contract; `path` NULL or a C string.
unsafe fn tree_lookup<'a>(name: &str, cft: *const dm_config_tree, path: *const c_char) -> Option<(CNode<'a>, &'a [u8])> {
    if path.is_null() {
        crate::capi::boundary::log_null(name, "path");
        return None;
    }
    // SAFETY: per this function's contract.
    let path = unsafe { c_bytes(path) };
    // SAFETY: per this function's contract.
    find_in_layers(unsafe { layers(cft) }, path).map(|n| (n, path))
}

/// The string getter's answer: the value's string or `fail`.
///
/// # Safety
/// Module contract; `path` NULL or a C string.
unsafe fn str_answer(found: Option<CNode<'_>>, path: *const c_char, fail: *const c_char, allow_empty: bool) -> *const c_char {
    // SAFETY: per this function's contract.
    let path = unsafe { c_bytes(path) };
    match string_value(found, path, !fail.is_null(), allow_empty) {
        // SAFETY: a live string value.
        Some(v) => unsafe { (*v.p).v.str },
        None => fail,
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_create() -> *mut dm_config_tree {
    ffi!("dm_config_create", ptr::null_mut() => {
        // SAFETY: a static C string.
        let mem = unsafe { dm_pool_create(c"config".as_ptr(), 63 * 1024) };
        if mem.is_null() {
            crate::log_error!("Failed to allocate config pool.");
            return ptr::null_mut();
        }
        // SAFETY: a pool just made, used by nothing else.
        match unsafe { pool_mut(mem) }.zalloc(size_of::<dm_config_tree>()) {
            Ok(p) => {
                let cft = p.as_ptr() as *mut dm_config_tree;
                // SAFETY: zeroed memory sized and aligned for a tree.
                unsafe { (*cft).mem = mem };
                cft
            }
            Err(_) => {
                crate::log_error!("Failed to allocate config tree.");
                // SAFETY: the pool just made.
                unsafe { dm_pool_destroy(mem) };
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_from_string(config_settings: *const c_char) -> *mut dm_config_tree {
    ffi!("dm_config_from_string", ptr::null_mut() => {
        require!("dm_config_from_string", config_settings, ptr::null_mut());
        // SAFETY: no arguments.
        let cft = unsafe { dm_config_create() };
        if cft.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: a C string, so `start + strlen` is its end.
        let ok = unsafe {
            let end = config_settings.add(CStr::from_ptr(config_settings).to_bytes().len());
            parse_c("dm_config_from_string", cft, config_settings, end, false, ptr::null())
        };
        if ok == 0 {
            // SAFETY: the tree just made.
            unsafe { dm_config_destroy(cft) };
            return ptr::null_mut();
        }
        cft
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse(cft: *mut dm_config_tree, start: *const c_char, end: *const c_char) -> c_int {
    // SAFETY: the caller's contract.
    ffi!("dm_config_parse", 0 => { unsafe { parse_c("dm_config_parse", cft, start, end, false, ptr::null()) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse_without_dup_node_check(cft: *mut dm_config_tree, start: *const c_char, end: *const c_char) -> c_int {
    // SAFETY: the caller's contract.
    ffi!("dm_config_parse_without_dup_node_check", 0 => {
        unsafe { parse_c("dm_config_parse_without_dup_node_check", cft, start, end, true, ptr::null()) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse_only_section(cft: *mut dm_config_tree, start: *const c_char, end: *const c_char, section: *const c_char) -> c_int {
    // SAFETY: the caller's contract.
    ffi!("dm_config_parse_only_section", 0 => {
        unsafe { parse_c("dm_config_parse_only_section", cft, start, end, true, section) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_custom(cft: *mut dm_config_tree) -> *mut c_void {
    ffi!("dm_config_get_custom", ptr::null_mut() => {
        require!("dm_config_get_custom", cft, ptr::null_mut());
        // SAFETY: a live tree.
        unsafe { (*cft).custom }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_set_custom(cft: *mut dm_config_tree, custom: *mut c_void) {
    ffi!("dm_config_set_custom", () => {
        require_void!("dm_config_set_custom", cft);
        // SAFETY: a live tree.
        unsafe { (*cft).custom = custom };
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_insert_cascaded_tree(first_cft: *mut dm_config_tree, second_cft: *mut dm_config_tree) -> *mut dm_config_tree {
    ffi!("dm_config_insert_cascaded_tree", ptr::null_mut() => {
        require!("dm_config_insert_cascaded_tree", first_cft, ptr::null_mut());
        // SAFETY: a live tree.
        unsafe { (*first_cft).cascade = second_cft };
        first_cft
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_remove_cascaded_tree(cft: *mut dm_config_tree) -> *mut dm_config_tree {
    ffi!("dm_config_remove_cascaded_tree", ptr::null_mut() => {
        if cft.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: a live tree.
        unsafe { std::mem::replace(&mut (*cft).cascade, ptr::null_mut()) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_flatten(cft: *mut dm_config_tree) -> *mut dm_config_tree {
    ffi!("dm_config_flatten", ptr::null_mut() => {
        // SAFETY: no arguments.
        let res = unsafe { dm_config_create() };
        if res.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: the caller's contract.
        let mut bottom_first: Vec<_> = unsafe { layers(cft) }.collect();
        bottom_first.reverse();
        // SAFETY: the tree just made.
        let mut b = CBuilder { pool: unsafe { (*res).mem } };
        let root = find::flatten(&mut b, &bottom_first);
        // SAFETY: the tree just made.
        unsafe { (*res).root = root.unwrap_or(ptr::null_mut()) };
        res
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_destroy(cft: *mut dm_config_tree) {
    ffi!("dm_config_destroy", () => {
        require_void!("dm_config_destroy", cft);
        // SAFETY: a live tree; its struct lives in its pool, so the pool
        // handle is read before the pool goes.
        unsafe { dm_pool_destroy((*cft).mem) };
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_node(cn: *const dm_config_node, putline: dm_putline_fn, baton: *mut c_void) -> c_int {
    // SAFETY: the caller's contract.
    ffi!("dm_config_write_node", 0 => { unsafe { write_c(cn, false, putline, ptr::null(), baton) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_node_out(cn: *const dm_config_node, out_spec: *const dm_config_node_out_spec, baton: *mut c_void) -> c_int {
    // SAFETY: the caller's contract.
    ffi!("dm_config_write_node_out", 0 => { unsafe { write_c(cn, false, None, out_spec, baton) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_one_node(cn: *const dm_config_node, putline: dm_putline_fn, baton: *mut c_void) -> c_int {
    // SAFETY: the caller's contract.
    ffi!("dm_config_write_one_node", 0 => { unsafe { write_c(cn, true, putline, ptr::null(), baton) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_one_node_out(cn: *const dm_config_node, out_spec: *const dm_config_node_out_spec, baton: *mut c_void) -> c_int {
    // SAFETY: the caller's contract.
    ffi!("dm_config_write_one_node_out", 0 => { unsafe { write_c(cn, true, None, out_spec, baton) } })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_node(cn: *const dm_config_node, path: *const c_char) -> *mut dm_config_node {
    ffi!("dm_config_find_node", ptr::null_mut() => {
        // SAFETY: the caller's contract.
        unsafe { lookup("dm_config_find_node", cn, path) }.map_or(ptr::null_mut(), |(n, _)| n.p as *mut dm_config_node)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_has_node(cn: *const dm_config_node, path: *const c_char) -> c_int {
    ffi!("dm_config_has_node", 0 => {
        // SAFETY: the caller's contract.
        unsafe { lookup("dm_config_has_node", cn, path) }.is_some() as c_int
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_remove_node(parent: *mut dm_config_node, remove: *mut dm_config_node) -> c_int {
    ffi!("dm_config_remove_node", 0 => {
        require!("dm_config_remove_node", parent, 0);
        // SAFETY: a live parent whose child list obeys the contract.
        unsafe {
            let mut link: *mut *mut dm_config_node = &mut (*parent).child;
            while !(*link).is_null() {
                if *link == remove {
                    *link = (*remove).sib;
                    return 1;
                }
                link = &mut (**link).sib;
            }
        }
        0
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_str(cn: *const dm_config_node, path: *const c_char, fail: *const c_char) -> *const c_char {
    ffi!("dm_config_find_str", fail => {
        // SAFETY: the caller's contract.
        unsafe { str_answer(lookup("dm_config_find_str", cn, path).map(|(n, _)| n), path, fail, false) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_str_allow_empty(cn: *const dm_config_node, path: *const c_char, fail: *const c_char) -> *const c_char {
    ffi!("dm_config_find_str_allow_empty", fail => {
        // SAFETY: the caller's contract.
        unsafe { str_answer(lookup("dm_config_find_str_allow_empty", cn, path).map(|(n, _)| n), path, fail, true) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_int(cn: *const dm_config_node, path: *const c_char, fail: c_int) -> c_int {
    ffi!("dm_config_find_int", fail => {
        // SAFETY: the caller's contract.
        int_value(unsafe { lookup("dm_config_find_int", cn, path) }.map(|(n, _)| n)).map_or(fail, |i| i as c_int)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_int64(cn: *const dm_config_node, path: *const c_char, fail: i64) -> i64 {
    ffi!("dm_config_find_int64", fail => {
        // SAFETY: the caller's contract.
        int_value(unsafe { lookup("dm_config_find_int64", cn, path) }.map(|(n, _)| n)).unwrap_or(fail)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_float(cn: *const dm_config_node, path: *const c_char, fail: f32) -> f32 {
    ffi!("dm_config_find_float", fail => {
        // SAFETY: the caller's contract.
        float_value(unsafe { lookup("dm_config_find_float", cn, path) }.map(|(n, _)| n)).unwrap_or(fail)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_node(cft: *const dm_config_tree, path: *const c_char) -> *const dm_config_node {
    ffi!("dm_config_tree_find_node", ptr::null() => {
        // SAFETY: the caller's contract.
        unsafe { tree_lookup("dm_config_tree_find_node", cft, path) }.map_or(ptr::null(), |(n, _)| n.p)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_str(cft: *const dm_config_tree, path: *const c_char, fail: *const c_char) -> *const c_char {
    ffi!("dm_config_tree_find_str", fail => {
        // SAFETY: the caller's contract.
        unsafe { str_answer(tree_lookup("dm_config_tree_find_str", cft, path).map(|(n, _)| n), path, fail, false) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_str_allow_empty(cft: *const dm_config_tree, path: *const c_char, fail: *const c_char) -> *const c_char {
    ffi!("dm_config_tree_find_str_allow_empty", fail => {
        // SAFETY: the caller's contract.
        unsafe { str_answer(tree_lookup("dm_config_tree_find_str_allow_empty", cft, path).map(|(n, _)| n), path, fail, true) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_int(cft: *const dm_config_tree, path: *const c_char, fail: c_int) -> c_int {
    ffi!("dm_config_tree_find_int", fail => {
        // SAFETY: the caller's contract.
        int_value(unsafe { tree_lookup("dm_config_tree_find_int", cft, path) }.map(|(n, _)| n)).map_or(fail, |i| i as c_int)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_int64(cft: *const dm_config_tree, path: *const c_char, fail: i64) -> i64 {
    ffi!("dm_config_tree_find_int64", fail => {
        // SAFETY: the caller's contract.
        int_value(unsafe { tree_lookup("dm_config_tree_find_int64", cft, path) }.map(|(n, _)| n)).unwrap_or(fail)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_float(cft: *const dm_config_tree, path: *const c_char, fail: f32) -> f32 {
    ffi!("dm_config_tree_find_float", fail => {
        // SAFETY: the caller's contract.
        float_value(unsafe { tree_lookup("dm_config_tree_find_float", cft, path) }.map(|(n, _)| n)).unwrap_or(fail)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_bool(cft: *const dm_config_tree, path: *const c_char, fail: c_int) -> c_int {
    ffi!("dm_config_tree_find_bool", fail => {
        // SAFETY: the caller's contract.
        bool_value(unsafe { tree_lookup("dm_config_tree_find_bool", cft, path) }.map(|(n, _)| n)).map_or(fail, |b| b as c_int)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_bool(cn: *const dm_config_node, path: *const c_char, fail: c_int) -> c_int {
    ffi!("dm_config_find_bool", fail => {
        // SAFETY: the caller's contract.
        bool_value(unsafe { lookup("dm_config_find_bool", cn, path) }.map(|(n, _)| n)).map_or(fail, |b| b as c_int)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_is_bool(v: *const dm_config_value) -> c_int {
    ffi!("dm_config_value_is_bool", 0 => {
        // SAFETY: the caller's contract.
        unsafe { CValue::new(v) }.is_some_and(crate::config::value_is_bool) as c_int
    })
}

/// The value of the node at `path` when it is of type `want`.
///
/// # Safety
/// Module contract; `path` NULL or a C string.
unsafe fn typed_value<'a>(name: &str, cn: *const dm_config_node, path: *const c_char, want: i32) -> Option<CValue<'a>> {
    // SAFETY: per this function's contract.
    let v = unsafe { lookup(name, cn, path) }?.0.value()?;
    (v.scalar().type_code() == want).then_some(v)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_uint32(cn: *const dm_config_node, path: *const c_char, result: *mut u32) -> c_int {
    ffi!("dm_config_get_uint32", 0 => {
        // SAFETY: the caller's contract.
        let Some(v) = (unsafe { typed_value("dm_config_get_uint32", cn, path, crate::config::TYPE_INT) }) else { return 0 };
        if let (false, Scalar::Int(i)) = (result.is_null(), v.scalar()) {
            // SAFETY: the caller's result pointer.
            unsafe { *result = i as u32 };
        }
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_uint64(cn: *const dm_config_node, path: *const c_char, result: *mut u64) -> c_int {
    ffi!("dm_config_get_uint64", 0 => {
        // SAFETY: the caller's contract.
        let Some(v) = (unsafe { typed_value("dm_config_get_uint64", cn, path, crate::config::TYPE_INT) }) else { return 0 };
        if let (false, Scalar::Int(i)) = (result.is_null(), v.scalar()) {
            // SAFETY: the caller's result pointer.
            unsafe { *result = i as u64 };
        }
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_str(cn: *const dm_config_node, path: *const c_char, result: *mut *const c_char) -> c_int {
    ffi!("dm_config_get_str", 0 => {
        // SAFETY: the caller's contract.
        let Some(v) = (unsafe { typed_value("dm_config_get_str", cn, path, crate::config::TYPE_STRING) }) else { return 0 };
        if !result.is_null() {
            // SAFETY: a live string value; the caller's result pointer.
            unsafe { *result = (*v.p).v.str };
        }
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_list(cn: *const dm_config_node, path: *const c_char, result: *mut *const dm_config_value) -> c_int {
    ffi!("dm_config_get_list", 0 => {
        // SAFETY: the caller's contract.
        let Some(v) = (unsafe { lookup("dm_config_get_list", cn, path) }).and_then(|(n, _)| n.value()) else { return 0 };
        if !result.is_null() {
            // SAFETY: the caller's result pointer.
            unsafe { *result = v.p };
        }
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_section(cn: *const dm_config_node, path: *const c_char, result: *mut *const dm_config_node) -> c_int {
    ffi!("dm_config_get_section", 0 => {
        // SAFETY: the caller's contract.
        let Some((n, _)) = (unsafe { lookup("dm_config_get_section", cn, path) }) else { return 0 };
        if n.value().is_some() {
            return 0;
        }
        if !result.is_null() {
            // SAFETY: the caller's result pointer.
            unsafe { *result = n.p };
        }
        1
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_maybe_section(str_: *const c_char, len: c_uint) -> c_uint {
    ffi!("dm_config_maybe_section", 0 => {
        require!("dm_config_maybe_section", str_, 0);
        // SAFETY: the caller's `len` readable bytes.
        let text = unsafe { std::slice::from_raw_parts(str_ as *const u8, len as usize) };
        crate::config::maybe_section(text) as c_uint
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parent_name(n: *const dm_config_node) -> *const c_char {
    ffi!("dm_config_parent_name", ptr::null() => {
        require!("dm_config_parent_name", n, ptr::null());
        // SAFETY: a live node with a live or NULL parent.
        unsafe {
            let parent = (*n).parent;
            if parent.is_null() { c"(root)".as_ptr() } else { (*parent).key }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_clone_node_with_mem(mem: *mut dm_pool, node: *const dm_config_node, siblings: c_int) -> *mut dm_config_node {
    ffi!("dm_config_clone_node_with_mem", ptr::null_mut() => {
        if node.is_null() {
            crate::log_error!("Cannot clone NULL config node.");
            return ptr::null_mut();
        }
        require!("dm_config_clone_node_with_mem", mem, ptr::null_mut());
        let mut b = CBuilder { pool: mem };
        // SAFETY: the caller's contract.
        let src = unsafe { CNode::new(node) }.expect("checked non-NULL");
        match find::clone_nodes(&mut b, src, siblings != 0) {
            Some(n) => n,
            None => {
                crate::log_error!("Failed to clone config node.");
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_create_node(cft: *mut dm_config_tree, key: *const c_char) -> *mut dm_config_node {
    ffi!("dm_config_create_node", ptr::null_mut() => {
        require!("dm_config_create_node", cft, ptr::null_mut());
        require!("dm_config_create_node", key, ptr::null_mut());
        // SAFETY: a live tree; a C string.
        let mut b = CBuilder { pool: unsafe { (*cft).mem } };
        // SAFETY: a C string.
        match b.new_node(unsafe { c_bytes(key) }) {
            Some(n) => n,
            None => {
                crate::log_error!("Failed to create config node.");
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_create_value(cft: *mut dm_config_tree) -> *mut dm_config_value {
    ffi!("dm_config_create_value", ptr::null_mut() => {
        require!("dm_config_create_value", cft, ptr::null_mut());
        // SAFETY: a live tree.
        let mut b = CBuilder { pool: unsafe { (*cft).mem } };
        b.new_value(Scalar::Int(0)).unwrap_or(ptr::null_mut())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_clone_node(cft: *mut dm_config_tree, cn: *const dm_config_node, siblings: c_int) -> *mut dm_config_node {
    ffi!("dm_config_clone_node", ptr::null_mut() => {
        require!("dm_config_clone_node", cft, ptr::null_mut());
        // SAFETY: a live tree; the caller's contract for `cn`.
        unsafe { dm_config_clone_node_with_mem((*cft).mem, cn, siblings) }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_set_format_flags(cv: *mut dm_config_value, format_flags: u32) {
    ffi!("dm_config_value_set_format_flags", () => {
        if !cv.is_null() {
            // SAFETY: a live value.
            unsafe { (*cv).format_flags = format_flags };
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_get_format_flags(cv: *mut dm_config_value) -> u32 {
    ffi!("dm_config_value_get_format_flags", 0 => {
        if cv.is_null() {
            return 0;
        }
        // SAFETY: a live value.
        unsafe { (*cv).format_flags }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_memory(cft: *mut dm_config_tree) -> *mut dm_pool {
    ffi!("dm_config_memory", ptr::null_mut() => {
        require!("dm_config_memory", cft, ptr::null_mut());
        // SAFETY: a live tree.
        unsafe { (*cft).mem }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree's text as `dm_config_write_node` gives it.
    fn written(cn: *const dm_config_node) -> String {
        unsafe extern "C" fn collect(line: *const c_char, baton: *mut c_void) -> c_int {
            // SAFETY: the baton is the String below; the line a C string.
            unsafe {
                let out = &mut *(baton as *mut String);
                out.push_str(&CStr::from_ptr(line).to_string_lossy());
                out.push('\n');
            }
            1
        }
        let mut out = String::new();
        // SAFETY: a tree made by this library; the baton outlives the call.
        let r = unsafe { dm_config_write_node(cn, Some(collect), &mut out as *mut String as *mut c_void) };
        assert_eq!(r, 1);
        out
    }

    #[test]
    fn a_parsed_tree_is_made_of_linked_c_structs() {
        // SAFETY: a C string literal; the tree is destroyed at the end.
        unsafe {
            let cft = dm_config_from_string(c"a { b = \"x\" c = [1, 2] }".as_ptr());
            assert!(!cft.is_null());
            let a = (*cft).root;
            assert_eq!(CStr::from_ptr((*a).key), c"a");
            let b = (*a).child;
            assert_eq!((*b).parent, a);
            assert_eq!(CStr::from_ptr((*(*b).v).v.str), c"x");
            let c = (*b).sib;
            assert_eq!((*(*(*c).v).next).v.i, 2);
            assert_eq!(dm_config_find_node(a, c"a/c".as_ptr()), c);
            dm_config_destroy(cft);
        }
    }

    #[test]
    fn find_str_returns_the_tree_string_or_the_callers_default() {
        // SAFETY: C string literals; the tree is destroyed at the end.
        unsafe {
            let cft = dm_config_from_string(c"s = \"v\" i = 1".as_ptr());
            let root = (*cft).root;
            assert_eq!(dm_config_find_str(root, c"s".as_ptr(), ptr::null()), (*(*root).v).v.str);
            let fail = c"fail".as_ptr();
            assert_eq!(dm_config_find_str(root, c"i".as_ptr(), fail), fail);
            assert_eq!(dm_config_find_str(root, c"none".as_ptr(), fail), fail);
            dm_config_destroy(cft);
        }
    }

    #[test]
    fn parse_only_section_reads_the_named_section_and_the_top_level_tail() {
        let text = "vg {\n\tphysical_volumes {\n\t\tpv0 { d = 1 }\n\t}\n\tlogical_volumes {\n\t\tlv0 { x = 1 }\n\t}\n}\nversion = 1\n";
        // SAFETY: `text` outlives the parse; the tree is destroyed at the end.
        unsafe {
            let cft = dm_config_create();
            let start = text.as_ptr() as *const c_char;
            let r = dm_config_parse_only_section(cft, start, start.add(text.len()), c"physical_volumes".as_ptr());
            assert_eq!(r, 1);
            assert_eq!(written((*cft).root), "vg {\n\tphysical_volumes {\n\t\tpv0 {\n\t\t\td=1\n\t\t}\n\t}\n}\nversion=1\n");
            dm_config_destroy(cft);
        }
    }

    #[test]
    fn a_failed_parse_leaves_no_root() {
        let text = "a = ";
        // SAFETY: `text` outlives the parse; the tree is destroyed at the end.
        unsafe {
            let cft = dm_config_create();
            let start = text.as_ptr() as *const c_char;
            assert_eq!(dm_config_parse(cft, start, start.add(text.len())), 0);
            assert!((*cft).root.is_null());
            dm_config_destroy(cft);
        }
    }

    #[test]
    fn null_arguments_fail_instead_of_crashing() {
        // SAFETY: NULL is what is being tested.
        unsafe {
            assert!(dm_config_from_string(ptr::null()).is_null());
            assert_eq!(dm_config_parse(ptr::null_mut(), ptr::null(), ptr::null()), 0);
            assert!(dm_config_find_node(ptr::null(), c"a".as_ptr()).is_null());
            assert_eq!(dm_config_find_int(ptr::null(), ptr::null(), 7), 7);
            assert!(dm_config_clone_node_with_mem(ptr::null_mut(), ptr::null(), 1).is_null());
            assert_eq!(dm_config_value_get_format_flags(ptr::null_mut()), 0);
            assert!(dm_config_parent_name(ptr::null()).is_null());
            dm_config_destroy(ptr::null_mut());
        }
    }

    #[test]
    fn nodes_built_by_a_caller_are_written_like_parsed_ones() {
        // SAFETY: the nodes live in the tree's pool until it is destroyed.
        unsafe {
            let cft = dm_config_create();
            let sec = dm_config_create_node(cft, c"sec".as_ptr());
            let val = dm_config_create_node(cft, c"n".as_ptr());
            (*val).v = dm_config_create_value(cft);
            (*(*val).v).v.i = 8;
            dm_config_value_set_format_flags((*val).v, DM_CONFIG_VALUE_FMT_INT_OCTAL as u32);
            (*sec).child = val;
            (*val).parent = sec;
            (*cft).root = sec;
            assert_eq!(written(sec), "sec {\n\tn=010\n}\n");
            assert_eq!(CStr::from_ptr(dm_config_parent_name(val)), c"sec");
            dm_config_destroy(cft);
        }
    }
}
