//! The raid status parser on any bytes: no panic; what it accepts is
//! consistent with the line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    devmapper::log::set_sink(Some(Box::new(|_| {})));
    if let Ok(s) = devmapper::status::raid::parse_bytes(data) {
        assert!(s.dev_health.len() <= data.len());
        assert!(s.raid_type.len() <= data.len());
    }
});
