//! Built-in simulated models (DESIGN §4): stated profiles, deterministic text, no network.
//!
//! A demo model name is a profile, optionally followed by parameters separated by commas:
//! `swift`, `steady`, `ponder`, `flaky`, `echo`, or `swift,ttft=50,tps=300,jitter=0.1,error=0.5`.
//! Parameters: `ttft` (ms), `tps` (tokens per second), `jitter` (0..1, relative), `error`
//! (0..1, the share of prompts that fail), `tokens` (answer length), `reasoning` (tokens of
//! reasoning streamed before the answer).
//!
//! The text is derived from the prompt (a hash picks the content): markdown with a heading, a
//! list, a fenced code block and sometimes a table. It streams in small deltas timed by a seeded
//! xorshift RNG with `tokio::time::sleep`, so tests can run it under paused time. A demo token is
//! a word with the whitespace before it; the exact counts are reported as usage at the end.

use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;

use super::{ChatRequest, ErrorKind, EventStream, Provider, ProviderError, StreamEvent, Usage};

/// The built-in profiles: (name, description).
pub const PROFILES: &[(&str, &str)] = &[
    ("swift", "~150 ms to first token, ~120 tokens/s"),
    ("steady", "~400 ms to first token, ~45 tokens/s"),
    (
        "ponder",
        "reasoning first, then the answer; ~900 ms, ~30 tokens/s",
    ),
    (
        "flaky",
        "~250 ms, ~60 tokens/s; about a third of prompts fail",
    ),
    (
        "echo",
        "streams the prompt back verbatim; ~20 ms, ~400 tokens/s",
    ),
];

/// A simulated model's behaviour.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub name: String,
    pub ttft_ms: f64,
    pub tokens_per_sec: f64,
    /// Relative jitter of every delay (0.2 = ±20%).
    pub jitter: f64,
    /// Share of prompts that fail (decided by the prompt's hash, so it is repeatable).
    pub error_rate: f64,
    /// Approximate answer length in demo tokens (None: decided by the content).
    pub tokens: Option<u32>,
    /// Reasoning tokens streamed before the answer.
    pub reasoning_tokens: u32,
    /// Stream the prompt back instead of generated text.
    pub echo: bool,
}

impl Profile {
    fn base(name: &str) -> Option<Profile> {
        let p = |ttft_ms, tokens_per_sec, error_rate, reasoning_tokens| Profile {
            name: name.to_string(),
            ttft_ms,
            tokens_per_sec,
            jitter: 0.25,
            error_rate,
            tokens: None,
            reasoning_tokens,
            echo: false,
        };
        Some(match name {
            "swift" => p(150.0, 120.0, 0.0, 0),
            "steady" => p(400.0, 45.0, 0.0, 0),
            "ponder" => p(900.0, 30.0, 0.0, 60),
            "flaky" => p(250.0, 60.0, 0.35, 0),
            "echo" => Profile {
                echo: true,
                jitter: 0.0,
                ..p(20.0, 400.0, 0.0, 0)
            },
            _ => return None,
        })
    }

    /// Parse `NAME[,key=value]...`. An unknown name or parameter is an error naming it.
    pub fn parse(spec: &str) -> Result<Profile, String> {
        let mut parts = spec.split(',');
        let name = parts.next().unwrap_or_default().trim();
        let mut p = match Profile::base(name) {
            Some(p) => p,
            None if name.is_empty() || name == "custom" => Profile {
                name: "custom".into(),
                ..Profile::base("steady").unwrap_or_else(default_profile)
            },
            None => {
                let known: Vec<&str> = PROFILES.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "unknown demo profile '{name}' (known: {})",
                    known.join(", ")
                ));
            }
        };
        for kv in parts {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| format!("demo parameter '{kv}' is not key=value"))?;
            let num: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("demo parameter '{k}': '{v}' is not a number"))?;
            if !num.is_finite() || num < 0.0 {
                return Err(format!(
                    "demo parameter '{k}' must be a non-negative number"
                ));
            }
            match k.trim() {
                "ttft" => p.ttft_ms = num,
                "tps" if num > 0.0 => p.tokens_per_sec = num,
                "jitter" => p.jitter = num.min(1.0),
                "error" => p.error_rate = num.min(1.0),
                "tokens" => p.tokens = Some(num as u32),
                "reasoning" => p.reasoning_tokens = num as u32,
                other => {
                    return Err(format!(
                        "unknown demo parameter '{other}' (ttft, tps, jitter, error, tokens, reasoning)"
                    ));
                }
            }
        }
        Ok(p)
    }
}

