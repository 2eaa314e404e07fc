//! Snapshot tests of every reporter, from hand-made findings: a work-tree finding, a history
//! finding with its commit and other paths, a decoded one, and one whose path carries a terminal
//! escape. Reporters are pure functions of findings, so these pin every byte they print; the
//! crate version is redacted so a release does not touch them. Review a change with
//! `INSTA_UPDATE=always cargo test report_snapshots` and `git diff`.

use leaktrap::finding::{Finding, fingerprint, redact};
use leaktrap::origin::SourceKind;
use leaktrap::report::{Format, RunContext, render};
use leaktrap::rules::{RuleFileSyntax, RuleSet, Severity, Trust, compile_rule};

/// Two rules, so SARIF's rule table and help text come from here rather than the embedded pack.
const RULES: &str = r#"
rules:
  - id: acme-api-key
    name: Acme API key
    severity: high
    description: An Acme API key (acme_ + 32 characters).
    remediation: Revoke it in the Acme console and issue a new one.
    keywords: [acme_]
    regex: '(acme_[a-z0-9]{32})'
    references: [https://acme.example/docs/keys]
  - id: acme-webhook-secret
    name: Acme webhook secret
    severity: medium
    description: A webhook signing secret.
    remediation: Roll the secret in the webhook's settings.
    keywords: [whacme_]
    regex: '(whacme_[a-z0-9]{24})'
"#;

fn rules() -> RuleSet {
    let parsed: RuleFileSyntax = serde_yaml_ng::from_str(RULES).unwrap();
    let mut set = RuleSet::default();
    for syntax in parsed.rules {
        set.add(compile_rule(syntax, "snapshot.yaml", Trust::User).unwrap())
            .unwrap();
    }
    set
}

fn finding(rule_id: &str, path: &str, line: usize, secret: &str) -> Finding {
    let (rule_name, severity) = match rule_id {
        "acme-api-key" => ("Acme API key", Severity::High),
        _ => ("Acme webhook secret", Severity::Medium),
    };
    let column = 11;
    Finding {
        rule_id: rule_id.to_string(),
        rule_name: rule_name.to_string(),
        severity,
        path: path.to_string(),
        line,
        column,
        end_line: line,
        end_column: column + secret.len(),
        offset: None,
        secret: redact(secret),
        line_text: format!("API_KEY = \"{}\"", redact(secret)),
        entropy: 4.25,
        fingerprint: fingerprint(rule_id, path, secret.as_bytes()),
        source: SourceKind::Worktree,
        decoded: None,
        commit: None,
        author: None,
        email: None,
        date: None,
        message: None,
        also_at: None,
        present_at_tip: None,
        also_rules: Vec::new(),
        repository: None,
        root_path: None,
        raw_secret: Vec::new(),
    }
}

/// Sorted as the pipeline sorts them, as every reporter receives them.
fn findings() -> Vec<Finding> {
    let work_tree = finding(
        "acme-api-key",
        "config/settings.py",
        3,
        "acme_4f9k2m7q1x8c3v6b0n5z2l9p4r7t1w8y",
    );
    let mut history = finding(
        "acme-webhook-secret",
        "deploy/hooks.env",
        12,
        "whacme_k3j9d2m8x7c4v1b6n0z5q2",
    );
    history.source = SourceKind::History;
    history.commit = Some("9f1c3e5a7b2d4f6081a3c5e7f9b1d3f5a7c9e1b3".to_string());
    history.author = Some("Dana Developer".to_string());
    history.email = Some("dana@example.com".to_string());
    history.date = Some("2024-03-01T10:00:00Z".to_string());
    history.message = Some("Add the deploy hook & its <secret>".to_string());
    history.also_at = Some(vec!["deploy/hooks.env.bak".to_string()]);
    let mut decoded = finding(
        "acme-api-key",
        "k8s/secret.yaml",
        7,
        "acme_z8x7c6v5b4n3m2l1k9j8h7g6f5d4s3a2",
    );
    decoded.decoded = Some("base64".to_string());
    // The encoded run is masked in the line as the secret would be.
    decoded.line_text = format!("  api_key: {}", "*".repeat(36));
    let hostile = finding(
        "acme-api-key",
        "notes/\u{1b}[31mred.txt",
        1,
        "acme_q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6",
    );
    let mut all = vec![work_tree, history, decoded, hostile];
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    all
}

/// A fixed account of the run, so the HTML report's bytes are pinned too.
fn context() -> RunContext {
    RunContext {
        command: "leaktrap scan --history --format html -o report.html".to_string(),
        target: "history of the current repository, every ref".to_string(),
        scanned: "scanned 12 commits, 40 unique blobs (1.2 MiB), 4 findings in 0.05s".to_string(),
        rules: 2,
        version: "[version]".to_string(),
        generated: "2026-12-08T00:00:00Z".to_string(),
    }
}

/// The HTML report with its inline stylesheet, script and their CSP hashes left out: the
/// snapshot pins the page's structure and content; the browser test runs the script.
fn html(findings: &[leaktrap::finding::Finding]) -> String {
    let page = String::from_utf8(render(Format::Html, findings, false, &rules(), &context())).unwrap();
    let cut = |page: &str, open: &str, close: &str| -> String {
        let start = page.find(open).unwrap() + open.len();
        let end = start + page[start..].find(close).unwrap();
        format!("{}[{}]{}", &page[..start], open.trim_matches(['<', '>']), &page[end..])
    };
    let page = cut(&page, "<style>", "</style>");
    let page = cut(&page, "<script>", "</script>");
    regex::Regex::new("sha256-[A-Za-z0-9+/=]+")
        .unwrap()
        .replace_all(&page, "sha256-[hash]")
        .into_owned()
}

#[test]
fn html_report() {
    insta::assert_snapshot!(html(&findings()));
}

#[test]
fn html_report_without_findings() {
    insta::assert_snapshot!(html(&[]));
}

fn rendered(format: Format, color: bool) -> String {
    let bytes = render(format, &findings(), color, &rules(), &context());
    String::from_utf8(bytes)
        .expect("reports are UTF-8")
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn text() {
    insta::assert_snapshot!(rendered(Format::Text, false));
}

#[test]
fn text_in_color() {
    insta::assert_snapshot!(rendered(Format::Text, true));
}

#[test]
fn json() {
    insta::assert_snapshot!(rendered(Format::Json, false));
}

#[test]
fn jsonl() {
    insta::assert_snapshot!(rendered(Format::Jsonl, false));
}

#[test]
fn sarif() {
    insta::assert_snapshot!(rendered(Format::Sarif, false));
}

#[test]
fn junit() {
    insta::assert_snapshot!(rendered(Format::Junit, false));
}

#[test]
fn csv() {
    insta::assert_snapshot!(rendered(Format::Csv, false));
}

#[test]
fn no_findings_in_every_format() {
    let empty: Vec<String> = [
        Format::Text,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Junit,
        Format::Csv,
    ]
    .into_iter()
    .map(|format| {
        let bytes = render(format, &[], false, &rules(), &context());
        format!(
            "--- {format:?}\n{}",
            String::from_utf8(bytes)
                .unwrap()
                .replace(env!("CARGO_PKG_VERSION"), "[version]")
        )
    })
    .collect();
    insta::assert_snapshot!(empty.join("\n"));
}
