//! Runs one rule's regex over a text and keeps the matches its entropy and checks confirm.

use crate::rules::Rule;

use super::Match;
use super::checks::{self, CheckContext};
use super::entropy::shannon;

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
    out: &mut Vec<Match>,
    rejected: &mut Vec<(usize, usize)>,
) -> Result<(), String> {
    if windows.is_empty() {
        return Ok(());
    }
    let regex = rule
        .regex()
        .map_err(|e| format!("rule '{}': regex does not compile: {e}", rule.id))?;
    let key_group = regex.capture_names().position(|n| n == Some("key"));
    let mut locations = regex.capture_locations();
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
            let Some(mut whole) = regex.captures_read_at(&mut locations, haystack, at) else {
                break;
            };
            let mut found = &locations;
            if max_len.is_some_and(|max| whole.len() > max) {
                let exact = rule
                    .exact_regex()
                    .map_err(|e| format!("rule '{}': regex does not compile: {e}", rule.id))?;
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
                    if confirmed(rule, secret, &CheckContext { key, path }) {
                        out.push(Match {
                            rule: rule_index,
                            start,
                            end,
                            secret: secret.to_vec(),
                            decoded: None,
                        });
                    } else if !rule.is_generic() {
                        rejected.push((start, end));
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

/// Entropy and structural checks; the rule's regex already matched.
fn confirmed(rule: &Rule, secret: &[u8], ctx: &CheckContext) -> bool {
    if let Some(min) = rule.min_entropy
        && shannon(secret) < min
    {
        return false;
    }
    match rule.check {
        Some(check) => checks::passes(check, secret, ctx),
        None => true,
    }
}
