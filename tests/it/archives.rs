//! Archives built with the real tools (zip, jar, tar, gzip, bzip2, xz, zstd) and with crafted
//! hostile bytes: every entry is scanned like a file and named `archive!entry`, in the work
//! tree, the index, history and stdin, and a bomb costs bounded time and memory.

use std::path::Path;
use std::process::Command;

use crate::common::{commit_all, git, git_init, run, run_in, tokens, write};

/// Runs a tool in `dir`, failing the test with its output (and how to get it) if it fails.
fn tool(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed by this test ({e}): apt-get install zip unzip xz-utils zstd bzip2 default-jdk-headless"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// (path, line, column) of each finding of a JSON scan, sorted.
fn locations(dir: &Path, args: &[&str]) -> Vec<(String, u64, u64)> {
    let mut all = vec!["scan", "--format", "json"];
    all.extend(args);
    let out = run(dir, &all);
    assert!(out.code == 1 || out.code == 0, "{}", out.stderr);
    let mut found: Vec<(String, u64, u64)> = out
        .json()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    found.sort();
    found
}

/// A staging folder with `config/settings.py` (a token on line 2, column 10) to pack.
fn payload(dir: &Path, seed: u64) {
    write(
        dir,
        "config/settings.py",
        format!("DEBUG = False\nTOKEN = \"{}\"\n", tokens::github_pat(seed)),
    );
}

#[test]
fn every_archive_format_is_opened_and_its_entries_located() {
    let out = tempfile::tempdir().unwrap();
    let stage = tempfile::tempdir().unwrap();
    payload(stage.path(), 1);
    let s = stage.path();
    let o = |name: &str| out.path().join(name).to_string_lossy().into_owned();
    tool(s, "zip", &["-qr", &o("bundle.zip"), "config"]);
    tool(s, "jar", &["cf", &o("app.jar"), "config"]);
    tool(s, "tar", &["cf", &o("plain.tar"), "config"]);
    tool(s, "tar", &["czf", &o("backup.tar.gz"), "config"]);
    tool(s, "tar", &["czf", &o("backup.tgz"), "config"]);
    tool(s, "tar", &["cjf", &o("backup.tar.bz2"), "config"]);
    tool(s, "tar", &["cJf", &o("backup.tar.xz"), "config"]);
    tool(s, "tar", &["--zstd", "-cf", &o("backup.tar.zst"), "config"]);
    // Single compressed files, each holding the settings file.
    for (program, ext) in [("gzip", "gz"), ("bzip2", "bz2"), ("xz", "xz"), ("zstd", "zst")] {
        std::fs::copy(s.join("config/settings.py"), out.path().join("settings.py")).unwrap();
        let args: Vec<&str> = if program == "zstd" {
            vec!["-q", "--rm", "settings.py"]
        } else {
            vec!["settings.py"]
        };
        tool(out.path(), program, &args);
        std::fs::rename(
            out.path().join(format!("settings.py.{ext}")),
            out.path().join(format!("single.py.{ext}")),
        )
        .unwrap();
    }
    // Known by content, not by name: a zip called .docx and one called .dat.
    std::fs::copy(out.path().join("bundle.zip"), out.path().join("report.docx")).unwrap();
    std::fs::copy(out.path().join("bundle.zip"), out.path().join("blob.dat")).unwrap();
    let found = locations(out.path(), &[]);
    let entry = "config/settings.py";
    let mut expected: Vec<(String, u64, u64)> = [
        "app.jar",
        "backup.tar.bz2",
        "backup.tar.gz",
        "backup.tar.xz",
        "backup.tar.zst",
        "backup.tgz",
        "blob.dat",
        "bundle.zip",
        "plain.tar",
        "report.docx",
    ]
    .iter()
    .map(|a| (format!("{a}!{entry}"), 2, 10))
    .chain(
        ["bz2", "gz", "xz", "zst"]
            .iter()
            .map(|ext| (format!("single.py.{ext}!single.py"), 2, 10)),
    )
    .collect();
    expected.sort();
    assert_eq!(found, expected);
    // --archive-depth 0 keeps the old behaviour: archives are binary files, deflated entries
    // unreadable.
    let shallow = locations(out.path(), &["--archive-depth", "0"]);
    assert!(shallow.iter().all(|(path, _, _)| !path.contains('!')), "{shallow:?}");
    assert!(shallow.len() < found.len(), "{shallow:?}");
}

#[test]
fn nested_archives_open_to_the_depth_and_name_every_level() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "keys/token.txt", format!("t = {}\n", tokens::github_pat(2)));
    tool(d, "tar", &["czf", "b.tar.gz", "keys"]);
    std::fs::create_dir(d.join("inner")).unwrap();
    std::fs::rename(d.join("b.tar.gz"), d.join("inner/b.tar.gz")).unwrap();
    tool(d, "zip", &["-qr", "a.zip", "inner"]);
    for leftover in ["keys", "inner"] {
        std::fs::remove_dir_all(d.join(leftover)).unwrap();
    }
    assert_eq!(
        locations(d, &[]),
        [("a.zip!inner/b.tar.gz!keys/token.txt".to_string(), 1, 5)]
    );
    // One level: the inner archive is searched as a binary file, and the summary says so.
    let out = run(d, &["scan", "--archive-depth", "1", "-v"]);
    assert!(out.stderr.contains("1 archive opened (1 entry)"), "{}", out.stderr);
    assert!(out.stderr.contains("1 archive part cut short"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("a.zip!inner/b.tar.gz: cut short: an archive nested deeper than --archive-depth 1"),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 0, "a gzip's printable runs hold no token: {}", out.stdout);
}

