//! Markdown → styled, wrapped lines for a pane (headings, lists, emphasis, tables, fenced code
//! highlighted with syntect, CJK and emoji widths). Not yet implemented: plain text for now.

use ratatui::text::Line;

use super::theme::Theme;

/// Render `text` as markdown wrapped to `width` columns.
pub fn render(text: &str, _width: u16, _theme: &Theme) -> Vec<Line<'static>> {
    text.lines().map(|l| Line::raw(l.to_string())).collect()
}
