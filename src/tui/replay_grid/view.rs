//! Drawing the replay grid: pure, from the state and the theme.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::{CellRun, Phase, ReplayGridState};
use crate::record::Status;
use crate::strings::browser as s;
use crate::tui::browser::format_usd;
use crate::tui::theme::{Slot, Theme};

const MIN_COL: u16 = 14;

fn ms(v: f64) -> String {
    if v < 1000.0 {
        format!("{v:.0} ms")
    } else {
        format!("{:.2} s", v / 1000.0)
    }
}

/// The text of one cell (all its repeats) and the slot to draw it with.
pub fn cell_text(runs: &[CellRun]) -> (String, Slot) {
    let n = runs.len();
    let settled = runs.iter().filter(|r| r.is_settled()).count();
    let count = |st: Status| {
        runs.iter()
            .filter(|r| matches!(r, CellRun::Settled { status, .. } if *status == st))
            .count()
    };
    let (ok, failed, cancelled, interrupted) = (
        count(Status::Ok),
        count(Status::Error),
        count(Status::Cancelled),
        count(Status::Interrupted),
    );
    let skipped = runs
        .iter()
        .filter(|r| matches!(r, CellRun::Skipped))
        .count();
    let running = runs.iter().any(|r| matches!(r, CellRun::Running));
    let progress = if n > 1 && settled < n {
        format!(" {settled}/{n}")
    } else {
        String::new()
    };

    if running {
        return (format!("{}{progress}", s::CELL_RUNNING), Slot::Spinner);
    }
    if settled == 0 {
        return (s::CELL_PENDING.to_string(), Slot::Muted);
    }
    if ok > 0 {
        let mut ttfts: Vec<f64> = runs
            .iter()
            .filter_map(|r| match r {
                CellRun::Settled {
                    status: Status::Ok,
                    ttft_ms,
                    ..
                } => *ttft_ms,
                _ => None,
            })
            .collect();
        ttfts.sort_by(f64::total_cmp);
        let mut text = match ttfts.get(ttfts.len() / 2) {
            Some(t) => format!("✓ {}", ms(*t)),
            None => format!("✓ {}", s::CELL_OK_NO_TTFT),
        };
        let bad = failed + cancelled + interrupted;
        if bad > 0 {
            text.push_str(&format!(" ✗{bad}"));
        }
        text.push_str(&progress);
        return (text, if bad > 0 { Slot::Warn } else { Slot::Ok });
    }
    if failed > 0 {
        let kind = runs
            .iter()
            .find_map(|r| match r {
                CellRun::Settled {
                    status: Status::Error,
                    error,
                    ..
                } => error.clone(),
                _ => None,
            })
            .unwrap_or_else(|| Status::Error.as_str().to_string());
        return (format!("✗ {kind}{progress}"), Slot::Error);
    }
    if interrupted > 0 {
        return (
            format!("{}{progress}", Status::Interrupted.as_str()),
            Slot::Warn,
        );
    }
    if cancelled > 0 {
        return (format!("{}{progress}", s::CELL_CANCELLED), Slot::Warn);
    }
    debug_assert!(skipped > 0);
    (format!("{}{progress}", s::CELL_SKIPPED), Slot::Muted)
}

fn label(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    crate::sanitize::clean(first).replace('\t', " ")
}

/// A model id as a column header: the model part (after the first colon).
fn short_model(id: &str) -> String {
    label(id.split_once(':').map_or(id, |(_, m)| m))
}

fn put(buf: &mut Buffer, x: u16, y: u16, width: u16, text: &str, style: Style) {
    if width == 0 {
        return;
    }
    let area = Rect::new(x, y, width, 1).intersection(buf.area);
    if !area.is_empty() {
        Paragraph::new(Span::styled(text.to_string(), style)).render(area, buf);
    }
}

