//! `juxta leaderboard [--tag T] [--json]`: ratings from the votes in the store.

use std::io::Write;

use serde::Serialize;

use crate::cli::LeaderboardArgs;
use crate::judge::{self, Ballot, Leaderboard, Standing};
use crate::sanitize::clean;
use crate::store::{Store, StoreError};
use crate::strings::judge as text;

use super::table::{self, MISSING};
use super::{EXIT_OK, EXIT_USAGE};

pub fn run(args: LeaderboardArgs) -> u8 {
    match try_run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("juxta: {e}");
            EXIT_USAGE
        }
    }
}

fn try_run(args: &LeaderboardArgs) -> Result<u8, StoreError> {
    let store = Store::open_default()?;
    let ballots: Vec<Ballot> = store
        .votes_in_turns(args.tag.as_deref())?
        .into_iter()
        .map(|v| Ballot {
            session: v.session,
            turn: v.vote.turn,
            models: v.models,
            winner: v.vote.winner,
            blind: v.vote.blind,
            created_at: v.vote.created_at,
        })
        .collect();
    let board = judge::leaderboard(&ballots);
    let out = std::io::stdout();
    let mut out = out.lock();
    if board.standings.is_empty() {
        match args.tag.as_deref() {
            Some(t) if ballots.is_empty() => eprintln!("{}", text::no_votes_tagged(&clean(t))),
            _ => eprintln!("{}", text::NO_VOTES),
        }
        if board.votes_skipped > 0 {
            eprintln!("{}", text::skipped(board.votes_skipped));
        }
        return Ok(EXIT_OK);
    }
    if args.json {
        for s in &board.standings {
            let line = JsonLine {
                standing: s,
                method: board.method,
            };
            let _ = writeln!(out, "{}", serde_json::to_string(&line).unwrap_or_default());
        }
    } else {
        let _ = out.write_all(render(&board, args.tag.as_deref(), store.path()).as_bytes());
    }
    Ok(EXIT_OK)
}

#[derive(Serialize)]
struct JsonLine<'a> {
    #[serde(flatten)]
    standing: &'a Standing,
    method: &'static str,
}

/// The table and its notes.
pub fn render(board: &Leaderboard, tag: Option<&str>, db: &std::path::Path) -> String {
    let mut rows = vec![vec![
        text::HEAD_RANK.to_owned(),
        text::HEAD_MODEL.to_owned(),
        text::HEAD_RATING.to_owned(),
        text::HEAD_WLT.to_owned(),
        text::HEAD_COMPARISONS.to_owned(),
        text::HEAD_WIN_RATE.to_owned(),
        text::HEAD_BLIND.to_owned(),
    ]];
    for s in &board.standings {
        let mark = if s.provisional {
            text::PROVISIONAL_MARK
        } else {
            ""
        };
        rows.push(vec![
            format!("{}{mark}", s.rank),
            clean(&s.model).into_owned(),
            format!("{:.0}", s.rating),
            format!("{}/{}/{}", s.wins, s.losses, s.ties),
            s.comparisons.to_string(),
            percent(s.win_rate),
            percent(s.blind_share),
        ]);
    }
    let mut out = String::new();
    out.push_str(&text::summary(
        board.standings.len(),
        board.votes_counted,
        board.blind_votes,
        tag.map(|t| clean(t)).as_deref(),
    ));
    out.push_str("\n\n");
    out.push_str(&table::render(&rows, 2));
    out.push('\n');
    if board.standings.iter().any(|s| s.provisional) {
        out.push_str(&text::provisional_note(board.min_comparisons));
        out.push('\n');
    }
    out.push_str(text::RATING_NOTE);
    out.push('\n');
    out.push_str(&text::source_note(db));
    out.push('\n');
    if board.votes_superseded > 0 {
        out.push_str(&text::superseded(board.votes_superseded));
        out.push('\n');
    }
    if board.votes_skipped > 0 {
        out.push_str(&text::skipped(board.votes_skipped));
        out.push('\n');
    }
    out
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.to_owned(), |x| format!("{:.0}%", x * 100.0))
}
