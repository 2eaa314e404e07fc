//! Rules: what users write (`RuleSyntax`, from YAML) and what the scanner runs (`Rule`).
//!
//! The embedded pack is trusted (its examples run in `cargo test`), so its regexes compile lazily
//! on first use and start-up stays fast however many rules there are. Rules from a user's config
//! are validated and compiled eagerly, so a mistake is reported at start-up with the file, the
//! rule id and the fix.

mod shape;
mod syntax;

use std::sync::OnceLock;

use globset::{GlobSet, GlobSetBuilder};
use regex::bytes::{Regex, RegexBuilder};

use shape::parse;
pub use syntax::{Check, Example, RuleAllowlistSyntax, RuleFileSyntax, RuleSyntax, Severity};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Why a rule file or rule could not be loaded; shown to the user with a hint.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {location}{message}\nhint: {hint}")]
pub struct RuleError {
    pub file: String,
    /// `rule 'id': ` or `line 3 column 5: `, or empty.
    pub location: String,
    pub message: String,
    pub hint: String,
}

impl RuleError {
    fn in_rule(file: &str, id: &str, message: String, hint: &str) -> Self {
        RuleError {
            file: file.to_string(),
            location: format!("rule '{id}': "),
            message,
            hint: hint.to_string(),
        }
    }
}

/// Rule-local allowlist, compiled.
#[derive(Debug, Default)]
pub struct RuleAllowlist {
    pub regexes: Vec<Regex>,
    /// Lower-cased; a secret containing one is dropped.
    pub stopwords: Vec<String>,
}

/// A compiled rule. Content rules have keywords and a regex; path rules have path globs.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub description: String,
    pub remediation: String,
    pub keywords: Vec<String>,
    pub regex_source: String,
    regex: OnceLock<Result<Regex, String>>,
    /// A cheaper regex that finds where `regex` can match, when there is one (see
    /// `compile_search_regex`).
    search: OnceLock<Option<Regex>>,
    /// The regex exactly as written, compiled only when the open-ended form ran past the
    /// rule's bound (see `compile_regex`).
    exact: OnceLock<Result<Regex, String>>,
    shape: OnceLock<shape::Shape>,
    pub secret_group: usize,
    pub min_entropy: Option<f64>,
    pub check: Option<Check>,
    pub allowlist: RuleAllowlist,
    pub paths: Option<GlobSet>,
    /// The globs of a path rule, as written.
    pub path_patterns: Vec<String>,
    pub path_allowlist: Option<GlobSet>,
    pub references: Vec<String>,
    pub examples: Vec<Example>,
    pub negative_examples: Vec<String>,
    pub path_examples: Vec<String>,
    pub negative_path_examples: Vec<String>,
    /// The file the rule came from, for error messages and the self-test.
    pub file: String,
}

impl Rule {
    pub fn is_path_rule(&self) -> bool {
        self.paths.is_some()
    }

    /// Generic rules lose to provider rules when both match the same secret.
    pub fn is_generic(&self) -> bool {
        self.check == Some(Check::GenericSecret) || self.id.starts_with("generic-")
    }

    /// Which rule reports a secret several rules match: 0 for a provider's own token format,
    /// 1 for a credential known by its context (a password in a connection URL), 2 for generic.
    pub fn precedence(&self) -> u8 {
        if self.is_generic() {
            2
        } else if self.check == Some(Check::UrlPassword) {
            1
        } else {
            0
        }
    }

    /// The compiled regex, built on first use.
    pub fn regex(&self) -> Result<&Regex, &str> {
        self.regex
            .get_or_init(|| compile_regex(&self.regex_source))
            .as_ref()
            .map_err(|e| e.as_str())
    }

    /// A regex that matches wherever `regex()` does and is cheaper to run, to find where to run
    /// `regex()`; `None` when `regex()` is as cheap.
    pub fn search_regex(&self) -> Option<&Regex> {
        self.search
            .get_or_init(|| compile_search_regex(&self.regex_source))
            .as_ref()
    }

    /// The regex exactly as written, for the rare match that ran past the bound of a repetition
    /// `regex()` compiled open-ended.
    pub fn exact_regex(&self) -> Result<&Regex, &str> {
        self.exact
            .get_or_init(|| build_regex(&self.regex_source))
            .as_ref()
            .map_err(|e| e.as_str())
    }

    /// The longest text the regex can match, when bounded: the matcher then only searches that
    /// far around each keyword instead of the whole blob. Read from the regex's syntax, without
    /// compiling it.
    pub fn max_match_len(&self) -> Option<usize> {
        self.shape().max_len
    }

