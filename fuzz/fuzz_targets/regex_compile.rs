//! dm_regex: any bytes as newline-separated patterns; compiled patterns
//! are matched against a few strings and fingerprinted.
#![no_main]
use devmapper::regex::Regex;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    devmapper::log::set_sink(Some(Box::new(|_| {})));
    let patterns: Vec<&[u8]> = data.split(|&b| b == b'\n').take(16).collect();
    if let Ok(mut re) = Regex::new(&patterns) {
        for s in [&b""[..], b"a", b"/dev/sda1", b"abcabcabc", b"\x01\xff\x80"] {
            if let Some(i) = re.matches(s) {
                assert!(i < patterns.len());
            }
        }
        let _ = re.fingerprint();
        let _ = re.matches(data);
    }
});
