//! Encoded secrets: runs that look like base64, hex, percent-encoding, `\uXXXX`/`\xXX` escapes
//! or HTML character references (found by shape, not by keywords) are decoded and scanned
//! again, in place on their line, so that a Kubernetes Secret's `password: czNjcjN0…` reads as
//! `password: s3cr3t…` to the rules, and a bundle's `"\u0067\u0068\u0070_…"` as `"ghp_…"`.
//! Findings keep the encoded run's location.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

/// Shortest base64 run worth decoding: 16 characters hold 12 bytes, shorter than any secret
/// the rules look for with its context.
const MIN_BASE64_RUN: usize = 16;
/// Longest run decoded; longer ones are embedded files (images, fonts), not credentials.
const MAX_BASE64_RUN: usize = 16 * 1024;
/// Shortest hex run worth decoding: 16 bytes. Shorter runs are ids and colours; a hash is
/// longer, but decodes to bytes that are not text and is dropped.
const MIN_HEX_RUN: usize = 32;
/// How many nested encodings are undone (base64 of base64 of a token).
pub const MAX_DEPTH: usize = 2;

/// Which decoder revealed a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    Base64,
    Hex,
    Percent,
    /// `\uXXXX` and `\xXX`, as JSON, JavaScript, Python and C write them.
    Escape,
    /// HTML character references: `&#103;`, `&#x67;`, `&amp;`.
    Html,
}

impl Decoder {
    pub fn name(self) -> &'static str {
        match self {
            Decoder::Base64 => "base64",
            Decoder::Hex => "hex",
            Decoder::Percent => "percent",
            Decoder::Escape => "escape",
            Decoder::Html => "html",
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

/// Finds the encoded runs of `text` whose decoding is printable text. `first_long_run` finds where
/// runs of at least `MIN_BASE64_RUN` alphabet bytes start, 64 bytes at a time; only those runs
/// are widened, shape-tested and, when they pass, decoded.
pub fn decoded_runs(text: &[u8]) -> Vec<DecodedRun> {
    let mut runs = Vec::new();
    let len = text.len();
    let mut scanned_to = 0;
    while let Some(start) = first_long_run(text, scanned_to) {
        let mut shape = 0;
        let mut i = start;
        while i < len {
            let class = CLASS[text[i] as usize];
            if class == 0 {
                break;
            }
            shape |= class;
            i += 1;
        }
        scanned_to = i;
        let run_len = i - start;
        if !(MIN_BASE64_RUN..=MAX_BASE64_RUN).contains(&run_len) {
            continue;
        }
        let run = &text[start..i];
        if run_len >= MIN_HEX_RUN
            && run_len % 2 == 0
            && run.iter().all(u8::is_ascii_hexdigit)
            && let Some(decoded) = decode_hex(run)
            && printable(&decoded)
        {
            runs.push(in_line(text, start, i, decoded, Decoder::Hex));
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
    }
    // A run starts only at an escape that tells its encoding: `%` and a hex digit, `\u` or
    // `\x`, `&#`. One pass finds the three markers; the byte after each rules most out, so C's
    // `\n` and `&&` cost a comparison.
    let mut covered_to = [0usize; 3];
    for at in memchr::memchr3_iter(b'%', b'\\', b'&', text) {
        let next = text.get(at + 1).copied().unwrap_or(0);
        let (decoder, slot) = match (text[at], next) {
            (b'%', next) if next.is_ascii_hexdigit() => (Decoder::Percent, 0),
            (b'\\', b'u' | b'x') => (Decoder::Escape, 1),
            (b'&', b'#') => (Decoder::Html, 2),
            _ => continue,
        };
        if at < covered_to[slot] {
            continue;
        }
        // Every escape inside a run finds the same run and the same verdict: judge it once,
        // or a long line of escapes costs its length squared.
        let (end, run) = escaped_run(text, at, decoder);
        covered_to[slot] = end;
        runs.extend(run);
    }
    runs
}

fn decode_hex(run: &[u8]) -> Option<Vec<u8>> {
    run.chunks_exact(2)
        .map(|pair| Some(hex(pair.first())? * 16 + hex(pair.get(1))?))
        .collect()
}

/// The first position at or after `from` where a run of at least `MIN_BASE64_RUN`
/// base64-alphabet bytes starts, counting only bytes at or after `from`. Source text is mostly
/// words shorter than that: a 64-byte block's alphabet bytes become a bit mask, and sixteen set
/// bits in a row (checked with four shifts) are rare enough that whole blocks are passed over
/// in a few instructions.
fn first_long_run(text: &[u8], from: usize) -> Option<usize> {
    const _: () = assert!(MIN_BASE64_RUN == 16, "the shift cascade below checks 16 bits");
    let mut block = from / 64;
    let mut current = block_mask(text, block) & (u64::MAX << (from % 64));
    while block * 64 < text.len() {
        let next = block_mask(text, block + 1);
        let window = u128::from(current) | (u128::from(next) << 64);
        let mut starts = window & (window >> 1);
        starts &= starts >> 2;
        starts &= starts >> 4;
        starts &= starts >> 8;
        let starts = starts as u64;
        if starts != 0 {
            return Some(block * 64 + starts.trailing_zeros() as usize);
        }
        block += 1;
        current = next;
    }
    None
}

/// Bit `i` set when byte `64 * block + i` of `text` is in a base64 alphabet; 0 past the end.
fn block_mask(text: &[u8], block: usize) -> u64 {
    let start = block * 64;
    match text.get(start..start + 64) {
        Some(bytes) => alphabet_mask(bytes.try_into().expect("64 bytes")),
        None => {
            let mut padded = [0u8; 64];
            let tail = text.get(start..).unwrap_or_default();
            padded[..tail.len()].copy_from_slice(tail);
            alphabet_mask(&padded)
        }
    }
}

/// Which of 64 bytes are in a base64 alphabet (standard or URL-safe), as bits.
#[cfg(target_arch = "x86_64")]
fn alphabet_mask(bytes: &[u8; 64]) -> u64 {
    use std::arch::x86_64::*;
    let mut mask = 0u64;
    for (lane, chunk) in bytes.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of x86_64; the load reads 16 bytes of a 16-byte chunk.
        let bits = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast());
            let in_range = |offset: u8, span: u8, x: __m128i| {
                let t = _mm_sub_epi8(x, _mm_set1_epi8(offset as i8));
                _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(span as i8)), t)
            };
            // Setting bit 5 folds A-Z onto a-z and maps nothing else there.
            let letters = in_range(b'a', 25, _mm_or_si128(v, _mm_set1_epi8(0x20)));
            let digits = in_range(b'0', 9, v);
            let is = |byte: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8));
            let symbols = _mm_or_si128(_mm_or_si128(is(b'+'), is(b'/')), _mm_or_si128(is(b'-'), is(b'_')));
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letters, digits), symbols)) as u32 as u64
        };
        mask |= bits << (16 * lane);
    }
    mask
}

