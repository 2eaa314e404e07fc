//! Baselines: the findings a team has accepted, by fingerprint (rule, path and secret hashed;
//! never the secret), so that only new secrets fail a build. Fingerprints do not change when
//! lines move. Each entry also records `secret_id` (rule and secret hashed, no path), so an
//! accepted secret stays accepted when its file is renamed: a finding whose fingerprint matches
//! no entry takes an entry of the same rule and secret that matched nothing else (the file
//! moved). The path only tells copies apart: a second copy of an accepted secret is new.

use std::collections::HashSet;
use std::path::Path;

use anyhow::bail;
use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// The newest baseline format this build reads and writes (1 had no `secret_id`; its entries
/// match only at their own path).
pub const BASELINE_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_id: Option<String>,
}

/// A finding's identity wherever its file is: rule and secret, hashed (never the secret).
pub fn secret_id(rule_id: &str, secret: &[u8]) -> String {
    crate::finding::fingerprint(rule_id, "\0moved", secret)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub fingerprints: Vec<BaselineEntry>,
}

impl BaselineFile {
    /// Records every finding, sorted and without duplicates, so the file diffs well.
    pub fn from_findings(findings: &[Finding]) -> BaselineFile {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                path: f.root_path.clone().unwrap_or_else(|| f.path.clone()),
                secret_id: Some(secret_id(&f.rule_id, &f.raw_secret)),
            })
            .collect();
        entries.sort_by(|a, b| (&a.path, &a.rule_id, &a.fingerprint).cmp(&(&b.path, &b.rule_id, &b.fingerprint)));
        entries.dedup();
        BaselineFile {
            version: BASELINE_VERSION,
            fingerprints: entries,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("a baseline serialises");
        out.push(b'\n');
        out
    }

    /// Reads a baseline; anything but a valid baseline of a known version is an error.
    pub fn load(path: &Path) -> anyhow::Result<BaselineFile> {
        let hint = "hint: write one with `leaktrap baseline -o FILE`";
        if path.is_dir() {
            bail!("{}: is a directory, not a baseline file\n{hint}", path.display());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: the baseline cannot be read: {e}\n{hint}", path.display()))?;
        if text.trim().is_empty() {
            bail!("{}: the baseline is empty\n{hint}", path.display());
        }
        let version: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: line {} column {}: not valid JSON: {e}\n{hint}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if let Some(v) = version.get("version").and_then(|v| v.as_u64())
            && v > u64::from(BASELINE_VERSION)
        {
            bail!(
                "{}: baseline format version {v} is newer than this leaktrap reads ({BASELINE_VERSION})\nhint: upgrade leaktrap",
                path.display()
            );
        }
        serde_json::from_value(version).map_err(|e| {
            anyhow::anyhow!(
                "{}: not a leaktrap baseline: {e}\nhint: expected {{\"version\": 1, \"fingerprints\": [{{\"fingerprint\": …, \"rule_id\": …, \"path\": …}}]}}",
                path.display()
            )
        })
    }

    pub fn fingerprint_set(&self) -> HashSet<String> {
        self.fingerprints.iter().map(|e| e.fingerprint.clone()).collect()
    }

    /// Drops the findings of accepted secrets whose files moved: each takes one entry of the
    /// same rule and secret that matched no finding at its own path (`matched` holds those that
    /// did). Returns the dropped findings with the entries they took.
    pub fn take_moved<'b>(
        &'b self,
        findings: &mut Vec<Finding>,
        matched: &HashSet<String>,
    ) -> Vec<(Finding, &'b BaselineEntry)> {
        let mut unmatched: Vec<&BaselineEntry> = self
            .fingerprints
            .iter()
            .filter(|e| e.secret_id.is_some() && !matched.contains(&e.fingerprint))
            .collect();
        if unmatched.is_empty() {
            return Vec::new();
        }
        let mut taken = Vec::new();
        let mut kept = Vec::with_capacity(findings.len());
        for finding in findings.drain(..) {
            let id = secret_id(&finding.rule_id, &finding.raw_secret);
            match unmatched
                .iter()
                .position(|e| e.secret_id.as_deref() == Some(id.as_str()))
            {
                Some(at) => taken.push((finding, unmatched.swap_remove(at))),
                None => kept.push(finding),
            }
        }
        *findings = kept;
        taken
    }
}
