//! `juxta run`: one prompt streamed to several models at once, headless (DESIGN §2). Text mode
//! prints each answer as it completes, then a metrics table; `--json` prints JSON lines as
//! events happen. Results on stdout, progress and errors on stderr.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use std::borrow::Cow;

use chrono::Utc;
use serde::Serialize;
use tokio::sync::mpsc;

use super::table;
use super::{EXIT_MODEL_FAILED, EXIT_OK, EXIT_USAGE};
use crate::catalog::{Config, ResolvedModel};
use crate::cli::RunArgs;
use crate::engine::{Engine, EngineEvent, EventKind, Job, JobHandle, JobTag};
use crate::provider::{ChatRequest, Message, Params, StreamEvent};
use crate::record::{ResponseRecord, Status};
use crate::record::{SESSION_VERSION, Session, SessionKind, Turn};
use crate::sanitize::clean;
use crate::store::{SessionWriter, Store, StoreError, new_session_id};
use crate::strings::cli as s;

/// How often a stalled stream's unsaved text is checked for a due checkpoint.
const CHECKPOINT_TICK: std::time::Duration = std::time::Duration::from_millis(250);

/// Saving (`--no-save` skips it): the session and its turn are created before streaming starts;
/// every engine event goes to a [`SessionWriter`] (checkpoints while streaming, the final record
/// on `Done`); `tick` saves text of a stalled stream. A store that cannot be opened or written
/// is reported once on stderr and the run goes on unsaved.
pub struct Saver {
    writer: SessionWriter<Store>,
    warned: bool,
}

impl Saver {
    /// Open the store and create the session; None when saving is off or not possible.
    pub fn open(args: &RunArgs, prompt: &str, models: &[ResolvedModel]) -> Option<Saver> {
        if args.no_save {
            return None;
        }
        match Self::try_open(args, prompt, models) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("{}: {e}; {}", s::PREFIX, s::NOT_SAVED);
                None
            }
        }
    }

    fn try_open(
        args: &RunArgs,
        prompt: &str,
        models: &[ResolvedModel],
    ) -> Result<Saver, StoreError> {
        let store = Store::open_default()?;
        let now = Utc::now();
        let id = new_session_id(now);
        let session = Session {
            version: SESSION_VERSION,
            id: id.clone(),
            title: title_of(prompt),
            kind: SessionKind::Chat,
            created_at: now,
            tags: Vec::new(),
            models: models.iter().map(|m| m.id.clone()).collect(),
            turns: vec![Turn {
                index: 0,
                prompt: prompt.to_owned(),
                system: args.request.system.clone(),
                params: params_of(args),
                prompt_id: None,
                tags: Vec::new(),
                created_at: now,
                responses: Vec::new(),
            }],
            votes: Vec::new(),
            prompt_set: None,
        };
        store.create_session(&session)?;
        let mut writer = SessionWriter::new(store, id);
        for (i, m) in models.iter().enumerate() {
            writer.register_model(
                JobTag {
                    run: RUN,
                    pane: i as u32,
                },
                0,
                m,
                0,
                now,
            );
        }
        Ok(Saver {
            writer,
            warned: false,
        })
    }

    fn check(&mut self, r: Result<(), StoreError>) {
        if let Err(e) = r
            && !self.warned
        {
            eprintln!("{}: {e}", s::PREFIX);
            self.warned = true;
        }
    }

    /// Called for every engine event (checkpoint while streaming, final save on `Done`).
    pub fn on_event(&mut self, ev: &EngineEvent) {
        let r = self.writer.on_event(ev);
        self.check(r);
    }

    /// Save checkpoints that are due (a stream that stalled after a delta).
    pub fn tick(&mut self, now: Instant) {
        let r = self.writer.tick(now);
        self.check(r);
    }

    /// The run is over; returns the session id to print on stderr.
    pub fn finish(mut self) -> Option<String> {
        let r = self.writer.flush(Instant::now());
        self.check(r);
        Some(self.writer.session().to_owned())
    }
}

