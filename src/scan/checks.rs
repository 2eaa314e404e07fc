//! Structural checks that confirm a regex match: checksums, decodable structure, and for generic
//! rules the placeholder model that keeps `password = "changeme"` out of reports.

use base64::Engine;

use crate::rules::Check;

use super::decode;
use super::entropy::shannon;
use super::placeholder::{ascending_steps, distinct_bytes, periodic};

/// What a check may look at besides the secret itself.
pub struct CheckContext<'a> {
    /// The name the secret is assigned to, when the rule captures it (`(?P<key>…)`).
    pub key: Option<&'a [u8]>,
    /// Repo-relative path of the blob.
    pub path: &'a str,
    /// A few bytes of the text on either side of the secret, for checks that read how it is
    /// written (quoted or not, what follows it).
    pub before: &'a [u8],
    pub after: &'a [u8],
}

impl<'a> CheckContext<'a> {
    /// The context of `text[start..end]`, with up to `AROUND` bytes on either side.
    pub fn at(text: &'a [u8], start: usize, end: usize, key: Option<&'a [u8]>, path: &'a str) -> CheckContext<'a> {
        const AROUND: usize = 16;
        CheckContext {
            key,
            path,
            before: &text[start.saturating_sub(AROUND)..start],
            after: &text[end..(end + AROUND).min(text.len())],
        }
    }
}

pub fn passes(check: Check, secret: &[u8], ctx: &CheckContext) -> bool {
    match check {
        Check::Crc32Base62 => crc32_base62(secret),
        Check::Jwt => jwt(secret),
        Check::PrivateKey => private_key(secret),
        Check::GenericSecret => !generic_placeholder(secret, ctx),
        Check::UrlPassword => !url_password_placeholder(secret, ctx.key),
        Check::BasicAuth => basic_auth(secret),
    }
}

/// Base64 of `user:password` whose password is real (not empty, not a placeholder).
pub fn basic_auth(encoded: &[u8]) -> bool {
    use base64::Engine;
    let Ok(decoded) = decode::STANDARD.decode(encoded) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&decoded) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, password)) => {
            password.len() >= 4
                && text.chars().all(|c| !c.is_control())
                && !url_password_placeholder(password.as_bytes(), Some(user.as_bytes()))
        }
        None => false,
    }
}

/// Placeholder passwords of connection URLs and strings, and user names repeated as passwords.
pub fn url_password_placeholder(password: &[u8], user: Option<&[u8]>) -> bool {
    let value = String::from_utf8_lossy(password).to_ascii_lowercase();
    if user.is_some_and(|u| u.eq_ignore_ascii_case(password)) {
        return true;
    }
    const MARKERS: &[&str] = &["$", "{", "}", "<", ">", "%", "*", "[", "]"];
    const PLACEHOLDERS: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "changeme",
        "change_me",
        "example",
        "xxx",
        "your",
        "dummy",
        "fake",
        "sample",
        "placeholder",
        "redacted",
        "user",
        "username",
        "mypass",
    ];
    MARKERS.iter().any(|m| value.contains(m))
        || PLACEHOLDERS.iter().any(|p| value.contains(p))
        || repetitive(value.as_bytes())
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62 (`0-9A-Za-z`), zero-padded to 6 characters.
pub fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// GitHub's and npm's token checksum: the last 6 characters are the base62 CRC32 of the random
/// part between the last `_` and them.
pub fn crc32_base62(secret: &[u8]) -> bool {
    let body = match secret.iter().rposition(|&b| b == b'_') {
        Some(at) => &secret[at + 1..],
        None => secret,
    };
    if body.len() <= 6 {
        return false;
    }
    let (random, checksum) = body.split_at(body.len() - 6);
    base62_6(crc32fast::hash(random)) == checksum
}

/// A JWT's header and payload are base64url JSON objects, and the header names an `alg`.
pub fn jwt(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    let decode_object = |part: &[u8]| -> Option<serde_json::Map<String, serde_json::Value>> {
        let bytes = decode::URL_SAFE.decode(part).ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        }
    };
    match (decode_object(header), decode_object(payload)) {
        (Some(header), Some(_)) => header.get("alg").is_some_and(|a| a.is_string()),
        _ => false,
    }
}

