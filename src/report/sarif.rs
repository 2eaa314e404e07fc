//! SARIF 2.1.0 as GitHub code scanning ingests it: one `rule` per rule id with help text,
//! `partialFingerprints`, regions with lines and code-point columns, and history provenance in
//! result properties.

use serde_json::{Value, json};

use crate::finding::Finding;
use crate::rules::{RuleSet, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub sorts code-scanning alerts by this CVSS-like score.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

pub fn render(findings: &[Finding], rules: &RuleSet) -> Vec<u8> {
    let mut rule_ids: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let descriptors: Vec<Value> = rule_ids
        .iter()
        .map(|id| match rules.get(id) {
            Some(rule) => {
                let help = if rule.remediation.is_empty() {
                    "Revoke the credential at its provider and remove it from the repository.".to_string()
                } else {
                    rule.remediation.clone()
                };
                let description = if rule.description.is_empty() {
                    rule.name.clone()
                } else {
                    rule.description.clone()
                };
                let mut markdown = format!("**{}**\n\n{}\n\n**Remediation:** {}", rule.name, description, help);
                for reference in &rule.references {
                    markdown.push_str(&format!("\n\n<{reference}>"));
                }
                json!({
                    "id": rule.id,
                    "name": rule.name,
                    "shortDescription": { "text": rule.name },
                    "fullDescription": { "text": description },
                    "help": { "text": help, "markdown": markdown },
                    "defaultConfiguration": { "level": level(rule.severity) },
                    "properties": {
                        "tags": ["security", "secret"],
                        "precision": "high",
                        "security-severity": security_severity(rule.severity),
                    },
                })
            }
            None => json!({ "id": id, "shortDescription": { "text": id } }),
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let rule_index = rule_ids.binary_search(&f.rule_id.as_str()).unwrap_or(0);
            let mut region = json!({ "startLine": f.line });
            if let Some(offset) = f.offset {
                // A binary file has no lines: SARIF locates it by byte.
                region = json!({ "byteOffset": offset });
            } else if !f.secret.is_empty() {
                region["startColumn"] = json!(f.column);
                region["endLine"] = json!(f.end_line);
                // An empty region is invalid: on one line the end column must pass the start.
                let end_column = if f.end_line == f.line {
                    f.end_column.max(f.column + 1)
                } else {
                    f.end_column
                };
                region["endColumn"] = json!(end_column);
            }
            let what = if f.secret.is_empty() {
                format!("{} committed", f.rule_name)
            } else {
                format!("{}: {}", f.rule_name, f.secret)
            };
            let mut properties = json!({ "severity": f.severity, "source": f.source, "entropy": f.entropy });
            if let Some(decoded) = &f.decoded {
                properties["decoded"] = json!(decoded);
            }
            if !f.also_rules.is_empty() {
                properties["also_rules"] = json!(f.also_rules);
            }
            if let Some(repository) = &f.repository {
                properties["repository"] = json!(repository);
            }
            if let Some(commit) = &f.commit {
                properties["commit"] = json!(commit);
                properties["author"] = json!(f.author);
                properties["email"] = json!(f.email);
                properties["date"] = json!(f.date);
                properties["message"] = json!(f.message);
                properties["also_at"] = json!(f.also_at);
                if let Some(present) = f.present_at_tip {
                    properties["present_at_tip"] = json!(present);
                }
            }
            json!({
                "ruleId": f.rule_id,
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": { "text": what },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "%SRCROOT%" },
                        "region": region,
                    }
                }],
                "partialFingerprints": { "leaktrap/v1": f.fingerprint },
                "properties": properties,
            })
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "leaktrap",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": descriptors,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_vec_pretty(&log).expect("SARIF serialises");
    out.push(b'\n');
    out
}

/// A relative path as a URI reference: `/`-separated, with characters URIs reserve escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
