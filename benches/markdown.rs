//! Rendering budget (DESIGN §9): drawing a frame of a pane holding a 100,000-token markdown
//! answer must take < 2 ms. Run: `cargo bench --bench markdown`.
//!
//! - `frame_100k`: a frame with nothing new (sync + the visible 40 lines into a Buffer);
//! - `append_delta_100k`: a small streamed delta appended, then sync;
//! - `first_layout_100k`: laying out the whole answer from scratch with `sync` (its ~1 ms
//!   highlighting budget: most code is left plain for later frames);
//! - `first_layout_100k_code_unhighlighted`: the same with no code language (no syntect at all).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use juxta::tui::markdown::{self, MdCache};
use juxta::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const WIDTH: u16 = 80;
const HEIGHT: u16 = 40;

/// A ~400 KB (~100,000-token) answer: prose, lists, code blocks, tables.
fn answer() -> String {
    let mut s = String::with_capacity(420_000);
    let mut n = 0;
    while s.len() < 400_000 {
        n += 1;
        s.push_str(&format!("## Section {n}: what the numbers say\n\n"));
        for p in 0..3 {
            s.push_str(&format!(
                "Paragraph {p} of section {n}. The **open-weight** model answers in `{n}` ms on \
                 average, which is *noticeably* faster than the frontier model for short prompts, \
                 while its cost per million tokens stays an order of magnitude lower. See \
                 [the price table](https://example.com/prices/{n}) for details; tokens/s is \
                 measured after the first token, so time to first token is excluded. For longer \
                 prompts the difference narrows because prefill dominates, and cached input \
                 tokens change the picture again when a provider bills them separately.\n\n"
            ));
        }
        s.push_str("Things to check:\n\n");
        for i in 0..5 {
            s.push_str(&format!(
                "- item {i}: latency, throughput and `cost` under load\n"
            ));
            if i % 2 == 0 {
                s.push_str("  - nested: retries counted, and the clock restarted for each\n");
            }
        }
        s.push('\n');
        s.push_str("```rust\n");
        for i in 0..24 {
            s.push_str(&format!(
                "    let value_{i} = compute(input.get({i}).copied().unwrap_or_default(), \"label {i}\"); // step {i}\n"
            ));
        }
        s.push_str("```\n\n");
        if n % 4 == 0 {
            s.push_str("| model | TTFT (ms) | tok/s | cost ($) |\n|:--|--:|--:|--:|\n");
            for r in 0..6 {
                s.push_str(&format!(
                    "| provider-{r}:model-{n} | {} | {} | 0.00{r} |\n",
                    200 + r * 37,
                    40 + r * 11
                ));
            }
            s.push('\n');
        }
    }
    s
}

fn benches(c: &mut Criterion) {
    let theme = Theme::dark();
    let text = answer();
    // Load syntect before measuring (the workbench preloads it at start-up).
    let _ = markdown::render("```rust\nfn x() {}\n```", WIDTH, &theme);

    let mut cache = MdCache::new();
    // Steady state: everything laid out and highlighted (as after the first few frames).
    cache.sync_complete(&text, WIDTH, &theme);
    let area = Rect::new(0, 0, WIDTH, HEIGHT);
    let mut buf = Buffer::empty(area);
    let middle = cache.line_count() / 2;

    c.bench_function("frame_100k", |b| {
        b.iter(|| {
            cache.sync(black_box(&text), WIDTH, &theme);
            for (y, line) in cache.lines(middle, usize::from(HEIGHT)).iter().enumerate() {
                buf.set_line(0, y as u16, line, WIDTH);
            }
            black_box(&buf);
        })
    });

    let mut grown = text.clone();
    grown.push_str("\n\nThe streaming tail paragraph grows one token at a time and");
    cache.sync(&grown, WIDTH, &theme);
    let mut longer = grown.clone();
    longer.push_str(" more");
    c.bench_function("append_delta_100k", |b| {
        b.iter_batched(
            || cache.clone(),
            |mut c| {
                c.sync(black_box(&longer), WIDTH, &theme);
                c
            },
            BatchSize::LargeInput,
        )
    });

    let mut g = c.benchmark_group("first_layout");
    g.sample_size(10);
    g.bench_function("first_layout_100k", |b| {
        b.iter(|| {
            let mut c = MdCache::new();
            c.sync(black_box(&text), WIDTH, &theme);
            c.line_count()
        })
    });
    let plain = text.replace("```rust", "```");
    g.bench_function("first_layout_100k_code_unhighlighted", |b| {
        b.iter(|| {
            let mut c = MdCache::new();
            c.sync(black_box(&plain), WIDTH, &theme);
            c.line_count()
        })
    });
    g.finish();
}

criterion_group!(markdown_benches, benches);
criterion_main!(markdown_benches);
