//! `--format html`: one self-contained page for an audit. Inline CSS and JS only, allowed by
//! their hashes in a Content-Security-Policy, so the page fetches nothing and runs nothing
//! else; charts are SVG written here, readable without JS; the table carries one
//! `data-finding` row per finding, which the script filters and sorts. It holds the same
//! redacted secret and line as the JSON, never more.

use std::collections::BTreeMap;
use std::fmt::Write;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::finding::Finding;
use crate::rules::{RuleSet, Severity};

use super::RunContext;
use super::escape::{escape_control, escape_markup};

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// How many bars a ranking chart shows; the table has the rest.
const TOP: usize = 10;

pub fn render(findings: &[Finding], rules: &RuleSet, context: &RunContext) -> Vec<u8> {
    let mut page = String::with_capacity(16 * 1024 + findings.len() * 1024);
    let csp = format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; base-uri 'none'; form-action 'none'",
        hash(STYLE),
        hash(SCRIPT)
    );
    let _ = write!(
        page,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>leaktrap report: {} finding{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        findings.len(),
        plural(findings.len())
    );
    header(&mut page, findings, context);
    page.push_str("<main>\n");
    charts(&mut page, findings);
    table(&mut page, findings);
    remediation(&mut page, findings, rules);
    context_section(&mut page, context);
    page.push_str("</main>\n");
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page.into_bytes()
}

