//! Embeds every `rules/*.yaml` file in the binary, so adding a rule file needs no code change.
//! The YAML is converted to JSON here, at build time: parsing JSON at start-up costs a fraction
//! of parsing YAML, and start-up is what a pre-commit hook feels. The examples, half the pack's
//! bytes, go to a table of their own that only the tests read (`RuleSet::embedded_with_examples`):
//! parsing them on every start cost 532 rules about 2 ms. The rules' own validation (unknown
//! fields, regexes, examples) runs in `cargo test`.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let out_dir = env::var("OUT_DIR").unwrap();
    let mut list = String::from(
        "/// The default rule pack: (file name, the file as JSON, its rules' examples as JSON).\npub const EMBEDDED_RULE_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let yaml = fs::read_to_string(path).unwrap();
        let mut value: serde_json::Value =
            serde_yaml_ng::from_str(&yaml).unwrap_or_else(|e| panic!("rules/{name} is not valid YAML: {e}"));
        let examples = split_examples(&mut value);
        let json_path = Path::new(&out_dir).join(format!("{name}.json"));
        fs::write(&json_path, serde_json::to_string(&value).unwrap()).unwrap();
        let examples_path = Path::new(&out_dir).join(format!("{name}.examples.json"));
        fs::write(&examples_path, serde_json::to_string(&examples).unwrap()).unwrap();
        list.push_str(&format!(
            "    (\"rules/{name}\", include_str!({:?}), include_str!({:?})),\n",
            json_path.display().to_string(),
            examples_path.display().to_string()
        ));
    }
    list.push_str("];\n");
    fs::write(Path::new(&out_dir).join("embedded_rules.rs"), list).unwrap();
}

/// Takes every rule's example fields out of a rule file, as a list in the rules' order.
fn split_examples(file: &mut serde_json::Value) -> serde_json::Value {
    const FIELDS: [&str; 4] = [
        "examples",
        "negative_examples",
        "path_examples",
        "negative_path_examples",
    ];
    let mut taken = Vec::new();
    if let Some(rules) = file.get_mut("rules").and_then(|r| r.as_array_mut()) {
        for rule in rules {
            let mut examples = serde_json::Map::new();
            if let Some(rule) = rule.as_object_mut() {
                for field in FIELDS {
                    if let Some(value) = rule.remove(field) {
                        examples.insert(field.to_string(), value);
                    }
                }
            }
            taken.push(serde_json::Value::Object(examples));
        }
    }
    serde_json::Value::Array(taken)
}
