//! Runs one command from `Settings` and returns the process exit code. Errors end here: they are
//! printed with their context and hint, and become exit code 2.

use std::fs::OpenOptions;
use std::io::{ErrorKind, IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::config::{Config, DEFAULT_MAX_FILE_SIZE};
use crate::filter::Filter;
use crate::pipeline::{Pipeline, Stats};
use crate::report;
use crate::rules::RuleSet;
use crate::scan::{ScanOptions, Scanner};
use crate::settings::{ColorChoice, Command, ScanSettings, Settings, Target};
use crate::source::history::{self, HistorySettings};
use crate::source::worktree::{self, ScanRoot, WalkSettings};
use crate::source::{git, staged};

/// No findings.
pub const EXIT_CLEAN: u8 = 0;
/// Usage, config or runtime error, including anything that could not be read.
pub const EXIT_ERROR: u8 = 2;

/// `run`, with a panic (always a bug) reported without its details and turned into exit 2: an
/// incomplete scan must never look like a pass, and a panic message could quote scanned text.
pub fn run_guarded(settings: &Settings) -> u8 {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("{}", panic_report(info.payload(), info.location()))
    }));
    exit_code_of(|| run(settings))
}

/// The exit code of `run`, or `EXIT_ERROR` when it panicked (in any thread it joined).
fn exit_code_of(run: impl FnOnce() -> u8) -> u8 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or(EXIT_ERROR)
}

/// What a panic prints: where it happened and, only when it is a fixed string from the source
/// (`expect("...")`), its message. A formatted message may hold scanned content, so it is withheld.
fn panic_report(payload: &(dyn std::any::Any + Send), location: Option<&std::panic::Location>) -> String {
    let place = location.map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
    let detail = payload
        .downcast_ref::<&'static str>()
        .map_or("details withheld, they may quote scanned content", |message| message);
    format!(
        "leaktrap: internal error{place} ({detail}); the scan is incomplete. Please report this bug \
         with the command line, not the scanned files."
    )
}

pub fn run(settings: &Settings) -> u8 {
    let result = match &settings.command {
        Command::Scan(scan_settings) => scan(scan_settings),
        Command::Baseline(scan_settings) => baseline(scan_settings),
        Command::RulesList { json, config } => rules_list(*json, config.as_deref()),
        Command::RulesShow { id, config } => rules_show(id, config.as_deref()),
        Command::ConfigCheck { file } => config_check(file.as_deref()),
        Command::ConfigInit => config_init(),
        Command::ImportGitleaks { file } => import_gitleaks(file),
        Command::Merge {
            reports,
            format,
            output,
        } => merge(reports, *format, output.as_deref()),
        Command::HookInstall { force } => crate::hook::install(*force),
        Command::HookUninstall => crate::hook::uninstall(),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return EXIT_CLEAN;
            }
            let message = format!("{error:#}");
            let lines: Vec<String> = message.lines().map(report::escape_control).collect();
            eprintln!("leaktrap: error: {}", lines.join("\n"));
            EXIT_ERROR
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == ErrorKind::BrokenPipe)
    })
}

/// What a scan collected, before it is reported.
struct Collected {
    findings: Vec<crate::finding::Finding>,
    stats: Stats,
    scanner: Scanner,
    coverage: Option<history::Coverage>,
    stale_baseline: Vec<crate::baseline::BaselineEntry>,
}

fn scan(settings: &ScanSettings) -> anyhow::Result<u8> {
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
    let rendered = report::render(settings.format, &collected.findings, color, &collected.scanner.rules);
    let code = if Stats::get(&collected.stats.errors) > 0 {
        EXIT_ERROR
    } else if collected.findings.is_empty() {
        EXIT_CLEAN
    } else {
        settings.exit_code
    };
    match output {
        Some(output) => output.write(&rendered)?,
        None => {
            if let Err(e) = write_stdout(&rendered) {
                if e.kind() == ErrorKind::BrokenPipe {
                    return Ok(code);
                }
                return Err(e).context("could not write to standard output");
            }
        }
    }
    finish(settings, &collected, started);
    // The process ends next, which frees everything at once; freeing the rules' compiled regexes
    // and their per-thread caches one by one took 2-4 ms after a work-tree scan, on one thread.
    std::mem::forget(collected);
    Ok(code)
}

