//! Property tests of the scanner through the library, the same code the binary runs for
//! `scan --stdin` (`Pipeline::findings_in` with the embedded rules):
//!
//! - a provider token embedded anywhere in filler text, with any line endings, is found once, at
//!   the right 1-based line and column. Columns count Unicode code points (README, "Output"),
//!   `end_column` is exclusive, and a line ends at `\n` (a `\r` before it is not part of the
//!   line); a lone `\r` is not a line break (`finding::LineIndex`), so it counts as a column;
//! - arbitrary bytes never make a scan panic, and every match and finding lies inside the text.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::common::tokens;
use leaktrap::filter::Filter;
use leaktrap::finding::BlobText;
use leaktrap::origin::{Origin, SourceKind};
use leaktrap::pipeline::{Pipeline, PipelineOptions};
use leaktrap::rules::RuleSet;
use leaktrap::scan::{Content, ScanOptions, Scanner};
use proptest::prelude::*;
use proptest::sample::select;

/// What `leaktrap scan --stdin --show-secrets` runs: the embedded rules, inline allows honoured.
fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let scanner = Scanner::new(
            RuleSet::embedded().expect("the embedded rules load"),
            ScanOptions::default(),
        );
        let filter = Filter {
            inline_allow: true,
            ..Filter::default()
        };
        Pipeline::new(
            scanner,
            filter,
            PipelineOptions {
                show_secrets: true,
                max_file_size: None,
                verbose: false,
                archives: leaktrap::archive::Limits::default(),
            },
        )
    })
}

fn stdin() -> Origin {
    Origin::new("-".to_string(), SourceKind::Stdin)
}

/// Filler words: lower-case, some beyond ASCII, none containing a rule keyword, so filler alone
/// is never a finding (checked by `filler_alone_is_never_a_finding`).
const WORDS: &[&str] = &[
    "lorem",
    "ipsum",
    "dolor",
    "amet",
    "river",
    "stone",
    "green",
    "quiet",
    "paper",
    "lamp",
    "noon",
    "tree",
    "café",
    "über",
    "naïve",
    "mañana",
    "日本語",
    "σοφία",
    "ärger",
    "🦀",
];
/// Between filler words on one line; `\r` alone is not a line break.
const INLINE_SEPARATORS: &[&str] = &[" ", "  ", "\t", ", ", ". ", "; ", "! ", "? ", " - ", "\r"];
const LINE_BREAKS: &[&str] = &["\n", "\r\n"];
/// Delimiters the provider rules accept around a token.
const BEFORE: &[&str] = &[" ", "\t", "\"", "'", "(", "[", "<", "=", ": ", ",", "`", "\r"];
const AFTER: &[&str] = &[" ", "\t", "\"", "'", ")", "]", ">", ",", ";", ".", "`", "\r"];

/// Which token is planted, with the rule that must report it.
#[derive(Debug, Clone, Copy)]
enum Kind {
    GithubPat,
    StripeLive,
    AwsKeyId,
}

impl Kind {
    fn token(self, seed: u64) -> String {
        match self {
            Kind::GithubPat => tokens::github_pat(seed),
            Kind::StripeLive => tokens::stripe_live(seed),
            Kind::AwsKeyId => tokens::aws_key_id(seed),
        }
    }

    fn rule_id(self) -> &'static str {
        match self {
            Kind::GithubPat => "github-pat",
            Kind::StripeLive => "stripe-live-secret-key",
            Kind::AwsKeyId => "aws-access-key-id",
        }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::GithubPat), Just(Kind::StripeLive), Just(Kind::AwsKeyId)]
}

/// Filler on one line: words and in-line separators, possibly empty.
fn filler() -> impl Strategy<Value = String> {
    proptest::collection::vec((select(WORDS), select(INLINE_SEPARATORS)), 0..6).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(word, separator)| format!("{word}{separator}"))
            .collect()
    })
}

/// Whole lines of filler, each with its line break.
fn lines() -> impl Strategy<Value = String> {
    proptest::collection::vec((filler(), select(LINE_BREAKS)), 0..5)
        .prop_map(|lines| lines.into_iter().map(|(line, end)| format!("{line}{end}")).collect())
}

/// A text holding one token, and where it is: (text, token, byte offset).
#[derive(Debug, Clone)]
struct Planted {
    text: String,
    token: String,
    kind: Kind,
    offset: usize,
}

fn planted() -> impl Strategy<Value = Planted> {
    (
        (kind(), any::<u64>()),
        lines(),
        (filler(), select(BEFORE), any::<bool>()),
        (select(AFTER), filler(), any::<bool>()),
        (proptest::option::of(select(LINE_BREAKS)), lines()),
    )
        .prop_map(
            |((kind, seed), above, (prefix, before, line_start), (after, suffix, line_end), (end, below))| {
                let token = kind.token(seed);
                // At the start of a line the line break is the delimiter; elsewhere one is needed.
                let (prefix, before) = if line_start {
                    (String::new(), "")
                } else {
                    (prefix, before)
                };
                let (after, suffix) = if line_end { ("", String::new()) } else { (after, suffix) };
                let head = format!("{above}{prefix}{before}");
                let mut text = format!("{head}{token}{after}{suffix}");
                if let Some(end) = end {
                    text.push_str(end);
                    text.push_str(&below);
                }
                Planted {
                    offset: head.len(),
                    text,
                    token,
                    kind,
                }
            },
        )
}

