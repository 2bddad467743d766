//! The workbench side of the session browser, the replay grid and re-running a turn: routing
//! keys to those overlays, turning their effects into App effects, and reopening a saved session
//! into panes with its saved text, metrics and costs. Pure, like the rest of `update`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::Field;
use super::pane::{Exchange, PaneState};
use super::{AppState, Overlay, SessionState, TurnState};
use crate::catalog::{ProviderDef, ResolvedModel};
use crate::provider::Protocol;
use crate::record::{Session, Status};
use crate::sanitize::clean;
use crate::strings::browser as s;
use crate::tui::browser::reopen::saved_panes;
use crate::tui::browser::{self, BrowserEffect, BrowserInput, BrowserState, LineEdit};
use crate::tui::msg::{Effect, Outcome};
use crate::tui::replay_grid::{self, GridInput, ReplayGridEffect, ReplayGridState};

/// Open the session browser (its first list is loaded at once).
pub fn open_browser(state: &mut AppState) -> Outcome {
    let (mut b, effects) = BrowserState::open();
    // PageUp/PageDown move by the rows the popup shows (86% of the height, less its chrome).
    b.page = (usize::from(state.size.1) * 86 / 100)
        .saturating_sub(6)
        .max(1);
    state.overlay = Some(Overlay::Browser(Box::new(b)));
    let mut out = Outcome::redraw();
    out.effects.extend(effects.into_iter().map(Effect::Browser));
    out
}

/// Show the running replay's grid, or ask for a prompt set to replay.
pub fn open_replay(state: &mut AppState) -> Outcome {
    if state.replay_grid.as_ref().is_some_and(|g| g.is_running()) {
        state.overlay = Some(Overlay::Replay);
        return Outcome::redraw();
    }
    if state.panes.is_empty() {
        state.notice = Some(s::REPLAY_NEEDS_MODELS.into());
        return Outcome::redraw();
    }
    state.overlay = Some(Overlay::ReplayPath(LineEdit::new(&state.replay_path)));
    Outcome::redraw()
}

/// Pick models, then send the last prompt (with its system prompt and parameters) to them.
pub fn rerun_on_models(state: &mut AppState) -> Outcome {
    if state.any_streaming() {
        state.notice = Some(s::WAIT_FOR_STREAMS.into());
        return Outcome::redraw();
    }
    let Some(turn) = state.session.turns.last().cloned() else {
        state.notice = Some(s::RERUN_NOTHING.into());
        return Outcome::redraw();
    };
    let out = super::act(state, crate::tui::action::Action::OpenPicker);
    state.rerun = Some(turn);
    state.notice = Some(s::RERUN_PICK.into());
    out
}

/// After the picker chose models for a re-run: put the saved turn in the editor and send it.
pub fn finish_rerun(state: &mut AppState, mut out: Outcome) -> Outcome {
    let Some(turn) = state.rerun.take() else {
        return out;
    };
    state.editor.set_text(Field::Prompt, &turn.prompt);
    state
        .editor
        .set_text(Field::System, turn.system.as_deref().unwrap_or(""));
    let num = |v: Option<String>| v.unwrap_or_default();
    state.editor.set_text(
        Field::Temperature,
        &num(turn.params.temperature.map(|t| t.to_string())),
    );
    state.editor.set_text(
        Field::MaxTokens,
        &num(turn.params.max_tokens.map(|t| t.to_string())),
    );
    let sent = super::submit(state);
    out.redraw = true;
    out.effects.extend(sent.effects);
    out
}

/// Keys while the browser, the grid or the replay-path field is open; None otherwise (and for
/// Ctrl+C, which still quits).
pub fn on_overlay_key(state: &mut AppState, key: KeyEvent) -> Option<Outcome> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return None;
    }
    match state.overlay.as_mut()? {
        Overlay::Browser(b) => {
            let out = browser::handle(b, BrowserInput::Key(key));
            Some(browser_outcome(state, out))
        }
        Overlay::Replay => {
            let g = state.replay_grid.as_mut()?;
            let out = replay_grid::handle(g, GridInput::Key(key));
            Some(grid_outcome(state, out))
        }
        Overlay::ReplayPath(field) => Some(match key.code {
            KeyCode::Esc => {
                state.overlay = None;
                Outcome::redraw()
            }
            KeyCode::Enter => {
                let text = field.text().to_string();
                start_replay(state, &text)
            }
            _ => {
                field.key(key);
                Outcome::redraw()
            }
        }),
        _ => None,
    }
}

