//! First look at a blob's bytes: UTF-16 transcoding (by BOM) and the binary test.

/// Bytes examined for a NUL, as git does.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// A NUL byte in the first 8 KiB marks a binary blob.
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}

/// UTF-16 text with a byte-order mark (as Windows tools write it) as UTF-8; `None` otherwise.
pub fn transcode_utf16(bytes: &[u8]) -> Option<Vec<u8>> {
    let little_endian = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|pair| {
        if little_endian {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some(text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_le_with_bom_is_transcoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "key=1\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(transcode_utf16(&bytes).unwrap(), b"key=1\n");
        assert!(transcode_utf16(b"plain").is_none());
    }

    #[test]
    fn nul_means_binary() {
        assert!(is_binary(b"ab\0cd"));
        assert!(!is_binary(b"abcd"));
    }
}
