//! `juxta replay FILE -m MODEL... [--repeat N] [--concurrency K] [--max-cost USD] [--json]`:
//! a prompt set replayed across models, headless. Progress on stderr (a bar on a terminal,
//! plain lines otherwise), results on stdout: a per-model summary table, or with `--json` one
//! line per settled cell (the `juxta run` summary plus `prompt_id` and `repeat`) and a
//! `model_summary` line per model. Exit codes: 0 every cell answered, 1 some cell failed or
//! did not run (cap, interrupt), 2 usage, config or prompt-set error.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{EXIT_MODEL_FAILED, EXIT_OK, EXIT_USAGE, run as run_cmd, table};
use crate::catalog::{Config, ResolvedModel};
use crate::cli::ReplayArgs;
use crate::engine::Engine;
use crate::engine::replay::{
    self, CellKey, CheckpointSink, Estimate, ModelSummary, OutputBasis, Plan, ReplayEvent,
    ReplaySpec, RunOptions, StopReason,
};
use crate::promptset;
use crate::provider::Params;
use crate::record::{ResponseRecord, Status};
use crate::sanitize::clean;
use crate::store::{self, Store};
use crate::strings::replay as s;

pub fn run(args: ReplayArgs, config_path: Option<&Path>) -> u8 {
    match prepare(&args, config_path) {
        Ok(p) => execute(&args, p),
        Err(msg) => {
            eprintln!("{}: {msg}", s::PREFIX);
            EXIT_USAGE
        }
    }
}

struct Prepared {
    engine: Arc<Engine>,
    plan: Plan,
    store: Option<Store>,
    /// Records of the resumed session that were already answered (for the final summary).
    earlier: Vec<ResponseRecord>,
    estimate: Estimate,
}

fn prepare(args: &ReplayArgs, config_path: Option<&Path>) -> Result<Prepared, String> {
    if args.repeat == 0 {
        return Err(s::BAD_REPEAT.into());
    }
    if args.concurrency == 0 {
        return Err(s::BAD_CONCURRENCY.into());
    }
    if let Some(c) = args.max_cost
        && !(c.is_finite() && c >= 0.0)
    {
        return Err(s::BAD_MAX_COST.into());
    }
    if args.resume.is_some() && args.no_save {
        return Err(s::RESUME_NO_SAVE.into());
    }
    let set = promptset::load_file_or_shipped(&args.file).map_err(|e| e.to_string())?;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    let engine = Arc::new(Engine::new(Arc::new(config)));
    let mut models: Vec<ResolvedModel> = Vec::new();
    for name in &args.models {
        let m = engine.resolve(name).map_err(|e| e.to_string())?;
        if models.iter().any(|x| x.id == m.id) {
            return Err(s::duplicate_model(&m.id));
        }
        models.push(m);
    }
    let store = if args.no_save {
        None
    } else {
        Some(Store::open_default().map_err(|e| e.to_string())?)
    };
    let existing = match (&args.resume, &store) {
        (Some(id), Some(st)) => Some(st.load_session(id).map_err(|e| e.to_string())?),
        _ => None,
    };
    let earlier: Vec<ResponseRecord> = existing
        .iter()
        .flat_map(|s| s.turns.iter().flat_map(|t| t.responses.iter()))
        .filter(|r| r.status == Status::Ok)
        .cloned()
        .collect();
    let spec = ReplaySpec {
        set,
        models,
        repeats: args.repeat,
        system: args.request.system.clone(),
        params: Params {
            temperature: args.request.temperature,
            max_tokens: args.request.max_tokens,
            seed: args.request.seed,
        },
    };
    let now = Utc::now();
    let plan = replay::plan::plan(&spec, existing, now, store::new_session_id(now))
        .map_err(|e| e.to_string())?;
    let estimate = replay::estimate::estimate(&plan.models, &plan.cells, &plan.history_output);
    Ok(Prepared {
        engine,
        plan,
        store,
        earlier,
        estimate,
    })
}

