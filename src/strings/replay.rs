//! Text of prompt sets, the replay runner and `juxta replay`.

// ---- prompt sets ----

pub const NO_PROMPTS: &str = "no prompts in this file";
pub const EMPTY_ID: &str = "a prompt id must be a non-empty string";
pub const JSONL_NOT_OBJECT: &str = "each line must be a JSON object such as {\"prompt\": \"...\"}";
pub const JSONL_NO_PROMPT: &str = "this line has no \"prompt\" field";
pub const JSONL_PROMPT_NOT_STRING: &str = "\"prompt\" must be a string";

pub fn read_failed(err: &str) -> String {
    format!("cannot read the prompt set: {err}")
}
pub fn not_found_shipped(msg: &str, shipped: &[&str]) -> String {
    format!(
        "{msg} (shipped prompt sets, usable by name: {})",
        shipped.join(", ")
    )
}
pub fn bad_toml(msg: &str) -> String {
    format!("not a valid prompt set: {}", msg.trim_end())
}
pub fn bad_json(msg: &str) -> String {
    format!("not valid JSON: {msg}")
}
pub fn jsonl_unknown_key(key: &str) -> String {
    format!("unknown field \"{key}\" (expected prompt, id, system, vars, tags)")
}
pub fn field_type(field: &str, expected: &str) -> String {
    format!("\"{field}\" must be {expected}")
}
pub fn duplicate_id(id: &str, first_line: usize) -> String {
    format!("duplicate prompt id '{id}' (first used on line {first_line})")
}
pub fn empty_prompt(id: &str) -> String {
    format!("prompt '{id}' is empty")
}
pub fn unknown_var(name: &str, id: &str) -> String {
    format!(
        "unknown variable '{{{{{name}}}}}' in prompt '{id}' (define it in the prompt's vars or in [vars])"
    )
}
pub fn bad_var_value(name: &str) -> String {
    format!("variable '{name}' must be a string, a number or a boolean")
}

// ---- planning ----

pub fn session_title(set: &str, prompts: usize, models: usize) -> String {
    format!("replay: {set} ({prompts} prompts × {models} models)")
}
pub fn prompt_changed(id: &str, session: &str) -> String {
    format!(
        "prompt '{id}' differs from the one saved in session {session}: resume with the same prompt set, or start a new replay"
    )
}
pub fn not_a_replay(session: &str) -> String {
    format!("session {session} is not a replay")
}
pub fn resume_models_differ(session: &str, models: &[String]) -> String {
    format!(
        "session {session} replayed {}: pass the same models with -m to resume it",
        models.join(", ")
    )
}

// ---- juxta replay ----

pub const PREFIX: &str = "juxta replay";
pub const BAD_REPEAT: &str = "--repeat must be at least 1";
pub const BAD_CONCURRENCY: &str = "--concurrency must be at least 1";
pub const BAD_MAX_COST: &str = "--max-cost must be a number of dollars, 0 or more";
pub const RESUME_NO_SAVE: &str =
    "--resume continues a saved session: it cannot be combined with --no-save";
pub const NOTHING_TO_DO: &str = "every cell is already answered: nothing to run";
pub const INTERRUPTING: &str =
    "interrupted: cancelling the cells in flight (answered cells are saved)";
pub const UNPRICED: &str = "unpriced";
pub const CAP_UNENFORCEABLE: &str =
    "warning: no model in this replay has a price, so --max-cost cannot stop it";
/// A simulated model's name in the summary table.
pub fn simulated_model(id: &str) -> String {
    format!("{id} (sim)")
}

pub const SUMMARY_HEADER: [&str; 8] = [
    "model",
    "median TTFT",
    "median tok/s",
    "input tok",
    "output tok",
    "cost",
    "failed",
    "cells",
];

