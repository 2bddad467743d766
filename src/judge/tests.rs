use chrono::{TimeZone, Utc};

use super::rating::{self, bradley_terry};
use super::*;

fn ballot(
    session: &str,
    turn: u32,
    models: &[&str],
    winner: Option<&str>,
    blind: bool,
    t: i64,
) -> Ballot {
    Ballot {
        session: session.into(),
        turn,
        models: models.iter().map(|m| (*m).to_owned()).collect(),
        winner: winner.map(str::to_owned),
        blind,
        created_at: Utc.timestamp_opt(1_800_000_000 + t, 0).unwrap(),
    }
}

fn get<'a>(b: &'a Leaderboard, m: &str) -> &'a Standing {
    b.standings.iter().find(|s| s.model == m).expect(m)
}

#[test]
fn a_win_beats_every_other_model_of_the_turn_and_a_tie_ties_every_pair() {
    let b = leaderboard(&[
        ballot("s1", 0, &["a", "b", "c"], Some("a"), false, 0),
        ballot("s1", 1, &["a", "b"], None, true, 1),
    ]);
    let a = get(&b, "a");
    assert_eq!((a.wins, a.losses, a.ties, a.comparisons), (2, 0, 1, 3));
    let bb = get(&b, "b");
    assert_eq!((bb.wins, bb.losses, bb.ties, bb.comparisons), (0, 1, 1, 2));
    let c = get(&b, "c");
    assert_eq!((c.wins, c.losses, c.ties, c.comparisons), (0, 1, 0, 1));
    // a: (2 + 1/2) / 3; b: (0 + 1/2) / 2.
    assert!((a.win_rate.unwrap() - 2.5 / 3.0).abs() < 1e-12);
    assert!((bb.win_rate.unwrap() - 0.25).abs() < 1e-12);
    // The tie was blind: one of a's three comparisons, one of b's two, none of c's.
    assert!((a.blind_share.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert!((bb.blind_share.unwrap() - 0.5).abs() < 1e-12);
    assert_eq!(c.blind_share, Some(0.0));
    assert_eq!((b.votes_counted, b.blind_votes), (2, 1));
}

#[test]
fn a_three_way_tie_is_three_tied_pairs() {
    let b = leaderboard(&[ballot("s", 0, &["a", "b", "c"], None, false, 0)]);
    for m in ["a", "b", "c"] {
        let s = get(&b, m);
        assert_eq!((s.wins, s.losses, s.ties), (0, 0, 2));
        assert!((s.rating - rating::BASE).abs() < 1e-6);
    }
}

#[test]
fn plain_bradley_terry_of_three_to_one_is_odds_of_three() {
    // a beats b three times, b beats a once: the fit gives p_a / p_b = 3, so the ratings lie
    // 400·log10(3) = 190.85 points apart, centred on 1500.
    let games = [
        Game {
            a: 0,
            b: 1,
            score_a: 1.0,
        },
        Game {
            a: 0,
            b: 1,
            score_a: 1.0,
        },
        Game {
            a: 0,
            b: 1,
            score_a: 1.0,
        },
        Game {
            a: 1,
            b: 0,
            score_a: 1.0,
        },
    ];
    let r = bradley_terry(2, &games, 0.0);
    assert!((r[0] - 1_595.424_250_9).abs() < 1e-4, "{r:?}");
    assert!((r[1] - 1_404.575_749_1).abs() < 1e-4, "{r:?}");
    assert!((rating::expected(r[0], r[1]) - 0.75).abs() < 1e-6);
}

#[test]
fn one_win_with_the_anchor_has_the_hand_solved_rating() {
    // a beats b once; each also plays 2 virtual games against the anchor (strength 1).
    // By symmetry p_b = 1/p_a = 1/x, and the MM fixed point solves
    // x²/(x²+1) + 2x/(x+1) = 2, so x = 1.695621 and a = 1500 + 400·log10(x) = 1591.73.
    let b = leaderboard(&[ballot("s", 0, &["a", "b"], Some("a"), false, 0)]);
    assert!((get(&b, "a").rating - 1_591.731_49).abs() < 1e-3, "{b:?}");
    assert!((get(&b, "b").rating - 1_408.268_51).abs() < 1e-3, "{b:?}");
}

#[test]
fn a_cycle_leaves_everyone_equal() {
    let b = leaderboard(&[
        ballot("s", 0, &["a", "b"], Some("a"), false, 0),
        ballot("s", 1, &["b", "c"], Some("b"), false, 1),
        ballot("s", 2, &["c", "a"], Some("c"), false, 2),
    ]);
    for s in &b.standings {
        assert!((s.rating - 1500.0).abs() < 1e-6, "{s:?}");
    }
}

#[test]
fn the_latest_vote_of_a_turn_replaces_earlier_ones() {
    let b = leaderboard(&[
        ballot("s", 0, &["a", "b"], Some("a"), false, 0),
        ballot("s", 0, &["a", "b"], Some("b"), false, 5),
        // Another session's turn 0 is another turn.
        ballot("t", 0, &["a", "b"], Some("b"), false, 1),
    ]);
    assert_eq!(b.votes_superseded, 1);
    assert_eq!(b.votes_counted, 2);
    assert_eq!(get(&b, "b").wins, 2);
    assert_eq!(get(&b, "a").wins, 0);
    assert_eq!(b.standings[0].model, "b");
}

#[test]
fn unusable_votes_are_skipped_and_counted() {
    let b = leaderboard(&[
        ballot("s", 0, &["a"], Some("a"), false, 0),
        ballot("s", 1, &["a", "b"], Some("zzz"), false, 1),
        // The same model in two panes is one model.
        ballot("s", 2, &["a", "a"], None, false, 2),
    ]);
    assert_eq!(b.votes_skipped, 3);
    assert_eq!(b.votes_counted, 0);
    assert!(b.standings.is_empty());
}

#[test]
fn few_comparisons_rank_after_established_models_and_are_marked() {
    let mut v = Vec::new();
    // x and y: 6 comparisons each, x ahead 4–2.
    for i in 0..6 {
        let w = if i < 4 { "x" } else { "y" };
        v.push(ballot("s", i, &["x", "y"], Some(w), false, i64::from(i)));
    }
    // z: one comparison, won — a higher rating than y, but provisional.
    v.push(ballot("s", 10, &["z", "y"], Some("z"), false, 10));
    let b = leaderboard(&v);
    let order: Vec<&str> = b.standings.iter().map(|s| s.model.as_str()).collect();
    assert_eq!(order, ["x", "y", "z"]);
    assert!(get(&b, "z").rating > get(&b, "y").rating);
    assert!(get(&b, "z").provisional);
    assert!(!get(&b, "x").provisional && !get(&b, "y").provisional);
    assert_eq!(
        b.standings.iter().map(|s| s.rank).collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

#[test]
fn no_votes_no_standings() {
    let b = leaderboard(&[]);
    assert!(b.standings.is_empty());
    assert_eq!(b.votes_counted, 0);
}
