//! Helpers shared by the integration tests: run the real binary, build real git repositories.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Vec<serde_json::Value> {
        serde_json::from_str::<Vec<serde_json::Value>>(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not a JSON array ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Two string fields of every JSON finding, e.g. `("path", "commit")`.
    pub fn field_pairs(&self, a: &str, b: &str) -> Vec<(String, String)> {
        self.json()
            .iter()
            .map(|f| (f[a].as_str().unwrap().to_string(), f[b].as_str().unwrap().to_string()))
            .collect()
    }

    /// (path, line, rule_id) of every JSON finding.
    pub fn locations(&self) -> Vec<(String, u64, String)> {
        self.json()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["rule_id"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

pub fn leaktrap() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leaktrap"));
    command
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    command.env("NO_COLOR", "1");
    command
}

/// Runs leaktrap in `dir` with `args`, feeding `stdin`.
pub fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = leaktrap()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin).ok();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, args, b"")
}

/// The repository's own directory (for fixtures).
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a fixture directory into a fresh temp dir (outside this repository, so its own
/// `.leaktrap.yaml`, which allowlists fixtures, does not apply).
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&project_dir().join("fixtures").join(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// Runs git in `dir` with a fixed identity and no user config; panics on failure.
/// Runs `leaktrap ARGS --shard k/N --format json -o FILE` in `dir` for every k, checks each
/// exits 0 or 1, and returns the report files in order.
pub fn shard_reports(dir: &Path, args: &[&str], count: u64) -> Vec<String> {
    (1..=count)
        .map(|k| {
            let file = dir
                .join(format!("shard{k}of{count}.json"))
                .to_str()
                .unwrap()
                .to_string();
            let shard = format!("{k}/{count}");
            let mut all = args.to_vec();
            all.extend(["--shard", &shard, "--format", "json", "-o", &file]);
            let out = run(dir, &all);
            assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
            file
        })
        .collect()
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    command
}

/// `git push` with `args` from `work`; returns whether it succeeded, and what it printed (a
/// hook's report reaches git's standard output or, from a server, its standard error).
pub fn push(work: &Path, args: &[&str]) -> (bool, String) {
    let out = git_command(work)
        .arg("push")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("git runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), printed)
}

/// Whether the repository at `git_dir` has `refs/heads/<branch>`.
pub fn remote_has(git_dir: &Path, branch: &str) -> bool {
    git_command(git_dir)
        .args(["rev-parse", "--verify", "-q", &format!("refs/heads/{branch}")])
        .output()
        .unwrap()
        .status
        .success()
}

/// A new repository with `main` as its initial branch.
pub fn git_init(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
}

/// Stages everything and commits it; returns the new commit's id.
pub fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

/// Fresh tokens of valid formats, generated at test time (never a real credential).
pub mod tokens {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// A deterministic pseudo-random string over base62 (xorshift), different per seed.
    pub fn base62(seed: u64, len: usize) -> String {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                BASE62[(state % 62) as usize] as char
            })
            .collect()
    }

    /// A `ghp_` token with a valid CRC32 checksum.
    pub fn github_pat(seed: u64) -> String {
        let random = base62(seed, 30);
        let checksum = leaktrap::scan::checks::base62_6(crc32fast::hash(random.as_bytes()));
        format!("ghp_{random}{}", String::from_utf8(checksum.to_vec()).unwrap())
    }

    /// An RSA private key block whose body is `lines` lines of random base62 (not a real key).
    pub fn rsa_private_key(seed: u64, lines: u64) -> String {
        let body: Vec<String> = (0..lines).map(|i| base62(seed * 100 + i, 64)).collect();
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            body.join("\n")
        )
    }

    pub fn stripe_live(seed: u64) -> String {
        format!("sk_live_{}", base62(seed, 24))
    }

    pub fn aws_key_id(seed: u64) -> String {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let body: String = base62(seed, 16)
            .bytes()
            .map(|b| alphabet[(b as usize) % 32] as char)
            .collect();
        format!("AKIA{body}")
    }
}
