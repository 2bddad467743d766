//! Text of the store, the `sessions`, `export` and `import` commands.

use std::path::Path;

pub fn cannot_create_folder(dir: &Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot create the data folder {}: {err}", dir.display())
}
pub fn cannot_open(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot open the session store {}: {err}", path.display())
}
pub fn not_a_database(path: &Path) -> String {
    format!(
        "the session store {} is corrupt or not a juxta database; move it aside (juxta will start a new one) \
         or restore it from a backup",
        path.display()
    )
}
pub fn locked(path: &Path) -> String {
    format!(
        "the session store {} is locked by another process; try again in a moment",
        path.display()
    )
}
pub fn too_new(path: &Path, found: u32, supported: u32) -> String {
    format!(
        "the session store {} has schema version {found}, newer than this juxta understands ({supported}); \
         upgrade juxta",
        path.display()
    )
}
pub fn sql(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("session store {}: {err}", path.display())
}
pub fn bad_row(path: &Path, what: &str, err: &dyn std::fmt::Display) -> String {
    format!(
        "session store {}: a saved {what} cannot be read ({err})",
        path.display()
    )
}
pub fn not_found(id: &str) -> String {
    format!("no session with id '{id}' (see `juxta sessions list`)")
}
pub fn exists(id: &str) -> String {
    format!(
        "a session with id '{id}' already exists; nothing was imported (remove it first with `juxta sessions rm {id}`)"
    )
}
pub fn no_data_dir() -> &'static str {
    "cannot find a data folder for the session store (set XDG_DATA_HOME or HOME)"
}
pub fn no_turn(id: &str, turn: u32) -> String {
    format!("session '{id}' has no turn {turn}")
}

// ---- sessions command ----
pub const NO_SESSIONS: &str = "no saved sessions yet";
pub const NO_MATCHES: &str = "no session matches";
pub const UNPRICED: &str = "unpriced";
pub const SIMULATED: &str = "simulated";
pub fn confirm_rm(id: &str, title: &str) -> String {
    format!("remove session {id} \"{title}\"? [y/N] ")
}
pub fn removed(id: &str) -> String {
    format!("removed session {id}")
}
pub const NOT_REMOVED: &str = "not removed";
pub fn session_saved(id: &str) -> String {
    format!("session: {id}")
}

// ---- import / export ----
pub fn import_read(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot read {}: {err}", path.display())
}
pub fn import_parse(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("{} is not a juxta session export: {err}", path.display())
}
pub fn import_invalid(path: &Path, what: &str) -> String {
    format!("{} is not a valid juxta session: {what}", path.display())
}
pub fn imported(id: &str, title: &str) -> String {
    format!("imported session {id} \"{title}\"")
}
pub fn export_write(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot write {}: {err}", path.display())
}

// ---- export text ----
pub const METRIC_DEFINITIONS: &[(&str, &str)] = &[
    (
        "t0",
        "the moment the request is handed to the HTTP client (after any local queueing)",
    ),
    ("TTFB", "t0 → first byte of the response body"),
    (
        "TTFT",
        "t0 → first non-empty text or reasoning delta (comments, role-only and empty chunks do not count)",
    ),
    (
        "TTFAT",
        "time to first answer token: t0 → first non-empty text delta (differs from TTFT for reasoning models)",
    ),
    ("E2E", "t0 → end of stream"),
    (
        "tok/s",
        "decode rate: output tokens ÷ (last token − first token), TTFT excluded; none with one token or zero duration",
    ),
    ("gaps", "inter-chunk gaps between content deltas, p50 / p95"),
    (
        "tokens",
        "input, cached input, output, reasoning: from the provider's usage when reported, else the server's own count, else estimated with a tokenizer (marked ~)",
    ),
    (
        "cost",
        "the provider's reported cost, else the price table (USD per 1M tokens, as of the date shown), $0 for local models; \"unpriced\" when no price is known",
    ),
    (
        "retries",
        "attempts before the one that produced the answer; TTFT counts from that attempt",
    ),
];
pub const H_DEFINITIONS: &str = "Metric definitions";
pub const H_PRICES: &str = "Prices used";
pub const H_METRICS: &str = "Metrics";
pub const H_TOTALS: &str = "Totals per model";
pub const H_CHARTS: &str = "Charts";
pub const ESTIMATE_NOTE: &str =
    "~ marks an estimate (tokens counted locally, or a cost computed from them).";
pub const SIMULATED_NOTE: &str =
    "simulated: produced by juxta's built-in demo models, not a real model.";
pub const COL_MODEL: &str = "Model";
pub const COL_STATUS: &str = "Status";
pub const COL_INPUT: &str = "In";
pub const COL_OUTPUT: &str = "Out";
pub const COL_REASONING: &str = "Reasoning";
pub const COL_COST: &str = "Cost";
pub const COL_RETRIES: &str = "Retries";
pub const COL_PRICE_IN: &str = "Input $/1M";
pub const COL_PRICE_OUT: &str = "Output $/1M";
pub const COL_PRICE_CACHED: &str = "Cached $/1M";
pub const COL_AS_OF: &str = "As of";
pub const COL_SOURCE: &str = "Source";
pub const NO_PRICE: &str = "no price";
pub const LOCAL: &str = "local";
pub const REPORTED: &str = "reported";
pub const UNKNOWN: &str = "unknown";
pub const NO_ANSWER: &str = "(no answer)";
pub const REASONING: &str = "Reasoning";
pub const PROMPT: &str = "Prompt";
pub const SYSTEM: &str = "System";
pub fn turn_heading(n: u32) -> String {
    format!("Turn {n}")
}
pub fn chart_title(metric: &str) -> String {
    format!("{metric} per model")
}
pub const CHART_TTFT: &str = "TTFT, mean (ms, lower is better)";
pub const CHART_TPS: &str = "Decode tok/s, mean (higher is better)";
pub const CHART_TOKENS: &str = "Output tokens, total";
pub const CHART_COST: &str = "Cost, total (USD)";
pub fn exported_by(version: &str) -> String {
    format!("Exported by juxta {version}")
}
