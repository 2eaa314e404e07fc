//! Command-line definitions (clap) and their translation into `Settings`. Nothing below
//! `main` sees a clap type.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;
use crate::settings::{ColorChoice, Command, ScanSettings, Settings, Target};

#[derive(Debug, Parser)]
#[command(
    name = "leaktrap",
    version,
    about = "Find secrets in work trees, staged changes and git history.",
    after_help = "Exit codes: 0 no findings, 1 findings (or --exit-code N), 2 usage, config or runtime error."
)]
pub struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// Scan files, standard input, the index or history for secrets.
    Scan(ScanArgs),
    /// Record the current findings as accepted (-o FILE); later scans with --baseline FILE
    /// report only new ones.
    Baseline(ScanArgs),
    /// List or show the rules in effect.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Validate or create a config file.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Combine the JSON reports of sharded scans into one report, deduplicated and sorted
    /// (exit 1 when it holds findings).
    Merge {
        /// JSON or JSONL reports written by `leaktrap scan --format json|jsonl`.
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = CliFormat::Json)]
        format: CliFormat,
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Install or remove a git hook: pre-commit (`leaktrap scan --staged`), pre-push or, on a
    /// server, pre-receive.
    Hook {
        #[command(subcommand)]
        command: HookCommand,
    },
}

#[derive(Debug, Subcommand)]
enum HookCommand {
    /// Write the pre-commit hook, or with --pre-push the pre-push hook, or with --pre-receive
    /// the server's pre-receive hook (an existing hook is kept and runs first).
    Install {
        #[command(flatten)]
        hook: WhichHook,
        /// Replace an existing hook instead of chaining it, even one leaktrap chained earlier
        /// (it is saved as <hook>.leaktrap-backup).
        #[arg(long)]
        force: bool,
    },
    /// Remove leaktrap's hook and restore what was there before.
    Uninstall {
        #[command(flatten)]
        hook: WhichHook,
    },
}

/// Which hook `hook install` and `hook uninstall` handle, and in which repository.
#[derive(Debug, Args)]
struct WhichHook {
    /// The pre-push hook (`leaktrap scan --pre-push`) instead of the pre-commit one.
    #[arg(long, conflicts_with = "pre_receive")]
    pre_push: bool,
    /// The pre-receive hook (`leaktrap scan --pre-receive`) of a server repository, usually a
    /// bare one: it rejects pushes that add a secret.
    #[arg(long)]
    pre_receive: bool,
    /// The repository whose hook it is (default: the one git would use here).
    #[arg(long, value_name = "DIR")]
    git_dir: Option<PathBuf>,
}

