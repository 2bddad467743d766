//! The workbench state and its pure `update`: no IO, no clock. `Msg::Tick(at)` and
//! `Msg::Stream { at }` advance `state.now`; effects come back as data for the `App` to run.

pub mod editor;
pub mod pane;
pub mod picker;
pub mod sessions;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use self::editor::{EditorState, Field};
use self::pane::PaneState;
use self::picker::{PickerItem, PickerState, Row};
use super::action::Action;
use super::keymap::{KeyChord, Keymap, Mode};
use super::msg::{Effect, Msg, Outcome};
use crate::catalog::ResolvedModel;
use crate::cost::{Cost, CostSource};
use crate::engine::{EventKind, Job, JobTag};
use crate::metrics::{Metrics, TokenCounts, TokenSource};
use crate::provider::{ChatRequest, Message, Params};
use crate::record::{ResponseRecord, SESSION_VERSION, Session, SessionKind, Status, Turn};
use crate::strings::tui as s;

/// Checkpoints of a streaming response go out at most this often.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// A popup over the panes. The session browser and the replay grid add variants here.
#[derive(Debug)]
pub enum Overlay {
    Picker(PickerState),
    Help {
        scroll: u16,
    },
    /// The session browser.
    Browser(Box<crate::tui::browser::BrowserState>),
    /// The replay grid (`AppState::replay_grid`).
    Replay,
    /// Asking for the prompt set to replay.
    ReplayPath(crate::tui::browser::LineEdit),
}

/// Maps `Instant`s to wall-clock times without reading a clock: the App gives one pair at start.
#[derive(Clone, Copy, Debug)]
pub struct WallClock {
    pub base: Instant,
    pub wall: DateTime<Utc>,
}

impl WallClock {
    pub fn at(&self, i: Instant) -> DateTime<Utc> {
        let d = i.saturating_duration_since(self.base);
        self.wall + chrono::Duration::from_std(d).unwrap_or_default()
    }
}

/// One prompt sent in this session.
#[derive(Clone, Debug, PartialEq)]
pub struct TurnState {
    pub index: u32,
    pub prompt: String,
    pub system: Option<String>,
    pub params: Params,
    pub run: u64,
}

/// The session being recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionState {
    pub id: String,
    pub created: bool,
    pub models: Vec<String>,
    pub turns: Vec<TurnState>,
}

/// Everything the workbench shows.
#[derive(Debug)]
pub struct AppState {
    pub panes: Vec<PaneState>,
    pub focus: usize,
    /// Where keys go when no overlay is open: the editor or the panes.
    pub mode: Mode,
    pub overlay: Option<Overlay>,
    pub editor: EditorState,
    pub keymap: Keymap,
    /// What the picker offers.
    pub catalog: Vec<PickerItem>,
    pub presets: BTreeMap<String, Vec<String>>,
    pub next_run: u64,
    /// Which turn each run belongs to (late events of an old run still get saved).
    pub run_turns: HashMap<u64, u32>,
    pub now: Instant,
    pub clock: WallClock,
    pub session: SessionState,
    /// Session ids are `{seed}` then `{seed}-2`, ... (the App picks the seed).
    pub session_seed: String,
    pub sessions_started: u32,
    pub zoom: bool,
    pub scroll_together: bool,
    /// A transient message (errors of effects, "copied", "press again to quit").
    pub notice: Option<String>,
    /// A standing hint (e.g. how to add real models when only demo models exist).
    pub hint: Option<String>,
    pub size: (u16, u16),
    pub should_quit: bool,
    /// Ctrl+C pressed once while streaming: the next one quits.
    pub quit_armed: bool,
    /// The last (or running) replay's grid.
    pub replay_grid: Option<Box<crate::tui::replay_grid::ReplayGridState>>,
    /// The last prompt-set path typed (offered again).
    pub replay_path: String,
    /// The turn to send again once the picker has chosen models.
    pub rerun: Option<TurnState>,
    /// Votes and blind mode.
    pub vote: crate::tui::vote::VoteState,
}