/// Pasted text while one of these overlays is open.
pub fn on_overlay_paste(state: &mut AppState, text: &str) -> Option<Outcome> {
    match state.overlay.as_mut()? {
        Overlay::Browser(b) => {
            let out = browser::handle(b, BrowserInput::Paste(text.to_string()));
            Some(browser_outcome(state, out))
        }
        Overlay::ReplayPath(field) => {
            field.insert_str(&text.replace(['\n', '\r'], ""));
            Some(Outcome::redraw())
        }
        Overlay::Replay => Some(Outcome::none()),
        _ => None,
    }
}

/// `PATH [--max-cost USD]`.
fn parse_replay_line(line: &str) -> Result<(String, Option<f64>), &'static str> {
    match line.split_once("--max-cost") {
        None => Ok((line.trim().to_string(), None)),
        Some((path, cap)) => {
            let cap = cap.trim().trim_start_matches('$');
            match cap.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok((path.trim().to_string(), Some(v))),
                _ => Err(s::REPLAY_BAD_CAP),
            }
        }
    }
}

fn start_replay(state: &mut AppState, line: &str) -> Outcome {
    let (path, max_cost) = match parse_replay_line(line) {
        Ok(v) => v,
        Err(e) => {
            state.notice = Some(e.into());
            return Outcome::redraw();
        }
    };
    if path.is_empty() {
        return Outcome::none();
    }
    state.replay_path = line.trim().to_string();
    state.overlay = None;
    let models = state.panes.iter().map(|p| p.model.clone()).collect();
    Outcome::redraw().with(Effect::StartReplay {
        path,
        models,
        max_cost,
    })
}

fn browser_outcome(state: &mut AppState, out: browser::Outcome) -> Outcome {
    let mut res = Outcome {
        redraw: out.redraw,
        effects: Vec::new(),
    };
    for fx in out.effects {
        match fx {
            BrowserEffect::Close => {
                state.overlay = None;
                res.redraw = true;
            }
            BrowserEffect::Open(id) => res.effects.push(Effect::OpenSession {
                id,
                turn: None,
                focus: None,
            }),
            other => res.effects.push(Effect::Browser(other)),
        }
    }
    res
}

fn grid_outcome(state: &mut AppState, out: replay_grid::Outcome) -> Outcome {
    let mut res = Outcome {
        redraw: out.redraw,
        effects: Vec::new(),
    };
    for fx in out.effects {
        match fx {
            ReplayGridEffect::Close => {
                state.overlay = None;
                res.redraw = true;
            }
            ReplayGridEffect::Cancel => res.effects.push(Effect::CancelReplay),
            ReplayGridEffect::OpenCell { model, turn, .. } => {
                let Some(g) = state.replay_grid.as_ref() else {
                    continue;
                };
                if let (Some(id), Some(turn)) = (g.session_id.clone(), turn) {
                    let focus = g.models.get(model).cloned();
                    res.effects.push(Effect::OpenSession {
                        id,
                        turn: Some(turn),
                        focus,
                    });
                }
            }
        }
    }
    res
}

/// An answer from the store to the browser.
pub fn on_browser_input(state: &mut AppState, input: BrowserInput) -> Outcome {
    match state.overlay.as_mut() {
        Some(Overlay::Browser(b)) => {
            let out = browser::handle(b, input);
            browser_outcome(state, out)
        }
        _ => {
            // The browser was closed meanwhile; a failed write still deserves a line.
            if let BrowserInput::WriteFailed(e) = input {
                state.notice = Some(s::store_error(&e));
                return Outcome::redraw();
            }
            Outcome::none()
        }
    }
}

/// Progress of the running replay.
pub fn on_replay_event(state: &mut AppState, ev: &crate::engine::replay::ReplayEvent) -> Outcome {
    let Some(g) = state.replay_grid.as_mut() else {
        return Outcome::none();
    };
    match replay_grid::grid_input(ev) {
        Some(input) => {
            let out = replay_grid::handle(g, input);
            Outcome {
                redraw: out.redraw,
                effects: Vec::new(),
            }
        }
        None => Outcome::none(),
    }
}

/// A replay was planned: show its grid.
pub fn on_replay_started(
    state: &mut AppState,
    result: Result<Box<ReplayGridState>, String>,
) -> Outcome {
    match result {
        Ok(g) => {
            state.replay_grid = Some(g);
            state.overlay = Some(Overlay::Replay);
        }
        Err(e) => state.notice = Some(s::replay_start_failed(&e)),
    }
    Outcome::redraw()
}

