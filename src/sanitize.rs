//! Model output is untrusted text. Everything a model sends passes through [`clean`] before it
//! reaches a terminal (the TUI or stdout): escape sequences (CSI, OSC, DCS, ...), C0 controls other
//! than `\n` and `\t`, DEL and C1 controls are removed, so an answer can never move the cursor, set
//! the clipboard or the window title.

use std::borrow::Cow;

/// Remove terminal control sequences and control characters, keeping `\n` and `\t`.
/// `\r\n` becomes `\n`; a lone `\r` is dropped.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS / SOS / PM / APC introducers: skip their bodies too.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{7f}'
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_string(chars),
        // Two-byte sequences such as ESC 7, ESC c, or charset selection ESC ( B.
        Some('(') | Some(')') | Some('*') | Some('+') | Some('#') | Some('%') => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameter and intermediate bytes, then one final byte in 0x40..=0x7e.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            return;
        }
    }
}

/// OSC / DCS / APC / PM / SOS: everything up to BEL or ST (ESC \ or 0x9c).
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\x07' | '\u{9c}' => return,
            '\x1b' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            clean("héllo\n\tworld 日本"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn strips_sequences() {
        let evil = "a\x1b[2J\x1b[31mred\x1b[0m\x1b]52;c;aGVsbG8=\x07b\x1b]0;title\x1b\\c\u{9b}1;1Hd\re\x08f\x7fg";
        assert_eq!(clean(evil), "aredbcdefg");
    }

    #[test]
    fn unterminated_sequences_do_not_eat_forever_or_panic() {
        assert_eq!(clean("x\x1b["), "x");
        assert_eq!(clean("x\x1b]52;c;abc"), "x");
        assert_eq!(clean("\x1b"), "");
    }
}
