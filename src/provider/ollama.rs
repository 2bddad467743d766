//! Ollama native `/api/chat` NDJSON streaming, with the server's own timings (PROTOCOLS.md §5b).

use std::borrow::Cow;

use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::json;

use super::http::{self, BodyDecoder, Item};
use super::sse::NdjsonDecoder;
use super::{
    ChatRequest, Endpoint, ErrorKind, EventStream, Provider, ProviderError, Role, ServerTimings,
    StreamEvent, Usage,
};
use crate::strings::wire as text;

pub struct Ollama {
    endpoint: Endpoint,
    http: reqwest::Client,
}

impl Ollama {
    pub fn new(endpoint: Endpoint, http: reqwest::Client) -> Self {
        Ollama { endpoint, http }
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

/// The JSON body of a streaming `/api/chat` request.
pub fn request_body(req: &ChatRequest) -> serde_json::Value {
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
    let mut body = json!({"model": req.model, "messages": messages, "stream": true});
    let mut options = serde_json::Map::new();
    if let Some(t) = req.params.temperature {
        options.insert("temperature".into(), json!(super::temperature_value(t)));
    }
    if let Some(n) = req.params.max_tokens {
        options.insert("num_predict".into(), json!(n));
    }
    if let Some(s) = req.params.seed {
        options.insert("seed".into(), json!(s));
    }
    if !options.is_empty() {
        body["options"] = serde_json::Value::Object(options);
    }
    body
}

impl Provider for Ollama {
    fn stream(&self, req: ChatRequest) -> EventStream {
        let url = http::join(&self.endpoint.base_url, "api/chat");
        let request = http::post_json(
            &self.http,
            &url,
            &self.endpoint,
            &self.auth(),
            &request_body(&req),
        );
        http::event_stream(request, self.endpoint.api_key.clone(), Decoder::new())
    }

    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>> {
        let url = http::join(&self.endpoint.base_url, "api/tags");
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
            super::openai::ids(&v, "models", "name")
        })
    }
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(default, borrow)]
    message: Option<Msg<'a>>,
    #[serde(default)]
    done: bool,
    #[serde(default)]
    done_reason: Option<String>,
    #[serde(default)]
    error: Option<serde_json::Value>,
    total_duration: Option<u64>,
    load_duration: Option<u64>,
    prompt_eval_count: Option<u64>,
    prompt_eval_duration: Option<u64>,
    eval_count: Option<u64>,
    eval_duration: Option<u64>,
}

#[derive(Deserialize)]
struct Msg<'a> {
    #[serde(default, borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    thinking: Option<Cow<'a, str>>,
}

fn ns_to_ms(ns: Option<u64>) -> Option<f64> {
    ns.map(|n| n as f64 / 1e6)
}

/// Body decoder of the `/api/chat` NDJSON stream.
#[derive(Default)]
pub struct Decoder {
    nd: NdjsonDecoder,
    lines: Vec<String>,
    done: bool,
}

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    fn line(&mut self, data: &str, out: &mut Vec<Item>) {
        if self.done {
            return;
        }
        let line: Line = match serde_json::from_str(data) {
            Ok(l) => l,
            Err(e) => {
                self.done = true;
                out.push(Err(http::json_error("NDJSON line", &e, data)));
                return;
            }
        };
        if let Some(err) = line.error {
            self.done = true;
            let msg = err
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| err.to_string());
            let kind = if msg.contains("not found") {
                ErrorKind::NotFound
            } else {
                ErrorKind::Server
            };
            out.push(Err(ProviderError::new(
                kind,
                text::mid_stream_error(&http::one_line(&msg, 300)),
            )));
            return;
        }
        if let Some(m) = line.message {
            if let Some(t) = m.thinking.filter(|t| !t.is_empty()) {
                out.push(Ok(StreamEvent::Reasoning(t.into_owned())));
            }
            if let Some(t) = m.content.filter(|t| !t.is_empty()) {
                out.push(Ok(StreamEvent::Text(t.into_owned())));
            }
        }
        if line.done {
            self.done = true;
            out.push(Ok(StreamEvent::Usage(Usage {
                input: line.prompt_eval_count,
                output: line.eval_count,
                ..Usage::default()
            })));
            out.push(Ok(StreamEvent::Timings(ServerTimings {
                source: "ollama".into(),
                load_ms: ns_to_ms(line.load_duration),
                queue_ms: None,
                prompt_eval_ms: ns_to_ms(line.prompt_eval_duration),
                prompt_tokens: line.prompt_eval_count,
                decode_ms: ns_to_ms(line.eval_duration),
                decode_tokens: line.eval_count,
                total_ms: ns_to_ms(line.total_duration),
            })));
            out.push(Ok(StreamEvent::Finish {
                reason: line.done_reason,
            }));
        }
    }

    fn drain(&mut self, out: &mut Vec<Item>) {
        let lines = std::mem::take(&mut self.lines);
        for l in &lines {
            self.line(l, out);
        }
        self.lines = lines;
        self.lines.clear();
    }
}

impl BodyDecoder for Decoder {
    fn push(&mut self, bytes: &[u8], out: &mut Vec<Item>) {
        self.nd.push(bytes, &mut self.lines);
        self.drain(out);
    }

    fn finish(&mut self, out: &mut Vec<Item>) {
        self.nd.finish(&mut self.lines);
        self.drain(out);
    }
}
