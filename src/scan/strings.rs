//! The printable runs of a binary blob, as `strings` finds them: a token compiled into a `.class`,
//! a `.pyc`, a SQLite page or a UTF-16 file without a byte-order mark is still text, only
//! surrounded by bytes that are not. The runs are laid out as lines of one text, which the
//! rules scan like any other, and each offset in it maps back to the blob's own bytes.

/// Shorter runs are noise in a binary (an opcode that happens to be a letter); no secret a rule
/// matches is this short.
pub const MIN_RUN: usize = 8;

/// A binary blob's printable runs, each on its own line.
pub struct Strings {
    pub text: Vec<u8>,
    runs: Vec<Run>,
}

/// Where one run sits in the text and in the blob; `stride` is 1 for ASCII, 2 for UTF-16LE.
#[derive(Debug, Clone, Copy)]
struct Run {
    text_start: usize,
    blob_start: usize,
    stride: usize,
}

/// Printable ASCII, tab and line ends: a PEM block inside a binary stays one run.
const PRINTABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b' '..=b'~' | b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table
};

/// Whether the 64 bytes from `at` are all NUL (disk images and sparse files are mostly that):
/// no run starts or continues there, so both passes skip the block at once.
fn zero_block(bytes: &[u8], at: usize) -> bool {
    bytes.get(at..at + 64).is_some_and(|block| {
        block
            .chunks_exact(8)
            .all(|word| u64::from_ne_bytes(word.try_into().unwrap()) == 0)
    })
}

impl Strings {
    /// The runs of `bytes`, in the order they end: ASCII runs and UTF-16LE ones (an ASCII
    /// character and a NUL, as Windows and Java write strings), each at least `MIN_RUN`
    /// characters long. One table lookup per byte, and blocks of NULs skipped whole.
    pub fn of(bytes: &[u8]) -> Strings {
        let mut strings = Strings {
            text: Vec::new(),
            runs: Vec::new(),
        };
        // Run lengths so far: ASCII, and UTF-16LE at even and odd offsets. A byte extends or
        // resets a run without a branch; only the rare end of a long run takes one.
        let mut ascii = 0usize;
        let mut wide = [0usize; 2];
        let mut block = 0;
        while block < bytes.len() {
            let end = (block + 64).min(bytes.len());
            if ascii == 0 && wide == [0, 0] && zero_block(bytes, block) {
                block = end;
                continue;
            }
            for at in block..end {
                let byte = bytes[at];
                let printable = usize::from(PRINTABLE[byte as usize]);
                if printable == 0 && ascii >= MIN_RUN {
                    strings.push(at - ascii, 1, bytes[at - ascii..at].iter().copied());
                }
                ascii = (ascii + 1) * printable;
                let parity = at % 2;
                let pair = printable & usize::from(bytes.get(at + 1) == Some(&0));
                if pair == 0 && wide[parity] >= MIN_RUN {
                    strings.push_wide(bytes, at - 2 * wide[parity], at);
                }
                wide[parity] = (wide[parity] + 1) * pair;
            }
            block = end;
        }
        if ascii >= MIN_RUN {
            let from = bytes.len() - ascii;
            strings.push(from, 1, bytes[from..].iter().copied());
        }
        // A UTF-16 run still open has its last pair at the end (a pair at the last byte cannot
        // be one, so that alignment's run was closed in the loop).
        for pairs in wide {
            if pairs >= MIN_RUN {
                strings.push_wide(bytes, bytes.len() - 2 * pairs, bytes.len());
            }
        }
        strings
    }

    /// A UTF-16LE run from `start` to `end` (exclusive, pairs), if long enough.
    fn push_wide(&mut self, bytes: &[u8], start: usize, end: usize) {
        if (end - start) / 2 >= MIN_RUN {
            self.push(start, 2, bytes[start..end].iter().step_by(2).copied());
        }
    }

