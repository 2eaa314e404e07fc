//! Baselines: accept today's findings by fingerprint, fail only on new ones.

use crate::common::{run, tokens, write};

#[test]
fn baseline_round_trip_survives_moved_lines_and_catches_new_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let old = tokens::github_pat(90);
    write(dir.path(), "src/app.py", format!("TOKEN = \"{old}\"\n"));
    let made = run(dir.path(), &["baseline", "src", "-o", "baseline.json"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let text = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(!text.contains(&old[4..]), "a baseline never holds the secret");
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(file["version"], 2);
    assert_eq!(file["fingerprints"][0]["rule_id"], "github-pat");
    // Outside a repository, paths are relative to the scanned PATH.
    assert_eq!(file["fingerprints"][0]["path"], "app.py");

    // A line inserted above the accepted secret: still suppressed.
    write(dir.path(), "src/app.py", format!("import os\n\nTOKEN = \"{old}\"\n"));
    let out = run(dir.path(), &["scan", "src", "--baseline", "baseline.json", "--verbose"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("suppressed by baseline entry "), "{}", out.stderr);

    // A new secret still fails.
    write(
        dir.path(),
        "src/app.py",
        format!("import os\n\nTOKEN = \"{old}\"\nNEW = \"{}\"\n", tokens::github_pat(91)),
    );
    let out = run(
        dir.path(),
        &["scan", "src", "--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(out.code, 1);
    // Shown from the current directory; recorded in the baseline relative to the scanned PATH.
    assert_eq!(
        out.locations(),
        vec![("src/app.py".to_string(), 4, "github-pat".to_string())]
    );

    // The accepted secret removed: its entry is stale, reported with --verbose.
    write(dir.path(), "src/app.py", "import os\n");
    let out = run(dir.path(), &["scan", "src", "--baseline", "baseline.json", "--verbose"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("matched nothing"), "{}", out.stderr);
}

#[test]
fn broken_baselines_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "nothing\n");
    let cases: [(&str, &[u8], &str); 4] = [
        ("bad.json", b"{ not json", "not valid JSON"),
        ("empty.json", b"  \n", "the baseline is empty"),
        (
            "newer.json",
            br#"{"version": 7, "fingerprints": []}"#,
            "newer than this leaktrap",
        ),
        (
            "wrong.json",
            br#"{"version": 1, "entries": []}"#,
            "not a leaktrap baseline",
        ),
    ];
    for (name, content, message) in cases {
        write(dir.path(), name, content);
        let out = run(dir.path(), &["scan", "a.txt", "--baseline", name]);
        assert_eq!(out.code, 2, "{name}");
        assert!(out.stderr.contains(message), "{name}: {}", out.stderr);
    }
    std::fs::create_dir(dir.path().join("dir.json")).unwrap();
    let out = run(dir.path(), &["scan", "a.txt", "--baseline", "dir.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
}

#[test]
fn a_baseline_entry_survives_git_mv_and_a_copy_of_the_secret_is_new() {
    use crate::common::{commit_all, git, git_init};
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    let token = tokens::github_pat(95);
    write(repo, "conf/settings.py", format!("TOKEN = \"{token}\"\n"));
    commit_all(repo, "settings");
    assert_eq!(run(repo, &["baseline", "-o", ".leaktrap-baseline.json"]).code, 0);
    git(repo, &["mv", "conf/settings.py", "conf/base.py"]);
    commit_all(repo, "rename");
    let out = run(repo, &["scan", "--baseline", ".leaktrap-baseline.json", "-v"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("(accepted at conf/settings.py: the file moved)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("matched nothing"), "{}", out.stderr);
    // A copy alongside the moved file: one of the two is accepted, the other is new.
    write(repo, "conf/copy.py", format!("TOKEN = \"{token}\"\n"));
    let out = run(
        repo,
        &["scan", "--baseline", ".leaktrap-baseline.json", "--format", "json"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json().len(), 1, "{}", out.stdout);
    // A version-1 baseline (no secret_id) still loads and matches at its own path.
    let v1 = std::fs::read_to_string(repo.join(".leaktrap-baseline.json"))
        .unwrap()
        .replace("\"version\": 2", "\"version\": 1");
    let v1: serde_json::Value = serde_json::from_str(&v1).unwrap();
    let mut v1 = v1;
    for entry in v1["fingerprints"].as_array_mut().unwrap() {
        entry.as_object_mut().unwrap().remove("secret_id");
    }
    write(repo, "v1.json", serde_json::to_string(&v1).unwrap());
    let out = run(
        repo,
        &["scan", "conf/base.py", "--baseline", "v1.json", "--format", "json"],
    );
    assert_eq!(out.code, 1, "a v1 entry does not follow a move: {}", out.stderr);
}
