//! Running the browser's effects against the store. Blocking: the App calls [`execute`] on a
//! background thread (`tokio::task::spawn_blocking`) and sends the result back as a message.

use super::{BrowserEffect, BrowserInput, SessionRow};
use crate::record::Session;
use crate::store::Store;

/// Sessions listed (or found) at most.
pub const LIST_LIMIT: usize = 500;

/// What an effect produced.
#[derive(Debug)]
pub enum Executed {
    /// Feed this back to the browser.
    Browser(BrowserInput),
    /// The session to reopen, or why it could not be loaded.
    Opened(Result<Box<Session>, String>),
    /// Nothing to report.
    Nothing,
}

/// The rows of a list or search, each with its tags.
pub fn load_rows(store: &Store, query: &str) -> Result<Vec<SessionRow>, String> {
    let found = if query.trim().is_empty() {
        store.list_sessions(LIST_LIMIT)
    } else {
        store.search(query, LIST_LIMIT)
    }
    .map_err(|e| e.to_string())?;
    found
        .into_iter()
        .map(|summary| {
            let tags = store.tags_of(&summary.id).map_err(|e| e.to_string())?;
            Ok(SessionRow {
                tags,
                ..SessionRow::from(summary)
            })
        })
        .collect()
}

/// Run one effect. `Close` is not IO and gives [`Executed::Nothing`].
pub fn execute(store: &Store, effect: BrowserEffect) -> Executed {
    let write = |r: crate::store::Result<()>| match r {
        Ok(()) => Executed::Nothing,
        Err(e) => Executed::Browser(BrowserInput::WriteFailed(e.to_string())),
    };
    match effect {
        BrowserEffect::Load(query) => {
            let result = load_rows(store, &query);
            Executed::Browser(BrowserInput::Loaded { query, result })
        }
        BrowserEffect::Open(id) => Executed::Opened(
            store
                .load_session(&id)
                .map(Box::new)
                .map_err(|e| e.to_string()),
        ),
        BrowserEffect::Rename(id, title) => write(store.rename(&id, &title)),
        BrowserEffect::SetTags(id, tags) => write(store.set_tags(&id, &tags)),
        BrowserEffect::Delete(id) => write(store.delete_session(&id)),
        BrowserEffect::Close => Executed::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::browser::reopen::tests::two_turn_session;
    use crate::tui::browser::{BrowserState, handle};

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let store =
            Store::open(&dir.path().join("juxta.db")).unwrap_or_else(|e| panic!("open: {e}"));
        (dir, store)
    }

    /// Run effects until none is left, feeding results back like the App does.
    fn drive(
        store: &Store,
        state: &mut BrowserState,
        mut effects: Vec<BrowserEffect>,
    ) -> Option<Box<Session>> {
        let mut opened = None;
        while let Some(fx) = (!effects.is_empty()).then(|| effects.remove(0)) {
            match execute(store, fx) {
                Executed::Browser(input) => effects.extend(handle(state, input).effects),
                Executed::Opened(r) => opened = Some(r.unwrap_or_else(|e| panic!("open: {e}"))),
                Executed::Nothing => {}
            }
        }
        opened
    }

    fn keys(store: &Store, state: &mut BrowserState, keys: &str) -> Option<Box<Session>> {
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let mut opened = None;
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\u{1b}' => KeyCode::Esc,
                c => KeyCode::Char(c),
            };
            let out = handle(
                state,
                BrowserInput::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            );
            opened = drive(store, state, out.effects).or(opened);
        }
        opened
    }

    #[test]
    fn list_search_rename_tag_delete_and_open_against_a_real_store() {
        let (_dir, store) = store();
        let mut a = two_turn_session();
        let ok = |r: crate::store::Result<()>| r.unwrap_or_else(|e| panic!("store: {e}"));
        let turns = std::mem::take(&mut a.turns);
        ok(store.create_session(&a));
        for t in &turns {
            ok(store.add_turn(&a.id, t));
            for r in &t.responses {
                ok(store.save_response(&a.id, t.index, r));
            }
        }
        let b = crate::record::Session {
            id: "s-2".into(),
            title: "other".into(),
            turns: vec![],
            ..a.clone()
        };
        ok(store.create_session(&b));

        let (mut st, fx) = BrowserState::open();
        drive(&store, &mut st, fx);
        assert_eq!(st.rows.len(), 2);

        // Search finds the session by an answer's text.
        keys(&store, &mut st, "/Tokyo\u{1b}");
        assert_eq!(
            st.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["s-1"]
        );
        // Rename and tag it; the store keeps both.
        keys(&store, &mut st, "r");
        handle(&mut st, BrowserInput::Paste(" (geo)".into()));
        keys(&store, &mut st, "\nt");
        handle(&mut st, BrowserInput::Paste("geo, quiz".into()));
        keys(&store, &mut st, "\n");
        let fresh = load_rows(&store, "tokyo").unwrap_or_else(|e| panic!("load: {e}"));
        let row = &fresh[0];
        assert_eq!(
            (row.title.as_str(), row.tags.clone()),
            ("capitals (geo)", vec!["geo".into(), "quiz".into()])
        );

        // Open loads the whole session with its saved figures.
        let opened = keys(&store, &mut st, "\n").unwrap_or_else(|| panic!("opened"));
        assert_eq!(opened.turns.len(), 2);
        let panes = crate::tui::browser::reopen::saved_panes(&opened, None);
        assert_eq!(panes[0].exchanges[1].record.cost.usd, Some(0.0002));

        // Delete, confirmed: gone from the store.
        keys(&store, &mut st, "\u{1b}\u{1b}");
        assert_eq!(st.rows.len(), 2);
        keys(&store, &mut st, "dy");
        assert_eq!(st.rows.len(), 1);
        assert_eq!(store.list_sessions(10).map(|v| v.len()).ok(), Some(1));
        // A write to a session that no longer exists is reported, and the list reloads.
        let out = execute(&store, BrowserEffect::Rename("s-1".into(), "x".into()));
        assert!(matches!(
            out,
            Executed::Browser(BrowserInput::WriteFailed(_))
        ));
    }
}
