//! The workbench seen from outside: whole screens as insta snapshots, widgets against a
//! `Buffer` (colour checked through styles where it carries meaning), and one end-to-end run of
//! the App with a `TestBackend` and demo models.

use std::sync::Arc;
use std::time::{Duration, Instant};

use juxta::catalog::Config;
use juxta::cli::TuiArgs;
use juxta::engine::{Engine, EventKind, JobTag};
use juxta::provider::StreamEvent;
use juxta::record::Status;
use juxta::tui::app::App;
use juxta::tui::keymap::Mode;
use juxta::tui::msg::{Effect, Msg};
use juxta::tui::state::picker::{PickerItem, Usable};
use juxta::tui::state::{self, AppState, Overlay, update};
use juxta::tui::theme::{Slot, Theme};
use juxta::tui::ui::pane::PaneView;
use juxta::tui::{run as tui_run, testing, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(s: &mut AppState, text: &str) {
    for c in text.chars() {
        update(s, key(KeyCode::Char(c)));
    }
}

/// Send `prompt` and return the run id.
fn send(s: &mut AppState, prompt: &str) -> u64 {
    type_text(s, prompt);
    update(s, key(KeyCode::Enter));
    s.panes.first().map(|p| p.run).unwrap_or(0)
}

fn text(s: &mut AppState, pane: u32, at_ms: u64, t: &str) {
    let run = s
        .panes
        .iter()
        .find(|p| p.id == pane)
        .map(|p| p.run)
        .unwrap_or(0);
    let at = s.clock.base + Duration::from_millis(at_ms);
    update(
        s,
        Msg::Stream {
            tag: JobTag { run, pane },
            at,
            kind: EventKind::Stream(StreamEvent::Text(t.into())),
        },
    );
}

fn reasoning(s: &mut AppState, pane: u32, at_ms: u64, t: &str) {
    let run = s
        .panes
        .iter()
        .find(|p| p.id == pane)
        .map(|p| p.run)
        .unwrap_or(0);
    let at = s.clock.base + Duration::from_millis(at_ms);
    update(
        s,
        Msg::Stream {
            tag: JobTag { run, pane },
            at,
            kind: EventKind::Stream(StreamEvent::Reasoning(t.into())),
        },
    );
}

fn settle(s: &mut AppState, pane: u32, status: Status, body: &str) {
    let p = s.panes.iter().find(|p| p.id == pane).expect("pane");
    let (run, id) = (p.run, p.model.id.clone());
    let mut rec = testing::record(pane, &id, status, body, s.clock.base);
    rec.reasoning = p.reasoning.clone();
    let at = s.clock.base + Duration::from_millis(2210);
    update(
        s,
        Msg::Stream {
            tag: JobTag { run, pane },
            at,
            kind: EventKind::Done(Box::new(rec)),
        },
    );
}

fn tick(s: &mut AppState, ms: u64) {
    let at = s.clock.base + Duration::from_millis(ms);
    update(s, Msg::Tick(at));
}

fn screen(s: &AppState, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| ui::draw(f, s, theme)).expect("draw");
    term
}

fn dark() -> Theme {
    Theme::load("dark", None).expect("dark theme")
}

const ANSWER: &str = "## Slow start\n\nTCP **doubles** its window each round trip until loss.\n\n- starts small\n- grows fast\n\n| phase | window |\n|---|---|\n| slow start | doubles |\n| avoidance | +1 |\n";

#[test]
fn snapshot_empty() {
    let s = testing::state(&["demo:swift", "demo:steady"], Instant::now());
    let mut s = s;
    s.hint = Some(juxta::strings::tui::DEMO_HINT.into());
    insta::assert_snapshot!(screen(&s, &dark(), 100, 24).backend());
}

#[test]
fn snapshot_typing() {
    let mut s = testing::state(&["demo:swift", "demo:steady"], Instant::now());
    type_text(&mut s, "Explain TCP slow start");
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL)),
    );
    type_text(&mut s, "in two sentences.");
    insta::assert_snapshot!(screen(&s, &dark(), 100, 24).backend());
}

