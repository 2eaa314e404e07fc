//! Arbitrary bytes as the git data leaktrap parses itself instead of through libgit2: an index
//! file (`--staged`) and a raw tree object (the history walk). Anything malformed is refused or
//! stops the entry list, never a panic; what parses is consistent.

#![no_main]

use leaktrap::source::git::TreeEntries;
use leaktrap::source::index_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(index) = index_file::parse(data) {
        let _ = leaktrap::source::staged::index_tree_ids(&index);
    }
    let mut entries = TreeEntries::new(data);
    let consumed: usize = (&mut entries).map(|(_, name, _)| name.len() + 22).sum();
    assert!(consumed <= data.len(), "tree entries cover more bytes than the tree has");
});
