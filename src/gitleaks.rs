//! `leaktrap config import-gitleaks FILE`: a `.gitleaks.toml` translated into an equivalent
//! `.leaktrap.yaml` (custom rules, allowlists, disabled rules). What has no equivalent is listed
//! on standard error with the reason, never dropped silently.

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};

use crate::filter::IgnoreEntry;
use crate::rules::{RuleSet, compile_regex};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GitleaksConfig {
    title: Option<String>,
    extend: Option<Extend>,
    rules: Vec<GitleaksRule>,
    allowlist: Option<Allowlist>,
    allowlists: Vec<Allowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Extend {
    use_default: bool,
    path: Option<String>,
    disabled_rules: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct GitleaksRule {
    id: String,
    description: Option<String>,
    regex: Option<String>,
    secret_group: Option<usize>,
    entropy: Option<f64>,
    keywords: Vec<String>,
    path: Option<String>,
    tags: Vec<String>,
    allowlist: Option<Allowlist>,
    allowlists: Vec<Allowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Allowlist {
    description: Option<String>,
    paths: Vec<String>,
    regexes: Vec<String>,
    stopwords: Vec<String>,
    commits: Vec<String>,
    regex_target: Option<String>,
    condition: Option<String>,
    target_rules: Vec<String>,
}

/// The translated config as YAML, and what could not be translated.
pub struct Imported {
    pub yaml: String,
    pub notes: Vec<String>,
}

pub fn import(path: &Path) -> anyhow::Result<Imported> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot be read", path.display()))?;
    let config: GitleaksConfig = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: not a valid gitleaks TOML config: {e}", path.display()))?;
    Ok(translate(config))
}

fn translate(config: GitleaksConfig) -> Imported {
    let mut notes = Vec::new();
    let mut out = Mapping::new();
    out.insert("version".into(), 1.into());
    let extend = config.extend.unwrap_or_default();
    out.insert("extend_default".into(), extend.use_default.into());
    if let Some(path) = &extend.path {
        notes.push(format!(
            "[extend] path = {path:?}: extending another file is not supported; import that file separately and merge"
        ));
    }
    let defaults = RuleSet::embedded().ok();
    let mut disable = Vec::new();
    for id in &extend.disabled_rules {
        let ours = defaults
            .as_ref()
            .map(|rules| leaktrap_rules(id, rules))
            .unwrap_or_default();
        if ours.is_empty() {
            notes.push(format!(
                "disabledRules: {id:?} has no leaktrap rule of the same format (`leaktrap rules list` shows the ids); nothing disabled"
            ));
        }
        disable.extend(ours.into_iter().map(Value::from));
    }
    if !extend.use_default && !disable.is_empty() {
        disable.clear();
    }
    out.insert("disable".into(), Value::Sequence(disable));
    let mut rules = Vec::new();
    for rule in config.rules {
        if let Some(translated) = translate_rule(rule, &mut notes) {
            rules.push(Value::Mapping(translated));
        }
    }
    out.insert("rules".into(), Value::Sequence(rules));
    let mut allowlist = GlobalAllowlist::default();
    for list in config.allowlist.into_iter().chain(config.allowlists) {
        let label = list
            .description
            .clone()
            .unwrap_or_else(|| "global allowlist".to_string());
        if !list.target_rules.is_empty() {
            notes.push(format!(
                "{label}: targetRules {:?} is not supported; its entries now apply to every rule",
                list.target_rules
            ));
        }
        if list.condition.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("and")) {
            notes.push(format!(
                "{label}: condition = \"AND\" is not supported; its entries now apply each on its own"
            ));
        }
        if list.regex_target.as_deref().is_some_and(|t| t != "secret") {
            notes.push(format!(
                "{label}: regexTarget = {:?} is not supported; its regexes now match the secret only",
                list.regex_target.as_deref().unwrap_or("")
            ));
        }
        for regex in list.paths {
            keep_regex(&regex, &mut allowlist.path_regexes, &label, "paths", &mut notes);
        }
        for regex in list.regexes {
            keep_regex(&regex, &mut allowlist.regexes, &label, "regexes", &mut notes);
        }
        allowlist.stopwords.extend(list.stopwords.into_iter().map(Value::from));
        allowlist.commits.extend(list.commits.into_iter().map(Value::from));
    }
    let mut list = Mapping::new();
    list.insert("path_regexes".into(), Value::Sequence(allowlist.path_regexes));
    list.insert("regexes".into(), Value::Sequence(allowlist.regexes));
    list.insert("stopwords".into(), Value::Sequence(allowlist.stopwords));
    list.insert("commits".into(), Value::Sequence(allowlist.commits));
    out.insert("allowlist".into(), Value::Mapping(list));
    let mut yaml = String::from("# Translated from a gitleaks config by `leaktrap config import-gitleaks`.\n");
    if let Some(title) = config.title {
        yaml.push_str(&format!("# gitleaks title: {title}\n"));
    }
    yaml.push_str(&serde_yaml_ng::to_string(&Value::Mapping(out)).expect("YAML serialises"));
    Imported { yaml, notes }
}

#[derive(Default)]
struct GlobalAllowlist {
    path_regexes: Vec<Value>,
    regexes: Vec<Value>,
    stopwords: Vec<Value>,
    commits: Vec<Value>,
}

fn keep_regex(regex: &str, into: &mut Vec<Value>, label: &str, key: &str, notes: &mut Vec<String>) {
    match compile_regex(regex) {
        Ok(_) => into.push(Value::from(regex)),
        Err(e) => notes.push(format!(
            "{label}: {key} entry {regex:?} is not valid Rust regex syntax ({e}); dropped"
        )),
    }
}

/// gitleaks' rule ids and the leaktrap rules that find the same formats (one gitleaks rule may
/// cover what several leaktrap rules tell apart). Ids the two share are not listed: they map to
/// themselves. Listed only where the formats match; `docs/gitleaks.md` shows the table.
pub const RULE_ID_MAP: &[(&str, &[&str])] = &[
    ("aws-access-token", &["aws-access-key-id", "aws-access-key-pair"]),
    ("github-oauth", &["github-oauth-token"]),
    ("gitlab-ptt", &["gitlab-pipeline-trigger-token"]),
    ("gitlab-rrt", &["gitlab-runner-registration-token"]),
    ("gitlab-deploy-token", &["gitlab-deploy-token"]),
    ("slack-config-access-token", &["slack-config-token"]),
    (
        "stripe-access-token",
        &["stripe-live-secret-key", "stripe-test-secret-key"],
    ),
    (
        "private-key",
        &[
            "private-key-rsa",
            "private-key-ec",
            "private-key-dsa",
            "private-key-pkcs8",
            "private-key-encrypted",
            "private-key-openssh",
            "private-key-pgp",
            "private-key-ssh2",
        ],
    ),
    (
        "generic-api-key",
        &["generic-secret-assignment", "generic-secret-unquoted"],
    ),
    (
        "openai-api-key",
        &[
            "openai-project-api-key",
            "openai-service-account-key",
            "openai-admin-key",
            "openai-legacy-api-key",
        ],
    ),
    ("anthropic-admin-api-key", &["anthropic-admin-key"]),
    ("gcp-api-key", &["google-api-key"]),
    ("sendgrid-api-token", &["sendgrid-api-key"]),
    ("twilio-api-key", &["twilio-api-key-sid", "twilio-api-key-secret"]),
    ("digitalocean-pat", &["digitalocean-personal-access-token"]),
    ("digitalocean-access-token", &["digitalocean-oauth-token"]),
    ("telegram-bot-api-token", &["telegram-bot-token"]),
    ("mailgun-private-api-token", &["mailgun-api-key"]),
    ("sentry-org-token", &["sentry-org-auth-token"]),
    ("sentry-user-token", &["sentry-user-auth-token"]),
    ("huggingface-organization-api-token", &["huggingface-org-api-token"]),
    (
        "doppler-api-token",
        &["doppler-personal-token", "doppler-service-token"],
    ),
    ("pulumi-api-token", &["pulumi-access-token"]),
    ("databricks-api-token", &["databricks-personal-access-token"]),
    ("postman-api-token", &["postman-api-key"]),
    ("azure-ad-client-secret", &["azure-entra-client-secret"]),
];

/// The leaktrap rules a gitleaks rule id stands for: the table's, else the same id if leaktrap
/// has it, else none.
pub fn leaktrap_rules(gitleaks_id: &str, rules: &RuleSet) -> Vec<String> {
    let mapped: Vec<String> = RULE_ID_MAP
        .iter()
        .find(|(id, _)| *id == gitleaks_id)
        .map(|(_, ours)| {
            ours.iter()
                .filter(|o| rules.get(o).is_some())
                .map(|o| o.to_string())
                .collect()
        })
        .unwrap_or_default();
    if !mapped.is_empty() {
        return mapped;
    }
    if rules.get(gitleaks_id).is_some() {
        vec![gitleaks_id.to_string()]
    } else {
        Vec::new()
    }
}

/// `.gitleaksignore`: one finding per line, as gitleaks prints its fingerprint,
/// `commit:path:rule:line` (history) or `path:rule:line` (files); `#` starts a comment. Rule
/// ids are mapped to leaktrap's; entries that cannot be read or mapped are returned as warnings.
pub fn read_ignore(file: &Path, rules: &RuleSet) -> anyhow::Result<(Vec<IgnoreEntry>, Vec<String>)> {
    let text = std::fs::read_to_string(file).with_context(|| format!("{}: cannot be read", file.display()))?;
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(parsed) = parse_ignore_line(line) else {
            warnings.push(format!(
                "{}: line {}: {line:?} is not `commit:path:rule:line` or `path:rule:line`; ignored",
                file.display(),
                n + 1
            ));
            continue;
        };
        let (commit, path, rule, at) = parsed;
        let ours = leaktrap_rules(rule, rules);
        if ours.is_empty() {
            warnings.push(format!(
                "{}: line {}: rule {rule:?} has no leaktrap rule of the same format; the entry suppresses nothing",
                file.display(),
                n + 1
            ));
        }
        for rule_id in ours {
            entries.push(IgnoreEntry {
                commit: commit.map(str::to_string),
                path: path.to_string(),
                rule_id,
                line: at,
                text: line.to_string(),
            });
        }
    }
    Ok((entries, warnings))
}

