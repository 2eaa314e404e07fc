//! Arbitrary bytes scanned with the embedded rules, as a file of the work tree (whole blob) and
//! as a staged file (a focus of added lines). Checks what every source relies on: matches lie
//! inside the scanned text, a raw match's secret is its span's bytes, a decoded one names its
//! decoder, kept spans are sorted and disjoint, each match turns into a finding with sane
//! positions, and the keyword prefilter (a switch that must only change speed) changes nothing.

#![no_main]

use std::collections::BTreeSet;
use std::sync::OnceLock;

use leaktrap::finding::BlobText;
use leaktrap::rules::RuleSet;
use leaktrap::scan::{Content, Match, ScanOptions, Scanner};
use leaktrap::origin::{Origin, SourceKind};
use libfuzzer_sys::fuzz_target;

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| build(true))
}

/// The same rules without the keyword prefilter: every rule's regex over the whole text.
fn whole_text_scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| build(false))
}

fn build(prefilter: bool) -> Scanner {
    let rules = RuleSet::embedded().expect("the embedded rules load");
    Scanner::new(
        rules,
        ScanOptions {
            prefilter,
            decode: true,
        },
    )
}

fn check(scanner: &Scanner, text: &[u8], matches: &[Match]) {
    let origin = Origin::new("fuzz.txt".to_string(), SourceKind::Worktree);
    let blob = BlobText::new(text, matches);
    let mut previous: Option<&Match> = None;
    for m in matches {
        assert!(
            m.start <= m.end && m.end <= text.len(),
            "span {}..{} outside a text of {} bytes",
            m.start,
            m.end,
            text.len()
        );
        assert!(m.rule < scanner.rules.rules.len(), "rule index {} out of range", m.rule);
        let rule = &scanner.rules.rules[m.rule];
        assert!(!rule.is_path_rule(), "content scan returned path rule {}", rule.id);
        assert!(m.start < m.end, "empty content match of {}", rule.id);
        assert!(!m.secret.is_empty(), "empty secret from {}", rule.id);
        match m.decoded {
            None => assert_eq!(
                &text[m.start..m.end],
                &m.secret[..],
                "a raw match's secret is not its span ({})",
                rule.id
            ),
            Some(decoder) => assert!(
                matches!(decoder, "base64" | "percent" | "hex" | "escape" | "html"),
                "unknown decoder {decoder:?}"
            ),
        }
        if let Some(p) = previous {
            assert!(
                (p.start, p.rule) <= (m.start, m.rule),
                "matches not sorted: {}..{} then {}..{}",
                p.start,
                p.end,
                m.start,
                m.end
            );
            assert!(
                p.end <= m.start,
                "overlapping matches kept: {} {}..{} and {} {}..{}",
                scanner.rules.rules[p.rule].id,
                p.start,
                p.end,
                rule.id,
                m.start,
                m.end
            );
        }
        previous = Some(m);
        for show in [false, true] {
            let finding = blob.finding(rule, m, &origin, show);
            assert!(finding.line >= 1 && finding.column >= 1);
            assert!(
                (finding.end_line, finding.end_column) >= (finding.line, finding.column),
                "end {}:{} before start {}:{}",
                finding.end_line,
                finding.end_column,
                finding.line,
                finding.column
            );
            // `line_text` is cut to 200 characters plus an ellipsis at either end.
            assert!(finding.line_text.chars().count() <= 202);
        }
        let _ = blob.first_line(m);
    }
}

fn scan(scanner: &Scanner, data: &[u8], focus: Option<&BTreeSet<usize>>) -> Option<Vec<Match>> {
    match scanner.scan_content(data, "fuzz.txt", focus) {
        // A binary file's printable runs are scanned as text: the same checks hold there.
        Ok(Content::Binary { strings, matches, .. }) => {
            check(scanner, &strings.text, &matches);
            Some(matches)
        }
        Ok(Content::Text { text, matches, .. }) => {
            check(scanner, &text, &matches);
            Some(matches)
        }
        Err(message) => panic!("an embedded rule failed to compile: {message}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let scanner = scanner();
    let matches = scan(scanner, data, None);
    // The prefilter is a switch that "must never change results, only speed" (`ScanOptions`).
    let whole = scan(whole_text_scanner(), data, None);
    assert_eq!(matches, whole, "the keyword prefilter changed the matches");
    // A staged file whose change adds lines 1-3, and one whose added lines the input picks.
    let first_three: BTreeSet<usize> = [1, 2, 3].into_iter().collect();
    scan(scanner, data, Some(&first_three));
    let picked: BTreeSet<usize> = data.iter().take(4).map(|&b| usize::from(b % 16) + 1).collect();
    scan(scanner, data, Some(&picked));
});
