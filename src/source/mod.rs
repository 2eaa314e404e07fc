//! Sources turn what the user points at into blobs with provenance (`Origin`): a work tree, the
//! index (`--staged`), a repository's history, or standard input.
//!
//! `Source` is the one way a command drives any of them: `open` does what must happen before
//! the config is known (find the root, open the repository, start reading the index), `root`
//! says where the config is looked for, and `scan` feeds the pipeline. A new source is a new
//! variant here and nowhere else.

pub mod git_blob;
pub mod history;
pub mod push;
pub mod receive;
pub mod staged;
pub mod stdin;
pub mod worktree;

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use anyhow::anyhow;
use git2::Repository;

use crate::git::commits::Start;
use crate::pipeline::Pipeline;
use crate::settings::{ScanSettings, Target};
use history::{Coverage, HistorySettings, Progress};
use staged::StagedFile;
use worktree::{ScanRoot, WalkSettings};

/// An opened source, ready to scan once the config is loaded.
pub enum Source {
    /// Files and directories on disk.
    Paths(Vec<ScanRoot>),
    /// Standard input, as one blob.
    Stdin,
    /// The index against HEAD; reading it started in `open` and overlaps loading the rules.
    Staged {
        root: PathBuf,
        files: JoinHandle<anyhow::Result<Vec<StagedFile>>>,
    },
    /// Commits of one repository: every ref, or a range.
    History {
        repo: Repository,
        settings: HistorySettings,
        /// `--pre-receive`: the refs the push moves, for the rejection message.
        received: Vec<receive::ReceivedRef>,
    },
}

/// What a source reports besides findings.
#[derive(Debug, Default)]
pub struct Scanned {
    /// History only: the commits and blobs the scan covered.
    pub coverage: Option<Coverage>,
    /// `--pre-receive`: the refs the push moves.
    pub received: Vec<receive::ReceivedRef>,
}

impl Source {
    /// Resolves the target: paths are checked, the repository opened, the index read (on a
    /// thread of its own). Fails with a hint when the target cannot be scanned at all.
    pub fn open(settings: &ScanSettings) -> anyhow::Result<Source> {
        Ok(match &settings.target {
            Target::Paths(paths) => {
                Source::Paths(paths.iter().map(|p| resolve_root(p)).collect::<anyhow::Result<_>>()?)
            }
            Target::Stdin => Source::Stdin,
            Target::Staged => {
                let opened = crate::git::open(None)?;
                if opened.is_bare() {
                    anyhow::bail!(
                        "{} is a bare repository: it has no index, so nothing is staged\nhint: scan what it holds with `leaktrap scan --history`; to reject pushes that add a secret, install the server hook: `leaktrap hook install --pre-receive`",
                        opened.path().display()
                    );
                }
                let root = crate::git::root(&opened);
                let files = std::thread::spawn(move || staged::staged_files(&opened));
                Source::Staged { root, files }
            }
            Target::PrePush { remote } => {
                let repo = crate::git::open(None)?;
                let pushed = push::pushed_commits(&repo, remote.as_deref(), &hook_input("--pre-push")?)?;
                Source::pushed(repo, pushed, Vec::new(), settings.threads)
            }
            Target::PreReceive { .. } => {
                let repo = crate::git::open(None)?;
                let received = receive::received_commits(&repo, &hook_input("--pre-receive")?)?;
                Source::pushed(repo, received.starts, received.refs, settings.threads)
            }
            Target::History { paths, range, shard } => {
                let path = match paths.as_slice() {
                    [] => None,
                    [one] => Some(one.as_path()),
                    _ => {
                        anyhow::bail!("one repository at a time here; `leaktrap scan --history A B` scans each in turn")
                    }
                };
                let repo = crate::git::open(path)?;
                let limit = path.and_then(|p| path_limit(&repo, p));
                Source::History {
                    repo,
                    settings: HistorySettings {
                        range: range.clone(),
                        pushed: None,
                        limit,
                        threads: settings.threads,
                        shard: *shard,
                    },
                    received: Vec::new(),
                }
            }
        })
    }

    /// The commits a push sends or adds, walked from `starts`.
    fn pushed(repo: Repository, starts: Vec<Start>, received: Vec<receive::ReceivedRef>, threads: usize) -> Source {
        Source::History {
            repo,
            settings: HistorySettings {
                range: None,
                pushed: Some(starts),
                limit: None,
                threads,
                shard: None,
            },
            received,
        }
    }

