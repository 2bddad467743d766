//! Per-provider concurrency limits: one semaphore per provider id, shared by every job of the
//! engine (the workbench, `run`, `replay`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::catalog::ProviderDef;

/// Requests in flight at once when the provider does not say: remote hosts take several, a
/// local server one (it would only slow every request down).
pub const DEFAULT_REMOTE: usize = 4;
pub const DEFAULT_LOCAL: usize = 1;

pub fn limit_for(p: &ProviderDef) -> usize {
    p.max_concurrency
        .unwrap_or(if p.local {
            DEFAULT_LOCAL
        } else {
            DEFAULT_REMOTE
        })
        .max(1)
}

#[derive(Default)]
pub struct Limits {
    map: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Limits {
    /// The semaphore of a provider, created on first use with its limit.
    pub fn semaphore(&self, p: &ProviderDef) -> Arc<Semaphore> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(p.id.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(limit_for(p))))
            .clone()
    }
}
