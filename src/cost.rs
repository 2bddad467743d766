//! Pure cost (DESIGN §6, PROTOCOLS.md §7): token counts and a price in, dollars and their source
//! out. A model without a price is "unpriced", never $0.

use serde::{Deserialize, Serialize};

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
    _tokens: &crate::metrics::TokenCounts,
    _price: Option<&crate::catalog::Price>,
    _local: bool,
    _reported_usd: Option<f64>,
) -> Cost {
    todo!("cost::compute")
}
