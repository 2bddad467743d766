//! Anthropic wire protocol (see PROTOCOLS.md). Not yet implemented.

use futures::future::BoxFuture;

use super::{ChatRequest, Endpoint, ErrorKind, EventStream, Provider, ProviderError};

pub struct Anthropic {
    #[allow(dead_code)]
    endpoint: Endpoint,
    #[allow(dead_code)]
    http: reqwest::Client,
}

impl Anthropic {
    pub fn new(endpoint: Endpoint, http: reqwest::Client) -> Self {
        Anthropic { endpoint, http }
    }
}

impl Provider for Anthropic {
    fn stream(&self, _req: ChatRequest) -> EventStream {
        Box::pin(futures::stream::once(async {
            Err(ProviderError::new(ErrorKind::Protocol, "not implemented"))
        }))
    }
    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}
