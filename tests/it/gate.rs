//! The gate tells the truth: exit codes that survive a closed pipe, bare repositories refused
//! with the command that fits, pre-push hooks tested with real pushes, and messages that say
//! what to do next. Every case runs the real binary on real repositories.

use std::path::Path;
use std::process::Stdio;

use crate::common::{commit_all, git, git_init, leaktrap, push, remote_has, run, tokens, write};

/// Runs leaktrap with its standard output a pipe whose reader is already gone, as `| head`
/// leaves it once it has read enough, and returns the exit code.
fn exit_code_with_closed_pipe(dir: &Path, args: &[&str]) -> i32 {
    let mut child = leaktrap()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    child.wait().unwrap().code().unwrap_or(-1)
}

#[test]
fn a_closed_pipe_keeps_the_exit_code_of_the_run_for_every_output_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", format!("TOKEN = \"{}\"\n", tokens::github_pat(1)));
    for args in [
        &["scan", ".", "--format", "json"][..],
        &["scan", ".", "--format", "json", "-o", "-"],
        &["scan", ".", "--format", "sarif", "-o", "/dev/stdout"],
    ] {
        assert_eq!(exit_code_with_closed_pipe(dir.path(), args), 1, "{args:?}");
    }
    let report = dir.path().join("report.json");
    let out = run(
        dir.path(),
        &["scan", ".", "--format", "json", "-o", report.to_str().unwrap()],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(exit_code_with_closed_pipe(dir.path(), &["merge", "report.json"]), 1);
    assert_eq!(
        exit_code_with_closed_pipe(dir.path(), &["merge", "report.json", "-o", "-"]),
        1
    );
    // Nothing found: a closed pipe is still a clean run.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "a.py", "x = 1\n");
    assert_eq!(exit_code_with_closed_pipe(clean.path(), &["scan", ".", "-o", "-"]), 0);
}

/// A repository with one clean commit, and a bare clone of it.
fn repo_and_bare_clone(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let repo = dir.join("repo");
    std::fs::create_dir(&repo).unwrap();
    git_init(&repo);
    write(&repo, "README.md", "hello\n");
    commit_all(&repo, "first");
    git(dir, &["clone", "-q", "--bare", "repo", "bare.git"]);
    (repo, dir.join("bare.git"))
}

#[test]
fn a_bare_repository_is_refused_for_work_tree_staged_and_hook_with_the_command_that_fits() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, bare) = repo_and_bare_clone(dir.path());
    // A token in the bare repository's own hooks is git's file, not the project's.
    write(
        &bare,
        "hooks/post-receive",
        format!("TOKEN={}\n", tokens::github_pat(3)),
    );
    for (cwd, args) in [
        (dir.path(), &["scan", "bare.git"][..]),
        (bare.as_path(), &["scan"]),
        (bare.as_path(), &["scan", "hooks"]),
    ] {
        let out = run(cwd, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("is a bare repository"), "{}", out.stderr);
        assert!(out.stderr.contains("leaktrap scan --history"), "{}", out.stderr);
        assert!(!out.stdout.contains("github-pat"), "{}", out.stdout);
    }
    let staged = run(&bare, &["scan", "--staged"]);
    assert_eq!(staged.code, 2, "{}", staged.stderr);
    assert!(
        staged.stderr.contains("nothing is staged") && staged.stderr.contains("--history"),
        "{}",
        staged.stderr
    );
    for args in [&["hook", "install"][..], &["hook", "install", "--pre-push"]] {
        let out = run(&bare, args);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("never runs a pre-"), "{}", out.stderr);
    }
    assert!(!bare.join("hooks/pre-commit").exists() && !bare.join("hooks/pre-push").exists());
    // The history of a bare repository is what can be scanned, and a .git directory is refused
    // like a bare one.
    assert_eq!(run(dir.path(), &["scan", "--history", "bare.git"]).code, 0);
    let inside = run(&repo, &["scan", ".git"]);
    assert_eq!(inside.code, 2, "{}", inside.stderr);
    assert!(
        inside.stderr.contains("is inside the git directory"),
        "{}",
        inside.stderr
    );
}

