//! Wire streams from PROTOCOLS.md, as the servers send them. Lines marked "verbatim" are copied
//! unchanged from PROTOCOLS.md (which copied them from SDK fixtures), except that the trimmed
//! OpenAI logprobs (`…` there) are `null` here so the JSON is valid. Lines marked "shape" are
//! assembled from the documented fields.
//!
//! Each constant is the whole body; the `Reply` builders send it one event per chunk.

use super::Reply;

/// OpenAI gpt-4o stream: role chunk with empty content, "Foo", finish chunk, usage on an
/// empty-choices chunk, `[DONE]` (verbatim). Text "Foo"; usage 9 in / 2 out / 0 reasoning.
pub const OPENAI_BASIC: &str = concat!(
    r#"data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}"#,
    "\n\n",
    r#"data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"Foo"},"logprobs":null,"finish_reason":null}]}"#,
    "\n\n",
    r#"data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"#,
    "\n\n",
    r#"data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"completion_tokens_details":{"reasoning_tokens":0}}}"#,
    "\n\n",
    "data: [DONE]\n\n",
);

/// OpenRouter: keep-alive comment and first chunk (verbatim), then a finish chunk and the
/// documented final usage chunk with `cost` (shape), `[DONE]`. Text "The answer";
/// usage 194 in (0 cached, 100 cache write) / 2 out; cost 0.95.
pub const OPENROUTER_COST: &str = concat!(
    ": OPENROUTER PROCESSING\n\n",
    r#"data: {"id":"gen-Hh4bFjJS0U0YgPav7S9tMpfXrNHA","model":"mistralai/mistral-7b-instruct:free","object":"chat.completion.chunk","created":1713306744,"choices":[{"index":0,"delta":{"role":"assistant","content":"The"},"finish_reason":null}]}"#,
    "\n\n",
    ": OPENROUTER PROCESSING\n\n",
    r#"data: {"id":"gen-Hh4bFjJS0U0YgPav7S9tMpfXrNHA","model":"mistralai/mistral-7b-instruct:free","object":"chat.completion.chunk","created":1713306744,"choices":[{"index":0,"delta":{"content":" answer"},"finish_reason":"stop"}]}"#,
    "\n\n",
    r#"data: {"object":"chat.completion.chunk","usage":{"completion_tokens":2,"completion_tokens_details":{"reasoning_tokens":0},"cost":0.95,"cost_details":{"upstream_inference_cost":19},"prompt_tokens":194,"prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":100,"audio_tokens":0},"total_tokens":196}}"#,
    "\n\n",
    "data: [DONE]\n\n",
);

/// Groq: a text chunk (shape), the final chunk with `x_groq.usage` (verbatim), `[DONE]`.
/// Text "Hi"; usage 18 in / 439 out; timings queue 61.348671 ms, prompt 0.211569 ms,
/// decode 798.181818 ms, total 798.393387 ms.
pub const GROQ: &str = concat!(
    r#"data: {"id":"chatcmpl-e7f8e220-656c-4455-a132-dacfc1370798","object":"chat.completion.chunk","created":1729171479,"model":"gemma2-9b-it","system_fingerprint":"fp_10c08bf97d","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01jadadp0femyae9kav1gpkhe8"}}"#,
    "\n\n",
    r#"data: {"id":"chatcmpl-e7f8e220-656c-4455-a132-dacfc1370798","object":"chat.completion.chunk","created":1729171479,"model":"gemma2-9b-it","system_fingerprint":"fp_10c08bf97d","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"x_groq":{"id":"req_01jadadp0femyae9kav1gpkhe8","usage":{"queue_time":0.061348671,"prompt_tokens":18,"prompt_time":0.000211569,"completion_tokens":439,"completion_time":0.798181818,"total_tokens":457,"total_time":0.798393387}}}"#,
    "\n\n",
    "data: [DONE]\n\n",
);

