//! The model picker popup: query, presets, then models with price per 1M tokens, open/closed,
//! context size and whether each is usable now.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::format as f;
use crate::strings::tui as s;
use crate::tui::action::Action;
use crate::tui::keymap::Mode;
use crate::tui::state::AppState;
use crate::tui::state::picker::{PickerState, Row, Usable};
use crate::tui::theme::{Slot, Theme};

pub fn render(area: Rect, buf: &mut Buffer, p: &PickerState, state: &AppState, t: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let km = &state.keymap;
    let hint = format!(
        " {} {} · {} {} · {} {} ",
        km.label(Mode::Picker, Action::Toggle),
        s::action_short(Action::Toggle),
        km.label(Mode::Picker, Action::Confirm),
        s::action_short(Action::Confirm),
        km.label(Mode::Picker, Action::Close),
        s::action_short(Action::Close),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Slot::BorderFocused))
        .title(Line::styled(
            format!(" {} ({}) ", s::PICKER_TITLE, p.selected.len()),
            t.style(Slot::Title),
        ))
        .title_bottom(Line::styled(hint, t.style(Slot::Muted)));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let query = Line::from(vec![
        Span::styled("> ", t.style(Slot::Accent)),
        Span::styled(p.query.clone(), t.style(Slot::Base)),
        Span::styled("▏", t.style(Slot::Accent)),
    ]);
    Paragraph::new(query).render(Rect { height: 1, ..inner }, buf);
    let list = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    if list.is_empty() {
        return;
    }
    if p.rows.is_empty() {
        Paragraph::new(Line::styled(s::PICKER_NO_MATCH, t.style(Slot::Muted))).render(list, buf);
        return;
    }
    let h = usize::from(list.height);
    let start = if p.cursor >= h { p.cursor + 1 - h } else { 0 };
    let id_w = state
        .catalog
        .iter()
        .map(|i| i.model.id.chars().count())
        .max()
        .unwrap_or(10)
        .clamp(10, 40);
    let mut lines = Vec::with_capacity(h);
    for (k, row) in p.rows.iter().enumerate().skip(start).take(h) {
        let cur = k == p.cursor;
        let mut line = match row {
            Row::Preset(name) => {
                let models = state
                    .presets
                    .get(name)
                    .map(|m| m.join(", "))
                    .unwrap_or_default();
                Line::from(vec![
                    Span::styled(format!("  {} ", s::PRESET), t.style(Slot::Accent)),
                    Span::styled(format!("{name}: "), t.style(Slot::Title)),
                    Span::styled(models, t.style(Slot::Muted)),
                ])
            }
            Row::Model(i) => match state.catalog.get(*i) {
                None => Line::default(),
                Some(item) => {
                    let m = &item.model;
                    let check = if p.is_selected(&m.id) { "[x] " } else { "[ ] " };
                    let (badge, badge_style) = if m.open_weights {
                        (s::BADGE_OPEN, t.style(Slot::BadgeOpen))
                    } else {
                        (s::BADGE_CLOSED, t.style(Slot::BadgeClosed))
                    };
                    let (usable, us) = match &item.usable {
                        Usable::Ready => (s::USABLE_READY.to_string(), t.style(Slot::Ok)),
                        Usable::NoKey(env) => (s::no_key(env), t.style(Slot::Error)),
                        Usable::Down => (s::USABLE_DOWN.to_string(), t.style(Slot::Error)),
                        Usable::Unknown => (s::USABLE_UNKNOWN.to_string(), t.style(Slot::Muted)),
                    };
                    let mut spans = vec![
                        Span::styled(check, t.style(Slot::Accent)),
                        Span::styled(format!("{:<id_w$} ", m.id), t.style(Slot::Base)),
                        Span::styled(format!("{badge:<7}"), badge_style),
                        Span::styled(
                            format!("{:>16} ", f::price(m.price.as_ref(), m.is_local())),
                            t.style(Slot::MetricValue),
                        ),
                        Span::styled(
                            format!("{:>6} ", f::context(m.context)),
                            t.style(Slot::MetricLabel),
                        ),
                        Span::styled(usable, us),
                    ];
                    if m.simulated {
                        spans.push(Span::styled(
                            format!(" {}", s::BADGE_SIMULATED),
                            t.style(Slot::Simulated),
                        ));
                    }
                    Line::from(spans)
                }
            },
        };
        if cur {
            line = line.patch_style(t.style(Slot::Selection));
        }
        lines.push(line);
    }
    Paragraph::new(lines).render(list, buf);
}