    /// Where `.leaktrap.yaml` is looked for and findings' paths are relative to; `None` for
    /// standard input, which has no root.
    pub fn root(&self) -> Option<PathBuf> {
        match self {
            Source::Paths(roots) => roots.first().map(|r| r.base.clone()),
            Source::Stdin => None,
            Source::Staged { root, .. } => Some(root.clone()),
            Source::History { repo, .. } => Some(crate::git::root(repo)),
        }
    }

    /// Whether `scan` updates `progress` (a history walk does; the others are too quick to need it).
    pub fn reports_progress(&self) -> bool {
        matches!(self, Source::History { .. })
    }

    /// Feeds every blob of the source through the pipeline.
    pub fn scan(self, pipeline: &Pipeline, settings: &ScanSettings, progress: &Progress) -> anyhow::Result<Scanned> {
        match self {
            Source::Paths(roots) => {
                let walk = WalkSettings {
                    threads: settings.threads,
                    no_ignore: settings.no_ignore,
                };
                for root in &roots {
                    worktree::scan(pipeline, root, &walk);
                }
            }
            Source::Stdin => stdin::scan(pipeline)?,
            Source::Staged { files, .. } => {
                // This thread would only wait for the index to be read and compared with HEAD.
                pipeline.scanner.warm_up();
                let files = files
                    .join()
                    .map_err(|_| anyhow!("reading the index failed unexpectedly"))??;
                staged::scan(pipeline, files, settings.threads, staged::open_worker)?;
            }
            Source::History {
                repo,
                settings,
                received,
            } => {
                let covered = history::scan(pipeline, &repo, &settings, progress)?;
                if covered.shallow {
                    pipeline.warn("this is a shallow clone: history is truncated, so only the commits it holds were scanned (git fetch --unshallow scans the rest)");
                }
                if settings.pushed.is_some() {
                    // A push of nothing new, or of deletions only, is the usual case.
                } else if covered.commits == 0 {
                    pipeline.warn("no commits to scan (an empty repository, or an empty range)");
                } else if covered.blobs == 0 {
                    pipeline.warn(&format!("{} commit(s) but no new blobs to scan", covered.commits));
                }
                return Ok(Scanned {
                    coverage: Some(covered),
                    received,
                });
            }
        }
        Ok(Scanned::default())
    }
}

/// The ref lines git gives a pre-push or pre-receive hook on standard input.
fn hook_input(flag: &str) -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut input)
        .map_err(|e| anyhow!("{flag}: cannot read the refs git passes on standard input: {e}"))?;
    Ok(input)
}

/// For `--history PATH` with PATH inside a repository's work tree: the part of the tree to scan
/// (like `git log -- PATH`), relative to the top level and `/`-separated; `None` for the top
/// level itself or a bare repository.
fn path_limit(repo: &Repository, path: &Path) -> Option<String> {
    let top = repo.workdir()?.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    let inside = path.strip_prefix(&top).ok()?;
    let limit = inside.to_string_lossy().replace('\\', "/");
    (!limit.is_empty()).then_some(limit)
}

fn resolve_root(path: &Path) -> anyhow::Result<ScanRoot> {
    let root = ScanRoot::resolve(path).map_err(|e| {
        if e.kind() == ErrorKind::NotFound {
            anyhow!(
                "{}: no such file or directory\nhint: check the path; `leaktrap scan` with no path scans the current directory",
                path.display()
            )
        } else {
            anyhow!("{}: cannot be scanned: {e}", path.display())
        }
    })?;
    refuse_git_directory(path, &root.path)?;
    Ok(root)
}

/// A work-tree scan of git's own files (a bare repository, or a `.git` directory) would report
/// hooks and config, not code, and miss every committed file: refused, with the command that
/// scans what such a directory holds.
fn refuse_git_directory(given: &Path, path: &Path) -> anyhow::Result<()> {
    let looks_like_git_dir =
        |dir: &Path| dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir();
    let Some(git_dir) = path.ancestors().find(|dir| looks_like_git_dir(dir)) else {
        return Ok(());
    };
    let Ok(repo) = Repository::open_ext(
        git_dir,
        git2::RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&Path>(),
    ) else {
        return Ok(());
    };
    match repo.workdir() {
        None => Err(anyhow!(
            "{}: is a bare repository, which has no work tree: its files are git's own\nhint: scan the commits it holds with `leaktrap scan --history {}`",
            given.display(),
            git_dir.display()
        )),
        Some(work_tree) => Err(anyhow!(
            "{}: is inside the git directory of {}: its files are git's own\nhint: scan the work tree with `leaktrap scan {}`, or its history with `leaktrap scan --history {}`",
            given.display(),
            work_tree.display(),
            work_tree.display(),
            work_tree.display()
        )),
    }
}
