//! The embedded rule pack tests itself: every rule's examples must be found, and its negative
//! examples must not, through the whole scanner (prefilter, regex, entropy, checks, filter),
//! loaded with the same function the binary uses. All failures are reported together.

use leaktrap::filter::Filter;
use leaktrap::origin::{Origin, SourceKind};
use leaktrap::pipeline::{Pipeline, PipelineOptions};
use leaktrap::rules::{RuleSet, compile_regex};
use leaktrap::scan::{ScanOptions, Scanner};

fn pipeline(prefilter: bool) -> Pipeline {
    let rules = RuleSet::embedded_with_examples().expect("the embedded pack loads");
    let scanner = Scanner::new(
        rules,
        ScanOptions {
            prefilter,
            decode: true,
        },
    );
    Pipeline::new(
        scanner,
        Filter {
            inline_allow: true,
            ..Filter::default()
        },
        PipelineOptions {
            show_secrets: true,
            max_file_size: None,
            verbose: false,
            archives: leaktrap::archive::Limits::default(),
        },
    )
}

/// Rule ids found in `text`, with their secrets.
fn found(pipeline: &Pipeline, text: &str) -> Vec<(String, String)> {
    let origin = Origin::new("example.txt".to_string(), SourceKind::Stdin);
    pipeline
        .findings_in(text.as_bytes(), &origin, None)
        .into_iter()
        .map(|f| (f.rule_id, f.secret))
        .collect()
}

#[test]
fn every_rule_finds_its_examples_and_not_its_negative_examples() {
    let pipeline = pipeline(true);
    let mut failures = Vec::new();
    for rule in &pipeline.scanner.rules.rules {
        let at = format!("{}: {}", rule.file, rule.id);
        if rule.description.is_empty() || rule.remediation.is_empty() {
            failures.push(format!("{at}: needs a description and a remediation"));
        }
        if rule.is_path_rule() {
            if rule.path_examples.is_empty() || rule.negative_path_examples.is_empty() {
                failures.push(format!(
                    "{at}: a path rule needs path_examples and negative_path_examples"
                ));
            }
            for (i, path) in rule.path_examples.iter().enumerate() {
                if !rule.matches_path(path) {
                    failures.push(format!("{at}: path example {} ({path}) is not matched", i + 1));
                }
            }
            for (i, path) in rule.negative_path_examples.iter().enumerate() {
                if rule.matches_path(path) {
                    failures.push(format!("{at}: negative path example {} ({path}) is matched", i + 1));
                }
            }
            continue;
        }
        match rule.regex() {
            Ok(regex) if rule.secret_group >= regex.captures_len() => {
                failures.push(format!(
                    "{at}: secret_group {} does not exist in the regex",
                    rule.secret_group
                ));
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                failures.push(format!("{at}: regex does not compile: {e}"));
                continue;
            }
        }
        if rule.examples.is_empty() || rule.negative_examples.is_empty() {
            failures.push(format!("{at}: needs examples and negative_examples"));
        }
        for (i, example) in rule.examples.iter().enumerate() {
            let hits = found(&pipeline, example.text());
            let mine: Vec<&(String, String)> = hits.iter().filter(|(id, _)| *id == rule.id).collect();
            if mine.is_empty() {
                let why = if !rule
                    .keywords
                    .iter()
                    .any(|k| example.text().to_ascii_lowercase().contains(k.as_str()))
                {
                    " (no keyword occurs)".to_string()
                } else if hits.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (found by {:?} instead)",
                        hits.iter().map(|h| &h.0).collect::<Vec<_>>()
                    )
                };
                failures.push(format!("{at}: example {} produced no finding{why}", i + 1));
            } else if let Some(secret) = example.secret()
                && !mine.iter().any(|(_, s)| s == secret)
            {
                failures.push(format!(
                    "{at}: example {} captured {:?}, expected {secret:?}",
                    i + 1,
                    mine[0].1
                ));
            }
        }
        for (i, text) in rule.negative_examples.iter().enumerate() {
            if found(&pipeline, text).iter().any(|(id, _)| *id == rule.id) {
                failures.push(format!("{at}: negative example {} was found", i + 1));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} rule self-test failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_keyword_is_a_useful_literal() {
    let rules = RuleSet::embedded_with_examples().unwrap();
    for rule in rules.rules.iter().filter(|r| !r.is_path_rule()) {
        for keyword in &rule.keywords {
            assert!(
                keyword.len() >= 3,
                "{}: keyword {keyword:?} is too short to prefilter",
                rule.id
            );
        }
    }
}

/// The prefilter is an optimisation: with it off, every example and negative example of every
/// rule gives exactly the same findings.
#[test]
fn prefilter_never_changes_findings() {
    let on = pipeline(true);
    let off = pipeline(false);
    let mut texts: Vec<String> = Vec::new();
    for rule in &on.scanner.rules.rules {
        texts.extend(rule.examples.iter().map(|e| e.text().to_string()));
        texts.extend(rule.negative_examples.iter().cloned());
    }
    texts.push(texts.join("\n"));
    for text in &texts {
        assert_eq!(
            found(&on, text),
            found(&off, text),
            "prefilter changed the findings of:\n{text}"
        );
    }
}

#[test]
fn the_pack_is_large_and_ids_are_unique() {
    let rules = RuleSet::embedded_with_examples().unwrap();
    let mut ids: Vec<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate rule ids");
    assert!(
        count >= 450,
        "only {count} rules: the pack covers the long tail of providers"
    );
    assert!(compile_regex("(?i)ok").is_ok());
}