/// `leaktrap baseline`: a scan whose findings are written as accepted fingerprints (exit 0
/// unless the scan itself failed).
fn baseline(settings: &ScanSettings) -> anyhow::Result<u8> {
    let started = Instant::now();
    let Some(path) = settings.output.as_deref() else {
        bail!("leaktrap baseline needs -o FILE\nhint: leaktrap baseline -o .leaktrap-baseline.json");
    };
    let output = Output::check(path)?;
    let collected = collect(settings, started)?;
    if Stats::get(&collected.stats.errors) > 0 {
        bail!("the scan could not read everything, so no baseline was written");
    }
    let file = crate::baseline::BaselineFile::from_findings(&collected.findings);
    output.write(&file.to_json())?;
    if !settings.quiet {
        eprintln!(
            "leaktrap: wrote {} fingerprint(s) to {}",
            file.fingerprints.len(),
            path.display()
        );
    }
    finish(settings, &collected, started);
    Ok(EXIT_CLEAN)
}

/// Stale-baseline notes and the summary line.
fn finish(settings: &ScanSettings, collected: &Collected, started: Instant) {
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
}

/// Opens the source, loads the config, runs the pipeline, and collects sorted findings.
fn collect(settings: &ScanSettings, started: Instant) -> anyhow::Result<Collected> {
    let mut roots = Vec::new();
    let mut repo = None;
    let mut staged_files = None;
    let config_root = match &settings.target {
        Target::Paths(paths) => {
            roots = paths
                .iter()
                .map(|p| resolve_root(p))
                .collect::<anyhow::Result<Vec<_>>>()?;
            Some(roots[0].base.clone())
        }
        Target::Stdin => None,
        Target::Staged => {
            // Reading the index and diffing it against HEAD overlaps loading the rules.
            let opened = git::open(None)?;
            let root = git::root(&opened);
            staged_files = Some(std::thread::spawn(move || staged::staged_files(&opened)));
            Some(root)
        }
        Target::History { path, .. } => Some(git::root(repo.insert(git::open(path.as_deref())?))),
    };
    let config = match config_root {
        Some(root) => Config::discover(settings.config.as_deref(), &root)?,
        None => match &settings.config {
            Some(file) => Config::load(file)?,
            None => Config::defaults()?,
        },
    };
    let max_file_size = settings
        .max_file_size
        .or(config.max_file_size)
        .unwrap_or(DEFAULT_MAX_FILE_SIZE);
    let scanner = Scanner::new(
        config.rules,
        ScanOptions {
            prefilter: settings.prefilter,
            decode: true,
        },
    );
    let baseline = settings
        .baseline
        .as_deref()
        .map(crate::baseline::BaselineFile::load)
        .transpose()?;
    let filter = Filter {
        allowlist: config.allowlist,
        inline_allow: settings.inline_allow,
        baseline: baseline.as_ref().map(|b| b.fingerprint_set()),
        ..Filter::default()
    };
    let pipeline = Pipeline::new(scanner, filter, settings.show_secrets, max_file_size, settings.verbose);
    let mut coverage = None;
    match &settings.target {
        Target::Paths(_) => {
            let walk = WalkSettings {
                threads: settings.threads,
                no_ignore: settings.no_ignore,
            };
            for root in &roots {
                worktree::scan(&pipeline, root, &walk);
            }
        }
        Target::Stdin => crate::source::stdin::scan(&pipeline)?,
        Target::Staged => {
            // This thread would only wait for the index to be read and compared with HEAD.
            pipeline.scanner.warm_up();
            let files = staged_files
                .take()
                .expect("started above")
                .join()
                .map_err(|_| anyhow::anyhow!("reading the index failed unexpectedly"))??;
            staged::scan(&pipeline, files, settings.threads, staged::open_worker)?
        }
        Target::History { range, shard, .. } => {
            let history_settings = HistorySettings {
                range: range.clone(),
                threads: settings.threads,
                shard: *shard,
            };
            let progress = history::Progress::default();
            let show_progress = !settings.quiet && std::io::stderr().is_terminal();
            let done = std::sync::atomic::AtomicBool::new(false);
            let covered = std::thread::scope(|scope| {
                if show_progress {
                    scope.spawn(|| progress_display(&pipeline, &progress, &done, started));
                }
                let result = history::scan(
                    &pipeline,
                    repo.as_ref().expect("opened above"),
                    &history_settings,
                    &progress,
                );
                done.store(true, std::sync::atomic::Ordering::Relaxed);
                result
            })?;
            if covered.shallow {
                pipeline.warn("this is a shallow clone: history is truncated, so only the commits it holds were scanned (git fetch --unshallow scans the rest)");
            }
            if covered.commits == 0 {
                pipeline.warn("no commits to scan (an empty repository, or an empty range)");
            } else if covered.blobs == 0 {
                pipeline.warn(&format!("{} commit(s) but no new blobs to scan", covered.commits));
            }
            coverage = Some(covered);
        }
    }
    let matched = pipeline.filter.baseline_matched();
    let stale_baseline = baseline
        .map(|b| {
            b.fingerprints
                .into_iter()
                .filter(|e| !matched.contains(&e.fingerprint))
                .collect()
        })
        .unwrap_or_default();
    let (findings, stats, scanner) = pipeline.into_findings();
    Ok(Collected {
        findings,
        stats,
        scanner,
        coverage,
        stale_baseline,
    })
}

