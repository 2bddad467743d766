//! Text of votes, blind mode and the leaderboard.

use std::path::Path;

pub const NO_VOTES: &str = "no votes yet: in the workbench press v then a pane number to vote for the best answer \
     (v then = for a tie; b first for a blind vote), then run juxta leaderboard again";

pub fn no_votes_tagged(tag: &str) -> String {
    format!(
        "no votes in sessions tagged {tag:?}: tag a session in the workbench's session browser, or run without --tag"
    )
}

pub const HEAD_RANK: &str = "rank";
pub const HEAD_MODEL: &str = "model";
pub const HEAD_RATING: &str = "rating";
pub const HEAD_WLT: &str = "W/L/T";
pub const HEAD_COMPARISONS: &str = "comparisons";
pub const HEAD_WIN_RATE: &str = "win rate";
pub const HEAD_BLIND: &str = "blind";

/// Marks a provisional rank.
pub const PROVISIONAL_MARK: &str = "*";

pub fn summary(models: usize, votes: usize, blind: usize, tag: Option<&str>) -> String {
    let scope = tag.map_or_else(String::new, |t| format!(" in sessions tagged {t:?}"));
    format!("{models} model(s) rated from {votes} vote(s), {blind} blind{scope}")
}

pub const RATING_NOTE: &str = "rating: Bradley-Terry fitted by MM iterations, a tie counting half a win, on the Elo scale \
     (1500 = average, +400 = preferred 10 times as often);\n\
     each model also plays 2 virtual games against a 1500 anchor, so a few votes move a rating little;\n\
     a vote for one pane is a win over every other pane of that turn, a tie ties every pair.";

pub fn provisional_note(min: u32) -> String {
    format!(
        "{PROVISIONAL_MARK} provisional: fewer than {min} comparisons, listed after the others whatever the rating"
    )
}

pub fn source_note(path: &Path) -> String {
    format!(
        "figures: your votes in {} (only the latest vote of a turn counts; win rate counts a tie as half)",
        path.display()
    )
}

pub fn superseded(n: usize) -> String {
    format!("{n} earlier vote(s) replaced by a later vote on the same turn")
}

pub fn skipped(n: usize) -> String {
    format!(
        "{n} vote(s) not counted: their turn had fewer than two models, or the winner was not among them"
    )
}

// The workbench.

pub const BLIND_ON: &str =
    "blind: names hidden and panes shuffled for the next turn until you vote";
pub const BLIND_OFF: &str = "blind mode off";
pub const BLIND_LABEL: &str = "blind";
/// A hidden model's label in a pane header: `Model A`, `Model B`, ...
pub fn hidden_model(n: usize) -> String {
    let letter = (b'A' + (n % 26) as u8) as char;
    format!("Model {letter}")
}
pub const VOTE_PROMPT: &str =
    "vote: press a pane number for the best answer, = for a tie, Esc to cancel";
pub const VOTE_NOTHING: &str = "nothing to vote on yet: send a prompt first";
pub const VOTE_NOT_SETTLED: &str = "wait for the answers to finish before voting";
pub fn voted_for(model: &str, blind: bool) -> String {
    if blind {
        format!("voted (blind): {model} wins")
    } else {
        format!("voted: {model} wins")
    }
}
pub const VOTED_TIE: &str = "voted: a tie";
pub const BLIND_NEXT_LABEL: &str = "blind next";
pub const NO_SUCH_PANE: &str = "no such pane in this turn";
pub const HELP_VOTE: &str =
    "vote for the best answer: then a pane number (v or enter: the focused pane, =: a tie)";
pub const HELP_VOTE_TIE: &str = "vote: a tie / all bad";
pub const HELP_BLIND: &str =
    "blind mode for the next turn: names hidden, panes shuffled until you vote";
