//! OpenAI Chat Completions streaming (PROTOCOLS.md §1, §4, §5): OpenAI and every compatible host
//! or local server (OpenRouter, DeepSeek, Groq, xAI, Mistral, vLLM, llama.cpp, LM Studio, ...).

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::json;

use super::http::{self, ErrorInfo, Item, Sse, SseEvents};
use super::sse::SseEvent;
use super::{
    ChatRequest, Endpoint, ErrorKind, EventStream, Provider, ProviderError, Role, ServerTimings,
    StreamEvent, Usage,
};
use crate::strings::wire as text;

pub struct OpenAi {
    endpoint: Endpoint,
    http: reqwest::Client,
}

impl OpenAi {
    pub fn new(endpoint: Endpoint, http: reqwest::Client) -> Self {
        OpenAi { endpoint, http }
    }

    fn auth(&self) -> Vec<(&'static str, String)> {
        match &self.endpoint.api_key {
            Some(k) if !k.expose().is_empty() => {
                vec![("authorization", format!("Bearer {}", k.expose()))]
            }
            _ => Vec::new(),
        }
    }
}

/// Quirks that depend on the host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Host {
    /// api.openai.com: `max_completion_tokens` instead of `max_tokens`.
    pub openai: bool,
    /// api.x.ai: reasoning tokens are not inside `completion_tokens`.
    pub xai: bool,
}

impl Host {
    pub fn of(base_url: &str) -> Host {
        let host = base_url
            .split("://")
            .nth(1)
            .unwrap_or(base_url)
            .split(['/', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        Host {
            openai: host == "api.openai.com",
            xai: host == "x.ai" || host.ends_with(".x.ai"),
        }
    }
}

/// The JSON body of a streaming chat completion request.
pub fn request_body(req: &ChatRequest, host: Host) -> serde_json::Value {
    let mut messages = Vec::with_capacity(req.messages.len() + 1);
    if let Some(system) = &req.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    for m in &req.messages {
        let role = match m.role {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        messages.push(json!({"role": role, "content": m.content}));
    }
    let mut body = json!({
        "model": req.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    if let Some(t) = req.params.temperature {
        body["temperature"] = json!(super::temperature_value(t));
    }
    if let Some(n) = req.params.max_tokens {
        let name = if host.openai {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body[name] = json!(n);
    }
    if let Some(s) = req.params.seed {
        body["seed"] = json!(s);
    }
    body
}

impl Provider for OpenAi {
    fn stream(&self, req: ChatRequest) -> EventStream {
        let host = Host::of(&self.endpoint.base_url);
        let url = http::join(&self.endpoint.base_url, "chat/completions");
        let body = request_body(&req, host);
        let mut auth = self.auth();
        auth.push(("accept", "text/event-stream".to_string()));
        let request = http::post_json(&self.http, &url, &self.endpoint, &auth, &body);
        http::event_stream(request, self.endpoint.api_key.clone(), Decoder::new(host))
    }

    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>> {
        let url = http::join(&self.endpoint.base_url, "models");
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
            ids(&v, "data", "id")
        })
    }
}

/// `v[list][].field` as strings.
pub(crate) fn ids(
    v: &serde_json::Value,
    list: &str,
    field: &str,
) -> Result<Vec<String>, ProviderError> {
    let items = v.get(list).and_then(|d| d.as_array()).ok_or_else(|| {
        ProviderError::new(
            ErrorKind::Protocol,
            text::unexpected_body(&format!("no `{list}` list")),
        )
    })?;
    Ok(items
        .iter()
        .filter_map(|m| m.get(field).and_then(|x| x.as_str()).map(str::to_string))
        .collect())
}

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(default, borrow)]
    choices: Option<Vec<Choice<'a>>>,
    #[serde(default)]
    usage: Option<OaUsage>,
    #[serde(default)]
    timings: Option<LlamaTimings>,
    #[serde(default)]
    x_groq: Option<XGroq>,
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(default)]
    index: u32,
    #[serde(default, borrow)]
    delta: Option<Delta<'a>>,
    #[serde(default, borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(default, borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning: Option<Cow<'a, str>>,
    /// A refusal is the model's answer: shown as text rather than an empty pane.
    #[serde(default, borrow)]
    refusal: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default)]