impl WhichHook {
    fn kind(&self) -> crate::settings::HookKind {
        if self.pre_receive {
            crate::settings::HookKind::PreReceive
        } else if self.pre_push {
            crate::settings::HookKind::PrePush
        } else {
            crate::settings::HookKind::PreCommit
        }
    }
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// One line per rule: id, severity, name, keywords.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Config whose rules to list (default: the embedded pack).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// A rule's description, remediation, regex and examples.
    Show {
        id: String,
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Validate a config file (default: .leaktrap.yaml here); exit 2 with the reason if broken.
    Check { file: Option<PathBuf> },
    /// Write a commented starter .leaktrap.yaml at the repository's top level (or here).
    Init,
    /// Print a .leaktrap.yaml equivalent to a gitleaks config; what cannot be translated is
    /// listed on standard error.
    ImportGitleaks { file: PathBuf },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CliFormat {
    Text,
    Json,
    Jsonl,
    Sarif,
    Junit,
    Csv,
    /// One self-contained page for people: summary, charts, a filterable table, what to do.
    Html,
}

impl From<CliFormat> for Format {
    fn from(format: CliFormat) -> Format {
        match format {
            CliFormat::Text => Format::Text,
            CliFormat::Json => Format::Json,
            CliFormat::Jsonl => Format::Jsonl,
            CliFormat::Sarif => Format::Sarif,
            CliFormat::Junit => Format::Junit,
            CliFormat::Csv => Format::Csv,
            CliFormat::Html => Format::Html,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CliOnTimeout {
    /// Reject the push (the default).
    Reject,
    /// Accept it, with a warning.
    Accept,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CliColor {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
struct ScanArgs {
    /// Files or directories to scan (default: the current directory).
    paths: Vec<PathBuf>,
    /// Scan standard input.
    #[arg(long, conflicts_with_all = ["paths", "staged", "history"])]
    stdin: bool,
    /// Scan what the index adds relative to HEAD (for a pre-commit hook).
    #[arg(long, conflicts_with_all = ["paths", "history"])]
    staged: bool,
    /// Scan the commits a push sends that the remote lacks, from the lines git gives a pre-push
    /// hook on standard input (a new branch: commits on no remote-tracking ref; deletions are
    /// skipped). REMOTE is the hook's first argument.
    #[arg(long, value_name = "REMOTE", num_args = 0..=1, default_missing_value = "", require_equals = true,
          conflicts_with_all = ["paths", "history", "staged", "stdin"])]
    pre_push: Option<String>,
    /// On a git server: scan what a push adds, from the lines git gives a pre-receive hook on
    /// standard input (commits reachable from the new tips and from no existing ref, the pushed
    /// objects read from git's quarantine); the push is rejected on a finding or an error.
    #[arg(long, conflicts_with_all = ["paths", "history", "staged", "stdin", "pre_push"])]
    pre_receive: bool,
    /// With --pre-receive: give up after this many seconds (default: the config's
    /// pre_receive.timeout, else none) and reject the push, or accept it with --on-timeout accept.
    #[arg(long, value_name = "SECONDS", requires = "pre_receive")]
    timeout: Option<u64>,
    /// With --pre-receive: what a timeout does to the push.
    #[arg(long, value_enum, requires = "pre_receive")]
    on_timeout: Option<CliOnTimeout>,
    /// Scan every commit reachable from any ref; each PATH is a repository (default: here), or
    /// a directory or file inside one, which limits the scan to what is under it.
    #[arg(long)]
    history: bool,
    /// With --history: only commits in B and not in A (`A..B`, any revspec git accepts).
    #[arg(long, value_name = "A..B", requires = "history")]
    range: Option<String>,
    /// With --history: scan only this share K of N of the blobs (for a CI matrix; combine the
    /// JSON reports with `leaktrap merge`).
    #[arg(long, value_name = "K/N", requires = "history")]
    shard: Option<crate::settings::Shard>,
    /// With --shard over several repositories: one with fewer commits than this is scanned
    /// whole by a single job, a bigger one is split by blobs across all jobs (0 splits every
    /// repository).
    #[arg(long, value_name = "COMMITS", requires = "shard", default_value_t = crate::settings::SHARD_WHOLE_BELOW)]
    shard_whole: usize,
    /// Config file (default: .leaktrap.yaml at the scanned root).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report only findings whose fingerprints are not in this baseline (see `leaktrap baseline`).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CliFormat::Text)]
    format: CliFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print secrets in full (they are redacted by default).
    #[arg(long)]
    show_secrets: bool,
    /// Exit code when there are findings.
    #[arg(long, value_name = "N", default_value_t = 1)]
    exit_code: u8,
    /// Skip files larger than this many bytes, counted and named in the summary (default: scan
    /// every file, streaming large ones; or the config's max_file_size).
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// Open archives (zip, jar, tar, gzip, ...) nested up to this deep and scan their entries;
    /// 0 searches archives as binary files instead.
    #[arg(long, value_name = "N", default_value_t = 3)]
    archive_depth: u32,
    /// Worker threads (default: the number of CPUs).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    #[arg(long, value_enum, default_value_t = CliColor::Auto)]
    color: CliColor,
    /// Ignore `leaktrap:allow` / `gitleaks:allow` comments (for audits).
    #[arg(long)]
    no_inline_allow: bool,
    /// Also scan files that .gitignore and .git/info/exclude hide.
    #[arg(long)]
    no_ignore: bool,
    /// No summary line on standard error.
    #[arg(short, long)]
    quiet: bool,
    /// Explain skipped files and suppressed findings on standard error.
    #[arg(short, long)]
    verbose: bool,
    /// Run every rule on every blob (for testing that the prefilter changes nothing).
    #[arg(long, hide = true)]
    no_prefilter: bool,
}

impl Cli {
    pub fn into_settings(self) -> Settings {
        let command = match self.command {
            CliCommand::Scan(args) => Command::Scan(args.into_settings()),
            CliCommand::Baseline(args) => Command::Baseline(args.into_settings()),
            CliCommand::Rules { command } => match command {
                RulesCommand::List { format, config } => Command::RulesList {
                    json: matches!(format, ListFormat::Json),
                    config,
                },
                RulesCommand::Show { id, config } => Command::RulesShow { id, config },
            },
            CliCommand::Config { command } => match command {
                ConfigCommand::Check { file } => Command::ConfigCheck { file },
                ConfigCommand::Init => Command::ConfigInit,
                ConfigCommand::ImportGitleaks { file } => Command::ImportGitleaks { file },
            },
            CliCommand::Merge {
                reports,
                format,
                output,
            } => Command::Merge {
                reports,
                format: format.into(),
                output,
            },
            CliCommand::Hook { command } => match command {
                HookCommand::Install { hook, force } => Command::HookInstall {
                    kind: hook.kind(),
                    force,
                    git_dir: hook.git_dir,
                },
                HookCommand::Uninstall { hook } => Command::HookUninstall {
                    kind: hook.kind(),
                    git_dir: hook.git_dir,
                },
            },
        };
        Settings { command }
    }
}

impl ScanArgs {
    fn into_settings(self) -> ScanSettings {
        let target = if self.stdin {
            Target::Stdin
        } else if self.staged {
            Target::Staged
        } else if let Some(remote) = self.pre_push {
            Target::PrePush {
                remote: Some(remote).filter(|r| !r.is_empty()),
            }
        } else if self.pre_receive {
            Target::PreReceive {
                timeout: self.timeout,
                on_timeout: self.on_timeout.map(|policy| match policy {
                    CliOnTimeout::Reject => crate::config::OnTimeout::Reject,
                    CliOnTimeout::Accept => crate::config::OnTimeout::Accept,
                }),
            }
        } else if self.history {
            Target::History {
                paths: self.paths,
                range: self.range,
                shard: self.shard.map(|shard| crate::settings::Shard {
                    whole_below: self.shard_whole,
                    ..shard
                }),
            }
        } else if self.paths.is_empty() {
            Target::Paths(vec![PathBuf::from(".")])
        } else {
            Target::Paths(self.paths)
        };
        ScanSettings {
            target,
            config: self.config,
            baseline: self.baseline,
            format: self.format.into(),
            output: self.output,
            show_secrets: self.show_secrets,
            exit_code: self.exit_code,
            max_file_size: self.max_file_size,
            archive_depth: self.archive_depth,
            threads: self
                .threads
                .filter(|&n| n > 0)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            color: match self.color {
                CliColor::Auto => ColorChoice::Auto,
                CliColor::Always => ColorChoice::Always,
                CliColor::Never => ColorChoice::Never,
            },
            inline_allow: !self.no_inline_allow,
            no_ignore: self.no_ignore,
            quiet: self.quiet,
            verbose: self.verbose,
            prefilter: !self.no_prefilter,
        }
    }
}
