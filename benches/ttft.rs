//! Client overhead on TTFT (DESIGN §9): the TTFT the engine measures against a local fake
//! server, next to a bare reqwest client timing the same request to its first body chunk.
//! Budget: the engine within 1 ms (p50) of the bare client.
//!
//! Both sides pay the same costs (a new connection per request: the fake server closes each
//! one), so the difference is juxta's own: building the request, SSE framing and JSON decoding
//! of the first event, and the engine's task and channel hops.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use juxta::catalog::Config;
use juxta::engine::{Engine, EventKind, Job, JobTag};
use juxta::provider::{ChatRequest, Message, Params};
use support::{FakeServer, Reply};

const BODY: &str = concat!(
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n",
    "data: [DONE]\n\n",
);

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt.block_on(FakeServer::start(vec![Reply::sse(BODY)]));
    let base = server.url_with("/v1");
    let config = format!("[providers.fake]\nprotocol = \"openai\"\nbase_url = \"{base}\"\n");
    let config = Config::from_toml_str(&config, "bench.toml").expect("config");
    let engine = Engine::new(Arc::new(config));
    let model = engine.resolve("fake:m").expect("resolve");
    let request = ChatRequest {
        model: "m".into(),
        system: None,
        messages: vec![Message::user("Say hi")],
        params: Params::default(),
    };
    let raw = reqwest::Client::new();
    let url = format!("{base}/chat/completions");
    let body = serde_json::json!({"model": "m", "stream": true, "messages": [{"role": "user", "content": "Say hi"}]});

    let mut g = c.benchmark_group("ttft");
    g.sample_size(100).measurement_time(Duration::from_secs(8));
    g.bench_function("bare_reqwest_first_chunk", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t0 = Instant::now();
                    let mut resp = raw.post(&url).json(&body).send().await.expect("send");
                    let first = resp.chunk().await.expect("chunk");
                    total += t0.elapsed();
                    assert!(first.is_some());
                    while let Ok(Some(_)) = resp.chunk().await {}
                }
                total
            })
        })
    });
    g.bench_function("engine_measured_ttft", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for i in 0..iters {
                    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
                    let job = Job {
                        tag: JobTag { run: i, pane: 0 },
                        model: model.clone(),
                        request: request.clone(),
                        repeat: 0,
                    };
                    let _h = engine.start(job, tx);
                    while let Some(ev) = rx.recv().await {
                        if let EventKind::Done(r) = ev.kind {
                            let ms = r.metrics.ttft_ms.expect("ttft");
                            total += Duration::from_secs_f64(ms / 1000.0);
                            break;
                        }
                    }
                }
                total
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