#[test]
fn snapshot_two_panes_streaming() {
    let mut s = testing::state(&["demo:swift", "openai:gpt-5-mini"], Instant::now());
    send(&mut s, "Explain TCP slow start");
    text(
        &mut s,
        0,
        150,
        "## Slow start\n\nTCP **doubles** its window ",
    );
    text(&mut s, 0, 650, "each round trip until it sees loss.");
    reasoning(
        &mut s,
        1,
        400,
        "The user wants a short explanation of congestion control.",
    );
    tick(&mut s, 1200);
    insta::assert_snapshot!(screen(&s, &dark(), 100, 24).backend());
}

#[test]
fn snapshot_four_panes_one_failed() {
    let mut s = testing::state(
        &[
            "demo:swift",
            "openai:gpt-5-mini",
            "anthropic:claude-haiku-4-5",
            "ollama:qwen3:8b",
        ],
        Instant::now(),
    );
    send(&mut s, "Explain TCP slow start");
    for p in [0, 2] {
        text(&mut s, p, 200, ANSWER);
        settle(&mut s, p, Status::Ok, ANSWER);
    }
    text(&mut s, 3, 300, "TCP slow start begins with a small window");
    settle(&mut s, 1, Status::Error, "");
    tick(&mut s, 1500);
    let term = screen(&s, &dark(), 120, 30);
    insta::assert_snapshot!(term.backend());
    // The failed pane's error is in the error colour.
    let buf = term.backend().buffer();
    let err = dark().style(Slot::Error).fg;
    let found = (0..buf.area.height).any(|y| {
        (0..buf.area.width).any(|x| buf[(x, y)].symbol() == "✗" && buf[(x, y)].style().fg == err)
    });
    assert!(found, "an error mark in the error colour");
}

fn with_catalog(s: &mut AppState) {
    let items = [
        ("openai:gpt-5-mini", Usable::Ready, false),
        (
            "anthropic:claude-haiku-4-5",
            Usable::NoKey("ANTHROPIC_API_KEY".into()),
            false,
        ),
        ("ollama:qwen3:8b", Usable::Unknown, true),
        ("demo:swift", Usable::Ready, true),
    ];
    s.catalog = items
        .into_iter()
        .map(|(id, u, open)| PickerItem::new(testing::model(id, open), u))
        .collect();
    s.presets.insert(
        "cheap".into(),
        vec!["openai:gpt-5-mini".into(), "ollama:qwen3:8b".into()],
    );
}

#[test]
fn snapshot_picker_open() {
    let mut s = testing::state(&["demo:swift"], Instant::now());
    with_catalog(&mut s);
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL)),
    );
    update(&mut s, key(KeyCode::Down));
    insta::assert_snapshot!(screen(&s, &dark(), 110, 24).backend());
    type_text(&mut s, "qw");
    insta::assert_snapshot!("picker_filtered", screen(&s, &dark(), 110, 24).backend());
}

#[test]
fn snapshot_help() {
    let mut s = testing::state(&["demo:swift"], Instant::now());
    update(&mut s, key(KeyCode::F(1)));
    insta::assert_snapshot!(screen(&s, &dark(), 110, 40).backend());
}

#[test]
fn help_lists_the_live_keymap_and_the_metric_definitions() {
    let mut s = testing::state(&["demo:swift"], Instant::now());
    let table: toml::Table = toml::from_str("[editor]\n\"ctrl-s\" = \"submit\"\n").expect("toml");
    s.keymap = juxta::tui::keymap::Keymap::from_config(&table).0;
    let lines: Vec<String> = ui::help::lines(&s.keymap, &dark())
        .iter()
        .map(|l| l.to_string())
        .collect();
    let all = lines.join("\n");
    assert!(all.contains("ctrl-s"), "{all}");
    assert!(all.contains("TTFT") && all.contains("t0 → first non-empty text or reasoning delta"));
    assert!(all.contains("Decode") || all.contains("decode rate"));
}

