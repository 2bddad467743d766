//! Messages (facts that reach `update`), effects (IO requests as data, run by the `App`) and the
//! outcome of one update.

use std::time::Instant;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use crate::engine::{EventKind, Job, JobTag};
use crate::record::{ResponseRecord, Session, Turn};

/// A fact: something happened.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// The clock advanced (sent only while something streams).
    Tick(Instant),
    /// An engine event of one pane's job, stamped on arrival.
    Stream {
        tag: JobTag,
        at: Instant,
        kind: EventKind,
    },
    /// An effect failed or reported something worth a line (store errors, clipboard).
    Notice(String),
    /// The store answered a session-browser effect.
    Browser(crate::tui::browser::BrowserInput),
    /// A saved session was loaded to be reopened (`turn`: only that turn, focused on `focus`).
    SessionOpened {
        result: Result<Box<Session>, String>,
        turn: Option<u32>,
        focus: Option<String>,
    },
    /// A replay was planned: its grid (or why it could not start).
    ReplayStarted(Result<Box<crate::tui::replay_grid::ReplayGridState>, String>),
    /// Progress of the running replay.
    Replay(Box<crate::engine::replay::ReplayEvent>),
}

/// A request for IO, executed by the `App`.
#[derive(Debug)]
pub enum Effect {
    /// Start one pane's job on the engine.
    StartStream(Box<Job>),
    /// Cancel a job: it settles as cancelled and its `Done` still arrives.
    Abort(JobTag),
    /// Create the session in the store (before its first turn).
    CreateSession(Box<Session>),
    /// Add a turn to the session.
    AddTurn {
        session: String,
        turn: Box<Turn>,
    },
    /// Save a response: a checkpoint while streaming (status `Streaming`), final once settled.
    Persist {
        session: String,
        turn: u32,
        record: Box<ResponseRecord>,
    },
    /// Save a vote on a turn of the session.
    Vote {
        session: String,
        vote: crate::record::Vote,
    },
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// A session-browser effect (list, search, rename, tags, delete, open): run against the store
    /// on a background thread, answered with `Msg::Browser` / `Msg::SessionOpened`.
    Browser(crate::tui::browser::BrowserEffect),
    /// Load a saved session to reopen it (answered with `Msg::SessionOpened`).
    OpenSession {
        id: String,
        turn: Option<u32>,
        focus: Option<String>,
    },
    /// Replay the prompt set at `path` across `models` (answered with `Msg::ReplayStarted`, then
    /// `Msg::Replay` events).
    StartReplay {
        path: String,
        models: Vec<crate::catalog::ResolvedModel>,
        max_cost: Option<f64>,
    },
    /// Stop the running replay.
    CancelReplay,
    Quit,
}

/// What one update did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub redraw: bool,
    pub effects: Vec<Effect>,
}

impl Outcome {
    pub fn none() -> Self {
        Outcome::default()
    }
    pub fn redraw() -> Self {
        Outcome {
            redraw: true,
            effects: Vec::new(),
        }
    }
    pub fn with(mut self, e: Effect) -> Self {
        self.effects.push(e);
        self
    }
}
