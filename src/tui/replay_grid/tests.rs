use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::*;
use crate::tui::browser::tests_support::buffer_text;
use crate::tui::theme::Theme;

fn key(code: KeyCode) -> GridInput {
    GridInput::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn grid(prompts: usize, models: &[&str], repeats: u32, cap: Option<f64>) -> ReplayGridState {
    ReplayGridState::new(
        "code-review",
        (0..prompts).map(|i| format!("prompt-{i}")).collect(),
        models.iter().map(|m| m.to_string()).collect(),
        repeats,
        cap,
    )
}

fn ok(ttft: f64, cost: Option<f64>) -> CellUpdate {
    CellUpdate::Settled {
        status: Status::Ok,
        ttft_ms: Some(ttft),
        cost_usd: cost,
        error: None,
    }
}

fn cell(prompt: usize, model: usize, update: CellUpdate) -> GridInput {
    GridInput::Cell {
        prompt,
        model,
        repeat: 0,
        update,
    }
}

fn render(state: &ReplayGridState, w: u16, h: u16) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    draw(buf.area, &mut buf, state, &Theme::dark());
    buffer_text(&buf)
}

const MODELS: [&str; 3] = ["openai:gpt-5-mini", "moonshot:kimi-k2.5", "ollama:qwen3:8b"];

/// Half of a 4 × 3 grid answered: every kind of cell.
fn half_filled() -> ReplayGridState {
    let mut g = grid(4, &MODELS, 1, Some(0.05));
    g.prompts[0] = "sql-injection".into();
    g.prompts[1] = "off-by-one".into();
    for u in [
        cell(0, 0, ok(412.3, Some(0.0011))),
        cell(0, 1, ok(1730.0, Some(0.0004))),
        cell(0, 2, ok(95.0, Some(0.0))),
        cell(
            1,
            0,
            CellUpdate::Settled {
                status: Status::Error,
                ttft_ms: None,
                cost_usd: Some(0.0),
                error: Some("rate_limited".into()),
            },
        ),
        cell(1, 1, CellUpdate::Started),
        cell(1, 2, ok(88.0, None)),
        cell(2, 0, CellUpdate::Skipped),
        cell(2, 1, CellUpdate::Started),
    ] {
        assert!(handle(&mut g, u).redraw);
    }
    g
}

#[test]
fn the_grid_fills_from_runner_events() {
    let mut g = half_filled();
    assert_eq!(g.total(), 12);
    assert_eq!(g.settled(), 6);
    let (usd, unpriced) = g.spent();
    assert!((usd - 0.0015).abs() < 1e-9);
    assert_eq!(unpriced, 1);
    assert_eq!(view::cell_text(g.cell(0, 0)).0, "✓ 412 ms");
    assert_eq!(view::cell_text(g.cell(0, 1)).0, "✓ 1.73 s");
    assert_eq!(view::cell_text(g.cell(1, 0)).0, "✗ rate_limited");
    assert_eq!(view::cell_text(g.cell(1, 1)).0, "running");
    assert_eq!(view::cell_text(g.cell(2, 0)).0, "skipped");
    assert_eq!(view::cell_text(g.cell(3, 2)).0, "·");
    // Out-of-range reports are ignored rather than panicking.
    assert!(
        !handle(
            &mut g,
            GridInput::Cell {
                prompt: 9,
                model: 0,
                repeat: 0,
                update: CellUpdate::Started
            }
        )
        .redraw
    );
    assert!(
        !handle(
            &mut g,
            GridInput::Cell {
                prompt: 0,
                model: 0,
                repeat: 5,
                update: CellUpdate::Started
            }
        )
        .redraw
    );
    // The runner stops at the cap: what was running is cancelled, what never ran is skipped.
    handle(&mut g, GridInput::Finished(Phase::CapReached));
    assert_eq!(g.settled(), 12);
    assert_eq!(view::cell_text(g.cell(1, 1)).0, "cancelled");
    assert_eq!(view::cell_text(g.cell(3, 2)).0, "skipped");
    let screen = render(&g, 100, 12);
    assert!(screen.contains("stopped at the cost cap"), "{screen}");
    assert!(screen.contains("7/12 done · 5 skipped"), "{screen}");
}

#[test]
fn repeats_show_progress_and_the_median_ttft() {
    let mut g = grid(1, &["demo:fast"], 3, None);
    let rep = |repeat, update| GridInput::Cell {
        prompt: 0,
        model: 0,
        repeat,
        update,
    };
    handle(&mut g, rep(0, ok(300.0, None)));
    assert_eq!(view::cell_text(g.cell(0, 0)).0, "✓ 300 ms 1/3");
    handle(&mut g, rep(1, CellUpdate::Started));
    assert_eq!(view::cell_text(g.cell(0, 0)).0, "running 1/3");
    handle(&mut g, rep(1, ok(100.0, None)));
    handle(
        &mut g,
        rep(
            2,
            CellUpdate::Settled {
                status: Status::Error,
                ttft_ms: None,
                cost_usd: None,
                error: Some("timeout".into()),
            },
        ),
    );
    assert_eq!(
        view::cell_text(g.cell(0, 0)),
        ("✓ 300 ms ✗1".to_string(), crate::tui::theme::Slot::Warn)
    );
}

