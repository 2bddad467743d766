//! The engine with a scripted in-process provider and with the demo provider: fan-out, retries,
//! timeouts, cancellation, failures that stay on their own pane, per-provider concurrency.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use juxta::catalog::Config;
use juxta::cost::CostSource;
use juxta::engine::{Engine, EngineEvent, EventKind, Job, JobHandle, JobTag};
use juxta::provider::{
    ChatRequest, ErrorKind, EventStream, Message, Params, Provider, ProviderError, StreamEvent,
    Usage,
};
use juxta::record::{ResponseRecord, Status};
use tokio::sync::mpsc;

/// One step of a scripted stream.
#[derive(Clone)]
enum Step {
    Wait(u64),
    Ev(StreamEvent),
    Fail(ProviderError),
    /// Never yields again (a stalled server).
    Hang,
}

fn text(s: &str) -> Step {
    Step::Ev(StreamEvent::Text(s.into()))
}

fn finish() -> Vec<Step> {
    vec![
        Step::Ev(StreamEvent::Usage(Usage {
            input: Some(5),
            output: Some(2),
            ..Usage::default()
        })),
        Step::Ev(StreamEvent::Finish {
            reason: Some("stop".into()),
        }),
    ]
}

/// A provider that plays one script per call (the last one repeats), counting calls and the
/// most streams open at once.
#[derive(Default)]
struct Scripted {
    scripts: Mutex<VecDeque<Vec<Step>>>,
    calls: AtomicUsize,
    open: Arc<AtomicUsize>,
    max_open: Arc<AtomicUsize>,
}

impl Scripted {
    fn new(scripts: Vec<Vec<Step>>) -> Arc<Self> {
        Arc::new(Scripted {
            scripts: Mutex::new(scripts.into()),
            ..Scripted::default()
        })
    }
}

struct OpenGuard(Arc<AtomicUsize>);
impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Provider for Scripted {
    fn stream(&self, _req: ChatRequest) -> EventStream {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let script = {
            let mut q = self.scripts.lock().expect("lock");
            if q.len() > 1 {
                q.pop_front().unwrap_or_default()
            } else {
                q.front().cloned().unwrap_or_default()
            }
        };
        let open = self.open.clone();
        let max_open = self.max_open.clone();
        let stream = futures::stream::unfold(
            (script.into_iter(), None::<OpenGuard>),
            move |(mut it, mut guard)| {
                let open = open.clone();
                let max_open = max_open.clone();
                async move {
                    if guard.is_none() {
                        let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                        max_open.fetch_max(now, Ordering::SeqCst);
                        guard = Some(OpenGuard(open));
                    }
                    loop {
                        match it.next()? {
                            Step::Wait(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
                            Step::Ev(e) => return Some((Ok(e), (it, guard))),
                            Step::Fail(e) => return Some((Err(e), (it, guard))),
                            Step::Hang => std::future::pending::<()>().await,
                        }
                    }
                }
            },
        );
        Box::pin(stream)
    }
    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>> {
        Box::pin(async { Ok(vec![]) })
    }
}

const CONFIG: &str = r#"
[providers.mock]
protocol = "openai"
base_url = "http://127.0.0.1:9/v1"
max_concurrency = 2

[providers.keyed]
protocol = "openai"
base_url = "http://127.0.0.1:9/v1"
api_key_env = "JUXTA_TEST_KEY_THAT_IS_NOT_SET"

[retry]
max_retries = 2
base_delay_ms = 20
max_delay_ms = 100
max_server_delay_ms = 1000
"#;

/// An engine over the test config; `timeouts` replaces the default `[timeouts]` table.
fn engine(timeouts: &str) -> Engine {
    let extra = if timeouts.is_empty() {
        "[timeouts]\nfirst_token_ms = 2000\nidle_ms = 2000\n"
    } else {
        timeouts
    };
    let config = Config::from_toml_str(&format!("{CONFIG}\n{extra}"), "test.toml").expect("config");
    Engine::new(Arc::new(config))
}

fn job(engine: &Engine, pane: u32, model: &str) -> Job {
    let model = engine.resolve(model).expect("resolve");
    let request = ChatRequest {
        model: model.model.clone(),
        system: None,
        messages: vec![Message::user(format!("prompt for pane {pane}"))],
        params: Params::default(),
    };
    Job {
        tag: JobTag { run: 7, pane },
        model,
        request,
        repeat: 0,
    }
}

/// Start the jobs and collect every event until all have settled.
async fn run_all(engine: &Engine, jobs: Vec<Job>) -> (Vec<EngineEvent>, Vec<ResponseRecord>) {
    let (tx, mut rx) = mpsc::channel(256);
    let n = jobs.len();
    let _handles: Vec<JobHandle> = jobs
        .into_iter()
        .map(|j| engine.start(j, tx.clone()))
        .collect();
    drop(tx);
    collect(&mut rx, n).await
}

async fn collect(
    rx: &mut mpsc::Receiver<EngineEvent>,
    n: usize,
) -> (Vec<EngineEvent>, Vec<ResponseRecord>) {
    let mut events = Vec::new();
    let mut done: Vec<ResponseRecord> = Vec::new();
    while done.len() < n {
        let ev = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("no hang")
            .expect("open");
        if let EventKind::Done(r) = &ev.kind {
            done.push((**r).clone());
        }
        events.push(ev);
    }
    done.sort_by_key(|r| r.pane);
    (events, done)
}

fn rate_limited(after_ms: u64) -> ProviderError {
    let mut e = ProviderError::new(ErrorKind::RateLimited, "rate limited").with_status(429);
    e.retry_after = Some(Duration::from_millis(after_ms));
    e
}

#[tokio::test]
async fn demo_models_start_together_and_all_finish() {
    let e = engine("");
    let jobs = vec![
        job(&e, 0, "demo:swift,ttft=20,tps=3000"),
        job(&e, 1, "demo:steady,ttft=30,tps=3000"),
        job(&e, 2, "demo:ponder,ttft=40,tps=3000"),
    ];
    let (events, done) = run_all(&e, jobs).await;
    let attempts: Vec<_> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Attempt { n: 0 }))
        .collect();
    assert_eq!(attempts.len(), 3);
    // Started together: every t0 precedes every first delta.
    let last_t0 = attempts.iter().map(|e| e.at).max().expect("t0");
    let first_delta = events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Stream(StreamEvent::Text(t)) if !t.is_empty()))
        .map(|e| e.at)
        .min()
        .expect("delta");
    assert!(last_t0 <= first_delta);
    for r in &done {
        assert_eq!(r.status, Status::Ok, "{}", r.model);
        assert!(r.simulated);
        assert!(r.text.starts_with("## "));
        assert!(r.metrics.ttft_ms.is_some());
        assert_eq!(
            r.metrics.tokens.source,
            juxta::metrics::TokenSource::Reported
        );
        assert_eq!(r.cost.source, CostSource::PriceTable);
        assert!(r.cost.usd.is_some_and(|c| c > 0.0));
        assert!(r.price.is_some());
    }
    assert!(!done[2].reasoning.is_empty(), "ponder reasons");
    assert!(done[2].metrics.ttft_ms < done[2].metrics.ttfat_ms);
}

