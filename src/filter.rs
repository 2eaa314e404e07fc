//! Policy: which detected secrets the user accepts. The config's allowlist, a rule's own
//! allowlist, inline `leaktrap:allow` comments, a baseline, and for `--staged` the lines the
//! change adds. Every drop has a reason, so `--verbose` can explain a silence.

use std::collections::HashSet;

use globset::GlobSet;
use regex::bytes::Regex;

use crate::finding::Finding;
use crate::origin::Origin;
use crate::rules::Rule;
use crate::scan::Match;

/// What the change being scanned (`--staged`) adds to one file: its new lines (1-based), and
/// whether the path itself is new (added, renamed or copied), which is what path rules report.
#[derive(Debug, Clone, Default)]
pub struct ChangeScope<'a> {
    pub added_lines: std::collections::BTreeSet<usize>,
    pub new_path: bool,
    /// The old version's bytes: a binary file has no lines, so a secret in it counts as added
    /// when the old version does not hold it.
    pub old: &'a [u8],
    /// The blob is an entry of a staged archive (`old` is the archive's old version): its
    /// lines are not diffed, a secret counts as added when no entry of `old` holds it.
    pub in_archive: bool,
}

/// The config's global allowlist, compiled.
#[derive(Debug, Default)]
pub struct Allowlist {
    pub paths: Option<GlobSet>,
    /// The globs of `paths`, in order, to name the one that matched.
    pub path_globs: Vec<String>,
    pub path_regexes: Vec<Regex>,
    pub regexes: Vec<Regex>,
    /// Lower-cased.
    pub stopwords: Vec<String>,
    pub commits: Vec<String>,
}

/// One finding a `.gitleaksignore` line accepts: where it is (the commit, for history), which
/// rule, which line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    pub commit: Option<String>,
    pub path: String,
    pub rule_id: String,
    pub line: usize,
    /// The line as written, to name it.
    pub text: String,
}

impl IgnoreEntry {
    /// An entry with a commit matches that commit's finding only; one without matches a
    /// finding outside history (work tree, index, stdin), as in gitleaks.
    fn accepts(&self, finding: &Finding) -> bool {
        let path = finding.root_path.as_deref().unwrap_or(&finding.path);
        self.rule_id == finding.rule_id
            && self.line == finding.line
            && self.path == path
            && match (&self.commit, &finding.commit) {
                (Some(ours), Some(theirs)) => theirs.starts_with(ours.as_str()),
                (None, None) => true,
                _ => false,
            }
    }
}

/// Why a finding was dropped, naming the entry that dropped it (for `--verbose`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropReason {
    /// The glob or regex of `allowlist.paths` / `allowlist.path_regexes`.
    AllowlistPath(String),
    AllowlistRegex(String),
    AllowlistStopword(String),
    AllowlistCommit(String),
    /// The rule's own allowlist regex or stopword.
    RuleAllowlist(String),
    /// The marker found on the line.
    InlineAllow(&'static str),
    /// The baseline entry's fingerprint.
    Baseline(String),
    /// `--staged`: the finding has no line the change adds.
    NotAdded,
    /// The `.gitleaksignore` line.
    GitleaksIgnore(String),
}

impl DropReason {
    pub fn describe(&self) -> String {
        match self {
            DropReason::AllowlistPath(entry) => format!("the config's allowlist path entry '{entry}'"),
            DropReason::AllowlistRegex(entry) => format!("allowlist.regexes entry '{entry}'"),
            DropReason::AllowlistStopword(entry) => format!("allowlist.stopwords entry '{entry}'"),
            DropReason::AllowlistCommit(entry) => format!("allowlist.commits entry '{entry}'"),
            DropReason::RuleAllowlist(entry) => format!("the rule's own allowlist entry '{entry}'"),
            DropReason::InlineAllow(marker) => format!("an inline '{marker}' comment on its line"),
            DropReason::Baseline(fingerprint) => format!("baseline entry {fingerprint}"),
            DropReason::GitleaksIgnore(entry) => format!(".gitleaksignore entry '{entry}'"),
            DropReason::NotAdded => "not being added by this change (already in HEAD)".to_string(),
        }
    }
}

