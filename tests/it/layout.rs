//! The code's layers, checked from the sources: `git` is the object store and knows nothing
//! above it, no two modules import each other, and `app` is dispatch only. A module is a file
//! (`src/scan/matcher.rs` is `scan::matcher`); what it imports is every `crate::…` or `super::…`
//! path outside its tests (docs/architecture.md draws the same picture).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name → the modules it names, for every file under `src/`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = crate::common::project_dir().join("src");
    let mut texts = BTreeMap::new();
    collect(&src, &src, &mut texts);
    let names: BTreeSet<String> = texts.keys().cloned().collect();
    let resolve = |path: &str| -> Option<String> {
        let mut parts: Vec<&str> = path.split("::").collect();
        while !parts.is_empty() {
            let candidate = parts.join("::");
            if names.contains(&candidate) {
                return Some(candidate);
            }
            parts.pop();
        }
        None
    };
    let mut graph = BTreeMap::new();
    for (module, text) in &texts {
        // Unit tests may reach anywhere; only the code itself is layered.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let parent = module.rsplit_once("::").map(|(p, _)| p.to_string());
        let mut used = BTreeSet::new();
        for (prefix, base) in [("crate::", None), ("super::", parent.as_deref())] {
            for (at, _) in code.match_indices(prefix) {
                if prefix == "super::" && code[..at].ends_with("::") {
                    continue;
                }
                let rest = &code[at + prefix.len()..];
                let path: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':')
                    .collect();
                let full = match base {
                    Some(base) => format!("{base}::{path}"),
                    None if prefix == "super::" => continue,
                    None => path,
                };
                if let Some(target) = resolve(full.trim_end_matches(':'))
                    && &target != module
                {
                    used.insert(target);
                }
            }
        }
        graph.insert(module.clone(), used);
    }
    graph
}

fn collect(dir: &Path, src: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, src, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut name = relative.to_string_lossy().replace('/', "::");
            if let Some(parent) = name.strip_suffix("::mod") {
                name = parent.to_string();
            }
            out.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap()
}

#[test]
fn the_git_layer_imports_nothing_above_it() {
    let graph = imports();
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        if top(module) == "git" {
            for target in used.iter().filter(|t| top(t) != "git") {
                wrong.push(format!("{module} uses {target}"));
            }
        }
    }
    assert!(graph.contains_key("git::pack"), "the layout test found no git layer");
    assert!(
        wrong.is_empty(),
        "the git layer must know git alone:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_modules_import_each_other() {
    let graph = imports();
    let mut cycles = Vec::new();
    for (a, used) in &graph {
        for b in used {
            if a < b && graph.get(b).is_some_and(|back| back.contains(a)) {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    // Across top-level modules too: `filter` and `pipeline` once imported each other.
    let mut tops: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (a, used) in &graph {
        for b in used.iter().filter(|b| top(b) != top(a)) {
            tops.entry(top(a)).or_default().insert(top(b));
        }
    }
    for (a, used) in &tops {
        for b in used {
            if a < b && tops.get(b).is_some_and(|back| back.contains(a)) {
                cycles.push(format!("{a} <-> {b} (top level)"));
            }
        }
    }
    assert!(graph.len() > 30, "found only {} modules", graph.len());
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn app_only_dispatches_to_the_commands() {
    let graph = imports();
    let used: Vec<&str> = graph["app"].iter().map(|m| top(m)).collect();
    for module in &used {
        assert!(
            ["commands", "exit_status", "output", "report", "settings"].contains(module),
            "app.rs uses {module}: a command's body belongs in src/commands/"
        );
    }
    assert!(used.contains(&"commands"));
}
