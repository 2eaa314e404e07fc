//! Arbitrary bytes as a baseline file (`--baseline FILE`), read with `BaselineFile::load`:
//! anything but a valid baseline is an error, never a panic, and a baseline that loads writes
//! back to JSON that loads to the same value.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use leaktrap::baseline::BaselineFile;
use libfuzzer_sys::fuzz_target;

/// One scratch file per fuzzing process, rewritten for every input; in memory (/dev/shm) where
/// there is one, since rewriting a file on disk thousands of times a second is slower than the
/// code under test.
fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        dir.join(format!("leaktrap-fuzz-baseline-{}.json", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    std::fs::write(path, data).expect("the scratch file can be written");
    if let Ok(baseline) = BaselineFile::load(path) {
        let _ = baseline.fingerprint_set();
        std::fs::write(path, baseline.to_json()).expect("the scratch file can be written");
        let again = BaselineFile::load(path).expect("a written baseline loads");
        assert_eq!(again, baseline, "a baseline changed through to_json and load");
    }
});