#[test]
fn keys_move_open_cancel_and_close() {
    let mut g = half_filled();
    handle(&mut g, key(KeyCode::Down));
    handle(&mut g, key(KeyCode::Right));
    handle(&mut g, key(KeyCode::Right));
    handle(&mut g, key(KeyCode::Right));
    assert_eq!(g.cursor, (1, 2));
    let out = handle(&mut g, key(KeyCode::Enter));
    assert_eq!(
        out.effects,
        vec![ReplayGridEffect::OpenCell {
            prompt: 1,
            model: 2,
            turn: None
        }]
    );
    handle(&mut g, key(KeyCode::End));
    assert_eq!(g.cursor, (3, 2));
    handle(&mut g, GridInput::Viewport(2));
    handle(&mut g, key(KeyCode::PageUp));
    assert_eq!(g.cursor, (1, 2));
    // While running, Esc stops the replay; it does not close the grid.
    assert_eq!(
        handle(&mut g, key(KeyCode::Esc)).effects,
        vec![ReplayGridEffect::Cancel]
    );
    // q only hides the grid; the replay goes on.
    assert_eq!(
        handle(&mut g, key(KeyCode::Char('q'))).effects,
        vec![ReplayGridEffect::Close]
    );
    assert!(g.is_running());
    handle(&mut g, GridInput::Finished(Phase::Cancelled));
    assert_eq!(handle(&mut g, key(KeyCode::Char('c'))).effects, vec![]);
    assert_eq!(
        handle(&mut g, key(KeyCode::Esc)).effects,
        vec![ReplayGridEffect::Close]
    );
}

#[test]
fn an_empty_grid_is_harmless() {
    let mut g = grid(0, &[], 1, None);
    for k in [
        KeyCode::Down,
        KeyCode::Right,
        KeyCode::End,
        KeyCode::Enter,
        KeyCode::PageDown,
    ] {
        assert!(handle(&mut g, key(k)).effects.is_empty());
    }
    assert_eq!(g.cursor, (0, 0));
    render(&g, 40, 8);
}

#[test]
fn many_models_scroll_sideways_to_the_cursor() {
    let models: Vec<String> = (0..12).map(|i| format!("demo:model-{i}")).collect();
    let refs: Vec<&str> = models.iter().map(String::as_str).collect();
    let mut g = grid(30, &refs, 1, None);
    for _ in 0..11 {
        handle(&mut g, key(KeyCode::Right));
    }
    for _ in 0..29 {
        handle(&mut g, key(KeyCode::Down));
    }
    let screen = render(&g, 80, 14);
    assert!(screen.contains("model-11"), "{screen}");
    assert!(screen.contains("prompt-29"), "{screen}");
    assert!(!screen.contains("model-0 "), "{screen}");
}

#[test]
fn hostile_labels_cannot_reach_the_terminal() {
    let mut g = grid(1, &["demo:\x1b[2Jx"], 1, None);
    g.prompts[0] = "a\x1b]0;title\x07b\nsecond line".into();
    g.name = "set\x1b[31m".into();
    let screen = render(&g, 60, 8);
    assert!(!screen.contains('\x1b'));
    assert!(screen.contains("ab"), "{screen}");
    assert!(!screen.contains("second line"), "{screen}");
}

#[test]
fn drawing_fits_any_area_including_zero_and_one_cell() {
    let g = half_filled();
    for (w, h) in [
        (0, 0),
        (1, 1),
        (0, 3),
        (3, 0),
        (2, 2),
        (5, 5),
        (14, 4),
        (30, 6),
        (240, 70),
    ] {
        render(&g, w, h);
    }
    let mut buf = Buffer::empty(Rect::new(0, 0, 20, 6));
    draw(Rect::new(10, 3, 50, 20), &mut buf, &g, &Theme::dark());
}

#[test]
fn snapshot_half_filled() {
    let mut g = half_filled();
    handle(&mut g, key(KeyCode::Down));
    handle(&mut g, key(KeyCode::Right));
    insta::assert_snapshot!(render(&g, 72, 11));
}

mod from_the_runner {
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::sync::Arc;
    use std::time::Instant;

    use tokio::sync::mpsc;
    use tokio_util::sync::CancellationToken;

    use super::super::*;
    use super::{key, render};
    use crate::catalog::{ProviderDef, ResolvedModel};
    use crate::cost::{Cost, CostSource};
    use crate::engine::replay::{self, CellStarter, ReplaySpec, RunOptions};
    use crate::engine::{EngineEvent, EventKind, Job, JobHandle};
    use crate::metrics::{Metrics, TokenCounts, TokenSource};
    use crate::promptset::{self, Format};
    use crate::provider::{ErrorKind, Params, Protocol};
    use crate::record::{ErrorInfo, ResponseRecord, Status};

