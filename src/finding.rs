//! `Finding`: what reporters print. Built from a `Match` and its blob's text and origin; secrets
//! are redacted here, once, so no reporter can forget to.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::origin::{Origin, SourceKind};
use crate::rules::{Rule, Severity};
use crate::scan::Match;

/// A reported secret. Field order and names are the JSON contract in DESIGN.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offset of the secret in a binary file, which has no lines (`line` is then 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    pub secret: String,
    pub line_text: String,
    pub entropy: f64,
    pub fingerprint: String,
    pub source: SourceKind,
    pub decoded: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub also_at: Option<Vec<String>>,
    /// History: whether the secret is still in the code at the tip of some branch (local or
    /// remote-tracking) or HEAD, which makes it the one to triage first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present_at_tip: Option<bool>,
    /// Path rules the file also matched (`.env`, `id_ed25519`): one secret, one finding, with
    /// both reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_rules: Vec<String>,
    /// With several repositories scanned at once: the repository (as shown, relative to the
    /// current directory) the finding is in; `path` then starts with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The path relative to the scanned root when `path` (shown relative to the current
    /// directory) differs: what a baseline records. In memory only.
    #[serde(skip)]
    pub root_path: Option<String>,
    /// The secret itself, kept in memory only (never serialised) for history's dedup of a
    /// secret carried across file versions.
    #[serde(skip)]
    pub raw_secret: Vec<u8>,
}

impl Finding {
    /// The order reporters print in: path, line, column (or offset), rule (then commit, for
    /// history).
    pub fn sort_key(&self) -> (&str, usize, usize, Option<u64>, &str, Option<&str>) {
        (
            &self.path,
            self.line,
            self.column,
            self.offset,
            &self.rule_id,
            self.commit.as_deref(),
        )
    }

    /// Where it is, as a person reads it: `path:line:column`, or `path@offset` in a binary.
    pub fn location(&self) -> String {
        match self.offset {
            Some(offset) => format!("{}@{offset}", self.path),
            None => format!("{}:{}:{}", self.path, self.line, self.column),
        }
    }

    /// Moves a finding made in a window of a larger blob to where the window sits: `lines`
    /// newlines before it, `columns` code points of its first line before it.
    pub fn shift(&mut self, lines: usize, columns: usize) {
        if self.line == 1 {
            self.column += columns;
        }
        if self.end_line == 1 {
            self.end_column += columns;
        }
        self.line += lines;
        self.end_line += lines;
    }
}

/// A stable identity for baselines: rule, path and secret, hashed; never the secret itself.
pub fn fingerprint(rule_id: &str, path: &str, secret: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule_id.as_bytes());
    hasher.update([0]);
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(secret);
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Most stars a redacted secret shows; a private key would otherwise print as a wall of them.
const MAX_STARS: usize = 36;

/// At most the first 4 characters, and never more than a quarter, stay visible. A private key's
/// armour line (`-----BEGIN OPENSSH PRIVATE KEY-----`) says what kind of key leaked and is no
/// part of the secret: it stays visible, the body is redacted.
pub fn redact(secret: &str) -> String {
    if let Some(rest) = secret.strip_prefix("-----BEGIN ")
        && let Some(end) = rest.find("-----")
    {
        let armour = &secret[..11 + end + 5];
        let body = &secret[armour.len()..];
        let stars = body.trim().chars().count().clamp(1, MAX_STARS);
        return format!("{armour}{}", "*".repeat(stars));
    }
    let count = secret.chars().count();
    let visible = (count / 4).min(4);
    let mut out: String = secret.chars().take(visible).collect();
    out.extend(std::iter::repeat_n('*', (count - visible).min(MAX_STARS)));
    out
}

/// Line starts of a text, computed once per blob that has matches.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte range of a 0-based line, without its `\n` or `\r\n`.
    pub fn line_range(&self, text: &[u8], line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).map_or(text.len(), |&next| next - 1);
        if end > start && text[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end)
    }

    /// 1-based line and column (in Unicode code points; an invalid byte counts as one).
    pub fn position(&self, text: &[u8], offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        (line + 1, code_points(&text[self.starts[line]..offset]) + 1)
    }
}

/// Code points in `bytes`, counting each invalid byte as one.
pub fn code_points(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|chunk| chunk.valid().chars().count() + chunk.invalid().len())
        .sum()
}

/// Characters of `line_text` kept around the match.
const LINE_TEXT_MAX: usize = 200;
/// How much context before the match stays when a long line is cut.
const LINE_TEXT_BEFORE: usize = 60;

/// Everything needed to turn the matches of one blob into findings.
pub struct BlobText<'a> {
    pub text: &'a [u8],
    pub lines: LineIndex,
    /// Secret spans of every match in the blob, redacted in every `line_text`.
    pub spans: Vec<(usize, usize)>,
}

impl<'a> BlobText<'a> {
    pub fn new(text: &'a [u8], matches: &[Match]) -> BlobText<'a> {
        BlobText {
            text,
            lines: LineIndex::new(text),
            spans: matches.iter().map(|m| (m.start, m.end)).collect(),
        }
    }

    /// The raw bytes of the line a match starts on (for inline allow comments).
    pub fn first_line(&self, m: &Match) -> &'a [u8] {
        let (start, end) = self.lines.line_range(self.text, self.lines.line_of(m.start));
        &self.text[start..end]
    }

