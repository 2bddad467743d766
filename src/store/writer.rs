//! [`SessionWriter`]: the checkpointer fed with engine events by `juxta run`, replay and the
//! workbench, so that none of them re-implements the throttle. It keeps the text of each
//! response, writes a checkpoint at most every [`CHECKPOINT_EVERY`] per response, and the final
//! record when the engine says `Done`.
//!
//! Events carry their own arrival `Instant`, so the writer reads no clock. A stream that stalls
//! after a delta should still get that delta saved: call [`SessionWriter::tick`] from a timer
//! (e.g. every 250 ms); [`SessionWriter::next_due`] says when a write is due.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::{Result, Store};
use crate::catalog::ResolvedModel;
use crate::cost::{Cost, CostSource};
use crate::engine::{EngineEvent, EventKind, Job, JobTag};
use crate::metrics::{Metrics, TokenCounts, TokenSource};
use crate::provider::StreamEvent;
use crate::record::{ResponseRecord, Status};

/// The longest time between two checkpoints of a streaming response.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

struct Slot {
    turn: u32,
    record: ResponseRecord,
    attempt_at: Option<Instant>,
    first_content: Option<Instant>,
    last_content: Option<Instant>,
    retries: u32,
    last_write: Option<Instant>,
    dirty: bool,
    done: bool,
}

/// Saves the responses of one session as engine events arrive. `S` is `&Store` or an owned
/// [`Store`] (anything that borrows as one).
pub struct SessionWriter<S: Borrow<Store>> {
    store: S,
    session: String,
    slots: HashMap<JobTag, Slot>,
    every: Duration,
}

impl<S: Borrow<Store>> SessionWriter<S> {
    pub fn new(store: S, session: impl Into<String>) -> Self {
        SessionWriter {
            store,
            session: session.into(),
            slots: HashMap::new(),
            every: CHECKPOINT_EVERY,
        }
    }

    /// Another checkpoint interval (tests).
    pub fn with_interval(mut self, every: Duration) -> Self {
        self.every = every;
        self
    }

    pub fn session(&self) -> &str {
        &self.session
    }

    pub fn store(&self) -> &Store {
        self.store.borrow()
    }

    /// Follow an engine job answering turn `turn` (already saved with [`Store::add_turn`]).
    pub fn register_job(&mut self, job: &Job, turn: u32, started_at: DateTime<Utc>) {
        self.register_model(job.tag, turn, &job.model, job.repeat, started_at);
    }

    /// Follow the job `tag` of model `m` answering turn `turn`.
    pub fn register_model(
        &mut self,
        tag: JobTag,
        turn: u32,
        m: &ResolvedModel,
        repeat: u32,
        started_at: DateTime<Utc>,
    ) {
        let template = ResponseRecord {
            pane: tag.pane,
            model: m.id.clone(),
            open_weights: m.open_weights,
            simulated: m.simulated,
            status: Status::Streaming,
            error: None,
            text: String::new(),
            reasoning: String::new(),
            metrics: empty_metrics(),
            cost: Cost {
                usd: None,
                source: CostSource::Unpriced,
                computed_usd: None,
                estimated: false,
            },
            price: m.price.clone(),
            started_at,
            repeat,
        };
        self.register(tag, turn, template);
    }

    /// Follow a job given a template record (pane, model, flags, price, start time, repeat).
    pub fn register(&mut self, tag: JobTag, turn: u32, mut template: ResponseRecord) {
        template.status = Status::Streaming;
        self.slots.insert(
            tag,
            Slot {
                turn,
                record: template,
                attempt_at: None,
                first_content: None,
                last_content: None,
                retries: 0,
                last_write: None,
                dirty: true,
                done: false,
            },
        );
    }

