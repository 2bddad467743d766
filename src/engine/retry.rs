//! The retry policy of PROTOCOLS.md §8: retry only errors that can pass (429, 5xx, 529, connect)
//! and only while no token has arrived; wait the server's delay when it names a reasonable one,
//! else an exponential backoff with jitter.

use std::time::Duration;

use crate::catalog::config::RetryConfig;
use crate::provider::ProviderError;

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// The error stands.
    GiveUp,
}

/// Decide about attempt `attempt` (0-based) that failed with `err`. `tokens_arrived`: output
/// was already shown, so a retry would mix two answers (and bill twice): never.
/// `jitter` is a number in [0, 1) from the caller's RNG.
pub fn decide(
    cfg: &RetryConfig,
    attempt: u32,
    err: &ProviderError,
    tokens_arrived: bool,
    jitter: f64,
) -> Decision {
    if tokens_arrived || !err.retryable || attempt >= cfg.max_retries {
        return Decision::GiveUp;
    }
    match err.retry_after {
        Some(d) if d > Duration::from_millis(cfg.max_server_delay_ms) => Decision::GiveUp,
        Some(d) if !d.is_zero() => Decision::Retry(d),
        _ => Decision::Retry(backoff(cfg, attempt, jitter)),
    }
}

/// `base · 2^attempt`, capped at `max_delay`, minus up to a quarter of it as jitter.
pub fn backoff(cfg: &RetryConfig, attempt: u32, jitter: f64) -> Duration {
    let base = cfg.base_delay_ms.saturating_mul(1u64 << attempt.min(20));
    let capped = base.min(cfg.max_delay_ms) as f64;
    Duration::from_secs_f64(capped * (1.0 - 0.25 * jitter.clamp(0.0, 1.0)) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ErrorKind;

    fn cfg() -> RetryConfig {
        RetryConfig {
            max_retries: 2,
            base_delay_ms: 500,
            max_delay_ms: 8_000,
            max_server_delay_ms: 120_000,
        }
    }

    fn limited(after: Option<Duration>) -> ProviderError {
        let mut e = ProviderError::new(ErrorKind::RateLimited, "slow down").with_status(429);
        e.retry_after = after;
        e
    }

    #[test]
    fn server_delay_within_the_cap_is_obeyed() {
        let d = decide(
            &cfg(),
            0,
            &limited(Some(Duration::from_secs(3))),
            false,
            0.5,
        );
        assert_eq!(d, Decision::Retry(Duration::from_secs(3)));
    }

    #[test]
    fn server_delay_above_the_cap_means_no_retry() {
        let d = decide(
            &cfg(),
            0,
            &limited(Some(Duration::from_secs(121))),
            false,
            0.0,
        );
        assert_eq!(d, Decision::GiveUp);
    }

    #[test]
    fn no_retry_after_tokens_nor_past_the_limit_nor_for_permanent_errors() {
        assert_eq!(
            decide(&cfg(), 0, &limited(None), true, 0.0),
            Decision::GiveUp
        );
        assert_eq!(
            decide(&cfg(), 2, &limited(None), false, 0.0),
            Decision::GiveUp
        );
        let auth = ProviderError::new(ErrorKind::Auth, "bad key").with_status(401);
        assert_eq!(decide(&cfg(), 0, &auth, false, 0.0), Decision::GiveUp);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        assert_eq!(backoff(&cfg(), 0, 0.0), Duration::from_millis(500));
        assert_eq!(backoff(&cfg(), 1, 0.0), Duration::from_millis(1000));
        assert_eq!(backoff(&cfg(), 10, 0.0), Duration::from_millis(8000));
        let j = backoff(&cfg(), 1, 0.99);
        assert!(j < Duration::from_millis(1000) && j >= Duration::from_millis(750));
    }
}
