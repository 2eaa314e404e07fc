//! Detection: from a blob's bytes to confirmed `Match`es. Says what a string is; whether the user
//! accepts it is the filter's business.

pub mod checks;
pub mod decode;
pub mod entropy;
mod keyword_dfa;
mod matcher;
pub mod placeholder;
pub mod prefilter;
pub mod strings;
mod text;

use std::borrow::Cow;

use crate::rules::RuleSet;
use prefilter::Prefilter;

pub use matcher::{Dropped, Match};
pub use text::{is_binary, transcode_utf16};

/// Byte spans where a rule's keywords occur in a text.
pub type KeywordHits = Vec<(usize, usize)>;

/// Byte spans of the given 1-based lines.
fn line_spans(text: &[u8], lines: &std::collections::BTreeSet<usize>) -> Vec<(usize, usize)> {
    let mut spans = Vec::with_capacity(lines.len());
    let mut wanted = lines.iter().copied().peekable();
    let mut start = 0;
    let line_ends = memchr::memchr_iter(b'\n', text).chain(std::iter::once(text.len()));
    for (line, end) in (1..).zip(line_ends) {
        while wanted.next_if(|&w| w < line).is_some() {}
        if wanted.peek() == Some(&line) {
            spans.push((start, end));
        }
        if wanted.peek().is_none() {
            break;
        }
        start = end + 1;
    }
    spans
}

/// The keyword hits from which a match (at most `reach` bytes long) could touch a focus span.
fn near_focus(reach: Option<usize>, hits: KeywordHits, spans: &[(usize, usize)]) -> KeywordHits {
    let Some(reach) = reach else {
        return hits;
    };
    hits.into_iter()
        .filter(|&(start, end)| {
            let (lo, hi) = (start.saturating_sub(reach), end + reach);
            spans.iter().any(|&(s, e)| lo <= e && s <= hi)
        })
        .collect()
}

/// What a look at a blob's content found.
pub enum Content<'a> {
    /// A NUL byte in the first 8 KiB: its printable runs were scanned; the matches' offsets are
    /// in `strings.text`.
    Binary {
        strings: strings::Strings,
        matches: Vec<Match>,
        dropped: Vec<Dropped>,
    },
    /// Scanned. `text` is what the matches' offsets refer to (transcoded when UTF-16).
    /// `dropped` are the candidates the placeholder check rejected in the text itself (not in
    /// decoded runs), for `--verbose`.
    Text {
        text: Cow<'a, [u8]>,
        matches: Vec<Match>,
        dropped: Vec<Dropped>,
    },
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
    paths: PathIndex,
    options: ScanOptions,
    /// Token prefixes of the provider rules (`ghp_`, `sk-ant-`, `dop_v1_`): a generic
    /// candidate that starts with one but is not in its provider's format is a look-alike.
    /// Built on the first generic candidate: most staged scans never need it.
    provider_prefixes: std::sync::OnceLock<Vec<String>>,
}

/// Every path rule's globs in one set, so a file's path is matched once, not once per rule.
struct PathIndex {
    globs: globset::GlobSet,
    /// For each glob in `globs`, its rule.
    rule_of_glob: Vec<usize>,
}

impl PathIndex {
    fn new(rules: &RuleSet) -> PathIndex {
        let mut patterns = Vec::new();
        let mut rule_of_glob = Vec::new();
        for (index, rule) in rules.rules.iter().enumerate().filter(|(_, r)| r.is_path_rule()) {
            patterns.extend(rule.path_patterns.iter().cloned());
            rule_of_glob.extend(std::iter::repeat_n(index, rule.path_patterns.len()));
        }
        let globs = crate::rules::glob_set(&patterns)
            .expect("path rules' globs compiled one by one when the rules were loaded");
        PathIndex { globs, rule_of_glob }
    }
}

impl Scanner {
    pub fn new(rules: RuleSet, options: ScanOptions) -> Scanner {
        let prefilter = Prefilter::new(&rules);
        let paths = PathIndex::new(&rules);
        let provider_prefixes = std::sync::OnceLock::new();
        Scanner {
            rules,
            prefilter,
            paths,
            options,
            provider_prefixes,
        }
    }

    /// Builds what the first scanned blob would otherwise wait for (see `Prefilter::build`).
    pub fn warm_up(&self) {
        if self.options.prefilter {
            self.prefilter.build();
        }
    }

    /// Path rules: files that should never be committed, whatever they hold.
    pub fn scan_path(&self, path: &str) -> Vec<Match> {
        let mut rules: Vec<usize> = self
            .paths
            .globs
            .matches(path)
            .into_iter()
            .map(|glob| self.paths.rule_of_glob[glob])
            .collect();
        rules.dedup();
        rules
            .into_iter()
            .filter(|&rule| self.rules.rules[rule].matches_path(path))
            .map(|rule| Match {
                rule,
                start: 0,
                end: 0,
                secret: Vec::new(),
                decoded: None,
            })
            .collect()
    }