impl AppState {
    pub fn new(models: Vec<ResolvedModel>, clock: WallClock, session_seed: String) -> Self {
        let now = clock.base;
        let panes: Vec<PaneState> = models
            .into_iter()
            .enumerate()
            .map(|(i, m)| PaneState::new(i as u32, m, now))
            .collect();
        let session = SessionState {
            id: session_seed.clone(),
            created: false,
            models: panes.iter().map(|p| p.model.id.clone()).collect(),
            turns: Vec::new(),
        };
        AppState {
            panes,
            focus: 0,
            mode: Mode::Editor,
            overlay: None,
            editor: EditorState::default(),
            keymap: Keymap::default(),
            catalog: Vec::new(),
            presets: BTreeMap::new(),
            next_run: 1,
            run_turns: HashMap::new(),
            now,
            clock,
            session,
            session_seed,
            sessions_started: 1,
            zoom: false,
            scroll_together: false,
            notice: None,
            hint: None,
            size: (80, 24),
            should_quit: false,
            quit_armed: false,
            replay_grid: None,
            replay_path: String::new(),
            rerun: None,
            vote: Default::default(),
        }
    }

    pub fn any_streaming(&self) -> bool {
        self.panes.iter().any(|p| p.is_streaming())
    }

    /// The mode keys resolve in: the overlay's, else the base mode.
    pub fn key_mode(&self) -> Mode {
        match &self.overlay {
            Some(Overlay::Picker(_)) => Mode::Picker,
            Some(Overlay::Help { .. }) => Mode::Help,
            Some(Overlay::Browser(_) | Overlay::Replay | Overlay::ReplayPath(_)) => Mode::Help,
            None => self.mode,
        }
    }

    pub fn focused(&self) -> Option<&PaneState> {
        self.panes.get(self.focus)
    }

    fn pane_index(&self, id: u32) -> Option<usize> {
        self.panes.iter().position(|p| p.id == id)
    }

    pub fn current_turn(&self) -> Option<&TurnState> {
        self.session.turns.last()
    }
}

/// The pure update.
pub fn update(state: &mut AppState, msg: Msg) -> Outcome {
    match msg {
        Msg::Tick(at) => {
            state.now = state.now.max(at);
            Outcome {
                redraw: state.any_streaming(),
                effects: Vec::new(),
            }
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            Outcome::redraw()
        }
        Msg::Notice(text) => {
            state.notice = Some(text);
            Outcome::redraw()
        }
        Msg::Stream { tag, at, kind } => on_stream(state, tag, at, kind),
        Msg::Paste(text) => on_paste(state, &text),
        Msg::Mouse(ev) => on_mouse(state, ev),
        Msg::Key(key) => on_key(state, key),
        Msg::Browser(input) => sessions::on_browser_input(state, input),
        Msg::SessionOpened {
            result,
            turn,
            focus,
        } => sessions::on_session_opened(state, result, turn, focus),
        Msg::ReplayStarted(result) => sessions::on_replay_started(state, result),
        Msg::Replay(ev) => sessions::on_replay_event(state, &ev),
    }
}