fn default_profile() -> Profile {
    Profile {
        name: "custom".into(),
        ttft_ms: 400.0,
        tokens_per_sec: 45.0,
        jitter: 0.25,
        error_rate: 0.0,
        tokens: None,
        reasoning_tokens: 0,
        echo: false,
    }
}

/// The demo provider: every model name is a [`Profile`] spec.
#[derive(Default)]
pub struct Demo;

impl Demo {
    pub fn new() -> Self {
        Demo
    }
}

impl Provider for Demo {
    fn stream(&self, req: ChatRequest) -> EventStream {
        let profile = match Profile::parse(&req.model) {
            Ok(p) => p,
            Err(msg) => {
                let err = ProviderError::new(ErrorKind::NotFound, msg).with_status(404);
                return Box::pin(futures::stream::once(async move { Err(err) }));
            }
        };
        let steps = plan(&profile, &req);
        Box::pin(
            futures::stream::iter(steps).then(|(delay, item)| async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                item
            }),
        )
    }

    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>> {
        Box::pin(async { Ok(PROFILES.iter().map(|(n, _)| n.to_string()).collect()) })
    }
}

type Step = (Duration, Result<StreamEvent, ProviderError>);

/// How a flaky prompt fails.
enum Failure {
    /// The connection drops after some tokens (not retryable: tokens arrived).
    MidStream,
    /// 503 before any token (retryable; fails again on every attempt, deterministically).
    Overloaded,
}

/// The whole stream, decided up front from the prompt and the profile.
fn plan(p: &Profile, req: &ChatRequest) -> Vec<Step> {
    let prompt = req
        .messages
        .last()
        .map(|m| m.content.as_str())
        .unwrap_or_default();
    let seed = fnv1a(prompt.as_bytes()) ^ fnv1a(p.name.as_bytes()).rotate_left(17);
    let mut rng = XorShift::new(seed);

    let failure = if p.error_rate > 0.0 && unit(fnv1a(prompt.as_bytes()) ^ 0x5eed) < p.error_rate {
        Some(if rng.next_f64() < 0.75 {
            Failure::MidStream
        } else {
            Failure::Overloaded
        })
    } else {
        None
    };

    let mut steps: Vec<Step> = Vec::new();
    let ttft = Duration::from_secs_f64(p.ttft_ms.max(0.0) / 1000.0);
    let jit = |rng: &mut XorShift, d: Duration| {
        let f = 1.0 + p.jitter * (rng.next_f64() * 2.0 - 1.0);
        d.mul_f64(f.max(0.0))
    };
    let headers_at = jit(&mut rng, ttft.mul_f64(0.3));
    if let Some(Failure::Overloaded) = failure {
        let err = ProviderError::new(ErrorKind::Overloaded, "simulated overload (demo:flaky)")
            .with_status(503);
        steps.push((headers_at, Err(err)));
        return steps;
    }
    steps.push((headers_at, Ok(StreamEvent::Connected)));
    steps.push((Duration::ZERO, Ok(StreamEvent::FirstByte)));
    // A role-only chunk, as OpenAI sends first: it must not count as the first token.
    steps.push((Duration::ZERO, Ok(StreamEvent::Text(String::new()))));
    let mut wait = jit(&mut rng, ttft.saturating_sub(ttft.mul_f64(0.3)));

    let reasoning = if p.echo {
        String::new()
    } else {
        reasoning_text(seed, p.reasoning_tokens)
    };
    let mut answer = if p.echo {
        prompt.to_string()
    } else {
        answer_text(seed, prompt, p.tokens)
    };
    let mut finish = "stop";
    if let Some(max) = req.params.max_tokens {
        let budget = (max as usize).saturating_sub(count_tokens(&reasoning) as usize);
        let cut = truncate_tokens(&answer, budget);
        if cut.len() < answer.len() {
            answer = cut.to_string();
            finish = "length";
        }
    }

    let per_token = Duration::from_secs_f64(1.0 / p.tokens_per_sec.max(0.001));
    let mut emitted = 0usize;
    let reasoning_pieces = pieces(&reasoning);
    let answer_pieces = pieces(&answer);
    let fail_after = match failure {
        Some(Failure::MidStream) => Some(answer_pieces.len() / 3),
        _ => None,
    };
    for (is_reasoning, list) in [(true, &reasoning_pieces), (false, &answer_pieces)] {
        let mut i = 0;
        while i < list.len() {
            if !is_reasoning && fail_after.is_some_and(|f| emitted >= f) {
                let err = ProviderError::new(
                    ErrorKind::Connect,
                    "connection closed mid-stream (simulated, demo:flaky)",
                );
                steps.push((jit(&mut rng, per_token), Err(err)));
                return steps;
            }
            let n = 1 + (rng.next_u64() % 3) as usize;
            let end = (i + n).min(list.len());
            let delta: String = list[i..end].concat();
            let ev = if is_reasoning {
                StreamEvent::Reasoning(delta)
            } else {
                StreamEvent::Text(delta)
            };
            steps.push((wait, Ok(ev)));
            wait = jit(&mut rng, per_token.mul_f64((end - i) as f64));
            if !is_reasoning {
                emitted += end - i;
            }
            i = end;
        }
    }

    let input: u64 = req.system.as_deref().map(count_tokens).unwrap_or(0)
        + req
            .messages
            .iter()
            .map(|m| count_tokens(&m.content) + 3)
            .sum::<u64>();
    let r = reasoning_pieces.len() as u64;
    let usage = Usage {
        input: Some(input),
        cached_input: Some(0),
        cache_write: Some(0),
        output: Some(answer_pieces.len() as u64 + r),
        reasoning: Some(r),
    };
    steps.push((wait, Ok(StreamEvent::Usage(usage))));
    steps.push((
        Duration::ZERO,
        Ok(StreamEvent::Finish {
            reason: Some(finish.into()),
        }),
    ));
    steps
}

