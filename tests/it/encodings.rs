//! Encoded secrets, in several file types and nesting depths: each finding says which encoding
//! hid it and points at the encoded text.

use crate::common::{run, tokens, write};

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unicode_escaped(text: &str) -> String {
    text.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
}

fn html_numeric(text: &str) -> String {
    text.chars().map(|c| format!("&#{};", c as u32)).collect()
}

fn base64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// (path, line, column, decoded) of each finding.
fn found(dir: &std::path::Path) -> Vec<(String, u64, u64, String)> {
    let out = run(dir, &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    out.json()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["decoded"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn hex_escapes_and_html_references_hide_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let token = |seed| tokens::github_pat(seed);
    write(
        dir.path(),
        "bundle.json",
        format!("{{\n  \"auth\": \"{}\"\n}}\n", unicode_escaped(&token(1))),
    );
    write(
        dir.path(),
        "app.js",
        format!(
            "const t = \"{}\";\n",
            token(2).bytes().map(|b| format!("\\x{b:02x}")).collect::<String>()
        ),
    );
    write(
        dir.path(),
        "page.html",
        format!("<html>\n<p data-k=\"{}\"></p>\n", html_numeric(&token(3))),
    );
    write(dir.path(), "dump.txt", format!("key: {}\n", hex(&token(4))));
    // Nested: base64 of hex, and hex inside a JSON escape-free config.
    write(
        dir.path(),
        "secret.yaml",
        format!("data:\n  blob: {}\n", base64(&hex(&token(5)))),
    );
    let mut found = found(dir.path());
    found.sort();
    assert_eq!(
        found,
        [
            ("app.js".to_string(), 1, 12, "escape".to_string()),
            ("bundle.json".to_string(), 2, 12, "escape".to_string()),
            ("dump.txt".to_string(), 1, 6, "hex".to_string()),
            ("page.html".to_string(), 2, 12, "html".to_string()),
            ("secret.yaml".to_string(), 2, 9, "hex".to_string()),
        ]
    );
}

#[test]
fn ordinary_escapes_hashes_and_entities_are_not_decoded_into_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.c",
        "printf(\"%s\\n\\t\\x41\", name);\nchar *s = \"a\\\\b\";\n",
    );
    write(
        dir.path(),
        "lock.txt",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n",
    );
    write(dir.path(), "page.html", "<p>Tom &amp; Jerry &lt;3 &#169; 2024</p>\n");
    write(dir.path(), "leak.txt", format!("T=\"{}\"\n", tokens::github_pat(9)));
    let found = found(dir.path());
    assert_eq!(found, [("leak.txt".to_string(), 1, 4, String::new())]);
}

/// A decoded value is scanned with at most a few hundred bytes of its line around it: a token
/// twenty kilobytes along a minified line is still found, at its own column.
#[test]
fn a_value_far_along_a_minified_line_is_found_at_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let padding = "var a=1;".repeat(2500);
    write(
        dir.path(),
        "bundle.min.js",
        format!(
            "{padding}k=\"{}\";{padding}b=\"{}\";\n",
            unicode_escaped(&tokens::github_pat(6)),
            base64(&format!("token {}", tokens::github_pat(7)))
        ),
    );
    let second = 2 * padding.len() + 3 + unicode_escaped(&tokens::github_pat(6)).len() + 5;
    assert_eq!(
        found(dir.path()),
        [
            (
                "bundle.min.js".to_string(),
                1,
                padding.len() as u64 + 4,
                "escape".to_string()
            ),
            ("bundle.min.js".to_string(), 1, second as u64 + 1, "base64".to_string()),
        ]
    );
}
