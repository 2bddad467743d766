//! Markdown export.
//!
//! Layout: per turn the prompt (a quote), then the answers. When every answer of the turn is
//! one short line they sit side by side in a table with one column per model; otherwise each
//! model gets its own section under the prompt, in pane order. Real answers are multi-paragraph
//! Markdown with lists and code blocks, which a table cell cannot hold (no newlines in GFM
//! cells), so sections keep them readable and copyable; the side-by-side comparison then lives
//! in the metrics table that closes each turn, where every figure is one short cell.

use std::fmt::Write;

use super::figures::{self as fig, MISSING};
use crate::record::{ResponseRecord, Session, Turn};
use crate::sanitize::clean;
use crate::strings::store as text;

const SHORT: usize = 100;

pub fn to_markdown(s: &Session) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", one_line(&s.title));
    let _ = writeln!(o, "- id: `{}`", s.id);
    let _ = writeln!(
        o,
        "- created: {}",
        s.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let models: Vec<String> = fig::totals(s)
        .iter()
        .map(|t| {
            if t.simulated {
                format!("`{}` ({})", t.model, text::SIMULATED)
            } else {
                format!("`{}`", t.model)
            }
        })
        .collect();
    let _ = writeln!(o, "- models: {}", models.join(", "));
    if !s.tags.is_empty() {
        let _ = writeln!(
            o,
            "- tags: {}",
            s.tags
                .iter()
                .map(|t| one_line(t))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(p) = &s.prompt_set {
        let _ = writeln!(o, "- prompt set: {}", one_line(p));
    }
    o.push('\n');
    for t in &s.turns {
        turn(&mut o, t);
    }
    totals(&mut o, s);
    prices(&mut o, s);
    definitions(&mut o);
    o
}

fn turn(o: &mut String, t: &Turn) {
    let _ = write!(o, "## {}", text::turn_heading(t.index + 1));
    if let Some(id) = &t.prompt_id {
        let _ = write!(o, " · `{}`", one_line(id));
    }
    o.push_str("\n\n");
    if let Some(sys) = &t.system {
        let _ = writeln!(o, "**{}:** {}\n", text::SYSTEM, one_line(sys));
    }
    quote(o, &clean(&t.prompt));
    o.push('\n');
    let short = t.responses.iter().all(|r| {
        let a = answer(r);
        a.chars().count() <= SHORT && !a.contains('\n') && r.reasoning.is_empty()
    });
    if short && !t.responses.is_empty() {
        let heads: Vec<String> = t
            .responses
            .iter()
            .map(|r| cell(&fig::model_label(r)))
            .collect();
        table_row(o, &heads);
        table_row(o, &vec!["---".to_owned(); heads.len()]);
        table_row(
            o,
            &t.responses
                .iter()
                .map(|r| cell(&answer(r)))
                .collect::<Vec<_>>(),
        );
        o.push('\n');
    } else {
        for r in &t.responses {
            let _ = writeln!(o, "### {}\n", fig::model_label(r));
            if !r.reasoning.is_empty() {
                let _ = writeln!(o, "<details><summary>{}</summary>\n", text::REASONING);
                quote(o, &clean(&r.reasoning));
                o.push_str("\n</details>\n\n");
            }
            let a = answer(r);
            o.push_str(a.trim_end());
            o.push_str("\n\n");
            if let Some(e) = &r.error {
                let _ = writeln!(o, "> **{}**: {}\n", fig::status(r), one_line(&e.message));
            }
        }
    }
    metrics(o, &t.responses);
}

fn answer(r: &ResponseRecord) -> String {
    if r.text.is_empty() {
        format!("_{}_", text::NO_ANSWER)
    } else {
        clean(&r.text).into_owned()
    }
}

fn metrics(o: &mut String, rs: &[ResponseRecord]) {
    if rs.is_empty() {
        return;
    }
    let _ = writeln!(o, "**{}**\n", text::H_METRICS);
    table_row(
        o,
        &[
            text::COL_MODEL,
            text::COL_STATUS,
            "TTFT",
            "TTFAT",
            "E2E",
            "tok/s",
            text::COL_INPUT,
            text::COL_OUTPUT,
            text::COL_REASONING,
            text::COL_RETRIES,
            text::COL_COST,
        ]
        .map(str::to_owned),
    );
    table_row(
        o,
        &[
            "---", "---", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:",
        ]
        .map(str::to_owned),
    );
    for r in rs {
        let m = &r.metrics;
        let src = m.tokens.source;
        table_row(
            o,
            &[
                cell(&fig::model_label(r)),
                cell(&fig::status(r)),
                fig::ms(m.ttft_ms),
                fig::ms(m.ttfat_ms),
                fig::ms(m.e2e_ms),
                fig::tps(m.decode_tps),
                fig::tokens(m.tokens.input, src),
                fig::tokens(m.tokens.output, src),
                fig::tokens(m.tokens.reasoning, src),
                m.retries.to_string(),
                fig::cost(&r.cost),
            ],
        );
    }
    o.push('\n');
}

fn totals(o: &mut String, s: &Session) {
    let _ = writeln!(o, "## {}\n", text::H_TOTALS);
    table_row(
        o,
        &[
            text::COL_MODEL,
            "answered",
            "TTFT mean",
            "tok/s mean",
            "output tokens",
            text::COL_COST,
        ]
        .map(str::to_owned),
    );
    table_row(
        o,
        &["---", "--:", "--:", "--:", "--:", "--:"].map(str::to_owned),
    );
    for t in fig::totals(s) {
        let label = if t.simulated {
            format!("{} ({})", t.model, text::SIMULATED)
        } else {
            t.model.clone()
        };
        let out = match t.output_tokens {
            Some(n) if t.output_estimated => format!("~{n}"),
            Some(n) => n.to_string(),
            None => MISSING.into(),
        };
        let cost = match t.cost {
            Some(v) if t.cost_estimated && v != 0.0 => format!("~{}", fig::usd(v)),
            Some(v) => fig::usd(v),
            None => text::UNPRICED.into(),
        };
        table_row(
            o,
            &[
                cell(&label),
                t.answered.to_string(),
                fig::ms(t.ttft_mean),
                fig::tps(t.tps_mean),
                out,
                cost,
            ],
        );
    }
    let _ = writeln!(o, "\n{}  \n{}\n", text::ESTIMATE_NOTE, text::SIMULATED_NOTE);
}

fn prices(o: &mut String, s: &Session) {
    let _ = writeln!(o, "## {}\n", text::H_PRICES);
    table_row(
        o,
        &[
            text::COL_MODEL,
            text::COL_PRICE_IN,
            text::COL_PRICE_OUT,
            text::COL_PRICE_CACHED,
            text::COL_AS_OF,
            text::COL_SOURCE,
        ]
        .map(str::to_owned),
    );
    table_row(
        o,
        &["---", "--:", "--:", "--:", "---", "---"].map(str::to_owned),
    );
    for t in fig::totals(s) {
        let row = match &t.price {
            Some(p) => [
                cell(&t.model),
                format!("{}", p.input),
                format!("{}", p.output),
                p.cached_input
                    .map_or_else(|| MISSING.into(), |v| v.to_string()),
                cell(&p.as_of),
                cell(&p.source),
            ],
            None => {
                let why = if t.simulated {
                    text::SIMULATED
                } else {
                    text::UNPRICED
                };
                [
                    cell(&t.model),
                    why.into(),
                    why.into(),
                    MISSING.into(),
                    MISSING.into(),
                    text::NO_PRICE.into(),
                ]
            }
        };
        table_row(o, &row);
    }
    o.push('\n');
}

fn definitions(o: &mut String) {
    let _ = writeln!(o, "## {}\n", text::H_DEFINITIONS);
    for (k, v) in text::METRIC_DEFINITIONS {
        let _ = writeln!(o, "- **{k}**: {v}");
    }
}

fn quote(o: &mut String, s: &str) {
    for line in s.lines() {
        if line.is_empty() {
            o.push_str(">\n");
        } else {
            let _ = writeln!(o, "> {line}");
        }
    }
}

fn table_row(o: &mut String, cells: &[String]) {
    o.push('|');
    for c in cells {
        let _ = write!(o, " {c} |");
    }
    o.push('\n');
}

/// Text fit for a table cell: one line, pipes escaped.
fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

fn one_line(s: &str) -> String {
    clean(s).split_whitespace().collect::<Vec<_>>().join(" ")
}
