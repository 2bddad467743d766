//! CSV export: one row per response with every metric and the source of each figure. A missing
//! value is an empty cell, never 0. Model text is kept whole (commas, quotes and newlines are
//! quoted by the csv crate); terminal control sequences are removed.

use crate::record::Session;
use crate::sanitize::clean;

pub const COLUMNS: &[&str] = &[
    "session_id",
    "turn",
    "prompt_id",
    "prompt",
    "pane",
    "repeat",
    "model",
    "simulated",
    "open_weights",
    "status",
    "error_kind",
    "error_status",
    "error_message",
    "ttfb_ms",
    "ttft_ms",
    "ttfat_ms",
    "e2e_ms",
    "decode_tps",
    "gap_p50_ms",
    "gap_p95_ms",
    "retries",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "token_source",
    "server_timings_source",
    "server_decode_tps",
    "cost_usd",
    "cost_source",
    "cost_estimated",
    "price_input_per_1m",
    "price_output_per_1m",
    "price_cached_input_per_1m",
    "price_as_of",
    "price_source",
    "started_at",
    "text",
    "reasoning",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub fn to_csv(s: &Session) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(|e| e.to_string())?;
    for t in &s.turns {
        for r in &t.responses {
            let m = &r.metrics;
            let tk = &m.tokens;
            let p = r.price.as_ref();
            let row: Vec<String> = vec![
                s.id.clone(),
                t.index.to_string(),
                t.prompt_id.clone().unwrap_or_default(),
                clean(&t.prompt).into_owned(),
                r.pane.to_string(),
                r.repeat.to_string(),
                r.model.clone(),
                r.simulated.to_string(),
                r.open_weights.to_string(),
                r.status.as_str().into(),
                opt(r.error.as_ref().map(|e| e.kind.as_str())),
                opt(r.error.as_ref().and_then(|e| e.status)),
                r.error
                    .as_ref()
                    .map(|e| clean(&e.message).into_owned())
                    .unwrap_or_default(),
                opt(m.ttfb_ms),
                opt(m.ttft_ms),
                opt(m.ttfat_ms),
                opt(m.e2e_ms),
                opt(m.decode_tps),
                opt(m.gap_p50_ms),
                opt(m.gap_p95_ms),
                m.retries.to_string(),
                opt(tk.input),
                opt(tk.cached_input),
                opt(tk.cache_write),
                opt(tk.output),
                opt(tk.reasoning),
                tk.source.as_str().into(),
                opt(m.server.as_ref().map(|s| s.source.clone())),
                opt(m.server.as_ref().and_then(|s| s.decode_tps())),
                opt(r.cost.usd),
                r.cost.source.as_str().into(),
                r.cost.estimated.to_string(),
                opt(p.map(|p| p.input)),
                opt(p.map(|p| p.output)),
                opt(p.and_then(|p| p.cached_input)),
                opt(p.map(|p| p.as_of.clone())),
                opt(p.map(|p| p.source.clone())),
                r.started_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                clean(&r.text).into_owned(),
                clean(&r.reasoning).into_owned(),
            ];
            w.write_record(&row).map_err(|e| e.to_string())?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}