/// Demo tokens: each word with the whitespace before it; trailing whitespace is its own token.
pub fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if in_word && ws {
            out.push(&text[start..i]);
            start = i;
        }
        in_word = !ws;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// How many demo tokens `text` holds.
pub fn count_tokens(text: &str) -> u64 {
    pieces(text).len() as u64
}

fn truncate_tokens(text: &str, n: usize) -> &str {
    let p = pieces(text);
    if p.len() <= n {
        return text;
    }
    let len: usize = p[..n].iter().map(|s| s.len()).sum();
    &text[..len]
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn unit(h: u64) -> f64 {
    let mut r = XorShift::new(h);
    r.next_f64()
}

/// xorshift64*: tiny, seeded, good enough for jitter and picking content.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

const TOPICS: &[&str] = &[
    "Caching strategy",
    "Error handling",
    "Streaming parser",
    "Rate limiting",
    "Configuration layout",
    "Concurrency model",
    "Data validation",
    "Retry policy",
];

const OPENERS: &[&str] = &[
    "Here is a short answer, simulated by the demo provider.",
    "A simulated reply follows; the numbers around it are real measurements of a fake model.",
    "This text is generated locally from a hash of your prompt.",
    "The demo provider answers every prompt with stable, made-up text.",
];

const POINTS: &[&str] = &[
    "Keep the hot path free of allocations",
    "Measure before and after every change",
    "Prefer explicit timeouts over silent waits",
    "Make failures visible and specific",
    "Bound every queue so memory stays flat",
    "Record where each number came from",
    "Cancel work that nobody is waiting for",
    "Keep configuration in one readable file",
    "Test the slow path with a paused clock",
];

const SENTENCES: &[&str] = &[
    "The trade-off is latency against throughput, and the right choice depends on the workload.",
    "Most of the cost hides in the first request, so warm paths matter more than peak speed.",
    "A small, well-named function is easier to test than a clever one.",
    "When two answers look equally good, the cheaper one usually wins.",
    "Start with the simplest version that could work, then measure it.",
    "Streaming makes a slow model feel faster, but only the first token proves it.",
];

const CODE: &[&str] = &[
    "fn backoff(attempt: u32) -> u64 {\n    let base = 500u64;\n    (base << attempt.min(4)).min(8_000)\n}",
    "def tokens_per_second(tokens, seconds):\n    if tokens < 2 or seconds <= 0:\n        return None\n    return tokens / seconds",
    "const retry = async (f, n = 2) => {\n  try { return await f(); }\n  catch (e) { if (n === 0) throw e; return retry(f, n - 1); }\n};",
    "SELECT model, AVG(ttft_ms) AS ttft\nFROM responses\nGROUP BY model\nORDER BY ttft;",
];

fn answer_text(seed: u64, prompt: &str, target: Option<u32>) -> String {
    let mut rng = XorShift::new(seed ^ 0xa5a5_a5a5);
    let topic = rng.pick(TOPICS);
    let mut s = String::new();
    s.push_str(&format!("## {topic}\n\n"));
    s.push_str(rng.pick(OPENERS));
    let words: Vec<&str> = prompt.split_whitespace().take(6).collect();
    if !words.is_empty() {
        s.push_str(&format!(" You asked about \"{}\".", words.join(" ")));
    }
    s.push_str("\n\n");
    for _ in 0..(3 + rng.next_u64() % 3) {
        s.push_str(&format!("- {}\n", rng.pick(POINTS)));
    }
    s.push('\n');
    s.push_str(rng.pick(SENTENCES));
    s.push_str("\n\n");
    let code = rng.pick(CODE);
    let lang = if code.starts_with("fn") {
        "rust"
    } else if code.starts_with("def") {
        "python"
    } else if code.starts_with("const") {
        "javascript"
    } else {
        "sql"
    };
    s.push_str(&format!("```{lang}\n{code}\n```\n\n"));
    if rng.next_u64().is_multiple_of(2) {
        s.push_str("| Option | Latency | Cost |\n|---|---|---|\n");
        s.push_str("| A | low | high |\n| B | medium | medium |\n| C | high | low |\n\n");
    }
    s.push_str(rng.pick(SENTENCES));
    if let Some(target) = target {
        let target = target as usize;
        while pieces(&s).len() < target {
            s.push(' ');
            s.push_str(rng.pick(SENTENCES));
        }
        s = truncate_tokens(&s, target).to_string();
    }
    s
}

fn reasoning_text(seed: u64, tokens: u32) -> String {
    if tokens == 0 {
        return String::new();
    }
    let mut rng = XorShift::new(seed ^ 0x7777);
    let mut s = String::from("Let me think about what is being asked.");
    while pieces(&s).len() < tokens as usize {
        s.push(' ');
        s.push_str(rng.pick(SENTENCES));
    }
    truncate_tokens(&s, tokens as usize).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Message, Params};

    fn req(model: &str, prompt: &str) -> ChatRequest {
        ChatRequest {
            model: model.into(),
            system: None,
            messages: vec![Message::user(prompt)],
            params: Params::default(),
        }
    }

    fn events(model: &str, prompt: &str) -> Vec<Result<StreamEvent, ProviderError>> {
        let p = Profile::parse(model).expect("profile");
        plan(&p, &req(model, prompt))
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    }

    #[test]
    fn same_prompt_same_stream() {
        assert_eq!(events("swift", "hello"), events("swift", "hello"));
        assert_ne!(events("swift", "hello"), events("swift", "goodbye"));
    }

    #[test]
    fn answer_is_markdown_and_usage_counts_it() {
        let evs = events("steady", "explain caching");
        let text: String = evs
            .iter()
            .filter_map(|e| match e {
                Ok(StreamEvent::Text(t)) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert!(text.starts_with("## "));
        assert!(text.contains("\n- "));
        assert!(text.contains("```"));
        let usage = evs.iter().find_map(|e| match e {
            Ok(StreamEvent::Usage(u)) => Some(*u),
            _ => None,
        });
        assert_eq!(usage.and_then(|u| u.output), Some(count_tokens(&text)));
        assert!(matches!(evs.last(), Some(Ok(StreamEvent::Finish { .. }))));
    }

    #[test]
    fn ponder_reasons_first() {
        let evs = events("ponder", "why");
        let first = evs.iter().find_map(|e| match e {
            Ok(StreamEvent::Text(t)) if !t.is_empty() => Some("text"),
            Ok(StreamEvent::Reasoning(_)) => Some("reasoning"),
            _ => None,
        });
        assert_eq!(first, Some("reasoning"));
    }

    #[test]
    fn parameters_in_the_name() {
        let p = Profile::parse("swift,ttft=10,tps=500,error=1").expect("parse");
        assert_eq!(
            (p.ttft_ms, p.tokens_per_sec, p.error_rate),
            (10.0, 500.0, 1.0)
        );
        assert!(Profile::parse("nope").is_err());
        assert!(Profile::parse("swift,speed=3").is_err());
        assert!(events("flaky,error=1", "x").iter().any(|e| e.is_err()));
        assert!(events("flaky,error=0", "x").iter().all(|e| e.is_ok()));
    }

    #[test]
    fn max_tokens_cuts_the_answer() {
        let p = Profile::parse("swift").expect("profile");
        let mut r = req("swift", "hi");
        r.params.max_tokens = Some(5);
        let evs = plan(&p, &r);
        let usage = evs.iter().find_map(|(_, e)| match e {
            Ok(StreamEvent::Usage(u)) => u.output,
            _ => None,
        });
        assert_eq!(usage, Some(5));
        assert!(evs.iter().any(
            |(_, e)| matches!(e, Ok(StreamEvent::Finish { reason: Some(r) }) if r == "length")
        ));
    }

    #[test]
    fn echo_streams_the_prompt_back() {
        let text: String = events("echo", "a \u{1b}[31mred\u{1b}[0m word")
            .into_iter()
            .filter_map(|e| match e {
                Ok(StreamEvent::Text(t)) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(text, "a \u{1b}[31mred\u{1b}[0m word");
    }
}