    /// False when `window` cannot hold a match, because it lacks the run of secret-alphabet
    /// bytes or a literal every match contains (see `shape`); the regex need not be compiled to
    /// say so.
    pub fn could_match_in(&self, window: &[u8]) -> bool {
        self.shape().could_match_in(window)
    }

    fn shape(&self) -> &shape::Shape {
        self.shape.get_or_init(|| shape::Shape::of(&self.regex_source))
    }

    /// Does this path rule name `path` (repo-relative, `/`-separated)?
    pub fn matches_path(&self, path: &str) -> bool {
        match &self.paths {
            Some(globs) => globs.is_match(path) && !self.path_allowlist.as_ref().is_some_and(|a| a.is_match(path)),
            None => false,
        }
    }
}

/// Compiles a rule regex the way every rule is compiled: bytes, ASCII classes, bounded size.
///
/// Long bounded repetitions (`[A-Za-z0-9+/]{100,4196}`) are compiled open-ended (`{100,}`): the
/// NFA of a counted repetition has a state per count, which made a handful of rules cost
/// milliseconds each to build and bloated their DFAs. Results do not change: windows come from
/// the bounded source (`max_match_len`), and where a match runs past that bound the matcher asks
/// the exact regex instead (`Rule::exact_regex`).
pub fn compile_regex(source: &str) -> Result<Regex, String> {
    match parse(source).and_then(|hir| open_repetitions(hir, LONG_REPETITION)) {
        Some(opened) => build_regex(&opened).or_else(|_| build_regex(source)),
        None => build_regex(source),
    }
}

/// A rule's search regex: every counted repetition open-ended (`[a-z0-9_.-]{0,40}` becomes
/// `[a-z0-9_.-]{0,}`); `None` when that is `compile_regex`'s regex already.
///
/// Counting is what makes a lazy DFA expensive: a generic rule's `[a-z0-9_.-]{0,40}` before its
/// keywords made each thread build thousands of states, 7 ms of the 12 ms its first pass over
/// git/git's work tree took, and again in every thread. Open-ended, it matches wherever the
/// rule's regex matches and more, so it finds where to look, and the rule's regex confirms
/// each candidate from where it starts (see `matcher::run_rule`): findings do not change.
fn compile_search_regex(source: &str) -> Option<Regex> {
    let hir = parse(source)?;
    let wide = open_repetitions(hir.clone(), 1)?;
    if open_repetitions(hir, LONG_REPETITION).as_ref() == Some(&wide) {
        return None;
    }
    build_regex(&wide).ok()
}

fn build_regex(source: &str) -> Result<Regex, String> {
    RegexBuilder::new(source)
        .unicode(false)
        .size_limit(32 << 20)
        .dfa_size_limit(32 << 20)
        .build()
        .map_err(|e| e.to_string())
}

/// A repetition allowing more than this many extra items is compiled open-ended.
const LONG_REPETITION: u32 = 128;

/// The regex `hir` with its bounded repetitions that allow more than `extra` items beyond their
/// minimum made open-ended, or `None` when it has none.
fn open_repetitions(hir: regex_syntax::hir::Hir, extra: u32) -> Option<String> {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    fn open(hir: Hir, extra: u32, changed: &mut bool) -> Hir {
        match hir.into_kind() {
            HirKind::Repetition(rep) => {
                let long = rep.max.is_some_and(|max| max - rep.min > extra);
                *changed |= long;
                Hir::repetition(Repetition {
                    min: rep.min,
                    max: if long { None } else { rep.max },
                    greedy: rep.greedy,
                    sub: Box::new(open(*rep.sub, extra, changed)),
                })
            }
            HirKind::Capture(cap) => Hir::capture(Capture {
                index: cap.index,
                name: cap.name,
                sub: Box::new(open(*cap.sub, extra, changed)),
            }),
            HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(|h| open(h, extra, changed)).collect()),
            HirKind::Alternation(subs) => Hir::alternation(subs.into_iter().map(|h| open(h, extra, changed)).collect()),
            HirKind::Empty => Hir::empty(),
            HirKind::Literal(lit) => Hir::literal(lit.0),
            HirKind::Class(class) => Hir::class(class),
            HirKind::Look(look) => Hir::look(look),
        }
    }
    let mut changed = false;
    let opened = open(hir, extra, &mut changed);
    changed.then(|| opened.to_string())
}