/// A model of a saved session that the catalog does not know any more: shown as it was saved,
/// and a new prompt to it fails with a clear error instead of going anywhere unexpected.
fn unknown_model(id: &str) -> ResolvedModel {
    let (provider, model) = id.split_once(':').unwrap_or(("unknown", id));
    ResolvedModel {
        id: id.to_string(),
        provider: ProviderDef {
            id: provider.to_string(),
            protocol: Protocol::Openai,
            base_url: String::new(),
            api_key_env: None,
            open_weights: false,
            local: false,
            max_concurrency: None,
            headers: Default::default(),
        },
        model: model.to_string(),
        open_weights: false,
        context: None,
        price: None,
        simulated: false,
        in_catalog: false,
    }
}

/// A loaded session: reopen it (all turns, or one turn of a replay).
pub fn on_session_opened(
    state: &mut AppState,
    result: Result<Box<Session>, String>,
    turn: Option<u32>,
    focus: Option<String>,
) -> Outcome {
    match result {
        Ok(session) => reopen(state, &session, turn, focus.as_deref()),
        Err(e) => {
            state.notice = Some(s::open_failed(&e));
            Outcome::redraw()
        }
    }
}

/// Replace the panes with the saved ones: their answers, metrics and costs as saved; the next
/// prompt continues this session's conversation.
pub fn reopen(
    state: &mut AppState,
    session: &Session,
    only_turn: Option<u32>,
    focus: Option<&str>,
) -> Outcome {
    let mut out = super::cancel_all(state);
    out.redraw = true;
    let saved = saved_panes(session, only_turn);
    let mut panes: Vec<PaneState> = Vec::new();
    for sp in &saved {
        let model = match state.catalog.iter().find(|it| it.model.id == sp.model) {
            Some(it) => it.model.clone(),
            None => unknown_model(&sp.model),
        };
        let mut p = PaneState::new(sp.pane, model, state.now);
        for ex in &sp.exchanges {
            let ok = ex.record.status == Status::Ok;
            p.exchanges.push(Exchange {
                turn: ex.turn,
                prompt: ex.prompt.clone(),
                answer: if ok {
                    clean(&ex.record.text).into_owned()
                } else {
                    String::new()
                },
            });
        }
        if let Some(last) = sp.exchanges.last() {
            let mut rec = last.record.clone();
            if let Some(e) = rec.error.as_mut() {
                e.message = clean(&e.message).into_owned();
            }
            p.turn = Some(last.turn);
            p.status = Some(rec.status);
            p.text = clean(&rec.text).into_owned();
            p.reasoning = clean(&rec.reasoning).into_owned();
            p.error = rec.error.clone();
            p.record = Some(Box::new(rec));
        }
        panes.push(p);
    }
    if panes.is_empty() {
        // A session saved before any answer: its models, empty.
        for (i, id) in session.models.iter().enumerate() {
            let model = match state.catalog.iter().find(|it| &it.model.id == id) {
                Some(it) => it.model.clone(),
                None => unknown_model(id),
            };
            panes.push(PaneState::new(i as u32, model, state.now));
        }
    }
    state.focus = focus
        .and_then(|f| panes.iter().position(|p| p.model.id == f))
        .unwrap_or(0);
    state.panes = panes;
    state.zoom = false;
    let mut turns: Vec<TurnState> = session
        .turns
        .iter()
        .map(|t| TurnState {
            index: t.index,
            prompt: t.prompt.clone(),
            system: t.system.clone(),
            params: t.params.clone(),
            run: 0,
        })
        .collect();
    turns.sort_by_key(|t| t.index);
    // The last turn is the one the panes show (the top bar, re-run and retry act on it): the
    // opened one, else the latest with an answer (a replay stopped early has unanswered turns).
    let shown = only_turn.or_else(|| {
        saved
            .iter()
            .filter_map(|p| p.exchanges.last().map(|e| e.turn))
            .max()
    });
    if let Some(i) = shown.and_then(|n| turns.iter().position(|t| t.index == n)) {
        let t = turns.remove(i);
        turns.push(t);
    }
    state.session = SessionState {
        id: session.id.clone(),
        created: true,
        models: state.panes.iter().map(|p| p.model.id.clone()).collect(),
        turns,
    };
    state.overlay = None;
    state.mode = crate::tui::keymap::Mode::Editor;
    state.notice = Some(s::reopened(
        &clean(&session.title).replace('\n', " "),
        session.turns.len(),
    ));
    crate::tui::vote::on_reopen(state, session);
    out
}

#[cfg(test)]
#[path = "sessions_tests.rs"]
mod tests;
