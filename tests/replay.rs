//! Prompt sets and replay: formats, errors with file and line, the cost cap, resuming,
//! the concurrency bound, the shipped prompt sets.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use juxta::catalog::{Price, ProviderDef, ResolvedModel};
use juxta::cost::{Cost, CostSource};
use juxta::engine::replay::{
    self, CellStarter, Plan, ReplayEvent, ReplaySink, ReplaySpec, RunOptions, StopReason,
};
use juxta::engine::{EngineEvent, EventKind, Job, JobHandle};
use juxta::metrics::{Metrics, TokenCounts, TokenSource};
use juxta::promptset::{self, Format, PromptSetError};
use juxta::provider::{ErrorKind, Params, Protocol};
use juxta::record::{ErrorInfo, ResponseRecord, Session, Status, Turn};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replay")
        .join(name)
}

fn load_err(name: &str) -> PromptSetError {
    match promptset::load(&fixture(name)) {
        Ok(set) => panic!("{name} parsed: {set:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------- formats

#[test]
fn toml_set_with_vars_and_defaults() {
    let set = promptset::load(&fixture("vars.toml")).expect("parses");
    assert_eq!(set.name, "fixture");
    assert_eq!(set.format, Format::Toml);
    assert_eq!(set.system.as_deref(), Some("Be brief."));
    assert_eq!(
        set.defaults,
        Params {
            temperature: Some(0.2),
            max_tokens: Some(64),
            seed: Some(7)
        }
    );
    let ids: Vec<&str> = set.prompts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["hello", "p2", "p3"]);
    assert_eq!(
        set.prompts[0].text,
        "Write hello world in Rust for a reviewer."
    );
    // A prompt's own vars win over the shared [vars].
    assert_eq!(set.prompts[1].text, "Explain ownership in plain English.");
    assert_eq!(set.prompts[2].text, "Review:\nfn main() {}\n");
    assert_eq!(set.prompts[2].system.as_deref(), Some("You are strict."));
    assert_eq!(set.prompts[0].tags, ["easy"]);
    assert_eq!(set.prompts[0].line, 15, "the line of the prompt's text");
}

#[test]
fn jsonl_set() {
    let set = promptset::load(&fixture("prompts.jsonl")).expect("parses");
    assert_eq!(set.format, Format::Jsonl);
    assert_eq!(set.name, "prompts");
    let ids: Vec<&str> = set.prompts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p1", "capital", "p3"]);
    assert_eq!(set.prompts[1].text, "Capital of Japan?");
    assert_eq!(set.prompts[1].tags, ["geo"]);
    assert_eq!(set.prompts[2].text, "Summarise: long text");
    assert_eq!(set.prompts[2].system.as_deref(), Some("One sentence."));
    assert_eq!(set.prompts[2].line, 4, "blank lines still count");
}

#[test]
fn text_set_skips_blank_lines_and_comments() {
    let set = promptset::load(&fixture("prompts.txt")).expect("parses");
    assert_eq!(set.format, Format::Text);
    let texts: Vec<&str> = set.prompts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "What is the capital of France?",
            "Translate \"good morning\" into Japanese.",
            "Name three prime numbers."
        ]
    );
    let lines: Vec<usize> = set.prompts.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 5, 6]);
    assert_eq!(set.prompts[2].id, "p3");
}

// ---------------------------------------------------------------- errors

#[test]
fn broken_toml_names_file_and_line_7() {
    let e = load_err("bad-line7.toml");
    assert_eq!(e.line, Some(7), "{e}");
    let shown = e.to_string();
    assert!(shown.contains("bad-line7.toml:7:"), "{shown}");
}

#[test]
fn bad_jsonl_line_3_names_file_line_and_column() {
    let e = load_err("bad-line3.jsonl");
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.column.is_some());
    assert!(e.to_string().contains("bad-line3.jsonl:3:"), "{e}");
    assert!(e.to_string().contains("not valid JSON"), "{e}");
    assert!(
        !e.to_string().contains("at line 1"),
        "no second, contradicting line number: {e}"
    );
}

#[test]
fn jsonl_line_without_prompt_is_named() {
    let e = load_err("no-prompt.jsonl");
    assert_eq!(e.line, Some(2));
    assert!(e.to_string().contains("no \"prompt\" field"), "{e}");
}

#[test]
fn unknown_variable_names_file_line_and_column() {
    let e = load_err("unknown-var.toml");
    assert_eq!((e.line, e.column), (Some(9), Some(14)), "{e}");
    let shown = e.to_string();
    assert!(shown.contains("unknown-var.toml:9:14:"), "{shown}");
    assert!(shown.contains("{{missing}}"), "{shown}");
}

#[test]
fn duplicate_id_names_both_lines() {
    let e = load_err("dup.jsonl");
    assert_eq!(e.line, Some(3));
    assert!(
        e.to_string()
            .contains("duplicate prompt id 'x' (first used on line 1)"),
        "{e}"
    );
}

