//! The replay grid: prompts × models filling in while a prompt set is replayed, with a progress
//! gauge, the cost so far and the cap. Any cell opens as a comparison.
//!
//! A self-contained TEA component like the browser: [`ReplayGridState`], a pure [`handle`]
//! returning [`ReplayGridEffect`]s as data, and a pure [`draw`]. The App feeds it the replay
//! runner's progress as [`GridInput::Cell`] and [`GridInput::Finished`].

mod runner;
mod view;

pub use runner::grid_input;
pub use view::draw;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::record::Status;

/// Where one repeat of one cell stands.
#[derive(Clone, Debug, PartialEq)]
pub enum CellRun {
    Pending,
    Running,
    /// Settled with this status (ok, error, cancelled, interrupted).
    Settled {
        status: Status,
        ttft_ms: Option<f64>,
        /// None when unpriced.
        cost_usd: Option<f64>,
        /// The error kind (`rate_limited`, ...) of a failed response.
        error: Option<String>,
    },
    /// Not run: already answered in an earlier, resumed replay, or the cost cap was reached.
    Skipped,
}

impl CellRun {
    pub fn is_settled(&self) -> bool {
        matches!(self, CellRun::Settled { .. } | CellRun::Skipped)
    }
}

/// A progress report of the replay runner, addressed by grid coordinates.
#[derive(Clone, Debug, PartialEq)]
pub enum CellUpdate {
    Started,
    Settled {
        status: Status,
        ttft_ms: Option<f64>,
        cost_usd: Option<f64>,
        error: Option<String>,
    },
    Skipped,
}

/// How the replay as a whole stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Running,
    Done,
    /// Stopped by the user.
    Cancelled,
    /// Stopped because the cost cap was reached.
    CapReached,
    Failed(String),
}

#[derive(Clone, Debug)]
pub enum GridInput {
    Key(KeyEvent),
    Cell {
        prompt: usize,
        model: usize,
        repeat: u32,
        update: CellUpdate,
    },
    /// The runner stopped.
    Finished(Phase),
    /// The number of prompt rows visible (paging).
    Viewport(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ReplayGridEffect {
    /// Show the selected prompt's answers as a comparison, focused on `model`. `turn` is the
    /// session turn holding that prompt's answers (None before it is known).
    OpenCell {
        prompt: usize,
        model: usize,
        turn: Option<u32>,
    },
    /// Stop the replay (running cells settle as cancelled).
    Cancel,
    /// Leave the grid.
    Close,
}

#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub redraw: bool,
    pub effects: Vec<ReplayGridEffect>,
}

#[derive(Clone, Debug)]
pub struct ReplayGridState {
    /// The prompt set's name.
    pub name: String,
    /// Row labels: the prompt ids, or the prompts' first lines.
    pub prompts: Vec<String>,
    /// Column labels: `provider:model`.
    pub models: Vec<String>,
    pub repeats: u32,
    runs: Vec<CellRun>,
    /// Selected cell: (prompt, model).
    pub cursor: (usize, usize),
    pub cap_usd: Option<f64>,
    pub phase: Phase,
    /// The session the replay writes into, once known.
    pub session_id: Option<String>,
    /// Per prompt: the session turn that holds its answers.
    pub turns: Vec<Option<u32>>,
    pub page: usize,
}

impl ReplayGridState {
    pub fn new(
        name: &str,
        prompts: Vec<String>,
        models: Vec<String>,
        repeats: u32,
        cap_usd: Option<f64>,
    ) -> Self {
        let repeats = repeats.max(1);
        let n = prompts.len() * models.len() * repeats as usize;
        let turns = vec![None; prompts.len()];
        ReplayGridState {
            turns,
            name: name.to_string(),
            prompts,
            models,
            repeats,
            runs: vec![CellRun::Pending; n],
            cursor: (0, 0),
            cap_usd,
            phase: Phase::Running,
            session_id: None,
            page: 10,
        }
    }

    fn index(&self, prompt: usize, model: usize, repeat: u32) -> Option<usize> {
        (prompt < self.prompts.len() && model < self.models.len() && repeat < self.repeats)
            .then(|| (prompt * self.models.len() + model) * self.repeats as usize + repeat as usize)
    }

    /// The repeats of one cell.
    pub fn cell(&self, prompt: usize, model: usize) -> &[CellRun] {
        match self.index(prompt, model, 0) {
            Some(i) => &self.runs[i..i + self.repeats as usize],
            None => &[],
        }
    }

    pub fn total(&self) -> usize {
        self.runs.len()
    }

