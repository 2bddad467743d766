//! The workbench. The only module (with its children) that imports ratatui and crossterm.

pub mod browser;
pub mod markdown;
pub mod replay_grid;
pub mod theme;
