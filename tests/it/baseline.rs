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
    assert_eq!(file["version"], 1);
    assert_eq!(file["fingerprints"][0]["rule_id"], "github-pat");
    // Outside a repository, paths are relative to the scanned PATH.
    assert_eq!(file["fingerprints"][0]["path"], "app.py");

    // A line inserted above the accepted secret: still suppressed.
    write(dir.path(), "src/app.py", format!("import os\n\nTOKEN = \"{old}\"\n"));
    let out = run(dir.path(), &["scan", "src", "--baseline", "baseline.json", "--verbose"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("suppressed by the baseline"), "{}", out.stderr);

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
    assert_eq!(
        out.locations(),
        vec![("app.py".to_string(), 4, "github-pat".to_string())]
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