#[test]
fn empty_prompt_is_an_error() {
    let e = load_err("empty-prompt.toml");
    assert_eq!(e.line, Some(7), "{e}");
    assert!(e.to_string().contains("prompt 'blank' is empty"), "{e}");
}

#[test]
fn unknown_variable_in_text_file_has_a_column() {
    let e = promptset::parse(Path::new("t.txt"), "fine\n  say {{who}}\n", Format::Text)
        .expect_err("unknown var");
    assert_eq!((e.line, e.column), (Some(2), Some(7)), "{e}");
}

#[test]
fn missing_file_is_named() {
    let e = load_err("does-not-exist.toml");
    assert!(e.to_string().contains("does-not-exist.toml"), "{e}");
}

#[test]
fn shipped_prompt_sets_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/prompts");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("presets/prompts exists") {
        let path = entry.expect("entry").path();
        let set = promptset::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            (5..=10).contains(&set.prompts.len()),
            "{}: {} prompts",
            path.display(),
            set.prompts.len()
        );
        names.push(set.name);
    }
    names.sort();
    assert_eq!(
        names,
        [
            "chinese-writing",
            "coding",
            "extraction-json",
            "japanese-writing",
            "reasoning"
        ]
    );
    // The same sets are embedded, usable by name wherever juxta is installed.
    let mut shipped: Vec<&str> = promptset::SHIPPED.iter().map(|(n, _)| *n).collect();
    shipped.sort();
    assert_eq!(names, shipped);
    for name in shipped {
        let set =
            promptset::load_file_or_shipped(Path::new(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.name, name);
    }
    let e = promptset::load_file_or_shipped(Path::new("no-such-set")).expect_err("unknown");
    assert!(
        e.to_string()
            .contains("shipped prompt sets, usable by name: coding"),
        "{e}"
    );
}

// ---------------------------------------------------------------- runner (scripted starter)

fn provider(id: &str) -> ProviderDef {
    ProviderDef {
        id: id.into(),
        protocol: Protocol::Demo,
        base_url: String::new(),
        api_key_env: None,
        open_weights: false,
        local: false,
        max_concurrency: None,
        headers: BTreeMap::new(),
    }
}

fn price(input: f64, output: f64) -> Price {
    Price {
        input,
        output,
        cached_input: None,
        cache_write: None,
        reasoning: None,
        tiers: Vec::new(),
        as_of: "2026-11-01".into(),
        source: "test".into(),
    }
}

fn model(id: &str) -> ResolvedModel {
    let (p, m) = id.split_once(':').expect("provider:model");
    ResolvedModel {
        id: id.into(),
        provider: provider(p),
        model: m.into(),
        open_weights: false,
        context: None,
        price: Some(price(1.0, 2.0)),
        simulated: true,
        in_catalog: true,
    }
}

fn text_set(n: usize) -> promptset::PromptSet {
    let text: String = (1..=n).map(|i| format!("question number {i}\n")).collect();
    promptset::parse(Path::new("set.txt"), &text, Format::Text).expect("parses")
}

fn spec(prompts: usize, models: &[&str], repeats: u32) -> ReplaySpec {
    ReplaySpec {
        set: text_set(prompts),
        models: models.iter().map(|m| model(m)).collect(),
        repeats,
        system: None,
        params: Params::default(),
    }
}

type FailRule = Box<dyn Fn(&Job) -> bool + Send + Sync>;

/// A scripted engine: each job waits `delay` (or until cancelled), then settles ok or with an
/// error per `fail`, costing `usd`. Counts requests and the most jobs in flight per provider.
struct Scripted {
    requests: AtomicUsize,
    active: Mutex<HashMap<String, usize>>,
    max_active: Mutex<HashMap<String, usize>>,
    fail: FailRule,
    usd: Option<f64>,
    delay: Duration,
}

impl Scripted {
    fn new(delay_ms: u64, usd: Option<f64>, fail: FailRule) -> Arc<Scripted> {
        Arc::new(Scripted {
            requests: AtomicUsize::new(0),
            active: Mutex::default(),
            max_active: Mutex::default(),
            fail,
            usd,
            delay: Duration::from_millis(delay_ms),
        })
    }
    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
    fn max_active(&self, provider: &str) -> usize {
        self.max_active
            .lock()
            .expect("lock")
            .get(provider)
            .copied()
            .unwrap_or(0)
    }
}

struct Starter(Arc<Scripted>);

