//! `--staged`: the blobs in the index that differ from HEAD, read from the object database
//! (never the working tree), with the lines each adds. Only findings touching an added line
//! are reported, so a secret already in HEAD does not block every later commit, and a file
//! renamed as a whole adds nothing. Nothing here writes to the index or the working tree.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::ops::Range;

use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, Repository};
use rayon::prelude::*;

use crate::filter::ChangeScope;
use crate::finding::Finding;
use crate::git::index_file::{self, IndexFile};
use crate::git::object::{BlobBytes, BlobLimits, BoundedBlob, read_blob, read_tree};
use crate::git::tree::{TreeEntries, TreeEntryKind, entry_order};
use crate::git::{WordHashing, display_path};
use crate::origin::{Origin, SourceKind};
use crate::pipeline::{HOLD_WHOLE, Pipeline};
use crate::source::git_blob::{limits, report_unreadable, scan_streamed};

/// One file the index changes: its blob in the index and, when HEAD had the file (perhaps
/// under an old name), its blob there.
pub struct StagedFile {
    old: Option<git2::Oid>,
    new: git2::Oid,
    path: String,
    new_path: bool,
}

/// Scans the staged files on `threads` workers, each with its own handle on the repository
/// (`open` gives one; a `Repository` is not shared between threads).
pub fn scan(
    pipeline: &Pipeline,
    files: Vec<StagedFile>,
    threads: usize,
    open: impl Fn() -> anyhow::Result<Repository> + Sync,
) -> anyhow::Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.clamp(1, files.len().max(1)))
        .build()?;
    pool.install(|| {
        files.par_iter().for_each_init(&open, |repo, file| {
            let origin = Origin::new(file.path.clone(), SourceKind::Staged);
            match repo {
                Ok(repo) => pipeline.keep(scan_file(pipeline, repo, file, &origin)),
                Err(e) => pipeline.error(&format!("{}: the repository cannot be reopened: {e}", origin.path)),
            }
        })
    });
    Ok(())
}

/// A worker's handle on the repository. It gets an empty in-memory index: a worker only reads
/// blobs, and without one libgit2 would read and checksum the whole index file again, in every
/// worker, to look up diff attributes (the index was already read once, for the file list).
pub fn open_worker() -> anyhow::Result<Repository> {
    let repo = crate::git::open(None)?;
    repo.set_index(&mut git2::Index::new()?)?;
    Ok(repo)
}

/// Diffs HEAD's tree against the index (renames found) for the changed files' blob ids only;
/// no content is read here.
pub fn staged_files(repo: &Repository) -> anyhow::Result<Vec<StagedFile>> {
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree().map_err(|e| {
            anyhow::anyhow!(
                "HEAD ({}{}) cannot be read: {}\nhint: the repository is damaged; `git fsck` lists what is missing",
                String::from_utf8_lossy(head.name_bytes()),
                head.target().map(|id| format!(" at {id}")).unwrap_or_default(),
                e.message()
            )
        })?),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(anyhow::anyhow!("HEAD cannot be read: {}", e.message())),
    };
    // The repository was opened from the environment, where git names a temporary index for
    // `git commit -a` and `git commit <paths>`; libgit2 reads the same file.
    let index_path = std::env::var_os("GIT_INDEX_FILE").map_or_else(|| repo.path().join("index"), Into::into);
    if let Some(index) = index_file::read(&index_path)
        && let Some(files) = additions_and_edits(repo, head_tree.as_ref().map(|t| t.id()), &index)
    {
        return Ok(files);
    }
    let index = repo.index().map_err(|e| {
        let hint = if e.message().contains("'link'") {
            "\nhint: a split index is not supported; `git update-index --no-split-index` turns it off"
        } else {
            ""
        };
        anyhow::anyhow!("the index cannot be read: {}{hint}", e.message())
    })?;
    let mut options = DiffOptions::new();
    options.include_typechange(true).ignore_submodules(true);
    let mut diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut options))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true).copies(false)))?;
    let files = diff
        .deltas()
        .filter(|delta| {
            let new = delta.new_file();
            !matches!(
                delta.status(),
                Delta::Deleted | Delta::Unmodified | Delta::Ignored | Delta::Untracked
            ) && new.mode() != FileMode::Commit
                && !new.id().is_zero()
        })
        .map(|delta| {
            let old = delta.old_file();
            let old_is_blob = matches!(old.mode(), FileMode::Blob | FileMode::BlobExecutable | FileMode::Link);
            StagedFile {
                old: (old_is_blob && !old.id().is_zero()).then(|| old.id()),
                new: delta.new_file().id(),
                path: display_path(delta.new_file().path_bytes().unwrap_or_default()),
                new_path: matches!(delta.status(), Delta::Added | Delta::Renamed | Delta::Copied),
            }
        })
        .collect();
    Ok(files)
}

