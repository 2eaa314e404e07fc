//! Arbitrary bytes as a `.leaktrap.yaml`: parsing and validating a config, then building a
//! scanner from a valid one, must never panic, whatever the file holds. Errors are the expected
//! outcome for almost every input; they must name the file.

#![no_main]

use std::path::Path;

use leaktrap::config::Config;
use leaktrap::scan::{ScanOptions, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // `Config::load` reads the file with `read_to_string`: a non-UTF-8 file is an I/O error
    // before the parser sees it.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(Path::new(".leaktrap.yaml"), text) {
        Ok(config) => {
            assert_eq!(config.file.as_deref(), Some(Path::new(".leaktrap.yaml")));
            // What a scan does next with a valid config: build the scanner from its rules (one
            // glob set of every path rule, the keyword automaton) and scan.
            let scanner = Scanner::new(config.rules, ScanOptions::default());
            let _ = scanner.scan_path("src/.env");
            let _ = scanner.scan_content(b"key = \"ghp_0123456789abcdefghijklmnopqrstuvwxyz\"\n", "a.py", None);
        }
        Err(error) => assert_eq!(error.file, ".leaktrap.yaml"),
    }
});
