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
fn printable(byte: u8) -> bool {
    matches!(byte, b' '..=b'~' | b'\t' | b'\n' | b'\r')
}

impl Strings {
    /// The runs of `bytes`: ASCII runs, then UTF-16LE ones (an ASCII character and a NUL, as
    /// Windows and Java write strings), each at least `MIN_RUN` characters long.
    pub fn of(bytes: &[u8]) -> Strings {
        let mut strings = Strings {
            text: Vec::new(),
            runs: Vec::new(),
        };
        let mut at = 0;
        while at < bytes.len() {
            let len = bytes[at..].iter().take_while(|&&b| printable(b)).count();
            if len >= MIN_RUN {
                strings.push(at, 1, bytes[at..at + len].iter().copied());
            }
            at += len.max(1);
        }
        let wide = |i: usize| i + 1 < bytes.len() && printable(bytes[i]) && bytes[i + 1] == 0;
        let mut at = 0;
        while at + 1 < bytes.len() {
            if !wide(at) {
                at += 1;
                continue;
            }
            let mut end = at;
            while wide(end) {
                end += 2;
            }
            if (end - at) / 2 >= MIN_RUN {
                strings.push(at, 2, bytes[at..end].iter().step_by(2).copied());
            }
            at = end;
        }
        strings
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
    fn short_runs_are_left_out() {
        assert!(Strings::of(b"\0abc\0defg\0").text.is_empty());
    }
}
