//! Laying out one chunk of markdown (see [`super::chunk`]) as styled lines: pulldown-cmark events
//! walked with a stack of containers (block quotes, list items) that give each line its prefix.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::highlight::{Budget, Highlighter, Memo};
use super::table;
use super::wrap::{self, Styled, str_width};
use crate::tui::theme::{Slot, Theme};

/// What a layout depends on besides the text.
pub(crate) struct Ctx<'a> {
    pub width: usize,
    pub theme: &'a Theme,
}

/// Highlighting for one chunk's layout.
pub(crate) struct HlRun<'m> {
    /// `None` while syntect is still loading: code is rendered plain.
    pub hl: Option<&'static Highlighter>,
    /// What was highlighted of each code block of the chunk, by index, kept across layouts.
    pub memos: &'m mut Vec<Option<Memo>>,
    /// How much new highlighting to do (the rest stays plain for now).
    pub budget: Budget,
    /// Out: code with a language was left plain (syntect not loaded, or out of time).
    pub pending: bool,
}

const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];
/// Shown at the start of a code line that continues a line too long for the pane.
pub const CODE_CONTINUATION: &str = "↪ ";

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

enum Container {
    Quote,
    Item { marker: String, used: bool },
}

struct List {
    next: Option<u64>,
    loose: bool,
}

struct Code {
    lang: Option<String>,
    text: String,
    closed: bool,
}

struct Table {
    aligns: Vec<pulldown_cmark::Alignment>,
    rows: Vec<(Vec<Styled>, bool)>,
    row: Vec<Styled>,
}

struct Renderer<'a, 'o, 'm> {
    ctx: &'a Ctx<'a>,
    hl: &'a mut HlRun<'m>,
    code_idx: usize,
    out: &'o mut Vec<Line<'static>>,
    first_line: usize,
    containers: Vec<Container>,
    lists: Vec<List>,
    inline: Styled,
    styles: Vec<Style>,
    need_blank: bool,
    links: Vec<(String, usize)>,
    code: Option<Code>,
    table: Option<Table>,
}

/// Lay out `src` (already cleaned of control sequences) and append its lines to `out`.
pub(crate) fn layout(src: &str, ctx: &Ctx<'_>, hl: &mut HlRun<'_>, out: &mut Vec<Line<'static>>) {
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(src, options()).into_offset_iter().collect();
    let first_line = out.len();
    let mut r = Renderer {
        ctx,
        hl,
        code_idx: 0,
        out,
        first_line,
        containers: Vec::new(),
        lists: Vec::new(),
        inline: Styled::default(),
        styles: Vec::new(),
        need_blank: false,
        links: Vec::new(),
        code: None,
        table: None,
    };
    for (i, (event, range)) in events.iter().enumerate() {
        let next_is_paragraph =
            matches!(events.get(i + 2), Some((Event::Start(Tag::Paragraph), _)));
        r.event(event, &src[range.clone()], next_is_paragraph);
    }
    r.flush();
    if let Some(code) = r.code.take() {
        r.code_block(code);
    }
}

