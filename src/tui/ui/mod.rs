//! Drawing: a pure function of the state. Nothing here reads a clock or does IO; the only
//! mutation is the per-pane render cache behind a `RefCell`.

pub mod format;
pub mod help;
pub mod layout;
pub mod pane;
pub mod picker;
pub mod text;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use self::format as f;
use super::keymap::Mode;
use super::state::editor::Field;
use super::state::{AppState, Overlay};
use super::theme::{Slot, Theme};
use crate::record::Status;
use crate::strings::tui as s;
use crate::tui::action::Action;

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, state: &AppState, theme: &Theme) {
    let area = frame.area();
    render(area, frame.buffer_mut(), state, theme);
    if state.overlay.is_none() && state.mode == Mode::Editor {
        let screen = layout::screen(area, state);
        if let Some(pos) = cursor_position(screen.editor, state) {
            frame.set_cursor_position(pos);
        }
    }
}

/// Draw into a buffer (benches and widget tests use this directly).
pub fn render(area: Rect, buf: &mut Buffer, state: &AppState, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let screen = layout::screen(area, state);
    render_top(screen.top, buf, state, theme);
    if state.panes.is_empty() {
        Paragraph::new(Line::styled(s::NO_MODELS, theme.style(Slot::Muted))).render(
            Rect {
                height: area.height.saturating_sub(screen.editor.height + 2),
                y: area.y + 1,
                ..area
            },
            buf,
        );
    }
    for (i, r) in &screen.panes {
        if let Some(p) = state.panes.get(*i) {
            let focused = *i == state.focus && (state.mode == Mode::Panes || state.panes.len() > 1);
            pane::PaneView {
                pane: p,
                focused,
                now: state.now,
                theme,
            }
            .render(*r, buf);
        }
    }
    render_editor(screen.editor, buf, state, theme);
    render_status(screen.status, buf, state, theme);
    match &state.overlay {
        Some(Overlay::Picker(p)) => {
            let r = layout::popup(area, 86, 80);
            Clear.render(r, buf);
            picker::render(r, buf, p, state, theme);
        }
        Some(Overlay::Help { scroll }) => {
            let r = layout::popup(area, 80, 86);
            Clear.render(r, buf);
            help::render(r, buf, *scroll, &state.keymap, theme);
        }
        Some(Overlay::Browser(b)) => {
            crate::tui::browser::draw(layout::popup(area, 94, 86), buf, b, theme);
        }
        Some(Overlay::Replay) => {
            if let Some(g) = &state.replay_grid {
                crate::tui::replay_grid::draw(layout::popup(area, 94, 86), buf, g, theme);
            }
        }
        Some(Overlay::ReplayPath(field)) => {
            crate::tui::browser::draw_path_prompt(area, buf, field, theme);
        }
        None => {}
    }
}

/// The top bar: turn, total cost, who was first and fastest; the demo hint before any turn.
fn render_top(area: Rect, buf: &mut Buffer, state: &AppState, t: &Theme) {
    if area.is_empty() {
        return;
    }
    let mut spans = vec![Span::styled(
        s::APP_NAME,
        t.style(Slot::Accent)
            .add_modifier(ratatui::style::Modifier::BOLD),
    )];
    let sep = || Span::styled(" · ", t.style(Slot::Muted));
    match state.current_turn() {
        None => {
            if let Some(h) = &state.hint {
                spans.push(sep());
                spans.push(Span::styled(h.clone(), t.style(Slot::Warn)));
            }
        }
        Some(turn) => {
            spans.push(sep());
            spans.push(Span::styled(
                s::turn_label(turn.index + 1),
                t.style(Slot::StatusBar),
            ));
            let panes: Vec<_> = state
                .panes
                .iter()
                .filter(|p| p.turn == Some(turn.index))
                .collect();
            // Total cost: sum what is known; say what is still pending or unpriced.
            let mut total = 0.0;
            let mut known = 0;
            let mut pending = 0;
            let mut unpriced = 0;
            let mut est = false;
            for p in &panes {
                match p.record.as_ref() {
                    None => pending += 1,
                    Some(r) => match r.cost.usd {
                        Some(u) => {
                            total += u;
                            known += 1;
                            est |= r.cost.estimated;
                        }
                        None => unpriced += 1,
                    },
                }
            }
            spans.push(sep());
            let mut cost = if known == 0 && pending > 0 {
                s::COST_PENDING.to_string()
            } else {
                format!(
                    "{}{} {}",
                    if est { "~" } else { "" },
                    f::usd(total),
                    s::TOTAL
                )
            };
            if known > 0 && pending > 0 {
                cost.push_str(&s::plus_pending(pending));
            }
            if unpriced > 0 {
                cost.push_str(&s::plus_unpriced(unpriced));
            }
            spans.push(Span::styled(cost, t.style(Slot::MetricValue)));
            let ttft = |p: &&crate::tui::state::pane::PaneState| {
                p.record
                    .as_ref()
                    .map(|r| r.metrics.ttft_ms)
                    .unwrap_or_else(|| p.live.ttft_ms())
            };
            if panes.len() > 1 {
                if let Some((p, v)) = panes
                    .iter()
                    .filter_map(|p| ttft(p).map(|v| (p, v)))
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                {
                    spans.push(sep());
                    spans.push(Span::styled(
                        format!("{} ", s::FIRST),
                        t.style(Slot::MetricLabel),
                    ));
                    spans.push(Span::styled(
                        format!("{} ({})", p.shown_name(), f::ms(v)),
                        t.style(Slot::Ok),
                    ));
                }
                let tps = |p: &&crate::tui::state::pane::PaneState| match &p.record {
                    Some(r) if r.status == Status::Ok => r.metrics.decode_tps,
                    _ => None,
                };
                if let Some((p, v)) = panes
                    .iter()
                    .filter_map(|p| tps(p).map(|v| (p, v)))
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                {
                    spans.push(sep());
                    spans.push(Span::styled(
                        format!("{} ", s::FASTEST),
                        t.style(Slot::MetricLabel),
                    ));
                    spans.push(Span::styled(
                        format!("{} ({v:.0} {})", p.shown_name(), s::TOK_S),
                        t.style(Slot::Ok),
                    ));
                }
            }
        }
    }
    for (text, warn) in crate::tui::vote::status(state) {
        spans.push(sep());
        spans.push(Span::styled(
            text,
            t.style(if warn { Slot::Warn } else { Slot::Ok }),
        ));
    }
    if state.panes.len() > layout::MAX_VISIBLE && !state.zoom {
        spans.push(sep());
        spans.push(Span::styled(
            s::pane_of(state.focus + 1, state.panes.len()),
            t.style(Slot::Muted),
        ));
    }
    Paragraph::new(Line::from(spans))
        .style(t.style(Slot::StatusBar))
        .render(area, buf);
}

