//! `leaktrap scan`: open the source, load the config, run the pipeline, report. `collect` is
//! shared with `leaktrap baseline`, which writes the same findings as fingerprints.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::baseline::{BaselineEntry, BaselineFile};
use crate::config::Config;
use crate::exit_status::ExitStatus;
use crate::filter::Filter;
use crate::finding::Finding;
use crate::output::{Output, deliver};
use crate::pipeline::{Pipeline, PipelineOptions, Stats};
use crate::progress::{human_bytes, peak_memory, progress_display, summary};
use crate::report;
use crate::scan::{ScanOptions, Scanner};
use crate::settings::{ColorChoice, ScanSettings, Shard, Target};
use crate::source::history::{Coverage, Progress};
use crate::source::receive::{ReceivedRef, refs_reaching};
use crate::source::{Scanned, Source};

/// What a scan collected, before it is reported.
pub struct Collected {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub scanner: Scanner,
    pub coverage: Option<Coverage>,
    pub stale_baseline: Vec<BaselineEntry>,
    /// `--pre-receive`: the refs the push moves.
    pub received: Vec<ReceivedRef>,
}

impl Collected {
    /// Anything that could not be read makes the scan incomplete, whatever it found.
    pub fn is_complete(&self) -> bool {
        Stats::get(&self.stats.errors) == 0
    }
}

pub fn run(settings: &ScanSettings) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let output = settings.output.as_deref().map(Output::check).transpose()?;
    let collected = collect(settings, started)?;
    let color = match settings.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let context = match settings.format {
        report::Format::Html => {
            let scanned = summary(
                &collected.stats,
                collected.coverage.as_ref(),
                collected.findings.len(),
                started,
            );
            let secrets: Vec<&[u8]> = collected.findings.iter().map(|f| f.raw_secret.as_slice()).collect();
            let scanned = scanned.strip_prefix("leaktrap: ").unwrap_or(&scanned).to_string();
            report::RunContext::of_this_run(
                settings.target.describe(),
                scanned,
                collected.scanner.rules.rules.len(),
                &secrets,
            )
        }
        _ => report::RunContext::default(),
    };
    let rendered = report::render(
        settings.format,
        &collected.findings,
        color,
        &collected.scanner.rules,
        &context,
    );
    let status = if !collected.is_complete() {
        ExitStatus::Error
    } else if collected.findings.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings(settings.exit_code)
    };
    deliver(output.as_ref(), &rendered)?;
    finish(settings, &collected, started);
    // The process ends next, which frees everything at once; freeing the rules' compiled regexes
    // and their per-thread caches one by one took 2-4 ms after a work-tree scan, on one thread.
    std::mem::forget(collected);
    Ok(status)
}

/// Stale-baseline notes and the summary line.
pub fn finish(settings: &ScanSettings, collected: &Collected, started: Instant) {
    if settings.verbose {
        for entry in &collected.stale_baseline {
            eprintln!(
                "leaktrap: note: baseline entry {} ({} in {}) matched nothing: the secret is gone, or the file moved",
                entry.fingerprint,
                entry.rule_id,
                report::escape_control(&entry.path)
            );
        }
        if let Some(peak) = peak_memory() {
            eprintln!("leaktrap: note: peak memory {} ({peak} bytes)", human_bytes(peak));
        }
    }
    if !settings.quiet {
        eprintln!(
            "{}",
            summary(
                &collected.stats,
                collected.coverage.as_ref(),
                collected.findings.len(),
                started
            )
        );
    }
    if let Target::PreReceive { .. } = settings.target {
        // Printed even with -q: the pusher sees nothing else of why the push failed.
        if let Some(rejected) = rejected_message(collected) {
            eprintln!("{rejected}");
        }
    } else if let Some(blocked) = blocked_message(settings, &collected.findings) {
        // Printed even with -q: it is the one line a person at a blocked commit needs.
        eprintln!("{blocked}");
    }
}

