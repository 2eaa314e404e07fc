//! The placeholder check every rule's candidate goes through: documentation example keys,
//! template markers, masks, runs of one character, sequences and placeholder words. For a
//! provider rule it looks at the token's random part (what follows the rule's keyword prefix)
//! and rejects the token only when that part is mostly placeholder, so a real token that
//! happens to hold a word is still found. Each rejection has a reason that `--verbose` prints.

/// Why a candidate is a placeholder, not a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// A credential a provider publishes in its documentation; the page says where.
    DocumentationExample { page: &'static str },
    /// `<token>`, `${TOKEN}`, `{{ token }}`, `%(token)s`, `$TOKEN`, `@TOKEN@`.
    Template,
    /// `xxxx-xxxx`, `****`, `####`, `•••`: a mask standing in for a value.
    Mask,
    /// One character repeated, or a short pattern repeated (`abab…`).
    Repeated,
    /// An alphabet or digit run: `1234567890`, `abcdefgh`, `ABCDEF`.
    Sequence,
    /// Mostly words like `your_api_key_here`, `changeme`, `example`, `redacted`.
    Words,
    /// Cut short for display: `ghp_pfk5…`, `SG.nmig...`.
    Truncated,
    /// A reference to where the value lives: `os.getenv("X")`, `process.env.X`, `${{ secrets.X }}`.
    Reference,
    /// Generic rules only: it starts with a provider's token prefix (`ghp_`, `sk-ant-`) but the
    /// provider's rule does not accept it (wrong length or alphabet), so it is no such token.
    LookAlike,
}

impl Placeholder {
    pub fn describe(self) -> String {
        match self {
            Placeholder::DocumentationExample { page } => format!("a documented example credential ({page})"),
            Placeholder::Template => "a template marker, not a value".to_string(),
            Placeholder::Mask => "a mask (x, *, #, •)".to_string(),
            Placeholder::Repeated => "one character or a short pattern repeated".to_string(),
            Placeholder::Sequence => "an alphabet or digit sequence".to_string(),
            Placeholder::Words => "placeholder words (your_key_here, changeme, example…)".to_string(),
            Placeholder::Truncated => "cut short for display (… or ...)".to_string(),
            Placeholder::Reference => "a reference to the environment or a secret store, not a value".to_string(),
            Placeholder::LookAlike => {
                "a provider's token prefix without the provider's format (wrong length or alphabet)".to_string()
            }
        }
    }
}

/// Credentials providers publish in their own documentation, each with the page it comes from.
/// They are examples by definition: a scan of any code that copied a tutorial would report them.
const DOCUMENTED_EXAMPLES: &[(&str, &str)] = &[
    (
        "AKIAIOSFODNN7EXAMPLE",
        "docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
    ),
    (
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
    ),
    (
        "ASIAIOSFODNN7EXAMPLE",
        "docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html",
    ),
    (
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "docs.aws.amazon.com/general/latest/gr/signature-v4-examples.html",
    ),
    ("sk_test_4eC39HqLyjWDarjtT1zdp7dc", "docs.stripe.com/keys"),
    ("sk_test_BQokikJOvBiI2HlWgH4olfQ2", "docs.stripe.com/api/authentication"),
    ("pk_test_TYooMQauvdEDq54NiTphI7jx", "docs.stripe.com/keys"),
    (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
        "jwt.io/introduction",
    ),
    (
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        "learn.microsoft.com/azure/storage/common/storage-use-azurite",
    ),
];

/// Words that placeholders are made of; a random part built mostly of them is no secret.
const WORDS: &[&str] = &[
    "placeholder",
    "redacted",
    "changeme",
    "change",
    "replace",
    "example",
    "sample",
    "insert",
    "secret",
    "dummy",
    "token",
    "value",
    "fake",
    "your",
    "here",
    "todo",
    "key",
    "api",
    "the",
    "put",
    "my",
    "me",
];

/// Calls and lookups that fetch a value from somewhere else.
const REFERENCES: &[&str] = &[
    "getenv(",
    "environ[",
    "environ.get(",
    "process.env.",
    "env[",
    "env.fetch(",
    "system.getenv",
    "environment.getenvironmentvariable",
    "secrets.",
    "!ref ",
    "vault:",
    "ssm:",
    "secretsmanager:",
    "keyvault(",
];

