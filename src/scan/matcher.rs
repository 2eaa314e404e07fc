//! Runs one rule's regex over a text and keeps the matches its entropy and checks confirm.

use crate::rules::Rule;

use super::checks::{self, CheckContext};
use super::entropy::shannon;
use super::placeholder::{Placeholder, placeholder};

/// What rules found in one text: confirmed matches, spans a provider rule's checks rejected
/// (no generic rule may report them either), and the placeholder check's drops.
#[derive(Debug, Default)]
pub struct Found {
    pub matches: Vec<Match>,
    pub rejected: Vec<(usize, usize)>,
    pub dropped: Vec<Dropped>,
}

/// A candidate the placeholder check dropped: which rule, where in the scanned text, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub rule: usize,
    pub start: usize,
    pub reason: Placeholder,
}

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

/// Appends the confirmed matches of `rule` in `text` to `out`, and the spans its format matched
/// but its checks rejected to `rejected` (a `ghp_` token with a wrong checksum is no secret, and
/// no generic rule may report it either).
///
/// The next search starts at the end of the secret, not of the whole match, so a boundary
/// character consumed after one token can still open the next (`a,b` lists of keys).
pub fn run_rule(
    rule_index: usize,
    rule: &Rule,
    text: &[u8],
    windows: &[(usize, usize)],
    path: &str,
    provider_prefixes: &[String],
    found_here: &mut Found,
) -> Result<(), String> {
    if windows.is_empty() {
        return Ok(());
    }
    let error = |e: &str| format!("rule '{}': regex does not compile: {e}", rule.id);
    // The search regex counts nothing (see `rules::compile_search_regex`): it finds where the
    // next match can start. Every match of the rule's regex is one of the search regex, so none
    // starts earlier, and where the search regex finds nothing there is none; searched from the
    // candidate, the rule's regex finds what it would have found from `at`.
    let search = rule.search_regex();
    // The rule's regex, its capture locations and its `key` group: built on the first
    // candidate, so a rule whose windows hold none is not compiled.
    let mut compiled = None;
    // Long repetitions are compiled open-ended (see `compile_regex`): a match longer than the
    // rule's bound is searched again with the regex as written.
    let max_len = rule.max_match_len();
    let mut exact_locations = None;
    for &(window_start, window_end) in windows {
        // The text before the window stays visible to the regex as context; after it, nothing
        // is needed, since no match reaches past a window (see `windows`).
        let haystack = &text[..window_end];
        let mut at = window_start;
        while at <= haystack.len() {
            let from = match search {
                Some(search) => match search.find_at(haystack, at) {
                    Some(candidate) => candidate.start(),
                    None => break,
                },
                None => at,
            };
            let (regex, locations, key_group) = match &mut compiled {
                Some(compiled) => compiled,
                None => {
                    let regex = rule.regex().map_err(error)?;
                    let key_group = regex.capture_names().position(|n| n == Some("key"));
                    compiled.insert((regex, regex.capture_locations(), key_group))
                }
            };
            let Some(mut whole) = regex.captures_read_at(locations, haystack, from) else {
                break;
            };
            let mut found = &*locations;
            if max_len.is_some_and(|max| whole.len() > max) {
                let exact = rule.exact_regex().map_err(error)?;
                let exact_locations = exact_locations.get_or_insert_with(|| exact.capture_locations());
                match exact.captures_read_at(exact_locations, haystack, at) {
                    Some(m) => whole = m,
                    None => break,
                }
                found = exact_locations;
            }
            let next = match found.get(rule.secret_group) {
                Some((start, end)) if end > start => {
                    let secret = &text[start..end];
                    let key = key_group.and_then(|g| found.get(g)).map(|(s, e)| &text[s..e]);
                    match verdict(
                        rule,
                        secret,
                        &CheckContext::at(text, start, end, key, path),
                        provider_prefixes,
                    ) {
                        Verdict::Confirmed => found_here.matches.push(Match {
                            rule: rule_index,
                            start,
                            end,
                            secret: secret.to_vec(),
                            decoded: None,
                        }),
                        verdict => {
                            if let Verdict::Placeholder(reason) = verdict {
                                found_here.dropped.push(Dropped {
                                    rule: rule_index,
                                    start,
                                    reason,
                                });
                            }
                            if !rule.is_generic() {
                                found_here.rejected.push((start, end));
                            }
                        }
                    }
                    end
                }
                _ => whole.end(),
            };
            at = if next > at { next } else { at + 1 };
        }
    }
    Ok(())
}