/// A one-line progress display on a terminal's standard error, redrawn a few times a second.
fn progress_display(
    pipeline: &Pipeline,
    progress: &history::Progress,
    done: &std::sync::atomic::AtomicBool,
    started: Instant,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut drawn = false;
    while !done.load(Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let blobs_total = progress.blobs_total.load(Relaxed);
        let bytes = Stats::get(&pipeline.stats.bytes);
        let rate = bytes as f64 / started.elapsed().as_secs_f64().max(0.001);
        // The blob total grows while the walk still finds new blobs.
        let line = format!(
            "commits {}/{}, blobs {}/{blobs_total}, {} ({}/s)",
            progress.commits_walked.load(Relaxed),
            progress.commits_total.load(Relaxed),
            Stats::get(&pipeline.stats.blobs),
            human_bytes(bytes),
            human_bytes(rate as u64)
        );
        eprint!("\r\x1b[2K{line}");
        drawn = true;
    }
    if drawn {
        eprint!("\r\x1b[2K");
    }
}

fn resolve_root(path: &Path) -> anyhow::Result<ScanRoot> {
    ScanRoot::resolve(path).map_err(|e| {
        if e.kind() == ErrorKind::NotFound {
            anyhow::anyhow!("{}: no such file or directory\nhint: check the path; `leaktrap scan` with no path scans the current directory", path.display())
        } else {
            anyhow::anyhow!("{}: cannot be scanned: {e}", path.display())
        }
    })
}

fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}

/// The one-line summary on standard error.
fn summary(stats: &Stats, coverage: Option<&history::Coverage>, findings: usize, started: Instant) -> String {
    let blobs = Stats::get(&stats.blobs);
    let bytes = Stats::get(&stats.bytes);
    let binary = Stats::get(&stats.skipped_binary);
    let large = Stats::get(&stats.skipped_large);
    let errors = Stats::get(&stats.errors);
    let mut line = match coverage {
        Some(c) => format!(
            "leaktrap: scanned {} commit{}, {blobs} unique blob{} ({})",
            c.commits,
            plural(c.commits as u64),
            plural(blobs),
            human_bytes(bytes)
        ),
        None => format!(
            "leaktrap: scanned {blobs} file{} ({})",
            plural(blobs),
            human_bytes(bytes)
        ),
    };
    if binary + large > 0 {
        line.push_str(&format!(", skipped {binary} binary and {large} over the size limit"));
    }
    let suppressed = Stats::get(&stats.suppressed);
    if suppressed > 0 {
        line.push_str(&format!(", {suppressed} suppressed"));
    }
    line.push_str(&format!(", {findings} finding{}", plural(findings as u64)));
    if errors > 0 {
        line.push_str(&format!(
            ", {errors} error{} (exit 2: the scan is incomplete)",
            plural(errors)
        ));
    }
    line.push_str(&format!(" in {:.2}s", started.elapsed().as_secs_f64()));
    line
}

