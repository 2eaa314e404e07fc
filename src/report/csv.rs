//! CSV (RFC 4180): a header, then one row per finding.

use crate::finding::Finding;

const HEADER: &[&str] = &[
    "rule_id",
    "rule_name",
    "severity",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "secret",
    "fingerprint",
    "source",
    "decoded",
    "commit",
    "author",
    "email",
    "date",
    "message",
    "offset",
];

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

pub fn render(findings: &[Finding]) -> Vec<u8> {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for f in findings {
        let row = [
            f.rule_id.clone(),
            f.rule_name.clone(),
            f.severity.as_str().to_string(),
            f.path.clone(),
            f.line.to_string(),
            f.column.to_string(),
            f.end_line.to_string(),
            f.end_column.to_string(),
            f.secret.clone(),
            f.fingerprint.clone(),
            format!("{:?}", f.source).to_lowercase(),
            f.decoded.clone().unwrap_or_default(),
            f.commit.clone().unwrap_or_default(),
            f.author.clone().unwrap_or_default(),
            f.email.clone().unwrap_or_default(),
            f.date.clone().unwrap_or_default(),
            f.message.clone().unwrap_or_default(),
            f.offset.map(|o| o.to_string()).unwrap_or_default(),
        ];
        let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}