/// The run id of the single turn `juxta run` streams.
const RUN: u64 = 1;

/// A session title: the prompt's first line, at most 80 characters.
fn title_of(prompt: &str) -> String {
    let line = prompt
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut t: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        t.push('…');
    }
    t
}

fn params_of(args: &RunArgs) -> Params {
    Params {
        temperature: args.request.temperature,
        max_tokens: args.request.max_tokens,
        seed: args.request.seed,
    }
}

/// Two Ctrl-C signals closer than this are one press (the second does not quit at once).
const SAME_PRESS: std::time::Duration = std::time::Duration::from_millis(500);

pub fn run(args: RunArgs, config_path: Option<&Path>) -> u8 {
    let config = match Config::load(config_path) {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    let mut models = Vec::new();
    let mut unknown = Vec::new();
    for name in &args.models {
        match config.catalog.resolve(name) {
            Ok(m) => models.push(m),
            Err(e) => {
                eprintln!("{}: {e}", s::PREFIX);
                unknown.push(name.clone());
            }
        }
    }
    if !unknown.is_empty() {
        // Each name's own error (printed above) already says what is wrong and where to look.
        return EXIT_USAGE;
    }
    let prompt = if args.prompt == "-" {
        let mut buf = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut buf) {
            return usage_error(&s::stdin_failed(&e));
        }
        buf.trim_end_matches(['\n', '\r']).to_string()
    } else {
        args.prompt.clone()
    };
    if prompt.trim().is_empty() {
        return usage_error(s::EMPTY_PROMPT);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(&s::runtime_failed(&e)),
    };
    let saver = Saver::open(&args, &prompt, &models);
    rt.block_on(stream_all(Arc::new(config), &args, prompt, models, saver))
}

fn usage_error(msg: &str) -> u8 {
    eprintln!("{}: {msg}", s::PREFIX);
    EXIT_USAGE
}

async fn stream_all(
    config: Arc<Config>,
    args: &RunArgs,
    prompt: String,
    models: Vec<ResolvedModel>,
    mut saver: Option<Saver>,
) -> u8 {
    let engine = Engine::new(config);
    let (tx, mut rx) = mpsc::channel::<EngineEvent>(1024);
    let params = Params {
        temperature: args.request.temperature,
        max_tokens: args.request.max_tokens,
        seed: args.request.seed,
    };
    let mut handles: Vec<JobHandle> = Vec::new();
    for (i, m) in models.iter().enumerate() {
        let request = ChatRequest {
            model: m.model.clone(),
            system: args.request.system.clone(),
            messages: vec![Message::user(prompt.clone())],
            params: params.clone(),
        };
        let job = Job {
            tag: JobTag {
                run: RUN,
                pane: i as u32,
            },
            model: m.clone(),
            request,
            repeat: 0,
        };
        handles.push(engine.start(job, tx.clone()));
    }
    drop(tx);

    let mut out = Output::new(args.json, &models);
    let mut done: Vec<Option<ResponseRecord>> = vec![None; models.len()];
    let mut interrupted = false;
    let mut interrupted_at: Option<Instant> = None;
    let mut remaining = models.len();
    // One signal future for the whole loop, so a Ctrl-C between two events is not missed.
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    while remaining > 0 {
        tokio::select! {
            ev = rx.recv() => {
                let Some(ev) = ev else { break };
                if let Some(sv) = saver.as_mut() {
                    sv.on_event(&ev);
                }
                out.event(&ev);
                if let EventKind::Done(r) = ev.kind {
                    let pane = r.pane as usize;
                    if pane < done.len() {
                        done[pane] = Some(*r);
                        remaining -= 1;
                    }
                }
            }
            _ = tokio::time::sleep(CHECKPOINT_TICK), if saver.is_some() => {
                if let Some(sv) = saver.as_mut() {
                    sv.tick(Instant::now());
                }
            }
            _ = &mut ctrl_c => {
                ctrl_c.set(tokio::signal::ctrl_c());
                match interrupted_at {
                    // One press can arrive twice (`timeout -s INT` signals the child and its
                    // process group): a second signal this soon is the same press.
                    Some(at) if at.elapsed() < SAME_PRESS => continue,
                    Some(_) => return EXIT_MODEL_FAILED,
                    None => interrupted_at = Some(Instant::now()),
                }
                interrupted = true;
                eprintln!("{}: {}", s::PREFIX, s::INTERRUPTED);
                for h in &handles {
                    h.cancel();
                }
            }
        }
    }
    let records: Vec<ResponseRecord> = done.into_iter().flatten().collect();
    out.finish(&records);
    if let Some(id) = saver.and_then(Saver::finish) {
        eprintln!("{}", crate::strings::store::session_saved(&id));
    }
    let all_ok = records.len() == models.len() && records.iter().all(|r| r.status == Status::Ok);
    if all_ok && !interrupted {
        EXIT_OK
    } else {
        EXIT_MODEL_FAILED
    }
}

