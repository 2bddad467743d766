//! Replay of a prompt set across models (DESIGN §8).
//!
//! Every prompt × model × repeat is a cell ([`plan`] explains how cells map onto a session).
//! [`run`] starts cells through a [`CellStarter`] (the [`Engine`], or a fake in tests) with at
//! most `concurrency` cells in flight per provider; the engine's retry policy handles 429s.
//! Each settled cell is saved at once through a [`ReplaySink`] and reported as a
//! [`ReplayEvent`] over a channel, which both `juxta replay` and the workbench's grid read.
//!
//! Cost cap: after each settled cell the priced spending of this run is added up; once it
//! reaches the cap no new cell starts, cells already in flight are allowed to finish (their
//! cost is counted, so the total may pass the cap by up to the cost of those cells), and
//! [`ReplayEvent::StoppedAtCap`] is sent. Unpriced cells add nothing to the figure.
//!
//! Resuming (`--resume ID`): the stored session is loaded and planned again; cells answered ok
//! are skipped, failed, cancelled and interrupted ones (and cells never started) run again.

pub mod estimate;
pub mod plan;
pub mod sink;
pub mod summary;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub use estimate::{Estimate, ModelEstimate, OutputBasis};
pub use plan::{Cell, Plan, PlanError, ReplaySpec};
pub use sink::{CheckpointSink, ReplaySink};
pub use summary::{ModelSummary, summarize};

use super::{Engine, EngineEvent, EventKind, Job, JobHandle, JobTag};
use crate::record::{ResponseRecord, Status};

/// Starts one job; the [`Engine`] in production, a scripted fake in tests.
pub trait CellStarter: Send + Sync {
    fn start(&self, job: Job, tx: mpsc::Sender<EngineEvent>) -> JobHandle;
}

impl CellStarter for Engine {
    fn start(&self, job: Job, tx: mpsc::Sender<EngineEvent>) -> JobHandle {
        Engine::start(self, job, tx)
    }
}

/// Which cell an event is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellKey {
    /// Position of the cell in the plan.
    pub index: usize,
    pub prompt_id: String,
    /// Index into the set's prompts.
    pub prompt: usize,
    /// `provider:model`.
    pub model: String,
    /// Index into the plan's models.
    pub model_index: usize,
    pub repeat: u32,
    pub turn: u32,
    pub pane: u32,
}

/// Why a replay stopped before every cell ran.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopReason {
    /// Priced spending reached the cap.
    CostCap { spent_usd: f64, cap_usd: f64 },
    /// Cancelled by the user; in-flight cells were cancelled.
    Cancelled,
}

/// Progress of a replay, in order: `Planned`, then `CellStarted`/`CellSettled`/`Spent`
/// interleaved, possibly `StoppedAtCap`, then exactly one `Finished`.
#[derive(Clone, Debug)]
pub enum ReplayEvent {
    Planned {
        session: String,
        cells: usize,
        skipped: usize,
    },
    CellStarted {
        cell: CellKey,
    },
    /// A cell's live stream event (text, usage, ...) for a display that shows answers as they come.
    CellStream {
        cell: CellKey,
        event: EngineEvent,
    },
    /// A cell settled; `save_error` says why it could not be saved, if it could not.
    CellSettled {
        cell: CellKey,
        record: Box<ResponseRecord>,
        save_error: Option<String>,
    },
    /// Priced spending of this run so far, and how many settled cells had no cost figure (an
    /// unpriced model, or a failure before any token count was known).
    Spent {
        usd: f64,
        unpriced_cells: usize,
    },
    /// The cap was reached: `not_started` cells will not run; `in_flight` are finishing.
    StoppedAtCap {
        spent_usd: f64,
        cap_usd: f64,
        not_started: usize,
        in_flight: usize,
    },
    Finished {
        report: ReplayReport,
    },
}

/// The outcome of a replay run.
#[derive(Clone, Debug, Default)]
pub struct ReplayReport {
    pub session: String,
    /// Cells planned for this run (skipped ones excluded).
    pub planned: usize,
    /// Cells already answered in the resumed session.
    pub skipped: usize,
    /// Every settled cell of this run: (key, record).
    pub settled: Vec<(CellKey, ResponseRecord)>,
    /// Cells that never started (cap or cancel).
    pub not_started: usize,
    /// Priced spending of this run (cells without a cost figure add nothing).
    pub spent_usd: f64,
    /// Settled cells without a cost figure.
    pub unpriced_cells: usize,
    pub stopped: Option<StopReason>,
    /// Saving problems (the run goes on; the first few are kept).
    pub save_errors: Vec<String>,
}