#[test]
fn hook_install_force_replaces_a_chained_or_foreign_hook_and_keeps_every_backup() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    let hooks = repo.join(".git/hooks");
    let foreign = |text: &str| {
        write(repo, ".git/hooks/pre-commit", format!("#!/bin/sh\necho {text}\n"));
        std::fs::set_permissions(hooks.join("pre-commit"), std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    foreign("first");
    // Chained first, then --force: the chained hook goes to the backup, and runs no more.
    assert_eq!(run(repo, &["hook", "install"]).code, 0);
    assert!(hooks.join("pre-commit.leaktrap-chained").exists());
    let forced = run(repo, &["hook", "install", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(!hooks.join("pre-commit.leaktrap-chained").exists());
    assert!(
        std::fs::read_to_string(hooks.join("pre-commit.leaktrap-backup"))
            .unwrap()
            .contains("echo first")
    );
    // A second foreign hook replaced with --force keeps the first backup too.
    foreign("second");
    assert_eq!(run(repo, &["hook", "install", "--force"]).code, 0);
    assert!(
        std::fs::read_to_string(hooks.join("pre-commit.leaktrap-backup.1"))
            .unwrap()
            .contains("echo second")
    );
    assert!(
        std::fs::read_to_string(hooks.join("pre-commit"))
            .unwrap()
            .contains("scan --staged")
    );
}

/// A work repository whose `origin` is a bare repository, with leaktrap's pre-push hook.
fn pushing_repo(dir: &Path) -> std::path::PathBuf {
    git(dir, &["init", "-q", "--bare", "-b", "main", "remote.git"]);
    let work = dir.join("work");
    std::fs::create_dir(&work).unwrap();
    git_init(&work);
    git(&work, &["remote", "add", "origin", "../remote.git"]);
    let installed = run(&work, &["hook", "install", "--pre-push"]);
    assert_eq!(installed.code, 0, "{}", installed.stderr);
    work
}

#[test]
fn pre_push_scans_only_what_the_push_sends_new_branches_included_and_skips_deletions() {
    let dir = tempfile::tempdir().unwrap();
    let work = pushing_repo(dir.path());
    // The first push of a branch (no upstream yet) of a clean commit goes through.
    write(&work, "app.py", "print('hi')\n");
    commit_all(&work, "clean start");
    let (ok, stderr) = push(&work, &["-u", "origin", "main"]);
    assert!(ok, "{stderr}");
    assert!(remote_has(&dir.path().join("remote.git"), "main"));

    // A commit adding a token, then one removing it: the push sends both, and is blocked.
    write(
        &work,
        "settings.py",
        format!("TOKEN = \"{}\"\n", tokens::github_pat(11)),
    );
    commit_all(&work, "add settings");
    std::fs::remove_file(work.join("settings.py")).unwrap();
    commit_all(&work, "remove settings");
    let (ok, stderr) = push(&work, &["origin", "main"]);
    assert!(!ok, "the push went through: {stderr}");
    assert!(
        stderr.contains("settings.py") && stderr.contains("github-pat"),
        "{stderr}"
    );
    assert_eq!(
        git(&work, &["rev-parse", "origin/main"]),
        git(&work, &["rev-parse", "HEAD~2"]),
        "the remote did not move"
    );

    // Pushed anyway (--no-verify), the old secret is the remote's: a new branch from it with a
    // clean commit is not blocked by what the remote already has.
    let (ok, stderr) = push(&work, &["--no-verify", "origin", "main"]);
    assert!(ok, "{stderr}");
    git(&work, &["checkout", "-q", "-b", "feature"]);
    write(&work, "feature.py", "x = 1\n");
    commit_all(&work, "feature");
    let (ok, stderr) = push(&work, &["origin", "feature"]);
    assert!(ok, "{stderr}");
    assert!(remote_has(&dir.path().join("remote.git"), "feature"));

    // A new branch whose own commit adds a token is blocked.
    git(&work, &["checkout", "-q", "-b", "leaky"]);
    write(&work, "deploy.py", format!("KEY = \"{}\"\n", tokens::github_pat(12)));
    commit_all(&work, "deploy");
    let (ok, stderr) = push(&work, &["origin", "leaky"]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("deploy.py"), "{stderr}");
    assert!(
        !stderr.contains("settings.py"),
        "what the remote has is not scanned again: {stderr}"
    );
    assert!(!remote_has(&dir.path().join("remote.git"), "leaky"));

    // Deleting a branch sends nothing to scan.
    let (ok, stderr) = push(&work, &["origin", "--delete", "feature"]);
    assert!(ok, "{stderr}");
    assert!(!remote_has(&dir.path().join("remote.git"), "feature"));
}

#[test]
fn pre_push_refuses_input_that_is_not_gits() {
    let dir = tempfile::tempdir().unwrap();
    let work = pushing_repo(dir.path());
    commit_all(&work, "empty");
    let out = crate::common::run_in(&work, &["scan", "--pre-push=origin"], b"main..HEAD\n");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("hook install --pre-push"), "{}", out.stderr);
}

#[test]
fn a_blocked_commit_ends_with_one_line_naming_the_ways_out_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    write(repo, "README.md", "hello\n");
    commit_all(repo, "first");
    assert_eq!(run(repo, &["hook", "install"]).code, 0);
    write(repo, "config.py", format!("TOKEN = \"{}\"\n", tokens::github_pat(21)));
    git(repo, &["add", "config.py"]);
    let out = crate::common::git_command(repo)
        .args(["commit", "-q", "-m", "config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("leaktrap: commit blocked"), "{stderr}");
    let order = [
        "remove it from the staged file",
        "rotate it",
        "leaktrap rules show github-pat",
        "leaktrap:allow",
        "allowlist",
        "baseline",
        "git commit --no-verify",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|part| last.find(part).unwrap_or_else(|| panic!("{part} missing from: {last}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "out of order: {last}");
    // A clean commit, or a scan outside a gate, says nothing of the kind.
    let scan = run(repo, &["scan"]);
    assert_eq!(scan.code, 1);
    assert!(!scan.stderr.contains("blocked"), "{}", scan.stderr);
}

#[test]
fn a_file_a_path_rule_names_holding_a_secret_is_one_finding_with_both_reasons() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".env", format!("GITHUB_TOKEN={}\n", tokens::github_pat(31)));
    write(dir.path(), "id_ed25519", tokens::rsa_private_key(5, 6));
    write(dir.path(), "empty/.env", "# nothing yet\n");
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let found: Vec<(String, String, Vec<String>)> = out
        .json()
        .iter()
        .map(|f| {
            let also: Vec<String> = f["also_rules"]
                .as_array()
                .map(|a| a.iter().map(|r| r.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                also,
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(
        found[0],
        (".env".into(), "github-pat".into(), vec!["dotenv-file".into()])
    );
    // The path rule alone still reports a file that holds nothing a content rule knows.
    assert_eq!(found[1], ("empty/.env".into(), "dotenv-file".into(), vec![]));
    assert_eq!(found[2].0, "id_ed25519");
    assert_eq!(found[2].2, vec!["ssh-private-key-file".to_string()]);
    // The private key keeps its armour line visible; the body is redacted.
    let text = run(dir.path(), &["scan"]);
    assert!(
        text.stdout.contains("secret: -----BEGIN RSA PRIVATE KEY-----***"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("file rule: ssh-private-key-file"),
        "{}",
        text.stdout
    );
}

#[test]
fn history_findings_say_whether_the_secret_is_still_at_a_branch_tip_and_text_puts_severe_first() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    let gone = tokens::github_pat(41);
    write(repo, "a_old.py", format!("TOKEN = \"{gone}\"\n"));
    // A low-severity test key, in a path that sorts first.
    write(
        repo,
        "0_tests.py",
        "MOLLIE_API_KEY=test_rIE6qGd18S609T2BGFndUu8XyyJ8m0\n",
    );
    write(repo, "b_live.py", format!("TOKEN = \"{}\"\n", tokens::github_pat(42)));
    commit_all(repo, "secrets");
    write(repo, "a_old.py", "TOKEN = os.environ['TOKEN']\n");
    commit_all(repo, "read it from the environment");
    let out = run(repo, &["scan", "--history", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let present: Vec<(String, bool)> = out
        .json()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["present_at_tip"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        present,
        [
            ("0_tests.py".to_string(), true),
            ("a_old.py".to_string(), false),
            ("b_live.py".to_string(), true)
        ]
    );
    let text = run(repo, &["scan", "--history"]).stdout;
    let order: Vec<&str> = ["a_old.py:1", "b_live.py:1", "0_tests.py:1"]
        .iter()
        .map(|p| &text[text.find(p).unwrap_or_else(|| panic!("{p} in {text}"))..][..p.len()])
        .collect();
    let positions: Vec<usize> = order.iter().map(|p| text.find(p).unwrap()).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "critical first, then by path: {text}"
    );
    assert!(text.contains("gone from every branch tip"), "{text}");
    assert!(text.contains("STILL PRESENT at a branch tip"), "{text}");
    // A work-tree scan has no such field.
    assert!(
        run(repo, &["scan", "--format", "json"]).json()[0]
            .get("present_at_tip")
            .is_none()
    );
}

#[test]
fn baseline_refuses_flags_it_would_ignore() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", format!("TOKEN = \"{}\"\n", tokens::github_pat(51)));
    for (flag, args) in [
        ("--format", &["baseline", "--format", "sarif", "-o", "bl.sarif"][..]),
        ("--show-secrets", &["baseline", "--show-secrets", "-o", "bl.json"]),
        ("--exit-code", &["baseline", "--exit-code", "3", "-o", "bl.json"]),
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("{flag} does not apply")), "{}", out.stderr);
        assert!(out.stderr.contains("hint:"), "{}", out.stderr);
    }
    assert!(!dir.path().join("bl.sarif").exists() && !dir.path().join("bl.json").exists());
}

#[test]
fn config_errors_give_file_line_and_column_once_what_is_wrong_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str, text: &str| {
        write(dir.path(), name, text);
        let out = run(dir.path(), &["config", "check", name]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        out.stderr
    };
    let commits = check("commits.yaml", "version: 1\nallowlist:\n  commits: [9f1c2ab, zzzz]\n");
    assert!(
        commits.contains("commits.yaml: line 3: allowlist.commits[1]: 'zzzz' is not a commit id"),
        "{commits}"
    );
    assert!(commits.contains("4 to 40 hexadecimal digits"), "{commits}");
    let short = check("short.yaml", "version: 1\nallowlist:\n  commits: [abc]\n");
    assert!(short.contains("'abc' is not a commit id"), "{short}");

    let severity = check(
        "severity.yaml",
        "version: 1\nrules:\n  - id: mine\n    name: Mine\n    severity: extreme\n    regex: 'mine_[a-z]{8}'\n    keywords: [mine_]\n",
    );
    assert!(severity.contains("severity.yaml: line 5 column 15: "), "{severity}");
    assert_eq!(severity.matches("line 5").count(), 1, "the location once: {severity}");
    assert!(
        severity.contains("`critical`") && !severity.contains("known keys"),
        "{severity}"
    );

    let syntax = check("syntax.yaml", "version: 1\nallowlist:\n  paths: [a\n");
    assert!(syntax.contains("syntax.yaml: line 4 column 1: "), "{syntax}");
    assert_eq!(syntax.matches("line 4 column 1").count(), 1, "{syntax}");
    assert!(
        syntax.contains("YAML syntax error") && !syntax.contains("known keys"),
        "{syntax}"
    );

    let regex = check(
        "regex.yaml",
        "version: 1\nrules:\n  - id: mine\n    name: Mine\n    severity: high\n    keywords: [mine]\n    regex: 'mine_(['\n",
    );
    assert!(regex.contains("regex.yaml: line 7: rules[0]: rule 'mine'"), "{regex}");
    let allow = check(
        "allow.yaml",
        "version: 1\nallowlist:\n  regexes:\n    - '^ok'\n    - 'bad(['\n",
    );
    assert!(allow.contains("allow.yaml: line 5: allowlist.regexes[1]: "), "{allow}");

    let key = check("key.yaml", "version: 1\nallowlst:\n  paths: []\n");
    assert!(
        key.contains("key.yaml: line 2 column 1: unknown field `allowlst`"),
        "{key}"
    );
    assert!(key.contains("hint: fix the key's spelling"), "{key}");
}

#[test]
fn verbose_names_the_entry_that_suppressed_each_finding() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    write(
        repo,
        ".leaktrap.yaml",
        "version: 1\nallowlist:\n  paths: ['fixtures/**']\n  stopwords: [zzfakezz]\n",
    );
    write(repo, "fixtures/t.py", format!("T = \"{}\"\n", tokens::github_pat(61)));
    write(
        repo,
        "inline.py",
        format!("T = \"{}\"  # leaktrap:allow\n", tokens::github_pat(62)),
    );
    write(repo, "old.py", format!("T = \"{}\"\n", tokens::github_pat(63)));
    commit_all(repo, "first");
    let out = run(repo, &["scan", "-v"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("fixtures/t.py:1: github-pat suppressed by the config's allowlist path entry 'fixtures/**'"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("inline.py:1: github-pat suppressed by an inline 'leaktrap:allow' comment"),
        "{}",
        out.stderr
    );
    assert_eq!(run(repo, &["baseline", "-o", "bl.json"]).code, 0);
    let out = run(repo, &["scan", "-v", "--baseline", "bl.json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("old.py:1: github-pat suppressed by baseline entry "),
        "{}",
        out.stderr
    );
    // --staged: a secret already in HEAD, in a file the commit edits.
    write(repo, "old.py", format!("T = \"{}\"\nX = 1\n", tokens::github_pat(63)));
    git(repo, &["add", "old.py"]);
    let out = run(repo, &["scan", "--staged", "-v"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("old.py:1: github-pat suppressed by not being added by this change (already in HEAD)"),
        "{}",
        out.stderr
    );
}

#[test]
fn paths_are_relative_to_the_current_directory_or_absolute_and_never_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().canonicalize().unwrap();
    for name in ["a", "b"] {
        write(
            &top,
            &format!("{name}/config.py"),
            format!("TOKEN = \"{}\"\n", tokens::github_pat(71)),
        );
    }
    let out = run(&top, &["scan", "a", "b", "--format", "json"]);
    let paths: Vec<String> = out
        .json()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["a/config.py", "b/config.py"]);
    // From inside a, b is outside the current directory: absolute.
    let out = run(&top.join("a"), &["scan", ".", "../b"]);
    assert!(out.stdout.contains("config.py:1:10: github-pat"), "{}", out.stdout);
    let outside = format!("{}/b/config.py:1:10", top.display());
    assert!(out.stdout.contains(&outside), "{}", out.stdout);
    // A file outside any repository keeps its directory.
    let out = run(&top, &["scan", "b/config.py"]);
    assert!(out.stdout.starts_with("b/config.py:1:10"), "{}", out.stdout);
}

#[test]
fn history_scans_every_repository_given_and_a_path_inside_one_limits_it() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    for name in ["one", "two"] {
        let repo = top.join(name);
        std::fs::create_dir(&repo).unwrap();
        git_init(&repo);
        write(&repo, "config.py", format!("TOKEN = \"{}\"\n", tokens::github_pat(81)));
        write(
            &repo,
            "sub/deploy.py",
            format!("KEY = \"{}\"\n", tokens::github_pat(82)),
        );
        commit_all(&repo, "secrets");
    }
    let out = run(top, &["scan", "--history", "one", "two", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let mut paths: Vec<String> = out
        .json()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "one/config.py",
            "one/sub/deploy.py",
            "two/config.py",
            "two/sub/deploy.py"
        ]
    );
    assert!(out.stderr.contains("scanned 2 commits"), "{}", out.stderr);
    // A directory inside a repository is a path limit, like `git log -- sub`.
    let out = run(top, &["scan", "--history", "one/sub", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let paths: Vec<String> = out
        .json()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["sub/deploy.py"]);
}