/// Builds a gitignore-style glob set (rules' `paths`, the config's `allowlist.paths`).
pub fn glob_set(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // gitignore style: a pattern without a slash matches at any depth.
        let pattern = if pattern.contains('/') {
            pattern.trim_start_matches('/').to_string()
        } else {
            format!("**/{pattern}")
        };
        let glob = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad glob '{pattern}': {e}"))?;
        builder.add(glob);
    }
    builder.build().map_err(|e| e.to_string())
}

/// Where a rule file came from decides how strictly it is checked at load time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The embedded pack: validated by `cargo test`, compiled lazily.
    Embedded,
    /// A user's config: validated and compiled now.
    User,
}

/// Turns one parsed rule into a compiled rule, checking what a typo could break.
pub fn compile_rule(syntax: RuleSyntax, file: &str, trust: Trust) -> Result<Rule, RuleError> {
    let id = syntax.id.clone();
    let err = |message: String, hint: &str| RuleError::in_rule(file, &id, message, hint);
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(
            "the id must be kebab-case (a-z, 0-9, -)".into(),
            "rename it, for example `my-service-token`",
        ));
    }
    let is_path_rule = !syntax.paths.is_empty();
    let has_regex = syntax.regex.as_deref().is_some_and(|r| !r.is_empty());
    if is_path_rule && has_regex {
        return Err(err(
            "a rule has either `paths` (a path rule) or `regex` (a content rule), not both".into(),
            "split it into two rules",
        ));
    }
    if !is_path_rule && !has_regex {
        return Err(err(
            "the rule has neither `regex` nor `paths`".into(),
            "add `regex:` with a capture group for the secret, or `paths:` with globs",
        ));
    }
    let keywords: Vec<String> = syntax.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
    if has_regex && keywords.iter().all(|k| k.is_empty()) {
        return Err(err(
            "a content rule needs at least one keyword".into(),
            "add `keywords: [literal]` with a literal that every match contains (a prefix such as `sk_live_`, or the provider's name); the regex only runs on files that contain one",
        ));
    }
    let regex_source = syntax.regex.clone().unwrap_or_default();
    let secret_group = syntax.secret_group.unwrap_or(1);
    let regex = OnceLock::new();
    if has_regex && trust == Trust::User {
        let compiled = compile_regex(&regex_source).map_err(|e| {
            err(
                format!("the regex does not compile: {e}"),
                "leaktrap uses Rust regex syntax (no look-around, no backreferences); fix the pattern",
            )
        })?;
        if secret_group >= compiled.captures_len() {
            return Err(err(
                format!(
                    "secret_group is {secret_group} but the regex has only {} capture group(s)",
                    compiled.captures_len() - 1
                ),
                "wrap the secret in ( ) or set `secret_group` to an existing group",
            ));
        }
        let _ = regex.set(Ok(compiled));
    }
    let mut allowlist = RuleAllowlist::default();
    if let Some(al) = &syntax.allowlist {
        for (i, r) in al.regexes.iter().enumerate() {
            allowlist.regexes.push(compile_regex(r).map_err(|e| {
                err(
                    format!("allowlist.regexes[{i}] does not compile: {e}"),
                    "fix the pattern (Rust regex syntax)",
                )
            })?);
        }
        allowlist.stopwords = al.stopwords.iter().map(|s| s.to_ascii_lowercase()).collect();
    }
    let paths = if is_path_rule {
        Some(glob_set(&syntax.paths).map_err(|e| err(e, "fix the glob in `paths`"))?)
    } else {
        None
    };
    let path_allowlist = if syntax.path_allowlist.is_empty() {
        None
    } else {
        Some(glob_set(&syntax.path_allowlist).map_err(|e| err(e, "fix the glob in `path_allowlist`"))?)
    };
    Ok(Rule {
        id: syntax.id,
        name: syntax.name,
        severity: syntax.severity,
        description: syntax.description.unwrap_or_default(),
        remediation: syntax.remediation.unwrap_or_default(),
        keywords,
        regex_source,
        regex,
        search: OnceLock::new(),
        exact: OnceLock::new(),
        shape: OnceLock::new(),
        secret_group,
        min_entropy: syntax.min_entropy,
        check: syntax.check,
        allowlist,
        paths,
        path_patterns: syntax.paths,
        path_allowlist,
        references: syntax.references,
        examples: syntax.examples,
        negative_examples: syntax.negative_examples,
        path_examples: syntax.path_examples,
        negative_path_examples: syntax.negative_path_examples,
        file: file.to_string(),
    })
}

/// One of build.rs's JSON tables of an embedded rule file: its rules, or their examples.
fn parse_embedded<T: serde::de::DeserializeOwned>(file: &str, json: &str) -> Result<T, RuleError> {
    serde_json::from_str(json).map_err(|e| RuleError {
        file: file.to_string(),
        location: String::new(),
        message: e.to_string(),
        hint: "fix the rule file; `cargo test` names the rule".into(),
    })
}

