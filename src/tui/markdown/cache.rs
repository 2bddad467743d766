//! [`MdCache`]: the per-pane layout cache (see the module docs of `markdown`).

use ratatui::style::Style;
use ratatui::text::Line;

use super::chunk;
use std::cell::Cell;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::highlight::{self, Budget, Highlighter, Memo};
use super::layout::{self, Ctx, HlRun};
use crate::sanitize::clean;
use crate::tui::theme::Theme;

/// How long one `sync` may spend highlighting code before leaving the rest for later frames.
const HIGHLIGHT_BUDGET: Duration = Duration::from_millis(1);

/// Lines of a code block highlighted per call even past the budget, so that work progresses.
const PROGRESS_LINES: usize = 8;

/// A finished chunk whose code is not fully highlighted yet.
#[derive(Clone, Debug)]
struct Pending {
    start: usize,
    end: usize,
    line_start: usize,
    line_len: usize,
}

/// The laid-out lines of one pane's markdown, kept up to date as text streams in.
#[derive(Clone, Debug, Default)]
pub struct MdCache {
    /// The raw text laid out so far.
    text: String,
    width: u16,
    theme: Option<Theme>,
    lines: Vec<Line<'static>>,
    /// Lines that belong to finished chunks (they never change until a reset).
    finished_lines: usize,
    /// Byte offset where the last (still growing) chunk starts.
    tail_start: usize,
    /// The last chunk has code not highlighted yet.
    tail_pending: bool,
    /// Finished chunks with code not highlighted yet.
    pending: Vec<Pending>,
    /// Highlighting done so far, by chunk start offset (kept across width changes).
    memos: HashMap<usize, Vec<Option<Memo>>>,
    /// First line of the last window asked for: pending highlighting near it goes first.
    view: Cell<usize>,
}

