//! gitleaks users switch with zero edits: a `.gitleaks.toml` at the scanned root is read as is
//! when there is no `.leaktrap.yaml`, and `.gitleaksignore` entries suppress what they name.

use crate::common::{commit_all, git_init, run, tokens, write};

const GITLEAKS_TOML: &str = r#"title = "team config"
[extend]
useDefault = true
disabledRules = ["generic-api-key", "no-such-gitleaks-rule"]

[[rules]]
id = "acme-internal-token"
description = "Acme internal token"
regex = '''acme_[a-z0-9]{24}'''
keywords = ["acme_"]

[allowlist]
paths = ['''fixtures/''']
"#;

const ACME: &str = "acme_q7w2k9x4m1z8r5t3v6b0n4pe";

fn rule_ids(run: &crate::common::Run) -> Vec<String> {
    let mut ids: Vec<String> = run
        .locations()
        .into_iter()
        .map(|(p, _, r)| format!("{p}:{r}"))
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_gitleaks_toml_at_the_root_is_read_directly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitleaks.toml", GITLEAKS_TOML);
    write(dir.path(), "app.py", format!("k = \"{ACME}\"\n"));
    write(dir.path(), "fixtures/app.py", format!("k = \"{ACME}\"\n"));
    write(dir.path(), "pay.py", format!("s = \"{}\"\n", tokens::stripe_live(7)));
    write(dir.path(), "gen.py", "password = \"Zq8vR2mK9xL4pW7\"\n");
    let out = run(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // The custom rule fires, the allowlisted path does not, the embedded rules still apply
    // (useDefault) except the disabled generic one.
    assert_eq!(
        rule_ids(&out),
        ["app.py:acme-internal-token", "pay.py:stripe-live-secret-key"]
    );
    assert!(
        out.stderr.contains(".gitleaks.toml (a gitleaks config, read as is"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("\"no-such-gitleaks-rule\" has no leaktrap rule"),
        "what cannot be mapped is a warning: {}",
        out.stderr
    );
    // A .leaktrap.yaml takes precedence.
    write(dir.path(), ".leaktrap.yaml", "version: 1\n");
    let ours = run(dir.path(), &["scan", ".", "--format", "json"]);
    assert!(!ours.stderr.contains("gitleaks config"), "{}", ours.stderr);
    assert!(
        rule_ids(&ours).contains(&"gen.py:generic-secret-assignment".to_string()),
        "{}",
        ours.stdout
    );
    // --config names a gitleaks file explicitly.
    let named = run(
        dir.path(),
        &["scan", ".", "--config", ".gitleaks.toml", "--format", "json"],
    );
    assert_eq!(rule_ids(&named), rule_ids(&out));
}

#[test]
fn a_broken_gitleaks_toml_names_the_file_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitleaks.toml", "[[rules]\nid = 1\n");
    write(dir.path(), "app.py", "x = 1\n");
    let out = run(dir.path(), &["scan", "."]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains(".gitleaks.toml"), "{}", out.stderr);
    assert!(out.stderr.contains("line 1"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
}

#[test]
fn gitleaksignore_entries_suppress_by_path_rule_line_and_commit() {
    let dir = tempfile::tempdir().unwrap();
    git_init(dir.path());
    write(dir.path(), "pay.py", format!("s = \"{}\"\n", tokens::stripe_live(8)));
    write(
        dir.path(),
        "deploy.sh",
        format!("export T=x\nexport GH=\"{}\"\n", tokens::github_pat(9)),
    );
    let commit = commit_all(dir.path(), "add");
    let before = run(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(before.json().len(), 2, "{}", before.stdout);
    // gitleaks ids, mapped: stripe-access-token covers leaktrap's live and test key rules.
    write(
        dir.path(),
        ".gitleaksignore",
        format!(
            "# accepted\npay.py:stripe-access-token:1\ndeploy.sh:github-pat:1\n{commit}:deploy.sh:github-pat:2\nnot an entry\n"
        ),
    );
    let files = run(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(
        rule_ids(&files),
        ["deploy.sh:github-pat"],
        "the wrong line does not match"
    );
    assert!(files.stderr.contains("line 5: \"not an entry\""), "{}", files.stderr);
    // In history the commit entry applies, and the path-only one does not.
    let history = run(dir.path(), &["scan", "--history", "--format", "json"]);
    assert_eq!(
        rule_ids(&history),
        ["pay.py:stripe-live-secret-key"],
        "{}",
        history.stderr
    );
}
