//! `--staged`: the blobs in the index that differ from HEAD, read from the object database
//! (never the working tree), with the lines each adds. Only findings touching an added line
//! are reported, so a secret already in HEAD does not block every later commit, and a file
//! renamed as a whole adds nothing. Nothing here writes to the index or the working tree.

use std::cell::RefCell;
use std::collections::BTreeMap;

use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, Repository};

use crate::pipeline::{ChangeScope, Pipeline};
use crate::source::git::{display_path, scan_blob};
use crate::source::{Origin, SourceKind};

/// One file the index changes.
struct StagedFile {
    oid: git2::Oid,
    path: String,
    scope: ChangeScope,
}

/// Scans what the index adds relative to HEAD (everything staged, on an unborn branch).
pub fn scan(pipeline: &Pipeline, repo: &Repository) -> anyhow::Result<()> {
    let files = staged_files(repo, pipeline.max_file_size)?;
    for file in files {
        let origin = Origin::new(file.path.clone(), SourceKind::Staged);
        let found = scan_blob(pipeline, repo, file.oid, &origin, Some(&file.scope));
        pipeline.keep(found);
    }
    Ok(())
}

/// Diffs HEAD's tree against the index (renames found, no context lines) and collects each
/// changed file's new blob and added line numbers.
fn staged_files(repo: &Repository, max_size: u64) -> anyhow::Result<Vec<StagedFile>> {
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree()?),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(anyhow::anyhow!("HEAD cannot be read: {}", e.message())),
    };
    let index = repo
        .index()
        .map_err(|e| anyhow::anyhow!("the index cannot be read: {}", e.message()))?;
    let mut options = DiffOptions::new();
    options
        .context_lines(0)
        .force_text(true)
        .include_typechange(true)
        .ignore_submodules(true)
        .max_size(i64::try_from(max_size).unwrap_or(i64::MAX));
    let mut diff = repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut options))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true).copies(false)))?;

    // Keyed by the path's bytes, so the per-line callback looks files up without allocating.
    let files: RefCell<BTreeMap<Vec<u8>, StagedFile>> = RefCell::new(BTreeMap::new());
    let mut on_file = |delta: git2::DiffDelta, _progress: f32| {
        let new = delta.new_file();
        let status = delta.status();
        let skipped = matches!(
            status,
            Delta::Deleted | Delta::Unmodified | Delta::Ignored | Delta::Untracked
        ) || new.mode() == FileMode::Commit
            || new.id().is_zero();
        if !skipped {
            let raw_path = new.path_bytes().unwrap_or_default().to_vec();
            let path = display_path(&raw_path);
            let scope = ChangeScope {
                added_lines: Default::default(),
                new_path: matches!(status, Delta::Added | Delta::Renamed | Delta::Copied),
            };
            files.borrow_mut().insert(
                raw_path,
                StagedFile {
                    oid: new.id(),
                    path,
                    scope,
                },
            );
        }
        true
    };
    let mut on_line = |delta: git2::DiffDelta, _hunk: Option<git2::DiffHunk>, line: git2::DiffLine| {
        if line.origin() == '+'
            && let (Some(number), Some(path)) = (line.new_lineno(), delta.new_file().path_bytes())
            && let Some(file) = files.borrow_mut().get_mut(path)
        {
            file.scope.added_lines.insert(number as usize);
        }
        true
    };
    diff.foreach(&mut on_file, None, None, Some(&mut on_line))?;
    Ok(files.into_inner().into_values().collect())
}
