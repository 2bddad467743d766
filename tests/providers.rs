//! The wire layer against a fake server: per protocol, the request sent and the events decoded
//! from PROTOCOLS.md's verbatim streams; every error path a user can meet.

mod support;

use std::time::Duration;

use juxta::provider::{
    self, ChatRequest, ErrorKind, Message, Params, Protocol, ProviderError, ServerTimings,
    StreamEvent, Usage,
};
use serde_json::json;
use support::{FakeServer, Reply, collect, endpoint, fixtures, refused_url, text_of};

type Item = Result<StreamEvent, ProviderError>;

const KEY: &str = "sk-test-SECRET-0123456789";

fn chat(model: &str) -> ChatRequest {
    ChatRequest {
        model: model.to_string(),
        system: Some("Be brief.".into()),
        messages: vec![
            Message::user("Hi"),
            Message::assistant("Hello"),
            Message::user("Capital of France?"),
        ],
        params: Params {
            temperature: Some(0.5),
            max_tokens: Some(100),
            seed: Some(7),
        },
    }
}

/// The base URL a provider of this protocol is configured with, for a server at `root`.
fn base(protocol: Protocol, root: &str) -> String {
    match protocol {
        Protocol::Openai => format!("{root}/v1"),
        _ => root.to_string(),
    }
}

async fn run_with(
    protocol: Protocol,
    reply: Reply,
    key: Option<&str>,
    req: ChatRequest,
) -> (Vec<Item>, FakeServer) {
    let server = FakeServer::start(vec![reply]).await;
    let ep = endpoint(protocol, &base(protocol, &server.url()), key);
    let p = provider::build(ep, reqwest::Client::new());
    let items = collect(p.stream(req)).await;
    (items, server)
}

async fn run(protocol: Protocol, reply: Reply) -> (Vec<Item>, FakeServer) {
    run_with(protocol, reply, Some(KEY), chat("m1")).await
}

fn ok(events: Vec<StreamEvent>) -> Vec<Item> {
    let mut v = vec![Ok(StreamEvent::Connected), Ok(StreamEvent::FirstByte)];
    v.extend(events.into_iter().map(Ok));
    v
}

fn text(s: &str) -> StreamEvent {
    StreamEvent::Text(s.into())
}
fn reasoning(s: &str) -> StreamEvent {
    StreamEvent::Reasoning(s.into())
}
fn finish(r: Option<&str>) -> StreamEvent {
    StreamEvent::Finish {
        reason: r.map(str::to_string),
    }
}
fn usage(
    input: u64,
    cached: Option<u64>,
    write: Option<u64>,
    output: Option<u64>,
    reasoning: Option<u64>,
) -> StreamEvent {
    StreamEvent::Usage(Usage {
        input: Some(input),
        cached_input: cached,
        cache_write: write,
        output,
        reasoning,
    })
}

fn last_err(items: &[Item]) -> &ProviderError {
    match items.last() {
        Some(Err(e)) => e,
        other => panic!("expected the stream to end in an error, got {other:?} in {items:?}"),
    }
}

fn assert_close(a: Option<f64>, b: f64) {
    let a = a.expect("value present");
    assert!((a - b).abs() < 1e-6, "{a} != {b}");
}

/// Timings compared with a float tolerance.
fn take_timings(items: &mut Vec<Item>) -> ServerTimings {
    let i = items
        .iter()
        .position(|i| matches!(i, Ok(StreamEvent::Timings(_))))
        .expect("a Timings event");
    match items.remove(i) {
        Ok(StreamEvent::Timings(t)) => t,
        _ => unreachable!(),
    }
}

// ---------------------------------------------------------------------------------------------
// OpenAI-compatible

