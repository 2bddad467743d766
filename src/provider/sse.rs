//! SSE and NDJSON framing over arbitrary byte chunks.
//!
//! [`SseDecoder`] follows the WHATWG event-stream rules: a UTF-8 BOM at the very start is skipped;
//! lines end in `\r\n`, `\r` or `\n`; `:` lines are comments and ignored; `data:` lines of one
//! event are joined with `\n`; `event:` names the event; `id:`/`retry:`/unknown fields are
//! ignored; a blank line dispatches the event (only if it had a `data` field). Unlike a browser,
//! [`SseDecoder::finish`] also flushes a last event that was not followed by a blank line.
//!
//! [`NdjsonDecoder`] yields each non-blank line (`\n` or `\r\n` terminated, trailing `\r`
//! removed); `finish` flushes a last line without a newline.
//!
//! Both split only at ASCII line-end bytes, so a multi-byte UTF-8 character cut across two chunks
//! is reassembled before it is decoded. Invalid UTF-8 is replaced (U+FFFD), never a panic.

use memchr::{memchr, memchr2};

/// One dispatched server-sent event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, if the event had a non-empty one.
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Incremental SSE decoder. Feed it chunks with [`push`](Self::push), then call
/// [`finish`](Self::finish) when the body ends.
#[derive(Debug, Default)]
pub struct SseDecoder {
    /// Bytes of an unfinished line (or of a possible BOM at the start).
    partial: Vec<u8>,
    /// Whether the start of the stream (BOM or not) has been dealt with.
    started: bool,
    /// The previous chunk ended with `\r`: a `\n` at the start of the next one belongs to it.
    pending_cr: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decode a chunk; complete events are appended to `out`.
    pub fn push(&mut self, mut chunk: &[u8], out: &mut Vec<SseEvent>) {
        if !self.started {
            // Keep bytes until we know whether the stream starts with a BOM.
            self.partial.extend_from_slice(chunk);
            let n = self.partial.len().min(BOM.len());
            if self.partial[..n] != BOM[..n] {
                self.started = true;
            } else if self.partial.len() >= BOM.len() {
                self.started = true;
                self.partial.drain(..BOM.len());
            } else {
                return;
            }
            let buffered = std::mem::take(&mut self.partial);
            self.push_lines(&buffered, out);
            return;
        }
        if self.pending_cr && !chunk.is_empty() {
            self.pending_cr = false;
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
        }
        self.push_lines(chunk, out);
    }

    fn push_lines(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) {
        let mut rest = chunk;
        while let Some(i) = memchr2(b'\n', b'\r', rest) {
            let line_end = i;
            let mut next = i + 1;
            if rest[i] == b'\r' {
                if next < rest.len() {
                    if rest[next] == b'\n' {
                        next += 1;
                    }
                } else {
                    self.pending_cr = true;
                }
            }
            if self.partial.is_empty() {
                self.line(&rest[..line_end], out);
            } else {
                self.partial.extend_from_slice(&rest[..line_end]);
                let line = std::mem::take(&mut self.partial);
                self.line(&line, out);
                self.partial = line;
                self.partial.clear();
            }
            rest = &rest[next..];
        }
        self.partial.extend_from_slice(rest);
    }

    /// The body ended: decode a last unterminated line and flush a pending event.
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if !self.started {
            // A stream shorter than a BOM: it is either a BOM prefix (nothing) or plain bytes.
            self.started = true;
            if BOM.starts_with(&self.partial) {
                self.partial.clear();
            }
        }
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(&line, out);
        }
        self.dispatch(out);
        self.pending_cr = false;
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        if self.has_data {
            out.push(SseEvent {
                event: self.event.take(),
                data: std::mem::take(&mut self.data),
            });
        }
        self.event = None;
        self.data.clear();
        self.has_data = false;
    }

    fn line(&mut self, line: &[u8], out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match memchr(b':', line) {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.has_data = true;
                push_utf8(&mut self.data, value);
            }
            b"event" => {
                self.event = if value.is_empty() {
                    None
                } else {
                    Some(String::from_utf8_lossy(value).into_owned())
                };
            }
            _ => {}
        }
    }
}

