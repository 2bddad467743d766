//! The provider layer: one file per wire protocol behind one trait. Nothing here knows about the
//! UI, the store or global configuration: a provider is built from a [`ProviderDef`]-like set of
//! values and turns a [`ChatRequest`] into a stream of [`StreamEvent`]s.
//!
//! Contract of [`Provider::stream`]:
//! - Nothing happens until the stream is polled; t0 (DESIGN §5) is taken by the engine right
//!   before the first poll, so opening the connection is part of the measured time.
//! - Events come in wire order. [`StreamEvent::Connected`] when 2xx headers arrive,
//!   [`StreamEvent::FirstByte`] when the first body byte arrives, then deltas, usage, timings, and
//!   exactly one [`StreamEvent::Finish`] when the stream ended properly (`[DONE]`, `message_stop`,
//!   a Gemini `finishReason`, an Ollama `done:true`).
//! - A failure is one `Err(ProviderError)` item, after which the stream ends. A body that ends
//!   before the protocol's end marker is an error too (kind `Connect`, "connection closed
//!   mid-stream"), never a silent success.
//! - Usage is normalised per PROTOCOLS.md §0 before it is emitted (input includes cached input,
//!   output includes reasoning). Several `Usage` events may come; the last one wins.
//! - Dropping the stream closes the HTTP connection (cancellation).
//! - Error messages never contain the API key (see [`http::redact`]).

pub mod anthropic;
pub mod demo;
pub mod gemini;
pub mod http;
pub mod ollama;
pub mod openai;
pub mod sse;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

/// The wire protocol a provider speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    Openai,
    Anthropic,
    Gemini,
    Ollama,
    Demo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn user(s: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: s.into(),
        }
    }
    pub fn assistant(s: impl Into<String>) -> Self {
        Message {
            role: Role::Assistant,
            content: s.into(),
        }
    }
}

/// Request parameters that apply to every pane of a turn.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Params {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_temperature"
    )]
    pub temperature: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// An `f32` as the decimal the user typed: `0.3`, not `0.30000001192092896` (what widening the
/// f32 to f64 gives), in request bodies and saved sessions alike.
pub fn temperature_value(t: f32) -> f64 {
    t.to_string().parse::<f64>().unwrap_or(f64::from(t))
}

fn serialize_temperature<S: serde::Serializer>(t: &Option<f32>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_f64(temperature_value(*t)),
        None => s.serialize_none(),
    }
}

/// One chat request to one model.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatRequest {
    /// The model's name as its provider knows it (the part after `provider:`).
    pub model: String,
    pub system: Option<String>,
    /// The conversation so far, ending with the user's new prompt. No system messages here.
    pub messages: Vec<Message>,
    pub params: Params,
}

/// Token usage normalised per PROTOCOLS.md §0. `None` means "not reported", never zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// All input tokens, cached ones included.
    pub input: Option<u64>,
    /// Input tokens read from the provider's cache (a subset of `input`).
    pub cached_input: Option<u64>,
    /// Input tokens written to the provider's cache (a subset of `input`).
    pub cache_write: Option<u64>,
    /// All output tokens, reasoning included.
    pub output: Option<u64>,
    /// Reasoning (thinking) tokens (a subset of `output`).
    pub reasoning: Option<u64>,
}

/// Timings a server measured itself (Ollama durations, llama.cpp `timings`, Groq `x_groq.usage`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerTimings {
    /// Who measured: "ollama", "llama.cpp", "groq".
    pub source: String,
    pub load_ms: Option<f64>,
    pub queue_ms: Option<f64>,
    pub prompt_eval_ms: Option<f64>,
    pub prompt_tokens: Option<u64>,
    pub decode_ms: Option<f64>,
    pub decode_tokens: Option<u64>,
    pub total_ms: Option<f64>,
}

impl ServerTimings {
    /// Decode rate measured by the server, tokens per second.
    pub fn decode_tps(&self) -> Option<f64> {
        match (self.decode_tokens, self.decode_ms) {
            (Some(n), Some(ms)) if ms > 0.0 && n > 0 => Some(n as f64 * 1000.0 / ms),
            _ => None,
        }
    }
}

/// One decoded event of a response stream.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent {
    /// 2xx response headers arrived.
    Connected,
    /// The first byte of the response body arrived.
    FirstByte,
    /// Answer text (may be empty for role-only chunks: those do not count as a first token).
    Text(String),
    /// Reasoning / thinking text.
    Reasoning(String),
    /// Normalised usage; cumulative, the last one wins.
    Usage(Usage),
    /// The server's own timings.
    Timings(ServerTimings),
    /// A cost the provider reported, in USD (OpenRouter `usage.cost`, xAI ticks converted).
    Cost(f64),
    /// The stream ended properly.
    Finish { reason: Option<String> },
}

/// What went wrong, as DESIGN §2 names it in `error.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Auth,
    NotFound,
    RateLimited,
    Overloaded,
    Server,
    Timeout,
    Connect,
    Protocol,
    Cancelled,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Auth => "auth",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Overloaded => "overloaded",
            ErrorKind::Server => "server",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connect => "connect",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Cancelled => "cancelled",
        }
    }
}

/// A provider failure. `message` is for people; it never contains an API key.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ProviderError {
    pub kind: ErrorKind,
    /// HTTP status, when the failure came with one.
    pub status: Option<u16>,
    pub message: String,
    /// The server's requested delay (`retry-after-ms`, `retry-after`), when it sent one.
    pub retry_after: Option<Duration>,
    /// Whether retrying could help (429, 5xx, 529, connect errors; not `insufficient_quota`,
    /// not `x-should-retry: false`).
    pub retryable: bool,
}

impl ProviderError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retryable = matches!(
            kind,
            ErrorKind::RateLimited | ErrorKind::Overloaded | ErrorKind::Server | ErrorKind::Connect
        );
        ProviderError {
            kind,
            status: None,
            message: message.into(),
            retry_after: None,
            retryable,
        }
    }
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

pub type EventStream = BoxStream<'static, Result<StreamEvent, ProviderError>>;

/// A configured endpoint speaking one wire protocol.
pub trait Provider: Send + Sync {
    /// Stream one chat completion. See the module docs for the contract.
    fn stream(&self, req: ChatRequest) -> EventStream;
    /// The model names the server offers (GET /v1/models, /api/tags, ...).
    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>>;
}

/// An API key. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(s: impl Into<String>) -> Self {
        ApiKey(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Everything needed to build a provider: resolved from the catalog, no globals.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// The provider's id in the catalog ("openai", "ollama", "mylab").
    pub id: String,
    pub protocol: Protocol,
    /// As DESIGN §4 defines it per protocol (`.../v1` for openai, the host for the others).
    pub base_url: String,
    pub api_key: Option<ApiKey>,
    /// Extra headers (OpenRouter attribution, ...).
    pub headers: Vec<(String, String)>,
    /// Connect timeout for the HTTP client.
    pub connect_timeout: Duration,
}

/// Build the provider for an endpoint. `http` is shared so connections are pooled.
pub fn build(endpoint: Endpoint, http: reqwest::Client) -> Arc<dyn Provider> {
    match endpoint.protocol {
        Protocol::Openai => Arc::new(openai::OpenAi::new(endpoint, http)),
        Protocol::Anthropic => Arc::new(anthropic::Anthropic::new(endpoint, http)),
        Protocol::Gemini => Arc::new(gemini::Gemini::new(endpoint, http)),
        Protocol::Ollama => Arc::new(ollama::Ollama::new(endpoint, http)),
        Protocol::Demo => Arc::new(demo::Demo::new()),
    }
}
