//! C entry points: list. libdm's circular doubly linked list, on the
//! caller's `struct dm_list` memory: a head whose `n` and `p` point to the
//! first and last element (to itself when empty), elements embedded in the
//! caller's structures. The library owns none of it, so everything here is
//! raw pointer work on C memory. An uninitialised (zeroed) head or element
//! is a logged error where libdm would assert or crash.

use std::ffi::*;
use std::ptr;

use crate::capi::boundary::log_null;
use crate::capi::types::*;

// The links of the caller's list nodes, read and written here only. Trust
// boundary (as `capi::arg`): a `struct dm_list` argument is NULL (checked
// before these are called) or a live node, whose links are NULL or point
// to live nodes, which no other thread uses during the call.

/// A node's next link.
pub(in crate::capi) fn next(l: *const dm_list) -> *mut dm_list {
    // SAFETY: trust boundary above: a live node.
    unsafe { (*l).n }
}

/// A node's previous link.
pub(in crate::capi) fn prev(l: *const dm_list) -> *mut dm_list {
    // SAFETY: trust boundary above: a live node.
    unsafe { (*l).p }
}

/// Sets a node's links (a NULL one is left as it is).
pub(in crate::capi) fn set(l: *mut dm_list, n: Option<*mut dm_list>, p: Option<*mut dm_list>) {
    // SAFETY: trust boundary above: a live node, written by this call only.
    unsafe {
        if let Some(n) = n {
            (*l).n = n;
        }
        if let Some(p) = p {
            (*l).p = p;
        }
    }
}

/// Whether `l` has both links set, logging when it has not.
fn linked(function: &str, what: &str, l: *const dm_list) -> bool {
    let ok = !next(l).is_null() && !prev(l).is_null();
    if !ok {
        crate::log_error!(errno = libc::EINVAL; "{}{function}: {what} is not an initialised list", crate::log::INTERNAL_ERROR);
    }
    ok
}

/// Links `elem` between `p` and `n`.
pub(in crate::capi) fn insert(elem: *mut dm_list, p: *mut dm_list, n: *mut dm_list) {
    set(elem, Some(n), Some(p));
    set(p, Some(elem), None);
    set(n, None, Some(elem));
}

/// Unlinks `elem` from its neighbours.
fn unlink(elem: *mut dm_list) {
    set(next(elem), None, Some(prev(elem)));
    set(prev(elem), Some(next(elem)), None);
}

/// A pointer argument that must not be NULL (refused, logged as
/// `function: argument must not be NULL`), kept raw: list nodes and hash
/// nodes are C memory that other pointers alias.
pub(in crate::capi) fn node<T>(function: &str, argument: &str, p: *const T) -> Option<*mut T> {
    if p.is_null() {
        log_null(function, argument);
        return None;
    }
    Some(p.cast_mut())
}