/// Where to run a rule's regex: around each keyword hit, as far as the longest possible match
/// reaches, merged where they overlap; the whole text when the match length is unbounded or the
/// prefilter is off. Every match contains a keyword (the rules' contract), so it lies inside
/// the window of that keyword, and the windowed search finds exactly what a whole-text search
/// would. With the prefilter on, windows lacking the run of secret-alphabet bytes every match
/// holds (`Rule::could_match_in`) are dropped too: most keyword hits in clean code are nowhere
/// near a secret, and a rule left without windows is not even compiled.
pub fn windows(rule: &Rule, text: &[u8], keyword_hits: Option<&[(usize, usize)]>) -> Vec<(usize, usize)> {
    let len = text.len();
    let Some(hits) = keyword_hits else {
        return vec![(0, len)];
    };
    let Some(reach) = rule.max_match_len() else {
        return if rule.could_match_in(text) {
            vec![(0, len)]
        } else {
            Vec::new()
        };
    };
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &(start, end) in hits {
        let window = (start.saturating_sub(reach), (end + reach).min(len));
        match windows.last_mut() {
            Some(last) if window.0 <= last.1 => last.1 = last.1.max(window.1),
            _ => windows.push(window),
        }
    }
    windows.retain(|&(start, end)| rule.could_match_in(&text[start..end]));
    windows
}

/// What the checks say of a candidate the rule's regex matched.
enum Verdict {
    Confirmed,
    /// Entropy or the rule's structural check failed.
    Rejected,
    /// The shared placeholder check: the reason `--verbose` prints.
    Placeholder(Placeholder),
}

/// The placeholder check (every rule), then entropy and the rule's own check.
fn verdict(rule: &Rule, secret: &[u8], ctx: &CheckContext, provider_prefixes: &[String]) -> Verdict {
    if let Some(reason) = placeholder(secret, &rule.keywords, rule.is_generic(), provider_prefixes) {
        return Verdict::Placeholder(reason);
    }
    if let Some(min) = rule.min_entropy
        && shannon(secret) < min
    {
        return Verdict::Rejected;
    }
    match rule.check {
        Some(check) if !checks::passes(check, secret, ctx) => Verdict::Rejected,
        _ => Verdict::Confirmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    type Spans = Vec<(usize, usize)>;

    /// What `run_rule` must report, found with the rule's own regex alone, searched from each
    /// next position as `run_rule` searches: the confirmed secrets, and the rejected ones.
    fn by_the_rules_regex(rule: &Rule, text: &[u8], path: &str) -> (Spans, Spans) {
        let regex = rule.regex().unwrap();
        let key_group = regex.capture_names().position(|n| n == Some("key"));
        let mut locations = regex.capture_locations();
        let (mut found, mut rejected) = (Vec::new(), Vec::new());
        let mut at = 0;
        while at <= text.len() {
            let Some(whole) = regex.captures_read_at(&mut locations, text, at) else {
                break;
            };
            let next = match locations.get(rule.secret_group) {
                Some((start, end)) if end > start => {
                    let key = key_group.and_then(|g| locations.get(g)).map(|(s, e)| &text[s..e]);
                    if matches!(
                        verdict(
                            rule,
                            &text[start..end],
                            &CheckContext::at(text, start, end, key, path),
                            &[]
                        ),
                        Verdict::Confirmed
                    ) {
                        found.push((start, end));
                    } else if !rule.is_generic() {
                        rejected.push((start, end));
                    }
                    end
                }
                _ => whole.end(),
            };
            at = if next > at { next } else { at + 1 };
        }
        (found, rejected)
    }

    /// Candidates from the search regex, confirmed by the rule's regex, give what the rule's
    /// regex gives alone: on every rule's examples and negative examples, alone, repeated, and
    /// behind a long identifier (longer than the 40 characters some rules allow before their
    /// keyword, where the search regex's candidate starts before the rule's match).
    #[test]
    fn search_regexes_change_no_match() {
        let rules = RuleSet::embedded_with_examples().unwrap();
        let (mut compared, mut matched) = (0, 0);
        for rule in rules.rules.iter().filter(|r| !r.is_path_rule()) {
            if rule.search_regex().is_none() {
                continue;
            }
            let texts = rule
                .examples
                .iter()
                .map(|e| e.text().to_string())
                .chain(rule.negative_examples.iter().cloned());
            for text in texts {
                let long = format!("x{}_{text}", "a".repeat(60));
                for text in [text.clone(), format!("{text}\n{text} {text}"), long] {
                    let text = text.as_bytes();
                    let mut here = Found::default();
                    run_rule(0, rule, text, &[(0, text.len())], "a.txt", &[], &mut here).unwrap();
                    let found: Spans = here.matches.iter().map(|m| (m.start, m.end)).collect();
                    let rejected = here.rejected;
                    let expected = by_the_rules_regex(rule, text, "a.txt");
                    assert_eq!(
                        (&found, &rejected),
                        (&expected.0, &expected.1),
                        "rule {} on {:?}",
                        rule.id,
                        String::from_utf8_lossy(text)
                    );
                    compared += 1;
                    matched += found.len();
                }
            }
        }
        assert!(
            compared > 100 && matched > 50,
            "only {compared} texts compared, {matched} matches"
        );
    }
}
