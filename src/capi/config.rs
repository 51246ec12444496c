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
use std::ptr;

use crate::capi::arg::{self, bytes, c_mut, c_ref, deref, deref_mut, text};
use crate::capi::boundary::log_null;
use crate::capi::cmem::CMem;
use crate::capi::handle::opt_mut_from_ptr;
use crate::capi::pool;
use crate::capi::types::*;
use crate::config::find::{self, bool_value, find_in_layers, find_node, float_value, int_value, string_value};
use crate::config::parse::{self, Builder, ParseOptions};
use crate::config::write::{write_nodes, LineSink};
use crate::config::{NodeView, Scalar, ValueView};
use crate::util::pool::Pool;

/// A C node, read as a reference: the links of a tree obey the module's
/// contract.
type CNode<'a> = &'a dm_config_node;

/// A C value, read as [`CNode`].
type CValue<'a> = &'a dm_config_value;

/// The string member of a value (of the string type).
fn str_ptr(v: CValue<'_>) -> *const c_char {
    // SAFETY: every member of the union is a plain value; the caller asks
    // only of a string value.
    unsafe { v.v.str }
}

impl<'a> NodeView<'a> for CNode<'a> {
    type Value = CValue<'a>;
    fn key(self) -> &'a [u8] {
        text(self.key).unwrap_or(b"")
    }
    fn parent(self) -> Option<Self> {
        deref(self.parent)
    }
    fn sib(self) -> Option<Self> {
        deref(self.sib)
    }
    fn child(self) -> Option<Self> {
        deref(self.child)
    }
    fn value(self) -> Option<CValue<'a>> {
        deref(self.v)
    }
    fn id(self) -> i32 {
        self.id
    }
}

impl<'a> ValueView<'a> for CValue<'a> {
    fn scalar(self) -> Scalar<'a> {
        // SAFETY: the type is read as the plain int it is in C (C may store
        // any number there), and the union member read is the one it names.
        unsafe {
            match ptr::addr_of!(self.r#type).cast::<i32>().read() {
                0 => Scalar::Int(self.v.i),
                1 => Scalar::Float(self.v.f),
                2 => Scalar::Str(text(self.v.str).unwrap_or(b"")),
                3 => Scalar::EmptyArray,
                other => Scalar::Unknown(other),
            }
        }
    }
    fn next(self) -> Option<Self> {
        deref(self.next)
    }
    fn format_flags(self) -> u32 {
        self.format_flags
    }
}

/// The integer a config value holds, None for another type (the tree
/// builders read cache policy settings with it).
pub(in crate::capi) fn int_of(v: &dm_config_value) -> Option<i64> {
    match v.scalar() {
        Scalar::Int(i) => Some(i),
        _ => None,
    }
}

/// Allocates C nodes and values in a pool (none: links only) and links
/// them.
struct CBuilder<'p> {
    pool: Option<&'p mut Pool>,
}

/// A node or value of a tree being built or changed (never NULL: one this
/// builder allocated or one of a live C tree).
fn at<'a, T>(p: *mut T) -> &'a mut T {
    deref_mut(p).expect("a handle of the builder is not NULL")
}

impl CBuilder<'_> {
    /// The builder over the pool of a tree (NULL logged).
    fn of(function: &str, cft: &dm_config_tree) -> Option<CBuilder<'static>> {
        let pool = opt_mut_from_ptr(cft.mem);
        if pool.is_none() {
            log_null(function, "cft->mem");
        }
        pool.map(|pool| CBuilder { pool: Some(pool) })
    }

    /// The pool, as C memory.
    fn mem(&mut self) -> Option<CMem<'_>> {
        Some(CMem::Pool(self.pool.as_deref_mut()?))
    }
}