fn on_stream(state: &mut AppState, tag: JobTag, at: Instant, kind: EventKind) -> Outcome {
    state.now = state.now.max(at);
    let idx = state
        .pane_index(tag.pane)
        .filter(|&i| state.panes[i].run == tag.run);
    let Some(i) = idx else {
        // Stale: an older run of this pane. A settled record is still saved to its own turn.
        if let EventKind::Done(record) = kind
            && let Some(&turn) = state.run_turns.get(&tag.run)
            && state.session.created
        {
            let mut record = record;
            record.pane = tag.pane;
            return Outcome::none().with(Effect::Persist {
                session: state.session.id.clone(),
                turn,
                record,
            });
        }
        return Outcome::none();
    };
    let pane = &mut state.panes[i];
    let settled = pane.apply(at, kind);
    let mut out = Outcome::redraw();
    let Some(turn) = pane.turn else { return out };
    if settled {
        if let Some(rec) = pane.record.as_ref() {
            let mut rec = rec.clone();
            rec.pane = pane.id;
            out.effects.push(Effect::Persist {
                session: state.session.id.clone(),
                turn,
                record: rec,
            });
        }
        if !state.any_streaming() {
            state.quit_armed = false;
        }
    } else if pane.is_streaming() {
        let due = pane
            .last_checkpoint
            .is_none_or(|t| at.saturating_duration_since(t) >= CHECKPOINT_EVERY);
        if due && (!pane.text.is_empty() || !pane.reasoning.is_empty()) {
            pane.last_checkpoint = Some(at);
            let rec = checkpoint(pane, &state.clock);
            out.effects.push(Effect::Persist {
                session: state.session.id.clone(),
                turn,
                record: Box::new(rec),
            });
        }
    }
    out
}

/// A record of a response still streaming: text so far, live figures (estimated), no cost yet.
pub fn checkpoint(pane: &PaneState, clock: &WallClock) -> ResponseRecord {
    let live = &pane.live;
    let ms =
        |t: Option<Instant>| t.map(|t| t.saturating_duration_since(live.t0).as_secs_f64() * 1000.0);
    let tokens = match live.usage {
        Some(u) => TokenCounts::from_usage(&u, TokenSource::Reported),
        None => TokenCounts {
            input: None,
            cached_input: None,
            cache_write: None,
            output: Some(live.est_output()),
            reasoning: (live.reasoning_x4 > 0).then(|| live.est_reasoning()),
            source: TokenSource::Estimated,
        },
    };
    ResponseRecord {
        pane: pane.id,
        model: pane.model.id.clone(),
        open_weights: pane.model.open_weights,
        simulated: pane.model.simulated,
        status: Status::Streaming,
        error: None,
        text: pane.text.clone(),
        reasoning: pane.reasoning.clone(),
        metrics: Metrics {
            ttfb_ms: ms(live.first_byte),
            ttft_ms: ms(live.first_token),
            ttfat_ms: None,
            e2e_ms: ms(live.last_event),
            decode_tps: live.decode_tps().map(|(v, _)| v),
            gap_p50_ms: None,
            gap_p95_ms: None,
            tokens,
            server: live.server.clone(),
            retries: live.attempt,
        },
        cost: Cost {
            usd: live.reported_cost,
            source: if live.reported_cost.is_some() {
                CostSource::Reported
            } else {
                CostSource::Unpriced
            },
            computed_usd: None,
            estimated: true,
        },
        price: pane.model.price.clone(),
        started_at: clock.at(live.t0),
        repeat: 0,
    }
}

fn on_paste(state: &mut AppState, text: &str) -> Outcome {
    if let Some(out) = sessions::on_overlay_paste(state, text) {
        return out;
    }
    match &mut state.overlay {
        Some(Overlay::Picker(p)) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                p.query.push(c);
            }
            p.cursor = 0;
            p.refilter(&state.catalog, &state.presets);
        }
        Some(Overlay::Help { .. }) => return Outcome::none(),
        Some(Overlay::Browser(_) | Overlay::Replay | Overlay::ReplayPath(_)) => {
            return Outcome::none();
        }
        None => {
            state.mode = Mode::Editor;
            state.editor.insert_str(text);
        }
    }
    Outcome::redraw()
}

