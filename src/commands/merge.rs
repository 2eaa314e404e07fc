//! `leaktrap merge`: the JSON reports of sharded scans as one report, deduplicated and sorted,
//! exactly as one job would have written it.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::exit_status::ExitStatus;
use crate::finding::Finding;
use crate::output::{Output, deliver};
use crate::report;
use crate::rules::RuleSet;

/// `leaktrap merge`: the JSON reports of sharded scans as one report.
pub fn run(reports: &[PathBuf], format: report::Format, output: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let output = output.map(Output::check).transpose()?;
    let mut findings: Vec<Finding> = Vec::new();
    for path in reports {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot be read", path.display()))?;
        let hint = "hint: merge takes reports written with --format json or --format jsonl";
        if text.trim_start().starts_with('[') {
            let mut part: Vec<Finding> = serde_json::from_str(&text)
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
    let target = format!(
        "{} report{} merged: {}",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        reports
            .iter()
            .map(|r| r.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let scanned = format!("{} findings after deduplication", findings.len());
    let context = report::RunContext::of_this_run(target, scanned, rules.rules.len(), &[]);
    let rendered = report::render(format, &findings, false, &rules, &context);
    deliver(output.as_ref(), &rendered)?;
    Ok(if findings.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings(1)
    })
}