#[test]
fn snapshot_zoomed() {
    let mut s = testing::state(
        &["demo:swift", "demo:steady", "demo:ponder"],
        Instant::now(),
    );
    send(&mut s, "q");
    text(&mut s, 1, 300, ANSWER);
    settle(&mut s, 1, Status::Ok, ANSWER);
    s.mode = Mode::Panes;
    s.focus = 1;
    update(&mut s, key(KeyCode::Char('z')));
    insta::assert_snapshot!(screen(&s, &dark(), 80, 20).backend());
}

#[test]
fn snapshot_narrow_60x20() {
    let mut s = testing::state(
        &["demo:swift", "demo:steady", "demo:ponder"],
        Instant::now(),
    );
    send(&mut s, "q");
    for p in 0..3 {
        text(&mut s, p, 200 + 100 * u64::from(p), ANSWER);
    }
    settle(&mut s, 0, Status::Ok, ANSWER);
    tick(&mut s, 900);
    insta::assert_snapshot!(screen(&s, &dark(), 60, 20).backend());
}

#[test]
fn snapshot_japanese_and_chinese() {
    let mut s = testing::state(&["demo:swift", "demo:steady"], Instant::now());
    send(&mut s, "TCPのスロースタートを説明して");
    let ja = "## スロースタート\n\nTCPは往復ごとに**ウィンドウを2倍**にします。損失を検出するまで増え続けます。🚀\n";
    let zh = "## 慢启动\n\nTCP 在每个往返时间内将拥塞窗口**加倍**，直到检测到丢包为止。📈\n";
    text(&mut s, 0, 200, ja);
    settle(&mut s, 0, Status::Ok, ja);
    text(&mut s, 1, 300, zh);
    settle(&mut s, 1, Status::Ok, zh);
    let term = screen(&s, &dark(), 70, 16);
    insta::assert_snapshot!(term.backend());
    // Wide characters take two cells: no line spills over a pane's right border.
    let buf = term.backend().buffer();
    let right = buf.area.width - 1;
    for y in 2..buf.area.height - 5 {
        assert_eq!(buf[(right, y)].symbol(), "│", "row {y}");
        assert_eq!(buf[(34, y)].symbol(), "│", "row {y}");
    }
}

#[test]
fn snapshot_code_with_highlighting() {
    juxta::tui::markdown::preload_highlighting();
    let t0 = Instant::now();
    while !juxta::tui::markdown::highlighting_ready() && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut s = testing::state(&["demo:swift"], Instant::now());
    send(&mut s, "code");
    let code = "Here:\n\n```rust\nfn backoff(attempt: u32) -> u64 {\n    (500u64 << attempt.min(4)).min(8_000)\n}\n```\n";
    text(&mut s, 0, 200, code);
    settle(&mut s, 0, Status::Ok, code);
    let term = screen(&s, &dark(), 70, 14);
    insta::assert_snapshot!(term.backend());
    // Highlighting shows as more than one foreground colour on the code's line.
    let buf = term.backend().buffer();
    let y = (0..buf.area.height)
        .find(|&y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("fn backoff")
        })
        .expect("code line");
    let mut colours: Vec<_> = (0..buf.area.width)
        .map(|x| buf[(x, y)].style().fg)
        .collect();
    colours.sort_by_key(|c| format!("{c:?}"));
    colours.dedup();
    assert!(
        colours.len() >= 3,
        "highlighted code uses several colours: {colours:?}"
    );
}

#[test]
fn snapshot_light_theme() {
    let light = Theme::load("light", None).expect("light theme");
    let mut s = testing::state(&["demo:swift", "demo:steady"], Instant::now());
    send(&mut s, "q");
    text(&mut s, 0, 200, ANSWER);
    settle(&mut s, 0, Status::Ok, ANSWER);
    let term = screen(&s, &light, 90, 20);
    insta::assert_snapshot!(term.backend());
    assert_ne!(light, dark(), "light is not dark");
}

