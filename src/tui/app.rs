//! The runtime: owns the terminal and the channels, runs effects, draws only when dirty and at
//! most `ui.fps` times a second, ticks only while something streams.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use super::msg::{Effect, Msg};
use super::state::{self, AppState};
use super::theme::Theme;
use super::ui;
use crate::engine::{Engine, EngineEvent, JobHandle, JobTag};
use crate::store::Store;
use crate::strings::tui as s;

/// Engine events in flight at most (a slow UI slows the sockets instead of growing memory).
pub const CHANNEL: usize = 1024;
/// Messages applied between two looks at the clock.
const MAX_BATCH: usize = 512;
/// The tick while something streams (spinner, elapsed time).
pub const TICK: Duration = Duration::from_millis(100);

/// Writes to the store, off the UI task.
enum StoreOp {
    Create(Box<crate::record::Session>),
    Turn(String, Box<crate::record::Turn>),
    Response(String, u32, Box<crate::record::ResponseRecord>),
    Vote(String, crate::record::Vote),
}

pub struct App<B: Backend> {
    pub terminal: Terminal<B>,
    pub state: AppState,
    pub theme: Theme,
    engine: Arc<Engine>,
    handles: HashMap<JobTag, JobHandle>,
    events_tx: mpsc::Sender<EngineEvent>,
    events_rx: mpsc::Receiver<EngineEvent>,
    notices_tx: mpsc::Sender<Msg>,
    notices_rx: mpsc::Receiver<Msg>,
    store_tx: Option<std::sync::mpsc::Sender<StoreOp>>,
    /// The database file: the session browser and replays open their own connection to it.
    store_path: Option<std::path::PathBuf>,
    /// Stops the running replay.
    replay_cancel: Option<tokio_util::sync::CancellationToken>,
    /// Where OSC 52 goes (stdout in the terminal; None in tests, which read `copied`).
    pub osc52: Option<Box<dyn Write + Send>>,
    pub copied: Vec<String>,
    frame: Duration,
    dirty: bool,
    last_draw: Option<Instant>,
    /// Frames drawn (for tests and the bench).
    pub frames: u64,
}

impl<B: Backend> App<B> {
    pub fn new(
        terminal: Terminal<B>,
        state: AppState,
        theme: Theme,
        engine: Arc<Engine>,
        fps: u32,
    ) -> Self {
        let (events_tx, events_rx) = mpsc::channel(CHANNEL);
        let (notices_tx, notices_rx) = mpsc::channel(64);
        let fps = fps.clamp(5, 60);
        App {
            terminal,
            state,
            theme,
            engine,
            handles: HashMap::new(),
            events_tx,
            events_rx,
            notices_tx,
            notices_rx,
            store_tx: None,
            store_path: None,
            replay_cancel: None,
            osc52: None,
            copied: Vec::new(),
            frame: Duration::from_secs(1) / fps,
            dirty: true,
            last_draw: None,
            frames: 0,
        }
    }

    /// Save sessions to `store` from a background thread; failures come back as notices.
    pub fn with_store(mut self, store: Store) -> Self {
        self.store_path = Some(store.path().to_owned());
        let (tx, rx) = std::sync::mpsc::channel::<StoreOp>();
        let notices = self.notices_tx.clone();
        std::thread::spawn(move || {
            for op in rx {
                let r = match &op {
                    StoreOp::Create(sess) => store.create_session(sess),
                    StoreOp::Turn(id, t) => store.add_turn(id, t),
                    StoreOp::Response(id, turn, rec) => store.save_response(id, *turn, rec),
                    StoreOp::Vote(id, vote) => store.add_vote(id, vote),
                };
                if let Err(e) = r {
                    let _ = notices.try_send(Msg::Notice(s::store_error(&e.to_string())));
                }
            }
        });
        self.store_tx = Some(tx);
        self
    }

    /// Apply one message and run its effects.
    pub fn apply(&mut self, msg: Msg) {
        if let Msg::Stream {
            tag,
            kind: crate::engine::EventKind::Done(_),
            ..
        } = &msg
        {
            self.handles.remove(tag);
        }
        if let Msg::Resize(..) = msg {
            // The next draw repaints everything.
            let _ = self.terminal.autoresize();
        }
        let out = state::update(&mut self.state, msg);
        self.dirty |= out.redraw;
        for effect in out.effects {
            self.execute(effect);
        }
    }

