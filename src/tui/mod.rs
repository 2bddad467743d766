//! The workbench. The only module (with its children) that imports ratatui and crossterm.
//!
//! Shape (DESIGN §3): `state::update(&mut AppState, Msg) -> Outcome { redraw, effects }` is pure;
//! `ui::draw(frame, &AppState, &Theme)` is pure; `app::App` owns the terminal and the channels,
//! runs the effects and draws only when dirty.

pub mod action;
pub mod app;
pub mod browser;
pub mod clipboard;
pub mod keymap;
pub mod markdown;
pub mod msg;
pub mod replay_grid;
pub mod run;
pub mod state;
pub mod terminal;
#[doc(hidden)]
pub mod testing;
pub mod theme;
pub mod ui;
pub mod vote;

pub use run::run;