#[tokio::test]
async fn a_429_with_retry_after_then_success_counts_one_retry() {
    let e = engine("");
    let p = Scripted::new(vec![
        vec![Step::Fail(rate_limited(300))],
        [vec![text("Hi")], finish()].concat(),
    ]);
    e.set_provider("mock", p.clone());
    let (events, done) = run_all(&e, vec![job(&e, 0, "mock:m")]).await;
    let r = &done[0];
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.text, "Hi");
    assert_eq!(r.metrics.retries, 1);
    assert_eq!(p.calls.load(Ordering::SeqCst), 2);
    let delays: Vec<Duration> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Retrying { delay, error } => {
                assert_eq!(error.kind, ErrorKind::RateLimited);
                Some(*delay)
            }
            _ => None,
        })
        .collect();
    assert_eq!(delays, vec![Duration::from_millis(300)]);
    // TTFT counts from the attempt that produced output, not across the 300 ms wait.
    assert!(
        r.metrics.ttft_ms.is_some_and(|t| t < 300.0),
        "{:?}",
        r.metrics.ttft_ms
    );
}

#[tokio::test]
async fn retry_after_above_the_cap_lets_the_error_stand() {
    let e = engine("");
    let p = Scripted::new(vec![
        vec![Step::Fail(rate_limited(5_000))],
        [vec![text("Hi")], finish()].concat(),
    ]);
    e.set_provider("mock", p.clone());
    let (_, done) = run_all(&e, vec![job(&e, 0, "mock:m")]).await;
    let r = &done[0];
    assert_eq!(r.status, Status::Error);
    let err = r.error.as_ref().expect("error");
    assert_eq!((err.kind, err.status), (ErrorKind::RateLimited, Some(429)));
    assert_eq!(r.metrics.retries, 0);
    assert_eq!(p.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn retries_are_capped_by_max_retries() {
    let e = engine("");
    let server = ProviderError::new(ErrorKind::Server, "internal error").with_status(500);
    let p = Scripted::new(vec![vec![Step::Fail(server)]]);
    e.set_provider("mock", p.clone());
    let (_, done) = run_all(&e, vec![job(&e, 0, "mock:m")]).await;
    assert_eq!(done[0].status, Status::Error);
    assert_eq!(done[0].metrics.retries, 2);
    assert_eq!(p.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn no_retry_once_tokens_have_arrived() {
    let e = engine("");
    let server = ProviderError::new(ErrorKind::Server, "boom").with_status(500);
    let p = Scripted::new(vec![vec![
        text("partial "),
        text("answer"),
        Step::Fail(server),
    ]]);
    e.set_provider("mock", p.clone());
    let (_, done) = run_all(&e, vec![job(&e, 0, "mock:m")]).await;
    let r = &done[0];
    assert_eq!(r.status, Status::Error);
    assert_eq!(r.text, "partial answer");
    assert_eq!(r.metrics.retries, 0);
    assert_eq!(p.calls.load(Ordering::SeqCst), 1);
    // Tokens were counted locally: marked estimated.
    assert_eq!(
        r.metrics.tokens.source,
        juxta::metrics::TokenSource::Estimated
    );
}

#[tokio::test]
async fn first_token_timeout() {
    let e = engine("[timeouts]\nfirst_token_ms = 150\nidle_ms = 5000\n");
    // Headers and a role-only chunk arrive, then nothing: the first-token clock still runs.
    let p = Scripted::new(vec![vec![
        Step::Ev(StreamEvent::Connected),
        text(""),
        Step::Hang,
    ]]);
    e.set_provider("mock", p.clone());
    let (_, done) = run_all(&e, vec![job(&e, 0, "mock:m")]).await;
    let r = &done[0];
    assert_eq!(r.status, Status::Error);
    let err = r.error.as_ref().expect("error");
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(err.message.contains("first token"), "{}", err.message);
    assert_eq!(r.metrics.ttft_ms, None);
    assert_eq!(
        p.calls.load(Ordering::SeqCst),
        1,
        "a timeout is not retried"
    );
}

#[tokio::test]
async fn idle_timeout_keeps_the_partial_text() {
    let e = engine("[timeouts]\nfirst_token_ms = 5000\nidle_ms = 150\n");
    let p = Scripted::new(vec![vec![text("Hello"), Step::Hang]]);
    e.set_provider("mock", p);
    let (_, done) = run_all(&e, vec![job(&e, 0, "mock:m")]).await;
    let r = &done[0];
    assert_eq!(r.status, Status::Error);
    assert_eq!(r.text, "Hello");
    let err = r.error.as_ref().expect("error");
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(err.message.contains("idle"), "{}", err.message);
}

#[tokio::test]
async fn cancel_keeps_partial_text_and_closes_the_stream() {
    let e = engine("");
    let p = Scripted::new(vec![vec![text("Hel"), text("lo"), Step::Hang]]);
    e.set_provider("mock", p.clone());
    let (tx, mut rx) = mpsc::channel(64);
    let h = e.start(job(&e, 0, "mock:m"), tx);
    let mut seen = 0;
    while seen < 2 {
        let ev = rx.recv().await.expect("event");
        if matches!(ev.kind, EventKind::Stream(StreamEvent::Text(_))) {
            seen += 1;
        }
    }
    h.cancel();
    let (_, done) = collect(&mut rx, 1).await;
    assert_eq!(done[0].status, Status::Cancelled);
    assert_eq!(done[0].text, "Hello");
    assert_eq!(p.open.load(Ordering::SeqCst), 0, "the stream was dropped");
}

#[tokio::test]
async fn one_model_failing_does_not_stop_the_others() {
    let e = engine("");
    let auth = ProviderError::new(ErrorKind::Auth, "invalid api key").with_status(401);
    e.set_provider(
        "mock",
        Scripted::new(vec![vec![Step::Wait(10), Step::Fail(auth)]]),
    );
    let jobs = vec![
        job(&e, 0, "demo:swift,ttft=10,tps=5000"),
        job(&e, 1, "mock:m"),
        job(&e, 2, "demo:echo"),
    ];
    let (_, done) = run_all(&e, jobs).await;
    assert_eq!(done[0].status, Status::Ok);
    assert_eq!(done[1].status, Status::Error);
    assert_eq!(
        done[1].error.as_ref().map(|e| e.kind),
        Some(ErrorKind::Auth)
    );
    assert_eq!(done[1].metrics.retries, 0);
    // Nothing says the failed prompt was billed: the cost is unknown, not zero.
    assert_eq!(done[1].cost.source, CostSource::Unpriced);
    assert_eq!(done[2].status, Status::Ok);
    assert_eq!(done[2].text, "prompt for pane 2");
}

#[tokio::test]
async fn per_provider_concurrency_limit_is_honoured() {
    let e = engine("");
    let p = Scripted::new(vec![[vec![Step::Wait(60), text("x")], finish()].concat()]);
    e.set_provider("mock", p.clone());
    let jobs = (0..5).map(|i| job(&e, i, "mock:m")).collect();
    let (_, done) = run_all(&e, jobs).await;
    assert!(done.iter().all(|r| r.status == Status::Ok));
    assert_eq!(p.max_open.load(Ordering::SeqCst), 2);
    assert_eq!(p.calls.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn a_missing_key_is_a_clear_auth_error() {
    let e = engine("");
    let (_, done) = run_all(&e, vec![job(&e, 0, "keyed:some-model")]).await;
    let err = done[0].error.as_ref().expect("error");
    assert_eq!(err.kind, ErrorKind::Auth);
    assert!(
        err.message.contains("JUXTA_TEST_KEY_THAT_IS_NOT_SET"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn stream_events_arrive_in_order_with_stamps() {
    let e = engine("");
    let (events, done) = run_all(&e, vec![job(&e, 0, "demo:echo")]).await;
    let stamps: Vec<_> = events.iter().map(|e| e.at).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]));
    let streamed: String = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Stream(StreamEvent::Text(t)) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, done[0].text);
}
