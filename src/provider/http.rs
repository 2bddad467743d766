//! Shared HTTP helpers for the wire protocols: error classification, retry-after parsing, key
//! redaction.

use super::ApiKey;

/// Replace every occurrence of the key's value in `text` with `***`.
pub fn redact(text: &str, key: Option<&ApiKey>) -> String {
    match key {
        Some(k) if !k.expose().is_empty() => text.replace(k.expose(), "***"),
        _ => text.to_string(),
    }
}