#[tokio::test]
async fn openai_request_and_verbatim_stream() {
    let server = FakeServer::start(vec![fixtures::openai_basic()]).await;
    let mut ep = endpoint(Protocol::Openai, &server.url_with("/v1/"), Some(KEY));
    ep.headers
        .push(("HTTP-Referer".into(), "https://juxta.example".into()));
    let p = provider::build(ep, reqwest::Client::new());
    let items = collect(p.stream(chat("gpt-4o"))).await;
    assert_eq!(
        items,
        ok(vec![
            text("Foo"),
            usage(9, None, None, Some(2), Some(0)),
            finish(Some("stop"))
        ])
    );

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("http-referer"), Some("https://juxta.example"));
    assert_eq!(
        r.json(),
        json!({
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
                {"role": "user", "content": "Capital of France?"},
            ],
            "stream": true,
            "stream_options": {"include_usage": true},
            "temperature": 0.5,
            "max_tokens": 100,
            "seed": 7,
        })
    );
}

#[tokio::test]
async fn openai_without_key_sends_no_authorization_and_minimal_body() {
    let req = ChatRequest {
        model: "qwen3:8b".into(),
        system: None,
        messages: vec![Message::user("Hi")],
        params: Params::default(),
    };
    let (items, server) = run_with(Protocol::Openai, fixtures::openai_basic(), None, req).await;
    assert_eq!(text_of(&items), "Foo");
    let r = &server.requests()[0];
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.json(),
        json!({"model": "qwen3:8b", "messages": [{"role": "user", "content": "Hi"}], "stream": true,
               "stream_options": {"include_usage": true}})
    );
}

#[tokio::test]
async fn openrouter_comments_usage_and_cost() {
    let (items, _s) = run(Protocol::Openai, fixtures::openrouter_cost()).await;
    assert_eq!(
        items,
        ok(vec![
            text("The"),
            text(" answer"),
            usage(194, Some(0), Some(100), Some(2), Some(0)),
            StreamEvent::Cost(0.95),
            finish(Some("stop")),
        ])
    );
}

#[tokio::test]
async fn groq_x_groq_usage_and_timings() {
    let (mut items, _s) = run(Protocol::Openai, fixtures::groq()).await;
    let t = take_timings(&mut items);
    assert_eq!(
        items,
        ok(vec![
            text("Hi"),
            usage(18, None, None, Some(439), None),
            finish(Some("tool_calls"))
        ])
    );
    assert_eq!(t.source, "groq");
    assert_close(t.queue_ms, 61.348671);
    assert_close(t.prompt_eval_ms, 0.211569);
    assert_close(t.decode_ms, 798.181818);
    assert_close(t.total_ms, 798.393387);
    assert_eq!(
        (t.prompt_tokens, t.decode_tokens, t.load_ms),
        (Some(18), Some(439), None)
    );
}

#[tokio::test]
async fn llamacpp_usage_on_finish_chunk_and_timings() {
    let (mut items, _s) = run(Protocol::Openai, fixtures::llamacpp()).await;
    let t = take_timings(&mut items);
    assert_eq!(
        items,
        ok(vec![
            text("ok"),
            usage(1085, None, None, Some(247), None),
            finish(Some("stop"))
        ])
    );
    assert_eq!(t.source, "llama.cpp");
    assert_close(t.prompt_eval_ms, 203.378);
    assert_close(t.decode_ms, 933.63);
    assert_eq!((t.prompt_tokens, t.decode_tokens), (Some(1085), Some(247)));
    let tps = t.decode_tps().expect("decode rate");
    assert!((tps - 264.5587).abs() < 0.01, "{tps}");
}

#[tokio::test]
async fn deepseek_reasoning_content_and_cache_hits() {
    let (items, _s) = run(Protocol::Openai, fixtures::deepseek_reasoning()).await;
    assert_eq!(
        items,
        ok(vec![
            reasoning("Let me"),
            reasoning(" think"),
            text("4"),
            usage(20, Some(16), None, Some(30), Some(25)),
            finish(Some("stop")),
        ])
    );
}

#[tokio::test]
async fn openai_reasoning_field_as_vllm_and_openrouter_send_it() {
    let body = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"hm\"}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"length\"}]}\n\n",
        "data: [DONE]\n\n"
    );
    let (items, _s) = run(Protocol::Openai, Reply::sse(body)).await;
    assert_eq!(
        items,
        ok(vec![reasoning("hm"), text("ok"), finish(Some("length"))])
    );
}

