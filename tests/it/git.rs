//! The git sources on real repositories built with the git CLI in temp dirs: `--staged`,
//! `--history`, `--range`, and the pre-commit hook.

use std::path::Path;

use crate::common::{commit_all, git, git_command, git_init, run, tokens, write};

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git_init(dir.path());
    dir
}

fn staged(dir: &Path) -> crate::common::Run {
    run(dir, &["scan", "--staged", "--format", "json"])
}

fn lines(out: &crate::common::Run) -> Vec<(String, u64)> {
    out.locations().into_iter().map(|(p, l, _)| (p, l)).collect()
}

#[test]
fn staged_reads_the_index_not_the_working_tree() {
    let dir = repo();
    write(dir.path(), "README", "hello\n");
    commit_all(dir.path(), "init");
    // Only in the working tree: not staged, not reported.
    write(
        dir.path(),
        "untracked.py",
        format!("T = \"{}\"\n", tokens::github_pat(30)),
    );
    let out = staged(dir.path());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // Staged, then deleted from the working tree: still what would be committed.
    write(dir.path(), "gone.py", format!("T = \"{}\"\n", tokens::github_pat(31)));
    git(dir.path(), &["add", "gone.py"]);
    std::fs::remove_file(dir.path().join("gone.py")).unwrap();
    let out = staged(dir.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(lines(&out), vec![("gone.py".to_string(), 1)]);
    assert_eq!(out.json()[0]["source"], "staged");
}

#[test]
fn partially_staged_file_reports_only_the_staged_secret() {
    let dir = repo();
    write(dir.path(), "app.py", "a = 1\n");
    commit_all(dir.path(), "init");
    let staged_token = tokens::github_pat(32);
    write(dir.path(), "app.py", format!("a = 1\nT = \"{staged_token}\"\n"));
    git(dir.path(), &["add", "app.py"]);
    write(
        dir.path(),
        "app.py",
        format!("a = 1\nT = \"{staged_token}\"\nU = \"{}\"\n", tokens::github_pat(33)),
    );
    let out = run(dir.path(), &["scan", "--staged", "--format", "json", "--show-secrets"]);
    assert_eq!(lines(&out), vec![("app.py".to_string(), 2)]);
    assert_eq!(out.json()[0]["secret"], staged_token.as_str());
}

#[test]
fn first_commit_everything_staged_is_new() {
    let dir = repo();
    write(
        dir.path(),
        "config/prod.env.py",
        format!("KEY = \"{}\"\n", tokens::stripe_live(34)),
    );
    git(dir.path(), &["add", "-A"]);
    let out = staged(dir.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(lines(&out), vec![("config/prod.env.py".to_string(), 1)]);
}

#[test]
fn rename_and_deletion_add_nothing() {
    let dir = repo();
    write(
        dir.path(),
        "old.py",
        format!("x = 1\nT = \"{}\"\ny = 2\n", tokens::github_pat(35)),
    );
    write(dir.path(), "doomed.py", format!("T = \"{}\"\n", tokens::github_pat(36)));
    commit_all(dir.path(), "legacy secrets");
    git(dir.path(), &["mv", "old.py", "new.py"]);
    git(dir.path(), &["rm", "-q", "doomed.py"]);
    let out = staged(dir.path());
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn old_secret_stays_silent_new_secret_in_the_same_file_is_reported() {
    let dir = repo();
    write(dir.path(), "keys.py", format!("OLD = \"{}\"\n", tokens::github_pat(37)));
    commit_all(dir.path(), "old");
    write(
        dir.path(),
        "keys.py",
        format!(
            "OLD = \"{}\"\n\nNEW = \"{}\"\n",
            tokens::github_pat(37),
            tokens::github_pat(38)
        ),
    );
    git(dir.path(), &["add", "keys.py"]);
    assert_eq!(lines(&staged(dir.path())), vec![("keys.py".to_string(), 3)]);
}

#[test]
fn private_key_replaced_inside_an_unchanged_begin_line_is_new() {
    let dir = repo();
    let key = |seed: u64| tokens::rsa_private_key(seed, 12);
    write(dir.path(), "deploy.pem", key(1));
    commit_all(dir.path(), "key");
    write(dir.path(), "deploy.pem", key(2));
    git(dir.path(), &["add", "deploy.pem"]);
    let out = staged(dir.path());
    assert_eq!(lines(&out), vec![("deploy.pem".to_string(), 1)]);
    assert_eq!(out.json()[0]["end_line"], 14);
}

#[test]
fn symlinks_submodules_intent_to_add_binaries_and_mode_changes() {
    let dir = repo();
    write(dir.path(), "run.sh", "echo hi\n");
    commit_all(dir.path(), "init");
    // A symlink whose target text is a token: the text is scanned, the link never followed.
    std::os::unix::fs::symlink(tokens::github_pat(39), dir.path().join("link")).unwrap();
    // A submodule entry (gitlink) is skipped.
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    let cacheinfo = format!("160000,{},vendor/sub", head.trim());
    git(dir.path(), &["update-index", "--add", "--cacheinfo", &cacheinfo]);
    // Intent-to-add: nothing staged yet.
    write(dir.path(), "later.py", format!("T = \"{}\"\n", tokens::github_pat(40)));
    git(dir.path(), &["add", "-N", "later.py"]);
    // Binary content is searched for printable runs, located by byte offset (line 0).
    let mut binary = vec![0u8, 1, 2];
    binary.extend_from_slice(tokens::github_pat(41).as_bytes());
    write(dir.path(), "image.bin", binary);
    // A mode change adds no line.
    git(dir.path(), &["update-index", "--chmod=+x", "run.sh"]);
    git(dir.path(), &["add", "link", "image.bin"]);
    let out = staged(dir.path());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(lines(&out), vec![("image.bin".to_string(), 0), ("link".to_string(), 1)]);
}

#[test]
fn not_a_repository_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["scan", "--staged"][..], &["scan", "--history"][..]] {
        let out = run(dir.path(), args);
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("is not in a git repository"), "{}", out.stderr);
    }
}

