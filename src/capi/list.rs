//! C entry points: list. libdm's circular doubly linked list, on the
//! caller's `struct dm_list` memory: a head whose `n` and `p` point to the
//! first and last element (to itself when empty), elements embedded in the
//! caller's structures. The library owns none of it, so everything here is
//! raw pointer work on C memory. An uninitialised (zeroed) head or element
//! is a logged error where libdm would assert or crash.

use std::ffi::*;
use std::ptr;

use crate::capi::types::*;

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

/// Whether `l` has both links set, logging when it has not.
///
/// # Safety
/// `l` points to a readable `struct dm_list`.
unsafe fn linked(function: &str, what: &str, l: *const dm_list) -> bool {
    // SAFETY: readable, per this function's contract.
    let ok = unsafe { !(*l).n.is_null() && !(*l).p.is_null() };
    if !ok {
        crate::log_error!(errno = libc::EINVAL; "{}{function}: {what} is not an initialised list", crate::log::INTERNAL_ERROR);
    }
    ok
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_init(head: *mut dm_list) {
    ffi!("dm_list_init", () => {
        require_void!("dm_list_init", head);
        // SAFETY: a writable list head, per the caller's contract.
        unsafe {
            (*head).n = head;
            (*head).p = head;
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_add(head: *mut dm_list, elem: *mut dm_list) {
    ffi!("dm_list_add", () => {
        require_void!("dm_list_add", head);
        require_void!("dm_list_add", elem);
        // SAFETY: a list head and a writable element, per the caller's
        // contract; head's links point to live list nodes.
        unsafe {
            if !linked("dm_list_add", "head", head) {
                return;
            }
            (*elem).n = head;
            (*elem).p = (*head).p;
            (*(*head).p).n = elem;
            (*head).p = elem;
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_add_h(head: *mut dm_list, elem: *mut dm_list) {
    ffi!("dm_list_add_h", () => {
        require_void!("dm_list_add_h", head);
        require_void!("dm_list_add_h", elem);
        // SAFETY: as in dm_list_add.
        unsafe {
            if !linked("dm_list_add_h", "head", head) {
                return;
            }
            (*elem).n = (*head).n;
            (*elem).p = head;
            (*(*head).n).p = elem;
            (*head).n = elem;
        }
    })
}

/// Unlinks `elem` from its neighbours.
///
/// # Safety
/// `elem` is a linked list element whose neighbours are live.
unsafe fn unlink(elem: *mut dm_list) {
    // SAFETY: per this function's contract.
    unsafe {
        (*(*elem).n).p = (*elem).p;
        (*(*elem).p).n = (*elem).n;
    }
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_del(elem: *mut dm_list) {
    ffi!("dm_list_del", () => {
        require_void!("dm_list_del", elem);
        // SAFETY: an element of a list, per the caller's contract.
        unsafe {
            if linked("dm_list_del", "elem", elem) {
                unlink(elem);
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_move(head: *mut dm_list, elem: *mut dm_list) {
    ffi!("dm_list_move", () => {
        require_void!("dm_list_move", head);
        require_void!("dm_list_move", elem);
        // SAFETY: an element of a list and a list head, per the caller's
        // contract.
        unsafe {
            if !linked("dm_list_move", "elem", elem) || !linked("dm_list_move", "head", head) {
                return;
            }
            unlink(elem);
            dm_list_add(head, elem);
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_splice(head: *mut dm_list, head1: *mut dm_list) {
    ffi!("dm_list_splice", () => {
        require_void!("dm_list_splice", head);
        require_void!("dm_list_splice", head1);
        // SAFETY: two list heads, per the caller's contract.
        unsafe {
            if !linked("dm_list_splice", "head", head) || !linked("dm_list_splice", "head1", head1) {
                return;
            }
            if (*head1).n == head1 {
                return;
            }
            // head1's elements go, in order, after head's last element.
            let first = (*head1).n;
            let last = (*head1).p;
            (*last).n = head;
            (*first).p = (*head).p;
            (*(*head).p).n = first;
            (*head).p = last;
            (*head1).n = head1;
            (*head1).p = head1;
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_empty(head: *const dm_list) -> c_int {
    ffi!("dm_list_empty", 0 => {
        require!("dm_list_empty", head, 0);
        // SAFETY: a readable list head, per the caller's contract.
        c_int::from(ptr::eq(unsafe { (*head).n }, head))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_start(head: *const dm_list, elem: *const dm_list) -> c_int {
    ffi!("dm_list_start", 0 => {
        require!("dm_list_start", head, 0);
        require!("dm_list_start", elem, 0);
        // SAFETY: a readable element, per the caller's contract.
        c_int::from(ptr::eq(unsafe { (*elem).p }, head))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_end(head: *const dm_list, elem: *const dm_list) -> c_int {
    ffi!("dm_list_end", 0 => {
        require!("dm_list_end", head, 0);
        require!("dm_list_end", elem, 0);
        // SAFETY: a readable element, per the caller's contract.
        c_int::from(ptr::eq(unsafe { (*elem).n }, head))
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_first(head: *const dm_list) -> *mut dm_list {
    ffi!("dm_list_first", ptr::null_mut() => {
        require!("dm_list_first", head, ptr::null_mut());
        // SAFETY: a readable list head, per the caller's contract.
        let n = unsafe { (*head).n };
        if ptr::eq(n, head) { ptr::null_mut() } else { n }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_last(head: *const dm_list) -> *mut dm_list {
    ffi!("dm_list_last", ptr::null_mut() => {
        require!("dm_list_last", head, ptr::null_mut());
        // SAFETY: a readable list head, per the caller's contract.
        let (n, p) = unsafe { ((*head).n, (*head).p) };
        if ptr::eq(n, head) { ptr::null_mut() } else { p }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_prev(head: *const dm_list, elem: *const dm_list) -> *mut dm_list {
    ffi!("dm_list_prev", ptr::null_mut() => {
        require!("dm_list_prev", head, ptr::null_mut());
        require!("dm_list_prev", elem, ptr::null_mut());
        // SAFETY: a readable element, per the caller's contract.
        let p = unsafe { (*elem).p };
        if ptr::eq(p, head) { ptr::null_mut() } else { p }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_next(head: *const dm_list, elem: *const dm_list) -> *mut dm_list {
    ffi!("dm_list_next", ptr::null_mut() => {
        require!("dm_list_next", head, ptr::null_mut());
        require!("dm_list_next", elem, ptr::null_mut());
        // SAFETY: a readable element, per the caller's contract.
        let n = unsafe { (*elem).n };
        if ptr::eq(n, head) { ptr::null_mut() } else { n }
    })
}

#[no_mangle]
pub unsafe extern "C" fn dm_list_size(head: *const dm_list) -> c_uint {
    ffi!("dm_list_size", 0 => {
        require!("dm_list_size", head, 0);
        let mut size: c_uint = 0;
        // SAFETY: a list head whose elements are live, per the caller's
        // contract; a NULL link (a broken list) ends the walk.
        let mut v = unsafe { (*head).n } as *const dm_list;
        while !v.is_null() && v != head {
            size = size.wrapping_add(1);
            // SAFETY: as above.
            v = unsafe { (*v).n };
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
