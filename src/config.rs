//! `.leaktrap.yaml`: extra rules, disabled rules, the allowlist and limits. Found at the scanned
//! root (never the current directory) or named with `--config`. Every mistake is an error that
//! names the file, where in it, and the fix: a typo must never silently weaken a scan.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::filter::Allowlist;
use crate::rules::{self, RuleSet, RuleSyntax, Trust, compile_regex};

/// The file name looked for at the scanned root.
pub const CONFIG_FILE_NAME: &str = ".leaktrap.yaml";
/// A gitleaks config, read directly when the root has no `.leaktrap.yaml`.
pub const GITLEAKS_FILE_NAME: &str = ".gitleaks.toml";
/// The newest config format this build understands.
pub const CONFIG_VERSION: u32 = 1;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigSyntax {
    #[serde(default)]
    pub version: Option<u32>,
    #[serde(default)]
    pub extend_default: Option<bool>,
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub rules: Vec<RuleSyntax>,
    #[serde(default)]
    pub allowlist: AllowlistSyntax,
    #[serde(default)]
    pub max_file_size: Option<u64>,
    #[serde(default)]
    pub pre_receive: PreReceiveSyntax,
}

/// The server hook's policy (`scan --pre-receive`), read from the server's own config.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PreReceiveSyntax {
    /// Whether `git push -o leaktrap.skip` lets a push through unscanned.
    #[serde(default)]
    pub allow_skip: bool,
    /// Seconds the hook may take (`--timeout` overrides).
    #[serde(default)]
    pub timeout: Option<u64>,
    #[serde(default)]
    pub on_timeout: Option<OnTimeout>,
}

/// What the server hook does with a push it could not finish scanning in time.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum OnTimeout {
    /// Reject the push (the default: a gate never passes what it did not scan).
    #[default]
    Reject,
    /// Accept it, with a warning to the pusher and in the server's log.
    Accept,
}

/// The server hook's policy, from `pre_receive:` in the config.
#[derive(Debug, Clone, Default)]
pub struct PreReceivePolicy {
    pub allow_skip: bool,
    pub timeout: Option<std::time::Duration>,
    pub on_timeout: OnTimeout,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSyntax {
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub path_regexes: Vec<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
    #[serde(default)]
    pub stopwords: Vec<String>,
    #[serde(default)]
    pub commits: Vec<String>,
}

/// What `leaktrap config init` writes: every key, commented, with the defaults.
pub const STARTER_CONFIG: &str = r#"# leaktrap configuration. Found at the scanned root (the repository's top level), or given
# with --config FILE. Unknown keys are errors, so a typo never silently weakens a scan.
version: 1

# Keep the embedded rules (`leaktrap rules list`); false uses only the rules below.
extend_default: true

# Rule ids to turn off.
disable: []

# Extra rules, in the same format as the embedded ones (see the README's "Adding a rule").
rules: []
#  - id: acme-api-key
#    name: Acme API key
#    severity: high
#    keywords: [acme_]
#    regex: '(?:^|[^0-9A-Za-z_])(acme_[0-9a-f]{32})(?:[^0-9A-Za-z_]|$)'

# What is accepted. A line containing `leaktrap:allow` is accepted too.
allowlist:
  paths: []          # gitignore-style globs relative to the root, e.g. 'fixtures/**'
  path_regexes: []   # regexes on the path, e.g. '(^|/)testdata/'
  regexes: []        # regexes on the secret
  stopwords: []      # a secret containing one of these is ignored
  commits: []        # history findings in these commits are ignored

# Every file is scanned, whatever its size (large ones are streamed). To skip files larger
# than some number of bytes instead, counted and named in the summary:
# max_file_size: 104857600

# For the server hook (`leaktrap hook install --pre-receive`), in the bare repository's own
# .leaktrap.yaml: whether `git push -o leaktrap.skip` lets a push through unscanned (the
# server must also set receive.advertisePushOptions), how many seconds a scan may take, and
# what happens to a push not scanned in time (reject or accept).
# pre_receive:
#   allow_skip: false
#   timeout: 60
#   on_timeout: reject
"#;

/// Deeper `[`/`{` nesting than this is refused before parsing: the YAML parser takes time
/// quadratic in the depth (100,000 levels took 25 s), and a config can come from an untrusted
/// pull request.
const MAX_FLOW_NESTING: usize = 64;

/// The 1-based line where `[`/`{` nesting first exceeds `max`, outside quotes and comments.
fn flow_nesting_over(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (number, line) in (1..).zip(text.lines()) {
        let mut quote = None;
        let mut previous = ' ';
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') if previous.is_whitespace() => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > max {
                        return Some(number);
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            previous = c;
        }
    }
    None
}