/// Prints events as text or JSON lines.
struct Output {
    json: bool,
    ids: Vec<String>,
    models: Vec<ResolvedModel>,
    /// t0 of each pane's current attempt.
    t0: HashMap<u32, Instant>,
    stdout: std::io::Stdout,
}

impl Output {
    fn new(json: bool, models: &[ResolvedModel]) -> Self {
        Output {
            json,
            ids: models.iter().map(|m| m.id.clone()).collect(),
            models: models.to_vec(),
            t0: HashMap::new(),
            stdout: std::io::stdout(),
        }
    }

    fn line(&mut self, v: &impl Serialize) {
        let Ok(text) = serde_json::to_string(v) else {
            return;
        };
        let mut lock = self.stdout.lock();
        let _ = writeln!(lock, "{text}");
        let _ = lock.flush();
    }

    fn event(&mut self, ev: &EngineEvent) {
        let pane = ev.tag.pane;
        let model = self.ids.get(pane as usize).cloned().unwrap_or_default();
        let t_ms = |t0: Option<&Instant>| {
            round1(
                t0.map(|t0| ev.at.saturating_duration_since(*t0).as_secs_f64() * 1000.0)
                    .unwrap_or(0.0),
            )
        };
        match &ev.kind {
            EventKind::Attempt { n } => {
                self.t0.insert(pane, ev.at);
                if self.json && *n == 0 {
                    self.line(&Line {
                        kind: "start",
                        model: &model,
                        t_ms: 0.0,
                        ..Line::default()
                    });
                }
            }
            EventKind::Retrying { error, delay } => {
                eprintln!(
                    "{}: {model}: {} — retrying in {}",
                    s::PREFIX,
                    clean(&error.message),
                    table::ms(Some(delay.as_secs_f64() * 1000.0))
                );
            }
            EventKind::Stream(StreamEvent::Text(t)) if self.json && !t.is_empty() => {
                let t_ms = t_ms(self.t0.get(&pane));
                self.line(&Line {
                    kind: "delta",
                    model: &model,
                    t_ms,
                    text: Some(clean(t)),
                    ..Line::default()
                });
            }
            EventKind::Stream(StreamEvent::Reasoning(t)) if self.json && !t.is_empty() => {
                let t_ms = t_ms(self.t0.get(&pane));
                let reasoning = Some(clean(t));
                self.line(&Line {
                    kind: "delta",
                    model: &model,
                    t_ms,
                    reasoning,
                    ..Line::default()
                });
            }
            EventKind::Stream(_) => {}
            EventKind::Done(r) => {
                if self.json {
                    if let Some(e) = &r.error {
                        let t_ms = round1(r.metrics.e2e_ms.unwrap_or(0.0));
                        let error = Some(error_line(e));
                        self.line(&Line {
                            kind: "error",
                            model: &model,
                            t_ms,
                            error,
                            ..Line::default()
                        });
                    }
                    let m = self.models.get(pane as usize).cloned();
                    self.line(&summary_line(r, m.as_ref()));
                } else {
                    let m = self.models.get(pane as usize).cloned();
                    self.answer(r, m.as_ref());
                }
            }
        }
    }