fn on_mouse(state: &mut AppState, ev: MouseEvent) -> Outcome {
    if state.overlay.is_some() {
        return match ev.kind {
            MouseEventKind::ScrollUp => act(state, Action::Up),
            MouseEventKind::ScrollDown => act(state, Action::Down),
            _ => Outcome::none(),
        };
    }
    let screen = super::ui::layout::screen(Rect::new(0, 0, state.size.0, state.size.1), state);
    let pos = Position::new(ev.column, ev.row);
    let hit = screen
        .panes
        .iter()
        .find(|(_, r)| r.contains(pos))
        .map(|(i, _)| *i);
    match ev.kind {
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let Some(i) = hit else { return Outcome::none() };
            let delta: isize = if ev.kind == MouseEventKind::ScrollUp {
                -3
            } else {
                3
            };
            if state.scroll_together {
                for p in &mut state.panes {
                    scroll_by(p, delta);
                }
            } else if let Some(p) = state.panes.get_mut(i) {
                scroll_by(p, delta);
            }
            Outcome::redraw()
        }
        MouseEventKind::Down(_) => {
            if let Some(i) = hit {
                state.focus = i;
                state.mode = Mode::Panes;
            } else if screen.editor.contains(pos) {
                state.mode = Mode::Editor;
            }
            Outcome::redraw()
        }
        _ => Outcome::none(),
    }
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Outcome {
    if let Some(out) = sessions::on_overlay_key(state, key) {
        return out;
    }
    if let Some(out) = crate::tui::vote::on_key(state, key) {
        return out;
    }
    let Some(chord) = KeyChord::from_event(&key) else {
        return Outcome::none();
    };
    let mode = state.key_mode();
    if let Some(action) = state.keymap.resolve(mode, chord) {
        // A notice lasts until the next key.
        state.notice = None;
        return act(state, action);
    }
    match mode {
        Mode::Editor => {
            // Unbound keys type into the editor.
            if state.editor.input(key) {
                return Outcome::redraw();
            }
            Outcome::redraw()
        }
        Mode::Picker => {
            let Some(Overlay::Picker(p)) = &mut state.overlay else {
                return Outcome::none();
            };
            match key.code {
                KeyCode::Char(c)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    p.type_char(c, &state.catalog, &state.presets)
                }
                KeyCode::Backspace => p.backspace(&state.catalog, &state.presets),
                _ => return Outcome::none(),
            }
            Outcome::redraw()
        }
        _ => Outcome::none(),
    }
}