/// This process's peak resident memory, from Linux's `/proc/self/status` (`VmHWM`, which, unlike
/// `getrusage`, does not carry over the memory of the process that started us).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    kib.trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()
        .map(|k| k * 1024)
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Where `-o` writes: a regular (or new) file is replaced atomically with mode 0600; a device or
/// FIFO (`/dev/null`, `/dev/stdout`) is written straight through.
pub struct Output {
    path: PathBuf,
    straight_through: bool,
}

impl Output {
    /// Fails before any scanning when the report could not be written.
    pub fn check(path: &Path) -> anyhow::Result<Output> {
        if path == Path::new("-") {
            return Ok(Output {
                path: PathBuf::from("/dev/stdout"),
                straight_through: true,
            });
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => bail!(
                "{}: is a directory\nhint: give --output a file name, e.g. -o report.json",
                path.display()
            ),
            Ok(meta) => Ok(Output {
                path: path.to_path_buf(),
                straight_through: !meta.is_file(),
            }),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let parent = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                if !parent.is_dir() {
                    bail!(
                        "{}: its directory {} does not exist\nhint: create it first",
                        path.display(),
                        parent.display()
                    );
                }
                Ok(Output {
                    path: path.to_path_buf(),
                    straight_through: false,
                })
            }
            Err(e) => bail!("{}: cannot be written: {e}", path.display()),
        }
    }

    pub fn write(&self, bytes: &[u8]) -> anyhow::Result<()> {
        let context = || format!("could not write the report to {}", self.path.display());
        if self.straight_through {
            let mut file = OpenOptions::new().write(true).open(&self.path).with_context(context)?;
            return file.write_all(bytes).with_context(context);
        }
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = self
            .path
            .with_file_name(format!(".{name}.leaktrap-{}.tmp", std::process::id()));
        let result = (|| -> std::io::Result<()> {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&temp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result.with_context(context)
    }
}

fn load_rules(config: Option<&Path>) -> anyhow::Result<RuleSet> {
    Ok(match config {
        Some(file) => Config::load(file)?.rules,
        None => RuleSet::embedded()?,
    })
}

fn rules_list(json: bool, config: Option<&Path>) -> anyhow::Result<u8> {
    let rules = load_rules(config)?;
    let mut out = String::new();
    if json {
        let list: Vec<serde_json::Value> = rules
            .rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "name": r.name,
                    "severity": r.severity,
                    "keywords": r.keywords,
                    "paths": r.is_path_rule(),
                    "file": r.file,
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&list)?;
        out.push('\n');
    } else {
        for r in &rules.rules {
            let what = if r.is_path_rule() {
                "(path rule)".to_string()
            } else {
                r.keywords.join(", ")
            };
            out.push_str(&format!(
                "{:<40} {:<9} {}  [{}]\n",
                r.id,
                r.severity.as_str(),
                r.name,
                what
            ));
        }
    }
    write_stdout(out.as_bytes())?;
    Ok(EXIT_CLEAN)
}

fn rules_show(id: &str, config: Option<&Path>) -> anyhow::Result<u8> {
    let rules = load_rules(config)?;
    let Some(r) = rules.get(id) else {
        bail!("no rule has the id '{id}'\nhint: `leaktrap rules list` shows the ids");
    };
    let mut out = format!(
        "{} ({})\n  name: {}\n  severity: {}\n",
        r.id,
        r.file,
        r.name,
        r.severity.as_str()
    );
    if !r.description.is_empty() {
        out.push_str(&format!("  description: {}\n", r.description));
    }
    if !r.remediation.is_empty() {
        out.push_str(&format!("  remediation: {}\n", r.remediation));
    }
    if r.is_path_rule() {
        out.push_str(&format!("  paths: {}\n", r.path_patterns.join(", ")));
    } else {
        out.push_str(&format!(
            "  keywords: {}\n  regex: {}\n",
            r.keywords.join(", "),
            r.regex_source
        ));
        let reach = match r.max_match_len() {
            Some(n) => format!("{n} bytes around each keyword"),
            None => "the whole file (the regex's match length is unbounded)".to_string(),
        };
        out.push_str(&format!("  searched: {reach}\n"));
    }
    for reference in &r.references {
        out.push_str(&format!("  reference: {reference}\n"));
    }
    write_stdout(out.as_bytes())?;
    Ok(EXIT_CLEAN)
}

