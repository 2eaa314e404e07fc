//! What a rule's regex says about its matches, read from the syntax without compiling it.
//!
//! Compiling a regex costs 50-600 µs, and matching it around every keyword hit costs more. Most
//! keyword hits in clean code (`machine`, `twitter`, `://`) are nowhere near a secret, and a
//! secret has a shape the syntax states outright: a run of at least so many bytes from one
//! alphabet (`[A-Za-z0-9]{50}`), and literals besides the keyword (a netrc entry's `login` and
//! `password`, a URL password's `@`). A window without them cannot hold a match, so the regex
//! is neither compiled nor run there.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A rule regex's syntax, as the regex builder reads it; `None` when it does not parse (which the
/// builder then reports).
pub fn parse(source: &str) -> Option<regex_syntax::hir::Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(source)
        .ok()
}

/// The syntax-level facts about a regex's matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    /// The longest text the regex can match, when bounded.
    pub max_len: Option<usize>,
    /// A run every match contains, when long enough to be worth looking for.
    pub run: Option<Run>,
    /// Literals every match contains (case-sensitive ones only; `(?i)` text is a class).
    pub needs: Vec<Vec<u8>>,
}

/// Runs shorter than this occur in almost any text; looking for them would cost without
/// sparing a single regex.
const USEFUL_RUN: usize = 12;

impl Shape {
    /// The shape of `source`; `Shape::default()` (no facts) when it does not parse, which the
    /// regex builder then reports.
    pub fn of(source: &str) -> Shape {
        let Some(hir) = parse(source) else {
            return Shape::default();
        };
        let facts = Facts::of(&hir);
        let mut needs = facts.needs;
        needs.sort_by_key(|need| std::cmp::Reverse(need.len()));
        needs.dedup();
        needs.truncate(MAX_NEEDS);
        Shape {
            max_len: hir.properties().maximum_len(),
            run: facts.run.filter(|run| run.len >= USEFUL_RUN),
            needs,
        }
    }

    /// Could `window` hold a match? False only when it lacks the run or a needed literal.
    pub fn could_match_in(&self, window: &[u8]) -> bool {
        // Literals first: a vectorised search, often decisive.
        self.needs.iter().all(|need| match need.as_slice() {
            [byte] => memchr::memchr(*byte, window).is_some(),
            literal => memchr::memmem::find(window, literal).is_some(),
        }) && self.run.as_ref().is_none_or(|run| run.occurs_in(window))
    }
}

/// Looking for more literals than this costs more than it spares.
const MAX_NEEDS: usize = 4;

/// At least `len` consecutive bytes, every one of them in `alphabet`.
#[derive(Clone, PartialEq, Eq)]
pub struct Run {
    alphabet: [bool; 256],
    pub len: usize,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bytes: String = (0..=255u8)
            .filter(|&b| self.alphabet[b as usize])
            .map(|b| std::ascii::escape_default(b).to_string())
            .collect();
        write!(f, "Run {{ alphabet: \"{bytes}\", len: {} }}", self.len)
    }
}

impl Run {
    fn of_bytes(bytes: impl IntoIterator<Item = u8>, len: usize) -> Run {
        let mut alphabet = [false; 256];
        for byte in bytes {
            alphabet[byte as usize] = true;
        }
        Run { alphabet, len }
    }

    fn union(&self, other: &Run) -> Run {
        Run {
            alphabet: std::array::from_fn(|b| self.alphabet[b] || other.alphabet[b]),
            len: self.len.min(other.len),
        }
    }

    fn alphabet_size(&self) -> usize {
        self.alphabet.iter().filter(|&&b| b).count()
    }

    /// The stronger of two guarantees: the longer run, or on a tie the smaller alphabet.
    fn stronger(self, other: Run) -> Run {
        if (other.len, std::cmp::Reverse(other.alphabet_size())) > (self.len, std::cmp::Reverse(self.alphabet_size())) {
            other
        } else {
            self
        }
    }

