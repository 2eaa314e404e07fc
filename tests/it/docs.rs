//! The docs say what the code does: docs/rules.md lists every embedded rule, generated from
//! `leaktrap rules list`, so the list cannot drift. `LEAKTRAP_UPDATE_DOCS=1 cargo test docs`
//! rewrites it after a rule is added or changed; review the change with `git diff`.

use std::collections::BTreeMap;

use crate::common::{project_dir, run};

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
