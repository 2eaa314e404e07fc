//! The GitHub Action (`action.yml`): its scan step (`action/scan.sh`) run on real repositories
//! as the runner would for a pull request, a push and a new branch, and the metadata checked
//! against the steps and the sample workflow that uses it.

use std::path::Path;

use crate::common::{commit_all, git, git_init, leaktrap, project_dir, tokens, write};

/// Runs the action's scan step in `repo` with the event's variables; returns its exit code,
/// the report and what it wrote to `$GITHUB_OUTPUT`.
fn scan_step(repo: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let outputs = repo.join("github-output");
    std::fs::write(&outputs, "").unwrap();
    let out = std::process::Command::new("bash")
        .arg(project_dir().join("action/scan.sh"))
        .current_dir(repo)
        .env("LEAKTRAP", leaktrap().get_program())
        .env("GITHUB_OUTPUT", &outputs)
        .env("FORMAT", "json")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let report = std::fs::read_to_string(repo.join("leaktrap.json")).unwrap_or_default();
    std::fs::remove_file(repo.join("leaktrap.json")).ok();
    (
        out.status.code().unwrap_or(-1),
        report,
        std::fs::read_to_string(&outputs).unwrap(),
    )
}

#[test]
fn the_action_scans_the_pull_requests_or_the_pushs_commits() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git_init(repo);
    write(repo, "old.py", format!("T = \"{}\"\n", tokens::github_pat(51)));
    let base = commit_all(repo, "old secret");
    write(repo, "new.py", format!("T = \"{}\"\n", tokens::github_pat(52)));
    let head = commit_all(repo, "new secret");
    // The runner's checkout: the default branch as a remote-tracking ref at the base.
    git(repo, &["update-ref", "refs/remotes/origin/main", &base]);

    let (code, report, outputs) = scan_step(
        repo,
        &[("EVENT", "pull_request"), ("PR_BASE", &base), ("PR_HEAD", &head)],
    );
    assert_eq!(code, 1, "{report}");
    assert!(report.contains("new.py") && !report.contains("old.py"), "{report}");
    assert!(
        outputs.contains("report=leaktrap.json") && outputs.contains("exit-code=1"),
        "{outputs}"
    );

    // A push of one more clean commit scans only it.
    write(repo, "clean.py", "x = 1\n");
    let clean = commit_all(repo, "clean");
    let (code, report, _) = scan_step(repo, &[("EVENT", "push"), ("BEFORE", &head), ("SHA", &clean)]);
    assert_eq!(code, 0, "{report}");

    // A new branch (before is all zeros): what it adds to the default branch.
    let zeros = "0".repeat(40);
    let new_branch = [
        ("EVENT", "push"),
        ("BEFORE", zeros.as_str()),
        ("SHA", clean.as_str()),
        ("DEFAULT_BRANCH", "main"),
    ];
    let (code, report, _) = scan_step(repo, &new_branch);
    assert_eq!(code, 1, "{report}");
    assert!(report.contains("new.py") && !report.contains("old.py"), "{report}");

    // The work tree and every commit, on request; a mode that does not exist is an error.
    let (code, report, _) = scan_step(repo, &[("MODE", "history")]);
    assert_eq!(code, 1);
    assert!(report.contains("old.py") && report.contains("new.py"), "{report}");
    let (code, _, _) = scan_step(repo, &[("MODE", "everything")]);
    assert_eq!(code, 2);
}

#[test]
fn the_action_declares_every_input_its_steps_and_the_sample_workflow_use() {
    let read = |rel: &str| -> serde_yaml_ng::Value {
        serde_yaml_ng::from_str(&std::fs::read_to_string(project_dir().join(rel)).unwrap()).unwrap()
    };
    let action = read("action.yml");
    let inputs: Vec<String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    let text = std::fs::read_to_string(project_dir().join("action.yml")).unwrap();
    let used = regex::Regex::new(r"inputs\.([a-z-]+)").unwrap();
    for name in used.captures_iter(&text).map(|c| c[1].to_string()) {
        assert!(
            inputs.contains(&name),
            "action.yml uses inputs.{name}, which it does not declare"
        );
    }
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    // Every variable the scan step reads is set by the step.
    let script = std::fs::read_to_string(project_dir().join("action/scan.sh")).unwrap();
    let env = action["runs"]["steps"][1]["env"].as_mapping().unwrap();
    for var in [
        "MODE",
        "FORMAT",
        "OUTPUT",
        "CONFIG",
        "BASELINE",
        "ARGS",
        "EVENT",
        "PR_BASE",
        "PR_HEAD",
        "BEFORE",
        "SHA",
        "DEFAULT_BRANCH",
    ] {
        assert!(script.contains(var), "scan.sh does not read {var}");
        assert!(env.contains_key(var), "the scan step does not set {var}");
    }
    let workflow = read("docs/examples/secrets-workflow.yml");
    let step = &workflow["jobs"]["leaktrap"]["steps"][1];
    assert_eq!(step["uses"].as_str(), Some("./"));
    for key in step["with"].as_mapping().unwrap().keys() {
        let key = key.as_str().unwrap();
        assert!(
            inputs.iter().any(|i| i == key),
            "the sample workflow passes {key}, not an input"
        );
    }
}