#[tokio::test]
async fn openai_max_completion_tokens_only_for_api_openai_com() {
    let body = provider::openai::request_body(
        &chat("gpt-5-mini"),
        provider::openai::Host::of("https://api.openai.com/v1"),
    );
    assert_eq!(body["max_completion_tokens"], json!(100));
    assert!(body.get("max_tokens").is_none());
}

#[test]
fn temperature_is_sent_as_typed_not_as_a_widened_f32() {
    let mut req = chat("m");
    req.params.temperature = Some(0.3);
    let bodies =
        [
            provider::openai::request_body(
                &req,
                provider::openai::Host::of("http://127.0.0.1:1/v1"),
            )["temperature"]
                .clone(),
            provider::anthropic::request_body(&req)["temperature"].clone(),
            provider::gemini::request_body(&req)["generationConfig"]["temperature"].clone(),
            provider::ollama::request_body(&req)["options"]["temperature"].clone(),
            serde_json::to_value(&req.params).expect("params")["temperature"].clone(),
        ];
    for t in bodies {
        assert_eq!(t.to_string(), "0.3");
    }
}

#[tokio::test]
async fn openai_mid_stream_error_event() {
    let (items, _s) = run(Protocol::Openai, fixtures::openrouter_mid_stream_error()).await;
    assert_eq!(items[..3], ok(vec![text("Par")])[..]);
    assert_eq!(items.len(), 4);
    let e = last_err(&items);
    assert_eq!(e.kind, ErrorKind::Server);
    assert!(
        e.message.contains("Upstream provider went away"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn openai_mid_stream_rate_limit_error_code() {
    let body = "data: {\"error\":{\"code\":429,\"message\":\"Rate limit exceeded upstream\"}}\n\n";
    let (items, _s) = run(Protocol::Openai, Reply::sse(body)).await;
    assert_eq!(last_err(&items).kind, ErrorKind::RateLimited);
}

#[tokio::test]
async fn error_object_sent_with_200_and_json_content_type() {
    for p in PROTOCOLS {
        let body = error_body(p, 503, "model is loading");
        let (items, _s) = run(p, Reply::json(200, &body)).await;
        assert_eq!(items.len(), 1, "{p:?}: {items:?}");
        let e = last_err(&items);
        assert!(
            e.message.contains("model is loading"),
            "{p:?}: {}",
            e.message
        );
    }
    // A stream mislabelled as JSON still decodes.
    let (items, _s) = run(
        Protocol::Openai,
        Reply::chunks(200, "application/json", [fixtures::OPENAI_BASIC]),
    )
    .await;
    assert_eq!(text_of(&items), "Foo");
}

#[tokio::test]
async fn openai_list_models() {
    let server = FakeServer::start(vec![Reply::json(
        200,
        r#"{"object":"list","data":[{"id":"gpt-5-mini"},{"id":"o3"}]}"#,
    )])
    .await;
    let p = provider::build(
        endpoint(Protocol::Openai, &server.url_with("/v1"), Some(KEY)),
        reqwest::Client::new(),
    );
    assert_eq!(
        p.list_models().await,
        Ok(vec!["gpt-5-mini".to_string(), "o3".to_string()])
    );
    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/v1/models"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Anthropic

#[tokio::test]
async fn anthropic_request_and_verbatim_stream() {
    let (items, server) = run(Protocol::Anthropic, fixtures::anthropic_basic()).await;
    assert_eq!(
        items,
        ok(vec![
            usage(11, None, None, None, None),
            text("Hello"),
            usage(11, None, None, Some(6), None),
            finish(Some("end_turn")),
        ])
    );
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/messages")
    );
    assert_eq!(r.header("x-api-key"), Some(KEY));
    assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.json(),
        json!({
            "model": "m1",
            "max_tokens": 100,
            "system": "Be brief.",
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
                {"role": "user", "content": "Capital of France?"},
            ],
            "stream": true,
            "temperature": 0.5,
        })
    );
}

#[tokio::test]
async fn anthropic_max_tokens_defaults_to_4096() {
    let mut req = chat("claude-haiku-4-5");
    req.params = Params::default();
    let (_items, server) = run_with(
        Protocol::Anthropic,
        fixtures::anthropic_basic(),
        Some(KEY),
        req,
    )
    .await;
    assert_eq!(server.requests()[0].json()["max_tokens"], json!(4096));
}

#[tokio::test]
async fn anthropic_thinking_cache_fields_and_padded_json() {
    let (items, _s) = run(Protocol::Anthropic, fixtures::anthropic_thinking()).await;
    assert_eq!(
        items,
        ok(vec![
            usage(28, Some(0), Some(0), None, None),
            reasoning("Simple educ"),
            text("Yes."),
            usage(138, Some(100), Some(10), Some(50), Some(12)),
            finish(Some("end_turn")),
        ])
    );
}

#[tokio::test]
async fn anthropic_mid_stream_error_event() {
    let (items, _s) = run(Protocol::Anthropic, fixtures::anthropic_error()).await;
    assert_eq!(
        items[..4],
        ok(vec![usage(11, None, None, None, None), text("Hel")])[..]
    );
    let e = last_err(&items);
    assert_eq!(e.kind, ErrorKind::Overloaded);
    assert!(e.retryable);
    assert!(e.message.contains("Overloaded"), "{}", e.message);
}

#[tokio::test]
async fn anthropic_list_models() {
    let server = FakeServer::start(vec![Reply::json(
        200,
        r#"{"data":[{"id":"claude-haiku-4-5","type":"model"}],"has_more":false}"#,
    )])
    .await;
    let p = provider::build(
        endpoint(Protocol::Anthropic, &server.url(), Some(KEY)),
        reqwest::Client::new(),
    );
    assert_eq!(
        p.list_models().await,
        Ok(vec!["claude-haiku-4-5".to_string()])
    );
    let r = &server.requests()[0];
    assert!(r.path.starts_with("/v1/models"), "{}", r.path);
    assert_eq!(r.header("x-api-key"), Some(KEY));
}

// ---------------------------------------------------------------------------------------------
// Gemini

#[tokio::test]
async fn gemini_request_and_verbatim_stream() {
    let (items, server) = run_with(
        Protocol::Gemini,
        fixtures::gemini(),
        Some(KEY),
        chat("gemini-2.0-flash"),
    )
    .await;
    assert_eq!(
        items,
        ok(vec![
            text("Paris"),
            usage(11, None, None, None, None),
            text("\n"),
            usage(10, None, None, Some(2), None),
            finish(Some("STOP")),
        ])
    );
    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.path,
        "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(r.header("x-goog-api-key"), Some(KEY));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.json(),
        json!({
            "contents": [
                {"role": "user", "parts": [{"text": "Hi"}]},
                {"role": "model", "parts": [{"text": "Hello"}]},
                {"role": "user", "parts": [{"text": "Capital of France?"}]},
            ],
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "generationConfig": {"temperature": 0.5, "maxOutputTokens": 100, "seed": 7},
        })
    );
}

