//! The user's config.toml (DESIGN §4), read over the embedded defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Catalog;

/// Network timeouts, from config (`[timeouts]`, milliseconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timeouts {
    pub connect_ms: u64,
    /// t0 → first token (text or reasoning).
    pub first_token_ms: u64,
    /// Longest silence between two events once streaming.
    pub idle_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_ms: 10_000,
            first_token_ms: 120_000,
            idle_ms: 60_000,
        }
    }
}

/// The retry policy of PROTOCOLS.md §8 (`[retry]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryConfig {
    pub max_retries: u32,
    /// Backoff base when the server names no delay.
    pub base_delay_ms: u64,
    /// Longest backoff we wait by our own choice.
    pub max_delay_ms: u64,
    /// A server-requested delay longer than this is not waited for: the error stands.
    pub max_server_delay_ms: u64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_retries: 2,
            base_delay_ms: 500,
            max_delay_ms: 8_000,
            max_server_delay_ms: 120_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiConfig {
    pub fps: u32,
    pub theme: String,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            fps: 30,
            theme: "dark".into(),
        }
    }
}

/// Everything juxta reads from config: the catalog plus settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub catalog: Catalog,
    pub timeouts: Timeouts,
    pub retry: RetryConfig,
    pub ui: UiConfig,
    /// Named model sets: `[presets] fast = ["openai:gpt-5-mini", "groq:openai/gpt-oss-120b"]`.
    pub presets: BTreeMap<String, Vec<String>>,
    /// `[keymap.MODE]` tables, kept raw: the TUI parses them.
    pub keymap: toml::Table,
    /// The models the workbench opens with when none are named.
    pub default_models: Vec<String>,
    /// The file that was read, if any.
    pub path: Option<PathBuf>,
}

/// A config problem, naming the file and where in it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

/// The shipped providers and models, embedded in the binary.
pub const PRESET_PROVIDERS: &str = include_str!("../../presets/providers.toml");
pub const PRESET_MODELS: &str = include_str!("../../presets/models.toml");

/// A provider entry of the user's config: every key optional, so an entry may override only
/// some keys of a shipped provider.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderPatch {
    protocol: Option<crate::provider::Protocol>,
    base_url: Option<String>,
    api_key_env: Option<String>,
    open_weights: Option<bool>,
    local: Option<bool>,
    max_concurrency: Option<usize>,
    headers: Option<BTreeMap<String, String>>,
}

/// A price as a user writes it: `as_of` and `source` may be left out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PricePatch {
    input: f64,
    output: f64,
    cached_input: Option<f64>,
    cache_write: Option<f64>,
    reasoning: Option<f64>,
    #[serde(default)]
    tiers: Vec<super::PriceTier>,
    as_of: Option<String>,
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelPatch {
    id: toml::Spanned<String>,
    #[serde(default)]
    aliases: Vec<String>,
    /// DESIGN §4 writes a single `alias = "q8"`.
    alias: Option<String>,
    open_weights: Option<bool>,
    context: Option<u64>,
    price: Option<PricePatch>,
}

/// Unknown keys are errors: a misspelt `[timeout]` must not be silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    providers: BTreeMap<toml::Spanned<String>, ProviderPatch>,
    #[serde(default)]
    models: Vec<ModelPatch>,
    timeouts: Option<Timeouts>,
    retry: Option<RetryConfig>,
    ui: Option<UiConfig>,
    #[serde(default)]
    presets: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    keymap: toml::Table,
    #[serde(default)]
    default_models: Vec<String>,
}

#[derive(Deserialize)]
struct PresetProviders {
    providers: BTreeMap<String, super::ProviderDef>,
}

#[derive(Deserialize)]
struct PresetModels {
    models: Vec<super::ModelDef>,
}

