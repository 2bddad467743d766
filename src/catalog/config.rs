//! The user's config.toml (DESIGN §4), read over the embedded defaults.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Catalog;

/// Network timeouts, from config (`[timeouts]`, milliseconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
#[serde(default)]
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
