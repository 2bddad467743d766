//! The store and export at scale: listing and searching 10,000 saved sessions (budget < 100 ms
//! each; search returns the newest 200 matches, as `juxta sessions search` does) and exporting a 100-prompt × 4-model replay session to HTML (budget < 1 s).
//!
//! `cargo bench --bench store`

#[path = "../tests/fixtures/session.rs"]
mod fixture;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use juxta::record::{Session, SessionKind, Turn};
use juxta::store::Store;

const WORDS: &[&str] = &[
    "lifetimes",
    "borrow",
    "cache",
    "latency",
    "tokens",
    "kernel",
    "mutex",
    "async",
    "parser",
    "vector",
    "日本語",
    "東京",
    "matrix",
    "closure",
    "iterator",
    "socket",
];

fn answer(i: usize, words: usize) -> String {
    let mut s = String::new();
    for k in 0..words {
        s.push_str(WORDS[(i * 7 + k * 3) % WORDS.len()]);
        s.push(' ');
    }
    s
}

fn saved_session(i: usize) -> Session {
    let mut s = fixture::session(&format!("s{i:08}"));
    s.title = format!("Comparison {i}: {}", WORDS[i % WORDS.len()]);
    s.created_at = fixture::at(i as i64);
    for (t, turn) in s.turns.iter_mut().enumerate() {
        turn.prompt = format!("Question {i}.{t} about {}", WORDS[(i + t) % WORDS.len()]);
        for r in &mut turn.responses {
            r.text = answer(i + r.pane as usize, 120);
        }
    }
    s
}

/// A replay: `prompts` prompts × 4 models, answers of ~300 words with a code block.
fn replay_session(prompts: u32) -> Session {
    let models = [
        "openai:gpt-5-mini",
        "anthropic:claude-haiku-4-5",
        "moonshot:kimi-k2.5",
        "demo:fast",
    ];
    let turns = (0..prompts)
        .map(|p| Turn {
            index: p,
            prompt: format!("Prompt {p}: review this function and explain the bug"),
            system: None,
            params: Default::default(),
            prompt_id: Some(format!("p{p}")),
            tags: vec![],
            created_at: fixture::at(p as i64),
            responses: models
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let text = format!(
                        "{}\n\n```rust\nfn f(x: &mut Vec<u32>) -> u32 {{\n    x.iter().sum()\n}}\n```\n\n{}",
                        answer(p as usize + i, 150),
                        answer(p as usize * 3 + i, 150)
                    );
                    if *m == "demo:fast" { fixture::simulated(i as u32, &text) } else { fixture::ok(i as u32, m, &text) }
                })
                .collect(),
        })
        .collect();
    let mut s = fixture::session("replay0000001");
    s.kind = SessionKind::Replay;
    s.models = models.iter().map(|m| m.to_string()).collect();
    s.turns = turns;
    s.votes.clear();
    s
}

fn store_benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("juxta.db")).expect("open");
    for i in 0..10_000 {
        store.create_session(&saved_session(i)).expect("save");
    }
    let mut g = c.benchmark_group("store_10k_sessions");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("list_all_10000", |b| {
        b.iter(|| black_box(store.list_sessions(10_000).expect("list")).len())
    });
    g.bench_function("list_newest_50", |b| {
        b.iter(|| black_box(store.list_sessions(50).expect("list")).len())
    });
    g.bench_function("search_word_all_matches", |b| {
        b.iter(|| black_box(store.search("lifetimes borrow", 10_000).expect("search")).len())
    });
    g.bench_function("search_word", |b| {
        b.iter(|| black_box(store.search("lifetimes borrow", 200).expect("search")).len())
    });
    g.bench_function("search_rare", |b| {
        b.iter(|| black_box(store.search("Question 4242.1", 200).expect("search")).len())
    });
    g.bench_function("search_cjk_two_chars", |b| {
        b.iter(|| black_box(store.search("東京", 200).expect("search")).len())
    });
    g.bench_function("load_session", |b| {
        b.iter(|| black_box(store.load_session("s00004242").expect("load")))
    });
    g.finish();
}

fn export_benches(c: &mut Criterion) {
    let s = replay_session(100);
    let mut g = c.benchmark_group("export_replay_100x4");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("html", |b| {
        b.iter(|| black_box(juxta::export::to_html(&s)).len())
    });
    g.bench_function("markdown", |b| {
        b.iter(|| black_box(juxta::export::to_markdown(&s)).len())
    });
    g.bench_function("csv", |b| {
        b.iter(|| black_box(juxta::export::to_csv(&s).expect("csv")).len())
    });
    g.finish();
}

criterion_group!(benches, store_benches, export_benches);
criterion_main!(benches);
