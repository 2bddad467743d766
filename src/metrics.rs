//! Pure metrics (DESIGN §5): timestamps and usage in, figures out. No clock is read here; every
//! `Instant` comes from the caller (the engine stamps events on arrival).

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::provider::{ServerTimings, StreamEvent, Usage};

/// Where a token count came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// The provider's usage object.
    Reported,
    /// The server's own timings (Ollama `eval_count`, llama.cpp `timings.predicted_n`).
    Server,
    /// Counted locally with a tokenizer (o200k): an estimate, shown with `~`.
    Estimated,
}

impl TokenSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenSource::Reported => "reported",
            TokenSource::Server => "server",
            TokenSource::Estimated => "estimated",
        }
    }
}

/// Token counts of one response. `None` is "unknown", never zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCounts {
    pub input: Option<u64>,
    pub cached_input: Option<u64>,
    #[serde(default)]
    pub cache_write: Option<u64>,
    pub output: Option<u64>,
    pub reasoning: Option<u64>,
    pub source: TokenSource,
}

impl TokenCounts {
    pub fn from_usage(u: &Usage, source: TokenSource) -> Self {
        TokenCounts {
            input: u.input,
            cached_input: u.cached_input,
            cache_write: u.cache_write,
            output: u.output,
            reasoning: u.reasoning,
            source,
        }
    }
}

/// Every figure of one response, with the source of each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// t0 → first byte of the response body.
    pub ttfb_ms: Option<f64>,
    /// t0 → first non-empty text or reasoning delta.
    pub ttft_ms: Option<f64>,
    /// t0 → first non-empty answer (text) delta.
    pub ttfat_ms: Option<f64>,
    /// t0 → end of stream (or of what was received).
    pub e2e_ms: Option<f64>,
    /// Output tokens ÷ (last token − first token); none with ≤ 1 token or zero duration.
    pub decode_tps: Option<f64>,
    /// Inter-chunk gaps between content deltas.
    pub gap_p50_ms: Option<f64>,
    pub gap_p95_ms: Option<f64>,
    pub tokens: TokenCounts,
    /// The server's own timings, shown beside the client's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerTimings>,
    /// Attempts before the one that produced this response.
    pub retries: u32,
}

/// Accumulates timestamped stream events of one attempt into [`Metrics`].
/// Used live by the workbench (for the footer) and by the engine (for the final figures).
#[derive(Clone, Debug)]
pub struct Recorder {
    pub t0: Instant,
    pub first_byte: Option<Instant>,
    pub first_token: Option<Instant>,
    pub first_answer: Option<Instant>,
    pub last_token: Option<Instant>,
    pub last_event: Option<Instant>,
    pub ended: Option<Instant>,
    /// Content deltas received (non-empty text or reasoning).
    pub chunks: u64,
    /// Gaps between consecutive content deltas, milliseconds.
    pub gaps_ms: Vec<f32>,
    pub text_bytes: usize,
    pub reasoning_bytes: usize,
    pub usage: Option<Usage>,
    pub server: Option<ServerTimings>,
    pub reported_cost: Option<f64>,
    pub retries: u32,
}

impl Recorder {
    pub fn new(t0: Instant) -> Self {
        Recorder {
            t0,
            first_byte: None,
            first_token: None,
            first_answer: None,
            last_token: None,
            last_event: None,
            ended: None,
            chunks: 0,
            gaps_ms: Vec::new(),
            text_bytes: 0,
            reasoning_bytes: 0,
            usage: None,
            server: None,
            reported_cost: None,
            retries: 0,
        }
    }

    /// Feed one event stamped at `at`.
    pub fn on_event(&mut self, _at: Instant, _ev: &StreamEvent) {
        todo!("metrics::Recorder::on_event")
    }

    /// Live figures at `now` (for a streaming pane): counts estimated from text when no usage
    /// has arrived.
    pub fn snapshot(&self, _now: Instant, _text: &str, _reasoning: &str) -> Metrics {
        todo!("metrics::Recorder::snapshot")
    }

    /// Final figures once the stream ended at `end`. `input_estimate` is the locally counted
    /// prompt size, used (and marked estimated) only when the provider reported none.
    pub fn finish(
        &self,
        _end: Instant,
        _text: &str,
        _reasoning: &str,
        _input_estimate: Option<u64>,
    ) -> Metrics {
        todo!("metrics::Recorder::finish")
    }
}
