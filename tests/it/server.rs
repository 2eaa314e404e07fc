//! The server's pre-receive gate, tested with real `git push` over file:// into a bare
//! repository with the installed hook: what a push adds is scanned (new branches, fast-forwards,
//! force-pushes, tags) from git's quarantine, nothing the server already holds, deletions not at
//! all; the rejection says what to do; the skip option, timeouts, concurrent pushes and a corrupt
//! pushed object.

use std::path::{Path, PathBuf};

use crate::common::{commit_all, git, git_init, push, remote_has, run, tokens, write};

/// A bare `server.git` with leaktrap's pre-receive hook (installed with `--git-dir` from
/// outside it), and a `work` repository whose `origin` it is.
fn server_and_clone(dir: &Path) -> (PathBuf, PathBuf) {
    git(dir, &["init", "-q", "--bare", "-b", "main", "server.git"]);
    let server = dir.join("server.git");
    let installed = run(dir, &["hook", "install", "--pre-receive", "--git-dir", "server.git"]);
    assert_eq!(installed.code, 0, "{}", installed.stderr);
    assert!(server.join("hooks/pre-receive").exists());
    let work = dir.join("work");
    std::fs::create_dir(&work).unwrap();
    git_init(&work);
    git(
        &work,
        &["remote", "add", "origin", &format!("file://{}", server.display())],
    );
    (server, work)
}

fn tip(git_dir: &Path, rev: &str) -> String {
    git(git_dir, &["rev-parse", rev]).trim().to_string()
}

#[test]
fn a_push_is_rejected_for_what_it_adds_and_never_for_what_the_server_holds() {
    let dir = tempfile::tempdir().unwrap();
    let (server, work) = server_and_clone(dir.path());
    write(&work, "app.py", "print('hi')\n");
    commit_all(&work, "clean start");
    let (ok, printed) = push(&work, &["-u", "origin", "main"]);
    assert!(ok, "{printed}");
    assert!(remote_has(&server, "main"));

    // A token added and removed again in the next commit: the push adds both commits.
    let token = tokens::github_pat(21);
    write(&work, "settings.py", format!("TOKEN = \"{token}\"\n"));
    commit_all(&work, "add settings");
    std::fs::remove_file(work.join("settings.py")).unwrap();
    commit_all(&work, "remove settings");
    let before = tip(&server, "main");
    let (ok, printed) = push(&work, &["origin", "main"]);
    assert!(!ok, "the push went through: {printed}");
    assert!(printed.contains("push rejected: it adds a secret"), "{printed}");
    let added = tip(&work, "HEAD~1");
    assert!(
        printed.contains(&format!("refs/heads/main {} settings.py:1 github-pat", &added[..12])),
        "ref, commit, path, line and rule: {printed}"
    );
    assert!(
        printed.contains("git rebase -i") && printed.contains("rotate"),
        "{printed}"
    );
    assert!(!printed.contains(&token), "the secret is redacted: {printed}");
    assert_eq!(tip(&server, "main"), before, "the ref did not move");

    // A clean new branch from the clean tip goes through; a new branch whose commit adds a
    // token is rejected, naming that branch.
    git(&work, &["checkout", "-q", "-b", "feature", "HEAD~2"]);
    write(&work, "feature.py", "x = 1\n");
    commit_all(&work, "feature");
    let (ok, printed) = push(&work, &["origin", "feature"]);
    assert!(ok, "{printed}");
    git(&work, &["checkout", "-q", "-b", "leaky"]);
    write(&work, "deploy.py", format!("KEY = \"{}\"\n", tokens::github_pat(22)));
    commit_all(&work, "deploy");
    let (ok, printed) = push(&work, &["origin", "leaky"]);
    assert!(!ok, "{printed}");
    assert!(
        printed.contains("refs/heads/leaky") && printed.contains("deploy.py:1"),
        "{printed}"
    );
    assert!(!remote_has(&server, "leaky"));
    assert!(
        printed.contains("STILL PRESENT"),
        "a secret at a pushed tip is still present there: {printed}"
    );

    // A force-push that rewrites main: clean, it goes through; with a token, it is rejected.
    git(&work, &["checkout", "-q", "main"]);
    git(&work, &["reset", "-q", "--hard", "HEAD~2"]);
    write(&work, "app.py", "print('rewritten')\n");
    commit_all(&work, "rewrite");
    let (ok, printed) = push(&work, &["--force", "origin", "main"]);
    assert!(ok, "{printed}");
    write(&work, "ci.sh", format!("export GH={}\n", tokens::github_pat(23)));
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "--amend", "-m", "rewrite with ci"]);
    let (ok, printed) = push(&work, &["--force", "origin", "main"]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("ci.sh:1"), "{printed}");

    // A tag of a commit on no branch is what it adds; a tag of a commit the server has adds
    // nothing. Deleting a branch adds nothing either.
    git(&work, &["tag", "-a", "-m", "leaky release", "v1-leaky"]);
    let (ok, printed) = push(&work, &["origin", "v1-leaky"]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("refs/tags/v1-leaky"), "{printed}");
    git(&work, &["tag", "-a", "-m", "release", "v1", "origin/feature"]);
    let (ok, printed) = push(&work, &["origin", "v1"]);
    assert!(ok, "{printed}");
    let (ok, printed) = push(&work, &["origin", "--delete", "feature"]);
    assert!(ok, "{printed}");
    assert!(!remote_has(&server, "feature"));
}

