//! Anthropic Messages API streaming (PROTOCOLS.md §2).

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::json;

use super::http::{self, ErrorInfo, Item, Sse, SseEvents};
use super::sse::SseEvent;
use super::{
    ChatRequest, Endpoint, EventStream, Provider, ProviderError, Role, StreamEvent, Usage,
};

/// `max_tokens` is required by the API; this is sent when the request sets none.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;
pub const API_VERSION: &str = "2023-06-01";

pub struct Anthropic {
    endpoint: Endpoint,
    http: reqwest::Client,
}

impl Anthropic {
    pub fn new(endpoint: Endpoint, http: reqwest::Client) -> Self {
        Anthropic { endpoint, http }
    }

    fn auth(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![("anthropic-version", API_VERSION.to_string())];
        if let Some(k) = &self.endpoint.api_key
            && !k.expose().is_empty()
        {
            h.push(("x-api-key", k.expose().to_string()));
        }
        h
    }
}

/// The JSON body of a streaming Messages request.
pub fn request_body(req: &ChatRequest) -> serde_json::Value {
    let messages: Vec<_> = req
        .messages
        .iter()
        .filter(|m| m.role != Role::System)
        .map(|m| {
            let role = if m.role == Role::Assistant {
                "assistant"
            } else {
                "user"
            };
            json!({"role": role, "content": m.content})
        })
        .collect();
    let mut body = json!({
        "model": req.model,
        "max_tokens": req.params.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": messages,
        "stream": true,
    });
    if let Some(system) = &req.system {
        body["system"] = json!(system);
    }
    if let Some(t) = req.params.temperature {
        body["temperature"] = json!(super::temperature_value(t));
    }
    body
}

impl Provider for Anthropic {
    fn stream(&self, req: ChatRequest) -> EventStream {
        let url = http::join(&self.endpoint.base_url, "v1/messages");
        let mut auth = self.auth();
        auth.push(("accept", "text/event-stream".to_string()));
        let request = http::post_json(&self.http, &url, &self.endpoint, &auth, &request_body(&req));
        http::event_stream(request, self.endpoint.api_key.clone(), Decoder::new())
    }

    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>> {
        let url = http::join(&self.endpoint.base_url, "v1/models?limit=1000");
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
            super::openai::ids(&v, "data", "id")
        })
    }
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "type", borrow)]
    ty: Cow<'a, str>,
    #[serde(default)]
    message: Option<MessageStart>,
    #[serde(default, borrow)]
    delta: Option<Delta<'a>>,
    #[serde(default)]
    usage: Option<AUsage>,
}

#[derive(Deserialize)]
struct MessageStart {
    #[serde(default)]
    usage: Option<AUsage>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    thinking: Option<Cow<'a, str>>,
    #[serde(default)]
    stop_reason: Option<String>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct AUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    output_tokens_details: Option<OutputDetails>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct OutputDetails {
    thinking_tokens: Option<u64>,
}

/// Body decoder of the Messages SSE stream.
/// The Anthropic protocol's reading of SSE events; [`Decoder`] adds the framing.
#[derive(Default)]
pub struct Events {
    /// Input side from `message_start` (cumulative fields of `message_delta` override it).
    input: AUsage,
    stop_reason: Option<String>,
    done: bool,
}

/// The body decoder of the Anthropic Messages protocol.
pub type Decoder = Sse<Events>;

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Events {
    fn usage(&self, delta: Option<&AUsage>) -> Usage {
        let pick = |f: fn(&AUsage) -> Option<u64>| delta.and_then(f).or(f(&self.input));
        let plain = pick(|u| u.input_tokens);
        let write = pick(|u| u.cache_creation_input_tokens);
        let read = pick(|u| u.cache_read_input_tokens);
        let input = plain.map(|p| p + write.unwrap_or(0) + read.unwrap_or(0));
        Usage {
            input,
            cached_input: read,
            cache_write: write,
            // message_start's output count is a placeholder; only message_delta's is final.
            output: delta.and_then(|d| d.output_tokens),
            reasoning: delta
                .and_then(|d| d.output_tokens_details)
                .and_then(|d| d.thinking_tokens),
        }
    }

    fn event(&mut self, sse_name: Option<&str>, data: &str, out: &mut Vec<Item>) {
        if self.done {
            return;
        }
        let ev: Event = match serde_json::from_str(data) {
            Ok(e) => e,
            Err(e) => {
                self.done = true;
                out.push(Err(http::json_error(sse_name.unwrap_or("event"), &e, data)));
                return;
            }
        };
        match ev.ty.as_ref() {
            "message_start" => {
                if let Some(u) = ev.message.and_then(|m| m.usage) {
                    self.input = u;
                    out.push(Ok(StreamEvent::Usage(self.usage(None))));
                }
            }
            "content_block_delta" => {
                if let Some(d) = ev.delta {
                    if let Some(t) = d.text.filter(|t| !t.is_empty()) {
                        out.push(Ok(StreamEvent::Text(t.into_owned())));
                    }
                    if let Some(t) = d.thinking.filter(|t| !t.is_empty()) {
                        out.push(Ok(StreamEvent::Reasoning(t.into_owned())));
                    }
                }
            }
            "message_delta" => {
                if let Some(r) = ev.delta.and_then(|d| d.stop_reason) {
                    self.stop_reason = Some(r);
                }
                if let Some(u) = ev.usage {
                    out.push(Ok(StreamEvent::Usage(self.usage(Some(&u)))));
                }
            }
            "message_stop" => {
                self.done = true;
                out.push(Ok(StreamEvent::Finish {
                    reason: self.stop_reason.take(),
                }));
            }
            "error" => {
                self.done = true;
                let info = serde_json::from_str::<serde_json::Value>(data)
                    .ok()
                    .and_then(|v| ErrorInfo::from_json(&v))
                    .unwrap_or_default();
                out.push(Err(http::stream_error(&info)));
            }
            // ping, content_block_start/stop, and types added later.
            _ => {}
        }
    }
}

impl SseEvents for Events {
    fn event(&mut self, ev: &SseEvent, out: &mut Vec<Item>) {
        self.event(ev.event.as_deref(), &ev.data, out);
    }
}