/// A config that cannot be used; printed as is, then the run exits 2.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {location}{message}\nhint: {hint}")]
pub struct ConfigError {
    pub file: String,
    pub location: String,
    pub message: String,
    pub hint: String,
}

impl ConfigError {
    fn new(file: &Path, location: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        ConfigError {
            file: file.display().to_string(),
            location: location.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// A loaded, validated config.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from; `None` when the embedded defaults apply alone.
    pub file: Option<PathBuf>,
    pub rules: RuleSet,
    pub allowlist: Allowlist,
    pub max_file_size: Option<u64>,
    pub pre_receive: PreReceivePolicy,
    /// What a gitleaks config holds that leaktrap could not map, for stderr.
    pub warnings: Vec<String>,
    /// Whether `file` is a gitleaks config, translated as it was read.
    pub from_gitleaks: bool,
}

impl Config {
    /// The embedded rules, no allowlist.
    pub fn defaults() -> Result<Config, ConfigError> {
        Ok(Config {
            rules: embedded_rules()?,
            ..Config::default()
        })
    }

    /// `--config FILE` if given, else `.leaktrap.yaml` at `root` if present, else a gitleaks
    /// `.gitleaks.toml` there, else defaults.
    pub fn discover(explicit: Option<&Path>, root: &Path) -> Result<Config, ConfigError> {
        match explicit {
            Some(file) => Config::load(file),
            None => {
                let candidate = root.join(CONFIG_FILE_NAME);
                let gitleaks = root.join(GITLEAKS_FILE_NAME);
                if candidate.is_file() {
                    Config::load(&candidate)
                } else if gitleaks.is_file() {
                    Config::load(&gitleaks)
                } else {
                    Config::defaults()
                }
            }
        }
    }

    /// A `.toml` file is read as a gitleaks config, anything else as leaktrap's YAML.
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        if file.extension().is_some_and(|e| e == "toml") && file.is_file() {
            return Config::load_gitleaks(file);
        }
        if file.is_dir() {
            return Err(ConfigError::new(
                file,
                "",
                "is a directory, not a config file",
                "name the YAML file, e.g. --config .leaktrap.yaml",
            ));
        }
        let text = std::fs::read_to_string(file).map_err(|e| {
            ConfigError::new(
                file,
                "",
                format!("cannot be read: {e}"),
                "check the path and its permissions",
            )
        })?;
        Config::parse(file, &text)
    }

    /// A gitleaks config, translated as `leaktrap config import-gitleaks` would and then
    /// loaded; what has no equivalent becomes a warning.
    fn load_gitleaks(file: &Path) -> Result<Config, ConfigError> {
        let imported = crate::gitleaks::import(file).map_err(|e| {
            ConfigError::new(
                file,
                "",
                format!("{e:#}"),
                "fix the TOML where it says, or translate it once with `leaktrap config import-gitleaks` and edit the YAML",
            )
        })?;
        let mut config = Config::parse(file, &imported.yaml)?;
        config.warnings = imported.notes;
        config.from_gitleaks = true;
        Ok(config)
    }

    pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
        if text.trim().is_empty()
            || text
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Err(ConfigError::new(
                file,
                "",
                "the config is empty",
                "write at least `version: 1`, or run `leaktrap config init` for a commented starter file",
            ));
        }
        if let Some(line) = flow_nesting_over(text, MAX_FLOW_NESTING) {
            return Err(ConfigError::new(
                file,
                format!("line {line}: "),
                format!("brackets are nested more than {MAX_FLOW_NESTING} levels deep"),
                "a leaktrap config needs two or three levels; this file is damaged or hostile",
            ));
        }
        let syntax: ConfigSyntax = serde_yaml_ng::from_str(text).map_err(|e| {
            let location = e
                .location()
                .map(|l| format!("line {} column {}: ", l.line(), l.column()))
                .unwrap_or_default();
            let (message, hint) = describe_yaml_error(&e.to_string());
            ConfigError::new(file, location, message, hint)
        })?;
        Config::compile(file, text, syntax)
    }

    fn compile(file: &Path, text: &str, syntax: ConfigSyntax) -> Result<Config, ConfigError> {
        if let Some(version) = syntax.version
            && version > CONFIG_VERSION
        {
            return Err(ConfigError::new(
                file,
                "version: ",
                format!("format version {version} is newer than this leaktrap understands ({CONFIG_VERSION})"),
                "upgrade leaktrap, or write `version: 1`",
            ));
        }
        let mut rules = if syntax.extend_default.unwrap_or(true) {
            embedded_rules()?
        } else {
            RuleSet::default()
        };
        let display = file.display().to_string();
        for (index, rule) in syntax.rules.into_iter().enumerate() {
            let line = line_of_value(text, rule.regex.as_deref().unwrap_or_default())
                .map(|n| format!("line {n}: "))
                .unwrap_or_default();
            let compiled = rules::compile_rule(rule, &display, Trust::User).map_err(|e| ConfigError {
                file: display.clone(),
                location: format!("{line}rules[{index}]: {}", e.location),
                message: e.message,
                hint: e.hint,
            })?;
            rules.add(compiled).map_err(|e| ConfigError {
                file: display.clone(),
                location: format!("rules[{index}]: {}", e.location),
                message: e.message,
                hint: e.hint,
            })?;
        }
        for (index, id) in syntax.disable.iter().enumerate() {
            if rules.get(id).is_none() {
                return Err(ConfigError::new(
                    file,
                    format!("disable[{index}]: "),
                    format!("no rule has the id '{id}'"),
                    "`leaktrap rules list` shows the ids",
                ));
            }
        }
        rules.disable(&syntax.disable);
        let allowlist = compile_allowlist(file, text, syntax.allowlist)?;
        Ok(Config {
            file: Some(file.to_path_buf()),
            rules,
            allowlist,
            max_file_size: syntax.max_file_size,
            pre_receive: PreReceivePolicy {
                allow_skip: syntax.pre_receive.allow_skip,
                timeout: syntax.pre_receive.timeout.map(std::time::Duration::from_secs),
                on_timeout: syntax.pre_receive.on_timeout.unwrap_or_default(),
            },
            warnings: Vec::new(),
            from_gitleaks: false,
        })
    }
}