/// Keyword stems that name a provider or a field before the value rather than open the value.
const NAME_STEMS: &[&str] = &[
    "api",
    "key",
    "token",
    "secret",
    "pat",
    "sat",
    "perm",
    "jwt",
    "ado",
    "oci",
    "cf",
    "spaces",
    "wise",
    "sumo",
    "ansible",
    "mosquitto",
    "v1.0",
    "flw",
    "sfx",
    "scw",
];

/// The token prefixes of a pack's provider rules, lower-case: keywords of three characters or
/// more that open the secret in the rule's regex (`(ghp_`, `|glpat-`), or that end in a
/// separator (`ghs_`, `dt0c01.`) and are not a name stem (`sumo_` before `access_key = …`).
pub fn provider_prefixes(rules: &crate::rules::RuleSet) -> Vec<String> {
    let mut prefixes = Vec::new();
    for rule in rules.rules.iter().filter(|r| !r.is_generic() && !r.is_path_rule()) {
        let source = rule.regex_source.to_ascii_lowercase();
        for keyword in rule.keywords.iter().map(|k| k.to_ascii_lowercase()) {
            if keyword.len() < 3 || !keyword.bytes().all(|b| b.is_ascii_graphic()) {
                continue;
            }
            let escaped = keyword.replace('.', "\\.").replace('$', "\\$");
            let opens = ["(", "|", "(?:"]
                .iter()
                .any(|before| source.contains(&format!("{before}{escaped}")));
            let stem = keyword.trim_end_matches(['_', '-', '.']);
            let separated = stem.len() < keyword.len() && !NAME_STEMS.contains(&stem);
            if opens || separated {
                prefixes.push(keyword.clone());
            }
        }
    }
    prefixes.sort();
    prefixes.dedup();
    prefixes
}

/// The shared check. `keywords` are the rule's (lower-case) keywords: a secret that starts
/// with one has its random part after it; `generic` rules look at the whole value, and
/// `provider_prefixes` (for generic rules) mark the look-alikes of provider tokens.
pub fn placeholder(
    secret: &[u8],
    keywords: &[String],
    generic: bool,
    provider_prefixes: &[String],
) -> Option<Placeholder> {
    let text = std::str::from_utf8(secret).ok()?;
    if let Some((_, page)) = DOCUMENTED_EXAMPLES.iter().find(|(example, _)| text.contains(example)) {
        return Some(Placeholder::DocumentationExample { page });
    }
    if is_template(text) {
        return Some(Placeholder::Template);
    }
    if text.contains('…') || text.ends_with("...") || text.contains("...\"") {
        return Some(Placeholder::Truncated);
    }
    let lower = text.to_ascii_lowercase();
    if REFERENCES.iter().any(|r| lower.contains(r)) {
        return Some(Placeholder::Reference);
    }
    if generic
        && provider_prefixes
            .iter()
            .any(|p| lower.starts_with(p.as_str()) && lower.len() > p.len())
    {
        return Some(Placeholder::LookAlike);
    }
    let random = if generic {
        text
    } else {
        random_part(text, &lower, keywords)
    };
    if random.is_empty() {
        return None;
    }
    if is_mask(random) {
        return Some(Placeholder::Mask);
    }
    if is_repeated(random.as_bytes()) {
        return Some(Placeholder::Repeated);
    }
    if is_sequence(random.as_bytes()) {
        return Some(Placeholder::Sequence);
    }
    if mostly_words(random) {
        return Some(Placeholder::Words);
    }
    None
}

/// What follows the longest keyword the secret starts with (`sk_live_` of `sk_live_xxxx`);
/// `lower` is `text` in lower case, as keywords are.
fn random_part<'t>(text: &'t str, lower: &str, keywords: &[String]) -> &'t str {
    let prefix = keywords
        .iter()
        .filter(|k| lower.starts_with(k.as_str()))
        .map(String::len)
        .max()
        .unwrap_or(0);
    text.get(prefix..).unwrap_or(text)
}

