//! The docs say what the code does: every `leaktrap` command in a shell block, CI snippet or
//! hook config of README.md and docs/*.md runs, as written, against a real repository; and docs/rules.md lists every
//! embedded rule, generated from `leaktrap rules list`, so the list cannot drift.
//! `LEAKTRAP_UPDATE_DOCS=1 cargo test docs` rewrites the list after a rule is added or
//! changed; review the change with `git diff`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common::{commit_all, git, git_init, project_dir, run, tokens, write};

/// The `leaktrap …` commands of README.md and docs/*.md, with their file: the lines of ```sh
/// blocks, and the `run:` steps and script lines of ```yaml blocks (CI snippets, hooks).
fn documented_commands() -> Vec<(String, String)> {
    let mut files = vec![project_dir().join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(project_dir().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut commands = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(project_dir()).unwrap().display().to_string();
        let mut block: Option<&str> = None;
        for line in text.lines() {
            if let Some(fence) = line.trim_start().strip_prefix("```") {
                block = match block {
                    Some(_) => None,
                    None => Some(fence.trim()),
                };
                continue;
            }
            let command = match block {
                Some("sh" | "bash" | "shell") => line.trim(),
                Some("yaml" | "yml") => {
                    let item = line.trim().trim_start_matches("- ");
                    item.strip_prefix("run: ").unwrap_or(item)
                }
                _ => continue,
            };
            if command.starts_with("leaktrap ") {
                commands.push((name.clone(), command.to_string()));
            }
        }
    }
    commands
}

/// What the docs' commands take for granted: a repository with history and a secret in it
/// (the current directory), a folder of clones at `~/src`, a server's bare repository under
/// `/srv/git`, and somewhere for `/out`.
fn documented_world(root: &Path) -> std::path::PathBuf {
    let repo = root.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git_init(&repo);
    write(&repo, "README.md", "hello\n");
    commit_all(&repo, "first");
    write(
        &repo,
        "settings.py",
        format!("GITHUB_TOKEN = \"{}\"\n", tokens::github_pat(71)),
    );
    commit_all(&repo, "settings");
    std::fs::create_dir_all(root.join("src")).unwrap();
    git(root, &["clone", "-q", "repo", "src/app"]);
    std::fs::create_dir_all(root.join("srv/git")).unwrap();
    git(root, &["clone", "-q", "--bare", "repo", "srv/git/project.git"]);
    std::fs::create_dir_all(root.join("out")).unwrap();
    // The sharded CI snippet merges what earlier jobs uploaded as `shard-N/shard.json`.
    write(&repo, "shard-1/shard.json", "[]\n");
    repo
}

/// The ```yaml blocks of README.md and docs/*.md that are leaktrap configs (they start with
/// `version: 1`), with their file.
fn documented_configs() -> Vec<(String, String)> {
    let mut configs = Vec::new();
    for file in std::iter::once(project_dir().join("README.md")).chain(
        std::fs::read_dir(project_dir().join("docs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    ) {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(project_dir()).unwrap().display().to_string();
        for block in text.split("```yaml\n").skip(1) {
            let body = block.split("```").next().unwrap();
            if body.starts_with("version: 1") {
                configs.push((name.clone(), body.to_string()));
            }
        }
    }
    configs
}

#[test]
fn every_config_in_the_docs_is_valid() {
    let configs = documented_configs();
    assert!(configs.len() >= 2, "{configs:?}");
    let dir = tempfile::tempdir().unwrap();
    for (n, (file, config)) in configs.iter().enumerate() {
        let path = dir.path().join(format!("config{n}.yaml"));
        std::fs::write(&path, config).unwrap();
        let out = run(dir.path(), &["config", "check", path.to_str().unwrap()]);
        assert_eq!(
            out.code, 0,
            "{file}: a documented config fails `leaktrap config check`:\n{config}\n{}",
            out.stderr
        );
    }
}

#[test]
fn every_leaktrap_command_in_the_docs_runs() {
    let commands = documented_commands();
    assert!(commands.len() >= 10, "{commands:?}");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let repo = documented_world(&root);
    let bin = Path::new(env!("CARGO_BIN_EXE_leaktrap"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for (file, line) in commands {
        // The absolute paths the docs use for a server's repositories and a job's output.
        let script = line
            .replace("/srv/git", &root.join("srv/git").display().to_string())
            .replace("/path/to/repo", &repo.display().to_string())
            .replace("/out/", &format!("{}/", root.join("out").display()))
            .replace("${{ matrix.shard }}", "1");
        let out = Command::new("sh")
            .args(["-c", &script])
            .current_dir(&repo)
            .env("PATH", &path)
            .env("HOME", &root)
            .env("BASE", "HEAD~1")
            .env("JOB_COMPLETION_INDEX", "0")
            .env("SHARDS", "2")
            .env("range", "HEAD~1..HEAD")
            .env_remove("CI_MERGE_REQUEST_DIFF_BASE_SHA")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        assert!(
            code == 0 || code == 1,
            "{file}: `{line}` exited {code}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

const BEGIN: &str = "<!-- the rules, generated from `leaktrap rules list` by tests/it/docs.rs -->";
const END: &str = "<!-- end of the rules -->";

/// The list as docs/rules.md shows it: one table per rule file, rules in the pack's order.
fn rules_list() -> String {
    let out = run(&project_dir(), &["rules", "list", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rules = out.json();
    let mut by_file: BTreeMap<String, Vec<&serde_json::Value>> = BTreeMap::new();
    for rule in &rules {
        by_file
            .entry(rule["file"].as_str().unwrap().to_string())
            .or_default()
            .push(rule);
    }
    let mut text = format!("{} rules in {} files.\n", rules.len(), by_file.len());
    for (file, rules) in by_file {
        text.push_str(&format!(
            "\n### `{file}` ({})\n\n| id | name | severity | finds by |\n|---|---|---|---|\n",
            rules.len()
        ));
        for rule in rules {
            let by = if rule["paths"].as_bool() == Some(true) {
                "file path".to_string()
            } else {
                rule["keywords"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| format!("`{}`", k.as_str().unwrap().replace('|', "\\|")))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            text.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                rule["id"].as_str().unwrap(),
                rule["name"].as_str().unwrap().replace('|', "\\|"),
                rule["severity"].as_str().unwrap(),
                by
            ));
        }
    }
    text
}

#[test]
fn docs_rules_md_lists_every_embedded_rule() {
    let file = project_dir().join("docs/rules.md");
    let doc = std::fs::read_to_string(&file).unwrap();
    let (head, rest) = doc
        .split_once(BEGIN)
        .expect("docs/rules.md has the list's opening marker");
    let (current, tail) = rest
        .split_once(END)
        .expect("docs/rules.md has the list's closing marker");
    let wanted = format!("\n{}", rules_list());
    if std::env::var_os("LEAKTRAP_UPDATE_DOCS").is_some() {
        std::fs::write(&file, format!("{head}{BEGIN}{wanted}{END}{tail}")).unwrap();
        return;
    }
    assert!(
        current == wanted,
        "docs/rules.md's list of rules is stale: run `LEAKTRAP_UPDATE_DOCS=1 cargo test docs` and commit it"
    );
}
