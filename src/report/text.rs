//! Human output: `path:line:col` (`path@offset` in a binary), the rule and severity, the redacted secret and its line.

use std::fmt::Write;

use colored::Colorize;

use crate::finding::Finding;
use crate::rules::Severity;

use super::escape::escape_control;

/// Grouped by file, the file with the most severe finding first: what to triage first is on
/// top, and one file's findings are read together. With several repositories, each one's
/// findings come together under its name. Ends with the counts and what to do next.
pub fn render(findings: &[Finding], color: bool) -> Vec<u8> {
    colored::control::set_override(color);
    let mut worst: std::collections::HashMap<(&Option<String>, &str), Severity> = std::collections::HashMap::new();
    for f in findings {
        let entry = worst.entry((&f.repository, f.path.as_str())).or_insert(f.severity);
        *entry = (*entry).max(f.severity);
    }
    let file_rank = |f: &Finding| worst[&(&f.repository, f.path.as_str())];
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by(|a, b| {
        a.repository
            .cmp(&b.repository)
            .then_with(|| file_rank(b).cmp(&file_rank(a)))
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
    let mut out = String::new();
    let mut repository: Option<&str> = None;
    for &f in &ordered {
        if let Some(this) = f.repository.as_deref()
            && repository != Some(this)
        {
            let count = findings
                .iter()
                .filter(|g| g.repository.as_deref() == Some(this))
                .count();
            let noun = if count == 1 { "finding" } else { "findings" };
            let _ = writeln!(
                out,
                "{} ({count} {noun})\n",
                format!("== repository {}", escape_control(this)).bold()
            );
            repository = Some(this);
        }
        let location = escape_control(&f.location());
        let severity = match f.severity {
            Severity::Critical | Severity::High => f.severity.as_str().red().bold(),
            Severity::Medium => f.severity.as_str().yellow(),
            Severity::Low => f.severity.as_str().blue(),
        };
        let decoded = f
            .decoded
            .as_deref()
            .map(|d| format!(" (decoded from {d})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}: {} [{}] {}{}",
            location.magenta(),
            f.rule_id.bold(),
            severity,
            f.rule_name,
            decoded
        );
        if !f.secret.is_empty() {
            let _ = writeln!(out, "    secret: {}", escape_control(&f.secret).red());
        }
        if !f.line_text.is_empty() {
            let _ = writeln!(
                out,
                "    {} | {}",
                match f.offset {
                    Some(_) => "bin".green(),
                    None => f.line.to_string().green(),
                },
                escape_control(f.line_text.trim())
            );
        }
        if let Some(commit) = &f.commit {
            let tip = match f.present_at_tip {
                Some(true) => format!("{} ", "STILL PRESENT at a branch tip;".red().bold()),
                Some(false) => "gone from every branch tip; ".to_string(),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "    {tip}commit {} by {} <{}> on {}: {}",
                commit.get(..12).unwrap_or(commit).yellow(),
                escape_control(f.author.as_deref().unwrap_or("")),
                escape_control(f.email.as_deref().unwrap_or("")),
                f.date.as_deref().unwrap_or(""),
                escape_control(f.message.as_deref().unwrap_or(""))
            );
        }
        if !f.also_rules.is_empty() {
            let _ = writeln!(
                out,
                "    file rule: {} (a file of this kind holds secrets)",
                f.also_rules.join(", ")
            );
        }
        if let Some(also) = f.also_at.as_ref().filter(|a| !a.is_empty()) {
            let list: Vec<String> = also.iter().map(|p| escape_control(p)).collect();
            let _ = writeln!(out, "    also at: {}", list.join(", "));
        }
        out.push('\n');
    }
    if let Some(first) = ordered.first() {
        let files = worst.len();
        let counts: Vec<String> = Severity::MOST_SEVERE_FIRST
            .into_iter()
            .filter_map(|s| {
                let n = findings.iter().filter(|f| f.severity == s).count();
                (n > 0).then(|| format!("{n} {}", s.as_str()))
            })
            .collect();
        let _ = writeln!(
            out,
            "{} finding{} in {files} file{}: {}.",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" },
            counts.join(", ")
        );
        let _ = writeln!(
            out,
            "Next: rotate each secret first, since it may already be copied (`leaktrap rules show {}` says how),\n  then remove it from the code.\nNot a secret? Add `leaktrap:allow` in a comment on its line, an allowlist entry in .leaktrap.yaml,\n  or accept today's findings with `leaktrap baseline -o .leaktrap-baseline.json`.\nScripts: read `--format json`, not this text.",
            first.rule_id
        );
    }
    colored::control::unset_override();
    out.into_bytes()
}
