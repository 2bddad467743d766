//! Local servers (Ollama, vLLM, llama.cpp, LM Studio, TGI) probed on their default ports.
//!
//! Each local provider gets one GET (`/api/tags` for the Ollama protocol, `{base}/models` for
//! OpenAI-compatible servers) with a short budget (200 ms by default), all concurrently, so a
//! machine with no server running costs at most one budget. Meant to run in the background.

use std::time::Duration;

use super::{Catalog, ModelDef, ProviderDef};
use crate::provider::Protocol;

/// The default budget per server.
pub const PROBE_BUDGET: Duration = Duration::from_millis(200);

/// What one local server answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub provider: String,
    pub url: String,
    /// It answered 2xx in time.
    pub up: bool,
    /// The model names it offers (without the provider prefix).
    pub models: Vec<String>,
    /// Why it is down (refused, timed out, HTTP status, unreadable reply).
    pub error: Option<String>,
}

impl Probe {
    /// The discovered models as catalog entries (open-weight, unpriced → $0 local).
    pub fn model_defs(&self) -> Vec<ModelDef> {
        self.models
            .iter()
            .map(|m| ModelDef {
                id: format!("{}:{m}", self.provider),
                aliases: Vec::new(),
                open_weights: Some(true),
                context: None,
                price: None,
                discovered: true,
            })
            .collect()
    }
}

/// The URL to list a provider's models.
pub fn list_url(p: &ProviderDef) -> String {
    let base = p.base_url.trim_end_matches('/');
    match p.protocol {
        Protocol::Ollama => format!("{base}/api/tags"),
        _ => format!("{base}/models"),
    }
}

/// Probe every local provider of the catalog at once.
pub async fn probe_local(
    catalog: &Catalog,
    http: &reqwest::Client,
    budget: Duration,
) -> Vec<Probe> {
    let futs = catalog
        .providers
        .values()
        .filter(|p| p.local)
        .map(|p| probe(p, http, budget));
    futures::future::join_all(futs).await
}

/// Probe the local servers in a background task; its result is the models they serve, ready
/// for [`Catalog::add_discovered`]. Must be called within a tokio runtime.
pub fn discover_in_background(
    catalog: Catalog,
    http: reqwest::Client,
) -> tokio::task::JoinHandle<Vec<ModelDef>> {
    tokio::spawn(async move {
        probe_local(&catalog, &http, PROBE_BUDGET)
            .await
            .iter()
            .flat_map(Probe::model_defs)
            .collect()
    })
}

/// Probe one server.
pub async fn probe(p: &ProviderDef, http: &reqwest::Client, budget: Duration) -> Probe {
    let url = list_url(p);
    let mut out = Probe {
        provider: p.id.clone(),
        url: url.clone(),
        up: false,
        models: Vec::new(),
        error: None,
    };
    let fetch = async {
        let resp = http.get(&url).send().await.map_err(|e| short_error(&e))?;
        if !resp.status().is_success() {
            return Err(format!("HTTP {}", resp.status().as_u16()));
        }
        resp.bytes().await.map_err(|e| short_error(&e))
    };
    match tokio::time::timeout(budget, fetch).await {
        Err(_) => out.error = Some(format!("no answer within {} ms", budget.as_millis())),
        Ok(Err(e)) => out.error = Some(e),
        Ok(Ok(body)) => {
            out.up = true;
            match parse_models(p.protocol, &body) {
                Some(models) => out.models = models,
                None => out.error = Some("unreadable model list".into()),
            }
        }
    }
    out
}

fn short_error(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "connection refused".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else {
        "request failed".into()
    }
}

/// `{"models":[{"name":...}]}` (Ollama) or `{"data":[{"id":...}]}` (OpenAI-compatible).
pub fn parse_models(protocol: Protocol, body: &[u8]) -> Option<Vec<String>> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let (list, key) = match protocol {
        Protocol::Ollama => (v.get("models")?, "name"),
        _ => (v.get("data")?, "id"),
    };
    Some(
        list.as_array()?
            .iter()
            .filter_map(|m| m.get(key)?.as_str().map(str::to_string))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_list_shapes() {
        let ollama = br#"{"models":[{"name":"qwen3:8b","size":1},{"name":"llama3.2"}]}"#;
        assert_eq!(
            parse_models(Protocol::Ollama, ollama),
            Some(vec!["qwen3:8b".into(), "llama3.2".into()])
        );
        let oai = br#"{"object":"list","data":[{"id":"Qwen/Qwen3-8B","object":"model"}]}"#;
        assert_eq!(
            parse_models(Protocol::Openai, oai),
            Some(vec!["Qwen/Qwen3-8B".into()])
        );
        assert_eq!(parse_models(Protocol::Openai, b"not json"), None);
    }

    #[tokio::test]
    async fn a_closed_port_is_down_quickly() {
        // Bind then drop a listener to get a port nobody listens on.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let p = ProviderDef {
            id: "vllm".into(),
            protocol: Protocol::Openai,
            base_url: format!("http://127.0.0.1:{port}/v1"),
            api_key_env: None,
            open_weights: true,
            local: true,
            max_concurrency: None,
            headers: Default::default(),
        };
        let r = probe(&p, &reqwest::Client::new(), PROBE_BUDGET).await;
        assert!(!r.up);
        assert!(r.error.is_some());
    }
}
