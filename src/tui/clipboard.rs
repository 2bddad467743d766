//! Clipboard through OSC 52: the terminal sets the system clipboard, over SSH too.

use base64::Engine as _;

/// The OSC 52 sequence that puts `text` on the clipboard. The text is ours to send (a model's
/// answer already cleaned of control sequences), base64-encoded so nothing in it is interpreted.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_so_nothing_is_interpreted() {
        let s = super::osc52("hi\x07\x1b");
        assert_eq!(s, "\x1b]52;c;aGkHGw==\x07");
    }
}