pub fn duplicate_model(id: &str) -> String {
    format!("model {id} is named twice")
}
pub fn estimate_header(
    cells: usize,
    prompts: usize,
    models: usize,
    repeats: u32,
    skipped: usize,
) -> String {
    let mut s = format!(
        "estimate: {cells} cells ({prompts} prompt{} × {models} model{} × {repeats} repeat{}",
        plural(prompts),
        plural(models),
        plural(repeats as usize)
    );
    if skipped > 0 {
        s.push_str(&format!(", {skipped} already answered and skipped"));
    }
    s.push(')');
    s
}
pub fn tokens_exact(n: u64) -> String {
    format!("input {n} tok (o200k with chat formatting, exact)")
}
pub fn tokens_estimated(n: u64) -> String {
    format!("input ~{n} tok (estimated with o200k; the model's own tokenizer differs)")
}
pub fn output_max_tokens(n: u64) -> String {
    format!("output ≤{n} tok (max_tokens)")
}
pub fn output_history(n: u64) -> String {
    format!("output ~{n} tok (mean of earlier answers)")
}
pub fn output_default(n: u64, per_cell: u64) -> String {
    format!("output ~{n} tok (assumed {per_cell} per cell; set max_tokens for a bound)")
}
pub fn estimate_total(total: &str, unpriced: &[&str]) -> String {
    let mut s = format!("estimated total: ~{total}");
    if !unpriced.is_empty() {
        s.push_str(&format!(
            " (not counting unpriced models: {})",
            unpriced.join(", ")
        ));
    }
    s
}
pub fn estimate_all_unpriced() -> String {
    "estimated total: unknown (no model has a price)".into()
}
/// Dollars with the digits a small figure needs (a $0.000001 cap is not shown as $0.0000).
fn usd(v: f64) -> String {
    crate::commands::table::usd(v)
}
pub fn refuse_over_cap(total: f64, cap: f64) -> String {
    let (total, cap) = (usd(total), usd(cap));
    format!(
        "the estimated cost ~{total} is above --max-cost {cap} (estimate above: input tokens counted with o200k, output from max_tokens, history or the stated assumption, priced from the catalog); not starting. Lower the work, raise --max-cost, or pass --force"
    )
}
pub fn cap_reached(spent: &str, cap: &str, not_started: usize, in_flight: usize) -> String {
    format!(
        "cost cap reached: {spent} spent of {cap}; {not_started} cells will not start, {in_flight} in flight are finishing"
    )
}
pub fn stopped_at_cap(spent: f64, cap: f64, not_started: usize) -> String {
    format!(
        "stopped at the cost cap: {} spent (cap {}); {not_started} cells not run",
        usd(spent),
        usd(cap)
    )
}
pub fn cancelled(not_started: usize) -> String {
    format!("stopped by interrupt; {not_started} cells not run, cells in flight were cancelled")
}
pub fn save_failed(e: &str) -> String {
    format!("could not save: {e}")
}
pub fn resume_hint(file: &str, models: &[String], session: &str) -> String {
    let ms: String = models.iter().map(|m| format!(" -m {m}")).collect();
    format!("to run the missing or failed cells again: juxta replay {file}{ms} --resume {session}")
}
/// A cost total, with the cells it leaves out: `$0.12 + 2 unpriced + 1 unknown`.
pub fn cost_with_gaps(priced: &str, unpriced: usize, unknown: usize) -> String {
    let mut s = priced.to_string();
    if unpriced > 0 {
        s.push_str(&format!(" + {unpriced} unpriced"));
    }
    if unknown > 0 {
        s.push_str(&format!(" + {unknown} unknown"));
    }
    s
}
pub fn progress_line(
    bar: &str,
    done: usize,
    total: usize,
    running: usize,
    failed: usize,
    spent: &str,
    unpriced: usize,
) -> String {
    let mut s =
        format!("{bar} {done}/{total} cells · {running} running · {failed} failed · {spent}");
    if unpriced > 0 {
        s.push_str(&format!(" (+{unpriced} cells without a cost)"));
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn cap_ignores(unpriced: &[&str]) -> String {
    format!(
        "warning: spending on unpriced models ({}) is unknown and not counted against --max-cost",
        unpriced.join(", ")
    )
}
