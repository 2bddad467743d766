//! `juxta run`: one prompt streamed to several models at once, headless (DESIGN §2). Text mode
//! prints each answer as it completes, then a metrics table; `--json` prints JSON lines as
//! events happen. Results on stdout, progress and errors on stderr.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::table;
use super::{EXIT_MODEL_FAILED, EXIT_OK, EXIT_USAGE};
use crate::catalog::{Config, ResolvedModel};
use crate::cli::RunArgs;
use crate::engine::{Engine, EngineEvent, EventKind, Job, JobHandle, JobTag};
use crate::provider::{ChatRequest, Message, Params, StreamEvent};
use crate::record::{ResponseRecord, Status};
use crate::sanitize::clean;
use crate::strings::cli as s;

/// The seam where saving plugs in (`--no-save` skips it): it sees every engine event in order
/// and is told when the run is over. Until the store is wired, it saves nothing.
pub struct Saver {
    _private: (),
}

impl Saver {
    /// Open the store and create the session; None when saving is off or not possible.
    pub fn open(args: &RunArgs, _prompt: &str, _models: &[ResolvedModel]) -> Option<Saver> {
        if args.no_save {
            return None;
        }
        None
    }
    /// Called for every engine event (checkpoint while streaming, final save on `Done`).
    pub fn on_event(&mut self, _ev: &EngineEvent) {}
    /// The run is over; returns the session id to print on stderr.
    pub fn finish(self) -> Option<String> {
        None
    }
}

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
        eprintln!("{}: {}", s::PREFIX, s::unknown_models(&unknown));
        eprintln!("{}: {}", s::PREFIX, s::SEE_MODELS);
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
                run: 1,
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
    let mut remaining = models.len();
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
            _ = tokio::signal::ctrl_c() => {
                if interrupted {
                    return EXIT_MODEL_FAILED;
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
        eprintln!("{}: saved session {id}", s::PREFIX);
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

    fn line(&mut self, v: &Value) {
        let mut lock = self.stdout.lock();
        let _ = writeln!(lock, "{v}");
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
                    self.line(&json!({"type": "start", "model": model, "t_ms": 0.0}));
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
                self.line(
                    &json!({"type": "delta", "model": model, "t_ms": t_ms, "text": clean(t)}),
                );
            }
            EventKind::Stream(StreamEvent::Reasoning(t)) if self.json && !t.is_empty() => {
                let t_ms = t_ms(self.t0.get(&pane));
                self.line(
                    &json!({"type": "delta", "model": model, "t_ms": t_ms, "reasoning": clean(t)}),
                );
            }
            EventKind::Stream(_) => {}
            EventKind::Done(r) => {
                if self.json {
                    if let Some(e) = &r.error {
                        let t_ms = round1(r.metrics.e2e_ms.unwrap_or(0.0));
                        self.line(&json!({"type": "error", "model": model, "t_ms": t_ms, "error": {
                            "kind": e.kind.as_str(), "status": e.status, "message": clean(&e.message)}}));
                    }
                    let m = self.models.get(pane as usize).cloned();
                    self.line(&summary(r, m.as_ref()));
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
        if estimated {
            text.push_str(s::TOKENS_NOTE);
            text.push('\n');
        }
        let mut lock = self.stdout.lock();
        let _ = lock.write_all(text.as_bytes());
        let _ = lock.flush();
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round_opt(v: Option<f64>) -> Option<f64> {
    v.map(round1)
}

/// The `summary` line of DESIGN §2 (fields may be added, never renamed).
pub fn summary(r: &ResponseRecord, m: Option<&ResolvedModel>) -> Value {
    let t = &r.metrics.tokens;
    let mut v = json!({
        "type": "summary",
        "model": r.model,
        "status": r.status.as_str(),
        "ttft_ms": round_opt(r.metrics.ttft_ms),
        "ttfat_ms": round_opt(r.metrics.ttfat_ms),
        "e2e_ms": round_opt(r.metrics.e2e_ms),
        "decode_tps": r.metrics.decode_tps.map(round1),
        "tokens": {
            "input": t.input,
            "cached_input": t.cached_input,
            "cache_write": t.cache_write,
            "output": t.output,
            "reasoning": t.reasoning,
            "source": t.source.as_str(),
        },
        "cost_usd": r.cost.usd,
        "cost_source": r.cost.source.as_str(),
        "cost_estimated": r.cost.estimated,
        "retries": r.metrics.retries,
        "text": clean(&r.text),
        "reasoning": clean(&r.reasoning),
        "ttfb_ms": round_opt(r.metrics.ttfb_ms),
        "gap_p50_ms": round_opt(r.metrics.gap_p50_ms),
        "gap_p95_ms": round_opt(r.metrics.gap_p95_ms),
        "open_weights": r.open_weights,
        "simulated": r.simulated,
    });
    if let Some(c) = r.cost.computed_usd {
        v["computed_cost_usd"] = json!(c);
    }
    if let Some(p) = &r.price {
        v["price"] = json!({"as_of": p.as_of, "source": p.source});
    }
    if let Some(e) = &r.error {
        v["error"] =
            json!({"kind": e.kind.as_str(), "status": e.status, "message": clean(&e.message)});
    }
    if let Some(st) = &r.metrics.server {
        v["server"] = json!(st);
    }
    if let Some(m) = m {
        v["provider"] = json!(m.provider.id);
    }
    v
}
