//! The cache status parser on any bytes: no panic, no argument vector
//! larger than the line could hold.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    devmapper::log::set_sink(Some(Box::new(|_| {})));
    if let Ok(s) = devmapper::status::cache::parse_bytes(data) {
        assert!(s.core_argv.len() <= data.len());
        assert!(s.policy_argv.len() <= data.len());
    }
});
