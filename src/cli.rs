//! The command line (DESIGN §2): clap definitions and dispatch. Exit codes: 0 all answered,
//! 1 some model failed, 2 usage or config error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "juxta",
    version,
    about = "Compare LLMs side by side, with honest numbers"
)]
pub struct Cli {
    /// Read this config file instead of the default one.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub tui: TuiArgs,
}

/// Options of the workbench (no subcommand).
#[derive(Debug, Clone, Default, Args)]
pub struct TuiArgs {
    /// A model to compare (PROVIDER:MODEL or alias); repeat for more panes.
    #[arg(short = 'm', long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
    /// A named model set from the config.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Reopen a saved session.
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// UI theme: dark, light, high-contrast, or a file in the config's themes folder.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Stream one prompt to several models, print the answers and a metrics table.
    Run(RunArgs),
    /// Replay a prompt set across models.
    Replay(ReplayArgs),
    /// List, show, search or remove saved sessions.
    Sessions(SessionsArgs),
    /// Export a session as Markdown, HTML, JSON or CSV.
    Export(ExportArgs),
    /// Import a session exported as JSON.
    Import(ImportArgs),
    /// The model catalog: provider, open/closed, prices, usable now.
    Models(ModelsArgs),
    /// Ratings from votes.
    Leaderboard(LeaderboardArgs),
    /// Check config, keys (names only) and local servers.
    Doctor,
}

/// Request options shared by `run` and `replay`.
#[derive(Debug, Clone, Default, Args)]
pub struct RequestArgs {
    /// System prompt.
    #[arg(long, value_name = "TEXT")]
    pub system: Option<String>,
    /// Sampling temperature sent to every model (omitted: each model's default).
    #[arg(long)]
    pub temperature: Option<f32>,
    /// Cap on output tokens per answer (omitted: each model's default).
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u32>,
    /// Random seed sent to models that accept one.
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Models to compare (PROVIDER:MODEL or alias); repeat for more.
    #[arg(short = 'm', long = "model", value_name = "MODEL", required = true)]
    pub models: Vec<String>,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Print JSON lines as events happen instead of text.
    #[arg(long)]
    pub json: bool,
    /// Do not save to the store.
    #[arg(long)]
    pub no_save: bool,
    /// The prompt, or `-` to read it from stdin.
    #[arg(value_name = "PROMPT|-")]
    pub prompt: String,
}

#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// A prompt set: TOML, JSONL or plain text (one prompt per line), or the name of a shipped
    /// set (coding, reasoning, japanese-writing, chinese-writing, extraction-json).
    pub file: PathBuf,
    /// Models to compare (PROVIDER:MODEL or alias); repeat for more.
    #[arg(short = 'm', long = "model", value_name = "MODEL", required = true)]
    pub models: Vec<String>,
    /// Ask every prompt this many times per model.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Requests in flight at once per provider.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Refuse to start above this estimated cost, and stop when spending reaches it (USD).
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,
    /// Start even if the estimate is above --max-cost (the cap still stops the run).
    #[arg(long)]
    pub force: bool,
    /// Resume an interrupted replay session (answered cells are skipped).
    #[arg(long, value_name = "ID")]
    pub resume: Option<String>,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Print JSON lines as events happen instead of text.
    #[arg(long)]
    pub json: bool,
    /// Do not save to the store.
    #[arg(long)]
    pub no_save: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SessionsArgs {
    #[command(subcommand)]
    pub action: Option<SessionsAction>,
    /// One JSON object per line.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SessionsAction {
    /// Newest first.
    List {
        /// Show at most this many sessions.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Print a session: prompts, answers and metrics.
    Show {
        /// The session id (as printed by `list`).
        id: String,
    },
    /// Full-text search over prompts and answers.
    Search {
        /// Words to look for.
        text: String,
    },
    /// Remove a session.
    Rm {
        /// The session id (as printed by `list`).
        id: String,
        /// Do not ask.
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Markdown, answers side by side.
    Md,
    /// A standalone HTML page with charts.
    Html,
    /// Lossless JSON (`juxta import` reads it back).
    Json,
    /// One row per response.
    Csv,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The session id (as printed by `juxta sessions list`).
    pub id: String,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write here instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// A session exported with `juxta export ID --format json`.
    pub file: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ModelsArgs {
    /// Probe local servers and list what they serve.
    #[arg(long)]
    pub refresh: bool,
    /// One JSON object per model per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct LeaderboardArgs {
    /// Only votes of sessions carrying this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// One JSON object per model and line, best first.
    #[arg(long)]
    pub json: bool,
}

/// Parse the command line and run it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::commands::dispatch(cli)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    fn check(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            if sub.get_about().is_none() {
                missing.push(format!("{path} {}", sub.get_name()));
            }
            check(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }

    #[test]
    fn every_option_and_command_has_a_help_line() {
        let mut missing = Vec::new();
        check(&super::Cli::command(), "juxta", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }
}
