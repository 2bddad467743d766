//! User-facing text (labels, hints, errors, help) lives here, one file per area, so that another
//! language can be added without touching render code.

pub mod browser;
pub mod cli;
pub mod engine;
pub mod judge;
pub mod render;
pub mod replay;
pub mod store;
pub mod tui;
pub mod wire;
