//! Report formats for CI dashboards, from real scans: SARIF validated against the SARIF 2.1.0
//! schema, JUnit and CSV read back by standard parsers.

use crate::common::{commit_all, git_init, run, tokens, write};

/// A repository whose history holds a one-line token and a multi-line private key.
fn repo_with_secrets() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git_init(dir.path());
    write(
        dir.path(),
        "app/settings.py",
        format!("TOKEN = \"{}\"\n", tokens::github_pat(80)),
    );
    write(dir.path(), "deploy/key.pem", tokens::rsa_private_key(9, 10));
    write(dir.path(), ".env", "DEBUG=1\n");
    commit_all(dir.path(), "add settings, key & <env>");
    dir
}

fn sarif_of_history(dir: &std::path::Path) -> serde_json::Value {
    let out = run(dir, &["scan", "--history", "--format", "sarif"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("SARIF is JSON")
}

#[test]
fn sarif_validates_against_the_schema() {
    let dir = repo_with_secrets();
    let sarif = sarif_of_history(dir.path());
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(crate::common::project_dir().join("fixtures/sarif-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors:\n{}", errors.join("\n"));
}

#[test]
fn sarif_carries_rules_fingerprints_regions_and_commits() {
    let dir = repo_with_secrets();
    let sarif = sarif_of_history(dir.path());
    let run0 = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&"github-pat") && ids.contains(&"private-key-rsa"),
        "{ids:?}"
    );
    for rule in rules {
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
    let results = run0["results"].as_array().unwrap();
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], id);
        assert_eq!(result["partialFingerprints"]["leaktrap/v1"].as_str().unwrap().len(), 32);
        assert!(result["properties"]["commit"].as_str().unwrap().len() == 40);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        if region.get("startColumn").is_some() {
            let (start_line, end_line) = (region["startLine"].as_u64(), region["endLine"].as_u64());
            if start_line == end_line {
                assert!(
                    region["endColumn"].as_u64() > region["startColumn"].as_u64(),
                    "{region}"
                );
            }
        }
        assert!(
            !result["message"]["text"]
                .as_str()
                .unwrap()
                .contains(&tokens::github_pat(80))
        );
    }
    let key = results.iter().find(|r| r["ruleId"] == "private-key-rsa").unwrap();
    let region = &key["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["endLine"], 12, "a multi-line finding needs endLine");
}

#[test]
fn junit_is_well_formed_xml_with_one_case_per_finding() {
    let dir = repo_with_secrets();
    let json = run(dir.path(), &["scan", "--format", "json"]).json().len();
    let out = run(dir.path(), &["scan", "--format", "junit"]);
    assert_eq!(out.code, 1);
    let mut reader = quick_xml::Reader::from_str(&out.stdout);
    let mut testcases = 0;
    let mut failures = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "testcase" => testcases += 1,
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "failure" => failures += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((testcases, failures), (json, json));
}

#[test]
fn csv_reads_back_with_a_header_and_one_row_per_finding() {
    let dir = repo_with_secrets();
    let findings = run(dir.path(), &["scan", "--format", "json"]).json();
    let out = run(dir.path(), &["scan", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "rule_id");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("valid CSV")).collect();
    assert_eq!(rows.len(), findings.len());
    for (row, finding) in rows.iter().zip(&findings) {
        assert_eq!(&row[0], finding["rule_id"].as_str().unwrap());
        assert_eq!(&row[3], finding["path"].as_str().unwrap());
        assert_eq!(&row[8], finding["secret"].as_str().unwrap(), "redacted like JSON");
    }
}