fn is_template(text: &str) -> bool {
    const MARKERS: &[&str] = &["${", "{{", "}}", "%(", "<%", "[[", "]]"];
    if MARKERS.iter().any(|m| text.contains(m)) {
        return true;
    }
    // `<your-token>`, `$TOKEN`, `@TOKEN@`: the whole value is the marker.
    let enclosed = |open: char, close: char| text.len() > 2 && text.starts_with(open) && text.ends_with(close);
    enclosed('<', '>')
        || enclosed('@', '@')
        || (text.len() > 1
            && text.starts_with('$')
            && text[1..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
}

/// Mostly mask characters: `x`/`X`, `*`, `#`, `•`, `…`, `.` and separators between them.
fn is_mask(text: &str) -> bool {
    let mut mask = 0;
    let mut other = 0;
    for c in text.chars() {
        match c {
            'x' | 'X' | '*' | '#' | '•' | '●' | '…' | '.' | '?' => mask += 1,
            '-' | '_' | ' ' | ':' | '/' => {}
            _ => other += 1,
        }
    }
    mask >= 4 && other * 5 <= mask
}

/// Three distinct characters or fewer over eight or more, or a pattern of up to four repeated.
fn is_repeated(value: &[u8]) -> bool {
    if value.len() < 8 {
        return false;
    }
    let distinct = distinct_bytes(value);
    distinct <= 2 || (distinct <= 3 && value.len() >= 12) || periodic(value, 4)
}

/// Mostly steps of one up (or down) the alphabet or digits: `0123456789`, `abcdefgh`, `ABCDEF`.
fn is_sequence(value: &[u8]) -> bool {
    if value.len() < 6 {
        return false;
    }
    let down = value.windows(2).filter(|w| w[0] == w[1].wrapping_add(1)).count();
    ascending_steps(value).max(down) * 10 >= (value.len() - 1) * 8
}

/// How many different bytes `value` holds.
pub fn distinct_bytes(value: &[u8]) -> usize {
    let mut seen = [false; 256];
    value
        .iter()
        .filter(|&&b| !std::mem::replace(&mut seen[b as usize], true))
        .count()
}

/// Whether `value` is a pattern of at most `max_period` bytes repeated at least three times.
pub fn periodic(value: &[u8], max_period: usize) -> bool {
    (1..=max_period)
        .any(|period| value.len() >= period * 3 && value.iter().enumerate().all(|(i, &b)| b == value[i % period]))
}

/// How many neighbouring bytes step up by one (`ab`, `34`).
pub fn ascending_steps(value: &[u8]) -> usize {
    value.windows(2).filter(|w| w[1] == w[0].wrapping_add(1)).count()
}

/// Placeholder words cover most of the letters: `your_api_key_here`, `INSERT_TOKEN`.
fn mostly_words(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let letters = lower.bytes().filter(u8::is_ascii_alphanumeric).count();
    if letters < 4 {
        return false;
    }
    let mut covered = vec![false; lower.len()];
    for word in WORDS {
        for (at, _) in lower.match_indices(word) {
            covered[at..at + word.len()].iter_mut().for_each(|c| *c = true);
        }
    }
    let in_words = lower
        .bytes()
        .zip(&covered)
        .filter(|(b, covered)| b.is_ascii_alphanumeric() && **covered)
        .count();
    // A long word such as "placeholder" alone is enough; short ones must cover the value.
    in_words * 10 >= letters * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(secret: &str, prefix: &str) -> Option<Placeholder> {
        placeholder(secret.as_bytes(), &[prefix.to_string()], false, &[])
    }

    fn generic(value: &str) -> Option<Placeholder> {
        placeholder(
            value.as_bytes(),
            &[],
            true,
            &["ghp_".to_string(), "sk-ant-".to_string()],
        )
    }

    #[test]
    fn truncated_values_references_and_look_alikes() {
        assert_eq!(provider("ghp_pfk5…", "ghp_"), Some(Placeholder::Truncated));
        assert_eq!(generic("SG.nmig..."), Some(Placeholder::Truncated));
        for reference in [
            "os.getenv(\"TOKEN\")",
            "os.environ[\"KEY\"]",
            "process.env.API_KEY",
            "ENV['TOKEN']",
            "System.getenv(\"X\")",
            "secrets.DEPLOY_KEY",
        ] {
            assert_eq!(generic(reference), Some(Placeholder::Reference), "{reference}");
        }
        // A half-length GitHub token assigned to a token variable is no GitHub token.
        assert_eq!(generic("ghp_Kd8fJ2mQ9xL4p"), Some(Placeholder::LookAlike));
        assert_eq!(generic("sk-ant-api03-Kd8fJ2"), Some(Placeholder::LookAlike));
        assert_eq!(generic("Kd8fJ2mQ9xL4pghp_"), None);
        // Provider rules are never look-alikes of themselves.
        assert_eq!(provider("ghp_Kd8fJ2mQ9xL4pN7rT1vW3yZ5bC6hG0sAexam", "ghp_"), None);
    }

    #[test]
    fn the_embedded_pack_has_token_prefixes() {
        let prefixes = provider_prefixes(&crate::rules::RuleSet::embedded().unwrap());
        for expected in ["ghp_", "npm_", "xoxb-", "sk-ant-api"] {
            assert!(
                prefixes.iter().any(|p| p == expected),
                "{expected} missing from {prefixes:?}"
            );
        }
        // Name stems before the value are not prefixes of it.
        assert!(!prefixes.iter().any(|p| p == "sumo_"), "{prefixes:?}");
    }

    #[test]
    fn documented_examples_name_their_page() {
        let found = provider("AKIAIOSFODNN7EXAMPLE", "akia");
        assert!(matches!(found, Some(Placeholder::DocumentationExample { page }) if page.contains("aws.amazon.com")));
        assert!(matches!(
            provider("sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_"),
            Some(Placeholder::DocumentationExample { .. })
        ));
    }

    #[test]
    fn templates_are_not_values() {
        for template in [
            "${API_TOKEN}",
            "{{ .Values.token }}",
            "%(token)s",
            "<your-token>",
            "$API_TOKEN",
            "@TOKEN@",
        ] {
            assert_eq!(
                placeholder(template.as_bytes(), &[], true, &[]),
                Some(Placeholder::Template),
                "{template}"
            );
        }
    }

    #[test]
    fn masks_repeats_and_sequences() {
        assert_eq!(
            provider("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_"),
            Some(Placeholder::Mask)
        );
        assert_eq!(provider("ghp_XXXX-XXXX-XXXX-XXXX", "ghp_"), Some(Placeholder::Mask));
        assert_eq!(
            placeholder("********".as_bytes(), &[], true, &[]),
            Some(Placeholder::Mask)
        );
        assert_eq!(
            placeholder("####-####".as_bytes(), &[], true, &[]),
            Some(Placeholder::Mask)
        );
        assert_eq!(
            placeholder("••••••••".as_bytes(), &[], true, &[]),
            Some(Placeholder::Mask)
        );
        assert_eq!(
            provider("glpat-00000000000000000000", "glpat-"),
            Some(Placeholder::Repeated)
        );
        assert_eq!(provider("xoxb-abababababababab", "xoxb-"), Some(Placeholder::Repeated));
        assert_eq!(placeholder(b"1234567890", &[], true, &[]), Some(Placeholder::Sequence));
        assert_eq!(
            placeholder(b"abcdefghijkl", &[], true, &[]),
            Some(Placeholder::Sequence)
        );
        assert_eq!(placeholder(b"ABCDEF", &[], true, &[]), Some(Placeholder::Sequence));
        assert_eq!(placeholder(b"987654321", &[], true, &[]), Some(Placeholder::Sequence));
    }

    #[test]
    fn placeholder_words() {
        assert_eq!(
            placeholder(b"your_api_key_here", &[], true, &[]),
            Some(Placeholder::Words)
        );
        assert_eq!(
            provider("sk_live_YOUR_SECRET_KEY_HERE", "sk_live_"),
            Some(Placeholder::Words)
        );
        assert_eq!(placeholder(b"REPLACE_ME", &[], true, &[]), Some(Placeholder::Words));
        assert_eq!(
            placeholder(b"placeholder-token-value", &[], true, &[]),
            Some(Placeholder::Words)
        );
    }

    #[test]
    fn real_tokens_that_hold_a_word_are_kept() {
        for (secret, prefix) in [
            ("ghp_Kd8fJ2mQ9xL4pN7rT1vW3yZ5bC6hG0sAexam", "ghp_"),
            ("sk_live_51Hq8KeyZ2vN4mP7tR9wX3yB6cD1fG5hJ8kL0", "sk_live_"),
            ("xoxb-2718281828-3141592653-Qz8vN3kLp1Xw7Rt5Ya2Bc4De", "xoxb-"),
            ("AKIAZ7QW3E5R6T2Y4U2I", "akia"),
            ("glpat-Yt5wP8nQ3rKe9Lm2Xv7Z", "glpat-"),
        ] {
            assert_eq!(provider(secret, prefix), None, "{secret}");
        }
        for generic in [
            "Tr0ub4dor&3xK9q",
            "a8Fj2kQp9ZxL3mN7wR4t",
            "k3Jd9Qm2Xv7Lp4Wz",
            "My-Secret-Key-7h2Lq",
        ] {
            assert_eq!(placeholder(generic.as_bytes(), &[], true, &[]), None, "{generic}");
        }
    }
}