    /// Content rules over a blob. Errors are rules whose regex failed to compile.
    ///
    /// `focus` (1-based line numbers, for `--staged`) says which lines the caller will keep
    /// findings on: rules whose keywords are too far from them to reach them are not run. It
    /// only saves work; the caller's own filter decides.
    pub fn scan_content<'a>(
        &self,
        bytes: &'a [u8],
        path: &str,
        focus: Option<&std::collections::BTreeSet<usize>>,
    ) -> Result<Content<'a>, String> {
        let text: Cow<'a, [u8]> = match transcode_utf16(bytes) {
            Some(decoded) => Cow::Owned(decoded),
            None => Cow::Borrowed(bytes),
        };
        if is_binary(&text) {
            return self.scan_binary(&text, path);
        }
        let focus = focus
            .filter(|_| self.options.prefilter)
            .map(|lines| line_spans(&text, lines));
        let mut dropped = Vec::new();
        let matches = self.scan_text_at_depth(&text, path, 0, focus.as_deref(), None, &mut dropped)?;
        Ok(Content::Text { text, matches, dropped })
    }

    /// A binary blob's printable runs (see `strings`), scanned as text.
    pub fn scan_binary<'a>(&self, bytes: &[u8], path: &str) -> Result<Content<'a>, String> {
        let strings = strings::Strings::of(bytes);
        let mut dropped = Vec::new();
        let matches = self.scan_text_at_depth(&strings.text, path, 0, None, None, &mut dropped)?;
        Ok(Content::Binary {
            strings,
            matches,
            dropped,
        })
    }

    /// A piece of a text too large to hold whole (see `Pipeline::scan_stream`): no binary test,
    /// no transcoding, which belong to a blob's start.
    pub fn scan_window<'a>(&self, text: &'a [u8], path: &str) -> Result<Content<'a>, String> {
        let mut dropped = Vec::new();
        let matches = self.scan_text_at_depth(text, path, 0, None, None, &mut dropped)?;
        Ok(Content::Text {
            text: Cow::Borrowed(text),
            matches,
            dropped,
        })
    }

    /// Runs the candidate rules over text, and again over its decoded runs, and keeps one
    /// match per secret.
    pub fn scan_text(&self, text: &[u8], path: &str) -> Result<Vec<Match>, String> {
        self.scan_text_at_depth(text, path, 0, None, None, &mut Vec::new())
    }

    /// `decoded`: below depth 0, where the decoded bytes sit in `text` (a run's line); only runs
    /// inside them are decoded again, since the other runs on that line are decoded in their
    /// own turn, and decoding them once per neighbour made a line of runs cost its length
    /// squared.
    fn scan_text_at_depth(
        &self,
        text: &[u8],
        path: &str,
        depth: usize,
        focus: Option<&[(usize, usize)]>,
        decoded: Option<(usize, usize)>,
        dropped: &mut Vec<Dropped>,
    ) -> Result<Vec<Match>, String> {
        let mut matches = self.raw_matches(text, path, focus, dropped)?;
        if depth < decode::MAX_DEPTH && self.options.decode {
            for run in decode::decoded_runs(text) {
                // A decoded finding sits at its encoded run: outside the focus, it is not kept.
                if focus.is_some_and(|spans| !spans.iter().any(|&(s, e)| run.start < e && s < run.end)) {
                    continue;
                }
                if decoded.is_some_and(|(s, e)| run.start < s || run.end > e) {
                    continue;
                }
                let span = Some((run.decoded_start, run.decoded_end));
                for inner in self.scan_text_at_depth(&run.text, path, depth + 1, None, span, &mut Vec::new())? {
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
    fn raw_matches(
        &self,
        text: &[u8],
        path: &str,
        focus: Option<&[(usize, usize)]>,
        dropped: &mut Vec<Dropped>,
    ) -> Result<Vec<Match>, String> {
        let candidates: Vec<(usize, Option<KeywordHits>)> = if self.options.prefilter {
            self.prefilter
                .candidates(text)
                .into_iter()
                .filter_map(|(rule, hits)| match focus {
                    None => Some((rule, Some(hits))),
                    Some(spans) => {
                        let near = near_focus(self.rules.rules[rule].max_match_len(), hits, spans);
                        (!near.is_empty()).then_some((rule, Some(near)))
                    }
                })
                .collect()
        } else {
            self.prefilter
                .all_content_rules()
                .into_iter()
                .map(|rule| (rule, None))
                .collect()
        };
        let mut found = matcher::Found::default();
        for (rule_index, keyword_hits) in candidates {
            let rule = &self.rules.rules[rule_index];
            let windows = matcher::windows(rule, text, keyword_hits.as_deref());
            let prefixes: &[String] = if rule.is_generic() && !windows.is_empty() {
                self.provider_prefixes
                    .get_or_init(|| placeholder::provider_prefixes(&self.rules))
            } else {
                &[]
            };
            matcher::run_rule(rule_index, rule, text, &windows, path, prefixes, &mut found)?;
        }
        let matcher::Found {
            mut matches,
            rejected,
            dropped: mut placeholders,
        } = found;
        dropped.append(&mut placeholders);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_spans_cover_the_asked_lines_only() {
        let text = b"one\ntwo\nthree\nfour";
        let lines = [2, 4, 9].into_iter().collect();
        assert_eq!(line_spans(text, &lines), vec![(4, 7), (14, 18)]);
    }

    #[test]
    fn near_focus_keeps_hits_a_match_could_stretch_from() {
        let hits = vec![(0, 3), (100, 103), (500, 503)];
        assert_eq!(near_focus(Some(50), hits.clone(), &[(140, 150)]), vec![(100, 103)]);
        assert_eq!(near_focus(None, hits.clone(), &[(140, 150)]), hits);
    }
}
