//! `leaktrap rules list | show`: the rules in effect, for people (text) and scripts (JSON).

use std::path::Path;

use anyhow::bail;

use crate::config::Config;
use crate::exit_status::ExitStatus;
use crate::output::write_stdout;
use crate::rules::RuleSet;

/// The rules of `config`, or the embedded pack.
fn load_rules(config: Option<&Path>) -> anyhow::Result<RuleSet> {
    Ok(match config {
        Some(file) => Config::load(file)?.rules,
        None => RuleSet::embedded()?,
    })
}

pub fn list(json: bool, config: Option<&Path>) -> anyhow::Result<ExitStatus> {
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
    Ok(ExitStatus::Clean)
}

pub fn show(id: &str, config: Option<&Path>) -> anyhow::Result<ExitStatus> {
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
    Ok(ExitStatus::Clean)
}
