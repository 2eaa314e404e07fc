//! Finding the repositories beneath a directory that is not itself in one (`scan --history
//! DIR` over a folder of clones): work trees (a `.git` directory or file) and bare
//! repositories, each counted once however it is reached (a linked worktree shares its main
//! repository's objects), never descending into a `.git` or a bare repository's own folders.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// How deep beneath the named directory repositories are looked for: a folder of clones, or
/// an organisation's mirror laid out by group, is a few levels deep; a symlink loop or a
/// hostile tree does not make the walk endless.
const MAX_DEPTH: usize = 12;

/// The repositories at or beneath `dir`, in path order. A repository git cannot open is kept
/// (by its own path) so that the scan reports it rather than passing it over.
pub fn repositories_beneath(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    walk(dir, 0, &mut found, &mut seen);
    found.sort();
    found
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) {
    if looks_bare(dir) {
        keep(dir, found, seen);
        return;
    }
    if dir.join(".git").exists() {
        keep(dir, found, seen);
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut children: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.file_name() != ".git")
        .map(|e| e.path())
        .collect();
    children.sort();
    for child in children {
        walk(&child, depth + 1, found, seen);
    }
}

/// A bare repository's layout: `HEAD`, `objects/` and `refs/` side by side.
fn looks_bare(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

/// Records `dir` unless a repository with the same object store is already recorded.
fn keep(dir: &Path, found: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) {
    let key = git2::Repository::open(dir)
        .ok()
        .and_then(|repo| repo.commondir().canonicalize().ok())
        .unwrap_or_else(|| dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
    if seen.insert(key) {
        found.push(dir.to_path_buf());
    }
}
