//! `juxta models`: the catalog with prices and whether each model is usable now.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::table;
use super::{EXIT_OK, EXIT_USAGE};
use crate::catalog::discovery::{self, Probe};
use crate::catalog::{Config, ModelDef, ProviderDef};
use crate::cli::ModelsArgs;
use crate::provider::Protocol;
use crate::strings::cli as s;

pub fn run(args: ModelsArgs, config_path: Option<&Path>) -> u8 {
    let mut config = match Config::load(config_path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {e}", s::PREFIX);
            return EXIT_USAGE;
        }
    };
    let probes = if args.refresh {
        probe_all(&config)
    } else {
        None
    };
    if let Some(probes) = &probes {
        for p in probes {
            config.catalog.add_discovered(p.model_defs());
        }
    }
    let probes = probes.unwrap_or_default();
    let mut stdout = std::io::stdout().lock();
    if args.json {
        for m in &config.catalog.models {
            let Some(p) = provider_of(&config, m) else {
                continue;
            };
            let (usable, why) = usable(p, &probes);
            let line = json!({
                "id": m.id,
                "provider": p.id,
                "protocol": p.protocol,
                "open_weights": m.open_weights.unwrap_or(p.open_weights || p.local),
                "local": p.local,
                "context": m.context,
                "price": m.price,
                "aliases": m.aliases,
                "discovered": m.discovered,
                "simulated": p.protocol == Protocol::Demo,
                "usable": usable,
                "usable_reason": why,
            });
            let _ = writeln!(stdout, "{line}");
        }
        return EXIT_OK;
    }
    let mut rows = vec![
        s::MODELS_HEADER
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>(),
    ];
    for m in &config.catalog.models {
        let Some(p) = provider_of(&config, m) else {
            continue;
        };
        let open = m.open_weights.unwrap_or(p.open_weights || p.local);
        let price = m.price.as_ref();
        let as_of = match (price, m.discovered) {
            (Some(pr), _) => pr.as_of.clone(),
            (None, true) => s::DISCOVERED.to_string(),
            (None, false) => table::MISSING.to_string(),
        };
        let cost_cell = |v: Option<f64>| match price {
            Some(_) => table::per_m(v),
            None if p.local => "$0".to_string(),
            None => "unpriced".to_string(),
        };
        rows.push(vec![
            m.id.clone(),
            p.id.clone(),
            if open { "open" } else { "closed" }.to_string(),
            m.context
                .map(|c| format!("{}k", c / 1000))
                .unwrap_or_else(|| table::MISSING.into()),
            cost_cell(price.map(|p| p.input)),
            cost_cell(price.map(|p| p.output)),
            cost_cell(price.map(|p| p.cached_input.unwrap_or(p.input))),
            as_of,
            m.aliases.join(","),
            usable(p, &probes).1,
        ]);
    }
    let _ = stdout.write_all(table::render(&rows, usize::MAX).as_bytes());
    EXIT_OK
}

fn provider_of<'a>(config: &'a Config, m: &ModelDef) -> Option<&'a ProviderDef> {
    let (p, _) = crate::catalog::split_id(&m.id)?;
    config.catalog.providers.get(p)
}

/// Whether a provider's models can be called now, and why.
pub fn usable(p: &ProviderDef, probes: &[Probe]) -> (bool, String) {
    if p.protocol == Protocol::Demo {
        return (true, s::DEMO_USABLE.into());
    }
    if p.local {
        return match probes.iter().find(|x| x.provider == p.id) {
            Some(x) if x.up => (true, s::SERVER_UP.into()),
            Some(_) => (false, s::SERVER_DOWN.into()),
            None => (false, s::NOT_PROBED.into()),
        };
    }
    match &p.api_key_env {
        Some(var) if key_present(var) => (true, s::key_set(var)),
        Some(var) => (false, s::key_missing(var)),
        None => (true, s::NO_KEY_NEEDED.into()),
    }
}

/// Whether an environment variable holds a (non-blank) value. The value is never read further.
pub fn key_present(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.to_string_lossy().trim().is_empty())
}

/// Probe every local server concurrently (one short budget each).
pub fn probe_all(config: &Config) -> Option<Vec<Probe>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let http = reqwest::Client::builder()
        .connect_timeout(discovery::PROBE_BUDGET)
        .build()
        .ok()?;
    Some(rt.block_on(discovery::probe_local(
        &config.catalog,
        &http,
        discovery::PROBE_BUDGET,
    )))
}