/// A private key block holds key material: enough base64 that is not an ellipsis, a run of
/// `X`s or a repeated line, as documentation placeholders are.
pub fn private_key(block: &[u8]) -> bool {
    // Keys inside JSON or YAML strings carry escaped newlines.
    let text = String::from_utf8_lossy(block)
        .replace("\\r\\n", "\n")
        .replace("\\n", "\n");
    if text.contains("...") || text.contains('\u{2026}') {
        return false;
    }
    let body: Vec<u8> = text
        .lines()
        .filter(|l| !l.contains("-----") && !l.contains(':'))
        .flat_map(|l| l.bytes())
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        .collect();
    // A P-256 key, the smallest common one, has about 160 characters of body.
    body.len() >= 64 && shannon(&body) >= 4.5
}

/// Files whose values are hashes and ids by construction: never sources of generic findings.
fn never_generic_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    const NAMES: &[&str] = &[
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "cargo.lock",
        "poetry.lock",
        "pipfile.lock",
        "composer.lock",
        "gemfile.lock",
        "go.sum",
        "flake.lock",
        "packages.lock.json",
        "mix.lock",
        "pubspec.lock",
        "podfile.lock",
        "uv.lock",
        "bun.lock",
    ];
    NAMES.contains(&lower.as_str())
        || lower.ends_with(".lock")
        || lower.ends_with(".map")
        || lower.ends_with(".snap")
        || lower.ends_with(".min.js")
        || path.contains("__snapshots__/")
}

/// Key names that contain a secret word but name something that is not a secret.
fn benign_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    const PARTS: &[&str] = &[
        "hash",
        "sha",
        "md5",
        "digest",
        "checksum",
        "integrity",
        "fingerprint",
        "tokeniz",
        "_id",
        "-id",
        ".id",
        "name",
        "type",
        "path",
        "file",
        "url",
        "uri",
        "endpoint",
        "len",
        "size",
        "count",
        "max",
        "min",
        "num",
        "field",
        "header",
        "prefix",
        "suffix",
        "format",
        "policy",
        "version",
        "label",
        "regex",
        "pattern",
        "expir",
        "ttl",
        "timeout",
        "_at",
        "enabled",
        "required",
        "reset",
        "forgot",
        "confirm",
        "placeholder",
        "hint",
        "prompt",
        "input",
        "param",
        "mode",
        "scope",
        "index",
        "position",
        "strength",
        "rotation",
        "env",
    ];
    PARTS.iter().any(|p| key.contains(p)) || key.ends_with("id") || key.ends_with("ids")
}

/// Literal values that are references, templates, code or documentation, not secrets.
pub fn generic_placeholder(secret: &[u8], ctx: &CheckContext) -> bool {
    if never_generic_path(ctx.path) {
        return true;
    }
    if let Some(key) = ctx.key
        && benign_key(&String::from_utf8_lossy(key))
    {
        return true;
    }
    let Ok(value) = std::str::from_utf8(secret) else {
        return false;
    };
    let lower = value.to_ascii_lowercase();
    // References and templates: ${VAR}, $VAR, {{ var }}, %(var)s, <your-key>, os.environ[...].
    const MARKERS: &[&str] = &[
        "${",
        "{{",
        "}}",
        "%(",
        "%s",
        "<",
        ">",
        "(",
        ")",
        "[",
        "]",
        "process.env",
        "environ",
        "getenv",
        "env.",
        "secrets.",
        "vault:",
        "ref+",
        "arn:",
        "\\",
    ];
    if value.starts_with('$') || value.starts_with('@') || MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if looks_like_path(value) || is_type_annotation(value, ctx) {
        return true;
    }
    // Paths in code (`Token::RecursivePrefix`, `:symbol`), not literals.
    if value.contains("::") || value.starts_with(':') {
        return true;
    }
    // Format-string fields: `{name}`, `{0}`, `{}`.
    if let Some(open) = value.find('{')
        && value[open..].contains('}')
    {
        return true;
    }
    // An e-mail address names a mailbox, not a secret.
    if let Some(at) = value.find('@')
        && value[at..].contains('.')
        && !value.contains(':')
    {
        return true;
    }
    const STOPWORDS: &[&str] = &[
        "example",
        "sample",
        "dummy",
        "placeholder",
        "changeme",
        "change_me",
        "change-me",
        "your",
        "xxx",
        "***",
        "...",
        "redacted",
        "replace",
        "insert",
        "fake",
        "foobar",
        "password",
        "passwd",
        "secret",
        "token",
        "notreal",
        "not-real",
        "not_real",
        "todo",
        "fixme",
        "undefined",
        "null",
        "none",
        "true",
        "false",
        "string",
        "default",
        "mock",
        "test1234",
        "abc123",
        "qwerty",
        "letmein",
        "hunter2",
        "admin123",
        "lorem",
        "ipsum",
    ];
    if STOPWORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // A file name or a dotted identifier (`settings.api_key`, `key.pem`).
    if value.contains('.')
        && value
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-'))
    {
        return true;
    }
    // Words joined by separators (`my-secret-value`, `DATABASE_PASSWORD`): no digits, all letters.
    let has_digit = value.bytes().any(|b| b.is_ascii_digit());
    let letters_only = value
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-' || b == b'.');
    if letters_only && (!has_digit) {
        let all_case_one_way =
            value.bytes().all(|b| !b.is_ascii_lowercase()) || value.bytes().all(|b| !b.is_ascii_uppercase());
        if all_case_one_way || value.contains('_') || value.contains('-') {
            return true;
        }
    }
    if repetitive(value.as_bytes()) {
        return true;
    }
    false
}

