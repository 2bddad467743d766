//! Test support shared by the integration tests: a fake provider server that speaks just enough
//! HTTP/1.1 (no dependency beyond tokio), and ready-made replies built from the verbatim wire
//! lines of PROTOCOLS.md (see [`fixtures`]).
//!
//! ```ignore
//! mod support;
//! use support::{FakeServer, Reply, fixtures};
//!
//! #[tokio::test]
//! async fn streams() {
//!     let server = FakeServer::start(vec![fixtures::openai_basic()]).await;
//!     let base = server.url_with("/v1");                // http://127.0.0.1:PORT/v1
//!     // ... point an Endpoint at `base`, stream ...
//!     let req = &server.requests()[0];                  // method, path, headers, body
//!     assert_eq!(req.path, "/v1/chat/completions");
//! }
//! ```
//!
//! Replies are served in order; once the list is used up, the last reply is served again (so a
//! probe or a retry after the script still gets an answer). [`FakeServer::with_routes`] keeps
//! one such list per path prefix. Every reply uses chunked transfer encoding and
//! `connection: close`; each chunk is written and flushed separately after its delay, so
//! tests see real streaming. Variants: an HTTP error with a body ([`Reply::json`]), a body cut
//! mid-stream ([`Reply::truncate_after`]), a stall ([`Reply::stall_after`]), a connection
//! closed before any answer ([`Reply::hang_up`]), and an address where nothing listens
//! ([`refused_url`]). For tests that run the `juxta` binary (no runtime of their own), use
//! [`FakeServer::start_blocking`], which serves from a thread of its own.
//!
//! The server stops when the `FakeServer` is dropped.
#![allow(dead_code)]

pub mod fixtures;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use juxta::provider::{ApiKey, Endpoint, EventStream, Protocol, ProviderError, StreamEvent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// One request the server received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path and query, e.g. `/v1beta/models/x:streamGenerateContent?alt=sse`.
    pub path: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("<binary>")
    }
    /// The body parsed as JSON (panics if it is not: this is test code).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// How a reply ends after its chunks.
#[derive(Clone, Debug, PartialEq)]
enum End {
    /// The terminating zero-length chunk, then close.
    Complete,
    /// Close the connection without the terminating chunk (a body cut mid-stream).
    Truncate,
    /// Keep the connection open and send nothing more until the server is dropped.
    Stall,
    /// Close the connection before sending anything (not even headers).
    HangUp,
}

/// A scripted answer: status, headers, body chunks each after a delay, and how it ends.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// (delay before the chunk, bytes). An empty chunk is only a delay.
    pub chunks: Vec<(Duration, Vec<u8>)>,
    /// Delay before the status line and headers.
    pub head_delay: Duration,
    end: End,
}

