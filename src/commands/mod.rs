//! The headless commands and the dispatch to the workbench.

pub mod export;
pub mod import;
pub mod sessions;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub mod doctor;
pub mod leaderboard;
pub mod models;
pub mod replay;
pub mod run;
pub mod table;

pub const EXIT_OK: u8 = 0;
pub const EXIT_MODEL_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn dispatch(cli: Cli) -> ExitCode {
    let config = cli.config.as_deref();
    let code = match cli.command {
        None => match crate::catalog::Config::load(config) {
            Ok(c) => crate::tui::run(cli.tui, c),
            Err(e) => {
                eprintln!("juxta: {e}");
                EXIT_USAGE
            }
        },
        Some(Command::Run(args)) => run::run(args, config),
        Some(Command::Replay(args)) => replay::run(args, config),
        Some(Command::Sessions(a)) => sessions::run(a),
        Some(Command::Export(a)) => export::run(a),
        Some(Command::Import(a)) => import::run(a),
        Some(Command::Models(args)) => models::run(args, config),
        Some(Command::Leaderboard(a)) => leaderboard::run(a),
        Some(Command::Doctor) => doctor::run(config),
    };
    ExitCode::from(code)
}
