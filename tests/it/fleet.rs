//! Many repositories at once: `scan --history DIR` over a folder that is not a repository
//! finds every repository beneath it (work trees, bare mirrors, submodules), each once, and a
//! broken one is reported without hiding the others.

use std::path::Path;

use crate::common::{commit_all, git, git_init, run, tokens, write};

/// A folder of repositories: two work trees (one nested in a group folder), a bare mirror of
/// the first, a linked worktree of the first, and a submodule inside the second. Each holds
/// its own secret, so a finding tells which repository it came from.
fn fleet(root: &Path) {
    let alpha = root.join("alpha");
    let beta = root.join("group/beta");
    let gamma = root.join("gamma");
    for (dir, seed) in [(&alpha, 1u64), (&beta, 2), (&gamma, 3)] {
        std::fs::create_dir_all(dir).unwrap();
        git_init(dir);
        write(dir, "config.py", format!("KEY = \"{}\"\n", tokens::stripe_live(seed)));
        commit_all(dir, "add config");
    }
    git(root, &["clone", "-q", "--bare", "alpha", "mirrors/alpha.git"]);
    git(&alpha, &["worktree", "add", "-q", "../alpha-feature"]);
    git(
        &beta,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "../../gamma",
            "vendor/gamma",
        ],
    );
    commit_all(&beta, "vendor gamma");
}

#[test]
fn a_folder_of_repositories_is_scanned_repository_by_repository() {
    let dir = tempfile::tempdir().unwrap();
    fleet(dir.path());
    let out = run(dir.path(), &["scan", "--history", ".", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let mut seen = out.field_pairs("repository", "path");
    seen.sort();
    // The linked worktree shares alpha's objects: it is scanned once, under the first name
    // reached. Nothing is found twice through a `.git` directory or `.git/modules`.
    assert_eq!(
        seen,
        [
            ("alpha", "alpha/config.py"),
            ("gamma", "gamma/config.py"),
            ("group/beta", "group/beta/config.py"),
            ("group/beta/vendor/gamma", "group/beta/vendor/gamma/config.py"),
            ("mirrors/alpha.git", "mirrors/alpha.git/config.py"),
        ]
        .map(|(r, p)| (r.to_string(), p.to_string()))
    );
    let text = run(dir.path(), &["scan", "--history", "."]);
    assert_eq!(text.code, 1);
    let headers: Vec<&str> = text.stdout.lines().filter(|l| l.starts_with("== repository")).collect();
    assert_eq!(headers.len(), 5, "{}", text.stdout);
    assert!(headers[0].starts_with("== repository alpha (1 finding)"), "{headers:?}");
    let sarif = run(dir.path(), &["scan", "--history", ".", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    assert!(results.iter().all(|r| r["properties"]["repository"].is_string()));
}

#[test]
fn a_broken_repository_is_reported_and_the_others_are_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    fleet(dir.path());
    // A clone whose HEAD and refs are garbage: git cannot open it.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(broken.join(".git/objects")).unwrap();
    std::fs::write(broken.join(".git/HEAD"), "not a ref\n").unwrap();
    let out = run(dir.path(), &["scan", "--history", ".", "--format", "json"]);
    assert_eq!(out.code, 2, "an incomplete audit exits 2: {}", out.stderr);
    assert_eq!(out.json().len(), 5, "the other repositories' findings are all there");
    assert!(out.stderr.contains("./broken: cannot be scanned"), "{}", out.stderr);
    assert!(
        out.stderr.contains("the other repositories are still scanned"),
        "{}",
        out.stderr
    );
}

#[test]
fn several_folders_and_shards_merge_to_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    fleet(dir.path());
    let whole = run(dir.path(), &["scan", "--history", "group", "alpha", "--format", "json"]);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    assert_eq!(whole.json().len(), 3, "{}", whole.stdout);
    let mut files = Vec::new();
    for k in 1..=2 {
        let file = dir.path().join(format!("shard{k}.json"));
        let shard = format!("{k}/2");
        let out = run(
            dir.path(),
            &[
                "scan",
                "--history",
                "group",
                "alpha",
                "--shard",
                &shard,
                "--format",
                "json",
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
        files.push(file.to_str().unwrap().to_string());
    }
    let mut args = vec!["merge", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let merged = run(dir.path(), &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    assert_eq!(merged.stdout, whole.stdout);
}

#[test]
fn a_folder_without_repositories_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes/readme.txt", "nothing here\n");
    let out = run(dir.path(), &["scan", "--history", "notes"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no git repository in it or beneath it"),
        "{}",
        out.stderr
    );
}
