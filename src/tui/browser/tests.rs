use chrono::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::tests_support::buffer_text;
use super::*;
use crate::tui::theme::Theme;

fn key(code: KeyCode) -> BrowserInput {
    BrowserInput::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> BrowserInput {
    key(KeyCode::Char(c))
}

fn row(
    id: &str,
    title: &str,
    models: &[&str],
    turns: u32,
    cost: Option<f64>,
    tags: &[&str],
) -> SessionRow {
    SessionRow {
        id: id.into(),
        title: title.into(),
        created_at: Utc
            .with_ymd_and_hms(2026, 11, 20, 9, 30, 0)
            .single()
            .unwrap_or_default()
            + chrono::Duration::minutes(i64::from(turns) * 7),
        models: models.iter().map(|m| m.to_string()).collect(),
        turns,
        cost_usd: cost,
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

fn sample() -> Vec<SessionRow> {
    vec![
        row(
            "s1",
            "Is Kimi good enough for SQL review?",
            &["openai:gpt-5-mini", "moonshot:kimi-k2.5"],
            3,
            Some(0.0123),
            &["sql"],
        ),
        row(
            "s2",
            "Fastest model for haiku",
            &["demo:fast", "demo:slow"],
            1,
            Some(0.0),
            &[],
        ),
        row(
            "s3",
            "Rust lifetimes explained",
            &["anthropic:claude-haiku-4-5", "mylab:qwen3-8b"],
            2,
            None,
            &["rust", "teach"],
        ),
        row(
            "s4",
            "日本語の要約テスト",
            &["gemini:gemini-2.5-flash"],
            5,
            Some(1.5),
            &[],
        ),
    ]
}

/// A browser whose first load has answered with `rows`.
fn loaded(rows: Vec<SessionRow>) -> BrowserState {
    let (mut s, fx) = BrowserState::open();
    assert_eq!(fx, vec![BrowserEffect::Load(String::new())]);
    handle(
        &mut s,
        BrowserInput::Loaded {
            query: String::new(),
            result: Ok(rows),
        },
    );
    s
}

fn render(state: &BrowserState, w: u16, h: u16) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    draw(buf.area, &mut buf, state, &Theme::dark());
    buffer_text(&buf)
}

#[test]
fn opening_loads_the_list_and_enter_opens_the_selected_session() {
    let mut s = loaded(sample());
    assert_eq!(s.rows.len(), 4);
    assert!(s.loading.is_none());
    handle(&mut s, key(KeyCode::Down));
    handle(&mut s, ch('j'));
    let out = handle(&mut s, key(KeyCode::Enter));
    assert_eq!(out.effects, vec![BrowserEffect::Open("s3".into())]);
}

#[test]
fn selection_stays_in_bounds_and_pages() {
    let rows: Vec<SessionRow> = (0..30)
        .map(|i| {
            row(
                &format!("s{i}"),
                &format!("title {i}"),
                &["demo:fast"],
                1,
                None,
                &[],
            )
        })
        .collect();
    let mut s = loaded(rows);
    handle(&mut s, key(KeyCode::Up));
    assert_eq!(s.selected, 0);
    handle(&mut s, BrowserInput::Viewport(12));
    handle(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.selected, 12);
    handle(&mut s, key(KeyCode::PageDown));
    handle(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.selected, 29);
    handle(&mut s, key(KeyCode::PageUp));
    assert_eq!(s.selected, 17);
    handle(&mut s, ch('g'));
    assert_eq!(s.selected, 0);
    handle(&mut s, ch('G'));
    assert_eq!(s.selected, 29);
    // The selected row is drawn even when it is far down the list.
    let screen = render(&s, 100, 16);
    assert!(screen.contains("title 29"), "{screen}");
    assert!(!screen.contains("title 3 "), "{screen}");
}

#[test]
fn typing_a_search_asks_the_store_and_ignores_stale_answers() {
    let mut s = loaded(sample());
    handle(&mut s, ch('/'));
    assert_eq!(s.mode, Mode::Search);
    let out = handle(&mut s, ch('r'));
    assert_eq!(out.effects, vec![BrowserEffect::Load("r".into())]);
    let out = handle(&mut s, ch('u'));
    assert_eq!(out.effects, vec![BrowserEffect::Load("ru".into())]);
    // The answer to "r" arrives late: ignored.
    let out = handle(
        &mut s,
        BrowserInput::Loaded {
            query: "r".into(),
            result: Ok(vec![]),
        },
    );
    assert!(!out.redraw);
    assert_eq!(s.rows.len(), 4);
    let only = vec![sample().remove(2)];
    handle(
        &mut s,
        BrowserInput::Loaded {
            query: "ru".into(),
            result: Ok(only),
        },
    );
    assert_eq!(s.rows.len(), 1);
    assert_eq!(s.selected, 0);
    // Letters typed into the search box are text, not commands.
    let out = handle(&mut s, ch('d'));
    assert_eq!(out.effects, vec![BrowserEffect::Load("rud".into())]);
    assert_eq!(s.mode, Mode::Search);
    // Esc leaves the box and keeps the query; a second Esc clears it and reloads everything.
    handle(&mut s, key(KeyCode::Esc));
    assert_eq!(s.mode, Mode::List);
    let out = handle(&mut s, key(KeyCode::Esc));
    assert_eq!(out.effects, vec![BrowserEffect::Load(String::new())]);
    // Then Esc closes.
    handle(
        &mut s,
        BrowserInput::Loaded {
            query: String::new(),
            result: Ok(sample()),
        },
    );
    let out = handle(&mut s, key(KeyCode::Esc));
    assert_eq!(out.effects, vec![BrowserEffect::Close]);
}

#[test]
fn a_reload_keeps_the_selected_session_selected() {
    let mut s = loaded(sample());
    handle(&mut s, ch('j'));
    handle(&mut s, ch('j'));
    let out = handle(
        &mut s,
        BrowserInput::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    assert_eq!(out.effects, vec![BrowserEffect::Load(String::new())]);
    let mut rows = sample();
    rows.insert(0, row("s0", "new one", &["demo:fast"], 1, None, &[]));
    handle(
        &mut s,
        BrowserInput::Loaded {
            query: String::new(),
            result: Ok(rows),
        },
    );
    assert_eq!(s.selected_row().map(|r| r.id.as_str()), Some("s3"));
}

#[test]
fn delete_needs_an_explicit_yes() {
    let mut s = loaded(sample());
    let out = handle(&mut s, ch('d'));
    assert!(out.effects.is_empty());
    assert_eq!(s.mode, Mode::ConfirmDelete { id: "s1".into() });
    // Any other key keeps the session.
    for k in [ch('n'), key(KeyCode::Enter), key(KeyCode::Esc)] {
        let out = handle(&mut s, k);
        assert!(out.effects.is_empty());
        assert_eq!(s.mode, Mode::List);
        assert_eq!(s.rows.len(), 4);
        handle(&mut s, ch('d'));
    }
    let out = handle(&mut s, ch('y'));
    assert_eq!(out.effects, vec![BrowserEffect::Delete("s1".into())]);
    assert_eq!(s.rows.len(), 3);
    assert_eq!(s.selected_row().map(|r| r.id.as_str()), Some("s2"));
    // Deleting the last row moves the selection up.
    handle(&mut s, ch('G'));
    handle(&mut s, key(KeyCode::Delete));
    handle(&mut s, ch('y'));
    assert_eq!(s.selected_row().map(|r| r.id.as_str()), Some("s3"));
}

#[test]
fn a_failed_write_is_shown_and_the_list_reloads() {
    let mut s = loaded(sample());
    handle(&mut s, ch('d'));
    handle(&mut s, ch('y'));
    let out = handle(
        &mut s,
        BrowserInput::WriteFailed("database is locked".into()),
    );
    assert_eq!(out.effects, vec![BrowserEffect::Load(String::new())]);
    assert!(render(&s, 100, 12).contains("Store error: database is locked"));
    handle(
        &mut s,
        BrowserInput::Loaded {
            query: String::new(),
            result: Ok(sample()),
        },
    );
    assert_eq!(s.rows.len(), 4);
}

#[test]
fn rename_edits_the_title_in_place() {
    let mut s = loaded(sample());
    handle(&mut s, ch('r'));
    assert!(
        matches!(&s.mode, Mode::Rename { id, field } if id == "s1" && field.text() == "Is Kimi good enough for SQL review?")
    );
    // Letters are text while renaming (no 'd' delete, no 'q' quit).
    handle(
        &mut s,
        BrowserInput::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    for c in "Kimi vs GPT, SQL".chars() {
        let out = handle(&mut s, ch(c));
        assert!(out.effects.is_empty());
    }
    let out = handle(&mut s, key(KeyCode::Enter));
    assert_eq!(
        out.effects,
        vec![BrowserEffect::Rename(
            "s1".into(),
            "Kimi vs GPT, SQL".into()
        )]
    );
    assert_eq!(s.rows[0].title, "Kimi vs GPT, SQL");
    assert_eq!(s.mode, Mode::List);
    assert!(render(&s, 110, 12).contains("Renamed to \"Kimi vs GPT, SQL\""));
    // Esc cancels without a write; an empty title is refused.
    handle(&mut s, ch('r'));
    handle(&mut s, ch('!'));
    let out = handle(&mut s, key(KeyCode::Esc));
    assert!(out.effects.is_empty());
    assert_eq!(s.rows[0].title, "Kimi vs GPT, SQL");
    handle(&mut s, ch('r'));
    handle(
        &mut s,
        BrowserInput::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    let out = handle(&mut s, key(KeyCode::Enter));
    assert!(out.effects.is_empty());
    assert!(matches!(s.mode, Mode::Rename { .. }));
}

#[test]
fn tags_are_edited_as_a_comma_list() {
    let mut s = loaded(sample());
    handle(&mut s, ch('j'));
    handle(&mut s, ch('j'));
    handle(&mut s, ch('t'));
    assert!(matches!(&s.mode, Mode::Tags { field, .. } if field.text() == "rust, teach"));
    handle(
        &mut s,
        BrowserInput::Paste(", teach,  borrowck rust\n".into()),
    );
    let out = handle(&mut s, key(KeyCode::Enter));
    assert_eq!(
        out.effects,
        vec![BrowserEffect::SetTags(
            "s3".into(),
            vec!["rust".into(), "teach".into(), "borrowck".into()]
        )]
    );
    assert_eq!(s.rows[2].tags, vec!["rust", "teach", "borrowck"]);
    assert_eq!(parse_tags(" , ,"), Vec::<String>::new());
}

#[test]
fn keys_on_an_empty_list_do_nothing_harmful() {
    let mut s = loaded(vec![]);
    for k in [
        ch('j'),
        ch('k'),
        key(KeyCode::PageDown),
        ch('G'),
        ch('r'),
        ch('t'),
        ch('d'),
        key(KeyCode::Enter),
    ] {
        let out = handle(&mut s, k);
        assert!(out.effects.is_empty());
        assert_eq!(s.mode, Mode::List);
    }
    assert!(render(&s, 90, 8).contains("No saved sessions yet"));
}

#[test]
fn hostile_titles_cannot_reach_the_terminal() {
    let mut s = loaded(vec![row(
        "x",
        "evil\x1b]52;c;aGVsbG8=\x07 title\nline2",
        &["demo:fast"],
        1,
        None,
        &["\x1b[31mred"],
    )]);
    handle(&mut s, ch('d'));
    let screen = render(&s, 100, 12);
    assert!(!screen.contains('\x1b'), "{screen:?}");
    assert!(screen.contains("evil title line2"), "{screen}");
}

#[test]
fn drawing_fits_any_area_including_zero_and_one_cell() {
    let mut s = loaded(sample());
    for (w, h) in [
        (0, 0),
        (1, 1),
        (0, 5),
        (5, 0),
        (2, 2),
        (3, 7),
        (20, 3),
        (200, 60),
    ] {
        render(&s, w, h);
    }
    handle(&mut s, ch('d'));
    for (w, h) in [(1, 1), (4, 4), (10, 3)] {
        render(&s, w, h);
    }
    handle(&mut s, key(KeyCode::Esc));
    handle(&mut s, ch('r'));
    for (w, h) in [(1, 1), (4, 4), (12, 5)] {
        render(&s, w, h);
    }
    // An area that is not at the origin and partly outside the buffer.
    let mut buf = Buffer::empty(Rect::new(0, 0, 30, 10));
    draw(Rect::new(20, 5, 40, 20), &mut buf, &s, &Theme::dark());
}

#[test]
fn snapshot_sessions_listed() {
    let s = loaded(sample());
    insta::assert_snapshot!(render(&s, 120, 12));
}

#[test]
fn snapshot_search() {
    let mut s = loaded(sample());
    handle(&mut s, ch('/'));
    for c in "rust".chars() {
        handle(&mut s, ch(c));
    }
    handle(
        &mut s,
        BrowserInput::Loaded {
            query: "rust".into(),
            result: Ok(vec![sample().remove(2)]),
        },
    );
    insta::assert_snapshot!(render(&s, 120, 10));
}

#[test]
fn snapshot_delete_confirmation() {
    let mut s = loaded(sample());
    handle(&mut s, ch('j'));
    handle(&mut s, ch('d'));
    insta::assert_snapshot!(render(&s, 120, 12));
}

#[test]
fn snapshot_rename() {
    let mut s = loaded(sample());
    handle(&mut s, ch('r'));
    handle(&mut s, key(KeyCode::Left));
    insta::assert_snapshot!(render(&s, 120, 9));
}

#[test]
fn dollar_figures_are_never_a_bare_zero() {
    assert_eq!(format_usd(None), "unpriced");
    assert_eq!(format_usd(Some(0.0)), "$0");
    assert_eq!(format_usd(Some(1.5)), "$1.50");
    assert_eq!(format_usd(Some(0.05)), "$0.05");
    assert_eq!(format_usd(Some(0.0123)), "$0.0123");
    assert_eq!(format_usd(Some(0.00005)), "$0.00005");
    assert_eq!(format_usd(Some(0.0000001)), "<$0.000001");
}