impl CellStarter for Starter {
    fn start(&self, job: Job, tx: mpsc::Sender<EngineEvent>) -> JobHandle {
        let s = self.0.clone();
        s.requests.fetch_add(1, Ordering::SeqCst);
        let provider = job.model.provider.id.clone();
        {
            let mut active = s.active.lock().expect("lock");
            let n = active.entry(provider.clone()).or_default();
            *n += 1;
            let mut max = s.max_active.lock().expect("lock");
            let m = max.entry(provider.clone()).or_default();
            *m = (*m).max(*n);
        }
        let cancel = CancellationToken::new();
        let token = cancel.clone();
        let tag = job.tag;
        tokio::spawn(async move {
            let _ = tx
                .send(EngineEvent {
                    tag,
                    at: Instant::now(),
                    kind: EventKind::Attempt { n: 0 },
                })
                .await;
            let cancelled = tokio::select! {
                _ = tokio::time::sleep(s.delay) => false,
                _ = token.cancelled() => true,
            };
            let (status, error) = if cancelled {
                (Status::Cancelled, Some((ErrorKind::Cancelled, "cancelled")))
            } else if (s.fail)(&job) {
                (Status::Error, Some((ErrorKind::Server, "scripted failure")))
            } else {
                (Status::Ok, None)
            };
            *s.active.lock().expect("lock").entry(provider).or_default() -= 1;
            let record = record_for(&job, status, error, s.usd);
            let _ = tx
                .send(EngineEvent {
                    tag,
                    at: Instant::now(),
                    kind: EventKind::Done(Box::new(record)),
                })
                .await;
        });
        JobHandle { tag, cancel }
    }
}

fn record_for(
    job: &Job,
    status: Status,
    error: Option<(ErrorKind, &str)>,
    usd: Option<f64>,
) -> ResponseRecord {
    ResponseRecord {
        pane: job.tag.pane,
        model: job.model.id.clone(),
        open_weights: false,
        simulated: true,
        status,
        error: error.map(|(kind, m)| ErrorInfo {
            kind,
            status: None,
            message: m.into(),
        }),
        text: if status == Status::Ok {
            format!("answer to {}", job.request.messages[0].content)
        } else {
            String::new()
        },
        reasoning: String::new(),
        metrics: Metrics {
            ttfb_ms: Some(5.0),
            ttft_ms: Some(10.0),
            ttfat_ms: Some(10.0),
            e2e_ms: Some(20.0),
            decode_tps: Some(100.0),
            gap_p50_ms: None,
            gap_p95_ms: None,
            tokens: TokenCounts {
                input: Some(5),
                cached_input: None,
                cache_write: None,
                output: Some(10),
                reasoning: None,
                source: TokenSource::Reported,
            },
            server: None,
            retries: 0,
        },
        cost: Cost {
            usd,
            source: if usd.is_some() {
                CostSource::PriceTable
            } else {
                CostSource::Unpriced
            },
            computed_usd: None,
            estimated: false,
        },
        price: None,
        started_at: Utc::now(),
        repeat: job.repeat,
    }
}

/// Keeps the session in memory the way the store does: responses upserted by (turn, pane).
#[derive(Clone, Default)]
struct MemorySink(Arc<Mutex<Option<Session>>>);

impl MemorySink {
    fn session(&self) -> Session {
        self.0
            .lock()
            .expect("lock")
            .clone()
            .expect("session created")
    }
}

impl ReplaySink for MemorySink {
    fn create_session(&mut self, session: &Session) -> Result<(), String> {
        *self.0.lock().expect("lock") = Some(session.clone());
        Ok(())
    }
    fn add_turn(&mut self, _session: &str, turn: &Turn) -> Result<(), String> {
        let mut g = self.0.lock().expect("lock");
        g.as_mut().ok_or("no session")?.turns.push(turn.clone());
        Ok(())
    }
    fn save_response(
        &mut self,
        _session: &str,
        turn: u32,
        record: &ResponseRecord,
    ) -> Result<(), String> {
        let mut g = self.0.lock().expect("lock");
        let s = g.as_mut().ok_or("no session")?;
        let t = s
            .turns
            .iter_mut()
            .find(|t| t.index == turn)
            .ok_or("no such turn")?;
        match t.responses.iter_mut().find(|r| r.pane == record.pane) {
            Some(r) => *r = record.clone(),
            None => t.responses.push(record.clone()),
        }
        Ok(())
    }
}

fn plan_new(spec: &ReplaySpec) -> Plan {
    replay::plan::plan(spec, None, Utc::now(), "replay-test".into()).expect("plans")
}

async fn run_collect(
    plan: Plan,
    scripted: &Arc<Scripted>,
    sink: &MemorySink,
    opts: RunOptions,
    cancel_after: Option<usize>,
) -> (replay::ReplayReport, Vec<ReplayEvent>) {
    let mut h = replay::spawn(
        plan,
        Arc::new(Starter(scripted.clone())),
        Some(Box::new(sink.clone())),
        opts,
    );
    let mut events = Vec::new();
    let mut settled = 0;
    while let Some(ev) = h.events.recv().await {
        if matches!(ev, ReplayEvent::CellSettled { .. }) {
            settled += 1;
            if cancel_after == Some(settled) {
                h.cancel.cancel();
            }
        }
        events.push(ev);
    }
    (h.task.await.expect("runner task"), events)
}

