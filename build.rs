//! Embeds every `rules/*.yaml` file in the binary, so adding a rule file needs no code change.
//! The YAML is converted to JSON here, at build time: parsing JSON at start-up costs a fraction
//! of parsing YAML, and start-up is what a pre-commit hook feels. The rules' own validation
//! (unknown fields, regexes, examples) runs in `cargo test` through `RuleSet::embedded`.
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
        "/// The default rule pack: (file name, the file as JSON).\npub const EMBEDDED_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let yaml = fs::read_to_string(path).unwrap();
        let value: serde_json::Value =
            serde_yaml_ng::from_str(&yaml).unwrap_or_else(|e| panic!("rules/{name} is not valid YAML: {e}"));
        let json_path = Path::new(&out_dir).join(format!("{name}.json"));
        fs::write(&json_path, serde_json::to_string(&value).unwrap()).unwrap();
        list.push_str(&format!(
            "    (\"rules/{name}\", include_str!({:?})),\n",
            json_path.display().to_string()
        ));
    }
    list.push_str("];\n");
    fs::write(Path::new(&out_dir).join("embedded_rules.rs"), list).unwrap();
}