    /// The match's first line, every secret on it redacted (unless shown), cut around the match.
    fn line_text(&self, m: &Match, show_secrets: bool) -> String {
        let (line_start, line_end) = self.lines.line_range(self.text, self.lines.line_of(m.start));
        let (start, end) = self.shown_part(line_start, line_end, m.start);
        let mut out = String::new();
        let mut at = start;
        let mut match_char = 0;
        let mut spans: Vec<(usize, usize)> = self
            .spans
            .iter()
            .filter(|(s, e)| *s < end && *e > start && e > s)
            .copied()
            .collect();
        spans.sort();
        for (s, e) in spans {
            let s = s.max(at);
            if s >= e {
                continue;
            }
            out.push_str(&String::from_utf8_lossy(&self.text[at..s]));
            if s == m.start {
                match_char = out.chars().count();
            }
            let shown_end = e.min(end);
            let secret = String::from_utf8_lossy(&self.text[s..shown_end]);
            if show_secrets {
                out.push_str(&secret);
            } else {
                out.push_str(&redact(&secret));
            }
            at = shown_end;
            if at >= end {
                break;
            }
        }
        if at < end {
            out.push_str(&String::from_utf8_lossy(&self.text[at..end]));
        }
        cut_around(&out, match_char)
    }

    /// The bytes of a line worth decoding for its shown text: all of it, unless it is so long
    /// (minified code, a one-line 200 MiB file) that `cut_around` would keep only a part; then a
    /// window around the match wide enough for that part, widened so that no secret is split
    /// (the cut happens after redaction) and no character either.
    fn shown_part(&self, line_start: usize, line_end: usize, at: usize) -> (usize, usize) {
        // Four times the shown characters, at up to 4 bytes each.
        const REACH: usize = 4 * 4 * LINE_TEXT_MAX;
        let mut start = line_start.max(at.saturating_sub(REACH));
        let mut end = line_end.min(at.saturating_add(REACH));
        for &(s, e) in &self.spans {
            if s < start && start < e {
                start = s.max(line_start);
            }
            if s < end && end < e {
                end = e.min(line_end);
            }
        }
        while start > line_start && (self.text[start] & 0xC0) == 0x80 {
            start -= 1;
        }
        while end < line_end && (self.text[end] & 0xC0) == 0x80 {
            end += 1;
        }
        (start, end)
    }

    /// Builds the reported finding for one match.
    pub fn finding(&self, rule: &Rule, m: &Match, origin: &Origin, show_secrets: bool) -> Finding {
        let secret_text = String::from_utf8_lossy(&m.secret).into_owned();
        let (line, column, end_line, end_column, line_text) = if rule.is_path_rule() {
            (1, 1, 1, 1, String::new())
        } else {
            let (line, column) = self.lines.position(self.text, m.start);
            let last = m.end.saturating_sub(1).max(m.start);
            let (end_line, end_column) = self.lines.position(self.text, last);
            (line, column, end_line, end_column + 1, self.line_text(m, show_secrets))
        };
        let fingerprint = fingerprint(&rule.id, origin.root_path(), &m.secret);
        let commit = origin.commit.as_deref();
        Finding {
            rule_id: rule.id.clone(),
            rule_name: rule.name.clone(),
            severity: rule.severity,
            path: origin.path.clone(),
            line,
            column,
            end_line,
            end_column,
            offset: None,
            secret: if show_secrets {
                secret_text.clone()
            } else {
                redact(&secret_text)
            },
            line_text,
            entropy: (crate::scan::entropy::shannon(&m.secret) * 100.0).round() / 100.0,
            fingerprint,
            source: origin.source,
            decoded: m.decoded.map(str::to_string),
            commit: commit.map(|c| c.id.clone()),
            author: commit.map(|c| c.author.clone()),
            email: commit.map(|c| c.email.clone()),
            date: commit.map(|c| c.date.clone()),
            message: commit.map(|c| c.message.clone()),
            also_at: commit.map(|_| Vec::new()),
            present_at_tip: None,
            also_rules: Vec::new(),
            repository: None,
            root_path: origin.root_relative.clone(),
            raw_secret: m.secret.clone(),
        }
    }
}

/// Cuts a long line to `LINE_TEXT_MAX` characters around the character at `focus`.
fn cut_around(line: &str, focus: usize) -> String {
    let count = line.chars().count();
    if count <= LINE_TEXT_MAX {
        return line.to_string();
    }
    let start = focus.saturating_sub(LINE_TEXT_BEFORE).min(count - LINE_TEXT_MAX);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(start).take(LINE_TEXT_MAX));
    if start + LINE_TEXT_MAX < count {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_at_most_a_quarter_and_four_chars() {
        assert_eq!(
            redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "ghp_************************************"
        );
        assert_eq!(redact("abcdefgh"), "ab******");
        assert_eq!(redact("abc"), "***");
        assert_eq!(
            redact("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"),
            format!("-----BEGIN OPENSSH PRIVATE KEY-----{}", "*".repeat(36))
        );
    }

    #[test]
    fn positions_count_code_points_and_handle_crlf() {
        let text = "a\r\nxé=SECRET\r\n".as_bytes();
        let index = LineIndex::new(text);
        let offset = text.windows(6).position(|w| w == b"SECRET").unwrap();
        assert_eq!(index.position(text, offset), (2, 4));
        assert_eq!(index.line_range(text, 1), (3, 13));
        assert_eq!(code_points(b"a\xffb"), 3);
    }

    #[test]
    fn fingerprint_ignores_line_but_not_path() {
        assert_eq!(fingerprint("r", "a.py", b"s"), fingerprint("r", "a.py", b"s"));
        assert_ne!(fingerprint("r", "a.py", b"s"), fingerprint("r", "b.py", b"s"));
        assert_eq!(fingerprint("r", "a.py", b"s").len(), 32);
    }
}