    fn model(id: &str) -> ResolvedModel {
        let (p, m) = id.split_once(':').unwrap_or((id, id));
        ResolvedModel {
            id: id.into(),
            provider: ProviderDef {
                id: p.into(),
                protocol: Protocol::Demo,
                base_url: String::new(),
                api_key_env: None,
                open_weights: false,
                local: false,
                max_concurrency: None,
                headers: BTreeMap::new(),
            },
            model: m.into(),
            open_weights: false,
            context: None,
            price: None,
            simulated: true,
            in_catalog: true,
        }
    }

    /// Settles every job at once: ok with a TTFT of 40 ms and $0.001, or a server error for
    /// the model `demo:broken`.
    struct Instant1;

    impl CellStarter for Instant1 {
        fn start(&self, job: Job, tx: mpsc::Sender<EngineEvent>) -> JobHandle {
            let broken = job.model.id == "demo:broken";
            let record = ResponseRecord {
                pane: job.tag.pane,
                model: job.model.id.clone(),
                open_weights: false,
                simulated: true,
                status: if broken { Status::Error } else { Status::Ok },
                error: broken.then(|| ErrorInfo {
                    kind: ErrorKind::Server,
                    status: Some(500),
                    message: "boom".into(),
                }),
                text: "answer".into(),
                reasoning: String::new(),
                metrics: Metrics {
                    ttfb_ms: Some(30.0),
                    ttft_ms: (!broken).then_some(40.0),
                    ttfat_ms: None,
                    e2e_ms: Some(90.0),
                    decode_tps: None,
                    gap_p50_ms: None,
                    gap_p95_ms: None,
                    tokens: TokenCounts {
                        input: Some(3),
                        cached_input: None,
                        cache_write: None,
                        output: Some(4),
                        reasoning: None,
                        source: TokenSource::Reported,
                    },
                    server: None,
                    retries: 0,
                },
                cost: Cost {
                    usd: Some(0.001),
                    source: CostSource::PriceTable,
                    computed_usd: None,
                    estimated: false,
                },
                price: None,
                started_at: chrono::Utc::now(),
                repeat: job.repeat,
            };
            let tag = job.tag;
            tokio::spawn(async move {
                let at = Instant::now();
                let _ = tx
                    .send(EngineEvent {
                        tag,
                        at,
                        kind: EventKind::Attempt { n: 0 },
                    })
                    .await;
                let _ = tx
                    .send(EngineEvent {
                        tag,
                        at,
                        kind: EventKind::Done(Box::new(record)),
                    })
                    .await;
            });
            JobHandle {
                tag,
                cancel: CancellationToken::new(),
            }
        }
    }

    #[tokio::test]
    async fn the_grid_fills_from_the_replay_runner() {
        let set = promptset::parse(
            Path::new("set.txt"),
            "first question\nsecond question\n",
            Format::Text,
        );
        let Ok(set) = set else {
            panic!("the set parses")
        };
        let spec = ReplaySpec {
            set,
            models: vec![model("demo:fast"), model("demo:broken")],
            repeats: 1,
            system: None,
            params: Params::default(),
        };
        let plan = replay::plan::plan(&spec, None, chrono::Utc::now(), "sess-1".into());
        let Ok(plan) = plan else { panic!("plans") };
        let mut g = ReplayGridState::from_plan(&spec, &plan, Some(1.0));
        assert_eq!(g.session_id.as_deref(), Some("sess-1"));
        assert_eq!((g.prompts.len(), g.models.len(), g.settled()), (2, 2, 0));
        let opts = RunOptions {
            concurrency: 2,
            max_cost: Some(1.0),
            run_id: 1,
        };
        let mut h = replay::spawn(plan, Arc::new(Instant1), None, opts);
        let mut redraws = 0;
        while let Some(ev) = h.events.recv().await {
            if let Some(input) = grid_input(&ev) {
                redraws += usize::from(handle(&mut g, input).redraw);
            }
        }
        assert!(redraws >= 5, "each start, settle and the end redraw");
        assert_eq!(g.phase, Phase::Done);
        assert_eq!(g.settled(), 4);
        assert_eq!(view::cell_text(g.cell(1, 0)).0, "✓ 40 ms");
        assert_eq!(view::cell_text(g.cell(1, 1)).0, "✗ server");
        let (usd, unpriced) = g.spent();
        assert!((usd - 0.004).abs() < 1e-9);
        assert_eq!(unpriced, 0);
        // A cell opens the turn of its prompt.
        handle(&mut g, key(KeyCode::Down));
        let out = handle(&mut g, key(KeyCode::Enter));
        assert_eq!(
            out.effects,
            vec![ReplayGridEffect::OpenCell {
                prompt: 1,
                model: 0,
                turn: Some(1)
            }]
        );
        let screen = render(&g, 60, 8);
        assert!(screen.contains("4/4 done"), "{screen}");
        assert!(screen.contains("(done)"), "{screen}");
    }
}
