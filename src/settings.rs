//! `Settings`: everything a run needs, parsed once from the command line. Tests build these
//! directly.

use std::path::PathBuf;

use crate::report::Format;

#[derive(Debug, Clone)]
pub struct Settings {
    pub command: Command,
}

#[derive(Debug, Clone)]
pub enum Command {
    Scan(ScanSettings),
    /// A scan whose findings are written to `output` as an accepted baseline.
    Baseline(ScanSettings),
    RulesList {
        json: bool,
        config: Option<PathBuf>,
    },
    RulesShow {
        id: String,
        config: Option<PathBuf>,
    },
    ConfigCheck {
        file: Option<PathBuf>,
    },
    ConfigInit,
    ImportGitleaks {
        file: PathBuf,
    },
    HookInstall {
        kind: HookKind,
        force: bool,
        /// `--git-dir`: the repository whose hooks to write (default: the one git would use).
        git_dir: Option<PathBuf>,
    },
    /// Combine JSON reports (of sharded scans) into one report.
    Merge {
        reports: Vec<PathBuf>,
        format: Format,
        output: Option<PathBuf>,
    },
    HookUninstall {
        kind: HookKind,
        git_dir: Option<PathBuf>,
    },
}

/// Which git hook leaktrap writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookKind {
    /// `scan --staged`: blocks a commit that adds a secret.
    PreCommit,
    /// `scan --pre-push`: blocks a push whose new commits add one.
    PrePush,
    /// `scan --pre-receive`, on the server: rejects a push that adds one.
    PreReceive,
}

impl HookKind {
    /// The hook's file name in the hooks directory.
    pub fn file_name(self) -> &'static str {
        match self {
            HookKind::PreCommit => "pre-commit",
            HookKind::PrePush => "pre-push",
            HookKind::PreReceive => "pre-receive",
        }
    }
}

/// What a scan reads.
#[derive(Debug, Clone)]
pub enum Target {
    Paths(Vec<PathBuf>),
    Stdin,
    /// What the index adds relative to HEAD (pre-commit).
    Staged,
    /// The commits a `git push` sends that the remote does not have: git's pre-push lines on
    /// standard input; `remote` is the hook's first argument (the remote's name, or its URL).
    PrePush {
        remote: Option<String>,
    },
    /// What a push adds to this (server) repository: git's pre-receive lines on standard
    /// input; the commits reachable from the new tips and from no existing ref.
    PreReceive {
        /// `--timeout`: seconds the scan may take (else the config's `pre_receive.timeout`).
        timeout: Option<u64>,
        /// `--on-timeout`: else the config's `pre_receive.on_timeout`.
        on_timeout: Option<crate::config::OnTimeout>,
    },
    /// Commits of the repositories at `paths` (none: the one git would use here), all refs or a
    /// range. A path inside a repository's work tree limits the scan to files under it.
    History {
        paths: Vec<PathBuf>,
        range: Option<String>,
        shard: Option<Shard>,
    },
}

impl Target {
    /// What is scanned, in words, for a report's account of the run (the HTML report's
    /// context): the repositories or paths, and for history the refs or the range.
    pub fn describe(&self) -> String {
        let shown = |paths: &[PathBuf]| -> String {
            if paths.is_empty() {
                return "the current repository".to_string();
            }
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Target::Paths(paths) => format!("files under {}", shown(paths)),
            Target::Stdin => "standard input".to_string(),
            Target::Staged => "what the index adds to HEAD (pre-commit)".to_string(),
            Target::PrePush { remote } => format!(
                "the commits a push sends to {}",
                remote.as_deref().unwrap_or("the remote")
            ),
            Target::PreReceive { .. } => "what a push adds to this repository (pre-receive)".to_string(),
            Target::History { paths, range, shard } => {
                let mut text = format!(
                    "history of {}, {}",
                    shown(paths),
                    match range {
                        Some(range) => format!("range {range}"),
                        None => "every ref".to_string(),
                    }
                );
                if let Some(shard) = shard {
                    text.push_str(&format!(", shard {}/{}", shard.index + 1, shard.count));
                }
                text
            }
        }
    }
}

/// `--shard K/N`: this job's share of a history scan, so that N CI jobs split the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based.
    pub index: u64,
    pub count: u64,
    /// Over several repositories, one with fewer commits than this goes whole to one job (by
    /// the hash of its path), so that a job opens only its own small repositories; a bigger
    /// one is split by blobs like a single repository.
    pub whole_below: usize,
}

/// `--shard-whole`'s default: a repository under 10,000 commits (express, flask, requests)
/// scans in a few seconds on one core, less than the spread between jobs; git/git (85,000)
/// takes minutes and is worth splitting.
pub const SHARD_WHOLE_BELOW: usize = 10_000;

impl Shard {
    /// Whether this shard scans the blobs first seen at `path`. All versions of a path land in
    /// the same shard, so per-path dedup works as in an unsharded scan. FNV-1a keeps the split
    /// the same on every machine and every build.
    pub fn owns(&self, path: &str) -> bool {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in path.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash % self.count == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("'{text}' is not K/N with 1 <= K <= N (e.g. 2/4)");
        let (k, n) = text.split_once('/').ok_or_else(usage)?;
        let k: u64 = k.trim().parse().map_err(|_| usage())?;
        let n: u64 = n.trim().parse().map_err(|_| usage())?;
        if n == 0 || k == 0 || k > n {
            return Err(usage());
        }
        Ok(Shard {
            index: k - 1,
            count: n,
            whole_below: SHARD_WHOLE_BELOW,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub target: Target,
    pub config: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub show_secrets: bool,
    pub exit_code: u8,
    pub max_file_size: Option<u64>,
    /// `--archive-depth`: how deep nested archives are opened; 0 opens none.
    pub archive_depth: u32,
    pub threads: usize,
    pub color: ColorChoice,
    pub inline_allow: bool,
    pub no_ignore: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub prefilter: bool,
}