    /// Text mode: one answer with its header.
    fn answer(&mut self, r: &ResponseRecord, m: Option<&ResolvedModel>) {
        let mut head = vec![r.model.clone()];
        if let Some(m) = m {
            head.push(m.provider.id.clone());
        }
        head.push(if r.open_weights { s::OPEN } else { s::CLOSED }.to_string());
        if r.simulated {
            head.push(s::SIMULATED.to_string());
        }
        let mut text = format!("━━ {} ━━\n", head.join(" · "));
        if !r.reasoning.is_empty() {
            for l in clean(&r.reasoning).lines() {
                text.push_str(&format!("│ {l}\n"));
            }
            text.push('\n');
        }
        text.push_str(&clean(&r.text));
        if !text.ends_with('\n') {
            text.push('\n');
        }
        match (&r.status, &r.error) {
            (Status::Cancelled, _) => text.push_str(&format!("{}\n", s::CANCELLED_MARK)),
            (_, Some(e)) => text.push_str(&format!(
                "{}\n",
                s::error_mark(e.kind.as_str(), e.status, &clean(&e.message))
            )),
            _ => {}
        }
        text.push('\n');
        let mut lock = self.stdout.lock();
        let _ = lock.write_all(text.as_bytes());
        let _ = lock.flush();
    }

    fn finish(&mut self, records: &[ResponseRecord]) {
        if self.json || records.is_empty() {
            return;
        }
        let mut rows = vec![
            s::RUN_HEADER
                .iter()
                .map(|h| h.to_string())
                .collect::<Vec<_>>(),
        ];
        let mut estimated = false;
        for r in records {
            let t = &r.metrics.tokens;
            estimated |= t.source == crate::metrics::TokenSource::Estimated;
            let status = match &r.error {
                Some(e) => format!("{} ({})", r.status.as_str(), e.kind.as_str()),
                None => r.status.as_str().to_string(),
            };
            let model = if r.simulated {
                format!("{} (sim)", r.model)
            } else {
                r.model.clone()
            };
            rows.push(vec![
                model,
                status,
                table::ms(r.metrics.ttft_ms),
                table::ms(r.metrics.ttfat_ms),
                table::ms(r.metrics.e2e_ms),
                table::rate(r.metrics.decode_tps),
                table::tokens(t.input, t.source),
                table::tokens(t.cached_input, t.source),
                table::tokens(t.output, t.source),
                table::tokens(t.reasoning, t.source),
                table::cost(&r.cost),
                r.metrics.retries.to_string(),
            ]);
        }
        let mut text = table::render(&rows, 2);
        for r in records {
            if let Some(st) = &r.metrics.server {
                text.push_str(&server_line(&r.model, st));
                text.push('\n');
            }
        }
        if estimated {
            text.push_str(s::TOKENS_NOTE);
            text.push('\n');
        }
        let mut lock = self.stdout.lock();
        let _ = lock.write_all(text.as_bytes());
        let _ = lock.flush();
    }
}