fn render_editor(area: Rect, buf: &mut Buffer, state: &AppState, t: &Theme) {
    if area.is_empty() {
        return;
    }
    let active = state.editor.active;
    let focused = state.mode == Mode::Editor && state.overlay.is_none();
    let border = if focused {
        t.style(Slot::BorderFocused)
    } else {
        t.style(Slot::Border)
    };
    let mut title = vec![Span::styled(
        format!(" {} ", active.label()),
        t.style(Slot::Title),
    )];
    // The other fields, summarised, so the request is visible at a glance.
    for fld in Field::ALL {
        if fld == active || fld == Field::Prompt {
            continue;
        }
        let v = state.editor.text(fld);
        let v = v.lines().next().unwrap_or("").trim().to_string();
        let shown = if v.is_empty() && fld == Field::System {
            s::SYSTEM_NONE.to_string()
        } else if v.is_empty() {
            s::DEFAULT_PLACEHOLDER.to_string()
        } else {
            ellipsize(&v, 24)
        };
        title.push(Span::styled(
            format!("· {}: {shown} ", fld.label()),
            t.style(Slot::Muted),
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    state.editor.area(active).render(inner, buf);
}

fn ellipsize(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn cursor_position(editor: Rect, state: &AppState) -> Option<ratatui::layout::Position> {
    let inner = Block::default().borders(Borders::ALL).inner(editor);
    if inner.is_empty() {
        return None;
    }
    let ta = state.editor.area(state.editor.active);
    let sc = ta.screen_cursor();
    let (row, col) = (sc.row as u16, sc.col as u16);
    (row < inner.height && col < inner.width)
        .then(|| ratatui::layout::Position::new(inner.x + col, inner.y + row))
}

/// The bottom line: a notice, or the main keys of the current mode from the live keymap.
fn render_status(area: Rect, buf: &mut Buffer, state: &AppState, t: &Theme) {
    if area.is_empty() {
        return;
    }
    if let Some(n) = &state.notice {
        Paragraph::new(Line::styled(n.clone(), t.style(Slot::Warn))).render(area, buf);
        return;
    }
    let mode = state.key_mode();
    let km = &state.keymap;
    let keys: &[Action] = match mode {
        Mode::Editor => &[
            Action::Submit,
            Action::Newline,
            Action::CancelOrLeave,
            Action::NextField,
            Action::OpenPicker,
            Action::Help,
            Action::Quit,
            Action::OpenSessions,
        ],
        Mode::Panes => &[
            Action::FocusNext,
            Action::ScrollDown,
            Action::Zoom,
            Action::FoldReasoning,
            Action::CopyAnswer,
            Action::CopyCode,
            Action::Retry,
            Action::CancelPane,
            Action::ContinueWithThis,
            Action::Vote,
            Action::BlindMode,
            Action::OpenSessions,
            Action::OpenReplay,
            Action::Edit,
            Action::Help,
        ],
        Mode::Picker => &[Action::Toggle, Action::Confirm, Action::Close],
        Mode::Help | Mode::Global => &[Action::Close],
    };
    let mut spans = Vec::new();
    let mut used = 0usize;
    for a in keys {
        let k = km.keys_for(mode, *a);
        let Some(first) = k.first() else { continue };
        // Only hints that fit whole: a cut-off hint reads as a different key.
        let item = format!("{first} {}", s::action_short(*a));
        let need = unicode_width::UnicodeWidthStr::width(item.as_str())
            + if spans.is_empty() { 0 } else { 2 };
        if used + need > area.width as usize {
            break;
        }
        used += need;
        if !spans.is_empty() {
            spans.push(Span::styled("  ", t.style(Slot::Muted)));
        }
        spans.push(Span::styled(first.to_string(), t.style(Slot::Accent)));
        spans.push(Span::styled(
            format!(" {}", s::action_short(*a)),
            t.style(Slot::Muted),
        ));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}
