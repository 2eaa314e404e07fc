//! Raw tree objects: their entries, git's order of entries, and the word- and vector-wide scans
//! that let two trees be compared without parsing what they share.

use crate::git::ObjectId;

/// The first NUL in `bytes` at or after `from`, sixteen bytes at a time: the walk looks for one
/// per tree entry over every tree it compares, 1.7 GB of them on git/git.
#[cfg(target_arch = "x86_64")]
fn first_nul(bytes: &[u8], from: usize) -> Option<usize> {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_setzero_si128};
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 16) {
        // SAFETY: `chunk` holds the 16 bytes loaded, and SSE2 is part of x86_64.
        let zeros = unsafe {
            _mm_movemask_epi8(_mm_cmpeq_epi8(
                _mm_loadu_si128(chunk.as_ptr().cast()),
                _mm_setzero_si128(),
            ))
        };
        if zeros != 0 {
            return Some(at + zeros.trailing_zeros() as usize);
        }
        at += 16;
    }
    Some(at + bytes.get(at..)?.iter().position(|&b| b == 0)?)
}

#[cfg(not(target_arch = "x86_64"))]
fn first_nul(bytes: &[u8], from: usize) -> Option<usize> {
    Some(from + bytes.get(from..)?.iter().position(|&b| b == 0)?)
}

/// How many leading bytes `a` and `b` share.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    // Long equal stretches go to `memcmp` a block at a time; the differing block, a word at a time.
    const BLOCK: usize = 256;
    const WORD: usize = 8;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= len && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    while at + WORD <= len {
        let word = |s: &[u8]| u64::from_le_bytes(s[at..at + WORD].try_into().unwrap());
        let differ = word(a) ^ word(b);
        if differ != 0 {
            return at + differ.trailing_zeros() as usize / 8;
        }
        at += WORD;
    }
    at + a[at..len].iter().zip(&b[at..len]).take_while(|(x, y)| x == y).count()
}

/// What a tree entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeEntryKind {
    Tree,
    Blob,
    /// A submodule's commit: not content of this repository.
    Gitlink,
}

/// Git's order of tree entries: by name, a tree's name compared as if it ended in `/`.
pub fn entry_order(a: (&[u8], TreeEntryKind), b: (&[u8], TreeEntryKind)) -> std::cmp::Ordering {
    let common = a.0.len().min(b.0.len());
    a.0[..common].cmp(&b.0[..common]).then_with(|| {
        let next = |name: &[u8], kind| match name.get(common) {
            Some(&byte) => byte,
            None if kind == TreeEntryKind::Tree => b'/',
            None => 0,
        };
        next(a.0, a.1).cmp(&next(b.0, b.1))
    })
}

/// One entry of a raw tree: what it names, its name, its id.
pub type TreeEntry<'t> = (TreeEntryKind, &'t [u8], ObjectId);

/// The entries of a raw tree object: `<octal mode> <name>\0<20-byte id>`, repeated. Stops at
/// the first malformed entry and says so through `malformed`.
pub struct TreeEntries<'t> {
    rest: &'t [u8],
    pub malformed: bool,
}

impl<'t> TreeEntries<'t> {
    pub fn new(raw: &'t [u8]) -> TreeEntries<'t> {
        TreeEntries {
            rest: raw,
            malformed: false,
        }
    }

    /// The length of the next entry, if it parses. Names are short: a plain loop beats
    /// `memchr`'s set-up here.
    fn next_len(&self) -> Option<(TreeEntryKind, usize, usize)> {
        let rest = self.rest;
        let space = rest.iter().take(8).position(|&b| b == b' ')?;
        let nul = space + 1 + rest[space + 1..].iter().position(|&b| b == 0)?;
        if rest.len() < nul + 21 {
            return None;
        }
        let kind = match &rest[..space] {
            b"40000" | b"040000" => TreeEntryKind::Tree,
            b"160000" => TreeEntryKind::Gitlink,
            _ => TreeEntryKind::Blob,
        };
        Some((kind, space, nul))
    }

    /// Skips every leading entry that `other` has byte for byte (mode, name and id), and
    /// advances `other` past them too: how a tree is compared with its parent's version. The
    /// common prefix is found a word at a time, and only entry ends are looked for in it.
    pub fn skip_common(&mut self, other: &mut TreeEntries<'t>) {
        let same = common_prefix(self.rest, other.rest);
        let mut at = 0;
        // An entry is `mode name\0` and a 20-byte id; a name holds no NUL, and the shortest
        // mode with its space (`40000 `) is 6 bytes.
        while let Some(nul) = first_nul(&self.rest[..same], at + 6) {
            let end = nul + 21;
            if end > same {
                break;
            }
            at = end;
        }
        self.rest = &self.rest[at..];
        other.rest = &other.rest[at..];
    }

    /// The next entry without consuming it.
    pub fn peek(&self) -> Option<TreeEntry<'t>> {
        self.next_entry().map(|(entry, _)| entry)
    }