#[test]
fn gitleaks_config_is_imported_with_notes_for_what_does_not_translate() {
    let dir = tempfile::tempdir().unwrap();
    let toml = crate::common::project_dir().join("fixtures/gitleaks/gitleaks.toml");
    let out = run(dir.path(), &["config", "import-gitleaks", toml.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // gitleaks' generic-api-key maps to leaktrap's generic rules; github-pat is the same id.
    assert!(
        out.stdout.contains("- generic-secret-assignment") && out.stdout.contains("- github-pat"),
        "{}",
        out.stdout
    );
    for expected in [
        "\"acme-keystore-file\": a rule with only `path`",
        "\"acme-backref\": its regex is not valid Rust regex syntax",
        "\"acme_legacy_key\": no keywords; derived",
        "tags [\"internal\"] are not kept",
    ] {
        assert!(
            out.stderr.contains(expected),
            "missing note {expected:?} in:\n{}",
            out.stderr
        );
    }
    write(dir.path(), ".leaktrap.yaml", &out.stdout);
    let check = run(dir.path(), &["config", "check"]);
    assert_eq!(
        check.code, 0,
        "the imported config is valid: {}\n{}",
        check.stderr, out.stdout
    );
    write(
        dir.path(),
        "svc.env",
        "TOKEN=acme_tok_4f9a1c7e2b8d0f3a6c5e9b1d7a2f4c8e\nOLD=ACMELEG-7Q2W9E4R1T6Y3U8I5O0P\n",
    );
    write(
        dir.path(),
        "vendor/lib.env",
        "TOKEN=acme_tok_4f9a1c7e2b8d0f3a6c5e9b1d7a2f4c8e\n",
    );
    write(
        dir.path(),
        "zero.env",
        "TOKEN=acme_tok_00000000000000000000000000000000\n",
    );
    let scan = run(dir.path(), &["scan", "--format", "json"]);
    let mut found = scan.locations();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("svc.env".to_string(), 1, "acme-internal-token".to_string()),
            ("svc.env".to_string(), 2, "acme-legacy-key".to_string()),
        ],
        "{}",
        scan.stderr
    );
    let config = std::fs::read_to_string(dir.path().join(".leaktrap.yaml")).unwrap();
    assert!(config.contains("extend_default: true"));
    assert!(
        config.contains("- github-pat"),
        "disabled rules with a leaktrap equivalent are kept"
    );
}

/// The text report reads file by file: one file's findings together, in line order, the file
/// with the most severe finding first, then the counts and what to do next.
#[test]
fn text_groups_findings_by_file_and_ends_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a_first_by_name.py",
        format!("AWS_ACCESS_KEY_ID = \"{}\"\n", tokens::aws_key_id(61)),
    );
    write(
        dir.path(),
        "z_last_by_name.py",
        format!(
            "db_password = \"Vq8#nR2!xLp4@wT9\"\n\n\n\nGITHUB_TOKEN = \"{}\"\n",
            tokens::github_pat(62)
        ),
    );
    let json = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let rank = |s: &str| {
        ["low", "medium", "high", "critical"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    let found = json.json();
    assert!(found.len() >= 3, "{}", json.stdout);
    let worst = |path: &str| {
        found
            .iter()
            .filter(|f| f["path"] == path)
            .map(|f| rank(f["severity"].as_str().unwrap()))
            .max()
            .unwrap()
    };
    let mut expected: Vec<(usize, String, u64)> = found
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap().to_string();
            (usize::MAX - worst(&path), path, f["line"].as_u64().unwrap())
        })
        .collect();
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|(_, p, l)| format!("{p}:{l}:")).collect();
    let text = run(dir.path(), &["scan", "--color", "never"]);
    let shown: Vec<String> = text
        .stdout
        .lines()
        .filter(|l| l.ends_with(".py") || l.contains(".py:"))
        .filter(|l| !l.starts_with(' '))
        .map(|l| {
            let mut parts = l.splitn(3, ':');
            format!("{}:{}:", parts.next().unwrap(), parts.next().unwrap())
        })
        .collect();
    assert_eq!(shown, expected, "{}", text.stdout);
    assert!(
        text.stdout.contains(&format!("{} findings in 2 files", found.len())),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Next: rotate each secret first"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("leaktrap rules show "), "{}", text.stdout);
}