fn execute(args: &ReplayArgs, p: Prepared) -> u8 {
    let Prepared {
        engine,
        plan,
        store,
        earlier,
        estimate,
    } = p;
    let prompts = plan.new_turns.len().max(plan.session.turns.len());
    eprint!(
        "{}",
        describe_estimate(
            &estimate,
            prompts,
            plan.models.len(),
            args.repeat,
            plan.skipped
        )
    );
    if let (Some(cap), Some(total)) = (args.max_cost, estimate.priced_total())
        && total > cap
        && !args.force
    {
        eprintln!("{}: {}", s::PREFIX, s::refuse_over_cap(total, cap));
        return EXIT_USAGE;
    }
    if args.max_cost.is_some() {
        let unpriced = estimate.unpriced();
        if estimate.priced_total().is_none() {
            eprintln!("{}: {}", s::PREFIX, s::CAP_UNENFORCEABLE);
        } else if !unpriced.is_empty() {
            eprintln!("{}: {}", s::PREFIX, s::cap_ignores(&unpriced));
        }
    }
    if plan.cells.is_empty() {
        eprintln!("{}: {}", s::PREFIX, s::NOTHING_TO_DO);
    }
    let saving = store.is_some();
    if saving {
        eprintln!("session: {}", plan.session.id);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{}: {e}", s::PREFIX);
            return EXIT_USAGE;
        }
    };
    let models = plan.models.clone();
    let model_ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    let session_id = plan.session.id.clone();
    let opts = RunOptions {
        concurrency: args.concurrency,
        max_cost: args.max_cost,
        run_id: 1,
    };
    // The runner runs on this thread, borrowing the store: streaming text is checkpointed
    // through the store's SessionWriter, final records written as cells settle.
    let sink = store
        .as_ref()
        .map(|st| Box::new(CheckpointSink::new(st, &session_id)));
    let report = rt.block_on(async {
        let (tx, mut events) = mpsc::channel(256);
        let cancel = CancellationToken::new();
        let runner = replay::run(plan, engine, sink, opts, tx, cancel.clone());
        let consume = async {
            let mut progress = Progress::new(args.json, std::io::stderr().is_terminal());
            let mut interrupted = false;
            loop {
                tokio::select! {
                    ev = events.recv() => match ev {
                        Some(ev) => progress.on_event(&ev, &models),
                        None => break,
                    },
                    _ = tokio::signal::ctrl_c(), if !interrupted => {
                        interrupted = true;
                        progress.clear();
                        eprintln!("{}: {}", s::PREFIX, s::INTERRUPTING);
                        cancel.cancel();
                    }
                }
            }
            progress.clear();
        };
        let (report, ()) = tokio::join!(runner, consume);
        report
    });

    for e in &report.save_errors {
        eprintln!("{}: {}", s::PREFIX, s::save_failed(e));
    }
    match report.stopped {
        Some(StopReason::CostCap { spent_usd, cap_usd }) => {
            eprintln!(
                "{}: {}",
                s::PREFIX,
                s::stopped_at_cap(spent_usd, cap_usd, report.not_started)
            )
        }
        Some(StopReason::Cancelled) => {
            eprintln!("{}: {}", s::PREFIX, s::cancelled(report.not_started))
        }
        None => {}
    }
    let all: Vec<&ResponseRecord> = earlier
        .iter()
        .chain(report.settled.iter().map(|(_, r)| r))
        .collect();
    let mut summaries = replay::summarize(&model_ids, all.iter().copied());
    let simulated = |id: &str| models.iter().any(|m| m.id == id && m.simulated);
    let mut out = std::io::stdout().lock();
    if args.json {
        for m in &summaries {
            let mut line = model_summary_json(m);
            line["simulated"] = json!(simulated(&m.model));
            let _ = writeln!(out, "{line}");
        }
    } else {
        // Simulated models are marked as in `juxta run`'s table.
        for m in &mut summaries {
            if simulated(&m.model) {
                m.model = s::simulated_model(&m.model);
            }
        }
        let _ = write!(out, "{}", summary_table(&summaries));
    }
    let _ = out.flush();
    let incomplete = report.stopped.is_some() || report.not_started > 0;
    if saving && (incomplete || report.failures() > 0) {
        eprintln!(
            "{}: {}",
            s::PREFIX,
            s::resume_hint(&args.file.display().to_string(), &model_ids, &session_id)
        );
    }
    if report.failures() > 0 || incomplete {
        EXIT_MODEL_FAILED
    } else {
        EXIT_OK
    }
}

/// The estimate, as told before the run starts.
pub fn describe_estimate(
    e: &Estimate,
    prompts: usize,
    models: usize,
    repeats: u32,
    skipped: usize,
) -> String {
    let mut out = s::estimate_header(e.cells(), prompts, models, repeats, skipped);
    out.push('\n');
    for m in &e.models {
        if m.cells == 0 {
            continue;
        }
        let input = if m.input_exact {
            s::tokens_exact(m.input_tokens)
        } else {
            s::tokens_estimated(m.input_tokens)
        };
        let output = match m.output_basis {
            OutputBasis::MaxTokens => s::output_max_tokens(m.output_tokens),
            OutputBasis::History => s::output_history(m.output_tokens),
            OutputBasis::Default => {
                s::output_default(m.output_tokens, replay::estimate::DEFAULT_OUTPUT_TOKENS)
            }
        };
        let cost = match m.usd {
            Some(v) if m.cost_source == crate::cost::CostSource::Local => {
                format!("{} (local)", table::usd(v))
            }
            Some(v) => format!("~{}", table::usd(v)),
            None => s::UNPRICED.to_string(),
        };
        out.push_str(&format!(
            "  {}: {} cells, {input}, {output}, {cost}\n",
            m.model, m.cells
        ));
    }
    match e.priced_total() {
        Some(t) => out.push_str(&s::estimate_total(&table::usd(t), &e.unpriced())),
        None => out.push_str(&s::estimate_all_unpriced()),
    }
    out.push('\n');
    out
}