/// One rule's examples, as build.rs splits them from the embedded pack.
#[derive(serde::Deserialize)]
struct RuleExamplesSyntax {
    #[serde(default)]
    examples: Vec<Example>,
    #[serde(default)]
    negative_examples: Vec<String>,
    #[serde(default)]
    path_examples: Vec<String>,
    #[serde(default)]
    negative_path_examples: Vec<String>,
}

/// The rules a scan runs, in a stable order.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Each id's position in `rules`, so adding a rule is not a search of all the others.
    ids: std::collections::HashMap<String, usize>,
}

impl RuleSet {
    /// The default pack compiled into the binary, without the rules' examples (see
    /// `embedded_with_examples`).
    pub fn embedded() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        for (file, json, _) in EMBEDDED_RULE_FILES {
            for syntax in parse_embedded::<RuleFileSyntax>(file, json)?.rules {
                set.add(compile_rule(syntax, file, Trust::Embedded)?)?;
            }
        }
        Ok(set)
    }

    /// The default pack with every rule's examples and negative examples, which the binary
    /// never needs: for the tests that run them through the scanner.
    pub fn embedded_with_examples() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::embedded()?;
        let mut rules = set.rules.iter_mut();
        for (file, _, examples) in EMBEDDED_RULE_FILES {
            let examples: Vec<RuleExamplesSyntax> = parse_embedded(file, examples)?;
            for (examples, rule) in examples.into_iter().zip(&mut rules) {
                rule.examples = examples.examples;
                rule.negative_examples = examples.negative_examples;
                rule.path_examples = examples.path_examples;
                rule.negative_path_examples = examples.negative_path_examples;
            }
        }
        Ok(set)
    }

    /// Adds a rule; a duplicate id is an error.
    pub fn add(&mut self, rule: Rule) -> Result<(), RuleError> {
        if let Some(&existing) = self.ids.get(&rule.id) {
            return Err(RuleError::in_rule(
                &rule.file,
                &rule.id,
                format!("the id is already used by a rule in {}", self.rules[existing].file),
                "give the rule a new id, or `disable` the existing one in your config",
            ));
        }
        self.ids.insert(rule.id.clone(), self.rules.len());
        self.rules.push(rule);
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.ids.get(id).map(|&at| &self.rules[at])
    }

    /// Drops the rules named in a config's `disable` list.
    pub fn disable(&mut self, ids: &[String]) {
        self.rules.retain(|r| !ids.contains(&r.id));
        self.ids = self
            .rules
            .iter()
            .enumerate()
            .map(|(at, r)| (r.id.clone(), at))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_repetitions_are_opened_and_short_ones_kept() {
        let open_long = |source: &str| parse(source).and_then(|hir| open_repetitions(hir, LONG_REPETITION));
        let opened = open_long("x_([a-z]{10,4000})[ \t]{0,16}").expect("has a long repetition");
        assert!(opened.contains("{10,}"), "{opened}");
        assert!(opened.contains("{0,16}"), "{opened}");
        assert_eq!(open_long("x_([a-z]{10,40})"), None);
        assert_eq!(open_long("x_(["), None);
    }

    #[test]
    fn search_regexes_open_every_count_but_optional_items() {
        let source = "k_([a-z]{2,5})[ \t]{0,16}x?y{3}";
        let search = compile_search_regex(source).expect("has counted repetitions");
        // Open-ended, it matches more than the rule: the rule's regex confirms.
        assert!(search.is_match(b"k_abcdefgh    xyyy"));
        assert!(!compile_regex(source).unwrap().is_match(b"k_abcdefgh    xyyy"));
        assert_eq!(open_repetitions(parse("k_x?y{3}z{0,1}").unwrap(), 1), None);
        assert!(compile_search_regex("ghp_[A-Za-z0-9]{36}").is_none());
        // Only long repetitions: compile_regex opens them already.
        assert!(compile_search_regex("k_[a-z]{1,4000}").is_none());
    }

    #[test]
    fn opened_regex_keeps_capture_groups() {
        let source = "(?P<key>k)=([A-Za-z0-9]{4,900})";
        let opened = compile_regex(source).unwrap();
        let exact = build_regex(source).unwrap();
        assert_eq!(opened.captures_len(), exact.captures_len());
        assert_eq!(
            opened.capture_names().collect::<Vec<_>>(),
            exact.capture_names().collect::<Vec<_>>()
        );
    }
}