    fn push(&mut self, blob_start: usize, stride: usize, run: impl Iterator<Item = u8>) {
        self.runs.push(Run {
            text_start: self.text.len(),
            blob_start,
            stride,
        });
        self.text.extend(run);
        self.text.push(b'\n');
    }

    /// The blob offset of a text offset.
    pub fn blob_offset(&self, text_offset: usize) -> usize {
        let index = self
            .runs
            .partition_point(|r| r.text_start <= text_offset)
            .saturating_sub(1);
        match self.runs.get(index) {
            Some(run) => run.blob_start + (text_offset - run.text_start) * run.stride,
            None => text_offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_utf16_runs_map_back_to_their_bytes() {
        let mut blob = b"\0\x01\x02token=abcdefgh\0\x07ab\x01".to_vec();
        let wide_at = blob.len();
        for c in "password=s3cretvalue".bytes() {
            blob.extend([c, 0]);
        }
        blob.extend(b"\xff\xfe");
        let strings = Strings::of(&blob);
        assert_eq!(strings.text, b"token=abcdefgh\npassword=s3cretvalue\n");
        assert_eq!(strings.blob_offset(0), 3);
        assert_eq!(strings.blob_offset(6), 9);
        let password = strings.text.iter().position(|&b| b == b'p').unwrap();
        assert_eq!(strings.blob_offset(password), wide_at);
        assert_eq!(strings.blob_offset(password + 9), wide_at + 18);
    }

    #[test]
    fn runs_at_the_very_end_and_after_nul_blocks_are_kept() {
        let mut blob = vec![0u8; 200];
        blob.extend(b"tail=abcdefgh");
        let strings = Strings::of(&blob);
        assert_eq!(strings.text, b"tail=abcdefgh\n");
        assert_eq!(strings.blob_offset(0), 200);
        let mut wide = vec![0u8; 130];
        for c in "key=s3cretvalue".bytes() {
            wide.extend([c, 0]);
        }
        let strings = Strings::of(&wide);
        assert_eq!(strings.text, b"key=s3cretvalue\n");
        assert_eq!(strings.blob_offset(0), 130);
    }

    /// The runs as a plain reading of the definition finds them: (blob offset, stride, text).
    fn runs_by_definition(bytes: &[u8]) -> Vec<(usize, usize, Vec<u8>)> {
        let mut found = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let len = bytes[at..].iter().take_while(|&&b| PRINTABLE[b as usize]).count();
            if len >= MIN_RUN {
                found.push((at, 1, bytes[at..at + len].to_vec()));
            }
            at += len.max(1);
        }
        let wide = |i: usize| i + 1 < bytes.len() && PRINTABLE[bytes[i] as usize] && bytes[i + 1] == 0;
        for parity in 0..2 {
            let mut at = parity;
            while at < bytes.len() {
                let mut end = at;
                while wide(end) {
                    end += 2;
                }
                if (end - at) / 2 >= MIN_RUN {
                    found.push((at, 2, bytes[at..end].iter().step_by(2).copied().collect()));
                }
                at = end.max(at + 2);
            }
        }
        found.sort();
        found
    }

    proptest::proptest! {
        #[test]
        fn the_fast_pass_finds_the_runs_the_definition_gives(
            bytes in proptest::collection::vec(proptest::sample::select(b"\0\0\0ab=\n\x01\xff".to_vec()), 0..700),
        ) {
            let strings = Strings::of(&bytes);
            let mut found: Vec<(usize, usize, Vec<u8>)> = strings
                .runs
                .iter()
                .enumerate()
                .map(|(i, run)| {
                    let end = strings.runs.get(i + 1).map_or(strings.text.len(), |next| next.text_start) - 1;
                    (run.blob_start, run.stride, strings.text[run.text_start..end].to_vec())
                })
                .collect();
            found.sort();
            proptest::prop_assert_eq!(found, runs_by_definition(&bytes));
        }
    }

    #[test]
    fn short_runs_are_left_out() {
        assert!(Strings::of(b"\0abc\0defg\0").text.is_empty());
    }
}
