//! [`MdCache`]: the per-pane layout cache (see the module docs of `markdown`).

use ratatui::text::Line;

use super::chunk;
use super::highlight::{self, Highlighter};
use super::layout::{self, Ctx};
use crate::sanitize::clean;
use crate::tui::theme::Theme;

/// The laid-out lines of one pane's markdown, kept up to date as text streams in.
#[derive(Debug, Default)]
pub struct MdCache {
    /// The raw text laid out so far.
    text: String,
    width: u16,
    theme: Option<Theme>,
    /// Was syntect available for the current layout?
    highlighted: bool,
    /// A code block with a language was laid out plain (syntect not loaded yet).
    plain_code: bool,
    lines: Vec<Line<'static>>,
    /// Lines that belong to finished chunks (they never change until a reset).
    finished_lines: usize,
    /// Byte offset where the last (still growing) chunk starts.
    tail_start: usize,
}

impl MdCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bring the layout up to date with `text` (usually the old text plus an appended tail).
    /// Starts loading syntect in the background if it is not loaded; code is plain until then.
    pub fn sync(&mut self, text: &str, width: u16, theme: &Theme) {
        self.sync_with(text, width, theme, highlight::if_ready());
    }

    /// Number of laid-out lines.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The lines `start..start + count`, clamped to what exists (the visible window).
    pub fn lines(&self, start: usize, count: usize) -> &[Line<'static>] {
        let start = start.min(self.lines.len());
        let end = start.saturating_add(count).min(self.lines.len());
        &self.lines[start..end]
    }

    pub(crate) fn into_lines(self) -> Vec<Line<'static>> {
        self.lines
    }

    pub(crate) fn sync_with(
        &mut self,
        text: &str,
        width: u16,
        theme: &Theme,
        hl: Option<&'static Highlighter>,
    ) {
        let hl_now = hl.is_some();
        let stale = self.width != width
            || self.theme.as_ref() != Some(theme)
            || (hl_now != self.highlighted && self.plain_code)
            || !text.starts_with(self.text.as_str());
        if stale {
            self.reset(width, theme);
        } else if text.len() == self.text.len() {
            return;
        }
        self.highlighted = hl_now;
        self.text.push_str(&text[self.text.len()..]);

        let ctx = Ctx {
            width: usize::from(width),
            theme,
            hl,
        };
        self.lines.truncate(self.finished_lines);
        let starts = chunk::starts(&self.text, self.tail_start);
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(self.text.len());
            self.layout_chunk(start, end, &ctx);
            if i + 1 < starts.len() {
                self.finished_lines = self.lines.len();
                self.tail_start = end;
            }
        }
    }

    fn layout_chunk(&mut self, start: usize, end: usize, ctx: &Ctx<'_>) {
        let src = clean(&self.text[start..end]);
        let mut out = Vec::new();
        self.plain_code |= layout::layout(&src, ctx, &mut out);
        if out.is_empty() {
            return;
        }
        if !self.lines.is_empty() {
            self.lines.push(Line::default());
        }
        self.lines.append(&mut out);
    }

    fn reset(&mut self, width: u16, theme: &Theme) {
        self.text.clear();
        self.width = width;
        if self.theme.as_ref() != Some(theme) {
            self.theme = Some(theme.clone());
        }
        self.plain_code = false;
        self.lines.clear();
        self.finished_lines = 0;
        self.tail_start = 0;
    }
}