fn opts(concurrency: usize, max_cost: Option<f64>) -> RunOptions {
    RunOptions {
        concurrency,
        max_cost,
        run_id: 1,
    }
}

#[tokio::test]
async fn concurrency_bound_per_provider_is_honoured() {
    let spec = spec(6, &["a:one", "a:two", "b:three"], 1);
    let scripted = Scripted::new(30, Some(0.001), Box::new(|_| false));
    let sink = MemorySink::default();
    let (report, _) = run_collect(plan_new(&spec), &scripted, &sink, opts(2, None), None).await;
    assert_eq!(report.settled.len(), 18);
    assert_eq!(scripted.requests(), 18);
    assert_eq!(
        scripted.max_active("a"),
        2,
        "provider a had more than 2 requests in flight"
    );
    assert_eq!(scripted.max_active("b"), 2);
    assert_eq!(report.failures(), 0);
}

#[tokio::test]
async fn cost_cap_stops_starting_new_cells() {
    let spec = spec(10, &["a:one"], 1);
    let scripted = Scripted::new(1, Some(0.01), Box::new(|_| false));
    let sink = MemorySink::default();
    let (report, events) = run_collect(
        plan_new(&spec),
        &scripted,
        &sink,
        opts(1, Some(0.025)),
        None,
    )
    .await;
    assert_eq!(
        scripted.requests(),
        3,
        "the third cell reaches the cap; no fourth starts"
    );
    assert_eq!(report.not_started, 7);
    assert!(
        matches!(report.stopped, Some(StopReason::CostCap { cap_usd, .. }) if cap_usd == 0.025)
    );
    let stop = events.iter().find_map(|e| match e {
        ReplayEvent::StoppedAtCap {
            not_started,
            in_flight,
            ..
        } => Some((*not_started, *in_flight)),
        _ => None,
    });
    assert_eq!(stop, Some((7, 0)));
    assert!(matches!(events.last(), Some(ReplayEvent::Finished { .. })));
}

#[tokio::test]
async fn failed_cells_rerun_on_resume_and_answered_ones_do_not() {
    let spec = spec(4, &["a:one", "b:two"], 2);
    // b:two fails on prompts p2 and p3 (both repeats): 4 of 16 cells.
    let first = Scripted::new(
        1,
        Some(0.001),
        Box::new(|job| {
            job.model.id == "b:two"
                && ["question number 2", "question number 3"]
                    .contains(&job.request.messages[0].content.as_str())
        }),
    );
    let sink = MemorySink::default();
    let (report, _) = run_collect(plan_new(&spec), &first, &sink, opts(4, None), None).await;
    assert_eq!((report.settled.len(), report.failures()), (16, 4));

    let saved = sink.session();
    let again = replay::plan::plan(&spec, Some(saved), Utc::now(), "unused".into()).expect("plans");
    assert_eq!((again.cells.len(), again.skipped), (4, 12));
    let second = Scripted::new(1, Some(0.001), Box::new(|_| false));
    let (report, _) = run_collect(again, &second, &sink, opts(4, None), None).await;
    assert_eq!(
        second.requests(),
        4,
        "only the failed cells are asked again"
    );
    assert_eq!(report.failures(), 0);

    let done = sink.session();
    assert_eq!(done.turns.len(), 4, "no turn added twice");
    for t in &done.turns {
        assert_eq!(
            t.responses.len(),
            4,
            "turn {}: one response per model × repeat",
            t.index
        );
        assert!(t.responses.iter().all(|r| r.status == Status::Ok));
    }
}

#[tokio::test]
async fn interrupted_replay_resumes_without_repeating_answered_cells() {
    let spec = spec(5, &["a:one", "b:two"], 1);
    let first = Scripted::new(20, Some(0.001), Box::new(|_| false));
    let sink = MemorySink::default();
    // Stop after 3 cells settle: in-flight cells are cancelled, the rest never start.
    let (report, _) = run_collect(plan_new(&spec), &first, &sink, opts(1, None), Some(3)).await;
    assert_eq!(report.stopped, Some(StopReason::Cancelled));
    let answered = report
        .settled
        .iter()
        .filter(|(_, r)| r.status == Status::Ok)
        .count();
    assert!((3..10).contains(&answered), "{answered} answered");
    let asked_first = first.requests();

    let again = replay::plan::plan(&spec, Some(sink.session()), Utc::now(), "unused".into())
        .expect("plans");
    assert_eq!(again.skipped, answered);
    let second = Scripted::new(1, Some(0.001), Box::new(|_| false));
    let (_, _) = run_collect(again, &second, &sink, opts(3, None), None).await;
    assert_eq!(
        second.requests(),
        10 - answered,
        "first run asked {asked_first}"
    );
    let done = sink.session();
    let ok = done
        .turns
        .iter()
        .flat_map(|t| &t.responses)
        .filter(|r| r.status == Status::Ok)
        .count();
    assert_eq!(ok, 10);
}