pub fn draw(area: Rect, buf: &mut Buffer, state: &ReplayGridState, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    Clear.render(area, buf);
    let phase = match &state.phase {
        Phase::Running => s::STATE_RUNNING,
        Phase::Done => s::STATE_DONE,
        Phase::Cancelled => s::STATE_CANCELLED,
        Phase::CapReached => s::STATE_CAP,
        Phase::Failed(_) => s::STATE_CANCELLED,
    };
    let title = format!(
        " {}: {} {} ",
        s::GRID_TITLE,
        label(&state.name),
        s::replay_state(phase)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Slot::BorderFocused))
        .title(Span::styled(title, theme.style(Slot::Title)));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let [gauge, money, header, grid, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let (done, total) = (state.settled(), state.total());
    let ratio = if total == 0 {
        0.0
    } else {
        done as f64 / total as f64
    };
    Gauge::default()
        .ratio(ratio.clamp(0.0, 1.0))
        .label(Span::styled(
            s::grid_progress(done - state.skipped(), state.skipped(), total),
            theme.style(Slot::MetricValue),
        ))
        .gauge_style(theme.style(Slot::Sparkline))
        .use_unicode(true)
        .render(gauge, buf);

    let (spent, unpriced) = state.spent();
    let mut spans = vec![
        Span::styled(format!("{} ", s::SPENT), theme.style(Slot::MetricLabel)),
        Span::styled(format_usd(Some(spent)), theme.style(Slot::MetricValue)),
    ];
    if unpriced > 0 {
        spans.push(Span::styled(
            format!(" {}", s::unpriced_cells(unpriced)),
            theme.style(Slot::Muted),
        ));
    }
    spans.push(Span::styled(" · ", theme.style(Slot::Muted)));
    match state.cap_usd {
        Some(cap) => {
            let near = spent >= cap * 0.8;
            spans.push(Span::styled(
                format!("{} ", s::CAP),
                theme.style(Slot::MetricLabel),
            ));
            spans.push(Span::styled(
                format_usd(Some(cap)),
                theme.style(if near { Slot::Warn } else { Slot::MetricValue }),
            ));
        }
        None => spans.push(Span::styled(s::NO_CAP, theme.style(Slot::Muted))),
    }
    Paragraph::new(Line::from(spans)).render(money, buf);

    draw_grid(header, grid, buf, state, theme);

    let foot = match &state.phase {
        Phase::Failed(msg) => Line::styled(s::replay_failed(&label(msg)), theme.style(Slot::Error)),
        Phase::Running => Line::styled(s::GRID_HINT_RUNNING, theme.style(Slot::StatusBar)),
        _ => Line::styled(s::GRID_HINT_DONE, theme.style(Slot::StatusBar)),
    };
    Paragraph::new(foot).render(footer, buf);
}

fn draw_grid(header: Rect, grid: Rect, buf: &mut Buffer, state: &ReplayGridState, theme: &Theme) {
    let width = header.width;
    if width == 0 {
        return;
    }
    let widest = state
        .prompts
        .iter()
        .map(|p| label(p).width())
        .max()
        .unwrap_or(0);
    let prompt_w = (widest.max(s::GRID_PROMPT_COL.width()) as u16 + 2)
        .clamp(6, 28)
        .min(width);
    let rest = width.saturating_sub(prompt_w);
    let fit = (rest / (MIN_COL + 1)).max(1) as usize;
    let visible_models = fit.min(state.models.len().max(1));
    let col_w = (rest / visible_models as u16).saturating_sub(1).max(1);
    let col_off = state.cursor.1.saturating_sub(visible_models - 1);
    let rows = grid.height as usize;
    let row_off = if rows == 0 {
        0
    } else {
        state.cursor.0.saturating_sub(rows - 1)
    };

    put(
        buf,
        header.x,
        header.y,
        prompt_w,
        s::GRID_PROMPT_COL,
        theme.style(Slot::MetricLabel),
    );
    for (i, m) in state
        .models
        .iter()
        .enumerate()
        .skip(col_off)
        .take(visible_models)
    {
        let x = header.x + prompt_w + (i - col_off) as u16 * (col_w + 1);
        let style = if i == state.cursor.1 {
            theme.style(Slot::Accent)
        } else {
            theme.style(Slot::MetricLabel)
        };
        put(
            buf,
            x,
            header.y,
            col_w.min(header.right().saturating_sub(x)),
            &short_model(m),
            style,
        );
    }
    for (p, prompt) in state.prompts.iter().enumerate().skip(row_off).take(rows) {
        let y = grid.y + (p - row_off) as u16;
        let style = if p == state.cursor.0 {
            theme.style(Slot::Accent)
        } else {
            theme.style(Slot::Base)
        };
        put(
            buf,
            grid.x,
            y,
            prompt_w.saturating_sub(1),
            &label(prompt),
            style,
        );
        for m in (col_off..state.models.len()).take(visible_models) {
            let x = grid.x + prompt_w + (m - col_off) as u16 * (col_w + 1);
            let (text, slot) = cell_text(state.cell(p, m));
            let mut style = theme.style(slot);
            if (p, m) == state.cursor {
                style = style.patch(theme.style(Slot::Selection));
                let w = col_w.min(grid.right().saturating_sub(x));
                put(
                    buf,
                    x,
                    y,
                    w,
                    &" ".repeat(w as usize),
                    theme.style(Slot::Selection),
                );
            }
            put(
                buf,
                x,
                y,
                col_w.min(grid.right().saturating_sub(x)),
                &text,
                style,
            );
        }
    }
}