#[test]
fn path_rules_allowlists_and_baselines_see_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "pkg/.env", "EMPTY=\n");
    write(
        d,
        "pkg/fixtures/settings.py",
        format!("t = '{}'\n", tokens::github_pat(3)),
    );
    write(d, "pkg/live.py", format!("t = '{}'\n", tokens::github_pat(4)));
    tool(&d.join("pkg"), "zip", &["-qr", "../dist.zip", "."]);
    std::fs::remove_dir_all(d.join("pkg")).unwrap();
    let out = run(d, &["scan", "--format", "json"]);
    let rules: Vec<(String, String)> = out
        .json()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        rules.contains(&("dist.zip!.env".to_string(), "dotenv-file".to_string())),
        "{rules:?}"
    );
    assert!(
        rules.iter().any(|(p, _)| p == "dist.zip!fixtures/settings.py"),
        "{rules:?}"
    );
    assert!(rules.iter().any(|(p, _)| p == "dist.zip!live.py"), "{rules:?}");
    // A glob matches the entry's own path, or the archive's.
    write(d, ".leaktrap.yaml", "allowlist:\n  paths: ['fixtures/**', '**/.env']\n");
    let kept: Vec<String> = run(d, &["scan", "--format", "json"])
        .json()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kept, ["dist.zip!live.py"]);
    write(d, ".leaktrap.yaml", "allowlist:\n  paths: ['dist.zip']\n");
    assert_eq!(run(d, &["scan"]).code, 0);
    std::fs::remove_file(d.join(".leaktrap.yaml")).unwrap();
    // A baseline holds entries by their archive path.
    let made = run(d, &["baseline", "dist.zip", "-o", "base.json"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let out = run(d, &["scan", "dist.zip", "--baseline", "base.json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn a_staged_archive_blocks_only_the_secret_it_adds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_init(d);
    write(d, "stage/old.py", format!("t = '{}'\n", tokens::github_pat(5)));
    tool(&d.join("stage"), "zip", &["-q", "../release.zip", "old.py"]);
    git(d, &["add", "release.zip"]);
    let out = run(d, &["scan", "--staged", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.locations()[0].0, "release.zip!old.py");
    git(d, &["commit", "-qm", "release"]);
    // Adding a clean entry to an archive that already held a secret adds no secret.
    write(d, "stage/readme.txt", "nothing here\n");
    tool(&d.join("stage"), "zip", &["-q", "../release.zip", "readme.txt"]);
    git(d, &["add", "release.zip"]);
    let out = run(d, &["scan", "--staged", "-v"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("already in HEAD"), "{}", out.stderr);
    // A new secret in another entry is blocked.
    write(d, "stage/new.py", format!("t = '{}'\n", tokens::github_pat(6)));
    tool(&d.join("stage"), "zip", &["-q", "../release.zip", "new.py"]);
    git(d, &["add", "release.zip"]);
    let out = run(d, &["scan", "--staged", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let paths: Vec<String> = out.locations().into_iter().map(|l| l.0).collect();
    assert_eq!(paths, ["release.zip!new.py"]);
}

#[test]
fn history_ties_an_archive_finding_to_the_commit_that_added_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git_init(d);
    write(d, "README", "hello\n");
    commit_all(d, "first");
    write(d, "stage/ci.log", format!("export GH={}\n", tokens::github_pat(7)));
    tool(&d.join("stage"), "gzip", &["ci.log"]);
    std::fs::create_dir(d.join("logs")).unwrap();
    std::fs::rename(d.join("stage/ci.log.gz"), d.join("logs/ci.log.gz")).unwrap();
    std::fs::remove_dir_all(d.join("stage")).unwrap();
    let added = commit_all(d, "add the log");
    write(d, "README", "hello again\n");
    commit_all(d, "unrelated");
    let out = run(d, &["scan", "--history", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], "logs/ci.log.gz!ci.log");
    assert_eq!(findings[0]["commit"], added.as_str());
    assert_eq!(
        (findings[0]["line"].as_u64(), findings[0]["column"].as_u64()),
        (Some(1), Some(11))
    );
    assert_eq!(findings[0]["present_at_tip"], true);
    git(d, &["rm", "-q", "logs/ci.log.gz"]);
    commit_all(d, "remove the log");
    let findings = run(d, &["scan", "--history", "--format", "json"]).json();
    assert_eq!(findings[0]["present_at_tip"], false);
}

#[test]
fn an_archive_on_stdin_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    payload(dir.path(), 8);
    tool(dir.path(), "tar", &["czf", "x.tgz", "config"]);
    let bytes = std::fs::read(dir.path().join("x.tgz")).unwrap();
    let out = run_in(dir.path(), &["scan", "--stdin", "--format", "json"], &bytes);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.locations()[0].0, "-!config/settings.py");
}

/// A stored zip written by hand: one local entry and `records` central-directory records all
/// pointing at it (overlapping entries, named `name`, then `1-name`, `2-name`, ...), with the
/// sizes each record claims.
fn crafted_zip(name: &str, content: &[u8], records: usize, claimed_size: u32) -> Vec<u8> {
    let crc = crc32fast::hash(content);
    let mut out = Vec::new();
    let local = |out: &mut Vec<u8>| {
        out.extend(b"PK\x03\x04");
        out.extend(20u16.to_le_bytes()); // version needed
        out.extend(0u16.to_le_bytes()); // flags
        out.extend(0u16.to_le_bytes()); // stored
        out.extend([0u8; 4]); // time, date
        out.extend(crc.to_le_bytes());
        out.extend((content.len() as u32).to_le_bytes());
        out.extend((content.len() as u32).to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name.as_bytes());
    };
    local(&mut out);
    out.extend(content);
    let directory_at = out.len() as u32;
    for record in 0..records {
        let listed = if record == 0 {
            name.to_string()
        } else {
            format!("{record}-{name}")
        };
        out.extend(b"PK\x01\x02");
        out.extend(20u16.to_le_bytes());
        out.extend(20u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend([0u8; 4]);
        out.extend(crc.to_le_bytes());
        out.extend(claimed_size.to_le_bytes());
        out.extend(claimed_size.to_le_bytes());
        out.extend((listed.len() as u16).to_le_bytes());
        out.extend([0u8; 12]); // extra, comment, disk, internal, external attributes
        out.extend(0u32.to_le_bytes()); // local header at 0
        out.extend(listed.as_bytes());
    }
    let directory_len = out.len() as u32 - directory_at;
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend((records as u16).to_le_bytes());
    out.extend((records as u16).to_le_bytes());
    out.extend(directory_len.to_le_bytes());
    out.extend(directory_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

#[test]
fn bombs_traversal_names_and_absurd_headers_cost_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 1 GiB of zeros in about a megabyte.
    write(d, "zeros", "");
    let status = Command::new("sh")
        .args(["-c", "head -c 1073741824 /dev/zero | gzip -1 > zeros.gz && rm zeros"])
        .current_dir(d)
        .status()
        .unwrap();
    assert!(status.success());
    // Eight levels of zips, each holding the one before; a token at the bottom.
    write(d, "level0.txt", format!("t = {}\n", tokens::github_pat(9)));
    let mut previous = "level0.txt".to_string();
    for level in 1..=8 {
        let name = format!("level{level}.zip");
        tool(d, "zip", &["-q", &name, &previous]);
        std::fs::remove_file(d.join(&previous)).unwrap();
        previous = name;
    }
    // A name that climbs out of the archive, and 5,000 overlapping entries.
    let token = tokens::github_pat(10);
    let line = format!("t = {token}\n");
    let traversal = crafted_zip("../../etc/passwd", line.as_bytes(), 1, line.len() as u32);
    write(d, "traversal.zip", &traversal);
    let mut overlapping = crafted_zip("zeros.txt", &vec![b'z'; 4096], 5000, 4096);
    write(d, "overlap.zip", &overlapping);
    // Sizes beyond the data, and a truncated central directory.
    let absurd = crafted_zip("big.txt", b"abc", 3, u32::MAX);
    write(d, "absurd.zip", &absurd);
    overlapping.truncate(overlapping.len() - 30);
    write(d, "truncated.zip", &overlapping);
    let out = run(d, &["scan", "--format", "json", "-v"]);
    assert_eq!(out.code, 1, "cut short is not an error: {}", out.stderr);
    let mut paths: Vec<String> = out.locations().into_iter().map(|l| l.0).collect();
    paths.sort();
    // The token eight levels down: the fourth level is past the depth, so its bytes are searched
    // as a binary file's, and the stored zips below it show the token in plain.
    assert_eq!(
        paths,
        [
            "level8.zip!level7.zip!level6.zip!level5.zip",
            "traversal.zip!../../etc/passwd"
        ]
    );
    assert!(
        out.stderr
            .contains("zeros.gz!zeros: cut short: only its first 67108864 bytes"),
        "{}",
        out.stderr
    );
    // 8 archives: three of the zip levels (3 entries), zeros.gz (1), traversal (1), absurd (3)
    // overlap (every one of its 5,000 overlapping records, read within the same bounds) and
    // the truncated one, which lists nothing.
    assert!(
        out.stderr.contains("8 archives opened (5008 entries)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("level8.zip!level7.zip!level6.zip!level5.zip: cut short: an archive nested deeper"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("absurd.zip"), "{}", out.stderr);
    assert!(
        out.stderr.contains("truncated.zip: cut short: damaged"),
        "{}",
        out.stderr
    );
    let peak = out
        .stderr
        .lines()
        .find_map(|l| l.split("peak memory ").nth(1))
        .and_then(|rest| rest.split('(').nth(1)?.split(' ').next()?.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no peak memory in: {}", out.stderr));
    assert!(peak < 400 << 20, "peak {peak} bytes");
    // The token deepest down is found once the depth allows it.
    let deep = locations(d, &["--archive-depth", "8"]);
    assert!(
        deep.iter().any(|(p, _, _)| p.ends_with("level1.zip!level0.txt")),
        "{deep:?}"
    );
    // Nothing was extracted.
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "absurd.zip",
            "level8.zip",
            "overlap.zip",
            "traversal.zip",
            "truncated.zip",
            "zeros.gz"
        ]
    );
}
