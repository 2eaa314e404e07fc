//! `json` (one array) and `jsonl` (one object per line), fields as in DESIGN.md.

use crate::finding::Finding;

pub fn render_array(findings: &[Finding]) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(findings).expect("findings serialise");
    out.push(b'\n');
    out
}

pub fn render_lines(findings: &[Finding]) -> Vec<u8> {
    let mut out = Vec::new();
    for finding in findings {
        serde_json::to_writer(&mut out, finding).expect("findings serialise");
        out.push(b'\n');
    }
    out
}
