//! The session store: migrations, concurrency, errors, search, import, crash recovery and the
//! checkpointing writer. Every test uses its own temporary folder.

#[path = "fixtures/session.rs"]
mod fixture;
mod support;

use std::time::{Duration, Instant};

use juxta::engine::{EngineEvent, EventKind, JobTag};
use juxta::provider::StreamEvent;
use juxta::record::{Session, Status};
use juxta::store::{SessionWriter, Store, StoreError, schema};
use rusqlite::Connection;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("juxta.db")).expect("open store")
}

#[test]
fn a_new_store_is_private_migrated_and_round_trips_a_session() {
    let dir = temp();
    let path = dir.path().join("sub/folder/juxta.db");
    let store = Store::open(&path).expect("open");
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "database must be private");
    }
    let s = fixture::session("01aaaaaaaaaaa");
    store.create_session(&s).unwrap();
    assert_eq!(store.load_session(&s.id).unwrap(), s);
    // Reopening keeps it.
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.load_session(&s.id).unwrap(), s);
}

#[test]
fn list_is_newest_first_and_cost_is_none_when_any_response_is_unpriced() {
    let dir = temp();
    let store = open(&dir);
    let mut old = fixture::session("old");
    old.created_at = fixture::at(-100);
    let mut priced = fixture::session("priced");
    priced.created_at = fixture::at(100);
    // Drop the failed (unpriced) response: every remaining one has a cost.
    priced.turns[0].responses.pop();
    store.create_session(&old).unwrap();
    store.create_session(&priced).unwrap();
    let list = store.list_sessions(10).unwrap();
    let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["priced", "old"]);
    assert_eq!(
        list[1].cost_usd, None,
        "an unpriced response makes the total unknown, not $0"
    );
    let total = list[0].cost_usd.expect("all priced");
    assert!((total - 2.0 * 0.000323).abs() < 1e-12, "{total}");
    assert_eq!(list[0].turns, 2);
    assert_eq!(list[0].models, fixture::MODELS);
    assert_eq!(store.list_sessions(1).unwrap().len(), 1);
}

/// Build a version-1 database by hand, as an old juxta left it, then open it with this one.
#[test]
fn migrates_a_version_1_database_keeping_its_data() {
    let dir = temp();
    let path = dir.path().join("juxta.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(schema::MIGRATIONS[0]).unwrap();
        c.execute_batch(
            r#"
            INSERT INTO sessions VALUES ('v1sess', 1, 'Old one', 'chat', '2026-01-02T03:04:05.000000000Z', '["openai:gpt-5-mini"]', NULL);
            INSERT INTO turns VALUES ('v1sess', 0, 'What is a monad?', NULL, '{}', NULL, '[]', '2026-01-02T03:04:06.000000000Z');
            INSERT INTO responses (session_id, turn_idx, pane, rep, model, open_weights, simulated, status, text, reasoning,
                token_source, retries, cost_usd, cost_source, metrics, cost, started_at, checkpoint_at, writer_pid)
            VALUES ('v1sess', 0, 0, 0, 'openai:gpt-5-mini', 0, 0, 'ok', 'A monoid in the category of endofunctors.', '',
                'reported', 0, 0.001, 'price_table',
                '{"ttfb_ms":null,"ttft_ms":300.0,"ttfat_ms":300.0,"e2e_ms":900.0,"decode_tps":50.0,"gap_p50_ms":null,"gap_p95_ms":null,"tokens":{"input":5,"cached_input":null,"output":30,"reasoning":null,"source":"reported"},"retries":0}',
                '{"usd":0.001,"source":"price_table"}', '2026-01-02T03:04:06.000000000Z', '2026-01-02T03:04:07.000000000Z', 1);
            PRAGMA user_version = 1;
            "#,
        )
        .unwrap();
    }
    let store = Store::open(&path).expect("migrate");
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    let s = store.load_session("v1sess").unwrap();
    assert_eq!(s.title, "Old one");
    assert_eq!(
        s.turns[0].responses[0].text,
        "A monoid in the category of endofunctors."
    );
    assert_eq!(s.turns[0].responses[0].metrics.ttft_ms, Some(300.0));
    assert_eq!(s.turns[0].responses[0].metrics.tokens.cache_write, None);
    // Old rows are indexed for search by the migration.
    assert_eq!(store.search("endofunctors", 10).unwrap()[0].id, "v1sess");
    assert_eq!(store.search("monad", 10).unwrap()[0].id, "v1sess");
    // And the v2 tables work on them.
    store.set_tags("v1sess", &["fp".into()]).unwrap();
    assert_eq!(store.load_session("v1sess").unwrap().tags, ["fp"]);
}

