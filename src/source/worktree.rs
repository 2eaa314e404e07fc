//! Work trees and files on disk, walked in parallel with `ignore` as git would see them: hidden
//! files scanned, `.git/` skipped, `.gitignore` and `.git/info/exclude` honoured, the user's
//! global excludes not (results must not depend on the machine). Symlinks are never followed;
//! FIFOs, sockets and devices are never opened.

use std::io::ErrorKind;
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

/// A path as a person at this terminal can click it, as ripgrep prints it: relative to the
/// current directory when beneath it, else absolute. `path` is canonical.
pub fn shown_path(path: &Path) -> String {
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().and_then(|d| d.canonicalize()).ok());
    match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(relative) if !relative.as_os_str().is_empty() => relative.to_string_lossy().into_owned(),
        _ => path.to_string_lossy().into_owned(),
    }
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
                        shown_path(entry.path()),
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

/// Reads one regular file and scans it: whole up to `HOLD_WHOLE`, streamed beyond, not at all
/// over `--max-file-size`. `is_root`: the user named this path, so a symbolic link there is
/// followed (as ripgrep does); inside a walk it never is.
fn scan_file(pipeline: &Pipeline, path: &Path, base: &Path, is_root: bool) {
    let relative = relative_display(path, base);
    let shown = shown_path(path);
    let mut origin = Origin::new(shown, SourceKind::Worktree);
    if origin.path != relative {
        origin.root_relative = Some(relative);
    }
    let result = match open_regular(path, is_root) {
        Ok(Some((_, size))) if pipeline.over_limit(size) => {
            pipeline.skip_too_large(&origin, size);
            Ok(())
        }
        Ok(Some((mut file, size))) => pipeline.scan_reader(&mut file, size, &origin),
        Ok(None) => {
            pipeline.warn(&format!("{}: is no longer a regular file; skipped", origin.path));
            Ok(())
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {}
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

/// Opens a file the walk saw as regular, and its size; `None` if it is no longer one.
///
/// The path may have been swapped since: opening does not block (a FIFO would wait for a
/// writer forever) and, below the root, does not follow a link; what was opened is checked to
/// be a regular file before a byte is read.
fn open_regular(path: &Path, follow_link: bool) -> std::io::Result<Option<(std::fs::File, u64)>> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = libc::O_NONBLOCK | if follow_link { 0 } else { libc::O_NOFOLLOW };
    let file = std::fs::OpenOptions::new().read(true).custom_flags(flags).open(path)?;
    let metadata = file.metadata()?;
    Ok(metadata.is_file().then_some((file, metadata.len())))
}
