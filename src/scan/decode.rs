//! Encoded secrets: runs that look like base64 or percent-encoding (found by shape, not by
//! keywords) are decoded and scanned again, in place on their line, so that a Kubernetes
//! Secret's `password: czNjcjN0…` reads as `password: s3cr3t…` to the rules. Findings keep the
//! encoded run's location.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

/// Shortest base64 run worth decoding: 16 characters hold 12 bytes, shorter than any secret
/// the rules look for with its context.
const MIN_BASE64_RUN: usize = 16;
/// Longest run decoded; longer ones are embedded files (images, fonts), not credentials.
const MAX_BASE64_RUN: usize = 16 * 1024;
/// How many nested encodings are undone (base64 of base64 of a token).
pub const MAX_DEPTH: usize = 2;

/// Which decoder revealed a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    Base64,
    Percent,
}

impl Decoder {
    pub fn name(self) -> &'static str {
        match self {
            Decoder::Base64 => "base64",
            Decoder::Percent => "percent",
        }
    }
}

/// An encoded run and the line around it with the run replaced by its decoding.
pub struct DecodedRun {
    pub decoder: Decoder,
    /// The encoded run's span in the original text.
    pub start: usize,
    pub end: usize,
    /// The run's line, the run replaced by its decoded text.
    pub text: Vec<u8>,
    /// Where the decoded bytes sit inside `text`.
    pub decoded_start: usize,
    pub decoded_end: usize,
}

/// Base64 as found in the wild: padding optional, trailing bits tolerated. Shared with the
/// checks that decode (JWT parts, Basic credentials).
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
pub const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
pub const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Decoded text is worth scanning when it is printable, single-line text.
fn printable(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\r' || b == b'\n')
}

/// What a byte is, as bits: each run's shape is the OR of its bytes' classes, gathered in the
/// same pass that finds the run.
const UPPER: u8 = 1;
const LOWER: u8 = 2;
const DIGIT: u8 = 4;
const UNDERSCORE: u8 = 8;
const PLUS: u8 = 16;
/// Any byte of the base64 alphabets (standard and URL-safe).
const BASE64: u8 = 32;

const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            UPPER | BASE64
        } else if c.is_ascii_lowercase() {
            LOWER | BASE64
        } else if c.is_ascii_digit() {
            DIGIT | BASE64
        } else if c == b'_' {
            UNDERSCORE | BASE64
        } else if c == b'+' {
            PLUS | BASE64
        } else if c == b'/' || c == b'-' {
            BASE64
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Finds the encoded runs of `text` whose decoding is printable text. One pass over the bytes;
/// only runs that pass the cheap shape test are decoded.
pub fn decoded_runs(text: &[u8]) -> Vec<DecodedRun> {
    let mut runs = Vec::new();
    let len = text.len();
    // Any run of MIN_BASE64_RUN alphabet bytes covers one of every MIN_BASE64_RUN-th position:
    // only those are probed, and a hit is widened to its whole run.
    let mut probe = MIN_BASE64_RUN - 1;
    let mut scanned_to = 0;
    while probe < len {
        let mut shape = CLASS[text[probe] as usize];
        if shape == 0 {
            probe += MIN_BASE64_RUN;
            continue;
        }
        let mut start = probe;
        while start > scanned_to {
            let class = CLASS[text[start - 1] as usize];
            if class == 0 {
                break;
            }
            shape |= class;
            start -= 1;
        }
        let mut i = probe + 1;
        while i < len {
            let class = CLASS[text[i] as usize];
            if class == 0 {
                break;
            }
            shape |= class;
            i += 1;
        }
        scanned_to = i;
        probe = i + MIN_BASE64_RUN;
        let run_len = i - start;
        if !(MIN_BASE64_RUN..=MAX_BASE64_RUN).contains(&run_len) {
            continue;
        }
        let has = |class: u8| shape & class != 0;
        // A base64 run mixes cases and digits; identifiers and words do not.
        let shaped = (has(UPPER) && has(LOWER) && (has(DIGIT) || run_len >= 24) && !has(UNDERSCORE)) || has(PLUS);
        if !shaped {
            continue;
        }
        let mut end = i;
        while end < len && end - i < 2 && text[end] == b'=' {
            end += 1;
        }
        if let Some(decoded) = decode_base64(&text[start..i])
            && printable(&decoded)
        {
            runs.push(in_line(text, start, end, decoded, Decoder::Base64));
        }
        scanned_to = end;
        probe = probe.max(end + MIN_BASE64_RUN);
    }
    for at in memchr::memchr_iter(b'%', text) {
        if runs
            .last()
            .is_some_and(|r: &DecodedRun| r.decoder == Decoder::Percent && at < r.end)
        {
            continue;
        }
        if let Some(run) = percent_run(text, at) {
            runs.push(run);
        }
    }
    runs
}

fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    let url_safe = run.iter().any(|&b| b == b'-' || b == b'_');
    let standard = run.iter().any(|&b| b == b'+' || b == b'/');
    if url_safe && standard {
        return None;
    }
    let engine = if url_safe { &URL_SAFE } else { &STANDARD };
    engine.decode(run).ok()
}

