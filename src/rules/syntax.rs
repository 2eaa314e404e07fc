//! What users write in YAML. Unknown fields are errors: a typo must not silently disable a rule.

use serde::{Deserialize, Serialize};

/// A structural check that confirms a regex match is the real thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The last 6 characters are the base62 CRC32 of the characters between the last `_` and
    /// them (GitHub classic tokens, npm tokens).
    Crc32Base62,
    /// A JSON Web Token whose header decodes to a JSON object with an `alg`.
    Jwt,
    /// The placeholder and stopword model for generic `name = value` rules.
    GenericSecret,
    /// A PEM/OpenSSH/PGP private key block whose body is real key material, not `...`.
    PrivateKey,
    /// The password of a connection URL or string is not a placeholder, a template or the
    /// user name again (`user:password@`, `${DB_PASSWORD}`, `postgres:postgres@`).
    UrlPassword,
    /// HTTP Basic credentials: base64 of `user:password`, with a password that is not a
    /// placeholder.
    BasicAuth,
}

/// How bad a leak of this kind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The order reports count and list severities in: what to triage first comes first.
    pub const MOST_SEVERE_FIRST: [Severity; 4] = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A rule file: `rules: [...]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFileSyntax {
    #[serde(default)]
    pub rules: Vec<RuleSyntax>,
}

/// One rule as written. See DESIGN.md's rule format.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub remediation: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub secret_group: Option<usize>,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub check: Option<Check>,
    #[serde(default)]
    pub allowlist: Option<RuleAllowlistSyntax>,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub path_allowlist: Vec<String>,
    #[serde(default)]
    pub path_examples: Vec<String>,
    #[serde(default)]
    pub negative_path_examples: Vec<String>,
}

/// A rule's own allowlist.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleAllowlistSyntax {
    #[serde(default)]
    pub regexes: Vec<String>,
    #[serde(default)]
    pub stopwords: Vec<String>,
}

/// An example that must be found: plain text, or text plus the exact secret it must yield.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Example {
    Text(String),
    Pinned { text: String, secret: String },
}

impl Example {
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) | Example::Pinned { text: t, .. } => t,
        }
    }

    pub fn secret(&self) -> Option<&str> {
        match self {
            Example::Text(_) => None,
            Example::Pinned { secret, .. } => Some(secret),
        }
    }
}
