//! Wrapping styled text to a width, by display width (unicode-width, as ratatui measures cells)
//! and at grapheme boundaries. Breaks go after spaces and between any two wide characters (CJK
//! needs no spaces), never before closing punctuation such as `。` or `）`. A word longer than the
//! width is broken between graphemes.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width of one grapheme cluster, as ratatui's buffer counts it.
pub(crate) fn grapheme_width(g: &str) -> usize {
    if g.len() == 1 {
        return usize::from(!g.as_bytes()[0].is_ascii_control());
    }
    g.width()
        + g.chars()
            .filter(|c| matches!(c, '\u{ff9e}' | '\u{ff9f}'))
            .count()
}

/// Display width of a string, grapheme by grapheme.
pub(crate) fn str_width(s: &str) -> usize {
    if s.is_ascii() {
        return s.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// `s.grapheme_indices(true)`, with a fast path for ASCII: between two ASCII characters there
/// is always a boundary except inside `\r\n`, so only text next to non-ASCII goes through
/// unicode-segmentation (the growing paragraph is wrapped again on every draw).
pub(crate) fn grapheme_indices(s: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let b = *bytes.get(i)?;
        let next = bytes.get(i + 1).copied();
        let len = if b.is_ascii()
            && next.is_none_or(|n| n.is_ascii())
            && !(b == b'\r' && next == Some(b'\n'))
        {
            1
        } else {
            s[i..].graphemes(true).next().map_or(1, str::len)
        };
        let start = i;
        i += len;
        Some((start, &s[start..i]))
    })
}

/// Styled text of one block, kept as one string plus style runs so that wrapped lines are byte
/// ranges of it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Styled {
    pub text: String,
    /// (end byte, style) runs covering `text` in order.
    runs: Vec<(usize, Style)>,
}

impl Styled {
    pub fn push(&mut self, s: &str, style: Style) {
        if s.is_empty() {
            return;
        }
        if s.contains('\t') {
            self.text.push_str(&s.replace('\t', "    "));
        } else {
            self.text.push_str(s);
        }
        let end = self.text.len();
        match self.runs.last_mut() {
            Some((e, st)) if *st == style => *e = end,
            _ => self.runs.push((end, style)),
        }
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.runs.clear();
    }

    pub fn width(&self) -> usize {
        str_width(&self.text)
    }

    /// The spans covering byte range `start..end`.
    pub fn spans(&self, start: usize, end: usize, out: &mut Vec<Span<'static>>) {
        if start >= end {
            return;
        }
        let mut i = self.runs.partition_point(|(e, _)| *e <= start);
        let mut pos = start;
        while pos < end && i < self.runs.len() {
            let (run_end, style) = self.runs[i];
            let stop = run_end.min(end);
            if stop > pos {
                push_span(out, &self.text[pos..stop], style);
            }
            pos = stop;
            i += 1;
        }
    }

    /// Iterate (grapheme, style) pairs.
    pub fn graphemes(&self) -> impl Iterator<Item = (usize, &str, Style)> + '_ {
        let mut run = 0;
        grapheme_indices(&self.text).map(move |(i, g)| {
            while run + 1 < self.runs.len() && self.runs[run].0 <= i {
                run += 1;
            }
            let style = self.runs.get(run).map(|r| r.1).unwrap_or_default();
            (i, g, style)
        })
    }
}

/// Append `s` to `out`, merging with the previous span when the style is the same.
pub(crate) fn push_span(out: &mut Vec<Span<'static>>, s: &str, style: Style) {
    if s.is_empty() {
        return;
    }
    if let Some(last) = out.last_mut()
        && last.style == style
    {
        last.content.to_mut().push_str(s);
        return;
    }
    out.push(Span::styled(s.to_string(), style));
}

/// Can a line break go between graphemes `a` and `b` (neither a space)?
fn break_between(a: &str, b: &str) -> bool {
    let wide = |g: &str| g.len() > 1 && grapheme_width(g) >= 2;
    if !(wide(a) || wide(b)) {
        return false;
    }
    let first = b.chars().next().unwrap_or(' ');
    let last = a.chars().next_back().unwrap_or(' ');
    !NO_BREAK_BEFORE.contains(first) && !NO_BREAK_AFTER.contains(last)
}

/// Closing punctuation that must not start a line (a short kinsoku list).
const NO_BREAK_BEFORE: &str = "、。，．,.：:；;！!？?）)」』】〕〉》］]｝}’”〜ー…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ%％";
/// Opening punctuation that must not end a line.
const NO_BREAK_AFTER: &str = "（(「『【〔〈《［[｛{‘“";