/// Splits from the right, since a path may hold `:`; a leading hex run of 7 to 40 digits is
/// the commit only when a path follows it.
fn parse_ignore_line(line: &str) -> Option<(Option<&str>, &str, &str, usize)> {
    let (rest, at) = line.rsplit_once(':')?;
    let at: usize = at.parse().ok()?;
    let (rest, rule) = rest.rsplit_once(':')?;
    if rule.is_empty() || rest.is_empty() {
        return None;
    }
    if let Some((commit, path)) = rest.split_once(':')
        && (7..=40).contains(&commit.len())
        && commit.bytes().all(|b| b.is_ascii_hexdigit())
        && !path.is_empty()
    {
        return Some((Some(commit), path, rule, at));
    }
    Some((None, rest, rule, at))
}

/// Kebab-case id from a gitleaks id (which may use other characters).
fn kebab(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn translate_rule(rule: GitleaksRule, notes: &mut Vec<String>) -> Option<Mapping> {
    let id = kebab(&rule.id);
    let Some(regex) = rule.regex.filter(|r| !r.is_empty()) else {
        notes.push(format!(
            "rule {:?}: a rule with only `path` (a regex on paths) has no leaktrap equivalent; write a path rule with globs (`paths:`)",
            rule.id
        ));
        return None;
    };
    let compiled = match compile_regex(&regex) {
        Ok(compiled) => compiled,
        Err(e) => {
            notes.push(format!(
                "rule {:?}: its regex is not valid Rust regex syntax ({e}); rule dropped",
                rule.id
            ));
            return None;
        }
    };
    if rule.path.is_some() {
        notes.push(format!(
            "rule {:?}: its `path` condition is not supported; the rule now applies to every file",
            rule.id
        ));
    }
    let mut keywords: Vec<String> = rule.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
    if keywords.is_empty() {
        match required_literals(&regex) {
            Some(literals) => {
                notes.push(format!(
                    "rule {:?}: no keywords; derived {literals:?} from the regex (leaktrap runs a regex only where a keyword occurs)",
                    rule.id
                ));
                keywords = literals;
            }
            None => {
                notes.push(format!(
                    "rule {:?}: no keywords and none can be derived from its regex; leaktrap needs at least one literal every match contains. Rule dropped: add it by hand with `keywords:`",
                    rule.id
                ));
                return None;
            }
        }
    }
    let secret_group = rule
        .secret_group
        .unwrap_or(if compiled.captures_len() > 1 { 1 } else { 0 });
    let mut out = Mapping::new();
    out.insert("id".into(), id.clone().into());
    out.insert(
        "name".into(),
        rule.description.clone().unwrap_or_else(|| rule.id.clone()).into(),
    );
    out.insert("severity".into(), "high".into());
    if let Some(description) = rule.description {
        out.insert("description".into(), description.into());
    }
    out.insert(
        "keywords".into(),
        Value::Sequence(keywords.into_iter().map(Value::from).collect()),
    );
    out.insert("regex".into(), regex.into());
    out.insert("secret_group".into(), (secret_group as u64).into());
    if let Some(entropy) = rule.entropy {
        out.insert("min_entropy".into(), entropy.into());
    }
    let mut regexes = Vec::new();
    let mut stopwords = Vec::new();
    for list in rule.allowlist.into_iter().chain(rule.allowlists) {
        if !list.paths.is_empty() || !list.commits.is_empty() {
            notes.push(format!(
                "rule {:?}: allowlist paths and commits are not supported per rule; move them to the global allowlist",
                rule.id
            ));
        }
        if list.regex_target.as_deref().is_some_and(|t| t != "secret") {
            notes.push(format!(
                "rule {:?}: allowlist regexTarget is not supported; regexes match the secret",
                rule.id
            ));
        }
        for regex in list.regexes {
            keep_regex(
                &regex,
                &mut regexes,
                &format!("rule {:?}", rule.id),
                "allowlist regexes",
                notes,
            );
        }
        stopwords.extend(list.stopwords.into_iter().map(Value::from));
    }
    if !regexes.is_empty() || !stopwords.is_empty() {
        let mut allowlist = Mapping::new();
        allowlist.insert("regexes".into(), Value::Sequence(regexes));
        allowlist.insert("stopwords".into(), Value::Sequence(stopwords));
        out.insert("allowlist".into(), Value::Mapping(allowlist));
    }
    if !rule.tags.is_empty() {
        notes.push(format!("rule {:?}: tags {:?} are not kept", rule.id, rule.tags));
    }
    Some(out)
}

/// Literals one of which every match of `regex` contains: the regex's required prefixes, when
/// they are long enough to be worth a keyword.
fn required_literals(regex: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(regex)
        .ok()?;
    let mut extractor = regex_syntax::hir::literal::Extractor::new();
    extractor.kind(regex_syntax::hir::literal::ExtractKind::Prefix);
    let seq = extractor.extract(&hir);
    let literals = seq.literals()?;
    let mut keywords: Vec<String> = literals
        .iter()
        .map(|l| String::from_utf8_lossy(l.as_bytes()).to_ascii_lowercase())
        .collect();
    keywords.sort();
    keywords.dedup();
    (!keywords.is_empty() && keywords.len() <= 64 && keywords.iter().all(|k| k.len() >= 3)).then_some(keywords)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_lines_split_from_the_right_so_paths_may_hold_colons() {
        assert_eq!(
            parse_ignore_line("0123abcd:src/a:b.py:github-pat:12"),
            Some((Some("0123abcd"), "src/a:b.py", "github-pat", 12))
        );
        assert_eq!(parse_ignore_line("c:/x.py:jwt:3"), Some((None, "c:/x.py", "jwt", 3)));
        assert_eq!(parse_ignore_line("x.py:jwt:3"), Some((None, "x.py", "jwt", 3)));
        assert_eq!(parse_ignore_line("x.py:jwt:three"), None);
        assert_eq!(parse_ignore_line("jwt:3"), None);
    }

    #[test]
    fn every_mapped_id_names_an_embedded_rule_and_is_in_the_docs() {
        let rules = RuleSet::embedded().unwrap();
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/gitleaks.md")).unwrap();
        for (gitleaks, ours) in RULE_ID_MAP {
            for id in *ours {
                assert!(rules.get(id).is_some(), "{gitleaks} maps to {id}, which is not a rule");
            }
            let row = format!(
                "| `{gitleaks}` | {} |",
                ours.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")
            );
            assert!(docs.contains(&row), "docs/gitleaks.md lacks the row\n{row}");
        }
    }
}
