//! Where a replay saves what it does: the [`Store`] in production, anything else in tests.

use chrono::{DateTime, Utc};

use crate::catalog::ResolvedModel;
use crate::cost::{Cost, CostSource};
use crate::metrics::{Metrics, TokenCounts, TokenSource};
use crate::record::{ResponseRecord, Session, Status, Turn};
use crate::store::Store;

/// Saving a replay as it runs. Errors are messages for people; the run goes on without them.
pub trait ReplaySink: Send {
    /// Create the session (its `turns` are added one by one with [`ReplaySink::add_turn`]).
    fn create_session(&mut self, session: &Session) -> Result<(), String>;
    fn add_turn(&mut self, session: &str, turn: &Turn) -> Result<(), String>;
    /// Insert or update the response at (turn, pane): a checkpoint while `Streaming`.
    fn save_response(
        &mut self,
        session: &str,
        turn: u32,
        record: &ResponseRecord,
    ) -> Result<(), String>;
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