impl Config {
    /// `ProjectDirs::config_dir()/config.toml` (XDG_CONFIG_HOME moves it on Linux).
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "juxta").map(|d| d.config_dir().join("config.toml"))
    }

    /// The shipped presets alone.
    pub fn presets_only() -> Result<Config, ConfigError> {
        let mut c = Config::default();
        let providers: PresetProviders =
            toml::from_str(PRESET_PROVIDERS).map_err(|e| ConfigError {
                path: "presets/providers.toml".into(),
                message: e.to_string(),
            })?;
        for (id, mut p) in providers.providers {
            p.id = id.clone();
            c.catalog.providers.insert(id, p);
        }
        let models: PresetModels = toml::from_str(PRESET_MODELS).map_err(|e| ConfigError {
            path: "presets/models.toml".into(),
            message: e.to_string(),
        })?;
        c.catalog.models = models.models;
        validate(&c.catalog, "presets/models.toml", None)?;
        Ok(c)
    }

    /// Read the user's config over the presets. `path` (from `--config`) must exist; without
    /// it the default file is read if there is one.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let (file, must_exist) = match path {
            Some(p) => (Some(p.to_path_buf()), true),
            None => (Config::default_path(), false),
        };
        let Some(file) = file else {
            return Config::presets_only();
        };
        match std::fs::read_to_string(&file) {
            Ok(text) => {
                let mut c = Config::from_toml_str(&text, &file.display().to_string())?;
                c.path = Some(file);
                Ok(c)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                Config::presets_only()
            }
            Err(e) => Err(ConfigError {
                path: file.display().to_string(),
                message: format!("cannot read: {e}"),
            }),
        }
    }

    /// The presets with `text` (a config.toml) read over them; `label` names the file in errors.
    pub fn from_toml_str(text: &str, label: &str) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            path: label.to_string(),
            message,
        };
        let mut c = Config::presets_only()?;
        let file: ConfigFile =
            toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_string()))?;

        for (key, patch) in file.providers {
            let line = line_of(text, key.span().start);
            let id = key.into_inner();
            let def = match c.catalog.providers.remove(&id) {
                Some(mut d) => {
                    apply_provider(&mut d, patch);
                    d
                }
                None => {
                    let (Some(protocol), Some(base_url)) = (patch.protocol, patch.base_url.clone())
                    else {
                        return Err(err(format!(
                            "line {line}: provider '{id}' needs `protocol` and `base_url` (it is not a shipped provider)"
                        )));
                    };
                    let mut d = super::ProviderDef {
                        id: id.clone(),
                        protocol,
                        base_url,
                        api_key_env: None,
                        open_weights: false,
                        local: false,
                        max_concurrency: None,
                        headers: BTreeMap::new(),
                    };
                    apply_provider(&mut d, patch);
                    d
                }
            };
            c.catalog.providers.insert(id, def);
        }

        let mut user_aliases: BTreeMap<String, String> = BTreeMap::new();
        for patch in file.models {
            let line = line_of(text, patch.id.span().start);
            let id = patch.id.get_ref().clone();
            let Some((provider, _)) = super::split_id(&id) else {
                return Err(err(format!(
                    "line {line}: model id '{id}' must be PROVIDER:MODEL"
                )));
            };
            if !c.catalog.providers.contains_key(provider) {
                return Err(err(format!(
                    "line {line}: model '{id}': unknown provider '{provider}' (configured: {})",
                    c.catalog
                        .providers
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            let mut aliases = patch.aliases.clone();
            aliases.extend(patch.alias.clone());
            for a in &aliases {
                if let Some(other) = user_aliases
                    .insert(a.clone(), id.clone())
                    .filter(|o| *o != id)
                {
                    return Err(err(format!(
                        "line {line}: alias '{a}' is used by both '{other}' and '{id}'"
                    )));
                }
            }
            // A user's alias wins over a shipped one.
            for m in c.catalog.models.iter_mut().filter(|m| m.id != id) {
                m.aliases.retain(|a| !aliases.contains(a));
            }
            let price = patch.price.map(|p| super::Price {
                input: p.input,
                output: p.output,
                cached_input: p.cached_input,
                cache_write: p.cache_write,
                reasoning: p.reasoning,
                tiers: p.tiers,
                as_of: p.as_of.unwrap_or_else(|| "unknown".into()),
                source: p.source.unwrap_or_else(|| label.to_string()),
            });
            match c.catalog.models.iter_mut().find(|m| m.id == id) {
                Some(m) => {
                    for a in aliases {
                        if !m.aliases.contains(&a) {
                            m.aliases.push(a);
                        }
                    }
                    if patch.open_weights.is_some() {
                        m.open_weights = patch.open_weights;
                    }
                    if patch.context.is_some() {
                        m.context = patch.context;
                    }
                    if price.is_some() {
                        m.price = price;
                    }
                }
                None => c.catalog.models.push(super::ModelDef {
                    id,
                    aliases,
                    open_weights: patch.open_weights,
                    context: patch.context,
                    price,
                    discovered: false,
                }),
            }
        }

        c.timeouts = file.timeouts.unwrap_or_default();
        c.retry = file.retry.unwrap_or_default();
        c.ui = file.ui.unwrap_or_default();
        c.presets = file.presets;
        c.keymap = file.keymap;
        c.default_models = file.default_models;
        validate(&c.catalog, label, Some(text))?;
        Ok(c)
    }
}

fn apply_provider(d: &mut super::ProviderDef, p: ProviderPatch) {
    if let Some(v) = p.protocol {
        d.protocol = v;
    }
    if let Some(v) = p.base_url {
        d.base_url = v;
    }
    if p.api_key_env.is_some() {
        d.api_key_env = p.api_key_env;
    }
    if let Some(v) = p.open_weights {
        d.open_weights = v;
    }
    if let Some(v) = p.local {
        d.local = v;
    }
    if p.max_concurrency.is_some() {
        d.max_concurrency = p.max_concurrency;
    }
    if let Some(h) = p.headers {
        d.headers.extend(h);
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Every model's provider is configured; no alias names two models.
fn validate(cat: &Catalog, label: &str, text: Option<&str>) -> Result<(), ConfigError> {
    let where_ = |id: &str| {
        text.and_then(|t| t.find(&format!("\"{id}\"")))
            .map(|off| format!("line {}: ", line_of(text.unwrap_or_default(), off)))
            .unwrap_or_default()
    };
    let err = |message: String| ConfigError {
        path: label.to_string(),
        message,
    };
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for m in &cat.models {
        let Some((provider, _)) = super::split_id(&m.id) else {
            return Err(err(format!(
                "{}model id '{}' must be PROVIDER:MODEL",
                where_(&m.id),
                m.id
            )));
        };
        if !cat.providers.contains_key(provider) {
            return Err(err(format!(
                "{}model '{}': unknown provider '{provider}'",
                where_(&m.id),
                m.id
            )));
        }
        for a in &m.aliases {
            if let Some(other) = seen.insert(a.as_str(), m.id.as_str()) {
                return Err(err(format!(
                    "{}alias '{a}' is used by both '{other}' and '{}'",
                    where_(&m.id),
                    m.id
                )));
            }
        }
    }
    Ok(())
}