#[test]
fn a_newer_schema_is_refused_clearly() {
    let dir = temp();
    let path = dir.path().join("juxta.db");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Store::open(&path).err().expect("refused");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
}

#[test]
fn two_writers_at_once_both_succeed() {
    let dir = temp();
    let path = dir.path().join("juxta.db");
    Store::open(&path).unwrap();
    let handles: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = Store::open(&path).expect("open");
                for i in 0..40 {
                    let mut s = fixture::session(&format!("w{w}-{i:02}"));
                    s.created_at = fixture::at(i);
                    store.create_session(&s).expect("write under contention");
                    store
                        .rename(&s.id, &format!("renamed {w} {i}"))
                        .expect("rename under contention");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer thread");
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.list_sessions(1000).unwrap().len(), 80);
}

#[test]
fn a_corrupt_file_gives_a_clear_error_naming_it() {
    let dir = temp();
    let path = dir.path().join("juxta.db");
    std::fs::write(
        &path,
        b"this is certainly not an SQLite database, just some text ".repeat(100),
    )
    .unwrap();
    let err = Store::open(&path).err().expect("refused");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{msg}");
    assert!(
        msg.contains(&path.display().to_string()) && msg.contains("corrupt"),
        "{msg}"
    );
    // Nothing was overwritten.
    assert!(
        std::fs::read(&path)
            .unwrap()
            .starts_with(b"this is certainly")
    );
}

#[test]
fn a_locked_database_gives_a_clear_error() {
    let dir = temp();
    let path = dir.path().join("juxta.db");
    let store = Store::open_with_timeout(&path, Duration::from_millis(100)).unwrap();
    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let err = store
        .create_session(&fixture::session("x"))
        .expect_err("locked");
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Locked { .. }), "{msg}");
    assert!(
        msg.contains("locked") && msg.contains(&path.display().to_string()),
        "{msg}"
    );
    other.execute_batch("COMMIT").unwrap();
    store
        .create_session(&fixture::session("x"))
        .expect("works once the lock is gone");
}

