//! Pure state tests: messages in, state and effects out. No IO, no clock, no network.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::provider::{ErrorKind, ProviderError, Role, StreamEvent};
use crate::tui::testing;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}
fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}
fn type_text(s: &mut AppState, text: &str) {
    for c in text.chars() {
        update(s, key(KeyCode::Char(c)));
    }
}
fn send(s: &mut AppState, text: &str) -> Outcome {
    type_text(s, text);
    update(s, key(KeyCode::Enter))
}
fn jobs(out: &Outcome) -> Vec<&Job> {
    out.effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream(j) => Some(&**j),
            _ => None,
        })
        .collect()
}
fn aborts(out: &Outcome) -> Vec<JobTag> {
    out.effects
        .iter()
        .filter_map(|e| match e {
            Effect::Abort(t) => Some(*t),
            _ => None,
        })
        .collect()
}
fn ev(tag: JobTag, at: Instant, e: StreamEvent) -> Msg {
    Msg::Stream {
        tag,
        at,
        kind: EventKind::Stream(e),
    }
}
fn done(s: &AppState, tag: JobTag, status: Status, text: &str, base: Instant) -> Msg {
    let id = s
        .panes
        .iter()
        .find(|p| p.id == tag.pane)
        .map(|p| p.model.id.clone())
        .unwrap_or_default();
    let rec = testing::record(tag.pane, &id, status, text, base);
    Msg::Stream {
        tag,
        at: base + Duration::from_secs(3),
        kind: EventKind::Done(Box::new(rec)),
    }
}

#[test]
fn submit_yields_one_start_stream_per_pane_under_one_run() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a", "demo:b", "openai:c"], t0);
    let out = send(&mut s, "hello");
    let js = jobs(&out);
    assert_eq!(js.len(), 3);
    let run = js[0].tag.run;
    assert!(js.iter().all(|j| j.tag.run == run));
    assert_eq!(
        js.iter().map(|j| j.tag.pane).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert_eq!(js[2].request.model, "c");
    assert_eq!(js[0].request.messages, vec![Message::user("hello")]);
    assert!(s.panes.iter().all(|p| p.is_streaming()));
    // The session is created once, the turn added, and the editor emptied.
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::CreateSession(_)))
    );
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::AddTurn { .. }))
    );
    assert_eq!(s.editor.text(Field::Prompt), "");
    let out2 = {
        for p in 0..3 {
            let m = done(&s, JobTag { run, pane: p }, Status::Ok, "hi", t0);
            update(&mut s, m);
        }
        send(&mut s, "again")
    };
    let js2 = jobs(&out2);
    assert!(
        js2.iter().all(|j| j.tag.run == run + 1),
        "a new run id per turn"
    );
    assert!(
        !out2
            .effects
            .iter()
            .any(|e| matches!(e, Effect::CreateSession(_)))
    );
}

#[test]
fn empty_prompt_sends_nothing_and_newline_keys_insert_lines() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    assert!(jobs(&update(&mut s, key(KeyCode::Enter))).is_empty());
    type_text(&mut s, "line one");
    update(&mut s, ctrl('j'));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)),
    );
    type_text(&mut s, "three");
    assert_eq!(s.editor.text(Field::Prompt), "line one\n\nthree");
    let out = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        jobs(&out)[0].request.messages[0].content,
        "line one\n\nthree"
    );
}

#[test]
fn stream_events_fill_the_pane_and_stale_ones_are_ignored() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a", "demo:b"], t0);
    let run = jobs(&send(&mut s, "q"))[0].tag.run;
    let tag = JobTag { run, pane: 0 };
    update(
        &mut s,
        Msg::Stream {
            tag,
            at: t0,
            kind: EventKind::Attempt { n: 0 },
        },
    );
    let out = update(
        &mut s,
        ev(
            tag,
            t0 + Duration::from_millis(400),
            StreamEvent::Text("Hel".into()),
        ),
    );
    assert!(out.redraw);
    update(
        &mut s,
        ev(
            tag,
            t0 + Duration::from_millis(500),
            StreamEvent::Text("lo\x1b[2J".into()),
        ),
    );
    assert_eq!(s.panes[0].text, "Hello", "control sequences are stripped");
    assert_eq!(s.panes[0].live.ttft_ms(), Some(400.0));
    // A stale run (earlier ticket) changes nothing and asks for no redraw.
    let stale = JobTag {
        run: run - 1,
        pane: 0,
    };
    let out = update(
        &mut s,
        ev(
            stale,
            t0 + Duration::from_millis(600),
            StreamEvent::Text("XXX".into()),
        ),
    );
    assert!(!out.redraw);
    assert!(out.effects.is_empty());
    assert_eq!(s.panes[0].text, "Hello");
    // An unknown pane too.
    let out = update(
        &mut s,
        ev(JobTag { run, pane: 9 }, t0, StreamEvent::Text("X".into())),
    );
    assert!(!out.redraw);
}

