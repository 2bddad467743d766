//! Tables: columns aligned by display width when they fit; when they do not, cells are cut with
//! `…` if every column keeps a useful width, otherwise each row is shown as `header: value`
//! lines (nothing is lost, nothing garbled).

use pulldown_cmark::Alignment;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::wrap::{self, Styled, grapheme_width, push_span, str_width};
use crate::tui::theme::{Slot, Theme};

const SEP: &str = " │ ";
const SEP_W: usize = 3;
/// Below this many columns per cell, a cut table is unreadable: use the per-row layout.
const MIN_CELL: usize = 8;

pub(crate) fn layout(
    rows: &[(Vec<Styled>, bool)],
    aligns: &[Alignment],
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let ncols = rows
        .iter()
        .map(|(r, _)| r.len())
        .max()
        .unwrap_or(0)
        .max(aligns.len());
    if ncols == 0 {
        return;
    }
    let prefix_w = rest.iter().map(|s| str_width(&s.content)).sum::<usize>();
    let avail = width.saturating_sub(prefix_w).max(1);
    let natural: Vec<usize> = (0..ncols)
        .map(|c| {
            rows.iter()
                .map(|(r, _)| r.get(c).map_or(0, |x| x.width()))
                .max()
                .unwrap_or(0)
                .max(1)
        })
        .collect();
    let seps = SEP_W * (ncols - 1);
    let total: usize = natural.iter().sum::<usize>() + seps;
    let widths = if total <= avail {
        Some(natural.clone())
    } else {
        shrink(&natural, avail.saturating_sub(seps))
    };
    match widths {
        Some(w) => grid(rows, aligns, &w, first, rest, theme, out),
        None => stacked(rows, width, first, rest, theme, out),
    }
}

/// Column widths that fit `target` by capping the widest columns; `None` if a capped column
/// would fall below [`MIN_CELL`].
fn shrink(natural: &[usize], target: usize) -> Option<Vec<usize>> {
    let sum: usize = natural.iter().sum();
    if sum <= target {
        return Some(natural.to_vec());
    }
    // Largest cap such that sum(min(w, cap)) <= target.
    let mut lo = 0;
    let mut hi = natural.iter().copied().max().unwrap_or(0);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let s: usize = natural.iter().map(|w| (*w).min(mid)).sum();
        if s <= target { lo = mid } else { hi = mid - 1 }
    }
    let cap = lo;
    if cap < MIN_CELL {
        return None;
    }
    let mut widths: Vec<usize> = natural.iter().map(|w| (*w).min(cap)).collect();
    // Hand out what is left to the capped columns, left to right.
    let mut left = target - widths.iter().sum::<usize>();
    for (w, n) in widths.iter_mut().zip(natural) {
        if left == 0 {
            break;
        }
        if *w < *n {
            let add = (*n - *w).min(left);
            *w += add;
            left -= add;
        }
    }
    Some(widths)
}

fn grid(
    rows: &[(Vec<Styled>, bool)],
    aligns: &[Alignment],
    widths: &[usize],
    first: &[Span<'static>],
    rest: &[Span<'static>],
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let border = theme.style(Slot::TableBorder);
    let header = theme.style(Slot::TableHeader);
    let empty = Styled::default();
    for (i, (cells, is_head)) in rows.iter().enumerate() {
        let mut spans = if i == 0 {
            first.to_vec()
        } else {
            rest.to_vec()
        };
        for (c, w) in widths.iter().enumerate() {
            if c > 0 {
                push_span(&mut spans, SEP, border);
            }
            let cell = cells.get(c).unwrap_or(&empty);
            let align = aligns.get(c).copied().unwrap_or(Alignment::None);
            let over = if *is_head { Some(header) } else { None };
            cell_spans(cell, *w, align, over, &mut spans);
        }
        trim_end(&mut spans);
        out.push(Line::from(spans));
        if *is_head {
            let mut spans = rest.to_vec();
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            push_span(&mut spans, &rule.join("─┼─"), border);
            out.push(Line::from(spans));
        }
    }
}

/// One cell padded (or cut with `…`) to `w` columns.
fn cell_spans(
    cell: &Styled,
    w: usize,
    align: Alignment,
    over: Option<Style>,
    out: &mut Vec<Span<'static>>,
) {
    let style_of = |s: Style| over.map_or(s, |o| s.patch(o));
    let cw = cell.width();
    let mut body: Vec<Span<'static>> = Vec::new();
    let used = if cw <= w {
        for (_, g, s) in cell.graphemes() {
            push_span(&mut body, g, style_of(s));
        }
        cw
    } else {
        let mut used = 0;
        let mut last = Style::default();
        for (_, g, s) in cell.graphemes() {
            let gw = grapheme_width(g);
            if used + gw + 1 > w {
                break;
            }
            push_span(&mut body, g, style_of(s));
            used += gw;
            last = style_of(s);
        }
        push_span(&mut body, "…", last);
        used + 1
    };
    let pad = w.saturating_sub(used);
    let (left, right) = match align {
        Alignment::Right => (pad, 0),
        Alignment::Center => (pad / 2, pad - pad / 2),
        Alignment::Left | Alignment::None => (0, pad),
    };
    push_span(out, &" ".repeat(left), Style::default());
    out.extend(body);
    push_span(out, &" ".repeat(right), Style::default());
}

fn trim_end(spans: &mut Vec<Span<'static>>) {
    while let Some(last) = spans.last_mut() {
        let t = last.content.trim_end().len();
        if t == 0 {
            spans.pop();
            continue;
        }
        if t < last.content.len() {
            last.content.to_mut().truncate(t);
        }
        break;
    }
}

/// Each body row as `header: value` lines, rows separated by a rule.
fn stacked(
    rows: &[(Vec<Styled>, bool)],
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
    theme: &Theme,
    out: &mut Vec<Line<'static>>,
) {
    let border = theme.style(Slot::TableBorder);
    let header = theme.style(Slot::TableHeader);
    let heads: Vec<&Styled> = rows
        .iter()
        .filter(|(_, h)| *h)
        .flat_map(|(r, _)| r.iter())
        .collect();
    let prefix_w = rest.iter().map(|s| str_width(&s.content)).sum::<usize>();
    let mut started = false;
    for (cells, is_head) in rows {
        if *is_head {
            continue;
        }
        if started {
            let mut spans = rest.to_vec();
            push_span(
                &mut spans,
                &"─".repeat(width.saturating_sub(prefix_w).clamp(1, 24)),
                border,
            );
            out.push(Line::from(spans));
        }
        for (c, cell) in cells.iter().enumerate() {
            let mut text = Styled::default();
            if let Some(h) = heads.get(c) {
                for (_, g, s) in h.graphemes() {
                    text.push(g, s.patch(header));
                }
                text.push(": ", header);
            }
            for (_, g, s) in cell.graphemes() {
                text.push(g, s);
            }
            let lead = if started || c > 0 { rest } else { first };
            let mut hang = rest.to_vec();
            hang.push(Span::raw("  "));
            wrap::wrap(&text, width, lead, &hang, out);
        }
        started = true;
    }
    if !started {
        // A header with no body rows.
        let mut text = Styled::default();
        for (i, h) in heads.iter().enumerate() {
            if i > 0 {
                text.push(" │ ", border);
            }
            for (_, g, s) in h.graphemes() {
                text.push(g, s.patch(header));
            }
        }
        wrap::wrap(&text, width, first, rest, out);
    }
}
