//! The work-tree and stdin scans, run through the real binary: exit codes, JSON fields,
//! redaction, dedup, ignore rules and bad input.

use crate::common::{commit_all, fixture_copy, git_init, run, run_in, tokens, write};

/// Every secret planted in `fixtures/realistic`, and nothing else (the decoys beside them: AWS
/// documentation keys, `${VAR}`s, environment lookups, placeholders, Terraform references, hashes,
/// UUIDs, lock-file integrity, go.sum, SRI, a public key, a documentation key block and a `ghp_`
/// token with a wrong checksum).
const REALISTIC_EXPECTED: &[(&str, u64, &str)] = &[
    (".env", 2, "stripe-live-secret-key"),
    (".env", 3, "generic-secret-unquoted"),
    ("Dockerfile", 3, "aws-access-key-id"),
    ("Dockerfile", 4, "aws-secret-access-key"),
    ("app/auth.js", 2, "jwt"),
    ("app/notify.sh", 2, "slack-webhook-url"),
    ("app/settings.py", 10, "github-pat"),
    ("app/tokens.py", 2, "generic-secret-assignment"),
    ("config/credentials", 2, "aws-access-key-id"),
    ("config/credentials", 3, "aws-secret-access-key"),
    ("config/database.yml", 2, "database-url-password"),
    ("deploy/server.pem", 1, "private-key-rsa"),
    ("legacy/app.properties", 2, "gitlab-pat"),
    ("legacy/windows.ini", 2, "slack-bot-token"),
    ("web/app.min.js", 1, "google-api-key"),
];

fn expected_realistic() -> Vec<(String, u64, String)> {
    let mut expected: Vec<(String, u64, String)> = REALISTIC_EXPECTED
        .iter()
        .map(|(p, l, r)| (p.to_string(), *l, r.to_string()))
        .collect();
    expected.sort();
    expected
}

#[test]
fn realistic_tree_finds_every_secret_and_no_decoy() {
    let dir = fixture_copy("realistic");
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let mut found = out.locations();
    found.sort();
    assert_eq!(found, expected_realistic());
    for finding in out.json() {
        // `.env` is also named by a path rule: its findings carry it, not a finding of its own.
        if finding["path"] == ".env" {
            assert_eq!(finding["also_rules"], serde_json::json!(["dotenv-file"]));
        }
        assert_eq!(finding["source"], "worktree");
        assert!(finding["decoded"].is_null());
        assert!(
            finding.get("commit").is_none(),
            "commit fields are for history findings only"
        );
        assert_eq!(finding["fingerprint"].as_str().unwrap().len(), 32);
    }
}

#[test]
fn columns_count_code_points_in_crlf_latin1_and_minified_files() {
    let dir = fixture_copy("realistic");
    let out = run(dir.path(), &["scan", "--format", "json"]);
    let by_path = |p: &str| out.json().into_iter().find(|f| f["path"] == p).unwrap();
    let ini = by_path("legacy/windows.ini");
    assert_eq!((ini["line"].as_u64(), ini["column"].as_u64()), (Some(2), Some(13)));
    assert!(!ini["line_text"].as_str().unwrap().ends_with('\r'));
    let props = by_path("legacy/app.properties");
    assert_eq!(props["column"].as_u64(), Some(14));
    let minified = by_path("web/app.min.js");
    let line_text = minified["line_text"].as_str().unwrap();
    assert!(line_text.chars().count() <= 202, "line_text is cut around the match");
    assert!(line_text.contains("AIza"));
    let key = by_path("deploy/server.pem");
    assert_eq!(key["line"].as_u64(), Some(1));
    assert!(
        key["end_line"].as_u64().unwrap() > 10,
        "a private key spans BEGIN to END"
    );
}