/// Why the server rejected a push, finding by finding with the ref that would have received
/// it, and what the pusher (or the server's admin) can do; `None` for a push let through.
fn rejected_message(collected: &Collected) -> Option<String> {
    if !collected.is_complete() {
        return Some(
            "leaktrap: push rejected: part of what it adds could not be read (the errors above name it), and this gate never lets through what it did not scan\nhint: push again; if it fails the same way, ask the server's admin to run `git fsck` in the repository"
                .to_string(),
        );
    }
    if collected.findings.is_empty() {
        return None;
    }
    let repo = crate::git::open(None).ok();
    let mut lines = vec![format!(
        "leaktrap: push rejected: it adds {}:",
        if collected.findings.len() == 1 {
            "a secret"
        } else {
            "secrets"
        }
    )];
    for finding in &collected.findings {
        let commit = finding.commit.as_deref().unwrap_or("");
        let refs = repo
            .as_ref()
            .map(|repo| refs_reaching(repo, &collected.received, commit).join(", "))
            .unwrap_or_default();
        let place = if finding.line > 0 {
            format!("{}:{}", finding.path, finding.line)
        } else {
            format!("{}@{}", finding.path, finding.offset.unwrap_or(0))
        };
        lines.push(format!(
            "leaktrap:   {} {} {} {} {}",
            if refs.is_empty() { "(ref)" } else { refs.as_str() },
            &commit[..commit.len().min(12)],
            report::escape_control(&place),
            finding.rule_id,
            report::escape_control(&finding.secret)
        ));
    }
    lines.push(format!(
        "hint: remove the secret from those commits (git rebase -i, or git commit --amend for the last one) and push again; then rotate it, since it may already be copied (`leaktrap rules show {}` says how). If it is not a secret, add a `leaktrap:allow` comment on its line, or ask the server's admin to allowlist it in the repository's .leaktrap.yaml",
        collected.findings[0].rule_id
    ));
    Some(lines.join("\n"))
}

/// For a gate that blocks (`--staged`, `--pre-push`), the ways out in the order to take them:
/// remove the secret, rotate it, or mark a false positive; skipping the hook last.
fn blocked_message(settings: &ScanSettings, findings: &[Finding]) -> Option<String> {
    let (what, remove, skip) = match settings.target {
        Target::Staged => (
            "commit",
            "remove it from the staged file (git add it again)",
            "git commit --no-verify",
        ),
        Target::PrePush { .. } => (
            "push",
            "remove it from the commits (git commit --amend, or git rebase -i)",
            "git push --no-verify",
        ),
        _ => return None,
    };
    if findings.is_empty() {
        return None;
    }
    let mut rules: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let secrets = if findings.len() == 1 { "a secret" } else { "secrets" };
    Some(format!(
        "leaktrap: {what} blocked: it adds {secrets}. First {remove}, then rotate it, since it may already be copied (`leaktrap rules show {}` says how); if it is not a secret, add a `leaktrap:allow` comment on its line, an allowlist entry in .leaktrap.yaml, or a baseline (`leaktrap baseline -o .leaktrap-baseline.json`); to {what} anyway: `{skip}`",
        rules[0]
    ))
}