fn model_summary_json(m: &ModelSummary) -> serde_json::Value {
    json!({
        "type": "model_summary",
        "model": m.model,
        "cells": m.cells,
        "failures": m.failures,
        "median_ttft_ms": m.median_ttft_ms.map(|v| (v * 10.0).round() / 10.0),
        "median_decode_tps": m.median_decode_tps.map(|v| (v * 10.0).round() / 10.0),
        "tokens": {
            "input": m.input_tokens,
            "output": m.output_tokens,
            "estimated": m.tokens_estimated,
        },
        "cost_usd": m.cost_usd.map(run_cmd::round_usd),
        "unpriced_cells": m.unpriced_cells,
        "unknown_cost_cells": m.unknown_cost_cells,
        "cost_estimated": m.cost_estimated,
    })
}

/// The per-model table printed at the end.
pub fn summary_table(summaries: &[ModelSummary]) -> String {
    let mut rows = vec![
        s::SUMMARY_HEADER
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>(),
    ];
    for m in summaries {
        let mark = if m.tokens_estimated { "~" } else { "" };
        let tok =
            |v: Option<u64>| v.map_or_else(|| table::MISSING.to_string(), |n| format!("{mark}{n}"));
        let cost = match m.cost_usd {
            None if m.unpriced_cells > 0 => s::UNPRICED.to_string(),
            None => table::MISSING.to_string(),
            Some(v) => {
                let mark = if m.cost_estimated { "~" } else { "" };
                s::cost_with_gaps(
                    &format!("{mark}{}", table::usd(v)),
                    m.unpriced_cells,
                    m.unknown_cost_cells,
                )
            }
        };
        rows.push(vec![
            m.model.clone(),
            table::ms(m.median_ttft_ms),
            table::rate(m.median_decode_tps),
            tok(m.input_tokens),
            tok(m.output_tokens),
            cost,
            m.failures.to_string(),
            m.cells.to_string(),
        ]);
    }
    table::render(&rows, 1)
}

/// Progress on stderr and, with `--json`, cell lines on stdout.
struct Progress {
    json: bool,
    bar: bool,
    total: usize,
    done: usize,
    failed: usize,
    running: usize,
    spent: f64,
    unpriced: usize,
    drawn: bool,
}

impl Progress {
    fn new(json: bool, bar: bool) -> Self {
        Progress {
            json,
            bar,
            total: 0,
            done: 0,
            failed: 0,
            running: 0,
            spent: 0.0,
            unpriced: 0,
            drawn: false,
        }
    }

    fn on_event(&mut self, ev: &ReplayEvent, models: &[ResolvedModel]) {
        match ev {
            ReplayEvent::Planned { cells, .. } => self.total = *cells,
            ReplayEvent::CellStarted { .. } => self.running += 1,
            ReplayEvent::CellStream { .. } => return,
            ReplayEvent::CellSettled { cell, record, .. } => {
                self.running = self.running.saturating_sub(1);
                self.done += 1;
                if record.status != Status::Ok {
                    self.failed += 1;
                }
                if self.json {
                    let mut v = run_cmd::summary(record, models.get(cell.model_index));
                    v["prompt_id"] = json!(cell.prompt_id);
                    v["repeat"] = json!(cell.repeat);
                    v["turn"] = json!(cell.turn);
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{v}");
                    let _ = out.flush();
                }
                if !self.bar {
                    eprintln!("{}", self.cell_line(cell, record));
                }
            }
            ReplayEvent::Spent {
                usd,
                unpriced_cells,
            } => {
                self.spent = *usd;
                self.unpriced = *unpriced_cells;
            }
            ReplayEvent::StoppedAtCap {
                spent_usd,
                cap_usd,
                not_started,
                in_flight,
            } => {
                self.clear();
                eprintln!(
                    "{}: {}",
                    s::PREFIX,
                    s::cap_reached(
                        &table::usd(*spent_usd),
                        &table::usd(*cap_usd),
                        *not_started,
                        *in_flight
                    )
                );
            }
            ReplayEvent::Finished { .. } => {}
        }
        if self.bar {
            self.draw();
        }
    }

    fn cell_line(&self, cell: &CellKey, r: &ResponseRecord) -> String {
        let status = match &r.error {
            Some(e) => format!(
                "{} ({}: {})",
                r.status.as_str(),
                e.kind.as_str(),
                clean(&e.message)
            ),
            None => r.status.as_str().to_string(),
        };
        format!(
            "[{}/{}] {} × {} #{}: {status}, ttft {}, {}",
            self.done,
            self.total,
            cell.prompt_id,
            cell.model,
            cell.repeat + 1,
            table::ms(r.metrics.ttft_ms),
            table::cost(&r.cost)
        )
    }

    fn draw(&mut self) {
        const WIDTH: usize = 24;
        let filled = (self.done * WIDTH).checked_div(self.total).unwrap_or(WIDTH);
        let bar: String = "█".repeat(filled) + &"░".repeat(WIDTH - filled.min(WIDTH));
        let line = s::progress_line(
            &bar,
            self.done,
            self.total,
            self.running,
            self.failed,
            &table::usd(self.spent),
            self.unpriced,
        );
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}