#[test]
fn secrets_are_redacted_everywhere_unless_asked_for() {
    let dir = fixture_copy("realistic");
    let shown = run(dir.path(), &["scan", "--format", "json", "--show-secrets"]);
    let secrets: Vec<String> = shown
        .json()
        .iter()
        .map(|f| f["secret"].as_str().unwrap().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    assert!(secrets.iter().any(|s| s.starts_with("ghp_") && s.len() == 40));
    for format in ["text", "json", "jsonl"] {
        let out = run(dir.path(), &["scan", "--format", format, "--verbose"]);
        assert_eq!(out.code, 1);
        for secret in &secrets {
            // A private key's first line is only its BEGIN marker: compare the key material.
            let material: String = secret.lines().nth(1).unwrap_or(secret).to_string();
            assert!(!out.stdout.contains(&material), "{format} output leaks {material}");
            assert!(!out.stderr.contains(&material), "{format} stderr leaks {material}");
        }
    }
    for finding in run(dir.path(), &["scan", "--format", "json"]).json() {
        let secret = finding["secret"].as_str().unwrap();
        // A private key keeps its armour line, which names the key type, and nothing else.
        let body = match secret.strip_prefix("-----BEGIN ") {
            Some(rest) => {
                let armour_end = rest.find("-----").expect("an armour line") + 5;
                assert!(rest[..armour_end].ends_with("PRIVATE KEY-----"), "{secret}");
                &rest[armour_end..]
            }
            None => secret,
        };
        let visible = body.chars().take_while(|&c| c != '*').count();
        assert!(visible <= 4, "{secret} shows more than 4 characters");
    }
}

#[test]
fn exit_codes_follow_the_contract() {
    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path(), &["scan"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("scanned 0 files"), "{}", out.stderr);

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", format!("TOKEN = \"{}\"\n", tokens::github_pat(1)));
    assert_eq!(run(dir.path(), &["scan", "-q"]).code, 1);
    assert_eq!(run(dir.path(), &["scan", "-q", "--exit-code", "7"]).code, 7);
    let missing = run(dir.path(), &["scan", "no/such/dir"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no/such/dir: no such file or directory"),
        "{}",
        missing.stderr
    );
    let usage = run(dir.path(), &["scan", "--format", "yaml"]);
    assert_eq!(usage.code, 2);
    let outdir = run(dir.path(), &["scan", "-o", "."]);
    assert_eq!(outdir.code, 2);
    assert!(outdir.stderr.contains("is a directory"), "{}", outdir.stderr);
}

#[test]
fn stdin_is_scanned_as_one_blob() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("first line\nkey = {}\n", tokens::stripe_live(3));
    let out = run_in(dir.path(), &["scan", "--stdin", "--format", "json"], input.as_bytes());
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], "-");
    assert_eq!(findings[0]["source"], "stdin");
    assert_eq!(findings[0]["line"], 2);
    assert_eq!(
        run_in(dir.path(), &["scan", "--stdin", "-q"], b"nothing here\n").code,
        0
    );
}

#[test]
fn one_finding_per_secret_provider_rule_wins() {
    let dir = tempfile::tempdir().unwrap();
    // The generic assignment rule also matches this line; only the provider rule reports it.
    write(
        dir.path(),
        "config.py",
        format!("api_token = \"{}\"\n", tokens::github_pat(5)),
    );
    let out = run(dir.path(), &["scan", "--format", "json"]);
    let found = out.locations();
    assert_eq!(found, vec![("config.py".to_string(), 1, "github-pat".to_string())]);
}

#[test]
fn two_secrets_on_one_line_are_both_found_and_both_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (tokens::github_pat(8), tokens::github_pat(9));
    write(dir.path(), "tokens.txt", format!("{a},{b}\n"));
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.json().len(), 2, "{}", out.stdout);
    assert!(!out.stdout.contains(&a[8..]) && !out.stdout.contains(&b[8..]));
    let columns: Vec<u64> = out.json().iter().map(|f| f["column"].as_u64().unwrap()).collect();
    assert_eq!(columns, vec![1, 42]);
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = fixture_copy("realistic");
    let one = run(dir.path(), &["scan", "--format", "json", "--threads", "1"]);
    let eight = run(dir.path(), &["scan", "--format", "json", "--threads", "8"]);
    assert_eq!(one.stdout, eight.stdout);
}

#[test]
fn prefilter_off_gives_the_same_findings() {
    let dir = fixture_copy("realistic");
    let on = run(dir.path(), &["scan", "--format", "json"]);
    let off = run(dir.path(), &["scan", "--format", "json", "--no-prefilter"]);
    assert_eq!(on.stdout, off.stdout);
}