/// llama.cpp llama-server: a text chunk (shape), the final chunk with usage and `timings`
/// (verbatim log line, sent as an SSE data line), `[DONE]`. Text "ok"; usage 1085 in /
/// 247 out; timings prompt 203.378 ms (1085 tokens), decode 933.63 ms (247 tokens).
pub const LLAMACPP: &str = concat!(
    r#"data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"ok"}}],"created":1754524122,"id":"chatcmpl-yPk7z9nC22CofOlh100qQdHVEDMNYCb1","model":"gpt-oss:20b","system_fingerprint":"b6097-9515c613","object":"chat.completion.chunk"}"#,
    "\n\n",
    r#"data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1754524122,"id":"chatcmpl-yPk7z9nC22CofOlh100qQdHVEDMNYCb1","model":"gpt-oss:20b","system_fingerprint":"b6097-9515c613","object":"chat.completion.chunk","usage":{"completion_tokens":247,"prompt_tokens":1085,"total_tokens":1332},"timings":{"prompt_n":1085,"prompt_ms":203.378,"prompt_per_token_ms":0.18744516129032257,"prompt_per_second":5334.893646313762,"predicted_n":247,"predicted_ms":933.63,"predicted_per_token_ms":3.7798785425101213,"predicted_per_second":264.5587652496171}}"#,
    "\n\n",
    "data: [DONE]\n\n",
);

/// DeepSeek reasoner: keep-alive comment, reasoning_content deltas (shape as quoted), an
/// answer chunk, usage with `prompt_cache_hit_tokens` (shape), `[DONE]`. Reasoning
/// "Let me think", text "4"; usage 20 in (16 cached) / 30 out (25 reasoning).
pub const DEEPSEEK_REASONING: &str = concat!(
    ": keep-alive\n\n",
    r#"data: {"id":"ds-1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"finish_reason":null}]}"#,
    "\n\n",
    r#"data: {"id":"ds-1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"reasoning_content":"Let me"},"finish_reason":null}]}"#,
    "\n\n",
    r#"data: {"id":"ds-1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"reasoning_content":" think"},"finish_reason":null}]}"#,
    "\n\n",
    ": keep-alive\n\n",
    r#"data: {"id":"ds-1","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"4","reasoning_content":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":30,"total_tokens":50,"prompt_cache_hit_tokens":16,"prompt_cache_miss_tokens":4,"completion_tokens_details":{"reasoning_tokens":25}}}"#,
    "\n\n",
    "data: [DONE]\n\n",
);

/// A mid-stream error on an OpenAI-compatible stream (OpenRouter shape: HTTP 200, then an
/// error object with a numeric code). Text "Par" before it.
pub const OPENROUTER_MID_STREAM_ERROR: &str = concat!(
    r#"data: {"id":"gen-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Par"},"finish_reason":null}]}"#,
    "\n\n",
    r#"data: {"id":"gen-1","object":"chat.completion.chunk","error":{"code":502,"message":"Upstream provider went away","metadata":{"provider_name":"X"}},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#,
    "\n\n",
);

/// Anthropic basic stream (verbatim): text "Hello"; usage 11 in / 6 out; stop "end_turn".
pub const ANTHROPIC_BASIC: &str = concat!(
    "event: message_start\n",
    r#"data: {"type":"message_start","message":{"id":"msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK","type":"message","role":"assistant","content":[],"model":"claude-3-opus-latest","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}"#,
    "\n\n",
    "event: content_block_start\n",
    r#"data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
    "\n\n",
    "event: ping\n",
    r#"data: {"type": "ping"}"#,
    "\n\n",
    "event: content_block_delta\n",
    r#"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"#,
    "\n\n",
    "event: message_delta\n",
    r#"data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}"#,
    "\n\n",
    "event: message_stop\n",
    r#"data: {"type":"message_stop"}"#,
    "\n\n",
);

/// Anthropic with thinking and cache fields: the three verbatim lines (data only, trailing
/// space padding kept), then a text block, `message_delta` with cache fields and thinking
/// tokens, `message_stop` (shape). Reasoning "Simple educ"; text "Yes."; usage: input
/// 28 + 10 + 100 = 138 (100 cached, 10 cache write), output 50 (12 reasoning).
pub const ANTHROPIC_THINKING: &str = concat!(
    r#"data: {"type":"message_start","message":{"model":"claude-fable-5","id":"msg_fixture_a_0001","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"stop_details":null,"usage":{"input_tokens":28,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":5,"service_tier":"standard","inference_geo":"global"}}               }"#,
    "\n\n",
    r#"data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}  }"#,
    "\n\n",
    r#"data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Simple educ"}             }"#,
    "\n\n",
    r#"data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c2ln"}}"#,
    "\n\n",
    r#"data: {"type":"content_block_stop","index":0}"#,
    "\n\n",
    r#"data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"#,
    "\n\n",
    r#"data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Yes."}}"#,
    "\n\n",
    r#"data: {"type":"content_block_stop","index":1}"#,
    "\n\n",
    r#"data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":28,"cache_creation_input_tokens":10,"cache_read_input_tokens":100,"output_tokens":50,"output_tokens_details":{"thinking_tokens":12}}}"#,
    "\n\n",
    r#"data: {"type":"message_stop"}"#,
    "\n\n",
);

