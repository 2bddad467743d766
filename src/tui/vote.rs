//! Votes and blind mode in the workbench: pure state and functions over [`AppState`].
//!
//! `b` arms blind mode for the next turn: when it is sent, the panes are shuffled and their
//! headers show `Model A`, `Model B`, ... instead of model, provider and badges, until a vote is
//! cast; the vote then restores the order and the names. `v` then a pane number (as the panes
//! are shown, from 1) votes for that answer (`v` again or Enter: the focused one, `=`: a tie);
//! `=` alone votes a tie. The vote is saved through [`Effect::Vote`] and named in the top bar.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::msg::{Effect, Outcome};
use super::state::AppState;
use crate::record::Vote;
use crate::strings::judge as s;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct VoteState {
    /// Blind mode is armed for the next turn.
    pub blind_next: bool,
    /// The turn shown blind and the pane order (ids) to restore on the vote.
    pub blind: Option<BlindTurn>,
    /// `v` was pressed: the next key picks the winner.
    pub pending: bool,
    /// What the last vote said, for the top bar (cleared by the next turn).
    pub last: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BlindTurn {
    pub turn: u32,
    pub order: Vec<u32>,
}

/// Whether names are hidden now.
pub fn hidden(state: &AppState) -> bool {
    state.panes.iter().any(|p| p.blind_label.is_some())
}

/// Top-bar items: (text, is a warning).
pub fn status(state: &AppState) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if hidden(state) {
        out.push((s::BLIND_LABEL.to_owned(), true));
    } else if state.vote.blind_next {
        out.push((s::BLIND_NEXT_LABEL.to_owned(), true));
    }
    if let Some(v) = &state.vote.last {
        out.push((v.clone(), false));
    }
    out
}

/// `b`: arm (or disarm) blind mode for the next turn.
pub fn toggle_blind(state: &mut AppState) -> Outcome {
    state.vote.blind_next = !state.vote.blind_next;
    state.notice = Some(
        if state.vote.blind_next {
            s::BLIND_ON
        } else {
            s::BLIND_OFF
        }
        .into(),
    );
    Outcome::redraw()
}

/// After a submit: a new turn clears the last vote's label and, blind mode armed, hides the
/// names and shuffles the panes. `turns_before` is the number of turns before the submit.
pub fn after_submit(state: &mut AppState, turns_before: usize) {
    let Some(turn) = state.session.turns.last() else {
        return;
    };
    if state.session.turns.len() <= turns_before {
        return;
    }
    let (index, run) = (turn.index, turn.run);
    state.vote.last = None;
    state.vote.pending = false;
    // A previous blind turn left without a vote is revealed now.
    reveal(state);
    if !state.vote.blind_next {
        return;
    }
    state.vote.blind_next = false;
    let order: Vec<u32> = state.panes.iter().map(|p| p.id).collect();
    let mut rng = SplitMix(seed(&state.session.id, run));
    for i in (1..state.panes.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        state.panes.swap(i, j);
    }
    for (n, p) in state.panes.iter_mut().enumerate() {
        p.blind_label = Some(s::hidden_model(n));
    }
    state.focus = 0;
    state.vote.blind = Some(BlindTurn { turn: index, order });
}

/// `v`: wait for the pane number.
pub fn start(state: &mut AppState) -> Outcome {
    if let Err(msg) = can_vote(state) {
        state.notice = Some(msg.into());
        return Outcome::redraw();
    }
    state.vote.pending = true;
    state.notice = Some(s::VOTE_PROMPT.into());
    Outcome::redraw()
}

