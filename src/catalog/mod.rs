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
    /// A `demo:` name whose profile or parameters are wrong.
    #[error("bad demo model '{name}': {reason}")]
    Demo { name: String, reason: String },
}

/// Split `provider:model` at the first colon only (`ollama:qwen3:8b` → `ollama`, `qwen3:8b`).
pub fn split_id(id: &str) -> Option<(&str, &str)> {
    let (p, m) = id.split_once(':')?;
    (!p.is_empty() && !m.is_empty()).then_some((p, m))
}

impl Catalog {
    /// The catalog entry with this exact id.
    pub fn model(&self, id: &str) -> Option<&ModelDef> {
        self.models.iter().find(|m| m.id == id)
    }

    /// The model an alias names.
    pub fn by_alias(&self, alias: &str) -> Option<&ModelDef> {
        self.models
            .iter()
            .find(|m| m.aliases.iter().any(|a| a == alias))
    }

    /// Add models found on local servers (ids not already listed).
    pub fn add_discovered(&mut self, found: Vec<ModelDef>) {
        for m in found {
            if self.model(&m.id).is_none() {
                self.models.push(m);
            }
        }
    }

    /// Resolve an alias, an exact id, or `provider:model` with a configured provider (usable,
    /// unpriced, `in_catalog` false when the catalog does not list it).
    pub fn resolve(&self, name: &str) -> Result<ResolvedModel, ResolveError> {
        let name = name.trim();
        if let Some(m) = self.by_alias(name).or_else(|| self.model(name)) {
            return self.resolved(m.id.clone(), Some(m));
        }
        let Some((provider, model)) = split_id(name) else {
            return Err(ResolveError::Unknown(name.to_string()));
        };
        let Some(def) = self.providers.get(provider) else {
            return Err(ResolveError::UnknownProvider {
                name: name.to_string(),
                provider: provider.to_string(),
                known: self
                    .providers
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        if def.protocol == Protocol::Demo {
            // `demo:swift,ttft=50`: the parameters tune the listed profile.
            if let Err(reason) = crate::provider::demo::Profile::parse(model) {
                return Err(ResolveError::Demo {
                    name: name.to_string(),
                    reason,
                });
            }
            let base = format!("{provider}:{}", model.split(',').next().unwrap_or_default());
            return self.resolved(name.to_string(), self.model(&base));
        }
        self.resolved(name.to_string(), None)
    }

    fn resolved(&self, id: String, def: Option<&ModelDef>) -> Result<ResolvedModel, ResolveError> {
        let Some((provider_id, model)) = split_id(&id) else {
            return Err(ResolveError::Unknown(id));
        };
        let Some(provider) = self.providers.get(provider_id) else {
            return Err(ResolveError::UnknownProvider {
                name: id.clone(),
                provider: provider_id.to_string(),
                known: self
                    .providers
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let open_weights = def
            .and_then(|d| d.open_weights)
            .unwrap_or(provider.open_weights || provider.local);
        Ok(ResolvedModel {
            model: model.to_string(),
            provider: provider.clone(),
            open_weights,
            context: def.and_then(|d| d.context),
            price: def.and_then(|d| d.price.clone()),
            simulated: provider.protocol == Protocol::Demo,
            in_catalog: def.is_some(),
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presets() -> Config {
        Config::presets_only().expect("presets parse")
    }

    #[test]
    fn presets_list_every_provider_and_enough_models() {
        let c = presets();
        for p in [
            "openai",
            "anthropic",
            "gemini",
            "openrouter",
            "deepseek",
            "moonshot",
            "dashscope",
            "mistral",
            "groq",
            "together",
            "xai",
            "ollama",
            "vllm",
            "llamacpp",
            "lmstudio",
            "tgi",
            "demo",
        ] {
            assert!(c.catalog.providers.contains_key(p), "missing provider {p}");
        }
        let real = c
            .catalog
            .models
            .iter()
            .filter(|m| !m.id.starts_with("demo:"))
            .count();
        assert!(real >= 30, "{real} models");
        for m in &c.catalog.models {
            if let Some(p) = &m.price {
                assert!(
                    !p.as_of.is_empty() && !p.source.is_empty(),
                    "{} has no as_of/source",
                    m.id
                );
            }
        }
        assert_eq!(
            c.catalog.providers["ollama"].base_url,
            "http://localhost:11434"
        );
        assert!(c.catalog.providers["vllm"].local);
    }

    #[test]
    fn resolution_by_alias_id_and_unlisted_model() {
        let c = presets().catalog;
        let k = c.resolve("kimi").expect("alias");
        assert_eq!(k.id, "moonshot:kimi-k2.5");
        assert!(k.in_catalog && k.price.is_some() && k.open_weights);
        let g = c.resolve("openai:gpt-5-mini").expect("id");
        assert!(!g.open_weights && !g.simulated);
        assert_eq!(g.model, "gpt-5-mini");
        let u = c
            .resolve("openai:gpt-9-experimental")
            .expect("configured provider");
        assert!(!u.in_catalog && u.price.is_none());
        let o = c.resolve("ollama:qwen3:8b").expect("ollama");
        assert_eq!(o.model, "qwen3:8b");
        assert!(o.open_weights && o.is_local());
        let l = c.resolve("vllm:some/unlisted-model").expect("local");
        assert!(l.open_weights && !l.in_catalog);
        assert!(matches!(
            c.resolve("nosuch:model"),
            Err(ResolveError::UnknownProvider { .. })
        ));
        assert!(matches!(
            c.resolve("gpt-nothing"),
            Err(ResolveError::Unknown(_))
        ));
        let d = c.resolve("demo:swift,ttft=10").expect("demo with params");
        assert!(d.simulated && d.in_catalog && d.price.is_some());
        assert!(c.resolve("demo:nosuch").is_err());
    }

    #[test]
    fn user_config_adds_and_overrides() {
        let text = r#"
default_models = ["demo:swift", "kimi"]
[providers.mylab]
protocol = "openai"
base_url = "http://127.0.0.1:4000/v1"
api_key_env = "MYLAB_KEY"
open_weights = true

[providers.openai]
base_url = "http://proxy.local/v1"

[[models]]
id = "mylab:qwen3-8b"
alias = "q8"
price = { input = 0.10, output = 0.40, cached_input = 0.01, as_of = "2026-11-01", source = "invoice" }

[[models]]
id = "openai:gpt-5-mini"
aliases = ["kimi"]
price = { input = 1.0, output = 2.0 }

[timeouts]
first_token_ms = 5000

[keymap.editor]
submit = "ctrl-enter"
"#;
        let c = Config::from_toml_str(text, "config.toml").expect("valid");
        let q = c.catalog.resolve("q8").expect("alias");
        assert_eq!(q.id, "mylab:qwen3-8b");
        assert_eq!(q.price.as_ref().map(|p| p.source.as_str()), Some("invoice"));
        assert!(q.open_weights);
        assert_eq!(
            c.catalog.providers["openai"].base_url,
            "http://proxy.local/v1"
        );
        assert_eq!(
            c.catalog.providers["openai"].api_key_env.as_deref(),
            Some("OPENAI_API_KEY")
        );
        // The user's alias wins over the shipped one.
        assert_eq!(
            c.catalog.resolve("kimi").expect("alias").id,
            "openai:gpt-5-mini"
        );
        let mini = c.catalog.resolve("openai:gpt-5-mini").expect("id");
        assert_eq!(mini.price.as_ref().map(|p| p.input), Some(1.0));
        assert_eq!(c.timeouts.first_token_ms, 5000);
        assert_eq!(c.timeouts.idle_ms, Timeouts::default().idle_ms);
        assert!(c.keymap.contains_key("editor"));
        assert_eq!(c.default_models.len(), 2);
    }

    #[test]
    fn config_errors_name_the_line() {
        let broken = "[providers.x]\nprotocol = \"openai\"\nbase_url = \n";
        let e = Config::from_toml_str(broken, "my.toml").expect_err("broken");
        let s = e.to_string();
        assert!(s.starts_with("my.toml: "), "{s}");
        assert!(s.contains("line 3"), "{s}");

        let proto = "\n[providers.x]\nprotocol = \"grpc\"\nbase_url = \"http://x\"\n";
        let s = Config::from_toml_str(proto, "my.toml")
            .expect_err("protocol")
            .to_string();
        assert!(s.contains("line 3") && s.contains("grpc"), "{s}");

        let orphan = "\n\n[[models]]\nid = \"nowhere:m\"\n";
        let s = Config::from_toml_str(orphan, "my.toml")
            .expect_err("provider")
            .to_string();
        assert!(
            s.contains("line 4") && s.contains("unknown provider 'nowhere'"),
            "{s}"
        );

        let dup = "[[models]]\nid = \"openai:a\"\nalias = \"x\"\n[[models]]\nid = \"openai:b\"\nalias = \"x\"\n";
        let s = Config::from_toml_str(dup, "my.toml")
            .expect_err("dup")
            .to_string();
        assert!(s.contains("alias 'x'") && s.contains("line 5"), "{s}");

        let typo = "[providers.openai]\nbase_ur = \"http://x\"\n";
        let s = Config::from_toml_str(typo, "my.toml")
            .expect_err("typo")
            .to_string();
        assert!(s.contains("base_ur"), "{s}");
    }
}
