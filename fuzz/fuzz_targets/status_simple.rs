//! The snapshot, thin-pool, thin, writecache and integrity parsers on any
//! bytes (the first byte picks the parser): no panic.
#![no_main]
use devmapper::status;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    devmapper::log::set_sink(Some(Box::new(|_| {})));
    let Some((&which, line)) = data.split_first() else { return };
    match which % 5 {
        0 => drop(status::snapshot::parse_bytes(line)),
        1 => drop(status::thin::parse_pool_bytes(line)),
        2 => drop(status::thin::parse_thin_bytes(line)),
        3 => drop(status::writecache::parse_bytes(line)),
        _ => drop(status::integrity::parse_bytes(line)),
    }
});