    /// Does `text` hold such a run? Each candidate is checked from its last byte backwards: a
    /// byte outside the alphabet rules out every run through it, so the search jumps past it,
    /// and most bytes of a text without the run are never looked at.
    pub fn occurs_in(&self, text: &[u8]) -> bool {
        let mut start = 0;
        while start + self.len <= text.len() {
            let mut at = start + self.len;
            while at > start && self.alphabet[text[at - 1] as usize] {
                at -= 1;
            }
            if at == start {
                return true;
            }
            start = at;
        }
        false
    }
}

/// What is known of one syntax node's matches.
struct Facts {
    /// Every match consists only of bytes from this alphabet and is at least this long.
    whole: Option<Run>,
    /// Every match contains this run.
    run: Option<Run>,
    /// Every match contains each of these.
    needs: Vec<Vec<u8>>,
}

impl Facts {
    fn of(hir: &Hir) -> Facts {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => Facts::none(),
            HirKind::Literal(literal) => Facts {
                needs: vec![literal.0.to_vec()],
                ..Facts::homogeneous(Run::of_bytes(literal.0.iter().copied(), literal.0.len()))
            },
            HirKind::Class(Class::Bytes(class)) => Facts::homogeneous(Run::of_bytes(
                class.ranges().iter().flat_map(|range| range.start()..=range.end()),
                1,
            )),
            // Unreachable with Unicode off; claims nothing, which is always safe.
            HirKind::Class(Class::Unicode(_)) => Facts::none(),
            HirKind::Capture(capture) => Facts::of(&capture.sub),
            HirKind::Repetition(repetition) => {
                let min = repetition.min as usize;
                if min == 0 {
                    return Facts::none();
                }
                let sub = Facts::of(&repetition.sub);
                match sub.whole {
                    Some(whole) => Facts {
                        needs: sub.needs,
                        ..Facts::homogeneous(Run {
                            len: whole.len.saturating_mul(min),
                            ..whole
                        })
                    },
                    None => Facts {
                        whole: None,
                        run: sub.run,
                        needs: sub.needs,
                    },
                }
            }
            HirKind::Concat(subs) => {
                let facts: Vec<Facts> = subs.iter().map(Facts::of).collect();
                Facts {
                    whole: None,
                    run: facts.iter().filter_map(|f| f.run.clone()).reduce(Run::stronger),
                    needs: facts.into_iter().flat_map(|f| f.needs).collect(),
                }
            }
            HirKind::Alternation(subs) => {
                let facts: Vec<Facts> = subs.iter().map(Facts::of).collect();
                let union = |pick: fn(&Facts) -> Option<&Run>| {
                    facts
                        .iter()
                        .map(pick)
                        .try_fold(None::<Run>, |acc, run| {
                            let run = run?;
                            Some(Some(match acc {
                                Some(acc) => acc.union(run),
                                None => run.clone(),
                            }))
                        })
                        .flatten()
                };
                // A literal every alternative needs.
                let (first, rest) = facts.split_first().expect("an alternation has alternatives");
                let needs = first
                    .needs
                    .iter()
                    .filter(|need| rest.iter().all(|f| f.needs.contains(need)))
                    .cloned()
                    .collect();
                Facts {
                    whole: union(|f| f.whole.as_ref()),
                    run: union(|f| f.run.as_ref()),
                    needs,
                }
            }
        }
    }

    fn none() -> Facts {
        Facts {
            whole: None,
            run: None,
            needs: Vec::new(),
        }
    }

    fn homogeneous(run: Run) -> Facts {
        Facts {
            whole: Some(run.clone()),
            run: Some(run),
            needs: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(source: &str) -> Option<(usize, usize)> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(source)
            .unwrap();
        Facts::of(&hir).run.map(|r| (r.len, r.alphabet_size()))
    }

    #[test]
    fn a_counted_class_is_a_run() {
        assert_eq!(run("twitter.{0,20}[:=]([A-Za-z0-9]{50})"), Some((50, 62)));
        assert_eq!(run("(?i)ghp_[a-z0-9]{36}"), Some((36, 36 + 26)));
        assert_eq!(run("x[0-9a-f]{8}-[0-9a-f]{4}"), Some((8, 16)));
    }

    #[test]
    fn optional_and_unbounded_parts_claim_only_their_minimum() {
        assert_eq!(run("a[a-z]*b"), Some((1, 1)));
        assert_eq!(run("(?:[a-z]{20})?"), None);
        assert_eq!(run("[a-z]{3,}[0-9]+"), Some((3, 26)));
    }

    #[test]
    fn alternatives_share_the_weaker_guarantee() {
        assert_eq!(run("(?:[a-f]{32}|[0-9]{40})"), Some((32, 16)));
        assert_eq!(run("(?:[a-f]{32}|z)"), Some((1, 7)));
        assert_eq!(run("(?:[a-f]{32}|)"), None);
    }

    #[test]
    fn repeated_groups_multiply() {
        assert_eq!(run("(?:[a-z]{4}){3}"), Some((12, 26)));
        assert_eq!(run("(?:[a-z]{4}-){3}"), Some((4, 26)));
    }

    #[test]
    fn literals_outside_options_and_shared_by_alternatives_are_needed() {
        let needs = |source: &str| Shape::of(source).needs;
        assert_eq!(
            needs(r"machine\s+\S+\s+login\s+(\S+)\s+(?:account\s+\S+\s+)?password\s+(\S+)"),
            vec![b"password".to_vec(), b"machine".to_vec(), b"login".to_vec()]
        );
        assert_eq!(
            needs("(?:a|b)://[^:]+:([^@]+)@h"),
            vec![b"://".to_vec(), b"@h".to_vec(), b":".to_vec()]
        );
        assert_eq!(needs("(?:x@|y@)z"), vec![b"z".to_vec()]);
        assert_eq!(needs("(?:ab)+c?"), vec![b"ab".to_vec()]);
        // Case-insensitive letters are classes; only the `=` is a literal.
        assert_eq!(needs("(?i)password="), vec![b"=".to_vec()]);
    }

    #[test]
    fn short_runs_are_not_worth_a_check() {
        assert_eq!(Shape::of("pass=([a-z]{4})").run, None);
        assert_eq!(Shape::of("pass=([a-z]{12})").run.map(|r| r.len), Some(12));
        assert_eq!(Shape::of("(unclosed"), Shape::default());
    }

    proptest! {
        #[test]
        fn the_run_search_finds_what_a_byte_loop_finds(text in "[abc ]{0,60}", len in 0usize..8) {
            let run = Run::of_bytes(*b"ab", len);
            let mut longest = 0;
            let mut current = 0;
            for &byte in text.as_bytes() {
                current = if byte == b'a' || byte == b'b' { current + 1 } else { 0 };
                longest = longest.max(current);
            }
            prop_assert_eq!(run.occurs_in(text.as_bytes()), longest >= len);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The run never rules out a text the regex matches: whatever the regex finds in
        /// arbitrary text over a small alphabet holds the run.
        #[test]
        fn every_match_holds_the_run(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("[a-c]{2,5}"), Just("[b-d]{3}"), Just("x"), Just("(?:ab|[cd]{4})"),
                    Just("(?:[a-b]{2}){2,3}"), Just("[a-d]*"), Just("(?:x[a-d]{3})?"), Just("\\b"),
                    Just("ab"), Just("(?:xa|ya)"), Just("(?:cd)+"), Just("(?:bx)?"),
                ],
                1..6,
            ),
            text in "[a-dx ]{0,80}",
        ) {
            let source = parts.concat();
            let regex = regex::bytes::Regex::new(&source).unwrap();
            let hir = regex_syntax::ParserBuilder::new().unicode(false).utf8(false).build().parse(&source).unwrap();
            let facts = Facts::of(&hir);
            for found in regex.find_iter(text.as_bytes()) {
                if let Some(run) = &facts.run {
                    prop_assert!(run.occurs_in(found.as_bytes()), "{source} matched {:?} without {run:?}", found.as_bytes());
                }
                for need in &facts.needs {
                    prop_assert!(memchr::memmem::find(found.as_bytes(), need).is_some(), "{source} matched {:?} without {need:?}", found.as_bytes());
                }
            }
        }
    }
}