#[test]
fn resume_refuses_other_models_or_a_changed_prompt() {
    let s = spec(2, &["a:one"], 1);
    let plan = plan_new(&s);
    let mut session = plan.session.clone();
    session.turns = plan.new_turns.clone();
    let other = spec(2, &["a:one", "b:two"], 1);
    let e = replay::plan::plan(&other, Some(session.clone()), Utc::now(), "x".into())
        .expect_err("models differ");
    assert!(e.to_string().contains("pass the same models"), "{e}");
    session.turns[1].prompt = "edited".into();
    let e =
        replay::plan::plan(&s, Some(session), Utc::now(), "x".into()).expect_err("prompt changed");
    assert!(e.to_string().contains("prompt 'p2' differs"), "{e}");
}

#[tokio::test]
async fn killed_replay_saved_in_the_store_resumes_without_repeating_answered_cells() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("juxta.db");
    let spec = spec(4, &["a:one", "b:two"], 1);
    let plan = replay::plan::plan(
        &spec,
        None,
        Utc::now(),
        juxta::store::new_session_id(Utc::now()),
    )
    .expect("plans");
    let id = plan.session.id.clone();
    let first = Scripted::new(40, Some(0.001), Box::new(|_| false));
    let store = juxta::store::Store::open(&db).expect("store");
    // An owned store behind the SessionWriter: the sink is Send, so the runner can be spawned.
    let sink = replay::CheckpointSink::new(store, &id);
    let mut h = replay::spawn(
        plan,
        Arc::new(Starter(first.clone())),
        Some(Box::new(sink)),
        opts(1, None),
    );
    let mut settled = 0;
    while let Some(ev) = h.events.recv().await {
        if matches!(ev, ReplayEvent::CellSettled { .. }) {
            settled += 1;
            if settled == 3 {
                // As abrupt as a kill: the runner stops mid-cell, nothing is finalised.
                h.task.abort();
                break;
            }
        }
    }
    let _ = h.task.await;

    let store = juxta::store::Store::open(&db).expect("store reopens");
    let saved = store.load_session(&id).expect("session saved as it ran");
    let answered = saved
        .turns
        .iter()
        .flat_map(|t| &t.responses)
        .filter(|r| r.status == Status::Ok)
        .count();
    assert!(answered >= 3, "{answered} answered cells saved");
    let again = replay::plan::plan(&spec, Some(saved), Utc::now(), "unused".into()).expect("plans");
    assert_eq!(again.cells.len(), 8 - answered);
    let second = Scripted::new(1, Some(0.001), Box::new(|_| false));
    let mut h = replay::spawn(
        again,
        Arc::new(Starter(second.clone())),
        Some(Box::new(store)),
        opts(2, None),
    );
    while h.events.recv().await.is_some() {}
    let report = h.task.await.expect("runner");
    assert_eq!(
        second.requests(),
        8 - answered,
        "answered cells are not asked again"
    );
    assert!(report.save_errors.is_empty(), "{:?}", report.save_errors);

    let store = juxta::store::Store::open(&db).expect("store reopens");
    let done = store.load_session(&id).expect("loads");
    assert_eq!(done.turns.len(), 4);
    let all: Vec<&ResponseRecord> = done.turns.iter().flat_map(|t| &t.responses).collect();
    assert_eq!(all.len(), 8, "one response per cell, none duplicated");
    assert!(all.iter().all(|r| r.status == Status::Ok));
}
// ---------------------------------------------------------------- runner (real engine)

/// A provider that answers after `delay`, answers 429 (retry after 5 ms) to the first attempt
/// of each model at every prompt containing "busy", and records the most requests in flight at once.
struct Counting {
    active: Arc<AtomicUsize>,
    max: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    limited: Arc<Mutex<std::collections::HashSet<String>>>,
}

