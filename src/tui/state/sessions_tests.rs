//! The browser and the replay grid inside the workbench: messages in, state and effects out.

use std::time::Instant;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::super::picker::{PickerItem, Usable};
use super::super::{AppState, Overlay, update};
use crate::engine::replay::{CellKey, ReplayEvent, ReplayReport};
use crate::provider::Role;
use crate::record::Status;
use crate::tui::browser::reopen::tests::two_turn_session;
use crate::tui::browser::tests_support::buffer_text;
use crate::tui::browser::{BrowserEffect, BrowserInput, SessionRow};
use crate::tui::msg::{Effect, Msg, Outcome};
use crate::tui::replay_grid::ReplayGridState;
use crate::tui::testing;
use crate::tui::theme::Theme;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn screen(s: &AppState) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, 120, 36));
    crate::tui::ui::render(buf.area, &mut buf, s, &Theme::dark());
    buffer_text(&buf)
}

fn workbench() -> AppState {
    let mut s = testing::state(&["demo:fast", "demo:slow"], Instant::now());
    s.catalog = ["demo:fast", "demo:slow", "demo:other"]
        .iter()
        .map(|id| PickerItem::new(testing::model(id, false), Usable::Ready))
        .collect();
    s
}

#[test]
fn open_the_browser_then_reopen_a_session_and_continue_it() {
    let mut s = workbench();
    // Go to the panes, then `o` opens the browser, which asks for the list.
    update(&mut s, key(KeyCode::Esc));
    let out = update(&mut s, key(KeyCode::Char('o')));
    assert!(matches!(s.overlay, Some(Overlay::Browser(_))));
    assert!(matches!(&out.effects[..], [Effect::Browser(BrowserEffect::Load(q))] if q.is_empty()));
    let saved = two_turn_session();
    let row = SessionRow {
        id: saved.id.clone(),
        title: saved.title.clone(),
        created_at: saved.created_at,
        models: saved.models.clone(),
        turns: 2,
        cost_usd: None,
        tags: vec!["geo".into()],
    };
    update(
        &mut s,
        Msg::Browser(BrowserInput::Loaded {
            query: String::new(),
            result: Ok(vec![row]),
        }),
    );
    assert!(screen(&s).contains("capitals"), "{}", screen(&s));
    // Enter asks the App to load it.
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(&out.effects[..], [Effect::OpenSession { id, turn: None, .. }] if id == "s-1")
    );
    update(
        &mut s,
        Msg::SessionOpened {
            result: Ok(Box::new(saved)),
            turn: None,
            focus: None,
        },
    );

    // The panes are back with their saved answers, figures and costs.
    assert!(s.overlay.is_none());
    assert_eq!(s.panes.len(), 2);
    assert_eq!(s.panes[0].text, "Tokyo");
    assert_eq!(s.panes[1].text, "Tokyo.");
    assert_eq!(s.panes[0].status, Some(Status::Ok));
    assert_eq!(
        s.panes[0].record.as_ref().and_then(|r| r.cost.usd),
        Some(0.0002)
    );
    assert_eq!(
        s.panes[1].record.as_ref().and_then(|r| r.metrics.ttft_ms),
        Some(900.0)
    );
    assert_eq!(s.session.id, "s-1");
    let shown = screen(&s);
    assert!(shown.contains("Tokyo."), "{shown}");
    assert!(shown.contains("Reopened \"capitals\" (2 turns)"), "{shown}");

    // The next prompt continues the saved conversation, in the same session.
    for c in "And of Italy?".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(
        !out.effects
            .iter()
            .any(|e| matches!(e, Effect::CreateSession(_)))
    );
    assert!(out.effects.iter().any(
        |e| matches!(e, Effect::AddTurn { session, turn } if session == "s-1" && turn.index == 2)
    ));
    let jobs: Vec<_> = out
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream(j) => Some(j),
            _ => None,
        })
        .collect();
    assert_eq!(jobs.len(), 2);
    let msgs = &jobs[1].request.messages;
    let convo: Vec<(Role, &str)> = msgs.iter().map(|m| (m.role, m.content.as_str())).collect();
    assert_eq!(
        convo,
        [
            (Role::User, "Capital of France?"),
            (Role::Assistant, "Paris."),
            (Role::User, "And of Japan?"),
            (Role::Assistant, "Tokyo."),
            (Role::User, "And of Italy?"),
        ]
    );
    assert_eq!(jobs[1].tag.pane, 1);
}

#[test]
fn rerun_the_last_turn_on_other_models() {
    let mut s = workbench();
    update(
        &mut s,
        Msg::SessionOpened {
            result: Ok(Box::new(two_turn_session())),
            turn: None,
            focus: None,
        },
    );
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Char('M')));
    let Some(Overlay::Picker(p)) = &mut s.overlay else {
        panic!("the picker opens")
    };
    p.selected = vec!["demo:other".into()];
    let out = update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.panes.len(), 1);
    assert_eq!(s.panes[0].model.id, "demo:other");
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::CreateSession(_))),
        "a new comparison"
    );
    let prompts: Vec<_> = out
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream(j) => j.request.messages.last().map(|m| m.content.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(prompts, ["And of Japan?"]);
}