fn embedded_rules() -> Result<RuleSet, ConfigError> {
    RuleSet::embedded().map_err(|e| ConfigError {
        file: e.file,
        location: e.location,
        message: e.message,
        hint: e.hint,
    })
}

/// The message of a YAML error without the position serde repeats at its end (the location is
/// printed once, before it), and the fix that fits the kind of mistake.
fn describe_yaml_error(error: &str) -> (String, String) {
    // serde_yaml_ng ends its message with the position of the error, printed once already.
    let position = regex::Regex::new(r" at line \d+ column \d+").expect("a valid regex");
    let message = position.replace(error, "").into_owned();
    let hint = if message.contains("unknown field") {
        "fix the key's spelling, or remove it: the keys allowed at that place are listed above"
    } else if message.contains("unknown variant") {
        "use one of the values listed"
    } else if message.contains("invalid type") {
        "give the value the type named (a list is `[a, b]` or `- a` lines; a number has no quotes)"
    } else if message.contains("missing field") {
        "add the field named"
    } else {
        "this is a YAML syntax error: check the indentation, the quoting and the brackets around the position given"
    };
    (message, hint.to_string())
}

/// The 1-based line where `value` first appears in the config's text, to place an error found
/// after parsing (a regex that does not compile) on its line.
fn line_of_value(text: &str, value: &str) -> Option<usize> {
    if value.is_empty() {
        return None;
    }
    text.lines().position(|line| line.contains(value)).map(|i| i + 1)
}