    fn execute(&mut self, effect: Effect) {
        match effect {
            Effect::StartStream(job) => {
                let tag = job.tag;
                let handle = self.engine.start(*job, self.events_tx.clone());
                self.handles.insert(tag, handle);
            }
            Effect::Abort(tag) => {
                if let Some(h) = self.handles.get(&tag) {
                    h.cancel();
                }
            }
            Effect::CreateSession(sess) => self.store(StoreOp::Create(sess)),
            Effect::AddTurn { session, turn } => self.store(StoreOp::Turn(session, turn)),
            Effect::Persist {
                session,
                turn,
                record,
            } => self.store(StoreOp::Response(session, turn, record)),
            Effect::Vote { session, vote } => self.store(StoreOp::Vote(session, vote)),
            Effect::Copy(text) => {
                if let Some(out) = self.osc52.as_mut() {
                    let _ = out.write_all(super::clipboard::osc52(&text).as_bytes());
                    let _ = out.flush();
                }
                self.copied.push(text);
            }
            Effect::Quit => {
                for h in self.handles.values() {
                    h.cancel();
                }
                if let Some(c) = &self.replay_cancel {
                    c.cancel();
                }
            }
            Effect::Browser(fx) => self.off_thread(move |store| match store {
                Err(e) => Some(Msg::Browser(crate::tui::browser::BrowserInput::Loaded {
                    query: match &fx {
                        crate::tui::browser::BrowserEffect::Load(q) => q.clone(),
                        _ => return Some(Msg::Notice(s::store_error(&e))),
                    },
                    result: Err(e),
                })),
                Ok(store) => match crate::tui::browser::exec::execute(&store, fx) {
                    crate::tui::browser::exec::Executed::Browser(input) => {
                        Some(Msg::Browser(input))
                    }
                    crate::tui::browser::exec::Executed::Opened(result) => {
                        Some(Msg::SessionOpened {
                            result,
                            turn: None,
                            focus: None,
                        })
                    }
                    crate::tui::browser::exec::Executed::Nothing => None,
                },
            }),
            Effect::OpenSession { id, turn, focus } => self.off_thread(move |store| {
                let result = store.and_then(|st| {
                    st.load_session(&id)
                        .map(Box::new)
                        .map_err(|e| e.to_string())
                });
                Some(Msg::SessionOpened {
                    result,
                    turn,
                    focus,
                })
            }),
            Effect::StartReplay {
                path,
                models,
                max_cost,
            } => self.start_replay(path, models, max_cost),
            Effect::CancelReplay => {
                if let Some(c) = &self.replay_cancel {
                    c.cancel();
                }
            }
        }
    }

