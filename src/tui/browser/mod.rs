//! The session browser: list, search, open, rename, tag and delete saved sessions.
//!
//! A self-contained TEA component: [`BrowserState`], a pure [`handle`] that turns an input into
//! a redraw flag and effects as data ([`BrowserEffect`]), and a pure [`draw`]. No IO happens
//! here: the App runs the effects against the store and feeds the results back as inputs.

pub mod exec;
mod line;
pub mod reopen;
mod view;

pub use line::LineEdit;
pub use view::{draw, draw_path_prompt, format_usd};

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::record::SessionSummary;

/// One session as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    pub id: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub models: Vec<String>,
    pub turns: u32,
    /// None when any response is unpriced.
    pub cost_usd: Option<f64>,
    pub tags: Vec<String>,
}

impl From<SessionSummary> for SessionRow {
    fn from(s: SessionSummary) -> Self {
        SessionRow {
            id: s.id,
            title: s.title,
            created_at: s.created_at,
            models: s.models,
            turns: s.turns,
            cost_usd: s.cost_usd,
            tags: Vec::new(),
        }
    }
}

/// What the user is doing in the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Moving through the list.
    List,
    /// Typing in the search box.
    Search,
    /// Editing the title of session `id`.
    Rename { id: String, field: LineEdit },
    /// Editing the tags of session `id`.
    Tags { id: String, field: LineEdit },
    /// Asking before deleting session `id`.
    ConfirmDelete { id: String },
}

/// IO the App performs for the browser.
#[derive(Clone, Debug, PartialEq)]
pub enum BrowserEffect {
    /// List sessions (empty query) or search them (full text); answer with
    /// [`BrowserInput::Loaded`] carrying the same query.
    Load(String),
    /// Reopen this session in the workbench.
    Open(String),
    Rename(String, String),
    SetTags(String, Vec<String>),
    /// Delete (already confirmed by the user).
    Delete(String),
    /// Close the browser.
    Close,
}

/// What reaches the browser.
#[derive(Clone, Debug)]
pub enum BrowserInput {
    Key(KeyEvent),
    Paste(String),
    /// The answer to [`BrowserEffect::Load`]; ignored when `query` is no longer the current one.
    Loaded {
        query: String,
        result: Result<Vec<SessionRow>, String>,
    },
    /// A store write (rename, tags, delete) failed: shown, and the list is reloaded.
    WriteFailed(String),
    /// The number of list rows visible (for paging); the App sends it on resize.
    Viewport(usize),
}

#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub redraw: bool,
    pub effects: Vec<BrowserEffect>,
}

impl Outcome {
    fn redraw() -> Self {
        Outcome {
            redraw: true,
            effects: Vec::new(),
        }
    }
    fn with(effect: BrowserEffect) -> Self {
        Outcome {
            redraw: true,
            effects: vec![effect],
        }
    }
}

/// A transient line under the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Info(String),
    Error(String),
}

#[derive(Clone, Debug)]
pub struct BrowserState {
    pub rows: Vec<SessionRow>,
    pub search: LineEdit,
    pub mode: Mode,
    pub selected: usize,
    /// The query whose results are awaited (None when `rows` is current).
    pub loading: Option<String>,
    /// The query `rows` answers.
    pub loaded_query: Option<String>,
    pub notice: Option<Notice>,
    /// List rows visible, for PageUp/PageDown.
    pub page: usize,
}

impl Default for BrowserState {
    fn default() -> Self {
        BrowserState {
            rows: Vec::new(),
            search: LineEdit::default(),
            mode: Mode::List,
            selected: 0,
            loading: None,
            loaded_query: None,
            notice: None,
            page: 10,
        }
    }
}

impl BrowserState {
    /// A fresh browser and the effect that fills it.
    pub fn open() -> (BrowserState, Vec<BrowserEffect>) {
        let mut s = BrowserState::default();
        let fx = s.request_load();
        (s, vec![fx])
    }