#[tokio::test]
async fn gemini_thought_parts_and_usage() {
    let (items, _s) = run(Protocol::Gemini, fixtures::gemini_thinking()).await;
    assert_eq!(
        items,
        ok(vec![
            reasoning("Thinking…"),
            usage(5, Some(2), None, Some(7), Some(7)),
            text("42"),
            usage(5, Some(2), None, Some(10), Some(7)),
            finish(Some("STOP")),
        ])
    );
}

#[tokio::test]
async fn gemini_end_without_finish_reason_is_an_error() {
    let first_chunk = fixtures::GEMINI
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
        + "\r\n\r\n";
    let (items, _s) = run(Protocol::Gemini, Reply::sse(&first_chunk)).await;
    assert_eq!(items[..3], ok(vec![text("Paris")])[..]);
    let e = last_err(&items);
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Connect, "connection closed mid-stream")
    );
}

#[tokio::test]
async fn gemini_list_models() {
    let server = FakeServer::start(vec![Reply::json(
        200,
        r#"{"models":[{"name":"models/gemini-2.5-flash"},{"name":"models/gemini-2.5-pro"}]}"#,
    )])
    .await;
    let p = provider::build(
        endpoint(Protocol::Gemini, &server.url(), Some(KEY)),
        reqwest::Client::new(),
    );
    assert_eq!(
        p.list_models().await,
        Ok(vec![
            "gemini-2.5-flash".to_string(),
            "gemini-2.5-pro".to_string()
        ])
    );
    assert!(server.requests()[0].path.starts_with("/v1beta/models"));
}

