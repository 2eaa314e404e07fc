//! Control characters in scanned names and text, shown escaped so a crafted file name cannot
//! drive the terminal.

/// Control characters (a crafted file name's terminal escapes, say) shown escaped.
pub fn escape_control(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\t' => "\\t".to_string(),
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// Text for XML and HTML content and attribute values: the five markup characters as
/// entities, and the control characters XML 1.0 cannot carry even escaped shown as `\u{..}`.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_control, escape_markup};

    #[test]
    fn markup_characters_and_controls_are_escaped() {
        assert_eq!(
            escape_markup("<a href=\"x\">Tom & 'Jerry'</a>\u{7}"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;\\u{7}"
        );
        assert_eq!(escape_markup("tab\tstays"), "tab\tstays");
    }

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_control("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_control("plain"), "plain");
    }
}