/// Carry out one action.
pub fn act(state: &mut AppState, action: Action) -> Outcome {
    match action {
        Action::Quit => {
            if state.any_streaming() && !state.quit_armed {
                state.quit_armed = true;
                let mut out = cancel_all(state);
                state.notice = Some(s::PRESS_AGAIN_TO_QUIT.into());
                out.redraw = true;
                return out;
            }
            state.should_quit = true;
            Outcome::redraw().with(Effect::Quit)
        }
        Action::Help => {
            state.overlay = match state.overlay {
                Some(Overlay::Help { .. }) => None,
                _ => Some(Overlay::Help { scroll: 0 }),
            };
            Outcome::redraw()
        }
        Action::Close => {
            state.overlay = None;
            state.rerun = None;
            Outcome::redraw()
        }
        Action::OpenSessions => sessions::open_browser(state),
        Action::OpenReplay => sessions::open_replay(state),
        Action::RerunOnModels => sessions::rerun_on_models(state),
        Action::OpenPicker => {
            let selected = state.panes.iter().map(|p| p.model.id.clone()).collect();
            state.overlay = Some(Overlay::Picker(PickerState::open(
                &state.catalog,
                &state.presets,
                selected,
            )));
            Outcome::redraw()
        }
        Action::Up | Action::Down | Action::Toggle | Action::Confirm => {
            picker_action(state, action)
        }
        Action::Submit => {
            let before = state.session.turns.len();
            let out = submit(state);
            crate::tui::vote::after_submit(state, before);
            out
        }
        Action::Vote => crate::tui::vote::start(state),
        Action::VoteTie => crate::tui::vote::cast(state, None),
        Action::BlindMode => crate::tui::vote::toggle_blind(state),
        Action::Newline => {
            state.editor.newline();
            Outcome::redraw()
        }
        Action::NextField => {
            state.editor.next_field();
            Outcome::redraw()
        }
        Action::HistoryPrev => {
            state.editor.history_prev();
            Outcome::redraw()
        }
        Action::HistoryNext => {
            state.editor.history_next();
            Outcome::redraw()
        }
        Action::CancelOrLeave => {
            if state.any_streaming() {
                let mut out = cancel_all(state);
                out.redraw = true;
                out
            } else {
                state.mode = Mode::Panes;
                Outcome::redraw()
            }
        }
        Action::Edit => {
            state.mode = Mode::Editor;
            Outcome::redraw()
        }
        Action::CancelAll => {
            let mut out = cancel_all(state);
            out.redraw = true;
            out
        }
        Action::CancelPane => {
            let mut out = Outcome::redraw();
            if let Some(p) = state.panes.get_mut(state.focus)
                && p.is_streaming()
                && !p.cancelling
            {
                p.cancelling = true;
                out.effects.push(Effect::Abort(JobTag {
                    run: p.run,
                    pane: p.id,
                }));
            }
            out
        }
        Action::Retry => retry(state),
        Action::FocusNext => {
            if !state.panes.is_empty() {
                state.focus = (state.focus + 1) % state.panes.len();
            }
            Outcome::redraw()
        }
        Action::FocusPrev => {
            if !state.panes.is_empty() {
                state.focus = (state.focus + state.panes.len() - 1) % state.panes.len();
            }
            Outcome::redraw()
        }
        Action::ScrollUp | Action::ScrollDown | Action::PageUp | Action::PageDown => {
            if let Some(Overlay::Help { scroll }) = &mut state.overlay {
                let step: i32 = match action {
                    Action::ScrollUp => -1,
                    Action::ScrollDown => 1,
                    Action::PageUp => -10,
                    _ => 10,
                };
                *scroll = (i32::from(*scroll) + step).clamp(0, 500) as u16;
                return Outcome::redraw();
            }
            let page = state
                .panes
                .get(state.focus)
                .map(|p| p.view.borrow().height.max(2) - 1)
                .unwrap_or(10) as isize;
            let delta = match action {
                Action::ScrollUp => -1,
                Action::ScrollDown => 1,
                Action::PageUp => -page,
                _ => page,
            };
            for_scrolled(state, |p| scroll_by(p, delta));
            Outcome::redraw()
        }
        Action::ScrollTop => {
            for_scrolled(state, |p| p.scroll = Some(0));
            Outcome::redraw()
        }
        Action::ScrollBottom => {
            for_scrolled(state, |p| p.scroll = None);
            Outcome::redraw()
        }
        Action::ScrollTogether => {
            state.scroll_together = !state.scroll_together;
            state.notice = Some(
                if state.scroll_together {
                    s::SCROLL_TOGETHER_ON
                } else {
                    s::SCROLL_TOGETHER_OFF
                }
                .into(),
            );
            Outcome::redraw()
        }
        Action::Zoom => {
            state.zoom = !state.zoom;
            Outcome::redraw()
        }
        Action::FoldReasoning => {
            if let Some(p) = state.panes.get_mut(state.focus) {
                p.reasoning_open = !p.reasoning_open;
            }
            Outcome::redraw()
        }
        Action::CopyAnswer => {
            let Some(p) = state.panes.get(state.focus) else {
                return Outcome::none();
            };
            if p.text.is_empty() {
                state.notice = Some(s::NOTHING_TO_COPY.into());
                return Outcome::redraw();
            }
            state.notice = Some(s::copied_answer(p.shown_name()));
            Outcome::redraw().with(Effect::Copy(p.text.clone()))
        }
        Action::CopyCode => {
            let Some(p) = state.panes.get_mut(state.focus) else {
                return Outcome::none();
            };
            let blocks = super::ui::text::code_blocks(&p.text);
            if blocks.is_empty() {
                state.notice = Some(s::NO_CODE_BLOCK.into());
                return Outcome::redraw();
            }
            let n = blocks.len();
            let k = p.code_cursor % n;
            p.code_cursor = k + 1;
            let (lang, code) = &blocks[n - 1 - k];
            state.notice = Some(s::copied_code(n - k, n, lang));
            Outcome::redraw().with(Effect::Copy(code.clone()))
        }
        Action::ContinueWithThis => {
            if state.panes.len() <= 1 || state.any_streaming() {
                if state.any_streaming() {
                    state.notice = Some(s::WAIT_FOR_STREAMS.into());
                }
                return Outcome::redraw();
            }
            let keep = state.focus.min(state.panes.len() - 1);
            let pane = state.panes.remove(keep);
            state.notice = Some(s::continuing_with(pane.shown_name()));
            state.panes = vec![pane];
            state.focus = 0;
            state.zoom = false;
            Outcome::redraw()
        }
    }
}

