//! JUnit XML: one failing test case per finding, so CI systems that only read test reports
//! still show each leak.

use crate::finding::Finding;

use super::escape::escape_markup;

pub fn render(findings: &[Finding]) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"leaktrap\" tests=\"{0}\" failures=\"{0}\">\n  <testsuite name=\"leaktrap\" tests=\"{0}\" failures=\"{0}\" errors=\"0\">\n",
        findings.len()
    ));
    for f in findings {
        let location = f.location();
        let mut detail = format!(
            "{} ({}) at {location}\nsecret: {}\n",
            f.rule_name,
            f.severity.as_str(),
            f.secret
        );
        if !f.line_text.is_empty() {
            detail.push_str(&format!("line: {}\n", f.line_text));
        }
        if let Some(commit) = &f.commit {
            detail.push_str(&format!(
                "commit: {commit} by {} <{}> on {}\n",
                f.author.as_deref().unwrap_or(""),
                f.email.as_deref().unwrap_or(""),
                f.date.as_deref().unwrap_or("")
            ));
        }
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            escape_markup(&f.rule_id),
            escape_markup(&location),
            escape_markup(&f.path),
            f.line,
            escape_markup(&format!("{} found", f.rule_name)),
            f.severity.as_str(),
            escape_markup(&detail)
        ));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out.into_bytes()
}