impl Reply {
    /// A reply with this status, content type and body chunks (no delays).
    pub fn chunks<I, B>(status: u16, content_type: &str, chunks: I) -> Reply
    where
        I: IntoIterator<Item = B>,
        B: Into<Vec<u8>>,
    {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            chunks: chunks
                .into_iter()
                .map(|c| (Duration::ZERO, c.into()))
                .collect(),
            head_delay: Duration::ZERO,
            end: End::Complete,
        }
    }

    /// A 200 `text/event-stream` reply; `text` is sent as-is, one chunk per event (split after
    /// each blank line, `\n\n` or `\r\n\r\n`, so `"data: a\n\ndata: b\n\n"` is two chunks).
    pub fn sse(text: &str) -> Reply {
        Reply::chunks(200, "text/event-stream", split_events(text))
    }

    /// A 200 `text/event-stream` reply made of these exact chunks.
    pub fn sse_chunks<I: IntoIterator<Item = B>, B: Into<Vec<u8>>>(chunks: I) -> Reply {
        Reply::chunks(200, "text/event-stream", chunks)
    }

    /// A 200 `application/x-ndjson` reply, one chunk per line.
    pub fn ndjson(text: &str) -> Reply {
        Reply::chunks(200, "application/x-ndjson", split_after(text, "\n"))
    }

    /// A JSON reply with this status (an HTTP error when it is not 2xx).
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::chunks(200, "application/json", [body.to_string()]).status(status)
    }

    /// Same as [`Reply::json`]; reads better for errors.
    pub fn error(status: u16, body: &str) -> Reply {
        Reply::json(status, body)
    }

    /// Close the connection as soon as the request is read, without any answer.
    pub fn hang_up() -> Reply {
        Reply {
            end: End::HangUp,
            ..Reply::chunks::<[&str; 0], &str>(200, "text/plain", [])
        }
    }

    pub fn status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    /// Add a response header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// Wait this long before every chunk.
    pub fn delay_each(mut self, d: Duration) -> Reply {
        self.chunks.iter_mut().for_each(|c| c.0 = d);
        self
    }

    /// Wait this long before the first chunk (after the headers).
    pub fn delay_first(mut self, d: Duration) -> Reply {
        if let Some(c) = self.chunks.first_mut() {
            c.0 = d;
        } else {
            self.chunks.push((d, Vec::new()));
        }
        self
    }

    /// Wait `d` before chunk number `i` (0-based).
    pub fn delay_chunk(mut self, i: usize, d: Duration) -> Reply {
        if let Some(c) = self.chunks.get_mut(i) {
            c.0 = d;
        }
        self
    }

    /// Wait this long before sending the status line.
    pub fn delay_head(mut self, d: Duration) -> Reply {
        self.head_delay = d;
        self
    }

    /// Send only the first `n` chunks, then close the connection mid-body.
    pub fn truncate_after(mut self, n: usize) -> Reply {
        self.chunks.truncate(n);
        self.end = End::Truncate;
        self
    }

    /// Send only the first `n` chunks, then send nothing more (the connection stays open).
    pub fn stall_after(mut self, n: usize) -> Reply {
        self.chunks.truncate(n);
        self.end = End::Stall;
        self
    }
}

/// Split `text` into pieces that each end with `sep` (the last may not).
fn split_after(text: &str, sep: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(sep) {
        out.push(rest[..i + sep.len()].to_string());
        rest = &rest[i + sep.len()..];
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// Split an SSE body after each blank line.
fn split_events(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let lf = rest.find("\n\n").map(|i| i + 2);
        let crlf = rest.find("\r\n\r\n").map(|i| i + 4);
        let end = match (lf, crlf) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => match a.or(b) {
                Some(e) => e,
                None => break,
            },
        };
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

struct Route {
    prefix: String,
    replies: VecDeque<Reply>,
    last: Option<Reply>,
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Request>>,
    routes: Mutex<Vec<Route>>,
}

impl Shared {
    fn next_reply(&self, path: &str) -> Option<Reply> {
        let mut routes = self.routes.lock().ok()?;
        let route = routes
            .iter_mut()
            .filter(|r| path.starts_with(&r.prefix))
            .max_by_key(|r| r.prefix.len())?;
        match route.replies.pop_front() {
            Some(r) => {
                route.last = Some(r.clone());
                Some(r)
            }
            None => route.last.clone(),
        }
    }
}

/// A fake provider server on `127.0.0.1:<random port>`.
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
}

impl FakeServer {
    /// Serve `replies` in order to every path (must be called within a tokio runtime).
    pub async fn start(replies: Vec<Reply>) -> FakeServer {
        FakeServer::with_routes(vec![("/", replies)]).await
    }

    /// Serve a list of replies per path prefix (the longest matching prefix wins; a path no
    /// prefix matches gets a 404 with an OpenAI-style error body).
    pub async fn with_routes(routes: Vec<(&str, Vec<Reply>)>) -> FakeServer {
        let (listener, server) = FakeServer::bind(routes);
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        tokio::spawn(serve(listener, server.shared.clone(), server.stop.clone()));
        server
    }

    /// Like [`FakeServer::start`], but serving from a thread with its own runtime: for
    /// synchronous tests (e.g. running the `juxta` binary).
    pub fn start_blocking(replies: Vec<Reply>) -> FakeServer {
        FakeServer::with_routes_blocking(vec![("/", replies)])
    }

    pub fn with_routes_blocking(routes: Vec<(&str, Vec<Reply>)>) -> FakeServer {
        let (listener, server) = FakeServer::bind(routes);
        let (shared, stop) = (server.shared.clone(), server.stop.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                serve(listener, shared, stop).await;
            });
        });
        server
    }

    fn bind(routes: Vec<(&str, Vec<Reply>)>) -> (std::net::TcpListener, FakeServer) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared::default());
        if let Ok(mut r) = shared.routes.lock() {
            for (prefix, replies) in routes {
                r.push(Route {
                    prefix: prefix.to_string(),
                    replies: replies.into(),
                    last: None,
                });
            }
        }
        (
            listener,
            FakeServer {
                addr,
                shared,
                stop: CancellationToken::new(),
            },
        )
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT` followed by `path` (e.g. `/v1`).
    pub fn url_with(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared
            .requests
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// An `http://127.0.0.1:PORT` URL where nothing listens (connection refused).
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => {
                let Ok((sock, _)) = accepted else { continue };
                let (shared, stop) = (shared.clone(), stop.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        _ = stop.cancelled() => {}
                        _ = handle(sock, shared, stop.clone()) => {}
                    }
                });
            }
        }
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let mut body = buf[head_end + 4..].to_vec();
    if let Some(len) = len {
        while body.len() < len {
            let n = sock.read(&mut tmp).await.ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&tmp[..n]);
        }
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        529 => "Overloaded",
        _ => "Status",
    }
}

