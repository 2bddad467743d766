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
    let mut h = replay::spawn(
        plan,
        Arc::new(Starter(first.clone())),
        Some(Box::new(store)),
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
        .map(|p| replay::estimate::count_tokens(&p.text))
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
    let shown = juxta::commands::replay::describe_estimate(&e, 2, 1, 1, 0);
    assert!(shown.contains("assumed 500 per cell"), "{shown}");
}