fn push_utf8(s: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(v) => s.push_str(v),
        Err(_) => s.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// Incremental newline-delimited JSON framing: yields each non-blank line.
#[derive(Debug, Default)]
pub struct NdjsonDecoder {
    partial: Vec<u8>,
}

impl NdjsonDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decode a chunk; complete non-blank lines are appended to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<String>) {
        let mut rest = chunk;
        while let Some(i) = memchr(b'\n', rest) {
            if self.partial.is_empty() {
                emit_line(&rest[..i], out);
            } else {
                self.partial.extend_from_slice(&rest[..i]);
                emit_line(&self.partial, out);
                self.partial.clear();
            }
            rest = &rest[i + 1..];
        }
        self.partial.extend_from_slice(rest);
    }

    /// The body ended: yield a last line that had no newline.
    pub fn finish(&mut self, out: &mut Vec<String>) {
        if !self.partial.is_empty() {
            emit_line(&self.partial, out);
            self.partial.clear();
        }
    }
}

fn emit_line(line: &[u8], out: &mut Vec<String>) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    let mut s = String::new();
    push_utf8(&mut s, line);
    out.push(s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sse_all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut d = SseDecoder::new();
        let mut out = Vec::new();
        for c in chunks {
            d.push(c, &mut out);
        }
        d.finish(&mut out);
        out
    }

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent {
            event: event.map(str::to_string),
            data: data.to_string(),
        }
    }

    #[test]
    fn basic_events_and_comments() {
        let s = b": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\n\nevent: ping\ndata: {}\n\ndata: [DONE]\n\n";
        assert_eq!(
            sse_all(&[s]),
            vec![
                ev(None, "{\"a\":1}"),
                ev(Some("ping"), "{}"),
                ev(None, "[DONE]")
            ]
        );
    }

    #[test]
    fn multi_line_data_is_joined_with_newline() {
        assert_eq!(
            sse_all(&[b"data: a\ndata:b\ndata:  c\n\n"]),
            vec![ev(None, "a\nb\n c")]
        );
    }

    #[test]
    fn all_line_endings() {
        let want = vec![ev(Some("x"), "1"), ev(None, "2"), ev(None, "3")];
        assert_eq!(
            sse_all(&[b"event: x\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n"]),
            want
        );
        // A CR at the end of one chunk and its LF at the start of the next are one line end.
        assert_eq!(
            sse_all(&[
                b"event: x\r",
                b"\ndata: 1\r",
                b"\n\r",
                b"\ndata: 2\r\rdata: 3\n\n"
            ]),
            want
        );
    }

    #[test]
    fn bom_at_start_is_skipped_even_split() {
        let s = b"\xEF\xBB\xBFdata: hi\n\n";
        assert_eq!(sse_all(&[s]), vec![ev(None, "hi")]);
        assert_eq!(sse_all(&[&s[..1], &s[1..2], &s[2..]]), vec![ev(None, "hi")]);
        // Only at the start.
        let out = sse_all(&[b"data: a\n\n\xEF\xBB\xBFdata: b\n\n"]);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn trailing_event_flushed_on_finish() {
        assert_eq!(sse_all(&[b"data: {\"x\":1}"]), vec![ev(None, "{\"x\":1}")]);
        assert_eq!(sse_all(&[b"data: a\n"]), vec![ev(None, "a")]);
    }

    #[test]
    fn no_data_no_event_and_fields_without_colon() {
        assert_eq!(
            sse_all(&[b"event: x\n\nid: 3\nretry: 10\n\n: c\n\n"]),
            vec![]
        );
        assert_eq!(sse_all(&[b"data\n\n"]), vec![ev(None, "")]);
        // The event name does not leak into the next event.
        assert_eq!(sse_all(&[b"event: a\n\ndata: 1\n\n"]), vec![ev(None, "1")]);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(
            sse_all(&[b"data: a\xFFb\n\n"]),
            vec![ev(None, "a\u{FFFD}b")]
        );
    }

    #[test]
    fn short_streams() {
        assert_eq!(sse_all(&[b"\xEF\xBB"]), vec![]);
        assert_eq!(sse_all(&[b""]), vec![]);
        assert_eq!(sse_all(&[b"d"]), vec![]);
    }

    fn nd_all(chunks: &[&[u8]]) -> Vec<String> {
        let mut d = NdjsonDecoder::new();
        let mut out = Vec::new();
        for c in chunks {
            d.push(c, &mut out);
        }
        d.finish(&mut out);
        out
    }

    #[test]
    fn ndjson_lines() {
        assert_eq!(
            nd_all(&[b"{\"a\":1}\r\n\n  \n{\"b\":\"\xC3", b"\xA9\"}"]),
            vec!["{\"a\":1}", "{\"b\":\"é\"}"]
        );
    }

    const STREAM: &str = "\u{FEFF}: keep-alive\r\n\r\nevent: message_start\r\ndata: {\"t\":\"héllo 世界 🎉\"}\r\n\r\n\
        data: line1\rdata: línea2\r\r: comment ünïcode\ndata: [DONE]\n\nevent: tail\ndata: 末尾";

    fn expected() -> Vec<SseEvent> {
        sse_all(&[STREAM.as_bytes()])
    }

    #[test]
    fn reference_stream_decodes() {
        assert_eq!(
            expected(),
            vec![
                ev(Some("message_start"), "{\"t\":\"héllo 世界 🎉\"}"),
                ev(None, "line1\nlínea2"),
                ev(None, "[DONE]"),
                ev(Some("tail"), "末尾"),
            ]
        );
    }

    #[test]
    fn every_single_cut_gives_the_same_events() {
        let bytes = STREAM.as_bytes();
        let want = expected();
        for i in 0..=bytes.len() {
            assert_eq!(sse_all(&[&bytes[..i], &bytes[i..]]), want, "cut at {i}");
        }
        let nd = "{\"a\":\"世界\"}\r\n{\"b\":\"🎉\"}\n\n{\"c\":1}";
        let want_nd = nd_all(&[nd.as_bytes()]);
        assert_eq!(want_nd.len(), 3);
        for i in 0..=nd.len() {
            assert_eq!(
                nd_all(&[&nd.as_bytes()[..i], &nd.as_bytes()[i..]]),
                want_nd,
                "cut at {i}"
            );
        }
    }

    fn cut(bytes: &[u8], mut cuts: Vec<usize>) -> Vec<&[u8]> {
        cuts.iter_mut().for_each(|c| *c %= bytes.len() + 1);
        cuts.sort_unstable();
        let mut parts = Vec::new();
        let mut start = 0;
        for c in cuts {
            parts.push(&bytes[start..c]);
            start = c;
        }
        parts.push(&bytes[start..]);
        parts
    }

    proptest! {
        #[test]
        fn random_multi_cuts_give_the_same_events(cuts in proptest::collection::vec(0usize..4096, 0..24)) {
            let bytes = STREAM.as_bytes();
            prop_assert_eq!(sse_all(&cut(bytes, cuts.clone())), expected());
            let nd = "{\"a\":\"世界\"}\r\n{\"b\":\"🎉\"}\n\n{\"c\":1}";
            prop_assert_eq!(nd_all(&cut(nd.as_bytes(), cuts)), nd_all(&[nd.as_bytes()]));
        }

        #[test]
        fn arbitrary_streams_cut_anywhere_agree(
            body in proptest::collection::vec(prop_oneof![
                Just(b'\n'), Just(b'\r'), Just(b':'), Just(b' '), Just(b'd'), Just(b'a'), Just(b't'),
                Just(0xC3u8), Just(0xA9u8), Just(0xEFu8), Just(0xBBu8), Just(0xBFu8), any::<u8>()
            ], 0..200),
            prefix in prop_oneof![Just(&b""[..]), Just(&b"data: "[..]), Just(&b"\xEF\xBB\xBF"[..])],
            cuts in proptest::collection::vec(0usize..256, 0..16),
        ) {
            let mut bytes = prefix.to_vec();
            bytes.extend_from_slice(&body);
            let whole = sse_all(&[&bytes]);
            prop_assert_eq!(sse_all(&cut(&bytes, cuts.clone())), whole);
            prop_assert_eq!(nd_all(&cut(&bytes, cuts)), nd_all(&[&bytes]));
        }
    }
}
