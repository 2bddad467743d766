//! `juxta leaderboard` on votes seeded through the Store API, with its own XDG_CONFIG_HOME /
//! XDG_DATA_HOME per test.

#[path = "fixtures/session.rs"]
mod fixture;

use std::process::{Command, Output, Stdio};

use juxta::record::{Session, Vote};
use juxta::store::Store;
use serde_json::Value;

const GPT: &str = fixture::MODELS[0];
const DEMO: &str = fixture::MODELS[1];
const MYLAB: &str = fixture::MODELS[2];

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("data").join("juxta").join("juxta.db")
    }

    fn store(&self) -> Store {
        Store::open(&self.db()).expect("open store")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_juxta"))
            .arg("leaderboard")
            .args(args)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("run juxta")
    }
}

fn vote(turn: u32, winner: Option<&str>, blind: bool, t: i64) -> Vote {
    Vote {
        turn,
        winner: winner.map(str::to_owned),
        blind,
        created_at: fixture::at(100 + t),
    }
}

fn session(id: &str, tags: &[&str], votes: Vec<Vote>) -> Session {
    let mut s = fixture::session(id);
    s.tags = tags.iter().map(|t| (*t).to_owned()).collect();
    s.votes = votes;
    s
}

/// Six sessions tagged "rust", each a vote for GPT in turn 0 (GPT, DEMO, MYLAB), one of them
/// also a tie in turn 1 (GPT, DEMO); one session tagged "other" with a blind vote for DEMO in
/// turn 1. GPT: 12/1/1, DEMO: 1/6/1, MYLAB: 0/6/0.
fn seed(env: &Env) {
    let store = env.store();
    for i in 0..6 {
        let mut votes = vec![vote(0, Some(GPT), false, i)];
        if i == 0 {
            votes.push(vote(1, None, false, 50));
        }
        store
            .create_session(&session(&format!("01rust{i:07}"), &["rust"], votes))
            .expect("seed");
    }
    store
        .create_session(&session(
            "01other000000",
            &["other"],
            vec![vote(1, Some(DEMO), true, 60)],
        ))
        .expect("seed");
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn with_no_votes_it_says_how_to_vote() {
    let env = Env::new();
    let out = env.run(&[]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("no votes yet"), "{err}");
    assert!(err.contains("press v"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn the_table_ranks_models_and_says_where_figures_come_from() {
    let env = Env::new();
    seed(&env);
    let out = env.run(&[]);
    assert!(out.status.success(), "{out:?}");
    let s = text(&out.stdout);
    assert!(
        s.contains("3 model(s) rated from 8 vote(s), 1 blind"),
        "{s}"
    );
    let rows: Vec<&str> = s
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(['1', '2', '3']))
        .collect();
    assert_eq!(rows.len(), 3, "{s}");
    assert!(rows[0].contains(GPT) && rows[0].contains("12/1/1"), "{s}");
    assert!(rows[1].contains(DEMO) && rows[1].contains("1/6/1"), "{s}");
    assert!(rows[2].contains(MYLAB) && rows[2].contains("0/6/0"), "{s}");
    // DEMO: 1 of its 8 comparisons was blind (12.5%).
    assert!(rows[1].contains("12%"), "{s}");
    for h in [
        "rank",
        "model",
        "rating",
        "W/L/T",
        "comparisons",
        "win rate",
        "blind",
    ] {
        assert!(
            s.lines().next_back().is_some() && s.contains(h),
            "{h} missing: {s}"
        );
    }
    assert!(s.contains("Bradley-Terry"), "{s}");
    assert!(s.contains(&env.db().display().to_string()), "{s}");
    assert!(!s.contains("provisional"), "{s}");
}

#[test]
fn a_tag_keeps_only_its_sessions_and_few_comparisons_are_provisional() {
    let env = Env::new();
    seed(&env);
    let out = env.run(&["--tag", "other"]);
    assert!(out.status.success(), "{out:?}");
    let s = text(&out.stdout);
    assert!(
        s.contains("2 model(s) rated from 1 vote(s), 1 blind"),
        "{s}"
    );
    assert!(s.contains("tagged \"other\""), "{s}");
    assert!(
        s.lines()
            .any(|l| l.starts_with("1*") && l.contains(DEMO) && l.contains("1/0/0")),
        "{s}"
    );
    assert!(
        s.lines()
            .any(|l| l.starts_with("2*") && l.contains(GPT) && l.contains("0/1/0")),
        "{s}"
    );
    assert!(s.contains("provisional: fewer than 5 comparisons"), "{s}");
    assert!(!s.contains(MYLAB), "{s}");

    let none = env.run(&["--tag", "nope"]);
    assert!(none.status.success());
    assert!(none.stdout.is_empty());
    assert!(text(&none.stderr).contains("no votes in sessions tagged \"nope\""));
}

#[test]
fn json_prints_one_model_per_line_best_first() {
    let env = Env::new();
    seed(&env);
    let out = env.run(&["--json"]);
    assert!(out.status.success(), "{out:?}");
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["model"], GPT);
    assert_eq!(lines[0]["rank"], 1);
    assert_eq!(lines[0]["wins"], 12);
    assert_eq!(lines[0]["losses"], 1);
    assert_eq!(lines[0]["ties"], 1);
    assert_eq!(lines[0]["comparisons"], 14);
    assert_eq!(lines[0]["provisional"], false);
    assert!(
        lines[0]["method"]
            .as_str()
            .unwrap_or("")
            .contains("Bradley-Terry")
    );
    let r: Vec<f64> = lines
        .iter()
        .map(|l| l["rating"].as_f64().unwrap_or(f64::NAN))
        .collect();
    assert!(r[0] > 1500.0 && r[0] > r[1] && r[1] > r[2], "{r:?}");
    assert_eq!(lines[2]["model"], MYLAB);
    assert_eq!(lines[2]["win_rate"], 0.0);
}

#[test]
fn model_names_cannot_drive_the_terminal() {
    let env = Env::new();
    let mut s = session("01escape00000", &[], vec![vote(1, None, false, 0)]);
    for r in &mut s.turns[1].responses {
        r.model = format!("evil:\u{1b}]52;c;aGk=\u{7}{}", r.pane);
    }
    env.store().create_session(&s).expect("seed");
    let out = env.run(&[]);
    assert!(out.status.success(), "{out:?}");
    let s = text(&out.stdout);
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
    assert!(s.contains("evil:0") && s.contains("0/0/1"), "{s}");
}

/// The workbench with demo models and a store in the test's data folder: blind mode, a vote
/// for the answer shown first; the vote lands in the store, blind, and `juxta leaderboard`
/// counts it.
#[test]
fn a_blind_vote_in_the_workbench_reaches_the_leaderboard() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use juxta::catalog::Config;
    use juxta::cli::TuiArgs;
    use juxta::engine::Engine;
    use juxta::tui::app::App;
    use juxta::tui::keymap::Mode;
    use juxta::tui::msg::Msg;
    use juxta::tui::run as tui_run;
    use juxta::tui::theme::Theme;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(c: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    let env = Env::new();
    let config = Config::presets_only().expect("presets");
    let args = TuiArgs {
        models: vec![
            "demo:swift,ttft=5,tps=3000".into(),
            "demo:steady,ttft=10,tps=2000".into(),
        ],
        ..TuiArgs::default()
    };
    let mut st =
        tui_run::initial_state(&args, &config, Instant::now(), chrono::Utc::now()).expect("state");
    st.size = (120, 36);
    let store = env.store();
    let engine = Arc::new(Engine::new(Arc::new(config)));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let theme = Theme::load("dark", None).expect("theme");
    let (winner, session) = rt.block_on(async move {
        let term = Terminal::new(TestBackend::new(120, 36)).expect("terminal");
        let mut app = App::new(term, st, theme, engine, 30).with_store(store);
        app.state.mode = Mode::Panes;
        app.apply(key(KeyCode::Char('b')));
        app.state.mode = Mode::Editor;
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        for c in "Which sort is stable?".chars() {
            tx.send(key(KeyCode::Char(c))).await.expect("send");
        }
        tx.send(key(KeyCode::Enter)).await.expect("send");
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
        assert!(run.is_ok(), "every pane settles in time");
        app.draw().expect("draw");
        let screen = format!("{}", app.terminal.backend());
        assert!(screen.contains("Model A"), "{screen}");
        assert!(
            !screen.contains("swift") && !screen.contains("steady"),
            "{screen}"
        );
        let winner = app.state.panes[0].model.id.clone();
        app.state.mode = Mode::Panes;
        app.apply(key(KeyCode::Char('v')));
        app.apply(key(KeyCode::Char('1')));
        app.draw().expect("draw");
        let screen = format!("{}", app.terminal.backend());
        assert!(
            screen.contains("swift") && screen.contains("steady"),
            "{screen}"
        );
        (winner, app.state.session.id.clone())
    });
    // The store writer runs on its own thread: wait for the vote.
    let t0 = Instant::now();
    let votes = loop {
        let votes = env.store().all_votes().expect("votes");
        if !votes.is_empty() {
            break votes;
        }
        assert!(t0.elapsed() < Duration::from_secs(20), "the vote is saved");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(votes.len(), 1);
    assert_eq!(votes[0].0, session);
    assert_eq!(votes[0].1.winner.as_deref(), Some(winner.as_str()));
    assert!(votes[0].1.blind);
    assert_eq!(votes[0].1.turn, 0);

    let out = env.run(&["--json"]);
    assert!(out.status.success(), "{out:?}");
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["model"], winner.as_str());
    assert_eq!(lines[0]["wins"], 1);
    assert_eq!(lines[0]["blind_share"], 1.0);
    assert_eq!(lines[1]["losses"], 1);
}

#[test]
fn a_turn_without_saved_answers_counts_the_sessions_models() {
    let env = Env::new();
    let mut s = session("01noanswers00", &["x"], vec![vote(0, Some(DEMO), false, 0)]);
    s.turns[0].responses.clear();
    s.turns.truncate(1);
    env.store().create_session(&s).expect("seed");
    let got = env.store().votes_in_turns(Some("x")).expect("votes");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].models, fixture::MODELS);
    assert!(
        env.store()
            .votes_in_turns(Some("y"))
            .expect("votes")
            .is_empty()
    );
    let out = env.run(&["--json"]);
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["model"], DEMO);
    assert_eq!(lines[0]["wins"], 2);
}