fn compile_allowlist(file: &Path, text: &str, syntax: AllowlistSyntax) -> Result<Allowlist, ConfigError> {
    for (i, commit) in syntax.commits.iter().enumerate() {
        if !(4..=40).contains(&commit.len()) || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            let line = line_of_value(text, commit)
                .map(|n| format!("line {n}: "))
                .unwrap_or_default();
            return Err(ConfigError::new(
                file,
                format!("{line}allowlist.commits[{i}]: "),
                format!("'{commit}' is not a commit id"),
                "give 4 to 40 hexadecimal digits of the commit, as `git log --format=%h` prints them",
            ));
        }
    }
    let regexes = |list: &[String], key: &str| {
        list.iter()
            .enumerate()
            .map(|(i, r)| {
                compile_regex(r).map_err(|e| {
                    let line = line_of_value(text, r)
                        .map(|n| format!("line {n}: "))
                        .unwrap_or_default();
                    ConfigError::new(
                        file,
                        format!("{line}allowlist.{key}[{i}]: "),
                        format!("the regex does not compile: {e}"),
                        "leaktrap uses Rust regex syntax (no look-around, no backreferences)",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let paths = if syntax.paths.is_empty() {
        None
    } else {
        Some(rules::glob_set(&syntax.paths).map_err(|e| {
            ConfigError::new(
                file,
                "allowlist.paths: ",
                e,
                "use gitignore-style globs such as `fixtures/**` or `*.lock`",
            )
        })?)
    };
    Ok(Allowlist {
        paths,
        path_globs: syntax.paths.clone(),
        path_regexes: regexes(&syntax.path_regexes, "path_regexes")?,
        regexes: regexes(&syntax.regexes, "regexes")?,
        stopwords: syntax.stopwords.iter().map(|s| s.to_ascii_lowercase()).collect(),
        commits: syntax.commits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new(".leaktrap.yaml"), text)
    }

    #[test]
    fn deep_bracket_nesting_is_refused_before_parsing() {
        let deep = format!("version: 1\nallowlist:\n  stopwords: {}", "[".repeat(100_000));
        let err = parse(&deep).unwrap_err().to_string();
        assert!(err.contains("line 3: brackets are nested more than 64"), "{err}");
        let quoted = format!(
            "version: 1\nallowlist:\n  stopwords: ['{}'] # {}\n",
            "[".repeat(100),
            "{".repeat(100)
        );
        assert!(parse(&quoted).is_ok());
    }

    #[test]
    fn unknown_key_names_line_and_known_keys() {
        let err = parse("version: 1\nallowlst:\n  paths: []\n").unwrap_err().to_string();
        assert!(err.contains(".leaktrap.yaml: line 2"), "{err}");
        assert!(err.contains("allowlst"), "{err}");
        assert!(err.contains("hint:"), "{err}");
    }

    #[test]
    fn bad_user_regex_names_rule_index_and_id() {
        let err = parse(
            "rules:\n  - id: my-token\n    name: Mine\n    severity: high\n    keywords: [mine]\n    regex: 'mine_(['\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("rules[0]: rule 'my-token'"), "{err}");
        assert!(err.contains("does not compile"), "{err}");
    }

    #[test]
    fn content_rule_without_keywords_is_rejected() {
        let err = parse("rules:\n  - id: my-token\n    name: Mine\n    severity: high\n    regex: 'mine_([a-z]+)'\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("needs at least one keyword"), "{err}");
    }

    #[test]
    fn missing_secret_group_is_rejected() {
        let err = parse("rules:\n  - id: my-token\n    name: Mine\n    severity: high\n    keywords: [mine]\n    regex: 'mine_[a-z]+'\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("capture group"), "{err}");
    }

    #[test]
    fn empty_and_newer_configs_are_errors() {
        assert!(parse("  \n# nothing\n").unwrap_err().to_string().contains("empty"));
        assert!(parse("version: 9\n").unwrap_err().to_string().contains("newer"));
    }

    #[test]
    fn the_starter_config_is_valid() {
        let config = parse(STARTER_CONFIG).unwrap();
        assert!(config.rules.get("github-pat").is_some());
    }

    #[test]
    fn disable_unknown_rule_is_an_error() {
        assert!(
            parse("disable: [no-such-rule]\n")
                .unwrap_err()
                .to_string()
                .contains("no-such-rule")
        );
    }
}
