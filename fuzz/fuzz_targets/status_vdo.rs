//! The VDO status and stats parsers on any bytes (the first byte picks
//! one): no panic, labels and values within their C buffers.
#![no_main]
use devmapper::status::vdo;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    devmapper::log::set_sink(Some(Box::new(|_| {})));
    let Some((&which, text)) = data.split_first() else { return };
    if which % 2 == 0 {
        if let Err(e) = vdo::parse_status(text) {
            assert!(e.to_string().len() < 256);
        }
    } else {
        let stats = vdo::parse_stats(text, true);
        assert!(stats.fields.len() <= vdo::MAX_STATS);
        for (label, value) in &stats.fields {
            assert!(label.len() < 64 && value.len() < 64);
        }
    }
});