/// Reads a staged file's blobs once, finds the lines the new one adds (see `added_lines`) and
/// scans it. Over `--max-file-size`, nothing is inflated. A new version too large to hold is
/// streamed, and every line of it counts as added (it is not diffed).
fn scan_file(pipeline: &Pipeline, repo: &Repository, file: &StagedFile, origin: &Origin) -> Vec<Finding> {
    let limits = limits(pipeline);
    let new = match read_blob(repo, None, file.new, limits) {
        Ok(BoundedBlob::Within(blob)) => blob,
        Ok(BoundedBlob::Streamed(mut reader)) => return scan_streamed(pipeline, &mut reader, file.new, origin),
        Ok(BoundedBlob::TooLarge(size)) => {
            pipeline.skip_too_large(origin, size);
            return Vec::new();
        }
        Err(e) => {
            report_unreadable(pipeline, origin, file.new, &e);
            return Vec::new();
        }
    };
    // An old version too large to hold is not read: every line of the new one counts as added.
    let old_limits = BlobLimits {
        skip_over: Some(HOLD_WHOLE),
        ..limits
    };
    let old = match file.old.map(|oid| (oid, read_blob(repo, None, oid, old_limits))) {
        Some((_, Ok(BoundedBlob::Within(blob)))) => Some(blob),
        Some((_, Ok(BoundedBlob::TooLarge(_) | BoundedBlob::Streamed(_)))) | None => None,
        Some((oid, Err(e))) => {
            report_unreadable(pipeline, origin, oid, &e);
            return Vec::new();
        }
    };
    let scope = ChangeScope {
        added_lines: added_lines(old.as_ref(), &new),
        new_path: file.new_path,
        old: old.as_ref().map_or(&[], BlobBytes::content),
        in_archive: false,
    };
    pipeline.findings_in(new.content(), origin, Some(&scope))
}

/// The staged files of a change that only adds and edits files, found by walking HEAD's tree
/// against the index's entries and skipping every directory whose tree id (cached by git or
/// hashed here, see `index_tree_ids`) is HEAD's. `None` when the change deletes a file or changes a type, or the index holds
/// conflicts, intent-to-add or sparse entries: rename detection and those cases are left to
/// libgit2's diff. Without deletions there is nothing a file could have been renamed from, so
/// both give the same files.
fn additions_and_edits(repo: &Repository, head: Option<git2::Oid>, index: &IndexFile) -> Option<Vec<StagedFile>> {
    const STAGE: u16 = 0x3000;
    const INTENT_TO_ADD_OR_SKIP_WORKTREE: u16 = 0x6000;
    if index
        .entries
        .iter()
        .any(|e| e.flags & STAGE != 0 || e.flags_extended & INTENT_TO_ADD_OR_SKIP_WORKTREE != 0)
    {
        return None;
    }
    let ids = index_tree_ids(index);
    let mut files = Vec::new();
    compare_directory(repo, &ids, b"", head, &index.entries, &mut files)?;
    Some(files)
}