/// Markers that, anywhere on a finding's first line, suppress it: leaktrap's own, and those of
/// gitleaks and detect-secrets, so teams can switch without touching their code.
const INLINE_MARKERS: [&str; 3] = ["leaktrap:allow", "gitleaks:allow", "pragma: allowlist secret"];

#[derive(Debug, Default)]
pub struct Filter {
    pub allowlist: Allowlist,
    pub inline_allow: bool,
    pub baseline: Option<HashSet<String>>,
    /// Baseline fingerprints that suppressed something, to tell stale entries apart.
    pub baseline_used: std::sync::Mutex<HashSet<String>>,
    /// `.gitleaksignore` entries at the scanned root.
    pub ignored: Vec<IgnoreEntry>,
}

impl Filter {
    pub fn verdict(
        &self,
        rule: &Rule,
        m: &Match,
        origin: &Origin,
        first_line: &[u8],
        finding: &Finding,
        change: Option<&ChangeScope>,
    ) -> Option<DropReason> {
        let secret = &m.secret;
        let lower_secret = String::from_utf8_lossy(secret).to_ascii_lowercase();
        if let Some(change) = change {
            let added = if rule.is_path_rule() {
                change.new_path
            } else if finding.offset.is_some() || change.in_archive {
                !crate::archive::holds(change.old, &finding.raw_secret)
            } else {
                change
                    .added_lines
                    .range(finding.line..=finding.end_line)
                    .next()
                    .is_some()
            };
            if !added {
                return Some(DropReason::NotAdded);
            }
        }
        if let Some(regex) = rule.allowlist.regexes.iter().find(|r| r.is_match(secret)) {
            return Some(DropReason::RuleAllowlist(regex.as_str().to_string()));
        }
        if let Some(word) = rule
            .allowlist
            .stopwords
            .iter()
            .find(|w| lower_secret.contains(w.as_str()))
        {
            return Some(DropReason::RuleAllowlist(word.clone()));
        }
        let list = &self.allowlist;
        if let Some(globs) = &list.paths
            && let Some(first) = origin
                .match_paths()
                .find_map(|path| globs.matches(path).first().copied())
        {
            let glob = list.path_globs.get(first).cloned().unwrap_or_default();
            return Some(DropReason::AllowlistPath(glob));
        }
        if let Some(regex) = list
            .path_regexes
            .iter()
            .find(|r| origin.match_paths().any(|path| r.is_match(path.as_bytes())))
        {
            return Some(DropReason::AllowlistPath(regex.as_str().to_string()));
        }
        if !rule.is_path_rule()
            && let Some(regex) = list.regexes.iter().find(|r| r.is_match(secret))
        {
            return Some(DropReason::AllowlistRegex(regex.as_str().to_string()));
        }
        if !rule.is_path_rule()
            && let Some(word) = list.stopwords.iter().find(|w| lower_secret.contains(w.as_str()))
        {
            return Some(DropReason::AllowlistStopword(word.clone()));
        }
        if let Some(commit) = &origin.commit
            && let Some(entry) = list
                .commits
                .iter()
                .find(|c| !c.is_empty() && commit.id.starts_with(c.as_str()))
        {
            return Some(DropReason::AllowlistCommit(entry.clone()));
        }
        if self.inline_allow
            && let Some(marker) = INLINE_MARKERS
                .iter()
                .find(|marker| contains(first_line, marker.as_bytes()))
        {
            return Some(DropReason::InlineAllow(marker));
        }
        if let Some(entry) = self.ignored.iter().find(|e| e.accepts(finding)) {
            return Some(DropReason::GitleaksIgnore(entry.text.clone()));
        }
        if self.baseline.as_ref().is_some_and(|b| b.contains(&finding.fingerprint)) {
            self.baseline_used
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(finding.fingerprint.clone());
            return Some(DropReason::Baseline(finding.fingerprint.clone()));
        }
        None
    }
}

impl Filter {
    /// The baseline fingerprints that matched a finding so far.
    pub fn baseline_matched(&self) -> HashSet<String> {
        self.baseline_used.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}
