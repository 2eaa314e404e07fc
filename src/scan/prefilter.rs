//! One case-insensitive Aho-Corasick pass over all content rules' keywords picks the rules whose
//! regexes are worth running on a blob. A blob with no keyword costs this one linear pass.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::rules::RuleSet;

pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    /// For each automaton pattern, the content rules that list it.
    rules_of_keyword: Vec<Vec<usize>>,
    content_rules: Vec<usize>,
    rule_count: usize,
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
        let automaton = if keywords.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&keywords)
                    .expect("keyword automaton builds from plain literals"),
            )
        };
        Prefilter {
            automaton,
            rules_of_keyword,
            content_rules,
            rule_count: rules.rules.len(),
        }
    }

    /// The content rules to run on `haystack`, in rule order.
    pub fn candidates(&self, haystack: &[u8]) -> Vec<usize> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut wanted = vec![false; self.rule_count];
        let mut patterns_seen = vec![false; self.rules_of_keyword.len()];
        let mut remaining = self.rules_of_keyword.len();
        for hit in automaton.find_overlapping_iter(haystack) {
            let pattern = hit.pattern().as_usize();
            if !patterns_seen[pattern] {
                patterns_seen[pattern] = true;
                for &rule in &self.rules_of_keyword[pattern] {
                    wanted[rule] = true;
                }
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
        }
        (0..self.rule_count).filter(|&i| wanted[i]).collect()
    }

    /// Every content rule, for running with the prefilter turned off.
    pub fn all_content_rules(&self) -> Vec<usize> {
        self.content_rules.clone()
    }
}
