//! One job: wait for the provider's permit, run attempts (stamping every event on arrival,
//! applying the timeouts and the retry policy), then settle into a [`ResponseRecord`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{EngineEvent, EventKind, Job, Shared, retry};
use crate::catalog::{Config, ResolvedModel, Timeouts};
use crate::metrics::Recorder;
use crate::provider::demo::XorShift;
use crate::provider::{
    ApiKey, ChatRequest, Endpoint, ErrorKind, Provider, ProviderError, StreamEvent,
};
use crate::record::{ErrorInfo, ResponseRecord, Status};

pub(crate) struct Ctx {
    pub config: Arc<Config>,
    pub shared: Arc<Shared>,
}

enum Outcome {
    Finished,
    Cancelled,
    Failed(ProviderError),
    /// Nobody listens any more: stop quietly.
    Gone,
}

/// What one attempt received.
struct Attempt {
    rec: Recorder,
    text: String,
    reasoning: String,
}

pub(crate) async fn run(
    ctx: Ctx,
    job: Job,
    tx: mpsc::Sender<EngineEvent>,
    cancel: CancellationToken,
) {
    let started_at = chrono::Utc::now();
    let provider = match provider_for(&ctx, &job.model) {
        Ok(p) => p,
        Err(e) => {
            let a = Attempt {
                rec: Recorder::new(Instant::now()),
                text: String::new(),
                reasoning: String::new(),
            };
            settle(&job, a, Status::Error, Some(&e), started_at, &tx).await;
            return;
        }
    };

    // Local queueing is not part of the measured time: t0 is taken after the permit.
    let sem = ctx.shared.limits.semaphore(&job.model.provider);
    let permit = tokio::select! {
        biased;
        _ = cancel.cancelled() => None,
        p = sem.acquire_owned() => p.ok(),
    };
    let Some(_permit) = permit else {
        let a = Attempt {
            rec: Recorder::new(Instant::now()),
            text: String::new(),
            reasoning: String::new(),
        };
        settle(&job, a, Status::Cancelled, None, started_at, &tx).await;
        return;
    };

    let seed =
        (job.tag.run << 16) ^ u64::from(job.tag.pane) ^ started_at.timestamp_subsec_nanos() as u64;
    let mut rng = XorShift::new(seed);
    let mut n = 0u32;
    loop {
        let t0 = Instant::now();
        if tx
            .send(EngineEvent {
                tag: job.tag,
                at: t0,
                kind: EventKind::Attempt { n },
            })
            .await
            .is_err()
        {
            return;
        }
        let mut a = Attempt {
            rec: Recorder::new(t0),
            text: String::new(),
            reasoning: String::new(),
        };
        a.rec.retries = n;
        let outcome = attempt(
            provider.as_ref(),
            &job,
            &mut a,
            &tx,
            &cancel,
            &ctx.config.timeouts,
        )
        .await;
        match outcome {
            Outcome::Gone => return,
            Outcome::Finished => return settle(&job, a, Status::Ok, None, started_at, &tx).await,
            Outcome::Cancelled => {
                return settle(&job, a, Status::Cancelled, None, started_at, &tx).await;
            }
            Outcome::Failed(err) => {
                let tokens = a.rec.first_token.is_some();
                match retry::decide(&ctx.config.retry, n, &err, tokens, rng.next_f64()) {
                    retry::Decision::GiveUp => {
                        return settle(&job, a, Status::Error, Some(&err), started_at, &tx).await;
                    }
                    retry::Decision::Retry(delay) => {
                        let ev = EventKind::Retrying { error: err, delay };
                        if tx
                            .send(EngineEvent {
                                tag: job.tag,
                                at: Instant::now(),
                                kind: ev,
                            })
                            .await
                            .is_err()
                        {
                            return;
                        }
                        tokio::select! {
                            biased;
                            _ = cancel.cancelled() => {
                                return settle(&job, a, Status::Cancelled, None, started_at, &tx).await;
                            }
                            _ = tokio::time::sleep(delay) => {}
                        }
                        n += 1;
                    }
                }
            }
        }
    }
}

