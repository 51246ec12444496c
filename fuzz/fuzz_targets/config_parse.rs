//! Config parsing on arbitrary bytes: the Rust tree and the C-ABI tree
//! (pool-allocated C structs) must both parse or both fail, write the same
//! text, and answer a lookup of every node's path with that node; nothing
//! may panic or crash. The other parse modes run too.
#![no_main]

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::sync::Once;

use devmapper::capi::config::*;
use devmapper::capi::types::dm_config_node;
use devmapper::config::{ConfigTree, ParseOptions};
use libfuzzer_sys::fuzz_target;

unsafe extern "C" fn collect(line: *const c_char, baton: *mut c_void) -> c_int {
    let out = unsafe { &mut *(baton as *mut Vec<u8>) };
    out.extend_from_slice(unsafe { CStr::from_ptr(line) }.to_bytes());
    out.push(b'\n');
    1
}

/// Looks every node up by its path (when no key holds a '/').
unsafe fn check_paths(root: *const dm_config_node, first: *const dm_config_node, prefix: &[u8]) {
    let mut n = first;
    while !n.is_null() {
        let key = unsafe { CStr::from_ptr((*n).key) }.to_bytes();
        let mut path = prefix.to_vec();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(key);
        if !key.is_empty() && !key.contains(&b'/') {
            let c = CString::new(path.clone()).unwrap();
            let found = unsafe { dm_config_find_node(root, c.as_ptr()) };
            assert!(!found.is_null());
            unsafe { dm_config_find_str(root, c.as_ptr(), std::ptr::null()) };
            unsafe { dm_config_find_bool(root, c.as_ptr(), 0) };
            unsafe { check_paths(root, (*n).child, &path) };
        }
        n = unsafe { (*n).sib };
    }
}

fuzz_target!(|data: &[u8]| {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| devmapper::log::set_sink(Some(Box::new(|_| {}))));

    let rust = ConfigTree::parse(data);
    unsafe {
        let cft = dm_config_create();
        let start = data.as_ptr() as *const c_char;
        let ok = dm_config_parse(cft, start, start.add(data.len()));
        assert_eq!(ok == 1, rust.is_ok());
        if let Ok(tree) = &rust {
            let mut text = Vec::new();
            let root = (*cft).root;
            dm_config_write_node(root, Some(collect), &mut text as *mut Vec<u8> as *mut c_void);
            assert_eq!(text, tree.to_text());
            check_paths(root, root, b"");
            let clone = dm_config_clone_node(cft, root, 1);
            let mut again = Vec::new();
            dm_config_write_node(clone, Some(collect), &mut again as *mut Vec<u8> as *mut c_void);
        }
        dm_config_destroy(cft);
    }
    let no_dup = ParseOptions { no_dup_node_check: true, ..Default::default() };
    if let Ok(t) = ConfigTree::parse_with(data, no_dup) {
        t.to_text();
    }
    let only = ParseOptions { no_dup_node_check: true, stop_after_section: Some(b"physical_volumes") };
    if let Ok(t) = ConfigTree::parse_with(data, only) {
        t.to_text();
    }
});
