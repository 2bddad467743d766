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
    /// Content arrived after the last usage report (and the stream did not finish properly):
    /// the reported output count is stale (Anthropic's `message_start` says 1), so output is
    /// estimated from the text instead.
    pub usage_stale: bool,
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
            usage_stale: false,
        }
    }

    /// Feed one event stamped at `at`.
    pub fn on_event(&mut self, at: Instant, ev: &StreamEvent) {
        self.last_event = Some(at);
        match ev {
            StreamEvent::Connected => {}
            StreamEvent::FirstByte => {
                self.first_byte.get_or_insert(at);
            }
            StreamEvent::Text(s) => {
                if !s.is_empty() {
                    self.content(at);
                    self.first_answer.get_or_insert(at);
                    self.text_bytes += s.len();
                }
            }
            StreamEvent::Reasoning(s) => {
                if !s.is_empty() {
                    self.content(at);
                    self.reasoning_bytes += s.len();
                }
            }
            StreamEvent::Usage(u) => {
                // Cumulative: a later report wins field by field; a field it leaves out keeps
                // the earlier value (Anthropic reports input at the start, output at the end).
                let merged = match self.usage {
                    Some(prev) => Usage {
                        input: u.input.or(prev.input),
                        cached_input: u.cached_input.or(prev.cached_input),
                        cache_write: u.cache_write.or(prev.cache_write),
                        output: u.output.or(prev.output),
                        reasoning: u.reasoning.or(prev.reasoning),
                    },
                    None => *u,
                };
                self.usage = Some(merged);
                self.usage_stale = false;
            }
            StreamEvent::Timings(t) => self.server = Some(t.clone()),
            StreamEvent::Cost(c) => self.reported_cost = Some(*c),
            StreamEvent::Finish { .. } => {
                self.ended.get_or_insert(at);
            }
        }
    }

    fn content(&mut self, at: Instant) {
        if self.usage.is_some() {
            self.usage_stale = true;
        }
        if self.first_token.is_none() {
            self.first_token = Some(at);
        }
        if let Some(prev) = self.last_token {
            self.gaps_ms
                .push(ms(at.saturating_duration_since(prev)) as f32);
        }
        self.last_token = Some(at);
        self.chunks += 1;
    }

    /// Live figures at `now` (for a streaming pane): counts estimated from text when no usage
    /// has arrived. The live estimate is a cheap character heuristic (the exact o200k count is
    /// taken once, in [`Recorder::finish`]); either way it is marked estimated.
    pub fn snapshot(&self, now: Instant, text: &str, reasoning: &str) -> Metrics {
        let end = self.ended.unwrap_or(now);
        let tokens = self.counts(None, || quick_estimate(text), || quick_estimate(reasoning));
        self.metrics(end, tokens)
    }

    /// Final figures once the stream ended at `end`. `input_estimate` is the locally counted
    /// prompt size, used (and marked estimated) only when the provider reported none.
    pub fn finish(
        &self,
        end: Instant,
        text: &str,
        reasoning: &str,
        input_estimate: Option<u64>,
    ) -> Metrics {
        let end = self.ended.unwrap_or(end);
        let tokens = self.counts(
            input_estimate,
            || estimate_tokens(text),
            || estimate_tokens(reasoning),
        );
        self.metrics(end, tokens)
    }

    fn metrics(&self, end: Instant, tokens: TokenCounts) -> Metrics {
        let since = |t: Option<Instant>| t.map(|t| ms(t.saturating_duration_since(self.t0)));
        let decode_tps = match (tokens.output, self.first_token, self.last_token) {
            (Some(n), Some(first), Some(last)) if n > 1 => {
                let secs = last.saturating_duration_since(first).as_secs_f64();
                (secs > 0.0).then(|| n as f64 / secs)
            }
            _ => None,
        };
        let (gap_p50_ms, gap_p95_ms) = percentiles(&self.gaps_ms);
        Metrics {
            ttfb_ms: since(self.first_byte),
            ttft_ms: since(self.first_token),
            ttfat_ms: since(self.first_answer),
            e2e_ms: Some(ms(end.saturating_duration_since(self.t0))),
            decode_tps,
            gap_p50_ms,
            gap_p95_ms,
            tokens,
            server: self.server.clone(),
            retries: self.retries,
        }
    }

    /// Token counts by preference: the provider's usage, else the server's timings, else an
    /// estimate from the text. A figure filled in from an estimate marks the whole set estimated.
    fn counts(
        &self,
        input_estimate: Option<u64>,
        est_text: impl Fn() -> u64,
        est_reasoning: impl Fn() -> u64,
    ) -> TokenCounts {
        let usage_final = !self.usage_stale || self.ended.is_some();
        if let Some(u) = self.usage.filter(|u| u.output.is_some() && usage_final) {
            let mut t = TokenCounts::from_usage(&u, TokenSource::Reported);
            if t.input.is_none() {
                t.input = self.server.as_ref().and_then(|s| s.prompt_tokens);
                if t.input.is_none() && input_estimate.is_some() {
                    t.input = input_estimate;
                    t.source = TokenSource::Estimated;
                }
            }
            return t;
        }
        if let Some(s) = self.server.as_ref().filter(|s| s.decode_tokens.is_some()) {
            let input = s.prompt_tokens.or(self.usage.and_then(|u| u.input));
            let mut source = TokenSource::Server;
            let input = match input {
                Some(i) => Some(i),
                None if input_estimate.is_some() => {
                    source = TokenSource::Estimated;
                    input_estimate
                }
                None => None,
            };
            return TokenCounts {
                input,
                cached_input: self.usage.and_then(|u| u.cached_input),
                cache_write: self.usage.and_then(|u| u.cache_write),
                output: s.decode_tokens,
                reasoning: self.usage.and_then(|u| u.reasoning),
                source,
            };
        }
        let reasoning = if self.reasoning_bytes > 0 {
            est_reasoning()
        } else {
            0
        };
        let text = if self.text_bytes > 0 { est_text() } else { 0 };
        TokenCounts {
            input: self.usage.and_then(|u| u.input).or(input_estimate),
            cached_input: self.usage.and_then(|u| u.cached_input),
            cache_write: self.usage.and_then(|u| u.cache_write),
            output: Some(text + reasoning),
            reasoning: Some(reasoning),
            source: TokenSource::Estimated,
        }
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50 and p95 by nearest rank; None for no gaps.
fn percentiles(gaps: &[f32]) -> (Option<f64>, Option<f64>) {
    if gaps.is_empty() {
        return (None, None);
    }
    let mut v = gaps.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = |p: f64| {
        let i = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        f64::from(v[i])
    };
    (Some(rank(0.50)), Some(rank(0.95)))
}

/// Tokens in `text` by the o200k tokenizer (an estimate for any other model's tokenizer).
pub fn estimate_tokens(text: &str) -> u64 {
    if text.is_empty() {
        return 0;
    }
    tiktoken_rs::o200k_base_singleton()
        .encode_ordinary(text)
        .len() as u64
}

/// A cheap live estimate: about four ASCII bytes per token, one token per other character
/// (CJK text is close to one token per character).
pub fn quick_estimate(text: &str) -> u64 {
    let mut ascii = 0u64;
    let mut other = 0u64;
    for c in text.chars() {
        if c.is_ascii() {
            ascii += 1;
        } else {
            other += 1;
        }
    }
    ascii.div_ceil(4) + other
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    fn text(s: &str) -> StreamEvent {
        StreamEvent::Text(s.into())
    }

    #[test]
    fn ttft_ignores_empty_and_role_only_chunks() {
        let t0 = Instant::now();
        let mut r = Recorder::new(t0);
        r.on_event(at(t0, 50), &StreamEvent::Connected);
        r.on_event(at(t0, 60), &StreamEvent::FirstByte);
        r.on_event(at(t0, 70), &text(""));
        r.on_event(at(t0, 200), &text("Hel"));
        r.on_event(at(t0, 300), &text("lo"));
        let m = r.finish(at(t0, 400), "Hello", "", Some(5));
        assert_eq!(m.ttfb_ms, Some(60.0));
        assert_eq!(m.ttft_ms, Some(200.0));
        assert_eq!(m.ttfat_ms, Some(200.0));
        assert_eq!(m.e2e_ms, Some(400.0));
    }

    #[test]
    fn reasoning_counts_for_ttft_but_not_for_first_answer_token() {
        let t0 = Instant::now();
        let mut r = Recorder::new(t0);
        r.on_event(at(t0, 100), &StreamEvent::Reasoning("Let me".into()));
        r.on_event(at(t0, 900), &text("Answer"));
        let m = r.finish(at(t0, 1000), "Answer", "Let me", None);
        assert_eq!(m.ttft_ms, Some(100.0));
        assert_eq!(m.ttfat_ms, Some(900.0));
        assert_eq!(m.tokens.source, TokenSource::Estimated);
        assert!(m.tokens.reasoning.is_some_and(|r| r > 0));
        assert!(m.tokens.output > m.tokens.reasoning);
    }

    #[test]
    fn decode_rate_needs_two_tokens_and_a_duration() {
        let t0 = Instant::now();
        let none = Recorder::new(t0).finish(at(t0, 10), "", "", None);
        assert_eq!(none.decode_tps, None);
        assert_eq!(none.ttft_ms, None);
        assert_eq!(none.tokens.output, Some(0));

        let mut one = Recorder::new(t0);
        one.on_event(at(t0, 100), &text("Hi"));
        one.on_event(
            at(t0, 110),
            &StreamEvent::Usage(Usage {
                input: Some(3),
                output: Some(1),
                ..Usage::default()
            }),
        );
        assert_eq!(one.finish(at(t0, 120), "Hi", "", None).decode_tps, None);

        // Many tokens in one chunk: zero duration, no rate.
        let mut burst = Recorder::new(t0);
        burst.on_event(at(t0, 100), &text("a b c d"));
        burst.on_event(
            at(t0, 100),
            &StreamEvent::Usage(Usage {
                input: Some(3),
                output: Some(4),
                ..Usage::default()
            }),
        );
        assert_eq!(
            burst.finish(at(t0, 120), "a b c d", "", None).decode_tps,
            None
        );

        let mut two = Recorder::new(t0);
        two.on_event(at(t0, 100), &text("a"));
        two.on_event(at(t0, 600), &text("b"));
        two.on_event(
            at(t0, 610),
            &StreamEvent::Usage(Usage {
                input: Some(3),
                output: Some(10),
                ..Usage::default()
            }),
        );
        let m = two.finish(at(t0, 700), "ab", "", None);
        // 10 tokens over 0.5 s (first → last token); TTFT excluded.
        assert_eq!(m.decode_tps, Some(20.0));
    }

    #[test]
    fn reported_usage_replaces_the_estimate() {
        let t0 = Instant::now();
        let mut r = Recorder::new(t0);
        r.on_event(at(t0, 100), &text("Hello there, this is some text"));
        let live = r.snapshot(at(t0, 150), "Hello there, this is some text", "");
        assert_eq!(live.tokens.source, TokenSource::Estimated);
        assert_eq!(live.e2e_ms, Some(150.0));
        r.on_event(
            at(t0, 200),
            &StreamEvent::Usage(Usage {
                input: Some(12),
                cached_input: Some(0),
                output: Some(160),
                reasoning: Some(0),
                cache_write: None,
            }),
        );
        let m = r.finish(at(t0, 210), "Hello there, this is some text", "", Some(99));
        assert_eq!(m.tokens.source, TokenSource::Reported);
        assert_eq!(m.tokens.input, Some(12));
        assert_eq!(m.tokens.output, Some(160));
    }

    #[test]
    fn estimate_uses_o200k_and_the_prompt_estimate() {
        let t0 = Instant::now();
        let mut r = Recorder::new(t0);
        r.on_event(at(t0, 100), &text("Hello world"));
        let m = r.finish(at(t0, 200), "Hello world", "", Some(7));
        assert_eq!(m.tokens.source, TokenSource::Estimated);
        assert_eq!(m.tokens.output, Some(2));
        assert_eq!(m.tokens.input, Some(7));
    }

    #[test]
    fn usage_reports_merge_field_by_field() {
        // Anthropic: message_start carries the input (cache fields normalised in), message_delta
        // the cumulative output; xAI reasoning is folded into output by the provider.
        let t0 = Instant::now();
        let mut r = Recorder::new(t0);
        r.on_event(
            at(t0, 10),
            &StreamEvent::Usage(Usage {
                input: Some(28 + 100 + 50),
                cached_input: Some(50),
                cache_write: Some(100),
                output: Some(1),
                reasoning: None,
            }),
        );
        r.on_event(at(t0, 100), &text("Hi"));
        r.on_event(
            at(t0, 300),
            &StreamEvent::Usage(Usage {
                output: Some(6),
                ..Usage::default()
            }),
        );
        let m = r.finish(at(t0, 400), "Hi", "", None);
        assert_eq!(m.tokens.source, TokenSource::Reported);
        assert_eq!(m.tokens.input, Some(178));
        assert_eq!(m.tokens.cached_input, Some(50));
        assert_eq!(m.tokens.cache_write, Some(100));
        assert_eq!(m.tokens.output, Some(6));

        let mut x = Recorder::new(t0);
        x.on_event(at(t0, 100), &text("ok"));
        x.on_event(
            at(t0, 200),
            &StreamEvent::Usage(Usage {
                input: Some(10),
                output: Some(5 + 40),
                reasoning: Some(40),
                ..Usage::default()
            }),
        );
        let m = x.finish(at(t0, 300), "ok", "", None);
        assert_eq!((m.tokens.output, m.tokens.reasoning), (Some(45), Some(40)));
    }

    #[test]
    fn usage_before_the_text_of_a_cut_stream_is_not_trusted_for_output() {
        // Anthropic's message_start reports output 1; the stream is then cut after more text.
        let t0 = Instant::now();
        let mut r = Recorder::new(t0);
        r.on_event(
            at(t0, 10),
            &StreamEvent::Usage(Usage {
                input: Some(11),
                output: Some(1),
                ..Usage::default()
            }),
        );
        r.on_event(at(t0, 100), &text("Hello there, general Kenobi"));
        let m = r.finish(at(t0, 200), "Hello there, general Kenobi", "", Some(20));
        assert_eq!(m.tokens.source, TokenSource::Estimated);
        assert_eq!(m.tokens.input, Some(11));
        assert!(m.tokens.output.is_some_and(|o| o > 1));
        // The same stream finishing properly keeps the report.
        r.on_event(at(t0, 150), &StreamEvent::Finish { reason: None });
        let m = r.finish(at(t0, 200), "Hello there, general Kenobi", "", Some(20));
        assert_eq!(m.tokens.source, TokenSource::Reported);
    }

    #[test]
    fn server_timings_are_the_second_choice() {
        let t0 = Instant::now();
        let mut r = Recorder::new(t0);
        r.on_event(at(t0, 100), &text("The"));
        r.on_event(
            at(t0, 900),
            &StreamEvent::Timings(ServerTimings {
                source: "ollama".into(),
                prompt_tokens: Some(26),
                decode_tokens: Some(282),
                decode_ms: Some(4535.599),
                ..ServerTimings::default()
            }),
        );
        let m = r.finish(at(t0, 1000), "The", "", Some(30));
        assert_eq!(m.tokens.source, TokenSource::Server);
        assert_eq!((m.tokens.input, m.tokens.output), (Some(26), Some(282)));
        assert!(
            m.server
                .as_ref()
                .and_then(|s| s.decode_tps())
                .is_some_and(|t| (t - 62.17).abs() < 0.01)
        );
    }

    #[test]
    fn gaps_percentiles() {
        let t0 = Instant::now();
        let mut r = Recorder::new(t0);
        for (i, t) in [100u64, 110, 120, 130, 230].into_iter().enumerate() {
            r.on_event(at(t0, t), &text(&format!("t{i}")));
        }
        let m = r.finish(at(t0, 300), "t0t1t2t3t4", "", None);
        assert_eq!(m.gap_p50_ms, Some(10.0));
        assert_eq!(m.gap_p95_ms, Some(100.0));
        assert_eq!(Recorder::new(t0).finish(t0, "", "", None).gap_p50_ms, None);
    }
}