#[test]
fn gitignored_files_and_git_dir_are_skipped_hidden_files_are_not() {
    let dir = tempfile::tempdir().unwrap();
    git_init(dir.path());
    write(dir.path(), ".gitignore", "build/\n");
    write(dir.path(), "build/out.txt", format!("{}\n", tokens::github_pat(11)));
    write(dir.path(), ".npmrc", format!("token={}\n", tokens::github_pat(12)));
    write(dir.path(), ".git/info/exclude", "local.txt\n");
    write(dir.path(), "local.txt", format!("{}\n", tokens::github_pat(13)));
    write(dir.path(), ".git/config.bak", format!("{}\n", tokens::github_pat(14)));
    let out = run(dir.path(), &["scan", "--format", "json"]);
    let paths: Vec<String> = out.locations().into_iter().map(|l| l.0).collect();
    assert_eq!(paths, vec![".npmrc".to_string()]);
    let all = run(dir.path(), &["scan", "--format", "json", "--no-ignore"]);
    let mut paths: Vec<String> = all.locations().into_iter().map(|l| l.0).collect();
    paths.sort();
    assert_eq!(paths, vec![".npmrc", "build/out.txt", "local.txt"]);
}

#[test]
fn paths_are_shown_from_the_current_directory_and_matched_from_the_top_level() {
    let dir = tempfile::tempdir().unwrap();
    git_init(dir.path());
    write(
        dir.path(),
        "src/deep/conf.py",
        format!("T = \"{}\"\n", tokens::github_pat(15)),
    );
    let out = run(&dir.path().join("src"), &["scan", "deep", "--format", "json"]);
    assert_eq!(out.locations()[0].0, "deep/conf.py");
    // The config's allowlist is relative to the top level, wherever the scan starts.
    write(
        dir.path(),
        ".leaktrap.yaml",
        "version: 1\nallowlist:\n  paths: ['src/deep/**']\n",
    );
    let out = run(&dir.path().join("src"), &["scan", "deep", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn binary_files_are_searched_for_strings_and_oversized_ones_skipped_only_by_choice() {
    let dir = tempfile::tempdir().unwrap();
    let mut binary = b"\x00\x01\x02".to_vec();
    binary.extend_from_slice(tokens::github_pat(16).as_bytes());
    write(dir.path(), "blob.bin", binary);
    write(
        dir.path(),
        "big.txt",
        format!("{} {}\n", "x".repeat(2000), tokens::github_pat(17)),
    );
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let found: Vec<(String, Option<u64>)> = out
        .json()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["offset"].as_u64()))
        .collect();
    assert_eq!(
        found,
        [("big.txt".to_string(), None), ("blob.bin".to_string(), Some(3))]
    );
    let out = run(dir.path(), &["scan", "--max-file-size", "1000"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("blob.bin@3: github-pat"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("1 binary (printable strings searched), 1 NOT SCANNED (over --max-file-size)"),
        "{}",
        out.stderr
    );
}

#[test]
fn utf16_files_are_transcoded_and_lines_count_in_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("one\r\ntwo\r\nkey={}\r\n", tokens::github_pat(18));
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    write(dir.path(), "settings.reg", bytes);
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(
        out.locations(),
        vec![("settings.reg".to_string(), 3, "github-pat".to_string())]
    );
    assert_eq!(out.json()[0]["column"], 5);
}

#[test]
fn non_utf8_file_names_are_reported_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(dir.path().join(name), format!("{}\n", tokens::github_pat(19))).unwrap();
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.locations()[0].0, "caf\u{FFFD}.txt");
}

#[test]
fn inline_allow_comments_suppress_unless_disabled() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        format!(
            "A = \"{}\"  # leaktrap:allow\nB = \"{}\"  # gitleaks:allow\n",
            tokens::github_pat(20),
            tokens::github_pat(21)
        ),
    );
    let out = run(dir.path(), &["scan", "--verbose"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("suppressed by an inline 'leaktrap:allow' comment"),
        "{}",
        out.stderr
    );
    assert_eq!(run(dir.path(), &["scan", "-q", "--no-inline-allow"]).code, 1);
}

#[test]
fn report_file_is_written_with_private_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", format!("A = \"{}\"\n", tokens::github_pat(22)));
    let report = dir.path().join("out/report.json");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let out = run(
        dir.path(),
        &["scan", "a.py", "--format", "json", "-o", report.to_str().unwrap()],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(run(dir.path(), &["scan", "a.py", "-q", "-o", "/dev/null"]).code, 1);
}

