//! Per-pane caches of rendered text (re-rendered only when the text or the width changed), and
//! the fenced code blocks of an answer (for copying).

use ratatui::text::Line;

use crate::tui::markdown;
use crate::tui::theme::Theme;

/// Wrapped plain lines of one text at one width (the reasoning block); the answer uses the
/// markdown module's incremental [`markdown::MdCache`].
#[derive(Debug, Default)]
pub struct TextCache {
    width: u16,
    len: usize,
    theme: String,
    valid: bool,
    lines: Vec<Line<'static>>,
}

impl TextCache {
    /// Wrap `text` as plain lines in `style` at `width` unless the cache already holds it.
    pub fn sync_plain(
        &mut self,
        text: &str,
        width: u16,
        theme: &Theme,
        style: ratatui::style::Style,
    ) {
        if self.valid && self.width == width && self.len == text.len() && self.theme == theme.name {
            return;
        }
        self.lines = markdown::wrap_plain(text, width, style);
        self.width = width;
        self.len = text.len();
        self.theme.clone_from(&theme.name);
        self.valid = true;
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    pub fn lines(&self, start: usize, count: usize) -> &[Line<'static>] {
        let start = start.min(self.lines.len());
        let end = start.saturating_add(count).min(self.lines.len());
        &self.lines[start..end]
    }
}

/// Code blocks of a markdown answer: (language, code), in order.
pub fn code_blocks(text: &str) -> Vec<(String, String)> {
    markdown::code_blocks(text)
        .into_iter()
        .map(|b| (b.lang.unwrap_or_default(), b.code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fenced_blocks_with_languages() {
        let t = "intro\n```rust\nfn main() {}\n```\ntext\n~~~\nplain\n~~~\n```py\nunclosed";
        let b = code_blocks(t);
        assert_eq!(b.len(), 3);
        assert_eq!(b[0], ("rust".to_string(), "fn main() {}\n".to_string()));
        assert_eq!(b[1], (String::new(), "plain\n".to_string()));
        assert_eq!(b[2].0, "py");
    }
}
