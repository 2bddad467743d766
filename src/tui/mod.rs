//! The workbench. The only module (with its children) that imports ratatui and crossterm.

pub mod markdown;
pub mod theme;