/// The server's own timings, beside the client's (DESIGN §5).
fn server_line(model: &str, st: &crate::provider::ServerTimings) -> String {
    let mut parts = Vec::new();
    if let Some(v) = st.load_ms {
        parts.push(format!("{} {}", s::SERVER_LOAD, table::ms(Some(v))));
    }
    if let Some(v) = st.queue_ms {
        parts.push(format!("{} {}", s::SERVER_QUEUE, table::ms(Some(v))));
    }
    if let Some(v) = st.prompt_eval_ms {
        parts.push(format!("{} {}", s::SERVER_PROMPT_EVAL, table::ms(Some(v))));
    }
    if let Some(v) = st.decode_tps() {
        parts.push(format!("{} {v:.1} tok/s", s::SERVER_DECODE));
    }
    if let Some(v) = st.total_ms {
        parts.push(format!("{} {}", s::SERVER_TOTAL, table::ms(Some(v))));
    }
    s::server_timings(model, &st.source, &parts.join(" · "))
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Dollars to 1e-10: floating-point noise (`7.120000000000001e-5`) never reaches the JSON.
pub(crate) fn round_usd(v: f64) -> f64 {
    (v * 1e10).round() / 1e10
}

fn round_opt(v: Option<f64>) -> Option<f64> {
    v.map(round1)
}

/// The `summary` line of DESIGN §2, fields in its order (fields may be added, never renamed).
#[derive(Serialize)]
struct Summary<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    model: &'a str,
    status: &'static str,
    ttft_ms: Option<f64>,
    ttfat_ms: Option<f64>,
    e2e_ms: Option<f64>,
    decode_tps: Option<f64>,
    tokens: Tokens,
    cost_usd: Option<f64>,
    cost_source: &'static str,
    retries: u32,
    text: Cow<'a, str>,
    // Additions.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorLine<'a>>,
    reasoning: Cow<'a, str>,
    cost_estimated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    computed_cost_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<PriceRef<'a>>,
    ttfb_ms: Option<f64>,
    gap_p50_ms: Option<f64>,
    gap_p95_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<&'a crate::provider::ServerTimings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'a str>,
    open_weights: bool,
    simulated: bool,
}

#[derive(Serialize)]
struct Tokens {
    input: Option<u64>,
    cached_input: Option<u64>,
    output: Option<u64>,
    reasoning: Option<u64>,
    source: &'static str,
    cache_write: Option<u64>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    kind: &'static str,
    status: Option<u16>,
    message: Cow<'a, str>,
}

#[derive(Serialize)]
struct PriceRef<'a> {
    as_of: &'a str,
    source: &'a str,
}

fn error_line(e: &crate::record::ErrorInfo) -> ErrorLine<'_> {
    ErrorLine {
        kind: e.kind.as_str(),
        status: e.status,
        message: clean(&e.message),
    }
}

/// A `start`, `delta` or `error` line (DESIGN §2), fields in its order.
#[derive(Default, Serialize)]
struct Line<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    model: &'a str,
    t_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorLine<'a>>,
}

/// The `summary` line as a JSON value (used by `juxta replay` to add its own fields).
pub fn summary(r: &ResponseRecord, m: Option<&ResolvedModel>) -> serde_json::Value {
    serde_json::to_value(summary_line(r, m)).unwrap_or(serde_json::Value::Null)
}

/// The summary line of a settled response, fields in DESIGN §2's order.
fn summary_line<'a>(r: &'a ResponseRecord, m: Option<&'a ResolvedModel>) -> Summary<'a> {
    let t = &r.metrics.tokens;
    Summary {
        kind: "summary",
        model: &r.model,
        status: r.status.as_str(),
        ttft_ms: round_opt(r.metrics.ttft_ms),
        ttfat_ms: round_opt(r.metrics.ttfat_ms),
        e2e_ms: round_opt(r.metrics.e2e_ms),
        decode_tps: round_opt(r.metrics.decode_tps),
        tokens: Tokens {
            input: t.input,
            cached_input: t.cached_input,
            output: t.output,
            reasoning: t.reasoning,
            source: t.source.as_str(),
            cache_write: t.cache_write,
        },
        cost_usd: r.cost.usd.map(round_usd),
        cost_source: r.cost.source.as_str(),
        retries: r.metrics.retries,
        text: clean(&r.text),
        error: r.error.as_ref().map(error_line),
        reasoning: clean(&r.reasoning),
        cost_estimated: r.cost.estimated,
        computed_cost_usd: r.cost.computed_usd.map(round_usd),
        price: r.price.as_ref().map(|p| PriceRef {
            as_of: &p.as_of,
            source: &p.source,
        }),
        ttfb_ms: round_opt(r.metrics.ttfb_ms),
        gap_p50_ms: round_opt(r.metrics.gap_p50_ms),
        gap_p95_ms: round_opt(r.metrics.gap_p95_ms),
        server: r.metrics.server.as_ref(),
        provider: m.map(|m| m.provider.id.as_str()),
        open_weights: r.open_weights,
        simulated: r.simulated,
    }
}
