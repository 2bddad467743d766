//! Votes and blind mode: messages in, state, effects and the drawn screen out.

use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::*;
use crate::engine::{EventKind, JobTag};
use crate::record::Status;
use crate::tui::action::Action;
use crate::tui::keymap::Mode;
use crate::tui::msg::Msg;
use crate::tui::state::{act, update};
use crate::tui::testing;
use crate::tui::theme::Theme;

const MODELS: [&str; 4] = ["openai:alpha", "anthropic:beta", "demo:gamma", "groq:delta"];

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// Send `text` from the editor; the tags of the jobs started.
fn send(s: &mut AppState, text: &str) -> Vec<JobTag> {
    s.mode = Mode::Editor;
    for c in text.chars() {
        update(s, key(KeyCode::Char(c)));
    }
    let out = update(s, key(KeyCode::Enter));
    out.effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream(j) => Some(j.tag),
            _ => None,
        })
        .collect()
}

fn settle(s: &mut AppState, tags: &[JobTag], base: Instant) {
    for tag in tags {
        let id = s
            .panes
            .iter()
            .find(|p| p.id == tag.pane)
            .map(|p| p.model.id.clone())
            .unwrap_or_default();
        let rec = testing::record(tag.pane, &id, Status::Ok, "an answer", base);
        update(
            s,
            Msg::Stream {
                tag: *tag,
                at: base + Duration::from_secs(3),
                kind: EventKind::Done(Box::new(rec)),
            },
        );
    }
    s.mode = Mode::Panes;
}

fn votes(out: &Outcome) -> Vec<(&str, &Vote)> {
    out.effects
        .iter()
        .filter_map(|e| match e {
            Effect::Vote { session, vote } => Some((session.as_str(), vote)),
            _ => None,
        })
        .collect()
}

fn screen(s: &AppState) -> String {
    let area = Rect::new(0, 0, 160, 40);
    let mut buf = Buffer::empty(area);
    let theme = Theme::load("dark", None).expect("theme");
    crate::tui::ui::render(area, &mut buf, s, &theme);
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn ids(s: &AppState) -> Vec<u32> {
    s.panes.iter().map(|p| p.id).collect()
}

#[test]
fn blind_mode_hides_names_and_shuffles_until_the_vote_then_reveals() {
    let t0 = Instant::now();
    let mut s = testing::state(&MODELS, t0);
    s.mode = Mode::Panes;
    act(&mut s, Action::BlindMode);
    assert!(s.vote.blind_next);
    assert!(screen(&s).contains(s::BLIND_NEXT_LABEL));
    let tags = send(&mut s, "which is best?");
    assert_eq!(tags.len(), 4);
    assert!(!s.vote.blind_next, "blind mode is for one turn");

    // Every header says Model A..D in the order shown; no model, provider or badge is drawn.
    let labels: Vec<_> = s.panes.iter().map(|p| p.shown_name().to_owned()).collect();
    assert_eq!(labels, ["Model A", "Model B", "Model C", "Model D"]);
    let mut sorted = ids(&s);
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 1, 2, 3]);
    settle(&mut s, &tags, t0);
    let shown = screen(&s);
    for m in MODELS {
        let name = m.split(':').nth(1).unwrap_or(m);
        assert!(
            !shown.contains(name),
            "{name} visible while blind:\n{shown}"
        );
    }
    assert!(
        !shown.contains(crate::strings::tui::BADGE_SIMULATED),
        "{shown}"
    );
    assert!(
        shown.contains("Model A") && shown.contains(s::BLIND_LABEL),
        "{shown}"
    );

    // v 2: the answer shown second wins.
    let second = s.panes[1].model.id.clone();
    assert!(update(&mut s, key(KeyCode::Char('v'))).effects.is_empty());
    let out = update(&mut s, key(KeyCode::Char('2')));
    let v = votes(&out);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].0, s.session.id);
    assert_eq!(v[0].1.winner.as_deref(), Some(second.as_str()));
    assert!(v[0].1.blind);
    assert_eq!(v[0].1.turn, 0);

    // Revealed: names back, panes in their order, the focus on the pane it was on.
    assert_eq!(ids(&s), [0, 1, 2, 3]);
    assert!(s.panes.iter().all(|p| p.blind_label.is_none()));
    let shown = screen(&s);
    for m in MODELS {
        assert!(shown.contains(m), "{m} hidden after the vote:\n{shown}");
    }
    assert!(!hidden(&s));
    assert!(!status(&s).iter().any(|(t, _)| t == s::BLIND_LABEL));
    assert!(shown.contains(&s::voted_for(&second, true)), "{shown}");
}

#[test]
fn the_shuffle_differs_between_turns() {
    let t0 = Instant::now();
    let mut orders = std::collections::BTreeSet::new();
    let mut s = testing::state(&MODELS, t0);
    for n in 0..8 {
        act(&mut s, Action::BlindMode);
        let tags = send(&mut s, &format!("prompt {n}"));
        orders.insert(ids(&s));
        settle(&mut s, &tags, t0);
        cast(&mut s, None);
    }
    assert!(orders.len() > 1, "the same order every time: {orders:?}");
    assert!(orders.iter().any(|o| o != &vec![0, 1, 2, 3]));
}

