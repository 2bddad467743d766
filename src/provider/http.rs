//! Shared HTTP helpers for the wire protocols: building requests, error classification,
//! retry-after parsing, key redaction, and turning a response body into [`StreamEvent`]s.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, RequestBuilder, Response};

use super::sse::{SseDecoder, SseEvent};
use super::{ApiKey, Endpoint, ErrorKind, EventStream, ProviderError, StreamEvent};
use crate::strings::wire as text;

/// One decoded item of a response stream.
pub type Item = Result<StreamEvent, ProviderError>;

/// Replace every occurrence of the key's value in `text` with `***`, and also any start of the
/// key (8 characters or more) that a length limit may have cut off mid-key.
pub fn redact(text: &str, key: Option<&ApiKey>) -> String {
    let Some(k) = key.map(ApiKey::expose).filter(|k| !k.is_empty()) else {
        return text.to_string();
    };
    let mut out = text.replace(k, "***");
    let mut n = k.len();
    while n > 8 {
        n -= 1;
        if k.is_char_boundary(n) && out.contains(&k[..n]) {
            out = out.replace(&k[..n], "***");
        }
    }
    out
}

fn redact_error(mut e: ProviderError, key: Option<&ApiKey>) -> ProviderError {
    e.message = redact(&e.message, key);
    e
}

/// A reqwest client suited to streaming: a connect timeout, no overall timeout (streams are long;
/// the engine owns timeouts), no redirects to other hosts carrying keys.
pub fn client(connect_timeout: Duration) -> Client {
    Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|_| Client::new())
}

/// Join `base` and `path` with exactly one `/`.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

fn header(
    name: &str,
    value: &str,
    sensitive: bool,
) -> Result<(HeaderName, HeaderValue), ProviderError> {
    let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        ProviderError::new(ErrorKind::Protocol, format!("invalid header name {name:?}"))
    })?;
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        ProviderError::new(
            ErrorKind::Protocol,
            format!("invalid value for header {name:?}"),
        )
    })?;
    v.set_sensitive(sensitive);
    Ok((n, v))
}

/// Build a request: `auth` headers (marked sensitive) then the endpoint's extra headers.
pub fn request(
    http: &Client,
    method: reqwest::Method,
    url: &str,
    endpoint: &Endpoint,
    auth: &[(&str, String)],
) -> Result<RequestBuilder, ProviderError> {
    let mut headers = HeaderMap::new();
    for (name, value) in auth {
        let (n, v) = header(name, value, true)?;
        headers.insert(n, v);
    }
    for (name, value) in &endpoint.headers {
        let (n, v) = header(name, value, false)?;
        headers.insert(n, v);
    }
    Ok(http.request(method, url).headers(headers))
}

/// A streaming POST with a JSON body.
pub fn post_json(
    http: &Client,
    url: &str,
    endpoint: &Endpoint,
    auth: &[(&str, String)],
    body: &serde_json::Value,
) -> Result<RequestBuilder, ProviderError> {
    Ok(request(http, reqwest::Method::POST, url, endpoint, auth)?.json(body))
}

/// Send a request; a non-2xx answer becomes a classified [`ProviderError`].
pub async fn send(req: RequestBuilder, key: Option<&ApiKey>) -> Result<Response, ProviderError> {
    let resp = req.send().await.map_err(|e| transport_error(&e, key))?;
    if resp.status().is_success() {
        return Ok(resp);
    }
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap_or_default();
    Err(status_error(status.as_u16(), &headers, &body, key))
}

/// GET a JSON document (model lists).
pub async fn get_json(
    req: Result<RequestBuilder, ProviderError>,
    key: Option<ApiKey>,
) -> Result<serde_json::Value, ProviderError> {
    let resp = send(req?, key.as_ref()).await?;
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| transport_error(&e, key.as_ref()))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        redact_error(
            ProviderError::new(ErrorKind::Protocol, text::unexpected_body(&e.to_string())),
            key.as_ref(),
        )
    })
}

/// The message of an error and its sources, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let m = inner.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        src = inner.source();
    }
    s
}

/// The deepest cause of an error ("Connection refused (os error 111)"), which says the most.
fn innermost(e: &dyn std::error::Error) -> String {
    let mut last = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        last = inner.to_string();
        src = inner.source();
    }
    last
}