/// The CSP source for an inline block: its SHA-256, so no other inline code may run.
fn hash(block: &str) -> String {
    let digest = Sha256::digest(block.as_bytes());
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// Text for HTML content and attribute values, control characters shown escaped as the
/// terminal report shows them.
fn esc(text: &str) -> String {
    escape_markup(&escape_control(text))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn header(page: &mut String, findings: &[Finding], context: &RunContext) {
    let _ = write!(
        page,
        "<header>\n<div class=\"brand\">leaktrap</div>\n<h1>{} finding{}</h1>\n<p class=\"scanned\">{}<br>{}</p>\n<ul class=\"cards\">\n",
        findings.len(),
        plural(findings.len()),
        esc(&context.target),
        esc(&context.scanned)
    );
    for severity in Severity::MOST_SEVERE_FIRST {
        let count = findings.iter().filter(|f| f.severity == severity).count();
        let _ = writeln!(
            page,
            "<li class=\"card sev-{0}\"><span class=\"n\">{count}</span> {0}</li>",
            severity.as_str()
        );
    }
    let files = distinct(findings.iter().map(|f| f.path.as_str()));
    let rules = distinct(findings.iter().map(|f| f.rule_id.as_str()));
    let _ = writeln!(
        page,
        "<li class=\"card\"><span class=\"n\">{rules}</span> rule{}</li>",
        plural(rules)
    );
    let _ = writeln!(
        page,
        "<li class=\"card\"><span class=\"n\">{files}</span> file{}</li>",
        plural(files)
    );
    let live = findings.iter().filter(|f| f.present_at_tip == Some(true)).count();
    if findings.iter().any(|f| f.present_at_tip.is_some()) {
        let _ = writeln!(
            page,
            "<li class=\"card live\"><span class=\"n\">{live}</span> still at a branch tip</li>"
        );
    }
    page.push_str("</ul>\n</header>\n");
}

fn distinct<'a>(items: impl Iterator<Item = &'a str>) -> usize {
    items.collect::<std::collections::BTreeSet<_>>().len()
}

/// Counts of `key` over the findings, most first (ties by name), the first `TOP`.
fn ranking<'a>(findings: &'a [Finding], key: impl Fn(&'a Finding) -> Option<&'a str>) -> Vec<(&'a str, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in findings {
        if let Some(k) = key(finding) {
            *counts.entry(k).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked.truncate(TOP);
    ranked
}

fn charts(page: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        page.push_str("<section class=\"empty\"><h2>Nothing found</h2><p>No secret was found in what was scanned.</p></section>\n");
        return;
    }
    page.push_str("<section class=\"charts\">\n");
    let severity: Vec<(&str, usize)> = Severity::MOST_SEVERE_FIRST
        .iter()
        .map(|s| (s.as_str(), findings.iter().filter(|f| f.severity == *s).count()))
        .collect();
    bars(page, "By severity", &severity, true);
    bars(page, "By rule", &ranking(findings, |f| Some(f.rule_id.as_str())), false);
    bars(page, "Top paths", &ranking(findings, |f| Some(f.path.as_str())), false);
    if findings.iter().any(|f| f.author.is_some()) {
        bars(page, "By author", &ranking(findings, |f| f.author.as_deref()), false);
        timeline(page, findings);
    }
    page.push_str("</section>\n");
}

/// A horizontal bar chart: one labelled bar per item, widths relative to the largest.
fn bars(page: &mut String, title: &str, items: &[(&str, usize)], by_severity: bool) {
    const ROW: usize = 22;
    const LABEL: usize = 190;
    const WIDTH: usize = 420;
    let max = items.iter().map(|i| i.1).max().unwrap_or(1).max(1);
    let height = items.len() * ROW + 4;
    let _ = write!(
        page,
        "<figure class=\"chart\">\n<figcaption>{}</figcaption>\n<svg viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{0}\">\n",
        esc(title)
    );
    for (row, (label, count)) in items.iter().enumerate() {
        let y = row * ROW + 2;
        let bar = ((WIDTH - LABEL - 40) * count / max).max(usize::from(*count > 0));
        let class = if by_severity {
            format!("bar sev-{label}")
        } else {
            "bar".to_string()
        };
        let shown: String = if label.chars().count() > 28 {
            let tail: Vec<char> = label.chars().rev().take(27).collect();
            format!("…{}", tail.into_iter().rev().collect::<String>())
        } else {
            label.to_string()
        };
        let _ = writeln!(
            page,
            "<g><title>{}: {count}</title><text x=\"{}\" y=\"{}\" class=\"label\">{}</text><rect class=\"{class}\" x=\"{LABEL}\" y=\"{y}\" width=\"{}\" height=\"{}\" rx=\"3\"/><text x=\"{}\" y=\"{}\" class=\"count\">{count}</text></g>",
            esc(label),
            LABEL - 8,
            y + 15,
            esc(&shown),
            bar,
            ROW - 6,
            LABEL + bar + 6,
            y + 15
        );
    }
    page.push_str("</svg>\n</figure>\n");
}

/// Findings by the month of the commit that introduced them, as columns.
fn timeline(page: &mut String, findings: &[Finding]) {
    let mut months: BTreeMap<&str, usize> = BTreeMap::new();
    for date in findings.iter().filter_map(|f| f.date.as_deref()) {
        *months.entry(date.get(..7).unwrap_or(date)).or_default() += 1;
    }
    let (Some((first, _)), Some((last, _))) = (months.first_key_value(), months.last_key_value()) else {
        return;
    };
    // Every month from the first to the last, empty ones too, so the axis is time.
    let mut axis = Vec::new();
    let (mut year, mut month) = year_month(first);
    let end = year_month(last);
    while (year, month) <= end && axis.len() < 600 {
        axis.push(format!("{year:04}-{month:02}"));
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    const WIDTH: usize = 420;
    const HEIGHT: usize = 140;
    let max = months.values().copied().max().unwrap_or(1).max(1);
    let step = WIDTH as f64 / axis.len().max(1) as f64;
    let _ = write!(
        page,
        "<figure class=\"chart\">\n<figcaption>Introduced, by month</figcaption>\n<svg viewBox=\"0 0 {WIDTH} {}\" width=\"{WIDTH}\" height=\"{}\" role=\"img\" aria-label=\"Findings by the month their commit was made\">\n",
        HEIGHT + 20,
        HEIGHT + 20
    );
    for (i, label) in axis.iter().enumerate() {
        let count = months.get(label.as_str()).copied().unwrap_or(0);
        if count == 0 {
            continue;
        }
        let h = (HEIGHT - 10) * count / max;
        let _ = writeln!(
            page,
            "<g><title>{label}: {count}</title><rect class=\"bar\" x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{h}\"/></g>",
            i as f64 * step,
            HEIGHT - h,
            (step - 1.0).max(1.0)
        );
    }
    let _ = writeln!(
        page,
        "<text x=\"0\" y=\"{}\" class=\"axis\">{}</text><text x=\"{WIDTH}\" y=\"{}\" class=\"axis end\">{}</text>",
        HEIGHT + 16,
        esc(first),
        HEIGHT + 16,
        esc(last)
    );
    page.push_str("</svg>\n</figure>\n");
}

fn year_month(text: &str) -> (u32, u32) {
    let year = text.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1970);
    let month = text.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1).clamp(1, 12);
    (year, month)
}

