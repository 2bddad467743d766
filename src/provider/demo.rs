//! Built-in simulated models: stated profiles, deterministic text. Not yet implemented.

use futures::future::BoxFuture;

use super::{ChatRequest, ErrorKind, EventStream, Provider, ProviderError};

#[derive(Default)]
pub struct Demo;

impl Demo {
    pub fn new() -> Self {
        Demo
    }
}

impl Provider for Demo {
    fn stream(&self, _req: ChatRequest) -> EventStream {
        Box::pin(futures::stream::once(async {
            Err(ProviderError::new(ErrorKind::Protocol, "not implemented"))
        }))
    }
    fn list_models(&self) -> BoxFuture<'static, Result<Vec<String>, ProviderError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}
