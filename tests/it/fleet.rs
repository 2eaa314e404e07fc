//! Many repositories at once: `scan --history DIR` over a folder that is not a repository
//! finds every repository beneath it (work trees, bare mirrors, submodules), each once, and a
//! broken one is reported without hiding the others.

use std::path::Path;

use crate::common::{commit_all, git, git_init, run, shard_reports, tokens, write};

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

/// Runs `scan --history PATHS --shard k/N EXTRA` for every k and returns each shard's report
/// file and the repositories it found secrets in.
fn run_shards(dir: &Path, paths: &[&str], count: u64, extra: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut args = vec!["scan", "--history"];
    args.extend(paths);
    args.extend(extra);
    shard_reports(dir, &args, count)
        .into_iter()
        .map(|file| {
            let report: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            let mut repositories: Vec<String> = report
                .iter()
                .map(|f| f["repository"].as_str().unwrap().to_string())
                .collect();
            repositories.dedup();
            (file, repositories)
        })
        .collect()
}

/// `leaktrap merge` of the shards' reports, as JSON text.
fn merged(dir: &Path, shards: &[(String, Vec<String>)]) -> String {
    let mut args = vec!["merge", "--format", "json"];
    args.extend(shards.iter().map(|(file, _)| file.as_str()));
    let merged = run(dir, &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    merged.stdout
}

#[test]
fn several_folders_and_shards_merge_to_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    fleet(dir.path());
    let whole = run(dir.path(), &["scan", "--history", "group", "alpha", "--format", "json"]);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    assert_eq!(whole.json().len(), 3, "{}", whole.stdout);
    let shards = run_shards(dir.path(), &["group", "alpha"], 2, &[]);
    assert_eq!(merged(dir.path(), &shards), whole.stdout);
}

/// Over a folder, a small repository goes whole to one job, so that a job opens only its own;
/// a big one (here: three commits or more, by `--shard-whole 3`) is split by blobs across jobs.
#[test]
fn shards_take_small_repositories_whole_and_split_big_ones() {
    let dir = tempfile::tempdir().unwrap();
    fleet(dir.path());
    // Four secrets at four paths each: split by blobs, they would land in several shards.
    for (name, commits) in [("small", 1u64), ("big", 3)] {
        let repo = dir.path().join(name);
        std::fs::create_dir_all(&repo).unwrap();
        git_init(&repo);
        for n in 0..commits {
            for file in 0..4u64 {
                let seed = 100 + commits * 100 + n * 10 + file;
                write(
                    &repo,
                    &format!("svc{file}/config{n}.py"),
                    format!("KEY = \"{}\"\n", tokens::stripe_live(seed)),
                );
            }
            commit_all(&repo, "more services");
        }
    }
    let holders = |shards: &[(String, Vec<String>)], repository: &str| {
        shards
            .iter()
            .filter(|(_, repos)| repos.iter().any(|r| r == repository))
            .count()
    };
    let whole = run(dir.path(), &["scan", "--history", ".", "--format", "json"]);
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    assert_eq!(whole.json().len(), 21, "{}", whole.stdout);
    let shards = run_shards(dir.path(), &["."], 3, &["--shard-whole", "3"]);
    assert_eq!(merged(dir.path(), &shards), whole.stdout);
    for small in [
        "alpha",
        "gamma",
        "group/beta",
        "group/beta/vendor/gamma",
        "mirrors/alpha.git",
        "small",
    ] {
        assert_eq!(
            holders(&shards, small),
            1,
            "{small} is scanned whole by one shard: {shards:?}"
        );
    }
    assert!(holders(&shards, "big") >= 2, "big is split across shards: {shards:?}");
    // `--shard-whole 0` splits every repository, as a single repository is split.
    let split = run_shards(dir.path(), &["."], 3, &["--shard-whole", "0"]);
    assert_eq!(merged(dir.path(), &split), whole.stdout);
    assert!(holders(&split, "small") >= 2, "small is split too: {split:?}");
    // A job whose share holds no repository reports nothing and exits 0.
    let many = run_shards(dir.path(), &["alpha", "gamma"], 8, &[]);
    assert!(many.iter().any(|(_, repos)| repos.is_empty()), "{many:?}");
    assert_eq!(merged(dir.path(), &many).matches("\"rule_id\"").count(), 2);
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
