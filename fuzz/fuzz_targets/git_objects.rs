//! Arbitrary bytes as the git data leaktrap parses itself instead of through libgit2: an index
//! file (`--staged`), a raw tree object and a raw commit (the history walk and its commit
//! listing). Anything malformed is refused or stops the entry list, never a panic; what parses
//! is consistent.

#![no_main]

use leaktrap::git::index_file;
use leaktrap::git::object::commit_header;
use leaktrap::git::tree::TreeEntries;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(index) = index_file::parse(data) {
        let _ = leaktrap::source::staged::index_tree_ids(&index);
    }
    let mut entries = TreeEntries::new(data);
    let consumed: usize = (&mut entries).map(|(_, name, _)| name.len() + 22).sum();
    assert!(
        consumed <= data.len(),
        "tree entries cover more bytes than the tree has"
    );
    // Two versions of a tree, compared as the walk compares a tree with its parent's: what is
    // left of each after the common entries still parses or stops.
    let (ours, theirs) = data.split_at(data.len() / 2);
    let (mut a, mut b) = (TreeEntries::new(ours), TreeEntries::new(theirs));
    a.skip_common(&mut b);
    let _ = (a.count(), b.count());
    if let Some(header) = commit_header(data) {
        // `tree <40 hex>\n`, then `parent <40 hex>\n` per parent.
        assert!(
            data.len() >= 46 + 48 * header.parents.len(),
            "a commit header longer than its commit"
        );
    }
});
