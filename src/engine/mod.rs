//! The engine: one turn fanned out to N models started together, per-provider concurrency
//! limits, cancellation, timeouts, the retry policy of PROTOCOLS.md §8; every event stamped on
//! arrival; metrics and cost computed when a response settles. Shared by the workbench and the
//! headless commands. No UI types here.

mod job;
pub mod limits;
pub mod replay;
pub mod retry;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::catalog::{Config, ResolveError, ResolvedModel};
use crate::provider::{ChatRequest, Provider, ProviderError, StreamEvent};
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

/// The shared engine: a pooled HTTP client, per-provider concurrency limits, the config.
/// Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Engine {
    config: Arc<Config>,
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) limits: limits::Limits,
    /// Providers set by hand (tests, embedders) instead of built from the catalog.
    pub(crate) overrides: Mutex<HashMap<String, Arc<dyn Provider>>>,
}

impl Engine {
    pub fn new(config: Arc<Config>) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(config.timeouts.connect_ms.max(1)))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        // Load the o200k tokenizer off the hot path: the first estimate would otherwise pay for it.
        std::thread::spawn(|| {
            crate::metrics::estimate_tokens("warm up");
        });
        let shared = Shared {
            http,
            limits: limits::Limits::default(),
            overrides: Mutex::new(HashMap::new()),
        };
        Engine {
            config,
            shared: Arc::new(shared),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The shared HTTP client (for discovery and `juxta doctor`).
    pub fn http(&self) -> &reqwest::Client {
        &self.shared.http
    }

    /// Use `provider` for every job of the provider `provider_id` instead of building one from
    /// the catalog (tests use a scripted provider this way).
    pub fn set_provider(&self, provider_id: &str, provider: Arc<dyn Provider>) {
        let mut map = self
            .shared
            .overrides
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.insert(provider_id.to_string(), provider);
    }

    /// Resolve `provider:model` or an alias.
    pub fn resolve(&self, name: &str) -> Result<ResolvedModel, ResolveError> {
        self.config.catalog.resolve(name)
    }

    /// Start a job in the background; its events go to `tx`. Must be called within a tokio
    /// runtime.
    pub fn start(&self, job: Job, tx: mpsc::Sender<EngineEvent>) -> JobHandle {
        let cancel = CancellationToken::new();
        let tag = job.tag;
        let ctx = job::Ctx {
            config: self.config.clone(),
            shared: self.shared.clone(),
        };
        tokio::spawn(job::run(ctx, job, tx, cancel.clone()));
        JobHandle { tag, cancel }
    }
}
