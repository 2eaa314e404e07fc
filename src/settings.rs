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
        force: bool,
    },
    HookUninstall,
}

/// What a scan reads.
#[derive(Debug, Clone)]
pub enum Target {
    Paths(Vec<PathBuf>),
    Stdin,
    /// What the index adds relative to HEAD (pre-commit).
    Staged,
    /// Commits of a repository (`path`, else the one git would use here), all refs or a range.
    History {
        path: Option<PathBuf>,
        range: Option<String>,
    },
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
    pub threads: usize,
    pub color: ColorChoice,
    pub inline_allow: bool,
    pub no_ignore: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub prefilter: bool,
}
