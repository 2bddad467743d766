//! Figures as exports print them: a missing value is "—" (never 0), estimates carry `~`, a cost
//! says where it came from, an unpriced model says "unpriced".

use crate::cost::{Cost, CostSource};
use crate::metrics::TokenSource;
use crate::record::{ResponseRecord, Session, Status};
use crate::strings::store as text;

pub const MISSING: &str = "—";

pub fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 100.0 => format!("{v:.0} ms"),
        Some(v) => format!("{v:.1} ms"),
        None => MISSING.into(),
    }
}

pub fn tps(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.into(), |v| format!("{v:.1}"))
}

pub fn tokens(v: Option<u64>, source: TokenSource) -> String {
    match v {
        Some(n) if source == TokenSource::Estimated => format!("~{n}"),
        Some(n) => n.to_string(),
        None => MISSING.into(),
    }
}

pub fn usd(v: f64) -> String {
    if v == 0.0 {
        "$0".into()
    } else if v.abs() >= 0.01 {
        format!("${v:.4}")
    } else {
        format!("${v:.6}")
    }
}

pub fn cost(c: &Cost) -> String {
    match (c.usd, c.source) {
        (_, CostSource::Unpriced) => text::UNPRICED.into(),
        (None, _) => text::UNKNOWN.into(),
        (Some(v), CostSource::Local) => format!("{} ({})", usd(v), text::LOCAL),
        (Some(v), CostSource::Reported) => format!("{} ({})", usd(v), text::REPORTED),
        (Some(v), CostSource::PriceTable) if c.estimated => format!("~{}", usd(v)),
        (Some(v), CostSource::PriceTable) => usd(v),
    }
}

pub fn status(r: &ResponseRecord) -> String {
    match (&r.error, r.status) {
        (Some(e), _) => match e.status {
            Some(code) => format!("{}: {} ({code})", r.status.as_str(), e.kind.as_str()),
            None => format!("{}: {}", r.status.as_str(), e.kind.as_str()),
        },
        (None, s) => s.as_str().into(),
    }
}

/// `model` or `model (simulated)`.
pub fn model_label(r: &ResponseRecord) -> String {
    if r.simulated {
        format!("{} ({})", r.model, text::SIMULATED)
    } else {
        r.model.clone()
    }
}

/// Per-model aggregates across the session, in the session's model order (then any others).
pub struct ModelTotals {
    pub model: String,
    pub simulated: bool,
    pub answered: u32,
    pub ttft_mean: Option<f64>,
    pub tps_mean: Option<f64>,
    pub output_tokens: Option<u64>,
    pub output_estimated: bool,
    /// None when any response of the model has no cost.
    pub cost: Option<f64>,
    pub cost_estimated: bool,
    pub price: Option<crate::catalog::Price>,
}

pub fn totals(s: &Session) -> Vec<ModelTotals> {
    let mut order: Vec<String> = s.models.clone();
    for t in &s.turns {
        for r in &t.responses {
            if !order.contains(&r.model) {
                order.push(r.model.clone());
            }
        }
    }
    order
        .into_iter()
        .map(|model| {
            let rs: Vec<&ResponseRecord> = s
                .turns
                .iter()
                .flat_map(|t| t.responses.iter())
                .filter(|r| r.model == model)
                .collect();
            let mean = |f: &dyn Fn(&ResponseRecord) -> Option<f64>| {
                let v: Vec<f64> = rs
                    .iter()
                    .filter(|r| r.status == Status::Ok)
                    .filter_map(|r| f(r))
                    .collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            };
            let outs: Vec<Option<u64>> = rs.iter().map(|r| r.metrics.tokens.output).collect();
            ModelTotals {
                simulated: rs.iter().any(|r| r.simulated),
                answered: rs.iter().filter(|r| r.status == Status::Ok).count() as u32,
                ttft_mean: mean(&|r| r.metrics.ttft_ms),
                tps_mean: mean(&|r| r.metrics.decode_tps),
                output_tokens: (!outs.is_empty() && outs.iter().all(Option::is_some))
                    .then(|| outs.iter().flatten().sum()),
                output_estimated: rs
                    .iter()
                    .any(|r| r.metrics.tokens.source == TokenSource::Estimated),
                cost: (!rs.is_empty() && rs.iter().all(|r| r.cost.usd.is_some()))
                    .then(|| rs.iter().filter_map(|r| r.cost.usd).sum()),
                cost_estimated: rs.iter().any(|r| r.cost.estimated),
                price: rs.iter().find_map(|r| r.price.clone()),
                model,
            }
        })
        .collect()
}