/// Anthropic mid-stream `error` event (verbatim) after some text "Hel".
pub const ANTHROPIC_ERROR: &str = concat!(
    "event: message_start\n",
    r#"data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}"#,
    "\n\n",
    "event: content_block_delta\n",
    r#"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"#,
    "\n\n",
    "event: error\n",
    r#"data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#,
    "\n\n",
);

/// Gemini (verbatim HTTP trace): text "Paris" then "\n"; usage of the last chunk: 10 in / 2 out;
/// finish "STOP".
pub const GEMINI: &str = concat!(
    r#"data: {"candidates": [{"content": {"parts": [{"text": "Paris"}],"role": "model"}}],"usageMetadata": {"promptTokenCount": 11,"totalTokenCount": 11,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 11}]},"modelVersion": "gemini-2.0-flash","responseId": "wzCjaPa4As7shMIP2Mei0AI"}"#,
    "\r\n\r\n",
    r#"data: {"candidates": [{"content": {"parts": [{"text": "\n"}],"role": "model"},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 10,"candidatesTokenCount": 2,"totalTokenCount": 12,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 10}],"candidatesTokensDetails": [{"modality": "TEXT","tokenCount": 2}]},"modelVersion": "gemini-2.0-flash","responseId": "wzCjaPa4As7shMIP2Mei0AI"}"#,
    "\r\n\r\n",
);

/// Gemini with a thought part (shape): reasoning "Thinking…", text "42"; usage 5 in
/// (2 cached) / 3 + 7 = 10 out (7 reasoning).
pub const GEMINI_THINKING: &str = concat!(
    r#"data: {"candidates": [{"content": {"parts": [{"text": "Thinking…","thought": true}],"role": "model"}}],"usageMetadata": {"promptTokenCount": 5,"cachedContentTokenCount": 2,"thoughtsTokenCount": 7,"totalTokenCount": 12}}"#,
    "\r\n\r\n",
    r#"data: {"candidates": [{"content": {"parts": [{"text": "42"}],"role": "model"},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 5,"cachedContentTokenCount": 2,"candidatesTokenCount": 3,"thoughtsTokenCount": 7,"totalTokenCount": 15}}"#,
    "\r\n\r\n",
);

/// Ollama native `/api/chat` (verbatim lines): text "The"; usage 26 in / 282 out; timings
/// load 1.334875 ms, prompt 342.546 ms, decode 4535.599 ms, total 4883.583458 ms.
pub const OLLAMA: &str = concat!(
    r#"{"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The","images":null},"done":false}"#,
    "\n",
    r#"{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000}"#,
    "\n",
);

pub fn openai_basic() -> Reply {
    Reply::sse(OPENAI_BASIC)
}
pub fn openrouter_cost() -> Reply {
    Reply::sse(OPENROUTER_COST)
}
pub fn groq() -> Reply {
    Reply::sse(GROQ)
}
pub fn llamacpp() -> Reply {
    Reply::sse(LLAMACPP)
}
pub fn deepseek_reasoning() -> Reply {
    Reply::sse(DEEPSEEK_REASONING)
}
pub fn openrouter_mid_stream_error() -> Reply {
    Reply::sse(OPENROUTER_MID_STREAM_ERROR)
}
pub fn anthropic_basic() -> Reply {
    Reply::sse(ANTHROPIC_BASIC)
}
pub fn anthropic_thinking() -> Reply {
    Reply::sse(ANTHROPIC_THINKING)
}
pub fn anthropic_error() -> Reply {
    Reply::sse(ANTHROPIC_ERROR)
}
pub fn gemini() -> Reply {
    Reply::sse(GEMINI)
}
pub fn gemini_thinking() -> Reply {
    Reply::sse(GEMINI_THINKING)
}
pub fn ollama() -> Reply {
    Reply::ndjson(OLLAMA)
}

/// A long OpenAI-style stream of `n` one-word chunks ("w0 w1 ..."), with usage and `[DONE]`:
/// for engine, TUI and benchmark tests that need volume.
pub fn openai_words(n: usize) -> String {
    let mut s = String::from(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"w{i} \"}},\"finish_reason\":null}}]}}\n\n"
        ));
    }
    s.push_str("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    s.push_str(&format!(
        "data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":5,\"completion_tokens\":{n},\"total_tokens\":{}}}}}\n\ndata: [DONE]\n\n",
        n + 5
    ));
    s
}
