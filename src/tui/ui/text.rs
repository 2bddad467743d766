//! Per-pane caches of rendered text (re-rendered only when the text or the width changed), and
//! the fenced code blocks of an answer (for copying).

use ratatui::text::Line;

use crate::tui::markdown;
use crate::tui::theme::Theme;

/// Rendered lines of one text at one width.
#[derive(Debug, Default)]
pub struct TextCache {
    width: u16,
    len: usize,
    theme: String,
    valid: bool,
    lines: Vec<Line<'static>>,
}

impl TextCache {
    /// Render `text` as markdown at `width` unless the cache already holds it.
    pub fn sync_markdown(&mut self, text: &str, width: u16, theme: &Theme) {
        if self.valid && self.width == width && self.len == text.len() && self.theme == theme.name {
            return;
        }
        self.lines = markdown::render(text, width, theme);
        self.width = width;
        self.len = text.len();
        self.theme.clone_from(&theme.name);
        self.valid = true;
    }

    /// Wrap `text` as plain lines in `style` at `width`.
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
        self.lines = wrap_plain(text, width, style);
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

/// Greedy wrap by display width (CJK and emoji count two columns).
pub fn wrap_plain(text: &str, width: u16, style: ratatui::style::Style) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthChar;
    let width = usize::from(width.max(1));
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let mut line = String::new();
        let mut w = 0;
        for c in raw.chars() {
            let cw = if c == '\t' { 4 } else { c.width().unwrap_or(0) };
            if w + cw > width && !line.is_empty() {
                out.push(Line::styled(std::mem::take(&mut line), style));
                w = 0;
            }
            if c == '\t' {
                line.push_str("    ");
            } else {
                line.push(c);
            }
            w += cw;
        }
        out.push(Line::styled(line, style));
    }
    out
}

/// Fenced code blocks of a markdown text: (language, code), in order.
pub fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String, String)> = None; // fence, lang, code
    for line in text.lines() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                for fence in ["```", "~~~"] {
                    if let Some(rest) = trimmed.strip_prefix(fence) {
                        let lang = rest.trim_start_matches(&fence[..1]).trim().to_string();
                        open = Some((fence.to_string(), lang, String::new()));
                        break;
                    }
                }
            }
            Some((fence, lang, code)) => {
                if trimmed.starts_with(fence.as_str())
                    && trimmed.trim_start_matches(&fence[..1]).trim().is_empty()
                {
                    out.push((std::mem::take(lang), std::mem::take(code)));
                    open = None;
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    if let Some((_, lang, code)) = open {
        out.push((lang, code));
    }
    out
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

    #[test]
    fn wraps_by_display_width() {
        let lines = wrap_plain("日本語のテキスト", 6, Default::default());
        let texts: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(texts, ["日本語", "のテキ", "スト"]);
        assert_eq!(wrap_plain("", 0, Default::default()).len(), 1);
    }
}
