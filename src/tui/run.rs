//! `juxta` with no subcommand: pick the models, set up the terminal, run the App.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use tokio::sync::mpsc;

use super::app::App;
use super::keymap::Keymap;
use super::msg::Msg;
use super::state::picker::{PickerItem, Usable};
use super::state::{AppState, WallClock};
use super::terminal::TerminalGuard;
use super::theme::Theme;
use crate::catalog::{Config, ResolveError, ResolvedModel};
use crate::cli::TuiArgs;
use crate::commands::{EXIT_OK, EXIT_USAGE};
use crate::engine::Engine;
use crate::provider::Protocol;
use crate::strings::tui as s;

/// Demo models the workbench opens on when nothing else is named or configured.
const DEMO_OPENING: usize = 3;

/// Resolve a model name against the catalog.
pub fn resolve(config: &Config, name: &str) -> Result<ResolvedModel, ResolveError> {
    config.catalog.resolve(name)
}

/// The models to open with: `-m` names, else `--preset`, else the config's defaults, else demo
/// models. Errors name the bad model or preset.
pub fn opening_models(args: &TuiArgs, config: &Config) -> Result<Vec<ResolvedModel>, String> {
    let names: Vec<String> = if !args.models.is_empty() {
        args.models.clone()
    } else if let Some(p) = &args.preset {
        match config.presets.get(p) {
            Some(list) => list.clone(),
            None => {
                return Err(s::unknown_preset(
                    p,
                    &config.presets.keys().cloned().collect::<Vec<_>>(),
                ));
            }
        }
    } else if !config.default_models.is_empty() {
        config.default_models.clone()
    } else {
        demo_models(config)
    };
    names
        .iter()
        .map(|n| resolve(config, n).map_err(|e| e.to_string()))
        .collect()
}

/// The first demo models of the catalog.
pub fn demo_models(config: &Config) -> Vec<String> {
    config
        .catalog
        .models
        .iter()
        .filter(|m| {
            crate::catalog::split_id(&m.id)
                .and_then(|(p, _)| config.catalog.providers.get(p))
                .is_some_and(|p| p.protocol == Protocol::Demo)
        })
        .filter(|m| m.price.is_some())
        .take(DEMO_OPENING)
        .map(|m| m.id.clone())
        .collect()
}

/// Everything the picker offers, with whether each is usable now (key present).
pub fn picker_items(config: &Config) -> Vec<PickerItem> {
    let mut out = Vec::new();
    for m in &config.catalog.models {
        let Ok(model) = resolve(config, &m.id) else {
            continue;
        };
        let usable = if model.provider.protocol == Protocol::Demo {
            Usable::Ready
        } else if let Some(env) = &model.provider.api_key_env {
            if std::env::var_os(env).is_some_and(|v| !v.is_empty()) {
                Usable::Ready
            } else {
                Usable::NoKey(env.clone())
            }
        } else if model.provider.local {
            if m.discovered {
                Usable::Ready
            } else {
                Usable::Unknown
            }
        } else {
            Usable::Ready
        };
        let mut item = PickerItem::new(model, usable);
        item.aliases = m.aliases.clone();
        out.push(item);
    }
    out
}

/// Build the state the workbench opens on.
pub fn initial_state(
    args: &TuiArgs,
    config: &Config,
    now: Instant,
    wall: chrono::DateTime<chrono::Utc>,
) -> Result<AppState, String> {
    let models = opening_models(args, config)?;
    let seed = format!(
        "{}-{:04x}",
        wall.format("%Y%m%d-%H%M%S"),
        std::process::id() & 0xffff
    );
    let mut state = AppState::new(models, WallClock { base: now, wall }, seed);
    let (keymap, warnings) = Keymap::from_config(&config.keymap);
    state.keymap = keymap;
    if let Some(w) = warnings.first() {
        state.notice = Some(s::keymap_warning(w));
    }
    state.catalog = picker_items(config);
    state.presets = config.presets.clone();
    if !state.panes.is_empty() && state.panes.iter().all(|p| p.model.simulated) {
        state.hint = Some(s::DEMO_HINT.into());
    }
    Ok(state)
}

/// Run the workbench; returns the exit code.
pub fn run(args: TuiArgs, config: Config) -> u8 {
    let now = Instant::now();
    let state = match initial_state(&args, &config, now, chrono::Utc::now()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("juxta: {e}");
            return EXIT_USAGE;
        }
    };
    let theme = match load_theme(args.theme.as_deref(), &config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("juxta: {e}");
            return EXIT_USAGE;
        }
    };
    let fps = config.ui.fps;
    let session = args.session.clone();
    let store = crate::store::Store::default_path().map(|p| crate::store::Store::open(&p));
    let engine = Arc::new(Engine::new(Arc::new(config)));
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("juxta: {e}");
            return EXIT_USAGE;
        }
    };
    let result = rt.block_on(async move {
        let guard = TerminalGuard::enter()?;
        let terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))
            .map_err(std::io::Error::other)?;
        let mut app = App::new(terminal, state, theme, engine, fps);
        match store {
            Some(Ok(st)) => app = app.with_store(st),
            Some(Err(e)) => app.state.notice = Some(s::store_error(&e.to_string())),
            None => app.state.notice = Some(s::store_error(s::NO_DATA_DIR)),
        }
        app.osc52 = Some(Box::new(std::io::stdout()));
        if let Some(id) = session {
            app.open_session(id);
        }
        if let Ok(size) = app.terminal.size() {
            app.state.size = (size.width, size.height);
        }
        let (tx, rx) = mpsc::channel(256);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = spawn_input(tx, stop.clone());
        let r = app.run(rx).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = reader.join();
        drop(guard);
        r
    });
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("juxta: {e}");
            EXIT_USAGE
        }
    }
}

/// The theme named by `--theme`, else the config's; user themes live in `config_dir/themes`.
pub fn load_theme(name: Option<&str>, config: &Config) -> Result<Theme, String> {
    let name = name.unwrap_or(&config.ui.theme);
    let user_dir =
        directories::ProjectDirs::from("", "", "juxta").map(|d| d.config_dir().join("themes"));
    Theme::load(name, user_dir.as_deref()).map_err(|e| e.to_string())
}

/// Read terminal events on a thread and send them as messages.
fn spawn_input(
    tx: mpsc::Sender<Msg>,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            match event::poll(Duration::from_millis(50)) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) => break,
            }
            let msg = match event::read() {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Ok(Event::Paste(p)) => Msg::Paste(p),
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.blocking_send(msg).is_err() {
                break;
            }
        }
    })
}
