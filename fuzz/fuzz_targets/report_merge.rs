//! Arbitrary bytes as a report given to `leaktrap merge` (a JSON array of findings, or JSON
//! lines), through the command itself: `merge`'s reader is private, so the harness runs
//! `app::run` with the `Merge` settings the CLI would build, writing the merged report to
//! /dev/null. The output format is chosen by the input's length so every renderer (text, JSON,
//! JSON lines, SARIF, JUnit, CSV) sees the findings that parse. Errors (exit 2) are expected;
//! panics are not.

#![no_main]

use std::path::PathBuf;

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

#[path = "scratch.rs"]
mod scratch;

fuzz_target!(|data: &[u8]| {
    let path = scratch::scratch("report");
    std::fs::write(path, data).expect("the scratch file can be written");
    let settings = Settings {
        command: Command::Merge {
            reports: vec![path.clone()],
            format: FORMATS[data.len() % FORMATS.len()],
            output: Some(PathBuf::from("/dev/null")),
        },
    };
    let code = app::run(&settings).code();
    assert!(code <= 2, "merge exited {code}");
});