async fn handle(mut sock: TcpStream, shared: Arc<Shared>, stop: CancellationToken) {
    let Some(req) = read_request(&mut sock).await else {
        return;
    };
    let path = req.path.clone();
    if let Ok(mut r) = shared.requests.lock() {
        r.push(req);
    }
    let reply = shared.next_reply(&path).unwrap_or_else(|| {
        Reply::error(
            404,
            &format!(r#"{{"error":{{"message":"fake server: no route for {path}"}}}}"#),
        )
    });
    if reply.end == End::HangUp {
        let _ = sock.shutdown().await;
        return;
    }
    tokio::time::sleep(reply.head_delay).await;
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
    if sock.write_all(head.as_bytes()).await.is_err() || sock.flush().await.is_err() {
        return;
    }
    for (delay, bytes) in &reply.chunks {
        if !delay.is_zero() {
            tokio::time::sleep(*delay).await;
        }
        if bytes.is_empty() {
            continue;
        }
        let mut frame = format!("{:x}\r\n", bytes.len()).into_bytes();
        frame.extend_from_slice(bytes);
        frame.extend_from_slice(b"\r\n");
        if sock.write_all(&frame).await.is_err() || sock.flush().await.is_err() {
            return;
        }
    }
    match reply.end {
        End::Complete => {
            let _ = sock.write_all(b"0\r\n\r\n").await;
            let _ = sock.flush().await;
            let _ = sock.shutdown().await;
        }
        End::Truncate | End::HangUp => {
            let _ = sock.shutdown().await;
        }
        End::Stall => stop.cancelled().await,
    }
}

/// An endpoint for `protocol` at `base_url`, with an optional key and no extra headers.
pub fn endpoint(protocol: Protocol, base_url: &str, key: Option<&str>) -> Endpoint {
    Endpoint {
        id: format!("{protocol:?}").to_ascii_lowercase(),
        protocol,
        base_url: base_url.to_string(),
        api_key: key.map(ApiKey::new),
        headers: Vec::new(),
        connect_timeout: Duration::from_secs(5),
    }
}

/// Collect a stream to its end (with a generous time limit so a bug cannot hang the suite).
pub async fn collect(stream: EventStream) -> Vec<Result<StreamEvent, ProviderError>> {
    tokio::time::timeout(Duration::from_secs(30), stream.collect::<Vec<_>>())
        .await
        .expect("stream ended within 30 s")
}

/// The text of all `Text` events, concatenated.
pub fn text_of(items: &[Result<StreamEvent, ProviderError>]) -> String {
    items
        .iter()
        .filter_map(|i| match i {
            Ok(StreamEvent::Text(t)) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}