#[test]
fn a_folder_that_cannot_be_created_gives_a_clear_error() {
    let dir = temp();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let err = Store::open(&file.join("juxta.db")).err().expect("refused");
    assert!(
        matches!(err, StoreError::Folder { .. } | StoreError::Open { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("a-file"), "{err}");
}

#[test]
fn search_survives_punctuation_and_finds_cjk_text() {
    let dir = temp();
    let store = open(&dir);
    store.create_session(&fixture::session("tricky")).unwrap();
    let mut other = fixture::session("other");
    for t in &mut other.turns {
        t.prompt = "Nothing special here".into();
        for r in &mut t.responses {
            r.text = "ordinary words".into();
        }
    }
    other.title = "Other".into();
    store.create_session(&other).unwrap();
    let ids = |q: &str| -> Vec<String> {
        store
            .search(q, 10)
            .unwrap_or_else(|e| panic!("search {q:?} failed: {e}"))
            .into_iter()
            .map(|s| s.id)
            .collect()
    };
    for q in [
        "\"",
        "*",
        "-",
        ":",
        "\"unbalanced",
        "a:b",
        "-not",
        "NEAR(",
        "'; DROP TABLE sessions; --",
        "%",
        "_",
        "\\",
    ] {
        ids(q); // must not error
    }
    assert_eq!(ids("<script>alert(1)</script>"), ["tricky"]);
    assert_eq!(ids("\"Quoted\""), ["tricky"]);
    assert_eq!(ids("日本語"), ["tricky"]);
    assert_eq!(ids("日本"), ["tricky"], "two CJK characters");
    assert_eq!(ids("大丈夫"), ["tricky"]);
    assert_eq!(ids("LIFETIME"), ["tricky"], "case-insensitive");
    assert_eq!(ids("borrow scopes"), ["tricky"], "all words, any order");
    assert!(ids("borrow zebra").is_empty());
    assert_eq!(ids("ordinary"), ["other"]);
    assert_eq!(ids("50%").len(), 0);
    assert_eq!(ids("").len(), 2, "empty search lists everything");
    // Deleting removes it from the index.
    store.delete_session("tricky").unwrap();
    assert!(ids("日本語").is_empty());
}

#[test]
fn search_follows_updates_of_a_streaming_answer() {
    let dir = temp();
    let store = open(&dir);
    let mut s = fixture::session("live");
    s.turns.truncate(1);
    let mut r = s.turns[0].responses.remove(0);
    s.turns[0].responses.clear();
    store.create_session(&s).unwrap();
    r.status = Status::Streaming;
    r.text = "first part".into();
    store.save_response("live", 0, &r).unwrap();
    assert!(store.search("zanzibar", 5).unwrap().is_empty());
    r.text.push_str(" and zanzibar");
    store.save_response("live", 0, &r).unwrap();
    assert_eq!(store.search("zanzibar", 5).unwrap().len(), 1);
}

#[test]
fn import_keeps_the_id_and_refuses_an_existing_one() {
    let dir = temp();
    let store = open(&dir);
    let s = fixture::session("imported1");
    store.import_session(&s).unwrap();
    assert_eq!(store.load_session("imported1").unwrap(), s);
    let err = store.import_session(&s).expect_err("refused");
    assert!(matches!(err, StoreError::Exists { .. }), "{err}");
    assert!(
        err.to_string().contains("imported1") && err.to_string().contains("already exists"),
        "{err}"
    );
    assert_eq!(
        store.load_session("imported1").unwrap(),
        s,
        "the saved one is untouched"
    );
    let mut bad: Session = fixture::session("bad");
    bad.turns[1].index = 0;
    assert!(store.import_session(&bad).is_err());
    assert!(!store.exists("bad").unwrap());
}

#[test]
fn rename_tags_votes_delete_and_unknown_ids() {
    let dir = temp();
    let store = open(&dir);
    store.create_session(&fixture::session("s1")).unwrap();
    store.rename("s1", "New title").unwrap();
    store.set_tags("s1", &["b".into(), "a".into()]).unwrap();
    store
        .add_vote(
            "s1",
            &juxta::record::Vote {
                turn: 1,
                winner: None,
                blind: false,
                created_at: fixture::at(30),
            },
        )
        .unwrap();
    let s = store.load_session("s1").unwrap();
    assert_eq!(s.title, "New title");
    assert_eq!(s.tags, ["b", "a"]);
    assert_eq!(s.votes.len(), 2);
    assert_eq!(store.all_votes().unwrap().len(), 2);
    store.delete_session("s1").unwrap();
    for err in [
        store.load_session("s1").err(),
        store.rename("s1", "x").err(),
        store.delete_session("s1").err(),
        store.set_tags("s1", &[]).err(),
    ] {
        let err = err.expect("unknown id is an error");
        assert!(
            matches!(err, StoreError::NotFound { .. }) && err.is_user_error(),
            "{err}"
        );
        assert!(err.to_string().contains("s1"));
    }
    let c = Connection::open(dir.path().join("juxta.db")).unwrap();
    let left: i64 = c.query_row("SELECT (SELECT COUNT(*) FROM turns) + (SELECT COUNT(*) FROM responses) + (SELECT COUNT(*) FROM votes) + (SELECT COUNT(*) FROM tags)", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "delete cascades");
}

#[test]
fn streaming_rows_of_dead_writers_become_interrupted_but_live_ones_are_kept() {
    let dir = temp();
    let path = dir.path().join("juxta.db");
    let store = Store::open(&path).unwrap();
    let mut s = fixture::session("crash");
    s.turns.truncate(1);
    let mut rows = std::mem::take(&mut s.turns[0].responses);
    store.create_session(&s).unwrap();
    for r in &mut rows {
        r.status = Status::Streaming;
        r.text = format!("partial {}", r.pane);
        store.save_response("crash", 0, r).unwrap();
    }
    let mut live = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .expect("spawn sleep");
    let c = Connection::open(&path).unwrap();
    // Pane 0: a dead process. Pane 1: a live other process. Pane 2: ours (this run).
    c.execute(
        "UPDATE responses SET writer_pid = 4194300, writer_id = 'dead' WHERE pane = 0",
        [],
    )
    .unwrap();
    c.execute("UPDATE responses SET writer_pid = ?1, writer_start = NULL, writer_id = 'live' WHERE pane = 1", [live.id()]).unwrap();
    assert_eq!(store.recover_interrupted().unwrap(), 1);
    drop(store);
    let store = Store::open(&path).unwrap(); // open recovers too
    let got = store.load_session("crash").unwrap();
    let statuses: Vec<Status> = got.turns[0].responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [Status::Interrupted, Status::Streaming, Status::Streaming]
    );
    assert_eq!(
        got.turns[0].responses[0].text, "partial 0",
        "checkpointed text kept"
    );
    live.kill().ok();
    live.wait().ok();
    assert_eq!(
        store.recover_interrupted().unwrap(),
        1,
        "the other process is gone now"
    );
}

#[test]
fn the_writer_checkpoints_at_most_every_interval_and_saves_the_final_record() {
    let dir = temp();
    let store = open(&dir);
    let mut s = fixture::session("w");
    s.turns.truncate(1);
    let finals = std::mem::take(&mut s.turns[0].responses);
    store.create_session(&s).unwrap();
    let tag = JobTag { run: 1, pane: 0 };
    let mut template = finals[0].clone();
    template.text.clear();
    let mut w = SessionWriter::new(&store, "w");
    w.register(tag, 0, template);
    let t0 = Instant::now();
    let ev = |ms: u64, kind: EventKind| EngineEvent {
        tag,
        at: t0 + Duration::from_millis(ms),
        kind,
    };
    let saved = |store: &Store| {
        store.load_session("w").unwrap().turns[0]
            .responses
            .first()
            .map(|r| (r.status, r.text.clone()))
    };
    w.on_event(&ev(0, EventKind::Attempt { n: 0 })).unwrap();
    w.on_event(&ev(100, EventKind::Stream(StreamEvent::Text("Hel".into()))))
        .unwrap();
    assert_eq!(
        saved(&store),
        Some((Status::Streaming, String::new())),
        "attempt start written"
    );
    w.on_event(&ev(200, EventKind::Stream(StreamEvent::Text("lo".into()))))
        .unwrap();
    assert_eq!(
        saved(&store),
        Some((Status::Streaming, String::new())),
        "throttled"
    );
    w.on_event(&ev(
        600,
        EventKind::Stream(StreamEvent::Text(" wor".into())),
    ))
    .unwrap();
    assert_eq!(saved(&store), Some((Status::Streaming, "Hello wor".into())));
    w.on_event(&ev(700, EventKind::Stream(StreamEvent::Text("ld".into()))))
        .unwrap();
    assert!(w.next_due().is_some());
    w.tick(t0 + Duration::from_millis(800)).unwrap();
    assert_eq!(
        saved(&store),
        Some((Status::Streaming, "Hello wor".into())),
        "not due yet"
    );
    w.tick(t0 + Duration::from_millis(1200)).unwrap();
    assert_eq!(
        saved(&store),
        Some((Status::Streaming, "Hello world".into())),
        "a stalled stream is saved by tick"
    );
    let ttft = store.load_session("w").unwrap().turns[0].responses[0]
        .metrics
        .ttft_ms;
    assert_eq!(ttft, Some(100.0));
    let mut fin = finals[0].clone();
    fin.text = "Hello world".into();
    w.on_event(&ev(1300, EventKind::Done(Box::new(fin.clone()))))
        .unwrap();
    assert!(w.all_done());
    assert_eq!(store.load_session("w").unwrap().turns[0].responses[0], fin);
    // A stale checkpoint of the same attempt never overwrites the final record.
    let mut late = fin.clone();
    late.status = Status::Streaming;
    late.text = "Hel".into();
    store.save_response("w", 0, &late).unwrap();
    assert_eq!(store.load_session("w").unwrap().turns[0].responses[0], fin);
}

#[test]
fn saving_to_a_missing_session_or_turn_is_a_clear_error() {
    let dir = temp();
    let store = open(&dir);
    let r = fixture::ok(0, "openai:gpt-5-mini", "x");
    assert!(matches!(
        store.save_response("nope", 0, &r),
        Err(StoreError::NotFound { .. })
    ));
    store.create_session(&fixture::session("s")).unwrap();
    assert!(matches!(
        store.save_response("s", 9, &r),
        Err(StoreError::NoTurn { turn: 9, .. })
    ));
}

// ---- `juxta run` saves; a kill -9 mid-stream leaves an interrupted response ----

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(config: &str) -> Env {
        let dir = temp();
        let c = dir.path().join("config").join("juxta");
        std::fs::create_dir_all(&c).unwrap();
        std::fs::write(c.join("config.toml"), config).unwrap();
        Env { dir }
    }
    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("data").join("juxta").join("juxta.db")
    }
    fn cmd(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_juxta"));
        c.args(args)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("HOME", self.dir.path())
            .env("OPENAI_API_KEY", "sk-test-not-a-real-key")
            .stdin(std::process::Stdio::null());
        c
    }
    fn run(&self, args: &[&str]) -> std::process::Output {
        self.cmd(args).output().expect("run juxta")
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn juxta_run_saves_the_session_unless_no_save() {
    let env = Env::new("");
    let o = env.run(&["run", "-m", "demo:steady,ttft=5,tps=5000", "Say hello"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    let id = err
        .lines()
        .find_map(|l| l.strip_prefix("session: "))
        .unwrap_or_else(|| panic!("no session line in {err}"))
        .trim()
        .to_owned();
    let store = Store::open(&env.db()).unwrap();
    let s = store.load_session(&id).unwrap();
    assert_eq!(s.turns[0].prompt, "Say hello");
    assert_eq!(s.turns[0].responses.len(), 1);
    let r = &s.turns[0].responses[0];
    assert_eq!(r.status, Status::Ok);
    assert!(r.simulated);
    assert!(!r.text.is_empty());
    let o = env.run(&[
        "run",
        "--no-save",
        "-m",
        "demo:steady,ttft=5,tps=5000",
        "Again",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("session: "));
    assert_eq!(store.list_sessions(10).unwrap().len(), 1);
}

#[test]
fn a_run_killed_mid_stream_is_shown_interrupted_with_its_checkpointed_text() {
    let body = support::fixtures::openai_words(40);
    // The role chunk and 19 words, then nothing more: the connection stays open.
    let server =
        support::FakeServer::start_blocking(vec![support::Reply::sse(&body).stall_after(20)]);
    let env = Env::new(&format!(
        "[providers.openai]\nbase_url = \"{}\"\n",
        server.url_with("/v1")
    ));
    // Another session saved before: it must come through unchanged.
    let before = fixture::session("01other000000");
    Store::open(&env.db())
        .unwrap()
        .create_session(&before)
        .unwrap();

    let mut child = env
        .cmd(&["run", "-m", "openai:gpt-5-mini", "Count words"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn juxta");
    let expected: String = (0..19).map(|i| format!("w{i} ")).collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    let id = loop {
        let c = Connection::open(env.db()).unwrap();
        let row: Option<(String, String, String)> = c
            .query_row("SELECT session_id, status, text FROM responses WHERE session_id <> '01other000000'", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .ok();
        if let Some((id, status, t)) = row {
            assert_eq!(status, "streaming");
            if t == expected {
                break id;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the checkpoint never showed the streamed text"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    child.kill().expect("SIGKILL"); // SIGKILL on Unix
    child.wait().expect("reap");

    let o = env.run(&["sessions", "show", &id]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let shown = text(&o.stdout);
    assert!(shown.contains("interrupted"), "{shown}");
    assert!(shown.contains(expected.trim_end()), "{shown}");
    let store = Store::open(&env.db()).unwrap();
    let s = store.load_session(&id).unwrap();
    assert_eq!(
        s.turns[0].responses[0].status,
        Status::Interrupted,
        "never shown as finished"
    );
    assert_eq!(s.turns[0].responses[0].text, expected);
    assert_eq!(
        store.load_session(&before.id).unwrap(),
        before,
        "other sessions unchanged"
    );
}