    pub fn settled(&self) -> usize {
        self.runs.iter().filter(|r| r.is_settled()).count()
    }

    /// Cells not run (resumed or stopped before them).
    pub fn skipped(&self) -> usize {
        self.runs
            .iter()
            .filter(|r| matches!(r, CellRun::Skipped))
            .count()
    }

    /// Known spend so far, and how many settled responses have no price.
    pub fn spent(&self) -> (f64, usize) {
        let mut usd = 0.0;
        let mut unpriced = 0;
        for r in &self.runs {
            if let CellRun::Settled { cost_usd, .. } = r {
                match cost_usd {
                    Some(c) => usd += c,
                    None => unpriced += 1,
                }
            }
        }
        (usd, unpriced)
    }

    pub fn is_running(&self) -> bool {
        self.phase == Phase::Running
    }

    fn move_cursor(&mut self, dp: isize, dm: isize) {
        let (p, m) = self.cursor;
        let last_p = self.prompts.len().saturating_sub(1);
        let last_m = self.models.len().saturating_sub(1);
        self.cursor = (
            p.saturating_add_signed(dp).min(last_p),
            m.saturating_add_signed(dm).min(last_m),
        );
    }
}

/// The grid's update function: pure.
pub fn handle(state: &mut ReplayGridState, input: GridInput) -> Outcome {
    let redraw = Outcome {
        redraw: true,
        effects: Vec::new(),
    };
    match input {
        GridInput::Cell {
            prompt,
            model,
            repeat,
            update,
        } => {
            let Some(i) = state.index(prompt, model, repeat) else {
                return Outcome::default();
            };
            state.runs[i] = match update {
                CellUpdate::Started => CellRun::Running,
                CellUpdate::Settled {
                    status,
                    ttft_ms,
                    cost_usd,
                    error,
                } => CellRun::Settled {
                    status,
                    ttft_ms,
                    cost_usd,
                    error,
                },
                CellUpdate::Skipped => CellRun::Skipped,
            };
            redraw
        }
        GridInput::Finished(phase) => {
            // Whatever did not run is shown as skipped; a running cell the runner never settled
            // is cancelled.
            for r in &mut state.runs {
                match r {
                    CellRun::Pending => *r = CellRun::Skipped,
                    CellRun::Running => {
                        *r = CellRun::Settled {
                            status: Status::Cancelled,
                            ttft_ms: None,
                            cost_usd: None,
                            error: None,
                        }
                    }
                    _ => {}
                }
            }
            state.phase = phase;
            redraw
        }
        GridInput::Viewport(n) => {
            state.page = n.max(1);
            Outcome::default()
        }
        GridInput::Key(key) if key.kind != KeyEventKind::Release => {
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            let page = state.page as isize;
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => state.move_cursor(-1, 0),
                KeyCode::Down | KeyCode::Char('j') => state.move_cursor(1, 0),
                KeyCode::Left | KeyCode::Char('h') => state.move_cursor(0, -1),
                KeyCode::Right | KeyCode::Char('l') => state.move_cursor(0, 1),
                KeyCode::PageUp => state.move_cursor(-page, 0),
                KeyCode::PageDown => state.move_cursor(page, 0),
                KeyCode::Home | KeyCode::Char('g') => state.cursor = (0, 0),
                KeyCode::End | KeyCode::Char('G') => {
                    state.cursor = (
                        state.prompts.len().saturating_sub(1),
                        state.models.len().saturating_sub(1),
                    )
                }
                KeyCode::Enter if !state.prompts.is_empty() && !state.models.is_empty() => {
                    let (prompt, model) = state.cursor;
                    let turn = state.turns.get(prompt).copied().flatten();
                    return Outcome {
                        redraw: false,
                        effects: vec![ReplayGridEffect::OpenCell {
                            prompt,
                            model,
                            turn,
                        }],
                    };
                }
                KeyCode::Char('c') if !ctrl && state.is_running() => {
                    return Outcome {
                        redraw: true,
                        effects: vec![ReplayGridEffect::Cancel],
                    };
                }
                KeyCode::Esc if state.is_running() => {
                    return Outcome {
                        redraw: true,
                        effects: vec![ReplayGridEffect::Cancel],
                    };
                }
                // q hides the grid (a running replay goes on; the replay key shows it again).
                KeyCode::Esc | KeyCode::Char('q') => {
                    return Outcome {
                        redraw: true,
                        effects: vec![ReplayGridEffect::Close],
                    };
                }
                _ => return Outcome::default(),
            }
            redraw
        }
        GridInput::Key(_) => Outcome::default(),
    }
}

#[cfg(test)]
mod tests;