    /// The next entry and its length in bytes.
    fn next_entry(&self) -> Option<(TreeEntry<'t>, usize)> {
        let (kind, space, nul) = self.next_len()?;
        let rest = self.rest;
        let id = ObjectId(rest[nul + 1..nul + 21].try_into().ok()?);
        Some(((kind, &rest[space + 1..nul], id), nul + 21))
    }
}

impl<'t> Iterator for TreeEntries<'t> {
    type Item = TreeEntry<'t>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match self.next_entry() {
            Some((entry, len)) => {
                self.rest = &self.rest[len..];
                Some(entry)
            }
            None => {
                self.malformed = true;
                self.rest = &[];
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TreeEntries, TreeEntryKind, entry_order};

    proptest::proptest! {
        /// A hostile tree object never panics the parser: it yields whole entries, then stops
        /// and says it is malformed, or ends cleanly.
        #[test]
        fn any_tree_bytes_parse_or_stop(raw in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let mut entries = TreeEntries::new(&raw);
            let lengths: usize = (&mut entries).map(|(_, name, _)| name.len() + 22).sum();
            proptest::prop_assert!(lengths <= raw.len());
        }

        #[test]
        fn word_and_vector_scans_agree_with_byte_loops(
            a in proptest::collection::vec(0u8..4, 0..700),
            b in proptest::collection::vec(0u8..4, 0..700),
            shared in 0usize..700,
            from in 0usize..40,
        ) {
            // Mostly-equal inputs: `shared` leading bytes of `b` copied from `a`.
            let mut b = b;
            let shared = shared.min(a.len()).min(b.len());
            b[..shared].copy_from_slice(&a[..shared]);
            let naive = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            proptest::prop_assert_eq!(super::common_prefix(&a, &b), naive);
            let nul = a.get(from..).and_then(|rest| rest.iter().position(|&x| x == 0)).map(|p| from + p);
            proptest::prop_assert_eq!(super::first_nul(&a, from), nul);
        }

        /// Skipping a common prefix stops at the first entry that differs, whatever bytes the
        /// ids hold, exactly where skipping one equal entry at a time would.
        #[test]
        fn skip_common_stops_at_the_first_changed_entry(
            entries in proptest::collection::vec(
                (proptest::sample::select(vec!["100644", "100755", "40000", "120000"]), "[a-z.]{1,20}", proptest::collection::vec(0u8..3, 20)),
                0..30,
            ),
            changed in 0usize..30,
            change_id in proptest::bool::ANY,
        ) {
            let raw = |entries: &[(&str, String, Vec<u8>)]| -> Vec<u8> {
                entries.iter().flat_map(|(mode, name, id)| [format!("{mode} {name}\0").into_bytes(), id.clone()].concat()).collect()
            };
            let mut other = entries.clone();
            if let Some(entry) = other.get_mut(changed) {
                if change_id { entry.2[19] ^= 1 } else { entry.1.push('x') }
            }
            let (ours, theirs) = (raw(&entries), raw(&other));
            let mut a = TreeEntries::new(&ours);
            let mut b = TreeEntries::new(&theirs);
            a.skip_common(&mut b);
            let equal = entries.iter().zip(&other).take_while(|(x, y)| x == y).count();
            proptest::prop_assert_eq!(ours.len() - a.rest.len(), raw(&entries[..equal]).len());
            proptest::prop_assert_eq!(theirs.len() - b.rest.len(), raw(&entries[..equal]).len());
        }
    }

    #[test]
    fn entries_sort_as_git_sorts_them() {
        use std::cmp::Ordering::*;
        assert_eq!(
            entry_order((b"a.c", TreeEntryKind::Blob), (b"a", TreeEntryKind::Tree)),
            Less
        );
        assert_eq!(
            entry_order((b"a", TreeEntryKind::Tree), (b"a0", TreeEntryKind::Blob)),
            Less
        );
        assert_eq!(
            entry_order((b"a", TreeEntryKind::Blob), (b"a.c", TreeEntryKind::Blob)),
            Less
        );
        assert_eq!(
            entry_order((b"a", TreeEntryKind::Tree), (b"a", TreeEntryKind::Blob)),
            Greater
        );
        assert_eq!(
            entry_order((b"a", TreeEntryKind::Tree), (b"a", TreeEntryKind::Tree)),
            Equal
        );
    }
}