fn table(page: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    let history = findings.iter().any(|f| f.commit.is_some());
    page.push_str("<section class=\"findings\">\n<h2>Findings</h2>\n<form class=\"filters\" hidden>\n");
    let options = |page: &mut String, name: &str, label: &str, values: Vec<&str>| {
        let _ = write!(
            page,
            "<label>{label} <select name=\"{name}\"><option value=\"\">all</option>"
        );
        for value in values {
            let _ = write!(page, "<option>{}</option>", esc(value));
        }
        page.push_str("</select></label>\n");
    };
    options(
        page,
        "severity",
        "Severity",
        Severity::MOST_SEVERE_FIRST
            .iter()
            .map(|s| s.as_str())
            .filter(|s| findings.iter().any(|f| f.severity.as_str() == *s))
            .collect(),
    );
    let mut rule_ids: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    options(page, "rule", "Rule", rule_ids);
    page.push_str("<label>Path <input name=\"path\" type=\"search\" placeholder=\"part of a path\"></label>\n");
    if history {
        page.push_str("<label>Author <input name=\"author\" type=\"search\" placeholder=\"name or email\"></label>\n");
    }
    page.push_str("<output name=\"shown\"></output>\n</form>\n<div class=\"scroll\">\n<table>\n<thead><tr><th data-sort=\"severity\">Severity</th><th data-sort=\"rule\">Rule</th><th data-sort=\"path\">Location</th>");
    if history {
        page.push_str(
            "<th data-sort=\"commit\">Commit</th><th data-sort=\"author\">Author</th><th data-sort=\"date\">Date</th>",
        );
    }
    page.push_str("<th>Secret and line</th></tr></thead>\n<tbody>\n");
    // Most severe first, as the text report: what to triage first is on top.
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
    for f in ordered {
        // 1 for low to 4 for critical: the script sorts by it as a number.
        let rank = f.severity as u8 + 1;
        let author = match (&f.author, &f.email) {
            (Some(a), Some(e)) => format!("{a} <{e}>"),
            (Some(a), None) => a.clone(),
            _ => String::new(),
        };
        let _ = write!(
            page,
            "<tr data-finding data-severity=\"{}\" data-rank=\"{rank}\" data-rule=\"{}\" data-path=\"{}\" data-author=\"{}\" data-date=\"{}\" data-commit=\"{}\"><td><span class=\"badge sev-{0}\">{0}</span></td><td><a href=\"#rule-{1}\">{1}</a><div class=\"sub\">{}</div></td><td class=\"path\">{}",
            f.severity.as_str(),
            esc(&f.rule_id),
            esc(&f.path),
            esc(&author),
            esc(f.date.as_deref().unwrap_or("")),
            esc(f.commit.as_deref().unwrap_or("")),
            esc(&f.rule_name),
            esc(&f.location())
        );
        if let Some(repository) = &f.repository {
            let _ = write!(page, "<div class=\"sub\">repository {}</div>", esc(repository));
        }
        if let Some(also) = f.also_at.as_ref().filter(|a| !a.is_empty()) {
            let _ = write!(page, "<div class=\"sub\">also at {}</div>", esc(&also.join(", ")));
        }
        page.push_str("</td>");
        if history {
            let commit = f.commit.as_deref().unwrap_or("");
            let _ = write!(
                page,
                "<td class=\"commit\" title=\"{}\">{}",
                esc(f.message.as_deref().unwrap_or("")),
                esc(&commit[..commit.len().min(12)])
            );
            if f.present_at_tip == Some(true) {
                page.push_str("<div class=\"sub live\">still at a branch tip</div>");
            }
            let date = f.date.as_deref().unwrap_or("");
            let _ = write!(
                page,
                "</td><td title=\"{}\">{}</td><td class=\"date\" title=\"{}\">{}</td>",
                esc(&author),
                esc(f.author.as_deref().unwrap_or("")),
                esc(date),
                esc(date.get(..10).unwrap_or(date))
            );
        }
        let decoded = f
            .decoded
            .as_deref()
            .map(|d| format!(" <span class=\"sub\">decoded from {}</span>", esc(d)))
            .unwrap_or_default();
        let _ = writeln!(
            page,
            "<td><code class=\"secret\">{}</code>{decoded}<pre class=\"line\">{}</pre></td></tr>",
            esc(&f.secret),
            esc(f.line_text.trim())
        );
    }
    page.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// What to do about each rule that matched: its description and how to rotate the secret.
fn remediation(page: &mut String, findings: &[Finding], rules: &RuleSet) {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return;
    }
    page.push_str("<section class=\"remediation\">\n<h2>What to do</h2>\n<p>For each finding: remove the secret from the code, rotate it (it may already be copied), and rewrite history if it was pushed. A false positive takes a <code>leaktrap:allow</code> comment on its line, an allowlist entry in <code>.leaktrap.yaml</code>, or a baseline.</p>\n<dl>\n");
    for id in ids {
        let rule = rules.rules.iter().find(|r| r.id == id);
        let count = findings.iter().filter(|f| f.rule_id == id).count();
        let name = rule.map_or(id, |r| r.name.as_str());
        let _ = write!(
            page,
            "<dt id=\"rule-{}\">{} <span class=\"sub\">{} · {count} finding{}</span></dt>\n<dd>",
            esc(id),
            esc(name),
            esc(id),
            plural(count)
        );
        match rule {
            Some(rule) => {
                if !rule.description.is_empty() {
                    let _ = write!(page, "<p>{}</p>", esc(&rule.description));
                }
                let how = if rule.remediation.is_empty() {
                    "Revoke it where it was issued and replace it with a new one kept out of the code (a secret store or the CI's secrets)."
                } else {
                    rule.remediation.as_str()
                };
                let _ = write!(page, "<p class=\"how\">{}</p>", esc(how));
                for reference in &rule.references {
                    let _ = write!(page, "<p class=\"ref\">{}</p>", esc(reference));
                }
            }
            None => page.push_str("<p>A rule of another configuration: <code>leaktrap rules show</code> in the scanned repository says more.</p>"),
        }
        page.push_str("</dd>\n");
    }
    page.push_str("</dl>\n</section>\n");
}

fn context_section(page: &mut String, context: &RunContext) {
    let _ = write!(
        page,
        "<section class=\"context\">\n<h2>This scan</h2>\n<dl>\n<dt>Command</dt><dd><code>{}</code></dd>\n<dt>What</dt><dd>{}</dd>\n<dt>Scanned</dt><dd>{}</dd>\n<dt>Rules</dt><dd>{} rules, leaktrap {}</dd>\n<dt>Report written</dt><dd>{}</dd>\n</dl>\n<p class=\"sub\">Secrets are redacted as in every leaktrap report; the page loads nothing from the network.</p>\n</section>\n",
        esc(&context.command),
        esc(&context.target),
        esc(&context.scanned),
        context.rules,
        esc(&context.version),
        esc(&context.generated)
    );
}