/// The tree id of every directory in the index (`""` for the root, no trailing `/`), as `git
/// write-tree` would write them.
pub fn index_tree_ids(index: &IndexFile) -> HashMap<Vec<u8>, git2::Oid> {
    let mut ids = index.cached_trees.clone();
    tree_id(b"", &index.entries, &mut ids);
    ids
}

/// The id the index's directory `prefix` (empty or ending in `/`) would have as a tree, as
/// `git write-tree` computes it: the index's cached id when it has a valid one, else hashed
/// from the entries. Records every directory's id in `ids` (keyed without the trailing `/`), so
/// that a directory the commit leaves alone is recognised whether or not git cached its id (a
/// fresh clone's index caches none).
fn tree_id(prefix: &[u8], entries: &[git2::IndexEntry], ids: &mut HashMap<Vec<u8>, git2::Oid>) -> git2::Oid {
    use sha1::{Digest, Sha1};
    let key = prefix.strip_suffix(b"/").unwrap_or(prefix);
    if let Some(&id) = ids.get(key) {
        return id;
    }
    let mut content = Vec::new();
    let mut at = 0;
    while at < entries.len() {
        let (name, kind, range) = next_name(entries, at, prefix);
        let (mode, id) = match kind {
            TreeEntryKind::Tree => (
                0o40000,
                tree_id(&subdirectory(prefix, name), &entries[range.clone()], ids),
            ),
            _ => (entries[at].mode, entries[at].id),
        };
        write!(content, "{mode:o} ").expect("writing to a Vec succeeds");
        content.extend_from_slice(name);
        content.push(0);
        content.extend_from_slice(id.as_bytes());
        at = range.end;
    }
    let mut hasher = Sha1::new();
    hasher.update(format!("tree {}\0", content.len()).as_bytes());
    hasher.update(&content);
    let id = git2::Oid::from_bytes(hasher.finalize().as_slice()).expect("SHA-1 is 20 bytes");
    ids.insert(key.to_vec(), id);
    id
}

/// `prefix` (empty or ending in `/`) and `name`, as a directory prefix.
fn subdirectory(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut path = Vec::with_capacity(prefix.len() + name.len() + 1);
    path.extend_from_slice(prefix);
    path.extend_from_slice(name);
    path.push(b'/');
    path
}

/// The next name in the index under `prefix` at entry `at`: a file, or a directory with the
/// range of its entries (the index sorts a directory's entries together, in git's tree order).
fn next_name<'e>(entries: &'e [git2::IndexEntry], at: usize, prefix: &[u8]) -> (&'e [u8], TreeEntryKind, Range<usize>) {
    let rest = &entries[at].path[prefix.len()..];
    match memchr::memchr(b'/', rest) {
        Some(slash) => {
            let name = &rest[..slash];
            let inside = entries[at..]
                .iter()
                .take_while(|e| {
                    e.path[prefix.len()..].starts_with(name) && e.path.get(prefix.len() + slash) == Some(&b'/')
                })
                .count();
            (name, TreeEntryKind::Tree, at..at + inside)
        }
        None => (rest, TreeEntryKind::Blob, at..at + 1),
    }
}

const GITLINK: u32 = 0o160000;

