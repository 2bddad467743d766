//! Fixtures for tests and benches of the workbench: models, states and records built without a
//! config, a clock or a network.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{TimeZone, Utc};

use super::state::{AppState, WallClock};
use crate::catalog::{Price, ProviderDef, ResolvedModel};
use crate::cost::{Cost, CostSource};
use crate::metrics::{Metrics, TokenCounts, TokenSource};
use crate::provider::Protocol;
use crate::record::{ErrorInfo, ResponseRecord, Status};

/// A model of a fake provider. `demo:*` ids are simulated; `open` sets open weights.
pub fn model(id: &str, open: bool) -> ResolvedModel {
    let (provider, name) = crate::catalog::split_id(id).unwrap_or(("test", id));
    let demo = provider == "demo";
    ResolvedModel {
        id: id.to_string(),
        provider: ProviderDef {
            id: provider.to_string(),
            protocol: if demo {
                Protocol::Demo
            } else {
                Protocol::Openai
            },
            base_url: "http://127.0.0.1:9/v1".into(),
            api_key_env: None,
            open_weights: open,
            local: false,
            max_concurrency: None,
            headers: BTreeMap::new(),
        },
        model: name.to_string(),
        open_weights: open,
        context: Some(128_000),
        price: Some(Price {
            input: 0.15,
            output: 0.6,
            cached_input: None,
            cache_write: None,
            reasoning: None,
            tiers: Vec::new(),
            as_of: "2026-11-01".into(),
            source: "test".into(),
        }),
        simulated: demo,
        in_catalog: true,
    }
}

/// A fixed wall clock: 2026-11-22 10:00:00 UTC at `base`.
pub fn clock(base: Instant) -> WallClock {
    let wall = Utc
        .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
        .single()
        .unwrap_or_default();
    WallClock { base, wall }
}

/// A state with these models, at `base`.
pub fn state(ids: &[&str], base: Instant) -> AppState {
    let models = ids
        .iter()
        .enumerate()
        .map(|(i, id)| model(id, i % 2 == 0))
        .collect();
    let mut s = AppState::new(models, clock(base), "test-session".into());
    s.size = (120, 36);
    s
}

/// A settled record with figures as an engine would report them.
pub fn record(
    pane: u32,
    model_id: &str,
    status: Status,
    text: &str,
    base: Instant,
) -> ResponseRecord {
    let ok = status == Status::Ok;
    ResponseRecord {
        pane,
        model: model_id.to_string(),
        open_weights: true,
        simulated: model_id.starts_with("demo:"),
        status,
        error: (status == Status::Error).then(|| ErrorInfo {
            kind: crate::provider::ErrorKind::RateLimited,
            status: Some(429),
            message: "Rate limit reached for requests".into(),
        }),
        text: text.to_string(),
        reasoning: String::new(),
        metrics: Metrics {
            ttfb_ms: Some(300.0),
            ttft_ms: ok.then_some(412.0),
            ttfat_ms: ok.then_some(412.0),
            e2e_ms: Some(2210.0),
            decode_tps: ok.then_some(88.1),
            gap_p50_ms: None,
            gap_p95_ms: None,
            tokens: TokenCounts {
                input: Some(12),
                cached_input: Some(0),
                cache_write: None,
                output: ok.then_some(160),
                reasoning: Some(0),
                source: TokenSource::Reported,
            },
            server: None,
            retries: 0,
        },
        cost: if ok {
            Cost {
                usd: Some(0.000323),
                source: CostSource::PriceTable,
                computed_usd: None,
                estimated: false,
            }
        } else {
            Cost {
                usd: None,
                source: CostSource::Unpriced,
                computed_usd: None,
                estimated: false,
            }
        },
        price: None,
        started_at: clock(base).wall,
        repeat: 0,
    }
}
