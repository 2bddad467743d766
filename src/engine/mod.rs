//! The engine: one turn fanned out to N models started together, per-provider concurrency
//! limits, cancellation, timeouts, the retry policy of PROTOCOLS.md §8; every event stamped on
//! arrival; metrics and cost computed when a response settles. Shared by the workbench and the
//! headless commands. No UI types here.

pub mod replay;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::catalog::{Config, ResolveError, ResolvedModel};
use crate::provider::{ChatRequest, ProviderError, StreamEvent};
use crate::record::ResponseRecord;

/// Identifies whose events these are: the run (a turn's generation ticket) and the pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JobTag {
    pub run: u64,
    pub pane: u32,
}

/// One response to produce.
#[derive(Clone, Debug)]
pub struct Job {
    pub tag: JobTag,
    pub model: ResolvedModel,
    pub request: ChatRequest,
    /// Replay repeat number (0 otherwise).
    pub repeat: u32,
}

/// An event of one job, stamped with `Instant::now()` when it arrived.
#[derive(Clone, Debug)]
pub struct EngineEvent {
    pub tag: JobTag,
    pub at: Instant,
    pub kind: EventKind,
}

#[derive(Clone, Debug)]
pub enum EventKind {
    /// An attempt starts: `at` is its t0. A consumer keeping live metrics starts afresh.
    Attempt { n: u32 },
    /// The attempt failed before any token; the engine waits `delay` and tries again.
    Retrying {
        error: ProviderError,
        delay: Duration,
    },
    /// A decoded event of the current attempt.
    Stream(StreamEvent),
    /// The response settled (ok, error, cancelled): final text, metrics and cost.
    Done(Box<ResponseRecord>),
}

/// Handle to a running job.
#[derive(Debug)]
pub struct JobHandle {
    pub tag: JobTag,
    pub cancel: CancellationToken,
}

impl JobHandle {
    /// Cancel the job: its connection is closed and it settles as `cancelled`.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
}

/// The shared engine.
pub struct Engine {
    config: Arc<Config>,
}

impl Engine {
    pub fn new(config: Arc<Config>) -> Self {
        Engine { config }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Resolve `provider:model` or an alias.
    pub fn resolve(&self, _name: &str) -> Result<ResolvedModel, ResolveError> {
        todo!("engine::resolve")
    }

    /// Start a job in the background; its events go to `tx`. Must be called within a tokio
    /// runtime.
    pub fn start(&self, _job: Job, _tx: mpsc::Sender<EngineEvent>) -> JobHandle {
        todo!("engine::start")
    }
}