/// Opens the source, loads the config, runs the pipeline, and collects sorted findings.
/// `--history A B` scans each repository in turn, with its own config, as one report; a PATH
/// that is not in a repository stands for every repository beneath it.
pub fn collect(settings: &ScanSettings, started: Instant) -> anyhow::Result<Collected> {
    let Target::History { paths, .. } = &settings.target else {
        return collect_one(settings, started);
    };
    let repositories = repositories(paths)?;
    if repositories.len() < 2 && paths.len() < 2 && repositories.first().map(|r| &r.path) == paths.first() {
        return collect_one(settings, started);
    }
    let shard = match &settings.target {
        Target::History { shard, .. } => *shard,
        _ => None,
    };
    let shares: Vec<(&Found, Option<Shard>)> = repositories
        .iter()
        .filter_map(|found| match share(found, shard) {
            Share::Whole => Some((found, None)),
            Share::Blobs(shard) => Some((found, Some(shard))),
            Share::AnotherJob => {
                if settings.verbose {
                    eprintln!("leaktrap: {}: scanned whole by another shard", found.path.display());
                }
                None
            }
        })
        .collect();
    let on_terminal = !settings.quiet && std::io::stderr().is_terminal();
    let mut all: Option<Collected> = None;
    let mut broken = 0u64;
    let mut last_error = None;
    for (n, (Found { path, .. }, shard)) in shares.iter().enumerate() {
        if on_terminal {
            eprintln!(
                "leaktrap: repository {}/{}: {} ({} to go)",
                n + 1,
                shares.len(),
                path.display(),
                shares.len() - n - 1
            );
        }
        let one = ScanSettings {
            target: match &settings.target {
                Target::History { range, .. } => Target::History {
                    paths: vec![path.clone()],
                    range: range.clone(),
                    shard: *shard,
                },
                other => other.clone(),
            },
            ..settings.clone()
        };
        let mut collected = match collect_one(&one, started) {
            Ok(collected) => collected,
            Err(e) => {
                // One broken repository must not hide the others' secrets: say which, go on,
                // and let the exit code say the audit is incomplete.
                eprintln!(
                    "leaktrap: {}: cannot be scanned: {e:#}\nhint: the other repositories are still scanned and the run exits 2; run `git fsck` in this one",
                    path.display()
                );
                broken += 1;
                last_error = Some(e);
                continue;
            }
        };
        // Paths are repository-relative: with several repositories, each names its own.
        let top = git2::Repository::discover(path).map_or_else(|_| path.clone(), |repo| crate::git::root(&repo));
        let top = top.canonicalize().unwrap_or(top);
        let repository = crate::source::worktree::shown_path(&top);
        let repository = repository.trim_end_matches('/');
        for finding in &mut collected.findings {
            finding.path = format!("{repository}/{}", finding.path);
            finding.repository = Some(repository.to_string());
            for also in finding.also_at.iter_mut().flatten() {
                *also = format!("{repository}/{also}");
            }
        }
        all = Some(match all {
            None => collected,
            Some(mut so_far) => {
                so_far.absorb(collected);
                so_far
            }
        });
    }
    match (all, last_error) {
        (Some(all), _) => {
            all.stats.errors.fetch_add(broken, std::sync::atomic::Ordering::Relaxed);
            Ok(all)
        }
        (None, Some(e)) => Err(e),
        (None, None) => nothing_collected(settings),
    }
}

/// A repository found for `scan --history`, with the name sharded jobs agree on.
struct Found {
    path: PathBuf,
    /// Its path beneath the folder named on the command line (the PATH itself when it was
    /// named directly): the same in every job, wherever the folder is mounted.
    key: String,
}

/// What this job scans of one repository.
enum Share {
    Whole,
    /// This job's share of its blobs.
    Blobs(Shard),
    /// A small repository another job scans whole.
    AnotherJob,
}

/// With `--shard` over several repositories, small ones go whole to the job their key hashes
/// to and big ones are split by blobs; without it, each is scanned whole.
fn share(found: &Found, shard: Option<Shard>) -> Share {
    let Some(shard) = shard else { return Share::Whole };
    let small = git2::Repository::open(&found.path)
        .ok()
        .and_then(|repo| crate::git::commits::fewer_commits_than(&repo, shard.whole_below));
    match small {
        Some(true) if shard.owns(&found.key) => Share::Whole,
        Some(true) => Share::AnotherJob,
        // A repository that cannot be walked is every job's: each reports it.
        Some(false) | None => Share::Blobs(shard),
    }
}

/// The report of a job whose shard holds none of the repositories: empty, and complete.
fn nothing_collected(settings: &ScanSettings) -> anyhow::Result<Collected> {
    let config = match &settings.config {
        Some(file) => Config::load(file)?,
        None => Config::defaults()?,
    };
    Ok(Collected {
        findings: Vec::new(),
        stats: Stats::default(),
        scanner: Scanner::new(
            config.rules,
            ScanOptions {
                prefilter: settings.prefilter,
                decode: true,
            },
        ),
        coverage: Some(Coverage::default()),
        stale_baseline: Vec::new(),
        received: Vec::new(),
    })
}