/// The key after `v`: a pane number, `=`, `v`/Enter (the focused pane); any other key cancels
/// the vote (and does nothing else, except Ctrl and function keys, which then act as usual).
pub fn on_key(state: &mut AppState, key: KeyEvent) -> Option<Outcome> {
    if !state.vote.pending || state.overlay.is_some() || key.kind == KeyEventKind::Release {
        return None;
    }
    state.vote.pending = false;
    state.notice = None;
    // Ctrl+C and function keys keep their meaning (quit, help, sessions).
    if key.modifiers.contains(KeyModifiers::CONTROL) || matches!(key.code, KeyCode::F(_)) {
        return None;
    }
    let pick = match key.code {
        KeyCode::Char(c @ '1'..='9') => Some(Some(c as usize - '1' as usize)),
        KeyCode::Char('=') => Some(None),
        KeyCode::Char('v') | KeyCode::Enter => Some(Some(state.focus)),
        _ => None,
    };
    Some(match pick {
        Some(winner) => cast(state, winner),
        None => Outcome::redraw(),
    })
}

/// Cast a vote for the pane shown at `winner` (None: a tie) on the current turn.
pub fn cast(state: &mut AppState, winner: Option<usize>) -> Outcome {
    state.vote.pending = false;
    if let Err(msg) = can_vote(state) {
        state.notice = Some(msg.into());
        return Outcome::redraw();
    }
    let Some(turn) = state.current_turn().map(|t| t.index) else {
        return Outcome::redraw();
    };
    let model = match winner {
        None => None,
        Some(i) => match state.panes.get(i).filter(|p| p.turn == Some(turn)) {
            Some(p) => Some(p.model.id.clone()),
            None => {
                state.notice = Some(s::NO_SUCH_PANE.into());
                return Outcome::redraw();
            }
        },
    };
    let blind = hidden(state);
    let vote = Vote {
        turn,
        winner: model.clone(),
        blind,
        created_at: state.clock.at(state.now),
    };
    reveal(state);
    let text = match &model {
        Some(m) => s::voted_for(&crate::sanitize::clean(m), blind),
        None => s::VOTED_TIE.to_owned(),
    };
    state.vote.last = Some(text);
    Outcome::redraw().with(Effect::Vote {
        session: state.session.id.clone(),
        vote,
    })
}

/// Show the names again and put the panes back in their order (the focused pane stays focused).
pub fn reveal(state: &mut AppState) {
    let Some(blind) = state.vote.blind.take() else {
        for p in &mut state.panes {
            p.blind_label = None;
        }
        return;
    };
    let focused = state.panes.get(state.focus).map(|p| p.id);
    let pos = |id: u32| {
        blind
            .order
            .iter()
            .position(|&x| x == id)
            .unwrap_or(usize::MAX)
    };
    state.panes.sort_by_key(|p| pos(p.id));
    for p in &mut state.panes {
        p.blind_label = None;
    }
    if let Some(i) = focused.and_then(|id| state.panes.iter().position(|p| p.id == id)) {
        state.focus = i;
    }
}

/// A saved session was reopened: no blind turn, and the top bar names the vote already cast on
/// the turn the panes show (the latest one).
pub fn on_reopen(state: &mut AppState, session: &crate::record::Session) {
    state.vote.blind = None;
    state.vote.pending = false;
    let turn = state.current_turn().map(|t| t.index);
    state.vote.last = turn
        .and_then(|t| {
            session
                .votes
                .iter()
                .filter(|v| v.turn == t)
                .max_by_key(|v| v.created_at)
        })
        .map(|v| match &v.winner {
            Some(m) => s::voted_for(&crate::sanitize::clean(m), v.blind),
            None => s::VOTED_TIE.to_owned(),
        });
}

fn can_vote(state: &AppState) -> Result<(), &'static str> {
    let Some(turn) = state.current_turn() else {
        return Err(s::VOTE_NOTHING);
    };
    if !state.session.created {
        return Err(s::VOTE_NOTHING);
    }
    if state
        .panes
        .iter()
        .any(|p| p.turn == Some(turn.index) && p.is_streaming())
    {
        return Err(s::VOTE_NOT_SETTLED);
    }
    Ok(())
}

fn seed(session: &str, run: u64) -> u64 {
    // FNV-1a of the session id, mixed with the run: a different order per turn, no clock read.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in session.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^ run.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests;