#[cfg(not(target_arch = "x86_64"))]
fn alphabet_mask(bytes: &[u8; 64]) -> u64 {
    bytes
        .iter()
        .enumerate()
        .fold(0, |mask, (i, &b)| mask | (u64::from(CLASS[b as usize] != 0) << i))
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

/// What one escape at the start of `bytes` stands for, how many bytes it takes, and whether it
/// counts as evidence of the encoding (a `\n` or `&amp;` alone is ordinary text).
struct Escape {
    decoded: Vec<u8>,
    len: usize,
    telling: bool,
}

fn escape_at(decoder: Decoder, bytes: &[u8]) -> Option<Escape> {
    let hex_digits = |from: usize, count: usize| -> Option<u32> {
        let digits = bytes.get(from..from + count)?;
        digits
            .iter()
            .try_fold(0u32, |n, &b| Some(n * 16 + u32::from(hex(Some(&b))?)))
    };
    let char_bytes = |c: char| c.to_string().into_bytes();
    match (decoder, bytes) {
        (Decoder::Percent, [b'%', ..]) => Some(Escape {
            decoded: vec![hex_digits(1, 2)? as u8],
            len: 3,
            telling: true,
        }),
        (Decoder::Escape, [b'\\', b'u', ..]) => {
            let unit = hex_digits(2, 4)?;
            if (0xD800..0xDC00).contains(&unit)
                && bytes.get(6..8) == Some(b"\\u")
                && let Some(low) = hex_digits(8, 4).filter(|l| (0xDC00..0xE000).contains(l))
            {
                let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?;
                return Some(Escape {
                    decoded: char_bytes(c),
                    len: 12,
                    telling: true,
                });
            }
            Some(Escape {
                decoded: char_bytes(char::from_u32(unit)?),
                len: 6,
                telling: true,
            })
        }
        (Decoder::Escape, [b'\\', b'x', ..]) => Some(Escape {
            decoded: vec![hex_digits(2, 2)? as u8],
            len: 4,
            telling: true,
        }),
        (Decoder::Escape, [b'\\', other, ..]) => {
            let decoded = match other {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'"' | b'\'' | b'\\' | b'/' => *other,
                _ => return None,
            };
            Some(Escape {
                decoded: vec![decoded],
                len: 2,
                telling: false,
            })
        }
        (Decoder::Html, [b'&', b'#', b'x' | b'X', ..]) => {
            let digits = bytes[3..].iter().take(6).take_while(|b| b.is_ascii_hexdigit()).count();
            (digits > 0 && bytes.get(3 + digits) == Some(&b';')).then_some(())?;
            Some(Escape {
                decoded: char_bytes(char::from_u32(hex_digits(3, digits)?)?),
                len: 4 + digits,
                telling: true,
            })
        }
        (Decoder::Html, [b'&', b'#', ..]) => {
            let digits = bytes[2..].iter().take(7).take_while(|b| b.is_ascii_digit()).count();
            (digits > 0 && bytes.get(2 + digits) == Some(&b';')).then_some(())?;
            let number: u32 = std::str::from_utf8(&bytes[2..2 + digits]).ok()?.parse().ok()?;
            Some(Escape {
                decoded: char_bytes(char::from_u32(number)?),
                len: 3 + digits,
                telling: true,
            })
        }
        (Decoder::Html, [b'&', ..]) => {
            const NAMED: [(&[u8], u8); 5] = [
                (b"amp;", b'&'),
                (b"lt;", b'<'),
                (b"gt;", b'>'),
                (b"quot;", b'"'),
                (b"apos;", b'\''),
            ];
            let (name, decoded) = NAMED.iter().find(|(name, _)| bytes[1..].starts_with(name))?;
            Some(Escape {
                decoded: vec![*decoded],
                len: 1 + name.len(),
                telling: false,
            })
        }
        _ => None,
    }
}

/// The run of text around an escape at `at` (up to whitespace or a quote, or a tag for HTML),
/// decoded, when it holds at least two escapes that tell the encoding (one, for an HTML numeric
/// reference) and decodes to printable single-line text; and where the run ends, decoded or
/// not, so that the escapes after `at` in it are not judged again.
fn escaped_run(text: &[u8], at: usize, decoder: Decoder) -> (usize, Option<DecodedRun>) {
    // Runs start only at an escape that tells the encoding: C's many `\n`s cost one look each.
    let Some(first) = escape_at(decoder, &text[at..]).filter(|e| e.telling) else {
        return (at, None);
    };
    if decoder == Decoder::Percent && !reserved_escape(text, at) {
        return (at, None);
    }
    let stops: &[u8] = match decoder {
        Decoder::Html => b"\"'`<>",
        _ => b"\"'`",
    };
    let line_end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |p| at + p);
    let mut start = at;
    while start > 0 && !text[start - 1].is_ascii_whitespace() && !stops.contains(&text[start - 1]) {
        start -= 1;
    }
    let mut end = at + first.len;
    while end < line_end && !text[end].is_ascii_whitespace() && !stops.contains(&text[end]) {
        end += 1;
    }
    let run = &text[start..end];
    let mut decoded = Vec::with_capacity(run.len());
    let mut telling = 0;
    let mut i = 0;
    while i < run.len() {
        match escape_at(decoder, &run[i..]) {
            Some(escape) => {
                decoded.extend_from_slice(&escape.decoded);
                telling += usize::from(escape.telling);
                i += escape.len;
            }
            None => {
                decoded.push(run[i]);
                i += 1;
            }
        }
    }
    let enough = match decoder {
        Decoder::Html => telling >= 1,
        _ => telling >= 2,
    };
    if !enough || !printable(&decoded) || decoded.contains(&b'\n') {
        return (end, None);
    }
    (end, Some(in_line(text, start, end, decoded, decoder)))
}