#[test]
fn an_open_vote_saves_the_focused_or_numbered_winner_and_names_it_in_the_top_bar() {
    let t0 = Instant::now();
    let mut s = testing::state(&MODELS[..3], t0);
    let tags = send(&mut s, "hello");
    settle(&mut s, &tags, t0);
    s.focus = 2;
    // The panes' hint line offers the vote and blind mode.
    let shown = screen(&s);
    assert!(
        shown.contains("v vote") && shown.contains("b blind"),
        "{shown}"
    );
    update(&mut s, key(KeyCode::Char('v')));
    let out = update(&mut s, key(KeyCode::Char('v')));
    let v = votes(&out);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].1.winner.as_deref(), Some(MODELS[2]));
    assert!(!v[0].1.blind);
    assert_eq!(v[0].1.created_at, testing::clock(t0).at(s.now));
    assert!(screen(&s).contains(&s::voted_for(MODELS[2], false)));

    // Changing one's mind: `=` is a tie on the same turn.
    let out = update(&mut s, key(KeyCode::Char('=')));
    let v = votes(&out);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].1.winner, None);
    assert_eq!(v[0].1.turn, 0);
    assert_eq!(s.vote.last.as_deref(), Some(s::VOTED_TIE));

    // A new turn clears the label.
    let _ = send(&mut s, "again");
    assert_eq!(s.vote.last, None);
}

#[test]
fn no_vote_before_a_turn_or_while_streaming_and_other_keys_cancel() {
    let t0 = Instant::now();
    let mut s = testing::state(&MODELS[..2], t0);
    s.mode = Mode::Panes;
    let out = update(&mut s, key(KeyCode::Char('v')));
    assert!(out.effects.is_empty());
    assert_eq!(s.notice.as_deref(), Some(s::VOTE_NOTHING));
    assert!(!s.vote.pending);

    let tags = send(&mut s, "hello");
    s.mode = Mode::Panes;
    update(&mut s, key(KeyCode::Char('v')));
    assert_eq!(s.notice.as_deref(), Some(s::VOTE_NOT_SETTLED));
    assert!(votes(&update(&mut s, key(KeyCode::Char('=')))).is_empty());

    settle(&mut s, &tags, t0);
    update(&mut s, key(KeyCode::Char('v')));
    assert!(s.vote.pending);
    // Not a pane: nothing is voted, and the key does nothing else either.
    let out = update(&mut s, key(KeyCode::Char('9')));
    assert!(votes(&out).is_empty());
    assert_eq!(s.notice.as_deref(), Some(s::NO_SUCH_PANE));
    update(&mut s, key(KeyCode::Char('v')));
    let out = update(&mut s, key(KeyCode::Char('q')));
    assert!(out.effects.is_empty() && !s.should_quit);
    assert!(!s.vote.pending);
    // Ctrl+C still quits.
    update(&mut s, key(KeyCode::Char('v')));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(s.should_quit && !s.vote.pending);
}

#[test]
fn vote_keys_are_in_the_keymap_and_the_help() {
    let s = testing::state(&MODELS[..2], Instant::now());
    let theme = Theme::load("dark", None).expect("theme");
    let help: String = crate::tui::ui::help::lines(&s.keymap, &theme)
        .iter()
        .map(|l| l.to_string() + "\n")
        .collect();
    for text in [s::HELP_VOTE, s::HELP_VOTE_TIE, s::HELP_BLIND] {
        assert!(help.contains(text), "{text} missing from help");
    }
    assert_eq!(s.keymap.label(Mode::Panes, Action::Vote), "v");
    assert_eq!(s.keymap.label(Mode::Panes, Action::BlindMode), "b");
}

#[test]
fn a_reopened_session_shows_its_vote_and_can_be_voted_again() {
    use crate::record::{SESSION_VERSION, Session, SessionKind, Turn};
    let t0 = Instant::now();
    let mut s = testing::state(&MODELS[..2], t0);
    let wall = testing::clock(t0).wall;
    let session = Session {
        version: SESSION_VERSION,
        id: "01saved".into(),
        title: "saved".into(),
        kind: SessionKind::Chat,
        created_at: wall,
        tags: Vec::new(),
        models: MODELS[..2].iter().map(|m| (*m).to_owned()).collect(),
        turns: vec![Turn {
            index: 0,
            prompt: "hi".into(),
            system: None,
            params: Default::default(),
            prompt_id: None,
            tags: Vec::new(),
            created_at: wall,
            responses: vec![
                testing::record(0, MODELS[0], Status::Ok, "one", t0),
                testing::record(1, MODELS[1], Status::Ok, "two", t0),
            ],
        }],
        votes: vec![
            Vote {
                turn: 0,
                winner: Some(MODELS[0].into()),
                blind: false,
                created_at: wall,
            },
            Vote {
                turn: 0,
                winner: Some(MODELS[1].into()),
                blind: true,
                created_at: wall + chrono::Duration::seconds(5),
            },
        ],
        prompt_set: None,
    };
    crate::tui::state::sessions::reopen(&mut s, &session, None, None);
    assert_eq!(s.vote.last, Some(s::voted_for(MODELS[1], true)));
    s.mode = Mode::Panes;
    update(&mut s, key(KeyCode::Char('v')));
    let out = update(&mut s, key(KeyCode::Char('1')));
    let v = votes(&out);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].0, "01saved");
    assert_eq!(v[0].1.winner.as_deref(), Some(MODELS[0]));
    assert_eq!(v[0].1.turn, 0);
}
