//! Stream ingest: SSE framing + JSON decode of realistic provider streams, fed in uneven chunk
//! sizes as a network delivers them, with and without the metrics recorder. Reported as bytes
//! per second of response body.
//!
//! `cargo bench --bench ingest`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use juxta::provider::http::{BodyDecoder, Item};
use juxta::provider::sse::SseDecoder;
use juxta::provider::{anthropic, openai};

/// An OpenAI stream as gpt-4o sends it (full chunk envelope, one token per chunk).
fn openai_stream(tokens: usize) -> Vec<u8> {
    let head = r#"data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":""#;
    let tail = r#""},"logprobs":null,"finish_reason":null}],"obfuscation":"k2J9"}"#;
    let words = [
        "The",
        " quick",
        " brown",
        " fox",
        " jumps",
        " over",
        " the",
        " lazy",
        " dog",
        ".",
        "\\n",
        " 日本",
        " naïve",
        " \\\"q\\\"",
    ];
    let mut s = String::new();
    for i in 0..tokens {
        s.push_str(head);
        s.push_str(words[i % words.len()]);
        s.push_str(tail);
        s.push_str("\n\n");
    }
    s.push_str(r#"data: {"id":"chatcmpl-x","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"completion_tokens_details":{"reasoning_tokens":0}}}"#);
    s.push_str("\n\ndata: [DONE]\n\n");
    s.into_bytes()
}

/// An Anthropic stream: named events, one text_delta per token, pings now and then.
fn anthropic_stream(tokens: usize) -> Vec<u8> {
    let mut s = String::from(concat!(
        "event: message_start\n",
        r#"data: {"type":"message_start","message":{"id":"msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK","type":"message","role":"assistant","content":[],"model":"claude-3-opus-latest","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}"#,
        "\n\n",
    ));
    let words = [
        "Hello", " world", ",", " this", " is", " a", " test", " 世界", "\\n",
    ];
    for i in 0..tokens {
        if i % 50 == 0 {
            s.push_str("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        }
        s.push_str("event: content_block_delta\n");
        s.push_str(r#"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""#);
        s.push_str(words[i % words.len()]);
        s.push_str("\"}}\n\n");
    }
    s.push_str(concat!(
        "event: message_delta\n",
        r#"data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}"#,
        "\n\nevent: message_stop\n",
        r#"data: {"type":"message_stop"}"#,
        "\n\n"
    ));
    s.into_bytes()
}

/// Uneven chunk boundaries (1 to ~1.5 kB), deterministic.
fn chunked(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut state: u32 = 0x9E37_79B9;
    let mut i = 0;
    while i < bytes.len() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = match state % 4 {
            0 => 1 + (state as usize >> 8) % 16,
            1 => 64 + (state as usize >> 8) % 256,
            _ => 512 + (state as usize >> 8) % 1024,
        };
        let end = (i + n).min(bytes.len());
        out.push(&bytes[i..end]);
        i = end;
    }
    out
}

fn run<D: BodyDecoder>(mut dec: D, chunks: &[&[u8]], out: &mut Vec<Item>) -> usize {
    let mut events = 0;
    for c in chunks {
        dec.push(c, out);
        events += out.len();
        out.clear();
    }
    dec.finish(out);
    events + out.len()
}

/// Like [`run`], and every event also goes through the metrics recorder, stamped with the
/// clock as the engine does: framing + decode + metrics, DESIGN §9's ingest budget.
fn run_with_metrics<D: BodyDecoder>(mut dec: D, chunks: &[&[u8]], out: &mut Vec<Item>) -> usize {
    let mut rec = juxta::metrics::Recorder::new(std::time::Instant::now());
    let mut events = 0;
    for c in chunks {
        dec.push(c, out);
        let at = std::time::Instant::now();
        for ev in out.iter().flatten() {
            rec.on_event(at, ev);
        }
        events += out.len();
        out.clear();
    }
    dec.finish(out);
    events + out.len() + rec.chunks as usize
}

/// The streams decode without error to at least `min_events` events, ending in Finish.
fn check<D: BodyDecoder>(mut dec: D, chunks: &[&[u8]], min_events: usize) {
    let mut all = Vec::new();
    for c in chunks {
        dec.push(c, &mut all);
    }
    dec.finish(&mut all);
    assert!(all.len() >= min_events, "{} events", all.len());
    assert!(
        all.iter().all(|i| i.is_ok()),
        "decode error in the bench stream"
    );
    assert!(matches!(
        all.last(),
        Some(Ok(juxta::provider::StreamEvent::Finish { .. }))
    ));
}

fn ingest(c: &mut Criterion) {
    let oa = openai_stream(10_000);
    let an = anthropic_stream(10_000);
    let oa_chunks = chunked(&oa);
    let an_chunks = chunked(&an);
    let mut out = Vec::with_capacity(64);
    check(
        openai::Decoder::new(openai::Host::default()),
        &oa_chunks,
        10_000,
    );
    check(anthropic::Decoder::new(), &an_chunks, 10_000);

    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Bytes(oa.len() as u64));
    g.bench_function("openai_sse_json", |b| {
        b.iter(|| {
            black_box(run(
                openai::Decoder::new(openai::Host::default()),
                &oa_chunks,
                &mut out,
            ))
        })
    });
    g.bench_function("openai_sse_json_metrics", |b| {
        b.iter(|| {
            black_box(run_with_metrics(
                openai::Decoder::new(openai::Host::default()),
                &oa_chunks,
                &mut out,
            ))
        })
    });
    g.bench_function("sse_framing_only_openai", |b| {
        b.iter(|| {
            let mut d = SseDecoder::new();
            let mut ev = Vec::new();
            let mut n = 0;
            for ch in &oa_chunks {
                d.push(ch, &mut ev);
                n += ev.len();
                ev.clear();
            }
            d.finish(&mut ev);
            black_box(n + ev.len())
        })
    });
    g.throughput(Throughput::Bytes(an.len() as u64));
    g.bench_function("anthropic_sse_json", |b| {
        b.iter(|| black_box(run(anthropic::Decoder::new(), &an_chunks, &mut out)))
    });
    g.bench_function("anthropic_sse_json_metrics", |b| {
        b.iter(|| {
            black_box(run_with_metrics(
                anthropic::Decoder::new(),
                &an_chunks,
                &mut out,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