struct Leave(Arc<AtomicUsize>);
impl Drop for Leave {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl juxta::provider::Provider for Counting {
    fn stream(&self, req: juxta::provider::ChatRequest) -> juxta::provider::EventStream {
        use juxta::provider::{ProviderError, StreamEvent, Usage};
        let (active, max, requests, limited) = (
            self.active.clone(),
            self.max.clone(),
            self.requests.clone(),
            self.limited.clone(),
        );
        Box::pin(async_stream(move || async move {
            requests.fetch_add(1, Ordering::SeqCst);
            let prompt = req
                .messages
                .last()
                .map(|m| m.content.clone())
                .unwrap_or_default();
            let key = format!("{}/{prompt}", req.model);
            if prompt.contains("busy") && limited.lock().expect("lock").insert(key) {
                let mut e =
                    ProviderError::new(ErrorKind::RateLimited, "slow down").with_status(429);
                e.retry_after = Some(Duration::from_millis(5));
                return vec![Err(e)];
            }
            let now = active.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(now, Ordering::SeqCst);
            let _leave = Leave(active.clone());
            tokio::time::sleep(Duration::from_millis(50)).await;
            let usage = Usage {
                input: Some(3),
                output: Some(2),
                ..Default::default()
            };
            vec![
                Ok(StreamEvent::Connected),
                Ok(StreamEvent::FirstByte),
                Ok(StreamEvent::Text("fine".into())),
                Ok(StreamEvent::Text(" thanks".into())),
                Ok(StreamEvent::Usage(usage)),
                Ok(StreamEvent::Finish {
                    reason: Some("stop".into()),
                }),
            ]
        }))
    }
    fn list_models(
        &self,
    ) -> futures::future::BoxFuture<'static, Result<Vec<String>, juxta::provider::ProviderError>>
    {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// A stream of the items an async block produces (all at once, when it completes).
fn async_stream<F, Fut, T>(f: F) -> impl futures::Stream<Item = T>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Vec<T>>,
{
    use futures::StreamExt;
    futures::stream::once(f()).flat_map(futures::stream::iter)
}

#[tokio::test]
async fn engine_backed_replay_honours_concurrency_and_retries_429() {
    let config = juxta::catalog::Config::from_toml_str(
        "[providers.fake]\nprotocol = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\n",
        "test config",
    )
    .expect("config");
    let engine = juxta::engine::Engine::new(Arc::new(config));
    let counting = Counting {
        active: Arc::default(),
        max: Arc::default(),
        requests: Arc::default(),
        limited: Arc::default(),
    };
    let (max, requests) = (counting.max.clone(), counting.requests.clone());
    engine.set_provider("fake", Arc::new(counting));
    let models = vec![
        engine.resolve("fake:one").expect("resolves"),
        engine.resolve("fake:two").expect("resolves"),
    ];
    let text = "hello\nbusy one\nhow are you\nbusy two\nbye\nagain\n";
    let spec = ReplaySpec {
        set: promptset::parse(Path::new("set.txt"), text, Format::Text).expect("parses"),
        models,
        repeats: 1,
        system: None,
        params: Params::default(),
    };
    let sink = MemorySink::default();
    let mut h = replay::spawn(
        plan_new(&spec),
        Arc::new(engine),
        Some(Box::new(sink.clone())),
        opts(3, None),
    );
    while h.events.recv().await.is_some() {}
    let report = h.task.await.expect("runner");
    assert_eq!(
        report.failures(),
        0,
        "{:?}",
        report
            .settled
            .iter()
            .map(|(_, r)| &r.error)
            .collect::<Vec<_>>()
    );
    assert_eq!(report.settled.len(), 12);
    assert!(
        max.load(Ordering::SeqCst) <= 3,
        "{} in flight",
        max.load(Ordering::SeqCst)
    );
    assert!(max.load(Ordering::SeqCst) >= 2, "cells do run in parallel");
    // 12 cells, plus one rate-limited first attempt for each of the 4 "busy" cells.
    assert_eq!(requests.load(Ordering::SeqCst), 16);
    let retried = report
        .settled
        .iter()
        .filter(|(_, r)| r.metrics.retries == 1)
        .count();
    assert_eq!(retried, 4, "the engine's retry policy handled the 429s");
}

// ---------------------------------------------------------------- estimate

#[test]
fn estimate_counts_input_exactly_and_output_from_max_tokens() {
    let mut s = spec(3, &["openai:gpt-5-mini", "b:two"], 2);
    s.params.max_tokens = Some(100);
    for m in &mut s.models {
        m.simulated = false;
    }
    s.models[1].price = None;
    let plan = plan_new(&s);
    let e = replay::estimate::estimate(&plan.models, &plan.cells, &plan.history_output);
    let expected_input: u64 = s
        .set
        .prompts
        .iter()
        .map(|p| replay::estimate::prompt_tokens(None, &p.text))
        .sum::<u64>()
        * 2;
    let a = &e.models[0];
    assert_eq!(
        (a.cells, a.input_tokens, a.output_tokens),
        (6, expected_input, 600)
    );
    assert!(a.input_exact, "o200k is gpt-5-mini's own tokenizer");
    assert_eq!(a.output_basis, replay::OutputBasis::MaxTokens);
    let usd = a.usd.expect("priced");
    let want = (expected_input as f64 * 1.0 + 600.0 * 2.0) / 1e6;
    assert!((usd - want).abs() < 1e-12, "{usd} vs {want}");
    let b = &e.models[1];
    assert!(!b.input_exact, "another tokenizer: an estimate");
    assert_eq!(b.usd, None, "unpriced is not $0");
    assert_eq!(e.unpriced(), ["b:two"]);
    assert_eq!(e.priced_total(), Some(usd));
}

#[test]
fn estimate_without_max_tokens_states_its_assumption() {
    let s = spec(2, &["a:one"], 1);
    let plan = plan_new(&s);
    let e = replay::estimate::estimate(&plan.models, &plan.cells, &plan.history_output);
    assert_eq!(e.models[0].output_basis, replay::OutputBasis::Default);
    assert_eq!(
        e.models[0].output_tokens,
        2 * replay::estimate::DEFAULT_OUTPUT_TOKENS
    );
    // The texts, + 3 per message + 3 to prime the reply.
    let count = replay::estimate::count_tokens;
    assert_eq!(
        replay::estimate::prompt_tokens(None, "question number 1"),
        count("question number 1") + 6
    );
    assert_eq!(
        replay::estimate::prompt_tokens(Some("Be brief."), "hi"),
        count("Be brief.") + count("hi") + 9
    );
    let shown = juxta::commands::replay::describe_estimate(&e, 2, 1, 1, 0);
    assert!(shown.contains("assumed 500 per cell"), "{shown}");
}

// ---------------------------------------------------------------- the command

const PRICED_DEMO: &str = "demo:echo,ttft=5,tps=2000";

/// Run the binary with the priced-demo config and private config/data folders.
fn juxta(home: &Path, args: &[&str]) -> std::process::Output {
    let config = fixture("priced-demo.toml");
    std::process::Command::new(env!("CARGO_BIN_EXE_juxta"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HOME", home)
        .arg("--config")
        .arg(&config)
        .arg("replay")
        .args(args)
        .output()
        .expect("juxta runs")
}

fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn estimate_above_max_cost_refuses_to_start() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = fixture("ten.txt");
    let o = juxta(
        home.path(),
        &[
            file.to_str().expect("utf-8"),
            "-m",
            PRICED_DEMO,
            "--max-cost",
            "0.5",
        ],
    );
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("estimate: 10 cells"), "{err}");
    assert!(
        err.contains("assumed 500 per cell"),
        "says how output was estimated: {err}"
    );
    assert!(err.contains("is above --max-cost $0.500"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(!err.contains("session:"), "nothing started: {err}");
}

#[test]
fn cost_cap_stops_the_command_and_says_so() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = fixture("ten.txt");
    let args = [
        file.to_str().expect("utf-8"),
        "-m",
        PRICED_DEMO,
        "--max-tokens",
        "1",
        "--concurrency",
        "1",
    ];
    let o = juxta(
        home.path(),
        &[&args[..], &["--max-cost", "0.2", "--force", "--json"]].concat(),
    );
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(1), "not every cell ran: {err}");
    assert!(err.contains("cost cap reached"), "{err}");
    assert!(err.contains("stopped at the cost cap"), "{err}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let cells: Vec<&serde_json::Value> = lines.iter().filter(|v| v["type"] == "summary").collect();
    assert!((1..10).contains(&cells.len()), "{} cells ran", cells.len());
    assert_eq!(cells[0]["prompt_id"], "p1");
    assert_eq!(cells[0]["repeat"], 0);
    let spent: f64 = cells.iter().filter_map(|v| v["cost_usd"].as_f64()).sum();
    let before_last = spent
        - cells
            .last()
            .and_then(|v| v["cost_usd"].as_f64())
            .unwrap_or(0.0);
    assert!(
        spent >= 0.2 && before_last < 0.2,
        "stopped at the first cell that reached the cap"
    );
    let summary = lines
        .iter()
        .find(|v| v["type"] == "model_summary")
        .expect("a model summary line");
    assert_eq!(summary["cells"], cells.len());

    // Resuming runs only the cells the cap left out.
    let id = err
        .lines()
        .find_map(|l| l.strip_prefix("session: "))
        .expect("session id on stderr");
    let o = juxta(
        home.path(),
        &[&args[..], &["--resume", id, "--json"]].concat(),
    );
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let rerun = stdout
        .lines()
        .filter(|l| l.contains("\"type\":\"summary\""))
        .count();
    assert_eq!(
        rerun,
        10 - cells.len(),
        "answered cells are not asked again"
    );
}

#[test]
fn a_tiny_max_cost_is_not_shown_as_zero() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = fixture("ten.txt");
    let o = juxta(
        home.path(),
        &[
            file.to_str().expect("utf-8"),
            "-m",
            PRICED_DEMO,
            "--max-cost",
            "0.000001",
        ],
    );
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--max-cost $0.00000100"), "{err}");
}

#[test]
fn replay_summary_marks_simulated_models() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = fixture("ten.txt");
    let args = [
        file.to_str().expect("utf-8"),
        "-m",
        PRICED_DEMO,
        "--max-tokens",
        "1",
        "--no-save",
    ];
    let o = juxta(home.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!("{PRICED_DEMO} (sim)")),
        "simulated model marked in the table: {stdout}"
    );
    let o = juxta(home.path(), &[&args[..], &["--json"]].concat());
    let stdout = String::from_utf8_lossy(&o.stdout);
    let summary: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["type"] == "model_summary")
        .expect("a model summary line");
    assert_eq!(summary["simulated"], true);
    for l in stdout.lines().filter(|l| l.contains("cost_usd")) {
        let v: serde_json::Value = serde_json::from_str(l).expect("JSON");
        let cost = v["cost_usd"].to_string();
        let digits = cost.chars().filter(char::is_ascii_digit).count();
        assert!(digits <= 12, "no float noise: cost_usd {cost} in {l}");
    }
    assert_eq!(summary["model"], PRICED_DEMO, "the id itself is unchanged");
}