#[test]
fn broken_configs_name_the_file_line_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".leaktrap.yaml", "version: 1\nallowlist:\n  pathz: [x]\n");
    let out = run(dir.path(), &["scan"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains(".leaktrap.yaml: line 3"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);

    write(dir.path(), ".leaktrap.yaml", "");
    let out = run(dir.path(), &["scan"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("the config is empty"), "{}", out.stderr);

    std::fs::create_dir(dir.path().join("conf.d")).unwrap();
    let out = run(dir.path(), &["scan", "--config", "conf.d"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
    let out = run(dir.path(), &["scan", "--config", "missing.yaml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("missing.yaml: cannot be read"), "{}", out.stderr);

    write(
        dir.path(),
        ".leaktrap.yaml",
        "rules:\n  - id: acme-key\n    name: Acme\n    severity: high\n    keywords: [acme_]\n    regex: 'acme_(?=x)'\n",
    );
    let out = run(dir.path(), &["scan"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("rules[0]: rule 'acme-key'"), "{}", out.stderr);
    assert!(out.stderr.contains("look-around"), "{}", out.stderr);
}

#[test]
fn user_rules_and_allowlists_from_the_config_apply() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".leaktrap.yaml",
        "version: 1\nrules:\n  - id: acme-key\n    name: Acme key\n    severity: high\n    keywords: [acme_]\n    regex: '(acme_[a-z0-9]{16})'\nallowlist:\n  paths: ['vendor/**']\n",
    );
    // A random-looking key: `acme_0123456789abcdef` would be dropped as a sequence placeholder.
    write(dir.path(), "app.txt", "k = acme_7q2m9x4k1v8c3b6n\n");
    write(dir.path(), "vendor/lib.txt", "k = acme_7q2m9x4k1v8c3b6n\n");
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(
        out.locations(),
        vec![("app.txt".to_string(), 1, "acme-key".to_string())]
    );
}

/// Long repetitions are compiled open-ended for speed; a run longer than the bound must still
/// give what the regex as written gives (here its first 300 characters), with and without the
/// prefilter's windows.
#[test]
fn a_run_longer_than_a_rules_bound_matches_as_the_regex_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".leaktrap.yaml",
        "version: 1\nrules:\n  - id: acme-key\n    name: Acme key\n    severity: high\n    keywords: [acme_]\n    regex: 'acme_([a-z]{150,300})'\n",
    );
    // Not one letter repeated, which the placeholder check drops.
    let run_of: String = "qwertyuiopasdfghjklzxcvbnm".chars().cycle().take(500).collect();
    write(dir.path(), "app.txt", format!("k = acme_{run_of}\n"));
    for extra in [&[][..], &["--no-prefilter"][..]] {
        let mut args = vec!["scan", "--format", "json", "--show-secrets"];
        args.extend_from_slice(extra);
        let out = run(dir.path(), &args);
        let findings = out.json();
        assert_eq!(findings.len(), 1, "{}", out.stdout);
        assert_eq!(findings[0]["secret"].as_str().unwrap(), &run_of[..300]);
    }
}

#[test]
fn text_report_shows_location_rule_and_redacted_line() {
    let dir = tempfile::tempdir().unwrap();
    let token = tokens::github_pat(23);
    write(dir.path(), "a.py", format!("x = 1\nTOKEN = \"{token}\"\n"));
    let out = run(dir.path(), &["scan"]);
    assert!(
        out.stdout.starts_with("a.py:2:10: github-pat [critical]"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("2 | TOKEN = \"ghp_****"), "{}", out.stdout);
    assert!(!out.stdout.contains(&token));
    assert!(!out.stdout.contains('\x1b'), "no colour when not a terminal");
    let colored = run(dir.path(), &["scan", "--color", "always"]);
    assert!(colored.stdout.contains('\x1b'));
}

#[test]
fn rules_list_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["rules", "list", "--format", "json"]);
    assert_eq!(out.code, 0);
    let list: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    assert!(list.iter().any(|r| r["id"] == "github-pat"));
    let show = run(dir.path(), &["rules", "show", "github-pat"]);
    assert!(show.stdout.contains("remediation:"), "{}", show.stdout);
    assert_eq!(run(dir.path(), &["rules", "show", "nope"]).code, 2);
}

#[test]
fn base64_encoded_secrets_are_found_at_the_encoded_text() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let token = tokens::github_pat(25);
    let password = "S3cr3tPassw0rd!23";
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    write(
        dir.path(),
        "secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  token: {}\n  password: {}\n",
            b64(&format!("ghtoken={token}")),
            b64(password)
        ),
    );
    let out = run(dir.path(), &["scan", "--format", "json", "--show-secrets"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let findings = out.json();
    let token_finding = findings
        .iter()
        .find(|f| f["rule_id"] == "github-pat")
        .expect("decoded token found");
    assert_eq!(token_finding["decoded"], "base64");
    assert_eq!(token_finding["line"], 4);
    assert_eq!(token_finding["column"], 10, "at the encoded text");
    assert_eq!(token_finding["secret"], token.as_str());
    assert!(
        findings.iter().any(|f| f["line"] == 5),
        "the password value is decoded in place: {}",
        out.stdout
    );
    let redacted = run(dir.path(), &["scan", "--format", "json"]);
    assert!(
        !redacted.stdout.contains(&token[4..]) && !redacted.stdout.contains(&b64(&format!("ghtoken={token}"))[8..])
    );
}

#[test]
fn every_allowlist_kind_suppresses_what_it_names() {
    let dir = tempfile::tempdir().unwrap();
    git_init(dir.path());
    let (kept, by_regex, by_stopword) = (tokens::github_pat(26), tokens::github_pat(27), tokens::github_pat(28));
    write(
        dir.path(),
        "app.py",
        format!("A = \"{kept}\"\nB = \"{by_regex}\"\nC = \"{by_stopword}\"\n"),
    );
    write(
        dir.path(),
        "testdata/fixture.py",
        format!("T = \"{}\"\n", tokens::github_pat(29)),
    );
    write(
        dir.path(),
        "docs/notes.lock",
        format!("T = \"{}\"\n", tokens::stripe_live(30)),
    );
    let commit = commit_all(dir.path(), "one");
    let config = format!(
        "version: 1\nallowlist:\n  paths: ['**/*.lock']\n  path_regexes: ['(^|/)testdata/']\n  regexes: ['^{}']\n  stopwords: ['{}']\n",
        &by_regex[..12],
        &by_stopword[10..20].to_ascii_lowercase()
    );
    write(dir.path(), ".leaktrap.yaml", &config);
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(
        out.locations(),
        vec![("app.py".to_string(), 1, "github-pat".to_string())],
        "{}",
        out.stderr
    );
    // Commits: every history finding of that commit is accepted.
    write(
        dir.path(),
        ".leaktrap.yaml",
        format!("{config}  commits: ['{}']\n", &commit[..10]),
    );
    let history = run(dir.path(), &["scan", "--history", "--format", "json"]);
    assert_eq!(history.code, 0, "{}{}", history.stdout, history.stderr);
    // Entries that match nothing are not errors.
    write(
        dir.path(),
        ".leaktrap.yaml",
        "allowlist:\n  paths: ['nothing/**']\n  stopwords: [zzzz]\n",
    );
    assert_eq!(run(dir.path(), &["scan", "-q"]).code, 1);
}

#[test]
fn config_check_and_init() {
    let dir = tempfile::tempdir().unwrap();
    git_init(dir.path());
    let init = run(dir.path(), &["config", "init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert!(dir.path().join(".leaktrap.yaml").exists());
    assert_eq!(run(dir.path(), &["config", "init"]).code, 2, "never overwrites");
    let check = run(dir.path(), &["config", "check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    write(
        dir.path(),
        "bad.yaml",
        "rules:\n  - id: x\n    name: y\n    severity: urgent\n",
    );
    let bad = run(dir.path(), &["config", "check", "bad.yaml"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("bad.yaml: line 4"), "{}", bad.stderr);
}

/// A reader that stops early (`leaktrap scan | head`) must not turn findings into a crash or an
/// error: the run ends quietly with the exit code it would have had.
#[test]
fn broken_pipe_ends_quietly_with_the_findings_exit_code() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..3000)
        .map(|i| format!("T{i} = \"{}\"", tokens::github_pat(10_000 + i)))
        .collect();
    write(dir.path(), "many.py", lines.join("\n"));
    let mut child = crate::common::leaktrap()
        .args(["scan", "."])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("error") && !stderr.contains("panicked"), "{stderr}");
}

/// A FIFO in the tree is never opened (opening one blocks until a writer appears).
#[test]
fn fifos_are_skipped_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    write(dir.path(), "a.py", format!("T = \"{}\"\n", tokens::github_pat(31)));
    let out = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.locations().len(), 1);
    assert!(out.stderr.contains("scanned 1 file"), "{}", out.stderr);
}