    /// Feed one event. Writes a checkpoint when one is due and the final record on `Done`.
    /// Events of unknown jobs are ignored.
    pub fn on_event(&mut self, ev: &EngineEvent) -> Result<()> {
        let every = self.every;
        let Some(slot) = self.slots.get_mut(&ev.tag) else {
            return Ok(());
        };
        if slot.done {
            return Ok(());
        }
        match &ev.kind {
            EventKind::Attempt { n } => {
                slot.attempt_at = Some(ev.at);
                slot.retries = *n; // n counts from 0: attempts before this one
                slot.first_content = None;
                slot.last_content = None;
                slot.record.text.clear();
                slot.record.reasoning.clear();
                slot.dirty = true;
            }
            EventKind::Retrying { .. } => {}
            EventKind::Stream(StreamEvent::Text(t)) if !t.is_empty() => {
                slot.record.text.push_str(t);
                slot.content_at(ev.at);
            }
            EventKind::Stream(StreamEvent::Reasoning(t)) if !t.is_empty() => {
                slot.record.reasoning.push_str(t);
                slot.content_at(ev.at);
            }
            EventKind::Stream(_) => {}
            EventKind::Done(rec) => {
                slot.done = true;
                slot.dirty = false;
                let turn = slot.turn;
                return self.store.borrow().save_response(&self.session, turn, rec);
            }
        }
        if slot.dirty
            && slot
                .last_write
                .is_none_or(|w| ev.at.saturating_duration_since(w) >= every)
        {
            return self.write(ev.tag, ev.at);
        }
        Ok(())
    }

    /// Write every checkpoint that is due at `now` (call from a timer while streaming).
    pub fn tick(&mut self, now: Instant) -> Result<()> {
        let due: Vec<JobTag> = self
            .slots
            .iter()
            .filter(|(_, s)| {
                !s.done
                    && s.dirty
                    && s.last_write
                        .is_none_or(|w| now.saturating_duration_since(w) >= self.every)
            })
            .map(|(t, _)| *t)
            .collect();
        for tag in due {
            self.write(tag, now)?;
        }
        Ok(())
    }

    /// Write all pending checkpoints now (e.g. before leaving with jobs still running).
    pub fn flush(&mut self, now: Instant) -> Result<()> {
        let pending: Vec<JobTag> = self
            .slots
            .iter()
            .filter(|(_, s)| !s.done && s.dirty)
            .map(|(t, _)| *t)
            .collect();
        for tag in pending {
            self.write(tag, now)?;
        }
        Ok(())
    }

    /// When the next checkpoint write will be due, if any response has unsaved text.
    pub fn next_due(&self) -> Option<Instant> {
        self.slots
            .values()
            .filter(|s| !s.done && s.dirty)
            .map(|s| s.last_write.map_or_else(Instant::now, |w| w + self.every))
            .min()
    }

    /// Whether every registered job has settled.
    pub fn all_done(&self) -> bool {
        self.slots.values().all(|s| s.done)
    }

    fn write(&mut self, tag: JobTag, now: Instant) -> Result<()> {
        let Some(slot) = self.slots.get_mut(&tag) else {
            return Ok(());
        };
        let mut rec = slot.record.clone();
        rec.metrics = slot.live_metrics();
        self.store
            .borrow()
            .save_response(&self.session, slot.turn, &rec)?;
        slot.last_write = Some(now);
        slot.dirty = false;
        Ok(())
    }
}

impl Slot {
    fn content_at(&mut self, at: Instant) {
        if self.first_content.is_none() {
            self.first_content = Some(at);
        }
        self.last_content = Some(at);
        self.dirty = true;
    }

    /// What a checkpoint can honestly say: times seen so far, no token counts.
    fn live_metrics(&self) -> Metrics {
        let ms = |t: Option<Instant>| match (self.attempt_at, t) {
            (Some(a), Some(t)) => Some(t.saturating_duration_since(a).as_secs_f64() * 1000.0),
            _ => None,
        };
        Metrics {
            ttft_ms: ms(self.first_content),
            e2e_ms: ms(self.last_content),
            retries: self.retries,
            ..empty_metrics()
        }
    }
}

fn empty_metrics() -> Metrics {
    Metrics {
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
    }
}