#[test]
fn prompt_set_error_exits_2_naming_file_and_line() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = fixture("bad-line7.toml");
    let o = juxta(
        home.path(),
        &[file.to_str().expect("utf-8"), "-m", PRICED_DEMO],
    );
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("bad-line7.toml:7:"), "{err}");
}

#[test]
fn summary_table_marks_estimates_and_never_shows_missing_as_zero() {
    use juxta::engine::replay::ModelSummary;
    let base = ModelSummary {
        model: "a:one".into(),
        cells: 4,
        failures: 1,
        median_ttft_ms: Some(412.34),
        median_decode_tps: Some(88.06),
        input_tokens: Some(120),
        output_tokens: Some(640),
        tokens_estimated: true,
        cost_usd: Some(0.000323),
        unpriced_cells: 0,
        unknown_cost_cells: 1,
        cost_estimated: true,
    };
    let unpriced = ModelSummary {
        model: "local:thing".into(),
        failures: 0,
        median_ttft_ms: None,
        median_decode_tps: None,
        input_tokens: None,
        output_tokens: None,
        tokens_estimated: false,
        cost_usd: None,
        unpriced_cells: 4,
        unknown_cost_cells: 0,
        cost_estimated: false,
        ..base.clone()
    };
    let table = juxta::commands::replay::summary_table(&[base, unpriced]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("model"), "{table}");
    assert!(
        lines[2].contains("412 ms") && lines[2].contains("88.1"),
        "{table}"
    );
    assert!(
        lines[2].contains("~120") && lines[2].contains("~640"),
        "estimated tokens marked: {table}"
    );
    assert!(lines[2].contains("~$0.000323 + 1 unknown"), "{table}");
    assert!(lines[3].contains("unpriced"), "{table}");
    assert_eq!(
        lines[3].matches('–').count(),
        4,
        "missing figures shown as –, not 0: {table}"
    );
}