/// Poll one attempt's stream to its end, a timeout, an error or cancellation.
async fn attempt(
    provider: &dyn Provider,
    job: &Job,
    a: &mut Attempt,
    tx: &mpsc::Sender<EngineEvent>,
    cancel: &CancellationToken,
    timeouts: &Timeouts,
) -> Outcome {
    let mut stream = provider.stream(job.request.clone());
    let first_token =
        (timeouts.first_token_ms > 0).then(|| Duration::from_millis(timeouts.first_token_ms));
    let idle = (timeouts.idle_ms > 0).then(|| Duration::from_millis(timeouts.idle_ms));
    loop {
        // The nearest deadline: first token (until one arrives), idle (since the last event).
        let mut deadline: Option<(Instant, ProviderError)> = None;
        if let (None, Some(ft)) = (a.rec.first_token, first_token) {
            let e = ProviderError::new(
                ErrorKind::Timeout,
                crate::strings::engine::first_token_timeout(timeouts.first_token_ms),
            );
            deadline = Some((a.rec.t0 + ft, e));
        }
        if let Some(idle) = idle {
            let at = a.rec.last_event.unwrap_or(a.rec.t0) + idle;
            if deadline.as_ref().is_none_or(|(d, _)| at < *d) {
                let e = ProviderError::new(
                    ErrorKind::Timeout,
                    crate::strings::engine::idle_timeout(timeouts.idle_ms),
                );
                deadline = Some((at, e));
            }
        }
        let sleep = async {
            match &deadline {
                Some((at, _)) => {
                    tokio::time::sleep_until(tokio::time::Instant::from_std(*at)).await
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return Outcome::Cancelled,
            item = stream.next() => match item {
                Some(Ok(ev)) => {
                    let at = Instant::now();
                    a.rec.on_event(at, &ev);
                    match &ev {
                        StreamEvent::Text(s) => a.text.push_str(s),
                        StreamEvent::Reasoning(s) => a.reasoning.push_str(s),
                        _ => {}
                    }
                    let finished = matches!(ev, StreamEvent::Finish { .. });
                    let out = EngineEvent { tag: job.tag, at, kind: EventKind::Stream(ev) };
                    if tx.send(out).await.is_err() {
                        return Outcome::Gone;
                    }
                    if finished {
                        return Outcome::Finished;
                    }
                }
                Some(Err(e)) => return Outcome::Failed(e),
                None => {
                    return Outcome::Failed(ProviderError::new(ErrorKind::Connect, crate::strings::engine::STREAM_ENDED_EARLY));
                }
            },
            _ = sleep => {
                let e = deadline.map(|(_, e)| e).unwrap_or_else(|| ProviderError::new(ErrorKind::Timeout, "timeout"));
                return Outcome::Failed(e);
            }
        }
    }
}

/// Final figures, cost and the record; send `Done`.
async fn settle(
    job: &Job,
    a: Attempt,
    status: Status,
    error: Option<&ProviderError>,
    started_at: chrono::DateTime<chrono::Utc>,
    tx: &mpsc::Sender<EngineEvent>,
) {
    let end = Instant::now();
    // With neither a token nor a usage report, nothing says the prompt was billed: no input
    // estimate (the cost stays unknown rather than a guess). When the input was reported, no
    // estimate is needed (and the tokenizer is not loaded).
    // The tokenizer may still be loading: count off the async workers.
    let billed = a.rec.first_token.is_some() || a.rec.usage.is_some();
    let reported_input = a.rec.usage.and_then(|u| u.input).is_some()
        || a.rec
            .server
            .as_ref()
            .and_then(|s| s.prompt_tokens)
            .is_some();
    let needs_input_estimate = billed && !reported_input;
    let request = job.request.clone();
    let Attempt {
        rec,
        text,
        reasoning,
    } = a;
    let m = &job.model;
    let metrics = tokio::task::spawn_blocking(move || {
        let input_estimate = needs_input_estimate.then(|| input_tokens(&request));
        let mut metrics = rec.finish(end, &text, &reasoning, input_estimate);
        if !billed && text.is_empty() && reasoning.is_empty() {
            // Nothing arrived: the output is unknown, not an estimated zero.
            metrics.tokens.output = None;
            metrics.tokens.reasoning = None;
        }
        (metrics, rec.reported_cost, text, reasoning)
    })
    .await;
    let Ok((metrics, reported_cost, text, reasoning)) = metrics else {
        return;
    };
    let cost = crate::cost::compute(
        &metrics.tokens,
        m.price.as_ref(),
        m.is_local(),
        reported_cost,
    );
    let record = ResponseRecord {
        pane: job.tag.pane,
        model: m.id.clone(),
        open_weights: m.open_weights,
        simulated: m.simulated,
        status,
        error: error.map(ErrorInfo::from),
        text,
        reasoning,
        metrics,
        cost,
        price: m.price.clone(),
        started_at,
        repeat: job.repeat,
    };
    let _ = tx
        .send(EngineEvent {
            tag: job.tag,
            at: end,
            kind: EventKind::Done(Box::new(record)),
        })
        .await;
}

/// The prompt's size by the o200k tokenizer (an estimate), with a small per-message overhead.
pub(crate) fn input_tokens(req: &ChatRequest) -> u64 {
    let sys = req
        .system
        .as_deref()
        .map(|s| crate::metrics::estimate_tokens(s) + 3)
        .unwrap_or(0);
    sys + req
        .messages
        .iter()
        .map(|m| crate::metrics::estimate_tokens(&m.content) + 3)
        .sum::<u64>()
}

fn provider_for(ctx: &Ctx, m: &ResolvedModel) -> Result<Arc<dyn Provider>, ProviderError> {
    {
        let map = ctx
            .shared
            .overrides
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(p) = map.get(&m.provider.id) {
            return Ok(p.clone());
        }
    }
    let api_key = match &m.provider.api_key_env {
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Some(ApiKey::new(v.trim())),
            _ if m.provider.local => None,
            _ => {
                let mut e =
                    ProviderError::new(ErrorKind::Auth, crate::strings::engine::key_missing(var));
                e.retryable = false;
                return Err(e);
            }
        },
        None => None,
    };
    let endpoint = Endpoint {
        id: m.provider.id.clone(),
        protocol: m.provider.protocol,
        base_url: m.provider.base_url.clone(),
        api_key,
        headers: m
            .provider
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        connect_timeout: Duration::from_millis(ctx.config.timeouts.connect_ms.max(1)),
    };
    Ok(crate::provider::build(endpoint, ctx.shared.http.clone()))
}