#[test]
fn linked_worktree_scans_its_own_index() {
    let dir = repo();
    write(dir.path(), "README", "main\n");
    commit_all(dir.path(), "init");
    let linked_parent = tempfile::tempdir().unwrap();
    let linked = linked_parent.path().join("linked");
    git(
        dir.path(),
        &["worktree", "add", "-q", "-b", "feature", linked.to_str().unwrap()],
    );
    write(&linked, "feature.py", format!("T = \"{}\"\n", tokens::github_pat(42)));
    git(&linked, &["add", "feature.py"]);
    let out = staged(&linked);
    assert_eq!(lines(&out), vec![("feature.py".to_string(), 1)]);
    assert_eq!(staged(dir.path()).code, 0, "the main worktree's index is clean");
    git(dir.path(), &["worktree", "remove", "--force", linked.to_str().unwrap()]);
}

fn install_hook(dir: &Path) -> crate::common::Run {
    run(dir, &["hook", "install"])
}

/// `git commit` through a hook: the binary is found by the absolute path it was installed from.
fn commit(dir: &Path, args: &[&str]) -> std::process::Output {
    git_command(dir).args(["commit", "-q"]).args(args).output().unwrap()
}

fn snapshot(dir: &Path) -> (String, String, String) {
    (
        git(dir, &["ls-files", "--stage"]),
        git(dir, &["diff"]),
        git(dir, &["status", "--porcelain"]),
    )
}

#[test]
fn hook_refuses_a_secret_and_lets_a_clean_change_through_touching_nothing() {
    let dir = repo();
    write(dir.path(), "README", "hello\n");
    commit_all(dir.path(), "init");
    assert_eq!(install_hook(dir.path()).code, 0);
    let token = tokens::github_pat(43);
    write(dir.path(), "settings.py", format!("TOKEN = \"{token}\"\n"));
    git(dir.path(), &["add", "settings.py"]);
    write(dir.path(), "README", "hello, unstaged edit\n");
    let before = snapshot(dir.path());
    let refused = commit(dir.path(), &["-m", "add settings"]);
    // git sends a hook's standard output to its standard error.
    let stdout = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("settings.py:1:10: github-pat"), "{stdout}");
    assert!(!stdout.contains(&token), "the hook prints the secret redacted");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "the hook changed the index or the working tree"
    );
    assert_eq!(git(dir.path(), &["rev-list", "--count", "HEAD"]).trim(), "1");

    write(dir.path(), "settings.py", "TOKEN = os.environ[\"TOKEN\"]\n");
    git(dir.path(), &["add", "settings.py"]);
    let accepted = commit(dir.path(), &["-m", "read the token from the environment"]);
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    assert_eq!(git(dir.path(), &["rev-list", "--count", "HEAD"]).trim(), "2");
}