/// Wrap `text` into lines of at most `width` columns. The first line starts with `first`, the
/// others with `rest` (a hanging indent); both are cut down if the width is too small for them.
/// Spaces at a wrap point are dropped; `\n` in `text` is a hard break. A line holds at least one
/// grapheme, so a grapheme wider than the width (a CJK character at width 1) overflows.
pub(crate) fn wrap(
    text: &Styled,
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
    out: &mut Vec<Line<'static>>,
) {
    let mut w = Wrapper::new(text, width, first, rest, out);
    let mut word_start: Option<usize> = None;
    let mut word_w = 0;
    let mut prev: &str = "";
    for (i, g, _) in text.graphemes() {
        let is_space = g.chars().all(char::is_whitespace);
        if g == "\n" || g == "\r\n" || is_space {
            if let Some(s) = word_start.take() {
                w.word(s, i, word_w);
                word_w = 0;
            }
            if g == "\n" || g == "\r\n" {
                w.hard_break(i + g.len());
            } else {
                w.space(i, i + g.len(), grapheme_width(g));
            }
            prev = "";
            continue;
        }
        if let Some(s) = word_start
            && break_between(prev, g)
        {
            w.word(s, i, word_w);
            word_start = None;
            word_w = 0;
        }
        if word_start.is_none() {
            word_start = Some(i);
        }
        word_w += grapheme_width(g);
        prev = g;
    }
    if let Some(s) = word_start {
        w.word(s, text.text.len(), word_w);
    }
    w.finish();
}

struct Wrapper<'a> {
    text: &'a Styled,
    width: usize,
    first: Vec<Span<'static>>,
    rest: Vec<Span<'static>>,
    first_w: usize,
    rest_w: usize,
    out: &'a mut Vec<Line<'static>>,
    /// Lines emitted so far by this wrapper.
    emitted: usize,
    /// Content of the current line: byte range and width (trailing spaces excluded).
    start: Option<usize>,
    end: usize,
    used: usize,
    /// Spaces waiting after `end`: their width, and where they start.
    pending: usize,
    /// True at the start of a paragraph or after a hard break: leading spaces are kept.
    keep_leading: bool,
    /// The current line holds a word (not only leading spaces).
    has_word: bool,
}