/// The repositories the PATHs name: a PATH in a repository is that repository (or the part of
/// it beneath PATH); a directory that is not is searched for repositories beneath it.
fn repositories(paths: &[PathBuf]) -> anyhow::Result<Vec<Found>> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() || git2::Repository::discover(path).is_ok() {
            out.push(Found {
                path: path.clone(),
                key: path.to_string_lossy().into_owned(),
            });
            continue;
        }
        let beneath = crate::git::discover::repositories_beneath(path);
        if beneath.is_empty() {
            anyhow::bail!(
                "{}: no git repository in it or beneath it\nhint: name a repository, or a folder of clones, e.g. `leaktrap scan --history ~/src`",
                path.display()
            );
        }
        out.extend(beneath.into_iter().map(|found| {
            Found {
                key: found
                    .strip_prefix(path)
                    .unwrap_or(&found)
                    .to_string_lossy()
                    .into_owned(),
                path: found,
            }
        }));
    }
    Ok(out)
}

impl Collected {
    /// Adds another repository's results to these.
    fn absorb(&mut self, other: Collected) {
        self.findings.extend(other.findings);
        self.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.stats.absorb(&other.stats);
        if let (Some(mine), Some(theirs)) = (&mut self.coverage, &other.coverage) {
            mine.commits += theirs.commits;
            mine.blobs += theirs.blobs;
            mine.shallow |= theirs.shallow;
        }
        // An entry is stale only if no repository matched it.
        self.stale_baseline.retain(|entry| other.stale_baseline.contains(entry));
    }
}

fn collect_one(settings: &ScanSettings, started: Instant) -> anyhow::Result<Collected> {
    let source = Source::open(settings)?;
    let root = source.root();
    let config = match &root {
        Some(root) => Config::discover(settings.config.as_deref(), root)?,
        None => match &settings.config {
            Some(file) => Config::load(file)?,
            None => Config::defaults()?,
        },
    };
    if let (true, Some(file)) = (config.from_gitleaks, &config.file) {
        if !settings.quiet {
            eprintln!(
                "leaktrap: config: {} (a gitleaks config, read as is; `leaktrap config import-gitleaks` translates it to .leaktrap.yaml)",
                file.display()
            );
        }
        for warning in &config.warnings {
            eprintln!("warning: {}: {warning}", file.display());
        }
    }
    let ignored = match root.as_ref().map(|r| r.join(".gitleaksignore")).filter(|f| f.is_file()) {
        Some(file) => {
            let (entries, warnings) = crate::gitleaks::read_ignore(&file, &config.rules)?;
            for warning in warnings {
                eprintln!("warning: {warning}");
            }
            entries
        }
        None => Vec::new(),
    };
    let skip_push = match &settings.target {
        Target::PreReceive { timeout, on_timeout } => {
            let policy = &config.pre_receive;
            let timeout = timeout.map(std::time::Duration::from_secs).or(policy.timeout);
            if let Some(timeout) = timeout {
                watch_the_clock(timeout, on_timeout.unwrap_or(policy.on_timeout));
            }
            skip_requested(policy.allow_skip, config.file.as_deref())
        }
        _ => false,
    };
    let max_file_size = settings.max_file_size.or(config.max_file_size);
    let scanner = Scanner::new(
        config.rules,
        ScanOptions {
            prefilter: settings.prefilter,
            decode: true,
        },
    );
    let baseline = settings.baseline.as_deref().map(BaselineFile::load).transpose()?;
    let filter = Filter {
        allowlist: config.allowlist,
        inline_allow: settings.inline_allow,
        baseline: baseline.as_ref().map(|b| b.fingerprint_set()),
        ignored,
        ..Filter::default()
    };
    let pipeline = Pipeline::new(
        scanner,
        filter,
        PipelineOptions {
            show_secrets: settings.show_secrets,
            max_file_size,
            verbose: settings.verbose,
            archives: crate::archive::Limits {
                depth: settings.archive_depth,
                entry_bytes: max_file_size.unwrap_or(u64::MAX).min(crate::pipeline::HOLD_WHOLE),
                ..crate::archive::Limits::default()
            },
        },
    );
    let progress = Progress::default();
    let show_progress = source.reports_progress() && !settings.quiet && std::io::stderr().is_terminal();
    let done = AtomicBool::new(false);
    let scanned: Scanned = std::thread::scope(|scope| {
        if show_progress {
            scope.spawn(|| progress_display(&pipeline, &progress, &done, started));
        }
        let result = if skip_push {
            Ok(Scanned::default())
        } else {
            source.scan(&pipeline, settings, &progress)
        };
        done.store(true, Ordering::Relaxed);
        result
    })?;
    let mut matched = pipeline.filter.baseline_matched();
    let verbose = pipeline.verbose;
    let (mut findings, stats, scanner) = pipeline.into_findings();
    if let Some(baseline) = &baseline {
        for (finding, entry) in baseline.take_moved(&mut findings, &matched) {
            stats.suppressed.fetch_add(1, Ordering::Relaxed);
            if verbose {
                eprintln!(
                    "leaktrap: note: {}:{}: {} suppressed by baseline entry {} (accepted at {}: the file moved)",
                    report::escape_control(&finding.path),
                    finding.line,
                    finding.rule_id,
                    entry.fingerprint,
                    report::escape_control(&entry.path)
                );
            }
            matched.insert(entry.fingerprint.clone());
        }
    }
    let stale_baseline = baseline
        .map(|b| {
            b.fingerprints
                .into_iter()
                .filter(|e| !matched.contains(&e.fingerprint))
                .collect()
        })
        .unwrap_or_default();
    Ok(Collected {
        findings,
        stats,
        scanner,
        coverage: scanned.coverage,
        stale_baseline,
        received: scanned.received,
    })
}