/// Map a transport failure (before any response) to an error.
pub fn transport_error(e: &reqwest::Error, key: Option<&ApiKey>) -> ProviderError {
    let detail = chain(e);
    let err = if e.is_timeout() {
        ProviderError::new(ErrorKind::Timeout, text::timed_out(&detail))
    } else if e.is_connect() {
        let origin = e.url().map(|u| {
            let host = u.host_str().unwrap_or("?");
            match u.port() {
                Some(p) => format!("{}://{host}:{p}", u.scheme()),
                None => format!("{}://{host}", u.scheme()),
            }
        });
        ProviderError::new(
            ErrorKind::Connect,
            text::connect_failed(origin.as_deref(), &innermost(e)),
        )
    } else if e.is_builder() {
        ProviderError::new(ErrorKind::Protocol, text::request_failed(&detail))
    } else {
        ProviderError::new(ErrorKind::Connect, text::request_failed(&detail))
    };
    redact_error(err, key)
}

/// Map a failure while reading the body (after 2xx headers) to an error.
pub fn body_error(e: &reqwest::Error, key: Option<&ApiKey>) -> ProviderError {
    let detail = chain(e);
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Connect
    };
    redact_error(ProviderError::new(kind, text::stream_failed(&detail)), key)
}

/// What an error body says: `{"error":{"message","type","code","status"}}` (OpenAI, OpenRouter,
/// Gemini), `{"type":"error","error":{"type","message"}}` (Anthropic), `{"error":"..."}` (Ollama).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorInfo {
    pub message: Option<String>,
    /// `type`, `status` or string `code`, e.g. `insufficient_quota`, `overloaded_error`.
    pub kind: Option<String>,
    /// Numeric `code` (OpenRouter, Gemini).
    pub code: Option<u16>,
}

impl ErrorInfo {
    /// Read the error object of a JSON value (the value holding the `error` key, or the error
    /// object itself).
    pub fn from_json(v: &serde_json::Value) -> Option<ErrorInfo> {
        let e = v.get("error")?;
        if let Some(s) = e.as_str() {
            return Some(ErrorInfo {
                message: Some(s.to_string()),
                ..Default::default()
            });
        }
        if !e.is_object() {
            return None;
        }
        let s = |k: &str| e.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let code = e.get("code");
        Some(ErrorInfo {
            message: s("message"),
            kind: s("type")
                .or_else(|| s("status"))
                .or_else(|| code.and_then(|c| c.as_str()).map(str::to_string)),
            code: code
                .and_then(|c| c.as_u64())
                .and_then(|c| u16::try_from(c).ok()),
        })
    }

    pub fn parse(body: &str) -> Option<ErrorInfo> {
        serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .as_ref()
            .and_then(ErrorInfo::from_json)
    }

    /// One line for people: `message (type)`.
    pub fn detail(&self) -> String {
        match (&self.message, &self.kind) {
            (Some(m), Some(k)) if !m.contains(k.as_str()) => format!("{m} ({k})"),
            (Some(m), _) => m.clone(),
            (None, Some(k)) => k.clone(),
            (None, None) => String::new(),
        }
    }

    /// A kind named by the error's type or code, if it names one.
    pub fn named_kind(&self) -> Option<(ErrorKind, bool)> {
        let k = self.kind.as_deref().unwrap_or("").to_ascii_lowercase();
        let by_name = if k.contains("insufficient_quota") || k.contains("billing") {
            Some((ErrorKind::RateLimited, false))
        } else if k.contains("overloaded") {
            Some((ErrorKind::Overloaded, true))
        } else if k.contains("rate_limit") || k == "resource_exhausted" {
            Some((ErrorKind::RateLimited, true))
        } else if k.contains("authentication") || k.contains("permission") || k == "unauthenticated"
        {
            Some((ErrorKind::Auth, false))
        } else if k.contains("not_found") {
            Some((ErrorKind::NotFound, false))
        } else if k.contains("timeout") || k == "deadline_exceeded" {
            Some((ErrorKind::Timeout, true))
        } else if k.contains("server_error")
            || k == "api_error"
            || k == "internal"
            || k == "unavailable"
        {
            Some((ErrorKind::Server, true))
        } else if k.contains("invalid_request") || k == "invalid_argument" {
            Some((ErrorKind::Protocol, false))
        } else {
            None
        };
        by_name.or_else(|| self.code.map(|c| classify_status(c, None)))
    }
}