/// `%XX` at `at` escapes a character URLs reserve (`%40` for @, `%2F` for /); printf formats
/// such as `%02x` or `%s` do not.
fn reserved_escape(text: &[u8], at: usize) -> bool {
    match (hex(text.get(at + 1)), hex(text.get(at + 2))) {
        (Some(h), Some(l)) => b" !#$&'()*+,/:;=?@[]%".contains(&(h * 16 + l)),
        _ => false,
    }
}

/// A run of text with at least two `%XX` escapes, decoded.
fn percent_run(text: &[u8], at: usize) -> Option<DecodedRun> {
    if !reserved_escape(text, at) {
        return None;
    }
    let line_end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |p| at + p);
    let mut start = at;
    while start > 0 && !text[start - 1].is_ascii_whitespace() && !b"\"'`".contains(&text[start - 1]) {
        start -= 1;
    }
    let mut end = at;
    while end < line_end && !text[end].is_ascii_whitespace() && !b"\"'`".contains(&text[end]) {
        end += 1;
    }
    let run = &text[start..end];
    let escapes = run
        .windows(3)
        .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        .count();
    if escapes < 2 {
        return None;
    }
    let mut decoded = Vec::with_capacity(run.len());
    let mut i = 0;
    while i < run.len() {
        if run[i] == b'%'
            && let (Some(h), Some(l)) = (hex(run.get(i + 1)), hex(run.get(i + 2)))
        {
            decoded.push(h * 16 + l);
            i += 3;
            continue;
        }
        decoded.push(run[i]);
        i += 1;
    }
    if !printable(&decoded) || decoded.contains(&b'\n') {
        return None;
    }
    Some(in_line(text, start, end, decoded, Decoder::Percent))
}

fn hex(b: Option<&u8>) -> Option<u8> {
    let b = *b?;
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The run's line with the run replaced by `decoded`.
fn in_line(text: &[u8], start: usize, end: usize, decoded: Vec<u8>, decoder: Decoder) -> DecodedRun {
    let line_start = memchr::memrchr(b'\n', &text[..start]).map_or(0, |p| p + 1);
    let line_end = memchr::memchr(b'\n', &text[end..]).map_or(text.len(), |p| end + p);
    let mut line = Vec::with_capacity(line_end - line_start + decoded.len());
    line.extend_from_slice(&text[line_start..start]);
    let decoded_start = line.len();
    line.extend_from_slice(&decoded);
    let decoded_end = line.len();
    line.extend_from_slice(&text[end..line_end]);
    DecodedRun {
        decoder,
        start,
        end,
        text: line,
        decoded_start,
        decoded_end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_values_are_decoded_in_place() {
        let text = b"data:\n  password: UzNjcjN0UGFzc3cwcmQhMjM=\n";
        let runs = decoded_runs(text);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].text, b"  password: S3cr3tPassw0rd!23");
        assert_eq!(&text[runs[0].start..runs[0].end], b"UzNjcjN0UGFzc3cwcmQhMjM=");
    }

    #[test]
    fn binary_decodings_and_identifiers_are_skipped() {
        assert!(
            decoded_runs(b"integrity: sha512-9fQm2vNzL3xR7tP1kW8yB4cD6eF0gH2jK5lM8nO1pQ3rS6tU9vW2xY4zA7bC0dE==")
                .is_empty()
        );
        assert!(decoded_runs(b"some_long_identifier_name_here = 1").is_empty());
    }

    #[test]
    fn percent_encoding_is_decoded() {
        let runs = decoded_runs(b"url = postgres://app:p%40ss%2Fw0rd@db/app\n");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].decoder, Decoder::Percent);
        assert!(String::from_utf8_lossy(&runs[0].text).contains("p@ss/w0rd"));
    }
}