/// The push option that asks the server hook to let a push through unscanned.
const SKIP_OPTION: &str = "leaktrap.skip";

/// Whether the pusher gave `-o leaktrap.skip` and the server's config allows it; either way
/// the request is logged, since the hook's standard error reaches both the pusher and the
/// server's log.
fn skip_requested(allowed: bool, config: Option<&std::path::Path>) -> bool {
    let count: usize = std::env::var("GIT_PUSH_OPTION_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let asked = (0..count).any(|i| std::env::var(format!("GIT_PUSH_OPTION_{i}")).is_ok_and(|o| o == SKIP_OPTION));
    if !asked {
        return false;
    }
    let config = config.map_or_else(
        || "the repository's .leaktrap.yaml".to_string(),
        |c| c.display().to_string(),
    );
    if allowed {
        eprintln!(
            "leaktrap: warning: push accepted without a scan: the pusher gave `-o {SKIP_OPTION}`, which {config} allows (pre_receive.allow_skip)"
        );
    } else {
        eprintln!(
            "leaktrap: `-o {SKIP_OPTION}` is not allowed here ({config} does not set pre_receive.allow_skip): the push is scanned as usual"
        );
    }
    allowed
}

/// Ends the process when the scan outlives `timeout`: a push is never left hanging. The
/// policy says whether the push is then rejected (exit 2) or accepted with a warning (exit 0).
fn watch_the_clock(timeout: std::time::Duration, policy: crate::config::OnTimeout) {
    std::thread::spawn(move || {
        std::thread::sleep(timeout);
        let seconds = timeout.as_secs();
        match policy {
            crate::config::OnTimeout::Reject => {
                eprintln!(
                    "leaktrap: push rejected: the scan did not finish within {seconds} s, and this gate never lets through what it did not scan\nhint: push fewer commits at a time, or ask the server's admin to raise pre_receive.timeout (or set pre_receive.on_timeout: accept) in the repository's .leaktrap.yaml"
                );
                std::process::exit(i32::from(ExitStatus::Error.code()));
            }
            crate::config::OnTimeout::Accept => {
                eprintln!(
                    "leaktrap: warning: the scan did not finish within {seconds} s: the push is accepted unscanned, as pre_receive.on_timeout says"
                );
                std::process::exit(0);
            }
        }
    });
}
