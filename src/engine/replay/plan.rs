//! Turning a prompt set × models × repeats into cells (pure: no IO, no clock).
//!
//! Session mapping (what the store and exports see): a replay is one session of kind
//! [`SessionKind::Replay`]; each prompt of the set is one [`Turn`] (in set order, `prompt_id` and
//! tags copied); each model × repeat is one [`ResponseRecord`] of that turn, with `model`,
//! `repeat` and `pane = model_index × repeats + repeat`, so every cell of a turn has its own pane.
//! Resuming keeps a re-run cell on its old pane (the store updates it in place) and puts cells
//! new to the session on free panes.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::catalog::ResolvedModel;
use crate::promptset::{Prompt, PromptSet};
use crate::provider::{ChatRequest, Message, Params};
use crate::record::{SESSION_VERSION, Session, SessionKind, Status, Turn};
use crate::strings::replay as s;

/// What to replay.
#[derive(Clone, Debug)]
pub struct ReplaySpec {
    pub set: PromptSet,
    pub models: Vec<ResolvedModel>,
    /// Times each prompt is asked of each model (≥ 1).
    pub repeats: u32,
    /// `--system`: replaces the set's system prompt (a prompt's own `system` still wins).
    pub system: Option<String>,
    /// `--temperature`, `--max-tokens`, `--seed`: each one set overrides the set's `[defaults]`.
    pub params: Params,
}

/// One prompt × model × repeat.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Index into the set's prompts.
    pub prompt: usize,
    pub prompt_id: String,
    /// Index into the plan's models.
    pub model: usize,
    pub repeat: u32,
    /// The session turn this cell answers.
    pub turn: u32,
    /// The response's pane within the turn.
    pub pane: u32,
    pub request: ChatRequest,
}

/// A replay ready to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The session: new (no turns yet saved), or the resumed one as loaded.
    pub session: Session,
    /// True for a new session: it must be created before anything is saved.
    pub fresh: bool,
    /// Turns to add to the session before cells run (all of them for a new session).
    pub new_turns: Vec<Turn>,
    /// The models, in the session's pane order.
    pub models: Vec<ResolvedModel>,
    /// Cells to run, in order: prompt by prompt, repeat by repeat, model by model.
    pub cells: Vec<Cell>,
    /// Cells already answered ok in the resumed session (not run again).
    pub skipped: usize,
    /// Per model: the mean output tokens of its answered cells in the resumed session.
    pub history_output: Vec<Option<u64>>,
}

/// Why a replay cannot be planned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

/// The request for one prompt: the prompt's system, else `--system`, else the set's; each
/// parameter from the command line, else the set's defaults.
pub fn request_for(spec: &ReplaySpec, prompt: &Prompt, model: &ResolvedModel) -> ChatRequest {
    let d = &spec.set.defaults;
    ChatRequest {
        model: model.model.clone(),
        system: prompt
            .system
            .clone()
            .or_else(|| spec.system.clone())
            .or_else(|| spec.set.system.clone()),
        messages: vec![Message::user(prompt.text.clone())],
        params: Params {
            temperature: spec.params.temperature.or(d.temperature),
            max_tokens: spec.params.max_tokens.or(d.max_tokens),
            seed: spec.params.seed.or(d.seed),
        },
    }
}

/// The label stored in `Session::prompt_set`: the set's name and file.
pub fn prompt_set_label(set: &PromptSet) -> String {
    format!("{} ({})", set.name, set.path.display())
}