fn for_scrolled(state: &mut AppState, mut f: impl FnMut(&mut PaneState)) {
    if state.scroll_together {
        state.panes.iter_mut().for_each(f);
    } else if let Some(p) = state.panes.get_mut(state.focus) {
        f(p);
    }
}

/// Scroll by `delta` lines, using the sizes of the last draw. Reaching the end follows again.
pub fn scroll_by(p: &mut PaneState, delta: isize) {
    let (total, height) = {
        let v = p.view.borrow();
        (v.total_lines, v.height)
    };
    let max = total.saturating_sub(height);
    let cur = p.scroll.unwrap_or(max).min(max) as isize;
    let next = (cur + delta).max(0) as usize;
    p.scroll = if next >= max { None } else { Some(next) };
}

fn cancel_all(state: &mut AppState) -> Outcome {
    let mut out = Outcome::none();
    for p in &mut state.panes {
        if p.is_streaming() && !p.cancelling {
            p.cancelling = true;
            out.effects.push(Effect::Abort(JobTag {
                run: p.run,
                pane: p.id,
            }));
        }
    }
    out
}

fn picker_action(state: &mut AppState, action: Action) -> Outcome {
    let Some(Overlay::Picker(p)) = &mut state.overlay else {
        if let Some(Overlay::Help { scroll }) = &mut state.overlay {
            match action {
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Down => *scroll = scroll.saturating_add(1).min(500),
                _ => {}
            }
            return Outcome::redraw();
        }
        return Outcome::none();
    };
    match action {
        Action::Up => p.up(),
        Action::Down => p.down(),
        Action::Toggle => p.toggle(&state.catalog, &state.presets),
        Action::Confirm => {
            if let Some(Row::Preset(_)) = p.rows.get(p.cursor) {
                p.toggle(&state.catalog, &state.presets);
            } else if p.selected.is_empty() {
                p.toggle(&state.catalog, &state.presets);
            }
            let chosen = p.selected.clone();
            state.overlay = None;
            let out = apply_selection(state, chosen);
            return sessions::finish_rerun(state, out);
        }
        _ => {}
    }
    Outcome::redraw()
}

/// Replace the panes with `ids` (a new comparison, so a new session).
pub fn apply_selection(state: &mut AppState, ids: Vec<String>) -> Outcome {
    let current: Vec<String> = state.panes.iter().map(|p| p.model.id.clone()).collect();
    if ids == current || ids.is_empty() {
        return Outcome::redraw();
    }
    let mut out = cancel_all(state);
    out.redraw = true;
    let mut missing = Vec::new();
    let mut models = Vec::new();
    for id in &ids {
        match state.catalog.iter().find(|it| &it.model.id == id) {
            Some(it) => models.push(it.model.clone()),
            None => missing.push(id.clone()),
        }
    }
    if !missing.is_empty() {
        state.notice = Some(s::unknown_models(&missing));
    }
    if models.is_empty() {
        return out;
    }
    state.panes = models
        .into_iter()
        .enumerate()
        .map(|(i, m)| PaneState::new(i as u32, m, state.now))
        .collect();
    state.focus = 0;
    state.zoom = false;
    state.sessions_started += 1;
    state.session = SessionState {
        id: format!("{}-{}", state.session_seed, state.sessions_started),
        created: false,
        models: state.panes.iter().map(|p| p.model.id.clone()).collect(),
        turns: Vec::new(),
    };
    out
}

