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
    let raw = reqwest::Client::builder()
        .tcp_nodelay(true)
        .build()
        .expect("client");
    let url = format!("{base}/chat/completions");
    let body = serde_json::json!({"model": "m", "stream": true, "messages": [{"role": "user", "content": "Say hi"}]});

    let bare_once = || async {
        let t0 = Instant::now();
        let mut resp = raw.post(&url).json(&body).send().await.expect("send");
        let first = resp.chunk().await.expect("chunk");
        let took = t0.elapsed();
        assert!(first.is_some());
        while let Ok(Some(_)) = resp.chunk().await {}
        took
    };
    let engine_once = |i: u64| {
        let job = Job {
            tag: JobTag { run: i, pane: 0 },
            model: model.clone(),
            request: request.clone(),
            repeat: 0,
        };
        let engine = &engine;
        async move {
            let (tx, mut rx) = tokio::sync::mpsc::channel(64);
            let _h = engine.start(job, tx);
            while let Some(ev) = rx.recv().await {
                if let EventKind::Done(r) = ev.kind {
                    let ms = r.metrics.ttft_ms.expect("ttft");
                    return Duration::from_secs_f64(ms / 1000.0);
                }
            }
            panic!("no Done")
        }
    };

    // Paired run (alternating, so load on a shared machine hits both alike): p50 of each and
    // p50 of the per-pair difference, printed once.
    let (mut bare, mut eng, mut diff) = (Vec::new(), Vec::new(), Vec::new());
    rt.block_on(async {
        for i in 0..400u64 {
            let b = bare_once().await;
            let e = engine_once(i).await;
            bare.push(b.as_secs_f64() * 1000.0);
            eng.push(e.as_secs_f64() * 1000.0);
            diff.push((e.as_secs_f64() - b.as_secs_f64()) * 1000.0);
        }
    });
    let p50 = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    eprintln!(
        "paired over 400 requests: bare p50 {:.3} ms, engine TTFT p50 {:.3} ms, p50 of (engine - bare) {:+.3} ms (budget: within 1 ms)",
        p50(&mut bare),
        p50(&mut eng),
        p50(&mut diff)
    );

    let mut g = c.benchmark_group("ttft");
    g.sample_size(50).measurement_time(Duration::from_secs(10));
    g.bench_function("bare_reqwest_first_chunk", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += bare_once().await;
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
                    total += engine_once(i).await;
                }
                total
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
