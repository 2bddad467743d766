//! Google Gemini native streaming, `streamGenerateContent?alt=sse` (PROTOCOLS.md §3).

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::json;

use super::http::{self, ErrorInfo, Item, Sse, SseEvents};
use super::sse::SseEvent;
use super::{
    ChatRequest, Endpoint, ErrorKind, EventStream, Provider, ProviderError, Role, StreamEvent,
    Usage,
};
use crate::strings::wire as text;

pub struct Gemini {
    endpoint: Endpoint,
    http: reqwest::Client,
}

impl Gemini {
    pub fn new(endpoint: Endpoint, http: reqwest::Client) -> Self {
        Gemini { endpoint, http }
    }

    fn auth(&self) -> Vec<(&'static str, String)> {
        match &self.endpoint.api_key {
            Some(k) if !k.expose().is_empty() => vec![("x-goog-api-key", k.expose().to_string())],
            _ => Vec::new(),
        }
    }
}

/// The JSON body of a `streamGenerateContent` request.
pub fn request_body(req: &ChatRequest) -> serde_json::Value {
    let contents: Vec<_> = req
        .messages
        .iter()
        .filter(|m| m.role != Role::System)
        .map(|m| {
            let role = if m.role == Role::Assistant {
                "model"
            } else {
                "user"
            };
            json!({"role": role, "parts": [{"text": m.content}]})
        })
        .collect();
    let mut body = json!({ "contents": contents });
    if let Some(system) = &req.system {
        body["systemInstruction"] = json!({"parts": [{"text": system}]});
    }
    let mut config = serde_json::Map::new();
    if let Some(t) = req.params.temperature {
        config.insert("temperature".into(), json!(super::temperature_value(t)));
    }
    if let Some(n) = req.params.max_tokens {
        config.insert("maxOutputTokens".into(), json!(n));
    }
    if let Some(s) = req.params.seed {
        config.insert("seed".into(), json!(s));
    }
    if !config.is_empty() {
        body["generationConfig"] = serde_json::Value::Object(config);
    }
    body
}

impl Provider for Gemini {
    fn stream(&self, req: ChatRequest) -> EventStream {
        let model = req.model.strip_prefix("models/").unwrap_or(&req.model);
        let path = format!("v1beta/models/{model}:streamGenerateContent?alt=sse");
        let url = http::join(&self.endpoint.base_url, &path);
        let mut auth = self.auth();
        auth.push(("accept", "text/event-stream".to_string()));
        let request = http::post_json(&self.http, &url, &self.endpoint, &auth, &request_body(&req));
        http::event_stream(request, self.endpoint.api_key.clone(), Decoder::new())
    }

    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>> {
        let url = http::join(&self.endpoint.base_url, "v1beta/models?pageSize=1000");
        let req = http::request(
            &self.http,
            reqwest::Method::GET,
            &url,
            &self.endpoint,
            &self.auth(),
        );
        let key = self.endpoint.api_key.clone();
        Box::pin(async move {
            let v = http::get_json(req, key).await?;
            let names = super::openai::ids(&v, "models", "name")?;
            Ok(names
                .into_iter()
                .map(|n| n.strip_prefix("models/").map(str::to_string).unwrap_or(n))
                .collect())
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chunk<'a> {
    #[serde(default, borrow)]
    candidates: Vec<Candidate<'a>>,
    #[serde(default)]
    usage_metadata: Option<UsageMetadata>,
    #[serde(default)]
    prompt_feedback: Option<PromptFeedback>,
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate<'a> {
    #[serde(default, borrow)]
    content: Option<Content<'a>>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(default, borrow)]
    parts: Vec<Part<'a>>,
}

#[derive(Deserialize)]
struct Part<'a> {
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default)]
    thought: bool,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
struct UsageMetadata {
    prompt_token_count: Option<u64>,
    cached_content_token_count: Option<u64>,
    candidates_token_count: Option<u64>,
    thoughts_token_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PromptFeedback {
    block_reason: Option<String>,
}

/// Body decoder of the Gemini SSE stream.
#[derive(Default)]
/// The Gemini protocol's reading of SSE events; [`Decoder`] adds the framing.
pub struct Events {
    finish_reason: Option<String>,
    last_usage: Option<Usage>,
    done: bool,
}

/// The body decoder of Gemini's streamGenerateContent.
pub type Decoder = Sse<Events>;

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Events {
    fn event(&mut self, data: &str, out: &mut Vec<Item>) {
        if self.done || data.trim().is_empty() {
            return;
        }
        let chunk: Chunk = match serde_json::from_str(data) {
            Ok(c) => c,
            Err(e) => {
                self.done = true;
                out.push(Err(http::json_error("GenerateContentResponse", &e, data)));
                return;
            }
        };
        if chunk.error.is_some() {
            let info = serde_json::from_str::<serde_json::Value>(data)
                .ok()
                .and_then(|v| ErrorInfo::from_json(&v));
            self.done = true;
            out.push(Err(http::stream_error(&info.unwrap_or_default())));
            return;
        }
        if let Some(reason) = chunk.prompt_feedback.and_then(|f| f.block_reason) {
            self.done = true;
            out.push(Err(ProviderError::new(
                ErrorKind::Protocol,
                text::prompt_blocked(&reason),
            )));
            return;
        }
        if let Some(c) = chunk.candidates.into_iter().next() {
            for part in c.content.into_iter().flat_map(|c| c.parts) {
                match part.text {
                    Some(t) if !t.is_empty() && part.thought => {
                        out.push(Ok(StreamEvent::Reasoning(t.into_owned())))
                    }
                    Some(t) if !t.is_empty() => out.push(Ok(StreamEvent::Text(t.into_owned()))),
                    _ => {}
                }
            }
            if let Some(r) = c.finish_reason {
                self.finish_reason = Some(r);
            }
        }
        if let Some(m) = chunk.usage_metadata {
            let output = match (m.candidates_token_count, m.thoughts_token_count) {
                (None, None) => None,
                (c, t) => Some(c.unwrap_or(0) + t.unwrap_or(0)),
            };
            let usage = Usage {
                input: m.prompt_token_count,
                cached_input: m.cached_content_token_count,
                cache_write: None,
                output,
                reasoning: m.thoughts_token_count,
            };
            if self.last_usage != Some(usage) {
                self.last_usage = Some(usage);
                out.push(Ok(StreamEvent::Usage(usage)));
            }
        }
    }
}

impl SseEvents for Events {
    fn event(&mut self, ev: &SseEvent, out: &mut Vec<Item>) {
        self.event(&ev.data, out);
    }

    /// Gemini has no end marker: the body ending after a `finishReason` is the end.
    fn end(&mut self, out: &mut Vec<Item>) {
        if !self.done && self.finish_reason.is_some() {
            self.done = true;
            out.push(Ok(StreamEvent::Finish {
                reason: self.finish_reason.take(),
            }));
        }
    }
}