impl ReplayReport {
    pub fn failures(&self) -> usize {
        self.settled
            .iter()
            .filter(|(_, r)| r.status != Status::Ok)
            .count()
    }
}

/// How a replay runs.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Cells in flight at once per provider (≥ 1).
    pub concurrency: usize,
    /// Stop starting cells once priced spending reaches this (USD).
    pub max_cost: Option<f64>,
    /// The run id put in every job's tag.
    pub run_id: u64,
}

/// A replay started in the background: its events, and a way to stop it.
pub struct ReplayHandle {
    pub events: mpsc::Receiver<ReplayEvent>,
    pub cancel: CancellationToken,
    pub task: tokio::task::JoinHandle<ReplayReport>,
}

/// Start [`run`] on the current tokio runtime.
pub fn spawn(
    plan: Plan,
    starter: Arc<dyn CellStarter>,
    sink: Option<Box<dyn ReplaySink + Send>>,
    opts: RunOptions,
) -> ReplayHandle {
    let (tx, rx) = mpsc::channel(256);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run(plan, starter, sink, opts, tx, cancel.clone()));
    ReplayHandle {
        events: rx,
        cancel,
        task,
    }
}

const MAX_SAVE_ERRORS: usize = 5;

/// How often a sink is given the chance to checkpoint streams that went quiet.
const TICK: std::time::Duration = std::time::Duration::from_millis(250);

struct InFlight {
    key: CellKey,
    handle: JobHandle,
    provider: String,
}