struct OaUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    prompt_tokens_details: Option<PromptDetails>,
    completion_tokens_details: Option<CompletionDetails>,
    /// DeepSeek.
    prompt_cache_hit_tokens: Option<u64>,
    /// OpenRouter, in credits (= USD).
    cost: Option<f64>,
    /// xAI: 1e10 ticks = $1.
    cost_in_usd_ticks: Option<f64>,
}

#[derive(Deserialize, Default)]
struct PromptDetails {
    cached_tokens: Option<u64>,
    cache_write_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct CompletionDetails {
    reasoning_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct LlamaTimings {
    prompt_n: Option<u64>,
    prompt_ms: Option<f64>,
    predicted_n: Option<u64>,
    predicted_ms: Option<f64>,
}

#[derive(Deserialize)]
struct XGroq {
    usage: Option<GroqUsage>,
}

#[derive(Deserialize)]
struct GroqUsage {
    queue_time: Option<f64>,
    prompt_tokens: Option<u64>,
    prompt_time: Option<f64>,
    completion_tokens: Option<u64>,
    completion_time: Option<f64>,
    total_time: Option<f64>,
}

fn normalise(u: &OaUsage, host: Host) -> Usage {
    let details = u.prompt_tokens_details.as_ref();
    let reasoning = u
        .completion_tokens_details
        .as_ref()
        .and_then(|d| d.reasoning_tokens);
    let output = match (u.completion_tokens, reasoning) {
        (Some(c), Some(r)) if host.xai => Some(c + r),
        (c, _) => c,
    };
    Usage {
        input: u.prompt_tokens,
        cached_input: details
            .and_then(|d| d.cached_tokens)
            .or(u.prompt_cache_hit_tokens),
        cache_write: details.and_then(|d| d.cache_write_tokens),
        output,
        reasoning,
    }
}

fn secs_to_ms(s: Option<f64>) -> Option<f64> {
    s.map(|s| s * 1000.0)
}

/// Body decoder of the Chat Completions SSE stream.
/// The OpenAI protocol's reading of SSE events; [`Decoder`] adds the framing.
pub struct Events {
    host: Host,
    finish_reason: Option<String>,
    timings: Option<ServerTimings>,
    done: bool,
}

/// The body decoder of the OpenAI protocol.
pub type Decoder = Sse<Events>;

impl Decoder {
    pub fn new(host: Host) -> Self {
        Sse::wrap(Events::new(host))
    }
}

impl Events {
    fn new(host: Host) -> Self {
        Events {
            host,
            finish_reason: None,
            timings: None,
            done: false,
        }
    }

    fn finish_event(&mut self, out: &mut Vec<Item>) {
        if let Some(t) = self.timings.take() {
            out.push(Ok(StreamEvent::Timings(t)));
        }
        self.done = true;
        out.push(Ok(StreamEvent::Finish {
            reason: self.finish_reason.take(),
        }));
    }

    fn event(&mut self, data: &str, out: &mut Vec<Item>) {
        if self.done {
            return;
        }
        let data = data.trim();
        if data.is_empty() {
            return;
        }
        if data.starts_with("[DONE]") {
            self.finish_event(out);
            return;
        }
        let chunk: Chunk = match serde_json::from_str(data) {
            Ok(c) => c,
            Err(e) => {
                self.done = true;
                out.push(Err(http::json_error("chat completion chunk", &e, data)));
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
        for choice in chunk.choices.iter().flatten().filter(|c| c.index == 0) {
            if let Some(d) = &choice.delta {
                for r in [&d.reasoning_content, &d.reasoning].into_iter().flatten() {
                    if !r.is_empty() {
                        out.push(Ok(StreamEvent::Reasoning(r.to_string())));
                    }
                }
                for c in [&d.content, &d.refusal].into_iter().flatten() {
                    if !c.is_empty() {
                        out.push(Ok(StreamEvent::Text(c.to_string())));
                    }
                }
            }
            if let Some(f) = &choice.finish_reason {
                self.finish_reason = Some(f.to_string());
            }
        }
        let groq = chunk.x_groq.and_then(|x| x.usage);
        if let Some(u) = &chunk.usage {
            out.push(Ok(StreamEvent::Usage(normalise(u, self.host))));
            if let Some(ticks) = u.cost_in_usd_ticks {
                out.push(Ok(StreamEvent::Cost(ticks / 1e10)));
            } else if let Some(c) = u.cost {
                out.push(Ok(StreamEvent::Cost(c)));
            }
        } else if let Some(g) = &groq {
            out.push(Ok(StreamEvent::Usage(Usage {
                input: g.prompt_tokens,
                output: g.completion_tokens,
                ..Usage::default()
            })));
        }
        if let Some(g) = groq {
            out.push(Ok(StreamEvent::Timings(ServerTimings {
                source: "groq".into(),
                queue_ms: secs_to_ms(g.queue_time),
                prompt_eval_ms: secs_to_ms(g.prompt_time),
                prompt_tokens: g.prompt_tokens,
                decode_ms: secs_to_ms(g.completion_time),
                decode_tokens: g.completion_tokens,
                total_ms: secs_to_ms(g.total_time),
                load_ms: None,
            })));
        }
        if let Some(t) = chunk.timings {
            // llama.cpp may send timings on every chunk: keep the latest, emit it at the end.
            self.timings = Some(ServerTimings {
                source: "llama.cpp".into(),
                prompt_eval_ms: t.prompt_ms,
                prompt_tokens: t.prompt_n,
                decode_ms: t.predicted_ms,
                decode_tokens: t.predicted_n,
                total_ms: match (t.prompt_ms, t.predicted_ms) {
                    (Some(a), Some(b)) => Some(a + b),
                    _ => None,
                },
                ..ServerTimings::default()
            });
        }
    }
}

impl SseEvents for Events {
    fn event(&mut self, ev: &SseEvent, out: &mut Vec<Item>) {
        self.event(&ev.data, out);
    }

    fn end(&mut self, out: &mut Vec<Item>) {
        // Some compatible servers end without `[DONE]`: a finish_reason is an end marker too.
        if !self.done && self.finish_reason.is_some() {
            self.finish_event(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::http::BodyDecoder;

    #[test]
    fn host_quirks() {
        assert_eq!(
            Host::of("https://api.openai.com/v1"),
            Host {
                openai: true,
                xai: false
            }
        );
        assert_eq!(
            Host::of("https://api.x.ai/v1"),
            Host {
                openai: false,
                xai: true
            }
        );
        assert_eq!(Host::of("http://127.0.0.1:8080/v1"), Host::default());
        assert_eq!(
            Host::of("https://notapi.openai.com.evil/v1"),
            Host::default()
        );
    }

    fn decode(host: Host, s: &str) -> Vec<Item> {
        let mut d = Decoder::new(host);
        let mut out = Vec::new();
        d.push(s.as_bytes(), &mut out);
        d.finish(&mut out);
        out
    }

    #[test]
    fn xai_reasoning_is_folded_into_output() {
        let s = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"completion_tokens_details\":{\"reasoning_tokens\":20},\"cost_in_usd_ticks\":1500000}}\n\ndata: [DONE]\n\n";
        let out = decode(
            Host {
                openai: false,
                xai: true,
            },
            s,
        );
        assert_eq!(
            out,
            vec![
                Ok(StreamEvent::Usage(Usage {
                    input: Some(10),
                    output: Some(25),
                    reasoning: Some(20),
                    ..Usage::default()
                })),
                Ok(StreamEvent::Cost(0.00015)),
                Ok(StreamEvent::Finish { reason: None }),
            ]
        );
    }

    #[test]
    fn refusal_is_shown_as_text() {
        let s = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"refusal\":\"I can't help with that.\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n";
        let out = decode(Host::default(), s);
        assert_eq!(
            out,
            vec![
                Ok(StreamEvent::Text("I can't help with that.".into())),
                Ok(StreamEvent::Finish { reason: None }),
            ]
        );
    }

    #[test]
    fn deepseek_cache_hits() {
        let s = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":5,\"prompt_cache_hit_tokens\":64,\"prompt_cache_miss_tokens\":36}}\n\n";
        let out = decode(Host::default(), s);
        assert_eq!(
            out,
            vec![
                Ok(StreamEvent::Usage(Usage {
                    input: Some(100),
                    cached_input: Some(64),
                    output: Some(5),
                    ..Usage::default()
                })),
                Ok(StreamEvent::Finish {
                    reason: Some("stop".into())
                }),
            ]
        );
    }
}
