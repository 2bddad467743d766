//! Where everything goes: pure functions of the area and the state, shared by drawing and by
//! mouse hit-testing in `update`.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::tui::state::AppState;

/// Panes shown at once; more scroll (the window follows the focus).
pub const MAX_VISIBLE: usize = 8;
/// Side by side up to this many; then a grid of two rows.
pub const MAX_ROW: usize = 4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Screen {
    pub top: Rect,
    /// (pane index, its area), only the visible ones.
    pub panes: Vec<(usize, Rect)>,
    pub editor: Rect,
    pub status: Rect,
}

pub fn screen(area: Rect, state: &AppState) -> Screen {
    let lines = state.editor.prompt_lines() as u16;
    // The editor grows with its text, up to a third of the screen.
    let editor_h = (lines + 2).clamp(3, (area.height / 3).max(3));
    let [top, body, editor, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(editor_h),
        Constraint::Length(1),
    ])
    .areas(area);
    let panes = if state.zoom {
        state
            .panes
            .get(state.focus)
            .map(|_| vec![(state.focus, body)])
            .unwrap_or_default()
    } else {
        grid(body, state.panes.len(), state.focus)
    };
    Screen {
        top,
        panes,
        editor,
        status,
    }
}

/// Lay `n` panes out in `area`: one row up to [`MAX_ROW`], then two rows; beyond
/// [`MAX_VISIBLE`] only the page holding `focus` is shown.
pub fn grid(area: Rect, n: usize, focus: usize) -> Vec<(usize, Rect)> {
    if n == 0 || area.is_empty() {
        return Vec::new();
    }
    let page = focus.min(n - 1) / MAX_VISIBLE;
    let first = page * MAX_VISIBLE;
    let count = (n - first).min(MAX_VISIBLE);
    let rows = if count > MAX_ROW { 2 } else { 1 };
    let cols = count.div_ceil(rows);
    let row_areas = Layout::vertical(vec![Constraint::Ratio(1, rows as u32); rows]).split(area);
    let mut out = Vec::with_capacity(count);
    for (r, row) in row_areas.iter().enumerate() {
        let in_row = if r + 1 == rows {
            count - cols * r
        } else {
            cols
        };
        let cells =
            Layout::horizontal(vec![Constraint::Ratio(1, in_row as u32); in_row]).split(*row);
        for (c, cell) in cells.iter().enumerate() {
            out.push((first + r * cols + c, *cell));
        }
    }
    out
}

/// A centred popup of `pct_w`% × `pct_h`% of `area` (at least a usable size when possible).
pub fn popup(area: Rect, pct_w: u16, pct_h: u16) -> Rect {
    let w = (area.width * pct_w / 100)
        .max(area.width.min(30))
        .min(area.width);
    let h = (area.height * pct_h / 100)
        .max(area.height.min(8))
        .min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_to_four_side_by_side_then_a_grid() {
        let a = Rect::new(0, 0, 120, 30);
        let g = grid(a, 4, 0);
        assert_eq!(g.len(), 4);
        assert!(g.iter().all(|(_, r)| r.y == 0 && r.height == 30));
        let g = grid(a, 6, 0);
        assert_eq!(g.len(), 6);
        assert_eq!(g.iter().filter(|(_, r)| r.y == 0).count(), 3);
        let g = grid(a, 11, 9);
        assert_eq!(
            g.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            vec![8, 9, 10],
            "second page"
        );
        assert!(grid(Rect::ZERO, 3, 0).is_empty());
        assert!(grid(a, 0, 0).is_empty());
    }

    #[test]
    fn popups_fit_inside() {
        for (w, h) in [(0, 0), (1, 1), (40, 12), (200, 60)] {
            let a = Rect::new(0, 0, w, h);
            let p = popup(a, 80, 70);
            assert!(a.contains(p.as_position()) || p.is_empty());
            assert!(p.right() <= a.right() && p.bottom() <= a.bottom());
        }
    }
}