#[test]
fn a_secret_already_on_the_server_does_not_block_later_pushes_and_the_skip_option_needs_the_servers_leave() {
    let dir = tempfile::tempdir().unwrap();
    let (server, work) = server_and_clone(dir.path());
    git(&server, &["config", "receive.advertisePushOptions", "true"]);
    let token = tokens::github_pat(31);
    write(&work, "config.py", format!("TOKEN = \"{token}\"\nDEBUG = False\n"));
    commit_all(&work, "config");

    // Without the server's leave, `-o leaktrap.skip` is refused and the push scanned.
    let (ok, printed) = push(&work, &["-o", "leaktrap.skip", "origin", "main"]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("is not allowed here"), "{printed}");

    // With `pre_receive.allow_skip` in the server's config, it lets the push through, logged.
    write(
        &server,
        ".leaktrap.yaml",
        "version: 1\npre_receive:\n  allow_skip: true\n",
    );
    let (ok, printed) = push(&work, &["-o", "leaktrap.skip", "origin", "main"]);
    assert!(ok, "{printed}");
    assert!(printed.contains("push accepted without a scan"), "{printed}");

    // The token is now the server's: a later commit that edits the same file, and one on a new
    // branch, are not rejected for it.
    write(&work, "config.py", format!("TOKEN = \"{token}\"\nDEBUG = True\n"));
    commit_all(&work, "debug on");
    let (ok, printed) = push(&work, &["origin", "main"]);
    assert!(ok, "{printed}");
    git(&work, &["checkout", "-q", "-b", "next"]);
    write(&work, "next.py", "y = 2\n");
    commit_all(&work, "next");
    let (ok, printed) = push(&work, &["origin", "next"]);
    assert!(ok, "{printed}");

    // A mistake in the server's config rejects pushes with the file named, never lets them by.
    write(
        &server,
        ".leaktrap.yaml",
        "version: 1\npre_receive:\n  allow_skips: true\n",
    );
    write(&work, "more.py", "z = 3\n");
    commit_all(&work, "more");
    let (ok, printed) = push(&work, &["origin", "next"]);
    assert!(!ok, "{printed}");
    assert!(
        printed.contains(".leaktrap.yaml") && printed.contains("allow_skips"),
        "{printed}"
    );
}

#[test]
fn a_push_not_scanned_in_time_is_rejected_or_accepted_as_the_server_says() {
    let dir = tempfile::tempdir().unwrap();
    let (server, work) = server_and_clone(dir.path());
    // Enough to scan that it cannot finish before a timeout of zero seconds fires.
    for n in 0..40 {
        write(&work, &format!("data/{n}.txt"), "line of text\n".repeat(20_000));
    }
    commit_all(&work, "data");
    write(&server, ".leaktrap.yaml", "version: 1\npre_receive:\n  timeout: 0\n");
    let (ok, printed) = push(&work, &["origin", "main"]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("did not finish within 0 s"), "{printed}");
    assert!(!remote_has(&server, "main"));
    write(
        &server,
        ".leaktrap.yaml",
        "version: 1\npre_receive:\n  timeout: 0\n  on_timeout: accept\n",
    );
    let (ok, printed) = push(&work, &["origin", "main"]);
    assert!(ok, "{printed}");
    assert!(printed.contains("accepted unscanned"), "{printed}");
    assert!(remote_has(&server, "main"));
}

