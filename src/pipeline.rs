//! The per-blob path shared by every source: scan (path rules, content rules), filter, build
//! findings; plus the run's counters and its warnings and errors.
//!
//! Sources call it from many threads at once; it owns nothing a thread must lock for long.

use std::io::{Read, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::archive::{self, Budget};
use crate::filter::{ChangeScope, Filter};
use crate::finding::{BlobText, Finding, LineIndex};
use crate::origin::Origin;
use crate::scan::{Content, Dropped, Match, Scanner};

/// What a run counted, for the summary line.
#[derive(Debug, Default)]
pub struct Stats {
    pub blobs: AtomicU64,
    pub bytes: AtomicU64,
    /// Binary blobs, whose printable runs were scanned.
    pub binary: AtomicU64,
    pub skipped_large: AtomicU64,
    /// The paths `--max-file-size` kept from being read.
    pub large_paths: Mutex<Vec<String>>,
    pub suppressed: AtomicU64,
    pub errors: AtomicU64,
    pub warnings: AtomicU64,
    /// Archives opened, and the entries scanned in them (nested ones included).
    pub archives: AtomicU64,
    pub archive_entries: AtomicU64,
    /// Archive parts a bound cut short (`archive::Cut`): counted, named with `--verbose`.
    pub cut_short: AtomicU64,
}

impl Stats {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// Adds another run's counts to these.
    pub fn absorb(&self, other: &Stats) {
        for (mine, theirs) in [
            (&self.blobs, &other.blobs),
            (&self.bytes, &other.bytes),
            (&self.binary, &other.binary),
            (&self.skipped_large, &other.skipped_large),
            (&self.suppressed, &other.suppressed),
            (&self.errors, &other.errors),
            (&self.warnings, &other.warnings),
            (&self.archives, &other.archives),
            (&self.archive_entries, &other.archive_entries),
            (&self.cut_short, &other.cut_short),
        ] {
            bump(mine, Stats::get(theirs));
        }
        let mut paths = self.large_paths.lock().unwrap_or_else(|e| e.into_inner());
        paths.extend(other.large_paths());
    }

    /// The paths `--max-file-size` kept from being read, sorted, each once.
    pub fn large_paths(&self) -> Vec<String> {
        let mut paths = self.large_paths.lock().unwrap_or_else(|e| e.into_inner()).clone();
        paths.sort();
        paths.dedup();
        paths
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
    /// `--max-file-size`: blobs over this many bytes are counted and not read.
    pub max_file_size: Option<u64>,
    /// Explain suppressed findings and skipped files on standard error.
    pub verbose: bool,
    /// How archives are opened (`archive.depth` 0: not at all).
    pub archives: crate::archive::Limits,
}

/// A file a path rule names (`.env`) whose content also holds a secret is one finding, not
/// two: the content's findings carry the path rules, which are dropped.
fn merge_path_findings(found: &mut Vec<Finding>) {
    let (by_path, by_content): (Vec<&Finding>, Vec<&Finding>) = found.iter().partition(|f| f.secret.is_empty());
    if by_path.is_empty() || by_content.is_empty() {
        return;
    }
    let path_rules: Vec<String> = by_path.iter().map(|f| f.rule_id.clone()).collect();
    found.retain(|f| !f.secret.is_empty());
    for finding in found.iter_mut() {
        finding.also_rules.extend(path_rules.iter().cloned());
    }
}

/// Blobs up to this size are read whole; larger ones are streamed (`findings_in_stream`).
pub const HOLD_WHOLE: u64 = 64 << 20;
/// The bytes a streamed blob is scanned in at a time.
const WINDOW: usize = 16 << 20;
/// How far each window reaches into the next: longer than any rule's longest match (a private
/// key block is a few KiB).
const WINDOW_OVERLAP: usize = 256 << 10;

/// Where the window after `window` starts: at a line start `WINDOW_OVERLAP` or more before its
/// end, so the next window's rules see whole lines; within one long line, mid-line on a
/// character boundary.
fn next_window_start(window: &[u8]) -> usize {
    let latest = window.len() - WINDOW_OVERLAP;
    let search_from = latest.saturating_sub(WINDOW_OVERLAP);
    match memchr::memrchr(b'\n', &window[search_from..latest]) {
        Some(newline) => search_from + newline + 1,
        None => {
            let mut at = latest;
            while at > 0 && window[at] & 0xC0 == 0x80 {
                at -= 1;
            }
            at
        }
    }
}

pub struct Pipeline {
    pub scanner: Scanner,
    pub filter: Filter,
    pub show_secrets: bool,
    pub max_file_size: Option<u64>,
    pub verbose: bool,
    pub archives: crate::archive::Limits,
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
            archives: options.archives,
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

    /// Reads and scans a file or stream: whole up to `HOLD_WHOLE`, streamed beyond, not at all
    /// past `--max-file-size` (a file that grows past it while read counts as over it).
    /// `size_hint`: the expected size, to read into one allocation.
    pub fn scan_reader(&self, reader: &mut dyn Read, size_hint: u64, origin: &Origin) -> std::io::Result<()> {
        let limit = self.max_file_size.unwrap_or(u64::MAX);
        let first = limit.min(HOLD_WHOLE);
        let mut bytes = Vec::with_capacity(size_hint.min(first) as usize + 1);
        (&mut *reader).take(first + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            self.skip_too_large(origin, bytes.len() as u64);
        } else if bytes.len() as u64 <= first {
            self.scan_bytes(&bytes, origin);
        } else {
            let rest = reader.take(limit.saturating_sub(first + 1));
            let found = self.findings_in_stream(&mut std::io::Cursor::new(bytes).chain(rest), origin)?;
            self.keep(found);
        }
        Ok(())
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
        self.findings_at(bytes, origin, change, None, 0)
    }

    /// `findings_in` for bytes inside `level` archives (0: a file or blob); `budget` is the
    /// top-level archive's, shared by what it nests. An archive within `--archive-depth` is
    /// opened and its entries scanned instead of its bytes; one deeper is searched as binary.
    fn findings_at(
        &self,
        bytes: &[u8],
        origin: &Origin,
        change: Option<&ChangeScope>,
        budget: Option<&Budget>,
        level: u32,
    ) -> Vec<Finding> {
        if let Some(format) = archive::Format::of(bytes) {
            if level < self.archives.depth {
                return self.archive_findings(bytes, format, origin, change, budget, level);
            }
            if level > 0 {
                self.cut_short(origin, &archive::CutReason::TooDeep(self.archives.depth));
            }
        }
        let path_matches = self.scanner.scan_path(origin.rule_path());
        let mut found = self.path_findings(&path_matches, origin);
        let focus = change.filter(|c| !c.in_archive).map(|c| &c.added_lines);
        match self.scanner.scan_content(bytes, origin.rule_path(), focus) {
            Ok(Content::Binary {
                strings,
                matches,
                dropped,
            }) => {
                bump(&self.stats.binary, 1);
                found.extend(self.binary_findings(&strings, &matches, 0, origin, change));
                for drop in dropped.iter().filter(|_| self.verbose) {
                    self.note(&format!(
                        "{}@{}: {} candidate dropped: {}",
                        origin.path,
                        strings.blob_offset(drop.start),
                        self.scanner.rules.rules[drop.rule].id,
                        drop.reason.describe()
                    ));
                }
            }
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
        merge_path_findings(&mut found);
        found
    }

    /// Scans each entry of an archive as a file of its own (`archive.zip!entry`), nested
    /// archives to `--archive-depth`; path rules also see the archive's own name. In a staged
    /// change, an entry's secret counts as added when the archive's old version holds it in no
    /// entry, and an entry's name when the old version had no such entry.
    fn archive_findings(
        &self,
        bytes: &[u8],
        format: archive::Format,
        origin: &Origin,
        change: Option<&ChangeScope>,
        budget: Option<&Budget>,
        level: u32,
    ) -> Vec<Finding> {
        bump(&self.stats.archives, 1);
        let own_budget;
        let budget = match budget {
            Some(budget) => budget,
            None => {
                own_budget = Budget::new(&self.archives);
                &own_budget
            }
        };
        let path_matches = self.scanner.scan_path(origin.rule_path());
        let mut found = self.path_findings(&path_matches, origin);
        let old_entries = change.map(|c| archive::entry_names(c.old));
        let cuts = archive::open(
            bytes,
            format,
            origin.rule_path(),
            &self.archives,
            budget,
            &mut |name, content| {
                bump(&self.stats.archive_entries, 1);
                let entry = origin.entry(name);
                let entry_change = change.map(|c| ChangeScope {
                    added_lines: Default::default(),
                    new_path: c.new_path || old_entries.as_ref().is_some_and(|old| !old.contains(name)),
                    old: c.old,
                    in_archive: true,
                });
                found.extend(self.findings_at(content, &entry, entry_change.as_ref(), Some(budget), level + 1));
                archive::Flow::More
            },
        );
        for cut in cuts {
            let at = if cut.entry.is_empty() {
                origin.clone()
            } else {
                origin.entry(&cut.entry)
            };
            self.cut_short(&at, &cut.reason);
        }
        found
    }

    /// Part of an archive a bound cut short: counted for the summary, named with `--verbose`.
    fn cut_short(&self, origin: &Origin, reason: &archive::CutReason) {
        bump(&self.stats.cut_short, 1);
        if self.verbose {
            self.note(&format!("{}: cut short: {}", origin.path, reason.describe()));
        }
    }

    /// Scans a blob too large to hold (over `HOLD_WHOLE`) a window at a time, each window
    /// overlapping the next by `WINDOW_OVERLAP`, so memory stays bounded by the window whatever
    /// the size. A match is kept by the window it starts in, before the next window's start, so
    /// none is reported twice; one longer than the overlap could be cut, and no rule's is.
    /// The first window says whether the blob is binary, as `scan_content` does for a whole one.
    /// Lines and columns count from the blob's start.
    pub fn findings_in_stream(&self, reader: &mut dyn Read, origin: &Origin) -> std::io::Result<Vec<Finding>> {
        bump(&self.stats.blobs, 1);
        let path_matches = self.scanner.scan_path(origin.rule_path());
        let mut found = self.path_findings(&path_matches, origin);
        let mut window: Vec<u8> = Vec::with_capacity(WINDOW);
        let mut binary = None;
        // Where the window starts: byte offset, newlines before it, code points of its line
        // before it.
        let (mut offset, mut lines_before, mut columns_before) = (0u64, 0usize, 0usize);
        loop {
            let had = window.len();
            reader.take((WINDOW - had) as u64).read_to_end(&mut window)?;
            bump(&self.stats.bytes, (window.len() - had) as u64);
            let at_end = window.len() < WINDOW;
            if offset == 0 && self.archives.depth > 0 && archive::Format::of(&window).is_some() {
                self.cut_short(origin, &archive::CutReason::TooLargeToOpen);
            }
            let binary = *binary.get_or_insert_with(|| {
                bump(&self.stats.binary, u64::from(crate::scan::is_binary(&window)));
                crate::scan::is_binary(&window)
            });
            let keep_before = if at_end {
                window.len()
            } else {
                next_window_start(&window)
            };
            let scanned = if binary {
                self.scanner.scan_binary(&window, origin.rule_path())
            } else {
                self.scanner.scan_window(&window, origin.rule_path())
            };
            match scanned {
                Ok(Content::Binary {
                    strings, mut matches, ..
                }) => {
                    matches.retain(|m| strings.blob_offset(m.start) < keep_before);
                    found.extend(self.binary_findings(&strings, &matches, offset, origin, None));
                }
                Ok(Content::Text { text, mut matches, .. }) => {
                    matches.retain(|m| m.start < keep_before);
                    let mut in_window = self.content_findings(&text, &matches, origin, None);
                    for finding in &mut in_window {
                        finding.shift(lines_before, columns_before);
                    }
                    found.extend(in_window);
                }
                Err(message) => {
                    self.error(&format!("{}: {message}", origin.path));
                    return Ok(found);
                }
            }
            if at_end {
                merge_path_findings(&mut found);
                return Ok(found);
            }
            let passed = &window[..keep_before];
            let newlines = memchr::memchr_iter(b'\n', passed).count();
            columns_before = match memchr::memrchr(b'\n', passed) {
                Some(last) => crate::finding::code_points(&passed[last + 1..]),
                None => columns_before + crate::finding::code_points(passed),
            };
            lines_before += newlines;
            offset += keep_before as u64;
            window.drain(..keep_before);
        }
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

    /// A blob over `--max-file-size`: counted, named in the summary, path rules still apply,
    /// content never read.
    pub fn skip_too_large(&self, origin: &Origin, size: u64) {
        bump(&self.stats.skipped_large, 1);
        self.stats
            .large_paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(origin.path.clone());
        if self.verbose {
            self.note(&format!(
                "{}: skipped, {size} bytes is over --max-file-size {}",
                origin.path,
                self.max_file_size.unwrap_or_default()
            ));
        }
        let matches = self.scanner.scan_path(origin.rule_path());
        let found = self.path_findings(&matches, origin);
        self.keep(found);
    }

    /// Whether a blob of `size` bytes is over `--max-file-size`.
    pub fn over_limit(&self, size: u64) -> bool {
        self.max_file_size.is_some_and(|limit| size > limit)
    }

    /// Findings in a binary blob's printable runs, located by byte offset (`base` is where the
    /// scanned bytes start in the blob).
    fn binary_findings(
        &self,
        strings: &crate::scan::strings::Strings,
        matches: &[Match],
        base: u64,
        origin: &Origin,
        change: Option<&ChangeScope>,
    ) -> Vec<Finding> {
        if matches.is_empty() {
            return Vec::new();
        }
        let blob = BlobText::new(&strings.text, matches);
        matches
            .iter()
            .filter_map(|m| {
                let rule = &self.scanner.rules.rules[m.rule];
                let mut finding = blob.finding(rule, m, origin, self.show_secrets);
                finding.offset = Some(base + strings.blob_offset(m.start) as u64);
                (finding.line, finding.column, finding.end_line, finding.end_column) = (0, 0, 0, 0);
                self.accept(rule, m, origin, blob.first_line(m), &finding, change)
                    .then_some(finding)
            })
            .collect()
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
                if self.verbose {
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
