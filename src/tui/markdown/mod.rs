//! Markdown → styled lines wrapped to a pane's width.
//!
//! Headings, paragraphs, emphasis/strong, inline code, links (text, then the URL muted), block
//! quotes, ordered/unordered/nested lists with hanging indent, task lists, horizontal rules,
//! tables (aligned by display width; cut with `…` or shown row by row when too wide) and fenced
//! code highlighted with syntect (language from the fence; unknown → plain). Code lines are never
//! re-flowed: a line longer than the pane is hard-wrapped and its continuation starts with `↪`.
//! Wrapping counts display width (CJK = 2 columns, emoji, combining marks) and breaks at grapheme
//! boundaries; CJK text breaks between any two characters; a word longer than the width is
//! broken. Streaming text is incomplete markdown: an unclosed ```` ``` ```` fence renders as code
//! so far (without a closing fence line) and never flips the rest of the pane.
//!
//! Every colour comes from the [`Theme`]'s slots (and its syntect theme for code).
//!
//! **Untrusted input.** Every function here runs the text through [`crate::sanitize::clean`]
//! first, so no escape sequence or control character reaches a cell; tabs become spaces.
//!
//! # API
//!
//! ```ignore
//! // Once at start-up: load syntect on a background thread (never on the first frame's path).
//! markdown::preload_highlighting();
//!
//! // One cache per pane, kept by the TUI in a RefCell next to the pane's text.
//! let mut cache = MdCache::new();
//! cache.sync(&pane.text, width, &theme);       // each frame; cheap when nothing changed
//! let total = cache.line_count();                // for the scrollbar / follow-the-tail
//! let visible = cache.lines(scroll, height);     // &[Line<'static>], the window to draw
//! if cache.has_pending() { /* code still plain: schedule another frame */ }
//!
//! render(text, width, &theme)        // uncached and complete (waits for syntect): tests, exports
//! wrap_plain(text, width, style)     // reasoning blocks: plain wrapping, no markdown
//! PlainCache::new() / .sync(text, width, style) / .lines(..)   // wrap_plain, cached per pane
//! code_blocks(text)                  // fenced/indented code blocks, for "copy code block"
//! ```
//!
//! `sync` never blocks: it spends at most about 1 ms per call on syntax highlighting. Code not
//! highlighted yet is drawn plain (same text, same line count, so scrolling is unaffected) and is
//! highlighted by later calls, the chunks nearest the last window passed to `lines` first; while
//! [`MdCache::has_pending`] is true the pane should be drawn again on the next tick.
//! `sync_complete` does everything at once (waits for syntect).
//!
//! # How the cache works
//!
//! The text is split into top-level chunks at blank lines followed by a line starting in column 0
//! outside a code fence (see `chunk.rs`); such a boundary never moves when text is appended. The
//! cache keeps the laid-out lines of every finished chunk and, on `sync`, lays out only the last
//! (still growing) chunk again, plus any chunks completed by the new text. It starts over when
//! the width, the theme or the text's start changes (a text that is not an extension of the
//! previous one). Chunks are separated by one blank line. A frame with nothing new costs a
//! comparison of the text and a slice.
//!
//! # Syntax highlighting and start-up
//!
//! syntect's syntax and theme sets take tens of milliseconds to load. They are loaded once into a
//! `OnceLock`: [`preload_highlighting`] starts that on a background thread (the workbench calls it
//! at start-up, so the first frame never waits), and `MdCache::sync` also starts it if needed.
//! Until it is loaded, `sync` renders code plain and marks it pending. Highlighting itself is
//! slow (syntect's pure-Rust regex engine: on the order of 0.1–1 ms per line), so it is resumable:
//! each code block keeps a memo (syntect's parse state after the lines done so far), which lets a
//! streaming code block highlight only its new lines, lets the time budget stop anywhere, and
//! survives width changes (only theme or text changes drop it).

mod cache;
mod chunk;
mod highlight;
mod layout;
mod table;
mod wrap;

#[cfg(test)]
mod tests;

use ratatui::style::Style;
use ratatui::text::Line;

use super::theme::Theme;
use crate::sanitize::clean;

pub use cache::{MdCache, PlainCache};
pub use highlight::{is_ready as highlighting_ready, preload as preload_highlighting};
pub use layout::CODE_CONTINUATION;

/// A code block of a markdown text, for "copy code block".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock {
    /// The fence's language (its first word), if any.
    pub lang: Option<String>,
    /// The code, cleaned of control sequences, ending with a newline unless empty.
    pub code: String,
}

/// Render `text` as markdown wrapped to `width` columns (uncached; waits for syntect to load).
pub fn render(text: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut cache = MdCache::new();
    cache.sync_complete(text, width, theme);
    cache.into_lines()
}

/// Wrap plain text (no markdown) to `width` columns in one style: for reasoning blocks.
/// Newlines are kept, leading spaces after a newline are kept, tabs become spaces.
pub fn wrap_plain(text: &str, width: u16, style: Style) -> Vec<Line<'static>> {
    let text = clean(text);
    let mut styled = wrap::Styled::default();
    styled.push(&text, style);
    let mut out = Vec::new();
    if text.is_empty() {
        return out;
    }
    wrap::wrap(&styled, usize::from(width), &[], &[], &mut out);
    out
}

/// Every code block (fenced or indented) in `text`, in order. An unclosed fence at the end (a
/// stream still running) counts, with the code received so far.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
    let text = clean(text);
    let mut out = Vec::new();
    let mut current: Option<CodeBlock> = None;
    for event in Parser::new_ext(&text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_string)
                    }
                    CodeBlockKind::Indented => None,
                };
                current = Some(CodeBlock {
                    lang,
                    code: String::new(),
                });
            }
            Event::Text(t) => {
                if let Some(c) = &mut current {
                    c.code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => out.extend(current.take()),
            _ => {}
        }
    }
    out.extend(current);
    out
}
