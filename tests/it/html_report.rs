//! `--format html` rendered by a real browser: a history scan of a real repository written as
//! HTML, loaded in headless Chromium (`chromium --headless --dump-dom`, which runs the page's
//! script under its Content-Security-Policy), and the DOM checked: one row per finding, every
//! finding's path, the script's filters shown (so the CSP let it run), and no secret.

use std::path::Path;
use std::process::Command;

use crate::common::{commit_all, git, git_command, git_init, run, shard_reports, tokens, write};

/// The page as the browser built it, after its script ran.
fn rendered_dom(page: &Path) -> String {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .unwrap_or_else(|| panic!("a Chromium is needed by this test: apt-get install chromium (.ci/run installs it)"));
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A repository whose history holds secrets of three rules by two authors, one removed again.
fn audited_repository(dir: &Path) -> Vec<String> {
    git_init(dir);
    let secrets = vec![tokens::github_pat(31), tokens::stripe_live(32), tokens::aws_key_id(33)];
    write(dir, "app/settings.py", format!("GITHUB_TOKEN = \"{}\"\n", secrets[0]));
    commit_all(dir, "settings");
    write(dir, "billing/keys.env", format!("STRIPE_KEY={}\n", secrets[1]));
    git(dir, &["add", "-A"]);
    let committed = git_command(dir)
        .env("GIT_AUTHOR_NAME", "Sam Other")
        .env("GIT_AUTHOR_EMAIL", "sam@example.com")
        .env("GIT_AUTHOR_DATE", "2023-05-04T10:00:00Z")
        .args(["commit", "-q", "-m", "billing <b>&"])
        .status()
        .unwrap();
    assert!(committed.success());
    write(dir, "deploy/aws.ini", format!("aws_access_key_id = {}\n", secrets[2]));
    commit_all(dir, "deploy");
    std::fs::remove_file(dir.join("deploy/aws.ini")).unwrap();
    commit_all(dir, "remove the key");
    secrets
}

#[test]
fn the_html_report_renders_every_finding_and_no_secret_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let secrets = audited_repository(&repo);
    let json = run(&repo, &["scan", "--history", "--format", "json"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let findings = json.json();
    assert!(findings.len() >= 3, "{}", json.stdout);
    let page = dir.path().join("report.html");
    let html = run(
        &repo,
        &["scan", "--history", "--format", "html", "-o", page.to_str().unwrap()],
    );
    assert_eq!(html.code, 1, "{}", html.stderr);
    let file = std::fs::read_to_string(&page).unwrap();
    let dom = rendered_dom(&page);
    for secret in &secrets {
        assert!(!file.contains(secret.as_str()), "the file holds a secret");
        assert!(!dom.contains(secret.as_str()), "the page shows a secret");
    }
    assert_eq!(
        dom.matches("data-finding=\"\"").count(),
        findings.len(),
        "one row per finding"
    );
    for finding in &findings {
        let path = finding["path"].as_str().unwrap();
        assert!(dom.contains(&format!("data-path=\"{path}\"")), "{path} is in the table");
        let secret = finding["secret"].as_str().unwrap();
        assert!(dom.contains(secret), "the redacted {secret} is shown, as in the JSON");
    }
    // The script ran: it shows the filters (hidden without it) and counts the rows.
    assert!(dom.contains("<form class=\"filters\">"), "the filters are shown");
    assert!(
        dom.contains(&format!("{n} of {n} shown", n = findings.len())),
        "the script counted the rows"
    );
    for part in [
        "By severity",
        "By author",
        "Introduced, by month",
        "Sam Other",
        "What to do",
        "This scan",
    ] {
        assert!(dom.contains(part), "{part} is on the page");
    }
    assert!(dom.contains("<svg"), "charts are inline SVG");
    assert!(
        !file.contains("src=") && !file.contains("href=\"http"),
        "nothing is fetched or linked"
    );
    assert!(file.contains("Content-Security-Policy"), "the page carries a CSP");
}

/// Merged shard reports become one HTML report too, and a clean scan says it found nothing.
#[test]
fn merge_and_clean_scans_write_html() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    audited_repository(&repo);
    let files = shard_reports(&repo, &["scan", "--history"], 2);
    let page = dir.path().join("merged.html");
    let mut args = vec!["merge", "--format", "html", "-o", page.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    let merged = run(&repo, &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    let dom = rendered_dom(&page);
    let whole = run(&repo, &["scan", "--history", "--format", "json"]);
    assert_eq!(dom.matches("data-finding=\"\"").count(), whole.json().len());
    assert!(dom.contains("2 reports merged"), "the page says what it was made from");
    let clean = dir.path().join("clean");
    std::fs::create_dir_all(&clean).unwrap();
    write(&clean, "README.md", "nothing to see\n");
    let page = dir.path().join("clean.html");
    let out = run(&clean, &["scan", "--format", "html", "-o", page.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let dom = rendered_dom(&page);
    assert!(dom.contains("Nothing found") && dom.contains("0 findings"), "{dom}");
}
