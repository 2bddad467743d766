//! The help screen, built from the live keymap and the metric definitions (DESIGN §5).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use crate::strings::tui as s;
use crate::tui::keymap::{Keymap, Mode};
use crate::tui::theme::{Slot, Theme};

/// The help text as lines (also used by tests).
pub fn lines(km: &Keymap, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for mode in Mode::ALL {
        let b = km.bindings(*mode);
        if b.is_empty() {
            continue;
        }
        out.push(Line::styled(s::mode_title(*mode), t.style(Slot::Heading)));
        for (action, keys) in b {
            out.push(Line::from(vec![
                Span::styled(format!("  {keys:<22} "), t.style(Slot::Accent)),
                Span::styled(s::action_help(action).to_string(), t.style(Slot::Base)),
            ]));
        }
        out.push(Line::default());
    }
    out.push(Line::styled(s::METRICS_TITLE, t.style(Slot::Heading)));
    for (name, def) in s::METRIC_DEFINITIONS {
        out.push(Line::from(vec![
            Span::styled(format!("  {name}: "), t.style(Slot::MetricLabel)),
            Span::styled(def.to_string(), t.style(Slot::Base)),
        ]));
    }
    out
}

pub fn render(area: Rect, buf: &mut Buffer, scroll: u16, km: &Keymap, t: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Slot::BorderFocused))
        .title(Line::styled(
            format!(" {} ", s::HELP_TITLE),
            t.style(Slot::Title),
        ));
    Paragraph::new(lines(km, t))
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(area, buf);
}
