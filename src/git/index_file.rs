//! Reads the index file for `--staged` without libgit2's checksum pass.
//!
//! libgit2 hashes the whole index with collision-detecting SHA-1 before parsing it: on git/git
//! (457 KB, 4,800 entries) that was 25 M of a pre-commit scan's 140 M instructions, all on the
//! path to the first blob read. Git writes the checksum to detect a torn write; a pre-commit
//! hook reads an index git has just written. This reader parses the entries and the cache of
//! tree ids (the `TREE` extension), which lets the staged scan skip every directory the commit
//! leaves alone.
//!
//! It reads versions 2 to 4 with optional extensions only. A split index (`link`), a sparse
//! index (`sdir`) or anything else it does not know gives `None`, and libgit2 reads the file.

use std::collections::HashMap;
use std::path::Path;

use git2::{IndexEntry, IndexTime, Oid};

use super::pack::offset_varint;

/// An index file's entries, sorted by path as git keeps them, and the tree id git has cached for
/// each directory whose entries have not changed since (`""` for the root, no trailing `/`).
pub struct IndexFile {
    pub entries: Vec<IndexEntry>,
    pub cached_trees: HashMap<Vec<u8>, Oid>,
}

const HEADER: usize = 12;
/// ctime, mtime, dev, ino, mode, uid, gid, size, object id, flags.
const FIXED: usize = 40 + 20 + 2;
const EXTENDED_FLAG: u16 = 0x4000;

/// The index at `path`, or `None` when the file is missing or in a form this reader leaves to
/// libgit2.
pub fn read(path: &Path) -> Option<IndexFile> {
    parse(&std::fs::read(path).ok()?)
}

/// An index file's bytes parsed, or `None` if it has a part this reader does not read.
pub fn parse(bytes: &[u8]) -> Option<IndexFile> {
    if bytes.len() < HEADER + 20 || &bytes[..4] != b"DIRC" {
        return None;
    }
    let word = |at: usize| -> Option<u32> { Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?)) };
    let version = word(4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = word(8)? as usize;
    // The trailing checksum is not part of the entries or extensions.
    let end = bytes.len() - 20;
    let mut at = HEADER;
    // The header's count is not trusted for the allocation: each entry takes at least
    // `FIXED` bytes.
    let mut entries = Vec::with_capacity(count.min(bytes.len() / FIXED));
    for _ in 0..count {
        let start = at;
        let fixed = bytes.get(at..at + FIXED)?;
        let field = |i: usize| u32::from_be_bytes(fixed[i * 4..i * 4 + 4].try_into().expect("4 bytes"));
        let flags = u16::from_be_bytes(fixed[60..62].try_into().expect("2 bytes"));
        at += FIXED;
        let flags_extended = if flags & EXTENDED_FLAG != 0 {
            if version < 3 {
                return None;
            }
            let extended = u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?);
            at += 2;
            extended
        } else {
            0
        };
        let path = if version == 4 {
            // The previous path minus `strip` bytes, then a NUL-terminated suffix.
            let strip = usize::try_from(offset_varint(bytes, &mut at)?).ok()?;
            let previous = entries.last().map_or(&[][..], |e: &IndexEntry| e.path.as_slice());
            let keep = previous.len().checked_sub(strip)?;
            let suffix_len = memchr::memchr(0, bytes.get(at..end)?)?;
            let mut path = previous[..keep].to_vec();
            path.extend_from_slice(&bytes[at..at + suffix_len]);
            at += suffix_len + 1;
            path
        } else {
            let len = memchr::memchr(0, bytes.get(at..end)?)?;
            let path = bytes[at..at + len].to_vec();
            // NUL padding to a multiple of eight bytes, at least one NUL.
            at = start + (at - start + len + 8) / 8 * 8;
            path
        };
        if at > end {
            return None;
        }
        let mode = field(6);
        // A sparse index's directory entries need the `sdir` extension's meaning.
        if mode == 0o040000 {
            return None;
        }
        entries.push(IndexEntry {
            ctime: IndexTime::new(field(0) as i32, field(1)),
            mtime: IndexTime::new(field(2) as i32, field(3)),
            dev: field(4),
            ino: field(5),
            mode,
            uid: field(7),
            gid: field(8),
            file_size: field(9),
            id: Oid::from_bytes(&fixed[40..60]).ok()?,
            flags,
            flags_extended,
            path,
        });
    }
    // Extensions: optional ones (an upper-case first letter) may be skipped; any other changes
    // what the entries mean.
    let mut cached_trees = HashMap::new();
    while at < end {
        let signature = bytes.get(at..at + 4)?;
        let size = word(at + 4)? as usize;
        if !signature[0].is_ascii_uppercase() {
            return None;
        }
        let data = bytes.get(at + 8..(at + 8).checked_add(size)?)?;
        if signature == b"TREE" {
            cached_trees = parse_cached_trees(data)?;
        }
        at += 8 + size;
    }
    (at == end).then_some(IndexFile { entries, cached_trees })
}

