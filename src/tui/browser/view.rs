//! Drawing the session browser: pure, from the state and the theme.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::StatefulWidget;
use ratatui::widgets::{
    Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Widget, Wrap,
};
use unicode_width::UnicodeWidthStr;

use super::{BrowserState, LineEdit, Mode, Notice};
use crate::strings::browser as s;
use crate::tui::theme::{Slot, Theme};

/// Text from the store (titles, tags, model names) made safe and single-line for one cell.
pub(crate) fn one_line(text: &str) -> String {
    crate::sanitize::clean(text).replace(['\n', '\t'], " ")
}

/// A dollar figure; None is "unpriced", never $0.
pub fn format_usd(usd: Option<f64>) -> String {
    match usd {
        None => s::UNPRICED.to_string(),
        Some(0.0) => "$0".to_string(),
        Some(v) if v.abs() >= 1.0 => format!("${v:.2}"),
        Some(v) => {
            // Four decimals from a cent up, six below; never a bare "$0." for a tiny cost.
            let t = if v.abs() >= 0.01 {
                format!("{v:.4}")
            } else {
                format!("{v:.6}")
            };
            let t = t.trim_end_matches('0').trim_end_matches('.');
            if t == "0" || t == "-0" {
                "<$0.000001".to_string()
            } else {
                format!("${t}")
            }
        }
    }
}

/// A label followed by an editable field, with the cursor shown as a reversed cell and the text
/// scrolled so the cursor stays visible in `width` columns.
pub(crate) fn field_line<'a>(
    label: &'a str,
    field: &LineEdit,
    width: u16,
    theme: &Theme,
) -> Line<'a> {
    let chars: Vec<char> = field.text().chars().collect();
    let cur = field.cursor().min(chars.len());
    let room = (width as usize).saturating_sub(label.width() + 1);
    let mut start = 0;
    while start < cur && chars[start..cur].iter().collect::<String>().width() > room {
        start += 1;
    }
    let before: String = chars[start..cur].iter().collect();
    let at: String = chars.get(cur).map_or(" ".to_string(), |c| c.to_string());
    let after: String = chars
        .get(cur + 1..)
        .map_or(String::new(), |r| r.iter().collect());
    Line::from(vec![
        Span::styled(label, theme.style(Slot::MetricLabel)),
        Span::styled(before, theme.style(Slot::Base)),
        Span::styled(
            at,
            theme
                .style(Slot::Base)
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ),
        Span::styled(after, theme.style(Slot::Base)),
    ])
}

pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Draw the browser into `area` of `buf`.
pub fn draw(area: Rect, buf: &mut Buffer, state: &BrowserState, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    Clear.render(area, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Slot::BorderFocused))
        .title(Span::styled(
            s::title_count(state.rows.len()),
            theme.style(Slot::Title),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let [search, header, list, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    draw_search(search, buf, state, theme);
    draw_table(header, list, buf, state, theme);
    draw_footer(footer, buf, state, theme);

    if let Mode::ConfirmDelete { id } = &state.mode {
        let (title, turns) = state
            .rows
            .iter()
            .find(|r| &r.id == id)
            .map_or((id.clone(), 0), |r| (one_line(&r.title), r.turns));
        let popup = centered(area, 64, 6);
        Clear.render(popup, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(Slot::Error))
            .title(Span::styled(
                format!(" {} ", s::CONFIRM_TITLE),
                theme.style(Slot::Error),
            ));
        let text = vec![
            Line::styled(s::confirm_delete(&title, turns), theme.style(Slot::Base)),
            Line::default(),
            Line::styled(s::CONFIRM_HINT, theme.style(Slot::Muted)),
        ];
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(block)
            .render(popup, buf);
    }
}

fn draw_search(area: Rect, buf: &mut Buffer, state: &BrowserState, theme: &Theme) {
    let line = if state.mode == Mode::Search {
        field_line(s::SEARCH_LABEL, &state.search, area.width, theme)
    } else if state.search.text().is_empty() {
        Line::from(vec![
            Span::styled(s::SEARCH_LABEL, theme.style(Slot::MetricLabel)),
            Span::styled(s::SEARCH_PLACEHOLDER, theme.style(Slot::Muted)),
        ])
    } else {
        Line::from(vec![
            Span::styled(s::SEARCH_LABEL, theme.style(Slot::MetricLabel)),
            Span::styled(one_line(state.search.text()), theme.style(Slot::Accent)),
        ])
    };
    Paragraph::new(line).render(area, buf);
    if state.loading.is_some() {
        let label = if state.query().is_empty() {
            s::LOADING
        } else {
            s::SEARCHING
        };
        let w = (label.width() as u16).min(area.width);
        let right = Rect {
            x: area.right() - w,
            width: w,
            ..area
        };
        Paragraph::new(Span::styled(label, theme.style(Slot::Spinner))).render(right, buf);
    }
}

fn draw_table(header: Rect, list: Rect, buf: &mut Buffer, state: &BrowserState, theme: &Theme) {
    let widths = [
        Constraint::Length(16),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(5),
        Constraint::Length(9),
        Constraint::Fill(1),
    ];
    let area = Rect {
        height: header.height + list.height,
        ..header
    };
    if state.rows.is_empty() {
        let msg = if state.loading.is_some() {
            ""
        } else if state.query().is_empty() {
            s::EMPTY
        } else {
            s::NO_MATCH
        };
        Paragraph::new(Span::styled(msg, theme.style(Slot::Muted)))
            .wrap(Wrap { trim: true })
            .render(list, buf);
        return;
    }
    let head = Row::new([
        s::COL_CREATED,
        s::COL_TITLE,
        s::COL_MODELS,
        s::COL_TURNS,
        s::COL_COST,
        s::COL_TAGS,
    ])
    .style(theme.style(Slot::MetricLabel));
    let rows = state.rows.iter().map(|r| {
        let cost_style = if r.cost_usd.is_some() {
            theme.style(Slot::MetricValue)
        } else {
            theme.style(Slot::Muted)
        };
        Row::new([
            Cell::from(Span::styled(
                r.created_at.format("%Y-%m-%d %H:%M").to_string(),
                theme.style(Slot::Muted),
            )),
            Cell::from(Span::styled(one_line(&r.title), theme.style(Slot::Base))),
            Cell::from(Span::styled(
                one_line(&r.models.join(", ")),
                theme.style(Slot::Accent),
            )),
            Cell::from(
                Line::styled(r.turns.to_string(), theme.style(Slot::MetricValue)).right_aligned(),
            ),
            Cell::from(Line::styled(format_usd(r.cost_usd), cost_style).right_aligned()),
            Cell::from(Span::styled(
                one_line(&r.tags.join(", ")),
                theme.style(Slot::Warn),
            )),
        ])
    });
    let table = Table::new(rows, widths)
        .header(head)
        .column_spacing(1)
        .row_highlight_style(theme.style(Slot::Selection))
        .highlight_symbol("› ");
    let visible = list.height.max(1) as usize;
    let offset = state.selected.saturating_sub(visible - 1);
    let mut ts = TableState::default()
        .with_offset(offset)
        .with_selected(Some(state.selected));
    StatefulWidget::render(table, area, buf, &mut ts);
}

fn draw_footer(area: Rect, buf: &mut Buffer, state: &BrowserState, theme: &Theme) {
    let line = match &state.mode {
        Mode::Rename { field, .. } => field_line(s::RENAME_LABEL, field, area.width, theme),
        Mode::Tags { field, .. } => field_line(s::TAGS_LABEL, field, area.width, theme),
        _ => match &state.notice {
            Some(Notice::Error(e)) => Line::styled(one_line(e), theme.style(Slot::Error)),
            Some(Notice::Info(i)) => Line::styled(one_line(i), theme.style(Slot::Ok)),
            None if state.mode == Mode::Search => {
                Line::styled(s::HINT_SEARCH, theme.style(Slot::StatusBar))
            }
            None => Line::styled(s::HINT_LIST, theme.style(Slot::StatusBar)),
        },
    };
    Paragraph::new(line).render(area, buf);
    if matches!(state.mode, Mode::Rename { .. } | Mode::Tags { .. }) && area.y > 0 {
        // The edit hint sits on the border under the field.
        let w = (s::EDIT_HINT.width() as u16 + 2).min(area.width);
        let hint = Rect {
            x: area.right() - w,
            y: area.y + 1,
            width: w,
            height: 1,
        }
        .intersection(buf.area);
        Paragraph::new(Span::styled(
            format!(" {} ", s::EDIT_HINT),
            theme.style(Slot::Muted),
        ))
        .render(hint, buf);
    }
}

/// The small popup asking for the prompt set to replay.
pub fn draw_path_prompt(area: Rect, buf: &mut Buffer, field: &LineEdit, theme: &Theme) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let popup = centered(area, 90, 5);
    Clear.render(popup, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Slot::BorderFocused))
        .title(Span::styled(
            format!(" {} ", s::REPLAY_PATH_TITLE),
            theme.style(Slot::Title),
        ));
    let inner = block.inner(popup);
    block.render(popup, buf);
    if inner.is_empty() {
        return;
    }
    let [line, hint] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    Paragraph::new(field_line(s::REPLAY_PATH_LABEL, field, line.width, theme)).render(line, buf);
    Paragraph::new(Span::styled(s::REPLAY_PATH_HINT, theme.style(Slot::Muted)))
        .wrap(Wrap { trim: true })
        .render(hint, buf);
}
