//! One pane: a model, its current response (live), its own conversation, scroll and fold state.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use crate::catalog::ResolvedModel;
use crate::engine::EventKind;
use crate::provider::{Message, ServerTimings, StreamEvent, Usage};
use crate::record::{ErrorInfo, ResponseRecord, Status};
use crate::sanitize::clean;

/// Width of one sparkline bucket.
pub const BUCKET: Duration = Duration::from_millis(250);

/// Live figures of the current attempt, from stamped events. Final figures come from the
/// engine's record when the response settles; these are shown (marked estimated) until then.
#[derive(Clone, Debug)]
pub struct Live {
    pub t0: Instant,
    pub first_byte: Option<Instant>,
    pub first_token: Option<Instant>,
    pub last_token: Option<Instant>,
    pub last_event: Option<Instant>,
    /// Estimated answer and reasoning tokens, ×4 (a cheap local estimate, marked `~`).
    pub text_x4: u64,
    pub reasoning_x4: u64,
    pub usage: Option<Usage>,
    pub server: Option<ServerTimings>,
    pub reported_cost: Option<f64>,
    /// Attempt number (0 for the first).
    pub attempt: u32,
    /// Estimated tokens received per [`BUCKET`] since the first token (the sparkline).
    pub buckets: Vec<u32>,
}

impl Live {
    pub fn new(t0: Instant) -> Self {
        Live {
            t0,
            first_byte: None,
            first_token: None,
            last_token: None,
            last_event: None,
            text_x4: 0,
            reasoning_x4: 0,
            usage: None,
            server: None,
            reported_cost: None,
            attempt: 0,
            buckets: Vec::new(),
        }
    }

    fn on_content(&mut self, at: Instant, s: &str, reasoning: bool) {
        if s.is_empty() {
            return;
        }
        let x4 = estimate_x4(s);
        if reasoning {
            self.reasoning_x4 += x4;
        } else {
            self.text_x4 += x4;
        }
        let first = *self.first_token.get_or_insert(at);
        self.last_token = Some(at);
        let idx = (at.saturating_duration_since(first).as_millis() / BUCKET.as_millis()) as usize;
        if idx < 100_000 {
            if self.buckets.len() <= idx {
                self.buckets.resize(idx + 1, 0);
            }
            self.buckets[idx] = self.buckets[idx].saturating_add(x4.div_ceil(4) as u32);
        }
    }

    /// Estimated output tokens so far (answer + reasoning).
    pub fn est_output(&self) -> u64 {
        (self.text_x4 + self.reasoning_x4).div_ceil(4)
    }

    pub fn est_reasoning(&self) -> u64 {
        self.reasoning_x4.div_ceil(4)
    }

    pub fn ttft_ms(&self) -> Option<f64> {
        self.first_token
            .map(|f| ms(f.saturating_duration_since(self.t0)))
    }

    /// Output tokens ÷ (last token − first token): from usage if reported, else estimated.
    pub fn decode_tps(&self) -> Option<(f64, bool)> {
        let (first, last) = (self.first_token?, self.last_token?);
        let secs = last.saturating_duration_since(first).as_secs_f64();
        let (n, est) = match self.usage.and_then(|u| u.output) {
            Some(n) => (n, false),
            None => (self.est_output(), true),
        };
        (secs > 0.0 && n > 1).then(|| (n as f64 / secs, est))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Tokens ×4 for a piece of text: about four ASCII characters per token, one per other
/// character (CJK is roughly a token per character).
pub fn estimate_x4(s: &str) -> u64 {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 4 }).sum()
}

/// One prompt and this pane's answer to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    pub turn: u32,
    pub prompt: String,
    pub answer: String,
}

/// Render-side cache, filled by `ui::draw` (which takes `&AppState`), read back by `update`
/// for scrolling.
#[derive(Debug, Default)]
pub struct ViewCache {
    pub answer: crate::tui::markdown::MdCache,
    pub reasoning: super::super::ui::text::TextCache,
    /// Lines of the body at the last draw, and the body's height.
    pub total_lines: usize,
    pub height: usize,
}

#[derive(Debug)]
pub struct PaneState {
    /// Stable id: the pane's column in the session (job tags carry it).
    pub id: u32,
    pub model: ResolvedModel,
    /// The run (ticket) this pane's current response belongs to; 0 before the first.
    pub run: u64,
    /// The turn of the current response.
    pub turn: Option<u32>,
    /// None before the first prompt.
    pub status: Option<Status>,
    pub text: String,
    pub reasoning: String,
    pub error: Option<ErrorInfo>,
    /// The engine is retrying: its message.
    pub retrying: Option<String>,
    pub cancelling: bool,
    pub live: Live,
    /// The settled record (final metrics and cost).
    pub record: Option<Box<ResponseRecord>>,
    pub exchanges: Vec<Exchange>,
    /// The prompt of the current response (moved into `exchanges` when it settles).
    pub pending_prompt: Option<String>,
    /// None: follow the end; Some(n): first visible line.
    pub scroll: Option<usize>,
    pub reasoning_open: bool,
    /// Which code block the next copy takes, counted from the end.
    pub code_cursor: usize,
    pub last_checkpoint: Option<Instant>,
    pub view: RefCell<ViewCache>,
    /// Blind mode: the label shown instead of the model ("Model A") until the vote.
    pub blind_label: Option<String>,
}