#[test]
fn widgets_survive_zero_and_tiny_areas() {
    let mut s = testing::state(
        &["demo:swift", "demo:steady", "demo:ponder"],
        Instant::now(),
    );
    send(&mut s, "q");
    text(&mut s, 0, 100, ANSWER);
    reasoning(&mut s, 1, 100, "thinking");
    with_catalog(&mut s);
    let theme = dark();
    for (w, h) in [
        (0, 0),
        (1, 1),
        (2, 2),
        (1, 10),
        (10, 1),
        (3, 3),
        (40, 12),
        (12, 40),
    ] {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        PaneView {
            pane: &s.panes[0],
            focused: true,
            now: s.now,
            theme: &theme,
        }
        .render(area, &mut buf);
        ui::render(area, &mut buf, &s, &theme);
        ui::help::render(area, &mut buf, 0, &s.keymap, &theme);
        ui::picker::render(
            area,
            &mut buf,
            &state::picker::PickerState::default(),
            &s,
            &theme,
        );
    }
    // Every overlay at tiny sizes too, through the whole screen.
    for overlay in 0..3 {
        s.overlay = match overlay {
            0 => None,
            1 => Some(Overlay::Help { scroll: 3 }),
            _ => Some(Overlay::Picker(state::picker::PickerState::open(
                &s.catalog,
                &s.presets,
                vec![],
            ))),
        };
        for (w, h) in [(1, 1), (5, 3), (40, 12)] {
            let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
            ui::render(buf.area, &mut buf, &s, &theme);
        }
    }
}

