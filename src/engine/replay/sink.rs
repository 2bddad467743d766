//! Where a replay saves what it does: the [`Store`] (final records only), a
//! [`CheckpointSink`] (the store's [`SessionWriter`]: streaming text checkpointed at most every
//! 500 ms, so a kill loses little), or anything else in tests.

use std::borrow::Borrow;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::catalog::ResolvedModel;
use crate::cost::{Cost, CostSource};
use crate::engine::{EngineEvent, JobTag};
use crate::metrics::{Metrics, TokenCounts, TokenSource};
use crate::record::{ResponseRecord, Session, Status, Turn};
use crate::store::{SessionWriter, Store};

/// Saving a replay as it runs. Errors are messages for people; the run goes on without them.
pub trait ReplaySink {
    /// Create the session (its `turns` are added one by one with [`ReplaySink::add_turn`]).
    fn create_session(&mut self, session: &Session) -> Result<(), String>;
    fn add_turn(&mut self, session: &str, turn: &Turn) -> Result<(), String>;
    /// Insert or update the response at (turn, pane, repeat): a checkpoint while `Streaming`.
    fn save_response(
        &mut self,
        session: &str,
        turn: u32,
        record: &ResponseRecord,
    ) -> Result<(), String>;

    /// A cell starts: `template` is its record so far (status `Streaming`, no text). By default
    /// it is saved at once, so a replay killed now shows the cell as interrupted.
    fn cell_started(
        &mut self,
        session: &str,
        tag: JobTag,
        turn: u32,
        template: &ResponseRecord,
    ) -> Result<(), String> {
        let _ = tag;
        self.save_response(session, turn, template)
    }
    /// An event of a cell in flight (attempts, text, usage...). Ignored by default.
    fn cell_event(&mut self, ev: &EngineEvent) -> Result<(), String> {
        let _ = ev;
        Ok(())
    }
    /// A cell settled with `record` (its pane and repeat already set).
    fn cell_done(
        &mut self,
        session: &str,
        tag: JobTag,
        turn: u32,
        record: &ResponseRecord,
    ) -> Result<(), String> {
        let _ = tag;
        self.save_response(session, turn, record)
    }
    /// Called about every 250 ms while cells are in flight (checkpoints of quiet streams).
    fn tick(&mut self, now: Instant) -> Result<(), String> {
        let _ = now;
        Ok(())
    }
}

impl ReplaySink for Store {
    fn create_session(&mut self, session: &Session) -> Result<(), String> {
        let mut s = session.clone();
        s.turns.clear();
        Store::create_session(self, &s).map_err(|e| e.to_string())
    }
    fn add_turn(&mut self, session: &str, turn: &Turn) -> Result<(), String> {
        Store::add_turn(self, session, turn).map_err(|e| e.to_string())
    }
    fn save_response(
        &mut self,
        session: &str,
        turn: u32,
        record: &ResponseRecord,
    ) -> Result<(), String> {
        Store::save_response(self, session, turn, record).map_err(|e| e.to_string())
    }
}

/// The store through its [`SessionWriter`]: streaming text is checkpointed (at most every
/// 500 ms per cell), final records are written when cells settle. `S` is `&Store` or an owned
/// [`Store`] (then the sink is `Send` and can go to [`super::spawn`]).
pub struct CheckpointSink<S: Borrow<Store>> {
    writer: SessionWriter<S>,
}

impl<S: Borrow<Store>> CheckpointSink<S> {
    pub fn new(store: S, session: &str) -> Self {
        CheckpointSink {
            writer: SessionWriter::new(store, session),
        }
    }
    fn store(&self) -> &Store {
        self.writer.store()
    }
}

impl<S: Borrow<Store>> ReplaySink for CheckpointSink<S> {
    fn create_session(&mut self, session: &Session) -> Result<(), String> {
        let mut s = session.clone();
        s.turns.clear();
        self.store().create_session(&s).map_err(|e| e.to_string())
    }
    fn add_turn(&mut self, session: &str, turn: &Turn) -> Result<(), String> {
        self.store()
            .add_turn(session, turn)
            .map_err(|e| e.to_string())
    }
    fn save_response(
        &mut self,
        session: &str,
        turn: u32,
        record: &ResponseRecord,
    ) -> Result<(), String> {
        self.store()
            .save_response(session, turn, record)
            .map_err(|e| e.to_string())
    }
    fn cell_started(
        &mut self,
        session: &str,
        tag: JobTag,
        turn: u32,
        template: &ResponseRecord,
    ) -> Result<(), String> {
        self.writer.register(tag, turn, template.clone());
        self.save_response(session, turn, template)
    }
    fn cell_event(&mut self, ev: &EngineEvent) -> Result<(), String> {
        self.writer.on_event(ev).map_err(|e| e.to_string())
    }
    fn cell_done(
        &mut self,
        _session: &str,
        tag: JobTag,
        _turn: u32,
        record: &ResponseRecord,
    ) -> Result<(), String> {
        let ev = EngineEvent {
            tag,
            at: Instant::now(),
            kind: crate::engine::EventKind::Done(Box::new(record.clone())),
        };
        self.writer.on_event(&ev).map_err(|e| e.to_string())
    }
    fn tick(&mut self, now: Instant) -> Result<(), String> {
        self.writer.tick(now).map_err(|e| e.to_string())
    }
}

/// The record saved when a cell starts, so that a replay killed mid-run leaves its in-flight
/// cells visible (the store shows them as interrupted) and `--resume` runs them again.
pub fn placeholder(
    model: &ResolvedModel,
    pane: u32,
    repeat: u32,
    at: DateTime<Utc>,
) -> ResponseRecord {
    ResponseRecord {
        pane,
        model: model.id.clone(),
        open_weights: model.open_weights,
        simulated: model.simulated,
        status: Status::Streaming,
        error: None,
        text: String::new(),
        reasoning: String::new(),
        metrics: Metrics {
            ttfb_ms: None,
            ttft_ms: None,
            ttfat_ms: None,
            e2e_ms: None,
            decode_tps: None,
            gap_p50_ms: None,
            gap_p95_ms: None,
            tokens: TokenCounts {
                input: None,
                cached_input: None,
                cache_write: None,
                output: None,
                reasoning: None,
                source: TokenSource::Estimated,
            },
            server: None,
            retries: 0,
        },
        cost: Cost {
            usd: None,
            source: CostSource::Unpriced,
            computed_usd: None,
            estimated: false,
        },
        price: model.price.clone(),
        started_at: at,
        repeat,
    }
}
