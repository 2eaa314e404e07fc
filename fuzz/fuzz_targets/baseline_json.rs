//! Arbitrary bytes as a baseline file (`--baseline FILE`), read with `BaselineFile::load`:
//! anything but a valid baseline is an error, never a panic, and a baseline that loads writes
//! back to JSON that loads to the same value.

#![no_main]

use leaktrap::baseline::BaselineFile;
use libfuzzer_sys::fuzz_target;

#[path = "scratch.rs"]
mod scratch;

fuzz_target!(|data: &[u8]| {
    let path = scratch::scratch("baseline");
    std::fs::write(path, data).expect("the scratch file can be written");
    if let Ok(baseline) = BaselineFile::load(path) {
        let _ = baseline.fingerprint_set();
        std::fs::write(path, baseline.to_json()).expect("the scratch file can be written");
        let again = BaselineFile::load(path).expect("a written baseline loads");
        assert_eq!(again, baseline, "a baseline changed through to_json and load");
    }
});
