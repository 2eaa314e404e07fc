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
}

/// The config's global allowlist, compiled.
#[derive(Debug, Default)]
pub struct Allowlist {
    pub paths: Option<GlobSet>,
    pub path_regexes: Vec<Regex>,
    pub regexes: Vec<Regex>,
    /// Lower-cased.
    pub stopwords: Vec<String>,
    pub commits: Vec<String>,
}

/// Why a finding was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    AllowlistPath,
    AllowlistRegex,
    AllowlistStopword,
    AllowlistCommit,
    RuleAllowlist,
    InlineAllow,
    Baseline,
    /// `--staged`: the finding has no line the change adds.
    NotAdded,
}

impl DropReason {
    pub fn describe(self) -> &'static str {
        match self {
            DropReason::AllowlistPath => "allowlist.paths / allowlist.path_regexes",
            DropReason::AllowlistRegex => "allowlist.regexes",
            DropReason::AllowlistStopword => "allowlist.stopwords",
            DropReason::AllowlistCommit => "allowlist.commits",
            DropReason::RuleAllowlist => "the rule's own allowlist",
            DropReason::InlineAllow => "an inline leaktrap:allow comment",
            DropReason::Baseline => "the baseline",
            DropReason::NotAdded => "not being added by the change",
        }
    }
}

/// Markers that, anywhere on a finding's first line, suppress it: leaktrap's own, and those of
/// gitleaks and detect-secrets, so teams can switch without touching their code.
const INLINE_MARKERS: [&[u8]; 3] = [b"leaktrap:allow", b"gitleaks:allow", b"pragma: allowlist secret"];

#[derive(Debug, Default)]
pub struct Filter {
    pub allowlist: Allowlist,
    pub inline_allow: bool,
    pub baseline: Option<HashSet<String>>,
    /// Baseline fingerprints that suppressed something, to tell stale entries apart.
    pub baseline_used: std::sync::Mutex<HashSet<String>>,
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
            } else if finding.offset.is_some() {
                memchr::memmem::find(change.old, &finding.raw_secret).is_none()
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
        if rule.allowlist.regexes.iter().any(|r| r.is_match(secret))
            || rule
                .allowlist
                .stopwords
                .iter()
                .any(|w| lower_secret.contains(w.as_str()))
        {
            return Some(DropReason::RuleAllowlist);
        }
        let list = &self.allowlist;
        if list.paths.as_ref().is_some_and(|g| g.is_match(&origin.path))
            || list.path_regexes.iter().any(|r| r.is_match(origin.path.as_bytes()))
        {
            return Some(DropReason::AllowlistPath);
        }
        if !rule.is_path_rule() && list.regexes.iter().any(|r| r.is_match(secret)) {
            return Some(DropReason::AllowlistRegex);
        }
        if !rule.is_path_rule() && list.stopwords.iter().any(|w| lower_secret.contains(w.as_str())) {
            return Some(DropReason::AllowlistStopword);
        }
        if let Some(commit) = &origin.commit
            && list
                .commits
                .iter()
                .any(|c| !c.is_empty() && commit.id.starts_with(c.as_str()))
        {
            return Some(DropReason::AllowlistCommit);
        }
        if self.inline_allow && INLINE_MARKERS.iter().any(|marker| contains(first_line, marker)) {
            return Some(DropReason::InlineAllow);
        }
        if self.baseline.as_ref().is_some_and(|b| b.contains(&finding.fingerprint)) {
            self.baseline_used
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(finding.fingerprint.clone());
            return Some(DropReason::Baseline);
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