/// A path, URL or MIME type (`/etc/app/token`, `config/secrets.yml`, `application/json`),
/// told apart from base64, whose 64-letter alphabet includes `/`: a random 40-character key holds
/// one about half the time, so "contains a slash" alone would drop that many real secrets.
/// A path has a root or a dot in front, an empty segment, a lower-case word of three letters or
/// more, or segments that are all words without digits; base64 segments rarely are any of these.
fn looks_like_path(value: &str) -> bool {
    if !value.contains('/') {
        return false;
    }
    if value.starts_with(['/', '.', '~']) || value.contains("//") || value.ends_with('/') {
        return true;
    }
    let word = |segment: &str, lower_only: bool| {
        segment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (!lower_only && b.is_ascii_uppercase()) || b"._-".contains(&b))
    };
    value
        .split('/')
        .any(|segment| segment.len() >= 3 && word(segment, true))
        || value.split('/').all(|segment| word(segment, false))
}

/// `MAX_PASS: D3DKMT_TYPE = 3` or a field `SharedKey: SslExpandFn,` in source code: the `:`
/// of a type annotation, which the generic rules read as a YAML-style assignment. The value is
/// an unquoted identifier followed by `=`, `,`, `;`, `)` or `{`; a literal would be quoted, and
/// in YAML, `.env` or a shell script, where values go unquoted, this never applies.
fn is_type_annotation(value: &str, ctx: &CheckContext) -> bool {
    const CODE: &[&str] = &[
        "rs", "ts", "tsx", "mts", "cts", "py", "pyi", "kt", "kts", "swift", "scala", "go", "dart", "hx",
    ];
    let extension = ctx.path.rsplit_once('.').map_or("", |(_, ext)| ext);
    let identifier = value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && value
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    if !identifier || !CODE.contains(&extension) {
        return false;
    }
    let before = ctx.before.trim_ascii_end();
    let after = ctx.after.trim_ascii_start();
    before.ends_with(b":")
        && !before.ends_with(b"::")
        && matches!(after.first(), Some(b'=' | b',' | b';' | b')' | b'{'))
        && !after.starts_with(b"==")
}