/// `elem` when it is not `head` (the end of a walk), else NULL.
fn unless_head(elem: *mut dm_list, head: *const dm_list) -> *mut dm_list {
    if ptr::eq(elem, head) { ptr::null_mut() } else { elem }
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_init(head: *mut dm_list) {
    ffi!("dm_list_init", (); head: node => set(head, Some(head), Some(head)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_add(head: *mut dm_list, elem: *mut dm_list) {
    ffi!("dm_list_add", (); head: node, elem: node => if linked("dm_list_add", "head", head) {
        insert(elem, prev(head), head);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_add_h(head: *mut dm_list, elem: *mut dm_list) {
    ffi!("dm_list_add_h", (); head: node, elem: node => if linked("dm_list_add_h", "head", head) {
        insert(elem, head, next(head));
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_del(elem: *mut dm_list) {
    ffi!("dm_list_del", (); elem: node => if linked("dm_list_del", "elem", elem) {
        unlink(elem);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_move(head: *mut dm_list, elem: *mut dm_list) {
    ffi!("dm_list_move", (); head: node, elem: node => if linked("dm_list_move", "elem", elem) && linked("dm_list_move", "head", head) {
        unlink(elem);
        insert(elem, prev(head), head);
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_splice(head: *mut dm_list, head1: *mut dm_list) {
    ffi!("dm_list_splice", (); head: node, head1: node => {
        if !linked("dm_list_splice", "head", head) || !linked("dm_list_splice", "head1", head1) || next(head1) == head1 {
            return;
        }
        // head1's elements go, in order, after head's last element.
        let (first, last) = (next(head1), prev(head1));
        set(last, Some(head), None);
        set(first, None, Some(prev(head)));
        set(prev(head), Some(first), None);
        set(head, None, Some(last));
        set(head1, Some(head1), Some(head1));
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_empty(head: *const dm_list) -> c_int {
    ffi!("dm_list_empty", 0; head: node => c_int::from(ptr::eq(next(head), head)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_start(head: *const dm_list, elem: *const dm_list) -> c_int {
    ffi!("dm_list_start", 0; head: node, elem: node => c_int::from(ptr::eq(prev(elem), head)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_end(head: *const dm_list, elem: *const dm_list) -> c_int {
    ffi!("dm_list_end", 0; head: node, elem: node => c_int::from(ptr::eq(next(elem), head)))
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_first(head: *const dm_list) -> *mut dm_list {
    ffi!("dm_list_first", ptr::null_mut(); head: node => unless_head(next(head), head))
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_last(head: *const dm_list) -> *mut dm_list {
    ffi!("dm_list_last", ptr::null_mut(); head: node => if ptr::eq(next(head), head) { ptr::null_mut() } else { prev(head) })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_prev(head: *const dm_list, elem: *const dm_list) -> *mut dm_list {
    ffi!("dm_list_prev", ptr::null_mut(); head: node, elem: node => unless_head(prev(elem), head))
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_next(head: *const dm_list, elem: *const dm_list) -> *mut dm_list {
    ffi!("dm_list_next", ptr::null_mut(); head: node, elem: node => unless_head(next(elem), head))
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_size(head: *const dm_list) -> c_uint {
    ffi!("dm_list_size", 0; head: node => {
        // A NULL link (a broken list) ends the walk.
        let mut size: c_uint = 0;
        let mut v = next(head);
        while !v.is_null() && !ptr::eq(v, head) {
            size = size.wrapping_add(1);
            v = next(v);
        }
        size
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> Box<dm_list> {
        Box::new(dm_list { n: ptr::null_mut(), p: ptr::null_mut() })
    }

    /// The elements of a list, as indices into `elems`, walking forwards.
    unsafe fn order(head: *mut dm_list, elems: &[*mut dm_list]) -> Vec<usize> {
        let mut out = Vec::new();
        // SAFETY: test lists are well formed.
        let mut v = unsafe { dm_list_first(head) };
        while !v.is_null() {
            out.push(elems.iter().position(|&e| e == v).unwrap());
            // SAFETY: as above.
            v = unsafe { dm_list_next(head, v) };
        }
        out
    }

    #[test]
    fn add_del_move_splice_and_walks() {
        let mut h = node();
        let mut h1 = node();
        let mut nodes: Vec<Box<dm_list>> = (0..5).map(|_| node()).collect();
        let e: Vec<*mut dm_list> = nodes.iter_mut().map(|b| &mut **b as *mut dm_list).collect();
        let (head, head1) = (&mut *h as *mut dm_list, &mut *h1 as *mut dm_list);
        // SAFETY: all nodes are boxed and outlive the test.
        unsafe {
            dm_list_init(head);
            dm_list_init(head1);
            assert_eq!(dm_list_empty(head), 1);
            assert!(dm_list_first(head).is_null() && dm_list_last(head).is_null());
            dm_list_add(head, e[0]);
            dm_list_add(head, e[1]);
            dm_list_add_h(head, e[2]);
            assert_eq!(order(head, &e), vec![2, 0, 1]);
            assert_eq!(dm_list_size(head), 3);
            assert_eq!(dm_list_first(head), e[2]);
            assert_eq!(dm_list_last(head), e[1]);
            assert_eq!(dm_list_start(head, e[2]), 1);
            assert_eq!(dm_list_end(head, e[1]), 1);
            assert_eq!(dm_list_end(head, e[0]), 0);
            assert!(dm_list_prev(head, e[2]).is_null());
            assert_eq!(dm_list_prev(head, e[0]), e[2]);
            assert!(dm_list_next(head, e[1]).is_null());
            dm_list_del(e[0]);
            assert_eq!(order(head, &e), vec![2, 1]);
            dm_list_add(head1, e[3]);
            dm_list_add(head1, e[4]);
            dm_list_move(head1, e[2]);
            assert_eq!(order(head1, &e), vec![3, 4, 2]);
            dm_list_splice(head, head1);
            assert_eq!(order(head, &e), vec![1, 3, 4, 2]);
            assert_eq!(dm_list_empty(head1), 1);
            assert_eq!(dm_list_empty(head), 0);
            dm_list_splice(head, head1);
            assert_eq!(dm_list_size(head), 4);
        }
    }

    #[test]
    fn null_and_uninitialised_lists_are_refused() {
        let mut h = node();
        let mut e = node();
        let (head, elem) = (&mut *h as *mut dm_list, &mut *e as *mut dm_list);
        // SAFETY: NULLs and zeroed nodes are exactly what is being tested.
        unsafe {
            dm_list_init(ptr::null_mut());
            dm_list_add(head, elem);
            assert!(h.n.is_null(), "a zeroed head is not linked into");
            dm_list_add(ptr::null_mut(), elem);
            dm_list_del(elem);
            dm_list_splice(head, ptr::null_mut());
            assert_eq!(dm_list_size(head), 0);
            assert_eq!(dm_list_size(ptr::null()), 0);
            assert_eq!(dm_list_empty(ptr::null()), 0);
            assert!(dm_list_first(ptr::null()).is_null());
            assert!(dm_list_next(head, ptr::null()).is_null());
        }
    }
}
