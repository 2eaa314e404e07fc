//! Work trees and files on disk, walked in parallel with `ignore` as git would see them: hidden
//! files scanned, `.git/` skipped, `.gitignore` and `.git/info/exclude` honoured, the user's
//! global excludes not (results must not depend on the machine). Symlinks are never followed;
//! FIFOs, sockets and devices are never opened.

use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

use crate::origin::{Origin, SourceKind};
use crate::pipeline::Pipeline;

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkSettings {
    pub threads: usize,
    /// `--no-ignore`: scan what `.gitignore` hides too.
    pub no_ignore: bool,
}

/// A path to scan and the root its findings are relative to.
#[derive(Debug, Clone)]
pub struct ScanRoot {
    pub path: PathBuf,
    pub base: PathBuf,
}

impl ScanRoot {
    /// Resolves a user's PATH: findings are relative to the repository's top level when PATH is
    /// inside one, else to PATH itself (its directory, for a file).
    pub fn resolve(path: &Path) -> std::io::Result<ScanRoot> {
        let path = path.canonicalize()?;
        let dir = if path.is_dir() {
            path.clone()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_else(|| path.clone())
        };
        let base = repository_top(&dir).unwrap_or(dir);
        Ok(ScanRoot { path, base })
    }
}

/// The nearest ancestor holding `.git` (a directory, or a file for worktrees and submodules).
pub fn repository_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// `path` relative to `base`, `/`-separated, lossy for names that are not UTF-8.
pub fn relative_display(path: &Path, base: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    let text = relative.to_string_lossy();
    if text.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        text.into_owned()
    }
}

pub fn scan(pipeline: &Pipeline, root: &ScanRoot, settings: &WalkSettings) {
    let mut builder = WalkBuilder::new(&root.path);
    builder
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .git_ignore(!settings.no_ignore)
        .git_exclude(!settings.no_ignore)
        .parents(!settings.no_ignore)
        .follow_links(false)
        .threads(settings.threads)
        .filter_entry(|entry| entry.file_name() != ".git");
    builder.build_parallel().run(|| {
        Box::new(|result| {
            match result {
                Ok(entry) => match entry.file_type() {
                    Some(t) if t.is_file() => scan_file(pipeline, entry.path(), &root.base, entry.depth() == 0),
                    Some(t) if !t.is_dir() && pipeline.verbose => pipeline.note(&format!(
                        "{}: skipped, {}",
                        relative_display(entry.path(), &root.base),
                        if t.is_symlink() {
                            "a symbolic link (links are never followed)"
                        } else {
                            "not a regular file (FIFO, socket or device)"
                        }
                    )),
                    _ => {}
                },
                Err(error) => walk_error(pipeline, &error),
            }
            WalkState::Continue
        })
    });
}

fn walk_error(pipeline: &Pipeline, error: &ignore::Error) {
    match error.io_error().map(|e| e.kind()) {
        Some(ErrorKind::NotFound) => pipeline.warn(&format!("{error} (it vanished during the walk)")),
        _ => pipeline.error(&error.to_string()),
    }
}

/// Reads one regular file, bounded by the size limit, and scans it. `is_root`: the user named
/// this path, so a symbolic link there is followed (as ripgrep does); inside a walk it never is.
fn scan_file(pipeline: &Pipeline, path: &Path, base: &Path, is_root: bool) {
    let origin = Origin::new(relative_display(path, base), SourceKind::Worktree);
    match read_bounded(path, pipeline.max_file_size, is_root) {
        Ok(Contents::Whole(bytes)) => pipeline.scan_bytes(&bytes, &origin),
        Ok(Contents::TooLarge(size)) => pipeline.skip_too_large(&origin, size),
        Ok(Contents::NotRegular) => pipeline.warn(&format!("{}: is no longer a regular file; skipped", origin.path)),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            pipeline.warn(&format!("{}: vanished before it could be read", origin.path))
        }
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => pipeline.warn(&format!(
            "{}: became a symbolic link during the walk; not followed",
            origin.path
        )),
        Err(e) => pipeline.error(&format!("{}: cannot be read: {e}", origin.path)),
    }
}

enum Contents {
    Whole(Vec<u8>),
    TooLarge(u64),
    /// Replaced by a FIFO, socket or device since the walk saw a regular file.
    NotRegular,
}

/// Reads a file whole unless it is over `limit`, checked before reading and again while
/// reading (it may grow), so memory stays bounded by the limit.
///
/// The walk saw a regular file, but the path may have been swapped since: opening does not
/// block (a FIFO would wait for a writer forever) and, below the root, does not follow a link;
/// what was opened is checked to be a regular file before a byte is read.
fn read_bounded(path: &Path, limit: u64, follow_link: bool) -> std::io::Result<Contents> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = libc::O_NONBLOCK | if follow_link { 0 } else { libc::O_NOFOLLOW };
    let mut file = std::fs::OpenOptions::new().read(true).custom_flags(flags).open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Ok(Contents::NotRegular);
    }
    let size = metadata.len();
    if size > limit {
        return Ok(Contents::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Contents::TooLarge(bytes.len() as u64));
    }
    Ok(Contents::Whole(bytes))
}
