//! The keyword automaton: an ASCII-case-insensitive Aho-Corasick DFA that reports every
//! occurrence of every keyword, overlapping ones included.
//!
//! A DFA spends each byte on one table load whose address depends on the previous load, so a
//! single search runs at the latency of that chain (about 5 cycles a byte), not at the speed of
//! the core. `find` therefore splits a haystack into `LANES` stretches and walks them in lock
//! step: four independent chains keep the core busy and the search runs about twice as fast as
//! one chain. Each stretch after the first starts `longest keyword - 1` bytes early, so a keyword
//! that straddles a boundary is seen whole by the lane that owns its last byte, and only that
//! lane reports it.

/// Lanes searched side by side (more spills registers; measured on git/git's work tree).
const LANES: usize = 4;

/// A haystack shorter than this is searched in one lane: the lanes' overlap would cost more
/// than their parallelism saves.
const MIN_LANE_HAYSTACK: usize = 1024;

/// The table may not grow past this (a config with tens of thousands of long keywords); the
/// caller then falls back to a slower, smaller automaton.
const MAX_TABLE_BYTES: usize = 64 << 20;

/// One keyword occurrence: which keyword, and its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub keyword: usize,
    pub start: usize,
    pub end: usize,
}

pub struct KeywordDfa {
    /// Byte to input class; bytes that occur in no keyword share class 0, and the two cases of
    /// an ASCII letter share one class.
    class: [u8; 256],
    /// log2 of the row length (the class count rounded up to a power of two).
    stride_shift: u32,
    /// Transitions, row-major; each entry is the next state's row offset (state << shift), so a
    /// step is one add and one load.
    table: Vec<u32>,
    /// States are numbered so that exactly those at or past this offset end a keyword. It is a
    /// power of two and every matching state's offset is below twice it, so "does any lane end
    /// a keyword" is one test of this bit in the OR of the lanes' states.
    first_match: u32,
    /// For each matching state (by `(offset >> shift) - first match state`), the keywords that
    /// end there, with their lengths, suffix matches included.
    outputs: Vec<Vec<(usize, usize)>>,
    longest: usize,
}

impl KeywordDfa {
    /// The automaton for `keywords` (none empty), or `None` when its table would exceed
    /// `MAX_TABLE_BYTES`.
    pub fn new<K: AsRef<[u8]>>(keywords: &[K]) -> Option<KeywordDfa> {
        let mut class = [0u8; 256];
        let mut classes = 1usize;
        for keyword in keywords {
            for &byte in keyword.as_ref() {
                let lower = byte.to_ascii_lowercase();
                if class[lower as usize] == 0 {
                    class[lower as usize] = classes as u8;
                    class[lower.to_ascii_uppercase() as usize] = classes as u8;
                    classes += 1;
                }
            }
        }
        let stride = classes.next_power_of_two();
        let stride_shift = stride.trailing_zeros();

        // The trie in one flat array (a row of `classes` per state), then, breadth first, the
        // failure links; each state's missing transitions are filled from its failure state's
        // row, which breadth-first order has already completed.
        const NONE: u32 = u32::MAX;
        let mut next: Vec<u32> = vec![NONE; classes];
        let mut ends: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
        for (id, keyword) in keywords.iter().enumerate() {
            let keyword = keyword.as_ref();
            let mut state = 0usize;
            for &byte in keyword {
                let at = state * classes + class[byte as usize] as usize;
                if next[at] == NONE {
                    let new = next.len() / classes;
                    if (new + 1) * stride * 4 > MAX_TABLE_BYTES {
                        return None;
                    }
                    next[at] = new as u32;
                    next.resize(next.len() + classes, NONE);
                    ends.push(Vec::new());
                }
                state = next[at] as usize;
            }
            ends[state].push((id, keyword.len()));
        }
        let states = next.len() / classes;
        let mut failure = vec![0u32; states];
        let mut order: Vec<u32> = Vec::with_capacity(states);
        order.push(0);
        let mut head = 0;
        while head < order.len() {
            let state = order[head] as usize;
            head += 1;
            let fail = failure[state] as usize;
            if state != 0 && !ends[fail].is_empty() {
                let inherited = ends[fail].clone();
                ends[state].extend(inherited);
            }
            for c in 0..classes {
                let at = state * classes + c;
                let child = next[at];
                if child == NONE || c == 0 {
                    // Class 0 (bytes in no keyword) never has a child.
                    next[at] = if state == 0 { 0 } else { next[fail * classes + c] };
                } else {
                    failure[child as usize] = if state == 0 { 0 } else { next[fail * classes + c] };
                    order.push(child);
                }
            }
        }

        // Renumber: non-matching states first, so "ends a keyword" is one comparison.
        let (plain, matching): (Vec<u32>, Vec<u32>) = order.iter().partition(|&&s| ends[s as usize].is_empty());
        let mut number = vec![0u32; states];
        for (new, &old) in plain.iter().chain(&matching).enumerate() {
            number[old as usize] = new as u32;
        }
        // Matching states start at a power of two (the rows between are never reached).
        let first_match = (plain.len().max(matching.len()) * stride).next_power_of_two();
        let table_len = first_match + matching.len() * stride;
        if table_len * 4 > MAX_TABLE_BYTES {
            return None;
        }
        let offset = |state: u32| -> u32 {
            let state = state as usize;
            let row = if state < plain.len() {
                state * stride
            } else {
                first_match + (state - plain.len()) * stride
            };
            row as u32
        };
        let mut table = vec![0u32; table_len];
        let mut outputs = vec![Vec::new(); matching.len()];
        for old in 0..states {
            let new = offset(number[old]) as usize;
            for c in 0..classes {
                table[new + c] = offset(number[next[old * classes + c] as usize]);
            }
            if new >= first_match {
                outputs[(new - first_match) >> stride_shift] = std::mem::take(&mut ends[old]);
            }
        }
        Some(KeywordDfa {
            class,
            stride_shift,
            table,
            first_match: first_match as u32,
            outputs,
            longest: keywords.iter().map(|k| k.as_ref().len()).max().unwrap_or(0),
        })
    }

