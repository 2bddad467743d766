//! Pure cost (DESIGN §6, PROTOCOLS.md §7): token counts and a price in, dollars and their source
//! out. A model without a price is "unpriced", never $0.

use serde::{Deserialize, Serialize};

use crate::metrics::TokenSource;

/// Where a cost figure came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostSource {
    /// The provider reported it (OpenRouter `usage.cost`, xAI ticks).
    Reported,
    /// Computed from the price table (presets or the user's config).
    PriceTable,
    /// A local model with no price: $0 (local).
    Local,
    /// No price known: `usd` is None.
    Unpriced,
}

impl CostSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CostSource::Reported => "reported",
            CostSource::PriceTable => "price_table",
            CostSource::Local => "local",
            CostSource::Unpriced => "unpriced",
        }
    }
}

/// A cost with its source. `usd` is None exactly when unpriced (or when tokens are unknown).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub usd: Option<f64>,
    pub source: CostSource,
    /// The price-table figure, when a reported cost is shown first (for comparison).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_usd: Option<f64>,
    /// True when the token counts behind a computed cost are estimates.
    #[serde(default)]
    pub estimated: bool,
}

/// The cost of one response (DESIGN §6): a reported cost first, else the price table (tiers,
/// cached input, cache writes, reasoning priced apart if it is), else $0 for a local model,
/// else unpriced.
pub fn compute(
    tokens: &crate::metrics::TokenCounts,
    price: Option<&crate::catalog::Price>,
    local: bool,
    reported_usd: Option<f64>,
) -> Cost {
    let computed = price.and_then(|p| from_price_table(tokens, p));
    let estimated = tokens.source == TokenSource::Estimated;
    if let Some(usd) = reported_usd {
        return Cost {
            usd: Some(usd),
            source: CostSource::Reported,
            computed_usd: computed,
            estimated: false,
        };
    }
    if price.is_some() {
        return Cost {
            usd: computed,
            source: CostSource::PriceTable,
            computed_usd: None,
            estimated,
        };
    }
    if local {
        return Cost {
            usd: Some(0.0),
            source: CostSource::Local,
            computed_usd: None,
            estimated: false,
        };
    }
    Cost {
        usd: None,
        source: CostSource::Unpriced,
        computed_usd: None,
        estimated: false,
    }
}