impl Builder for CBuilder<'_> {
    type Node = *mut dm_config_node;
    type Value = *mut dm_config_value;
    fn new_node(&mut self, key: &[u8]) -> Option<*mut dm_config_node> {
        // As libdm: the zeroed node, then its key.
        let n = self.mem()?.put(dm_config_node { key: ptr::null(), parent: ptr::null_mut(), sib: ptr::null_mut(), child: ptr::null_mut(), v: ptr::null_mut(), id: 0 })?;
        at(n).key = self.mem()?.str(key)?;
        Some(n)
    }
    fn new_value(&mut self, v: Scalar<'_>) -> Option<*mut dm_config_value> {
        use dm_config_value_type_e::*;
        // Zeroed, as the C library's zalloc does.
        let p = self.mem()?.put(dm_config_value { r#type: DM_CFG_INT, v: dm_config_value_u { i: 0 }, next: ptr::null_mut(), format_flags: 0 })?;
        match v {
            Scalar::Int(i) => at(p).v.i = i,
            Scalar::Float(f) => (at(p).r#type, at(p).v.f) = (DM_CFG_FLOAT, f),
            Scalar::Str(s) => (at(p).r#type, at(p).v.str) = (DM_CFG_STRING, self.mem()?.str(s)?),
            Scalar::EmptyArray => at(p).r#type = DM_CFG_EMPTY_ARRAY,
            // SAFETY: a clone keeps a type code C stored, whatever it is,
            // written as the int the type field is.
            Scalar::Unknown(t) => unsafe { ptr::addr_of_mut!((*p).r#type).cast::<i32>().write(t) },
        }
        Some(p)
    }
    fn set_next(&mut self, v: *mut dm_config_value, next: *mut dm_config_value) {
        at(v).next = next;
    }
    fn has_value(&self, n: *mut dm_config_node) -> bool {
        !at(n).v.is_null()
    }
    fn set_value(&mut self, n: *mut dm_config_node, v: Option<*mut dm_config_value>) {
        at(n).v = v.unwrap_or(ptr::null_mut());
    }
    fn key_is(&self, n: *mut dm_config_node, segment: &[u8]) -> bool {
        deref(n).is_some_and(|n: CNode<'_>| n.key_is(segment))
    }
    fn child(&self, n: *mut dm_config_node) -> Option<*mut dm_config_node> {
        Some(at(n).child).filter(|c| !c.is_null())
    }
    fn set_child(&mut self, n: *mut dm_config_node, child: Option<*mut dm_config_node>) {
        at(n).child = child.unwrap_or(ptr::null_mut());
    }
    fn sib(&self, n: *mut dm_config_node) -> Option<*mut dm_config_node> {
        Some(at(n).sib).filter(|s| !s.is_null())
    }
    fn set_sib(&mut self, n: *mut dm_config_node, sib: Option<*mut dm_config_node>) {
        at(n).sib = sib.unwrap_or(ptr::null_mut());
    }
    fn set_parent(&mut self, n: *mut dm_config_node, parent: Option<*mut dm_config_node>) {
        at(n).parent = parent.unwrap_or(ptr::null_mut());
    }
    fn set_id(&mut self, n: *mut dm_config_node, id: i32) {
        at(n).id = id;
    }
}

/// Where the C writer's lines go: a putline function and/or the
/// callbacks of an out spec.
struct CSink<'s> {
    putline: dm_putline_fn,
    spec: Option<&'s dm_config_node_out_spec>,
    baton: *mut c_void,
}

/// Calls an out spec's prefix or suffix callback (if any) with the
/// indentation as a C string (at most 32 tabs).
fn call_with_indent(f: dm_config_node_out_fn, n: CNode<'_>, indent: &[u8], baton: *mut c_void) {
    if let Some(f) = f {
        let mut buf = [0u8; 33];
        buf[..indent.len()].copy_from_slice(indent);
        // SAFETY: the caller's callback, with a live node and a C string.
        unsafe { f(n, buf.as_ptr().cast(), baton) };
    }
}

impl<'a> LineSink<CNode<'a>> for CSink<'_> {
    fn prefix(&mut self, n: CNode<'a>, indent: &[u8]) {
        call_with_indent(self.spec.and_then(|s| s.prefix_fn), n, indent, self.baton);
    }
    fn line(&mut self, n: CNode<'a>, line: &mut Vec<u8>) -> bool {
        if self.putline.is_none() && self.spec.is_none() {
            return false;
        }
        line.push(0);
        // SAFETY: the caller's callbacks, with a live node and a C string
        // (a key or string value holds no NUL, so the line ends here).
        unsafe {
            if let Some(f) = self.putline {
                f(line.as_ptr().cast(), self.baton);
            }
            if let Some(f) = self.spec.and_then(|s| s.line_fn) {
                f(n, line.as_ptr().cast(), self.baton);
            }
        }
        line.pop();
        true
    }
    fn suffix(&mut self, n: CNode<'a>, indent: &[u8]) {
        call_with_indent(self.spec.and_then(|s| s.suffix_fn), n, indent, self.baton);
    }
}

fn write_c(cn: *const dm_config_node, only_one: bool, putline: dm_putline_fn, spec: *const dm_config_node_out_spec, baton: *mut c_void) -> c_int {
    write_nodes(deref(cn), only_one, &mut CSink { putline, spec: deref(spec), baton }) as c_int
}

fn parse_c(name: &str, cft: *mut dm_config_tree, start: *const c_char, end: *const c_char, no_dup_node_check: bool, section: *const c_char) -> c_int {
    if cft.is_null() || start.is_null() || end.is_null() {
        log_null(name, "cft, start or end");
        return 0;
    }
    if (end as usize) < (start as usize) {
        crate::log_error!(errno = libc::EINVAL; "{name}: end is before start");
        return 0;
    }
    let (Some(input), Some(cft)) = (arg::slice(name, "start", start.cast::<u8>(), end as usize - start as usize), deref_mut(cft)) else { return 0 };
    let Some(mut b) = CBuilder::of(name, cft) else { return 0 };
    let opts = ParseOptions { no_dup_node_check, stop_after_section: text(section) };
    match parse::parse(&mut b, input, opts) {
        Ok(root) => {
            cft.root = root;
            1
        }
        Err(e) => {
            cft.root = ptr::null_mut();
            e.log(name);
            0
        }
    }
}

/// The trees of a cascade, top first: their root lists.
fn layers<'a>(cft: *const dm_config_tree) -> impl Iterator<Item = Option<CNode<'a>>> {
    std::iter::successors(deref(cft), |t| deref(t.cascade)).map(|t| deref(t.root))
}

/// The node at `path` from `cn` (None when `path` is NULL, logged, or not
/// found).
fn lookup<'a>(name: &str, cn: *const dm_config_node, path: *const c_char) -> Option<CNode<'a>> {
    find_node(deref(cn), arg::bytes(name, "path", path)?)
}

/// The node at `path` in a cascade.
fn tree_lookup<'a>(name: &str, cft: *const dm_config_tree, path: *const c_char) -> Option<CNode<'a>> {
    find_in_layers(layers(cft), arg::bytes(name, "path", path)?)
}

/// The string getter's answer: the value's string or `fail`.
fn str_answer(found: Option<CNode<'_>>, path: *const c_char, fail: *const c_char, allow_empty: bool) -> *const c_char {
    string_value(found, text(path).unwrap_or(b""), !fail.is_null(), allow_empty).map_or(fail, str_ptr)
}

/// A new empty tree with a pool of its own.
fn create() -> *mut dm_config_tree {
    let mem = pool::create(Some("config"), 63 * 1024);
    let tree = dm_config_tree { root: ptr::null_mut(), cascade: ptr::null_mut(), mem, custom: ptr::null_mut() };
    match opt_mut_from_ptr(mem).and_then(|p| CMem::Pool(p).put(tree)) {
        Some(cft) => cft,
        None => {
            crate::log_error!("Failed to allocate config tree.");
            pool::destroy(mem);
            ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_create() -> *mut dm_config_tree {
    ffi!("dm_config_create", ptr::null_mut() => { create() })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_from_string(config_settings: *const c_char) -> *mut dm_config_tree {
    ffi!("dm_config_from_string", ptr::null_mut(); config_settings: bytes => {
        let cft = create();
        let range = config_settings.as_ptr_range();
        if !cft.is_null() && parse_c("dm_config_from_string", cft, range.start.cast(), range.end.cast(), false, ptr::null()) == 0 {
            destroy(cft);
            return ptr::null_mut();
        }
        cft
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse(cft: *mut dm_config_tree, start: *const c_char, end: *const c_char) -> c_int {
    ffi!("dm_config_parse", 0 => { parse_c("dm_config_parse", cft, start, end, false, ptr::null()) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse_without_dup_node_check(cft: *mut dm_config_tree, start: *const c_char, end: *const c_char) -> c_int {
    ffi!("dm_config_parse_without_dup_node_check", 0 => { parse_c("dm_config_parse_without_dup_node_check", cft, start, end, true, ptr::null()) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parse_only_section(cft: *mut dm_config_tree, start: *const c_char, end: *const c_char, section: *const c_char) -> c_int {
    ffi!("dm_config_parse_only_section", 0 => { parse_c("dm_config_parse_only_section", cft, start, end, true, section) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_custom(cft: *mut dm_config_tree) -> *mut c_void {
    ffi!("dm_config_get_custom", ptr::null_mut(); cft: c_ref => cft.custom)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_set_custom(cft: *mut dm_config_tree, custom: *mut c_void) {
    ffi!("dm_config_set_custom", (); cft: c_mut => cft.custom = custom)
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_insert_cascaded_tree(first_cft: *mut dm_config_tree, second_cft: *mut dm_config_tree) -> *mut dm_config_tree {
    ffi!("dm_config_insert_cascaded_tree", ptr::null_mut(); first_cft: c_mut => {
        first_cft.cascade = second_cft;
        ptr::from_mut(first_cft)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_remove_cascaded_tree(cft: *mut dm_config_tree) -> *mut dm_config_tree {
    ffi!("dm_config_remove_cascaded_tree", ptr::null_mut() => {
        deref_mut(cft).map_or(ptr::null_mut(), |t| std::mem::replace(&mut t.cascade, ptr::null_mut()))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_flatten(cft: *mut dm_config_tree) -> *mut dm_config_tree {
    ffi!("dm_config_flatten", ptr::null_mut() => {
        let res = create();
        let Some(mut b) = deref(res).and_then(|r| CBuilder::of("dm_config_flatten", r)) else { return res };
        let mut bottom_first: Vec<_> = layers(cft).collect();
        bottom_first.reverse();
        let root = find::flatten(&mut b, &bottom_first);
        if let Some(r) = deref_mut(res) {
            r.root = root.unwrap_or(ptr::null_mut());
        }
        res
    })
}

/// Frees a tree with its pool (in which its struct lives).
fn destroy(cft: *mut dm_config_tree) {
    if let Some(t) = c_ref("dm_config_destroy", "cft", cft) {
        pool::destroy(t.mem);
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_destroy(cft: *mut dm_config_tree) {
    ffi!("dm_config_destroy", () => { destroy(cft) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_node(cn: *const dm_config_node, putline: dm_putline_fn, baton: *mut c_void) -> c_int {
    ffi!("dm_config_write_node", 0 => { write_c(cn, false, putline, ptr::null(), baton) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_node_out(cn: *const dm_config_node, out_spec: *const dm_config_node_out_spec, baton: *mut c_void) -> c_int {
    ffi!("dm_config_write_node_out", 0 => { write_c(cn, false, None, out_spec, baton) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_one_node(cn: *const dm_config_node, putline: dm_putline_fn, baton: *mut c_void) -> c_int {
    ffi!("dm_config_write_one_node", 0 => { write_c(cn, true, putline, ptr::null(), baton) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_write_one_node_out(cn: *const dm_config_node, out_spec: *const dm_config_node_out_spec, baton: *mut c_void) -> c_int {
    ffi!("dm_config_write_one_node_out", 0 => { write_c(cn, true, None, out_spec, baton) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_node(cn: *const dm_config_node, path: *const c_char) -> *mut dm_config_node {
    ffi!("dm_config_find_node", ptr::null_mut() => { lookup("dm_config_find_node", cn, path).map_or(ptr::null_mut(), |n| ptr::from_ref(n).cast_mut()) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_has_node(cn: *const dm_config_node, path: *const c_char) -> c_int {
    ffi!("dm_config_has_node", 0 => { lookup("dm_config_has_node", cn, path).is_some() as c_int })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_remove_node(parent: *mut dm_config_node, remove: *mut dm_config_node) -> c_int {
    ffi!("dm_config_remove_node", 0; parent: c_mut => c_int::from(find::remove_child(&mut CBuilder { pool: None }, ptr::from_mut(parent), remove)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_str(cn: *const dm_config_node, path: *const c_char, fail: *const c_char) -> *const c_char {
    ffi!("dm_config_find_str", fail => { str_answer(lookup("dm_config_find_str", cn, path), path, fail, false) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_str_allow_empty(cn: *const dm_config_node, path: *const c_char, fail: *const c_char) -> *const c_char {
    ffi!("dm_config_find_str_allow_empty", fail => { str_answer(lookup("dm_config_find_str_allow_empty", cn, path), path, fail, true) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_int(cn: *const dm_config_node, path: *const c_char, fail: c_int) -> c_int {
    ffi!("dm_config_find_int", fail => { int_value(lookup("dm_config_find_int", cn, path)).map_or(fail, |i| i as c_int) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_int64(cn: *const dm_config_node, path: *const c_char, fail: i64) -> i64 {
    ffi!("dm_config_find_int64", fail => { int_value(lookup("dm_config_find_int64", cn, path)).unwrap_or(fail) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_float(cn: *const dm_config_node, path: *const c_char, fail: f32) -> f32 {
    ffi!("dm_config_find_float", fail => { float_value(lookup("dm_config_find_float", cn, path)).unwrap_or(fail) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_node(cft: *const dm_config_tree, path: *const c_char) -> *const dm_config_node {
    ffi!("dm_config_tree_find_node", ptr::null() => { tree_lookup("dm_config_tree_find_node", cft, path).map_or(ptr::null(), ptr::from_ref) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_str(cft: *const dm_config_tree, path: *const c_char, fail: *const c_char) -> *const c_char {
    ffi!("dm_config_tree_find_str", fail => { str_answer(tree_lookup("dm_config_tree_find_str", cft, path), path, fail, false) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_str_allow_empty(cft: *const dm_config_tree, path: *const c_char, fail: *const c_char) -> *const c_char {
    ffi!("dm_config_tree_find_str_allow_empty", fail => { str_answer(tree_lookup("dm_config_tree_find_str_allow_empty", cft, path), path, fail, true) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_int(cft: *const dm_config_tree, path: *const c_char, fail: c_int) -> c_int {
    ffi!("dm_config_tree_find_int", fail => { int_value(tree_lookup("dm_config_tree_find_int", cft, path)).map_or(fail, |i| i as c_int) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_int64(cft: *const dm_config_tree, path: *const c_char, fail: i64) -> i64 {
    ffi!("dm_config_tree_find_int64", fail => { int_value(tree_lookup("dm_config_tree_find_int64", cft, path)).unwrap_or(fail) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_float(cft: *const dm_config_tree, path: *const c_char, fail: f32) -> f32 {
    ffi!("dm_config_tree_find_float", fail => { float_value(tree_lookup("dm_config_tree_find_float", cft, path)).unwrap_or(fail) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_tree_find_bool(cft: *const dm_config_tree, path: *const c_char, fail: c_int) -> c_int {
    ffi!("dm_config_tree_find_bool", fail => { bool_value(tree_lookup("dm_config_tree_find_bool", cft, path)).map_or(fail, |b| b as c_int) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_find_bool(cn: *const dm_config_node, path: *const c_char, fail: c_int) -> c_int {
    ffi!("dm_config_find_bool", fail => { bool_value(lookup("dm_config_find_bool", cn, path)).map_or(fail, |b| b as c_int) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_is_bool(v: *const dm_config_value) -> c_int {
    ffi!("dm_config_value_is_bool", 0 => { deref(v).is_some_and(crate::config::value_is_bool) as c_int })
}

/// The getters' answer: 1 when `found`, which is stored through `result`
/// (when given).
fn answer<T>(result: arg::Out<T>, found: Option<T>) -> c_int {
    let Some(v) = found else { return 0 };
    result.set(v);
    1
}

/// The integer getters: 1 when the node at `path` holds an integer, which
/// is stored through `result` (when given) cut to its type, as in C.
fn get_int<T>(name: &str, cn: *const dm_config_node, path: *const c_char, result: arg::Out<T>, cut: fn(i64) -> T) -> c_int {
    answer(result, int_value(lookup(name, cn, path)).map(cut))
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_uint32(cn: *const dm_config_node, path: *const c_char, result: *mut u32) -> c_int {
    ffi!("dm_config_get_uint32", 0; result: arg::opt_out => get_int("dm_config_get_uint32", cn, path, result, |i| i as u32))
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_uint64(cn: *const dm_config_node, path: *const c_char, result: *mut u64) -> c_int {
    ffi!("dm_config_get_uint64", 0; result: arg::opt_out => get_int("dm_config_get_uint64", cn, path, result, |i| i as u64))
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_str(cn: *const dm_config_node, path: *const c_char, result: *mut *const c_char) -> c_int {
    ffi!("dm_config_get_str", 0; result: arg::opt_out => answer(result, lookup("dm_config_get_str", cn, path).and_then(NodeView::value).filter(|v| matches!(v.scalar(), Scalar::Str(_))).map(str_ptr)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_list(cn: *const dm_config_node, path: *const c_char, result: *mut *const dm_config_value) -> c_int {
    ffi!("dm_config_get_list", 0; result: arg::opt_out => answer(result, lookup("dm_config_get_list", cn, path).and_then(|n| n.value()).map(ptr::from_ref)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_get_section(cn: *const dm_config_node, path: *const c_char, result: *mut *const dm_config_node) -> c_int {
    ffi!("dm_config_get_section", 0; result: arg::opt_out => answer(result, lookup("dm_config_get_section", cn, path).filter(|n| n.value().is_none()).map(ptr::from_ref)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_maybe_section(str_: *const c_char, len: c_uint) -> c_uint {
    ffi!("dm_config_maybe_section", 0 => {
        arg::slice("dm_config_maybe_section", "str_", str_.cast::<u8>(), len as usize).map_or(0, |t| crate::config::maybe_section(t) as c_uint)
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_parent_name(n: *const dm_config_node) -> *const c_char {
    ffi!("dm_config_parent_name", ptr::null(); n: c_ref => deref(n.parent).map_or(c"(root)".as_ptr(), |p| p.key))
}

/// A copy of `node` (and with `siblings` the nodes after it) in `mem`.
fn clone_with_mem(mem: *mut dm_pool, node: *const dm_config_node, siblings: c_int) -> *mut dm_config_node {
    let Some(src) = deref(node) else {
        crate::log_error!("Cannot clone NULL config node.");
        return ptr::null_mut();
    };
    let Some(pool) = arg::handle_mut("dm_config_clone_node_with_mem", "mem", mem) else { return ptr::null_mut() };
    find::clone_nodes(&mut CBuilder { pool: Some(pool) }, src, siblings != 0).unwrap_or_else(|| {
        crate::log_error!("Failed to clone config node.");
        ptr::null_mut()
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_clone_node_with_mem(mem: *mut dm_pool, node: *const dm_config_node, siblings: c_int) -> *mut dm_config_node {
    ffi!("dm_config_clone_node_with_mem", ptr::null_mut() => { clone_with_mem(mem, node, siblings) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_create_node(cft: *mut dm_config_tree, key: *const c_char) -> *mut dm_config_node {
    ffi!("dm_config_create_node", ptr::null_mut(); cft: c_ref, key: bytes => {
        CBuilder::of("dm_config_create_node", cft).and_then(|mut b| b.new_node(key)).unwrap_or_else(|| {
            crate::log_error!("Failed to create config node.");
            ptr::null_mut()
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_create_value(cft: *mut dm_config_tree) -> *mut dm_config_value {
    ffi!("dm_config_create_value", ptr::null_mut(); cft: c_ref => {
        CBuilder::of("dm_config_create_value", cft).and_then(|mut b| b.new_value(Scalar::Int(0))).unwrap_or(ptr::null_mut())
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_clone_node(cft: *mut dm_config_tree, cn: *const dm_config_node, siblings: c_int) -> *mut dm_config_node {
    ffi!("dm_config_clone_node", ptr::null_mut(); cft: c_ref => clone_with_mem(cft.mem, cn, siblings))
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_set_format_flags(cv: *mut dm_config_value, format_flags: u32) {
    ffi!("dm_config_value_set_format_flags", () => {
        if let Some(cv) = deref_mut(cv) {
            cv.format_flags = format_flags;
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_value_get_format_flags(cv: *mut dm_config_value) -> u32 {
    ffi!("dm_config_value_get_format_flags", 0 => { deref(cv).map_or(0, |cv| cv.format_flags) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_config_memory(cft: *mut dm_config_tree) -> *mut dm_pool {
    ffi!("dm_config_memory", ptr::null_mut(); cft: c_ref => cft.mem)
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