#[test]
fn hook_sees_git_commit_all_through_its_temporary_index() {
    let dir = repo();
    write(dir.path(), "app.py", "a = 1\n");
    commit_all(dir.path(), "init");
    install_hook(dir.path());
    // Not staged: `git commit -a` stages it into a temporary index named by GIT_INDEX_FILE.
    write(
        dir.path(),
        "app.py",
        format!("a = 1\nT = \"{}\"\n", tokens::github_pat(44)),
    );
    let refused = commit(dir.path(), &["-a", "-m", "all"]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let refused = commit(dir.path(), &["app.py", "-m", "paths"]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(git(dir.path(), &["rev-list", "--count", "HEAD"]).trim(), "1");
}

#[test]
fn hook_install_honours_core_hooks_path_chains_and_uninstalls() {
    let dir = repo();
    write(dir.path(), "README", "x\n");
    commit_all(dir.path(), "init");
    git(dir.path(), &["config", "core.hooksPath", ".githooks"]);
    let hooks = dir.path().join(".githooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let previous = "#!/bin/sh\necho previous-hook-ran\n";
    write(dir.path(), ".githooks/pre-commit", previous);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(hooks.join("pre-commit"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(install_hook(dir.path()).code, 0);
    let installed = std::fs::read_to_string(hooks.join("pre-commit")).unwrap();
    assert!(installed.contains("scan --staged"));
    write(dir.path(), "a.py", format!("T = \"{}\"\n", tokens::github_pat(45)));
    git(dir.path(), &["add", "a.py"]);
    let refused = commit(dir.path(), &["-m", "x"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("previous-hook-ran"));
    assert_eq!(run(dir.path(), &["hook", "uninstall"]).code, 0);
    assert_eq!(std::fs::read_to_string(hooks.join("pre-commit")).unwrap(), previous);
    // --force replaces (with a backup) instead of chaining; uninstall restores it.
    assert_eq!(run(dir.path(), &["hook", "install", "--force"]).code, 0);
    assert!(hooks.join("pre-commit.leaktrap-backup").exists());
    assert_eq!(run(dir.path(), &["hook", "uninstall"]).code, 0);
    assert_eq!(std::fs::read_to_string(hooks.join("pre-commit")).unwrap(), previous);
}

#[test]
fn the_checked_in_hooks_are_the_installed_scripts() {
    use leaktrap::settings::HookKind;
    for kind in [HookKind::PreCommit, HookKind::PrePush, HookKind::PreReceive] {
        let path = crate::common::project_dir().join("hooks").join(kind.file_name());
        let checked_in = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            checked_in,
            leaktrap::commands::hook::script(kind, None),
            "{}",
            path.display()
        );
    }
}

fn history(dir: &Path, extra: &[&str]) -> crate::common::Run {
    let mut args = vec!["scan", "--history", "--format", "json"];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn history_reports_the_introducing_commit_with_its_metadata() {
    let dir = repo();
    write(dir.path(), "README", "hello\n");
    commit_all(dir.path(), "init");
    write(
        dir.path(),
        "src/conf.py",
        format!("x = 1\nT = \"{}\"\n", tokens::github_pat(46)),
    );
    let introducing = commit_all(dir.path(), "add config\n\nlonger body");
    write(dir.path(), "src/other.py", "y = 2\n");
    commit_all(dir.path(), "unrelated");
    // A later version of the file carries the same secret: still one finding.
    write(
        dir.path(),
        "src/conf.py",
        format!("x = 1\nT = \"{}\"\nz = 3\n", tokens::github_pat(46)),
    );
    commit_all(dir.path(), "edit config");
    git(dir.path(), &["mv", "src/conf.py", "src/settings.py"]);
    commit_all(dir.path(), "rename");
    let out = history(dir.path(), &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 1, "one blob, scanned once: {}", out.stdout);
    let f = &findings[0];
    assert_eq!(f["commit"], introducing.as_str());
    assert_eq!(f["path"], "src/conf.py");
    assert_eq!(f["line"], 2);
    assert_eq!(f["author"], "Ada Lovelace");
    assert_eq!(f["email"], "ada@example.com");
    assert_eq!(f["message"], "add config");
    assert_eq!(f["source"], "history");
    assert_eq!(f["also_at"], serde_json::json!(["src/settings.py"]));
    assert!(f["date"].as_str().unwrap().ends_with('Z'));
    assert!(
        out.stderr.contains("scanned 5 commits, 4 unique blobs"),
        "{}",
        out.stderr
    );
}

#[test]
fn history_covers_merges_conflict_resolutions_tags_and_detached_head() {
    let dir = repo();
    write(dir.path(), "app.txt", "base\n");
    commit_all(dir.path(), "base");
    git(dir.path(), &["checkout", "-q", "-b", "side"]);
    write(dir.path(), "app.txt", "side\n");
    commit_all(dir.path(), "side");
    git(dir.path(), &["checkout", "-q", "main"]);
    write(dir.path(), "app.txt", "main\n");
    commit_all(dir.path(), "main");
    let merge = git_command(dir.path()).args(["merge", "-q", "side"]).output().unwrap();
    assert!(!merge.status.success(), "the merge must conflict");
    // The secret first appears in the conflict resolution.
    write(
        dir.path(),
        "app.txt",
        format!("merged\nT = \"{}\"\n", tokens::github_pat(47)),
    );
    let merge_commit = commit_all(dir.path(), "merge side");
    // A commit reachable only from a tag.
    git(dir.path(), &["checkout", "-q", "-b", "tagged"]);
    write(dir.path(), "release.txt", format!("K = {}\n", tokens::stripe_live(48)));
    let tagged = commit_all(dir.path(), "release");
    git(dir.path(), &["tag", "-a", "v1", "-m", "v1"]);
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["branch", "-q", "-D", "tagged"]);
    // A commit reachable only from a detached HEAD.
    git(dir.path(), &["checkout", "-q", "--detach"]);
    write(
        dir.path(),
        "detached.txt",
        format!("T = \"{}\"\n", tokens::github_pat(49)),
    );
    let detached = commit_all(dir.path(), "detached work");

    let out = history(dir.path(), &[]);
    let commits = out.field_pairs("path", "commit");
    assert_eq!(
        commits,
        vec![
            ("app.txt".to_string(), merge_commit),
            ("detached.txt".to_string(), detached),
            ("release.txt".to_string(), tagged),
        ]
    );
}

#[test]
fn range_limits_history_and_bad_revspecs_exit_2() {
    let dir = repo();
    write(dir.path(), "a.py", format!("T = \"{}\"\n", tokens::github_pat(50)));
    let base = commit_all(dir.path(), "old secret");
    write(dir.path(), "b.py", format!("T = \"{}\"\n", tokens::github_pat(51)));
    write(
        dir.path(),
        "a.py",
        format!("T = \"{}\"\n# touched\n", tokens::github_pat(50)),
    );
    commit_all(dir.path(), "new secret");
    let range = format!("{base}..HEAD");
    let out = history(dir.path(), &["--range", &range]);
    // a.py changed in the range but its secret was there before it: only b.py's is new.
    assert_eq!(lines(&out), vec![("b.py".to_string(), 1)]);
    let empty = history(dir.path(), &["--range", "HEAD..HEAD"]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert!(empty.stderr.contains("no commits to scan"), "{}", empty.stderr);
    let bad = history(dir.path(), &["--range", "nope..HEAD"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--range nope..HEAD"), "{}", bad.stderr);
}

#[test]
fn shallow_clone_scans_what_it_has_and_says_so() {
    let origin = repo();
    for i in 0..3 {
        write(
            origin.path(),
            &format!("f{i}.py"),
            format!("T = \"{}\"\n", tokens::github_pat(60 + i)),
        );
        commit_all(origin.path(), &format!("c{i}"));
    }
    let parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(parent.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]);
    let out = history(&parent.path().join("shallow"), &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("shallow clone"), "{}", out.stderr);
    assert_eq!(out.json().len(), 3, "the one commit it has holds all three files");
    assert!(out.stderr.contains("scanned 1 commit,"), "{}", out.stderr);
}

#[test]
fn empty_repository_history_is_a_warning_not_a_failure() {
    let dir = repo();
    let out = history(dir.path(), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("no commits to scan"), "{}", out.stderr);
}

#[test]
fn corrupt_object_is_named_and_fails_the_run() {
    let dir = repo();
    write(dir.path(), "ok.py", format!("T = \"{}\"\n", tokens::github_pat(70)));
    write(dir.path(), "victim.txt", "some content that will go missing\n");
    commit_all(dir.path(), "two files");
    let blob = git(dir.path(), &["rev-parse", "HEAD:victim.txt"]).trim().to_string();
    std::fs::remove_file(dir.path().join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let out = history(dir.path(), &[]);
    assert_eq!(out.code, 2, "an error outranks findings: {}", out.stderr);
    assert!(out.stderr.contains(&blob), "{}", out.stderr);
    assert!(out.stderr.contains("victim.txt"), "{}", out.stderr);
    assert_eq!(out.json().len(), 1, "the readable blob is still scanned");
}

#[test]
fn non_utf8_commit_messages_and_paths_are_printed_lossily() {
    let dir = repo();
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    std::fs::write(dir.path().join(name), format!("T = \"{}\"\n", tokens::github_pat(71))).unwrap();
    git(dir.path(), &["add", "-A"]);
    let message_file = dir.path().join("msg");
    std::fs::write(&message_file, b"r\xe9sum\xe9 of changes\n").unwrap();
    git(
        dir.path(),
        &[
            "-c",
            "i18n.commitEncoding=latin1",
            "commit",
            "-q",
            "-F",
            message_file.to_str().unwrap(),
        ],
    );
    std::fs::remove_file(&message_file).unwrap();
    let out = history(dir.path(), &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let f = &out.json()[0];
    assert_eq!(f["path"], "caf\u{FFFD}.py");
    assert!(f["message"].as_str().unwrap().contains("sum"), "{}", f["message"]);
}

#[test]
fn octopus_merge_content_is_attributed_to_the_merge() {
    let dir = repo();
    write(dir.path(), "base.txt", "base\n");
    commit_all(dir.path(), "base");
    for branch in ["a", "b", "c"] {
        git(dir.path(), &["checkout", "-q", "-b", branch, "main"]);
        write(dir.path(), &format!("{branch}.txt"), format!("{branch}\n"));
        commit_all(dir.path(), branch);
    }
    git(dir.path(), &["checkout", "-q", "main"]);
    write(dir.path(), "main.txt", "main\n");
    commit_all(dir.path(), "main moves on");
    git_command(dir.path())
        .args(["merge", "-q", "--no-commit", "a", "b", "c"])
        .output()
        .unwrap();
    // Content written while making the octopus merge itself.
    write(
        dir.path(),
        "merge-notes.txt",
        format!("T = \"{}\"\n", tokens::github_pat(72)),
    );
    let merge = commit_all(dir.path(), "octopus");
    let parents = git(dir.path(), &["rev-list", "--parents", "-n", "1", "HEAD"]);
    assert_eq!(
        parents.split_whitespace().count(),
        5,
        "an octopus merge has four parents"
    );
    let out = history(dir.path(), &[]);
    let f = &out.json()[0];
    assert_eq!(f["commit"], merge.as_str());
    assert_eq!(f["path"], "merge-notes.txt");
}

#[test]
fn history_output_is_identical_whatever_the_thread_count() {
    let dir = repo();
    for i in 0..12 {
        write(
            dir.path(),
            &format!("dir{}/f{i}.py", i % 3),
            format!("T = \"{}\"\n", tokens::github_pat(200 + i)),
        );
        commit_all(dir.path(), &format!("commit {i}"));
    }
    let one = history(dir.path(), &["--threads", "1"]);
    let four = history(dir.path(), &["--threads", "4"]);
    assert_eq!(one.json().len(), 12);
    assert_eq!(one.stdout, four.stdout);
}

/// N shards, merged, give exactly the unsharded report.
#[test]
fn sharded_history_merges_to_the_unsharded_report() {
    let dir = repo();
    for i in 0..16u64 {
        let path = format!("svc{}/config{}.py", i % 5, i % 7);
        // Rewrite some files so later versions carry earlier secrets along.
        write(
            dir.path(),
            &path,
            format!(
                "A = \"{}\"\nB = \"{}\"\n",
                tokens::github_pat(300 + i % 4),
                tokens::stripe_live(400 + i)
            ),
        );
        commit_all(dir.path(), &format!("change {i}"));
    }
    let whole = history(dir.path(), &[]);
    assert_eq!(whole.code, 1);
    let mut shard_files = Vec::new();
    let mut total = 0;
    for k in 1..=3 {
        let file = dir.path().join(format!("shard{k}.json"));
        let shard = format!("{k}/3");
        let out = run(
            dir.path(),
            &[
                "scan",
                "--history",
                "--shard",
                &shard,
                "--format",
                "json",
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
        total += serde_json::from_str::<Vec<serde_json::Value>>(&std::fs::read_to_string(&file).unwrap())
            .unwrap()
            .len();
        shard_files.push(file.to_str().unwrap().to_string());
    }
    assert_eq!(total, whole.json().len(), "each finding is in exactly one shard");
    let mut args = vec!["merge"];
    args.extend(shard_files.iter().map(String::as_str));
    let merged = run(dir.path(), &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    assert_eq!(merged.stdout, whole.stdout);
    let bad = run(dir.path(), &["scan", "--history", "--shard", "4/3"]);
    assert_eq!(bad.code, 2);
}

/// A history with long delta chains: one growing file edited in every commit, secrets added in
/// some of them, plus renames and a deleted directory.
fn edited_history(dir: &Path) {
    let mut body = String::new();
    for i in 0..40u64 {
        body.push_str(&format!("setting_{i} = {}\n", i * 7919 % 1000));
        for line in 0..60 {
            body.push_str(&format!(
                "# filler line {line} of section {i}, unchanged text to delta against\n"
            ));
        }
        if i % 9 == 4 {
            body.push_str(&format!("TOKEN_{i} = \"{}\"\n", tokens::github_pat(900 + i)));
        }
        write(dir, "app/settings.py", &body);
        write(dir, &format!("notes/n{}.txt", i % 4), format!("note {i}\n{body}"));
        if i == 20 {
            git(dir, &["mv", "notes", "docs"]);
        }
        commit_all(dir, &format!("edit {i}"));
    }
}

/// The pack reader resolves delta chains itself; a packed repository must give the very report
/// the same history gives as loose objects (read by libgit2).
#[test]
fn packed_history_reports_what_loose_history_reports() {
    let dir = repo();
    edited_history(dir.path());
    let loose = history(dir.path(), &[]);
    assert_eq!(loose.code, 1, "{}", loose.stderr);
    assert!(loose.json().len() >= 5, "{}", loose.stdout);
    git(dir.path(), &["gc", "--aggressive", "--quiet"]);
    let verify = git(dir.path(), &["verify-pack", "-v", &pack_index(dir.path())]);
    assert!(
        verify.contains("chain length = 3"),
        "the pack must hold delta chains:\n{verify}"
    );
    for threads in ["1", "2"] {
        let packed = history(dir.path(), &["--threads", threads]);
        assert_eq!(packed.code, 1, "{}", packed.stderr);
        assert_eq!(packed.stdout, loose.stdout);
    }
}

fn pack_index(dir: &Path) -> String {
    let packs = dir.join(".git/objects/pack");
    let idx = std::fs::read_dir(&packs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .expect("a pack index");
    idx.to_string_lossy().into_owned()
}

/// Every object of a packed repository reads back byte for byte as libgit2 reads it, deltas
/// and all, and an object over the size limit is refused unread.
#[test]
fn pack_reader_reads_every_object_as_libgit2_does() {
    use leaktrap::git::pack::{ObjectKind, PackObject, PackReader, PackStore};
    let dir = repo();
    edited_history(dir.path());
    git(dir.path(), &["gc", "--aggressive", "--quiet"]);
    let repo = git2::Repository::open(dir.path()).unwrap();
    let store = PackStore::open(repo.path()).expect("a plain packed repository is readable");
    // A tiny cache makes the reader resolve chains from their bottom again and again.
    for cache in [0, 1 << 20] {
        let mut reader = PackReader::new(&store, cache);
        let odb = repo.odb().unwrap();
        let (mut checked, mut streamed_blobs) = (0, 0);
        odb.foreach(|oid| {
            let object = odb.read(*oid).unwrap();
            let at = store.locate(oid.as_bytes()).expect("every object is packed");
            let Ok(PackObject::Object(kind, data)) = reader.read(at, u64::MAX) else {
                panic!("{oid} does not read");
            };
            let expected = match object.kind() {
                git2::ObjectType::Blob => ObjectKind::Blob,
                git2::ObjectType::Tree => ObjectKind::Tree,
                git2::ObjectType::Commit => ObjectKind::Commit,
                _ => ObjectKind::Tag,
            };
            assert_eq!(kind, expected, "{oid}");
            assert_eq!(&data[..], object.data(), "{oid}");
            // A blob stored whole streams to the same bytes.
            if let Some(mut stream) = store.stream_blob(at) {
                let mut streamed = Vec::new();
                std::io::Read::read_to_end(&mut stream.reader, &mut streamed).unwrap();
                assert_eq!(
                    (stream.size, &streamed[..]),
                    (object.len() as u64, object.data()),
                    "{oid}"
                );
                streamed_blobs += 1;
            }
            if object.len() > 1 {
                let limit = object.len() as u64 - 1;
                assert!(matches!(reader.read(at, limit), Ok(PackObject::TooLarge(n)) if n == object.len() as u64));
            }
            checked += 1;
            true
        })
        .unwrap();
        assert!(checked > 150, "{checked} objects");
        assert!(streamed_blobs > 0, "no blob is stored whole");
    }
}

/// The staged file list comes from the index file read directly, skipping directories whose
/// cached tree id matches HEAD; the index forms git writes give the same findings, and a split
/// index (which libgit2 cannot read either) is a clear error.
#[test]
fn staged_scan_reads_every_index_form() {
    for form in ["cached trees", "version 4", "split index", "new directory"] {
        let dir = repo();
        for d in ["a", "b/c", "b/d"] {
            write(dir.path(), &format!("{d}/keep.py"), "x = 1\n");
        }
        write(
            dir.path(),
            "b/c/conf.py",
            format!("OLD = \"{}\"\n", tokens::github_pat(70)),
        );
        commit_all(dir.path(), "init");
        // A commit leaves every directory's tree id cached in the index.
        write(dir.path(), "a/keep.py", "x = 2\n");
        commit_all(dir.path(), "second");
        let token = tokens::github_pat(71);
        let edited = format!("OLD = \"{}\"\nNEW = \"{token}\"\n", tokens::github_pat(70));
        let expected = match form {
            "new directory" => {
                write(dir.path(), "e/f/new.py", format!("NEW = \"{token}\"\n"));
                vec![("e/f/new.py".to_string(), 1)]
            }
            _ => {
                write(dir.path(), "b/c/conf.py", &edited);
                vec![("b/c/conf.py".to_string(), 2)]
            }
        };
        match form {
            "version 4" => {
                git(dir.path(), &["update-index", "--index-version", "4"]);
            }
            "split index" => {
                git(dir.path(), &["update-index", "--split-index"]);
            }
            _ => {}
        }
        // Adding a path invalidates the cached trees above it only (`git add -A` here, within the
        // second of the commit, would re-add racily clean files and invalidate every one).
        let changed = if form == "new directory" {
            "e/f/new.py"
        } else {
            "b/c/conf.py"
        };
        git(dir.path(), &["add", changed]);
        let out = staged(dir.path());
        if form == "split index" {
            // libgit2 cannot read one either: a clear error, never a silent pass.
            assert_eq!(out.code, 2, "{}", out.stderr);
            assert!(out.stderr.contains("--no-split-index"), "{}", out.stderr);
            continue;
        }
        assert_eq!(out.code, 1, "{form}: {}", out.stderr);
        assert_eq!(lines(&out), expected, "{form}");
        if form != "new directory" {
            // What lets the scan skip `a` and `b/d` without reading their trees.
            let index = leaktrap::git::index_file::read(&dir.path().join(".git/index")).expect("readable index");
            assert_eq!(index.entries.len(), 4);
            let cached: std::collections::BTreeSet<&[u8]> = index.cached_trees.keys().map(Vec::as_slice).collect();
            assert_eq!(cached, [&b"a"[..], b"b/d"].into_iter().collect(), "{form}");
            // Hashed from the entries alone, every directory's id is the one git writes.
            let mut uncached = index;
            let from_git = uncached.cached_trees.clone();
            uncached.cached_trees.clear();
            let ids = leaktrap::source::staged::index_tree_ids(&uncached);
            let written = git(dir.path(), &["write-tree"]);
            assert_eq!(ids[&b""[..]].to_string(), written.trim(), "{form}");
            for (path, id) in from_git {
                assert_eq!(ids[&path], id, "{form}: {}", String::from_utf8_lossy(&path));
            }
            assert_eq!(ids.len(), 5, "the root, a, b, b/c and b/d");
        }
    }
}
