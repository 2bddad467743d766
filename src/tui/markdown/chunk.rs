//! Splitting markdown into top-level chunks that can be laid out on their own.
//!
//! A chunk boundary is the start of a line that begins in column 0 with a non-space character,
//! right after a blank line, outside a fenced code block. At such a point CommonMark has closed
//! every open block (paragraph, list, quote, table), so rendering chunk by chunk gives the same
//! blocks as rendering the whole (except that a link reference definition only applies inside
//! its own chunk). A boundary depends only on the text before it and the first character of the
//! line after it, so text appended later never moves an earlier boundary: that is what lets
//! [`MdCache`](super::MdCache) keep the layout of every chunk but the last.

/// Byte offsets where chunks start in `text[from..]`; `from` must itself be a chunk start (0, or
/// an offset returned earlier). The first element is `from`; the last chunk runs to the end.
pub(crate) fn starts(text: &str, from: usize) -> Vec<usize> {
    let mut out = vec![from];
    let mut fence: Option<(u8, usize)> = None;
    let mut prev_blank = false;
    let mut pos = from;
    let bytes = text.as_bytes();
    while pos < text.len() {
        let nl = memchr::memchr(b'\n', &bytes[pos..]).map(|i| pos + i);
        let line = &text[pos..nl.unwrap_or(text.len())];
        let first = line.as_bytes().first().copied();
        let starts_block = first.is_some_and(|b| !b.is_ascii_whitespace());
        if fence.is_none() && prev_blank && starts_block && pos > from {
            out.push(pos);
        }
        let Some(nl) = nl else { break };
        fence = next_fence_state(fence, line);
        prev_blank = line.trim().is_empty();
        pos = nl + 1;
    }
    out
}

/// Track fenced code: ```` ``` ```` / `~~~` (three or more) open a fence at any indentation;
/// the same character, at least as many, and nothing else, close it.
fn next_fence_state(fence: Option<(u8, usize)>, line: &str) -> Option<(u8, usize)> {
    let t = line.trim_start();
    let Some(&c) = t.as_bytes().first() else {
        return fence;
    };
    if c != b'`' && c != b'~' {
        return fence;
    }
    let run = t.bytes().take_while(|&b| b == c).count();
    match fence {
        Some((fc, n)) => {
            if c == fc && run >= n && t[run..].trim().is_empty() {
                None
            } else {
                fence
            }
        }
        None => {
            if run >= 3 && !(c == b'`' && t[run..].contains('`')) {
                Some((c, run))
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::starts;

    fn chunks(text: &str) -> Vec<&str> {
        let s = starts(text, 0);
        s.iter()
            .enumerate()
            .map(|(i, &a)| &text[a..s.get(i + 1).copied().unwrap_or(text.len())])
            .collect()
    }

    #[test]
    fn splits_at_blank_line_then_column_zero() {
        assert_eq!(chunks("a\nb\n\nc\n\n  d\n"), ["a\nb\n\n", "c\n\n  d\n"]);
        assert_eq!(
            chunks("- a\n\n  more\n- b\n\nx"),
            ["- a\n\n  more\n- b\n\n", "x"]
        );
    }

    #[test]
    fn never_splits_inside_a_fence() {
        let t = "```rust\nfn a() {}\n\nfn b() {}\n```\n\nafter";
        assert_eq!(
            chunks(t),
            ["```rust\nfn a() {}\n\nfn b() {}\n```\n\n", "after"]
        );
        assert_eq!(
            chunks("~~~\n```\n\nx\n~~~\n\ny"),
            ["~~~\n```\n\nx\n~~~\n\n", "y"]
        );
        assert_eq!(chunks("```\n\nopen"), ["```\n\nopen"]);
    }

    #[test]
    fn boundaries_of_a_prefix_are_boundaries_of_the_whole() {
        let t = "# T\n\npara one\n\n```\ncode\n\n```\n\n- a\n- b\n\n| x |\n|---|\n| 1 |\n\nend";
        let whole = starts(t, 0);
        for cut in 0..=t.len() {
            let part = starts(&t[..cut], 0);
            for b in &part[..part.len().saturating_sub(0)] {
                assert!(whole.contains(b), "cut {cut}: {b}");
            }
        }
    }
}
