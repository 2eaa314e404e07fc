//! `--staged`: the blobs in the index that differ from HEAD, read from the object database
//! (never the working tree), with the lines each adds. Only findings touching an added line
//! are reported, so a secret already in HEAD does not block every later commit, and a file
//! renamed as a whole adds nothing. Nothing here writes to the index or the working tree.

use std::collections::BTreeSet;

use rayon::prelude::*;

use git2::{Blob, Delta, DiffFindOptions, DiffOptions, FileMode, Patch, Repository};

use crate::finding::Finding;
use crate::pipeline::{ChangeScope, Pipeline};
use crate::source::git::display_path;
use crate::source::{Origin, SourceKind};

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

/// Reads a staged file's blobs once, finds the lines the new one adds (a zero-context diff of
/// the two blobs in memory) and scans it. Over the size limit, nothing is inflated.
fn scan_file(pipeline: &Pipeline, repo: &Repository, file: &StagedFile, origin: &Origin) -> Vec<Finding> {
    let unreadable = |oid: git2::Oid, e: git2::Error| {
        pipeline.error(&format!(
            "{}: object {oid} is missing or corrupt: {}",
            origin.path,
            e.message()
        ));
        Vec::new()
    };
    let size_of = |oid| {
        repo.odb()
            .and_then(|odb| odb.read_header(oid))
            .map(|(size, _)| size as u64)
    };
    match size_of(file.new) {
        Ok(size) if size > pipeline.max_file_size => {
            pipeline.skip_too_large(origin, size);
            return Vec::new();
        }
        Ok(_) => {}
        Err(e) => return unreadable(file.new, e),
    }
    let new = match repo.find_blob(file.new) {
        Ok(blob) => blob,
        Err(e) => return unreadable(file.new, e),
    };
    // An old version over the size limit is not read: every line of the new one counts as added.
    let old = match file.old.map(|oid| (oid, size_of(oid))) {
        Some((oid, Ok(size))) if size <= pipeline.max_file_size => match repo.find_blob(oid) {
            Ok(blob) => Some(blob),
            Err(e) => return unreadable(oid, e),
        },
        Some((_, Ok(_))) | None => None,
        Some((oid, Err(e))) => return unreadable(oid, e),
    };
    let scope = ChangeScope {
        added_lines: match added_lines(old.as_ref(), &new) {
            Ok(lines) => lines,
            Err(e) => {
                pipeline.error(&format!(
                    "{}: the change cannot be diffed: {}",
                    origin.path,
                    e.message()
                ));
                return Vec::new();
            }
        },
        new_path: file.new_path,
    };
    pipeline.findings_in(new.content(), origin, Some(&scope))
}

/// 1-based numbers of the lines `new` adds to `old` (all of them when there is no `old`).
fn added_lines(old: Option<&Blob>, new: &Blob) -> Result<BTreeSet<usize>, git2::Error> {
    let Some(old) = old else {
        let text = new.content();
        let lines = memchr::memchr_iter(b'\n', text).count() + usize::from(!text.is_empty() && !text.ends_with(b"\n"));
        return Ok((1..=lines).collect());
    };
    let mut options = DiffOptions::new();
    options.context_lines(0).force_text(true);
    let patch = Patch::from_blobs(old, None, new, None, Some(&mut options))?;
    let mut added = BTreeSet::new();
    for hunk in 0..patch.num_hunks() {
        for line in 0..patch.num_lines_in_hunk(hunk)? {
            let line = patch.line_in_hunk(hunk, line)?;
            if line.origin() == '+'
                && let Some(number) = line.new_lineno()
            {
                added.insert(number as usize);
            }
        }
    }
    Ok(added)
}
