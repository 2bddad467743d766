//! Providers and models: the shipped presets (presets/*.toml, embedded) merged with the user's
//! config.toml; prices; aliases; local servers discovered in the background.

pub mod config;
pub mod discovery;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::provider::Protocol;

pub use config::{Config, ConfigError, Timeouts, UiConfig};

/// A provider as the presets and the user's config define it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderDef {
    #[serde(skip)]
    pub id: String,
    pub protocol: Protocol,
    pub base_url: String,
    /// The environment variable that holds the key; local servers need none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// Whether the models it serves are open-weight (a model entry may override this).
    #[serde(default)]
    pub open_weights: bool,
    /// A server on this machine (probed at start; $0 unless priced).
    #[serde(default)]
    pub local: bool,
    /// How many requests to this provider may run at once (per juxta process).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<usize>,
    /// Extra headers (e.g. OpenRouter attribution).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// One price tier: applies when the prompt's input tokens are above `above_input_tokens`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceTier {
    pub above_input_tokens: u64,
    pub input: f64,
    pub output: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
}

/// USD per 1M tokens, with where the figure came from and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    /// Only when reasoning tokens are priced apart from output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<PriceTier>,
    pub as_of: String,
    pub source: String,
}

/// A model in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelDef {
    /// `provider:model`, split at the first colon.
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Overrides the provider's `open_weights`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_weights: Option<bool>,
    /// Context window in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    /// Found by probing a local server rather than configured.
    #[serde(default, skip)]
    pub discovered: bool,
}

/// A model name resolved against the catalog: everything the engine needs to call it and to
/// label and price its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedModel {
    /// `provider:model`.
    pub id: String,
    pub provider: ProviderDef,
    /// The part after the first colon: what the provider calls the model.
    pub model: String,
    pub open_weights: bool,
    pub context: Option<u64>,
    pub price: Option<Price>,
    /// `demo` protocol: everything it produces is labelled simulated.
    pub simulated: bool,
    /// Listed in the catalog (false: the provider is configured, the model is not; unpriced).
    pub in_catalog: bool,
}

impl ResolvedModel {
    pub fn is_local(&self) -> bool {
        self.provider.local
    }
}

/// Providers and models, presets merged with the user's config.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub providers: BTreeMap<String, ProviderDef>,
    pub models: Vec<ModelDef>,
}

/// Why a model name could not be resolved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ResolveError {
    #[error("unknown model '{0}': name it PROVIDER:MODEL or use an alias (see `juxta models`)")]
    Unknown(String),
    #[error("unknown provider '{provider}' in '{name}' (configured: {known})")]
    UnknownProvider {
        name: String,
        provider: String,
        known: String,
    },
}

/// Split `provider:model` at the first colon only (`ollama:qwen3:8b` → `ollama`, `qwen3:8b`).
pub fn split_id(id: &str) -> Option<(&str, &str)> {
    let (p, m) = id.split_once(':')?;
    (!p.is_empty() && !m.is_empty()).then_some((p, m))
}
