//! Detection: from a blob's bytes to confirmed `Match`es. Says what a string is; whether the user
//! accepts it is the filter's business.

pub mod checks;
pub mod decode;
pub mod entropy;
mod matcher;
pub mod prefilter;
mod text;

use std::borrow::Cow;

use crate::rules::RuleSet;
use prefilter::Prefilter;

pub use text::{is_binary, transcode_utf16};

/// Byte spans where a rule's keywords occur in a text.
pub type KeywordHits = Vec<(usize, usize)>;

/// A confirmed secret in a blob's (possibly transcoded) text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index into the scanner's `RuleSet`.
    pub rule: usize,
    /// Byte span of the secret in the scanned text (for a decoded secret, of the encoded run).
    pub start: usize,
    pub end: usize,
    /// The secret itself (differs from the span's bytes when it was decoded).
    pub secret: Vec<u8>,
    /// The decoder that revealed it, if any.
    pub decoded: Option<&'static str>,
}

/// What a look at a blob's content found.
pub enum Content<'a> {
    /// A NUL byte in the first 8 KiB: not scanned.
    Binary,
    /// Scanned. `text` is what the matches' offsets refer to (transcoded when UTF-16).
    Text { text: Cow<'a, [u8]>, matches: Vec<Match> },
}

/// Switches that must never change results, only speed; tests turn them off to prove it.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    pub prefilter: bool,
    /// Decode base64 and percent-encoded runs and scan them too.
    pub decode: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            prefilter: true,
            decode: true,
        }
    }
}

/// The shared, read-only detection engine: one serves every thread.
pub struct Scanner {
    pub rules: RuleSet,
    prefilter: Prefilter,
    options: ScanOptions,
}

impl Scanner {
    pub fn new(rules: RuleSet, options: ScanOptions) -> Scanner {
        let prefilter = Prefilter::new(&rules);
        Scanner {
            rules,
            prefilter,
            options,
        }
    }

    /// Path rules: files that should never be committed, whatever they hold.
    pub fn scan_path(&self, path: &str) -> Vec<Match> {
        self.rules
            .rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.matches_path(path))
            .map(|(rule, _)| Match {
                rule,
                start: 0,
                end: 0,
                secret: Vec::new(),
                decoded: None,
            })
            .collect()
    }

    /// Content rules over a blob. Errors are rules whose regex failed to compile.
    pub fn scan_content<'a>(&self, bytes: &'a [u8], path: &str) -> Result<Content<'a>, String> {
        let text: Cow<'a, [u8]> = match transcode_utf16(bytes) {
            Some(decoded) => Cow::Owned(decoded),
            None => Cow::Borrowed(bytes),
        };
        if is_binary(&text) {
            return Ok(Content::Binary);
        }
        let matches = self.scan_text(&text, path)?;
        Ok(Content::Text { text, matches })
    }

    /// Runs the candidate rules over text, and again over its decoded runs, and keeps one
    /// match per secret.
    pub fn scan_text(&self, text: &[u8], path: &str) -> Result<Vec<Match>, String> {
        self.scan_text_at_depth(text, path, 0)
    }

    fn scan_text_at_depth(&self, text: &[u8], path: &str, depth: usize) -> Result<Vec<Match>, String> {
        let mut matches = self.raw_matches(text, path)?;
        if depth < decode::MAX_DEPTH && self.options.decode {
            for run in decode::decoded_runs(text) {
                for inner in self.scan_text_at_depth(&run.text, path, depth + 1)? {
                    if inner.start < run.decoded_end && run.decoded_start < inner.end {
                        matches.push(Match {
                            start: run.start,
                            end: run.end,
                            decoded: Some(inner.decoded.unwrap_or(run.decoder.name())),
                            ..inner
                        });
                    }
                }
            }
        }
        Ok(self.one_per_secret(matches))
    }

    /// The candidate rules' confirmed matches in `text` itself, before dedup.
    fn raw_matches(&self, text: &[u8], path: &str) -> Result<Vec<Match>, String> {
        let candidates: Vec<(usize, Option<KeywordHits>)> = if self.options.prefilter {
            self.prefilter
                .candidates(text)
                .into_iter()
                .map(|(rule, hits)| (rule, Some(hits)))
                .collect()
        } else {
            self.prefilter
                .all_content_rules()
                .into_iter()
                .map(|rule| (rule, None))
                .collect()
        };
        let mut matches = Vec::new();
        let mut rejected = Vec::new();
        for (rule_index, keyword_hits) in candidates {
            let rule = &self.rules.rules[rule_index];
            let windows = matcher::windows(rule, text.len(), keyword_hits.as_deref());
            matcher::run_rule(rule_index, rule, text, &windows, path, &mut matches, &mut rejected)?;
        }
        if !rejected.is_empty() {
            matches.retain(|m| {
                !self.rules.rules[m.rule].is_generic() || !rejected.iter().any(|&(s, e)| s < m.end && m.start < e)
            });
        }
        Ok(matches)
    }

    /// Overlapping matches of one secret are reported once: a provider rule beats a generic
    /// one (see `Rule::precedence`), a raw match a decoded one, a longer span a shorter one, an earlier rule a later one.
    fn one_per_secret(&self, mut matches: Vec<Match>) -> Vec<Match> {
        if matches.len() < 2 {
            return matches;
        }
        let rank = |m: &Match| {
            let rule = &self.rules.rules[m.rule];
            (
                rule.precedence(),
                m.decoded.is_some(),
                usize::MAX - (m.end - m.start),
                m.rule,
            )
        };
        matches.sort_by_key(|m| rank(m));
        // Kept spans are disjoint, so only the nearest one starting before a candidate's end
        // can overlap it.
        let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
        let mut kept: Vec<Match> = Vec::with_capacity(matches.len());
        for candidate in matches {
            let overlaps = taken
                .range(..candidate.end)
                .next_back()
                .is_some_and(|(_, &end)| end > candidate.start);
            if !overlaps {
                taken.insert(candidate.start, candidate.end);
                kept.push(candidate);
            }
        }
        kept.sort_by_key(|m| (m.start, m.rule));
        kept
    }
}