impl PaneState {
    pub fn new(id: u32, model: ResolvedModel, now: Instant) -> Self {
        PaneState {
            id,
            model,
            run: 0,
            turn: None,
            status: None,
            text: String::new(),
            reasoning: String::new(),
            error: None,
            retrying: None,
            cancelling: false,
            live: Live::new(now),
            record: None,
            exchanges: Vec::new(),
            pending_prompt: None,
            scroll: None,
            reasoning_open: false,
            code_cursor: 0,
            last_checkpoint: None,
            view: RefCell::new(ViewCache::default()),
            blind_label: None,
        }
    }

    /// The model's name, or its blind label while names are hidden.
    pub fn shown_name(&self) -> &str {
        self.blind_label.as_deref().unwrap_or(&self.model.id)
    }

    pub fn is_streaming(&self) -> bool {
        self.status == Some(Status::Streaming)
    }

    /// Start a new response under `run`.
    pub fn start(&mut self, run: u64, turn: u32, prompt: String, at: Instant) {
        self.run = run;
        self.turn = Some(turn);
        self.status = Some(Status::Streaming);
        self.text.clear();
        self.reasoning.clear();
        self.error = None;
        self.retrying = None;
        self.cancelling = false;
        self.live = Live::new(at);
        self.record = None;
        self.pending_prompt = Some(prompt);
        self.scroll = None;
        self.code_cursor = 0;
        self.last_checkpoint = None;
    }

    /// The conversation to send before a new prompt: earlier exchanges that got an answer.
    pub fn history(&self) -> Vec<Message> {
        let mut out = Vec::new();
        for ex in &self.exchanges {
            if !ex.answer.is_empty() {
                out.push(Message::user(ex.prompt.clone()));
                out.push(Message::assistant(ex.answer.clone()));
            }
        }
        out
    }

    /// Apply one engine event of this pane's current run. Returns true when it settled.
    pub fn apply(&mut self, at: Instant, kind: EventKind) -> bool {
        self.live.last_event = Some(at);
        match kind {
            EventKind::Attempt { n } => {
                let keep_retry = self.live.attempt;
                self.live = Live::new(at);
                self.live.attempt = n.max(keep_retry);
                self.text.clear();
                self.reasoning.clear();
                self.retrying = None;
                false
            }
            EventKind::Retrying { error, delay } => {
                self.retrying = Some(crate::strings::tui::retrying(&clean(&error.message), delay));
                false
            }
            EventKind::Stream(ev) => {
                match ev {
                    StreamEvent::Text(s) => {
                        let s = clean(&s);
                        self.live.on_content(at, &s, false);
                        self.text.push_str(&s);
                    }
                    StreamEvent::Reasoning(s) => {
                        let s = clean(&s);
                        self.live.on_content(at, &s, true);
                        self.reasoning.push_str(&s);
                    }
                    StreamEvent::FirstByte => {
                        self.live.first_byte.get_or_insert(at);
                    }
                    StreamEvent::Usage(u) => self.live.usage = Some(u),
                    StreamEvent::Timings(t) => self.live.server = Some(t),
                    StreamEvent::Cost(c) => self.live.reported_cost = Some(c),
                    StreamEvent::Connected | StreamEvent::Finish { .. } => {}
                }
                false
            }
            EventKind::Done(mut record) => {
                self.status = Some(record.status);
                self.text = clean(&record.text).into_owned();
                self.reasoning = clean(&record.reasoning).into_owned();
                if let Some(e) = record.error.as_mut() {
                    e.message = clean(&e.message).into_owned();
                }
                self.error = record.error.clone();
                self.retrying = None;
                self.cancelling = false;
                if let (Some(prompt), Some(turn)) = (self.pending_prompt.take(), self.turn) {
                    self.exchanges.retain(|e| e.turn != turn);
                    let answer = if record.status == Status::Ok {
                        self.text.clone()
                    } else {
                        String::new()
                    };
                    self.exchanges.push(Exchange {
                        turn,
                        prompt,
                        answer,
                    });
                }
                self.record = Some(record);
                true
            }
        }
    }
}