impl Renderer<'_, '_, '_> {
    fn style(&self, slot: Slot) -> Style {
        self.ctx.theme.style(slot)
    }

    fn current(&self) -> Style {
        if let Some(s) = self.styles.last() {
            return *s;
        }
        let mut s = self.style(Slot::Base);
        if self
            .containers
            .iter()
            .any(|c| matches!(c, Container::Quote))
        {
            s = s.patch(self.style(Slot::Quote));
        }
        s
    }

    fn push_style(&mut self, slot: Slot) {
        let s = self.current().patch(self.style(slot));
        self.styles.push(s);
    }

    fn push_modifier(&mut self, m: Modifier) {
        let s = self.current().add_modifier(m);
        self.styles.push(s);
    }

    fn text(&mut self, t: &str) {
        let style = self.current();
        self.inline.push(t, style);
    }

    /// Prefixes for the first line of a block and for the lines after it. The first line takes
    /// the marker of every list item that has not shown its marker yet.
    fn prefixes(&mut self) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
        let quote = self.style(Slot::Quote);
        let marker_style = self.style(Slot::ListMarker);
        let mut first = Vec::new();
        let mut rest = Vec::new();
        for c in &mut self.containers {
            match c {
                Container::Quote => {
                    first.push(Span::styled("│ ", quote));
                    rest.push(Span::styled("│ ", quote));
                }
                Container::Item { marker, used } => {
                    let pad = " ".repeat(str_width(marker));
                    if *used {
                        first.push(Span::raw(pad.clone()));
                    } else {
                        first.push(Span::styled(marker.clone(), marker_style));
                        *used = true;
                    }
                    rest.push(Span::raw(pad));
                }
            }
        }
        (first, rest)
    }

    /// An empty line between blocks (keeping the bars of enclosing quotes).
    fn blank(&mut self) {
        let quote = self.style(Slot::Quote);
        let depth = self
            .containers
            .iter()
            .filter(|c| matches!(c, Container::Quote))
            .count();
        let mut spans = Vec::new();
        let mut bars = 0;
        for c in &self.containers {
            match c {
                Container::Quote => {
                    bars += 1;
                    let s = if bars == depth { "│" } else { "│ " };
                    spans.push(Span::styled(s, quote));
                }
                Container::Item { marker, .. } if bars < depth => {
                    spans.push(Span::raw(" ".repeat(str_width(marker))));
                }
                Container::Item { .. } => {}
            }
        }
        let (spans, _) = wrap::fit_prefix(&spans, self.ctx.width.max(1));
        self.out.push(Line::from(spans));
    }

    fn start_block(&mut self) {
        if self.need_blank && self.out.len() > self.first_line {
            self.blank();
        }
        self.need_blank = false;
    }

    /// Wrap and emit pending inline text as a paragraph.
    fn flush(&mut self) {
        while self.inline.text.ends_with('\n') {
            self.inline.text.pop();
        }
        if self.inline.text.trim().is_empty() {
            self.inline.clear();
            return;
        }
        self.start_block();
        let (first, rest) = self.prefixes();
        let text = std::mem::take(&mut self.inline);
        wrap::wrap(&text, self.ctx.width, &first, &rest, self.out);
        self.inline = text;
        self.inline.clear();
        self.need_blank = true;
    }

    fn event(&mut self, event: &Event<'_>, source: &str, next_is_paragraph: bool) {
        match event {
            Event::Start(tag) => self.start(tag, source, next_is_paragraph),
            Event::End(tag) => self.end(*tag),
            Event::Text(t) => {
                if let Some(code) = &mut self.code {
                    code.text.push_str(t);
                } else {
                    self.text(t);
                }
            }
            Event::Code(t) => {
                let s = self.current().patch(self.style(Slot::InlineCode));
                self.inline.push(t, s);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(t),
            Event::Html(t) | Event::InlineHtml(t) => {
                let s = self.current().patch(self.style(Slot::Muted));
                self.inline.push(t, s);
            }
            Event::FootnoteReference(t) => self.text(&format!("[^{t}]")),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                self.flush();
                self.start_block();
                let (first, _) = self.prefixes();
                let used: usize = first.iter().map(|s| str_width(&s.content)).sum();
                let n = self.ctx.width.saturating_sub(used).max(1);
                let mut spans = first;
                spans.push(Span::styled("─".repeat(n), self.style(Slot::Rule)));
                let (spans, _) = wrap::fit_prefix(&spans, self.ctx.width.max(1));
                self.out.push(Line::from(spans));
                self.need_blank = true;
            }
            Event::TaskListMarker(done) => {
                let s = self.style(Slot::ListMarker);
                self.inline.push(if *done { "[x] " } else { "[ ] " }, s);
            }
        }
    }

    fn start(&mut self, tag: &Tag<'_>, source: &str, next_is_paragraph: bool) {
        match tag {
            Tag::Paragraph => self.flush(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.push_style(Slot::Heading);
                let hashes = "#".repeat(*level as usize);
                self.text(&format!("{hashes} "));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.start_block();
                self.containers.push(Container::Quote);
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let (lang, closed) = match kind {
                    CodeBlockKind::Fenced(info) => {
                        let lang = info.split_whitespace().next().map(str::to_string);
                        (lang, fence_closed(source))
                    }
                    CodeBlockKind::Indented => (None, true),
                };
                self.code = Some(Code {
                    lang,
                    text: String::new(),
                    closed,
                });
            }
            Tag::HtmlBlock => {
                self.flush();
            }
            Tag::List(first) => {
                self.flush();
                if self.lists.last().is_some_and(|l| !l.loose) {
                    self.need_blank = false;
                }
                self.lists.push(List {
                    next: *first,
                    loose: next_is_paragraph,
                });
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(List {
                        next: Some(n),
                        loose,
                    }) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        if !*loose {
                            self.need_blank = false;
                        }
                        m
                    }
                    Some(List { next: None, loose }) => {
                        if !*loose {
                            self.need_blank = false;
                        }
                        BULLETS[depth % BULLETS.len()].to_string()
                    }
                    None => BULLETS[0].to_string(),
                };
                self.containers.push(Container::Item {
                    marker,
                    used: false,
                });
            }
            Tag::Table(aligns) => {
                self.flush();
                self.table = Some(Table {
                    aligns: aligns.clone(),
                    rows: Vec::new(),
                    row: Vec::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.row.clear();
                }
            }
            Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.push_style(Slot::Emphasis),
            Tag::Strong => self.push_style(Slot::Strong),
            Tag::Strikethrough => self.push_modifier(Modifier::CROSSED_OUT),
            Tag::Superscript | Tag::Subscript => self.push_modifier(Modifier::empty()),
            Tag::Link { dest_url, .. } => {
                self.push_style(Slot::Link);
                self.links
                    .push((dest_url.to_string(), self.inline.text.len()));
            }
            Tag::Image { dest_url, .. } => {
                let s = self.current().patch(self.style(Slot::LinkUrl));
                self.inline.push("[image: ", s);
                self.push_style(Slot::Link);
                self.links.push((dest_url.to_string(), usize::MAX));
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                self.text(&format!("[^{label}]: "));
            }
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.flush(),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.styles.pop();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.containers.pop();
                self.need_blank = true;
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    self.code_block(code);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                self.need_blank = true;
            }
            TagEnd::Item => {
                self.flush();
                if let Some(Container::Item { used: false, .. }) = self.containers.last() {
                    self.start_block();
                    let (first, _) = self.prefixes();
                    self.out.push(Line::from(first));
                    self.need_blank = true;
                }
                self.containers.pop();
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.start_block();
                    let (first, rest) = self.prefixes();
                    table::layout(
                        &t.rows,
                        &t.aligns,
                        self.ctx.width,
                        &first,
                        &rest,
                        self.ctx.theme,
                        self.out,
                    );
                    self.need_blank = true;
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push((row, tag == TagEnd::TableHead));
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline);
                if let Some(t) = &mut self.table {
                    t.row.push(cell);
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {
                self.styles.pop();
            }
            TagEnd::Link | TagEnd::Image => {
                self.styles.pop();
                if let Some((url, start)) = self.links.pop() {
                    let s = self.current().patch(self.style(Slot::LinkUrl));
                    if tag == TagEnd::Image {
                        self.inline.push(&format!("] ({url})"), s);
                    } else {
                        let shown = self.inline.text.get(start..).unwrap_or("").trim();
                        let same = url == shown || url.strip_prefix("mailto:") == Some(shown);
                        if !url.is_empty() && !same {
                            self.inline.push(&format!(" ({url})"), s);
                        }
                    }
                }
            }
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.flush(),
        }
    }

    fn code_block(&mut self, code: Code) {
        self.start_block();
        let (first, rest) = self.prefixes();
        let fence = self.style(Slot::CodeFence);
        let base = self.style(Slot::CodeBlock);
        let mut open = first;
        open.push(Span::styled(
            format!("```{}", code.lang.as_deref().unwrap_or("")),
            fence,
        ));
        let (open, _) = wrap::fit_prefix(&open, self.ctx.width.max(1));
        self.out.push(Line::from(open));

        let text = expand_tabs(&code.text);
        let plain: Vec<&str> = text.lines().collect();
        let complete = if text.ends_with('\n') {
            plain.len()
        } else {
            plain.len().saturating_sub(1)
        };
        let idx = self.code_idx;
        self.code_idx += 1;
        let mut done: &[Vec<(String, Style)>] = &[];
        let mut partial = None;
        match (&code.lang, self.hl.hl) {
            (Some(lang), Some(h)) => {
                if self.hl.memos.len() <= idx {
                    self.hl.memos.resize(idx + 1, None);
                }
                let memo = &mut self.hl.memos[idx];
                let syntect = &self.ctx.theme.syntect;
                if let Some(p) = h.highlight(memo, &text, lang, syntect, base, self.hl.budget) {
                    partial = p;
                    done = memo.as_ref().map_or(&[], |m| &m.lines[..]);
                    self.hl.pending |= done.len() < complete;
                }
            }
            (Some(_), None) => self.hl.pending = true,
            (None, _) => {}
        }
        let marker = Span::styled(CODE_CONTINUATION, fence);
        for (i, line) in plain.iter().enumerate() {
            let segs = match (done.get(i), &partial) {
                (Some(segs), _) => segs,
                (None, Some(p)) if i == complete => p,
                _ => &vec![(line.to_string(), base)],
            };
            wrap::hard_wrap(segs, self.ctx.width, &rest, &marker, self.out);
        }
        if code.closed {
            let mut close = rest;
            close.push(Span::styled("```", fence));
            let (close, _) = wrap::fit_prefix(&close, self.ctx.width.max(1));
            self.out.push(Line::from(close));
        }
        self.need_blank = true;
    }
}

/// Does this fenced code block's source end with a closing fence?
fn fence_closed(source: &str) -> bool {
    let s = source.trim_end();
    let Some((_, last)) = s.rsplit_once('\n') else {
        return false;
    };
    let last = last.trim();
    last.starts_with("```") || last.starts_with("~~~")
}

/// Tabs to spaces at 4-column stops.
fn expand_tabs(code: &str) -> std::borrow::Cow<'_, str> {
    if !code.contains('\t') {
        return code.into();
    }
    let mut out = String::with_capacity(code.len() + 16);
    let mut col = 0;
    for c in code.chars() {
        match c {
            '\t' => {
                let n = 4 - col % 4;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    out.into()
}