/// The price-table cost (PROTOCOLS.md §7), or None when input or output tokens are unknown.
///
/// `(input − cached − cache_write)·input + cached·cached_input + cache_write·cache_write +
/// output·output` per 1M tokens; reasoning priced apart when the price says so (else it is
/// output); the tier is chosen by input tokens; a missing cached-input or cache-write price
/// falls back to the input price.
pub fn from_price_table(
    tokens: &crate::metrics::TokenCounts,
    price: &crate::catalog::Price,
) -> Option<f64> {
    let input = tokens.input?;
    let output = tokens.output?;
    let cached = tokens.cached_input.unwrap_or(0).min(input);
    let cache_write = tokens.cache_write.unwrap_or(0).min(input - cached);
    let uncached = input - cached - cache_write;

    let tier = price
        .tiers
        .iter()
        .filter(|t| input > t.above_input_tokens)
        .max_by_key(|t| t.above_input_tokens);
    let (p_in, p_out, p_cached, p_write) = match tier {
        Some(t) => (t.input, t.output, t.cached_input, t.cache_write),
        None => (
            price.input,
            price.output,
            price.cached_input,
            price.cache_write,
        ),
    };
    let p_cached = p_cached.unwrap_or(p_in);
    let p_write = p_write.unwrap_or(p_in);

    let out_cost = match (price.reasoning, tokens.reasoning) {
        (Some(p_reason), Some(r)) => {
            let r = r.min(output);
            (output - r) as f64 * p_out + r as f64 * p_reason
        }
        _ => output as f64 * p_out,
    };
    let usd =
        uncached as f64 * p_in + cached as f64 * p_cached + cache_write as f64 * p_write + out_cost;
    Some(usd / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Price, PriceTier};
    use crate::metrics::TokenCounts;

    fn counts(input: u64, cached: u64, write: u64, output: u64, reasoning: u64) -> TokenCounts {
        TokenCounts {
            input: Some(input),
            cached_input: Some(cached),
            cache_write: Some(write),
            output: Some(output),
            reasoning: Some(reasoning),
            source: TokenSource::Reported,
        }
    }

    fn price(input: f64, output: f64) -> Price {
        Price {
            input,
            output,
            cached_input: None,
            cache_write: None,
            reasoning: None,
            tiers: Vec::new(),
            as_of: "2026-11-22".into(),
            source: "test".into(),
        }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn plain_price_table() {
        // gpt-5-mini: 12 in, 160 out at $0.25 / $2.00 per 1M.
        let c = compute(
            &counts(12, 0, 0, 160, 0),
            Some(&price(0.25, 2.0)),
            false,
            None,
        );
        assert_eq!(c.source, CostSource::PriceTable);
        assert!(close(c.usd, 0.000323));
        assert!(!c.estimated);
    }

    #[test]
    fn cached_input_and_cache_writes() {
        // claude-sonnet-4-6: 3 / 15, cached 0.30, write 3.75.
        let p = Price {
            cached_input: Some(0.30),
            cache_write: Some(3.75),
            ..price(3.0, 15.0)
        };
        // 10 000 input of which 6 000 cached and 2 000 written; 1 000 output.
        let c = compute(
            &counts(10_000, 6_000, 2_000, 1_000, 0),
            Some(&p),
            false,
            None,
        );
        let want = (2_000.0 * 3.0 + 6_000.0 * 0.30 + 2_000.0 * 3.75 + 1_000.0 * 15.0) / 1e6;
        assert!(close(c.usd, want), "{:?} vs {want}", c.usd);
        // Missing cached price: the input price applies.
        let c = compute(
            &counts(1_000, 1_000, 0, 0, 0),
            Some(&price(2.0, 8.0)),
            false,
            None,
        );
        assert!(close(c.usd, 0.002));
    }

    #[test]
    fn tiers_by_input_tokens() {
        // gemini-2.5-pro: 1.25 / 10 up to 200k, 2.50 / 15 above.
        let p = Price {
            tiers: vec![PriceTier {
                above_input_tokens: 200_000,
                input: 2.5,
                output: 15.0,
                cached_input: None,
                cache_write: None,
            }],
            ..price(1.25, 10.0)
        };
        let at = compute(&counts(200_000, 0, 0, 1_000, 0), Some(&p), false, None);
        assert!(close(at.usd, (200_000.0 * 1.25 + 1_000.0 * 10.0) / 1e6));
        let above = compute(&counts(200_001, 0, 0, 1_000, 0), Some(&p), false, None);
        assert!(close(above.usd, (200_001.0 * 2.5 + 1_000.0 * 15.0) / 1e6));
    }

    #[test]
    fn reasoning_is_output_unless_priced_apart() {
        let out = compute(
            &counts(0, 0, 0, 1_000, 800),
            Some(&price(0.30, 2.50)),
            false,
            None,
        );
        assert!(close(out.usd, 1_000.0 * 2.5 / 1e6));
        let p = Price {
            reasoning: Some(3.5),
            ..price(0.30, 2.50)
        };
        let apart = compute(&counts(0, 0, 0, 1_000, 800), Some(&p), false, None);
        assert!(close(apart.usd, (200.0 * 2.5 + 800.0 * 3.5) / 1e6));
    }

    #[test]
    fn unpriced_local_and_unknown_counts() {
        let t = counts(10, 0, 0, 10, 0);
        let u = compute(&t, None, false, None);
        assert_eq!((u.usd, u.source), (None, CostSource::Unpriced));
        let l = compute(&t, None, true, None);
        assert_eq!((l.usd, l.source), (Some(0.0), CostSource::Local));
        // A priced local model is costed.
        let lp = compute(&t, Some(&price(1.0, 1.0)), true, None);
        assert_eq!(lp.source, CostSource::PriceTable);
        // Unknown output: no figure, never a made-up zero.
        let unknown = TokenCounts { output: None, ..t };
        let c = compute(&unknown, Some(&price(1.0, 1.0)), false, None);
        assert_eq!((c.usd, c.source), (None, CostSource::PriceTable));
    }

    #[test]
    fn reported_cost_first_with_the_table_figure_kept() {
        let c = compute(
            &counts(12, 0, 0, 160, 0),
            Some(&price(0.25, 2.0)),
            false,
            Some(0.0004),
        );
        assert_eq!((c.usd, c.source), (Some(0.0004), CostSource::Reported));
        assert!(close(c.computed_usd, 0.000323));
        let r = compute(&counts(12, 0, 0, 160, 0), None, false, Some(0.0004));
        assert_eq!((r.source, r.computed_usd), (CostSource::Reported, None));
    }

    #[test]
    fn estimated_counts_mark_the_cost() {
        let t = TokenCounts {
            source: TokenSource::Estimated,
            ..counts(10, 0, 0, 10, 0)
        };
        assert!(compute(&t, Some(&price(1.0, 1.0)), false, None).estimated);
    }
}
