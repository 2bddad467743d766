//! From the replay runner (`engine::replay`) to the grid: a grid laid out from a plan, and the
//! runner's progress events turned into grid inputs.

use super::{CellRun, CellUpdate, GridInput, Phase, ReplayGridState};
use crate::engine::replay::{Plan, ReplayEvent, ReplaySpec, StopReason};

impl ReplayGridState {
    /// The grid of a planned replay: one row per prompt of the set, one column per model.
    /// Cells the plan does not run (answered in the resumed session) start as skipped.
    pub fn from_plan(spec: &ReplaySpec, plan: &Plan, cap_usd: Option<f64>) -> Self {
        let prompts = spec.set.prompts.iter().map(|p| p.id.clone()).collect();
        let models = plan.models.iter().map(|m| m.id.clone()).collect();
        let mut g = ReplayGridState::new(&spec.set.name, prompts, models, spec.repeats, cap_usd);
        g.session_id = Some(plan.session.id.clone());
        let mut planned = vec![false; g.runs.len()];
        for c in &plan.cells {
            if let Some(i) = g.index(c.prompt, c.model, c.repeat) {
                planned[i] = true;
            }
            if let Some(t) = g.turns.get_mut(c.prompt) {
                *t = Some(c.turn);
            }
        }
        for (run, planned) in g.runs.iter_mut().zip(planned) {
            if !planned {
                *run = CellRun::Skipped;
            }
        }
        for (p, prompt) in spec.set.prompts.iter().enumerate() {
            if g.turns[p].is_none() {
                g.turns[p] = plan
                    .session
                    .turns
                    .iter()
                    .find(|t| t.prompt_id.as_deref() == Some(prompt.id.as_str()))
                    .map(|t| t.index);
            }
        }
        g
    }
}

/// The grid input for one runner event (None for events the grid does not show).
pub fn grid_input(ev: &ReplayEvent) -> Option<GridInput> {
    match ev {
        ReplayEvent::CellStarted { cell } => Some(GridInput::Cell {
            prompt: cell.prompt,
            model: cell.model_index,
            repeat: cell.repeat,
            update: CellUpdate::Started,
        }),
        ReplayEvent::CellSettled { cell, record, .. } => Some(GridInput::Cell {
            prompt: cell.prompt,
            model: cell.model_index,
            repeat: cell.repeat,
            update: CellUpdate::Settled {
                status: record.status,
                ttft_ms: record.metrics.ttft_ms,
                cost_usd: record.cost.usd,
                error: record.error.as_ref().map(|e| e.kind.as_str().to_string()),
            },
        }),
        ReplayEvent::Finished { report } => Some(GridInput::Finished(match report.stopped {
            Some(StopReason::CostCap { .. }) => Phase::CapReached,
            Some(StopReason::Cancelled) => Phase::Cancelled,
            None => Phase::Done,
        })),
        ReplayEvent::Planned { .. }
        | ReplayEvent::CellStream { .. }
        | ReplayEvent::Spent { .. }
        | ReplayEvent::StoppedAtCap { .. } => None,
    }
}