// ---------------------------------------------------------------------------------------------
// Ollama

#[tokio::test]
async fn ollama_request_and_verbatim_stream() {
    let (mut items, server) =
        run_with(Protocol::Ollama, fixtures::ollama(), None, chat("llama3.2")).await;
    let t = take_timings(&mut items);
    assert_eq!(
        items,
        ok(vec![
            text("The"),
            usage(26, None, None, Some(282), None),
            finish(None)
        ])
    );
    assert_eq!(t.source, "ollama");
    assert_close(t.load_ms, 1.334875);
    assert_close(t.prompt_eval_ms, 342.546);
    assert_close(t.decode_ms, 4535.599);
    assert_close(t.total_ms, 4883.583458);
    assert_eq!((t.prompt_tokens, t.decode_tokens), (Some(26), Some(282)));

    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/api/chat"));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.json(),
        json!({
            "model": "llama3.2",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
                {"role": "user", "content": "Capital of France?"},
            ],
            "stream": true,
            "options": {"temperature": 0.5, "num_predict": 100, "seed": 7},
        })
    );
}

#[tokio::test]
async fn ollama_thinking_and_done_reason() {
    let body = concat!(
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"hmm\"},\"done\":false}\n",
        "{\"message\":{\"role\":\"assistant\",\"content\":\"42\"},\"done\":false}\n",
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":2}\n",
    );
    let (mut items, _s) = run(Protocol::Ollama, Reply::ndjson(body)).await;
    take_timings(&mut items);
    assert_eq!(
        items,
        ok(vec![
            reasoning("hmm"),
            text("42"),
            usage(3, None, None, Some(2), None),
            finish(Some("stop"))
        ])
    );
}

