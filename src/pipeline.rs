//! The per-blob path shared by every source: scan (path rules, content rules), filter, build
//! findings; plus the run's counters and its warnings and errors.
//!
//! Sources call it from many threads at once; it owns nothing a thread must lock for long.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::filter::{ChangeScope, DropReason, Filter};
use crate::finding::{BlobText, Finding, LineIndex};
use crate::origin::Origin;
use crate::scan::{Content, Dropped, Match, Scanner};

/// What a run counted, for the summary line.
#[derive(Debug, Default)]
pub struct Stats {
    pub blobs: AtomicU64,
    pub bytes: AtomicU64,
    pub skipped_binary: AtomicU64,
    pub skipped_large: AtomicU64,
    pub suppressed: AtomicU64,
    pub errors: AtomicU64,
    pub warnings: AtomicU64,
}

impl Stats {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

/// How the pipeline treats what it finds and what it reads.
#[derive(Debug, Clone, Copy)]
pub struct PipelineOptions {
    /// Print secrets in full instead of redacted.
    pub show_secrets: bool,
    /// Blobs over this many bytes are counted and not read.
    pub max_file_size: u64,
    /// Explain suppressed findings and skipped files on standard error.
    pub verbose: bool,
}

pub struct Pipeline {
    pub scanner: Scanner,
    pub filter: Filter,
    pub show_secrets: bool,
    pub max_file_size: u64,
    pub verbose: bool,
    pub stats: Stats,
    findings: Mutex<Vec<Finding>>,
    stderr: Mutex<()>,
}

impl Pipeline {
    pub fn new(scanner: Scanner, filter: Filter, options: PipelineOptions) -> Pipeline {
        Pipeline {
            scanner,
            filter,
            show_secrets: options.show_secrets,
            max_file_size: options.max_file_size,
            verbose: options.verbose,
            stats: Stats::default(),
            findings: Mutex::new(Vec::new()),
            stderr: Mutex::new(()),
        }
    }

    /// Scans bytes already read and keeps their findings.
    pub fn scan_bytes(&self, bytes: &[u8], origin: &Origin) {
        let found = self.findings_in(bytes, origin, None);
        self.keep(found);
    }

    /// Adds findings to the run's result.
    pub fn keep(&self, mut found: Vec<Finding>) {
        if !found.is_empty() {
            self.findings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&mut found);
        }
    }

    /// Scans a blob and returns its findings; `change` keeps only what the change adds.
    pub fn findings_in(&self, bytes: &[u8], origin: &Origin, change: Option<&ChangeScope>) -> Vec<Finding> {
        bump(&self.stats.blobs, 1);
        bump(&self.stats.bytes, bytes.len() as u64);
        let path_matches = self.scanner.scan_path(&origin.path);
        let mut found = self.path_findings(&path_matches, origin);
        match self
            .scanner
            .scan_content(bytes, &origin.path, change.map(|c| &c.added_lines))
        {
            Ok(Content::Binary) => bump(&self.stats.skipped_binary, 1),
            Ok(Content::Text { text, matches, dropped }) => {
                if !matches.is_empty() {
                    found.extend(self.content_findings(&text, &matches, origin, change));
                }
                if self.verbose && !dropped.is_empty() {
                    self.explain_dropped(&text, &dropped, origin, change);
                }
            }
            Err(message) => self.error(&format!("{}: {message}", origin.path)),
        }
        found
    }

    /// `--verbose`: each candidate the placeholder check dropped, with its reason (for
    /// `--staged`, only on the lines the change adds).
    fn explain_dropped(&self, text: &[u8], dropped: &[Dropped], origin: &Origin, change: Option<&ChangeScope>) {
        let lines = LineIndex::new(text);
        for drop in dropped {
            let line = lines.line_of(drop.start) + 1;
            if change.is_some_and(|c| !c.added_lines.contains(&line)) {
                continue;
            }
            self.note(&format!(
                "{}:{line}: {} candidate dropped: {}",
                origin.path,
                self.scanner.rules.rules[drop.rule].id,
                drop.reason.describe()
            ));
        }
    }

    /// A blob over the size limit: counted, path rules still apply, content never read.
    pub fn skip_too_large(&self, origin: &Origin, size: u64) {
        bump(&self.stats.skipped_large, 1);
        if self.verbose {
            self.note(&format!(
                "{}: skipped, {size} bytes is over the size limit of {}",
                origin.path, self.max_file_size
            ));
        }
        let matches = self.scanner.scan_path(&origin.path);
        let found = self.path_findings(&matches, origin);
        self.keep(found);
    }

    fn path_findings(&self, matches: &[Match], origin: &Origin) -> Vec<Finding> {
        let empty = BlobText::new(b"", &[]);
        matches
            .iter()
            .filter_map(|m| {
                let rule = &self.scanner.rules.rules[m.rule];
                let finding = empty.finding(rule, m, origin, self.show_secrets);
                self.accept(rule, m, origin, b"", &finding, None).then_some(finding)
            })
            .collect()
    }

    fn content_findings(
        &self,
        text: &[u8],
        matches: &[Match],
        origin: &Origin,
        change: Option<&ChangeScope>,
    ) -> Vec<Finding> {
        let blob = BlobText::new(text, matches);
        matches
            .iter()
            .filter_map(|m| {
                let rule = &self.scanner.rules.rules[m.rule];
                let finding = blob.finding(rule, m, origin, self.show_secrets);
                self.accept(rule, m, origin, blob.first_line(m), &finding, change)
                    .then_some(finding)
            })
            .collect()
    }

    /// Asks the filter; a dropped finding is counted and, with `--verbose`, explained.
    fn accept(
        &self,
        rule: &crate::rules::Rule,
        m: &Match,
        origin: &Origin,
        first_line: &[u8],
        finding: &Finding,
        change: Option<&ChangeScope>,
    ) -> bool {
        let reason = self.filter.verdict(rule, m, origin, first_line, finding, change);
        match reason {
            None => true,
            Some(reason) => {
                bump(&self.stats.suppressed, 1);
                if self.verbose && reason != DropReason::NotAdded {
                    self.note(&format!(
                        "{}:{}: {} suppressed by {}",
                        crate::report::escape_control(&finding.path),
                        finding.line,
                        finding.rule_id,
                        reason.describe()
                    ));
                }
                false
            }
        }
    }

    /// Something could not be read or scanned: the run will exit 2.
    pub fn error(&self, message: &str) {
        bump(&self.stats.errors, 1);
        self.eprint("error", message);
    }

    /// Worth knowing, but the scan is complete (a file vanished during the walk).
    pub fn warn(&self, message: &str) {
        bump(&self.stats.warnings, 1);
        self.eprint("warning", message);
    }

    /// `--verbose` detail.
    pub fn note(&self, message: &str) {
        self.eprint("note", message);
    }

    fn eprint(&self, level: &str, message: &str) {
        let _guard = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(
            std::io::stderr(),
            "leaktrap: {level}: {}",
            crate::report::escape_control(message)
        );
    }

    /// All findings, sorted so output is identical whatever the thread count.
    pub fn into_findings(self) -> (Vec<Finding>, Stats, Scanner) {
        let mut findings = self.findings.into_inner().unwrap_or_else(|e| e.into_inner());
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        (findings, self.stats, self.scanner)
    }
}