    /// Every keyword occurrence in `haystack`, in no particular order.
    pub fn find(&self, haystack: &[u8], hits: &mut Vec<Hit>) {
        if haystack.len() < MIN_LANE_HAYSTACK {
            self.find_from(haystack, 0, 0, haystack.len(), 0, hits);
            return;
        }
        let overlap = self.longest.saturating_sub(1);
        let bound = |lane: usize| haystack.len() * lane / LANES;
        let owned: [usize; LANES] = std::array::from_fn(bound);
        let mut at: [usize; LANES] = std::array::from_fn(|lane| bound(lane).saturating_sub(overlap));
        let ends: [usize; LANES] = std::array::from_fn(|lane| bound(lane + 1));
        let steps = (0..LANES).map(|lane| ends[lane] - at[lane]).min().unwrap_or(0);
        let mut state = [0u32; LANES];
        let base = at;
        for step in 0..steps {
            for lane in 0..LANES {
                // SAFETY: `base[lane] + step < ends[lane] <= haystack.len()` for `steps` steps.
                let byte = unsafe { *haystack.get_unchecked(base[lane] + step) };
                state[lane] = self.step(state[lane], byte);
            }
            if state.iter().fold(0, |any, &s| any | s) & self.first_match != 0 {
                for lane in 0..LANES {
                    if state[lane] >= self.first_match && base[lane] + step >= owned[lane] {
                        self.report(state[lane], base[lane] + step + 1, hits);
                    }
                }
            }
        }
        for lane in 0..LANES {
            at[lane] = base[lane] + steps;
        }
        for lane in 0..LANES {
            self.find_from(haystack, state[lane], at[lane], ends[lane], owned[lane], hits);
        }
    }

    /// One lane: from `state` at `start` up to `end`, reporting keywords that end at or after
    /// `owned`.
    fn find_from(&self, haystack: &[u8], mut state: u32, start: usize, end: usize, owned: usize, hits: &mut Vec<Hit>) {
        for (position, &byte) in haystack[start..end].iter().enumerate() {
            state = self.step(state, byte);
            if state >= self.first_match && start + position >= owned {
                self.report(state, start + position + 1, hits);
            }
        }
    }

    #[inline(always)]
    fn step(&self, state: u32, byte: u8) -> u32 {
        let index = state as usize + self.class[byte as usize] as usize;
        // SAFETY: every stored offset is a row start, and a class is below the row length.
        unsafe { *self.table.get_unchecked(index) }
    }

    #[cold]
    fn report(&self, state: u32, end: usize, hits: &mut Vec<Hit>) {
        let outputs = &self.outputs[((state - self.first_match) >> self.stride_shift) as usize];
        hits.extend(outputs.iter().map(|&(keyword, len)| Hit {
            keyword,
            start: end - len,
            end,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, MatchKind};

    fn reference(keywords: &[&str], haystack: &[u8]) -> Vec<Hit> {
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .unwrap();
        let mut hits: Vec<Hit> = automaton
            .find_overlapping_iter(haystack)
            .map(|m| Hit {
                keyword: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })
            .collect();
        hits.sort();
        hits
    }

    fn found(keywords: &[&str], haystack: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        KeywordDfa::new(keywords).unwrap().find(haystack, &mut hits);
        hits.sort();
        hits
    }

    #[test]
    fn overlapping_and_case_insensitive_hits_match_the_reference() {
        let keywords = ["ghp_", "gh", "HP_", "password", "pass", "sk_live_", "://", "é"];
        let mut haystack = Vec::new();
        for i in 0..400 {
            haystack.extend_from_slice(format!("x{i} GHP_abc Password=pass sk_LIVE_1 https://é\n").as_bytes());
        }
        let want = reference(&keywords, &haystack);
        assert!(want.len() > 3000);
        assert_eq!(found(&keywords, &haystack), want);
    }

    #[test]
    fn a_keyword_across_every_lane_boundary_is_reported_once() {
        let keyword = "boundary-keyword";
        for len in [MIN_LANE_HAYSTACK, 4099, 10_007] {
            for lane in 1..LANES {
                let cut = len * lane / LANES;
                for offset in 0..keyword.len() + 1 {
                    let mut haystack = vec![b'.'; len];
                    let start = cut.saturating_sub(offset).min(len - keyword.len());
                    haystack[start..start + keyword.len()].copy_from_slice(keyword.as_bytes());
                    let hits = found(&[keyword], &haystack);
                    assert_eq!(
                        hits,
                        reference(&[keyword], &haystack),
                        "len {len} cut {cut} offset {offset}"
                    );
                    assert_eq!(hits.len(), 1);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_keywords_in_any_text_match_the_reference(
            keywords in proptest::collection::vec("[abAB_1-]{1,6}", 1..12),
            haystack in proptest::collection::vec(proptest::sample::select(b"abAB_1-x".to_vec()), 0..3000),
        ) {
            let keywords: Vec<&str> = keywords.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(found(&keywords, &haystack), reference(&keywords, &haystack));
        }
    }

    #[test]
    fn an_oversized_keyword_set_is_refused_not_built() {
        let keywords: Vec<String> = (0..40_000)
            .map(|i| format!("{i:08}-abcdefghijklmnopqrstuvwxyz"))
            .collect();
        assert!(KeywordDfa::new(&keywords).is_none());
    }
}
