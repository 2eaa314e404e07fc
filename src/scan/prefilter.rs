//! One case-insensitive Aho-Corasick pass over all content rules' keywords picks the rules whose
//! regexes are worth running on a blob. A blob with no keyword costs this one linear pass.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::keyword_dfa::{Hit, KeywordDfa};
use crate::rules::RuleSet;

pub struct Prefilter {
    keywords: Vec<String>,
    /// Built on first use (or by `build`): a scan of an empty directory never needs it.
    automaton: OnceLock<Option<Automaton>>,
    /// For each automaton pattern, the content rules that list it.
    rules_of_keyword: Vec<Vec<usize>>,
    content_rules: Vec<usize>,
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of_keyword: Vec<Vec<usize>> = Vec::new();
        let mut content_rules = Vec::new();
        // A map, not a search of the list: 532 rules have a thousand keywords.
        let mut position: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (index, rule) in rules.rules.iter().enumerate() {
            if rule.is_path_rule() {
                continue;
            }
            content_rules.push(index);
            for keyword in rule.keywords.iter().filter(|k| !k.is_empty()) {
                match position.get(keyword.as_str()) {
                    Some(&at) => rules_of_keyword[at].push(index),
                    None => {
                        position.insert(keyword, keywords.len());
                        keywords.push(keyword.clone());
                        rules_of_keyword.push(vec![index]);
                    }
                }
            }
        }
        Prefilter {
            keywords,
            automaton: OnceLock::new(),
            rules_of_keyword,
            content_rules,
        }
    }

    /// The content rules to run on `haystack`, in rule order, each with the spans where its
    /// keywords occur (sorted), so its regex need only look around them.
    pub fn candidates(&self, haystack: &[u8]) -> Vec<(usize, Vec<(usize, usize)>)> {
        let Some(automaton) = self.automaton() else {
            return Vec::new();
        };
        let mut keyword_hits = Vec::new();
        automaton.find(haystack, &mut keyword_hits);
        if keyword_hits.is_empty() {
            return Vec::new();
        }
        // Most blobs have no hit or a handful: collect (rule, span) pairs and group them, rather
        // than keeping a list per keyword and per rule for every blob.
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for hit in keyword_hits {
            for &rule in &self.rules_of_keyword[hit.keyword] {
                hits.push((rule, hit.start, hit.end));
            }
        }
        hits.sort_unstable();
        hits.dedup();
        let mut per_rule: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
        for (rule, start, end) in hits {
            match per_rule.last_mut() {
                Some((last, spans)) if *last == rule => spans.push((start, end)),
                _ => per_rule.push((rule, vec![(start, end)])),
            }
        }
        per_rule
    }

    /// Builds the keyword automaton now, for a caller with a core to spare before scanning
    /// starts (a staged scan waits for the index to be read).
    pub fn build(&self) {
        self.automaton();
    }

    fn automaton(&self) -> Option<&Automaton> {
        self.automaton
            .get_or_init(|| (!self.keywords.is_empty()).then(|| Automaton::new(&self.keywords)))
            .as_ref()
    }

    /// Every content rule, for running with the prefilter turned off.
    pub fn all_content_rules(&self) -> Vec<usize> {
        self.content_rules.clone()
    }
}

/// The keyword search: the lane-parallel DFA, or for a keyword set too large for its table, the
/// `aho-corasick` crate's compact NFA (slower per byte, but its size grows with the keywords'
/// total length only). Both report the same hits.
enum Automaton {
    Lanes(Box<KeywordDfa>),
    Compact(AhoCorasick),
}

impl Automaton {
    fn new(keywords: &[String]) -> Automaton {
        match KeywordDfa::new(keywords) {
            Some(dfa) => Automaton::Lanes(Box::new(dfa)),
            None => Automaton::compact(keywords),
        }
    }

    fn compact(keywords: &[String]) -> Automaton {
        Automaton::Compact(
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(keywords)
                .expect("keyword automaton builds from plain literals"),
        )
    }

    fn find(&self, haystack: &[u8], hits: &mut Vec<Hit>) {
        match self {
            Automaton::Lanes(dfa) => dfa.find(haystack, hits),
            Automaton::Compact(nfa) => hits.extend(nfa.find_overlapping_iter(haystack).map(|m| Hit {
                keyword: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compact_fallback_finds_what_the_lanes_find() {
        let keywords: Vec<String> = ["akia", "ghp_", "password", "pass", "://"].map(String::from).to_vec();
        let compact = Automaton::compact(&keywords);
        let lanes = Automaton::new(&keywords);
        assert!(matches!(lanes, Automaton::Lanes(_)));
        let haystack = "AKIA ghp_x PASSWORD=pass https://h\n".repeat(100);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        compact.find(haystack.as_bytes(), &mut a);
        lanes.find(haystack.as_bytes(), &mut b);
        a.sort();
        b.sort();
        assert_eq!(a.len(), 600);
        assert_eq!(a, b);
    }
}