/// Kind and retryability of an HTTP status (PROTOCOLS.md §8).
pub fn classify_status(status: u16, info: Option<&ErrorInfo>) -> (ErrorKind, bool) {
    let named = info.and_then(ErrorInfo::named_kind);
    match status {
        401 | 403 => (ErrorKind::Auth, false),
        404 => (ErrorKind::NotFound, false),
        402 => (ErrorKind::RateLimited, false),
        429 => match named {
            Some((ErrorKind::RateLimited, false)) => (ErrorKind::RateLimited, false),
            _ => (ErrorKind::RateLimited, true),
        },
        529 => (ErrorKind::Overloaded, true),
        408 | 409 | 500..=599 => match named {
            Some((ErrorKind::Overloaded, _)) => (ErrorKind::Overloaded, true),
            _ => (ErrorKind::Server, true),
        },
        _ => (ErrorKind::Protocol, false),
    }
}

/// `retry-after-ms` (milliseconds), else `retry-after` (seconds, or an HTTP date).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let v = get("retry-after")?;
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = date.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Squash text to one printable line of bounded length.
pub fn one_line(s: &str, max_chars: usize) -> String {
    let cleaned = crate::sanitize::clean(s);
    let mut out = String::new();
    for (i, word) in cleaned.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > max_chars {
        out = out.chars().take(max_chars).collect::<String>() + "…";
    }
    out
}

/// A non-2xx answer as an error: kind from the status and body, a one-line message naming the
/// status, `retry_after` from the headers, `x-should-retry` honoured, the key redacted.
pub fn status_error(
    status: u16,
    headers: &HeaderMap,
    body: &str,
    key: Option<&ApiKey>,
) -> ProviderError {
    let info = ErrorInfo::parse(body);
    let (kind, mut retryable) = classify_status(status, info.as_ref());
    let detail = match &info {
        Some(i) if !i.detail().is_empty() => i.detail(),
        _ => body.to_string(),
    };
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or(if status == 529 { "Overloaded" } else { "" });
    // Redact before shortening, so a key cut in half by the length limit cannot leak.
    let detail = one_line(&redact(&detail, key), 300);
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => retryable = true,
        Some("false") => retryable = false,
        _ => {}
    }
    ProviderError {
        kind,
        status: Some(status),
        message: redact(&text::http_status(status, reason, &detail), key),
        retry_after: retry_after(headers),
        retryable,
    }
}

/// An error object that arrived inside a 2xx stream.
pub fn stream_error(info: &ErrorInfo) -> ProviderError {
    let (kind, retryable) = info.named_kind().unwrap_or((ErrorKind::Server, true));
    let mut e = ProviderError::new(kind, text::mid_stream_error(&one_line(&info.detail(), 300)));
    e.retryable = retryable;
    e
}

/// A stream event that is not valid JSON (or not the expected shape).
pub fn json_error(what: &str, err: &serde_json::Error, data: &str) -> ProviderError {
    let start: String = data.chars().take(60).collect();
    ProviderError::new(
        ErrorKind::Protocol,
        text::bad_json(what, &err.to_string(), &one_line(&start, 60)),
    )
}

/// A protocol's body decoder: bytes in, events out. It emits [`StreamEvent::Finish`] when it
/// sees the protocol's end marker; a body that ends without one becomes a `Connect` error
/// ("connection closed mid-stream") in [`event_stream`].
pub trait BodyDecoder: Send + 'static {
    fn push(&mut self, bytes: &[u8], out: &mut Vec<Item>);
    /// The body ended.
    fn finish(&mut self, out: &mut Vec<Item>);
}

/// A protocol read as server-sent events, one event at a time; [`Sse`] does the framing.
pub trait SseEvents: Send + 'static {
    fn event(&mut self, ev: &SseEvent, out: &mut Vec<Item>);
    /// The body ended, after its last event was read.
    fn end(&mut self, _out: &mut Vec<Item>) {}
}

/// SSE framing in front of a protocol's event reader: the body decoder of every SSE protocol.
pub struct Sse<P> {
    framing: SseDecoder,
    events: Vec<SseEvent>,
    proto: P,
}

impl<P: SseEvents> Sse<P> {
    pub fn wrap(proto: P) -> Self {
        Sse {
            framing: SseDecoder::new(),
            events: Vec::new(),
            proto,
        }
    }

    fn drain(&mut self, out: &mut Vec<Item>) {
        for e in self.events.drain(..) {
            self.proto.event(&e, out);
        }
    }
}

impl<P: SseEvents + Default> Default for Sse<P> {
    fn default() -> Self {
        Sse::wrap(P::default())
    }
}

