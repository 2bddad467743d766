//! Error text of the wire layer (providers). Every message names what failed; none contains a key.

/// The body ended before the protocol's end marker (`[DONE]`, `message_stop`, ...).
pub const CLOSED_MID_STREAM: &str = "connection closed mid-stream";

/// A non-2xx answer: `HTTP 429 Too Many Requests: <detail>`.
pub fn http_status(status: u16, reason: &str, detail: &str) -> String {
    let head = if reason.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status} {reason}")
    };
    if detail.is_empty() {
        head
    } else {
        format!("{head}: {detail}")
    }
}

/// A connection that could not be made: where to, why, and the likely fix.
pub fn connect_failed(origin: Option<&str>, cause: &str) -> String {
    match origin {
        Some(o) => format!(
            "could not connect to {o}: {cause} (is the server running and the base_url right?)"
        ),
        None => format!("could not connect: {cause}"),
    }
}

pub fn timed_out(detail: &str) -> String {
    format!("timed out: {detail}")
}

pub fn request_failed(detail: &str) -> String {
    format!("request failed: {detail}")
}

pub fn stream_failed(detail: &str) -> String {
    format!("{CLOSED_MID_STREAM}: {detail}")
}

/// A stream event whose JSON could not be decoded.
pub fn bad_json(what: &str, err: &str, data_start: &str) -> String {
    format!("invalid JSON in {what}: {err} (data starts with {data_start:?})")
}

/// The server reported an error in the middle of a stream (HTTP status was already 200).
pub fn mid_stream_error(detail: &str) -> String {
    format!("error in stream: {detail}")
}

/// A successful answer whose JSON is not what the protocol says (model lists).
pub fn unexpected_body(what: &str) -> String {
    format!("unexpected response: {what}")
}

/// Gemini blocked the prompt.
pub fn prompt_blocked(reason: &str) -> String {
    format!("prompt blocked by the provider ({reason})")
}
