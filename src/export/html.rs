//! HTML export: one self-contained file (inline CSS, inline SVG charts, no scripts, no fonts, no
//! fetches). Answers sit in columns side by side; fenced code blocks are highlighted by syntect
//! with inline styles; every piece of model text is escaped, so `<script>` or `</td>` in an
//! answer stays visible text.

use std::fmt::Write;
use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::parsing::SyntaxSet;

use super::figures::{self as fig, ModelTotals};
use crate::record::{ResponseRecord, Session, Turn};
use crate::sanitize::clean;
use crate::strings::store as text;

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5rem;color:#1d1f23;background:#fff;line-height:1.45}\
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}\
.meta{color:#555}.prompt{background:#f4f6f8;border-left:4px solid #8aa;padding:.5rem .8rem;white-space:pre-wrap}\
.cols{display:grid;gap:.8rem;grid-template-columns:repeat(var(--n),minmax(16rem,1fr));overflow-x:auto}\
.col{border:1px solid #ddd;border-radius:6px;padding:.6rem;min-width:0}.col h3{font-size:1rem;margin:0 0 .4rem}\
.text{white-space:pre-wrap;overflow-wrap:anywhere}.reasoning{color:#666;white-space:pre-wrap}\
pre{padding:.5rem;overflow-x:auto;border-radius:4px}.err{color:#a00}.sim{color:#7a4;font-size:.85em}\
table{border-collapse:collapse;margin:.6rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:right}\
td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:1rem}\
.charts figure{margin:0}.charts figcaption{font-size:.9em;color:#333}";

pub fn to_html(s: &Session) -> String {
    let totals = fig::totals(s);
    let mut o = String::with_capacity(16 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>{}</title><style>{CSS}</style></head><body>\n",
        esc(&s.title)
    );
    let _ = writeln!(o, "<h1>{}</h1>", esc(&s.title));
    let models: Vec<String> = totals
        .iter()
        .map(|t| {
            let sim = if t.simulated {
                format!(" <span class=\"sim\">({})</span>", text::SIMULATED)
            } else {
                String::new()
            };
            format!("<code>{}</code>{sim}", esc(&t.model))
        })
        .collect();
    let _ = writeln!(
        o,
        "<p class=\"meta\">id <code>{}</code> · {} · {}</p>",
        esc(&s.id),
        esc(&s
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        models.join(", ")
    );
    for t in &s.turns {
        turn(&mut o, t);
    }
    let _ = writeln!(o, "<h2>{}</h2>", text::H_CHARTS);
    charts(&mut o, &totals);
    prices(&mut o, &totals);
    let _ = writeln!(o, "<h2>{}</h2><dl>", text::H_DEFINITIONS);
    for (k, v) in text::METRIC_DEFINITIONS {
        let _ = writeln!(o, "<dt><b>{}</b></dt><dd>{}</dd>", esc(k), esc(v));
    }
    let _ = writeln!(
        o,
        "</dl><p class=\"meta\">{}<br>{}<br>{}</p></body></html>",
        esc(text::ESTIMATE_NOTE),
        esc(text::SIMULATED_NOTE),
        esc(&text::exported_by(env!("CARGO_PKG_VERSION")))
    );
    o
}

fn turn(o: &mut String, t: &Turn) {
    let _ = write!(o, "<h2>{}", esc(&text::turn_heading(t.index + 1)));
    if let Some(id) = &t.prompt_id {
        let _ = write!(o, " · <code>{}</code>", esc(id));
    }
    o.push_str("</h2>\n");
    if let Some(sys) = &t.system {
        let _ = writeln!(o, "<p class=\"meta\">{}: {}</p>", text::SYSTEM, esc(sys));
    }
    let _ = writeln!(o, "<div class=\"prompt\">{}</div>", esc(&t.prompt));
    let _ = writeln!(
        o,
        "<div class=\"cols\" style=\"--n:{}\">",
        t.responses.len().max(1)
    );
    for r in &t.responses {
        let _ = write!(o, "<div class=\"col\"><h3>{}", esc(&r.model));
        if r.simulated {
            let _ = write!(o, " <span class=\"sim\">({})</span>", text::SIMULATED);
        }
        o.push_str("</h3>\n");
        if !r.reasoning.is_empty() {
            let _ = writeln!(
                o,
                "<details><summary>{}</summary><div class=\"reasoning\">{}</div></details>",
                text::REASONING,
                esc(&r.reasoning)
            );
        }
        answer(o, &r.text);
        if let Some(e) = &r.error {
            let _ = writeln!(
                o,
                "<p class=\"err\">{} — {}</p>",
                esc(&fig::status(r)),
                esc(&e.message)
            );
        }
        o.push_str("</div>\n");
    }
    o.push_str("</div>\n");
    metrics(o, &t.responses);
}

/// Plain text (escaped, whitespace kept) with fenced code blocks highlighted.
fn answer(o: &mut String, s: &str) {
    if s.is_empty() {
        let _ = writeln!(o, "<p class=\"meta\">{}</p>", text::NO_ANSWER);
        return;
    }
    let s = clean(s);
    let mut prose = String::new();
    let mut code: Option<(String, String)> = None;
    for line in s.split_inclusive('\n') {
        let fence = line.trim_start().starts_with("```");
        match (&mut code, fence) {
            (None, true) => {
                flush_prose(o, &mut prose);
                let lang = line.trim_start().trim_start_matches('`').trim().to_owned();
                code = Some((lang, String::new()));
            }
            (None, false) => prose.push_str(line),
            (Some((lang, body)), true) => {
                highlight(o, lang, body);
                code = None;
            }
            (Some((_, body)), false) => body.push_str(line),
        }
    }
    if let Some((lang, body)) = &code {
        highlight(o, lang, body); // unterminated fence: still shown as code
    }
    flush_prose(o, &mut prose);
}

fn flush_prose(o: &mut String, prose: &mut String) {
    let t = prose.trim_matches('\n');
    if !t.is_empty() {
        let _ = writeln!(o, "<div class=\"text\">{}</div>", esc(t));
    }
    prose.clear();
}

fn highlight(o: &mut String, lang: &str, body: &str) {
    static SYNTAX: OnceLock<(SyntaxSet, ThemeSet)> = OnceLock::new();
    let (ss, ts) = SYNTAX.get_or_init(|| {
        (
            SyntaxSet::load_defaults_newlines(),
            ThemeSet::load_defaults(),
        )
    });
    let syntax = ss
        .find_syntax_by_token(lang.split_whitespace().next().unwrap_or(""))
        .unwrap_or_else(|| ss.find_syntax_plain_text());
    let html = ts
        .themes
        .get("InspiredGitHub")
        .and_then(|theme| syntect::html::highlighted_html_for_string(body, ss, syntax, theme).ok());
    match html {
        Some(h) => o.push_str(&h),
        None => {
            let _ = writeln!(o, "<pre><code>{}</code></pre>", esc(body));
        }
    }
}

fn metrics(o: &mut String, rs: &[ResponseRecord]) {
    if rs.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<table><tr><th>{}</th><th>{}</th><th>TTFT</th><th>TTFAT</th><th>E2E</th><th>tok/s</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        text::COL_MODEL,
        text::COL_STATUS,
        text::COL_INPUT,
        text::COL_OUTPUT,
        text::COL_REASONING,
        text::COL_RETRIES,
        text::COL_COST
    );
    for r in rs {
        let m = &r.metrics;
        let src = m.tokens.source;
        let cells = [
            fig::model_label(r),
            fig::status(r),
            fig::ms(m.ttft_ms),
            fig::ms(m.ttfat_ms),
            fig::ms(m.e2e_ms),
            fig::tps(m.decode_tps),
            fig::tokens(m.tokens.input, src),
            fig::tokens(m.tokens.output, src),
            fig::tokens(m.tokens.reasoning, src),
            m.retries.to_string(),
            fig::cost(&r.cost),
        ];
        o.push_str("<tr>");
        for c in cells {
            let _ = write!(o, "<td>{}</td>", esc(&c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
}

fn prices(o: &mut String, totals: &[ModelTotals]) {
    let _ = writeln!(
        o,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        text::H_PRICES,
        text::COL_MODEL,
        text::COL_PRICE_IN,
        text::COL_PRICE_OUT,
        text::COL_PRICE_CACHED,
        text::COL_AS_OF,
        text::COL_SOURCE,
        text::COL_COST
    );
    for t in totals {
        let total = match t.cost {
            Some(v) if t.cost_estimated && v != 0.0 => format!("~{}", fig::usd(v)),
            Some(v) => fig::usd(v),
            None => text::UNPRICED.into(),
        };
        let cells = match &t.price {
            Some(p) => [
                t.model.clone(),
                p.input.to_string(),
                p.output.to_string(),
                p.cached_input
                    .map_or_else(|| fig::MISSING.into(), |v| v.to_string()),
                p.as_of.clone(),
                p.source.clone(),
                total,
            ],
            None => {
                let why = if t.simulated {
                    text::SIMULATED
                } else {
                    text::UNPRICED
                };
                [
                    t.model.clone(),
                    why.into(),
                    why.into(),
                    fig::MISSING.into(),
                    fig::MISSING.into(),
                    text::NO_PRICE.into(),
                    total,
                ]
            }
        };
        o.push_str("<tr>");
        for c in cells {
            let _ = write!(o, "<td>{}</td>", esc(&c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
}

fn charts(o: &mut String, totals: &[ModelTotals]) {
    o.push_str("<div class=\"charts\">\n");
    let bars =
        |f: &dyn Fn(&ModelTotals) -> (Option<f64>, String)| -> Vec<(String, Option<f64>, String)> {
            totals
                .iter()
                .map(|t| {
                    let (v, label) = f(t);
                    let name = if t.simulated {
                        format!("{} ({})", t.model, text::SIMULATED)
                    } else {
                        t.model.clone()
                    };
                    (name, v, label)
                })
                .collect()
        };
    chart(
        o,
        text::CHART_TTFT,
        &bars(&|t| (t.ttft_mean, fig::ms(t.ttft_mean))),
    );
    chart(
        o,
        text::CHART_TPS,
        &bars(&|t| (t.tps_mean, fig::tps(t.tps_mean))),
    );
    chart(
        o,
        text::CHART_TOKENS,
        &bars(&|t| {
            let v = t.output_tokens.map(|n| n as f64);
            let label = match t.output_tokens {
                Some(n) if t.output_estimated => format!("~{n}"),
                Some(n) => n.to_string(),
                None => fig::MISSING.into(),
            };
            (v, label)
        }),
    );
    chart(
        o,
        text::CHART_COST,
        &bars(&|t| match t.cost {
            Some(v) if t.cost_estimated && v != 0.0 => (Some(v), format!("~{}", fig::usd(v))),
            Some(v) => (Some(v), fig::usd(v)),
            None => (None, text::UNPRICED.into()),
        }),
    );
    o.push_str("</div>\n");
}

/// A horizontal bar chart as inline SVG. A missing value has no bar, only its label.
fn chart(o: &mut String, title: &str, bars: &[(String, Option<f64>, String)]) {
    const W: f64 = 420.0;
    const LABEL_W: f64 = 170.0;
    const ROW: f64 = 22.0;
    let max = bars.iter().filter_map(|b| b.1).fold(0.0_f64, f64::max);
    let h = ROW * bars.len() as f64 + 6.0;
    let _ = write!(
        o,
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-label=\"{}\" font-size=\"11\" font-family=\"sans-serif\">",
        esc(title),
        esc(title)
    );
    for (i, (name, v, label)) in bars.iter().enumerate() {
        let y = i as f64 * ROW + 3.0;
        let short: String = if name.chars().count() > 28 {
            name.chars().take(27).chain(std::iter::once('…')).collect()
        } else {
            name.clone()
        };
        let _ = write!(
            o,
            "<text x=\"0\" y=\"{:.1}\"><title>{}</title>{}</text>",
            y + 14.0,
            esc(name),
            esc(&short)
        );
        let bw = match v {
            Some(v) if max > 0.0 && v.is_finite() => (v / max) * (W - LABEL_W - 90.0),
            _ => 0.0,
        };
        if bw > 0.0 {
            let _ = write!(
                o,
                "<rect x=\"{LABEL_W}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"#5b8def\"/>",
                ROW - 6.0
            );
        }
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LABEL_W + bw + 4.0,
            y + 14.0,
            esc(label)
        );
    }
    o.push_str("</svg></figure>\n");
}

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let s = clean(s);
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
