//! `--staged`: the blobs in the index that differ from HEAD, read from the object database
//! (never the working tree), with the lines each adds. Only findings touching an added line
//! are reported, so a secret already in HEAD does not block every later commit, and a file
//! renamed as a whole adds nothing. Nothing here writes to the index or the working tree.

use std::collections::{BTreeSet, HashSet};

use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, Repository};
use rayon::prelude::*;

use crate::finding::Finding;
use crate::pipeline::{ChangeScope, Pipeline};
use crate::source::git::{BlobBytes, BoundedBlob, display_path, read_blob, report_unreadable};
use crate::source::{Origin, SourceKind, WordHashing};

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
    let repo = crate::source::git::open(None)?;
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
    let index = repo
        .index()
        .map_err(|e| anyhow::anyhow!("the index cannot be read: {}", e.message()))?;
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
/// scans it. Over the size limit, nothing is inflated.
fn scan_file(pipeline: &Pipeline, repo: &Repository, file: &StagedFile, origin: &Origin) -> Vec<Finding> {
    let limit = pipeline.max_file_size;
    let new = match read_blob(repo, None, file.new, limit) {
        Ok(BoundedBlob::Within(blob)) => blob,
        Ok(BoundedBlob::TooLarge(size)) => {
            pipeline.skip_too_large(origin, size);
            return Vec::new();
        }
        Err(e) => {
            report_unreadable(pipeline, origin, file.new, &e);
            return Vec::new();
        }
    };
    // An old version over the size limit is not read: every line of the new one counts as added.
    let old = match file.old.map(|oid| (oid, read_blob(repo, None, oid, limit))) {
        Some((_, Ok(BoundedBlob::Within(blob)))) => Some(blob),
        Some((_, Ok(BoundedBlob::TooLarge(_)))) | None => None,
        Some((oid, Err(e))) => {
            report_unreadable(pipeline, origin, oid, &e);
            return Vec::new();
        }
    };
    let scope = ChangeScope {
        added_lines: added_lines(old.as_ref(), &new),
        new_path: file.new_path,
    };
    pipeline.findings_in(new.content(), origin, Some(&scope))
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