#[test]
fn concurrent_pushes_are_each_judged_on_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let (server, work) = server_and_clone(dir.path());
    write(&work, "README.md", "hello\n");
    commit_all(&work, "start");
    assert!(push(&work, &["origin", "main"]).0);
    let clones: Vec<PathBuf> = (0..4)
        .map(|n| {
            let clone = dir.path().join(format!("clone{n}"));
            git(
                dir.path(),
                &[
                    "clone",
                    "-q",
                    &format!("file://{}", server.display()),
                    clone.to_str().unwrap(),
                ],
            );
            git(&clone, &["checkout", "-q", "-b", &format!("branch{n}")]);
            // Odd clones add a token, even ones do not.
            let text = if n % 2 == 1 {
                format!("T = \"{}\"\n", tokens::github_pat(40 + n as u64))
            } else {
                format!("n = {n}\n")
            };
            write(&clone, &format!("file{n}.py"), text);
            commit_all(&clone, "work");
            clone
        })
        .collect();
    let results: Vec<(bool, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = clones
            .iter()
            .enumerate()
            .map(|(n, clone)| scope.spawn(move || push(clone, &["origin", &format!("branch{n}")])))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (n, (ok, printed)) in results.iter().enumerate() {
        assert_eq!(*ok, n % 2 == 0, "clone {n}: {printed}");
        assert_eq!(remote_has(&server, &format!("branch{n}")), n % 2 == 0);
        if n % 2 == 1 {
            assert!(printed.contains(&format!("file{n}.py:1")), "{printed}");
            // Each push names only its own secret.
            let other = (n + 2) % 4;
            assert!(!printed.contains(&format!("file{other}.py")), "{printed}");
        }
    }
}

#[test]
fn a_corrupt_pushed_object_rejects_the_push_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let (server, work) = server_and_clone(dir.path());
    // A hook that runs before leaktrap's (chained at install) damages the pushed blob of
    // data.txt where git keeps it until the hooks accept the push: its quarantine.
    let hooks = server.join("hooks");
    run(
        dir.path(),
        &["hook", "uninstall", "--pre-receive", "--git-dir", "server.git"],
    );
    write(
        &hooks,
        "pre-receive",
        "#!/bin/sh\nread old new ref\nblob=$(git rev-parse \"$new:data.txt\")\nfile=\"$GIT_QUARANTINE_PATH/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-)\"\nchmod u+w \"$file\" && printf 'not zlib' > \"$file\"\n",
    );
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(hooks.join("pre-receive"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let installed = run(
        dir.path(),
        &["hook", "install", "--pre-receive", "--git-dir", "server.git"],
    );
    assert!(installed.stderr.contains("runs first"), "{}", installed.stderr);
    write(&work, "data.txt", "some data\n");
    commit_all(&work, "data");
    let (ok, printed) = push(&work, &["origin", "main"]);
    assert!(!ok, "{printed}");
    assert!(
        printed.contains("could not be read") && printed.contains("git fsck"),
        "{printed}"
    );
    assert!(!remote_has(&server, "main"));
}

#[test]
fn the_pre_receive_hook_refuses_input_that_is_not_gits_and_installs_only_where_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = server_and_clone(dir.path());
    let out = crate::common::run_in(&server, &["scan", "--pre-receive"], b"main..HEAD\n");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("hook install --pre-receive"), "{}", out.stderr);
    // In a bare repository, the pre-commit and pre-push installs point at this one.
    let out = run(&server, &["hook", "install"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("leaktrap hook install --pre-receive"),
        "{}",
        out.stderr
    );
    // Uninstall restores what was there before (nothing).
    let out = run(
        dir.path(),
        &["hook", "uninstall", "--pre-receive", "--git-dir", "server.git"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!server.join("hooks/pre-receive").exists());
}