    /// Run `job` with a store connection of its own on a blocking thread; its message comes
    /// back through the notices channel.
    fn off_thread(
        &mut self,
        job: impl FnOnce(Result<Store, String>) -> Option<Msg> + Send + 'static,
    ) {
        let path = self.store_path.clone();
        let tx = self.notices_tx.clone();
        let work = move || {
            let store = match path {
                Some(p) => Store::open(&p).map_err(|e| e.to_string()),
                None => Err(s::STORE_GONE.to_string()),
            };
            if let Some(msg) = job(store) {
                let _ = tx.blocking_send(msg);
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => drop(rt.spawn_blocking(work)),
            Err(_) => drop(std::thread::spawn(work)),
        }
    }

    /// Load and plan the prompt set off the UI thread, show its grid, then run it on the engine,
    /// saving to the store; progress comes back as `Msg::Replay`.
    fn start_replay(
        &mut self,
        path: String,
        models: Vec<crate::catalog::ResolvedModel>,
        max_cost: Option<f64>,
    ) {
        use crate::engine::replay;
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if let Some(c) = self.replay_cancel.take() {
            c.cancel();
        }
        let cancel = tokio_util::sync::CancellationToken::new();
        self.replay_cancel = Some(cancel.clone());
        let engine = self.engine.clone();
        let tx = self.notices_tx.clone();
        let store_path = self.store_path.clone();
        let rt2 = rt.clone();
        rt.spawn_blocking(move || {
            let planned = (|| {
                let set = crate::promptset::load(std::path::Path::new(&path))
                    .map_err(|e| e.to_string())?;
                let spec = replay::ReplaySpec {
                    set,
                    models,
                    repeats: 1,
                    system: None,
                    params: crate::provider::Params::default(),
                };
                let now = chrono::Utc::now();
                let plan = replay::plan::plan(&spec, None, now, crate::store::new_session_id(now))
                    .map_err(|e| e.to_string())?;
                let grid =
                    crate::tui::replay_grid::ReplayGridState::from_plan(&spec, &plan, max_cost);
                Ok::<_, String>((plan, grid))
            })();
            let (plan, grid) = match planned {
                Ok(v) => v,
                Err(e) => {
                    let _ = tx.blocking_send(Msg::ReplayStarted(Err(e)));
                    return;
                }
            };
            let sink: Option<Box<dyn replay::ReplaySink + Send>> =
                match store_path.map(|p| Store::open(&p)) {
                    Some(Ok(st)) => Some(Box::new(st)),
                    Some(Err(e)) => {
                        let _ = tx.blocking_send(Msg::Notice(s::store_error(&e.to_string())));
                        None
                    }
                    None => None,
                };
            let _ = tx.blocking_send(Msg::ReplayStarted(Ok(Box::new(grid))));
            rt2.spawn(async move {
                let (etx, mut erx) = mpsc::channel(256);
                let opts = replay::RunOptions {
                    concurrency: 2,
                    max_cost,
                    run_id: 1,
                };
                let starter: Arc<dyn replay::CellStarter> = engine;
                let run = tokio::spawn(replay::run(plan, starter, sink, opts, etx, cancel));
                while let Some(ev) = erx.recv().await {
                    if matches!(ev, replay::ReplayEvent::CellStream { .. }) {
                        continue;
                    }
                    if tx.send(Msg::Replay(Box::new(ev))).await.is_err() {
                        break;
                    }
                }
                let _ = run.await;
            });
        });
    }

    fn store(&mut self, op: StoreOp) {
        if let Some(tx) = &self.store_tx
            && tx.send(op).is_err()
        {
            self.store_tx = None;
            self.state.notice = Some(s::store_error(s::STORE_GONE));
        }
    }

    /// Draw now.
    pub fn draw(&mut self) -> std::io::Result<()> {
        let state = &self.state;
        let theme = &self.theme;
        self.terminal
            .draw(|f| ui::draw(f, state, theme))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        self.dirty = false;
        self.last_draw = Some(Instant::now());
        self.frames += 1;
        Ok(())
    }

    fn next_draw(&self) -> tokio::time::Instant {
        let at = self
            .last_draw
            .map(|t| t + self.frame)
            .unwrap_or_else(Instant::now);
        tokio::time::Instant::from_std(at)
    }

    /// Run until quit (or until `input` closes).
    pub async fn run(&mut self, mut input: mpsc::Receiver<Msg>) -> std::io::Result<()> {
        self.run_until(&mut input, |_| false).await
    }

    /// Run until `done(state)` holds after a batch, quit, or `input` closes.
    pub async fn run_until(
        &mut self,
        input: &mut mpsc::Receiver<Msg>,
        mut done: impl FnMut(&AppState) -> bool,
    ) -> std::io::Result<()> {
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut input_open = true;
        self.draw()?;
        while !self.state.should_quit {
            let streaming = self.state.any_streaming();
            let deadline = self.next_draw();
            tokio::select! {
                Some(ev) = self.events_rx.recv() => {
                    self.apply(Msg::Stream { tag: ev.tag, at: ev.at, kind: ev.kind });
                    for _ in 0..MAX_BATCH {
                        match self.events_rx.try_recv() {
                            Ok(ev) => self.apply(Msg::Stream { tag: ev.tag, at: ev.at, kind: ev.kind }),
                            Err(_) => break,
                        }
                    }
                }
                m = input.recv(), if input_open => match m {
                    Some(m) => self.apply(m),
                    None => input_open = false,
                },
                Some(m) = self.notices_rx.recv() => self.apply(m),
                _ = ticker.tick(), if streaming => self.apply(Msg::Tick(Instant::now())),
                _ = tokio::time::sleep_until(deadline), if self.dirty => self.draw()?,
            }
            if done(&self.state) {
                break;
            }
            if !input_open && self.handles.is_empty() && !self.dirty && !self.state.any_streaming()
            {
                break;
            }
        }
        if self.dirty {
            self.draw()?;
        }
        Ok(())
    }
}
