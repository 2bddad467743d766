//! SSE framing: never panics, and cutting the input anywhere (at the positions the first bytes
//! choose) yields the same events as feeding it whole.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/provider/sse.rs"]
mod sse;

use libfuzzer_sys::fuzz_target;
use sse::{SseDecoder, SseEvent};

fn decode(parts: &[&[u8]]) -> Vec<SseEvent> {
    let mut d = SseDecoder::new();
    let mut out = Vec::new();
    for p in parts {
        d.push(p, &mut out);
    }
    d.finish(&mut out);
    out
}

fuzz_target!(|data: &[u8]| {
    let (cuts, body) = data.split_at(data.len().min(4));
    let whole = decode(&[body]);
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|&c| c as usize % (body.len() + 1))
        .collect();
    points.sort_unstable();
    let mut parts = Vec::new();
    let mut start = 0;
    for p in points {
        parts.push(&body[start..p]);
        start = p;
    }
    parts.push(&body[start..]);
    assert_eq!(decode(&parts), whole);
    // Byte by byte too.
    let bytes: Vec<&[u8]> = body.chunks(1).collect();
    assert_eq!(decode(&bytes), whole);
});
