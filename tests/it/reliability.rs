//! Reliability: resource bounds, hostile input, broken repositories, a harmless hook and no
//! leaks of our own. Every case runs the real binary on real files and real repositories.
//!
//! Memory bounds are checked on the peak resident memory the binary reports with `--verbose`
//! (Linux's `VmHWM`, the figure `/usr/bin/time -v` shows); time is not asserted (see
//! `benches/resource-bounds.sh`).

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{commit_all, git, git_command, git_init, leaktrap, run, tokens, write};

const MIB: u64 = 1 << 20;

/// A finished run of the binary with its peak resident memory.
struct Measured {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Measured {
    fn json(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    /// The peak resident memory `--verbose` reports (Linux's `VmHWM`, what `/usr/bin/time -v`
    /// shows; `wait4`'s figure would include this test process's own memory, which a child
    /// inherits as its starting high-water mark at exec).
    fn peak_memory(&self) -> u64 {
        self.stderr
            .lines()
            .find_map(|l| {
                l.split_once("peak memory ")?
                    .1
                    .split_once(" (")?
                    .1
                    .strip_suffix(" bytes)")
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no peak memory in: {}", self.stderr))
    }

    fn assert_peak_below(&self, bound: u64, what: &str) {
        let peak = self.peak_memory();
        assert!(
            peak < bound,
            "{what}: peak RSS {} MiB, bound {} MiB",
            peak / MIB,
            bound / MIB
        );
    }
}

/// Runs leaktrap in `dir` with `--verbose` (for its peak memory).
fn measure(dir: &Path, args: &[&str]) -> Measured {
    measure_command(leaktrap().args(args).arg("-v").current_dir(dir))
}

fn measure_command(command: &mut Command) -> Measured {
    let out = command.stdin(Stdio::null()).output().expect("the binary runs");
    Measured {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A Python-ish line holding a GitHub token that the default rules find.
fn secret_line(seed: u64) -> (String, String) {
    let token = tokens::github_pat(seed);
    (format!("GITHUB_TOKEN = \"{token}\"\n"), token)
}

/// Runs `git fast-import` in `repo`, feeding it `stream`.
fn fast_import(repo: &Path, stream: impl FnOnce(&mut dyn Write)) {
    let mut child = git_command(repo)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    {
        let mut input = BufWriter::with_capacity(1 << 20, child.stdin.take().unwrap());
        stream(&mut input);
        input.flush().unwrap();
    }
    assert!(child.wait().unwrap().success(), "git fast-import failed");
}

// ---------------------------------------------------------------------------------------------
// Resource bounds: memory stays bounded whatever the input's size.

#[test]
fn a_2_gib_binary_file_is_streamed_in_bounded_memory_and_its_token_found() {
    let dir = tempfile::tempdir().unwrap();
    let (_, token) = secret_line(1);
    let size: u64 = 2 << 30;
    {
        let big = std::fs::File::create(dir.path().join("disk.img")).unwrap();
        big.set_len(size).unwrap(); // sparse: NULs, so binary
        use std::os::unix::fs::FileExt;
        big.write_all_at(format!("\0token={token}\0").as_bytes(), size - 100)
            .unwrap();
    }
    write(dir.path(), "app.py", secret_line(6).0);
    let out = measure(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 2, "{}", out.stdout);
    let in_image = findings
        .iter()
        .find(|f| f["path"] == "disk.img")
        .expect("the image's token");
    assert_eq!(in_image["offset"].as_u64(), Some(size - 100 + 7));
    assert_eq!(in_image["line"], 0);
    assert!(out.stderr.contains("1 binary"), "{}", out.stderr);
    out.assert_peak_below(160 * MIB, "2 GiB file streamed");
}

#[test]
fn over_max_file_size_a_file_is_named_in_the_summary_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = std::fs::File::create(dir.path().join("disk.img")).unwrap();
    big.set_len(2 << 30).unwrap();
    write(dir.path(), "app.py", secret_line(1).0);
    let out = measure(dir.path(), &["scan", "--format", "json", "--max-file-size", "1000000"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json().len(), 1);
    assert!(
        out.stderr.contains("1 NOT SCANNED (over --max-file-size)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .lines()
            .any(|l| l.starts_with("leaktrap: not scanned, over --max-file-size") && l.ends_with(": disk.img")),
        "{}",
        out.stderr
    );
    out.assert_peak_below(64 * MIB, "2 GiB file skipped");
}

#[test]
fn tokens_on_every_side_of_the_stream_windows_are_each_found_once_where_they_are() {
    // 100 MiB of 64-byte lines with a token every 997 lines: the file is streamed in windows,
    // and some tokens fall in the overlaps and across window edges.
    let dir = tempfile::tempdir().unwrap();
    let lines: u64 = 100 * MIB / 64;
    let mut planted = Vec::new();
    {
        let mut file = BufWriter::new(std::fs::File::create(dir.path().join("big.log")).unwrap());
        for n in 1..=lines {
            if n % 997 == 0 {
                let token = tokens::github_pat(1000 + n);
                writeln!(file, "k=\"{token}\" {:>8}", "").unwrap();
                planted.push(n);
            } else {
                writeln!(file, "{:>63}", n).unwrap();
            }
        }
    }
    let out = measure(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let found: Vec<u64> = out.json().iter().map(|f| f["line"].as_u64().unwrap()).collect();
    assert_eq!(found, planted);
    assert!(out.json().iter().all(|f| f["column"] == 4));
    out.assert_peak_below(160 * MIB, "100 MiB streamed");
}

#[test]
fn a_200_mib_single_line_is_streamed_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (_, token) = secret_line(2);
    let filler_len: u64 = 200 * MIB;
    {
        let mut file = BufWriter::new(std::fs::File::create(dir.path().join("one-line.txt")).unwrap());
        let chunk = b"lorem ipsum dolor sit amet, ".repeat(1 << 12);
        let mut written = 0;
        while written < filler_len {
            let n = (filler_len - written).min(chunk.len() as u64) as usize;
            file.write_all(&chunk[..n]).unwrap();
            written += n as u64;
        }
        write!(file, " token={token}").unwrap();
    }
    let out = measure(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 1, "{}", out.stdout);
    assert_eq!(findings[0]["line"], 1);
    assert_eq!(findings[0]["column"].as_u64(), Some(filler_len + 8));
    // The line shown in the report is cut to a few hundred bytes.
    assert!(findings[0]["line_text"].as_str().unwrap().len() < 1000);
    out.assert_peak_below(160 * MIB, "200 MiB line");
}

#[test]
fn ten_million_lines_are_counted_right_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let lines = 10_000_000u64;
    let (line, _) = secret_line(3);
    {
        let mut file = BufWriter::new(std::fs::File::create(dir.path().join("many.txt")).unwrap());
        for n in 1..=lines {
            if n == lines - 1 {
                file.write_all(line.as_bytes()).unwrap();
            } else {
                file.write_all(b"x\n").unwrap();
            }
        }
    }
    let out = measure(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["line"].as_u64(), Some(lines - 1));
    assert_eq!(findings[0]["column"], 17);
    out.assert_peak_below(160 * MIB, "10 million lines");
}

#[test]
fn two_hundred_thousand_files_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    for d in 0..200 {
        let sub = dir.path().join(format!("d{d:03}"));
        std::fs::create_dir(&sub).unwrap();
        for f in 0..1000 {
            std::fs::write(sub.join(format!("f{f:04}.txt")), b"nothing to see\n").unwrap();
        }
    }
    write(dir.path(), "d123/f0456.txt", secret_line(4).0);
    let out = measure(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], "d123/f0456.txt");
    assert!(out.stderr.contains("scanned 200000 files"), "{}", out.stderr);
    out.assert_peak_below(160 * MIB, "200,000 files");
}

#[test]
fn a_500_mib_blob_in_history_is_streamed_and_its_token_found() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    let (line, _) = secret_line(5);
    let (_, deep) = secret_line(7);
    let size: usize = 500 << 20;
    let tail = format!("\0password: {deep}\0");
    fast_import(repo, |input| {
        write!(input, "blob\nmark :1\ndata {}\n", size + tail.len()).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..(size >> 20) {
            input.write_all(&zeros).unwrap();
        }
        input.write_all(tail.as_bytes()).unwrap();
        write!(
            input,
            "\ncommit refs/heads/main\ncommitter A <a@example.com> 1700000000 +0000\ndata 4\nbig\n\
             M 100644 :1 disk.img\nM 100644 inline app.py\ndata {}\n{line}\n",
            line.len()
        )
        .unwrap();
    });
    let out = measure(repo, &["scan", "--history", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    let paths: Vec<&str> = findings.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["app.py", "disk.img"], "{}", out.stdout);
    assert_eq!(findings[1]["offset"].as_u64(), Some((size + 11) as u64));
    out.assert_peak_below(160 * MIB, "500 MiB blob");
}

#[test]
fn a_big_file_staged_with_a_token_on_line_1_blocks_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    write(repo, "README.md", "hello\n");
    commit_all(repo, "first");
    let (line, _) = secret_line(8);
    let filler = "lorem ipsum dolor sit amet\n".repeat((80 * MIB / 27) as usize);
    write(repo, "dump.sql", format!("{line}{filler}"));
    git(repo, &["add", "dump.sql"]);
    let out = measure(repo, &["scan", "--staged", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 1, "{}", out.stdout);
    assert_eq!(
        (findings[0]["path"].as_str(), findings[0]["line"].as_u64()),
        (Some("dump.sql"), Some(1))
    );
    out.assert_peak_below(160 * MIB, "80 MiB staged file");
    // Chosen by the user, the limit skips it, and the summary says so on its own line.
    let out = measure(repo, &["scan", "--staged", "--max-file-size", "1000000"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("leaktrap: not scanned, over --max-file-size (drop the limit to scan them): dump.sql"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_hundred_thousand_commits_are_walked_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    let commits = 100_000;
    let (line, _) = secret_line(6);
    fast_import(repo, |input| {
        for n in 1..=commits {
            let message = if n == 50_000 { "add settings" } else { "count" };
            write!(
                input,
                "commit refs/heads/main\ncommitter A <a@example.com> {} +0000\ndata {}\n{message}\n",
                1_600_000_000 + n,
                message.len()
            )
            .unwrap();
            let counter = format!("n = {n}\n");
            write!(
                input,
                "M 100644 inline counter.txt\ndata {}\n{counter}\n",
                counter.len()
            )
            .unwrap();
            if n == 50_000 {
                write!(input, "M 100644 inline settings.py\ndata {}\n{line}\n", line.len()).unwrap();
            }
            if n == 50_001 {
                input.write_all(b"D settings.py\n").unwrap();
            }
        }
    });
    let out = measure(repo, &["scan", "--history", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 1, "{}", out.stdout);
    let introduced = git(repo, &["log", "--format=%H", "--grep", "add settings"]);
    assert_eq!(findings[0]["commit"].as_str(), Some(introduced.trim()));
    out.assert_peak_below(192 * MIB, "100,000 commits");
}

// ---------------------------------------------------------------------------------------------
// Hostile input.

#[test]
fn symlink_loops_and_links_out_of_the_root_are_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.py", secret_line(7).0);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "src/main.py", "print('hello')\n");
    std::os::unix::fs::symlink(".", root.join("src/loop")).unwrap();
    std::os::unix::fs::symlink("..", root.join("src/up")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("outside-dir")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.py"), root.join("outside-file.py")).unwrap();
    let out = measure(root, &["scan", "--format", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.json().is_empty());
    assert!(out.stderr.contains("scanned 1 file"), "{}", out.stderr);
    assert!(
        out.stderr.contains("outside-file.py: skipped, a symbolic link"),
        "{}",
        out.stderr
    );
}

#[test]
fn fifos_sockets_and_devices_are_skipped_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app.py", secret_line(8).0);
    let fifo = root.join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let _socket = std::os::unix::net::UnixListener::bind(root.join("socket")).unwrap();
    // A character device in the tree needs CAP_MKNOD (the tests run as root here); the device
    // named on the command line below needs nothing.
    let made_device = Command::new("mknod")
        .arg(root.join("zero"))
        .args(["c", "1", "5"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let out = measure(root, &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json().len(), 1);
    assert!(out.stderr.contains("scanned 1 file"), "{}", out.stderr);
    for name in ["pipe", "socket"].into_iter().chain(made_device.then_some("zero")) {
        assert!(
            out.stderr.contains(&format!("{name}: skipped, not a regular file")),
            "{name}: {}",
            out.stderr
        );
    }
    // Named explicitly, an endless device is still not read.
    let device = measure(root, &["scan", "/dev/zero", "--format", "json"]);
    assert_eq!(device.code, 0, "{}", device.stderr);
    assert!(device.stderr.contains("scanned 0 files"), "{}", device.stderr);
}

/// Runs as root here, where mode 000 is still readable: the scan drops to `nobody` with
/// setpriv so that permission denied really happens.
#[test]
fn an_unreadable_file_is_an_error_naming_it_and_the_rest_is_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    write(dir.path(), "readable.py", secret_line(9).0);
    write(dir.path(), "locked.txt", "private\n");
    std::fs::set_permissions(dir.path().join("locked.txt"), std::fs::Permissions::from_mode(0o000)).unwrap();
    // A copy of the binary that `nobody` can reach, wherever the checkout lives.
    let bin_dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = bin_dir.path().join("leaktrap");
    std::fs::copy(env!("CARGO_BIN_EXE_leaktrap"), &bin).unwrap();
    let is_root = unsafe { libc::geteuid() } == 0;
    let mut command = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    command.args(["scan", "--format", "json"]).current_dir(dir.path());
    let out = measure_command(&mut command);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("locked.txt"), "{}", out.stderr);
    assert!(
        out.stderr.to_lowercase().contains("permission denied"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json().len(), 1, "the readable file's finding is still reported");
}

/// Files deleted, truncated or swapped for FIFOs while the walk runs: the scan neither hangs nor
/// fails; what vanished is a warning (DESIGN.md), never a panic.
#[test]
fn files_deleted_truncated_or_replaced_mid_scan() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let names: Vec<PathBuf> = (0..4000).map(|n| root.join(format!("d{}/f{n}.txt", n % 40))).collect();
    for name in &names {
        std::fs::create_dir_all(name.parent().unwrap()).unwrap();
        std::fs::write(name, "some text without secrets\n".repeat(200)).unwrap();
    }
    let vandal = {
        let names = names.clone();
        std::thread::spawn(move || {
            for (n, name) in names.iter().enumerate().rev() {
                match n % 3 {
                    0 => drop(std::fs::remove_file(name)),
                    1 => drop(std::fs::OpenOptions::new().write(true).truncate(true).open(name)),
                    _ => {
                        let _ = std::fs::remove_file(name);
                        let _ = Command::new("mkfifo").arg(name).status();
                    }
                }
            }
        })
    };
    let started = Instant::now();
    let mut child = leaktrap()
        .args(["scan", "--format", "json"])
        .current_dir(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(120), "the scan hangs");
        std::thread::sleep(Duration::from_millis(20));
    }
    vandal.join().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    for line in stderr.lines().filter(|l| l.contains("warning")) {
        assert!(
            line.contains("vanished") || line.contains("no longer a regular file"),
            "{line}"
        );
    }
}

#[test]
fn control_characters_in_paths_and_commits_are_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    let name = "evil\x1b]0;owned\x07\x1b[2J.py";
    write(repo, name, secret_line(10).0);
    git(repo, &["add", "-A"]);
    git_command(repo)
        .args(["commit", "-q", "-m", "innocent\x1b[31m red \x1b[0m\r\nforged line"])
        .env("GIT_AUTHOR_NAME", "Mallory\x1b[2K")
        .status()
        .unwrap();
    for args in [&["scan"][..], &["scan", "--history"][..]] {
        let out = measure(repo, args);
        assert_eq!(out.code, 1, "{}", out.stderr);
        for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{args:?} {stream} carries a raw control character: {text:?}"
            );
        }
        assert!(out.stdout.contains("evil"), "{}", out.stdout);
    }
}

/// Nested quantifiers that take exponential time in a backtracking engine stay linear here: a
/// megabyte of `a` with no `b` would not finish in a lifetime if they backtracked.
#[test]
fn catastrophic_regexes_in_a_user_config_run_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".leaktrap.yaml",
        "version: 1\nrules:\n  - id: nested\n    name: Nested\n    severity: low\n    keywords: [aaaa]\n    regex: '((a+)+)+(b)'\n  - id: alternation\n    name: Alternation\n    severity: low\n    keywords: [aaaa]\n    regex: '(a|aa|aaa)*(c)'\n",
    );
    write(dir.path(), "a.txt", "a".repeat(1 << 20));
    let started = Instant::now();
    let out = measure(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn deep_huge_or_self_referencing_yaml_configs_fail_cleanly_or_load() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app.py", secret_line(11).0);
    let cases = [
        (
            "deep",
            format!("version: 1\nallowlist:\n  stopwords: {}", "[".repeat(100_000)),
        ),
        (
            "aliases",
            // Twelve levels of ten aliases: 10^12 strings if expanded.
            (1..=12).fold(
                "version: 1\ndisable: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_string(),
                |doc, n| doc + &format!("a{n}: &a{n} [{}]\n", vec![format!("*a{}", n - 1); 10].join(", ")),
            ),
        ),
    ];
    for (name, text) in cases {
        let file = root.join(format!("{name}.yaml"));
        std::fs::write(&file, text).unwrap();
        let started = Instant::now();
        let out = measure(root, &["scan", "--config", file.to_str().unwrap()]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("{name}.yaml")), "{name}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name}: {:?}",
            started.elapsed()
        );
    }
    // Large but valid: 200,000 stopwords (about 3 MiB) load and apply.
    let words: Vec<String> = (0..200_000).map(|n| format!("    - word{n}\n")).collect();
    let file = root.join("huge.yaml");
    std::fs::write(
        &file,
        format!("version: 1\nallowlist:\n  stopwords:\n{}", words.concat()),
    )
    .unwrap();
    let out = measure(root, &["scan", "--config", file.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// Broken repositories: the right error, object by object, exit 2, what could be read reported.

/// A repository with two commits, each adding a file with a secret; returns the blob ids.
fn two_commit_repo(repo: &Path) -> (String, String) {
    git_init(repo);
    write(repo, "first.py", secret_line(20).0);
    commit_all(repo, "first");
    write(repo, "second.py", secret_line(21).0);
    commit_all(repo, "second");
    (
        git(repo, &["rev-parse", "HEAD:first.py"]).trim().to_string(),
        git(repo, &["rev-parse", "HEAD:second.py"]).trim().to_string(),
    )
}

fn loose_object(repo: &Path, id: &str) -> PathBuf {
    repo.join(".git/objects").join(&id[..2]).join(&id[2..])
}

#[test]
fn a_corrupt_loose_object_is_named_and_exits_2_with_the_rest_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (first, _) = two_commit_repo(dir.path());
    let object = loose_object(dir.path(), &first);
    std::fs::set_permissions(&object, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&object, b"\x78\x9cthis is not zlib data at all").unwrap();
    let out = measure(dir.path(), &["scan", "--history", "--format", "json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&first) && out.stderr.contains("first.py"),
        "{}",
        out.stderr
    );
    let paths: Vec<_> = out
        .json()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["second.py"]);
}

#[test]
fn a_blob_missing_from_a_tree_is_named_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (_, second) = two_commit_repo(dir.path());
    std::fs::remove_file(loose_object(dir.path(), &second)).unwrap();
    let out = measure(dir.path(), &["scan", "--history", "--format", "json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&second) && out.stderr.contains("second.py"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json().len(), 1, "first.py is still reported");
}

#[test]
fn a_truncated_pack_is_an_error_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    two_commit_repo(dir.path());
    git(dir.path(), &["gc", "-q", "--aggressive"]);
    let pack = std::fs::read_dir(dir.path().join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("gc wrote a pack");
    let len = std::fs::metadata(&pack).unwrap().len();
    std::fs::set_permissions(&pack, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pack)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let out = measure(dir.path(), &["scan", "--history", "--format", "json"]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(out.stderr.contains("error"), "{}", out.stderr);
}

#[test]
fn a_dangling_head_is_an_error_for_history_and_staged() {
    let dir = tempfile::tempdir().unwrap();
    two_commit_repo(dir.path());
    std::fs::write(
        dir.path().join(".git/refs/heads/main"),
        "1234567890123456789012345678901234567890\n",
    )
    .unwrap();
    for args in [&["scan", "--history"][..], &["scan", "--staged"][..]] {
        let out = measure(dir.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("1234567890"), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

#[test]
fn an_empty_repository_is_clean_for_every_git_scan() {
    let dir = tempfile::tempdir().unwrap();
    git_init(dir.path());
    for args in [&["scan", "--history"][..], &["scan", "--staged"][..], &["scan"][..]] {
        let out = measure(dir.path(), args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
}

#[test]
fn bare_repositories_linked_worktrees_and_git_env_vars_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    two_commit_repo(&repo);
    git(dir.path(), &["clone", "-q", "--bare", "repo", "bare.git"]);
    let out = measure(dir.path(), &["scan", "--history", "--format", "json", "bare.git"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json().len(), 2);

    // A linked worktree has a `.git` file, not a directory.
    git(&repo, &["worktree", "add", "-q", "../linked"]);
    let linked = dir.path().join("linked");
    assert!(linked.join(".git").is_file());
    write(&linked, "third.py", secret_line(22).0);
    git(&linked, &["add", "third.py"]);
    let staged = measure(&linked, &["scan", "--staged", "--format", "json"]);
    assert_eq!(staged.code, 1, "{}", staged.stderr);
    let paths: Vec<_> = staged.json().iter().map(|f| f["path"].clone()).collect();
    assert_eq!(paths, ["third.py"]);
    let history = measure(&linked, &["scan", "--history", "--format", "json"]);
    assert_eq!(history.json().len(), 2, "{}", history.stderr);

    // GIT_DIR and GIT_WORK_TREE point elsewhere than the current directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut command = leaktrap();
    command
        .args(["scan", "--staged", "--format", "json"])
        .current_dir(elsewhere.path())
        .env("GIT_DIR", repo.join(".git"))
        .env("GIT_WORK_TREE", &repo);
    write(&repo, "fourth.py", secret_line(23).0);
    git(&repo, &["add", "fourth.py"]);
    let out = measure_command(&mut command);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let paths: Vec<_> = out.json().iter().map(|f| f["path"].clone()).collect();
    assert_eq!(paths, ["fourth.py"]);
}

#[test]
fn an_index_lock_held_by_another_process_does_not_stop_a_staged_scan() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    two_commit_repo(repo);
    write(repo, "third.py", secret_line(24).0);
    git(repo, &["add", "third.py"]);
    let lock = repo.join(".git/index.lock");
    std::fs::write(&lock, b"held by another process").unwrap();
    let out = measure(repo, &["scan", "--staged", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json().len(), 1);
    assert_eq!(std::fs::read(&lock).unwrap(), b"held by another process");
}

// ---------------------------------------------------------------------------------------------
// The hook is harmless: nothing in the repository changes, whatever happens to the scan.

/// Every file under `root` (the work tree and all of `.git`: index, refs, stash, logs) with its
/// bytes and mode.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u32, Vec<u8>)> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let meta = std::fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                files.insert(entry.path(), (meta.permissions().mode(), bytes));
            }
        }
    }
    files
}

fn assert_unchanged(repo: &Path, before: &BTreeMap<PathBuf, (u32, Vec<u8>)>, case: &str) {
    let after = snapshot(repo);
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert!(changed.is_empty(), "{case}: changed {changed:?}");
}

#[test]
fn a_staged_scan_leaves_index_tree_stash_and_refs_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    two_commit_repo(repo);
    write(repo, "stashed.py", "x = 1\n");
    git(repo, &["add", "stashed.py"]);
    git(repo, &["stash", "-q"]);
    write(repo, "third.py", secret_line(25).0);
    write(repo, "big.txt", "word ".repeat(2 << 20));
    git(repo, &["add", "third.py", "big.txt"]);
    write(repo, "unstaged.py", secret_line(26).0);
    let before = snapshot(repo);

    let out = measure(repo, &["scan", "--staged"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_unchanged(repo, &before, "scan with findings");

    // Interrupted part-way, by Ctrl-C and by SIGKILL.
    for signal in [libc::SIGINT, libc::SIGKILL] {
        let child = leaktrap()
            .args(["scan", "--staged", "--threads", "1"])
            .current_dir(repo)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(5));
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        let mut child = child;
        child.wait().unwrap();
        assert_unchanged(repo, &before, &format!("signal {signal}"));
    }

    // Failing: an object the scan needs is corrupt.
    let staged_blob = git(repo, &["rev-parse", ":third.py"]).trim().to_string();
    let object = loose_object(repo, &staged_blob);
    std::fs::set_permissions(&object, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&object, b"garbage").unwrap();
    let before = snapshot(repo);
    let out = measure(repo, &["scan", "--staged"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(&staged_blob), "{}", out.stderr);
    assert_unchanged(repo, &before, "failed scan");
}

// ---------------------------------------------------------------------------------------------
// No leak of our own.

#[test]
fn no_output_carries_a_secret_without_show_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    let (line, token) = secret_line(27);
    let (allowed_line, allowed) = secret_line(28);
    write(repo, "app.py", &line);
    write(repo, "allowed.py", allowed_line.replace('\n', "  # leaktrap:allow\n"));
    write(repo, "encoded.txt", format!("data: {}\n", base64_of(&line)));
    commit_all(repo, "secrets");
    let reports = tempfile::tempdir().unwrap();
    for format in ["text", "json", "jsonl", "sarif", "junit", "csv"] {
        for target in [&[][..], &["--history"][..]] {
            let report = reports.path().join(format!("report.{format}"));
            let mut args = vec!["scan", "--format", format, "-o", report.to_str().unwrap()];
            args.extend_from_slice(target);
            let out = measure(repo, &args);
            assert_eq!(out.code, 1, "{format}: {}", out.stderr);
            let written = std::fs::read_to_string(&report).unwrap();
            assert!(written.contains("app.py"), "{format}: {written}");
            for secret in [&token, &allowed] {
                for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr), ("report", &written)] {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{format} {target:?}: {what} leaks a secret"
                    );
                }
            }
            let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{format}");
        }
    }
    // The baseline holds fingerprints, not secrets.
    let baseline = reports.path().join("baseline.json");
    let out = run(repo, &["baseline", "-o", baseline.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!std::fs::read_to_string(&baseline).unwrap().contains(&token));
    // No temporary file is left next to the reports.
    let leftovers: Vec<_> = std::fs::read_dir(reports.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn reports_go_straight_through_to_devices_and_fifos() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", secret_line(29).0);
    let out = measure(dir.path(), &["scan", "-o", "/dev/null"]);
    assert_eq!(out.code, 1, "{}", out.stderr);

    let fifo = dir.path().join("report.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = measure(dir.path(), &["scan", "--format", "json", "-o", fifo.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let received: Vec<serde_json::Value> = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(received.len(), 1);
    assert!(
        std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "still a FIFO"
    );
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Lines made of encoded runs, as minified bundles and generated tables hold: one long run of
/// escapes that decodes to nothing printable, tens of thousands of short escaped values, and
/// as many base64 values. Each run is judged once and decoded with a bounded piece of its
/// line, so a megabyte costs what a megabyte costs (before, one such file in a real history
/// took minutes); the time bound only catches a hang.
#[test]
fn lines_of_encoded_runs_cost_their_length_not_its_square() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let (line, token) = secret_line(12);
    let one_run = format!("x = \"{}\"\n", "\\u00e9\\u0301".repeat(90_000));
    let short_runs = (0..70_000).map(|_| "k=\\u0041\\u0042").collect::<Vec<_>>().join(" ");
    let base64_values = (0..40_000)
        .map(|n| {
            format!(
                "v={}",
                base64::engine::general_purpose::STANDARD.encode(format!("hello world {n}"))
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    for (name, text) in [
        ("table.py", one_run),
        ("bundle.js", short_runs),
        ("values.txt", base64_values),
    ] {
        assert!(text.len() > MIB as usize, "{name}: {} bytes", text.len());
        write(dir.path(), name, format!("{text}\n{line}"));
    }
    let started = Instant::now();
    let out = measure(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let mut found: Vec<String> = out
        .json()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        ["bundle.js", "table.py", "values.txt"],
        "the token after each line is found"
    );
    assert!(!out.stdout.contains(&token), "the report redacts it");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}
