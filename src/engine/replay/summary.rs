//! The per-model summary of a replay: median TTFT, median decode rate, token totals, cost,
//! failures. Pure. Missing figures stay missing (a model with no TTFT has no median, not 0).

use serde::Serialize;

use crate::cost::CostSource;
use crate::metrics::TokenSource;
use crate::record::{ResponseRecord, Status};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelSummary {
    pub model: String,
    /// Cells settled (any status).
    pub cells: usize,
    /// Cells that did not end ok.
    pub failures: usize,
    pub median_ttft_ms: Option<f64>,
    pub median_decode_tps: Option<f64>,
    /// Sum over cells that reported a figure; None when none did.
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    /// True when any count in the totals was estimated (shown with `~`).
    pub tokens_estimated: bool,
    /// Sum of priced cells; None when every cell was unpriced.
    pub cost_usd: Option<f64>,
    /// Cells of a model without a price (their cost is not in `cost_usd`).
    pub unpriced_cells: usize,
    /// Other cells without a cost figure (e.g. failed before any token count was known).
    pub unknown_cost_cells: usize,
    /// True when any cost was computed from estimated token counts.
    pub cost_estimated: bool,
}

/// Summaries per model, in `models` order, of the given records.
pub fn summarize<'a>(
    models: &[String],
    records: impl IntoIterator<Item = &'a ResponseRecord>,
) -> Vec<ModelSummary> {
    let records: Vec<&ResponseRecord> = records
        .into_iter()
        .filter(|r| r.status.is_settled())
        .collect();
    models
        .iter()
        .map(|m| {
            let mine: Vec<&ResponseRecord> =
                records.iter().copied().filter(|r| &r.model == m).collect();
            let ttft: Vec<f64> = mine.iter().filter_map(|r| r.metrics.ttft_ms).collect();
            let tps: Vec<f64> = mine.iter().filter_map(|r| r.metrics.decode_tps).collect();
            let sum = |f: fn(&ResponseRecord) -> Option<u64>| {
                let v: Vec<u64> = mine.iter().filter_map(|r| f(r)).collect();
                (!v.is_empty()).then(|| v.iter().sum())
            };
            let priced: Vec<f64> = mine.iter().filter_map(|r| r.cost.usd).collect();
            ModelSummary {
                model: m.clone(),
                cells: mine.len(),
                failures: mine.iter().filter(|r| r.status != Status::Ok).count(),
                median_ttft_ms: median(ttft),
                median_decode_tps: median(tps),
                input_tokens: sum(|r| r.metrics.tokens.input),
                output_tokens: sum(|r| r.metrics.tokens.output),
                tokens_estimated: mine
                    .iter()
                    .any(|r| r.metrics.tokens.source == TokenSource::Estimated),
                cost_usd: (!priced.is_empty()).then(|| priced.iter().sum()),
                unpriced_cells: mine
                    .iter()
                    .filter(|r| r.cost.source == CostSource::Unpriced)
                    .count(),
                unknown_cost_cells: mine
                    .iter()
                    .filter(|r| r.cost.usd.is_none() && r.cost.source != CostSource::Unpriced)
                    .count(),
                cost_estimated: mine.iter().any(|r| r.cost.estimated),
            }
        })
        .collect()
}

/// The median of the values (mean of the middle two for an even count); None when empty.
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