impl MdCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bring the layout up to date with `text` (usually the old text plus an appended tail).
    ///
    /// Never waits: if syntect is not loaded yet it starts loading in the background and code is
    /// plain until then; syntax highlighting of new code gets about 1 ms per call, and code not
    /// highlighted yet (see [`MdCache::has_pending`]) is done in later calls, nearest to the
    /// last window asked for first.
    pub fn sync(&mut self, text: &str, width: u16, theme: &Theme) {
        let deadline = Instant::now() + HIGHLIGHT_BUDGET;
        self.sync_with(text, width, theme, highlight::if_ready(), Some(deadline));
    }

    /// Like [`MdCache::sync`] but complete: waits for syntect and highlights all code.
    pub fn sync_complete(&mut self, text: &str, width: u16, theme: &Theme) {
        self.sync_with(text, width, theme, Some(highlight::blocking()), None);
    }

    /// Some code is still shown plain and later `sync` calls will highlight it: draw again
    /// soon (even if nothing else changed).
    pub fn has_pending(&self) -> bool {
        self.tail_pending || !self.pending.is_empty()
    }

    /// Number of laid-out lines.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The lines `start..start + count`, clamped to what exists (the visible window).
    pub fn lines(&self, start: usize, count: usize) -> &[Line<'static>] {
        self.view.set(start);
        let start = start.min(self.lines.len());
        let end = start.saturating_add(count).min(self.lines.len());
        &self.lines[start..end]
    }

    pub(crate) fn into_lines(self) -> Vec<Line<'static>> {
        self.lines
    }

    pub(super) fn sync_with(
        &mut self,
        text: &str,
        width: u16,
        theme: &Theme,
        hl: Option<&'static Highlighter>,
        deadline: Option<Instant>,
    ) {
        let new_text = !text.starts_with(self.text.as_str());
        let new_theme = self.theme.as_ref() != Some(theme);
        if new_text || new_theme {
            self.memos.clear();
        }
        if new_text || new_theme || self.width != width {
            self.reset(width, theme);
        } else if text.len() == self.text.len() && !self.has_pending() {
            return;
        }
        let grew = text.len() > self.text.len() || self.lines.is_empty();
        self.text.push_str(&text[self.text.len()..]);
        let ctx = Ctx {
            width: usize::from(width),
            theme,
        };

        if grew || self.tail_pending {
            self.lines.truncate(self.finished_lines);
            let starts = chunk::starts(&self.text, self.tail_start);
            for (i, &start) in starts.iter().enumerate() {
                let end = starts.get(i + 1).copied().unwrap_or(self.text.len());
                let last = i + 1 == starts.len();
                if !self.lines.is_empty() {
                    self.lines.push(Line::default());
                }
                let line_start = self.lines.len();
                let mut out = std::mem::take(&mut self.lines);
                // Only the growing chunk and pending chunks are sure to progress past the deadline.
                let min_lines = if last { PROGRESS_LINES } else { 0 };
                let budget = Budget {
                    deadline,
                    min_lines,
                };
                let pending = self.layout_chunk(start, end, &ctx, hl, budget, &mut out);
                self.lines = out;
                if self.lines.len() == line_start && line_start > 0 {
                    // The chunk was empty: no separator either.
                    self.lines.pop();
                }
                if last {
                    self.tail_pending = pending;
                } else {
                    self.finished_lines = self.lines.len();
                    self.tail_start = end;
                    if pending {
                        let line_len = self.lines.len() - line_start;
                        self.pending.push(Pending {
                            start,
                            end,
                            line_start,
                            line_len,
                        });
                    }
                }
            }
        }
        self.highlight_pending(&ctx, hl, deadline);
    }

    /// Lay out pending chunks again (nearest to the view first) until the deadline.
    fn highlight_pending(
        &mut self,
        ctx: &Ctx<'_>,
        hl: Option<&'static Highlighter>,
        deadline: Option<Instant>,
    ) {
        if hl.is_none() {
            return;
        }
        let view = self.view.get();
        while !self.pending.is_empty() {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return;
            }
            let (i, _) = self
                .pending
                .iter()
                .enumerate()
                .min_by_key(|(_, p)| p.line_start.abs_diff(view))
                .unwrap_or((0, &self.pending[0]));
            let p = self.pending.remove(i);
            let mut out = Vec::with_capacity(p.line_len);
            let budget = Budget {
                deadline,
                min_lines: PROGRESS_LINES,
            };
            let still = self.layout_chunk(p.start, p.end, ctx, hl, budget, &mut out);
            let new_len = out.len();
            self.lines
                .splice(p.line_start..p.line_start + p.line_len, out);
            if new_len != p.line_len {
                let delta = new_len as isize - p.line_len as isize;
                self.finished_lines = self.finished_lines.saturating_add_signed(delta);
                for q in &mut self.pending {
                    if q.line_start > p.line_start {
                        q.line_start = q.line_start.saturating_add_signed(delta);
                    }
                }
            }
            if still {
                self.pending.push(Pending {
                    line_len: new_len,
                    ..p
                });
            }
        }
    }

    /// Lay out `text[start..end]` into `out`; true if some of its code is not highlighted yet.
    fn layout_chunk(
        &mut self,
        start: usize,
        end: usize,
        ctx: &Ctx<'_>,
        hl: Option<&'static Highlighter>,
        budget: Budget,
        out: &mut Vec<Line<'static>>,
    ) -> bool {
        let src = clean(&self.text[start..end]);
        let memos = self.memos.entry(start).or_default();
        let mut run = HlRun {
            hl,
            memos,
            budget,
            pending: false,
        };
        layout::layout(&src, ctx, &mut run, out);
        run.pending
    }

    fn reset(&mut self, width: u16, theme: &Theme) {
        self.text.clear();
        self.width = width;
        if self.theme.as_ref() != Some(theme) {
            self.theme = Some(theme.clone());
        }
        self.lines.clear();
        self.finished_lines = 0;
        self.tail_start = 0;
        self.tail_pending = false;
        self.pending.clear();
    }
}

/// Like [`MdCache`] for plain text (reasoning blocks): [`super::wrap_plain`] kept up to date as
/// text streams in. Complete lines (up to the last `\n`) are wrapped once; only the last,
/// growing line is wrapped again on each `sync`.
#[derive(Clone, Debug, Default)]
pub struct PlainCache {
    text: String,
    width: u16,
    style: Style,
    lines: Vec<Line<'static>>,
    finished_lines: usize,
    /// Byte offset just after the last `\n` wrapped so far.
    tail_start: usize,
}

impl PlainCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bring the wrapped lines up to date with `text`.
    pub fn sync(&mut self, text: &str, width: u16, style: Style) {
        if self.width != width || self.style != style || !text.starts_with(self.text.as_str()) {
            *self = PlainCache {
                width,
                style,
                ..PlainCache::default()
            };
        } else if text.len() == self.text.len() {
            return;
        }
        self.text.push_str(&text[self.text.len()..]);
        self.lines.truncate(self.finished_lines);
        let tail = &self.text[self.tail_start..];
        if let Some(nl) = tail.rfind('\n') {
            let done = &tail[..=nl];
            self.lines.extend(super::wrap_plain(done, width, style));
            self.finished_lines = self.lines.len();
            self.tail_start += nl + 1;
        }
        let rest = &self.text[self.tail_start..];
        self.lines.extend(super::wrap_plain(rest, width, style));
    }

    /// Number of wrapped lines.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The lines `start..start + count`, clamped to what exists.
    pub fn lines(&self, start: usize, count: usize) -> &[Line<'static>] {
        let start = start.min(self.lines.len());
        let end = start.saturating_add(count).min(self.lines.len());
        &self.lines[start..end]
    }
}