#[test]
fn a_stale_settled_response_is_still_saved_to_its_own_turn() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    let run1 = jobs(&send(&mut s, "first"))[0].tag.run;
    // Sending again cancels the first run.
    let out = send(&mut s, "second");
    assert_eq!(aborts(&out), vec![JobTag { run: run1, pane: 0 }]);
    let late = done(
        &s,
        JobTag { run: run1, pane: 0 },
        Status::Cancelled,
        "partial",
        t0,
    );
    let out = update(&mut s, late);
    assert!(!out.redraw);
    match &out.effects[..] {
        [Effect::Persist { turn, record, .. }] => {
            assert_eq!(*turn, 0);
            assert_eq!(record.status, Status::Cancelled);
        }
        other => panic!("expected one persist, got {other:?}"),
    }
    assert_eq!(s.panes[0].text, "", "the pane shows the new run");
}

#[test]
fn cancel_one_and_cancel_all() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a", "demo:b", "demo:c"], t0);
    let run = jobs(&send(&mut s, "q"))[0].tag.run;
    // Leave the editor? No: Esc while streaming cancels everything.
    update(&mut s, key(KeyCode::Esc));
    assert!(s.panes.iter().all(|p| p.cancelling));
    // Settle pane 2 only, then cancel pane 1 from pane mode.
    let mut s = testing::state(&["demo:a", "demo:b", "demo:c"], t0);
    let run2 = jobs(&send(&mut s, "q"))[0].tag.run;
    assert_eq!(run, run2);
    let m = done(&s, JobTag { run, pane: 2 }, Status::Ok, "ok", t0);
    update(&mut s, m);
    s.mode = Mode::Panes;
    s.focus = 1;
    let out = update(&mut s, key(KeyCode::Char('x')));
    assert_eq!(aborts(&out), vec![JobTag { run, pane: 1 }]);
    assert!(s.panes[1].cancelling && !s.panes[0].cancelling);
    // Cancel all aborts only those still streaming and not already cancelling.
    let out = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT)),
    );
    assert_eq!(aborts(&out), vec![JobTag { run, pane: 0 }]);
}

#[test]
fn esc_twice_leaves_the_editor_and_ctrl_c_cancels_before_quitting() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    send(&mut s, "q");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.mode, Mode::Editor, "first Esc cancels");
    let run = s.panes[0].run;
    let m = done(&s, JobTag { run, pane: 0 }, Status::Cancelled, "", t0);
    update(&mut s, m);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.mode, Mode::Panes, "second Esc leaves the editor");
    // Ctrl+C while streaming: cancel, then quit.
    update(&mut s, key(KeyCode::Char('i')));
    send(&mut s, "again");
    let out = update(&mut s, ctrl('c'));
    assert!(!s.should_quit);
    assert_eq!(aborts(&out).len(), 1);
    let out = update(&mut s, ctrl('c'));
    assert!(s.should_quit);
    assert!(out.effects.iter().any(|e| matches!(e, Effect::Quit)));
}

#[test]
fn an_error_lands_in_its_pane_and_others_go_on() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a", "demo:b"], t0);
    let run = jobs(&send(&mut s, "q"))[0].tag.run;
    let m = done(&s, JobTag { run, pane: 1 }, Status::Error, "", t0);
    let out = update(&mut s, m);
    assert_eq!(s.panes[1].status, Some(Status::Error));
    assert_eq!(
        s.panes[1].error.as_ref().map(|e| e.kind),
        Some(ErrorKind::RateLimited)
    );
    assert!(s.panes[0].is_streaming());
    assert!(
        matches!(&out.effects[..], [Effect::Persist { record, .. }] if record.status == Status::Error)
    );
    // A retrying notice shows while the engine waits.
    let tag = JobTag { run, pane: 0 };
    let err = ProviderError::new(ErrorKind::Overloaded, "overloaded").with_status(529);
    update(
        &mut s,
        Msg::Stream {
            tag,
            at: t0,
            kind: EventKind::Retrying {
                error: err,
                delay: Duration::from_millis(500),
            },
        },
    );
    assert!(
        s.panes[0]
            .retrying
            .as_deref()
            .is_some_and(|r| r.contains("overloaded"))
    );
}

