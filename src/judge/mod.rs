//! Ratings from votes: pure functions, no IO.
//!
//! A vote for model W in a turn whose panes held models M1..Mk counts as W beating each other
//! model of that turn; a tie / "all bad" vote counts as a tie between every pair. Only the latest
//! vote of a turn counts (a changed mind replaces the earlier vote). Blind and open votes both
//! count; the share that came from blind votes is reported per model.
//!
//! The rating is a Bradley–Terry strength fitted by MM iterations (Hunter 2004), a tie counting
//! as half a win for each side, shown on the Elo scale: 1500 is an average model, and 400 points
//! more means 10:1 odds of being preferred. Each model also plays two virtual games (one won, one
//! lost) against a 1500 anchor, so that a model that has never lost gets a finite rating and few
//! votes pull a rating only a little away from 1500.

pub mod rating;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Below this many comparisons a model's rating is provisional: it is listed after the models
/// with enough comparisons, and marked.
pub const MIN_COMPARISONS: u32 = 5;

/// One vote with what the judge needs to know about its turn.
#[derive(Clone, Debug, PartialEq)]
pub struct Ballot {
    pub session: String,
    pub turn: u32,
    /// The models shown in that turn (duplicates are ignored).
    pub models: Vec<String>,
    /// The winning model; None for a tie / "all bad".
    pub winner: Option<String>,
    pub blind: bool,
    pub created_at: DateTime<Utc>,
}

/// One model's standing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Standing {
    /// 1-based; provisional models are ranked after the others.
    pub rank: usize,
    pub model: String,
    /// Bradley–Terry strength on the Elo scale.
    pub rating: f64,
    pub wins: u32,
    pub losses: u32,
    pub ties: u32,
    /// Pairwise comparisons this model took part in (wins + losses + ties).
    pub comparisons: u32,
    /// (wins + ties / 2) / comparisons; None without comparisons.
    pub win_rate: Option<f64>,
    /// Share of this model's comparisons that came from blind votes.
    pub blind_share: Option<f64>,
    /// Fewer than [`MIN_COMPARISONS`] comparisons.
    pub provisional: bool,
}

/// The whole table and what went into it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Leaderboard {
    /// How the rating was computed (shown with the table).
    pub method: &'static str,
    pub min_comparisons: u32,
    pub standings: Vec<Standing>,
    /// Votes counted (the latest per turn, with at least two models).
    pub votes_counted: usize,
    pub blind_votes: usize,
    /// Votes replaced by a later vote on the same turn.
    pub votes_superseded: usize,
    /// Votes that could not count: a turn with fewer than two models, or a winner not among them.
    pub votes_skipped: usize,
}

pub const METHOD: &str =
    "Bradley-Terry (MM fit, tie = half a win, 2 virtual games vs a 1500 anchor), Elo scale";

/// A pairwise result: `a` against `b`, with `a`'s score (1 win, 0.5 tie, 0 loss).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Game {
    pub a: usize,
    pub b: usize,
    pub score_a: f64,
}

#[derive(Default)]
struct Tally {
    wins: u32,
    losses: u32,
    ties: u32,
    blind: u32,
}

/// The leaderboard of `ballots` (any order; the latest vote per session turn counts).
pub fn leaderboard(ballots: &[Ballot]) -> Leaderboard {
    // The latest vote per (session, turn); the input order breaks equal times (later wins).
    let mut latest: HashMap<(&str, u32), usize> = HashMap::new();
    for (i, b) in ballots.iter().enumerate() {
        let key = (b.session.as_str(), b.turn);
        match latest.get(&key) {
            Some(&j) if ballots[j].created_at > b.created_at => {}
            _ => {
                latest.insert(key, i);
            }
        }
    }
    let votes_superseded = ballots.len() - latest.len();
    let mut chosen: Vec<usize> = latest.into_values().collect();
    chosen.sort_unstable();

    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut tallies: Vec<Tally> = Vec::new();
    let mut games: Vec<Game> = Vec::new();
    let mut votes_counted = 0;
    let mut blind_votes = 0;
    let mut votes_skipped = 0;
    let mut index = |m: &str, tallies: &mut Vec<Tally>| -> usize {
        let n = names.len();
        let i = *names.entry(m.to_owned()).or_insert(n);
        if i == tallies.len() {
            tallies.push(Tally::default());
        }
        i
    };
    for i in chosen {
        let b = &ballots[i];
        let models: BTreeSet<&str> = b.models.iter().map(String::as_str).collect();
        let winner_ok = b.winner.as_deref().is_none_or(|w| models.contains(w));
        if models.len() < 2 || !winner_ok {
            votes_skipped += 1;
            continue;
        }
        votes_counted += 1;
        if b.blind {
            blind_votes += 1;
        }
        let ids: Vec<(usize, &str)> = models
            .iter()
            .map(|m| (index(m, &mut tallies), *m))
            .collect();
        let mut play = |a: usize, b_: usize, score_a: f64, tallies: &mut Vec<Tally>| {
            games.push(Game { a, b: b_, score_a });
            for (x, s) in [(a, score_a), (b_, 1.0 - score_a)] {
                let t = &mut tallies[x];
                if s > 0.75 {
                    t.wins += 1;
                } else if s < 0.25 {
                    t.losses += 1;
                } else {
                    t.ties += 1;
                }
                if b.blind {
                    t.blind += 1;
                }
            }
        };
        match b.winner.as_deref() {
            Some(w) => {
                let wi = ids.iter().find(|(_, m)| *m == w).map(|(i, _)| *i);
                if let Some(wi) = wi {
                    for &(o, _) in ids.iter().filter(|(o, _)| *o != wi) {
                        play(wi, o, 1.0, &mut tallies);
                    }
                }
            }
            None => {
                for (n, &(x, _)) in ids.iter().enumerate() {
                    for &(y, _) in &ids[n + 1..] {
                        play(x, y, 0.5, &mut tallies);
                    }
                }
            }
        }
    }

    let ratings = rating::bradley_terry(names.len(), &games, rating::PRIOR_GAMES);
    let mut standings: Vec<Standing> = names
        .into_iter()
        .map(|(model, i)| {
            let t = &tallies[i];
            let comparisons = t.wins + t.losses + t.ties;
            let frac = |x: f64| (comparisons > 0).then(|| x / f64::from(comparisons));
            Standing {
                rank: 0,
                model,
                rating: ratings[i],
                wins: t.wins,
                losses: t.losses,
                ties: t.ties,
                comparisons,
                win_rate: frac(f64::from(t.wins) + f64::from(t.ties) / 2.0),
                blind_share: frac(f64::from(t.blind)),
                provisional: comparisons < MIN_COMPARISONS,
            }
        })
        .collect();
    standings.sort_by(|x, y| {
        x.provisional
            .cmp(&y.provisional)
            .then(y.rating.total_cmp(&x.rating))
            .then(y.comparisons.cmp(&x.comparisons))
            .then(x.model.cmp(&y.model))
    });
    for (n, s) in standings.iter_mut().enumerate() {
        s.rank = n + 1;
    }
    Leaderboard {
        method: METHOD,
        min_comparisons: MIN_COMPARISONS,
        standings,
        votes_counted,
        blind_votes,
        votes_superseded,
        votes_skipped,
    }
}

#[cfg(test)]
mod tests;
