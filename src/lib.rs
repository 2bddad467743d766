//! juxta: a terminal workbench for comparing LLMs side by side.
//!
//! The engine (providers, catalog, metrics, cost, store, export, replay) never imports ratatui or
//! crossterm; only `tui` does. The headless commands and the workbench share the same engine.
#![forbid(unsafe_code)]

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod cost;
pub mod engine;
pub mod export;
pub mod judge;
pub mod metrics;
pub mod promptset;
pub mod provider;
pub mod record;
pub mod sanitize;
pub mod store;
pub mod strings;
pub mod tui;
