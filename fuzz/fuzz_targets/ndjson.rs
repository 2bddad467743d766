//! NDJSON framing: never panics, and chunking does not change the lines.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/provider/sse.rs"]
mod sse;

use libfuzzer_sys::fuzz_target;
use sse::NdjsonDecoder;

fn decode(parts: &[&[u8]]) -> Vec<String> {
    let mut d = NdjsonDecoder::new();
    let mut out = Vec::new();
    for p in parts {
        d.push(p, &mut out);
    }
    d.finish(&mut out);
    out
}

fuzz_target!(|data: &[u8]| {
    let (cut, body) = data.split_at(data.len().min(1));
    let whole = decode(&[body]);
    let at = cut.first().map_or(0, |&c| c as usize % (body.len() + 1));
    assert_eq!(decode(&[&body[..at], &body[at..]]), whole);
    let bytes: Vec<&[u8]> = body.chunks(1).collect();
    assert_eq!(decode(&bytes), whole);
});