/// `leaktrap merge`: the JSON reports of sharded scans as one report.
fn merge(reports: &[PathBuf], format: report::Format, output: Option<&Path>) -> anyhow::Result<u8> {
    let output = output.map(Output::check).transpose()?;
    let mut findings: Vec<crate::finding::Finding> = Vec::new();
    for path in reports {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot be read", path.display()))?;
        let hint = "hint: merge takes reports written with --format json or --format jsonl";
        if text.trim_start().starts_with('[') {
            let mut part: Vec<crate::finding::Finding> = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: not a leaktrap JSON report: {e}\n{hint}", path.display()))?;
            findings.append(&mut part);
        } else {
            for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                findings.push(serde_json::from_str(line).map_err(|e| {
                    anyhow::anyhow!(
                        "{}: line {}: not a leaktrap finding: {e}\n{hint}",
                        path.display(),
                        number + 1
                    )
                })?);
            }
        }
    }
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    findings.dedup();
    let rules = RuleSet::embedded()?;
    let rendered = report::render(format, &findings, false, &rules);
    match output {
        Some(output) => output.write(&rendered)?,
        None => write_stdout(&rendered)?,
    }
    Ok(if findings.is_empty() { EXIT_CLEAN } else { 1 })
}

fn import_gitleaks(file: &Path) -> anyhow::Result<u8> {
    let imported = crate::gitleaks::import(file)?;
    for note in &imported.notes {
        eprintln!("leaktrap: not translated: {}", report::escape_control(note));
    }
    write_stdout(imported.yaml.as_bytes())?;
    Ok(EXIT_CLEAN)
}

fn config_init() -> anyhow::Result<u8> {
    let here = std::env::current_dir().context("the current directory cannot be read")?;
    let root = worktree::repository_top(&here).unwrap_or(here);
    let path = root.join(crate::config::CONFIG_FILE_NAME);
    if path.exists() {
        bail!(
            "{} already exists; left as it is\nhint: `leaktrap config check` validates it",
            path.display()
        );
    }
    std::fs::write(&path, crate::config::STARTER_CONFIG).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("leaktrap: wrote {}", path.display());
    Ok(EXIT_CLEAN)
}

fn config_check(file: Option<&Path>) -> anyhow::Result<u8> {
    let file = file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(crate::config::CONFIG_FILE_NAME));
    let config = Config::load(&file)?;
    println!("{}: ok ({} rules in effect)", file.display(), config.rules.rules.len());
    Ok(EXIT_CLEAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_anywhere_in_the_run_exits_2() {
        assert_eq!(exit_code_of(|| 1), 1);
        assert_eq!(exit_code_of(|| panic!("boom")), EXIT_ERROR);
        let in_a_worker = || {
            rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap()
                .install(|| rayon::join(|| 0, || -> u8 { panic!("worker") }).0)
        };
        assert_eq!(exit_code_of(in_a_worker), EXIT_ERROR);
    }

    #[test]
    fn panic_reports_keep_fixed_messages_and_withhold_formatted_ones() {
        let secret = "ghp_notreallyasecretbutlooksalikeone123456";
        let formatted: Box<dyn std::any::Any + Send> = Box::new(format!("bad input {secret}"));
        let report = panic_report(formatted.as_ref(), None);
        assert!(!report.contains(secret), "{report}");
        assert!(report.contains("withheld"), "{report}");
        let fixed: Box<dyn std::any::Any + Send> = Box::new("index was read above");
        assert!(panic_report(fixed.as_ref(), None).contains("index was read above"));
    }
}