/// Compares the directory `prefix` (empty or ending in `/`) of HEAD (`tree`, absent for a new
/// directory) with the index entries under it.
fn compare_directory(
    repo: &Repository,
    ids: &HashMap<Vec<u8>, git2::Oid>,
    prefix: &[u8],
    tree: Option<git2::Oid>,
    entries: &[git2::IndexEntry],
    files: &mut Vec<StagedFile>,
) -> Option<()> {
    let directory = prefix.strip_suffix(b"/").unwrap_or(prefix);
    if tree.is_some() && ids.get(directory) == tree.as_ref() {
        return Some(());
    }
    let raw = match tree {
        Some(id) => Some(read_tree(repo, None, id).ok()?),
        None => None,
    };
    let mut head = TreeEntries::new(raw.as_deref().map_or(&[][..], Vec::as_slice)).peekable();
    let mut at = 0;
    loop {
        let staged = (at < entries.len()).then(|| next_name(entries, at, prefix));
        let order = match (head.peek(), &staged) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(&(kind, name, _)), Some((staged_name, staged_kind, _))) => {
                entry_order((name, kind), (staged_name, *staged_kind))
            }
        };
        match order {
            // In HEAD, not in the index: a deletion (or a type change).
            std::cmp::Ordering::Less => return None,
            std::cmp::Ordering::Greater => {
                let (name, kind, range) = staged.expect("compared");
                add_new(repo, ids, prefix, name, kind, &entries[range.clone()], files)?;
                at = range.end;
            }
            std::cmp::Ordering::Equal => {
                let (old_kind, name, old_id) = head.next().expect("compared");
                let (_, kind, range) = staged.expect("compared");
                match (old_kind, kind) {
                    (TreeEntryKind::Tree, TreeEntryKind::Tree) => {
                        let path = subdirectory(prefix, name);
                        compare_directory(repo, ids, &path, Some(old_id.oid()), &entries[range.clone()], files)?;
                    }
                    (TreeEntryKind::Blob, TreeEntryKind::Blob) => {
                        let entry = &entries[range.start];
                        if entry.mode == GITLINK {
                            return None;
                        }
                        if entry.id != old_id.oid() {
                            files.push(StagedFile {
                                old: Some(old_id.oid()),
                                new: entry.id,
                                path: display_path(&entry.path),
                                new_path: false,
                            });
                        }
                    }
                    (TreeEntryKind::Gitlink, TreeEntryKind::Blob) if entries[range.start].mode == GITLINK => {}
                    _ => return None,
                }
                at = range.end;
            }
        }
    }
    Some(())
}

/// Files the index adds under `prefix`: `name` itself, or everything in the new directory.
fn add_new(
    repo: &Repository,
    ids: &HashMap<Vec<u8>, git2::Oid>,
    prefix: &[u8],
    name: &[u8],
    kind: TreeEntryKind,
    entries: &[git2::IndexEntry],
    files: &mut Vec<StagedFile>,
) -> Option<()> {
    if kind == TreeEntryKind::Tree {
        return compare_directory(repo, ids, &subdirectory(prefix, name), None, entries, files);
    }
    let entry = &entries[0];
    if entry.mode != GITLINK && !entry.id.is_zero() {
        files.push(StagedFile {
            old: None,
            new: entry.id,
            path: display_path(&entry.path),
            new_path: true,
        });
    }
    Some(())
}

/// 1-based numbers of the lines of `new` that `old` does not have anywhere (all of them when
/// there is no `old`). A line moved or copied within the file adds nothing: whatever secret it
/// holds, HEAD already had it. Comparing line sets instead of running a diff reads each blob
/// once, and `WordHasher` hashes a line a word at a time (the diff's line hashing was a sixth
/// of a staged scan).
fn added_lines(old: Option<&BlobBytes>, new: &BlobBytes) -> BTreeSet<usize> {
    let old_lines: HashSet<&[u8], WordHashing> = match old {
        Some(old) => lines(old.content()).collect(),
        None => HashSet::default(),
    };
    (1..)
        .zip(lines(new.content()))
        .filter(|(_, line)| !old_lines.contains(line))
        .map(|(number, _)| number)
        .collect()
}

/// The lines of `text`, without their `\n` (a last line without one counts).
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    body.split(|&b| b == b'\n').filter(move |_| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn lines_split_like_git_counts_them() {
        let collect = |t: &'static [u8]| lines(t).collect::<Vec<_>>();
        assert_eq!(collect(b"a\nb\n"), vec![&b"a"[..], b"b"]);
        assert_eq!(collect(b"a\nb"), vec![&b"a"[..], b"b"]);
        assert_eq!(collect(b"a\n\n"), vec![&b"a"[..], b""]);
        assert!(collect(b"").is_empty());
    }
}