/// Plan a new replay session (`existing == None`) or the resumption of `existing`.
pub fn plan(
    spec: &ReplaySpec,
    existing: Option<Session>,
    now: DateTime<Utc>,
    new_id: String,
) -> Result<Plan, PlanError> {
    let repeats = spec.repeats.max(1);
    let (session, models, fresh) = match existing {
        None => {
            let session = Session {
                version: SESSION_VERSION,
                id: new_id,
                title: s::session_title(&spec.set.name, spec.set.prompts.len(), spec.models.len()),
                kind: SessionKind::Replay,
                created_at: now,
                tags: Vec::new(),
                models: spec.models.iter().map(|m| m.id.clone()).collect(),
                turns: Vec::new(),
                votes: Vec::new(),
                prompt_set: Some(prompt_set_label(&spec.set)),
            };
            (session, spec.models.clone(), true)
        }
        Some(session) => {
            let models = match_models(&session, &spec.models)?;
            (session, models, false)
        }
    };

    let mut new_turns = Vec::new();
    let mut cells = Vec::new();
    let mut skipped = 0;
    let mut history: Vec<(u64, u64)> = vec![(0, 0); models.len()];
    let mut next_turn = session.turns.iter().map(|t| t.index + 1).max().unwrap_or(0);

    for (pi, prompt) in spec.set.prompts.iter().enumerate() {
        let old = session
            .turns
            .iter()
            .find(|t| t.prompt_id.as_deref() == Some(prompt.id.as_str()));
        if let Some(t) = old
            && t.prompt != prompt.text
        {
            return Err(PlanError(s::prompt_changed(&prompt.id, &session.id)));
        }
        let turn_index = match old {
            Some(t) => t.index,
            None => {
                let first = models.first().map(|m| request_for(spec, prompt, m));
                let turn = Turn {
                    index: next_turn,
                    prompt: prompt.text.clone(),
                    system: first.as_ref().and_then(|r| r.system.clone()),
                    params: first.map(|r| r.params).unwrap_or_default(),
                    prompt_id: Some(prompt.id.clone()),
                    tags: prompt.tags.clone(),
                    created_at: now,
                    responses: Vec::new(),
                };
                next_turn += 1;
                new_turns.push(turn);
                next_turn - 1
            }
        };
        let mut used: BTreeSet<u32> = old
            .map(|t| t.responses.iter().map(|r| r.pane).collect())
            .unwrap_or_default();
        // Existing records by (model, repeat): their pane and whether one is answered ok.
        let mut existing: HashMap<(&str, u32), (u32, bool)> = HashMap::new();
        for r in old.map(|t| t.responses.as_slice()).unwrap_or_default() {
            let ok = r.status == Status::Ok;
            let e = existing
                .entry((r.model.as_str(), r.repeat))
                .or_insert((r.pane, ok));
            if ok && !e.1 {
                *e = (r.pane, true);
            }
            if ok
                && let Some(mi) = models.iter().position(|m| m.id == r.model)
                && let Some(out) = r.metrics.tokens.output
            {
                history[mi].0 += out;
                history[mi].1 += 1;
            }
        }
        for repeat in 0..repeats {
            for (mi, model) in models.iter().enumerate() {
                let pane = match existing.get(&(model.id.as_str(), repeat)) {
                    Some(&(_, true)) => {
                        skipped += 1;
                        continue;
                    }
                    Some(&(pane, false)) => pane,
                    None => {
                        let preferred = mi as u32 * repeats + repeat;
                        let pane = if used.contains(&preferred) {
                            used.iter().next_back().map_or(0, |p| p + 1)
                        } else {
                            preferred
                        };
                        used.insert(pane);
                        pane
                    }
                };
                cells.push(Cell {
                    prompt: pi,
                    prompt_id: prompt.id.clone(),
                    model: mi,
                    repeat,
                    turn: turn_index,
                    pane,
                    request: request_for(spec, prompt, model),
                });
            }
        }
    }
    let history_output = history
        .iter()
        .map(|&(sum, n)| (n > 0).then(|| sum / n))
        .collect();
    Ok(Plan {
        session,
        fresh,
        new_turns,
        models,
        cells,
        skipped,
        history_output,
    })
}

/// The resumed session's models, in its order, resolved from `given` (which must name the
/// same models).
fn match_models(
    session: &Session,
    given: &[ResolvedModel],
) -> Result<Vec<ResolvedModel>, PlanError> {
    if session.kind != SessionKind::Replay {
        return Err(PlanError(s::not_a_replay(&session.id)));
    }
    let have: BTreeSet<&str> = session.models.iter().map(String::as_str).collect();
    let want: BTreeSet<&str> = given.iter().map(|m| m.id.as_str()).collect();
    if have != want {
        return Err(PlanError(s::resume_models_differ(
            &session.id,
            &session.models,
        )));
    }
    Ok(session
        .models
        .iter()
        .filter_map(|id| given.iter().find(|m| &m.id == id).cloned())
        .collect())
}