#[test]
fn pane_view_draws_header_badges_and_footer_with_meaningful_colours() {
    let mut s = testing::state(&["openai:gpt-5-mini"], Instant::now());
    send(&mut s, "q");
    settle(&mut s, 0, Status::Ok, "Hello.");
    let theme = dark();
    let area = Rect::new(0, 0, 60, 6);
    let mut buf = Buffer::empty(area);
    PaneView {
        pane: &s.panes[0],
        focused: true,
        now: s.now,
        theme: &theme,
    }
    .render(area, &mut buf);
    let row = |y: u16| {
        (0..area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect::<String>()
    };
    assert!(row(0).contains("openai:gpt-5-mini · open"), "{}", row(0));
    assert!(row(1).contains("Hello."));
    assert!(
        row(4).contains("✓ 2.2s · TTFT 412ms · 88 tok/s · 160 tok · $0.000323"),
        "{}",
        row(4)
    );
    // Focused border in the focus colour; the open badge in its colour; ok in the ok colour.
    assert_eq!(buf[(0, 0)].style().fg, theme.style(Slot::BorderFocused).fg);
    let x = row(0)
        .find("· open")
        .map(|i| row(0)[..i].chars().count() as u16 + 2)
        .expect("badge");
    assert_eq!(buf[(x, 0)].style().fg, theme.style(Slot::BadgeOpen).fg);
    assert_eq!(buf[(1, 4)].style().fg, theme.style(Slot::Ok).fg);
}

#[test]
fn estimates_are_marked_and_missing_values_are_not_zero() {
    let mut s = testing::state(&["demo:swift"], Instant::now());
    send(&mut s, "q");
    // Before the first token: TTFT and cost are missing, not zero.
    tick(&mut s, 300);
    let theme = dark();
    let line = ui::pane::footer(&s.panes[0], s.now, &theme).to_string();
    assert!(line.contains("TTFT —"), "{line}");
    assert!(!line.contains("$0"), "{line}");
    text(&mut s, 0, 400, "Hello there, this is a streaming answer.");
    text(&mut s, 0, 900, " More words arrive.");
    let line = ui::pane::footer(&s.panes[0], s.now, &theme).to_string();
    assert!(line.contains("TTFT 400ms"), "{line}");
    assert!(line.contains("~"), "live counts are estimates: {line}");
}

#[test]
fn resizing_down_to_40x12_and_back_never_panics() {
    let mut s = testing::state(
        &[
            "demo:swift",
            "demo:steady",
            "demo:ponder",
            "demo:flaky",
            "demo:echo",
        ],
        Instant::now(),
    );
    send(&mut s, "q");
    for p in 0..5 {
        text(&mut s, p, 100, ANSWER);
    }
    let theme = dark();
    let mut term = Terminal::new(TestBackend::new(160, 45)).expect("terminal");
    for (w, h) in [
        (160, 45),
        (80, 24),
        (40, 12),
        (20, 6),
        (1, 1),
        (0, 0),
        (40, 12),
        (160, 45),
    ] {
        term.backend_mut().resize(w, h);
        update(&mut s, Msg::Resize(w, h));
        term.draw(|f| ui::draw(f, &s, &theme)).expect("draw");
        s.zoom = !s.zoom;
    }
}

#[test]
fn more_than_eight_panes_scroll_with_the_focus() {
    let ids: Vec<String> = (0..10).map(|i| format!("demo:m{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut s = testing::state(&refs, Instant::now());
    s.mode = Mode::Panes;
    s.focus = 9;
    let term = screen(&s, &dark(), 120, 30);
    let all: String = format!("{}", term.backend());
    assert!(
        all.contains("demo:m9") && !all.contains("demo:m0 "),
        "{all}"
    );
    assert!(all.contains("pane 10/10"));
}

#[test]
fn opening_with_nothing_configured_shows_demo_models_and_a_hint() {
    let config = Config::presets_only().expect("presets");
    let st = tui_run::initial_state(
        &TuiArgs::default(),
        &config,
        Instant::now(),
        chrono::Utc::now(),
    )
    .expect("state");
    assert!((2..=3).contains(&st.panes.len()), "{}", st.panes.len());
    assert!(st.panes.iter().all(|p| p.model.simulated));
    assert!(st.hint.as_deref().is_some_and(|h| h.contains("API_KEY")));
    // Named models and presets resolve; unknown ones give a clear error.
    let args = TuiArgs {
        models: vec!["demo:swift".into()],
        ..TuiArgs::default()
    };
    let st =
        tui_run::initial_state(&args, &config, Instant::now(), chrono::Utc::now()).expect("state");
    assert_eq!(st.panes.len(), 1);
    let args = TuiArgs {
        preset: Some("nope".into()),
        ..TuiArgs::default()
    };
    let err = tui_run::initial_state(&args, &config, Instant::now(), chrono::Utc::now())
        .err()
        .unwrap_or_default();
    assert!(err.contains("nope"), "{err}");
}

/// The App with a TestBackend and demo models, driven until every pane is done; the session is
/// saved in a temporary store.
#[test]
fn end_to_end_demo_models_until_every_pane_is_done() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config::presets_only().expect("presets");
    let args = TuiArgs {
        models: vec![
            "demo:swift,ttft=5,tps=3000".into(),
            "demo:steady,ttft=10,tps=2000".into(),
            "demo:ponder,ttft=5,tps=3000".into(),
        ],
        ..TuiArgs::default()
    };
    let mut st =
        tui_run::initial_state(&args, &config, Instant::now(), chrono::Utc::now()).expect("state");
    st.size = (120, 36);
    let store = juxta::store::Store::open(&dir.path().join("juxta.db")).expect("store");
    let engine = Arc::new(Engine::new(Arc::new(config)));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (app, session) = rt.block_on(async move {
        let term = Terminal::new(TestBackend::new(120, 36)).expect("terminal");
        let mut app = App::new(term, st, dark(), engine, 30).with_store(store);
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        for c in "Explain TCP slow start".chars() {
            tx.send(key(KeyCode::Char(c))).await.expect("send");
        }
        tx.send(key(KeyCode::Enter)).await.expect("send");
        let started = Instant::now();
        let run = tokio::time::timeout(
            Duration::from_secs(60),
            app.run_until(&mut rx, |s| {
                s.session.created
                    && s.panes
                        .iter()
                        .all(|p| p.status.is_some_and(|st| st.is_settled()))
            }),
        )
        .await;
        assert!(
            run.is_ok(),
            "every pane settles in time ({:?})",
            started.elapsed()
        );
        // Copy the focused answer: it goes out as OSC 52 (here: recorded).
        app.state.mode = Mode::Panes;
        app.apply(key(KeyCode::Char('y')));
        app.draw().expect("draw");
        let session = app.state.session.id.clone();
        (app, session)
    });
    for p in &app.state.panes {
        assert_eq!(p.status, Some(Status::Ok), "{}: {:?}", p.model.id, p.error);
        assert!(!p.text.is_empty());
        let rec = p.record.as_ref().expect("record");
        assert!(rec.simulated);
        assert!(rec.metrics.ttft_ms.is_some());
    }
    assert_eq!(app.copied.len(), 1);
    let screen = format!("{}", app.terminal.backend());
    assert!(screen.contains("✓"), "{screen}");
    assert!(screen.contains("demo:swift"));
    assert!(app.frames >= 2);
    drop(app);
    // The store writer runs on its own thread: wait for the last writes.
    let store = juxta::store::Store::open(&dir.path().join("juxta.db")).expect("store");
    let t0 = Instant::now();
    loop {
        let saved = store.load_session(&session);
        let done = saved.as_ref().is_ok_and(|s| {
            s.turns.len() == 1
                && s.turns[0].responses.len() == 3
                && s.turns[0].responses.iter().all(|r| r.status == Status::Ok)
        });
        if done {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "session saved: {saved:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_effects_of_a_submit_are_what_the_app_runs() {
    let mut s = testing::state(&["demo:swift"], Instant::now());
    type_text(&mut s, "x");
    let out = update(&mut s, key(KeyCode::Enter));
    let kinds: Vec<&str> = out
        .effects
        .iter()
        .map(|e| match e {
            Effect::CreateSession(_) => "create",
            Effect::AddTurn { .. } => "turn",
            Effect::StartStream(_) => "start",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["create", "turn", "start"]);
}

/// Code still drawn plain keeps the App drawing (no key, no stream event) until it is
/// highlighted; with nothing pending the App does not wake up to draw again.
#[test]
fn the_app_keeps_drawing_until_visible_code_is_highlighted() {
    // Load syntect now (a complete render waits for it), so the App's draws can highlight.
    let _ = juxta::tui::markdown::render("```rust\nfn a() {}\n```\n", 40, &dark());
    let mut code = String::from("```rust\n");
    for i in 0..80 {
        code.push_str(&format!(
            "let v{i} = vec![{i}, \"s{i}\".len()]; // line {i}\n"
        ));
    }
    code.push_str("```\n");
    let mut st = testing::state(&["demo:a"], Instant::now());
    st.size = (100, 40);
    st.panes[0].text = code;
    let config = Config::presets_only().expect("presets");
    let engine = Arc::new(Engine::new(Arc::new(config)));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let app = rt.block_on(async move {
        let term = Terminal::new(TestBackend::new(100, 40)).expect("terminal");
        let mut app = App::new(term, st, dark(), engine, 60);
        // No input at all: the App runs only as long as it has drawing left to do.
        let (tx, rx) = tokio::sync::mpsc::channel::<Msg>(1);
        drop(tx);
        let run = tokio::time::timeout(Duration::from_secs(120), app.run(rx)).await;
        assert!(run.is_ok(), "highlighting finished and the App stopped");
        assert!(app.frames >= 2, "only {} frame(s)", app.frames);
        let before = app.frames;
        let (tx, rx) = tokio::sync::mpsc::channel::<Msg>(1);
        drop(tx);
        app.run(rx).await.expect("run");
        assert_eq!(
            app.frames,
            before + 1,
            "idle: one draw on start, none after"
        );
        app
    });
    let view = app.state.panes[0].view.borrow();
    assert!(!view.answer.has_pending());
    // The code on screen is coloured by syntect (RGB), not plain.
    let buf = app.terminal.backend().buffer();
    let coloured = buf
        .content()
        .iter()
        .any(|c| matches!(c.fg, ratatui::style::Color::Rgb(..)) && c.symbol() == "v");
    assert!(coloured, "{}", app.terminal.backend());
}