#[test]
fn a_bad_open_is_reported_not_fatal() {
    let mut s = workbench();
    update(
        &mut s,
        Msg::SessionOpened {
            result: Err("no session s-9".into()),
            turn: None,
            focus: None,
        },
    );
    assert_eq!(s.panes.len(), 2);
    assert!(screen(&s).contains("Could not open the session: no session s-9"));
}

fn cell(prompt: usize, model: usize, id: &str) -> CellKey {
    CellKey {
        index: prompt * 2 + model,
        prompt_id: format!("p{prompt}"),
        prompt,
        model: id.into(),
        model_index: model,
        repeat: 0,
        turn: prompt as u32,
        pane: model as u32,
    }
}

#[test]
fn the_replay_grid_fills_from_runner_events_and_opens_a_cell() {
    let mut s = workbench();
    let base = Instant::now();
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Char('p')));
    assert!(matches!(s.overlay, Some(Overlay::ReplayPath(_))));
    update(
        &mut s,
        Msg::Paste("presets/prompts/coding.toml --max-cost 0.5".into()),
    );
    let out = update(&mut s, key(KeyCode::Enter));
    let Some(Effect::StartReplay {
        path,
        models,
        max_cost,
    }) = out.effects.first()
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (path.as_str(), models.len(), *max_cost),
        ("presets/prompts/coding.toml", 2, Some(0.5))
    );

    let mut g = ReplayGridState::new(
        "coding",
        vec!["p0".into(), "p1".into()],
        vec!["demo:fast".into(), "demo:slow".into()],
        1,
        Some(0.5),
    );
    g.session_id = Some("rp-1".into());
    g.turns = vec![Some(0), Some(1)];
    update(&mut s, Msg::ReplayStarted(Ok(Box::new(g))));
    assert!(matches!(s.overlay, Some(Overlay::Replay)));
    let ev = |e: ReplayEvent| Msg::Replay(Box::new(e));
    update(
        &mut s,
        ev(ReplayEvent::CellStarted {
            cell: cell(0, 0, "demo:fast"),
        }),
    );
    update(
        &mut s,
        ev(ReplayEvent::CellStarted {
            cell: cell(0, 1, "demo:slow"),
        }),
    );
    let rec = testing::record(0, "demo:fast", Status::Ok, "fn main() {}", base);
    let ttft = rec.metrics.ttft_ms;
    let out = update(
        &mut s,
        ev(ReplayEvent::CellSettled {
            cell: cell(0, 0, "demo:fast"),
            record: Box::new(rec),
            save_error: None,
        }),
    );
    assert!(out.redraw);
    let g = s.replay_grid.as_ref().unwrap_or_else(|| panic!("grid"));
    assert_eq!((g.settled(), g.total()), (1, 4));
    let shown = screen(&s);
    assert!(shown.contains("1/4 done"), "{shown}");
    assert!(shown.contains("running"), "{shown}");
    if let Some(t) = ttft {
        assert!(shown.contains(&format!("✓ {t:.0} ms")), "{shown}");
    }
    // Enter on a cell opens its turn as a comparison, focused on its model.
    update(&mut s, key(KeyCode::Right));
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(matches!(&out.effects[..],
        [Effect::OpenSession { id, turn: Some(0), focus: Some(f) }] if id == "rp-1" && f == "demo:slow"));
    // Esc stops the replay (the grid stays until it has stopped).
    let out: Outcome = update(&mut s, key(KeyCode::Esc));
    assert!(matches!(&out.effects[..], [Effect::CancelReplay]));
    update(
        &mut s,
        ev(ReplayEvent::Finished {
            report: ReplayReport::default(),
        }),
    );
    assert!(screen(&s).contains("(done)"));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlay.is_none());
}

#[test]
fn a_session_with_an_unanswered_last_turn_shows_its_latest_answers() {
    let mut s = workbench();
    let mut saved = two_turn_session();
    let mut empty = saved.turns[0].clone();
    empty.index = 2;
    empty.prompt = "never answered".into();
    empty.responses.clear();
    saved.turns.push(empty);
    update(
        &mut s,
        Msg::SessionOpened {
            result: Ok(Box::new(saved)),
            turn: None,
            focus: None,
        },
    );
    assert_eq!(
        s.current_turn().map(|t| t.prompt.as_str()),
        Some("And of Japan?")
    );
    assert_eq!(s.panes[0].turn, Some(1));
    // A new prompt still gets a fresh turn number.
    for c in "next".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::AddTurn { turn, .. } if turn.index == 3))
    );
}