/// Runs of one character, short repeated patterns, and keyboard or alphabet sequences.
fn repetitive(value: &[u8]) -> bool {
    value.len() < 2
        || distinct_bytes(value) <= 3
        || periodic(value, 4)
        || ascending_steps(value) * 10 >= (value.len() - 1) * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> CheckContext<'static> {
        CheckContext {
            key: None,
            path: "app.py",
            before: b"",
            after: b"",
        }
    }

    #[test]
    fn crc32_base62_accepts_a_valid_token_and_rejects_a_changed_one() {
        let random = b"aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1";
        let mut token = b"ghp_".to_vec();
        token.extend_from_slice(random);
        token.extend_from_slice(&base62_6(crc32fast::hash(random)));
        assert!(crc32_base62(&token));
        token[10] = b'Z';
        assert!(!crc32_base62(&token));
    }

    #[test]
    fn jwt_needs_json_header_with_alg() {
        let good = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl";
        assert!(jwt(good.as_bytes()));
        let no_alg = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl";
        assert!(!jwt(no_alg.as_bytes()));
        assert!(!jwt(b"eyJhbGciOi.notjson.sig"));
    }

    #[test]
    fn placeholders_are_recognised() {
        for value in [
            "${DB_PASSWORD}",
            "{{ vault_token }}",
            "your-api-key-here",
            "<YOUR_TOKEN>",
            "changeme",
            "xxxxxxxxxxxx",
            "12345678",
            "abcdefghij",
            "settings.SECRET_KEY",
            "DATABASE_PASSWORD",
            "abcabcabcabc",
            "ghp_{body}{checksum}",
            "apache@localhost.localdomain",
            ":RecursiveZeroOrMore",
            "config/secrets.yml",
            "/run/secrets/db_password",
            "application/x-www-form-urlencoded",
            "Token/RecursivePrefix",
            "vendor/K8sClient2/Config",
        ] {
            assert!(
                generic_placeholder(value.as_bytes(), &ctx()),
                "{value} should be a placeholder"
            );
        }
        for value in [
            "Tr0ub4dor&3xK9q",
            "a8Fj2kQp9ZxL3mN7",
            "9f8e7d6c5b4a39281706f5e4",
            // Base64 keys hold `/` and `+`; they are not paths.
            "2OYzBCp/+N9pUq8Z3kLmWx7/iKBFRtYv1Hs5JdFg",
            "Hs5J/dFgA0cEiK7B2xq9LmPz",
        ] {
            assert!(!generic_placeholder(value.as_bytes(), &ctx()), "{value} should be kept");
        }
    }

    #[test]
    fn basic_auth_needs_a_real_password() {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert!(basic_auth(b64("deploy:Xq7vR2mK9pL4").as_bytes()));
        assert!(!basic_auth(b64("user:password").as_bytes()));
        assert!(!basic_auth(b64("admin:admin").as_bytes()));
        assert!(!basic_auth(b64("no-colon-here").as_bytes()));
        assert!(!basic_auth(b"not base64!"));
    }

    #[test]
    fn type_annotations_in_code_are_not_assignments() {
        let check = |path: &str, line: &str, value: &str| {
            let start = line.find(value).unwrap();
            let ctx = CheckContext::at(line.as_bytes(), start, start + value.len(), None, path);
            generic_placeholder(value.as_bytes(), &ctx)
        };
        assert!(check(
            "mod.rs",
            "pub const DEFRAG_PASS: D3DKMT_ESCAPETYPE = 3i32;",
            "D3DKMT_ESCAPETYPE"
        ));
        assert!(check(
            "mod.rs",
            "    pub ExpandPreSharedKey: SslExpandPreSharedKeyFn,",
            "SslExpandPreSharedKeyFn"
        ));
        assert!(check("auth.ts", "  adminSecret: AdminSecretType;", "AdminSecretType"));
        assert!(check("app.py", "shared_key: SharedKey1Type = load()", "SharedKey1Type"));
        // Values, not types: quoted, in YAML or .env, or a colon at the end of a comment line.
        assert!(!check("mod.rs", "const DB_PASS: &str = \"Xk39dLqP02\";", "Xk39dLqP02"));
        assert!(!check("values.yaml", "db_pass: Xk39dLqP02,", "Xk39dLqP02"));
        assert!(!check("app.py", "# db_pass: Xk39dLqP02", "Xk39dLqP02"));
        assert!(!check("app.py", "if db_pass: Xk39dLqP02 == other", "Xk39dLqP02"));
    }

    #[test]
    fn lock_files_never_yield_generic_findings() {
        let ctx = CheckContext {
            path: "web/package-lock.json",
            ..ctx()
        };
        assert!(generic_placeholder(b"a8Fj2kQp9ZxL3mN7", &ctx));
    }
}