fn submit(state: &mut AppState) -> Outcome {
    if state.panes.is_empty() {
        state.notice = Some(s::PICK_MODELS_FIRST.into());
        return act(state, Action::OpenPicker);
    }
    let params = match state.editor.params() {
        Ok(p) => p,
        Err(e) => {
            state.notice = Some(e);
            return Outcome::redraw();
        }
    };
    let Some(prompt) = state.editor.take_prompt() else {
        return Outcome::none();
    };
    let system = state.editor.system();
    let mut out = cancel_all(state);
    out.redraw = true;
    state.quit_armed = false;
    let at = state.now;
    let wall = state.clock.at(at);
    let run = state.next_run;
    state.next_run += 1;
    let index = state.session.turns.len() as u32;
    state.run_turns.insert(run, index);
    if !state.session.created {
        state.session.created = true;
        state.session.models = state.panes.iter().map(|p| p.model.id.clone()).collect();
        out.effects.push(Effect::CreateSession(Box::new(Session {
            version: SESSION_VERSION,
            id: state.session.id.clone(),
            title: title_of(&prompt),
            kind: SessionKind::Chat,
            created_at: wall,
            tags: Vec::new(),
            models: state.session.models.clone(),
            turns: Vec::new(),
            votes: Vec::new(),
            prompt_set: None,
        })));
    }
    out.effects.push(Effect::AddTurn {
        session: state.session.id.clone(),
        turn: Box::new(Turn {
            index,
            prompt: prompt.clone(),
            system: system.clone(),
            params: params.clone(),
            prompt_id: None,
            tags: Vec::new(),
            created_at: wall,
            responses: Vec::new(),
        }),
    });
    state.session.turns.push(TurnState {
        index,
        prompt: prompt.clone(),
        system: system.clone(),
        params: params.clone(),
        run,
    });
    for p in &mut state.panes {
        let mut messages = p.history();
        messages.push(Message::user(prompt.clone()));
        p.start(run, index, prompt.clone(), at);
        out.effects.push(Effect::StartStream(Box::new(Job {
            tag: JobTag { run, pane: p.id },
            model: p.model.clone(),
            request: ChatRequest {
                model: p.model.model.clone(),
                system: system.clone(),
                messages,
                params: params.clone(),
            },
            repeat: 0,
        })));
    }
    out
}

fn retry(state: &mut AppState) -> Outcome {
    let Some(turn) = state.session.turns.last().cloned() else {
        return Outcome::none();
    };
    let Some(p) = state.panes.get_mut(state.focus) else {
        return Outcome::none();
    };
    if p.is_streaming() {
        state.notice = Some(s::STILL_STREAMING.into());
        return Outcome::redraw();
    }
    if p.turn != Some(turn.index) {
        // This pane did not take part in the last turn.
        return Outcome::none();
    }
    let run = state.next_run;
    state.next_run += 1;
    state.run_turns.insert(run, turn.index);
    p.exchanges.retain(|e| e.turn != turn.index);
    let mut messages = p.history();
    messages.push(Message::user(turn.prompt.clone()));
    p.start(run, turn.index, turn.prompt.clone(), state.now);
    Outcome::redraw().with(Effect::StartStream(Box::new(Job {
        tag: JobTag { run, pane: p.id },
        model: p.model.clone(),
        request: ChatRequest {
            model: p.model.model.clone(),
            system: turn.system,
            messages,
            params: turn.params,
        },
        repeat: 0,
    })))
}

fn title_of(prompt: &str) -> String {
    let line = prompt
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let mut t: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        t.push('…');
    }
    t
}

/// The text field that has the cursor, for drawing.
pub fn active_field(state: &AppState) -> Field {
    state.editor.active
}

#[cfg(test)]
mod tests;
