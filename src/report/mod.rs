//! Reporters are pure functions of sorted findings: the same findings give the same bytes.

mod csv;
mod escape;
mod html;
mod json;
mod junit;
mod sarif;
mod text;

pub use escape::escape_control;

use crate::finding::Finding;
use crate::rules::RuleSet;

/// Output formats; a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Sarif,
    Junit,
    Csv,
    Html,
}

/// What a report may say about the run beside its findings (the HTML report does): given by
/// the caller, so that reporters stay pure functions.
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    /// The command line, with any argument holding a found secret masked.
    pub command: String,
    /// What was scanned: the repositories or paths, the refs or range.
    pub target: String,
    /// What was read, counted, and how long it took.
    pub scanned: String,
    /// How many rules were in effect.
    pub rules: usize,
    pub version: String,
    /// When the report was written, ISO 8601 UTC.
    pub generated: String,
}

impl RunContext {
    /// This process's context: its command line with every argument that holds one of
    /// `secrets` masked (a secret piped in is not on it, but one passed as an argument would be),
    /// and the time now.
    pub fn of_this_run(target: String, scanned: String, rules: usize, secrets: &[&[u8]]) -> RunContext {
        let command = std::env::args()
            .map(|arg| {
                let holds = secrets
                    .iter()
                    .any(|s| !s.is_empty() && arg.as_bytes().windows(s.len()).any(|w| w == *s));
                if holds {
                    "********".to_string()
                } else if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
                    format!("'{}'", arg.replace('\'', "'\\''"))
                } else {
                    arg
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        RunContext {
            command,
            target,
            scanned,
            rules,
            version: env!("CARGO_PKG_VERSION").to_string(),
            generated: crate::git::iso8601_utc(now),
        }
    }
}

/// Renders findings in `format`; `color` only affects text, `rules` supplies SARIF's help text
/// and the HTML report's remediation, `context` the HTML report's account of the run.
pub fn render(format: Format, findings: &[Finding], color: bool, rules: &RuleSet, context: &RunContext) -> Vec<u8> {
    match format {
        Format::Text => text::render(findings, color),
        Format::Json => json::render_array(findings),
        Format::Jsonl => json::render_lines(findings),
        Format::Sarif => sarif::render(findings, rules),
        Format::Junit => junit::render(findings),
        Format::Csv => csv::render(findings),
        Format::Html => html::render(findings, rules, context),
    }
}
