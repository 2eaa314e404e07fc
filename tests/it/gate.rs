//! The gate tells the truth: exit codes that survive a closed pipe, bare repositories refused
//! with the command that fits, pre-push hooks tested with real pushes, and messages that say
//! what to do next. Every case runs the real binary on real repositories.

use std::path::Path;
use std::process::Stdio;

use crate::common::{commit_all, git, git_init, leaktrap, run, tokens, write};

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
    let out = run(dir.path(), &["scan", ".", "--format", "json", "-o", report.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(exit_code_with_closed_pipe(dir.path(), &["merge", "report.json"]), 1);
    assert_eq!(exit_code_with_closed_pipe(dir.path(), &["merge", "report.json", "-o", "-"]), 1);
    // Nothing found: a closed pipe is still a clean run.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "a.py", "x = 1\n");
    assert_eq!(exit_code_with_closed_pipe(clean.path(), &["scan", ".", "-o", "-"]), 0);
}