    pub fn query(&self) -> &str {
        self.search.text().trim()
    }

    pub fn selected_row(&self) -> Option<&SessionRow> {
        self.rows.get(self.selected)
    }

    fn request_load(&mut self) -> BrowserEffect {
        let q = self.query().to_string();
        self.loading = Some(q.clone());
        BrowserEffect::Load(q)
    }

    fn row_mut(&mut self, id: &str) -> Option<&mut SessionRow> {
        self.rows.iter_mut().find(|r| r.id == id)
    }

    fn row(&self, id: &str) -> Option<&SessionRow> {
        self.rows.iter().find(|r| r.id == id)
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            self.selected = 0;
            return;
        }
        let last = self.rows.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }
}

/// Split a tags field: commas or whitespace separate; empty and repeated tags are dropped.
pub fn parse_tags(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in s.split(|c: char| c == ',' || c.is_whitespace()) {
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// The browser's update function: pure.
pub fn handle(state: &mut BrowserState, input: BrowserInput) -> Outcome {
    match input {
        BrowserInput::Key(key) => {
            if key.kind == KeyEventKind::Release {
                return Outcome::default();
            }
            on_key(state, key)
        }
        BrowserInput::Paste(text) => on_paste(state, &text),
        BrowserInput::Loaded { query, result } => {
            if state.loading.as_deref() != Some(query.as_str()) {
                return Outcome::default(); // stale answer to an older query
            }
            state.loading = None;
            match result {
                Ok(rows) => {
                    let keep = state.selected_row().map(|r| r.id.clone());
                    state.rows = rows;
                    state.loaded_query = Some(query);
                    state.selected = keep
                        .and_then(|id| state.rows.iter().position(|r| r.id == id))
                        .unwrap_or(0);
                    state.clamp();
                }
                Err(e) => {
                    state.notice = Some(Notice::Error(crate::strings::browser::store_error(&e)))
                }
            }
            Outcome::redraw()
        }
        BrowserInput::WriteFailed(e) => {
            state.notice = Some(Notice::Error(crate::strings::browser::store_error(&e)));
            Outcome::with(state.request_load())
        }
        BrowserInput::Viewport(n) => {
            state.page = n.max(1);
            Outcome::default()
        }
    }
}

fn on_paste(state: &mut BrowserState, text: &str) -> Outcome {
    let line = text.replace(['\n', '\r'], " ");
    match &mut state.mode {
        Mode::Search => {
            state.search.insert_str(&line);
            Outcome::with(state.request_load())
        }
        Mode::Rename { field, .. } | Mode::Tags { field, .. } => {
            field.insert_str(&line);
            Outcome::redraw()
        }
        _ => Outcome::default(),
    }
}

fn on_key(state: &mut BrowserState, key: KeyEvent) -> Outcome {
    use crate::strings::browser as s;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // Keys the list and the search box share.
    let listing = matches!(state.mode, Mode::List | Mode::Search);
    match key.code {
        _ if !listing => {}
        KeyCode::Up => {
            state.move_by(-1);
            return Outcome::redraw();
        }
        KeyCode::Down => {
            state.move_by(1);
            return Outcome::redraw();
        }
        KeyCode::PageUp => {
            state.move_by(-(state.page as isize));
            return Outcome::redraw();
        }
        KeyCode::PageDown => {
            state.move_by(state.page as isize);
            return Outcome::redraw();
        }
        KeyCode::Char('r') if ctrl => {
            return Outcome::with(state.request_load());
        }
        _ => {}
    }
    match std::mem::replace(&mut state.mode, Mode::List) {
        Mode::List => {
            state.notice = None;
            match key.code {
                KeyCode::Char('k') => state.move_by(-1),
                KeyCode::Char('j') => state.move_by(1),
                KeyCode::Home | KeyCode::Char('g') => state.selected = 0,
                KeyCode::End | KeyCode::Char('G') => {
                    state.selected = state.rows.len().saturating_sub(1)
                }
                KeyCode::Char('/') => state.mode = Mode::Search,
                KeyCode::Enter => {
                    return match state.selected_row() {
                        Some(r) => Outcome::with(BrowserEffect::Open(r.id.clone())),
                        None => Outcome::default(),
                    };
                }
                KeyCode::Char('r') => {
                    if let Some(r) = state.selected_row() {
                        state.mode = Mode::Rename {
                            id: r.id.clone(),
                            field: LineEdit::new(&r.title),
                        };
                    }
                }
                KeyCode::Char('t') => {
                    if let Some(r) = state.selected_row() {
                        state.mode = Mode::Tags {
                            id: r.id.clone(),
                            field: LineEdit::new(&r.tags.join(", ")),
                        };
                    }
                }
                KeyCode::Char('d') | KeyCode::Delete => {
                    if let Some(r) = state.selected_row() {
                        state.mode = Mode::ConfirmDelete { id: r.id.clone() };
                    }
                }
                KeyCode::Esc if !state.search.text().is_empty() => {
                    state.search.clear();
                    return Outcome::with(state.request_load());
                }
                KeyCode::Esc | KeyCode::Char('q') => return Outcome::with(BrowserEffect::Close),
                _ => return Outcome::default(),
            }
            Outcome::redraw()
        }
        Mode::Search => match key.code {
            KeyCode::Esc => Outcome::redraw(), // back to the list, query kept
            KeyCode::Enter => match state.selected_row() {
                Some(r) => Outcome::with(BrowserEffect::Open(r.id.clone())),
                None => {
                    state.mode = Mode::Search;
                    Outcome::default()
                }
            },
            _ => {
                state.mode = Mode::Search;
                let before = state.query().to_string();
                let changed = state.search.key(key);
                if changed && state.query() != before {
                    Outcome::with(state.request_load())
                } else {
                    Outcome::redraw()
                }
            }
        },
        Mode::Rename { id, mut field } => match key.code {
            KeyCode::Esc => Outcome::redraw(),
            KeyCode::Enter => {
                let title = field.text().trim().to_string();
                if title.is_empty() {
                    state.mode = Mode::Rename { id, field };
                    return Outcome::default();
                }
                let unchanged = state.row(&id).is_some_and(|r| r.title == title);
                if unchanged {
                    return Outcome::redraw();
                }
                if let Some(r) = state.row_mut(&id) {
                    r.title = title.clone();
                }
                state.notice = Some(Notice::Info(s::renamed(&title)));
                Outcome::with(BrowserEffect::Rename(id, title))
            }
            _ => {
                field.key(key);
                state.mode = Mode::Rename { id, field };
                Outcome::redraw()
            }
        },
        Mode::Tags { id, mut field } => match key.code {
            KeyCode::Esc => Outcome::redraw(),
            KeyCode::Enter => {
                let tags = parse_tags(field.text());
                if let Some(r) = state.row_mut(&id) {
                    r.tags = tags.clone();
                }
                state.notice = Some(Notice::Info(s::TAGS_SAVED.to_string()));
                Outcome::with(BrowserEffect::SetTags(id, tags))
            }
            _ => {
                field.key(key);
                state.mode = Mode::Tags { id, field };
                Outcome::redraw()
            }
        },
        Mode::ConfirmDelete { id } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                state.rows.retain(|r| r.id != id);
                state.clamp();
                state.notice = Some(Notice::Info(s::DELETED.to_string()));
                Outcome::with(BrowserEffect::Delete(id))
            }
            // Anything else keeps the session: deleting needs an explicit yes.
            _ => Outcome::redraw(),
        },
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod tests_support {
    use ratatui::buffer::Buffer;

    /// The text of a buffer, one line per row, wide characters counted once.
    pub(crate) fn buffer_text(buf: &Buffer) -> String {
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buf.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                line.push_str(sym);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}
