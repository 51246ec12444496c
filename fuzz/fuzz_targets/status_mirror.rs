//! The mirror status parser on any bytes: no panic; an accepted line has
//! at most 8 legs and a log type.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    devmapper::log::set_sink(Some(Box::new(|_| {})));
    if let Ok(s) = devmapper::status::mirror::parse_bytes(data) {
        assert!(s.devs.len() <= 8);
        assert!(s.logs.len() <= data.len());
    }
});
