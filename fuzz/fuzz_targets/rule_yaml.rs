//! Arbitrary bytes as a rule file (`rules/*.yaml`, or the `rules:` of a config): parsed the way
//! build.rs and `RuleSet::embedded` read the embedded pack (YAML to JSON, then `RuleFileSyntax`)
//! and the way a config reads its rules (YAML straight into the syntax), compiled as a user's
//! rule (`Trust::User`, validated eagerly), and every rule that compiles is run through a
//! `Scanner` over fixed texts and over its own examples. Nothing may panic.

#![no_main]

use leaktrap::rules::{RuleFileSyntax, RuleSet, RuleSyntax, Trust, compile_rule};
use leaktrap::scan::{Content, ScanOptions, Scanner};
use libfuzzer_sys::fuzz_target;

const TEXTS: &[&[u8]] = &[
    b"",
    b"token = \"abcd_0123456789abcdefghijklmnopqrstuv\"\n",
    b"password: hunter2-correct-horse\r\nexport API_KEY=ZXhhbXBsZS1zZWNyZXQtdmFsdWU=\n",
    b"url = postgres://admin:s3cr3t-pw@db.internal:5432/app\n", // leaktrap:allow (made up)
    b"%41%42%43 \xff\xfe broken utf-8 \xc3\n",
    b"\xff\xfek\x00e\x00y\x00=\x00v\x00a\x00l\x00u\x00e\x00\n\x00",
];

/// The embedded pack's path: YAML to a JSON value (build.rs), JSON text to the syntax.
fn via_json(text: &str) -> Option<RuleFileSyntax> {
    let value: serde_json::Value = serde_yaml_ng::from_str(text).ok()?;
    let json = serde_json::to_string(&value).ok()?;
    serde_json::from_str(&json).ok()
}

/// Compiles up to 8 rules as a user's; returns those that compiled and their examples' texts.
fn compile(rules: &[RuleSyntax]) -> (RuleSet, Vec<String>) {
    let mut set = RuleSet::default();
    let mut examples: Vec<String> = Vec::new();
    for syntax in rules.iter().take(8) {
        if let Ok(rule) = compile_rule(syntax.clone(), "rules/fuzz.yaml", Trust::User) {
            examples.extend(rule.examples.iter().map(|e| e.text().to_string()));
            examples.extend(rule.negative_examples.iter().cloned());
            let _ = set.add(rule);
        }
    }
    (set, examples)
}

fn exercise(rules: &[RuleSyntax]) {
    // With the keyword prefilter (windows around keywords) and without (whole text).
    for prefilter in [true, false] {
        let (set, examples) = compile(rules);
        if set.rules.is_empty() {
            return;
        }
        let scanner = Scanner::new(
            set,
            ScanOptions {
                prefilter,
                decode: true,
            },
        );
        let _ = scanner.scan_path("config/credentials.json");
        for path in scanner.rules.rules.iter().flat_map(|r| r.path_examples.iter()) {
            let _ = scanner.scan_path(path);
        }
        for text in TEXTS.iter().copied().chain(examples.iter().map(|e| e.as_bytes())) {
            if let Ok(Content::Text { text, matches, .. }) = scanner.scan_content(text, "fuzz.txt", None) {
                for m in &matches {
                    assert!(m.start <= m.end && m.end <= text.len());
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(file) = via_json(text) {
        exercise(&file.rules);
    }
    if let Ok(file) = serde_yaml_ng::from_str::<RuleFileSyntax>(text) {
        exercise(&file.rules);
    }
});