#[test]
fn checkpoints_go_out_at_most_every_500ms_while_streaming() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    let run = jobs(&send(&mut s, "q"))[0].tag.run;
    let tag = JobTag { run, pane: 0 };
    let mut persisted = 0;
    for i in 0..40u64 {
        let out = update(
            &mut s,
            ev(
                tag,
                t0 + Duration::from_millis(100 * i),
                StreamEvent::Text("x".into()),
            ),
        );
        for e in out.effects {
            if let Effect::Persist { record, .. } = e {
                assert_eq!(record.status, Status::Streaming);
                assert_eq!(record.metrics.tokens.source, TokenSource::Estimated);
                persisted += 1;
            }
        }
    }
    // 0 .. 3.9 s: one at 0, then every 500 ms.
    assert_eq!(persisted, 8);
}

#[test]
fn multi_turn_history_is_per_pane_and_continue_with_this_drops_the_others() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a", "demo:b"], t0);
    let run = jobs(&send(&mut s, "first"))[0].tag.run;
    let m = done(&s, JobTag { run, pane: 0 }, Status::Ok, "answer A", t0);
    update(&mut s, m);
    let m = done(&s, JobTag { run, pane: 1 }, Status::Error, "", t0);
    update(&mut s, m);
    let out = send(&mut s, "second");
    let js = jobs(&out);
    let roles = |j: &Job| {
        j.request
            .messages
            .iter()
            .map(|m| (m.role, m.content.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        roles(js[0]),
        vec![
            (Role::User, "first".to_string()),
            (Role::Assistant, "answer A".to_string()),
            (Role::User, "second".to_string())
        ]
    );
    assert_eq!(
        roles(js[1]),
        vec![(Role::User, "second".to_string())],
        "a failed answer is not history"
    );
    let run2 = js[0].tag.run;
    for p in 0..2 {
        let m = done(&s, JobTag { run: run2, pane: p }, Status::Ok, "two", t0);
        update(&mut s, m);
    }
    // Keep pane B only: its id (column) stays, the next prompt goes to it alone.
    s.mode = Mode::Panes;
    s.focus = 1;
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT)),
    );
    assert_eq!(s.panes.len(), 1);
    update(&mut s, key(KeyCode::Char('i')));
    let out = send(&mut s, "third");
    let js = jobs(&out);
    assert_eq!(js.len(), 1);
    assert_eq!(js[0].tag.pane, 1);
    assert_eq!(js[0].request.messages.len(), 3);
}

#[test]
fn retry_reruns_one_pane_under_a_new_run_with_the_same_turn() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a", "demo:b"], t0);
    let run = jobs(&send(&mut s, "q"))[0].tag.run;
    for p in 0..2 {
        let m = done(&s, JobTag { run, pane: p }, Status::Error, "", t0);
        update(&mut s, m);
    }
    s.mode = Mode::Panes;
    s.focus = 1;
    let out = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
    );
    let js = jobs(&out);
    assert_eq!(js.len(), 1);
    assert_eq!(js[0].tag.pane, 1);
    assert!(js[0].tag.run > run);
    assert_eq!(js[0].request.messages, vec![Message::user("q")]);
    assert_eq!(s.run_turns.get(&js[0].tag.run), Some(&0));
    assert!(s.panes[1].is_streaming() && !s.panes[0].is_streaming());
}

#[test]
fn picker_filters_fuzzily_selects_and_applies_presets() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    s.catalog = [
        "openai:gpt-5-mini",
        "anthropic:claude-haiku-4-5",
        "ollama:qwen3:8b",
        "demo:swift",
    ]
    .iter()
    .map(|id| picker::PickerItem::new(testing::model(id, false), picker::Usable::Ready))
    .collect();
    s.presets.insert(
        "cheap".into(),
        vec!["openai:gpt-5-mini".into(), "ollama:qwen3:8b".into()],
    );
    update(&mut s, ctrl('o'));
    assert_eq!(s.key_mode(), Mode::Picker);
    type_text(&mut s, "qwn");
    let Some(Overlay::Picker(p)) = &s.overlay else {
        panic!("picker")
    };
    assert_eq!(
        p.rows,
        vec![Row::Preset("cheap".into()), Row::Model(2)],
        "fuzzy: qwn matches qwen3 (and the preset holding it)"
    );
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    type_text(&mut s, "haiku");
    update(&mut s, key(KeyCode::Tab));
    let Some(Overlay::Picker(p)) = &s.overlay else {
        panic!("picker")
    };
    assert_eq!(
        p.selected,
        vec![
            "demo:a".to_string(),
            "anthropic:claude-haiku-4-5".to_string()
        ]
    );
    update(&mut s, key(KeyCode::Enter));
    assert!(s.overlay.is_none());
    assert_eq!(
        s.panes
            .iter()
            .map(|p| p.model.id.as_str())
            .collect::<Vec<_>>(),
        ["anthropic:claude-haiku-4-5"]
    );
    // A preset picks its models in one go.
    update(&mut s, ctrl('o'));
    type_text(&mut s, "cheap");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        s.panes
            .iter()
            .map(|p| p.model.id.as_str())
            .collect::<Vec<_>>(),
        ["openai:gpt-5-mini", "ollama:qwen3:8b"]
    );
    assert_ne!(
        s.session.id, "test-session",
        "a new set of models is a new session"
    );
}

