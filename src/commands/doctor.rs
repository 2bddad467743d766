//! `juxta doctor`: the config file and whether it parsed, each provider's key (the variable's
//! name and whether it is set, never its value), local servers up or down, the data folder.

use std::io::Write;
use std::path::Path;

use super::models::{key_present, probe_all};
use super::table;
use super::{EXIT_OK, EXIT_USAGE};
use crate::catalog::Config;
use crate::provider::Protocol;
use crate::strings::cli as s;

pub fn run(config_path: Option<&Path>) -> u8 {
    let mut out = String::new();
    let shown = config_path
        .map(Path::to_path_buf)
        .or_else(Config::default_path);
    let loaded = Config::load(config_path);
    let state = match (&loaded, &shown) {
        (Err(e), _) => e.to_string(),
        (Ok(c), _) if c.path.is_some() => s::CONFIG_PARSED.to_string(),
        (Ok(_), Some(_)) => s::CONFIG_MISSING.to_string(),
        (Ok(_), None) => s::CONFIG_NONE.to_string(),
    };
    let path = shown
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| table::MISSING.into());
    out.push_str(&s::doctor_config(&path, &state));
    out.push('\n');
    let data = directories::ProjectDirs::from("", "", "juxta").map(|d| d.data_dir().to_path_buf());
    if let Some(d) = &data {
        out.push_str(&s::doctor_data(&d.display().to_string(), d.exists()));
        out.push('\n');
    }
    out.push('\n');

    let config_ok = loaded.is_ok();
    let config = match loaded {
        Ok(c) => c,
        Err(_) => {
            // Still useful: show the presets' providers.
            match Config::presets_only() {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{}: {e}", s::PREFIX);
                    return EXIT_USAGE;
                }
            }
        }
    };
    let probes = probe_all(&config).unwrap_or_default();
    let mut rows = vec![
        s::DOCTOR_HEADER
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>(),
    ];
    for p in config.catalog.providers.values() {
        let key = match &p.api_key_env {
            Some(var) if key_present(var) => s::env_present(var),
            Some(var) => s::env_missing(var),
            None => table::MISSING.into(),
        };
        let status = if p.protocol == Protocol::Demo {
            s::DOCTOR_DEMO.to_string()
        } else if p.local {
            match probes.iter().find(|x| x.provider == p.id) {
                Some(x) if x.up => format!("{} ({} models)", s::DOCTOR_LOCAL_UP, x.models.len()),
                Some(x) => s::doctor_local_down(x.error.as_deref().unwrap_or("?")),
                None => table::MISSING.into(),
            }
        } else {
            s::DOCTOR_REMOTE.to_string()
        };
        let protocol = serde_json::to_value(p.protocol)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        rows.push(vec![
            p.id.clone(),
            protocol,
            p.base_url.clone(),
            key,
            status,
        ]);
    }
    out.push_str(&table::render(&rows, usize::MAX));
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    if config_ok { EXIT_OK } else { EXIT_USAGE }
}