/// The `TREE` extension: directories in pre-order, each `<name>\0<entry count> <subtree
/// count>\n` and, when the entry count is not -1 (invalidated), the directory's tree id.
fn parse_cached_trees(mut data: &[u8]) -> Option<HashMap<Vec<u8>, Oid>> {
    let mut trees = HashMap::new();
    // The directories being read, with how many of their subtrees are still to come.
    let mut open: Vec<(Vec<u8>, usize)> = Vec::new();
    while !data.is_empty() {
        let nul = memchr::memchr(0, data)?;
        let name = &data[..nul];
        let newline = nul + memchr::memchr(b'\n', &data[nul..])?;
        let counts = std::str::from_utf8(&data[nul + 1..newline]).ok()?;
        let (entries, subtrees) = counts.split_once(' ')?;
        let entries: i64 = entries.parse().ok()?;
        let subtrees: usize = subtrees.parse().ok()?;
        data = &data[newline + 1..];
        let path = match open.last_mut() {
            Some((parent, left)) => {
                *left = left.checked_sub(1)?;
                let mut path = parent.clone();
                if !path.is_empty() {
                    path.push(b'/');
                }
                path.extend_from_slice(name);
                path
            }
            None => name.to_vec(),
        };
        if entries >= 0 {
            trees.insert(path.clone(), Oid::from_bytes(data.get(..20)?).ok()?);
            data = &data[20..];
        }
        open.push((path, subtrees));
        while open.last().is_some_and(|(_, left)| *left == 0) {
            open.pop();
        }
    }
    Some(trees)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Arbitrary bytes after a valid header never panic the parser.
        #[test]
        fn any_index_bytes_parse_or_are_refused(
            version in 2u32..5,
            count in 0u32..4,
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
        ) {
            let mut bytes = b"DIRC".to_vec();
            bytes.extend_from_slice(&version.to_be_bytes());
            bytes.extend_from_slice(&count.to_be_bytes());
            bytes.extend_from_slice(&body);
            bytes.extend_from_slice(&[0; 20]);
            if let Some(index) = parse(&bytes) {
                proptest::prop_assert_eq!(index.entries.len(), count as usize);
            }
        }
    }

    /// Found by fuzzing: a header claiming 800 million entries once reserved room for them all.
    #[test]
    fn a_huge_entry_count_is_refused_without_reserving_for_it() {
        let mut bytes = b"DIRC\0\0\0\x02\x2f\xf8\x96\x6b".to_vec();
        bytes.extend_from_slice(&[0; 200]);
        assert!(parse(&bytes).is_none());
    }

    #[test]
    fn cached_trees_nest_by_their_subtree_counts() {
        let id = |n: u8| [n; 20];
        let mut data = Vec::new();
        let mut node = |name: &str, entries: i32, subtrees: u32, oid: Option<[u8; 20]>| {
            data.extend_from_slice(format!("{name}\0{entries} {subtrees}\n").as_bytes());
            if let Some(oid) = oid {
                data.extend_from_slice(&oid);
            }
        };
        node("", -1, 2, None);
        node("a", 3, 1, Some(id(1)));
        node("b", 1, 0, Some(id(2)));
        node("c", 2, 0, Some(id(3)));
        let trees = parse_cached_trees(&data).unwrap();
        let path = |p: &str| trees.get(p.as_bytes()).map(|oid| oid.as_bytes()[0]);
        assert_eq!(
            (path(""), path("a"), path("a/b"), path("c")),
            (None, Some(1), Some(2), Some(3))
        );
        assert_eq!(trees.len(), 3);
    }
}