#[test]
fn rebinding_from_config_changes_what_keys_do() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    let table: toml::Table =
        toml::from_str("[editor]\n\"enter\" = \"newline\"\n\"ctrl-s\" = \"submit\"\n")
            .expect("toml");
    s.keymap = Keymap::from_config(&table).0;
    type_text(&mut s, "a");
    assert!(jobs(&update(&mut s, key(KeyCode::Enter))).is_empty());
    assert_eq!(s.editor.text(Field::Prompt), "a\n");
    assert_eq!(jobs(&update(&mut s, ctrl('s'))).len(), 1);
}

#[test]
fn help_opens_with_question_mark_outside_the_editor_and_f1_anywhere() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    update(&mut s, key(KeyCode::Char('?')));
    assert!(s.overlay.is_none());
    assert_eq!(s.editor.text(Field::Prompt), "?");
    update(&mut s, key(KeyCode::F(1)));
    assert!(matches!(s.overlay, Some(Overlay::Help { .. })));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlay.is_none());
    s.mode = Mode::Panes;
    update(&mut s, key(KeyCode::Char('?')));
    assert!(matches!(s.overlay, Some(Overlay::Help { .. })));
}

#[test]
fn copy_answer_and_code_blocks_go_out_as_effects() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    let run = jobs(&send(&mut s, "q"))[0].tag.run;
    let m = done(
        &s,
        JobTag { run, pane: 0 },
        Status::Ok,
        "x\n```rust\nfn a() {}\n```\n```py\nprint(1)\n```\n",
        t0,
    );
    update(&mut s, m);
    s.mode = Mode::Panes;
    let copies = |o: Outcome| {
        o.effects
            .into_iter()
            .filter_map(|e| {
                if let Effect::Copy(t) = e {
                    Some(t)
                } else {
                    None
                }
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        copies(update(&mut s, key(KeyCode::Char('c')))),
        vec!["print(1)\n".to_string()]
    );
    assert_eq!(
        copies(update(&mut s, key(KeyCode::Char('c')))),
        vec!["fn a() {}\n".to_string()]
    );
    assert_eq!(copies(update(&mut s, key(KeyCode::Char('y')))).len(), 1);
}

#[test]
fn params_and_system_prompt_apply_to_every_pane() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a", "demo:b"], t0);
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "Be brief.");
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "0.2");
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "64");
    update(&mut s, key(KeyCode::Tab));
    let out = send(&mut s, "q");
    for j in jobs(&out) {
        assert_eq!(j.request.system.as_deref(), Some("Be brief."));
        assert_eq!(j.request.params.temperature, Some(0.2));
        assert_eq!(j.request.params.max_tokens, Some(64));
    }
    // A bad value refuses to send and says why.
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    type_text(&mut s, "x");
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    let out = send(&mut s, "q2");
    assert!(jobs(&out).is_empty());
    assert!(
        s.notice
            .as_deref()
            .is_some_and(|n| n.contains("temperature"))
    );
}

#[test]
fn ticks_advance_the_clock_and_redraw_only_while_streaming() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a"], t0);
    assert!(!update(&mut s, Msg::Tick(t0 + Duration::from_secs(1))).redraw);
    assert_eq!(s.now, t0 + Duration::from_secs(1));
    send(&mut s, "q");
    assert!(update(&mut s, Msg::Tick(t0 + Duration::from_secs(2))).redraw);
}

#[test]
fn zoom_fold_and_focus() {
    let t0 = Instant::now();
    let mut s = testing::state(&["demo:a", "demo:b", "demo:c"], t0);
    s.mode = Mode::Panes;
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.focus, 0, "focus wraps around");
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(s.focus, 2);
    update(&mut s, key(KeyCode::Char('z')));
    assert!(s.zoom);
    update(&mut s, key(KeyCode::Char('r')));
    assert!(s.panes[2].reasoning_open);
}
