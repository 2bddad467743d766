//! Rendering budgets (DESIGN §9): a frame with a 100,000-token answer, a frame with 8 panes
//! mid-stream, and 8 panes each fed 2,000 tokens/s through `update` and `draw` (one simulated
//! second per iteration: the time taken is the share of a core the UI needs).
//!
//! `cargo bench --bench render`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use juxta::engine::{EventKind, JobTag};
use juxta::provider::StreamEvent;
use juxta::tui::msg::Msg;
use juxta::tui::state::{AppState, update};
use juxta::tui::theme::Theme;
use juxta::tui::{testing, ui};
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

const BLOCK: &str = "## Section\n\nA paragraph with **bold**, *emphasis* and `inline code`, long enough to wrap across the pane more than once when it is drawn.\n\n- one item\n- another item with more words in it\n\n```rust\nfn main() {\n    let x = 42;\n    println!(\"{x}\");\n}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n";

/// About `tokens` tokens of mixed markdown (≈4 characters a token).
fn answer(tokens: usize) -> String {
    let mut s = String::with_capacity(tokens * 4);
    while s.len() < tokens * 4 {
        s.push_str(BLOCK);
    }
    s
}

fn start(ids: &[&str]) -> AppState {
    let mut s = testing::state(ids, Instant::now());
    for c in "bench".chars() {
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    s
}

fn feed(s: &mut AppState, pane: u32, at: Instant, text: &str) {
    let run = s.panes[pane as usize].run;
    update(
        s,
        Msg::Stream {
            tag: JobTag { run, pane },
            at,
            kind: EventKind::Stream(StreamEvent::Text(text.to_string())),
        },
    );
}

fn bench(c: &mut Criterion) {
    juxta::tui::markdown::preload_highlighting();
    let t = Instant::now();
    while !juxta::tui::markdown::highlighting_ready() && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let theme = Theme::load("dark", None).unwrap_or_else(|_| Theme::dark());
    let area = Rect::new(0, 0, 160, 45);

    // One pane holding a 100,000-token answer, still streaming: each frame appends a token.
    let mut big = start(&["demo:a"]);
    let base = big.clock.base;
    feed(
        &mut big,
        0,
        base + Duration::from_millis(10),
        &answer(100_000),
    );
    let mut buf = Buffer::empty(area);
    ui::render(area, &mut buf, &big, &theme);
    // Appended tokens cycle through the same markdown, so blocks finish as in a real stream.
    let tokens: Vec<String> = BLOCK.split_inclusive(' ').map(str::to_string).collect();
    let mut n = 0u64;
    c.bench_function("frame_100k_token_answer_streaming", |b| {
        b.iter(|| {
            n += 1;
            let tok = &tokens[n as usize % tokens.len()];
            feed(&mut big, 0, base + Duration::from_millis(20 + n), tok);
            ui::render(area, &mut buf, &big, &theme);
            black_box(&buf);
        })
    });
    c.bench_function("frame_100k_token_answer_idle", |b| {
        b.iter(|| {
            ui::render(area, &mut buf, &big, &theme);
            black_box(&buf);
        })
    });

    // Eight panes mid-stream (2,000 tokens each so far).
    let ids = [
        "demo:a", "demo:b", "demo:c", "demo:d", "demo:e", "demo:f", "demo:g", "demo:h",
    ];
    let mut eight = start(&ids);
    let base = eight.clock.base;
    for p in 0..8 {
        feed(
            &mut eight,
            p,
            base + Duration::from_millis(100),
            &answer(2_000),
        );
    }
    ui::render(area, &mut buf, &eight, &theme);
    let mut n = 0u64;
    c.bench_function("frame_8_panes_mid_stream", |b| {
        b.iter(|| {
            n += 1;
            for p in 0..8 {
                feed(
                    &mut eight,
                    p,
                    base + Duration::from_millis(200 + n),
                    "word ",
                );
            }
            ui::render(area, &mut buf, &eight, &theme);
            black_box(&buf);
        })
    });

    // 8 panes × 2,000 tokens/s for one simulated second: 16,000 deltas through update, and the
    // 30 frames the App would draw in that second. Time per iteration = share of a core.
    let mut group = c.benchmark_group("stream_8x2000");
    group.sample_size(10);
    group.bench_function("one_simulated_second", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut s = start(&ids);
                let base = s.clock.base;
                let mut k = 0usize;
                let began = Instant::now();
                for frame in 0..30u64 {
                    // 2,000 / 30 ≈ 67 tokens per pane between frames.
                    for i in 0..67u64 {
                        let at = base + Duration::from_micros(frame * 33_333 + i * 500);
                        for p in 0..8 {
                            feed(&mut s, p, at, &tokens[k % tokens.len()]);
                            k += 1;
                        }
                    }
                    update(
                        &mut s,
                        Msg::Tick(base + Duration::from_micros((frame + 1) * 33_333)),
                    );
                    ui::render(area, &mut buf, &s, &theme);
                }
                total += began.elapsed();
                black_box(&buf);
            }
            total
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
