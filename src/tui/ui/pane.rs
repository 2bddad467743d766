//! One pane: header (model, open/closed, simulated), reasoning (folded), the answer as markdown,
//! a tokens/s sparkline and a footer of live figures.

use std::time::Instant;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Sparkline, Widget};

use super::format as f;
use crate::record::Status;
use crate::strings::tui as s;
use crate::tui::state::pane::PaneState;
use crate::tui::theme::{Slot, Theme};

pub struct PaneView<'a> {
    pub pane: &'a PaneState,
    pub focused: bool,
    pub now: Instant,
    pub theme: &'a Theme,
}

impl Widget for PaneView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let t = self.theme;
        let p = self.pane;
        let border = if self.focused {
            t.style(Slot::BorderFocused)
        } else {
            t.style(Slot::Border)
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(border)
            .title(header(p, t));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        let spark_rows = u16::from(inner.height >= 8 && !p.live.buckets.is_empty());
        let max_footer = if inner.height >= 10 {
            2
        } else {
            usize::from(inner.height >= 2)
        };
        let footer_lines = pack(footer(p, self.now, t), usize::from(inner.width), max_footer);
        let footer_rows = footer_lines.len() as u16;
        let body_h = inner.height - spark_rows - footer_rows;
        let body = Rect {
            height: body_h,
            ..inner
        };
        render_body(p, body, buf, t);
        if spark_rows == 1 {
            let r = Rect {
                y: inner.y + body_h,
                height: 1,
                ..inner
            };
            let data: Vec<u64> = p.live.buckets.iter().map(|&b| u64::from(b)).collect();
            let start = data.len().saturating_sub(usize::from(r.width));
            Sparkline::default()
                .data(&data[start..])
                .style(t.style(Slot::Sparkline))
                .render(r, buf);
        }
        if footer_rows > 0 {
            let r = Rect {
                y: inner.y + inner.height - footer_rows,
                height: footer_rows,
                ..inner
            };
            Paragraph::new(footer_lines).render(r, buf);
        }
    }
}

