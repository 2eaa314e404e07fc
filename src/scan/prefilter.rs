//! One case-insensitive Aho-Corasick pass over all content rules' keywords picks the rules whose
//! regexes are worth running on a blob. A blob with no keyword costs this one linear pass.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::rules::RuleSet;

pub struct Prefilter {
    automaton: Option<Automata>,
    /// For each automaton pattern, the content rules that list it.
    rules_of_keyword: Vec<Vec<usize>>,
    content_rules: Vec<usize>,
}

impl Prefilter {
    pub fn new(rules: &RuleSet) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of_keyword: Vec<Vec<usize>> = Vec::new();
        let mut content_rules = Vec::new();
        for (index, rule) in rules.rules.iter().enumerate() {
            if rule.is_path_rule() {
                continue;
            }
            content_rules.push(index);
            for keyword in rule.keywords.iter().filter(|k| !k.is_empty()) {
                match keywords.iter().position(|k| k == keyword) {
                    Some(at) => rules_of_keyword[at].push(index),
                    None => {
                        keywords.push(keyword.clone());
                        rules_of_keyword.push(vec![index]);
                    }
                }
            }
        }
        let automaton = (!keywords.is_empty()).then(|| Automata::new(keywords));
        Prefilter {
            automaton,
            rules_of_keyword,
            content_rules,
        }
    }

    /// The content rules to run on `haystack`, in rule order, each with the spans where its
    /// keywords occur (sorted), so its regex need only look around them.
    pub fn candidates(&self, haystack: &[u8]) -> Vec<(usize, Vec<(usize, usize)>)> {
        let Some(automata) = &self.automaton else {
            return Vec::new();
        };
        let automaton = automata.for_haystack(haystack.len());
        // Most blobs have no hit or a handful: collect (rule, span) pairs and group them, rather
        // than keeping a list per keyword and per rule for every blob.
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for hit in automaton.find_overlapping_iter(haystack) {
            for &rule in &self.rules_of_keyword[hit.pattern().as_usize()] {
                hits.push((rule, hit.start(), hit.end()));
            }
        }
        if hits.is_empty() {
            return Vec::new();
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

    /// Builds the fast automaton now, for a caller with a core to spare before scanning starts
    /// (a staged scan waits for the index to be read and diffed).
    pub fn build_dfa(&self) {
        if let Some(automata) = &self.automaton {
            automata.dfa_claimed.store(true, Ordering::Release);
            automata.dfa();
        }
    }

    /// Every content rule, for running with the prefilter turned off.
    pub fn all_content_rules(&self) -> Vec<usize> {
        self.content_rules.clone()
    }
}

/// The same keywords in two automata. A DFA searches about twice as fast as an NFA but takes
/// milliseconds to build for a few hundred keywords, most of a pre-commit scan's start-up; so a
/// scan starts with the NFA and builds the DFA once it has read enough to repay it. Both report
/// the same matches, so which one ran never changes results.
struct Automata {
    keywords: Vec<String>,
    nfa: AhoCorasick,
    dfa: OnceLock<AhoCorasick>,
    /// Set by the one thread that builds the DFA; the others go on with the NFA meanwhile.
    dfa_claimed: AtomicBool,
    bytes_searched: AtomicU64,
}

/// Bytes searched with the NFA before building the DFA pays off (its build costs about as much
/// as the NFA's extra time on 1 MiB).
const DFA_AFTER_BYTES: u64 = 1 << 20;

impl Automata {
    fn new(keywords: Vec<String>) -> Automata {
        let nfa = Self::build(&keywords, AhoCorasickKind::ContiguousNFA);
        Automata {
            keywords,
            nfa,
            dfa: OnceLock::new(),
            dfa_claimed: AtomicBool::new(false),
            bytes_searched: AtomicU64::new(0),
        }
    }

    fn build(keywords: &[String], kind: AhoCorasickKind) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(kind))
            .build(keywords)
            .expect("keyword automaton builds from plain literals")
    }

    fn for_haystack(&self, len: usize) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa;
        }
        let searched = self.bytes_searched.fetch_add(len as u64, Ordering::Relaxed) + len as u64;
        if searched >= DFA_AFTER_BYTES && !self.dfa_claimed.swap(true, Ordering::AcqRel) {
            return self.dfa();
        }
        &self.nfa
    }

    /// The DFA, built by the first caller.
    fn dfa(&self) -> &AhoCorasick {
        self.dfa
            .get_or_init(|| Self::build(&self.keywords, AhoCorasickKind::DFA))
    }
}