/// Run a planned replay to the end (or the cap, or `cancel`). Events go to `events`; a closed
/// receiver does not stop the run.
pub async fn run<S: ReplaySink + ?Sized>(
    plan: Plan,
    starter: Arc<dyn CellStarter>,
    mut sink: Option<Box<S>>,
    opts: RunOptions,
    events: mpsc::Sender<ReplayEvent>,
    cancel: CancellationToken,
) -> ReplayReport {
    let session_id = plan.session.id.clone();
    let mut report = ReplayReport {
        session: session_id.clone(),
        planned: plan.cells.len(),
        skipped: plan.skipped,
        ..Default::default()
    };
    let emit = |ev: ReplayEvent| {
        let events = events.clone();
        async move {
            let _ = events.send(ev).await;
        }
    };
    if let Some(sink) = sink.as_mut() {
        let mut saved = if plan.fresh {
            sink.create_session(&plan.session)
        } else {
            Ok(())
        };
        for t in &plan.new_turns {
            if saved.is_ok() {
                saved = sink.add_turn(&session_id, t);
            }
        }
        if let Err(e) = saved {
            note_save_error(&mut report, e);
        }
    }
    emit(ReplayEvent::Planned {
        session: session_id.clone(),
        cells: plan.cells.len(),
        skipped: plan.skipped,
    })
    .await;

    let limit = opts.concurrency.max(1);
    let (tx, mut rx) = mpsc::channel::<EngineEvent>(1024);
    let mut pending: VecDeque<usize> = (0..plan.cells.len()).collect();
    let mut in_flight: HashMap<u32, InFlight> = HashMap::new();
    let mut per_provider: HashMap<String, usize> = HashMap::new();
    let mut stop_starting = false;

    loop {
        // Start whatever the per-provider bounds allow, in plan order.
        if !stop_starting && !cancel.is_cancelled() {
            let mut i = 0;
            while i < pending.len() {
                let idx = pending[i];
                let cell = &plan.cells[idx];
                let model = &plan.models[cell.model];
                let provider = model.provider.id.clone();
                let provider_limit = provider_limit(&model.provider, limit);
                let busy = per_provider.get(&provider).copied().unwrap_or(0);
                if busy >= provider_limit {
                    i += 1;
                    continue;
                }
                pending.remove(i);
                let key = key_of(&plan, idx);
                let tag = JobTag {
                    run: opts.run_id,
                    pane: idx as u32,
                };
                // The engine's own per-provider semaphore takes the same bound.
                let mut job_model = model.clone();
                job_model.provider.max_concurrency = Some(provider_limit);
                let job = Job {
                    tag,
                    model: job_model,
                    request: cell.request.clone(),
                    repeat: cell.repeat,
                };
                if let Some(sink) = sink.as_mut() {
                    let rec = sink::placeholder(model, cell.pane, cell.repeat, chrono::Utc::now());
                    if let Err(e) = sink.cell_started(&session_id, tag, cell.turn, &rec) {
                        note_save_error(&mut report, e);
                    }
                }
                let handle = starter.start(job, tx.clone());
                *per_provider.entry(provider.clone()).or_default() += 1;
                in_flight.insert(
                    idx as u32,
                    InFlight {
                        key: key.clone(),
                        handle,
                        provider,
                    },
                );
                emit(ReplayEvent::CellStarted { cell: key }).await;
            }
        }
        if in_flight.is_empty() {
            break;
        }
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = tokio::time::sleep(TICK) => {
                if let Some(Err(e)) = sink.as_mut().map(|s| s.tick(std::time::Instant::now())) {
                    note_save_error(&mut report, e);
                }
                continue;
            }
            _ = cancel.cancelled(), if !stop_starting => {
                stop_starting = true;
                report.stopped = Some(StopReason::Cancelled);
                for f in in_flight.values() {
                    f.handle.cancel();
                }
                continue;
            }
        };
        // `tx` is held here, so the channel never closes while cells are in flight.
        let Some(ev) = ev else { break };
        let Some(flight) = in_flight.get(&ev.tag.pane) else {
            continue;
        };
        match ev.kind {
            EventKind::Done(mut record) => {
                let key = flight.key.clone();
                if let Some(n) = per_provider.get_mut(&flight.provider) {
                    *n = n.saturating_sub(1);
                }
                in_flight.remove(&ev.tag.pane);
                record.pane = key.pane;
                record.repeat = key.repeat;
                let save_error = sink
                    .as_mut()
                    .and_then(|s| s.cell_done(&session_id, ev.tag, key.turn, &record).err());
                if let Some(e) = &save_error {
                    note_save_error(&mut report, e.clone());
                }
                match record.cost.usd {
                    Some(usd) => report.spent_usd += usd,
                    None => report.unpriced_cells += 1,
                }
                report.settled.push((key.clone(), (*record).clone()));
                emit(ReplayEvent::CellSettled {
                    cell: key,
                    record,
                    save_error,
                })
                .await;
                emit(ReplayEvent::Spent {
                    usd: report.spent_usd,
                    unpriced_cells: report.unpriced_cells,
                })
                .await;
                if let Some(cap) = opts.max_cost
                    && !stop_starting
                    && report.spent_usd >= cap
                {
                    stop_starting = true;
                    report.stopped = Some(StopReason::CostCap {
                        spent_usd: report.spent_usd,
                        cap_usd: cap,
                    });
                    emit(ReplayEvent::StoppedAtCap {
                        spent_usd: report.spent_usd,
                        cap_usd: cap,
                        not_started: pending.len(),
                        in_flight: in_flight.len(),
                    })
                    .await;
                }
            }
            kind => {
                let key = flight.key.clone();
                let event = EngineEvent {
                    tag: ev.tag,
                    at: ev.at,
                    kind,
                };
                if let Some(Err(e)) = sink.as_mut().map(|s| s.cell_event(&event)) {
                    note_save_error(&mut report, e);
                }
                emit(ReplayEvent::CellStream { cell: key, event }).await;
            }
        }
    }
    if let Some(StopReason::CostCap { spent_usd, .. }) = &mut report.stopped {
        *spent_usd = report.spent_usd;
    }
    report.not_started = pending.len();
    if report.stopped.is_none() && cancel.is_cancelled() && !pending.is_empty() {
        report.stopped = Some(StopReason::Cancelled);
    }
    emit(ReplayEvent::Finished {
        report: report.clone(),
    })
    .await;
    report
}

/// Cells in flight at once for a provider: `--concurrency`, lowered by the provider's own
/// `max_concurrency`; a local server without one keeps the engine's default for local servers.
pub fn provider_limit(p: &crate::catalog::ProviderDef, concurrency: usize) -> usize {
    let own = match p.max_concurrency {
        Some(m) => m,
        None if p.local => super::limits::limit_for(p),
        None => concurrency,
    };
    own.clamp(1, concurrency.max(1))
}

fn note_save_error(report: &mut ReplayReport, e: String) {
    if report.save_errors.len() < MAX_SAVE_ERRORS {
        report.save_errors.push(e);
    }
}

fn key_of(plan: &Plan, idx: usize) -> CellKey {
    let c = &plan.cells[idx];
    CellKey {
        index: idx,
        prompt_id: c.prompt_id.clone(),
        prompt: c.prompt,
        model: plan.models[c.model].id.clone(),
        model_index: c.model,
        repeat: c.repeat,
        turn: c.turn,
        pane: c.pane,
    }
}