/// 1-based line and column of a byte offset, as the README defines them: lines end at `\n`,
/// columns count code points.
fn expected_position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_embedded_token_is_found_at_its_line_and_column(planted in planted()) {
        let Planted { text, token, kind, offset } = &planted;
        let found = pipeline().findings_in(text.as_bytes(), &stdin(), None);
        prop_assert_eq!(found.len(), 1, "exactly the planted token is found: {:#?}", found);
        let finding = &found[0];
        prop_assert_eq!(finding.rule_id.as_str(), kind.rule_id());
        prop_assert_eq!(&finding.secret, token);
        let (line, column) = expected_position(text, *offset);
        prop_assert_eq!((finding.line, finding.column), (line, column), "start of {:?}", finding);
        prop_assert_eq!(
            (finding.end_line, finding.end_column),
            (line, column + token.chars().count()),
            "end (exclusive) of {:?}",
            finding
        );
        prop_assert!(finding.line_text.contains(token.as_str()), "line_text {:?}", finding.line_text);
    }
}

/// Bytes that are mostly text (a NUL in the first 8 KiB makes a blob binary, unscanned), with
/// line breaks, invalid UTF-8 and sometimes a token; now and then a UTF-16 byte-order mark, or
/// bytes of any value.
fn blob() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => 0x20u8..0x7f,
        2 => 1u8..=255,
        1 => Just(b'\n'),
        1 => Just(b'\r'),
        1 => Just(b'\t'),
    ];
    let body = prop_oneof![
        8 => proptest::collection::vec(byte, 0..1500),
        1 => proptest::collection::vec(any::<u8>(), 0..1500),
    ];
    (
        body,
        proptest::option::of((kind(), any::<u64>(), any::<prop::sample::Index>())),
        prop_oneof![8 => Just(Vec::new()), 1 => Just(vec![0xFFu8, 0xFE]), 1 => Just(vec![0xFEu8, 0xFF])],
    )
        .prop_map(|(mut body, planted, bom)| {
            if let Some((kind, seed, at)) = planted {
                let at = at.index(body.len() + 1);
                body.splice(at..at, kind.token(seed).bytes());
            }
            let mut bytes = bom;
            bytes.extend(body);
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_and_matches_lie_inside_the_text(bytes in blob()) {
        let pipeline = pipeline();
        let scanner = &pipeline.scanner;
        let origin = stdin();
        let focus: BTreeSet<usize> = [1, 2, 3].into_iter().collect();
        for focus in [None, Some(&focus)] {
            let content = scanner.scan_content(&bytes, "-", focus);
            let Ok(Content::Text { text, matches, .. }) = content else {
                prop_assert!(content.is_ok(), "an embedded rule failed");
                continue;
            };
            let blob = BlobText::new(&text, &matches);
            for m in &matches {
                prop_assert!(m.start < m.end && m.end <= text.len(), "span {}..{} of {}", m.start, m.end, text.len());
                if m.decoded.is_none() {
                    prop_assert_eq!(&text[m.start..m.end], &m.secret[..]);
                }
                let finding = blob.finding(&scanner.rules.rules[m.rule], m, &origin, true);
                let line_start = text[..m.start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                prop_assert_eq!(finding.line, text[..m.start].iter().filter(|&&b| b == b'\n').count() + 1);
                if let Ok(prefix) = std::str::from_utf8(&text[line_start..m.start]) {
                    prop_assert_eq!(finding.column, prefix.chars().count() + 1);
                }
                prop_assert!(finding.end_line >= finding.line);
                prop_assert!(finding.end_line <= text.iter().filter(|&&b| b == b'\n').count() + 1);
            }
        }
        // The whole path: filter and findings.
        for finding in pipeline.findings_in(&bytes, &origin, None) {
            match finding.offset {
                // A binary blob's finding has no line, only a byte offset inside the blob.
                Some(offset) => prop_assert!(finding.line == 0 && (offset as usize) < bytes.len()),
                None => {
                    prop_assert!(finding.line >= 1 && finding.column >= 1);
                    prop_assert!((finding.end_line, finding.end_column) >= (finding.line, finding.column));
                }
            }
        }
    }
}

#[test]
fn filler_alone_is_never_a_finding() {
    let mut text = String::new();
    for (i, word) in WORDS.iter().enumerate() {
        for separator in INLINE_SEPARATORS.iter().chain(LINE_BREAKS).chain(BEFORE).chain(AFTER) {
            text.push_str(word);
            text.push_str(separator);
            text.push_str(WORDS[(i + 1) % WORDS.len()]);
            text.push_str(separator);
        }
        text.push('\n');
    }
    let found = pipeline().findings_in(text.as_bytes(), &stdin(), None);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_lone_carriage_return_is_not_a_line_break() {
    let token = tokens::github_pat(7);
    let text = format!("lorem\ripsum {token}\r\n");
    let found = pipeline().findings_in(text.as_bytes(), &stdin(), None);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].line, found[0].column), (1, 13));
    assert_eq!((found[0].end_line, found[0].end_column), (1, 13 + token.len()));
}
