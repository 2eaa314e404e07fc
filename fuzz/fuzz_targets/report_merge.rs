//! Arbitrary bytes as a report given to `leaktrap merge` (a JSON array of findings, or JSON
//! lines), through the command itself: `merge`'s reader is private, so the harness runs
//! `app::run` with the `Merge` settings the CLI would build, writing the merged report to
//! /dev/null. The output format is chosen by the input's length so every renderer (text, JSON,
//! JSON lines, SARIF, JUnit, CSV) sees the findings that parse. Errors (exit 2) are expected;
//! panics are not.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use leaktrap::app;
use leaktrap::report::Format;
use leaktrap::settings::{Command, Settings};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 6] = [
    Format::Json,
    Format::Sarif,
    Format::Jsonl,
    Format::Text,
    Format::Junit,
    Format::Csv,
];

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
        dir.join(format!("leaktrap-fuzz-report-{}.json", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    std::fs::write(path, data).expect("the scratch file can be written");
    let settings = Settings {
        command: Command::Merge {
            reports: vec![path.clone()],
            format: FORMATS[data.len() % FORMATS.len()],
            output: Some(PathBuf::from("/dev/null")),
        },
    };
    let code = app::run(&settings);
    assert!(code <= 2, "merge exited {code}");
});
