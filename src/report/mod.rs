//! Reporters are pure functions of sorted findings: the same findings give the same bytes.

mod csv;
mod escape;
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
}

/// Renders findings in `format`; `color` only affects text, `rules` supplies SARIF's help text.
pub fn render(format: Format, findings: &[Finding], color: bool, rules: &RuleSet) -> Vec<u8> {
    match format {
        Format::Text => text::render(findings, color),
        Format::Json => json::render_array(findings),
        Format::Jsonl => json::render_lines(findings),
        Format::Sarif => sarif::render(findings, rules),
        Format::Junit => junit::render(findings),
        Format::Csv => csv::render(findings),
    }
}