#[tokio::test]
async fn ollama_error_line() {
    let (items, _s) = run(
        Protocol::Ollama,
        Reply::ndjson("{\"error\":\"model runner has unexpectedly stopped\"}\n"),
    )
    .await;
    let e = last_err(&items);
    assert_eq!(e.kind, ErrorKind::Server);
    assert!(
        e.message.contains("model runner has unexpectedly stopped"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn ollama_list_models() {
    let server = FakeServer::start(vec![Reply::json(
        200,
        r#"{"models":[{"name":"qwen3:8b","size":1},{"name":"llama3.2:latest"}]}"#,
    )])
    .await;
    let p = provider::build(
        endpoint(Protocol::Ollama, &server.url(), None),
        reqwest::Client::new(),
    );
    assert_eq!(
        p.list_models().await,
        Ok(vec!["qwen3:8b".to_string(), "llama3.2:latest".to_string()])
    );
    assert_eq!(server.requests()[0].path, "/api/tags");
}

// ---------------------------------------------------------------------------------------------
// Errors, for every protocol

const PROTOCOLS: [Protocol; 4] = [
    Protocol::Openai,
    Protocol::Anthropic,
    Protocol::Gemini,
    Protocol::Ollama,
];

fn fixture(p: Protocol) -> Reply {
    match p {
        Protocol::Openai => fixtures::openai_basic(),
        Protocol::Anthropic => fixtures::anthropic_basic(),
        Protocol::Gemini => fixtures::gemini(),
        _ => fixtures::ollama(),
    }
}

fn error_body(p: Protocol, status: u16, message: &str) -> String {
    match p {
        Protocol::Anthropic => json!({"type": "error", "error": {"type": "api_error", "message": message}}),
        Protocol::Gemini => json!({"error": {"code": status, "message": message, "status": "UNAVAILABLE"}}),
        Protocol::Ollama => json!({"error": message}),
        _ => json!({"error": {"message": message, "type": "server_error", "param": null, "code": null}}),
    }
    .to_string()
}

async fn http_error(p: Protocol, reply: Reply) -> ProviderError {
    let (items, _s) = run(p, reply).await;
    assert_eq!(items.len(), 1, "{p:?}: {items:?}");
    last_err(&items).clone()
}

#[tokio::test]
async fn http_errors_are_classified_for_every_protocol() {
    for p in PROTOCOLS {
        let cases = [
            (401, ErrorKind::Auth, false),
            (403, ErrorKind::Auth, false),
            (404, ErrorKind::NotFound, false),
            (500, ErrorKind::Server, true),
            (503, ErrorKind::Server, true),
            (529, ErrorKind::Overloaded, true),
        ];
        for (status, kind, retryable) in cases {
            let e = http_error(
                p,
                Reply::error(status, &error_body(p, status, "it went wrong")),
            )
            .await;
            assert_eq!(
                (e.kind, e.status, e.retryable),
                (kind, Some(status), retryable),
                "{p:?} {status}"
            );
            assert!(
                e.message.starts_with(&format!("HTTP {status}")),
                "{p:?}: {}",
                e.message
            );
            assert!(e.message.contains("it went wrong"), "{p:?}: {}", e.message);
            assert!(!e.message.contains('\n'));
        }
    }
}

#[tokio::test]
async fn unknown_model_404_names_the_problem() {
    let body = r#"{"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#;
    let e = http_error(Protocol::Openai, Reply::error(404, body)).await;
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(
        e.message,
        "HTTP 404 Not Found: The model `gpt-9` does not exist or you do not have access to it. (invalid_request_error)"
    );
}

#[tokio::test]
async fn rate_limit_429_with_retry_after_for_every_protocol() {
    for p in PROTOCOLS {
        let reply = Reply::error(429, &error_body(p, 429, "slow down")).header("retry-after", "3");
        let e = http_error(p, reply).await;
        assert_eq!(
            (e.kind, e.retryable, e.retry_after),
            (ErrorKind::RateLimited, true, Some(Duration::from_secs(3))),
            "{p:?}"
        );
    }
    let reply = Reply::error(429, "{}")
        .header("retry-after-ms", "1500")
        .header("retry-after", "9");
    let e = http_error(Protocol::Anthropic, reply).await;
    assert_eq!(e.retry_after, Some(Duration::from_millis(1500)));
}

#[tokio::test]
async fn quota_and_credit_errors_are_not_retryable() {
    let body = r#"{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#;
    let e = http_error(Protocol::Openai, Reply::error(429, body)).await;
    assert_eq!((e.kind, e.retryable), (ErrorKind::RateLimited, false));
    let body = r#"{"error":{"code":402,"message":"Insufficient credits","metadata":{}}}"#;
    let e = http_error(Protocol::Openai, Reply::error(402, body)).await;
    assert_eq!((e.kind, e.retryable), (ErrorKind::RateLimited, false));
    let e = http_error(
        Protocol::Openai,
        Reply::error(500, "{}").header("x-should-retry", "false"),
    )
    .await;
    assert!(!e.retryable);
}

#[tokio::test]
async fn refused_connection_for_every_protocol() {
    let url = refused_url();
    for p in PROTOCOLS {
        let prov = provider::build(
            endpoint(p, &base(p, &url), Some(KEY)),
            reqwest::Client::new(),
        );
        let items = collect(prov.stream(chat("m1"))).await;
        assert_eq!(items.len(), 1, "{p:?}: {items:?}");
        let e = last_err(&items);
        assert_eq!(
            (e.kind, e.status, e.retryable),
            (ErrorKind::Connect, None, true),
            "{p:?}"
        );
        assert!(!e.message.contains(KEY));
        let list = prov.list_models().await;
        assert_eq!(list.map_err(|e| e.kind), Err(ErrorKind::Connect));
    }
}

#[tokio::test]
async fn server_hanging_up_before_answering_is_a_connect_error() {
    let e = http_error(Protocol::Openai, Reply::hang_up()).await;
    assert_eq!(e.kind, ErrorKind::Connect);
}

#[tokio::test]
async fn mid_stream_disconnect_keeps_partial_text_then_errs() {
    for p in PROTOCOLS {
        // OpenAI: role chunk + "Foo"; Anthropic: up to "Hello"; Gemini: "Paris"; Ollama: "The".
        let keep = match p {
            Protocol::Openai => 2,
            Protocol::Anthropic => 4,
            _ => 1,
        };
        let (items, _s) = run(p, fixture(p).truncate_after(keep)).await;
        let e = last_err(&items);
        assert_eq!(e.kind, ErrorKind::Connect, "{p:?}: {items:?}");
        assert!(
            e.message.starts_with("connection closed mid-stream"),
            "{p:?}: {}",
            e.message
        );
        assert!(
            !text_of(&items).is_empty(),
            "{p:?}: partial text kept: {items:?}"
        );
        assert!(
            !items
                .iter()
                .any(|i| matches!(i, Ok(StreamEvent::Finish { .. })))
        );
    }
}

#[tokio::test]
async fn body_ending_cleanly_before_end_marker_is_an_error() {
    let cut = |s: &str, n: usize| s.split_inclusive("\n\n").take(n).collect::<String>();
    let cases = [
        (Protocol::Openai, cut(fixtures::OPENAI_BASIC, 2)),
        (Protocol::Anthropic, cut(fixtures::ANTHROPIC_BASIC, 4)),
    ];
    for (p, body) in cases {
        let (items, _s) = run(p, Reply::sse(&body)).await;
        let e = last_err(&items);
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Connect, "connection closed mid-stream"),
            "{p:?}"
        );
    }
    let first = fixtures::OLLAMA
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
        + "\n";
    let (items, _s) = run(Protocol::Ollama, Reply::ndjson(&first)).await;
    assert_eq!(last_err(&items).message, "connection closed mid-stream");
}

#[tokio::test]
async fn garbage_json_is_a_protocol_error_naming_the_problem() {
    for p in PROTOCOLS {
        let reply = match p {
            Protocol::Ollama => {
                Reply::ndjson("{\"message\":{\"content\":\"ok\"}}\n{this is not json\n")
            }
            _ => Reply::sse("data: {this is not json\n\n"),
        };
        let (items, _s) = run(p, reply).await;
        let e = last_err(&items);
        assert_eq!(e.kind, ErrorKind::Protocol, "{p:?}");
        assert!(e.message.contains("invalid JSON"), "{p:?}: {}", e.message);
        assert!(
            e.message.contains("this is not json"),
            "{p:?}: {}",
            e.message
        );
        assert!(!e.retryable);
    }
}

#[tokio::test]
async fn comments_and_empty_chunks_never_make_text() {
    let replies = [
        (Protocol::Openai, fixtures::openai_basic()),
        (Protocol::Openai, fixtures::openrouter_cost()),
        (Protocol::Openai, fixtures::deepseek_reasoning()),
        (Protocol::Openai, fixtures::groq()),
        (Protocol::Anthropic, fixtures::anthropic_basic()),
        (Protocol::Anthropic, fixtures::anthropic_thinking()),
        (Protocol::Gemini, fixtures::gemini()),
        (Protocol::Ollama, fixtures::ollama()),
        // A stream that opens with comments, a blank chunk and a role-only chunk.
        (
            Protocol::Openai,
            Reply::sse_chunks([
                ": OPENROUTER PROCESSING\n\n",
                "\n",
                ": keep-alive\n\n",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"}}]}\n\n",
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n",
                "data: [DONE]\n\n",
            ]),
        ),
    ];
    for (p, reply) in replies {
        let (items, _s) = run(p, reply).await;
        assert!(items.iter().all(|i| i.is_ok()), "{items:?}");
        for i in &items {
            if let Ok(StreamEvent::Text(t) | StreamEvent::Reasoning(t)) = i {
                assert!(!t.is_empty(), "{p:?}: empty delta in {items:?}");
            }
        }
    }
}

#[tokio::test]
async fn the_key_never_appears_in_errors_even_when_echoed() {
    for p in PROTOCOLS {
        let body = error_body(
            p,
            401,
            &format!("Incorrect API key provided: {KEY}. Header was 'Bearer {KEY}'"),
        );
        let e = http_error(p, Reply::error(401, &body)).await;
        assert!(!e.message.contains(KEY), "{p:?}: {}", e.message);
        assert!(!format!("{e:?}").contains(KEY));
        assert!(e.message.contains("***"), "{p:?}: {}", e.message);

        // Echoed inside a 2xx stream, too.
        let reply = match p {
            Protocol::Ollama => Reply::ndjson(&format!("{{\"error\":\"bad key {KEY}\"}}\n")),
            Protocol::Anthropic => Reply::sse(&format!(
                "event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"authentication_error\",\"message\":\"bad key {KEY}\"}}}}\n\n"
            )),
            _ => Reply::sse(&format!(
                "data: {{\"error\":{{\"message\":\"bad key {KEY}\",\"type\":\"auth\"}}}}\n\n"
            )),
        };
        let (items, _s) = run(p, reply).await;
        let e = last_err(&items);
        assert!(!e.message.contains(KEY), "{p:?}: {}", e.message);

        // And in garbage JSON quoted back.
        let reply = match p {
            Protocol::Ollama => Reply::ndjson(&format!("{KEY} not json\n")),
            _ => Reply::sse(&format!("data: {KEY} not json\n\n")),
        };
        let (items, _s) = run(p, reply).await;
        assert!(!last_err(&items).message.contains(KEY), "{p:?}");
    }
}

#[tokio::test]
async fn scripted_retry_first_429_then_ok() {
    let server = FakeServer::start(vec![
        Reply::error(
            429,
            r#"{"error":{"message":"Rate limit reached","type":"requests"}}"#,
        )
        .header("retry-after", "1"),
        fixtures::openai_basic(),
    ])
    .await;
    let p = provider::build(
        endpoint(Protocol::Openai, &server.url_with("/v1"), Some(KEY)),
        reqwest::Client::new(),
    );
    let first = collect(p.stream(chat("m"))).await;
    assert_eq!(last_err(&first).retry_after, Some(Duration::from_secs(1)));
    let second = collect(p.stream(chat("m"))).await;
    assert_eq!(text_of(&second), "Foo");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn events_arrive_as_the_server_sends_them() {
    // The second chunk comes much later: the first text must be out before it.
    let reply = fixtures::openai_basic()
        .delay_each(Duration::from_millis(5))
        .delay_chunk(2, Duration::from_secs(60));
    let server = FakeServer::start(vec![reply]).await;
    let p = provider::build(
        endpoint(Protocol::Openai, &server.url_with("/v1"), None),
        reqwest::Client::new(),
    );
    let mut stream = p.stream(chat("m"));
    let mut got = Vec::new();
    use futures::StreamExt;
    let seen_foo = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(i) = stream.next().await {
            let is_foo = matches!(&i, Ok(StreamEvent::Text(t)) if t == "Foo");
            got.push(i);
            if is_foo {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(seen_foo, Ok(true), "{got:?}");
    // Dropping the stream mid-way closes it without hanging.
    drop(stream);
}

#[tokio::test]
async fn a_stalled_stream_can_be_dropped() {
    let server = FakeServer::start(vec![fixtures::anthropic_basic().stall_after(1)]).await;
    let p = provider::build(
        endpoint(Protocol::Anthropic, &server.url(), None),
        reqwest::Client::new(),
    );
    let mut stream = p.stream(chat("m"));
    use futures::StreamExt;
    let mut firsts = Vec::new();
    for _ in 0..3 {
        firsts.push(stream.next().await);
    }
    assert_eq!(
        firsts,
        vec![
            Some(Ok(StreamEvent::Connected)),
            Some(Ok(StreamEvent::FirstByte)),
            Some(Ok(usage(11, None, None, None, None)))
        ]
    );
    let next = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(next.is_err(), "a stalled server sends nothing more");
    drop(stream);
}