/// Fit a footer line into at most `max` lines of `width`, breaking only at ` · ` separators.
pub fn pack(line: Line<'static>, width: usize, max: usize) -> Vec<Line<'static>> {
    if max == 0 {
        return Vec::new();
    }
    // Groups: runs of spans between separators.
    let mut groups: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    for span in line.spans {
        if span.content == SEP {
            groups.push(Vec::new());
        } else if let Some(g) = groups.last_mut() {
            g.push(span);
        }
    }
    let gw = |g: &Vec<Span<'static>>| g.iter().map(|s| s.width()).sum::<usize>();
    let mut out: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for g in groups.into_iter().filter(|g| !g.is_empty()) {
        let w = gw(&g);
        let cur_empty = out.last().is_none_or(|l| l.is_empty());
        if !cur_empty && used + 3 + w > width && out.len() < max {
            out.push(Vec::new());
            used = 0;
        }
        let Some(cur) = out.last_mut() else { break };
        if !cur.is_empty() {
            cur.push(Span::raw(SEP));
            used += 3;
        }
        used += w;
        cur.extend(g);
    }
    out.into_iter().map(Line::from).collect()
}

const SEP: &str = " · ";

fn header(p: &PaneState, t: &Theme) -> Line<'static> {
    let sep = || Span::styled(" · ", t.style(Slot::Border));
    if let Some(label) = &p.blind_label {
        // Blind: no name, provider or badges until the vote.
        return Line::from(Span::styled(format!(" {label} "), t.style(Slot::Title)));
    }
    let mut spans = vec![
        Span::styled(format!(" {}", p.model.id), t.style(Slot::Title)),
        sep(),
    ];
    if p.model.open_weights {
        spans.push(Span::styled(s::BADGE_OPEN, t.style(Slot::BadgeOpen)));
    } else {
        spans.push(Span::styled(s::BADGE_CLOSED, t.style(Slot::BadgeClosed)));
    }
    if p.model.simulated {
        spans.push(sep());
        spans.push(Span::styled(s::BADGE_SIMULATED, t.style(Slot::Simulated)));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// Reasoning (folded or open), the answer, then the error: scrolled as one body.
fn render_body(p: &PaneState, area: Rect, buf: &mut Buffer, t: &Theme) {
    if area.is_empty() {
        return;
    }
    let mut view = p.view.borrow_mut();
    let view = &mut *view;
    let w = area.width;
    // The head: reasoning block (a line when folded).
    let mut head: Vec<Line<'static>> = Vec::new();
    let has_reasoning = !p.reasoning.is_empty();
    if has_reasoning {
        let count = reasoning_tokens(p);
        let key = if p.reasoning_open { "▾" } else { "▸" };
        head.push(Line::styled(
            format!("{key} {} · {count}", s::REASONING),
            t.style(Slot::Reasoning),
        ));
        if p.reasoning_open {
            view.reasoning
                .sync_plain(&p.reasoning, w, t, t.style(Slot::Reasoning));
        }
    }
    let reasoning_lines = if has_reasoning && p.reasoning_open {
        view.reasoning.line_count() + 1
    } else {
        0
    };
    view.answer.sync(&p.text, w, t);
    let mut tail: Vec<Line<'static>> = Vec::new();
    if let Some(e) = &p.error {
        let status = e.status.map(|c| format!(" {c}")).unwrap_or_default();
        tail.push(Line::styled(
            format!("✗ {}{status}", e.kind.as_str()),
            t.style(Slot::Error),
        ));
        tail.extend(crate::tui::markdown::wrap_plain(
            &e.message,
            w,
            t.style(Slot::Error),
        ));
    } else if let Some(r) = &p.retrying {
        tail.push(Line::styled(r.clone(), t.style(Slot::Warn)));
    } else if p.status.is_none() {
        tail.push(Line::styled(s::PANE_IDLE, t.style(Slot::Muted)));
    } else if p.is_streaming() && p.text.is_empty() && p.reasoning.is_empty() {
        tail.push(Line::styled(s::WAITING_FIRST_TOKEN, t.style(Slot::Muted)));
    }
    let answer_n = view.answer.line_count();
    let total = head.len() + reasoning_lines + answer_n + tail.len();
    let height = usize::from(area.height);
    view.total_lines = total;
    view.height = height;
    let max_off = total.saturating_sub(height);
    let off = p.scroll.unwrap_or(max_off).min(max_off);
    let mut lines: Vec<Line<'static>> = Vec::with_capacity(height);
    let mut i = off;
    while lines.len() < height && i < total {
        let line = if i < head.len() {
            head[i].clone()
        } else if i < head.len() + reasoning_lines {
            let k = i - head.len();
            if k < view.reasoning.line_count() {
                view.reasoning
                    .lines(k, 1)
                    .first()
                    .cloned()
                    .unwrap_or_default()
            } else {
                Line::default()
            }
        } else if i < head.len() + reasoning_lines + answer_n {
            let k = i - head.len() - reasoning_lines;
            // Take the rest of the visible answer in one slice.
            let want = (height - lines.len()).min(answer_n - k);
            lines.extend(view.answer.lines(k, want).iter().cloned());
            i += want;
            continue;
        } else {
            tail[i - head.len() - reasoning_lines - answer_n].clone()
        };
        lines.push(line);
        i += 1;
    }
    Paragraph::new(lines)
        .style(t.style(Slot::Base))
        .render(area, buf);
    if total > height && area.width > 1 {
        // A one-cell scroll position marker on the right edge.
        let pos = (off * (height - 1)).checked_div(max_off).unwrap_or(0);
        let cell = Rect {
            x: area.right() - 1,
            y: area.y + pos as u16,
            width: 1,
            height: 1,
        };
        Paragraph::new("▐")
            .style(t.style(Slot::Muted))
            .render(cell, buf);
    }
}

fn reasoning_tokens(p: &PaneState) -> String {
    if let Some(n) = p.record.as_ref().and_then(|r| r.metrics.tokens.reasoning) {
        let est = p
            .record
            .as_ref()
            .is_some_and(|r| r.metrics.tokens.source == crate::metrics::TokenSource::Estimated);
        return format!("{}{} {}", if est { "~" } else { "" }, f::tokens(n), s::TOK);
    }
    format!("~{} {}", f::tokens(p.live.est_reasoning()), s::TOK)
}

/// The live figures line.
pub fn footer(p: &PaneState, now: Instant, t: &Theme) -> Line<'static> {
    let label = t.style(Slot::MetricLabel);
    let value = t.style(Slot::MetricValue);
    let est = t.style(Slot::Estimated);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let sep = || Span::styled(SEP, Style::default());
    match p.status {
        None => {
            spans.push(Span::styled(s::IDLE, t.style(Slot::Muted)));
            return Line::from(spans);
        }
        Some(Status::Streaming) => {
            let el = now.saturating_duration_since(p.live.t0);
            spans.push(Span::styled(
                format!(
                    "{} {}",
                    f::spinner(el.as_millis()),
                    f::ms(el.as_secs_f64() * 1000.0)
                ),
                t.style(Slot::Spinner),
            ));
            if p.cancelling {
                spans.push(Span::styled(
                    format!(" {}", s::CANCELLING),
                    t.style(Slot::Warn),
                ));
            }
        }
        Some(Status::Ok) => spans.push(Span::styled(
            format!(
                "✓ {}",
                f::opt_ms(p.record.as_ref().and_then(|r| r.metrics.e2e_ms))
            ),
            t.style(Slot::Ok),
        )),
        Some(Status::Error) => spans.push(Span::styled(
            format!(
                "✗ {}",
                p.error
                    .as_ref()
                    .map(|e| e.kind.as_str())
                    .unwrap_or(s::ERROR)
            ),
            t.style(Slot::Error),
        )),
        Some(Status::Cancelled) => spans.push(Span::styled(
            format!("■ {}", s::CANCELLED),
            t.style(Slot::Warn),
        )),
        Some(Status::Interrupted) => spans.push(Span::styled(
            format!("■ {}", s::INTERRUPTED),
            t.style(Slot::Warn),
        )),
    }
    let rec = p.record.as_ref();
    // TTFT
    let ttft = rec
        .map(|r| r.metrics.ttft_ms)
        .unwrap_or_else(|| p.live.ttft_ms());
    spans.push(sep());
    spans.push(Span::styled(format!("{} ", s::TTFT), label));
    spans.push(Span::styled(f::opt_ms(ttft), value));
    // tok/s
    let tps = match rec {
        Some(r) => r.metrics.decode_tps.map(|v| {
            (
                v,
                r.metrics.tokens.source == crate::metrics::TokenSource::Estimated,
            )
        }),
        None => p.live.decode_tps(),
    };
    spans.push(sep());
    match tps {
        Some((v, e)) => spans.push(Span::styled(
            format!("{}{v:.0}", if e { "~" } else { "" }),
            if e { est } else { value },
        )),
        None => spans.push(Span::styled(s::MISSING, value)),
    }
    spans.push(Span::styled(format!(" {}", s::TOK_S), label));
    // tokens
    let (n, e) = match rec {
        Some(r) => (
            r.metrics.tokens.output,
            r.metrics.tokens.source == crate::metrics::TokenSource::Estimated,
        ),
        None => match p.live.usage.and_then(|u| u.output) {
            Some(n) => (Some(n), false),
            None => (Some(p.live.est_output()), true),
        },
    };
    spans.push(sep());
    match n {
        Some(n) => spans.push(Span::styled(
            format!("{}{}", if e { "~" } else { "" }, f::tokens(n)),
            if e { est } else { value },
        )),
        None => spans.push(Span::styled(s::MISSING, value)),
    }
    spans.push(Span::styled(format!(" {}", s::TOK), label));
    // cost
    spans.push(sep());
    match rec {
        Some(r) => {
            let style = if r.cost.estimated { est } else { value };
            spans.push(Span::styled(f::cost(&r.cost), style));
        }
        None => spans.push(Span::styled(s::MISSING, label)),
    }
    let retries = rec.map(|r| r.metrics.retries).unwrap_or(p.live.attempt);
    if retries > 0 {
        spans.push(sep());
        spans.push(Span::styled(s::retries(retries), t.style(Slot::Warn)));
    }
    if let Some(tps) = rec
        .and_then(|r| r.metrics.server.as_ref())
        .or(p.live.server.as_ref())
        .and_then(|sv| sv.decode_tps().map(|v| (v, sv.source.clone())))
    {
        spans.push(sep());
        spans.push(Span::styled(
            format!("{} {:.0} {}", tps.1, tps.0, s::TOK_S),
            label,
        ));
    }
    Line::from(spans)
}