impl<'a> Wrapper<'a> {
    fn new(
        text: &'a Styled,
        width: usize,
        first: &[Span<'static>],
        rest: &[Span<'static>],
        out: &'a mut Vec<Line<'static>>,
    ) -> Self {
        let width = width.max(1);
        let (first, first_w) = fit_prefix(first, content_room(width));
        let (rest, rest_w) = fit_prefix(rest, content_room(width));
        Wrapper {
            text,
            width,
            first,
            rest,
            first_w,
            rest_w,
            out,
            emitted: 0,
            start: None,
            end: 0,
            used: 0,
            pending: 0,
            keep_leading: true,
            has_word: false,
        }
    }

    fn avail(&self) -> usize {
        let p = if self.emitted == 0 {
            self.first_w
        } else {
            self.rest_w
        };
        self.width.saturating_sub(p).max(1)
    }

    fn emit(&mut self) {
        let prefix = if self.emitted == 0 {
            &self.first
        } else {
            &self.rest
        };
        let mut spans = prefix.clone();
        if let Some(s) = self.start {
            self.text.spans(s, self.end, &mut spans);
        }
        self.out.push(Line::from(spans));
        self.emitted += 1;
        self.start = None;
        self.used = 0;
        self.pending = 0;
        self.has_word = false;
    }

    fn space(&mut self, s: usize, e: usize, gw: usize) {
        if self.start.is_none() {
            if self.keep_leading && self.used + gw <= self.avail() {
                self.start = Some(s);
                self.end = e;
                self.used += gw;
            }
            return;
        }
        self.pending += gw;
    }

    fn word(&mut self, s: usize, e: usize, ww: usize) {
        let avail = self.avail();
        let only_indent = self.start.is_some() && !self.has_word;
        self.has_word = true;
        if self.start.is_some() && !only_indent && self.used + self.pending + ww > avail {
            self.emit();
            self.keep_leading = false;
        }
        let avail = self.avail();
        if ww <= avail.saturating_sub(self.used + self.pending)
            || (self.start.is_none() && ww <= avail)
        {
            if self.start.is_none() {
                self.start = Some(s);
            }
            self.end = e;
            self.used += self.pending + ww;
            self.pending = 0;
            return;
        }
        // A word longer than the line: break it between graphemes.
        for (off, g) in self.text.text[s..e].grapheme_indices(true) {
            let gw = grapheme_width(g);
            if self.start.is_some() && self.used + self.pending + gw > self.avail() {
                self.emit();
                self.keep_leading = false;
            }
            if self.start.is_none() {
                self.start = Some(s + off);
            }
            self.end = s + off + g.len();
            self.used += self.pending + gw;
            self.pending = 0;
            self.has_word = true;
        }
    }

    fn hard_break(&mut self, _after: usize) {
        self.emit();
        self.keep_leading = true;
    }

    fn finish(mut self) {
        if self.start.is_some() || self.emitted == 0 {
            self.emit();
        }
    }
}

/// How many columns a prefix may take at `width`: two columns are left for content (so that a
/// wide character fits) when there are two.
fn content_room(width: usize) -> usize {
    width.saturating_sub(2)
}

/// Cut a prefix to at most `max` columns.
pub(crate) fn fit_prefix(prefix: &[Span<'static>], max: usize) -> (Vec<Span<'static>>, usize) {
    let mut out = Vec::with_capacity(prefix.len());
    let mut used = 0;
    for span in prefix {
        let w = str_width(&span.content);
        if used + w <= max {
            out.push(span.clone());
            used += w;
            continue;
        }
        let mut cut = String::new();
        for g in span.content.graphemes(true) {
            let gw = grapheme_width(g);
            if used + gw > max {
                break;
            }
            cut.push_str(g);
            used += gw;
        }
        if !cut.is_empty() {
            out.push(Span::styled(cut, span.style));
        }
        break;
    }
    (out, used)
}

/// Hard-wrap one line of code (already styled segments) at `width`: no word wrapping, each
/// continuation starts with `marker` after the `prefix`.
pub(crate) fn hard_wrap(
    segments: &[(String, Style)],
    width: usize,
    prefix: &[Span<'static>],
    marker: &Span<'static>,
    out: &mut Vec<Line<'static>>,
) {
    let width = width.max(1);
    let (prefix, prefix_w) = fit_prefix(prefix, content_room(width));
    let marker_w = str_width(&marker.content);
    let mut spans = prefix.clone();
    let mut used = prefix_w;
    let mut has_content = false;
    for (text, style) in segments {
        for g in text.graphemes(true) {
            let gw = grapheme_width(g);
            if has_content && used + gw > width {
                out.push(Line::from(std::mem::replace(&mut spans, prefix.clone())));
                used = prefix_w;
                // The marker only if the grapheme still fits after it (a wide one may not).
                if used + marker_w + gw <= width {
                    spans.push(marker.clone());
                    used += marker_w;
                }
            }
            push_span(&mut spans, g, *style);
            used += gw;
            has_content = true;
        }
    }
    out.push(Line::from(spans));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str, width: usize) -> Vec<String> {
        let mut t = Styled::default();
        t.push(s, Style::default());
        let mut out = Vec::new();
        wrap(&t, width, &[], &[], &mut out);
        out.iter().map(|l| l.to_string()).collect()
    }

    proptest::proptest! {
        /// The ASCII fast path splits text exactly as unicode-segmentation does.
        #[test]
        fn fast_graphemes_match_unicode_segmentation(s in "[a-z \r\n\t#*0-9\u{301}\u{200d}\u{fe0f}👍🏽🇺🇸👨本é\u{1f3fb}]{0,40}") {
            let fast: Vec<(usize, &str)> = grapheme_indices(&s).collect();
            let slow: Vec<(usize, &str)> = s.grapheme_indices(true).collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn a_wide_grapheme_drops_the_continuation_marker_rather_than_overflow() {
        let segs = vec![("ab本c".to_string(), Style::default())];
        let mut out = Vec::new();
        hard_wrap(&segs, 3, &[], &Span::raw("↪ "), &mut out);
        let lines: Vec<String> = out.iter().map(|l| l.to_string()).collect();
        assert_eq!(lines, ["ab", "本c"]);
    }

    #[test]
    fn words_wrap_at_spaces() {
        assert_eq!(plain("the quick brown fox", 10), ["the quick", "brown fox"]);
        assert_eq!(plain("a  b", 10), ["a  b"]);
        assert_eq!(plain("abcdefghij klm", 4), ["abcd", "efgh", "ij", "klm"]);
    }

    #[test]
    fn cjk_wraps_between_characters() {
        let lines = plain("日本語の文章はスペースなしで折り返す。", 10);
        for l in &lines {
            assert!(l.width() <= 10, "{l:?}");
        }
        assert_eq!(lines.concat(), "日本語の文章はスペースなしで折り返す。");
        assert!(!lines.iter().any(|l| l.starts_with('。')));
    }

    #[test]
    fn hard_breaks_keep_leading_spaces() {
        assert_eq!(plain("a\n  b", 10), ["a", "  b"]);
        assert_eq!(plain("", 10), [""]);
    }
}