/// Starts jobs that stream some text and then hang until cancelled.
struct Hanging;

impl CellStarter for Hanging {
    fn start(&self, job: Job, tx: mpsc::Sender<EngineEvent>) -> JobHandle {
        let cancel = CancellationToken::new();
        let token = cancel.clone();
        let tag = job.tag;
        tokio::spawn(async move {
            let ev = |kind| EngineEvent {
                tag,
                at: Instant::now(),
                kind,
            };
            let _ = tx.send(ev(EventKind::Attempt { n: 1 })).await;
            let text = juxta::provider::StreamEvent::Text("partial answer".into());
            let _ = tx.send(ev(EventKind::Stream(text))).await;
            token.cancelled().await;
            let record = record_for(
                &job,
                Status::Cancelled,
                Some((ErrorKind::Cancelled, "cancelled")),
                None,
            );
            let _ = tx.send(ev(EventKind::Done(Box::new(record)))).await;
        });
        JobHandle { tag, cancel }
    }
}

#[tokio::test]
async fn streaming_text_is_checkpointed_so_a_kill_loses_little() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("juxta.db");
    let spec = spec(1, &["a:one"], 1);
    let plan = plan_new(&spec);
    let id = plan.session.id.clone();
    let store = juxta::store::Store::open(&db).expect("store");
    let sink = Box::new(replay::CheckpointSink::new(&store, &id));
    let (tx, _events) = mpsc::channel(1024);
    let runner = replay::run(
        plan,
        Arc::new(Hanging),
        Some(sink),
        opts(1, None),
        tx,
        CancellationToken::new(),
    );
    let reader = juxta::store::Store::open(&db).expect("second connection");
    let watch = async {
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if let Ok(s) = reader.load_session(&id)
                && let Some(r) = s.turns.first().and_then(|t| t.responses.first())
                && !r.text.is_empty()
            {
                return Some(r.clone());
            }
        }
        None
    };
    // Whichever ends first: the runner never does, so this drops it mid-stream like a kill.
    let saved = tokio::select! {
        _ = runner => None,
        r = watch => r,
    };
    let r = saved.expect("the streaming text was checkpointed within 10 s");
    assert_eq!(r.text, "partial answer");
    assert_eq!(r.status, Status::Streaming, "not shown as finished");
    let again = replay::plan::plan(
        &spec,
        Some(reader.load_session(&id).expect("loads")),
        Utc::now(),
        "x".into(),
    )
    .expect("plans");
    assert_eq!(
        again.cells.len(),
        1,
        "an unfinished cell runs again on resume"
    );
}