fn hex(b: Option<&u8>) -> Option<u8> {
    let b = *b?;
    (b as char).to_digit(16).map(|d| d as u8)
}

/// How much of the run's line on either side is kept around the decoded text: enough for the
/// `password = "` or `Authorization: Basic` a rule looks for before a value, and a bound, so
/// that a minified line holding thousands of runs is not copied and rescanned for each one.
const LINE_CONTEXT: usize = 256;

/// The run's line (at most `LINE_CONTEXT` bytes of it either side) with the run replaced by
/// `decoded`.
fn in_line(text: &[u8], start: usize, end: usize, decoded: Vec<u8>, decoder: Decoder) -> DecodedRun {
    let before = start.saturating_sub(LINE_CONTEXT);
    let line_start = memchr::memrchr(b'\n', &text[before..start]).map_or(before, |p| before + p + 1);
    let after = (end + LINE_CONTEXT).min(text.len());
    let line_end = memchr::memchr(b'\n', &text[end..after]).map_or(after, |p| end + p);
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

    /// The runs a byte-by-byte search finds: maximal runs of alphabet bytes, 16 or longer.
    fn long_runs_byte_by_byte(text: &[u8]) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut run_start = None;
        for (i, &b) in text.iter().chain(std::iter::once(&b' ')).enumerate() {
            match (CLASS[b as usize] != 0, run_start) {
                (true, None) => run_start = Some(i),
                (false, Some(start)) => {
                    if i - start >= MIN_BASE64_RUN {
                        starts.push(start);
                    }
                    run_start = None;
                }
                _ => {}
            }
        }
        starts
    }

    fn long_runs_by_blocks(text: &[u8]) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut from = 0;
        while let Some(start) = first_long_run(text, from) {
            starts.push(start);
            from = start + text[start..].iter().take_while(|&&b| CLASS[b as usize] != 0).count();
        }
        starts
    }

    proptest::proptest! {
        #[test]
        fn block_masks_find_the_runs_a_byte_loop_finds(
            text in proptest::collection::vec(proptest::sample::select(b"aZ09+/-_ =.\n\x80".to_vec()), 0..600),
            runs in proptest::collection::vec((0usize..600, 10usize..40), 0..6),
        ) {
            // Long runs at random places, so that blocks' edges cut through them.
            let mut text = text;
            for (at, len) in runs {
                let at = at.min(text.len());
                text.splice(at..at, std::iter::repeat_n(b'Q', len));
            }
            proptest::prop_assert_eq!(long_runs_by_blocks(&text), long_runs_byte_by_byte(&text));
        }
    }

    #[test]
    fn every_alphabet_byte_and_no_other_is_in_the_mask() {
        for byte in 0..=255u8 {
            let mut block = [b' '; 64];
            block[37] = byte;
            let expected = u64::from(CLASS[byte as usize] != 0) << 37;
            assert_eq!(alphabet_mask(&block), expected, "byte {byte:#x}");
        }
    }

    fn decoded(text: &[u8]) -> Vec<(Decoder, String)> {
        decoded_runs(text)
            .into_iter()
            .map(|r| {
                (
                    r.decoder,
                    String::from_utf8_lossy(&r.text[r.decoded_start..r.decoded_end]).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn hex_escapes_and_html_references_are_decoded() {
        let hex: String = "token=s3cr3t-value!".bytes().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            decoded(format!("x = {hex}\n").as_bytes()),
            [(Decoder::Hex, "token=s3cr3t-value!".into())]
        );
        // A hash is hex too, but not text.
        assert!(decoded(b"sha = 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n").is_empty());
        assert_eq!(
            decoded(br#"{"k": "\u0067\u0068p_abc\x2Fdef"}"#),
            [(Decoder::Escape, "ghp_abc/def".into())]
        );
        // A surrogate pair is one character (not ASCII, so not a run worth scanning).
        let pair = escape_at(Decoder::Escape, br"\ud83d\ude00").unwrap();
        assert_eq!((pair.decoded, pair.len), ("\u{1F600}".as_bytes().to_vec(), 12));
        // One escape, or only ordinary ones, is ordinary text.
        assert!(decoded(br#"printf("a\n\tb\x41")"#).is_empty());
        assert_eq!(
            decoded(b"<p>&#103;&#x68;p_x&amp;y</p>"),
            [(Decoder::Html, "ghp_x&y".into())]
        );
        assert!(decoded(b"<p>Tom &amp; Jerry</p>").is_empty());
        assert!(decoded(b"&#99999999;&#xZZ;").is_empty());
    }

    #[test]
    fn percent_encoding_is_decoded() {
        let runs = decoded_runs(b"url = postgres://app:p%40ss%2Fw0rd@db/app\n");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].decoder, Decoder::Percent);
        assert!(String::from_utf8_lossy(&runs[0].text).contains("p@ss/w0rd"));
    }
}
