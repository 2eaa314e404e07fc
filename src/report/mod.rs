//! Reporters are pure functions of sorted findings: the same findings give the same bytes.

mod csv;
mod json;
mod junit;
mod sarif;
mod text;

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

/// Control characters (a crafted file name's terminal escapes, say) shown escaped.
pub fn escape_control(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\t' => "\\t".to_string(),
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::escape_control;

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_control("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_control("plain"), "plain");
    }
}