impl<P: SseEvents> BodyDecoder for Sse<P> {
    fn push(&mut self, bytes: &[u8], out: &mut Vec<Item>) {
        self.framing.push(bytes, &mut self.events);
        self.drain(out);
    }

    fn finish(&mut self, out: &mut Vec<Item>) {
        self.framing.finish(&mut self.events);
        self.drain(out);
        self.proto.end(out);
    }
}

fn is_plain_json(resp: &Response) -> bool {
    resp.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

enum State<D> {
    Start {
        req: Box<Result<RequestBuilder, ProviderError>>,
        dec: D,
    },
    Body(Box<BodyState<D>>),
    Done,
}

struct BodyState<D> {
    body: BoxStream<'static, reqwest::Result<Bytes>>,
    dec: D,
    got_byte: bool,
    eof: bool,
    queue: VecDeque<Item>,
    scratch: Vec<Item>,
}

/// Send `req` when first polled and decode the body with `dec`: `Connected` on 2xx headers,
/// `FirstByte` on the first body byte, then the decoder's events. The stream ends after the first
/// `Finish` or error (dropping the connection); every error message is redacted.
pub fn event_stream<D: BodyDecoder>(
    req: Result<RequestBuilder, ProviderError>,
    key: Option<ApiKey>,
    dec: D,
) -> EventStream {
    let s = futures::stream::unfold(
        State::Start {
            req: Box::new(req),
            dec,
        },
        move |state| {
            let key = key.clone();
            async move {
                match state {
                    State::Done => None,
                    State::Start { req, dec } => {
                        let req = match *req {
                            Ok(r) => r,
                            Err(e) => {
                                return Some((Err(redact_error(e, key.as_ref())), State::Done));
                            }
                        };
                        match send(req, key.as_ref()).await {
                            Err(e) => Some((Err(e), State::Done)),
                            Ok(resp) => {
                                let body = if is_plain_json(&resp) {
                                    // A JSON document where a stream was expected: an error
                                    // object sent with 2xx, or a mislabelled stream.
                                    let bytes = match resp.bytes().await {
                                        Ok(b) => b,
                                        Err(e) => {
                                            return Some((
                                                Err(body_error(&e, key.as_ref())),
                                                State::Done,
                                            ));
                                        }
                                    };
                                    if let Some(info) =
                                        std::str::from_utf8(&bytes).ok().and_then(ErrorInfo::parse)
                                    {
                                        let e = stream_error(&info);
                                        return Some((
                                            Err(redact_error(e, key.as_ref())),
                                            State::Done,
                                        ));
                                    }
                                    futures::stream::once(async move { Ok(bytes) }).boxed()
                                } else {
                                    resp.bytes_stream().boxed()
                                };
                                let st = BodyState {
                                    body,
                                    dec,
                                    got_byte: false,
                                    eof: false,
                                    queue: VecDeque::new(),
                                    scratch: Vec::new(),
                                };
                                Some((Ok(StreamEvent::Connected), State::Body(Box::new(st))))
                            }
                        }
                    }
                    State::Body(mut st) => loop {
                        if let Some(item) = st.queue.pop_front() {
                            return match item {
                                Ok(ev @ StreamEvent::Finish { .. }) => Some((Ok(ev), State::Done)),
                                Ok(ev) => Some((Ok(ev), State::Body(st))),
                                Err(e) => Some((Err(redact_error(e, key.as_ref())), State::Done)),
                            };
                        }
                        if st.eof {
                            let e = ProviderError::new(ErrorKind::Connect, text::CLOSED_MID_STREAM);
                            return Some((Err(e), State::Done));
                        }
                        let BodyState {
                            body,
                            dec,
                            got_byte,
                            eof,
                            queue,
                            scratch,
                        } = &mut *st;
                        match body.next().await {
                            Some(Ok(bytes)) => {
                                if bytes.is_empty() {
                                    continue;
                                }
                                if !*got_byte {
                                    *got_byte = true;
                                    queue.push_back(Ok(StreamEvent::FirstByte));
                                }
                                dec.push(&bytes, scratch);
                            }
                            Some(Err(e)) => {
                                scratch.push(Err(body_error(&e, key.as_ref())));
                            }
                            None => {
                                *eof = true;
                                dec.finish(scratch);
                            }
                        }
                        queue.extend(scratch.drain(..));
                    },
                }
            }
        },
    );
    Box::pin(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn statuses_map_to_kinds() {
        let h = HeaderMap::new();
        let e = |status, body: &str| status_error(status, &h, body, None);
        assert_eq!(e(401, "").kind, ErrorKind::Auth);
        assert_eq!(e(403, "").kind, ErrorKind::Auth);
        assert_eq!(e(404, "").kind, ErrorKind::NotFound);
        assert!(e(429, "").retryable);
        let quota = e(
            429,
            r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
        );
        assert_eq!(
            (quota.kind, quota.retryable),
            (ErrorKind::RateLimited, false)
        );
        let credits = e(
            402,
            r#"{"error":{"code":402,"message":"Insufficient credits"}}"#,
        );
        assert_eq!(
            (credits.kind, credits.retryable),
            (ErrorKind::RateLimited, false)
        );
        assert_eq!(
            (e(408, "").kind, e(500, "").kind, e(503, "").kind),
            (ErrorKind::Server, ErrorKind::Server, ErrorKind::Server)
        );
        assert_eq!(e(529, "").kind, ErrorKind::Overloaded);
        assert_eq!(e(529, "").message, "HTTP 529 Overloaded");
        assert_eq!(
            (e(400, "").kind, e(400, "").retryable),
            (ErrorKind::Protocol, false)
        );
    }

    #[test]
    fn error_bodies_become_one_line_messages() {
        let h = HeaderMap::new();
        let anthropic =
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        let e = status_error(529, &h, anthropic, None);
        assert_eq!(
            e.message,
            "HTTP 529 Overloaded: Overloaded (overloaded_error)"
        );
        let gemini = r#"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}"#;
        let e = status_error(429, &h, gemini, None);
        assert_eq!(
            e.message,
            "HTTP 429 Too Many Requests: Resource has been exhausted (e.g. check quota). (RESOURCE_EXHAUSTED)"
        );
        let e = status_error(
            404,
            &h,
            r#"{"error":"model \"nope\" not found, try pulling it first"}"#,
            None,
        );
        assert_eq!(
            e.message,
            "HTTP 404 Not Found: model \"nope\" not found, try pulling it first"
        );
        let e = status_error(
            502,
            &h,
            "<html>\n  <body>Bad\x1b[31m gateway</body>\n</html>",
            None,
        );
        assert_eq!(
            e.message,
            "HTTP 502 Bad Gateway: <html> <body>Bad gateway</body> </html>"
        );
        assert_eq!(e.status, Some(502));
    }

    #[test]
    fn key_is_redacted_from_messages() {
        let key = ApiKey::new("sk-secret-123");
        let body = r#"{"error":{"message":"Incorrect API key provided: sk-secret-123.","type":"invalid_request_error"}}"#;
        let e = status_error(401, &HeaderMap::new(), body, Some(&key));
        assert!(!e.message.contains("sk-secret-123"), "{}", e.message);
        assert!(e.message.contains("***"));
    }

    #[test]
    fn a_key_cut_by_a_length_limit_is_redacted_too() {
        let key = ApiKey::new("sk-proj-abcdefghijklmnop");
        assert_eq!(
            redact("got \"sk-proj-abcdefgh…\"", Some(&key)),
            "got \"***…\""
        );
        assert_eq!(
            redact("sk-proj-abcdefghijklmnop and sk-p", Some(&key)),
            "*** and sk-p"
        );
        assert_eq!(redact("nothing here", None), "nothing here");
    }

    #[test]
    fn retry_after_headers() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")])),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "1.5")])),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250"), ("retry-after", "7")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[(
                "retry-after",
                "Wed, 21 Oct 2015 07:28:00 GMT"
            )])),
            Some(Duration::ZERO)
        );
        let later = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        let d = retry_after(&headers(&[("retry-after", &later)])).unwrap();
        assert!(
            d > Duration::from_secs(60) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn should_retry_header_wins() {
        let e = status_error(500, &headers(&[("x-should-retry", "false")]), "", None);
        assert!(!e.retryable);
        let e = status_error(400, &headers(&[("x-should-retry", "true")]), "", None);
        assert!(e.retryable);
    }

    #[test]
    fn stream_error_kinds() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"error":{"code":429,"message":"Rate limited upstream"}}"#)
                .unwrap();
        let e = stream_error(&ErrorInfo::from_json(&v).unwrap());
        assert_eq!(e.kind, ErrorKind::RateLimited);
        let v: serde_json::Value = serde_json::from_str(
            r#"{"error":{"message":"boom","type":"server_error","param":null,"code":null}}"#,
        )
        .unwrap();
        let e = stream_error(&ErrorInfo::from_json(&v).unwrap());
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Server, "error in stream: boom (server_error)")
        );
    }
}
